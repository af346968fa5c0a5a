/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-writer.h: the patterns that demo writer processes run against a segment. */
#pragma once

#include <glib.h>

#include "shmlens-reader.h"

G_BEGIN_DECLS

/**
 * ShmlensWriterPattern:
 * @SHMLENS_WRITER_COUNTER: increments a 64-bit counter in the writer's own slot
 *   (data/layouts/counters.h)
 * @SHMLENS_WRITER_RANDOM: fills its region with random bytes
 * @SHMLENS_WRITER_MESSAGE: writes a text message with a sequence number
 *   (data/layouts/message.h)
 * @SHMLENS_WRITER_WAVE: sine, square and sawtooth values into a small telemetry
 *   struct (data/layouts/wave.h)
 * @SHMLENS_WRITER_RACE: increments one shared counter a number of times, with a
 *   chosen synchronisation (data/layouts/race.h)
 * @SHMLENS_WRITER_RING: a producer appending records to a ring buffer
 *   (data/layouts/ringbuffer.h)
 * @SHMLENS_WRITER_SEQLOCK: updates a multi-word record under a sequence counter
 *   (data/layouts/seqlock.h)
 */
typedef enum
{
  SHMLENS_WRITER_COUNTER,
  SHMLENS_WRITER_RANDOM,
  SHMLENS_WRITER_MESSAGE,
  SHMLENS_WRITER_WAVE,
  SHMLENS_WRITER_RACE,
  SHMLENS_WRITER_RING,
  SHMLENS_WRITER_SEQLOCK,
} ShmlensWriterPattern;

#define SHMLENS_WRITER_N_PATTERNS (SHMLENS_WRITER_SEQLOCK + 1)

/**
 * ShmlensWriterSync:
 * @SHMLENS_WRITER_SYNC_NONE: a plain load, add and store: updates get lost
 * @SHMLENS_WRITER_SYNC_ATOMIC: an atomic fetch-and-add
 * @SHMLENS_WRITER_SYNC_MUTEX: an increment under a process-shared, robust mutex
 *   that lives in the segment
 *
 * How the race pattern increments its shared counter.
 */
typedef enum
{
  SHMLENS_WRITER_SYNC_NONE,
  SHMLENS_WRITER_SYNC_ATOMIC,
  SHMLENS_WRITER_SYNC_MUTEX,
} ShmlensWriterSync;

#define SHMLENS_WRITER_DEFAULT_MESSAGE "Message from first process."

const char *shmlens_writer_pattern_to_string     (ShmlensWriterPattern  pattern);
gboolean    shmlens_writer_pattern_from_string   (const char           *text,
                                                  ShmlensWriterPattern *pattern);
const char *shmlens_writer_sync_to_string        (ShmlensWriterSync     sync);
gboolean    shmlens_writer_sync_from_string      (const char           *text,
                                                  ShmlensWriterSync    *sync);
const char *shmlens_writer_pattern_get_layout    (ShmlensWriterPattern  pattern,
                                                  const char          **type_name);
guint64     shmlens_writer_pattern_get_min_size  (ShmlensWriterPattern  pattern);
guint64     shmlens_writer_pattern_get_alignment (ShmlensWriterPattern  pattern);

/**
 * ShmlensWriterOptions:
 * @pattern: what to write
 * @offset: where the region starts in the mapping; a multiple of
 *   shmlens_writer_pattern_get_alignment()
 * @length: the region's length; 0: the pattern's own size (random and message: to
 *   the end of the segment)
 * @slot: this writer's index among several sharing the region (counter: its slot,
 *   below COUNTERS_MAX_SLOTS; race: its entry in `writers[]` when there is one;
 *   ring: the records' `source`); 0 for a single writer
 * @sync: race only: how to increment
 * @iterations: race: the increments to make, then the writer is done (0: no limit);
 *   the other patterns: the steps to make (0: no limit)
 * @seed: random: the generator's seed (0: a random one); wave: the phase and the
 *   noise (deterministic, 0 included)
 * @message: message: the text (%NULL: %SHMLENS_WRITER_DEFAULT_MESSAGE)
 * @peers: race: how many writers start together. Each waits, once it has joined,
 *   until that many have joined (at most %SHMLENS_WRITER_PEERS_PATIENCE_US), so that
 *   their increments overlap: separate processes start milliseconds apart, and a
 *   million increments take about as long. 0 or 1: no waiting
 */
typedef struct
{
  ShmlensWriterPattern pattern;
  guint64 offset;
  guint64 length;
  guint slot;
  ShmlensWriterSync sync;
  guint64 iterations;
  guint64 seed;
  const char *message;
  guint peers;
} ShmlensWriterOptions;

#define SHMLENS_WRITER_PEERS_PATIENCE_US (10 * G_USEC_PER_SEC)

typedef struct _ShmlensWriter ShmlensWriter;

ShmlensWriter *shmlens_writer_new            (guint8                     *base,
                                              guint64                     size,
                                              const ShmlensWriterOptions *options,
                                              GError                    **error);
void           shmlens_writer_free           (ShmlensWriter              *writer);
void           shmlens_writer_step           (ShmlensWriter              *writer,
                                              gint64                      now_us);
guint64        shmlens_writer_get_iterations (ShmlensWriter              *writer);
gboolean       shmlens_writer_is_done        (ShmlensWriter              *writer);

/* The race pattern makes at most this many increments per step. */
#define SHMLENS_WRITER_RACE_BATCH 65536

/**
 * ShmlensWriterSeqlockRecord:
 * @sequence: the sequence counter as read
 * @value: the record's first word: the update number
 * @words: the four words of the record
 * @checksum: the record's checksum as read
 * @writer_pid: the process that made the last update
 * @heartbeat: when the last update ended (the writer's clock, µs)
 *
 * What a seqlock region held when it was read.
 */
typedef struct
{
  guint64 sequence;
  guint64 value;
  guint64 words[4];
  guint64 checksum;
  gint32 writer_pid;
  guint64 heartbeat;
} ShmlensWriterSeqlockRecord;

gboolean shmlens_writer_seqlock_read            (const guint8               *snapshot,
                                                 guint64                     snapshot_size,
                                                 guint64                     offset,
                                                 ShmlensWriterSeqlockRecord *record,
                                                 gboolean                   *torn);
gboolean shmlens_writer_seqlock_read_consistent (ShmlensReader              *reader,
                                                 guint64                     offset,
                                                 ShmlensWriterSeqlockRecord *record,
                                                 guint                      *n_retries,
                                                 GError                    **error);

void           shmlens_writer_get_owned_range (const ShmlensWriterOptions *options,
                                               guint64                     segment_size,
                                               guint64                    *offset,
                                               guint64                    *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmlensWriter, shmlens_writer_free)

G_END_DECLS
