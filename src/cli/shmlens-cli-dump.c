/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-dump.c: `shmlens-cli dump`, a segment's bytes like hexdump -C, xxd or raw. */
#include "config.h"

#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "shmlens-cli.h"
#include "shmlens-error.h"
#include "shmlens-hexfmt.h"
#include "shmlens-reader.h"

/* Input read per step. The text of a step is about five times as large; both buffers
 * are allocated once, so memory stays bounded whatever the segment's size. Small
 * enough for both to stay in the CPU's caches between the read and the write: a
 * 64 MiB dump ran a little faster with 128 KiB than with 1 MiB. */
#define CHUNK_SIZE (128 * 1024)

typedef enum
{
  DUMP_HEXDUMP,
  DUMP_XXD,
  DUMP_RAW,
} DumpFormat;

static gboolean
parse_format (const char *text,
              DumpFormat *format)
{
  if (text == NULL || g_str_equal (text, "hexdump"))
    *format = DUMP_HEXDUMP;
  else if (g_str_equal (text, "xxd"))
    *format = DUMP_XXD;
  else if (g_str_equal (text, "raw"))
    *format = DUMP_RAW;
  else
    return FALSE;
  return TRUE;
}

/* Streams [offset, offset + length) — or to the end when !has_length — to stdout. */
static gboolean
dump (ShmlensReader  *reader,
      DumpFormat      format,
      guint64         offset,
      gboolean        has_length,
      guint64         length,
      GError        **error)
{
  g_autoptr(ShmlensHexFormatter) formatter = NULL;
  g_autofree guint8 *buffer = g_malloc (CHUNK_SIZE);
  g_autofree char *text = NULL;
  guint64 size = shmlens_reader_get_size (reader);
  guint64 position = offset;
  guint64 remaining = length;

  /* Both peers print nothing at all for a length of 0. */
  if (has_length && length == 0)
    return TRUE;

  if (format != DUMP_RAW)
    {
      /* hexdump -s past the end of a file counts the offset as the file's size, and so
       * prints the size as the end offset; xxd prints nothing there either way. */
      formatter = shmlens_hex_formatter_new (format == DUMP_XXD ? SHMLENS_HEX_FORMAT_XXD
                                                                : SHMLENS_HEX_FORMAT_HEXDUMP,
                                             MIN (offset, size));
      text = g_malloc (shmlens_hex_formatter_max_output (CHUNK_SIZE));
    }

  /* Up to the size seen at open: a segment that keeps growing does not make the dump
   * endless. Like the peers, an offset at or past the end reads nothing. */
  while (position < size && (!has_length || remaining > 0))
    {
      gsize wanted = MIN (size - position, (guint64) CHUNK_SIZE);
      gssize n;

      if (has_length)
        wanted = MIN (wanted, remaining);
      n = shmlens_reader_read (reader, position, buffer, wanted, error);
      if (n < 0)
        return FALSE;

      if (formatter != NULL)
        {
          gsize text_length = shmlens_hex_formatter_feed (formatter, buffer, n, text);
          if (!shmlens_cli_write_all (STDOUT_FILENO, text, text_length, error))
            return FALSE;
        }
      else if (!shmlens_cli_write_all (STDOUT_FILENO, buffer, n, error))
        return FALSE;

      /* A short count: the segment was truncated meanwhile, and ends here now. */
      if ((gsize) n < wanted)
        break;
      position += n;
      if (has_length)
        remaining -= n;
    }

  if (formatter != NULL)
    {
      gsize text_length = shmlens_hex_formatter_finish (formatter, text);
      if (!shmlens_cli_write_all (STDOUT_FILENO, text, text_length, error))
        return FALSE;
    }
  return TRUE;
}

int
shmlens_cli_dump (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensReader) reader = NULL;
  g_autofree char *format_text = NULL;
  g_autofree char *offset_text = NULL;
  g_autofree char *length_text = NULL;
  DumpFormat format;
  guint64 offset = 0;
  guint64 length = 0;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text,
      /* Translators: hexdump, xxd and raw are typed as they are */
      N_("hexdump (the default: like hexdump -C), xxd (like xxd) or raw (the bytes)"),
      N_("FORMAT") },
    { "offset", 's', 0, G_OPTION_ARG_STRING, &offset_text,
      N_("Start at byte N (like hexdump -s and xxd -s); 0x and K, M, G suffixes work"), N_("N") },
    { "length", 'n', 0, G_OPTION_ARG_STRING, &length_text,
      N_("Stop after N bytes (like hexdump -n and xxd -l); the default is to the end"), N_("N") },
    { NULL }
  };

  /* Translators: the placeholder for a segment reference in the usage line */
  context = g_option_context_new (_("REF"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    /* Translators: hexdump, xxd and raw are the formats' names, typed as they are */
    _("Prints a segment's bytes, read-only. The hexdump and xxd formats are byte for byte\n"
      "what `hexdump -C -s N -n L` and `xxd -s N -l L` print for the same bytes, only\n"
      "faster; offsets are the segment's own. raw writes the bytes themselves, and only\n"
      "into a file or a pipe."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!shmlens_cli_parse_options (context, "dump", &argc, &argv))
    return SHMLENS_CLI_EXIT_USAGE;
  if (argc != 2)
    return shmlens_cli_usage_error ("dump", argc < 2 ? _("a segment reference (REF) is needed")
                                                     : _("only one REF can be given"));

  if (!parse_format (format_text, &format))
    {
      g_autofree char *escaped = g_strescape (format_text, NULL);
      return shmlens_cli_usage_error ("dump",
                                      /* Translators: %s is what was given for --format */
                                      _("--format: “%s” is not a format; use hexdump, "
                                        "xxd or raw"), escaped);
    }
  if (offset_text != NULL &&
      !shmlens_cli_parse_size ("--offset", offset_text, &offset, &error))
    return shmlens_cli_usage_error ("dump", "%s", error->message);
  if (length_text != NULL &&
      !shmlens_cli_parse_size ("--length", length_text, &length, &error))
    return shmlens_cli_usage_error ("dump", "%s", error->message);

  /* Checked before anything is read: raw bytes can drive the terminal. */
  if (format == DUMP_RAW && isatty (STDOUT_FILENO))
    {
      g_set_error_literal (&error, SHMLENS_ERROR, SHMLENS_ERROR_UNSUPPORTED,
                           _("Refusing to write raw bytes to a terminal: they could change "
                             "its state. Redirect the output to a file or a pipe, or use "
                             "--format=hexdump or --format=xxd."));
      return shmlens_cli_fail (error);
    }

  reader = shmlens_cli_open_reader (argv[1], &error);
  if (reader == NULL)
    return shmlens_cli_fail (error);

  if (!dump (reader, format, offset, length_text != NULL, length, &error))
    return shmlens_cli_fail (error);
  return SHMLENS_CLI_EXIT_OK;
}
