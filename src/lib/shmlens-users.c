/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-users.c: user and group names for ids, looked up once.
 *
 * getpwuid() may ask the network (NSS, LDAP): a listing of 10,000 segments must not
 * ask 10,000 times. Names are cached for the life of the process and never freed, so
 * the returned strings stay valid; a mutex makes the cache safe from worker threads.
 * Names are untrusted bytes like any other and come back escaped. */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "shmlens-escape.h"
#include "shmlens-users.h"

static GMutex lock;
static GHashTable *user_names;   /* uid + 1 → escaped name */
static GHashTable *group_names;  /* gid + 1 → escaped name */

static char *
look_up (gboolean is_user,
         guint    id)
{
  long size = sysconf (is_user ? _SC_GETPW_R_SIZE_MAX : _SC_GETGR_R_SIZE_MAX);
  g_autofree char *buffer = NULL;

  if (size <= 0)
    size = 16384;
  buffer = g_malloc (size);
  if (is_user)
    {
      struct passwd entry, *found = NULL;
      if (getpwuid_r (id, &entry, buffer, size, &found) == 0 && found != NULL)
        return shmlens_escape (found->pw_name, -1);
    }
  else
    {
      struct group entry, *found = NULL;
      if (getgrgid_r (id, &entry, buffer, size, &found) == 0 && found != NULL)
        return shmlens_escape (found->gr_name, -1);
    }
  return g_strdup_printf ("%u", id);
}

static const char *
cached_name (GHashTable **table,
             gboolean     is_user,
             guint        id)
{
  const char *name;

  g_mutex_lock (&lock);
  if (*table == NULL)
    *table = g_hash_table_new (NULL, NULL);
  name = g_hash_table_lookup (*table, GUINT_TO_POINTER (id + 1));
  if (name == NULL)
    {
      char *found = look_up (is_user, id);
      g_hash_table_insert (*table, GUINT_TO_POINTER (id + 1), found);
      name = found;
    }
  g_mutex_unlock (&lock);
  return name;
}

/**
 * shmlens_user_name:
 * @uid: a user id
 *
 * Safe to call from any thread.
 *
 * Returns: (transfer none): the user's name, escaped, or the number when the id has
 *   no name; valid for the life of the process
 */
const char *
shmlens_user_name (guint uid)
{
  return cached_name (&user_names, TRUE, uid);
}

/**
 * shmlens_group_name:
 * @gid: a group id
 *
 * Returns: (transfer none): the group's name, escaped, or the number; valid for the
 *   life of the process
 */
const char *
shmlens_group_name (guint gid)
{
  return cached_name (&group_names, FALSE, gid);
}
