/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-create.c: `shmlens-cli create` and `remove`, test segments of Shmlens's own. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib/gi18n.h>

#include "shmlens-cli.h"
#include "shmlens-created.h"
#include "shmlens-error.h"

static gboolean
parse_mode (const char *text,
            guint      *mode)
{
  char *end = NULL;
  guint64 value;

  if (text == NULL || *text == '\0')
    return FALSE;
  value = g_ascii_strtoull (text, &end, 8);
  if (*end != '\0' || value > 0777)
    return FALSE;
  *mode = (guint) value;
  return TRUE;
}

/* A System V key: decimal or 0x hexadecimal, 32 bits; "private" (or none) for
 * IPC_PRIVATE. */
static gboolean
parse_key (const char *text,
           gboolean   *has_key,
           gint32     *key)
{
  char *end = NULL;
  guint64 value;

  if (text == NULL || g_strcmp0 (text, "private") == 0)
    {
      *has_key = FALSE;
      return TRUE;
    }
  value = g_ascii_strtoull (text, &end, 0);
  if (end == text || *end != '\0' || value > G_MAXUINT32 || value == 0)
    return FALSE;
  *has_key = TRUE;
  *key = (gint32) (guint32) value;
  return TRUE;
}

int
shmlens_cli_create (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *size_text = NULL;
  g_autofree char *kind_text = NULL;
  g_autofree char *mode_text = NULL;
  g_autofree char *fill_text = NULL;
  g_autofree char *message = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *examples = NULL;
  /* Translators: %s is the default message, which is not translated */
  g_autofree char *message_help = g_strdup_printf (_("The text --fill=message writes at offset 0 "
                                                     "(default “%s”)"), SHMLENS_DEFAULT_MESSAGE);
  ShmlensCreateOptions options = { .kind = SHMLENS_SEGMENT_KIND_POSIX, .mode = 0600 };
  const GOptionEntry entries[] = {
    { "size", 'n', 0, G_OPTION_ARG_STRING, &size_text,
      N_("The size in bytes (4096, 0x1000, 4K, 1M…); required"),
      /* Translators: the placeholder for a number in --help, as in “--size=N” */
      N_("N") },
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_text,
      /* Translators: posix, sysv and private are typed as they are */
      N_("posix (the default: /dev/shm/NAME) or sysv (NAME is the key, or private)"),
      N_("KIND") },
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode_text,
      N_("Permission bits in octal (default 0600)"), N_("MODE") },
    { "fill", 'f', 0, G_OPTION_ARG_STRING, &fill_text,
      /* Translators: zero, random and message are typed as they are */
      N_("zero (the default: nothing is allocated), random, or message"), N_("FILL") },
    /* already translated: GOption's translation of it finds nothing and leaves it */
    { "message", 0, 0, G_OPTION_ARG_STRING, &message, message_help, N_("TEXT") },
    { NULL }
  };

  /* Translators: follows “shmlens-cli create [OPTION…]” in the usage line; NAME is a
   * placeholder */
  context = g_option_context_new (_("NAME — create a test segment"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    /* Translators: “private” is typed as it is */
    _("Creates a shared-memory segment and prints its reference (REF). POSIX segments are\n"
      "named (/dev/shm/NAME); System V ones have a key (decimal or 0x…) or, with the key\n"
      "“private” or none, are IPC_PRIVATE. Shmlens records the segments it creates: only\n"
      "those can be written by `shmlens-cli write` and removed without --force."));
  /* the command lines are typed as they are: only the heading is translated */
  examples = g_strconcat (_("Examples:"), "\n"
                          "  shmlens-cli create MyFileMappingObject --size=256 --fill=message\n"
                          "  shmlens-cli create --kind=sysv 0x1234 --size=1M --mode=0640\n"
                          "  shmlens-cli create --kind=sysv --size=64K           (IPC_PRIVATE)",
                          NULL);
  g_option_context_set_description (context, examples);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!shmlens_cli_parse_options (context, "create", &argc, &argv))
    return SHMLENS_CLI_EXIT_USAGE;

  if (kind_text == NULL || g_strcmp0 (kind_text, "posix") == 0)
    options.kind = SHMLENS_SEGMENT_KIND_POSIX;
  else if (g_strcmp0 (kind_text, "sysv") == 0)
    options.kind = SHMLENS_SEGMENT_KIND_SYSV;
  else
    {
      g_autofree char *escaped = g_strescape (kind_text, NULL);
      return shmlens_cli_usage_error ("create",
                                      /* Translators: %s is what was given for --kind */
                                      _("--kind: “%s” is not posix or sysv"), escaped);
    }

  if (options.kind == SHMLENS_SEGMENT_KIND_POSIX && argc != 2)
    return shmlens_cli_usage_error ("create", argc < 2 ? _("a POSIX segment needs a NAME")
                                                       : _("only one NAME can be given"));
  if (options.kind == SHMLENS_SEGMENT_KIND_SYSV && argc > 2)
    return shmlens_cli_usage_error ("create", _("only one key can be given"));
  if (options.kind == SHMLENS_SEGMENT_KIND_POSIX)
    /* "/NAME" works too, as references are written */
    options.name = argv[1][0] == '/' ? argv[1] + 1 : argv[1];
  else if (!parse_key (argc == 2 ? argv[1] : NULL, &options.has_key, &options.key))
    {
      g_autofree char *escaped = g_strescape (argv[1], NULL);
      return shmlens_cli_usage_error ("create",
                                      /* Translators: %s is what was given as the key;
                                       * “private” is typed as it is */
                                      _("“%s” is not a System V key: give 1 to "
                                        "0xffffffff, in decimal or 0x hexadecimal, or "
                                        "“private”"), escaped);
    }

  if (size_text == NULL)
    return shmlens_cli_usage_error ("create", _("--size is needed"));
  if (!shmlens_cli_parse_size ("--size", size_text, &options.size, &error))
    return shmlens_cli_usage_error ("create", "%s", error->message);
  if (mode_text != NULL && !parse_mode (mode_text, &options.mode))
    {
      g_autofree char *escaped = g_strescape (mode_text, NULL);
      return shmlens_cli_usage_error ("create",
                                      /* Translators: %s is what was given for --mode */
                                      _("--mode: “%s” is not an octal mode from 0 to 0777"),
                                      escaped);
    }
  if (fill_text != NULL && !shmlens_fill_from_string (fill_text, &options.fill))
    {
      g_autofree char *escaped = g_strescape (fill_text, NULL);
      return shmlens_cli_usage_error ("create",
                                      /* Translators: %s is what was given for --fill */
                                      _("--fill: “%s” is not zero, random or message"),
                                      escaped);
    }
  if (message != NULL && options.fill != SHMLENS_FILL_MESSAGE)
    return shmlens_cli_usage_error ("create", _("--message goes with --fill=message"));
  options.message = message;

  ref = shmlens_created_create (&options, &error);
  if (ref == NULL)
    return shmlens_cli_fail (error);
  printf ("%s\n", ref);
  return SHMLENS_CLI_EXIT_OK;
}

int
shmlens_cli_remove (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  gboolean force = FALSE;
  int status = SHMLENS_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Remove it even though Shmlens did not create it"), NULL },
    { NULL }
  };

  /* Translators: follows “shmlens-cli remove [OPTION…]” in the usage line; REF is the
   * placeholder for a segment reference */
  context = g_option_context_new (_("REF… — remove test segments"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Removes segments Shmlens created (shmlens-cli create, the app's test segments and\n"
      "demos): a POSIX segment's name is unlinked; a System V segment is marked for\n"
      "removal and freed once the last process detaches. Any other segment is refused,\n"
      "naming whose it is, unless --force is given."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!shmlens_cli_parse_options (context, "remove", &argc, &argv))
    return SHMLENS_CLI_EXIT_USAGE;
  if (argc < 2)
    return shmlens_cli_usage_error ("remove", _("a segment reference (REF) is needed"));

  /* Each REF on its own: one refusal does not stop the others. */
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (shmlens_created_remove (argv[i], force, &local_error))
        continue;
      if (g_error_matches (local_error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_OURS))
        {
          /* Translators: %s says that Shmlens did not create the segment, and whose
           * it is */
          g_autofree char *message = g_strdup_printf (_("%s. Remove it anyway with --force."),
                                                      local_error->message);

          fprintf (stderr, "shmlens-cli: %s\n", message);
        }
      else
        fprintf (stderr, "shmlens-cli: %s\n", local_error->message);
      status = MAX (status, g_error_matches (local_error, SHMLENS_ERROR, SHMLENS_ERROR_INVALID_REF)
                              ? SHMLENS_CLI_EXIT_USAGE : SHMLENS_CLI_EXIT_ERROR);
    }
  return status;
}
