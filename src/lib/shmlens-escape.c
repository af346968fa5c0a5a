/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-escape.c: untrusted names made safe to print, and back.
 *
 * Segment names are bytes chosen by whoever created the segment. Printed as they
 * are, a newline would forge a line of `list` output, an escape sequence would
 * drive the user's terminal, a bidi override (U+202E) would turn the rest of a
 * `list` row around, and a zero-width character would make two names print alike.
 * The escaped form is valid UTF-8 without control or such invisible format
 * characters, and unescaping it gives back the exact bytes, so a reference printed
 * by one command can be pasted into the next. */
#include "config.h"

#include "shmlens-escape.h"
#include "shmlens-error.h"

#include <string.h>

#include <glib/gi18n-lib.h>

static void
append_byte_escape (GString *out,
                    guchar   byte)
{
  switch (byte)
    {
    case '\n': g_string_append (out, "\\n"); break;
    case '\t': g_string_append (out, "\\t"); break;
    case '\r': g_string_append (out, "\\r"); break;
    case '\\': g_string_append (out, "\\\\"); break;
    default:   g_string_append_printf (out, "\\x%02x", byte); break;
    }
}

/* Invisible characters that change how the text around them shows: the soft
 * hyphen, bidi marks, embeddings, overrides and isolates, zero-width characters
 * and joiners, line and paragraph separators, the byte order mark and the
 * interlinear annotation characters. An explicit list, so that what is escaped
 * does not change with the Unicode version of the GLib at hand. */
static gboolean
is_hidden_format (gunichar ch)
{
  return ch == 0x00ad || ch == 0x061c || ch == 0x180e ||
         (ch >= 0x200b && ch <= 0x200f) || (ch >= 0x2028 && ch <= 0x202e) ||
         (ch >= 0x2060 && ch <= 0x206f) || ch == 0xfeff || (ch >= 0xfff9 && ch <= 0xfffb);
}

/**
 * shmlens_escape:
 * @raw: bytes, not necessarily UTF-8
 * @length: length of @raw, or -1 if it is nul-terminated
 *
 * Escapes backslashes, control characters (C0, DEL and C1), invisible format
 * characters (bidi controls, zero-width characters, U+00AD, U+061C, U+180E,
 * U+2028–U+202E, U+2060–U+206F, U+FEFF, U+FFF9–U+FFFB) and every byte that is not
 * part of valid UTF-8.
 *
 * Returns: (transfer full): a printable UTF-8 string
 */
char *
shmlens_escape (const char *raw,
                gssize      length)
{
  g_return_val_if_fail (raw != NULL || length == 0, NULL);

  gsize len = length < 0 ? strlen (raw) : (gsize) length;
  GString *out = g_string_sized_new (len + 8);
  const char *p = raw;
  const char *end = raw + len;

  while (p < end)
    {
      guchar c = (guchar) *p;

      if (c < 0x80)
        {
          if (c < 0x20 || c == 0x7f || c == '\\')
            append_byte_escape (out, c);
          else
            g_string_append_c (out, (char) c);
          p++;
          continue;
        }

      gunichar ch = g_utf8_get_char_validated (p, end - p);
      if (ch == (gunichar) -1 || ch == (gunichar) -2)
        {
          append_byte_escape (out, c);
          p++;
          continue;
        }

      const char *next = g_utf8_next_char (p);
      if ((ch >= 0x80 && ch < 0xa0) || is_hidden_format (ch))
        {
          /* C1 controls (some terminals act on them), hidden format characters */
          for (const char *q = p; q < next; q++)
            append_byte_escape (out, (guchar) *q);
        }
      else
        g_string_append_len (out, p, next - p);
      p = next;
    }

  return g_string_free (out, FALSE);
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/**
 * shmlens_unescape:
 * @escaped: text as printed by shmlens_escape()
 * @error: return location for an error
 *
 * Returns: (transfer full): the raw bytes (nul-terminated; a `\x00` escape is
 *   refused since no name can contain it), or %NULL with @error set
 */
char *
shmlens_unescape (const char  *escaped,
                  GError     **error)
{
  g_return_val_if_fail (escaped != NULL, NULL);

  GString *out = g_string_sized_new (strlen (escaped));

  for (const char *p = escaped; *p != '\0'; p++)
    {
      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }

      p++;
      switch (*p)
        {
        case 'n': g_string_append_c (out, '\n'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case 'x':
          {
            int hi = hex_value (p[1]);
            int lo = hi < 0 ? -1 : hex_value (p[2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
              {
                g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF,
                             /* Translators: %d is a position in the text typed;
                              * \x is typed as it is */
                             _("Invalid escape at character %d: \\x must be followed by "
                               "two hex digits other than 00"), (int) (p - escaped));
                g_string_free (out, TRUE);
                return NULL;
              }
            g_string_append_c (out, (char) (hi * 16 + lo));
            p += 2;
          }
          break;
        default:
          g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF,
                       /* Translators: %d is a position in the text typed; \\ is typed
                        * as it is */
                       _("Invalid escape at character %d: write \\\\ for a backslash"),
                       (int) (p - escaped));
          g_string_free (out, TRUE);
          return NULL;
        }
    }

  return g_string_free (out, FALSE);
}
