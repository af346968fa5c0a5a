/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-preferences.c: the settings, the Preferences window, and what they change.
 *
 * Every key of the schema has a control in the Preferences window that shows the key
 * and changes it; every preference changes the widgets it is for, in a window with a
 * segment open; the window's size and panels come back; the style follows the
 * desktop through a settings portal this test serves on the session bus; a test
 * segment is removed with and without being asked first. Runs with the memory
 * settings backend (tests/meson.build), reset before each test. */
#include "config.h"

#include <gtk/gtk.h>
#include <unistd.h>

#include "shmlens-application.h"
#include "shmlens-created.h"
#include "shmlens-hex-view.h"
#include "shmlens-inspector.h"
#include "shmlens-overview.h"
#include "shmlens-preferences.h"
#include "shmlens-segment-list.h"
#include "shmlens-segment-page.h"
#include "shmlens-settings.h"
#include "shmlens-structure-panel.h"
#include "shmlens-style.h"
#include "shmlens-test-gtk.h"
#include "shmlens-test-util.h"
#include "shmlens-window.h"

#define SEGMENT_SIZE 4096

static ShmlensApplication *app;

static void
reset_settings (void)
{
  GSettings *settings = shmlens_settings_get ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_assert_nonnull (settings);
  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

/* The widget of @type inside @root whose accessible label, or whose mnemonic
 * label's text, is @name: how a person (and a screen reader) finds a control. */
static GtkWidget *
find_control (GtkWidget  *root,
              const char *name)
{
  GtkWidget *found = NULL;
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, root);
  while (stack->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      if (GTK_IS_LABEL (widget) && gtk_label_get_mnemonic_widget (GTK_LABEL (widget)) != NULL &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), name) == 0)
        {
          g_assert_null (found);
          found = gtk_label_get_mnemonic_widget (GTK_LABEL (widget));
        }
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        g_ptr_array_add (stack, child);
    }
  if (found == NULL)
    g_error ("no control labelled “%s”", name);
  return found;
}

static GtkWidget *
new_preferences (void)
{
  GtkWidget *window = shmlens_preferences_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  shmlens_test_run_main_loop_for (100);
  return window;
}

/* Each control shows its key, and changing it changes the key. */
static void
test_controls_change_keys (void)
{
  GSettings *settings = shmlens_settings_get ();
  GtkWidget *window;
  GtkWidget *control;

  reset_settings ();
  window = new_preferences ();

  control = find_control (window, "Refresh rate");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (control)), ==, 10);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control), 25);
  g_assert_cmpuint (g_settings_get_uint (settings, "refresh-rate"), ==, 25);

  control = find_control (window, "Highlight fade time");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (control)), ==, 1000);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control), 2500);
  g_assert_cmpuint (g_settings_get_uint (settings, "fade-time"), ==, 2500);

  control = find_control (window, "Follow writes");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (control)));
  gtk_switch_set_active (GTK_SWITCH (control), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "follow-writes"));

  control = find_control (window, "Show the overview");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (control)));
  gtk_switch_set_active (GTK_SWITCH (control), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "show-overview"));

  control = find_control (window, "Bytes per row");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (control)), ==, 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (control), 2);
  g_assert_cmpuint (g_settings_get_uint (settings, "bytes-per-row"), ==, 16);

  control = find_control (window, "Grouping");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (control)), ==, 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (control), 3);
  g_assert_cmpuint (g_settings_get_uint (settings, "group-size"), ==, 8);

  control = find_control (window, "Style");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (control)), ==, 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (control), 2);
  {
    g_autofree char *style = g_settings_get_string (settings, "style");
    g_assert_cmpstr (style, ==, "dark");
  }

  control = find_control (window, "System V");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (control)));
  gtk_switch_set_active (GTK_SWITCH (control), FALSE);
  g_assert_cmpuint (g_settings_get_flags (settings, "kinds-shown"), ==,
                    SHMLENS_SEGMENT_KIND_POSIX | SHMLENS_SEGMENT_KIND_MEMFD | SHMLENS_SEGMENT_KIND_ANON);
  control = find_control (window, "Shared anonymous memory");
  gtk_switch_set_active (GTK_SWITCH (control), FALSE);
  g_assert_cmpuint (g_settings_get_flags (settings, "kinds-shown"), ==,
                    SHMLENS_SEGMENT_KIND_POSIX | SHMLENS_SEGMENT_KIND_MEMFD);

  control = find_control (window, "Confirm before removing");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (control)));
  gtk_switch_set_active (GTK_SWITCH (control), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "confirm-remove"));

  /* the font: off is the system's; on stores the button's font */
  control = find_control (window, "Custom font");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (control)));
  gtk_switch_set_active (GTK_SWITCH (control), TRUE);
  {
    g_autofree char *font = g_settings_get_string (settings, "font");
    g_assert_cmpstr (font, ==, "Monospace 11");
  }
  gtk_switch_set_active (GTK_SWITCH (control), FALSE);
  {
    g_autofree char *font = g_settings_get_string (settings, "font");
    g_assert_cmpstr (font, ==, "");
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A key changed elsewhere (a menu's settings.* action, `gsettings set`) shows. */
static void
test_keys_change_controls (void)
{
  GSettings *settings = shmlens_settings_get ();
  GtkWidget *window;

  reset_settings ();
  window = new_preferences ();

  g_settings_set_uint (settings, "refresh-rate", 60);
  g_settings_set_uint (settings, "fade-time", 0);
  g_settings_set_boolean (settings, "follow-writes", TRUE);
  g_settings_set_uint (settings, "bytes-per-row", 32);
  /* between the choices: the one below */
  g_settings_set_uint (settings, "group-size", 5);
  g_settings_set_string (settings, "style", "light");
  g_settings_set_flags (settings, "kinds-shown", SHMLENS_SEGMENT_KIND_MEMFD);
  g_settings_set_string (settings, "font", "DejaVu Sans Mono 14");

  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (find_control (window, "Refresh rate"))), ==, 60);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (find_control (window, "Highlight fade time"))), ==, 0);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (find_control (window, "Follow writes"))));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (find_control (window, "Bytes per row"))), ==, 3);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (find_control (window, "Grouping"))), ==, 2);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (find_control (window, "Style"))), ==, 1);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (find_control (window, "POSIX"))));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (find_control (window, "System V"))));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (find_control (window, "memfd"))));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (find_control (window, "Shared anonymous memory"))));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (find_control (window, "Custom font"))));
  {
    GtkWidget *button = shmlens_test_find_widget (window, GTK_TYPE_FONT_BUTTON);
    g_autofree char *font = gtk_font_chooser_get_font (GTK_FONT_CHOOSER (button));
    g_assert_cmpstr (font, ==, "DejaVu Sans Mono 14");
    g_assert_true (gtk_widget_get_sensitive (button));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Every key a person sets has a control: a key added to the schema without one
 * fails here. (The window's size and panels, and the layouts, are remembered, not
 * chosen.) */
static void
test_every_preference_has_a_control (void)
{
  static const char * const remembered[] = {
    "window-width", "window-height", "window-maximized", "sidebar-visible", "sidebar-width",
    "side-panel", "segment-layouts",
  };
  static const struct
  {
    const char *key;
    const char *control;
  } controls[] = {
    { "refresh-rate", "Refresh rate" }, { "fade-time", "Highlight fade time" },
    { "bytes-per-row", "Bytes per row" }, { "group-size", "Grouping" },
    { "font", "Custom font" }, { "show-overview", "Show the overview" },
    { "follow-writes", "Follow writes" }, { "style", "Style" },
    { "kinds-shown", "POSIX" }, { "confirm-remove", "Confirm before removing" },
  };
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  GtkWidget *window = new_preferences ();

  g_object_get (shmlens_settings_get (), "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (gsize j = 0; j < G_N_ELEMENTS (remembered); j++)
        found |= g_str_equal (keys[i], remembered[j]);
      for (gsize j = 0; j < G_N_ELEMENTS (controls) && !found; j++)
        if (g_str_equal (keys[i], controls[j].key))
          {
            find_control (window, controls[j].control);
            found = TRUE;
          }
      if (!found)
        g_error ("the key “%s” has no control in the Preferences window", keys[i]);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The preferences change what they are for, in a window with a segment open. */
static void
test_preferences_apply (void)
{
  GSettings *settings = shmlens_settings_get ();
  ShmlensTestWindow open = { 0 };
  ShmlensHexView *hex_view;
  GtkWidget *overview, *inspector, *structure, *list, *rate;
  g_autofree char *font = NULL;

  reset_settings ();
  shmlens_test_window_open (&open, app, "prefs", SEGMENT_SIZE);
  hex_view = shmlens_segment_page_get_hex_view (open.page);
  overview = shmlens_test_find_widget (GTK_WIDGET (open.page), SHMLENS_TYPE_OVERVIEW);
  inspector = shmlens_test_find_widget (GTK_WIDGET (open.page), SHMLENS_TYPE_INSPECTOR);
  structure = GTK_WIDGET (shmlens_segment_page_get_structure_panel (open.page));
  list = shmlens_test_find_widget (GTK_WIDGET (open.window), SHMLENS_TYPE_SEGMENT_LIST);
  rate = shmlens_test_find_widget (gtk_window_get_titlebar (GTK_WINDOW (open.window)),
                                   GTK_TYPE_SPIN_BUTTON);

  /* the defaults */
  g_assert_cmpuint (shmlens_hex_view_get_bytes_per_row (hex_view), ==, 0);
  g_assert_cmpuint (shmlens_hex_view_get_group_size (hex_view), ==, 1);
  g_assert_cmpuint (shmlens_hex_view_get_fade_time (hex_view), ==, 1000);
  g_assert_true (gtk_widget_get_visible (overview));
  g_assert_null ((font = shmlens_hex_view_dup_font (hex_view)));

  g_settings_set_uint (settings, "bytes-per-row", 16);
  g_settings_set_uint (settings, "group-size", 4);
  g_settings_set_uint (settings, "fade-time", 300);
  g_settings_set_boolean (settings, "show-overview", FALSE);
  g_settings_set_boolean (settings, "follow-writes", TRUE);
  g_settings_set_string (settings, "font", "DejaVu Sans Mono 15");
  g_settings_set_uint (settings, "refresh-rate", 30);
  g_settings_set_flags (settings, "kinds-shown", SHMLENS_SEGMENT_KIND_POSIX);

  g_assert_cmpuint (shmlens_hex_view_get_bytes_per_row (hex_view), ==, 16);
  g_assert_cmpuint (shmlens_hex_view_get_group_size (hex_view), ==, 4);
  g_assert_cmpuint (shmlens_hex_view_get_fade_time (hex_view), ==, 300);
  g_assert_cmpuint (shmlens_inspector_get_fade_time (SHMLENS_INSPECTOR (inspector)), ==, 300);
  {
    guint fade;
    g_object_get (structure, "fade-time", &fade, NULL);
    g_assert_cmpuint (fade, ==, 300);
  }
  g_assert_false (gtk_widget_get_visible (overview));
  {
    gboolean follow;
    g_object_get (open.page, "follow-writes", &follow, NULL);
    g_assert_true (follow);
  }
  g_clear_pointer (&font, g_free);
  font = shmlens_hex_view_dup_font (hex_view);
  g_assert_cmpstr (font, ==, "DejaVu Sans Mono 15");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (rate)), ==, 30);
  g_assert_cmpuint (shmlens_segment_list_get_kinds (SHMLENS_SEGMENT_LIST (list)), ==,
                    SHMLENS_SEGMENT_KIND_POSIX);

  /* the header bar's rate is the setting, both ways */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (rate), 5);
  g_assert_cmpuint (g_settings_get_uint (settings, "refresh-rate"), ==, 5);

  /* a bigger font makes bigger rows */
  {
    int small_row, big_row;

    g_settings_set_string (settings, "font", "Monospace 8");
    shmlens_test_run_main_loop_for (50);
    small_row = shmlens_hex_view_get_row_height (hex_view);
    g_settings_set_string (settings, "font", "Monospace 20");
    shmlens_test_run_main_loop_for (50);
    big_row = shmlens_hex_view_get_row_height (hex_view);
    g_assert_cmpint (big_row, >, small_row);
  }

  shmlens_test_window_close (&open);
}

/* The primary menu's settings.* actions change the keys. */
static void
test_settings_actions (void)
{
  GSettings *settings = shmlens_settings_get ();
  ShmlensTestWindow open = { 0 };
  GtkWidget *list;

  reset_settings ();
  shmlens_test_window_open (&open, app, "prefs", SEGMENT_SIZE);
  list = shmlens_test_find_widget (GTK_WIDGET (open.window), SHMLENS_TYPE_SEGMENT_LIST);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (open.window), "settings.bytes-per-row",
                                             "u", 32));
  g_assert_cmpuint (g_settings_get_uint (settings, "bytes-per-row"), ==, 32);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (open.window), "settings.group-size",
                                             "u", 2));
  g_assert_cmpuint (g_settings_get_uint (settings, "group-size"), ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (open.window), "settings.follow-writes", NULL));
  g_assert_true (g_settings_get_boolean (settings, "follow-writes"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (open.window), "settings.show-overview", NULL));
  g_assert_false (g_settings_get_boolean (settings, "show-overview"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (open.window), "settings.style", "s", "dark"));
  {
    g_autofree char *style = g_settings_get_string (settings, "style");
    g_assert_cmpstr (style, ==, "dark");
  }

  /* F9's action hides the segment list; searching brings it back */
  g_assert_true (gtk_widget_get_visible (list));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (open.window), "settings.sidebar-visible", NULL));
  g_assert_false (g_settings_get_boolean (settings, "sidebar-visible"));
  g_assert_false (gtk_widget_get_visible (list));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (open.window), "win.focus-search", NULL));
  g_assert_true (gtk_widget_get_visible (list));
  g_assert_true (g_settings_get_boolean (settings, "sidebar-visible"));

  /* and app.preferences shows the Preferences window */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  shmlens_test_run_main_loop_for (100);
  {
    GList *windows = gtk_window_list_toplevels ();
    gboolean shown = FALSE;

    for (GList *l = windows; l != NULL; l = l->next)
      if (SHMLENS_IS_PREFERENCES_WINDOW (l->data) && gtk_widget_get_visible (l->data))
        {
          shown = TRUE;
          gtk_window_destroy (l->data);
        }
    g_list_free (windows);
    g_assert_true (shown);
  }

  shmlens_test_window_close (&open);
}

/* The window's size and panels are remembered: a new window opens as the last was. */
static void
test_window_state_remembered (void)
{
  GSettings *settings = shmlens_settings_get ();
  ShmlensTestWindow open = { 0 };
  GtkWidget *list;
  int width, height;
  g_autofree char *panel = NULL;

  reset_settings ();
  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 740);
  g_settings_set_int (settings, "sidebar-width", 420);
  g_settings_set_string (settings, "side-panel", "attachments");
  shmlens_test_window_open (&open, app, "prefs", SEGMENT_SIZE);

  gtk_window_get_default_size (GTK_WINDOW (open.window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 740);
  g_assert_cmpint (gtk_paned_get_position (GTK_PANED (shmlens_test_find_widget (GTK_WIDGET (open.window),
                                                                               GTK_TYPE_PANED))),
                   ==, 420);
  {
    GtkStack *side_stack = GTK_STACK (gtk_widget_get_parent (GTK_WIDGET (shmlens_segment_page_get_writers_panel (open.page))));
    g_assert_cmpstr (gtk_stack_get_visible_child_name (side_stack), ==, "attachments");

    /* the person switches the panel: the next segment opens on it */
    gtk_stack_set_visible_child_name (side_stack, "writers");
    panel = g_settings_get_string (settings, "side-panel");
    g_assert_cmpstr (panel, ==, "writers");
  }

  /* resizing the window is remembered */
  gtk_window_set_default_size (GTK_WINDOW (open.window), 1000, 760);
  shmlens_test_run_main_loop_for (200);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 760);

  list = shmlens_test_find_widget (GTK_WIDGET (open.window), SHMLENS_TYPE_SEGMENT_LIST);
  gtk_widget_set_visible (list, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "sidebar-visible"));
  shmlens_test_window_close (&open);

  shmlens_test_window_open (&open, app, "prefs", SEGMENT_SIZE);
  list = shmlens_test_find_widget (GTK_WIDGET (open.window), SHMLENS_TYPE_SEGMENT_LIST);
  g_assert_false (gtk_widget_get_visible (list));
  gtk_window_get_default_size (GTK_WINDOW (open.window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  shmlens_test_window_close (&open);
}

/* A settings portal on the session bus, as a desktop runs one: the style follows
 * its color-scheme, now and when it changes. */
static guint32 portal_scheme;

static void
portal_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  const char *namespace, *key;

  g_variant_get (parameters, "(&s&s)", &namespace, &key);
  if (g_str_equal (method_name, "Read") && g_str_equal (namespace, "org.freedesktop.appearance") &&
      g_str_equal (key, "color-scheme"))
    /* Read wraps the value in a second variant, as the portal does */
    g_dbus_method_invocation_return_value (invocation,
      g_variant_new ("(v)", g_variant_new_variant (g_variant_new_uint32 (portal_scheme))));
  else
    g_dbus_method_invocation_return_dbus_error (invocation,
                                                "org.freedesktop.portal.Error.NotFound",
                                                "Requested setting not found");
}

static const char portal_xml[] =
  "<node><interface name='org.freedesktop.portal.Settings'>"
  "<method name='Read'><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='v' direction='out'/></method>"
  "<signal name='SettingChanged'><arg type='s'/><arg type='s'/><arg type='v'/></signal>"
  "</interface></node>";

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
prefers_dark (void)
{
  gboolean dark;

  g_object_get (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", &dark, NULL);
  return dark;
}

static void
test_style (void)
{
  GSettings *settings = shmlens_settings_get ();
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (portal_xml, NULL);
  const GDBusInterfaceVTable vtable = { portal_method_call, NULL, NULL, { 0 } };
  g_autoptr(ShmlensStyle) style = NULL;
  gboolean session_dark = prefers_dark ();
  gboolean acquired = FALSE;
  guint object_id, owner_id;

  if (bus == NULL)
    {
      g_test_skip ("no session bus");
      return;
    }
  reset_settings ();

  /* no portal: "system" leaves what the session had; light and dark choose */
  style = shmlens_style_new (settings, gtk_settings_get_default ());
  shmlens_test_run_main_loop_for (200);
  g_assert_cmpint (shmlens_style_get_system_prefers_dark (style), ==, -1);
  g_assert_cmpint (prefers_dark (), ==, session_dark);
  g_settings_set_string (settings, "style", "dark");
  g_assert_true (prefers_dark ());
  g_settings_set_string (settings, "style", "light");
  g_assert_false (prefers_dark ());
  g_settings_set_string (settings, "style", "system");
  g_assert_cmpint (prefers_dark (), ==, session_dark);
  g_clear_object (&style);

  /* a portal that prefers dark */
  portal_scheme = 1;
  object_id = g_dbus_connection_register_object (bus, "/org/freedesktop/portal/desktop",
                                                 node->interfaces[0], &vtable, NULL, NULL, NULL);
  g_assert_cmpuint (object_id, !=, 0);
  owner_id = g_bus_own_name_on_connection (bus, "org.freedesktop.portal.Desktop",
                                           G_BUS_NAME_OWNER_FLAGS_NONE, on_name_acquired, NULL,
                                           &acquired, NULL);
  while (!acquired)
    g_main_context_iteration (NULL, TRUE);

  style = shmlens_style_new (settings, gtk_settings_get_default ());
  shmlens_test_run_main_loop_for (500);
  g_assert_cmpint (shmlens_style_get_system_prefers_dark (style), ==, 1);
  g_assert_true (prefers_dark ());

  /* the desktop turns light */
  g_dbus_connection_emit_signal (bus, NULL, "/org/freedesktop/portal/desktop",
                                 "org.freedesktop.portal.Settings", "SettingChanged",
                                 g_variant_new ("(ssv)", "org.freedesktop.appearance",
                                                "color-scheme", g_variant_new_uint32 (2)),
                                 NULL);
  shmlens_test_run_main_loop_for (300);
  g_assert_cmpint (shmlens_style_get_system_prefers_dark (style), ==, 0);
  g_assert_false (prefers_dark ());

  /* a chosen style wins over the desktop's */
  g_settings_set_string (settings, "style", "dark");
  g_assert_true (prefers_dark ());

  g_clear_object (&style);
  g_bus_unown_name (owner_id);
  g_dbus_connection_unregister_object (bus, object_id);
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", session_dark, NULL);
  reset_settings ();
}

/* Remove in a test segment's bar: asks first, unless that is turned off. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, root);
  while (stack->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
        return widget;
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        g_ptr_array_add (stack, child);
    }
  return NULL;
}

static GtkWidget *
find_message_dialog (void)
{
  GList *windows = gtk_window_list_toplevels ();
  GtkWidget *found = NULL;

  for (GList *l = windows; l != NULL; l = l->next)
    if (GTK_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (windows);
  return found;
}

static char *
create_test_segment (void)
{
  ShmlensCreateOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("shmlens-test-prefs-remove-%d", (int) getpid ());
  char *ref;

  options.kind = SHMLENS_SEGMENT_KIND_POSIX;
  options.name = name;
  options.size = SEGMENT_SIZE;
  options.mode = 0600;
  ref = shmlens_created_create (&options, &error);
  g_assert_no_error (error);
  return ref;
}

static void
test_remove_asks_first (void)
{
  GSettings *settings = shmlens_settings_get ();
  g_autofree char *ref = NULL;
  g_autofree char *path = NULL;
  ShmlensWindow *window;
  GtkWidget *remove, *dialog;

  reset_settings ();
  ref = create_test_segment ();
  path = g_strconcat ("/dev/shm", ref, NULL);
  window = shmlens_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (shmlens_window_open_ref (window, ref, NULL));
  shmlens_test_run_main_loop_for (300);

  remove = find_button (GTK_WIDGET (window), "_Remove");
  g_assert_nonnull (remove);
  g_assert_true (gtk_widget_get_mapped (remove));

  /* asked: Cancel keeps it */
  g_signal_emit_by_name (remove, "clicked");
  shmlens_test_run_main_loop_for (100);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  shmlens_test_run_main_loop_for (100);
  g_assert_null (find_message_dialog ());
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  /* asked: Remove removes it */
  g_signal_emit_by_name (remove, "clicked");
  shmlens_test_run_main_loop_for (100);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  shmlens_test_run_main_loop_for (100);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (gtk_widget_get_sensitive (remove));
  gtk_window_destroy (GTK_WINDOW (window));

  /* not asked */
  g_clear_pointer (&ref, g_free);
  ref = create_test_segment ();
  g_settings_set_boolean (settings, "confirm-remove", FALSE);
  window = shmlens_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (shmlens_window_open_ref (window, ref, NULL));
  shmlens_test_run_main_loop_for (300);
  remove = find_button (GTK_WIDGET (window), "_Remove");
  g_signal_emit_by_name (remove, "clicked");
  shmlens_test_run_main_loop_for (100);
  g_assert_null (find_message_dialog ());
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  gtk_window_destroy (GTK_WINDOW (window));

  /* a segment Shmlens did not create has no Remove on screen */
  {
    ShmlensTestWindow open = { 0 };

    shmlens_test_window_open (&open, app, "prefs", SEGMENT_SIZE);
    shmlens_test_run_main_loop_for (300);
    remove = find_button (GTK_WIDGET (open.window), "_Remove");
    g_assert_nonnull (remove);
    g_assert_false (gtk_widget_get_mapped (remove));
    shmlens_test_window_close (&open);
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!shmlens_test_gtk_available ("preferences"))
    return g_test_run ();

  app = shmlens_test_application_new ();

  g_test_add_func ("/shmlens/preferences/controls-change-keys", test_controls_change_keys);
  g_test_add_func ("/shmlens/preferences/keys-change-controls", test_keys_change_controls);
  g_test_add_func ("/shmlens/preferences/every-preference-has-a-control",
                   test_every_preference_has_a_control);
  g_test_add_func ("/shmlens/preferences/apply-to-open-segments", test_preferences_apply);
  g_test_add_func ("/shmlens/preferences/settings-actions", test_settings_actions);
  g_test_add_func ("/shmlens/preferences/window-state-remembered", test_window_state_remembered);
  g_test_add_func ("/shmlens/preferences/style-follows-portal", test_style);
  g_test_add_func ("/shmlens/preferences/remove-asks-first", test_remove_asks_first);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
