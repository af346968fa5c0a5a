/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-renderer.c: the app asks for GTK's cairo renderer only where OpenGL would run on
 * the CPU, and frames' memory goes back to the system once drawn. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "shmlens-renderer.h"

static char *
make_dri (gboolean with_render_node)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("shmlens-dri-XXXXXX", &error);
  g_autofree char *card = NULL;

  g_assert_no_error (error);
  card = g_build_filename (dir, "card0", NULL);
  g_assert_true (g_file_set_contents (card, "", 0, NULL));
  if (with_render_node)
    {
      g_autofree char *node = g_build_filename (dir, "renderD128", NULL);
      g_assert_true (g_file_set_contents (node, "", 0, NULL));
    }
  return dir;
}

static void
remove_dri (const char *dir)
{
  g_autofree char *card = g_build_filename (dir, "card0", NULL);
  g_autofree char *node = g_build_filename (dir, "renderD128", NULL);

  g_unlink (card);
  g_unlink (node);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_choose (void)
{
  g_autofree char *gpu = make_dri (TRUE);
  g_autofree char *no_render_node = make_dri (FALSE);
  g_autofree char *missing = g_build_filename (gpu, "no-such-directory", NULL);

  /* A GPU: GTK's own choice (OpenGL). */
  g_assert_null (shmlens_renderer_choose (NULL, NULL, gpu));
  g_assert_null (shmlens_renderer_choose ("", "0", gpu));
  /* No GPU, or Mesa told to render on the CPU: cairo. */
  g_assert_cmpstr (shmlens_renderer_choose (NULL, NULL, no_render_node), ==, "cairo");
  g_assert_cmpstr (shmlens_renderer_choose (NULL, NULL, missing), ==, "cairo");
  g_assert_cmpstr (shmlens_renderer_choose (NULL, "1", gpu), ==, "cairo");
  g_assert_cmpstr (shmlens_renderer_choose (NULL, "true", gpu), ==, "cairo");
  /* The user's choice always wins. */
  g_assert_null (shmlens_renderer_choose ("gl", NULL, no_render_node));
  g_assert_null (shmlens_renderer_choose ("cairo", "1", gpu));

  remove_dri (gpu);
  remove_dri (no_render_node);
}

/* With cairo chosen, GDK is told not to open OpenGL, the person's own flags kept. */
static void
test_debug_without_gl (void)
{
  struct { const char *gdk_debug; guint minor; const char *expected; } cases[] = {
    { NULL, 8, "gl-disable" },
    { "", 8, "gl-disable" },
    { "events", 8, "events,gl-disable" },
    { "events:misc", 14, "events:misc,gl-disable" },
    { "gl-disable", 8, NULL },
    { "events,gl-disable", 8, NULL },
    { "gl-software", 8, "gl-software,gl-disable" },
    /* 4.16 reads GDK_DISABLE instead */
    { NULL, 16, NULL },
    { "events", 18, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = shmlens_renderer_debug_without_gl (cases[i].gdk_debug, cases[i].minor);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

static void
set_or_unset (const char *variable,
              const char *value)
{
  if (value != NULL)
    g_setenv (variable, value, TRUE);
  else
    g_unsetenv (variable);
}

/* What main() does before GTK starts, on this machine and with the person's choice. */
static void
test_apply_choice (void)
{
  if (g_test_subprocess ())
    {
      const char *expected_renderer = g_getenv ("EXPECTED_RENDERER");
      const char *expected_debug = g_getenv ("EXPECTED_DEBUG");

      shmlens_renderer_apply_choice ();
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, *expected_renderer ? expected_renderer : NULL);
      g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, *expected_debug ? expected_debug : NULL);
      return;
    }

  {
    gboolean gpu = FALSE;
    g_autoptr(GDir) dir = g_dir_open ("/dev/dri", 0, NULL);
    const char *name;
    struct { const char *renderer; const char *debug; const char *software;
             const char *expected_renderer; const char *expected_debug; } cases[] = {
      /* the person's renderer: nothing touched */
      { "gl", "events", NULL, "gl", "events" },
      { "cairo", NULL, NULL, "cairo", "" },
      /* Mesa told to render on the CPU: cairo, without OpenGL */
      { NULL, NULL, "1", "cairo", "gl-disable" },
      { NULL, "events", "1", "cairo", "events,gl-disable" },
    };

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      gpu = gpu || g_str_has_prefix (name, "renderD");

    /* the subprocess inherits this process's environment, set for each case */
    for (gsize i = 0; i < G_N_ELEMENTS (cases) + 1; i++)
      {
        /* the last case: this machine as it is */
        gboolean machine = i == G_N_ELEMENTS (cases);

        set_or_unset ("GSK_RENDERER", machine ? NULL : cases[i].renderer);
        set_or_unset ("GDK_DEBUG", machine ? NULL : cases[i].debug);
        set_or_unset ("LIBGL_ALWAYS_SOFTWARE", machine ? NULL : cases[i].software);
        if (machine)
          {
            g_setenv ("EXPECTED_RENDERER", gpu ? "" : "cairo", TRUE);
            g_setenv ("EXPECTED_DEBUG", gpu ? "" : "gl-disable", TRUE);
          }
        else
          {
            g_setenv ("EXPECTED_RENDERER", cases[i].expected_renderer, TRUE);
            g_setenv ("EXPECTED_DEBUG", cases[i].expected_debug, TRUE);
          }
        g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
        g_test_trap_assert_passed ();
      }
    set_or_unset ("GSK_RENDERER", NULL);
    set_or_unset ("GDK_DEBUG", NULL);
    set_or_unset ("LIBGL_ALWAYS_SOFTWARE", NULL);
  }
}

#if defined(HAVE_MALLOC_TRIM) && !defined(__SANITIZE_ADDRESS__)
/* The process's anonymous memory in KiB: heap, arenas, stacks. */
static guint64
anonymous_kib (void)
{
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/smaps_rollup", &text, NULL, NULL));
  line = strstr (text, "\nAnonymous:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nAnonymous:"), NULL, 10);
}
#endif

/* Frames drawn and freed leave free pages in the heap, behind memory still in use so
 * that the heap cannot simply shrink: the trim gives them back, and the app does it
 * from a low-priority timeout. */
static void
test_frame_memory (void)
{
#if defined(HAVE_MALLOC_TRIM) && !defined(__SANITIZE_ADDRESS__)
  /* in a process of its own: what the tests before it left (a child-watch thread of
   * the subprocess tests) changes how the heap behaves */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT |
                                       G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  enum { N_FRAMES = 256, FRAME = 64 * 1024 };   /* 16 MiB, each from the heap */
  char *frames[N_FRAMES];
  char *in_use[N_FRAMES];
  guint64 before, after;
  guint id;
  GSource *source;

  /* each frame followed by a small block that stays, as the app's own data does */
  for (guint i = 0; i < N_FRAMES; i++)
    {
      frames[i] = g_malloc (FRAME);
      memset (frames[i], 0xa5, FRAME);
      in_use[i] = g_malloc (64);
    }
  for (guint i = 0; i < N_FRAMES; i++)
    g_free (frames[i]);

  before = anonymous_kib ();
  g_assert_true (shmlens_renderer_trim_frame_memory ());
  after = anonymous_kib ();
  g_test_message ("anonymous memory %" G_GUINT64_FORMAT " KiB, then %" G_GUINT64_FORMAT " KiB",
                  before, after);
  g_assert_cmpuint (after + 12 * 1024, <=, before);
  for (guint i = 0; i < N_FRAMES; i++)
    g_free (in_use[i]);

  id = shmlens_renderer_trim_frame_memory_periodically ();
  g_assert_cmpuint (id, >, 0);
  source = g_main_context_find_source_by_id (NULL, id);
  g_assert_nonnull (source);
  g_assert_cmpint (g_source_get_priority (source), ==, G_PRIORITY_LOW);
  g_source_remove (id);
#elif defined(__SANITIZE_ADDRESS__)
  g_test_skip ("AddressSanitizer's malloc keeps its own pages");
#else
  g_test_skip ("this C library has no malloc_trim()");
#endif
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shmlens/renderer/choose", test_choose);
  g_test_add_func ("/shmlens/renderer/debug-without-gl", test_debug_without_gl);
  g_test_add_func ("/shmlens/renderer/apply-choice", test_apply_choice);
  g_test_add_func ("/shmlens/renderer/frame-memory", test_frame_memory);
  return g_test_run ();
}
