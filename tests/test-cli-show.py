# SPDX-License-Identifier: GPL-3.0-or-later
"""test-cli-show: `shmlens-cli show` and `shmlens-cli watch --layout` against a real C
program.

The system C compiler (env CC, as test-layout-gcc.py finds it) builds a program that
includes a header, creates a POSIX segment with shm_open(), fills records of the
header's struct through a mapping with known values — integers of every size, negative
ones, bools, a char, floats and doubles, enums with and without a name, a string with
characters to escape, bit-fields, nested structs, arrays of structs, a union, an
anonymous member, a two-dimensional array, time_t, struct timespec and pointers — and
prints what each value must read as, `PATH = VALUE`, with printf. show must print
exactly those lines (floats: the same number, where C's shortest %g and shmlens choose
different spellings). The same program, on data/layouts/proctable.h, is the writer
that watch --layout sees change a heartbeat."""

import ctypes
import json
import os
import queue
import re
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from shmlens_testlib import PosixSegment, cli_path, run_cli, unique_name  # noqa: E402

SOURCE_DIR = os.environ.get('G_TEST_SRCDIR', os.path.dirname(os.path.abspath(__file__)))
LAYOUTS = os.path.join(os.path.dirname(SOURCE_DIR), 'data', 'layouts')

TIME_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$')

# Where the records start in the segment made by `probe fill`: not 0, so that offsets
# are seen to count from the segment's start.
RECORDS_AT = 64

SAMPLE_H = r'''/* sample.h: one of everything shmlens-cli show decodes. */
#include <stdint.h>
#include <stdbool.h>
#include <time.h>

#define NAME_LEN 16
#define ROWS 2

enum color { RED, GREEN = 5, BLUE = -3 };

struct point
{
  int16_t x;
  int16_t y;
};

struct flags
{
  unsigned int ready : 1;
  signed int level : 4;
  unsigned int : 3;
  unsigned int code : 11;
};

struct sample
{
  uint8_t u8;
  int8_t i8;
  uint16_t u16;
  int16_t i16;
  uint32_t u32;
  int32_t i32;
  uint64_t u64;
  int64_t i64;
  bool ok;
  bool off;
  char letter;
  float ratio;
  float third;
  double pi;
  double tiny;
  double big;
  enum color color;
  enum color unknown_color;
  char name[NAME_LEN];
  struct flags flags;
  struct point origin;
  struct point path[3];
  struct
  {
    uint32_t lo;
    uint32_t hi;
  } words;
  union
  {
    uint32_t word;
    uint8_t bytes[4];
  } u;
  struct
  {
    int32_t anon_a;
    int32_t anon_b;
  };
  int16_t matrix[ROWS][3];
  time_t started;
  struct timespec updated;
  void *self;
  const char *nothing;
};
'''

# The fields whose text may differ from C's (shortest %g) while the number is the same,
# and their width.
FLOAT_FIELDS = {'ratio': 'f', 'third': 'f', 'pi': 'd', 'tiny': 'd', 'big': 'd'}

PROBE_C = r'''#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sample.h"
#include "proctable.h"

static void
die (const char *what)
{
  perror (what);
  exit (1);
}

static void *
create (const char *name, size_t size)
{
  char path[256];
  int fd;
  void *memory;

  snprintf (path, sizeof path, "/%s", name);
  fd = shm_open (path, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    die ("shm_open");
  if (ftruncate (fd, size) != 0)
    die ("ftruncate");
  memory = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (memory == MAP_FAILED)
    die ("mmap");
  close (fd);
  return memory;
}

/* A char array's text as shmlens shows it: quoted, escaped like shmlens_escape(),
 * a quote as \x22. */
static void
print_string (const char *prefix, const char *path, const char *text, size_t size)
{
  printf ("%s%s = \"", prefix, path);
  for (size_t i = 0; i < size && text[i] != '\0'; i++)
    {
      unsigned char c = text[i];

      if (c == '\t')
        fputs ("\\t", stdout);
      else if (c == '\n')
        fputs ("\\n", stdout);
      else if (c == '\\')
        fputs ("\\\\", stdout);
      else if (c == '"')
        fputs ("\\x22", stdout);
      else if (c < 0x20 || c == 0x7f)
        printf ("\\x%02x", c);
      else
        putchar (c);
    }
  puts ("\"");
}

/* The fewest digits that read back as the same float or double. */
static void
print_float (const char *prefix, const char *path, float value)
{
  char text[64];

  for (int digits = 1; digits <= 9; digits++)
    {
      snprintf (text, sizeof text, "%.*g", digits, value);
      if (strtof (text, NULL) == value)
        break;
    }
  printf ("%s%s = %s\n", prefix, path, text);
}

static void
print_double (const char *prefix, const char *path, double value)
{
  char text[64];

  for (int digits = 1; digits <= 17; digits++)
    {
      snprintf (text, sizeof text, "%.*g", digits, value);
      if (strtod (text, NULL) == value)
        break;
    }
  printf ("%s%s = %s\n", prefix, path, text);
}

static void
print_date (const char *prefix, const char *path, time_t seconds, long nanoseconds)
{
  struct tm tm;
  char text[64];

  gmtime_r (&seconds, &tm);
  strftime (text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  if (nanoseconds != 0)
    printf ("%s%s = %s.%09ldZ\n", prefix, path, text, nanoseconds);
  else
    printf ("%s%s = %sZ\n", prefix, path, text);
}

static void
print_color (const char *prefix, const char *path, enum color value)
{
  switch (value)
    {
    case RED: printf ("%s%s = RED\n", prefix, path); break;
    case GREEN: printf ("%s%s = GREEN\n", prefix, path); break;
    case BLUE: printf ("%s%s = BLUE\n", prefix, path); break;
    default: printf ("%s%s = %d\n", prefix, path, (int) value); break;
    }
}

static void
fill (struct sample *s, int seed)
{
  memset (s, 0, sizeof *s);
  s->u8 = 200;
  s->i8 = -100;
  s->u16 = 65535;
  s->i16 = INT16_MIN;
  s->u32 = 0x01020304u + seed;
  s->i32 = -123456789 - seed;
  s->u64 = UINT64_MAX - seed;
  s->i64 = -9000000000000000000LL + seed;
  s->ok = true;
  s->off = false;
  s->letter = seed ? 'z' : 'A';
  s->ratio = 0.1f;
  s->third = 1.0f / 3;
  s->pi = 3.141592653589793;
  s->tiny = -2.5e-300;
  s->big = 1e15;
  s->color = seed ? BLUE : GREEN;
  s->unknown_color = (enum color) 7;
  strcpy (s->name, seed ? "second" : "eth0\t\"q\\");
  s->flags.ready = 1;
  s->flags.level = seed ? 7 : -5;
  s->flags.code = 1234;
  s->origin.x = -7;
  s->origin.y = 8;
  for (int i = 0; i < 3; i++)
    {
      s->path[i].x = 10 * i + seed;
      s->path[i].y = -i;
    }
  s->words.lo = 1;
  s->words.hi = 2;
  s->u.word = 0xdeadbeefu;
  s->anon_a = 11;
  s->anon_b = -12;
  for (int i = 0; i < ROWS; i++)
    for (int j = 0; j < 3; j++)
      s->matrix[i][j] = i * 3 + j - 2;
  s->started = 1714564800;
  s->updated.tv_sec = 1714564800 + seed;
  s->updated.tv_nsec = 250000000;
  s->self = s;
  s->nothing = NULL;
}

static void
print_sample (const char *p, const struct sample *s)
{
  char path[64];

  printf ("%su8 = %u\n", p, s->u8);
  printf ("%si8 = %d\n", p, s->i8);
  printf ("%su16 = %u\n", p, s->u16);
  printf ("%si16 = %d\n", p, s->i16);
  printf ("%su32 = %" PRIu32 "\n", p, s->u32);
  printf ("%si32 = %" PRId32 "\n", p, s->i32);
  printf ("%su64 = %" PRIu64 "\n", p, s->u64);
  printf ("%si64 = %" PRId64 "\n", p, s->i64);
  printf ("%sok = %s\n", p, s->ok ? "true" : "false");
  printf ("%soff = %s\n", p, s->off ? "true" : "false");
  printf ("%sletter = %d '%c'\n", p, s->letter, s->letter);
  print_float (p, "ratio", s->ratio);
  print_float (p, "third", s->third);
  print_double (p, "pi", s->pi);
  print_double (p, "tiny", s->tiny);
  print_double (p, "big", s->big);
  print_color (p, "color", s->color);
  print_color (p, "unknown_color", s->unknown_color);
  print_string (p, "name", s->name, sizeof s->name);
  printf ("%sflags.ready = %u\n", p, s->flags.ready);
  printf ("%sflags.level = %d\n", p, s->flags.level);
  printf ("%sflags.code = %u\n", p, s->flags.code);
  printf ("%sorigin.x = %d\n", p, s->origin.x);
  printf ("%sorigin.y = %d\n", p, s->origin.y);
  for (int i = 0; i < 3; i++)
    {
      printf ("%spath[%d].x = %d\n", p, i, s->path[i].x);
      printf ("%spath[%d].y = %d\n", p, i, s->path[i].y);
    }
  printf ("%swords.lo = %" PRIu32 "\n", p, s->words.lo);
  printf ("%swords.hi = %" PRIu32 "\n", p, s->words.hi);
  printf ("%su.word = %" PRIu32 "\n", p, s->u.word);
  for (int i = 0; i < 4; i++)
    printf ("%su.bytes[%d] = %u\n", p, i, s->u.bytes[i]);
  printf ("%sanon_a = %" PRId32 "\n", p, s->anon_a);
  printf ("%sanon_b = %" PRId32 "\n", p, s->anon_b);
  for (int i = 0; i < ROWS; i++)
    for (int j = 0; j < 3; j++)
      printf ("%smatrix[%d][%d] = %d\n", p, i, j, s->matrix[i][j]);
  print_date (p, "started", s->started, 0);
  print_date (p, "updated", s->updated.tv_sec, s->updated.tv_nsec);
  printf ("%sself = 0x%" PRIxPTR "\n", p, (uintptr_t) s->self);
  snprintf (path, sizeof path, "%snothing", p);
  printf ("%s = 0x%" PRIxPTR "\n", path, (uintptr_t) s->nothing);
}

/* Where the compiler put a few members, a bit-field's bits included. */
static void
print_places (size_t origin)
{
  struct sample probe;
  const unsigned char *bytes = (const unsigned char *) &probe;
  int first = -1, width = 0;

#define AT(member) \
  printf ("at %s %zu %zu\n", #member, origin + offsetof (struct sample, member), \
          sizeof ((struct sample *) 0)->member)
  AT (u32);
  AT (i64);
  AT (name);
  AT (origin.y);
  AT (path[1].x);
  AT (u.bytes[2]);
  AT (anon_b);
  AT (matrix[1][2]);
  AT (self);
#undef AT

  memset (&probe, 0, sizeof probe);
  probe.flags.level = -1;
  for (size_t bit = 0; bit < 8 * sizeof probe; bit++)
    if (bytes[bit / 8] & (1u << (bit % 8)))
      {
        if (first < 0)
          first = (int) bit;
        width++;
      }
  printf ("bits flags.level %zu %d %d\n", origin + first / 8, first % 8, width);
}

int
main (int argc, char **argv)
{
  if (argc == 4 && strcmp (argv[1], "fill") == 0)
    {
      size_t origin = strtoul (argv[3], NULL, 0);
      size_t size = origin + 2 * sizeof (struct sample);
      char *memory = create (argv[2], size);
      struct sample *records = (struct sample *) (memory + origin);

      fill (&records[0], 0);
      fill (&records[1], 1);
      printf ("segment %zu\n", size);
      printf ("record %zu\n", sizeof (struct sample));
      print_places (origin);
      puts ("--- one");
      print_sample ("", &records[0]);
      puts ("--- two");
      print_sample ("[0].", &records[0]);
      print_sample ("[1].", &records[1]);
      return 0;
    }

  /* heartbeat NAME RECORDS INDEX: proctables whose tables[INDEX].clients[2] beats
   * 41, then 42 once a line arrives on stdin. */
  if (argc == 5 && strcmp (argv[1], "heartbeat") == 0)
    {
      size_t n = strtoul (argv[3], NULL, 0);
      size_t index = strtoul (argv[4], NULL, 0);
      struct proctable *tables = create (argv[2], n * sizeof (struct proctable));
      char line[16];

      tables[index].n_clients = 3;
      tables[index].clients[2].pid = 4242;
      strcpy (tables[index].clients[2].comm, "worker");
      tables[index].clients[2].heartbeat = 41;
      puts ("ready");
      fflush (stdout);
      if (fgets (line, sizeof line, stdin) == NULL)
        return 1;
      tables[index].clients[2].heartbeat = 42;
      puts ("done");
      return 0;
    }

  fprintf (stderr, "usage: probe fill NAME OFFSET | probe heartbeat NAME RECORDS INDEX\n");
  return 2;
}
'''


def compiler():
    """The compiler's command: meson's (CC, maybe "ccache cc"), else cc on PATH."""
    if os.environ.get('CC'):
        return shlex.split(os.environ['CC'])
    found = shutil.which('cc') or shutil.which('gcc')
    return [found] if found else None


def shm_unlink(name):
    """shm_unlink("/NAME"), leaving no segment behind whatever the test did."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.shm_unlink(('/' + name).encode()) != 0 and ctypes.get_errno() != 2:
        raise OSError(ctypes.get_errno(), 'shm_unlink /%s' % name)


def same_float(width, a, b):
    """Whether two texts are the same float (width 'f') or double ('d')."""
    def rounded(text):
        return struct.unpack('<' + width, struct.pack('<' + width, float(text)))[0]
    return rounded(a) == rounded(b)


class Probe:
    """What `probe fill` made and said: the segment, where members are, the lines."""

    def __init__(self, name, output):
        self.name = name
        self.ref = '/' + name
        self.places = {}
        self.one = []
        self.two = []
        section = None
        for line in output.splitlines():
            words = line.split(' ')
            if line == '--- one':
                section = self.one
            elif line == '--- two':
                section = self.two
            elif section is not None:
                section.append(line)
            elif words[0] == 'segment':
                self.segment_size = int(words[1])
            elif words[0] == 'record':
                self.record_size = int(words[1])
            elif words[0] == 'at':
                self.places[words[1]] = (int(words[2]), int(words[3]))
            elif words[0] == 'bits':
                self.bits = (words[1], int(words[2]), int(words[3]), int(words[4]))

    def value(self, path, section=None):
        for line in section or self.one:
            if line.startswith(path + ' = '):
                return line[len(path) + 3:]
        raise KeyError(path)


class BackgroundCli:
    """shmlens-cli in the background; its stdout and stderr lines arrive on queues."""

    def __init__(self, *args):
        self.argv = [cli_path()] + list(args)
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True)
        self.queues = {'out': queue.Queue(), 'err': queue.Queue()}
        self.lines = {'out': [], 'err': []}
        self.pumps = [threading.Thread(target=self._pump, args=(stream, self.queues[key]),
                                       daemon=True)
                      for stream, key in ((self.proc.stdout, 'out'), (self.proc.stderr, 'err'))]
        for pump in self.pumps:
            pump.start()

    @staticmethod
    def _pump(stream, q):
        for line in stream:
            q.put(line.decode('utf-8').rstrip('\n'))
        q.put(None)

    def next(self, which='out', timeout=10):
        try:
            line = self.queues[which].get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise AssertionError('nothing on std%s for %s s\n%s' % (which, timeout, self.describe()))
        if line is not None:
            self.lines[which].append(line)
        return line

    def finish(self, timeout=20):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError('it did not exit within %s s\n%s' % (timeout, self.describe()))
        for which in ('out', 'err'):
            while self.next(which) is not None:
                pass
        return self.proc.returncode, self.lines['out']

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def close(self):
        self.kill()
        self.proc.wait()
        for pump in self.pumps:
            pump.join(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()

    def describe(self):
        return 'command: %s\nstdout:\n%s\nstderr:\n%s' % (
            ' '.join(self.argv), '\n'.join(self.lines['out'][-40:]),
            '\n'.join(self.lines['err'][-40:]))


class CompiledProbe(unittest.TestCase):
    """Builds the probe once; every test removes the segments it made."""

    @classmethod
    def setUpClass(cls):
        cc = compiler()
        if cc is None:
            raise unittest.SkipTest('no C compiler')
        cls.directory = tempfile.mkdtemp(prefix='shmlens-show-')
        cls.header = os.path.join(cls.directory, 'sample.h')
        with open(cls.header, 'w') as f:
            f.write(SAMPLE_H)
        source = os.path.join(cls.directory, 'probe.c')
        with open(source, 'w') as f:
            f.write(PROBE_C)
        cls.probe = os.path.join(cls.directory, 'probe')
        result = subprocess.run(cc + ['-std=gnu11', '-O0', '-Wall', '-Werror', '-I', cls.directory,
                                      '-I', LAYOUTS, '-o', cls.probe, source, '-lrt'],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        if result.returncode != 0:
            raise AssertionError('the compiler rejected the probe:\n' + result.stdout.decode())

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory, ignore_errors=True)

    def setUp(self):
        self.names = []
        self.background = []

    def tearDown(self):
        for process in self.background:
            process.close()
        for name in self.names:
            shm_unlink(name)

    def new_name(self):
        name = unique_name('show')
        self.names.append(name)
        return name

    def fill(self, origin=RECORDS_AT):
        name = self.new_name()
        result = subprocess.run([self.probe, 'fill', name, str(origin)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return Probe(name, result.stdout.decode())

    def show(self, *args):
        result = run_cli('show', *args)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual(result.stderr, b'', result.describe())
        return result

    def fails(self, status, *args):
        result = run_cli('show', *args)
        self.assertEqual(result.returncode, status, result.describe())
        self.assertEqual(result.stdout, b'', result.describe())
        return result

    def assert_same_values(self, expected, actual):
        """Line for line: the same paths, the same text — or, for floats, the same
        number spelled otherwise."""
        self.assertEqual([line.partition(' = ')[0] for line in actual],
                         [line.partition(' = ')[0] for line in expected])
        for want, got in zip(expected, actual):
            path, _, want_value = want.partition(' = ')
            got_value = got.partition(' = ')[2]
            if got_value == want_value:
                continue
            width = FLOAT_FIELDS.get(path.rsplit('.', 1)[-1])
            self.assertIsNotNone(width, 'show printed %r, the C program %r' % (got, want))
            self.assertTrue(same_float(width, got_value, want_value),
                            'show printed %r, the C program %r' % (got, want))


class Show(CompiledProbe):

    def test_every_value_reads_as_the_program_wrote_it(self):
        probe = self.fill()
        out = self.show(probe.ref, '--layout=' + self.header, '--type=struct sample',
                        '--offset=%d' % RECORDS_AT).out
        self.assert_same_values(probe.one, out.splitlines())
        # the simple cases are spelled as C spells them, not only the same number
        for path, value in (('ratio', '0.1'), ('third', '0.33333334'), ('pi', '3.141592653589793'),
                            ('tiny', '-2.5e-300'), ('i8', '-100'), ('i16', '-32768'),
                            ('u64', '18446744073709551615'), ('i64', '-9000000000000000000'),
                            ('color', 'GREEN'), ('unknown_color', '7'), ('letter', "65 'A'"),
                            ('name', r'"eth0\t\x22q\\"'), ('flags.level', '-5'),
                            ('u.bytes[0]', '239'), ('nothing', '0x0'),
                            ('started', '2024-05-01T12:00:00Z'),
                            ('updated', '2024-05-01T12:00:00.250000000Z')):
            self.assertIn('%s = %s' % (path, value), out.splitlines())
        # 1e15: C's shortest %g is 1e+15; shmlens keeps an exact integer part unexponented
        self.assertEqual(float(probe.value('big')), float(out.split('\nbig = ')[1].split('\n')[0]))

    def test_default_type_and_offset_spellings(self):
        probe = self.fill()
        expected = self.show(probe.ref, '--layout', self.header, '--type', 'struct sample',
                             '--offset', str(RECORDS_AT)).out
        # the header's last struct is the default; 0x40 and 64 are the same offset
        for offset in ('0x40', '64'):
            self.assertEqual(self.show(probe.ref, '--layout=' + self.header,
                                       '--offset=' + offset).out, expected)
        # 4K: the same as 4096, past the end of this small segment
        result = self.fails(1, probe.ref, '--layout=' + self.header, '--offset=4K')
        self.assertIn('from offset 4096', result.err)

    def test_two_records_are_prefixed_with_their_index(self):
        probe = self.fill()
        out = self.show(probe.ref, '--layout=' + self.header, '--offset=%d' % RECORDS_AT,
                        '--count=2').out
        self.assert_same_values(probe.two, out.splitlines())
        lines = out.splitlines()
        self.assertIn('[1].color = BLUE', lines)
        self.assertIn('[1].name = "second"', lines)
        self.assertIn('[1].flags.level = 7', lines)
        self.assertIn('[0].u32 = 16909060', lines)
        self.assertIn('[1].u32 = 16909061', lines)
        # the second record alone, by its offset: no index then
        out = self.show(probe.ref, '--layout=' + self.header,
                        '--offset=%d' % (RECORDS_AT + probe.record_size)).out
        self.assertEqual(out.splitlines(),
                         [line[len('[1].'):] for line in lines if line.startswith('[1].')])

    def test_big_endian(self):
        probe = self.fill()
        lines = self.show(probe.ref, '--layout=' + self.header, '--offset=%d' % RECORDS_AT,
                          '--big-endian').out.splitlines()
        self.assertIn('u32 = %d' % 0x04030201, lines)
        self.assertIn('i16 = 128', lines)          # 0x8000 stored as 00 80
        self.assertIn('u16 = 65535', lines)
        self.assertIn('u.word = %d' % 0xefbeadde, lines)
        self.assertIn('u8 = 200', lines)
        # bit-fields keep their x86-64 positions
        self.assertIn('flags.level = -5', lines)

    def test_json(self):
        probe = self.fill()
        text = self.show(probe.ref, '--layout=' + self.header, '--offset=%d' % RECORDS_AT).out
        doc = self.show(probe.ref, '--layout=' + self.header, '--offset=%d' % RECORDS_AT,
                        '--json').json()
        self.assertEqual({k: v for k, v in doc.items() if k != 'fields'},
                         {'ref': probe.ref, 'type': 'struct sample', 'offset': RECORDS_AT,
                          'count': 1, 'size': probe.record_size, 'byte_order': 'little'})
        fields = {f['path']: f for f in doc['fields']}
        # the same values as the text, in the same order
        self.assertEqual(['%s = %s' % (f['path'], f['value']) for f in doc['fields']],
                         text.splitlines())
        # offsets and sizes where the compiler put the members, from the segment's start
        for path, (offset, size) in probe.places.items():
            self.assertEqual((fields[path]['offset'], fields[path]['size']), (offset, size), path)
        path, byte, bit, width = probe.bits
        self.assertEqual((fields[path]['offset'], fields[path]['bit_offset'],
                          fields[path]['bit_width']), (byte, bit, width))
        self.assertNotIn('bit_offset', fields['u32'])
        # types and kinds
        self.assertEqual((fields['u32']['type'], fields['u32']['kind']), ('uint32_t', 'unsigned'))
        self.assertEqual((fields['name']['type'], fields['name']['kind']), ('char[16]', 'string'))
        self.assertEqual(fields['color']['kind'], 'enum')
        self.assertEqual(fields['self']['kind'], 'pointer')
        # numbers: exact JSON numbers, left out where JSON cannot hold them exactly
        for path, number in (('u32', 16909060), ('i8', -100), ('i32', -123456789),
                             ('ok', 1), ('off', 0), ('letter', 65), ('color', 5),
                             ('unknown_color', 7), ('flags.level', -5), ('matrix[0][0]', -2),
                             ('started', 1714564800)):
            self.assertEqual(fields[path]['number'], number, path)
            self.assertIs(type(fields[path]['number']), int, path)
        self.assertEqual(fields['ratio']['number'], 0.1)
        self.assertEqual(fields['pi']['number'], 3.141592653589793)
        self.assertEqual(fields['big']['number'], 1e15)
        for path in ('u64', 'i64', 'name', 'self', 'nothing', 'updated'):
            self.assertNotIn('number', fields[path], path)
        self.assertEqual(fields['u64']['value'], '18446744073709551615')
        self.assertEqual(fields['name']['value'], r'"eth0\t\x22q\\"')

    def test_json_two_records(self):
        probe = self.fill()
        doc = self.show(probe.ref, '--layout=' + self.header, '--offset=0x40', '--count=2',
                        '--json').json()
        self.assertEqual((doc['count'], doc['offset']), (2, RECORDS_AT))
        self.assertEqual(['%s = %s' % (f['path'], f['value']) for f in doc['fields']
                          if f['path'].split('.')[-1] not in FLOAT_FIELDS],
                         [line for line in probe.two
                          if line.partition(' = ')[0].split('.')[-1] not in FLOAT_FIELDS])
        second = {f['path']: f for f in doc['fields']}['[1].u32']
        self.assertEqual(second['offset'], probe.places['u32'][0] + probe.record_size)

    def test_a_type_that_is_one_value(self):
        probe = self.fill()
        out = self.show(probe.ref, '--layout=' + self.header, '--type=uint32_t',
                        '--offset=%d' % probe.places['u32'][0]).out
        self.assertEqual(out, 'uint32_t = 16909060\n')
        out = self.show(probe.ref, '--layout=' + self.header, '--type=struct point',
                        '--offset=%d' % probe.places['path[1].x'][0], '--count=2').out
        self.assertEqual(out.splitlines(), ['[0].x = 10', '[0].y = -1', '[1].x = 20', '[1].y = -2'])

    def test_past_the_end(self):
        probe = self.fill()
        record = probe.record_size
        # one record that starts inside and ends outside
        result = self.fails(1, probe.ref, '--layout=' + self.header,
                            '--offset=%d' % (probe.segment_size - 8))
        message = result.err.splitlines()[0]
        for part in (probe.ref, '“struct sample” (%d bytes)' % record,
                     'is %d bytes' % probe.segment_size,
                     'end at byte %d' % (probe.segment_size - 8 + record)):
            self.assertIn(part, message)
        # three records where two fit: the product is spelled out
        result = self.fails(1, probe.ref, '--layout=' + self.header,
                            '--offset=%d' % RECORDS_AT, '--count=3')
        message = result.err.splitlines()[0]
        for part in (probe.ref, '3 records of “struct sample”',
                     '3 × %d = %d bytes' % (record, 3 * record),
                     'is %d bytes' % probe.segment_size, '--count'):
            self.assertIn(part, message)
        # right up to the end is fine
        self.show(probe.ref, '--layout=' + self.header, '--offset=%d' % (probe.segment_size - record))
        # past the end altogether
        result = self.fails(1, probe.ref, '--layout=' + self.header, '--offset=1M')
        self.assertIn('is %d bytes' % probe.segment_size, result.err)

    def test_errors_in_the_header(self):
        probe = self.fill()
        broken = os.path.join(self.directory, 'broken.h')
        with open(broken, 'w') as f:
            f.write('#include <stdint.h>\n\nstruct broken\n{\n  uint32_t a\n  uint32_t b;\n};\n')
        result = self.fails(1, probe.ref, '--layout=' + broken)
        self.assertRegex(result.err.splitlines()[0],
                         r'^shmlens-cli: %s:6:3: ' % re.escape(broken))

        missing = os.path.join(self.directory, 'missing.h')
        result = self.fails(1, probe.ref, '--layout=' + missing)
        self.assertIn('Cannot read %s' % missing, result.err)

    def test_unknown_type_lists_the_header_types(self):
        probe = self.fill()
        result = self.fails(1, probe.ref, '--layout=' + self.header, '--type=struct nothere')
        message = result.err.splitlines()[0]
        self.assertIn('“struct nothere”', message)
        for name in ('enum color', 'struct point', 'struct flags', 'struct sample'):
            self.assertIn(name, message)

    def test_usage_errors(self):
        probe = self.fill()
        for args in ([probe.ref], ['--layout=' + self.header],
                     [probe.ref, probe.ref, '--layout=' + self.header],
                     [probe.ref, '--layout=' + self.header, '--count=0'],
                     [probe.ref, '--layout=' + self.header, '--count=x'],
                     [probe.ref, '--layout=' + self.header, '--offset=-1'],
                     [probe.ref, '--layout=' + self.header, '--bogus']):
            result = self.fails(2, *args)
            self.assertIn('show --help', result.err)
        self.assertIn('--layout', self.fails(2, probe.ref).err)
        result = self.fails(1, '/shmlens-test-show-no-such-segment-%d' % os.getpid(),
                            '--layout=' + self.header)
        self.assertIn('shmlens-test-show-no-such-segment', result.err)

    def test_segment_is_only_read(self):
        probe = self.fill()
        path = '/dev/shm/' + probe.name
        with open(path, 'rb') as f:
            before = f.read()
        stat = os.stat(path)
        self.show(probe.ref, '--layout=' + self.header, '--offset=64', '--count=2')
        with open(path, 'rb') as f:
            self.assertEqual(f.read(), before)
        self.assertEqual(os.stat(path).st_mtime_ns, stat.st_mtime_ns)

        # records in the middle of a sparse segment: reading them allocates no page
        with PosixSegment(size=1 << 20, tag='show') as sparse:
            out = self.show(sparse.ref, '--layout=' + self.header, '--offset=512K',
                            '--count=3').out
            self.assertIn('[2].color = RED', out.splitlines())       # 0
            self.assertIn('[2].name = ""', out.splitlines())
            self.assertEqual(sparse.stat().st_blocks, 0)
            self.assertEqual(sparse.stat().st_size, 1 << 20)

    def test_help(self):
        result = run_cli('show', '--help')
        self.assertEqual(result.returncode, 0)
        for word in ('REF', '--layout', '--type', '--offset', '--count', '--json',
                     '--big-endian', 'PATH = VALUE', '2^53', 'Exit status'):
            self.assertIn(word, result.out)
        self.assertRegex(run_cli('--help').out, r'\n  show +Print ')


class WatchLayout(CompiledProbe):

    def heartbeat(self, records=1, index=0):
        """The probe's proctables, clients[2] of one beating 41; returns (name, writer)."""
        name = self.new_name()
        writer = subprocess.Popen([self.probe, 'heartbeat', name, str(records), str(index)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.addCleanup(self.stop, writer)
        self.assertEqual(writer.stdout.readline(), b'ready\n')
        return name, writer

    @staticmethod
    def stop(writer):
        if writer.poll() is None:
            writer.kill()
        writer.wait()
        writer.stdin.close()
        writer.stdout.close()

    @staticmethod
    def beat(writer):
        writer.stdin.write(b'go\n')
        writer.stdin.flush()
        out, _ = writer.communicate(timeout=30)
        assert writer.returncode == 0 and out == b'done\n', (writer.returncode, out)

    def watch(self, *args):
        process = BackgroundCli('watch', *args)
        self.background.append(process)
        return process

    def test_text_reports_the_field(self):
        name, writer = self.heartbeat()
        header = os.path.join(LAYOUTS, 'proctable.h')
        watch = self.watch('/' + name, '--layout=' + header, '--interval=20', '--count=1')
        started = watch.next('err')
        self.assertIn('struct proctable', started)
        # what show reads before the change
        lines = run_cli('show', '/' + name, '--layout=' + header).out.splitlines()
        self.assertIn('clients[2].heartbeat = 41', lines)
        self.assertIn('clients[2].comm = "worker"', lines)
        self.beat(writer)
        status, out = watch.finish()
        self.assertEqual(status, 0, watch.describe())
        self.assertEqual(len(out), 1, watch.describe())
        when, _, rest = out[0].partition(' ')
        self.assertRegex(when, TIME_RE)
        self.assertEqual(rest, 'clients[2].heartbeat: 41 → 42')

    def test_json_reports_the_field_of_the_right_record(self):
        name, writer = self.heartbeat(records=2, index=1)
        header = os.path.join(LAYOUTS, 'proctable.h')
        watch = self.watch('/' + name, '--layout=' + header, '--type=struct proctable',
                           '--records=2', '--interval=20', '--count=1', '--json')
        start = json.loads(watch.next())
        size = os.stat('/dev/shm/' + name).st_size
        self.assertEqual({k: start[k] for k in ('event', 'ref', 'size', 'offset', 'length',
                                                 'type', 'records', 'layout')},
                         {'event': 'start', 'ref': '/' + name, 'size': size, 'offset': 0,
                          'length': size, 'type': 'struct proctable', 'records': 2,
                          'layout': header})
        self.beat(writer)
        status, out = watch.finish()
        self.assertEqual(status, 0, watch.describe())
        events = [json.loads(line) for line in out[1:]]
        self.assertEqual(len(events), 1, watch.describe())
        event = events[0]
        self.assertRegex(event['time'], TIME_RE)
        self.assertEqual({k: v for k, v in event.items() if k != 'time'},
                         {'event': 'field', 'path': '[1].clients[2].heartbeat',
                          'old': '41', 'new': '42'})

    def test_only_the_records_are_watched(self):
        # the second table alone, by --offset: a change in the first is not reported
        name, writer = self.heartbeat(records=2, index=0)
        header = os.path.join(LAYOUTS, 'proctable.h')
        size = os.stat('/dev/shm/' + name).st_size
        watch = self.watch('/' + name, '--layout=' + header, '--offset=%d' % (size // 2),
                           '--interval=20', '--json')
        start = json.loads(watch.next())
        self.assertEqual((start['offset'], start['length']), (size // 2, size // 2))
        self.beat(writer)
        # the writer is done; a change where watch looks proves it still looks
        fd = os.open('/dev/shm/' + name, os.O_RDWR)
        try:
            os.pwrite(fd, struct.pack('<I', 7), size // 2)        # the second table's magic
        finally:
            os.close(fd)
        event = json.loads(watch.next())
        self.assertEqual((event['event'], event['path'], event['old'], event['new']),
                         ('field', 'magic', '0', '7'))
        watch.proc.send_signal(signal.SIGTERM)
        status, out = watch.finish()
        self.assertEqual(status, 0)
        self.assertEqual(len(out), 2, watch.describe())

    def test_size_changes_are_not_field_changes(self):
        name, writer = self.heartbeat()
        header = os.path.join(LAYOUTS, 'proctable.h')
        watch = self.watch('/' + name, '--layout=' + header, '--interval=20', '--json',
                           '--count=3')
        json.loads(watch.next())
        size = os.stat('/dev/shm/' + name).st_size
        fd = os.open('/dev/shm/' + name, os.O_RDWR)
        try:
            os.ftruncate(fd, 100)
            event = json.loads(watch.next())
            self.assertEqual((event.get('event'), event.get('old_size'), event.get('new_size')),
                             ('size', size, 100), event)
            os.ftruncate(fd, size)
            event = json.loads(watch.next())
            self.assertEqual((event.get('event'), event.get('old_size'), event.get('new_size')),
                             ('size', 100, size), event)
            # a real change after the growth: the next report, and the only field one
            os.pwrite(fd, struct.pack('<I', 7), 0)
        finally:
            os.close(fd)
        status, out = watch.finish()
        self.assertEqual(status, 0)
        events = [json.loads(line) for line in out[1:]]
        # the heartbeat came back as 0 (the pages were freed): a size change, not a
        # change of the field
        self.assertEqual([(e['event'], e.get('path'), e.get('old'), e.get('new')) for e in events],
                         [('size', None, None, None), ('size', None, None, None),
                          ('field', 'magic', '0', '7')], watch.describe())

    def test_usage_and_errors(self):
        name, writer = self.heartbeat()
        header = os.path.join(LAYOUTS, 'proctable.h')
        ref = '/' + name
        for args in ([ref, '--type=struct proctable'], [ref, '--records=2'],
                     [ref, '--big-endian'], [ref, '--layout=' + header, '--length=16'],
                     [ref, '--layout=' + header, '--max-bytes=4'],
                     [ref, '--layout=' + header, '--records=0'],
                     [ref, '--layout=' + header, '--records=x']):
            result = run_cli('watch', *args)
            self.assertEqual(result.returncode, 2, result.describe())
            self.assertIn('watch --help', result.err)
        result = run_cli('watch', ref, '--layout=' + header, '--type=struct nothere')
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertIn('struct client_permissions', result.err)
        broken = os.path.join(self.directory, 'broken-watch.h')
        with open(broken, 'w') as f:
            f.write('struct s {\n  int a;\n  int b\n};\n')
        result = run_cli('watch', ref, '--layout=' + broken)
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertRegex(result.err, r'^shmlens-cli: %s:4:1: ' % re.escape(broken))

        result = run_cli('watch', '--help')
        for word in ('--layout', '--records', '--type', 'field', 'clients[2].heartbeat: 41 → 42'):
            self.assertIn(word, result.out)


if __name__ == '__main__':
    unittest.main(verbosity=2)
