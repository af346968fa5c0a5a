/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-info.c: `shmlens-cli info`, one segment's metadata and attachments. */
#include "config.h"

#include <stdio.h>
#include <sys/sysmacros.h>

#include "shmlens-cli.h"
#include "shmlens-users.h"
#include "shmlens-escape.h"

static char *
format_time (gint64 seconds)
{
  if (seconds == 0)
    return g_strdup ("never");
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (seconds);
  if (time == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, seconds);
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S %z");
}

static void
print_text (ShmlensSegment *segment)
{
  g_autofree char *ref = shmlens_segment_dup_ref (segment);
  g_autofree char *name = shmlens_segment_dup_display_name (segment);
  g_autofree char *mode = shmlens_cli_format_mode (segment);
  gboolean known = shmlens_segment_get_metadata_known (segment);
  guint n_processes = shmlens_segment_get_n_processes (segment);
  ShmlensSegmentKind kind = shmlens_segment_get_kind (segment);
  GPtrArray *attachments = shmlens_segment_get_attachments (segment);

  printf ("%-13s %s\n", "Reference:", ref);
  printf ("%-13s %s\n", "Kind:", shmlens_segment_kind_to_string (kind));
  printf ("%-13s %s\n", "Name:", name);
  printf ("%-13s %" G_GUINT64_FORMAT " bytes\n", "Size:", shmlens_segment_get_size (segment));
  if (shmlens_segment_get_resident (segment) >= 0)
    printf ("%-13s %" G_GINT64_FORMAT " bytes\n", "Resident:",
            shmlens_segment_get_resident (segment));
  else
    printf ("%-13s unknown (needs root)\n", "Resident:");
  printf ("%-13s %s (uid %u), gid %u\n", "Owner:",
          shmlens_user_name (shmlens_segment_get_uid (segment)),
          shmlens_segment_get_uid (segment), shmlens_segment_get_gid (segment));
  if (known)
    printf ("%-13s %s\n", "Mode:", mode);
  else
    printf ("%-13s unknown (needs root); the owner shown is the holding process's\n", "Mode:");

  if (kind == SHMLENS_SEGMENT_KIND_SYSV)
    {
      g_autofree char *atime = format_time (shmlens_segment_get_atime (segment));
      g_autofree char *dtime = format_time (shmlens_segment_get_dtime (segment));
      g_autofree char *ctime = format_time (shmlens_segment_get_ctime (segment));

      printf ("%-13s %d\n", "Id:", shmlens_segment_get_shmid (segment));
      printf ("%-13s 0x%08x\n", "Key:", (guint32) shmlens_segment_get_key (segment));
      printf ("%-13s %s%s\n", "State:",
              shmlens_segment_is_marked_for_removal (segment) ? "marked for removal" : "live",
              shmlens_segment_is_locked (segment) ? ", locked in memory" : "");
      printf ("%-13s %d\n", "Creator pid:", shmlens_segment_get_creator_pid (segment));
      printf ("%-13s %d\n", "Last pid:", shmlens_segment_get_last_pid (segment));
      printf ("%-13s %u\n", "Attachments:", shmlens_segment_get_nattch (segment));
      printf ("%-13s uid %u, gid %u\n", "Creator:", shmlens_segment_get_cuid (segment),
              shmlens_segment_get_cgid (segment));
      printf ("%-13s %s\n", "Attached:", atime);
      printf ("%-13s %s\n", "Detached:", dtime);
      printf ("%-13s %s\n", "Changed:", ctime);
      printf ("%-13s %" G_GUINT64_FORMAT " bytes\n", "Swapped:", shmlens_segment_get_swap (segment));
    }
  else
    {
      g_autofree char *mtime = known ? format_time (shmlens_segment_get_mtime (segment))
                                     : g_strdup ("unknown");
      g_autofree char *ctime = known ? format_time (shmlens_segment_get_ctime (segment))
                                     : g_strdup ("unknown");
      printf ("%-13s %s\n", "Modified:", mtime);
      printf ("%-13s %s\n", "Changed:", ctime);
      printf ("%-13s %u:%u, inode %" G_GUINT64_FORMAT "\n", "Device:",
              major (shmlens_segment_get_device (segment)),
              minor (shmlens_segment_get_device (segment)),
              (guint64) shmlens_segment_get_inode (segment));
    }

  printf ("\n%u %s attached%s\n", n_processes, n_processes == 1 ? "process" : "processes",
          shmlens_segment_is_orphan (segment) ? " (orphan)"
          : n_processes == 0 ? " that Shmlens may inspect; the kernel counts attachments by others"
          : "");
  if (attachments->len == 0)
    return;

  printf ("%7s %-16s %6s %-5s %-18s %-18s %10s %s\n", "PID", "COMMAND", "UID", "HOW",
          "START", "END", "OFFSET", "PERMS");
  for (guint i = 0; i < attachments->len; i++)
    {
      const ShmlensAttachment *a = g_ptr_array_index (attachments, i);
      g_autofree char *command = shmlens_escape (a->command, -1);

      if (a->how == SHMLENS_ATTACHMENT_MAPS)
        printf ("%7d %-16s %6u %-5s 0x%016" G_GINT64_MODIFIER "x 0x%016" G_GINT64_MODIFIER
                "x %10" G_GUINT64_FORMAT " %s\n", a->pid, command, a->uid, "maps", a->start,
                a->end, a->offset, a->perms);
      else
        printf ("%7d %-16s %6u %-5s fd %-15d %-18s %10s %s\n", a->pid, command, a->uid,
                "holds", a->fd, "", "", a->perms);
    }
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
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON object", NULL },
    { NULL }
  };

  context = g_option_context_new ("REF — show a segment's metadata and attachments");
  g_option_context_set_summary (context,
    "Shows everything known about one segment, and every process that maps it or\n"
    "holds a descriptor to it: pid, command, user, address range, offset and protection.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!shmlens_cli_parse_options (context, "info", &argc, &argv))
    return SHMLENS_CLI_EXIT_USAGE;
  if (argc != 2)
    return shmlens_cli_usage_error ("info", argc < 2 ? "a segment reference (REF) is needed"
                                                     : "only one REF can be given");

  segment = shmlens_cli_resolve (argv[1], TRUE, &error);
  if (segment == NULL)
    return shmlens_cli_fail (error);

  if (json)
    {
      g_autoptr(ShmlensJsonWriter) writer = shmlens_json_writer_new (TRUE);
      shmlens_cli_write_segment_json (writer, segment, TRUE);
      if (!shmlens_cli_print_json (writer, &error))
        return shmlens_cli_fail (error);
    }
  else
    print_text (segment);

  return SHMLENS_CLI_EXIT_OK;
}
