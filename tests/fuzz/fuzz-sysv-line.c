/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-sysv-line.c: a line of /proc/sysvipc/shm parsed, and what it accepts written back and read again. */
#include "config.h"

#include <string.h>

#include "shmlens-fuzz.h"
#include "shmlens-sources-private.h"

#define TARGET "fuzz-sysv-line"

/* What a segment read from the table is, whatever the line. */
static void
check_segment (ShmlensSegment *segment)
{
  g_autofree char *name = g_strdup_printf ("0x%08x", (guint32) segment->key);

  if (segment->kind != SHMLENS_SEGMENT_KIND_SYSV)
    fuzz_fail (TARGET, "a line gives a segment of kind %d", (int) segment->kind);
  if (g_strcmp0 (segment->name, name) != 0)
    fuzz_fail (TARGET, "the key 0x%08x gives the name \"%s\"", (guint32) segment->key,
               segment->name);
  if (segment->mode != (segment->sysv_perms & 0777))
    fuzz_fail (TARGET, "the permissions %o give the mode %o", segment->sysv_perms, segment->mode);
  if (segment->inode != (ino_t) segment->shmid)
    fuzz_fail (TARGET, "the shmid %d gives the inode %lu", segment->shmid,
               (unsigned long) segment->inode);
}

static gboolean
segments_equal (ShmlensSegment *a,
                ShmlensSegment *b)
{
  return a->key == b->key && a->shmid == b->shmid && a->sysv_perms == b->sysv_perms &&
         a->mode == b->mode && a->size == b->size && a->creator_pid == b->creator_pid &&
         a->last_pid == b->last_pid && a->nattch == b->nattch && a->uid == b->uid &&
         a->gid == b->gid && a->cuid == b->cuid && a->cgid == b->cgid &&
         a->atime == b->atime && a->dtime == b->dtime && a->ctime == b->ctime &&
         a->resident == b->resident && a->swap == b->swap && a->inode == b->inode &&
         g_strcmp0 (a->name, b->name) == 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *line = g_strndup ((const char *) data, size);
  g_autofree char *written = NULL;
  g_autoptr(ShmlensSegment) segment = NULL;
  g_autoptr(ShmlensSegment) again = NULL;

  fuzz_setup ();

  segment = shmlens_sources_sysv_parse_line (line);
  if (segment == NULL)
    return 0;
  check_segment (segment);

  /* written as Linux writes the line (ipc/shm.c, sysvipc_shm_proc_show), it reads back
   * the same */
  written = g_strdup_printf ("%10d %10d  %4o %21" G_GUINT64_FORMAT " %5d %5d  %5u %5u %5u %5u "
                             "%5u %10" G_GINT64_FORMAT " %10" G_GINT64_FORMAT " %10"
                             G_GINT64_FORMAT " %21" G_GUINT64_FORMAT " %21" G_GUINT64_FORMAT,
                             segment->key, segment->shmid, segment->sysv_perms, segment->size,
                             segment->creator_pid, segment->last_pid, segment->nattch,
                             segment->uid, segment->gid, segment->cuid, segment->cgid,
                             segment->atime, segment->dtime, segment->ctime,
                             (guint64) segment->resident, segment->swap);
  again = shmlens_sources_sysv_parse_line (written);
  if (again == NULL)
    fuzz_fail (TARGET, "\"%s\", written from a parsed line, does not parse", written);
  check_segment (again);
  if (!segments_equal (segment, again))
    fuzz_fail (TARGET, "\"%s\", written from a parsed line, parses to another segment", written);
  return 0;
}
