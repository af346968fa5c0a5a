/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-catalog.h: every segment on the machine, as a live GListModel. */
#pragma once

#include <gio/gio.h>

#include "shmlens-segment.h"

G_BEGIN_DECLS

#define SHMLENS_TYPE_CATALOG (shmlens_catalog_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensCatalog, shmlens_catalog, SHMLENS, CATALOG, GObject)

ShmlensCatalog *shmlens_catalog_new                    (guint            kinds);
guint           shmlens_catalog_get_kinds              (ShmlensCatalog  *self);
void            shmlens_catalog_set_kinds              (ShmlensCatalog  *self,
                                                        guint            kinds);
gboolean        shmlens_catalog_refresh                (ShmlensCatalog  *self,
                                                        GError         **error);
void            shmlens_catalog_refresh_async          (ShmlensCatalog      *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean        shmlens_catalog_refresh_finish         (ShmlensCatalog  *self,
                                                        GAsyncResult    *result,
                                                        GError         **error);
guint           shmlens_catalog_get_skipped_processes  (ShmlensCatalog  *self);
guint           shmlens_catalog_get_vanished_processes (ShmlensCatalog  *self);

G_END_DECLS
