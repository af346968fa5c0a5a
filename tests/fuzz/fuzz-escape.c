/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-escape.c: shmlens_escape() against a plain reference escaper, and shmlens_unescape() back. */
#include "config.h"

#include <string.h>

#include "shmlens-error.h"
#include "shmlens-escape.h"
#include "shmlens-fuzz.h"

#define TARGET "fuzz-escape"

/* The code point of the valid UTF-8 sequence at @p (at most @left bytes) and its
 * length in @length, or -1 when no valid sequence starts there: a lead byte followed
 * by enough continuation bytes, neither overlong nor a surrogate nor past U+10FFFF. */
static gint32
decode_utf8 (const guint8 *p,
             gsize         left,
             gsize        *length)
{
  guint32 code;
  gsize n;
  guint32 min;

  if (p[0] < 0x80)
    {
      *length = 1;
      return p[0];
    }
  if (p[0] >= 0xc0 && p[0] <= 0xdf)
    {
      n = 2;
      code = p[0] & 0x1f;
      min = 0x80;
    }
  else if (p[0] >= 0xe0 && p[0] <= 0xef)
    {
      n = 3;
      code = p[0] & 0x0f;
      min = 0x800;
    }
  else if (p[0] >= 0xf0 && p[0] <= 0xf7)
    {
      n = 4;
      code = p[0] & 0x07;
      min = 0x10000;
    }
  else
    return -1;  /* a continuation byte, or no lead byte UTF-8 has */
  if (n > left)
    return -1;
  for (gsize i = 1; i < n; i++)
    {
      if ((p[i] & 0xc0) != 0x80)
        return -1;
      code = (code << 6) | (p[i] & 0x3f);
    }
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
    return -1;
  *length = n;
  return (gint32) code;
}

static void
append_hex_escape (GString *out,
                   guint8   byte)
{
  static const char digits[] = "0123456789abcdef";

  g_string_append (out, "\\x");
  g_string_append_c (out, digits[byte >> 4]);
  g_string_append_c (out, digits[byte & 0xf]);
}

/* The invisible format characters the documentation lists, as a table. */
static const struct
{
  gint32 low, high;
} hidden_format[] = {
  { 0x00ad, 0x00ad }, { 0x061c, 0x061c }, { 0x180e, 0x180e }, { 0x200b, 0x200f },
  { 0x2028, 0x202e }, { 0x2060, 0x206f }, { 0xfeff, 0xfeff }, { 0xfff9, 0xfffb },
};

static gboolean
is_hidden (gint32 code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (hidden_format); i++)
    if (code >= hidden_format[i].low && code <= hidden_format[i].high)
      return TRUE;
  return FALSE;
}

/* The documented rules, one character at a time: backslash, newline, tab and
 * carriage return as \\ \n \t \r; other C0 controls, DEL, the bytes of a C1 control
 * or of a hidden format character, and every byte that is not part of valid UTF-8
 * as \xNN in lowercase; the rest as it is. */
static char *
reference_escape (const guint8 *raw,
                  gsize         length)
{
  GString *out = g_string_new (NULL);
  gsize i = 0;

  while (i < length)
    {
      gsize n;
      gint32 code = decode_utf8 (raw + i, length - i, &n);

      if (code < 0)
        {
          append_hex_escape (out, raw[i]);
          i++;
          continue;
        }
      if (code == '\\')
        g_string_append (out, "\\\\");
      else if (code == '\n')
        g_string_append (out, "\\n");
      else if (code == '\t')
        g_string_append (out, "\\t");
      else if (code == '\r')
        g_string_append (out, "\\r");
      else if (code < 0x20 || (code >= 0x7f && code < 0xa0) || is_hidden (code))
        for (gsize j = 0; j < n; j++)
          append_hex_escape (out, raw[i + j]);
      else
        g_string_append_len (out, (const char *) raw + i, n);
      i += n;
    }
  return g_string_free (out, FALSE);
}

/* Valid UTF-8 without C0 controls, DEL, C1 controls or hidden format characters:
 * safe to print. */
static void
check_printable (const char *escaped)
{
  if (!g_utf8_validate (escaped, -1, NULL))
    fuzz_fail (TARGET, "the escaped text is not valid UTF-8");
  for (const char *p = escaped; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || is_hidden ((gint32) c))
        fuzz_fail (TARGET, "the escaped text holds the control or format character U+%04X",
                   (guint) c);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *escaped = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *back = NULL;
  g_autofree char *text = NULL;
  g_autofree char *escaped_text = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_nul = memchr (data, '\0', size) != NULL;

  fuzz_setup ();

  /* the bytes as they are, with their length */
  escaped = shmlens_escape ((const char *) data, size);
  expected = reference_escape (data, size);
  if (strcmp (escaped, expected) != 0)
    fuzz_fail (TARGET, "shmlens_escape gives \"%s\", the reference \"%s\"", escaped, expected);
  check_printable (escaped);

  /* and back: exactly the bytes, unless one is a nul, which no name holds */
  back = shmlens_unescape (escaped, &error);
  if (has_nul)
    {
      if (back != NULL || !g_error_matches (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF))
        fuzz_fail (TARGET, "\"%s\" (with \\x00) unescapes without an error", escaped);
    }
  else if (back == NULL)
    fuzz_fail (TARGET, "\"%s\" does not unescape: %s", escaped, error->message);
  else if (strlen (back) != size || memcmp (back, data, size) != 0)
    fuzz_fail (TARGET, "\"%s\" unescapes to other bytes", escaped);
  g_clear_error (&error);

  /* the same bytes up to the first nul, as a nul-terminated string */
  text = g_strndup ((const char *) data, size);
  escaped_text = shmlens_escape (text, -1);
  {
    g_autofree char *expected_text = reference_escape ((const guint8 *) text, strlen (text));

    if (strcmp (escaped_text, expected_text) != 0)
      fuzz_fail (TARGET, "shmlens_escape (length -1) gives \"%s\", the reference \"%s\"",
                 escaped_text, expected_text);
  }

  /* the input as typed text: what unescapes escapes to text that unescapes to it */
  {
    g_autofree char *raw = shmlens_unescape (text, &error);

    if (raw == NULL)
      {
        if (!g_error_matches (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF) ||
            !g_utf8_validate (error->message, -1, NULL))
          fuzz_fail (TARGET, "shmlens_unescape fails without a valid error");
      }
    else
      {
        g_autofree char *again = shmlens_escape (raw, -1);
        g_autofree char *raw_again = shmlens_unescape (again, NULL);

        if (raw_again == NULL || strcmp (raw, raw_again) != 0)
          fuzz_fail (TARGET, "\"%s\" does not unescape back to what it was escaped from",
                     again);
      }
  }
  return 0;
}
