/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli.c: shmlens-cli's entry point; dispatches to one file per command. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "shmlens-cli.h"
#include "shmlens-error.h"
#include "shmlens-i18n.h"
#include "shmlens-ref.h"

static const struct
{
  const char *name;
  ShmlensCliCommand run;
  const char *summary;
} commands[] = {
  { "list", shmlens_cli_list, N_("List shared-memory segments") },
  { "info", shmlens_cli_info,
    N_("Show a segment's metadata and the processes attached to it") },
  { "dump", shmlens_cli_dump, N_("Print a segment's bytes like hexdump -C or xxd") },
  { "watch", shmlens_cli_watch, N_("Print changes to a segment's bytes as they happen") },
  { "show", shmlens_cli_show,
    N_("Print a segment's values as the structs a C header declares") },
  { "layout", shmlens_cli_layout,
    N_("Show where gcc puts every member of a struct in a C header") },
  { "create", shmlens_cli_create, N_("Create a test segment (POSIX or System V)") },
  { "remove", shmlens_cli_remove, N_("Remove a segment Shmlens created") },
  { "write", shmlens_cli_write,
    N_("Write a pattern into a test segment, as one writer process") },
  { "demo", shmlens_cli_demo, N_("Run a teaching demo and print its outcome") },
};

/* The forms of a segment reference (REF): the syntax is the same in every language,
 * only what it means is translated. */
static const struct
{
  const char *syntax;
  const char *meaning;
} ref_forms[] = {
  { "/NAME, posix:NAME", N_("a POSIX segment in /dev/shm") },
  { "sysv:SHMID", N_("a System V segment by id") },
  { "sysv-key:0xKEY", N_("a System V segment by key") },
  { "memfd:PID:FD", N_("a memfd through a process's descriptor") },
  { "memfd:PID:0xADDRESS", N_("a memfd through a process's mapping") },
  { "anon:PID:0xADDRESS", N_("shared anonymous memory of a process") },
  { "file:PATH, ./PATH", N_("a plain file") },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n", _("Usage:"));
  /* Translators: the synopsis after “shmlens-cli”; COMMAND and OPTION are placeholders,
   * which may be translated (GLib translates its own “[OPTION…]”) */
  fprintf (out, "  shmlens-cli %s\n\n", _("COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("Inspect shared memory, read-only."));
  /* Translators: a heading, above the list of commands (the bash completion reads
   * the list in the C locale, so this may be translated) */
  fprintf (out, "%s\n", _("Commands:"));
  /* the command names stay as they are typed; the summaries come last, unpadded */
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, _(commands[i].summary));
  /* Translators: a heading; REF is the placeholder for a segment reference in the
   * commands' usage lines */
  fprintf (out, "\n%s\n", _("Segment references (REF):"));
  for (gsize i = 0; i < G_N_ELEMENTS (ref_forms); i++)
    fprintf (out, "  %-24s %s\n", ref_forms[i].syntax, _(ref_forms[i].meaning));
  fprintf (out, "\n");
  /* Translators: keep “shmlens-cli” and “--help”; COMMAND is a placeholder */
  fprintf (out, "%s\n", _("Run “shmlens-cli COMMAND --help” for a command's options."));
}

/* GOption's --help prints and exits by itself, and printf's output fails (a full
 * disk, /dev/full) only when it is flushed: this runs at exit, so that no command
 * whose output was lost exits 0. */
static void
check_output (void)
{
  g_autoptr(GError) error = NULL;

  if (shmlens_cli_flush_stdout (&error))
    return;
  fprintf (stderr, "shmlens-cli: %s\n", error->message);
  _exit (SHMLENS_CLI_EXIT_ERROR);
}

int
main (int    argc,
      char **argv)
{
  shmlens_i18n_init ();
  g_set_prgname ("shmlens-cli");
  atexit (check_output);

  if (argc < 2)
    {
      print_help (stderr);
      return SHMLENS_CLI_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_help (stdout);
      return SHMLENS_CLI_EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      printf ("shmlens-cli %s\n", PACKAGE_VERSION);
      return SHMLENS_CLI_EXIT_OK;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  g_autofree char *escaped = g_strescape (argv[1], NULL);
  g_autofree char *message = NULL;

  /* Translators: %s is what was typed in place of a command */
  message = g_strdup_printf (_("unknown command “%s”. Run “shmlens-cli --help” for the list."),
                             escaped);
  fprintf (stderr, "shmlens-cli: %s\n", message);
  return SHMLENS_CLI_EXIT_USAGE;
}
