/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-test-segments.h: this session's test segments, removed when the app quits. */
#pragma once

#include <glib-object.h>

#include "shmlens-segment.h"

G_BEGIN_DECLS

#define SHMLENS_TYPE_TEST_SEGMENTS (shmlens_test_segments_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensTestSegments, shmlens_test_segments, SHMLENS, TEST_SEGMENTS, GObject)

ShmlensTestSegments *shmlens_test_segments_get_default   (void);
void                 shmlens_test_segments_add           (ShmlensTestSegments *self,
                                                          const char          *ref,
                                                          gboolean             keep);
gboolean             shmlens_test_segments_lookup        (ShmlensTestSegments *self,
                                                          ShmlensSegment      *segment,
                                                          gboolean            *keep);
void                 shmlens_test_segments_set_keep      (ShmlensTestSegments *self,
                                                          const char          *ref,
                                                          gboolean             keep);
guint                shmlens_test_segments_remove_unkept (ShmlensTestSegments *self);

G_END_DECLS
