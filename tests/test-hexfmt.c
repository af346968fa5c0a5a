/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hexfmt.c: the hex formatter against the real `hexdump -C` and `xxd`. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "shmlens-hexfmt.h"
#include "shmlens-test-util.h"

/* Set in the environment, it makes new formatters use less than the fastest code the
 * CPU runs. Every comparison runs every kernel (those the CPU lacks fall back to the
 * best it has). */
#define KERNEL_ENV "SHMLENS_HEXFMT_KERNEL"

static const char *const kernels[] = { "portable", "ssse3", "avx2" };

/* Bytes past the promised bound that must stay untouched. */
#define GUARD_SIZE 64
#define GUARD_BYTE 0xa5

#define NO_LIMIT (-1)

static const gsize chunk_sizes[] = { 1, 7, 16, 4097 };

static char *tmp_dir;

static const char *
format_name (ShmlensHexFormat format)
{
  return format == SHMLENS_HEX_FORMAT_HEXDUMP ? "hexdump -C" : "xxd";
}

static void
assert_guard_intact (const char *buffer,
                     gsize       room)
{
  for (gsize i = 0; i < GUARD_SIZE; i++)
    if ((guint8) buffer[room + i] != GUARD_BYTE)
      g_error ("the formatter wrote past the bound of %" G_GSIZE_FORMAT " bytes", room);
}

/* A formatter that uses @kernel, or the best the CPU has short of it. */
static ShmlensHexFormatter *
new_formatter (ShmlensHexFormat  format,
               guint64           start_offset,
               const char       *kernel)
{
  ShmlensHexFormatter *formatter;

  g_setenv (KERNEL_ENV, kernel, TRUE);
  formatter = shmlens_hex_formatter_new (format, start_offset);
  g_unsetenv (KERNEL_ENV);
  return formatter;
}

/* Formats @length bytes fed in pieces of @chunk bytes (0: all at once), through the
 * caller-buffer API, and checks on every call that the text fits the promised bound. */
static GString *
format_bytes (ShmlensHexFormat  format,
              guint64           start_offset,
              const guint8     *data,
              gsize             length,
              gsize             chunk,
              const char       *kernel)
{
  g_autoptr(ShmlensHexFormatter) formatter = new_formatter (format, start_offset, kernel);
  GString *text = g_string_new (NULL);
  gsize step = chunk == 0 ? MAX (length, 1) : chunk;
  gsize room = shmlens_hex_formatter_max_output (step);
  g_autofree char *buffer = g_malloc (room + GUARD_SIZE);
  gsize n;

  memset (buffer + room, GUARD_BYTE, GUARD_SIZE);
  for (gsize done = 0; done < length; done += step)
    {
      gsize piece = MIN (step, length - done);

      n = shmlens_hex_formatter_feed (formatter, data + done, piece, buffer);
      g_assert_cmpuint (n, <=, shmlens_hex_formatter_max_output (piece));
      assert_guard_intact (buffer, room);
      g_string_append_len (text, buffer, n);
      g_assert_cmpuint (shmlens_hex_formatter_get_offset (formatter), ==,
                        start_offset + done + piece);
    }

  n = shmlens_hex_formatter_finish (formatter, buffer);
  g_assert_cmpuint (n, <=, shmlens_hex_formatter_max_output (0));
  assert_guard_intact (buffer, room);
  g_string_append_len (text, buffer, n);
  g_assert_cmpuint (shmlens_hex_formatter_get_offset (formatter), ==, start_offset + length);
  return text;
}

/* The same through the GString API, all at once. */
static GString *
format_bytes_to_string (ShmlensHexFormat  format,
                        guint64           start_offset,
                        const guint8     *data,
                        gsize             length)
{
  g_autoptr(ShmlensHexFormatter) formatter = shmlens_hex_formatter_new (format, start_offset);
  GString *text = g_string_new ("kept|");

  shmlens_hex_formatter_feed_string (formatter, data, length, text);
  shmlens_hex_formatter_finish_string (formatter, text);
  g_assert_true (g_str_has_prefix (text->str, "kept|"));
  g_string_erase (text, 0, strlen ("kept|"));
  g_assert_cmpuint (strlen (text->str), ==, text->len);
  return text;
}

/* Fails with the first line that differs rather than with megabytes of text. */
static void
assert_same_text (const char *what,
                  const char *expected,
                  gsize       expected_length,
                  const char *actual,
                  gsize       actual_length)
{
  gsize i = 0;
  gsize line_start;
  g_autofree char *expected_line = NULL;
  g_autofree char *actual_line = NULL;

  if (expected_length == actual_length && memcmp (expected, actual, actual_length) == 0)
    return;

  while (i < expected_length && i < actual_length && expected[i] == actual[i])
    i++;
  line_start = i;
  while (line_start > 0 && expected[line_start - 1] != '\n')
    line_start--;
  expected_line = g_strndup (expected + line_start,
                             strcspn (expected + line_start, "\n"));
  actual_line = g_strndup (actual + line_start, strcspn (actual + line_start, "\n"));
  g_test_message ("%s: the texts differ at byte %" G_GSIZE_FORMAT " (lengths %" G_GSIZE_FORMAT
                  " and %" G_GSIZE_FORMAT ")", what, i, expected_length, actual_length);
  g_assert_cmpstr (actual_line, ==, expected_line);
  g_assert_cmpuint (actual_length, ==, expected_length);
  g_assert_not_reached ();
}

/* Runs the peer on a file, as the command line `hexdump -C -s N -n L FILE` would. */
static GBytes *
run_peer (ShmlensHexFormat  format,
          const char       *path,
          gint64            offset,
          gint64            length)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "LC_ALL", "C", TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *program = NULL;
  char *out = NULL;
  char *err = NULL;
  int status = 0;

  program = g_find_program_in_path (format == SHMLENS_HEX_FORMAT_HEXDUMP ? "hexdump" : "xxd");
  if (program == NULL)
    g_error ("%s is not installed; the tests need it as a peer (packages bsdextrautils "
             "and xxd)", format_name (format));

  g_ptr_array_add (argv, g_strdup (program));
  if (format == SHMLENS_HEX_FORMAT_HEXDUMP)
    g_ptr_array_add (argv, g_strdup ("-C"));
  if (offset != NO_LIMIT)
    {
      g_ptr_array_add (argv, g_strdup ("-s"));
      g_ptr_array_add (argv, g_strdup_printf ("%" G_GINT64_FORMAT, offset));
    }
  if (length != NO_LIMIT)
    {
      g_ptr_array_add (argv, g_strdup (format == SHMLENS_HEX_FORMAT_HEXDUMP ? "-n" : "-l"));
      g_ptr_array_add (argv, g_strdup_printf ("%" G_GINT64_FORMAT, length));
    }
  g_ptr_array_add (argv, g_strdup (path));
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", format_name (format), error->message, err);
  g_free (err);
  return g_bytes_new_take (out, strlen (out));
}

/* Compares the formatter with the peer on the file @path of @size bytes, for `-s
 * @offset -n @length` (NO_LIMIT: option not given), fed at once and in pieces of every
 * size in chunk_sizes, through every kernel. @data holds the file's bytes from
 * @data_offset to its end. Returns the peer's text. */
static GBytes *
check_against_peer_at (ShmlensHexFormat  format,
                       const char       *path,
                       guint64           size,
                       const guint8     *data,
                       guint64           data_offset,
                       gint64            offset,
                       gint64            length)
{
  g_autoptr(GBytes) expected = run_peer (format, path, offset, length);
  g_autoptr(GString) whole = NULL;
  gsize expected_length;
  const char *expected_text = g_bytes_get_data (expected, &expected_length);
  /* What the CLI feeds: the peers count an offset past the end as the end. */
  guint64 start = offset == NO_LIMIT ? 0 : MIN ((guint64) offset, size);
  gsize count = size - start;
  const guint8 *slice;

  g_assert_cmpuint (start, >=, data_offset);
  slice = data + (start - data_offset);
  if (length != NO_LIMIT)
    count = MIN (count, (guint64) length);
  /* Both peers print nothing at all for a length of 0; the CLI does not feed then. */
  if (length == 0)
    {
      g_assert_cmpuint (expected_length, ==, 0);
      return g_steal_pointer (&expected);
    }

  whole = format_bytes_to_string (format, start, slice, count);
  assert_same_text ("GString API, at once", expected_text, expected_length,
                    whole->str, whole->len);

  for (gsize k = 0; k < G_N_ELEMENTS (kernels); k++)
    {
      g_autoptr(GString) text = format_bytes (format, start, slice, count, 0, kernels[k]);
      g_autofree char *what = g_strdup_printf ("%s, at once", kernels[k]);

      assert_same_text (what, expected_text, expected_length, text->str, text->len);
      for (gsize c = 0; c < G_N_ELEMENTS (chunk_sizes); c++)
        {
          g_autofree char *pieces_what = g_strdup_printf ("%s, in pieces of %" G_GSIZE_FORMAT,
                                                          kernels[k], chunk_sizes[c]);
          g_autoptr(GString) pieces = format_bytes (format, start, slice, count,
                                                    chunk_sizes[c], kernels[k]);

          assert_same_text (pieces_what, expected_text, expected_length,
                            pieces->str, pieces->len);
        }
    }

  return g_steal_pointer (&expected);
}

static char *
write_temp_file (const guint8 *data,
                 gsize         size)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmp_dir, "input", NULL);

  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);
  return path;
}

/* The whole file, without -s and -n. Returns the peer's text for further checks. */
static GBytes *
check_against_peer (ShmlensHexFormat  format,
                    const guint8     *data,
                    gsize             size)
{
  g_autofree char *path = write_temp_file (data, size);
  GBytes *text = check_against_peer_at (format, path, size, data, 0, NO_LIMIT, NO_LIMIT);

  g_unlink (path);
  return text;
}

static gboolean
text_contains (GBytes     *text,
               const char *needle)
{
  gsize length;
  const char *data = g_bytes_get_data (text, &length);

  return g_strstr_len (data, length, needle) != NULL;
}

static guint
count_lines (GBytes *text)
{
  gsize length;
  const char *data = g_bytes_get_data (text, &length);
  guint n = 0;

  for (gsize i = 0; i < length; i++)
    n += data[i] == '\n';
  return n;
}

static void
fill_random (guint8 *data,
             gsize   size)
{
  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_test_rand_int_range (0, 256);
}

/* A pattern with printable and unprintable bytes (0x00, 0x1f, 0x7f, 0x80, 0xff). */
static void
fill_pattern (guint8 *data,
              gsize   size)
{
  static const guint8 pattern[] = "Shmlens\x00\x1f\x7f\x80\xff~ !0aZ\n\t";

  for (gsize i = 0; i < size; i++)
    data[i] = pattern[(i * 7 + i / 19) % (sizeof pattern - 1)];
}

#define FORMAT(data) ((ShmlensHexFormat) GPOINTER_TO_INT (data))

static void
test_empty (gconstpointer data)
{
  g_autoptr(GBytes) text = check_against_peer (FORMAT (data), (const guint8 *) "", 0);

  /* Neither peer prints anything, not even an end offset of 0. */
  g_assert_cmpuint (g_bytes_get_size (text), ==, 0);
}

static void
check_short_input (ShmlensHexFormat format,
                   gsize            size)
{
  g_autofree guint8 *bytes = g_malloc (size);
  g_autoptr(GBytes) text = NULL;

  fill_pattern (bytes, size);
  text = check_against_peer (format, bytes, size);
  /* hexdump adds the end offset line; a 17th byte starts a second line. */
  g_assert_cmpuint (count_lines (text), ==,
                    (size + 15) / 16 + (format == SHMLENS_HEX_FORMAT_HEXDUMP));
}

static void
test_one_byte (gconstpointer data)
{
  check_short_input (FORMAT (data), 1);
}

static void
test_fifteen_bytes (gconstpointer data)
{
  check_short_input (FORMAT (data), 15);
}

static void
test_sixteen_bytes (gconstpointer data)
{
  check_short_input (FORMAT (data), 16);
}

static void
test_seventeen_bytes (gconstpointer data)
{
  check_short_input (FORMAT (data), 17);
}

static void
test_all_byte_values (gconstpointer data)
{
  guint8 bytes[256];
  g_autoptr(GBytes) text = NULL;

  for (guint i = 0; i < 256; i++)
    bytes[i] = i;
  text = check_against_peer (FORMAT (data), bytes, sizeof bytes);
  if (FORMAT (data) == SHMLENS_HEX_FORMAT_HEXDUMP)
    g_assert_true (text_contains (text, "|0123456789:;<=>?|\n"));
  else
    g_assert_true (text_contains (text, "  0123456789:;<=>?\n"));

  /* Reversed, so that every value also meets the other half of the line. */
  for (guint i = 0; i < 256; i++)
    bytes[i] = 255 - i;
  g_bytes_unref (check_against_peer (FORMAT (data), bytes, sizeof bytes));
}

/* A line that differs, @repeats copies of one line, then @tail_lines other lines. */
static gsize
fill_repeated (guint8 *bytes,
               guint   repeats,
               guint   tail_lines)
{
  gsize size = 16 * (1 + repeats + tail_lines);

  fill_random (bytes, 16);
  for (guint r = 0; r < repeats; r++)
    memcpy (bytes + 16 * (1 + r), "repeated line!\x01\xfe", 16);
  fill_random (bytes + 16 * (1 + repeats), 16 * tail_lines);
  return size;
}

static void
test_squeeze_repeated_lines (gconstpointer data)
{
  ShmlensHexFormat format = FORMAT (data);
  g_autofree guint8 *bytes = g_malloc (16 * 1002);
  gsize size = fill_repeated (bytes, 1000, 1);
  g_autoptr(GBytes) text = check_against_peer (format, bytes, size);

  if (format == SHMLENS_HEX_FORMAT_HEXDUMP)
    {
      /* First line, one copy of the repeated line, `*`, last line, end offset. */
      g_assert_true (text_contains (text, "\n*\n"));
      g_assert_cmpuint (count_lines (text), ==, 5);
    }
  else
    g_assert_cmpuint (count_lines (text), ==, 1002);
}

static void
test_repeated_lines_at_end (gconstpointer data)
{
  ShmlensHexFormat format = FORMAT (data);
  g_autofree guint8 *bytes = g_malloc (16 * 101);
  gsize size = fill_repeated (bytes, 100, 0);
  g_autoptr(GBytes) text = check_against_peer (format, bytes, size);

  if (format == SHMLENS_HEX_FORMAT_HEXDUMP)
    {
      /* After the `*` comes the end offset: 101 lines of 16 bytes. */
      g_assert_true (text_contains (text, "\n*\n00000650\n"));
      g_assert_cmpuint (count_lines (text), ==, 4);
    }

  /* Zeros only, and zeros with a short last line, which is never squeezed. */
  memset (bytes, 0, 16 * 101);
  g_clear_pointer (&text, g_bytes_unref);
  text = check_against_peer (format, bytes, 16 * 101);
  g_clear_pointer (&text, g_bytes_unref);
  text = check_against_peer (format, bytes, 16 * 100 + 8);
  if (format == SHMLENS_HEX_FORMAT_HEXDUMP)
    g_assert_true (text_contains (text, "\n*\n00000640  00 00 00 00 00 00 00 00    "));
}

static void
test_squeeze_interrupted (gconstpointer data)
{
  ShmlensHexFormat format = FORMAT (data);
  const char *a = "AAAAAAAAAAAAAAAA";
  const char *b = "AAAAAAAAAAAAAAAB";
  /* A×5 B A×5 B B A A + short line: runs interrupted by a different line, runs of
   * the interrupting line itself, and a run of two. */
  const char *plan = "AAAAABAAAAABBAA";
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GBytes) text = NULL;

  for (const char *p = plan; *p != '\0'; p++)
    g_byte_array_append (bytes, (const guint8 *) (*p == 'A' ? a : b), 16);
  g_byte_array_append (bytes, (const guint8 *) "AAAA", 4);

  text = check_against_peer (format, bytes->data, bytes->len);
  if (format == SHMLENS_HEX_FORMAT_HEXDUMP)
    /* A * B A * B * A * short end: 11 lines. */
    g_assert_cmpuint (count_lines (text), ==, 11);
}

static void
test_odd_offsets_and_lengths (gconstpointer data)
{
  ShmlensHexFormat format = FORMAT (data);
  static const gint64 offsets[] = { 0, 1, 5, 15, 16, 17, 31, 255, 299 };
  static const gint64 lengths[] = { NO_LIMIT, 0, 1, 3, 15, 16, 17, 33, 250 };
  guint8 bytes[300];
  g_autofree char *path = NULL;

  fill_pattern (bytes, sizeof bytes);
  /* Repeated lines at an odd offset: squeezing compares lines as printed. */
  memset (bytes + 100, 'z', 80);
  path = write_temp_file (bytes, sizeof bytes);

  for (gsize i = 0; i < G_N_ELEMENTS (offsets); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (lengths); j++)
      {
        g_autoptr(GBytes) text = check_against_peer_at (format, path, sizeof bytes, bytes, 0,
                                                        offsets[i], lengths[j]);
        g_autofree char *first = g_strdup_printf ("%08" G_GINT64_MODIFIER "x",
                                                  offsets[i]);

        /* Offsets are absolute, not counted from the start of the dump. */
        if (lengths[j] != 0)
          g_assert_true (g_str_has_prefix (g_bytes_get_data (text, NULL), first));
      }
  g_unlink (path);
}

static void
test_length_past_end (gconstpointer data)
{
  ShmlensHexFormat format = FORMAT (data);
  guint8 bytes[100];
  g_autofree char *path = NULL;
  g_autoptr(GBytes) past = NULL;

  fill_pattern (bytes, sizeof bytes);
  path = write_temp_file (bytes, sizeof bytes);

  g_bytes_unref (check_against_peer_at (format, path, sizeof bytes, bytes, 0, 10, 10000));
  g_bytes_unref (check_against_peer_at (format, path, sizeof bytes, bytes, 0, 100, NO_LIMIT));
  g_bytes_unref (check_against_peer_at (format, path, sizeof bytes, bytes, 0, 100, 5));

  /* An offset past the end: hexdump prints the size as the end offset. */
  past = check_against_peer_at (format, path, sizeof bytes, bytes, 0, 150, 5);
  if (format == SHMLENS_HEX_FORMAT_HEXDUMP)
    g_assert_cmpmem (g_bytes_get_data (past, NULL), g_bytes_get_size (past), "00000064\n", 9);
  else
    g_assert_cmpuint (g_bytes_get_size (past), ==, 0);
  g_unlink (path);
}

static void
test_random_data (gconstpointer data)
{
  static const gsize sizes[] = { 100, 4096 + 7, 65536 + 3, 1024 * 1024 + 5 };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree guint8 *bytes = g_malloc (sizes[i]);

      fill_random (bytes, sizes[i]);
      g_bytes_unref (check_against_peer (FORMAT (data), bytes, sizes[i]));
    }
}

/* Offsets past 2^32 and near 2^62 take more than eight digits, and the width changes
 * within the dump. A sparse POSIX segment makes them cheap for the peers too. */
static void
test_large_offsets (gconstpointer data)
{
  ShmlensHexFormat format = FORMAT (data);
  static const guint64 places[] = { G_GUINT64_CONSTANT (0x100000000),
                                    G_GUINT64_CONSTANT (0x4000000000000000) };

  for (gsize i = 0; i < G_N_ELEMENTS (places); i++)
    {
      const char *message = "Offsets wider than eight digits!";
      gsize size = places[i] + 72;
      g_autofree char *name = shmlens_test_posix_create ("hexfmt", NULL, size);
      g_autofree char *path = g_strconcat ("/dev/shm/", name, NULL);
      guint64 start = places[i] - 40;
      guint8 bytes[112] = { 0 };
      g_autoptr(GBytes) text = NULL;

      shmlens_test_posix_write (name, places[i] - 8, message, strlen (message));
      memcpy (bytes + 32, message, strlen (message));
      text = check_against_peer_at (format, path, size, bytes, start, start, NO_LIMIT);
      g_assert_true (text_contains (text, format == SHMLENS_HEX_FORMAT_HEXDUMP
                                            ? (i == 0 ? "\n100000008  " : "\n4000000000000008  ")
                                            : (i == 0 ? "\n100000008: " : "\n4000000000000008: ")));
      g_bytes_unref (check_against_peer_at (format, path, size, bytes, start, start + 7, 50));
      shmlens_test_posix_remove (name);
    }
}

/* Any way of cutting the stream gives the same text, whatever came before. */
static void
test_chunked_feeding (void)
{
  gsize size = 3 * 4097 + 5;
  g_autofree guint8 *bytes = g_malloc (size);

  fill_random (bytes, size);
  /* Repeated lines across every kind of chunk boundary. */
  memset (bytes + 1000, 0, 5000);
  memset (bytes + 9000, 'x', 33);

  for (int format = SHMLENS_HEX_FORMAT_HEXDUMP; format <= SHMLENS_HEX_FORMAT_XXD; format++)
    for (gsize k = 0; k < G_N_ELEMENTS (kernels); k++)
      {
        g_autoptr(GString) once = format_bytes (format, 3, bytes, size, 0, kernels[k]);

        for (gsize c = 0; c < G_N_ELEMENTS (chunk_sizes); c++)
          {
            g_autoptr(GString) pieces = format_bytes (format, 3, bytes, size, chunk_sizes[c],
                                                      kernels[k]);
            assert_same_text ("pieces", once->str, once->len, pieces->str, pieces->len);
          }
        for (guint round = 0; round < 20; round++)
          {
            g_autoptr(ShmlensHexFormatter) formatter = new_formatter (format, 3, kernels[k]);
            g_autoptr(GString) random_pieces = g_string_new (NULL);

            for (gsize done = 0; done < size;)
              {
                gsize piece = g_test_rand_int_range (0, 70);

                piece = MIN (piece, size - done);
                shmlens_hex_formatter_feed_string (formatter, bytes + done, piece,
                                                   random_pieces);
                done += piece;
              }
            shmlens_hex_formatter_finish_string (formatter, random_pieces);
            assert_same_text ("random pieces", once->str, once->len,
                              random_pieces->str, random_pieces->len);
          }
      }
}

/* The bound holds for the longest lines (16-digit offsets, no line squeezed, a short
 * last line), for offsets that become wider within a call, and for every amount of
 * input already waiting. */
static void
test_max_output (void)
{
  static const guint64 starts[] = { 0, G_GUINT64_CONSTANT (0xffffffd0),
                                    G_GUINT64_CONSTANT (0xfffffffffffff000) };
  guint8 bytes[100];
  g_autofree char *buffer = g_malloc (shmlens_hex_formatter_max_output (sizeof bytes) +
                                      GUARD_SIZE);

  fill_random (bytes, sizeof bytes);
  for (int format = SHMLENS_HEX_FORMAT_HEXDUMP; format <= SHMLENS_HEX_FORMAT_XXD; format++)
    for (gsize k = 0; k < G_N_ELEMENTS (kernels); k++)
      for (gsize s = 0; s < G_N_ELEMENTS (starts); s++)
        for (gsize waiting = 0; waiting < 16; waiting++)
          for (gsize length = 0; length <= 64; length++)
            {
              g_autoptr(ShmlensHexFormatter) formatter = new_formatter (format, starts[s],
                                                                        kernels[k]);
              gsize bound = shmlens_hex_formatter_max_output (length);
              gsize n;

              n = shmlens_hex_formatter_feed (formatter, bytes, waiting, buffer);
              g_assert_cmpuint (n, ==, 0);

              memset (buffer + bound, GUARD_BYTE, GUARD_SIZE);
              n = shmlens_hex_formatter_feed (formatter, bytes + waiting, length, buffer);
              g_assert_cmpuint (n, <=, bound);
              assert_guard_intact (buffer, bound);
              /* Every full line was written: 8 or more digits, 3 characters per byte and
               * a newline. */
              g_assert_cmpuint (n, >=, (waiting + length) / 16 * (8 + 3 * 16 + 1));

              bound = shmlens_hex_formatter_max_output (0);
              memset (buffer + bound, GUARD_BYTE, GUARD_SIZE);
              n = shmlens_hex_formatter_finish (formatter, buffer);
              g_assert_cmpuint (n, <=, bound);
              assert_guard_intact (buffer, bound);
              /* A short line, or with hexdump the end offset (unless it is 0), remains. */
              if ((waiting + length) % 16 != 0 ||
                  (format == SHMLENS_HEX_FORMAT_HEXDUMP && starts[s] + waiting + length != 0))
                g_assert_cmpuint (n, >=, 9);
            }
}

static void
add_format_test (const char *name,
                 GTestDataFunc func)
{
  for (int format = SHMLENS_HEX_FORMAT_HEXDUMP; format <= SHMLENS_HEX_FORMAT_XXD; format++)
    {
      g_autofree char *path = g_strdup_printf ("/shmlens/hexfmt/%s/%s",
                                               format == SHMLENS_HEX_FORMAT_HEXDUMP ? "hexdump"
                                                                                    : "xxd",
                                               name);
      g_test_add_data_func (path, GINT_TO_POINTER (format), func);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = g_dir_make_tmp ("shmlens-test-hexfmt-XXXXXX", &error);
  g_assert_no_error (error);

  add_format_test ("empty", test_empty);
  add_format_test ("one-byte", test_one_byte);
  add_format_test ("fifteen-bytes", test_fifteen_bytes);
  add_format_test ("sixteen-bytes", test_sixteen_bytes);
  add_format_test ("seventeen-bytes", test_seventeen_bytes);
  add_format_test ("all-byte-values", test_all_byte_values);
  add_format_test ("squeeze-repeated-lines", test_squeeze_repeated_lines);
  add_format_test ("repeated-lines-at-end", test_repeated_lines_at_end);
  add_format_test ("squeeze-interrupted", test_squeeze_interrupted);
  add_format_test ("odd-offsets-and-lengths", test_odd_offsets_and_lengths);
  add_format_test ("length-past-end", test_length_past_end);
  add_format_test ("random-data", test_random_data);
  add_format_test ("large-offsets", test_large_offsets);
  g_test_add_func ("/shmlens/hexfmt/chunked-feeding-equals-one-shot", test_chunked_feeding);
  g_test_add_func ("/shmlens/hexfmt/max-output-bounds-every-call", test_max_output);

  status = g_test_run ();
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
