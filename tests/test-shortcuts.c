/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-shortcuts.c: the keyboard shortcuts window, the About dialog, named icon buttons.
 *
 * The shortcuts window (the app's help overlay, Ctrl+?) must list every shortcut the
 * app has — each accelerator of each action, each key binding of the hex view and of
 * every other Shmlens widget class in a window with a segment open — and list nothing
 * that is not one: a new shortcut without an entry fails here. Keypad keys count as
 * their main key (KP_Left is Left): the window lists a key once, as people read it,
 * and the hex view binds both for every move. The About dialog says what the app is;
 * every button that shows only an icon has a tooltip and an accessible name. */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <string.h>

#include "shmlens-application.h"
#include "shmlens-hex-view.h"
#include "shmlens-test-gtk.h"
#include "shmlens-test-util.h"
#include "shmlens-window.h"

#define SEGMENT_SIZE 4096

static ShmlensApplication *app;

/* Keypad keys and the main keys they stand for in the shortcuts window. */
static const struct
{
  guint keypad;
  guint main;
} keypad_keys[] = {
  { GDK_KEY_KP_Left, GDK_KEY_Left },
  { GDK_KEY_KP_Right, GDK_KEY_Right },
  { GDK_KEY_KP_Up, GDK_KEY_Up },
  { GDK_KEY_KP_Down, GDK_KEY_Down },
  { GDK_KEY_KP_Page_Up, GDK_KEY_Page_Up },
  { GDK_KEY_KP_Page_Down, GDK_KEY_Page_Down },
  { GDK_KEY_KP_Home, GDK_KEY_Home },
  { GDK_KEY_KP_End, GDK_KEY_End },
  { GDK_KEY_KP_Insert, GDK_KEY_Insert },
  { GDK_KEY_KP_Delete, GDK_KEY_Delete },
  { GDK_KEY_KP_Enter, GDK_KEY_Return },
  { GDK_KEY_KP_Space, GDK_KEY_space },
};

/* One key combination as a comparable string: "<Control>Home" and "<Primary>KP_Home"
 * give the same. Fails the test on a string GTK cannot parse. */
static char *
normalize_accelerator (const char *accelerator,
                       const char *where)
{
  guint keyval = 0;
  GdkModifierType mods = 0;

  gtk_accelerator_parse (accelerator, &keyval, &mods);
  if (keyval == 0)
    g_error ("%s: \"%s\" is not an accelerator", where, accelerator);
  keyval = gdk_keyval_to_lower (keyval);
  for (gsize i = 0; i < G_N_ELEMENTS (keypad_keys); i++)
    if (keyval == keypad_keys[i].keypad)
      keyval = keypad_keys[i].main;
  return gtk_accelerator_name (keyval, mods & gtk_accelerator_get_default_mod_mask ());
}

/* Adds @accelerator to @set, saying where it came from (the first place wins). */
static void
add_accelerator (GHashTable *set,
                 const char *accelerator,
                 const char *where)
{
  char *key = normalize_accelerator (accelerator, where);

  if (g_hash_table_contains (set, key))
    g_free (key);
  else
    g_hash_table_insert (set, key, g_strdup_printf ("%s (%s)", where, accelerator));
}

/* Every accelerator the application gives its actions (app.*, win.*). */
static void
collect_application_accels (GHashTable *set)
{
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));

  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                    actions[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        add_accelerator (set, accels[j], actions[i]);
    }
}

/* The key bindings of @widget's class (gtk_widget_class_add_binding*): GTK 4.8 has no
 * gtk_widget_class_get_shortcut(), but installs them on each instance as a shortcut
 * controller named "gtk-widget-class-shortcuts", which is a list of GtkShortcut. */
static void
collect_class_bindings (GtkWidget  *widget,
                        GHashTable *set)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  const char *type_name = G_OBJECT_TYPE_NAME (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller) ||
          g_strcmp0 (gtk_event_controller_get_name (controller),
                     "gtk-widget-class-shortcuts") != 0)
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *trigger =
            gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          /* an alternative trigger reads "first|second" */
          g_auto(GStrv) alternatives = g_strsplit (trigger, "|", -1);

          for (guint k = 0; alternatives[k] != NULL; k++)
            add_accelerator (set, alternatives[k], type_name);
        }
    }
}

/* Class bindings of every Shmlens widget under @root. Windows are left out: a
 * window class carries GtkWindow's own bindings (focus moves, the inspector). */
static void
collect_shmlens_bindings (GtkWidget  *root,
                          GHashTable *set,
                          GHashTable *types_seen)
{
  GType type = G_OBJECT_TYPE (root);

  if (g_str_has_prefix (g_type_name (type), "Shmlens") && !GTK_IS_WINDOW (root) &&
      !g_hash_table_contains (types_seen, GSIZE_TO_POINTER (type)))
    {
      g_hash_table_add (types_seen, GSIZE_TO_POINTER (type));
      collect_class_bindings (root, set);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_shmlens_bindings (child, set, types_seen);
}

/* Every key combination some GtkShortcutsShortcut under @root lists. */
static void
collect_listed (GtkWidget  *root,
                GHashTable *set,
                guint      *n_entries)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (root))
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;
      g_auto(GStrv) keys = NULL;

      g_object_get (root, "title", &title, "accelerator", &accelerator, NULL);
      g_assert_nonnull (accelerator);
      keys = g_strsplit (accelerator, " ", -1);
      for (guint i = 0; keys[i] != NULL; i++)
        if (keys[i][0] != '\0')
          add_accelerator (set, keys[i], title);
      (*n_entries)++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_listed (child, set, n_entries);
}

/* Fails, naming each, when a key of @set is not in @other. */
static void
assert_covered (GHashTable *set,
                GHashTable *other,
                const char *what)
{
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GString) missing = g_string_new (NULL);

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (other, key))
      g_string_append_printf (missing, "\n  %s: %s", (char *) key, (char *) value);
  if (missing->len > 0)
    g_error ("%s:%s", what, missing->str);
}

static void
test_shortcuts_window_complete (void)
{
  ShmlensTestWindow open = { 0 };
  GtkShortcutsWindow *overlay;
  g_autoptr(GHashTable) real = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) types_seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GtkWidget) hex_view = g_object_ref_sink (shmlens_hex_view_new ());
  guint n_entries = 0;
  g_autofree char *ctrl_q = NULL;
  g_autofree char *ctrl_kp_home = NULL;

  shmlens_test_window_open (&open, app, "shortcuts", SEGMENT_SIZE);

  /* The help overlay, with its action and its accelerator. */
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (open.window));
  g_assert_nonnull (overlay);
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (open.window), "show-help-overlay"));

  collect_application_accels (real);
  collect_class_bindings (hex_view, real);
  collect_shmlens_bindings (GTK_WIDGET (open.window), real, types_seen);
  collect_listed (GTK_WIDGET (overlay), listed, &n_entries);

  /* The collectors see what they must: the application's, the hex view's. */
  ctrl_q = normalize_accelerator ("<Control>q", "test");
  ctrl_kp_home = normalize_accelerator ("<Shift><Control>KP_Home", "test");
  g_assert_true (g_hash_table_contains (real, ctrl_q));
  g_assert_true (g_hash_table_contains (real, ctrl_kp_home));
  g_assert_true (g_hash_table_contains (types_seen, GSIZE_TO_POINTER (SHMLENS_TYPE_HEX_VIEW)));
  g_assert_cmpuint (n_entries, >, 20);

  assert_covered (real, listed, "shortcuts the shortcuts window does not list");
  assert_covered (listed, real, "shortcuts the shortcuts window lists but the app does not have");

  /* win.show-help-overlay shows it. */
  g_action_group_activate_action (G_ACTION_GROUP (open.window), "show-help-overlay", NULL);
  shmlens_test_run_main_loop_for (100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (overlay)) == GTK_WINDOW (open.window));
  gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);

  shmlens_test_window_close (&open);
}

static GtkAboutDialog *
find_about_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (GTK_IS_ABOUT_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static void
test_about (void)
{
  ShmlensWindow *window = shmlens_window_new (app);
  GtkAboutDialog *about;
  const char * const *authors;

  gtk_window_present (GTK_WINDOW (window));
  shmlens_test_run_main_loop_for (100);
  g_assert_null (find_about_dialog ());

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  shmlens_test_run_main_loop_for (100);
  about = find_about_dialog ();
  g_assert_nonnull (about);

  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == GTK_WINDOW (window));
  g_assert_cmpstr (gtk_about_dialog_get_program_name (about), ==, "Shmlens");
  g_assert_cmpstr (gtk_about_dialog_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpstr (gtk_about_dialog_get_comments (about), !=, NULL);
  g_assert_cmpstr (gtk_about_dialog_get_comments (about), !=, "");
  g_assert_cmpstr (gtk_about_dialog_get_website (about), ==, "https://github.com/shmlens/shmlens");
  g_assert_cmpint (gtk_about_dialog_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_cmpstr (gtk_about_dialog_get_logo_icon_name (about), ==, APPLICATION_ID);
  g_assert_cmpstr (gtk_about_dialog_get_translator_credits (about), ==,
                   g_dgettext (GETTEXT_PACKAGE, "translator-credits"));
  authors = gtk_about_dialog_get_authors (about);
  g_assert_nonnull (authors);
  g_assert_cmpstr (authors[0], ==, "The Shmlens developers");
  g_assert_null (authors[1]);

  gtk_window_destroy (GTK_WINDOW (window));
  shmlens_test_run_main_loop_for (50);
}

/* Whether @accessible has a non-empty accessible label. GTK 4.8 has no getter: the
 * label is set, and it is not "". */
static gboolean
has_accessible_label (GtkAccessible *accessible)
{
  g_autofree char *not_empty = NULL;

  if (!gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return FALSE;
  not_empty = gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL, "");
  return not_empty != NULL;
}

/* A button that shows one image and nothing else; a menu button with an icon and no
 * label (GTK 4.8 puts its image in a box, beside a hidden arrow). */
static gboolean
is_icon_only (GtkWidget *button)
{
  GtkWidget *child = gtk_widget_get_first_child (button);

  if (GTK_IS_MENU_BUTTON (button))
    return gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (button)) != NULL &&
           gtk_menu_button_get_label (GTK_MENU_BUTTON (button)) == NULL;
  return GTK_IS_BUTTON (button) && child != NULL && GTK_IS_IMAGE (child) &&
         gtk_widget_get_next_sibling (child) == NULL;
}

static const char *
icon_name (GtkWidget *button)
{
  if (GTK_IS_MENU_BUTTON (button))
    return gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (button));
  return gtk_image_get_icon_name (GTK_IMAGE (gtk_widget_get_first_child (button)));
}

/* "GtkBox < GtkNotebook < …": where a widget is, for a failure message. */
static const char *
ancestry (GtkWidget *widget)
{
  static char text[512];
  g_autoptr(GString) path = g_string_new (NULL);

  for (GtkWidget *w = gtk_widget_get_parent (widget); w != NULL; w = gtk_widget_get_parent (w))
    g_string_append_printf (path, "%s%s", path->len > 0 ? " < " : "", G_OBJECT_TYPE_NAME (w));
  g_strlcpy (text, path->str, sizeof text);
  return text;
}

/* Checks every icon-only button or menu button on screen under @root. GTK's own parts are left out, which GTK names
 * itself and the app cannot give a tooltip: a spin button's +/− (the spin button is
 * named and takes the keys), the window controls, and a scrollable notebook's
 * arrows (in GTK 4.8, buttons straight inside the notebook's internal GtkGizmo
 * header; our tabs' close buttons sit inside the tab's own box). */
static void
check_icon_buttons (GtkWidget *root,
                    GString   *unnamed,
                    guint     *n_checked)
{
  if (GTK_IS_SPIN_BUTTON (root) || GTK_IS_WINDOW_CONTROLS (root))
    return;
  if (gtk_widget_get_mapped (root) && is_icon_only (root))
    {
      GtkWidget *parent = gtk_widget_get_parent (root);
      const char *tooltip;

      if (g_str_equal (G_OBJECT_TYPE_NAME (parent), "GtkGizmo") &&
          gtk_widget_get_ancestor (parent, GTK_TYPE_NOTEBOOK) != NULL)
        return;
      tooltip = gtk_widget_get_tooltip_text (root);
      if (tooltip == NULL || tooltip[0] == '\0' || !has_accessible_label (GTK_ACCESSIBLE (root)))
        g_string_append_printf (unnamed, "\n  %s in %s with icon %s: tooltip \"%s\", %s",
                                G_OBJECT_TYPE_NAME (root), ancestry (root),
                                icon_name (root),
                                tooltip != NULL ? tooltip : "(none)",
                                has_accessible_label (GTK_ACCESSIBLE (root)) ? "named" : "no accessible name");
      g_test_message ("icon-only %s %s: \"%s\"", G_OBJECT_TYPE_NAME (root), icon_name (root),
                      tooltip != NULL ? tooltip : "(none)");
      (*n_checked)++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_icon_buttons (child, unnamed, n_checked);
}

static void
test_icon_buttons_named (void)
{
  static const char * const panels[] = { "inspector", "attachments", "structure", "writers" };
  ShmlensTestWindow open = { 0 };
  GtkWidget *hex_view;
  g_autoptr(GString) unnamed = g_string_new (NULL);
  guint n_checked = 0;

  shmlens_test_window_open (&open, app, "shortcuts", SEGMENT_SIZE);
  /* the find bar's buttons too */
  hex_view = shmlens_test_find_widget (GTK_WIDGET (open.window), SHMLENS_TYPE_HEX_VIEW);
  g_assert_nonnull (hex_view);
  g_assert_true (gtk_widget_activate_action (hex_view, "hexview.find", NULL));

  /* each side panel in turn: only what is on screen is checked */
  for (gsize i = 0; i < G_N_ELEMENTS (panels); i++)
    {
      shmlens_segment_page_show_panel (shmlens_window_get_current_page (open.window), panels[i]);
      shmlens_test_run_main_loop_for (300);
      check_icon_buttons (GTK_WIDGET (open.window), unnamed, &n_checked);
    }
  /* at least: pause, main menu, the tab's close, the find bar's previous, next and
   * close, the structure panel's open and edit */
  g_assert_cmpuint (n_checked, >=, 8);
  if (unnamed->len > 0)
    g_error ("icon-only buttons without a tooltip or an accessible name:%s", unnamed->str);

  shmlens_test_window_close (&open);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!shmlens_test_gtk_available ("shortcuts"))
    return g_test_run ();

  app = shmlens_test_application_new ();

  g_test_add_func ("/shmlens/shortcuts/window-lists-every-shortcut", test_shortcuts_window_complete);
  g_test_add_func ("/shmlens/about/dialog", test_about);
  g_test_add_func ("/shmlens/a11y/icon-buttons-named", test_icon_buttons_named);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
