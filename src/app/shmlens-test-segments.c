/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-test-segments.c: this session's test segments, removed when the app quits.
 *
 * A segment made for a demo should not outlive the demo unless the person asked to
 * keep it. The app notes each test segment it creates here, with whether to keep
 * it; pages show the note and let the person change their mind; when the app quits
 * it removes the rest through shmlens_created_remove(), which removes only a segment
 * Shmlens created (not another that took its name meanwhile). */
#include "config.h"

#include <gio/gio.h>

#include "shmlens-created.h"
#include "shmlens-error.h"
#include "shmlens-ref.h"
#include "shmlens-test-segments.h"

struct _ShmlensTestSegments
{
  GObject parent_instance;

  /* reference (as the segment gives it) → GINT_TO_POINTER (keep) */
  GHashTable *keep;
};

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShmlensTestSegments, shmlens_test_segments, G_TYPE_OBJECT)

static void
shmlens_test_segments_finalize (GObject *object)
{
  ShmlensTestSegments *self = SHMLENS_TEST_SEGMENTS (object);

  g_clear_pointer (&self->keep, g_hash_table_unref);

  G_OBJECT_CLASS (shmlens_test_segments_parent_class)->finalize (object);
}

static void
shmlens_test_segments_class_init (ShmlensTestSegmentsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = shmlens_test_segments_finalize;

  /**
   * ShmlensTestSegments::changed:
   * @self: the record
   * @ref: the reference of the segment added, or whose "keep" changed
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
shmlens_test_segments_init (ShmlensTestSegments *self)
{
  self->keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * shmlens_test_segments_get_default:
 *
 * Returns: (transfer none): the record of this process's session
 */
ShmlensTestSegments *
shmlens_test_segments_get_default (void)
{
  static ShmlensTestSegments *session;

  if (session == NULL)
    session = g_object_new (SHMLENS_TYPE_TEST_SEGMENTS, NULL);
  return session;
}

/* The reference the segment itself gives: the created segment's reference may be
 * written another way ("posix:NAME" for "/NAME"). */
static char *
canonical_ref (const char *ref_text)
{
  g_autoptr(ShmlensRef) ref = shmlens_ref_parse (ref_text, NULL);
  g_autoptr(ShmlensSegment) segment = NULL;

  if (ref != NULL)
    segment = shmlens_ref_resolve (ref, FALSE, NULL);
  if (segment == NULL)
    return g_strdup (ref_text);
  return shmlens_segment_dup_ref (segment);
}

/**
 * shmlens_test_segments_add:
 * @self: the record
 * @ref: the reference of a segment just created with shmlens_created_create()
 * @keep: whether to keep it when the app quits
 */
void
shmlens_test_segments_add (ShmlensTestSegments *self,
                           const char          *ref,
                           gboolean             keep)
{
  g_autofree char *canonical = NULL;

  g_return_if_fail (SHMLENS_IS_TEST_SEGMENTS (self));
  g_return_if_fail (ref != NULL);

  canonical = canonical_ref (ref);
  g_hash_table_replace (self->keep, g_strdup (canonical), GINT_TO_POINTER (keep != FALSE));
  g_signal_emit (self, signals[CHANGED], 0, canonical);
}

/**
 * shmlens_test_segments_lookup:
 * @self: the record
 * @segment: a segment
 * @keep: (out) (optional): whether it is to be kept
 *
 * Returns: whether @segment was created in this session (and is still Shmlens's)
 */
gboolean
shmlens_test_segments_lookup (ShmlensTestSegments *self,
                              ShmlensSegment      *segment,
                              gboolean            *keep)
{
  g_autofree char *ref = NULL;
  gpointer value;

  g_return_val_if_fail (SHMLENS_IS_TEST_SEGMENTS (self), FALSE);
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (segment), FALSE);

  ref = shmlens_segment_dup_ref (segment);
  if (!g_hash_table_lookup_extended (self->keep, ref, NULL, &value))
    return FALSE;
  if (keep != NULL)
    *keep = GPOINTER_TO_INT (value);
  return TRUE;
}

/**
 * shmlens_test_segments_set_keep:
 * @self: the record
 * @ref: the reference of a segment of this session
 * @keep: whether to keep it when the app quits
 */
void
shmlens_test_segments_set_keep (ShmlensTestSegments *self,
                                const char          *ref,
                                gboolean             keep)
{
  gpointer value;

  g_return_if_fail (SHMLENS_IS_TEST_SEGMENTS (self));
  g_return_if_fail (ref != NULL);

  if (!g_hash_table_lookup_extended (self->keep, ref, NULL, &value) ||
      GPOINTER_TO_INT (value) == (keep != FALSE))
    return;
  g_hash_table_replace (self->keep, g_strdup (ref), GINT_TO_POINTER (keep != FALSE));
  g_signal_emit (self, signals[CHANGED], 0, ref);
}

/**
 * shmlens_test_segments_remove_unkept:
 * @self: the record
 *
 * Removes every segment of this session that is not to be kept. One already gone,
 * or one that is no longer Shmlens's (another took its name), is left alone.
 *
 * Returns: how many segments were removed
 */
guint
shmlens_test_segments_remove_unkept (ShmlensTestSegments *self)
{
  GHashTableIter iter;
  gpointer ref, keep;
  guint removed = 0;

  g_return_val_if_fail (SHMLENS_IS_TEST_SEGMENTS (self), 0);

  g_hash_table_iter_init (&iter, self->keep);
  while (g_hash_table_iter_next (&iter, &ref, &keep))
    {
      g_autoptr(GError) error = NULL;

      if (GPOINTER_TO_INT (keep))
        continue;
      if (shmlens_created_remove (ref, FALSE, &error))
        removed++;
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
               !g_error_matches (error, SHMLENS_ERROR, SHMLENS_ERROR_REMOVED) &&
               !g_error_matches (error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_OURS))
        g_warning ("Cannot remove the test segment %s: %s", (const char *) ref, error->message);
      g_hash_table_iter_remove (&iter);
    }
  return removed;
}
