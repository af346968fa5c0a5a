/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-demo.c: the demos' layouts are the writers' structs; the app's plan of writers. */
#include "config.h"

#include "shmlens-demo.h"
#include "shmlens-layout.h"

/* Every demo's header is built into the library, parses, and its type is exactly as
 * large as the region its writers write (hello: the segment). */
static void
test_layouts_are_the_writers_structs (void)
{
  guint n;
  const ShmlensDemo *demos = shmlens_demo_get_all (&n);

  g_assert_cmpuint (n, ==, 5);
  for (guint i = 0; i < n; i++)
    {
      const char *file_name = NULL, *type_name = NULL;
      g_autoptr(GBytes) text = shmlens_demo_get_layout (&demos[i], &file_name, &type_name);
      g_autoptr(GError) error = NULL;
      g_autoptr(ShmlensLayout) layout = NULL;
      ShmlensType *type;
      guint64 expected;

      g_test_message ("demo %s: %s, %s", demos[i].id, file_name, type_name);
      g_assert_nonnull (text);
      layout = shmlens_layout_new (g_bytes_get_data (text, NULL), (gssize) g_bytes_get_size (text),
                                   file_name, &error);
      g_assert_no_error (error);
      type = shmlens_layout_lookup (layout, type_name, &error);
      g_assert_no_error (error);
      g_assert_nonnull (type);
      expected = demos[i].default_writers == 0 ? demos[i].size
                                               : shmlens_writer_pattern_get_min_size (demos[i].pattern);
      g_assert_cmpuint (shmlens_type_get_size (type), ==, expected);
      g_assert_cmpuint (shmlens_type_get_size (type), <=, demos[i].size);
      g_assert_true (shmlens_demo_lookup (demos[i].id) == &demos[i]);
    }
  g_assert_null (shmlens_demo_lookup ("nothing"));
  g_assert_null (shmlens_layouts_lookup ("nothing.h"));
}

/* The app's race demo: one group of writers per synchronization, each in a region of
 * its own, records side by side from offset 0. */
static void
test_race_plan (void)
{
  const ShmlensDemo *race = shmlens_demo_lookup ("race");
  guint n_planned = 0, n_records = 0;
  g_autofree ShmlensDemoWriter *writers = shmlens_demo_plan_writers (race, 2, &n_planned, &n_records);
  guint64 stride = shmlens_writer_pattern_get_min_size (SHMLENS_WRITER_RACE);

  stride = (stride + 7) / 8 * 8;
  g_assert_cmpuint (n_planned, ==, 6);
  g_assert_cmpuint (n_records, ==, 3);
  for (guint i = 0; i < n_planned; i++)
    {
      g_assert_cmpint (writers[i].options.pattern, ==, SHMLENS_WRITER_RACE);
      g_assert_cmpint (writers[i].options.sync, ==, (ShmlensWriterSync) (i / 2));
      g_assert_cmpuint (writers[i].options.offset, ==, (i / 2) * stride);
      g_assert_cmpuint (writers[i].options.slot, ==, i % 2);
      g_assert_cmpuint (writers[i].options.peers, ==, 2);
      g_assert_cmpuint (writers[i].options.iterations, >, 0);
    }
  g_assert_cmpuint (3 * stride, <=, race->size);
}

static void
test_counters_plan (void)
{
  const ShmlensDemo *counters = shmlens_demo_lookup ("counters");
  guint n_planned = 0, n_records = 0;
  g_autofree ShmlensDemoWriter *writers = shmlens_demo_plan_writers (counters, 0, &n_planned, &n_records);
  g_autofree ShmlensDemoWriter *too_many = NULL;

  g_assert_cmpuint (n_planned, ==, counters->default_writers);
  g_assert_cmpuint (n_records, ==, 1);
  for (guint i = 0; i < n_planned; i++)
    {
      g_assert_cmpuint (writers[i].options.slot, ==, i);
      g_assert_cmpuint (writers[i].options.offset, ==, 0);
      g_assert_cmpfloat (writers[i].rate, ==, counters->rate);
    }
  too_many = shmlens_demo_plan_writers (counters, 1000, &n_planned, &n_records);
  g_assert_cmpuint (n_planned, ==, counters->max_writers);
}

/* The command line of a writer is `shmlens-cli write` with the demo's options. */
static void
test_writer_argv (void)
{
  const ShmlensDemo *race = shmlens_demo_lookup ("race");
  g_auto(GStrv) argv = shmlens_demo_writer_argv (race, "/bin/shmlens-cli", "/seg", 1, 3,
                                                  SHMLENS_WRITER_SYNC_MUTEX, 1000);
  g_autofree char *line = g_strjoinv (" ", argv);

  g_assert_cmpstr (line, ==, "/bin/shmlens-cli write /seg --pattern=race --slot=1 --rate=0 "
                             "--sync=mutex --iterations=1000 --peers=3 --json");
}

/* The bytes each writer alone writes, for the app's tints. */
static void
test_owned_ranges (void)
{
  ShmlensWriterOptions counter = { .pattern = SHMLENS_WRITER_COUNTER, .offset = 64, .slot = 2 };
  ShmlensWriterOptions race = { .pattern = SHMLENS_WRITER_RACE, .slot = 1 };
  ShmlensWriterOptions random_fill = { .pattern = SHMLENS_WRITER_RANDOM, .offset = 100 };
  ShmlensWriterOptions wave = { .pattern = SHMLENS_WRITER_WAVE, .offset = 8 };
  ShmlensWriterOptions far_slot = { .pattern = SHMLENS_WRITER_COUNTER, .slot = 40 };
  guint64 offset, length;

  /* counters.h: magic, n_slots, then slots of pid, state, heartbeat, counter */
  shmlens_writer_get_owned_range (&counter, 4096, &offset, &length);
  g_assert_cmpuint (offset, ==, 64 + 8 + 2 * 24);
  g_assert_cmpuint (length, ==, 24);
  shmlens_writer_get_owned_range (&far_slot, 4096, &offset, &length);
  g_assert_cmpuint (length, ==, 0);
  shmlens_writer_get_owned_range (&race, 4096, &offset, &length);
  g_assert_cmpuint (length, >, 0);
  g_assert_cmpuint (offset + length, <=, shmlens_writer_pattern_get_min_size (SHMLENS_WRITER_RACE));
  g_assert_cmpuint (offset, >, 16);
  shmlens_writer_get_owned_range (&random_fill, 4096, &offset, &length);
  g_assert_cmpuint (offset, ==, 100);
  g_assert_cmpuint (length, ==, 3996);
  shmlens_writer_get_owned_range (&wave, 4096, &offset, &length);
  g_assert_cmpuint (offset, ==, 8);
  g_assert_cmpuint (length, ==, shmlens_writer_pattern_get_min_size (SHMLENS_WRITER_WAVE));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shmlens/demo/layouts-are-the-writers-structs", test_layouts_are_the_writers_structs);
  g_test_add_func ("/shmlens/demo/race-plan", test_race_plan);
  g_test_add_func ("/shmlens/demo/counters-plan", test_counters_plan);
  g_test_add_func ("/shmlens/demo/writer-argv", test_writer_argv);
  g_test_add_func ("/shmlens/demo/owned-ranges", test_owned_ranges);
  return g_test_run ();
}
