/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-inspector.h: the bytes at the cursor, decoded live. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHMLENS_TYPE_INSPECTOR (shmlens_inspector_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensInspector, shmlens_inspector, SHMLENS, INSPECTOR, GtkWidget)

GtkWidget *shmlens_inspector_new      (void);
void       shmlens_inspector_set_data (ShmlensInspector *self,
                                       guint64           offset,
                                       const guint8     *bytes,
                                       gsize             n_valid,
                                       gint64            now_us);
void       shmlens_inspector_clear    (ShmlensInspector *self);
guint      shmlens_inspector_get_fade_time (ShmlensInspector *self);
void       shmlens_inspector_set_fade_time (ShmlensInspector *self,
                                            guint             fade_time_ms);

G_END_DECLS
