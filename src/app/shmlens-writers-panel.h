/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-writers-panel.h: start and stop writer processes on a test segment, watch them work. */
#pragma once

#include <gtk/gtk.h>

#include "shmlens-hex-view.h"
#include "shmlens-segment.h"
#include "shmlens-writers.h"

G_BEGIN_DECLS

#define SHMLENS_TYPE_WRITERS_PANEL (shmlens_writers_panel_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensWritersPanel, shmlens_writers_panel, SHMLENS, WRITERS_PANEL,
                      GtkWidget)

GtkWidget            *shmlens_writers_panel_new           (void);
void                  shmlens_writers_panel_set_segment   (ShmlensWritersPanel     *self,
                                                           ShmlensSegment          *segment);
gboolean              shmlens_writers_panel_get_available (ShmlensWritersPanel     *self);
GListModel           *shmlens_writers_panel_get_writers   (ShmlensWritersPanel     *self);
ShmlensWriterProcess *shmlens_writers_panel_start         (ShmlensWritersPanel     *self,
                                                           const ShmlensWriterSpec *spec,
                                                           GError                 **error);
void                  shmlens_writers_panel_stop_all      (ShmlensWritersPanel     *self);
const ShmlensHexTint *shmlens_writers_panel_get_tints     (ShmlensWritersPanel     *self,
                                                           guint                   *n_tints);

G_END_DECLS
