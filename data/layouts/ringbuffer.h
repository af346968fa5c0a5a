/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ringbuffer.h: a single-producer, single-consumer ring of log records in shared memory.
 *
 * The producer owns `head`, the consumer owns `tail`; each sits on a cache line of
 * its own so that they do not bounce between cores. Records have a fixed size and
 * a packed header, as they are also written to disk as they are.
 *
 * Shmlens's "ring" writer is a producer compiled with this header. With no consumer
 * running it would stop once the ring is full, so when it is, the writer advances
 * `tail` itself (with a compare-and-swap, in case a consumer moves it too), drops the
 * oldest record and counts it in `dropped`: the head visibly chases the tail. */
#ifndef SHMLENS_EXAMPLE_RINGBUFFER_H
#define SHMLENS_EXAMPLE_RINGBUFFER_H

#include <stdint.h>
#include <stddef.h>
#include <stdatomic.h>
#include <sys/types.h>

#define RING_MAGIC 0x474e4952u          /* the bytes "RING" in a hex dump */
#define RING_CACHELINE 64
#define RING_ORDER 5
#define RING_CAPACITY (1u << RING_ORDER)          /* records, a power of two */
#define RING_MASK (RING_CAPACITY - 1)
#define RING_RECORD_SIZE 128
#define RING_PAYLOAD (RING_RECORD_SIZE - sizeof (struct ring_record_header))

enum ring_level
{
  RING_DEBUG,
  RING_INFO,
  RING_WARNING,
  RING_ERROR,
  RING_FATAL,
};

#pragma pack(push, 1)
struct ring_record_header
{
  uint32_t sequence;
  uint64_t timestamp_ns;        /* CLOCK_MONOTONIC */
  uint8_t level : 3;            /* enum ring_level */
  uint8_t truncated : 1;
  uint8_t binary : 1;
  uint8_t : 3;
  uint16_t length;              /* bytes of payload used */
  uint16_t source;
};
#pragma pack(pop)

struct ring_record
{
  struct ring_record_header header;
  char payload[RING_PAYLOAD];
};

struct ring_cursor
{
  _Alignas (RING_CACHELINE) _Atomic uint64_t position;
  uint64_t wraps;
} __attribute__ ((aligned (RING_CACHELINE)));

struct ring_buffer
{
  uint32_t magic;
  uint16_t record_size;
  uint16_t capacity;
  char producer[16];
  pid_t producer_pid;           /* the producer's process id */
  uint64_t heartbeat;           /* when it last appended: CLOCK_MONOTONIC, µs */
  struct ring_cursor head;      /* written by the producer only */
  struct ring_cursor tail;      /* written by the consumer (and see above) */
  atomic_uint dropped;          /* records overwritten before the consumer took them */
  struct ring_record records[RING_CAPACITY];
};

_Static_assert (sizeof (struct ring_record) == RING_RECORD_SIZE, "records are 128 bytes");
_Static_assert (offsetof (struct ring_buffer, head) % RING_CACHELINE == 0, "head has its line");

static inline uint32_t
ring_index (uint64_t position)
{
  return (uint32_t) (position & RING_MASK);
}

#endif /* SHMLENS_EXAMPLE_RINGBUFFER_H */
