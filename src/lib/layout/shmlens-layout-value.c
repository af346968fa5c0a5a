/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-layout-value.c: the values of a layout's fields, read from a window of bytes and written as text.
 *
 * Built to be called 100,000 times a second: a layout is flattened once into leaves
 * (paths made once), and formatting a leaf appends to the caller's GString without
 * allocating — except for a string that needs escaping beyond printable ASCII.
 * Values are read byte by byte in an explicit order, never through a cast pointer,
 * and a value the window does not hold entirely reads as unavailable. Numbers,
 * floats and dates read exactly as the data inspector (shmlens-decode.c) shows them;
 * the unit tests hold the two to the same text. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "shmlens-decode.h"
#include "shmlens-escape.h"
#include "shmlens-layout-private.h"

/* ------------------------------------------------------------------------------------
 * Leaves
 * ------------------------------------------------------------------------------------ */

/* How a value of @type is shown. Typedefs carry the hints: time_t is a date, even
 * through a typedef of it. */
ShmlensValueKind
shmlens_value_kind_for (ShmlensType *type,
                        gboolean     is_bitfield)
{
  ShmlensType *resolved;

  if (type->kind == SHMLENS_TYPE_KIND_ALIAS && type->chain_time && !is_bitfield)
    return SHMLENS_VALUE_KIND_TIME;

  resolved = shmlens_type_resolve (type);
  switch (resolved->kind)
    {
    case SHMLENS_TYPE_KIND_INTEGER:
      if (resolved->hint == SHMLENS_TYPE_HINT_PLAIN_CHAR && !is_bitfield)
        return SHMLENS_VALUE_KIND_CHAR;
      return resolved->is_signed ? SHMLENS_VALUE_KIND_SIGNED : SHMLENS_VALUE_KIND_UNSIGNED;
    case SHMLENS_TYPE_KIND_BOOL:
      return SHMLENS_VALUE_KIND_BOOL;
    case SHMLENS_TYPE_KIND_ENUM:
      return SHMLENS_VALUE_KIND_ENUM;
    case SHMLENS_TYPE_KIND_FLOAT:
      return SHMLENS_VALUE_KIND_FLOAT;
    case SHMLENS_TYPE_KIND_POINTER:
      return SHMLENS_VALUE_KIND_POINTER;
    case SHMLENS_TYPE_KIND_ARRAY:
      {
        ShmlensType *element = shmlens_type_resolve (resolved->target);

        if (!resolved->flexible && resolved->count > 0 &&
            element->kind == SHMLENS_TYPE_KIND_INTEGER &&
            element->hint == SHMLENS_TYPE_HINT_PLAIN_CHAR)
          return SHMLENS_VALUE_KIND_STRING;
        return SHMLENS_VALUE_KIND_NONE;
      }
    case SHMLENS_TYPE_KIND_STRUCT:
      return resolved->hint == SHMLENS_TYPE_HINT_TIMESPEC ? SHMLENS_VALUE_KIND_TIMESPEC
                                                          : SHMLENS_VALUE_KIND_NONE;
    default:
      return SHMLENS_VALUE_KIND_NONE;
    }
}

/**
 * shmlens_leaf_init:
 * @leaf: (out caller-allocates): the leaf to fill
 * @type: a type
 * @offset: where a value of @type starts, from the origin the caller counts from
 *
 * Describes the value of @type at @offset, without a path. For a struct, a union or
 * an array that is not a string, the kind is %SHMLENS_VALUE_KIND_NONE.
 */
void
shmlens_leaf_init (ShmlensLeaf *leaf,
                   ShmlensType *type,
                   guint64      offset)
{
  g_return_if_fail (leaf != NULL);
  g_return_if_fail (type != NULL);

  memset (leaf, 0, sizeof *leaf);
  leaf->type = type;
  leaf->offset = offset;
  leaf->size = shmlens_type_get_size (type);
  leaf->kind = shmlens_value_kind_for (type, FALSE);
}

/**
 * shmlens_leaf_init_field:
 * @leaf: (out caller-allocates): the leaf to fill
 * @field: a member of a struct or union
 * @parent_offset: where the struct or union starts
 *
 * Describes a member's value, bit-fields included.
 */
void
shmlens_leaf_init_field (ShmlensLeaf        *leaf,
                         const ShmlensField *field,
                         guint64             parent_offset)
{
  g_return_if_fail (leaf != NULL);
  g_return_if_fail (field != NULL);

  shmlens_leaf_init (leaf, field->type, parent_offset + field->offset);
  if (field->is_bitfield)
    {
      leaf->is_bitfield = TRUE;
      leaf->bit_offset = field->bit_offset;
      leaf->bit_width = field->bit_width;
      leaf->size = (field->bit_offset + field->bit_width + 7) / 8;
      leaf->kind = field->bit_width == 0 ? SHMLENS_VALUE_KIND_NONE
                                         : shmlens_value_kind_for (field->type, TRUE);
    }
}

/* ------------------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------------------ */

/* The leaf's bytes in the window, or NULL when the window does not hold them all. */
static const guint8 *
leaf_bytes (const ShmlensLeaf *leaf,
            const guint8      *window,
            guint64            window_offset,
            gsize              window_length)
{
  if (window == NULL || leaf->offset < window_offset)
    return NULL;
  if (leaf->offset - window_offset > window_length ||
      leaf->size > window_length - (leaf->offset - window_offset))
    return NULL;
  return window + (leaf->offset - window_offset);
}

static guint64
read_unsigned (const guint8 *bytes,
               gsize         size,
               gboolean      big_endian)
{
  guint64 value = 0;

  for (gsize i = 0; i < size; i++)
    value = (value << 8) | bytes[big_endian ? i : size - 1 - i];
  return value;
}

static gint64
sign_extend (guint64 value,
             guint   bits)
{
  if (bits >= 64)
    return (gint64) value;
  if (value & (G_GUINT64_CONSTANT (1) << (bits - 1)))
    value |= ~((G_GUINT64_CONSTANT (1) << bits) - 1);
  return (gint64) value;
}

/* An integer-like value: its bits (not sign-extended) and its width. */
static guint64
read_integer (const ShmlensLeaf  *leaf,
              const guint8       *bytes,
              ShmlensFormatFlags  flags,
              guint              *bits)
{
  if (leaf->is_bitfield)
    {
      /* up to 9 bytes: a 64-bit bit-field that starts inside a byte */
      gsize n = leaf->size;
      guint64 low = read_unsigned (bytes, MIN (n, 8), FALSE);
      guint64 value = low >> leaf->bit_offset;

      if (n == 9 && leaf->bit_offset > 0)
        value |= (guint64) bytes[8] << (64 - leaf->bit_offset);
      *bits = leaf->bit_width;
      if (leaf->bit_width < 64)
        value &= (G_GUINT64_CONSTANT (1) << leaf->bit_width) - 1;
      return value;
    }
  *bits = (guint) leaf->size * 8;
  return read_unsigned (bytes, leaf->size, flags & SHMLENS_FORMAT_BIG_ENDIAN);
}

/* ------------------------------------------------------------------------------------
 * Numbers
 * ------------------------------------------------------------------------------------ */

static void
append_unsigned (GString *out,
                 guint64  value)
{
  char digits[24];
  char *p = digits + sizeof digits;

  do
    {
      *--p = '0' + value % 10;
      value /= 10;
    }
  while (value != 0);
  g_string_append_len (out, p, digits + sizeof digits - p);
}

static void
append_hex (GString *out,
            guint64  value)
{
  static const char hex[] = "0123456789abcdef";
  char digits[24];
  char *p = digits + sizeof digits;

  do
    {
      *--p = hex[value & 0xf];
      value >>= 4;
    }
  while (value != 0);
  *--p = 'x';
  *--p = '0';
  g_string_append_len (out, p, digits + sizeof digits - p);
}

/* In hexadecimal a negative number is its two's complement in its own width. */
static void
append_number (GString            *out,
               guint64             raw,
               guint               bits,
               gboolean            is_signed,
               ShmlensFormatFlags  flags)
{
  if (flags & SHMLENS_FORMAT_HEX)
    append_hex (out, raw);
  else if (is_signed && sign_extend (raw, bits) < 0)
    {
      g_string_append_c (out, '-');
      append_unsigned (out, 0 - (guint64) sign_extend (raw, bits));
    }
  else
    append_unsigned (out, raw);
}

/* "%.Ne" and "%.Ng" for every precision a double needs, as shmlens-decode.c has. */
static const char *const exponent_formats[] = {
  "%.0e", "%.1e", "%.2e", "%.3e", "%.4e", "%.5e", "%.6e", "%.7e", "%.8e",
  "%.9e", "%.10e", "%.11e", "%.12e", "%.13e", "%.14e", "%.15e", "%.16e",
};
static const char *const general_formats[] = {
  "%.1g", "%.2g", "%.3g", "%.4g", "%.5g", "%.6g", "%.7g", "%.8g", "%.9g",
  "%.10g", "%.11g", "%.12g", "%.13g", "%.14g", "%.15g", "%.16g", "%.17g",
};

static gboolean
reads_back (double   value,
            gboolean is_float,
            int      digits)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  double parsed;

  g_ascii_formatd (buffer, sizeof buffer, exponent_formats[digits - 1], value);
  parsed = g_ascii_strtod (buffer, NULL);
  return is_float ? (float) parsed == (float) value : parsed == value;
}

/* The fewest significant digits that read back as the same value, without an
 * exponent while the integer part is exact: the text shmlens_decode_format() gives.
 * Whether a number of digits reads back only grows with the number, so a binary
 * search finds the fewest in four or five tries instead of up to seventeen. */
static void
append_real (GString  *out,
             double    value,
             gboolean  is_float)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  int max_digits = is_float ? 9 : 17;
  int fixed_limit = is_float ? 8 : 16;
  int low = 1, high = max_digits;
  int exponent;

  if (isnan (value))
    {
      g_string_append (out, signbit (value) ? "-nan" : "nan");
      return;
    }
  if (isinf (value))
    {
      g_string_append (out, value < 0 ? "-inf" : "inf");
      return;
    }
  if (value == 0)
    {
      g_string_append (out, signbit (value) ? "-0" : "0");
      return;
    }

  while (low < high)
    {
      int middle = (low + high) / 2;

      if (reads_back (value, is_float, middle))
        high = middle;
      else
        low = middle + 1;
    }
  g_ascii_formatd (buffer, sizeof buffer, exponent_formats[low - 1], value);
  exponent = atoi (strchr (buffer, 'e') + 1);
  if (exponent >= -4 && exponent < fixed_limit)
    g_ascii_formatd (buffer, sizeof buffer, general_formats[MAX (low, exponent + 1) - 1], value);
  g_string_append (out, buffer);
}

/* The x87 80-bit extended format of long double, rounded to a double. */
static double
extended_to_double (const guint8 *bytes)
{
  guint64 mantissa = read_unsigned (bytes, 8, FALSE);
  guint sign_exponent = bytes[8] | (bytes[9] << 8);
  int exponent = sign_exponent & 0x7fff;
  double value;

  if (exponent == 0x7fff)
    value = (mantissa << 1) == 0 ? INFINITY : NAN;
  else if (exponent == 0 && mantissa == 0)
    value = 0;
  else
    value = ldexp ((double) mantissa, (exponent == 0 ? 1 : exponent) - 16383 - 63);
  return (sign_exponent & 0x8000) ? -value : value;
}

static double
read_real (const ShmlensLeaf  *leaf,
           const guint8       *bytes,
           ShmlensFormatFlags  flags)
{
  gboolean big_endian = flags & SHMLENS_FORMAT_BIG_ENDIAN;

  if (leaf->size == 4)
    {
      guint32 bits = (guint32) read_unsigned (bytes, 4, big_endian);
      float value;

      memcpy (&value, &bits, sizeof value);
      return value;
    }
  if (leaf->size == 8)
    {
      guint64 bits = read_unsigned (bytes, 8, big_endian);
      double value;

      memcpy (&value, &bits, sizeof value);
      return value;
    }
  if (big_endian)
    {
      guint8 reversed[16];

      for (int i = 0; i < 16; i++)
        reversed[i] = bytes[15 - i];
      return extended_to_double (reversed);
    }
  return extended_to_double (bytes);
}

/* ------------------------------------------------------------------------------------
 * Dates
 * ------------------------------------------------------------------------------------ */

/* Years 1 to 9999, as the data inspector shows them. */
#define FIRST_SECOND G_GINT64_CONSTANT (-62135596800)  /* 0001-01-01T00:00:00Z */
#define LAST_SECOND G_GINT64_CONSTANT (253402300799)   /* 9999-12-31T23:59:59Z */

/* The civil date of a day counted from 1970-01-01 (Howard Hinnant's algorithm):
 * no GDateTime, no allocation. */
static void
civil_from_days (gint64  days,
                 int    *year,
                 int    *month,
                 int    *day)
{
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;

  *day = (int) (doy - (153 * mp + 2) / 5 + 1);
  *month = (int) (mp < 10 ? mp + 3 : mp - 9);
  *year = (int) (yoe + era * 400 + (*month <= 2));
}

/* "2038-01-19T03:14:08" (no zone), or FALSE outside years 1 to 9999. */
static gboolean
append_date (GString *out,
             gint64   seconds)
{
  char buffer[32];
  gint64 days, rest;
  int year, month, day;

  if (seconds < FIRST_SECOND || seconds > LAST_SECOND)
    return FALSE;
  days = seconds / 86400;
  rest = seconds % 86400;
  if (rest < 0)
    {
      rest += 86400;
      days--;
    }
  civil_from_days (days, &year, &month, &day);
  g_snprintf (buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day,
              (int) (rest / 3600), (int) (rest / 60 % 60), (int) (rest % 60));
  g_string_append (out, buffer);
  return TRUE;
}

/* ------------------------------------------------------------------------------------
 * Strings
 * ------------------------------------------------------------------------------------ */

static gboolean
plain_ascii (const guint8 *text,
             gsize         length)
{
  for (gsize i = 0; i < length; i++)
    if (text[i] < 0x20 || text[i] > 0x7e || text[i] == '\\' || text[i] == '"')
      return FALSE;
  return TRUE;
}

/* Between quotes, escaped as shmlens_escape() does; a quote inside is \x22, which
 * shmlens_unescape() reads back. */
static void
append_string (GString      *out,
               const guint8 *text,
               gsize         length)
{
  g_string_append_c (out, '"');
  if (plain_ascii (text, length))
    g_string_append_len (out, (const char *) text, length);
  else
    {
      gsize start = 0;

      for (gsize i = 0; i <= length; i++)
        {
          if (i < length && text[i] != '"')
            continue;
          if (i > start)
            {
              if (plain_ascii (text + start, i - start))
                g_string_append_len (out, (const char *) text + start, i - start);
              else
                {
                  g_autofree char *escaped = shmlens_escape ((const char *) text + start,
                                                             i - start);
                  g_string_append (out, escaped);
                }
            }
          if (i < length)
            g_string_append (out, "\\x22");
          start = i + 1;
        }
    }
  g_string_append_c (out, '"');
}

/* The text of a char array up to its first NUL; when the window ends before
 * both the NUL and the array, it is unavailable. */
static gboolean
string_extent (const ShmlensLeaf *leaf,
               const guint8      *window,
               guint64            window_offset,
               gsize              window_length,
               const guint8     **text,
               gsize             *length)
{
  gsize available;
  const guint8 *nul;

  if (window == NULL || leaf->offset < window_offset || leaf->offset - window_offset >= window_length)
    return FALSE;
  *text = window + (leaf->offset - window_offset);
  available = MIN (leaf->size, window_length - (leaf->offset - window_offset));
  nul = memchr (*text, '\0', available);
  if (nul != NULL)
    *length = nul - *text;
  else if (available == leaf->size)
    *length = available;
  else
    return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------------------------
 * Formatting
 * ------------------------------------------------------------------------------------ */

static const ShmlensEnumerator *
find_enumerator (ShmlensType *type,
                 guint64      value,
                 gboolean     negative)
{
  guint low = 0, high = type->n_enumerators;

  while (low < high)
    {
      guint middle = (low + high) / 2;
      const ShmlensEnumerator *e = &type->enumerators[type->enumerators_by_value[middle]];
      gboolean less = e->negative != negative ? e->negative
                                              : e->value < value;

      if (less)
        low = middle + 1;
      else
        high = middle;
    }
  if (low < type->n_enumerators)
    {
      const ShmlensEnumerator *e = &type->enumerators[type->enumerators_by_value[low]];

      if (e->negative == negative && e->value == value)
        return e;
    }
  return NULL;
}

/**
 * shmlens_leaf_format:
 * @leaf: a value
 * @window: (array length=window_length) (nullable): bytes of the segment
 * @window_offset: the offset (from the leaf's origin) of @window's first byte
 * @window_length: how many bytes @window holds
 * @flags: how to show numbers and which byte order to read
 * @out: where to append the text
 *
 * Appends the value's text: integers in decimal ("-3") or hexadecimal ("0xfd"), a
 * char with its character ("65 'A'"), "true" or "false", an enum's name ("RUNNING",
 * or the number when it matches none), floats with the fewest digits that read back
 * ("0.1", "1e+20", "nan"), pointers ("0x7ffd5c2a1000"), strings between quotes and
 * escaped ("\"eth0\""), time_t in ISO 8601 UTC ("2024-05-01T12:00:00Z") and struct
 * timespec with nanoseconds ("2024-05-01T12:00:00.250000000Z"); dates outside years
 * 1 to 9999 are "out of range". A value the window does not hold entirely is
 * %SHMLENS_DECODE_UNAVAILABLE. Structs, unions and other arrays append nothing.
 *
 * Allocates nothing but @out's growth (and, for a string with characters that need
 * escaping, that string).
 */
void
shmlens_leaf_format (const ShmlensLeaf  *leaf,
                     const guint8       *window,
                     guint64             window_offset,
                     gsize               window_length,
                     ShmlensFormatFlags  flags,
                     GString            *out)
{
  const guint8 *bytes;
  ShmlensType *resolved;
  guint64 raw;
  guint bits;

  g_return_if_fail (leaf != NULL);
  g_return_if_fail (out != NULL);

  if (leaf->kind == SHMLENS_VALUE_KIND_NONE)
    return;

  if (leaf->kind == SHMLENS_VALUE_KIND_STRING)
    {
      const guint8 *text;
      gsize length;

      if (string_extent (leaf, window, window_offset, window_length, &text, &length))
        append_string (out, text, length);
      else
        g_string_append (out, SHMLENS_DECODE_UNAVAILABLE);
      return;
    }

  bytes = leaf_bytes (leaf, window, window_offset, window_length);
  if (bytes == NULL)
    {
      g_string_append (out, SHMLENS_DECODE_UNAVAILABLE);
      return;
    }
  resolved = shmlens_type_resolve (leaf->type);

  switch (leaf->kind)
    {
    case SHMLENS_VALUE_KIND_SIGNED:
    case SHMLENS_VALUE_KIND_UNSIGNED:
      raw = read_integer (leaf, bytes, flags, &bits);
      append_number (out, raw, bits, leaf->kind == SHMLENS_VALUE_KIND_SIGNED, flags);
      break;

    case SHMLENS_VALUE_KIND_CHAR:
      raw = read_integer (leaf, bytes, flags, &bits);
      append_number (out, raw, bits, TRUE, flags);
      if (raw >= 0x20 && raw < 0x7f && raw != '\'' && raw != '\\')
        {
          char quoted[5] = { ' ', '\'', (char) raw, '\'', '\0' };
          g_string_append (out, quoted);
        }
      break;

    case SHMLENS_VALUE_KIND_BOOL:
      raw = read_integer (leaf, bytes, flags, &bits);
      if (raw <= 1)
        g_string_append (out, raw ? "true" : "false");
      else
        append_number (out, raw, bits, FALSE, flags);
      break;

    case SHMLENS_VALUE_KIND_ENUM:
      {
        const ShmlensEnumerator *e;
        gboolean negative;

        raw = read_integer (leaf, bytes, flags, &bits);
        negative = resolved->is_signed && sign_extend (raw, bits) < 0;
        e = find_enumerator (resolved, negative ? (guint64) sign_extend (raw, bits) : raw, negative);
        if (e != NULL)
          g_string_append (out, e->name);
        else
          append_number (out, raw, bits, resolved->is_signed, flags);
      }
      break;

    case SHMLENS_VALUE_KIND_FLOAT:
      append_real (out, read_real (leaf, bytes, flags), leaf->size == 4);
      break;

    case SHMLENS_VALUE_KIND_POINTER:
      append_hex (out, read_unsigned (bytes, 8, flags & SHMLENS_FORMAT_BIG_ENDIAN));
      break;

    case SHMLENS_VALUE_KIND_TIME:
      if (append_date (out, (gint64) read_unsigned (bytes, 8, flags & SHMLENS_FORMAT_BIG_ENDIAN)))
        g_string_append_c (out, 'Z');
      else
        /* Not translated, as no value's text is: `shmlens-cli show` prints it and its
         * --json gives it as the value */
        g_string_append (out, "out of range");
      break;

    case SHMLENS_VALUE_KIND_TIMESPEC:
      {
        gboolean big_endian = flags & SHMLENS_FORMAT_BIG_ENDIAN;
        gint64 seconds = (gint64) read_unsigned (bytes, 8, big_endian);
        gint64 nanoseconds = (gint64) read_unsigned (bytes + 8, 8, big_endian);

        if (!append_date (out, seconds))
          {
            g_string_append (out, "out of range");
            break;
          }
        if (nanoseconds >= 0 && nanoseconds < 1000000000)
          {
            if (nanoseconds != 0)
              {
                char fraction[16];

                g_snprintf (fraction, sizeof fraction, ".%09d", (int) nanoseconds);
                g_string_append (out, fraction);
              }
            g_string_append_c (out, 'Z');
          }
        else
          {
            g_string_append (out, "Z (invalid tv_nsec ");
            append_number (out, (guint64) nanoseconds, 64, TRUE, SHMLENS_FORMAT_DEFAULT);
            g_string_append_c (out, ')');
          }
      }
      break;

    case SHMLENS_VALUE_KIND_NONE:
    case SHMLENS_VALUE_KIND_STRING:
    default:
      g_assert_not_reached ();
    }
}

/**
 * shmlens_leaf_get_double:
 * @leaf: a value
 * @window: (array length=window_length) (nullable): bytes of the segment
 * @window_offset: the offset of @window's first byte
 * @window_length: how many bytes @window holds
 * @flags: the byte order to read (%SHMLENS_FORMAT_HEX does not matter)
 * @value: (out): the value as a number, for a plot: integers, chars, bools and enums
 *   as their number, floats, time_t in seconds, timespec in seconds with a fraction
 *
 * Returns: %FALSE for pointers, strings and aggregates, and when the window does not
 *   hold the value
 */
gboolean
shmlens_leaf_get_double (const ShmlensLeaf  *leaf,
                         const guint8       *window,
                         guint64             window_offset,
                         gsize               window_length,
                         ShmlensFormatFlags  flags,
                         double             *value)
{
  const guint8 *bytes;
  gboolean big_endian = flags & SHMLENS_FORMAT_BIG_ENDIAN;
  guint64 raw;
  guint bits;

  g_return_val_if_fail (leaf != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (leaf->kind == SHMLENS_VALUE_KIND_NONE || leaf->kind == SHMLENS_VALUE_KIND_STRING ||
      leaf->kind == SHMLENS_VALUE_KIND_POINTER)
    return FALSE;
  bytes = leaf_bytes (leaf, window, window_offset, window_length);
  if (bytes == NULL)
    return FALSE;

  switch (leaf->kind)
    {
    case SHMLENS_VALUE_KIND_FLOAT:
      *value = read_real (leaf, bytes, flags);
      return TRUE;
    case SHMLENS_VALUE_KIND_TIME:
      *value = (double) (gint64) read_unsigned (bytes, 8, big_endian);
      return TRUE;
    case SHMLENS_VALUE_KIND_TIMESPEC:
      *value = (double) (gint64) read_unsigned (bytes, 8, big_endian) +
               (double) (gint64) read_unsigned (bytes + 8, 8, big_endian) / 1e9;
      return TRUE;
    default:
      raw = read_integer (leaf, bytes, flags, &bits);
      if (shmlens_type_is_signed (leaf->type) && leaf->kind != SHMLENS_VALUE_KIND_BOOL)
        *value = (double) sign_extend (raw, bits);
      else
        *value = (double) raw;
      return TRUE;
    }
}

/**
 * shmlens_leaf_differs:
 * @leaf: a value
 * @before: (array length=window_length) (nullable): the window's bytes at one time
 * @after: (array length=window_length) (nullable): the same window later
 * @window_offset: the offset of the windows' first byte
 * @window_length: how many bytes each window holds
 *
 * Whether the value changed between two reads of the same window: a bit-field's
 * neighbours and the bytes after a string's NUL do not count.
 *
 * Returns: %TRUE when the value's text would differ (or it became available or
 *   unavailable)
 */
gboolean
shmlens_leaf_differs (const ShmlensLeaf *leaf,
                      const guint8      *before,
                      const guint8      *after,
                      guint64            window_offset,
                      gsize              window_length)
{
  g_return_val_if_fail (leaf != NULL, FALSE);

  if (leaf->kind == SHMLENS_VALUE_KIND_NONE)
    return FALSE;
  if (leaf->kind == SHMLENS_VALUE_KIND_STRING)
    {
      const guint8 *a, *b;
      gsize length_a, length_b;
      gboolean has_a = string_extent (leaf, before, window_offset, window_length, &a, &length_a);
      gboolean has_b = string_extent (leaf, after, window_offset, window_length, &b, &length_b);

      if (has_a != has_b)
        return TRUE;
      return has_a && (length_a != length_b || memcmp (a, b, length_a) != 0);
    }
  else
    {
      const guint8 *a = leaf_bytes (leaf, before, window_offset, window_length);
      const guint8 *b = leaf_bytes (leaf, after, window_offset, window_length);
      guint bits;

      if ((a == NULL) != (b == NULL))
        return TRUE;
      if (a == NULL)
        return FALSE;
      if (leaf->is_bitfield)
        return read_integer (leaf, a, 0, &bits) != read_integer (leaf, b, 0, &bits);
      return memcmp (a, b, leaf->size) != 0;
    }
}

/* ------------------------------------------------------------------------------------
 * Flattened layouts
 * ------------------------------------------------------------------------------------ */

struct _ShmlensFlatLayout
{
  ShmlensLayout *layout;
  GArray *leaves;          /* ShmlensLeaf */
  GStringChunk *paths;
  guint64 end;
};

static guint64
saturating_multiply (guint64 a,
                     guint64 b)
{
  if (a != 0 && b > G_MAXUINT64 / a)
    return G_MAXUINT64;
  return a * b;
}

static guint64
saturating_add (guint64 a,
                guint64 b)
{
  return a > G_MAXUINT64 - b ? G_MAXUINT64 : a + b;
}

static gboolean
is_value_member (const ShmlensField *field)
{
  /* unnamed and zero-width bit-fields are padding */
  return !(field->is_bitfield && (field->name == NULL || field->bit_width == 0));
}

/* The leaves of a value of @type. Counted once per type (@counted remembers): a
 * struct of two members of a struct of two members… has exponentially many paths
 * through it, but no more types than the header declares. */
static guint64
count_leaves (ShmlensType *type,
              GHashTable  *counted)
{
  ShmlensType *resolved;
  guint64 *known;
  guint64 count = 0;

  if (shmlens_value_kind_for (type, FALSE) != SHMLENS_VALUE_KIND_NONE)
    return 1;
  known = g_hash_table_lookup (counted, type);
  if (known != NULL)
    return *known;

  resolved = shmlens_type_resolve (type);
  switch (resolved->kind)
    {
    case SHMLENS_TYPE_KIND_STRUCT:
    case SHMLENS_TYPE_KIND_UNION:
      for (guint i = 0; i < resolved->n_fields; i++)
        if (is_value_member (&resolved->fields[i]))
          count = saturating_add (count, resolved->fields[i].is_bitfield
                                         ? 1 : count_leaves (resolved->fields[i].type, counted));
      break;
    case SHMLENS_TYPE_KIND_ARRAY:
      count = saturating_multiply (resolved->count, count_leaves (resolved->target, counted));
      break;
    default:
      break;
    }
  known = g_new (guint64, 1);
  *known = count;
  g_hash_table_insert (counted, type, known);
  return count;
}

static void
add_leaf (ShmlensFlatLayout *flat,
          ShmlensLeaf       *leaf,
          GString           *path)
{
  leaf->path = g_string_chunk_insert_len (flat->paths, path->str, path->len);
  g_array_append_val (flat->leaves, *leaf);
}

/* Recurses as deep as structs, unions and arrays nest: the parser keeps that to
 * SHMLENS_LAYOUT_MAX_TYPE_DEPTH. What holds no leaf (an empty struct, a thousand
 * of them) is not walked. */
static void
flatten (ShmlensFlatLayout *flat,
         ShmlensType       *type,
         guint64            offset,
         GString           *path,
         GHashTable        *counted)
{
  ShmlensType *resolved;
  ShmlensLeaf leaf;
  gsize length = path->len;

  shmlens_leaf_init (&leaf, type, offset);
  if (leaf.kind != SHMLENS_VALUE_KIND_NONE)
    {
      add_leaf (flat, &leaf, path);
      return;
    }

  resolved = shmlens_type_resolve (type);
  if (resolved->kind == SHMLENS_TYPE_KIND_STRUCT || resolved->kind == SHMLENS_TYPE_KIND_UNION)
    {
      for (guint i = 0; i < resolved->n_fields; i++)
        {
          const ShmlensField *field = &resolved->fields[i];

          if (!is_value_member (field) ||
              (!field->is_bitfield && count_leaves (field->type, counted) == 0))
            continue;
          if (field->name != NULL)
            {
              if (path->len > 0)
                g_string_append_c (path, '.');
              g_string_append (path, field->name);
            }
          if (field->is_bitfield)
            {
              shmlens_leaf_init_field (&leaf, field, offset);
              add_leaf (flat, &leaf, path);
            }
          else
            flatten (flat, field->type, offset + field->offset, path, counted);
          g_string_truncate (path, length);
        }
    }
  else if (resolved->kind == SHMLENS_TYPE_KIND_ARRAY)
    {
      guint64 element_size = shmlens_type_get_size (resolved->target);

      if (count_leaves (resolved->target, counted) == 0)
        return;
      for (guint64 i = 0; i < resolved->count; i++)
        {
          g_string_append_printf (path, "[%" G_GUINT64_FORMAT "]", i);
          flatten (flat, resolved->target, offset + i * element_size, path, counted);
          g_string_truncate (path, length);
        }
    }
}

/**
 * shmlens_flat_layout_new:
 * @type: a complete type
 * @origin: where the first record starts (a byte offset in the segment)
 * @n_records: how many records of @type follow each other from @origin (at least 1)
 * @max_leaves: the most leaves to make: a larger layout is an error, not a surprise
 * @error: return location for an error
 *
 * Flattens @type into its leaves, in declaration order: every scalar, every string
 * (a char array is one leaf), every struct timespec; arrays element by element;
 * members of anonymous members as the parent's. Paths are "clients[2].heartbeat";
 * with more than one record they start with the record's index, "[1].clients[2].heartbeat".
 * Offsets count from the segment's start.
 *
 * Returns: (transfer full): the flattened layout, or %NULL with @error set
 */
ShmlensFlatLayout *
shmlens_flat_layout_new (ShmlensType  *type,
                         guint64       origin,
                         guint64       n_records,
                         gsize         max_leaves,
                         GError      **error)
{
  ShmlensFlatLayout *flat;
  guint64 size, total;
  g_autoptr(GString) path = NULL;
  g_autoptr(GHashTable) counted = NULL;

  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (n_records >= 1, NULL);

  if (!shmlens_type_is_complete (type))
    {
      g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_INVALID,
                   /* Translators: %s is a C type's name */
                   _("“%s” has no layout: it is incomplete"), shmlens_type_get_name (type));
      return NULL;
    }
  size = shmlens_type_get_size (type);
  if (size != 0 && (n_records > (G_MAXUINT64 - origin) / size))
    {
      g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   /* Translators: the records asked for, their C type and the offset they
                    * start at */
                   g_dngettext (GETTEXT_PACKAGE, "%llu record of “%s” from offset %llu goes past "
                                                 "the largest offset",
                                "%llu records of “%s” from offset %llu go past the largest offset",
                                n_records),
                   (unsigned long long) n_records, shmlens_type_get_name (type),
                   (unsigned long long) origin);
      return NULL;
    }
  counted = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  total = saturating_multiply (count_leaves (type, counted), n_records);
  if (total > max_leaves)
    {
      if (total == G_MAXUINT64)
        g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                     /* Translators: a C type's name, a number of values, the records
                      * (which selects the plural form) and the most values allowed */
                     g_dngettext (GETTEXT_PACKAGE, "“%s” has more than %llu values in %llu "
                                                   "record, more than the %zu allowed",
                                  "“%s” has more than %llu values in %llu records, more than the "
                                  "%zu allowed", n_records),
                     shmlens_type_get_name (type), (unsigned long long) total,
                     (unsigned long long) n_records, max_leaves);
      else
        g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                     /* Translators: a C type's name, its values, the records (which
                      * selects the plural form) and the most values allowed */
                     g_dngettext (GETTEXT_PACKAGE, "“%s” has %llu values in %llu record, more "
                                                   "than the %zu allowed",
                                  "“%s” has %llu values in %llu records, more than the %zu allowed",
                                  n_records),
                     shmlens_type_get_name (type), (unsigned long long) total,
                     (unsigned long long) n_records, max_leaves);
      return NULL;
    }

  flat = g_new0 (ShmlensFlatLayout, 1);
  flat->layout = shmlens_layout_ref (type->layout);
  flat->leaves = g_array_sized_new (FALSE, FALSE, sizeof (ShmlensLeaf), (guint) total);
  flat->paths = g_string_chunk_new (4096);
  flat->end = origin + n_records * size;

  path = g_string_new (NULL);
  for (guint64 record = 0; record < n_records; record++)
    {
      g_string_truncate (path, 0);
      if (n_records > 1)
        g_string_append_printf (path, "[%" G_GUINT64_FORMAT "]", record);
      flatten (flat, type, origin + record * size, path, counted);
    }
  return flat;
}

void
shmlens_flat_layout_free (ShmlensFlatLayout *flat)
{
  if (flat == NULL)
    return;
  g_array_unref (flat->leaves);
  g_string_chunk_free (flat->paths);
  shmlens_layout_unref (flat->layout);
  g_free (flat);
}

/**
 * shmlens_flat_layout_get_leaves:
 * @flat: a flattened layout
 * @n_leaves: (out): the number of leaves
 *
 * Returns: (transfer none) (array length=n_leaves): the leaves, in order
 */
const ShmlensLeaf *
shmlens_flat_layout_get_leaves (ShmlensFlatLayout *flat,
                                gsize             *n_leaves)
{
  g_return_val_if_fail (flat != NULL, NULL);
  g_return_val_if_fail (n_leaves != NULL, NULL);

  *n_leaves = flat->leaves->len;
  return (const ShmlensLeaf *) (gpointer) flat->leaves->data;
}

/**
 * shmlens_flat_layout_get_end:
 * @flat: a flattened layout
 *
 * Returns: the offset just past the last record: the window to read is from the
 *   origin to here
 */
guint64
shmlens_flat_layout_get_end (ShmlensFlatLayout *flat)
{
  g_return_val_if_fail (flat != NULL, 0);

  return flat->end;
}
