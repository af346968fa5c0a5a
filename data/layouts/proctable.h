/* SPDX-License-Identifier: GPL-3.0-or-later */
/* proctable.h: a supervisor's table of worker processes, with the heartbeats they write.
 *
 * Each worker writes its own slot (clients[i]) and bumps its heartbeat counter once
 * a second; the supervisor reads every slot and restarts workers whose heartbeat
 * stalls. The lock only guards attaching and detaching. */
#ifndef SHMLENS_EXAMPLE_PROCTABLE_H
#define SHMLENS_EXAMPLE_PROCTABLE_H

#include <stdint.h>
#include <sys/types.h>
#include <pthread.h>
#include <time.h>

#define PROCTABLE_MAX_CLIENTS 16
#define PROCTABLE_COMM_LEN 16           /* as in /proc/PID/comm */
#define PROCTABLE_ARGS_LEN (4 * PROCTABLE_COMM_LEN)
#ifndef PROCTABLE_WITH_STATS
#define PROCTABLE_WITH_STATS 1
#endif

typedef enum
{
  CLIENT_FREE = 0,
  CLIENT_STARTING,
  CLIENT_RUNNING,
  CLIENT_STOPPING,
  CLIENT_CRASHED = 0x80,
} client_state_t;

struct client_permissions
{
  unsigned int can_write : 1;
  unsigned int can_restart : 1;
  unsigned int can_attach : 1;
  unsigned int : 0;                     /* the next field starts a new unit */
  unsigned int priority : 3;
  signed int nice : 5;                  /* -16 to 15 */
};

struct client
{
  pid_t pid;
  uid_t uid;
  client_state_t state;
  struct client_permissions permissions;
  char comm[PROCTABLE_COMM_LEN];
  char args[PROCTABLE_ARGS_LEN];
  volatile uint64_t heartbeat;          /* counts up once a second */
  time_t attached;
  struct timespec last_seen;
#if PROCTABLE_WITH_STATS
  union
  {
    struct
    {
      uint64_t requests;
      uint64_t failures;
    };
    uint64_t counters[2];
  } stats;
#endif
  uint32_t restarts;
};

struct proctable
{
  uint32_t magic;
  uint16_t version;
  uint16_t n_clients;
  pthread_mutex_t lock;                 /* PTHREAD_PROCESS_SHARED */
  pid_t supervisor;
  uint32_t generation;
  struct client clients[PROCTABLE_MAX_CLIENTS];
};

#endif /* SHMLENS_EXAMPLE_PROCTABLE_H */
