/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-hexfmt.c: fast text dumps, byte-identical to `hexdump -C` and `xxd`.
 *
 * The peers print a line with one printf conversion per byte; we fill a whole line
 * from tables with fixed-size stores into the caller's buffer. Each byte's hex pair
 * comes with two trailing spaces ("4f  ") and is stored as four bytes at once: the
 * next byte's store overwrites the surplus, and where no byte follows, the spaces are
 * exactly the separator the layout wants there.
 *
 * What the peers do, as measured against util-linux 2.38 hexdump and xxd 2022-01-14:
 * - offsets are absolute (the start offset plus the bytes before the line), at least
 *   eight lowercase hex digits and as many more as the value needs;
 * - `hexdump -C` replaces every full line equal to the line printed before it with a
 *   single `*` line per run; a short last line is never squeezed; it ends with a line
 *   holding the end offset, unless that offset is 0 (empty input from offset 0);
 * - `xxd` never squeezes by default and prints nothing after the last line;
 * - both print bytes 0x20 to 0x7e as themselves and every other byte as '.'. */
#include "config.h"

#include <string.h>

#include "shmlens-hexfmt.h"

#define BYTES_PER_LINE 16

/* Room for the longest line either format writes (hexdump with a 16-digit offset is 87
 * bytes), with the four-byte stores' spill past the end. */
#define LINE_ROOM 128

struct _ShmlensHexFormatter
{
  ShmlensHexFormat format;
  guint64 line_offset;               /* offset of pending[0], the next line's start */
  guint8 pending[BYTES_PER_LINE];    /* the start of a line that is not complete yet */
  guint n_pending;
  guint8 previous[BYTES_PER_LINE];   /* hexdump: the last full line printed */
  gboolean have_previous;
  gboolean squeezing;                /* hexdump: a `*` stands for the current run */
  gboolean finished;
};

#define HEX_ROW(h, s) \
  h "0" s h "1" s h "2" s h "3" s h "4" s h "5" s h "6" s h "7" s \
  h "8" s h "9" s h "a" s h "b" s h "c" s h "d" s h "e" s h "f" s
#define HEX_TABLE(s) \
  HEX_ROW ("0", s) HEX_ROW ("1", s) HEX_ROW ("2", s) HEX_ROW ("3", s) \
  HEX_ROW ("4", s) HEX_ROW ("5", s) HEX_ROW ("6", s) HEX_ROW ("7", s) \
  HEX_ROW ("8", s) HEX_ROW ("9", s) HEX_ROW ("a", s) HEX_ROW ("b", s) \
  HEX_ROW ("c", s) HEX_ROW ("d", s) HEX_ROW ("e", s) HEX_ROW ("f", s)

/* "00" "01" … "ff" */
static const char hex_pairs[256 * 2 + 1] = HEX_TABLE ("");
/* "00  " "01  " … "ff  " */
static const char hex_pairs_spaced[256 * 4 + 1] = HEX_TABLE ("  ");

static inline void
put_pair (char   *o,
          guint8  byte)
{
  memcpy (o, hex_pairs + 2 * byte, 2);
}

/* Writes "xx  "; the caller overwrites the two spaces or wants them. */
static inline void
put_pair_spaced (char   *o,
                 guint8  byte)
{
  memcpy (o, hex_pairs_spaced + 4 * byte, 4);
}

static inline char
printable (guint8 byte)
{
  return (guint8) (byte - 0x20) < 0x5f ? (char) byte : '.';
}

static inline void
put_ascii (char         *o,
           const guint8 *p,
           gsize         n)
{
  for (gsize i = 0; i < n; i++)
    o[i] = printable (p[i]);
}

/* `%08llx`: eight digits, more when the offset needs them. */
static inline char *
put_offset (char    *o,
            guint64  offset)
{
  static const char digits[] = "0123456789abcdef";
  guint width;

  if (G_LIKELY (offset <= G_MAXUINT32))
    {
      put_pair (o, (guint8) (offset >> 24));
      put_pair (o + 2, (guint8) (offset >> 16));
      put_pair (o + 4, (guint8) (offset >> 8));
      put_pair (o + 6, (guint8) offset);
      return o + 8;
    }

  width = (64 - __builtin_clzll (offset) + 3) / 4;
  for (guint i = width; i-- > 0; offset >>= 4)
    o[i] = digits[offset & 0xf];
  return o + width;
}

/* "00000010  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n" */
static inline char *
put_hexdump_line (char         *o,
                  guint64       offset,
                  const guint8 *p)
{
  o = put_offset (o, offset);
  o[0] = ' ';
  o[1] = ' ';
  for (guint i = 0; i < 8; i++)
    put_pair_spaced (o + 2 + 3 * i, p[i]);
  for (guint i = 8; i < 16; i++)
    put_pair_spaced (o + 3 + 3 * i, p[i]);
  o[52] = '|';
  put_ascii (o + 53, p, 16);
  o[69] = '|';
  o[70] = '\n';
  return o + 71;
}

/* "00000010: 4142 4344 4546 4748 494a 4b4c 4d4e 4f50  ABCDEFGHIJKLMNOP\n" */
static inline char *
put_xxd_line (char         *o,
              guint64       offset,
              const guint8 *p)
{
  o = put_offset (o, offset);
  o[0] = ':';
  o[1] = ' ';
  for (guint g = 0; g < 8; g++)
    {
      put_pair_spaced (o + 2 + 5 * g, p[2 * g]);
      put_pair_spaced (o + 4 + 5 * g, p[2 * g + 1]);
    }
  put_ascii (o + 43, p, 16);
  o[59] = '\n';
  return o + 60;
}

/* A short last line: the hex columns keep their width so the text column lines up. */
static char *
put_short_line (ShmlensHexFormatter *self,
                char                *o,
                const guint8        *p,
                guint                n)
{
  g_assert (n > 0 && n < BYTES_PER_LINE);

  o = put_offset (o, self->line_offset);
  if (self->format == SHMLENS_HEX_FORMAT_HEXDUMP)
    {
      memset (o, ' ', 52);
      for (guint i = 0; i < n; i++)
        put_pair (o + 2 + 3 * i + (i >= 8), p[i]);
      o[52] = '|';
      put_ascii (o + 53, p, n);
      o[53 + n] = '|';
      o[54 + n] = '\n';
      return o + 55 + n;
    }
  else
    {
      o[0] = ':';
      memset (o + 1, ' ', 42);
      for (guint i = 0; i < n; i++)
        put_pair (o + 2 + 5 * (i / 2) + 2 * (i % 2), p[i]);
      put_ascii (o + 43, p, n);
      o[43 + n] = '\n';
      return o + 44 + n;
    }
}

static inline char *
put_full_line (ShmlensHexFormatter *self,
               char                *o,
               const guint8        *p)
{
  if (self->format == SHMLENS_HEX_FORMAT_XXD)
    o = put_xxd_line (o, self->line_offset, p);
  else if (self->have_previous && memcmp (p, self->previous, BYTES_PER_LINE) == 0)
    {
      if (!self->squeezing)
        {
          o[0] = '*';
          o[1] = '\n';
          o += 2;
          self->squeezing = TRUE;
        }
    }
  else
    {
      o = put_hexdump_line (o, self->line_offset, p);
      memcpy (self->previous, p, BYTES_PER_LINE);
      self->have_previous = TRUE;
      self->squeezing = FALSE;
    }
  self->line_offset += BYTES_PER_LINE;
  return o;
}

/**
 * shmlens_hex_formatter_new:
 * @format: the layout to write
 * @start_offset: the offset of the first byte that will be fed, as printed in the
 *   first line (what the peers print for `-s`)
 *
 * Creates a formatter that turns a stream of bytes, fed in chunks of any size, into
 * the exact text the peer named by @format prints for the same bytes.
 *
 * Returns: (transfer full): a new formatter; free it with shmlens_hex_formatter_free()
 */
ShmlensHexFormatter *
shmlens_hex_formatter_new (ShmlensHexFormat format,
                           guint64          start_offset)
{
  ShmlensHexFormatter *self;

  g_return_val_if_fail (format == SHMLENS_HEX_FORMAT_HEXDUMP ||
                        format == SHMLENS_HEX_FORMAT_XXD, NULL);

  self = g_new0 (ShmlensHexFormatter, 1);
  self->format = format;
  self->line_offset = start_offset;
  return self;
}

/**
 * shmlens_hex_formatter_free:
 * @self: (nullable): a formatter
 *
 * Frees @self. Text of a line that was not finished is lost.
 */
void
shmlens_hex_formatter_free (ShmlensHexFormatter *self)
{
  g_free (self);
}

/**
 * shmlens_hex_formatter_max_output:
 * @length: a number of input bytes
 *
 * The most text that shmlens_hex_formatter_feed() writes for @length bytes, in either
 * format and whatever was fed before. It also covers a following
 * shmlens_hex_formatter_finish(); `shmlens_hex_formatter_max_output (0)` covers
 * shmlens_hex_formatter_finish() alone.
 *
 * Returns: a size in bytes for the output buffer
 */
gsize
shmlens_hex_formatter_max_output (gsize length)
{
  g_return_val_if_fail (length <= G_MAXSIZE / 16, G_MAXSIZE);

  /* A feed completes at most length / 16 + 1 lines; finish writes a short line and
   * the end offset, which together fit in one more LINE_ROOM. */
  return (length / BYTES_PER_LINE + 2) * LINE_ROOM;
}

/**
 * shmlens_hex_formatter_feed:
 * @self: a formatter
 * @data: (array length=length): the next bytes of the stream
 * @length: the number of bytes in @data
 * @out: where to write the text; it must have room for
 *   `shmlens_hex_formatter_max_output (length)` bytes
 *
 * Formats every line that @data completes and keeps the rest for the next call, so
 * the text does not depend on how the stream is cut into chunks. Nothing is
 * nul-terminated.
 *
 * Returns: the number of bytes written to @out
 */
gsize
shmlens_hex_formatter_feed (ShmlensHexFormatter *self,
                            const guint8        *data,
                            gsize                length,
                            char                *out)
{
  const guint8 *p = data;
  const guint8 *end = data + length;
  char *o = out;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (data != NULL || length == 0, 0);
  g_return_val_if_fail (out != NULL, 0);
  g_return_val_if_fail (!self->finished, 0);

  if (self->n_pending > 0)
    {
      gsize n = MIN ((gsize) (BYTES_PER_LINE - self->n_pending), length);

      memcpy (self->pending + self->n_pending, p, n);
      self->n_pending += n;
      p += n;
      if (self->n_pending < BYTES_PER_LINE)
        return 0;
      o = put_full_line (self, o, self->pending);
      self->n_pending = 0;
    }

  /* The two loops let the compiler drop the format test from the hot path. */
  if (self->format == SHMLENS_HEX_FORMAT_XXD)
    {
      for (; end - p >= BYTES_PER_LINE; p += BYTES_PER_LINE)
        {
          o = put_xxd_line (o, self->line_offset, p);
          self->line_offset += BYTES_PER_LINE;
        }
    }
  else
    {
      for (; end - p >= BYTES_PER_LINE; p += BYTES_PER_LINE)
        o = put_full_line (self, o, p);
    }

  memcpy (self->pending, p, end - p);
  self->n_pending = end - p;

  g_assert ((gsize) (o - out) <= shmlens_hex_formatter_max_output (length));
  return o - out;
}

/**
 * shmlens_hex_formatter_finish:
 * @self: a formatter
 * @out: where to write the text; it must have room for
 *   `shmlens_hex_formatter_max_output (0)` bytes
 *
 * Writes the short last line, if any, and for %SHMLENS_HEX_FORMAT_HEXDUMP the line
 * with the end offset. Nothing can be fed afterwards.
 *
 * Returns: the number of bytes written to @out
 */
gsize
shmlens_hex_formatter_finish (ShmlensHexFormatter *self,
                              char                *out)
{
  guint64 end_offset;
  char *o = out;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (out != NULL, 0);
  g_return_val_if_fail (!self->finished, 0);

  self->finished = TRUE;
  end_offset = self->line_offset + self->n_pending;
  if (self->n_pending > 0)
    o = put_short_line (self, o, self->pending, self->n_pending);

  /* hexdump prints no end offset when there is nothing to show at all. */
  if (self->format == SHMLENS_HEX_FORMAT_HEXDUMP && end_offset != 0)
    {
      o = put_offset (o, end_offset);
      *o++ = '\n';
    }

  self->line_offset = end_offset;
  self->n_pending = 0;
  return o - out;
}

/**
 * shmlens_hex_formatter_feed_string:
 * @self: a formatter
 * @data: (array length=length): the next bytes of the stream
 * @length: the number of bytes in @data
 * @out: the string to append the text to
 *
 * Like shmlens_hex_formatter_feed(), but appends to a #GString.
 */
void
shmlens_hex_formatter_feed_string (ShmlensHexFormatter *self,
                                   const guint8        *data,
                                   gsize                length,
                                   GString             *out)
{
  gsize old_length;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  old_length = out->len;
  g_string_set_size (out, old_length + shmlens_hex_formatter_max_output (length));
  g_string_truncate (out, old_length + shmlens_hex_formatter_feed (self, data, length,
                                                                   out->str + old_length));
}

/**
 * shmlens_hex_formatter_finish_string:
 * @self: a formatter
 * @out: the string to append the text to
 *
 * Like shmlens_hex_formatter_finish(), but appends to a #GString.
 */
void
shmlens_hex_formatter_finish_string (ShmlensHexFormatter *self,
                                     GString             *out)
{
  gsize old_length;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  old_length = out->len;
  g_string_set_size (out, old_length + shmlens_hex_formatter_max_output (0));
  g_string_truncate (out, old_length + shmlens_hex_formatter_finish (self,
                                                                     out->str + old_length));
}

/**
 * shmlens_hex_formatter_get_offset:
 * @self: a formatter
 *
 * The offset the next byte fed would have: the start offset plus every byte fed so
 * far.
 *
 * Returns: an offset
 */
guint64
shmlens_hex_formatter_get_offset (ShmlensHexFormatter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->line_offset + self->n_pending;
}
