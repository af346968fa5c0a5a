/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: the entry point of the Shmlens app. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "shmlens-application.h"
#include "shmlens-renderer.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(ShmlensApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  shmlens_renderer_apply_choice ();

  app = shmlens_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
