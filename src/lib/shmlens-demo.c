/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-demo.c: teaching scenarios: a segment, its writers and its layout together.
 *
 * A demo is data: which segment to create, which writer pattern runs in how many
 * processes, at what rate, and which header describes the bytes. The app (Demos menu)
 * and `shmlens-cli demo` both run a demo from here, so the lesson is the same in
 * both. Writers are always separate `shmlens-cli write` processes: the point of every
 * demo is several processes sharing one segment. */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "shmlens-created.h"
#include "shmlens-demo.h"
#include "shmlens-layouts-resources.h"

#define LAYOUTS_PATH "/io/github/shmlens/Shmlens/layouts/"

static const ShmlensDemo demos[] = {
  {
    "hello",
    N_("Hello, Shared Memory"),
    N_("One process writes a message into a named segment; another opens it by name and reads it"),
    N_("A first process created the segment “MyFileMappingObject” and wrote “Message from "
       "first process.” into it, as in the classic named file mapping example. Shmlens is "
       "the second process: it opened the segment by its name and reads the bytes — the "
       "text column shows the message. Nothing was copied between the processes: both "
       "see the same memory."),
    SHMLENS_WRITER_MESSAGE, "MyFileMappingObject", 256, 0, 0, 0, "hello.h", "struct hello",
  },
  {
    "counters",
    N_("Counters"),
    N_("Several processes, one slot each: every counter moves on its own"),
    N_("Each writer process took a slot of its own and increments its counter ten times "
       "a second, with its pid and a heartbeat beside it. The slots move independently: "
       "no writer touches another's bytes, so no update is lost. The Processes tab shows "
       "every writer mapping the same segment — each at a different address in its own "
       "address space."),
    SHMLENS_WRITER_COUNTER, NULL, 4096, 3, 16, 10,
  },
  {
    "race",
    N_("Race"),
    N_("Several processes increment one counter: without synchronization, updates are lost"),
    N_("Three groups of writers each add 1 to a shared counter of their own, fifty million "
       "times, as fast as they can: record [0] without synchronization, record [1] with "
       "atomic increments, record [2] under a process-shared mutex living in the segment. "
       "Without synchronization an increment is a load, an add and a store: two processes "
       "on two cores read the same value and both store value + 1, so one update is lost, "
       "and “counter” falls behind “expected” (the increments made). With atomics or the "
       "mutex, the two stay equal — the mutex group is the slowest."),
    SHMLENS_WRITER_RACE, NULL, 4096, 2, 16, 0,
  },
  {
    "ring",
    N_("Ring Buffer"),
    N_("A producer appends records; the head chases the tail around the buffer"),
    N_("The producer appends a log record twenty times a second at “head” and advances it; "
       "a consumer would take records at “tail”. There is none here, so when the ring is "
       "full the producer drops the oldest record itself, moves “tail” on and counts it "
       "in “dropped”: watch the head chase the tail around the 32 records, and the "
       "written records wrap from the last back to the first."),
    SHMLENS_WRITER_RING, NULL, 8192, 1, 1, 20,
  },
  {
    "seqlock",
    N_("Sequence Lock"),
    N_("A multi-word record updated under a sequence counter: torn reads are detected"),
    N_("The writer updates a record of four words, all equal, plus their checksum, as "
       "fast as it can (it keeps a core busy while it runs). A "
       "reader copying the record while an update is under way can see some new words and "
       "some old ones: a torn read. The writer makes the sequence counter odd before an "
       "update and even after, so a reader that sees an odd number, or a different number "
       "before and after its copy, knows its copy is torn and reads again."),
    SHMLENS_WRITER_SEQLOCK, NULL, 4096, 1, 1, 0,
  },
};

/**
 * shmlens_demo_get_all:
 * @n_demos: (out): how many
 *
 * Returns: (array length=n_demos): every demo, in the order menus show them
 */
const ShmlensDemo *
shmlens_demo_get_all (guint *n_demos)
{
  *n_demos = G_N_ELEMENTS (demos);
  return demos;
}

/**
 * shmlens_demo_lookup:
 * @id: a demo's id
 *
 * Returns: (nullable): the demo, or %NULL when there is none of that id
 */
const ShmlensDemo *
shmlens_demo_lookup (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (demos); i++)
    if (g_strcmp0 (demos[i].id, id) == 0)
      return &demos[i];
  return NULL;
}

/**
 * shmlens_demo_create_segment:
 * @demo: a demo
 * @error: return location for an error
 *
 * Creates the demo's segment (recorded as Shmlens's own). The hello demo's segment
 * holds the message from the start: its "first process" is the one creating it. Its
 * name is fixed: a segment of that name an earlier run left, if Shmlens made it,
 * gives way; one anybody else made is an error that says so.
 *
 * Returns: (transfer full): the segment's reference
 */
char *
shmlens_demo_create_segment (const ShmlensDemo  *demo,
                             GError            **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;
  char *ref;
  ShmlensCreateOptions options = {
    .kind = SHMLENS_SEGMENT_KIND_POSIX,
    .size = demo->size,
    .mode = 0600,
    .fill = demo->pattern == SHMLENS_WRITER_MESSAGE && demo->default_writers == 0
              ? SHMLENS_FILL_MESSAGE : SHMLENS_FILL_ZERO,
  };

  name = demo->segment_name != NULL
           ? g_strdup (demo->segment_name)
           : g_strdup_printf ("shmlens-demo-%s-%d-%u", demo->id, getpid (), g_random_int ());
  options.name = name;
  ref = shmlens_created_create (&options, &local_error);
  if (ref == NULL && demo->segment_name != NULL &&
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_autofree char *old = g_strconcat ("/", demo->segment_name, NULL);

      g_clear_error (&local_error);
      if (!shmlens_created_remove (old, FALSE, &local_error))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      /* Translators: the demo's title and the segment's
                                       * reference; the reason follows */
                                      _("The “%s” demo needs the name %s: "), _(demo->title),
                                      old);
          return NULL;
        }
      ref = shmlens_created_create (&options, &local_error);
    }
  if (ref == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ref;
}

/**
 * shmlens_demo_writer_argv:
 * @demo: a demo
 * @cli_path: the shmlens-cli to run
 * @ref: the demo's segment
 * @index: which writer (its slot)
 * @n_writers: how many writers the demo starts
 * @sync: race: how the writer increments
 * @iterations: race: the increments to make (0: the CLI's default)
 *
 * Returns: (transfer full): the command line of one of the demo's writers, a
 *   `shmlens-cli write … --json` process
 */
char **
shmlens_demo_writer_argv (const ShmlensDemo  *demo,
                          const char         *cli_path,
                          const char         *ref,
                          guint               index,
                          guint               n_writers,
                          ShmlensWriterSync   sync,
                          guint64             iterations)
{
  GPtrArray *argv = g_ptr_array_new ();
  char rate[G_ASCII_DTOSTR_BUF_SIZE];

  g_ptr_array_add (argv, g_strdup (cli_path));
  g_ptr_array_add (argv, g_strdup ("write"));
  g_ptr_array_add (argv, g_strdup (ref));
  g_ptr_array_add (argv, g_strdup_printf ("--pattern=%s",
                                          shmlens_writer_pattern_to_string (demo->pattern)));
  g_ptr_array_add (argv, g_strdup_printf ("--slot=%u", index));
  g_ascii_dtostr (rate, sizeof rate, demo->rate);
  g_ptr_array_add (argv, g_strdup_printf ("--rate=%s", rate));
  if (demo->pattern == SHMLENS_WRITER_RACE)
    {
      g_ptr_array_add (argv, g_strdup_printf ("--sync=%s", shmlens_writer_sync_to_string (sync)));
      if (iterations > 0)
        g_ptr_array_add (argv, g_strdup_printf ("--iterations=%" G_GUINT64_FORMAT, iterations));
      /* started together, so that their increments overlap */
      g_ptr_array_add (argv, g_strdup_printf ("--peers=%u", n_writers));
    }
  g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, NULL);
  return (char **) g_ptr_array_free (argv, FALSE);
}

/**
 * shmlens_layouts_lookup:
 * @file_name: a header under data/layouts: "counters.h"
 *
 * The headers are built into the library, so a demo's layout needs no installed
 * file and is always the one its writer was compiled with.
 *
 * Returns: (transfer full) (nullable): the header's text, or %NULL when there is none
 */
GBytes *
shmlens_layouts_lookup (const char *file_name)
{
  g_autofree char *path = g_strconcat (LAYOUTS_PATH, file_name, NULL);

  /* Looked up in the library's own resource: a static library's registration
   * constructor may be left out by the linker, the resource itself never is. */
  return g_resource_lookup_data (shmlens_layouts_get_resource (), path,
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
}

/**
 * shmlens_demo_get_layout:
 * @demo: a demo
 * @file_name: (out) (optional): the header's name
 * @type_name: (out) (optional): the type that describes the segment
 *
 * Returns: (transfer full) (nullable): the header that describes the demo's segment
 */
GBytes *
shmlens_demo_get_layout (const ShmlensDemo  *demo,
                         const char        **file_name,
                         const char        **type_name)
{
  const char *type = demo->type_name;
  const char *header = demo->layout != NULL ? demo->layout
                                            : shmlens_writer_pattern_get_layout (demo->pattern, &type);

  if (file_name != NULL)
    *file_name = header;
  if (type_name != NULL)
    *type_name = type;
  return header != NULL ? shmlens_layouts_lookup (header) : NULL;
}

/* The race demo in the app: one region per synchronization, side by side. */
#define RACE_GROUPS 3
#define RACE_ITERATIONS 50000000

/**
 * shmlens_demo_plan_writers:
 * @demo: a demo
 * @n_writers: how many writers (0: the demo's default); the race demo starts that
 *   many in each of its three groups
 * @n_planned: (out): how many writers the plan has
 * @n_records: (out): how many records of the demo's type follow one another from
 *   offset 0 (race: one per synchronization mode)
 *
 * The writers the app starts for a demo. `shmlens-cli demo` runs the race demo's
 * modes one after another instead, each in a segment of its own, to print each total.
 *
 * Returns: (transfer full) (array length=n_planned): the writers
 */
ShmlensDemoWriter *
shmlens_demo_plan_writers (const ShmlensDemo *demo,
                           guint              n_writers,
                           guint             *n_planned,
                           guint             *n_records)
{
  guint groups = demo->pattern == SHMLENS_WRITER_RACE ? RACE_GROUPS : 1;
  guint64 alignment = shmlens_writer_pattern_get_alignment (demo->pattern);
  guint64 stride = (shmlens_writer_pattern_get_min_size (demo->pattern) + alignment - 1) /
                   alignment * alignment;
  ShmlensDemoWriter *writers;

  if (n_writers == 0)
    n_writers = demo->default_writers;
  n_writers = MIN (n_writers, demo->max_writers);
  writers = g_new0 (ShmlensDemoWriter, (gsize) groups * n_writers + 1);
  for (guint group = 0; group < groups; group++)
    for (guint i = 0; i < n_writers; i++)
      {
        ShmlensDemoWriter *writer = &writers[group * n_writers + i];

        writer->options.pattern = demo->pattern;
        writer->options.slot = i;
        writer->rate = demo->rate;
        if (demo->pattern == SHMLENS_WRITER_RACE)
          {
            writer->options.offset = group * stride;
            writer->options.sync = (ShmlensWriterSync) group;
            writer->options.iterations = RACE_ITERATIONS;
            writer->options.peers = n_writers;
          }
      }
  *n_planned = groups * n_writers;
  *n_records = groups;
  return writers;
}
