/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-renderer.c: which GSK renderer suits the machine, chosen before GTK starts. */
#include "config.h"

#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include <gtk/gtk.h>

#include "shmlens-renderer.h"

/* GTK 4.8 draws with OpenGL wherever OpenGL exists, also when it is Mesa's llvmpipe,
 * which runs on the CPU. A view that refreshes ten times a second then costs a whole
 * core and 100 MB more memory (measured in bench/bench-app.py: ~120 % of a core
 * against ~10 % with GTK's cairo renderer). Without a DRI render node there is no GPU
 * for OpenGL to use, so the cairo renderer is the better choice there. */

static gboolean
has_render_node (const char *dri_directory)
{
  g_autoptr(GDir) dir = g_dir_open (dri_directory, 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return TRUE;
  return FALSE;
}

/**
 * shmlens_renderer_choose:
 * @gsk_renderer: (nullable): the value of GSK_RENDERER
 * @libgl_always_software: (nullable): the value of LIBGL_ALWAYS_SOFTWARE
 * @dri_directory: where the kernel lists GPUs (/dev/dri)
 *
 * Returns: (nullable): the renderer Shmlens asks GTK for ("cairo"), or %NULL to
 *   leave GTK's choice (or the user's, in GSK_RENDERER) alone
 */
const char *
shmlens_renderer_choose (const char *gsk_renderer,
                         const char *libgl_always_software,
                         const char *dri_directory)
{
  g_return_val_if_fail (dri_directory != NULL, NULL);

  if (gsk_renderer != NULL && *gsk_renderer != '\0')
    return NULL;
  if ((libgl_always_software != NULL && g_strcmp0 (libgl_always_software, "0") != 0 &&
       *libgl_always_software != '\0') ||
      !has_render_node (dri_directory))
    return "cairo";
  return NULL;
}

/**
 * shmlens_renderer_debug_without_gl:
 * @gdk_debug: (nullable): the value of GDK_DEBUG
 * @gtk_minor: GTK 4's minor version
 *
 * With the cairo renderer chosen, GDK still opens OpenGL when it starts, to offer it:
 * without a GPU that loads Mesa's llvmpipe, 55 MB of resident memory (libLLVM alone
 * 44 MB) that nothing then uses: the app's Rss went from 108 to 48 MB without it.
 * GTK 4.8 to 4.14 take `gl-disable` in GDK_DEBUG for that. 4.16 moved it to
 * GDK_DISABLE=gl, untried here (Debian 12 has 4.8), so later versions are left as
 * they are.
 *
 * Returns: (transfer full) (nullable): the GDK_DEBUG to set, the flags already there
 *   kept, or %NULL to leave it as it is
 */
char *
shmlens_renderer_debug_without_gl (const char *gdk_debug,
                                   guint       gtk_minor)
{
  g_auto(GStrv) flags = NULL;

  if (gtk_minor >= 16)
    return NULL;
  if (gdk_debug == NULL || *gdk_debug == '\0')
    return g_strdup ("gl-disable");
  flags = g_strsplit_set (gdk_debug, ",: ", -1);
  if (g_strv_contains ((const char * const *) flags, "gl-disable"))
    return NULL;
  return g_strconcat (gdk_debug, ",gl-disable", NULL);
}

/**
 * shmlens_renderer_apply_choice:
 *
 * Sets GSK_RENDERER for this process when shmlens_renderer_choose() picks a
 * renderer, and then keeps GDK from opening OpenGL it will not use. Call it before
 * GTK is initialized.
 */
void
shmlens_renderer_apply_choice (void)
{
  const char *renderer = shmlens_renderer_choose (g_getenv ("GSK_RENDERER"),
                                                  g_getenv ("LIBGL_ALWAYS_SOFTWARE"),
                                                  "/dev/dri");
  g_autofree char *gdk_debug = NULL;

  if (renderer == NULL)
    return;
  g_setenv ("GSK_RENDERER", renderer, TRUE);
  gdk_debug = shmlens_renderer_debug_without_gl (g_getenv ("GDK_DEBUG"), gtk_get_minor_version ());
  if (gdk_debug != NULL)
    g_setenv ("GDK_DEBUG", gdk_debug, TRUE);
}

/* How often the heap's free pages go back to the system. */
#define TRIM_INTERVAL_SECONDS 30

/**
 * shmlens_renderer_trim_frame_memory:
 *
 * Gives the pages malloc holds free back to the system (malloc_trim()).
 *
 * GTK's cairo renderer allocates an image surface the size of the changed area for
 * every frame, 1 to 2 MB here, and frees it once drawn. glibc first maps such a block
 * apart, but on its free raises its threshold to the block's size ("dynamic mmap
 * threshold"); later frames come from the heap, which grows around the blocks still
 * in use and keeps the free pages. In the hour of bench-soak.py (30 frames a second)
 * that was one step of 20 MB, half the app's own memory, at a random minute between
 * the 2nd and the 15th, while the memory in use (heaptrack) stayed at 21 MB.
 *
 * Fixing the threshold instead (mallopt) keeps the heap flat, but then each frame's
 * pages are faulted in anew: half a point of a core at 10 Hz. Trimming every
 * TRIM_INTERVAL_SECONDS costs nothing a frame, and a few page faults a minute.
 *
 * Returns: whether malloc_trim() gave memory back; %FALSE also where the C library
 *   has none
 */
gboolean
shmlens_renderer_trim_frame_memory (void)
{
#ifdef HAVE_MALLOC_TRIM
  return malloc_trim (0) == 1;
#else
  return FALSE;
#endif
}

static gboolean
trim_now (gpointer data)
{
  shmlens_renderer_trim_frame_memory ();
  return G_SOURCE_CONTINUE;
}

/**
 * shmlens_renderer_trim_frame_memory_periodically:
 *
 * Calls shmlens_renderer_trim_frame_memory() every TRIM_INTERVAL_SECONDS from the
 * default main context, at low priority.
 *
 * Returns: the timeout's source id, or 0 where there is no malloc_trim()
 */
guint
shmlens_renderer_trim_frame_memory_periodically (void)
{
#ifdef HAVE_MALLOC_TRIM
  guint id = g_timeout_add_seconds_full (G_PRIORITY_LOW, TRIM_INTERVAL_SECONDS, trim_now,
                                         NULL, NULL);

  g_source_set_name_by_id (id, "[shmlens] trim frame memory");
  return id;
#else
  return 0;
#endif
}
