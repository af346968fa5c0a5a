/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-plot-private.h: internals of ShmlensPlot that its tests check. */
#pragma once

#include "shmlens-plot.h"

G_BEGIN_DECLS

/* Room for any label the plot draws, a nul included. */
#define SHMLENS_PLOT_LABEL_SIZE 48

void     shmlens_plot_nice_range   (double       data_min,
                                    double       data_max,
                                    guint        max_intervals,
                                    gboolean     integers,
                                    double      *low,
                                    double      *high,
                                    double      *step);
void     shmlens_plot_format_ticks (double       low,
                                    double       step,
                                    guint        n_ticks,
                                    char       (*labels)[SHMLENS_PLOT_LABEL_SIZE]);
void     shmlens_plot_format_value (double       value,
                                    char        *buffer,
                                    gsize        size);

/* The rectangle the values are drawn in, in widget coordinates: FALSE before the
 * first allocation. */
gboolean shmlens_plot_get_area     (ShmlensPlot *self,
                                    graphene_rect_t *area);
/* The value axis's tick step, and how far apart the time axis's ticks are. */
double   shmlens_plot_get_value_step (ShmlensPlot *self);
gint64   shmlens_plot_get_time_step  (ShmlensPlot *self);
/* The labels of the value axis, bottom up, and of the time axis, left to right: a
 * NULL-terminated array to free with g_strfreev(). */
char   **shmlens_plot_dup_value_labels (ShmlensPlot *self);
char   **shmlens_plot_dup_time_labels  (ShmlensPlot *self);

G_END_DECLS
