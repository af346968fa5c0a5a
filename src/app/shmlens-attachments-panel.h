/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-attachments-panel.h: the processes attached to a segment, refreshed off the main thread. */
#pragma once

#include <gtk/gtk.h>

#include "shmlens-segment.h"

G_BEGIN_DECLS

#define SHMLENS_TYPE_ATTACHMENTS_PANEL (shmlens_attachments_panel_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensAttachmentsPanel, shmlens_attachments_panel, SHMLENS,
                      ATTACHMENTS_PANEL, GtkWidget)

GtkWidget *shmlens_attachments_panel_new         (void);
void       shmlens_attachments_panel_set_segment (ShmlensAttachmentsPanel *self,
                                                  ShmlensSegment          *segment);

G_END_DECLS
