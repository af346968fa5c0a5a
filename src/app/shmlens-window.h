/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-window.h: the main window: segment list, open segments in tabs. */
#pragma once

#include <gtk/gtk.h>

#include "shmlens-application.h"
#include "shmlens-segment.h"
#include "shmlens-segment-page.h"

G_BEGIN_DECLS

#define SHMLENS_TYPE_WINDOW (shmlens_window_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensWindow, shmlens_window, SHMLENS, WINDOW, GtkApplicationWindow)

ShmlensWindow *shmlens_window_new          (ShmlensApplication *application);
void           shmlens_window_open_segment (ShmlensWindow      *self,
                                            ShmlensSegment     *segment);
gboolean       shmlens_window_open_ref     (ShmlensWindow      *self,
                                            const char         *ref,
                                            GError            **error);
ShmlensSegmentPage *shmlens_window_get_current_page (ShmlensWindow *self);

G_END_DECLS
