/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-show.c: `shmlens-cli show`, a segment's bytes decoded as records a C header declares. */
#include "config.h"

#include <math.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "shmlens-cli.h"
#include "shmlens-decode.h"

/* More values than this is a slip of --count rather than a wish; the engine says so
 * before any memory goes to them. */
#define MAX_VALUES (1 << 20)
/* The records are read whole, once. */
#define MAX_RECORDS_BYTES ((guint64) 1 << 30)
/* Text is written in pieces of about this size, however many values there are. */
#define OUTPUT_CHUNK (64 * 1024)
/* JSON numbers are exact integers below 2^53 only (RFC 8259, section 6). */
#define JSON_EXACT_LIMIT 9007199254740992.0

/* ------------------------------------------------------------------------------------
 * What `show` and `watch --layout` share
 * ------------------------------------------------------------------------------------ */

/* Reads @header and finds @type_name in it (or the header's default type); the type
 * must have a layout. Errors in the header are the engine's, with file, line and
 * column; an unknown name lists the names the header declares. */
ShmlensType *
shmlens_cli_load_type (const char  *header,
                       const char  *type_name,
                       GError     **error)
{
  g_autoptr(ShmlensLayout) layout = shmlens_layout_new_from_file (header, error);
  ShmlensType *type;
  ShmlensTypeKind kind;

  if (layout == NULL)
    return NULL;
  type = type_name != NULL ? shmlens_layout_lookup (layout, type_name, error)
                           : shmlens_layout_get_default_type (layout, error);
  if (type == NULL)
    return NULL;

  kind = shmlens_type_get_kind (type);
  if (kind == SHMLENS_TYPE_KIND_VOID)
    {
      g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_INVALID,
                   /* Translators: %s is a C type's name; “void” is C, not translated */
                   _("“%s” has no layout: it is the void type"), shmlens_type_get_name (type));
      return NULL;
    }
  if (kind == SHMLENS_TYPE_KIND_FUNCTION)
    {
      g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_INVALID,
                   /* Translators: %s is a C type's name */
                   _("“%s” has no layout: it is a function type"), shmlens_type_get_name (type));
      return NULL;
    }
  if (!shmlens_type_is_complete (type))
    {
      g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_INVALID,
                   /* Translators: a C type's name, and the header's file name */
                   _("“%s” has no layout: %s declares it but does not define it"),
                   shmlens_type_get_name (type), shmlens_layout_get_filename (layout));
      return NULL;
    }
  return shmlens_type_ref (type);
}

/* @n_records records of @type from @offset, flattened into their values; bounded so
 * that a slip of --count cannot take the machine's memory. */
ShmlensFlatLayout *
shmlens_cli_flatten_records (ShmlensType  *type,
                             guint64       offset,
                             guint64       n_records,
                             GError      **error)
{
  guint64 size = shmlens_type_get_size (type);

  g_assert (n_records >= 1);

  /* a record without values (an empty struct) costs a loop turn each all the same */
  if (n_records > MAX_VALUES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: the records asked for (which selects the plural form),
                    * and the most that can be decoded */
                   ngettext ("%llu record is more than the %d that can be decoded at once",
                             "%llu records are more than the %d that can be decoded at once",
                             n_records),
                   (unsigned long long) n_records, MAX_VALUES);
      return NULL;
    }
  if (size > MAX_RECORDS_BYTES / n_records)
    {
      g_autofree char *record_size = shmlens_cli_format_bytes (size);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: the records asked for (which selects the plural form),
                    * the C type's name and the size of one record (“24 bytes”) */
                   ngettext ("%llu record of “%s” (%s each) is more than the 1 GiB that can "
                             "be decoded at once",
                             "%llu records of “%s” (%s each) are more than the 1 GiB that can "
                             "be decoded at once", n_records),
                   (unsigned long long) n_records, shmlens_type_get_name (type), record_size);
      return NULL;
    }
  return shmlens_flat_layout_new (type, offset, n_records, MAX_VALUES, error);
}

/* What a value is called in the output: its path, "clients[2].heartbeat"; a type that
 * is one value (uint32_t, char[16]) has the empty path, and is called by its type. */
const char *
shmlens_cli_leaf_label (const ShmlensLeaf *leaf)
{
  return *leaf->path != '\0' ? leaf->path : shmlens_type_get_name (leaf->type);
}

/* Appends the value's text; returns FALSE, having appended the engine's
 * “unavailable”, when the window does not hold it. */
gboolean
shmlens_cli_format_leaf (const ShmlensLeaf  *leaf,
                         const guint8       *window,
                         guint64             window_offset,
                         gsize               window_length,
                         ShmlensFormatFlags  flags,
                         GString            *out)
{
  gsize start = out->len;

  shmlens_leaf_format (leaf, window, window_offset, window_length, flags, out);
  /* a string is quoted, so no value's text is the dash itself */
  return !g_str_equal (out->str + start, SHMLENS_DECODE_UNAVAILABLE);
}

/* ------------------------------------------------------------------------------------
 * JSON
 * ------------------------------------------------------------------------------------ */

static const char *
value_kind_name (ShmlensValueKind kind)
{
  switch (kind)
    {
    case SHMLENS_VALUE_KIND_SIGNED: return "signed";
    case SHMLENS_VALUE_KIND_UNSIGNED: return "unsigned";
    case SHMLENS_VALUE_KIND_CHAR: return "char";
    case SHMLENS_VALUE_KIND_BOOL: return "bool";
    case SHMLENS_VALUE_KIND_ENUM: return "enum";
    case SHMLENS_VALUE_KIND_FLOAT: return "float";
    case SHMLENS_VALUE_KIND_POINTER: return "pointer";
    case SHMLENS_VALUE_KIND_STRING: return "string";
    case SHMLENS_VALUE_KIND_TIME: return "time";
    case SHMLENS_VALUE_KIND_TIMESPEC: return "timespec";
    case SHMLENS_VALUE_KIND_NONE:
    default: g_assert_not_reached ();
    }
}

/* "number": the value as a JSON number, where JSON can hold it exactly. Floats are
 * written as the value's own text, the fewest digits that read back as the same
 * float (or double): the digits of the double a float widens to would be noise. */
static void
write_number_json (ShmlensJsonWriter  *json,
                   const ShmlensLeaf  *leaf,
                   const guint8       *window,
                   guint64             window_offset,
                   gsize               window_length,
                   ShmlensFormatFlags  flags,
                   const char         *text)
{
  double number;

  if (leaf->kind == SHMLENS_VALUE_KIND_POINTER || leaf->kind == SHMLENS_VALUE_KIND_STRING ||
      leaf->kind == SHMLENS_VALUE_KIND_TIMESPEC)
    return;
  if (!shmlens_leaf_get_double (leaf, window, window_offset, window_length, flags, &number))
    return;

  if (leaf->kind == SHMLENS_VALUE_KIND_FLOAT)
    {
      if (isfinite (number))
        {
          shmlens_json_writer_member (json, "number");
          shmlens_json_writer_number_text (json, text);
        }
    }
  /* An integer converted to a double is exact below 2^53; one at or above it never
   * rounds to below it, so this also tells that the conversion lost nothing. */
  else if (fabs (number) < JSON_EXACT_LIMIT)
    shmlens_json_writer_add_int (json, "number", (gint64) number);
}

static void
write_leaf_json (ShmlensJsonWriter  *json,
                 const ShmlensLeaf  *leaf,
                 const guint8       *window,
                 guint64             window_offset,
                 gsize               window_length,
                 ShmlensFormatFlags  flags,
                 GString            *text)
{
  gboolean available;

  g_string_truncate (text, 0);
  available = shmlens_cli_format_leaf (leaf, window, window_offset, window_length, flags, text);

  shmlens_json_writer_begin_object (json);
  shmlens_json_writer_add_string (json, "path", leaf->path);
  shmlens_json_writer_add_string (json, "type", shmlens_type_get_name (leaf->type));
  shmlens_json_writer_add_string (json, "kind", value_kind_name (leaf->kind));
  shmlens_json_writer_add_int (json, "offset", (gint64) leaf->offset);
  shmlens_json_writer_add_int (json, "size", (gint64) leaf->size);
  if (leaf->is_bitfield)
    {
      shmlens_json_writer_add_int (json, "bit_offset", leaf->bit_offset);
      shmlens_json_writer_add_int (json, "bit_width", leaf->bit_width);
    }
  shmlens_json_writer_member (json, "value");
  if (available)
    {
      shmlens_json_writer_string (json, text->str);
      write_number_json (json, leaf, window, window_offset, window_length, flags, text->str);
    }
  else
    shmlens_json_writer_null (json);
  shmlens_json_writer_end_object (json);
}

/* ------------------------------------------------------------------------------------
 * The command
 * ------------------------------------------------------------------------------------ */

/* The records must lie inside the segment: a value that is not there is a mistake in
 * --offset, --count or --type, better said once than shown as dashes. */
static gboolean
check_extent (ShmlensReader  *reader,
              ShmlensType    *type,
              guint64         offset,
              guint64         n_records,
              GError        **error)
{
  g_autofree char *ref = shmlens_segment_dup_ref (shmlens_reader_get_segment (reader));
  guint64 segment_size = shmlens_reader_get_size (reader);
  guint64 size = shmlens_type_get_size (type);
  guint64 end = offset + size * n_records;   /* no overflow: flattening checked it */
  g_autofree char *segment_text = NULL;

  if (end <= segment_size)
    return TRUE;

  segment_text = shmlens_cli_format_bytes (segment_size);
  if (n_records == 1)
    {
      g_autofree char *record_text = shmlens_cli_format_bytes (size);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: the C type's name, its size (“24 bytes”), the offset
                    * asked for, the segment's reference, the segment's size (“4096
                    * bytes”) and where the record would end (a byte's offset) */
                   _("Cannot show “%s” (%s) from offset %llu: %s is %s, and the record would "
                     "end at byte %llu. Choose a smaller --offset or another --type."),
                   shmlens_type_get_name (type), record_text, (unsigned long long) offset, ref,
                   segment_text, (unsigned long long) end);
    }
  else
    {
      g_autofree char *total_text = shmlens_cli_format_bytes (size * n_records);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: the records asked for (which selects the plural form),
                    * the C type's name, the records again, the size of one, their total
                    * size (“72 bytes”), the offset asked for, the segment's reference,
                    * the segment's size (“4096 bytes”) and where the records would end
                    * (a byte's offset) */
                   ngettext ("Cannot show %llu record of “%s” (%llu × %llu = %s) from offset "
                             "%llu: %s is %s, and the records would end at byte %llu. Choose "
                             "a smaller --count or --offset.",
                             "Cannot show %llu records of “%s” (%llu × %llu = %s) from offset "
                             "%llu: %s is %s, and the records would end at byte %llu. Choose "
                             "a smaller --count or --offset.", n_records),
                   (unsigned long long) n_records, shmlens_type_get_name (type),
                   (unsigned long long) n_records, (unsigned long long) size, total_text,
                   (unsigned long long) offset, ref, segment_text, (unsigned long long) end);
    }
  return FALSE;
}

/* Reads [offset, offset + length); a segment truncated meanwhile gives fewer bytes,
 * and the values past its new end show as unavailable. */
static guint8 *
read_records (ShmlensReader  *reader,
              guint64         offset,
              gsize           length,
              gsize          *valid,
              GError        **error)
{
  g_autofree guint8 *bytes = g_malloc (MAX (length, 1));
  gsize done = 0;

  while (done < length)
    {
      gssize n = shmlens_reader_read (reader, offset + done, bytes + done, length - done, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      done += n;
    }
  *valid = done;
  return g_steal_pointer (&bytes);
}

static gboolean
print_text (ShmlensFlatLayout   *flat,
            const guint8        *bytes,
            guint64              offset,
            gsize                valid,
            ShmlensFormatFlags   flags,
            GError             **error)
{
  g_autoptr(GString) out = g_string_sized_new (OUTPUT_CHUNK + 4096);
  gsize n_leaves;
  const ShmlensLeaf *leaves = shmlens_flat_layout_get_leaves (flat, &n_leaves);

  /* "PATH = VALUE": the same in every language, for scripts as much as for people */
  for (gsize i = 0; i < n_leaves; i++)
    {
      g_string_append (out, shmlens_cli_leaf_label (&leaves[i]));
      g_string_append (out, " = ");
      shmlens_cli_format_leaf (&leaves[i], bytes, offset, valid, flags, out);
      g_string_append_c (out, '\n');
      if (out->len >= OUTPUT_CHUNK)
        {
          if (!shmlens_cli_write_all (STDOUT_FILENO, out->str, out->len, error))
            return FALSE;
          g_string_truncate (out, 0);
        }
    }
  return shmlens_cli_write_all (STDOUT_FILENO, out->str, out->len, error);
}

static gboolean
print_json (ShmlensReader       *reader,
            ShmlensType         *type,
            guint64              n_records,
            ShmlensFlatLayout   *flat,
            const guint8        *bytes,
            guint64              offset,
            gsize                valid,
            ShmlensFormatFlags   flags,
            GError             **error)
{
  g_autoptr(ShmlensJsonWriter) json = shmlens_json_writer_new (STDOUT_FILENO, TRUE);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *ref = shmlens_segment_dup_ref (shmlens_reader_get_segment (reader));
  gsize n_leaves;
  const ShmlensLeaf *leaves = shmlens_flat_layout_get_leaves (flat, &n_leaves);

  shmlens_json_writer_begin_object (json);
  shmlens_json_writer_add_string (json, "ref", ref);
  shmlens_json_writer_add_string (json, "type", shmlens_type_get_name (type));
  shmlens_json_writer_add_int (json, "offset", (gint64) offset);
  shmlens_json_writer_add_int (json, "count", (gint64) n_records);
  shmlens_json_writer_add_int (json, "size", (gint64) shmlens_type_get_size (type));
  shmlens_json_writer_add_string (json, "byte_order",
                                  (flags & SHMLENS_FORMAT_BIG_ENDIAN) ? "big" : "little");
  shmlens_json_writer_member (json, "fields");
  shmlens_json_writer_begin_array (json);
  for (gsize i = 0; i < n_leaves; i++)
    write_leaf_json (json, &leaves[i], bytes, offset, valid, flags, text);
  shmlens_json_writer_end_array (json);
  shmlens_json_writer_end_object (json);
  return shmlens_json_writer_finish (json, error);
}

int
shmlens_cli_show (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensReader) reader = NULL;
  g_autoptr(ShmlensType) type = NULL;
  g_autoptr(ShmlensFlatLayout) flat = NULL;
  g_autofree char *header = NULL;
  g_autofree char *type_name = NULL;
  g_autofree char *offset_text = NULL;
  g_autofree guint8 *bytes = NULL;
  gint64 count = 1;
  gboolean json = FALSE;
  gboolean big_endian = FALSE;
  ShmlensFormatFlags flags = SHMLENS_FORMAT_DEFAULT;
  guint64 offset = 0;
  gsize valid = 0;
  gboolean printed;
  const GOptionEntry entries[] = {
    { "layout", 'L', 0, G_OPTION_ARG_FILENAME, &header,
      N_("The C header that declares the records (needed)"),
      /* Translators: the placeholder for a C header's file name in --help */
      N_("FILE.h") },
    { "type", 't', 0, G_OPTION_ARG_STRING, &type_name,
      /* Translators: “struct” and “union” are C keywords, NAME a placeholder */
      N_("The records' type: “struct NAME”, “union NAME”, a typedef or a tag (default: "
         "the last struct or union the header defines)"),
      /* Translators: the placeholder for a type's name in --help */
      N_("NAME") },
    { "offset", 's', 0, G_OPTION_ARG_STRING, &offset_text,
      N_("The first record starts at byte N (4096, 0x1000, 4K…; default 0)"), N_("N") },
    { "count", 'n', 0, G_OPTION_ARG_INT64, &count,
      N_("Show N records, one after the other (default 1)"), N_("N") },
    { "big-endian", 0, 0, G_OPTION_ARG_NONE, &big_endian,
      N_("Read values most significant byte first (bit-fields keep x86-64's bit order)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  /* Translators: follows “shmlens-cli show [OPTION…]” in the usage line: REF is the
   * placeholder for a segment reference, FILE.h for a C header */
  context = g_option_context_new (_("REF --layout=FILE.h"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    /* Translators: “PATH = VALUE” is the form of the lines printed: the “ = ” stays;
     * “clients[2].heartbeat” is a C expression, not translated */
    _("Decodes a segment's bytes as the records a C header declares, laid out as gcc 12\n"
      "lays them out on x86-64 (see `shmlens-cli layout`), and prints every value, one per\n"
      "line: “PATH = VALUE”, as in “clients[2].heartbeat = 41”. With --count above 1,\n"
      "paths start with the record's index: “[1].clients[2].heartbeat”. A type that is\n"
      "one value (uint32_t, char[16]) is named by its type. Reads only the records'\n"
      "bytes, read-only, with pread(): the segment is never mapped or written."));
  g_option_context_set_description (context,
    /* Translators: the values are printed as they are in every language (true, false,
     * nan, the dates, “—”); the JSON members (ref, type, offset, count, size,
     * byte_order, fields, path, kind, bit_offset, bit_width, value, number) and null
     * are not translated */
    _("Values: integers in decimal; a char with its character (65 'A'); true or false;\n"
      "an enum's name, or its number when it matches none; floats with the fewest digits\n"
      "that read back (0.1, 1e+20, nan); pointers in hex; char arrays as text up to the\n"
      "first NUL, quoted and escaped; time_t and struct timespec as UTC dates. Arrays\n"
      "are shown element by element, and anonymous members as their parent's.\n"
      "\n"
      "The records must lie inside the segment: when they would end past it, show says\n"
      "so, with the segment's size, and prints nothing (exit status 1). Values that a\n"
      "truncation takes away while show reads are shown as “—” (JSON: null).\n"
      "\n"
      "--json prints one document: ref, type, offset, count, size (of one record),\n"
      "byte_order and fields, each with path, type, kind, offset (in the segment), size,\n"
      "bit_offset and bit_width (bit-fields only), value (the text above, or null) and\n"
      "number: the value as a JSON number for integers, chars, bools, enums, floats and\n"
      "time_t. JSON numbers are exact only below 2^53, so number is left out for\n"
      "integers of 2^53 or more (value has every digit), and for NaN and infinities.\n"
      "\n"
      "Exit status: 0 on success, 1 on an error (in the header: FILE:LINE:COLUMN), 2 on\n"
      "a usage error."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!shmlens_cli_parse_options (context, "show", &argc, &argv))
    return SHMLENS_CLI_EXIT_USAGE;
  if (argc != 2)
    return shmlens_cli_usage_error ("show", argc < 2 ? _("a segment reference (REF) is needed")
                                                     : _("only one REF can be given"));
  if (header == NULL)
    return shmlens_cli_usage_error ("show", _("--layout=FILE.h is needed: the C header that "
                                              "declares the records"));
  if (offset_text != NULL && !shmlens_cli_parse_size ("--offset", offset_text, &offset, &error))
    return shmlens_cli_usage_error ("show", "%s", error->message);
  if (count < 1)
    return shmlens_cli_usage_error ("show", _("--count must be at least 1"));
  if (big_endian)
    flags |= SHMLENS_FORMAT_BIG_ENDIAN;

  type = shmlens_cli_load_type (header, type_name, &error);
  if (type == NULL)
    return shmlens_cli_fail (error);
  flat = shmlens_cli_flatten_records (type, offset, (guint64) count, &error);
  if (flat == NULL)
    return shmlens_cli_fail (error);

  reader = shmlens_cli_open_reader (argv[1], &error);
  if (reader == NULL)
    return shmlens_cli_fail (error);
  if (!check_extent (reader, type, offset, (guint64) count, &error))
    return shmlens_cli_fail (error);

  bytes = read_records (reader, offset, shmlens_flat_layout_get_end (flat) - offset, &valid,
                        &error);
  if (bytes == NULL)
    return shmlens_cli_fail (error);

  if (json)
    printed = print_json (reader, type, (guint64) count, flat, bytes, offset, valid, flags,
                          &error);
  else
    printed = print_text (flat, bytes, offset, valid, flags, &error);
  if (!printed)
    return shmlens_cli_fail (error);
  return SHMLENS_CLI_EXIT_OK;
}
