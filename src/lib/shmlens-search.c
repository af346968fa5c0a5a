/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-search.c: finds a byte pattern in a segment, chunk by chunk, skipping holes.
 *
 * The segment is read in chunks that overlap by the pattern's length minus one, so a
 * match that straddles two chunks is still found, and memory stays one chunk whatever
 * the segment's size. Holes read as zeros: a pattern with at least one non-zero byte
 * cannot lie wholly in a hole, so extents without data are skipped without reading
 * them, and a sparse 64 GiB segment is searched as fast as the data it holds. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "shmlens-escape.h"
#include "shmlens-search.h"

/* Big enough that one read costs far more than the system call, small enough that
 * cancellation is noticed within a few milliseconds. */
#define CHUNK_SIZE ((gsize) 1 << 20)

static gboolean
is_all_zero (const guint8 *bytes,
             gsize         length)
{
  for (gsize i = 0; i < length; i++)
    if (bytes[i] != 0)
      return FALSE;
  return TRUE;
}

static void
reverse (guint8 *bytes,
         gsize   length)
{
  for (gsize i = 0, j = length; i + 1 < j; i++, j--)
    {
      guint8 swap = bytes[i];
      bytes[i] = bytes[j - 1];
      bytes[j - 1] = swap;
    }
}

static gboolean
set_not_found (gsize    length,
               GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               /* Translators: the length of the bytes searched for */
               g_dngettext (GETTEXT_PACKAGE, "The pattern (%zu byte) does not occur there",
                            "The pattern (%zu bytes) does not occur there", length),
               length);
  return FALSE;
}

static gboolean
find_forward (ShmlensReader  *reader,
              const guint8   *pattern,
              gsize           length,
              guint64         from,
              gboolean        skip_holes,
              GCancellable   *cancellable,
              guint64        *found_at,
              GError        **error)
{
  guint64 size = shmlens_reader_get_size (reader);
  gsize span = CHUNK_SIZE + length - 1;
  g_autofree guint8 *buffer = g_malloc (span);
  guint64 position = from;

  /* position is the first candidate start not yet ruled out. */
  while (position < size && size - position >= length)
    {
      const guint8 *hit;
      gsize wanted;
      gssize got;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (skip_holes)
        {
          guint64 data_start, data_end;

          if (!shmlens_reader_find_data (reader, position, &data_start, &data_end))
            break;
          /* Candidates that end before the data starts are all zeros. */
          if (data_start - position >= length)
            position = data_start - (length - 1);
        }

      wanted = (gsize) MIN ((guint64) span, size - position);
      got = shmlens_reader_read (reader, position, buffer, wanted, error);
      if (got < 0)
        return FALSE;
      if ((gsize) got < length)
        break;

      hit = memmem (buffer, got, pattern, length);
      if (hit != NULL)
        {
          *found_at = position + (guint64) (hit - buffer);
          return TRUE;
        }
      /* A short read means the segment ended early: it was truncated. */
      if ((gsize) got < wanted)
        break;
      position += (gsize) got - (length - 1);
    }

  return set_not_found (length, error);
}

static gboolean
find_backward (ShmlensReader  *reader,
               const guint8   *pattern,
               gsize           length,
               guint64         from,
               gboolean        skip_holes,
               GCancellable   *cancellable,
               guint64        *found_at,
               GError        **error)
{
  guint64 size = shmlens_reader_get_size (reader);
  gsize span = CHUNK_SIZE + length - 1;
  g_autofree guint8 *buffer = NULL;
  g_autofree guint8 *reversed_pattern = NULL;
  guint64 end;

  if (size < length)
    return set_not_found (length, error);

  /* The last occurrence in a chunk is the first occurrence of the reversed pattern in
   * the reversed chunk, which memmem() finds in linear time. */
  buffer = g_malloc (span);
  reversed_pattern = g_memdup2 (pattern, length);
  reverse (reversed_pattern, length);

  /* end is one past the last byte of the last candidate not yet ruled out. */
  end = MIN (from, size - length) + length;
  for (;;)
    {
      guint64 begin = end > span ? end - span : 0;
      const guint8 *hit;
      gssize got;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (skip_holes)
        {
          guint64 data_start, data_end;

          if (!shmlens_reader_find_data (reader, begin, &data_start, &data_end) ||
              data_start >= end)
            goto next;
        }

      got = shmlens_reader_read (reader, begin, buffer, end - begin, error);
      if (got < 0)
        return FALSE;
      if ((gsize) got >= length)
        {
          reverse (buffer, got);
          hit = memmem (buffer, got, reversed_pattern, length);
          if (hit != NULL)
            {
              *found_at = begin + ((gsize) got - (gsize) (hit - buffer) - length);
              return TRUE;
            }
        }

    next:
      if (begin == 0)
        break;
      end = begin + length - 1;
    }

  return set_not_found (length, error);
}

/**
 * shmlens_search_find:
 * @reader: the reader of the segment to search
 * @pattern: (array length=length): the bytes to find
 * @length: how many bytes @pattern has, at least 1
 * @from: forwards, the first offset where a match may start; backwards, the last
 *   (offsets past the end are clamped to it)
 * @backwards: whether to look for the last match at or before @from instead of the
 *   first at or after it
 * @cancellable: (nullable): cancels the search between two chunks
 * @found_at: (out): where the match starts
 * @error: return location for an error
 *
 * Finds @pattern in the segment as it is now, reading it in chunks of 1 MiB that
 * overlap so that matches across chunk boundaries are found. Holes are skipped
 * without being read unless the pattern is all zeros. Memory use does not depend on
 * the segment's size; the time is that of reading the data between @from and the
 * match. Safe to call from a worker thread while the reader is used elsewhere, as
 * long as it is not closed meanwhile.
 *
 * Returns: %TRUE when found; %FALSE with @error set to %G_IO_ERROR_NOT_FOUND when the
 *   pattern does not occur in that direction, %G_IO_ERROR_CANCELLED, or the error of
 *   a failed read
 */
gboolean
shmlens_search_find (ShmlensReader  *reader,
                     const guint8   *pattern,
                     gsize           length,
                     guint64         from,
                     gboolean        backwards,
                     GCancellable   *cancellable,
                     guint64        *found_at,
                     GError        **error)
{
  gboolean skip_holes;

  g_return_val_if_fail (SHMLENS_IS_READER (reader), FALSE);
  g_return_val_if_fail (pattern != NULL, FALSE);
  g_return_val_if_fail (length > 0 && length <= G_MAXSIZE - CHUNK_SIZE, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (found_at != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  skip_holes = !is_all_zero (pattern, length);
  if (backwards)
    return find_backward (reader, pattern, length, from, skip_holes, cancellable,
                          found_at, error);
  return find_forward (reader, pattern, length, from, skip_holes, cancellable,
                       found_at, error);
}

static gboolean
is_separator (char c)
{
  return g_ascii_isspace (c) || c == ',' || c == ':' || c == ';' || c == '-' ||
         c == '{' || c == '}';
}

static gboolean
is_prefix (const char *p)
{
  return (p[0] == '0' || p[0] == '\\') && (p[1] == 'x' || p[1] == 'X');
}

static const char *
token_end (const char *p)
{
  while (*p != '\0' && !is_separator (*p))
    p++;
  return p;
}

/**
 * shmlens_search_parse_hex:
 * @text: bytes written in hexadecimal
 * @length: (out): how many bytes @text gives
 * @error: return location for an error
 *
 * Parses the bytes a user typed to search for. Digits are read as written, two per
 * byte, first byte first: `de ad be ef`, `deadbeef`, `0xde 0xad`, `0xdeadbeef`,
 * `\xde\xad`, `de:ad:be:ef` and `{ 0xde, 0xad }` all give the bytes de ad be ef (a
 * `0x` token is a byte sequence, not a number in the machine's byte order). A token
 * of a single digit is one byte: `0 1 a` gives 00 01 0a. Spaces, tabs, commas,
 * colons, semicolons, dashes and braces separate tokens.
 *
 * Returns: (transfer full) (array length=length): the bytes, or %NULL with @error
 *   set (%G_IO_ERROR_INVALID_ARGUMENT) naming what is wrong and where
 */
guint8 *
shmlens_search_parse_hex (const char  *text,
                          gsize       *length,
                          GError     **error)
{
  g_autoptr(GByteArray) bytes = NULL;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (length != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = g_byte_array_new ();
  p = text;
  while (*p != '\0')
    {
      const char *token = p;
      const char *digits;
      gsize n_digits;

      if (is_separator (*p))
        {
          p++;
          continue;
        }

      if (is_prefix (p))
        p += 2;
      digits = p;
      while (g_ascii_isxdigit (*p))
        p++;
      n_digits = p - digits;

      if (*p != '\0' && !is_separator (*p) && !is_prefix (p))
        {
          const char *bad_end = g_utf8_next_char (p);
          g_autofree char *bad = shmlens_escape (p, bad_end - p);
          g_autofree char *word = shmlens_escape (token, token_end (token) - token);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       /* Translators: a character, and the word typed it is in */
                       _("“%s” in “%s” is not a hex digit: use 0–9 and a–f, such as “de ad be "
                         "ef”"), bad, word);
          return NULL;
        }
      if (n_digits == 0)
        {
          g_autofree char *word = shmlens_escape (token, p - token);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       /* Translators: %s is a word typed, such as “0x” */
                       _("“%s” has no hex digits after it"), word);
          return NULL;
        }
      if (n_digits % 2 != 0 && n_digits > 1)
        {
          g_autofree char *word = shmlens_escape (token, p - token);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       /* Translators: a word typed, and how many hex digits it has */
                       _("“%s” has an odd number of hex digits (%zu): write each byte as two "
                         "digits, such as “0a”"), word, n_digits);
          return NULL;
        }

      if (n_digits == 1)
        {
          guint8 byte = (guint8) g_ascii_xdigit_value (digits[0]);
          g_byte_array_append (bytes, &byte, 1);
        }
      else
        for (gsize i = 0; i < n_digits; i += 2)
          {
            guint8 byte = (guint8) (g_ascii_xdigit_value (digits[i]) << 4 |
                                    g_ascii_xdigit_value (digits[i + 1]));
            g_byte_array_append (bytes, &byte, 1);
          }
    }

  if (bytes->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("No bytes given: write them in hex, such as “de ad be ef”"));
      return NULL;
    }

  *length = bytes->len;
  return g_byte_array_free (g_steal_pointer (&bytes), FALSE);
}
