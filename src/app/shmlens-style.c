/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-style.c: light or dark, as the "style" setting and the desktop say.
 *
 * "light" and "dark" choose GTK's light or dark theme (gtk-application-prefer-dark-
 * theme). "system" follows the desktop: GTK 4.8 itself does not read the desktop's
 * colour-scheme preference (libadwaita does, and Shmlens does not use it), so this
 * asks the settings portal (org.freedesktop.portal.Settings, key color-scheme in
 * org.freedesktop.appearance: 1 prefers dark, 2 prefers light, 0 says nothing) and
 * follows its SettingChanged signal. Without a portal (no desktop, Xvfb, a test), or
 * when it says nothing, "system" leaves GTK as the session configured it
 * (settings.ini, XSettings) before Shmlens touched it. The portal is never started
 * for us: a desktop that has one runs it already. */
#include "config.h"

#include "shmlens-style.h"

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_SETTINGS "org.freedesktop.portal.Settings"
#define APPEARANCE "org.freedesktop.appearance"
#define COLOR_SCHEME "color-scheme"
#define PORTAL_TIMEOUT_MS 2000

struct _ShmlensStyle
{
  GObject parent_instance;

  GSettings *settings;
  GtkSettings *gtk_settings;
  gboolean session_prefers_dark;   /* before we changed it */
  int system_prefers_dark;         /* from the portal: -1 unknown, 0 or 1 */
  GDBusProxy *portal;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (ShmlensStyle, shmlens_style, G_TYPE_OBJECT)

static void
apply (ShmlensStyle *self)
{
  g_autofree char *style = g_settings_get_string (self->settings, "style");
  gboolean dark;

  if (g_str_equal (style, "dark"))
    dark = TRUE;
  else if (g_str_equal (style, "light"))
    dark = FALSE;
  else if (self->system_prefers_dark >= 0)
    dark = self->system_prefers_dark;
  else
    dark = self->session_prefers_dark;
  g_object_set (self->gtk_settings, "gtk-application-prefer-dark-theme", dark, NULL);
}

/* color-scheme's value, wrapped in as many variants as the portal's version uses
 * (Read returns it in two, SettingChanged in one). */
static void
take_color_scheme (ShmlensStyle *self,
                   GVariant     *value)
{
  g_autoptr(GVariant) inner = g_variant_ref (value);

  while (g_variant_is_of_type (inner, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *next = g_variant_get_variant (inner);
      g_variant_unref (inner);
      inner = next;
    }
  if (!g_variant_is_of_type (inner, G_VARIANT_TYPE_UINT32))
    return;
  switch (g_variant_get_uint32 (inner))
    {
    case 1:
      self->system_prefers_dark = 1;
      break;
    case 2:
      self->system_prefers_dark = 0;
      break;
    default:
      self->system_prefers_dark = -1;
      break;
    }
  apply (self);
}

static void
on_portal_signal (GDBusProxy *proxy,
                  const char *sender,
                  const char *signal_name,
                  GVariant   *parameters,
                  gpointer    user_data)
{
  ShmlensStyle *self = user_data;
  const char *namespace, *key;
  g_autoptr(GVariant) value = NULL;

  if (!g_str_equal (signal_name, "SettingChanged") ||
      !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ssv)")))
    return;
  g_variant_get (parameters, "(&s&sv)", &namespace, &key, &value);
  if (g_str_equal (namespace, APPEARANCE) && g_str_equal (key, COLOR_SCHEME))
    take_color_scheme (self, value);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ShmlensStyle) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  g_autoptr(GVariant) value = NULL;

  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No colour scheme from the settings portal: %s", error->message);
      return;
    }
  if (!g_variant_is_of_type (reply, G_VARIANT_TYPE ("(v)")))
    return;
  g_variant_get (reply, "(v)", &value);
  take_color_scheme (self, value);
}

static void
on_portal_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ShmlensStyle) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusProxy *portal = g_dbus_proxy_new_for_bus_finish (result, &error);

  if (portal == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No settings portal: %s", error->message);
      return;
    }
  self->portal = portal;
  g_signal_connect (portal, "g-signal", G_CALLBACK (on_portal_signal), self);
  g_dbus_proxy_call (portal, "Read", g_variant_new ("(ss)", APPEARANCE, COLOR_SCHEME),
                     G_DBUS_CALL_FLAGS_NO_AUTO_START, PORTAL_TIMEOUT_MS, self->cancellable,
                     on_read, g_object_ref (self));
}

static void
shmlens_style_dispose (GObject *object)
{
  ShmlensStyle *self = SHMLENS_STYLE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->portal != NULL)
    g_signal_handlers_disconnect_by_data (self->portal, self);
  g_clear_object (&self->portal);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->gtk_settings);

  G_OBJECT_CLASS (shmlens_style_parent_class)->dispose (object);
}

static void
shmlens_style_class_init (ShmlensStyleClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = shmlens_style_dispose;
}

static void
shmlens_style_init (ShmlensStyle *self)
{
  self->system_prefers_dark = -1;
  self->cancellable = g_cancellable_new ();
}

/**
 * shmlens_style_new:
 * @settings: the app's settings, with the "style" key
 * @gtk_settings: the display's GTK settings
 *
 * Applies "style" to @gtk_settings now and whenever it or the desktop's preference
 * changes, for as long as the object lives.
 *
 * Returns: (transfer full): the new object
 */
ShmlensStyle *
shmlens_style_new (GSettings   *settings,
                   GtkSettings *gtk_settings)
{
  ShmlensStyle *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (GTK_IS_SETTINGS (gtk_settings), NULL);

  self = g_object_new (SHMLENS_TYPE_STYLE, NULL);
  self->settings = g_object_ref (settings);
  self->gtk_settings = g_object_ref (gtk_settings);
  g_object_get (gtk_settings, "gtk-application-prefer-dark-theme", &self->session_prefers_dark, NULL);
  g_signal_connect_object (settings, "changed::style", G_CALLBACK (apply), self, G_CONNECT_SWAPPED);
  apply (self);

  g_dbus_proxy_new_for_bus (G_BUS_TYPE_SESSION,
                            G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START |
                            G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                            NULL, PORTAL_NAME, PORTAL_PATH, PORTAL_SETTINGS, self->cancellable,
                            on_portal_ready, g_object_ref (self));
  return self;
}

/**
 * shmlens_style_get_system_prefers_dark:
 * @self: a style
 *
 * Returns: 1 when the desktop prefers dark, 0 when it prefers light, -1 when it did
 *   not say (or there is no settings portal)
 */
int
shmlens_style_get_system_prefers_dark (ShmlensStyle *self)
{
  g_return_val_if_fail (SHMLENS_IS_STYLE (self), -1);
  return self->system_prefers_dark;
}
