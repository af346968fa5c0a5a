/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-layout.c: decoding a layout of 10,000 fields at 10 Hz, against a compiled C program printing the same fields. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "shmlens-layout.h"

/* 1000 records of 10 fields: 10,000 values, as the issue asks. */
#define N_RECORDS 1000
#define REFRESHES 300
#define HERTZ 10

static const char header[] =
  "/* bench-layout: a table of records, 10 fields each */\n"
  "#include <stdbool.h>\n"
  "#include <stdint.h>\n"
  "#define N_RECORDS 1000\n"
  "enum state { STATE_IDLE, STATE_RUNNING, STATE_STOPPED };\n"
  "struct record {\n"
  "  uint32_t id;\n"
  "  int16_t delta;\n"
  "  uint8_t flags : 3;\n"
  "  uint8_t level : 5;\n"
  "  int64_t total;\n"
  "  double ratio;\n"
  "  float load;\n"
  "  bool active;\n"
  "  enum state state;\n"
  "  char name[12];\n"
  "};\n"
  "struct table {\n"
  "  struct record records[N_RECORDS];\n"
  "};\n";

/* The peer: the same header compiled by the system C compiler, reading the same
 * bytes with pread and printing every field with printf, REFRESHES times. It prints
 * the integer fields the way Shmlens does, so that their lines can be compared. */
static const char peer_source[] =
  "#include <fcntl.h>\n"
  "#include <stdio.h>\n"
  "#include <stdlib.h>\n"
  "#include <unistd.h>\n"
  "#include \"table.h\"\n"
  "static const char *state_name (enum state s)\n"
  "{\n"
  "  switch (s) { case STATE_IDLE: return \"STATE_IDLE\"; case STATE_RUNNING: return \"STATE_RUNNING\";\n"
  "               case STATE_STOPPED: return \"STATE_STOPPED\"; }\n"
  "  return NULL;\n"
  "}\n"
  "int main (int argc, char **argv)\n"
  "{\n"
  "  static struct table t;\n"
  "  int fd = open (argv[1], O_RDONLY | O_CLOEXEC);\n"
  "  FILE *out = fopen (argv[3], \"w\");\n"
  "  int refreshes = atoi (argv[2]);\n"
  "  if (fd < 0 || out == NULL) return 1;\n"
  "  for (int r = 0; r < refreshes; r++)\n"
  "    {\n"
  "      if (pread (fd, &t, sizeof t, 0) != (ssize_t) sizeof t) return 1;\n"
  "      for (int i = 0; i < N_RECORDS; i++)\n"
  "        {\n"
  "          const struct record *c = &t.records[i];\n"
  "          const char *s = state_name (c->state);\n"
  "          fprintf (out, \"records[%d].id: %u\\n\", i, c->id);\n"
  "          fprintf (out, \"records[%d].delta: %d\\n\", i, c->delta);\n"
  "          fprintf (out, \"records[%d].flags: %u\\n\", i, c->flags);\n"
  "          fprintf (out, \"records[%d].level: %u\\n\", i, c->level);\n"
  "          fprintf (out, \"records[%d].total: %lld\\n\", i, (long long) c->total);\n"
  "          fprintf (out, \"records[%d].ratio: %.17g\\n\", i, c->ratio);\n"
  "          fprintf (out, \"records[%d].load: %.9g\\n\", i, c->load);\n"
  "          fprintf (out, \"records[%d].active: %s\\n\", i, c->active ? \"true\" : \"false\");\n"
  "          if (s != NULL) fprintf (out, \"records[%d].state: %s\\n\", i, s);\n"
  "          else fprintf (out, \"records[%d].state: %d\\n\", i, (int) c->state);\n"
  "          fprintf (out, \"records[%d].name: %.12s\\n\", i, c->name);\n"
  "        }\n"
  "    }\n"
  "  return fclose (out) != 0;\n"
  "}\n";

static char *segment_path;
static char *work_dir;

static void
clean_up (void)
{
  if (segment_path != NULL)
    g_unlink (segment_path);
  if (work_dir != NULL)
    {
      const char *files[] = { "table.h", "peer.c", "peer", "peer.out" };

      for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
        {
          g_autofree char *path = g_build_filename (work_dir, files[i], NULL);
          g_unlink (path);
        }
      g_rmdir (work_dir);
    }
}

G_GNUC_NORETURN G_GNUC_PRINTF (1, 2) static void
fail (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  fprintf (stderr, "bench-layout: ");
  vfprintf (stderr, format, args);
  fprintf (stderr, "\n");
  va_end (args);
  clean_up ();
  exit (1);
}

static double
cpu_seconds (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* Random records, except where C forbids random bytes: a bool holds 0 or 1, an enum
 * one of its values (or, in every tenth record, one it does not name), a name
 * printable text. Where those are comes from the layout itself. */
static GBytes *
make_table (const ShmlensLeaf *leaves,
            gsize              n_leaves,
            gsize              size)
{
  GRand *rand = g_rand_new_with_seed (20261122);
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  for (gsize i = 0; i < n_leaves; i++)
    {
      const ShmlensLeaf *leaf = &leaves[i];
      guint32 value;

      switch (leaf->kind)
        {
        case SHMLENS_VALUE_KIND_BOOL:
          data[leaf->offset] = (guint8) g_rand_int_range (rand, 0, 2);
          break;
        case SHMLENS_VALUE_KIND_ENUM:
          value = i % 100 < 10 ? 7 : (guint32) g_rand_int_range (rand, 0, 3);
          memcpy (data + leaf->offset, &value, sizeof value);
          break;
        case SHMLENS_VALUE_KIND_STRING:
          memset (data + leaf->offset, 0, leaf->size);
          g_snprintf ((char *) data + leaf->offset, leaf->size, "rec-%" G_GSIZE_FORMAT, i / 10);
          break;
        default:
          break;
        }
    }
  g_rand_free (rand);
  return g_bytes_new_take (data, size);
}

/* Shmlens: each refresh reads the table with pread and formats every value, as the
 * structure panel does, into "path: value" lines. Returns CPU seconds per refresh. */
static double
run_shmlens (const ShmlensLeaf *leaves,
             gsize              n_leaves,
             int                fd,
             gsize              size,
             GString           *last_output)
{
  g_autofree guint8 *bytes = g_malloc (size);
  g_autoptr(GString) value = g_string_sized_new (64);
  g_autoptr(GString) out = g_string_sized_new (n_leaves * 32);
  double start = cpu_seconds (RUSAGE_SELF);

  for (guint r = 0; r < REFRESHES; r++)
    {
      if (pread (fd, bytes, size, 0) != (gssize) size)
        fail ("cannot read %s: %s", segment_path, g_strerror (errno));
      g_string_truncate (out, 0);
      for (gsize i = 0; i < n_leaves; i++)
        {
          g_string_truncate (value, 0);
          shmlens_leaf_format (&leaves[i], bytes, 0, size, SHMLENS_FORMAT_DEFAULT, value);
          g_string_append (out, leaves[i].path);
          g_string_append (out, ": ");
          g_string_append_len (out, value->str, (gssize) value->len);
          g_string_append_c (out, '\n');
        }
    }
  g_string_assign (last_output, out->str);
  return (cpu_seconds (RUSAGE_SELF) - start) / REFRESHES;
}

/* The peer's CPU seconds per refresh (utime + stime of the child). */
static double
run_peer (const char *peer,
          guint       refreshes,
          const char *output)
{
  g_autofree char *count = g_strdup_printf ("%u", refreshes);
  struct rusage usage;
  int status;
  pid_t pid = fork ();

  if (pid < 0)
    fail ("fork: %s", g_strerror (errno));
  if (pid == 0)
    {
      execl (peer, peer, segment_path, count, output, (char *) NULL);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &usage) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    fail ("the peer %s failed", peer);
  return (usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
          usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6) / refreshes;
}

/* Lines of the integer, bool and enum fields must be the same in both outputs:
 * Shmlens decoded the bytes the way gcc laid them out. Returns how many matched. */
static guint
compare_outputs (const char *ours,
                 const char *theirs)
{
  g_auto(GStrv) our_lines = g_strsplit (ours, "\n", -1);
  g_auto(GStrv) their_lines = g_strsplit (theirs, "\n", -1);
  static const char *const compared[] = { ".id: ", ".delta: ", ".flags: ", ".level: ",
                                          ".total: ", ".active: ", ".state: " };
  guint matched = 0;

  if (g_strv_length (our_lines) != g_strv_length (their_lines))
    fail ("Shmlens printed %u lines, the compiled program %u", g_strv_length (our_lines),
          g_strv_length (their_lines));
  for (guint i = 0; our_lines[i] != NULL; i++)
    for (gsize k = 0; k < G_N_ELEMENTS (compared); k++)
      if (strstr (their_lines[i], compared[k]) != NULL)
        {
          if (g_strcmp0 (our_lines[i], their_lines[i]) != 0)
            fail ("line %u differs: Shmlens “%s”, the compiled program “%s”", i + 1,
                  our_lines[i], their_lines[i]);
          matched++;
        }
  return matched;
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensLayout) layout = NULL;
  g_autoptr(ShmlensFlatLayout) flat = NULL;
  g_autoptr(GBytes) table = NULL;
  g_autoptr(GString) ours = g_string_new (NULL);
  g_autofree char *peer_text = NULL;
  g_autofree char *header_path = NULL, *source_path = NULL, *peer_path = NULL, *output_path = NULL;
  const char *compiler = g_getenv ("CC") != NULL ? g_getenv ("CC") : "cc";
  const ShmlensLeaf *leaves;
  ShmlensType *type;
  gsize n_leaves, size;
  double shmlens_seconds, peer_seconds;
  int status, fd;
  guint matched;

  layout = shmlens_layout_new (header, -1, "table.h", &error);
  if (layout == NULL)
    fail ("%s", error->message);
  type = shmlens_layout_lookup (layout, "struct table", &error);
  if (type == NULL)
    fail ("%s", error->message);
  size = shmlens_type_get_size (type);
  flat = shmlens_flat_layout_new (type, 0, 1, 100000, &error);
  if (flat == NULL)
    fail ("%s", error->message);
  leaves = shmlens_flat_layout_get_leaves (flat, &n_leaves);
  if (n_leaves != N_RECORDS * 10)
    fail ("the layout has %" G_GSIZE_FORMAT " fields, not %d", n_leaves, N_RECORDS * 10);

  /* The segment: a POSIX one, as a writer would make it. */
  segment_path = g_strdup_printf ("/dev/shm/shmlens-bench-layout-%d", (int) getpid ());
  table = make_table (leaves, n_leaves, size);
  fd = open (segment_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, g_bytes_get_data (table, NULL), size) != (gssize) size)
    fail ("cannot create %s: %s", segment_path, g_strerror (errno));

  /* The peer, compiled now from the same header. */
  work_dir = g_dir_make_tmp ("shmlens-bench-layout-XXXXXX", &error);
  if (work_dir == NULL)
    fail ("%s", error->message);
  header_path = g_build_filename (work_dir, "table.h", NULL);
  source_path = g_build_filename (work_dir, "peer.c", NULL);
  peer_path = g_build_filename (work_dir, "peer", NULL);
  output_path = g_build_filename (work_dir, "peer.out", NULL);
  if (!g_file_set_contents (header_path, header, -1, &error) ||
      !g_file_set_contents (source_path, peer_source, -1, &error))
    fail ("%s", error->message);
  {
    const char *argv[] = { compiler, "-O2", "-o", peer_path, source_path, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                       &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      fail ("cannot compile the peer with %s: %s", compiler, error->message);
  }

  /* Both once for the comparison, then timed, alternately, keeping the best. */
  run_peer (peer_path, 1, output_path);
  run_shmlens (leaves, n_leaves, fd, size, ours);
  if (!g_file_get_contents (output_path, &peer_text, NULL, &error))
    fail ("%s", error->message);
  matched = compare_outputs (ours->str, peer_text);

  shmlens_seconds = peer_seconds = G_MAXDOUBLE;
  for (guint round = 0; round < 3; round++)
    {
      shmlens_seconds = MIN (shmlens_seconds, run_shmlens (leaves, n_leaves, fd, size, ours));
      peer_seconds = MIN (peer_seconds, run_peer (peer_path, REFRESHES, "/dev/null"));
    }
  close (fd);
  clean_up ();

  printf ("layout of %" G_GSIZE_FORMAT " fields (%" G_GSIZE_FORMAT " bytes) refreshed at %d Hz: "
          "Shmlens %.1f %% of a core (%.0f µs a refresh) vs a compiled C program printing the "
          "same fields %.1f %% (%.0f µs) → ratio %.2f\n",
          n_leaves, size, HERTZ, shmlens_seconds * HERTZ * 100, shmlens_seconds * 1e6,
          peer_seconds * HERTZ * 100, peer_seconds * 1e6, shmlens_seconds / peer_seconds);
  printf ("(best of 3 rounds of %d refreshes; %u integer, bool and enum lines identical in both "
          "outputs)\n", REFRESHES, matched);
  return 0;
}
