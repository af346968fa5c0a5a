/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-decode.c: the data inspector's values, exact, for known bytes in both byte orders. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "shmlens-decode.h"

#define U SHMLENS_DECODE_UNAVAILABLE

static void
assert_decodes (ShmlensDecodeField  field,
                const guint8       *bytes,
                gsize               n_valid,
                const char         *expected)
{
  g_autofree char *text = shmlens_decode_format (field, bytes, n_valid);

  if (g_strcmp0 (text, expected) != 0)
    g_error ("%s of %" G_GSIZE_FORMAT " bytes: got \"%s\", expected \"%s\"",
             shmlens_decode_field_get_name (field), n_valid, text, expected);
}

#define CHECK(field, expected, ...)                                             \
  G_STMT_START {                                                                \
    static const guint8 bytes_[] = { __VA_ARGS__ };                             \
    assert_decodes (field, bytes_, sizeof bytes_, expected);                    \
  } G_STMT_END

static void
test_integers_both_orders (void)
{
  static const guint8 bytes[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

  assert_decodes (SHMLENS_DECODE_INT8, bytes, 8, "1");
  assert_decodes (SHMLENS_DECODE_UINT8, bytes, 8, "1");
  assert_decodes (SHMLENS_DECODE_INT16_LE, bytes, 8, "513");            /* 0x0201 */
  assert_decodes (SHMLENS_DECODE_INT16_BE, bytes, 8, "258");            /* 0x0102 */
  assert_decodes (SHMLENS_DECODE_UINT16_LE, bytes, 8, "513");
  assert_decodes (SHMLENS_DECODE_UINT16_BE, bytes, 8, "258");
  assert_decodes (SHMLENS_DECODE_INT32_LE, bytes, 8, "67305985");       /* 0x04030201 */
  assert_decodes (SHMLENS_DECODE_INT32_BE, bytes, 8, "16909060");       /* 0x01020304 */
  assert_decodes (SHMLENS_DECODE_UINT32_LE, bytes, 8, "67305985");
  assert_decodes (SHMLENS_DECODE_UINT32_BE, bytes, 8, "16909060");
  assert_decodes (SHMLENS_DECODE_INT64_LE, bytes, 8, "578437695752307201");   /* 0x0807060504030201 */
  assert_decodes (SHMLENS_DECODE_INT64_BE, bytes, 8, "72623859790382856");    /* 0x0102030405060708 */
  assert_decodes (SHMLENS_DECODE_UINT64_LE, bytes, 8, "578437695752307201");
  assert_decodes (SHMLENS_DECODE_UINT64_BE, bytes, 8, "72623859790382856");
}

static void
test_integers_negative (void)
{
  static const guint8 all_ones[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  static const guint8 minus_two_le[8] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  static const guint8 minimum_be[8] = { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };

  assert_decodes (SHMLENS_DECODE_INT8, all_ones, 8, "-1");
  assert_decodes (SHMLENS_DECODE_UINT8, all_ones, 8, "255");
  assert_decodes (SHMLENS_DECODE_INT16_LE, all_ones, 8, "-1");
  assert_decodes (SHMLENS_DECODE_UINT16_BE, all_ones, 8, "65535");
  assert_decodes (SHMLENS_DECODE_INT32_BE, all_ones, 8, "-1");
  assert_decodes (SHMLENS_DECODE_UINT32_LE, all_ones, 8, "4294967295");
  assert_decodes (SHMLENS_DECODE_INT64_LE, all_ones, 8, "-1");
  assert_decodes (SHMLENS_DECODE_UINT64_BE, all_ones, 8, "18446744073709551615");

  /* The same bytes, the other way round, are a large negative number. */
  assert_decodes (SHMLENS_DECODE_INT8, minus_two_le, 8, "-2");
  assert_decodes (SHMLENS_DECODE_INT16_LE, minus_two_le, 8, "-2");
  assert_decodes (SHMLENS_DECODE_INT16_BE, minus_two_le, 8, "-257");
  assert_decodes (SHMLENS_DECODE_UINT16_BE, minus_two_le, 8, "65279");
  assert_decodes (SHMLENS_DECODE_INT32_LE, minus_two_le, 8, "-2");
  assert_decodes (SHMLENS_DECODE_INT32_BE, minus_two_le, 8, "-16777217");
  assert_decodes (SHMLENS_DECODE_INT64_LE, minus_two_le, 8, "-2");
  assert_decodes (SHMLENS_DECODE_INT64_BE, minus_two_le, 8, "-72057594037927937");
  assert_decodes (SHMLENS_DECODE_UINT64_LE, minus_two_le, 8, "18446744073709551614");

  /* The most negative value of each width. */
  assert_decodes (SHMLENS_DECODE_INT8, minimum_be, 8, "-128");
  assert_decodes (SHMLENS_DECODE_INT16_BE, minimum_be, 8, "-32768");
  assert_decodes (SHMLENS_DECODE_INT32_BE, minimum_be, 8, "-2147483648");
  assert_decodes (SHMLENS_DECODE_INT64_BE, minimum_be, 8, "-9223372036854775808");
  assert_decodes (SHMLENS_DECODE_UINT64_BE, minimum_be, 8, "9223372036854775808");
  assert_decodes (SHMLENS_DECODE_INT64_LE, minimum_be, 8, "128");
}

static void
test_floats (void)
{
  CHECK (SHMLENS_DECODE_FLOAT_LE, "1.5", 0x00, 0x00, 0xc0, 0x3f);
  CHECK (SHMLENS_DECODE_FLOAT_BE, "1.5", 0x3f, 0xc0, 0x00, 0x00);
  CHECK (SHMLENS_DECODE_FLOAT_LE, "-2.5", 0x00, 0x00, 0x20, 0xc0);
  CHECK (SHMLENS_DECODE_FLOAT_BE, "-2.5", 0xc0, 0x20, 0x00, 0x00);
  /* the shortest text that reads back as the same float, not 0.100000001 */
  CHECK (SHMLENS_DECODE_FLOAT_LE, "0.1", 0xcd, 0xcc, 0xcc, 0x3d);
  CHECK (SHMLENS_DECODE_FLOAT_BE, "123456.7", 0x47, 0xf1, 0x20, 0x5a);
  CHECK (SHMLENS_DECODE_FLOAT_LE, "16777216", 0x00, 0x00, 0x80, 0x4b);
  CHECK (SHMLENS_DECODE_FLOAT_LE, "1e+08", 0x20, 0xbc, 0xbe, 0x4c);
  CHECK (SHMLENS_DECODE_FLOAT_BE, "3.4028235e+38", 0x7f, 0x7f, 0xff, 0xff);
  CHECK (SHMLENS_DECODE_FLOAT_BE, "1e-45", 0x00, 0x00, 0x00, 0x01);
  CHECK (SHMLENS_DECODE_FLOAT_LE, "0.0001", 0x17, 0xb7, 0xd1, 0x38);
  CHECK (SHMLENS_DECODE_FLOAT_LE, "1e-05", 0xac, 0xc5, 0x27, 0x37);
  CHECK (SHMLENS_DECODE_FLOAT_LE, "0", 0x00, 0x00, 0x00, 0x00);
  CHECK (SHMLENS_DECODE_FLOAT_BE, "-0", 0x80, 0x00, 0x00, 0x00);

  CHECK (SHMLENS_DECODE_DOUBLE_LE, "0.1", 0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f);
  CHECK (SHMLENS_DECODE_DOUBLE_BE, "0.1", 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a);
  CHECK (SHMLENS_DECODE_DOUBLE_LE, "3.141592653589793",
         0x18, 0x2d, 0x44, 0x54, 0xfb, 0x21, 0x09, 0x40);
  CHECK (SHMLENS_DECODE_DOUBLE_BE, "-1.5", 0xbf, 0xf8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
  CHECK (SHMLENS_DECODE_DOUBLE_BE, "1000000000000000",
         0x43, 0x0c, 0x6b, 0xf5, 0x26, 0x34, 0x00, 0x00);
  CHECK (SHMLENS_DECODE_DOUBLE_BE, "1e+16", 0x43, 0x41, 0xc3, 0x79, 0x37, 0xe0, 0x80, 0x00);
  CHECK (SHMLENS_DECODE_DOUBLE_BE, "1.7976931348623157e+308",
         0x7f, 0xef, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
  CHECK (SHMLENS_DECODE_DOUBLE_LE, "5e-324", 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
}

static void
test_floats_not_finite (void)
{
  CHECK (SHMLENS_DECODE_FLOAT_LE, "inf", 0x00, 0x00, 0x80, 0x7f);
  CHECK (SHMLENS_DECODE_FLOAT_BE, "-inf", 0xff, 0x80, 0x00, 0x00);
  CHECK (SHMLENS_DECODE_FLOAT_LE, "nan", 0x00, 0x00, 0xc0, 0x7f);
  CHECK (SHMLENS_DECODE_FLOAT_BE, "nan", 0x7f, 0x80, 0x00, 0x01);   /* signalling */
  CHECK (SHMLENS_DECODE_FLOAT_LE, "-nan", 0xff, 0xff, 0xff, 0xff);

  CHECK (SHMLENS_DECODE_DOUBLE_LE, "inf", 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x7f);
  CHECK (SHMLENS_DECODE_DOUBLE_BE, "-inf", 0xff, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
  CHECK (SHMLENS_DECODE_DOUBLE_BE, "nan", 0x7f, 0xf8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
  CHECK (SHMLENS_DECODE_DOUBLE_LE, "-nan", 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0xff);

  /* The same four bytes that are NaN one way are an ordinary number the other way. */
  CHECK (SHMLENS_DECODE_FLOAT_BE, "6.9055e-41", 0x00, 0x00, 0xc0, 0x7f);
}

static void
test_times (void)
{
  CHECK (SHMLENS_DECODE_TIME64_LE, "1970-01-01T00:00:00Z", 0, 0, 0, 0, 0, 0, 0, 0);
  CHECK (SHMLENS_DECODE_TIME64_LE, "1969-12-31T23:59:59Z",
         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
  /* one second past the 32-bit limit */
  CHECK (SHMLENS_DECODE_TIME64_LE, "2038-01-19T03:14:08Z", 0x00, 0x00, 0x00, 0x80, 0, 0, 0, 0);
  CHECK (SHMLENS_DECODE_TIME64_BE, "2038-01-19T03:14:08Z", 0, 0, 0, 0, 0x80, 0x00, 0x00, 0x00);
  /* 1700000000 = 0x6553f100 */
  CHECK (SHMLENS_DECODE_TIME64_BE, "2023-11-14T22:13:20Z", 0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00);
  CHECK (SHMLENS_DECODE_TIME64_LE, "2023-11-14T22:13:20Z", 0x00, 0xf1, 0x53, 0x65, 0, 0, 0, 0);
  /* 2000-02-29, a leap day: 951782400 = 0x38bb0c00 */
  CHECK (SHMLENS_DECODE_TIME64_BE, "2000-02-29T00:00:00Z", 0, 0, 0, 0, 0x38, 0xbb, 0x0c, 0x00);

  /* The edges of years 1 to 9999: 253402300799 = 0x3afff4417f, -62135596800 =
   * 0xfffffff1886e0900. */
  CHECK (SHMLENS_DECODE_TIME64_BE, "9999-12-31T23:59:59Z", 0, 0, 0, 0x3a, 0xff, 0xf4, 0x41, 0x7f);
  CHECK (SHMLENS_DECODE_TIME64_BE, "out of range", 0, 0, 0, 0x3a, 0xff, 0xf4, 0x41, 0x80);
  CHECK (SHMLENS_DECODE_TIME64_BE, "0001-01-01T00:00:00Z",
         0xff, 0xff, 0xff, 0xf1, 0x88, 0x6e, 0x09, 0x00);
  CHECK (SHMLENS_DECODE_TIME64_BE, "out of range",
         0xff, 0xff, 0xff, 0xf1, 0x88, 0x6e, 0x08, 0xff);
  CHECK (SHMLENS_DECODE_TIME64_LE, "out of range",
         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f);
  CHECK (SHMLENS_DECODE_TIME64_LE, "out of range", 0, 0, 0, 0, 0, 0, 0, 0x80);
}

static void
test_utf8 (void)
{
  CHECK (SHMLENS_DECODE_UTF8, "A U+0041", 'A', 'B');
  CHECK (SHMLENS_DECODE_UTF8, "\xc3\xa9 U+00E9", 0xc3, 0xa9);                /* é */
  CHECK (SHMLENS_DECODE_UTF8, "\xe2\x82\xac U+20AC", 0xe2, 0x82, 0xac, 'x'); /* € */
  CHECK (SHMLENS_DECODE_UTF8, "\xf0\x9f\x98\x80 U+1F600", 0xf0, 0x9f, 0x98, 0x80);
  CHECK (SHMLENS_DECODE_UTF8, "\xf4\x8f\xbf\xbd U+10FFFD", 0xf4, 0x8f, 0xbf, 0xbd);
  /* nothing to see: the code point alone */
  CHECK (SHMLENS_DECODE_UTF8, "U+0000", 0x00);
  CHECK (SHMLENS_DECODE_UTF8, "U+000A", '\n');
  CHECK (SHMLENS_DECODE_UTF8, "U+0020", ' ');
  CHECK (SHMLENS_DECODE_UTF8, "U+007F", 0x7f);
  CHECK (SHMLENS_DECODE_UTF8, "U+0085", 0xc2, 0x85);
  CHECK (SHMLENS_DECODE_UTF8, "U+200B", 0xe2, 0x80, 0x8b);                  /* zero width space */
  /* a combining acute accent sits on a dotted circle */
  CHECK (SHMLENS_DECODE_UTF8, "\xe2\x97\x8c\xcc\x81 U+0301", 0xcc, 0x81);
}

static void
test_utf8_invalid (void)
{
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0x80, 0x41);             /* continuation first */
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xbf);
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xc0, 0x80);             /* overlong NUL */
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xc1, 0xbf);
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xe0, 0x80, 0x80);       /* overlong */
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xf0, 0x8f, 0xbf, 0xbf); /* overlong */
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xed, 0xa0, 0x80);       /* surrogate U+D800 */
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xf4, 0x90, 0x80, 0x80); /* U+110000 */
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xf5, 0x80, 0x80, 0x80);
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xff);
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xc3, 0x41);             /* no continuation */
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xe2, 0x82, 0x41);
  /* Cut short by the end of the data, yet invalid already. */
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xe0, 0x9f);
  CHECK (SHMLENS_DECODE_UTF8, "invalid", 0xf0, 0x41);
}

static void
test_utf8_incomplete (void)
{
  CHECK (SHMLENS_DECODE_UTF8, "incomplete", 0xc3);
  CHECK (SHMLENS_DECODE_UTF8, "incomplete", 0xe2, 0x82);
  CHECK (SHMLENS_DECODE_UTF8, "incomplete", 0xe2);
  CHECK (SHMLENS_DECODE_UTF8, "incomplete", 0xf0, 0x9f, 0x98);
  CHECK (SHMLENS_DECODE_UTF8, "incomplete", 0xf4, 0x8f);
}

static void
test_binary (void)
{
  CHECK (SHMLENS_DECODE_BINARY, "0100 1101", 0x4d, 0xff);
  CHECK (SHMLENS_DECODE_BINARY, "0000 0000", 0x00);
  CHECK (SHMLENS_DECODE_BINARY, "1111 1111", 0xff);
  CHECK (SHMLENS_DECODE_BINARY, "1000 0001", 0x81);
}

static void
test_offset (void)
{
  g_autofree char *zero = shmlens_decode_format_offset (0);
  g_autofree char *small = shmlens_decode_format_offset (26);
  g_autofree char *large = shmlens_decode_format_offset (G_GUINT64_CONSTANT (0x100000000));
  g_autofree char *largest = shmlens_decode_format_offset (G_MAXUINT64);

  g_assert_cmpstr (zero, ==, "0x0 (0)");
  g_assert_cmpstr (small, ==, "0x1a (26)");
  g_assert_cmpstr (large, ==, "0x100000000 (4294967296)");
  g_assert_cmpstr (largest, ==, "0xffffffffffffffff (18446744073709551615)");
}

/* At the end of a segment, every field that needs more bytes than remain is
 * unavailable, and every field that fits is decoded as usual. */
static void
test_short_data (void)
{
  static const guint8 bytes[SHMLENS_DECODE_MAX_BYTES] = { 0x41, 0x42, 0x43, 0x44,
                                                          0x45, 0x46, 0x47, 0x48 };

  for (gsize n_valid = 0; n_valid <= SHMLENS_DECODE_MAX_BYTES; n_valid++)
    for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
      {
        g_autofree char *text = shmlens_decode_format (field, n_valid ? bytes : NULL, n_valid);
        gsize size = shmlens_decode_field_get_size (field);

        g_assert_cmpuint (size, >=, 1);
        g_assert_cmpuint (size, <=, SHMLENS_DECODE_MAX_BYTES);
        if (n_valid < size)
          g_assert_cmpstr (text, ==, U);
        else
          {
            g_autofree char *full = shmlens_decode_format (field, bytes, SHMLENS_DECODE_MAX_BYTES);
            g_assert_cmpstr (text, !=, U);
            g_assert_cmpstr (text, ==, full);
          }
      }

  CHECK (SHMLENS_DECODE_UINT16_LE, U, 0x01);
  CHECK (SHMLENS_DECODE_INT32_BE, U, 0x01, 0x02, 0x03);
  CHECK (SHMLENS_DECODE_INT32_BE, "16909060", 0x01, 0x02, 0x03, 0x04);
  CHECK (SHMLENS_DECODE_DOUBLE_LE, U, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0);
  CHECK (SHMLENS_DECODE_TIME64_BE, U, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
  CHECK (SHMLENS_DECODE_UINT8, "1", 0x01);
  assert_decodes (SHMLENS_DECODE_UTF8, NULL, 0, U);
  assert_decodes (SHMLENS_DECODE_BINARY, NULL, 0, U);
}

static void
test_names (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpstr (shmlens_decode_field_get_name (SHMLENS_DECODE_UINT32_LE), ==,
                   "uint32 little-endian");
  g_assert_cmpstr (shmlens_decode_field_get_name (SHMLENS_DECODE_INT64_BE), ==,
                   "int64 big-endian");
  g_assert_cmpstr (shmlens_decode_field_get_name (SHMLENS_DECODE_UTF8), ==, "UTF-8 character");
  for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
    {
      const char *name = shmlens_decode_field_get_name (field);

      g_assert_nonnull (name);
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, (gpointer) name);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shmlens/decode/integers-both-byte-orders", test_integers_both_orders);
  g_test_add_func ("/shmlens/decode/integers-negative-and-extremes", test_integers_negative);
  g_test_add_func ("/shmlens/decode/floats-shortest-exact-text", test_floats);
  g_test_add_func ("/shmlens/decode/floats-nan-and-infinity", test_floats_not_finite);
  g_test_add_func ("/shmlens/decode/time-iso-8601-and-range", test_times);
  g_test_add_func ("/shmlens/decode/utf8-characters", test_utf8);
  g_test_add_func ("/shmlens/decode/utf8-invalid", test_utf8_invalid);
  g_test_add_func ("/shmlens/decode/utf8-incomplete-at-end", test_utf8_incomplete);
  g_test_add_func ("/shmlens/decode/binary-nibbles", test_binary);
  g_test_add_func ("/shmlens/decode/offset-hex-and-decimal", test_offset);
  g_test_add_func ("/shmlens/decode/short-data-unavailable", test_short_data);
  g_test_add_func ("/shmlens/decode/field-names", test_names);

  return g_test_run ();
}
