/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-inspector.c: the bytes at the cursor, decoded live.
 *
 * A grid of labels, built from a table rather than a template: the rows are data
 * (one per type), and every value label needs the same set-up and an accessible name
 * from libshmlens. Integers of two and four bytes show little- and big-endian side
 * by side; floating-point and eight-byte values run to 24 characters ("-1.79…e+308",
 * "-9223372036854775808"), so theirs stack, LE above BE, to stay whole on one line
 * at a side panel's width (~320 px) instead of breaking mid-number.
 *
 * A value that changes while the offset stays the same lights up and fades out in
 * steps over the highlight time (shmlens-highlight.c). The highlight runs on the
 * caller's clock (now_us), carried forward by a timeout when no new data comes, so
 * that it is deterministic to test. */
#include "config.h"

#include <glib/gi18n.h>

#include "shmlens-decode.h"
#include "shmlens-highlight.h"
#include "shmlens-inspector.h"

/* The values: one per decode field, then the offset. */
#define OFFSET_VALUE SHMLENS_DECODE_N_FIELDS
#define N_VALUES (SHMLENS_DECODE_N_FIELDS + 1)

typedef enum
{
  ROW_SINGLE,   /* one value across both columns */
  ROW_PAIR,     /* little-endian | big-endian */
  ROW_STACKED,  /* little-endian, then big-endian below it */
} RowShape;

typedef struct
{
  const char *title;
  RowShape shape;
  guint first;    /* the single value, or little-endian */
  guint second;   /* big-endian */
  gboolean starts_group;   /* a gap above: a new kind of value begins */
} RowInfo;

static const RowInfo rows[] = {
  { N_("int8"), ROW_SINGLE, SHMLENS_DECODE_INT8, 0, FALSE },
  { N_("uint8"), ROW_SINGLE, SHMLENS_DECODE_UINT8, 0, FALSE },
  { N_("int16"), ROW_PAIR, SHMLENS_DECODE_INT16_LE, SHMLENS_DECODE_INT16_BE, FALSE },
  { N_("uint16"), ROW_PAIR, SHMLENS_DECODE_UINT16_LE, SHMLENS_DECODE_UINT16_BE, FALSE },
  { N_("int32"), ROW_PAIR, SHMLENS_DECODE_INT32_LE, SHMLENS_DECODE_INT32_BE, FALSE },
  { N_("uint32"), ROW_PAIR, SHMLENS_DECODE_UINT32_LE, SHMLENS_DECODE_UINT32_BE, FALSE },
  { N_("int64"), ROW_STACKED, SHMLENS_DECODE_INT64_LE, SHMLENS_DECODE_INT64_BE, TRUE },
  { N_("uint64"), ROW_STACKED, SHMLENS_DECODE_UINT64_LE, SHMLENS_DECODE_UINT64_BE, FALSE },
  { N_("float"), ROW_STACKED, SHMLENS_DECODE_FLOAT_LE, SHMLENS_DECODE_FLOAT_BE, TRUE },
  { N_("double"), ROW_STACKED, SHMLENS_DECODE_DOUBLE_LE, SHMLENS_DECODE_DOUBLE_BE, FALSE },
  /* Translators: the C type; keep it as it is */
  { N_("time_t"), ROW_STACKED, SHMLENS_DECODE_TIME64_LE, SHMLENS_DECODE_TIME64_BE, TRUE },
  /* Translators: the character encoding */
  { N_("UTF-8"), ROW_SINGLE, SHMLENS_DECODE_UTF8, 0, TRUE },
  { N_("binary"), ROW_SINGLE, SHMLENS_DECODE_BINARY, 0, FALSE },
  { N_("offset"), ROW_SINGLE, OFFSET_VALUE, 0, TRUE },
};

/* Grid columns: every value starts in COLUMN_FIRST, so that all line up. */
enum
{
  COLUMN_TITLE,
  COLUMN_ORDER,   /* "LE" / "BE" between a stacked row's title and its values */
  COLUMN_FIRST,
  COLUMN_SECOND,
};

struct _ShmlensInspector
{
  GtkWidget parent_instance;

  GtkWidget *grid;
  GtkLabel *values[N_VALUES];
  gint64 changed_at[N_VALUES];   /* on the caller's clock; 0 when not highlighted */

  gboolean has_data;
  guint64 offset;

  /* g_get_monotonic_time () minus the caller's now_us at the last update */
  gint64 clock_skew;
  guint highlight_source;
  gint64 fade_us;   /* how long a highlight lasts; 0: values are not highlighted */
};

G_DEFINE_FINAL_TYPE (ShmlensInspector, shmlens_inspector, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_FADE_TIME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
value_name (guint value)
{
  /* Translators: the position in the segment of the bytes being decoded */
  return value == OFFSET_VALUE ? _("offset") : shmlens_decode_field_get_name (value);
}

/* GtkLabel (GTK 4.8) makes its text its accessible label on every change of text, so
 * the field's name is put back each time. */
static void
set_value_text (ShmlensInspector *self,
                guint             value,
                const char       *text)
{
  GtkLabel *label = self->values[value];

  if (g_strcmp0 (gtk_label_get_text (label), text) == 0)
    return;
  gtk_label_set_text (label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  value_name (value), -1);
}

static void
unhighlight (ShmlensInspector *self,
             guint             value)
{
  if (self->changed_at[value] == 0)
    return;
  self->changed_at[value] = 0;
  shmlens_highlight_clear (GTK_WIDGET (self->values[value]));
}

/* Moves every highlight on to its step at @now_us, removes those that are over, and
 * returns when the next step of one begins, or 0 when none is left. */
static gint64
expire_highlights (ShmlensInspector *self,
                   gint64            now_us)
{
  gint64 next_end = 0;

  for (guint i = 0; i < N_VALUES; i++)
    {
      gint64 next_step;

      if (self->changed_at[i] == 0)
        continue;
      next_step = shmlens_highlight_update (GTK_WIDGET (self->values[i]), self->changed_at[i],
                                            now_us, self->fade_us);
      if (next_step == 0)
        self->changed_at[i] = 0;
      else if (next_end == 0 || next_step < next_end)
        next_end = next_step;
    }
  return next_end;
}

static void schedule_highlight_end (ShmlensInspector *self,
                                    gint64            now_us);

static gboolean
highlight_timeout_cb (gpointer user_data)
{
  ShmlensInspector *self = user_data;

  self->highlight_source = 0;
  schedule_highlight_end (self, g_get_monotonic_time () - self->clock_skew);
  return G_SOURCE_REMOVE;
}

static void
schedule_highlight_end (ShmlensInspector *self,
                        gint64            now_us)
{
  gint64 next_end = expire_highlights (self, now_us);

  g_clear_handle_id (&self->highlight_source, g_source_remove);
  if (next_end == 0)
    return;
  self->highlight_source = g_timeout_add (shmlens_highlight_timeout (next_end, now_us,
                                                                     self->fade_us),
                                          highlight_timeout_cb, self);
  g_source_set_name_by_id (self->highlight_source, "[shmlens] inspector highlight");
}

static void
clear_highlights (ShmlensInspector *self)
{
  for (guint i = 0; i < N_VALUES; i++)
    unhighlight (self, i);
  g_clear_handle_id (&self->highlight_source, g_source_remove);
}

/**
 * shmlens_inspector_set_data:
 * @self: an inspector
 * @offset: the offset of @bytes in the segment
 * @bytes: (array length=n_valid) (nullable): the bytes at @offset
 * @n_valid: how many bytes there are before the segment ends (at least
 *   %SHMLENS_DECODE_MAX_BYTES are used when there are)
 * @now_us: when the bytes were read, in microseconds of g_get_monotonic_time()
 *
 * Shows the bytes at @offset decoded. Values the segment is too short for show a
 * dash. When @offset is the one shown before, the values that differ from before
 * are highlighted for a second.
 */
void
shmlens_inspector_set_data (ShmlensInspector *self,
                            guint64           offset,
                            const guint8     *bytes,
                            gsize             n_valid,
                            gint64            now_us)
{
  gboolean same_place;

  g_return_if_fail (SHMLENS_IS_INSPECTOR (self));
  g_return_if_fail (bytes != NULL || n_valid == 0);

  same_place = self->has_data && self->offset == offset;
  if (!same_place)
    clear_highlights (self);

  for (guint i = 0; i < SHMLENS_DECODE_N_FIELDS; i++)
    {
      g_autofree char *text = shmlens_decode_format (i, bytes, n_valid);

      if (same_place && g_strcmp0 (gtk_label_get_text (self->values[i]), text) != 0)
        {
          /* a zero would mean "not highlighted"; schedule_highlight_end lights it */
          self->changed_at[i] = now_us != 0 ? now_us : 1;
        }
      set_value_text (self, i, text);
    }

  if (!same_place)
    {
      g_autofree char *text = shmlens_decode_format_offset (offset);
      set_value_text (self, OFFSET_VALUE, text);
    }

  self->has_data = TRUE;
  self->offset = offset;
  self->clock_skew = g_get_monotonic_time () - now_us;
  schedule_highlight_end (self, now_us);
}

/**
 * shmlens_inspector_clear:
 * @self: an inspector
 *
 * Shows a dash for every value: nothing is selected, or the segment is gone.
 */
void
shmlens_inspector_clear (ShmlensInspector *self)
{
  g_return_if_fail (SHMLENS_IS_INSPECTOR (self));

  clear_highlights (self);
  for (guint i = 0; i < N_VALUES; i++)
    set_value_text (self, i, SHMLENS_DECODE_UNAVAILABLE);
  self->has_data = FALSE;
}

/* Titles, headings and "LE"/"BE" are for the eye. Assistive technology gets the
 * same words from each value's own name ("uint32 little-endian"), so they are
 * hidden from it: otherwise "int8" would name both a title and a value. */
static GtkWidget *
new_dim_label (const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_accessible_update_state (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkLabel *
new_value_label (guint value)
{
  GtkWidget *label = gtk_label_new (SHMLENS_DECODE_UNAVAILABLE);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  /* Never wider than the panel: a value longer than its column goes on onto a
   * second line (at a space if it has one) rather than being cut. */
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  /* the highlight covers the text, not the whole cell */
  gtk_widget_set_halign (label, GTK_ALIGN_START);
  gtk_widget_add_css_class (label, "value");
  gtk_widget_add_css_class (label, "monospace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  value_name (value), -1);
  return GTK_LABEL (label);
}

/* An empty label, in the heading's cell, as wide as the widest value of two or four
 * bytes ("-2147483648"), so that the big-endian column stays put as values change. */
#define PAIR_VALUE_CHARS 11

static GtkWidget *
new_column_strut (void)
{
  GtkWidget *strut = gtk_label_new (NULL);

  gtk_label_set_width_chars (GTK_LABEL (strut), PAIR_VALUE_CHARS);
  gtk_widget_add_css_class (strut, "value");
  gtk_widget_add_css_class (strut, "monospace");
  gtk_accessible_update_state (GTK_ACCESSIBLE (strut), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  return strut;
}

/* Groups of rows (whole numbers, eight-byte values, …) are set apart by a gap above
 * their first line; every cell of that line gets it, so that the line stays aligned. */
#define GROUP_GAP 10

static void
attach (GtkGrid   *grid,
        GtkWidget *child,
        int        column,
        int        line,
        int        width,
        gboolean   starts_group)
{
  if (starts_group)
    gtk_widget_set_margin_top (child, GROUP_GAP);
  gtk_grid_attach (grid, child, column, line, width, 1);
}

static void
build_grid (ShmlensInspector *self)
{
  GtkGrid *grid = GTK_GRID (self->grid);
  int line = 0;

  /* Translators: byte order; column heading above values */
  attach (grid, new_dim_label (_("Little-endian"), "column-title"), COLUMN_FIRST, line, 1, FALSE);
  attach (grid, new_column_strut (), COLUMN_FIRST, line, 1, FALSE);
  /* Translators: byte order; column heading above values */
  attach (grid, new_dim_label (_("Big-endian"), "column-title"), COLUMN_SECOND, line, 1, FALSE);
  line++;

  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      const RowInfo *row = &rows[r];
      gboolean gap = row->starts_group;

      attach (grid, new_dim_label (_(row->title), "row-title"), COLUMN_TITLE, line, 1, gap);
      self->values[row->first] = new_value_label (row->first);
      if (row->shape != ROW_SINGLE)
        self->values[row->second] = new_value_label (row->second);

      switch (row->shape)
        {
        case ROW_SINGLE:
          attach (grid, GTK_WIDGET (self->values[row->first]), COLUMN_FIRST, line, 2, gap);
          line++;
          break;

        case ROW_PAIR:
          attach (grid, GTK_WIDGET (self->values[row->first]), COLUMN_FIRST, line, 1, gap);
          attach (grid, GTK_WIDGET (self->values[row->second]), COLUMN_SECOND, line, 1, gap);
          /* Only the last column takes the room to spare, so that the width of long
           * values (which span both columns) never moves the big-endian column. */
          gtk_widget_set_hexpand (GTK_WIDGET (self->values[row->second]), TRUE);
          line++;
          break;

        case ROW_STACKED:
          /* Translators: short for little-endian, beside a value */
          attach (grid, new_dim_label (C_("byte order", "LE"), "byte-order"), COLUMN_ORDER, line, 1, gap);
          attach (grid, GTK_WIDGET (self->values[row->first]), COLUMN_FIRST, line, 2, gap);
          line++;
          /* Translators: short for big-endian, beside a value */
          attach (grid, new_dim_label (C_("byte order", "BE"), "byte-order"), COLUMN_ORDER, line, 1, FALSE);
          attach (grid, GTK_WIDGET (self->values[row->second]), COLUMN_FIRST, line, 2, FALSE);
          line++;
          break;

        default:
          g_assert_not_reached ();
        }
    }

  for (guint i = 0; i < N_VALUES; i++)
    g_assert (self->values[i] != NULL);
}

static void
shmlens_inspector_dispose (GObject *object)
{
  ShmlensInspector *self = SHMLENS_INSPECTOR (object);

  g_clear_handle_id (&self->highlight_source, g_source_remove);
  g_clear_pointer (&self->grid, gtk_widget_unparent);

  G_OBJECT_CLASS (shmlens_inspector_parent_class)->dispose (object);
}

static void
shmlens_inspector_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ShmlensInspector *self = SHMLENS_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_FADE_TIME:
      g_value_set_uint (value, shmlens_inspector_get_fade_time (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_inspector_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ShmlensInspector *self = SHMLENS_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_FADE_TIME:
      shmlens_inspector_set_fade_time (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_inspector_class_init (ShmlensInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmlens_inspector_dispose;
  object_class->get_property = shmlens_inspector_get_property;
  object_class->set_property = shmlens_inspector_set_property;

  /**
   * ShmlensInspector:fade-time:
   *
   * How long, in milliseconds, a value that changed stays highlighted while the
   * highlight fades; 0 for not at all.
   */
  properties[PROP_FADE_TIME] =
    g_param_spec_uint ("fade-time", NULL, NULL, 0, 60000,
                       SHMLENS_HIGHLIGHT_DEFAULT_US / 1000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "shmlens-inspector");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
shmlens_inspector_init (ShmlensInspector *self)
{
  self->fade_us = SHMLENS_HIGHLIGHT_DEFAULT_US;
  self->grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (self->grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (self->grid), 2);
  /* the side panel puts the inspector edge to edge */
  gtk_widget_set_margin_start (self->grid, 12);
  gtk_widget_set_margin_end (self->grid, 12);
  gtk_widget_set_margin_top (self->grid, 6);
  gtk_widget_set_margin_bottom (self->grid, 12);
  gtk_widget_set_parent (self->grid, GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Data inspector"), -1);
  build_grid (self);
}

GtkWidget *
shmlens_inspector_new (void)
{
  return g_object_new (SHMLENS_TYPE_INSPECTOR, NULL);
}

/**
 * shmlens_inspector_get_fade_time:
 * @self: an inspector
 *
 * Returns: how long (ms) a changed value stays highlighted
 */
guint
shmlens_inspector_get_fade_time (ShmlensInspector *self)
{
  g_return_val_if_fail (SHMLENS_IS_INSPECTOR (self), 0);
  return (guint) (self->fade_us / 1000);
}

/**
 * shmlens_inspector_set_fade_time:
 * @self: an inspector
 * @fade_time_ms: how long (ms) a changed value stays highlighted; 0 for not at all
 *
 * Highlights already lit keep the time they started with and end on the new one.
 */
void
shmlens_inspector_set_fade_time (ShmlensInspector *self,
                                 guint             fade_time_ms)
{
  g_return_if_fail (SHMLENS_IS_INSPECTOR (self));

  fade_time_ms = MIN (fade_time_ms, 60000);
  if (self->fade_us == (gint64) fade_time_ms * 1000)
    return;
  self->fade_us = (gint64) fade_time_ms * 1000;
  if (self->has_data)
    schedule_highlight_end (self, g_get_monotonic_time () - self->clock_skew);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FADE_TIME]);
}
