/* SPDX-License-Identifier: GPL-3.0-or-later */
/* seqlock.h: a multi-word record updated under a sequence counter (the "seqlock" writer).
 *
 * An update makes `sequence` odd, writes the record, then makes `sequence` even
 * again. Update u (counting from 1) stores u in all four words and
 * SEQLOCK_CHECKSUM (u) in `checksum`, and leaves `sequence` at 2u. A reader copies
 * `sequence`, the record and `sequence` again, and keeps the copy only when both
 * were the same even number; a copy taken any other way may be torn, which shows
 * as words that differ or a checksum that does not match. Writers take the odd
 * value with a compare-and-swap, so several may share one record. Shmlens's seqlock
 * writer is compiled with this header. */
#ifndef SHMLENS_SEQLOCK_H
#define SHMLENS_SEQLOCK_H

#include <stdint.h>
#include <sys/types.h>

#define SEQLOCK_MAGIC 0x4b4c5153u       /* the bytes "SQLK" in a hex dump */
#define SEQLOCK_CHECKSUM(u) ((uint64_t) (u) * 0x9e3779b97f4a7c15ull)

struct seqlock_record
{
  uint64_t a;                           /* the update number u */
  uint64_t b;                           /* u again */
  uint64_t c;                           /* u again */
  uint64_t d;                           /* u again */
  uint64_t checksum;                    /* SEQLOCK_CHECKSUM (u) */
};

struct seqlock
{
  uint32_t magic;                       /* SEQLOCK_MAGIC once set up */
  pid_t writer_pid;                     /* the process that made the last update */
  uint64_t sequence;                    /* odd while an update is under way; 2u after update u */
  uint64_t heartbeat;                   /* when the last update ended: CLOCK_MONOTONIC, µs */
  struct seqlock_record record;
};

#endif /* SHMLENS_SEQLOCK_H */
