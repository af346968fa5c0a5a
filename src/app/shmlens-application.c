/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-application.c: one instance; `shmlens REF…` opens each REF in it. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>

#include "shmlens-demos.h"
#include "shmlens-application.h"
#include "shmlens-preferences.h"
#include "shmlens-settings.h"
#include "shmlens-style.h"
#include "shmlens-test-segments.h"
#include "shmlens-window.h"
#include "shmlens-writers.h"

/* How long writers get to stop by themselves when the app quits. */
#define WRITERS_STOP_TIMEOUT_MS 2000

struct _ShmlensApplication
{
  GtkApplication parent_instance;

  ShmlensStyle *style;
  GtkWidget *preferences;   /* weak */
};

G_DEFINE_FINAL_TYPE (ShmlensApplication, shmlens_application, GTK_TYPE_APPLICATION)

static ShmlensWindow *
get_window (ShmlensApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (shmlens_window_new (self));
  return SHMLENS_WINDOW (window);
}

static void
shmlens_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (get_window (SHMLENS_APPLICATION (application))));
}

/* Handled in the primary instance, so that `shmlens REF` from a terminal opens the
 * reference in the window already running. */
static int
shmlens_application_command_line (GApplication            *application,
                                  GApplicationCommandLine *command_line)
{
  ShmlensApplication *self = SHMLENS_APPLICATION (application);
  g_auto(GStrv) argv = g_application_command_line_get_arguments (command_line, NULL);
  ShmlensWindow *window = get_window (self);
  int status = 0;

  for (guint i = 1; argv[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!shmlens_window_open_ref (window, argv[i], &error))
        {
          g_application_command_line_printerr (command_line, "shmlens: %s\n", error->message);
          status = 1;
        }
    }

  {
    GVariantDict *options = g_application_command_line_get_options_dict (command_line);
    const char *demo = NULL;

    if (g_variant_dict_lookup (options, "demo", "&s", &demo))
      {
        g_autoptr(GError) error = NULL;

        if (shmlens_demos_start (window, demo, &error) == NULL)
          {
            g_application_command_line_printerr (command_line, "shmlens: %s\n", error->message);
            status = 1;
          }
      }
  }

  gtk_window_present (GTK_WINDOW (window));
  return status;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *authors[] = { "The Shmlens developers", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (app),
                         "program-name", "Shmlens",
                         "logo-icon-name", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("See what lives in shared memory, live"),
                         "website", "https://github.com/shmlens/shmlens",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ShmlensApplication *self = SHMLENS_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->preferences == NULL)
    {
      self->preferences = shmlens_preferences_window_new (parent);
      g_object_add_weak_pointer (G_OBJECT (self->preferences), (gpointer *) &self->preferences);
    }
  gtk_window_present (GTK_WINDOW (self->preferences));
}

static const GActionEntry app_entries[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "preferences", preferences_activated },
};

/* SIGTERM (a logout, `kill`) and SIGINT (Ctrl+C in a terminal) quit as the Quit
 * menu item does, so that writers are stopped and test segments removed. */
static gboolean
on_quit_signal (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

static void
shmlens_application_startup (GApplication *application)
{
  static const struct
  {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.open-file", { "<Control>o", NULL } },
    { "win.new-segment", { "<Control>n", NULL } },
    { "win.close-tab", { "<Control>w", NULL } },
    { "win.pause", { "space", NULL } },
    { "settings.follow-writes", { "<Control>j", NULL } },
    { "settings.sidebar-visible", { "F9", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.changes-since-pause", { "<Control>k", NULL } },
    { "win.focus-search", { "<Control><Shift>f", NULL } },
  };

  G_APPLICATION_CLASS (shmlens_application_parent_class)->startup (application);
  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_entries,
                                   G_N_ELEMENTS (app_entries), application);
  g_unix_signal_add (SIGTERM, on_quit_signal, application);
  g_unix_signal_add (SIGINT, on_quit_signal, application);
  for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application), accels[i].action,
                                           accels[i].accels);

  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/shmlens/Shmlens/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  if (shmlens_settings_get () != NULL)
    SHMLENS_APPLICATION (application)->style =
      shmlens_style_new (shmlens_settings_get (), gtk_settings_get_default ());
  else
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (application),
                                                                              "preferences")),
                                 FALSE);
}

/**
 * shmlens_application_end_session:
 *
 * What the app does last, when it quits: stops every writer process it started and
 * waits for them, then removes the test segments created in this session that the
 * person did not choose to keep.
 */
void
shmlens_application_end_session (void)
{
  shmlens_writer_processes_stop_all (WRITERS_STOP_TIMEOUT_MS);
  shmlens_test_segments_remove_unkept (shmlens_test_segments_get_default ());
}

static void
shmlens_application_shutdown (GApplication *application)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (application)));

  /* The windows first: their pages stop their writers. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);
  shmlens_application_end_session ();
  g_clear_object (&SHMLENS_APPLICATION (application)->style);

  G_APPLICATION_CLASS (shmlens_application_parent_class)->shutdown (application);
}

/* Handled in the process started from the terminal, before any window or display. */
static int
shmlens_application_handle_local_options (GApplication *application,
                                          GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("shmlens %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

static void
shmlens_application_class_init (ShmlensApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = shmlens_application_activate;
  app_class->command_line = shmlens_application_command_line;
  app_class->handle_local_options = shmlens_application_handle_local_options;
  app_class->startup = shmlens_application_startup;
  app_class->shutdown = shmlens_application_shutdown;
}

static void
shmlens_application_init (ShmlensApplication *self)
{
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { "demo", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Start a demo: hello, counters, race, ring or seqlock"), N_("NAME") },
    { NULL }
  };

  /* With options of its own, GApplication also answers --help itself, without a
   * display; REF arguments still go to the running instance. */
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[REF…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
    _("Shows shared-memory segments live: opens each REF (/NAME, sysv:SHMID, memfd:PID:FD, "
      "anon:PID:0xADDRESS, file:PATH) in the window already running, or starts Shmlens."));
}

ShmlensApplication *
shmlens_application_new (void)
{
  return g_object_new (SHMLENS_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/shmlens/Shmlens",
                       NULL);
}
