/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-plot.c: a live plot of watched fields' values over the last minute.
 *
 * Each series keeps its points in a ring, oldest first. The ring's size is bounded by
 * the span: 60 points per second of it, 8192 at most. A point that comes sooner after
 * the last one kept than that allows (1/60 s for a minute) replaces it: the newest
 * value wins, and a minute has 3600 such slots, more than a screen's pixels across.
 * A full ring drops its oldest point. Moving the right edge drops the points that
 * left the span.
 *
 * Work is done as rarely as it is needed. Points go into the rings as they come.
 * What they imply — the value range, its ticks and labels, the legend — is worked out
 * in size_allocate, which a change of data asks for with gtk_widget_queue_allocate(),
 * so at most once a frame. snapshot only maps points to pixels and appends color
 * nodes, with the one reused PangoLayout for the text. The accessible description
 * follows the data at most once a second.
 *
 * Time runs left to right whatever the text direction, as on any plot. */
#include "config.h"

#include <float.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "shmlens-plot.h"
#include "shmlens-plot-private.h"

#define DEFAULT_SPAN_US ((gint64) 60 * G_USEC_PER_SEC)
#define MIN_SPAN_US ((gint64) G_USEC_PER_SEC)
/* Points kept per second of span, and per series whatever the span. */
#define MAX_RATE_HZ 60
#define MAX_POINTS 8192
#define INITIAL_POINTS 64
/* A screen reader hears of a new description at most this often. */
#define DESCRIPTION_INTERVAL_MS 1000

#define NATURAL_WIDTH 400
#define NATURAL_HEIGHT 200
#define MIN_WIDTH 160
#define MIN_HEIGHT 120

#define PADDING 8
#define LINE_WIDTH 2
#define DOT_RADIUS 3.5f
#define SWATCH_SIZE 10
#define SWATCH_GAP 6
#define NAME_GAP 6
#define ENTRY_GAP 18
#define LEGEND_GAP 6
#define VALUE_LABEL_GAP 6
#define TIME_LABEL_GAP 3
#define TIME_LABEL_SPACING 20
#define MAX_VALUE_TICKS 12
#define MAX_TIME_TICKS 13

/* U+2212 MINUS SIGN: as wide as a plus, and read as "minus" by screen readers. */
#define MINUS "\xe2\x88\x92"

/* Distinct hues of about the same lightness (relative luminance 0.17 to 0.30), so that
 * each has a contrast of 3 or more against both a light and a dark background: no
 * yellow, which vanishes on white, nor navy, which vanishes on black. Ordered so that
 * the first few differ most. */
#define RGB(r, g, b) { (r) / 255.f, (g) / 255.f, (b) / 255.f, 1.f }
static const GdkRGBA palette[] = {
  RGB (0x35, 0x84, 0xe4),   /* blue */
  RGB (0xe6, 0x61, 0x00),   /* orange */
  RGB (0x26, 0xa2, 0x69),   /* green */
  RGB (0xc0, 0x61, 0xcb),   /* purple */
  RGB (0xe0, 0x1b, 0x24),   /* red */
  RGB (0x21, 0x90, 0xa4),   /* teal */
  RGB (0xc8, 0x88, 0x00),   /* ochre */
  RGB (0xb5, 0x83, 0x5a),   /* brown */
};
#undef RGB

typedef struct
{
  gint64 time_us;
  double value;
} Point;

typedef struct
{
  guint id;
  char *name;
  guint color;                  /* index into the palette */

  /* The ring: n_points from head on, oldest first, in time order */
  Point *points;
  guint allocated;
  guint head;
  guint n_points;
  gint64 bucket_end;            /* a point before this replaces the newest */

  /* From the points in view (update_data) */
  gboolean has_values;
  double latest;
  double min;
  double max;
  char latest_text[SHMLENS_PLOT_LABEL_SIZE];

  /* The legend entry (update_geometry) */
  int legend_x;
  int legend_y;
  int name_width;
  gboolean name_ellipsized;
} Series;

struct _ShmlensPlot
{
  GtkWidget parent_instance;

  GPtrArray *series;            /* of Series, in the order they were added */
  guint last_id;
  gint64 now_us;
  gint64 span_us;
  guint max_points;
  gint64 bucket_us;

  /* From the points in view (update_data) */
  gboolean data_dirty;
  gboolean has_values;
  gboolean integers;            /* whether every value in view is one */
  double data_min;
  double data_max;

  /* Text and colors, from the style */
  PangoLayout *layout;
  GdkRGBA fg;
  GdkRGBA dim;
  GdkRGBA axis;
  GdkRGBA grid;
  GdkRGBA time_grid;
  int line_height;
  int value_slot_width;         /* the least width of a legend's value */

  /* Geometry (update_geometry, from size_allocate) */
  gboolean geometry_dirty;
  gboolean time_axis_dirty;
  gboolean allocated;
  int width;
  int height;
  int area_x;
  int area_y;
  int area_width;
  int area_height;
  double low;
  double high;
  double step;
  guint n_value_ticks;
  char value_labels[MAX_VALUE_TICKS][SHMLENS_PLOT_LABEL_SIZE];
  int value_label_width;
  gint64 time_step_us;
  guint n_time_ticks;           /* from now back, every time_step_us */
  char time_labels[MAX_TIME_TICKS][SHMLENS_PLOT_LABEL_SIZE];

  /* The accessible description */
  char *description;
  gint64 description_time;
  guint description_source;
};

G_DEFINE_FINAL_TYPE (ShmlensPlot, shmlens_plot, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SPAN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_description (ShmlensPlot *self);

/* Numbers */

/* Decimals that show multiples of @step (a 1, 2 or 5 times a power of ten) exactly. */
static int
decimals_for_step (double step)
{
  int decimals;

  if (!(step > 0) || step >= 1)
    return 0;
  decimals = (int) ceil (-log10 (step) - 1e-9);
  return CLAMP (decimals, 0, 15);
}

/* Fewer decimals where they would end in zeros: 1.50 → 1.5, 2.0 → 2. */
static int
trim_decimals (double magnitude,
               int    decimals)
{
  while (decimals > 0)
    {
      double scaled = round (magnitude * pow (10, decimals));

      if (fmod (scaled, 10) != 0)
        break;
      decimals--;
    }
  return decimals;
}

static void
format_number (char       *buffer,
               gsize       size,
               double      value,
               int         decimals,
               const char *suffix)
{
  double magnitude = fabs (value);
  /* no "−0" for a value that rounds to zero */
  gboolean negative = value < 0 && round (magnitude * pow (10, decimals)) != 0;

  g_snprintf (buffer, size, "%s%.*f%s", negative ? MINUS : "", decimals, magnitude, suffix);
}

/* @value with an SI suffix (1.5k, 2M, 18.4E), precise to @step. */
static void
format_compact (char   *buffer,
                gsize   size,
                double  value,
                double  step)
{
  static const char *const suffixes[] = { "", "k", "M", "G", "T", "P", "E" };
  double magnitude = fabs (value);
  double unit = 1;
  guint group = 0;

  while (group + 1 < G_N_ELEMENTS (suffixes) && magnitude >= unit * 1000)
    {
      unit *= 1000;
      group++;
    }
  format_number (buffer, size, value / unit,
                 trim_decimals (magnitude / unit, decimals_for_step (step / unit)),
                 suffixes[group]);
}

static void
format_plain (char   *buffer,
              gsize   size,
              double  value,
              double  step)
{
  format_number (buffer, size, value, trim_decimals (fabs (value), decimals_for_step (step)), "");
}

/* @x × 10^@exponent, as exact as a double allows: powers of ten up to 10^22 are exact,
 * their inverses are not, so negative exponents divide. */
static double
times_power_of_ten (double x,
                    int    exponent)
{
  return exponent >= 0 ? x * pow (10, exponent) : x / pow (10, -exponent);
}

/* How far a quotient may be off the integer it stands for: 0.3 / 0.1 is
 * 2.9999999999999996, a few units in the last place. No more: a value 0.0008 steps
 * below a tick must stay above the axis's end. */
static double
rounding_slack (double quotient)
{
  return 4 * DBL_EPSILON * MAX (1, fabs (quotient));
}

/**
 * shmlens_plot_nice_range:
 * @data_min: the least value to show
 * @data_max: the greatest value to show
 * @max_intervals: how many intervals between ticks fit the axis; fewer than 2 count
 *   as 2, as values around 0 need two whatever the step
 * @integers: whether the values are all integers: then no step is below 1
 * @low: (out): where the axis starts, a multiple of @step at or below @data_min
 * @high: (out): where it ends, a multiple of @step at or above @data_max
 * @step: (out): the distance between ticks: 1, 2 or 5 times a power of ten
 *
 * Fits an axis with round ticks to values. When the values are all the same (or
 * differ by less than a double can tell apart), the axis is centred on them with a
 * margin of a tenth of their order of magnitude, or of 1 for an integer, so that a
 * constant shows as a flat line in the middle rather than on an edge.
 */
void
shmlens_plot_nice_range (double    data_min,
                         double    data_max,
                         guint     max_intervals,
                         gboolean  integers,
                         double   *low,
                         double   *high,
                         double   *step)
{
  static const double nice[] = { 1, 2, 5, 10 };
  double magnitude, raw, s = 1, lo = 0, hi = 1;
  int exponent;
  guint n;

  g_return_if_fail (isfinite (data_min) && isfinite (data_max));
  g_return_if_fail (low != NULL && high != NULL && step != NULL);

  if (data_max < data_min)
    {
      double swap = data_min;
      data_min = data_max;
      data_max = swap;
    }
  max_intervals = MAX (max_intervals, 2);
  magnitude = MAX (fabs (data_min), fabs (data_max));

  if (data_max - data_min <= magnitude * 1e-12)
    {
      double center = data_min / 2 + data_max / 2;
      double margin = 1;

      if (center != 0)
        {
          margin = pow (10, floor (log10 (fabs (center))) - 1);
          if (center == floor (center))
            margin = MAX (margin, 1);
        }
      data_min = center - margin;
      data_max = center + margin;
    }

  /* Halves first: the difference of ±1e308 does not fit a double. */
  raw = data_max / max_intervals - data_min / max_intervals;
  exponent = (int) floor (log10 (raw));
  for (n = 0; n < G_N_ELEMENTS (nice); n++)
    if (raw <= times_power_of_ten (nice[n], exponent) * (1 + 1e-9))
      break;
  if (n == G_N_ELEMENTS (nice))
    {
      n = 0;
      exponent++;
    }
  /* a tick at 41.5 on a counter means nothing */
  if (integers && exponent < 0)
    {
      n = 0;
      exponent = 0;
    }

  /* Rounding both ends outwards may take an interval more than fits: then the next
   * nice step, at least twice as large, which fits: (max − min) / step ≤ intervals − 1. Ends and step are integers
   * scaled by a power of ten, so that 0.3 is 3 / 10, not 3 × 0.1 = 0.30000000000000004. */
  for (guint attempt = 0; attempt < 4; attempt++)
    {
      double q_min, q_max, i_min, i_max;

      s = times_power_of_ten (nice[n], exponent);
      q_min = data_min / s;
      q_max = data_max / s;
      i_min = floor (q_min + rounding_slack (q_min));
      i_max = ceil (q_max - rounding_slack (q_max));
      if (i_max <= i_min)
        i_max = i_min + 1;
      lo = times_power_of_ten (i_min * nice[n], exponent);
      hi = times_power_of_ten (i_max * nice[n], exponent);
      if (i_max - i_min <= max_intervals)
        break;
      if (++n == G_N_ELEMENTS (nice))
        {
          n = 1;
          exponent++;
        }
    }

  /* −0 and 1e-17 are 0 */
  if (fabs (lo) < s * 1e-9)
    lo = 0;
  if (fabs (hi) < s * 1e-9)
    hi = 0;
  *low = lo;
  *high = hi;
  *step = s;
}

/**
 * shmlens_plot_format_ticks:
 * @low: the first tick's value
 * @step: the distance between ticks
 * @n_ticks: how many ticks
 * @labels: (out caller-allocates): room for @n_ticks labels
 *
 * Labels an axis, all its ticks alike: plain numbers ("1000002", "0.25") or with an SI
 * suffix ("1.5k", "2M"), whichever makes the widest label shorter; plain when it is a
 * tie. Negative numbers get a minus sign (U+2212).
 */
void
shmlens_plot_format_ticks (double low,
                           double step,
                           guint  n_ticks,
                           char (*labels)[SHMLENS_PLOT_LABEL_SIZE])
{
  char compact[SHMLENS_PLOT_LABEL_SIZE];
  glong plain_length = 0, compact_length = 0;

  g_return_if_fail (labels != NULL || n_ticks == 0);

  for (guint i = 0; i < n_ticks; i++)
    {
      double value = low + i * step;

      if (fabs (value) < step * 1e-9)
        value = 0;
      format_plain (labels[i], SHMLENS_PLOT_LABEL_SIZE, value, step);
      format_compact (compact, sizeof compact, value, step);
      plain_length = MAX (plain_length, g_utf8_strlen (labels[i], -1));
      compact_length = MAX (compact_length, g_utf8_strlen (compact, -1));
    }
  if (plain_length <= compact_length)
    return;

  for (guint i = 0; i < n_ticks; i++)
    {
      double value = low + i * step;

      if (fabs (value) < step * 1e-9)
        value = 0;
      format_compact (labels[i], SHMLENS_PLOT_LABEL_SIZE, value, step);
    }
}

/**
 * shmlens_plot_format_value:
 * @value: a field's value
 * @buffer: (out caller-allocates): where to write it
 * @size: @buffer's size, SHMLENS_PLOT_LABEL_SIZE is enough
 *
 * A value as the legend and the accessible description show it: an integer in full
 * below 10^15, a fraction to six significant digits, a huge number with an SI suffix
 * and six significant digits (a uint64 near its maximum is "18.4467E").
 */
void
shmlens_plot_format_value (double  value,
                           char   *buffer,
                           gsize   size)
{
  double magnitude = fabs (value);

  g_return_if_fail (buffer != NULL && size > 0);

  if (!isfinite (value))
    g_strlcpy (buffer, "?", size);
  else if (magnitude >= 1e15)
    format_compact (buffer, size, value, magnitude * 1e-5);
  else if (value == floor (value))
    format_number (buffer, size, value, 0, "");
  else if (magnitude >= 1e-4)
    {
      int decimals = CLAMP (5 - (int) floor (log10 (magnitude)), 0, 10);
      format_number (buffer, size, value, trim_decimals (magnitude, decimals), "");
    }
  else
    g_snprintf (buffer, size, "%s%.3g", value < 0 ? MINUS : "", magnitude);
}

static void
format_duration (char   *buffer,
                 gsize   size,
                 gint64  span_us)
{
  if (span_us >= 120 * G_USEC_PER_SEC && span_us % (60 * G_USEC_PER_SEC) == 0)
    /* Translators: a duration in minutes, as in "over the last 5 min" */
    g_snprintf (buffer, size, _("%d min"), (int) (span_us / (60 * G_USEC_PER_SEC)));
  else if (span_us % G_USEC_PER_SEC == 0)
    /* Translators: a duration in seconds, as in "over the last 60 s" */
    g_snprintf (buffer, size, _("%d s"), (int) (span_us / G_USEC_PER_SEC));
  else
    g_snprintf (buffer, size, _("%.1f s"), (double) span_us / G_USEC_PER_SEC);
}

static void
format_time_label (char     *buffer,
                   gsize     size,
                   gint64    ago_us,
                   gboolean  minutes)
{
  if (ago_us == 0)
    /* Translators: the right end of the plot's time axis, the present */
    g_strlcpy (buffer, _("now"), size);
  else if (minutes)
    /* Translators: a tick on the plot's time axis, so many minutes ago; the minus is
     * U+2212 */
    g_snprintf (buffer, size, _("−%d min"), (int) (ago_us / (60 * G_USEC_PER_SEC)));
  else
    /* Translators: a tick on the plot's time axis, so many seconds ago; the minus is
     * U+2212 */
    g_snprintf (buffer, size, _("−%d s"), (int) (ago_us / G_USEC_PER_SEC));
}

/* Series and their rings */

static void
series_free (gpointer data)
{
  Series *series = data;

  g_free (series->name);
  g_free (series->points);
  g_free (series);
}

static inline Point *
series_point (Series *series,
              guint   i)
{
  return &series->points[(series->head + i) % series->allocated];
}

static void
series_drop_oldest (Series *series,
                    guint   n)
{
  g_assert (n <= series->n_points);

  if (n == 0)
    return;
  series->head = (series->head + n) % series->allocated;
  series->n_points -= n;
}

/* Moves the ring into @allocated points, keeping the newest that fit. */
static void
series_reallocate (Series *series,
                   guint   allocated)
{
  Point *points = g_new (Point, allocated);

  if (series->n_points > allocated)
    series_drop_oldest (series, series->n_points - allocated);
  for (guint i = 0; i < series->n_points; i++)
    points[i] = *series_point (series, i);
  g_free (series->points);
  series->points = points;
  series->allocated = allocated;
  series->head = 0;
}

/* Whether point @i is out of view: older than the span, and not the value in force at
 * the left edge (the newest such point). */
static inline gboolean
series_point_hidden (Series *series,
                     guint   i,
                     gint64  left_us)
{
  return i + 1 < series->n_points && series_point (series, i + 1)->time_us <= left_us;
}

/* Drops the points older than the span but the newest of them: its value holds at the
 * left edge, where its step enters the plot. Without it, a field that stopped changing
 * a span ago — owners may well add points only on a change — would vanish from the
 * plot when its stall is the very thing to see. */
static void
series_drop_old (Series *series,
                 gint64  left_us)
{
  guint old = 0;

  while (old < series->n_points && series_point (series, old)->time_us < left_us)
    old++;
  if (old > 1)
    series_drop_oldest (series, old - 1);
}

static Series *
find_series (ShmlensPlot *self,
             guint        id,
             guint       *index)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *series = g_ptr_array_index (self->series, i);

      if (series->id == id)
        {
          if (index != NULL)
            *index = i;
          return series;
        }
    }
  return NULL;
}

/* What the points in view imply: each series' latest value, its extremes, and the
 * extremes of all. */
static void
update_data (ShmlensPlot *self)
{
  gint64 left_us = self->now_us - self->span_us;

  if (!self->data_dirty)
    return;
  self->data_dirty = FALSE;
  self->has_values = FALSE;
  self->integers = TRUE;
  self->data_min = self->data_max = 0;

  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);

      series->has_values = FALSE;
      for (guint i = 0; i < series->n_points; i++)
        {
          const Point *point = series_point (series, i);

          if (point->time_us > self->now_us)
            break;
          if (series_point_hidden (series, i, left_us))
            continue;
          if (!series->has_values)
            {
              series->has_values = TRUE;
              series->min = series->max = point->value;
            }
          series->min = MIN (series->min, point->value);
          series->max = MAX (series->max, point->value);
          series->latest = point->value;
          if (self->integers && point->value != floor (point->value))
            self->integers = FALSE;
        }

      if (!series->has_values)
        {
          /* Translators: the legend's value of a field not read yet */
          g_strlcpy (series->latest_text, _("—"), sizeof series->latest_text);
          continue;
        }
      shmlens_plot_format_value (series->latest, series->latest_text,
                                 sizeof series->latest_text);
      if (!self->has_values)
        {
          self->has_values = TRUE;
          self->data_min = series->min;
          self->data_max = series->max;
        }
      self->data_min = MIN (self->data_min, series->min);
      self->data_max = MAX (self->data_max, series->max);
    }
}

/* Everything a change of points, series or span implies, in the next frame. */
static void
data_changed (ShmlensPlot *self)
{
  self->data_dirty = TRUE;
  self->geometry_dirty = TRUE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  schedule_description (self);
}

/* Text and colors */

static void
update_style (ShmlensPlot *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  int width, height;

  if (self->layout == NULL)
    {
      PangoAttrList *attributes = pango_attr_list_new ();

      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      /* Tabular digits: a changing value keeps its width, and ticks line up. */
      pango_attr_list_insert (attributes, pango_attr_font_features_new ("tnum"));
      pango_layout_set_attributes (self->layout, attributes);
      pango_attr_list_unref (attributes);
    }
  else
    pango_layout_context_changed (self->layout);

  /* gtk_widget_get_color() is GTK 4.10; on 4.8 the style context is the way. */
  gtk_style_context_get_color (context, &self->fg);
  self->dim = self->axis = self->grid = self->time_grid = self->fg;
  self->dim.alpha *= 0.7f;
  self->axis.alpha *= 0.35f;
  self->grid.alpha *= 0.12f;
  self->time_grid.alpha *= 0.07f;

  /* Legend values get the width of five digits at the least, so that a counter's
   * legend entry keeps its place while it counts up to 99999. */
  pango_layout_set_text (self->layout, "00000", -1);
  pango_layout_get_pixel_size (self->layout, &width, &height);
  self->line_height = MAX (height, 1);
  self->value_slot_width = width;

  self->geometry_dirty = TRUE;
  self->time_axis_dirty = TRUE;
}

static void
ensure_style (ShmlensPlot *self)
{
  if (self->layout == NULL)
    update_style (self);
}

static int
text_width (ShmlensPlot *self,
            const char  *text)
{
  int width;

  pango_layout_set_text (self->layout, text, -1);
  pango_layout_get_pixel_size (self->layout, &width, NULL);
  return width;
}

/* Geometry */

/* The time axis's ticks: the smallest round step whose labels fit the width. They
 * count back from the right edge, so they stay put while the points move left. */
static void
update_time_axis (ShmlensPlot *self)
{
  static const int steps_s[] = {
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
  };
  gint64 step_us = self->span_us;
  gboolean minutes = FALSE;
  guint n;

  for (guint i = 0; i < G_N_ELEMENTS (steps_s); i++)
    {
      gint64 candidate = (gint64) steps_s[i] * G_USEC_PER_SEC;
      gboolean in_minutes = steps_s[i] % 60 == 0 && self->span_us >= 120 * G_USEC_PER_SEC;
      char widest[SHMLENS_PLOT_LABEL_SIZE];
      gint64 intervals = self->span_us / candidate;
      int label_width;

      if (candidate > self->span_us)
        break;
      if (intervals + 1 > MAX_TIME_TICKS)
        continue;
      format_time_label (widest, sizeof widest, intervals * candidate, in_minutes);
      label_width = text_width (self, widest);
      /* The label at the left end is pushed right by half its width to stay within
       * the area: the gap after it is the narrowest. */
      if (intervals * (label_width * 3 / 2 + TIME_LABEL_SPACING) <= self->area_width)
        {
          step_us = candidate;
          minutes = in_minutes;
          break;
        }
    }

  /* Nothing fits: the two ends only */
  if (step_us == self->span_us)
    minutes = self->span_us % (60 * G_USEC_PER_SEC) == 0 && self->span_us >= 120 * G_USEC_PER_SEC;

  self->time_step_us = step_us;
  n = (guint) MIN (self->span_us / step_us + 1, MAX_TIME_TICKS);
  self->n_time_ticks = n;
  for (guint i = 0; i < n; i++)
    {
      gint64 ago = i * step_us;

      /* whole seconds in every label, even when the span has a fraction */
      if (!minutes && ago % G_USEC_PER_SEC != 0)
        ago = ago / G_USEC_PER_SEC * G_USEC_PER_SEC;
      format_time_label (self->time_labels[i], sizeof self->time_labels[i], ago, minutes);
    }
  self->time_axis_dirty = FALSE;
}

static void
update_geometry (ShmlensPlot *self)
{
  int width = MAX (self->width, MIN_WIDTH);
  int height = MAX (self->height, MIN_HEIGHT);
  int line = self->line_height;
  int x = PADDING, y = PADDING, name_limit, area_bottom, area_x, area_width;
  guint max_intervals;

  ensure_style (self);
  update_data (self);

  /* The legend: entries flow in lines over the width; a name longer than most of a
   * line is shortened in the middle, where "clients[12].heartbeat" keeps its ends. */
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      int name_width = text_width (self, series->name);
      int value_width = MAX (text_width (self, series->latest_text), self->value_slot_width);
      int entry_width;

      name_limit = MAX (width - 2 * PADDING - SWATCH_SIZE - SWATCH_GAP - NAME_GAP - value_width,
                        4 * line);
      series->name_ellipsized = name_width > name_limit;
      series->name_width = MIN (name_width, name_limit);
      entry_width = SWATCH_SIZE + SWATCH_GAP + series->name_width + NAME_GAP + value_width;
      if (x > PADDING && x + entry_width > width - PADDING)
        {
          x = PADDING;
          y += line;
        }
      series->legend_x = x;
      series->legend_y = y;
      x += entry_width + ENTRY_GAP;
    }
  if (self->series->len > 0)
    y += line + LEGEND_GAP;

  /* The area leaves half a line above for the top tick's label, and a line below for
   * the time axis. */
  self->area_y = y + line / 2;
  area_bottom = height - PADDING - line - TIME_LABEL_GAP;
  self->area_height = MAX (area_bottom - self->area_y, 1);

  /* The value axis: a tick label every two lines or so */
  max_intervals = (guint) CLAMP (self->area_height / (2 * line), 2, MAX_VALUE_TICKS - 1);
  if (self->has_values)
    shmlens_plot_nice_range (self->data_min, self->data_max, max_intervals, self->integers,
                             &self->low, &self->high, &self->step);
  else
    shmlens_plot_nice_range (0, 1, max_intervals, FALSE, &self->low, &self->high, &self->step);
  self->n_value_ticks = (guint) MIN (lround ((self->high - self->low) / self->step) + 1,
                                     MAX_VALUE_TICKS);
  shmlens_plot_format_ticks (self->low, self->step, self->n_value_ticks, self->value_labels);
  self->value_label_width = 0;
  for (guint i = 0; i < self->n_value_ticks; i++)
    self->value_label_width = MAX (self->value_label_width,
                                   text_width (self, self->value_labels[i]));

  area_x = PADDING + self->value_label_width + VALUE_LABEL_GAP;
  area_width = MAX (width - PADDING - area_x, 1);
  if (area_x != self->area_x || area_width != self->area_width)
    self->time_axis_dirty = TRUE;
  self->area_x = area_x;
  self->area_width = area_width;
  if (self->time_axis_dirty)
    update_time_axis (self);

  self->geometry_dirty = FALSE;
}

static void
ensure_geometry (ShmlensPlot *self)
{
  if (self->geometry_dirty || self->layout == NULL)
    update_geometry (self);
}

/* The accessible description */

static void
format_hint (ShmlensPlot *self,
             char        *buffer,
             gsize        size)
{
  char duration[SHMLENS_PLOT_LABEL_SIZE];

  if (self->span_us == DEFAULT_SPAN_US)
    {
      g_strlcpy (buffer, _("Pick numeric fields to watch their values over the last minute."),
                 size);
      return;
    }
  format_duration (duration, sizeof duration, self->span_us);
  /* Translators: %s is a duration, such as "5 min" */
  g_snprintf (buffer, size, _("Pick numeric fields to watch their values over the last %s."),
              duration);
}

static void
update_description (ShmlensPlot *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char duration[SHMLENS_PLOT_LABEL_SIZE];

  update_data (self);
  format_duration (duration, sizeof duration, self->span_us);

  if (self->series->len == 0)
    {
      char hint[256];

      format_hint (self, hint, sizeof hint);
      g_string_append (text, hint);
    }
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      char min[SHMLENS_PLOT_LABEL_SIZE], max[SHMLENS_PLOT_LABEL_SIZE];

      if (s > 0)
        g_string_append_c (text, ' ');
      if (!series->has_values)
        {
          /* Translators: a watched field without values; %s is its name */
          g_string_append_printf (text, _("%s: no values yet."), series->name);
          continue;
        }
      shmlens_plot_format_value (series->min, min, sizeof min);
      shmlens_plot_format_value (series->max, max, sizeof max);
      /* Translators: a watched field on the plot: its name, its latest value, the
       * least and greatest values it took over the last span of time, and that span,
       * such as "60 s" */
      g_string_append_printf (text, _("%s: latest %s, minimum %s, maximum %s over the last %s."),
                              series->name, series->latest_text, min, max, duration);
    }

  if (g_strcmp0 (text->str, self->description) == 0)
    return;
  self->description_time = g_get_monotonic_time ();
  g_free (self->description);
  self->description = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                  -1);
}

static gboolean
on_description_timeout (gpointer user_data)
{
  ShmlensPlot *self = user_data;

  self->description_source = 0;
  update_description (self);
  return G_SOURCE_REMOVE;
}

/* Each new description is an event on the accessibility bus: with fields read ten
 * times a second, a screen reader would hear of little else. So the description
 * follows the data at most once a second — in the next main loop iteration after a
 * quiet second, so that points added together arrive together. */
static void
schedule_description (ShmlensPlot *self)
{
  gint64 due, now;

  if (self->description_source != 0)
    return;
  now = g_get_monotonic_time ();
  due = self->description_time + DESCRIPTION_INTERVAL_MS * 1000;
  self->description_source =
    g_timeout_add (due > now ? (guint) ((due - now + 999) / 1000) : 0, on_description_timeout,
                   self);
}

/* Drawing */

static void
append_rect (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             float          x,
             float          y,
             float          width,
             float          height)
{
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, width, height));
}

static void
append_text (ShmlensPlot   *self,
             GtkSnapshot   *snapshot,
             float          x,
             float          y,
             const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, self->layout, color);
  gtk_snapshot_restore (snapshot);
}

static int
time_to_x (ShmlensPlot *self,
           gint64       time_us)
{
  double ago = (double) (self->now_us - time_us) / (double) self->span_us;
  double x = self->area_x + self->area_width - ago * self->area_width;

  return (int) floor (CLAMP (x, self->area_x, self->area_x + self->area_width));
}

static int
value_to_y (ShmlensPlot *self,
            double       value)
{
  double fraction = (value - self->low) / (self->high - self->low);

  /* the range holds every value in view; the clamp is for the int */
  fraction = CLAMP (fraction, -1, 2);
  return (int) lround (self->area_y + self->area_height - fraction * self->area_height);
}

static void
draw_hint (ShmlensPlot *self,
           GtkSnapshot *snapshot,
           int          width,
           int          height)
{
  char hint[256];
  int text_height;

  format_hint (self, hint, sizeof hint);
  pango_layout_set_text (self->layout, hint, -1);
  pango_layout_set_width (self->layout, MAX (width - 4 * PADDING, 1) * PANGO_SCALE);
  pango_layout_set_wrap (self->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (self->layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (self->layout, NULL, &text_height);
  append_text (self, snapshot, 2 * PADDING, MAX ((height - text_height) / 2, 0), &self->dim);
  pango_layout_set_width (self->layout, -1);
  pango_layout_set_alignment (self->layout, PANGO_ALIGN_LEFT);
}

static void
draw_axes (ShmlensPlot *self,
           GtkSnapshot *snapshot)
{
  int right = self->area_x + self->area_width;
  int bottom = self->area_y + self->area_height;
  int line = self->line_height;

  /* Horizontal grid lines and the value labels, right-aligned beside them */
  for (guint i = 0; i < self->n_value_ticks; i++)
    {
      int y = value_to_y (self, self->low + i * self->step);
      int label_width;

      if (i > 0)
        append_rect (snapshot, &self->grid, self->area_x, y, self->area_width, 1);
      label_width = text_width (self, self->value_labels[i]);
      append_text (self, snapshot, self->area_x - VALUE_LABEL_GAP - label_width, y - line / 2.f,
                   &self->dim);
    }

  /* Vertical grid lines and the time labels under them, kept within the area */
  for (guint i = 0; i < self->n_time_ticks; i++)
    {
      gint64 ago = i * self->time_step_us;
      int x = time_to_x (self, self->now_us - ago);
      int label_width = text_width (self, self->time_labels[i]);
      int label_x = CLAMP (x - label_width / 2, self->area_x, right - label_width);

      if (x > self->area_x)
        append_rect (snapshot, &self->time_grid, x - (i == 0), self->area_y, 1, self->area_height);
      append_text (self, snapshot, label_x, bottom + TIME_LABEL_GAP, &self->dim);
    }

  /* The axes */
  append_rect (snapshot, &self->axis, self->area_x, self->area_y, 1, self->area_height + 1);
  append_rect (snapshot, &self->axis, self->area_x, bottom, self->area_width, 1);
}

/* A step of the line: horizontal from @x0 to @x1 at @y. */
static void
append_run (GtkSnapshot   *snapshot,
            const GdkRGBA *color,
            int            x0,
            int            x1,
            int            y)
{
  append_rect (snapshot, color, x0 - LINE_WIDTH / 2, y - LINE_WIDTH / 2, x1 - x0 + LINE_WIDTH,
               LINE_WIDTH);
}

/* An edge of the line: vertical at @x from @y0 up to @y1. */
static void
append_edge (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             int            x,
             int            y0,
             int            y1)
{
  append_rect (snapshot, color, x - LINE_WIDTH / 2, y0 - LINE_WIDTH / 2, LINE_WIDTH,
               y1 - y0 + LINE_WIDTH);
}

/* Values are drawn as steps, not as lines from point to point. A field holds its value
 * until something writes it again, and a step plot says exactly that: a counter that
 * stalls is a flat run and every write an edge, where a line between samples would
 * slope across the stall and show values that never were, so that a short stall looks
 * like slow progress — and a race that loses updates, like a rate that varies. Steps
 * are also all horizontal and vertical: color nodes, crisp at any scale, without a
 * cairo surface per frame.
 *
 * One pass over the points makes at most a run and an edge per pixel column: within
 * a column the edge spans every value the column saw, and a run only ends where the
 * value changes, so a flat series is a single rectangle. */
static void
draw_series (ShmlensPlot   *self,
             GtkSnapshot   *snapshot,
             Series        *series,
             const GdkRGBA *color)
{
  gint64 left_us = self->now_us - self->span_us;
  int right = self->area_x + self->area_width;
  int column = 0, level = 0, run_start = 0, top = 0, bottom = 0;
  gboolean started = FALSE;

  for (guint i = 0; i < series->n_points; i++)
    {
      const Point *point = series_point (series, i);
      int x, y;

      if (point->time_us > self->now_us)
        break;
      if (series_point_hidden (series, i, left_us))
        continue;
      x = time_to_x (self, point->time_us);
      y = value_to_y (self, point->value);
      if (!started)
        {
          started = TRUE;
          column = run_start = x;
          level = top = bottom = y;
          continue;
        }
      if (x != column)
        {
          if (top != bottom)
            append_edge (snapshot, color, column, top, bottom);
          column = x;
          top = bottom = level;
        }
      if (y != level)
        {
          if (x > run_start)
            append_run (snapshot, color, run_start, x, level);
          run_start = x;
          level = y;
        }
      top = MIN (top, y);
      bottom = MAX (bottom, y);
    }
  if (!started)
    return;
  if (top != bottom)
    append_edge (snapshot, color, column, top, bottom);
  /* the latest value holds until now */
  append_run (snapshot, color, run_start, right, level);

  /* A dot on the latest value ties the line to its legend entry */
  {
    GskRoundedRect dot;

    gsk_rounded_rect_init_from_rect (&dot,
                                     &GRAPHENE_RECT_INIT (right - DOT_RADIUS, level - DOT_RADIUS,
                                                          2 * DOT_RADIUS, 2 * DOT_RADIUS),
                                     DOT_RADIUS);
    gtk_snapshot_push_rounded_clip (snapshot, &dot);
    gtk_snapshot_append_color (snapshot, color, &dot.bounds);
    gtk_snapshot_pop (snapshot);
  }
}

static void
draw_legend (ShmlensPlot *self,
             GtkSnapshot *snapshot)
{
  int line = self->line_height;

  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);
      int x = series->legend_x, y = series->legend_y;
      GskRoundedRect swatch;

      gsk_rounded_rect_init_from_rect (&swatch,
                                       &GRAPHENE_RECT_INIT (x, y + (line - SWATCH_SIZE) / 2,
                                                            SWATCH_SIZE, SWATCH_SIZE),
                                       2);
      gtk_snapshot_push_rounded_clip (snapshot, &swatch);
      gtk_snapshot_append_color (snapshot, &palette[series->color], &swatch.bounds);
      gtk_snapshot_pop (snapshot);
      x += SWATCH_SIZE + SWATCH_GAP;

      pango_layout_set_text (self->layout, series->name, -1);
      if (series->name_ellipsized)
        {
          pango_layout_set_width (self->layout, series->name_width * PANGO_SCALE);
          pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_MIDDLE);
        }
      append_text (self, snapshot, x, y, &self->dim);
      pango_layout_set_width (self->layout, -1);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_NONE);
      x += series->name_width + NAME_GAP;

      pango_layout_set_text (self->layout, series->latest_text, -1);
      append_text (self, snapshot, x, y, &self->fg);
    }
}

static void
shmlens_plot_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  ShmlensPlot *self = SHMLENS_PLOT (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (self->layout == NULL || !self->allocated)
    return;

  if (self->series->len == 0)
    {
      draw_hint (self, snapshot, width, height);
      return;
    }

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_axes (self, snapshot);

  /* Lines on the area's edges stay whole; nothing goes past now */
  gtk_snapshot_push_clip (snapshot,
                          &GRAPHENE_RECT_INIT (self->area_x, self->area_y - LINE_WIDTH - DOT_RADIUS,
                                               self->area_width + DOT_RADIUS + 1,
                                               self->area_height + 2 * (LINE_WIDTH + DOT_RADIUS)));
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);

      draw_series (self, snapshot, series, &palette[series->color]);
    }
  gtk_snapshot_pop (snapshot);

  draw_legend (self, snapshot);
  gtk_snapshot_pop (snapshot);
}

/* Layout and style */

static void
shmlens_plot_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = NATURAL_WIDTH;
    }
  else
    {
      *minimum = MIN_HEIGHT;
      *natural = NATURAL_HEIGHT;
    }
}

static void
shmlens_plot_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  ShmlensPlot *self = SHMLENS_PLOT (widget);

  if (width != self->width || height != self->height || !self->allocated)
    {
      self->width = width;
      self->height = height;
      self->allocated = TRUE;
      self->geometry_dirty = TRUE;
    }
  ensure_geometry (self);
}

static void
shmlens_plot_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  ShmlensPlot *self = SHMLENS_PLOT (widget);

  if (GTK_WIDGET_CLASS (shmlens_plot_parent_class)->css_changed != NULL)
    GTK_WIDGET_CLASS (shmlens_plot_parent_class)->css_changed (widget, change);

  update_style (self);
  gtk_widget_queue_allocate (widget);
  gtk_widget_queue_draw (widget);
}

static void
shmlens_plot_system_setting_changed (GtkWidget        *widget,
                                     GtkSystemSetting  setting)
{
  ShmlensPlot *self = SHMLENS_PLOT (widget);

  if (GTK_WIDGET_CLASS (shmlens_plot_parent_class)->system_setting_changed != NULL)
    GTK_WIDGET_CLASS (shmlens_plot_parent_class)->system_setting_changed (widget, setting);

  if (self->layout != NULL)
    {
      update_style (self);
      gtk_widget_queue_allocate (widget);
      gtk_widget_queue_draw (widget);
    }
}

/* The object */

static void
shmlens_plot_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ShmlensPlot *self = SHMLENS_PLOT (object);

  switch (prop_id)
    {
    case PROP_SPAN:
      g_value_set_int64 (value, self->span_us);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_plot_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ShmlensPlot *self = SHMLENS_PLOT (object);

  switch (prop_id)
    {
    case PROP_SPAN:
      shmlens_plot_set_span (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_plot_dispose (GObject *object)
{
  ShmlensPlot *self = SHMLENS_PLOT (object);

  g_clear_handle_id (&self->description_source, g_source_remove);

  G_OBJECT_CLASS (shmlens_plot_parent_class)->dispose (object);
}

static void
shmlens_plot_finalize (GObject *object)
{
  ShmlensPlot *self = SHMLENS_PLOT (object);

  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_object (&self->layout);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (shmlens_plot_parent_class)->finalize (object);
}

static void
shmlens_plot_class_init (ShmlensPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = shmlens_plot_get_property;
  object_class->set_property = shmlens_plot_set_property;
  object_class->dispose = shmlens_plot_dispose;
  object_class->finalize = shmlens_plot_finalize;

  widget_class->snapshot = shmlens_plot_snapshot;
  widget_class->measure = shmlens_plot_measure;
  widget_class->size_allocate = shmlens_plot_size_allocate;
  widget_class->css_changed = shmlens_plot_css_changed;
  widget_class->system_setting_changed = shmlens_plot_system_setting_changed;

  /**
   * ShmlensPlot:span:
   *
   * How much time the plot shows, in microseconds, up to its right edge: one minute
   * by default, at least one second. Points older than that are dropped.
   */
  properties[PROP_SPAN] =
    g_param_spec_int64 ("span", NULL, NULL, MIN_SPAN_US, G_MAXINT64 / 4, DEFAULT_SPAN_US,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "shmlens-plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

/* The ring's bounds for the span: MAX_RATE_HZ points a second, at most MAX_POINTS;
 * two more for the point at the left edge and the one coming in. */
static void
update_bounds (ShmlensPlot *self)
{
  gint64 points = self->span_us / G_USEC_PER_SEC * MAX_RATE_HZ;

  points = CLAMP (points, MAX_RATE_HZ, MAX_POINTS);
  self->max_points = (guint) points + 2;
  self->bucket_us = self->span_us / points;
}

static void
shmlens_plot_init (ShmlensPlot *self)
{
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->span_us = DEFAULT_SPAN_US;
  update_bounds (self);
  self->data_dirty = TRUE;
  self->geometry_dirty = TRUE;
  self->time_axis_dirty = TRUE;

  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Plot of watched fields"),
                                  -1);
  update_description (self);
  /* nobody heard that one: the first change is described at once */
  self->description_time = G_MININT64 / 2;
}

/**
 * shmlens_plot_new:
 *
 * Returns: a new plot, without series, showing the last minute
 */
GtkWidget *
shmlens_plot_new (void)
{
  return g_object_new (SHMLENS_TYPE_PLOT, NULL);
}

/**
 * shmlens_plot_add_series:
 * @self: a plot
 * @name: what the legend calls the series, such as "clients[2].heartbeat"
 *
 * Adds a series without points, in the first palette color no other series has (the
 * palette has eight; more series share colors).
 *
 * Returns: the series' id, never 0
 */
guint
shmlens_plot_add_series (ShmlensPlot *self,
                         const char  *name)
{
  Series *series;
  guint color = 0;

  g_return_val_if_fail (SHMLENS_IS_PLOT (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  for (color = 0; color < G_N_ELEMENTS (palette); color++)
    {
      gboolean taken = FALSE;

      for (guint s = 0; s < self->series->len && !taken; s++)
        taken = ((Series *) g_ptr_array_index (self->series, s))->color == color;
      if (!taken)
        break;
    }
  if (color == G_N_ELEMENTS (palette))
    color = self->series->len % G_N_ELEMENTS (palette);

  series = g_new0 (Series, 1);
  series->id = ++self->last_id;
  series->name = g_strdup (name);
  series->color = color;
  series->bucket_end = G_MININT64;
  g_ptr_array_add (self->series, series);

  data_changed (self);
  return series->id;
}

/**
 * shmlens_plot_remove_series:
 * @self: a plot
 * @series: the id of a series of the plot
 *
 * Removes the series and its points; its color goes to the next series added.
 */
void
shmlens_plot_remove_series (ShmlensPlot *self,
                            guint        series)
{
  guint index;

  g_return_if_fail (SHMLENS_IS_PLOT (self));
  g_return_if_fail (find_series (self, series, &index) != NULL);

  g_ptr_array_remove_index (self->series, index);
  data_changed (self);
}

/**
 * shmlens_plot_clear:
 * @self: a plot
 *
 * Removes every series, back to the empty plot with its hint.
 */
void
shmlens_plot_clear (ShmlensPlot *self)
{
  g_return_if_fail (SHMLENS_IS_PLOT (self));

  if (self->series->len == 0)
    return;
  g_ptr_array_set_size (self->series, 0);
  data_changed (self);
}

/**
 * shmlens_plot_get_n_series:
 * @self: a plot
 *
 * Returns: how many series the plot has
 */
guint
shmlens_plot_get_n_series (ShmlensPlot *self)
{
  g_return_val_if_fail (SHMLENS_IS_PLOT (self), 0);
  return self->series->len;
}

/**
 * shmlens_plot_get_series_name:
 * @self: a plot
 * @series: the id of a series of the plot
 *
 * Returns: (transfer none): the series' name
 */
const char *
shmlens_plot_get_series_name (ShmlensPlot *self,
                              guint        series)
{
  Series *found;

  g_return_val_if_fail (SHMLENS_IS_PLOT (self), NULL);
  found = find_series (self, series, NULL);
  g_return_val_if_fail (found != NULL, NULL);
  return found->name;
}

/**
 * shmlens_plot_get_series_color:
 * @self: a plot
 * @series: the id of a series of the plot
 * @color: (out caller-allocates): the color of the series' line and legend entry
 */
void
shmlens_plot_get_series_color (ShmlensPlot *self,
                               guint        series,
                               GdkRGBA     *color)
{
  Series *found;

  g_return_if_fail (SHMLENS_IS_PLOT (self));
  g_return_if_fail (color != NULL);
  found = find_series (self, series, NULL);
  g_return_if_fail (found != NULL);
  *color = palette[found->color];
}

/**
 * shmlens_plot_add_point:
 * @self: a plot
 * @series: the id of a series of the plot
 * @time_us: when the value was read, in the monotonic time of shmlens_plot_set_now()
 * @value: the value read
 *
 * Adds a value to a series. Values come in time order: one older than the series'
 * newest is ignored, as are NaN and infinities, which have no place on the axis. A
 * value that comes within 1/60 s of the newest one kept (span / 8192 for spans over
 * 136 s) replaces it. The plot shows the value once the right edge reaches @time_us.
 */
void
shmlens_plot_add_point (ShmlensPlot *self,
                        guint        series,
                        gint64       time_us,
                        double       value)
{
  Series *found;

  g_return_if_fail (SHMLENS_IS_PLOT (self));
  found = find_series (self, series, NULL);
  g_return_if_fail (found != NULL);

  if (!isfinite (value))
    return;

  if (found->n_points > 0)
    {
      Point *newest = series_point (found, found->n_points - 1);

      if (time_us < newest->time_us)
        return;
      if (time_us < found->bucket_end)
        {
          if (newest->value != value || newest->time_us != time_us)
            {
              *newest = (Point) { time_us, value };
              data_changed (self);
            }
          return;
        }
    }

  if (found->n_points == found->allocated)
    {
      if (found->allocated < self->max_points)
        series_reallocate (found, MIN (MAX (found->allocated * 2, INITIAL_POINTS),
                                       self->max_points));
      else
        series_drop_oldest (found, 1);
    }
  found->points[(found->head + found->n_points) % found->allocated] = (Point) { time_us, value };
  found->n_points++;
  found->bucket_end = time_us + self->bucket_us;
  data_changed (self);
}

/**
 * shmlens_plot_set_now:
 * @self: a plot
 * @now_us: the time at the right edge, usually g_get_monotonic_time()
 *
 * Moves the right edge, and drops the points that left the span but the last of
 * them, whose value holds at the left edge.
 */
void
shmlens_plot_set_now (ShmlensPlot *self,
                      gint64       now_us)
{
  g_return_if_fail (SHMLENS_IS_PLOT (self));

  if (now_us == self->now_us)
    return;
  self->now_us = now_us;
  for (guint s = 0; s < self->series->len; s++)
    series_drop_old (g_ptr_array_index (self->series, s), now_us - self->span_us);
  data_changed (self);
}

/**
 * shmlens_plot_get_now:
 * @self: a plot
 *
 * Returns: the time at the right edge
 */
gint64
shmlens_plot_get_now (ShmlensPlot *self)
{
  g_return_val_if_fail (SHMLENS_IS_PLOT (self), 0);
  return self->now_us;
}

/**
 * shmlens_plot_set_span:
 * @self: a plot
 * @span_us: how much time the plot shows, at least a second
 *
 * Sets #ShmlensPlot:span. A shorter span drops the points it no longer holds.
 */
void
shmlens_plot_set_span (ShmlensPlot *self,
                       gint64       span_us)
{
  g_return_if_fail (SHMLENS_IS_PLOT (self));
  g_return_if_fail (span_us >= MIN_SPAN_US);

  if (span_us == self->span_us)
    return;
  self->span_us = span_us;
  update_bounds (self);
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);

      series_drop_old (series, self->now_us - span_us);
      if (series->allocated > self->max_points)
        series_reallocate (series, self->max_points);
      if (series->n_points > 0)
        series->bucket_end = series_point (series, series->n_points - 1)->time_us +
                             self->bucket_us;
    }
  self->time_axis_dirty = TRUE;
  data_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPAN]);
}

/**
 * shmlens_plot_get_span:
 * @self: a plot
 *
 * Returns: how much time the plot shows, in microseconds
 */
gint64
shmlens_plot_get_span (ShmlensPlot *self)
{
  g_return_val_if_fail (SHMLENS_IS_PLOT (self), 0);
  return self->span_us;
}

/**
 * shmlens_plot_get_n_points:
 * @self: a plot
 * @series: the id of a series of the plot
 *
 * Returns: how many points the series keeps: those of the span, the last one before
 *   it, and those ahead of the right edge
 */
guint
shmlens_plot_get_n_points (ShmlensPlot *self,
                           guint        series)
{
  Series *found;

  g_return_val_if_fail (SHMLENS_IS_PLOT (self), 0);
  found = find_series (self, series, NULL);
  g_return_val_if_fail (found != NULL, 0);
  return found->n_points;
}

/**
 * shmlens_plot_get_latest_value:
 * @self: a plot
 * @series: the id of a series of the plot
 * @value: (out) (optional): the latest value the plot shows
 *
 * Returns: whether the series has a value in view
 */
gboolean
shmlens_plot_get_latest_value (ShmlensPlot *self,
                               guint        series,
                               double      *value)
{
  Series *found;

  g_return_val_if_fail (SHMLENS_IS_PLOT (self), FALSE);
  found = find_series (self, series, NULL);
  g_return_val_if_fail (found != NULL, FALSE);

  update_data (self);
  if (value != NULL)
    *value = found->has_values ? found->latest : 0;
  return found->has_values;
}

/**
 * shmlens_plot_get_value_range:
 * @self: a plot
 * @low: (out) (optional): the value at the bottom of the plot
 * @high: (out) (optional): the value at the top
 *
 * The value axis, as it fits the values in view: from 0 to 1 without any.
 */
void
shmlens_plot_get_value_range (ShmlensPlot *self,
                              double      *low,
                              double      *high)
{
  g_return_if_fail (SHMLENS_IS_PLOT (self));

  ensure_geometry (self);
  if (low != NULL)
    *low = self->low;
  if (high != NULL)
    *high = self->high;
}

gboolean
shmlens_plot_get_area (ShmlensPlot     *self,
                       graphene_rect_t *area)
{
  g_return_val_if_fail (SHMLENS_IS_PLOT (self), FALSE);
  g_return_val_if_fail (area != NULL, FALSE);

  if (!self->allocated)
    return FALSE;
  ensure_geometry (self);
  graphene_rect_init (area, self->area_x, self->area_y, self->area_width, self->area_height);
  return TRUE;
}

double
shmlens_plot_get_value_step (ShmlensPlot *self)
{
  g_return_val_if_fail (SHMLENS_IS_PLOT (self), 0);

  ensure_geometry (self);
  return self->step;
}

gint64
shmlens_plot_get_time_step (ShmlensPlot *self)
{
  g_return_val_if_fail (SHMLENS_IS_PLOT (self), 0);

  ensure_geometry (self);
  return self->time_step_us;
}

char **
shmlens_plot_dup_value_labels (ShmlensPlot *self)
{
  GStrvBuilder *builder;
  char **labels;

  g_return_val_if_fail (SHMLENS_IS_PLOT (self), NULL);

  ensure_geometry (self);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->n_value_ticks; i++)
    g_strv_builder_add (builder, self->value_labels[i]);
  labels = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return labels;
}

char **
shmlens_plot_dup_time_labels (ShmlensPlot *self)
{
  GStrvBuilder *builder;
  char **labels;

  g_return_val_if_fail (SHMLENS_IS_PLOT (self), NULL);

  ensure_geometry (self);
  builder = g_strv_builder_new ();
  for (guint i = self->n_time_ticks; i > 0; i--)
    g_strv_builder_add (builder, self->time_labels[i - 1]);
  labels = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return labels;
}
