/* SPDX-License-Identifier: GPL-3.0-or-later */
/* message.h: a text message rewritten with a sequence number (the "message" writer).
 *
 * The first process of the classic named-shared-memory example writes "Message from
 * first process." into a 256-byte buffer for a second process to read. Here the
 * writer rewrites its message on every step as "TEXT #N", N being `sequence`, so
 * that a viewer sees it change. The block is 256 bytes; in a smaller region the
 * text is cut to fit (it always ends with a NUL). Shmlens's message writer is
 * compiled with this header. */
#ifndef SHMLENS_MESSAGE_H
#define SHMLENS_MESSAGE_H

#include <stdint.h>
#include <sys/types.h>

#define MESSAGE_MAGIC 0x4753454du       /* the bytes "MESG" in a hex dump */
#define MESSAGE_TEXT_LEN 232            /* so that the block is 256 bytes */

struct message
{
  uint32_t magic;                       /* MESSAGE_MAGIC once set up */
  pid_t writer_pid;                     /* the process that wrote the text */
  uint64_t heartbeat;                   /* when it wrote it: CLOCK_MONOTONIC, µs */
  uint64_t sequence;                    /* messages written so far */
  char text[MESSAGE_TEXT_LEN];          /* "Message from first process. #42", NUL-ended,
                                           zeros after */
};

#endif /* SHMLENS_MESSAGE_H */
