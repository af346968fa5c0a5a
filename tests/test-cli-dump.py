# SPDX-License-Identifier: GPL-3.0-or-later
"""test-cli-dump: `shmlens-cli dump` byte for byte against `hexdump -C` and `xxd`, on real
POSIX segments and files, with the same offsets and lengths given to both."""

import os
import pty
import random
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from shmlens_testlib import PosixSegment, cli_path, run_cli, unique_name, skip_under_valgrind  # noqa: E402

# What the CLI reads per step: inputs around it cross its chunk boundaries.
CHUNK = 128 * 1024

PEER_ENV = dict(os.environ, LC_ALL='C')


def peer(fmt, path, offset=None, length=None):
    """What `hexdump -C -s N -n L PATH` or `xxd -s N -l L PATH` prints."""
    if fmt == 'hexdump':
        argv = ['hexdump', '-C']
        length_option = '-n'
    else:
        argv = ['xxd']
        length_option = '-l'
    if offset is not None:
        argv += ['-s', str(offset)]
    if length is not None:
        argv += [length_option, str(length)]
    argv.append(path)
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=PEER_ENV, timeout=120)
    if result.returncode != 0:
        raise AssertionError('%s failed: %s' % (argv, result.stderr.decode(errors='replace')))
    return result.stdout


def dump_args(ref, fmt=None, offset=None, length=None):
    args = ['dump', ref]
    if fmt is not None:
        args.append('--format=' + fmt)
    if offset is not None:
        args += ['--offset', str(offset)]
    if length is not None:
        args += ['--length', str(length)]
    return args


def first_difference(expected, actual):
    """A short account of where two outputs part, for assertion messages."""
    i = 0
    while i < min(len(expected), len(actual)) and expected[i] == actual[i]:
        i += 1
    start = expected.rfind(b'\n', 0, i) + 1
    return ('outputs differ at byte %d (lengths %d and %d)\nexpected: %r\nactual:   %r'
            % (i, len(expected), len(actual), expected[start:start + 100],
               actual[start:start + 100]))


class DumpTestCase(unittest.TestCase):

    def assert_same_output(self, expected, result, what):
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual(result.stderr, b'', result.describe())
        if expected != result.stdout:
            self.fail('%s: %s' % (what, first_difference(expected, result.stdout)))

    def check(self, ref, path, data, offset=None, length=None):
        """Compares every format of `dump REF` with the peers run on PATH, whose bytes
        are DATA. Returns the hexdump text."""
        texts = {}
        for fmt in ('hexdump', 'xxd'):
            expected = peer(fmt, path, offset, length)
            what = 'dump %s --format=%s --offset %s --length %s' % (ref, fmt, offset, length)
            self.assert_same_output(expected, run_cli(*dump_args(ref, fmt, offset, length)),
                                    what)
            texts[fmt] = expected
        # hexdump is the default format.
        self.assert_same_output(texts['hexdump'], run_cli(*dump_args(ref, None, offset, length)),
                                'dump %s (default format)' % ref)

        start = 0 if offset is None else offset
        end = len(data) if length is None else start + length
        self.assert_same_output(data[start:end], run_cli(*dump_args(ref, 'raw', offset, length)),
                                'dump %s --format=raw' % ref)
        return texts['hexdump']

    def check_segment(self, data, offset=None, length=None):
        with PosixSegment(data=data, tag='dump') as seg:
            return self.check(seg.ref, os.fsdecode(seg.path), data, offset, length)


class AgainstPeers(DumpTestCase):

    def test_empty(self):
        # Neither peer prints anything for nothing, not even an end offset.
        self.assertEqual(self.check_segment(b''), b'')

    def test_short_inputs(self):
        for size in (1, 15, 16, 17):
            with self.subTest(size=size):
                data = bytes((i * 37 + 3) % 256 for i in range(size))
                text = self.check_segment(data)
                self.assertEqual(text.count(b'\n'), (size + 15) // 16 + 1)

    def test_all_byte_values(self):
        self.assertIn(b'|0123456789:;<=>?|', self.check_segment(bytes(range(256))))
        self.check_segment(bytes(reversed(range(256))))

    def test_repeated_lines(self):
        line = b'repeated line!\x01\xfe'
        other = b'a different one\n'
        cases = {
            'long run': b'x' * 16 + line * 1000 + other,
            'run at the end': other + line * 100,
            'run interrupted, then again': line * 5 + other + line * 5 + other * 3 + b'tail',
            'zeros with a short last line': bytes(16 * 100 + 8),
        }
        for name, data in cases.items():
            with self.subTest(case=name):
                text = self.check_segment(data)
                self.assertIn(b'\n*\n', text)

    def test_repeated_lines_across_chunks(self):
        # Squeezing must not restart where the CLI's reads are cut.
        data = bytearray(3 * CHUNK + 5)
        data[CHUNK - 3:CHUNK + 3] = b'abcdef'
        data[2 * CHUNK + 7] = 1
        text = self.check_segment(bytes(data))
        self.assertEqual(text.count(b'*\n'), 3)

    def test_odd_offsets_and_lengths(self):
        rng = random.Random(1804289383)
        data = bytes(rng.randrange(256) for _ in range(300))
        data = data[:100] + b'z' * 80 + data[180:]
        with PosixSegment(data=data, tag='dump') as seg:
            path = os.fsdecode(seg.path)
            for offset in (None, 0, 1, 5, 15, 17, 31, 255, 299):
                for length in (None, 1, 3, 15, 16, 17, 33, 250):
                    with self.subTest(offset=offset, length=length):
                        text = self.check(seg.ref, path, data, offset, length)
                        # Offsets are the segment's own, not counted from the start.
                        self.assertTrue(text.startswith(b'%08x  ' % (offset or 0)), text[:20])

    def test_offsets_around_chunk_boundaries(self):
        rng = random.Random(42)
        data = bytes(rng.randrange(256) for _ in range(2 * CHUNK + 100))
        with PosixSegment(data=data, tag='dump') as seg:
            path = os.fsdecode(seg.path)
            for offset, length in ((CHUNK - 1, 3), (CHUNK - 7, 2 * CHUNK), (3, CHUNK),
                                   (CHUNK + 1, None), (1, CHUNK + 1)):
                with self.subTest(offset=offset, length=length):
                    self.check(seg.ref, path, data, offset, length)

    def test_past_the_end(self):
        data = bytes(range(100))
        with PosixSegment(data=data, tag='dump') as seg:
            path = os.fsdecode(seg.path)
            for offset, length in ((10, 10000), (100, None), (100, 5), (150, None), (150, 5),
                                   (0, 0), (50, 0), (150, 0)):
                with self.subTest(offset=offset, length=length):
                    text = self.check(seg.ref, path, data, offset, length)
                    if offset >= 100 and length != 0:
                        # hexdump counts an offset past the end as the end.
                        self.assertEqual(text, b'00000064\n')
                    if length == 0:
                        self.assertEqual(text, b'')

    def test_random_data(self):
        rng = random.Random(7)
        for size in (1000, CHUNK - 1, CHUNK + 1, 3 * CHUNK + 7):
            with self.subTest(size=size):
                self.check_segment(rng.randbytes(size))

    def test_holes_read_as_zeros(self):
        with PosixSegment(size=5 * CHUNK, tag='dump') as seg:
            seg.write(2 * CHUNK + 3, b'island')
            data = seg.read()
            self.check(seg.ref, os.fsdecode(seg.path), data)
            self.check(seg.ref, os.fsdecode(seg.path), data, 2 * CHUNK - 9, 40)

    def test_size_syntax(self):
        # one grammar for every size and offset (src/lib/shmlens-size.c): units, and
        # leading zeros that are decimal (hexdump -s would read 010 as octal 8)
        data = bytes(range(256)) * 20
        with PosixSegment(data=data, tag='dump') as seg:
            path = os.fsdecode(seg.path)
            for text, offset in (('010', 10), ('0x10', 16), ('1K', 1024), ('1KiB', 1024),
                                 ('2 K', 2048), (' 3 ', 3), ('16B', 16)):
                with self.subTest(offset=text):
                    result = run_cli('dump', seg.ref, '--offset=' + text, '--length=32')
                    self.assert_same_output(peer('hexdump', path, offset, 32), result, text)
            for text, message in (('-1', 'is not a size'), ('1.5K', 'is not a size'),
                                  ('18446744073709551616', 'is too large (more than 64 bits)'),
                                  ('16777216T', 'is too large (more than 64 bits)')):
                with self.subTest(offset=text):
                    result = run_cli('dump', seg.ref, '--offset=' + text)
                    self.assertEqual(result.returncode, 2, result.describe())
                    self.assertEqual(result.stdout, b'')
                    self.assertIn('shmlens-cli: --offset: “%s” %s' % (text, message), result.err)

    def test_large_offsets(self):
        # Past 2^32 the offsets take more than eight digits; a sparse segment is cheap.
        for place in (1 << 32, 1 << 44):
            with self.subTest(place=hex(place)):
                with PosixSegment(size=place + 72, tag='dump') as seg:
                    seg.write(place - 8, b'Offsets wider than eight digits!')
                    path = os.fsdecode(seg.path)
                    for fmt in ('hexdump', 'xxd'):
                        for offset, length in ((place - 40, None), (place - 33, 50)):
                            result = run_cli(*dump_args(seg.ref, fmt, offset, length))
                            self.assert_same_output(peer(fmt, path, offset, length), result,
                                                    '%s at %#x' % (fmt, offset))
                    self.assertIn(b'\n%x  ' % (place + 8),
                                  run_cli(*dump_args(seg.ref, None, place - 40)).stdout)

    def test_size_suffixes(self):
        rng = random.Random(3)
        data = rng.randbytes(8192)
        with PosixSegment(data=data, tag='dump') as seg:
            for fmt in ('hexdump', 'xxd'):
                expected = peer(fmt, os.fsdecode(seg.path), 16, 1024)
                for offset, length in (('0x10', '1K'), ('16', '1KiB'), ('0x10', '0x400')):
                    with self.subTest(fmt=fmt, offset=offset, length=length):
                        self.assert_same_output(expected, run_cli(*dump_args(seg.ref, fmt,
                                                                             offset, length)),
                                                '%s %s %s' % (fmt, offset, length))

    def test_file_reference(self):
        rng = random.Random(11)
        data = rng.randbytes(5000) + bytes(4000) + b'end'
        with tempfile.TemporaryDirectory(prefix='shmlens-test-dump-') as directory:
            path = os.path.join(directory, 'data.bin')
            with open(path, 'wb') as f:
                f.write(data)
            for ref in ('file:' + path, path):
                with self.subTest(ref=ref):
                    self.check(ref, path, data)
                    self.check(ref, path, data, 4999, 100)


class Raw(DumpTestCase):

    def test_raw_is_the_bytes(self):
        data = bytes(range(256)) * 3 + b'\n\r\x1b[31m'
        with PosixSegment(data=data, tag='dump') as seg:
            for offset, length in ((None, None), (1, 10), (700, 10000), (5000, 3)):
                with self.subTest(offset=offset, length=length):
                    start = offset or 0
                    end = len(data) if length is None else start + length
                    self.assert_same_output(data[start:end],
                                            run_cli(*dump_args(seg.ref, 'raw', offset, length)),
                                            'raw')

    def run_on_terminal(self, *args):
        """Runs the CLI with its stdout on a pseudo-terminal; returns (result code,
        stderr, what reached the terminal)."""
        master, slave = pty.openpty()
        try:
            proc = subprocess.run([cli_path()] + list(args), stdin=subprocess.DEVNULL,
                                  stdout=slave, stderr=subprocess.PIPE, timeout=30)
            os.close(slave)
            slave = None
            shown = b''
            os.set_blocking(master, False)
            while True:
                try:
                    chunk = os.read(master, 65536)
                except (BlockingIOError, OSError):  # OSError: EIO once the slave is closed
                    break
                if not chunk:
                    break
                shown += chunk
            return proc.returncode, proc.stderr, shown
        finally:
            if slave is not None:
                os.close(slave)
            os.close(master)

    def test_raw_refuses_a_terminal(self):
        with PosixSegment(data=b'\x1b]0;pwned\x07\x1bc', tag='dump') as seg:
            code, err, shown = self.run_on_terminal('dump', seg.ref, '--format=raw')
            self.assertEqual(code, 1, err)
            self.assertIn(b'terminal', err)
            self.assertEqual(shown, b'')
            # The text formats are fine on a terminal (the pty turns \n into \r\n).
            code, err, shown = self.run_on_terminal('dump', seg.ref)
            self.assertEqual(code, 0, err)
            self.assertEqual(shown.replace(b'\r\n', b'\n'), peer('hexdump', os.fsdecode(seg.path)))


class Errors(unittest.TestCase):

    def test_usage_errors(self):
        with PosixSegment(data=b'data', tag='dump') as seg:
            for args in ([], [seg.ref, seg.ref], [seg.ref, '--format=hex'],
                         [seg.ref, '--format='], [seg.ref, '--offset=-1'],
                         [seg.ref, '--offset=ten'], [seg.ref, '--length=1Q'],
                         [seg.ref, '--length'], [seg.ref, '--bogus'],
                         [seg.ref, '--format=raw', '--offset=0x']):
                with self.subTest(args=args):
                    result = run_cli('dump', *args)
                    self.assertEqual(result.returncode, 2, result.describe())
                    self.assertEqual(result.stdout, b'')
                    self.assertIn('dump --help', result.err)

    def test_missing_segment(self):
        name = unique_name('dump-missing')
        for args in (['/' + name], ['/' + name, '--format=xxd'], ['/' + name, '--format=raw']):
            with self.subTest(args=args):
                result = run_cli('dump', *args)
                self.assertEqual(result.returncode, 1, result.describe())
                self.assertEqual(result.stdout, b'')
                self.assertIn(name, result.err)

    def test_help(self):
        result = run_cli('dump', '--help')
        self.assertEqual(result.returncode, 0, result.describe())
        for option in ('--format', '--offset', '--length', 'REF'):
            self.assertIn(option, result.out)

    @skip_under_valgrind('it measures peak memory')
    def test_memory_stays_bounded(self):
        # 1 GiB of holes: streamed, squeezed into three lines, in a few MiB of memory,
        # and without allocating a page of the segment.
        size = 1 << 30
        with PosixSegment(size=size, tag='dump') as seg:
            proc = subprocess.Popen([cli_path(), 'dump', seg.ref], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            killer = threading.Timer(120, proc.kill)
            killer.start()
            try:
                out = proc.stdout.read()
                err = proc.stderr.read()
                # wait4, not wait: it gives this child's own peak memory.
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
            finally:
                killer.cancel()
                proc.stdout.close()
                proc.stderr.close()
            self.assertEqual(proc.returncode, 0, err)
            self.assertEqual(out, b'00000000  ' + b'00 ' * 8 + b' ' + b'00 ' * 8 +
                             b' |................|\n*\n40000000\n')
            self.assertLess(usage.ru_maxrss, 48 * 1024, 'peak memory in KiB')
            self.assertEqual(seg.stat().st_blocks, 0, 'reading allocated pages')

if __name__ == '__main__':
    unittest.main(verbosity=2)
