/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-layout.c: `shmlens-cli layout`, a struct in a C header laid out like pahole shows it. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "shmlens-cli.h"
#include "shmlens-layout.h"

/* The text output is pahole's, comments and all ("XXX 4 bytes hole, try to pack",
 * "size: …, cachelines: …"), and C: it is not translated, so that it reads and
 * compares as pahole's does in every language. The errors and --help are.
 *
 * What the comment column and the summary count, as pahole does. */
#define CACHELINE 64
#define TYPE_COLUMN 26
#define COMMENT_COLUMN 48

/* The text goes out in pieces as it is made: a struct of 4 million fields is 300 MB
 * of text, which would otherwise be held whole. */
typedef struct
{
  GString *out;
  GError *error;      /* the first failed write's; the rest of the text is dropped */
  guint holes;        /* in the outermost struct */
  guint64 hole_bits;
} Printer;

static void
indent (GString *out,
        guint    depth)
{
  for (guint i = 0; i < depth; i++)
    g_string_append_c (out, '\t');
}

/* The width of the line so far, tabs to the next multiple of 8. */
static gsize
line_width (GString *out)
{
  /* from the end: strrchr() would scan everything printed so far, at every column of
   * every line, which made a layout of 65,536 fields take 95 s */
  const char *line = memrchr (out->str, '\n', out->len);
  gsize width = 0;

  for (const char *p = line != NULL ? line + 1 : out->str; *p != '\0'; p = g_utf8_next_char (p))
    width = *p == '\t' ? (width / 8 + 1) * 8 : width + 1;
  return width;
}

static void
pad_to (GString *out,
        gsize    column)
{
  gsize width = line_width (out);

  if (width >= column)
    g_string_append_c (out, ' ');
  else
    for (; width < column; width++)
      g_string_append_c (out, ' ');
}

static void
append_amount (GString *out,
               guint64  bits)
{
  guint64 bytes = bits / 8;
  guint rest = (guint) (bits % 8);

  if (bytes > 0)
    g_string_append_printf (out, "%" G_GUINT64_FORMAT " byte%s", bytes, bytes == 1 ? "" : "s");
  if (bytes > 0 && rest > 0)
    g_string_append_c (out, ' ');
  if (rest > 0 || bytes == 0)
    g_string_append_printf (out, "%u bit%s", rest, rest == 1 ? "" : "s");
}

/* The "XXX 4 bytes hole, try to pack" comment between members, a blank line around it. */
static void
print_hole (Printer *printer,
            guint    depth,
            guint64  end,
            guint64  start,
            gboolean outermost)
{
  guint64 gap = start - end;

  g_string_append_c (printer->out, '\n');
  if (end % 8 != 0)
    {
      guint64 bits = MIN (gap, 8 - end % 8);

      indent (printer->out, depth);
      g_string_append_printf (printer->out, "/* XXX %" G_GUINT64_FORMAT " bit%s hole, try to pack */\n",
                              bits, bits == 1 ? "" : "s");
      gap -= bits;
    }
  if (gap >= 8)
    {
      indent (printer->out, depth);
      g_string_append_printf (printer->out, "/* XXX %" G_GUINT64_FORMAT " byte%s hole, try to pack */\n",
                              gap / 8, gap / 8 == 1 ? "" : "s");
      gap %= 8;
    }
  if (gap > 0)
    {
      indent (printer->out, depth);
      g_string_append_printf (printer->out, "/* XXX %" G_GUINT64_FORMAT " bit%s hole, try to pack */\n",
                              gap, gap == 1 ? "" : "s");
    }
  g_string_append_c (printer->out, '\n');
  if (outermost)
    {
      printer->holes++;
      printer->hole_bits += start - end;
    }
}

/* pthread_mutex_t, sem_t, max_align_t…: records whose members are all the C
 * library's own (named __…) are shown as one member, not opened. */
static gboolean
is_opaque (ShmlensType *record)
{
  guint n = shmlens_type_get_n_fields (record);

  for (guint i = 0; i < n; i++)
    {
      const ShmlensField *field = shmlens_type_get_field (record, i);

      if (field->name == NULL || !g_str_has_prefix (field->name, "__"))
        return FALSE;
    }
  return n > 0;
}

/* The struct or union an array (of arrays) of records holds, with its dimensions
 * appended to @dimensions; NULL when @type holds no record to open. */
static ShmlensType *
record_inside (ShmlensType *type,
               GString     *dimensions)
{
  for (;;)
    {
      ShmlensTypeKind kind = shmlens_type_get_kind (type);

      if (kind == SHMLENS_TYPE_KIND_STRUCT || kind == SHMLENS_TYPE_KIND_UNION)
        return is_opaque (type) ? NULL : type;
      if (kind != SHMLENS_TYPE_KIND_ARRAY)
        return NULL;
      if (shmlens_type_is_flexible_array (type))
        g_string_append (dimensions, "[]");
      else
        g_string_append_printf (dimensions, "[%" G_GUINT64_FORMAT "]",
                                shmlens_type_get_element_count (type));
      type = shmlens_type_get_element_type (type);
    }
}

/* "struct client", "union", "struct" for the line that opens a record. */
static char *
record_keyword (ShmlensType *record)
{
  const char *name = shmlens_type_get_name (shmlens_type_resolve (record));
  const char *keyword = shmlens_type_get_kind (record) == SHMLENS_TYPE_KIND_STRUCT ? "struct" : "union";

  /* a typedef's name is not a tag: "struct {" */
  if (g_str_has_prefix (name, keyword) && !g_str_has_suffix (name, "<anonymous>"))
    return g_strdup (name);
  return g_strdup (keyword);
}

static void
print_comment (GString            *out,
               guint               depth,
               const ShmlensField *field,
               guint64             offset)
{
  guint64 size = shmlens_type_get_size (field->type);

  pad_to (out, COMMENT_COLUMN + 8 * depth);
  if (field->is_bitfield)
    g_string_append_printf (out, "/* %5" G_GUINT64_FORMAT ":%2u %3" G_GUINT64_FORMAT " */\n",
                            offset, field->bit_offset, size);
  else
    g_string_append_printf (out, "/* %5" G_GUINT64_FORMAT " %5" G_GUINT64_FORMAT " */\n",
                            offset, size);
}

/* "uint32_t                   magic;" with the type in a column, when the
 * declaration allows it ("void (*cb)(int)" does not). */
static void
print_declaration (GString            *out,
                   const ShmlensField *field)
{
  g_autofree char *declaration = shmlens_type_format_declaration (field->type, field->name);
  const char *type_name = shmlens_type_get_name (field->type);
  gsize common = 0;

  while (declaration[common] != '\0' && declaration[common] == type_name[common])
    common++;
  if (memchr (declaration, '(', common) == NULL)
    {
      g_autofree char *column = g_strndup (declaration, common);
      const char *rest = declaration + common;

      g_strchomp (column);
      while (*rest == ' ')
        rest++;
      g_string_append (out, column);
      pad_to (out, line_width (out) + (gsize) MAX (1, TYPE_COLUMN - shmlens_cli_display_width (column)));
      g_string_append (out, rest);
    }
  else
    g_string_append (out, declaration);
  if (field->is_bitfield)
    g_string_append_printf (out, ":%u", field->bit_width);
  g_string_append_c (out, ';');
}

static void print_record_body (Printer *printer, ShmlensType *record, guint64 base, guint depth,
                               gboolean outermost);

static void
print_field (Printer            *printer,
             const ShmlensField *field,
             guint64             base,
             guint               depth)
{
  g_autoptr(GString) dimensions = g_string_new (NULL);
  ShmlensType *record = field->is_bitfield ? NULL : record_inside (field->type, dimensions);
  guint64 offset = base + field->offset;

  if (record == NULL)
    {
      indent (printer->out, depth);
      print_declaration (printer->out, field);
      print_comment (printer->out, depth, field, offset);
      return;
    }

  /* a struct or union member (or an array of them) is shown expanded */
  {
    g_autofree char *keyword = record_keyword (record);

    indent (printer->out, depth);
    g_string_append_printf (printer->out, "%s {\n", keyword);
    print_record_body (printer, record, offset, depth + 1, FALSE);
    indent (printer->out, depth);
    g_string_append_c (printer->out, '}');
    if (field->name != NULL)
      g_string_append_printf (printer->out, " %s%s", field->name, dimensions->str);
    g_string_append_c (printer->out, ';');
    print_comment (printer->out, depth, field, offset);
  }
}

static void
print_record_body (Printer     *printer,
                   ShmlensType *record,
                   guint64      base,
                   guint        depth,
                   gboolean     outermost)
{
  gboolean is_union = shmlens_type_get_kind (record) == SHMLENS_TYPE_KIND_UNION;
  guint64 size_bits = shmlens_type_get_size (record) * 8;
  guint64 end = 0;   /* bits from the record's start: the end of the members so far */

  for (guint i = 0; i < shmlens_type_get_n_fields (record); i++)
    {
      const ShmlensField *field = shmlens_type_get_field (record, i);
      guint64 start = field->offset * 8 + field->bit_offset;
      guint64 bits = field->is_bitfield ? field->bit_width : shmlens_type_get_size (field->type) * 8;

      if (!is_union && start > end)
        print_hole (printer, depth, end, start, outermost);
      print_field (printer, field, base, depth);
      end = MAX (end, (is_union ? 0 : start) + bits);
      /* a piece ends where a field's line does: line_width() needs none of the
       * text before it */
      if (printer->out->len >= SHMLENS_CLI_PIECE_SIZE)
        shmlens_cli_write_piece (STDOUT_FILENO, printer->out, &printer->error);
    }

  if (size_bits > end && !outermost)
    {
      indent (printer->out, depth);
      g_string_append (printer->out, "/* XXX ");
      append_amount (printer->out, size_bits - end);
      g_string_append (printer->out, " padding */\n");
    }
  if (outermost)
    {
      guint64 size = shmlens_type_get_size (record);

      indent (printer->out, depth);
      g_string_append_printf (printer->out, "/* size: %" G_GUINT64_FORMAT ", alignment: %u, "
                              "cachelines: %" G_GUINT64_FORMAT ", members: %u */\n",
                              size, shmlens_type_get_alignment (record),
                              (size + CACHELINE - 1) / CACHELINE, shmlens_type_get_n_fields (record));
      if (printer->holes > 0)
        {
          indent (printer->out, depth);
          g_string_append_printf (printer->out, "/* holes: %u, sum holes: ", printer->holes);
          append_amount (printer->out, printer->hole_bits);
          g_string_append (printer->out, " */\n");
        }
      if (size_bits > end)
        {
          indent (printer->out, depth);
          g_string_append (printer->out, "/* padding: ");
          append_amount (printer->out, size_bits - end);
          g_string_append (printer->out, " */\n");
        }
      if (size % CACHELINE != 0 && size > CACHELINE)
        {
          indent (printer->out, depth);
          g_string_append_printf (printer->out, "/* last cacheline: %" G_GUINT64_FORMAT " bytes */\n",
                                  size % CACHELINE);
        }
    }
}

static void
print_enum (GString     *out,
            ShmlensType *type)
{
  guint n = shmlens_type_get_n_enumerators (type);
  const char *name = shmlens_type_get_name (shmlens_type_resolve (type));

  if (type != shmlens_type_resolve (type))
    g_string_append (out, "typedef ");
  if (g_str_has_suffix (name, "<anonymous>"))
    g_string_append (out, "enum {\n");
  else
    g_string_append_printf (out, "%s {\n", name);
  for (guint i = 0; i < n; i++)
    {
      gint64 value;
      gboolean is_unsigned;
      const char *enumerator = shmlens_type_get_enumerator (type, i, &value, &is_unsigned);

      if (is_unsigned)
        g_string_append_printf (out, "\t%s = %" G_GUINT64_FORMAT "%s\n", enumerator,
                                (guint64) value, i + 1 < n ? "," : "");
      else
        g_string_append_printf (out, "\t%s = %" G_GINT64_FORMAT "%s\n", enumerator, value,
                                i + 1 < n ? "," : "");
    }
}

static void
print_text (Printer     *printer,
            ShmlensType *type)
{
  GString *out = printer->out;
  ShmlensTypeKind kind = shmlens_type_get_kind (type);
  const char *name = shmlens_type_get_name (type);

  if (kind == SHMLENS_TYPE_KIND_STRUCT || kind == SHMLENS_TYPE_KIND_UNION)
    {
      g_autofree char *keyword = record_keyword (type);
      gboolean is_typedef = type != shmlens_type_resolve (type);

      printer->holes = 0;
      printer->hole_bits = 0;
      g_string_append_printf (out, "%s%s {\n", is_typedef ? "typedef " : "", keyword);
      print_record_body (printer, type, 0, 1, TRUE);
      if (is_typedef)
        g_string_append_printf (out, "} %s;\n", name);
      else
        g_string_append (out, "};\n");
    }
  else if (kind == SHMLENS_TYPE_KIND_ENUM)
    {
      print_enum (out, type);
      g_string_append_printf (out, "}%s%s; /* size: %" G_GUINT64_FORMAT ", alignment: %u, %s */\n",
                              type != shmlens_type_resolve (type) ? " " : "",
                              type != shmlens_type_resolve (type) ? name : "",
                              shmlens_type_get_size (type), shmlens_type_get_alignment (type),
                              shmlens_type_is_signed (type) ? "signed" : "unsigned");
    }
  else
    g_string_append_printf (out, "%s /* size: %" G_GUINT64_FORMAT ", alignment: %u */\n", name,
                            shmlens_type_get_size (type), shmlens_type_get_alignment (type));
}

/* ------------------------------------------------------------------------------------
 * JSON
 * ------------------------------------------------------------------------------------ */

static const char *
kind_name (ShmlensTypeKind kind)
{
  switch (kind)
    {
    case SHMLENS_TYPE_KIND_VOID: return "void";
    case SHMLENS_TYPE_KIND_INTEGER: return "integer";
    case SHMLENS_TYPE_KIND_BOOL: return "bool";
    case SHMLENS_TYPE_KIND_FLOAT: return "float";
    case SHMLENS_TYPE_KIND_ENUM: return "enum";
    case SHMLENS_TYPE_KIND_POINTER: return "pointer";
    case SHMLENS_TYPE_KIND_ARRAY: return "array";
    case SHMLENS_TYPE_KIND_STRUCT: return "struct";
    case SHMLENS_TYPE_KIND_UNION: return "union";
    case SHMLENS_TYPE_KIND_FUNCTION: return "function";
    default: g_assert_not_reached ();
    }
}

static void write_fields_json (ShmlensJsonWriter *json, ShmlensType *record, guint64 base);

static void
write_field_json (ShmlensJsonWriter  *json,
                  const ShmlensField *field,
                  guint64             base)
{
  ShmlensType *type = field->type;
  ShmlensType *inner;

  shmlens_json_writer_begin_object (json);
  shmlens_json_writer_member (json, "name");
  if (field->name != NULL)
    shmlens_json_writer_string (json, field->name);
  else
    shmlens_json_writer_null (json);
  shmlens_json_writer_add_string (json, "type", shmlens_type_get_name (type));
  shmlens_json_writer_add_int (json, "offset", (gint64) (base + field->offset));
  shmlens_json_writer_add_int (json, "size", (gint64) shmlens_type_get_size (type));
  shmlens_json_writer_add_int (json, "align", shmlens_type_get_alignment (type));
  if (field->is_bitfield)
    {
      shmlens_json_writer_add_int (json, "bit_offset", field->bit_offset);
      shmlens_json_writer_add_int (json, "bit_width", field->bit_width);
    }

  if (shmlens_type_get_kind (type) == SHMLENS_TYPE_KIND_ARRAY)
    {
      shmlens_json_writer_add_int (json, "count", (gint64) shmlens_type_get_element_count (type));
      if (shmlens_type_is_flexible_array (type))
        shmlens_json_writer_add_boolean (json, "flexible", TRUE);
      shmlens_json_writer_member (json, "dimensions");
      shmlens_json_writer_begin_array (json);
      for (inner = type; shmlens_type_get_kind (inner) == SHMLENS_TYPE_KIND_ARRAY;
           inner = shmlens_type_get_element_type (inner))
        shmlens_json_writer_int (json, (gint64) shmlens_type_get_element_count (inner));
      shmlens_json_writer_end_array (json);
    }
  else
    inner = type;

  /* members of a struct or union, or of the first element of an array of them */
  if (!field->is_bitfield && (shmlens_type_get_kind (inner) == SHMLENS_TYPE_KIND_STRUCT ||
                              shmlens_type_get_kind (inner) == SHMLENS_TYPE_KIND_UNION))
    {
      shmlens_json_writer_add_string (json, "kind", kind_name (shmlens_type_get_kind (inner)));
      write_fields_json (json, inner, base + field->offset);
    }
  shmlens_json_writer_end_object (json);
}

static void
write_fields_json (ShmlensJsonWriter *json,
                   ShmlensType       *record,
                   guint64            base)
{
  shmlens_json_writer_member (json, "fields");
  shmlens_json_writer_begin_array (json);
  for (guint i = 0; i < shmlens_type_get_n_fields (record); i++)
    write_field_json (json, shmlens_type_get_field (record, i), base);
  shmlens_json_writer_end_array (json);
}

static void
write_type_json (ShmlensJsonWriter *json,
                 ShmlensType       *type)
{
  ShmlensTypeKind kind = shmlens_type_get_kind (type);

  shmlens_json_writer_begin_object (json);
  shmlens_json_writer_add_string (json, "type", shmlens_type_get_name (type));
  shmlens_json_writer_add_string (json, "kind", kind_name (kind));
  shmlens_json_writer_add_int (json, "size", (gint64) shmlens_type_get_size (type));
  shmlens_json_writer_add_int (json, "align", shmlens_type_get_alignment (type));
  if (kind == SHMLENS_TYPE_KIND_STRUCT || kind == SHMLENS_TYPE_KIND_UNION)
    shmlens_json_writer_add_boolean (json, "packed", shmlens_type_is_packed (type));
  if (kind == SHMLENS_TYPE_KIND_ENUM)
    {
      shmlens_json_writer_add_boolean (json, "signed", shmlens_type_is_signed (type));
      shmlens_json_writer_member (json, "enumerators");
      shmlens_json_writer_begin_array (json);
      for (guint i = 0; i < shmlens_type_get_n_enumerators (type); i++)
        {
          gint64 value;
          gboolean is_unsigned;
          const char *name = shmlens_type_get_enumerator (type, i, &value, &is_unsigned);

          shmlens_json_writer_begin_object (json);
          shmlens_json_writer_add_string (json, "name", name);
          /* JSON numbers are exact to 2^53 only: larger values as text */
          if ((is_unsigned && (guint64) value > (G_GUINT64_CONSTANT (1) << 53)) ||
              (!is_unsigned && value < -(G_GINT64_CONSTANT (1) << 53)))
            {
              g_autofree char *text = is_unsigned
                ? g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) value)
                : g_strdup_printf ("%" G_GINT64_FORMAT, value);
              shmlens_json_writer_add_string (json, "value", text);
            }
          else
            shmlens_json_writer_add_int (json, "value", value);
          shmlens_json_writer_end_object (json);
        }
      shmlens_json_writer_end_array (json);
    }
  write_fields_json (json, type, 0);
  shmlens_json_writer_end_object (json);
}

/* ------------------------------------------------------------------------------------
 * The command
 * ------------------------------------------------------------------------------------ */

static ShmlensLayout *
read_stdin (GError **error)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();

  for (;;)
    {
      guint8 buffer[65536];
      gssize n = read (STDIN_FILENO, buffer, sizeof buffer);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot read the standard input: %s"), g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      g_byte_array_append (data, buffer, n);
      if (data->len > 16 * 1024 * 1024)
        break;  /* shmlens_layout_new() says it is too large */
    }
  return shmlens_layout_new ((const char *) data->data, data->len, "<stdin>", error);
}

/* The type must have a layout to show. */
static gboolean
check_type (ShmlensLayout  *layout,
            ShmlensType    *type,
            GError        **error)
{
  ShmlensTypeKind kind = shmlens_type_get_kind (type);

  if (kind == SHMLENS_TYPE_KIND_VOID)
    {
      g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_INVALID,
                   /* Translators: %s is a C type's name; “void” is C, not translated */
                   _("“%s” has no layout: it is the void type"), shmlens_type_get_name (type));
      return FALSE;
    }
  if (kind == SHMLENS_TYPE_KIND_FUNCTION)
    {
      g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_INVALID,
                   /* Translators: %s is a C type's name */
                   _("“%s” has no layout: it is a function type"), shmlens_type_get_name (type));
      return FALSE;
    }
  if (!shmlens_type_is_complete (type))
    {
      g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_INVALID,
                   /* Translators: a C type's name, and the header's file name */
                   _("“%s” has no layout: %s declares it but does not define it"),
                   shmlens_type_get_name (type), shmlens_layout_get_filename (layout));
      return FALSE;
    }
  return TRUE;
}

static gboolean
wanted_by_all (ShmlensType *type)
{
  ShmlensTypeKind kind = shmlens_type_get_kind (type);

  return shmlens_type_is_complete (type) &&
         (kind == SHMLENS_TYPE_KIND_STRUCT || kind == SHMLENS_TYPE_KIND_UNION ||
          kind == SHMLENS_TYPE_KIND_ENUM);
}

int
shmlens_cli_layout (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensLayout) layout = NULL;
  g_autofree char *type_name = NULL;
  g_autoptr(GPtrArray) types = g_ptr_array_new ();
  gboolean json = FALSE;
  gboolean all = FALSE;
  const GOptionEntry entries[] = {
    { "type", 't', 0, G_OPTION_ARG_STRING, &type_name,
      /* Translators: “struct”, “union” and “enum” are C keywords, NAME a placeholder */
      N_("The type to show: “struct NAME”, “union NAME”, “enum NAME”, a typedef or a tag "
         "(default: the last struct or union the header defines)"), N_("NAME") },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &all,
      N_("Show every struct, union and enum the header names, and every typedef of one"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  /* Translators: follows “shmlens-cli layout [OPTION…]” in the usage line; FILE.h is
   * the placeholder for a C header */
  context = g_option_context_new (_("FILE.h — show where gcc puts every member of a C struct"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Reads a C header (FILE.h, or - for the standard input) and shows a struct as gcc 12\n"
      "lays it out on x86-64: every member with its offset and size, bit-fields with their\n"
      "bit offset, and the holes and padding between them, like pahole. The standard\n"
      "headers (stdint.h, stddef.h, time.h, …) are known without being read."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!shmlens_cli_parse_options (context, "layout", &argc, &argv))
    return SHMLENS_CLI_EXIT_USAGE;
  if (argc != 2)
    return shmlens_cli_usage_error ("layout", argc < 2 ? _("a header is needed: FILE.h, or - "
                                                           "for the standard input")
                                                       : _("only one header can be given"));
  if (all && type_name != NULL)
    return shmlens_cli_usage_error ("layout", _("--all and --type cannot be used together"));

  if (g_str_equal (argv[1], "-"))
    layout = read_stdin (&error);
  else
    layout = shmlens_layout_new_from_file (argv[1], &error);
  if (layout == NULL)
    return shmlens_cli_fail (error);

  if (all)
    {
      guint n;
      ShmlensType **named = shmlens_layout_get_types (layout, &n);

      for (guint i = 0; i < n; i++)
        if (wanted_by_all (named[i]))
          g_ptr_array_add (types, named[i]);
    }
  else
    {
      ShmlensType *type = type_name != NULL ? shmlens_layout_lookup (layout, type_name, &error)
                                            : shmlens_layout_get_default_type (layout, &error);

      if (type == NULL || !check_type (layout, type, &error))
        return shmlens_cli_fail (error);
      g_ptr_array_add (types, type);
    }

  if (json)
    {
      g_autoptr(ShmlensJsonWriter) writer = shmlens_json_writer_new (STDOUT_FILENO, TRUE);

      if (all)
        shmlens_json_writer_begin_array (writer);
      for (guint i = 0; i < types->len; i++)
        write_type_json (writer, g_ptr_array_index (types, i));
      if (all)
        shmlens_json_writer_end_array (writer);
      if (!shmlens_json_writer_finish (writer, &error))
        return shmlens_cli_fail (error);
    }
  else
    {
      g_autoptr(GString) out = g_string_sized_new (SHMLENS_CLI_PIECE_SIZE + 4096);
      Printer printer = { out, NULL, 0, 0 };

      for (guint i = 0; i < types->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, '\n');
          print_text (&printer, g_ptr_array_index (types, i));
        }
      shmlens_cli_write_piece (STDOUT_FILENO, out, &printer.error);
      if (printer.error != NULL)
        {
          g_autoptr(GError) failed = printer.error;
          return shmlens_cli_fail (failed);
        }
    }
  return SHMLENS_CLI_EXIT_OK;
}
