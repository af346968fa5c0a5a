/* SPDX-License-Identifier: GPL-3.0-or-later */
/* counters.h: writers that each count in a slot of their own (the "counter" writer).
 *
 * A writer takes the slot it is given: it stores its pid there, then on every step
 * increments its counter and stores the time of the step as its heartbeat. No two
 * writers share a slot, so no increment is lost; race.h is the opposite case, where
 * every writer increments one shared counter. Shmlens's counter writer is compiled
 * with this header, so the structure view shows exactly what it writes. */
#ifndef SHMLENS_COUNTERS_H
#define SHMLENS_COUNTERS_H

#include <stdint.h>
#include <sys/types.h>

#define COUNTERS_MAGIC 0x52544e43u      /* the bytes "CNTR" in a hex dump */
#define COUNTERS_MAX_SLOTS 16

enum counter_state
{
  COUNTER_FREE,                         /* no writer has taken the slot */
  COUNTER_RUNNING,                      /* its writer is counting */
  COUNTER_STOPPED,                      /* its writer has stopped; the numbers stay */
};

struct counter_slot
{
  pid_t pid;                            /* the writer's process id; 0 while free */
  uint32_t state;                       /* enum counter_state */
  uint64_t heartbeat;                   /* when the writer last stepped: CLOCK_MONOTONIC, µs */
  uint64_t counter;                     /* steps the writer made since it took the slot */
};

struct counters
{
  uint32_t magic;                       /* COUNTERS_MAGIC once the first writer set it up */
  uint32_t n_slots;                     /* slots in use: one more than the highest taken */
  struct counter_slot slots[COUNTERS_MAX_SLOTS];
};

#endif /* SHMLENS_COUNTERS_H */
