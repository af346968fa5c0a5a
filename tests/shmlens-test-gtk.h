/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-test-gtk.h: what the widget tests share: a display or a skip, an app, widget lookup. */
#pragma once

#include <gtk/gtk.h>

#include "shmlens-application.h"
#include "shmlens-segment-page.h"
#include "shmlens-window.h"

G_BEGIN_DECLS

gboolean            shmlens_test_gtk_available   (const char *suite);
ShmlensApplication *shmlens_test_application_new (void);
GtkWidget          *shmlens_test_find_widget     (GtkWidget  *root,
                                                  GType       type);

/* A main window on screen with a new POSIX segment open in a page. */
typedef struct
{
  char *name;                 /* the segment's name, without the slash */
  ShmlensWindow *window;
  ShmlensSegmentPage *page;
} ShmlensTestWindow;

void                shmlens_test_window_open     (ShmlensTestWindow  *open,
                                                  ShmlensApplication *app,
                                                  const char         *tag,
                                                  gsize               size);
void                shmlens_test_window_close    (ShmlensTestWindow  *open);

G_END_DECLS
