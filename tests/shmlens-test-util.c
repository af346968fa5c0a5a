/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-test-util.c: real segments and processes for the library tests. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shmlens-ref.h"
#include "shmlens-test-util.h"

/* Segments a failed assertion (SIGABRT) or a crash would leave in /dev/shm: the
 * handler below removes them, with nothing but unlink(), before the process dies. */
#define MAX_LIVE 256
#define MAX_PATH 160
static char live_paths[MAX_LIVE][MAX_PATH];

static void
remove_live_and_die (int signum)
{
  for (int i = 0; i < MAX_LIVE; i++)
    if (live_paths[i][0] != '\0')
      unlink (live_paths[i]);
  signal (signum, SIG_DFL);
  raise (signum);
}

static void
track_live (const char *path,
            gboolean    live)
{
  static gboolean handled;

  if (!handled)
    {
      const int signals[] = { SIGABRT, SIGSEGV, SIGBUS, SIGTERM, SIGTRAP };

      for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
        signal (signals[i], remove_live_and_die);
      handled = TRUE;
    }
  for (int i = 0; i < MAX_LIVE; i++)
    {
      if (live && live_paths[i][0] == '\0' && strlen (path) < MAX_PATH)
        {
          g_strlcpy (live_paths[i], path, MAX_PATH);
          return;
        }
      if (!live && strcmp (live_paths[i], path) == 0)
        {
          live_paths[i][0] = '\0';
          return;
        }
    }
}

char *
shmlens_test_posix_create (const char   *prefix,
                           const guint8 *data,
                           gsize         size)
{
  static guint counter;
  char *name = g_strdup_printf ("shmlens-test-%s-%d-%u", prefix, (int) getpid (), counter++);
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  if (fd >= 0)
    track_live (path, TRUE);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  if (data != NULL)
    g_assert_cmpint (pwrite (fd, data, size, 0), ==, (gssize) size);
  close (fd);
  return name;
}

void
shmlens_test_posix_remove (const char *name)
{
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  unlink (path);
  track_live (path, FALSE);
}

void
shmlens_test_posix_write (const char *name,
                          guint64     offset,
                          const void *data,
                          gsize       length)
{
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  int fd = open (path, O_WRONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, data, length, offset), ==, (gssize) length);
  close (fd);
}

ShmlensSegment *
shmlens_test_resolve (const char *ref_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensRef) ref = shmlens_ref_parse (ref_text, &error);
  g_assert_no_error (error);
  ShmlensSegment *segment = shmlens_ref_resolve (ref, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (segment);
  return segment;
}

GBytes *
shmlens_test_posix_bytes (const char *name)
{
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static gboolean
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
shmlens_test_run_main_loop_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}
