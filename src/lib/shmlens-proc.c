/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-proc.c: small, careful readers of /proc files.
 *
 * Processes come and go while we read their /proc entries: every function here
 * reports failure with errno saved, and callers skip what vanished. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "shmlens-proc.h"

/* Reads a whole file relative to @dirfd into @contents (replacing what it held). */
gboolean
shmlens_proc_read_file_at (int          dirfd,
                           const char  *name,
                           GString     *contents,
                           int         *saved_errno)
{
  int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

  g_string_truncate (contents, 0);
  if (fd < 0)
    {
      *saved_errno = errno;
      return FALSE;
    }

  for (;;)
    {
      gsize room = 65536;
      gsize before = contents->len;
      g_string_set_size (contents, before + room);
      gssize n = read (fd, contents->str + before, room);
      if (n < 0)
        {
          if (errno == EINTR)
            {
              g_string_set_size (contents, before);
              continue;
            }
          *saved_errno = errno;
          g_string_set_size (contents, before);
          close (fd);
          return FALSE;
        }
      g_string_set_size (contents, before + n);
      if (n == 0)
        break;
    }

  close (fd);
  return TRUE;
}

static gboolean
parse_hex (char   **p,
           guint64 *value)
{
  char *end;
  errno = 0;
  *value = strtoull (*p, &end, 16);
  if (end == *p || errno != 0)
    return FALSE;
  *p = end;
  return TRUE;
}

/* Parses "start-end perms offset major:minor inode   path" in place. */
gboolean
shmlens_proc_parse_maps_line (char            *line,
                              ShmlensMapsLine *out)
{
  char *p = line;
  guint64 major, minor;
  char *end;

  if (!parse_hex (&p, &out->start) || *p++ != '-' || !parse_hex (&p, &out->end) || *p++ != ' ')
    return FALSE;
  if (strlen (p) < 5 || p[4] != ' ')
    return FALSE;
  memcpy (out->perms, p, 4);
  out->perms[4] = '\0';
  p += 5;
  if (!parse_hex (&p, &out->offset) || *p++ != ' ')
    return FALSE;
  if (!parse_hex (&p, &major) || *p++ != ':' || !parse_hex (&p, &minor) || *p++ != ' ')
    return FALSE;
  out->device = makedev (major, minor);
  errno = 0;
  out->inode = strtoull (p, &end, 10);
  if (end == p || errno != 0)
    return FALSE;
  p = end;
  while (*p == ' ')
    p++;
  out->path = p;
  return TRUE;
}

/* The command name of a process, or NULL if it is gone. */
char *
shmlens_proc_read_comm (int pid_dirfd)
{
  char buffer[64];
  int fd = openat (pid_dirfd, "comm", O_RDONLY | O_CLOEXEC);
  gssize n;

  if (fd < 0)
    return NULL;
  n = read (fd, buffer, sizeof buffer - 1);
  close (fd);
  if (n <= 0)
    return NULL;
  if (buffer[n - 1] == '\n')
    n--;
  return g_strndup (buffer, n);
}

/* /proc/PID/maps prints a newline in a path as the four characters "\012" (and
 * nothing else escaped); this gives the name back. */
void
shmlens_proc_unmangle_path (char *path)
{
  char *out = path;

  for (const char *in = path; *in != '\0';)
    {
      if (g_str_has_prefix (in, "\\012"))
        {
          *out++ = '\n';
          in += 4;
        }
      else
        *out++ = *in++;
    }
  *out = '\0';
}

/* Removes the " (deleted)" the kernel appends to names of unlinked files. */
gboolean
shmlens_proc_strip_deleted (char *path)
{
  static const char suffix[] = " (deleted)";
  gsize len = strlen (path);

  if (len >= sizeof suffix - 1 && strcmp (path + len - (sizeof suffix - 1), suffix) == 0)
    {
      path[len - (sizeof suffix - 1)] = '\0';
      return TRUE;
    }
  return FALSE;
}

gboolean
shmlens_proc_read_int_file (const char *path,
                            gint64     *value)
{
  g_autofree char *contents = NULL;
  char *end;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  errno = 0;
  *value = g_ascii_strtoll (contents, &end, 10);
  return end != contents && errno == 0;
}
