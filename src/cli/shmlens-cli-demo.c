/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-demo.c: `shmlens-cli demo`, the teaching scenarios without a display.
 *
 * Runs a demo as the app does — creates its segment, starts its writers as separate
 * `shmlens-cli write` processes — and then, instead of showing it, reads the outcome
 * through the read-only reader and prints it. Writers die with this process
 * (PR_SET_PDEATHSIG in `write`); the segment is removed at the end unless --keep. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "data/layouts/counters.h"
#include "data/layouts/race.h"
#include "data/layouts/ringbuffer.h"
#include "data/layouts/seqlock.h"

#include "shmlens-cli.h"
#include "shmlens-created.h"
#include "shmlens-demo.h"
#include "shmlens-error.h"
#include "shmlens-segment.h"

#define DEFAULT_DURATION 3.0
/* Two processes a few milliseconds apart overlap only if each runs longer than that;
 * fifty million unsynchronized increments take tens of milliseconds (and the mutex
 * version a few seconds), so updates are lost on every run, even on a busy machine. */
#define DEFAULT_RACE_ITERATIONS 50000000
/* Writers that do not stop this long after SIGTERM are killed. */
#define STOP_PATIENCE_US (5 * G_USEC_PER_SEC)

typedef struct
{
  const ShmlensDemo *demo;
  char *ref;
  GPtrArray *writers;   /* GSubprocess */
  guint n_writers;
  double duration;
  guint64 iterations;
  gboolean keep;
  gboolean json;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->ref, g_free);
  g_clear_pointer (&run->writers, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static char *
own_path (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_file_read_link ("/proc/self/exe", &error);

  return path != NULL ? path : g_strdup ("shmlens-cli");
}

static gboolean
start_writers (Run                *run,
               ShmlensWriterSync   sync,
               GError            **error)
{
  g_autofree char *cli = own_path ();
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);

  /* so that a writer started just as this process dies knows it was ours */
  g_subprocess_launcher_setenv (launcher, "SHMLENS_PARENT_PID", pid, TRUE);
  g_clear_pointer (&run->writers, g_ptr_array_unref);
  run->writers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < run->n_writers; i++)
    {
      g_auto(GStrv) argv = shmlens_demo_writer_argv (run->demo, cli, run->ref, i, run->n_writers, sync,
                                                     run->iterations);
      GSubprocess *writer = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv,
                                                          error);

      if (writer == NULL)
        return FALSE;
      g_ptr_array_add (run->writers, writer);
    }
  return TRUE;
}

/* Waits for every writer to exit by itself (a race's last increment); FALSE with the
 * reason when one failed. */
static gboolean
wait_writers (Run     *run,
              GError **error)
{
  for (guint i = 0; i < run->writers->len; i++)
    {
      GSubprocess *writer = g_ptr_array_index (run->writers, i);

      if (!g_subprocess_wait (writer, NULL, error))
        return FALSE;
      if (!g_subprocess_get_successful (writer))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       /* Translators: the writer's slot, its pid and the demo's name
                        * (hello, counters…: not translated) */
                       _("Writer %u (pid %s) of the %s demo failed; its message is above"), i,
                       g_subprocess_get_identifier (writer) ? g_subprocess_get_identifier (writer)
                                                            : "?", run->demo->id);
          return FALSE;
        }
    }
  return TRUE;
}

typedef struct
{
  GMainLoop *loop;
  guint running;
} Stopping;

static void
on_writer_exited (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Stopping *stopping = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  if (--stopping->running == 0)
    g_main_loop_quit (stopping->loop);
}

static gboolean
on_stop_timeout (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* SIGTERM to every writer, then waits for them all; one still running after
 * STOP_PATIENCE_US is killed. */
static void
stop_writers (Run *run)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GSource) timeout = NULL;
  Stopping stopping = { 0 };

  if (run->writers == NULL || run->writers->len == 0)
    return;
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  loop = g_main_loop_new (context, FALSE);
  stopping.loop = loop;
  stopping.running = run->writers->len;
  for (guint i = 0; i < run->writers->len; i++)
    {
      GSubprocess *writer = g_ptr_array_index (run->writers, i);

      g_subprocess_send_signal (writer, SIGTERM);
      g_subprocess_wait_async (writer, NULL, on_writer_exited, &stopping);
    }
  timeout = g_timeout_source_new (STOP_PATIENCE_US / 1000);
  g_source_set_callback (timeout, on_stop_timeout, loop, NULL);
  g_source_attach (timeout, context);
  g_main_loop_run (loop);
  if (stopping.running > 0)
    {
      for (guint i = 0; i < run->writers->len; i++)
        g_subprocess_force_exit (g_ptr_array_index (run->writers, i));
      while (stopping.running > 0)
        g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);
  g_clear_pointer (&run->writers, g_ptr_array_unref);
}

/* The writers' pids, in slot order. */
static GArray *
writer_pids (Run *run)
{
  GArray *pids = g_array_new (FALSE, TRUE, sizeof (int));

  for (guint i = 0; i < run->writers->len; i++)
    {
      const char *id = g_subprocess_get_identifier (g_ptr_array_index (run->writers, i));
      int pid = id != NULL ? atoi (id) : 0;

      g_array_append_val (pids, pid);
    }
  return pids;
}

static gboolean
read_struct (const char  *ref,
             void        *data,
             gsize        size,
             GError     **error)
{
  g_autoptr(ShmlensReader) reader = shmlens_cli_open_reader (ref, error);
  gssize n;

  if (reader == NULL)
    return FALSE;
  n = shmlens_reader_read (reader, 0, data, size, error);
  if (n < 0)
    return FALSE;
  if ((gsize) n < size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   /* Translators: the segment's reference, the bytes it holds and the
                    * bytes the demo's struct needs */
                   ngettext ("%s holds %zd byte, fewer than the %zu the demo's struct needs",
                             "%s holds %zd bytes, fewer than the %zu the demo's struct needs",
                             (gulong) n),
                   ref, n, size);
      return FALSE;
    }
  return TRUE;
}

static gboolean
create_segment (Run     *run,
                GError **error)
{
  g_clear_pointer (&run->ref, g_free);
  run->ref = shmlens_demo_create_segment (run->demo, error);
  return run->ref != NULL;
}

static void
finish_segment (Run *run)
{
  g_autoptr(GError) error = NULL;

  if (run->ref == NULL || run->keep)
    return;
  if (!shmlens_created_remove (run->ref, FALSE, &error))
    fprintf (stderr, "shmlens-cli: %s\n", error->message);
}

static void
json_begin (ShmlensJsonWriter *json,
            Run               *run)
{
  shmlens_json_writer_begin_object (json);
  shmlens_json_writer_add_string (json, "demo", run->demo->id);
  shmlens_json_writer_add_int (json, "writers", run->n_writers);
}

/* ---- the demos ---- */

static gboolean
run_hello (Run     *run,
           GError **error)
{
  char message[256] = { 0 };
  g_autofree char *escaped = NULL;

  if (!create_segment (run, error) || !read_struct (run->ref, message, sizeof message - 1, error))
    return FALSE;
  escaped = g_strescape (message, NULL);
  if (run->json)
    {
      g_autoptr(ShmlensJsonWriter) json = shmlens_json_writer_new (STDOUT_FILENO, FALSE);

      json_begin (json, run);
      shmlens_json_writer_add_string (json, "ref", run->ref);
      shmlens_json_writer_add_int (json, "size", (gint64) run->demo->size);
      shmlens_json_writer_add_string (json, "message", message);
      shmlens_json_writer_end_object (json);
      return shmlens_json_writer_finish (json, error);
    }
  /* Translators: the segment's reference, its size and the message written */
  printf (ngettext ("First process: created %s (%llu byte) and wrote “%s” into it.",
                    "First process: created %s (%llu bytes) and wrote “%s” into it.",
                    run->demo->size),
          run->ref, (unsigned long long) run->demo->size, escaped);
  printf ("\n");
  /* Translators: this process's pid, the segment's reference and the message read */
  printf (_("Second process (this one, pid %d): opened %s by its name and read “%s”."),
          getpid (), run->ref, escaped);
  printf ("\n");
  return TRUE;
}

static gboolean
run_counters (Run     *run,
              GError **error)
{
  g_autoptr(GArray) pids = NULL;
  g_autoptr(GHashTable) addresses = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(ShmlensSegment) segment = NULL;
  struct counters counters;
  GPtrArray *attachments;

  if (!create_segment (run, error) || !start_writers (run, SHMLENS_WRITER_SYNC_NONE, error))
    return FALSE;
  pids = writer_pids (run);
  /* halfway, who maps the segment where */
  g_usleep ((gulong) (run->duration / 2 * G_USEC_PER_SEC));
  segment = shmlens_cli_resolve (run->ref, TRUE, error);
  if (segment == NULL)
    return FALSE;
  attachments = shmlens_segment_get_attachments (segment);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      ShmlensAttachment *attachment = g_ptr_array_index (attachments, i);

      if (attachment->how == SHMLENS_ATTACHMENT_MAPS)
        g_hash_table_insert (addresses, GINT_TO_POINTER (attachment->pid),
                             g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", attachment->start));
    }
  g_usleep ((gulong) (run->duration / 2 * G_USEC_PER_SEC));
  stop_writers (run);
  if (!read_struct (run->ref, &counters, sizeof counters, error))
    return FALSE;

  if (run->json)
    {
      g_autoptr(ShmlensJsonWriter) json = shmlens_json_writer_new (STDOUT_FILENO, FALSE);

      json_begin (json, run);
      shmlens_json_writer_add_string (json, "ref", run->ref);
      shmlens_json_writer_member (json, "slots");
      shmlens_json_writer_begin_array (json);
      for (guint i = 0; i < run->n_writers; i++)
        {
          int pid = g_array_index (pids, int, i);
          const char *address = g_hash_table_lookup (addresses, GINT_TO_POINTER (pid));

          shmlens_json_writer_begin_object (json);
          shmlens_json_writer_add_int (json, "slot", i);
          shmlens_json_writer_add_int (json, "pid", counters.slots[i].pid);
          shmlens_json_writer_add_int (json, "counter", (gint64) counters.slots[i].counter);
          shmlens_json_writer_member (json, "address");
          if (address != NULL)
            shmlens_json_writer_string (json, address);
          else
            shmlens_json_writer_null (json);
          shmlens_json_writer_end_object (json);
        }
      shmlens_json_writer_end_array (json);
      shmlens_json_writer_end_object (json);
      return shmlens_json_writer_finish (json, error);
    }

  /* Translators: the number of writers, the seconds they ran and the segment's
   * reference */
  printf (ngettext ("%u writer, one slot each, for %.1f s in %s:",
                    "%u writers, one slot each, for %.1f s in %s:", run->n_writers),
          run->n_writers, run->duration, run->ref);
  printf ("\n");
  {
    /* Translators: column headings of the counters demo: the writer's slot, its process
     * id, its counter and the address at which it maps the segment */
    const char *titles[] = { C_("column heading", "SLOT"), C_("column heading", "PID"),
                             C_("column heading", "COUNTER"),
                             C_("column heading", "MAPPED AT") };
    int widths[] = { 4, 8, 8 };
    g_autoptr(GString) out = g_string_new (NULL);

    /* the headings are translated: a column is as wide as its heading, in characters */
    for (guint c = 0; c < G_N_ELEMENTS (widths); c++)
      widths[c] = MAX (widths[c], shmlens_cli_display_width (titles[c]));
    shmlens_cli_append_padded (out, titles[0], widths[0], FALSE);
    g_string_append_c (out, ' ');
    shmlens_cli_append_padded (out, titles[1], widths[1], TRUE);
    g_string_append_c (out, ' ');
    shmlens_cli_append_padded (out, titles[2], widths[2], TRUE);
    g_string_append (out, "  ");
    g_string_append (out, titles[3]);
    g_string_append_c (out, '\n');
    for (guint i = 0; i < run->n_writers; i++)
      {
        int pid = g_array_index (pids, int, i);
        const char *address = g_hash_table_lookup (addresses, GINT_TO_POINTER (pid));

        g_string_append_printf (out, "%*u %*d %*llu  %s\n", widths[0], i, widths[1],
                                counters.slots[i].pid, widths[2],
                                (unsigned long long) counters.slots[i].counter,
                                address != NULL ? address : "-");
      }
    fputs (out->str, stdout);
  }
  printf ("%s\n", _("Each counter moved on its own; the same segment is mapped at a different "
                    "address in each process."));
  return TRUE;
}

static gboolean
run_race (Run               *run,
          const char        *only_sync,
          GError           **error)
{
  g_autoptr(ShmlensJsonWriter) json = shmlens_json_writer_new (STDOUT_FILENO, FALSE);
  guint64 expected = (guint64) run->n_writers * run->iterations;

  if (run->json)
    {
      json_begin (json, run);
      shmlens_json_writer_add_int (json, "iterations", (gint64) run->iterations);
      shmlens_json_writer_add_int (json, "expected", (gint64) expected);
      shmlens_json_writer_member (json, "observed");
      shmlens_json_writer_begin_object (json);
    }
  else
    {
      /* Translators: the number of writers (which selects the plural form), the
       * increments each makes and their product */
      printf (ngettext ("%u writer × %llu increments of one counter: expected %llu",
                        "%u writers × %llu increments of one counter: expected %llu",
                        run->n_writers),
              run->n_writers, (unsigned long long) run->iterations,
              (unsigned long long) expected);
      printf ("\n");
    }

  for (ShmlensWriterSync sync = SHMLENS_WRITER_SYNC_NONE; sync <= SHMLENS_WRITER_SYNC_MUTEX; sync++)
    {
      const char *name = shmlens_writer_sync_to_string (sync);
      struct race race;

      if (only_sync != NULL && !g_str_equal (only_sync, name))
        continue;
      if (!create_segment (run, error) || !start_writers (run, sync, error) ||
          !wait_writers (run, error) || !read_struct (run->ref, &race, sizeof race, error))
        return FALSE;
      if (run->keep && !run->json)
        {
          printf ("  ");
          /* Translators: the synchronization (none, atomic or mutex: not translated)
           * and the reference of the segment kept */
          printf (_("(%s: kept %s)"), name, run->ref);
          printf ("\n");
        }
      finish_segment (run);

      if (run->json)
        shmlens_json_writer_add_int (json, name, (gint64) race.counter);
      else
        {
          /* the synchronization's name: none, atomic or mutex, as --sync takes it */
          printf ("  %-7s ", name);
          if (race.counter < expected)
            /* Translators: the counter's final value (padded to 10 digits), and how
             * many increments were lost */
            printf (ngettext ("observed %10llu: %llu update lost",
                              "observed %10llu: %llu updates lost", expected - race.counter),
                    (unsigned long long) race.counter,
                    (unsigned long long) (expected - race.counter));
          else
            /* Translators: the counter's final value (padded to 10 digits) */
            printf (_("observed %10llu: none lost"), (unsigned long long) race.counter);
          printf ("\n");
        }
    }
  /* each mode had its own segment, removed already */
  g_clear_pointer (&run->ref, g_free);

  if (run->json)
    {
      shmlens_json_writer_end_object (json);
      shmlens_json_writer_end_object (json);
      return shmlens_json_writer_finish (json, error);
    }
  return TRUE;
}

static gboolean
run_ring (Run     *run,
          GError **error)
{
  g_autofree struct ring_buffer *ring = g_new0 (struct ring_buffer, 1);
  guint64 head, tail;
  guint consecutive = 0;

  if (!create_segment (run, error) || !start_writers (run, SHMLENS_WRITER_SYNC_NONE, error))
    return FALSE;
  g_usleep ((gulong) (run->duration * G_USEC_PER_SEC));
  stop_writers (run);
  if (!read_struct (run->ref, ring, sizeof *ring, error))
    return FALSE;
  head = ring->head.position;
  tail = ring->tail.position;
  /* the records between tail and head follow one another */
  for (guint64 p = tail; p + 1 < head; p++)
    if (ring->records[ring_index (p + 1)].header.sequence ==
        ring->records[ring_index (p)].header.sequence + 1)
      consecutive++;

  if (run->json)
    {
      g_autoptr(ShmlensJsonWriter) json = shmlens_json_writer_new (STDOUT_FILENO, FALSE);

      json_begin (json, run);
      shmlens_json_writer_add_string (json, "ref", run->ref);
      shmlens_json_writer_add_int (json, "capacity", RING_CAPACITY);
      shmlens_json_writer_add_int (json, "head", (gint64) head);
      shmlens_json_writer_add_int (json, "tail", (gint64) tail);
      shmlens_json_writer_add_int (json, "wraps", (gint64) ring->head.wraps);
      shmlens_json_writer_add_int (json, "dropped", (gint64) ring->dropped);
      shmlens_json_writer_add_int (json, "in_order", consecutive + (head > tail ? 1 : 0));
      shmlens_json_writer_end_object (json);
      return shmlens_json_writer_finish (json, error);
    }
  /* Translators: the records appended, the ring's capacity and the seconds */
  printf (ngettext ("The producer appended %llu record to a ring of %u in %.1f s:",
                    "The producer appended %llu records to a ring of %u in %.1f s:", head),
          (unsigned long long) head, RING_CAPACITY, run->duration);
  printf ("\n");
  if (consecutive + 1 == head - tail || head == tail)
    /* Translators: “head” and “tail” are the ring buffer's members: the head's
     * position, its slot, how many times it went around the ring, the tail's
     * position, the records dropped and the records between tail and head (which
     * selects the plural form) */
    printf (ngettext ("head at %llu (slot %u, %llu times around), tail at %llu, %u dropped; "
                      "the %llu record between them is in order.",
                      "head at %llu (slot %u, %llu times around), tail at %llu, %u dropped; "
                      "the %llu records between them are in order.", head - tail),
            (unsigned long long) head, ring_index (head),
            (unsigned long long) ring->head.wraps, (unsigned long long) tail,
            (guint) ring->dropped, (unsigned long long) (head - tail));
  else
    /* Translators: as the message before, when the records are not in order */
    printf (ngettext ("head at %llu (slot %u, %llu times around), tail at %llu, %u dropped; "
                      "the %llu record between them is NOT in order.",
                      "head at %llu (slot %u, %llu times around), tail at %llu, %u dropped; "
                      "the %llu records between them are NOT in order.", head - tail),
            (unsigned long long) head, ring_index (head),
            (unsigned long long) ring->head.wraps, (unsigned long long) tail,
            (guint) ring->dropped, (unsigned long long) (head - tail));
  printf ("\n");
  return TRUE;
}

static gboolean
run_seqlock (Run     *run,
             GError **error)
{
  g_autoptr(ShmlensReader) reader = NULL;
  guint64 reads = 0, torn_reads = 0;
  gint64 end;
  guint8 snapshot[sizeof (struct seqlock)];

  if (!create_segment (run, error) || !start_writers (run, SHMLENS_WRITER_SYNC_NONE, error))
    return FALSE;
  reader = shmlens_cli_open_reader (run->ref, error);
  if (reader == NULL)
    return FALSE;
  /* As a viewer reads: plain copies of the bytes, each checked by the sequence. */
  end = g_get_monotonic_time () + (gint64) (run->duration * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    {
      ShmlensWriterSeqlockRecord record;
      gboolean torn = FALSE;

      if (shmlens_reader_read (reader, 0, snapshot, sizeof snapshot, error) != sizeof snapshot)
        return FALSE;
      if (!shmlens_writer_seqlock_read (snapshot, sizeof snapshot, 0, &record, &torn))
        continue;   /* not set up yet */
      reads++;
      if (torn)
        torn_reads++;
    }
  stop_writers (run);

  if (run->json)
    {
      g_autoptr(ShmlensJsonWriter) json = shmlens_json_writer_new (STDOUT_FILENO, FALSE);

      json_begin (json, run);
      shmlens_json_writer_add_string (json, "ref", run->ref);
      shmlens_json_writer_add_int (json, "reads", (gint64) reads);
      shmlens_json_writer_add_int (json, "consistent", (gint64) (reads - torn_reads));
      shmlens_json_writer_add_int (json, "torn", (gint64) torn_reads);
      shmlens_json_writer_end_object (json);
      return shmlens_json_writer_finish (json, error);
    }
  /* Translators: the copies read (which selects the plural form), how many of them
   * were consistent and how many torn (read while the writer changed the record) */
  printf (ngettext ("%llu copy of the record read while the writer updated it: %llu "
                    "consistent, %llu torn — each torn one told by its sequence counter (odd, "
                    "or changed during the copy), so a reader retries.",
                    "%llu copies of the record read while the writer updated it: %llu "
                    "consistent, %llu torn — each torn one told by its sequence counter (odd, "
                    "or changed during the copy), so a reader retries.", reads),
          (unsigned long long) reads, (unsigned long long) (reads - torn_reads),
          (unsigned long long) torn_reads);
  printf ("\n");
  return TRUE;
}

static void
print_list (void)
{
  guint n;
  const ShmlensDemo *demos = shmlens_demo_get_all (&n);

  /* the id first, as `demo` takes it (the bash completion reads it), then the summary */
  for (guint i = 0; i < n; i++)
    printf ("%-9s %s\n", demos[i].id, _(demos[i].summary));
}

int
shmlens_cli_demo (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sync_text = NULL;
  g_autofree char *iterations_text = NULL;
  g_auto(Run) run = { 0 };
  gboolean list = FALSE, ok = FALSE;
  int writers = -1;
  double duration = DEFAULT_DURATION;
  ShmlensWriterSync sync;
  g_autoptr(GString) description = g_string_new (NULL);
  const GOptionEntry entries[] = {
    { "writers", 'w', 0, G_OPTION_ARG_INT, &writers,
      /* Translators: counters and race are demos, not translated */
      N_("How many writer processes (counters, race; default: the demo's)"), N_("N") },
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration,
      /* Translators: counters, ring and seqlock are demos, not translated */
      N_("How long the writers run, in seconds (counters, ring, seqlock; default 3)"), N_("S") },
    { "sync", 0, 0, G_OPTION_ARG_STRING, &sync_text,
      /* Translators: race is a demo; none, atomic and mutex are typed as they are */
      N_("race: run only none, atomic or mutex (default: all three, one after another)"),
      N_("MODE") },
    { "iterations", 'n', 0, G_OPTION_ARG_STRING, &iterations_text,
      /* Translators: race is a demo, not translated */
      N_("race: increments per writer (default 50000000)"), N_("N") },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &run.keep, N_("Keep the demo's segment at the end"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &run.json,
      N_("Print the outcome as one JSON object"), NULL },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &list, N_("List the demos"), NULL },
    { NULL }
  };

  /* Translators: follows “shmlens-cli demo [OPTION…]” in the usage line; NAME is a
   * placeholder */
  context = g_option_context_new (_("NAME — run a teaching demo and print its outcome"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Runs one of the app's demos without a display: creates its segment, starts its\n"
      "writers as separate processes, then reads the outcome, read-only, and prints it.\n"
      "The segment is removed at the end (unless --keep) and no writer outlives this\n"
      "command."));
  /* The demos' names are typed as they are: not translated. */
  g_string_append (description, _("Demos:"));
  g_string_append_c (description, '\n');
  shmlens_cli_append_item (description, "hello", 9,
                           /* Translators: MyFileMappingObject is a segment's name */
                           _("one process writes a message into MyFileMappingObject; this one "
                             "reads it by name"));
  shmlens_cli_append_item (description, "counters", 9,
                           _("N writers, one counter each, and where each maps the segment"));
  shmlens_cli_append_item (description, "race", 9,
                           /* Translators: the line break is kept in the output, the next
                            * line indented to follow the first */
                           _("N writers increment one counter without synchronization, then "
                             "with\natomics, then with a process-shared mutex: expected "
                             "against observed"));
  shmlens_cli_append_item (description, "ring", 9,
                           _("a producer, the head chasing the tail around a ring buffer"));
  shmlens_cli_append_item (description, "seqlock", 9,
                           _("torn reads of a multi-word record, told by a sequence counter"));
  g_string_append_c (description, '\n');
  /* Translators: race is a demo; "expected" and "observed" are JSON members: keep them */
  g_string_append (description, _("--json prints one object: race gives \"expected\" and "
                                  "\"observed\" for each mode run."));
  g_option_context_set_description (context, description->str);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!shmlens_cli_parse_options (context, "demo", &argc, &argv))
    return SHMLENS_CLI_EXIT_USAGE;
  if (list)
    {
      print_list ();
      return SHMLENS_CLI_EXIT_OK;
    }
  if (argc != 2)
    return shmlens_cli_usage_error ("demo", argc < 2 ? _("a demo NAME is needed (see --list)")
                                                     : _("only one NAME can be given"));
  run.demo = shmlens_demo_lookup (argv[1]);
  if (run.demo == NULL)
    {
      g_autofree char *escaped = g_strescape (argv[1], NULL);
      return shmlens_cli_usage_error ("demo",
                                      /* Translators: %s is the name given; the demos' names
                                       * are typed as they are */
                                      _("there is no demo “%s”: choose hello, counters, "
                                        "race, ring or seqlock"), escaped);
    }
  if (writers != -1 && (writers < 1 || (guint) writers > run.demo->max_writers))
    {
      if (run.demo->max_writers <= 1)
        return shmlens_cli_usage_error ("demo",
                                        /* Translators: the demo's name (not translated)
                                         * and how many writers it has */
                                        ngettext ("--writers: the %s demo has %u writer",
                                                  "--writers: the %s demo has %u writers",
                                                  run.demo->default_writers),
                                        run.demo->id, run.demo->default_writers);
      return shmlens_cli_usage_error ("demo",
                                      /* Translators: the demo's name (not translated) and
                                       * the most writers it can have */
                                      ngettext ("--writers: the %s demo takes 1 to %u writer",
                                                "--writers: the %s demo takes 1 to %u writers",
                                                run.demo->max_writers),
                                      run.demo->id, run.demo->max_writers);
    }
  if (duration <= 0 || duration > 24 * 3600)
    return shmlens_cli_usage_error ("demo", _("--duration must be more than 0 seconds, "
                                              "and at most a day"));
  if (sync_text != NULL && !shmlens_writer_sync_from_string (sync_text, &sync))
    {
      g_autofree char *escaped = g_strescape (sync_text, NULL);
      return shmlens_cli_usage_error ("demo",
                                      /* Translators: %s is what was given for --sync */
                                      _("--sync: “%s” is not none, atomic or mutex"), escaped);
    }
  if ((sync_text != NULL || iterations_text != NULL) && run.demo->pattern != SHMLENS_WRITER_RACE)
    return shmlens_cli_usage_error ("demo", _("--sync and --iterations go with the race demo"));
  run.iterations = DEFAULT_RACE_ITERATIONS;
  if (iterations_text != NULL &&
      (!shmlens_cli_parse_size ("--iterations", iterations_text, &run.iterations, &error) ||
       run.iterations == 0))
    return shmlens_cli_usage_error ("demo", "%s",
                                    error != NULL ? error->message
                                                  : _("--iterations must be 1 or more"));
  run.n_writers = writers != -1 ? (guint) writers : run.demo->default_writers;
  run.duration = duration;

  if (g_str_equal (run.demo->id, "hello"))
    ok = run_hello (&run, &error);
  else if (g_str_equal (run.demo->id, "counters"))
    ok = run_counters (&run, &error);
  else if (g_str_equal (run.demo->id, "race"))
    ok = run_race (&run, sync_text, &error);
  else if (g_str_equal (run.demo->id, "ring"))
    ok = run_ring (&run, &error);
  else if (g_str_equal (run.demo->id, "seqlock"))
    ok = run_seqlock (&run, &error);

  stop_writers (&run);
  finish_segment (&run);
  if (!ok)
    return shmlens_cli_fail (error);
  if (run.keep && run.ref != NULL && !run.json)
    {
      /* Translators: both %s are the reference of the segment kept */
      printf (_("Kept %s: `shmlens-cli remove %s` removes it."), run.ref, run.ref);
      printf ("\n");
    }
  return SHMLENS_CLI_EXIT_OK;
}
