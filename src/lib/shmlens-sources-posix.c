/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-sources-posix.c: POSIX segments, the regular files of /dev/shm. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

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

/* What a file that is not a regular one is, translated, for “Refusing X: it is %s,
 * not a shared-memory segment” and the like. */
const char *
shmlens_sources_file_type_name (mode_t mode)
{
  /* The types are said in “Refusing /x: it is %s, not a shared-memory segment” and
   * “Refusing x: it is %s, not a regular file”. */
  if (S_ISFIFO (mode))
    /* Translators: a kind of file, said in “it is %s, not a shared-memory segment”:
     * keep an article if your language has one, in the form that goes after “it is” */
    return C_("file type", "a FIFO");
  if (S_ISLNK (mode))
    /* Translators: a kind of file, said in “it is %s, not a shared-memory segment” */
    return C_("file type", "a symbolic link");
  if (S_ISDIR (mode))
    /* Translators: a kind of file, said in “it is %s, not a shared-memory segment” */
    return C_("file type", "a directory");
  if (S_ISSOCK (mode))
    /* Translators: a kind of file, said in “it is %s, not a shared-memory segment” */
    return C_("file type", "a socket");
  if (S_ISCHR (mode))
    /* Translators: a kind of file, said in “it is %s, not a shared-memory segment” */
    return C_("file type", "a character device");
  if (S_ISBLK (mode))
    /* Translators: a kind of file, said in “it is %s, not a shared-memory segment” */
    return C_("file type", "a block device");
  /* Translators: a kind of file (any other than those above), said in “it is %s,
   * not a shared-memory segment” and “it is %s, not a regular file” */
  return C_("file type", "a special file");
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
                   /* Translators: a directory (/dev/shm), and why it cannot be listed */
                   _("Cannot list %s: %s"), SHMLENS_POSIX_DIR, g_strerror (saved_errno));
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
  g_autofree char *escaped = NULL;

  if (*name != '\0' && strchr (name, '/') == NULL && !g_str_equal (name, ".") &&
      !g_str_equal (name, "..") && strlen (name) <= NAME_MAX)
    return TRUE;

  escaped = shmlens_escape (name, -1);
  if (*name == '\0')
    g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF,
                 /* Translators: %s is the name given, after its slash (here empty) */
                 _("Invalid POSIX segment name “/%s”: the name is empty"), escaped);
  else if (strchr (name, '/') != NULL)
    g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF,
                 /* Translators: %s is the name given, after its first slash */
                 _("Invalid POSIX segment name “/%s”: a POSIX name contains no slash after "
                   "the first"), escaped);
  else if (g_str_equal (name, ".") || g_str_equal (name, ".."))
    g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF,
                 /* Translators: %s is the name given, after its slash */
                 _("Invalid POSIX segment name “/%s”: “.” and “..” are not segment names"),
                 escaped);
  else
    g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF,
                 /* Translators: %s is the name given, after its slash */
                 _("Invalid POSIX segment name “/%s”: the name is longer than 255 bytes"),
                 escaped);
  return FALSE;
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
                     /* Translators: the segment's name (after its slash), the directory
                      * of POSIX segments (/dev/shm) and the name again */
                     _("No POSIX segment /%s: %s/%s does not exist. Run “shmlens-cli list” "
                       "to see the segments."), escaped, SHMLENS_POSIX_DIR, escaped);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     /* Translators: the segment's name (after its slash), and why it
                      * cannot be looked up */
                     _("Cannot look up /%s: %s"), escaped, g_strerror (saved_errno));
      return NULL;
    }

  if (!S_ISREG (st.st_mode))
    {
      escaped = shmlens_escape (name, -1);
      g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_REGULAR,
                   /* Translators: the segment's name (after its slash), the directory of
                    * POSIX segments (/dev/shm), the name again and what the file is (“a
                    * FIFO”) */
                   _("Refusing /%s: %s/%s is %s, not a shared-memory segment"), escaped,
                   SHMLENS_POSIX_DIR, escaped, shmlens_sources_file_type_name (st.st_mode));
      return NULL;
    }

  return posix_segment_new (name, &st);
}
