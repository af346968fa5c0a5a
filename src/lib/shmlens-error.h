/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-error.h: the error domain for failures no GIOError code describes. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SHMLENS_ERROR (shmlens_error_quark ())

/**
 * ShmlensError:
 * @SHMLENS_ERROR_INVALID_REF: a segment reference could not be parsed
 * @SHMLENS_ERROR_NOT_REGULAR: the object is not a regular file (FIFO, device, symlink…)
 * @SHMLENS_ERROR_WOULD_DESTROY: reading would destroy the segment (System V with
 *   kernel.shm_rmid_forced=1 and no attachment)
 * @SHMLENS_ERROR_UNSUPPORTED: the operation is not possible for this kind of segment
 * @SHMLENS_ERROR_PARSE: a kernel interface printed something we do not understand
 * @SHMLENS_ERROR_REMOVED: the segment no longer exists
 * @SHMLENS_ERROR_WRONG_KIND: what the reference points at exists but is not a
 *   segment of the kind it names (a descriptor that is not a memfd, …)
 * @SHMLENS_ERROR_NOT_OURS: Shmlens did not create the segment, so it neither writes
 *   into it nor removes it (unless forced)
 */
typedef enum
{
  SHMLENS_ERROR_INVALID_REF,
  SHMLENS_ERROR_NOT_REGULAR,
  SHMLENS_ERROR_WOULD_DESTROY,
  SHMLENS_ERROR_UNSUPPORTED,
  SHMLENS_ERROR_PARSE,
  SHMLENS_ERROR_REMOVED,
  SHMLENS_ERROR_WRONG_KIND,
  SHMLENS_ERROR_NOT_OURS,
} ShmlensError;

GQuark shmlens_error_quark (void);

G_END_DECLS
