/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-attachments.c: one pass over /proc that finds who maps or holds what.
 *
 * For every process: its mappings (/proc/PID/maps) and its descriptors
 * (/proc/PID/fd). A mapping or descriptor is kept when it reaches shared memory —
 * /dev/shm, System V (/SYSVkey, whose inode is the shmid), memfd, shared anonymous
 * memory (/dev/zero (deleted) with the s flag) — or a file the caller asked about.
 * Segments are matched by identity (device and inode, or shmid), never by name.
 *
 * The same pass collects the memfds and the shared anonymous memory it meets, since
 * those segments exist only through the processes that hold them. Processes we may
 * not inspect are skipped and counted; those that exit while we read them are
 * counted apart, since they hold nothing any more. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shmlens-attachments.h"
#include "shmlens-proc.h"
#include "shmlens-sources-private.h"

struct _ShmlensProcessScan
{
  GHashTable *attachments;   /* ShmlensIdentity → GPtrArray of ShmlensAttachment */
  GHashTable *found;         /* ShmlensIdentity → ShmlensSegment (memfd, anon) */
  GPtrArray *found_order;    /* the found segments in discovery order */
  GHashTable *wanted_files;  /* ShmlensIdentity of plain files asked about */
  guint skipped;             /* not permitted */
  guint vanished;            /* exited while we read them */
};

static ShmlensIdentity *
identity_key (dev_t   device,
              guint64 inode)
{
  return shmlens_identity_new (device, inode);
}

static ShmlensIdentity *
sysv_identity_key (int shmid)
{
  return shmlens_identity_new (SHMLENS_IDENTITY_SYSV, shmid);
}

ShmlensProcessScan *
shmlens_process_scan_new (void)
{
  ShmlensProcessScan *scan = g_new0 (ShmlensProcessScan, 1);

  scan->attachments = g_hash_table_new_full (shmlens_identity_hash, shmlens_identity_equal, g_free,
                                             (GDestroyNotify) g_ptr_array_unref);
  scan->found = g_hash_table_new_full (shmlens_identity_hash, shmlens_identity_equal, g_free, NULL);
  scan->found_order = g_ptr_array_new_with_free_func (g_object_unref);
  scan->wanted_files = g_hash_table_new_full (shmlens_identity_hash, shmlens_identity_equal, g_free, NULL);
  return scan;
}

void
shmlens_process_scan_free (ShmlensProcessScan *scan)
{
  if (scan == NULL)
    return;
  g_hash_table_unref (scan->attachments);
  g_hash_table_unref (scan->found);
  g_ptr_array_unref (scan->found_order);
  g_hash_table_unref (scan->wanted_files);
  g_free (scan);
}

/* Plain files are matched only when asked for: indexing every mapped library of
 * every process would cost far more than the segments do. */
void
shmlens_process_scan_want_file (ShmlensProcessScan *scan,
                                dev_t               device,
                                ino_t               inode)
{
  g_hash_table_add (scan->wanted_files, identity_key (device, inode));
}

static void
add_attachment (ShmlensProcessScan *scan,
                ShmlensIdentity    *key,
                ShmlensAttachment  *attachment)
{
  GPtrArray *list = g_hash_table_lookup (scan->attachments, key);

  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) shmlens_attachment_free);
      g_hash_table_insert (scan->attachments, key, list);
    }
  else
    g_free (key);
  g_ptr_array_add (list, attachment);
}

typedef struct
{
  int pid;
  int dirfd;
  guint uid;
  char *command;   /* read on first need */
  int foreign_ipc; /* -1: not looked at yet; 1: another IPC namespace; 0: ours, or unknown */
} ProcessContext;

/* System V ids belong to an IPC namespace: a process of another one (a container,
 * `unshare --ipc`) can map a segment whose id is also the id of one of ours, and is
 * not attached to ours. When its namespace cannot be read (another user's process,
 * unprivileged), it counts as ours, as before. */
static gboolean
in_foreign_ipc_namespace (ProcessContext *process)
{
  static char own[64];
  static gsize looked_up;

  if (g_once_init_enter (&looked_up))
    {
      ssize_t n = readlink ("/proc/self/ns/ipc", own, sizeof own - 1);
      own[n > 0 ? n : 0] = '\0';
      g_once_init_leave (&looked_up, 1);
    }
  if (process->foreign_ipc < 0)
    {
      char theirs[64];
      ssize_t n = readlinkat (process->dirfd, "ns/ipc", theirs, sizeof theirs - 1);

      process->foreign_ipc = n > 0 && own[0] != '\0' &&
                             ((size_t) n != strlen (own) || memcmp (own, theirs, (size_t) n) != 0);
    }
  return process->foreign_ipc == 1;
}

static const char *
process_command (ProcessContext *process)
{
  if (process->command == NULL)
    {
      process->command = shmlens_proc_read_comm (process->dirfd);
      if (process->command == NULL)
        process->command = g_strdup ("");
    }
  return process->command;
}

static ShmlensAttachment *
new_attachment (ProcessContext       *process,
                ShmlensAttachmentHow  how)
{
  ShmlensAttachment *attachment = g_new0 (ShmlensAttachment, 1);

  attachment->pid = process->pid;
  attachment->uid = process->uid;
  attachment->command = g_strdup (process_command (process));
  attachment->how = how;
  attachment->fd = -1;
  return attachment;
}

/* A memfd or shared anonymous segment seen for the first time becomes a segment of
 * the catalog, reached through this process. A memfd is best reached through a
 * descriptor, so a later descriptor replaces an earlier mapping as the way in. */
static void
note_found (ShmlensProcessScan *scan,
            ProcessContext     *process,
            ShmlensSegmentKind  kind,
            const ShmlensIdentity *key,
            const char         *name,
            const struct stat  *st,
            int                 fd,
            const ShmlensMapsLine *map)
{
  ShmlensSegment *segment = g_hash_table_lookup (scan->found, key);

  if (segment != NULL && !(segment->fd < 0 && fd >= 0))
    return;

  if (segment == NULL)
    {
      segment = shmlens_segment_new (kind);
      g_hash_table_insert (scan->found, g_memdup2 (key, sizeof *key), segment);
      g_ptr_array_add (scan->found_order, segment);
    }

  g_free (segment->name);
  segment->name = g_strdup (name);
  segment->pid = process->pid;
  segment->fd = fd;
  segment->address = map != NULL ? map->start : 0;
  g_free (segment->path);
  if (fd >= 0)
    segment->path = g_strdup_printf ("/proc/%d/fd/%d", process->pid, fd);
  else
    segment->path = g_strdup_printf ("/proc/%d/map_files/%" G_GINT64_MODIFIER "x-%"
                                     G_GINT64_MODIFIER "x", process->pid, map->start, map->end);

  if (st != NULL)
    shmlens_segment_fill_from_stat (segment, st);
  else
    shmlens_sources_fill_from_mapping (segment, map->start, map->end, map->offset, map->device,
                                       map->inode, process->dirfd);
}

static gboolean
is_denial (int saved_errno)
{
  return saved_errno == EACCES || saved_errno == EPERM;
}

static gboolean
is_exit (int saved_errno)
{
  return saved_errno == ENOENT || saved_errno == ESRCH;
}

/* Returns FALSE, with errno saved, when the mappings could not be read. */
static gboolean
scan_maps (ShmlensProcessScan *scan,
           ProcessContext     *process,
           GString            *buffer,
           int                *saved_errno)
{
  char *line, *next;

  if (!shmlens_proc_read_file_at (process->dirfd, "maps", buffer, saved_errno))
    return FALSE;

  for (line = buffer->str; line != NULL && *line != '\0'; line = next)
    {
      ShmlensMapsLine map;
      ShmlensIdentity *key = NULL;
      ShmlensSegmentKind found_kind = 0;
      g_autofree char *found_name = NULL;

      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      if (!shmlens_proc_parse_maps_line (line, &map) || map.inode == 0)
        continue;

      if (g_str_has_prefix (map.path, "/SYSV"))
        {
          if (in_foreign_ipc_namespace (process))
            continue;
          key = sysv_identity_key ((int) map.inode);
        }
      else if (g_str_has_prefix (map.path, "/dev/shm/"))
        key = identity_key (map.device, map.inode);
      else if (g_str_has_prefix (map.path, "/memfd:"))
        {
          key = identity_key (map.device, map.inode);
          found_kind = SHMLENS_SEGMENT_KIND_MEMFD;
          found_name = g_strdup (map.path + strlen ("/memfd:"));
          shmlens_proc_unmangle_path (found_name);
          shmlens_proc_strip_deleted (found_name);
        }
      else if (map.perms[3] == 's' && g_str_equal (map.path, "/dev/zero (deleted)"))
        {
          key = identity_key (map.device, map.inode);
          found_kind = SHMLENS_SEGMENT_KIND_ANON;
          found_name = g_strdup (process_command (process));
        }
      else if (g_hash_table_size (scan->wanted_files) > 0)
        {
          key = identity_key (map.device, map.inode);
          if (!g_hash_table_contains (scan->wanted_files, key))
            g_clear_pointer (&key, g_free);
        }

      if (key == NULL)
        continue;

      if (found_kind != 0 && !g_hash_table_contains (scan->found, key))
        {
          g_autofree char *map_file = g_strdup_printf ("map_files/%" G_GINT64_MODIFIER "x-%"
                                                       G_GINT64_MODIFIER "x", map.start, map.end);
          struct stat st;
          gboolean have_stat = fstatat (process->dirfd, map_file, &st, 0) == 0;
          note_found (scan, process, found_kind, key, found_name, have_stat ? &st : NULL, -1,
                      &map);
        }

      ShmlensAttachment *attachment = new_attachment (process, SHMLENS_ATTACHMENT_MAPS);
      attachment->start = map.start;
      attachment->end = map.end;
      attachment->offset = map.offset;
      memcpy (attachment->perms, map.perms, sizeof attachment->perms);
      add_attachment (scan, key, attachment);
    }
  return TRUE;
}

/* Returns FALSE, with errno saved, when the descriptors could not be listed. */
static gboolean
scan_fds (ShmlensProcessScan *scan,
          ProcessContext     *process,
          int                *saved_errno)
{
  int fd_dirfd = openat (process->dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir;
  struct dirent *entry;

  if (fd_dirfd < 0)
    {
      *saved_errno = errno;
      return FALSE;
    }
  dir = fdopendir (fd_dirfd);
  if (dir == NULL)
    {
      *saved_errno = errno;
      close (fd_dirfd);
      return FALSE;
    }

  while ((entry = readdir (dir)) != NULL)
    {
      char target[4096];
      gssize len;
      struct stat st, link_st;
      ShmlensSegmentKind found_kind = 0;
      g_autofree char *found_name = NULL;
      ShmlensIdentity *key;

      if (entry->d_name[0] == '.')
        continue;
      len = readlinkat (fd_dirfd, entry->d_name, target, sizeof target - 1);
      if (len <= 0)
        continue;
      target[len] = '\0';

      if (g_str_has_prefix (target, "/memfd:"))
        {
          found_kind = SHMLENS_SEGMENT_KIND_MEMFD;
          found_name = g_strdup (target + strlen ("/memfd:"));
          shmlens_proc_strip_deleted (found_name);
        }
      else if (!g_str_has_prefix (target, "/dev/shm/") &&
               !(target[0] == '/' && g_hash_table_size (scan->wanted_files) > 0))
        continue;

      if (fstatat (fd_dirfd, entry->d_name, &st, 0) != 0 || !S_ISREG (st.st_mode))
        continue;
      key = identity_key (st.st_dev, st.st_ino);
      if (found_kind == 0 && !g_str_has_prefix (target, "/dev/shm/") &&
          !g_hash_table_contains (scan->wanted_files, key))
        {
          g_free (key);
          continue;
        }

      int fd = atoi (entry->d_name);
      if (found_kind != 0)
        note_found (scan, process, found_kind, key, found_name, &st, fd, NULL);

      ShmlensAttachment *attachment = new_attachment (process, SHMLENS_ATTACHMENT_HOLDS);
      attachment->fd = fd;
      /* The link's own mode tells how the descriptor was opened. */
      if (fstatat (fd_dirfd, entry->d_name, &link_st, AT_SYMLINK_NOFOLLOW) == 0)
        {
          attachment->perms[0] = (link_st.st_mode & S_IRUSR) ? 'r' : '-';
          attachment->perms[1] = (link_st.st_mode & S_IWUSR) ? 'w' : '-';
          attachment->perms[2] = '-';
          attachment->perms[3] = 's';
        }
      else
        memcpy (attachment->perms, "----", 5);
      add_attachment (scan, key, attachment);
    }

  closedir (dir);
  return TRUE;
}

static void
scan_process (ShmlensProcessScan *scan,
              int                 proc_dirfd,
              int                 pid,
              GString            *buffer)
{
  char name[32];
  struct stat st;
  ProcessContext process = { .pid = pid, .dirfd = -1, .foreign_ipc = -1 };

  g_snprintf (name, sizeof name, "%d", pid);
  int maps_errno = 0, fds_errno = 0;

  process.dirfd = openat (proc_dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (process.dirfd < 0 || fstat (process.dirfd, &st) != 0)
    {
      if (process.dirfd >= 0)
        close (process.dirfd);
      scan->vanished++;
      return;
    }
  process.uid = st.st_uid;

  /* both, even if the first is denied: a partial view is better than none */
  scan_maps (scan, &process, buffer, &maps_errno);
  scan_fds (scan, &process, &fds_errno);
  if (is_denial (maps_errno) || is_denial (fds_errno))
    scan->skipped++;
  else if (is_exit (maps_errno) || is_exit (fds_errno))
    scan->vanished++;

  close (process.dirfd);
  g_free (process.command);
}

/**
 * shmlens_process_scan_run:
 * @scan: a scan
 * @only_pid: a process to scan alone, or -1 for all
 *
 * Reads every process once. Kernel threads have empty maps and are cheap.
 */
void
shmlens_process_scan_run (ShmlensProcessScan *scan,
                          int                 only_pid)
{
  g_autoptr(GString) buffer = g_string_sized_new (65536);
  int proc_dirfd = open ("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir;
  struct dirent *entry;

  if (proc_dirfd < 0)
    return;

  if (only_pid > 0)
    {
      scan_process (scan, proc_dirfd, only_pid, buffer);
      close (proc_dirfd);
      return;
    }

  dir = fdopendir (proc_dirfd);
  if (dir == NULL)
    {
      close (proc_dirfd);
      return;
    }
  while ((entry = readdir (dir)) != NULL)
    {
      char *end;
      long pid;

      if (!g_ascii_isdigit (entry->d_name[0]))
        continue;
      pid = strtol (entry->d_name, &end, 10);
      if (*end != '\0' || pid <= 0)
        continue;
      scan_process (scan, dirfd (dir), (int) pid, buffer);
    }
  closedir (dir);
}

/**
 * shmlens_process_scan_attach:
 * @scan: a scan that has run
 * @segment: a segment
 *
 * Gives @segment the attachments the scan found for its identity.
 */
void
shmlens_process_scan_attach (ShmlensProcessScan *scan,
                             ShmlensSegment     *segment)
{
  ShmlensIdentity key = shmlens_segment_get_identity (segment);
  GPtrArray *list = g_hash_table_lookup (scan->attachments, &key);

  shmlens_segment_clear_attachments (segment);
  segment->attachments_known = TRUE;
  if (list == NULL)
    return;
  for (guint i = 0; i < list->len; i++)
    shmlens_segment_add_attachment (segment, shmlens_attachment_copy (g_ptr_array_index (list, i)));
}

/**
 * shmlens_find_attachments:
 * @kind: the segment's kind
 * @device: its device (not for System V)
 * @inode: its inode (not for System V)
 * @shmid: its id (System V only)
 * @n_skipped: (out) (optional): processes we were not permitted to inspect
 *
 * One pass over /proc for one segment, named by identity only so that it can run in
 * a worker thread while the segment object lives on in the main thread.
 *
 * Returns: (transfer full) (element-type ShmlensAttachment): the attachments
 */
GPtrArray *
shmlens_find_attachments (ShmlensSegmentKind  kind,
                          dev_t               device,
                          ino_t               inode,
                          int                 shmid,
                          guint              *n_skipped)
{
  g_autoptr(ShmlensProcessScan) scan = shmlens_process_scan_new ();
  ShmlensIdentity key = kind == SHMLENS_SEGMENT_KIND_SYSV
    ? (ShmlensIdentity) { SHMLENS_IDENTITY_SYSV, (guint64) shmid }
    : (ShmlensIdentity) { device, inode };
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) shmlens_attachment_free);
  GPtrArray *list;

  if (kind == SHMLENS_SEGMENT_KIND_FILE)
    shmlens_process_scan_want_file (scan, device, inode);
  shmlens_process_scan_run (scan, -1);
  list = g_hash_table_lookup (scan->attachments, &key);
  for (guint i = 0; list != NULL && i < list->len; i++)
    g_ptr_array_add (result, shmlens_attachment_copy (g_ptr_array_index (list, i)));
  if (n_skipped != NULL)
    *n_skipped = scan->skipped;
  return result;
}

/**
 * shmlens_process_scan_get_found:
 * @scan: a scan that has run
 *
 * Returns: (transfer none) (element-type ShmlensSegment): the memfd and shared
 *   anonymous segments met, with their attachments
 */
GPtrArray *
shmlens_process_scan_get_found (ShmlensProcessScan *scan)
{
  for (guint i = 0; i < scan->found_order->len; i++)
    {
      ShmlensSegment *segment = g_ptr_array_index (scan->found_order, i);
      if (!segment->attachments_known)
        shmlens_process_scan_attach (scan, segment);
    }
  return scan->found_order;
}

/* Processes we were not permitted to inspect: what they hold is missing. */
guint
shmlens_process_scan_get_skipped (ShmlensProcessScan *scan)
{
  return scan->skipped;
}

/* Processes that exited while we read them: they hold nothing any more. */
guint
shmlens_process_scan_get_vanished (ShmlensProcessScan *scan)
{
  return scan->vanished;
}
