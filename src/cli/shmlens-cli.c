/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli.c: shmlens-cli's entry point; dispatches to one file per command. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "shmlens-cli.h"
#include "shmlens-error.h"
#include "shmlens-ref.h"

static const struct
{
  const char *name;
  ShmlensCliCommand run;
  const char *summary;
} commands[] = {
  { "list", shmlens_cli_list, "List shared-memory segments" },
  { "info", shmlens_cli_info, "Show a segment's metadata and the processes attached to it" },
  { "dump", shmlens_cli_dump, "Print a segment's bytes like hexdump -C or xxd" },
  { "watch", shmlens_cli_watch, "Print changes to a segment's bytes as they happen" },
  { "show", shmlens_cli_show, "Print a segment's values as the structs a C header declares" },
  { "layout", shmlens_cli_layout, "Show where gcc puts every member of a struct in a C header" },
  { "create", shmlens_cli_create, "Create a test segment (POSIX or System V)" },
  { "remove", shmlens_cli_remove, "Remove a segment Shmlens created" },
  { "write", shmlens_cli_write, "Write a pattern into a test segment, as one writer process" },
  { "demo", shmlens_cli_demo, "Run a teaching demo and print its outcome" },
};

static void
print_help (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  shmlens-cli COMMAND [OPTION…]\n"
           "\n"
           "Inspect shared memory, read-only.\n"
           "\n"
           "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\n"
           "Segment references (REF):\n"
           "  /NAME, posix:NAME        a POSIX segment in /dev/shm\n"
           "  sysv:SHMID               a System V segment by id\n"
           "  sysv-key:0xKEY           a System V segment by key\n"
           "  memfd:PID:FD             a memfd through a process's descriptor\n"
           "  memfd:PID:0xADDRESS      a memfd through a process's mapping\n"
           "  anon:PID:0xADDRESS       shared anonymous memory of a process\n"
           "  file:PATH, ./PATH        a plain file\n"
           "\n"
           "Run “shmlens-cli COMMAND --help” for a command's options.\n");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_set_prgname ("shmlens-cli");

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
  fprintf (stderr, "shmlens-cli: unknown command “%s”. Run “shmlens-cli --help” for the list.\n",
           escaped);
  return SHMLENS_CLI_EXIT_USAGE;
}
