/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-created.h: test segments Shmlens creates, and the only ones it writes or removes. */
#pragma once

#include <glib.h>

#include "shmlens-segment.h"

G_BEGIN_DECLS

typedef enum
{
  SHMLENS_FILL_ZERO,
  SHMLENS_FILL_RANDOM,
  SHMLENS_FILL_MESSAGE,
} ShmlensFill;

#define SHMLENS_DEFAULT_MESSAGE "Message from first process."

const char *shmlens_fill_to_string   (ShmlensFill  fill);
gboolean    shmlens_fill_from_string (const char  *text,
                                      ShmlensFill *fill);

/**
 * ShmlensCreateOptions:
 * @kind: %SHMLENS_SEGMENT_KIND_POSIX or %SHMLENS_SEGMENT_KIND_SYSV
 * @name: POSIX: the name, without the leading slash
 * @has_key: System V: whether @key is used; without it, the segment is IPC_PRIVATE
 * @key: System V: the key
 * @size: bytes, at least 1
 * @mode: permission bits (0600 is what the CLI and the app default to)
 * @fill: what the segment holds at first: zeros (allocating nothing), random bytes,
 *   or @message
 * @message: for %SHMLENS_FILL_MESSAGE; %NULL for %SHMLENS_DEFAULT_MESSAGE
 */
typedef struct
{
  ShmlensSegmentKind kind;
  const char *name;
  gboolean has_key;
  gint32 key;
  guint64 size;
  guint mode;
  ShmlensFill fill;
  const char *message;
} ShmlensCreateOptions;

char     *shmlens_created_create   (const ShmlensCreateOptions  *options,
                                    GError                     **error);
gboolean  shmlens_created_is_ours  (ShmlensSegment              *segment);
gboolean  shmlens_created_remove   (const char                  *ref_text,
                                    gboolean                     force,
                                    GError                     **error);

/* A read-write view of a segment Shmlens created, for writer processes. */
typedef struct
{
  guint8 *base;
  guint64 size;
  ShmlensSegmentKind kind;
} ShmlensMapping;

ShmlensMapping *shmlens_created_map   (const char      *ref_text,
                                       GError         **error);
void            shmlens_mapping_free  (ShmlensMapping  *mapping);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmlensMapping, shmlens_mapping_free)

G_END_DECLS
