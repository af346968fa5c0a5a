/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-reader.h: reads one segment, read-only, and notices what happens to it. */
#pragma once

#include <glib-object.h>

#include "shmlens-segment.h"

G_BEGIN_DECLS

/**
 * ShmlensReaderEvents:
 * @SHMLENS_READER_EVENT_NONE: nothing happened since the last poll
 * @SHMLENS_READER_EVENT_GROWN: the segment became larger
 * @SHMLENS_READER_EVENT_TRUNCATED: the segment became smaller
 * @SHMLENS_READER_EVENT_REMOVED: the segment was removed (unlinked, IPC_RMID); the
 *   reader still reads its bytes as long as the kernel keeps them
 * @SHMLENS_READER_EVENT_REPLACED: the name now refers to another segment; reopen to
 *   see it
 */
typedef enum
{
  SHMLENS_READER_EVENT_NONE = 0,
  SHMLENS_READER_EVENT_GROWN = 1 << 0,
  SHMLENS_READER_EVENT_TRUNCATED = 1 << 1,
  SHMLENS_READER_EVENT_REMOVED = 1 << 2,
  SHMLENS_READER_EVENT_REPLACED = 1 << 3,
} ShmlensReaderEvents;

#define SHMLENS_TYPE_READER (shmlens_reader_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensReader, shmlens_reader, SHMLENS, READER, GObject)

ShmlensReader      *shmlens_reader_open        (ShmlensSegment  *segment,
                                                GError         **error);
ShmlensSegment     *shmlens_reader_get_segment (ShmlensReader   *self);
guint64             shmlens_reader_get_size    (ShmlensReader   *self);
gboolean            shmlens_reader_is_removed  (ShmlensReader   *self);
gboolean            shmlens_reader_is_replaced (ShmlensReader   *self);
gssize              shmlens_reader_read        (ShmlensReader   *self,
                                                guint64          offset,
                                                guint8          *buffer,
                                                gsize            length,
                                                GError         **error);
gboolean            shmlens_reader_find_data   (ShmlensReader   *self,
                                                guint64          offset,
                                                guint64         *data_start,
                                                guint64         *data_end);
ShmlensReaderEvents shmlens_reader_poll        (ShmlensReader   *self,
                                                GError         **error);
void                shmlens_reader_close       (ShmlensReader   *self);

G_END_DECLS
