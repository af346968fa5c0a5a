/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-sources-sysv.c: System V segments, from /proc/sysvipc/shm.
 *
 * The table gives everything `ipcs -m` shows and more (rss, swap) without attaching,
 * so listing never changes a segment's nattch, lpid or atime. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "shmlens-error.h"
#include "shmlens-proc.h"
#include "shmlens-sources-private.h"

/**
 * shmlens_sources_sysv_parse_line:
 * @line: one line of /proc/sysvipc/shm after its header, without its newline
 *
 * Returns: (transfer full) (nullable): the segment the line describes, or %NULL when
 *   the line does not have the sixteen numbers this kernel format prints
 */
ShmlensSegment *
shmlens_sources_sysv_parse_line (const char *line)
{
  int key, shmid, cpid, lpid;
  unsigned int perms, uid, gid, cuid, cgid;
  unsigned long long size, nattch, rss, swap;
  long long atime, dtime, ctime;
  ShmlensSegment *segment;

  if (sscanf (line, "%d %d %o %llu %d %d %llu %u %u %u %u %lld %lld %lld %llu %llu",
              &key, &shmid, &perms, &size, &cpid, &lpid, &nattch, &uid, &gid, &cuid, &cgid,
              &atime, &dtime, &ctime, &rss, &swap) != 16)
    return NULL;

  segment = shmlens_segment_new (SHMLENS_SEGMENT_KIND_SYSV);
  g_free (segment->name);
  segment->name = g_strdup_printf ("0x%08x", (guint32) key);
  segment->key = key;
  segment->shmid = shmid;
  segment->sysv_perms = perms;
  segment->mode = perms & 0777;
  segment->size = size;
  segment->creator_pid = cpid;
  segment->last_pid = lpid;
  segment->nattch = nattch;
  segment->uid = uid;
  segment->gid = gid;
  segment->cuid = cuid;
  segment->cgid = cgid;
  segment->atime = atime;
  segment->dtime = dtime;
  segment->ctime = ctime;
  segment->resident = rss;
  segment->swap = swap;
  segment->inode = shmid;
  return segment;
}

/**
 * shmlens_sources_sysv_list:
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type ShmlensSegment): every System V segment of
 *   this IPC namespace
 */
GPtrArray *
shmlens_sources_sysv_list (GError **error)
{
  GPtrArray *segments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) contents = g_string_new (NULL);
  int saved_errno;
  char *line, *next;

  if (!shmlens_proc_read_file_at (AT_FDCWD, SHMLENS_SYSV_TABLE, contents, &saved_errno))
    {
      /* A kernel without System V IPC has no such segments. */
      if (saved_errno == ENOENT)
        return segments;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: a file, and why it cannot be read */
                   _("Cannot read %s: %s"), SHMLENS_SYSV_TABLE, g_strerror (saved_errno));
      g_ptr_array_unref (segments);
      return NULL;
    }

  line = strchr (contents->str, '\n'); /* the header */
  for (line = line ? line + 1 : NULL; line != NULL && *line != '\0'; line = next)
    {
      ShmlensSegment *segment;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      segment = shmlens_sources_sysv_parse_line (line);
      if (segment == NULL)
        {
          g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_PARSE,
                       /* Translators: %s is the kernel's table of System V segments,
                        * /proc/sysvipc/shm */
                       _("Cannot understand a line of %s: this kernel prints it in a format "
                         "Shmlens does not know"), SHMLENS_SYSV_TABLE);
          g_ptr_array_unref (segments);
          return NULL;
        }
      g_ptr_array_add (segments, segment);
    }

  return segments;
}

/**
 * shmlens_sources_sysv_lookup:
 * @shmid: the id, when not @by_key
 * @by_key: whether to look for @key instead
 * @key: the key, when @by_key
 * @error: return location for an error
 *
 * Returns: (transfer full): the segment, or %NULL with @error set
 */
ShmlensSegment *
shmlens_sources_sysv_lookup (int          shmid,
                             gboolean     by_key,
                             gint32       key,
                             GError     **error)
{
  g_autoptr(GPtrArray) segments = shmlens_sources_sysv_list (error);
  ShmlensSegment *match = NULL;

  if (segments == NULL)
    return NULL;

  for (guint i = 0; i < segments->len; i++)
    {
      ShmlensSegment *segment = g_ptr_array_index (segments, i);

      if (by_key ? (segment->key == key && !(segment->sysv_perms & SHM_DEST))
                 : segment->shmid == shmid)
        {
          match = segment;
          break;
        }
    }

  if (match == NULL)
    {
      if (by_key)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     _("No System V segment has the key 0x%08x. Run “shmlens-cli list "
                       "--kind=sysv” or “ipcs -m” to see them."), (guint32) key);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     _("No System V segment has the id %d. Run “shmlens-cli list "
                       "--kind=sysv” or “ipcs -m” to see them."), shmid);
      return NULL;
    }

  return g_object_ref (match);
}
