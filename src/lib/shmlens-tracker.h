/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-tracker.h: change tracking of a window's bytes and a whole-segment overview. */
#pragma once

#include <glib-object.h>

#include "shmlens-reader.h"

G_BEGIN_DECLS

/**
 * ShmlensTrackerChange:
 * @offset: where the run starts, in the segment
 * @length: how many bytes the run covers
 * @old_bytes: (array length=length): the bytes before the refresh
 * @new_bytes: (array length=length): the bytes now
 *
 * One run of adjacent changed bytes found by shmlens_tracker_refresh(). The byte
 * pointers stay valid until the next call of shmlens_tracker_refresh() or
 * shmlens_tracker_set_window().
 */
typedef struct
{
  guint64 offset;
  gsize length;
  const guint8 *old_bytes;
  const guint8 *new_bytes;
} ShmlensTrackerChange;

#define SHMLENS_TYPE_TRACKER (shmlens_tracker_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensTracker, shmlens_tracker, SHMLENS, TRACKER, GObject)

ShmlensTracker *shmlens_tracker_new                  (ShmlensReader   *reader);
ShmlensReader  *shmlens_tracker_get_reader           (ShmlensTracker  *self);
gint64          shmlens_tracker_get_epoch            (ShmlensTracker  *self);
guint32         shmlens_tracker_time_to_stamp        (ShmlensTracker  *self,
                                                      gint64           time_us);
gint64          shmlens_tracker_stamp_to_time        (ShmlensTracker  *self,
                                                      guint32          stamp);

/* The window */
void            shmlens_tracker_set_window           (ShmlensTracker  *self,
                                                      guint64          offset,
                                                      gsize            length);
guint64         shmlens_tracker_get_window_offset    (ShmlensTracker  *self);
gsize           shmlens_tracker_get_window_length    (ShmlensTracker  *self);
gboolean        shmlens_tracker_refresh              (ShmlensTracker  *self,
                                                      gint64           now_us,
                                                      GError         **error);
const guint8   *shmlens_tracker_get_window_bytes     (ShmlensTracker  *self,
                                                      gsize           *valid_length);
gsize           shmlens_tracker_get_valid_length     (ShmlensTracker  *self);
const guint32  *shmlens_tracker_get_window_stamps    (ShmlensTracker  *self);
gint64          shmlens_tracker_get_byte_changed_at  (ShmlensTracker  *self,
                                                      guint64          offset);
gint64          shmlens_tracker_get_byte_age         (ShmlensTracker  *self,
                                                      guint64          offset,
                                                      gint64           now_us);
const ShmlensTrackerChange *
                shmlens_tracker_get_changes          (ShmlensTracker  *self,
                                                      guint           *n_changes);
gboolean        shmlens_tracker_get_window_changed   (ShmlensTracker  *self);

/* The whole-segment overview */
gboolean        shmlens_tracker_scan                 (ShmlensTracker  *self,
                                                      gint64           budget_us,
                                                      gboolean        *pass_completed,
                                                      GError         **error);
guint           shmlens_tracker_get_n_blocks         (ShmlensTracker  *self);
gsize           shmlens_tracker_get_block_size       (ShmlensTracker  *self);
guint           shmlens_tracker_get_scan_position    (ShmlensTracker  *self);
guint           shmlens_tracker_get_n_passes         (ShmlensTracker  *self);
const guint32  *shmlens_tracker_get_block_stamps     (ShmlensTracker  *self,
                                                      guint           *n_blocks);
gint64          shmlens_tracker_get_block_changed_at (ShmlensTracker  *self,
                                                      guint            block);
gint64          shmlens_tracker_get_last_changed_block (ShmlensTracker *self,
                                                        gint64         *changed_at);

G_END_DECLS
