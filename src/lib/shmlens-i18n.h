/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-i18n.h: the locale and the translations, for both programs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void shmlens_i18n_init (void);

G_END_DECLS
