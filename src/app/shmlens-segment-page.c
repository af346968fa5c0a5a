/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-segment-page.c: one open segment: hex view, overview and the side panels.
 *
 * The page is the controller of one segment: it owns the reader and the tracker, and
 * a timer at the chosen rate polls the reader for what happened to the segment,
 * refreshes the window the hex view shows, advances the overview scan within a small
 * budget, and hands each view what it needs. The views never read the segment. */
#include "config.h"

#include <glib/gi18n.h>

#include "shmlens-a11y.h"
#include "shmlens-attachments-panel.h"
#include "shmlens-created.h"
#include "shmlens-hex-view.h"
#include "shmlens-inspector.h"
#include "shmlens-overview.h"
#include "shmlens-plot.h"
#include "shmlens-reader.h"
#include "shmlens-ref.h"
#include "shmlens-segment-page.h"
#include "shmlens-settings.h"
#include "shmlens-structure-panel.h"
#include "shmlens-test-segments.h"
#include "shmlens-tracker.h"
#include "shmlens-writers-panel.h"

/* CPU time the overview scan may take per refresh: at 10 Hz, 1 % of a core (a full
 * pass over a dense 1 GiB segment then takes about 15 s). */
#define SCAN_BUDGET_US 1000
/* Bytes decoded by the inspector: the largest value is 8 bytes wide. */
#define INSPECTED_BYTES 8
/* The most the structure panel is handed per refresh. It asks for the rows it shows
 * and the fields watched; only fields watched far apart in a huge placement can ask
 * for more, and those past this read as unavailable. */
#define MAX_STRUCTURE_BYTES ((guint64) 16 << 20)

struct _ShmlensSegmentPage
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkRevealer *test_revealer;
  GtkLabel *test_label;
  GtkCheckButton *keep_check;
  GtkWidget *remove_button;
  GtkWidget *remove_dialog;     /* weak: the confirmation, while it is up */
  GtkRevealer *banner_revealer;
  GtkRevealer *explanation_revealer;
  GtkLabel *explanation_title;
  GtkLabel *explanation_text;
  GtkWidget *banner;
  GtkLabel *banner_label;
  GtkWidget *reopen_button;
  GtkStack *stack;
  ShmlensHexView *hex_view;
  ShmlensOverview *overview;
  ShmlensInspector *inspector;
  ShmlensAttachmentsPanel *attachments;
  GtkStack *side_stack;
  ShmlensStructurePanel *structure;
  ShmlensPlot *plot;
  ShmlensWritersPanel *writers;
  GtkLabel *error_label;

  GByteArray *structure_bytes;
  GHashTable *watched_series;   /* field path → the plot's series id */
  GSettings *settings;          /* NULL when the schema is not installed */
  gboolean applying_layout;
  gboolean selecting_field;
  gboolean updating_test_bar;
  gboolean choosing_panel;      /* the page, not the person, switches the side panel */

  ShmlensSegment *segment;
  ShmlensReader *reader;
  ShmlensTracker *tracker;
  char *title;
  char *subtitle;

  guint timeout_id;
  guint hertz;
  gboolean paused;
  gboolean follow_writes;
  gboolean changes_since_pause;
  gint64 paused_at;
  gint64 last_followed;
};

enum
{
  PROP_0,
  PROP_SEGMENT,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_FOLLOW_WRITES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_test_bar (ShmlensSegmentPage *self);

G_DEFINE_FINAL_TYPE (ShmlensSegmentPage, shmlens_segment_page, GTK_TYPE_WIDGET)

static const char *
kind_label (ShmlensSegmentKind kind)
{
  switch (kind)
    {
    case SHMLENS_SEGMENT_KIND_POSIX: return _("POSIX");
    case SHMLENS_SEGMENT_KIND_SYSV: return _("System V");
    case SHMLENS_SEGMENT_KIND_MEMFD: return _("memfd");
    case SHMLENS_SEGMENT_KIND_ANON: return _("Shared anonymous");
    case SHMLENS_SEGMENT_KIND_FILE: return _("File");
    default: return "";
    }
}

static void
update_titles (ShmlensSegmentPage *self)
{
  g_autofree char *name = shmlens_segment_dup_display_name (self->segment);
  g_autofree char *ref = shmlens_segment_dup_ref (self->segment);
  guint64 size = self->reader != NULL ? shmlens_reader_get_size (self->reader)
                                      : shmlens_segment_get_size (self->segment);
  g_autofree char *size_text = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
  ShmlensSegmentKind kind = shmlens_segment_get_kind (self->segment);
  char *title;
  char *subtitle;

  /* anonymous memory has no name of its own: its reference says where it is */
  if (kind == SHMLENS_SEGMENT_KIND_ANON || *name == '\0')
    title = g_strdup (ref);
  else if (kind == SHMLENS_SEGMENT_KIND_POSIX)
    title = g_strconcat ("/", name, NULL);
  else
    title = g_steal_pointer (&name);
  /* Translators: the window's subtitle: the kind of segment, its size, its reference */
  subtitle = g_strdup_printf (_("%s · %s · %s"), kind_label (kind), size_text, ref);

  if (g_strcmp0 (title, self->title) != 0)
    {
      g_free (self->title);
      self->title = title;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
  else
    g_free (title);
  if (g_strcmp0 (subtitle, self->subtitle) != 0)
    {
      g_free (self->subtitle);
      self->subtitle = subtitle;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTITLE]);
    }
  else
    g_free (subtitle);
}

static void
show_banner (ShmlensSegmentPage *self,
             const char         *style,
             const char         *message,
             gboolean            offer_reopen)
{
  gtk_widget_remove_css_class (self->banner, "info");
  gtk_widget_remove_css_class (self->banner, "warning");
  gtk_widget_remove_css_class (self->banner, "error");
  gtk_widget_add_css_class (self->banner, style);
  gtk_label_set_label (self->banner_label, message);
  gtk_widget_set_visible (self->reopen_button, offer_reopen);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
update_inspector (ShmlensSegmentPage *self,
                  gint64              now_us)
{
  guint8 bytes[INSPECTED_BYTES];
  guint64 cursor = shmlens_hex_view_get_cursor (self->hex_view);
  gssize n;

  if (self->reader == NULL)
    return;
  n = shmlens_reader_read (self->reader, cursor, bytes, sizeof bytes, NULL);
  if (n <= 0)
    shmlens_inspector_clear (self->inspector);
  else
    shmlens_inspector_set_data (self->inspector, cursor, bytes, n, now_us);
}

/* Hands the structure panel the bytes it shows, and the plot the watched values. */
static void
update_structure (ShmlensSegmentPage *self,
                  gint64              now_us)
{
  GHashTableIter iter;
  gpointer path, series;
  guint64 offset, size;
  gssize n;

  if (self->reader == NULL || !shmlens_structure_panel_has_layout (self->structure))
    return;
  shmlens_structure_panel_get_range (self->structure, &offset, &size);
  if (size == 0)
    return;
  size = MIN (size, MAX_STRUCTURE_BYTES);
  g_byte_array_set_size (self->structure_bytes, (guint) size);
  n = shmlens_reader_read (self->reader, offset, self->structure_bytes->data, size, NULL);
  shmlens_structure_panel_refresh (self->structure, self->structure_bytes->data, offset,
                                   (gsize) MAX (n, 0), now_us);

  if (g_hash_table_size (self->watched_series) == 0)
    return;
  g_hash_table_iter_init (&iter, self->watched_series);
  while (g_hash_table_iter_next (&iter, &path, &series))
    {
      double value;

      if (shmlens_structure_panel_get_leaf_value (self->structure, path, &value))
        shmlens_plot_add_point (self->plot, GPOINTER_TO_UINT (series), now_us, value);
    }
  shmlens_plot_set_now (self->plot, now_us);
}

static void
handle_events (ShmlensSegmentPage  *self,
               ShmlensReaderEvents  events)
{
  g_autofree char *size = g_format_size_full (shmlens_reader_get_size (self->reader),
                                              G_FORMAT_SIZE_IEC_UNITS | G_FORMAT_SIZE_LONG_FORMAT);
  g_autofree char *message = NULL;

  if (events == SHMLENS_READER_EVENT_NONE)
    return;

  if (events & (SHMLENS_READER_EVENT_GROWN | SHMLENS_READER_EVENT_TRUNCATED))
    update_titles (self);

  if (shmlens_reader_is_replaced (self->reader))
    show_banner (self, "warning",
                 _("Another segment now has this name. This tab still shows the old one, "
                   "which is no longer reachable by name."), TRUE);
  else if (shmlens_reader_is_removed (self->reader))
    show_banner (self, "warning",
                 _("This segment was removed. Its last bytes stay on screen while Shmlens "
                   "keeps it open; no process can open it by name any more."), FALSE);
  else if (events & SHMLENS_READER_EVENT_TRUNCATED)
    {
      message = g_strdup_printf (_("The segment was truncated to %s."), size);
      show_banner (self, "info", message, FALSE);
    }
  else if (events & SHMLENS_READER_EVENT_GROWN)
    {
      message = g_strdup_printf (_("The segment grew to %s."), size);
      show_banner (self, "info", message, FALSE);
    }
}

/* "Follow writes": keep the most recently written place in view. The window's own
 * changes are exact; elsewhere the overview knows the block. */
static void
follow_writes (ShmlensSegmentPage *self,
               gint64              now_us)
{
  guint n_changes = 0;
  const ShmlensTrackerChange *changes = shmlens_tracker_get_changes (self->tracker, &n_changes);
  gint64 changed_at = 0;
  gint64 block;

  if (n_changes > 0)
    {
      self->last_followed = now_us;
      shmlens_hex_view_set_cursor (self->hex_view, changes[n_changes - 1].offset, FALSE);
      return;
    }

  block = shmlens_tracker_get_last_changed_block (self->tracker, &changed_at);
  if (block >= 0 && changed_at > self->last_followed)
    {
      self->last_followed = changed_at;
      shmlens_hex_view_set_cursor (self->hex_view,
                                   (guint64) block * shmlens_tracker_get_block_size (self->tracker),
                                   FALSE);
    }
}

static gboolean
on_tick (gpointer user_data)
{
  ShmlensSegmentPage *self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();
  ShmlensReaderEvents events;

  if (self->paused || self->reader == NULL)
    return G_SOURCE_CONTINUE;

  events = shmlens_reader_poll (self->reader, &error);
  if (error != NULL)
    {
      show_banner (self, "error", error->message, FALSE);
      g_clear_error (&error);
    }
  handle_events (self, events);

  if (!shmlens_tracker_refresh (self->tracker, now, &error))
    {
      show_banner (self, "error", error->message, FALSE);
      g_clear_error (&error);
    }
  shmlens_hex_view_refreshed (self->hex_view, now);

  if (!shmlens_tracker_scan (self->tracker, SCAN_BUDGET_US, NULL, &error))
    {
      show_banner (self, "error", error->message, FALSE);
      g_clear_error (&error);
    }
  shmlens_overview_set_visible_range (self->overview,
                                      shmlens_tracker_get_window_offset (self->tracker),
                                      shmlens_tracker_get_window_length (self->tracker));
  shmlens_overview_refreshed (self->overview, now);

  if (self->follow_writes)
    follow_writes (self, now);
  update_inspector (self, now);
  update_structure (self, now);

  return G_SOURCE_CONTINUE;
}

static void
restart_timer (ShmlensSegmentPage *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->reader == NULL)
    return;
  self->timeout_id = g_timeout_add (1000 / MAX (self->hertz, 1), on_tick, self);
}

static void
close_reader (ShmlensSegmentPage *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  shmlens_hex_view_set_tracker (self->hex_view, NULL);
  shmlens_overview_set_tracker (self->overview, NULL);
  g_clear_object (&self->tracker);
  if (self->reader != NULL)
    shmlens_reader_close (self->reader);
  g_clear_object (&self->reader);
}

static void
open_reader (ShmlensSegmentPage *self)
{
  g_autoptr(GError) error = NULL;

  close_reader (self);
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);

  self->reader = shmlens_reader_open (self->segment, &error);
  if (self->reader == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      shmlens_attachments_panel_set_segment (self->attachments, self->segment);
      shmlens_writers_panel_set_segment (self->writers, self->segment);
      update_test_bar (self);
      update_titles (self);
      return;
    }

  self->tracker = shmlens_tracker_new (self->reader);
  shmlens_hex_view_set_tracker (self->hex_view, self->tracker);
  shmlens_overview_set_tracker (self->overview, self->tracker);
  shmlens_attachments_panel_set_segment (self->attachments, self->segment);
  shmlens_writers_panel_set_segment (self->writers, self->segment);
  update_test_bar (self);
  if (self->changes_since_pause)
    shmlens_hex_view_set_highlight_since (self->hex_view, g_get_monotonic_time ());
  gtk_stack_set_visible_child_name (self->stack, "view");
  update_titles (self);
  update_inspector (self, g_get_monotonic_time ());
  update_structure (self, g_get_monotonic_time ());
  shmlens_structure_panel_select_offset (self->structure,
                                         shmlens_hex_view_get_cursor (self->hex_view));
  restart_timer (self);
}

/* Looks the reference up again: after a replacement it names the new segment, and
 * after a permission change it may now open. */
static void
on_reopen_clicked (ShmlensSegmentPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = shmlens_segment_dup_ref (self->segment);
  g_autoptr(ShmlensRef) ref = shmlens_ref_parse (text, &error);
  g_autoptr(ShmlensSegment) segment = NULL;

  if (ref != NULL)
    segment = shmlens_ref_resolve (ref, FALSE, &error);
  if (segment == NULL)
    {
      show_banner (self, "error", error->message, FALSE);
      return;
    }
  g_set_object (&self->segment, segment);
  open_reader (self);
}

/* A test segment says so, and whether it goes when Shmlens closes. */
static void
update_test_bar (ShmlensSegmentPage *self)
{
  gboolean keep = FALSE;
  gboolean of_session = shmlens_test_segments_lookup (shmlens_test_segments_get_default (),
                                                      self->segment, &keep);
  gboolean ours = of_session || shmlens_writers_panel_get_available (self->writers);

  gtk_revealer_set_reveal_child (self->test_revealer, ours);
  if (!ours)
    return;
  if (!of_session)
    gtk_label_set_text (self->test_label,
                        _("Test segment created by Shmlens — not removed when Shmlens closes"));
  else if (keep)
    gtk_label_set_text (self->test_label, _("Test segment — kept when Shmlens closes"));
  else
    gtk_label_set_text (self->test_label, _("Test segment — removed when Shmlens closes"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->test_label),
                               gtk_label_get_text (self->test_label));
  gtk_widget_set_visible (GTK_WIDGET (self->keep_check), of_session);
  self->updating_test_bar = TRUE;
  gtk_check_button_set_active (self->keep_check, keep);
  self->updating_test_bar = FALSE;
}

static void
on_keep_toggled (ShmlensSegmentPage *self)
{
  g_autofree char *ref = NULL;

  if (self->updating_test_bar)
    return;
  ref = shmlens_segment_dup_ref (self->segment);
  shmlens_test_segments_set_keep (shmlens_test_segments_get_default (), ref,
                                  gtk_check_button_get_active (self->keep_check));
}

/* Removes the segment's name (shmlens_created_remove() refuses a segment Shmlens did
 * not create). The reader sees it gone at the next refresh and the page says so;
 * processes that have it open keep it. */
static void
remove_segment (ShmlensSegmentPage *self)
{
  g_autofree char *ref = shmlens_segment_dup_ref (self->segment);
  g_autoptr(GError) error = NULL;

  if (!shmlens_created_remove (ref, FALSE, &error))
    {
      show_banner (self, "error", error->message, FALSE);
      return;
    }
  gtk_widget_set_sensitive (self->remove_button, FALSE);
}

static void
on_remove_response (ShmlensSegmentPage *self,
                    int                 response,
                    GtkDialog          *dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    remove_segment (self);
}

/* Remove, asking first unless the person turned that off in the Preferences. */
static void
on_remove_clicked (ShmlensSegmentPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *button;

  if (self->settings != NULL && !g_settings_get_boolean (self->settings, "confirm-remove"))
    {
      remove_segment (self);
      return;
    }
  if (self->remove_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->remove_dialog));
      return;
    }

  self->remove_dialog =
    gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                            GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                            GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                            /* Translators: %s is a segment's name */
                            _("Remove the test segment “%s”?"), self->title);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (self->remove_dialog), "%s",
    _("Its name goes at once, and no other process can open it any more. Processes that "
      "have it open, writers included, keep it until they close it."));
  gtk_dialog_add_button (GTK_DIALOG (self->remove_dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  button = gtk_dialog_add_button (GTK_DIALOG (self->remove_dialog), _("_Remove"),
                                  GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (self->remove_dialog), GTK_RESPONSE_CANCEL);
  g_object_add_weak_pointer (G_OBJECT (self->remove_dialog), (gpointer *) &self->remove_dialog);
  g_signal_connect_object (self->remove_dialog, "response", G_CALLBACK (on_remove_response),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->remove_dialog));
}

static void
on_test_segments_changed (ShmlensSegmentPage *self)
{
  update_test_bar (self);
}

static void
on_tints_changed (ShmlensSegmentPage *self)
{
  guint n = 0;
  const ShmlensHexTint *tints = shmlens_writers_panel_get_tints (self->writers, &n);

  shmlens_hex_view_set_tints (self->hex_view, tints, n);
}

static void
on_cursor_changed (ShmlensSegmentPage *self)
{
  update_inspector (self, g_get_monotonic_time ());
  /* The structure follows the cursor, unless the cursor moved because a field was
   * picked in the structure: then the deepest field at the cursor is not the one the
   * person picked. */
  if (!self->selecting_field)
    shmlens_structure_panel_select_offset (self->structure,
                                           shmlens_hex_view_get_cursor (self->hex_view));
}

static void
on_field_selected (ShmlensSegmentPage *self,
                   guint64             offset,
                   guint64             size)
{
  self->selecting_field = TRUE;
  shmlens_hex_view_select_range (self->hex_view, offset, offset + MAX (size, 1));
  shmlens_hex_view_scroll_to_offset (self->hex_view, offset);
  self->selecting_field = FALSE;
}

static void
on_field_watch_toggled (ShmlensSegmentPage *self,
                        const char         *path,
                        gboolean            watched)
{
  gpointer series;

  if (watched && !g_hash_table_contains (self->watched_series, path))
    g_hash_table_insert (self->watched_series, g_strdup (path),
                         GUINT_TO_POINTER (shmlens_plot_add_series (self->plot, path)));
  else if (!watched && g_hash_table_lookup_extended (self->watched_series, path, NULL, &series))
    {
      shmlens_plot_remove_series (self->plot, GPOINTER_TO_UINT (series));
      g_hash_table_remove (self->watched_series, path);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->plot), g_hash_table_size (self->watched_series) > 0);
}

/* Layouts remembered per segment, in the settings: "segment-layouts" maps the
 * segment's reference to (header path, text written in the app, type, offset, count). */

static void
remember_layout (ShmlensSegmentPage *self)
{
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GVariant) old = NULL;
  GFile *file;
  const char *text = "";
  const char *type_name;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *entry_key;
  GVariant *entry;
  guint64 offset, count;

  if (self->settings == NULL || self->applying_layout ||
      !shmlens_structure_panel_has_layout (self->structure))
    return;

  key = shmlens_segment_dup_ref (self->segment);
  file = shmlens_structure_panel_get_layout_file (self->structure);
  if (file != NULL)
    path = g_file_get_path (file);
  if (path == NULL)
    text = shmlens_structure_panel_get_layout_text (self->structure);
  type_name = shmlens_structure_panel_get_type_name (self->structure);
  shmlens_structure_panel_get_placement (self->structure, &offset, &count);

  old = g_settings_get_value (self->settings, "segment-layouts");
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(ssstt)}"));
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s@(ssstt)}", &entry_key, &entry))
    {
      if (!g_str_equal (entry_key, key))
        g_variant_builder_add (&builder, "{s@(ssstt)}", entry_key, entry);
      g_variant_unref (entry);
    }
  g_variant_builder_add (&builder, "{s(ssstt)}", key, path != NULL ? path : "",
                         text != NULL ? text : "", type_name != NULL ? type_name : "",
                         offset, count);
  g_settings_set_value (self->settings, "segment-layouts", g_variant_builder_end (&builder));
}

static void
apply_remembered_layout (ShmlensSegmentPage *self)
{
  g_autofree char *key = shmlens_segment_dup_ref (self->segment);
  g_autoptr(GVariant) layouts = NULL;
  const char *path, *text, *type_name;
  guint64 offset, count;

  if (self->settings == NULL)
    return;
  layouts = g_settings_get_value (self->settings, "segment-layouts");
  if (!g_variant_lookup (layouts, key, "(&s&s&stt)", &path, &text, &type_name, &offset, &count))
    return;

  self->applying_layout = TRUE;
  if (*path != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      shmlens_structure_panel_set_layout_file (self->structure, file);
    }
  else if (*text != '\0')
    shmlens_structure_panel_set_layout_text (self->structure, text, _("Remembered layout"));
  if (*type_name != '\0')
    shmlens_structure_panel_set_type_name (self->structure, type_name);
  shmlens_structure_panel_set_placement (self->structure, offset, MAX (count, 1));
  self->applying_layout = FALSE;
  /* A segment someone gave a layout reads best as its fields. */
  if (shmlens_structure_panel_has_layout (self->structure))
    shmlens_segment_page_show_panel (self, "structure");
}

static void
on_hex_view_first_map (GtkWidget *hex_view)
{
  g_signal_handlers_disconnect_by_func (hex_view, on_hex_view_first_map, NULL);
  gtk_widget_grab_focus (hex_view);
}

/**
 * shmlens_segment_page_focus_bytes:
 * @self: a segment page
 *
 * Gives the keyboard to the hex view, when the page shows one.
 */
void
shmlens_segment_page_focus_bytes (ShmlensSegmentPage *self)
{
  g_return_if_fail (SHMLENS_IS_SEGMENT_PAGE (self));

  /* A page opened before its window is shown (`shmlens REF`) would lose the keyboard
   * to the window's first focusable widget when the window maps: wait for that. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self->hex_view)))
    {
      g_signal_connect (self->hex_view, "map", G_CALLBACK (on_hex_view_first_map), NULL);
      return;
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->hex_view));
}

static void
on_overview_jump (ShmlensSegmentPage *self,
                  guint64             offset)
{
  shmlens_hex_view_set_cursor (self->hex_view, offset, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->hex_view));
}

static void
shmlens_segment_page_dispose (GObject *object)
{
  ShmlensSegmentPage *self = SHMLENS_SEGMENT_PAGE (object);

  close_reader (self);
  if (self->structure != NULL)
    g_signal_handlers_disconnect_by_data (self->structure, self);
  if (self->writers != NULL)
    g_signal_handlers_disconnect_by_data (self->writers, self);
  if (self->remove_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->remove_dialog));
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMLENS_TYPE_SEGMENT_PAGE);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (shmlens_segment_page_parent_class)->dispose (object);
}

static void
shmlens_segment_page_finalize (GObject *object)
{
  ShmlensSegmentPage *self = SHMLENS_SEGMENT_PAGE (object);

  g_clear_object (&self->segment);
  g_clear_pointer (&self->structure_bytes, g_byte_array_unref);
  g_clear_pointer (&self->watched_series, g_hash_table_unref);
  g_free (self->title);
  g_free (self->subtitle);

  G_OBJECT_CLASS (shmlens_segment_page_parent_class)->finalize (object);
}

static void
shmlens_segment_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ShmlensSegmentPage *self = SHMLENS_SEGMENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_SEGMENT:
      g_value_set_object (value, self->segment);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    case PROP_FOLLOW_WRITES:
      g_value_set_boolean (value, self->follow_writes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_segment_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ShmlensSegmentPage *self = SHMLENS_SEGMENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_SEGMENT:
      self->segment = g_value_dup_object (value);
      break;
    case PROP_FOLLOW_WRITES:
      shmlens_segment_page_set_follow_writes (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_segment_page_constructed (GObject *object)
{
  ShmlensSegmentPage *self = SHMLENS_SEGMENT_PAGE (object);

  G_OBJECT_CLASS (shmlens_segment_page_parent_class)->constructed (object);

  g_assert (self->segment != NULL);
  apply_remembered_layout (self);
  open_reader (self);
}

static void
on_explanation_closed (ShmlensSegmentPage *self)
{
  gtk_revealer_set_reveal_child (self->explanation_revealer, FALSE);
}

static void
shmlens_segment_page_class_init (ShmlensSegmentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmlens_segment_page_dispose;
  object_class->finalize = shmlens_segment_page_finalize;
  object_class->get_property = shmlens_segment_page_get_property;
  object_class->set_property = shmlens_segment_page_set_property;
  object_class->constructed = shmlens_segment_page_constructed;

  properties[PROP_SEGMENT] =
    g_param_spec_object ("segment", NULL, NULL, SHMLENS_TYPE_SEGMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ShmlensSegmentPage:follow-writes:
   *
   * Whether the hex view scrolls to keep the most recently written place in view.
   */
  properties[PROP_FOLLOW_WRITES] =
    g_param_spec_boolean ("follow-writes", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SHMLENS_TYPE_HEX_VIEW);
  g_type_ensure (SHMLENS_TYPE_OVERVIEW);
  g_type_ensure (SHMLENS_TYPE_INSPECTOR);
  g_type_ensure (SHMLENS_TYPE_ATTACHMENTS_PANEL);
  g_type_ensure (SHMLENS_TYPE_STRUCTURE_PANEL);
  g_type_ensure (SHMLENS_TYPE_PLOT);
  g_type_ensure (SHMLENS_TYPE_WRITERS_PANEL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/shmlens/Shmlens/shmlens-segment-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, box);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, test_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, test_label);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, keep_check);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, remove_button);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, explanation_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, explanation_title);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, explanation_text);
  gtk_widget_class_bind_template_callback (widget_class, on_explanation_closed);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, banner);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, reopen_button);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, hex_view);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, overview);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, inspector);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, attachments);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, side_stack);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, structure);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, plot);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, writers);
  gtk_widget_class_bind_template_child (widget_class, ShmlensSegmentPage, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_reopen_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_keep_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);
}

/* What the person chose in the Preferences, applied to this page's widgets. Only
 * read (G_SETTINGS_BIND_GET): the Preferences window and the settings.* actions
 * change them. */
static void
bind_settings (ShmlensSegmentPage *self)
{
  if (self->settings == NULL)
    return;
  shmlens_settings_bind_bytes_per_row (self->settings, self->hex_view, "bytes-per-row",
                                       G_SETTINGS_BIND_GET);
  shmlens_settings_bind_group_size (self->settings, self->hex_view, "group-size",
                                    G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "font", self->hex_view, "font", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "fade-time", self->hex_view, "fade-time", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "fade-time", self->inspector, "fade-time", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "fade-time", self->structure, "fade-time", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "show-overview", self->overview, "visible", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "follow-writes", self, "follow-writes", G_SETTINGS_BIND_GET);

  /* A new page opens on the side panel the person chose last. Not a binding: one
   * page's choice should not switch the panels of the pages already open. */
  {
    g_autofree char *panel = g_settings_get_string (self->settings, "side-panel");

    if (gtk_stack_get_child_by_name (self->side_stack, panel) != NULL)
      shmlens_segment_page_show_panel (self, panel);
  }
}

/* The person switched the side panel: the next page opens on it. */
static void
on_side_panel_switched (ShmlensSegmentPage *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->side_stack);

  if (self->choosing_panel || self->settings == NULL || name == NULL)
    return;
  g_settings_set_string (self->settings, "side-panel", name);
}

static void
shmlens_segment_page_init (ShmlensSegmentPage *self)
{
  self->hertz = 10;
  self->structure_bytes = g_byte_array_new ();
  self->watched_series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->settings = shmlens_settings_get ();
  if (self->settings != NULL)
    g_object_ref (self->settings);
  gtk_widget_init_template (GTK_WIDGET (self));
  shmlens_a11y_name_mnemonic_buttons (GTK_WIDGET (self));
  bind_settings (self);
  g_signal_connect_swapped (self->side_stack, "notify::visible-child-name",
                            G_CALLBACK (on_side_panel_switched), self);
  g_signal_connect_swapped (self->hex_view, "notify::cursor", G_CALLBACK (on_cursor_changed), self);
  g_signal_connect_swapped (self->overview, "jump", G_CALLBACK (on_overview_jump), self);
  g_signal_connect_swapped (self->structure, "field-selected", G_CALLBACK (on_field_selected), self);
  g_signal_connect_swapped (self->structure, "field-watch-toggled",
                            G_CALLBACK (on_field_watch_toggled), self);
  g_signal_connect_swapped (self->structure, "layout-changed", G_CALLBACK (remember_layout), self);
  g_signal_connect_swapped (self->structure, "notify::type-name", G_CALLBACK (remember_layout), self);
  g_signal_connect_swapped (self->structure, "notify::offset", G_CALLBACK (remember_layout), self);
  g_signal_connect_swapped (self->structure, "notify::count", G_CALLBACK (remember_layout), self);
  g_signal_connect_swapped (self->writers, "tints-changed", G_CALLBACK (on_tints_changed), self);
  g_signal_connect_object (shmlens_test_segments_get_default (), "changed",
                           G_CALLBACK (on_test_segments_changed), self, G_CONNECT_SWAPPED);
}

GtkWidget *
shmlens_segment_page_new (ShmlensSegment *segment)
{
  return g_object_new (SHMLENS_TYPE_SEGMENT_PAGE, "segment", segment, NULL);
}

ShmlensSegment *
shmlens_segment_page_get_segment (ShmlensSegmentPage *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_PAGE (self), NULL);
  return self->segment;
}

/**
 * shmlens_segment_page_get_structure_panel:
 * @self: a page
 *
 * Returns: (transfer none): the panel that shows the segment as a C struct's fields
 */
ShmlensStructurePanel *
shmlens_segment_page_get_structure_panel (ShmlensSegmentPage *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_PAGE (self), NULL);
  return self->structure;
}

/**
 * shmlens_segment_page_show_panel:
 * @self: a page
 * @name: the side panel to show: "inspector", "attachments", "structure" or "writers"
 */
void
shmlens_segment_page_show_panel (ShmlensSegmentPage *self,
                                 const char         *name)
{
  g_return_if_fail (SHMLENS_IS_SEGMENT_PAGE (self));
  g_return_if_fail (gtk_stack_get_child_by_name (self->side_stack, name) != NULL);

  self->choosing_panel = TRUE;
  gtk_stack_set_visible_child_name (self->side_stack, name);
  self->choosing_panel = FALSE;
}

/**
 * shmlens_segment_page_get_writers_panel:
 * @self: a page
 *
 * Returns: (transfer none): the panel that starts and stops writer processes
 */
ShmlensWritersPanel *
shmlens_segment_page_get_writers_panel (ShmlensSegmentPage *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_PAGE (self), NULL);
  return self->writers;
}

/**
 * shmlens_segment_page_get_hex_view:
 * @self: a page
 *
 * Returns: (transfer none): the page's hex view
 */
ShmlensHexView *
shmlens_segment_page_get_hex_view (ShmlensSegmentPage *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_PAGE (self), NULL);
  return self->hex_view;
}

/**
 * shmlens_segment_page_get_plot:
 * @self: a page
 *
 * Returns: (transfer none): the plot of the fields watched in the structure panel
 */
ShmlensPlot *
shmlens_segment_page_get_plot (ShmlensSegmentPage *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_PAGE (self), NULL);
  return self->plot;
}

const char *
shmlens_segment_page_get_title (ShmlensSegmentPage *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_PAGE (self), NULL);
  return self->title;
}

const char *
shmlens_segment_page_get_subtitle (ShmlensSegmentPage *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_PAGE (self), NULL);
  return self->subtitle;
}

/**
 * shmlens_segment_page_set_paused:
 * @self: a page
 * @paused: whether to hold the bytes on screen
 *
 * While paused nothing is read; resuming refreshes at once. The moment of the pause
 * is what "changes since pause" highlights from.
 */
void
shmlens_segment_page_set_paused (ShmlensSegmentPage *self,
                                 gboolean            paused)
{
  g_return_if_fail (SHMLENS_IS_SEGMENT_PAGE (self));

  if (self->paused == paused)
    return;
  self->paused = paused;
  if (paused)
    {
      self->paused_at = g_get_monotonic_time ();
      if (self->changes_since_pause)
        shmlens_hex_view_set_highlight_since (self->hex_view, self->paused_at);
    }
  else if (self->timeout_id != 0)
    on_tick (self);
}

void
shmlens_segment_page_set_refresh_rate (ShmlensSegmentPage *self,
                                       guint               hertz)
{
  g_return_if_fail (SHMLENS_IS_SEGMENT_PAGE (self));

  hertz = CLAMP (hertz, 1, 60);
  if (self->hertz == hertz)
    return;
  self->hertz = hertz;
  if (self->timeout_id != 0)
    restart_timer (self);
}

void
shmlens_segment_page_set_follow_writes (ShmlensSegmentPage *self,
                                        gboolean            follow)
{
  g_return_if_fail (SHMLENS_IS_SEGMENT_PAGE (self));

  follow = !!follow;
  if (self->follow_writes == follow)
    return;
  self->follow_writes = follow;
  self->last_followed = g_get_monotonic_time ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW_WRITES]);
}

/**
 * shmlens_segment_page_set_changes_since_pause:
 * @self: a page
 * @enabled: whether to highlight, without fading, every byte changed since the last
 *   pause (or since now, when the view was never paused)
 */
void
shmlens_segment_page_set_changes_since_pause (ShmlensSegmentPage *self,
                                              gboolean            enabled)
{
  g_return_if_fail (SHMLENS_IS_SEGMENT_PAGE (self));

  self->changes_since_pause = enabled;
  if (!enabled)
    shmlens_hex_view_set_highlight_since (self->hex_view, 0);
  else
    shmlens_hex_view_set_highlight_since (self->hex_view,
                                          self->paused_at > 0 ? self->paused_at
                                                              : g_get_monotonic_time ());
}

/**
 * shmlens_segment_page_set_explanation:
 * @self: a page
 * @title: (nullable): a title, or %NULL to hide the explanation
 * @text: what to watch in this segment (a demo's explanation)
 *
 * Shows a note above the bytes, which the person can hide.
 */
void
shmlens_segment_page_set_explanation (ShmlensSegmentPage *self,
                                      const char         *title,
                                      const char         *text)
{
  g_return_if_fail (SHMLENS_IS_SEGMENT_PAGE (self));

  if (title == NULL)
    {
      gtk_revealer_set_reveal_child (self->explanation_revealer, FALSE);
      return;
    }
  gtk_label_set_text (self->explanation_title, title);
  gtk_label_set_text (self->explanation_text, text != NULL ? text : "");
  gtk_revealer_set_reveal_child (self->explanation_revealer, TRUE);
}

/**
 * shmlens_segment_page_get_explanation:
 * @self: a page
 *
 * Returns: (nullable): the explanation's text while it is shown
 */
const char *
shmlens_segment_page_get_explanation (ShmlensSegmentPage *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_PAGE (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->explanation_revealer))
    return NULL;
  return gtk_label_get_text (self->explanation_text);
}
