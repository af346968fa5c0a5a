/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-style.h: light or dark, as the "style" setting and the desktop say. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHMLENS_TYPE_STYLE (shmlens_style_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensStyle, shmlens_style, SHMLENS, STYLE, GObject)

ShmlensStyle *shmlens_style_new                  (GSettings    *settings,
                                                  GtkSettings  *gtk_settings);
int           shmlens_style_get_system_prefers_dark (ShmlensStyle *self);

G_END_DECLS
