# SPDX-License-Identifier: GPL-3.0-or-later
"""test-stress-churn: segments and processes that come and go while Shmlens looks.

  test_segment_churn
      A churn process creates and removes POSIX and System V segments as fast as it
      can (and now and then replaces a POSIX one: a new inode under the same name)
      while `shmlens-cli list --json --kind=all` runs in a loop (and the text table
      every few runs), and while the app, started with no arguments, refreshes its
      segment list. Every run exits 0 with well-formed output, never lists a segment
      twice (by reference, by inode or id), and always lists the two witness segments
      that stay, once. The app survives, answers, lists each churned name at most once
      whenever it is looked at, drops the churned segments once the churn is over,
      and prints no CRITICAL or WARNING.

  test_attachment_churn
      A process forks children that map a POSIX segment and attach a System V one,
      and kills them (SIGKILL) as fast as it can, while `shmlens-cli info` (JSON and
      text) lists their attachments in a loop. Every run exits 0, is well-formed,
      lists no attachment twice, counts the processes it lists, and always lists the
      one helper process that stays. Afterwards nattch is back to 1 (the helper).

Both end with the read-only invariant on the segments that stayed (bytes, size,
mtime, blocks; System V nattch), and with nothing of the churn left behind."""

import json
import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stresslib import (  # noqa: E402
    App, AppSession, AppUnavailable, ReadOnlyInvariant, register_cleanup, say,
    sweep_posix, sweep_sysv_created_by,
)
from shmlens_testlib import (  # noqa: E402
    Helper, PosixSegment, SysvSegment, run_cli, sysv_row, unique_name, wait_until,
)

CHURN = 10.0          # seconds of churn for each test
ANSWER_BOUND = 5.0

# Creates and removes segments until its stdin closes; keeps at most POOL of each
# kind alive; prints counts as JSON. Its segments are named PREFIX-N; System V ones
# are IPC_PRIVATE (swept by creator pid if it dies). A POSIX segment lives about
# 2 ms; one in every SLOW_EVERY lives SLOW_LIFE seconds instead, long enough for a
# refresh of the app's list to find it however slow the build (AddressSanitizer's
# took longer than the others live, and its list could see none of them).
SEGMENT_CHURN = r'''
import ctypes, json, os, random, select, signal, sys, time
libc = ctypes.CDLL('libc.so.6', use_errno=True)
libc.prctl(1, signal.SIGKILL, 0, 0, 0)      # PR_SET_PDEATHSIG
libc.shmget.argtypes = [ctypes.c_int, ctypes.c_size_t, ctypes.c_int]
libc.shmctl.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
prefix, pool = sys.argv[1], int(sys.argv[2])
SLOW_EVERY, SLOW_LIFE = 2000, 2.5
rng = random.Random()
posix, sysv, slow = [], [], []
counts = {'posix_created': 0, 'posix_removed': 0, 'posix_replaced': 0, 'posix_slow': 0,
          'sysv_created': 0, 'sysv_removed': 0}
n = 0
while not select.select([0], [], [], 0)[0]:
    now = time.monotonic()
    while slow and slow[0][1] <= now:
        os.unlink(slow.pop(0)[0])
        counts['posix_removed'] += 1
    for _ in range(20):
        n += 1
        path = '/dev/shm/%s-%d' % (prefix, n)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        os.ftruncate(fd, rng.choice([0, 1, 4096, 65536, 1 << 20]))
        os.pwrite(fd, b'churn %d' % n, 0)
        os.close(fd)
        counts['posix_created'] += 1
        if n % SLOW_EVERY == 0:
            slow.append((path, now + SLOW_LIFE))
            counts['posix_slow'] += 1
        else:
            posix.append(path)
        shmid = libc.shmget(0, rng.choice([1, 4096, 65536]), 0o1600)
        if shmid >= 0:
            sysv.append(shmid)
            counts['sysv_created'] += 1
        if len(posix) > pool or rng.random() < 0.45:
            os.unlink(posix.pop(rng.randrange(len(posix))))
            counts['posix_removed'] += 1
        if sysv and (len(sysv) > pool or rng.random() < 0.45):
            libc.shmctl(sysv.pop(rng.randrange(len(sysv))), 0, None)
            counts['sysv_removed'] += 1
        if posix and rng.random() < 0.1:     # a new segment under an old name
            path = posix[rng.randrange(len(posix))]
            os.unlink(path)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            os.ftruncate(fd, 4096)
            os.close(fd)
            counts['posix_replaced'] += 1
for path in posix + [path for path, _ in slow]:
    os.unlink(path)
for shmid in sysv:
    libc.shmctl(shmid, 0, None)
print(json.dumps(counts), flush=True)
'''

# Forks children that map PATH and attach SHMID, then sleep; kills them at random
# (keeping at most 20); until its stdin closes. Prints how many it made.
ATTACH_CHURN = r'''
import ctypes, mmap, os, random, select, signal, sys
libc = ctypes.CDLL('libc.so.6', use_errno=True)
libc.prctl(1, signal.SIGKILL, 0, 0, 0)
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.shmat.restype = ctypes.c_void_p
path, shmid = sys.argv[1], int(sys.argv[2])
rng = random.Random()
alive, made = [], 0
while not select.select([0], [], [], 0)[0]:
    pid = os.fork()
    if pid == 0:
        try:
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)
            fd = os.open(path, os.O_RDONLY)
            m = mmap.mmap(fd, 0, prot=mmap.PROT_READ)
            if rng.random() < 0.5:
                os.close(fd)
            libc.shmat(shmid, None, 0o10000)      # SHM_RDONLY
            select.select([], [], [], rng.random() * 0.05)
            select.select([], [], [])
        finally:
            os._exit(0)
    made += 1
    alive.append(pid)
    if len(alive) > 20 or rng.random() < 0.4:
        victim = alive.pop(rng.randrange(len(alive)))
        os.kill(victim, signal.SIGKILL)
    while True:
        try:
            done, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if done == 0:
            break
        if done in alive:
            alive.remove(done)
for pid in alive:
    os.kill(pid, signal.SIGKILL)
while True:
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
print(made, flush=True)
'''

ATTACH_ROW_RE = re.compile(
    r'^ *(?P<pid>\d+) (?P<command>.*?) +(?P<uid>\d+) (?:maps +0x[0-9a-f]{16} 0x[0-9a-f]{16} +\d+'
    r'|holds fd \d+ +) (?P<perms>[r-][w-][x-][sp]|----)$')
# (“----”: the descriptor's mode could not be read, its process exiting meanwhile;
# src/lib/shmlens-attachments.c)


class Churner:
    """A churn process started with @source and @args; stop() closes its stdin and
    returns what it printed."""

    def __init__(self, source, *args):
        self.proc = subprocess.Popen([sys.executable, '-c', source] + [str(a) for a in args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        register_cleanup(self.kill)

    def stop(self, timeout=30):
        out, _ = self.proc.communicate(timeout=timeout)   # closes stdin: it stops
        if self.proc.returncode != 0:
            raise AssertionError('the churn process failed (exit %s)' % self.proc.returncode)
        return out.decode().strip()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def running(self):
        return self.proc.poll() is None


class Churn(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.session = None
        cls.app = None
        try:
            cls.session = AppSession().start()
            cls.app = App(cls.session).start()
        except AppUnavailable as e:
            cls.no_app = str(e)
            say('the app is not tested: %s' % e)

    @classmethod
    def tearDownClass(cls):
        left = []
        if cls.app is not None:
            left += cls.app.stop()
        if cls.session is not None:
            left += cls.session.stop()
        if left:
            raise AssertionError('processes left running: %r' % left)

    def check_app(self):
        if self.app is None:
            return None
        self.assertTrue(self.app.running(), 'the app died:\n' + self.app.output()[-3000:])
        return self.app.responds_within(ANSWER_BOUND)

    # -- segments --------------------------------------------------------------

    def test_segment_churn(self):
        witness = PosixSegment(size=8192, data=b'the witness stays' * 10, tag='churn-witness')
        self.addCleanup(witness.remove)
        sysv_witness = SysvSegment(size=8192)
        self.addCleanup(sysv_witness.remove)
        sysv_witness.write(0, b'the System V witness stays')
        invariant = ReadOnlyInvariant()
        invariant.add_posix(witness)
        invariant.add_sysv(sysv_witness)
        before = invariant.snapshot()

        prefix = unique_name('churn')
        since = time.time()
        churner = Churner(SEGMENT_CHURN, prefix, 100)
        register_cleanup(lambda: sweep_posix(prefix))
        register_cleanup(lambda: sweep_sysv_created_by([churner.proc.pid], since))
        self.addCleanup(churner.kill)
        time.sleep(0.3)

        runs = table_runs = 0
        seen_posix = seen_sysv = 0
        app_looks = []
        durations = []
        start = time.monotonic()
        while time.monotonic() - start < CHURN:
            self.assertTrue(churner.running(), 'the churn process died')
            result = run_cli('list', '--json', '--kind=all', timeout=30)
            runs += 1
            durations.append(result.duration)
            self.assertEqual(result.returncode, 0, 'run %d:\n%s' % (runs, result.describe()))
            try:
                entries = json.loads(result.stdout.decode('utf-8'))
            except ValueError as e:
                self.fail('run %d: not JSON (%s):\n%s' % (runs, e, result.describe()))
            self.assertIsInstance(entries, list)
            refs = [e['ref'] for e in entries]
            twice = sorted({r for r in refs if refs.count(r) > 1})
            self.assertEqual(twice, [], 'run %d lists segments twice: %r' % (runs, twice))
            identities = [(e['kind'], e.get('id') if e['kind'] == 'sysv' else e.get('inode'),
                           e.get('pid'), e.get('fd')) for e in entries]
            self.assertEqual(len(identities), len(set(identities)),
                             'run %d lists one segment under two references' % runs)
            for e in entries:
                for key, kind in (('ref', str), ('kind', str), ('name', str), ('size', int),
                                  ('attached', int), ('orphan', bool)):
                    self.assertIsInstance(e.get(key), kind, 'run %d: %r' % (runs, e))
            self.assertEqual(refs.count(witness.ref), 1, 'run %d: the witness' % runs)
            self.assertEqual(refs.count(sysv_witness.ref), 1, 'run %d: the System V witness' % runs)
            seen_posix += sum(1 for e in entries if e['name'].startswith(prefix))
            seen_sysv += sum(1 for e in entries if e['kind'] == 'sysv'
                             and e.get('creator_pid') == churner.proc.pid)
            if runs % 5 == 0:
                table = run_cli('list', '--kind=all', timeout=30)
                table_runs += 1
                self.assertEqual(table.returncode, 0, table.describe())
                lines = table.out.rstrip('\n').split('\n')
                self.assertTrue(lines[0].startswith('REF '), lines[0])
                table_refs = [line.split(' ', 1)[0] for line in lines[1:]]
                self.assertEqual(len(table_refs), len(set(table_refs)),
                                 'the table lists a segment twice')
            if self.app is not None and runs % 4 == 0:
                app_looks.append(self.look_at_app_list(prefix))
        counts = json.loads(churner.stop())
        say('churn: %r in %.1f s' % (counts, time.monotonic() - start))
        say('%d runs of list --json --kind=all (%.3f s median, %.3f s at most) and %d of '
            'the table, all exit 0, well-formed, nothing twice; they saw %d churned POSIX '
            'and %d churned System V segments' % (runs, sorted(durations)[len(durations) // 2],
                                                  max(durations), table_runs, seen_posix,
                                                  seen_sysv))
        self.assertGreater(counts['posix_created'] + counts['sysv_created'], 1000,
                           'the churn was too slow to test anything')
        self.assertGreater(seen_posix, 0, 'no churned POSIX segment was ever listed')
        self.assertGreater(seen_sysv, 0, 'no churned System V segment was ever listed')
        self.assertEqual(sweep_posix(prefix), 0, 'the churn left POSIX segments')
        self.assertEqual(sweep_sysv_created_by([churner.proc.pid], since), 0,
                         'the churn left System V segments')

        if self.app is not None:
            rows = [n for look in app_looks for n in look]
            say('the app\'s list, looked at %d times during the churn, showed %d churned '
                'rows, none twice' % (len(app_looks), len(rows)))
            self.assertGreater(len(rows), 0, 'the app never listed a churned segment')
            # once the churn is over, the list drops them (it refreshes every second)
            self.app.poll(lambda: self.look_at_app_list(prefix) == [], 10,
                          'the app\'s list to drop the churned segments')
            self.app.search_segments(witness.name.decode())
            self.app.poll(lambda: len(self.look_at_app_list(witness.name.decode())) == 1, 10,
                          'the witness, once, in the app\'s list')
            self.app.search_segments('')
            self.app.assert_healthy(self)
            say('the app dropped the churned segments, lists the witness once, and printed '
                'no CRITICAL or WARNING')

        invariant.assert_unchanged(before, 'listing during the churn')
        say('read-only: the witnesses\' bytes, size, mtime, blocks and nattch are unchanged')

    def look_at_app_list(self, text):
        """Filters the app's segment list by @text; returns the names of the rows shown
        that contain it, after checking that none is shown twice."""
        self.check_app()
        self.app.search_segments(text)
        names = []
        for cells in self.app.segment_rows():
            names += [c for c in cells if text in c]
        twice = sorted({n for n in names if names.count(n) > 1})
        self.assertEqual(twice, [], 'the app lists %r twice' % twice)
        return names

    # -- attachments -------------------------------------------------------------

    def test_attachment_churn(self):
        target = PosixSegment(size=16384, data=b'mapped and unmapped' * 20, tag='churn-target')
        self.addCleanup(target.remove)
        sysv = SysvSegment(size=16384)
        self.addCleanup(sysv.remove)
        sysv.write(0, b'attached and detached')
        helper = Helper()
        self.addCleanup(helper.close)
        helper.map_file(target.path, prot='r')
        helper.shmat(sysv.shmid, readonly=True)
        self.assertEqual(sysv_row(sysv.shmid)['nattch'], 1)
        invariant = ReadOnlyInvariant()
        invariant.add_posix(target)
        invariant.add_sysv(sysv)
        before = invariant.snapshot()

        churner = Churner(ATTACH_CHURN, os.fsdecode(target.path), sysv.shmid)
        self.addCleanup(churner.kill)
        time.sleep(0.3)
        runs = 0
        most = {target.ref: 0, sysv.ref: 0}
        start = time.monotonic()
        while time.monotonic() - start < CHURN:
            self.assertTrue(churner.running(), 'the churn process died')
            for ref in (target.ref, sysv.ref):
                result = run_cli('info', '--json', ref, timeout=30)
                runs += 1
                self.assertEqual(result.returncode, 0, result.describe())
                info = result.json()
                attachments = info['attachments']
                keys = [(a['pid'], a['how'], a.get('start'), a.get('fd')) for a in attachments]
                self.assertEqual(len(keys), len(set(keys)), 'an attachment listed twice:\n'
                                 + result.describe())
                pids = {a['pid'] for a in attachments}
                self.assertIn(helper.pid, pids, 'the helper that stays is not listed')
                self.assertEqual(len([a for a in attachments if a['pid'] == helper.pid
                                      and a['how'] == 'maps']), 1)
                self.assertEqual(info['attached'], len(pids), 'the count is not of the '
                                 'processes listed:\n' + result.describe())
                most[ref] = max(most[ref], len(pids))

                text = run_cli('info', ref, timeout=30)
                runs += 1
                self.assertEqual(text.returncode, 0, text.describe())
                head, _, table = text.out.partition('\n\n')
                self.assertTrue(head.startswith('Reference:    %s\n' % ref), head)
                count_line, _, rows = table.partition('\n')
                match = re.match(r'^(\d+) process(?:es)? attached', count_line)
                self.assertIsNotNone(match, count_line)
                rows = [r for r in rows.split('\n')[1:] if r]     # after the column titles
                for row in rows:
                    self.assertRegex(row, ATTACH_ROW_RE)
                self.assertEqual(len(rows), len(set(rows)), 'a row printed twice')
                row_pids = {ATTACH_ROW_RE.match(r).group('pid') for r in rows}
                self.assertEqual(int(match.group(1)), len(row_pids), text.describe())
            self.check_app()
        made = int(churner.stop())
        say('%d processes mapped and attached and were killed during %d runs of info; '
            'at most %d (POSIX) and %d (System V) listed at once'
            % (made, runs, most[target.ref], most[sysv.ref]))
        self.assertGreater(made, 100, 'the churn was too slow to test anything')
        self.assertGreater(max(most.values()), 1, 'info never saw a churned process')
        wait_until(lambda: sysv_row(sysv.shmid)['nattch'] == 1, 10,
                   what='nattch to be back to 1 (the helper)')
        invariant.assert_unchanged(before, 'info during the churn of attachments')
        say('read-only: nattch back to 1; bytes, size, mtime and blocks unchanged')
        if self.app is not None:
            self.app.assert_healthy(self)


if __name__ == '__main__':
    unittest.main(verbosity=2)
