/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-preferences.c: the Preferences window.
 *
 * Every control is bound to its key with g_settings_bind(), both ways: a change here
 * is stored at once and applied by the widgets bound to the same key (the open
 * segments, the window), and a change made elsewhere (the primary menu's settings.*
 * actions, `gsettings set`) shows here. There is nothing to apply or cancel. */
#include "config.h"

#include "shmlens-preferences.h"
#include "shmlens-segment.h"
#include "shmlens-settings.h"

/* The font the font button offers when the key is empty (the system's monospace). */
#define DEFAULT_CUSTOM_FONT "Monospace 11"

struct _ShmlensPreferencesWindow
{
  GtkWindow parent_instance;

  GSettings *settings;
  gboolean updating_font;

  GtkSpinButton *refresh_spin;
  GtkSpinButton *fade_spin;
  GtkSwitch *follow_switch;
  GtkSwitch *overview_switch;
  GtkDropDown *bytes_dropdown;
  GtkDropDown *group_dropdown;
  GtkSwitch *custom_font_switch;
  GtkFontButton *font_button;
  GtkDropDown *style_dropdown;
  GtkSwitch *posix_switch;
  GtkSwitch *sysv_switch;
  GtkSwitch *memfd_switch;
  GtkSwitch *anon_switch;
  GtkSwitch *confirm_switch;
};

G_DEFINE_FINAL_TYPE (ShmlensPreferencesWindow, shmlens_preferences_window, GTK_TYPE_WINDOW)

/* A drop-down of numbers: its entries, in their order in the .ui file, and how a
 * key's value between them reads (the choice below it). */
typedef struct
{
  const guint *values;
  guint n_values;
  guint (*valid) (guint value);
} NumberChoices;

static const guint bytes_per_row_values[] = { 0, 8, 16, 32 };
static const guint group_size_values[] = { 1, 2, 4, 8 };
static const NumberChoices bytes_per_row_choices = {
  bytes_per_row_values, G_N_ELEMENTS (bytes_per_row_values), shmlens_settings_valid_bytes_per_row,
};
static const NumberChoices group_size_choices = {
  group_size_values, G_N_ELEMENTS (group_size_values), shmlens_settings_valid_group_size,
};
static const char * const style_choices[] = { "system", "light", "dark" };

static gboolean
get_number_index (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const NumberChoices *choices = user_data;
  guint number = choices->valid (g_variant_get_uint32 (variant));

  for (guint i = 0; i < choices->n_values; i++)
    if (choices->values[i] == number)
      g_value_set_uint (value, i);
  return TRUE;
}

static GVariant *
set_number_index (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  const NumberChoices *choices = user_data;
  guint index = g_value_get_uint (value);

  if (index >= choices->n_values)
    return NULL;
  return g_variant_new_uint32 (choices->values[index]);
}

static gboolean
get_style_index (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  const char *style = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (style_choices); i++)
    if (g_str_equal (style_choices[i], style))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
set_style_index (const GValue       *value,
                 const GVariantType *expected_type,
                 gpointer            user_data)
{
  guint index = g_value_get_uint (value);

  if (index >= G_N_ELEMENTS (style_choices))
    return NULL;
  return g_variant_new_string (style_choices[index]);
}

/* One switch per kind of segment, each bound to its bit of "kinds-shown". */
static gboolean
get_kind (GValue   *value,
          GVariant *variant,
          gpointer  user_data)
{
  guint kind = GPOINTER_TO_UINT (user_data);

  g_value_set_boolean (value, (g_settings_get_flags (shmlens_settings_get (), "kinds-shown") & kind) != 0);
  return TRUE;
}

static void
on_kind_switched (GtkSwitch *kind_switch)
{
  GSettings *settings = shmlens_settings_get ();
  guint kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (kind_switch), "shmlens-kind"));
  guint kinds = g_settings_get_flags (settings, "kinds-shown");
  guint wanted = gtk_switch_get_active (kind_switch) ? kinds | kind : kinds & ~kind;

  if (wanted != kinds)
    g_settings_set_flags (settings, "kinds-shown", wanted);
}

/* The font: the switch says whether the key names one, the button which. */

static void
show_font (ShmlensPreferencesWindow *self)
{
  g_autofree char *font = g_settings_get_string (self->settings, "font");

  self->updating_font = TRUE;
  gtk_switch_set_active (self->custom_font_switch, font[0] != '\0');
  if (font[0] != '\0')
    gtk_font_chooser_set_font (GTK_FONT_CHOOSER (self->font_button), font);
  self->updating_font = FALSE;
}

static void
store_font (ShmlensPreferencesWindow *self)
{
  g_autofree char *font = NULL;

  if (self->updating_font)
    return;
  if (gtk_switch_get_active (self->custom_font_switch))
    font = gtk_font_chooser_get_font (GTK_FONT_CHOOSER (self->font_button));
  g_settings_set_string (self->settings, "font", font != NULL ? font : "");
}

/* The hex view lays its columns out by the width of one digit: only monospace. */
static gboolean
is_monospace (const PangoFontFamily *family,
              const PangoFontFace   *face,
              gpointer               user_data)
{
  return pango_font_family_is_monospace ((PangoFontFamily *) family);
}

static void
bind_settings (ShmlensPreferencesWindow *self)
{
  static const struct
  {
    gsize offset;
    guint kind;
  } kind_switches[] = {
    { G_STRUCT_OFFSET (ShmlensPreferencesWindow, posix_switch), SHMLENS_SEGMENT_KIND_POSIX },
    { G_STRUCT_OFFSET (ShmlensPreferencesWindow, sysv_switch), SHMLENS_SEGMENT_KIND_SYSV },
    { G_STRUCT_OFFSET (ShmlensPreferencesWindow, memfd_switch), SHMLENS_SEGMENT_KIND_MEMFD },
    { G_STRUCT_OFFSET (ShmlensPreferencesWindow, anon_switch), SHMLENS_SEGMENT_KIND_ANON },
  };
  GSettings *settings = self->settings;

  g_settings_bind (settings, "refresh-rate", gtk_spin_button_get_adjustment (self->refresh_spin),
                   "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "fade-time", gtk_spin_button_get_adjustment (self->fade_spin),
                   "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "follow-writes", self->follow_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "show-overview", self->overview_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "confirm-remove", self->confirm_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "bytes-per-row", self->bytes_dropdown, "selected",
                                G_SETTINGS_BIND_DEFAULT, get_number_index, set_number_index,
                                (gpointer) &bytes_per_row_choices, NULL);
  g_settings_bind_with_mapping (settings, "group-size", self->group_dropdown, "selected",
                                G_SETTINGS_BIND_DEFAULT, get_number_index, set_number_index,
                                (gpointer) &group_size_choices, NULL);
  g_settings_bind_with_mapping (settings, "style", self->style_dropdown, "selected",
                                G_SETTINGS_BIND_DEFAULT, get_style_index, set_style_index,
                                NULL, NULL);
  /* g_settings_set_flags() turns bits into the key's nicks; a binding's mapping
   * could not, so the switches store their bit themselves */
  for (gsize i = 0; i < G_N_ELEMENTS (kind_switches); i++)
    {
      GtkSwitch *kind_switch = G_STRUCT_MEMBER (GtkSwitch *, self, kind_switches[i].offset);

      g_object_set_data (G_OBJECT (kind_switch), "shmlens-kind",
                         GUINT_TO_POINTER (kind_switches[i].kind));
      g_settings_bind_with_mapping (settings, "kinds-shown", kind_switch, "active",
                                    G_SETTINGS_BIND_GET, get_kind, NULL,
                                    GUINT_TO_POINTER (kind_switches[i].kind), NULL);
      g_signal_connect (kind_switch, "notify::active", G_CALLBACK (on_kind_switched), NULL);
    }

  gtk_font_chooser_set_font (GTK_FONT_CHOOSER (self->font_button), DEFAULT_CUSTOM_FONT);
  gtk_font_chooser_set_filter_func (GTK_FONT_CHOOSER (self->font_button), is_monospace, NULL, NULL);
  show_font (self);
  g_signal_connect_object (settings, "changed::font", G_CALLBACK (show_font), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->custom_font_switch, "notify::active", G_CALLBACK (store_font), self);
  g_signal_connect_swapped (self->font_button, "font-set", G_CALLBACK (store_font), self);
}

static void
shmlens_preferences_window_dispose (GObject *object)
{
  ShmlensPreferencesWindow *self = SHMLENS_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SHMLENS_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (shmlens_preferences_window_parent_class)->dispose (object);
}

static void
shmlens_preferences_window_class_init (ShmlensPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmlens_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/shmlens/Shmlens/shmlens-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, refresh_spin);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, fade_spin);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, follow_switch);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, overview_switch);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, bytes_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, group_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, custom_font_switch);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, font_button);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, style_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, posix_switch);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, sysv_switch);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, memfd_switch);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, anon_switch);
  gtk_widget_class_bind_template_child (widget_class, ShmlensPreferencesWindow, confirm_switch);
}

static void
shmlens_preferences_window_init (ShmlensPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = shmlens_settings_get ();
  if (self->settings == NULL)
    {
      /* nothing to keep the choices in: show them, but not as if they worked */
      gtk_widget_set_sensitive (gtk_window_get_child (GTK_WINDOW (self)), FALSE);
      return;
    }
  g_object_ref (self->settings);
  bind_settings (self);
}

/**
 * shmlens_preferences_window_new:
 * @parent: (nullable): the window it belongs to
 *
 * Returns: (transfer none): a new Preferences window, not yet shown
 */
GtkWidget *
shmlens_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (SHMLENS_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
}
