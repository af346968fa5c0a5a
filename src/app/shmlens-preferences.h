/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-preferences.h: the Preferences window. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHMLENS_TYPE_PREFERENCES_WINDOW (shmlens_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensPreferencesWindow, shmlens_preferences_window, SHMLENS,
                      PREFERENCES_WINDOW, GtkWindow)

GtkWidget *shmlens_preferences_window_new (GtkWindow *parent);

G_END_DECLS
