/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-escape.c: untrusted names are escaped losslessly and parsed back. */
#include "config.h"

#include <string.h>

#include "shmlens-error.h"
#include "shmlens-escape.h"

static void
check_round_trip (const char *raw,
                  gssize      length,
                  const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = shmlens_escape (raw, length);
  g_autofree char *back = NULL;

  g_assert_cmpstr (escaped, ==, expected);
  g_assert_true (g_utf8_validate (escaped, -1, NULL));
  for (const char *p = escaped; *p; p++)
    g_assert_false (g_ascii_iscntrl (*p));

  back = shmlens_unescape (escaped, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (back, strlen (back), raw, length < 0 ? strlen (raw) : (gsize) length);
}

static void
test_escape_plain (void)
{
  check_round_trip ("PostgreSQL.1804289383", -1, "PostgreSQL.1804289383");
  check_round_trip ("", -1, "");
  check_round_trip ("Grüße-檔案對應", -1, "Grüße-檔案對應");
}

static void
test_escape_controls (void)
{
  check_round_trip ("a\nb", -1, "a\\nb");
  check_round_trip ("\x1b[31mred", -1, "\\x1b[31mred");
  check_round_trip ("tab\there\r", -1, "tab\\there\\r");
  check_round_trip ("back\\slash", -1, "back\\\\slash");
  check_round_trip ("del\x7f", -1, "del\\x7f");
  /* U+0085 (NEL) is a C1 control in UTF-8 */
  check_round_trip ("c1\xc2\x85", -1, "c1\\xc2\\x85");
}

/* Invisible characters that change how text around them shows: a bidi override
 * would turn the rest of a `list` row around, a zero-width space would make two
 * names print alike. Printable non-ASCII around them stays as it is. */
static void
test_escape_hidden_format (void)
{
  check_round_trip ("evil\xe2\x80\xaetxt.exe", -1, "evil\\xe2\\x80\\xaetxt.exe");   /* U+202E */
  check_round_trip ("a\xe2\x80\x8b" "b", -1, "a\\xe2\\x80\\x8bb");                   /* U+200B */
  check_round_trip ("\xe2\x81\xa6x\xe2\x81\xa9", -1, "\\xe2\\x81\\xa6x\\xe2\\x81\\xa9"); /* isolates */
  check_round_trip ("\xef\xbb\xbf" "bom", -1, "\\xef\\xbb\\xbfbom");                 /* U+FEFF */
  check_round_trip ("soft\xc2\xadhyphen", -1, "soft\\xc2\\xadhyphen");               /* U+00AD */
  check_round_trip ("line\xe2\x80\xa8sep", -1, "line\\xe2\\x80\\xa8sep");         /* U+2028 */
  /* neighbours of the list stay: U+2010 (hyphen), U+2030 (per mille), U+1F600 */
  check_round_trip ("\xe2\x80\x90\xe2\x80\xb0\xf0\x9f\x98\x80", -1, "‐‰😀");
}

static void
test_escape_invalid_utf8 (void)
{
  check_round_trip ("\xff\xfe", -1, "\\xff\\xfe");
  check_round_trip ("ok\xe2\x82", -1, "ok\\xe2\\x82");
  check_round_trip ("\xc3\xa9\xc3", -1, "é\\xc3");
}

static void
test_unescape_rejects (void)
{
  const char *bad[] = { "a\\", "\\x0", "\\xzz", "\\x00", "\\q" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *result = shmlens_unescape (bad[i], &error);
      g_assert_null (result);
      g_assert_error (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF);
      g_assert_nonnull (strstr (error->message, "character"));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shmlens/escape/plain-names-unchanged", test_escape_plain);
  g_test_add_func ("/shmlens/escape/control-characters", test_escape_controls);
  g_test_add_func ("/shmlens/escape/hidden-format-characters", test_escape_hidden_format);
  g_test_add_func ("/shmlens/escape/invalid-utf8", test_escape_invalid_utf8);
  g_test_add_func ("/shmlens/escape/unescape-rejects-bad-escapes", test_unescape_rejects);

  return g_test_run ();
}
