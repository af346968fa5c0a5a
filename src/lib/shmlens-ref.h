/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-ref.h: segment references ("/NAME", "sysv:ID", "memfd:PID:FD", …). */
#pragma once

#include <glib.h>

#include "shmlens-segment.h"

G_BEGIN_DECLS

/**
 * ShmlensRef:
 * @kind: which kind of segment is named
 * @name: POSIX: the name without the leading slash, unescaped (raw bytes)
 * @path: FILE: the path
 * @shmid: SYSV by id: the shmid, otherwise -1
 * @key: SYSV by key: the key
 * @by_key: SYSV: whether @key (not @shmid) names the segment
 * @pid: MEMFD and ANON: the process
 * @fd: MEMFD: the descriptor, or -1 when @address names a mapping
 * @address: ANON (and MEMFD without a descriptor): the mapping's start address
 *
 * The parsed form of a reference. Text forms:
 * `/NAME`, `posix:NAME`, `sysv:SHMID`, `sysv-key:0xKEY`, `memfd:PID:FD`,
 * `memfd:PID:0xADDRESS`, `anon:PID:0xADDRESS`, `file:PATH`, or any path containing
 * a slash that is not a POSIX name. Names may carry the escapes that Shmlens prints
 * (`\\`, `\n`, `\xNN`, …) so that any printed reference can be pasted back.
 */
typedef struct
{
  ShmlensSegmentKind kind;
  char *name;
  char *path;
  int shmid;
  gint32 key;
  gboolean by_key;
  int pid;
  int fd;
  guint64 address;
} ShmlensRef;

ShmlensRef *shmlens_ref_parse     (const char  *text,
                                   GError     **error);
void        shmlens_ref_free      (ShmlensRef  *ref);
char       *shmlens_ref_to_string (const ShmlensRef *ref);

ShmlensSegment *shmlens_ref_resolve (const ShmlensRef  *ref,
                                     gboolean           with_attachments,
                                     GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmlensRef, shmlens_ref_free)

G_END_DECLS
