/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-proc.h: small, careful readers of /proc and sysfs-like files (private). */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* One line of /proc/PID/maps. @path points into the line (not a copy) and is ""
 * for anonymous private memory. */
typedef struct
{
  guint64 start;
  guint64 end;
  char perms[5];
  guint64 offset;
  dev_t device;
  guint64 inode;
  const char *path;
} ShmlensMapsLine;

gboolean shmlens_proc_read_file_at  (int          dirfd,
                                     const char  *name,
                                     GString     *contents,
                                     int         *saved_errno);
gboolean shmlens_proc_parse_maps_line (char           *line,
                                       ShmlensMapsLine *out);
char    *shmlens_proc_read_comm     (int          pid_dirfd);
void     shmlens_proc_unmangle_path (char        *path);
gboolean shmlens_proc_strip_deleted (char        *path);
gboolean shmlens_proc_read_int_file (const char  *path,
                                     gint64      *value);

G_END_DECLS
