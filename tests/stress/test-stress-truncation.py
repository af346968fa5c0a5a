# SPDX-License-Identifier: GPL-3.0-or-later
"""test-stress-truncation: truncation storms under `shmlens-cli watch` and under the
app at 60 Hz.

A writer process (with its own descriptor) truncates a POSIX segment of 64 KiB and
grows it back, hundreds of thousands of times a second, rewriting 8 bytes each time,
for STORM seconds; then leaves it at FINAL_SIZE bytes with FINAL_VALUE at offset 0.

  test_storm_to_zero_cli
      Shrinking to 0, 1, 4095, 4097, a third and size-1: `watch --json --interval=5`
      throughout, a text watch at 1 ms interrupted (SIGINT) mid-storm, `info --json`
      and `list --json` now and then. Each watch exits 0 within 2 s of SIGINT; the
      last size event is the real size; sizes follow each other; then the read-only
      invariant.

  test_storm_app_at_60hz
      The app (`shmlens /NAME`) at 60 Hz and `watch --json` together. The rate comes
      from a GSettings keyfile backend of the app's own (GSETTINGS_BACKEND=keyfile,
      XDG_CONFIG_HOME holding refresh-rate=60) and is read back through AT-SPI from
      the header bar's spin button “Refresh rate”. The app must answer AT-SPI within
      5 s all along, survive, print no CRITICAL or WARNING, and show the final size
      (window subtitle, banner, the segment list's row) and value (data inspector).
      Here the storm shrinks the segment to no less than 5/8 of its size, so that it
      stays mostly allocated: see the next test for why.

  test_storm_to_zero_app_crashes_known_bug  (expected failure)
      The app under the storm to 0 aborts: shmlens-tracker.c hash_blocks()
      `g_assert (count > 0)`, reached through a race between the SEEK_DATA and the
      SEEK_HOLE of shmlens_reader_find_data() (a page seen as data is a hole a moment
      later, so the extent it returns is empty). It happens by itself about once a
      minute of storm; to make it certain, the app runs under strace, which delays the
      return of each lseek by 2 ms (the window in which the writer truncates and
      regrows). Skipped without strace."""

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stresslib import (  # noqa: E402
    PAGE, App, AppSessionTestCase, ReadOnlyInvariant, e2e, register_cleanup, say,
)
from shmlens_testlib import PosixSegment, cli_path, run_cli  # noqa: E402

SIZE = 64 * 1024
FINAL_SIZE = 100000           # "97.7 KiB": none of the storm's sizes
FINAL_VALUE = 0x5EED1234      # uint32 LE at offset 0 when the storm is over
STORM = 7.0                   # seconds
MIN_RATE = 1000               # truncations a second, at least
SIGINT_BOUND = 2.0            # a watch must exit within this of SIGINT
ANSWER_BOUND = 5.0            # the app must answer an AT-SPI query within this
WAIT = 10.0

TO_ZERO = [0, 1, PAGE - 1, PAGE + 1, SIZE // 3, SIZE - 1]
# At least 5/8 of the segment stays: it is always more than half allocated.
DENSE = [SIZE * 5 // 8 + 1, SIZE * 3 // 4, SIZE - PAGE - 1, SIZE - 1, SIZE * 5 // 8 + PAGE - 1]

# The writer: truncates to each of SHRINK in turn and grows back to SIZE, writing 8
# random bytes each time, until STORM seconds have passed; then grows the segment to
# FINAL_SIZE with FINAL_VALUE at 0. Waits for a line on stdin before starting;
# prints {"cycles", "seconds"}.
WRITER = r'''
import json, os, random, struct, sys, time
path, size, shrink, storm, final_size, final_value = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
sys.stdin.readline()
start = time.monotonic()
end = start + storm
cycles = 0
rng = random.Random(1234)
while True:
    for _ in range(64):
        os.ftruncate(fd, shrink[cycles % len(shrink)])
        os.ftruncate(fd, size)
        os.pwrite(fd, rng.randbytes(8), rng.randrange(size - 8))
        cycles += 1
    if time.monotonic() >= end:
        break
seconds = time.monotonic() - start
os.ftruncate(fd, final_size)
os.pwrite(fd, struct.pack('<I', final_value), 0)
os.pwrite(fd, b'the storm is over', final_size - 17)
os.close(fd)
print(json.dumps({'cycles': cycles, 'seconds': seconds}), flush=True)
'''


class Watch:
    """shmlens-cli watch in the background; stdout lines are collected by a thread."""

    def __init__(self, *args):
        self.argv = [cli_path(), 'watch'] + list(args)
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True)
        self.lines = queue.Queue()
        self.err = []
        self.threads = [threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put),
                                         daemon=True),
                        threading.Thread(target=self._pump, args=(self.proc.stderr, self.err.append),
                                         daemon=True)]
        for t in self.threads:
            t.start()
        register_cleanup(self.kill)

    @staticmethod
    def _pump(stream, put):
        for line in stream:
            put(line)
        put(None)

    def first_line(self, timeout=WAIT):
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError('watch printed nothing within %s s' % timeout)

    def interrupt(self):
        """SIGINT; returns (exit status, seconds it took to exit)."""
        start = time.monotonic()
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError('watch did not exit within 30 s of SIGINT (killed)')
        took = time.monotonic() - start
        for t in self.threads:
            t.join(10)
        return self.proc.returncode, took

    def rest(self):
        """The stdout lines not read yet, once it has exited."""
        lines = []
        while True:
            line = self.lines.get(timeout=WAIT)
            if line is None:
                return lines
            lines.append(line)

    def err_text(self):
        return b''.join(line for line in self.err if line is not None).decode(errors='replace')

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()

    def close(self):
        self.kill()
        for t in self.threads:
            t.join(10)
        self.proc.stdout.close()
        self.proc.stderr.close()


class TruncationStorm(AppSessionTestCase):

    def setUp(self):
        self.seg = PosixSegment(data=os.urandom(SIZE), tag='storm')
        self.addCleanup(self.seg.remove)
        self.invariant = ReadOnlyInvariant()
        self.invariant.add_posix(self.seg)

    # -- pieces ---------------------------------------------------------------

    def start_writer(self, shrink, storm=STORM):
        writer = subprocess.Popen([sys.executable, '-c', WRITER, self.seg.path, str(SIZE),
                                   json.dumps(shrink), str(storm), str(FINAL_SIZE),
                                   str(FINAL_VALUE)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)

        def end():
            if writer.poll() is None:
                writer.kill()
            writer.wait()
            writer.stdin.close()
            writer.stdout.close()
        self.addCleanup(end)
        register_cleanup(lambda: writer.poll() is None and writer.kill())
        return writer

    def go(self, writer):
        writer.stdin.write(b'go\n')
        writer.stdin.flush()
        say('the storm began')
        return time.monotonic()

    def storm_over(self, writer):
        out, _ = writer.communicate(timeout=60)
        self.assertEqual(writer.returncode, 0)
        report = json.loads(out)
        rate = report['cycles'] / report['seconds']
        say('the storm is over: %d truncate-and-regrow cycles in %.2f s (%.0f a second)'
            % (report['cycles'], report['seconds'], rate))
        self.assertGreaterEqual(rate, MIN_RATE, 'the storm was too slow to test anything')
        self.assertEqual(os.stat(self.seg.path).st_size, FINAL_SIZE)
        return rate

    def start_watch(self, *args):
        watch = Watch(self.seg.ref, *args)
        self.addCleanup(watch.close)
        return watch

    def start_app(self, wrapper=()):
        app = App(self.session, ['/' + self.seg.name.decode()], settings={'refresh-rate': '60'},
                  wrapper=wrapper)
        self.addCleanup(app.stop)
        app.start()
        m = e2e()
        title = '/%s — Shmlens' % self.seg.name.decode()
        app.poll(lambda: app.frame.name == title, WAIT, 'the window title %r' % title)
        spin = app.poll(lambda: app.find(lambda a: m.role(a) == 'spin button'
                                         and a.name == 'Refresh rate'),
                        WAIT, 'the spin button “Refresh rate”')
        rate = spin.queryValue().currentValue
        self.assertEqual(rate, 60, 'the keyfile backend did not set the refresh rate')
        say('the app shows %s, refreshing at %g Hz (spin button “Refresh rate”)' % (title, rate))
        return app

    def inspector_value(self, app):
        m = e2e()
        inspector = app.find(lambda a: a.name == 'Data inspector')
        label = m.find(inspector, lambda a: m.role(a) == 'label' and a.name == 'uint32 little-endian')
        return m.text_of(label)

    def check_watch_after(self, watch, start_size=SIZE):
        """SIGINT ends it within the bound, exit 0; its size events chain from
        start_size to the real size."""
        self.assertIsNone(watch.proc.poll(), 'watch exited during the storm: %s' % watch.err_text())
        status, took = watch.interrupt()
        say('watch --json interrupted after the storm: exit %d after %.3f s' % (status, took))
        self.assertEqual(status, 0, watch.err_text())
        self.assertLess(took, SIGINT_BOUND)
        events = [json.loads(line) for line in watch.rest()]
        sizes = [e for e in events if e['event'] == 'size']
        self.assertGreater(len(sizes), 10, 'watch saw too few of the storm\'s size changes')
        previous = start_size
        for e in sizes:
            self.assertEqual(e['old_size'], previous, e)
            self.assertNotEqual(e['new_size'], e['old_size'], e)
            previous = e['new_size']
        real = os.stat(self.seg.path).st_size
        self.assertEqual(sizes[-1]['new_size'], real, 'watch\'s last size is not the real size')
        for e in events:
            self.assertIn(e['event'], ('size', 'change'), e)
            if e['event'] == 'change':
                self.assertLessEqual(e['offset'] + e['length'], max(SIZE, FINAL_SIZE), e)
        changes = [e for e in events if e['event'] == 'change']
        say('watch --json reported %d size changes and %d byte changes; its last size: %d '
            '(the segment\'s: %d)' % (len(sizes), len(changes), sizes[-1]['new_size'], real))

    def check_read_only_after(self, what):
        """Once the writer is done, a further while of reading changes nothing."""
        time.sleep(0.3)
        before = self.invariant.snapshot()
        time.sleep(1.5)
        self.invariant.assert_unchanged(before, what)
        state = before[('posix', self.seg.path)]
        say('read-only: 1.5 s more of %s left bytes, size %d, mtime and %d blocks as they were'
            % (what, state['size'], state['blocks']))

    # -- the tests --------------------------------------------------------------

    def test_storm_to_zero_cli(self):
        writer = self.start_writer(TO_ZERO)
        watch = self.start_watch('--json', '--interval=5')
        start = json.loads(watch.first_line())
        self.assertEqual((start['event'], start['size']), ('start', SIZE), start)
        interrupted = self.start_watch('--interval=1')
        began = self.go(writer)
        cli_runs = 0
        while writer.poll() is None and time.monotonic() - began < STORM + 30:
            if interrupted.proc.poll() is None and time.monotonic() - began > STORM / 2:
                status, took = interrupted.interrupt()
                say('watch (text, every 1 ms) interrupted mid-storm: exit %d after %.3f s'
                    % (status, took))
                self.assertEqual(status, 0, interrupted.err_text())
                self.assertLess(took, SIGINT_BOUND, 'watch took %.2f s to exit on SIGINT' % took)
            for args in (('info', '--json', self.seg.ref), ('list', '--json', '--kind=posix')):
                result = run_cli(*args, timeout=20)
                self.assertEqual(result.returncode, 0, result.describe())
                result.json()
                cli_runs += 1
            time.sleep(0.2)
        self.storm_over(writer)
        self.assertIsNotNone(interrupted.proc.poll(), 'the storm ended before the interruption')
        say('%d runs of info --json and list --json during the storm, all exit 0 with JSON'
            % cli_runs)
        self.check_read_only_after('watching')
        self.check_watch_after(watch)
        self.assertEqual(run_cli('info', '--json', self.seg.ref).json()['size'], FINAL_SIZE)

    def test_storm_app_at_60hz(self):
        self.need_app()
        app = self.start_app()
        writer = self.start_writer(DENSE)
        watch = self.start_watch('--json', '--interval=5')
        self.assertEqual(json.loads(watch.first_line())['event'], 'start')
        began = self.go(writer)
        answers = []
        while writer.poll() is None and time.monotonic() - began < STORM + 30:
            self.assertTrue(app.running(), 'the app died in the storm:\n' + app.output()[-3000:])
            answers.append(app.responds_within(ANSWER_BOUND))
            time.sleep(0.25)
        self.storm_over(writer)
        self.assertTrue(app.running(), 'the app died in the storm:\n' + app.output()[-3000:])
        say('the app answered AT-SPI during the storm within %.3f s at most (%d queries)'
            % (max(answers), len(answers)))

        m = e2e()
        name = self.seg.name.decode()
        # sizes are written with a no-break space before the unit
        subtitle = 'POSIX · 97.7\u00a0KiB · /%s' % name
        try:
            app.poll(lambda: subtitle in app.texts_of_labels(), WAIT,
                     'the window subtitle %r' % subtitle)
        except m.Failure:
            raise AssertionError('the window subtitle does not say the final size %r; its '
                                 'labels: %r' % (subtitle, [t for t in app.texts_of_labels()
                                                            if '·' in t or 'KiB' in t]))
        banner_re = re.compile(r'grew to 97\.7\s?KiB \(100[^0-9]?000 bytes\)')
        try:
            banner = app.poll(lambda: [t for t in app.texts_of_labels() if banner_re.search(t)],
                              WAIT, 'the banner saying the segment grew to 100000 bytes')
        except m.Failure:
            raise AssertionError('no banner says the final size; labels: %r'
                                 % [t for t in app.texts_of_labels() if 'segment' in t])
        app.poll(lambda: self.inspector_value(app) == str(FINAL_VALUE), WAIT,
                 'the data inspector to show %d' % FINAL_VALUE)
        app.search_segments(name)
        app.poll(lambda: [r for r in app.segment_rows() if name in r and '97.7\u00a0KiB' in r],
                 WAIT, 'the segment list\'s row of %s to say 97.7 KiB' % name)
        say('the app shows the final state: subtitle %r, banner %r, uint32 %d, list row 97.7 KiB'
            % (subtitle, banner[0], FINAL_VALUE))

        self.check_read_only_after('the app at 60 Hz and watch')
        self.check_watch_after(watch)
        app.assert_healthy(self)
        say('the app is running and printed no CRITICAL or WARNING')

    # The app used to abort here: shmlens_reader_find_data() asks lseek(SEEK_DATA)
    # for data at or after an offset, then lseek(SEEK_HOLE) from there; a writer that
    # truncates and regrows the segment in between leaves an empty extent, and
    # shmlens_tracker_scan() asserted that it had at least one block to hash. It now
    # reads the block anyway. strace delays every lseek to make that window certain.
    def test_storm_to_zero_app_survives_racing_seeks(self):
        self.need_app()
        strace = shutil.which('strace')
        if strace is None:
            self.skipTest('no strace, which widens the race to make the crash certain '
                          '(without it the crash comes about once a minute of storm)')
        wrapper = [strace, '--seccomp-bpf', '-f', '-qq', '-o', '/dev/null', '-e', 'trace=lseek',
                   '-e', 'inject=lseek:delay_exit=2000']
        probe = subprocess.run(wrapper + ['true'], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
        if probe.returncode != 0:
            self.skipTest('strace cannot trace here: %s' % probe.stderr.decode(errors='replace'))
        app = self.start_app(wrapper)
        writer = self.start_writer(TO_ZERO, storm=3.0)
        began = self.go(writer)
        while writer.poll() is None and app.running() and time.monotonic() - began < 30:
            time.sleep(0.05)
        crashed = not app.running()
        if crashed:
            say('the app died %.2f s into the storm; it printed: %s'
                % (time.monotonic() - began, app.output().strip().splitlines()[-1:]))
        self.assertFalse(crashed, 'the app died in a truncation storm:\n' + app.output()[-2000:])
        self.storm_over(writer)
        app.assert_healthy(self)


if __name__ == '__main__':
    unittest.main(verbosity=2)
