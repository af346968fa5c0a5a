/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-overview.c: the change strip marks where a real segment changed, and jumps there. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gtk/gtk.h>

#include "shmlens-overview.h"
#include "shmlens-reader.h"
#include "shmlens-test-gtk.h"
#include "shmlens-test-util.h"
#include "shmlens-tracker.h"

#define KiB ((guint64) 1024)
#define MiB (KiB * 1024)
#define BLOCK ((guint64) 4096)
#define HEIGHT 256
#define TIMEOUT_US (20 * G_USEC_PER_SEC)

/* A real segment, read and tracked, and the strip in a window at a known height. */
typedef struct
{
  char *name;
  ShmlensReader *reader;
  ShmlensTracker *tracker;
  GtkWidget *window;
  ShmlensOverview *overview;
} Fixture;

/* Bytes that are never zero, so that writing zeros always changes them. */
static guint8 *
pattern (gsize length)
{
  guint8 *bytes = g_malloc (length);

  for (gsize i = 0; i < length; i++)
    bytes[i] = (guint8) (i * 31 % 251 + 1);
  return bytes;
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_for_height (Fixture *fixture,
                 int      height)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  guint tick = g_timeout_add (10, wake_up, NULL);

  while (gtk_widget_get_height (GTK_WIDGET (fixture->overview)) != height)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the strip never got %d pixels of height", height);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static void
fixture_open (Fixture *fixture,
              gsize    size)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *data = pattern (size);
  g_autofree char *ref = NULL;
  g_autoptr(ShmlensSegment) segment = NULL;
  GtkWidget *box;

  fixture->name = shmlens_test_posix_create ("overview", data, size);
  ref = g_strconcat ("/", fixture->name, NULL);
  segment = shmlens_test_resolve (ref);
  fixture->reader = shmlens_reader_open (segment, &error);
  g_assert_no_error (error);
  fixture->tracker = shmlens_tracker_new (fixture->reader);

  fixture->window = gtk_window_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  fixture->overview = SHMLENS_OVERVIEW (shmlens_overview_new ());
  gtk_widget_set_size_request (GTK_WIDGET (fixture->overview), -1, HEIGHT);
  gtk_widget_set_valign (GTK_WIDGET (fixture->overview), GTK_ALIGN_START);
  gtk_widget_set_halign (GTK_WIDGET (fixture->overview), GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->overview));
  gtk_window_set_child (GTK_WINDOW (fixture->window), box);
  shmlens_overview_set_tracker (fixture->overview, fixture->tracker);
  gtk_window_present (GTK_WINDOW (fixture->window));
  wait_for_height (fixture, HEIGHT);
}

static void
fixture_close (Fixture *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->tracker);
  g_clear_object (&fixture->reader);
  shmlens_test_posix_remove (fixture->name);
  g_clear_pointer (&fixture->name, g_free);
}

/* One full pass of the scanner, then the strip takes it in. */
static void
scan_pass (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  gboolean completed = FALSE;

  g_assert_true (shmlens_tracker_scan (fixture->tracker, 60 * G_USEC_PER_SEC, &completed,
                                       &error));
  g_assert_no_error (error);
  g_assert_true (completed);
  shmlens_overview_refreshed (fixture->overview, g_get_monotonic_time ());
}

static void
zero_bytes (Fixture *fixture,
            guint64  offset,
            gsize    length)
{
  g_autofree guint8 *zeros = g_malloc0 (length);
  shmlens_test_posix_write (fixture->name, offset, zeros, length);
}

/* What a row must hold, worked out independently: the latest stamp of the blocks
 * that overlap the row's share of the segment (or its first byte, when the segment
 * has fewer bytes than the strip has rows). */
static guint32
expected_row (Fixture *fixture,
              int      y)
{
  guint n_blocks = 0;
  const guint32 *stamps = shmlens_tracker_get_block_stamps (fixture->tracker, &n_blocks);
  guint64 size = shmlens_reader_get_size (fixture->reader);
  guint64 low = (guint64) y * size / HEIGHT;
  guint64 high = MAX ((guint64) (y + 1) * size / HEIGHT, low + 1);
  guint32 latest = 0;

  for (guint b = 0; b < n_blocks; b++)
    if ((guint64) b * BLOCK < high && (guint64) (b + 1) * BLOCK > low)
      latest = MAX (latest, stamps[b]);
  return latest;
}

static void
assert_rows_match_tracker (Fixture *fixture)
{
  for (int y = 0; y < HEIGHT; y++)
    if (shmlens_overview_get_row_stamp (fixture->overview, y) != expected_row (fixture, y))
      g_error ("row %d holds %u, the tracker says %u", y,
               shmlens_overview_get_row_stamp (fixture->overview, y), expected_row (fixture, y));
}

/* 1 MiB over 256 rows: one 4 KiB block per row. */
static void
test_marks_changed_region (void)
{
  Fixture f = { 0 };
  gint64 before;

  fixture_open (&f, MiB);
  scan_pass (&f);   /* the baseline */
  g_assert_cmpuint (shmlens_tracker_get_n_blocks (f.tracker), ==, 256);
  for (int y = 0; y < HEIGHT; y++)
    g_assert_cmpuint (shmlens_overview_get_row_stamp (f.overview, y), ==, 0);

  before = g_get_monotonic_time ();
  zero_bytes (&f, 100 * BLOCK + 17, 2 * BLOCK);   /* blocks 100, 101 and 102 */
  scan_pass (&f);

  for (int y = 0; y < HEIGHT; y++)
    {
      guint32 stamp = shmlens_overview_get_row_stamp (f.overview, y);
      if (y >= 100 && y <= 102)
        {
          g_assert_cmpuint (stamp, !=, 0);
          g_assert_cmpint (shmlens_tracker_stamp_to_time (f.tracker, stamp), >=, before - 1000);
        }
      else
        g_assert_cmpuint (stamp, ==, 0);
    }
  assert_rows_match_tracker (&f);
  /* outside the strip there is nothing */
  g_assert_cmpuint (shmlens_overview_get_row_stamp (f.overview, -1), ==, 0);
  g_assert_cmpuint (shmlens_overview_get_row_stamp (f.overview, HEIGHT), ==, 0);

  fixture_close (&f);
}

/* 4 MiB over 256 rows: four blocks per row, one changed block marks its row. Scanned
 * a step at a time (each call reads at most 1 MiB), the strip takes in only what the
 * scanner passed, and still ends up exactly as a full recomputation would. */
static void
test_aggregates_partial_scans (void)
{
  Fixture f = { 0 };
  guint calls = 0;
  gboolean completed = FALSE;

  fixture_open (&f, 4 * MiB);
  scan_pass (&f);
  g_assert_cmpuint (shmlens_tracker_get_n_blocks (f.tracker), ==, 1024);

  zero_bytes (&f, 401 * BLOCK, 1);            /* row 100 */
  zero_bytes (&f, 1023 * BLOCK + 4095, 1);    /* the last byte: row 255 */
  zero_bytes (&f, 0, 1);                      /* the first byte: row 0 */
  do
    {
      g_autoptr(GError) error = NULL;
      g_assert_true (shmlens_tracker_scan (f.tracker, 0, &completed, &error));
      g_assert_no_error (error);
      shmlens_overview_refreshed (f.overview, g_get_monotonic_time ());
      assert_rows_match_tracker (&f);
      calls++;
    }
  while (!completed);
  g_assert_cmpuint (calls, >, 1);

  for (int y = 0; y < HEIGHT; y++)
    {
      gboolean changed = y == 0 || y == 100 || y == 255;
      g_assert_cmpint (shmlens_overview_get_row_stamp (f.overview, y) != 0, ==, changed);
    }

  /* a later change, found over two refreshes across the end of a pass */
  zero_bytes (&f, 3 * MiB, 1);                /* row 192 */
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_true (shmlens_tracker_scan (f.tracker, 0, NULL, &error));
      g_assert_no_error (error);
      if (i % 2 == 1)
        shmlens_overview_refreshed (f.overview, g_get_monotonic_time ());
    }
  shmlens_overview_refreshed (f.overview, g_get_monotonic_time ());
  assert_rows_match_tracker (&f);
  g_assert_cmpuint (shmlens_overview_get_row_stamp (f.overview, 192), !=, 0);

  fixture_close (&f);
}

/* A segment smaller than the strip: a block spans many rows, every row shows its
 * block. When the segment grows, the rows stand for the new size. */
static void
test_small_segment_and_growth (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  int fd;
  g_autofree char *path = NULL;

  fixture_open (&f, 4 * BLOCK);
  scan_pass (&f);
  zero_bytes (&f, 2 * BLOCK + 5, 1);   /* block 2: rows 128 to 191 */
  scan_pass (&f);
  for (int y = 0; y < HEIGHT; y++)
    g_assert_cmpint (shmlens_overview_get_row_stamp (f.overview, y) != 0, ==,
                     y >= 128 && y < 192);
  assert_rows_match_tracker (&f);

  /* twice the size: block 2 now covers rows 64 to 95 */
  path = g_strconcat ("/dev/shm/", f.name, NULL);
  fd = open (path, O_RDWR | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 8 * BLOCK), ==, 0);
  close (fd);
  shmlens_reader_poll (f.reader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shmlens_reader_get_size (f.reader), ==, 8 * BLOCK);
  scan_pass (&f);
  assert_rows_match_tracker (&f);
  for (int y = 0; y < HEIGHT; y++)
    g_assert_cmpint (shmlens_overview_get_row_stamp (f.overview, y) != 0, ==,
                     y >= 64 && y < 96);

  fixture_close (&f);
}

static void
test_offset_mapping (void)
{
  Fixture f = { 0 };
  guint64 size = MiB + 123;   /* not a multiple of anything */

  fixture_open (&f, size);

  /* the top is offset 0, the bottom the last byte, and nothing lies outside */
  g_assert_cmpuint (shmlens_overview_offset_at_y (f.overview, 0), ==, 0);
  g_assert_cmpuint (shmlens_overview_offset_at_y (f.overview, -10), ==, 0);
  g_assert_cmpuint (shmlens_overview_offset_at_y (f.overview, HEIGHT), ==, size - 1);
  g_assert_cmpuint (shmlens_overview_offset_at_y (f.overview, HEIGHT + 50), ==, size - 1);
  g_assert_cmpuint (shmlens_overview_offset_at_y (f.overview, HEIGHT - 0.01), <, size);
  g_assert_cmpuint (shmlens_overview_offset_at_y (f.overview, HEIGHT - 0.01), >=,
                    size - size / HEIGHT);
  g_assert_cmpuint (shmlens_overview_offset_at_y (f.overview, HEIGHT / 2.0), ==, size / 2);

  g_assert_cmpfloat (shmlens_overview_y_at_offset (f.overview, 0), ==, 0);
  g_assert_cmpfloat (shmlens_overview_y_at_offset (f.overview, size), ==, HEIGHT);
  g_assert_cmpfloat (shmlens_overview_y_at_offset (f.overview, G_MAXUINT64), ==, HEIGHT);
  g_assert_cmpfloat_with_epsilon (shmlens_overview_y_at_offset (f.overview, size / 2),
                                  HEIGHT / 2.0, 0.01);

  /* round trips within a pixel's share of the segment */
  for (guint64 offset = 0; offset < size; offset += 4099)
    {
      double y = shmlens_overview_y_at_offset (f.overview, offset);
      guint64 back = shmlens_overview_offset_at_y (f.overview, y);
      g_assert_cmpuint (back <= offset ? offset - back : back - offset, <=, 1);
    }

  fixture_close (&f);
}

static void
on_jump (guint64 *out,
         guint64  offset)
{
  *out = offset;
}

static GtkGesture *
drag_gesture (ShmlensOverview *overview)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (overview));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_GESTURE_DRAG (controller))
        return GTK_GESTURE (controller);
    }
  g_error ("the strip has no drag gesture");
}

/* A press at a height jumps to the offset there; pressing again at the same place
 * jumps again (the user asked twice). */
static void
test_click_jumps (void)
{
  Fixture f = { 0 };
  guint64 jumped = G_MAXUINT64;
  GtkGesture *gesture;

  fixture_open (&f, 2 * MiB);
  g_signal_connect_swapped (f.overview, "jump", G_CALLBACK (on_jump), &jumped);
  gesture = drag_gesture (f.overview);

  g_signal_emit_by_name (gesture, "drag-begin", 7.0, 64.0);
  g_assert_cmpuint (jumped, ==, 2 * MiB * 64 / HEIGHT);
  g_assert_cmpuint (jumped, ==, shmlens_overview_offset_at_y (f.overview, 64.0));

  g_signal_emit_by_name (gesture, "drag-begin", 7.0, 0.0);
  g_assert_cmpuint (jumped, ==, 0);

  jumped = G_MAXUINT64;
  g_signal_emit_by_name (gesture, "drag-begin", 7.0, (double) HEIGHT);
  g_assert_cmpuint (jumped, ==, 2 * MiB - 1);

  jumped = G_MAXUINT64;
  g_signal_emit_by_name (gesture, "drag-begin", 7.0, (double) HEIGHT);
  g_assert_cmpuint (jumped, ==, 2 * MiB - 1);

  /* without a tracker there is nowhere to go */
  shmlens_overview_set_tracker (f.overview, NULL);
  jumped = G_MAXUINT64;
  g_signal_emit_by_name (gesture, "drag-begin", 7.0, 64.0);
  g_assert_cmpuint (jumped, ==, G_MAXUINT64);
  for (int y = 0; y < HEIGHT; y++)
    g_assert_cmpuint (shmlens_overview_get_row_stamp (f.overview, y), ==, 0);

  fixture_close (&f);
}

/* What a screen reader and the end-to-end tests find. */
static void
test_accessible (void)
{
  Fixture f = { 0 };

  fixture_open (&f, 4096);
  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (f.overview),
                                               GTK_ACCESSIBLE_ROLE_IMG));
  g_assert_null (gtk_test_accessible_check_property (GTK_ACCESSIBLE (f.overview),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                     "Change overview"));
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (f.overview)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f.overview)), <=, 16);

  fixture_close (&f);
}


int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Under meson's TAP protocol an exit status of 77 counts as an error, not a skip:
   * without a display the tests report themselves skipped instead. */
  if (!shmlens_test_gtk_available ("overview"))
    return g_test_run ();

  g_test_add_func ("/shmlens/overview/marks-changed-region", test_marks_changed_region);
  g_test_add_func ("/shmlens/overview/aggregates-partial-scans", test_aggregates_partial_scans);
  g_test_add_func ("/shmlens/overview/small-segment-and-growth", test_small_segment_and_growth);
  g_test_add_func ("/shmlens/overview/offset-mapping-at-the-edges", test_offset_mapping);
  g_test_add_func ("/shmlens/overview/click-jumps", test_click_jumps);
  g_test_add_func ("/shmlens/overview/accessible", test_accessible);

  return g_test_run ();
}
