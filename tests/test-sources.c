/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sources.c: the catalog finds every kind of segment, by identity, live. */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shmlens-catalog.h"
#include "shmlens-test-util.h"

static ShmlensSegment *
find (ShmlensCatalog     *catalog,
      ShmlensSegmentKind  kind,
      const char         *name,
      int                 shmid)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (catalog));
  ShmlensSegment *found = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShmlensSegment) segment = g_list_model_get_item (G_LIST_MODEL (catalog), i);
      if (shmlens_segment_get_kind (segment) != kind)
        continue;
      if ((kind == SHMLENS_SEGMENT_KIND_SYSV && shmlens_segment_get_shmid (segment) == shmid) ||
          (kind != SHMLENS_SEGMENT_KIND_SYSV && g_str_equal (shmlens_segment_get_name (segment), name)))
        {
          g_assert_null (found); /* one segment per identity */
          found = segment;
        }
    }
  return found;
}

static void
refresh (ShmlensCatalog *catalog)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (shmlens_catalog_refresh (catalog, &error));
  g_assert_no_error (error);
}

/* A child that inherits everything the parent holds and waits until told to go. */
static pid_t
spawn_holder (int *release)
{
  int ready[2], done[2];
  pid_t pid;
  char c = 'x';

  g_assert_cmpint (pipe (ready), ==, 0);
  g_assert_cmpint (pipe (done), ==, 0);
  pid = fork ();
  if (pid == 0)
    {
      close (done[1]);
      if (write (ready[1], &c, 1) != 1 || read (done[0], &c, 1) < 0)
        _exit (1);
      _exit (0);
    }
  close (ready[1]);
  close (done[0]);
  g_assert_cmpint (read (ready[0], &c, 1), ==, 1);
  close (ready[0]);
  *release = done[1];
  return pid;
}

static void
release_holder (pid_t pid,
                int   release)
{
  close (release);
  g_assert_cmpint (waitpid (pid, NULL, 0), ==, pid);
}

static void
test_catalog_posix (void)
{
  g_autoptr(ShmlensCatalog) catalog = shmlens_catalog_new (SHMLENS_SEGMENT_KIND_POSIX);
  g_autofree char *name = shmlens_test_posix_create ("posix", (const guint8 *) "12345", 5);
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  struct stat st;

  g_assert_cmpint (chmod (path, 0640), ==, 0);
  g_assert_cmpint (stat (path, &st), ==, 0);
  refresh (catalog);
  ShmlensSegment *segment = find (catalog, SHMLENS_SEGMENT_KIND_POSIX, name, 0);
  g_assert_nonnull (segment);
  g_assert_cmpuint (shmlens_segment_get_size (segment), ==, 5);
  g_assert_cmpint (shmlens_segment_get_resident (segment), ==, st.st_blocks * 512);
  g_assert_cmpuint (shmlens_segment_get_mode (segment), ==, 0640);
  g_assert_cmpuint (shmlens_segment_get_uid (segment), ==, getuid ());
  g_assert_cmpuint (shmlens_segment_get_gid (segment), ==, getgid ());
  g_assert_cmpuint (shmlens_segment_get_inode (segment), ==, st.st_ino);
  g_assert_cmpuint (shmlens_segment_get_device (segment), ==, st.st_dev);
  g_assert_cmpint (shmlens_segment_get_mtime (segment), ==, st.st_mtim.tv_sec);
  g_assert_cmpint (shmlens_segment_get_ctime (segment), ==, st.st_ctim.tv_sec);
  g_assert_cmpuint (shmlens_segment_get_n_processes (segment), ==, 0);
  g_autofree char *ref = shmlens_segment_dup_ref (segment);
  g_autofree char *expected_ref = g_strconcat ("/", name, NULL);
  g_assert_cmpstr (ref, ==, expected_ref);

  shmlens_test_posix_remove (name);
}

static void
test_catalog_posix_attachments (void)
{
  g_autoptr(ShmlensCatalog) catalog = shmlens_catalog_new (SHMLENS_SEGMENT_KIND_POSIX);
  g_autofree char *name = shmlens_test_posix_create ("attach", NULL, 3 * 4096);
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  int fd = open (path, O_RDWR | O_CLOEXEC);
  int release;

  void *map = mmap (NULL, 8192, PROT_READ, MAP_SHARED, fd, 4096);
  g_assert_true (map != MAP_FAILED);
  pid_t child = spawn_holder (&release);

  refresh (catalog);
  ShmlensSegment *segment = find (catalog, SHMLENS_SEGMENT_KIND_POSIX, name, 0);
  g_assert_nonnull (segment);
  /* parent and child both map it and hold the descriptor */
  g_assert_cmpuint (shmlens_segment_get_n_processes (segment), ==, 2);

  GPtrArray *attachments = shmlens_segment_get_attachments (segment);
  gboolean parent_maps = FALSE, parent_holds = FALSE, child_maps = FALSE;
  for (guint i = 0; i < attachments->len; i++)
    {
      const ShmlensAttachment *a = g_ptr_array_index (attachments, i);
      if (a->pid == getpid () && a->how == SHMLENS_ATTACHMENT_MAPS)
        {
          parent_maps = TRUE;
          g_assert_cmpuint (a->start, ==, (guint64) (gsize) map);
          g_assert_cmpuint (a->end, ==, (guint64) (gsize) map + 8192);
          g_assert_cmpuint (a->offset, ==, 4096);
          g_assert_cmpstr (a->perms, ==, "r--s");
          g_autofree char *command = g_path_get_basename (g_get_prgname ());
          g_assert_true (g_str_has_prefix (command, a->command));
        }
      if (a->pid == getpid () && a->how == SHMLENS_ATTACHMENT_HOLDS)
        {
          parent_holds = TRUE;
          g_assert_cmpint (a->fd, ==, fd);
          g_assert_cmpstr (a->perms, ==, "rw-s");
        }
      if (a->pid == child && a->how == SHMLENS_ATTACHMENT_MAPS)
        child_maps = TRUE;
    }
  g_assert_true (parent_maps);
  g_assert_true (parent_holds);
  g_assert_true (child_maps);

  release_holder (child, release);
  munmap (map, 8192);
  close (fd);
  refresh (catalog);
  g_assert_cmpuint (shmlens_segment_get_n_processes (segment), ==, 0);
  shmlens_test_posix_remove (name);
}

static void
test_catalog_sysv (void)
{
  g_autoptr(ShmlensCatalog) catalog = shmlens_catalog_new (SHMLENS_SEGMENT_KIND_SYSV);
  key_t key = 0x5e000000 | (getpid () & 0xffffff);
  int shmid = shmget (key, 12345, IPC_CREAT | IPC_EXCL | 0604);
  struct shmid_ds ds;

  g_assert_cmpint (shmid, >=, 0);
  void *addr = shmat (shmid, NULL, 0);
  g_assert_true (addr != (void *) -1);
  memset (addr, 1, 5000);
  g_assert_cmpint (shmctl (shmid, IPC_STAT, &ds), ==, 0);

  refresh (catalog);
  ShmlensSegment *segment = find (catalog, SHMLENS_SEGMENT_KIND_SYSV, NULL, shmid);
  g_assert_nonnull (segment);
  g_assert_cmpint (shmlens_segment_get_key (segment), ==, key);
  g_assert_cmpuint (shmlens_segment_get_size (segment), ==, 12345);
  g_assert_cmpuint (shmlens_segment_get_mode (segment), ==, 0604);
  g_assert_cmpint (shmlens_segment_get_creator_pid (segment), ==, getpid ());
  g_assert_cmpint (shmlens_segment_get_last_pid (segment), ==, getpid ());
  g_assert_cmpuint (shmlens_segment_get_nattch (segment), ==, 1);
  g_assert_cmpuint (shmlens_segment_get_cuid (segment), ==, ds.shm_perm.cuid);
  g_assert_cmpint (shmlens_segment_get_atime (segment), ==, ds.shm_atime);
  g_assert_cmpint (shmlens_segment_get_ctime (segment), ==, ds.shm_ctime);
  g_assert_cmpint (shmlens_segment_get_resident (segment), ==, 2 * 4096);
  g_assert_false (shmlens_segment_is_marked_for_removal (segment));
  g_assert_cmpuint (shmlens_segment_get_n_processes (segment), ==, 1);
  GPtrArray *attachments = shmlens_segment_get_attachments (segment);
  const ShmlensAttachment *a = g_ptr_array_index (attachments, 0);
  g_assert_cmpint (a->pid, ==, getpid ());
  g_assert_cmpuint (a->start, ==, (guint64) (gsize) addr);
  g_assert_cmpstr (a->perms, ==, "rw-s");

  /* marked for removal but attached: still listed, with the flag */
  g_assert_cmpint (shmctl (shmid, IPC_RMID, NULL), ==, 0);
  refresh (catalog);
  g_assert_true (shmlens_segment_is_marked_for_removal (segment));
  shmdt (addr);
  refresh (catalog);
  g_assert_null (find (catalog, SHMLENS_SEGMENT_KIND_SYSV, NULL, shmid));
}

static void
test_catalog_memfd_one_segment_two_holders (void)
{
  g_autoptr(ShmlensCatalog) catalog = shmlens_catalog_new (SHMLENS_SEGMENT_KINDS_ALL);
  g_autofree char *name = g_strdup_printf ("shmlens-test-shared-%d", (int) getpid ());
  int fd = memfd_create (name, 0);
  int release;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 4096), ==, 0);
  pid_t child = spawn_holder (&release);

  refresh (catalog);
  ShmlensSegment *segment = find (catalog, SHMLENS_SEGMENT_KIND_MEMFD, name, 0);
  g_assert_nonnull (segment);
  g_assert_cmpuint (shmlens_segment_get_size (segment), ==, 4096);
  g_assert_cmpuint (shmlens_segment_get_n_processes (segment), ==, 2);
  g_assert_cmpint (shmlens_segment_get_fd (segment), ==, fd);
  g_assert_true (shmlens_segment_get_pid (segment) == getpid () ||
                 shmlens_segment_get_pid (segment) == child);

  release_holder (child, release);
  close (fd);
  refresh (catalog);
  g_assert_null (find (catalog, SHMLENS_SEGMENT_KIND_MEMFD, name, 0));
}

static void
test_catalog_anonymous (void)
{
  g_autoptr(ShmlensCatalog) catalog = shmlens_catalog_new (SHMLENS_SEGMENT_KIND_ANON);
  g_autoptr(ShmlensCatalog) default_catalog = shmlens_catalog_new (SHMLENS_SEGMENT_KINDS_DEFAULT);
  void *memory = mmap (NULL, 5 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  guint n;
  gboolean found = FALSE;

  g_assert_true (memory != MAP_FAILED);
  refresh (catalog);
  n = g_list_model_get_n_items (G_LIST_MODEL (catalog));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShmlensSegment) segment = g_list_model_get_item (G_LIST_MODEL (catalog), i);
      if (shmlens_segment_get_pid (segment) == getpid () &&
          shmlens_segment_get_address (segment) == (guint64) (gsize) memory)
        {
          found = TRUE;
          g_assert_cmpuint (shmlens_segment_get_size (segment), ==, 5 * 4096);
          g_autofree char *ref = shmlens_segment_dup_ref (segment);
          g_autofree char *expected = g_strdup_printf ("anon:%d:%p", (int) getpid (), memory);
          g_assert_cmpstr (ref, ==, expected);
        }
    }
  g_assert_true (found);

  /* not a default kind */
  refresh (default_catalog);
  n = g_list_model_get_n_items (G_LIST_MODEL (default_catalog));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShmlensSegment) segment = g_list_model_get_item (G_LIST_MODEL (default_catalog), i);
      g_assert_cmpint (shmlens_segment_get_kind (segment), !=, SHMLENS_SEGMENT_KIND_ANON);
    }
  munmap (memory, 5 * 4096);
}

typedef struct
{
  guint added;
  guint removed;
  guint changed;
} Counts;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Counts     *counts)
{
  counts->added += added;
  counts->removed += removed;
}

static void
on_segment_changed (ShmlensCatalog *catalog,
                    ShmlensSegment *segment,
                    Counts         *counts)
{
  counts->changed++;
}

static void
test_catalog_live_updates_keep_objects (void)
{
  g_autoptr(ShmlensCatalog) catalog = shmlens_catalog_new (SHMLENS_SEGMENT_KIND_POSIX);
  Counts counts = { 0 };
  g_autofree char *a = shmlens_test_posix_create ("live-a", NULL, 100);
  refresh (catalog);
  g_autoptr(ShmlensSegment) before = g_object_ref (find (catalog, SHMLENS_SEGMENT_KIND_POSIX, a, 0));

  g_signal_connect (catalog, "items-changed", G_CALLBACK (on_items_changed), &counts);
  g_signal_connect (catalog, "segment-changed", G_CALLBACK (on_segment_changed), &counts);

  g_autofree char *b = shmlens_test_posix_create ("live-b", NULL, 100);
  g_autofree char *path_a = g_strconcat ("/dev/shm/", a, NULL);
  g_assert_cmpint (truncate (path_a, 200), ==, 0);
  refresh (catalog);

  /* the same object, updated in place; the new one appended */
  g_assert_true (find (catalog, SHMLENS_SEGMENT_KIND_POSIX, a, 0) == before);
  g_assert_cmpuint (shmlens_segment_get_size (before), ==, 200);
  g_assert_nonnull (find (catalog, SHMLENS_SEGMENT_KIND_POSIX, b, 0));
  g_assert_cmpuint (counts.added, >=, 1);
  g_assert_cmpuint (counts.changed, >=, 1);

  counts = (Counts) { 0 };
  shmlens_test_posix_remove (b);
  refresh (catalog);
  g_assert_null (find (catalog, SHMLENS_SEGMENT_KIND_POSIX, b, 0));
  g_assert_cmpuint (counts.removed, >=, 1);
  g_assert_true (find (catalog, SHMLENS_SEGMENT_KIND_POSIX, a, 0) == before);

  shmlens_test_posix_remove (a);
}

static void
test_catalog_survives_exiting_processes (void)
{
  g_autoptr(ShmlensCatalog) catalog = shmlens_catalog_new (SHMLENS_SEGMENT_KINDS_ALL);
  guint vanished = 0;

  /* Children are reaped the moment they exit, so their /proc entries disappear while
   * the scan reads them: every refresh succeeds, and the scan counts them. */
  signal (SIGCHLD, SIG_IGN);
  for (int round = 0; round < 200 && vanished == 0; round++)
    {
      for (guint i = 0; i < 40; i++)
        {
          if (fork () == 0)
            {
              int fd = memfd_create ("shmlens-test-ephemeral", 0);
              if (fd >= 0 && ftruncate (fd, 4096) == 0)
                g_usleep (g_random_int_range (0, 3000));
              _exit (0);
            }
        }
      refresh (catalog);
      vanished += shmlens_catalog_get_vanished_processes (catalog);
    }
  signal (SIGCHLD, SIG_DFL);
  g_assert_cmpuint (vanished, >, 0);
}

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean *done = user_data;

  g_assert_true (shmlens_catalog_refresh_finish (SHMLENS_CATALOG (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_catalog_refresh_async (void)
{
  g_autoptr(ShmlensCatalog) catalog = shmlens_catalog_new (SHMLENS_SEGMENT_KIND_POSIX);
  g_autofree char *name = shmlens_test_posix_create ("async", NULL, 100);
  Counts counts = { 0 };
  gboolean done = FALSE;

  g_signal_connect (catalog, "items-changed", G_CALLBACK (on_items_changed), &counts);
  shmlens_catalog_refresh_async (catalog, NULL, on_refreshed, &done);
  /* the model changes only when the main context runs the merge */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 0);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (find (catalog, SHMLENS_SEGMENT_KIND_POSIX, name, 0));
  g_assert_cmpuint (counts.added, ==, g_list_model_get_n_items (G_LIST_MODEL (catalog)));
  shmlens_test_posix_remove (name);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shmlens/catalog/posix/metadata", test_catalog_posix);
  g_test_add_func ("/shmlens/catalog/posix/attachments", test_catalog_posix_attachments);
  g_test_add_func ("/shmlens/catalog/sysv/metadata-and-removal", test_catalog_sysv);
  g_test_add_func ("/shmlens/catalog/memfd/one-segment-two-holders",
                   test_catalog_memfd_one_segment_two_holders);
  g_test_add_func ("/shmlens/catalog/anon/listed-per-process", test_catalog_anonymous);
  g_test_add_func ("/shmlens/catalog/live-updates-keep-objects",
                   test_catalog_live_updates_keep_objects);
  g_test_add_func ("/shmlens/catalog/refresh-in-a-thread", test_catalog_refresh_async);
  g_test_add_func ("/shmlens/catalog/survives-exiting-processes",
                   test_catalog_survives_exiting_processes);

  return g_test_run ();
}
