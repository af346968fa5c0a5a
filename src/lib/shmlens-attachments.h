/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-attachments.h: one pass over /proc that finds who maps or holds what. */
#pragma once

#include <glib.h>

#include "shmlens-segment.h"

G_BEGIN_DECLS

typedef struct _ShmlensProcessScan ShmlensProcessScan;

ShmlensProcessScan *shmlens_process_scan_new       (void);
void                shmlens_process_scan_free      (ShmlensProcessScan *scan);
void                shmlens_process_scan_want_file (ShmlensProcessScan *scan,
                                                    dev_t               device,
                                                    ino_t               inode);
void                shmlens_process_scan_run       (ShmlensProcessScan *scan,
                                                    int                 only_pid);
void                shmlens_process_scan_attach    (ShmlensProcessScan *scan,
                                                    ShmlensSegment     *segment);
GPtrArray          *shmlens_process_scan_get_found (ShmlensProcessScan *scan);
guint               shmlens_process_scan_get_skipped (ShmlensProcessScan *scan);
guint               shmlens_process_scan_get_vanished (ShmlensProcessScan *scan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmlensProcessScan, shmlens_process_scan_free)

GPtrArray          *shmlens_find_attachments       (ShmlensSegmentKind  kind,
                                                    dev_t               device,
                                                    ino_t               inode,
                                                    int                 shmid,
                                                    guint              *n_skipped);

G_END_DECLS
