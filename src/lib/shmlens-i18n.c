/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-i18n.c: the locale and the translations, for both programs. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "shmlens-i18n.h"

/**
 * shmlens_i18n_init:
 *
 * Sets the locale from the environment and binds the "shmlens" text domain, which
 * the app, the CLI and the library share. The catalogues are looked for under
 * LOCALEDIR, where `meson install` puts them; SHMLENS_LOCALEDIR, when set, names
 * another directory (build-aux/run and the tests point it at the build tree's po/,
 * where Meson compiles them as LANG/LC_MESSAGES/shmlens.mo).
 */
void
shmlens_i18n_init (void)
{
  const char *localedir = g_getenv ("SHMLENS_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && localedir[0] != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
