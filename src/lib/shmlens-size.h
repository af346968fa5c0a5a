/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-size.h: sizes and offsets as people type them: 4096, 0x1000, 4K, 1 MiB. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ShmlensSizeParse:
 * @SHMLENS_SIZE_PARSE_OK: a size; the value is set
 * @SHMLENS_SIZE_PARSE_INVALID: not a size
 * @SHMLENS_SIZE_PARSE_TOO_LARGE: a size past 2^64 - 1 bytes
 *
 * What shmlens_size_parse() found; the caller words the error for where the text was
 * typed (a command-line option, a form's field).
 */
typedef enum
{
  SHMLENS_SIZE_PARSE_OK,
  SHMLENS_SIZE_PARSE_INVALID,
  SHMLENS_SIZE_PARSE_TOO_LARGE,
} ShmlensSizeParse;

ShmlensSizeParse shmlens_size_parse (const char *text,
                                     guint64    *value);

G_END_DECLS
