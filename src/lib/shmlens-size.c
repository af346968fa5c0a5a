/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-size.c: sizes and offsets as people type them: 4096, 0x1000, 4K, 1 MiB.
 *
 * One grammar for every place a size or an offset is typed: the CLI's options, the
 * app's forms (new segment, writers), the hex view's Go to offset and the structure
 * panel's offset. They once had four parsers that disagreed (one took 010 as octal,
 * one took no suffix, one no T). */
#include "config.h"

#include "shmlens-size.h"

/* Appends DIGIT to *VALUE in BASE; FALSE when that passes 2^64 - 1. */
static gboolean
push_digit (guint64 *value,
            guint    base,
            guint    digit)
{
  if (*value > (G_MAXUINT64 - digit) / base)
    return FALSE;
  *value = *value * base + digit;
  return TRUE;
}

/**
 * shmlens_size_parse:
 * @text: what was typed
 * @value: (out): the number of bytes, set only when %SHMLENS_SIZE_PARSE_OK
 *
 * Reads a size or an offset: decimal digits (leading zeros do not make it octal), or
 * hexadecimal digits after `0x`; then, after optional spaces, a unit: `K`, `M`, `G` or
 * `T` for KiB, MiB, GiB or TiB (in either case, with an optional `i` and an optional
 * `B`: `4K`, `4KiB`, `1 MiB`, `0x10M`), or `B` for bytes. Spaces around it all are
 * ignored; signs, fractions and anything else are not a size.
 *
 * Returns: whether @text is a size, and if not, why
 */
ShmlensSizeParse
shmlens_size_parse (const char *text,
                    guint64    *value)
{
  const char *p = text;
  guint64 number = 0;
  guint base = 10;
  guint shift = 0;
  gboolean too_large = FALSE;
  const char *digits;

  g_return_val_if_fail (text != NULL, SHMLENS_SIZE_PARSE_INVALID);
  g_return_val_if_fail (value != NULL, SHMLENS_SIZE_PARSE_INVALID);

  while (g_ascii_isspace (*p))
    p++;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    {
      base = 16;
      p += 2;
    }
  digits = p;
  for (; base == 16 ? g_ascii_isxdigit (*p) : g_ascii_isdigit (*p); p++)
    if (!too_large && !push_digit (&number, base, (guint) g_ascii_xdigit_value (*p)))
      too_large = TRUE;
  if (p == digits)
    return SHMLENS_SIZE_PARSE_INVALID;

  while (*p == ' ')
    p++;
  switch (g_ascii_toupper (*p))
    {
    case 'K': shift = 10; p++; break;
    case 'M': shift = 20; p++; break;
    case 'G': shift = 30; p++; break;
    case 'T': shift = 40; p++; break;
    case 'B': p++; break;
    default: break;
    }
  if (shift != 0 && (*p == 'i' || *p == 'I'))
    p++;
  if (shift != 0 && (*p == 'b' || *p == 'B'))
    p++;
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    return SHMLENS_SIZE_PARSE_INVALID;

  if (too_large || number > (G_MAXUINT64 >> shift))
    return SHMLENS_SIZE_PARSE_TOO_LARGE;
  *value = number << shift;
  return SHMLENS_SIZE_PARSE_OK;
}
