/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-driver.c: runs a fuzz target once on every file given, or found under a directory given, without libFuzzer. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "shmlens-fuzz.h"

/* An input that runs longer than this is a finding, as with build-aux/fuzz's
 * -timeout=10: the parsers bound their work by their input's size, and the slowest
 * input that stays within the layout engine's limits takes about 3 s in an -O0
 * AddressSanitizer build. SHMLENS_FUZZ_TIMEOUT changes it (seconds; 0 for no limit),
 * for a slow machine or a debugger. */
#define DEFAULT_TIMEOUT 10

static const char *current_input;

static void
write_stderr (const char *text)
{
  gssize written = write (STDERR_FILENO, text, strlen (text));

  (void) written;
}

static void
on_alarm (int signal_number)
{
  write_stderr ("fuzz-driver: timeout: this input runs longer than the limit: ");
  write_stderr (current_input);
  write_stderr ("\n");
  _exit (1);
}

typedef struct
{
  guint timeout;        /* seconds, 0: none */
  guint n_run;
  gint64 slowest_time;  /* µs */
  char *slowest;
} Run;

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Runs the target on @path, or on every file under it, in name order. */
static gboolean
run_path (const char *path,
          Run        *run)
{
  g_autoptr(GError) error = NULL;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;
      gboolean ok = TRUE;

      if (dir == NULL)
        {
          g_printerr ("fuzz-driver: %s\n", error->message);
          return FALSE;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
      g_ptr_array_sort (names, compare_names);
      for (guint i = 0; i < names->len; i++)
        ok = run_path (g_ptr_array_index (names, i), run) && ok;
      return ok;
    }
  else
    {
      g_autofree char *contents = NULL;
      g_autofree guint8 *input = NULL;
      gsize length;
      gint64 start, elapsed;

      if (!g_file_get_contents (path, &contents, &length, &error))
        {
          g_printerr ("fuzz-driver: %s\n", error->message);
          return FALSE;
        }
      /* A copy of exactly the input's size, as libFuzzer passes it: reading one byte
       * past the end is an error under AddressSanitizer, not the file's nul. */
      input = g_malloc (MAX (length, 1));
      memcpy (input, contents, length);
      /* named before it runs, so that a crash's report follows its name */
      g_print ("%s\n", path);
      fflush (stdout);
      current_input = path;
      start = g_get_monotonic_time ();
      alarm (run->timeout);
      LLVMFuzzerTestOneInput (input, length);
      alarm (0);
      elapsed = g_get_monotonic_time () - start;
      if (run->slowest == NULL || elapsed > run->slowest_time)
        {
          g_free (run->slowest);
          run->slowest = g_strdup (path);
          run->slowest_time = elapsed;
        }
      run->n_run++;
      return TRUE;
    }
}

int
main (int    argc,
      char **argv)
{
  Run run = { DEFAULT_TIMEOUT, 0, 0, NULL };
  const char *timeout = g_getenv ("SHMLENS_FUZZ_TIMEOUT");
  gboolean ok = TRUE;

  if (argc < 2)
    {
      g_printerr ("usage: %s FILE-OR-DIRECTORY…\n", argv[0]);
      return 2;
    }
  if (timeout != NULL)
    run.timeout = (guint) g_ascii_strtoull (timeout, NULL, 10);
  signal (SIGALRM, on_alarm);

  for (int i = 1; i < argc; i++)
    ok = run_path (argv[i], &run) && ok;
  g_print ("%s: ran %u input%s", argv[0], run.n_run, run.n_run == 1 ? "" : "s");
  if (run.slowest != NULL)
    g_print ("; the slowest, %s, in %.3f s", run.slowest, run.slowest_time / 1e6);
  g_print ("\n");
  g_free (run.slowest);
  /* no input at all is a mistake in the arguments, not a success */
  return ok && run.n_run > 0 ? 0 : 1;
}
