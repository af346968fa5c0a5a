/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-layout.c: a header's types: made from text, looked up by name, walked by path and offset.
 *
 * A ShmlensLayout owns every type it made; a type's reference is its layout's. Once
 * made nothing changes, so that the GTK panel, the CLI and worker threads can share
 * one layout without locks. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "shmlens-escape.h"
#include "shmlens-layout-private.h"

G_DEFINE_QUARK (shmlens-layout-error-quark, shmlens_layout_error)

/* Headers larger than this are not headers. */
#define MAX_HEADER_SIZE (16 * 1024 * 1024)

/* The types of the known standard headers as glibc and gcc 12 declare them on
 * x86-64, read like any header. pthread and semaphore types are opaque unions of
 * the right size and alignment, as glibc's public definitions are. */
static const char standard_declarations[] =
  "typedef signed char int8_t; typedef short int16_t; typedef int int32_t;\n"
  "typedef long int64_t; typedef unsigned char uint8_t; typedef unsigned short uint16_t;\n"
  "typedef unsigned int uint32_t; typedef unsigned long uint64_t;\n"
  "typedef signed char int_least8_t; typedef short int_least16_t; typedef int int_least32_t;\n"
  "typedef long int_least64_t; typedef unsigned char uint_least8_t;\n"
  "typedef unsigned short uint_least16_t; typedef unsigned int uint_least32_t;\n"
  "typedef unsigned long uint_least64_t;\n"
  "typedef signed char int_fast8_t; typedef long int_fast16_t; typedef long int_fast32_t;\n"
  "typedef long int_fast64_t; typedef unsigned char uint_fast8_t;\n"
  "typedef unsigned long uint_fast16_t; typedef unsigned long uint_fast32_t;\n"
  "typedef unsigned long uint_fast64_t;\n"
  "typedef long intptr_t; typedef unsigned long uintptr_t; typedef long intmax_t;\n"
  "typedef unsigned long uintmax_t;\n"
  "typedef unsigned long size_t; typedef long ssize_t; typedef long ptrdiff_t;\n"
  "typedef int wchar_t; typedef unsigned int wint_t; typedef unsigned short char16_t;\n"
  "typedef unsigned int char32_t;\n"
  "typedef struct { long long __max_align_ll __attribute__ ((__aligned__ (8)));\n"
  "  long double __max_align_ld __attribute__ ((__aligned__ (16))); } max_align_t;\n"
  "typedef long off_t; typedef long off64_t; typedef long loff_t; typedef int pid_t;\n"
  "typedef unsigned int uid_t; typedef unsigned int gid_t; typedef unsigned int id_t;\n"
  "typedef unsigned int mode_t; typedef unsigned long dev_t; typedef unsigned long ino_t;\n"
  "typedef unsigned long ino64_t; typedef unsigned long nlink_t; typedef long blksize_t;\n"
  "typedef long blkcnt_t; typedef unsigned long fsblkcnt_t; typedef unsigned long fsfilcnt_t;\n"
  "typedef int key_t; typedef long time_t; typedef long clock_t; typedef int clockid_t;\n"
  "typedef void *timer_t; typedef long suseconds_t; typedef unsigned int useconds_t;\n"
  "typedef long register_t; typedef char *caddr_t; typedef int sig_atomic_t;\n"
  "typedef unsigned char u_char; typedef unsigned short u_short; typedef unsigned int u_int;\n"
  "typedef unsigned long u_long; typedef unsigned short ushort; typedef unsigned int uint;\n"
  "typedef unsigned long ulong; typedef unsigned char u_int8_t;\n"
  "typedef unsigned short u_int16_t; typedef unsigned int u_int32_t;\n"
  "typedef unsigned long u_int64_t;\n"
  "struct timespec { time_t tv_sec; long tv_nsec; };\n"
  "struct timeval { time_t tv_sec; suseconds_t tv_usec; };\n"
  "typedef unsigned long pthread_t; typedef unsigned int pthread_key_t;\n"
  "typedef int pthread_once_t; typedef volatile int pthread_spinlock_t;\n"
  "typedef union { char __size[40]; long __align; } pthread_mutex_t;\n"
  "typedef union { char __size[4]; int __align; } pthread_mutexattr_t;\n"
  "typedef union { char __size[48]; long long __align; } pthread_cond_t;\n"
  "typedef union { char __size[4]; int __align; } pthread_condattr_t;\n"
  "typedef union { char __size[56]; long __align; } pthread_rwlock_t;\n"
  "typedef union { char __size[8]; long __align; } pthread_rwlockattr_t;\n"
  "typedef union { char __size[32]; long __align; } pthread_barrier_t;\n"
  "typedef union { char __size[4]; int __align; } pthread_barrierattr_t;\n"
  "typedef union { char __size[32]; long __align; } sem_t;\n"
  "typedef _Atomic _Bool atomic_bool; typedef _Atomic char atomic_char;\n"
  "typedef _Atomic signed char atomic_schar; typedef _Atomic unsigned char atomic_uchar;\n"
  "typedef _Atomic short atomic_short; typedef _Atomic unsigned short atomic_ushort;\n"
  "typedef _Atomic int atomic_int; typedef _Atomic unsigned int atomic_uint;\n"
  "typedef _Atomic long atomic_long; typedef _Atomic unsigned long atomic_ulong;\n"
  "typedef _Atomic long long atomic_llong; typedef _Atomic unsigned long long atomic_ullong;\n"
  "typedef _Atomic char16_t atomic_char16_t; typedef _Atomic char32_t atomic_char32_t;\n"
  "typedef _Atomic wchar_t atomic_wchar_t; typedef _Atomic intptr_t atomic_intptr_t;\n"
  "typedef _Atomic uintptr_t atomic_uintptr_t; typedef _Atomic size_t atomic_size_t;\n"
  "typedef _Atomic ptrdiff_t atomic_ptrdiff_t; typedef _Atomic intmax_t atomic_intmax_t;\n"
  "typedef _Atomic uintmax_t atomic_uintmax_t;\n"
  "typedef _Atomic int_least8_t atomic_int_least8_t;\n"
  "typedef _Atomic uint_least8_t atomic_uint_least8_t;\n"
  "typedef _Atomic int_least16_t atomic_int_least16_t;\n"
  "typedef _Atomic uint_least16_t atomic_uint_least16_t;\n"
  "typedef _Atomic int_least32_t atomic_int_least32_t;\n"
  "typedef _Atomic uint_least32_t atomic_uint_least32_t;\n"
  "typedef _Atomic int_least64_t atomic_int_least64_t;\n"
  "typedef _Atomic uint_least64_t atomic_uint_least64_t;\n"
  "typedef _Atomic int_fast8_t atomic_int_fast8_t;\n"
  "typedef _Atomic uint_fast8_t atomic_uint_fast8_t;\n"
  "typedef _Atomic int_fast16_t atomic_int_fast16_t;\n"
  "typedef _Atomic uint_fast16_t atomic_uint_fast16_t;\n"
  "typedef _Atomic int_fast32_t atomic_int_fast32_t;\n"
  "typedef _Atomic uint_fast32_t atomic_uint_fast32_t;\n"
  "typedef _Atomic int_fast64_t atomic_int_fast64_t;\n"
  "typedef _Atomic uint_fast64_t atomic_uint_fast64_t;\n"
  "typedef _Atomic struct { _Bool __val; } atomic_flag;\n";

static void
type_free (gpointer data)
{
  ShmlensType *type = data;

  g_free (type->name);
  g_free (type->tag);
  g_free (type->parameters);
  g_free (type->fields);
  g_free (type->enumerators);
  g_free (type->enumerators_by_value);
  g_free (type);
}

static void
layout_free (ShmlensLayout *layout)
{
  g_free (layout->filename);
  g_hash_table_unref (layout->tags);
  g_hash_table_unref (layout->typedefs);
  g_hash_table_unref (layout->builtin_types);
  g_hash_table_unref (layout->builtin_tags);
  g_ptr_array_unref (layout->named);
  g_ptr_array_unref (layout->all_types);
  g_string_chunk_free (layout->strings);
  g_free (layout);
}

static gboolean
parse_text (ShmlensLayout  *layout,
            const char     *text,
            gsize           length,
            gboolean        builtin,
            GError        **error)
{
  g_autoptr(GArray) tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  g_autofree char *spliced = NULL;
  GError *lex_error = NULL;
  Parser p = { 0 };
  gboolean ok;

  /* an unterminated comment is reported where the preprocessor reaches it */
  spliced = shmlens_layout_lex (layout->filename, text, length, tokens, &lex_error);

  p.layout = layout;
  p.pp = shmlens_preproc_new (layout->filename, tokens, lex_error);
  p.builtin = builtin;
  ok = shmlens_parser_parse (&p);

  shmlens_preproc_free (p.pp);
  g_array_unref (p.lookahead);
  g_array_unref (p.pack_stack);
  g_hash_table_unref (p.enumerators);
  g_clear_error (&p.pp_error);
  if (!ok)
    g_propagate_error (error, p.error);
  return ok;
}

/**
 * shmlens_layout_new:
 * @text: the header's text (not necessarily nul-terminated)
 * @length: its length in bytes, or -1 if it is nul-terminated
 * @filename: (nullable): the name messages give the header, such as "telemetry.h"
 * @error: return location for an error
 *
 * Reads the declarations of a C header and lays out its types as gcc 12 does on
 * x86-64. The standard headers (stdint.h, stddef.h, time.h, …) are known without
 * their #include. An error's message starts with "FILE:LINE:COLUMN: ".
 *
 * Returns: (transfer full): the layout, or %NULL with @error set
 */
ShmlensLayout *
shmlens_layout_new (const char  *text,
                    gssize       length,
                    const char  *filename,
                    GError     **error)
{
  g_autoptr(ShmlensLayout) layout = NULL;
  g_autoptr(GError) builtin_error = NULL;
  gsize size;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  size = length < 0 ? strlen (text) : (gsize) length;
  layout = g_new0 (ShmlensLayout, 1);
  g_atomic_ref_count_init (&layout->ref_count);
  layout->filename = shmlens_escape (filename != NULL ? filename : "<header>", -1);
  layout->all_types = g_ptr_array_new_with_free_func (type_free);
  layout->named = g_ptr_array_new ();
  layout->tags = g_hash_table_new (g_str_hash, g_str_equal);
  layout->typedefs = g_hash_table_new (g_str_hash, g_str_equal);
  layout->builtin_types = g_hash_table_new (g_str_hash, g_str_equal);
  layout->builtin_tags = g_hash_table_new (g_str_hash, g_str_equal);
  layout->strings = g_string_chunk_new (1024);

  if (size > MAX_HEADER_SIZE)
    {
      g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   /* Translators: a header's file name, and the most MiB it may have */
                   _("%s is larger than %d MiB: Shmlens reads headers, not data"),
                   layout->filename, MAX_HEADER_SIZE / (1024 * 1024));
      return NULL;
    }

  shmlens_layout_add_builtins (layout);
  if (!parse_text (layout, standard_declarations, sizeof standard_declarations - 1, TRUE,
                   &builtin_error))
    g_error ("The standard declarations do not parse: %s", builtin_error->message);
  {
    ShmlensType *time_type = g_hash_table_lookup (layout->builtin_types, "time_t");

    time_type->hint = SHMLENS_TYPE_HINT_TIME;
    time_type->chain_time = TRUE;
  }
  ((ShmlensType *) g_hash_table_lookup (layout->builtin_tags, "timespec"))->hint = SHMLENS_TYPE_HINT_TIMESPEC;

  if (!parse_text (layout, text != NULL ? text : "", size, FALSE, error))
    return NULL;
  return g_steal_pointer (&layout);
}

/**
 * shmlens_layout_new_from_file:
 * @path: a header file
 * @error: return location for an error
 *
 * Reads @path and calls shmlens_layout_new() with it; messages name the header by
 * @path.
 *
 * Returns: (transfer full): the layout, or %NULL with @error set
 */
ShmlensLayout *
shmlens_layout_new_from_file (const char  *path,
                              GError     **error)
{
  g_autofree char *escaped = NULL;
  g_autoptr(GByteArray) data = NULL;
  struct stat st;
  int fd;
  int saved_errno;

  g_return_val_if_fail (path != NULL, NULL);

  escaped = shmlens_escape (path, -1);
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: a file, and why it cannot be read */
                   _("Cannot read %s: %s"), escaped, g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   /* Translators: %s is the directory given in place of a header */
                   _("Cannot read %s: it is a directory; name a header file"), escaped);
      return NULL;
    }

  data = g_byte_array_new ();
  for (;;)
    {
      guint8 buffer[65536];
      gssize n = read (fd, buffer, sizeof buffer);

      if (n < 0)
        {
          saved_errno = errno;
          if (saved_errno == EINTR)
            continue;
          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       /* Translators: a file, and why it cannot be read */
                       _("Cannot read %s: %s"), escaped, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      g_byte_array_append (data, buffer, n);
      if (data->len > MAX_HEADER_SIZE)
        {
          close (fd);
          g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                       /* Translators: a header's file name, and the most MiB it may have */
                       _("%s is larger than %d MiB: Shmlens reads headers, not data"),
                       escaped, MAX_HEADER_SIZE / (1024 * 1024));
          return NULL;
        }
    }
  close (fd);
  return shmlens_layout_new ((const char *) data->data, data->len, path, error);
}

ShmlensLayout *
shmlens_layout_ref (ShmlensLayout *layout)
{
  g_return_val_if_fail (layout != NULL, NULL);

  g_atomic_ref_count_inc (&layout->ref_count);
  return layout;
}

void
shmlens_layout_unref (ShmlensLayout *layout)
{
  g_return_if_fail (layout != NULL);

  if (g_atomic_ref_count_dec (&layout->ref_count))
    layout_free (layout);
}

/**
 * shmlens_layout_get_filename:
 * @layout: a layout
 *
 * Returns: the header's name as messages show it (escaped)
 */
const char *
shmlens_layout_get_filename (ShmlensLayout *layout)
{
  g_return_val_if_fail (layout != NULL, NULL);

  return layout->filename;
}

/**
 * shmlens_layout_get_types:
 * @layout: a layout
 * @n_types: (out): the number of types
 *
 * The header's named types in the order it declares them: every struct, union and
 * enum defined with a tag (where its definition ends, so a struct defined inside
 * another comes first) and every typedef.
 *
 * Returns: (transfer none) (array length=n_types): the types
 */
ShmlensType **
shmlens_layout_get_types (ShmlensLayout *layout,
                          guint         *n_types)
{
  g_return_val_if_fail (layout != NULL, NULL);
  g_return_val_if_fail (n_types != NULL, NULL);

  *n_types = layout->named->len;
  return (ShmlensType **) layout->named->pdata;
}

/**
 * shmlens_layout_get_default_type:
 * @layout: a layout
 * @error: return location for an error
 *
 * The type to show when none was named: the last struct or union the header
 * defines (the outermost, since an inner definition ends first), by the name of a
 * typedef declared for it after it if there is one.
 *
 * Returns: (transfer none): the type, or %NULL with @error set when the header
 *   defines no struct or union
 */
ShmlensType *
shmlens_layout_get_default_type (ShmlensLayout  *layout,
                                 GError        **error)
{
  ShmlensType *record;
  gboolean after = FALSE;

  g_return_val_if_fail (layout != NULL, NULL);

  record = layout->last_record;
  if (record == NULL)
    {
      g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_NOT_FOUND,
                   /* Translators: %s is a header's file name; struct and union are C */
                   _("%s defines no struct or union"), layout->filename);
      return NULL;
    }
  for (guint i = 0; i < layout->named->len; i++)
    {
      ShmlensType *type = g_ptr_array_index (layout->named, i);

      if (type == record)
        after = TRUE;
      else if (type->kind == SHMLENS_TYPE_KIND_ALIAS && type->target == record &&
               (after || record->tag == NULL))
        return type;
    }
  return record;
}

static void
append_type_names (GString       *out,
                   ShmlensLayout *layout)
{
  guint shown = 0;

  for (guint i = 0; i < layout->named->len; i++)
    {
      ShmlensType *type = g_ptr_array_index (layout->named, i);

      if (shown == 12)
        {
          g_string_append (out, ", …");
          break;
        }
      g_string_append (out, shown == 0 ? "" : ", ");
      g_string_append (out, shmlens_type_get_name (type));
      shown++;
    }
}

/**
 * shmlens_layout_lookup:
 * @layout: a layout
 * @name: "struct foo", "union u", "enum e", a typedef name, a plain tag "foo", or a
 *   standard type such as "uint32_t" or "struct timespec"
 * @error: return location for an error
 *
 * Returns: (transfer none): the type, or %NULL with @error set
 */
ShmlensType *
shmlens_layout_lookup (ShmlensLayout  *layout,
                       const char     *name,
                       GError        **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *escaped = NULL;
  const char *keywords[] = { "struct", "union", "enum" };
  const ShmlensTypeKind kinds[] = { SHMLENS_TYPE_KIND_STRUCT, SHMLENS_TYPE_KIND_UNION,
                                    SHMLENS_TYPE_KIND_ENUM };
  ShmlensType *type = NULL;
  g_autoptr(GString) names = NULL;

  g_return_val_if_fail (layout != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  trimmed = g_strstrip (g_strdup (name));
  for (gsize i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      gsize length = strlen (keywords[i]);

      if (g_str_has_prefix (trimmed, keywords[i]) && g_ascii_isspace (trimmed[length]))
        {
          const char *tag = trimmed + length;

          while (g_ascii_isspace (*tag))
            tag++;
          type = g_hash_table_lookup (layout->tags, tag);
          if (type == NULL)
            type = g_hash_table_lookup (layout->builtin_tags, tag);
          if (type != NULL && type->kind != kinds[i])
            type = NULL;
          goto out;
        }
    }

  type = g_hash_table_lookup (layout->typedefs, trimmed);
  if (type == NULL)
    type = g_hash_table_lookup (layout->tags, trimmed);
  if (type == NULL)
    type = g_hash_table_lookup (layout->builtin_types, trimmed);
  if (type == NULL)
    type = g_hash_table_lookup (layout->builtin_tags, trimmed);

out:
  if (type != NULL)
    return type;

  escaped = shmlens_escape (trimmed, -1);
  if (layout->named->len == 0)
    {
      g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_UNKNOWN_TYPE,
                   /* Translators: a header's file name, and the type's name asked for */
                   _("%s declares no type “%s”"), layout->filename, escaped);
      return NULL;
    }
  /* the names are C: not translated */
  names = g_string_new (NULL);
  append_type_names (names, layout);
  g_set_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_UNKNOWN_TYPE,
               /* Translators: a header's file name, the type's name asked for and the
                * names of the types the header declares (“struct a, struct b, …”) */
               _("%s declares no type “%s”; it declares %s"), layout->filename, escaped,
               names->str);
  return NULL;
}

/* ------------------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------------------ */

/**
 * shmlens_type_ref:
 * @type: a type
 *
 * Keeps the type's layout, and so the type, alive.
 *
 * Returns: (transfer full): @type
 */
ShmlensType *
shmlens_type_ref (ShmlensType *type)
{
  g_return_val_if_fail (type != NULL, NULL);

  shmlens_layout_ref (type->layout);
  return type;
}

void
shmlens_type_unref (ShmlensType *type)
{
  g_return_if_fail (type != NULL);

  shmlens_layout_unref (type->layout);
}

/**
 * shmlens_type_get_layout:
 * @type: a type
 *
 * Returns: (transfer none): the layout that owns @type
 */
ShmlensLayout *
shmlens_type_get_layout (ShmlensType *type)
{
  g_return_val_if_fail (type != NULL, NULL);

  return type->layout;
}

/**
 * shmlens_type_get_kind:
 * @type: a type
 *
 * Returns: what the type is, seen through typedefs and qualifiers
 */
ShmlensTypeKind
shmlens_type_get_kind (ShmlensType *type)
{
  g_return_val_if_fail (type != NULL, SHMLENS_TYPE_KIND_VOID);

  return shmlens_type_resolve (type)->kind;
}

static gboolean
is_derived (ShmlensType *type)
{
  return type->kind == SHMLENS_TYPE_KIND_POINTER || type->kind == SHMLENS_TYPE_KIND_ARRAY ||
         type->kind == SHMLENS_TYPE_KIND_FUNCTION ||
         (type->kind == SHMLENS_TYPE_KIND_ALIAS && !type->is_typedef);
}

static void
append_qualifiers (GString *out,
                   guint    qualifiers)
{
  static const struct { guint flag; const char *word; } words[] = {
    { SHMLENS_QUAL_CONST, "const" },
    { SHMLENS_QUAL_VOLATILE, "volatile" },
    { SHMLENS_QUAL_RESTRICT, "restrict" },
    { SHMLENS_QUAL_ATOMIC, "_Atomic" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    if (qualifiers & words[i].flag)
      {
        if (out->len > 0 && out->str[out->len - 1] != '*')
          g_string_append_c (out, ' ');
        g_string_append (out, words[i].word);
      }
}

/* How C declares something of @type: what comes before the declared name ("int (*")
 * and what comes after it (")[3]"). A pointer, array, function or qualified type is
 * spelled from the types it derives from, down to a named one: a loop, since the
 * chain is as long as the declarator. */
static void
spell (ShmlensType *type,
       GString     *prefix,
       GString     *suffix)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  ShmlensType *base = type;

  /* the suffix reads from the outside in: ")" of a pointer to an array, "[3]"… */
  for (; is_derived (base); base = base->target)
    {
      g_ptr_array_add (chain, base);
      if (base->kind == SHMLENS_TYPE_KIND_POINTER &&
          (base->target->kind == SHMLENS_TYPE_KIND_ARRAY ||
           base->target->kind == SHMLENS_TYPE_KIND_FUNCTION))
        g_string_append_c (suffix, ')');
      else if (base->kind == SHMLENS_TYPE_KIND_ARRAY && base->flexible)
        g_string_append (suffix, "[]");
      else if (base->kind == SHMLENS_TYPE_KIND_ARRAY)
        g_string_append_printf (suffix, "[%" G_GUINT64_FORMAT "]", base->count);
      else if (base->kind == SHMLENS_TYPE_KIND_FUNCTION)
        g_string_append_printf (suffix, "(%s)", base->parameters);
    }

  /* the prefix from the inside out: "int", "int *", "int *const", "int *const (*" */
  g_string_assign (prefix, base->name);
  for (guint i = chain->len; i > 0; i--)
    {
      ShmlensType *derived = g_ptr_array_index (chain, i - 1);

      if (derived->kind == SHMLENS_TYPE_KIND_POINTER)
        {
          if (derived->target->kind == SHMLENS_TYPE_KIND_ARRAY ||
              derived->target->kind == SHMLENS_TYPE_KIND_FUNCTION)
            g_string_append (prefix, " (*");
          else if (prefix->len > 0 && prefix->str[prefix->len - 1] == '*')
            g_string_append_c (prefix, '*');
          else
            g_string_append (prefix, " *");
        }
      else if (derived->kind == SHMLENS_TYPE_KIND_ALIAS &&
               derived->target->kind == SHMLENS_TYPE_KIND_POINTER)
        append_qualifiers (prefix, derived->qualifiers);  /* char *const */
      else if (derived->kind == SHMLENS_TYPE_KIND_ALIAS)
        {
          g_autoptr(GString) words = g_string_new (NULL);

          append_qualifiers (words, derived->qualifiers);
          g_string_append_c (words, ' ');
          g_string_prepend (prefix, words->str);
        }
    }
}

/**
 * shmlens_type_get_name:
 * @type: a type
 *
 * Returns: how C spells the type: "uint32_t", "struct client", "char[32]",
 *   "volatile int", "void (*)(int)", "struct <anonymous>"
 */
const char *
shmlens_type_get_name (ShmlensType *type)
{
  char *name;

  g_return_val_if_fail (type != NULL, NULL);

  name = g_atomic_pointer_get (&type->name);
  if (name == NULL)
    {
      /* Spelled once, when first asked: the layout may be shared between threads
       * by then, so the first spelling stored is the one every caller gets. */
      g_autoptr(GString) prefix = g_string_new (NULL);
      g_autoptr(GString) suffix = g_string_new (NULL);
      char *spelled;

      spell (type, prefix, suffix);
      g_string_append_len (prefix, suffix->str, suffix->len);
      spelled = g_string_free (g_steal_pointer (&prefix), FALSE);
      if (!g_atomic_pointer_compare_and_exchange (&type->name, NULL, spelled))
        g_free (spelled);
      name = g_atomic_pointer_get (&type->name);
    }
  return name;
}

/**
 * shmlens_type_format_declaration:
 * @type: a type
 * @name: (nullable): the name to declare, or %NULL
 *
 * How C declares @name with @type: "int m[3][4]", "char *label",
 * "void (*callback)(int)"; without a name, the type's name.
 *
 * Returns: (transfer full): the declaration, without a semicolon
 */
char *
shmlens_type_format_declaration (ShmlensType *type,
                                 const char  *name)
{
  g_autoptr(GString) prefix = NULL;
  g_autoptr(GString) suffix = NULL;

  g_return_val_if_fail (type != NULL, NULL);

  if (name == NULL || *name == '\0')
    return g_strdup (shmlens_type_get_name (type));
  prefix = g_string_new (NULL);
  suffix = g_string_new (NULL);
  spell (type, prefix, suffix);
  if (prefix->len > 0 && prefix->str[prefix->len - 1] != '*' && prefix->str[prefix->len - 1] != '(')
    g_string_append_c (prefix, ' ');
  g_string_append (prefix, name);
  g_string_append_len (prefix, suffix->str, suffix->len);
  return g_string_free (g_steal_pointer (&prefix), FALSE);
}

/**
 * shmlens_type_is_complete:
 * @type: a type
 *
 * Returns: whether the type has a layout: %FALSE for void, functions, structs that
 *   are only declared and flexible arrays
 */
gboolean
shmlens_type_is_complete (ShmlensType *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  return shmlens_type_resolve (type)->complete;
}

/**
 * shmlens_type_get_size:
 * @type: a type
 *
 * Returns: sizeof the type in bytes (0 for incomplete types)
 */
guint64
shmlens_type_get_size (ShmlensType *type)
{
  g_return_val_if_fail (type != NULL, 0);

  return shmlens_type_resolve (type)->size;
}

/**
 * shmlens_type_get_alignment:
 * @type: a type
 *
 * Returns: _Alignof the type in bytes: a typedef's aligned attribute and _Atomic
 *   (which aligns objects of 1, 2, 4, 8 and 16 bytes to their size) included
 */
guint
shmlens_type_get_alignment (ShmlensType *type)
{
  ShmlensType *resolved;
  guint align;

  g_return_val_if_fail (type != NULL, 1);

  resolved = shmlens_type_resolve (type);
  if (type->kind != SHMLENS_TYPE_KIND_ALIAS)
    return MAX (type->align, 1);

  /* the first typedef down the chain with an alignment of its own decides, and an
   * _Atomic on the way to it raises it: both known when the alias was made */
  align = type->chain_align != 0 ? type->chain_align : MAX (resolved->align, 1);
  if (type->chain_atomic)
    {
      guint64 size = resolved->size;

      if (size == 1 || size == 2 || size == 4 || size == 8 || size == 16)
        align = MAX (align, (guint) size);
    }
  return align;
}

/**
 * shmlens_type_is_signed:
 * @type: a type
 *
 * Returns: whether an integer, or an enum's underlying integer, is signed
 */
gboolean
shmlens_type_is_signed (ShmlensType *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  return shmlens_type_resolve (type)->is_signed;
}

/**
 * shmlens_type_is_packed:
 * @type: a type
 *
 * Returns: whether a struct, union or enum was declared __attribute__ ((packed))
 */
gboolean
shmlens_type_is_packed (ShmlensType *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  return shmlens_type_resolve (type)->packed;
}

/**
 * shmlens_type_get_n_fields:
 * @type: a type
 *
 * Returns: the number of members of a struct or union, anonymous members and
 *   unnamed bit-fields included; 0 for other types
 */
guint
shmlens_type_get_n_fields (ShmlensType *type)
{
  g_return_val_if_fail (type != NULL, 0);

  return shmlens_type_resolve (type)->n_fields;
}

/**
 * shmlens_type_get_field:
 * @type: a struct or union
 * @index: a member's index, in declaration order
 *
 * Returns: (transfer none): the member
 */
const ShmlensField *
shmlens_type_get_field (ShmlensType *type,
                        guint        index)
{
  ShmlensType *resolved;

  g_return_val_if_fail (type != NULL, NULL);
  resolved = shmlens_type_resolve (type);
  g_return_val_if_fail (index < resolved->n_fields, NULL);

  return &resolved->fields[index];
}

/**
 * shmlens_type_get_element_type:
 * @type: an array
 *
 * Returns: (transfer none) (nullable): the element type, or %NULL when @type is not
 *   an array
 */
ShmlensType *
shmlens_type_get_element_type (ShmlensType *type)
{
  ShmlensType *resolved;

  g_return_val_if_fail (type != NULL, NULL);
  resolved = shmlens_type_resolve (type);
  return resolved->kind == SHMLENS_TYPE_KIND_ARRAY ? resolved->target : NULL;
}

/**
 * shmlens_type_get_element_count:
 * @type: an array
 *
 * Returns: the number of elements (0 for a flexible array member)
 */
guint64
shmlens_type_get_element_count (ShmlensType *type)
{
  g_return_val_if_fail (type != NULL, 0);

  return shmlens_type_resolve (type)->count;
}

/**
 * shmlens_type_is_flexible_array:
 * @type: a type
 *
 * Returns: whether @type is an array declared with [] (a flexible array member)
 */
gboolean
shmlens_type_is_flexible_array (ShmlensType *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  return shmlens_type_resolve (type)->flexible;
}

/**
 * shmlens_type_get_n_enumerators:
 * @type: an enum
 *
 * Returns: the number of its enumerators (0 for other types)
 */
guint
shmlens_type_get_n_enumerators (ShmlensType *type)
{
  g_return_val_if_fail (type != NULL, 0);

  return shmlens_type_resolve (type)->n_enumerators;
}

/**
 * shmlens_type_get_enumerator:
 * @type: an enum
 * @index: an enumerator's index, in declaration order
 * @value: (out) (optional): its value's bits
 * @is_unsigned: (out) (optional): whether to read @value as a #guint64 (it is not
 *   negative)
 *
 * Returns: (transfer none): the enumerator's name
 */
const char *
shmlens_type_get_enumerator (ShmlensType *type,
                             guint        index,
                             gint64      *value,
                             gboolean    *is_unsigned)
{
  ShmlensType *resolved;
  const ShmlensEnumerator *e;

  g_return_val_if_fail (type != NULL, NULL);
  resolved = shmlens_type_resolve (type);
  g_return_val_if_fail (index < resolved->n_enumerators, NULL);

  e = &resolved->enumerators[index];
  if (value != NULL)
    *value = (gint64) e->value;
  if (is_unsigned != NULL)
    *is_unsigned = !e->negative;
  return e->name;
}

/* ------------------------------------------------------------------------------------
 * Paths and offsets
 * ------------------------------------------------------------------------------------ */

/* A member by name, looking into anonymous members as C does. @offset gets the
 * member's offset from the start of @record. */
static const ShmlensField *
find_member (ShmlensType *record,
             const char  *name,
             gsize        length,
             guint64     *offset)
{
  for (guint i = 0; i < record->n_fields; i++)
    {
      const ShmlensField *field = &record->fields[i];

      if (field->name != NULL)
        {
          if (strlen (field->name) == length && memcmp (field->name, name, length) == 0)
            {
              *offset = field->offset;
              return field;
            }
        }
      else if (!field->is_bitfield)
        {
          ShmlensType *inner = shmlens_type_resolve (field->type);
          guint64 inner_offset;
          const ShmlensField *found;

          if (inner->kind != SHMLENS_TYPE_KIND_STRUCT && inner->kind != SHMLENS_TYPE_KIND_UNION)
            continue;
          found = find_member (inner, name, length, &inner_offset);
          if (found != NULL)
            {
              *offset = field->offset + inner_offset;
              return found;
            }
        }
    }
  return NULL;
}

static gboolean
path_error (GError    **error,
            const char *format,
            ...) G_GNUC_PRINTF (2, 3);

static gboolean
path_error (GError    **error,
            const char *format,
            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_NOT_FOUND, message);
  return FALSE;
}

/* @message: translated, with one %s for the path */
static gboolean
path_syntax_error (GError    **error,
                   const char *path,
                   const char *message)
{
  g_autofree char *escaped = shmlens_escape (path, -1);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  return path_error (error, message, escaped);
#pragma GCC diagnostic pop
}

/**
 * shmlens_type_locate_path:
 * @type: a type
 * @path: members and indices from @type: "clients[2].heartbeat", "[3]", "m[1][2]";
 *   members of anonymous members are named as if they were the parent's; "" is the
 *   whole value
 * @leaf: (out caller-allocates): the value there, its offset counted from the start
 *   of @type; its path is %NULL
 * @error: return location for an error
 *
 * Returns: %FALSE with @error set when a member does not exist, an index is out of
 *   range or @path does not read as a path
 */
gboolean
shmlens_type_locate_path (ShmlensType  *type,
                          const char   *path,
                          ShmlensLeaf  *leaf,
                          GError      **error)
{
  const ShmlensField *field = NULL;
  ShmlensType *current = type;
  guint64 offset = 0;
  guint64 field_parent = 0;
  const char *p = path;

  g_return_val_if_fail (type != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (leaf != NULL, FALSE);

  while (*p != '\0')
    {
      ShmlensType *resolved = shmlens_type_resolve (current);
      g_autofree char *so_far = g_strndup (path, p - path);

      if (*p == '[')
        {
          char *end;
          guint64 index;
          guint64 element_size;

          if (!g_ascii_isdigit (p[1]))
            /* Translators: %s is a path such as “clients[2].heartbeat”; the C tokens
             * in quotes stay */
            return path_syntax_error (error, path, _("“%s” is not a path: expected an index "
                                                     "after “[”"));
          errno = 0;
          index = g_ascii_strtoull (p + 1, &end, 10);
          if (errno != 0 || *end != ']')
            /* Translators: %s is a path such as “clients[2].heartbeat” */
            return path_syntax_error (error, path, _("“%s” is not a path: expected “]” after "
                                                     "the index"));
          if (resolved->kind != SHMLENS_TYPE_KIND_ARRAY)
            /* Translators: %s is a path such as “clients[2]”, or a C type's name */
            return path_error (error, _("“%s” is not an array"),
                               *so_far != '\0' ? so_far : shmlens_type_get_name (current));
          if (!resolved->flexible && index >= resolved->count)
            return path_error (error,
                               /* Translators: the index given, the array (a path or a C
                                * type's name) and how many elements it has */
                               g_dngettext (GETTEXT_PACKAGE, "index %llu is out of range for “%s” "
                                                             "(%llu element)",
                                            "index %llu is out of range for “%s” (%llu elements)",
                                            resolved->count),
                               (unsigned long long) index,
                               *so_far != '\0' ? so_far : shmlens_type_get_name (current),
                               (unsigned long long) resolved->count);
          element_size = shmlens_type_get_size (resolved->target);
          if (element_size != 0 && index > (SHMLENS_LAYOUT_MAX_SIZE - offset) / element_size)
            /* Translators: the index given, and the array (a path or a C type's name) */
            return path_error (error, _("index %llu of “%s” is too large"),
                               (unsigned long long) index,
                               *so_far != '\0' ? so_far : shmlens_type_get_name (current));
          offset += index * element_size;
          current = resolved->target;
          field = NULL;
          p = end + 1;
          continue;
        }

      if (p != path)
        {
          if (*p != '.')
            /* Translators: %s is a path such as “clients[2].heartbeat” */
            return path_syntax_error (error, path, _("“%s” is not a path: expected “.” or "
                                                     "“[” after a member"));
          p++;
        }
      {
        const char *start = p;
        guint64 member_offset;
        g_autofree char *member = NULL;

        while (g_ascii_isalnum (*p) || *p == '_' || *p == '$')
          p++;
        if (p == start)
          /* Translators: %s is a path such as “clients[2].heartbeat” */
          return path_syntax_error (error, path, _("“%s” is not a path: expected a member "
                                                   "name"));
        member = g_strndup (start, p - start);
        if (resolved->kind != SHMLENS_TYPE_KIND_STRUCT && resolved->kind != SHMLENS_TYPE_KIND_UNION)
          /* Translators: a path such as “clients[2]” or a C type's name, and the member
           * asked for */
          return path_error (error, _("“%s” is not a struct or union: it has no member “%s”"),
                             *so_far != '\0' ? so_far : shmlens_type_get_name (current), member);
        field = find_member (resolved, start, p - start, &member_offset);
        if (field == NULL)
          /* Translators: a C type's name, and the member asked for */
          return path_error (error, _("“%s” has no member named “%s”"),
                             shmlens_type_get_name (current), member);
        field_parent = offset + member_offset - field->offset;
        offset += member_offset;
        current = field->type;
      }
    }

  if (field != NULL && field->is_bitfield)
    shmlens_leaf_init_field (leaf, field, field_parent);
  else
    shmlens_leaf_init (leaf, current, offset);
  return TRUE;
}

/**
 * shmlens_type_locate_offset:
 * @type: a type
 * @offset: a byte offset from the start of @type
 * @path: (nullable): replaced by the path of what holds the byte ("" for @type itself)
 * @leaf: (out caller-allocates): the deepest member or element that holds the
 *   byte; a string is not entered; in padding, the struct around it
 *
 * Maps a byte back to the field that holds it: what a hex view's cursor selects.
 * In a union, the first member that covers the byte holds it.
 *
 * Returns: %FALSE when @offset is past the end of @type
 */
gboolean
shmlens_type_locate_offset (ShmlensType *type,
                            guint64      offset,
                            GString     *path,
                            ShmlensLeaf *leaf)
{
  ShmlensType *current = type;
  guint64 base = 0;

  g_return_val_if_fail (type != NULL, FALSE);
  g_return_val_if_fail (leaf != NULL, FALSE);

  if (path != NULL)
    g_string_truncate (path, 0);
  if (offset >= shmlens_type_get_size (type))
    return FALSE;

  for (;;)
    {
      ShmlensType *resolved = shmlens_type_resolve (current);

      if (resolved->kind == SHMLENS_TYPE_KIND_STRUCT || resolved->kind == SHMLENS_TYPE_KIND_UNION)
        {
          const ShmlensField *found = NULL;

          for (guint i = 0; i < resolved->n_fields && found == NULL; i++)
            {
              const ShmlensField *field = &resolved->fields[i];
              guint64 start = base + field->offset;
              guint64 length = field->is_bitfield ? (field->bit_offset + field->bit_width + 7) / 8
                                                  : shmlens_type_get_size (field->type);

              if (offset >= start && offset - start < length)
                found = field;
            }
          if (found == NULL)
            break;
          if (found->name != NULL && path != NULL)
            {
              if (path->len > 0)
                g_string_append_c (path, '.');
              g_string_append (path, found->name);
            }
          if (found->is_bitfield)
            {
              shmlens_leaf_init_field (leaf, found, base);
              return TRUE;
            }
          base += found->offset;
          current = found->type;
          continue;
        }

      if (resolved->kind == SHMLENS_TYPE_KIND_ARRAY &&
          shmlens_value_kind_for (current, FALSE) != SHMLENS_VALUE_KIND_STRING)
        {
          guint64 element_size = shmlens_type_get_size (resolved->target);
          guint64 index;

          if (element_size == 0)
            break;
          index = (offset - base) / element_size;
          if (index >= resolved->count)
            break;
          if (path != NULL)
            g_string_append_printf (path, "[%" G_GUINT64_FORMAT "]", index);
          base += index * element_size;
          current = resolved->target;
          continue;
        }
      break;
    }

  shmlens_leaf_init (leaf, current, base);
  return TRUE;
}
