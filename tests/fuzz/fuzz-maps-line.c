/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-maps-line.c: shmlens_proc_parse_maps_line() on any line, and what it accepts written back and read again. */
#include "config.h"

#include <string.h>
#include <sys/sysmacros.h>

#include "shmlens-fuzz.h"
#include "shmlens-proc.h"

#define TARGET "fuzz-maps-line"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* the parser works in place, on a nul-terminated line */
  g_autofree char *line = g_strndup ((const char *) data, size);
  g_autofree char *written = NULL;
  gsize length = strlen (line);
  ShmlensMapsLine parsed, reparsed;

  fuzz_setup ();

  memset (&parsed, 0, sizeof parsed);
  if (!shmlens_proc_parse_maps_line (line, &parsed))
    return 0;

  if (parsed.path < line || parsed.path > line + length)
    fuzz_fail (TARGET, "the path points outside the line");
  if (parsed.path[0] == ' ')
    fuzz_fail (TARGET, "the path starts with a space");
  if (strlen (parsed.perms) > 4)
    fuzz_fail (TARGET, "the permissions are longer than 4 characters");

  /* written as the kernel writes the line, it reads back the same */
  written = g_strdup_printf ("%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x %-4s "
                             "%08" G_GINT64_MODIFIER "x %02x:%02x %" G_GUINT64_FORMAT " %s",
                             parsed.start, parsed.end, parsed.perms, parsed.offset,
                             major (parsed.device), minor (parsed.device), parsed.inode,
                             parsed.path);
  memset (&reparsed, 0, sizeof reparsed);
  if (!shmlens_proc_parse_maps_line (written, &reparsed))
    fuzz_fail (TARGET, "\"%s\", written from a parsed line, does not parse", written);
  if (reparsed.start != parsed.start || reparsed.end != parsed.end ||
      strcmp (reparsed.perms, parsed.perms) != 0 || reparsed.offset != parsed.offset ||
      reparsed.device != parsed.device || reparsed.inode != parsed.inode ||
      strcmp (reparsed.path, parsed.path) != 0)
    fuzz_fail (TARGET, "\"%s\", written from a parsed line, parses to another line", written);

  /* the path as the sources take it: " (deleted)" off, "\012" back to a newline */
  {
    g_autofree char *path = g_strdup (parsed.path);
    gsize path_length = strlen (path);
    gboolean deleted = g_str_has_suffix (path, " (deleted)");

    if (shmlens_proc_strip_deleted (path) != deleted ||
        strlen (path) != (deleted ? path_length - strlen (" (deleted)") : path_length))
      fuzz_fail (TARGET, "\"%s\" loses its \" (deleted)\" wrongly", parsed.path);
    path_length = strlen (path);
    shmlens_proc_unmangle_path (path);
    if (strlen (path) > path_length || strstr (path, "\\012") != NULL)
      fuzz_fail (TARGET, "\"%s\" unmangles wrongly", parsed.path);
  }
  return 0;
}
