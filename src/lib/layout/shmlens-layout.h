/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-layout.h: C declarations read from a header, laid out as gcc does on x86-64, and their values. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SHMLENS_LAYOUT_ERROR (shmlens_layout_error_quark ())

/**
 * ShmlensLayoutError:
 * @SHMLENS_LAYOUT_ERROR_SYNTAX: the text is not C where the parser expected C
 * @SHMLENS_LAYOUT_ERROR_UNSUPPORTED: valid C (or a GNU extension) that Shmlens cannot
 *   lay out exactly, so it refuses rather than guess
 * @SHMLENS_LAYOUT_ERROR_UNKNOWN_TYPE: a type name or tag that is not declared
 * @SHMLENS_LAYOUT_ERROR_NOT_FOUND: a name in a constant expression, a member in a
 *   path or a designator that does not exist
 * @SHMLENS_LAYOUT_ERROR_INCLUDE: an `#include` of a header Shmlens does not know
 * @SHMLENS_LAYOUT_ERROR_INVALID: C that a compiler rejects: incomplete types,
 *   redefinitions, bit-fields wider than their type, negative sizes, `#error`, a
 *   failed `_Static_assert`…
 * @SHMLENS_LAYOUT_ERROR_TOO_LARGE: a size, a macro expansion or a flattened layout
 *   beyond what Shmlens represents or was asked to produce
 *
 * Messages of errors in a header start with "FILE:LINE:COLUMN: ", columns counted
 * in characters from 1.
 */
typedef enum
{
  SHMLENS_LAYOUT_ERROR_SYNTAX,
  SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
  SHMLENS_LAYOUT_ERROR_UNKNOWN_TYPE,
  SHMLENS_LAYOUT_ERROR_NOT_FOUND,
  SHMLENS_LAYOUT_ERROR_INCLUDE,
  SHMLENS_LAYOUT_ERROR_INVALID,
  SHMLENS_LAYOUT_ERROR_TOO_LARGE,
} ShmlensLayoutError;

GQuark shmlens_layout_error_quark (void);

/**
 * ShmlensLayout:
 *
 * The types declared by one header. Immutable once made and reference counted with
 * atomic operations, so that it (and every type in it) may be used from any thread.
 */
typedef struct _ShmlensLayout ShmlensLayout;

/**
 * ShmlensType:
 *
 * A C type: owned by its #ShmlensLayout, valid while the layout is. A typedef or a
 * qualified type (`volatile uint32_t`) is a type of its own with its own name; every
 * other accessor sees through it to the type it names.
 */
typedef struct _ShmlensType ShmlensType;

/**
 * ShmlensTypeKind:
 * @SHMLENS_TYPE_KIND_VOID: `void`: no layout
 * @SHMLENS_TYPE_KIND_INTEGER: a signed or unsigned integer, `char` included
 * @SHMLENS_TYPE_KIND_BOOL: `_Bool`
 * @SHMLENS_TYPE_KIND_FLOAT: `float`, `double` or `long double`
 * @SHMLENS_TYPE_KIND_ENUM: an enumeration
 * @SHMLENS_TYPE_KIND_POINTER: a pointer (an address: what it points at is not followed)
 * @SHMLENS_TYPE_KIND_ARRAY: an array, flexible ones included
 * @SHMLENS_TYPE_KIND_STRUCT: a structure
 * @SHMLENS_TYPE_KIND_UNION: a union
 * @SHMLENS_TYPE_KIND_FUNCTION: a function type: no layout
 */
typedef enum
{
  SHMLENS_TYPE_KIND_VOID,
  SHMLENS_TYPE_KIND_INTEGER,
  SHMLENS_TYPE_KIND_BOOL,
  SHMLENS_TYPE_KIND_FLOAT,
  SHMLENS_TYPE_KIND_ENUM,
  SHMLENS_TYPE_KIND_POINTER,
  SHMLENS_TYPE_KIND_ARRAY,
  SHMLENS_TYPE_KIND_STRUCT,
  SHMLENS_TYPE_KIND_UNION,
  SHMLENS_TYPE_KIND_FUNCTION,
} ShmlensTypeKind;

/**
 * ShmlensField:
 * @name: the member's name; %NULL for an anonymous struct or union member (whose
 *   members are reached as if they were the parent's) and for an unnamed bit-field
 * @type: the member's type as declared (typedefs and qualifiers kept)
 * @offset: bytes from the start of the enclosing struct or union; for a bit-field,
 *   the byte that holds its first bit
 * @bit_offset: bit-fields: the first bit within the byte at @offset, 0 (least
 *   significant) to 7
 * @bit_width: bit-fields: the width in bits (0 for a zero-width bit-field)
 * @is_bitfield: whether the member is a bit-field
 *
 * One member of a struct or union.
 */
typedef struct
{
  const char *name;
  ShmlensType *type;
  guint64 offset;
  guint bit_offset;
  guint bit_width;
  gboolean is_bitfield;
} ShmlensField;

ShmlensLayout   *shmlens_layout_new               (const char     *text,
                                                   gssize          length,
                                                   const char     *filename,
                                                   GError        **error);
ShmlensLayout   *shmlens_layout_new_from_file     (const char     *path,
                                                   GError        **error);
ShmlensLayout   *shmlens_layout_ref               (ShmlensLayout  *layout);
void             shmlens_layout_unref             (ShmlensLayout  *layout);
const char      *shmlens_layout_get_filename      (ShmlensLayout  *layout);
ShmlensType     *shmlens_layout_lookup            (ShmlensLayout  *layout,
                                                   const char     *name,
                                                   GError        **error);
ShmlensType    **shmlens_layout_get_types         (ShmlensLayout  *layout,
                                                   guint          *n_types);
ShmlensType     *shmlens_layout_get_default_type  (ShmlensLayout  *layout,
                                                   GError        **error);

ShmlensType     *shmlens_type_ref                 (ShmlensType    *type);
void             shmlens_type_unref               (ShmlensType    *type);
ShmlensLayout   *shmlens_type_get_layout          (ShmlensType    *type);
ShmlensType     *shmlens_type_resolve             (ShmlensType    *type);
ShmlensTypeKind  shmlens_type_get_kind            (ShmlensType    *type);
const char      *shmlens_type_get_name            (ShmlensType    *type);
char            *shmlens_type_format_declaration  (ShmlensType    *type,
                                                   const char     *name);
gboolean         shmlens_type_is_complete         (ShmlensType    *type);
guint64          shmlens_type_get_size            (ShmlensType    *type);
guint            shmlens_type_get_alignment       (ShmlensType    *type);
gboolean         shmlens_type_is_signed           (ShmlensType    *type);
gboolean         shmlens_type_is_packed           (ShmlensType    *type);
guint            shmlens_type_get_n_fields        (ShmlensType    *type);
const ShmlensField *shmlens_type_get_field        (ShmlensType    *type,
                                                   guint           index);
ShmlensType     *shmlens_type_get_element_type    (ShmlensType    *type);
guint64          shmlens_type_get_element_count   (ShmlensType    *type);
gboolean         shmlens_type_is_flexible_array   (ShmlensType    *type);
guint            shmlens_type_get_n_enumerators   (ShmlensType    *type);
const char      *shmlens_type_get_enumerator      (ShmlensType    *type,
                                                   guint           index,
                                                   gint64         *value,
                                                   gboolean       *is_unsigned);

/**
 * ShmlensValueKind:
 * @SHMLENS_VALUE_KIND_NONE: a struct, union or array that is not a string: no
 *   value of its own
 * @SHMLENS_VALUE_KIND_SIGNED: a signed integer (bit-fields included)
 * @SHMLENS_VALUE_KIND_UNSIGNED: an unsigned integer
 * @SHMLENS_VALUE_KIND_CHAR: a plain `char`: its number and, when printable, the character
 * @SHMLENS_VALUE_KIND_BOOL: `_Bool`: "true" or "false" (other bytes: their number)
 * @SHMLENS_VALUE_KIND_ENUM: an enumeration: the enumerator's name, or the number
 *   when it matches none
 * @SHMLENS_VALUE_KIND_FLOAT: `float`, `double` or `long double` (shown with double
 *   precision)
 * @SHMLENS_VALUE_KIND_POINTER: an address in hexadecimal
 * @SHMLENS_VALUE_KIND_STRING: an array of plain `char`: the text up to the first
 *   NUL, escaped
 * @SHMLENS_VALUE_KIND_TIME: `time_t`: a date in ISO 8601, UTC
 * @SHMLENS_VALUE_KIND_TIMESPEC: `struct timespec`: a date with nanoseconds
 *
 * How a value is read and shown.
 */
typedef enum
{
  SHMLENS_VALUE_KIND_NONE,
  SHMLENS_VALUE_KIND_SIGNED,
  SHMLENS_VALUE_KIND_UNSIGNED,
  SHMLENS_VALUE_KIND_CHAR,
  SHMLENS_VALUE_KIND_BOOL,
  SHMLENS_VALUE_KIND_ENUM,
  SHMLENS_VALUE_KIND_FLOAT,
  SHMLENS_VALUE_KIND_POINTER,
  SHMLENS_VALUE_KIND_STRING,
  SHMLENS_VALUE_KIND_TIME,
  SHMLENS_VALUE_KIND_TIMESPEC,
} ShmlensValueKind;

/**
 * ShmlensLeaf:
 * @path: where the value is, "clients[2].heartbeat"; "" for the whole value; %NULL
 *   when the leaf was made without one
 * @type: its type as declared
 * @offset: bytes from the origin the leaf was made for (the start of the segment)
 * @size: the bytes that hold the value; for a bit-field, the bytes its bits touch
 * @bit_offset: bit-fields: the first bit within the byte at @offset (0 to 7)
 * @bit_width: bit-fields: the width in bits
 * @is_bitfield: whether the value is a bit-field
 * @kind: how the value is read and shown
 *
 * A value at a known place: what a structure view shows in one row and what a
 * flattened layout is made of. Plain data, cheap to copy and to keep on the stack.
 */
typedef struct
{
  const char *path;
  ShmlensType *type;
  guint64 offset;
  guint64 size;
  guint8 bit_offset;
  guint8 bit_width;
  gboolean is_bitfield;
  ShmlensValueKind kind;
} ShmlensLeaf;

/**
 * ShmlensFormatFlags:
 * @SHMLENS_FORMAT_DEFAULT: decimal numbers, little-endian (x86-64) bytes
 * @SHMLENS_FORMAT_HEX: integers (and enums that match no name) in hexadecimal,
 *   negative numbers as their two's complement
 * @SHMLENS_FORMAT_BIG_ENDIAN: read whole-byte values most significant byte first.
 *   Bit-fields keep the x86-64 bit order their positions come from.
 */
typedef enum
{
  SHMLENS_FORMAT_DEFAULT = 0,
  SHMLENS_FORMAT_HEX = 1 << 0,
  SHMLENS_FORMAT_BIG_ENDIAN = 1 << 1,
} ShmlensFormatFlags;

void             shmlens_leaf_init                (ShmlensLeaf        *leaf,
                                                   ShmlensType        *type,
                                                   guint64             offset);
void             shmlens_leaf_init_field          (ShmlensLeaf        *leaf,
                                                   const ShmlensField *field,
                                                   guint64             parent_offset);
void             shmlens_leaf_format              (const ShmlensLeaf  *leaf,
                                                   const guint8       *window,
                                                   guint64             window_offset,
                                                   gsize               window_length,
                                                   ShmlensFormatFlags  flags,
                                                   GString            *out);
gboolean         shmlens_leaf_get_double          (const ShmlensLeaf  *leaf,
                                                   const guint8       *window,
                                                   guint64             window_offset,
                                                   gsize               window_length,
                                                   ShmlensFormatFlags  flags,
                                                   double             *value);
gboolean         shmlens_leaf_differs             (const ShmlensLeaf  *leaf,
                                                   const guint8       *before,
                                                   const guint8       *after,
                                                   guint64             window_offset,
                                                   gsize               window_length);

gboolean         shmlens_type_locate_path         (ShmlensType        *type,
                                                   const char         *path,
                                                   ShmlensLeaf        *leaf,
                                                   GError            **error);
gboolean         shmlens_type_locate_offset       (ShmlensType        *type,
                                                   guint64             offset,
                                                   GString            *path,
                                                   ShmlensLeaf        *leaf);

/**
 * ShmlensFlatLayout:
 *
 * A type flattened once into the array of its leaves, for decoding many fields
 * often: paths are made once, formatting a leaf allocates nothing. Immutable; it
 * keeps its layout alive.
 */
typedef struct _ShmlensFlatLayout ShmlensFlatLayout;

ShmlensFlatLayout *shmlens_flat_layout_new        (ShmlensType        *type,
                                                   guint64             origin,
                                                   guint64             n_records,
                                                   gsize               max_leaves,
                                                   GError            **error);
void               shmlens_flat_layout_free       (ShmlensFlatLayout  *flat);
const ShmlensLeaf *shmlens_flat_layout_get_leaves (ShmlensFlatLayout  *flat,
                                                   gsize              *n_leaves);
guint64            shmlens_flat_layout_get_end    (ShmlensFlatLayout  *flat);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmlensLayout, shmlens_layout_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmlensType, shmlens_type_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmlensFlatLayout, shmlens_flat_layout_free)

G_END_DECLS
