/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-write.c: `shmlens-cli write`, one writer process for demos and tests.
 *
 * Writes only into a segment Shmlens created (shmlens_created_map() refuses any
 * other). It stops on SIGTERM or SIGINT, after --duration, when a race pattern has
 * made its increments, or when the process that started it dies: PR_SET_PDEATHSIG
 * turns its parent's death into a SIGTERM, so a writer never outlives the app or the
 * demo that started it. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "shmlens-cli.h"
#include "shmlens-created.h"
#include "shmlens-writer.h"

/* How often --json reports progress. */
#define PROGRESS_INTERVAL_US G_USEC_PER_SEC

static volatile sig_atomic_t stop_signal;

static void
on_stop_signal (int signum)
{
  stop_signal = signum;
}

static gboolean
install_stop_handlers (GError **error)
{
  struct sigaction action = { 0 };

  action.sa_handler = on_stop_signal;
  sigemptyset (&action.sa_mask);
  if (sigaction (SIGTERM, &action, NULL) < 0 || sigaction (SIGINT, &action, NULL) < 0 ||
      sigaction (SIGHUP, &action, NULL) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot handle SIGTERM: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* The process that started this one. A parent that dies between our exec and the
 * prctl() below leaves us to init (or a subreaper) before we could ask, and
 * getppid() would name that one: so the app and `shmlens-cli demo` say who they are
 * in SHMLENS_PARENT_PID. Started by hand from a shell, the parent is the shell. */
static pid_t
starting_process (void)
{
  const char *text = g_getenv ("SHMLENS_PARENT_PID");
  guint64 pid;

  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT, &pid, NULL))
    return (pid_t) pid;
  return getppid ();
}

/* Dies with the process that started it: the kernel sends SIGTERM when the parent
 * exits. A parent that died before this point left us to init, and that is checked
 * too. */
static gboolean
die_with_parent (pid_t     parent,
                 GError  **error)
{
  if (prctl (PR_SET_PDEATHSIG, SIGTERM) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot ask to stop with the parent process: %s"),
                   g_strerror (saved_errno));
      return FALSE;
    }
  if (getppid () != parent)
    stop_signal = SIGTERM;
  return TRUE;
}

static void
sleep_until (gint64 deadline_us)
{
  struct timespec when = {
    .tv_sec = deadline_us / G_USEC_PER_SEC,
    .tv_nsec = (deadline_us % G_USEC_PER_SEC) * 1000,
  };

  /* EINTR: a stop signal, seen by the loop */
  clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &when, NULL);
}

static void
print_event (gboolean       json,
             const char    *event,
             ShmlensWriter *writer,
             const char    *ref,
             const char    *pattern,
             gint64         elapsed_us,
             const char    *reason)
{
  if (json)
    {
      g_autoptr(ShmlensJsonWriter) out = shmlens_json_writer_new (STDOUT_FILENO, FALSE);
      char elapsed[G_ASCII_DTOSTR_BUF_SIZE];

      /* a JSON number whatever the locale's decimal point */
      g_ascii_formatd (elapsed, sizeof elapsed, "%.3f", (double) elapsed_us / G_USEC_PER_SEC);

      shmlens_json_writer_begin_object (out);
      shmlens_json_writer_add_string (out, "event", event);
      shmlens_json_writer_add_int (out, "pid", getpid ());
      shmlens_json_writer_add_string (out, "ref", ref);
      shmlens_json_writer_add_string (out, "pattern", pattern);
      shmlens_json_writer_add_int (out, "iterations", (gint64) shmlens_writer_get_iterations (writer));
      shmlens_json_writer_member (out, "elapsed");
      shmlens_json_writer_number_text (out, elapsed);
      if (reason != NULL)
        shmlens_json_writer_add_string (out, "reason", reason);
      shmlens_json_writer_end_object (out);
      shmlens_json_writer_finish (out, NULL);
    }
  else if (g_str_equal (event, "stop"))
    {
      guint64 iterations = shmlens_writer_get_iterations (writer);

      /* Translators: “/counter: counter wrote 25 iterations in 2.5 s (SIGTERM)”: the
       * segment's reference, the pattern, the iterations, the seconds and why the
       * writer stopped (SIGTERM, SIGINT, SIGHUP, duration or done: not translated) */
      printf (ngettext ("%s: %s wrote %llu iteration in %.1f s (%s)",
                        "%s: %s wrote %llu iterations in %.1f s (%s)", iterations),
              ref, pattern, (unsigned long long) iterations,
              (double) elapsed_us / G_USEC_PER_SEC, reason);
      printf ("\n");
    }
  fflush (stdout);
}

int
shmlens_cli_write (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensMapping) mapping = NULL;
  g_autoptr(ShmlensWriter) writer = NULL;
  g_autofree char *pattern_text = NULL;
  g_autofree char *sync_text = NULL;
  g_autofree char *offset_text = NULL;
  g_autofree char *length_text = NULL;
  g_autofree char *iterations_text = NULL;
  g_autofree char *message = NULL;
  double rate = -1, duration = 0;
  int slot = 0, peers = 0;
  gint64 seed = 0;
  gboolean json = FALSE;
  ShmlensWriterOptions options = { 0 };
  pid_t parent = starting_process ();
  gint64 start, next, next_progress, period_us;
  const char *reason;
  /* Translators: %s is the default message, which is not translated */
  g_autofree char *message_help = g_strdup_printf (_("message: the text (default “%s”)"),
                                                   SHMLENS_DEFAULT_MESSAGE);
  g_autoptr(GString) description = g_string_new (NULL);
  const GOptionEntry entries[] = {
    { "pattern", 'p', 0, G_OPTION_ARG_STRING, &pattern_text,
      /* Translators: the patterns' names are typed as they are */
      N_("What to write: counter, random, message, wave, race, ring or seqlock; required"),
      /* Translators: the placeholder for a pattern in --help, as in “--pattern=P” */
      N_("P") },
    { "offset", 's', 0, G_OPTION_ARG_STRING, &offset_text,
      N_("Where the writer's region starts (default 0)"), N_("N") },
    { "length", 'l', 0, G_OPTION_ARG_STRING, &length_text,
      /* Translators: random and message are patterns, not translated */
      N_("The region's length (default: what the pattern needs; random, message: to the end)"),
      N_("N") },
    { "rate", 'r', 0, G_OPTION_ARG_DOUBLE, &rate,
      /* Translators: race is a pattern, not translated */
      N_("Iterations per second (default 10; race: as fast as it can); 0: as fast as it can"),
      /* Translators: the placeholder for a rate in --help, as in “--rate=HZ” */
      N_("HZ") },
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration,
      N_("Stop after S seconds (default: until SIGTERM, or a race's last increment)"),
      /* Translators: the placeholder for seconds in --help, as in “--duration=S” */
      N_("S") },
    { "slot", 0, 0, G_OPTION_ARG_INT, &slot,
      N_("This writer's slot among several (counter: which counter is its own)"), N_("N") },
    { "sync", 0, 0, G_OPTION_ARG_STRING, &sync_text,
      /* Translators: race is a pattern; none, atomic and mutex are typed as they are */
      N_("race: none (the default), atomic, or mutex (process-shared, in the segment)"),
      N_("MODE") },
    { "peers", 0, 0, G_OPTION_ARG_INT, &peers,
      /* Translators: race is a pattern, not translated */
      N_("race: wait until N writers have joined before incrementing, so that they overlap"),
      N_("N") },
    { "iterations", 'n', 0, G_OPTION_ARG_STRING, &iterations_text,
      /* Translators: race is a pattern, not translated */
      N_("race: the increments to make (default 1000000); others: stop after N"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      /* Translators: random and wave are patterns, not translated */
      N_("random, wave: the seed (default: the pid)"), N_("N") },
    /* already translated: GOption's translation of it finds nothing and leaves it */
    { "message", 0, 0, G_OPTION_ARG_STRING, &message, message_help, N_("TEXT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print start, progress (every second) and stop events, one JSON object per line"), NULL },
    { NULL }
  };

  /* Translators: follows “shmlens-cli write [OPTION…]” in the usage line; REF is the
   * placeholder for a segment reference */
  context = g_option_context_new (_("REF — write a pattern into a test segment"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("One writer process. Writes only into segments Shmlens created (shmlens-cli create,\n"
      "the app's test segments and demos): every other segment is only ever read. Stops\n"
      "on SIGTERM or SIGINT, after --duration, and when the process that started it\n"
      "exits. Each pattern's region is a struct from a header in data/layouts/, so the\n"
      "structure view can show it; the writer records its pid and a heartbeat there."));
  /* The patterns' names and the command lines are typed as they are: not translated. */
  g_string_append (description, _("Patterns:"));
  g_string_append_c (description, '\n');
  shmlens_cli_append_item (description, "counter", 9,
                           /* Translators: the counter pattern; --slot is an option and
                            * counters.h a file, both as they are */
                           _("increments a 64-bit counter (its --slot's, in counters.h)"));
  shmlens_cli_append_item (description, "random", 9,
                           _("fills its region with random bytes"));
  shmlens_cli_append_item (description, "message", 9,
                           _("writes a text message with a sequence number (message.h)"));
  shmlens_cli_append_item (description, "wave", 9,
                           _("sine, square and sawtooth values in a small telemetry struct "
                             "(wave.h)"));
  shmlens_cli_append_item (description, "race", 9,
                           _("increments one shared counter --iterations times with --sync "
                             "(race.h)"));
  shmlens_cli_append_item (description, "ring", 9,
                           _("a producer appending records to a ring buffer (ringbuffer.h)"));
  shmlens_cli_append_item (description, "seqlock", 9,
                           _("updates a multi-word record under a sequence counter (seqlock.h)"));
  g_string_append_c (description, '\n');
  g_string_append (description, _("Example: three writers racing, without synchronization:"));
  g_string_append (description,
                   "\n"
                   "  REF=$(shmlens-cli create race --size=4K)\n"
                   "  for i in 0 1 2; do shmlens-cli write $REF -p race --slot=$i & done; wait");
  g_option_context_set_description (context, description->str);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!shmlens_cli_parse_options (context, "write", &argc, &argv))
    return SHMLENS_CLI_EXIT_USAGE;
  if (argc != 2)
    return shmlens_cli_usage_error ("write", argc < 2 ? _("a segment reference (REF) is needed")
                                                      : _("only one REF can be given"));

  if (pattern_text == NULL)
    return shmlens_cli_usage_error ("write", _("--pattern is needed"));
  if (!shmlens_writer_pattern_from_string (pattern_text, &options.pattern))
    {
      g_autofree char *escaped = g_strescape (pattern_text, NULL);
      return shmlens_cli_usage_error ("write",
                                      /* Translators: %s is what was given for --pattern */
                                      _("--pattern: “%s” is not counter, random, message, "
                                        "wave, race, ring or seqlock"), escaped);
    }
  if (sync_text != NULL && !shmlens_writer_sync_from_string (sync_text, &options.sync))
    {
      g_autofree char *escaped = g_strescape (sync_text, NULL);
      return shmlens_cli_usage_error ("write",
                                      /* Translators: %s is what was given for --sync */
                                      _("--sync: “%s” is not none, atomic or mutex"), escaped);
    }
  if (sync_text != NULL && options.pattern != SHMLENS_WRITER_RACE)
    return shmlens_cli_usage_error ("write", _("--sync goes with --pattern=race"));
  if (message != NULL && options.pattern != SHMLENS_WRITER_MESSAGE)
    return shmlens_cli_usage_error ("write", _("--message goes with --pattern=message"));
  if (offset_text != NULL &&
      !shmlens_cli_parse_size ("--offset", offset_text, &options.offset, &error))
    return shmlens_cli_usage_error ("write", "%s", error->message);
  if (length_text != NULL &&
      !shmlens_cli_parse_size ("--length", length_text, &options.length, &error))
    return shmlens_cli_usage_error ("write", "%s", error->message);
  if (iterations_text != NULL &&
      !shmlens_cli_parse_size ("--iterations", iterations_text, &options.iterations, &error))
    return shmlens_cli_usage_error ("write", "%s", error->message);
  if (options.pattern == SHMLENS_WRITER_RACE && iterations_text == NULL)
    options.iterations = 1000000;
  if (slot < 0)
    return shmlens_cli_usage_error ("write", _("--slot must be 0 or more"));
  if (peers < 0)
    return shmlens_cli_usage_error ("write", _("--peers must be 0 or more"));
  if (peers > 0 && options.pattern != SHMLENS_WRITER_RACE)
    return shmlens_cli_usage_error ("write", _("--peers goes with --pattern=race"));
  options.peers = (guint) peers;
  if (rate < 0 && rate != -1)
    return shmlens_cli_usage_error ("write", _("--rate must be 0 or more"));
  if (duration < 0)
    return shmlens_cli_usage_error ("write", _("--duration must be 0 or more"));
  if (rate == -1)
    rate = options.pattern == SHMLENS_WRITER_RACE ? 0 : 10;
  options.slot = (guint) slot;
  options.seed = seed != 0 ? (guint64) seed : (guint64) getpid ();
  options.message = message;

  if (!install_stop_handlers (&error) || !die_with_parent (parent, &error))
    return shmlens_cli_fail (error);

  mapping = shmlens_created_map (argv[1], &error);
  if (mapping == NULL)
    return shmlens_cli_fail (error);
  writer = shmlens_writer_new (mapping->base, mapping->size, &options, &error);
  if (writer == NULL)
    return shmlens_cli_fail (error);

  start = g_get_monotonic_time ();
  next = start;
  next_progress = start + PROGRESS_INTERVAL_US;
  period_us = rate > 0 ? (gint64) (G_USEC_PER_SEC / rate) : 0;
  print_event (json, "start", writer, argv[1], pattern_text, 0, NULL);

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();

      if (stop_signal != 0)
        {
          reason = stop_signal == SIGTERM ? "SIGTERM" : stop_signal == SIGINT ? "SIGINT" : "SIGHUP";
          break;
        }
      if (duration > 0 && now - start >= (gint64) (duration * G_USEC_PER_SEC))
        {
          reason = "duration";
          break;
        }
      if (shmlens_writer_is_done (writer))
        {
          reason = "done";
          break;
        }
      if (options.pattern != SHMLENS_WRITER_RACE && options.iterations > 0 &&
          shmlens_writer_get_iterations (writer) >= options.iterations)
        {
          reason = "done";
          break;
        }
      if (json && now >= next_progress)
        {
          print_event (json, "progress", writer, argv[1], pattern_text, now - start, NULL);
          next_progress += PROGRESS_INTERVAL_US;
        }

      shmlens_writer_step (writer, g_get_monotonic_time ());
      if (period_us > 0)
        {
          next += period_us;
          /* behind by more than a period (a stopped process, say): no burst to catch up */
          if (next < g_get_monotonic_time () - period_us)
            next = g_get_monotonic_time ();
          sleep_until (next);
        }
    }

  print_event (json, "stop", writer, argv[1], pattern_text, g_get_monotonic_time () - start,
               reason);
  return SHMLENS_CLI_EXIT_OK;
}
