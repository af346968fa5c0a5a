/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-hex-view.c: the live hex view, a scrollable widget drawing only what is visible.
 *
 * The view draws rows of an offset, hex bytes and their text, for the rows on screen
 * only: it sets the tracker's window to exactly those rows, so reading and drawing cost
 * what the screen shows whatever the segment's size. Geometry (bytes per row, columns,
 * adjustments) is settled in size_allocate; snapshot reads the tracker's bytes and
 * stamps, fills two reused row buffers and hands each row to one reused PangoLayout.
 *
 * Scrolling is in pixels so that touchpads and wheels feel like everywhere else; the
 * vertical adjustment's upper bound is rows × row height, exact in a double up to 2^53
 * (beyond a petabyte). Past that the adjustment counts groups of rows ("coarse" mode)
 * and the view keeps its own exact first row. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "shmlens-hex-view.h"
#include "shmlens-hex-view-private.h"
#include "shmlens-search.h"
#include "shmlens-size.h"

#define PADDING_X 10
#define ROW_PADDING 1
#define GAP_COLUMNS 3
#define MIN_BYTES_PER_ROW 8
#define MAX_FIT_BYTES_PER_ROW 32
#define DEFAULT_FADE_TIME 1000
#define EXACT_PIXELS ((guint64) 1 << 53)
#define COARSE_UNITS ((guint64) 1 << 52)
/* Copies go through the clipboard as text: 16 MiB become 48 MiB of hex. */
#define COPY_LIMIT ((guint64) 16 << 20)
/* Highlights are drawn in this many alpha steps, so neighbours share one rectangle. */
#define HIGHLIGHT_LEVELS 16
#define HIGHLIGHT_MAX_ALPHA 0.55
#define SINCE_ALPHA 0.45
/* A tint is a light wash under the bytes: its colour at this fraction of its alpha. */
#define TINT_ALPHA 0.22

typedef enum
{
  COLUMN_HEX,
  COLUMN_TEXT,
} Column;

typedef enum
{
  MOVE_LEFT,
  MOVE_RIGHT,
  MOVE_UP,
  MOVE_DOWN,
  MOVE_PAGE_UP,
  MOVE_PAGE_DOWN,
  MOVE_ROW_START,
  MOVE_ROW_END,
  MOVE_SEGMENT_START,
  MOVE_SEGMENT_END,
} Move;

typedef enum
{
  COPY_HEX,
  COPY_TEXT,
  COPY_C_ARRAY,
} CopyFormat;

/* One search in a worker thread. The view waits for it to stop reading before it lets
 * go of the tracker, because the page closes the reader right after. */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean done;
  ShmlensReader *reader;
  GBytes *pattern;
  guint64 from;
  gboolean backwards;
} SearchJob;

/* A drawn row, kept while it shows the same thing (see draw_rows()). */
typedef struct _RowNode RowNode;

struct _ShmlensHexView
{
  GtkWidget parent_instance;

  ShmlensTracker *tracker;
  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  guint hscroll_policy : 1;
  guint vscroll_policy : 1;

  /* Settings */
  guint bytes_per_row_setting;  /* 0: as many as fit the width */
  guint group_size;
  guint fade_time;              /* ms */
  gint64 highlight_since;
  GArray *tints;                /* ShmlensHexTint, in drawing order */
  guint32 tint_serial;          /* bumped when the tints change */

  /* Font metrics and colours, from the style (css_changed) */
  PangoLayout *layout;
  PangoFontDescription *font;
  PangoFontDescription *chosen_font;   /* the font property; NULL: the system's monospace */
  double char_width;
  int row_height;
  int header_height;
  GdkRGBA fg;
  GdkRGBA dim;
  GdkRGBA accent;
  GdkRGBA change;
  GdkRGBA rule;
  GdkRGBA shade;

  /* Geometry, from size_allocate */
  guint64 size;
  guint bytes_per_row;          /* in effect; 0 before the first allocation */
  guint offset_digits;
  guint hex_column;
  guint text_column;
  guint total_columns;
  int content_width;
  int bar_height;
  int rows_y;
  int page_height;
  guint64 n_rows;
  gboolean coarse;
  guint coarse_shift;
  guint64 top_row;
  int top_dy;
  double applied_value;
  guint in_update;
  char *row_text;
  char *row_dim;

  /* Printable ASCII shaped once (see update_glyphs()); glyph_font NULL: shape each
   * row with Pango */
  PangoFont *glyph_font;
  PangoGlyph glyphs[128];
  int glyph_width;              /* Pango units */
  int baseline;                 /* Pango units */
  PangoGlyphString *glyph_string;
  gboolean glyph_cache_disabled;

  /* Drawn rows by row number, and the scratch key of the row being drawn */
  GHashTable *row_nodes;
  guint8 *row_key;
  gsize row_key_length;
  guint64 frame;
  guint32 style_serial;         /* bumped when colours or the font change */

  /* Cursor and selection: the selection runs from anchor to cursor, both included */
  guint64 cursor;
  guint64 anchor;
  Column column;
  guint64 pending_scroll;       /* G_MAXUINT64: none */
  gboolean pending_is_jump;
  double drag_x;
  double drag_y;

  /* The newest change in the window, for fading */
  gint64 last_change_us;
  char *description;

  /* Children */
  GtkWidget *find_bar;
  GtkWidget *find_entry;
  GtkWidget *find_text_toggle;
  GtkWidget *find_hex_toggle;
  GtkWidget *find_status;
  GtkWidget *goto_popover;
  GtkWidget *goto_entry;
  GtkWidget *goto_error;
  GtkWidget *context_menu;
  GtkWidget *message_popover;
  GtkWidget *message_label;

  /* Find */
  SearchJob *search_job;
  GCancellable *search_cancellable;
  GBytes *match_pattern;
  guint64 match_start;
  gboolean match_valid;
};

enum
{
  PROP_0,
  PROP_TRACKER,
  PROP_BYTES_PER_ROW,
  PROP_GROUP_SIZE,
  PROP_FADE_TIME,
  PROP_FONT,
  PROP_HIGHLIGHT_SINCE,
  PROP_CURSOR,
  PROP_SEARCHING,
  N_PROPS,

  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

enum
{
  SELECTION_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char hex_digits[] = "0123456789abcdef";

static void shmlens_hex_view_scrollable_init (GtkScrollableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ShmlensHexView, shmlens_hex_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE,
                                                      shmlens_hex_view_scrollable_init))

static void update_window (ShmlensHexView *self);
static void update_description (ShmlensHexView *self);
static void cancel_search (ShmlensHexView *self);

/* Search jobs */

static SearchJob *
search_job_new (ShmlensReader *reader,
                GBytes        *pattern,
                guint64        from,
                gboolean       backwards)
{
  SearchJob *job = g_atomic_rc_box_new0 (SearchJob);

  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  job->reader = g_object_ref (reader);
  job->pattern = g_bytes_ref (pattern);
  job->from = from;
  job->backwards = backwards;
  return job;
}

static void
search_job_clear (gpointer data)
{
  SearchJob *job = data;

  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_clear_object (&job->reader);
  g_clear_pointer (&job->pattern, g_bytes_unref);
}

static SearchJob *
search_job_ref (SearchJob *job)
{
  return g_atomic_rc_box_acquire (job);
}

static void
search_job_unref (gpointer job)
{
  g_atomic_rc_box_release_full (job, search_job_clear);
}

static void
search_job_wait (SearchJob *job)
{
  g_mutex_lock (&job->lock);
  while (!job->done)
    g_cond_wait (&job->cond, &job->lock);
  g_mutex_unlock (&job->lock);
}

/* Geometry */

static guint
byte_column (ShmlensHexView *self,
             guint           i)
{
  /* Two digits per byte, a space between groups, and one more every 8 bytes. */
  return i * 2 + i / self->group_size + (self->group_size < 8 ? i / 8 : 0);
}

static guint
hex_width (ShmlensHexView *self,
           guint           bytes_per_row)
{
  return byte_column (self, bytes_per_row - 1) + 2;
}

static guint
digits_for_size (guint64 size)
{
  guint digits = 1;

  for (guint64 last = size > 0 ? size - 1 : 0; last >= 16; last >>= 4)
    digits++;
  return MAX (digits, 8);
}

static guint
total_columns_for (ShmlensHexView *self,
                   guint           bytes_per_row)
{
  guint digits = digits_for_size (self->size);

  return digits + GAP_COLUMNS + hex_width (self, bytes_per_row) + GAP_COLUMNS + bytes_per_row;
}

static int
width_for (ShmlensHexView *self,
           guint           bytes_per_row)
{
  return 2 * PADDING_X + (int) ceil (total_columns_for (self, bytes_per_row) * self->char_width);
}

static double
column_x (ShmlensHexView *self,
          double          column)
{
  return PADDING_X + column * self->char_width;
}

static gboolean
is_printable (guint8 byte)
{
  return byte >= 0x20 && byte < 0x7f;
}

static void
get_selection_range (ShmlensHexView *self,
                     guint64        *start,
                     guint64        *end)
{
  *start = MIN (self->anchor, self->cursor);
  *end = MAX (self->anchor, self->cursor) + 1;
}

/* Font and colours */

static gboolean
lookup_color (GtkStyleContext *context,
              const char      *name,
              const char      *fallback_name,
              const char      *fallback,
              GdkRGBA         *color)
{
  if (gtk_style_context_lookup_color (context, name, color))
    return TRUE;
  if (fallback_name != NULL && gtk_style_context_lookup_color (context, fallback_name, color))
    return TRUE;
  return gdk_rgba_parse (color, fallback);
}

static void
update_colors (ShmlensHexView *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  /* gtk_widget_get_color() is GTK 4.10; on 4.8 the style context is the way (it is
   * deprecated from 4.10 on, and the version pin will say so when it moves). */
  self->style_serial++;
  gtk_style_context_get_color (context, &self->fg);
  self->dim = self->fg;
  self->dim.alpha *= 0.5;
  self->rule = self->fg;
  self->rule.alpha *= 0.15;
  self->shade = self->fg;
  self->shade.alpha *= 0.045;
  lookup_color (context, "accent_bg_color", "theme_selected_bg_color", "#3584e4", &self->accent);
  lookup_color (context, "warning_color", NULL, "#f57900", &self->change);
}

/* Every character the view draws is printable ASCII in a monospace font with tabular
 * digits: one glyph each, all the same width. Shaping them once, here, lets a row be
 * drawn as a glyph string built by table lookup instead of a Pango layout shaped by
 * HarfBuzz on every refresh (a fifth of the app's CPU while bytes change). When the
 * font does not behave that way (a fallback font, ligatures, unequal advances), the
 * table stays empty and rows are shaped by Pango as before. */
static void
update_glyphs (ShmlensHexView *self)
{
  char text[128 - 32];
  PangoLayoutIter *iter;
  PangoFont *font = NULL;
  gboolean usable = TRUE;
  int width = -1;
  guint n = 0;

  g_clear_object (&self->glyph_font);
  if (self->glyph_cache_disabled)
    return;

  for (guint c = 32; c < 127; c++)
    text[n++] = (char) c;
  pango_layout_set_text (self->layout, text, (int) n);

  iter = pango_layout_get_iter (self->layout);
  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);

      if (run == NULL)
        continue;
      if (font != NULL && font != run->item->analysis.font)
        usable = FALSE;
      font = run->item->analysis.font;
      for (int i = 0; i < run->glyphs->num_glyphs && usable; i++)
        {
          PangoGlyphInfo *info = &run->glyphs->glyphs[i];
          int index = run->item->offset + run->glyphs->log_clusters[i];

          if (width >= 0 && info->geometry.width != width)
            usable = FALSE;
          width = info->geometry.width;
          if (info->geometry.x_offset != 0 || info->geometry.y_offset != 0 ||
              index < 0 || index >= (int) n || (info->glyph & PANGO_GLYPH_UNKNOWN_FLAG) != 0)
            usable = FALSE;
          else
            self->glyphs[32 + index] = info->glyph;
        }
    }
  while (usable && pango_layout_iter_next_run (iter));
  pango_layout_iter_free (iter);

  if (!usable || font == NULL || width <= 0 ||
      pango_layout_get_line_count (self->layout) != 1 ||
      pango_layout_get_unknown_glyphs_count (self->layout) != 0)
    return;
  /* One glyph per character, each character once: no ligature, no split. */
  {
    PangoLayoutLine *line = pango_layout_get_line_readonly (self->layout, 0);
    int n_glyphs = 0;

    for (GSList *l = line->runs; l != NULL; l = l->next)
      n_glyphs += ((PangoLayoutRun *) l->data)->glyphs->num_glyphs;
    if (n_glyphs != (int) n)
      return;
  }
  self->glyph_font = g_object_ref (font);
  self->glyph_width = width;
  self->baseline = pango_layout_get_baseline (self->layout);
}

/* Measures the monospace font: returns TRUE when the metrics changed. */
static gboolean
update_font (ShmlensHexView *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  PangoFontDescription *font =
    pango_font_description_copy (pango_context_get_font_description (context));
  static const char sample[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  PangoRectangle logical;
  double char_width;
  int row_height;

  pango_font_description_set_family (font, "Monospace");
  /* a chosen font replaces what it names (family, size, weight…) and keeps the rest */
  if (self->chosen_font != NULL)
    pango_font_description_merge (font, self->chosen_font, TRUE);
  self->style_serial++;

  if (self->layout == NULL)
    {
      PangoAttrList *attributes = pango_attr_list_new ();

      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      /* Tabular digits: every offset and byte lines up, whatever the font. No
       * ligatures and no kerning: "ff" is two bytes in two cells, never one glyph
       * (Nimbus Mono PS, for one, has an "ff" ligature). */
      pango_attr_list_insert (attributes,
                              pango_attr_font_features_new ("tnum, liga 0, clig 0, dlig 0, "
                                                            "calt 0, kern 0"));
      pango_layout_set_attributes (self->layout, attributes);
      pango_layout_set_auto_dir (self->layout, FALSE);
      pango_attr_list_unref (attributes);
    }
  else
    pango_layout_context_changed (self->layout);

  pango_layout_set_font_description (self->layout, font);
  pango_layout_set_text (self->layout, sample, sizeof sample - 1);
  pango_layout_get_extents (self->layout, NULL, &logical);
  char_width = (double) logical.width / PANGO_SCALE / (sizeof sample - 1);
  row_height = (int) ceil ((double) logical.height / PANGO_SCALE) + 2 * ROW_PADDING;

  g_clear_pointer (&self->font, pango_font_description_free);
  self->font = font;
  update_glyphs (self);

  if (char_width == self->char_width && row_height == self->row_height)
    return FALSE;
  self->char_width = char_width;
  self->row_height = MAX (row_height, 1);
  self->header_height = self->row_height + 4;
  return TRUE;
}

static void
ensure_font (ShmlensHexView *self)
{
  if (self->layout == NULL)
    {
      update_font (self);
      update_colors (self);
    }
}

/* Scrolling */

static guint
full_rows (ShmlensHexView *self)
{
  return self->row_height > 0 ? (guint) (MAX (self->page_height, 0) / self->row_height) : 0;
}

static guint64
max_top_pixels (ShmlensHexView *self)
{
  guint64 upper = self->n_rows * (guint64) self->row_height;

  return upper > (guint64) MAX (self->page_height, 0) ? upper - self->page_height : 0;
}

static guint64
max_top_row (ShmlensHexView *self)
{
  guint rows = MAX (full_rows (self), 1);

  return self->n_rows > rows ? self->n_rows - rows : 0;
}

static double
value_for_top (ShmlensHexView *self)
{
  if (self->coarse)
    return ldexp ((double) self->top_row, -(int) self->coarse_shift);
  return (double) (self->top_row * (guint64) self->row_height + self->top_dy);
}

static void
top_from_value (ShmlensHexView *self,
                double          value)
{
  if (self->row_height <= 0)
    return;

  if (self->coarse)
    {
      /* Our own row is exact; the adjustment only moved if it differs. */
      if (value != self->applied_value)
        {
          self->top_row = (guint64) ldexp (MAX (value, 0.0), (int) self->coarse_shift);
          self->top_row = MIN (self->top_row, max_top_row (self));
          self->top_dy = 0;
        }
    }
  else
    {
      guint64 pixels = (guint64) MAX (value, 0.0);

      pixels = MIN (pixels, max_top_pixels (self));
      self->top_row = pixels / (guint64) self->row_height;
      self->top_dy = (int) (pixels % (guint64) self->row_height);
    }
  self->applied_value = value;
}

static void
set_top (ShmlensHexView *self,
         guint64         row,
         int             dy)
{
  double value;

  if (self->bytes_per_row == 0)
    return;

  if (self->coarse)
    {
      self->top_row = MIN (row, max_top_row (self));
      self->top_dy = 0;
    }
  else
    {
      guint64 pixels = MIN (row, self->n_rows) * (guint64) self->row_height + (guint64) dy;

      pixels = MIN (pixels, max_top_pixels (self));
      self->top_row = pixels / (guint64) self->row_height;
      self->top_dy = (int) (pixels % (guint64) self->row_height);
    }

  value = value_for_top (self);
  self->applied_value = value;
  self->in_update++;
  gtk_adjustment_set_value (self->vadjustment, value);
  self->in_update--;

  update_window (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Scrolls as little as needed for @offset's row to be wholly visible. */
static void
ensure_visible (ShmlensHexView *self,
                guint64         offset)
{
  guint64 row;
  guint rows;

  if (self->bytes_per_row == 0)
    {
      self->pending_scroll = offset;
      self->pending_is_jump = FALSE;
      return;
    }

  row = offset / self->bytes_per_row;
  rows = full_rows (self);
  if (row < self->top_row || (row == self->top_row && self->top_dy > 0) || rows == 0)
    set_top (self, row, 0);
  else if (self->coarse)
    {
      if (row >= self->top_row + rows)
        set_top (self, row - rows + 1, 0);
    }
  else
    {
      guint64 bottom = (row + 1) * (guint64) self->row_height;
      guint64 top = self->top_row * (guint64) self->row_height + self->top_dy;

      if (bottom > top + (guint64) self->page_height)
        {
          guint64 pixels = bottom - self->page_height;
          set_top (self, pixels / self->row_height, (int) (pixels % self->row_height));
        }
    }
}

/* Shows @offset's row a third of the way down when it is not already on screen: a
 * jump keeps some context above its target. */
static void
jump_to (ShmlensHexView *self,
         guint64         offset)
{
  guint64 row;
  guint rows;

  if (self->bytes_per_row == 0)
    {
      self->pending_scroll = offset;
      self->pending_is_jump = TRUE;
      return;
    }

  row = offset / self->bytes_per_row;
  rows = full_rows (self);
  if (row >= self->top_row && row < self->top_row + rows &&
      !(row == self->top_row && self->top_dy > 0))
    return;
  set_top (self, row > rows / 3 ? row - rows / 3 : 0, 0);
}

/* The tracker's window follows the rows on screen. */
static void
update_window (ShmlensHexView *self)
{
  guint64 offset = 0;
  gsize length = 0;

  if (self->tracker == NULL)
    return;

  if (self->bytes_per_row > 0 && self->row_height > 0 && self->top_row < self->n_rows)
    {
      guint64 rows = ((guint64) self->top_dy + MAX (self->page_height, 0) + self->row_height - 1) /
                     self->row_height;

      rows = MIN (rows, self->n_rows - self->top_row);
      offset = self->top_row * self->bytes_per_row;
      length = (gsize) MIN (rows * self->bytes_per_row, self->size - offset);
    }

  if (offset == shmlens_tracker_get_window_offset (self->tracker) &&
      length == shmlens_tracker_get_window_length (self->tracker))
    return;

  shmlens_tracker_set_window (self->tracker, offset, length);
  if (length > 0)
    {
      g_autoptr(GError) error = NULL;
      gint64 now = g_get_monotonic_time ();
      guint n_changes = 0;

      /* A failed read leaves the rows blank; the page reports the error at its next
       * refresh, which reads the same window. */
      if (!shmlens_tracker_refresh (self->tracker, now, &error))
        g_debug ("Hex view: %s", error->message);
      shmlens_tracker_get_changes (self->tracker, &n_changes);
      if (n_changes > 0)
        self->last_change_us = now;
    }
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_vadjustment_value_changed (GtkAdjustment  *adjustment,
                              ShmlensHexView *self)
{
  if (self->in_update > 0)
    return;
  top_from_value (self, gtk_adjustment_get_value (adjustment));
  update_window (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_hadjustment_value_changed (GtkAdjustment  *adjustment,
                              ShmlensHexView *self)
{
  if (self->in_update > 0)
    return;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (ShmlensHexView *self,
                GtkOrientation  orientation,
                GtkAdjustment  *adjustment)
{
  GtkAdjustment **slot = orientation == GTK_ORIENTATION_HORIZONTAL ? &self->hadjustment
                                                                   : &self->vadjustment;
  GCallback callback = orientation == GTK_ORIENTATION_HORIZONTAL
                       ? G_CALLBACK (on_hadjustment_value_changed)
                       : G_CALLBACK (on_vadjustment_value_changed);

  if (adjustment != NULL && adjustment == *slot)
    return;

  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, callback, self);
      g_object_unref (*slot);
    }
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", callback, self);

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify (G_OBJECT (self), orientation == GTK_ORIENTATION_HORIZONTAL ? "hadjustment"
                                                                              : "vadjustment");
}

/* Layout */

static guint
fit_bytes_per_row (ShmlensHexView *self,
                   int             width)
{
  for (guint bytes = MAX_FIT_BYTES_PER_ROW; bytes > MIN_BYTES_PER_ROW; bytes /= 2)
    if (width_for (self, bytes) <= width)
      return bytes;
  return MIN_BYTES_PER_ROW;
}

static void
shmlens_hex_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);
  int bar_minimum = 0, bar_natural = 0;

  ensure_font (self);
  gtk_widget_measure (self->find_bar, orientation, -1, &bar_minimum, &bar_natural, NULL, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      guint fixed = self->bytes_per_row_setting;

      *minimum = MAX (width_for (self, fixed != 0 ? fixed : MIN_BYTES_PER_ROW), bar_minimum);
      *natural = MAX (width_for (self, fixed != 0 ? fixed : 16), bar_natural);
    }
  else
    {
      guint64 rows = MIN (self->size / 16 + 1, (guint64) 24);

      *minimum = bar_minimum + self->header_height + 4 * self->row_height;
      *natural = MAX (bar_natural + self->header_height + (int) rows * self->row_height,
                      *minimum);
    }
}

static void
configure_adjustments (ShmlensHexView *self,
                       int             width)
{
  double hvalue = gtk_adjustment_get_value (self->hadjustment);
  double upper, page, value;

  self->in_update++;

  gtk_adjustment_configure (self->hadjustment, hvalue, 0, MAX (self->content_width, width),
                            self->char_width * 2, width * 0.9, width);

  if (!self->coarse)
    {
      upper = (double) (self->n_rows * (guint64) self->row_height);
      page = MAX (self->page_height, 0);
      value = value_for_top (self);
      gtk_adjustment_configure (self->vadjustment, value, 0, upper, self->row_height,
                                MAX (page - self->row_height, self->row_height), page);
    }
  else
    {
      upper = (double) ((self->n_rows >> self->coarse_shift) + 1);
      page = ldexp ((double) MAX (full_rows (self), 1), -(int) self->coarse_shift);
      value = value_for_top (self);
      gtk_adjustment_configure (self->vadjustment, value, 0, upper, 1, 1, page);
    }

  self->in_update--;
  /* configure() clamps the value: take back what it kept. */
  top_from_value (self, gtk_adjustment_get_value (self->vadjustment));
}

static void
shmlens_hex_view_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);
  guint64 top_offset = self->top_row * self->bytes_per_row;
  guint bytes_per_row;
  int bar_width = 0, bar_height = 0;

  ensure_font (self);

  /* A scrolled window gives its scrollable child the viewport's size, which can be
   * narrower than the bar: the bar then runs past the right edge rather than being
   * squeezed, so that its entry stays in view. */
  gtk_widget_measure (self->find_bar, GTK_ORIENTATION_HORIZONTAL, -1, &bar_width, NULL,
                      NULL, NULL);
  bar_width = MAX (bar_width, width);
  gtk_widget_measure (self->find_bar, GTK_ORIENTATION_VERTICAL, bar_width, NULL, &bar_height,
                      NULL, NULL);
  gtk_widget_size_allocate (self->find_bar, &(GtkAllocation) { 0, 0, bar_width, bar_height },
                            -1);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child))
      gtk_popover_present (GTK_POPOVER (child));

  bytes_per_row = self->bytes_per_row_setting != 0 ? self->bytes_per_row_setting
                                                   : fit_bytes_per_row (self, width);
  if (bytes_per_row != self->bytes_per_row ||
      digits_for_size (self->size) != self->offset_digits)
    {
      self->offset_digits = digits_for_size (self->size);
      self->hex_column = self->offset_digits + GAP_COLUMNS;
      self->text_column = self->hex_column + hex_width (self, bytes_per_row) + GAP_COLUMNS;
      self->total_columns = self->text_column + bytes_per_row;
      g_free (self->row_text);
      g_free (self->row_dim);
      self->row_text = g_malloc (self->total_columns);
      self->row_dim = g_malloc (self->total_columns);
      /* Keep the same bytes at the top when the rows get wider or narrower. */
      if (self->bytes_per_row != 0)
        {
          self->top_row = top_offset / bytes_per_row;
          self->top_dy = 0;
        }
      self->bytes_per_row = bytes_per_row;
    }

  self->content_width = width_for (self, bytes_per_row);
  self->bar_height = bar_height;
  self->rows_y = bar_height + self->header_height;
  self->page_height = MAX (height - self->rows_y, 0);
  self->n_rows = self->size == 0 ? 0 : (self->size - 1) / bytes_per_row + 1;

  self->coarse = self->n_rows > EXACT_PIXELS / (guint64) self->row_height;
  self->coarse_shift = 0;
  while (self->coarse && (self->n_rows >> self->coarse_shift) >= COARSE_UNITS)
    self->coarse_shift++;

  configure_adjustments (self, width);

  if (self->pending_scroll != G_MAXUINT64)
    {
      guint64 offset = self->pending_scroll;

      self->pending_scroll = G_MAXUINT64;
      if (self->pending_is_jump)
        jump_to (self, offset);
      else
        ensure_visible (self, offset);
    }
  update_window (self);
}

/* Drawing */

static void
append_rect (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             double         x,
             double         y,
             double         width,
             double         height)
{
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, width, height));
}

static void
append_frame (GtkSnapshot   *snapshot,
              const GdkRGBA *color,
              double         x,
              double         y,
              double         width,
              double         height,
              float          thickness)
{
  GskRoundedRect outline;
  const float widths[4] = { thickness, thickness, thickness, thickness };
  const GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (x, y, width, height), 2);
  gtk_snapshot_append_border (snapshot, &outline, widths, colors);
}

/* Pixel span of bytes [first, last] of a row in the hex and text columns. */
static void
hex_span (ShmlensHexView *self,
          guint           first,
          guint           last,
          double         *x,
          double         *width)
{
  double from = column_x (self, self->hex_column + byte_column (self, first) - 0.5);
  double to = column_x (self, self->hex_column + byte_column (self, last) + 2.5);

  *x = from;
  *width = to - from;
}

static void
text_span (ShmlensHexView *self,
           guint           first,
           guint           last,
           double         *x,
           double         *width)
{
  *x = column_x (self, self->text_column + first);
  *width = (last - first + 1) * self->char_width;
}

static void
append_span (ShmlensHexView *self,
             GtkSnapshot    *snapshot,
             const GdkRGBA  *color,
             guint           first,
             guint           last,
             double          y)
{
  double x, width;

  hex_span (self, first, last, &x, &width);
  append_rect (snapshot, color, x, y, width, self->row_height);
  text_span (self, first, last, &x, &width);
  append_rect (snapshot, color, x, y, width, self->row_height);
}

static double
stamp_alpha (ShmlensHexView *self,
             guint32         stamp,
             guint32         now_stamp,
             guint32         since_stamp)
{
  guint32 age;

  if (stamp == 0)
    return 0;
  if (self->highlight_since > 0)
    return stamp >= since_stamp ? 1.0 : 0.0;
  if (self->fade_time == 0)
    return 0;
  age = now_stamp > stamp ? now_stamp - stamp : 0;
  if (age >= self->fade_time)
    return 0;
  return 1.0 - (double) age / self->fade_time;
}

static void
draw_text (ShmlensHexView *self,
           GtkSnapshot    *snapshot,
           const char     *text,
           gsize           length,
           const GdkRGBA  *color,
           double          y)
{
  /* Trailing spaces need no shaping. */
  while (length > 0 && text[length - 1] == ' ')
    length--;
  if (length == 0)
    return;

  if (self->glyph_font != NULL)
    {
      GskRenderNode *node;

      if (self->glyph_string == NULL)
        self->glyph_string = pango_glyph_string_new ();
      pango_glyph_string_set_size (self->glyph_string, (int) length);
      for (gsize i = 0; i < length; i++)
        {
          PangoGlyphInfo *info = &self->glyph_string->glyphs[i];
          guchar c = (guchar) text[i];

          g_assert (c >= 32 && c < 127);
          info->glyph = self->glyphs[c];
          info->geometry.width = self->glyph_width;
          info->geometry.x_offset = 0;
          info->geometry.y_offset = 0;
          info->attr.is_cluster_start = 1;
          info->attr.is_color = 0;
          self->glyph_string->log_clusters[i] = (int) i;
        }
      node = gsk_text_node_new (self->glyph_font, self->glyph_string, color,
                                &GRAPHENE_POINT_INIT (PADDING_X,
                                                      y + ROW_PADDING +
                                                      (double) self->baseline / PANGO_SCALE));
      /* NULL when every glyph is blank (a row of spaces) */
      if (node != NULL)
        {
          gtk_snapshot_append_node (snapshot, node);
          gsk_render_node_unref (node);
        }
      return;
    }

  pango_layout_set_text (self->layout, text, (int) length);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (PADDING_X, y + ROW_PADDING));
  gtk_snapshot_append_layout (snapshot, self->layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
put_hex (char    *buffer,
         guint    column,
         guint8   byte)
{
  buffer[column] = hex_digits[byte >> 4];
  buffer[column + 1] = hex_digits[byte & 0xf];
}

static void
draw_header (ShmlensHexView *self,
             GtkSnapshot    *snapshot,
             int             width)
{
  guint cursor_column = (guint) (self->cursor % self->bytes_per_row);
  double y = self->bar_height;
  GdkRGBA background = self->shade;

  background.alpha *= 1.5;
  append_rect (snapshot, &background, 0, y, MAX (width, self->content_width),
               self->header_height);
  append_rect (snapshot, &self->rule, 0, y + self->header_height - 1,
               MAX (width, self->content_width), 1);

  memset (self->row_text, ' ', self->total_columns);
  memset (self->row_dim, ' ', self->total_columns);
  for (guint i = 0; i < self->bytes_per_row; i++)
    {
      gboolean current = self->size > 0 && i == cursor_column;
      char *buffer = current ? self->row_text : self->row_dim;

      if (i % self->group_size == 0 || current)
        put_hex (buffer, self->hex_column + byte_column (self, i), (guint8) i);
      buffer[self->text_column + i] = hex_digits[i & 0xf];
    }
  draw_text (self, snapshot, self->row_dim, self->total_columns, &self->dim, y + 2);
  draw_text (self, snapshot, self->row_text, self->total_columns, &self->fg, y + 2);
}

/* What one row shows, as bytes: two rows with equal keys draw the same nodes. The
 * header is followed by two bytes per byte of the row: its value, and
 * KEY_BYTE_READ | its highlight level. */
typedef struct
{
  guint64 row;
  double char_width;
  guint32 style_serial;
  guint32 tint_serial;
  guint32 n;
  guint32 bytes_per_row;
  guint32 group_size;
  guint32 hex_column;
  guint32 text_column;
  guint32 total_columns;
  guint32 offset_digits;
  gint32 content_width;
  gint32 row_height;
  gint32 cursor;                /* the cursor's byte in this row; -1: elsewhere */
  gint32 selection_first;       /* -1: no selected byte in this row */
  gint32 selection_last;
  guint8 focused;
  guint8 column;
  guint8 since;
} RowKey;

#define KEY_BYTE_READ 0x80

struct _RowNode
{
  guint64 row;                  /* the key in row_nodes */
  GskRenderNode *node;          /* drawn at y = 0 */
  guint8 *key;
  gsize key_length;
  guint64 frame;                /* the last frame that showed it */
};

static void
row_node_free (gpointer data)
{
  RowNode *row_node = data;

  g_clear_pointer (&row_node->node, gsk_render_node_unref);
  g_free (row_node->key);
  g_free (row_node);
}

static void
draw_row (ShmlensHexView *self,
          GtkSnapshot    *snapshot,
          const RowKey   *key,
          const guint8   *cells)
{
  guint64 row_offset = key->row * key->bytes_per_row;
  gboolean is_cursor_row = key->cursor >= 0;
  GdkRGBA selection = self->accent;
  GdkRGBA cursor_fill = self->accent;
  GdkRGBA quiet_frame = self->accent;
  GdkRGBA level_color = self->change;
  guint run_start = 0;
  int run_level = 0;

  selection.alpha = key->focused ? 0.32 : 0.18;
  cursor_fill.alpha = 0.28;
  quiet_frame.alpha = 0.6;
  if (!key->focused)
    {
      quiet_frame = self->fg;
      quiet_frame.alpha = 0.4;
    }

  /* Backgrounds: the cursor's row, tints, changed bytes, the selection. */
  if (is_cursor_row)
    append_rect (snapshot, &self->shade, 0, 0, MAX (self->content_width, 1), self->row_height);

  for (guint t = 0; t < self->tints->len && key->n > 0; t++)
    {
      const ShmlensHexTint *tint = &g_array_index (self->tints, ShmlensHexTint, t);
      guint64 tint_end = tint->length > G_MAXUINT64 - tint->offset ? G_MAXUINT64
                                                                    : tint->offset + tint->length;
      GdkRGBA wash = tint->color;

      if (tint->offset >= row_offset + key->n || tint_end <= row_offset)
        continue;
      wash.alpha *= TINT_ALPHA;
      append_span (self, snapshot, &wash, (guint) (MAX (tint->offset, row_offset) - row_offset),
                   (guint) (MIN (tint_end, row_offset + key->n) - row_offset - 1), 0);
    }

  for (guint i = 0; i <= key->n; i++)
    {
      int level = i < key->n ? cells[2 * i + 1] & ~KEY_BYTE_READ : 0;

      if (level != run_level)
        {
          if (run_level > 0)
            {
              level_color.alpha = key->since ? SINCE_ALPHA
                                             : HIGHLIGHT_MAX_ALPHA * run_level / HIGHLIGHT_LEVELS;
              append_span (self, snapshot, &level_color, run_start, i - 1, 0);
            }
          run_start = i;
          run_level = level;
        }
    }

  if (key->selection_first >= 0)
    append_span (self, snapshot, &selection, (guint) key->selection_first,
                 (guint) key->selection_last, 0);

  /* Text: what stands out in the foreground colour, the rest dimmed. */
  memset (self->row_text, ' ', self->total_columns);
  memset (self->row_dim, ' ', self->total_columns);
  {
    char *buffer = is_cursor_row ? self->row_text : self->row_dim;
    guint64 value = row_offset;

    for (guint k = self->offset_digits; k > 0; k--, value >>= 4)
      buffer[k - 1] = hex_digits[value & 0xf];
  }
  for (guint i = 0; i < key->n; i++)
    {
      guint column = self->hex_column + byte_column (self, i);

      if (cells[2 * i + 1] & KEY_BYTE_READ)
        {
          guint8 byte = cells[2 * i];

          put_hex (byte == 0 ? self->row_dim : self->row_text, column, byte);
          if (is_printable (byte))
            self->row_text[self->text_column + i] = (char) byte;
          else
            self->row_dim[self->text_column + i] = '.';
        }
      else
        {
          /* Not read (yet): the segment ended, or a read failed. */
          self->row_dim[column] = '-';
          self->row_dim[column + 1] = '-';
        }
    }
  draw_text (self, snapshot, self->row_dim, self->total_columns, &self->dim, 0);
  draw_text (self, snapshot, self->row_text, self->total_columns, &self->fg, 0);

  /* The cursor: framed in the column that has the keyboard, outlined in the other. */
  if (is_cursor_row)
    {
      guint i = (guint) key->cursor;
      double hex_x, hex_w, text_x, text_w;

      hex_span (self, i, i, &hex_x, &hex_w);
      text_span (self, i, i, &text_x, &text_w);
      hex_x += self->char_width * 0.35;
      hex_w -= self->char_width * 0.7;
      if (key->focused)
        {
          double active_x = key->column == COLUMN_HEX ? hex_x : text_x;
          double active_w = key->column == COLUMN_HEX ? hex_w : text_w;
          double other_x = key->column == COLUMN_HEX ? text_x : hex_x;
          double other_w = key->column == COLUMN_HEX ? text_w : hex_w;

          append_rect (snapshot, &cursor_fill, active_x, 0, active_w, self->row_height);
          append_frame (snapshot, &self->accent, active_x, 0, active_w, self->row_height, 2);
          append_frame (snapshot, &quiet_frame, other_x, 0, other_w, self->row_height, 1);
        }
      else
        {
          append_frame (snapshot, &quiet_frame, hex_x, 0, hex_w, self->row_height, 1);
          append_frame (snapshot, &quiet_frame, text_x, 0, text_w, self->row_height, 1);
        }
    }
}

/* Draws the visible rows. A row whose key is the one it had last frame gets the same
 * render node again: GTK's frame diff then finds nothing changed there, so a live
 * refresh repaints (and shapes text for) only the rows whose bytes, highlights or
 * cursor changed, not the whole view. The cache is the only state snapshot() keeps,
 * and it only ever remembers what was drawn. */
static void
draw_rows (ShmlensHexView *self,
           GtkSnapshot    *snapshot,
           int             height)
{
  gboolean focused = gtk_widget_has_focus (GTK_WIDGET (self));
  const guint8 *bytes = NULL;
  const guint32 *stamps = NULL;
  guint64 window_offset = 0;
  gsize valid = 0;
  guint32 now_stamp = 0, since_stamp = 0;
  guint64 selection_start, selection_end;
  gboolean has_selection = self->anchor != self->cursor;
  guint64 cursor_row = self->cursor / self->bytes_per_row;
  gsize key_length = sizeof (RowKey) + 2 * (gsize) self->bytes_per_row;
  GHashTableIter iter;
  gpointer value;

  if (self->tracker != NULL)
    {
      bytes = shmlens_tracker_get_window_bytes (self->tracker, &valid);
      stamps = shmlens_tracker_get_window_stamps (self->tracker);
      window_offset = shmlens_tracker_get_window_offset (self->tracker);
      now_stamp = shmlens_tracker_time_to_stamp (self->tracker, g_get_monotonic_time ());
      if (self->highlight_since > 0)
        since_stamp = shmlens_tracker_time_to_stamp (self->tracker, self->highlight_since);
    }

  get_selection_range (self, &selection_start, &selection_end);
  if (self->row_key_length < key_length)
    {
      self->row_key = g_realloc (self->row_key, key_length);
      self->row_key_length = key_length;
    }
  self->frame++;

  for (guint64 row = self->top_row; row < self->n_rows; row++)
    {
      double y = self->rows_y - self->top_dy + (double) (row - self->top_row) * self->row_height;
      guint64 row_offset = row * self->bytes_per_row;
      guint n = (guint) MIN ((guint64) self->bytes_per_row, self->size - row_offset);
      RowKey *key = (RowKey *) self->row_key;
      guint8 *cells = self->row_key + sizeof (RowKey);
      RowNode *row_node;

      if (y >= height)
        break;

      /* Padding bytes too: keys are compared with memcmp. */
      memset (key, 0, sizeof (RowKey));
      key->row = row;
      key->char_width = self->char_width;
      key->style_serial = self->style_serial;
      key->tint_serial = self->tint_serial;
      key->n = n;
      key->bytes_per_row = self->bytes_per_row;
      key->group_size = self->group_size;
      key->hex_column = self->hex_column;
      key->text_column = self->text_column;
      key->total_columns = self->total_columns;
      key->offset_digits = self->offset_digits;
      key->content_width = self->content_width;
      key->row_height = self->row_height;
      key->cursor = row == cursor_row && self->size > 0 ? (gint32) (self->cursor - row_offset) : -1;
      key->selection_first = key->selection_last = -1;
      if (has_selection && selection_start < row_offset + n && selection_end > row_offset)
        {
          key->selection_first = (gint32) (MAX (selection_start, row_offset) - row_offset);
          key->selection_last = (gint32) (MIN (selection_end, row_offset + n) - row_offset - 1);
        }
      key->focused = focused;
      key->column = self->column;
      key->since = self->highlight_since > 0;

      for (guint i = 0; i < n; i++)
        {
          guint64 offset = row_offset + i;
          guint8 byte = 0, flags = 0;

          if (bytes != NULL && offset >= window_offset && offset - window_offset < valid)
            {
              gsize at = offset - window_offset;

              byte = bytes[at];
              flags = KEY_BYTE_READ;
              if (stamps != NULL)
                flags |= (guint8) ceil (stamp_alpha (self, stamps[at], now_stamp, since_stamp)
                                        * HIGHLIGHT_LEVELS);
            }
          cells[2 * i] = byte;
          cells[2 * i + 1] = flags;
        }

      row_node = g_hash_table_lookup (self->row_nodes, &key->row);
      if (row_node == NULL)
        {
          row_node = g_new0 (RowNode, 1);
          row_node->row = row;
          g_hash_table_insert (self->row_nodes, &row_node->row, row_node);
        }
      if (row_node->node == NULL || row_node->key_length != key_length ||
          memcmp (row_node->key, self->row_key, key_length) != 0)
        {
          GtkSnapshot *row_snapshot = gtk_snapshot_new ();

          draw_row (self, row_snapshot, key, cells);
          g_clear_pointer (&row_node->node, gsk_render_node_unref);
          row_node->node = gtk_snapshot_free_to_node (row_snapshot);
          g_free (row_node->key);
          row_node->key = g_memdup2 (self->row_key, key_length);
          row_node->key_length = key_length;
        }
      row_node->frame = self->frame;

      if (row_node->node != NULL)
        {
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, y));
          gtk_snapshot_append_node (snapshot, row_node->node);
          gtk_snapshot_restore (snapshot);
        }
    }

  /* Forget the rows that scrolled away. */
  g_hash_table_iter_init (&iter, self->row_nodes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((RowNode *) value)->frame != self->frame)
      g_hash_table_iter_remove (&iter);
}

static void
draw_message (ShmlensHexView *self,
              GtkSnapshot    *snapshot,
              int             width,
              const char     *message)
{
  PangoRectangle logical;

  pango_layout_set_text (self->layout, message, -1);
  pango_layout_get_pixel_extents (self->layout, NULL, &logical);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (MAX ((width - logical.width) / 2, PADDING_X),
                                                self->rows_y + self->row_height * 2));
  gtk_snapshot_append_layout (snapshot, self->layout, &self->dim);
  gtk_snapshot_restore (snapshot);
}

static void
shmlens_hex_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double scroll_x = floor (gtk_adjustment_get_value (self->hadjustment));

  if (self->bytes_per_row == 0 || self->layout == NULL)
    {
      gtk_widget_snapshot_child (widget, self->find_bar, snapshot);
      return;
    }

  if (self->tracker != NULL)
    {
      gtk_snapshot_push_clip (snapshot,
                              &GRAPHENE_RECT_INIT (0, self->bar_height, width,
                                                   MAX (height - self->bar_height, 0)));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-scroll_x, 0));

      gtk_snapshot_push_clip (snapshot,
                              &GRAPHENE_RECT_INIT (scroll_x, self->rows_y, width,
                                                   self->page_height));
      draw_rows (self, snapshot, height);
      gtk_snapshot_pop (snapshot);

      draw_header (self, snapshot, width + (int) scroll_x);

      /* Rules between the columns. */
      append_rect (snapshot, &self->rule,
                   floor (column_x (self, self->hex_column - GAP_COLUMNS / 2.0)),
                   self->bar_height, 1, height - self->bar_height);
      append_rect (snapshot, &self->rule,
                   floor (column_x (self, self->text_column - GAP_COLUMNS / 2.0)),
                   self->bar_height, 1, height - self->bar_height);

      gtk_snapshot_restore (snapshot);
      gtk_snapshot_pop (snapshot);

      if (self->size == 0)
        draw_message (self, snapshot, width, _("This segment is empty: it has no bytes to show."));
    }

  gtk_widget_snapshot_child (widget, self->find_bar, snapshot);
}

/* Style */

static void
shmlens_hex_view_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);

  if (GTK_WIDGET_CLASS (shmlens_hex_view_parent_class)->css_changed != NULL)
    GTK_WIDGET_CLASS (shmlens_hex_view_parent_class)->css_changed (widget, change);

  if (self->layout == NULL)
    return;
  update_colors (self);
  if (update_font (self))
    gtk_widget_queue_resize (widget);
  else
    gtk_widget_queue_draw (widget);
}

static void
shmlens_hex_view_system_setting_changed (GtkWidget        *widget,
                                         GtkSystemSetting  setting)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);

  if (GTK_WIDGET_CLASS (shmlens_hex_view_parent_class)->system_setting_changed != NULL)
    GTK_WIDGET_CLASS (shmlens_hex_view_parent_class)->system_setting_changed (widget, setting);

  if (self->layout != NULL && update_font (self))
    gtk_widget_queue_resize (widget);
}

static void
shmlens_hex_view_state_flags_changed (GtkWidget     *widget,
                                      GtkStateFlags  previous_state)
{
  if (GTK_WIDGET_CLASS (shmlens_hex_view_parent_class)->state_flags_changed != NULL)
    GTK_WIDGET_CLASS (shmlens_hex_view_parent_class)->state_flags_changed (widget, previous_state);
  gtk_widget_queue_draw (widget);
}

/* Cursor, selection and the accessible description */

static gboolean
read_byte (ShmlensHexView *self,
           guint64         offset,
           guint8         *byte)
{
  const guint8 *bytes;
  guint64 window_offset;
  gsize valid = 0;

  if (self->tracker == NULL || offset >= self->size)
    return FALSE;

  bytes = shmlens_tracker_get_window_bytes (self->tracker, &valid);
  window_offset = shmlens_tracker_get_window_offset (self->tracker);
  if (bytes != NULL && offset >= window_offset && offset - window_offset < valid)
    {
      *byte = bytes[offset - window_offset];
      return TRUE;
    }
  /* The cursor was scrolled away from: read its one byte. */
  return shmlens_reader_read (shmlens_tracker_get_reader (self->tracker), offset, byte, 1,
                              NULL) == 1;
}

static char *
format_offset (guint64 offset)
{
  return g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", offset);
}

static void
update_description (ShmlensHexView *self)
{
  g_autofree char *where = format_offset (self->cursor);
  g_autofree char *text = NULL;
  guint8 byte;

  if (self->tracker == NULL)
    text = g_strdup (_("No segment"));
  else if (self->size == 0)
    text = g_strdup (_("The segment is empty"));
  else if (read_byte (self, self->cursor, &byte))
    {
      g_autofree char *value = is_printable (byte)
                               ? g_strdup_printf ("0x%02x '%c'", byte, byte)
                               : g_strdup_printf ("0x%02x", byte);
      /* Translators: the hex view's cursor for screen readers, e.g. "Offset 0x10: 0x4d 'M'" */
      text = g_strdup_printf (_("Offset %s: %s"), where, value);
    }
  else
    /* Translators: the hex view's cursor where the byte cannot be read */
    text = g_strdup_printf (_("Offset %s"), where);

  if (self->anchor != self->cursor && self->tracker != NULL)
    {
      guint64 start, end;
      g_autofree char *count = NULL;
      char *with_selection;

      get_selection_range (self, &start, &end);
      count = g_strdup_printf ("%" G_GUINT64_FORMAT, end - start);
      /* Translators: the cursor's description, then how many bytes are selected */
      /* ngettext's count is an unsigned long: a count past its range keeps its last
       * six digits, which are what every language's plural forms look at */
      with_selection = g_strdup_printf (ngettext ("%s, %s byte selected",
                                                  "%s, %s bytes selected",
                                                  end - start <= G_MAXULONG
                                                    ? (unsigned long) (end - start)
                                                    : (unsigned long) ((end - start) % 1000000 + 1000000)),
                                        text, count);
      g_free (text);
      text = with_selection;
    }

  if (g_strcmp0 (text, self->description) == 0)
    return;
  g_free (self->description);
  self->description = g_steal_pointer (&text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                  -1);
}

static void
set_cursor_and_anchor (ShmlensHexView *self,
                       guint64         cursor,
                       guint64         anchor)
{
  guint64 last = self->size > 0 ? self->size - 1 : 0;
  gboolean cursor_changed;

  cursor = MIN (cursor, last);
  anchor = MIN (anchor, last);
  if (cursor == self->cursor && anchor == self->anchor)
    return;

  cursor_changed = cursor != self->cursor;
  self->cursor = cursor;
  self->anchor = anchor;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (cursor_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR]);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
move_cursor (ShmlensHexView *self,
             Move            move,
             gboolean        extend)
{
  guint64 cursor = self->cursor;
  guint64 bytes_per_row = MAX (self->bytes_per_row, 1);
  guint64 last = self->size > 0 ? self->size - 1 : 0;
  guint64 page = (guint64) MAX (full_rows (self), 1) * bytes_per_row;
  guint64 scroll_rows = page / bytes_per_row;

  if (self->size == 0)
    return;

  switch (move)
    {
    case MOVE_LEFT:
      cursor = cursor > 0 ? cursor - 1 : 0;
      break;
    case MOVE_RIGHT:
      cursor = MIN (cursor + 1, last);
      break;
    case MOVE_UP:
      if (cursor >= bytes_per_row)
        cursor -= bytes_per_row;
      break;
    case MOVE_DOWN:
      if (last - cursor >= bytes_per_row)
        cursor += bytes_per_row;
      else if (cursor / bytes_per_row < last / bytes_per_row)
        cursor = last;
      break;
    case MOVE_PAGE_UP:
      /* Short of a page from the start: the first row, then the first byte. */
      if (cursor >= page)
        cursor -= page;
      else
        cursor = cursor >= bytes_per_row ? cursor % bytes_per_row : 0;
      if (self->bytes_per_row > 0)
        set_top (self, self->top_row > scroll_rows ? self->top_row - scroll_rows : 0,
                 self->top_dy);
      break;
    case MOVE_PAGE_DOWN:
      if (last - cursor >= page)
        cursor += page;
      else if (last - cursor >= bytes_per_row)
        cursor += (last - cursor) / bytes_per_row * bytes_per_row;
      else
        cursor = last;
      if (self->bytes_per_row > 0)
        set_top (self, self->top_row + scroll_rows, self->top_dy);
      break;
    case MOVE_ROW_START:
      cursor -= cursor % bytes_per_row;
      break;
    case MOVE_ROW_END:
      cursor = MIN (cursor - cursor % bytes_per_row + bytes_per_row - 1, last);
      break;
    case MOVE_SEGMENT_START:
      cursor = 0;
      break;
    case MOVE_SEGMENT_END:
      cursor = last;
      break;
    default:
      g_assert_not_reached ();
    }

  shmlens_hex_view_set_cursor (self, cursor, extend);
}

static gboolean
move_cursor_binding (GtkWidget *widget,
                     GVariant  *args,
                     gpointer   user_data)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);
  int move;
  gboolean extend;

  /* Keys that the find bar's entry leaves alone are not ours to take. */
  if (!gtk_widget_is_focus (widget))
    return FALSE;
  g_variant_get (args, "(ib)", &move, &extend);
  move_cursor (self, (Move) move, extend);
  return TRUE;
}

/* Mouse */

static guint64
offset_at (ShmlensHexView *self,
           double          x,
           double          y,
           Column         *column)
{
  double row_position = (y - self->rows_y + self->top_dy) / self->row_height;
  double content_column = (x + gtk_adjustment_get_value (self->hadjustment) - PADDING_X) /
                          self->char_width;
  guint64 row;
  guint i = 0;

  if (row_position < 0)
    {
      guint64 above = (guint64) ceil (-row_position);
      row = self->top_row > above ? self->top_row - above : 0;
    }
  else
    row = self->top_row + (guint64) row_position;
  if (self->n_rows > 0)
    row = MIN (row, self->n_rows - 1);

  if (content_column >= self->text_column - GAP_COLUMNS / 2.0)
    {
      double within = content_column - self->text_column;

      *column = COLUMN_TEXT;
      i = within <= 0 ? 0 : (guint) MIN (within, (double) self->bytes_per_row - 1);
    }
  else
    {
      double within = content_column - self->hex_column;

      *column = COLUMN_HEX;
      /* The space after a byte belongs to it. */
      for (i = self->bytes_per_row - 1; i > 0; i--)
        if (within >= byte_column (self, i) - 0.5)
          break;
    }

  return MIN (row * self->bytes_per_row + i, self->size > 0 ? self->size - 1 : 0);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               ShmlensHexView *self)
{
  GdkModifierType state;
  Column column;
  guint64 offset;

  if (y < self->rows_y || self->bytes_per_row == 0 || self->size == 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  self->drag_x = x;
  self->drag_y = y;
  offset = offset_at (self, x, y, &column);
  self->column = column;
  shmlens_hex_view_set_cursor (self, offset, (state & GDK_SHIFT_MASK) != 0);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                ShmlensHexView *self)
{
  Column column;
  guint64 offset = offset_at (self, self->drag_x + dx, self->drag_y + dy, &column);

  shmlens_hex_view_set_cursor (self, offset, TRUE);
}

static void popup_context_menu (ShmlensHexView *self,
                                double          x,
                                double          y);

static void
on_secondary_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      ShmlensHexView  *self)
{
  guint64 start, end;
  Column column;
  guint64 offset;

  if (y < self->rows_y || self->bytes_per_row == 0)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  offset = offset_at (self, x, y, &column);
  get_selection_range (self, &start, &end);
  if (offset < start || offset >= end)
    {
      self->column = column;
      shmlens_hex_view_set_cursor (self, offset, FALSE);
    }
  popup_context_menu (self, x, y);
}

static gboolean
byte_area (ShmlensHexView  *self,
           guint64          offset,
           Column           column,
           graphene_rect_t *area)
{
  guint64 row;
  double x, y, width;
  guint i;

  if (self->bytes_per_row == 0 || offset >= self->size)
    return FALSE;
  row = offset / self->bytes_per_row;
  if (row < self->top_row)
    return FALSE;
  y = self->rows_y - self->top_dy + (double) (row - self->top_row) * self->row_height;
  if (y >= self->rows_y + self->page_height)
    return FALSE;

  i = (guint) (offset % self->bytes_per_row);
  if (column == COLUMN_HEX)
    {
      x = column_x (self, self->hex_column + byte_column (self, i));
      width = 2 * self->char_width;
    }
  else
    {
      x = column_x (self, self->text_column + i);
      width = self->char_width;
    }
  graphene_rect_init (area, x - gtk_adjustment_get_value (self->hadjustment), y, width,
                      self->row_height);
  return TRUE;
}

/* Where the cursor's cell is on screen, for pointing popovers at it. */
static void
cursor_rect (ShmlensHexView *self,
             GdkRectangle   *rect)
{
  graphene_rect_t area;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (!byte_area (self, self->cursor, self->column, &area))
    graphene_rect_init (&area, PADDING_X, self->rows_y, self->char_width * 2, self->row_height);

  rect->x = (int) CLAMP (area.origin.x, 0, MAX (width - 1, 0));
  rect->y = (int) CLAMP (area.origin.y, 0, MAX (height - 1, 0));
  rect->width = MAX ((int) ceil (area.size.width), 1);
  rect->height = MAX ((int) area.size.height, 1);
}

static void
popup_context_menu (ShmlensHexView *self,
                    double          x,
                    double          y)
{
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static gboolean
context_menu_binding (GtkWidget *widget,
                      GVariant  *args,
                      gpointer   user_data)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);
  GdkRectangle rect;

  if (!gtk_widget_is_focus (widget))
    return FALSE;
  cursor_rect (self, &rect);
  popup_context_menu (self, rect.x + rect.width / 2.0, rect.y + rect.height);
  return TRUE;
}

static void
show_message (ShmlensHexView *self,
              const char     *message)
{
  GdkRectangle rect;

  cursor_rect (self, &rect);
  gtk_label_set_label (GTK_LABEL (self->message_label), message);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->message_popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->message_popover));
}

/* Copy */

static char *
format_bytes (const guint8 *bytes,
              gsize         length,
              CopyFormat    format)
{
  GString *text;

  switch (format)
    {
    case COPY_HEX:
      /* "de ad be ef", sixteen bytes per line */
      text = g_string_sized_new (length * 3);
      for (gsize i = 0; i < length; i++)
        {
          if (i > 0)
            g_string_append_c (text, i % 16 == 0 ? '\n' : ' ');
          g_string_append_c (text, hex_digits[bytes[i] >> 4]);
          g_string_append_c (text, hex_digits[bytes[i] & 0xf]);
        }
      break;

    case COPY_TEXT:
      text = g_string_sized_new (length);
      for (gsize i = 0; i < length; i++)
        g_string_append_c (text, is_printable (bytes[i]) ? (char) bytes[i] : '.');
      break;

    case COPY_C_ARRAY:
      /* "{ 0xde, 0xad }" on one line up to sixteen bytes, else sixteen per line:
       * "{\n  0x00, …, 0x0f,\n  0x10\n}" */
      text = g_string_sized_new (length * 6 + 8);
      g_string_append (text, length > 16 ? "{\n  " : "{ ");
      for (gsize i = 0; i < length; i++)
        {
          if (i > 0)
            g_string_append (text, i % 16 == 0 ? ",\n  " : ", ");
          g_string_append (text, "0x");
          g_string_append_c (text, hex_digits[bytes[i] >> 4]);
          g_string_append_c (text, hex_digits[bytes[i] & 0xf]);
        }
      g_string_append (text, length > 16 ? "\n}" : " }");
      break;

    default:
      g_assert_not_reached ();
    }

  return g_string_free (text, FALSE);
}

static void
copy_selection (ShmlensHexView *self,
                CopyFormat      format)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *bytes = NULL;
  g_autofree char *text = NULL;
  guint64 start, end;
  gssize got;

  if (self->tracker == NULL || self->size == 0)
    return;

  get_selection_range (self, &start, &end);
  if (end - start > COPY_LIMIT)
    {
      g_autofree char *selected = g_format_size_full (end - start, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *limit = g_format_size_full (COPY_LIMIT, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *message =
        g_strdup_printf (_("Nothing was copied: the selection has %s, and a copy holds at "
                           "most %s. Select fewer bytes, or use “shmlens-cli dump” for "
                           "large ranges."), selected, limit);
      show_message (self, message);
      return;
    }

  bytes = g_malloc (end - start);
  got = shmlens_reader_read (shmlens_tracker_get_reader (self->tracker), start, bytes,
                             end - start, &error);
  if (got < 0)
    {
      g_autofree char *message = g_strdup_printf (_("Nothing was copied: %s"), error->message);
      show_message (self, message);
      return;
    }
  if ((guint64) got < end - start)
    {
      g_autofree char *where = format_offset (start + got);
      g_autofree char *message =
        g_strdup_printf (_("Nothing was copied: the segment now ends at offset %s, inside "
                           "the selection."), where);
      show_message (self, message);
      return;
    }

  text = format_bytes (bytes, got, format);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);

  if (g_str_equal (action_name, "hexview.copy-text"))
    copy_selection (self, COPY_TEXT);
  else if (g_str_equal (action_name, "hexview.copy-c-array"))
    copy_selection (self, COPY_C_ARRAY);
  else
    copy_selection (self, COPY_HEX);
}

static void
select_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);

  if (self->size > 0)
    shmlens_hex_view_select_range (self, 0, self->size);
}

/* Go to offset */

typedef enum
{
  OFFSET_NOT_A_NUMBER,
  OFFSET_TOO_LARGE,
} OffsetProblem;

static gboolean
offset_error (GError        **error,
              OffsetProblem   problem,
              const char     *text)
{
  g_autofree char *shown = g_strescape (text, NULL);

  if (problem == OFFSET_TOO_LARGE)
    /* Translators: %s is what the user typed as an offset */
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("“%s” is too large to be an offset."), shown);
  else
    /* Translators: %s is what the user typed as an offset */
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not an offset: write a number such as 4096, hex such as 0x1000, "
                   "or a size such as 4K."), shown);
  return FALSE;
}

/**
 * shmlens_hex_view_parse_offset:
 * @text: what the user typed
 * @cursor: the cursor's offset, for relative input
 * @size: the segment's size
 * @offset: (out): the offset
 * @error: return location for an error
 *
 * Parses an offset typed into "Go to offset": a size as shmlens_size_parse() reads
 * one (`4096`, `0x1000`, `4K`, `0x10M`, `1KiB`; leading zeros do not make it octal),
 * or `+N` or `-N` to move from @cursor. The result must lie inside the segment.
 *
 * Returns: %TRUE with @offset set, or %FALSE with @error set
 *   (%G_IO_ERROR_INVALID_ARGUMENT) to a message for the user saying what is wrong
 */
gboolean
shmlens_hex_view_parse_offset (const char  *text,
                               guint64      cursor,
                               guint64      size,
                               guint64     *offset,
                               GError     **error)
{
  g_autofree char *trimmed = NULL;
  const char *p;
  int sign = 0;
  guint64 value = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (offset != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  trimmed = g_strstrip (g_strdup (text));
  p = trimmed;
  if (*p == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Type an offset, such as 4096, 0x1000 or 4K."));
      return FALSE;
    }

  if (*p == '+' || *p == '-')
    {
      sign = *p == '+' ? 1 : -1;
      p++;
      while (g_ascii_isspace (*p))
        p++;
    }
  switch (shmlens_size_parse (p, &value))
    {
    case SHMLENS_SIZE_PARSE_OK:
      break;
    case SHMLENS_SIZE_PARSE_TOO_LARGE:
      return offset_error (error, OFFSET_TOO_LARGE, trimmed);
    case SHMLENS_SIZE_PARSE_INVALID:
    default:
      return offset_error (error, OFFSET_NOT_A_NUMBER, trimmed);
    }

  if (sign > 0)
    {
      if (value > G_MAXUINT64 - cursor)
        return offset_error (error, OFFSET_TOO_LARGE, trimmed);
      value = cursor + value;
    }
  else if (sign < 0)
    {
      if (value > cursor)
        {
          g_autofree char *from = format_offset (cursor);
          g_autofree char *shown = g_strescape (trimmed, NULL);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       /* Translators: "“-0x100” goes before the start: the cursor is at 0x10." */
                       _("“%s” goes before the start: the cursor is at %s."), shown, from);
          return FALSE;
        }
      value = cursor - value;
    }

  if (size == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The segment is empty: there is no offset to go to."));
      return FALSE;
    }
  if (value >= size)
    {
      g_autofree char *target = format_offset (value);
      g_autofree char *last = format_offset (size - 1);
      g_autofree char *human = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: "Offset 0x2000 is past the end: the segment has 4.0 KiB,
                    * its last offset is 0xfff." */
                   _("Offset %s is past the end: the segment has %s, its last offset is %s."),
                   target, human, last);
      return FALSE;
    }

  *offset = value;
  return TRUE;
}

static void
on_goto_activate (ShmlensHexView *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->goto_entry));
  guint64 offset;

  if (!shmlens_hex_view_parse_offset (text, self->cursor, self->size, &offset, &error))
    {
      gtk_label_set_label (GTK_LABEL (self->goto_error), error->message);
      gtk_widget_set_visible (self->goto_error, TRUE);
      gtk_widget_add_css_class (self->goto_entry, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->goto_entry),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
      return;
    }

  gtk_popover_popdown (GTK_POPOVER (self->goto_popover));
  shmlens_hex_view_set_cursor (self, offset, FALSE);
  jump_to (self, offset);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_goto_text_changed (ShmlensHexView *self)
{
  gtk_widget_set_visible (self->goto_error, FALSE);
  gtk_widget_remove_css_class (self->goto_entry, "error");
  gtk_accessible_reset_state (GTK_ACCESSIBLE (self->goto_entry), GTK_ACCESSIBLE_STATE_INVALID);
}

static void
goto_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);
  g_autofree char *current = format_offset (self->cursor);
  GdkRectangle rect;

  if (self->tracker == NULL)
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->goto_entry), current);
  on_goto_text_changed (self);
  cursor_rect (self, &rect);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->goto_popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->goto_popover));
  gtk_widget_grab_focus (self->goto_entry);
  gtk_editable_select_region (GTK_EDITABLE (self->goto_entry), 0, -1);
}

/* Find */

static void
set_find_status (ShmlensHexView *self,
                 const char     *status,
                 gboolean        is_error)
{
  gtk_label_set_label (GTK_LABEL (self->find_status), status);
  /* The label may be ellipsized in a narrow view: the tooltip has it all. */
  gtk_widget_set_tooltip_text (self->find_status, *status != '\0' ? status : NULL);
  if (is_error)
    gtk_widget_add_css_class (self->find_status, "error");
  else
    gtk_widget_remove_css_class (self->find_status, "error");
}

static void
set_searching (ShmlensHexView *self,
               gboolean        searching)
{
  gboolean was = self->search_job != NULL;

  if (was == searching)
    return;
  if (!searching)
    {
      g_clear_pointer (&self->search_job, search_job_unref);
      g_clear_object (&self->search_cancellable);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCHING]);
}

/* Stops a running search and waits until it no longer reads (at most one chunk). */
static void
cancel_search (ShmlensHexView *self)
{
  if (self->search_job == NULL)
    return;
  g_cancellable_cancel (self->search_cancellable);
  search_job_wait (self->search_job);
  set_searching (self, FALSE);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchJob *job = task_data;
  GError *error = NULL;
  guint64 found_at = 0;
  gsize length = 0;
  const guint8 *pattern = g_bytes_get_data (job->pattern, &length);
  gboolean found = shmlens_search_find (job->reader, pattern, length, job->from, job->backwards,
                                        cancellable, &found_at, &error);

  g_mutex_lock (&job->lock);
  job->done = TRUE;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->lock);

  if (found)
    g_task_return_pointer (task, g_memdup2 (&found_at, sizeof found_at), g_free);
  else
    g_task_return_error (task, error);
}

static void
search_done (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (source_object);
  SearchJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree guint64 *found_at = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GBytes) pattern = NULL;
  gboolean backwards;
  guint64 from;

  /* A search that was cancelled or replaced says nothing. */
  if (job != self->search_job)
    return;

  pattern = g_bytes_ref (job->pattern);
  backwards = job->backwards;
  from = job->from;
  set_searching (self, FALSE);

  if (found_at != NULL)
    {
      gsize length = g_bytes_get_size (pattern);
      g_autofree char *where = format_offset (*found_at);
      g_autofree char *status = g_strdup_printf (_("Match at %s"), where);

      shmlens_hex_view_select_range (self, *found_at, *found_at + length);
      jump_to (self, *found_at);
      ensure_visible (self, *found_at + length - 1);
      ensure_visible (self, *found_at);
      g_clear_pointer (&self->match_pattern, g_bytes_unref);
      self->match_pattern = g_bytes_ref (pattern);
      self->match_start = *found_at;
      self->match_valid = TRUE;
      set_find_status (self, status, FALSE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      /* Backwards, no match starts at or before from: none before from + 1. */
      g_autofree char *where = format_offset (backwards ? from + 1 : from);
      g_autofree char *status = NULL;

      if (!backwards && from == 0)
        status = g_strdup (_("Not found"));
      else if (backwards && from >= self->size - 1)
        status = g_strdup (_("Not found"));
      else if (backwards)
        /* Translators: %s is an offset such as 0x1f */
        status = g_strdup_printf (_("Not found before %s"), where);
      else
        /* Translators: %s is an offset such as 0x1f */
        status = g_strdup_printf (_("Not found from %s on"), where);
      set_find_status (self, status, TRUE);
    }
  else if (error != NULL)
    set_find_status (self, error->message, TRUE);
}

static GBytes *
find_pattern (ShmlensHexView  *self,
              GError         **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->find_entry));

  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->find_hex_toggle)))
    {
      gsize length = 0;
      guint8 *bytes = shmlens_search_parse_hex (text, &length, error);

      return bytes != NULL ? g_bytes_new_take (bytes, length) : NULL;
    }
  if (*text == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Type the text to find."));
      return NULL;
    }
  return g_bytes_new (text, strlen (text));
}

static void
start_search (ShmlensHexView *self,
              gboolean        backwards)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pattern = NULL;
  g_autoptr(GTask) task = NULL;
  guint64 start, end, from;
  gboolean at_match;

  if (self->tracker == NULL)
    return;

  cancel_search (self);
  pattern = find_pattern (self, &error);
  if (pattern == NULL)
    {
      set_find_status (self, error->message, TRUE);
      return;
    }

  /* From the cursor; from just past the current match when it is one. */
  get_selection_range (self, &start, &end);
  at_match = self->match_valid && self->match_pattern != NULL &&
             g_bytes_equal (pattern, self->match_pattern) && start == self->match_start &&
             end - start == g_bytes_get_size (pattern);
  if (backwards)
    {
      if (start == 0)
        {
          set_find_status (self, _("Not found before 0x0"), TRUE);
          return;
        }
      from = start - 1;
    }
  else
    from = at_match ? start + 1 : start;

  self->search_cancellable = g_cancellable_new ();
  self->search_job = search_job_new (shmlens_tracker_get_reader (self->tracker), pattern, from,
                                     backwards);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCHING]);
  set_find_status (self, _("Searching…"), FALSE);

  task = g_task_new (self, self->search_cancellable, search_done, NULL);
  g_task_set_source_tag (task, start_search);
  g_task_set_task_data (task, search_job_ref (self->search_job), search_job_unref);
  g_task_run_in_thread (task, search_thread);
}

static void
on_find_changed (ShmlensHexView *self)
{
  set_find_status (self, "", FALSE);
}

static void
on_find_mode_toggled (ShmlensHexView *self)
{
  gboolean hex = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->find_hex_toggle));

  g_object_set (self->find_entry, "placeholder-text",
                hex ? _("Hex bytes, such as de ad be ef") : _("Text to find"), NULL);
  set_find_status (self, "", FALSE);
}

static void
on_find_next (ShmlensHexView *self)
{
  start_search (self, FALSE);
}

static void
on_find_previous (ShmlensHexView *self)
{
  start_search (self, TRUE);
}

static void
on_find_bar_mode_changed (ShmlensHexView *self)
{
  GtkRoot *root;
  GtkWidget *focus;

  if (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (self->find_bar)))
    return;
  cancel_search (self);
  set_find_status (self, "", FALSE);
  /* The keyboard was in the bar (or went nowhere as it closed): back to the bytes. */
  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  if (root != NULL && (focus == NULL || gtk_widget_is_ancestor (focus, self->find_bar)))
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);

  if (self->tracker == NULL)
    return;
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (self->find_bar), TRUE);
  gtk_widget_grab_focus (self->find_entry);
  gtk_editable_select_region (GTK_EDITABLE (self->find_entry), 0, -1);
}

static void
find_again_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->find_entry));

  if (self->tracker == NULL)
    return;
  if (*text == '\0')
    {
      find_action (widget, "hexview.find", NULL);
      return;
    }
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (self->find_bar), TRUE);
  start_search (self, g_str_equal (action_name, "hexview.find-previous"));
}

static gboolean
close_find_binding (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);

  if (!gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (self->find_bar)))
    return FALSE;
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (self->find_bar), FALSE);
  return TRUE;
}

static void
on_find_close_clicked (ShmlensHexView *self)
{
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (self->find_bar), FALSE);
}

/* Children built in code: the view has no template, its look is all drawing. */

static GtkWidget *
icon_button (const char *icon_name,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
  return button;
}

static void
build_find_bar (ShmlensHexView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *modes = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *previous = icon_button ("go-up-symbolic", _("Previous Match (Shift+Ctrl+G)"));
  GtkWidget *next = icon_button ("go-down-symbolic", _("Next Match (Ctrl+G)"));
  GtkWidget *navigation = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  /* Our own close button: GtkSearchBar's (4.8) has no accessible name. */
  GtkWidget *close = icon_button ("window-close-symbolic", _("Close Find Bar (Escape)"));

  self->find_entry = gtk_search_entry_new ();
  gtk_widget_set_hexpand (self->find_entry, TRUE);
  gtk_widget_set_size_request (self->find_entry, 120, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->find_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Find"), -1);
  g_signal_connect_swapped (self->find_entry, "activate", G_CALLBACK (on_find_next), self);
  g_signal_connect_swapped (self->find_entry, "next-match", G_CALLBACK (on_find_next), self);
  g_signal_connect_swapped (self->find_entry, "previous-match", G_CALLBACK (on_find_previous),
                            self);
  g_signal_connect_swapped (self->find_entry, "changed", G_CALLBACK (on_find_changed), self);

  /* Translators: find mode: the pattern is text */
  self->find_text_toggle = gtk_toggle_button_new_with_label (_("Text"));
  /* Translators: find mode: the pattern is hex bytes */
  self->find_hex_toggle = gtk_toggle_button_new_with_label (_("Hex"));
  gtk_widget_set_tooltip_text (self->find_text_toggle, _("Find the typed text, as UTF-8"));
  gtk_widget_set_tooltip_text (self->find_hex_toggle, _("Find bytes written in hex"));
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (self->find_hex_toggle),
                               GTK_TOGGLE_BUTTON (self->find_text_toggle));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->find_text_toggle), TRUE);
  g_signal_connect_swapped (self->find_hex_toggle, "toggled", G_CALLBACK (on_find_mode_toggled),
                            self);
  gtk_widget_add_css_class (modes, "linked");
  gtk_box_append (GTK_BOX (modes), self->find_text_toggle);
  gtk_box_append (GTK_BOX (modes), self->find_hex_toggle);

  g_signal_connect_swapped (previous, "clicked", G_CALLBACK (on_find_previous), self);
  g_signal_connect_swapped (next, "clicked", G_CALLBACK (on_find_next), self);
  gtk_widget_add_css_class (navigation, "linked");
  gtk_box_append (GTK_BOX (navigation), previous);
  gtk_box_append (GTK_BOX (navigation), next);

  self->find_status = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->find_status), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->find_status), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (self->find_status), 1);
  gtk_label_set_max_width_chars (GTK_LABEL (self->find_status), 60);
  gtk_widget_set_hexpand (self->find_status, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->find_status),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Find status"), -1);

  gtk_box_append (GTK_BOX (box), self->find_entry);
  gtk_box_append (GTK_BOX (box), modes);
  gtk_box_append (GTK_BOX (box), navigation);
  gtk_box_append (GTK_BOX (box), self->find_status);
  gtk_button_set_has_frame (GTK_BUTTON (close), FALSE);
  gtk_box_append (GTK_BOX (box), close);

  self->find_bar = gtk_search_bar_new ();
  gtk_search_bar_set_child (GTK_SEARCH_BAR (self->find_bar), box);
  gtk_search_bar_set_show_close_button (GTK_SEARCH_BAR (self->find_bar), FALSE);
  g_signal_connect_swapped (close, "clicked", G_CALLBACK (on_find_close_clicked), self);
  gtk_search_bar_connect_entry (GTK_SEARCH_BAR (self->find_bar), GTK_EDITABLE (self->find_entry));
  g_signal_connect_swapped (self->find_bar, "notify::search-mode-enabled",
                            G_CALLBACK (on_find_bar_mode_changed), self);
  /* The view shows a text cursor over its bytes, not over the bar's buttons. */
  gtk_widget_set_cursor_from_name (self->find_bar, "default");
  gtk_widget_set_parent (self->find_bar, GTK_WIDGET (self));
  on_find_mode_toggled (self);
}

static void
build_goto_popover (ShmlensHexView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (_("Go to Offset"));
  GtkWidget *hint = gtk_label_new (_("Decimal, or hex with 0x. K, M and G mean KiB, MiB and "
                                     "GiB; + or - moves from the cursor."));

  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);

  self->goto_entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->goto_entry), _("4096, 0x1000, 4K or +0x10"));
  gtk_entry_set_activates_default (GTK_ENTRY (self->goto_entry), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->goto_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Offset"), -1);
  g_signal_connect_swapped (self->goto_entry, "activate", G_CALLBACK (on_goto_activate), self);
  g_signal_connect_swapped (self->goto_entry, "changed", G_CALLBACK (on_goto_text_changed), self);

  self->goto_error = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->goto_error, "error");
  gtk_label_set_xalign (GTK_LABEL (self->goto_error), 0);
  gtk_label_set_wrap (GTK_LABEL (self->goto_error), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->goto_error), 36);
  gtk_widget_set_visible (self->goto_error, FALSE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->goto_entry),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->goto_error, NULL,
                                  -1);

  gtk_widget_add_css_class (hint, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (hint), 36);

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), self->goto_entry);
  gtk_box_append (GTK_BOX (box), self->goto_error);
  gtk_box_append (GTK_BOX (box), hint);

  self->goto_popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (self->goto_popover), box);
  gtk_widget_set_parent (self->goto_popover, GTK_WIDGET (self));
}

static void
build_context_menu (ShmlensHexView *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) copy = g_menu_new ();
  g_autoptr(GMenu) select = g_menu_new ();
  g_autoptr(GMenu) navigate = g_menu_new ();
  struct
  {
    GMenu *section;
    const char *label;
    const char *action;
    const char *accel;
  } items[] = {
    { copy, N_("Copy as _Hex"), "hexview.copy-hex", "<Control>c" },
    { copy, N_("Copy as _Text"), "hexview.copy-text", NULL },
    { copy, N_("Copy as _C Array"), "hexview.copy-c-array", NULL },
    { select, N_("Select _All"), "hexview.select-all", "<Control>a" },
    { navigate, N_("_Go to Offset…"), "hexview.goto", "<Control>l" },
    { navigate, N_("_Find…"), "hexview.find", "<Control>f" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(items[i].label), items[i].action);

      if (items[i].accel != NULL)
        g_menu_item_set_attribute (item, "accel", "s", items[i].accel);
      g_menu_append_item (items[i].section, item);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (copy));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (select));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (navigate));

  self->context_menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));

  self->message_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->message_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->message_label), 44);
  gtk_label_set_xalign (GTK_LABEL (self->message_label), 0);
  self->message_popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (self->message_popover), self->message_label);
  gtk_widget_set_parent (self->message_popover, GTK_WIDGET (self));
}

static void
update_actions (ShmlensHexView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean has_bytes = self->tracker != NULL && self->size > 0;

  gtk_widget_action_set_enabled (widget, "hexview.copy-hex", has_bytes);
  gtk_widget_action_set_enabled (widget, "hexview.copy-text", has_bytes);
  gtk_widget_action_set_enabled (widget, "hexview.copy-c-array", has_bytes);
  gtk_widget_action_set_enabled (widget, "hexview.select-all", has_bytes);
  gtk_widget_action_set_enabled (widget, "hexview.goto", has_bytes);
  gtk_widget_action_set_enabled (widget, "hexview.find", has_bytes);
  gtk_widget_action_set_enabled (widget, "hexview.find-next", has_bytes);
  gtk_widget_action_set_enabled (widget, "hexview.find-previous", has_bytes);
}

/* Focus: the view itself, then the find bar's controls when it is open. */
static gboolean
shmlens_hex_view_focus (GtkWidget        *widget,
                        GtkDirectionType  direction)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (widget);
  GtkWidget *focus_child = gtk_widget_get_focus_child (widget);
  gboolean bar_open = gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (self->find_bar));

  if (gtk_widget_is_focus (widget))
    {
      if (direction == GTK_DIR_TAB_FORWARD && bar_open)
        return gtk_widget_child_focus (self->find_bar, direction);
      return FALSE;
    }
  if (focus_child != NULL)
    {
      if (gtk_widget_child_focus (focus_child, direction))
        return TRUE;
      if (direction == GTK_DIR_TAB_BACKWARD && focus_child == self->find_bar)
        return gtk_widget_grab_focus (widget);
      return FALSE;
    }
  if (direction == GTK_DIR_TAB_BACKWARD && bar_open &&
      gtk_widget_child_focus (self->find_bar, direction))
    return TRUE;
  return gtk_widget_grab_focus (widget);
}

static gboolean
shmlens_hex_view_grab_focus (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (root == NULL || !gtk_widget_get_focusable (widget))
    return FALSE;
  gtk_root_set_focus (root, widget);
  return TRUE;
}

/* GtkScrollable */

/* The find bar and the column header do not scroll: the scrolled window keeps its
 * vertical scrollbar and overshoot below them. */
static gboolean
shmlens_hex_view_get_border (GtkScrollable *scrollable,
                             GtkBorder     *border)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (scrollable);

  *border = (GtkBorder) { 0, 0, (gint16) MIN (self->rows_y, G_MAXINT16), 0 };
  return TRUE;
}

static void
shmlens_hex_view_scrollable_init (GtkScrollableInterface *iface)
{
  iface->get_border = shmlens_hex_view_get_border;
}

/* GObject */

static void
shmlens_hex_view_dispose (GObject *object)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (object);

  cancel_search (self);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child))
      gtk_popover_popdown (GTK_POPOVER (child));
  g_clear_pointer (&self->find_bar, gtk_widget_unparent);
  g_clear_pointer (&self->goto_popover, gtk_widget_unparent);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_pointer (&self->message_popover, gtk_widget_unparent);
  g_clear_object (&self->tracker);
  if (self->hadjustment != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->hadjustment, on_hadjustment_value_changed, self);
      g_clear_object (&self->hadjustment);
    }
  if (self->vadjustment != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->vadjustment, on_vadjustment_value_changed, self);
      g_clear_object (&self->vadjustment);
    }
  g_clear_object (&self->layout);
  g_clear_object (&self->glyph_font);

  G_OBJECT_CLASS (shmlens_hex_view_parent_class)->dispose (object);
}

static void
shmlens_hex_view_finalize (GObject *object)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (object);

  g_clear_pointer (&self->font, pango_font_description_free);
  g_clear_pointer (&self->chosen_font, pango_font_description_free);
  g_clear_pointer (&self->row_text, g_free);
  g_clear_pointer (&self->row_dim, g_free);
  g_clear_pointer (&self->row_nodes, g_hash_table_unref);
  g_clear_pointer (&self->row_key, g_free);
  g_clear_pointer (&self->glyph_string, pango_glyph_string_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->match_pattern, g_bytes_unref);
  g_clear_pointer (&self->tints, g_array_unref);

  G_OBJECT_CLASS (shmlens_hex_view_parent_class)->finalize (object);
}

static void
shmlens_hex_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (object);

  switch (prop_id)
    {
    case PROP_TRACKER:
      g_value_set_object (value, self->tracker);
      break;
    case PROP_BYTES_PER_ROW:
      g_value_set_uint (value, self->bytes_per_row_setting);
      break;
    case PROP_GROUP_SIZE:
      g_value_set_uint (value, self->group_size);
      break;
    case PROP_FADE_TIME:
      g_value_set_uint (value, self->fade_time);
      break;
    case PROP_FONT:
      g_value_take_string (value, shmlens_hex_view_dup_font (self));
      break;
    case PROP_HIGHLIGHT_SINCE:
      g_value_set_int64 (value, self->highlight_since);
      break;
    case PROP_CURSOR:
      g_value_set_uint64 (value, self->cursor);
      break;
    case PROP_SEARCHING:
      g_value_set_boolean (value, self->search_job != NULL);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_hex_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ShmlensHexView *self = SHMLENS_HEX_VIEW (object);

  switch (prop_id)
    {
    case PROP_TRACKER:
      shmlens_hex_view_set_tracker (self, g_value_get_object (value));
      break;
    case PROP_BYTES_PER_ROW:
      shmlens_hex_view_set_bytes_per_row (self, g_value_get_uint (value));
      break;
    case PROP_GROUP_SIZE:
      shmlens_hex_view_set_group_size (self, g_value_get_uint (value));
      break;
    case PROP_FADE_TIME:
      shmlens_hex_view_set_fade_time (self, g_value_get_uint (value));
      break;
    case PROP_FONT:
      shmlens_hex_view_set_font (self, g_value_get_string (value));
      break;
    case PROP_HIGHLIGHT_SINCE:
      shmlens_hex_view_set_highlight_since (self, g_value_get_int64 (value));
      break;
    case PROP_CURSOR:
      shmlens_hex_view_set_cursor (self, g_value_get_uint64 (value), FALSE);
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, GTK_ORIENTATION_HORIZONTAL, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, GTK_ORIENTATION_VERTICAL, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      if (self->hscroll_policy != (guint) g_value_get_enum (value))
        {
          self->hscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_VSCROLL_POLICY:
      if (self->vscroll_policy != (guint) g_value_get_enum (value))
        {
          self->vscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_move_bindings (GtkWidgetClass *widget_class,
                   guint           keyval,
                   guint           keypad_keyval,
                   GdkModifierType modifiers,
                   Move            move)
{
  gtk_widget_class_add_binding (widget_class, keyval, modifiers, move_cursor_binding, "(ib)",
                                move, FALSE);
  gtk_widget_class_add_binding (widget_class, keyval, modifiers | GDK_SHIFT_MASK,
                                move_cursor_binding, "(ib)", move, TRUE);
  gtk_widget_class_add_binding (widget_class, keypad_keyval, modifiers, move_cursor_binding,
                                "(ib)", move, FALSE);
  gtk_widget_class_add_binding (widget_class, keypad_keyval, modifiers | GDK_SHIFT_MASK,
                                move_cursor_binding, "(ib)", move, TRUE);
}

static void
shmlens_hex_view_class_init (ShmlensHexViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmlens_hex_view_dispose;
  object_class->finalize = shmlens_hex_view_finalize;
  object_class->get_property = shmlens_hex_view_get_property;
  object_class->set_property = shmlens_hex_view_set_property;

  widget_class->measure = shmlens_hex_view_measure;
  widget_class->size_allocate = shmlens_hex_view_size_allocate;
  widget_class->snapshot = shmlens_hex_view_snapshot;
  widget_class->css_changed = shmlens_hex_view_css_changed;
  widget_class->system_setting_changed = shmlens_hex_view_system_setting_changed;
  widget_class->state_flags_changed = shmlens_hex_view_state_flags_changed;
  widget_class->focus = shmlens_hex_view_focus;
  widget_class->grab_focus = shmlens_hex_view_grab_focus;

  /**
   * ShmlensHexView:tracker:
   *
   * The tracker whose bytes the view shows. The view owns the tracker's window: it
   * sets it to the rows on screen.
   */
  properties[PROP_TRACKER] =
    g_param_spec_object ("tracker", NULL, NULL, SHMLENS_TYPE_TRACKER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ShmlensHexView:bytes-per-row:
   *
   * 8, 16 or 32 bytes per row, or 0 for as many (8, 16 or 32) as fit the width.
   */
  properties[PROP_BYTES_PER_ROW] =
    g_param_spec_uint ("bytes-per-row", NULL, NULL, 0, 32, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ShmlensHexView:group-size:
   *
   * How many bytes are written together without a space: 1, 2, 4 or 8.
   */
  properties[PROP_GROUP_SIZE] =
    g_param_spec_uint ("group-size", NULL, NULL, 1, 8, 1,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ShmlensHexView:fade-time:
   *
   * How long (ms) a changed byte stays highlighted, fading out; 0 turns live
   * highlighting off.
   */
  properties[PROP_FADE_TIME] =
    g_param_spec_uint ("fade-time", NULL, NULL, 0, 60000, DEFAULT_FADE_TIME,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ShmlensHexView:font:
   *
   * The font, as pango_font_description_from_string() reads it ("DejaVu Sans Mono
   * 11"); what it does not name (the size, say) comes from the system's monospace
   * font. %NULL or empty: the system's monospace font at the interface's size.
   */
  properties[PROP_FONT] =
    g_param_spec_string ("font", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ShmlensHexView:highlight-since:
   *
   * When positive, a monotonic time (µs): every byte changed since then is
   * highlighted, without fading ("changes since pause"). 0 returns to fading.
   */
  properties[PROP_HIGHLIGHT_SINCE] =
    g_param_spec_int64 ("highlight-since", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ShmlensHexView:cursor:
   *
   * The offset of the byte under the cursor.
   */
  properties[PROP_CURSOR] =
    g_param_spec_uint64 ("cursor", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ShmlensHexView:searching:
   *
   * Whether a search runs in the background.
   */
  properties[PROP_SEARCHING] =
    g_param_spec_boolean ("searching", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  /**
   * ShmlensHexView::selection-changed:
   *
   * The cursor or the selection moved.
   */
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "hexview.copy-hex", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "hexview.copy-text", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "hexview.copy-c-array", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "hexview.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "hexview.goto", NULL, goto_action);
  gtk_widget_class_install_action (widget_class, "hexview.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "hexview.find-next", NULL, find_again_action);
  gtk_widget_class_install_action (widget_class, "hexview.find-previous", NULL,
                                   find_again_action);

  add_move_bindings (widget_class, GDK_KEY_Left, GDK_KEY_KP_Left, 0, MOVE_LEFT);
  add_move_bindings (widget_class, GDK_KEY_Right, GDK_KEY_KP_Right, 0, MOVE_RIGHT);
  add_move_bindings (widget_class, GDK_KEY_Up, GDK_KEY_KP_Up, 0, MOVE_UP);
  add_move_bindings (widget_class, GDK_KEY_Down, GDK_KEY_KP_Down, 0, MOVE_DOWN);
  add_move_bindings (widget_class, GDK_KEY_Page_Up, GDK_KEY_KP_Page_Up, 0, MOVE_PAGE_UP);
  add_move_bindings (widget_class, GDK_KEY_Page_Down, GDK_KEY_KP_Page_Down, 0, MOVE_PAGE_DOWN);
  add_move_bindings (widget_class, GDK_KEY_Home, GDK_KEY_KP_Home, 0, MOVE_ROW_START);
  add_move_bindings (widget_class, GDK_KEY_End, GDK_KEY_KP_End, 0, MOVE_ROW_END);
  add_move_bindings (widget_class, GDK_KEY_Home, GDK_KEY_KP_Home, GDK_CONTROL_MASK,
                     MOVE_SEGMENT_START);
  add_move_bindings (widget_class, GDK_KEY_End, GDK_KEY_KP_End, GDK_CONTROL_MASK,
                     MOVE_SEGMENT_END);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK,
                                       "hexview.copy-hex", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, GDK_CONTROL_MASK,
                                       "hexview.copy-hex", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK,
                                       "hexview.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "hexview.goto", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "hexview.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK,
                                       "hexview.find-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "hexview.find-previous", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, close_find_binding, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Menu, 0, context_menu_binding, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK,
                                context_menu_binding, NULL);

  gtk_widget_class_set_css_name (widget_class, "hexview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
shmlens_hex_view_init (ShmlensHexView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *secondary = gtk_gesture_click_new ();

  self->group_size = 1;
  self->fade_time = DEFAULT_FADE_TIME;
  self->pending_scroll = G_MAXUINT64;
  self->column = COLUMN_HEX;
  self->row_nodes = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, row_node_free);
  self->tints = g_array_new (FALSE, FALSE, sizeof (ShmlensHexTint));

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_widget_add_css_class (widget, "view");
  gtk_widget_set_cursor_from_name (widget, "text");

  set_adjustment (self, GTK_ORIENTATION_HORIZONTAL, NULL);
  set_adjustment (self, GTK_ORIENTATION_VERTICAL, NULL);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (secondary));

  build_find_bar (self);
  build_goto_popover (self);
  build_context_menu (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Hex view"),
                                  -1);
  update_description (self);
  update_actions (self);
}

/* Public API */

/**
 * shmlens_hex_view_new:
 *
 * Returns: (transfer full): a new hex view, empty until it gets a tracker
 */
GtkWidget *
shmlens_hex_view_new (void)
{
  return g_object_new (SHMLENS_TYPE_HEX_VIEW, NULL);
}

/**
 * shmlens_hex_view_set_tracker:
 * @self: a hex view
 * @tracker: (nullable): the tracker of the segment to show
 *
 * Shows @tracker's segment from its start. From now on the view sets the tracker's
 * window to the rows on screen (and refreshes it when they change); whoever refreshes
 * the tracker periodically calls shmlens_hex_view_refreshed() afterwards. A search
 * in progress is stopped before this returns, so the old tracker's reader may be
 * closed right after.
 */
void
shmlens_hex_view_set_tracker (ShmlensHexView *self,
                              ShmlensTracker *tracker)
{
  gboolean cursor_moved;

  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));
  g_return_if_fail (tracker == NULL || SHMLENS_IS_TRACKER (tracker));

  if (self->tracker == tracker)
    return;

  cancel_search (self);
  cursor_moved = self->cursor != 0 || self->anchor != 0;
  g_set_object (&self->tracker, tracker);
  self->size = tracker != NULL ? shmlens_reader_get_size (shmlens_tracker_get_reader (tracker)) : 0;
  self->top_row = 0;
  self->top_dy = 0;
  self->cursor = 0;
  self->anchor = 0;
  self->last_change_us = 0;
  self->match_valid = FALSE;
  self->pending_scroll = G_MAXUINT64;
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (self->find_bar), FALSE);
  if (self->vadjustment != NULL)
    {
      self->in_update++;
      gtk_adjustment_set_value (self->vadjustment, 0);
      self->in_update--;
    }

  update_actions (self);
  update_window (self);
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACKER]);
  if (cursor_moved)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR]);
      g_signal_emit (self, signals[SELECTION_CHANGED], 0);
    }
}

/**
 * shmlens_hex_view_get_tracker:
 * @self: a hex view
 *
 * Returns: (transfer none) (nullable): the tracker the view shows
 */
ShmlensTracker *
shmlens_hex_view_get_tracker (ShmlensHexView *self)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), NULL);
  return self->tracker;
}

/**
 * shmlens_hex_view_refreshed:
 * @self: a hex view
 * @now_us: the time given to shmlens_tracker_refresh()
 *
 * Tells the view that its tracker was refreshed (after shmlens_reader_poll() too, so
 * that a new size is seen). It redraws only when the rows on screen changed, the
 * size changed, or changed bytes are still fading.
 */
void
shmlens_hex_view_refreshed (ShmlensHexView *self,
                            gint64          now_us)
{
  guint64 size;
  guint n_changes = 0;

  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));

  if (self->tracker == NULL)
    return;

  size = shmlens_reader_get_size (shmlens_tracker_get_reader (self->tracker));
  if (size != self->size)
    {
      self->size = size;
      update_actions (self);
      set_cursor_and_anchor (self, self->cursor, self->anchor);
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }

  shmlens_tracker_get_changes (self->tracker, &n_changes);
  if (n_changes > 0)
    self->last_change_us = now_us;

  if (shmlens_tracker_get_window_changed (self->tracker))
    {
      update_description (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  else if (self->highlight_since == 0 && self->last_change_us > 0 &&
           now_us - self->last_change_us <= (gint64) self->fade_time * 1000)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * shmlens_hex_view_get_cursor:
 * @self: a hex view
 *
 * Returns: the offset of the byte under the cursor
 */
guint64
shmlens_hex_view_get_cursor (ShmlensHexView *self)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), 0);
  return self->cursor;
}

/**
 * shmlens_hex_view_set_cursor:
 * @self: a hex view
 * @offset: where to put the cursor; clamped to the last byte
 * @extend_selection: whether to extend the selection to @offset instead of
 *   starting a new one there
 *
 * Moves the cursor and scrolls as little as needed to show it.
 */
void
shmlens_hex_view_set_cursor (ShmlensHexView *self,
                             guint64         offset,
                             gboolean        extend_selection)
{
  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));

  set_cursor_and_anchor (self, offset, extend_selection ? self->anchor : offset);
  ensure_visible (self, self->cursor);
}

/**
 * shmlens_hex_view_get_selection:
 * @self: a hex view
 * @start: (out) (optional): the first selected byte
 * @end: (out) (optional): one past the last selected byte
 *
 * The selection always covers the cursor's byte; without a selection, [@start,
 * @end) is that one byte, which is what the copy actions copy.
 *
 * Returns: whether more than the cursor's byte is selected
 */
gboolean
shmlens_hex_view_get_selection (ShmlensHexView *self,
                                guint64        *start,
                                guint64        *end)
{
  guint64 first, past;

  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), FALSE);

  get_selection_range (self, &first, &past);
  if (start != NULL)
    *start = first;
  if (end != NULL)
    *end = past;
  return self->anchor != self->cursor;
}

/**
 * shmlens_hex_view_select_range:
 * @self: a hex view
 * @start: the first byte to select
 * @end: one past the last byte to select
 *
 * Selects [@start, @end) (clamped to the segment) with the cursor on its last byte.
 * It does not scroll: see shmlens_hex_view_scroll_to_offset().
 */
void
shmlens_hex_view_select_range (ShmlensHexView *self,
                               guint64         start,
                               guint64         end)
{
  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));

  if (end <= start)
    end = start + 1;
  set_cursor_and_anchor (self, end - 1, start);
}

/**
 * shmlens_hex_view_scroll_to_offset:
 * @self: a hex view
 * @offset: a byte's offset
 *
 * Scrolls so that @offset's row is on screen: not at all when it already is,
 * otherwise to a third of the way down, with some rows of context above it.
 */
void
shmlens_hex_view_scroll_to_offset (ShmlensHexView *self,
                                   guint64         offset)
{
  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));
  jump_to (self, MIN (offset, self->size > 0 ? self->size - 1 : 0));
}

/**
 * shmlens_hex_view_get_bytes_per_row:
 * @self: a hex view
 *
 * Returns: the bytes-per-row setting: 8, 16, 32, or 0 for "fit the width" (see
 *   shmlens_hex_view_get_effective_bytes_per_row())
 */
guint
shmlens_hex_view_get_bytes_per_row (ShmlensHexView *self)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), 0);
  return self->bytes_per_row_setting;
}

/**
 * shmlens_hex_view_set_bytes_per_row:
 * @self: a hex view
 * @bytes_per_row: 8, 16 or 32, or 0 for as many as fit the width
 */
void
shmlens_hex_view_set_bytes_per_row (ShmlensHexView *self,
                                    guint           bytes_per_row)
{
  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));
  g_return_if_fail (bytes_per_row == 0 || bytes_per_row == 8 || bytes_per_row == 16 ||
                    bytes_per_row == 32);

  if (self->bytes_per_row_setting == bytes_per_row)
    return;
  self->bytes_per_row_setting = bytes_per_row;
  /* The cursor stays on screen across the new row width. */
  self->pending_scroll = self->cursor;
  self->pending_is_jump = FALSE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_PER_ROW]);
}

/**
 * shmlens_hex_view_get_group_size:
 * @self: a hex view
 *
 * Returns: how many bytes are written together without a space
 */
guint
shmlens_hex_view_get_group_size (ShmlensHexView *self)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), 1);
  return self->group_size;
}

/**
 * shmlens_hex_view_set_group_size:
 * @self: a hex view
 * @group_size: 1, 2, 4 or 8
 */
void
shmlens_hex_view_set_group_size (ShmlensHexView *self,
                                 guint           group_size)
{
  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));
  g_return_if_fail (group_size == 1 || group_size == 2 || group_size == 4 || group_size == 8);

  if (self->group_size == group_size)
    return;
  self->group_size = group_size;
  /* Force the columns to be laid out again. */
  self->offset_digits = 0;
  self->pending_scroll = self->cursor;
  self->pending_is_jump = FALSE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP_SIZE]);
}

/**
 * shmlens_hex_view_set_highlight_since:
 * @self: a hex view
 * @since_us: a monotonic time (µs), or 0
 *
 * With @since_us > 0, every byte changed since then stays highlighted, without
 * fading ("changes since pause"); 0 returns to highlights that fade.
 */
void
shmlens_hex_view_set_highlight_since (ShmlensHexView *self,
                                      gint64          since_us)
{
  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));

  since_us = MAX (since_us, 0);
  if (self->highlight_since == since_us)
    return;
  self->highlight_since = since_us;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHLIGHT_SINCE]);
}

/**
 * shmlens_hex_view_get_highlight_since:
 * @self: a hex view
 *
 * Returns: the time changes are highlighted since, or 0 when highlights fade
 */
gint64
shmlens_hex_view_get_highlight_since (ShmlensHexView *self)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), 0);
  return self->highlight_since;
}

/**
 * shmlens_hex_view_get_fade_time:
 * @self: a hex view
 *
 * Returns: how long (ms) a change stays highlighted
 */
guint
shmlens_hex_view_get_fade_time (ShmlensHexView *self)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), 0);
  return self->fade_time;
}

/**
 * shmlens_hex_view_set_fade_time:
 * @self: a hex view
 * @fade_time_ms: how long (ms) a changed byte stays highlighted; 0 for not at all
 */
void
shmlens_hex_view_set_fade_time (ShmlensHexView *self,
                                guint           fade_time_ms)
{
  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));

  fade_time_ms = MIN (fade_time_ms, 60000);
  if (self->fade_time == fade_time_ms)
    return;
  self->fade_time = fade_time_ms;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FADE_TIME]);
}

/**
 * shmlens_hex_view_dup_font:
 * @self: a hex view
 *
 * Returns: (transfer full) (nullable): the font chosen with
 *   shmlens_hex_view_set_font(), or %NULL for the system's monospace font
 */
char *
shmlens_hex_view_dup_font (ShmlensHexView *self)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), NULL);
  return self->chosen_font != NULL ? pango_font_description_to_string (self->chosen_font) : NULL;
}

/**
 * shmlens_hex_view_set_font:
 * @self: a hex view
 * @font: (nullable): a font as pango_font_description_from_string() reads it, or
 *   %NULL or "" for the system's monospace font
 *
 * Draws the bytes in @font. It should be monospace: the columns are laid out by the
 * width of its digits, and a proportional font leaves gaps.
 */
void
shmlens_hex_view_set_font (ShmlensHexView *self,
                           const char     *font)
{
  PangoFontDescription *chosen = NULL;

  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));

  if (font != NULL && font[0] != '\0')
    chosen = pango_font_description_from_string (font);
  if (chosen == NULL ? self->chosen_font == NULL
                     : self->chosen_font != NULL && pango_font_description_equal (chosen, self->chosen_font))
    {
      g_clear_pointer (&chosen, pango_font_description_free);
      return;
    }
  g_clear_pointer (&self->chosen_font, pango_font_description_free);
  self->chosen_font = chosen;
  if (self->layout != NULL && update_font (self))
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FONT]);
}

/**
 * shmlens_hex_view_get_byte_highlight:
 * @self: a hex view
 * @offset: a byte's offset
 * @now_us: the time to judge the highlight at
 *
 * How strongly the byte at @offset is highlighted, as drawn: 1 for a change at
 * @now_us, falling to 0 over #ShmlensHexView:fade-time; in "changes since" mode, 1
 * for every byte changed since then and 0 for the rest. Bytes outside the rows on
 * screen are 0.
 *
 * Returns: the highlight's strength, from 0 to 1
 */
double
shmlens_hex_view_get_byte_highlight (ShmlensHexView *self,
                                     guint64         offset,
                                     gint64          now_us)
{
  const guint32 *stamps;
  guint64 window_offset;
  guint32 since_stamp = 0;

  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), 0);

  if (self->tracker == NULL)
    return 0;
  stamps = shmlens_tracker_get_window_stamps (self->tracker);
  window_offset = shmlens_tracker_get_window_offset (self->tracker);
  if (stamps == NULL || offset < window_offset ||
      offset - window_offset >= shmlens_tracker_get_valid_length (self->tracker))
    return 0;
  if (self->highlight_since > 0)
    since_stamp = shmlens_tracker_time_to_stamp (self->tracker, self->highlight_since);
  return stamp_alpha (self, stamps[offset - window_offset],
                      shmlens_tracker_time_to_stamp (self->tracker, now_us), since_stamp);
}

/**
 * shmlens_hex_view_set_tints:
 * @self: a hex view
 * @tints: (array length=n_tints) (nullable): regions to tint
 * @n_tints: how many
 *
 * Washes each region's bytes, in the hex and the text column, with a light shade of
 * its colour: under change highlights, the cursor and the selection. Later regions
 * are drawn over earlier ones where they overlap. Replaces the tints set before; no
 * tints clears them.
 */
void
shmlens_hex_view_set_tints (ShmlensHexView       *self,
                            const ShmlensHexTint *tints,
                            guint                 n_tints)
{
  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));
  g_return_if_fail (tints != NULL || n_tints == 0);

  if (self->tints->len == n_tints &&
      (n_tints == 0 || memcmp (self->tints->data, tints, n_tints * sizeof *tints) == 0))
    return;
  g_array_set_size (self->tints, 0);
  g_array_append_vals (self->tints, tints, n_tints);
  /* every cached row is drawn anew: tints change seldom (a writer starts or stops) */
  self->tint_serial++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * shmlens_hex_view_get_byte_tint:
 * @self: a hex view
 * @offset: a byte's offset
 * @color: (out) (optional): where to store the colour of the tint drawn on top
 *
 * Returns: whether the byte at @offset is tinted
 */
gboolean
shmlens_hex_view_get_byte_tint (ShmlensHexView *self,
                                guint64         offset,
                                GdkRGBA        *color)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), FALSE);

  for (guint t = self->tints->len; t > 0; t--)
    {
      const ShmlensHexTint *tint = &g_array_index (self->tints, ShmlensHexTint, t - 1);

      if (offset >= tint->offset && offset - tint->offset < tint->length)
        {
          if (color != NULL)
            *color = tint->color;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * shmlens_hex_view_get_effective_bytes_per_row:
 * @self: a hex view
 *
 * Returns: the bytes per row in effect since the last allocation (0 before it)
 */
guint
shmlens_hex_view_get_effective_bytes_per_row (ShmlensHexView *self)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), 0);
  return self->bytes_per_row;
}

/**
 * shmlens_hex_view_get_bytes_per_row_for_width:
 * @self: a hex view
 * @width: a width in pixels
 *
 * Returns: the bytes per row the view shows at @width with its current settings,
 *   font and segment
 */
guint
shmlens_hex_view_get_bytes_per_row_for_width (ShmlensHexView *self,
                                              int             width)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), 0);

  ensure_font (self);
  if (self->bytes_per_row_setting != 0)
    return self->bytes_per_row_setting;
  return fit_bytes_per_row (self, width);
}

/**
 * shmlens_hex_view_get_width_for_bytes_per_row:
 * @self: a hex view
 * @bytes_per_row: 8, 16 or 32
 *
 * Returns: the width (pixels) that rows of @bytes_per_row bytes need, with the
 *   current font, grouping and offset digits
 */
int
shmlens_hex_view_get_width_for_bytes_per_row (ShmlensHexView *self,
                                              guint           bytes_per_row)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), 0);
  g_return_val_if_fail (bytes_per_row > 0, 0);

  ensure_font (self);
  return width_for (self, bytes_per_row);
}

/**
 * shmlens_hex_view_get_row_height:
 * @self: a hex view
 *
 * Returns: the height of a row in pixels; the vertical adjustment counts pixels, so
 *   row N starts at N times this (below a petabyte or so)
 */
int
shmlens_hex_view_get_row_height (ShmlensHexView *self)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), 0);

  ensure_font (self);
  return self->row_height;
}

/**
 * shmlens_hex_view_get_visible_range:
 * @self: a hex view
 * @start: (out) (optional): the first byte on screen
 * @end: (out) (optional): one past the last byte on screen
 *
 * The bytes of the rows on screen, even partly: the tracker's window.
 *
 * Returns: whether any byte is on screen
 */
gboolean
shmlens_hex_view_get_visible_range (ShmlensHexView *self,
                                    guint64        *start,
                                    guint64        *end)
{
  guint64 first = 0, past = 0;

  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), FALSE);

  if (self->tracker != NULL)
    {
      first = shmlens_tracker_get_window_offset (self->tracker);
      past = first + shmlens_tracker_get_window_length (self->tracker);
    }
  if (start != NULL)
    *start = first;
  if (end != NULL)
    *end = past;
  return past > first;
}

/**
 * shmlens_hex_view_find:
 * @self: a hex view
 * @text: what to find: text, or hex bytes as shmlens_search_parse_hex() reads them
 * @as_hex: whether @text is hex bytes
 * @backwards: whether to find the previous match instead of the next
 *
 * Opens the find bar with @text and starts searching from the cursor, in a worker
 * thread. The match becomes the selection and is scrolled into view; the find bar
 * says "Not found" or what is wrong with @text. #ShmlensHexView:searching is %TRUE
 * meanwhile.
 */
void
shmlens_hex_view_find (ShmlensHexView *self,
                       const char     *text,
                       gboolean        as_hex,
                       gboolean        backwards)
{
  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));
  g_return_if_fail (text != NULL);

  if (self->tracker == NULL)
    return;
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (self->find_bar), TRUE);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (as_hex ? self->find_hex_toggle
                                                          : self->find_text_toggle), TRUE);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->find_entry)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->find_entry), text);
  start_search (self, backwards);
}

/**
 * shmlens_hex_view_get_searching:
 * @self: a hex view
 *
 * Returns: whether a search runs in the background
 */
gboolean
shmlens_hex_view_get_searching (ShmlensHexView *self)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), FALSE);
  return self->search_job != NULL;
}

/**
 * shmlens_hex_view_get_find_status:
 * @self: a hex view
 *
 * Returns: what the find bar says: "Match at 0x40", "Not found", an error in the
 *   pattern, or "" before a search
 */
const char *
shmlens_hex_view_get_find_status (ShmlensHexView *self)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), NULL);
  return gtk_label_get_label (GTK_LABEL (self->find_status));
}

/**
 * shmlens_hex_view_get_byte_area:
 * @self: a hex view
 * @offset: a byte's offset
 * @text_column: whether to give the byte's character in the text column rather than
 *   its digits in the hex column
 * @area: (out): where the byte is drawn, in the view's coordinates
 *
 * Returns: %TRUE when the byte's row is on screen, with @area set
 */
gboolean
shmlens_hex_view_get_byte_area (ShmlensHexView  *self,
                                guint64          offset,
                                gboolean         text_column,
                                graphene_rect_t *area)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), FALSE);
  g_return_val_if_fail (area != NULL, FALSE);

  return byte_area (self, offset, text_column ? COLUMN_TEXT : COLUMN_HEX, area);
}

/**
 * shmlens_hex_view_set_glyph_cache_enabled:
 * @self: a hex view
 * @enabled: whether rows are drawn from glyphs shaped once (the default) rather than
 *   shaped by Pango on every draw
 *
 * For tests, which compare both ways of drawing.
 */
void
shmlens_hex_view_set_glyph_cache_enabled (ShmlensHexView *self,
                                          gboolean        enabled)
{
  g_return_if_fail (SHMLENS_IS_HEX_VIEW (self));

  self->glyph_cache_disabled = !enabled;
  if (self->layout != NULL)
    update_font (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * shmlens_hex_view_get_glyph_cache_enabled:
 * @self: a hex view
 *
 * Returns: whether rows are drawn from glyphs shaped once: enabled, and the font
 *   allows it
 */
gboolean
shmlens_hex_view_get_glyph_cache_enabled (ShmlensHexView *self)
{
  g_return_val_if_fail (SHMLENS_IS_HEX_VIEW (self), FALSE);

  return self->glyph_font != NULL;
}
