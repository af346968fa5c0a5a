/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-overview.h: a strip showing where in the whole segment changes happen. */
#pragma once

#include <gtk/gtk.h>

#include "shmlens-tracker.h"

G_BEGIN_DECLS

/**
 * ShmlensOverview:
 *
 * A narrow vertical strip that stands for the whole segment, offset 0 at the top and
 * the end at the bottom, meant to sit beside the hex view's scrollbar. Each pixel row
 * covers a range of the tracker's overview blocks and is colored by the latest change
 * among them: strong just after a change, fading over a few seconds to a faint trace;
 * rows never seen changing stay clear. A frame marks the range the hex view shows.
 *
 * The strip never scans: the owner calls shmlens_tracker_scan() and then
 * shmlens_overview_refreshed(), which redraws only when a row changed or colors are
 * still fading.
 *
 * Signals:
 *
 * ShmlensOverview::jump (ShmlensOverview *overview,
 *                        guint64          offset)
 *   The user clicked or dragged on the strip. @offset is the segment offset at the
 *   pointer: shmlens_overview_offset_at_y() of its position, from 0 to the segment's
 *   size - 1. Emitted on press and on every motion that reaches another offset while
 *   the button is held; the owner typically scrolls the hex view there.
 */

#define SHMLENS_TYPE_OVERVIEW (shmlens_overview_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensOverview, shmlens_overview, SHMLENS, OVERVIEW, GtkWidget)

GtkWidget *shmlens_overview_new          (void);
void       shmlens_overview_set_tracker  (ShmlensOverview *self,
                                          ShmlensTracker  *tracker);
ShmlensTracker *
           shmlens_overview_get_tracker  (ShmlensOverview *self);
void       shmlens_overview_refreshed    (ShmlensOverview *self,
                                          gint64           now_us);
void       shmlens_overview_set_visible_range (ShmlensOverview *self,
                                               guint64          offset,
                                               guint64          length);

/* Geometry: how the strip's height maps onto the segment (also for tests). */
guint64    shmlens_overview_offset_at_y  (ShmlensOverview *self,
                                          double           y);
double     shmlens_overview_y_at_offset  (ShmlensOverview *self,
                                          guint64          offset);
/* The latest change stamp (see shmlens_tracker_time_to_stamp()) among the blocks that
 * pixel row @y covers, as of the last shmlens_overview_refreshed() or allocation; 0
 * when none of them has changed, or @y is outside the strip. */
guint32    shmlens_overview_get_row_stamp (ShmlensOverview *self,
                                           int              y);

G_END_DECLS
