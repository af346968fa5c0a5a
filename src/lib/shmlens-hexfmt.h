/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-hexfmt.h: fast text dumps, byte-identical to `hexdump -C` and `xxd`. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ShmlensHexFormat:
 * @SHMLENS_HEX_FORMAT_HEXDUMP: the output of `hexdump -C`: repeated lines squeezed
 *   into `*`, a final line with the end offset
 * @SHMLENS_HEX_FORMAT_XXD: the output of `xxd` with its default options
 *
 * The text layouts a #ShmlensHexFormatter writes.
 */
typedef enum
{
  SHMLENS_HEX_FORMAT_HEXDUMP,
  SHMLENS_HEX_FORMAT_XXD,
} ShmlensHexFormat;

/**
 * ShmlensHexFormatter:
 *
 * Turns a stream of bytes, fed in chunks of any size, into the text of `hexdump -C`
 * or `xxd`. It keeps at most one partial line and, for hexdump, the last line
 * printed, so memory does not grow with the stream.
 */
typedef struct _ShmlensHexFormatter ShmlensHexFormatter;

ShmlensHexFormatter *shmlens_hex_formatter_new           (ShmlensHexFormat     format,
                                                          guint64              start_offset);
void                 shmlens_hex_formatter_free          (ShmlensHexFormatter *self);
gsize                shmlens_hex_formatter_max_output    (gsize                length);
gsize                shmlens_hex_formatter_feed          (ShmlensHexFormatter *self,
                                                          const guint8        *data,
                                                          gsize                length,
                                                          char                *out);
gsize                shmlens_hex_formatter_finish        (ShmlensHexFormatter *self,
                                                          char                *out);
void                 shmlens_hex_formatter_feed_string   (ShmlensHexFormatter *self,
                                                          const guint8        *data,
                                                          gsize                length,
                                                          GString             *out);
void                 shmlens_hex_formatter_finish_string (ShmlensHexFormatter *self,
                                                          GString             *out);
guint64              shmlens_hex_formatter_get_offset    (ShmlensHexFormatter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmlensHexFormatter, shmlens_hex_formatter_free)

G_END_DECLS
