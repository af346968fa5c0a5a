/* SPDX-License-Identifier: GPL-3.0-or-later */
/* race.h: writers incrementing one shared counter, to show lost updates (the "race" writer).
 *
 * Every writer makes `iterations` increments of `counter`, in one of three ways
 * (enum race_sync): a plain load, add and store (two writers on two cores overwrite
 * each other's increments), an atomic fetch-and-add, or a plain increment under
 * `lock`. When every writer is done, `expected - counter` is the number of updates
 * that were lost: zero with atomic or mutex, usually many without.
 *
 * The first writer sets the block up: it moves `init_state` from RACE_UNINITIALISED
 * to RACE_INITIALISING with a compare-and-swap, initialises the mutex, then stores
 * RACE_READY; writers that start at the same time wait for RACE_READY, so the mutex
 * is initialised exactly once. The mutex is robust: when a writer dies holding it,
 * the next one to lock it is told (EOWNERDEAD), marks it consistent and counts
 * `owners_died`. Shmlens's race writer is compiled with this header. */
#ifndef SHMLENS_RACE_H
#define SHMLENS_RACE_H

#include <stdint.h>
#include <sys/types.h>
#include <pthread.h>

#define RACE_MAGIC 0x45434152u          /* the bytes "RACE" in a hex dump */
#define RACE_MAX_WRITERS 16

enum race_init_state
{
  RACE_UNINITIALISED,                   /* (or anything else but the next two) */
  RACE_INITIALISING,                    /* a writer is setting the block up */
  RACE_READY,                           /* set up: writers may join */
};

enum race_sync
{
  RACE_SYNC_NONE,                       /* volatile load, add, store: not atomic */
  RACE_SYNC_ATOMIC,                     /* __atomic_fetch_add */
  RACE_SYNC_MUTEX,                      /* ++counter with `lock` held */
};

struct race_writer
{
  pid_t pid;                            /* the writer's process id; 0: slot never used */
  uint32_t sync;                        /* enum race_sync: how it increments */
  uint64_t heartbeat;                   /* when it last finished a batch: CLOCK_MONOTONIC, µs */
  uint64_t iterations;                  /* increments it was asked to make; 0: no limit */
  uint64_t made;                        /* increments it has made so far */
  uint32_t done;                        /* 1 once it made all its iterations */
  uint32_t reserved;
};

struct race
{
  uint32_t magic;                       /* RACE_MAGIC once set up */
  uint32_t init_state;                  /* enum race_init_state, moved by compare-and-swap */
  uint64_t counter;                     /* the shared counter every writer increments */
  uint64_t expected;                    /* increments made by all writers: the counter
                                           without lost updates */
  uint64_t target;                      /* increments all writers were asked to make */
  pid_t initialised_by;                 /* the writer that set the block up */
  uint32_t n_writers;                   /* writers that joined */
  uint32_t n_done;                      /* writers that made all their iterations */
  uint32_t owners_died;                 /* times a writer died holding `lock` */
  pthread_mutex_t lock;                 /* PTHREAD_PROCESS_SHARED, PTHREAD_MUTEX_ROBUST */
  struct race_writer writers[RACE_MAX_WRITERS]; /* indexed by the writer's slot */
};

#endif /* SHMLENS_RACE_H */
