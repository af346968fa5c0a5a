/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-settings.c: the app's settings, and bindings of them to widgets.
 *
 * One GSettings object for the process (io.github.shmlens.Shmlens, whatever the
 * build's application id, so that a development build shares the person's
 * preferences). Widgets bind their properties to its keys; the Preferences window
 * and the settings.* actions change the keys. Without the schema installed (a build
 * run from the tree without GSETTINGS_SCHEMA_DIR) there are no settings: the widgets
 * keep their defaults and nothing is remembered. */
#include "config.h"

#include "shmlens-settings.h"

/**
 * shmlens_settings_get:
 *
 * Returns: (transfer none) (nullable): the app's settings, or %NULL when the schema
 *   is not installed
 */
GSettings *
shmlens_settings_get (void)
{
  static GSettings *settings;
  static gsize looked_up;

  if (g_once_init_enter (&looked_up))
    {
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
      g_autoptr(GSettingsSchema) schema = NULL;

      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);
      if (schema != NULL)
        settings = g_settings_new_full (schema, NULL, NULL);
      else
        g_message ("The settings schema %s is not installed: preferences and layouts "
                   "are not remembered", SCHEMA_ID);
      g_once_init_leave (&looked_up, 1);
    }
  return settings;
}

/**
 * shmlens_settings_valid_bytes_per_row:
 * @value: a number of bytes per row, from the settings
 *
 * The schema can only say 0 to 32: a value between the choices (`gsettings set … 12`)
 * means the largest choice below it.
 *
 * Returns: 0 (fit the width), 8, 16 or 32
 */
guint
shmlens_settings_valid_bytes_per_row (guint value)
{
  if (value >= 32)
    return 32;
  if (value >= 16)
    return 16;
  if (value >= 8)
    return 8;
  return 0;
}

/**
 * shmlens_settings_valid_group_size:
 * @value: a grouping, from the settings
 *
 * Returns: 1, 2, 4 or 8: the largest of them not above @value
 */
guint
shmlens_settings_valid_group_size (guint value)
{
  if (value >= 8)
    return 8;
  if (value >= 4)
    return 4;
  if (value >= 2)
    return 2;
  return 1;
}

static gboolean
get_bytes_per_row (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  g_value_set_uint (value, shmlens_settings_valid_bytes_per_row (g_variant_get_uint32 (variant)));
  return TRUE;
}

static gboolean
get_group_size (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  g_value_set_uint (value, shmlens_settings_valid_group_size (g_variant_get_uint32 (variant)));
  return TRUE;
}

static GVariant *
set_uint (const GValue       *value,
          const GVariantType *expected_type,
          gpointer            user_data)
{
  return g_variant_new_uint32 (g_value_get_uint (value));
}

/**
 * shmlens_settings_bind_bytes_per_row:
 * @settings: the app's settings
 * @object: an object with a guint @property
 * @property: the property's name
 * @flags: how to bind
 *
 * Binds "bytes-per-row" to @property, with values between the choices taken as the
 * choice below them.
 */
void
shmlens_settings_bind_bytes_per_row (GSettings          *settings,
                                     gpointer            object,
                                     const char         *property,
                                     GSettingsBindFlags  flags)
{
  g_settings_bind_with_mapping (settings, "bytes-per-row", object, property, flags,
                                get_bytes_per_row, set_uint, NULL, NULL);
}

/**
 * shmlens_settings_bind_group_size:
 * @settings: the app's settings
 * @object: an object with a guint @property
 * @property: the property's name
 * @flags: how to bind
 *
 * Binds "group-size" to @property, with values between the choices taken as the
 * choice below them.
 */
void
shmlens_settings_bind_group_size (GSettings          *settings,
                                  gpointer            object,
                                  const char         *property,
                                  GSettingsBindFlags  flags)
{
  g_settings_bind_with_mapping (settings, "group-size", object, property, flags,
                                get_group_size, set_uint, NULL, NULL);
}
