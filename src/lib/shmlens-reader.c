/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-reader.c: reads one segment, read-only, and notices what happens to it.
 *
 * Everything with a file behind it (POSIX, memfd, shared anonymous memory, plain files)
 * is read with pread() on a read-only descriptor, never through a mapping: reading a
 * tmpfs hole through a mapping allocates a page in the segment, and reading past a
 * truncated end through a mapping raises SIGBUS. pread() allocates nothing and
 * returns a short count instead.
 *
 * System V segments have no descriptor. We attach them with SHM_RDONLY, and then
 * open our own mapping's /proc/self/map_files entry, which gives a descriptor to the
 * segment's shmem file so that the same pread() path applies. Where that is not
 * permitted (it needs CAP_SYS_ADMIN), we copy from the mapping but use mincore() to
 * leave pages that are not in memory alone: they are holes (zeros) unless the
 * segment has pages in swap. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "shmlens-error.h"
#include "shmlens-escape.h"
#include "shmlens-proc.h"
#include "shmlens-reader.h"
#include "shmlens-sources-private.h"
#include "shmlens-users.h"

/* How far find_data() vouches for data in a mostly allocated segment. */
#define SHMLENS_READER_DENSE_STEP ((guint64) 8 << 20)

struct _ShmlensReader
{
  GObject parent_instance;

  ShmlensSegment *segment;
  int fd;                 /* -1 when reading from the System V mapping */
  const guint8 *shm_addr; /* System V attachment, or NULL */
  gsize shm_length;
  guint64 size;
  dev_t device;
  ino_t inode;
  gboolean removed;
  gboolean replaced;
};

G_DEFINE_FINAL_TYPE (ShmlensReader, shmlens_reader, G_TYPE_OBJECT)

static void
shmlens_reader_dispose (GObject *object)
{
  shmlens_reader_close (SHMLENS_READER (object));

  G_OBJECT_CLASS (shmlens_reader_parent_class)->dispose (object);
}

static void
shmlens_reader_finalize (GObject *object)
{
  ShmlensReader *self = SHMLENS_READER (object);

  g_clear_object (&self->segment);

  G_OBJECT_CLASS (shmlens_reader_parent_class)->finalize (object);
}

static void
shmlens_reader_class_init (ShmlensReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = shmlens_reader_dispose;
  object_class->finalize = shmlens_reader_finalize;
}

static void
shmlens_reader_init (ShmlensReader *self)
{
  self->fd = -1;
}

static char *
describe_owner (guint uid,
                guint gid)
{
  /* Translators: a user's and a group's names */
  return g_strdup_printf (_("owner %s, group %s"), shmlens_user_name (uid),
                          shmlens_group_name (gid));
}

static void
set_open_error (GError         **error,
                int              saved_errno,
                ShmlensSegment  *segment)
{
  g_autofree char *ref = shmlens_segment_dup_ref (segment);

  if (saved_errno == EACCES || saved_errno == EPERM)
    {
      g_autofree char *owner = describe_owner (shmlens_segment_get_uid (segment),
                                               shmlens_segment_get_gid (segment));
      const char *advice;

      switch (shmlens_segment_get_kind (segment))
        {
        case SHMLENS_SEGMENT_KIND_MEMFD:
        case SHMLENS_SEGMENT_KIND_ANON:
          advice = _("Reading another process's memfd or shared memory needs its user, or root.");
          break;
        default:
          advice = _("Open it as its owner, or as root.");
          break;
        }
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   /* Translators: the segment's reference, its owner and group (“owner
                    * alice, group staff”), its mode in octal and a sentence of advice */
                   _("Cannot open %s: permission denied (%s, mode %04o). %s"), ref, owner,
                   shmlens_segment_get_mode (segment), advice);
    }
  else if (saved_errno == ELOOP)
    g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_REGULAR,
                 /* Translators: %s is the segment's reference */
                 _("Refusing %s: it is a symbolic link, not a shared-memory segment"), ref);
  else if (saved_errno == ENOENT || saved_errno == EIDRM || saved_errno == EINVAL)
    g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_REMOVED,
                 /* Translators: %s is the segment's reference */
                 _("Cannot open %s: it no longer exists"), ref);
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 /* Translators: a file, and why it cannot be opened */
                 _("Cannot open %s: %s"), ref, g_strerror (saved_errno));
}

/* Opens @path read-only. O_NONBLOCK keeps a FIFO from hanging us before we can see
 * what it is; O_NOFOLLOW refuses a symbolic link in /dev/shm. /proc magic links
 * (fd/N, map_files/…) must be followed, so @follow is set for them only. */
static int
open_checked (ShmlensSegment  *segment,
              const char      *path,
              gboolean         follow,
              GError         **error)
{
  int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (follow ? 0 : O_NOFOLLOW);
  int fd = open (path, flags);
  struct stat st;

  if (fd < 0)
    {
      set_open_error (error, errno, segment);
      return -1;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_autofree char *ref = shmlens_segment_dup_ref (segment);
      g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_REGULAR,
                   /* Translators: the segment's reference, and what it is (“a FIFO”) */
                   _("Refusing %s: it is %s, not a shared-memory segment"), ref,
                   shmlens_sources_file_type_name (st.st_mode));
      close (fd);
      return -1;
    }
  return fd;
}

static gboolean
rmid_forced (void)
{
  gint64 value = 0;
  return shmlens_proc_read_int_file ("/proc/sys/kernel/shm_rmid_forced", &value) && value != 0;
}

static gboolean
open_sysv (ShmlensReader  *self,
           GError        **error)
{
  ShmlensSegment *segment = self->segment;
  int shmid = shmlens_segment_get_shmid (segment);
  void *addr;
  struct shmid_ds ds;
  long page = sysconf (_SC_PAGESIZE);

  /* With shm_rmid_forced, the kernel destroys a segment when its last attachment
   * goes away. If nobody is attached now, our own detach would be the last one. */
  if (shmctl (shmid, IPC_STAT, &ds) == 0 && ds.shm_nattch == 0 && rmid_forced ())
    {
      g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_WOULD_DESTROY,
                   /* Translators: %d is a System V segment's id; kernel.shm_rmid_forced is
                    * a kernel setting, not translated */
                   _("Refusing to open sysv:%d: no process is attached and "
                     "kernel.shm_rmid_forced is 1, so detaching after reading would destroy "
                     "the segment. Open it while a process has it attached, or set "
                     "kernel.shm_rmid_forced to 0."), shmid);
      return FALSE;
    }

  addr = shmat (shmid, NULL, SHM_RDONLY);
  if (addr == (void *) -1)
    {
      set_open_error (error, errno, segment);
      return FALSE;
    }
  self->shm_addr = addr;
  self->size = shmlens_segment_get_size (segment);
  self->shm_length = (self->size + page - 1) / page * page;

  g_autofree char *map_file = g_strdup_printf ("/proc/self/map_files/%lx-%lx",
                                               (unsigned long) addr,
                                               (unsigned long) addr + self->shm_length);
  self->fd = open (map_file, O_RDONLY | O_CLOEXEC);
  return TRUE;
}

/**
 * shmlens_reader_open:
 * @segment: a segment from the catalog or from shmlens_ref_resolve()
 * @error: return location for an error
 *
 * Opens @segment read-only. Nothing is written, resized or allocated in it.
 * FIFOs, devices and symbolic links are refused without blocking.
 *
 * Returns: (transfer full): a reader, or %NULL with @error set
 */
ShmlensReader *
shmlens_reader_open (ShmlensSegment  *segment,
                     GError         **error)
{
  g_autoptr(ShmlensReader) self = NULL;
  struct stat st;

  g_return_val_if_fail (SHMLENS_IS_SEGMENT (segment), NULL);

  self = g_object_new (SHMLENS_TYPE_READER, NULL);
  self->segment = g_object_ref (segment);

  if (shmlens_segment_get_kind (segment) == SHMLENS_SEGMENT_KIND_SYSV)
    {
      if (!open_sysv (self, error))
        return NULL;
      return g_steal_pointer (&self);
    }

  const char *path = shmlens_segment_get_path (segment);
  gboolean through_proc = shmlens_segment_get_kind (segment) == SHMLENS_SEGMENT_KIND_MEMFD ||
                          shmlens_segment_get_kind (segment) == SHMLENS_SEGMENT_KIND_ANON;
  g_return_val_if_fail (path != NULL, NULL);

  self->fd = open_checked (segment, path, through_proc, error);
  if (self->fd < 0)
    return NULL;

  fstat (self->fd, &st);
  self->size = st.st_size;
  self->device = st.st_dev;
  self->inode = st.st_ino;

  /* A /proc descriptor can be reused for another file between the lookup and now. */
  if (through_proc && (st.st_dev != shmlens_segment_get_device (segment) ||
                       st.st_ino != shmlens_segment_get_inode (segment)))
    {
      g_autofree char *ref = shmlens_segment_dup_ref (segment);
      g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_REMOVED,
                   /* Translators: %s is the segment's reference */
                   _("Cannot open %s: the process now holds another file there. List the "
                     "segments again."), ref);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * shmlens_reader_close:
 * @self: a reader
 *
 * Closes the descriptor and detaches a System V segment at once (which restores its
 * nattch). Later reads fail. Also done when the reader is finalized.
 */
void
shmlens_reader_close (ShmlensReader *self)
{
  g_return_if_fail (SHMLENS_IS_READER (self));

  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  if (self->shm_addr != NULL)
    {
      shmdt (self->shm_addr);
      self->shm_addr = NULL;
    }
}

ShmlensSegment *
shmlens_reader_get_segment (ShmlensReader *self)
{
  g_return_val_if_fail (SHMLENS_IS_READER (self), NULL);
  return self->segment;
}

/**
 * shmlens_reader_get_size:
 * @self: a reader
 *
 * Returns: the size seen at the last open or poll
 */
guint64
shmlens_reader_get_size (ShmlensReader *self)
{
  g_return_val_if_fail (SHMLENS_IS_READER (self), 0);
  return self->size;
}

gboolean
shmlens_reader_is_removed (ShmlensReader *self)
{
  g_return_val_if_fail (SHMLENS_IS_READER (self), FALSE);
  return self->removed;
}

gboolean
shmlens_reader_is_replaced (ShmlensReader *self)
{
  g_return_val_if_fail (SHMLENS_IS_READER (self), FALSE);
  return self->replaced;
}

/* System V without a descriptor: copy page by page, leaving out pages that are not
 * in memory so that reading allocates nothing. */
static gsize
read_mapping (ShmlensReader *self,
              guint64        offset,
              guint8        *buffer,
              gsize          length)
{
  long page = sysconf (_SC_PAGESIZE);
  gboolean may_swap = shmlens_segment_get_swap (self->segment) > 0;
  gsize done = 0;

  while (done < length)
    {
      guint64 at = offset + done;
      guint64 page_start = at / page * page;
      gsize chunk = MIN (length - done, page_start + page - at);
      unsigned char resident = 1;

      if (!may_swap)
        mincore ((void *) (self->shm_addr + page_start), page, &resident);
      if (resident & 1)
        memcpy (buffer + done, self->shm_addr + at, chunk);
      else
        memset (buffer + done, 0, chunk);
      done += chunk;
    }
  return done;
}

/**
 * shmlens_reader_read:
 * @self: a reader
 * @offset: where to start
 * @buffer: (out caller-allocates) (array length=length): where to put the bytes
 * @length: how many bytes to read
 * @error: return location for an error
 *
 * Reads the segment's bytes as they are now. Holes read as zeros and stay holes.
 * The count is short when the segment ends before @offset + @length (0 at or past
 * the end), also when it was truncated since the last poll.
 *
 * Returns: the number of bytes read, or -1 with @error set
 */
gssize
shmlens_reader_read (ShmlensReader  *self,
                     guint64         offset,
                     guint8         *buffer,
                     gsize           length,
                     GError        **error)
{
  gsize done = 0;

  g_return_val_if_fail (SHMLENS_IS_READER (self), -1);
  g_return_val_if_fail (buffer != NULL || length == 0, -1);

  length = MIN (length, (gsize) G_MAXSSIZE);
  /* No segment reaches past what off_t can address: there is nothing to read. */
  if (offset >= (guint64) G_MAXINT64)
    return 0;
  length = MIN (length, (guint64) G_MAXINT64 - offset);

  if (self->fd < 0 && self->shm_addr == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("The segment is closed"));
      return -1;
    }

  if (self->fd < 0)
    {
      if (offset >= self->size)
        return 0;
      return read_mapping (self, offset, buffer, MIN (length, self->size - offset));
    }

  while (done < length)
    {
      gssize n = pread (self->fd, buffer + done, length - done, offset + done);
      if (n < 0)
        {
          int saved_errno = errno;
          if (saved_errno == EINTR)
            continue;
          g_autofree char *ref = shmlens_segment_dup_ref (self->segment);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       /* Translators: the segment's reference, an offset in it and the
                        * system's error message */
                       _("Cannot read %s at offset %llu: %s"), ref,
                       (unsigned long long) (offset + done), g_strerror (saved_errno));
          return -1;
        }
      if (n == 0)
        break;
      done += n;
    }
  return done;
}

/**
 * shmlens_reader_find_data:
 * @self: a reader
 * @offset: where to start looking
 * @data_start: (out): the start of the first extent with data at or after @offset
 * @data_end: (out): its end (a hole or the end of the segment)
 *
 * Lets a scanner skip holes without reading them. Where the file system cannot tell
 * (or for System V without a descriptor), everything counts as data. In a mostly
 * allocated segment @data_end may come before the extent's real end (at most 8 MiB
 * after @data_start, so that the call stays cheap however large the extent): ask
 * again from there.
 *
 * Returns: %FALSE when only holes remain after @offset
 */
gboolean
shmlens_reader_find_data (ShmlensReader *self,
                          guint64        offset,
                          guint64       *data_start,
                          guint64       *data_end)
{
  off_t start, end;

  g_return_val_if_fail (SHMLENS_IS_READER (self), FALSE);

  if (offset >= self->size)
    return FALSE;

  if (self->fd < 0)
    {
      *data_start = offset;
      *data_end = self->size;
      return TRUE;
    }

  start = lseek (self->fd, offset, SEEK_DATA);
  if (start < 0)
    {
      if (errno == ENXIO)
        return FALSE;
      *data_start = offset;
      *data_end = self->size;
      return TRUE;
    }
  if ((guint64) start >= self->size)
    return FALSE;

  /* SEEK_HOLE walks every page of the extent: 16 ms for 1 GiB written on tmpfs. In a
   * segment that is mostly allocated, holes are few and small (reading them costs
   * little and allocates nothing), so hand out bounded steps instead. */
  struct stat st;
  if (fstat (self->fd, &st) == 0 && (guint64) st.st_blocks * 512 >= self->size / 2)
    {
      *data_start = start;
      *data_end = MIN ((guint64) start + SHMLENS_READER_DENSE_STEP, self->size);
      return TRUE;
    }

  end = lseek (self->fd, start, SEEK_HOLE);
  if (end < 0)
    end = self->size;
  *data_start = start;
  *data_end = MIN ((guint64) end, self->size);
  return TRUE;
}

static ShmlensReaderEvents
poll_sysv (ShmlensReader  *self,
           GError        **error)
{
  ShmlensSegment *segment = self->segment;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(ShmlensSegment) now = NULL;
  ShmlensReaderEvents events = 0;

  now = shmlens_sources_sysv_lookup (shmlens_segment_get_shmid (segment), FALSE, 0,
                                     &local_error);
  if (now == NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return 0;
    }

  if (!self->removed && (now == NULL || shmlens_segment_is_marked_for_removal (now)))
    {
      self->removed = TRUE;
      events |= SHMLENS_READER_EVENT_REMOVED;
    }

  /* A segment found by key is replaced when the key now names another segment. */
  if (self->removed && !self->replaced && shmlens_segment_get_key (segment) != IPC_PRIVATE)
    {
      g_autoptr(ShmlensSegment) successor =
        shmlens_sources_sysv_lookup (-1, TRUE, shmlens_segment_get_key (segment), NULL);
      if (successor != NULL &&
          shmlens_segment_get_shmid (successor) != shmlens_segment_get_shmid (segment))
        {
          self->replaced = TRUE;
          events |= SHMLENS_READER_EVENT_REPLACED;
        }
    }
  return events;
}

/**
 * shmlens_reader_poll:
 * @self: a reader
 * @error: return location for an error
 *
 * Looks at the segment's metadata (never its bytes) and reports what happened since
 * the last poll: growth, truncation, removal, replacement of the name by another
 * segment. Removal and replacement are reported once. These are states, not errors:
 * the reader keeps reading what the kernel still holds.
 *
 * Returns: the events, or 0 with @error set when even that failed
 */
ShmlensReaderEvents
shmlens_reader_poll (ShmlensReader  *self,
                     GError        **error)
{
  ShmlensReaderEvents events = 0;
  ShmlensSegmentKind kind;
  struct stat st;

  g_return_val_if_fail (SHMLENS_IS_READER (self), 0);

  kind = shmlens_segment_get_kind (self->segment);
  if (kind == SHMLENS_SEGMENT_KIND_SYSV)
    return poll_sysv (self, error);

  if (self->fd < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("The segment is closed"));
      return 0;
    }

  if (fstat (self->fd, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot check the segment: %s"), g_strerror (saved_errno));
      return 0;
    }

  if ((guint64) st.st_size > self->size)
    events |= SHMLENS_READER_EVENT_GROWN;
  else if ((guint64) st.st_size < self->size)
    events |= SHMLENS_READER_EVENT_TRUNCATED;
  self->size = st.st_size;

  const char *path = shmlens_segment_get_path (self->segment);
  struct stat named;
  gboolean named_exists;
  gboolean same;

  if (kind == SHMLENS_SEGMENT_KIND_POSIX || kind == SHMLENS_SEGMENT_KIND_FILE)
    {
      named_exists = lstat (path, &named) == 0;
      same = named_exists && named.st_dev == self->device && named.st_ino == self->inode;
      if (!self->removed && (st.st_nlink == 0 || !same))
        {
          self->removed = TRUE;
          events |= SHMLENS_READER_EVENT_REMOVED;
        }
      if (!self->replaced && named_exists && !same && S_ISREG (named.st_mode))
        {
          self->replaced = TRUE;
          events |= SHMLENS_READER_EVENT_REPLACED;
        }
    }
  else if (!self->removed)
    {
      /* memfds have no name to lose; they are gone for the user when the process
       * no longer holds them where the reference points */
      named_exists = stat (path, &named) == 0;
      if (!named_exists || named.st_dev != self->device || named.st_ino != self->inode)
        {
          self->removed = TRUE;
          events |= SHMLENS_READER_EVENT_REMOVED;
        }
    }

  return events;
}
