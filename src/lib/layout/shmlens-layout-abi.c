/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-layout-abi.c: types, and where gcc 12 puts every member on x86-64 (System V).
 *
 * The record layout follows gcc's own algorithm (gcc/stor-layout.cc: layout_decl,
 * update_alignment_for_field, place_field, place_union_field), step by step and in
 * bits, rather than a summary of the ABI document, because the interesting cases
 * are exactly where the two differ: bit-fields under #pragma pack (which may then
 * straddle their unit), zero-width bit-fields (not affected by packing), unnamed
 * bit-fields (which do not align the struct), bit-fields whose width is that of an
 * integer mode (which align the struct to that width when they happen to be aligned)
 * and typedefs whose alignment was lowered. tests/test-layout-gcc.py compares the
 * result with the compiler on random declarations. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "shmlens-layout-private.h"

/* BIGGEST_ALIGNMENT on x86-64 without AVX, in bits: what "aligned" alone gives. */
#define BIGGEST_ALIGNMENT 128

ShmlensType *
shmlens_type_new (ShmlensLayout *layout,
                  guint8         kind)
{
  ShmlensType *type = g_new0 (ShmlensType, 1);

  type->layout = layout;
  type->kind = kind;
  g_ptr_array_add (layout->all_types, type);
  return type;
}

/* Takes @name: how C spells a named type (a base type, a tag, a typedef). */
void
shmlens_type_set_name (ShmlensType *type,
                       char        *name)
{
  g_free (type->name);
  type->name = name;
}

/**
 * shmlens_type_resolve:
 * @type: a type
 *
 * Sees through typedefs and qualifiers: for `typedef volatile struct foo foo_t`, the
 * struct foo that `foo_t` names.
 *
 * Returns: (transfer none): the type itself, when it is neither
 */
ShmlensType *
shmlens_type_resolve (ShmlensType *type)
{
  /* known when the alias is made, so that a chain of typedefs costs nothing to
   * see through, however long */
  return type->kind == SHMLENS_TYPE_KIND_ALIAS ? type->resolved : type;
}

/* How many structs, unions and arrays a value of @type holds inside each other,
 * counting itself: 0 for a scalar. */
guint
shmlens_type_depth (ShmlensType *type)
{
  return shmlens_type_resolve (type)->depth;
}

static ShmlensType *
add_base (ShmlensLayout   *layout,
          const char      *name,
          ShmlensTypeKind  kind,
          guint            size,
          gboolean         is_signed,
          ShmlensTypeHint  hint)
{
  ShmlensType *type = shmlens_type_new (layout, kind);

  type->size = size;
  type->align = MAX (size, 1);
  type->is_signed = is_signed;
  type->complete = kind != SHMLENS_TYPE_KIND_VOID;
  type->builtin = TRUE;
  type->hint = hint;
  shmlens_type_set_name (type, g_strdup (name));
  g_hash_table_insert (layout->builtin_types, type->name, type);
  return type;
}

/* The arithmetic types; <stdint.h>, <time.h> and the other known headers are C text
 * read by the parser (shmlens-layout.c), on top of these. */
void
shmlens_layout_add_builtins (ShmlensLayout *layout)
{
  add_base (layout, "void", SHMLENS_TYPE_KIND_VOID, 0, FALSE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "char", SHMLENS_TYPE_KIND_INTEGER, 1, TRUE, SHMLENS_TYPE_HINT_PLAIN_CHAR);
  add_base (layout, "signed char", SHMLENS_TYPE_KIND_INTEGER, 1, TRUE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "unsigned char", SHMLENS_TYPE_KIND_INTEGER, 1, FALSE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "short", SHMLENS_TYPE_KIND_INTEGER, 2, TRUE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "unsigned short", SHMLENS_TYPE_KIND_INTEGER, 2, FALSE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "int", SHMLENS_TYPE_KIND_INTEGER, 4, TRUE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "unsigned int", SHMLENS_TYPE_KIND_INTEGER, 4, FALSE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "long", SHMLENS_TYPE_KIND_INTEGER, 8, TRUE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "unsigned long", SHMLENS_TYPE_KIND_INTEGER, 8, FALSE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "long long", SHMLENS_TYPE_KIND_INTEGER, 8, TRUE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "unsigned long long", SHMLENS_TYPE_KIND_INTEGER, 8, FALSE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "_Bool", SHMLENS_TYPE_KIND_BOOL, 1, FALSE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "float", SHMLENS_TYPE_KIND_FLOAT, 4, TRUE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "double", SHMLENS_TYPE_KIND_FLOAT, 8, TRUE, SHMLENS_TYPE_HINT_NONE);
  add_base (layout, "long double", SHMLENS_TYPE_KIND_FLOAT, 16, TRUE, SHMLENS_TYPE_HINT_NONE);
}

ShmlensType *
shmlens_type_new_pointer (ShmlensLayout *layout,
                          ShmlensType   *pointee)
{
  ShmlensType *type = shmlens_type_new (layout, SHMLENS_TYPE_KIND_POINTER);

  type->size = 8;
  type->align = 8;
  type->complete = TRUE;
  type->target = pointee;
  return type;
}

/* The caller checked that @element is complete, that the size fits and that the
 * nesting is not too deep. */
ShmlensType *
shmlens_type_new_array (ShmlensLayout *layout,
                        ShmlensType   *element,
                        guint64        count,
                        gboolean       flexible)
{
  ShmlensType *type = shmlens_type_new (layout, SHMLENS_TYPE_KIND_ARRAY);

  type->target = element;
  type->count = flexible ? 0 : count;
  type->flexible = flexible;
  type->size = flexible ? 0 : count * shmlens_type_get_size (element);
  type->align = shmlens_type_get_alignment (element);
  type->complete = !flexible;
  type->depth = shmlens_type_depth (element) + 1;
  return type;
}

/* @parameters: the list as written, escaped */
ShmlensType *
shmlens_type_new_function (ShmlensLayout *layout,
                           ShmlensType   *result,
                           const char    *parameters)
{
  ShmlensType *type = shmlens_type_new (layout, SHMLENS_TYPE_KIND_FUNCTION);

  type->target = result;
  type->parameters = g_strdup (parameters);
  return type;
}

/* An alias's shortcuts down its chain, from its target's: the chain never changes
 * once made (an incomplete struct at its end completes in place). */
static void
alias_init (ShmlensType *type,
            ShmlensType *target)
{
  gboolean target_alias = target->kind == SHMLENS_TYPE_KIND_ALIAS;

  type->target = target;
  type->resolved = target_alias ? target->resolved : target;
  type->chain_qualifiers = type->qualifiers | (target_alias ? target->chain_qualifiers : 0);
  type->chain_time = type->hint == SHMLENS_TYPE_HINT_TIME || (target_alias && target->chain_time);
  /* _Alignof stops at the first typedef with an alignment of its own; an _Atomic
   * on the way there raises it (see shmlens_type_get_alignment) */
  type->chain_atomic = (type->qualifiers & SHMLENS_QUAL_ATOMIC) != 0;
  if (type->align != 0)
    type->chain_align = type->align;
  else if (target_alias)
    {
      type->chain_align = target->chain_align;
      type->chain_atomic |= target->chain_atomic;
    }
}

ShmlensType *
shmlens_type_new_qualified (ShmlensLayout *layout,
                            ShmlensType   *base,
                            guint          qualifiers)
{
  ShmlensType *type;

  if (qualifiers == 0)
    return base;
  /* const volatile int: one type, not a chain */
  if (base->kind == SHMLENS_TYPE_KIND_ALIAS && !base->is_typedef)
    {
      qualifiers |= base->qualifiers;
      base = base->target;
    }

  type = shmlens_type_new (layout, SHMLENS_TYPE_KIND_ALIAS);
  type->qualifiers = qualifiers;
  alias_init (type, base);
  return type;
}

/* @align: bytes from __attribute__((aligned)) on the typedef, which (unlike anywhere
 * else) may lower the alignment too; 0 for none. */
ShmlensType *
shmlens_type_new_typedef (ShmlensLayout *layout,
                          const char    *name,
                          ShmlensType   *target,
                          guint          align)
{
  ShmlensType *type = shmlens_type_new (layout, SHMLENS_TYPE_KIND_ALIAS);

  type->is_typedef = TRUE;
  type->align = align;
  alias_init (type, target);
  shmlens_type_set_name (type, g_strdup (name));
  return type;
}

ShmlensType *
shmlens_type_new_record (ShmlensLayout   *layout,
                         ShmlensTypeKind  kind,
                         const char      *tag)
{
  ShmlensType *type = shmlens_type_new (layout, kind);
  const char *keyword = kind == SHMLENS_TYPE_KIND_STRUCT ? "struct" : "union";

  type->tag = g_strdup (tag);
  type->depth = 1;
  shmlens_type_set_name (type, g_strdup_printf ("%s %s", keyword, tag != NULL ? tag : "<anonymous>"));
  return type;
}

ShmlensType *
shmlens_type_new_enum (ShmlensLayout *layout,
                       const char    *tag)
{
  ShmlensType *type = shmlens_type_new (layout, SHMLENS_TYPE_KIND_ENUM);

  type->tag = g_strdup (tag);
  shmlens_type_set_name (type, g_strdup_printf ("enum %s", tag != NULL ? tag : "<anonymous>"));
  return type;
}

/* Whether two declarations name the same type (a typedef may be declared twice).
 * Alignment is not part of it: gcc merges the typedefs' alignments instead. A loop,
 * not a recursion: a chain of pointers may be as long as the header. */
gboolean
shmlens_types_same (ShmlensType *a,
                    ShmlensType *b)
{
  for (;;)
    {
      guint qualifiers_a = a->kind == SHMLENS_TYPE_KIND_ALIAS ? a->chain_qualifiers : 0;
      guint qualifiers_b = b->kind == SHMLENS_TYPE_KIND_ALIAS ? b->chain_qualifiers : 0;

      a = shmlens_type_resolve (a);
      b = shmlens_type_resolve (b);
      if (qualifiers_a != qualifiers_b)
        return FALSE;
      if (a == b)
        return TRUE;
      if (a->kind != b->kind)
        return FALSE;
      switch (a->kind)
        {
        case SHMLENS_TYPE_KIND_POINTER:
          break;
        case SHMLENS_TYPE_KIND_ARRAY:
          if (a->count != b->count || a->flexible != b->flexible)
            return FALSE;
          break;
        case SHMLENS_TYPE_KIND_FUNCTION:
          if (!g_str_equal (a->parameters, b->parameters))
            return FALSE;
          break;
        default:
          return FALSE;
        }
      a = a->target;
      b = b->target;
    }
}

/* ------------------------------------------------------------------------------------
 * Records
 * ------------------------------------------------------------------------------------ */

static guint64
round_up (guint64 value,
          guint64 alignment)
{
  return (value + alignment - 1) / alignment * alignment;
}

static guint64
lowest_bit (guint64 value)
{
  return value & (~value + 1);
}

/* gcc's excess_unit_span: whether a bit-field at @position would span more units of
 * its type's alignment than the type itself has. */
static gboolean
excess_unit_span (guint64 position,
                  guint64 width,
                  guint64 type_align,
                  guint64 type_size)
{
  guint64 offset = position % type_align;

  return (offset + width + type_align - 1) / type_align > type_size / type_align;
}

static gboolean
too_large (GError      **error,
           Location      where,
           ShmlensType  *record)
{
  shmlens_layout_set_error (error, where, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                            /* Translators: %s is a struct's or union's name */
                            _("“%s” is larger than Shmlens lays out (2^60 bytes)"), record->name);
  return FALSE;
}

/**
 * shmlens_abi_layout_record: (skip)
 * @record: an incomplete struct or union; its packed flag is set
 * @members: the members, checked (complete types, valid widths, a flexible array
 *   member only last)
 * @n_members: their number
 * @align: __attribute__((aligned (N))) on the record, in bytes; 0 for none
 * @pack: the #pragma pack in force, in bytes; 0 for none
 * @where: the record's definition, for messages
 * @error: return location for an error
 *
 * Places every member, then sets the record's size and alignment and makes it
 * complete. All positions below are in bits, as in gcc.
 */
gboolean
shmlens_abi_layout_record (ShmlensType  *record,
                           MemberDecl   *members,
                           guint         n_members,
                           guint         align,
                           guint         pack,
                           Location      where,
                           GError      **error)
{
  const guint64 max_bits = SHMLENS_LAYOUT_MAX_SIZE * 8;
  gboolean is_union = record->kind == SHMLENS_TYPE_KIND_UNION;
  guint64 record_align = MAX (8, (guint64) align * 8);
  guint64 max_field_align = (guint64) pack * 8;
  guint64 position = 0;      /* struct: the next free bit */
  guint64 union_size = 0;    /* union: bytes */
  guint64 size;

  record->fields = g_new0 (ShmlensField, n_members);
  record->n_fields = n_members;
  record->depth = 1;

  for (guint i = 0; i < n_members; i++)
    {
      MemberDecl *member = &members[i];
      ShmlensField *field = &record->fields[i];
      ShmlensType *resolved = shmlens_type_resolve (member->type);
      gboolean flexible = resolved->kind == SHMLENS_TYPE_KIND_ARRAY && resolved->flexible;
      guint64 type_size = shmlens_type_get_size (member->type) * 8;
      guint64 type_align = (guint64) shmlens_type_get_alignment (member->type) * 8;
      gboolean bitfield = member->is_bitfield;
      guint64 width = member->bit_width;
      gboolean zero_width = bitfield && width == 0;
      gboolean user_align = member->align != 0;
      /* DECL_PACKED: packing matters for bit-fields and for types aligned past a byte */
      gboolean decl_packed = (record->packed || member->packed) && (bitfield || type_align > 8);
      gboolean packed = decl_packed;
      guint64 decl_align = user_align ? (guint64) member->align * 8 : 1;
      guint64 known_align;
      guint64 field_max_align;
      gboolean integer_mode = FALSE;

      record->depth = MAX (record->depth, shmlens_type_depth (member->type) + 1);
      field->name = member->name;
      field->type = member->type;
      field->is_bitfield = bitfield;
      field->bit_width = bitfield ? (guint) width : 0;

      if (!is_union && position != 0)
        known_align = lowest_bit (position);
      else
        known_align = 0;

      /* layout_decl */
      if (bitfield)
        {
          if (zero_width)
            {
              /* a zero-width bit-field is not affected by any packing */
              packed = FALSE;
              decl_align = MAX (decl_align, type_align);
            }
          /* A bit-field as wide as an integer mode, where the position happens to be
           * aligned for that mode, is laid out as that integer: its alignment rises,
           * and it stops being a bit-field for the rule against straddling below
           * (which matters for typedefs aligned past their size). */
          if (width == 8 || width == 16 || width == 32 || width == 64)
            {
              if (!(width > 8 && decl_packed) && (known_align == 0 || known_align >= width))
                {
                  decl_align = MAX (decl_align, width);
                  integer_mode = TRUE;
                }
            }
        }
      else if (packed && user_align)
        ;  /* packing yields to alignment asked for on the member itself */
      else
        decl_align = MAX (decl_align, type_align);

      if (packed && !user_align)
        decl_align = MIN (decl_align, 8);

      /* #pragma pack caps every member's alignment, even an explicit one, but not a
       * zero-width bit-field's */
      field_max_align = zero_width ? 0 : max_field_align;
      if (field_max_align != 0)
        decl_align = MIN (decl_align, field_max_align);

      /* update_alignment_for_field */
      if (bitfield)
        {
          /* only named bit-fields align the record (x86-64 does not align anonymous
           * bit-fields) */
          if (member->name != NULL)
            {
              guint64 bitfield_type_align = type_align;

              if (zero_width)
                ;
              else if (max_field_align != 0)
                bitfield_type_align = MIN (bitfield_type_align, max_field_align);
              else if (decl_packed)
                bitfield_type_align = MIN (bitfield_type_align, 8);
              record_align = MAX (record_align, decl_align);
              record_align = MAX (record_align, bitfield_type_align);
            }
        }
      else
        record_align = MAX (record_align, decl_align);

      if (is_union)
        {
          /* place_union_field: every member at 0 */
          guint64 bytes = bitfield ? (width + 7) / 8 : (flexible ? 0 : type_size / 8);

          field->offset = 0;
          field->bit_offset = 0;
          union_size = MAX (union_size, bytes);
          continue;
        }

      /* place_field */
      if (known_align == 0)
        known_align = MAX (BIGGEST_ALIGNMENT, record_align);
      if (known_align < decl_align)
        position = round_up (position, decl_align);

      /* PCC_BITFIELD_TYPE_MATTERS: a bit-field does not straddle more units of its
       * type's alignment than the type has — unless it is packed, and never under
       * #pragma pack, where gcc skips this rule altogether */
      if (bitfield && !integer_mode && !decl_packed && max_field_align == 0 && width != 0 &&
          excess_unit_span (position, width, type_align, type_size))
        position = round_up (position, type_align);

      if (position > max_bits)
        return too_large (error, where, record);
      field->offset = position / 8;
      field->bit_offset = bitfield ? position % 8 : 0;

      {
        guint64 bits = bitfield ? width : (flexible ? 0 : type_size);

        if (bits > max_bits - position)
          return too_large (error, where, record);
        position += bits;
      }
    }

  if (is_union)
    size = union_size;
  else
    size = (position + 7) / 8;
  size = round_up (size, record_align / 8);
  if (size > SHMLENS_LAYOUT_MAX_SIZE)
    return too_large (error, where, record);

  record->size = size;
  record->align = (guint) (record_align / 8);
  record->complete = TRUE;
  return TRUE;
}

/* ------------------------------------------------------------------------------------
 * Enums
 * ------------------------------------------------------------------------------------ */

/* Bits a value needs: as unsigned, or as signed (with its sign bit). */
static guint
precision (guint64  value,
           gboolean negative,
           gboolean is_signed)
{
  guint64 magnitude = negative ? ~value : value;
  guint bits = 0;

  while (magnitude != 0)
    {
      bits++;
      magnitude >>= 1;
    }
  return MAX (bits + (is_signed ? 1 : 0), 1);
}

static int
compare_by_value (gconstpointer a,
                  gconstpointer b,
                  gpointer      data)
{
  const ShmlensEnumerator *enumerators = data;
  const ShmlensEnumerator *x = &enumerators[*(const guint *) a];
  const ShmlensEnumerator *y = &enumerators[*(const guint *) b];

  if (x->negative != y->negative)
    return x->negative ? -1 : 1;
  if (x->value != y->value)
    return x->value < y->value ? -1 : 1;
  return *(const guint *) a < *(const guint *) b ? -1 : 1;  /* the first declared first */
}

/**
 * shmlens_abi_layout_enum: (skip)
 * @type: an incomplete enum; its packed flag is set
 * @enumerators: (element-type ShmlensEnumerator) (transfer full): the enumerators, taken
 *   even on failure
 * @where: the definition, for messages
 * @error: return location for an error
 *
 * The underlying type as gcc chooses it: unsigned int when no value is negative and
 * every one fits, int when they fit in int, else long or unsigned long; packed
 * enums take the smallest of 1, 2, 4 and 8 bytes that holds them.
 */
gboolean
shmlens_abi_layout_enum (ShmlensType  *type,
                         GArray       *enumerators,
                         Location      where,
                         GError      **error)
{
  gboolean any_negative = FALSE;
  gboolean is_signed;
  guint bits = 1;
  guint size;

  for (guint i = 0; i < enumerators->len; i++)
    any_negative |= g_array_index (enumerators, ShmlensEnumerator, i).negative;
  is_signed = any_negative;

  for (guint i = 0; i < enumerators->len; i++)
    {
      const ShmlensEnumerator *e = &g_array_index (enumerators, ShmlensEnumerator, i);

      bits = MAX (bits, precision (e->value, e->negative, is_signed));
    }
  if (bits > 64)
    {
      g_array_unref (enumerators);
      shmlens_layout_set_error (error, where, SHMLENS_LAYOUT_ERROR_INVALID,
                                /* Translators: %s is an enum's name */
                                _("the values of “%s” do not fit in any integer type"),
                                type->name);
      return FALSE;
    }

  if (type->packed)
    size = bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
  else
    size = bits <= 32 ? 4 : 8;

  type->size = size;
  type->align = size;
  type->is_signed = is_signed;
  type->complete = TRUE;
  type->n_enumerators = enumerators->len;
  type->enumerators = (ShmlensEnumerator *) (gpointer) g_array_free (enumerators, FALSE);
  type->enumerators_by_value = g_new (guint, MAX (type->n_enumerators, 1));
  for (guint i = 0; i < type->n_enumerators; i++)
    type->enumerators_by_value[i] = i;

  g_qsort_with_data (type->enumerators_by_value, type->n_enumerators, sizeof (guint),
                     compare_by_value, type->enumerators);
  return TRUE;
}
