/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-hexfmt.c: fast text dumps, byte-identical to `hexdump -C` and `xxd`.
 *
 * The peers print a line with one printf conversion per byte. We build a whole line
 * in registers and write it with a few wide stores into the caller's buffer: on x86
 * with SSSE3, one pshufb turns the sixteen bytes' nibbles into hex digits and a few
 * more put the digits, the separators and the text column where the layout wants
 * them; with AVX2, the same happens to two lines at once. The shuffle tables are
 * derived from the same layout description that the portable path (and every short
 * last line) uses, so the kernels cannot disagree on the layout, and the tests
 * compare each of them with the peers.
 *
 * What the peers do, as measured against util-linux 2.38 hexdump and xxd 2022-01-14:
 * - offsets are absolute (the start offset plus the bytes before the line), at least
 *   eight lowercase hex digits and as many more as the value needs;
 * - `hexdump -C` replaces every full line equal to the line printed before it with a
 *   single `*` line per run; a short last line is never squeezed; it ends with a line
 *   holding the end offset, unless that offset is 0 (empty input from offset 0);
 * - `xxd` never squeezes by default and prints nothing after the last line;
 * - both print bytes 0x20 to 0x7e as themselves and every other byte as '.', in
 *   every locale we tried (C, C.UTF-8). */
#include "config.h"

#include <string.h>

/* x86 SIMD code is compiled for its instruction set whatever the build's baseline, and
 * used only where the CPU has it. */
#if defined (__GNUC__) && (defined (__x86_64__) || defined (__i386__))
#define HAVE_SIMD_KERNELS 1
#include <immintrin.h>
#define SSSE3_FUNCTION __attribute__ ((target ("ssse3")))
#define AVX2_FUNCTION __attribute__ ((target ("avx2")))
#endif

#include "shmlens-hexfmt.h"

#define BYTES_PER_LINE 16

/* Room for the longest line either format writes: hexdump with a 16-digit offset
 * writes 87 bytes. */
#define LINE_ROOM 128

/* One line after its offset: `prefix` is the line without any byte (separators only)
 * up to the text column, `hex_at[i]` where byte i's two hex digits go, and `tail`
 * what follows the text column's last character. */
typedef struct
{
  const char *prefix;
  guint ascii_at;
  guint8 hex_at[BYTES_PER_LINE];
  const char *tail;
  guint tail_length;
} Layout;

static const Layout layouts[] = {
  /* "00000010  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n" */
  [SHMLENS_HEX_FORMAT_HEXDUMP] = {
    .prefix = "                                                    |",
    .ascii_at = 53,
    .hex_at = { 2, 5, 8, 11, 14, 17, 20, 23, 27, 30, 33, 36, 39, 42, 45, 48 },
    .tail = "|\n",
    .tail_length = 2,
  },
  /* "00000010: 4142 4344 4546 4748 494a 4b4c 4d4e 4f50  ABCDEFGHIJKLMNOP\n" */
  [SHMLENS_HEX_FORMAT_XXD] = {
    .prefix = ":                                          ",
    .ascii_at = 43,
    .hex_at = { 2, 4, 7, 9, 12, 14, 17, 19, 22, 24, 27, 29, 32, 34, 37, 39 },
    .tail = "\n",
    .tail_length = 1,
  },
};

typedef enum
{
  KERNEL_PORTABLE,
  KERNEL_SSSE3,
  KERNEL_AVX2,
} Kernel;

struct _ShmlensHexFormatter
{
  ShmlensHexFormat format;
  const Layout *layout;
  Kernel kernel;
  guint64 line_offset;               /* offset of pending[0], the next line's start */
  guint8 pending[BYTES_PER_LINE];    /* the start of a line that is not complete yet */
  guint n_pending;
  guint8 previous[BYTES_PER_LINE];   /* hexdump: the last full line printed */
  gboolean have_previous;
  gboolean squeezing;                /* hexdump: a `*` stands for the current run */
  gboolean finished;
};

#define HEX_ROW(h) \
  h "0" h "1" h "2" h "3" h "4" h "5" h "6" h "7" \
  h "8" h "9" h "a" h "b" h "c" h "d" h "e" h "f"

/* "00" "01" … "ff" */
static const char hex_pairs[256 * 2 + 1] =
  HEX_ROW ("0") HEX_ROW ("1") HEX_ROW ("2") HEX_ROW ("3")
  HEX_ROW ("4") HEX_ROW ("5") HEX_ROW ("6") HEX_ROW ("7")
  HEX_ROW ("8") HEX_ROW ("9") HEX_ROW ("a") HEX_ROW ("b")
  HEX_ROW ("c") HEX_ROW ("d") HEX_ROW ("e") HEX_ROW ("f");

static inline void
put_pair (char   *o,
          guint8  byte)
{
  memcpy (o, hex_pairs + 2 * byte, 2);
}

static inline char
printable (guint8 byte)
{
  return (guint8) (byte - 0x20) < 0x5f ? (char) byte : '.';
}

/* `%08llx`: eight digits, more when the offset needs them. */
static inline char *
put_offset (char    *o,
            guint64  offset)
{
  static const char digits[] = "0123456789abcdef";
  guint width;

  if (G_LIKELY (offset <= G_MAXUINT32))
    {
      put_pair (o, (guint8) (offset >> 24));
      put_pair (o + 2, (guint8) (offset >> 16));
      put_pair (o + 4, (guint8) (offset >> 8));
      put_pair (o + 6, (guint8) offset);
      return o + 8;
    }

  width = (64 - __builtin_clzll (offset) + 3) / 4;
  for (guint i = width; i-- > 0; offset >>= 4)
    o[i] = digits[offset & 0xf];
  return o + width;
}

/* Any line, full or short (0 < n <= 16), of either format, without SIMD. */
static char *
put_line (const Layout *layout,
          char         *o,
          guint64       offset,
          const guint8 *p,
          guint         n)
{
  g_assert (n > 0 && n <= BYTES_PER_LINE);

  o = put_offset (o, offset);
  memcpy (o, layout->prefix, layout->ascii_at);
  for (guint i = 0; i < n; i++)
    put_pair (o + layout->hex_at[i], p[i]);
  o += layout->ascii_at;
  for (guint i = 0; i < n; i++)
    o[i] = printable (p[i]);
  o += n;
  memcpy (o, layout->tail, layout->tail_length);
  return o + layout->tail_length;
}

static inline gboolean
squeezes (ShmlensHexFormatter *self,
          const guint8        *p)
{
  return self->have_previous && memcmp (p, self->previous, BYTES_PER_LINE) == 0;
}

static char *
put_lines_portable (ShmlensHexFormatter  *self,
                    char                 *o,
                    const guint8        **data,
                    const guint8         *end)
{
  const guint8 *p = *data;

  for (; end - p >= BYTES_PER_LINE; p += BYTES_PER_LINE)
    {
      if (self->format == SHMLENS_HEX_FORMAT_HEXDUMP && squeezes (self, p))
        {
          if (!self->squeezing)
            {
              *o++ = '*';
              *o++ = '\n';
              self->squeezing = TRUE;
            }
        }
      else
        {
          o = put_line (self->layout, o, self->line_offset, p, BYTES_PER_LINE);
          memcpy (self->previous, p, BYTES_PER_LINE);
          self->have_previous = TRUE;
          self->squeezing = FALSE;
        }
      self->line_offset += BYTES_PER_LINE;
    }

  *data = p;
  return o;
}

#ifdef HAVE_SIMD_KERNELS

/* A full line after its offset is at most four 16-byte chunks up to the text column.
 * Chunk k takes, at each position, a hex digit of bytes 0–7 (from_low), a hex digit
 * of bytes 8–15 (from_high) or a separator (fixed); a shuffle index of 0x80 yields 0,
 * so the three OR together. */
#define MAX_CHUNKS 4

typedef struct
{
  guint8 from_low[MAX_CHUNKS][16];
  guint8 from_high[MAX_CHUNKS][16];
  guint8 fixed[MAX_CHUNKS][16];
} ShuffleTables;

static ShuffleTables shuffle_tables[G_N_ELEMENTS (layouts)];

/* The digits of byte i are at 2 * (i % 8) and 2 * (i % 8) + 1 in the interleaved hex
 * of its half of the line. */
static void
build_shuffle_tables (const Layout  *layout,
                      ShuffleTables *tables)
{
  g_assert ((layout->ascii_at + 15) / 16 <= MAX_CHUNKS);

  for (guint k = 0; k < MAX_CHUNKS; k++)
    for (guint j = 0; j < 16; j++)
      {
        guint at = 16 * k + j;

        tables->from_low[k][j] = 0x80;
        tables->from_high[k][j] = 0x80;
        tables->fixed[k][j] = at < layout->ascii_at ? layout->prefix[at] : 0;
        for (guint i = 0; i < BYTES_PER_LINE; i++)
          if (at == layout->hex_at[i] || at == layout->hex_at[i] + 1u)
            {
              guint8 digit = 2 * (i % 8) + (at - layout->hex_at[i]);

              if (i < 8)
                tables->from_low[k][j] = digit;
              else
                tables->from_high[k][j] = digit;
              tables->fixed[k][j] = 0;
            }
      }
}

/* Whether chunk @k holds digits of the half of the line that starts at byte @first (0
 * or 8). Constant for a constant layout: the shuffles that would add nothing go away. */
static inline gboolean
chunk_has_digits (const Layout *layout,
                  guint         first,
                  guint         k)
{
  return layout->hex_at[first] < 16 * (k + 1) && layout->hex_at[first + 7] + 1u >= 16 * k;
}

SSSE3_FUNCTION static inline __m128i
load_128 (const void *p)
{
  return _mm_loadu_si128 ((const __m128i *) p);
}

SSSE3_FUNCTION static inline void
store_128 (void    *p,
           __m128i  v)
{
  _mm_storeu_si128 ((__m128i *) p, v);
}

/* Inlined with a constant @format, so that the layout's sizes are constants too. */
SSSE3_FUNCTION G_ALWAYS_INLINE static inline char *
put_line_ssse3 (ShmlensHexFormat  format,
                char             *o,
                guint64           offset,
                __m128i           v)
{
  const Layout *layout = &layouts[format];
  const ShuffleTables *tables = &shuffle_tables[format];
  const guint n_chunks = (layout->ascii_at + 15) / 16;
  const __m128i digits = _mm_setr_epi8 ('0', '1', '2', '3', '4', '5', '6', '7',
                                        '8', '9', 'a', 'b', 'c', 'd', 'e', 'f');
  const __m128i nibble = _mm_set1_epi8 (0x0f);
  __m128i high_digits, low_digits, hex_low, hex_high, shown, text;

  if (G_LIKELY (offset <= G_MAXUINT32))
    {
      /* Big-endian, so that the most significant byte comes first. */
      __m128i x = _mm_cvtsi32_si128 ((int) GUINT32_TO_BE ((guint32) offset));

      high_digits = _mm_shuffle_epi8 (digits, _mm_and_si128 (_mm_srli_epi16 (x, 4), nibble));
      low_digits = _mm_shuffle_epi8 (digits, _mm_and_si128 (x, nibble));
      _mm_storel_epi64 ((__m128i *) o, _mm_unpacklo_epi8 (high_digits, low_digits));
      o += 8;
    }
  else
    o = put_offset (o, offset);

  high_digits = _mm_shuffle_epi8 (digits, _mm_and_si128 (_mm_srli_epi16 (v, 4), nibble));
  low_digits = _mm_shuffle_epi8 (digits, _mm_and_si128 (v, nibble));
  hex_low = _mm_unpacklo_epi8 (high_digits, low_digits);
  hex_high = _mm_unpackhi_epi8 (high_digits, low_digits);

#pragma GCC unroll 4
  for (guint k = 0; k < n_chunks; k++)
    {
      __m128i chunk = load_128 (tables->fixed[k]);

      if (chunk_has_digits (layout, 0, k))
        chunk = _mm_or_si128 (chunk, _mm_shuffle_epi8 (hex_low, load_128 (tables->from_low[k])));
      if (chunk_has_digits (layout, 8, k))
        chunk = _mm_or_si128 (chunk, _mm_shuffle_epi8 (hex_high, load_128 (tables->from_high[k])));
      store_128 (o + 16 * k, chunk);
    }

  /* Bytes 0x20 to 0x7e become 0x21 to 0x7f, the only ones above 0x20 as signed bytes
   * (0x7f becomes -128, 0xff wraps to 0). The text column overwrites the surplus of
   * the last chunk. */
  shown = _mm_cmpgt_epi8 (_mm_add_epi8 (v, _mm_set1_epi8 (1)), _mm_set1_epi8 (0x20));
  text = _mm_or_si128 (_mm_and_si128 (shown, v),
                       _mm_andnot_si128 (shown, _mm_set1_epi8 ('.')));
  store_128 (o + layout->ascii_at, text);
  o += layout->ascii_at + BYTES_PER_LINE;
  memcpy (o, layout->tail, layout->tail_length);
  return o + layout->tail_length;
}

/* Where the SIMD loops are between lines: the next line's offset and, for hexdump, the
 * line printed last and whether a `*` stands for the lines after it. */
typedef struct
{
  guint64 offset;
  __m128i previous;
  gboolean have_previous;
  gboolean squeezing;
} LineState;

SSSE3_FUNCTION static inline LineState
load_state (ShmlensHexFormatter *self)
{
  LineState state = {
    .offset = self->line_offset,
    .previous = load_128 (self->previous),
    .have_previous = self->have_previous,
    .squeezing = self->squeezing,
  };

  return state;
}

SSSE3_FUNCTION static inline void
save_state (ShmlensHexFormatter *self,
            const LineState     *state)
{
  self->line_offset = state->offset;
  store_128 (self->previous, state->previous);
  self->have_previous = state->have_previous;
  self->squeezing = state->squeezing;
}

SSSE3_FUNCTION static inline gboolean
same_line (__m128i a,
           __m128i b)
{
  return _mm_movemask_epi8 (_mm_cmpeq_epi8 (a, b)) == 0xffff;
}

/* One full line, or for hexdump the `*` or nothing that stands for it. */
SSSE3_FUNCTION G_ALWAYS_INLINE static inline char *
step_line_ssse3 (ShmlensHexFormat  format,
                 LineState        *state,
                 char             *o,
                 __m128i           v)
{
  if (format == SHMLENS_HEX_FORMAT_HEXDUMP)
    {
      if (state->have_previous && same_line (v, state->previous))
        {
          if (!state->squeezing)
            {
              *o++ = '*';
              *o++ = '\n';
              state->squeezing = TRUE;
            }
          state->offset += BYTES_PER_LINE;
          return o;
        }
      state->previous = v;
      state->have_previous = TRUE;
      state->squeezing = FALSE;
    }

  o = put_line_ssse3 (format, o, state->offset, v);
  state->offset += BYTES_PER_LINE;
  return o;
}

SSSE3_FUNCTION G_ALWAYS_INLINE static inline char *
put_lines_one_by_one (ShmlensHexFormat   format,
                      LineState         *state,
                      char              *o,
                      const guint8     **data,
                      const guint8      *end)
{
  const guint8 *p = *data;

  for (; end - p >= BYTES_PER_LINE; p += BYTES_PER_LINE)
    o = step_line_ssse3 (format, state, o, load_128 (p));

  *data = p;
  return o;
}

SSSE3_FUNCTION static char *
put_lines_ssse3 (ShmlensHexFormatter  *self,
                 char                 *o,
                 const guint8        **data,
                 const guint8         *end)
{
  LineState state = load_state (self);

  /* Two calls with constant formats: two specialized loops. */
  if (self->format == SHMLENS_HEX_FORMAT_XXD)
    o = put_lines_one_by_one (SHMLENS_HEX_FORMAT_XXD, &state, o, data, end);
  else
    o = put_lines_one_by_one (SHMLENS_HEX_FORMAT_HEXDUMP, &state, o, data, end);

  save_state (self, &state);
  return o;
}

AVX2_FUNCTION static inline __m256i
load_128_twice (const void *p)
{
  return _mm256_broadcastsi128_si256 (load_128 (p));
}

/* Two lines at once, one in each 128-bit lane; pshufb works within lanes, so the
 * SSSE3 shuffle tables serve both. Both offsets must have eight digits. */
AVX2_FUNCTION G_ALWAYS_INLINE static inline char *
put_two_lines_avx2 (ShmlensHexFormat  format,
                    char             *o,
                    guint64           offset,
                    __m256i           v)
{
  const Layout *layout = &layouts[format];
  const ShuffleTables *tables = &shuffle_tables[format];
  const guint n_chunks = (layout->ascii_at + 15) / 16;
  const gsize line_length = 8 + layout->ascii_at + BYTES_PER_LINE + layout->tail_length;
  const __m256i digits = _mm256_setr_epi8 ('0', '1', '2', '3', '4', '5', '6', '7',
                                           '8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
                                           '0', '1', '2', '3', '4', '5', '6', '7',
                                           '8', '9', 'a', 'b', 'c', 'd', 'e', 'f');
  const __m256i nibble = _mm256_set1_epi8 (0x0f);
  const __m128i digits_128 = _mm256_castsi256_si128 (digits);
  const __m128i nibble_128 = _mm256_castsi256_si128 (nibble);
  char *second = o + line_length;
  __m128i x, offsets;
  __m256i high_digits, low_digits, hex_low, hex_high, shown, text;

  g_assert (offset <= G_MAXUINT32 - BYTES_PER_LINE);

  /* Both offsets in one go: big-endian, the first line's in bytes 0–3, the second's
   * in bytes 4–7; their digits come out as two runs of eight. */
  x = _mm_set_epi32 (0, 0, (int) GUINT32_TO_BE ((guint32) (offset + BYTES_PER_LINE)),
                     (int) GUINT32_TO_BE ((guint32) offset));
  offsets = _mm_unpacklo_epi8 (_mm_shuffle_epi8 (digits_128, _mm_and_si128 (_mm_srli_epi16 (x, 4),
                                                                           nibble_128)),
                               _mm_shuffle_epi8 (digits_128, _mm_and_si128 (x, nibble_128)));
  _mm_storel_epi64 ((__m128i *) o, offsets);
  _mm_storel_epi64 ((__m128i *) second, _mm_unpackhi_epi64 (offsets, offsets));
  o += 8;
  second += 8;

  high_digits = _mm256_shuffle_epi8 (digits,
                                     _mm256_and_si256 (_mm256_srli_epi16 (v, 4), nibble));
  low_digits = _mm256_shuffle_epi8 (digits, _mm256_and_si256 (v, nibble));
  hex_low = _mm256_unpacklo_epi8 (high_digits, low_digits);
  hex_high = _mm256_unpackhi_epi8 (high_digits, low_digits);

#pragma GCC unroll 4
  for (guint k = 0; k < n_chunks; k++)
    {
      __m256i chunk = load_128_twice (tables->fixed[k]);
      __m256i from_low = load_128_twice (tables->from_low[k]);
      __m256i from_high = load_128_twice (tables->from_high[k]);

      if (chunk_has_digits (layout, 0, k))
        chunk = _mm256_or_si256 (chunk, _mm256_shuffle_epi8 (hex_low, from_low));
      if (chunk_has_digits (layout, 8, k))
        chunk = _mm256_or_si256 (chunk, _mm256_shuffle_epi8 (hex_high, from_high));
      store_128 (o + 16 * k, _mm256_castsi256_si128 (chunk));
      store_128 (second + 16 * k, _mm256_extracti128_si256 (chunk, 1));
    }

  shown = _mm256_cmpgt_epi8 (_mm256_add_epi8 (v, _mm256_set1_epi8 (1)), _mm256_set1_epi8 (0x20));
  text = _mm256_blendv_epi8 (_mm256_set1_epi8 ('.'), v, shown);
  store_128 (o + layout->ascii_at, _mm256_castsi256_si128 (text));
  store_128 (second + layout->ascii_at, _mm256_extracti128_si256 (text, 1));
  memcpy (o + layout->ascii_at + BYTES_PER_LINE, layout->tail, layout->tail_length);
  memcpy (second + layout->ascii_at + BYTES_PER_LINE, layout->tail, layout->tail_length);
  return second + layout->ascii_at + BYTES_PER_LINE + layout->tail_length;
}

AVX2_FUNCTION G_ALWAYS_INLINE static inline char *
put_line_pairs (ShmlensHexFormat   format,
                LineState         *state,
                char              *o,
                const guint8     **data,
                const guint8      *end)
{
  const guint8 *p = *data;

  for (; end - p >= 2 * BYTES_PER_LINE; p += 2 * BYTES_PER_LINE)
    {
      __m256i v = _mm256_loadu_si256 ((const __m256i *) p);
      __m128i first = _mm256_castsi256_si128 (v);
      __m128i second = _mm256_extracti128_si256 (v, 1);

      /* Squeezing and wide offsets are rare: take those pairs one line at a time. */
      if (state->offset > G_MAXUINT32 - BYTES_PER_LINE ||
          (format == SHMLENS_HEX_FORMAT_HEXDUMP &&
           ((state->have_previous && same_line (first, state->previous)) ||
            same_line (first, second))))
        {
          o = step_line_ssse3 (format, state, o, first);
          o = step_line_ssse3 (format, state, o, second);
          continue;
        }

      o = put_two_lines_avx2 (format, o, state->offset, v);
      state->offset += 2 * BYTES_PER_LINE;
      if (format == SHMLENS_HEX_FORMAT_HEXDUMP)
        {
          state->previous = second;
          state->have_previous = TRUE;
          state->squeezing = FALSE;
        }
    }

  *data = p;
  return put_lines_one_by_one (format, state, o, data, end);
}

AVX2_FUNCTION static char *
put_lines_avx2 (ShmlensHexFormatter  *self,
                char                 *o,
                const guint8        **data,
                const guint8         *end)
{
  LineState state = load_state (self);

  if (self->format == SHMLENS_HEX_FORMAT_XXD)
    o = put_line_pairs (SHMLENS_HEX_FORMAT_XXD, &state, o, data, end);
  else
    o = put_line_pairs (SHMLENS_HEX_FORMAT_HEXDUMP, &state, o, data, end);

  save_state (self, &state);
  return o;
}

#endif

/* The fastest code this CPU runs. SHMLENS_HEXFMT_KERNEL=portable or =ssse3 asks for
 * less, so that the tests can compare every kernel with the peers. */
static Kernel
choose_kernel (void)
{
  const char *wanted = g_getenv ("SHMLENS_HEXFMT_KERNEL");
  Kernel best = KERNEL_PORTABLE;

#ifdef HAVE_SIMD_KERNELS
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      for (guint f = 0; f < G_N_ELEMENTS (layouts); f++)
        build_shuffle_tables (&layouts[f], &shuffle_tables[f]);
      g_once_init_leave (&initialized, 1);
    }

  if (__builtin_cpu_supports ("avx2"))
    best = KERNEL_AVX2;
  else if (__builtin_cpu_supports ("ssse3"))
    best = KERNEL_SSSE3;
#endif

  if (g_strcmp0 (wanted, "portable") == 0)
    return KERNEL_PORTABLE;
  if (g_strcmp0 (wanted, "ssse3") == 0)
    return MIN (best, KERNEL_SSSE3);
  return best;
}

/**
 * shmlens_hex_formatter_new:
 * @format: the layout to write
 * @start_offset: the offset of the first byte that will be fed, as printed in the
 *   first line (what the peers print for `-s`)
 *
 * Creates a formatter that turns a stream of bytes, fed in chunks of any size, into
 * the exact text the peer named by @format prints for the same bytes.
 *
 * Returns: (transfer full): a new formatter; free it with shmlens_hex_formatter_free()
 */
ShmlensHexFormatter *
shmlens_hex_formatter_new (ShmlensHexFormat format,
                           guint64          start_offset)
{
  ShmlensHexFormatter *self;

  g_return_val_if_fail (format == SHMLENS_HEX_FORMAT_HEXDUMP ||
                        format == SHMLENS_HEX_FORMAT_XXD, NULL);

  self = g_new0 (ShmlensHexFormatter, 1);
  self->format = format;
  self->layout = &layouts[format];
  self->kernel = choose_kernel ();
  self->line_offset = start_offset;
  return self;
}

/**
 * shmlens_hex_formatter_free:
 * @self: (nullable): a formatter
 *
 * Frees @self. Text of a line that was not finished is lost.
 */
void
shmlens_hex_formatter_free (ShmlensHexFormatter *self)
{
  g_free (self);
}

/**
 * shmlens_hex_formatter_max_output:
 * @length: a number of input bytes
 *
 * The most text that shmlens_hex_formatter_feed() writes for @length bytes, in either
 * format and whatever was fed before. It also covers a following
 * shmlens_hex_formatter_finish(); `shmlens_hex_formatter_max_output (0)` covers
 * shmlens_hex_formatter_finish() alone.
 *
 * Returns: a size in bytes for the output buffer
 */
gsize
shmlens_hex_formatter_max_output (gsize length)
{
  g_return_val_if_fail (length <= G_MAXSIZE / 16, G_MAXSIZE);

  /* A feed completes at most length / 16 + 1 lines; finish writes a short line and
   * the end offset, which together fit in one more LINE_ROOM. */
  return (length / BYTES_PER_LINE + 2) * LINE_ROOM;
}

/**
 * shmlens_hex_formatter_feed:
 * @self: a formatter
 * @data: (array length=length): the next bytes of the stream
 * @length: the number of bytes in @data
 * @out: where to write the text; it must have room for
 *   `shmlens_hex_formatter_max_output (length)` bytes
 *
 * Formats every line that @data completes and keeps the rest for the next call, so
 * the text does not depend on how the stream is cut into chunks. Nothing is
 * nul-terminated.
 *
 * Returns: the number of bytes written to @out
 */
gsize
shmlens_hex_formatter_feed (ShmlensHexFormatter *self,
                            const guint8        *data,
                            gsize                length,
                            char                *out)
{
  const guint8 *p = data;
  const guint8 *end;
  char *o = out;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (data != NULL || length == 0, 0);
  g_return_val_if_fail (out != NULL, 0);
  g_return_val_if_fail (!self->finished, 0);

  /* data may be NULL here, and NULL + 0 is undefined */
  if (length == 0)
    return 0;
  end = data + length;

  if (self->n_pending > 0)
    {
      gsize n = MIN ((gsize) (BYTES_PER_LINE - self->n_pending), length);
      const guint8 *line = self->pending;

      memcpy (self->pending + self->n_pending, p, n);
      self->n_pending += n;
      p += n;
      if (self->n_pending < BYTES_PER_LINE)
        return 0;
      o = put_lines_portable (self, o, &line, self->pending + BYTES_PER_LINE);
      self->n_pending = 0;
    }

#ifdef HAVE_SIMD_KERNELS
  if (self->kernel == KERNEL_AVX2)
    o = put_lines_avx2 (self, o, &p, end);
  else if (self->kernel == KERNEL_SSSE3)
    o = put_lines_ssse3 (self, o, &p, end);
#endif
  /* What the SIMD code left, if anything, and everything on other CPUs. */
  o = put_lines_portable (self, o, &p, end);

  memcpy (self->pending, p, end - p);
  self->n_pending = end - p;

  g_assert ((gsize) (o - out) <= shmlens_hex_formatter_max_output (length));
  return o - out;
}

/**
 * shmlens_hex_formatter_finish:
 * @self: a formatter
 * @out: where to write the text; it must have room for
 *   `shmlens_hex_formatter_max_output (0)` bytes
 *
 * Writes the short last line, if any, and for %SHMLENS_HEX_FORMAT_HEXDUMP the line
 * with the end offset. Nothing can be fed afterwards.
 *
 * Returns: the number of bytes written to @out
 */
gsize
shmlens_hex_formatter_finish (ShmlensHexFormatter *self,
                              char                *out)
{
  guint64 end_offset;
  char *o = out;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (out != NULL, 0);
  g_return_val_if_fail (!self->finished, 0);

  self->finished = TRUE;
  end_offset = self->line_offset + self->n_pending;
  if (self->n_pending > 0)
    o = put_line (self->layout, o, self->line_offset, self->pending, self->n_pending);

  /* hexdump prints no end offset when there is nothing to show at all. */
  if (self->format == SHMLENS_HEX_FORMAT_HEXDUMP && end_offset != 0)
    {
      o = put_offset (o, end_offset);
      *o++ = '\n';
    }

  self->line_offset = end_offset;
  self->n_pending = 0;
  return o - out;
}

/**
 * shmlens_hex_formatter_feed_string:
 * @self: a formatter
 * @data: (array length=length): the next bytes of the stream
 * @length: the number of bytes in @data
 * @out: the string to append the text to
 *
 * Like shmlens_hex_formatter_feed(), but appends to a #GString.
 */
void
shmlens_hex_formatter_feed_string (ShmlensHexFormatter *self,
                                   const guint8        *data,
                                   gsize                length,
                                   GString             *out)
{
  gsize old_length;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  old_length = out->len;
  g_string_set_size (out, old_length + shmlens_hex_formatter_max_output (length));
  g_string_truncate (out, old_length + shmlens_hex_formatter_feed (self, data, length,
                                                                   out->str + old_length));
}

/**
 * shmlens_hex_formatter_finish_string:
 * @self: a formatter
 * @out: the string to append the text to
 *
 * Like shmlens_hex_formatter_finish(), but appends to a #GString.
 */
void
shmlens_hex_formatter_finish_string (ShmlensHexFormatter *self,
                                     GString             *out)
{
  gsize old_length;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  old_length = out->len;
  g_string_set_size (out, old_length + shmlens_hex_formatter_max_output (0));
  g_string_truncate (out, old_length + shmlens_hex_formatter_finish (self,
                                                                     out->str + old_length));
}

/**
 * shmlens_hex_formatter_get_offset:
 * @self: a formatter
 *
 * The offset the next byte fed would have: the start offset plus every byte fed so
 * far.
 *
 * Returns: an offset
 */
guint64
shmlens_hex_formatter_get_offset (ShmlensHexFormatter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->line_offset + self->n_pending;
}
