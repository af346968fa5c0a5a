/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-writer.c: the writer patterns on real segments, read back as the app reads them.
 *
 * Each test maps a real POSIX segment read-write, runs a writer on a region of it and
 * reads the bytes back through the library's read-only reader (pread, as the app and
 * the CLI do), decoding them with the very headers under data/layouts. The segment
 * starts full of a known pattern, so a byte written outside the region shows. The race
 * tests run writers in child processes of their own, on the two cores of the machine. */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>

#include "data/layouts/counters.h"
#include "data/layouts/message.h"
#include "data/layouts/race.h"
#include "data/layouts/ringbuffer.h"
#include "data/layouts/seqlock.h"
#include "data/layouts/wave.h"

#include "shmlens-layout.h"
#include "shmlens-reader.h"
#include "shmlens-test-util.h"
#include "shmlens-writer.h"

/* ---- a segment mapped read-write, and read back through the reader ---- */

typedef struct
{
  char *name;
  guint8 *base;                 /* the test's read-write mapping */
  gsize size;
  guint8 *original;             /* what the segment held when it was created */
  ShmlensReader *reader;
} Segment;

static guint8 *
map_read_write (const char *name,
                gsize       size)
{
  g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
  int fd = open (path, O_RDWR | O_CLOEXEC);
  void *base;

  g_assert_cmpint (fd, >=, 0);
  base = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  g_assert_true (base != MAP_FAILED);
  close (fd);
  return base;
}

/* A segment of @size bytes holding a pattern in which every byte differs from its
 * neighbours (or zeros, a fresh segment). */
static Segment *
segment_new (const char *prefix,
             gsize       size,
             gboolean    zeros)
{
  Segment *segment = g_new0 (Segment, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = NULL;
  g_autoptr(ShmlensSegment) resolved = NULL;

  segment->size = size;
  segment->original = g_malloc0 (size);
  if (!zeros)
    for (gsize i = 0; i < size; i++)
      segment->original[i] = (guint8) (i * 7 + 3);
  segment->name = shmlens_test_posix_create (prefix, segment->original, size);
  segment->base = map_read_write (segment->name, size);
  ref = g_strconcat ("/", segment->name, NULL);
  resolved = shmlens_test_resolve (ref);
  segment->reader = shmlens_reader_open (resolved, &error);
  g_assert_no_error (error);
  return segment;
}

static void
segment_free (Segment *segment)
{
  munmap (segment->base, segment->size);
  g_clear_object (&segment->reader);
  shmlens_test_posix_remove (segment->name);
  g_free (segment->name);
  g_free (segment->original);
  g_free (segment);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Segment, segment_free)

/* The whole segment, read through the library's reader. */
static guint8 *
segment_read (Segment *segment)
{
  g_autoptr(GError) error = NULL;
  guint8 *bytes = g_malloc (segment->size);

  g_assert_cmpint (shmlens_reader_read (segment->reader, 0, bytes, segment->size, &error),
                   ==, (gssize) segment->size);
  g_assert_no_error (error);
  return bytes;
}

/* Reads @length bytes at @offset into @out through the reader. */
static void
segment_read_into (Segment *segment,
                   guint64  offset,
                   void    *out,
                   gsize    length)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (shmlens_reader_read (segment->reader, offset, out, length, &error),
                   ==, (gssize) length);
  g_assert_no_error (error);
}

static void
assert_outside_unchanged (Segment      *segment,
                          const guint8 *bytes,
                          guint64       offset,
                          guint64       length)
{
  g_assert_cmpmem (bytes, offset, segment->original, offset);
  g_assert_cmpmem (bytes + offset + length, segment->size - offset - length,
                   segment->original + offset + length, segment->size - offset - length);
}

static ShmlensWriter *
writer_new (Segment                    *segment,
            const ShmlensWriterOptions *options)
{
  g_autoptr(GError) error = NULL;
  ShmlensWriter *writer = shmlens_writer_new (segment->base, segment->size, options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (writer);
  return writer;
}

/* ---- the headers, read by the layout engine as the structure view reads them ---- */

static ShmlensLayout *
pattern_layout (ShmlensWriterPattern   pattern,
                ShmlensType          **type)
{
  const char *type_name = NULL;
  const char *file = shmlens_writer_pattern_get_layout (pattern, &type_name);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "layouts", file, NULL);
  g_autoptr(GError) error = NULL;
  ShmlensLayout *layout = shmlens_layout_new_from_file (path, &error);

  g_assert_no_error (error);
  *type = shmlens_layout_lookup (layout, type_name, &error);
  g_assert_no_error (error);
  return layout;
}

/* The value at @path of the pattern's struct at @offset in @bytes, as the structure
 * view decodes it. */
static double
decode_number (ShmlensWriterPattern  pattern,
               const guint8         *bytes,
               gsize                 size,
               guint64               offset,
               const char           *path)
{
  ShmlensType *type = NULL;
  g_autoptr(ShmlensLayout) layout = pattern_layout (pattern, &type);
  g_autoptr(GError) error = NULL;
  ShmlensLeaf leaf;
  double value = NAN;

  g_assert_nonnull (layout);   /* it owns type */
  g_assert_true (shmlens_type_locate_path (type, path, &leaf, &error));
  g_assert_no_error (error);
  g_assert_true (shmlens_leaf_get_double (&leaf, bytes + offset, 0, size - offset,
                                          SHMLENS_FORMAT_DEFAULT, &value));
  return value;
}

static char *
decode_text (ShmlensWriterPattern  pattern,
             const guint8         *bytes,
             gsize                 size,
             guint64               offset,
             const char           *path)
{
  ShmlensType *type = NULL;
  g_autoptr(ShmlensLayout) layout = pattern_layout (pattern, &type);
  g_autoptr(GError) error = NULL;
  GString *out = g_string_new (NULL);
  ShmlensLeaf leaf;

  g_assert_nonnull (layout);   /* it owns type */
  g_assert_true (shmlens_type_locate_path (type, path, &leaf, &error));
  g_assert_no_error (error);
  shmlens_leaf_format (&leaf, bytes + offset, 0, size - offset, SHMLENS_FORMAT_DEFAULT, out);
  return g_string_free (out, FALSE);
}

/* ---- child processes ---- */

/* Waits for @pid to exit, failing the test (and killing it) after @seconds. */
static int
wait_child (pid_t pid,
            guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  int status = 0;

  for (;;)
    {
      pid_t got = waitpid (pid, &status, WNOHANG);

      g_assert_cmpint (got, >=, 0);
      if (got == pid)
        return status;
      if (g_get_monotonic_time () > deadline)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &status, 0);
          g_error ("child %d did not finish in %u s", (int) pid, seconds);
        }
      g_usleep (2000);
    }
}

static void
assert_child_succeeded (pid_t pid,
                        guint seconds)
{
  int status = wait_child (pid, seconds);

  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

/* A barrier in memory shared with the children: each arrives, then spins (without
 * yielding) until all have arrived, so that they are all on a processor when they
 * start. Writers that start one after the other could finish before the next begins,
 * and then no update is ever lost. */
typedef struct
{
  int n_writers;
  int arrived;
} StartBarrier;

static StartBarrier *
start_barrier_new (int n_writers)
{
  StartBarrier *barrier = mmap (NULL, sizeof *barrier, PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);

  g_assert_true (barrier != MAP_FAILED);
  barrier->n_writers = n_writers;
  barrier->arrived = 0;
  return barrier;
}

static void
start_barrier_free (StartBarrier *barrier)
{
  munmap (barrier, sizeof *barrier);
}

static void
start_barrier_wait (StartBarrier *barrier)
{
  if (barrier == NULL)
    return;
  __atomic_fetch_add (&barrier->arrived, 1, __ATOMIC_ACQ_REL);
  while (__atomic_load_n (&barrier->arrived, __ATOMIC_ACQUIRE) < barrier->n_writers)
    ;
}

/* Forks a writer process: it maps the segment itself, waits at @start, runs a writer
 * with @options until it is done, and exits 0 when it made exactly its iterations.
 * @pace_us > 0 spaces the steps by that many microseconds (busy-waiting). */
static pid_t
spawn_writer (const char                 *name,
              gsize                       size,
              const ShmlensWriterOptions *options,
              StartBarrier               *start,
              gint64                      pace_us)
{
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* _exit() leaves no pointer to free: a leak checker following the child would
       * call anything not freed before it lost */
      char *path = g_strconcat ("/dev/shm/", name, NULL);
      int fd = open (path, O_RDWR | O_CLOEXEC);
      guint8 *base = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      ShmlensWriter *writer;

      g_free (path);
      if (fd < 0 || (void *) base == MAP_FAILED)
        _exit (10);
      close (fd);
      start_barrier_wait (start);
      writer = shmlens_writer_new (base, size, options, NULL);
      if (writer == NULL)
        _exit (11);
      while (!shmlens_writer_is_done (writer))
        {
          gint64 now = g_get_monotonic_time ();

          shmlens_writer_step (writer, now);
          while (pace_us > 0 && g_get_monotonic_time () < now + pace_us)
            ;
        }
      if (shmlens_writer_get_iterations (writer) != options->iterations)
        _exit (12);
      shmlens_writer_free (writer);
      _exit (0);
    }
  return pid;
}

/* ---- names and layouts ---- */

static void
test_writer_names (void)
{
  static const char * const patterns[] = {
    "counter", "random", "message", "wave", "race", "ring", "seqlock",
  };
  static const char * const syncs[] = { "none", "atomic", "mutex" };
  ShmlensWriterPattern pattern;
  ShmlensWriterSync sync;

  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_assert_cmpstr (shmlens_writer_pattern_to_string ((ShmlensWriterPattern) i), ==,
                       patterns[i]);
      g_assert_true (shmlens_writer_pattern_from_string (patterns[i], &pattern));
      g_assert_cmpint (pattern, ==, i);
    }
  for (guint i = 0; i < G_N_ELEMENTS (syncs); i++)
    {
      g_assert_cmpstr (shmlens_writer_sync_to_string ((ShmlensWriterSync) i), ==, syncs[i]);
      g_assert_true (shmlens_writer_sync_from_string (syncs[i], &sync));
      g_assert_cmpint (sync, ==, i);
    }
  g_assert_false (shmlens_writer_pattern_from_string ("counters", &pattern));
  g_assert_false (shmlens_writer_pattern_from_string ("", &pattern));
  g_assert_false (shmlens_writer_pattern_from_string (NULL, &pattern));
  g_assert_false (shmlens_writer_sync_from_string ("Mutex", &sync));
  g_assert_false (shmlens_writer_sync_from_string (NULL, &sync));
}

/* The header each pattern names is the one it was compiled with: the layout engine
 * finds the type in it with the size and alignment the writer uses. */
static void
test_writer_layouts_match_the_writers (void)
{
  static const struct
  {
    ShmlensWriterPattern pattern;
    const char *file;
    const char *type_name;
    guint64 size;
    guint64 alignment;
  } expected[] = {
    { SHMLENS_WRITER_COUNTER, "counters.h", "struct counters", sizeof (struct counters), 8 },
    { SHMLENS_WRITER_MESSAGE, "message.h", "struct message", sizeof (struct message), 8 },
    { SHMLENS_WRITER_WAVE, "wave.h", "struct wave", sizeof (struct wave), 8 },
    { SHMLENS_WRITER_RACE, "race.h", "struct race", sizeof (struct race), 8 },
    { SHMLENS_WRITER_RING, "ringbuffer.h", "struct ring_buffer", sizeof (struct ring_buffer), 64 },
    { SHMLENS_WRITER_SEQLOCK, "seqlock.h", "struct seqlock", sizeof (struct seqlock), 8 },
  };
  const char *type_name = "unset";

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      ShmlensWriterPattern pattern = expected[i].pattern;
      ShmlensType *type = NULL;
      g_autoptr(ShmlensLayout) layout = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (shmlens_writer_pattern_get_layout (pattern, &type_name), ==,
                       expected[i].file);
      g_assert_cmpstr (type_name, ==, expected[i].type_name);
      layout = pattern_layout (pattern, &type);
      g_assert_cmpuint (shmlens_type_get_size (type), ==, expected[i].size);
      g_assert_cmpuint (shmlens_type_get_alignment (type), ==, expected[i].alignment);
      g_assert_cmpuint (shmlens_writer_pattern_get_alignment (pattern), ==, expected[i].alignment);
      /* the header's default type, what the structure view applies first */
      g_assert_true (shmlens_layout_get_default_type (layout, &error) == type);
      g_assert_no_error (error);
      if (pattern == SHMLENS_WRITER_MESSAGE)
        g_assert_cmpuint (shmlens_writer_pattern_get_min_size (pattern), <, expected[i].size);
      else
        g_assert_cmpuint (shmlens_writer_pattern_get_min_size (pattern), ==, expected[i].size);
    }

  g_assert_null (shmlens_writer_pattern_get_layout (SHMLENS_WRITER_RANDOM, &type_name));
  g_assert_null (type_name);
  g_assert_cmpuint (shmlens_writer_pattern_get_min_size (SHMLENS_WRITER_RANDOM), >=, 1);
  g_assert_cmpuint (shmlens_writer_pattern_get_min_size (SHMLENS_WRITER_RANDOM), <=, 64);
  g_assert_cmpuint (shmlens_writer_pattern_get_alignment (SHMLENS_WRITER_RANDOM), ==, 1);
}

/* ---- counter ---- */

static void
test_writer_counter (void)
{
  g_autoptr(Segment) segment = segment_new ("counter", 4096, FALSE);
  const guint64 offset = 512;
  const guint64 length = sizeof (struct counters);
  ShmlensWriterOptions options = { .pattern = SHMLENS_WRITER_COUNTER, .offset = offset, .slot = 2 };
  g_autoptr(ShmlensWriter) writer = writer_new (segment, &options);
  g_autoptr(ShmlensWriter) other = NULL;
  g_autoptr(ShmlensWriter) limited = NULL;
  g_autofree guint8 *bytes = NULL;
  struct counters counters;

  for (guint i = 1; i <= 1000; i++)
    {
      shmlens_writer_step (writer, 5000000 + i);
      if (i % 250 == 0)
        {
          segment_read_into (segment, offset, &counters, sizeof counters);
          g_assert_cmpuint (counters.slots[2].counter, ==, i);
          g_assert_cmpuint (counters.slots[2].heartbeat, ==, 5000000 + i);
        }
    }
  g_assert_cmpuint (shmlens_writer_get_iterations (writer), ==, 1000);
  g_assert_false (shmlens_writer_is_done (writer));

  bytes = segment_read (segment);
  memcpy (&counters, bytes + offset, sizeof counters);
  g_assert_cmphex (counters.magic, ==, COUNTERS_MAGIC);
  g_assert_cmpmem (bytes + offset, 4, "CNTR", 4);
  g_assert_cmpuint (counters.n_slots, ==, 3);
  g_assert_cmpint (counters.slots[2].pid, ==, getpid ());
  g_assert_cmpuint (counters.slots[2].state, ==, COUNTER_RUNNING);
  /* the first writer set the region up: the other slots are free and zero */
  g_assert_cmpint (counters.slots[0].pid, ==, 0);
  g_assert_cmpuint (counters.slots[0].state, ==, COUNTER_FREE);
  g_assert_cmpuint (counters.slots[15].counter, ==, 0);
  /* the structure view reads the same from the header */
  g_assert_cmpfloat (decode_number (SHMLENS_WRITER_COUNTER, bytes, segment->size, offset,
                                    "slots[2].counter"), ==, 1000);
  g_assert_cmpfloat (decode_number (SHMLENS_WRITER_COUNTER, bytes, segment->size, offset,
                                    "slots[2].pid"), ==, getpid ());
  g_assert_cmpfloat (decode_number (SHMLENS_WRITER_COUNTER, bytes, segment->size, offset,
                                    "n_slots"), ==, 3);
  assert_outside_unchanged (segment, bytes, offset, length);

  /* a second writer joins: it keeps what the first wrote */
  options.slot = 0;
  other = writer_new (segment, &options);
  shmlens_writer_step (other, 7);
  shmlens_writer_step (writer, 8);
  segment_read_into (segment, offset, &counters, sizeof counters);
  g_assert_cmpuint (counters.n_slots, ==, 3);
  g_assert_cmpuint (counters.slots[2].counter, ==, 1001);
  g_assert_cmpuint (counters.slots[0].counter, ==, 1);
  g_assert_cmpuint (counters.slots[0].heartbeat, ==, 7);
  g_assert_cmpuint (counters.slots[0].state, ==, COUNTER_RUNNING);

  /* a stopped writer leaves its numbers and says it stopped */
  g_clear_pointer (&other, shmlens_writer_free);
  segment_read_into (segment, offset, &counters, sizeof counters);
  g_assert_cmpuint (counters.slots[0].state, ==, COUNTER_STOPPED);
  g_assert_cmpuint (counters.slots[0].counter, ==, 1);

  /* a limit of iterations */
  options.slot = 5;
  options.iterations = 10;
  limited = writer_new (segment, &options);
  for (guint i = 0; i < 25; i++)
    shmlens_writer_step (limited, i);
  g_assert_true (shmlens_writer_is_done (limited));
  g_assert_cmpuint (shmlens_writer_get_iterations (limited), ==, 10);
  segment_read_into (segment, offset, &counters, sizeof counters);
  g_assert_cmpuint (counters.slots[5].counter, ==, 10);
  g_assert_cmpuint (counters.n_slots, ==, 6);

  g_free (bytes);
  bytes = segment_read (segment);
  assert_outside_unchanged (segment, bytes, offset, length);
}

/* ---- random ---- */

static gsize
count_equal (const guint8 *a,
             const guint8 *b,
             gsize         length)
{
  gsize equal = 0;

  for (gsize i = 0; i < length; i++)
    equal += a[i] == b[i];
  return equal;
}

static void
test_writer_random (void)
{
  g_autoptr(Segment) segment = segment_new ("random", 16384, FALSE);
  g_autoptr(Segment) twin = segment_new ("random-twin", 16384, TRUE);
  g_autoptr(Segment) tail = segment_new ("random-tail", 8192, FALSE);
  /* an odd offset and length: random needs no alignment */
  ShmlensWriterOptions options = {
    .pattern = SHMLENS_WRITER_RANDOM, .offset = 1001, .length = 5003, .seed = 42,
  };
  g_autoptr(ShmlensWriter) writer = writer_new (segment, &options);
  g_autoptr(ShmlensWriter) twin_writer = writer_new (twin, &options);
  g_autoptr(ShmlensWriter) tail_writer = NULL;
  g_autofree guint8 *first = NULL;
  g_autofree guint8 *second = NULL;
  g_autofree guint8 *twin_bytes = NULL;
  g_autofree guint8 *tail_bytes = NULL;

  /* setting up writes nothing */
  first = segment_read (segment);
  g_assert_cmpmem (first, segment->size, segment->original, segment->size);
  g_clear_pointer (&first, g_free);

  shmlens_writer_step (writer, 1);
  first = segment_read (segment);
  assert_outside_unchanged (segment, first, 1001, 5003);
  /* random bytes match the old ones about once in 256 */
  g_assert_cmpuint (count_equal (first + 1001, segment->original + 1001, 5003), <, 100);
  g_assert_cmpuint (first[1001 + 5002], !=, segment->original[1001 + 5002]);

  shmlens_writer_step (writer, 2);
  second = segment_read (segment);
  assert_outside_unchanged (segment, second, 1001, 5003);
  g_assert_cmpuint (count_equal (first + 1001, second + 1001, 5003), <, 100);
  g_assert_cmpuint (shmlens_writer_get_iterations (writer), ==, 2);

  /* the same seed, the same bytes */
  shmlens_writer_step (twin_writer, 1);
  twin_bytes = segment_read (twin);
  g_assert_cmpmem (twin_bytes + 1001, 5003, first + 1001, 5003);

  /* length 0: to the end of the segment */
  options.offset = 8000;
  options.length = 0;
  tail_writer = writer_new (tail, &options);
  shmlens_writer_step (tail_writer, 1);
  tail_bytes = segment_read (tail);
  assert_outside_unchanged (tail, tail_bytes, 8000, 192);
  g_assert_cmpuint (count_equal (tail_bytes + 8000, tail->original + 8000, 192), <, 20);
}

/* ---- message ---- */

static void
test_writer_message (void)
{
  g_autoptr(Segment) segment = segment_new ("message", 4096, FALSE);
  ShmlensWriterOptions options = { .pattern = SHMLENS_WRITER_MESSAGE, .offset = 1024, .length = 300 };
  g_autoptr(ShmlensWriter) writer = writer_new (segment, &options);
  g_autoptr(ShmlensWriter) small = NULL;
  g_autoptr(ShmlensWriter) whole = NULL;
  g_autofree guint8 *bytes = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *expected_text = NULL;
  struct message message;
  const char *greeting = "Grüße aus dem zweiten Prozess, über eine lange Leitung";

  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *expected = g_strdup_printf ("Message from first process. #%u", i);

      shmlens_writer_step (writer, 100 + i);
      segment_read_into (segment, 1024, &message, sizeof message);
      g_assert_cmphex (message.magic, ==, MESSAGE_MAGIC);
      g_assert_cmpuint (message.sequence, ==, i);
      g_assert_cmpint (message.writer_pid, ==, getpid ());
      g_assert_cmpuint (message.heartbeat, ==, 100 + i);
      g_assert_cmpstr (message.text, ==, expected);
      /* zeros after the text, up to the end of the block */
      for (gsize j = strlen (expected); j < MESSAGE_TEXT_LEN; j++)
        g_assert_cmpint (message.text[j], ==, 0);
    }
  bytes = segment_read (segment);
  /* the block is 256 bytes: the rest of the region stays as it was */
  assert_outside_unchanged (segment, bytes, 1024, sizeof (struct message));
  shown = decode_text (SHMLENS_WRITER_MESSAGE, bytes, segment->size, 1024, "text");
  g_assert_nonnull (strstr (shown, "Message from first process. #3"));
  g_assert_cmpfloat (decode_number (SHMLENS_WRITER_MESSAGE, bytes, segment->size, 1024,
                                    "sequence"), ==, 3);

  /* a second writer on the same region carries the sequence on, with its own text */
  options.message = greeting;
  whole = writer_new (segment, &options);
  shmlens_writer_step (whole, 200);
  segment_read_into (segment, 1024, &message, sizeof message);
  expected_text = g_strdup_printf ("%s #4", greeting);
  g_assert_cmpstr (message.text, ==, expected_text);
  g_assert_cmpuint (message.sequence, ==, 4);

  /* a small region: the text is cut between two characters, the number stays. The
   * region leaves 39 bytes of text: 34 for the message, whose 35th byte is the second
   * of a "ü", so it keeps 33. */
  options.offset = 2048;
  options.length = 63;
  small = writer_new (segment, &options);
  for (guint i = 0; i < 12; i++)
    shmlens_writer_step (small, i);
  g_clear_pointer (&bytes, g_free);
  bytes = segment_read (segment);
  {
    const char *text = (const char *) bytes + 2048 + offsetof (struct message, text);
    g_autofree char *expected = g_strdup_printf ("%.33s #12", greeting);

    g_assert_cmpint ((guchar) greeting[34] & 0xc0, ==, 0x80);
    g_assert_cmpstr (text, ==, expected);
    g_assert_true (g_utf8_validate (text, -1, NULL));
    for (gsize j = strlen (expected); j < 63 - offsetof (struct message, text); j++)
      g_assert_cmpint (text[j], ==, 0);
  }
  assert_outside_unchanged (segment, bytes, 1024, 2048 + 63 - 1024);
  g_assert_cmpmem (bytes + 1024 + 256, 2048 - 1024 - 256,
                   segment->original + 1024 + 256, 2048 - 1024 - 256);
}

/* ---- wave ---- */

static void
test_writer_wave (void)
{
  g_autoptr(Segment) segment = segment_new ("wave", 4096, FALSE);
  g_autoptr(Segment) twin = segment_new ("wave-twin", 4096, TRUE);
  const guint64 offset = 2000;
  ShmlensWriterOptions options = { .pattern = SHMLENS_WRITER_WAVE, .offset = offset, .seed = 21 };
  g_autoptr(ShmlensWriter) writer = writer_new (segment, &options);
  g_autoptr(ShmlensWriter) twin_writer = writer_new (twin, &options);
  g_autofree guint8 *bytes = NULL;
  gboolean saw_noise = FALSE;

  for (guint64 n = 0; n < 200; n++)
    {
      struct wave wave, twin_wave;
      guint k = (guint) ((n + 21) % WAVE_PERIOD);
      double sine = WAVE_AMPLITUDE * sin (2.0 * G_PI * k / WAVE_PERIOD);

      shmlens_writer_step (writer, 1000 + n);
      shmlens_writer_step (twin_writer, 1000 + n);
      segment_read_into (segment, offset, &wave, sizeof wave);
      segment_read_into (twin, offset, &twin_wave, sizeof twin_wave);

      g_assert_cmphex (wave.magic, ==, WAVE_MAGIC);
      g_assert_cmpint (wave.writer_pid, ==, getpid ());
      g_assert_cmpuint (wave.heartbeat, ==, 1000 + n);
      g_assert_cmpuint (wave.sample, ==, n);
      g_assert_cmpuint (wave.period, ==, WAVE_PERIOD);
      g_assert_cmpuint (wave.phase, ==, 21);
      g_assert_cmpfloat_with_epsilon (wave.sine, sine, 1e-9);
      g_assert_cmpint (wave.square, ==, k < WAVE_PERIOD / 2 ? WAVE_AMPLITUDE : -WAVE_AMPLITUDE);
      g_assert_cmpfloat_with_epsilon (wave.sawtooth,
                                      -WAVE_AMPLITUDE + 2.0 * WAVE_AMPLITUDE * k / WAVE_PERIOD,
                                      1e-4);
      g_assert_cmpfloat (fabs (wave.noisy_sine - sine), <=, WAVE_NOISE + 1e-4);
      saw_noise |= fabs (wave.noisy_sine - sine) > 0.01;
      /* the same seed, the same noise */
      g_assert_true (memcmp (&wave.noisy_sine, &twin_wave.noisy_sine, sizeof (float)) == 0);
    }
  g_assert_true (saw_noise);

  bytes = segment_read (segment);
  assert_outside_unchanged (segment, bytes, offset, sizeof (struct wave));
  g_assert_cmpfloat (decode_number (SHMLENS_WRITER_WAVE, bytes, segment->size, offset, "sample"),
                     ==, 199);
  g_assert_cmpfloat (decode_number (SHMLENS_WRITER_WAVE, bytes, segment->size, offset, "square"),
                     ==, ((199 + 21) % WAVE_PERIOD) < WAVE_PERIOD / 2 ? WAVE_AMPLITUDE : -WAVE_AMPLITUDE);

  /* a writer that joins carries on from the next sample */
  {
    g_autoptr(ShmlensWriter) next = writer_new (segment, &options);
    struct wave wave;

    shmlens_writer_step (next, 5);
    segment_read_into (segment, offset, &wave, sizeof wave);
    g_assert_cmpuint (wave.sample, ==, 200);
  }
}

/* ---- ring ---- */

static void
test_writer_ring (void)
{
  g_autoptr(Segment) segment = segment_new ("ring", 16384, FALSE);
  const guint64 offset = 4096 + 64;
  ShmlensWriterOptions options = { .pattern = SHMLENS_WRITER_RING, .offset = offset, .slot = 3 };
  g_autoptr(ShmlensWriter) writer = writer_new (segment, &options);
  g_autofree char *producer = g_strdup_printf ("pid %d", (int) getpid ());
  g_autofree guint8 *bytes = NULL;
  g_autofree char *payload = NULL;
  struct ring_buffer *ring = g_malloc (sizeof *ring);
  struct ring_buffer *mapped = (struct ring_buffer *) (segment->base + offset);

  for (guint i = 0; i < 10; i++)
    shmlens_writer_step (writer, 1000 + i);
  segment_read_into (segment, offset, ring, sizeof *ring);
  g_assert_cmphex (ring->magic, ==, RING_MAGIC);
  g_assert_cmpuint (ring->record_size, ==, RING_RECORD_SIZE);
  g_assert_cmpuint (ring->capacity, ==, RING_CAPACITY);
  g_assert_cmpstr (ring->producer, ==, producer);
  g_assert_cmpint (ring->producer_pid, ==, getpid ());
  g_assert_cmpuint (ring->heartbeat, ==, 1009);
  g_assert_cmpuint (atomic_load (&ring->head.position), ==, 10);
  g_assert_cmpuint (atomic_load (&ring->tail.position), ==, 0);
  g_assert_cmpuint (atomic_load (&ring->dropped), ==, 0);
  for (guint i = 0; i < 10; i++)
    {
      struct ring_record *record = &ring->records[i];
      g_autofree char *text = g_strdup_printf ("record %u from pid %d", i, (int) getpid ());

      g_assert_cmpuint (record->header.sequence, ==, i);
      g_assert_cmpuint (record->header.timestamp_ns, ==, (1000 + i) * 1000);
      g_assert_cmpuint (record->header.level, ==, i % 4);
      g_assert_cmpuint (record->header.source, ==, 3);
      g_assert_cmpuint (record->header.length, ==, strlen (text));
      g_assert_cmpstr (record->payload, ==, text);
    }
  /* records not yet written keep the zeros of the set-up */
  g_assert_cmpuint (ring->records[10].header.length, ==, 0);

  /* a consumer takes 6 records: there is room, nothing is dropped */
  atomic_store (&mapped->tail.position, 6);
  for (guint i = 10; i < 38; i++)
    shmlens_writer_step (writer, 1000 + i);
  segment_read_into (segment, offset, ring, sizeof *ring);
  g_assert_cmpuint (atomic_load (&ring->head.position), ==, 38);
  g_assert_cmpuint (atomic_load (&ring->tail.position), ==, 6);
  g_assert_cmpuint (atomic_load (&ring->dropped), ==, 0);
  /* full: the next record drops the oldest */
  shmlens_writer_step (writer, 1038);
  segment_read_into (segment, offset, ring, sizeof *ring);
  g_assert_cmpuint (atomic_load (&ring->head.position), ==, 39);
  g_assert_cmpuint (atomic_load (&ring->tail.position), ==, 7);
  g_assert_cmpuint (atomic_load (&ring->dropped), ==, 1);

  /* no consumer: the head chases the tail round the ring */
  for (guint i = 39; i < 100; i++)
    shmlens_writer_step (writer, 1000 + i);
  bytes = segment_read (segment);
  memcpy (ring, bytes + offset, sizeof *ring);
  g_assert_cmpuint (atomic_load (&ring->head.position), ==, 100);
  g_assert_cmpuint (atomic_load (&ring->tail.position), ==, 100 - RING_CAPACITY);
  g_assert_cmpuint (atomic_load (&ring->dropped), ==, 100 - RING_CAPACITY - 6);
  g_assert_cmpuint (ring->head.wraps, ==, 100 / RING_CAPACITY);
  g_assert_cmpuint (ring->tail.wraps, ==, (100 - RING_CAPACITY) / RING_CAPACITY);
  for (guint64 position = 100 - RING_CAPACITY; position < 100; position++)
    g_assert_cmpuint (ring->records[ring_index (position)].header.sequence, ==, position);
  g_assert_cmpuint (shmlens_writer_get_iterations (writer), ==, 100);

  /* the structure view decodes the packed bit-field and the text */
  g_assert_cmpfloat (decode_number (SHMLENS_WRITER_RING, bytes, segment->size, offset,
                                    "records[3].header.level"), ==, 99 % 4);
  g_assert_cmpfloat (decode_number (SHMLENS_WRITER_RING, bytes, segment->size, offset,
                                    "head.position"), ==, 100);
  payload = decode_text (SHMLENS_WRITER_RING, bytes, segment->size, offset, "records[3].payload");
  g_assert_nonnull (strstr (payload, "record 99 from pid"));

  assert_outside_unchanged (segment, bytes, offset, sizeof (struct ring_buffer));
  g_free (ring);
}

/* ---- seqlock ---- */

static void
test_writer_seqlock_steps (void)
{
  g_autoptr(Segment) segment = segment_new ("seqlock", 4096, FALSE);
  const guint64 offset = 1536;
  ShmlensWriterOptions options = { .pattern = SHMLENS_WRITER_SEQLOCK, .offset = offset };
  g_autoptr(ShmlensWriter) writer = writer_new (segment, &options);
  ShmlensWriterSeqlockRecord record;
  union
  {
    struct seqlock block;
    guint8 bytes[sizeof (struct seqlock)];
  } raw;
  guint8 *snapshot = raw.bytes;
  struct seqlock *copy = &raw.block;
  g_autofree guint8 *bytes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean torn = TRUE;
  guint retries = 99;

  /* set up over garbage: zeros are a consistent record, update 0 */
  segment_read_into (segment, offset, snapshot, sizeof raw.bytes);
  g_assert_true (shmlens_writer_seqlock_read (snapshot, sizeof raw.bytes, 0, &record, &torn));
  g_assert_false (torn);
  g_assert_cmpuint (record.sequence, ==, 0);

  for (guint64 u = 1; u <= 100; u++)
    {
      shmlens_writer_step (writer, 40 + u);
      segment_read_into (segment, offset, snapshot, sizeof raw.bytes);
      g_assert_true (shmlens_writer_seqlock_read (snapshot, sizeof raw.bytes, 0, &record, &torn));
      g_assert_false (torn);
      g_assert_cmpuint (record.sequence, ==, 2 * u);
      g_assert_cmpuint (record.value, ==, u);
      for (guint w = 0; w < 4; w++)
        g_assert_cmpuint (record.words[w], ==, u);
      g_assert_cmpuint (record.checksum, ==, SEQLOCK_CHECKSUM (u));
      g_assert_cmpint (record.writer_pid, ==, getpid ());
      g_assert_cmpuint (record.heartbeat, ==, 40 + u);
    }

  g_assert_true (shmlens_writer_seqlock_read_consistent (segment->reader, offset, &record,
                                                         &retries, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (retries, ==, 0);
  g_assert_cmpuint (record.value, ==, 100);

  bytes = segment_read (segment);
  assert_outside_unchanged (segment, bytes, offset, sizeof (struct seqlock));
  g_assert_true (shmlens_writer_seqlock_read (bytes, segment->size, offset, &record, &torn));
  g_assert_false (torn);
  g_assert_cmpfloat (decode_number (SHMLENS_WRITER_SEQLOCK, bytes, segment->size, offset,
                                    "record.c"), ==, 100);

  /* what a torn copy looks like */
  segment_read_into (segment, offset, snapshot, sizeof raw.bytes);
  copy->sequence = 201;                         /* an update under way */
  g_assert_true (shmlens_writer_seqlock_read (snapshot, sizeof raw.bytes, 0, &record, &torn));
  g_assert_true (torn);
  segment_read_into (segment, offset, snapshot, sizeof raw.bytes);
  copy->record.c = 101;                         /* half the words of the next update */
  copy->record.d = 101;
  g_assert_true (shmlens_writer_seqlock_read (snapshot, sizeof raw.bytes, 0, &record, &torn));
  g_assert_true (torn);
  segment_read_into (segment, offset, snapshot, sizeof raw.bytes);
  copy->record.checksum ^= 1;
  g_assert_true (shmlens_writer_seqlock_read (snapshot, sizeof raw.bytes, 0, &record, &torn));
  g_assert_true (torn);
  segment_read_into (segment, offset, snapshot, sizeof raw.bytes);
  copy->sequence = 202;                         /* a whole record, not the one counted */
  g_assert_true (shmlens_writer_seqlock_read (snapshot, sizeof raw.bytes, 0, &record, &torn));
  g_assert_true (torn);
  /* not a seqlock region */
  g_assert_false (shmlens_writer_seqlock_read (snapshot, sizeof raw.bytes - 1, 0, &record, &torn));
  g_assert_false (shmlens_writer_seqlock_read (snapshot, sizeof raw.bytes, 8, &record, &torn));
  g_assert_false (shmlens_writer_seqlock_read (segment->original, segment->size, offset,
                                               &record, &torn));
  g_assert_false (shmlens_writer_seqlock_read_consistent (segment->reader, 0, &record, NULL,
                                                          &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (shmlens_writer_seqlock_read_consistent (segment->reader, 4090, &record, NULL,
                                                          &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* Two writer processes share one record at full speed: they take turns, so the
 * sequence counts every update of both. */
static void
test_writer_seqlock_writers_take_turns (void)
{
  g_autoptr(Segment) segment = segment_new ("seqlock-turns", 4096, TRUE);
  const guint64 steps = 300000;
  ShmlensWriterOptions options = {
    .pattern = SHMLENS_WRITER_SEQLOCK, .offset = 64, .iterations = steps,
  };
  ShmlensWriterSeqlockRecord record;
  g_autoptr(GError) error = NULL;
  pid_t pids[2];
  StartBarrier *start = start_barrier_new (G_N_ELEMENTS (pids));

  for (guint i = 0; i < G_N_ELEMENTS (pids); i++)
    pids[i] = spawn_writer (segment->name, segment->size, &options, start, 0);
  for (guint i = 0; i < G_N_ELEMENTS (pids); i++)
    assert_child_succeeded (pids[i], 60);

  g_assert_true (shmlens_writer_seqlock_read_consistent (segment->reader, 64, &record, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (record.sequence, ==, 2 * 2 * steps);
  g_assert_cmpuint (record.value, ==, 2 * steps);
  g_assert_true (record.writer_pid == pids[0] || record.writer_pid == pids[1]);
  start_barrier_free (start);
}

/* A reader following the protocol through pread never keeps a torn record while a
 * writer process updates it; plain copies taken meanwhile may be torn, and the
 * snapshot check says which. */
static void
test_writer_seqlock_readers_see_whole_records (void)
{
  g_autoptr(Segment) segment = segment_new ("seqlock-read", 4096, TRUE);
  ShmlensWriterOptions options = {
    .pattern = SHMLENS_WRITER_SEQLOCK, .offset = 128, .iterations = 40000,
  };
  guint64 last = 0;
  guint n_reads = 0, n_retries = 0, n_snapshots = 0, n_torn = 0;
  pid_t pid = spawn_writer (segment->name, segment->size, &options, NULL, 10);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  int status;

  /* until the writer has set the region up */
  for (;;)
    {
      ShmlensWriterSeqlockRecord record;
      guint8 snapshot[sizeof (struct seqlock)];

      segment_read_into (segment, 128, snapshot, sizeof snapshot);
      if (shmlens_writer_seqlock_read (snapshot, sizeof snapshot, 0, &record, NULL))
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }

  while (waitpid (pid, &status, WNOHANG) == 0)
    {
      ShmlensWriterSeqlockRecord record;
      g_autoptr(GError) error = NULL;
      guint8 snapshot[sizeof (struct seqlock)];
      guint retries = 0;
      gboolean torn;

      shmlens_writer_seqlock_read_consistent (segment->reader, 128, &record, &retries, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (record.sequence, ==, 2 * record.value);
      for (guint w = 0; w < 4; w++)
        g_assert_cmpuint (record.words[w], ==, record.value);
      g_assert_cmpuint (record.checksum, ==, SEQLOCK_CHECKSUM (record.value));
      g_assert_cmpuint (record.value, >=, last);
      last = record.value;
      n_reads++;
      n_retries += retries;

      segment_read_into (segment, 128, snapshot, sizeof snapshot);
      if (shmlens_writer_seqlock_read (snapshot, sizeof snapshot, 0, &record, &torn))
        {
          n_snapshots++;
          n_torn += torn;
        }
    }
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_test_message ("%u consistent reads (%u retried), %u plain copies of which %u torn",
                  n_reads, n_retries, n_snapshots, n_torn);
  g_assert_cmpuint (n_reads, >, 100);
  g_assert_cmpuint (last, >, 0);
}

/* A writer that died halfway through an update left the sequence odd: the next
 * writer waits a little, then takes the update over, and the record is whole again. */
static void
test_writer_seqlock_takes_over_a_dead_update (void)
{
  g_autoptr(Segment) segment = segment_new ("seqlock-dead", 4096, TRUE);
  ShmlensWriterOptions options = { .pattern = SHMLENS_WRITER_SEQLOCK };
  g_autoptr(ShmlensWriter) writer = writer_new (segment, &options);
  struct seqlock *mapped = (struct seqlock *) segment->base;
  ShmlensWriterSeqlockRecord record;
  g_autoptr(GError) error = NULL;
  gint64 begin;

  for (guint i = 0; i < 3; i++)
    shmlens_writer_step (writer, i);
  /* the dead writer's half update: sequence 7, two words of update 4 */
  mapped->sequence = 7;
  mapped->record.a = 4;
  mapped->record.b = 4;

  begin = g_get_monotonic_time ();
  shmlens_writer_step (writer, 10);
  g_assert_cmpint (g_get_monotonic_time () - begin, >=, G_USEC_PER_SEC);
  g_assert_true (shmlens_writer_seqlock_read_consistent (segment->reader, 0, &record, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (record.sequence, ==, 10);
  g_assert_cmpuint (record.value, ==, 5);
}

/* ---- race ---- */

static void
read_race (Segment     *segment,
           guint64      offset,
           struct race *race)
{
  segment_read_into (segment, offset, race, sizeof *race);
  g_assert_cmphex (race->magic, ==, RACE_MAGIC);
  g_assert_cmpuint (race->init_state, ==, RACE_READY);
}

/* Runs @n_writers writer processes with @sync and @iterations each, in slots
 * @first_slot…, started together; they must all finish. */
static void
run_race (Segment           *segment,
          guint64            offset,
          ShmlensWriterSync  sync,
          guint              n_writers,
          guint              first_slot,
          guint64            iterations,
          pid_t             *pids)
{
  StartBarrier *start = start_barrier_new (n_writers);
  ShmlensWriterOptions options = {
    .pattern = SHMLENS_WRITER_RACE, .offset = offset, .sync = sync, .iterations = iterations,
  };

  for (guint i = 0; i < n_writers; i++)
    {
      options.slot = first_slot + i;
      pids[i] = spawn_writer (segment->name, segment->size, &options, start, 0);
    }
  for (guint i = 0; i < n_writers; i++)
    assert_child_succeeded (pids[i], 100);
  start_barrier_free (start);
}

static void
assert_race_exact (ShmlensWriterSync sync,
                   guint             n_writers,
                   guint64           iterations)
{
  g_autoptr(Segment) segment = segment_new ("race", 8192, FALSE);
  const guint64 offset = 2048;
  g_autofree guint8 *bytes = NULL;
  struct race race;
  pid_t pids[4];
  gint64 begin = g_get_monotonic_time ();

  g_assert_cmpuint (n_writers, <=, G_N_ELEMENTS (pids));
  run_race (segment, offset, sync, n_writers, 0, iterations, pids);
  g_test_message ("%u %s writers, %" G_GUINT64_FORMAT " increments each: %.2f s", n_writers,
                  shmlens_writer_sync_to_string (sync), iterations,
                  (g_get_monotonic_time () - begin) / 1e6);

  read_race (segment, offset, &race);
  g_assert_cmpuint (race.counter, ==, n_writers * iterations);
  g_assert_cmpuint (race.expected, ==, n_writers * iterations);
  g_assert_cmpuint (race.target, ==, n_writers * iterations);
  g_assert_cmpuint (race.n_writers, ==, n_writers);
  g_assert_cmpuint (race.n_done, ==, n_writers);
  g_assert_cmpuint (race.owners_died, ==, 0);
  for (guint i = 0; i < n_writers; i++)
    {
      g_assert_cmpint (race.writers[i].pid, ==, pids[i]);
      g_assert_cmpuint (race.writers[i].sync, ==, sync);
      g_assert_cmpuint (race.writers[i].iterations, ==, iterations);
      g_assert_cmpuint (race.writers[i].made, ==, iterations);
      g_assert_cmpuint (race.writers[i].done, ==, 1);
      g_assert_cmpuint (race.writers[i].heartbeat, >, 0);
    }
  g_assert_cmpint (race.writers[n_writers].pid, ==, 0);

  bytes = segment_read (segment);
  assert_outside_unchanged (segment, bytes, offset, sizeof (struct race));
  g_assert_cmpfloat (decode_number (SHMLENS_WRITER_RACE, bytes, segment->size, offset, "counter"),
                     ==, (double) (n_writers * iterations));
}

static void
test_writer_race_atomic_is_exact (void)
{
  assert_race_exact (SHMLENS_WRITER_SYNC_ATOMIC, 4, 2000000);
}

static void
test_writer_race_mutex_is_exact (void)
{
  assert_race_exact (SHMLENS_WRITER_SYNC_MUTEX, 4, 1000000);
}

/* Without synchronisation, two processes on two cores lose updates. */
static void
test_writer_race_none_loses_updates (void)
{
  g_autoptr(Segment) segment = segment_new ("race-none", 4096, TRUE);
  const guint64 iterations = 100000000;
  struct race race;
  pid_t pids[2];
  gint64 begin = g_get_monotonic_time ();

  if (sysconf (_SC_NPROCESSORS_ONLN) < 2)
    {
      g_test_skip ("one processor: the writers never run at the same time");
      return;
    }
  run_race (segment, 0, SHMLENS_WRITER_SYNC_NONE, 2, 0, iterations, pids);
  read_race (segment, 0, &race);
  g_test_message ("%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " increments lost in %.2f s",
                  race.expected - race.counter, race.expected,
                  (g_get_monotonic_time () - begin) / 1e6);
  g_assert_cmpuint (race.expected, ==, 2 * iterations);
  g_assert_cmpuint (race.n_done, ==, 2);
  g_assert_cmpuint (race.counter, <, race.expected);
  /* not even one writer's increments are sure to count: one that was preempted
   * between its load and its store stores an old value plus one over all that the
   * other added meanwhile */
  g_assert_cmpuint (race.counter, >, 0);
}

/* Writers that start at the same moment set the region (and its mutex) up once. */
static void
test_writer_race_set_up_once (void)
{
  for (guint round = 0; round < 30; round++)
    {
      g_autoptr(Segment) segment = segment_new ("race-init", 4096, round % 2 == 0);
      const guint64 iterations = 5000;
      struct race race;
      pid_t pids[4];
      gboolean by_a_writer = FALSE;

      run_race (segment, 1024, SHMLENS_WRITER_SYNC_MUTEX, G_N_ELEMENTS (pids), 0, iterations, pids);
      read_race (segment, 1024, &race);
      /* a second set-up would have zeroed the counts of those that joined before */
      g_assert_cmpuint (race.n_writers, ==, G_N_ELEMENTS (pids));
      g_assert_cmpuint (race.counter, ==, G_N_ELEMENTS (pids) * iterations);
      g_assert_cmpuint (race.target, ==, G_N_ELEMENTS (pids) * iterations);
      for (guint i = 0; i < G_N_ELEMENTS (pids); i++)
        {
          by_a_writer |= race.initialised_by == pids[i];
          g_assert_cmpint (race.writers[i].pid, ==, pids[i]);
        }
      g_assert_true (by_a_writer);
    }
}

/* A writer killed while it holds the mutex does not stop the others: the next to
 * lock it is told, takes it over, and the count stays exact. */
static void
test_writer_race_robust_mutex (void)
{
  g_autoptr(Segment) segment = segment_new ("race-robust", 4096, FALSE);
  struct race race;
  pid_t pids[3];
  int ready[2];
  pid_t holder;
  int status;
  char byte;

  g_assert_cmpint (pipe (ready), ==, 0);
  holder = fork ();
  g_assert_cmpint (holder, >=, 0);
  if (holder == 0)
    {
      guint8 *base = map_read_write (segment->name, segment->size);
      ShmlensWriterOptions options = {
        .pattern = SHMLENS_WRITER_RACE, .sync = SHMLENS_WRITER_SYNC_MUTEX, .iterations = 1000,
      };
      ShmlensWriter *writer = shmlens_writer_new (base, segment->size, &options, NULL);
      struct race *shared = (struct race *) base;

      if (writer == NULL || pthread_mutex_lock (&shared->lock) != 0)
        _exit (1);
      if (write (ready[1], "L", 1) != 1)
        _exit (2);
      for (;;)
        pause ();
    }
  close (ready[1]);
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
  close (ready[0]);
  g_assert_cmpint (kill (holder, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (holder, &status, 0), ==, holder);
  g_assert_true (WIFSIGNALED (status));

  run_race (segment, 0, SHMLENS_WRITER_SYNC_MUTEX, G_N_ELEMENTS (pids), 1, 100000, pids);
  read_race (segment, 0, &race);
  g_assert_cmpuint (race.owners_died, ==, 1);
  g_assert_cmpuint (race.counter, ==, G_N_ELEMENTS (pids) * 100000);
  g_assert_cmpuint (race.n_writers, ==, 1 + G_N_ELEMENTS (pids));
  g_assert_cmpuint (race.n_done, ==, G_N_ELEMENTS (pids));
  g_assert_cmpint (race.writers[0].pid, ==, holder);
  g_assert_cmpuint (race.writers[0].done, ==, 0);
  g_assert_cmpuint (race.writers[0].made, ==, 0);
}

/* The same with a writer killed at a random moment of its run: the other finishes. */
static void
test_writer_race_writer_killed_midway (void)
{
  g_autoptr(Segment) segment = segment_new ("race-killed", 4096, TRUE);
  StartBarrier *start = start_barrier_new (2);
  ShmlensWriterOptions options = {
    .pattern = SHMLENS_WRITER_RACE, .sync = SHMLENS_WRITER_SYNC_MUTEX,
  };
  const guint64 iterations = 1000000;
  struct race race;
  pid_t victim, survivor;
  int status;

  options.slot = 0;
  options.iterations = 0;       /* no limit: it runs until it is killed */
  victim = spawn_writer (segment->name, segment->size, &options, start, 0);
  options.slot = 1;
  options.iterations = iterations;
  survivor = spawn_writer (segment->name, segment->size, &options, start, 0);
  g_usleep (50000);
  g_assert_cmpint (kill (victim, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (victim, &status, 0), ==, victim);
  g_assert_true (WIFSIGNALED (status));
  assert_child_succeeded (survivor, 100);

  read_race (segment, 0, &race);
  g_test_message ("the killed writer held the lock: %s", race.owners_died ? "yes" : "no");
  g_assert_cmpuint (race.owners_died, <=, 1);
  g_assert_cmpuint (race.writers[1].done, ==, 1);
  g_assert_cmpuint (race.writers[1].made, ==, iterations);
  /* the victim's increments since its last finished batch are in the counter only */
  g_assert_cmpuint (race.counter, >=, iterations + race.writers[0].made);
  g_assert_cmpuint (race.counter, <=, iterations + race.writers[0].made + SHMLENS_WRITER_RACE_BATCH);
  start_barrier_free (start);
}

/* Steps of one process, batches counted exactly. */
static void
test_writer_race_counts_iterations (void)
{
  g_autoptr(Segment) segment = segment_new ("race-steps", 4096, FALSE);
  const guint64 iterations = 2 * SHMLENS_WRITER_RACE_BATCH + 17;
  ShmlensWriterOptions options = {
    .pattern = SHMLENS_WRITER_RACE, .sync = SHMLENS_WRITER_SYNC_ATOMIC,
    .iterations = iterations, .slot = RACE_MAX_WRITERS + 3,    /* no entry of its own */
  };
  g_autoptr(ShmlensWriter) writer = writer_new (segment, &options);
  g_autofree guint8 *bytes = NULL;
  struct race race;
  guint steps = 0;

  while (!shmlens_writer_is_done (writer))
    {
      shmlens_writer_step (writer, 9);
      steps++;
    }
  g_assert_cmpuint (steps, ==, 3);
  g_assert_cmpuint (shmlens_writer_get_iterations (writer), ==, iterations);
  shmlens_writer_step (writer, 10);
  g_assert_cmpuint (shmlens_writer_get_iterations (writer), ==, iterations);

  read_race (segment, 0, &race);
  g_assert_cmpuint (race.counter, ==, iterations);
  g_assert_cmpuint (race.n_done, ==, 1);
  g_assert_cmpint (race.initialised_by, ==, getpid ());
  for (guint i = 0; i < RACE_MAX_WRITERS; i++)
    g_assert_cmpint (race.writers[i].pid, ==, 0);
  bytes = segment_read (segment);
  assert_outside_unchanged (segment, bytes, 0, sizeof (struct race));
}

/* ---- errors ---- */

static void
assert_refused (Segment                    *segment,
                const ShmlensWriterOptions *options,
                const char * const         *words)
{
  g_autoptr(GError) error = NULL;
  ShmlensWriter *writer = shmlens_writer_new (segment->base, segment->size, options, &error);

  g_assert_null (writer);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  for (guint i = 0; words[i] != NULL; i++)
    if (strstr (error->message, words[i]) == NULL)
      g_error ("“%s” is not in the message: %s", words[i], error->message);
}

static void
test_writer_errors (void)
{
  g_autoptr(Segment) segment = segment_new ("errors", 4096, FALSE);
  g_autofree guint8 *bytes = NULL;
  g_autofree char *need = g_strdup_printf ("%zu", sizeof (struct counters));
  g_autofree char *race_need = g_strdup_printf ("%zu", sizeof (struct race));
  ShmlensWriterOptions options = { .pattern = SHMLENS_WRITER_COUNTER, .length = 100 };

  /* too small */
  assert_refused (segment, &options,
                  (const char *[]) { "counter", "offset 0", "100 bytes", "4096", need, NULL });
  /* past the end */
  options.offset = 5000;
  options.length = 0;
  assert_refused (segment, &options, (const char *[]) { "counter", "5000", "4096", NULL });
  options.pattern = SHMLENS_WRITER_RANDOM;
  assert_refused (segment, &options, (const char *[]) { "random", "5000", "4096", NULL });
  options.offset = 4000;
  options.length = 200;
  assert_refused (segment, &options,
                  (const char *[]) { "random", "offset 4000", "200 bytes", "4096", NULL });
  /* the pattern's own size does not fit */
  options.pattern = SHMLENS_WRITER_RACE;
  options.offset = 3584;
  options.length = 0;
  assert_refused (segment, &options,
                  (const char *[]) { "race", "3584", "4096", race_need, "512", NULL });
  /* a ring must start on a cache line */
  options.pattern = SHMLENS_WRITER_RING;
  options.offset = 32;
  assert_refused (segment, &options,
                  (const char *[]) { "ring", "offset 32", "4096", "multiple of 64", NULL });
  /* a counter slot that does not exist */
  options.pattern = SHMLENS_WRITER_COUNTER;
  options.offset = 0;
  options.slot = COUNTERS_MAX_SLOTS;
  assert_refused (segment, &options, (const char *[]) { "counter", "slot 16", "0 to 15", NULL });
  /* a message needs room for some text */
  options.pattern = SHMLENS_WRITER_MESSAGE;
  options.slot = 0;
  options.offset = 4096 - 40;
  assert_refused (segment, &options, (const char *[]) { "message", "40 bytes", "4096", NULL });

  /* nothing was written */
  bytes = segment_read (segment);
  g_assert_cmpmem (bytes, segment->size, segment->original, segment->size);
}

/* A writer that died while setting a region up leaves it "initialising": the next
 * one waits, then says so rather than hang. */
static void
test_writer_set_up_left_halfway (void)
{
  g_autoptr(Segment) segment = segment_new ("halfway", 4096, TRUE);
  ShmlensWriterOptions options = {
    .pattern = SHMLENS_WRITER_RACE, .sync = SHMLENS_WRITER_SYNC_MUTEX, .iterations = 1,
  };
  g_autoptr(GError) error = NULL;
  ShmlensWriter *writer;

  ((struct race *) segment->base)->init_state = RACE_INITIALISING;
  writer = shmlens_writer_new (segment->base, segment->size, &options, &error);
  g_assert_null (writer);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "race"));
  g_assert_nonnull (strstr (error->message, "Create the segment again"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shmlens/writer/names", test_writer_names);
  g_test_add_func ("/shmlens/writer/layouts-match-the-writers",
                   test_writer_layouts_match_the_writers);
  g_test_add_func ("/shmlens/writer/counter/counts-in-its-slot", test_writer_counter);
  g_test_add_func ("/shmlens/writer/random/fills-its-region-only", test_writer_random);
  g_test_add_func ("/shmlens/writer/message/text-and-sequence", test_writer_message);
  g_test_add_func ("/shmlens/writer/wave/values-at-each-sample", test_writer_wave);
  g_test_add_func ("/shmlens/writer/ring/head-chases-the-tail", test_writer_ring);
  g_test_add_func ("/shmlens/writer/seqlock/consistent-after-each-step",
                   test_writer_seqlock_steps);
  g_test_add_func ("/shmlens/writer/seqlock/writers-take-turns",
                   test_writer_seqlock_writers_take_turns);
  g_test_add_func ("/shmlens/writer/seqlock/readers-see-whole-records",
                   test_writer_seqlock_readers_see_whole_records);
  g_test_add_func ("/shmlens/writer/seqlock/takes-over-a-dead-update",
                   test_writer_seqlock_takes_over_a_dead_update);
  g_test_add_func ("/shmlens/writer/race/counts-iterations", test_writer_race_counts_iterations);
  g_test_add_func ("/shmlens/writer/race/atomic-is-exact", test_writer_race_atomic_is_exact);
  g_test_add_func ("/shmlens/writer/race/mutex-is-exact", test_writer_race_mutex_is_exact);
  g_test_add_func ("/shmlens/writer/race/none-loses-updates", test_writer_race_none_loses_updates);
  g_test_add_func ("/shmlens/writer/race/set-up-once", test_writer_race_set_up_once);
  g_test_add_func ("/shmlens/writer/race/robust-mutex", test_writer_race_robust_mutex);
  g_test_add_func ("/shmlens/writer/race/writer-killed-midway",
                   test_writer_race_writer_killed_midway);
  g_test_add_func ("/shmlens/writer/errors", test_writer_errors);
  g_test_add_func ("/shmlens/writer/set-up-left-halfway", test_writer_set_up_left_halfway);

  return g_test_run ();
}
