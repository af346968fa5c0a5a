/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-hex-view-private.h: internals of ShmlensHexView that its tests check. */
#pragma once

#include "shmlens-hex-view.h"

G_BEGIN_DECLS

void     shmlens_hex_view_set_glyph_cache_enabled (ShmlensHexView *self,
                                                   gboolean        enabled);
gboolean shmlens_hex_view_get_glyph_cache_enabled (ShmlensHexView *self);

G_END_DECLS
