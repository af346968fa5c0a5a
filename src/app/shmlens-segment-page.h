/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-segment-page.h: one open segment: hex view, overview and the side panels. */
#pragma once

#include <gtk/gtk.h>

#include "shmlens-hex-view.h"
#include "shmlens-plot.h"
#include "shmlens-segment.h"
#include "shmlens-structure-panel.h"
#include "shmlens-writers-panel.h"

G_BEGIN_DECLS

#define SHMLENS_TYPE_SEGMENT_PAGE (shmlens_segment_page_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensSegmentPage, shmlens_segment_page, SHMLENS, SEGMENT_PAGE,
                      GtkWidget)

GtkWidget      *shmlens_segment_page_new            (ShmlensSegment     *segment);
ShmlensSegment *shmlens_segment_page_get_segment    (ShmlensSegmentPage *self);
const char     *shmlens_segment_page_get_title      (ShmlensSegmentPage *self);
void            shmlens_segment_page_focus_bytes    (ShmlensSegmentPage *self);
ShmlensHexView *shmlens_segment_page_get_hex_view   (ShmlensSegmentPage *self);
ShmlensStructurePanel *shmlens_segment_page_get_structure_panel (ShmlensSegmentPage *self);
ShmlensPlot    *shmlens_segment_page_get_plot       (ShmlensSegmentPage *self);
ShmlensWritersPanel *shmlens_segment_page_get_writers_panel (ShmlensSegmentPage *self);
void            shmlens_segment_page_show_panel     (ShmlensSegmentPage *self,
                                                     const char         *name);
const char     *shmlens_segment_page_get_subtitle   (ShmlensSegmentPage *self);
void            shmlens_segment_page_set_paused     (ShmlensSegmentPage *self,
                                                     gboolean            paused);
void            shmlens_segment_page_set_refresh_rate (ShmlensSegmentPage *self,
                                                       guint               hertz);
void            shmlens_segment_page_set_follow_writes (ShmlensSegmentPage *self,
                                                        gboolean            follow);
void            shmlens_segment_page_set_changes_since_pause (ShmlensSegmentPage *self,
                                                              gboolean            enabled);


void            shmlens_segment_page_set_explanation (ShmlensSegmentPage *self,
                                                      const char         *title,
                                                      const char         *text);
const char     *shmlens_segment_page_get_explanation (ShmlensSegmentPage *self);

G_END_DECLS
