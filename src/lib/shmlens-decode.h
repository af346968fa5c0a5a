/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-decode.h: the bytes at one offset read as every common type, for the data inspector. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ShmlensDecodeField:
 * @SHMLENS_DECODE_INT8: signed byte
 * @SHMLENS_DECODE_UINT8: unsigned byte
 * @SHMLENS_DECODE_INT16_LE: signed 16-bit, little-endian
 * @SHMLENS_DECODE_INT16_BE: signed 16-bit, big-endian
 * @SHMLENS_DECODE_UINT16_LE: unsigned 16-bit, little-endian
 * @SHMLENS_DECODE_UINT16_BE: unsigned 16-bit, big-endian
 * @SHMLENS_DECODE_INT32_LE: signed 32-bit, little-endian
 * @SHMLENS_DECODE_INT32_BE: signed 32-bit, big-endian
 * @SHMLENS_DECODE_UINT32_LE: unsigned 32-bit, little-endian
 * @SHMLENS_DECODE_UINT32_BE: unsigned 32-bit, big-endian
 * @SHMLENS_DECODE_INT64_LE: signed 64-bit, little-endian
 * @SHMLENS_DECODE_INT64_BE: signed 64-bit, big-endian
 * @SHMLENS_DECODE_UINT64_LE: unsigned 64-bit, little-endian
 * @SHMLENS_DECODE_UINT64_BE: unsigned 64-bit, big-endian
 * @SHMLENS_DECODE_FLOAT_LE: IEEE 754 single precision, little-endian
 * @SHMLENS_DECODE_FLOAT_BE: IEEE 754 single precision, big-endian
 * @SHMLENS_DECODE_DOUBLE_LE: IEEE 754 double precision, little-endian
 * @SHMLENS_DECODE_DOUBLE_BE: IEEE 754 double precision, big-endian
 * @SHMLENS_DECODE_TIME64_LE: 64-bit seconds since the Unix epoch, little-endian
 * @SHMLENS_DECODE_TIME64_BE: 64-bit seconds since the Unix epoch, big-endian
 * @SHMLENS_DECODE_UTF8: the UTF-8 character that starts at the offset
 * @SHMLENS_DECODE_BINARY: the byte at the offset in binary
 * @SHMLENS_DECODE_N_FIELDS: the number of fields
 *
 * The ways the data inspector reads the bytes at an offset.
 */
typedef enum
{
  SHMLENS_DECODE_INT8,
  SHMLENS_DECODE_UINT8,
  SHMLENS_DECODE_INT16_LE,
  SHMLENS_DECODE_INT16_BE,
  SHMLENS_DECODE_UINT16_LE,
  SHMLENS_DECODE_UINT16_BE,
  SHMLENS_DECODE_INT32_LE,
  SHMLENS_DECODE_INT32_BE,
  SHMLENS_DECODE_UINT32_LE,
  SHMLENS_DECODE_UINT32_BE,
  SHMLENS_DECODE_INT64_LE,
  SHMLENS_DECODE_INT64_BE,
  SHMLENS_DECODE_UINT64_LE,
  SHMLENS_DECODE_UINT64_BE,
  SHMLENS_DECODE_FLOAT_LE,
  SHMLENS_DECODE_FLOAT_BE,
  SHMLENS_DECODE_DOUBLE_LE,
  SHMLENS_DECODE_DOUBLE_BE,
  SHMLENS_DECODE_TIME64_LE,
  SHMLENS_DECODE_TIME64_BE,
  SHMLENS_DECODE_UTF8,
  SHMLENS_DECODE_BINARY,
  SHMLENS_DECODE_N_FIELDS
} ShmlensDecodeField;

/* The most bytes any field reads: pass this many when the segment has them. */
#define SHMLENS_DECODE_MAX_BYTES 8

/* What a field shows when the segment ends before the bytes it needs (an em dash). */
#define SHMLENS_DECODE_UNAVAILABLE "\xe2\x80\x94"

const char *shmlens_decode_field_get_name (ShmlensDecodeField  field);
gsize       shmlens_decode_field_get_size (ShmlensDecodeField  field);
char       *shmlens_decode_format         (ShmlensDecodeField  field,
                                           const guint8       *bytes,
                                           gsize               n_valid);
char       *shmlens_decode_format_offset  (guint64             offset);

G_END_DECLS
