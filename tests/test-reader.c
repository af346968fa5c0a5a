/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-reader.c: reading real segments, read-only, through what happens to them. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shmlens-error.h"
#include "shmlens-reader.h"
#include "shmlens-ref.h"
#include "shmlens-test-util.h"

static ShmlensReader *
open_ref (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensSegment) segment = shmlens_test_resolve (text);
  ShmlensReader *reader = shmlens_reader_open (segment, &error);
  g_assert_no_error (error);
  return reader;
}

static char *
posix_ref (const char *name)
{
  return g_strconcat ("/", name, NULL);
}

static struct stat
stat_posix (const char *name)
{
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  struct stat st;
  g_assert_cmpint (stat (path, &st), ==, 0);
  return st;
}

static void
test_reader_reads_exact_bytes (void)
{
  guint8 data[10000];
  guint8 buffer[20000];
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < sizeof data; i++)
    data[i] = (guint8) g_random_int ();
  g_autofree char *name = shmlens_test_posix_create ("read", data, sizeof data);
  g_autofree char *ref = posix_ref (name);
  g_autoptr(ShmlensReader) reader = open_ref (ref);

  g_assert_cmpuint (shmlens_reader_get_size (reader), ==, sizeof data);
  g_assert_cmpint (shmlens_reader_read (reader, 0, buffer, sizeof data, &error), ==, sizeof data);
  g_assert_cmpmem (buffer, sizeof data, data, sizeof data);
  g_assert_cmpint (shmlens_reader_read (reader, 4097, buffer, 13, &error), ==, 13);
  g_assert_cmpmem (buffer, 13, data + 4097, 13);
  /* short at the end, nothing past it */
  g_assert_cmpint (shmlens_reader_read (reader, 9990, buffer, 100, &error), ==, 10);
  g_assert_cmpmem (buffer, 10, data + 9990, 10);
  g_assert_cmpint (shmlens_reader_read (reader, 10000, buffer, 100, &error), ==, 0);
  g_assert_cmpint (shmlens_reader_read (reader, G_MAXUINT64 - 10, buffer, 100, &error), ==, 0);
  g_assert_no_error (error);

  shmlens_test_posix_remove (name);
}

static void
test_reader_sparse_allocates_nothing (void)
{
  const gsize size = 64 << 20;
  guint8 *buffer = g_malloc (size);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = shmlens_test_posix_create ("sparse", NULL, size);
  g_autofree char *ref = posix_ref (name);
  guint64 start, end;

  shmlens_test_posix_write (name, 8 << 20, "data", 4);
  struct stat before = stat_posix (name);
  g_autoptr(ShmlensReader) reader = open_ref (ref);

  g_assert_cmpint (shmlens_reader_read (reader, 0, buffer, size, &error), ==, (gssize) size);
  g_assert_no_error (error);
  g_assert_cmpmem (buffer + (8 << 20), 4, "data", 4);
  g_assert_cmpint (buffer[0], ==, 0);
  g_assert_cmpint (buffer[size - 1], ==, 0);

  struct stat after = stat_posix (name);
  g_assert_cmpint (after.st_blocks, ==, before.st_blocks);
  g_assert_cmpint (after.st_mtim.tv_sec, ==, before.st_mtim.tv_sec);
  g_assert_cmpint (after.st_mtim.tv_nsec, ==, before.st_mtim.tv_nsec);

  /* the one written page is the only data */
  g_assert_true (shmlens_reader_find_data (reader, 0, &start, &end));
  g_assert_cmpuint (start, ==, 8 << 20);
  g_assert_cmpuint (end, ==, (8 << 20) + 4096);
  g_assert_false (shmlens_reader_find_data (reader, end, &start, &end));

  g_free (buffer);
  shmlens_test_posix_remove (name);
}

/* A mostly allocated segment gets bounded steps, so that no call walks a huge extent;
 * asking again from each end covers the whole segment. */
static void
test_reader_dense_extents_come_in_steps (void)
{
  const gsize size = 20 << 20;
  guint8 *data = g_malloc (size);
  g_autofree char *name = NULL;
  g_autofree char *ref = NULL;
  guint64 start, end, offset = 0;
  guint steps = 0;

  memset (data, 0x5a, size);
  name = shmlens_test_posix_create ("dense", data, size);
  ref = posix_ref (name);
  g_autoptr(ShmlensReader) reader = open_ref (ref);

  while (shmlens_reader_find_data (reader, offset, &start, &end))
    {
      g_assert_cmpuint (start, ==, offset);
      g_assert_cmpuint (end, >, start);
      g_assert_cmpuint (end - start, <=, 8 << 20);
      offset = end;
      steps++;
    }
  g_assert_cmpuint (offset, ==, size);
  g_assert_cmpuint (steps, ==, 3);

  g_free (data);
  shmlens_test_posix_remove (name);
}

static void
test_reader_truncation_and_growth (void)
{
  guint8 data[8192];
  guint8 buffer[8192];
  g_autoptr(GError) error = NULL;

  memset (data, 0xab, sizeof data);
  g_autofree char *name = shmlens_test_posix_create ("trunc", data, sizeof data);
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  g_autofree char *ref = posix_ref (name);
  g_autoptr(ShmlensReader) reader = open_ref (ref);

  g_assert_cmpint (shmlens_reader_poll (reader, &error), ==, SHMLENS_READER_EVENT_NONE);
  g_assert_cmpint (truncate (path, 100), ==, 0);
  /* reading before the poll sees the new end: a short count, no SIGBUS */
  g_assert_cmpint (shmlens_reader_read (reader, 0, buffer, sizeof buffer, &error), ==, 100);
  g_assert_cmpint (shmlens_reader_poll (reader, &error), ==, SHMLENS_READER_EVENT_TRUNCATED);
  g_assert_cmpuint (shmlens_reader_get_size (reader), ==, 100);
  g_assert_cmpint (truncate (path, 1 << 20), ==, 0);
  g_assert_cmpint (shmlens_reader_poll (reader, &error), ==, SHMLENS_READER_EVENT_GROWN);
  g_assert_cmpuint (shmlens_reader_get_size (reader), ==, 1 << 20);
  g_assert_cmpint (shmlens_reader_read (reader, 0, buffer, sizeof buffer, &error), ==, sizeof buffer);
  g_assert_cmpint (buffer[99], ==, 0xab);
  g_assert_cmpint (buffer[100], ==, 0);
  g_assert_false (shmlens_reader_is_removed (reader));
  g_assert_no_error (error);

  shmlens_test_posix_remove (name);
}

static void
test_reader_removal_and_replacement (void)
{
  g_autoptr(GError) error = NULL;
  guint8 buffer[5];
  g_autofree char *name = shmlens_test_posix_create ("gone", (const guint8 *) "first", 5);
  g_autofree char *ref = posix_ref (name);
  g_autoptr(ShmlensReader) reader = open_ref (ref);
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);

  g_assert_cmpint (unlink (path), ==, 0);
  g_assert_cmpint (shmlens_reader_poll (reader, &error), ==, SHMLENS_READER_EVENT_REMOVED);
  g_assert_true (shmlens_reader_is_removed (reader));
  g_assert_false (shmlens_reader_is_replaced (reader));
  /* still open: the last bytes are kept */
  g_assert_cmpint (shmlens_reader_read (reader, 0, buffer, 5, &error), ==, 5);
  g_assert_cmpmem (buffer, 5, "first", 5);
  /* reported once */
  g_assert_cmpint (shmlens_reader_poll (reader, &error), ==, SHMLENS_READER_EVENT_NONE);

  g_assert_true (g_file_set_contents (path, "second", 6, NULL));
  g_assert_cmpint (shmlens_reader_poll (reader, &error), ==, SHMLENS_READER_EVENT_REPLACED);
  g_assert_true (shmlens_reader_is_replaced (reader));
  g_assert_cmpint (shmlens_reader_read (reader, 0, buffer, 5, &error), ==, 5);
  g_assert_cmpmem (buffer, 5, "first", 5);
  g_assert_no_error (error);

  unlink (path);
}

static void
test_reader_refuses_fifo_without_hanging (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = shmlens_test_posix_create ("fifo", NULL, 16);
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  g_autofree char *ref = posix_ref (name);
  g_autoptr(ShmlensSegment) segment = shmlens_test_resolve (ref);

  /* the name turns into a FIFO between listing and opening */
  g_assert_cmpint (unlink (path), ==, 0);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  g_autoptr(ShmlensReader) reader = shmlens_reader_open (segment, &error);
  g_assert_null (reader);
  g_assert_error (error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_REGULAR);
  g_assert_nonnull (strstr (error->message, "FIFO"));
  g_clear_error (&error);

  /* and into a symbolic link */
  g_assert_cmpint (unlink (path), ==, 0);
  g_assert_cmpint (symlink ("/etc/hostname", path), ==, 0);
  reader = shmlens_reader_open (segment, &error);
  g_assert_null (reader);
  g_assert_error (error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_REGULAR);
  g_assert_nonnull (strstr (error->message, "symbolic link"));

  unlink (path);
}

static guint
sysv_nattch (int shmid)
{
  struct shmid_ds ds;
  g_assert_cmpint (shmctl (shmid, IPC_STAT, &ds), ==, 0);
  return ds.shm_nattch;
}

static void
test_reader_sysv (void)
{
  const gsize size = 1 << 20;
  int shmid = shmget (IPC_PRIVATE, size, IPC_CREAT | 0600);
  g_autoptr(GError) error = NULL;
  guint8 buffer[64];
  struct shmid_ds ds;

  g_assert_cmpint (shmid, >=, 0);
  char *writer = shmat (shmid, NULL, 0);
  g_assert_true (writer != (void *) -1);
  memcpy (writer + 4096 * 3 + 5, "System V", 8);

  g_autofree char *ref = g_strdup_printf ("sysv:%d", shmid);
  guint nattch_before = sysv_nattch (shmid);
  {
    g_autoptr(ShmlensReader) reader = open_ref (ref);

    g_assert_cmpuint (sysv_nattch (shmid), ==, nattch_before + 1);
    g_assert_cmpuint (shmlens_reader_get_size (reader), ==, size);
    g_assert_cmpint (shmlens_reader_read (reader, 4096 * 3, buffer, 64, &error), ==, 64);
    g_assert_cmpmem (buffer + 5, 8, "System V", 8);
    g_assert_cmpint (buffer[4], ==, 0);
    g_assert_cmpint (shmlens_reader_read (reader, size - 10, buffer, 64, &error), ==, 10);
    g_assert_cmpint (shmlens_reader_poll (reader, &error), ==, SHMLENS_READER_EVENT_NONE);

    /* IPC_RMID marks it; the attachment keeps it readable */
    g_assert_cmpint (shmctl (shmid, IPC_RMID, NULL), ==, 0);
    g_assert_cmpint (shmlens_reader_poll (reader, &error), ==, SHMLENS_READER_EVENT_REMOVED);
    g_assert_cmpint (shmlens_reader_read (reader, 4096 * 3 + 5, buffer, 8, &error), ==, 8);
    g_assert_cmpmem (buffer, 8, "System V", 8);
    g_assert_no_error (error);
  }
  /* closed: the writer is the only attachment left */
  g_assert_cmpint (shmctl (shmid, IPC_STAT, &ds), ==, 0);
  g_assert_cmpuint (ds.shm_nattch, ==, 1);
  shmdt (writer);
}

static gint64
sysv_resident (int shmid)
{
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents ("/proc/sysvipc/shm", &contents, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      int key, id;
      unsigned long long rss;
      if (sscanf (lines[i], "%d %d %*o %*u %*d %*d %*u %*u %*u %*u %*u %*d %*d %*d %llu",
                  &key, &id, &rss) == 3 && id == shmid)
        return rss;
    }
  g_assert_not_reached ();
}

static void
test_reader_sysv_sparse_allocates_nothing (void)
{
  const gsize size = 32 << 20;
  int shmid = shmget (IPC_PRIVATE, size, IPC_CREAT | 0600);
  guint8 *buffer = g_malloc (size);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (shmid, >=, 0);
  g_autofree char *ref = g_strdup_printf ("sysv:%d", shmid);
  g_assert_cmpint (sysv_resident (shmid), ==, 0);
  {
    g_autoptr(ShmlensReader) reader = open_ref (ref);
    g_assert_cmpint (shmlens_reader_read (reader, 0, buffer, size, &error), ==, (gssize) size);
    g_assert_no_error (error);
  }
  g_assert_cmpint (sysv_resident (shmid), ==, 0);
  g_assert_cmpint (buffer[size / 2], ==, 0);
  g_assert_cmpint (shmctl (shmid, IPC_RMID, NULL), ==, 0);
  g_free (buffer);
}

/* With kernel.shm_rmid_forced, detaching the last attachment destroys a segment.
 * The sysctl is per IPC namespace, so the test sets it in a namespace of its own. */
static void
test_reader_sysv_refuses_to_destroy (void)
{
  pid_t pid = fork ();
  int status;

  if (pid == 0)
    {
      g_autoptr(GError) error = NULL;
      struct shmid_ds ds;

      if (unshare (CLONE_NEWIPC) != 0)
        _exit (77);
      /* a sysctl is written in place, not replaced like g_file_set_contents() does */
      int sysctl = open ("/proc/sys/kernel/shm_rmid_forced", O_WRONLY | O_CLOEXEC);
      if (sysctl < 0 || write (sysctl, "1", 1) != 1)
        _exit (77);
      close (sysctl);
      int shmid = shmget (IPC_PRIVATE, 4096, IPC_CREAT | 0600);
      if (shmid < 0)
        _exit (2);
      g_autofree char *ref = g_strdup_printf ("sysv:%d", shmid);
      g_autoptr(ShmlensSegment) segment = shmlens_test_resolve (ref);
      g_autoptr(ShmlensReader) reader = shmlens_reader_open (segment, &error);
      if (reader != NULL || !g_error_matches (error, SHMLENS_ERROR, SHMLENS_ERROR_WOULD_DESTROY) ||
          strstr (error->message, "shm_rmid_forced") == NULL)
        _exit (3);
      /* and the segment is still there */
      _exit (shmctl (shmid, IPC_STAT, &ds) == 0 ? 0 : 4);
    }

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) == 77)
    {
      g_test_skip ("cannot create an IPC namespace here (needs root)");
      return;
    }
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

static void
test_reader_memfd_in_child (void)
{
  int fd = memfd_create ("shmlens-test-memfd", MFD_CLOEXEC);
  int ready[2], done[2];
  g_autoptr(GError) error = NULL;
  guint8 buffer[16];
  pid_t pid;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 65536), ==, 0);
  g_assert_cmpint (pwrite (fd, "held by a child", 15, 1000), ==, 15);
  g_assert_cmpint (pipe (ready), ==, 0);
  g_assert_cmpint (pipe (done), ==, 0);

  pid = fork ();
  if (pid == 0)
    {
      /* keep the memfd at a known descriptor number */
      dup2 (fd, 42);
      close (fd);
      close (done[1]);
      char c = 'r';
      if (write (ready[1], &c, 1) != 1)
        _exit (1);
      if (read (done[0], &c, 1) < 0)
        _exit (1);
      _exit (0);
    }
  close (fd);
  char c;
  g_assert_cmpint (read (ready[0], &c, 1), ==, 1);

  g_autofree char *ref = g_strdup_printf ("memfd:%d:42", pid);
  {
    g_autoptr(ShmlensSegment) segment = shmlens_test_resolve (ref);
    g_assert_cmpstr (shmlens_segment_get_name (segment), ==, "shmlens-test-memfd");
    g_assert_cmpuint (shmlens_segment_get_size (segment), ==, 65536);
    g_assert_cmpuint (shmlens_segment_get_n_processes (segment), ==, 1);

    g_autoptr(ShmlensReader) reader = shmlens_reader_open (segment, &error);
    g_assert_no_error (error);
    g_assert_cmpint (shmlens_reader_read (reader, 1000, buffer, 15, &error), ==, 15);
    g_assert_cmpmem (buffer, 15, "held by a child", 15);

    /* the child goes away: the memfd is no longer where the reference points */
    close (done[1]);
    g_assert_cmpint (waitpid (pid, NULL, 0), ==, pid);
    g_assert_cmpint (shmlens_reader_poll (reader, &error), ==, SHMLENS_READER_EVENT_REMOVED);
    g_assert_cmpint (shmlens_reader_read (reader, 1000, buffer, 15, &error), ==, 15);
    g_assert_cmpmem (buffer, 15, "held by a child", 15);
    g_assert_no_error (error);
  }
  close (ready[0]);
  close (ready[1]);
  close (done[0]);
}

static void
test_reader_anonymous_shared_memory (void)
{
  const gsize size = 3 * 4096;
  char *memory = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  g_autoptr(GError) error = NULL;
  guint8 buffer[9];

  g_assert_true (memory != MAP_FAILED);
  memcpy (memory + 4096 + 1, "anonymous", 9);
  g_autofree char *ref = g_strdup_printf ("anon:%d:%p", (int) getpid (), (void *) memory);
  g_autoptr(ShmlensSegment) segment = shmlens_test_resolve (ref);
  g_assert_cmpint (shmlens_segment_get_kind (segment), ==, SHMLENS_SEGMENT_KIND_ANON);
  g_assert_cmpuint (shmlens_segment_get_size (segment), ==, size);

  g_autoptr(ShmlensReader) reader = shmlens_reader_open (segment, &error);
  g_assert_no_error (error);
  g_assert_cmpint (shmlens_reader_read (reader, 4097, buffer, 9, &error), ==, 9);
  g_assert_cmpmem (buffer, 9, "anonymous", 9);
  /* live: a write through the mapping is seen by the next read */
  memcpy (memory + 4097, "ANONYMOUS", 9);
  g_assert_cmpint (shmlens_reader_read (reader, 4097, buffer, 9, &error), ==, 9);
  g_assert_cmpmem (buffer, 9, "ANONYMOUS", 9);
  munmap (memory, size);
}

static void
test_reader_plain_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("shmlens-test-XXXXXX", &path, &error);
  guint8 buffer[4];

  g_assert_no_error (error);
  g_assert_cmpint (write (fd, "file", 4), ==, 4);
  close (fd);
  g_autofree char *ref = g_strconcat ("file:", path, NULL);
  g_autoptr(ShmlensReader) reader = open_ref (ref);
  g_assert_cmpint (shmlens_reader_read (reader, 0, buffer, 4, &error), ==, 4);
  g_assert_cmpmem (buffer, 4, "file", 4);
  unlink (path);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shmlens/reader/posix/reads-exact-bytes", test_reader_reads_exact_bytes);
  g_test_add_func ("/shmlens/reader/posix/sparse-allocates-nothing",
                   test_reader_sparse_allocates_nothing);
  g_test_add_func ("/shmlens/reader/posix/dense-extents-come-in-steps",
                   test_reader_dense_extents_come_in_steps);
  g_test_add_func ("/shmlens/reader/posix/truncation-and-growth", test_reader_truncation_and_growth);
  g_test_add_func ("/shmlens/reader/posix/removal-and-replacement",
                   test_reader_removal_and_replacement);
  g_test_add_func ("/shmlens/reader/posix/refuses-fifo-and-symlink",
                   test_reader_refuses_fifo_without_hanging);
  g_test_add_func ("/shmlens/reader/sysv/reads-and-detaches", test_reader_sysv);
  g_test_add_func ("/shmlens/reader/sysv/sparse-allocates-nothing",
                   test_reader_sysv_sparse_allocates_nothing);
  g_test_add_func ("/shmlens/reader/sysv/refuses-to-destroy", test_reader_sysv_refuses_to_destroy);
  g_test_add_func ("/shmlens/reader/memfd/held-by-child", test_reader_memfd_in_child);
  g_test_add_func ("/shmlens/reader/anon/reads-live", test_reader_anonymous_shared_memory);
  g_test_add_func ("/shmlens/reader/file/reads", test_reader_plain_file);

  return g_test_run ();
}
