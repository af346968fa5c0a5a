/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-hexfmt.c: every hex formatter kernel against a byte-by-byte reference, for any data, start offset and cut into chunks. */
#include "config.h"

#include <string.h>

#include "shmlens-fuzz.h"
#include "shmlens-hexfmt.h"

#define TARGET "fuzz-hexfmt"

/* Set in the environment, it makes new formatters use less than the fastest code the
 * CPU runs ("" or unset: the fastest). */
#define KERNEL_ENV "SHMLENS_HEXFMT_KERNEL"

static const char *const kernels[] = { "portable", "ssse3", NULL };

/* The input: a control byte, a start offset (8 bytes, little-endian), a seed for the
 * chunk sizes, then the data. */
#define HEADER_SIZE 10

/* `hexdump -C` and `xxd` as the peers write them, one byte at a time: offsets with
 * "%08llx"; hexdump squeezes every full line equal to the full line printed last
 * into one `*` line per run and ends with the end offset unless it is 0. Offsets
 * count modulo 2^64, as a guint64 does. */
static GString *
reference_format (ShmlensHexFormat  format,
                  guint64           start,
                  const guint8     *data,
                  gsize             length)
{
  GString *out = g_string_new (NULL);
  const guint8 *previous = NULL;
  gboolean squeezing = FALSE;

  for (gsize at = 0; at < length; at += 16)
    {
      gsize n = MIN (length - at, 16);
      const guint8 *line = data + at;
      guint64 offset = start + at;

      if (format == SHMLENS_HEX_FORMAT_HEXDUMP)
        {
          if (n == 16 && previous != NULL && memcmp (previous, line, 16) == 0)
            {
              if (!squeezing)
                g_string_append (out, "*\n");
              squeezing = TRUE;
              continue;
            }
          squeezing = FALSE;
          if (n == 16)
            previous = line;

          /* "00000010  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|" */
          g_string_append_printf (out, "%08" G_GINT64_MODIFIER "x ", offset);
          for (gsize i = 0; i < 16; i++)
            {
              if (i == 8)
                g_string_append_c (out, ' ');
              if (i < n)
                g_string_append_printf (out, " %02x", line[i]);
              else
                g_string_append (out, "   ");
            }
          g_string_append (out, "  |");
          for (gsize i = 0; i < n; i++)
            g_string_append_c (out, line[i] >= 0x20 && line[i] <= 0x7e ? (char) line[i] : '.');
          g_string_append (out, "|\n");
        }
      else
        {
          /* "00000010: 4142 4344 4546 4748 494a 4b4c 4d4e 4f50  ABCDEFGHIJKLMNOP" */
          g_string_append_printf (out, "%08" G_GINT64_MODIFIER "x:", offset);
          for (gsize i = 0; i < 16; i++)
            {
              if (i % 2 == 0)
                g_string_append_c (out, ' ');
              if (i < n)
                g_string_append_printf (out, "%02x", line[i]);
              else
                g_string_append (out, "  ");
            }
          g_string_append (out, "  ");
          for (gsize i = 0; i < n; i++)
            g_string_append_c (out, line[i] >= 0x20 && line[i] <= 0x7e ? (char) line[i] : '.');
          g_string_append_c (out, '\n');
        }
    }

  if (format == SHMLENS_HEX_FORMAT_HEXDUMP && start + length != 0)
    g_string_append_printf (out, "%08" G_GINT64_MODIFIER "x\n", (guint64) (start + length));
  return out;
}

/* A formatter with @kernel, or the best the CPU has short of it (NULL: the best). */
static ShmlensHexFormatter *
new_formatter (ShmlensHexFormat  format,
               guint64           start,
               const char       *kernel)
{
  ShmlensHexFormatter *formatter;

  /* set or unset every time, so that no run depends on the one before */
  if (kernel != NULL)
    g_setenv (KERNEL_ENV, kernel, TRUE);
  else
    g_unsetenv (KERNEL_ENV);
  formatter = shmlens_hex_formatter_new (format, start);
  g_unsetenv (KERNEL_ENV);
  return formatter;
}

/* Fed in chunks whose sizes come from @seed, each into a buffer of exactly the size
 * the formatter promises to stay within, so that AddressSanitizer sees a write past
 * it. */
static GString *
format_in_chunks (ShmlensHexFormat  format,
                  guint64           start,
                  const char       *kernel,
                  const guint8     *data,
                  gsize             length,
                  guint32           seed)
{
  g_autoptr(ShmlensHexFormatter) formatter = new_formatter (format, start, kernel);
  GString *out = g_string_new (NULL);
  gsize done = 0;
  gsize n;

  do
    {
      /* mostly around a line or two, sometimes large, sometimes empty */
      gsize chunk;
      g_autofree char *buffer = NULL;

      seed = seed * 1103515245u + 12345u;
      switch ((seed >> 16) % 4)
        {
        case 0: chunk = (seed >> 8) % 4; break;
        case 1: chunk = (seed >> 8) % 40; break;
        case 2: chunk = 16 * ((seed >> 8) % 4) + (seed >> 20) % 2; break;
        default: chunk = (seed >> 8) % 4096; break;
        }
      chunk = MIN (chunk, length - done);
      buffer = g_malloc (shmlens_hex_formatter_max_output (chunk));
      /* an empty chunk may come without data */
      n = shmlens_hex_formatter_feed (formatter, chunk > 0 ? data + done : NULL, chunk, buffer);
      if (n > shmlens_hex_formatter_max_output (chunk))
        fuzz_fail (TARGET, "a feed of %zu bytes wrote %zu bytes", chunk, n);
      g_string_append_len (out, buffer, n);
      done += chunk;
      if (shmlens_hex_formatter_get_offset (formatter) != start + done)
        fuzz_fail (TARGET, "the offset after %zu bytes is wrong", done);
    }
  while (done < length);

  {
    g_autofree char *buffer = g_malloc (shmlens_hex_formatter_max_output (0));

    n = shmlens_hex_formatter_finish (formatter, buffer);
    if (n > shmlens_hex_formatter_max_output (0))
      fuzz_fail (TARGET, "finish wrote %zu bytes", n);
    g_string_append_len (out, buffer, n);
  }
  return out;
}

/* All at once, through the GString API. */
static GString *
format_at_once (ShmlensHexFormat  format,
                guint64           start,
                const char       *kernel,
                const guint8     *data,
                gsize             length)
{
  g_autoptr(ShmlensHexFormatter) formatter = new_formatter (format, start, kernel);
  GString *out = g_string_new (NULL);

  shmlens_hex_formatter_feed_string (formatter, data, length, out);
  shmlens_hex_formatter_finish_string (formatter, out);
  return out;
}

static void
check_same (GString    *expected,
            GString    *got,
            const char *how,
            const char *kernel)
{
  gsize at = 0;

  if (g_string_equal (expected, got))
    return;
  while (at < expected->len && at < got->len && expected->str[at] == got->str[at])
    at++;
  fuzz_fail (TARGET, "%s with the %s kernel differs from the reference at byte %zu of "
             "%zu:\n--- reference\n%.200s\n--- formatter\n%.200s", how,
             kernel != NULL ? kernel : "best", at, expected->len,
             expected->str + (at > 100 ? at - 100 : 0), got->str + (at > 100 ? at - 100 : 0));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  guint8 header[HEADER_SIZE] = { 0 };
  ShmlensHexFormat format;
  guint64 start = 0;
  guint repeat;
  /* never NULL, even empty */
  g_autoptr(GByteArray) bytes = g_byte_array_sized_new (1);
  g_autoptr(GString) expected = NULL;

  fuzz_setup ();

  memcpy (header, data, MIN (size, sizeof header));
  format = header[0] & 1 ? SHMLENS_HEX_FORMAT_XXD : SHMLENS_HEX_FORMAT_HEXDUMP;
  for (guint i = 0; i < 8; i++)
    start |= (guint64) header[1 + i] << (8 * i);
  /* offsets that change the width of the offset column, or wrap, are where the
   * kernels take other paths */
  switch ((header[0] >> 1) & 3)
    {
    case 0: start &= 0xffff; break;
    case 1: start = G_MAXUINT32 - (start & 0x3ff); break;
    case 2: start = G_MAXUINT64 - (start & 0x3ff); break;
    default: break;
    }
  /* repeated data squeezes */
  repeat = 1 + ((header[0] >> 3) & 7);
  if (size > HEADER_SIZE)
    for (guint i = 0; i < repeat; i++)
      g_byte_array_append (bytes, data + HEADER_SIZE, size - HEADER_SIZE);

  expected = reference_format (format, start, bytes->data, bytes->len);
  for (gsize k = 0; k < G_N_ELEMENTS (kernels); k++)
    {
      g_autoptr(GString) chunked = format_in_chunks (format, start, kernels[k], bytes->data,
                                                     bytes->len, header[9]);
      g_autoptr(GString) whole = format_at_once (format, start, kernels[k], bytes->data,
                                                 bytes->len);

      check_same (expected, chunked, "fed in chunks", kernels[k]);
      check_same (expected, whole, "fed at once", kernels[k]);
    }
  return 0;
}
