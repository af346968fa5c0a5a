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
  g_test_add_func ("/shmlens/renderer/frame-memory", test_frame_memory);
  return g_test_run ();
}
