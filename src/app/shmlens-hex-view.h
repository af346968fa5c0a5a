/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-hex-view.h: the live hex view, a scrollable widget drawing only what is visible. */
#pragma once

#include <gtk/gtk.h>

#include "shmlens-tracker.h"

G_BEGIN_DECLS

/**
 * ShmlensHexTint:
 * @offset: the first byte of the region
 * @length: its length in bytes
 * @color: its colour (drawn as a light wash)
 *
 * A region of the segment the hex view tints: the bytes a writer owns, say.
 */
typedef struct
{
  guint64 offset;
  guint64 length;
  GdkRGBA color;
} ShmlensHexTint;

#define SHMLENS_TYPE_HEX_VIEW (shmlens_hex_view_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensHexView, shmlens_hex_view, SHMLENS, HEX_VIEW, GtkWidget)

GtkWidget      *shmlens_hex_view_new                 (void);
void            shmlens_hex_view_set_tracker         (ShmlensHexView *self,
                                                      ShmlensTracker *tracker);
ShmlensTracker *shmlens_hex_view_get_tracker         (ShmlensHexView *self);
void            shmlens_hex_view_refreshed           (ShmlensHexView *self,
                                                      gint64          now_us);
guint64         shmlens_hex_view_get_cursor          (ShmlensHexView *self);
void            shmlens_hex_view_set_cursor          (ShmlensHexView *self,
                                                      guint64         offset,
                                                      gboolean        extend_selection);
gboolean        shmlens_hex_view_get_selection       (ShmlensHexView *self,
                                                      guint64        *start,
                                                      guint64        *end);
void            shmlens_hex_view_select_range        (ShmlensHexView *self,
                                                      guint64         start,
                                                      guint64         end);
void            shmlens_hex_view_scroll_to_offset    (ShmlensHexView *self,
                                                      guint64         offset);
guint           shmlens_hex_view_get_bytes_per_row   (ShmlensHexView *self);
void            shmlens_hex_view_set_bytes_per_row   (ShmlensHexView *self,
                                                      guint           bytes_per_row);
guint           shmlens_hex_view_get_group_size      (ShmlensHexView *self);
void            shmlens_hex_view_set_group_size      (ShmlensHexView *self,
                                                      guint           group_size);
void            shmlens_hex_view_set_highlight_since (ShmlensHexView *self,
                                                      gint64          since_us);
gint64          shmlens_hex_view_get_highlight_since (ShmlensHexView *self);
guint           shmlens_hex_view_get_fade_time       (ShmlensHexView *self);
void            shmlens_hex_view_set_fade_time       (ShmlensHexView *self,
                                                      guint           fade_time_ms);
char           *shmlens_hex_view_dup_font            (ShmlensHexView *self);
void            shmlens_hex_view_set_font            (ShmlensHexView *self,
                                                      const char     *font);
double          shmlens_hex_view_get_byte_highlight  (ShmlensHexView *self,
                                                      guint64         offset,
                                                      gint64          now_us);
void            shmlens_hex_view_set_tints           (ShmlensHexView       *self,
                                                      const ShmlensHexTint *tints,
                                                      guint                 n_tints);
gboolean        shmlens_hex_view_get_byte_tint       (ShmlensHexView *self,
                                                      guint64         offset,
                                                      GdkRGBA        *color);

/* Geometry */
guint           shmlens_hex_view_get_effective_bytes_per_row (ShmlensHexView *self);
guint           shmlens_hex_view_get_bytes_per_row_for_width (ShmlensHexView *self,
                                                              int             width);
int             shmlens_hex_view_get_width_for_bytes_per_row (ShmlensHexView *self,
                                                              guint           bytes_per_row);
int             shmlens_hex_view_get_row_height      (ShmlensHexView *self);
gboolean        shmlens_hex_view_get_visible_range   (ShmlensHexView *self,
                                                      guint64        *start,
                                                      guint64        *end);
gboolean        shmlens_hex_view_get_byte_area       (ShmlensHexView  *self,
                                                      guint64          offset,
                                                      gboolean         text_column,
                                                      graphene_rect_t *area);

/* Find */
void            shmlens_hex_view_find                (ShmlensHexView *self,
                                                      const char     *text,
                                                      gboolean        as_hex,
                                                      gboolean        backwards);
gboolean        shmlens_hex_view_get_searching       (ShmlensHexView *self);
const char     *shmlens_hex_view_get_find_status     (ShmlensHexView *self);

/* Go to offset */
gboolean        shmlens_hex_view_parse_offset        (const char     *text,
                                                      guint64         cursor,
                                                      guint64         size,
                                                      guint64        *offset,
                                                      GError        **error);

G_END_DECLS
