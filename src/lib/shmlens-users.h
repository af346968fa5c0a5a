/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-users.h: user and group names for ids, looked up once. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *shmlens_user_name  (guint uid);
const char *shmlens_group_name (guint gid);

G_END_DECLS
