/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-tracker.c: the window reports exactly what changed; the overview scans within budget. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shmlens-reader.h"
#include "shmlens-test-util.h"
#include "shmlens-tracker.h"

#define KiB ((guint64) 1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

/* A segment under test: its name, a reader and a tracker over it. */
typedef struct
{
  char *name;
  ShmlensReader *reader;
  ShmlensTracker *tracker;
} Fixture;

/* Bytes that are never zero, so that a byte that becomes zero is always a change. */
static guint8 *
pattern (gsize length,
         guint seed)
{
  guint8 *bytes = g_malloc (length);

  for (gsize i = 0; i < length; i++)
    bytes[i] = (guint8) ((i * 7 + seed * 13 + (i >> 9)) % 255 + 1);
  return bytes;
}

static void
fixture_open (Fixture      *fixture,
              const guint8 *data,
              gsize         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = NULL;
  g_autoptr(ShmlensSegment) segment = NULL;

  fixture->name = shmlens_test_posix_create ("tracker", data, size);
  ref = g_strconcat ("/", fixture->name, NULL);
  segment = shmlens_test_resolve (ref);
  fixture->reader = shmlens_reader_open (segment, &error);
  g_assert_no_error (error);
  fixture->tracker = shmlens_tracker_new (fixture->reader);
}

static void
fixture_close (Fixture *fixture)
{
  g_clear_object (&fixture->tracker);
  g_clear_object (&fixture->reader);
  shmlens_test_posix_remove (fixture->name);
  g_clear_pointer (&fixture->name, g_free);
}

static void
refresh_at (Fixture *fixture,
            gint64   now)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (shmlens_tracker_refresh (fixture->tracker, now, &error));
  g_assert_no_error (error);
}

/* Rewrites [offset, offset + length) with each byte inverted, as another process would;
 * returns the old bytes, and the new ones in @new_bytes. */
static guint8 *
flip (Fixture  *fixture,
      guint64   offset,
      gsize     length,
      guint8  **new_bytes)
{
  g_autoptr(GBytes) now = shmlens_test_posix_bytes (fixture->name);
  const guint8 *current = g_bytes_get_data (now, NULL);
  guint8 *old = g_memdup2 (current + offset, length);
  guint8 *flipped = g_malloc (length);

  g_assert_cmpuint (offset + length, <=, g_bytes_get_size (now));
  for (gsize i = 0; i < length; i++)
    flipped[i] = old[i] ^ 0xff;
  shmlens_test_posix_write (fixture->name, offset, flipped, length);
  if (new_bytes != NULL)
    *new_bytes = flipped;
  else
    g_free (flipped);
  return old;
}

static void
resize_segment (const char *name,
                guint64     size)
{
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  int fd = open (path, O_WRONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  close (fd);
}

static guint64
allocated_blocks (const char *name)
{
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  return st.st_blocks;
}

/* Bytes this process has asked read()/pread() for, from /proc/self/io. */
static guint64
bytes_read_so_far (void)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *line;

  g_file_get_contents ("/proc/self/io", &text, NULL, &error);
  g_assert_no_error (error);
  line = strstr (text, "rchar: ");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("rchar: "), NULL, 10);
}

static void
poll_expect (Fixture             *fixture,
             ShmlensReaderEvents  expected)
{
  g_autoptr(GError) error = NULL;
  ShmlensReaderEvents events = shmlens_reader_poll (fixture->reader, &error);

  g_assert_no_error (error);
  g_assert_cmpint (events, ==, expected);
}

static void
assert_change (const ShmlensTrackerChange *change,
               guint64                     offset,
               gsize                       length)
{
  g_assert_cmpuint (change->offset, ==, offset);
  g_assert_cmpuint (change->length, ==, length);
}

static void
assert_window_matches_segment (Fixture *fixture)
{
  g_autoptr(GBytes) now = shmlens_test_posix_bytes (fixture->name);
  guint64 offset = shmlens_tracker_get_window_offset (fixture->tracker);
  gsize valid;
  const guint8 *bytes = shmlens_tracker_get_window_bytes (fixture->tracker, &valid);
  gsize expected_valid = 0;

  if (g_bytes_get_size (now) > offset)
    expected_valid = MIN (g_bytes_get_size (now) - offset,
                          shmlens_tracker_get_window_length (fixture->tracker));
  g_assert_cmpuint (valid, ==, expected_valid);
  if (valid > 0)
    g_assert_cmpmem (bytes, valid, (const guint8 *) g_bytes_get_data (now, NULL) + offset,
                     valid);
}

/* The window */

static void
test_window_baseline_reports_nothing (void)
{
  g_autofree guint8 *data = pattern (64 * KiB, 1);
  Fixture f = { 0 };
  guint n_changes = 99;
  gint64 t0 = g_get_monotonic_time ();

  fixture_open (&f, data, 64 * KiB);
  shmlens_tracker_set_window (f.tracker, 0, 64 * KiB);
  g_assert_cmpuint (shmlens_tracker_get_valid_length (f.tracker), ==, 0);

  refresh_at (&f, t0);
  shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 0);
  /* the view has something new to draw: the bytes arrived */
  g_assert_true (shmlens_tracker_get_window_changed (f.tracker));
  assert_window_matches_segment (&f);
  g_assert_null (shmlens_tracker_get_window_stamps (f.tracker));

  refresh_at (&f, t0 + G_USEC_PER_SEC);
  shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 0);
  g_assert_false (shmlens_tracker_get_window_changed (f.tracker));
  for (guint64 i = 0; i < 64 * KiB; i += 997)
    g_assert_cmpint (shmlens_tracker_get_byte_changed_at (f.tracker, i), ==, -1);

  /* rewriting bytes with the values they have is no change */
  shmlens_test_posix_write (f.name, 100, data + 100, 5000);
  refresh_at (&f, t0 + 2 * G_USEC_PER_SEC);
  shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 0);
  g_assert_false (shmlens_tracker_get_window_changed (f.tracker));

  fixture_close (&f);
}

static void
test_window_reports_exact_ranges (void)
{
  g_autofree guint8 *data = pattern (64 * KiB, 2);
  Fixture f = { 0 };
  const ShmlensTrackerChange *changes;
  guint n_changes;
  struct { guint64 offset; gsize length; } expected[] = {
    { 1000, 10 }, { 5000, 1 }, { 6000, 20 }, { 7000, 10 }, { 7011, 9 }, { 40990, 10 },
  };
  g_autofree guint8 *old_6000 = NULL;
  g_autofree guint8 *old_6010 = NULL;
  g_autofree guint8 *new_6000 = NULL;
  g_autofree guint8 *new_6010 = NULL;

  fixture_open (&f, data, 64 * KiB);
  shmlens_tracker_set_window (f.tracker, 1000, 40000);
  refresh_at (&f, g_get_monotonic_time ());

  g_free (flip (&f, 100, 100, NULL));           /* before the window */
  g_free (flip (&f, 990, 20, NULL));            /* across its start */
  g_free (flip (&f, 5000, 1, NULL));
  old_6000 = flip (&f, 6000, 10, &new_6000);    /* two writes that touch: one run */
  old_6010 = flip (&f, 6010, 10, &new_6010);
  g_free (flip (&f, 7000, 10, NULL));           /* one unchanged byte between: two runs */
  g_free (flip (&f, 7011, 9, NULL));
  shmlens_test_posix_write (f.name, 8000, data + 8000, 100);  /* same bytes */
  g_free (flip (&f, 40990, 20, NULL));          /* across its end */
  g_free (flip (&f, 50000, 10, NULL));          /* after the window */

  refresh_at (&f, g_get_monotonic_time ());
  changes = shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < n_changes; i++)
    {
      assert_change (&changes[i], expected[i].offset, expected[i].length);
      for (gsize k = 0; k < changes[i].length; k++)
        {
          g_assert_cmpuint (changes[i].old_bytes[k], ==, data[changes[i].offset + k]);
          g_assert_cmpuint (changes[i].new_bytes[k], ==, data[changes[i].offset + k] ^ 0xff);
        }
    }
  g_assert_cmpmem (changes[2].old_bytes, 10, old_6000, 10);
  g_assert_cmpmem (changes[2].old_bytes + 10, 10, old_6010, 10);
  g_assert_cmpmem (changes[2].new_bytes, 10, new_6000, 10);
  g_assert_cmpmem (changes[2].new_bytes + 10, 10, new_6010, 10);
  g_assert_true (shmlens_tracker_get_window_changed (f.tracker));
  assert_window_matches_segment (&f);

  /* reported once: the next refresh sees nothing new */
  refresh_at (&f, g_get_monotonic_time ());
  shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 0);

  fixture_close (&f);
}

/* Windows are read in 1 MiB pieces; a run that crosses pieces is still one run. */
static void
test_window_run_across_reads (void)
{
  g_autofree guint8 *data = pattern (3 * MiB, 3);
  Fixture f = { 0 };
  const ShmlensTrackerChange *changes;
  guint n_changes;

  fixture_open (&f, data, 3 * MiB);
  shmlens_tracker_set_window (f.tracker, 0, 3 * MiB);
  refresh_at (&f, g_get_monotonic_time ());

  g_free (flip (&f, MiB - 100, 200, NULL));
  g_free (flip (&f, 2 * MiB - 1, 1 + MiB, NULL));   /* to the very end */
  refresh_at (&f, g_get_monotonic_time ());
  changes = shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 2);
  assert_change (&changes[0], MiB - 100, 200);
  assert_change (&changes[1], 2 * MiB - 1, MiB + 1);
  g_assert_cmpuint (changes[1].old_bytes[MiB], ==, data[3 * MiB - 1]);
  g_assert_cmpuint (changes[1].new_bytes[MiB], ==, data[3 * MiB - 1] ^ 0xff);
  assert_window_matches_segment (&f);

  fixture_close (&f);
}

static void
test_window_change_times (void)
{
  g_autofree guint8 *data = pattern (4 * KiB, 4);
  Fixture f = { 0 };
  gint64 t0 = g_get_monotonic_time ();
  gint64 t1 = t0 + 2 * G_USEC_PER_SEC;
  gint64 t2 = t0 + 5 * G_USEC_PER_SEC;
  const guint32 *stamps;

  fixture_open (&f, data, 4 * KiB);
  shmlens_tracker_set_window (f.tracker, 0, 4 * KiB);
  refresh_at (&f, t0);

  g_free (flip (&f, 10, 10, NULL));
  refresh_at (&f, t1);
  g_free (flip (&f, 15, 15, NULL));
  refresh_at (&f, t2);
  refresh_at (&f, t2 + G_USEC_PER_SEC);   /* nothing new: times stay */

  for (guint64 i = 0; i < 4 * KiB; i++)
    {
      gint64 at = shmlens_tracker_get_byte_changed_at (f.tracker, i);

      if (i >= 10 && i < 15)
        g_assert_cmpint (ABS (at - t1), <, 1000);
      else if (i >= 15 && i < 30)
        g_assert_cmpint (ABS (at - t2), <, 1000);
      else
        g_assert_cmpint (at, ==, -1);
    }
  g_assert_cmpint (ABS (shmlens_tracker_get_byte_age (f.tracker, 12, t2 + G_USEC_PER_SEC) -
                        4 * G_USEC_PER_SEC), <, 1000);
  g_assert_cmpint (shmlens_tracker_get_byte_age (f.tracker, 40, t2), ==, -1);
  g_assert_cmpint (shmlens_tracker_get_byte_changed_at (f.tracker, 4 * KiB), ==, -1);

  /* the raw stamps say the same, for views that colour bytes without a call each */
  stamps = shmlens_tracker_get_window_stamps (f.tracker);
  g_assert_nonnull (stamps);
  g_assert_cmpuint (stamps[0], ==, 0);
  g_assert_cmpuint (stamps[12], ==, shmlens_tracker_time_to_stamp (f.tracker, t1));
  g_assert_cmpuint (stamps[20], ==, shmlens_tracker_time_to_stamp (f.tracker, t2));
  g_assert_cmpuint (stamps[12], <, stamps[20]);
  g_assert_cmpint (ABS (shmlens_tracker_stamp_to_time (f.tracker, stamps[20]) - t2), <, 1000);

  fixture_close (&f);
}

static void
test_window_shrink_and_grow (void)
{
  g_autofree guint8 *data = pattern (8 * KiB, 5);
  g_autofree guint8 *other = pattern (1000, 6);
  Fixture f = { 0 };
  const ShmlensTrackerChange *changes;
  guint n_changes;
  gsize valid;

  fixture_open (&f, data, 8 * KiB);
  shmlens_tracker_set_window (f.tracker, 0, 8 * KiB);
  refresh_at (&f, g_get_monotonic_time ());

  /* shrinking: fewer valid bytes, but no change of content */
  resize_segment (f.name, 3000);
  poll_expect (&f, SHMLENS_READER_EVENT_TRUNCATED);
  refresh_at (&f, g_get_monotonic_time ());
  shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 0);
  g_assert_true (shmlens_tracker_get_window_changed (f.tracker));
  g_assert_cmpuint (shmlens_tracker_get_valid_length (f.tracker), ==, 3000);
  assert_window_matches_segment (&f);

  /* growing: the bytes that appear get a baseline, they did not "change" */
  resize_segment (f.name, 8 * KiB);
  shmlens_test_posix_write (f.name, 4000, other, 1000);
  poll_expect (&f, SHMLENS_READER_EVENT_GROWN);
  refresh_at (&f, g_get_monotonic_time ());
  shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 0);
  g_assert_true (shmlens_tracker_get_window_changed (f.tracker));
  g_assert_cmpuint (shmlens_tracker_get_valid_length (f.tracker), ==, 8 * KiB);
  g_assert_cmpint (shmlens_tracker_get_byte_changed_at (f.tracker, 4500), ==, -1);
  assert_window_matches_segment (&f);

  /* and later writes there are changes again */
  g_free (flip (&f, 4500, 10, NULL));
  refresh_at (&f, g_get_monotonic_time ());
  changes = shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 1);
  assert_change (&changes[0], 4500, 10);

  /* truncated and regrown between two refreshes: the size is the same, the content is
   * not (zeros now), and that is a change of every byte */
  resize_segment (f.name, 0);
  resize_segment (f.name, 3000);
  refresh_at (&f, g_get_monotonic_time ());
  changes = shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 1);
  assert_change (&changes[0], 0, 3000);
  g_assert_cmpuint (changes[0].old_bytes[2999], ==, data[2999]);
  g_assert_cmpuint (changes[0].new_bytes[2999], ==, 0);
  g_assert_cmpuint (shmlens_tracker_get_valid_length (f.tracker), ==, 3000);

  /* gone entirely */
  resize_segment (f.name, 0);
  refresh_at (&f, g_get_monotonic_time ());
  g_assert_null (shmlens_tracker_get_window_bytes (f.tracker, &valid));
  g_assert_cmpuint (valid, ==, 0);
  shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 0);

  fixture_close (&f);
}

/* Scrolling keeps what the old and new windows share: a change made meanwhile in the
 * shared part is reported, and change times survive the move. */
static void
test_window_move_keeps_overlap (void)
{
  g_autofree guint8 *data = pattern (64 * KiB, 7);
  Fixture f = { 0 };
  const ShmlensTrackerChange *changes;
  guint n_changes;

  fixture_open (&f, data, 64 * KiB);
  shmlens_tracker_set_window (f.tracker, 0, 4096);
  refresh_at (&f, g_get_monotonic_time ());

  shmlens_tracker_set_window (f.tracker, 2048, 4096);
  g_assert_cmpuint (shmlens_tracker_get_window_offset (f.tracker), ==, 2048);
  g_free (flip (&f, 3000, 10, NULL));   /* shared with the old window */
  g_free (flip (&f, 5000, 10, NULL));   /* new to the window: its baseline */
  refresh_at (&f, g_get_monotonic_time ());
  changes = shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 1);
  assert_change (&changes[0], 3000, 10);
  assert_window_matches_segment (&f);

  shmlens_tracker_set_window (f.tracker, 2500, 1000);
  refresh_at (&f, g_get_monotonic_time ());
  shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 0);
  g_assert_cmpint (shmlens_tracker_get_byte_changed_at (f.tracker, 3005), >, 0);
  g_assert_cmpint (shmlens_tracker_get_byte_changed_at (f.tracker, 3010), ==, -1);
  assert_window_matches_segment (&f);

  /* a window that shares nothing starts over */
  shmlens_tracker_set_window (f.tracker, 30000, 1000);
  g_free (flip (&f, 30100, 10, NULL));
  refresh_at (&f, g_get_monotonic_time ());
  shmlens_tracker_get_changes (f.tracker, &n_changes);
  g_assert_cmpuint (n_changes, ==, 0);
  assert_window_matches_segment (&f);

  fixture_close (&f);
}

/* A window past the end, or larger than the segment, holds what there is; reading a
 * window of a huge sparse segment allocates nothing in it. */
static void
test_window_past_end_and_sparse (void)
{
  g_autofree guint8 *data = pattern (4 * KiB, 8);
  g_autofree guint8 *zeros = g_malloc0 (4 * MiB);
  Fixture f = { 0 };
  Fixture sparse = { 0 };
  gsize valid;
  const guint8 *bytes;
  guint64 blocks;

  fixture_open (&f, data, 4 * KiB);
  shmlens_tracker_set_window (f.tracker, 0, 64 * MiB);
  refresh_at (&f, g_get_monotonic_time ());
  g_assert_cmpuint (shmlens_tracker_get_valid_length (f.tracker), ==, 4 * KiB);
  assert_window_matches_segment (&f);

  shmlens_tracker_set_window (f.tracker, 10000, 5000);
  refresh_at (&f, g_get_monotonic_time ());
  g_assert_cmpuint (shmlens_tracker_get_valid_length (f.tracker), ==, 0);
  resize_segment (f.name, 20000);
  refresh_at (&f, g_get_monotonic_time ());
  g_assert_cmpuint (shmlens_tracker_get_valid_length (f.tracker), ==, 5000);
  fixture_close (&f);

  fixture_open (&sparse, NULL, GiB);
  blocks = allocated_blocks (sparse.name);
  shmlens_tracker_set_window (sparse.tracker, 512 * MiB, 4 * MiB);
  refresh_at (&sparse, g_get_monotonic_time ());
  refresh_at (&sparse, g_get_monotonic_time ());
  bytes = shmlens_tracker_get_window_bytes (sparse.tracker, &valid);
  g_assert_cmpuint (valid, ==, 4 * MiB);
  g_assert_cmpmem (bytes, valid, zeros, 4 * MiB);
  g_assert_cmpuint (allocated_blocks (sparse.name), ==, blocks);
  fixture_close (&sparse);
}

/* The overview */

static void
scan_pass (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  gboolean completed = FALSE;

  g_assert_true (shmlens_tracker_scan (fixture->tracker, 60 * G_USEC_PER_SEC, &completed,
                                       &error));
  g_assert_no_error (error);
  g_assert_true (completed);
}

static void
assert_changed_blocks (Fixture     *fixture,
                       gint64       since,
                       const guint *blocks,
                       gsize        n_blocks)
{
  guint n = shmlens_tracker_get_n_blocks (fixture->tracker);

  for (guint i = 0; i < n; i++)
    {
      gboolean expected = FALSE;
      gint64 at = shmlens_tracker_get_block_changed_at (fixture->tracker, i);

      for (gsize k = 0; k < n_blocks; k++)
        expected |= blocks[k] == i;
      if (expected)
        {
          if (at < since - 1000)
            g_error ("block %u should have changed after %" G_GINT64_FORMAT
                     ", its time is %" G_GINT64_FORMAT, i, since, at);
        }
      else if (at >= 0 && at >= since - 1000)
        g_error ("block %u should not have changed, its time is %" G_GINT64_FORMAT, i, at);
    }
}

static void
test_overview_finds_changed_blocks (void)
{
  g_autofree guint8 *data = pattern (MiB, 9);
  Fixture f = { 0 };
  const guint changed[] = { 3, 17, 18, 255 };
  const guint again[] = { 100 };
  gint64 before, at;

  fixture_open (&f, data, MiB);
  scan_pass (&f);
  g_assert_cmpuint (shmlens_tracker_get_block_size (f.tracker), ==, 4096);
  g_assert_cmpuint (shmlens_tracker_get_n_blocks (f.tracker), ==, 256);
  g_assert_cmpuint (shmlens_tracker_get_n_passes (f.tracker), ==, 1);
  assert_changed_blocks (&f, 0, NULL, 0);   /* the first pass is the baseline */
  g_assert_cmpint (shmlens_tracker_get_last_changed_block (f.tracker, NULL), ==, -1);

  before = g_get_monotonic_time ();
  g_free (flip (&f, 3 * 4096 + 10, 1, NULL));
  g_free (flip (&f, 17 * 4096 + 4000, 200, NULL));
  g_free (flip (&f, MiB - 1, 1, NULL));
  shmlens_test_posix_write (f.name, 50 * 4096, data + 50 * 4096, 4096);   /* same bytes */
  scan_pass (&f);
  assert_changed_blocks (&f, before, changed, G_N_ELEMENTS (changed));
  g_assert_cmpint (shmlens_tracker_get_last_changed_block (f.tracker, &at), ==, 255);
  g_assert_cmpint (at, >=, before - 1000);

  /* a quiet pass changes nothing; the next write is found alone */
  scan_pass (&f);
  g_usleep (5000);
  before = g_get_monotonic_time ();
  g_free (flip (&f, 100 * 4096, 4096, NULL));
  scan_pass (&f);
  assert_changed_blocks (&f, before, again, 1);
  g_assert_cmpint (shmlens_tracker_get_last_changed_block (f.tracker, NULL), ==, 100);
  g_assert_cmpint (shmlens_tracker_get_block_changed_at (f.tracker, 3), <, before);
  g_assert_cmpint (shmlens_tracker_get_block_changed_at (f.tracker, 3), >, 0);
  g_assert_cmpuint (shmlens_tracker_get_n_passes (f.tracker), ==, 4);

  fixture_close (&f);
}

/* A budget too small for anything still makes progress, a step at a time (at most a
 * 1 MiB read), and the pass completes after many calls. */
static void
test_overview_respects_budget (void)
{
  g_autofree guint8 *data = pattern (64 * MiB, 10);
  Fixture f = { 0 };
  guint calls = 0;
  gboolean completed = FALSE;
  const guint changed[] = { 9000 };
  gint64 before;

  fixture_open (&f, data, 64 * MiB);
  while (!completed)
    {
      g_autoptr(GError) error = NULL;
      guint position = shmlens_tracker_get_scan_position (f.tracker);

      g_assert_true (shmlens_tracker_scan (f.tracker, calls % 2 == 0 ? 1 : 0, &completed,
                                           &error));
      g_assert_no_error (error);
      calls++;
      if (!completed)
        {
          guint now = shmlens_tracker_get_scan_position (f.tracker);
          g_assert_cmpuint (now, >, position);
          g_assert_cmpuint (now - position, <=, MiB / 4096);
        }
      g_assert_cmpuint (calls, <=, 64 * MiB / 4096);
    }
  g_assert_cmpuint (calls, >=, 64);
  g_assert_cmpuint (shmlens_tracker_get_n_passes (f.tracker), ==, 1);
  g_assert_cmpuint (shmlens_tracker_get_scan_position (f.tracker), ==, 0);

  /* a pass made of small steps finds changes like a whole one */
  before = g_get_monotonic_time ();
  g_free (flip (&f, 9000 * 4096 + 5, 3, NULL));
  for (completed = FALSE, calls = 0; !completed; calls++)
    {
      gboolean ok = shmlens_tracker_scan (f.tracker, 1, &completed, NULL);
      g_assert_true (ok);
    }
  g_assert_cmpuint (calls, >=, 64);
  assert_changed_blocks (&f, before, changed, 1);

  fixture_close (&f);
}

/* Holes are skipped, not read: scanning a 1 GiB sparse segment reads only its data,
 * allocates nothing in it, and still notices a write into a hole. */
static void
test_overview_skips_holes (void)
{
  g_autofree guint8 *page = pattern (4096, 11);
  g_autofree guint8 *zeros = g_malloc0 (4096);
  Fixture f = { 0 };
  guint64 blocks, read_before, read_during;
  gint64 before;
  const guint changed[] = { 700 * MiB / 8192 };   /* blocks of 8 KiB at 1 GiB */

  fixture_open (&f, NULL, GiB);
  shmlens_test_posix_write (f.name, 0, page, 4096);
  shmlens_test_posix_write (f.name, 300 * MiB + 5 * 4096, page, 4096);
  shmlens_test_posix_write (f.name, GiB - 4096, page, 4096);
  blocks = allocated_blocks (f.name);

  read_before = bytes_read_so_far ();
  scan_pass (&f);
  read_during = bytes_read_so_far () - read_before;
  g_assert_cmpuint (shmlens_tracker_get_n_blocks (f.tracker), ==, GiB / 8192);
  g_test_message ("scanning 1 GiB sparse read %" G_GUINT64_FORMAT " bytes", read_during);
  g_assert_cmpuint (read_during, <, 1 * MiB);
  g_assert_cmpuint (allocated_blocks (f.name), ==, blocks);

  /* data written into a hole is a change; zeros written into a hole are not (the
   * bytes read the same) */
  before = g_get_monotonic_time ();
  shmlens_test_posix_write (f.name, 700 * MiB + 100, page, 50);
  shmlens_test_posix_write (f.name, 800 * MiB, zeros, 4096);
  blocks = allocated_blocks (f.name);
  scan_pass (&f);
  assert_changed_blocks (&f, before, changed, 1);
  g_assert_cmpuint (allocated_blocks (f.name), ==, blocks);

  fixture_close (&f);
}

static void
expect_geometry (guint64 size,
                 gsize   block_size,
                 guint   n_blocks)
{
  Fixture f = { 0 };

  fixture_open (&f, NULL, size);
  scan_pass (&f);
  g_assert_cmpuint (shmlens_tracker_get_block_size (f.tracker), ==, block_size);
  g_assert_cmpuint (shmlens_tracker_get_n_blocks (f.tracker), ==, n_blocks);
  g_assert_cmpuint (allocated_blocks (f.name), ==, 0);
  fixture_close (&f);
}

static void
test_overview_block_size_grows (void)
{
  expect_geometry (4096, 4096, 1);
  expect_geometry (GiB / 2, 4096, 1 << 17);
  expect_geometry (GiB / 2 + 1, 8192, (1 << 16) + 1);
  expect_geometry (64 * GiB, 512 * KiB, 1 << 17);
  expect_geometry (64 * GiB - 1, 512 * KiB, 1 << 17);
}

/* The table follows the segment's size: new blocks get a baseline, not a change;
 * when the block size changes, change times carry over to the blocks that cover them. */
static void
test_overview_follows_resizing (void)
{
  g_autofree guint8 *data = pattern (MiB + 100, 12);
  g_autofree guint8 *page = pattern (4096, 13);
  Fixture f = { 0 };
  const guint none[] = { 0 };
  const guint block_200[] = { 200 };
  const guint block_5[] = { 5 };
  const guint block_far[] = { 3 * GiB / 4 / 8192 };
  gint64 before, changed_at;

  fixture_open (&f, data, MiB + 100);
  scan_pass (&f);
  g_assert_cmpuint (shmlens_tracker_get_n_blocks (f.tracker), ==, 257);

  /* shrinking through a block: no block "changed" */
  before = g_get_monotonic_time ();
  resize_segment (f.name, 512 * KiB + 50);
  poll_expect (&f, SHMLENS_READER_EVENT_TRUNCATED);
  scan_pass (&f);
  g_assert_cmpuint (shmlens_tracker_get_n_blocks (f.tracker), ==, 129);
  assert_changed_blocks (&f, before, none, 0);

  /* growing back: the new blocks are a baseline */
  resize_segment (f.name, MiB);
  poll_expect (&f, SHMLENS_READER_EVENT_GROWN);
  scan_pass (&f);
  g_assert_cmpuint (shmlens_tracker_get_n_blocks (f.tracker), ==, 256);
  assert_changed_blocks (&f, before, none, 0);
  scan_pass (&f);
  assert_changed_blocks (&f, before, none, 0);

  g_free (flip (&f, 200 * 4096 + 7, 1, NULL));
  scan_pass (&f);
  assert_changed_blocks (&f, before, block_200, 1);
  g_assert_cmpint (shmlens_tracker_get_last_changed_block (f.tracker, &changed_at), ==, 200);

  /* 1 GiB: blocks of 8 KiB; block 200 is now block 100 and keeps its time */
  g_free (flip (&f, 10 * 4096, 1, NULL));
  scan_pass (&f);
  resize_segment (f.name, GiB);
  poll_expect (&f, SHMLENS_READER_EVENT_GROWN);
  scan_pass (&f);
  g_assert_cmpuint (shmlens_tracker_get_block_size (f.tracker), ==, 8192);
  g_assert_cmpuint (shmlens_tracker_get_n_blocks (f.tracker), ==, 1 << 17);
  g_assert_cmpint (shmlens_tracker_get_block_changed_at (f.tracker, 100), ==, changed_at);
  g_assert_cmpint (shmlens_tracker_get_block_changed_at (f.tracker, 5), >=, changed_at);
  g_assert_cmpint (shmlens_tracker_get_block_changed_at (f.tracker, 6), ==, -1);

  before = g_get_monotonic_time ();
  shmlens_test_posix_write (f.name, 3 * GiB / 4 + 8000, page, 4096);   /* two 4 KiB pages */
  scan_pass (&f);
  g_assert_cmpint (shmlens_tracker_get_last_changed_block (f.tracker, NULL), ==,
                   block_far[0] + 1);
  g_assert_cmpint (shmlens_tracker_get_block_changed_at (f.tracker, block_far[0]), >=,
                   before - 1000);
  g_assert_cmpint (shmlens_tracker_get_block_changed_at (f.tracker, block_far[0] + 1), >=,
                   before - 1000);
  g_assert_cmpint (shmlens_tracker_get_block_changed_at (f.tracker, block_far[0] - 1), ==, -1);

  /* and back to 1 MiB: blocks of 4 KiB again, times kept, no spurious change */
  resize_segment (f.name, MiB);
  poll_expect (&f, SHMLENS_READER_EVENT_TRUNCATED);
  g_usleep (5000);   /* the earlier changes are then clearly older than "before" */
  before = g_get_monotonic_time ();
  scan_pass (&f);
  scan_pass (&f);
  g_assert_cmpuint (shmlens_tracker_get_block_size (f.tracker), ==, 4096);
  g_assert_cmpuint (shmlens_tracker_get_n_blocks (f.tracker), ==, 256);
  assert_changed_blocks (&f, before, none, 0);
  g_assert_cmpint (shmlens_tracker_get_block_changed_at (f.tracker, 200), ==, changed_at);
  g_assert_cmpint (shmlens_tracker_get_block_changed_at (f.tracker, 201), ==, changed_at);
  g_assert_cmpint (shmlens_tracker_get_block_changed_at (f.tracker, 10), >, 0);

  before = g_get_monotonic_time ();
  g_free (flip (&f, 5 * 4096, 4096, NULL));
  scan_pass (&f);
  assert_changed_blocks (&f, before, block_5, 1);

  fixture_close (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shmlens/tracker/window/baseline-reports-nothing",
                   test_window_baseline_reports_nothing);
  g_test_add_func ("/shmlens/tracker/window/reports-exact-ranges",
                   test_window_reports_exact_ranges);
  g_test_add_func ("/shmlens/tracker/window/run-across-reads", test_window_run_across_reads);
  g_test_add_func ("/shmlens/tracker/window/change-times", test_window_change_times);
  g_test_add_func ("/shmlens/tracker/window/shrink-and-grow", test_window_shrink_and_grow);
  g_test_add_func ("/shmlens/tracker/window/move-keeps-overlap",
                   test_window_move_keeps_overlap);
  g_test_add_func ("/shmlens/tracker/window/past-end-and-sparse",
                   test_window_past_end_and_sparse);
  g_test_add_func ("/shmlens/tracker/overview/finds-changed-blocks",
                   test_overview_finds_changed_blocks);
  g_test_add_func ("/shmlens/tracker/overview/respects-budget",
                   test_overview_respects_budget);
  g_test_add_func ("/shmlens/tracker/overview/skips-holes", test_overview_skips_holes);
  g_test_add_func ("/shmlens/tracker/overview/block-size-grows",
                   test_overview_block_size_grows);
  g_test_add_func ("/shmlens/tracker/overview/follows-resizing",
                   test_overview_follows_resizing);

  return g_test_run ();
}
