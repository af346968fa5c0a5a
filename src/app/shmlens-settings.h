/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-settings.h: the app's settings, and bindings of them to widgets. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSettings *shmlens_settings_get               (void);
void       shmlens_settings_bind_bytes_per_row (GSettings  *settings,
                                                gpointer    object,
                                                const char *property,
                                                GSettingsBindFlags flags);
void       shmlens_settings_bind_group_size    (GSettings  *settings,
                                                gpointer    object,
                                                const char *property,
                                                GSettingsBindFlags flags);
guint      shmlens_settings_valid_bytes_per_row (guint      value);
guint      shmlens_settings_valid_group_size    (guint      value);

G_END_DECLS
