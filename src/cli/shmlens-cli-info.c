/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-info.c: `shmlens-cli info`, one segment's metadata and attachments. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <sys/sysmacros.h>

#include <glib/gi18n.h>

#include "shmlens-cli.h"
#include "shmlens-users.h"
#include "shmlens-escape.h"

static char *
format_time (gint64 seconds)
{
  if (seconds == 0)
    /* Translators: when a System V segment was last attached, detached or changed */
    return g_strdup (_("never"));
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (seconds);
  if (time == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, seconds);
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S %z");
}

/* The lines "Label:  value", the values aligned after the longest label (at least
 * 13 characters: labels are translated, and counted in characters, not bytes). */
typedef struct
{
  GPtrArray *labels;
  GPtrArray *values;
} Rows;

static void
add_row (Rows       *rows,
         const char *label,
         char       *value)
{
  g_ptr_array_add (rows->labels, (gpointer) label);
  g_ptr_array_add (rows->values, value);
}

static void
print_rows (Rows *rows)
{
  g_autoptr(GString) out = g_string_new (NULL);
  int width = 13;

  for (guint i = 0; i < rows->labels->len; i++)
    width = MAX (width, shmlens_cli_display_width (g_ptr_array_index (rows->labels, i)));
  for (guint i = 0; i < rows->labels->len; i++)
    {
      shmlens_cli_append_padded (out, g_ptr_array_index (rows->labels, i), width, FALSE);
      g_string_append_c (out, ' ');
      g_string_append (out, g_ptr_array_index (rows->values, i));
      g_string_append_c (out, '\n');
    }
  fputs (out->str, stdout);
}

/* The attachments' table. Its headings and the words of HOW are translated: a column
 * is as wide as its heading when that is wider (counted in characters), and HOW as
 * its widest word. */
static void
print_attachments (GPtrArray *attachments)
{
  enum { PID, COMMAND, UID, HOW, START, END, OFFSET, PERMS, N_COLUMNS };
  const char *titles[N_COLUMNS] = {
    /* Translators: column heading of the processes attached to a segment: process id */
    C_("column heading", "PID"),
    /* Translators: column heading of the processes attached to a segment: its command */
    C_("column heading", "COMMAND"),
    /* Translators: column heading of the processes attached to a segment: its user id */
    C_("column heading", "UID"),
    /* Translators: column heading of the processes attached to a segment: whether it
     * maps the segment or holds a descriptor to it */
    C_("column heading", "HOW"),
    /* Translators: column heading of the processes attached to a segment: the start
     * address of its mapping */
    C_("column heading", "START"),
    /* Translators: column heading of the processes attached to a segment: the end
     * address of its mapping */
    C_("column heading", "END"),
    /* Translators: column heading of the processes attached to a segment: the offset
     * in the segment its mapping starts at */
    C_("column heading", "OFFSET"),
    /* Translators: column heading of the processes attached to a segment: the
     * protection of its mapping or the mode of its descriptor, as “rw-s” */
    C_("column heading", "PERMS"),
  };
  const int min_widths[N_COLUMNS] = { 7, 16, 6, 5, 18, 18, 10, 0 };
  const gboolean right_align[N_COLUMNS] = { TRUE, FALSE, TRUE, FALSE, FALSE, FALSE, TRUE, FALSE };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);
  int widths[N_COLUMNS];

  for (guint i = 0; i < attachments->len; i++)
    {
      const ShmlensAttachment *a = g_ptr_array_index (attachments, i);

      g_ptr_array_add (cells, g_strdup_printf ("%d", a->pid));
      g_ptr_array_add (cells, shmlens_escape (a->command, -1));
      g_ptr_array_add (cells, g_strdup_printf ("%u", a->uid));
      if (a->how == SHMLENS_ATTACHMENT_MAPS)
        {
          /* Translators: in the HOW column: the process maps the segment */
          g_ptr_array_add (cells, g_strdup (C_("attachment", "maps")));
          g_ptr_array_add (cells, g_strdup_printf ("0x%016llx", (unsigned long long) a->start));
          g_ptr_array_add (cells, g_strdup_printf ("0x%016llx", (unsigned long long) a->end));
          g_ptr_array_add (cells, g_strdup_printf ("%llu", (unsigned long long) a->offset));
        }
      else
        {
          /* Translators: in the HOW column: the process holds a descriptor to the
           * segment (its number follows, in the START column, as “fd 4”) */
          g_ptr_array_add (cells, g_strdup (C_("attachment", "holds")));
          g_ptr_array_add (cells, g_strdup_printf ("fd %d", a->fd));
          g_ptr_array_add (cells, g_strdup (""));
          g_ptr_array_add (cells, g_strdup (""));
        }
      g_ptr_array_add (cells, g_strdup (a->perms));
    }

  for (int c = 0; c < N_COLUMNS; c++)
    widths[c] = MAX (min_widths[c], shmlens_cli_display_width (titles[c]));
  for (guint i = HOW; i < cells->len; i += N_COLUMNS)
    widths[HOW] = MAX (widths[HOW], shmlens_cli_display_width (g_ptr_array_index (cells, i)));
  /* the last column is not padded */
  widths[PERMS] = 0;

  for (int c = 0; c < N_COLUMNS; c++)
    {
      if (c > 0)
        g_string_append_c (out, ' ');
      shmlens_cli_append_padded (out, titles[c], widths[c], right_align[c]);
    }
  g_string_append_c (out, '\n');
  for (guint i = 0; i < cells->len; i++)
    {
      int c = i % N_COLUMNS;

      if (c > 0)
        g_string_append_c (out, ' ');
      shmlens_cli_append_padded (out, g_ptr_array_index (cells, i), widths[c], right_align[c]);
      if (c == N_COLUMNS - 1)
        g_string_append_c (out, '\n');
    }
  fputs (out->str, stdout);
}

static void
print_text (ShmlensSegment *segment)
{
  g_autofree char *ref = shmlens_segment_dup_ref (segment);
  g_autofree char *name = shmlens_segment_dup_display_name (segment);
  gboolean known = shmlens_segment_get_metadata_known (segment);
  guint n_processes = shmlens_segment_get_n_processes (segment);
  ShmlensSegmentKind kind = shmlens_segment_get_kind (segment);
  GPtrArray *attachments = shmlens_segment_get_attachments (segment);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  Rows rows = { labels, values };

  /* Translators: labels of `shmlens-cli info`, each followed by a value */
  add_row (&rows, _("Reference:"), g_strdup (ref));
  /* Not translated: the kind is what references start with (posix, sysv…) */
  add_row (&rows, _("Kind:"), g_strdup (shmlens_segment_kind_to_string (kind)));
  add_row (&rows, _("Name:"), g_strdup (name));
  add_row (&rows, _("Size:"), shmlens_cli_format_bytes (shmlens_segment_get_size (segment)));
  if (shmlens_segment_get_resident (segment) >= 0)
    add_row (&rows, _("Resident:"),
             shmlens_cli_format_bytes (shmlens_segment_get_resident (segment)));
  else
    add_row (&rows, _("Resident:"), g_strdup (_("unknown (needs root)")));
  add_row (&rows, _("Owner:"),
           /* Translators: the owner of a segment: user name (uid 1000), gid 1000 */
           g_strdup_printf (_("%s (uid %u), gid %u"),
                            shmlens_user_name (shmlens_segment_get_uid (segment)),
                            shmlens_segment_get_uid (segment), shmlens_segment_get_gid (segment)));
  if (known)
    add_row (&rows, _("Mode:"), shmlens_cli_format_mode (segment));
  else
    add_row (&rows, _("Mode:"),
             /* Translators: a memfd's or anonymous mapping's mode, which needs root to
              * read; the owner shown is then the one of the process holding it */
             g_strdup (_("unknown (needs root); the owner shown is the holding process's")));

  if (kind == SHMLENS_SEGMENT_KIND_SYSV)
    {
      gboolean removal = shmlens_segment_is_marked_for_removal (segment);
      gboolean locked = shmlens_segment_is_locked (segment);
      const char *state;

      if (removal)
        state = locked ? _("marked for removal, locked in memory") : _("marked for removal");
      else
        /* Translators: the state of a System V segment: not marked for removal */
        state = locked ? _("live, locked in memory") : _("live");

      add_row (&rows, _("Id:"), g_strdup_printf ("%d", shmlens_segment_get_shmid (segment)));
      add_row (&rows, _("Key:"),
               g_strdup_printf ("0x%08x", (guint32) shmlens_segment_get_key (segment)));
      add_row (&rows, _("State:"), g_strdup (state));
      /* Translators: the process that created a System V segment */
      add_row (&rows, _("Creator pid:"),
               g_strdup_printf ("%d", shmlens_segment_get_creator_pid (segment)));
      /* Translators: the process that last attached or detached a System V segment */
      add_row (&rows, _("Last pid:"),
               g_strdup_printf ("%d", shmlens_segment_get_last_pid (segment)));
      /* Translators: how many attachments the kernel counts for a System V segment */
      add_row (&rows, _("Attachments:"),
               g_strdup_printf ("%u", shmlens_segment_get_nattch (segment)));
      /* Translators: the user and group that created a System V segment */
      add_row (&rows, _("Creator:"),
               g_strdup_printf (_("uid %u, gid %u"), shmlens_segment_get_cuid (segment),
                                shmlens_segment_get_cgid (segment)));
      /* Translators: when a process last attached the segment */
      add_row (&rows, _("Attached:"), format_time (shmlens_segment_get_atime (segment)));
      /* Translators: when a process last detached the segment */
      add_row (&rows, _("Detached:"), format_time (shmlens_segment_get_dtime (segment)));
      /* Translators: when the segment's metadata last changed */
      add_row (&rows, _("Changed:"), format_time (shmlens_segment_get_ctime (segment)));
      /* Translators: how much of the segment is in swap */
      add_row (&rows, _("Swapped:"), shmlens_cli_format_bytes (shmlens_segment_get_swap (segment)));
    }
  else
    {
      /* Translators: when the segment's bytes last changed */
      add_row (&rows, _("Modified:"),
               /* Translators: a time that needs root to read */
               known ? format_time (shmlens_segment_get_mtime (segment)) : g_strdup (_("unknown")));
      add_row (&rows, _("Changed:"),
               known ? format_time (shmlens_segment_get_ctime (segment)) : g_strdup (_("unknown")));
      add_row (&rows, _("Device:"),
               /* Translators: the device (major:minor) and inode of a segment's file */
               g_strdup_printf (_("%u:%u, inode %llu"),
                                major (shmlens_segment_get_device (segment)),
                                minor (shmlens_segment_get_device (segment)),
                                (unsigned long long) shmlens_segment_get_inode (segment)));
    }
  print_rows (&rows);

  printf ("\n");
  if (shmlens_segment_is_orphan (segment))
    printf (ngettext ("%u process attached (orphan)", "%u processes attached (orphan)",
                      n_processes), n_processes);
  else if (n_processes == 0)
    printf (ngettext ("%u process attached that Shmlens may inspect; the kernel counts "
                      "attachments by others",
                      "%u processes attached that Shmlens may inspect; the kernel counts "
                      "attachments by others", n_processes), n_processes);
  else
    printf (ngettext ("%u process attached", "%u processes attached", n_processes), n_processes);
  printf ("\n");
  if (attachments->len == 0)
    return;

  print_attachments (attachments);
}

int
shmlens_cli_info (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensSegment) segment = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON object"), NULL },
    { NULL }
  };

  /* Translators: follows “shmlens-cli info [OPTION…]” in the usage line; REF is the
   * placeholder for a segment reference */
  context = g_option_context_new (_("REF — show a segment's metadata and attachments"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Shows everything known about one segment, and every process that maps it or\n"
      "holds a descriptor to it: pid, command, user, address range, offset and protection."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!shmlens_cli_parse_options (context, "info", &argc, &argv))
    return SHMLENS_CLI_EXIT_USAGE;
  if (argc != 2)
    return shmlens_cli_usage_error ("info", argc < 2 ? _("a segment reference (REF) is needed")
                                                     : _("only one REF can be given"));

  segment = shmlens_cli_resolve (argv[1], TRUE, &error);
  if (segment == NULL)
    return shmlens_cli_fail (error);

  if (json)
    {
      g_autoptr(ShmlensJsonWriter) writer = shmlens_json_writer_new (STDOUT_FILENO, TRUE);
      shmlens_cli_write_segment_json (writer, segment, TRUE);
      if (!shmlens_json_writer_finish (writer, &error))
        return shmlens_cli_fail (error);
    }
  else
    print_text (segment);

  return SHMLENS_CLI_EXIT_OK;
}
