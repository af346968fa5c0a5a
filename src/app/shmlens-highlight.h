/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-highlight.h: a changed value's highlight, fading out in steps. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* How long a changed value stays lit, by default, and in how many steps it fades. */
#define SHMLENS_HIGHLIGHT_DEFAULT_US G_USEC_PER_SEC
#define SHMLENS_HIGHLIGHT_STEPS 4

gint64 shmlens_highlight_update    (GtkWidget *widget,
                                    gint64     changed_at,
                                    gint64     now_us,
                                    gint64     duration_us);
void   shmlens_highlight_clear     (GtkWidget *widget);
guint  shmlens_highlight_timeout   (gint64     next_step,
                                    gint64     now_us,
                                    gint64     duration_us);

G_END_DECLS
