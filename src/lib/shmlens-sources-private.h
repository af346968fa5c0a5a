/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-sources-private.h: one source per kind of segment (private). */
#pragma once

#include <sys/stat.h>

#include "shmlens-segment-private.h"

G_BEGIN_DECLS

#define SHMLENS_POSIX_DIR "/dev/shm"
#define SHMLENS_SYSV_TABLE "/proc/sysvipc/shm"

/* POSIX: /dev/shm */
GPtrArray      *shmlens_sources_posix_list   (GError     **error);
ShmlensSegment *shmlens_sources_posix_lookup (const char  *name,
                                              GError     **error);
gboolean        shmlens_sources_posix_check_name (const char *name,
                                                  GError   **error);
void            shmlens_sources_fill_from_mapping (ShmlensSegment  *segment,
                                                   guint64          start,
                                                   guint64          end,
                                                   guint64          offset,
                                                   dev_t            device,
                                                   guint64          inode,
                                                   int              pid_dirfd);
const char     *shmlens_sources_file_type_name (mode_t mode);

/* System V: /proc/sysvipc/shm */
GPtrArray      *shmlens_sources_sysv_list    (GError     **error);
ShmlensSegment *shmlens_sources_sysv_lookup  (int          shmid,
                                              gboolean     by_key,
                                              gint32       key,
                                              GError     **error);
/* one line of the table, exposed for the tests */
ShmlensSegment *shmlens_sources_sysv_parse_line (const char *line);

/* memfd, shared anonymous memory and plain files, reached through processes */
ShmlensSegment *shmlens_sources_memfd_lookup (int          pid,
                                              int          fd,
                                              GError     **error);
ShmlensSegment *shmlens_sources_mapping_lookup (ShmlensSegmentKind kind,
                                                int          pid,
                                                guint64      address,
                                                GError     **error);
ShmlensSegment *shmlens_sources_file_lookup  (const char  *path,
                                              GError     **error);

G_END_DECLS
