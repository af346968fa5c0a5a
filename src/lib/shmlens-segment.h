/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-segment.h: a shared-memory segment's identity, metadata and holders. */
#pragma once

#include <glib-object.h>
#include <sys/types.h>

G_BEGIN_DECLS

/**
 * ShmlensSegmentKind:
 * @SHMLENS_SEGMENT_KIND_POSIX: a file in /dev/shm (shm_open)
 * @SHMLENS_SEGMENT_KIND_SYSV: a System V segment (shmget)
 * @SHMLENS_SEGMENT_KIND_MEMFD: a memfd held by a process (memfd_create)
 * @SHMLENS_SEGMENT_KIND_ANON: shared anonymous memory (mmap MAP_SHARED|MAP_ANONYMOUS)
 * @SHMLENS_SEGMENT_KIND_FILE: a plain file named by the user
 *
 * The kinds are bits so that a set of kinds fits in a guint.
 */
typedef enum
{
  SHMLENS_SEGMENT_KIND_POSIX = 1 << 0,
  SHMLENS_SEGMENT_KIND_SYSV = 1 << 1,
  SHMLENS_SEGMENT_KIND_MEMFD = 1 << 2,
  SHMLENS_SEGMENT_KIND_ANON = 1 << 3,
  SHMLENS_SEGMENT_KIND_FILE = 1 << 4,
} ShmlensSegmentKind;

#define SHMLENS_SEGMENT_KINDS_DEFAULT \
  (SHMLENS_SEGMENT_KIND_POSIX | SHMLENS_SEGMENT_KIND_SYSV | SHMLENS_SEGMENT_KIND_MEMFD)
#define SHMLENS_SEGMENT_KINDS_ALL (SHMLENS_SEGMENT_KINDS_DEFAULT | SHMLENS_SEGMENT_KIND_ANON)

const char *shmlens_segment_kind_to_string (ShmlensSegmentKind kind);
gboolean    shmlens_segment_kinds_parse    (const char  *text,
                                            guint       *kinds,
                                            GError     **error);

/**
 * ShmlensAttachmentHow:
 * @SHMLENS_ATTACHMENT_MAPS: the process has the segment mapped into its address space
 * @SHMLENS_ATTACHMENT_HOLDS: the process holds a file descriptor to it, without a mapping
 *   of its own through that descriptor
 */
typedef enum
{
  SHMLENS_ATTACHMENT_MAPS,
  SHMLENS_ATTACHMENT_HOLDS,
} ShmlensAttachmentHow;

/**
 * ShmlensAttachment:
 * @pid: the process
 * @command: its command name (from /proc/PID/comm; untrusted bytes)
 * @uid: its real user id
 * @how: whether it maps the segment or only holds a descriptor
 * @start: first address of the mapping (0 for a descriptor)
 * @end: address one past the mapping (0 for a descriptor)
 * @offset: offset in the segment where the mapping starts
 * @perms: "rwxs"-style protection of the mapping, or the access mode of the descriptor
 * @fd: the descriptor number, or -1 for a mapping
 */
typedef struct
{
  int pid;
  char *command;
  guint uid;
  ShmlensAttachmentHow how;
  guint64 start;
  guint64 end;
  guint64 offset;
  char perms[5];
  int fd;
} ShmlensAttachment;

#define SHMLENS_TYPE_ATTACHMENT (shmlens_attachment_get_type ())
GType               shmlens_attachment_get_type (void) G_GNUC_CONST;
ShmlensAttachment  *shmlens_attachment_copy     (const ShmlensAttachment *attachment);
void                shmlens_attachment_free     (ShmlensAttachment *attachment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmlensAttachment, shmlens_attachment_free)

#define SHMLENS_TYPE_SEGMENT (shmlens_segment_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensSegment, shmlens_segment, SHMLENS, SEGMENT, GObject)

ShmlensSegmentKind shmlens_segment_get_kind          (ShmlensSegment *self);
const char        *shmlens_segment_get_name          (ShmlensSegment *self);
char              *shmlens_segment_dup_display_name  (ShmlensSegment *self);
char              *shmlens_segment_dup_ref           (ShmlensSegment *self);
const char        *shmlens_segment_get_path          (ShmlensSegment *self);
guint64            shmlens_segment_get_size          (ShmlensSegment *self);
gint64             shmlens_segment_get_resident      (ShmlensSegment *self);
guint              shmlens_segment_get_uid           (ShmlensSegment *self);
guint              shmlens_segment_get_gid           (ShmlensSegment *self);
guint              shmlens_segment_get_mode          (ShmlensSegment *self);
gint64             shmlens_segment_get_atime         (ShmlensSegment *self);
gint64             shmlens_segment_get_mtime         (ShmlensSegment *self);
gint64             shmlens_segment_get_ctime         (ShmlensSegment *self);
dev_t              shmlens_segment_get_device        (ShmlensSegment *self);
ino_t              shmlens_segment_get_inode         (ShmlensSegment *self);
gboolean           shmlens_segment_get_metadata_known (ShmlensSegment *self);
gboolean           shmlens_segment_is_orphan         (ShmlensSegment *self);
gboolean           shmlens_segment_same_identity     (ShmlensSegment *self,
                                                      ShmlensSegment *other);

/* System V */
int                shmlens_segment_get_shmid         (ShmlensSegment *self);
gint32             shmlens_segment_get_key           (ShmlensSegment *self);
guint              shmlens_segment_get_sysv_perms    (ShmlensSegment *self);
gboolean           shmlens_segment_is_marked_for_removal (ShmlensSegment *self);
gboolean           shmlens_segment_is_locked         (ShmlensSegment *self);
int                shmlens_segment_get_creator_pid   (ShmlensSegment *self);
int                shmlens_segment_get_last_pid      (ShmlensSegment *self);
guint              shmlens_segment_get_nattch        (ShmlensSegment *self);
guint              shmlens_segment_get_cuid          (ShmlensSegment *self);
guint              shmlens_segment_get_cgid          (ShmlensSegment *self);
gint64             shmlens_segment_get_dtime         (ShmlensSegment *self);
guint64            shmlens_segment_get_swap          (ShmlensSegment *self);

/* memfd and shared anonymous memory: the process and descriptor or address they are
 * reached through */
int                shmlens_segment_get_pid           (ShmlensSegment *self);
int                shmlens_segment_get_fd            (ShmlensSegment *self);
guint64            shmlens_segment_get_address       (ShmlensSegment *self);

/* Holders */
GPtrArray         *shmlens_segment_get_attachments   (ShmlensSegment *self);
guint              shmlens_segment_get_n_processes   (ShmlensSegment *self);
gboolean           shmlens_segment_get_attachments_known (ShmlensSegment *self);

G_END_DECLS
