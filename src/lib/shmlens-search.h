/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-search.h: finds a byte pattern in a segment, chunk by chunk, skipping holes. */
#pragma once

#include <gio/gio.h>

#include "shmlens-reader.h"

G_BEGIN_DECLS

gboolean  shmlens_search_find      (ShmlensReader  *reader,
                                    const guint8   *pattern,
                                    gsize           length,
                                    guint64         from,
                                    gboolean        backwards,
                                    GCancellable   *cancellable,
                                    guint64        *found_at,
                                    GError        **error);
guint8   *shmlens_search_parse_hex (const char     *text,
                                    gsize          *length,
                                    GError        **error);

G_END_DECLS
