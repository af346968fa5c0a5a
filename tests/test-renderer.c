/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-renderer.c: the app asks for GTK's cairo renderer only where OpenGL would run on
 * the CPU, and frames' memory goes back to the system once drawn. */
#include "config.h"

#include <string.h>
#ifdef HAVE_MALLOPT
#include <malloc.h>
#endif

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

/* Two frames as the cairo renderer allocates them: an image surface of the changed
 * area, drawn and freed, then one a little smaller. With glibc's dynamic threshold the
 * first one's free raises the threshold to its size, and the second comes from the
 * heap, which then keeps it. Here each must be mapped apart, and unmapped when freed. */
static void
test_frame_memory (void)
{
#ifdef HAVE_MALLOPT
  const gsize frames[] = { 2089728, 1990656, 1285920, 2089728 };
  gsize threshold = shmlens_renderer_return_frame_memory ();

  if (threshold == 0)
    {
      /* AddressSanitizer's malloc, which the sanitizer build runs, has no thresholds */
      g_test_skip ("this malloc takes no mmap threshold (a sanitizer's)");
      return;
    }
  g_assert_cmpuint (threshold, ==, 128 * 1024);

  for (gsize i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      struct mallinfo2 before = mallinfo2 ();
      char *frame = g_malloc (frames[i]);
      struct mallinfo2 drawn;

      memset (frame, 0xa5, frames[i]);
      drawn = mallinfo2 ();
      /* mapped apart from the heap, a page or so more for its header */
      g_assert_cmpuint (drawn.hblkhd - before.hblkhd, >=, frames[i]);
      g_assert_cmpuint (drawn.hblkhd - before.hblkhd, <, frames[i] + 2 * 4096);
      g_free (frame);
      g_assert_cmpuint (mallinfo2 ().hblkhd, ==, before.hblkhd);
    }
#else
  g_test_skip ("this C library has no mallopt()");
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
