/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-renderer.h: which GSK renderer suits the machine, chosen before GTK starts. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *shmlens_renderer_choose       (const char *gsk_renderer,
                                           const char *libgl_always_software,
                                           const char *dri_directory);
char       *shmlens_renderer_debug_without_gl (const char *gdk_debug,
                                               guint       gtk_minor);
void        shmlens_renderer_apply_choice (void);
gboolean    shmlens_renderer_trim_frame_memory (void);
guint       shmlens_renderer_trim_frame_memory_periodically (void);

G_END_DECLS
