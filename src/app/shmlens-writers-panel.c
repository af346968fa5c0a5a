/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-writers-panel.c: start and stop writer processes on a test segment, watch them work.
 *
 * The panel of a segment Shmlens created: a form that starts a writer process
 * (`shmlens-cli write`) with a pattern, a region, a rate and, where patterns share
 * a region, a slot or a synchronisation; and the list of the writers it started,
 * each with its colour, pid, pattern, iterations and state, and a button that stops
 * it. The list is a GListModel of ShmlensWriterProcess; the page tints each live
 * writer's bytes in the hex view with the writer's colour (see
 * shmlens_writers_panel_get_tints()).
 *
 * For any other segment the panel says why Shmlens will not write into it, and
 * offers to create a test segment instead. */
#include "config.h"

#include <glib/gi18n.h>

#include "shmlens-a11y.h"
#include "shmlens-created.h"
#include "shmlens-error.h"
#include "shmlens-writer.h"
#include "shmlens-writers-panel.h"

#define SWATCH_SIZE 14
#define DEFAULT_RATE 10

struct _ShmlensWritersPanel
{
  GtkWidget parent_instance;

  GtkWidget *scroller;
  GtkWidget *stack;
  GtkWidget *not_ours_page;
  GtkWidget *writers_page;
  GtkDropDown *pattern_dropdown;
  GtkLabel *pattern_description;
  GtkEditable *offset_entry;
  GtkEditable *length_entry;
  GtkAdjustment *rate_adjustment;
  GtkAdjustment *slot_adjustment;
  GtkWidget *slot_label;
  GtkWidget *slot_spin;
  GtkWidget *sync_label;
  GtkDropDown *sync_dropdown;
  GtkLabel *form_error;
  GtkWidget *start_button;
  GtkWidget *stop_all_button;
  GtkStack *list_stack;
  GtkListBox *list_box;

  GListStore *writers;          /* ShmlensWriterProcess, in start order */
  GArray *tints;                /* ShmlensHexTint of the live writers */
  ShmlensSegment *segment;
  char *ref;
  gboolean available;
  ShmlensWriterPattern last_pattern;
};

enum
{
  PROP_0,
  PROP_AVAILABLE,
  N_PROPS
};

enum
{
  TINTS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShmlensWritersPanel, shmlens_writers_panel, GTK_TYPE_WIDGET)

/* GNOME's palette: blue, green, orange, purple, red, yellow, brown, teal. */
static const char *const palette[] = {
  "#3584e4", "#2ec27e", "#ff7800", "#9141ac", "#e01b24", "#e5a50a", "#986a44", "#2190a4",
};

static const char *
pattern_title (ShmlensWriterPattern pattern)
{
  switch (pattern)
    {
    /* Translators: the writer patterns, as the pattern menu lists them */
    case SHMLENS_WRITER_COUNTER: return C_("pattern", "Counter");
    case SHMLENS_WRITER_RANDOM: return C_("pattern", "Random bytes");
    case SHMLENS_WRITER_MESSAGE: return C_("pattern", "Message");
    case SHMLENS_WRITER_WAVE: return C_("pattern", "Waves");
    case SHMLENS_WRITER_RACE: return C_("pattern", "Race");
    case SHMLENS_WRITER_RING: return C_("pattern", "Ring buffer");
    case SHMLENS_WRITER_SEQLOCK: return C_("pattern", "Seqlock");
    default: return "";
    }
}

static const char *
pattern_description (ShmlensWriterPattern pattern)
{
  switch (pattern)
    {
    case SHMLENS_WRITER_COUNTER:
      return _("Counts in a slot of its own, with its pid and a heartbeat. Give each "
               "writer its own slot: no count is lost.");
    case SHMLENS_WRITER_RANDOM:
      return _("Fills its region with random bytes, over and over.");
    case SHMLENS_WRITER_MESSAGE:
      return _("Rewrites a text message with a sequence number, as the first process "
               "of the classic named-shared-memory example does.");
    case SHMLENS_WRITER_WAVE:
      return _("Writes samples of a sine, a square and a sawtooth wave into a small "
               "telemetry struct.");
    case SHMLENS_WRITER_RACE:
      return _("Increments one counter shared by every racing writer. Start several: "
               "without sync, increments get lost.");
    case SHMLENS_WRITER_RING:
      return _("A producer appending log records to a ring buffer; the head chases "
               "the tail.");
    case SHMLENS_WRITER_SEQLOCK:
      return _("Updates a multi-word record under a sequence counter, so that readers "
               "can tell a torn copy.");
    default:
      return "";
    }
}

static ShmlensWriterPattern
writer_pattern (ShmlensWriterProcess *writer)
{
  ShmlensWriterPattern pattern = SHMLENS_WRITER_RANDOM;

  shmlens_writer_pattern_from_string (shmlens_writer_process_get_pattern (writer), &pattern);
  return pattern;
}

static gboolean
pattern_has_slot (ShmlensWriterPattern pattern)
{
  return pattern == SHMLENS_WRITER_COUNTER || pattern == SHMLENS_WRITER_RACE;
}

/* The bytes a writer alone writes (a counter's slot, a race writer's entry; the
 * other patterns' whole region): tinted in its colour. */
static void
writer_region (ShmlensWritersPanel  *self,
               ShmlensWriterProcess *writer,
               guint64              *offset,
               guint64              *length)
{
  guint64 size = self->segment != NULL ? shmlens_segment_get_size (self->segment) : 0;
  ShmlensWriterOptions options = {
    .pattern = writer_pattern (writer),
    .offset = shmlens_writer_process_get_offset (writer),
    .length = shmlens_writer_process_get_length (writer),
    .slot = shmlens_writer_process_get_slot (writer),
  };

  shmlens_writer_get_owned_range (&options, size, offset, length);
}

static void
update_tints (ShmlensWritersPanel *self)
{
  GListModel *model = G_LIST_MODEL (self->writers);
  guint n = g_list_model_get_n_items (model);
  g_autoptr(GArray) tints = g_array_new (FALSE, FALSE, sizeof (ShmlensHexTint));
  gboolean any_live = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShmlensWriterProcess) writer = g_list_model_get_item (model, i);
      ShmlensHexTint tint;

      if (!shmlens_writer_process_is_live (writer))
        continue;
      any_live = TRUE;
      writer_region (self, writer, &tint.offset, &tint.length);
      tint.color = *shmlens_writer_process_get_color (writer);
      if (tint.length > 0)
        g_array_append_val (tints, tint);
    }
  gtk_widget_set_sensitive (self->stop_all_button, any_live);

  if (tints->len == self->tints->len &&
      (tints->len == 0 ||
       memcmp (tints->data, self->tints->data, tints->len * sizeof (ShmlensHexTint)) == 0))
    return;
  g_array_set_size (self->tints, 0);
  g_array_append_vals (self->tints, tints->data, tints->len);
  g_signal_emit (self, signals[TINTS_CHANGED], 0);
}

/* The first colour of the palette no live writer has. */
static GdkRGBA
pick_color (ShmlensWritersPanel *self)
{
  GListModel *model = G_LIST_MODEL (self->writers);
  guint n = g_list_model_get_n_items (model);
  GdkRGBA color;

  for (guint c = 0; c < G_N_ELEMENTS (palette); c++)
    {
      gboolean taken = FALSE;

      gdk_rgba_parse (&color, palette[c]);
      for (guint i = 0; i < n && !taken; i++)
        {
          g_autoptr(ShmlensWriterProcess) writer = g_list_model_get_item (model, i);

          taken = shmlens_writer_process_is_live (writer) &&
                  gdk_rgba_equal (shmlens_writer_process_get_color (writer), &color);
        }
      if (!taken)
        return color;
    }
  gdk_rgba_parse (&color, palette[n % G_N_ELEMENTS (palette)]);
  return color;
}

/* ---- rows ---- */

typedef struct
{
  GtkWidget *pid;
  GtkWidget *state;
  GtkWidget *iterations;
  GtkWidget *message;
  GtkWidget *button;
} RowWidgets;

static void
set_label (GtkWidget  *label,
           const char *text,
           const char *accessible_name)
{
  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);
}

static GtkWidget *
new_cell (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
new_named_cell (const char *text,
                const char *accessible_name,
                const char *css_class)
{
  GtkWidget *label = new_cell (css_class);

  set_label (label, text, accessible_name);
  return label;
}

static const char *
state_text (ShmlensWriterState state)
{
  switch (state)
    {
    /* Translators: the state of a writer process */
    case SHMLENS_WRITER_STATE_STARTING: return C_("writer", "Starting");
    case SHMLENS_WRITER_STATE_RUNNING: return C_("writer", "Running");
    case SHMLENS_WRITER_STATE_STOPPING: return C_("writer", "Stopping");
    case SHMLENS_WRITER_STATE_STOPPED: return C_("writer", "Stopped");
    case SHMLENS_WRITER_STATE_EXITED: return C_("writer", "Finished");
    case SHMLENS_WRITER_STATE_FAILED: return C_("writer", "Failed");
    default: return "";
    }
}

/* Why a writer that ended by itself ended, in words. */
static char *
exit_text (const char *reason)
{
  if (g_strcmp0 (reason, "done") == 0)
    return g_strdup (_("It made all its iterations."));
  if (g_strcmp0 (reason, "duration") == 0)
    return g_strdup (_("Its time was up."));
  if (reason != NULL)
    /* Translators: %s is a signal's name, such as SIGINT */
    return g_strdup_printf (_("It was stopped by %s from outside Shmlens."), reason);
  return NULL;
}

static void
update_row (GtkWidget            *row,
            GParamSpec           *pspec,
            ShmlensWriterProcess *writer)
{
  RowWidgets *w = g_object_get_data (G_OBJECT (row), "shmlens-row-widgets");
  ShmlensWriterState state = shmlens_writer_process_get_state (writer);
  gboolean live = shmlens_writer_process_is_live (writer);
  guint64 iterations = shmlens_writer_process_get_iterations (writer);
  int pid = shmlens_writer_process_get_pid (writer);
  g_autofree char *pid_text = pid > 0 ? g_strdup_printf ("%d", pid) : g_strdup ("—");
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;

  name = g_strdup_printf (_("PID %s"), pid_text);
  set_label (w->pid, pid_text, name);
  g_clear_pointer (&name, g_free);
  /* Translators: a row of the list, for screen readers: the pattern and the process id */
  name = g_strdup_printf (_("%s writer, PID %s"), pattern_title (writer_pattern (writer)),
                          pid_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_clear_pointer (&name, g_free);

  /* Translators: the accessible name of a writer's state: "State Running" */
  name = g_strdup_printf (_("State %s"), state_text (state));
  set_label (w->state, state_text (state), name);
  g_clear_pointer (&name, g_free);
  gtk_widget_remove_css_class (w->state, "error");
  gtk_widget_remove_css_class (w->state, "success");
  gtk_widget_remove_css_class (w->state, "dim-label");
  gtk_widget_add_css_class (w->state, state == SHMLENS_WRITER_STATE_FAILED ? "error"
                                      : state == SHMLENS_WRITER_STATE_RUNNING ? "success"
                                      : "dim-label");

  /* Translators: how many steps a writer process has made (it reports once a second) */
  text = g_strdup_printf (ngettext ("%llu iteration", "%llu iterations", iterations),
                          (unsigned long long) iterations);
  /* Translators: the accessible name of a writer's count of iterations */
  name = g_strdup_printf (_("Iterations %llu"), (unsigned long long) iterations);
  set_label (w->iterations, text, name);
  g_clear_pointer (&name, g_free);

  if (state == SHMLENS_WRITER_STATE_FAILED)
    message = g_strdup (shmlens_writer_process_get_message (writer));
  else if (state == SHMLENS_WRITER_STATE_EXITED)
    message = exit_text (shmlens_writer_process_get_message (writer));
  gtk_widget_set_visible (w->message, message != NULL);
  if (message != NULL)
    {
      name = g_strdup_printf (state == SHMLENS_WRITER_STATE_FAILED ? _("Error: %s")
                                                                   : _("Reason: %s"), message);
      set_label (w->message, message, name);
      g_clear_pointer (&name, g_free);
    }
  if (state == SHMLENS_WRITER_STATE_FAILED)
    gtk_widget_add_css_class (w->message, "error");
  else
    gtk_widget_remove_css_class (w->message, "error");

  if (live)
    {
      gtk_button_set_icon_name (GTK_BUTTON (w->button), "media-playback-stop-symbolic");
      gtk_widget_set_tooltip_text (w->button, _("Stop this writer"));
      /* Translators: a button's accessible name: stop the writer with this pid */
      name = g_strdup_printf (_("Stop PID %s"), pid_text);
    }
  else
    {
      gtk_button_set_icon_name (GTK_BUTTON (w->button), "window-close-symbolic");
      gtk_widget_set_tooltip_text (w->button, _("Remove from the list"));
      /* Translators: a button's accessible name: remove the finished writer from the list */
      name = g_strdup_printf (_("Remove PID %s"), pid_text);
    }
  gtk_widget_set_sensitive (w->button, state != SHMLENS_WRITER_STATE_STOPPING);
  gtk_accessible_update_property (GTK_ACCESSIBLE (w->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  const GdkRGBA *color = user_data;
  double radius = 3;

  cairo_new_sub_path (cr);
  cairo_arc (cr, width - radius, radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, width - radius, height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, radius, height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, radius, radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_fill (cr);
}

static void
on_row_button_clicked (GtkButton            *button,
                       ShmlensWriterProcess *writer)
{
  GtkWidget *panel = gtk_widget_get_ancestor (GTK_WIDGET (button), SHMLENS_TYPE_WRITERS_PANEL);
  ShmlensWritersPanel *self = panel != NULL ? SHMLENS_WRITERS_PANEL (panel) : NULL;
  guint position;

  if (shmlens_writer_process_is_live (writer))
    shmlens_writer_process_stop (writer);
  else if (self != NULL && g_list_store_find (self->writers, writer, &position))
    g_list_store_remove (self->writers, position);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  ShmlensWritersPanel *self = user_data;
  ShmlensWriterProcess *writer = item;
  ShmlensWriterPattern pattern = writer_pattern (writer);
  RowWidgets *w = g_new0 (RowWidgets, 1);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *swatch, *details, *cell;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  double rate = shmlens_writer_process_get_rate (writer);
  guint64 offset, length;

  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);

  swatch = g_object_new (GTK_TYPE_DRAWING_AREA, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                         "content-width", SWATCH_SIZE, "content-height", SWATCH_SIZE,
                         "valign", GTK_ALIGN_CENTER, NULL);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                  (gpointer) shmlens_writer_process_get_color (writer), NULL);
  gtk_widget_add_css_class (swatch, "swatch");
  gtk_grid_attach (GTK_GRID (grid), swatch, 0, 0, 1, 1);

  /* line 1: which process, what it writes, and how it is doing */
  w->pid = new_cell ("pid");
  gtk_widget_add_css_class (w->pid, "heading");
  gtk_label_set_selectable (GTK_LABEL (w->pid), TRUE);
  gtk_grid_attach (GTK_GRID (grid), w->pid, 1, 0, 1, 1);

  /* Translators: the accessible name of a writer's pattern: "Pattern Counter" */
  name = g_strdup_printf (_("Pattern %s"), pattern_title (pattern));
  cell = new_named_cell (pattern_title (pattern), name, "pattern");
  /* Translators: a tooltip: the pattern's name for shmlens-cli write --pattern */
  text = g_strdup_printf (_("shmlens-cli write --pattern=%s"),
                          shmlens_writer_process_get_pattern (writer));
  gtk_widget_set_tooltip_text (cell, text);
  g_clear_pointer (&text, g_free);
  gtk_widget_set_hexpand (cell, TRUE);
  gtk_grid_attach (GTK_GRID (grid), cell, 2, 0, 1, 1);
  g_clear_pointer (&name, g_free);

  w->state = new_cell ("state");
  gtk_label_set_xalign (GTK_LABEL (w->state), 1);
  gtk_grid_attach (GTK_GRID (grid), w->state, 3, 0, 1, 1);

  w->button = gtk_button_new ();
  gtk_widget_set_valign (w->button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (w->button, "flat");
  gtk_widget_add_css_class (w->button, "circular");
  g_signal_connect_object (w->button, "clicked", G_CALLBACK (on_row_button_clicked), writer, 0);
  gtk_grid_attach (GTK_GRID (grid), w->button, 4, 0, 1, 2);

  /* line 2: how far it got, how fast, where it writes */
  details = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  gtk_widget_add_css_class (details, "dim-label");
  gtk_grid_attach (GTK_GRID (grid), details, 1, 1, 3, 1);
  w->iterations = new_cell ("iterations");
  gtk_box_append (GTK_BOX (details), w->iterations);

  if (rate > 0)
    /* Translators: a writer's rate, in writes per second */
    text = g_strdup_printf (_("%g Hz"), rate);
  else
    /* Translators: a writer's rate when it writes as fast as it can */
    text = g_strdup (_("full speed"));
  /* Translators: the accessible name of a writer's rate: "Rate 10 Hz" */
  name = g_strdup_printf (_("Rate %s"), text);
  gtk_box_append (GTK_BOX (details), new_named_cell (text, name, "rate"));
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&text, g_free);

  if (pattern_has_slot (pattern))
    {
      /* Translators: a writer's slot among several; the accessible name is the same */
      text = g_strdup_printf (_("slot %u"), shmlens_writer_process_get_slot (writer));
      name = g_strdup_printf (_("Slot %u"), shmlens_writer_process_get_slot (writer));
      gtk_box_append (GTK_BOX (details), new_named_cell (text, name, "slot"));
      g_clear_pointer (&name, g_free);
      g_clear_pointer (&text, g_free);
    }
  if (pattern == SHMLENS_WRITER_RACE)
    {
      const char *sync = shmlens_writer_process_get_sync (writer);

      /* Translators: how a racing writer synchronises: "sync none", "sync atomic" */
      text = g_strdup_printf (_("sync %s"), sync != NULL ? sync : "none");
      name = g_strdup_printf (_("Sync %s"), sync != NULL ? sync : "none");
      gtk_box_append (GTK_BOX (details), new_named_cell (text, name, "sync"));
      g_clear_pointer (&name, g_free);
      g_clear_pointer (&text, g_free);
    }

  writer_region (self, writer, &offset, &length);
  if (length > 0)
    text = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x\xe2\x80\x93" "0x%" G_GINT64_MODIFIER "x",
                            offset, offset + length - 1);
  else
    text = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", offset);
  /* Translators: the accessible name of the bytes a writer owns: "Region 0x0–0x117" */
  name = g_strdup_printf (_("Region %s"), text);
  cell = new_named_cell (text, name, "region");
  gtk_widget_add_css_class (cell, "monospace");
  gtk_widget_set_tooltip_text (cell, _("The bytes this writer owns, tinted in its colour"));
  gtk_box_append (GTK_BOX (details), cell);

  /* line 3: why it failed or ended */
  w->message = new_cell ("message");
  gtk_label_set_wrap (GTK_LABEL (w->message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (w->message), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (w->message), 30);
  gtk_label_set_selectable (GTK_LABEL (w->message), TRUE);
  gtk_widget_add_css_class (w->message, "caption");
  gtk_grid_attach (GTK_GRID (grid), w->message, 1, 2, 3, 1);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), grid);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "shmlens-row-widgets", w, g_free);
  update_row (row, NULL, writer);
  g_signal_connect_object (writer, "notify", G_CALLBACK (update_row), row, G_CONNECT_SWAPPED);

  return row;
}

static void
on_items_changed (ShmlensWritersPanel *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->writers)) == 0;

  gtk_stack_set_visible_child_name (self->list_stack, empty ? "empty" : "list");
  update_tints (self);
}

/* ---- the form ---- */

static ShmlensWriterPattern
chosen_pattern (ShmlensWritersPanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->pattern_dropdown);

  return selected < SHMLENS_WRITER_N_PATTERNS ? (ShmlensWriterPattern) selected
                                              : SHMLENS_WRITER_COUNTER;
}

static void
show_form_error (ShmlensWritersPanel *self,
                 const char          *message)
{
  gtk_label_set_text (self->form_error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->form_error), message != NULL);
}

static void
on_pattern_changed (ShmlensWritersPanel *self)
{
  ShmlensWriterPattern pattern = chosen_pattern (self);
  const char *type_name = NULL;
  const char *layout = shmlens_writer_pattern_get_layout (pattern, &type_name);
  g_autofree char *text = NULL;

  if (layout != NULL)
    /* Translators: a pattern's description, then the struct it writes and the header
     * that declares it */
    text = g_strdup_printf (_("%s Its layout: %s in %s."), pattern_description (pattern),
                            type_name, layout);
  else
    text = g_strdup (pattern_description (pattern));
  gtk_label_set_text (self->pattern_description, text);

  gtk_widget_set_visible (self->slot_label, pattern_has_slot (pattern));
  gtk_widget_set_visible (self->slot_spin, pattern_has_slot (pattern));
  gtk_widget_set_visible (self->sync_label, pattern == SHMLENS_WRITER_RACE);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_dropdown), pattern == SHMLENS_WRITER_RACE);

  /* A race is run flat out; the others at a pace the eye can follow. */
  if ((pattern == SHMLENS_WRITER_RACE) != (self->last_pattern == SHMLENS_WRITER_RACE))
    gtk_adjustment_set_value (self->rate_adjustment,
                              pattern == SHMLENS_WRITER_RACE ? 0 : DEFAULT_RATE);
  self->last_pattern = pattern;
  show_form_error (self, NULL);
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static void
on_start_clicked (ShmlensWritersPanel *self)
{
  g_autoptr(GError) error = NULL;
  ShmlensWriterPattern pattern = chosen_pattern (self);
  const char *length_text = gtk_editable_get_text (self->length_entry);
  guint sync = gtk_drop_down_get_selected (self->sync_dropdown);
  ShmlensWriterSpec spec = {
    .pattern = shmlens_writer_pattern_to_string (pattern),
    .rate = gtk_adjustment_get_value (self->rate_adjustment),
    .slot = (guint) gtk_adjustment_get_value (self->slot_adjustment),
    .sync = pattern == SHMLENS_WRITER_RACE && sync <= SHMLENS_WRITER_SYNC_MUTEX
            ? shmlens_writer_sync_to_string ((ShmlensWriterSync) sync) : NULL,
  };

  if (!shmlens_writers_parse_size (gtk_editable_get_text (self->offset_entry), &spec.offset,
                                   &error))
    {
      g_autofree char *message = g_strdup_printf (_("Offset: %s"), error->message);
      show_form_error (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->offset_entry));
      return;
    }
  if (!is_blank (length_text) &&
      !shmlens_writers_parse_size (length_text, &spec.length, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Length: %s"), error->message);
      show_form_error (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->length_entry));
      return;
    }

  if (shmlens_writers_panel_start (self, &spec, &error) == NULL)
    {
      show_form_error (self, error->message);
      return;
    }
  show_form_error (self, NULL);
  /* The next writer of the same kind takes the next slot. */
  if (pattern_has_slot (pattern))
    gtk_adjustment_set_value (self->slot_adjustment, spec.slot + 1);
}

static void
on_stop_all_clicked (ShmlensWritersPanel *self)
{
  shmlens_writers_panel_stop_all (self);
}

/* The page that does not apply is hidden, not only covered: screen readers (and
 * the tests that read the window as they do) then see one Start button per page. */
static void
show_page (ShmlensWritersPanel *self,
           gboolean             available)
{
  gtk_widget_set_visible (self->writers_page, available);
  gtk_widget_set_visible (self->not_ours_page, !available);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), available ? "writers" : "not-ours");
}

/* ---- public ---- */

/**
 * shmlens_writers_panel_start:
 * @self: a panel showing a segment Shmlens created
 * @spec: what the writer is to do
 * @error: return location for an error
 *
 * Starts a writer process and lists it. A writer that starts and then fails (its
 * region does not fit, say) stays in the list with its error.
 *
 * Returns: (transfer none) (nullable): the writer, or %NULL with @error set when no
 *   process could be started
 */
ShmlensWriterProcess *
shmlens_writers_panel_start (ShmlensWritersPanel      *self,
                             const ShmlensWriterSpec  *spec,
                             GError                  **error)
{
  g_autoptr(ShmlensWriterProcess) writer = NULL;
  GdkRGBA color;

  g_return_val_if_fail (SHMLENS_IS_WRITERS_PANEL (self), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  if (!self->available)
    {
      g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_OURS,
                   _("Shmlens writes only into segments it created, and %s is not one of "
                     "them"), self->ref != NULL ? self->ref : "this segment");
      return NULL;
    }

  color = pick_color (self);
  writer = shmlens_writer_process_new (self->ref, spec, &color);
  if (!shmlens_writer_process_start (writer, error))
    return NULL;
  g_signal_connect_object (writer, "notify::state", G_CALLBACK (update_tints), self,
                           G_CONNECT_SWAPPED);
  g_list_store_append (self->writers, writer);
  return writer;
}

/**
 * shmlens_writers_panel_stop_all:
 * @self: a panel
 *
 * Asks every writer of the panel that still runs to stop.
 */
void
shmlens_writers_panel_stop_all (ShmlensWritersPanel *self)
{
  GListModel *model;

  g_return_if_fail (SHMLENS_IS_WRITERS_PANEL (self));

  model = G_LIST_MODEL (self->writers);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ShmlensWriterProcess) writer = g_list_model_get_item (model, i);
      shmlens_writer_process_stop (writer);
    }
}

/**
 * shmlens_writers_panel_get_writers:
 * @self: a panel
 *
 * Returns: (transfer none): the writers the panel started, in start order
 *   (#ShmlensWriterProcess)
 */
GListModel *
shmlens_writers_panel_get_writers (ShmlensWritersPanel *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITERS_PANEL (self), NULL);
  return G_LIST_MODEL (self->writers);
}

/**
 * shmlens_writers_panel_get_tints:
 * @self: a panel
 * @n_tints: (out): how many
 *
 * Returns: (array length=n_tints) (transfer none): the bytes each live writer owns,
 *   in its colour; valid until #ShmlensWritersPanel::tints-changed
 */
const ShmlensHexTint *
shmlens_writers_panel_get_tints (ShmlensWritersPanel *self,
                                 guint               *n_tints)
{
  g_return_val_if_fail (SHMLENS_IS_WRITERS_PANEL (self), NULL);
  g_return_val_if_fail (n_tints != NULL, NULL);

  *n_tints = self->tints->len;
  return (const ShmlensHexTint *) self->tints->data;
}

/**
 * shmlens_writers_panel_get_available:
 * @self: a panel
 *
 * Returns: whether the panel's segment is one Shmlens created, so that writers may
 *   write into it
 */
gboolean
shmlens_writers_panel_get_available (ShmlensWritersPanel *self)
{
  g_return_val_if_fail (SHMLENS_IS_WRITERS_PANEL (self), FALSE);
  return self->available;
}

/**
 * shmlens_writers_panel_set_segment:
 * @self: a panel
 * @segment: (nullable): the segment the writers write into
 *
 * Writers are offered only for a segment Shmlens created. The writers started for
 * another segment keep running (the same segment reopened is still theirs).
 */
void
shmlens_writers_panel_set_segment (ShmlensWritersPanel *self,
                                   ShmlensSegment      *segment)
{
  gboolean available;

  g_return_if_fail (SHMLENS_IS_WRITERS_PANEL (self));
  g_return_if_fail (segment == NULL || SHMLENS_IS_SEGMENT (segment));

  g_set_object (&self->segment, segment);
  g_clear_pointer (&self->ref, g_free);
  if (segment != NULL)
    self->ref = shmlens_segment_dup_ref (segment);
  available = segment != NULL && shmlens_created_is_ours (segment);
  show_page (self, available);
  if (available != self->available)
    {
      self->available = available;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
    }
  update_tints (self);
}

/* ---- GObject ---- */

static void
shmlens_writers_panel_dispose (GObject *object)
{
  ShmlensWritersPanel *self = SHMLENS_WRITERS_PANEL (object);

  /* The writers go with the panel. Each is reaped once it has exited: its wait holds
   * it alive until then. */
  if (self->writers != NULL)
    {
      GListModel *model = G_LIST_MODEL (self->writers);

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(ShmlensWriterProcess) writer = g_list_model_get_item (model, i);

          g_signal_handlers_disconnect_by_data (writer, self);
          shmlens_writer_process_stop (writer);
        }
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMLENS_TYPE_WRITERS_PANEL);
  g_clear_object (&self->writers);
  g_clear_object (&self->segment);

  G_OBJECT_CLASS (shmlens_writers_panel_parent_class)->dispose (object);
}

static void
shmlens_writers_panel_finalize (GObject *object)
{
  ShmlensWritersPanel *self = SHMLENS_WRITERS_PANEL (object);

  g_clear_pointer (&self->tints, g_array_unref);
  g_free (self->ref);

  G_OBJECT_CLASS (shmlens_writers_panel_parent_class)->finalize (object);
}

static void
shmlens_writers_panel_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ShmlensWritersPanel *self = SHMLENS_WRITERS_PANEL (object);

  switch (prop_id)
    {
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_writers_panel_class_init (ShmlensWritersPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmlens_writers_panel_dispose;
  object_class->finalize = shmlens_writers_panel_finalize;
  object_class->get_property = shmlens_writers_panel_get_property;

  /**
   * ShmlensWritersPanel:available:
   *
   * Whether the segment is one Shmlens created, so that writers may write into it.
   */
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShmlensWritersPanel::tints-changed:
   *
   * The live writers' regions or colours changed: see
   * shmlens_writers_panel_get_tints().
   */
  signals[TINTS_CHANGED] =
    g_signal_new ("tints-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "shmlens-writers");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/shmlens/Shmlens/shmlens-writers-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, not_ours_page);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, writers_page);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, pattern_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, pattern_description);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, offset_entry);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, length_entry);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, rate_adjustment);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, slot_adjustment);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, slot_label);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, slot_spin);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, sync_label);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, sync_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, form_error);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, start_button);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, stop_all_button);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, list_stack);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWritersPanel, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_all_clicked);
}

static void
shmlens_writers_panel_init (ShmlensWritersPanel *self)
{
  g_autoptr(GtkStringList) patterns = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) syncs = gtk_string_list_new (NULL);

  self->writers = g_list_store_new (SHMLENS_TYPE_WRITER_PROCESS);
  self->tints = g_array_new (FALSE, FALSE, sizeof (ShmlensHexTint));
  self->last_pattern = SHMLENS_WRITER_COUNTER;

  gtk_widget_init_template (GTK_WIDGET (self));
  shmlens_a11y_name_mnemonic_buttons (GTK_WIDGET (self));

  for (guint i = 0; i < SHMLENS_WRITER_N_PATTERNS; i++)
    gtk_string_list_append (patterns, pattern_title ((ShmlensWriterPattern) i));
  gtk_drop_down_set_model (self->pattern_dropdown, G_LIST_MODEL (patterns));
  gtk_drop_down_set_selected (self->pattern_dropdown, SHMLENS_WRITER_COUNTER);
  g_signal_connect_swapped (self->pattern_dropdown, "notify::selected",
                            G_CALLBACK (on_pattern_changed), self);

  /* Translators: how racing writers increment their shared counter */
  gtk_string_list_append (syncs, C_("sync", "None: updates get lost"));
  gtk_string_list_append (syncs, C_("sync", "Atomic"));
  gtk_string_list_append (syncs, C_("sync", "Mutex"));
  G_STATIC_ASSERT (SHMLENS_WRITER_SYNC_NONE == 0 && SHMLENS_WRITER_SYNC_MUTEX == 2);
  gtk_drop_down_set_model (self->sync_dropdown, G_LIST_MODEL (syncs));
  on_pattern_changed (self);

  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->writers), create_row, self, NULL);
  g_signal_connect_swapped (self->writers, "items-changed", G_CALLBACK (on_items_changed), self);
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
  show_page (self, FALSE);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Writer processes of the segment"), -1);
}

GtkWidget *
shmlens_writers_panel_new (void)
{
  return g_object_new (SHMLENS_TYPE_WRITERS_PANEL, NULL);
}
