/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-created.c: test segments Shmlens creates, and the only ones it writes or removes.
 *
 * Shmlens never writes or removes a segment it only inspects. The segments it creates
 * for demos and tests are recorded in a registry, $XDG_RUNTIME_DIR/shmlens/created.ini,
 * under their reference with the identity the kernel gives them (device and inode for
 * POSIX, the shmid for System V), so that a segment of the same name created later by
 * someone else is not taken for ours. The registry is locked (flock) while it is read
 * and rewritten, as several writer processes and the app may use it at once; entries
 * whose segment is gone are dropped whenever a segment is created. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "shmlens-created.h"
#include "shmlens-error.h"
#include "shmlens-ref.h"
#include "shmlens-sources-private.h"
#include "shmlens-users.h"

#define REGISTRY_NAME "created.ini"
/* Random fill writes this much at a time. */
#define FILL_CHUNK (64 * 1024)

static const char *const fill_names[] = { "zero", "random", "message" };

const char *
shmlens_fill_to_string (ShmlensFill fill)
{
  g_return_val_if_fail (fill < G_N_ELEMENTS (fill_names), NULL);
  return fill_names[fill];
}

gboolean
shmlens_fill_from_string (const char  *text,
                          ShmlensFill *fill)
{
  for (guint i = 0; i < G_N_ELEMENTS (fill_names); i++)
    if (g_strcmp0 (text, fill_names[i]) == 0)
      {
        *fill = (ShmlensFill) i;
        return TRUE;
      }
  return FALSE;
}

/* ---- the registry ---- */

typedef struct
{
  int fd;
  char *path;
  GKeyFile *entries;
} Registry;

static void
registry_close (Registry *registry)
{
  if (registry->fd >= 0)
    close (registry->fd);   /* also releases the lock */
  g_free (registry->path);
  g_clear_pointer (&registry->entries, g_key_file_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Registry, registry_close)

static gboolean
registry_open (Registry  *registry,
               GError   **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "shmlens", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  struct stat st;
  gsize length;
  int saved_errno;

  registry->fd = -1;
  registry->entries = g_key_file_new ();
  registry->path = g_build_filename (dir, REGISTRY_NAME, NULL);
  if (g_mkdir_with_parents (dir, 0700) < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: a directory, and why it cannot be created */
                   _("Cannot create %s, where Shmlens records the segments it creates: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }
  registry->fd = open (registry->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (registry->fd < 0 || flock (registry->fd, LOCK_EX) < 0 || fstat (registry->fd, &st) < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: a file, and why it cannot be used */
                   _("Cannot use %s, where Shmlens records the segments it creates: %s"),
                   registry->path, g_strerror (saved_errno));
      return FALSE;
    }

  length = (gsize) st.st_size;
  text = g_malloc (length + 1);
  if (pread (registry->fd, text, length, 0) != (gssize) length)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: a file, and why it cannot be read */
                   _("Cannot read %s: %s"), registry->path, g_strerror (saved_errno));
      return FALSE;
    }
  text[length] = '\0';
  /* A damaged registry is started afresh: at worst, leftovers need --force. */
  if (!g_key_file_load_from_data (registry->entries, text, length, G_KEY_FILE_NONE, &local_error))
    g_warning ("Ignoring %s: %s", registry->path, local_error->message);
  return TRUE;
}

static gboolean
registry_save (Registry  *registry,
               GError   **error)
{
  gsize length;
  g_autofree char *text = g_key_file_to_data (registry->entries, &length, NULL);

  if (ftruncate (registry->fd, 0) < 0 ||
      pwrite (registry->fd, text, length, 0) != (gssize) length)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: a file, and why it cannot be written */
                   _("Cannot write %s: %s"), registry->path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* The identity of a segment in the registry: device and inode (System V: 0 and the
 * shmid, as the catalog gives them). */
static void
registry_add (Registry       *registry,
              const char     *ref,
              ShmlensSegment *segment)
{
  g_key_file_set_string (registry->entries, ref, "kind",
                         shmlens_segment_kind_to_string (shmlens_segment_get_kind (segment)));
  g_key_file_set_uint64 (registry->entries, ref, "device", shmlens_segment_get_device (segment));
  g_key_file_set_uint64 (registry->entries, ref, "inode", shmlens_segment_get_inode (segment));
  g_key_file_set_int64 (registry->entries, ref, "creator", getpid ());
  g_key_file_set_int64 (registry->entries, ref, "created", g_get_real_time () / G_USEC_PER_SEC);
}

static gboolean
registry_holds (Registry       *registry,
                ShmlensSegment *segment)
{
  g_autofree char *ref = shmlens_segment_dup_ref (segment);

  return g_key_file_has_group (registry->entries, ref) &&
         g_key_file_get_uint64 (registry->entries, ref, "device", NULL) ==
           shmlens_segment_get_device (segment) &&
         g_key_file_get_uint64 (registry->entries, ref, "inode", NULL) ==
           shmlens_segment_get_inode (segment);
}

/* Drops the entries whose segment is gone or is now another one. */
static void
registry_prune (Registry *registry)
{
  g_auto(GStrv) refs = g_key_file_get_groups (registry->entries, NULL);

  for (guint i = 0; refs[i] != NULL; i++)
    {
      g_autoptr(ShmlensRef) ref = shmlens_ref_parse (refs[i], NULL);
      g_autoptr(ShmlensSegment) segment = NULL;

      if (ref != NULL)
        segment = shmlens_ref_resolve (ref, FALSE, NULL);
      if (segment == NULL || !registry_holds (registry, segment))
        g_key_file_remove_group (registry->entries, refs[i], NULL);
    }
}

/* ---- creating ---- */

static gboolean
fill_fd (int                          fd,
         const ShmlensCreateOptions  *options,
         GError                     **error)
{
  g_autofree guint8 *chunk = NULL;

  if (options->fill == SHMLENS_FILL_MESSAGE)
    {
      const char *message = options->message != NULL ? options->message : SHMLENS_DEFAULT_MESSAGE;
      /* with its NUL, as a C program's strcpy would leave it */
      gsize length = MIN (strlen (message) + 1, options->size);

      if (pwrite (fd, message, length, 0) != (gssize) length)
        goto failed;
      return TRUE;
    }
  if (options->fill != SHMLENS_FILL_RANDOM)
    return TRUE;

  chunk = g_malloc (FILL_CHUNK);
  for (guint64 offset = 0; offset < options->size; offset += FILL_CHUNK)
    {
      gsize length = (gsize) MIN ((guint64) FILL_CHUNK, options->size - offset);

      for (gsize i = 0; i < length; i += sizeof (guint32))
        {
          guint32 word = g_random_int ();
          memcpy (chunk + i, &word, MIN (sizeof word, length - i));
        }
      if (pwrite (fd, chunk, length, (off_t) offset) != (gssize) length)
        goto failed;
    }
  return TRUE;

failed:
  {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Cannot fill the new segment: %s"), g_strerror (saved_errno));
    return FALSE;
  }
}

static char *
create_posix (const ShmlensCreateOptions  *options,
              GError                     **error)
{
  g_autofree char *shm_name = NULL;
  g_autofree char *escaped = NULL;
  int fd, saved_errno;

  if (options->name == NULL || options->name[0] == '\0' || strchr (options->name, '/') != NULL ||
      strlen (options->name) > NAME_MAX)
    {
      escaped = g_strescape (options->name != NULL ? options->name : "", NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   /* Translators: the name given, and the longest a name may be */
                   g_dngettext (GETTEXT_PACKAGE, "“%s” cannot name a POSIX segment: a name has 1 "
                                                 "to %d byte and no slash",
                                "“%s” cannot name a POSIX segment: a name has 1 to %d bytes and "
                                "no slash", NAME_MAX),
                   escaped, NAME_MAX);
      return NULL;
    }

  shm_name = g_strconcat ("/", options->name, NULL);
  fd = shm_open (shm_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, options->mode);
  if (fd < 0)
    {
      saved_errno = errno;
      escaped = g_strescape (options->name, NULL);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   saved_errno == EEXIST
                     /* Translators: a segment's name (after the slash), and the system's
                      * error message */
                     ? _("Cannot create /%s: a segment of that name exists already (%s)")
                     /* Translators: a segment's name (after the slash), and why it cannot
                      * be created */
                     : _("Cannot create /%s: %s"),
                   escaped, g_strerror (saved_errno));
      return NULL;
    }
  /* the mode asked for, whatever the umask */
  if (fchmod (fd, options->mode) < 0 || ftruncate (fd, (off_t) options->size) < 0)
    {
      saved_errno = errno;
      escaped = g_strescape (options->name, NULL);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: a segment's name (after the slash), the size asked for
                    * and the system's error message */
                   g_dngettext (GETTEXT_PACKAGE, "Cannot give /%s its mode and size of %llu byte: "
                                                 "%s",
                                "Cannot give /%s its mode and size of %llu bytes: %s",
                                options->size),
                   escaped, (unsigned long long) options->size, g_strerror (saved_errno));
      shm_unlink (shm_name);
      close (fd);
      return NULL;
    }
  if (!fill_fd (fd, options, error))
    {
      shm_unlink (shm_name);
      close (fd);
      return NULL;
    }
  close (fd);

  {
    ShmlensRef ref = { .kind = SHMLENS_SEGMENT_KIND_POSIX, .name = (char *) options->name };
    return shmlens_ref_to_string (&ref);
  }
}

static char *
create_sysv (const ShmlensCreateOptions  *options,
             GError                     **error)
{
  key_t key = options->has_key ? (key_t) options->key : IPC_PRIVATE;
  int shmid, saved_errno;

  if (options->has_key && key == IPC_PRIVATE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           /* Translators: IPC_PRIVATE is a C constant, not translated */
                           _("Key 0 is IPC_PRIVATE: leave the key out for a private segment"));
      return NULL;
    }
  shmid = shmget (key, (size_t) options->size, IPC_CREAT | IPC_EXCL | (int) (options->mode & 0777));
  if (shmid < 0)
    {
      saved_errno = errno;
      if (saved_errno == EEXIST)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                     _("Cannot create a System V segment with key 0x%08x: one exists already"),
                     (guint32) key);
      else if (saved_errno == EINVAL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     /* Translators: kernel.shmmin and kernel.shmmax are kernel settings,
                      * not translated */
                     g_dngettext (GETTEXT_PACKAGE, "Cannot create a System V segment of %llu "
                                                   "byte: the size is outside "
                                                   "kernel.shmmin…kernel.shmmax",
                                  "Cannot create a System V segment of %llu bytes: the size is "
                                  "outside kernel.shmmin…kernel.shmmax", options->size),
                     (unsigned long long) options->size);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     _("Cannot create a System V segment: %s"), g_strerror (saved_errno));
      return NULL;
    }

  if (options->fill != SHMLENS_FILL_ZERO)
    {
      void *address = shmat (shmid, NULL, 0);

      if (address == (void *) -1)
        {
          saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       /* Translators: the segment's id, and the system's error message */
                       _("Cannot attach the new System V segment %d to fill it: %s"), shmid,
                       g_strerror (saved_errno));
          shmctl (shmid, IPC_RMID, NULL);
          return NULL;
        }
      if (options->fill == SHMLENS_FILL_MESSAGE)
        {
          const char *message = options->message != NULL ? options->message : SHMLENS_DEFAULT_MESSAGE;
          memcpy (address, message, MIN (strlen (message) + 1, options->size));
        }
      else
        for (guint64 i = 0; i < options->size; i += sizeof (guint32))
          {
            guint32 word = g_random_int ();
            memcpy ((guint8 *) address + i, &word, MIN (sizeof word, options->size - i));
          }
      shmdt (address);
    }
  return g_strdup_printf ("sysv:%d", shmid);
}

/**
 * shmlens_created_create:
 * @options: what to create
 * @error: return location for an error
 *
 * Creates a segment and records it as Shmlens's own, so that writers may write into
 * it and shmlens_created_remove() may remove it without being forced.
 *
 * Returns: (transfer full): the new segment's reference, or %NULL with @error set
 */
char *
shmlens_created_create (const ShmlensCreateOptions  *options,
                        GError                     **error)
{
  g_auto(Registry) registry = { .fd = -1 };
  g_autoptr(ShmlensRef) ref = NULL;
  g_autoptr(ShmlensSegment) segment = NULL;
  g_autofree char *ref_text = NULL;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options->kind != SHMLENS_SEGMENT_KIND_POSIX && options->kind != SHMLENS_SEGMENT_KIND_SYSV)
    {
      g_set_error_literal (error, SHMLENS_ERROR, SHMLENS_ERROR_UNSUPPORTED,
                           _("Shmlens creates POSIX and System V segments only"));
      return NULL;
    }
  if (options->size == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A segment needs a size of at least one byte"));
      return NULL;
    }
  if ((options->mode & ~0777u) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %o is the mode given, in octal */
                   _("Mode 0%o has bits beyond the permission bits (0777)"), options->mode);
      return NULL;
    }

  /* Locked from before the segment exists until it is recorded, so that nobody sees
   * it unrecorded. */
  if (!registry_open (&registry, error))
    return NULL;
  registry_prune (&registry);

  ref_text = options->kind == SHMLENS_SEGMENT_KIND_POSIX ? create_posix (options, error)
                                                        : create_sysv (options, error);
  if (ref_text == NULL)
    return NULL;

  ref = shmlens_ref_parse (ref_text, error);
  if (ref != NULL)
    segment = shmlens_ref_resolve (ref, FALSE, error);
  if (segment == NULL)
    return NULL;
  registry_add (&registry, ref_text, segment);
  if (!registry_save (&registry, error))
    return NULL;
  return g_steal_pointer (&ref_text);
}

/**
 * shmlens_created_is_ours:
 * @segment: a segment
 *
 * Returns: whether Shmlens created @segment (this one, not another that took its name)
 */
gboolean
shmlens_created_is_ours (ShmlensSegment *segment)
{
  g_auto(Registry) registry = { .fd = -1 };

  g_return_val_if_fail (SHMLENS_IS_SEGMENT (segment), FALSE);

  if (!registry_open (&registry, NULL))
    return FALSE;
  return registry_holds (&registry, segment);
}

/* Refuses to remove (or with @writing, to write into) a segment Shmlens did not
 * create, saying whose it is. */
static gboolean
refuse_not_ours (ShmlensSegment  *segment,
                 gboolean         writing,
                 GError         **error)
{
  g_autofree char *ref = shmlens_segment_dup_ref (segment);
  guint uid = shmlens_segment_get_uid (segment);
  const char *user = shmlens_user_name (uid);
  int creator = shmlens_segment_get_creator_pid (segment);

  if (shmlens_segment_get_kind (segment) != SHMLENS_SEGMENT_KIND_SYSV)
    creator = 0;
  if (creator > 0)
    g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_OURS,
                 writing
                   /* Translators: the segment's reference, the user who owns it, their
                    * uid and the process that created the segment */
                   ? _("Shmlens writes into only the segments it created, and %s is not one "
                       "of them: it belongs to %s (uid %u) and was created by process %d")
                   /* Translators: the segment's reference, the user who owns it, their
                    * uid and the process that created the segment */
                   : _("Shmlens removes only the segments it created, and %s is not one of "
                       "them: it belongs to %s (uid %u) and was created by process %d"),
                 ref, user, uid, creator);
  else
    g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_NOT_OURS,
                 writing
                   /* Translators: the segment's reference, the user who owns it and
                    * their uid */
                   ? _("Shmlens writes into only the segments it created, and %s is not one "
                       "of them: it belongs to %s (uid %u)")
                   /* Translators: the segment's reference, the user who owns it and
                    * their uid */
                   : _("Shmlens removes only the segments it created, and %s is not one of "
                       "them: it belongs to %s (uid %u)"),
                 ref, user, uid);
  return FALSE;
}

/**
 * shmlens_created_remove:
 * @ref_text: a segment reference
 * @force: remove it even if Shmlens did not create it
 * @error: return location for an error
 *
 * Removes a POSIX segment's name or marks a System V segment for removal (the
 * kernel frees it once the last process detaches). Without @force, only a segment
 * Shmlens created is removed; another gets %SHMLENS_ERROR_NOT_OURS, naming whose it is.
 *
 * Returns: %TRUE when removed
 */
gboolean
shmlens_created_remove (const char  *ref_text,
                        gboolean     force,
                        GError     **error)
{
  g_auto(Registry) registry = { .fd = -1 };
  g_autoptr(ShmlensRef) ref = NULL;
  g_autoptr(ShmlensSegment) segment = NULL;
  g_autofree char *canonical = NULL;
  ShmlensSegmentKind kind;
  gboolean ours;
  int saved_errno;

  g_return_val_if_fail (ref_text != NULL, FALSE);

  ref = shmlens_ref_parse (ref_text, error);
  if (ref == NULL)
    return FALSE;
  segment = shmlens_ref_resolve (ref, FALSE, error);
  if (segment == NULL)
    return FALSE;
  kind = shmlens_segment_get_kind (segment);
  canonical = shmlens_segment_dup_ref (segment);
  if (kind == SHMLENS_SEGMENT_KIND_FILE)
    {
      g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_UNSUPPORTED,
                   /* Translators: %s is the file's reference */
                   _("%s is a plain file, not a segment: Shmlens does not remove files"),
                   canonical);
      return FALSE;
    }
  if (kind != SHMLENS_SEGMENT_KIND_POSIX && kind != SHMLENS_SEGMENT_KIND_SYSV)
    {
      g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_UNSUPPORTED,
                   kind == SHMLENS_SEGMENT_KIND_MEMFD
                     /* Translators: %s is the segment's reference */
                     ? _("%s cannot be removed: a memfd has no name to remove; it goes away "
                         "when the last process holding it lets go")
                     /* Translators: %s is the segment's reference */
                     : _("%s cannot be removed: a shared anonymous mapping has no name to "
                         "remove; it goes away when the last process holding it lets go"),
                   canonical);
      return FALSE;
    }

  if (!registry_open (&registry, error))
    return FALSE;
  ours = registry_holds (&registry, segment);
  if (!ours && !force)
    return refuse_not_ours (segment, FALSE, error);

  if (kind == SHMLENS_SEGMENT_KIND_POSIX)
    {
      g_autofree char *shm_name = g_strconcat ("/", shmlens_segment_get_name (segment), NULL);

      if (shm_unlink (shm_name) < 0)
        goto failed;
    }
  else if (shmctl (shmlens_segment_get_shmid (segment), IPC_RMID, NULL) < 0)
    goto failed;

  if (g_key_file_has_group (registry.entries, canonical))
    {
      g_key_file_remove_group (registry.entries, canonical, NULL);
      return registry_save (&registry, error);
    }
  return TRUE;

failed:
  saved_errno = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               /* Translators: the segment's reference, and why it cannot be removed */
               _("Cannot remove %s: %s"), canonical, g_strerror (saved_errno));
  return FALSE;
}

/**
 * shmlens_created_map:
 * @ref_text: the reference of a segment Shmlens created
 * @error: return location for an error
 *
 * Maps the whole segment read and write, shared, for a writer. Refuses any segment
 * Shmlens did not create (%SHMLENS_ERROR_NOT_OURS): those are only ever read.
 *
 * Returns: (transfer full): the mapping, or %NULL with @error set
 */
ShmlensMapping *
shmlens_created_map (const char  *ref_text,
                     GError     **error)
{
  g_autoptr(ShmlensRef) ref = NULL;
  g_autoptr(ShmlensSegment) segment = NULL;
  g_autofree char *canonical = NULL;
  ShmlensMapping *mapping;
  void *base;
  int saved_errno;

  g_return_val_if_fail (ref_text != NULL, NULL);

  ref = shmlens_ref_parse (ref_text, error);
  if (ref == NULL)
    return NULL;
  segment = shmlens_ref_resolve (ref, FALSE, error);
  if (segment == NULL)
    return NULL;
  if (!shmlens_created_is_ours (segment))
    {
      refuse_not_ours (segment, TRUE, error);
      return NULL;
    }
  canonical = shmlens_segment_dup_ref (segment);

  if (shmlens_segment_get_kind (segment) == SHMLENS_SEGMENT_KIND_POSIX)
    {
      g_autofree char *path = g_strconcat (SHMLENS_POSIX_DIR "/", shmlens_segment_get_name (segment), NULL);
      int fd = open (path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
      struct stat st;

      if (fd < 0)
        goto failed;
      if (fstat (fd, &st) < 0)
        {
          saved_errno = errno;
          close (fd);
          errno = saved_errno;
          goto failed;
        }
      /* the same segment the registry names, not one that took its name since */
      if ((guint64) st.st_ino != shmlens_segment_get_inode (segment) || st.st_size == 0)
        {
          close (fd);
          g_set_error (error, SHMLENS_ERROR, SHMLENS_ERROR_REMOVED,
                       /* Translators: %s is the segment's reference */
                       _("Cannot write into %s: it was replaced or emptied meanwhile"),
                       canonical);
          return NULL;
        }
      base = mmap (NULL, (size_t) st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      saved_errno = errno;
      close (fd);
      if (base == MAP_FAILED)
        {
          errno = saved_errno;
          goto failed;
        }
      mapping = g_new0 (ShmlensMapping, 1);
      mapping->size = (guint64) st.st_size;
    }
  else
    {
      base = shmat (shmlens_segment_get_shmid (segment), NULL, 0);
      if (base == (void *) -1)
        goto failed;
      mapping = g_new0 (ShmlensMapping, 1);
      mapping->size = shmlens_segment_get_size (segment);
    }
  mapping->base = base;
  mapping->kind = shmlens_segment_get_kind (segment);
  return mapping;

failed:
  saved_errno = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               /* Translators: the segment's reference, and the system's error message */
               _("Cannot map %s to write into it: %s"), canonical, g_strerror (saved_errno));
  return NULL;
}

void
shmlens_mapping_free (ShmlensMapping *mapping)
{
  if (mapping == NULL)
    return;
  if (mapping->kind == SHMLENS_SEGMENT_KIND_SYSV)
    shmdt (mapping->base);
  else
    munmap (mapping->base, (size_t) mapping->size);
  g_free (mapping);
}
