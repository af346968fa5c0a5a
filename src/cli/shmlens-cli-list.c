/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-list.c: `shmlens-cli list`, the machine's segments as a table or JSON. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "shmlens-catalog.h"
#include "shmlens-cli.h"
#include "shmlens-users.h"

static int
kind_order (ShmlensSegmentKind kind)
{
  return g_bit_nth_lsf (kind, -1);
}

/* POSIX by name, System V by id, the process-held kinds by process and address. */
static int
compare_segments (gconstpointer a,
                  gconstpointer b)
{
  ShmlensSegment *x = *(ShmlensSegment **) a;
  ShmlensSegment *y = *(ShmlensSegment **) b;
  ShmlensSegmentKind kind = shmlens_segment_get_kind (x);

  if (kind != shmlens_segment_get_kind (y))
    return kind_order (kind) - kind_order (shmlens_segment_get_kind (y));
  switch (kind)
    {
    case SHMLENS_SEGMENT_KIND_SYSV:
      return shmlens_segment_get_shmid (x) - shmlens_segment_get_shmid (y);
    case SHMLENS_SEGMENT_KIND_MEMFD:
    case SHMLENS_SEGMENT_KIND_ANON:
      if (shmlens_segment_get_pid (x) != shmlens_segment_get_pid (y))
        return shmlens_segment_get_pid (x) - shmlens_segment_get_pid (y);
      if (shmlens_segment_get_fd (x) != shmlens_segment_get_fd (y))
        return shmlens_segment_get_fd (x) - shmlens_segment_get_fd (y);
      return (shmlens_segment_get_address (x) > shmlens_segment_get_address (y)) -
             (shmlens_segment_get_address (x) < shmlens_segment_get_address (y));
    default:
      return strcmp (shmlens_segment_get_name (x), shmlens_segment_get_name (y));
    }
}

typedef struct
{
  char *ref;
  char *size;
  char *resident;
  char *mode;
  char *attached;
  char *name;
} Row;

static void
row_clear (Row *row)
{
  g_free (row->ref);
  g_free (row->size);
  g_free (row->resident);
  g_free (row->mode);
  g_free (row->attached);
  g_free (row->name);
}

static char *
describe_attached (ShmlensSegment *segment)
{
  guint n = shmlens_segment_get_n_processes (segment);

  if (shmlens_segment_is_orphan (segment))
    /* Translators: in the ATTACHED column of `shmlens-cli list`: no process maps or
     * holds the segment */
    return g_strdup (_("orphan"));
  /* System V says it is attached, by processes we may not inspect */
  if (n == 0)
    /* Translators: in the ATTACHED column of `shmlens-cli list`: attached by
     * processes that may not be inspected */
    return g_strdup (_("hidden"));
  return g_strdup_printf ("%u", n);
}

static gboolean
print_table (GPtrArray  *segments,
             GError    **error)
{
  g_autoptr(GString) out = g_string_sized_new (segments->len * 100 + 128);
  g_autofree Row *rows = g_new0 (Row, segments->len);
  enum { REF, SIZE, RESIDENT, OWNER, MODE, ATTACHED, N_COLUMNS };
  const char *titles[N_COLUMNS] = {
    /* Translators: column heading of `shmlens-cli list`: the segment's reference */
    C_("column heading", "REF"),
    /* Translators: column heading of `shmlens-cli list`: the segment's size */
    C_("column heading", "SIZE"),
    /* Translators: column heading of `shmlens-cli list`: the segment's memory in RAM */
    C_("column heading", "RESIDENT"),
    /* Translators: column heading of `shmlens-cli list`: the user who owns the segment */
    C_("column heading", "OWNER"),
    /* Translators: column heading of `shmlens-cli list`: the permission bits, as 0600 */
    C_("column heading", "MODE"),
    /* Translators: column heading of `shmlens-cli list`: how many processes map or
     * hold the segment */
    C_("column heading", "ATTACHED"),
  };
  int widths[N_COLUMNS];

  for (int c = 0; c < N_COLUMNS; c++)
    widths[c] = shmlens_cli_display_width (titles[c]);

  for (guint i = 0; i < segments->len; i++)
    {
      ShmlensSegment *segment = g_ptr_array_index (segments, i);
      Row *row = &rows[i];

      row->ref = shmlens_segment_dup_ref (segment);
      row->name = shmlens_segment_dup_display_name (segment);
      row->size = shmlens_cli_format_size (shmlens_segment_get_size (segment));
      row->resident = shmlens_segment_get_resident (segment) >= 0
        ? shmlens_cli_format_size (shmlens_segment_get_resident (segment))
        : g_strdup ("-");
      row->mode = shmlens_cli_format_mode (segment);
      row->attached = describe_attached (segment);

      const char *cells[N_COLUMNS] = {
        row->ref, row->size, row->resident,
        shmlens_user_name (shmlens_segment_get_uid (segment)), row->mode, row->attached
      };
      for (int c = 0; c < N_COLUMNS; c++)
        widths[c] = MAX (widths[c], shmlens_cli_display_width (cells[c]));
    }
  /* One long POSIX name must not widen every line: past 40 characters a reference
   * pushes the rest of its own line to the right instead. */
  widths[REF] = MIN (widths[REF], 40);

  /* Names come last and unpadded: they are the one column of unbounded width. */
  for (int c = 0; c < N_COLUMNS; c++)
    {
      shmlens_cli_append_padded (out, titles[c], widths[c], c == SIZE || c == RESIDENT ||
                                 c == ATTACHED);
      g_string_append_c (out, ' ');
    }
  g_string_append_c (out, ' ');
  /* Translators: the last column heading of `shmlens-cli list`: the segment's name */
  g_string_append (out, C_("column heading", "NAME"));
  g_string_append_c (out, '\n');

  for (guint i = 0; i < segments->len; i++)
    {
      ShmlensSegment *segment = g_ptr_array_index (segments, i);
      Row *row = &rows[i];
      const char *cells[N_COLUMNS] = {
        row->ref, row->size, row->resident,
        shmlens_user_name (shmlens_segment_get_uid (segment)), row->mode, row->attached
      };

      for (int c = 0; c < N_COLUMNS; c++)
        {
          shmlens_cli_append_padded (out, cells[c], widths[c], c == SIZE || c == RESIDENT ||
                                     c == ATTACHED);
          g_string_append_c (out, ' ');
        }
      g_string_append_c (out, ' ');
      g_string_append (out, row->name);
      g_string_append_c (out, '\n');
      row_clear (row);
    }
  return shmlens_cli_write_all (STDOUT_FILENO, out->str, out->len, error);
}

int
shmlens_cli_list (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensCatalog) catalog = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autofree char *kinds_text = NULL;
  gboolean json = FALSE;
  guint kinds = SHMLENS_SEGMENT_KINDS_DEFAULT;
  const GOptionEntry entries[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kinds_text,
      /* Translators: posix, sysv, memfd, anon and all are typed as they are */
      N_("Kinds to list, comma-separated: posix, sysv, memfd, anon or all (default: "
         "posix,sysv,memfd)"), N_("KINDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array"), NULL },
    { NULL }
  };

  /* Translators: follows “shmlens-cli list [OPTION…]” in the usage line */
  context = g_option_context_new (_("— list shared-memory segments"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    /* Translators: “orphan” is the word the ATTACHED column shows */
    _("Lists the shared-memory segments of this machine with their size, resident memory,\n"
      "owner, mode and the number of processes attached. Segments no process maps or holds\n"
      "are marked “orphan”. Nothing is opened or attached."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!shmlens_cli_parse_options (context, "list", &argc, &argv))
    return SHMLENS_CLI_EXIT_USAGE;
  if (argc > 1)
    return shmlens_cli_usage_error ("list", _("unexpected argument “%s”"), argv[1]);
  if (kinds_text != NULL && !shmlens_segment_kinds_parse (kinds_text, &kinds, &error))
    return shmlens_cli_usage_error ("list", "%s", error->message);

  catalog = shmlens_catalog_new (kinds);
  if (!shmlens_catalog_refresh (catalog, &error))
    return shmlens_cli_fail (error);

  guint n = g_list_model_get_n_items (G_LIST_MODEL (catalog));
  segments = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (segments, g_list_model_get_item (G_LIST_MODEL (catalog), i));
  g_ptr_array_sort (segments, compare_segments);

  if (json)
    {
      g_autoptr(ShmlensJsonWriter) writer = shmlens_json_writer_new (STDOUT_FILENO, TRUE);

      shmlens_json_writer_begin_array (writer);
      for (guint i = 0; i < segments->len; i++)
        shmlens_cli_write_segment_json (writer, g_ptr_array_index (segments, i), FALSE);
      shmlens_json_writer_end_array (writer);
      if (!shmlens_json_writer_finish (writer, &error))
        return shmlens_cli_fail (error);
    }
  else if (!print_table (segments, &error))
    return shmlens_cli_fail (error);

  guint skipped = shmlens_catalog_get_skipped_processes (catalog);
  fflush (stdout); /* the warning belongs after the table */
  if (skipped > 0)
    {
      g_autofree char *message =
        g_strdup_printf (ngettext ("%u process could not be inspected (not permitted); what "
                                   "it may map or hold is not counted.",
                                   "%u processes could not be inspected (not permitted); what "
                                   "they may map or hold is not counted.", skipped),
                         skipped);

      fprintf (stderr, "shmlens-cli: %s %s\n", message,
               geteuid () == 0 ? _("Even root is refused here: a container or a security "
                                   "module hides them.")
                               : _("Run as root to see everything."));
    }

  return SHMLENS_CLI_EXIT_OK;
}
