/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-new-segment-dialog.h: create a test segment: kind, name or key, size, mode, content. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHMLENS_TYPE_NEW_SEGMENT_DIALOG (shmlens_new_segment_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensNewSegmentDialog, shmlens_new_segment_dialog, SHMLENS,
                      NEW_SEGMENT_DIALOG, GtkWindow)

GtkWidget *shmlens_new_segment_dialog_new       (GtkWindow               *parent);
GtkWidget *shmlens_new_segment_dialog_get_field (ShmlensNewSegmentDialog *self,
                                                 const char              *field);
gboolean   shmlens_new_segment_dialog_create    (ShmlensNewSegmentDialog *self);

G_END_DECLS
