/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-list.c: `shmlens-cli list`, the machine's segments as a table or JSON. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "shmlens-catalog.h"
#include "shmlens-cli.h"

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

static void
print_table (GPtrArray *segments)
{
  g_autoptr(GString) out = g_string_sized_new (segments->len * 100 + 128);
  g_autofree Row *rows = g_new0 (Row, segments->len);
  int ref_width = strlen ("REF");
  int owner_width = strlen ("OWNER");

  for (guint i = 0; i < segments->len; i++)
    {
      ShmlensSegment *segment = g_ptr_array_index (segments, i);
      guint attached = shmlens_segment_get_n_processes (segment);
      Row *row = &rows[i];

      row->ref = shmlens_segment_dup_ref (segment);
      row->name = shmlens_segment_dup_display_name (segment);
      row->size = shmlens_cli_format_size (shmlens_segment_get_size (segment));
      row->resident = shmlens_segment_get_resident (segment) >= 0
        ? shmlens_cli_format_size (shmlens_segment_get_resident (segment))
        : g_strdup ("-");
      row->mode = shmlens_cli_format_mode (shmlens_segment_get_mode (segment));
      row->attached = attached == 0 ? g_strdup ("orphan") : g_strdup_printf ("%u", attached);
      /* Long POSIX names would stretch the table for everyone: past 40 characters,
       * the reference simply pushes its own line. */
      ref_width = MAX (ref_width, MIN ((int) g_utf8_strlen (row->ref, -1), 40));
      owner_width = MAX (owner_width,
                         (int) strlen (shmlens_cli_user_name (shmlens_segment_get_uid (segment))));
    }

  g_string_append_printf (out, "%-*s %10s %10s %-*s %-5s %8s  %s\n", ref_width, "REF", "SIZE",
                          "RESIDENT", owner_width, "OWNER", "MODE", "ATTACHED", "NAME");
  for (guint i = 0; i < segments->len; i++)
    {
      ShmlensSegment *segment = g_ptr_array_index (segments, i);
      Row *row = &rows[i];
      int pad = ref_width - (int) g_utf8_strlen (row->ref, -1);

      g_string_append (out, row->ref);
      g_string_append_printf (out, "%*s %10s %10s %-*s %-5s %8s  %s\n", MAX (pad, 0), "",
                              row->size, row->resident, owner_width,
                              shmlens_cli_user_name (shmlens_segment_get_uid (segment)),
                              row->mode, row->attached, row->name);
      row_clear (row);
    }
  fwrite (out->str, 1, out->len, stdout);
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
      "Kinds to list, comma-separated: posix, sysv, memfd, anon or all (default: "
      "posix,sysv,memfd)", "KINDS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON array", NULL },
    { NULL }
  };

  context = g_option_context_new ("— list shared-memory segments");
  g_option_context_set_summary (context,
    "Lists the shared-memory segments of this machine with their size, resident memory,\n"
    "owner, mode and the number of processes attached. Segments no process maps or holds\n"
    "are marked “orphan”. Nothing is opened or attached.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!shmlens_cli_parse_options (context, "list", &argc, &argv))
    return SHMLENS_CLI_EXIT_USAGE;
  if (argc > 1)
    return shmlens_cli_usage_error ("list", "unexpected argument “%s”", argv[1]);
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
      g_autoptr(ShmlensJsonWriter) writer = shmlens_json_writer_new (TRUE);

      shmlens_json_writer_begin_array (writer);
      for (guint i = 0; i < segments->len; i++)
        shmlens_cli_write_segment_json (writer, g_ptr_array_index (segments, i), FALSE);
      shmlens_json_writer_end_array (writer);
      if (!shmlens_cli_print_json (writer, &error))
        return shmlens_cli_fail (error);
    }
  else
    print_table (segments);

  guint skipped = shmlens_catalog_get_skipped_processes (catalog);
  if (skipped > 0 && !json)
    fprintf (stderr, "shmlens-cli: %u %s could not be inspected (exited, or not permitted); "
             "attachments held there are not counted.\n", skipped,
             skipped == 1 ? "process" : "processes");

  return SHMLENS_CLI_EXIT_OK;
}
