/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-application.h: the single-instance GtkApplication. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHMLENS_TYPE_APPLICATION (shmlens_application_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensApplication, shmlens_application, SHMLENS, APPLICATION,
                      GtkApplication)

ShmlensApplication *shmlens_application_new         (void);
void                shmlens_application_end_session (void);

G_END_DECLS
