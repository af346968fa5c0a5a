/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ref.c: segment references parse, print back and refuse nonsense clearly. */
#include "config.h"

#include <string.h>

#include "shmlens-error.h"
#include "shmlens-ref.h"

static ShmlensRef *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  ShmlensRef *ref = shmlens_ref_parse (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ref);
  return ref;
}

static void
test_ref_forms (void)
{
  g_autoptr(ShmlensRef) posix = parse_ok ("/PostgreSQL.1804289383");
  g_autoptr(ShmlensRef) posix2 = parse_ok ("posix:/x");
  g_autoptr(ShmlensRef) posix3 = parse_ok ("/dev/shm/y");
  g_autoptr(ShmlensRef) sysv = parse_ok ("sysv:42");
  g_autoptr(ShmlensRef) key = parse_ok ("sysv-key:0xdeadbeef");
  g_autoptr(ShmlensRef) memfd = parse_ok ("memfd:123:7");
  g_autoptr(ShmlensRef) memfd_map = parse_ok ("memfd:123:0x7f0000001000");
  g_autoptr(ShmlensRef) anon = parse_ok ("anon:99:0x7f0000000000");
  g_autoptr(ShmlensRef) file = parse_ok ("file:/tmp/a b");
  g_autoptr(ShmlensRef) path = parse_ok ("./relative/file");

  g_assert_cmpint (posix->kind, ==, SHMLENS_SEGMENT_KIND_POSIX);
  g_assert_cmpstr (posix->name, ==, "PostgreSQL.1804289383");
  g_assert_cmpstr (posix2->name, ==, "x");
  g_assert_cmpint (posix3->kind, ==, SHMLENS_SEGMENT_KIND_POSIX);
  g_assert_cmpstr (posix3->name, ==, "y");
  g_assert_cmpint (sysv->kind, ==, SHMLENS_SEGMENT_KIND_SYSV);
  g_assert_cmpint (sysv->shmid, ==, 42);
  g_assert_false (sysv->by_key);
  g_assert_true (key->by_key);
  g_assert_cmpuint ((guint32) key->key, ==, 0xdeadbeef);
  g_assert_cmpint (memfd->pid, ==, 123);
  g_assert_cmpint (memfd->fd, ==, 7);
  g_assert_cmpint (memfd_map->fd, ==, -1);
  g_assert_cmpuint (memfd_map->address, ==, 0x7f0000001000);
  g_assert_cmpint (anon->kind, ==, SHMLENS_SEGMENT_KIND_ANON);
  g_assert_cmpuint (anon->address, ==, 0x7f0000000000);
  g_assert_cmpstr (file->path, ==, "/tmp/a b");
  g_assert_cmpint (path->kind, ==, SHMLENS_SEGMENT_KIND_FILE);
  g_assert_cmpstr (path->path, ==, "./relative/file");
}

static void
test_ref_round_trip (void)
{
  const char *texts[] = {
    "/plain", "/a\\nb", "/\\xff\\x1b[0m", "/back\\\\slash", "sysv:0",
    "sysv-key:0x0001e240", "memfd:1:2", "memfd:5:0x1000", "anon:7:0x7f00", "file:/etc/hostname",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(ShmlensRef) ref = parse_ok (texts[i]);
      g_autofree char *printed = shmlens_ref_to_string (ref);
      g_assert_cmpstr (printed, ==, texts[i]);
    }
}

static void
test_ref_escaped_name_is_raw (void)
{
  g_autoptr(ShmlensRef) ref = parse_ok ("/a\\nb\\xff");
  g_assert_cmpmem (ref->name, strlen (ref->name), "a\nb\xff", 4);
}

static void
test_ref_rejects (void)
{
  const struct
  {
    const char *text;
    const char *says;
  } bad[] = {
    { "nonsense", "/NAME" },
    { "sysv:abc", "shmid" },
    { "sysv:-1", "shmid" },
    { "sysv-key:0xfffffffff", "key" },
    { "memfd:12", "memfd:PID:FD" },
    { "memfd:0:3", "process id" },
    { "memfd:x:3", "process id" },
    { "anon:12:4096", "0x" },
    { "anon:12:0xzz", "hexadecimal" },
    { "/", "empty" },
    { "posix:..", "“..”" },
    { "file:", "empty" },
    { "/bad\\q", "escape" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ShmlensRef) ref = shmlens_ref_parse (bad[i].text, &error);
      g_assert_null (ref);
      g_assert_error (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF);
      if (strstr (error->message, bad[i].says) == NULL)
        g_error ("“%s”: message “%s” does not mention “%s”", bad[i].text, error->message,
                 bad[i].says);
    }
}

static void
test_ref_long_name (void)
{
  char name[300];
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensRef) ok = NULL;
  g_autoptr(ShmlensRef) too_long = NULL;

  name[0] = '/';
  memset (name + 1, 'n', 255);
  name[256] = '\0';
  ok = parse_ok (name);
  g_assert_cmpuint (strlen (ok->name), ==, 255);

  memset (name + 1, 'n', 256);
  name[257] = '\0';
  too_long = shmlens_ref_parse (name, &error);
  g_assert_null (too_long);
  g_assert_error (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF);
  g_assert_nonnull (strstr (error->message, "255"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shmlens/ref/every-form", test_ref_forms);
  g_test_add_func ("/shmlens/ref/printed-form-parses-back", test_ref_round_trip);
  g_test_add_func ("/shmlens/ref/escaped-name-becomes-raw-bytes", test_ref_escaped_name_is_raw);
  g_test_add_func ("/shmlens/ref/rejects-with-reason", test_ref_rejects);
  g_test_add_func ("/shmlens/ref/name-length-limit", test_ref_long_name);

  return g_test_run ();
}
