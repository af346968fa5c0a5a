/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-renderer.c: the app asks for GTK's cairo renderer only where OpenGL would run on the CPU. */
#include "config.h"

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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shmlens/renderer/choose", test_choose);
  return g_test_run ();
}
