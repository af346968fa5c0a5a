/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-writer.c: the patterns that demo writer processes run against a segment.
 *
 * Every pattern but random writes a struct declared in a header under data/layouts,
 * and this file includes those headers: the layout the structure view applies is the
 * one the writer was compiled with, so the two cannot drift apart.
 *
 * Several processes may run writers on one region. The first to arrive sets the
 * region up; the others must neither set it up again (that would wipe what the first
 * wrote, or re-initialise a mutex someone holds) nor use it half set up. So a state
 * word moves by compare-and-swap from "anything else" to "initialising" and, once the
 * region is ready, to "ready" with a release store; latecomers wait for "ready". In
 * race.h the state word is `init_state`; the other headers use their magic word,
 * with the magic's complement meaning "initialising".
 *
 * Nothing is ever written outside [offset, offset + length): the patterns with a
 * struct write within it, and the region is checked to hold it. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "data/layouts/counters.h"
#include "data/layouts/message.h"
#include "data/layouts/race.h"
#include "data/layouts/ringbuffer.h"
#include "data/layouts/seqlock.h"
#include "data/layouts/wave.h"

#include "shmlens-writer.h"

/* Random bytes need one byte; a message needs room for a few characters of text. */
#define RANDOM_MIN_SIZE 1
#define MESSAGE_MIN_TEXT 32
/* How long a writer waits for another to finish setting a region up. Setting up
 * takes microseconds: a wait this long means the other writer died halfway. */
#define INIT_TIMEOUT_US (5 * G_USEC_PER_SEC)
/* A seqlock left odd this long belongs to a writer that died during an update: the
 * next writer takes the update over rather than wait forever. */
#define SEQLOCK_STUCK_US (2 * G_USEC_PER_SEC)
/* How many times shmlens_writer_seqlock_read_consistent() reads before giving up. */
#define SEQLOCK_MAX_READS 100000

/* The protocol needs the state word where the code expects it: the set-up zeroes
 * everything else. */
G_STATIC_ASSERT (offsetof (struct counters, magic) == 0);
G_STATIC_ASSERT (offsetof (struct message, magic) == 0);
G_STATIC_ASSERT (offsetof (struct wave, magic) == 0);
G_STATIC_ASSERT (offsetof (struct seqlock, magic) == 0);
G_STATIC_ASSERT (offsetof (struct ring_buffer, magic) == 0);
G_STATIC_ASSERT (offsetof (struct race, init_state) == sizeof (guint32));
G_STATIC_ASSERT ((int) SHMLENS_WRITER_SYNC_NONE == RACE_SYNC_NONE);
G_STATIC_ASSERT ((int) SHMLENS_WRITER_SYNC_ATOMIC == RACE_SYNC_ATOMIC);
G_STATIC_ASSERT ((int) SHMLENS_WRITER_SYNC_MUTEX == RACE_SYNC_MUTEX);
G_STATIC_ASSERT (sizeof (struct message) == 256);

typedef struct
{
  const char *name;
  const char *layout;           /* a file under data/layouts; NULL: none */
  const char *type_name;
  guint64 min_size;
  guint64 own_size;             /* what length 0 means; 0: to the end of the segment */
  guint64 alignment;
} PatternInfo;

static const PatternInfo pattern_info[] = {
  [SHMLENS_WRITER_COUNTER] = { "counter", "counters.h", "struct counters",
                               sizeof (struct counters), sizeof (struct counters),
                               _Alignof (struct counters) },
  [SHMLENS_WRITER_RANDOM] = { "random", NULL, NULL, RANDOM_MIN_SIZE, 0, 1 },
  [SHMLENS_WRITER_MESSAGE] = { "message", "message.h", "struct message",
                               offsetof (struct message, text) + MESSAGE_MIN_TEXT, 0,
                               _Alignof (struct message) },
  [SHMLENS_WRITER_WAVE] = { "wave", "wave.h", "struct wave",
                            sizeof (struct wave), sizeof (struct wave),
                            _Alignof (struct wave) },
  [SHMLENS_WRITER_RACE] = { "race", "race.h", "struct race",
                            sizeof (struct race), sizeof (struct race),
                            _Alignof (struct race) },
  [SHMLENS_WRITER_RING] = { "ring", "ringbuffer.h", "struct ring_buffer",
                            sizeof (struct ring_buffer), sizeof (struct ring_buffer),
                            _Alignof (struct ring_buffer) },
  [SHMLENS_WRITER_SEQLOCK] = { "seqlock", "seqlock.h", "struct seqlock",
                               sizeof (struct seqlock), sizeof (struct seqlock),
                               _Alignof (struct seqlock) },
};

G_STATIC_ASSERT (G_N_ELEMENTS (pattern_info) == SHMLENS_WRITER_N_PATTERNS);

static const char * const sync_names[] = {
  [SHMLENS_WRITER_SYNC_NONE] = "none",
  [SHMLENS_WRITER_SYNC_ATOMIC] = "atomic",
  [SHMLENS_WRITER_SYNC_MUTEX] = "mutex",
};

struct _ShmlensWriter
{
  ShmlensWriterOptions options;
  char *message;                /* options.message points here */
  guint8 *region;
  guint64 length;               /* of the region */
  pid_t pid;
  guint64 iterations;

  guint64 random_state;         /* random */
  guint64 next_sample;          /* wave */
  guint32 phase;                /* wave */
  gboolean have_race_slot;      /* race: whether writers[slot] exists */
};

/* ---- names ---- */

static gboolean
pattern_is_valid (ShmlensWriterPattern pattern)
{
  return (guint) pattern < SHMLENS_WRITER_N_PATTERNS;
}

/**
 * shmlens_writer_pattern_to_string:
 * @pattern: a pattern
 *
 * Returns: the pattern's name as the CLI spells it: "counter", "random", "message",
 *   "wave", "race", "ring" or "seqlock"
 */
const char *
shmlens_writer_pattern_to_string (ShmlensWriterPattern pattern)
{
  g_return_val_if_fail (pattern_is_valid (pattern), NULL);

  return pattern_info[pattern].name;
}

/**
 * shmlens_writer_pattern_from_string:
 * @text: a pattern's name
 * @pattern: (out): where to store the pattern
 *
 * Returns: whether @text names a pattern
 */
gboolean
shmlens_writer_pattern_from_string (const char           *text,
                                    ShmlensWriterPattern *pattern)
{
  g_return_val_if_fail (pattern != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (pattern_info); i++)
    if (g_str_equal (text, pattern_info[i].name))
      {
        *pattern = (ShmlensWriterPattern) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * shmlens_writer_sync_to_string:
 * @sync: a synchronisation
 *
 * Returns: "none", "atomic" or "mutex"
 */
const char *
shmlens_writer_sync_to_string (ShmlensWriterSync sync)
{
  g_return_val_if_fail ((guint) sync < G_N_ELEMENTS (sync_names), NULL);

  return sync_names[sync];
}

/**
 * shmlens_writer_sync_from_string:
 * @text: a synchronisation's name
 * @sync: (out): where to store it
 *
 * Returns: whether @text names a synchronisation
 */
gboolean
shmlens_writer_sync_from_string (const char        *text,
                                 ShmlensWriterSync *sync)
{
  g_return_val_if_fail (sync != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (sync_names); i++)
    if (g_str_equal (text, sync_names[i]))
      {
        *sync = (ShmlensWriterSync) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * shmlens_writer_pattern_get_layout:
 * @pattern: a pattern
 * @type_name: (out) (optional): the type in the header that describes the region,
 *   such as "struct counters"; %NULL for random
 *
 * The header this library's writer was compiled with, for the structure view.
 *
 * Returns: (nullable): the header's file name under data/layouts ("counters.h"), or
 *   %NULL for random, which has no structure
 */
const char *
shmlens_writer_pattern_get_layout (ShmlensWriterPattern   pattern,
                                   const char           **type_name)
{
  g_return_val_if_fail (pattern_is_valid (pattern), NULL);

  if (type_name != NULL)
    *type_name = pattern_info[pattern].type_name;
  return pattern_info[pattern].layout;
}

/**
 * shmlens_writer_pattern_get_min_size:
 * @pattern: a pattern
 *
 * Returns: the bytes a region must have at least: the size of the pattern's struct,
 *   or a small minimum for random and message (which fill what they are given)
 */
guint64
shmlens_writer_pattern_get_min_size (ShmlensWriterPattern pattern)
{
  g_return_val_if_fail (pattern_is_valid (pattern), 0);

  return pattern_info[pattern].min_size;
}

/**
 * shmlens_writer_pattern_get_alignment:
 * @pattern: a pattern
 *
 * Returns: what the region's offset must be a multiple of: the alignment of the
 *   pattern's struct (64 for ring, whose cursors have cache lines of their own; 1 for
 *   random)
 */
guint64
shmlens_writer_pattern_get_alignment (ShmlensWriterPattern pattern)
{
  g_return_val_if_fail (pattern_is_valid (pattern), 1);

  return pattern_info[pattern].alignment;
}

/* ---- the region ---- */

/* "4096 bytes", for the messages that say a size among other numbers */
static char *
bytes_text (guint64 bytes)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%llu byte", "%llu bytes", bytes),
                          (unsigned long long) bytes);
}

static gboolean
check_region (ShmlensWriter              *self,
              guint8                     *base,
              guint64                     size,
              const ShmlensWriterOptions *options,
              GError                    **error)
{
  const PatternInfo *info = &pattern_info[options->pattern];
  g_autofree char *size_text = bytes_text (size);
  guint64 available;

  /* In the messages below, the writer is named by its pattern, as --pattern spells
   * it: not translated. */
  if (options->offset > size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: the pattern's name (counter, race…: not translated),
                    * an offset and the segment's size (“4096 bytes”) */
                   _("The %s writer's region starts at offset %llu, past the end of the "
                     "segment (%s). Choose a smaller offset or create a larger segment."),
                   info->name, (unsigned long long) options->offset, size_text);
      return FALSE;
    }
  available = size - options->offset;

  /* The structs hold atomics and a mutex: they must be aligned. (The mapping starts
   * on a page, so this is about the offset.) */
  if ((guintptr) (base + options->offset) % info->alignment != 0)
    {
      g_autofree char *alignment_text = bytes_text (info->alignment);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: the pattern's name (not translated), the alignment
                    * (“8 bytes”), the offset given and the segment's size (“4096
                    * bytes”) */
                   _("The %s writer's region must start at a multiple of %s: offset %llu "
                     "(in the segment of %s) does not."),
                   info->name, alignment_text, (unsigned long long) options->offset,
                   size_text);
      return FALSE;
    }

  if (options->length == 0 && info->own_size > available)
    {
      g_autofree char *needed_text = bytes_text (info->own_size);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: the pattern's name (not translated), the size its
                    * region needs (“4096 bytes”), the offset given, the segment's size
                    * (“4096 bytes”) and the bytes left from the offset */
                   _("The %s writer needs %s from offset %llu, but the segment (%s) has "
                     "only %llu there. Choose a smaller offset or create a larger segment."),
                   info->name, needed_text, (unsigned long long) options->offset, size_text,
                   (unsigned long long) available);
      return FALSE;
    }
  if (options->length > available)
    {
      g_autofree char *length_text = bytes_text (options->length);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: the pattern's name (not translated), the offset and
                    * the length given (“64 bytes”) and the segment's size (“4096 bytes”) */
                   _("The %s writer's region (offset %llu, %s) ends past the end of the "
                     "segment (%s). Choose a smaller offset or length, or create a larger "
                     "segment."),
                   info->name, (unsigned long long) options->offset, length_text, size_text);
      return FALSE;
    }

  self->length = options->length != 0 ? options->length
                 : info->own_size != 0 ? info->own_size
                 : available;
  if (self->length < info->min_size)
    {
      g_autofree char *needed_text = bytes_text (info->min_size);
      g_autofree char *length_text = bytes_text (self->length);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: the pattern's name (not translated), the least size
                    * its region needs (“24 bytes”), the region's offset and length (“16
                    * bytes”) and the segment's size (“4096 bytes”) */
                   _("The %s writer needs at least %s, but its region (offset %llu, %s) in "
                     "the segment of %s is smaller. Give it a longer region or create a "
                     "larger segment."),
                   info->name, needed_text, (unsigned long long) options->offset, length_text,
                   size_text);
      return FALSE;
    }

  self->region = base + options->offset;

  return TRUE;
}

/* Takes part in setting a region up (see the top of the file). @state moves from
 * anything but @busy and @ready to @busy by compare-and-swap; the writer that moves
 * it is the first (*first = TRUE) and must store @ready with release_region() once
 * the region is ready. @magic_word, when given, must also hold @magic for @ready to
 * count: a stray @ready in garbage then still gets the region set up. */
static gboolean
claim_region (ShmlensWriter  *self,
              guint32        *state,
              guint32         ready,
              guint32         busy,
              const guint32  *magic_word,
              guint32         magic,
              gboolean       *first,
              GError        **error)
{
  gint64 deadline = g_get_monotonic_time () + INIT_TIMEOUT_US;

  for (;;)
    {
      guint32 seen = __atomic_load_n (state, __ATOMIC_ACQUIRE);

      if (seen == ready &&
          (magic_word == NULL || __atomic_load_n (magic_word, __ATOMIC_RELAXED) == magic))
        {
          *first = FALSE;
          return TRUE;
        }
      if (seen != busy)
        {
          if (__atomic_compare_exchange_n (state, &seen, busy, FALSE,
                                           __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE))
            {
              *first = TRUE;
              return TRUE;
            }
          continue;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *length_text = bytes_text (self->length);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       /* Translators: the pattern's name (counter, race…: not
                        * translated), the region's offset and length (“64 bytes”) and the
                        * seconds waited */
                       _("Another writer began setting up the %s region (offset %llu, %s) "
                         "and has not finished in %d s: it probably died halfway. Create "
                         "the segment again."),
                       pattern_info[self->options.pattern].name,
                       (unsigned long long) self->options.offset, length_text,
                       (int) (INIT_TIMEOUT_US / G_USEC_PER_SEC));
          return FALSE;
        }
      g_usleep (100);
    }
}

static void
release_region (guint32 *state,
                guint32  ready)
{
  __atomic_store_n (state, ready, __ATOMIC_RELEASE);
}

/* Zeroes @size bytes from @start but the 32-bit state word at @state_offset, which
 * the other writers are watching. */
static void
zero_but_state (guint8 *start,
                gsize   size,
                gsize   state_offset)
{
  memset (start, 0, state_offset);
  memset (start + state_offset + sizeof (guint32), 0, size - state_offset - sizeof (guint32));
}

/* SplitMix64: fast, and the same numbers from the same seed everywhere. */
static inline guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* ---- counter ---- */

static gboolean
counter_start (ShmlensWriter  *self,
               GError        **error)
{
  struct counters *counters = (struct counters *) self->region;
  struct counter_slot *slot;
  guint32 n_slots;
  gboolean first;

  if (self->options.slot >= COUNTERS_MAX_SLOTS)
    {
      g_autofree char *length_text = bytes_text (self->length);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: the slot asked for, the region's offset and length
                    * (“4096 bytes”) and its last slot */
                   _("The counter writer cannot take slot %u: the counters region (offset "
                     "%llu, %s) has slots 0 to %u."),
                   self->options.slot, (unsigned long long) self->options.offset,
                   length_text, COUNTERS_MAX_SLOTS - 1);
      return FALSE;
    }
  if (!claim_region (self, &counters->magic, COUNTERS_MAGIC, ~COUNTERS_MAGIC, NULL, 0,
                     &first, error))
    return FALSE;
  if (first)
    {
      zero_but_state (self->region, sizeof *counters, 0);
      release_region (&counters->magic, COUNTERS_MAGIC);
    }

  slot = &counters->slots[self->options.slot];
  __atomic_store_n (&slot->counter, 0, __ATOMIC_RELAXED);
  __atomic_store_n (&slot->heartbeat, 0, __ATOMIC_RELAXED);
  __atomic_store_n (&slot->pid, self->pid, __ATOMIC_RELAXED);
  __atomic_store_n (&slot->state, COUNTER_RUNNING, __ATOMIC_RELEASE);

  n_slots = __atomic_load_n (&counters->n_slots, __ATOMIC_RELAXED);
  while (n_slots <= self->options.slot &&
         !__atomic_compare_exchange_n (&counters->n_slots, &n_slots, self->options.slot + 1,
                                       FALSE, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
    ;
  return TRUE;
}

static void
counter_step (ShmlensWriter *self,
              gint64         now_us)
{
  struct counter_slot *slot = &((struct counters *) self->region)->slots[self->options.slot];

  __atomic_fetch_add (&slot->counter, 1, __ATOMIC_RELAXED);
  __atomic_store_n (&slot->heartbeat, (guint64) now_us, __ATOMIC_RELEASE);
}

static void
counter_stop (ShmlensWriter *self)
{
  struct counter_slot *slot = &((struct counters *) self->region)->slots[self->options.slot];
  pid_t pid = self->pid;

  /* unless another writer took the slot over since */
  if (__atomic_load_n (&slot->pid, __ATOMIC_RELAXED) == pid)
    __atomic_store_n (&slot->state, COUNTER_STOPPED, __ATOMIC_RELEASE);
}

/* ---- random ---- */

static void
random_step (ShmlensWriter *self)
{
  guint8 *p = self->region;
  guint64 n = self->length;
  guint64 value;

  for (; n >= sizeof value; p += sizeof value, n -= sizeof value)
    {
      value = splitmix64 (&self->random_state);
      memcpy (p, &value, sizeof value);
    }
  if (n > 0)
    {
      value = splitmix64 (&self->random_state);
      memcpy (p, &value, n);
    }
}

/* ---- message ---- */

static gboolean
message_start (ShmlensWriter  *self,
               GError        **error)
{
  struct message *message = (struct message *) self->region;
  gboolean first;

  if (!claim_region (self, &message->magic, MESSAGE_MAGIC, ~MESSAGE_MAGIC, NULL, 0,
                     &first, error))
    return FALSE;
  if (first)
    {
      zero_but_state (self->region, MIN (self->length, sizeof *message), 0);
      release_region (&message->magic, MESSAGE_MAGIC);
    }
  return TRUE;
}

static void
message_step (ShmlensWriter *self,
              gint64         now_us)
{
  struct message *message = (struct message *) self->region;
  gsize capacity = MIN (self->length, sizeof *message) - offsetof (struct message, text);
  guint64 sequence = __atomic_load_n (&message->sequence, __ATOMIC_RELAXED) + 1;
  char suffix[32];
  gsize suffix_length = g_snprintf (suffix, sizeof suffix, " #%" G_GUINT64_FORMAT, sequence);
  gsize length = strlen (self->message);

  /* The number matters more than the end of a long text: cut the text, between two
   * UTF-8 characters, so that the number and the NUL fit. */
  g_assert (capacity > suffix_length);
  if (length > capacity - suffix_length - 1)
    {
      length = capacity - suffix_length - 1;
      while (length > 0 && ((guchar) self->message[length] & 0xc0) == 0x80)
        length--;
    }
  memcpy (message->text, self->message, length);
  memcpy (message->text + length, suffix, suffix_length);
  memset (message->text + length + suffix_length, 0, capacity - length - suffix_length);

  __atomic_store_n (&message->writer_pid, self->pid, __ATOMIC_RELAXED);
  __atomic_store_n (&message->sequence, sequence, __ATOMIC_RELEASE);
  __atomic_store_n (&message->heartbeat, (guint64) now_us, __ATOMIC_RELEASE);
}

/* ---- wave ---- */

static gboolean
wave_start (ShmlensWriter  *self,
            GError        **error)
{
  struct wave *wave = (struct wave *) self->region;
  gboolean first;

  if (!claim_region (self, &wave->magic, WAVE_MAGIC, ~WAVE_MAGIC, NULL, 0, &first, error))
    return FALSE;
  self->phase = self->options.seed % WAVE_PERIOD;
  if (first)
    {
      zero_but_state (self->region, sizeof *wave, 0);
      wave->period = WAVE_PERIOD;
      wave->phase = self->phase;
      release_region (&wave->magic, WAVE_MAGIC);
      self->next_sample = 0;
    }
  else
    {
      self->next_sample = __atomic_load_n (&wave->sample, __ATOMIC_ACQUIRE) + 1;
    }
  return TRUE;
}

static void
wave_step (ShmlensWriter *self,
           gint64         now_us)
{
  struct wave *wave = (struct wave *) self->region;
  guint64 n = self->next_sample++;
  guint k = (guint) ((n + self->phase) % WAVE_PERIOD);
  guint64 noise_state = self->options.seed ^ (n * G_GUINT64_CONSTANT (0xd1b54a32d192ed03));
  double noise = ((double) (splitmix64 (&noise_state) >> 11) / (double) (G_GUINT64_CONSTANT (1) << 53)
                  * 2.0 - 1.0) * WAVE_NOISE;
  double sine = WAVE_AMPLITUDE * sin (2.0 * G_PI * k / WAVE_PERIOD);

  wave->writer_pid = self->pid;
  wave->period = WAVE_PERIOD;
  wave->phase = self->phase;
  wave->sine = sine;
  wave->sawtooth = (float) (-WAVE_AMPLITUDE + 2.0 * WAVE_AMPLITUDE * k / WAVE_PERIOD);
  wave->square = k < WAVE_PERIOD / 2 ? WAVE_AMPLITUDE : -WAVE_AMPLITUDE;
  wave->noisy_sine = (float) (sine + noise);
  __atomic_store_n (&wave->sample, n, __ATOMIC_RELEASE);
  __atomic_store_n (&wave->heartbeat, (guint64) now_us, __ATOMIC_RELEASE);
}

/* ---- race ---- */

static gboolean
race_start (ShmlensWriter  *self,
            GError        **error)
{
  struct race *race = (struct race *) self->region;
  gboolean first;

  if (!claim_region (self, &race->init_state, RACE_READY, RACE_INITIALISING,
                     &race->magic, RACE_MAGIC, &first, error))
    return FALSE;
  if (first)
    {
      pthread_mutexattr_t attributes;
      int result;

      zero_but_state (self->region, sizeof *race, offsetof (struct race, init_state));
      pthread_mutexattr_init (&attributes);
      pthread_mutexattr_setpshared (&attributes, PTHREAD_PROCESS_SHARED);
      pthread_mutexattr_setrobust (&attributes, PTHREAD_MUTEX_ROBUST);
      result = pthread_mutex_init (&race->lock, &attributes);
      pthread_mutexattr_destroy (&attributes);
      if (result != 0)
        {
          release_region (&race->init_state, RACE_UNINITIALISED);
          g_autofree char *length_text = bytes_text (self->length);

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (result),
                       /* Translators: the region's offset and length (“64 bytes”), and
                        * the system's error message */
                       _("Cannot set up the race region (offset %llu, %s): its mutex: %s"),
                       (unsigned long long) self->options.offset, length_text,
                       g_strerror (result));
          return FALSE;
        }
      race->initialised_by = self->pid;
      race->magic = RACE_MAGIC;
      release_region (&race->init_state, RACE_READY);
    }

  self->have_race_slot = self->options.slot < RACE_MAX_WRITERS;
  if (self->have_race_slot)
    {
      struct race_writer *entry = &race->writers[self->options.slot];

      __atomic_store_n (&entry->made, 0, __ATOMIC_RELAXED);
      __atomic_store_n (&entry->done, 0, __ATOMIC_RELAXED);
      __atomic_store_n (&entry->heartbeat, 0, __ATOMIC_RELAXED);
      __atomic_store_n (&entry->iterations, self->options.iterations, __ATOMIC_RELAXED);
      __atomic_store_n (&entry->sync, (guint32) self->options.sync, __ATOMIC_RELAXED);
      __atomic_store_n (&entry->pid, self->pid, __ATOMIC_RELEASE);
    }
  __atomic_fetch_add (&race->target, self->options.iterations, __ATOMIC_RELAXED);
  __atomic_fetch_add (&race->n_writers, 1, __ATOMIC_RELEASE);

  /* The start line: every peer joined, or the patience is out (a peer that failed to
   * start must not hold the others forever). */
  if (self->options.peers > 1)
    {
      gint64 deadline = g_get_monotonic_time () + SHMLENS_WRITER_PEERS_PATIENCE_US;

      while (__atomic_load_n (&race->n_writers, __ATOMIC_ACQUIRE) < self->options.peers &&
             g_get_monotonic_time () < deadline)
        sched_yield ();
    }
  return TRUE;
}

/* Locks the robust mutex; when its owner died holding it, takes the lock over. */
static gboolean
race_lock (struct race *race)
{
  int result = pthread_mutex_lock (&race->lock);

  if (result == EOWNERDEAD)
    {
      /* The counter is whole: a dead owner either stored its increment or did not. */
      __atomic_fetch_add (&race->owners_died, 1, __ATOMIC_RELAXED);
      result = pthread_mutex_consistent (&race->lock);
    }
  if (result != 0)
    {
      g_warning_once ("Cannot lock the race region's mutex: %s", g_strerror (result));
      return FALSE;
    }
  return TRUE;
}

static void
race_step (ShmlensWriter *self,
           gint64         now_us)
{
  struct race *race = (struct race *) self->region;
  guint64 batch = SHMLENS_WRITER_RACE_BATCH;
  guint64 made = 0;

  if (self->options.iterations != 0)
    batch = MIN (batch, self->options.iterations - self->iterations);

  switch (self->options.sync)
    {
    case SHMLENS_WRITER_SYNC_NONE:
      {
        /* A load, an add and a store: another process's increment between the load
         * and the store is overwritten. volatile keeps the compiler from folding the
         * loop into one addition. */
        volatile guint64 *counter = &race->counter;

        for (made = 0; made < batch; made++)
          *counter = *counter + 1;
      }
      break;
    case SHMLENS_WRITER_SYNC_ATOMIC:
      for (made = 0; made < batch; made++)
        __atomic_fetch_add (&race->counter, 1, __ATOMIC_RELAXED);
      break;
    case SHMLENS_WRITER_SYNC_MUTEX:
      {
        volatile guint64 *counter = &race->counter;

        for (made = 0; made < batch; made++)
          {
            if (!race_lock (race))
              break;
            *counter = *counter + 1;
            pthread_mutex_unlock (&race->lock);
          }
      }
      break;
    default:
      g_assert_not_reached ();
    }

  self->iterations += made;
  __atomic_fetch_add (&race->expected, made, __ATOMIC_RELAXED);
  if (self->have_race_slot)
    {
      struct race_writer *entry = &race->writers[self->options.slot];

      __atomic_fetch_add (&entry->made, made, __ATOMIC_RELAXED);
      __atomic_store_n (&entry->heartbeat, (guint64) now_us, __ATOMIC_RELAXED);
      if (shmlens_writer_is_done (self))
        __atomic_store_n (&entry->done, 1, __ATOMIC_RELEASE);
    }
  if (shmlens_writer_is_done (self))
    __atomic_fetch_add (&race->n_done, 1, __ATOMIC_RELEASE);
}

/* ---- ring ---- */

static gboolean
ring_start (ShmlensWriter  *self,
            GError        **error)
{
  struct ring_buffer *ring = (struct ring_buffer *) self->region;
  gboolean first;

  if (!claim_region (self, &ring->magic, RING_MAGIC, ~RING_MAGIC, NULL, 0, &first, error))
    return FALSE;
  if (first)
    {
      zero_but_state (self->region, sizeof *ring, 0);
      ring->record_size = RING_RECORD_SIZE;
      ring->capacity = RING_CAPACITY;
      atomic_init (&ring->head.position, 0);
      atomic_init (&ring->tail.position, 0);
      atomic_init (&ring->dropped, 0);
      release_region (&ring->magic, RING_MAGIC);
    }
  memset (ring->producer, 0, sizeof ring->producer);
  g_snprintf (ring->producer, sizeof ring->producer, "pid %d", (int) self->pid);
  __atomic_store_n (&ring->producer_pid, self->pid, __ATOMIC_RELEASE);
  return TRUE;
}

static void
ring_step (ShmlensWriter *self,
           gint64         now_us)
{
  struct ring_buffer *ring = (struct ring_buffer *) self->region;
  guint64 head = atomic_load_explicit (&ring->head.position, memory_order_relaxed);
  guint64 tail = atomic_load_explicit (&ring->tail.position, memory_order_acquire);
  struct ring_record record;
  int length;

  /* Make room: with no consumer, or a slow one, drop the oldest record. A consumer
   * may move the tail at the same time, hence the compare-and-swap. */
  for (;;)
    {
      guint64 new_tail;

      if (tail > head)
        new_tail = head;        /* a tail past the head: call the ring empty */
      else if (head - tail >= RING_CAPACITY)
        new_tail = head - RING_CAPACITY + 1;
      else
        break;
      if (atomic_compare_exchange_strong_explicit (&ring->tail.position, &tail, new_tail,
                                                   memory_order_acq_rel,
                                                   memory_order_acquire))
        {
          if (new_tail > tail)
            atomic_fetch_add_explicit (&ring->dropped, (unsigned) (new_tail - tail),
                                       memory_order_relaxed);
          ring->tail.wraps = new_tail >> RING_ORDER;
          break;
        }
    }

  /* The record is made aside and copied in one go, so that a viewer sees the old
   * record or the new one, rarely a mix. */
  memset (&record, 0, sizeof record);
  record.header.sequence = (uint32_t) head;
  record.header.timestamp_ns = (uint64_t) now_us * 1000;
  record.header.level = head % 4;       /* debug, info, warning, error */
  record.header.source = (uint16_t) self->options.slot;
  length = g_snprintf (record.payload, sizeof record.payload,
                       "record %" G_GUINT64_FORMAT " from pid %d", head, (int) self->pid);
  record.header.length = (uint16_t) MIN ((gsize) length, sizeof record.payload - 1);
  memcpy (&ring->records[ring_index (head)], &record, sizeof record);

  atomic_store_explicit (&ring->head.position, head + 1, memory_order_release);
  ring->head.wraps = (head + 1) >> RING_ORDER;
  __atomic_store_n (&ring->producer_pid, self->pid, __ATOMIC_RELAXED);
  __atomic_store_n (&ring->heartbeat, (guint64) now_us, __ATOMIC_RELEASE);
}

/* ---- seqlock ---- */

static gboolean
seqlock_start (ShmlensWriter  *self,
               GError        **error)
{
  struct seqlock *seqlock = (struct seqlock *) self->region;
  gboolean first;

  if (!claim_region (self, &seqlock->magic, SEQLOCK_MAGIC, ~SEQLOCK_MAGIC, NULL, 0,
                     &first, error))
    return FALSE;
  /* Zeroes are consistent: sequence 0, update 0, SEQLOCK_CHECKSUM (0) == 0. */
  if (first)
    {
      zero_but_state (self->region, sizeof *seqlock, 0);
      release_region (&seqlock->magic, SEQLOCK_MAGIC);
    }
  return TRUE;
}

/* Makes the sequence odd for this writer and returns the odd value. Writers sharing
 * the record take turns; one that died mid-update is taken over after a while. */
static guint64
seqlock_begin (struct seqlock *seqlock)
{
  guint64 stuck_at = 0;
  gint64 stuck_since = 0;

  for (;;)
    {
      guint64 seen = __atomic_load_n (&seqlock->sequence, __ATOMIC_RELAXED);

      if ((seen & 1) == 0)
        {
          if (__atomic_compare_exchange_n (&seqlock->sequence, &seen, seen + 1, FALSE,
                                           __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            return seen + 1;
          continue;
        }

      gint64 now = g_get_monotonic_time ();
      if (seen != stuck_at)
        {
          stuck_at = seen;
          stuck_since = now;
        }
      else if (now - stuck_since > SEQLOCK_STUCK_US &&
               __atomic_compare_exchange_n (&seqlock->sequence, &seen, seen + 2, FALSE,
                                            __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        {
          return seen + 2;
        }
      sched_yield ();
    }
}

static void
seqlock_step (ShmlensWriter *self,
              gint64         now_us)
{
  struct seqlock *seqlock = (struct seqlock *) self->region;
  guint64 odd = seqlock_begin (seqlock);
  guint64 update = (odd + 1) / 2;

  /* The odd sequence must be visible before any word changes, and every word before
   * the even sequence: a release fence, then a release store. */
  __atomic_thread_fence (__ATOMIC_RELEASE);
  __atomic_store_n (&seqlock->record.a, update, __ATOMIC_RELAXED);
  __atomic_store_n (&seqlock->record.b, update, __ATOMIC_RELAXED);
  __atomic_store_n (&seqlock->record.c, update, __ATOMIC_RELAXED);
  __atomic_store_n (&seqlock->record.d, update, __ATOMIC_RELAXED);
  __atomic_store_n (&seqlock->record.checksum, SEQLOCK_CHECKSUM (update), __ATOMIC_RELAXED);
  __atomic_store_n (&seqlock->writer_pid, self->pid, __ATOMIC_RELAXED);
  __atomic_store_n (&seqlock->sequence, odd + 1, __ATOMIC_RELEASE);
  __atomic_store_n (&seqlock->heartbeat, (guint64) now_us, __ATOMIC_RELAXED);
}

static void
seqlock_fill_record (const struct seqlock       *copy,
                     ShmlensWriterSeqlockRecord *record,
                     gboolean                   *torn)
{
  const struct seqlock_record *r = &copy->record;

  record->sequence = copy->sequence;
  record->value = r->a;
  record->words[0] = r->a;
  record->words[1] = r->b;
  record->words[2] = r->c;
  record->words[3] = r->d;
  record->checksum = r->checksum;
  record->writer_pid = copy->writer_pid;
  record->heartbeat = copy->heartbeat;
  *torn = (copy->sequence & 1) != 0 ||
          r->a != r->b || r->b != r->c || r->c != r->d ||
          r->checksum != SEQLOCK_CHECKSUM (r->a) ||
          copy->sequence != 2 * r->a;
}

/**
 * shmlens_writer_seqlock_read:
 * @snapshot: a copy of a segment's bytes (from shmlens_reader_read(), say)
 * @snapshot_size: the copy's size
 * @offset: where the seqlock region starts in @snapshot
 * @record: (out): what the region held
 * @torn: (out): whether the copy caught an update halfway: the sequence is odd, the
 *   words differ, the checksum does not match them, or they are not the update the
 *   sequence counts
 *
 * Decodes a seqlock region from bytes copied without following the protocol, as a
 * plain reader would, and tells whether the copy is torn. To read a consistent record
 * use shmlens_writer_seqlock_read_consistent().
 *
 * Returns: whether @snapshot holds a seqlock region at @offset (its magic)
 */
gboolean
shmlens_writer_seqlock_read (const guint8               *snapshot,
                             guint64                     snapshot_size,
                             guint64                     offset,
                             ShmlensWriterSeqlockRecord *record,
                             gboolean                   *torn)
{
  struct seqlock copy;
  gboolean copy_torn;

  g_return_val_if_fail (snapshot != NULL || snapshot_size == 0, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  if (offset > snapshot_size || snapshot_size - offset < sizeof copy)
    return FALSE;
  memcpy (&copy, snapshot + offset, sizeof copy);
  if (copy.magic != SEQLOCK_MAGIC)
    return FALSE;
  seqlock_fill_record (&copy, record, &copy_torn);
  if (torn != NULL)
    *torn = copy_torn;
  return TRUE;
}

static gboolean
read_exactly (ShmlensReader  *reader,
              guint64         offset,
              void           *buffer,
              gsize           length,
              GError        **error)
{
  gssize got = shmlens_reader_read (reader, offset, buffer, length, error);

  if (got < 0)
    return FALSE;
  if ((gsize) got < length)
    {
      g_autofree char *size_text = bytes_text (shmlens_reader_get_size (reader));

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: the segment's size (“4096 bytes”) and an offset */
                   _("The segment (%s) is too small for a seqlock region at offset %llu."),
                   size_text, (unsigned long long) offset);
      return FALSE;
    }
  return TRUE;
}

/**
 * shmlens_writer_seqlock_read_consistent:
 * @reader: a reader of the segment
 * @offset: where the seqlock region starts
 * @record: (out): the record, consistent
 * @n_retries: (out) (optional): how many copies were torn and read again
 * @error: return location for a #GError
 *
 * Reads a seqlock region the way its protocol asks: the sequence, the region, the
 * sequence again, and again from the start until both sequences are the same even
 * number. Every read goes through @reader (pread), never through a mapping.
 *
 * Returns: whether a consistent record was read
 */
gboolean
shmlens_writer_seqlock_read_consistent (ShmlensReader               *reader,
                                        guint64                      offset,
                                        ShmlensWriterSeqlockRecord  *record,
                                        guint                       *n_retries,
                                        GError                     **error)
{
  const guint64 sequence_offset = offset + offsetof (struct seqlock, sequence);

  g_return_val_if_fail (SHMLENS_IS_READER (reader), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint attempt = 0; attempt < SEQLOCK_MAX_READS; attempt++)
    {
      struct seqlock copy;
      guint64 before, after;
      gboolean torn;

      if (n_retries != NULL)
        *n_retries = attempt;
      if (!read_exactly (reader, sequence_offset, &before, sizeof before, error) ||
          !read_exactly (reader, offset, &copy, sizeof copy, error) ||
          !read_exactly (reader, sequence_offset, &after, sizeof after, error))
        return FALSE;
      if (copy.magic != SEQLOCK_MAGIC)
        {
          g_autofree char *size_text = bytes_text (shmlens_reader_get_size (reader));

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       /* Translators: an offset, the segment's size (“4096 bytes”), the
                        * magic number found and the one expected, in hex */
                       _("No seqlock region at offset %llu of the segment (%s): its magic is "
                         "%08x, not %08x."),
                       (unsigned long long) offset, size_text, copy.magic, SEQLOCK_MAGIC);
          return FALSE;
        }
      if ((before & 1) == 0 && before == after)
        {
          copy.sequence = before;
          seqlock_fill_record (&copy, record, &torn);
          /* the protocol's promise; a failure here is a writer breaking it */
          if (!torn)
            return TRUE;
        }
      sched_yield ();
    }

  {
    g_autofree char *size_text = bytes_text (shmlens_reader_get_size (reader));

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                 /* Translators: an offset, the segment's size (“4096 bytes”) and how many
                  * reads were made */
                 _("The seqlock region at offset %llu of the segment (%s) changed during "
                   "each of %d reads."),
                 (unsigned long long) offset, size_text, SEQLOCK_MAX_READS);
  }
  return FALSE;
}

/* ---- the writer ---- */

/**
 * shmlens_writer_new:
 * @base: a read-write, %MAP_SHARED mapping of the whole segment, owned by the caller
 *   (it must outlive the writer)
 * @size: the mapping's size
 * @options: what to write where
 * @error: return location for a #GError
 *
 * Starts a writer: checks that the region fits in the segment and holds what the
 * pattern needs (%G_IO_ERROR_INVALID_ARGUMENT otherwise, with a message that names
 * the pattern, the region and the segment's size), and sets up the pattern's shared
 * state if this is the first writer on the region. Writers that join a region that
 * is set up carry on from what it holds (the message's sequence, the wave's sample,
 * the seqlock's sequence, the ring's head); counter and race writers start their own
 * slot from zero.
 *
 * Returns: (transfer full): the writer, or %NULL with @error set
 */
ShmlensWriter *
shmlens_writer_new (guint8                      *base,
                    guint64                      size,
                    const ShmlensWriterOptions  *options,
                    GError                     **error)
{
  g_autoptr(ShmlensWriter) self = NULL;
  gboolean started = TRUE;

  g_return_val_if_fail (base != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (pattern_is_valid (options->pattern), NULL);
  g_return_val_if_fail ((guint) options->sync < G_N_ELEMENTS (sync_names), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (ShmlensWriter, 1);
  self->options = *options;
  self->message = g_strdup (options->message != NULL ? options->message
                                                     : SHMLENS_WRITER_DEFAULT_MESSAGE);
  self->options.message = self->message;
  self->pid = getpid ();

  if (!check_region (self, base, size, options, error))
    {
      /* nothing was written: free() must not touch the region */
      self->region = NULL;
      return NULL;
    }

  switch (options->pattern)
    {
    case SHMLENS_WRITER_COUNTER:
      started = counter_start (self, error);
      break;
    case SHMLENS_WRITER_RANDOM:
      self->random_state = options->seed != 0 ? options->seed
                           : ((guint64) g_random_int () << 32 | g_random_int ());
      break;
    case SHMLENS_WRITER_MESSAGE:
      started = message_start (self, error);
      break;
    case SHMLENS_WRITER_WAVE:
      started = wave_start (self, error);
      break;
    case SHMLENS_WRITER_RACE:
      started = race_start (self, error);
      break;
    case SHMLENS_WRITER_RING:
      started = ring_start (self, error);
      break;
    case SHMLENS_WRITER_SEQLOCK:
      started = seqlock_start (self, error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (!started)
    {
      self->region = NULL;
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * shmlens_writer_free:
 * @writer: (nullable): a writer
 *
 * Stops the writer: a counter writer marks its slot stopped. The mapping stays the
 * caller's, and the rest of the region stays as it is.
 */
void
shmlens_writer_free (ShmlensWriter *writer)
{
  if (writer == NULL)
    return;

  if (writer->region != NULL && writer->options.pattern == SHMLENS_WRITER_COUNTER)
    counter_stop (writer);
  g_free (writer->message);
  g_free (writer);
}

/**
 * shmlens_writer_step:
 * @writer: a writer
 * @now_us: the time, from g_get_monotonic_time(): the heartbeat and the ring's
 *   timestamps
 *
 * Makes one iteration: one increment (counter), one random fill of the whole region,
 * one message, one wave sample, one ring record, one seqlock update; race makes a
 * batch of up to %SHMLENS_WRITER_RACE_BATCH increments, never more than its
 * iterations. Does nothing once the writer is done.
 */
void
shmlens_writer_step (ShmlensWriter *writer,
                     gint64         now_us)
{
  g_return_if_fail (writer != NULL);

  if (shmlens_writer_is_done (writer))
    return;

  switch (writer->options.pattern)
    {
    case SHMLENS_WRITER_COUNTER:
      counter_step (writer, now_us);
      break;
    case SHMLENS_WRITER_RANDOM:
      random_step (writer);
      break;
    case SHMLENS_WRITER_MESSAGE:
      message_step (writer, now_us);
      break;
    case SHMLENS_WRITER_WAVE:
      wave_step (writer, now_us);
      break;
    case SHMLENS_WRITER_RACE:
      race_step (writer, now_us);
      return;                   /* it counts its own iterations */
    case SHMLENS_WRITER_RING:
      ring_step (writer, now_us);
      break;
    case SHMLENS_WRITER_SEQLOCK:
      seqlock_step (writer, now_us);
      break;
    default:
      g_assert_not_reached ();
    }
  writer->iterations++;
}

/**
 * shmlens_writer_get_iterations:
 * @writer: a writer
 *
 * Returns: the iterations made: increments for race, steps for the others
 */
guint64
shmlens_writer_get_iterations (ShmlensWriter *writer)
{
  g_return_val_if_fail (writer != NULL, 0);

  return writer->iterations;
}

/**
 * shmlens_writer_is_done:
 * @writer: a writer
 *
 * Returns: whether the writer made all the iterations it was asked to (never, when
 *   it was asked for no limit)
 */
gboolean
shmlens_writer_is_done (ShmlensWriter *writer)
{
  g_return_val_if_fail (writer != NULL, FALSE);

  return writer->options.iterations != 0 && writer->iterations >= writer->options.iterations;
}

/**
 * shmlens_writer_get_owned_range:
 * @options: a writer's options
 * @segment_size: the size of its segment
 * @offset: (out): where the bytes it alone writes start
 * @length: (out): how many there are (0: none of its own)
 *
 * The bytes one writer owns among those several share: a counter writer's slot, a
 * race writer's entry in `writers[]`; the other patterns own their whole region
 * (random and message without a length: to the end of the segment). For the app to
 * tint each writer's bytes in its colour.
 */
void
shmlens_writer_get_owned_range (const ShmlensWriterOptions *options,
                                guint64                     segment_size,
                                guint64                    *offset,
                                guint64                    *length)
{
  g_return_if_fail (options != NULL && pattern_is_valid (options->pattern));

  *offset = options->offset;
  *length = options->length;
  switch (options->pattern)
    {
    case SHMLENS_WRITER_COUNTER:
      *length = 0;
      if (options->slot < COUNTERS_MAX_SLOTS)
        {
          *offset = options->offset + offsetof (struct counters, slots) +
                    options->slot * sizeof (struct counter_slot);
          *length = sizeof (struct counter_slot);
        }
      break;
    case SHMLENS_WRITER_RACE:
      *length = 0;
      if (options->slot < RACE_MAX_WRITERS)
        {
          *offset = options->offset + offsetof (struct race, writers) +
                    options->slot * sizeof (struct race_writer);
          *length = sizeof (struct race_writer);
        }
      break;
    case SHMLENS_WRITER_RANDOM:
    case SHMLENS_WRITER_MESSAGE:
      if (*length == 0)
        *length = segment_size > options->offset ? segment_size - options->offset : 0;
      break;
    default:
      if (*length == 0)
        *length = pattern_info[options->pattern].min_size;
      break;
    }
}
