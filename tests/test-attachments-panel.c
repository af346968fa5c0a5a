/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-attachments-panel.c: a real process mapping a real segment appears in the panel, and goes. */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtk/gtk.h>

#include "shmlens-attachments-panel.h"
#include "shmlens-test-gtk.h"
#include "shmlens-test-util.h"

#define SEGMENT_SIZE (2 * 4096)
#define PATIENCE_MS 10000

typedef struct
{
  pid_t pid;
  guint64 start;
} Mapper;

/* A child that maps the segment read-write, tells where, and waits to be killed.
 * Only system calls after fork(): the parent has threads. */
static void
spawn_mapper (const char *path,
              Mapper     *mapper)
{
  int ready[2];
  guint64 start = 0;
  pid_t pid;

  g_assert_cmpint (pipe (ready), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int fd;
      void *map;

      prctl (PR_SET_PDEATHSIG, SIGKILL);
      close (ready[0]);
      fd = open (path, O_RDWR | O_CLOEXEC);
      if (fd < 0)
        _exit (1);
      map = mmap (NULL, SEGMENT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      close (fd);
      if (map == MAP_FAILED)
        _exit (1);
      start = (guint64) (guintptr) map;
      if (write (ready[1], &start, sizeof start) != sizeof start)
        _exit (1);
      for (;;)
        pause ();
    }
  close (ready[1]);
  g_assert_cmpint (read (ready[0], &start, sizeof start), ==, sizeof start);
  close (ready[0]);
  mapper->pid = pid;
  mapper->start = start;
}

static void
kill_mapper (Mapper *mapper)
{
  g_assert_cmpint (kill (mapper->pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (mapper->pid, NULL, 0), ==, mapper->pid);
}

/* The label with accessible label @name, among the widgets that are on screen and
 * not hidden from assistive technology; NULL when there is none. */
static GtkLabel *
find_named_label (GtkWidget  *root,
                  const char *name)
{
  GtkLabel *found = NULL;
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, root);
  while (stack->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);
      g_autofree char *not_hidden =
        gtk_test_accessible_check_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE);

      if (not_hidden == NULL || !gtk_widget_get_mapped (widget))
        continue;
      if (GTK_IS_LABEL (widget))
        {
          g_autofree char *mismatch =
            gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name);
          if (mismatch == NULL)
            {
              g_assert_null (found);
              found = GTK_LABEL (widget);
            }
        }
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        g_ptr_array_add (stack, child);
    }
  return found;
}

/* A shown label whose text begins with @prefix, or NULL. */
static GtkLabel *
find_label_text_prefix (GtkWidget  *root,
                        const char *prefix)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found;

      if (!gtk_widget_get_mapped (child))
        continue;
      if (GTK_IS_LABEL (child) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (child)), prefix))
        return GTK_LABEL (child);
      found = find_label_text_prefix (child, prefix);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Iterates the main loop until a label named @name is shown (@present) or none
 * is; FALSE if that does not happen within PATIENCE_MS. */
static gboolean
wait_for_label (GtkWidget  *root,
                const char *name,
                gboolean    present)
{
  gint64 deadline = g_get_monotonic_time () + PATIENCE_MS * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      if ((find_named_label (root, name) != NULL) == present)
        return TRUE;
      shmlens_test_run_main_loop_for (50);
    }
  return FALSE;
}

static gboolean
wait_for_text_prefix (GtkWidget  *root,
                      const char *prefix)
{
  gint64 deadline = g_get_monotonic_time () + PATIENCE_MS * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      if (find_label_text_prefix (root, prefix) != NULL)
        return TRUE;
      shmlens_test_run_main_loop_for (50);
    }
  return FALSE;
}

typedef struct
{
  char *name;
  char *path;
  ShmlensSegment *segment;
  GtkWindow *window;
  GtkWidget *panel;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *ref = NULL;

  fixture->name = shmlens_test_posix_create ("panel", NULL, SEGMENT_SIZE);
  fixture->path = g_strconcat ("/dev/shm/", fixture->name, NULL);
  ref = g_strconcat ("/", fixture->name, NULL);
  fixture->segment = shmlens_test_resolve (ref);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 320, 480);
  fixture->panel = shmlens_attachments_panel_new ();
  gtk_window_set_child (fixture->window, fixture->panel);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->window, gtk_window_destroy);
  g_clear_object (&fixture->segment);
  shmlens_test_posix_remove (fixture->name);
  g_free (fixture->name);
  g_free (fixture->path);
}

static char *
pid_name (pid_t pid)
{
  return g_strdup_printf ("PID %d", (int) pid);
}

static char *
range_name (const Mapper *mapper)
{
  return g_strdup_printf ("Address range 0x%" G_GINT64_MODIFIER "x\xe2\x80\x93" "0x%"
                          G_GINT64_MODIFIER "x", mapper->start, mapper->start + SEGMENT_SIZE);
}

static void
test_mapper_appears_and_goes (Fixture       *fixture,
                              gconstpointer  data)
{
  Mapper mapper;
  g_autofree char *pid = NULL;
  g_autofree char *range = NULL;
  GtkLabel *pid_label, *range_label, *empty;
  GtkWidget *row;

  shmlens_attachments_panel_set_segment (SHMLENS_ATTACHMENTS_PANEL (fixture->panel), fixture->segment);
  gtk_window_present (fixture->window);

  /* nobody yet */
  g_assert_true (wait_for_text_prefix (GTK_WIDGET (fixture->window), "No process"));
  spawn_mapper (fixture->path, &mapper);
  pid = pid_name (mapper.pid);
  range = range_name (&mapper);

  g_assert_true (wait_for_label (GTK_WIDGET (fixture->window), pid, TRUE));
  pid_label = find_named_label (GTK_WIDGET (fixture->window), pid);
  g_assert_cmpstr (gtk_label_get_text (pid_label), ==, pid + strlen ("PID "));

  /* its row says where it maps the segment, and how */
  row = gtk_widget_get_ancestor (GTK_WIDGET (pid_label), GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (row);
  range_label = find_named_label (row, range);
  g_assert_nonnull (range_label);
  g_assert_cmpstr (gtk_label_get_text (range_label), ==, range + strlen ("Address range "));
  g_assert_nonnull (find_named_label (row, "Maps the segment"));
  g_assert_nonnull (find_named_label (row, "Permissions rw-s"));
  g_assert_nonnull (find_named_label (row, "Offset 0x0"));

  /* Refreshes keep an unchanged row: the same widget, not a new one. */
  g_object_add_weak_pointer (G_OBJECT (row), (gpointer *) &row);
  shmlens_test_run_main_loop_for (2500);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_mapped (row));
  g_object_remove_weak_pointer (G_OBJECT (row), (gpointer *) &row);

  kill_mapper (&mapper);
  g_assert_true (wait_for_label (GTK_WIDGET (fixture->window), pid, FALSE));

  /* Nobody left: the panel says so (and whether it could see every process). */
  empty = find_label_text_prefix (GTK_WIDGET (fixture->window), "No process");
  g_assert_nonnull (empty);
  g_assert_true (g_str_equal (gtk_label_get_text (empty), "No process maps or holds this segment (orphan).") ||
                 g_str_equal (gtk_label_get_text (empty),
                              "No process that could be inspected maps or holds this segment."));
}

/* Two processes, two rows, each with its own mapping. */
static void
test_two_mappers (Fixture       *fixture,
                  gconstpointer  data)
{
  Mapper first, second;
  g_autofree char *first_pid = NULL;
  g_autofree char *second_pid = NULL;
  g_autofree char *first_range = NULL;
  g_autofree char *second_range = NULL;
  GtkWidget *first_row, *second_row;

  spawn_mapper (fixture->path, &first);
  spawn_mapper (fixture->path, &second);
  first_pid = pid_name (first.pid);
  second_pid = pid_name (second.pid);
  first_range = range_name (&first);
  second_range = range_name (&second);

  shmlens_attachments_panel_set_segment (SHMLENS_ATTACHMENTS_PANEL (fixture->panel), fixture->segment);
  gtk_window_present (fixture->window);
  g_assert_true (wait_for_label (GTK_WIDGET (fixture->window), first_pid, TRUE));
  g_assert_true (wait_for_label (GTK_WIDGET (fixture->window), second_pid, TRUE));

  first_row = gtk_widget_get_ancestor (GTK_WIDGET (find_named_label (GTK_WIDGET (fixture->window),
                                                                     first_pid)),
                                       GTK_TYPE_LIST_BOX_ROW);
  second_row = gtk_widget_get_ancestor (GTK_WIDGET (find_named_label (GTK_WIDGET (fixture->window),
                                                                      second_pid)),
                                        GTK_TYPE_LIST_BOX_ROW);
  g_assert_true (first_row != second_row);
  g_assert_nonnull (find_named_label (first_row, first_range));
  g_assert_nonnull (find_named_label (second_row, second_range));
  /* sorted by process */
  g_assert_cmpint (gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (first_row)), <,
                   gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (second_row)));

  kill_mapper (&first);
  g_assert_true (wait_for_label (GTK_WIDGET (fixture->window), first_pid, FALSE));
  g_assert_nonnull (find_named_label (GTK_WIDGET (fixture->window), second_pid));
  kill_mapper (&second);
  g_assert_true (wait_for_label (GTK_WIDGET (fixture->window), second_pid, FALSE));
}

/* Hidden, the panel does not scan: a process that comes meanwhile is seen only once
 * the panel is back on screen. */
static void
test_no_refresh_while_hidden (Fixture       *fixture,
                              gconstpointer  data)
{
  Mapper mapper;
  g_autofree char *pid = NULL;

  shmlens_attachments_panel_set_segment (SHMLENS_ATTACHMENTS_PANEL (fixture->panel), fixture->segment);
  gtk_window_present (fixture->window);
  g_assert_true (wait_for_text_prefix (GTK_WIDGET (fixture->window), "No process"));

  gtk_widget_set_visible (fixture->panel, FALSE);
  g_assert_false (gtk_widget_get_mapped (fixture->panel));
  spawn_mapper (fixture->path, &mapper);
  pid = pid_name (mapper.pid);
  shmlens_test_run_main_loop_for (2500);
  gtk_widget_set_visible (fixture->panel, TRUE);
  /* the rows are as they were when it was hidden */
  g_assert_null (find_named_label (GTK_WIDGET (fixture->window), pid));

  g_assert_true (wait_for_label (GTK_WIDGET (fixture->window), pid, TRUE));
  kill_mapper (&mapper);
}

/* Another segment replaces the rows; no segment leaves the panel empty. */
static void
test_change_segment (Fixture       *fixture,
                     gconstpointer  data)
{
  Mapper mapper;
  g_autofree char *pid = NULL;
  g_autofree char *other_name = shmlens_test_posix_create ("panel-other", NULL, SEGMENT_SIZE);
  g_autofree char *other_ref = g_strconcat ("/", other_name, NULL);
  g_autoptr(ShmlensSegment) other = shmlens_test_resolve (other_ref);

  spawn_mapper (fixture->path, &mapper);
  pid = pid_name (mapper.pid);
  shmlens_attachments_panel_set_segment (SHMLENS_ATTACHMENTS_PANEL (fixture->panel), fixture->segment);
  gtk_window_present (fixture->window);
  g_assert_true (wait_for_label (GTK_WIDGET (fixture->window), pid, TRUE));

  /* the same segment again (a new object, as after a catalog refresh): rows stay */
  {
    g_autofree char *ref = g_strconcat ("/", fixture->name, NULL);
    g_autoptr(ShmlensSegment) again = shmlens_test_resolve (ref);

    shmlens_attachments_panel_set_segment (SHMLENS_ATTACHMENTS_PANEL (fixture->panel), again);
    g_assert_nonnull (find_named_label (GTK_WIDGET (fixture->window), pid));
  }

  shmlens_attachments_panel_set_segment (SHMLENS_ATTACHMENTS_PANEL (fixture->panel), other);
  g_assert_null (find_named_label (GTK_WIDGET (fixture->window), pid));
  g_assert_nonnull (find_label_text_prefix (GTK_WIDGET (fixture->window), "Each process"));
  g_assert_true (wait_for_text_prefix (GTK_WIDGET (fixture->window), "No process"));
  g_assert_null (find_named_label (GTK_WIDGET (fixture->window), pid));

  shmlens_attachments_panel_set_segment (SHMLENS_ATTACHMENTS_PANEL (fixture->panel), NULL);
  shmlens_test_run_main_loop_for (1500);
  g_assert_null (find_label_text_prefix (GTK_WIDGET (fixture->window), "No process"));

  kill_mapper (&mapper);
  shmlens_test_posix_remove (other_name);
}

/* Destroyed with a scan in flight: nothing runs on into freed memory. */
static void
test_destroy_while_scanning (Fixture       *fixture,
                             gconstpointer  data)
{
  shmlens_attachments_panel_set_segment (SHMLENS_ATTACHMENTS_PANEL (fixture->panel), fixture->segment);
  gtk_window_present (fixture->window);
  g_clear_pointer (&fixture->window, gtk_window_destroy);
  shmlens_test_run_main_loop_for (1500);
}


int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Under meson's TAP protocol an exit status of 77 counts as an error, not a skip:
   * without a display the tests report themselves skipped instead. */
  if (!shmlens_test_gtk_available ("attachments-panel"))
    return g_test_run ();

  g_test_add ("/shmlens/attachments-panel/mapper-appears-then-goes", Fixture, NULL,
              fixture_set_up, test_mapper_appears_and_goes, fixture_tear_down);
  g_test_add ("/shmlens/attachments-panel/each-process-its-own-row", Fixture, NULL,
              fixture_set_up, test_two_mappers, fixture_tear_down);
  g_test_add ("/shmlens/attachments-panel/no-refresh-while-hidden", Fixture, NULL,
              fixture_set_up, test_no_refresh_while_hidden, fixture_tear_down);
  g_test_add ("/shmlens/attachments-panel/change-of-segment", Fixture, NULL,
              fixture_set_up, test_change_segment, fixture_tear_down);
  g_test_add ("/shmlens/attachments-panel/destroy-while-scanning", Fixture, NULL,
              fixture_set_up, test_destroy_while_scanning, fixture_tear_down);

  return g_test_run ();
}
