/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-sources-posix.c: POSIX segments, the regular files of /dev/shm. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "shmlens-error.h"
#include "shmlens-escape.h"
#include "shmlens-sources-private.h"

/* When a mapping's inode cannot be stat()ed through map_files (that needs root),
 * the mapping tells the identity and a lower bound of the size, and the holding
 * process's user is the best owner there is; mode and times stay unknown. */
void
shmlens_sources_fill_from_mapping (ShmlensSegment *segment,
                                   guint64         start,
                                   guint64         end,
                                   guint64         offset,
                                   dev_t           device,
                                   guint64         inode,
                                   int             pid_dirfd)
{
  struct stat process;

  segment->size = offset + (end - start);
  segment->resident = -1;
  segment->device = device;
  segment->inode = inode;
  segment->mode = 0;
  segment->atime = segment->mtime = segment->ctime = 0;
  segment->metadata_known = FALSE;
  if (fstat (pid_dirfd, &process) == 0)
    {
      segment->uid = process.st_uid;
      segment->gid = process.st_gid;
    }
}

const char *
shmlens_sources_file_type_name (mode_t mode)
{
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISLNK (mode))
    return "a symbolic link";
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISSOCK (mode))
    return "a socket";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  return "not a regular file";
}

static ShmlensSegment *
posix_segment_new (const char        *name,
                   const struct stat *st)
{
  ShmlensSegment *segment = shmlens_segment_new (SHMLENS_SEGMENT_KIND_POSIX);

  g_free (segment->name);
  segment->name = g_strdup (name);
  segment->path = g_strconcat (SHMLENS_POSIX_DIR "/", name, NULL);
  shmlens_segment_fill_from_stat (segment, st);
  return segment;
}

/**
 * shmlens_sources_posix_list:
 * @error: return location for an error
 *
 * Every regular file in /dev/shm. FIFOs, symbolic links and directories are not
 * segments and are left out; nothing is opened, only stat()ed.
 *
 * Returns: (transfer full) (element-type ShmlensSegment): the segments
 */
GPtrArray *
shmlens_sources_posix_list (GError **error)
{
  GPtrArray *segments = g_ptr_array_new_with_free_func (g_object_unref);
  DIR *dir = opendir (SHMLENS_POSIX_DIR);
  struct dirent *entry;

  if (dir == NULL)
    {
      int saved_errno = errno;
      /* A system without /dev/shm simply has no POSIX segments. */
      if (saved_errno == ENOENT)
        return segments;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot list " SHMLENS_POSIX_DIR ": %s", g_strerror (saved_errno));
      g_ptr_array_unref (segments);
      return NULL;
    }

  while ((entry = readdir (dir)) != NULL)
    {
      struct stat st;

      if (entry->d_type != DT_REG && entry->d_type != DT_UNKNOWN)
        continue;
      if (fstatat (dirfd (dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue; /* removed since readdir */
      if (!S_ISREG (st.st_mode))
        continue;
      g_ptr_array_add (segments, posix_segment_new (entry->d_name, &st));
    }
  closedir (dir);

  return segments;
}

gboolean
shmlens_sources_posix_check_name (const char  *name,
                                  GError     **error)
{
  const char *problem = NULL;

  if (*name == '\0')
    problem = "the name is empty";
  else if (strchr (name, '/') != NULL)
    problem = "a POSIX name contains no slash after the first";
  else if (g_str_equal (name, ".") || g_str_equal (name, ".."))
    problem = "“.” and “..” are not segment names";
  else if (strlen (name) > NAME_MAX)
    problem = "the name is longer than 255 bytes";

  if (problem != NULL)
    {
      g_autofree char *escaped = shmlens_escape (name, -1);
      g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF,
                   "Invalid POSIX segment name “/%s”: %s", escaped, problem);
      return FALSE;
    }
  return TRUE;
}

ShmlensSegment *
shmlens_sources_posix_lookup (const char  *name,
                              GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;
  struct stat st;

  if (!shmlens_sources_posix_check_name (name, error))
    return NULL;

  path = g_strconcat (SHMLENS_POSIX_DIR "/", name, NULL);
  if (lstat (path, &st) != 0)
    {
      int saved_errno = errno;
      escaped = shmlens_escape (name, -1);
      if (saved_errno == ENOENT)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     "No POSIX segment /%s: " SHMLENS_POSIX_DIR "/%s does not exist. "
                     "Run “shmlens-cli list” to see the segments.", escaped, escaped);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     "Cannot look up /%s: %s", escaped, g_strerror (saved_errno));
      return NULL;
    }

  if (!S_ISREG (st.st_mode))
    {
      escaped = shmlens_escape (name, -1);
      g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_REGULAR,
                   "Refusing /%s: " SHMLENS_POSIX_DIR "/%s is %s, not a shared-memory "
                   "segment", escaped, escaped, shmlens_sources_file_type_name (st.st_mode));
      return NULL;
    }

  return posix_segment_new (name, &st);
}
