/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-a11y.h: work-arounds for what GTK 4.8 tells screen readers. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

char *shmlens_a11y_strip_mnemonic         (const char *label);
void  shmlens_a11y_name_mnemonic_buttons  (GtkWidget  *root);

G_END_DECLS
