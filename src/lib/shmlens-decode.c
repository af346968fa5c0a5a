/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-decode.c: the bytes at one offset read as every common type, for the data inspector.
 *
 * Every value is decoded from explicit bytes in an explicit byte order, never by
 * casting a pointer, so the result is the same on every host and a segment's end
 * (fewer bytes than a type needs) gives "unavailable" instead of reading past it.
 * Numbers are printed without locale (the decimal point is always '.'), so that they
 * read the same as in a C source file or a debugger. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "shmlens-decode.h"

typedef enum
{
  KIND_SIGNED,
  KIND_UNSIGNED,
  KIND_REAL,
  KIND_TIME,
  KIND_UTF8,
  KIND_BINARY,
} FieldKind;

typedef struct
{
  const char *name;
  guint8 size;
  guint8 kind;
  gboolean big_endian;
} FieldInfo;

static const FieldInfo field_info[SHMLENS_DECODE_N_FIELDS] = {
  [SHMLENS_DECODE_INT8] = { N_("int8"), 1, KIND_SIGNED, FALSE },
  [SHMLENS_DECODE_UINT8] = { N_("uint8"), 1, KIND_UNSIGNED, FALSE },
  [SHMLENS_DECODE_INT16_LE] = { N_("int16 little-endian"), 2, KIND_SIGNED, FALSE },
  [SHMLENS_DECODE_INT16_BE] = { N_("int16 big-endian"), 2, KIND_SIGNED, TRUE },
  [SHMLENS_DECODE_UINT16_LE] = { N_("uint16 little-endian"), 2, KIND_UNSIGNED, FALSE },
  [SHMLENS_DECODE_UINT16_BE] = { N_("uint16 big-endian"), 2, KIND_UNSIGNED, TRUE },
  [SHMLENS_DECODE_INT32_LE] = { N_("int32 little-endian"), 4, KIND_SIGNED, FALSE },
  [SHMLENS_DECODE_INT32_BE] = { N_("int32 big-endian"), 4, KIND_SIGNED, TRUE },
  [SHMLENS_DECODE_UINT32_LE] = { N_("uint32 little-endian"), 4, KIND_UNSIGNED, FALSE },
  [SHMLENS_DECODE_UINT32_BE] = { N_("uint32 big-endian"), 4, KIND_UNSIGNED, TRUE },
  [SHMLENS_DECODE_INT64_LE] = { N_("int64 little-endian"), 8, KIND_SIGNED, FALSE },
  [SHMLENS_DECODE_INT64_BE] = { N_("int64 big-endian"), 8, KIND_SIGNED, TRUE },
  [SHMLENS_DECODE_UINT64_LE] = { N_("uint64 little-endian"), 8, KIND_UNSIGNED, FALSE },
  [SHMLENS_DECODE_UINT64_BE] = { N_("uint64 big-endian"), 8, KIND_UNSIGNED, TRUE },
  [SHMLENS_DECODE_FLOAT_LE] = { N_("float little-endian"), 4, KIND_REAL, FALSE },
  [SHMLENS_DECODE_FLOAT_BE] = { N_("float big-endian"), 4, KIND_REAL, TRUE },
  [SHMLENS_DECODE_DOUBLE_LE] = { N_("double little-endian"), 8, KIND_REAL, FALSE },
  [SHMLENS_DECODE_DOUBLE_BE] = { N_("double big-endian"), 8, KIND_REAL, TRUE },
  /* Translators: time_t is the C type; keep it as it is */
  [SHMLENS_DECODE_TIME64_LE] = { N_("time_t little-endian"), 8, KIND_TIME, FALSE },
  /* Translators: time_t is the C type; keep it as it is */
  [SHMLENS_DECODE_TIME64_BE] = { N_("time_t big-endian"), 8, KIND_TIME, TRUE },
  [SHMLENS_DECODE_UTF8] = { N_("UTF-8 character"), 1, KIND_UTF8, FALSE },
  [SHMLENS_DECODE_BINARY] = { N_("binary"), 1, KIND_BINARY, FALSE },
};

/**
 * shmlens_decode_field_get_name:
 * @field: a field
 *
 * The field's name for people, such as "uint32 little-endian": what the inspector
 * shows and what screen readers announce.
 *
 * Returns: (transfer none): the translated name
 */
const char *
shmlens_decode_field_get_name (ShmlensDecodeField field)
{
  g_return_val_if_fail (field < SHMLENS_DECODE_N_FIELDS, NULL);

  return _(field_info[field].name);
}

/**
 * shmlens_decode_field_get_size:
 * @field: a field
 *
 * The number of bytes the field needs; for %SHMLENS_DECODE_UTF8, the least it needs
 * (a character takes one to four bytes).
 *
 * Returns: a size in bytes, at most %SHMLENS_DECODE_MAX_BYTES
 */
gsize
shmlens_decode_field_get_size (ShmlensDecodeField field)
{
  g_return_val_if_fail (field < SHMLENS_DECODE_N_FIELDS, 0);

  return field_info[field].size;
}

static guint64
read_unsigned (const guint8 *bytes,
               gsize         size,
               gboolean      big_endian)
{
  guint64 value = 0;

  for (gsize i = 0; i < size; i++)
    {
      gsize index = big_endian ? i : size - 1 - i;
      value = (value << 8) | bytes[index];
    }
  return value;
}

static gint64
sign_extend (guint64 value,
             gsize   size)
{
  switch (size)
    {
    case 1: return (gint8) value;
    case 2: return (gint16) value;
    case 4: return (gint32) value;
    case 8: return (gint64) value;
    default: g_assert_not_reached ();
    }
}

/* "%.Ne" and "%.Ng" for every precision a double needs. g_ascii_formatd() takes no
 * '*' precision, and the tables keep the formats literal. */
static const char *const exponent_formats[] = {
  "%.0e", "%.1e", "%.2e", "%.3e", "%.4e", "%.5e", "%.6e", "%.7e", "%.8e",
  "%.9e", "%.10e", "%.11e", "%.12e", "%.13e", "%.14e", "%.15e", "%.16e",
};
static const char *const general_formats[] = {
  "%.1g", "%.2g", "%.3g", "%.4g", "%.5g", "%.6g", "%.7g", "%.8g", "%.9g",
  "%.10g", "%.11g", "%.12g", "%.13g", "%.14g", "%.15g", "%.16g", "%.17g",
};

/* The fewest significant digits that read back as the same value (0.1, not
 * 0.100000001), written without an exponent while the integer part is exact and
 * short enough to read. */
static char *
format_real (double   value,
             gboolean is_float)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  int max_digits = is_float ? 9 : 17;
  int fixed_limit = is_float ? 8 : 16;
  int digits;
  int exponent;

  if (isnan (value))
    return g_strdup (signbit (value) ? "-nan" : "nan");
  if (isinf (value))
    return g_strdup (value < 0 ? "-inf" : "inf");
  if (value == 0)
    return g_strdup (signbit (value) ? "-0" : "0");

  for (digits = 1; digits < max_digits; digits++)
    {
      double parsed;

      g_ascii_formatd (buffer, sizeof buffer, exponent_formats[digits - 1], value);
      parsed = g_ascii_strtod (buffer, NULL);
      if (is_float ? (float) parsed == (float) value : parsed == value)
        break;
    }
  g_ascii_formatd (buffer, sizeof buffer, exponent_formats[digits - 1], value);

  exponent = atoi (strchr (buffer, 'e') + 1);
  if (exponent >= -4 && exponent < fixed_limit)
    g_ascii_formatd (buffer, sizeof buffer, general_formats[MAX (digits, exponent + 1) - 1], value);
  return g_strdup (buffer);
}

/* GDateTime covers years 1 to 9999; keep clear of its edges by checking first. */
#define FIRST_SECOND G_GINT64_CONSTANT (-62135596800)  /* 0001-01-01T00:00:00Z */
#define LAST_SECOND G_GINT64_CONSTANT (253402300799)   /* 9999-12-31T23:59:59Z */

static char *
format_time (gint64 seconds)
{
  g_autoptr(GDateTime) date = NULL;
  int year, month, day;

  if (seconds < FIRST_SECOND || seconds > LAST_SECOND)
    return g_strdup (_("out of range"));
  date = g_date_time_new_from_unix_utc (seconds);
  g_assert (date != NULL);
  g_date_time_get_ymd (date, &year, &month, &day);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day,
                          g_date_time_get_hour (date), g_date_time_get_minute (date),
                          g_date_time_get_second (date));
}

static gboolean
is_continuation (guint8 byte)
{
  return (byte & 0xc0) == 0x80;
}

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF. A sequence cut short by the end of the data is "incomplete" only when
 * the bytes that are there could still begin a valid character. */
static char *
format_utf8 (const guint8 *bytes,
             gsize         n_valid)
{
  guint8 lead = bytes[0];
  gsize length;
  guint8 second_min = 0x80, second_max = 0xbf;
  gunichar c;
  GString *out;

  if (lead < 0x80)
    {
      length = 1;
      c = lead;
    }
  else if (lead >= 0xc2 && lead <= 0xdf)
    {
      length = 2;
      c = lead & 0x1f;
    }
  else if (lead >= 0xe0 && lead <= 0xef)
    {
      length = 3;
      c = lead & 0x0f;
      if (lead == 0xe0)
        second_min = 0xa0;  /* shorter forms are overlong */
      else if (lead == 0xed)
        second_max = 0x9f;  /* U+D800..U+DFFF are surrogates */
    }
  else if (lead >= 0xf0 && lead <= 0xf4)
    {
      length = 4;
      c = lead & 0x07;
      if (lead == 0xf0)
        second_min = 0x90;  /* overlong */
      else if (lead == 0xf4)
        second_max = 0x8f;  /* above U+10FFFF */
    }
  else
    return g_strdup (_("invalid"));

  for (gsize i = 1; i < length; i++)
    {
      if (i >= n_valid)
        return g_strdup (_("incomplete"));
      if (!is_continuation (bytes[i]) ||
          (i == 1 && (bytes[i] < second_min || bytes[i] > second_max)))
        return g_strdup (_("invalid"));
      c = (c << 6) | (bytes[i] & 0x3f);
    }

  out = g_string_new (NULL);
  /* Show the character itself only when it has a visible shape of its own; a
   * combining mark gets a dotted circle to sit on; controls, spaces and format
   * characters are only their code point. */
  if (g_unichar_ismark (c))
    {
      g_string_append_unichar (out, 0x25cc);
      g_string_append_unichar (out, c);
      g_string_append_c (out, ' ');
    }
  else if (g_unichar_isgraph (c) && !g_unichar_iszerowidth (c))
    {
      g_string_append_unichar (out, c);
      g_string_append_c (out, ' ');
    }
  g_string_append_printf (out, "U+%04X", c);
  return g_string_free (out, FALSE);
}

static char *
format_binary (guint8 byte)
{
  char text[10];

  for (int bit = 0; bit < 8; bit++)
    text[bit + bit / 4] = (byte & (0x80 >> bit)) ? '1' : '0';
  text[4] = ' ';
  text[9] = '\0';
  return g_strdup (text);
}

/**
 * shmlens_decode_format:
 * @field: how to read the bytes
 * @bytes: (array length=n_valid): the bytes at the offset
 * @n_valid: how many bytes there are before the end of the segment; more than
 *   %SHMLENS_DECODE_MAX_BYTES is fine
 *
 * Reads the bytes at an offset as @field. Numbers are decimal with '.' as the
 * decimal point ("-1.5", "nan", "-inf"); times are ISO 8601 in UTC
 * ("2038-01-19T03:14:08Z") or "out of range" outside years 1 to 9999; a UTF-8
 * character is the character and its code point ("é U+00E9"), only the code point
 * for characters without a visible shape ("U+000A"), or "invalid" or "incomplete";
 * binary is the first byte in two nibbles ("0100 1101").
 *
 * Returns: (transfer full): the value as text, or %SHMLENS_DECODE_UNAVAILABLE when
 *   @n_valid is smaller than the field needs
 */
char *
shmlens_decode_format (ShmlensDecodeField  field,
                       const guint8       *bytes,
                       gsize               n_valid)
{
  const FieldInfo *info;
  guint64 raw;

  g_return_val_if_fail (field < SHMLENS_DECODE_N_FIELDS, NULL);
  g_return_val_if_fail (bytes != NULL || n_valid == 0, NULL);

  info = &field_info[field];
  if (n_valid < info->size)
    return g_strdup (SHMLENS_DECODE_UNAVAILABLE);

  switch ((FieldKind) info->kind)
    {
    case KIND_SIGNED:
      raw = read_unsigned (bytes, info->size, info->big_endian);
      return g_strdup_printf ("%" G_GINT64_FORMAT, sign_extend (raw, info->size));

    case KIND_UNSIGNED:
      raw = read_unsigned (bytes, info->size, info->big_endian);
      return g_strdup_printf ("%" G_GUINT64_FORMAT, raw);

    case KIND_REAL:
      raw = read_unsigned (bytes, info->size, info->big_endian);
      if (info->size == 4)
        {
          guint32 bits = (guint32) raw;
          float value;

          memcpy (&value, &bits, sizeof value);
          return format_real (value, TRUE);
        }
      else
        {
          double value;

          memcpy (&value, &raw, sizeof value);
          return format_real (value, FALSE);
        }

    case KIND_TIME:
      raw = read_unsigned (bytes, info->size, info->big_endian);
      return format_time ((gint64) raw);

    case KIND_UTF8:
      return format_utf8 (bytes, n_valid);

    case KIND_BINARY:
      return format_binary (bytes[0]);

    default:
      g_assert_not_reached ();
    }
}

/**
 * shmlens_decode_format_offset:
 * @offset: an offset in a segment
 *
 * Returns: (transfer full): the offset in hexadecimal and decimal, "0x1a (26)"
 */
char *
shmlens_decode_format_offset (guint64 offset)
{
  return g_strdup_printf ("0x%" G_GINT64_MODIFIER "x (%" G_GUINT64_FORMAT ")", offset, offset);
}
