/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-writers.c: writer processes (`shmlens-cli write … --json`) the app starts and stops.
 *
 * The app never writes into a segment itself: a writer is a `shmlens-cli write`
 * process, the same one a terminal would run, so what the app shows is what any
 * other process would see. Each writer reports on stdout, one JSON object per line
 * (start, progress once a second, stop); its stderr holds the reason when it fails.
 *
 * A writer never outlives the app: the CLI asks the kernel for SIGTERM when its
 * parent dies (PR_SET_PDEATHSIG), and on a normal quit the app stops every writer
 * still running and waits for it (shmlens_writer_processes_stop_all()). Every
 * process is reaped: a wait is always in flight, holding the object alive until the
 * process has exited and both pipes are read to the end. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <unistd.h>

#include "shmlens-writers.h"
#include "shmlens-size.h"

#define CLI_NAME "shmlens-cli"
/* The most of a writer's stderr kept: its error message is one line. */
#define MAX_STDERR 4096

G_DEFINE_ENUM_TYPE (ShmlensWriterState, shmlens_writer_state,
  G_DEFINE_ENUM_VALUE (SHMLENS_WRITER_STATE_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (SHMLENS_WRITER_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (SHMLENS_WRITER_STATE_STOPPING, "stopping"),
  G_DEFINE_ENUM_VALUE (SHMLENS_WRITER_STATE_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (SHMLENS_WRITER_STATE_EXITED, "exited"),
  G_DEFINE_ENUM_VALUE (SHMLENS_WRITER_STATE_FAILED, "failed"))

static gboolean
is_program (const char *path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR) &&
         g_file_test (path, G_FILE_TEST_IS_EXECUTABLE);
}

/**
 * shmlens_writers_find_cli:
 * @error: return location for an error
 *
 * Finds the shmlens-cli program that runs writer processes: $SHMLENS_CLI when set;
 * otherwise next to the running program (both are installed in bindir); otherwise
 * in the build tree, `../cli/shmlens-cli` from the app's directory; otherwise on PATH.
 *
 * Returns: (transfer full): the program's path, or %NULL with @error set
 */
char *
shmlens_writers_find_cli (GError **error)
{
  const char *from_env = g_getenv ("SHMLENS_CLI");
  g_autofree char *exe = NULL;
  g_autofree char *on_path = NULL;

  if (from_env != NULL && *from_env != '\0')
    {
      if (is_program (from_env))
        return g_strdup (from_env);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("SHMLENS_CLI names %s, which is not a program: point it at shmlens-cli, "
                     "or unset it"), from_env);
      return NULL;
    }

  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (exe);
      g_autofree char *beside = g_build_filename (dir, CLI_NAME, NULL);
      g_autofree char *in_tree = g_build_filename (dir, "..", "cli", CLI_NAME, NULL);

      if (is_program (beside))
        return g_steal_pointer (&beside);
      if (is_program (in_tree))
        return g_canonicalize_filename (in_tree, NULL);
    }

  on_path = g_find_program_in_path (CLI_NAME);
  if (on_path != NULL)
    return g_steal_pointer (&on_path);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("Cannot find shmlens-cli, which runs the writer processes: it is not next "
                 "to Shmlens, in its build tree or on PATH. Install it, or set SHMLENS_CLI "
                 "to its path."));
  return NULL;
}

/**
 * shmlens_writers_parse_size:
 * @text: what the person typed: "4096", "0x1000", "4K", "1 MiB"
 * @value: (out): the size in bytes
 * @error: return location for an error
 *
 * Reads a size or an offset typed into one of the app's forms, as
 * shmlens_size_parse() does, with the message for the person when it is not one.
 *
 * Returns: whether @text is a size
 */
gboolean
shmlens_writers_parse_size (const char  *text,
                            guint64     *value,
                            GError     **error)
{
  g_autofree char *shown = g_strstrip (g_strdup (text));

  switch (shmlens_size_parse (text, value))
    {
    case SHMLENS_SIZE_PARSE_OK:
      return TRUE;
    case SHMLENS_SIZE_PARSE_TOO_LARGE:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %s is what the user typed as a size */
                   _("“%s” is too large to be a size."), shown);
      return FALSE;
    case SHMLENS_SIZE_PARSE_INVALID:
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a size: write a number of bytes such as 4096, 0x1000 or 4K"),
                   shown);
      return FALSE;
    }
}

struct _ShmlensWriterProcess
{
  GObject parent_instance;

  char *ref;
  char *pattern;
  guint64 offset;
  guint64 length;
  double rate;
  guint slot;
  char *sync;
  guint64 asked_iterations;     /* what it was asked to make; 0: the CLI's default */
  guint peers;
  GdkRGBA color;

  GSubprocess *subprocess;
  GDataInputStream *out;
  GDataInputStream *err;
  GString *err_text;
  int pid;
  guint64 iterations;
  ShmlensWriterState state;
  char *message;
  char *stop_reason;            /* from the "stop" event */
  gboolean stop_requested;
  gboolean exited;
  gboolean out_done;
  gboolean err_done;
};

enum
{
  PROP_0,
  PROP_PID,
  PROP_ITERATIONS,
  PROP_STATE,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ShmlensWriterProcess, shmlens_writer_process, G_TYPE_OBJECT)

/* Every writer started and not finished yet, in start order; not referenced: the
 * reads and the wait in flight keep each alive until it is finished. */
static GPtrArray *live_writers;

static void
set_state (ShmlensWriterProcess *self,
           ShmlensWriterState    state,
           const char           *message)
{
  if (g_strcmp0 (self->message, message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

static void
set_iterations (ShmlensWriterProcess *self,
                guint64               iterations)
{
  if (self->iterations == iterations)
    return;
  self->iterations = iterations;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITERATIONS]);
}

/* The writer's own words for why it failed: its last line on stderr, without the
 * program's name, which says nothing here. */
static char *
error_from_stderr (ShmlensWriterProcess *self)
{
  g_auto(GStrv) lines = g_strsplit (self->err_text->str, "\n", -1);
  const char *last = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      last = lines[i];
  if (last == NULL)
    return NULL;
  if (g_str_has_prefix (last, CLI_NAME " write: "))
    last += strlen (CLI_NAME " write: ");
  else if (g_str_has_prefix (last, CLI_NAME ": "))
    last += strlen (CLI_NAME ": ");
  return g_utf8_make_valid (last, -1);
}

/* Once the process has exited and both pipes are read to the end: what became of it. */
static void
maybe_finish (ShmlensWriterProcess *self)
{
  g_autofree char *failure = NULL;

  if (!self->exited || !self->out_done || !self->err_done)
    return;
  g_ptr_array_remove (live_writers, self);

  if (g_subprocess_get_if_exited (self->subprocess) &&
      g_subprocess_get_exit_status (self->subprocess) == 0)
    {
      set_state (self, self->stop_requested ? SHMLENS_WRITER_STATE_STOPPED
                                            : SHMLENS_WRITER_STATE_EXITED,
                 self->stop_reason);
      return;
    }
  if (g_subprocess_get_if_signaled (self->subprocess))
    {
      int signum = g_subprocess_get_term_sig (self->subprocess);

      if (self->stop_requested)
        {
          set_state (self, SHMLENS_WRITER_STATE_STOPPED,
                     signum == SIGKILL ? "SIGKILL" : signum == SIGTERM ? "SIGTERM" : NULL);
          return;
        }
      /* Translators: %s says which signal, as strsignal() words it ("Killed") */
      failure = g_strdup_printf (_("Ended by a signal: %s"), g_strsignal (signum));
    }
  else
    {
      failure = error_from_stderr (self);
      if (failure == NULL)
        failure = g_strdup_printf (_("Exited with status %d"),
                                   g_subprocess_get_exit_status (self->subprocess));
    }
  set_state (self, SHMLENS_WRITER_STATE_FAILED, failure);
}

static void
handle_event (ShmlensWriterProcess *self,
              const char           *line,
              gsize                 length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  const char *event;

  if (!g_utf8_validate (line, (gssize) length, NULL) ||
      !json_parser_load_from_data (parser, line, (gssize) length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  object = json_node_get_object (json_parser_get_root (parser));
  event = json_object_get_string_member_with_default (object, "event", "");

  if (json_object_has_member (object, "iterations"))
    set_iterations (self, (guint64) MAX (json_object_get_int_member (object, "iterations"), 0));

  if (self->pid == 0 && json_object_has_member (object, "pid"))
    {
      self->pid = (int) json_object_get_int_member (object, "pid");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PID]);
    }

  if (g_str_equal (event, "start"))
    {
      if (self->state == SHMLENS_WRITER_STATE_STARTING)
        set_state (self, SHMLENS_WRITER_STATE_RUNNING, NULL);
    }
  else if (g_str_equal (event, "stop"))
    {
      g_free (self->stop_reason);
      self->stop_reason = g_strdup (json_object_get_string_member_with_default (object, "reason",
                                                                                NULL));
    }
}

static void
on_out_line (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ShmlensWriterProcess *self = user_data;   /* owned */
  gsize length = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source),
                                                                 result, &length, NULL);

  if (line == NULL)
    {
      self->out_done = TRUE;
      maybe_finish (self);
      g_object_unref (self);
      return;
    }
  handle_event (self, line, length);
  g_data_input_stream_read_line_async (self->out, G_PRIORITY_DEFAULT, NULL, on_out_line, self);
}

static void
on_err_line (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ShmlensWriterProcess *self = user_data;   /* owned */
  gsize length = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source),
                                                                 result, &length, NULL);

  if (line == NULL)
    {
      self->err_done = TRUE;
      maybe_finish (self);
      g_object_unref (self);
      return;
    }
  if (self->err_text->len < MAX_STDERR)
    {
      g_string_append_len (self->err_text, line, (gssize) MIN (length, MAX_STDERR));
      g_string_append_c (self->err_text, '\n');
    }
  g_data_input_stream_read_line_async (self->err, G_PRIORITY_DEFAULT, NULL, on_err_line, self);
}

static void
on_waited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ShmlensWriterProcess *self = user_data;   /* owned */

  /* Only a cancellation fails a wait, and none is given. */
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  self->exited = TRUE;
  maybe_finish (self);
  g_object_unref (self);
}

static void
add_size_option (GPtrArray  *argv,
                 const char *name,
                 guint64     value)
{
  g_ptr_array_add (argv, g_strdup_printf ("--%s=%" G_GUINT64_FORMAT, name, value));
}

/**
 * shmlens_writer_process_start:
 * @self: a writer not started yet
 * @error: return location for an error
 *
 * Starts `shmlens-cli write` with the writer's options. A writer that cannot start
 * also says so in its state (failed) and message.
 *
 * Returns: %TRUE when the process runs
 */
gboolean
shmlens_writer_process_start (ShmlensWriterProcess  *self,
                              GError               **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cli = NULL;
  const char *identifier;
  gboolean has_slot;

  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), FALSE);
  g_return_val_if_fail (self->subprocess == NULL, FALSE);

  cli = shmlens_writers_find_cli (&local_error);
  if (cli == NULL)
    goto failed;

  has_slot = g_str_equal (self->pattern, "counter") || g_str_equal (self->pattern, "race");
  g_ptr_array_add (argv, g_strdup (cli));
  g_ptr_array_add (argv, g_strdup ("write"));
  g_ptr_array_add (argv, g_strdup (self->ref));
  g_ptr_array_add (argv, g_strconcat ("--pattern=", self->pattern, NULL));
  g_ptr_array_add (argv, g_strdup ("--json"));
  if (self->offset > 0)
    add_size_option (argv, "offset", self->offset);
  if (self->length > 0)
    add_size_option (argv, "length", self->length);
  if (self->rate >= 0)
    {
      char rate[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_dtostr (rate, sizeof rate, self->rate);
      g_ptr_array_add (argv, g_strconcat ("--rate=", rate, NULL));
    }
  if (has_slot)
    g_ptr_array_add (argv, g_strdup_printf ("--slot=%u", self->slot));
  if (self->sync != NULL && g_str_equal (self->pattern, "race"))
    g_ptr_array_add (argv, g_strconcat ("--sync=", self->sync, NULL));
  if (self->asked_iterations > 0)
    add_size_option (argv, "iterations", self->asked_iterations);
  if (self->peers > 1)
    g_ptr_array_add (argv, g_strdup_printf ("--peers=%u", self->peers));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* so that a writer started just as the app dies knows it was ours (see write) */
  {
    g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
    g_subprocess_launcher_setenv (launcher, "SHMLENS_PARENT_PID", pid, TRUE);
  }
  self->subprocess = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata,
                                                   &local_error);
  if (self->subprocess == NULL)
    goto failed;

  /* NULL when the process has already exited and been reaped: a writer that fails
   * at once can be that quick. Its "start" event would have said its pid. */
  identifier = g_subprocess_get_identifier (self->subprocess);
  if (identifier != NULL)
    {
      self->pid = (int) g_ascii_strtoll (identifier, NULL, 10);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PID]);
    }
  self->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->subprocess));
  self->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (self->subprocess));
  g_data_input_stream_read_line_async (self->out, G_PRIORITY_DEFAULT, NULL, on_out_line,
                                       g_object_ref (self));
  g_data_input_stream_read_line_async (self->err, G_PRIORITY_DEFAULT, NULL, on_err_line,
                                       g_object_ref (self));
  g_subprocess_wait_async (self->subprocess, NULL, on_waited, g_object_ref (self));
  g_ptr_array_add (live_writers, self);
  return TRUE;

failed:
  self->exited = self->out_done = self->err_done = TRUE;
  set_state (self, SHMLENS_WRITER_STATE_FAILED, local_error->message);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/**
 * shmlens_writer_process_stop:
 * @self: a writer
 *
 * Asks the writer to stop (SIGTERM). It reports its last count and exits; its state
 * turns to stopped once it has been reaped.
 */
void
shmlens_writer_process_stop (ShmlensWriterProcess *self)
{
  g_return_if_fail (SHMLENS_IS_WRITER_PROCESS (self));

  if (!shmlens_writer_process_is_live (self) || self->exited)
    return;
  self->stop_requested = TRUE;
  g_subprocess_send_signal (self->subprocess, SIGTERM);
  set_state (self, SHMLENS_WRITER_STATE_STOPPING, NULL);
}

/**
 * shmlens_writer_process_is_live:
 * @self: a writer
 *
 * Returns: whether the writer was started and is not finished: it may be writing
 */
gboolean
shmlens_writer_process_is_live (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), FALSE);
  return self->state == SHMLENS_WRITER_STATE_STARTING ||
         self->state == SHMLENS_WRITER_STATE_RUNNING ||
         self->state == SHMLENS_WRITER_STATE_STOPPING;
}

/* Runs the main context until no writer is live or @deadline (monotonic µs) passes. */
static void
wait_for_writers (gint64 deadline)
{
  while (live_writers->len > 0 && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/**
 * shmlens_writer_processes_stop_all:
 * @timeout_ms: how long to wait for the writers to stop by themselves
 *
 * Stops every writer the app started that is still running, and waits for them:
 * SIGTERM, then SIGKILL for those still there after @timeout_ms. Runs the default
 * main context meanwhile. For the app's shutdown.
 *
 * Returns: how many writers were still running
 */
guint
shmlens_writer_processes_stop_all (guint timeout_ms)
{
  g_autoptr(GPtrArray) writers = NULL;
  guint n;

  if (live_writers == NULL || live_writers->len == 0)
    return 0;

  n = live_writers->len;
  writers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < live_writers->len; i++)
    g_ptr_array_add (writers, g_object_ref (g_ptr_array_index (live_writers, i)));
  for (guint i = 0; i < writers->len; i++)
    shmlens_writer_process_stop (g_ptr_array_index (writers, i));
  wait_for_writers (g_get_monotonic_time () + (gint64) timeout_ms * 1000);

  for (guint i = 0; i < writers->len; i++)
    {
      ShmlensWriterProcess *writer = g_ptr_array_index (writers, i);

      if (shmlens_writer_process_is_live (writer) && !writer->exited)
        {
          g_warning ("Writer %d did not stop within %u ms: killing it", writer->pid, timeout_ms);
          g_subprocess_force_exit (writer->subprocess);
        }
    }
  /* SIGKILL cannot be ignored: this is only the time to reap them. */
  wait_for_writers (g_get_monotonic_time () + G_USEC_PER_SEC);
  return n;
}

/**
 * shmlens_writer_processes_count_live:
 *
 * Returns: how many writers the app started that are not finished
 */
guint
shmlens_writer_processes_count_live (void)
{
  return live_writers != NULL ? live_writers->len : 0;
}

static void
shmlens_writer_process_finalize (GObject *object)
{
  ShmlensWriterProcess *self = SHMLENS_WRITER_PROCESS (object);

  g_clear_object (&self->out);
  g_clear_object (&self->err);
  g_clear_object (&self->subprocess);
  g_string_free (self->err_text, TRUE);
  g_free (self->ref);
  g_free (self->pattern);
  g_free (self->sync);
  g_free (self->message);
  g_free (self->stop_reason);

  G_OBJECT_CLASS (shmlens_writer_process_parent_class)->finalize (object);
}

static void
shmlens_writer_process_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  ShmlensWriterProcess *self = SHMLENS_WRITER_PROCESS (object);

  switch (prop_id)
    {
    case PROP_PID:
      g_value_set_int (value, self->pid);
      break;
    case PROP_ITERATIONS:
      g_value_set_uint64 (value, self->iterations);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_writer_process_class_init (ShmlensWriterProcessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = shmlens_writer_process_finalize;
  object_class->get_property = shmlens_writer_process_get_property;

  properties[PROP_PID] =
    g_param_spec_int ("pid", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ITERATIONS] =
    g_param_spec_uint64 ("iterations", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, SHMLENS_TYPE_WRITER_STATE,
                       SHMLENS_WRITER_STATE_STARTING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  live_writers = g_ptr_array_new ();
}

static void
shmlens_writer_process_init (ShmlensWriterProcess *self)
{
  self->err_text = g_string_new (NULL);
  self->state = SHMLENS_WRITER_STATE_STARTING;
}

/**
 * shmlens_writer_process_new:
 * @ref: the reference of a segment Shmlens created
 * @spec: what the writer is to do
 * @color: the colour its bytes are tinted with
 *
 * Returns: (transfer full): a writer, not started yet
 */
ShmlensWriterProcess *
shmlens_writer_process_new (const char              *ref,
                            const ShmlensWriterSpec *spec,
                            const GdkRGBA           *color)
{
  ShmlensWriterProcess *self;

  g_return_val_if_fail (ref != NULL, NULL);
  g_return_val_if_fail (spec != NULL && spec->pattern != NULL, NULL);
  g_return_val_if_fail (color != NULL, NULL);

  self = g_object_new (SHMLENS_TYPE_WRITER_PROCESS, NULL);
  self->ref = g_strdup (ref);
  self->pattern = g_strdup (spec->pattern);
  self->offset = spec->offset;
  self->length = spec->length;
  self->rate = spec->rate;
  self->slot = spec->slot;
  self->sync = g_strdup (spec->sync);
  self->asked_iterations = spec->iterations;
  self->peers = spec->peers;
  self->color = *color;
  return self;
}

int
shmlens_writer_process_get_pid (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), 0);
  return self->pid;
}

const char *
shmlens_writer_process_get_ref (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), NULL);
  return self->ref;
}

const char *
shmlens_writer_process_get_pattern (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), NULL);
  return self->pattern;
}

guint64
shmlens_writer_process_get_offset (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), 0);
  return self->offset;
}

/**
 * shmlens_writer_process_get_length:
 * @self: a writer
 *
 * Returns: the length of the region it was given; 0: what its pattern needs
 */
guint64
shmlens_writer_process_get_length (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), 0);
  return self->length;
}

double
shmlens_writer_process_get_rate (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), 0);
  return self->rate;
}

guint
shmlens_writer_process_get_slot (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), 0);
  return self->slot;
}

const char *
shmlens_writer_process_get_sync (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), NULL);
  return self->sync;
}

/**
 * shmlens_writer_process_get_iterations:
 * @self: a writer
 *
 * Returns: the steps the writer last reported (it reports once a second, and when
 *   it stops)
 */
guint64
shmlens_writer_process_get_iterations (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), 0);
  return self->iterations;
}

ShmlensWriterState
shmlens_writer_process_get_state (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), SHMLENS_WRITER_STATE_FAILED);
  return self->state;
}

/**
 * shmlens_writer_process_get_message:
 * @self: a writer
 *
 * Returns: (nullable): why a stopped or exited writer ended ("SIGTERM", "duration",
 *   "done"), or what a failed one said was wrong
 */
const char *
shmlens_writer_process_get_message (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), NULL);
  return self->message;
}

const GdkRGBA *
shmlens_writer_process_get_color (ShmlensWriterProcess *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITER_PROCESS (self), NULL);
  return &self->color;
}
