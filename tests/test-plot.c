/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-plot.c: the plot of watched fields: round ticks, fitted ranges, bounded memory,
 * what a screen reader hears and what the screen shows. */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "shmlens-plot.h"
#include "shmlens-plot-private.h"
#include "shmlens-test-gtk.h"
#include "shmlens-test-util.h"

#define SECOND ((gint64) G_USEC_PER_SEC)
#define WIDTH 600
#define HEIGHT 300
#define TIMEOUT_US (20 * G_USEC_PER_SEC)
/* An arbitrary monotonic time far from 0, as g_get_monotonic_time() gives. */
#define T0 ((gint64) 1000 * SECOND)

/* Ticks and labels: pure functions, no display needed */

/* A step is 1, 2 or 5 times a power of ten. */
static gboolean
is_nice (double step)
{
  double power = pow (10, floor (log10 (step)));
  double mantissa = step / power;

  return fabs (mantissa - 1) < 1e-9 || fabs (mantissa - 2) < 1e-9 || fabs (mantissa - 5) < 1e-9;
}

static void
assert_range (double   data_min,
              double   data_max,
              guint    max_intervals,
              gboolean integers,
              double   expected_low,
              double   expected_high,
              double   expected_step)
{
  double low, high, step;

  shmlens_plot_nice_range (data_min, data_max, max_intervals, integers, &low, &high, &step);
  if (low != expected_low || high != expected_high || step != expected_step)
    g_error ("[%.17g, %.17g] in %u intervals: got [%.17g, %.17g] by %.17g, expected "
             "[%.17g, %.17g] by %.17g", data_min, data_max, max_intervals, low, high, step,
             expected_low, expected_high, expected_step);
}

static void
test_nice_range (void)
{
  GRand *rand = g_rand_new_with_seed (4242);

  assert_range (3, 97, 5, TRUE, 0, 100, 20);
  assert_range (0, 1, 4, FALSE, 0, 1, 0.5);
  assert_range (0.3, 0.7, 4, FALSE, 0.3, 0.7, 0.1);
  /* rounding outwards would take 5 intervals by 5: by 10 instead */
  assert_range (-7, 13, 4, TRUE, -10, 20, 10);
  assert_range (1000000, 1000010, 5, TRUE, 1000000, 1000010, 2);
  /* a counter that moved by one: no tick between integers */
  assert_range (41, 42, 4, TRUE, 41, 42, 1);
  assert_range (41, 42, 4, FALSE, 41, 42, 0.5);
  /* uint64 and int64 extremes */
  assert_range (0, 18446744073709551615.0, 4, TRUE, 0, 2e19, 5e18);
  assert_range (-9223372036854775808.0, 9223372036854775807.0, 4, TRUE, -1e19, 1e19, 5e18);
  /* the order of the ends does not matter */
  assert_range (97, 3, 5, TRUE, 0, 100, 20);
  /* around 0, two intervals at the least */
  assert_range (-0.1, 0.1, 1, FALSE, -0.1, 0.1, 0.1);
  {
    double low, high, step;

    shmlens_plot_nice_range (-1e308, 1e308, 4, FALSE, &low, &high, &step);
    g_assert_true (isfinite (low) && isfinite (high) && isfinite (step));
    g_assert_cmpfloat (low, <, -9e307);
    g_assert_cmpfloat (high, >, 9e307);
  }

  /* A constant sits in the middle of a range of its order of magnitude */
  assert_range (42, 42, 4, TRUE, 41, 43, 1);
  assert_range (0, 0, 4, TRUE, -1, 1, 1);
  assert_range (-5, -5, 4, TRUE, -6, -4, 1);
  assert_range (1500000, 1500000, 4, TRUE, 1400000, 1600000, 50000);
  assert_range (0.35, 0.35, 2, FALSE, 0.34, 0.36, 0.01);
  /* values a double cannot tell apart are a constant */
  assert_range (1e19, 1e19 + 2048, 4, TRUE, 9e18, 1.1e19, 5e17);

  /* Whatever the values: the range holds them, in at most the intervals that fit, on
   * multiples of a nice step */
  for (guint i = 0; i < 20000; i++)
    {
      double scale = pow (10, g_rand_double_range (rand, -6, 19));
      double a = g_rand_double_range (rand, -1, 1) * scale;
      double b = a + g_rand_double_range (rand, 0, 1) * scale * pow (10, g_rand_int_range (rand, -8, 1));
      guint max_intervals = g_rand_int_range (rand, 2, 11);
      gboolean integers = g_rand_boolean (rand);
      double low, high, step, intervals, tolerance;

      if (integers)
        {
          a = floor (a);
          b = ceil (b);
        }
      shmlens_plot_nice_range (a, b, max_intervals, integers, &low, &high, &step);
      g_assert_true (is_nice (step));
      if (!(low <= a && high >= b))
        g_error ("[%.17g, %.17g] (%d) in %u: [%.17g, %.17g] by %.17g", a, b, integers, max_intervals, low, high, step);
      g_assert_cmpfloat (low, <=, a);
      g_assert_cmpfloat (high, >=, b);
      g_assert_cmpfloat (high, >, low);
      intervals = (high - low) / step;
      /* what doubles the size of the ends / step can tell apart */
      tolerance = 1e-6 + 8 * DBL_EPSILON * MAX (fabs (low), fabs (high)) / step;
      g_assert_cmpfloat (fabs (intervals - round (intervals)), <, tolerance);
      g_assert_cmpfloat (round (intervals), <=, max_intervals);
      g_assert_cmpfloat (fabs (low / step - round (low / step)), <, tolerance);
      if (integers)
        g_assert_cmpfloat (step, >=, 1);
      /* not needlessly coarse: at least two fifths of the intervals that fit are used
       * (steps grow by 2.5 at most), unless integers or a constant keep them apart */
      if (b - a > MAX (fabs (a), fabs (b)) * 1e-9 && !(integers && step == 1) &&
          round (intervals) < max_intervals * 2 / 5)
        g_error ("[%.17g, %.17g] in %u intervals: [%.17g, %.17g] by %.17g is too coarse",
                 a, b, max_intervals, low, high, step);
    }
  g_rand_free (rand);
}

static void
assert_ticks (double       low,
              double       step,
              const char  *expected)
{
  g_auto(GStrv) want = g_strsplit (expected, " ", -1);
  guint n = g_strv_length (want);
  char (*labels)[SHMLENS_PLOT_LABEL_SIZE] = g_malloc ((gsize) n * SHMLENS_PLOT_LABEL_SIZE);
  g_autoptr(GString) got = g_string_new (NULL);

  shmlens_plot_format_ticks (low, step, n, labels);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (got, "%s%s", i > 0 ? " " : "", labels[i]);
  g_assert_cmpstr (got->str, ==, expected);
  g_free (labels);
}

static void
test_format_ticks (void)
{
  /* plain on a tie; SI suffixes when shorter; plain when a suffix would need many
   * decimals */
  assert_ticks (0, 500, "0 500 1000 1500 2000");
  assert_ticks (0, 5000, "0 5k 10k 15k 20k");
  assert_ticks (0, 500000, "0 500k 1M 1.5M 2M");
  assert_ticks (1000000, 2, "1000000 1000002 1000004 1000006");
  assert_ticks (0, 0.25 * 2, "0 0.5 1 1.5");
  assert_ticks (0.1, 0.1, "0.1 0.2 0.3 0.4");
  assert_ticks (-1, 0.5, "−1 −0.5 0 0.5 1");
  assert_ticks (-20000, 10000, "−20k −10k 0 10k 20k");
  assert_ticks (0, 5e18, "0 5E 10E 15E 20E");
  assert_ticks (1.7e19, 1e18, "17E 18E 19E");
  /* a tick a rounding error away from zero is zero */
  assert_ticks (-0.3, 0.1, "−0.3 −0.2 −0.1 0 0.1");
}

static void
assert_value (double      value,
              const char *expected)
{
  char buffer[SHMLENS_PLOT_LABEL_SIZE];

  shmlens_plot_format_value (value, buffer, sizeof buffer);
  g_assert_cmpstr (buffer, ==, expected);
}

static void
test_format_value (void)
{
  assert_value (0, "0");
  assert_value (-0.0, "0");
  assert_value (42, "42");
  assert_value (-42, "−42");
  assert_value (1234567, "1234567");
  assert_value (999999999999999, "999999999999999");
  assert_value (0.35, "0.35");
  assert_value (3.14159265, "3.14159");
  assert_value (-2.5, "−2.5");
  assert_value (18446744073709551615.0, "18.4467E");
  assert_value (-9223372036854775808.0, "−9.22337E");
}

/* The widget in a window */

typedef struct
{
  GtkWidget *window;
  ShmlensPlot *plot;
} Fixture;

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until the window has drawn the plot at its size. */
static void
wait_for_size (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  guint tick = g_timeout_add (10, wake_up, NULL);

  while (gtk_widget_get_width (GTK_WIDGET (f->plot)) != WIDTH ||
         gtk_widget_get_height (GTK_WIDGET (f->plot)) != HEIGHT)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the plot never got its size");
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
  /* a few frames */
  shmlens_test_run_main_loop_for (100);
}

static void
fixture_open (Fixture *f)
{
  f->window = gtk_window_new ();
  f->plot = SHMLENS_PLOT (shmlens_plot_new ());
  gtk_window_set_default_size (GTK_WINDOW (f->window), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->plot));
  gtk_window_present (GTK_WINDOW (f->window));
  wait_for_size (f);
}

static void
fixture_close (Fixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  f->plot = NULL;
}

/* One point a second for @seconds seconds from @start, of value @first + i * @slope. */
static void
add_ramp (ShmlensPlot *plot,
          guint        series,
          gint64       start,
          guint        seconds,
          double       first,
          double       slope)
{
  for (guint i = 0; i < seconds; i++)
    shmlens_plot_add_point (plot, series, start + i * SECOND, first + i * slope);
}

static void
test_defaults (void)
{
  Fixture f = { 0 };
  double low, high;
  int width, height;
  g_auto(GStrv) times = NULL;

  /* natural size alone */
  f.plot = g_object_ref_sink (SHMLENS_PLOT (shmlens_plot_new ()));
  gtk_widget_measure (GTK_WIDGET (f.plot), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (f.plot), GTK_ORIENTATION_VERTICAL, -1, NULL, &height, NULL, NULL);
  g_assert_cmpint (width, ==, 400);
  g_assert_cmpint (height, ==, 200);
  g_assert_true (gtk_widget_get_hexpand (GTK_WIDGET (f.plot)));
  g_assert_true (gtk_widget_get_vexpand (GTK_WIDGET (f.plot)));
  g_assert_cmpint (shmlens_plot_get_span (f.plot), ==, 60 * SECOND);
  g_assert_cmpuint (shmlens_plot_get_n_series (f.plot), ==, 0);
  g_clear_object (&f.plot);

  fixture_open (&f);
  /* without values, the value axis is 0 to 1; the time axis counts 10 s back to now */
  shmlens_plot_get_value_range (f.plot, &low, &high);
  g_assert_cmpfloat (low, ==, 0);
  g_assert_cmpfloat (high, ==, 1);
  g_assert_cmpint (shmlens_plot_get_time_step (f.plot), ==, 10 * SECOND);
  times = shmlens_plot_dup_time_labels (f.plot);
  g_assert_cmpstrv (times, ((const char *[]) { "−60 s", "−50 s", "−40 s", "−30 s", "−20 s",
                                               "−10 s", "now", NULL }));

  /* a longer span counts in minutes */
  shmlens_plot_set_span (f.plot, 10 * 60 * SECOND);
  g_clear_pointer (&times, g_strfreev);
  times = shmlens_plot_dup_time_labels (f.plot);
  g_assert_cmpstr (times[g_strv_length (times) - 1], ==, "now");
  g_assert_true (g_str_has_suffix (times[0], " min"));
  g_assert_cmpint (shmlens_plot_get_time_step (f.plot) % (60 * SECOND), ==, 0);

  fixture_close (&f);
}

/* The value axis holds every value in view, from all series, on round ticks — and only
 * those in view. */
static void
test_range_fits_values (void)
{
  Fixture f = { 0 };
  guint counter, temperature;
  double low, high, step;
  g_auto(GStrv) labels = NULL;

  fixture_open (&f);
  counter = shmlens_plot_add_series (f.plot, "stats.requests");
  add_ramp (f.plot, counter, T0, 30, 3, 3);     /* 3 to 90 */
  shmlens_plot_set_now (f.plot, T0 + 30 * SECOND);
  shmlens_plot_get_value_range (f.plot, &low, &high);
  step = shmlens_plot_get_value_step (f.plot);
  g_assert_cmpfloat (low, <=, 3);
  g_assert_cmpfloat (high, >=, 90);
  g_assert_cmpfloat (low, >=, 0);
  g_assert_cmpfloat (high, <=, 100);
  g_assert_true (is_nice (step));
  labels = shmlens_plot_dup_value_labels (f.plot);
  g_assert_cmpuint (g_strv_length (labels), ==, (guint) round ((high - low) / step) + 1);
  g_assert_cmpfloat (g_ascii_strtod (labels[0], NULL), ==, low);

  /* a second series below zero widens the range */
  temperature = shmlens_plot_add_series (f.plot, "sensor.temperature");
  add_ramp (f.plot, temperature, T0, 30, -40, 0.5);
  shmlens_plot_get_value_range (f.plot, &low, &high);
  g_assert_cmpfloat (low, <=, -40);
  g_assert_cmpfloat (low, >=, -50);
  g_assert_cmpfloat (high, >=, 90);
  g_clear_pointer (&labels, g_strfreev);
  labels = shmlens_plot_dup_value_labels (f.plot);
  g_assert_true (g_str_has_prefix (labels[0], "−"));

  /* gone with its series */
  shmlens_plot_remove_series (f.plot, temperature);
  shmlens_plot_get_value_range (f.plot, &low, &high);
  g_assert_cmpfloat (low, >=, 0);

  /* later values in a narrow band: the range follows once the big ones left the span */
  for (guint i = 0; i < 70; i++)
    shmlens_plot_add_point (f.plot, counter, T0 + (40 + i) * SECOND, 1000 + i % 3);
  shmlens_plot_set_now (f.plot, T0 + 109 * SECOND);
  shmlens_plot_get_value_range (f.plot, &low, &high);
  g_assert_cmpfloat (low, >=, 900);
  g_assert_cmpfloat (low, <=, 1000);
  g_assert_cmpfloat (high, >=, 1002);
  g_assert_cmpfloat (high, <=, 1100);
  /* integers get no ticks between them */
  g_assert_cmpfloat (shmlens_plot_get_value_step (f.plot), >=, 1);

  /* points ahead of the right edge are not in view yet */
  shmlens_plot_add_point (f.plot, counter, T0 + 200 * SECOND, 1e9);
  shmlens_plot_get_value_range (f.plot, &low, &high);
  g_assert_cmpfloat (high, <=, 1100);

  fixture_close (&f);
}

/* The points that left the span go, but the last of them, whose value still holds at
 * the left edge: a field that stopped changing stays on the plot. */
static void
test_drops_old_points (void)
{
  Fixture f = { 0 };
  guint series;
  double latest = 0, low, high;

  fixture_open (&f);
  series = shmlens_plot_add_series (f.plot, "clients[2].heartbeat");
  add_ramp (f.plot, series, T0, 121, 0, 1);     /* at T0 + 0 s … 120 s */
  g_assert_cmpuint (shmlens_plot_get_n_points (f.plot, series), ==, 121);

  shmlens_plot_set_now (f.plot, T0 + 120 * SECOND);
  /* 60 s … 120 s, and 59 s */
  g_assert_cmpuint (shmlens_plot_get_n_points (f.plot, series), ==, 62);
  g_assert_true (shmlens_plot_get_latest_value (f.plot, series, &latest));
  g_assert_cmpfloat (latest, ==, 120);
  shmlens_plot_get_value_range (f.plot, &low, &high);
  g_assert_cmpfloat (low, <=, 60);
  g_assert_cmpfloat (low, >=, 50);
  g_assert_cmpfloat (high, >=, 120);

  /* a stall of five minutes: one point left, the latest, flat across the plot */
  shmlens_plot_set_now (f.plot, T0 + 420 * SECOND);
  g_assert_cmpuint (shmlens_plot_get_n_points (f.plot, series), ==, 1);
  g_assert_true (shmlens_plot_get_latest_value (f.plot, series, &latest));
  g_assert_cmpfloat (latest, ==, 120);
  shmlens_plot_get_value_range (f.plot, &low, &high);
  g_assert_cmpfloat ((low + high) / 2, ==, 120);

  /* a shorter span drops what it no longer holds */
  add_ramp (f.plot, series, T0 + 421 * SECOND, 60, 0, 1);
  shmlens_plot_set_now (f.plot, T0 + 480 * SECOND);
  g_assert_cmpuint (shmlens_plot_get_n_points (f.plot, series), ==, 61);
  shmlens_plot_set_span (f.plot, 10 * SECOND);
  g_assert_cmpuint (shmlens_plot_get_n_points (f.plot, series), ==, 11 + 1);

  /* time does not run backwards: an older point is ignored */
  shmlens_plot_add_point (f.plot, series, T0, 5);
  g_assert_cmpuint (shmlens_plot_get_n_points (f.plot, series), ==, 12);

  fixture_close (&f);
}

/* However fast points come, a series keeps at most 60 a second of span, and they
 * still cover the whole span. */
static void
test_ring_is_bounded (void)
{
  Fixture f = { 0 };
  guint series, other;
  double latest = 0;
  gint64 t;

  fixture_open (&f);
  series = shmlens_plot_add_series (f.plot, "fast.counter");
  other = shmlens_plot_add_series (f.plot, "never.moves");

  /* 1 kHz for 200 s, the right edge following every 100 ms */
  for (t = 0; t < 200 * SECOND; t += 1000)
    {
      shmlens_plot_add_point (f.plot, series, T0 + t, (double) t / 1000);
      if (t % (100 * 1000) == 0)
        shmlens_plot_set_now (f.plot, T0 + t);
    }
  shmlens_plot_set_now (f.plot, T0 + t - 1000);
  g_assert_cmpuint (shmlens_plot_get_n_points (f.plot, series), <=, 60 * 60 + 2);
  g_assert_cmpuint (shmlens_plot_get_n_points (f.plot, series), >=, 60 * 50);
  /* the newest value wins */
  g_assert_true (shmlens_plot_get_latest_value (f.plot, series, &latest));
  g_assert_cmpfloat (latest, ==, (double) (t - 1000) / 1000);

  /* without the edge moving, the ring still does not grow past its bound */
  for (gint64 u = 0; u < 10 * 60 * SECOND; u += 10 * 1000)
    shmlens_plot_add_point (f.plot, other, T0 + t + u, 1);
  g_assert_cmpuint (shmlens_plot_get_n_points (f.plot, other), <=, 60 * 60 + 2);

  /* a long span is bounded too */
  shmlens_plot_set_span (f.plot, 24 * 3600 * SECOND);
  for (gint64 u = 0; u < 3 * 3600 * SECOND; u += 100 * 1000)
    shmlens_plot_add_point (f.plot, series, T0 + t + u, 2);
  g_assert_cmpuint (shmlens_plot_get_n_points (f.plot, series), <=, 8192 + 2);

  fixture_close (&f);
}

/* A counter that never changes is a flat line in the middle, on ticks that name it. */
static void
test_constant_series (void)
{
  Fixture f = { 0 };
  guint series;
  double low, high;
  g_auto(GStrv) labels = NULL;

  fixture_open (&f);
  series = shmlens_plot_add_series (f.plot, "state.generation");
  add_ramp (f.plot, series, T0, 60, 42, 0);
  shmlens_plot_set_now (f.plot, T0 + 60 * SECOND);
  shmlens_plot_get_value_range (f.plot, &low, &high);
  g_assert_cmpfloat (low, <, 42);
  g_assert_cmpfloat (high, >, 42);
  g_assert_cmpfloat ((low + high) / 2, ==, 42);
  labels = shmlens_plot_dup_value_labels (f.plot);
  g_assert_true (g_strv_contains ((const char *const *) labels, "42"));

  /* zero too */
  shmlens_plot_clear (f.plot);
  series = shmlens_plot_add_series (f.plot, "state.errors");
  add_ramp (f.plot, series, T0 + 60 * SECOND, 10, 0, 0);
  shmlens_plot_set_now (f.plot, T0 + 70 * SECOND);
  shmlens_plot_get_value_range (f.plot, &low, &high);
  g_assert_cmpfloat (low, ==, -1);
  g_assert_cmpfloat (high, ==, 1);

  fixture_close (&f);
}

/* NaN and infinities, as a double field may hold, are not points. */
static void
test_nan_skipped (void)
{
  Fixture f = { 0 };
  guint series;
  double low, high, latest = 0;

  fixture_open (&f);
  series = shmlens_plot_add_series (f.plot, "sensor.ratio");
  shmlens_plot_add_point (f.plot, series, T0, 0.25);
  shmlens_plot_add_point (f.plot, series, T0 + SECOND, NAN);
  shmlens_plot_add_point (f.plot, series, T0 + 2 * SECOND, INFINITY);
  shmlens_plot_add_point (f.plot, series, T0 + 3 * SECOND, -INFINITY);
  shmlens_plot_add_point (f.plot, series, T0 + 4 * SECOND, 0.75);
  shmlens_plot_add_point (f.plot, series, T0 + 5 * SECOND, NAN);
  shmlens_plot_set_now (f.plot, T0 + 10 * SECOND);

  g_assert_cmpuint (shmlens_plot_get_n_points (f.plot, series), ==, 2);
  g_assert_true (shmlens_plot_get_latest_value (f.plot, series, &latest));
  g_assert_cmpfloat (latest, ==, 0.75);
  shmlens_plot_get_value_range (f.plot, &low, &high);
  g_assert_true (isfinite (low) && isfinite (high));
  g_assert_cmpfloat (low, <=, 0.25);
  g_assert_cmpfloat (high, >=, 0.75);
  g_assert_cmpfloat (high - low, <=, 1);

  fixture_close (&f);
}

/* Series get distinct colors; a removed series' color goes to the next one. */
static void
test_series_colors (void)
{
  Fixture f = { 0 };
  guint ids[8];
  GdkRGBA colors[8], again;

  fixture_open (&f);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *name = g_strdup_printf ("field%u", i);

      ids[i] = shmlens_plot_add_series (f.plot, name);
      g_assert_cmpuint (ids[i], !=, 0);
      g_assert_cmpstr (shmlens_plot_get_series_name (f.plot, ids[i]), ==, name);
      shmlens_plot_get_series_color (f.plot, ids[i], &colors[i]);
      for (guint j = 0; j < i; j++)
        g_assert_false (gdk_rgba_equal (&colors[i], &colors[j]));
    }
  g_assert_cmpuint (shmlens_plot_get_n_series (f.plot), ==, 8);

  shmlens_plot_remove_series (f.plot, ids[3]);
  g_assert_cmpuint (shmlens_plot_get_n_series (f.plot), ==, 7);
  ids[3] = shmlens_plot_add_series (f.plot, "field3 again");
  shmlens_plot_get_series_color (f.plot, ids[3], &again);
  g_assert_true (gdk_rgba_equal (&again, &colors[3]));

  shmlens_plot_clear (f.plot);
  g_assert_cmpuint (shmlens_plot_get_n_series (f.plot), ==, 0);
  fixture_close (&f);
}

/* Waits until the description is @expected: the plot updates it at most once a
 * second. */
static void
wait_for_description (ShmlensPlot *plot,
                      const char  *expected,
                      guint        within_ms)
{
  gint64 deadline = g_get_monotonic_time () + within_ms * 1000;
  g_autofree char *mismatch = NULL;

  for (;;)
    {
      g_free (mismatch);
      mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (plot),
                                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                     expected);
      if (mismatch == NULL)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("%s", mismatch);
      shmlens_test_run_main_loop_for (20);
    }
}

/* What a screen reader and the end-to-end tests find. */
static void
test_accessible (void)
{
  Fixture f = { 0 };
  guint heartbeat, load;
  gint64 changed;

  fixture_open (&f);
  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (f.plot), GTK_ACCESSIBLE_ROLE_IMG));
  g_assert_null (gtk_test_accessible_check_property (GTK_ACCESSIBLE (f.plot),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                     "Plot of watched fields"));
  wait_for_description (f.plot, "Pick numeric fields to watch their values over the last minute.", 0);

  heartbeat = shmlens_plot_add_series (f.plot, "clients[2].heartbeat");
  load = shmlens_plot_add_series (f.plot, "load");
  add_ramp (f.plot, heartbeat, T0, 40, 1000, 7);      /* 1000 … 1273 */
  shmlens_plot_add_point (f.plot, load, T0, -0.5);
  shmlens_plot_add_point (f.plot, load, T0 + SECOND, 2.25);
  shmlens_plot_set_now (f.plot, T0 + 40 * SECOND);
  /* added together, described together, at once */
  wait_for_description (f.plot,
                        "clients[2].heartbeat: latest 1273, minimum 1000, maximum 1273 over the "
                        "last 60 s. load: latest 2.25, minimum −0.5, maximum 2.25 over the last "
                        "60 s.", 100);

  /* later values within the second */
  changed = g_get_monotonic_time ();
  shmlens_plot_add_point (f.plot, heartbeat, T0 + 41 * SECOND, 1300);
  shmlens_plot_remove_series (f.plot, load);
  load = shmlens_plot_add_series (f.plot, "load");
  shmlens_plot_set_now (f.plot, T0 + 41 * SECOND);
  wait_for_description (f.plot,
                        "clients[2].heartbeat: latest 1300, minimum 1000, maximum 1300 over the "
                        "last 60 s. load: no values yet.", 2000);
  /* not sooner than a second after the last one, not much later */
  g_assert_cmpint (g_get_monotonic_time () - changed, >=, 500 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - changed, <, 1500 * 1000);

  shmlens_plot_clear (f.plot);
  shmlens_plot_set_span (f.plot, 5 * 60 * SECOND);
  wait_for_description (f.plot, "Pick numeric fields to watch their values over the last 5 min.",
                        2000);
  fixture_close (&f);
}

/* The plot's pixels, drawn by the window's own renderer: BGRA, premultiplied. */
static guint8 *
render_plot (Fixture *f,
             int     *stride)
{
  GtkWidget *widget = GTK_WIDGET (f->plot);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  guint8 *pixels;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  *stride = width * 4;
  pixels = g_malloc ((gsize) *stride * height);
  gdk_texture_download (texture, pixels, *stride);
  return pixels;
}

static gboolean
pixel_is (const guint8  *pixels,
          int            stride,
          int            x,
          int            y,
          const GdkRGBA *color)
{
  const guint8 *p = pixels + (gsize) y * stride + x * 4;

  return p[3] == 255 &&
         abs (p[2] - (int) lround (color->red * 255)) <= 2 &&
         abs (p[1] - (int) lround (color->green * 255)) <= 2 &&
         abs (p[0] - (int) lround (color->blue * 255)) <= 2;
}

/* Each series is drawn in its color where its values are: a flat run at a constant's
 * height across the area, and steps for a counter. */
static void
test_renders_series (void)
{
  Fixture f = { 0 };
  g_autofree guint8 *pixels = NULL;
  guint flat, counter;
  GdkRGBA flat_color, counter_color;
  graphene_rect_t area;
  double low, high;
  int stride, flat_y, found_flat = 0, found_counter = 0;

  fixture_open (&f);
  /* an opaque background, so that colors come out as they are */
  gtk_widget_add_css_class (f.window, "background");
  flat = shmlens_plot_add_series (f.plot, "flat");
  counter = shmlens_plot_add_series (f.plot, "counter");
  shmlens_plot_get_series_color (f.plot, flat, &flat_color);
  shmlens_plot_get_series_color (f.plot, counter, &counter_color);
  add_ramp (f.plot, flat, T0, 60, 10, 0);
  add_ramp (f.plot, counter, T0, 60, 0, 1);
  shmlens_plot_set_now (f.plot, T0 + 60 * SECOND);
  shmlens_test_run_main_loop_for (100);

  g_assert_true (shmlens_plot_get_area (f.plot, &area));
  g_assert_cmpfloat (area.size.width, >, WIDTH / 2);
  g_assert_cmpfloat (area.size.height, >, HEIGHT / 3);
  shmlens_plot_get_value_range (f.plot, &low, &high);
  pixels = render_plot (&f, &stride);

  /* the flat line: its color at its height, all the way across */
  flat_y = (int) lround (area.origin.y + area.size.height -
                         (10 - low) / (high - low) * area.size.height);
  for (int x = (int) area.origin.x + 2; x < (int) (area.origin.x + area.size.width) - 4; x++)
    if (pixel_is (pixels, stride, x, flat_y, &flat_color) ||
        pixel_is (pixels, stride, x, flat_y - 1, &flat_color))
      found_flat++;
  g_assert_cmpint (found_flat, >=, (int) area.size.width - 8 - 20 /* crossings */);

  /* the counter: its color somewhere in every column band of the area */
  for (int band = 0; band < 10; band++)
    {
      int x0 = (int) (area.origin.x + area.size.width * band / 10) + 2;
      gboolean seen = FALSE;

      for (int x = x0; x < x0 + area.size.width / 10 - 4 && !seen; x++)
        for (int y = (int) area.origin.y - 2; y < area.origin.y + area.size.height + 2 && !seen; y++)
          seen = pixel_is (pixels, stride, x, y, &counter_color);
      found_counter += seen;
    }
  g_assert_cmpint (found_counter, ==, 10);

  fixture_close (&f);
}

/* An empty plot shows its hint, centred, and draws no series color. */
static void
test_renders_hint (void)
{
  Fixture f = { 0 };
  g_autofree guint8 *pixels = NULL;
  int stride, inked_rows = 0, first = -1, last = -1;

  fixture_open (&f);
  gtk_widget_add_css_class (f.window, "background");
  shmlens_test_run_main_loop_for (50);
  pixels = render_plot (&f, &stride);
  for (int y = 0; y < HEIGHT; y++)
    {
      gboolean inked = FALSE;

      for (int x = 1; x < WIDTH && !inked; x++)
        inked = memcmp (pixels + (gsize) y * stride + x * 4, pixels + (gsize) y * stride, 4) != 0;
      if (!inked)
        continue;
      inked_rows++;
      if (first < 0)
        first = y;
      last = y;
    }
  /* a line or two of text around the middle */
  g_assert_cmpint (inked_rows, >, 5);
  g_assert_cmpint (last - first, <, HEIGHT / 3);
  g_assert_cmpint (abs ((first + last) / 2 - HEIGHT / 2), <, 10);

  fixture_close (&f);
}

/* Live: points and edge moving with the clock, many frames, a theme change, resizes —
 * without a critical (criticals are fatal in tests). */
static void
test_live_frames (void)
{
  Fixture f = { 0 };
  guint a, b;
  gint64 start = g_get_monotonic_time ();
  GtkSettings *settings = gtk_settings_get_default ();

  fixture_open (&f);
  a = shmlens_plot_add_series (f.plot, "workers[0].jobs_done");
  b = shmlens_plot_add_series (f.plot, "a rather long field name that needs shortening in the legend.value");
  for (guint i = 0; i < 30; i++)
    {
      gint64 now = g_get_monotonic_time ();

      shmlens_plot_add_point (f.plot, a, now, i < 15 ? i * 100 : 1500);
      shmlens_plot_add_point (f.plot, b, now, sin (i / 3.0) * 1e12);
      shmlens_plot_set_now (f.plot, now);
      if (i == 10)
        g_object_set (settings, "gtk-application-prefer-dark-theme", TRUE, NULL);
      if (i == 20)
        gtk_window_set_default_size (GTK_WINDOW (f.window), 200, 130);
      shmlens_test_run_main_loop_for (20);
    }
  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * SECOND);
  g_assert_cmpuint (shmlens_plot_get_n_points (f.plot, a), ==, 30);
  fixture_close (&f);
}


int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shmlens/plot/nice-range", test_nice_range);
  g_test_add_func ("/shmlens/plot/format-ticks", test_format_ticks);
  g_test_add_func ("/shmlens/plot/format-value", test_format_value);

  /* Under meson's TAP protocol an exit status of 77 counts as an error, not a skip:
   * without a display the widget tests report themselves skipped instead. */
  if (!shmlens_test_gtk_available ("plot"))
    return g_test_run ();

  g_test_add_func ("/shmlens/plot/defaults", test_defaults);
  g_test_add_func ("/shmlens/plot/range-fits-values", test_range_fits_values);
  g_test_add_func ("/shmlens/plot/drops-old-points", test_drops_old_points);
  g_test_add_func ("/shmlens/plot/ring-is-bounded", test_ring_is_bounded);
  g_test_add_func ("/shmlens/plot/constant-series", test_constant_series);
  g_test_add_func ("/shmlens/plot/nan-skipped", test_nan_skipped);
  g_test_add_func ("/shmlens/plot/series-colors", test_series_colors);
  g_test_add_func ("/shmlens/plot/accessible-description", test_accessible);
  g_test_add_func ("/shmlens/plot/renders-series", test_renders_series);
  g_test_add_func ("/shmlens/plot/renders-hint", test_renders_hint);
  g_test_add_func ("/shmlens/plot/live-frames", test_live_frames);

  return g_test_run ();
}
