/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-overview.c: a full pass of the overview scanner against memcmp of the same bytes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "shmlens-reader.h"
#include "shmlens-ref.h"
#include "shmlens-tracker.h"

#define MiB ((guint64) 1 << 20)
#define DEFAULT_SIZE_MIB 256
#define PASSES 15
#define GOAL 0.5

static char *name;

static void
remove_segment (void)
{
  if (name != NULL)
    {
      g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
      unlink (path);
      g_clear_pointer (&name, g_free);
    }
}

static G_GNUC_NORETURN void
fail (const char *what,
      const char *why)
{
  fprintf (stderr, "bench-overview: %s: %s\n", what, why);
  remove_segment ();
  exit (1);
}

static guint64
available_memory (void)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/meminfo", &text, NULL, NULL) ||
      (line = strstr (text, "MemAvailable:")) == NULL)
    return G_MAXUINT64;
  return g_ascii_strtoull (line + strlen ("MemAvailable:"), NULL, 10) * 1024;
}

/* Fills the segment with pseudo-random bytes (xorshift64*), 1 MiB at a time. */
static void
create_segment (guint64 size)
{
  g_autofree char *path = NULL;
  g_autofree guint64 *chunk = g_malloc (MiB);
  guint64 state = 0x9e3779b97f4a7c15;
  int fd;

  name = g_strdup_printf ("shmlens-bench-overview-%d", (int) getpid ());
  path = g_strconcat ("/dev/shm/", name, NULL);
  fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    fail (path, g_strerror (errno));
  for (guint64 done = 0; done < size; done += MiB)
    {
      for (gsize i = 0; i < MiB / sizeof (guint64); i++)
        {
          state ^= state >> 12;
          state ^= state << 25;
          state ^= state >> 27;
          chunk[i] = state * 0x2545f4914f6cdd1dULL;
        }
      if (pwrite (fd, chunk, MIN (MiB, size - done), done) != (gssize) MIN (MiB, size - done))
        {
          int saved_errno = errno;
          close (fd);
          fail (path, g_strerror (saved_errno));
        }
    }
  close (fd);
}

static ShmlensReader *
open_reader (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat ("/", name, NULL);
  g_autoptr(ShmlensRef) ref = shmlens_ref_parse (text, &error);
  g_autoptr(ShmlensSegment) segment = NULL;
  ShmlensReader *reader = NULL;

  if (ref != NULL)
    segment = shmlens_ref_resolve (ref, FALSE, &error);
  if (segment != NULL)
    reader = shmlens_reader_open (segment, &error);
  if (reader == NULL)
    fail (text, error->message);
  return reader;
}

static gint64
scan_pass (ShmlensTracker *tracker)
{
  g_autoptr(GError) error = NULL;
  gboolean completed = FALSE;
  gint64 start = g_get_monotonic_time ();

  if (!shmlens_tracker_scan (tracker, G_MAXINT64, &completed, &error))
    fail ("scan", error->message);
  if (!completed)
    fail ("scan", "a pass with an unlimited budget did not complete");
  return g_get_monotonic_time () - start;
}

static void
read_all (ShmlensReader *reader,
          guint8        *buffer,
          guint64        size)
{
  g_autoptr(GError) error = NULL;

  if (shmlens_reader_read (reader, 0, buffer, size, &error) != (gssize) size)
    fail ("read", error != NULL ? error->message : "short read");
}

static double
gb_per_s (guint64 bytes,
          gint64  us)
{
  return (double) bytes / (double) MAX (us, 1) / 1000.0;
}

int
main (void)
{
  g_autoptr(ShmlensReader) reader = NULL;
  g_autoptr(ShmlensTracker) tracker = NULL;
  g_autofree guint8 *now = NULL;
  g_autofree guint8 *before = NULL;
  const char *size_text = g_getenv ("SHMLENS_BENCH_OVERVIEW_MIB");
  guint64 size = (size_text != NULL ? g_ascii_strtoull (size_text, NULL, 10) : DEFAULT_SIZE_MIB) * MiB;
  gint64 best_scan = G_MAXINT64;
  gint64 best_memcmp = G_MAXINT64;
  gint64 best_naive = G_MAXINT64;
  gint64 best_pread = G_MAXINT64;
  guint8 *chunk = NULL;
  volatile int differ = 0;
  double scan_rate, memcmp_rate, naive_rate, pread_rate;
  struct statvfs fs;
  const guint32 *stamps;
  guint n_blocks;

  if (size == 0)
    {
      fprintf (stderr, "bench-overview: SHMLENS_BENCH_OVERVIEW_MIB must be a number of MiB\n");
      return 1;
    }
  /* The segment in /dev/shm, and the naive approach's two copies in memory. */
  if (statvfs ("/dev/shm", &fs) != 0 || (guint64) fs.f_bavail * fs.f_frsize < size + 16 * MiB ||
      available_memory () < 3 * size + 64 * MiB)
    {
      fprintf (stderr, "bench-overview: needs %" G_GUINT64_FORMAT " MiB free in /dev/shm and "
               "three times that in memory; set SHMLENS_BENCH_OVERVIEW_MIB lower\n", size / MiB);
      return 77;
    }

  create_segment (size);
  reader = open_reader ();
  tracker = shmlens_tracker_new (reader);

  /* The naive approach: the segment's bytes, read once into memory, compared with a
   * previous copy. memcmp of equal buffers has to look at every byte, like the scanner
   * on a segment where nothing changed (the common case). */
  now = g_malloc (size);
  before = g_malloc (size);
  chunk = g_aligned_alloc (1, MiB, 4096);
  read_all (reader, now, size);
  memcpy (before, now, size);

  /* The scanner's first pass is the baseline. Then the two take turns, so that what
   * else the machine does hits both alike, and each keeps its best pass. */
  scan_pass (tracker);
  for (guint i = 0; i < PASSES; i++)
    {
      gint64 start;

      best_scan = MIN (best_scan, scan_pass (tracker));

      start = g_get_monotonic_time ();
      differ += memcmp (now, before, size) != 0;
      best_memcmp = MIN (best_memcmp, g_get_monotonic_time () - start);

      /* For context, two figures that include reading the segment: the naive approach
       * has to read it again on every pass; and pread() alone, the floor for any
       * reader that may not map the segment (mapping allocates its holes). */
      start = g_get_monotonic_time ();
      read_all (reader, now, size);
      differ += memcmp (now, before, size) != 0;
      best_naive = MIN (best_naive, g_get_monotonic_time () - start);

      start = g_get_monotonic_time ();
      for (guint64 at = 0; at < size; at += MiB)
        if (shmlens_reader_read (reader, at, chunk, MIN (MiB, size - at), NULL) < 0)
          fail ("read", "pread failed");
      best_pread = MIN (best_pread, g_get_monotonic_time () - start);
    }
  stamps = shmlens_tracker_get_block_stamps (tracker, &n_blocks);
  for (guint i = 0; i < n_blocks; i++)
    if (stamps[i] != 0)
      fail ("scan", "a block changed in a segment nobody writes");

  remove_segment ();
  g_aligned_free (chunk);
  if (differ != 0)
    fail ("memcmp", "the copies differ");

  scan_rate = gb_per_s (size, best_scan);
  memcmp_rate = gb_per_s (size, best_memcmp);
  naive_rate = gb_per_s (size, best_naive);
  pread_rate = gb_per_s (size, best_pread);
  printf ("overview %" G_GUINT64_FORMAT " MiB: scanner %.2f GB/s, memcmp %.2f GB/s → "
          "ratio %.2f (goal ≥ %.1f)%s\n", size / MiB, scan_rate, memcmp_rate,
          scan_rate / memcmp_rate, GOAL, scan_rate / memcmp_rate >= GOAL ? "" : " — goal missed");
  printf ("(best of %d full passes, %u blocks of %" G_GSIZE_FORMAT " bytes; memcmp compares "
          "two copies already in memory)\n", PASSES, n_blocks,
          shmlens_tracker_get_block_size (tracker));
  printf ("(with reading: pread alone %.2f GB/s, the scanner runs at %.0f%% of it; the naive "
          "approach reading the segment again each pass, pread + memcmp, %.2f GB/s → "
          "scanner ratio %.2f)\n", pread_rate, 100 * scan_rate / pread_rate, naive_rate,
          scan_rate / naive_rate);
  return 0;
}
