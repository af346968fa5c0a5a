/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-demos.h: a demo started from the app: its segment, layout, writers and explanation. */
#pragma once

#include "shmlens-segment-page.h"
#include "shmlens-window.h"

G_BEGIN_DECLS

ShmlensSegmentPage *shmlens_demos_start (ShmlensWindow  *window,
                                         const char     *id,
                                         GError        **error);

G_END_DECLS
