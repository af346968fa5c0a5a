/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-test-util.h: real segments and processes for the library tests. */
#pragma once

#include <glib.h>

#include "shmlens-segment.h"

G_BEGIN_DECLS

/* Creates /dev/shm/<unique name> of @size bytes filled with @data (or zeros when NULL,
 * sparse). Returns the name without the slash; the test removes it with
 * shmlens_test_posix_remove(). */
char           *shmlens_test_posix_create (const char    *prefix,
                                           const guint8  *data,
                                           gsize          size);
void            shmlens_test_posix_remove (const char    *name);
/* Writes @length bytes at @offset into the POSIX segment, as another process would. */
void            shmlens_test_posix_write  (const char    *name,
                                           guint64        offset,
                                           const void    *data,
                                           gsize          length);
/* The segment for a reference, resolved with its attachments; fails the test on error. */
ShmlensSegment *shmlens_test_resolve      (const char    *ref_text);
/* Bytes from /dev/shm/NAME read plainly, for comparisons. */
GBytes         *shmlens_test_posix_bytes  (const char    *name);

/* Runs the default main context for @ms milliseconds, so that timeouts, idles and
 * the results of worker threads get their turn. */
void            shmlens_test_run_main_loop_for (guint ms);

G_END_DECLS
