/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-segment.c: a shared-memory segment's identity, metadata and holders. */
#include "config.h"

#include <string.h>
#include <sys/shm.h>

#include <glib/gi18n-lib.h>

#include "shmlens-error.h"
#include "shmlens-escape.h"
#include "shmlens-segment-private.h"

G_DEFINE_BOXED_TYPE (ShmlensAttachment, shmlens_attachment,
                     shmlens_attachment_copy, shmlens_attachment_free)

ShmlensAttachment *
shmlens_attachment_copy (const ShmlensAttachment *attachment)
{
  ShmlensAttachment *copy = g_memdup2 (attachment, sizeof *attachment);
  copy->command = g_strdup (attachment->command);
  return copy;
}

void
shmlens_attachment_free (ShmlensAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->command);
  g_free (attachment);
}

static const struct
{
  ShmlensSegmentKind kind;
  const char *name;
} kind_names[] = {
  { SHMLENS_SEGMENT_KIND_POSIX, "posix" },
  { SHMLENS_SEGMENT_KIND_SYSV, "sysv" },
  { SHMLENS_SEGMENT_KIND_MEMFD, "memfd" },
  { SHMLENS_SEGMENT_KIND_ANON, "anon" },
  { SHMLENS_SEGMENT_KIND_FILE, "file" },
};

/**
 * shmlens_segment_kind_to_string:
 * @kind: one kind
 *
 * Returns: the kind's name as used in references and JSON ("posix", "sysv", …)
 */
const char *
shmlens_segment_kind_to_string (ShmlensSegmentKind kind)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (kind_names[i].kind == kind)
      return kind_names[i].name;
  g_return_val_if_reached ("unknown");
}

/**
 * shmlens_segment_kinds_parse:
 * @text: a comma-separated list such as "posix,sysv", or "all"
 * @kinds: (out): the set of kinds
 * @error: return location for an error
 *
 * "all" means every kind the catalog lists (plain files are only opened by name).
 *
 * Returns: %TRUE on success
 */
gboolean
shmlens_segment_kinds_parse (const char  *text,
                             guint       *kinds,
                             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  guint result = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      gboolean found = FALSE;

      if (g_str_equal (part, "all"))
        {
          result |= SHMLENS_SEGMENT_KINDS_ALL;
          continue;
        }
      for (gsize k = 0; k < G_N_ELEMENTS (kind_names); k++)
        if (kind_names[k].kind != SHMLENS_SEGMENT_KIND_FILE &&
            g_str_equal (part, kind_names[k].name))
          {
            result |= kind_names[k].kind;
            found = TRUE;
          }
      if (!found)
        {
          g_autofree char *escaped = shmlens_escape (part, -1);
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       /* Translators: %s is the kind given; posix, sysv, memfd, anon and
                        * all are typed as they are */
                       _("Unknown kind “%s”: choose from posix, sysv, memfd, anon or all"),
                       escaped);
          return FALSE;
        }
    }

  if (result == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           /* Translators: posix, sysv, memfd, anon and all are typed as
                            * they are */
                           _("No kind given: choose from posix, sysv, memfd, anon or all"));
      return FALSE;
    }

  *kinds = result;
  return TRUE;
}

G_DEFINE_FINAL_TYPE (ShmlensSegment, shmlens_segment, G_TYPE_OBJECT)

static void
shmlens_segment_finalize (GObject *object)
{
  ShmlensSegment *self = SHMLENS_SEGMENT (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);

  G_OBJECT_CLASS (shmlens_segment_parent_class)->finalize (object);
}

static void
shmlens_segment_class_init (ShmlensSegmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = shmlens_segment_finalize;
}

static void
shmlens_segment_init (ShmlensSegment *self)
{
  self->resident = -1;
  self->shmid = -1;
  self->pid = -1;
  self->fd = -1;
  self->metadata_known = TRUE;
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) shmlens_attachment_free);
}

ShmlensSegment *
shmlens_segment_new (ShmlensSegmentKind kind)
{
  ShmlensSegment *self = g_object_new (SHMLENS_TYPE_SEGMENT, NULL);
  self->kind = kind;
  self->name = g_strdup ("");
  return self;
}

static gboolean
attachment_equal (const ShmlensAttachment *a,
                  const ShmlensAttachment *b)
{
  return a->pid == b->pid && a->how == b->how && a->start == b->start && a->end == b->end &&
         a->offset == b->offset && a->fd == b->fd && a->uid == b->uid &&
         strcmp (a->perms, b->perms) == 0 && g_strcmp0 (a->command, b->command) == 0;
}

void
shmlens_segment_add_attachment (ShmlensSegment    *self,
                                ShmlensAttachment *attachment)
{
  gboolean new_process = TRUE;

  for (guint i = 0; i < self->attachments->len; i++)
    {
      const ShmlensAttachment *other = g_ptr_array_index (self->attachments, i);
      if (other->pid == attachment->pid)
        {
          new_process = FALSE;
          break;
        }
    }
  if (new_process)
    self->n_processes++;
  g_ptr_array_add (self->attachments, attachment);
}

void
shmlens_segment_clear_attachments (ShmlensSegment *self)
{
  g_ptr_array_set_size (self->attachments, 0);
  self->n_processes = 0;
}

/* Copies @newer's metadata into @self (which has the same identity). Returns whether
 * anything a user could see changed, so that views update only then. */
gboolean
shmlens_segment_update_from (ShmlensSegment *self,
                             ShmlensSegment *newer)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (shmlens_segment_same_identity (self, newer), FALSE);

#define UPDATE(field) \
  G_STMT_START { if (self->field != newer->field) { self->field = newer->field; changed = TRUE; } } G_STMT_END
  UPDATE (size);
  UPDATE (resident);
  UPDATE (uid);
  UPDATE (gid);
  UPDATE (mode);
  UPDATE (atime);
  UPDATE (mtime);
  UPDATE (ctime);
  UPDATE (key);
  UPDATE (sysv_perms);
  UPDATE (creator_pid);
  UPDATE (last_pid);
  UPDATE (nattch);
  UPDATE (cuid);
  UPDATE (cgid);
  UPDATE (dtime);
  UPDATE (swap);
  UPDATE (pid);
  UPDATE (fd);
  UPDATE (address);
  UPDATE (n_processes);
  UPDATE (attachments_known);
  UPDATE (metadata_known);
#undef UPDATE

  if (g_strcmp0 (self->name, newer->name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (newer->name);
      changed = TRUE;
    }
  if (g_strcmp0 (self->path, newer->path) != 0)
    {
      g_free (self->path);
      self->path = g_strdup (newer->path);
      changed = TRUE;
    }

  gboolean same_attachments = self->attachments->len == newer->attachments->len;
  for (guint i = 0; same_attachments && i < self->attachments->len; i++)
    same_attachments = attachment_equal (g_ptr_array_index (self->attachments, i),
                                         g_ptr_array_index (newer->attachments, i));
  if (!same_attachments)
    {
      g_ptr_array_unref (self->attachments);
      self->attachments = g_ptr_array_ref (newer->attachments);
      changed = TRUE;
    }

  return changed;
}

ShmlensSegmentKind
shmlens_segment_get_kind (ShmlensSegment *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (self), 0);
  return self->kind;
}

/**
 * shmlens_segment_get_name:
 * @self: a segment
 *
 * The name as the kernel reports it: raw bytes that may hold control characters or
 * invalid UTF-8. For POSIX segments it is the name without the leading slash; for
 * memfds the name given to memfd_create(); for System V the key in hex; for shared
 * anonymous memory the command of the process that holds it; for files the path.
 * Escape it before showing it: see shmlens_segment_dup_display_name().
 *
 * Returns: (transfer none): the raw name
 */
const char *
shmlens_segment_get_name (ShmlensSegment *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (self), NULL);
  return self->name;
}

/**
 * shmlens_segment_dup_display_name:
 * @self: a segment
 *
 * Returns: (transfer full): the name escaped for display (see shmlens_escape())
 */
char *
shmlens_segment_dup_display_name (ShmlensSegment *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (self), NULL);
  return shmlens_escape (self->name, -1);
}

/**
 * shmlens_segment_dup_ref:
 * @self: a segment
 *
 * Returns: (transfer full): the reference that names this segment in shmlens-cli,
 *   escaped, so that it can be printed and parsed back with shmlens_ref_parse()
 */
char *
shmlens_segment_dup_ref (ShmlensSegment *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (self), NULL);

  switch (self->kind)
    {
    case SHMLENS_SEGMENT_KIND_POSIX:
      {
        g_autofree char *escaped = shmlens_escape (self->name, -1);
        return g_strconcat ("/", escaped, NULL);
      }
    case SHMLENS_SEGMENT_KIND_SYSV:
      return g_strdup_printf ("sysv:%d", self->shmid);
    case SHMLENS_SEGMENT_KIND_MEMFD:
      if (self->fd >= 0)
        return g_strdup_printf ("memfd:%d:%d", self->pid, self->fd);
      return g_strdup_printf ("memfd:%d:0x%" G_GINT64_MODIFIER "x", self->pid, self->address);
    case SHMLENS_SEGMENT_KIND_ANON:
      return g_strdup_printf ("anon:%d:0x%" G_GINT64_MODIFIER "x", self->pid, self->address);
    case SHMLENS_SEGMENT_KIND_FILE:
      {
        g_autofree char *escaped = shmlens_escape (self->path, -1);
        return g_strconcat ("file:", escaped, NULL);
      }
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * shmlens_segment_get_path:
 * @self: a segment
 *
 * Returns: (transfer none) (nullable): a path through which the bytes are reached
 *   (/dev/shm/NAME, /proc/PID/fd/FD, /proc/PID/map_files/…, the file), raw bytes
 */
const char *
shmlens_segment_get_path (ShmlensSegment *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (self), NULL);
  return self->path;
}

#define GETTER(type, field) \
  type shmlens_segment_get_##field (ShmlensSegment *self) \
  { \
    g_return_val_if_fail (SHMLENS_IS_SEGMENT (self), 0); \
    return self->field; \
  }

GETTER (guint64, size)
GETTER (gint64, resident)
GETTER (guint, uid)
GETTER (guint, gid)
GETTER (guint, mode)
GETTER (gint64, atime)
GETTER (gint64, mtime)
GETTER (gint64, ctime)
GETTER (dev_t, device)
GETTER (ino_t, inode)
GETTER (int, shmid)
GETTER (gint32, key)
GETTER (guint, sysv_perms)
GETTER (int, creator_pid)
GETTER (int, last_pid)
GETTER (guint, nattch)
GETTER (guint, cuid)
GETTER (guint, cgid)
GETTER (gint64, dtime)
GETTER (guint64, swap)
GETTER (int, pid)
GETTER (int, fd)
GETTER (guint64, address)
GETTER (guint, n_processes)
GETTER (gboolean, attachments_known)
GETTER (gboolean, metadata_known)

#undef GETTER

void
shmlens_segment_fill_from_stat (ShmlensSegment    *self,
                                const struct stat *st)
{
  self->size = st->st_size;
  self->resident = (gint64) st->st_blocks * 512;
  self->uid = st->st_uid;
  self->gid = st->st_gid;
  self->mode = st->st_mode & 07777;
  self->atime = st->st_atim.tv_sec;
  self->mtime = st->st_mtim.tv_sec;
  self->ctime = st->st_ctim.tv_sec;
  self->device = st->st_dev;
  self->inode = st->st_ino;
  self->metadata_known = TRUE;
}

/**
 * shmlens_segment_is_orphan:
 * @self: a segment
 *
 * A leftover: no process maps or holds it. For System V the kernel's attachment
 * count decides, since it also sees processes we may not inspect; for the other
 * kinds it is the processes found by the last scan.
 *
 * Returns: whether nobody holds the segment
 */
gboolean
shmlens_segment_is_orphan (ShmlensSegment *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (self), FALSE);
  if (self->kind == SHMLENS_SEGMENT_KIND_SYSV)
    return self->nattch == 0 && self->n_processes == 0;
  return self->n_processes == 0;
}

gboolean
shmlens_segment_is_marked_for_removal (ShmlensSegment *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (self), FALSE);
  return self->kind == SHMLENS_SEGMENT_KIND_SYSV && (self->sysv_perms & SHM_DEST) != 0;
}

gboolean
shmlens_segment_is_locked (ShmlensSegment *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (self), FALSE);
  return self->kind == SHMLENS_SEGMENT_KIND_SYSV && (self->sysv_perms & SHM_LOCKED) != 0;
}

ShmlensIdentity *
shmlens_identity_new (guint64 device,
                      guint64 inode)
{
  ShmlensIdentity *identity = g_new (ShmlensIdentity, 1);
  identity->device = device;
  identity->inode = inode;
  return identity;
}

guint
shmlens_identity_hash (gconstpointer identity)
{
  const ShmlensIdentity *id = identity;
  guint64 mixed = (id->inode * 0x9e3779b97f4a7c15u) ^ id->device;
  return (guint) (mixed ^ (mixed >> 32));
}

gboolean
shmlens_identity_equal (gconstpointer a,
                        gconstpointer b)
{
  const ShmlensIdentity *x = a, *y = b;
  return x->device == y->device && x->inode == y->inode;
}

ShmlensIdentity
shmlens_segment_get_identity (ShmlensSegment *self)
{
  if (self->kind == SHMLENS_SEGMENT_KIND_SYSV)
    return (ShmlensIdentity) { SHMLENS_IDENTITY_SYSV, (guint64) self->shmid };
  return (ShmlensIdentity) { self->device, self->inode };
}

/**
 * shmlens_segment_same_identity:
 * @self: a segment
 * @other: another segment
 *
 * A segment is its inode (device and inode number), or its shmid for System V —
 * never its name: a memfd held by three processes is one segment.
 *
 * Returns: whether both describe the same segment
 */
gboolean
shmlens_segment_same_identity (ShmlensSegment *self,
                               ShmlensSegment *other)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (self), FALSE);
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (other), FALSE);

  if ((self->kind == SHMLENS_SEGMENT_KIND_SYSV) != (other->kind == SHMLENS_SEGMENT_KIND_SYSV))
    return FALSE;
  if (self->kind == SHMLENS_SEGMENT_KIND_SYSV)
    return self->shmid == other->shmid;
  return self->device == other->device && self->inode == other->inode;
}

/**
 * shmlens_segment_get_attachments:
 * @self: a segment
 *
 * Returns: (transfer none) (element-type ShmlensAttachment): the mappings and
 *   descriptors of every process found holding the segment
 */
GPtrArray *
shmlens_segment_get_attachments (ShmlensSegment *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (self), NULL);
  return self->attachments;
}
