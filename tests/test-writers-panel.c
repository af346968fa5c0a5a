/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-writers-panel.c: writer processes started from the app, test segments made in its dialog.
 *
 * Real `shmlens-cli write` processes (SHMLENS_CLI) on real test segments: the panel
 * lists each with its pid, its iterations grow with the counter in the segment,
 * stopping reaps it, a page that goes takes its writers with it, a writer that fails
 * says why in its row. The New Test Segment dialog creates what was asked for, shows
 * each error next to its field, and the app's last act removes the test segments
 * nobody asked to keep. The registry of Shmlens's segments is private to the test
 * (XDG_RUNTIME_DIR is a directory of its own). */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shmlens-application.h"
#include "shmlens-created.h"
#include "shmlens-demo.h"
#include "shmlens-error.h"
#include "shmlens-new-segment-dialog.h"
#include "shmlens-reader.h"
#include "shmlens-ref.h"
#include "shmlens-segment-page.h"
#include "shmlens-structure-panel.h"
#include "shmlens-test-segments.h"
#include "shmlens-test-gtk.h"
#include "shmlens-test-util.h"
#include "shmlens-window.h"
#include "shmlens-writers-panel.h"
#include "shmlens-writers.h"

/* The writer's own header: the test reads the segment the way the writer wrote it. */
#include "../data/layouts/counters.h"
#include "../data/layouts/race.h"

#define PATIENCE_MS 10000
#define SEGMENT_SIZE 4096

static char *runtime_dir;

typedef gboolean (*Predicate) (gpointer data);

/* Runs the main loop until @predicate holds, or fails the test after PATIENCE_MS. */
static void
wait_until (Predicate    predicate,
            gpointer     data,
            const char  *what)
{
  gint64 end = g_get_monotonic_time () + PATIENCE_MS * 1000;

  while (!predicate (data))
    {
      if (g_get_monotonic_time () > end)
        g_error ("timed out after %d ms waiting for %s", PATIENCE_MS, what);
      shmlens_test_run_main_loop_for (20);
    }
}

/* Segments a failed assertion or a crash would leave in /dev/shm: removed with
 * nothing but unlink() before the process dies, as shmlens-test-util.c does for its
 * own (whose handler, when it has one, runs next). */
#define MAX_TRACKED 64
#define MAX_PATH 160

static char tracked[MAX_TRACKED][MAX_PATH];
/* The private registry of created segments, its directory and the runtime directory,
 * last to go. */
static char runtime_paths[3][MAX_PATH];
static const int crash_signals[] = { SIGABRT, SIGSEGV, SIGBUS, SIGTERM, SIGTRAP };
static void (*next_handler[G_N_ELEMENTS (crash_signals)]) (int);

static void
remove_tracked_and_die (int signum)
{
  for (int i = 0; i < MAX_TRACKED; i++)
    if (tracked[i][0] != '\0')
      unlink (tracked[i]);
  unlink (runtime_paths[0]);
  rmdir (runtime_paths[1]);
  rmdir (runtime_paths[2]);
  for (gsize i = 0; i < G_N_ELEMENTS (crash_signals); i++)
    if (crash_signals[i] == signum && next_handler[i] != SIG_DFL &&
        next_handler[i] != SIG_IGN && next_handler[i] != SIG_ERR && next_handler[i] != NULL)
      next_handler[i] (signum);
  signal (signum, SIG_DFL);
  raise (signum);
}

/* Notes /dev/shm/NAME for removal should the test die; @name NULL: forget it. */
static void
track (const char *name,
       gboolean    live)
{
  g_autofree char *path = g_build_filename ("/dev/shm", name, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (crash_signals); i++)
    {
      void (*current) (int) = signal (crash_signals[i], remove_tracked_and_die);

      if (current != remove_tracked_and_die)
        next_handler[i] = current;
    }
  for (int i = 0; i < MAX_TRACKED; i++)
    {
      if (live && tracked[i][0] == '\0' && strlen (path) < MAX_PATH)
        {
          g_strlcpy (tracked[i], path, MAX_PATH);
          return;
        }
      if (!live && strcmp (tracked[i], path) == 0)
        {
          tracked[i][0] = '\0';
          return;
        }
    }
}

/* A fresh POSIX name, removed should the test die. */
static char *
unique_name (const char *tag)
{
  static guint counter;
  char *name = g_strdup_printf ("shmlens-test-%s-%d-%u", tag, (int) getpid (), counter++);

  track (name, TRUE);
  return name;
}

/* A test segment of Shmlens's own, as the dialog or `shmlens-cli create` makes it. */
static char *
create_test_segment (char **name_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = unique_name ("writers");
  ShmlensCreateOptions options = {
    .kind = SHMLENS_SEGMENT_KIND_POSIX,
    .name = name,
    .size = SEGMENT_SIZE,
    .mode = 0600,
    .fill = SHMLENS_FILL_ZERO,
  };
  char *ref = shmlens_created_create (&options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ref);
  if (name_out != NULL)
    *name_out = g_steal_pointer (&name);
  return ref;
}

static void
remove_test_segment (const char *ref)
{
  g_autoptr(GError) error = NULL;

  shmlens_created_remove (ref, FALSE, &error);
  g_assert_no_error (error);
  if (ref[0] == '/')
    track (ref + 1, FALSE);
}

typedef struct
{
  GtkWidget *window;
  ShmlensSegmentPage *page;
  ShmlensWritersPanel *panel;
} Shown;

static void
show_page (Shown      *shown,
           const char *ref)
{
  g_autoptr(ShmlensSegment) segment = shmlens_test_resolve (ref);

  shown->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (shown->window), 1200, 800);
  shown->page = SHMLENS_SEGMENT_PAGE (shmlens_segment_page_new (segment));
  shown->panel = shmlens_segment_page_get_writers_panel (shown->page);
  gtk_window_set_child (GTK_WINDOW (shown->window), GTK_WIDGET (shown->page));
  shmlens_segment_page_show_panel (shown->page, "writers");
  gtk_window_present (GTK_WINDOW (shown->window));
  shmlens_test_run_main_loop_for (200);
}

static void
hide_page (Shown *shown)
{
  gtk_window_destroy (GTK_WINDOW (shown->window));
  shmlens_test_run_main_loop_for (50);
  memset (shown, 0, sizeof *shown);
}

/* ---- processes ---- */

static gboolean
process_exists (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d", pid);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
process_gone (gpointer pid)
{
  return !process_exists (GPOINTER_TO_INT (pid));
}

/* /proc/PID/cmdline as words. */
static char **
process_argv (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/cmdline", pid);
  g_autofree char *contents = NULL;
  gsize length = 0;
  GPtrArray *words = g_ptr_array_new ();

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  for (gsize i = 0; i < length; i += strlen (contents + i) + 1)
    g_ptr_array_add (words, g_strdup (contents + i));
  g_ptr_array_add (words, NULL);
  return (char **) g_ptr_array_free (words, FALSE);
}

static gboolean
writer_running (gpointer writer)
{
  return shmlens_writer_process_get_state (writer) == SHMLENS_WRITER_STATE_RUNNING;
}

static gboolean
writer_finished (gpointer writer)
{
  return !shmlens_writer_process_is_live (writer);
}

typedef struct
{
  ShmlensWriterProcess *writer;
  guint64 more_than;
} IterationsWait;

static gboolean
iterations_above (gpointer data)
{
  IterationsWait *wait = data;

  return shmlens_writer_process_get_iterations (wait->writer) > wait->more_than;
}

/* ---- widgets ---- */

static guint
n_writers (ShmlensWritersPanel *panel)
{
  return g_list_model_get_n_items (shmlens_writers_panel_get_writers (panel));
}

/* The first label under @root whose text is @text, or NULL. */
static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_visible (root) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The row of the panel's list that shows @writer's pid. */
static GtkWidget *
writer_row (ShmlensWritersPanel *panel,
            ShmlensWriterProcess *writer)
{
  g_autofree char *pid = g_strdup_printf ("%d", shmlens_writer_process_get_pid (writer));
  GtkWidget *label = find_label (GTK_WIDGET (panel), pid);

  return label != NULL ? gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW) : NULL;
}

static GtkWidget *
find_button (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A button under @root labelled @label (its text, mnemonic included). */
static GtkWidget *
find_labelled_button (GtkWidget  *root,
                      const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_labelled_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first stack under @root: the panel's pages. */
static GtkWidget *
find_stack (GtkWidget *root)
{
  if (GTK_IS_STACK (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_stack (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every widget of @type under @root, in tree order. */
static void
collect_widgets (GtkWidget *root,
                 GType      type,
                 GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (found, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, type, found);
}

static GtkWidget *
nth_widget (GtkWidget *root,
            GType      type,
            guint      n)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect_widgets (root, type, found);
  g_assert_cmpuint (found->len, >, n);
  return g_ptr_array_index (found, n);
}

/* ---- the segment, read back ---- */

static void
read_counters (const char      *ref,
               struct counters *counters)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensSegment) segment = shmlens_test_resolve (ref);
  g_autoptr(ShmlensReader) reader = shmlens_reader_open (segment, &error);

  g_assert_no_error (error);
  g_assert_cmpint (shmlens_reader_read (reader, 0, (guint8 *) counters, sizeof *counters,
                                        &error), ==, sizeof *counters);
  g_assert_no_error (error);
  shmlens_reader_close (reader);
}

/* ---- tests ---- */

/* A counter writer is listed with its real pid, counts in its slot of the segment,
 * owns its bytes in the hex view, and once stopped is reaped. */
static void
test_counter_writer (void)
{
  g_autofree char *ref = create_test_segment (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  struct counters before, after;
  ShmlensWriterSpec spec = { .pattern = "counter", .rate = 50 };
  ShmlensWriterProcess *writer;
  ShmlensHexView *hex_view;
  IterationsWait wait;
  GtkWidget *row, *stop;
  GdkRGBA color;
  int pid;
  Shown shown;

  show_page (&shown, ref);
  g_assert_true (shmlens_writers_panel_get_available (shown.panel));
  hex_view = shmlens_segment_page_get_hex_view (shown.page);

  writer = shmlens_writers_panel_start (shown.panel, &spec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (writer);
  g_object_ref (writer);
  g_assert_cmpuint (n_writers (shown.panel), ==, 1);

  /* The pid shown is the writer process's: `shmlens-cli write REF …` */
  pid = shmlens_writer_process_get_pid (writer);
  g_assert_cmpint (pid, >, 0);
  argv = process_argv (pid);
  g_assert_true (g_strv_contains ((const char *const *) argv, "write"));
  g_assert_true (g_strv_contains ((const char *const *) argv, ref));
  g_assert_true (g_strv_contains ((const char *const *) argv, "--pattern=counter"));
  wait_until (writer_running, writer, "the writer to say it started");
  row = writer_row (shown.panel, writer);
  g_assert_nonnull (row);
  g_assert_nonnull (find_label (row, "Running"));

  /* Its iterations grow, reported once a second, and so does its counter. */
  wait = (IterationsWait) { writer, 0 };
  wait_until (iterations_above, &wait, "a first progress report");
  read_counters (ref, &before);
  g_assert_cmpuint (before.magic, ==, COUNTERS_MAGIC);
  g_assert_cmpint (before.slots[0].pid, ==, pid);
  wait.more_than = shmlens_writer_process_get_iterations (writer);
  wait_until (iterations_above, &wait, "the iterations to grow");
  read_counters (ref, &after);
  g_assert_cmpuint (after.slots[0].counter, >, before.slots[0].counter);
  g_assert_cmpuint (after.slots[0].state, ==, COUNTER_RUNNING);
  {
    g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT " iterations",
                                             shmlens_writer_process_get_iterations (writer));
    g_assert_nonnull (find_label (row, text));
  }

  /* The bytes it owns, its slot, and only those, wear its colour: not the header all
   * writers share, nor the other slots. */
  g_assert_true (shmlens_hex_view_get_byte_tint (hex_view, G_STRUCT_OFFSET (struct counters, slots),
                                                 &color));
  g_assert_true (gdk_rgba_equal (&color, shmlens_writer_process_get_color (writer)));
  g_assert_true (shmlens_hex_view_get_byte_tint (hex_view, G_STRUCT_OFFSET (struct counters, slots) +
                                                           sizeof (struct counter_slot) - 1, NULL));
  g_assert_false (shmlens_hex_view_get_byte_tint (hex_view, 0, NULL));
  g_assert_false (shmlens_hex_view_get_byte_tint (hex_view, G_STRUCT_OFFSET (struct counters, slots) +
                                                            sizeof (struct counter_slot), NULL));

  /* The row's button stops it: SIGTERM, then it is reaped. */
  stop = find_button (row);
  g_assert_nonnull (stop);
  g_signal_emit_by_name (stop, "clicked");
  wait_until (writer_finished, writer, "the writer to stop");
  g_assert_cmpint (shmlens_writer_process_get_state (writer), ==, SHMLENS_WRITER_STATE_STOPPED);
  g_assert_cmpstr (shmlens_writer_process_get_message (writer), ==, "SIGTERM");
  wait_until (process_gone, GINT_TO_POINTER (pid), "/proc/PID of the stopped writer to go");
  g_assert_nonnull (find_label (writer_row (shown.panel, writer), "Stopped"));
  read_counters (ref, &after);
  g_assert_cmpuint (after.slots[0].state, ==, COUNTER_STOPPED);
  g_assert_false (shmlens_hex_view_get_byte_tint (hex_view, G_STRUCT_OFFSET (struct counters, slots),
                                                  NULL));

  /* A finished writer's button removes it from the list. */
  g_signal_emit_by_name (find_button (writer_row (shown.panel, writer)), "clicked");
  g_assert_cmpuint (n_writers (shown.panel), ==, 0);

  g_object_unref (writer);
  hide_page (&shown);
  remove_test_segment (ref);
}

/* "Stop All" stops every writer of the page, each counting in its own slot. */
static void
test_stop_all (void)
{
  g_autofree char *ref = create_test_segment (NULL);
  ShmlensWriterProcess *writers[3];
  GtkWidget *stop_all;
  struct counters counters;
  Shown shown;

  show_page (&shown, ref);
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      g_autoptr(GError) error = NULL;
      ShmlensWriterSpec spec = { .pattern = "counter", .rate = 100, .slot = i };

      writers[i] = g_object_ref (shmlens_writers_panel_start (shown.panel, &spec, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    wait_until (writer_running, writers[i], "every writer to start");
  /* Three colours, three tints. */
  g_assert_false (gdk_rgba_equal (shmlens_writer_process_get_color (writers[0]),
                                  shmlens_writer_process_get_color (writers[1])));
  {
    guint n = 0;
    shmlens_writers_panel_get_tints (shown.panel, &n);
    g_assert_cmpuint (n, ==, 3);
  }

  stop_all = find_labelled_button (GTK_WIDGET (shown.panel), "Stop _All");
  g_assert_nonnull (stop_all);
  g_assert_true (gtk_widget_get_sensitive (stop_all));
  g_signal_emit_by_name (stop_all, "clicked");
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      int pid = shmlens_writer_process_get_pid (writers[i]);

      wait_until (writer_finished, writers[i], "every writer to stop");
      g_assert_cmpint (shmlens_writer_process_get_state (writers[i]), ==,
                       SHMLENS_WRITER_STATE_STOPPED);
      wait_until (process_gone, GINT_TO_POINTER (pid), "/proc/PID of every writer to go");
    }
  g_assert_false (gtk_widget_get_sensitive (stop_all));

  read_counters (ref, &counters);
  g_assert_cmpuint (counters.n_slots, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      g_assert_cmpint (counters.slots[i].pid, ==, shmlens_writer_process_get_pid (writers[i]));
      g_object_unref (writers[i]);
    }
  hide_page (&shown);
  remove_test_segment (ref);
}

/* Writers go with the page that started them: none is left running. */
static void
test_page_takes_writers_along (void)
{
  g_autofree char *ref = create_test_segment (NULL);
  int pids[2];
  Shown shown;

  show_page (&shown, ref);
  for (guint i = 0; i < G_N_ELEMENTS (pids); i++)
    {
      g_autoptr(GError) error = NULL;
      ShmlensWriterSpec spec = { .pattern = i == 0 ? "counter" : "wave", .offset = i * 1024,
                                 .rate = 20 };
      ShmlensWriterProcess *writer = shmlens_writers_panel_start (shown.panel, &spec, &error);

      g_assert_no_error (error);
      wait_until (writer_running, writer, "the writer to start");
      pids[i] = shmlens_writer_process_get_pid (writer);
      g_assert_true (process_exists (pids[i]));
    }
  g_assert_cmpuint (shmlens_writer_processes_count_live (), ==, 2);

  hide_page (&shown);
  for (guint i = 0; i < G_N_ELEMENTS (pids); i++)
    wait_until (process_gone, GINT_TO_POINTER (pids[i]), "/proc/PID of the page's writers to go");
  g_assert_cmpuint (shmlens_writer_processes_count_live (), ==, 0);
  remove_test_segment (ref);
}

/* A writer that cannot write where it was told says why, in its row. */
static void
test_failing_writer (void)
{
  g_autofree char *ref = create_test_segment (NULL);
  g_autoptr(GError) error = NULL;
  ShmlensWriterSpec spec = { .pattern = "counter", .offset = SEGMENT_SIZE * 2, .rate = 10 };
  ShmlensWriterProcess *writer;
  const char *message;
  GtkWidget *row;
  int pid;
  Shown shown;

  show_page (&shown, ref);
  writer = shmlens_writers_panel_start (shown.panel, &spec, &error);
  g_assert_no_error (error);
  pid = shmlens_writer_process_get_pid (writer);
  wait_until (writer_finished, writer, "the writer to fail");
  g_assert_cmpint (shmlens_writer_process_get_state (writer), ==, SHMLENS_WRITER_STATE_FAILED);
  message = shmlens_writer_process_get_message (writer);
  g_assert_nonnull (message);
  g_test_message ("the writer said: %s", message);
  g_assert_nonnull (strstr (message, "past the end"));
  g_assert_false (g_str_has_prefix (message, "shmlens-cli"));
  /* It may fail before its pid could be read: then its row says so with a dash. */
  row = gtk_widget_get_ancestor (find_label (GTK_WIDGET (shown.panel), message),
                                 GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (row);
  g_assert_nonnull (find_label (row, "Failed"));
  if (pid > 0)
    {
      g_autofree char *pid_text = g_strdup_printf ("%d", pid);

      g_assert_nonnull (find_label (row, pid_text));
      wait_until (process_gone, GINT_TO_POINTER (pid), "/proc/PID of the failed writer to go");
    }
  else
    g_assert_nonnull (find_label (row, "—"));
  g_assert_cmpuint (shmlens_writer_processes_count_live (), ==, 0);
  hide_page (&shown);
  remove_test_segment (ref);
}

/* The form as a person fills it: a race, flat out, with atomic increments, runs its
 * iterations and finishes by itself; a wrong offset is pointed out before anything
 * starts. */
static void
test_form_starts_race (void)
{
  g_autofree char *ref = create_test_segment (NULL);
  GtkDropDown *pattern, *sync;
  GtkWidget *offset, *start, *error_label, *row;
  GtkSpinButton *rate;
  ShmlensWriterProcess *writer;
  GListModel *writers;
  struct race race;
  Shown shown;

  show_page (&shown, ref);
  writers = shmlens_writers_panel_get_writers (shown.panel);
  pattern = GTK_DROP_DOWN (nth_widget (GTK_WIDGET (shown.panel), GTK_TYPE_DROP_DOWN, 0));
  sync = GTK_DROP_DOWN (nth_widget (GTK_WIDGET (shown.panel), GTK_TYPE_DROP_DOWN, 1));
  rate = GTK_SPIN_BUTTON (nth_widget (GTK_WIDGET (shown.panel), GTK_TYPE_SPIN_BUTTON, 0));
  offset = nth_widget (GTK_WIDGET (shown.panel), GTK_TYPE_ENTRY, 0);
  start = find_labelled_button (GTK_WIDGET (shown.panel), "_Start Writer");
  g_assert_nonnull (start);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (sync)));
  g_assert_cmpfloat (gtk_spin_button_get_value (rate), ==, 10);

  /* A race shows its sync choice, and runs flat out unless told otherwise. */
  gtk_drop_down_set_selected (pattern, 4);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (sync)));
  g_assert_cmpfloat (gtk_spin_button_get_value (rate), ==, 0);
  gtk_drop_down_set_selected (sync, 1);

  /* An offset that is not a number stops at the form. */
  gtk_editable_set_text (GTK_EDITABLE (offset), "12Q");
  g_signal_emit_by_name (start, "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (writers), ==, 0);
  error_label = find_label (GTK_WIDGET (shown.panel),
                            "Offset: “12Q” is not a size: write a number of bytes such as 4096, "
                            "0x1000 or 4K");
  g_assert_nonnull (error_label);
  /* and one past 64 bits says so */
  gtk_editable_set_text (GTK_EDITABLE (offset), "16777216T");
  g_signal_emit_by_name (start, "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (writers), ==, 0);
  g_assert_nonnull (find_label (GTK_WIDGET (shown.panel),
                                "Offset: “16777216T” is too large to be a size."));

  gtk_editable_set_text (GTK_EDITABLE (offset), "0");
  g_signal_emit_by_name (start, "clicked");
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_cmpuint (g_list_model_get_n_items (writers), ==, 1);
  writer = g_list_model_get_item (writers, 0);
  g_assert_cmpstr (shmlens_writer_process_get_pattern (writer), ==, "race");
  g_assert_cmpstr (shmlens_writer_process_get_sync (writer), ==, "atomic");
  wait_until (writer_finished, writer, "the race to make its iterations");
  g_assert_cmpint (shmlens_writer_process_get_state (writer), ==, SHMLENS_WRITER_STATE_EXITED);
  g_assert_cmpstr (shmlens_writer_process_get_message (writer), ==, "done");
  g_assert_cmpuint (shmlens_writer_process_get_iterations (writer), ==, 1000000);
  row = gtk_widget_get_ancestor (find_label (GTK_WIDGET (shown.panel), "Finished"),
                                 GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (row);
  g_assert_nonnull (find_label (row, "It made all its iterations."));

  /* Atomic increments lose nothing. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ShmlensSegment) segment = shmlens_test_resolve (ref);
    g_autoptr(ShmlensReader) reader = shmlens_reader_open (segment, &error);

    g_assert_no_error (error);
    g_assert_cmpint (shmlens_reader_read (reader, 0, (guint8 *) &race, sizeof race, &error), ==,
                     sizeof race);
    shmlens_reader_close (reader);
  }
  g_assert_cmpuint (race.magic, ==, RACE_MAGIC);
  g_assert_cmpuint (race.writers[0].sync, ==, RACE_SYNC_ATOMIC);
  g_assert_cmpuint (race.counter, ==, 1000000);
  g_assert_cmpuint (race.expected, ==, 1000000);

  g_object_unref (writer);
  hide_page (&shown);
  remove_test_segment (ref);
}

/* Segments Shmlens did not create are never written: no writer starts, the panel says
 * why and offers a test segment instead. */
static void
test_not_ours (void)
{
  g_autofree char *name = shmlens_test_posix_create ("writers-not-ours", NULL, SEGMENT_SIZE);
  g_autofree char *ref = g_strconcat ("/", name, NULL);
  g_autoptr(GError) error = NULL;
  ShmlensWriterSpec spec = { .pattern = "counter", .rate = 10 };
  GtkWidget *stack;
  Shown shown;

  show_page (&shown, ref);
  g_assert_false (shmlens_writers_panel_get_available (shown.panel));
  g_assert_null (shmlens_writers_panel_start (shown.panel, &spec, &error));
  g_assert_error (error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_OURS);
  g_assert_cmpuint (n_writers (shown.panel), ==, 0);
  stack = find_stack (GTK_WIDGET (shown.panel));
  g_assert_nonnull (stack);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "not-ours");
  g_assert_nonnull (find_labelled_button (GTK_WIDGET (shown.panel), "_New Test Segment…"));
  hide_page (&shown);
  shmlens_test_posix_remove (name);
}

/* ---- the New Test Segment dialog, in the app's window ---- */

static ShmlensApplication *app;

static ShmlensWindow *
new_window (void)
{
  ShmlensWindow *window = shmlens_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  shmlens_test_run_main_loop_for (100);
  return window;
}

/* Opens the dialog as Ctrl+N does. */
static ShmlensNewSegmentDialog *
open_dialog (ShmlensWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-segment", NULL));
  shmlens_test_run_main_loop_for (50);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (SHMLENS_IS_NEW_SEGMENT_DIALOG (toplevel) && gtk_widget_get_visible (toplevel))
        return SHMLENS_NEW_SEGMENT_DIALOG (toplevel);
    }
  g_error ("win.new-segment showed no dialog");
}

static GtkWidget *
field (ShmlensNewSegmentDialog *dialog,
       const char              *name)
{
  return shmlens_new_segment_dialog_get_field (dialog, name);
}

static void
set_text (ShmlensNewSegmentDialog *dialog,
          const char              *name,
          const char              *text)
{
  gtk_editable_set_text (GTK_EDITABLE (field (dialog, name)), text);
}

static const char *
error_shown (ShmlensNewSegmentDialog *dialog,
             const char              *name)
{
  GtkWidget *label = field (dialog, name);

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static guint
stat_mode (const char *name)
{
  g_autofree char *path = g_build_filename ("/dev/shm", name, NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

/* Filled in as a person would, the dialog creates the segment asked for and the
 * window opens it on its writers. */
static void
test_dialog_creates_segment (void)
{
  ShmlensWindow *window = new_window ();
  ShmlensNewSegmentDialog *dialog = open_dialog (window);
  g_autofree char *name = unique_name ("dialog");
  g_autofree char *ref = g_strconcat ("/", name, NULL);
  g_autoptr(ShmlensSegment) segment = NULL;
  g_autoptr(GBytes) bytes = NULL;
  ShmlensWritersPanel *panel;
  ShmlensSegmentPage *page;
  gboolean keep = TRUE;

  set_text (dialog, "name", name);
  set_text (dialog, "size", "64K");
  set_text (dialog, "mode", "0640");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (field (dialog, "content")), SHMLENS_FILL_MESSAGE);
  g_assert_true (gtk_widget_get_visible (field (dialog, "message")));
  set_text (dialog, "message", "hello from the dialog");
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (shmlens_new_segment_dialog_create (dialog));
  shmlens_test_run_main_loop_for (100);
  g_assert_null (dialog);

  segment = shmlens_test_resolve (ref);
  g_assert_cmpuint (shmlens_segment_get_size (segment), ==, 64 * 1024);
  g_assert_cmpuint (stat_mode (name), ==, 0640);
  g_assert_true (shmlens_created_is_ours (segment));
  bytes = shmlens_test_posix_bytes (name);
  g_assert_cmpstr (g_bytes_get_data (bytes, NULL), ==, "hello from the dialog");
  g_assert_true (shmlens_test_segments_lookup (shmlens_test_segments_get_default (), segment,
                                               &keep));
  g_assert_false (keep);

  /* The new segment opens in a tab, on its writers. */
  page = shmlens_window_get_current_page (window);
  g_assert_nonnull (page);
  g_assert_cmpstr (shmlens_segment_page_get_title (page), ==, ref);
  panel = shmlens_segment_page_get_writers_panel (page);
  g_assert_true (shmlens_writers_panel_get_available (panel));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (panel)));
  g_assert_nonnull (find_label (GTK_WIDGET (page), "Test segment — removed when Shmlens closes"));

  gtk_window_destroy (GTK_WINDOW (window));
  shmlens_test_run_main_loop_for (50);
  remove_test_segment (ref);
}

/* Each error shows next to its field, in the library's words where it judged. */
static void
test_dialog_shows_errors (void)
{
  ShmlensWindow *window = new_window ();
  ShmlensNewSegmentDialog *dialog = open_dialog (window);
  g_autofree char *taken_ref = NULL;
  g_autofree char *taken = NULL;
  const char *text;

  /* A name with a slash. */
  set_text (dialog, "name", "a/b");
  g_assert_false (shmlens_new_segment_dialog_create (dialog));
  text = error_shown (dialog, "name-error");
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "slash"));
  g_assert_null (error_shown (dialog, "size-error"));
  g_assert_false (g_file_test ("/dev/shm/a", G_FILE_TEST_EXISTS));
  /* Editing the field takes its error away. */
  set_text (dialog, "name", "a");
  g_assert_null (error_shown (dialog, "name-error"));

  /* A name that is taken. */
  taken_ref = create_test_segment (&taken);
  set_text (dialog, "name", taken);
  g_assert_false (shmlens_new_segment_dialog_create (dialog));
  text = error_shown (dialog, "name-error");
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "exists already"));

  /* A size and a mode that are not, both at once. */
  set_text (dialog, "name", "shmlens-test-never-created");
  set_text (dialog, "size", "12Q");
  set_text (dialog, "mode", "0999");
  g_assert_false (shmlens_new_segment_dialog_create (dialog));
  g_assert_nonnull (error_shown (dialog, "size-error"));
  g_assert_nonnull (strstr (error_shown (dialog, "size-error"), "12Q"));
  g_assert_nonnull (error_shown (dialog, "mode-error"));
  g_assert_null (error_shown (dialog, "name-error"));
  set_text (dialog, "size", "0");
  set_text (dialog, "mode", "0600");
  g_assert_false (shmlens_new_segment_dialog_create (dialog));
  g_assert_nonnull (error_shown (dialog, "size-error"));
  g_assert_false (g_file_test ("/dev/shm/shmlens-test-never-created", G_FILE_TEST_EXISTS));

  /* System V: the field asks for a key; key 0 is IPC_PRIVATE. */
  g_assert_null (find_label (GTK_WIDGET (dialog), "Key"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (field (dialog, "kind-sysv")), TRUE);
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Key"));
  g_assert_null (find_label (GTK_WIDGET (dialog), "Name"));
  set_text (dialog, "size", "4K");
  set_text (dialog, "name", "0");
  g_assert_false (shmlens_new_segment_dialog_create (dialog));
  g_assert_nonnull (strstr (error_shown (dialog, "name-error"), "IPC_PRIVATE"));

  /* Nothing was created: the dialog is still there. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  gtk_window_destroy (GTK_WINDOW (window));
  shmlens_test_run_main_loop_for (50);
  remove_test_segment (taken_ref);
}

/* What the app does when it quits: writers stop, and the test segments of the
 * session go unless they were to be kept. */
static void
test_end_of_session (void)
{
  ShmlensWindow *window = new_window ();
  g_autofree char *kept = unique_name ("kept");
  g_autofree char *kept_ref = g_strconcat ("/", kept, NULL);
  g_autofree char *dropped = unique_name ("dropped");
  g_autofree char *later_kept = unique_name ("later-kept");
  g_autofree char *later_kept_ref = g_strconcat ("/", later_kept, NULL);
  g_autofree char *sysv_ref = NULL;
  g_autoptr(GError) error = NULL;
  ShmlensNewSegmentDialog *dialog;
  ShmlensWriterSpec spec = { .pattern = "counter", .rate = 20 };
  ShmlensWriterProcess *writer;
  ShmlensSegmentPage *page;
  GtkWidget *keep_check;
  int pid;

  /* Kept from the start, in the dialog. */
  dialog = open_dialog (window);
  set_text (dialog, "name", kept);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (field (dialog, "keep")), TRUE);
  g_assert_true (shmlens_new_segment_dialog_create (dialog));
  page = shmlens_window_get_current_page (window);
  g_assert_nonnull (find_label (GTK_WIDGET (page), "Test segment — kept when Shmlens closes"));

  /* Kept later, from its page's bar. */
  dialog = open_dialog (window);
  set_text (dialog, "name", later_kept);
  g_assert_true (shmlens_new_segment_dialog_create (dialog));
  page = shmlens_window_get_current_page (window);
  keep_check = find_label (GTK_WIDGET (page), "Keep when Shmlens closes");
  g_assert_nonnull (keep_check);
  keep_check = gtk_widget_get_ancestor (keep_check, GTK_TYPE_CHECK_BUTTON);
  g_assert_nonnull (keep_check);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (keep_check), TRUE);
  g_assert_nonnull (find_label (GTK_WIDGET (page), "Test segment — kept when Shmlens closes"));

  /* A System V segment, private. */
  dialog = open_dialog (window);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (field (dialog, "kind-sysv")), TRUE);
  set_text (dialog, "name", "private");
  g_assert_true (shmlens_new_segment_dialog_create (dialog));
  page = shmlens_window_get_current_page (window);
  sysv_ref = shmlens_segment_dup_ref (shmlens_segment_page_get_segment (page));
  g_assert_true (g_str_has_prefix (sysv_ref, "sysv:"));

  /* Not kept, with a writer at work. */
  dialog = open_dialog (window);
  set_text (dialog, "name", dropped);
  g_assert_true (shmlens_new_segment_dialog_create (dialog));
  page = shmlens_window_get_current_page (window);
  writer = shmlens_writers_panel_start (shmlens_segment_page_get_writers_panel (page), &spec,
                                        &error);
  g_assert_no_error (error);
  g_object_ref (writer);
  wait_until (writer_running, writer, "the writer to start");
  pid = shmlens_writer_process_get_pid (writer);

  shmlens_application_end_session ();
  g_assert_false (shmlens_writer_process_is_live (writer));
  g_assert_cmpuint (shmlens_writer_processes_count_live (), ==, 0);
  wait_until (process_gone, GINT_TO_POINTER (pid), "/proc/PID of the writer to go");
  g_object_unref (writer);

  {
    g_autofree char *dropped_path = g_build_filename ("/dev/shm", dropped, NULL);
    g_autofree char *kept_path = g_build_filename ("/dev/shm", kept, NULL);
    g_autofree char *later_kept_path = g_build_filename ("/dev/shm", later_kept, NULL);
    g_autoptr(ShmlensRef) parsed = shmlens_ref_parse (sysv_ref, NULL);
    g_autoptr(ShmlensSegment) sysv = shmlens_ref_resolve (parsed, FALSE, NULL);

    g_assert_false (g_file_test (dropped_path, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (kept_path, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (later_kept_path, G_FILE_TEST_EXISTS));
    /* marked for removal: gone from the table once the page lets go of it */
    gtk_window_destroy (GTK_WINDOW (window));
    shmlens_test_run_main_loop_for (50);
    g_clear_object (&sysv);
    sysv = shmlens_ref_resolve (parsed, FALSE, NULL);
    g_assert_null (sysv);
  }
  remove_test_segment (kept_ref);
  remove_test_segment (later_kept_ref);
}

static void
remove_runtime_dir (void)
{
  g_unlink (runtime_paths[0]);
  g_rmdir (runtime_paths[1]);
  g_rmdir (runtime_paths[2]);
}

/* ---- demos, from the window's Demos menu ---- */

/* It said "start" (some race writers are done moments later). */
static gboolean
writer_started (gpointer writer)
{
  ShmlensWriterState state = shmlens_writer_process_get_state (writer);

  return state != SHMLENS_WRITER_STATE_STARTING && state != SHMLENS_WRITER_STATE_FAILED &&
         shmlens_writer_process_get_pid (writer) > 0;
}

typedef struct
{
  ShmlensStructurePanel *panel;
  const char *path;
  double at_least;
} LeafWait;

static gboolean
leaf_at_least (gpointer data)
{
  LeafWait *wait = data;
  double value;

  return shmlens_structure_panel_get_leaf_value (wait->panel, wait->path, &value) &&
         value >= wait->at_least;
}

static double
leaf (ShmlensStructurePanel *panel,
      const char            *path)
{
  double value = -1;

  g_assert_true (shmlens_structure_panel_get_leaf_value (panel, path, &value));
  return value;
}

static void
wait_leaf (ShmlensStructurePanel *panel,
           const char            *path,
           double                 at_least)
{
  LeafWait wait = { panel, path, at_least };
  g_autofree char *what = g_strdup_printf ("%s to reach %g", path, at_least);

  wait_until (leaf_at_least, &wait, what);
}

/* Every demo, as a teacher starts it: its segment (a test segment of Shmlens's own),
 * the header its writers were compiled with over it, its writers running as separate
 * processes, its explanation; values moving; nothing left once the window closes and
 * the session ends. */
static void
test_demos (void)
{
  static const struct
  {
    const char *id;
    const char *type_name;
    guint n_records;
    guint n_writers;
  } expected[] = {
    { "hello", "struct hello", 1, 0 },
    { "counters", "struct counters", 1, 3 },
    { "race", "struct race", 3, 6 },
    { "ring", "struct ring_buffer", 1, 1 },
    { "seqlock", "struct seqlock", 1, 1 },
  };

  for (guint d = 0; d < G_N_ELEMENTS (expected); d++)
    {
      const ShmlensDemo *demo = shmlens_demo_lookup (expected[d].id);
      ShmlensWindow *window = new_window ();
      ShmlensSegmentPage *page;
      ShmlensStructurePanel *panel;
      ShmlensWritersPanel *writers;
      ShmlensSegment *segment;
      g_autofree char *ref = NULL;
      g_autofree char *path = NULL;
      g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (int));
      guint64 offset, count;

      g_test_message ("demo %s", expected[d].id);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.demo", "s",
                                                 expected[d].id));
      page = shmlens_window_get_current_page (window);
      g_assert_nonnull (page);
      segment = shmlens_segment_page_get_segment (page);
      ref = shmlens_segment_dup_ref (segment);
      track (ref + 1, TRUE);
      path = g_strconcat ("/dev/shm", ref, NULL);
      if (demo->segment_name != NULL)
        g_assert_cmpstr (ref + 1, ==, demo->segment_name);
      else
        g_assert_true (g_str_has_prefix (ref, "/shmlens-demo-"));
      g_assert_true (shmlens_created_is_ours (segment));
      g_assert_cmpuint (shmlens_segment_get_size (segment), ==, demo->size);

      /* its layout and explanation */
      panel = shmlens_segment_page_get_structure_panel (page);
      g_assert_true (shmlens_structure_panel_has_layout (panel));
      g_assert_cmpstr (shmlens_structure_panel_get_type_name (panel), ==, expected[d].type_name);
      shmlens_structure_panel_get_placement (panel, &offset, &count);
      g_assert_cmpuint (offset, ==, 0);
      g_assert_cmpuint (count, ==, expected[d].n_records);
      g_assert_cmpstr (shmlens_segment_page_get_explanation (page), ==, demo->explanation);

      /* its writers: real processes, running `shmlens-cli write` */
      writers = shmlens_segment_page_get_writers_panel (page);
      g_assert_cmpuint (n_writers (writers), ==, expected[d].n_writers);
      for (guint i = 0; i < expected[d].n_writers; i++)
        {
          g_autoptr(ShmlensWriterProcess) writer =
            g_list_model_get_item (shmlens_writers_panel_get_writers (writers), i);
          int pid;

          wait_until (writer_started, writer, "a demo writer to start");
          pid = shmlens_writer_process_get_pid (writer);
          g_assert_cmpint (pid, >, 0);
          g_array_append_val (pids, pid);
          if (process_exists (pid))
            {
              g_auto(GStrv) argv = process_argv (pid);
              g_assert_cmpstr (argv[1], ==, "write");
            }
        }

      /* what the lesson shows */
      if (g_str_equal (expected[d].id, "hello"))
        {
          g_autofree char *contents = NULL;

          g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
          g_assert_cmpstr (contents, ==, "Message from first process.");
        }
      else if (g_str_equal (expected[d].id, "counters"))
        {
          wait_leaf (panel, "slots[0].counter", 3);
          wait_leaf (panel, "slots[1].counter", 3);
          wait_leaf (panel, "slots[2].counter", 3);
          g_assert_cmpfloat (leaf (panel, "n_slots"), ==, 3);
        }
      else if (g_str_equal (expected[d].id, "race"))
        {
          /* the unsynchronized and the atomic groups are done in seconds */
          wait_leaf (panel, "[0].n_done", 2);
          wait_leaf (panel, "[1].n_done", 2);
          g_assert_cmpfloat (leaf (panel, "[0].counter"), <=, leaf (panel, "[0].expected"));
          g_test_message ("without synchronization: %.0f of %.0f", leaf (panel, "[0].counter"),
                          leaf (panel, "[0].expected"));
          g_assert_cmpfloat (leaf (panel, "[1].expected"), ==, 100000000);
          g_assert_cmpfloat (leaf (panel, "[1].counter"), ==, 100000000);
          g_assert_cmpfloat (leaf (panel, "[2].n_writers"), ==, 2);
        }
      else if (g_str_equal (expected[d].id, "ring"))
        wait_leaf (panel, "head.position", 3);
      else if (g_str_equal (expected[d].id, "seqlock"))
        wait_leaf (panel, "sequence", 100);

      /* closing the window ends the writers; the session's end removes the segment */
      gtk_window_destroy (GTK_WINDOW (window));
      for (guint i = 0; i < pids->len; i++)
        wait_until (process_gone, GINT_TO_POINTER (g_array_index (pids, int, i)),
                    "a demo writer to end with its window");
      shmlens_test_segments_remove_unkept (shmlens_test_segments_get_default ());
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      track (ref + 1, FALSE);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Before anything asks for it: the registry of created segments is the test's own. */
  runtime_dir = g_dir_make_tmp ("shmlens-test-writers-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_RUNTIME_DIR", runtime_dir, TRUE);
  g_snprintf (runtime_paths[0], MAX_PATH, "%s/shmlens/created.ini", runtime_dir);
  g_snprintf (runtime_paths[1], MAX_PATH, "%s/shmlens", runtime_dir);
  g_strlcpy (runtime_paths[2], runtime_dir, MAX_PATH);

  g_test_init (&argc, &argv, NULL);
  if (!shmlens_test_gtk_available ("writers-panel"))
    {
      remove_runtime_dir ();
      return g_test_run ();
    }

  app = shmlens_test_application_new ();

  g_test_add_func ("/shmlens/writers-panel/counter-writer", test_counter_writer);
  g_test_add_func ("/shmlens/writers-panel/stop-all", test_stop_all);
  g_test_add_func ("/shmlens/writers-panel/page-takes-writers-along",
                   test_page_takes_writers_along);
  g_test_add_func ("/shmlens/writers-panel/failing-writer", test_failing_writer);
  g_test_add_func ("/shmlens/writers-panel/form-starts-race", test_form_starts_race);
  g_test_add_func ("/shmlens/writers-panel/not-ours", test_not_ours);
  g_test_add_func ("/shmlens/new-segment-dialog/creates-segment", test_dialog_creates_segment);
  g_test_add_func ("/shmlens/new-segment-dialog/shows-errors", test_dialog_shows_errors);
  g_test_add_func ("/shmlens/new-segment-dialog/end-of-session", test_end_of_session);
  g_test_add_func ("/shmlens/demos/from-the-window", test_demos);

  status = g_test_run ();
  g_clear_object (&app);
  remove_runtime_dir ();
  g_clear_pointer (&runtime_dir, g_free);
  return status;
}
