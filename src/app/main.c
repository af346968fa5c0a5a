/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: the entry point of the Shmlens app. */
#include "config.h"

#include "shmlens-application.h"
#include "shmlens-i18n.h"
#include "shmlens-renderer.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(ShmlensApplication) app = NULL;

  shmlens_i18n_init ();
  shmlens_renderer_apply_choice ();
  shmlens_renderer_trim_frame_memory_periodically ();

  app = shmlens_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
