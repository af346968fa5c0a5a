/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-catalog.c: every segment on the machine, as a live GListModel.
 *
 * A refresh takes a new snapshot from every source and one pass over /proc, then
 * merges it into the model: segments keep their objects (and so a view keeps its
 * selection) for as long as their identity lives; removed ones leave, new ones are
 * appended, and changed ones are updated in place and announced with
 * ::segment-changed. */
#include "config.h"

#include <gio/gio.h>

#include "shmlens-attachments.h"
#include "shmlens-catalog.h"
#include "shmlens-sources-private.h"

struct _ShmlensCatalog
{
  GObject parent_instance;

  guint kinds;
  GPtrArray *segments;     /* of ShmlensSegment, in model order */
  guint skipped_processes;
  guint vanished_processes;
};

enum
{
  PROP_0,
  PROP_KINDS,
  N_PROPS
};

enum
{
  SEGMENT_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GType
shmlens_catalog_get_item_type (GListModel *model)
{
  return SHMLENS_TYPE_SEGMENT;
}

static guint
shmlens_catalog_get_n_items (GListModel *model)
{
  return SHMLENS_CATALOG (model)->segments->len;
}

static gpointer
shmlens_catalog_get_item (GListModel *model,
                          guint       position)
{
  ShmlensCatalog *self = SHMLENS_CATALOG (model);

  if (position >= self->segments->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->segments, position));
}

static void
shmlens_catalog_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = shmlens_catalog_get_item_type;
  iface->get_n_items = shmlens_catalog_get_n_items;
  iface->get_item = shmlens_catalog_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (ShmlensCatalog, shmlens_catalog, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      shmlens_catalog_list_model_init))

static void
shmlens_catalog_finalize (GObject *object)
{
  ShmlensCatalog *self = SHMLENS_CATALOG (object);

  g_clear_pointer (&self->segments, g_ptr_array_unref);

  G_OBJECT_CLASS (shmlens_catalog_parent_class)->finalize (object);
}

static void
shmlens_catalog_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ShmlensCatalog *self = SHMLENS_CATALOG (object);

  switch (prop_id)
    {
    case PROP_KINDS:
      g_value_set_uint (value, self->kinds);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_catalog_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ShmlensCatalog *self = SHMLENS_CATALOG (object);

  switch (prop_id)
    {
    case PROP_KINDS:
      shmlens_catalog_set_kinds (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_catalog_class_init (ShmlensCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = shmlens_catalog_finalize;
  object_class->get_property = shmlens_catalog_get_property;
  object_class->set_property = shmlens_catalog_set_property;

  /**
   * ShmlensCatalog:kinds:
   *
   * The set of #ShmlensSegmentKind bits to list. Takes effect at the next refresh.
   */
  properties[PROP_KINDS] =
    g_param_spec_uint ("kinds", NULL, NULL, 0, G_MAXUINT, SHMLENS_SEGMENT_KINDS_DEFAULT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShmlensCatalog::segment-changed:
   * @catalog: the catalog
   * @segment: a segment whose metadata or holders changed
   */
  signals[SEGMENT_CHANGED] =
    g_signal_new ("segment-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, SHMLENS_TYPE_SEGMENT);
}

static void
shmlens_catalog_init (ShmlensCatalog *self)
{
  self->kinds = SHMLENS_SEGMENT_KINDS_DEFAULT;
  self->segments = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * shmlens_catalog_new:
 * @kinds: the #ShmlensSegmentKind bits to list
 *
 * The catalog is empty until the first shmlens_catalog_refresh().
 *
 * Returns: (transfer full): a new catalog
 */
ShmlensCatalog *
shmlens_catalog_new (guint kinds)
{
  return g_object_new (SHMLENS_TYPE_CATALOG, "kinds", kinds, NULL);
}

guint
shmlens_catalog_get_kinds (ShmlensCatalog *self)
{
  g_return_val_if_fail (SHMLENS_IS_CATALOG (self), 0);
  return self->kinds;
}

void
shmlens_catalog_set_kinds (ShmlensCatalog *self,
                           guint           kinds)
{
  g_return_if_fail (SHMLENS_IS_CATALOG (self));

  if (self->kinds == kinds)
    return;
  self->kinds = kinds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KINDS]);
}

/**
 * shmlens_catalog_get_skipped_processes:
 * @self: a catalog
 *
 * Returns: how many processes the last refresh was not permitted to inspect (they
 *   belong to another user); their attachments are missing
 */
guint
shmlens_catalog_get_skipped_processes (ShmlensCatalog *self)
{
  g_return_val_if_fail (SHMLENS_IS_CATALOG (self), 0);
  return self->skipped_processes;
}

/**
 * shmlens_catalog_get_vanished_processes:
 * @self: a catalog
 *
 * Returns: how many processes exited while the last refresh read them; they held
 *   nothing any more, so nothing is missing, but the scan saw them go
 */
guint
shmlens_catalog_get_vanished_processes (ShmlensCatalog *self)
{
  g_return_val_if_fail (SHMLENS_IS_CATALOG (self), 0);
  return self->vanished_processes;
}

static void
take_all (GPtrArray *into,
          GPtrArray *from)
{
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add (into, g_object_ref (g_ptr_array_index (from, i)));
}

typedef struct
{
  guint kinds;
  GPtrArray *segments;  /* the new snapshot, of ShmlensSegment */
  guint skipped;
  guint vanished;
} Snapshot;

static void
snapshot_free (Snapshot *snapshot)
{
  g_clear_pointer (&snapshot->segments, g_ptr_array_unref);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

/* Reads every source and /proc. Touches nothing of the catalog, so that it can run
 * in a worker thread. */
static gboolean
take_snapshot (Snapshot  *snapshot,
               GError   **error)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ShmlensProcessScan) scan = shmlens_process_scan_new ();

  if (snapshot->kinds & SHMLENS_SEGMENT_KIND_POSIX)
    {
      g_autoptr(GPtrArray) posix = shmlens_sources_posix_list (error);
      if (posix == NULL)
        return FALSE;
      take_all (fresh, posix);
    }
  if (snapshot->kinds & SHMLENS_SEGMENT_KIND_SYSV)
    {
      g_autoptr(GPtrArray) sysv = shmlens_sources_sysv_list (error);
      if (sysv == NULL)
        return FALSE;
      take_all (fresh, sysv);
    }

  shmlens_process_scan_run (scan, -1);
  snapshot->skipped = shmlens_process_scan_get_skipped (scan);
  snapshot->vanished = shmlens_process_scan_get_vanished (scan);

  for (guint i = 0; i < fresh->len; i++)
    shmlens_process_scan_attach (scan, g_ptr_array_index (fresh, i));

  GPtrArray *found = shmlens_process_scan_get_found (scan);
  for (guint i = 0; i < found->len; i++)
    {
      ShmlensSegment *segment = g_ptr_array_index (found, i);
      if (snapshot->kinds & shmlens_segment_get_kind (segment))
        g_ptr_array_add (fresh, g_object_ref (segment));
    }

  snapshot->segments = g_steal_pointer (&fresh);
  return TRUE;
}

/* Merges a snapshot into the model: keeps the objects of segments that still exist,
 * so that views keep their selection. */
static void
apply_snapshot (ShmlensCatalog *self,
                Snapshot       *snapshot)
{
  GPtrArray *fresh = snapshot->segments;
  g_autoptr(GHashTable) by_identity = NULL;
  guint old_len;

  self->skipped_processes = snapshot->skipped;
  self->vanished_processes = snapshot->vanished;

  by_identity = g_hash_table_new_full (shmlens_identity_hash, shmlens_identity_equal, g_free,
                                       NULL);
  for (guint i = 0; i < fresh->len; i++)
    {
      ShmlensIdentity key = shmlens_segment_get_identity (g_ptr_array_index (fresh, i));
      g_hash_table_insert (by_identity, g_memdup2 (&key, sizeof key), g_ptr_array_index (fresh, i));
    }

  for (guint i = self->segments->len; i > 0; i--)
    {
      ShmlensSegment *old = g_ptr_array_index (self->segments, i - 1);
      ShmlensIdentity key = shmlens_segment_get_identity (old);
      ShmlensSegment *newer = g_hash_table_lookup (by_identity, &key);

      if (newer != NULL && shmlens_segment_get_kind (newer) == shmlens_segment_get_kind (old))
        {
          g_hash_table_remove (by_identity, &key);
          if (shmlens_segment_update_from (old, newer))
            g_signal_emit (self, signals[SEGMENT_CHANGED], 0, old);
        }
      else
        {
          g_ptr_array_remove_index (self->segments, i - 1);
          g_list_model_items_changed (G_LIST_MODEL (self), i - 1, 1, 0);
        }
    }

  old_len = self->segments->len;
  for (guint i = 0; i < fresh->len; i++)
    {
      ShmlensSegment *segment = g_ptr_array_index (fresh, i);
      ShmlensIdentity key = shmlens_segment_get_identity (segment);
      if (g_hash_table_contains (by_identity, &key))
        g_ptr_array_add (self->segments, g_object_ref (segment));
    }
  if (self->segments->len > old_len)
    g_list_model_items_changed (G_LIST_MODEL (self), old_len, 0, self->segments->len - old_len);
}

/**
 * shmlens_catalog_refresh:
 * @self: a catalog
 * @error: return location for an error
 *
 * Takes a new snapshot of the machine's segments and merges it into the model.
 * A process that cannot be inspected is skipped and counted, never an error; only a
 * source that cannot be read at all (/dev/shm, /proc/sysvipc/shm) is.
 *
 * Returns: %TRUE on success
 */
gboolean
shmlens_catalog_refresh (ShmlensCatalog  *self,
                         GError         **error)
{
  g_autoptr(Snapshot) snapshot = g_new0 (Snapshot, 1);

  g_return_val_if_fail (SHMLENS_IS_CATALOG (self), FALSE);

  snapshot->kinds = self->kinds;
  if (!take_snapshot (snapshot, error))
    return FALSE;
  apply_snapshot (self, snapshot);
  return TRUE;
}

static void
refresh_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;

  if (take_snapshot (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * shmlens_catalog_refresh_async:
 * @self: a catalog
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the model is updated
 * @user_data: for @callback
 *
 * Like shmlens_catalog_refresh(), but the reading happens in a worker thread; only
 * the merge, and so every signal, happens in the thread of the caller's main context.
 */
void
shmlens_catalog_refresh_async (ShmlensCatalog      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Snapshot *snapshot = g_new0 (Snapshot, 1);

  g_return_if_fail (SHMLENS_IS_CATALOG (self));

  snapshot->kinds = self->kinds;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, shmlens_catalog_refresh_async);
  g_task_set_task_data (task, snapshot, (GDestroyNotify) snapshot_free);
  g_task_run_in_thread (task, refresh_thread);
}

/**
 * shmlens_catalog_refresh_finish:
 * @self: a catalog
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Merges the snapshot taken by shmlens_catalog_refresh_async() into the model.
 *
 * Returns: %TRUE on success
 */
gboolean
shmlens_catalog_refresh_finish (ShmlensCatalog  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (!g_task_had_error (G_TASK (result)) && !g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    apply_snapshot (self, g_task_get_task_data (G_TASK (result)));
  return TRUE;
}
