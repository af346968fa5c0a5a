/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-layout.c: the layout engine on any header text, and the values of what it lays out read from the input's bytes. */
#include "config.h"

#include <string.h>

#include "shmlens-fuzz.h"
#include "shmlens-layout.h"

#define TARGET "fuzz-layout"

/* Enough to reach every kind of value, few enough to stay fast. */
#define MAX_TYPES 64
#define MAX_LEAVES 512
#define MAX_OFFSETS 64

static const ShmlensFormatFlags all_flags[] = {
  SHMLENS_FORMAT_DEFAULT,
  SHMLENS_FORMAT_HEX,
  SHMLENS_FORMAT_BIG_ENDIAN,
  SHMLENS_FORMAT_HEX | SHMLENS_FORMAT_BIG_ENDIAN,
};

static void
check_text (const char *what,
            const char *text)
{
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    fuzz_fail (TARGET, "%s is not valid UTF-8", what);
}

/* Everything a type says about itself. */
static void
walk_type (ShmlensLayout *layout,
           ShmlensType   *type)
{
  g_autofree char *declaration = shmlens_type_format_declaration (type, "x");
  ShmlensType *element;

  check_text ("a type's name", shmlens_type_get_name (type));
  check_text ("a declaration", declaration);
  if (shmlens_type_get_layout (type) != layout)
    fuzz_fail (TARGET, "a type belongs to another layout");
  if (shmlens_type_resolve (shmlens_type_resolve (type)) != shmlens_type_resolve (type))
    fuzz_fail (TARGET, "resolving “%s” twice gives another type", shmlens_type_get_name (type));
  (void) shmlens_type_get_kind (type);
  (void) shmlens_type_is_signed (type);
  (void) shmlens_type_is_packed (type);
  if (shmlens_type_is_complete (type))
    {
      /* not always a divisor of the size: a typedef may align an int to 16 */
      guint align = shmlens_type_get_alignment (type);

      if (align == 0 || (align & (align - 1)) != 0)
        fuzz_fail (TARGET, "“%s” has the alignment %u", shmlens_type_get_name (type), align);
      (void) shmlens_type_get_size (type);
    }

  for (guint i = 0; i < shmlens_type_get_n_fields (type); i++)
    {
      const ShmlensField *field = shmlens_type_get_field (type, i);

      if (field->name != NULL)
        check_text ("a member's name", field->name);
      check_text ("a member's type", shmlens_type_get_name (field->type));
      if (field->is_bitfield && field->bit_offset > 7)
        fuzz_fail (TARGET, "a bit-field starts at bit %u of its byte", field->bit_offset);
    }
  for (guint i = 0; i < shmlens_type_get_n_enumerators (type); i++)
    {
      gint64 value;
      gboolean is_unsigned;

      check_text ("an enumerator",
                  shmlens_type_get_enumerator (type, i, &value, &is_unsigned));
    }
  element = shmlens_type_get_element_type (type);
  if (element != NULL)
    {
      check_text ("an element's type", shmlens_type_get_name (element));
      (void) shmlens_type_get_element_count (type);
      (void) shmlens_type_is_flexible_array (type);
    }
}

static void
check_leaves_equal (const ShmlensLeaf *a,
                    const ShmlensLeaf *b,
                    const char        *path)
{
  if (a->offset != b->offset || a->size != b->size || a->kind != b->kind ||
      a->is_bitfield != b->is_bitfield || a->bit_offset != b->bit_offset ||
      a->bit_width != b->bit_width)
    fuzz_fail (TARGET, "the path “%s” of a flattened leaf locates another value "
               "(offset %" G_GUINT64_FORMAT ", size %" G_GUINT64_FORMAT " against %"
               G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ")", path, a->offset, a->size,
               b->offset, b->size);
}

/* The values of @type in the window @window, read every way there is. */
static void
read_values (ShmlensType  *type,
             const guint8 *window,
             gsize         window_length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensFlatLayout) flat = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) path = g_string_new (NULL);
  const ShmlensLeaf *leaves;
  gsize n_leaves;
  guint64 size = shmlens_type_get_size (type);

  flat = shmlens_flat_layout_new (type, 0, 1, MAX_LEAVES, &error);
  if (flat == NULL)
    {
      if (error == NULL || error->domain != SHMLENS_LAYOUT_ERROR)
        fuzz_fail (TARGET, "a layout that does not flatten without an error");
      check_text ("a flattening error", error->message);
      return;
    }
  if (shmlens_flat_layout_get_end (flat) != size)
    fuzz_fail (TARGET, "a flattened layout ends at %" G_GUINT64_FORMAT ", not at %"
               G_GUINT64_FORMAT, shmlens_flat_layout_get_end (flat), size);

  leaves = shmlens_flat_layout_get_leaves (flat, &n_leaves);
  for (gsize i = 0; i < n_leaves; i++)
    {
      const ShmlensLeaf *leaf = &leaves[i];
      ShmlensLeaf located;
      double value;

      check_text ("a leaf's path", leaf->path);
      if (leaf->offset > size || leaf->size > size - leaf->offset)
        fuzz_fail (TARGET, "the leaf “%s” goes past the end of its type", leaf->path);
      for (gsize f = 0; f < G_N_ELEMENTS (all_flags); f++)
        {
          g_string_truncate (text, 0);
          shmlens_leaf_format (leaf, window, 0, window_length, all_flags[f], text);
          check_text ("a value", text->str);
          (void) shmlens_leaf_get_double (leaf, window, 0, window_length, all_flags[f], &value);
        }
      /* the window one byte on, and a window that starts past the value */
      if (window_length > 0)
        {
          g_string_truncate (text, 0);
          shmlens_leaf_format (leaf, window + 1, 1, window_length - 1, SHMLENS_FORMAT_DEFAULT,
                               text);
          check_text ("a value", text->str);
          (void) shmlens_leaf_differs (leaf, window, window + 1, 0, window_length - 1);
        }
      g_string_truncate (text, 0);
      shmlens_leaf_format (leaf, window, G_MAXUINT64 - 1, window_length, SHMLENS_FORMAT_DEFAULT,
                           text);
      (void) shmlens_leaf_differs (leaf, window, NULL, 0, window_length);

      if (!shmlens_type_locate_path (type, leaf->path, &located, &error))
        fuzz_fail (TARGET, "the path “%s” of a flattened leaf does not locate: %s", leaf->path,
                   error->message);
      check_leaves_equal (leaf, &located, leaf->path);
    }

  /* the bytes of the type, mapped back to what holds them */
  for (guint64 offset = 0; offset < MIN (size, MAX_OFFSETS); offset++)
    {
      ShmlensLeaf leaf;

      if (!shmlens_type_locate_offset (type, offset, path, &leaf))
        fuzz_fail (TARGET, "the offset %" G_GUINT64_FORMAT " of a type of %" G_GUINT64_FORMAT
                   " bytes does not locate", offset, size);
      check_text ("a located path", path->str);
      if (offset < leaf.offset || offset - leaf.offset >= MAX (leaf.size, 1))
        fuzz_fail (TARGET, "the offset %" G_GUINT64_FORMAT " locates “%s”, which does not "
                   "hold it", offset, path->str);
    }
  if (size > 0 && shmlens_type_locate_offset (type, size, path, &(ShmlensLeaf) { 0 }))
    fuzz_fail (TARGET, "the offset just past a type locates");

  /* three records from an odd offset, as a segment holds an array of them */
  g_clear_pointer (&flat, shmlens_flat_layout_free);
  flat = shmlens_flat_layout_new (type, 3, 3, MAX_LEAVES, &error);
  if (flat == NULL)
    {
      check_text ("a flattening error", error->message);
      return;
    }
  leaves = shmlens_flat_layout_get_leaves (flat, &n_leaves);
  for (gsize i = 0; i < n_leaves; i++)
    {
      g_string_truncate (text, 0);
      shmlens_leaf_format (&leaves[i], window, 3, window_length, SHMLENS_FORMAT_HEX, text);
      check_text ("a value", text->str);
    }
}

/* The input is a header and, after its first nul, the bytes to read values from; an
 * input without a nul is read both ways. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensLayout) layout = NULL;
  const guint8 *nul = memchr (data, '\0', size);
  gsize header_length = nul != NULL ? (gsize) (nul - data) : size;
  const guint8 *window = nul != NULL ? nul + 1 : data;
  gsize window_length = nul != NULL ? size - header_length - 1 : size;
  ShmlensType **types;
  ShmlensType *type;
  guint n_types;

  fuzz_setup ();

  layout = shmlens_layout_new ((const char *) data, header_length, "fuzz.h", &error);
  if (layout == NULL)
    {
      if (error == NULL || error->domain != SHMLENS_LAYOUT_ERROR)
        fuzz_fail (TARGET, "a header refused without a layout error");
      check_text ("an error message", error->message);
      if (!g_str_has_prefix (error->message, "fuzz.h:"))
        fuzz_fail (TARGET, "the error “%s” does not say where it is", error->message);
      return 0;
    }
  if (error != NULL)
    fuzz_fail (TARGET, "a layout made with an error set");

  types = shmlens_layout_get_types (layout, &n_types);
  for (guint i = 0; i < MIN (n_types, MAX_TYPES); i++)
    {
      const char *name = shmlens_type_get_name (types[i]);

      walk_type (layout, types[i]);
      /* a typedef and a tagged type are found by their names */
      type = shmlens_layout_lookup (layout, name, &error);
      if (type == NULL)
        {
          check_text ("a lookup error", error->message);
          if (strchr (name, '<') == NULL)
            fuzz_fail (TARGET, "the type “%s” is not found by its name: %s", name,
                       error->message);
        }
      else if (type != types[i])
        fuzz_fail (TARGET, "the name “%s” finds another type, “%s”", name,
                   shmlens_type_get_name (type));
      g_clear_error (&error);
    }

  type = shmlens_layout_get_default_type (layout, &error);
  if (type == NULL)
    {
      check_text ("the default type's error", error->message);
      return 0;
    }
  walk_type (layout, type);
  if (shmlens_type_is_complete (type))
    read_values (type, window, window_length);
  return 0;
}
