/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hex-view.c: the hex view over real segments: geometry, keys, copy, highlights, find. */
#include "config.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "shmlens-hex-view.h"
#include "shmlens-hex-view-private.h"
#include "shmlens-reader.h"
#include "shmlens-test-gtk.h"
#include "shmlens-test-util.h"
#include "shmlens-tracker.h"

#define KiB ((guint64) 1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

typedef struct
{
  char *name;
  ShmlensReader *reader;
  ShmlensTracker *tracker;
  GtkWidget *window;
  GtkWidget *scroller;
  ShmlensHexView *view;
} Fixture;

/* Runs the main loop for @ms milliseconds: long enough for a few frames of layout. */
static void
settle_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
settle (void)
{
  settle_for (150);
}

static void
wait_for_allocation (Fixture *f)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (shmlens_hex_view_get_effective_bytes_per_row (f->view) == 0 ||
         gtk_widget_get_height (GTK_WIDGET (f->view)) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  settle ();
}

static void
fixture_open (Fixture      *f,
              const guint8 *data,
              gsize         size,
              guint         bytes_per_row,
              int           width,
              int           height)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = NULL;
  g_autoptr(ShmlensSegment) segment = NULL;

  f->name = shmlens_test_posix_create ("hex-view", data, size);
  ref = g_strconcat ("/", f->name, NULL);
  segment = shmlens_test_resolve (ref);
  f->reader = shmlens_reader_open (segment, &error);
  g_assert_no_error (error);
  f->tracker = shmlens_tracker_new (f->reader);

  f->window = gtk_window_new ();
  gtk_window_set_decorated (GTK_WINDOW (f->window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  f->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_overlay_scrolling (GTK_SCROLLED_WINDOW (f->scroller), FALSE);
  f->view = SHMLENS_HEX_VIEW (shmlens_hex_view_new ());
  shmlens_hex_view_set_bytes_per_row (f->view, bytes_per_row);
  shmlens_hex_view_set_tracker (f->view, f->tracker);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (f->scroller), GTK_WIDGET (f->view));
  gtk_window_set_child (GTK_WINDOW (f->window), f->scroller);
  gtk_window_present (GTK_WINDOW (f->window));
  wait_for_allocation (f);
  gtk_widget_grab_focus (GTK_WIDGET (f->view));
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (f->view)));
}

static void
fixture_close (Fixture *f)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* The view and the tracker go away with the window: nothing keeps them alive. */
  g_object_add_weak_pointer (G_OBJECT (f->view), (gpointer *) &f->view);
  g_object_add_weak_pointer (G_OBJECT (f->tracker), (gpointer *) &f->tracker);
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  g_object_unref (f->tracker);
  while (f->view != NULL || f->tracker != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_clear_object (&f->reader);
  shmlens_test_posix_remove (f->name);
  g_clear_pointer (&f->name, g_free);
}

/* Bytes 0, 1, 2, … 255, 0, 1, …: every offset's byte is offset % 256. */
static guint8 *
counting (gsize size)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) i;
  return data;
}

static guint64
page_rows (Fixture *f)
{
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (f->view));

  return (guint64) gtk_adjustment_get_page_size (vadjustment) /
         shmlens_hex_view_get_row_height (f->view);
}

static guint64
visible_start (Fixture *f)
{
  guint64 start = G_MAXUINT64, end = 0;

  shmlens_hex_view_get_visible_range (f->view, &start, &end);
  return start;
}

static guint64
visible_end (Fixture *f)
{
  guint64 start = 0, end = 0;

  shmlens_hex_view_get_visible_range (f->view, &start, &end);
  return end;
}

/* Activates the view's own key binding for @keyval + @modifiers, as a key press would:
 * the shortcut is looked up in the widget's shortcut controllers, so a binding that is
 * missing or bound to the wrong thing fails the test. */
static void
press (Fixture         *f,
       guint            keyval,
       GdkModifierType  modifiers)
{
  GtkWidget *widget = GTK_WIDGET (f->view);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                           widget,
                                                           gtk_shortcut_get_arguments (shortcut)));
              settle_for (30);
              return;
            }
        }
    }
  g_error ("no key binding for %s with modifiers 0x%x", gdk_keyval_name (keyval), modifiers);
}

static void
assert_selection (Fixture  *f,
                  gboolean  expected_selected,
                  guint64   expected_start,
                  guint64   expected_end)
{
  guint64 start = 0, end = 0;
  gboolean selected = shmlens_hex_view_get_selection (f->view, &start, &end);

  g_assert_cmpint (selected, ==, expected_selected);
  g_assert_cmpuint (start, ==, expected_start);
  g_assert_cmpuint (end, ==, expected_end);
}

static void
refresh (Fixture *f,
         gint64   now)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (shmlens_tracker_refresh (f->tracker, now, &error));
  g_assert_no_error (error);
  shmlens_hex_view_refreshed (f->view, now);
}

/* Geometry */

static void
test_geometry_fit_width (void)
{
  g_autofree guint8 *data = counting (4096);
  int w8, w16, w32;
  Fixture f = { 0 };

  fixture_open (&f, data, 4096, 0, 300, 300);

  w8 = shmlens_hex_view_get_width_for_bytes_per_row (f.view, 8);
  w16 = shmlens_hex_view_get_width_for_bytes_per_row (f.view, 16);
  w32 = shmlens_hex_view_get_width_for_bytes_per_row (f.view, 32);
  g_assert_cmpint (w8, >, 100);
  g_assert_cmpint (w8, <, w16);
  g_assert_cmpint (w16, <, w32);

  g_assert_cmpuint (shmlens_hex_view_get_bytes_per_row_for_width (f.view, 10), ==, 8);
  g_assert_cmpuint (shmlens_hex_view_get_bytes_per_row_for_width (f.view, w16 - 1), ==, 8);
  g_assert_cmpuint (shmlens_hex_view_get_bytes_per_row_for_width (f.view, w16), ==, 16);
  g_assert_cmpuint (shmlens_hex_view_get_bytes_per_row_for_width (f.view, w32 - 1), ==, 16);
  g_assert_cmpuint (shmlens_hex_view_get_bytes_per_row_for_width (f.view, w32), ==, 32);
  g_assert_cmpuint (shmlens_hex_view_get_bytes_per_row_for_width (f.view, 100000), ==, 32);

  /* The real allocation follows: the window grows, the rows get wider. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f.view)), <, w16);
  g_assert_cmpuint (shmlens_hex_view_get_effective_bytes_per_row (f.view), ==, 8);
  gtk_widget_set_size_request (f.scroller, w16 + 40, -1);
  settle ();
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f.view)), >=, w16);
  g_assert_cmpuint (shmlens_hex_view_get_effective_bytes_per_row (f.view), ==, 16);
  gtk_widget_set_size_request (f.scroller, w32 + 40, -1);
  settle ();
  g_assert_cmpuint (shmlens_hex_view_get_effective_bytes_per_row (f.view), ==, 32);
  /* The setting stays "fit". */
  g_assert_cmpuint (shmlens_hex_view_get_bytes_per_row (f.view), ==, 0);

  /* Grouping widens the hex column. */
  shmlens_hex_view_set_group_size (f.view, 4);
  g_assert_cmpint (shmlens_hex_view_get_width_for_bytes_per_row (f.view, 16), <, w16);
  shmlens_hex_view_set_group_size (f.view, 1);

  fixture_close (&f);
}

static void
test_geometry_fixed (void)
{
  g_autofree guint8 *data = counting (4096);
  const guint settings[] = { 8, 16, 32 };
  Fixture f = { 0 };

  fixture_open (&f, data, 4096, 16, 500, 400);
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (f.view));
      guint64 rows = 4096 / settings[i];

      shmlens_hex_view_set_bytes_per_row (f.view, settings[i]);
      settle ();
      g_assert_cmpuint (shmlens_hex_view_get_bytes_per_row (f.view), ==, settings[i]);
      g_assert_cmpuint (shmlens_hex_view_get_effective_bytes_per_row (f.view), ==, settings[i]);
      g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment), ==,
                         (double) (rows * shmlens_hex_view_get_row_height (f.view)));
      /* The tracker's window is whole rows from the top. */
      g_assert_cmpuint (visible_start (&f), ==, 0);
      g_assert_cmpuint (visible_end (&f) % settings[i], ==, 0);
      g_assert_cmpuint (visible_end (&f), ==,
                        shmlens_tracker_get_window_length (f.tracker));
    }
  fixture_close (&f);
}

/* The vertical adjustment counts pixels: row N starts at N × row height, and the view
 * sets the tracker's window to the rows that are on screen, partly visible ones too. */
static void
test_geometry_rows_and_offsets (void)
{
  g_autofree guint8 *data = counting (64 * KiB);
  GtkAdjustment *vadjustment;
  int row_height;
  guint64 rows;
  Fixture f = { 0 };

  fixture_open (&f, data, 64 * KiB, 16, 600, 400);
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (f.view));
  row_height = shmlens_hex_view_get_row_height (f.view);
  rows = page_rows (&f);
  g_assert_cmpuint (rows, >, 4);

  gtk_adjustment_set_value (vadjustment, 10 * row_height);
  g_assert_cmpuint (visible_start (&f), ==, 10 * 16);
  g_assert_cmpuint (shmlens_tracker_get_window_offset (f.tracker), ==, 10 * 16);
  g_assert_cmpuint (shmlens_tracker_get_valid_length (f.tracker), ==,
                    shmlens_tracker_get_window_length (f.tracker));

  /* Three pixels further: row 10 is still partly on screen. */
  gtk_adjustment_set_value (vadjustment, 10 * row_height + 3);
  g_assert_cmpuint (visible_start (&f), ==, 10 * 16);
  g_assert_cmpuint (visible_end (&f), >=, (10 + rows + 1) * 16);

  /* Scrolling to an offset far away shows its row, with some context above. */
  shmlens_hex_view_scroll_to_offset (f.view, 0x8000);
  g_assert_cmpuint (visible_start (&f), <, 0x8000);
  g_assert_cmpuint (visible_end (&f), >, 0x8000);
  g_assert_cmpuint (visible_start (&f), >, 0x8000 - rows * 16);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==,
                     (double) (visible_start (&f) / 16 * row_height));

  /* An offset already on screen does not scroll. */
  shmlens_hex_view_scroll_to_offset (f.view, 0x8000 + 16);
  g_assert_cmpuint (visible_start (&f), <, 0x8000);

  /* The end: the last row is the last one on screen. */
  shmlens_hex_view_scroll_to_offset (f.view, 64 * KiB - 1);
  g_assert_cmpuint (visible_end (&f), ==, 64 * KiB);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==,
                     gtk_adjustment_get_upper (vadjustment) -
                     gtk_adjustment_get_page_size (vadjustment));

  fixture_close (&f);
}

/* 64 GiB, sparse: the adjustment's upper bound is exact, the last byte is reachable,
 * and what is read is what is on screen. */
static void
test_geometry_huge_sparse (void)
{
  const guint8 marker = 'M';
  guint64 size = 64 * GiB;
  GtkAdjustment *vadjustment;
  int row_height;
  Fixture f = { 0 };

  fixture_open (&f, NULL, size, 16, 700, 400);
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (f.view));
  row_height = shmlens_hex_view_get_row_height (f.view);

  g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment), ==,
                     (double) (size / 16 * (guint64) row_height));
  g_assert_cmpuint ((guint64) gtk_adjustment_get_upper (vadjustment), ==,
                    size / 16 * (guint64) row_height);

  shmlens_hex_view_set_cursor (f.view, size - 1, FALSE);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, size - 1);
  g_assert_cmpuint (visible_end (&f), ==, size);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==,
                     gtk_adjustment_get_upper (vadjustment) -
                     gtk_adjustment_get_page_size (vadjustment));
  g_assert_cmpuint (shmlens_tracker_get_window_length (f.tracker), <, 64 * KiB);

  /* One row exactly: a row at 40 GiB is where pixels say it is. */
  shmlens_test_posix_write (f.name, 40 * GiB + 0x10, &marker, 1);
  gtk_adjustment_set_value (vadjustment, (double) (40 * GiB / 16 * (guint64) row_height));
  g_assert_cmpuint (visible_start (&f), ==, 40 * GiB);
  shmlens_hex_view_set_cursor (f.view, 40 * GiB + 0x10, FALSE);
  gtk_test_accessible_assert_property (f.view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Offset 0xa00000010: 0x4d 'M'");

  /* Past the end is clamped to the last byte. */
  shmlens_hex_view_set_cursor (f.view, G_MAXUINT64, FALSE);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, size - 1);

  fixture_close (&f);
}

/* 4 EiB: more pixels than a double holds exactly. The adjustment then counts groups
 * of rows, and keys still move by exact rows. */
static void
test_geometry_beyond_exact_pixels (void)
{
  const guint8 marker = 'M';
  guint64 size = (guint64) 1 << 62;
  guint64 middle_start, rows;
  GtkAdjustment *vadjustment;
  Fixture f = { 0 };

  fixture_open (&f, NULL, size, 16, 700, 400);
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (f.view));
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment), <, 9007199254740992.0);

  press (&f, GDK_KEY_End, GDK_CONTROL_MASK);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, size - 1);
  g_assert_cmpuint (visible_end (&f), ==, size);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), <=,
                     gtk_adjustment_get_upper (vadjustment));

  press (&f, GDK_KEY_Home, GDK_CONTROL_MASK);
  g_assert_cmpuint (visible_start (&f), ==, 0);

  /* The scrollbar dragged to the middle shows the middle. */
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment) / 2);
  middle_start = visible_start (&f);
  g_assert_cmpuint (middle_start, >, size / 2 - size / 100);
  g_assert_cmpuint (middle_start, <, size / 2 + size / 100);
  g_assert_cmpuint (middle_start % 16, ==, 0);

  /* Rows stay exact: a cursor there moves by whole rows. */
  shmlens_test_posix_write (f.name, middle_start + 0x15, &marker, 1);
  shmlens_hex_view_set_cursor (f.view, middle_start + 0x15, FALSE);
  g_assert_cmpuint (visible_start (&f), ==, middle_start);
  refresh (&f, g_get_monotonic_time ());
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, middle_start + 0x15);
  {
    g_autofree char *description =
      g_strdup_printf ("Offset 0x%" G_GINT64_MODIFIER "x: 0x4d 'M'", middle_start + 0x15);
    gtk_test_accessible_assert_property (f.view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                         description);
  }
  press (&f, GDK_KEY_Down, 0);
  press (&f, GDK_KEY_Up, 0);
  g_assert_cmpuint (visible_start (&f), ==, middle_start);
  /* A page is the rows wholly below the header. */
  {
    graphene_rect_t top_row;

    g_assert_true (shmlens_hex_view_get_byte_area (f.view, middle_start, FALSE, &top_row));
    rows = (guint64) ((gtk_widget_get_height (GTK_WIDGET (f.view)) - (int) top_row.origin.y) /
                      shmlens_hex_view_get_row_height (f.view));
  }
  g_assert_cmpuint (rows, >, 10);
  press (&f, GDK_KEY_Page_Down, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, middle_start + 0x15 + rows * 16);
  fixture_close (&f);
}

/* Navigation */

static void
test_navigation_arrows (void)
{
  g_autofree guint8 *data = counting (4096);
  Fixture f = { 0 };

  fixture_open (&f, data, 4096, 16, 600, 400);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 0);
  press (&f, GDK_KEY_Right, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 1);
  press (&f, GDK_KEY_Down, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 17);
  press (&f, GDK_KEY_KP_Down, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 33);
  press (&f, GDK_KEY_Up, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 17);
  press (&f, GDK_KEY_Left, 0);
  press (&f, GDK_KEY_Left, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 15);
  press (&f, GDK_KEY_Up, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 15);
  shmlens_hex_view_set_cursor (f.view, 0, FALSE);
  press (&f, GDK_KEY_Left, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 0);
  assert_selection (&f, FALSE, 0, 1);
  fixture_close (&f);
}

static void
test_navigation_page_down (void)
{
  g_autofree guint8 *data = counting (64 * KiB);
  guint64 rows;
  Fixture f = { 0 };

  fixture_open (&f, data, 64 * KiB, 16, 600, 400);
  rows = page_rows (&f);
  shmlens_hex_view_set_cursor (f.view, 3, FALSE);

  press (&f, GDK_KEY_Page_Down, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 3 + rows * 16);
  /* The rows move with the cursor: it keeps its place on screen. */
  g_assert_cmpuint (visible_start (&f), ==, rows * 16);
  press (&f, GDK_KEY_Page_Down, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 3 + 2 * rows * 16);
  g_assert_cmpuint (visible_start (&f), ==, 2 * rows * 16);

  /* Near the end, Page Down stops on the last row, in the same column; on the last
   * row, it goes to the last byte. */
  shmlens_hex_view_set_cursor (f.view, 64 * KiB - 16 * 3 + 5, FALSE);
  press (&f, GDK_KEY_Page_Down, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 64 * KiB - 16 + 5);
  g_assert_cmpuint (visible_end (&f), ==, 64 * KiB);
  press (&f, GDK_KEY_Page_Down, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 64 * KiB - 1);
  fixture_close (&f);
}

static void
test_navigation_page_up (void)
{
  g_autofree guint8 *data = counting (64 * KiB);
  guint64 rows;
  Fixture f = { 0 };

  fixture_open (&f, data, 64 * KiB, 16, 600, 400);
  rows = page_rows (&f);
  shmlens_hex_view_set_cursor (f.view, 100 * 16 + 7, FALSE);
  press (&f, GDK_KEY_Page_Up, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, (100 - rows) * 16 + 7);
  g_assert_cmpuint (visible_start (&f), <=, (100 - rows) * 16 + 7);
  g_assert_cmpuint (visible_end (&f), >, (100 - rows) * 16 + 7);
  press (&f, GDK_KEY_KP_Page_Up, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, (100 - 2 * rows) * 16 + 7);

  /* Near the start, Page Up stops on the first row, in the same column. */
  shmlens_hex_view_set_cursor (f.view, 16 + 9, FALSE);
  press (&f, GDK_KEY_Page_Up, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 9);
  g_assert_cmpuint (visible_start (&f), ==, 0);
  /* On the first row: the first byte. */
  press (&f, GDK_KEY_Page_Up, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 0);
  fixture_close (&f);
}

static void
test_navigation_home_end (void)
{
  g_autofree guint8 *data = counting (1000);
  Fixture f = { 0 };

  /* 1000 bytes: the last row has 8 of 16. */
  fixture_open (&f, data, 1000, 16, 600, 400);
  shmlens_hex_view_set_cursor (f.view, 0x25, FALSE);
  press (&f, GDK_KEY_Home, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 0x20);
  press (&f, GDK_KEY_End, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 0x2f);
  press (&f, GDK_KEY_KP_Home, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 0x20);

  shmlens_hex_view_set_cursor (f.view, 993, FALSE);
  press (&f, GDK_KEY_End, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 999);
  press (&f, GDK_KEY_Home, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 992);

  /* Down from the row above the last goes to the last byte when the column is empty
   * there; down on the last row stays. */
  shmlens_hex_view_set_cursor (f.view, 990, FALSE);
  press (&f, GDK_KEY_Down, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 999);
  press (&f, GDK_KEY_Down, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 999);
  fixture_close (&f);
}

static void
test_navigation_segment_start_end (void)
{
  g_autofree guint8 *data = counting (256 * KiB);
  Fixture f = { 0 };

  fixture_open (&f, data, 256 * KiB, 16, 600, 400);
  shmlens_hex_view_set_cursor (f.view, 0x1234, FALSE);
  press (&f, GDK_KEY_End, GDK_CONTROL_MASK);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 256 * KiB - 1);
  g_assert_cmpuint (visible_end (&f), ==, 256 * KiB);
  press (&f, GDK_KEY_Home, GDK_CONTROL_MASK);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 0);
  g_assert_cmpuint (visible_start (&f), ==, 0);
  assert_selection (&f, FALSE, 0, 1);
  fixture_close (&f);
}

/* Keys move the rows just enough to keep the cursor on screen. */
static void
test_navigation_cursor_stays_visible (void)
{
  g_autofree guint8 *data = counting (64 * KiB);
  guint64 rows;
  Fixture f = { 0 };

  fixture_open (&f, data, 64 * KiB, 16, 600, 400);
  rows = page_rows (&f);
  for (guint64 i = 0; i < rows + 3; i++)
    press (&f, GDK_KEY_Down, 0);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, (rows + 3) * 16);
  /* The cursor's row is the last whole row: three rows scrolled, plus a partial one. */
  g_assert_cmpuint (visible_start (&f), <=, 4 * 16);
  g_assert_cmpuint (visible_start (&f), >=, 3 * 16);
  g_assert_cmpuint (visible_end (&f), >, (rows + 3) * 16);
  for (guint64 i = 0; i < rows + 3; i++)
    press (&f, GDK_KEY_Up, 0);
  g_assert_cmpuint (visible_start (&f), ==, 0);
  fixture_close (&f);
}

/* Selection */

static void
test_selection_shift_extends (void)
{
  g_autofree guint8 *data = counting (4096);
  Fixture f = { 0 };

  fixture_open (&f, data, 4096, 16, 600, 400);
  shmlens_hex_view_set_cursor (f.view, 0x10, FALSE);
  press (&f, GDK_KEY_Right, GDK_SHIFT_MASK);
  press (&f, GDK_KEY_Right, GDK_SHIFT_MASK);
  press (&f, GDK_KEY_Right, GDK_SHIFT_MASK);
  assert_selection (&f, TRUE, 0x10, 0x14);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 0x13);
  press (&f, GDK_KEY_Down, GDK_SHIFT_MASK);
  assert_selection (&f, TRUE, 0x10, 0x24);
  gtk_test_accessible_assert_property (f.view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Offset 0x23: 0x23 '#', 20 bytes selected");

  /* Backwards past the anchor: the anchor's byte stays selected. */
  press (&f, GDK_KEY_Up, GDK_SHIFT_MASK);
  press (&f, GDK_KEY_Up, GDK_SHIFT_MASK);
  assert_selection (&f, TRUE, 0x03, 0x11);
  press (&f, GDK_KEY_Home, GDK_SHIFT_MASK);
  assert_selection (&f, TRUE, 0x00, 0x11);

  /* A move without Shift collapses the selection onto the cursor. */
  press (&f, GDK_KEY_Right, 0);
  assert_selection (&f, FALSE, 0x01, 0x02);

  press (&f, GDK_KEY_End, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  assert_selection (&f, TRUE, 0x01, 4096);

  shmlens_hex_view_select_range (f.view, 0x40, 0x50);
  assert_selection (&f, TRUE, 0x40, 0x50);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 0x4f);
  press (&f, GDK_KEY_a, GDK_CONTROL_MASK);
  assert_selection (&f, TRUE, 0, 4096);
  fixture_close (&f);
}

static GtkGesture *
find_gesture (Fixture *f,
              GType    type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->view));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return GTK_GESTURE (controller);
    }
  g_error ("the view has no %s", g_type_name (type));
}

/* Pressing on a byte, in either column, puts the cursor there; dragging selects. */
static void
test_selection_mouse (void)
{
  g_autofree guint8 *data = counting (4096);
  GtkGesture *drag;
  graphene_rect_t hex, text, to;
  Fixture f = { 0 };

  fixture_open (&f, data, 4096, 16, 700, 400);
  drag = find_gesture (&f, GTK_TYPE_GESTURE_DRAG);

  g_assert_true (shmlens_hex_view_get_byte_area (f.view, 0x23, FALSE, &hex));
  g_assert_true (shmlens_hex_view_get_byte_area (f.view, 0x37, TRUE, &text));
  g_assert_cmpfloat (text.origin.x, >, hex.origin.x);
  g_assert_cmpfloat (text.origin.y, >, hex.origin.y);

  g_signal_emit_by_name (drag, "drag-begin", hex.origin.x + hex.size.width * 0.75,
                         hex.origin.y + hex.size.height / 2);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 0x23);
  g_signal_emit_by_name (drag, "drag-begin", text.origin.x + 1, text.origin.y + 1);
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 0x37);
  assert_selection (&f, FALSE, 0x37, 0x38);

  /* Drag from 0x10 (hex) to 0x2f (text column). */
  g_assert_true (shmlens_hex_view_get_byte_area (f.view, 0x10, FALSE, &hex));
  g_assert_true (shmlens_hex_view_get_byte_area (f.view, 0x2f, TRUE, &to));
  g_signal_emit_by_name (drag, "drag-begin", hex.origin.x + 2, hex.origin.y + 2);
  g_signal_emit_by_name (drag, "drag-update", to.origin.x + 2 - (hex.origin.x + 2),
                         to.origin.y + 2 - (hex.origin.y + 2));
  assert_selection (&f, TRUE, 0x10, 0x30);

  /* Rows off screen have no area. */
  g_assert_false (shmlens_hex_view_get_byte_area (f.view, 4000, FALSE, &hex));
  fixture_close (&f);
}

/* Copy */

typedef struct
{
  char *text;
  gboolean done;
} ClipboardRead;

static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static char *
clipboard_text (Fixture *f)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f->view));
  ClipboardRead read = { NULL, FALSE };

  gdk_clipboard_read_text_async (clipboard, NULL, on_clipboard_text, &read);
  while (!read.done)
    g_main_context_iteration (NULL, TRUE);
  return read.text;
}

static char *
copy (Fixture    *f,
      const char *action)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (f->view)), "(nothing)");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), action, NULL));
  return clipboard_text (f);
}

static void
test_copy_formats (void)
{
  guint8 data[256];
  const char hello[] = "Hi!\n\x01~";
  Fixture f = { 0 };

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8) (0xff - i);
  memcpy (data + 0x40, hello, sizeof hello - 1);
  fixture_open (&f, data, sizeof data, 16, 600, 400);

  /* The cursor's byte, without a selection. */
  shmlens_hex_view_set_cursor (f.view, 2, FALSE);
  {
    g_autofree char *text = copy (&f, "hexview.copy-hex");
    g_assert_cmpstr (text, ==, "fd");
  }
  {
    g_autofree char *text = copy (&f, "hexview.copy-c-array");
    g_assert_cmpstr (text, ==, "{ 0xfd }");
  }

  shmlens_hex_view_select_range (f.view, 0x40, 0x46);
  {
    g_autofree char *text = copy (&f, "hexview.copy-hex");
    g_assert_cmpstr (text, ==, "48 69 21 0a 01 7e");
  }
  {
    g_autofree char *text = copy (&f, "hexview.copy-text");
    g_assert_cmpstr (text, ==, "Hi!..~");
  }
  {
    g_autofree char *text = copy (&f, "hexview.copy-c-array");
    g_assert_cmpstr (text, ==, "{ 0x48, 0x69, 0x21, 0x0a, 0x01, 0x7e }");
  }

  /* Ctrl+C copies hex. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (f.view)), "(nothing)");
  press (&f, GDK_KEY_c, GDK_CONTROL_MASK);
  {
    g_autofree char *text = clipboard_text (&f);
    g_assert_cmpstr (text, ==, "48 69 21 0a 01 7e");
  }

  /* Past sixteen bytes: sixteen per line. */
  shmlens_hex_view_select_range (f.view, 0, 18);
  {
    g_autofree char *text = copy (&f, "hexview.copy-hex");
    g_assert_cmpstr (text, ==,
                     "ff fe fd fc fb fa f9 f8 f7 f6 f5 f4 f3 f2 f1 f0\n"
                     "ef ee");
  }
  {
    g_autofree char *text = copy (&f, "hexview.copy-c-array");
    g_assert_cmpstr (text, ==,
                     "{\n"
                     "  0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8, 0xf7, 0xf6, 0xf5, 0xf4, "
                     "0xf3, 0xf2, 0xf1, 0xf0,\n"
                     "  0xef, 0xee\n"
                     "}");
  }
  {
    g_autofree char *text = copy (&f, "hexview.copy-text");
    g_assert_cmpuint (strlen (text), ==, 18);
  }

  /* Copies read the segment as it is now, not as last drawn. */
  shmlens_test_posix_write (f.name, 0, "AB", 2);
  shmlens_hex_view_select_range (f.view, 0, 2);
  {
    g_autofree char *text = copy (&f, "hexview.copy-text");
    g_assert_cmpstr (text, ==, "AB");
  }
  fixture_close (&f);
}

/* More than 16 MiB is not copied, and the clipboard is left alone. */
static void
test_copy_too_large (void)
{
  Fixture f = { 0 };

  fixture_open (&f, NULL, 17 * MiB, 16, 600, 400);
  shmlens_hex_view_select_range (f.view, 0, 17 * MiB);
  {
    g_autofree char *text = copy (&f, "hexview.copy-hex");
    g_assert_cmpstr (text, ==, "(nothing)");
  }
  shmlens_hex_view_select_range (f.view, 0, 16 * MiB);
  {
    g_autofree char *text = copy (&f, "hexview.copy-text");
    g_assert_cmpuint (strlen (text), ==, 16 * MiB);
  }
  fixture_close (&f);
}

/* Change highlighting */

static void
test_highlight_fades (void)
{
  g_autofree guint8 *data = counting (4096);
  const guint8 changed[] = { 0xaa, 0xbb };
  gint64 now = g_get_monotonic_time ();
  Fixture f = { 0 };

  fixture_open (&f, data, 4096, 16, 600, 400);
  g_assert_cmpuint (shmlens_hex_view_get_fade_time (f.view), ==, 1000);
  refresh (&f, now);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x21, now), ==, 0);

  shmlens_test_posix_write (f.name, 0x21, changed, sizeof changed);
  refresh (&f, now + 100 * 1000);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x21, now + 100 * 1000), ==, 1);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x22, now + 100 * 1000), ==, 1);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x20, now + 100 * 1000), ==, 0);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x23, now + 100 * 1000), ==, 0);
  /* Half the fade time later, half the strength; then gone. */
  g_assert_cmpfloat_with_epsilon (
    shmlens_hex_view_get_byte_highlight (f.view, 0x21, now + 600 * 1000), 0.5, 0.01);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x21, now + 1100 * 1000), ==, 0);

  /* A longer fade time stretches it. */
  shmlens_hex_view_set_fade_time (f.view, 2000);
  g_assert_cmpfloat_with_epsilon (
    shmlens_hex_view_get_byte_highlight (f.view, 0x21, now + 600 * 1000), 0.75, 0.01);
  shmlens_hex_view_set_fade_time (f.view, 0);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x21, now + 100 * 1000), ==, 0);
  shmlens_hex_view_set_fade_time (f.view, 1000);

  /* Rewriting the same value is not a change. */
  refresh (&f, now + 2000 * 1000);
  shmlens_test_posix_write (f.name, 0x21, changed, 1);
  refresh (&f, now + 2100 * 1000);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x21, now + 2100 * 1000), ==, 0);

  /* Bytes off screen are not tracked, hence not highlighted. */
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 4000, now), ==, 0);
  fixture_close (&f);
}

/* The view's picture, drawn by the window's own renderer. */
static GdkTexture *
render_view (Fixture *f)
{
  GtkWidget *widget = GTK_WIDGET (f->view);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static guint8 *
texture_pixels (GdkTexture *texture)
{
  gsize stride = (gsize) gdk_texture_get_width (texture) * 4;
  guint8 *pixels = g_malloc (stride * gdk_texture_get_height (texture));

  gdk_texture_download (texture, pixels, stride);
  return pixels;
}

/* Whether two pictures differ at all (for a test that expects them to). */
static gboolean
pictures_differ (GdkTexture *a,
                 GdkTexture *b)
{
  gsize length;
  g_autofree guint8 *pa = NULL, *pb = NULL;

  if (gdk_texture_get_width (a) != gdk_texture_get_width (b) ||
      gdk_texture_get_height (a) != gdk_texture_get_height (b))
    return TRUE;
  length = (gsize) gdk_texture_get_width (a) * gdk_texture_get_height (a) * 4;
  pa = texture_pixels (a);
  pb = texture_pixels (b);
  return memcmp (pa, pb, length) != 0;
}

/* Whether two pictures are the same, pixel for pixel. When they are not, both are
 * saved as PNG files, so that whoever reads the failure can look at them. */
static gboolean
same_pictures (GdkTexture *a,
               GdkTexture *b,
               const char *what)
{
  int width = gdk_texture_get_width (a), height = gdk_texture_get_height (a);
  g_autofree guint8 *pa = NULL, *pb = NULL;

  if (width != gdk_texture_get_width (b) || height != gdk_texture_get_height (b))
    {
      g_test_message ("%s: %d×%d against %d×%d", what, width, height,
                      gdk_texture_get_width (b), gdk_texture_get_height (b));
      return FALSE;
    }
  pa = texture_pixels (a);
  pb = texture_pixels (b);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        gsize i = ((gsize) y * width + x) * 4;
        g_autofree char *path_a = NULL, *path_b = NULL;

        if (memcmp (pa + i, pb + i, 4) == 0)
          continue;
        path_a = g_strdup_printf ("%s/shmlens-%s-%d-a.png", g_get_tmp_dir (), what, getpid ());
        path_b = g_strdup_printf ("%s/shmlens-%s-%d-b.png", g_get_tmp_dir (), what, getpid ());
        gdk_texture_save_to_png (a, path_a);
        gdk_texture_save_to_png (b, path_b);
        g_printerr ("%s: first difference at pixel (%d, %d); pictures saved as %s and %s\n",
                    what, x, y, path_a, path_b);
        return FALSE;
      }
  return TRUE;
}

/* The view keeps each row's drawing while the row shows the same thing; after bytes,
 * the cursor and the selection change, what it draws must be exactly what a new view
 * of the same bytes draws. */
static void
test_render_reuses_only_unchanged_rows (void)
{
  g_autofree guint8 *data = counting (4096);
  g_autoptr(GdkTexture) before = NULL, after = NULL, fresh = NULL;
  const guint8 changed[] = { 0xaa, 0xbb, 0x41 };
  gint64 now = g_get_monotonic_time ();
  Fixture f = { 0 };

  fixture_open (&f, data, 4096, 16, 600, 400);
  shmlens_hex_view_set_fade_time (f.view, 0);
  refresh (&f, now);
  settle ();
  before = render_view (&f);

  shmlens_test_posix_write (f.name, 0x21, changed, sizeof changed);
  shmlens_test_posix_write (f.name, 0x75, changed, 1);
  shmlens_hex_view_set_cursor (f.view, 0x44, FALSE);
  shmlens_hex_view_select_range (f.view, 0x52, 0x58);
  refresh (&f, now + 100 * 1000);
  settle ();
  after = render_view (&f);
  fixture_close (&f);

  memcpy (data + 0x21, changed, sizeof changed);
  data[0x75] = changed[0];
  fixture_open (&f, data, 4096, 16, 600, 400);
  shmlens_hex_view_set_fade_time (f.view, 0);
  shmlens_hex_view_set_cursor (f.view, 0x44, FALSE);
  shmlens_hex_view_select_range (f.view, 0x52, 0x58);
  refresh (&f, now + 100 * 1000);
  settle ();
  fresh = render_view (&f);

  g_assert_true (pictures_differ (before, after));
  g_assert_true (same_pictures (after, fresh, "reused-fresh"));
  fixture_close (&f);
}

/* Rows drawn from the glyphs the view shaped once look exactly like rows shaped by
 * Pango: every printable byte, dots, dashes, the header and a selection. */
static void
test_render_glyph_cache_matches_pango (void)
{
  g_autofree guint8 *data = counting (4096);
  g_autoptr(GdkTexture) cached = NULL, shaped = NULL;
  Fixture f = { 0 };

  fixture_open (&f, data, 4096, 16, 700, 500);
  shmlens_hex_view_set_fade_time (f.view, 0);
  /* Rows 0x20-0x7f hold every printable character. */
  shmlens_hex_view_scroll_to_offset (f.view, 0x20);
  shmlens_hex_view_select_range (f.view, 0x41, 0x4f);
  refresh (&f, g_get_monotonic_time ());
  settle ();
  if (!shmlens_hex_view_get_glyph_cache_enabled (f.view))
    {
      /* fontconfig matched "Monospace" to a font with unequal advances (Arimo, say,
       * when fonts-croscore is the only font): the view shapes every row itself. */
      g_test_skip ("the system's Monospace font is not monospaced: no glyph cache to test");
      fixture_close (&f);
      return;
    }
  cached = render_view (&f);

  shmlens_hex_view_set_glyph_cache_enabled (f.view, FALSE);
  g_assert_false (shmlens_hex_view_get_glyph_cache_enabled (f.view));
  settle ();
  shaped = render_view (&f);
  g_assert_true (same_pictures (cached, shaped, "glyphs-pango"));
  fixture_close (&f);
}

static void
test_highlight_since_pause (void)
{
  g_autofree guint8 *data = counting (4096);
  const guint8 before_pause = 0x11, after_pause = 0x22;
  gint64 now = g_get_monotonic_time ();
  gint64 paused_at = now + 200 * 1000;
  Fixture f = { 0 };

  fixture_open (&f, data, 4096, 16, 600, 400);
  refresh (&f, now);
  shmlens_test_posix_write (f.name, 0x30, &before_pause, 1);
  refresh (&f, now + 100 * 1000);

  shmlens_hex_view_set_highlight_since (f.view, paused_at);
  g_assert_cmpint (shmlens_hex_view_get_highlight_since (f.view), ==, paused_at);
  shmlens_test_posix_write (f.name, 0x40, &after_pause, 1);
  refresh (&f, paused_at + 300 * 1000);

  /* Every change since the pause, at full strength and without fading. */
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x40, paused_at + 300 * 1000),
                     ==, 1);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x40,
                                                          paused_at + 60 * G_USEC_PER_SEC),
                     ==, 1);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x30, paused_at + 300 * 1000),
                     ==, 0);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x41, paused_at + 300 * 1000),
                     ==, 0);

  /* Back to fading. */
  shmlens_hex_view_set_highlight_since (f.view, 0);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x40,
                                                          paused_at + 60 * G_USEC_PER_SEC),
                     ==, 0);
  g_assert_cmpfloat (shmlens_hex_view_get_byte_highlight (f.view, 0x40, paused_at + 300 * 1000),
                     ==, 1);
  fixture_close (&f);
}

/* Growth and truncation: the rows follow the size the reader polls. */
static void
test_highlight_size_changes (void)
{
  g_autofree guint8 *data = counting (4096);
  g_autofree char *path = NULL;
  GtkAdjustment *vadjustment;
  Fixture f = { 0 };

  fixture_open (&f, data, 4096, 16, 600, 400);
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (f.view));
  shmlens_hex_view_set_cursor (f.view, 4000, FALSE);
  path = g_strconcat ("/dev/shm/", f.name, NULL);
  g_assert_cmpint (truncate (path, 1024), ==, 0);
  shmlens_reader_poll (f.reader, NULL);
  refresh (&f, g_get_monotonic_time ());
  settle ();
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 1023);
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment), ==,
                     1024 / 16 * shmlens_hex_view_get_row_height (f.view));
  g_assert_cmpuint (visible_end (&f), ==, 1024);
  fixture_close (&f);
}

/* How many pixels of @area differ between two pictures of the same size. */
static guint
pixels_differing_in (GdkTexture            *a,
                     GdkTexture            *b,
                     const graphene_rect_t *area)
{
  int width = gdk_texture_get_width (a);
  g_autofree guint8 *pa = texture_pixels (a);
  g_autofree guint8 *pb = texture_pixels (b);
  int x0 = (int) ceil (area->origin.x), y0 = (int) ceil (area->origin.y);
  int x1 = (int) floor (area->origin.x + area->size.width);
  int y1 = (int) floor (area->origin.y + area->size.height);
  guint n = 0;

  g_assert_cmpint (gdk_texture_get_height (a), ==, gdk_texture_get_height (b));
  g_assert_cmpint (width, ==, gdk_texture_get_width (b));
  g_assert_cmpint (x1, >, x0);
  g_assert_cmpint (y1, >, y0);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      if (memcmp (pa + ((gsize) y * width + x) * 4, pb + ((gsize) y * width + x) * 4, 4) != 0)
        n++;
  return n;
}

/* A tinted region is washed with its colour in both columns; the bytes around it are
 * not; clearing the tints gives back the picture from before, although every row was
 * cached with its tint. */
static void
test_render_tints (void)
{
  g_autofree guint8 *data = counting (4096);
  const ShmlensHexTint tint = { 0x24, 8, { 0.88, 0.11, 0.14, 1.0 } };
  g_autoptr(GdkTexture) plain = NULL, tinted = NULL, cleared = NULL;
  graphene_rect_t inside_hex, inside_text, outside_hex, outside_text;
  GdkRGBA color;
  Fixture f = { 0 };

  fixture_open (&f, data, 4096, 16, 600, 400);
  shmlens_hex_view_set_fade_time (f.view, 0);
  refresh (&f, g_get_monotonic_time ());
  settle ();
  plain = render_view (&f);

  shmlens_hex_view_set_tints (f.view, &tint, 1);
  g_assert_true (shmlens_hex_view_get_byte_tint (f.view, 0x24, &color));
  g_assert_true (gdk_rgba_equal (&color, &tint.color));
  g_assert_true (shmlens_hex_view_get_byte_tint (f.view, 0x2b, NULL));
  g_assert_false (shmlens_hex_view_get_byte_tint (f.view, 0x23, NULL));
  g_assert_false (shmlens_hex_view_get_byte_tint (f.view, 0x2c, NULL));
  settle ();
  tinted = render_view (&f);

  g_assert_true (shmlens_hex_view_get_byte_area (f.view, 0x27, FALSE, &inside_hex));
  g_assert_true (shmlens_hex_view_get_byte_area (f.view, 0x27, TRUE, &inside_text));
  g_assert_true (shmlens_hex_view_get_byte_area (f.view, 0x47, FALSE, &outside_hex));
  g_assert_true (shmlens_hex_view_get_byte_area (f.view, 0x47, TRUE, &outside_text));
  /* The wash covers the whole cell, not only the digits' strokes. */
  g_assert_cmpuint (pixels_differing_in (plain, tinted, &inside_hex), >=,
                    (guint) (inside_hex.size.width * inside_hex.size.height / 2));
  g_assert_cmpuint (pixels_differing_in (plain, tinted, &inside_text), >=,
                    (guint) (inside_text.size.width * inside_text.size.height / 2));
  g_assert_cmpuint (pixels_differing_in (plain, tinted, &outside_hex), ==, 0);
  g_assert_cmpuint (pixels_differing_in (plain, tinted, &outside_text), ==, 0);

  shmlens_hex_view_set_tints (f.view, NULL, 0);
  g_assert_false (shmlens_hex_view_get_byte_tint (f.view, 0x24, NULL));
  settle ();
  cleared = render_view (&f);
  g_assert_true (same_pictures (plain, cleared, "tints-cleared"));
  fixture_close (&f);
}

/* Go to offset */

static void
assert_offset (const char *text,
               guint64     cursor,
               guint64     size,
               guint64     expected)
{
  g_autoptr(GError) error = NULL;
  guint64 offset = 0;

  g_assert_true (shmlens_hex_view_parse_offset (text, cursor, size, &offset, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (offset, ==, expected);
}

static void
assert_offset_error (const char *text,
                     guint64     cursor,
                     guint64     size,
                     const char *reason)
{
  g_autoptr(GError) error = NULL;
  guint64 offset = 12345;

  g_assert_false (shmlens_hex_view_parse_offset (text, cursor, size, &offset, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (offset, ==, 12345);
  if (strstr (error->message, reason) == NULL)
    g_error ("“%s”: “%s” does not say “%s”", text, error->message, reason);
}

static void
test_goto_parse (void)
{
  guint64 size = 64 * GiB;

  assert_offset ("4096", 0, size, 4096);
  assert_offset ("  4096  ", 0, size, 4096);
  assert_offset ("010", 0, size, 10);
  assert_offset ("0x1000", 0, size, 0x1000);
  assert_offset ("0XfF", 0, size, 0xff);
  assert_offset ("4K", 0, size, 4096);
  assert_offset ("4k", 0, size, 4096);
  assert_offset ("1KiB", 0, size, 1024);
  assert_offset ("3M", 0, size, 3 * MiB);
  assert_offset ("0x10M", 0, size, 16 * MiB);
  assert_offset ("40G", 0, size, 40 * GiB);
  assert_offset ("0", 0, size, 0);
  assert_offset ("+16", 100, size, 116);
  assert_offset ("+0x10", 100, size, 116);
  assert_offset ("-0x10", 100, size, 84);
  assert_offset ("- 100", 100, size, 0);
  assert_offset ("0xfffffffff", 0, size, 64 * GiB - 1);

  assert_offset_error ("", 0, size, "Type an offset");
  assert_offset_error ("   ", 0, size, "Type an offset");
  assert_offset_error ("hello", 0, size, "“hello” is not an offset");
  assert_offset_error ("0x", 0, size, "is not an offset");
  assert_offset_error ("12abc", 0, size, "“12abc” is not an offset");
  assert_offset_error ("0x1z", 0, size, "is not an offset");
  assert_offset_error ("1.5K", 0, size, "is not an offset");
  assert_offset_error ("4KB7", 0, size, "is not an offset");
  assert_offset_error ("4Q", 0, size, "is not an offset");
  assert_offset_error ("99999999999999999999999", 0, size, "too large");
  assert_offset_error ("0x10000000000000000", 0, size, "too large");
  assert_offset_error ("20000000T", 0, size, "too large");
  assert_offset_error ("-200", 100, size, "“-200” goes before the start: the cursor is at 0x64");
  assert_offset_error ("0x1000000000", 0, size, "Offset 0x1000000000 is past the end");
  assert_offset_error ("4096", 0, 4096, "its last offset is 0xfff");
  assert_offset_error ("0", 0, 0, "empty");
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      found = find_descendant (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Ctrl+L opens the popover at the cursor; Enter goes there or says what is wrong. */
static void
test_goto_popover (void)
{
  g_autofree guint8 *data = counting (64 * KiB);
  GtkWidget *popover = NULL;
  GtkWidget *entry, *error_label;
  Fixture f = { 0 };

  fixture_open (&f, data, 64 * KiB, 16, 600, 400);
  shmlens_hex_view_set_cursor (f.view, 0x30, FALSE);
  press (&f, GDK_KEY_l, GDK_CONTROL_MASK);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f.view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child) && gtk_widget_get_visible (child))
      popover = child;
  g_assert_nonnull (popover);
  entry = find_descendant (popover, GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "0x30");

  /* Past the end: an inline error, the cursor stays. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "0x20000");
  g_signal_emit_by_name (entry, "activate");
  error_label = NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (gtk_widget_get_parent (entry));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "error"))
      error_label = child;
  g_assert_nonnull (error_label);
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (error_label)), "past the end"));
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 0x30);
  g_assert_true (gtk_widget_get_visible (popover));

  /* Typing again hides the error; a good offset moves the cursor and scrolls. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "48K");
  g_assert_false (gtk_widget_get_visible (error_label));
  g_signal_emit_by_name (entry, "activate");
  settle ();
  g_assert_cmpuint (shmlens_hex_view_get_cursor (f.view), ==, 48 * KiB);
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_cmpuint (visible_start (&f), <=, 48 * KiB);
  g_assert_cmpuint (visible_end (&f), >, 48 * KiB);
  fixture_close (&f);
}

/* Find, through the view: a worker thread, the match selected and shown. */

static void
wait_for_search (Fixture *f)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (shmlens_hex_view_get_searching (f->view))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
  settle_for (30);
}

static void
test_find_in_view (void)
{
  gsize size = 3 * MiB;
  g_autofree guint8 *data = g_malloc0 (size);
  /* The second match straddles the search's 1 MiB chunks. */
  const guint64 first = 0x100, second = MiB - 2, third = 2 * MiB + 0x40;
  Fixture f = { 0 };

  memcpy (data + first, "Hello", 5);
  memcpy (data + second, "Hello", 5);
  memcpy (data + third, "Hello", 5);
  fixture_open (&f, data, size, 16, 700, 400);
  g_assert_cmpstr (shmlens_hex_view_get_find_status (f.view), ==, "");

  shmlens_hex_view_find (f.view, "Hello", FALSE, FALSE);
  wait_for_search (&f);
  assert_selection (&f, TRUE, first, first + 5);
  g_assert_cmpstr (shmlens_hex_view_get_find_status (f.view), ==, "Match at 0x100");

  /* Next (Ctrl+G): past the current match. */
  press (&f, GDK_KEY_g, GDK_CONTROL_MASK);
  wait_for_search (&f);
  assert_selection (&f, TRUE, second, second + 5);
  g_assert_cmpuint (visible_start (&f), <=, second);
  g_assert_cmpuint (visible_end (&f), >=, second + 5);

  shmlens_hex_view_find (f.view, "48 65 6c 6c 6f", TRUE, FALSE);
  wait_for_search (&f);
  assert_selection (&f, TRUE, third, third + 5);

  shmlens_hex_view_find (f.view, "Hello", FALSE, FALSE);
  wait_for_search (&f);
  assert_selection (&f, TRUE, third, third + 5);
  g_assert_cmpstr (shmlens_hex_view_get_find_status (f.view), ==, "Not found from 0x200041 on");

  /* Previous (Shift+Ctrl+G). */
  press (&f, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  wait_for_search (&f);
  assert_selection (&f, TRUE, second, second + 5);
  shmlens_hex_view_find (f.view, "Hello", FALSE, TRUE);
  wait_for_search (&f);
  assert_selection (&f, TRUE, first, first + 5);
  shmlens_hex_view_find (f.view, "Hello", FALSE, TRUE);
  wait_for_search (&f);
  assert_selection (&f, TRUE, first, first + 5);
  g_assert_cmpstr (shmlens_hex_view_get_find_status (f.view), ==, "Not found before 0x100");

  /* Nowhere; and a hex pattern that does not parse says why. */
  shmlens_hex_view_set_cursor (f.view, 0, FALSE);
  shmlens_hex_view_find (f.view, "Goodbye", FALSE, FALSE);
  wait_for_search (&f);
  g_assert_cmpstr (shmlens_hex_view_get_find_status (f.view), ==, "Not found");
  assert_selection (&f, FALSE, 0, 1);
  shmlens_hex_view_find (f.view, "48 6x", TRUE, FALSE);
  g_assert_false (shmlens_hex_view_get_searching (f.view));
  g_assert_nonnull (strstr (shmlens_hex_view_get_find_status (f.view),
                            "“x” in “6x” is not a hex digit"));
  fixture_close (&f);
}

/* Ctrl+F opens the bar with the keyboard in its entry; Enter finds; Escape closes it
 * and gives the keyboard back to the bytes. */
static void
test_find_bar_keys (void)
{
  g_autofree guint8 *data = counting (4096);
  GtkWidget *entry, *bar, *focus;
  Fixture f = { 0 };

  memcpy (data + 0x321, "needle", 6);
  fixture_open (&f, data, 4096, 16, 700, 400);
  bar = find_descendant (GTK_WIDGET (f.view), GTK_TYPE_SEARCH_BAR);
  entry = find_descendant (GTK_WIDGET (f.view), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (bar);
  g_assert_nonnull (entry);
  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));

  press (&f, GDK_KEY_f, GDK_CONTROL_MASK);
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));
  focus = gtk_root_get_focus (GTK_ROOT (f.window));
  g_assert_nonnull (focus);
  g_assert_true (focus == entry || gtk_widget_is_ancestor (focus, entry));

  gtk_editable_set_text (GTK_EDITABLE (entry), "needle");
  g_signal_emit_by_name (entry, "activate");
  wait_for_search (&f);
  assert_selection (&f, TRUE, 0x321, 0x327);

  g_signal_emit_by_name (entry, "stop-search");
  settle ();
  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (f.view)));

  /* Escape in the view closes an open bar. */
  shmlens_hex_view_find (f.view, "needle", FALSE, FALSE);
  wait_for_search (&f);
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));
  press (&f, GDK_KEY_Escape, 0);
  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));
  fixture_close (&f);
}

/* Closing the view's tracker stops a search that runs, before the reader goes away. */
static void
test_find_cancelled_by_tracker_change (void)
{
  gsize size = 64 * MiB;
  g_autofree guint8 *data = g_malloc (size);
  Fixture f = { 0 };

  memset (data, 0x11, size);
  fixture_open (&f, data, size, 16, 600, 400);
  /* A pattern that does not occur: the search reads to the end, chunk by chunk. */
  shmlens_hex_view_find (f.view, "22", TRUE, FALSE);
  g_assert_true (shmlens_hex_view_get_searching (f.view));
  shmlens_hex_view_set_tracker (f.view, NULL);
  g_assert_false (shmlens_hex_view_get_searching (f.view));
  shmlens_reader_close (f.reader);
  settle ();
  g_assert_cmpstr (shmlens_hex_view_get_find_status (f.view), ==, "");
  fixture_close (&f);
}

/* Accessibility */

static void
test_accessible_description (void)
{
  guint8 data[64] = { 0 };
  Fixture f = { 0 };

  data[0x10] = 'M';
  data[0x11] = 0x07;
  fixture_open (&f, data, sizeof data, 16, 600, 400);
  gtk_test_accessible_assert_role (f.view, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_test_accessible_assert_property (f.view, GTK_ACCESSIBLE_PROPERTY_LABEL, "Hex view");
  gtk_test_accessible_assert_property (f.view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Offset 0x0: 0x00");
  shmlens_hex_view_set_cursor (f.view, 0x10, FALSE);
  gtk_test_accessible_assert_property (f.view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Offset 0x10: 0x4d 'M'");
  press (&f, GDK_KEY_Right, 0);
  gtk_test_accessible_assert_property (f.view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Offset 0x11: 0x07");

  /* Live: another process writes under the cursor. */
  shmlens_test_posix_write (f.name, 0x11, "z", 1);
  refresh (&f, g_get_monotonic_time ());
  gtk_test_accessible_assert_property (f.view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Offset 0x11: 0x7a 'z'");
  fixture_close (&f);
}

int
main (int    argc,
      char **argv)
{


  g_test_init (&argc, &argv, NULL);
  if (!shmlens_test_gtk_available ("hex-view"))
    return g_test_run ();

  g_test_add_func ("/shmlens/hex-view/geometry/fit-width", test_geometry_fit_width);
  g_test_add_func ("/shmlens/hex-view/geometry/fixed", test_geometry_fixed);
  g_test_add_func ("/shmlens/hex-view/geometry/rows-and-offsets", test_geometry_rows_and_offsets);
  g_test_add_func ("/shmlens/hex-view/geometry/huge-sparse", test_geometry_huge_sparse);
  g_test_add_func ("/shmlens/hex-view/geometry/beyond-exact-pixels",
                   test_geometry_beyond_exact_pixels);
  g_test_add_func ("/shmlens/hex-view/navigation/arrows", test_navigation_arrows);
  g_test_add_func ("/shmlens/hex-view/navigation/page-down", test_navigation_page_down);
  g_test_add_func ("/shmlens/hex-view/navigation/page-up", test_navigation_page_up);
  g_test_add_func ("/shmlens/hex-view/navigation/home-end", test_navigation_home_end);
  g_test_add_func ("/shmlens/hex-view/navigation/segment-start-end",
                   test_navigation_segment_start_end);
  g_test_add_func ("/shmlens/hex-view/navigation/cursor-stays-visible",
                   test_navigation_cursor_stays_visible);
  g_test_add_func ("/shmlens/hex-view/selection/shift-extends", test_selection_shift_extends);
  g_test_add_func ("/shmlens/hex-view/selection/mouse", test_selection_mouse);
  g_test_add_func ("/shmlens/hex-view/copy/formats", test_copy_formats);
  g_test_add_func ("/shmlens/hex-view/copy/too-large", test_copy_too_large);
  g_test_add_func ("/shmlens/hex-view/highlight/fades", test_highlight_fades);
  g_test_add_func ("/shmlens/hex-view/highlight/since-pause", test_highlight_since_pause);
  g_test_add_func ("/shmlens/hex-view/render/reuses-only-unchanged-rows",
                   test_render_reuses_only_unchanged_rows);
  g_test_add_func ("/shmlens/hex-view/render/glyph-cache-matches-pango",
                   test_render_glyph_cache_matches_pango);
  g_test_add_func ("/shmlens/hex-view/highlight/size-changes", test_highlight_size_changes);
  g_test_add_func ("/shmlens/hex-view/render/tints", test_render_tints);
  g_test_add_func ("/shmlens/hex-view/goto/parse", test_goto_parse);
  g_test_add_func ("/shmlens/hex-view/goto/popover", test_goto_popover);
  g_test_add_func ("/shmlens/hex-view/find/in-view", test_find_in_view);
  g_test_add_func ("/shmlens/hex-view/find/bar-keys", test_find_bar_keys);
  g_test_add_func ("/shmlens/hex-view/find/cancelled-by-tracker-change",
                   test_find_cancelled_by_tracker_change);
  g_test_add_func ("/shmlens/hex-view/accessible/description", test_accessible_description);

  return g_test_run ();
}
