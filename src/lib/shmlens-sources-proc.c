/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-sources-proc.c: memfds, shared anonymous memory and plain files, looked up
 * through the process that holds them or by path. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "shmlens-error.h"
#include "shmlens-escape.h"
#include "shmlens-proc.h"
#include "shmlens-sources-private.h"

/* Why a process's descriptor @fd (or with -1, its mappings) cannot be inspected. */
static void
set_process_error (GError     **error,
                   int          saved_errno,
                   int          pid,
                   int          fd)
{
  if (saved_errno == ENOENT || saved_errno == ESRCH)
    {
      if (fd >= 0)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     /* Translators: a file descriptor's number, and a process id */
                     _("No descriptor %d: process %d does not exist (any more)"), fd, pid);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     /* Translators: %d is a process id */
                     _("Cannot read the mappings: process %d does not exist (any more)"), pid);
    }
  else if (saved_errno == EACCES || saved_errno == EPERM)
    {
      if (fd >= 0)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                     /* Translators: a file descriptor's number, and a process id */
                     _("Cannot inspect descriptor %d of process %d: permission denied. Run "
                       "Shmlens as the process's user or as root."), fd, pid);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                     /* Translators: %d is a process id */
                     _("Cannot inspect the mappings of process %d: permission denied. Run "
                       "Shmlens as the process's user or as root."), pid);
    }
  else if (fd >= 0)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 /* Translators: a file descriptor's number, a process id and the
                  * system's error message */
                 _("Cannot inspect descriptor %d of process %d: %s"), fd, pid,
                 g_strerror (saved_errno));
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 /* Translators: a process id, and the system's error message */
                 _("Cannot inspect the mappings of process %d: %s"), pid,
                 g_strerror (saved_errno));
}

/**
 * shmlens_sources_memfd_lookup:
 * @pid: the holding process
 * @fd: its descriptor
 * @error: return location for an error
 *
 * Returns: (transfer full): the memfd, or %NULL with @error set
 */
ShmlensSegment *
shmlens_sources_memfd_lookup (int       pid,
                              int       fd,
                              GError  **error)
{
  g_autofree char *link = g_strdup_printf ("/proc/%d/fd/%d", pid, fd);
  char target[4096];
  gssize len;
  struct stat st;
  ShmlensSegment *segment;

  len = readlink (link, target, sizeof target - 1);
  if (len < 0)
    {
      set_process_error (error, errno, pid, fd);
      return NULL;
    }
  target[len] = '\0';

  if (!g_str_has_prefix (target, "/memfd:"))
    {
      g_autofree char *escaped = shmlens_escape (target, -1);
      g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_WRONG_KIND,
                   /* Translators: a file descriptor's number, a process id and the file
                    * the descriptor refers to */
                   _("Descriptor %d of process %d is not a memfd: it refers to %s"), fd, pid,
                   escaped);
      return NULL;
    }

  if (stat (link, &st) != 0)
    {
      set_process_error (error, errno, pid, fd);
      return NULL;
    }

  segment = shmlens_segment_new (SHMLENS_SEGMENT_KIND_MEMFD);
  g_free (segment->name);
  segment->name = g_strdup (target + strlen ("/memfd:"));
  shmlens_proc_strip_deleted (segment->name);
  segment->path = g_steal_pointer (&link);
  segment->pid = pid;
  segment->fd = fd;
  shmlens_segment_fill_from_stat (segment, &st);
  return segment;
}

/**
 * shmlens_sources_mapping_lookup:
 * @kind: %SHMLENS_SEGMENT_KIND_ANON or %SHMLENS_SEGMENT_KIND_MEMFD
 * @pid: the process
 * @address: the start of its mapping
 * @error: return location for an error
 *
 * Finds the mapping that starts at @address in @pid and checks that it is of @kind.
 *
 * Returns: (transfer full): the segment, or %NULL with @error set
 */
ShmlensSegment *
shmlens_sources_mapping_lookup (ShmlensSegmentKind   kind,
                                int                  pid,
                                guint64              address,
                                GError             **error)
{
  g_autofree char *dir = g_strdup_printf ("/proc/%d", pid);
  g_autoptr(GString) contents = g_string_new (NULL);
  int saved_errno;
  int dirfd;
  char *line, *next;

  dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    {
      set_process_error (error, errno, pid, -1);
      return NULL;
    }
  if (!shmlens_proc_read_file_at (dirfd, "maps", contents, &saved_errno))
    {
      close (dirfd);
      set_process_error (error, saved_errno, pid, -1);
      return NULL;
    }

  for (line = contents->str; line != NULL && *line != '\0'; line = next)
    {
      ShmlensMapsLine map;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      if (!shmlens_proc_parse_maps_line (line, &map) || map.start != address)
        continue;

      gboolean is_anon = map.perms[3] == 's' && g_str_equal (map.path, "/dev/zero (deleted)");
      gboolean is_memfd = g_str_has_prefix (map.path, "/memfd:");
      if ((kind == SHMLENS_SEGMENT_KIND_ANON && !is_anon) ||
          (kind == SHMLENS_SEGMENT_KIND_MEMFD && !is_memfd))
        {
          g_autofree char *escaped =
            /* Translators: in place of a file in “… it maps %s”: memory that is no
             * file's */
            shmlens_escape (*map.path ? map.path : _("private memory"), -1);

          if (kind == SHMLENS_SEGMENT_KIND_ANON)
            g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_WRONG_KIND,
                         /* Translators: the mapping's address, the process id and the file
                          * mapped there (or “private memory”) */
                         _("The mapping at 0x%llx in process %d is not shared anonymous "
                           "memory: it maps %s"), (unsigned long long) address, pid, escaped);
          else
            g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_WRONG_KIND,
                         /* Translators: the mapping's address, the process id and the file
                          * mapped there (or “private memory”) */
                         _("The mapping at 0x%llx in process %d is not a memfd: it maps %s"),
                         (unsigned long long) address, pid, escaped);
          close (dirfd);
          return NULL;
        }

      ShmlensSegment *segment = shmlens_segment_new (kind);
      g_autofree char *map_file = g_strdup_printf ("map_files/%" G_GINT64_MODIFIER "x-%"
                                                   G_GINT64_MODIFIER "x", map.start, map.end);
      struct stat st;

      g_free (segment->name);
      if (is_memfd)
        {
          segment->name = g_strdup (map.path + strlen ("/memfd:"));
          shmlens_proc_unmangle_path (segment->name);
          shmlens_proc_strip_deleted (segment->name);
        }
      else
        {
          segment->name = shmlens_proc_read_comm (dirfd);
          if (segment->name == NULL)
            segment->name = g_strdup ("");
        }
      segment->path = g_strdup_printf ("%s/%s", dir, map_file);
      segment->pid = pid;
      segment->address = map.start;
      if (fstatat (dirfd, map_file, &st, 0) == 0)
        shmlens_segment_fill_from_stat (segment, &st);
      else
        shmlens_sources_fill_from_mapping (segment, map.start, map.end, map.offset, map.device,
                                           map.inode, dirfd);
      close (dirfd);
      return segment;
    }

  close (dirfd);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               /* Translators: a process id and an address */
               _("Process %d has no mapping that starts at 0x%llx. Run “shmlens-cli list "
                 "--kind=all” to see the segments."), pid, (unsigned long long) address);
  return NULL;
}

/**
 * shmlens_sources_file_lookup:
 * @path: a path; symbolic links in it are resolved first
 * @error: return location for an error
 *
 * Returns: (transfer full): the file as a segment, or %NULL with @error set
 */
ShmlensSegment *
shmlens_sources_file_lookup (const char  *path,
                             GError     **error)
{
  g_autofree char *real = realpath (path, NULL);
  g_autofree char *escaped = shmlens_escape (path, -1);
  struct stat st;
  ShmlensSegment *segment;

  if (real == NULL || stat (real, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: a file, and why it cannot be opened */
                   _("Cannot open %s: %s"), escaped, g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_REGULAR,
                   /* Translators: a file, and what it is (“a FIFO”) */
                   _("Refusing %s: it is %s, not a regular file"), escaped,
                   shmlens_sources_file_type_name (st.st_mode));
      return NULL;
    }

  segment = shmlens_segment_new (SHMLENS_SEGMENT_KIND_FILE);
  g_free (segment->name);
  segment->name = g_strdup (real);
  segment->path = g_steal_pointer (&real);
  shmlens_segment_fill_from_stat (segment, &st);
  return segment;
}
