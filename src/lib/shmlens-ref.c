/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-ref.c: segment references, parsed, printed and resolved to segments. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "shmlens-attachments.h"
#include "shmlens-error.h"
#include "shmlens-escape.h"
#include "shmlens-ref.h"
#include "shmlens-sources-private.h"

#define REF_FORMS "/NAME, posix:NAME, sysv:SHMID, sysv-key:0xKEY, memfd:PID:FD, " \
                  "memfd:PID:0xADDRESS, anon:PID:0xADDRESS, file:PATH"

void
shmlens_ref_free (ShmlensRef *ref)
{
  if (ref == NULL)
    return;
  g_free (ref->name);
  g_free (ref->path);
  g_free (ref);
}

static gboolean
parse_number (const char *text,
              guint       base,
              guint64     max,
              guint64    *value)
{
  char *end;

  if (*text == '\0' || *text == '-' || *text == '+' || g_ascii_isspace (*text))
    return FALSE;
  errno = 0;
  *value = g_ascii_strtoull (text, &end, base);
  return errno == 0 && *end == '\0' && end != text && *value <= max;
}

/* @message: a translated message with one %s, the text escaped; whole messages,
 * so that translators see whole sentences. */
static gboolean
invalid (GError    **error,
         const char *text,
         const char *message)
{
  g_autofree char *escaped = shmlens_escape (text, -1);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF, message, escaped);
#pragma GCC diagnostic pop
  return FALSE;
}

/* "PID:FD" or "PID:0xADDRESS" */
static gboolean
parse_process_part (ShmlensRef  *ref,
                    const char  *text,
                    const char  *rest,
                    gboolean     allow_fd,
                    GError     **error)
{
  const char *colon = strchr (rest, ':');
  g_autofree char *pid_text = NULL;
  guint64 number;

  if (colon == NULL)
    /* Translators: in the messages “%s is not a segment reference: …”, %s is the text
     * given; the forms of references (memfd:PID:FD…) are typed as they are */
    return invalid (error, text, allow_fd ? _("“%s” is not a segment reference: write "
                                              "memfd:PID:FD or memfd:PID:0xADDRESS")
                                          : _("“%s” is not a segment reference: write "
                                              "anon:PID:0xADDRESS"));
  pid_text = g_strndup (rest, colon - rest);
  if (!parse_number (pid_text, 10, G_MAXINT, &number) || number == 0)
    return invalid (error, text, _("“%s” is not a segment reference: the process id must be "
                                   "a positive number"));
  ref->pid = (int) number;

  const char *what = colon + 1;
  if (g_str_has_prefix (what, "0x") || g_str_has_prefix (what, "0X"))
    {
      if (!parse_number (what + 2, 16, G_MAXUINT64, &ref->address))
        return invalid (error, text, _("“%s” is not a segment reference: the address must be "
                                       "hexadecimal, such as 0x7f0000000000"));
      ref->fd = -1;
      return TRUE;
    }
  if (!allow_fd)
    return invalid (error, text, _("“%s” is not a segment reference: the address must start "
                                   "with 0x"));
  if (!parse_number (what, 10, G_MAXINT, &number))
    return invalid (error, text, _("“%s” is not a segment reference: the descriptor must be a "
                                   "number, or an address starting with 0x"));
  ref->fd = (int) number;
  return TRUE;
}

static gboolean
parse_posix_name (ShmlensRef  *ref,
                  const char  *name,
                  GError     **error)
{
  ref->kind = SHMLENS_SEGMENT_KIND_POSIX;
  ref->name = shmlens_unescape (name, error);
  if (ref->name == NULL)
    return FALSE;
  return shmlens_sources_posix_check_name (ref->name, error);
}

/**
 * shmlens_ref_parse:
 * @text: a reference as typed by a user or printed by Shmlens
 * @error: return location for an error
 *
 * Returns: (transfer full): the parsed reference, or %NULL with @error set
 */
ShmlensRef *
shmlens_ref_parse (const char  *text,
                   GError     **error)
{
  g_autoptr(ShmlensRef) ref = g_new0 (ShmlensRef, 1);
  guint64 number;
  gboolean ok;

  g_return_val_if_fail (text != NULL, NULL);

  ref->shmid = -1;
  ref->pid = -1;
  ref->fd = -1;

  if (g_str_has_prefix (text, "posix:"))
    {
      const char *name = text + strlen ("posix:");
      ok = parse_posix_name (ref, name[0] == '/' ? name + 1 : name, error);
    }
  else if (g_str_has_prefix (text, "sysv:"))
    {
      ref->kind = SHMLENS_SEGMENT_KIND_SYSV;
      ok = parse_number (text + strlen ("sysv:"), 10, G_MAXINT, &number) ||
           invalid (error, text, _("“%s” is not a segment reference: write sysv: followed by "
                                   "the shmid that “ipcs -m” shows"));
      ref->shmid = (int) number;
    }
  else if (g_str_has_prefix (text, "sysv-key:"))
    {
      const char *key = text + strlen ("sysv-key:");
      ref->kind = SHMLENS_SEGMENT_KIND_SYSV;
      ref->by_key = TRUE;
      if (g_str_has_prefix (key, "0x") || g_str_has_prefix (key, "0X"))
        ok = parse_number (key + 2, 16, G_MAXUINT32, &number);
      else
        ok = parse_number (key, 10, G_MAXINT32, &number);
      ok = ok || invalid (error, text, _("“%s” is not a segment reference: write sysv-key: "
                                         "followed by a key such as 0x0001e240"));
      ref->key = (gint32) (guint32) number;
    }
  else if (g_str_has_prefix (text, "memfd:"))
    {
      ref->kind = SHMLENS_SEGMENT_KIND_MEMFD;
      ok = parse_process_part (ref, text, text + strlen ("memfd:"), TRUE, error);
    }
  else if (g_str_has_prefix (text, "anon:"))
    {
      ref->kind = SHMLENS_SEGMENT_KIND_ANON;
      ok = parse_process_part (ref, text, text + strlen ("anon:"), FALSE, error);
    }
  else if (g_str_has_prefix (text, "file:"))
    {
      ref->kind = SHMLENS_SEGMENT_KIND_FILE;
      ref->path = shmlens_unescape (text + strlen ("file:"), error);
      ok = ref->path != NULL &&
           (ref->path[0] != '\0' ||
            invalid (error, text, _("“%s” is not a segment reference: the path is empty")));
    }
  else if (text[0] == '/' && strchr (text + 1, '/') == NULL)
    ok = parse_posix_name (ref, text + 1, error);
  else if (g_str_has_prefix (text, SHMLENS_POSIX_DIR "/") &&
           strchr (text + strlen (SHMLENS_POSIX_DIR "/"), '/') == NULL)
    ok = parse_posix_name (ref, text + strlen (SHMLENS_POSIX_DIR "/"), error);
  else if (strchr (text, '/') != NULL)
    {
      ref->kind = SHMLENS_SEGMENT_KIND_FILE;
      ref->path = shmlens_unescape (text, error);
      ok = ref->path != NULL;
    }
  else
    {
      g_autofree char *escaped = shmlens_escape (text, -1);

      g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF,
                   /* Translators: the text given, and the list of the forms of
                    * references (/NAME, posix:NAME, sysv:SHMID…), which are not
                    * translated */
                   _("“%s” is not a segment reference. A reference is one of: %s"),
                   escaped, REF_FORMS);
      ok = FALSE;
    }

  return ok ? g_steal_pointer (&ref) : NULL;
}

/**
 * shmlens_ref_to_string:
 * @ref: a reference
 *
 * Returns: (transfer full): the reference's text, escaped so that
 *   shmlens_ref_parse() gives it back
 */
char *
shmlens_ref_to_string (const ShmlensRef *ref)
{
  g_autofree char *escaped = NULL;

  switch (ref->kind)
    {
    case SHMLENS_SEGMENT_KIND_POSIX:
      escaped = shmlens_escape (ref->name, -1);
      return g_strconcat ("/", escaped, NULL);
    case SHMLENS_SEGMENT_KIND_SYSV:
      if (ref->by_key)
        return g_strdup_printf ("sysv-key:0x%08x", (guint32) ref->key);
      return g_strdup_printf ("sysv:%d", ref->shmid);
    case SHMLENS_SEGMENT_KIND_MEMFD:
      if (ref->fd >= 0)
        return g_strdup_printf ("memfd:%d:%d", ref->pid, ref->fd);
      return g_strdup_printf ("memfd:%d:0x%" G_GINT64_MODIFIER "x", ref->pid, ref->address);
    case SHMLENS_SEGMENT_KIND_ANON:
      return g_strdup_printf ("anon:%d:0x%" G_GINT64_MODIFIER "x", ref->pid, ref->address);
    case SHMLENS_SEGMENT_KIND_FILE:
      escaped = shmlens_escape (ref->path, -1);
      return g_strconcat ("file:", escaped, NULL);
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * shmlens_ref_resolve:
 * @ref: a reference
 * @with_attachments: whether to find the processes that map or hold the segment
 *   (one pass over /proc)
 * @error: return location for an error
 *
 * Looks the segment up now. Nothing is opened for reading: see shmlens_reader_open().
 *
 * Returns: (transfer full): the segment, or %NULL with @error set
 */
ShmlensSegment *
shmlens_ref_resolve (const ShmlensRef  *ref,
                     gboolean           with_attachments,
                     GError           **error)
{
  g_autoptr(ShmlensSegment) segment = NULL;

  g_return_val_if_fail (ref != NULL, NULL);

  switch (ref->kind)
    {
    case SHMLENS_SEGMENT_KIND_POSIX:
      segment = shmlens_sources_posix_lookup (ref->name, error);
      break;
    case SHMLENS_SEGMENT_KIND_SYSV:
      segment = shmlens_sources_sysv_lookup (ref->shmid, ref->by_key, ref->key, error);
      break;
    case SHMLENS_SEGMENT_KIND_MEMFD:
      if (ref->fd >= 0)
        segment = shmlens_sources_memfd_lookup (ref->pid, ref->fd, error);
      else
        segment = shmlens_sources_mapping_lookup (ref->kind, ref->pid, ref->address, error);
      break;
    case SHMLENS_SEGMENT_KIND_ANON:
      segment = shmlens_sources_mapping_lookup (ref->kind, ref->pid, ref->address, error);
      break;
    case SHMLENS_SEGMENT_KIND_FILE:
      segment = shmlens_sources_file_lookup (ref->path, error);
      break;
    default:
      g_return_val_if_reached (NULL);
    }

  if (segment == NULL)
    return NULL;

  if (with_attachments)
    {
      g_autoptr(ShmlensProcessScan) scan = shmlens_process_scan_new ();

      if (ref->kind == SHMLENS_SEGMENT_KIND_FILE)
        shmlens_process_scan_want_file (scan, shmlens_segment_get_device (segment),
                                        shmlens_segment_get_inode (segment));
      shmlens_process_scan_run (scan, -1);
      shmlens_process_scan_attach (scan, segment);
    }

  return g_steal_pointer (&segment);
}
