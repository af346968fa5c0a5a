# SPDX-License-Identifier: GPL-3.0-or-later
"""test-cli-watch.py: `shmlens-cli watch` reports what a real writer process does.

A writer (a child Python process holding its own descriptor to the segment) changes
known ranges, resizes, removes and re-creates a /dev/shm segment while watch runs;
watch must report exactly that, in text and in JSON, and survive a storm of
truncations."""

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shmlens_testlib import PosixSegment, cli_path, run_cli  # noqa: E402

TIME_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$')
TEXT_CHANGE_RE = re.compile(
    r'^(?P<time>\S+) change offset=0x(?P<offset>[0-9a-f]+) length=(?P<length>\d+) '
    r'old=(?P<old>[0-9a-f]*)(?P<cut_old>…)? new=(?P<new>[0-9a-f]*)(?P<cut_new>…)?'
    r'(?: \(first (?P<shown>\d+) of (?P<total>\d+) bytes shown\))?$')
TEXT_SIZE_RE = re.compile(r'^(?P<time>\S+) size old_size=(?P<old>\d+) new_size=(?P<new>\d+)$')

# The writer: another process with its own descriptor, running a plan of steps given
# as JSON. It waits for a line on stdin before starting, so that the test can let
# watch take its baseline first. Steps: ["write", offset, hex], ["truncate", size],
# ["sleep", seconds], ["unlink"], ["recreate", size, hex] (a new file under the same
# name), ["storm", cycles, size, pause] (truncate to 0 and regrow, writing a byte).
WRITER = r'''
import json, os, sys, time
path, plan = sys.argv[1], json.loads(sys.argv[2])
fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
sys.stdin.readline()
for step in plan:
    op = step[0]
    if op == 'write':
        os.pwrite(fd, bytes.fromhex(step[2]), step[1])
    elif op == 'truncate':
        os.ftruncate(fd, step[1])
    elif op == 'sleep':
        time.sleep(step[1])
    elif op == 'unlink':
        os.unlink(path)
    elif op == 'recreate':
        new = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        os.ftruncate(new, step[1])
        os.pwrite(new, bytes.fromhex(step[2]), 0)
        os.close(new)
    elif op == 'storm':
        cycles, size, pause = step[1], step[2], step[3]
        for i in range(cycles):
            os.ftruncate(fd, 0)
            time.sleep(pause)
            os.ftruncate(fd, size)
            os.pwrite(fd, bytes([i % 255 + 1]), (i * 4099) % size)
            time.sleep(pause)
print('done', flush=True)
'''

PAUSE = 0.25     # between writer steps: many watch intervals, even on a busy machine
INTERVAL = '20'  # ms


def flipped(data):
    return bytes(b ^ 0xff for b in data)


class Writer:
    """The writer process; start() lets it run its plan."""

    def __init__(self, segment, plan):
        self.proc = subprocess.Popen([sys.executable, '-c', WRITER, segment.path, json.dumps(plan)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def start(self):
        self.proc.stdin.write(b'go\n')
        self.proc.stdin.flush()

    def wait(self, timeout=60):
        out, _ = self.proc.communicate(timeout=timeout)
        if self.proc.returncode != 0 or out.strip() != b'done':
            raise AssertionError('the writer failed (exit %s)' % self.proc.returncode)


class Watch:
    """shmlens-cli watch in the background; its stdout and stderr lines arrive on queues."""

    def __init__(self, *args):
        self.argv = [cli_path(), 'watch'] + list(args)
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True)
        self.out = queue.Queue()
        self.err = queue.Queue()
        self.out_lines = []
        self.err_lines = []
        self.pumps = [threading.Thread(target=self._pump, args=(stream, q), daemon=True)
                      for stream, q in ((self.proc.stdout, self.out),
                                        (self.proc.stderr, self.err))]
        for pump in self.pumps:
            pump.start()

    @staticmethod
    def _pump(stream, q):
        for line in stream:
            q.put(line.decode('utf-8').rstrip('\n'))
        q.put(None)

    def _next(self, q, lines, timeout):
        try:
            line = q.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise AssertionError('watch printed nothing for %s s\n%s' % (timeout, self.describe()))
        if line is not None:
            lines.append(line)
        return line

    def next_out(self, timeout=10):
        return self._next(self.out, self.out_lines, timeout)

    def next_err(self, timeout=10):
        return self._next(self.err, self.err_lines, timeout)

    def wait_started_json(self):
        event = json.loads(self.next_out())
        assert event['event'] == 'start', event
        return event

    def wait_started_text(self):
        line = self.next_err()
        assert line is not None and line.startswith('Watching '), self.describe()

    def finish(self, timeout=20):
        """Waits for watch to exit by itself; returns (exit status, stdout lines)."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError('watch did not exit within %s s\n%s' % (timeout, self.describe()))
        while self.next_out() is not None:
            pass
        while self.next_err() is not None:
            pass
        self.close()
        return self.proc.returncode, self.out_lines

    def close(self):
        """Closes the pipes once the process is gone and the pumps have read them out."""
        for pump in self.pumps:
            pump.join(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def describe(self):
        return 'command: %s\nstdout so far:\n%s\nstderr so far:\n%s' % (
            ' '.join(self.argv), '\n'.join(self.out_lines[-40:]), '\n'.join(self.err_lines[-40:]))


def json_events(lines):
    events = [json.loads(line) for line in lines]
    for event in events:
        assert TIME_RE.match(event['time']), event
    return events


class WatchTest(unittest.TestCase):

    def setUp(self):
        self.watches = []
        self.writers = []

    def tearDown(self):
        for watch in self.watches:
            watch.kill()
            watch.proc.wait()
            watch.close()
        for writer in self.writers:
            if writer.proc.poll() is None:
                writer.proc.kill()
            writer.proc.wait()

    def writer(self, segment, plan):
        writer = Writer(segment, plan)
        self.writers.append(writer)
        return writer

    def watch(self, *args):
        watch = Watch(*args)
        self.watches.append(watch)
        return watch

    def run_plan(self, segment, plan, *args, text=False):
        """Starts watch with ARGS, lets the writer run PLAN, and returns watch's exit
        status and stdout lines once it exits by itself."""
        writer = self.writer(segment, plan)
        watch = self.watch(segment.ref, '--interval=' + INTERVAL, *args)
        if text:
            watch.wait_started_text()
        else:
            start = watch.wait_started_json()
            self.assertEqual(start['ref'], segment.ref)
            self.assertEqual(start['size'], segment.stat().st_size)
        writer.start()
        writer.wait()
        status, lines = watch.finish()
        return status, lines if text else json_events(lines[1:])

    def test_json_reports_exact_ranges(self):
        data = os.urandom(4096)
        with PosixSegment(data=data) as seg:
            plan = [['write', 16, flipped(data[16:20]).hex()], ['sleep', PAUSE],
                    ['write', 1000, flipped(data[1000:1100]).hex()], ['sleep', PAUSE],
                    ['write', 2000, flipped(data[2000:2020]).hex()], ['sleep', PAUSE],
                    # the same bytes again: no change
                    ['write', 3000, data[3000:3500].hex()], ['sleep', PAUSE],
                    ['write', 4090, flipped(data[4090:]).hex()], ['sleep', PAUSE]]
            status, events = self.run_plan(seg, plan, '--json', '--count=4')
        self.assertEqual(status, 0)
        self.assertEqual([(e['event'], e['offset'], e['length']) for e in events],
                         [('change', 16, 4), ('change', 1000, 100), ('change', 2000, 20),
                          ('change', 4090, 6)])
        for e in events:
            end = e['offset'] + e['length']
            self.assertEqual(e['old'], data[e['offset']:end].hex())
            self.assertEqual(e['new'], flipped(data[e['offset']:end]).hex())
            self.assertFalse(e['truncated'])
            self.assertEqual(e['shown'], e['length'])

    def test_text_reports_exact_ranges(self):
        data = os.urandom(8192)
        with PosixSegment(data=data) as seg:
            plan = [['write', 0x123, flipped(data[0x123:0x127]).hex()], ['sleep', PAUSE],
                    ['write', 0x1000, flipped(data[0x1000:0x1000 + 100]).hex()],
                    ['sleep', PAUSE]]
            status, lines = self.run_plan(seg, plan, '--count=2', text=True)
        self.assertEqual(status, 0)
        self.assertEqual(len(lines), 2, lines)
        first = TEXT_CHANGE_RE.match(lines[0])
        second = TEXT_CHANGE_RE.match(lines[1])
        self.assertTrue(first and second, lines)
        self.assertTrue(TIME_RE.match(first['time']), lines[0])
        self.assertEqual((int(first['offset'], 16), int(first['length'])), (0x123, 4))
        self.assertEqual(first['old'], data[0x123:0x127].hex())
        self.assertEqual(first['new'], flipped(data[0x123:0x127]).hex())
        self.assertIsNone(first['cut_old'])
        # a long run: the first 32 bytes and a note that says so
        self.assertEqual((int(second['offset'], 16), int(second['length'])), (0x1000, 100))
        self.assertEqual(second['old'], data[0x1000:0x1000 + 32].hex())
        self.assertEqual(second['new'], flipped(data[0x1000:0x1000 + 32]).hex())
        self.assertEqual((second['cut_old'], second['cut_new']), ('…', '…'))
        self.assertEqual((second['shown'], second['total']), ('32', '100'))

    def test_json_long_runs_are_capped(self):
        data = os.urandom(8192)
        with PosixSegment(data=data) as seg:
            plan = [['write', 100, flipped(data[100:1100]).hex()], ['sleep', PAUSE]]
            status, events = self.run_plan(seg, plan, '--json', '--count=1')
            self.assertEqual(status, 0)
            self.assertEqual(len(events), 1)
            e = events[0]
            self.assertEqual((e['offset'], e['length'], e['truncated'], e['shown']),
                             (100, 1000, True, 256))
            self.assertEqual(e['old'], data[100:356].hex())
            self.assertEqual(e['new'], flipped(data[100:356]).hex())

            # --max-bytes=0 shows all of it
            plan = [['write', 100, data[100:1100].hex()], ['sleep', PAUSE]]
            status, events = self.run_plan(seg, plan, '--json', '--count=1', '--max-bytes=0')
            self.assertEqual(status, 0)
            e = events[0]
            self.assertEqual((e['offset'], e['length'], e['truncated']), (100, 1000, False))
            self.assertEqual(e['old'], flipped(data[100:1100]).hex())
            self.assertEqual(e['new'], data[100:1100].hex())

    def test_offset_and_length_choose_the_range(self):
        data = os.urandom(4096)
        with PosixSegment(data=data) as seg:
            plan = [['write', 0x80, flipped(data[0x80:0x90]).hex()], ['sleep', PAUSE],
                    ['write', 0x300, flipped(data[0x300:0x310]).hex()], ['sleep', PAUSE],
                    ['write', 0x150, flipped(data[0x150:0x152]).hex()], ['sleep', PAUSE],
                    ['write', 0x1f0, flipped(data[0x1f0:0x210]).hex()], ['sleep', PAUSE]]
            status, events = self.run_plan(seg, plan, '--json', '--count=2',
                                           '--offset=0x100', '--length=256')
        self.assertEqual(status, 0)
        self.assertEqual([(e['offset'], e['length']) for e in events],
                         [(0x150, 2), (0x1f0, 16)])
        self.assertEqual(events[1]['new'], flipped(data[0x1f0:0x200]).hex())

    def test_size_changes_are_reported(self):
        data = os.urandom(4096)
        with PosixSegment(data=data) as seg:
            plan = [['truncate', 8192], ['sleep', PAUSE],
                    ['write', 6000, 'abcdef'], ['sleep', PAUSE],
                    ['truncate', 1000], ['sleep', PAUSE]]
            status, events = self.run_plan(seg, plan, '--json', '--count=3')
        self.assertEqual(status, 0)
        self.assertEqual(events[0], dict(events[0], event='size', old_size=4096, new_size=8192))
        self.assertEqual((events[1]['event'], events[1]['offset'], events[1]['length'],
                          events[1]['old'], events[1]['new']), ('change', 6000, 3, '000000', 'abcdef'))
        self.assertEqual(events[2], dict(events[2], event='size', old_size=8192, new_size=1000))

    def test_size_changes_in_text(self):
        with PosixSegment(size=4096) as seg:
            plan = [['truncate', 10000], ['sleep', PAUSE]]
            status, lines = self.run_plan(seg, plan, '--count=1', text=True)
        self.assertEqual(status, 0)
        match = TEXT_SIZE_RE.match(lines[0])
        self.assertTrue(match, lines)
        self.assertEqual((match['old'], match['new']), ('4096', '10000'))

    def test_removal_is_reported_and_watching_goes_on(self):
        data = os.urandom(4096)
        with PosixSegment(data=data) as seg:
            plan = [['unlink'], ['sleep', PAUSE],
                    ['write', 64, flipped(data[64:72]).hex()], ['sleep', PAUSE]]
            status, events = self.run_plan(seg, plan, '--json', '--count=2')
            self.assertFalse(os.path.exists(seg.path))
        self.assertEqual(status, 0)
        # (a busy machine may let both happen within one interval; then the change
        # comes first, as watch reports a refresh's changes before the removal)
        removed = [e for e in events if e['event'] == 'removed']
        changes = [e for e in events if e['event'] == 'change']
        self.assertEqual([e['ref'] for e in removed], [seg.ref], events)
        # the writer still holds the bytes, written after the unlink, and watch sees them
        self.assertEqual([(e['offset'], e['length'], e['new']) for e in changes],
                         [(64, 8, flipped(data[64:72]).hex())], events)

    def test_replacement_is_reported_and_ends_watching(self):
        with PosixSegment(size=4096) as seg:
            plan = [['unlink'], ['recreate', 4096, '11223344'], ['sleep', PAUSE]]
            # no --count: watch must end by itself, with status 0
            status, events = self.run_plan(seg, plan, '--json')
            self.assertEqual(seg.read()[:4], bytes.fromhex('11223344'))
        self.assertEqual(status, 0)
        kinds = [e['event'] for e in events]
        self.assertEqual(kinds[-1], 'replaced', events)
        self.assertIn('removed', kinds)
        self.assertLess(kinds.index('removed'), kinds.index('replaced'))
        self.assertEqual(events[-1]['ref'], seg.ref)
        # the new segment's bytes are not reported as changes of the old one
        self.assertNotIn('change', kinds)

    def test_replacement_in_text(self):
        with PosixSegment(size=4096) as seg:
            plan = [['unlink'], ['recreate', 100, '00'], ['sleep', PAUSE]]
            status, lines = self.run_plan(seg, plan, text=True)
        self.assertEqual(status, 0)
        self.assertRegex(lines[-1], r'^\S+ replaced %s: ' % re.escape(seg.ref))

    def test_truncation_storm(self):
        size = 64 * 1024
        with PosixSegment(data=os.urandom(size)) as seg:
            writer = self.writer(seg, [['storm', 400, size, 0.002]])
            watch = self.watch(seg.ref, '--json', '--interval=3')
            watch.wait_started_json()
            writer.start()
            writer.wait()
            # still alive, and still reporting a change made after the storm
            self.assertIsNone(watch.proc.poll(), watch.describe())
            seg.write(5, b'\xaa\xbb')
            while True:
                line = watch.next_out()
                self.assertIsNotNone(line, 'watch ended early\n' + watch.describe())
                if '"aabb"' in line:
                    break
            self.assertIsNone(watch.proc.poll(), watch.describe())
            watch.proc.send_signal(signal.SIGTERM)
            status, lines = watch.finish()
        self.assertEqual(status, 0, watch.describe())
        events = json_events(lines[1:])
        sizes = [e for e in events if e['event'] == 'size']
        self.assertGreater(len(sizes), 10, 'size changes went unnoticed')
        previous = size
        for e in sizes:
            self.assertEqual(e['old_size'], previous)
            self.assertIn(e['new_size'], (0, size))
            self.assertNotEqual(e['new_size'], e['old_size'])
            previous = e['new_size']
        for e in events:
            self.assertIn(e['event'], ('size', 'change'))
            if e['event'] == 'change':
                self.assertLessEqual(e['offset'] + e['length'], size)
                self.assertEqual(len(e['new']), 2 * min(e['length'], 256))
        # (within one refresh changes come in order of offset, so the storm's last
        # byte may follow it)
        self.assertIn((5, 2, '0000', 'aabb'),
                      [(e['offset'], e['length'], e['old'], e['new'])
                       for e in events if e['event'] == 'change'])

    def test_signals_end_watching_cleanly(self):
        with PosixSegment(size=4096) as seg:
            for sig in (signal.SIGINT, signal.SIGTERM):
                watch = self.watch(seg.ref, '--json')
                watch.wait_started_json()
                watch.proc.send_signal(sig)
                status, lines = watch.finish()
                self.assertEqual(status, 0, watch.describe())
                self.assertEqual(len(lines), 1)

    def test_large_segment_window_is_capped_with_a_notice(self):
        with PosixSegment(size=256 * 1024 * 1024) as seg:
            plan = [['write', 100 * 1024 * 1024, 'ff'], ['sleep', PAUSE],
                    ['write', 10, 'ee'], ['sleep', PAUSE]]
            writer = self.writer(seg, plan)
            watch = self.watch(seg.ref, '--json', '--count=1', '--interval=' + INTERVAL)
            start = watch.wait_started_json()
            self.assertEqual((start['offset'], start['length']), (0, 64 * 1024 * 1024))
            writer.start()
            writer.wait()
            status, lines = watch.finish()
            self.assertEqual(status, 0)
            notice = '\n'.join(watch.err_lines)
            self.assertIn('64 MiB', notice)
            self.assertIn('--offset', notice)
            self.assertIn('--length', notice)
            events = json_events(lines[1:])
            self.assertEqual([(e['offset'], e['new']) for e in events], [(10, 'ee')])
            # reading never allocated the holes: only the two written pages are there
            self.assertLessEqual(seg.stat().st_blocks * 512, 2 * 4096)

    def test_usage_and_errors(self):
        for args in ([], ['/a', '/b'], ['/x', '--interval=0'], ['/x', '--count=-1'],
                     ['/x', '--offset=abc'], ['/x', '--length=2T'], ['/x', '--bogus']):
            result = run_cli('watch', *args)
            self.assertEqual(result.returncode, 2, result.describe())
            self.assertIn('watch --help', result.err)
        result = run_cli('watch', '/shmlens-test-watch-no-such-segment-%d' % os.getpid())
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertIn('shmlens-test-watch-no-such-segment', result.err)
        self.assertEqual(result.stdout, b'')

        result = run_cli('watch', '--help')
        self.assertEqual(result.returncode, 0)
        for word in ('REF', '--interval', '--count', '--json', 'replaced', 'Exit status'):
            self.assertIn(word, result.out)


if __name__ == '__main__':
    unittest.main(verbosity=2)
