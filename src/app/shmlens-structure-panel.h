/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-structure-panel.h: the segment as the fields of a C struct, live. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHMLENS_TYPE_STRUCTURE_PANEL (shmlens_structure_panel_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensStructurePanel, shmlens_structure_panel, SHMLENS, STRUCTURE_PANEL,
                      GtkWidget)

GtkWidget  *shmlens_structure_panel_new              (void);

void        shmlens_structure_panel_set_layout_file  (ShmlensStructurePanel  *self,
                                                      GFile                  *file);
GFile      *shmlens_structure_panel_get_layout_file  (ShmlensStructurePanel  *self);
void        shmlens_structure_panel_set_layout_text  (ShmlensStructurePanel  *self,
                                                      const char             *text,
                                                      const char             *display_name);
const char *shmlens_structure_panel_get_layout_text  (ShmlensStructurePanel  *self);
gboolean    shmlens_structure_panel_has_layout       (ShmlensStructurePanel  *self);
const char *shmlens_structure_panel_get_error        (ShmlensStructurePanel  *self);

void        shmlens_structure_panel_set_type_name    (ShmlensStructurePanel  *self,
                                                      const char             *type_name);
const char *shmlens_structure_panel_get_type_name    (ShmlensStructurePanel  *self);
void        shmlens_structure_panel_set_placement    (ShmlensStructurePanel  *self,
                                                      guint64                 offset,
                                                      guint64                 count);
void        shmlens_structure_panel_get_placement    (ShmlensStructurePanel  *self,
                                                      guint64                *offset,
                                                      guint64                *count);
void        shmlens_structure_panel_set_hex          (ShmlensStructurePanel  *self,
                                                      gboolean                hex);
gboolean    shmlens_structure_panel_get_hex          (ShmlensStructurePanel  *self);

void        shmlens_structure_panel_get_range        (ShmlensStructurePanel  *self,
                                                      guint64                *offset,
                                                      guint64                *size);
void        shmlens_structure_panel_refresh          (ShmlensStructurePanel  *self,
                                                      const guint8           *bytes,
                                                      guint64                 bytes_offset,
                                                      gsize                   n_bytes,
                                                      gint64                  now_us);
void        shmlens_structure_panel_select_offset    (ShmlensStructurePanel  *self,
                                                      guint64                 offset);

void        shmlens_structure_panel_set_watched      (ShmlensStructurePanel  *self,
                                                      const char             *path,
                                                      gboolean                watched);
char      **shmlens_structure_panel_get_watched_paths (ShmlensStructurePanel *self);
gboolean    shmlens_structure_panel_get_leaf_value   (ShmlensStructurePanel  *self,
                                                      const char             *path,
                                                      double                 *value);

void        shmlens_structure_panel_expand           (ShmlensStructurePanel  *self,
                                                      guint                   depth);

G_END_DECLS
