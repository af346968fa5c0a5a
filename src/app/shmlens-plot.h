/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-plot.h: a live plot of watched fields' values over the last minute. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * ShmlensPlot:
 *
 * A live line plot of a few numeric fields: the values each one took over the last
 * span of time (a minute by default), with the present at the right edge. Each field
 * is a series with a name, such as "clients[2].heartbeat", and a color of its own; the
 * legend above the plot shows the names, colors and latest values. A time axis counts
 * seconds ago, and the value axis fits the values in view with round tick values.
 *
 * Values are drawn as steps: a value holds until the next one, so a counter that
 * stalls is a flat run and every change is an edge.
 *
 * The plot does not sample anything itself: the owner adds points with
 * shmlens_plot_add_point() as it reads the fields, and moves the right edge with
 * shmlens_plot_set_now(), which also drops the points that left the span. Memory is
 * bounded whatever the rate of points: a series keeps at most 60 points per second of
 * span (a point closer than that to the one before replaces it), and at most 8192.
 *
 * Series are named by ids, which stay valid until the series is removed.
 */

#define SHMLENS_TYPE_PLOT (shmlens_plot_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensPlot, shmlens_plot, SHMLENS, PLOT, GtkWidget)

GtkWidget  *shmlens_plot_new              (void);

guint       shmlens_plot_add_series       (ShmlensPlot *self,
                                           const char  *name);
void        shmlens_plot_remove_series    (ShmlensPlot *self,
                                           guint        series);
void        shmlens_plot_clear            (ShmlensPlot *self);
guint       shmlens_plot_get_n_series     (ShmlensPlot *self);
const char *shmlens_plot_get_series_name  (ShmlensPlot *self,
                                           guint        series);
void        shmlens_plot_get_series_color (ShmlensPlot *self,
                                           guint        series,
                                           GdkRGBA     *color);

void        shmlens_plot_add_point        (ShmlensPlot *self,
                                           guint        series,
                                           gint64       time_us,
                                           double       value);
void        shmlens_plot_set_now          (ShmlensPlot *self,
                                           gint64       now_us);
gint64      shmlens_plot_get_now          (ShmlensPlot *self);
void        shmlens_plot_set_span         (ShmlensPlot *self,
                                           gint64       span_us);
gint64      shmlens_plot_get_span         (ShmlensPlot *self);

/* What the plot shows (also for tests). */
guint       shmlens_plot_get_n_points     (ShmlensPlot *self,
                                           guint        series);
gboolean    shmlens_plot_get_latest_value (ShmlensPlot *self,
                                           guint        series,
                                           double      *value);
void        shmlens_plot_get_value_range  (ShmlensPlot *self,
                                           double      *low,
                                           double      *high);

G_END_DECLS
