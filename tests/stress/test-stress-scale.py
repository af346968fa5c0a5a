# SPDX-License-Identifier: GPL-3.0-or-later
"""test-stress-scale: shmlens-cli at the scale of a busy machine, and past it.

  test_11000_segments
      10,000 POSIX and 1,000 System V segments: `list --json` (and the table) must
      list every one of them exactly once, within 30 s (the time is printed).

  test_500_processes_attached
      500 processes (a helper and 499 forks) map one POSIX segment and attach one
      System V segment: `info` (JSON and text) lists all 500 pids; nattch stays 500.

  test_64_gib_sparse_segment
      A 64 GiB sparse segment with data at its very end: listed with its exact size,
      dumped at its end byte for byte (as `hexdump -C` does, and raw), without one
      page allocated (st_blocks unchanged).

  test_4_million_fields_*
      Layouts of 4,194,304 fields (structs of four structs of four… eleven levels
      deep), of 4,000,000 (an array of 2,000,000 structs of two), and a header that
      declares 4,000,000 members one by one. `show` and `watch --layout` must refuse
      them with a clear message, or show them, within a memory budget of 1 GiB (the
      peak RSS of each run is printed); `show` of the largest layout allowed
      (1,048,576 values) must print all of them within it. `layout` must print the
      4,194,304 fields, as text within 15 s and as JSON (1.9 GB of it) within the
      budget.

Each test checks the read-only invariant on what it made, and removes it all."""

import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stresslib import (  # noqa: E402
    PAGE, ReadOnlyInvariant, cli_argv, run_measured, say,
)
from shmlens_testlib import (  # noqa: E402
    POSIX_DIR, Helper, PosixSegment, SysvSegment, cli_path, nested_header, run_cli, sysv_row,
)

N_POSIX = 10000
N_SYSV = 1000
LIST_BOUND = 30.0                 # seconds
N_PROCESSES = 500
GIB = 1 << 30
MEMORY_BUDGET_KIB = 1024 * 1024   # 1 GiB of peak RSS for any run on a huge layout
STREAMING_KIB = 64 * 1024         # `layout` prints as it goes: its peak RSS is the layout's


def cli_is_sanitized():
    """Whether the CLI under test is the AddressSanitizer build (build-aux/test's
    second pass), which runs many times slower and with shadow memory."""
    result = subprocess.run(['ldd', cli_path()], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    return 'libasan' in result.stdout
MAX_VALUES = 1 << 20              # what show decodes at most (src/cli/shmlens-cli-show.c)


def member_names(count):
    """count distinct short C identifiers."""
    letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
    names = []
    length = 1
    while len(names) < count:
        n = len(letters) ** length
        for i in range(n):
            name = ''
            for _ in range(length):
                i, r = divmod(i, len(letters))
                name += letters[r]
            names.append(name)
            if len(names) == count:
                break
        length += 1
    return names


class Scale(unittest.TestCase):

    def test_11000_segments(self):
        start = time.monotonic()
        tag = 'scale-%d' % os.getpid()
        posix = []
        sysv = []
        try:
            for i in range(N_POSIX):
                # sizes vary: empty, one byte with data, a sparse page, a sparse MiB
                kind = i % 4
                posix.append(PosixSegment(size=(0, 1, PAGE, 1 << 20)[kind],
                                          data=b'x' if kind == 1 else b'', tag=tag))
            for i in range(N_SYSV):
                sysv.append(SysvSegment(size=(1, PAGE, 1 << 20)[i % 3]))
            made = time.monotonic() - start
            say('made %d POSIX and %d System V segments in %.1f s' % (N_POSIX, N_SYSV, made))
            invariant = ReadOnlyInvariant()
            for seg in posix:
                invariant.add_posix(seg)
            for seg in sysv:
                invariant.add_sysv(seg)
            snap_start = time.monotonic()
            before = invariant.snapshot()
            say('snapshot of the %d segments: %.1f s' % (len(invariant), time.monotonic() - snap_start))

            result = run_cli('list', '--json', '--kind=posix,sysv', timeout=LIST_BOUND + 30)
            self.assertEqual(result.returncode, 0, result.describe())
            entries = result.json()
            say('list --json --kind=posix,sysv: %d entries in %.3f s (%.1f MB of JSON)'
                % (len(entries), result.duration, len(result.stdout) / 1e6))
            self.assertLess(result.duration, LIST_BOUND)
            refs = [e['ref'] for e in entries]
            self.assertEqual(len(refs), len(set(refs)), 'a segment is listed twice')
            counted = {}
            for ref in refs:
                counted[ref] = counted.get(ref, 0) + 1
            missing = [s.ref for s in posix + sysv if counted.get(s.ref) != 1]
            self.assertEqual(missing[:10], [], '%d of our segments are not listed once'
                             % len(missing))
            by_ref = {e['ref']: e for e in entries}
            for seg in posix[:4] + sysv[:3]:
                size = seg.size if hasattr(seg, 'shmid') else seg.stat().st_size
                self.assertEqual(by_ref[seg.ref]['size'], size)
            ours = sum(1 for s in posix + sysv if s.ref in counted)
            say('all %d of ours are listed, each once' % ours)

            for args in (('list', '--json'), ('list', '--json', '--kind=all'), ('list',)):
                result = run_cli(*args, timeout=LIST_BOUND + 30)
                self.assertEqual(result.returncode, 0, result.describe())
                self.assertLess(result.duration, LIST_BOUND)
                if '--json' in args:
                    found = {e['ref'] for e in result.json()}
                else:
                    lines = result.out.rstrip('\n').split('\n')[1:]
                    found = {line.split(' ', 1)[0] for line in lines}
                    self.assertEqual(len(lines), len(found), 'the table lists a segment twice')
                self.assertTrue(all(s.ref in found for s in posix + sysv), args)
                say('%s: %.3f s' % (' '.join(args), result.duration))

            invariant.assert_unchanged(before, 'listing 11,000 segments')
            say('read-only: the %d segments are as they were' % len(before))
        finally:
            for seg in posix:
                seg.remove()
            for seg in sysv:
                seg.remove()
        prefix = ('shmlens-test-%s-' % tag).encode()
        self.assertEqual([n for n in os.listdir(os.fsencode(POSIX_DIR)) if n.startswith(prefix)], [])

    def test_500_processes_attached(self):
        seg = PosixSegment(size=PAGE * 4, data=b'shared by five hundred', tag='scale-attached')
        self.addCleanup(seg.remove)
        sysv = SysvSegment(size=PAGE * 4)
        self.addCleanup(sysv.remove)
        helper = Helper(timeout=30)
        self.addCleanup(helper.close)
        helper.map_file(seg.path, prot='r')
        helper.shmat(sysv.shmid, readonly=True)
        start = time.monotonic()
        pids = {helper.pid}
        for _ in range(N_PROCESSES - 1):
            pids.add(helper.fork())
        say('%d processes map %s and attach %s (forked in %.1f s)'
            % (len(pids), seg.ref, sysv.ref, time.monotonic() - start))
        self.assertEqual(len(pids), N_PROCESSES)
        self.assertEqual(sysv_row(sysv.shmid)['nattch'], N_PROCESSES)
        invariant = ReadOnlyInvariant()
        invariant.add_posix(seg)
        invariant.add_sysv(sysv)
        before = invariant.snapshot()

        for ref in (seg.ref, sysv.ref):
            result = run_cli('info', '--json', ref, timeout=60)
            self.assertEqual(result.returncode, 0, result.describe())
            info = result.json()
            listed = {a['pid'] for a in info['attachments'] if a['how'] == 'maps'}
            self.assertEqual(sorted(pids - listed)[:10], [], 'pids not listed by info')
            self.assertEqual(sorted(listed - pids)[:10], [], 'pids listed that do not map it')
            self.assertEqual(info['attached'], N_PROCESSES)
            if ref == sysv.ref:
                self.assertEqual(info['nattch'], N_PROCESSES)
            say('info --json %s: all %d pids, in %.3f s' % (ref, len(listed), result.duration))
            text = run_cli('info', ref, timeout=60)
            self.assertEqual(text.returncode, 0, text.describe())
            self.assertIn('\n%d processes attached\n' % N_PROCESSES, text.out)
            shown = {int(line.split()[0]) for line in text.out.split('processes attached\n', 1)[1]
                     .split('\n')[1:] if line.strip()}
            self.assertEqual(shown, pids)
            say('info %s: all %d pids, in %.3f s' % (ref, len(shown), text.duration))
        result = run_cli('list', '--json', '--kind=posix,sysv', timeout=60)
        attached = {e['ref']: e['attached'] for e in result.json()}
        self.assertEqual((attached[seg.ref], attached[sysv.ref]), (N_PROCESSES, N_PROCESSES))
        invariant.assert_unchanged(before, 'info on 500 attached processes')
        say('read-only: nattch is still %d; bytes, mtime and blocks unchanged' % N_PROCESSES)
        helper.close()
        self.assertEqual(sysv_row(sysv.shmid)['nattch'], 0)

    def test_64_gib_sparse_segment(self):
        size = 64 * GIB
        tail = os.urandom(PAGE)
        seg = PosixSegment(size=size, tag='scale-64g')
        self.addCleanup(seg.remove)
        seg.write(size - PAGE, tail)
        seg.write(32 * GIB + 5, b'in the middle')
        invariant = ReadOnlyInvariant()
        invariant.add_posix(seg)
        before = invariant.snapshot()
        blocks = seg.stat().st_blocks
        self.assertEqual(blocks * 512, 2 * PAGE)

        result = run_cli('list', '--json', '--kind=posix')
        self.assertEqual(result.returncode, 0, result.describe())
        entry = [e for e in result.json() if e['ref'] == seg.ref]
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry[0]['size'], size)
        self.assertEqual(entry[0]['resident'], 2 * PAGE)
        result = run_cli('info', seg.ref)
        self.assertIn('Size:         %d bytes\n' % size, result.out)

        result = run_cli('dump', '--format=raw', '--offset=%d' % (size - PAGE), seg.ref)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual(result.stdout, tail, 'the last page dumped is not the last page')
        say('dump --format=raw of the last 4 KiB of 64 GiB: %.3f s' % result.duration)
        for offset, length in ((size - 100, 100), (size - 37, 64), (32 * GIB, 32)):
            result = run_cli('dump', '--offset=%d' % offset, '--length=%d' % length, seg.ref)
            self.assertEqual(result.returncode, 0, result.describe())
            peer = subprocess.run(['hexdump', '-C', '-s', str(offset), '-n', str(length),
                                   seg.path], stdout=subprocess.PIPE, check=True).stdout
            self.assertEqual(result.stdout, peer, 'dump at %d differs from hexdump -C' % offset)
        result = run_cli('dump', '--format=raw', '--offset=%d' % size, seg.ref)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual(result.stdout, b'', 'bytes past the end')
        # a whole dump of the middle, across holes: 64 MiB of it, raw
        result = run_cli('dump', '--format=raw', '--offset=%d' % (32 * GIB - 32 * (1 << 20)),
                         '--length=%d' % (64 << 20), seg.ref, timeout=60)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual(len(result.stdout), 64 << 20)
        self.assertEqual(result.stdout[32 << 20:(32 << 20) + 18], b'\0\0\0\0\0in the middle')
        say('dump of 64 MiB across the middle (holes): %.3f s' % result.duration)

        self.assertEqual(seg.stat().st_blocks, blocks, 'pages were allocated')
        invariant.assert_unchanged(before, 'listing and dumping a 64 GiB sparse segment')
        say('read-only: 64 GiB listed and dumped at its end; st_blocks still %d (%d bytes)'
            % (blocks, blocks * 512))

    # -- 4 million fields --------------------------------------------------------

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix='shmlens-stress-layout-')
        cls.nested = os.path.join(cls.tmp.name, 'nested.h')
        with open(cls.nested, 'w') as f:
            f.write(nested_header(10))
        cls.array = os.path.join(cls.tmp.name, 'array.h')
        with open(cls.array, 'w') as f:
            f.write('struct p { int x; int y; };\nstruct big { struct p v[2000000]; };\n')
        cls.flat = os.path.join(cls.tmp.name, 'flat.h')
        with open(cls.flat, 'w') as f:
            f.write('struct flat { int ' + ', '.join(member_names(4000000)) + '; };\n')

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def layout_segment(self):
        seg = PosixSegment(size=16 << 20, data=os.urandom(1 << 20), tag='scale-layout')
        self.addCleanup(seg.remove)
        return seg

    def measured(self, *args, timeout=60, **kwargs):
        result = run_measured(cli_argv(*args), timeout, **kwargs)
        shown = ' '.join(a.replace(self.tmp.name + '/', '') for a in args)
        if result.timed_out:
            say('%s: killed after %d s' % (shown, timeout))
        else:
            say('%s: exit %s, %.2f s, peak RSS %.1f MiB'
                % (shown, result.returncode, result.elapsed, result.maxrss_mib))
        self.assertGreaterEqual(result.returncode, 0, 'killed by a signal:\n' + result.describe())
        return result

    def test_4_million_fields_refused_or_bounded(self):
        seg = self.layout_segment()
        invariant = ReadOnlyInvariant()
        invariant.add_posix(seg)
        before = invariant.snapshot()
        cases = [
            (self.nested, 'struct s10', 4 ** 11),
            (self.array, 'struct big', 4000000),
        ]
        for header, type_name, fields in cases:
            for command in (['show', seg.ref], ['watch', seg.ref, '--count=1'],
                            ['show', seg.ref, '--json']):
                with self.subTest(header=os.path.basename(header), command=command[0]):
                    result = self.measured(*command, '--layout=' + header, '--type=' + type_name)
                    self.assertFalse(result.timed_out, result.describe())
                    self.assertLess(result.maxrss_kib, MEMORY_BUDGET_KIB, result.describe())
                    self.assertEqual(result.returncode, 1, result.describe())
                    self.assertEqual(result.stdout, b'')
                    # “struct s10” has 4194304 values in 1 record, more than the 1048576 allowed
                    self.assertIn(type_name, result.err)
                    self.assertIn(str(fields), result.err)
                    self.assertIn(str(MAX_VALUES), result.err)
        # an array of structs is one member to `layout`
        for extra in ([], ['--json']):
            result = self.measured('layout', self.array, '--type=struct big', *extra)
            self.assertEqual(result.returncode, 0, result.describe())
            self.assertLess(result.maxrss_kib, MEMORY_BUDGET_KIB)
            self.assertIn(b'2000000', result.stdout)
        # 4,000,000 members declared one by one: a header larger than 16 MiB is refused
        self.assertGreater(os.path.getsize(self.flat), 16 << 20)
        for command in (['layout', self.flat], ['show', seg.ref, '--layout=' + self.flat]):
            result = self.measured(*command)
            self.assertEqual(result.returncode, 1, result.describe())
            self.assertIn('larger than 16 MiB', result.err)
            self.assertLess(result.maxrss_kib, MEMORY_BUDGET_KIB)
        invariant.assert_unchanged(before, 'show and watch --layout')

    def test_4_million_fields_largest_allowed_is_shown(self):
        seg = self.layout_segment()
        out = os.path.join(self.tmp.name, 'show.out')
        # struct s9: 4^10 = 1,048,576 values: exactly what show decodes at most
        result = self.measured('show', seg.ref, '--layout=' + self.nested, '--type=struct s9',
                               stdout_path=out)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertLess(result.maxrss_kib, MEMORY_BUDGET_KIB)
        with open(out, 'rb') as f:
            lines = f.read().split(b'\n')
        os.unlink(out)
        self.assertEqual(lines[-1], b'')
        self.assertEqual(len(lines) - 1, MAX_VALUES)
        self.assertTrue(lines[0].startswith(b'a.a.a.a.a.a.a.a.a.a = '), lines[0])
        self.assertTrue(lines[-2].startswith(b'd.d.d.d.d.d.d.d.d.d = '), lines[-2])
        result = self.measured('show', seg.ref, '--layout=' + self.nested, '--type=struct s9',
                               '--json', keep_stdout=False)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertLess(result.maxrss_kib, MEMORY_BUDGET_KIB)

    # `shmlens-cli layout FILE.h --type=T` took a time that grew with the square of
    # its output: line_width() (src/cli/shmlens-cli-layout.c) found the start of the
    # current line with strrchr() on the whole text printed so far (65,536 fields took
    # 95 s). It now looks back from the end.
    def test_4_million_fields_layout_text_in_time(self):
        if cli_is_sanitized():
            self.skipTest('the sanitizer build lays out 4 million fields many times slower '
                          'and in shadow memory: its time and memory say nothing here')
        small = os.path.join(self.tmp.name, 'small.h')
        with open(small, 'w') as f:
            f.write(nested_header(6))
        times = []
        for level in (4, 5, 6):
            result = self.measured('layout', small, '--type=struct s%d' % level, keep_stdout=False)
            self.assertEqual(result.returncode, 0, result.describe())
            times.append((4 ** (level + 1), result.elapsed))
        say('layout (text): %s' % ', '.join('%d fields %.2f s' % t for t in times))
        result = self.measured('layout', self.nested, '--type=struct s10', timeout=15,
                               keep_stdout=False)
        self.assertFalse(result.timed_out, 'layout of 4,194,304 fields did not finish in 15 s')
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertLess(result.maxrss_kib, STREAMING_KIB,
                        'peak RSS %.0f MiB for 300 MB of text' % result.maxrss_mib)

    # `shmlens-cli layout FILE.h --type=T --json` built the whole JSON document in
    # memory before it printed it: 1.8 GiB of peak RSS for the 4,194,304 fields of
    # struct s10 (1.9 GB of JSON). The writer (src/cli/shmlens-cli-json.c) now prints
    # it in pieces of 64 KiB as it goes.
    def test_4_million_fields_layout_json_within_budget(self):
        result = self.measured('layout', self.nested, '--type=struct s10', '--json',
                               timeout=60, keep_stdout=False)
        self.assertFalse(result.timed_out, result.describe())
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertLess(result.maxrss_kib, MEMORY_BUDGET_KIB if cli_is_sanitized() else STREAMING_KIB,
                        'peak RSS %.0f MiB for layout --json of 4,194,304 fields'
                        % result.maxrss_mib)


if __name__ == '__main__':
    unittest.main(verbosity=2)
