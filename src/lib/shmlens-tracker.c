/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-tracker.c: change tracking of a window's bytes and a whole-segment overview.
 *
 * Two jobs over one reader. The window is what a view shows: it is read whole on
 * every refresh (its cost is the window's size, never the segment's), compared with
 * the previous bytes, and every byte remembers when it last changed. The overview
 * covers the whole segment within a time budget: it hashes blocks with XXH3, skips
 * holes without reading them, and remembers when each block last changed.
 *
 * Times are kept as 32-bit "stamps": milliseconds since the tracker was created, plus
 * one, so that 0 can mean "never changed". That is 4 bytes per byte of the window
 * (49 days of range) instead of 8 for a gint64, and 12 bytes per block of the
 * overview, whose table never exceeds MAX_BLOCKS entries. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
/* On x86, libxxhash can choose SSE2, AVX2 or AVX-512 at run time; it installs this
 * header only when built that way, and then XXH3_64bits() and XXH3_64bits_update()
 * become the dispatching versions. The hashes are the same; on AVX-512 hardware
 * hashing gets four times faster, which leaves the overview limited by pread(). */
#if defined (__has_include) && __has_include (<xxh_x86dispatch.h>)
# include <xxh_x86dispatch.h>
#else
# include <xxhash.h>
#endif

#include "shmlens-tracker.h"

/* One buffer serves both jobs: the window is read through it in pieces and compared
 * with the kept bytes, and the overview reads consecutive blocks into it at once. It
 * is page-aligned: the kernel copies page cache into a buffer that starts 16 bytes
 * into a page (as malloc returns them) at half the speed. */
#define SCRATCH_SIZE ((gsize) 1 << 20)
#define SCRATCH_ALIGNMENT ((gsize) 4096)
#define MIN_BLOCK_SIZE ((gsize) 4096)
/* 12 bytes a block: 1.5 MiB at most. With 1 << 20 the table of a 16 GiB segment
 * took 8 MB of resident memory, a fifth of the app's own; 131,072 blocks are still a
 * hundred times the pixels of the overview strip. */
#define MAX_BLOCKS ((guint) 1 << 17)
/* Hole blocks are marked in batches so that a long hole still honours the budget. */
#define HOLE_BATCH ((guint) 1 << 16)
/* Equal bytes are skipped by memcmp() in spans of this size before looking closer. */
#define COMPARE_SPAN ((gsize) 4096)

struct _ShmlensTracker
{
  GObject parent_instance;

  ShmlensReader *reader;
  gint64 epoch;
  guint8 *scratch;

  /* The window. bytes and stamps have room for capacity bytes, grown as the valid
   * part grows, so a large window over a small segment costs what the segment has.
   * [known_start, known_end) are the bytes that have a baseline to compare with. */
  guint64 window_offset;
  gsize window_length;
  guint8 *bytes;
  guint32 *stamps;      /* NULL until the first byte changes */
  gsize capacity;
  gsize valid_length;
  gsize known_start;
  gsize known_end;
  GArray *changes;      /* ShmlensTrackerChange */
  GByteArray *old_bytes;
  gboolean window_changed;

  /* The overview. A hash of 0 means "not hashed yet": the block gets its baseline
   * the next time the scanner passes it. */
  guint64 scan_size;
  gsize block_size;
  guint n_blocks;
  guint64 *hashes;
  guint32 *block_stamps;
  gboolean have_table;
  guint scan_block;
  guint n_passes;
  /* The data extent the scan is in, kept between calls: finding where an extent
   * ends (SEEK_HOLE) walks its pages, so it is asked once per extent and pass. */
  gboolean have_extent;
  guint64 extent_start;
  guint64 extent_end;
  guint64 zero_hash;
  guint64 zero_hash_last;
  gint64 last_changed_block;
  guint32 last_changed_stamp;
  XXH3_state_t *hash_state;
};

enum
{
  PROP_0,
  PROP_READER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ShmlensTracker, shmlens_tracker, G_TYPE_OBJECT)

static void
shmlens_tracker_finalize (GObject *object)
{
  ShmlensTracker *self = SHMLENS_TRACKER (object);

  g_clear_object (&self->reader);
  g_clear_pointer (&self->scratch, g_aligned_free);
  g_clear_pointer (&self->bytes, g_free);
  g_clear_pointer (&self->stamps, g_free);
  g_clear_pointer (&self->changes, g_array_unref);
  g_clear_pointer (&self->old_bytes, g_byte_array_unref);
  g_clear_pointer (&self->hashes, g_free);
  g_clear_pointer (&self->block_stamps, g_free);
  g_clear_pointer (&self->hash_state, XXH3_freeState);

  G_OBJECT_CLASS (shmlens_tracker_parent_class)->finalize (object);
}

static void
shmlens_tracker_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ShmlensTracker *self = SHMLENS_TRACKER (object);

  switch (prop_id)
    {
    case PROP_READER:
      g_value_set_object (value, self->reader);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_tracker_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ShmlensTracker *self = SHMLENS_TRACKER (object);

  switch (prop_id)
    {
    case PROP_READER:
      self->reader = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_tracker_class_init (ShmlensTrackerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = shmlens_tracker_finalize;
  object_class->get_property = shmlens_tracker_get_property;
  object_class->set_property = shmlens_tracker_set_property;

  /**
   * ShmlensTracker:reader:
   *
   * The reader the tracker reads through.
   */
  properties[PROP_READER] =
    g_param_spec_object ("reader", NULL, NULL,
                         SHMLENS_TYPE_READER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
shmlens_tracker_init (ShmlensTracker *self)
{
  self->epoch = g_get_monotonic_time ();
  self->changes = g_array_new (FALSE, FALSE, sizeof (ShmlensTrackerChange));
  self->old_bytes = g_byte_array_new ();
  self->block_size = MIN_BLOCK_SIZE;
  self->last_changed_block = -1;
}

/**
 * shmlens_tracker_new:
 * @reader: the reader of the segment to track
 *
 * Creates a tracker. It has an empty window until shmlens_tracker_set_window() and
 * no overview until the first shmlens_tracker_scan(). Its clock starts now: change
 * times are g_get_monotonic_time() values with millisecond resolution.
 *
 * Returns: (transfer full): a new tracker
 */
ShmlensTracker *
shmlens_tracker_new (ShmlensReader *reader)
{
  g_return_val_if_fail (SHMLENS_IS_READER (reader), NULL);

  return g_object_new (SHMLENS_TYPE_TRACKER, "reader", reader, NULL);
}

/**
 * shmlens_tracker_get_reader:
 * @self: a tracker
 *
 * Returns: (transfer none): the reader the tracker reads through
 */
ShmlensReader *
shmlens_tracker_get_reader (ShmlensTracker *self)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), NULL);
  return self->reader;
}

/**
 * shmlens_tracker_get_epoch:
 * @self: a tracker
 *
 * Returns: the monotonic time (µs) when the tracker was created: stamps count from it
 */
gint64
shmlens_tracker_get_epoch (ShmlensTracker *self)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), 0);
  return self->epoch;
}

/**
 * shmlens_tracker_time_to_stamp:
 * @self: a tracker
 * @time_us: a monotonic time
 *
 * Converts a time into the stamp that a change seen at that time gets, so that a
 * view can compare raw stamps (e.g. "changed in the last second": a stamp at least
 * `shmlens_tracker_time_to_stamp (tracker, now - G_USEC_PER_SEC)`) without a call per
 * byte. Times before the tracker's creation give 1, the earliest stamp.
 *
 * Returns: a stamp, never 0
 */
guint32
shmlens_tracker_time_to_stamp (ShmlensTracker *self,
                               gint64          time_us)
{
  gint64 ms;

  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), 1);

  if (time_us <= self->epoch)
    return 1;
  ms = (time_us - self->epoch) / 1000;
  if (ms >= (gint64) G_MAXUINT32 - 1)
    return G_MAXUINT32;
  return (guint32) ms + 1;
}

/**
 * shmlens_tracker_stamp_to_time:
 * @self: a tracker
 * @stamp: a stamp from shmlens_tracker_get_window_stamps() or
 *   shmlens_tracker_get_block_stamps()
 *
 * Returns: the monotonic time (µs, millisecond resolution) of @stamp, or -1 for 0
 *   ("never changed")
 */
gint64
shmlens_tracker_stamp_to_time (ShmlensTracker *self,
                               guint32         stamp)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), -1);

  if (stamp == 0)
    return -1;
  return self->epoch + (gint64) (stamp - 1) * 1000;
}

/* The window */

static void
ensure_stamps (ShmlensTracker *self)
{
  if (self->stamps == NULL && self->capacity > 0)
    self->stamps = g_new0 (guint32, self->capacity);
}

static void
set_capacity (ShmlensTracker *self,
              gsize           capacity)
{
  if (capacity == self->capacity)
    return;
  self->bytes = g_realloc (self->bytes, capacity);
  if (self->stamps != NULL)
    {
      self->stamps = g_realloc_n (self->stamps, capacity, sizeof (guint32));
      if (capacity > self->capacity)
        memset (self->stamps + self->capacity, 0,
                (capacity - self->capacity) * sizeof (guint32));
    }
  self->capacity = capacity;
}

/* Grows geometrically, but never past what the window (or @needed) asks for. */
static void
ensure_capacity (ShmlensTracker *self,
                 gsize           needed)
{
  gsize limit = MAX (needed, self->window_length);
  gsize capacity;

  if (needed <= self->capacity)
    return;
  capacity = MAX (self->capacity, MIN_BLOCK_SIZE);
  while (capacity < needed)
    capacity = capacity > limit / 2 ? limit : capacity * 2;
  set_capacity (self, MIN (capacity, limit));
}

/**
 * shmlens_tracker_set_window:
 * @self: a tracker
 * @offset: where the window starts in the segment
 * @length: how many bytes it covers; it may reach past the segment's end
 *
 * Chooses the bytes that shmlens_tracker_refresh() reads. Bytes that the old and new
 * windows share keep their baseline and change times, so a view that scrolls still
 * sees what changed meanwhile; other bytes get their baseline at the next refresh.
 * Until then the window has no valid bytes: refresh after setting it.
 */
void
shmlens_tracker_set_window (ShmlensTracker *self,
                            guint64         offset,
                            gsize           length)
{
  guint64 keep_start, keep_end;

  g_return_if_fail (SHMLENS_IS_TRACKER (self));

  length = MIN (length, (gsize) G_MAXSSIZE);
  length = (gsize) MIN ((guint64) length, G_MAXUINT64 - offset);

  if (offset == self->window_offset && length == self->window_length)
    return;

  keep_start = MAX (self->window_offset + self->known_start, offset);
  keep_end = MIN (self->window_offset + self->known_end, offset + length);

  if (keep_start < keep_end)
    {
      gsize from = keep_start - self->window_offset;
      gsize to = keep_start - offset;
      gsize count = keep_end - keep_start;

      ensure_capacity (self, MAX (from, to) + count);
      memmove (self->bytes + to, self->bytes + from, count);
      if (self->stamps != NULL)
        memmove (self->stamps + to, self->stamps + from, count * sizeof (guint32));
      self->known_start = to;
      self->known_end = to + count;
    }
  else
    {
      self->known_start = 0;
      self->known_end = 0;
    }

  self->window_offset = offset;
  self->window_length = length;
  self->valid_length = 0;
  self->window_changed = FALSE;
  g_array_set_size (self->changes, 0);
  g_byte_array_set_size (self->old_bytes, 0);

  if (self->capacity > length)
    set_capacity (self, MAX (length, self->known_end));
}

/**
 * shmlens_tracker_get_window_offset:
 * @self: a tracker
 *
 * Returns: where the window starts in the segment
 */
guint64
shmlens_tracker_get_window_offset (ShmlensTracker *self)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), 0);
  return self->window_offset;
}

/**
 * shmlens_tracker_get_window_length:
 * @self: a tracker
 *
 * Returns: the window's length as set, which may reach past the segment's end
 */
gsize
shmlens_tracker_get_window_length (ShmlensTracker *self)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), 0);
  return self->window_length;
}

static void
record_run (ShmlensTracker *self,
            gsize           start,
            gsize           length,
            const guint8   *now,
            guint32         stamp)
{
  ShmlensTrackerChange *last = NULL;

  if (self->changes->len > 0)
    last = &g_array_index (self->changes, ShmlensTrackerChange, self->changes->len - 1);

  /* Old bytes are appended in order, so a run that continues the previous one (it
   * crossed a read boundary) just gets longer. */
  g_byte_array_append (self->old_bytes, self->bytes + start, length);
  if (last != NULL && last->offset + last->length == start)
    last->length += length;
  else
    {
      ShmlensTrackerChange change = { start, length, NULL, NULL };
      g_array_append_val (self->changes, change);
    }

  memcpy (self->bytes + start, now, length);
  ensure_stamps (self);
  for (gsize i = start; i < start + length; i++)
    self->stamps[i] = stamp;
}

/* Compares @length bytes of the window at @start with @now, records the runs that
 * differ and takes the new bytes in. */
static void
compare_known (ShmlensTracker *self,
               gsize           start,
               const guint8   *now,
               gsize           length,
               guint32         stamp)
{
  const guint8 *kept = self->bytes + start;
  gsize i = 0;

  while (i < length)
    {
      gsize span = MIN (COMPARE_SPAN, length - i);
      gsize run_start;

      if (memcmp (kept + i, now + i, span) == 0)
        {
          i += span;
          continue;
        }
      while (i + 64 <= length && memcmp (kept + i, now + i, 64) == 0)
        i += 64;
      while (kept[i] == now[i])
        i++;
      run_start = i;
      while (i < length && kept[i] != now[i])
        i++;
      record_run (self, start + run_start, i - run_start, now + run_start, stamp);
    }
}

/* Takes bytes in without comparing: they have no baseline yet. */
static void
adopt (ShmlensTracker *self,
       gsize           start,
       const guint8   *now,
       gsize           length)
{
  memcpy (self->bytes + start, now, length);
  if (self->stamps != NULL)
    memset (self->stamps + start, 0, length * sizeof (guint32));
}

static void
absorb (ShmlensTracker *self,
        gsize           start,
        const guint8   *now,
        gsize           length,
        guint32         stamp)
{
  gsize end = start + length;
  gsize known_start = MAX (start, self->known_start);
  gsize known_end = MIN (end, self->known_end);

  if (known_start >= known_end)
    {
      adopt (self, start, now, length);
      return;
    }
  adopt (self, start, now, known_start - start);
  compare_known (self, known_start, now + (known_start - start), known_end - known_start,
                 stamp);
  adopt (self, known_end, now + (known_end - start), end - known_end);
}

static void
finish_changes (ShmlensTracker *self)
{
  gsize old_at = 0;

  for (guint i = 0; i < self->changes->len; i++)
    {
      ShmlensTrackerChange *change = &g_array_index (self->changes, ShmlensTrackerChange, i);

      change->old_bytes = self->old_bytes->data + old_at;
      change->new_bytes = self->bytes + change->offset;
      change->offset += self->window_offset;
      old_at += change->length;
    }
  g_assert (old_at == self->old_bytes->len);
}

/**
 * shmlens_tracker_refresh:
 * @self: a tracker
 * @now_us: the time to record for changes, from g_get_monotonic_time()
 * @error: return location for an error
 *
 * Reads the window (only the window, whatever the segment's size), compares it with
 * the bytes of the previous refresh and records when each changed byte changed. The
 * changed runs are then available from shmlens_tracker_get_changes().
 *
 * The first refresh after creating the tracker or setting a window takes a baseline
 * and reports no change. When the segment ends inside the window, the valid length
 * gets shorter; bytes that come back when it grows again get a new baseline: a size
 * change is not a change of content (shmlens_reader_poll() reports it). After an
 * error, the next refresh takes a new baseline.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
shmlens_tracker_refresh (ShmlensTracker  *self,
                         gint64           now_us,
                         GError         **error)
{
  guint32 stamp;
  gsize previous_valid;
  gsize done = 0;

  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stamp = shmlens_tracker_time_to_stamp (self, now_us);
  previous_valid = self->valid_length;
  g_array_set_size (self->changes, 0);
  /* Do not keep the room for one huge burst of changes for the whole session. */
  if (self->old_bytes->len > SCRATCH_SIZE)
    {
      g_byte_array_unref (self->old_bytes);
      self->old_bytes = g_byte_array_new ();
    }
  else
    g_byte_array_set_size (self->old_bytes, 0);

  if (self->scratch == NULL && self->window_length > 0)
    self->scratch = g_aligned_alloc (1, SCRATCH_SIZE, SCRATCH_ALIGNMENT);

  while (done < self->window_length)
    {
      gsize wanted = MIN (SCRATCH_SIZE, self->window_length - done);
      gssize got = shmlens_reader_read (self->reader, self->window_offset + done,
                                        self->scratch, wanted, error);

      if (got < 0)
        {
          g_array_set_size (self->changes, 0);
          g_byte_array_set_size (self->old_bytes, 0);
          self->valid_length = 0;
          self->known_start = 0;
          self->known_end = 0;
          self->window_changed = previous_valid != 0;
          return FALSE;
        }
      if (got > 0)
        {
          ensure_capacity (self, done + got);
          absorb (self, done, self->scratch, got, stamp);
        }
      done += got;
      if ((gsize) got < wanted)
        break;
    }

  finish_changes (self);
  self->valid_length = done;
  self->known_start = 0;
  self->known_end = done;
  self->window_changed = self->changes->len > 0 || done != previous_valid;
  return TRUE;
}

/**
 * shmlens_tracker_get_window_bytes:
 * @self: a tracker
 * @valid_length: (out) (optional): how many bytes are valid: the window's length, or
 *   less where the segment ends inside the window
 *
 * Returns: (transfer none) (nullable): the window's bytes as of the last refresh;
 *   %NULL when none are valid
 */
const guint8 *
shmlens_tracker_get_window_bytes (ShmlensTracker *self,
                                  gsize          *valid_length)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), NULL);

  if (valid_length != NULL)
    *valid_length = self->valid_length;
  return self->valid_length > 0 ? self->bytes : NULL;
}

/**
 * shmlens_tracker_get_valid_length:
 * @self: a tracker
 *
 * Returns: how many bytes of the window were read at the last refresh
 */
gsize
shmlens_tracker_get_valid_length (ShmlensTracker *self)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), 0);
  return self->valid_length;
}

/**
 * shmlens_tracker_get_window_stamps:
 * @self: a tracker
 *
 * The change stamp of every valid byte of the window (see
 * shmlens_tracker_time_to_stamp()): 0 for bytes that have not changed since their
 * baseline. For views that colour bytes by age without a call per byte.
 *
 * Returns: (transfer none) (nullable): one stamp per valid byte, or %NULL while no
 *   byte of the window has ever changed
 */
const guint32 *
shmlens_tracker_get_window_stamps (ShmlensTracker *self)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), NULL);
  return self->valid_length > 0 ? self->stamps : NULL;
}

/**
 * shmlens_tracker_get_byte_changed_at:
 * @self: a tracker
 * @offset: a byte's offset in the segment
 *
 * Returns: when the byte at @offset last changed (monotonic µs, millisecond
 *   resolution), or -1 when it has not changed or is not in the window
 */
gint64
shmlens_tracker_get_byte_changed_at (ShmlensTracker *self,
                                     guint64         offset)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), -1);

  if (offset < self->window_offset || offset - self->window_offset >= self->valid_length ||
      self->stamps == NULL)
    return -1;
  return shmlens_tracker_stamp_to_time (self, self->stamps[offset - self->window_offset]);
}

/**
 * shmlens_tracker_get_byte_age:
 * @self: a tracker
 * @offset: a byte's offset in the segment
 * @now_us: the current monotonic time
 *
 * Returns: how long ago (µs) the byte at @offset last changed, or -1 when it has not
 *   changed or is not in the window
 */
gint64
shmlens_tracker_get_byte_age (ShmlensTracker *self,
                              guint64         offset,
                              gint64          now_us)
{
  gint64 changed_at = shmlens_tracker_get_byte_changed_at (self, offset);

  if (changed_at < 0)
    return -1;
  return MAX (now_us - changed_at, 0);
}

/**
 * shmlens_tracker_get_changes:
 * @self: a tracker
 * @n_changes: (out): how many runs changed
 *
 * The runs of adjacent bytes that the last refresh found changed, in order of
 * offset. Runs are exact: a byte that was rewritten with its old value is not part
 * of one.
 *
 * Returns: (transfer none) (array length=n_changes): the runs, valid until the next
 *   refresh or window change
 */
const ShmlensTrackerChange *
shmlens_tracker_get_changes (ShmlensTracker *self,
                             guint          *n_changes)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), NULL);
  g_return_val_if_fail (n_changes != NULL, NULL);

  *n_changes = self->changes->len;
  return (const ShmlensTrackerChange *) self->changes->data;
}

/**
 * shmlens_tracker_get_window_changed:
 * @self: a tracker
 *
 * Whether the last refresh changed anything a view of the window shows: a byte, or
 * the valid length. A view queues a redraw only then.
 *
 * Returns: %TRUE when the window looks different after the last refresh
 */
gboolean
shmlens_tracker_get_window_changed (ShmlensTracker *self)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), FALSE);
  return self->window_changed;
}

/* The overview */

static gsize
choose_block_size (guint64 size)
{
  gsize block_size = MIN_BLOCK_SIZE;

  while ((size + block_size - 1) / block_size > MAX_BLOCKS)
    block_size *= 2;
  return block_size;
}

/* 0 marks a block not hashed yet, so a real hash of 0 becomes 1. */
static inline guint64
block_hash (guint64 hash)
{
  return hash != 0 ? hash : 1;
}

static guint64
hash_zeros (ShmlensTracker *self,
            gsize           length)
{
  static const guint8 zeros[64 * 1024];

  if (length <= sizeof zeros)
    return block_hash (XXH3_64bits (zeros, length));

  if (self->hash_state == NULL)
    self->hash_state = XXH3_createState ();
  XXH3_64bits_reset (self->hash_state);
  for (gsize done = 0; done < length; done += sizeof zeros)
    XXH3_64bits_update (self->hash_state, zeros, MIN (sizeof zeros, length - done));
  return block_hash (XXH3_64bits_digest (self->hash_state));
}

static gsize
block_length (ShmlensTracker *self,
              guint           block)
{
  guint64 start = (guint64) block * self->block_size;
  return (gsize) MIN ((guint64) self->block_size, self->scan_size - start);
}

/* Follows the segment's size: a block whose length changed, and every new block,
 * gets a new baseline; when the block size changes, each new block keeps the latest
 * change time of the old blocks it covers. */
static void
ensure_table (ShmlensTracker *self)
{
  guint64 size = shmlens_reader_get_size (self->reader);
  gsize new_block_size;
  guint new_n;

  if (self->have_table && size == self->scan_size)
    return;

  new_block_size = choose_block_size (size);
  new_n = (guint) ((size + new_block_size - 1) / new_block_size);

  if (new_block_size == self->block_size)
    {
      guint old_n = self->n_blocks;

      self->hashes = g_renew (guint64, self->hashes, new_n);
      self->block_stamps = g_renew (guint32, self->block_stamps, new_n);
      for (guint i = old_n; i < new_n; i++)
        {
          self->hashes[i] = 0;
          self->block_stamps[i] = 0;
        }
      if (old_n > 0 && old_n <= new_n && self->scan_size % new_block_size != 0)
        self->hashes[old_n - 1] = 0;
      if (new_n > 0 && new_n <= old_n && size % new_block_size != 0)
        self->hashes[new_n - 1] = 0;
    }
  else
    {
      guint32 *stamps = g_new0 (guint32, new_n);

      for (guint i = 0; i < self->n_blocks; i++)
        {
          guint64 first, last;

          if (self->block_stamps[i] == 0)
            continue;
          first = (guint64) i * self->block_size / new_block_size;
          last = ((guint64) (i + 1) * self->block_size - 1) / new_block_size;
          for (guint64 j = first; j <= last && j < new_n; j++)
            stamps[j] = MAX (stamps[j], self->block_stamps[i]);
        }
      if (self->last_changed_block >= 0)
        self->last_changed_block =
          (gint64) ((guint64) self->last_changed_block * self->block_size / new_block_size);

      g_free (self->hashes);
      g_free (self->block_stamps);
      self->hashes = g_new0 (guint64, new_n);
      self->block_stamps = stamps;
      self->scan_block =
        (guint) ((guint64) self->scan_block * self->block_size / new_block_size);
    }

  if (self->last_changed_block >= (gint64) new_n)
    self->last_changed_block = -1;
  self->scan_block = MIN (self->scan_block, new_n);
  self->scan_size = size;
  self->have_extent = FALSE;
  self->block_size = new_block_size;
  self->n_blocks = new_n;
  self->have_table = TRUE;

  self->zero_hash = hash_zeros (self, new_block_size);
  self->zero_hash_last = new_n > 0 ? hash_zeros (self, block_length (self, new_n - 1))
                                   : self->zero_hash;
}

static void
update_block (ShmlensTracker *self,
              guint           block,
              guint64         hash,
              guint32         stamp)
{
  guint64 old = self->hashes[block];

  self->hashes[block] = hash;
  if (old != 0 && old != hash)
    {
      self->block_stamps[block] = stamp;
      self->last_changed_block = block;
      self->last_changed_stamp = stamp;
    }
}

static void
mark_holes (ShmlensTracker *self,
            guint           first,
            guint           end,
            guint32         stamp)
{
  for (guint i = first; i < end; i++)
    {
      gboolean short_last = i == self->n_blocks - 1 && self->scan_size % self->block_size != 0;
      update_block (self, i, short_last ? self->zero_hash_last : self->zero_hash, stamp);
    }
}

/* Hashes a block larger than the scratch buffer piece by piece. */
static gboolean
hash_large_block (ShmlensTracker  *self,
                  guint            block,
                  guint64         *hash,
                  GError         **error)
{
  guint64 start = (guint64) block * self->block_size;
  gsize length = block_length (self, block);
  gsize done = 0;

  if (self->hash_state == NULL)
    self->hash_state = XXH3_createState ();
  XXH3_64bits_reset (self->hash_state);
  while (done < length)
    {
      gsize wanted = MIN (SCRATCH_SIZE, length - done);
      gssize got = shmlens_reader_read (self->reader, start + done, self->scratch, wanted,
                                        error);
      if (got < 0)
        return FALSE;
      XXH3_64bits_update (self->hash_state, self->scratch, got);
      done += got;
      if ((gsize) got < wanted)
        break;
    }
  *hash = block_hash (XXH3_64bits_digest (self->hash_state));
  return TRUE;
}

/* Reads consecutive blocks from @first (at most a scratch buffer's worth, and not
 * past @data_end) in one read and hashes each. Returns the number of blocks done,
 * or 0 with @error set. */
static guint
hash_blocks (ShmlensTracker  *self,
             guint            first,
             guint64          data_end,
             guint32          stamp,
             GError         **error)
{
  guint64 start = (guint64) first * self->block_size;
  guint64 blocks_to_end = (data_end - start + self->block_size - 1) / self->block_size;
  guint count;
  gsize wanted;
  gssize got;

  if (self->block_size > SCRATCH_SIZE)
    {
      guint64 hash;
      if (!hash_large_block (self, first, &hash, error))
        return 0;
      update_block (self, first, hash, stamp);
      return 1;
    }

  count = (guint) MIN ((guint64) (SCRATCH_SIZE / self->block_size), blocks_to_end);
  count = MIN (count, self->n_blocks - first);
  g_assert (count > 0);
  wanted = (gsize) MIN ((guint64) count * self->block_size, self->scan_size - start);
  got = shmlens_reader_read (self->reader, start, self->scratch, wanted, error);
  if (got < 0)
    return 0;

  for (guint k = 0; k < count; k++)
    {
      gsize at = (gsize) k * self->block_size;
      gsize length = block_length (self, first + k);
      /* A segment truncated since the last poll reads short: hash what is there. */
      gsize present = (gsize) got > at ? MIN (length, (gsize) got - at) : 0;

      update_block (self, first + k, block_hash (XXH3_64bits (self->scratch + at, present)),
                    stamp);
    }
  return count;
}

/**
 * shmlens_tracker_scan:
 * @self: a tracker
 * @budget_us: how much time this call may take, in µs
 * @pass_completed: (out) (optional): set to whether a full pass over the segment
 *   ended during this call
 * @error: return location for an error
 *
 * Continues the overview scan where the previous call stopped: hashes the segment's
 * blocks in order and records when a block's hash changes. Holes are found with
 * shmlens_reader_find_data() and count as zeros without being read, so a sparse
 * segment costs what it holds, and nothing gets allocated in it. The call stops when
 * the budget is used (after at least one step, so that a tiny budget still makes
 * progress) or at the end of a pass. The first full pass takes the baseline.
 *
 * The table follows shmlens_reader_get_size(), which the caller keeps current with
 * shmlens_reader_poll(). Blocks are 4 KiB, or larger powers of two for huge
 * segments, so that there are never more than 131072 of them.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
shmlens_tracker_scan (ShmlensTracker  *self,
                      gint64           budget_us,
                      gboolean        *pass_completed,
                      GError         **error)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = budget_us >= G_MAXINT64 - start ? G_MAXINT64 : start + MAX (budget_us, 0);
  gboolean progressed = FALSE;
  gboolean only_holes_left = FALSE;

  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (pass_completed != NULL)
    *pass_completed = FALSE;

  ensure_table (self);
  if (self->scratch == NULL)
    self->scratch = g_aligned_alloc (1, SCRATCH_SIZE, SCRATCH_ALIGNMENT);

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      guint32 stamp = shmlens_tracker_time_to_stamp (self, now);
      guint64 offset;
      guint hole_end;

      if (self->scan_block >= self->n_blocks)
        {
          self->scan_block = 0;
          self->n_passes++;
          self->have_extent = FALSE;
          if (pass_completed != NULL)
            *pass_completed = TRUE;
          return TRUE;
        }
      if (progressed && now >= deadline)
        return TRUE;
      progressed = TRUE;

      offset = (guint64) self->scan_block * self->block_size;
      if (!only_holes_left &&
          (!self->have_extent || offset >= self->extent_end))
        {
          self->have_extent = shmlens_reader_find_data (self->reader, offset, &self->extent_start,
                                                        &self->extent_end);
          only_holes_left = !self->have_extent;
        }

      if (only_holes_left)
        hole_end = self->n_blocks;
      else
        hole_end = (guint) MIN (self->extent_start / self->block_size, (guint64) self->n_blocks);

      if (hole_end > self->scan_block)
        {
          guint end = MIN (hole_end, self->scan_block + HOLE_BATCH);
          mark_holes (self, self->scan_block, end, stamp);
          self->scan_block = end;
        }
      else
        {
          guint64 data_end = self->extent_end;
          guint done;

          /* An extent that ends before this block: the segment was truncated between
           * find_data()'s two seeks (found by the truncation storm of
           * tests/stress). Read the block anyway, short as a truncated segment reads,
           * and ask again for the next. */
          if (data_end <= offset)
            {
              data_end = offset + self->block_size;
              self->have_extent = FALSE;
            }
          done = hash_blocks (self, self->scan_block, data_end, stamp, error);
          if (done == 0)
            return FALSE;
          self->scan_block += done;
        }
    }
}

/**
 * shmlens_tracker_get_n_blocks:
 * @self: a tracker
 *
 * Returns: the number of blocks of the overview; 0 before the first scan
 */
guint
shmlens_tracker_get_n_blocks (ShmlensTracker *self)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), 0);
  return self->n_blocks;
}

/**
 * shmlens_tracker_get_block_size:
 * @self: a tracker
 *
 * Returns: the size of a block of the overview: 4096, or a larger power of two for
 *   segments of more than 4 GiB
 */
gsize
shmlens_tracker_get_block_size (ShmlensTracker *self)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), 0);
  return self->block_size;
}

/**
 * shmlens_tracker_get_scan_position:
 * @self: a tracker
 *
 * Returns: the block where the next scan continues; with
 *   shmlens_tracker_get_n_blocks(), the progress of the current pass
 */
guint
shmlens_tracker_get_scan_position (ShmlensTracker *self)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), 0);
  return self->scan_block;
}

/**
 * shmlens_tracker_get_n_passes:
 * @self: a tracker
 *
 * Returns: how many full passes the scanner completed; the first was the baseline
 */
guint
shmlens_tracker_get_n_passes (ShmlensTracker *self)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), 0);
  return self->n_passes;
}

/**
 * shmlens_tracker_get_block_stamps:
 * @self: a tracker
 * @n_blocks: (out) (optional): the number of blocks
 *
 * Returns: (transfer none) (array length=n_blocks) (nullable): every block's change
 *   stamp (0: never changed), for drawing the overview without a call per block
 */
const guint32 *
shmlens_tracker_get_block_stamps (ShmlensTracker *self,
                                  guint          *n_blocks)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), NULL);

  if (n_blocks != NULL)
    *n_blocks = self->n_blocks;
  return self->block_stamps;
}

/**
 * shmlens_tracker_get_block_changed_at:
 * @self: a tracker
 * @block: a block index
 *
 * Returns: when the scanner saw @block change (monotonic µs, millisecond
 *   resolution), or -1 when it has not seen it change
 */
gint64
shmlens_tracker_get_block_changed_at (ShmlensTracker *self,
                                      guint           block)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), -1);

  if (block >= self->n_blocks)
    return -1;
  return shmlens_tracker_stamp_to_time (self, self->block_stamps[block]);
}

/**
 * shmlens_tracker_get_last_changed_block:
 * @self: a tracker
 * @changed_at: (out) (optional): when it changed (monotonic µs), or -1
 *
 * The block the scanner most recently saw change, for views that follow writes.
 *
 * Returns: the block's index, or -1 when no block has changed yet
 */
gint64
shmlens_tracker_get_last_changed_block (ShmlensTracker *self,
                                        gint64         *changed_at)
{
  g_return_val_if_fail (SHMLENS_IS_TRACKER (self), -1);

  if (changed_at != NULL)
    *changed_at = self->last_changed_block >= 0
                    ? shmlens_tracker_stamp_to_time (self, self->last_changed_stamp)
                    : -1;
  return self->last_changed_block;
}
