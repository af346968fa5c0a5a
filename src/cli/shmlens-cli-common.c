/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-common.c: option parsing, errors and references shared by the commands. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "shmlens-cli.h"
#include "shmlens-cli-json.h"
#include "shmlens-error.h"
#include "shmlens-escape.h"
#include "shmlens-ref.h"
#include "shmlens-size.h"
#include "shmlens-users.h"

gboolean
shmlens_cli_parse_options (GOptionContext   *context,
                           const char       *command,
                           int              *argc,
                           char           ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_strconcat ("shmlens-cli ", command, NULL);

  /* --help prints "Usage: PRGNAME …": make that the whole command line */
  g_set_prgname (program);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      shmlens_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

int
shmlens_cli_usage_error (const char     *command,
                         const char     *format,
                         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "shmlens-cli: %s\n", message);
  /* Translators: %s is a command of shmlens-cli, such as “list” */
  fprintf (stderr, _("Run “shmlens-cli %s --help” for usage."), command);
  fprintf (stderr, "\n");
  return SHMLENS_CLI_EXIT_USAGE;
}

/* Prints @error. A reference that does not parse is a usage error (exit 2); every
 * other failure is an error (exit 1). */
int
shmlens_cli_fail (GError *error)
{
  fprintf (stderr, "shmlens-cli: %s\n", error->message);
  if (g_error_matches (error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF))
    return SHMLENS_CLI_EXIT_USAGE;
  return SHMLENS_CLI_EXIT_ERROR;
}

ShmlensSegment *
shmlens_cli_resolve (const char  *text,
                     gboolean     with_attachments,
                     GError     **error)
{
  g_autoptr(ShmlensRef) ref = shmlens_ref_parse (text, error);

  if (ref == NULL)
    return NULL;
  return shmlens_ref_resolve (ref, with_attachments, error);
}

/* Resolves a reference and opens the segment read-only: what every command that
 * reads bytes starts with. The reader keeps the segment. */
ShmlensReader *
shmlens_cli_open_reader (const char  *text,
                         GError     **error)
{
  g_autoptr(ShmlensSegment) segment = shmlens_cli_resolve (text, FALSE, error);

  if (segment == NULL)
    return NULL;
  return shmlens_reader_open (segment, error);
}

/* Accepts what shmlens_size_parse() does: 4096, 0x1000, 4K, 1MiB. */
gboolean
shmlens_cli_parse_size (const char  *option,
                        const char  *text,
                        guint64     *value,
                        GError     **error)
{
  switch (shmlens_size_parse (text, value))
    {
    case SHMLENS_SIZE_PARSE_OK:
      return TRUE;
    case SHMLENS_SIZE_PARSE_TOO_LARGE:
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* Translators: the first %s is an option such as “--offset”, the
                    * second what was given for it */
                   _("%s: “%s” is too large (more than 64 bits)"), option, text);
      return FALSE;
    case SHMLENS_SIZE_PARSE_INVALID:
    default:
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* Translators: the first %s is an option such as “--offset”, the
                    * second what was given for it */
                   _("%s: “%s” is not a size; write a number such as 4096, 0x1000 or 4K"),
                   option, text);
      return FALSE;
    }
}

gboolean
shmlens_cli_write_all (int          fd,
                       const void  *data,
                       gsize        length,
                       GError     **error)
{
  const char *p = data;

  while (length > 0)
    {
      gssize n = write (fd, p, length);
      if (n < 0)
        {
          int saved_errno = errno;
          if (saved_errno == EINTR)
            continue;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot write the output: %s"), g_strerror (saved_errno));
          return FALSE;
        }
      p += n;
      length -= n;
    }
  return TRUE;
}


/**
 * shmlens_cli_write_piece:
 * @fd: where the output goes
 * @text: a piece of output made so far; emptied
 * @first_error: (inout): %NULL until a write fails, then that write's error
 *
 * Writes @text out and empties it, for output made and printed in pieces. After a
 * failed write the rest of the output is dropped: the first error is the one to
 * report, at the end.
 */
void
shmlens_cli_write_piece (int       fd,
                         GString  *text,
                         GError  **first_error)
{
  if (*first_error == NULL)
    shmlens_cli_write_all (fd, text->str, text->len, first_error);
  g_string_truncate (text, 0);
}

/**
 * shmlens_cli_flush_stdout:
 * @error: where a failed write is reported
 *
 * Writes out what printf() buffered, and tells whether any of stdout's output was
 * lost: a failed printf() sets only stdout's error flag, and keeps no errno.
 *
 * Returns: whether all of stdout's output so far was written
 */
gboolean
shmlens_cli_flush_stdout (GError **error)
{
  int saved_errno;

  if (fflush (stdout) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write the output: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  if (ferror (stdout))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("Some of the output could not be written."));
      return FALSE;
    }
  return TRUE;
}

static void
add_address (ShmlensJsonWriter *json,
             const char        *member,
             guint64            value)
{
  char text[32];
  g_snprintf (text, sizeof text, "0x%" G_GINT64_MODIFIER "x", value);
  shmlens_json_writer_add_string (json, member, text);
}

/* The members every output of a segment shares: `list --json` and `info --json`.
 * Addresses are strings ("0x7f…") because JSON numbers lose precision past 2^53. */
void
shmlens_cli_write_segment_json (ShmlensJsonWriter *json,
                                ShmlensSegment    *segment,
                                gboolean           with_attachments)
{
  g_autofree char *ref = shmlens_segment_dup_ref (segment);
  g_autofree char *name = shmlens_segment_dup_display_name (segment);
  ShmlensSegmentKind kind = shmlens_segment_get_kind (segment);

  shmlens_json_writer_begin_object (json);
  shmlens_json_writer_add_string (json, "ref", ref);
  shmlens_json_writer_add_string (json, "kind", shmlens_segment_kind_to_string (kind));
  shmlens_json_writer_add_string (json, "name", name);
  shmlens_json_writer_add_int (json, "size", (gint64) shmlens_segment_get_size (segment));
  shmlens_json_writer_member (json, "resident");
  if (shmlens_segment_get_resident (segment) >= 0)
    shmlens_json_writer_int (json, shmlens_segment_get_resident (segment));
  else
    shmlens_json_writer_null (json);
  shmlens_json_writer_add_int (json, "uid", shmlens_segment_get_uid (segment));
  shmlens_json_writer_add_int (json, "gid", shmlens_segment_get_gid (segment));
  shmlens_json_writer_add_string (json, "owner", shmlens_user_name (shmlens_segment_get_uid (segment)));
  shmlens_json_writer_member (json, "mode");
  if (shmlens_segment_get_metadata_known (segment))
    shmlens_json_writer_int (json, shmlens_segment_get_mode (segment));
  else
    shmlens_json_writer_null (json);
  shmlens_json_writer_add_int (json, "attached", shmlens_segment_get_n_processes (segment));
  shmlens_json_writer_add_boolean (json, "orphan", shmlens_segment_is_orphan (segment));

  if (kind == SHMLENS_SEGMENT_KIND_SYSV)
    {
      shmlens_json_writer_add_int (json, "id", shmlens_segment_get_shmid (segment));
      shmlens_json_writer_add_int (json, "key", shmlens_segment_get_key (segment));
      shmlens_json_writer_add_int (json, "perms", shmlens_segment_get_sysv_perms (segment));
      shmlens_json_writer_add_boolean (json, "marked_for_removal", shmlens_segment_is_marked_for_removal (segment));
      shmlens_json_writer_add_boolean (json, "locked", shmlens_segment_is_locked (segment));
      shmlens_json_writer_add_int (json, "creator_pid", shmlens_segment_get_creator_pid (segment));
      shmlens_json_writer_add_int (json, "last_pid", shmlens_segment_get_last_pid (segment));
      shmlens_json_writer_add_int (json, "nattch", shmlens_segment_get_nattch (segment));
      shmlens_json_writer_add_int (json, "cuid", shmlens_segment_get_cuid (segment));
      shmlens_json_writer_add_int (json, "cgid", shmlens_segment_get_cgid (segment));
      shmlens_json_writer_add_int (json, "atime", shmlens_segment_get_atime (segment));
      shmlens_json_writer_add_int (json, "dtime", shmlens_segment_get_dtime (segment));
      shmlens_json_writer_add_int (json, "ctime", shmlens_segment_get_ctime (segment));
      shmlens_json_writer_add_int (json, "swap", (gint64) shmlens_segment_get_swap (segment));
    }
  else
    {
      gboolean known = shmlens_segment_get_metadata_known (segment);
      shmlens_json_writer_member (json, "mtime");
      if (known)
        shmlens_json_writer_int (json, shmlens_segment_get_mtime (segment));
      else
        shmlens_json_writer_null (json);
      shmlens_json_writer_member (json, "ctime");
      if (known)
        shmlens_json_writer_int (json, shmlens_segment_get_ctime (segment));
      else
        shmlens_json_writer_null (json);
      shmlens_json_writer_add_int (json, "device", (gint64) shmlens_segment_get_device (segment));
      shmlens_json_writer_add_int (json, "inode", (gint64) shmlens_segment_get_inode (segment));
    }

  if (kind == SHMLENS_SEGMENT_KIND_MEMFD || kind == SHMLENS_SEGMENT_KIND_ANON)
    {
      shmlens_json_writer_add_int (json, "pid", shmlens_segment_get_pid (segment));
      if (shmlens_segment_get_fd (segment) >= 0)
        shmlens_json_writer_add_int (json, "fd", shmlens_segment_get_fd (segment));
      else
        add_address (json, "address", shmlens_segment_get_address (segment));
    }

  if (with_attachments)
    {
      GPtrArray *attachments = shmlens_segment_get_attachments (segment);

      shmlens_json_writer_member (json, "attachments");
      shmlens_json_writer_begin_array (json);
      for (guint i = 0; i < attachments->len; i++)
        {
          const ShmlensAttachment *a = g_ptr_array_index (attachments, i);
          g_autofree char *command = shmlens_escape (a->command, -1);

          shmlens_json_writer_begin_object (json);
          shmlens_json_writer_add_int (json, "pid", a->pid);
          shmlens_json_writer_add_string (json, "command", command);
          shmlens_json_writer_add_int (json, "uid", a->uid);
          shmlens_json_writer_add_string (json, "how", a->how == SHMLENS_ATTACHMENT_MAPS ? "maps" : "holds");
          if (a->how == SHMLENS_ATTACHMENT_MAPS)
            {
              add_address (json, "start", a->start);
              add_address (json, "end", a->end);
              shmlens_json_writer_add_int (json, "offset", (gint64) a->offset);
            }
          else
            shmlens_json_writer_add_int (json, "fd", a->fd);
          shmlens_json_writer_add_string (json, "perms", a->perms);
          shmlens_json_writer_end_object (json);
        }
      shmlens_json_writer_end_array (json);
    }

  shmlens_json_writer_end_object (json);
}

char *
shmlens_cli_format_mode (ShmlensSegment *segment)
{
  if (!shmlens_segment_get_metadata_known (segment))
    return g_strdup ("-");
  return g_strdup_printf ("%04o", shmlens_segment_get_mode (segment));
}

/**
 * shmlens_cli_display_width:
 * @text: UTF-8 text
 *
 * How many terminal columns @text takes: two for a wide character (CJK, as in the
 * Chinese translation), none for a combining or zero-width one, one for the rest.
 *
 * Returns: the width in columns
 */
int
shmlens_cli_display_width (const char *text)
{
  int width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

/* Appends @text padded with spaces to @width characters (not bytes: sizes contain a
 * no-break space), on the left when @right_align. */
void
shmlens_cli_append_padded (GString    *out,
                           const char *text,
                           int         width,
                           gboolean    right_align)
{
  int pad = width - shmlens_cli_display_width (text);

  if (right_align)
    for (int i = 0; i < pad; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, text);
  if (!right_align)
    for (int i = 0; i < pad; i++)
      g_string_append_c (out, ' ');
}

char *
shmlens_cli_format_size (guint64 size)
{
  if (size < 1024)
    /* Translators: a size below 1 KiB in bytes, “B” the unit; larger sizes are
     * GLib's (“4.0 KiB”) */
    return g_strdup_printf (_("%llu B"), (unsigned long long) size);
  return g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
}

/* "4096 bytes", for the messages that say a size among other numbers. */
char *
shmlens_cli_format_bytes (guint64 bytes)
{
  return g_strdup_printf (ngettext ("%llu byte", "%llu bytes", bytes), (unsigned long long) bytes);
}

/* Appends "  NAME      TEXT\n" to a --help description: @name (a word the user types,
 * not translated) padded to @width characters, then @text, translated, whose lines
 * after the first are indented to follow it. */
void
shmlens_cli_append_item (GString    *out,
                         const char *name,
                         int         width,
                         const char *text)
{
  g_string_append (out, "  ");
  shmlens_cli_append_padded (out, name, width, FALSE);
  g_string_append_c (out, ' ');
  for (const char *p = text; *p != '\0'; p++)
    {
      g_string_append_c (out, *p);
      if (*p == '\n')
        for (int i = 0; i < width + 3; i++)
          g_string_append_c (out, ' ');
    }
  g_string_append_c (out, '\n');
}
