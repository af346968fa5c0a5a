/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-search.c: finding byte patterns in real segments, and parsing what users type. */
#include "config.h"

#include <string.h>

#include "shmlens-reader.h"
#include "shmlens-search.h"
#include "shmlens-test-util.h"

#define KiB ((guint64) 1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

/* The chunk size of shmlens-search.c: matches across it must still be found. */
#define CHUNK MiB

typedef struct
{
  char *name;
  ShmlensReader *reader;
} Fixture;

static void
fixture_open (Fixture      *fixture,
              const guint8 *data,
              gsize         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = NULL;
  g_autoptr(ShmlensSegment) segment = NULL;

  fixture->name = shmlens_test_posix_create ("search", data, size);
  ref = g_strconcat ("/", fixture->name, NULL);
  segment = shmlens_test_resolve (ref);
  fixture->reader = shmlens_reader_open (segment, &error);
  g_assert_no_error (error);
}

static void
fixture_close (Fixture *fixture)
{
  g_clear_object (&fixture->reader);
  shmlens_test_posix_remove (fixture->name);
  g_clear_pointer (&fixture->name, g_free);
}

/* Bytes in 0x00..0x7f: a pattern with a byte of 0x80 or more never occurs by chance. */
static guint8 *
low_noise (gsize length)
{
  guint8 *bytes = g_malloc (length);
  GRand *rand = g_rand_new_with_seed (1234);

  for (gsize i = 0; i < length; i++)
    bytes[i] = (guint8) (g_rand_int (rand) & 0x7f);
  g_rand_free (rand);
  return bytes;
}

static const guint8 needle[] = { 0xde, 0xad, 0xbe, 0xef, 0x80, 0x81, 0x82 };

static gboolean
find (Fixture      *fixture,
      const guint8 *pattern,
      gsize         length,
      guint64       from,
      gboolean      backwards,
      guint64      *found_at)
{
  g_autoptr(GError) error = NULL;
  gboolean found;

  *found_at = G_MAXUINT64;
  found = shmlens_search_find (fixture->reader, pattern, length, from, backwards, NULL,
                               found_at, &error);
  if (found)
    g_assert_no_error (error);
  else
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  return found;
}

static void
assert_found (Fixture      *fixture,
              const guint8 *pattern,
              gsize         length,
              guint64       from,
              gboolean      backwards,
              guint64       expected)
{
  guint64 at;

  g_assert_true (find (fixture, pattern, length, from, backwards, &at));
  g_assert_cmpuint (at, ==, expected);
}

static void
assert_not_found (Fixture      *fixture,
                  const guint8 *pattern,
                  gsize         length,
                  guint64       from,
                  gboolean      backwards)
{
  guint64 at;

  g_assert_false (find (fixture, pattern, length, from, backwards, &at));
}

static void
test_find_forward_and_backward (void)
{
  gsize size = 64 * KiB;
  g_autofree guint8 *data = low_noise (size);
  const guint64 places[] = { 0, 100, 4093, 30000, size - sizeof needle };
  Fixture f = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    memcpy (data + places[i], needle, sizeof needle);
  fixture_open (&f, data, size);

  /* Forwards: the first match at or after from. */
  assert_found (&f, needle, sizeof needle, 0, FALSE, 0);
  assert_found (&f, needle, sizeof needle, 1, FALSE, 100);
  assert_found (&f, needle, sizeof needle, 100, FALSE, 100);
  assert_found (&f, needle, sizeof needle, 101, FALSE, 4093);
  assert_found (&f, needle, sizeof needle, 4094, FALSE, 30000);
  assert_found (&f, needle, sizeof needle, 30001, FALSE, size - sizeof needle);
  assert_not_found (&f, needle, sizeof needle, size - sizeof needle + 1, FALSE);
  assert_not_found (&f, needle, sizeof needle, size, FALSE);
  assert_not_found (&f, needle, sizeof needle, G_MAXUINT64, FALSE);

  /* Backwards: the last match at or before from; from past the end means the end. */
  assert_found (&f, needle, sizeof needle, G_MAXUINT64, TRUE, size - sizeof needle);
  assert_found (&f, needle, sizeof needle, size - sizeof needle - 1, TRUE, 30000);
  assert_found (&f, needle, sizeof needle, 30000, TRUE, 30000);
  assert_found (&f, needle, sizeof needle, 29999, TRUE, 4093);
  assert_found (&f, needle, sizeof needle, 4092, TRUE, 100);
  assert_found (&f, needle, sizeof needle, 99, TRUE, 0);
  assert_found (&f, needle, sizeof needle, 0, TRUE, 0);

  /* A single byte, and the whole segment as a pattern. */
  assert_found (&f, needle + 4, 1, 0, FALSE, 4);
  assert_found (&f, data, size, 0, FALSE, 0);
  assert_not_found (&f, data, size, 1, FALSE);

  fixture_close (&f);
}

static void
test_find_not_found (void)
{
  gsize size = 3 * MiB + 17;
  g_autofree guint8 *data = low_noise (size);
  const guint8 absent[] = { 0x90 };
  const guint8 longer_than_segment[16] = { 0x01 };
  Fixture f = { 0 };

  fixture_open (&f, data, 8);
  assert_not_found (&f, longer_than_segment, sizeof longer_than_segment, 0, FALSE);
  assert_not_found (&f, longer_than_segment, sizeof longer_than_segment, G_MAXUINT64, TRUE);
  fixture_close (&f);

  fixture_open (&f, data, size);
  assert_not_found (&f, absent, sizeof absent, 0, FALSE);
  assert_not_found (&f, absent, sizeof absent, G_MAXUINT64, TRUE);
  assert_not_found (&f, needle, sizeof needle, 0, FALSE);
  fixture_close (&f);

  fixture_open (&f, NULL, 0);
  assert_not_found (&f, absent, sizeof absent, 0, FALSE);
  assert_not_found (&f, absent, sizeof absent, 0, TRUE);
  fixture_close (&f);
}

/* A match that straddles the boundary between two chunks, at every split of the
 * pattern, is found in both directions. */
static void
test_find_across_chunks (void)
{
  gsize size = 3 * CHUNK;
  g_autofree guint8 *clean = low_noise (size);
  g_autofree guint8 *data = g_malloc (size);

  for (gsize before = 1; before < sizeof needle; before++)
    {
      const guint64 boundaries[] = { CHUNK, 2 * CHUNK };

      for (guint b = 0; b < G_N_ELEMENTS (boundaries); b++)
        {
          guint64 at = boundaries[b] - before;
          Fixture f = { 0 };

          memcpy (data, clean, size);
          memcpy (data + at, needle, sizeof needle);
          fixture_open (&f, data, size);
          assert_found (&f, needle, sizeof needle, 0, FALSE, at);
          assert_found (&f, needle, sizeof needle, G_MAXUINT64, TRUE, at);
          fixture_close (&f);
        }
    }
}

/* Walking every match forwards and then backwards lists them all, in order, wherever
 * the chunks happen to split. */
static void
test_find_every_match (void)
{
  gsize size = 5 * MiB + 333;
  g_autofree guint8 *data = low_noise (size);
  GArray *places = g_array_new (FALSE, FALSE, sizeof (guint64));
  GRand *rand = g_rand_new_with_seed (42);
  guint64 at, from;
  guint n;
  Fixture f = { 0 };

  for (guint64 place = 7; place + sizeof needle <= size;
       place += sizeof needle + g_rand_int_range (rand, 0, 400 * KiB))
    {
      memcpy (data + place, needle, sizeof needle);
      g_array_append_val (places, place);
    }
  g_rand_free (rand);
  g_assert_cmpuint (places->len, >, 10);
  fixture_open (&f, data, size);

  for (n = 0, from = 0; find (&f, needle, sizeof needle, from, FALSE, &at); n++)
    {
      g_assert_cmpuint (n, <, places->len);
      g_assert_cmpuint (at, ==, g_array_index (places, guint64, n));
      from = at + 1;
    }
  g_assert_cmpuint (n, ==, places->len);

  for (n = 0, from = G_MAXUINT64; find (&f, needle, sizeof needle, from, TRUE, &at); n++)
    {
      g_assert_cmpuint (n, <, places->len);
      g_assert_cmpuint (at, ==, g_array_index (places, guint64, places->len - 1 - n));
      if (at == 0)
        break;
      from = at - 1;
    }
  g_assert_cmpuint (n, ==, places->len);

  g_array_unref (places);
  fixture_close (&f);
}

/* Overlapping occurrences: each is a match of its own. */
static void
test_find_overlapping (void)
{
  const guint8 data[] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xbb };
  const guint8 pattern[] = { 0xaa, 0xaa };
  Fixture f = { 0 };

  fixture_open (&f, data, sizeof data);
  assert_found (&f, pattern, sizeof pattern, 0, FALSE, 0);
  assert_found (&f, pattern, sizeof pattern, 1, FALSE, 1);
  assert_found (&f, pattern, sizeof pattern, 2, FALSE, 2);
  assert_not_found (&f, pattern, sizeof pattern, 3, FALSE);
  assert_found (&f, pattern, sizeof pattern, G_MAXUINT64, TRUE, 2);
  assert_found (&f, pattern, sizeof pattern, 1, TRUE, 1);
  fixture_close (&f);
}

/* A 64 GiB sparse segment with two pages of data: the search skips the holes (it would
 * take minutes to read 64 GiB of zeros), still finds a match that runs from data into
 * a hole, and finds zeros at once. */
static void
test_find_sparse (void)
{
  guint8 page[4096];
  const guint8 into_hole[] = { 0xc0, 0xff, 0xee, 0x00, 0x00 };
  const guint8 zeros[] = { 0x00, 0x00, 0x00, 0x00 };
  guint64 size = 64 * GiB;
  guint64 first_page = 40 * GiB;
  guint64 last_page = size - 4096;
  gint64 start;
  Fixture f = { 0 };

  fixture_open (&f, NULL, size);
  memset (page, 0x11, sizeof page);
  memcpy (page + 1000, needle, sizeof needle);
  /* The page ends with c0 ff ee: the two zeros after it are a hole. */
  memcpy (page + sizeof page - 3, into_hole, 3);
  shmlens_test_posix_write (f.name, first_page, page, sizeof page);
  shmlens_test_posix_write (f.name, last_page, page, sizeof page);

  start = g_get_monotonic_time ();
  assert_found (&f, needle, sizeof needle, 0, FALSE, first_page + 1000);
  assert_found (&f, needle, sizeof needle, first_page + 1001, FALSE, last_page + 1000);
  assert_found (&f, needle, sizeof needle, G_MAXUINT64, TRUE, last_page + 1000);
  assert_found (&f, needle, sizeof needle, last_page, TRUE, first_page + 1000);
  assert_not_found (&f, needle, sizeof needle, first_page + 999, TRUE);
  assert_found (&f, into_hole, sizeof into_hole, 0, FALSE, first_page + 4093);
  assert_found (&f, into_hole, sizeof into_hole, last_page, TRUE, first_page + 4093);
  g_test_message ("searching 64 GiB sparse took %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);

  /* All zeros: holes match, without reading 64 GiB. */
  assert_found (&f, zeros, sizeof zeros, 0, FALSE, 0);
  assert_found (&f, zeros, sizeof zeros, G_MAXUINT64, TRUE, last_page - sizeof zeros);

  fixture_close (&f);
}

static void
test_find_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gsize size = 2 * MiB;
  g_autofree guint8 *data = low_noise (size);
  guint64 at = 0;
  Fixture f = { 0 };

  fixture_open (&f, data, size);
  g_cancellable_cancel (cancellable);
  g_assert_false (shmlens_search_find (f.reader, needle, sizeof needle, 0, FALSE,
                                       cancellable, &at, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  fixture_close (&f);
}

static void
assert_parses (const char   *text,
               const guint8 *expected,
               gsize         expected_length)
{
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree guint8 *bytes = shmlens_search_parse_hex (text, &length, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  g_assert_cmpmem (bytes, length, expected, expected_length);
}

static void
assert_parse_fails (const char *text,
                    const char *reason)
{
  g_autoptr(GError) error = NULL;
  gsize length = 12345;
  g_autofree guint8 *bytes = shmlens_search_parse_hex (text, &length, &error);

  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (length, ==, 12345);
  if (strstr (error->message, reason) == NULL)
    g_error ("parsing “%s”: “%s” does not say “%s”", text, error->message, reason);
}

static void
test_parse_hex_forms (void)
{
  const guint8 deadbeef[] = { 0xde, 0xad, 0xbe, 0xef };
  const guint8 small[] = { 0x00, 0x01, 0x0a, 0xff };

  assert_parses ("de ad be ef", deadbeef, 4);
  assert_parses ("deadbeef", deadbeef, 4);
  assert_parses ("DEADBEEF", deadbeef, 4);
  assert_parses ("  de\tad\nbe  ef  ", deadbeef, 4);
  assert_parses ("0xde 0xad 0xbe 0xef", deadbeef, 4);
  assert_parses ("0xdeadbeef", deadbeef, 4);
  assert_parses ("0XDEAD 0xBEEF", deadbeef, 4);
  assert_parses ("\\xde\\xad\\xbe\\xef", deadbeef, 4);
  assert_parses ("de:ad:be:ef", deadbeef, 4);
  assert_parses ("de-ad-be-ef", deadbeef, 4);
  assert_parses ("{ 0xde, 0xad, 0xbe, 0xef }", deadbeef, 4);
  assert_parses ("dead beef", deadbeef, 4);
  assert_parses ("0 1 a ff", small, 4);
  assert_parses ("0x0 0x1 0xa 0xff", small, 4);
}

static void
test_parse_hex_errors (void)
{
  assert_parse_fails ("", "No bytes");
  assert_parse_fails ("  , ", "No bytes");
  assert_parse_fails ("de ag", "“g” in “ag” is not a hex digit");
  assert_parse_fails ("hello", "“h” in “hello”");
  assert_parse_fails ("abc", "“abc” has an odd number of hex digits (3)");
  assert_parse_fails ("0xabc", "odd number");
  assert_parse_fails ("de 0x", "“0x” has no hex digits");
  assert_parse_fails ("12 é", "“é”");
  assert_parse_fails ("12\x01", "\\x01");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shmlens/search/find/forward-and-backward", test_find_forward_and_backward);
  g_test_add_func ("/shmlens/search/find/not-found", test_find_not_found);
  g_test_add_func ("/shmlens/search/find/across-chunks", test_find_across_chunks);
  g_test_add_func ("/shmlens/search/find/every-match", test_find_every_match);
  g_test_add_func ("/shmlens/search/find/overlapping", test_find_overlapping);
  g_test_add_func ("/shmlens/search/find/sparse-64-gib", test_find_sparse);
  g_test_add_func ("/shmlens/search/find/cancelled", test_find_cancelled);
  g_test_add_func ("/shmlens/search/parse-hex/forms", test_parse_hex_forms);
  g_test_add_func ("/shmlens/search/parse-hex/errors", test_parse_hex_errors);

  return g_test_run ();
}
