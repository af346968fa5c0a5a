/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-segment-list.c: the sidebar lists real segments live: search, kinds, sorting, orphans. */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtk/gtk.h>

#include "shmlens-segment-list.h"
#include "shmlens-test-gtk.h"
#include "shmlens-test-util.h"

#define KiB ((gsize) 1024)
#define MiB (KiB * 1024)
#define TIMEOUT_US (20 * G_USEC_PER_SEC)

/* A segment list in a window large enough that every row of the test is on screen
 * (only rows on screen are bound to labels). */
typedef struct
{
  GtkWidget *window;
  ShmlensSegmentList *list;
  guint refreshes;
} Fixture;

static void
on_refreshed (Fixture *fixture)
{
  fixture->refreshes++;
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until @condition holds; fails the test after TIMEOUT_US. */
static void
wait_until (Condition   condition,
            gpointer    data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  guint tick = g_timeout_add (10, wake_up, NULL);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

/* Lets GTK lay out and draw what changed, so that rows are bound. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 150 * 1000;
  guint tick = g_timeout_add (10, wake_up, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

typedef struct
{
  Fixture *fixture;
  guint target;
} RefreshWait;

static gboolean
refreshed_enough (gpointer data)
{
  RefreshWait *wait = data;
  return wait->fixture->refreshes >= wait->target;
}

/* One refresh that starts after this call, merged into the model. */
static void
refresh (Fixture *fixture)
{
  RefreshWait wait = { fixture, fixture->refreshes + 1 };

  shmlens_segment_list_refresh_now (fixture->list);
  wait_until (refreshed_enough, &wait, "a refresh");
  settle ();
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
fixture_open (Fixture *fixture)
{
  RefreshWait wait = { fixture, 1 };

  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 700);
  fixture->list = SHMLENS_SEGMENT_LIST (shmlens_segment_list_new ());
  g_signal_connect_swapped (fixture->list, "refreshed", G_CALLBACK (on_refreshed), fixture);
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->list));
  gtk_window_present (GTK_WINDOW (fixture->window));
  wait_until (is_mapped, fixture->list, "the list to be mapped");
  /* mapping starts the first refresh */
  wait_until (refreshed_enough, &wait, "the first refresh");
}

static void
fixture_close (Fixture *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  settle ();
}

static GListModel *
shown (Fixture *fixture)
{
  return shmlens_segment_list_get_model (fixture->list);
}

/* The position of the POSIX segment named @name among the rows shown, or -1. */
static int
position_of (Fixture    *fixture,
             const char *name)
{
  GListModel *model = shown (fixture);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShmlensSegment) segment = g_list_model_get_item (model, i);
      if (shmlens_segment_get_kind (segment) == SHMLENS_SEGMENT_KIND_POSIX &&
          g_str_equal (shmlens_segment_get_name (segment), name))
        return (int) i;
    }
  return -1;
}

static ShmlensSegment *
segment_at (Fixture *fixture,
            int      position)
{
  g_assert_cmpint (position, >=, 0);
  return g_list_model_get_item (shown (fixture), position);
}


static void
collect_labels (GtkWidget  *root,
                const char *text,
                GPtrArray  *found)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    g_ptr_array_add (found, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, text, found);
}

/* The one label on screen whose text is @text, or NULL. */
static GtkLabel *
find_label (Fixture    *fixture,
            const char *text)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect_labels (GTK_WIDGET (fixture->list), text, found);
  g_assert_cmpuint (found->len, <=, 1);
  return found->len == 1 ? g_ptr_array_index (found, 0) : NULL;
}

static int
by_x (gconstpointer a,
      gconstpointer b)
{
  GtkWidget *first = *(GtkWidget **) a;
  GtkWidget *second = *(GtkWidget **) b;
  graphene_rect_t first_bounds, second_bounds;
  GtkWidget *row = gtk_widget_get_parent (first);

  g_assert_true (gtk_widget_compute_bounds (first, row, &first_bounds));
  g_assert_true (gtk_widget_compute_bounds (second, row, &second_bounds));
  return (first_bounds.origin.x > second_bounds.origin.x) -
         (first_bounds.origin.x < second_bounds.origin.x);
}

/* The label of the @column'th cell from the left, as a person reads the row whose
 * Name cell is @name_label. A cell's label sits in the cell, the cell in the row; the
 * cells of a column shown later are not in the order of the columns. */
static GtkLabel *
cell_label (GtkLabel *name_label,
            guint     column)
{
  GtkWidget *row = gtk_widget_get_parent (gtk_widget_get_parent (GTK_WIDGET (name_label)));
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  GtkWidget *cell;

  for (cell = gtk_widget_get_first_child (row); cell != NULL;
       cell = gtk_widget_get_next_sibling (cell))
    if (gtk_widget_get_mapped (cell))
      g_ptr_array_add (cells, cell);
  g_ptr_array_sort (cells, by_x);
  g_assert_cmpuint (column, <, cells->len);
  cell = g_ptr_array_index (cells, column);
  g_assert_true (GTK_IS_LABEL (gtk_widget_get_first_child (cell)));
  return GTK_LABEL (gtk_widget_get_first_child (cell));
}

static GtkColumnViewColumn *
column_titled (Fixture    *fixture,
               const char *title)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (shmlens_test_find_widget (GTK_WIDGET (fixture->list),
                                                      GTK_TYPE_COLUMN_VIEW));
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      if (g_str_equal (gtk_column_view_column_get_title (column), title))
        return column;
    }
  g_error ("no column titled %s", title);
}

/* Segments of one test are named "shmlens-test-seglist-WHAT<pid>-…", so that a
 * search for "seglist-WHAT<pid>-" finds them alone, whatever other runs leave. */
static char *
create_segment (const char *what,
                const char *which,
                gsize       size)
{
  g_autofree char *prefix = g_strdup_printf ("seglist-%s%d-%s", what, (int) getpid (), which);
  return shmlens_test_posix_create (prefix, NULL, size);
}

static char *
group (const char *what)
{
  return g_strdup_printf ("seglist-%s%d-", what, (int) getpid ());
}

/* What the Size and Resident cells show: IEC units, with a no-break space. */
static const char *
iec (guint64 size)
{
  static char *text;

  g_free (text);
  text = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
  return text;
}

static void
resize_posix (const char *name,
              gsize       size)
{
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  int fd = open (path, O_RDWR | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  close (fd);
}

#define ALL_ROWS G_MAXUINT

typedef struct
{
  Fixture *fixture;
  guint n_items;
} CountWait;

/* Other tests create and remove segments meanwhile: "all" is what the catalog holds
 * at the moment of the check. */
static gboolean
count_is (gpointer data)
{
  CountWait *wait = data;
  guint n = g_list_model_get_n_items (shown (wait->fixture));

  if (wait->n_items == ALL_ROWS)
    return n == g_list_model_get_n_items (
      G_LIST_MODEL (shmlens_segment_list_get_catalog (wait->fixture->list)));
  return n == wait->n_items;
}

/* Types into the search entry as a person would; the entry reports after a delay. */
static void
search (Fixture    *fixture,
        const char *text,
        guint       expected_rows)
{
  GtkWidget *entry = shmlens_test_find_widget (GTK_WIDGET (fixture->list), GTK_TYPE_SEARCH_ENTRY);
  CountWait wait = { fixture, expected_rows };

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  wait_until (count_is, &wait, "the search to filter");
  settle ();
}

static void
test_appears_within_one_refresh (void)
{
  Fixture f = { 0 };
  g_autofree char *name = NULL;
  g_autofree char *display = NULL;
  g_autoptr(ShmlensSegment) segment = NULL;
  GtkLabel *label, *size_label;

  fixture_open (&f);
  name = shmlens_test_posix_create ("seglist-appear", NULL, 64 * KiB);
  refresh (&f);

  g_assert_cmpint (position_of (&f, name), >=, 0);
  segment = segment_at (&f, position_of (&f, name));
  display = shmlens_segment_dup_display_name (segment);

  /* narrow the list down to it, so that its row is on screen */
  search (&f, name, 1);
  label = find_label (&f, display);
  g_assert_nonnull (label);
  /* a screen reader (and the end-to-end tests) find the row by the name */
  g_assert_null (gtk_test_accessible_check_property (GTK_ACCESSIBLE (label),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL, display));
  size_label = cell_label (label, 2);
  g_assert_cmpstr (gtk_label_get_text (size_label), ==, iec (64 * KiB));
  g_assert_cmpstr (gtk_label_get_text (cell_label (label, 1)), ==, "POSIX");

  shmlens_test_posix_remove (name);
  fixture_close (&f);
}

/* Names are untrusted bytes: the cell shows the escaped name, never raw control
 * characters. */
static void
test_names_escaped (void)
{
  Fixture f = { 0 };
  g_autofree char *base = shmlens_test_posix_create ("seglist-escape", NULL, 4096);
  g_autofree char *name = g_strconcat (base, "-line\nbreak\x01", NULL);
  g_autofree char *from = g_strconcat ("/dev/shm/", base, NULL);
  g_autofree char *to = g_strconcat ("/dev/shm/", name, NULL);
  g_autofree char *display = NULL;
  g_autoptr(ShmlensSegment) segment = NULL;
  GtkLabel *label;

  g_assert_cmpint (rename (from, to), ==, 0);
  fixture_open (&f);
  search (&f, base, 1);
  segment = segment_at (&f, 0);
  g_assert_cmpstr (shmlens_segment_get_name (segment), ==, name);
  display = shmlens_segment_dup_display_name (segment);
  g_assert_null (strchr (display, '\n'));
  label = find_label (&f, display);
  g_assert_nonnull (label);
  g_assert_null (strchr (gtk_label_get_text (label), '\n'));
  g_assert_nonnull (strstr (gtk_label_get_text (label), "\\n"));

  shmlens_test_posix_remove (name);
  fixture_close (&f);
}

static void
test_search_filters (void)
{
  Fixture f = { 0 };
  g_autofree char *first = create_segment ("search", "Alpha", 4096);
  g_autofree char *second = create_segment ("search", "beta", 4096);
  g_autofree char *upper = NULL;
  g_autofree char *part = NULL;
  GtkWidget *stack;

  fixture_open (&f);
  g_assert_cmpint (position_of (&f, first), >=, 0);
  g_assert_cmpint (position_of (&f, second), >=, 0);

  search (&f, first, 1);
  g_assert_cmpint (position_of (&f, first), ==, 0);
  g_assert_cmpint (position_of (&f, second), ==, -1);

  /* case does not matter */
  upper = g_ascii_strup (first, -1);
  search (&f, upper, 1);
  g_assert_cmpint (position_of (&f, first), ==, 0);

  /* a part of the name is enough; "alpha" also finds "Alpha" */
  part = g_strdup_printf ("seglist-search%d-alpha", (int) getpid ());
  search (&f, part, 1);
  g_assert_cmpint (position_of (&f, first), ==, 0);

  /* nothing matches: the placeholder says so */
  search (&f, "no segment is called this 7f3a", 0);
  /* the list's own stack, not one inside the drop-down's popover */
  for (stack = gtk_widget_get_first_child (GTK_WIDGET (f.list)); !GTK_IS_STACK (stack);
       stack = gtk_widget_get_next_sibling (stack))
    ;
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  g_assert_nonnull (find_label (&f, "No Matching Segments"));

  /* cleared: both are back */
  search (&f, "", ALL_ROWS);
  g_assert_cmpint (position_of (&f, first), >=, 0);
  g_assert_cmpint (position_of (&f, second), >=, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "list");

  shmlens_test_posix_remove (first);
  shmlens_test_posix_remove (second);
  fixture_close (&f);
}

typedef struct
{
  Fixture *fixture;
  const char *name;
  gboolean present;
} PresenceWait;

static gboolean
presence_is (gpointer data)
{
  PresenceWait *wait = data;
  return (position_of (wait->fixture, wait->name) >= 0) == wait->present;
}

static void
choose_kind (Fixture    *fixture,
             guint       index,
             const char *name,
             gboolean    present)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (shmlens_test_find_widget (GTK_WIDGET (fixture->list),
                                                     GTK_TYPE_DROP_DOWN));
  PresenceWait wait = { fixture, name, present };

  gtk_drop_down_set_selected (dropdown, index);
  wait_until (presence_is, &wait, "the kind filter");
}

static void
test_kind_filter (void)
{
  Fixture f = { 0 };
  g_autofree char *name = shmlens_test_posix_create ("seglist-kind", NULL, 4096);
  GListModel *model;
  GtkDropDown *dropdown;

  fixture_open (&f);
  dropdown = GTK_DROP_DOWN (shmlens_test_find_widget (GTK_WIDGET (f.list), GTK_TYPE_DROP_DOWN));
  g_assert_nonnull (dropdown);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 5);
  g_assert_cmpint (position_of (&f, name), >=, 0);

  /* System V only: no POSIX segment is left */
  choose_kind (&f, 2, name, FALSE);
  model = shown (&f);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ShmlensSegment) segment = g_list_model_get_item (model, i);
      g_assert_cmpint (shmlens_segment_get_kind (segment), ==, SHMLENS_SEGMENT_KIND_SYSV);
    }

  /* POSIX only: it is back, alone with its kind */
  choose_kind (&f, 1, name, TRUE);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ShmlensSegment) segment = g_list_model_get_item (model, i);
      g_assert_cmpint (shmlens_segment_get_kind (segment), ==, SHMLENS_SEGMENT_KIND_POSIX);
    }

  /* memfd only, then all kinds */
  choose_kind (&f, 3, name, FALSE);
  choose_kind (&f, 0, name, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (shmlens_segment_list_get_catalog (f.list))));

  shmlens_test_posix_remove (name);
  fixture_close (&f);
}

/* Sizes sort as numbers: as text, "2.0 MiB" would come before "900.0 KiB". The
 * default order is kind, then name. */
static void
test_sort_by_size (void)
{
  Fixture f = { 0 };
  g_autofree char *big = create_segment ("sort", "a", 2 * MiB);
  g_autofree char *tiny = create_segment ("sort", "b", 10);
  g_autofree char *middle = create_segment ("sort", "c", 900 * KiB);
  g_autofree char *mine = group ("sort");
  GtkColumnView *view;

  fixture_open (&f);
  /* only this test's segments (other tests may run beside this one) */
  search (&f, mine, 3);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(ShmlensSegment) segment = segment_at (&f, i);
      g_assert_nonnull (strstr (shmlens_segment_get_name (segment), mine));
    }
  /* by kind, then name */
  g_assert_cmpint (position_of (&f, big), <, position_of (&f, tiny));
  g_assert_cmpint (position_of (&f, tiny), <, position_of (&f, middle));

  view = GTK_COLUMN_VIEW (shmlens_test_find_widget (GTK_WIDGET (f.list), GTK_TYPE_COLUMN_VIEW));
  gtk_column_view_sort_by_column (view, column_titled (&f, "Size"), GTK_SORT_ASCENDING);
  settle ();
  g_assert_cmpint (position_of (&f, tiny), ==, 0);
  g_assert_cmpint (position_of (&f, middle), ==, 1);
  g_assert_cmpint (position_of (&f, big), ==, 2);

  gtk_column_view_sort_by_column (view, column_titled (&f, "Size"), GTK_SORT_DESCENDING);
  settle ();
  g_assert_cmpint (position_of (&f, big), ==, 0);
  g_assert_cmpint (position_of (&f, middle), ==, 1);
  g_assert_cmpint (position_of (&f, tiny), ==, 2);

  /* a segment that grows past the others moves: sort keys follow the segments */
  resize_posix (tiny, 4 * MiB);
  refresh (&f);
  g_assert_cmpint (position_of (&f, tiny), ==, 0);
  g_assert_cmpint (position_of (&f, big), ==, 1);

  shmlens_test_posix_remove (big);
  shmlens_test_posix_remove (tiny);
  shmlens_test_posix_remove (middle);
  fixture_close (&f);
}

typedef struct
{
  GtkLabel *label;
  const char *text;
} LabelWait;

/* After a resize the row is the same object in the same place: its labels are
 * rewritten, and the selection stays. */
static void
test_resize_updates_row (void)
{
  Fixture f = { 0 };
  g_autofree char *first = create_segment ("resize", "1", 4096);
  g_autofree char *second = create_segment ("resize", "2", 8192);
  g_autofree char *third = create_segment ("resize", "3", 4096);
  g_autofree char *mine = group ("resize");
  g_autoptr(ShmlensSegment) selected = NULL;
  GtkSingleSelection *selection;
  GtkLabel *name_label, *size_label;
  int position;

  fixture_open (&f);
  search (&f, mine, 3);
  position = position_of (&f, second);
  g_assert_cmpint (position, ==, 1);
  selection = GTK_SINGLE_SELECTION (shown (&f));
  gtk_single_selection_set_selected (selection, position);
  selected = segment_at (&f, position);
  g_assert_true (shmlens_segment_list_get_selected_segment (f.list) == selected);
  settle ();

  name_label = find_label (&f, second);
  g_assert_nonnull (name_label);
  size_label = cell_label (name_label, 2);
  g_assert_cmpstr (gtk_label_get_text (size_label), ==, iec (8 * KiB));

  resize_posix (second, 3 * MiB);
  refresh (&f);

  g_assert_cmpint (position_of (&f, second), ==, position);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, (guint) position);
  g_assert_true (gtk_single_selection_get_selected_item (selection) == (gpointer) selected);
  g_assert_cmpuint (shmlens_segment_get_size (selected), ==, 3 * MiB);
  /* the same row, rewritten */
  g_assert_true (find_label (&f, second) == name_label);
  g_assert_cmpstr (gtk_label_get_text (size_label), ==, iec (3 * MiB));

  /* removed: the row goes */
  shmlens_test_posix_remove (second);
  refresh (&f);
  g_assert_cmpint (position_of (&f, second), ==, -1);
  g_assert_null (find_label (&f, second));
  g_assert_cmpuint (g_list_model_get_n_items (shown (&f)), ==, 2);

  shmlens_test_posix_remove (first);
  shmlens_test_posix_remove (third);
  fixture_close (&f);
}

/* A child that maps the segment and waits until told to go (or until we die). */
static pid_t
spawn_holder (const char *name,
              int        *release)
{
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  int ready[2], done[2];
  pid_t parent = getpid ();
  pid_t pid;
  char c = 'x';

  g_assert_cmpint (pipe (ready), ==, 0);
  g_assert_cmpint (pipe (done), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* only async-signal-safe calls: the parent has threads */
      int fd;
      void *map;

      prctl (PR_SET_PDEATHSIG, SIGKILL);
      if (getppid () != parent)
        _exit (1);
      close (done[1]);
      fd = open (path, O_RDONLY | O_CLOEXEC);
      map = fd >= 0 ? mmap (NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
      if (map == MAP_FAILED)
        _exit (1);
      close (fd);
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
test_orphans_marked (void)
{
  Fixture f = { 0 };
  g_autofree char *unheld = create_segment ("orphan", "1", 4096);
  g_autofree char *held = create_segment ("orphan", "2", 4096);
  g_autofree char *mine = group ("orphan");
  g_autoptr(ShmlensSegment) held_segment = NULL;
  g_autoptr(ShmlensSegment) unheld_segment = NULL;
  GtkLabel *unheld_attached, *held_attached;
  int release;
  pid_t child = spawn_holder (held, &release);

  fixture_open (&f);
  search (&f, mine, 2);
  unheld_segment = segment_at (&f, position_of (&f, unheld));
  held_segment = segment_at (&f, position_of (&f, held));
  g_assert_true (shmlens_segment_is_orphan (unheld_segment));
  g_assert_false (shmlens_segment_is_orphan (held_segment));

  /* Attached is the last column shown */
  unheld_attached = GTK_LABEL (cell_label (find_label (&f, unheld), 3));
  held_attached = GTK_LABEL (cell_label (find_label (&f, held), 3));
  g_assert_cmpstr (gtk_label_get_text (unheld_attached), ==, "orphan");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (unheld_attached), "shmlens-orphan"));
  g_assert_cmpstr (gtk_label_get_text (held_attached), ==, "1");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (held_attached), "shmlens-orphan"));

  /* the holder exits: at the next refresh the same row says orphan */
  close (release);
  g_assert_cmpint (waitpid (child, NULL, 0), ==, child);
  refresh (&f);
  g_assert_true (shmlens_segment_is_orphan (held_segment));
  g_assert_cmpstr (gtk_label_get_text (held_attached), ==, "orphan");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (held_attached), "shmlens-orphan"));

  shmlens_test_posix_remove (unheld);
  shmlens_test_posix_remove (held);
  fixture_close (&f);
}

static void
on_activated (ShmlensSegment **out,
              ShmlensSegment  *segment)
{
  g_set_object (out, segment);
}

static void
test_activation (void)
{
  Fixture f = { 0 };
  g_autofree char *first = create_segment ("activate", "1", 4096);
  g_autofree char *second = create_segment ("activate", "2", 4096);
  g_autofree char *mine = group ("activate");
  g_autoptr(ShmlensSegment) activated = NULL;
  g_autoptr(ShmlensSegment) expected = NULL;
  g_autoptr(ShmlensSegment) first_shown = NULL;
  GtkWidget *view, *rows, *entry;
  int position;

  fixture_open (&f);
  g_signal_connect_swapped (f.list, "segment-activated", G_CALLBACK (on_activated), &activated);
  search (&f, mine, 2);
  position = position_of (&f, second);
  expected = segment_at (&f, position);

  /* Enter or a double-click on a row activates it through the list's action */
  view = shmlens_test_find_widget (GTK_WIDGET (f.list), GTK_TYPE_COLUMN_VIEW);
  rows = shmlens_test_find_widget (view, GTK_TYPE_LIST_VIEW);
  g_assert_nonnull (rows);
  g_assert_true (gtk_widget_activate_action (rows, "list.activate-item", "u", (guint) position));
  g_assert_true (activated == expected);

  /* Enter in the search entry opens the selected row, or else the first */
  g_clear_object (&activated);
  entry = shmlens_test_find_widget (GTK_WIDGET (f.list), GTK_TYPE_SEARCH_ENTRY);
  first_shown = segment_at (&f, 0);
  g_assert_null (shmlens_segment_list_get_selected_segment (f.list));
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (activated == first_shown);

  g_clear_object (&activated);
  g_assert_true (shmlens_segment_list_select_segment (f.list, expected));
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (activated == expected);

  shmlens_test_posix_remove (first);
  shmlens_test_posix_remove (second);
  fixture_close (&f);
}

/* The optional columns appear on request, with the row's values. */
static void
test_optional_columns (void)
{
  Fixture f = { 0 };
  g_autofree char *name = shmlens_test_posix_create ("seglist-columns", NULL, 3 * MiB);
  g_autofree char *owner = NULL;
  GtkLabel *name_label;

  fixture_open (&f);
  g_assert_false (shmlens_segment_list_get_show_resident (f.list));
  g_assert_false (shmlens_segment_list_get_show_owner (f.list));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.list), "segment-list.show-resident",
                                             NULL));
  g_object_set (f.list, "show-owner", TRUE, NULL);
  g_assert_true (shmlens_segment_list_get_show_resident (f.list));
  search (&f, name, 1);
  g_assert_true (cell_label (find_label (&f, name), 0) == find_label (&f, name));

  name_label = find_label (&f, name);
  g_assert_nonnull (name_label);
  /* Name, Kind, Size, Resident, Owner, Attached; a sparse segment holds nothing */
  g_assert_cmpstr (gtk_label_get_text (cell_label (name_label, 2)), ==, iec (3 * MiB));
  g_assert_cmpstr (gtk_label_get_text (cell_label (name_label, 3)), ==, iec (0));
  owner = g_strdup (g_get_user_name ());
  g_assert_cmpstr (gtk_label_get_text (cell_label (name_label, 4)), ==, owner);
  g_assert_cmpstr (gtk_label_get_text (cell_label (name_label, 5)), ==, "orphan");

  shmlens_test_posix_remove (name);
  fixture_close (&f);
}


int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Under meson's TAP protocol an exit status of 77 counts as an error, not a skip:
   * without a display the tests report themselves skipped instead. */
  if (!shmlens_test_gtk_available ("segment-list"))
    return g_test_run ();

  g_test_add_func ("/shmlens/segment-list/appears-within-one-refresh",
                   test_appears_within_one_refresh);
  g_test_add_func ("/shmlens/segment-list/names-escaped", test_names_escaped);
  g_test_add_func ("/shmlens/segment-list/search-filters-by-name", test_search_filters);
  g_test_add_func ("/shmlens/segment-list/kind-filter", test_kind_filter);
  g_test_add_func ("/shmlens/segment-list/sizes-sort-as-numbers", test_sort_by_size);
  g_test_add_func ("/shmlens/segment-list/resize-updates-row-and-keeps-selection",
                   test_resize_updates_row);
  g_test_add_func ("/shmlens/segment-list/orphans-marked", test_orphans_marked);
  g_test_add_func ("/shmlens/segment-list/activation-emits-segment", test_activation);
  g_test_add_func ("/shmlens/segment-list/optional-columns", test_optional_columns);

  return g_test_run ();
}
