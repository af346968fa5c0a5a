/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-window.c: the main window: segment list, open segments in tabs. */
#include "config.h"

#include <glib/gi18n.h>

#include "shmlens-demos.h"
#include "shmlens-a11y.h"
#include "shmlens-new-segment-dialog.h"
#include "shmlens-ref.h"
#include "shmlens-segment-list.h"
#include "shmlens-segment-page.h"
#include "shmlens-settings.h"
#include "shmlens-window.h"

struct _ShmlensWindow
{
  GtkApplicationWindow parent_instance;

  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkAdjustment *rate_adjustment;
  ShmlensSegmentList *segment_list;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkStack *content_stack;
  GtkNotebook *notebook;

  GtkFileChooserNative *chooser;
  GtkWidget *new_segment_dialog;  /* weak */
};

G_DEFINE_FINAL_TYPE (ShmlensWindow, shmlens_window, GTK_TYPE_APPLICATION_WINDOW)

static ShmlensSegmentPage *
current_page (ShmlensWindow *self)
{
  int n = gtk_notebook_get_current_page (self->notebook);
  if (n < 0)
    return NULL;
  return SHMLENS_SEGMENT_PAGE (gtk_notebook_get_nth_page (self->notebook, n));
}

static void
update_title (ShmlensWindow *self)
{
  ShmlensSegmentPage *page = current_page (self);

  if (page == NULL)
    {
      gtk_label_set_label (self->title_label, "Shmlens");
      gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), FALSE);
      gtk_window_set_title (GTK_WINDOW (self), "Shmlens");
      return;
    }

  g_autofree char *window_title = g_strdup_printf ("%s — Shmlens",
                                                   shmlens_segment_page_get_title (page));
  gtk_label_set_label (self->title_label, shmlens_segment_page_get_title (page));
  gtk_label_set_label (self->subtitle_label, shmlens_segment_page_get_subtitle (page));
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), TRUE);
  gtk_window_set_title (GTK_WINDOW (self), window_title);
}

static void
on_switch_page (ShmlensWindow *self)
{
  /* pages are removed as the window goes, too */
  if (self->notebook == NULL)
    return;
  update_title (self);
}

static void
on_page_removed (ShmlensWindow *self)
{
  if (self->notebook == NULL)
    return;
  if (gtk_notebook_get_n_pages (self->notebook) == 0)
    gtk_stack_set_visible_child_name (self->content_stack, "welcome");
  update_title (self);
}

static void
on_error_dismissed (ShmlensWindow *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static void
show_error (ShmlensWindow *self,
            const char    *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static gboolean
action_state_boolean (ShmlensWindow *self,
                      const char    *name)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), name);
  return state != NULL && g_variant_get_boolean (state);
}

/* A new page follows the window's current pause, rate and modes (the preferences it
 * binds itself). */
static void
configure_page (ShmlensWindow      *self,
                ShmlensSegmentPage *page)
{
  shmlens_segment_page_set_refresh_rate (page,
                                         (guint) gtk_adjustment_get_value (self->rate_adjustment));
  shmlens_segment_page_set_changes_since_pause (page,
                                                action_state_boolean (self, "changes-since-pause"));
  shmlens_segment_page_set_paused (page, action_state_boolean (self, "pause"));
}

static void
on_tab_close_clicked (GtkWidget *page)
{
  GtkWidget *notebook = gtk_widget_get_ancestor (page, GTK_TYPE_NOTEBOOK);
  if (notebook != NULL)
    gtk_notebook_remove_page (GTK_NOTEBOOK (notebook),
                              gtk_notebook_page_num (GTK_NOTEBOOK (notebook), page));
}

static GtkWidget *
make_tab_label (ShmlensSegmentPage *page)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (shmlens_segment_page_get_title (page));
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");

  g_object_bind_property (page, "title", label, "label", G_BINDING_DEFAULT);
  g_object_bind_property (page, "subtitle", label, "tooltip-text", G_BINDING_DEFAULT);
  /* a notebook gives tabs their minimum width: without width-chars an ellipsized
   * label would shrink to "…" */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_width_chars (GTK_LABEL (label),
                             MIN ((int) g_utf8_strlen (shmlens_segment_page_get_title (page), -1), 16));
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_button_set_has_frame (GTK_BUTTON (close), FALSE);
  gtk_widget_set_tooltip_text (close, _("Close (Ctrl+W)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (close), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Close"), -1);
  g_signal_connect_swapped (close, "clicked", G_CALLBACK (on_tab_close_clicked), page);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), close);
  return box;
}

/* GTK 4.8 names a notebook's tab "Tab" whatever it shows: name the tab widget (the
 * parent of our label box) after the segment. */
static void
name_tab (GtkNotebook        *notebook,
          ShmlensSegmentPage *page)
{
  GtkWidget *tab_label = gtk_notebook_get_tab_label (notebook, GTK_WIDGET (page));

  if (tab_label != NULL && gtk_widget_get_parent (tab_label) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (tab_label)),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    shmlens_segment_page_get_title (page), -1);
}

/**
 * shmlens_window_open_segment:
 * @self: a window
 * @segment: a segment from the catalog or a resolved reference
 *
 * Shows @segment in a tab: the existing one if it is already open (segments are
 * compared by identity), a new one otherwise.
 */
void
shmlens_window_open_segment (ShmlensWindow  *self,
                             ShmlensSegment *segment)
{
  GtkWidget *page;
  int n;

  g_return_if_fail (SHMLENS_IS_WINDOW (self));
  g_return_if_fail (SHMLENS_IS_SEGMENT (segment));

  for (int i = 0; i < gtk_notebook_get_n_pages (self->notebook); i++)
    {
      ShmlensSegmentPage *open = SHMLENS_SEGMENT_PAGE (gtk_notebook_get_nth_page (self->notebook, i));
      if (shmlens_segment_same_identity (shmlens_segment_page_get_segment (open), segment))
        {
          gtk_notebook_set_current_page (self->notebook, i);
          gtk_stack_set_visible_child_name (self->content_stack, "segments");
          return;
        }
    }

  page = shmlens_segment_page_new (segment);
  configure_page (self, SHMLENS_SEGMENT_PAGE (page));
  g_signal_connect_object (page, "notify::title", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "notify::subtitle", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  n = gtk_notebook_append_page (self->notebook, page, make_tab_label (SHMLENS_SEGMENT_PAGE (page)));
  gtk_notebook_set_tab_reorderable (self->notebook, page, TRUE);
  name_tab (self->notebook, SHMLENS_SEGMENT_PAGE (page));
  g_signal_connect_object (page, "notify::title", G_CALLBACK (name_tab), self->notebook,
                           G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->content_stack, "segments");
  gtk_notebook_set_current_page (self->notebook, n);
  update_title (self);
  /* Ready for the keyboard: arrows move through the bytes at once. */
  shmlens_segment_page_focus_bytes (SHMLENS_SEGMENT_PAGE (page));
}

/**
 * shmlens_window_get_current_page:
 * @self: a window
 *
 * Returns: (transfer none) (nullable): the segment shown, if any
 */
ShmlensSegmentPage *
shmlens_window_get_current_page (ShmlensWindow *self)
{
  g_return_val_if_fail (SHMLENS_IS_WINDOW (self), NULL);
  return current_page (self);
}

/**
 * shmlens_window_open_ref:
 * @self: a window
 * @ref: a segment reference, as shmlens-cli takes it
 * @error: return location for an error
 *
 * Returns: %TRUE if the segment was found and shown; on failure the window also
 *   shows the error
 */
gboolean
shmlens_window_open_ref (ShmlensWindow  *self,
                         const char     *ref,
                         GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(ShmlensRef) parsed = shmlens_ref_parse (ref, &local_error);
  g_autoptr(ShmlensSegment) segment = NULL;

  if (parsed != NULL)
    segment = shmlens_ref_resolve (parsed, FALSE, &local_error);
  if (segment == NULL)
    {
      show_error (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  shmlens_window_open_segment (self, segment);
  return TRUE;
}

static void
on_segment_activated (ShmlensWindow  *self,
                      ShmlensSegment *segment)
{
  shmlens_window_open_segment (self, segment);
}

static void
on_chooser_response (ShmlensWindow        *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path == NULL)
        show_error (self, _("Only local files can be opened."));
      else
        {
          g_autofree char *ref = g_strconcat ("file:", path, NULL);
          g_autofree char *escaped_ref = NULL;
          /* the path is raw bytes; the reference syntax escapes backslashes */
          g_auto(GStrv) parts = g_strsplit (ref, "\\", -1);
          escaped_ref = g_strjoinv ("\\\\", parts);
          shmlens_window_open_ref (self, escaped_ref, NULL);
        }
    }
  g_clear_object (&self->chooser);
}

static void
open_file_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ShmlensWindow *self = SHMLENS_WINDOW (user_data);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Open File Read-Only"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_segment_created (ShmlensWindow *self,
                    const char    *ref)
{
  ShmlensSegmentPage *page;

  if (!shmlens_window_open_ref (self, ref, NULL))
    return;
  /* A test segment is made to be written into: show where writers start. */
  page = current_page (self);
  if (page != NULL)
    shmlens_segment_page_show_panel (page, "writers");
}

static void
demo_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  ShmlensWindow *self = SHMLENS_WINDOW (user_data);
  g_autoptr(GError) error = NULL;

  if (shmlens_demos_start (self, g_variant_get_string (parameter, NULL), &error) == NULL)
    show_error (self, error->message);
}

static void
new_segment_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ShmlensWindow *self = SHMLENS_WINDOW (user_data);

  if (self->new_segment_dialog == NULL)
    {
      self->new_segment_dialog = shmlens_new_segment_dialog_new (GTK_WINDOW (self));
      g_object_add_weak_pointer (G_OBJECT (self->new_segment_dialog),
                                 (gpointer *) &self->new_segment_dialog);
      g_signal_connect_object (self->new_segment_dialog, "segment-created",
                               G_CALLBACK (on_segment_created), self, G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (self->new_segment_dialog));
}

static void
close_tab_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ShmlensWindow *self = SHMLENS_WINDOW (user_data);
  int n = gtk_notebook_get_current_page (self->notebook);

  if (n >= 0)
    gtk_notebook_remove_page (self->notebook, n);
}

static void
focus_search_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ShmlensWindow *self = SHMLENS_WINDOW (user_data);

  gtk_widget_set_visible (GTK_WIDGET (self->segment_list), TRUE);
  gtk_widget_activate_action (GTK_WIDGET (self->segment_list), "segment-list.focus-search", NULL);
}

typedef void (*PageSetter) (ShmlensSegmentPage *page, gboolean value);

static void
for_each_page (ShmlensWindow *self,
               PageSetter     setter,
               gboolean       value)
{
  for (int i = 0; i < gtk_notebook_get_n_pages (self->notebook); i++)
    setter (SHMLENS_SEGMENT_PAGE (gtk_notebook_get_nth_page (self->notebook, i)), value);
}

static void
change_pause (GSimpleAction *action,
              GVariant      *value,
              gpointer       user_data)
{
  g_simple_action_set_state (action, value);
  for_each_page (SHMLENS_WINDOW (user_data), shmlens_segment_page_set_paused,
                 g_variant_get_boolean (value));
}

static void
change_changes_since_pause (GSimpleAction *action,
                            GVariant      *value,
                            gpointer       user_data)
{
  g_simple_action_set_state (action, value);
  for_each_page (SHMLENS_WINDOW (user_data), shmlens_segment_page_set_changes_since_pause,
                 g_variant_get_boolean (value));
}

static const GActionEntry win_entries[] = {
  { "open-file", open_file_activated },
  { "new-segment", new_segment_activated },
  { "demo", demo_activated, "s" },
  { "close-tab", close_tab_activated },
  { "focus-search", focus_search_activated },
  { "pause", NULL, NULL, "false", change_pause },
  { "changes-since-pause", NULL, NULL, "false", change_changes_since_pause },
};

static void
on_rate_changed (ShmlensWindow *self)
{
  guint hertz = (guint) gtk_adjustment_get_value (self->rate_adjustment);

  for (int i = 0; i < gtk_notebook_get_n_pages (self->notebook); i++)
    shmlens_segment_page_set_refresh_rate (
      SHMLENS_SEGMENT_PAGE (gtk_notebook_get_nth_page (self->notebook, i)), hertz);
}

static void
shmlens_window_dispose (GObject *object)
{
  ShmlensWindow *self = SHMLENS_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->new_segment_dialog != NULL)
    {
      GtkWidget *dialog = self->new_segment_dialog;

      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->new_segment_dialog);
      self->new_segment_dialog = NULL;
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMLENS_TYPE_WINDOW);

  G_OBJECT_CLASS (shmlens_window_parent_class)->dispose (object);
}

static void
shmlens_window_class_init (ShmlensWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmlens_window_dispose;

  g_type_ensure (SHMLENS_TYPE_SEGMENT_LIST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/shmlens/Shmlens/shmlens-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmlensWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWindow, rate_adjustment);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWindow, segment_list);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, ShmlensWindow, notebook);
  gtk_widget_class_bind_template_callback (widget_class, on_switch_page);
  gtk_widget_class_bind_template_callback (widget_class, on_page_removed);
  gtk_widget_class_bind_template_callback (widget_class, on_error_dismissed);
}

static gboolean
get_kinds (GValue   *value,
           GVariant *variant,
           gpointer  user_data)
{
  /* the schema's flags have the values of ShmlensSegmentKind */
  g_value_set_uint (value, g_settings_get_flags (user_data, "kinds-shown"));
  return TRUE;
}

/* The window's part of the preferences: its size and panels, the refresh rate in the
 * header bar, the kinds listed, and the settings.* actions of the primary menu and of
 * the shortcuts. */
static void
bind_settings (ShmlensWindow *self)
{
  static const char * const actions[] = {
    "bytes-per-row", "group-size", "follow-writes", "show-overview", "sidebar-visible", "style",
  };
  GSettings *settings = shmlens_settings_get ();
  g_autoptr(GSimpleActionGroup) group = NULL;

  if (settings == NULL)
    return;

  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "sidebar-visible", self->segment_list, "visible",
                   G_SETTINGS_BIND_DEFAULT);
  /* the window's child; not a template child, which dispose_template() would unparent
   * from under the window */
  g_settings_bind (settings, "sidebar-width", gtk_window_get_child (GTK_WINDOW (self)), "position",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "refresh-rate", self->rate_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "kinds-shown", self->segment_list, "kinds",
                                G_SETTINGS_BIND_GET, get_kinds, NULL, settings, NULL);

  group = g_simple_action_group_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autoptr(GAction) action = g_settings_create_action (settings, actions[i]);
      g_action_map_add_action (G_ACTION_MAP (group), action);
    }
  gtk_widget_insert_action_group (GTK_WIDGET (self), "settings", G_ACTION_GROUP (group));
}

static void
shmlens_window_init (ShmlensWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  shmlens_a11y_name_mnemonic_buttons (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries),
                                   self);
  g_signal_connect_swapped (self->segment_list, "segment-activated",
                            G_CALLBACK (on_segment_activated), self);
  g_signal_connect_swapped (self->rate_adjustment, "value-changed",
                            G_CALLBACK (on_rate_changed), self);
  bind_settings (self);
}

ShmlensWindow *
shmlens_window_new (ShmlensApplication *application)
{
  return g_object_new (SHMLENS_TYPE_WINDOW, "application", application, NULL);
}
