/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-watch.c: `shmlens-cli watch`, changes to a segment's bytes or fields as they happen. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "shmlens-cli.h"
#include "shmlens-reader.h"
#include "shmlens-tracker.h"

/* Without --length, a window larger than this would cost its size in memory at every
 * refresh (and 4 bytes per byte of change times), so we stop there and say so. */
#define DEFAULT_WINDOW_CAP ((guint64) 64 << 20)
#define MAX_WINDOW ((guint64) 1 << 30)
#define DEFAULT_INTERVAL_MS 100
#define DEFAULT_SHOWN_TEXT 32
#define DEFAULT_SHOWN_JSON 256

typedef struct
{
  ShmlensReader *reader;
  ShmlensTracker *tracker;
  GMainLoop *loop;
  char *ref;
  gboolean json;
  gsize max_shown;      /* bytes shown per run; 0: all */
  int count;            /* stop after this many reports; 0: never */
  int reported;
  guint64 size;
  int status;

  /* --layout: changes are reported by field, from the window's bytes of the previous
   * refresh, kept here (the tracker keeps only the runs that changed). */
  ShmlensFlatLayout *flat;
  ShmlensFormatFlags flags;
  guint8 *previous;
  gsize previous_valid;
  GString *old_text;
  GString *new_text;
} Watch;

static char *
format_time (GDateTime *moment)
{
  g_autofree char *seconds = g_date_time_format (moment, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *zone = g_date_time_format (moment, "%:z");

  return g_strdup_printf ("%s.%03d%s", seconds, g_date_time_get_microsecond (moment) / 1000,
                          zone);
}

static char *
format_hex (const guint8 *bytes,
            gsize         length)
{
  static const char digits[] = "0123456789abcdef";
  char *text = g_malloc (length * 2 + 1);

  for (gsize i = 0; i < length; i++)
    {
      text[2 * i] = digits[bytes[i] >> 4];
      text[2 * i + 1] = digits[bytes[i] & 0xf];
    }
  text[length * 2] = '\0';
  return text;
}

static ShmlensJsonWriter *
begin_event (const char *when,
             const char *event)
{
  ShmlensJsonWriter *json = shmlens_json_writer_new (STDOUT_FILENO, FALSE);

  shmlens_json_writer_begin_object (json);
  shmlens_json_writer_add_string (json, "time", when);
  shmlens_json_writer_add_string (json, "event", event);
  return json;
}

static gboolean
end_event (Watch             *watch,
           ShmlensJsonWriter *json)
{
  g_autoptr(GError) error = NULL;

  shmlens_json_writer_end_object (json);
  if (!shmlens_json_writer_finish (json, &error))
    {
      watch->status = shmlens_cli_fail (error);
      g_main_loop_quit (watch->loop);
      return FALSE;
    }
  return TRUE;
}

/* Counts a report; returns FALSE when --count is reached and watching ends. */
static gboolean
count_report (Watch *watch)
{
  watch->reported++;
  if (watch->count > 0 && watch->reported >= watch->count)
    {
      g_main_loop_quit (watch->loop);
      return FALSE;
    }
  return TRUE;
}

static gboolean
report_change (Watch                      *watch,
               const char                 *when,
               const ShmlensTrackerChange *change)
{
  gsize shown = watch->max_shown == 0 ? change->length : MIN (change->length, watch->max_shown);
  gboolean cut = shown < change->length;
  g_autofree char *old_hex = format_hex (change->old_bytes, shown);
  g_autofree char *new_hex = format_hex (change->new_bytes, shown);

  if (watch->json)
    {
      g_autoptr(ShmlensJsonWriter) json = begin_event (when, "change");

      shmlens_json_writer_add_int (json, "offset", (gint64) change->offset);
      shmlens_json_writer_add_int (json, "length", (gint64) change->length);
      shmlens_json_writer_add_string (json, "old", old_hex);
      shmlens_json_writer_add_string (json, "new", new_hex);
      shmlens_json_writer_add_boolean (json, "truncated", cut);
      shmlens_json_writer_add_int (json, "shown", (gint64) shown);
      if (!end_event (watch, json))
        return FALSE;
    }
  else if (cut)
    /* Not translated: the text events are "TIME EVENT key=value…" lines that scripts
     * read, the same in every language. */
    printf ("%s change offset=0x%" G_GINT64_MODIFIER "x length=%" G_GSIZE_FORMAT
            " old=%s… new=%s… (first %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
            " bytes shown)\n", when, change->offset, change->length, old_hex, new_hex,
            shown, change->length);
  else
    printf ("%s change offset=0x%" G_GINT64_MODIFIER "x length=%" G_GSIZE_FORMAT
            " old=%s new=%s\n", when, change->offset, change->length, old_hex, new_hex);

  return count_report (watch);
}

static gboolean
report_field (Watch             *watch,
              const char        *when,
              const ShmlensLeaf *leaf,
              const guint8      *now,
              guint64            window_offset,
              gsize              window_length)
{
  gboolean had_old, has_new;

  g_string_truncate (watch->old_text, 0);
  g_string_truncate (watch->new_text, 0);
  had_old = shmlens_cli_format_leaf (leaf, watch->previous, window_offset, window_length,
                                     watch->flags, watch->old_text);
  has_new = shmlens_cli_format_leaf (leaf, now, window_offset, window_length, watch->flags,
                                     watch->new_text);

  if (watch->json)
    {
      g_autoptr(ShmlensJsonWriter) json = begin_event (when, "field");

      shmlens_json_writer_add_string (json, "path", leaf->path);
      shmlens_json_writer_member (json, "old");
      if (had_old)
        shmlens_json_writer_string (json, watch->old_text->str);
      else
        shmlens_json_writer_null (json);
      shmlens_json_writer_member (json, "new");
      if (has_new)
        shmlens_json_writer_string (json, watch->new_text->str);
      else
        shmlens_json_writer_null (json);
      if (!end_event (watch, json))
        return FALSE;
    }
  else
    printf ("%s %s: %s → %s\n", when, shmlens_cli_leaf_label (leaf), watch->old_text->str,
            watch->new_text->str);

  return count_report (watch);
}

/* Compares every field between the previous refresh and this one. Only the bytes both
 * refreshes read count: a field that a truncation took away or that growth brought
 * back is a size change, as it is for bytes. */
static gboolean
report_fields (Watch      *watch,
               const char *when)
{
  gsize valid;
  const guint8 *now = shmlens_tracker_get_window_bytes (watch->tracker, &valid);
  guint64 window_offset = shmlens_tracker_get_window_offset (watch->tracker);
  gsize common;
  gsize n_leaves;
  const ShmlensLeaf *leaves;

  /* Bytes read past the size this refresh began with belong to a later state: the
   * segment grew again between the poll and the read. They are compared once the
   * growth is seen, as a size change first. */
  valid = MIN ((guint64) valid, watch->size > window_offset ? watch->size - window_offset : 0);
  common = MIN (valid, watch->previous_valid);

  if (!shmlens_tracker_get_window_changed (watch->tracker))
    {
      /* No byte both reads hold changed; but a truncation still ends what the next
       * comparison may use: the bytes past the new end are not the ones that
       * growth brings back. */
      if (valid != watch->previous_valid)
        {
          if (valid > 0)
            memcpy (watch->previous, now, valid);
          watch->previous_valid = valid;
        }
      return TRUE;
    }

  leaves = shmlens_flat_layout_get_leaves (watch->flat, &n_leaves);
  for (gsize i = 0; i < n_leaves; i++)
    if (shmlens_leaf_differs (&leaves[i], watch->previous, now, window_offset, common) &&
        !report_field (watch, when, &leaves[i], now, window_offset, common))
      return FALSE;

  if (valid > 0)
    memcpy (watch->previous, now, valid);
  watch->previous_valid = valid;
  return TRUE;
}

static gboolean
report_size (Watch      *watch,
             const char *when,
             guint64     old_size,
             guint64     new_size)
{
  if (watch->json)
    {
      g_autoptr(ShmlensJsonWriter) json = begin_event (when, "size");

      shmlens_json_writer_add_int (json, "old_size", (gint64) old_size);
      shmlens_json_writer_add_int (json, "new_size", (gint64) new_size);
      if (!end_event (watch, json))
        return FALSE;
    }
  else
    /* Not translated: a "TIME size key=value…" line that scripts read */
    printf ("%s size old_size=%" G_GUINT64_FORMAT " new_size=%" G_GUINT64_FORMAT "\n",
            when, old_size, new_size);

  return count_report (watch);
}

static gboolean
report_state (Watch      *watch,
              const char *when,
              const char *event,
              const char *explanation)
{
  if (watch->json)
    {
      g_autoptr(ShmlensJsonWriter) json = begin_event (when, event);

      shmlens_json_writer_add_string (json, "ref", watch->ref);
      if (!end_event (watch, json))
        return FALSE;
    }
  else
    /* the event's name (removed, replaced) stays as --json spells it; the explanation
     * after it is translated */
    printf ("%s %s %s: %s\n", when, event, watch->ref, explanation);

  return count_report (watch);
}

static gboolean
tick (gpointer data)
{
  Watch *watch = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = format_time (now);
  ShmlensReaderEvents events;
  const ShmlensTrackerChange *changes;
  guint n_changes;

  events = shmlens_reader_poll (watch->reader, &error);
  if (error != NULL)
    goto failed;

  if (events & (SHMLENS_READER_EVENT_GROWN | SHMLENS_READER_EVENT_TRUNCATED))
    {
      guint64 old_size = watch->size;

      watch->size = shmlens_reader_get_size (watch->reader);
      if (!report_size (watch, when, old_size, watch->size))
        goto done;
    }

  /* Read after the size: bytes that a truncation took away are a size change, not
   * a change of content. */
  if (!shmlens_tracker_refresh (watch->tracker, g_get_monotonic_time (), &error))
    goto failed;

  if (watch->flat != NULL)
    {
      if (!report_fields (watch, when))
        goto done;
    }
  else
    {
      changes = shmlens_tracker_get_changes (watch->tracker, &n_changes);
      for (guint i = 0; i < n_changes; i++)
        if (!report_change (watch, when, &changes[i]))
          goto done;
    }

  if ((events & SHMLENS_READER_EVENT_REMOVED) &&
      !report_state (watch, when, "removed",
                     _("the name is gone; still watching the bytes while they exist")))
    goto done;

  if (events & SHMLENS_READER_EVENT_REPLACED)
    {
      report_state (watch, when, "replaced",
                    /* Translators: “watch” is the command, not translated */
                    _("the name now refers to another segment; run watch again to follow it"));
      g_main_loop_quit (watch->loop);
      goto done;
    }

done:
  if (shmlens_cli_flush_stdout (&error))
    return G_SOURCE_CONTINUE;

failed:
  fflush (stdout);
  watch->status = shmlens_cli_fail (error);
  g_main_loop_quit (watch->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_signal (gpointer data)
{
  Watch *watch = data;

  g_main_loop_quit (watch->loop);
  return G_SOURCE_CONTINUE;
}

static void
announce (Watch       *watch,
          guint64      offset,
          gsize        length,
          gboolean     to_end,
          int          interval,
          const char  *header,
          ShmlensType *type,
          guint64      n_records)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = format_time (now);

  if (watch->json)
    {
      g_autoptr(ShmlensJsonWriter) json = begin_event (when, "start");

      shmlens_json_writer_add_string (json, "ref", watch->ref);
      shmlens_json_writer_add_int (json, "size", (gint64) watch->size);
      shmlens_json_writer_add_int (json, "offset", (gint64) offset);
      shmlens_json_writer_add_int (json, "length", (gint64) length);
      shmlens_json_writer_add_int (json, "interval", interval);
      if (type != NULL)
        {
          g_autofree char *display_header = g_filename_display_name (header);

          shmlens_json_writer_add_string (json, "layout", display_header);
          shmlens_json_writer_add_string (json, "type", shmlens_type_get_name (type));
          shmlens_json_writer_add_int (json, "records", (gint64) n_records);
        }
      end_event (watch, json);
    }
  else
    {
      g_autofree char *size = shmlens_cli_format_bytes (watch->size);

      if (type != NULL)
        {
          g_autofree char *record_size = shmlens_cli_format_bytes (shmlens_type_get_size (type));

          fprintf (stderr,
                   /* Translators: the segment's reference, its size (“4096 bytes”), the
                    * records watched (which selects the plural form), their C type, the
                    * size of one (“24 bytes”), the offset in hex and the interval in
                    * milliseconds */
                   ngettext ("Watching %s (%s): %llu record of “%s” (%s each) from offset "
                             "0x%llx, field by field, every %d ms. Ctrl+C stops.",
                             "Watching %s (%s): %llu records of “%s” (%s each) from offset "
                             "0x%llx, field by field, every %d ms. Ctrl+C stops.", n_records),
                   watch->ref, size, (unsigned long long) n_records,
                   shmlens_type_get_name (type), record_size, (unsigned long long) offset,
                   interval);
        }
      else if (to_end)
        fprintf (stderr,
                 /* Translators: the segment's reference, its size (“4096 bytes”), the
                  * offset in hex and the interval in milliseconds */
                 _("Watching %s (%s) from offset 0x%llx to its end (at most 64 MiB), every "
                   "%d ms. Ctrl+C stops."),
                 watch->ref, size, (unsigned long long) offset, interval);
      else
        {
          g_autofree char *watched = shmlens_cli_format_bytes (length);

          fprintf (stderr,
                   /* Translators: the segment's reference, its size (“4096 bytes”), the
                    * offset in hex, the bytes watched (“64 bytes”) and the interval in
                    * milliseconds */
                   _("Watching %s (%s) from offset 0x%llx, %s, every %d ms. Ctrl+C stops."),
                   watch->ref, size, (unsigned long long) offset, watched, interval);
        }
      fprintf (stderr, "\n");
    }
  fflush (stdout);
}

int
shmlens_cli_watch (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensReader) reader = NULL;
  g_autoptr(ShmlensTracker) tracker = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(ShmlensType) type = NULL;
  g_autoptr(ShmlensFlatLayout) flat = NULL;
  g_autoptr(GString) old_text = NULL;
  g_autoptr(GString) new_text = NULL;
  g_autofree guint8 *previous = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *offset_text = NULL;
  g_autofree char *length_text = NULL;
  g_autofree char *header = NULL;
  g_autofree char *type_name = NULL;
  g_autofree char *records_text = NULL;
  Watch watch = { 0 };
  gboolean json = FALSE;
  gboolean big_endian = FALSE;
  int interval = DEFAULT_INTERVAL_MS;
  int count = 0;
  int max_shown = -1;
  guint64 n_records = 1;
  guint64 offset = 0;
  guint64 length = 0;
  guint timeout_id, sigint_id, sigterm_id;
  g_autoptr(GString) description = g_string_new (NULL);
  const GOptionEntry entries[] = {
    { "interval", 'i', 0, G_OPTION_ARG_INT, &interval,
      N_("Look for changes every MS milliseconds (default 100)"),
      /* Translators: the placeholder for milliseconds in --help, as in “--interval=MS” */
      N_("MS") },
    { "count", 'n', 0, G_OPTION_ARG_INT, &count,
      N_("Stop after N reports (changes, fields, size changes, removal); default: never"),
      N_("N") },
    { "offset", 's', 0, G_OPTION_ARG_STRING, &offset_text,
      N_("Watch from offset N (4096, 0x1000, 4K…; default 0)"), N_("N") },
    { "length", 'l', 0, G_OPTION_ARG_STRING, &length_text,
      N_("Watch N bytes (default: to the end of the segment, at most 64 MiB)"), N_("N") },
    { "max-bytes", 'm', 0, G_OPTION_ARG_INT, &max_shown,
      N_("Show at most N bytes of a changed run (default 32, with --json 256; 0: all)"),
      N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object per line"), NULL },
    { "layout", 'L', 0, G_OPTION_ARG_FILENAME, &header,
      N_("Report changes by field of the records this C header declares, not by bytes"),
      N_("FILE.h") },
    { "type", 't', 0, G_OPTION_ARG_STRING, &type_name,
      N_("With --layout: the records' type (default: the last struct or union the header "
         "defines)"), N_("NAME") },
    { "records", 'r', 0, G_OPTION_ARG_STRING, &records_text,
      N_("With --layout: watch N records, one after the other, from --offset (default 1)"),
      N_("N") },
    { "big-endian", 0, 0, G_OPTION_ARG_NONE, &big_endian,
      N_("With --layout: read values most significant byte first"), NULL },
    { NULL }
  };

  /* Translators: the placeholder for a segment reference in the usage line */
  context = g_option_context_new (_("REF"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    /* Translators: “TIME clients[2].heartbeat: 41 → 42” is an example of a line
     * printed: only TIME may be translated */
    _("Prints changes to a segment's bytes as they happen: the time, the offset, the length\n"
      "and the old and new bytes in hex. Reads only the watched range, read-only, with\n"
      "pread(): the segment is never mapped, written or made to allocate pages.\n"
      "\n"
      "With --layout, the watched range is the bytes of --records records of --type from\n"
      "--offset, and changes are reported by field, with their values as `shmlens-cli\n"
      "show` prints them: “TIME clients[2].heartbeat: 41 → 42” (paths start with the\n"
      "record's index, “[1].…”, when --records is above 1). --count stays the number of\n"
      "reports: the number of records is --records (what show calls --count)."));
  /* The events' names and their members are what the output says in every language:
   * only what they mean is translated. */
  g_string_append (description,
                   /* Translators: "time" and "event" are JSON members, not translated */
                   _("Events (text: one line each; --json: one object per line with \"time\" "
                     "and \"event\"):"));
  g_string_append_c (description, '\n');
  shmlens_cli_append_item (description, "start", 9,
                           /* Translators: the words after the colons are JSON members, not
                            * translated; the line break is kept in the output */
                           _("(--json only) watching began: ref, size, offset, length, "
                             "interval;\nwith --layout also layout, type and records"));
  shmlens_cli_append_item (description, "change", 9,
                           /* Translators: offset, length, old, new, truncated and shown are
                            * members of the event, not translated; the line break is kept */
                           _("offset, length, old, new; runs longer than --max-bytes are cut\n"
                             "(text: \"…\"; JSON: \"truncated\": true and \"shown\")"));
  shmlens_cli_append_item (description, "field",  9,
                           /* Translators: path, old and new are members of the event, and
                            * null is JSON, not translated; the line break is kept */
                           _("(--layout) a field's value changed: path, old, new (JSON: null "
                             "while\nthe value lies past the segment's end)"));
  shmlens_cli_append_item (description, "size", 9,
                           /* Translators: old_size and new_size are members of the event,
                            * not translated; the line break is kept */
                           _("the segment grew or shrank: old_size, new_size; fields that a "
                             "size\nchange takes away or brings back are not reported as "
                             "fields"));
  shmlens_cli_append_item (description, "removed", 9,
                           _("its name was removed; watching goes on while the bytes exist"));
  shmlens_cli_append_item (description, "replaced", 9,
                           /* Translators: the line break is kept in the output */
                           _("the name now refers to another segment; watch reports it and "
                             "exits\nwith status 0: run it again to watch the new segment"));
  g_string_append_c (description, '\n');
  g_string_append (description,
                   _("Exit status: 0 when stopped by --count, by replacement, or by SIGINT or "
                     "SIGTERM;\n1 on an error; 2 on a usage error."));
  g_option_context_set_description (context, description->str);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!shmlens_cli_parse_options (context, "watch", &argc, &argv))
    return SHMLENS_CLI_EXIT_USAGE;

  if (argc != 2)
    return shmlens_cli_usage_error ("watch", argc < 2 ? _("watch needs a segment reference")
                                                      : _("watch takes one segment reference"));
  if (interval <= 0)
    return shmlens_cli_usage_error ("watch", _("--interval must be at least 1 (milliseconds)"));
  if (count < 0)
    return shmlens_cli_usage_error ("watch", _("--count must not be negative"));
  if (max_shown < -1)
    return shmlens_cli_usage_error ("watch", _("--max-bytes must not be negative"));
  if (offset_text != NULL && !shmlens_cli_parse_size ("--offset", offset_text, &offset, &error))
    return shmlens_cli_usage_error ("watch", "%s", error->message);
  if (length_text != NULL && !shmlens_cli_parse_size ("--length", length_text, &length, &error))
    return shmlens_cli_usage_error ("watch", "%s", error->message);
  if (length_text != NULL && length > MAX_WINDOW)
    return shmlens_cli_usage_error ("watch", _("--length: at most 1 GiB can be watched at "
                                               "once; watch several ranges instead"));
  if (header == NULL && (type_name != NULL || records_text != NULL || big_endian))
    return shmlens_cli_usage_error ("watch", _("--type, --records and --big-endian need "
                                               "--layout=FILE.h"));
  if (header != NULL && length_text != NULL)
    return shmlens_cli_usage_error ("watch", _("--length and --layout cannot be used together: "
                                               "with --layout, the records' bytes are watched"));
  if (header != NULL && max_shown != -1)
    return shmlens_cli_usage_error ("watch", _("--max-bytes and --layout cannot be used "
                                               "together: with --layout, changes are whole "
                                               "values"));
  if (records_text != NULL &&
      !g_ascii_string_to_unsigned (records_text, 10, 1, G_MAXUINT32, &n_records, NULL))
    {
      g_autofree char *escaped = g_strescape (records_text, NULL);
      return shmlens_cli_usage_error ("watch",
                                      /* Translators: %s is what was given for --records */
                                      _("--records: “%s” is not a number of records "
                                        "(1 or more)"), escaped);
    }

  if (header != NULL)
    {
      type = shmlens_cli_load_type (header, type_name, &error);
      if (type == NULL)
        return shmlens_cli_fail (error);
      flat = shmlens_cli_flatten_records (type, offset, n_records, &error);
      if (flat == NULL)
        return shmlens_cli_fail (error);
      length = shmlens_flat_layout_get_end (flat) - offset;
    }

  reader = shmlens_cli_open_reader (argv[1], &error);
  if (reader == NULL)
    return shmlens_cli_fail (error);

  ref = shmlens_segment_dup_ref (shmlens_reader_get_segment (reader));
  watch.size = shmlens_reader_get_size (reader);

  if (flat != NULL)
    {
      if (offset + length > watch.size)
        {
          g_autofree char *size = shmlens_cli_format_bytes (watch.size);

          fprintf (stderr, "shmlens-cli: ");
          fprintf (stderr,
                   /* Translators: where the records end (a byte's offset), the segment's
                    * reference and its size (“4096 bytes”) */
                   _("the records end at byte %llu, past the end of %s (%s); changes to "
                     "fields there are reported once it grows to hold them."),
                   (unsigned long long) (offset + length), ref, size);
          fprintf (stderr, "\n");
        }
    }
  else if (length_text == NULL)
    {
      guint64 rest = watch.size > offset ? watch.size - offset : 0;

      length = DEFAULT_WINDOW_CAP;
      if (rest > DEFAULT_WINDOW_CAP)
        {
          g_autofree char *size_text = shmlens_cli_format_size (watch.size);
          fprintf (stderr, "shmlens-cli: ");
          fprintf (stderr,
                   /* Translators: the segment's reference, its size (as “1.0 GiB”) and the
                    * offset in hex */
                   _("%s is %s; watching 64 MiB from offset 0x%llx. Choose another range "
                     "with --offset and --length."),
                   ref, size_text, (unsigned long long) offset);
          fprintf (stderr, "\n");
        }
    }
  if (flat == NULL && offset >= watch.size)
    {
      g_autofree char *size = shmlens_cli_format_bytes (watch.size);

      fprintf (stderr, "shmlens-cli: ");
      fprintf (stderr,
               /* Translators: the offset in hex, the segment's reference and its size
                * (“4096 bytes”) */
               _("offset 0x%llx is at or past the end of %s (%s); reporting what appears "
                 "when it grows."),
               (unsigned long long) offset, ref, size);
      fprintf (stderr, "\n");
    }

  tracker = shmlens_tracker_new (reader);
  shmlens_tracker_set_window (tracker, offset, length);
  if (!shmlens_tracker_refresh (tracker, g_get_monotonic_time (), &error))
    return shmlens_cli_fail (error);

  if (flat != NULL)
    {
      const guint8 *baseline = shmlens_tracker_get_window_bytes (tracker, &watch.previous_valid);

      previous = g_malloc (MAX (length, 1));
      if (watch.previous_valid > 0)
        memcpy (previous, baseline, watch.previous_valid);
      old_text = g_string_new (NULL);
      new_text = g_string_new (NULL);
      watch.flat = flat;
      watch.flags = big_endian ? SHMLENS_FORMAT_BIG_ENDIAN : SHMLENS_FORMAT_DEFAULT;
      watch.previous = previous;
      watch.old_text = old_text;
      watch.new_text = new_text;
    }

  loop = g_main_loop_new (NULL, FALSE);
  watch.reader = reader;
  watch.tracker = tracker;
  watch.loop = loop;
  watch.ref = ref;
  watch.json = json;
  watch.count = count;
  watch.max_shown = max_shown >= 0 ? (gsize) max_shown
                                   : (json ? DEFAULT_SHOWN_JSON : DEFAULT_SHOWN_TEXT);
  watch.status = SHMLENS_CLI_EXIT_OK;

  /* Catch the signals before saying that watching began: whoever reads that may
   * stop us at once, and must get a clean exit. */
  sigint_id = g_unix_signal_add (SIGINT, on_signal, &watch);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &watch);
  announce (&watch, offset, shmlens_tracker_get_window_length (tracker), length_text == NULL,
            interval, header, type, n_records);

  timeout_id = g_timeout_add (interval, tick, &watch);
  if (watch.status == SHMLENS_CLI_EXIT_OK)
    g_main_loop_run (loop);
  g_source_remove (timeout_id);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  fflush (stdout);
  return watch.status;
}
