/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-ref.c: shmlens_ref_parse() on any text, and every reference it accepts printed and parsed back. */
#include "config.h"

#include <string.h>

#include "shmlens-error.h"
#include "shmlens-fuzz.h"
#include "shmlens-ref.h"

#define TARGET "fuzz-ref"

static gboolean
refs_equal (const ShmlensRef *a,
            const ShmlensRef *b)
{
  return a->kind == b->kind && g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->path, b->path) == 0 && a->shmid == b->shmid && a->key == b->key &&
         a->by_key == b->by_key && a->pid == b->pid && a->fd == b->fd &&
         a->address == b->address;
}

/* What every parsed reference is, whatever its text. */
static void
check_ref (const ShmlensRef *ref,
           const char       *text)
{
  switch (ref->kind)
    {
    case SHMLENS_SEGMENT_KIND_POSIX:
      if (ref->name == NULL || ref->name[0] == '\0' || strchr (ref->name, '/') != NULL ||
          strlen (ref->name) > 255 || ref->path != NULL)
        fuzz_fail (TARGET, "\"%s\" gives an invalid POSIX name", text);
      break;
    case SHMLENS_SEGMENT_KIND_SYSV:
      if (ref->name != NULL || ref->path != NULL || (!ref->by_key && ref->shmid < 0))
        fuzz_fail (TARGET, "\"%s\" gives an invalid System V reference", text);
      break;
    case SHMLENS_SEGMENT_KIND_MEMFD:
    case SHMLENS_SEGMENT_KIND_ANON:
      if (ref->name != NULL || ref->path != NULL || ref->pid <= 0 ||
          (ref->kind == SHMLENS_SEGMENT_KIND_ANON && ref->fd != -1))
        fuzz_fail (TARGET, "\"%s\" gives an invalid process reference", text);
      break;
    case SHMLENS_SEGMENT_KIND_FILE:
      if (ref->path == NULL || ref->path[0] == '\0' || ref->name != NULL)
        fuzz_fail (TARGET, "\"%s\" gives an invalid file reference", text);
      break;
    default:
      fuzz_fail (TARGET, "\"%s\" gives the kind %d", text, (int) ref->kind);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensRef) ref = NULL;
  g_autoptr(ShmlensRef) again = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *printed_again = NULL;

  fuzz_setup ();

  ref = shmlens_ref_parse (text, &error);
  if (ref == NULL)
    {
      if (!g_error_matches (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF))
        fuzz_fail (TARGET, "a refused reference without a SHMLENS_ERROR_INVALID_REF error");
      if (!g_utf8_validate (error->message, -1, NULL))
        fuzz_fail (TARGET, "the error message is not valid UTF-8");
      return 0;
    }
  if (error != NULL)
    fuzz_fail (TARGET, "a parsed reference with an error set");
  check_ref (ref, text);

  /* printed, it is printable text that parses back to the same reference */
  printed = shmlens_ref_to_string (ref);
  if (printed == NULL || !g_utf8_validate (printed, -1, NULL))
    fuzz_fail (TARGET, "the reference parsed from \"%s\" prints as invalid UTF-8", text);
  for (const char *p = printed; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      fuzz_fail (TARGET, "\"%s\" prints with a control character", text);
  again = shmlens_ref_parse (printed, &error);
  if (again == NULL)
    fuzz_fail (TARGET, "\"%s\", printed from \"%s\", does not parse: %s", printed, text,
               error->message);
  if (!refs_equal (ref, again))
    fuzz_fail (TARGET, "\"%s\", printed from \"%s\", parses to another reference", printed, text);
  printed_again = shmlens_ref_to_string (again);
  if (strcmp (printed, printed_again) != 0)
    fuzz_fail (TARGET, "\"%s\" prints as \"%s\" the second time", printed, printed_again);
  return 0;
}
