/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-size.c: the one grammar of sizes and offsets typed by people (4096, 0x1000,
 * 4K, 1 MiB), at its edges and against printf for random values. */
#include "config.h"

#include "shmlens-size.h"

#define SENTINEL G_GUINT64_CONSTANT (0xdeadbeefcafe)

typedef struct
{
  const char *text;
  ShmlensSizeParse status;
  guint64 value;
} Case;

static const Case cases[] = {
  /* plain numbers; leading zeros are decimal, not octal as strtoull's base 0 reads them */
  { "0", SHMLENS_SIZE_PARSE_OK, 0 },
  { "4096", SHMLENS_SIZE_PARSE_OK, 4096 },
  { "010", SHMLENS_SIZE_PARSE_OK, 10 },
  { "0009", SHMLENS_SIZE_PARSE_OK, 9 },
  { "0x1000", SHMLENS_SIZE_PARSE_OK, 4096 },
  { "0X1f", SHMLENS_SIZE_PARSE_OK, 31 },
  { "0x0", SHMLENS_SIZE_PARSE_OK, 0 },
  /* units: powers of 1024, any case, with an optional i and B, after optional spaces */
  { "4K", SHMLENS_SIZE_PARSE_OK, 4096 },
  { "4k", SHMLENS_SIZE_PARSE_OK, 4096 },
  { "4KiB", SHMLENS_SIZE_PARSE_OK, 4096 },
  { "4kb", SHMLENS_SIZE_PARSE_OK, 4096 },
  { "4KB", SHMLENS_SIZE_PARSE_OK, 4096 },
  { "1 MiB", SHMLENS_SIZE_PARSE_OK, 1 << 20 },
  { "1M", SHMLENS_SIZE_PARSE_OK, 1 << 20 },
  { "2G", SHMLENS_SIZE_PARSE_OK, G_GUINT64_CONSTANT (2) << 30 },
  { "3T", SHMLENS_SIZE_PARSE_OK, G_GUINT64_CONSTANT (3) << 40 },
  { "0x10M", SHMLENS_SIZE_PARSE_OK, 16 << 20 },
  { "512B", SHMLENS_SIZE_PARSE_OK, 512 },
  { "512 b", SHMLENS_SIZE_PARSE_OK, 512 },
  /* B is a hex digit after 0x: 0x1B is 27 bytes */
  { "0x1B", SHMLENS_SIZE_PARSE_OK, 27 },
  { "0x1 B", SHMLENS_SIZE_PARSE_OK, 1 },
  /* spaces around */
  { "  4096\t", SHMLENS_SIZE_PARSE_OK, 4096 },
  { "\n4K ", SHMLENS_SIZE_PARSE_OK, 4096 },
  /* the edges of 64 bits */
  { "18446744073709551615", SHMLENS_SIZE_PARSE_OK, G_MAXUINT64 },
  { "18446744073709551616", SHMLENS_SIZE_PARSE_TOO_LARGE, 0 },
  { "99999999999999999999999999", SHMLENS_SIZE_PARSE_TOO_LARGE, 0 },
  { "0xffffffffffffffff", SHMLENS_SIZE_PARSE_OK, G_MAXUINT64 },
  { "0x10000000000000000", SHMLENS_SIZE_PARSE_TOO_LARGE, 0 },
  { "16777215T", SHMLENS_SIZE_PARSE_OK, G_GUINT64_CONSTANT (16777215) << 40 },
  { "16777216T", SHMLENS_SIZE_PARSE_TOO_LARGE, 0 },
  { "17179869183G", SHMLENS_SIZE_PARSE_OK, G_GUINT64_CONSTANT (17179869183) << 30 },
  { "17179869184G", SHMLENS_SIZE_PARSE_TOO_LARGE, 0 },
  /* a number too large that is not a size either is not a size */
  { "99999999999999999999999999Q", SHMLENS_SIZE_PARSE_INVALID, 0 },
  /* not sizes */
  { "", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "   ", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "0x", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "0xK", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "K", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "-1", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "+1", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "1.5K", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "4KB7", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "4Q", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "12abc", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "0x1z", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "4 K B", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "4BK", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "4iB", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "1e3", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "4 096", SHMLENS_SIZE_PARSE_INVALID, 0 },
  { "４０９６", SHMLENS_SIZE_PARSE_INVALID, 0 },   /* fullwidth digits */
  { "0b101", SHMLENS_SIZE_PARSE_INVALID, 0 },
};

static void
test_cases (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 value = SENTINEL;
      ShmlensSizeParse status = shmlens_size_parse (cases[i].text, &value);

      g_test_message ("“%s”", cases[i].text);
      g_assert_cmpint (status, ==, cases[i].status);
      /* the value is set only for a size */
      g_assert_cmpuint (value, ==, status == SHMLENS_SIZE_PARSE_OK ? cases[i].value : SENTINEL);
    }
}

/* Random values printed by printf in decimal, in hex and with each unit read back. */
static void
test_printf_round_trip (void)
{
  static const struct { const char *unit; guint shift; } units[] = {
    { "", 0 }, { "B", 0 }, { "K", 10 }, { "KiB", 10 }, { " M", 20 }, { "G", 30 }, { "TiB", 40 },
  };

  for (guint i = 0; i < 20000; i++)
    {
      guint bits = (guint) g_test_rand_int_range (1, 65);
      guint64 number = ((guint64) g_test_rand_int () << 32 | (guint32) g_test_rand_int ()) >>
                       (64 - bits);
      g_autofree char *decimal = g_strdup_printf ("%" G_GUINT64_FORMAT, number);
      g_autofree char *hex = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", number);
      guint64 value = SENTINEL;

      g_assert_cmpint (shmlens_size_parse (decimal, &value), ==, SHMLENS_SIZE_PARSE_OK);
      g_assert_cmpuint (value, ==, number);
      g_assert_cmpint (shmlens_size_parse (hex, &value), ==, SHMLENS_SIZE_PARSE_OK);
      g_assert_cmpuint (value, ==, number);

      for (gsize u = 0; u < G_N_ELEMENTS (units); u++)
        {
          g_autofree char *text = g_strconcat (decimal, units[u].unit, NULL);
          gboolean fits = number <= (G_MAXUINT64 >> units[u].shift);

          value = SENTINEL;
          g_assert_cmpint (shmlens_size_parse (text, &value), ==,
                           fits ? SHMLENS_SIZE_PARSE_OK : SHMLENS_SIZE_PARSE_TOO_LARGE);
          g_assert_cmpuint (value, ==, fits ? number << units[u].shift : SENTINEL);
        }
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shmlens/size/cases", test_cases);
  g_test_add_func ("/shmlens/size/printf-round-trip", test_printf_round_trip);
  return g_test_run ();
}
