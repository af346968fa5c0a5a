/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-escape.h: untrusted names made safe to print, and back. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *shmlens_escape   (const char *raw,
                        gssize      length);
char *shmlens_unescape (const char *escaped,
                        GError    **error);

G_END_DECLS
