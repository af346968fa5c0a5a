/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-overview.c: a strip showing where in the whole segment changes happen.
 *
 * The tracker keeps a change stamp per block, up to 1 Mi blocks; the strip has a few
 * hundred pixel rows. Each row keeps the latest stamp of the blocks it covers, so
 * that drawing is one pass over the rows, whatever the segment's size. Stamps only
 * change where the scanner went since the last look (blocks between the previous and
 * the current scan position), so a refresh recomputes only the rows over those
 * blocks; a new height, block table or segment size recomputes them all. Drawing
 * merges runs of rows of the same shade into one rectangle. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "shmlens-overview.h"

#define STRIP_WIDTH 14
#define MIN_HEIGHT 16
/* How long a change stays bright, fading to the trace that marks older changes. */
#define FADE_MS 4000
#define FADE_US ((gint64) FADE_MS * 1000)
/* Shades are quantized so that neighbouring rows of nearly equal age share one
 * rectangle; 64 steps look continuous on a 4 s fade redrawn at 10 Hz. */
#define SHADE_LEVELS 64
#define TRACE_ALPHA 0.22
#define MARKER_MIN_HEIGHT 3.0
#define MIN_MARK_HEIGHT 2

struct _ShmlensOverview
{
  GtkWidget parent_instance;

  ShmlensTracker *tracker;

  /* Per pixel row: the latest stamp among the blocks it covers. */
  guint32 *rows;
  int n_rows;
  guint32 newest;

  /* What the rows were computed from */
  gboolean rows_valid;
  guint rows_n_blocks;
  gsize rows_block_size;
  guint64 rows_size;
  guint rows_position;
  guint rows_passes;

  gint64 now_us;

  guint64 visible_offset;
  guint64 visible_length;
  int marker_top;
  int marker_bottom;

  guint64 last_jump;
  gboolean jumped;
};

G_DEFINE_FINAL_TYPE (ShmlensOverview, shmlens_overview, GTK_TYPE_WIDGET)

enum
{
  JUMP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* a * b / c without overflow: sizes reach 2^63 and heights 2^12. */
static guint64
mul_div (guint64 a,
         guint64 b,
         guint64 c)
{
#ifdef __SIZEOF_INT128__
  return (guint64) ((unsigned __int128) a * b / c);
#else
  return (guint64) ((long double) a * b / c);
#endif
}

static guint64
mul_div_ceil (guint64 a,
              guint64 b,
              guint64 c)
{
#ifdef __SIZEOF_INT128__
  return (guint64) (((unsigned __int128) a * b + c - 1) / c);
#else
  return (guint64) ceill ((long double) a * b / c);
#endif
}

static guint64
segment_size (ShmlensOverview *self)
{
  if (self->tracker == NULL)
    return 0;
  return shmlens_reader_get_size (shmlens_tracker_get_reader (self->tracker));
}

/* Row @y stands for the bytes [y·size/h, (y+1)·size/h); when the segment has fewer
 * bytes than the strip has rows, for the one byte at its top. */
static guint32
compute_row (ShmlensOverview *self,
             const guint32   *stamps,
             guint            n_blocks,
             int              y)
{
  guint64 size = self->rows_size;
  gsize block_size = self->rows_block_size;
  guint64 low = mul_div (y, size, self->n_rows);
  guint64 high = mul_div (y + 1, size, self->n_rows);
  guint64 first, last;
  guint32 latest = 0;

  if (high <= low)
    high = low + 1;
  first = low / block_size;
  last = MIN ((high - 1) / block_size, (guint64) n_blocks - 1);
  for (guint64 b = first; b <= last && b < n_blocks; b++)
    latest = MAX (latest, stamps[b]);
  return latest;
}

/* Recomputes rows @first_row to @last_row; returns whether any changed. */
static gboolean
compute_rows (ShmlensOverview *self,
              const guint32   *stamps,
              guint            n_blocks,
              int              first_row,
              int              last_row)
{
  gboolean changed = FALSE;

  for (int y = first_row; y <= last_row; y++)
    {
      guint32 latest = compute_row (self, stamps, n_blocks, y);

      if (latest != self->rows[y])
        {
          self->rows[y] = latest;
          changed = TRUE;
        }
      self->newest = MAX (self->newest, latest);
    }
  return changed;
}

/* The rows over blocks [@first, @end) — with a row of margin either side, which is
 * cheaper than being exact about rounding. */
static gboolean
compute_rows_over_blocks (ShmlensOverview *self,
                          const guint32   *stamps,
                          guint            n_blocks,
                          guint            first,
                          guint            end)
{
  guint64 size = self->rows_size;
  guint64 start, stop;
  gint64 first_row, last_row;

  if (first >= end)
    return FALSE;
  start = (guint64) first * self->rows_block_size;
  stop = MIN ((guint64) end * self->rows_block_size, size);
  if (start >= stop)
    return FALSE;

  first_row = (gint64) mul_div (start, self->n_rows, size) - 1;
  last_row = (gint64) mul_div_ceil (stop, self->n_rows, size);
  return compute_rows (self, stamps, n_blocks, (int) MAX (first_row, 0),
                       (int) MIN (last_row, (gint64) self->n_rows - 1));
}

/* Brings the rows up to date with the tracker. Returns whether any row changed. */
static gboolean
update_rows (ShmlensOverview *self)
{
  const guint32 *stamps;
  guint n_blocks = 0;
  gsize block_size;
  guint64 size;
  guint position, passes;
  gboolean changed;

  if (self->n_rows == 0)
    return FALSE;

  stamps = self->tracker != NULL ? shmlens_tracker_get_block_stamps (self->tracker, &n_blocks)
                                 : NULL;
  size = segment_size (self);
  if (stamps == NULL || n_blocks == 0 || size == 0)
    {
      changed = self->newest != 0;
      memset (self->rows, 0, sizeof (guint32) * self->n_rows);
      self->newest = 0;
      self->rows_valid = FALSE;
      return changed;
    }

  block_size = shmlens_tracker_get_block_size (self->tracker);
  position = shmlens_tracker_get_scan_position (self->tracker);
  passes = shmlens_tracker_get_n_passes (self->tracker);

  if (!self->rows_valid || n_blocks != self->rows_n_blocks ||
      block_size != self->rows_block_size || size != self->rows_size)
    {
      self->rows_n_blocks = n_blocks;
      self->rows_block_size = block_size;
      self->rows_size = size;
      self->newest = 0;
      changed = compute_rows (self, stamps, n_blocks, 0, self->n_rows - 1);
    }
  else if (passes == self->rows_passes && position >= self->rows_position)
    changed = compute_rows_over_blocks (self, stamps, n_blocks, self->rows_position, position);
  else if (passes == self->rows_passes + 1 && position <= self->rows_position)
    {
      changed = compute_rows_over_blocks (self, stamps, n_blocks, self->rows_position, n_blocks);
      changed |= compute_rows_over_blocks (self, stamps, n_blocks, 0, position);
    }
  else
    changed = compute_rows (self, stamps, n_blocks, 0, self->n_rows - 1);

  self->rows_valid = TRUE;
  self->rows_position = position;
  self->rows_passes = passes;
  return changed;
}

static void
update_marker (ShmlensOverview *self)
{
  int top = -1, bottom = -1;

  if (self->visible_length > 0 && segment_size (self) > 0 && self->n_rows > 0)
    {
      top = (int) floor (shmlens_overview_y_at_offset (self, self->visible_offset));
      bottom = (int) ceil (shmlens_overview_y_at_offset (self, self->visible_offset +
                                                              self->visible_length));
    }
  if (top != self->marker_top || bottom != self->marker_bottom)
    {
      self->marker_top = top;
      self->marker_bottom = bottom;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

/* Drawing */

static void
lookup_accent (GtkWidget *widget,
               GdkRGBA   *accent)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  /* accent_bg_color is libadwaita's name; GTK 4.8's own theme has the older one */
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", accent) &&
      !gtk_style_context_lookup_color (context, "theme_selected_bg_color", accent))
    gdk_rgba_parse (accent, "#3584e4");
}

static int
shade_level (guint32 stamp,
             guint32 now_stamp)
{
  guint32 age;
  double alpha;

  if (stamp == 0)
    return 0;
  age = now_stamp > stamp ? now_stamp - stamp : 0;
  if (age >= FADE_MS)
    alpha = TRACE_ALPHA;
  else
    alpha = TRACE_ALPHA + (1.0 - TRACE_ALPHA) * (1.0 - (double) age / FADE_MS);
  return MAX (1, (int) lround (alpha * SHADE_LEVELS));
}

static void
shmlens_overview_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  ShmlensOverview *self = SHMLENS_OVERVIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg, accent, trough, shade, frame_fill;
  guint32 now_stamp;
  int run_start = 0, run_level = 0;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  lookup_accent (widget, &accent);

  trough = fg;
  trough.alpha *= 0.06f;
  gtk_snapshot_append_color (snapshot, &trough, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->tracker != NULL && self->n_rows == height && self->newest != 0)
    {
      now_stamp = shmlens_tracker_time_to_stamp (self->tracker, self->now_us);
      for (int y = 0; y <= self->n_rows; y++)
        {
          int level = y < self->n_rows ? shade_level (self->rows[y], now_stamp) : -1;

          if (level == run_level)
            continue;
          if (run_level > 0)
            {
              shade = accent;
              shade.alpha = accent.alpha * run_level / SHADE_LEVELS;
              /* One changed block among a million is less than a pixel: a mark
               * stays two pixels high, painted over by whatever run comes next. */
              gtk_snapshot_append_color (snapshot, &shade,
                                         &GRAPHENE_RECT_INIT (0, run_start, width,
                                                              MAX (y - run_start,
                                                                   MIN_MARK_HEIGHT)));
            }
          run_start = y;
          run_level = level;
        }
    }

  if (self->marker_top >= 0)
    {
      float top = self->marker_top;
      float bottom = MAX (self->marker_bottom, top + MARKER_MIN_HEIGHT);
      GskRoundedRect frame;
      GdkRGBA edge = fg;
      const float widths[4] = { 1, 1, 1, 1 };

      bottom = MIN (bottom, (float) height);
      top = MIN (top, bottom - MARKER_MIN_HEIGHT);
      top = MAX (top, 0);
      frame_fill = fg;
      frame_fill.alpha *= 0.12f;
      edge.alpha *= 0.6f;
      gsk_rounded_rect_init_from_rect (&frame, &GRAPHENE_RECT_INIT (0, top, width, bottom - top),
                                       0);
      gtk_snapshot_append_color (snapshot, &frame_fill, &frame.bounds);
      gtk_snapshot_append_border (snapshot, &frame, widths,
                                  (const GdkRGBA[4]) { edge, edge, edge, edge });
    }
}

/* Layout */

static void
shmlens_overview_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? STRIP_WIDTH : MIN_HEIGHT;
}

static void
shmlens_overview_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  ShmlensOverview *self = SHMLENS_OVERVIEW (widget);

  if (height != self->n_rows)
    {
      self->rows = g_renew (guint32, self->rows, MAX (height, 1));
      self->n_rows = height;
      memset (self->rows, 0, sizeof (guint32) * MAX (height, 1));
      self->newest = 0;
      self->rows_valid = FALSE;
      update_rows (self);
    }
  update_marker (self);
}

/* Input */

static void
jump_to (ShmlensOverview *self,
         double           y)
{
  guint64 offset;

  if (segment_size (self) == 0)
    return;
  offset = shmlens_overview_offset_at_y (self, y);
  if (self->jumped && offset == self->last_jump)
    return;
  self->jumped = TRUE;
  self->last_jump = offset;
  g_signal_emit (self, signals[JUMP], 0, offset);
}

static void
on_drag_begin (GtkGestureDrag  *gesture,
               double           x,
               double           y,
               ShmlensOverview *self)
{
  self->jumped = FALSE;
  jump_to (self, y);
}

static void
on_drag_update (GtkGestureDrag  *gesture,
                double           offset_x,
                double           offset_y,
                ShmlensOverview *self)
{
  double start_x, start_y;

  if (gtk_gesture_drag_get_start_point (gesture, &start_x, &start_y))
    jump_to (self, start_y + offset_y);
}

/* The object */

static void
shmlens_overview_dispose (GObject *object)
{
  ShmlensOverview *self = SHMLENS_OVERVIEW (object);

  g_clear_object (&self->tracker);

  G_OBJECT_CLASS (shmlens_overview_parent_class)->dispose (object);
}

static void
shmlens_overview_finalize (GObject *object)
{
  ShmlensOverview *self = SHMLENS_OVERVIEW (object);

  g_clear_pointer (&self->rows, g_free);

  G_OBJECT_CLASS (shmlens_overview_parent_class)->finalize (object);
}

static void
shmlens_overview_class_init (ShmlensOverviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmlens_overview_dispose;
  object_class->finalize = shmlens_overview_finalize;

  widget_class->snapshot = shmlens_overview_snapshot;
  widget_class->measure = shmlens_overview_measure;
  widget_class->size_allocate = shmlens_overview_size_allocate;

  /**
   * ShmlensOverview::jump:
   * @overview: the overview
   * @offset: the segment offset at the pointer, below the segment's size
   *
   * The user clicked or dragged on the strip.
   */
  signals[JUMP] =
    g_signal_new ("jump", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT64);

  gtk_widget_class_set_css_name (widget_class, "shmlens-overview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
shmlens_overview_init (ShmlensOverview *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  const char *explanation =
    _("The whole segment, top to bottom. Bright rows changed in the last seconds, faint "
      "rows earlier; the frame marks what the hex view shows. Click or drag to go there.");

  self->marker_top = self->marker_bottom = -1;
  self->now_us = g_get_monotonic_time ();

  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  gtk_widget_set_tooltip_text (GTK_WIDGET (self), explanation);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Change overview"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, explanation,
                                  -1);
}

/**
 * shmlens_overview_new:
 *
 * Returns: a new overview strip, empty until it gets a tracker
 */
GtkWidget *
shmlens_overview_new (void)
{
  return g_object_new (SHMLENS_TYPE_OVERVIEW, NULL);
}

/**
 * shmlens_overview_set_tracker:
 * @self: an overview
 * @tracker: (nullable): the tracker whose block stamps to show
 */
void
shmlens_overview_set_tracker (ShmlensOverview *self,
                              ShmlensTracker  *tracker)
{
  g_return_if_fail (SHMLENS_IS_OVERVIEW (self));
  g_return_if_fail (tracker == NULL || SHMLENS_IS_TRACKER (tracker));

  if (!g_set_object (&self->tracker, tracker))
    return;
  self->rows_valid = FALSE;
  self->newest = 0;
  self->now_us = g_get_monotonic_time ();
  self->jumped = FALSE;
  if (self->rows != NULL)
    memset (self->rows, 0, sizeof (guint32) * MAX (self->n_rows, 1));
  update_rows (self);
  update_marker (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * shmlens_overview_get_tracker:
 * @self: an overview
 *
 * Returns: (transfer none) (nullable): the tracker shown
 */
ShmlensTracker *
shmlens_overview_get_tracker (ShmlensOverview *self)
{
  g_return_val_if_fail (SHMLENS_IS_OVERVIEW (self), NULL);
  return self->tracker;
}

/**
 * shmlens_overview_refreshed:
 * @self: an overview
 * @now_us: the monotonic time of the refresh, as given to the tracker
 *
 * Takes in what the tracker's scan found since the last call, and redraws only when
 * a row changed or a recent change is still fading.
 */
void
shmlens_overview_refreshed (ShmlensOverview *self,
                            gint64           now_us)
{
  gint64 previous;
  gboolean changed, fading = FALSE;

  g_return_if_fail (SHMLENS_IS_OVERVIEW (self));

  previous = self->now_us;
  self->now_us = now_us;
  changed = update_rows (self);
  /* Still fading at the previous drawing: one more frame, down to the trace. */
  if (self->tracker != NULL && self->newest != 0)
    fading = shmlens_tracker_stamp_to_time (self->tracker, self->newest) + FADE_US > previous;
  if (changed || fading)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  /* The segment may have grown or shrunk under the marker. */
  update_marker (self);
}

/**
 * shmlens_overview_set_visible_range:
 * @self: an overview
 * @offset: the first byte the hex view shows
 * @length: how many bytes it shows (0: no marker)
 */
void
shmlens_overview_set_visible_range (ShmlensOverview *self,
                                    guint64          offset,
                                    guint64          length)
{
  g_return_if_fail (SHMLENS_IS_OVERVIEW (self));

  self->visible_offset = offset;
  self->visible_length = length;
  update_marker (self);
}

/**
 * shmlens_overview_offset_at_y:
 * @self: an overview
 * @y: a position in the widget, from its top
 *
 * Returns: the segment offset at @y, clamped to [0, size - 1] (0 for an empty
 *   segment or an unallocated strip)
 */
guint64
shmlens_overview_offset_at_y (ShmlensOverview *self,
                              double           y)
{
  guint64 size, offset;
  int height;

  g_return_val_if_fail (SHMLENS_IS_OVERVIEW (self), 0);

  size = segment_size (self);
  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (size == 0 || height <= 0 || y <= 0)
    return 0;
  if (y >= height)
    return size - 1;
  offset = (guint64) floor (y / height * (double) size);
  return MIN (offset, size - 1);
}

/**
 * shmlens_overview_y_at_offset:
 * @self: an overview
 * @offset: a segment offset
 *
 * Returns: where @offset is on the strip, from 0 (offset 0) to the height (the
 *   segment's size, or beyond)
 */
double
shmlens_overview_y_at_offset (ShmlensOverview *self,
                              guint64          offset)
{
  guint64 size;
  int height;

  g_return_val_if_fail (SHMLENS_IS_OVERVIEW (self), 0);

  size = segment_size (self);
  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (size == 0 || height <= 0)
    return 0;
  if (offset >= size)
    return height;
  return (double) offset / (double) size * height;
}

guint32
shmlens_overview_get_row_stamp (ShmlensOverview *self,
                                int              y)
{
  g_return_val_if_fail (SHMLENS_IS_OVERVIEW (self), 0);

  if (y < 0 || y >= self->n_rows)
    return 0;
  return self->rows[y];
}
