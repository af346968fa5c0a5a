/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-test-gtk.h: what the widget tests share: a display or a skip, an app, widget lookup. */
#pragma once

#include <gtk/gtk.h>

#include "shmlens-application.h"

G_BEGIN_DECLS

gboolean            shmlens_test_gtk_available   (const char *suite);
ShmlensApplication *shmlens_test_application_new (void);
GtkWidget          *shmlens_test_find_widget     (GtkWidget  *root,
                                                  GType       type);

G_END_DECLS
