/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-segment-private.h: the segment's fields, filled in by the sources. */
#pragma once

#include <sys/stat.h>

#include "shmlens-segment.h"

G_BEGIN_DECLS

struct _ShmlensSegment
{
  GObject parent_instance;

  ShmlensSegmentKind kind;
  char *name;             /* raw bytes as the kernel gave them */
  char *path;             /* a path that reaches the bytes, or NULL */
  guint64 size;
  gint64 resident;        /* bytes in memory, -1 when unknown */
  guint uid;
  guint gid;
  guint mode;             /* permission bits (07777) */
  gint64 atime;
  gint64 mtime;
  gint64 ctime;
  dev_t device;
  ino_t inode;

  /* System V */
  int shmid;
  gint32 key;
  guint sysv_perms;       /* with SHM_DEST and SHM_LOCKED */
  int creator_pid;
  int last_pid;
  guint nattch;
  guint cuid;
  guint cgid;
  gint64 dtime;
  guint64 swap;

  /* memfd and anonymous */
  int pid;
  int fd;
  guint64 address;

  /* FALSE when only a mapping was seen and its inode could not be stat()ed (that
   * needs root): mode, times and resident are then unknown, uid and gid are the
   * holding process's */
  gboolean metadata_known;

  GPtrArray *attachments; /* of ShmlensAttachment */
  guint n_processes;
  gboolean attachments_known;
};

/* What a segment is, whatever its name: device and inode, or a System V shmid
 * (device SHMLENS_IDENTITY_SYSV). A hash table key. */
typedef struct
{
  guint64 device;
  guint64 inode;
} ShmlensIdentity;

#define SHMLENS_IDENTITY_SYSV G_MAXUINT64

ShmlensIdentity *shmlens_identity_new       (guint64        device,
                                             guint64        inode);
guint            shmlens_identity_hash      (gconstpointer  identity);
gboolean         shmlens_identity_equal     (gconstpointer  a,
                                             gconstpointer  b);
ShmlensIdentity  shmlens_segment_get_identity (ShmlensSegment *self);

ShmlensSegment *shmlens_segment_new          (ShmlensSegmentKind  kind);
void            shmlens_segment_fill_from_stat (ShmlensSegment    *self,
                                                const struct stat *st);
void            shmlens_segment_add_attachment (ShmlensSegment   *self,
                                              ShmlensAttachment *attachment);
void            shmlens_segment_clear_attachments (ShmlensSegment *self);
gboolean        shmlens_segment_update_from  (ShmlensSegment     *self,
                                              ShmlensSegment     *newer);

G_END_DECLS
