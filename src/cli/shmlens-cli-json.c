/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-json.c: a streaming JSON writer for large listings.
 *
 * `list --json` on a machine with 11,000 segments spent two thirds of its time
 * building, printing and freeing a json-glib tree (a GSlice node and a GValue per
 * member). This writer appends straight to one GString instead. It writes only
 * structure, integers, literals, numbers checked against JSON's grammar and our own
 * member names (checked to be plain identifiers) itself; every string value goes
 * through one reused json-glib generator, so escaping stays json-glib's job and never
 * ours.
 *
 * The text goes out to a file descriptor in pieces of about 64 KiB as it is written:
 * `layout --json` of a struct with 4 million fields is 700 MB of JSON, which it once
 * held whole (1.8 GB with the string's doubling) before printing it. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "shmlens-cli.h"
#include "shmlens-cli-json.h"

struct _ShmlensJsonWriter
{
  int fd;
  GString *text;         /* not yet written out */
  GError *write_error;   /* the first failed write's; the rest of the text is dropped */
  JsonGenerator *generator;
  JsonNode *node;
  gboolean pretty;
  guint depth;
  gboolean need_comma;   /* a value was written at this depth */
  gboolean after_member; /* the next value follows "name": */
};

/**
 * shmlens_json_writer_new:
 * @fd: where the text goes, usually STDOUT_FILENO; the writer does not close it
 * @pretty: whether to indent
 *
 * Returns: (transfer full): a writer; end with shmlens_json_writer_finish()
 */
ShmlensJsonWriter *
shmlens_json_writer_new (int      fd,
                         gboolean pretty)
{
  ShmlensJsonWriter *writer = g_new0 (ShmlensJsonWriter, 1);
  writer->fd = fd;
  writer->text = g_string_sized_new (SHMLENS_CLI_PIECE_SIZE + 4096);
  writer->generator = json_generator_new ();
  writer->node = json_node_init_string (json_node_alloc (), "");
  json_generator_set_root (writer->generator, writer->node);
  writer->pretty = pretty;
  return writer;
}

void
shmlens_json_writer_free (ShmlensJsonWriter *writer)
{
  if (writer == NULL)
    return;
  g_string_free (writer->text, TRUE);
  g_clear_error (&writer->write_error);
  g_object_unref (writer->generator);
  json_node_unref (writer->node);
  g_free (writer);
}

/**
 * shmlens_json_writer_finish:
 * @writer: a writer whose outermost value is closed
 * @error: where a failed write is reported
 *
 * Ends the document with a newline and writes out the rest of it.
 *
 * Returns: whether all of the document was written
 */
gboolean
shmlens_json_writer_finish (ShmlensJsonWriter  *writer,
                            GError            **error)
{
  g_return_val_if_fail (writer->depth == 0, FALSE);

  g_string_append_c (writer->text, '\n');
  shmlens_cli_write_piece (writer->fd, writer->text, &writer->write_error);
  if (writer->write_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&writer->write_error));
      return FALSE;
    }
  return TRUE;
}

static void
newline (ShmlensJsonWriter *writer)
{
  static const char spaces[] = "\n                                ";

  if (!writer->pretty)
    return;
  g_string_append_len (writer->text, spaces, 1 + MIN (2 * writer->depth, sizeof spaces - 2));
}

/* Separates this value from the previous one, unless it follows a member name. */
static void
before_value (ShmlensJsonWriter *writer)
{
  /* a piece ends where a value starts */
  if (writer->text->len >= SHMLENS_CLI_PIECE_SIZE)
    shmlens_cli_write_piece (writer->fd, writer->text, &writer->write_error);
  if (writer->after_member)
    {
      writer->after_member = FALSE;
      return;
    }
  if (writer->need_comma)
    g_string_append_c (writer->text, ',');
  if (writer->depth > 0)
    newline (writer);
}

static void
append_escaped (ShmlensJsonWriter *writer,
                const char        *value)
{
  /* the generator holds the node as its root; it is read at each call */
  json_node_set_string (writer->node, value);
  json_generator_to_gstring (writer->generator, writer->text);
}

static gboolean
is_identifier (const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_'))
      return FALSE;
  return *name != '\0';
}

void
shmlens_json_writer_begin_object (ShmlensJsonWriter *writer)
{
  before_value (writer);
  g_string_append_c (writer->text, '{');
  writer->depth++;
  writer->need_comma = FALSE;
}

void
shmlens_json_writer_end_object (ShmlensJsonWriter *writer)
{
  g_return_if_fail (writer->depth > 0);
  writer->depth--;
  if (writer->need_comma)
    newline (writer);
  g_string_append_c (writer->text, '}');
  writer->need_comma = TRUE;
}

void
shmlens_json_writer_begin_array (ShmlensJsonWriter *writer)
{
  before_value (writer);
  g_string_append_c (writer->text, '[');
  writer->depth++;
  writer->need_comma = FALSE;
}

void
shmlens_json_writer_end_array (ShmlensJsonWriter *writer)
{
  g_return_if_fail (writer->depth > 0);
  writer->depth--;
  if (writer->need_comma)
    newline (writer);
  g_string_append_c (writer->text, ']');
  writer->need_comma = TRUE;
}

void
shmlens_json_writer_member (ShmlensJsonWriter *writer,
                            const char        *name)
{
  g_assert (is_identifier (name));
  before_value (writer);
  g_string_append_c (writer->text, '"');
  g_string_append (writer->text, name);
  if (writer->pretty)
    g_string_append_len (writer->text, "\" : ", 4);
  else
    g_string_append_len (writer->text, "\":", 2);
  writer->after_member = TRUE;
  writer->need_comma = TRUE;
}

void
shmlens_json_writer_int (ShmlensJsonWriter *writer,
                         gint64             value)
{
  /* printf costs a third of a large listing; digits are simple */
  char digits[24];
  char *p = digits + sizeof digits;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = '0' + magnitude % 10;
      magnitude /= 10;
    }
  while (magnitude != 0);
  if (value < 0)
    *--p = '-';

  before_value (writer);
  g_string_append_len (writer->text, p, digits + sizeof digits - p);
  writer->need_comma = TRUE;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static gboolean
is_json_number (const char *text)
{
  const char *p = text;

  if (*p == '-')
    p++;
  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    while (g_ascii_isdigit (*p))
      p++;
  else
    return FALSE;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return *p == '\0';
}

/* A number already written as text ("0.1", "-2.5e-300"): the shortest text that
 * reads back as a float is the caller's to make, and differs between float and
 * double. */
void
shmlens_json_writer_number_text (ShmlensJsonWriter *writer,
                                 const char        *text)
{
  g_assert (is_json_number (text));
  before_value (writer);
  g_string_append (writer->text, text);
  writer->need_comma = TRUE;
}

void
shmlens_json_writer_boolean (ShmlensJsonWriter *writer,
                             gboolean           value)
{
  before_value (writer);
  g_string_append (writer->text, value ? "true" : "false");
  writer->need_comma = TRUE;
}

void
shmlens_json_writer_null (ShmlensJsonWriter *writer)
{
  before_value (writer);
  g_string_append (writer->text, "null");
  writer->need_comma = TRUE;
}

void
shmlens_json_writer_string (ShmlensJsonWriter *writer,
                            const char        *value)
{
  before_value (writer);
  append_escaped (writer, value);
  writer->need_comma = TRUE;
}

/* A member and its value, the common case. */
void
shmlens_json_writer_add_int (ShmlensJsonWriter *writer,
                             const char        *member,
                             gint64             value)
{
  shmlens_json_writer_member (writer, member);
  shmlens_json_writer_int (writer, value);
}

void
shmlens_json_writer_add_string (ShmlensJsonWriter *writer,
                                const char        *member,
                                const char        *value)
{
  shmlens_json_writer_member (writer, member);
  shmlens_json_writer_string (writer, value);
}

void
shmlens_json_writer_add_boolean (ShmlensJsonWriter *writer,
                                 const char        *member,
                                 gboolean           value)
{
  shmlens_json_writer_member (writer, member);
  shmlens_json_writer_boolean (writer, value);
}
