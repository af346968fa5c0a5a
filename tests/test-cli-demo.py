# SPDX-License-Identifier: GPL-3.0-or-later
"""test-cli-demo: `shmlens-cli write` and `shmlens-cli demo` with real writer processes.

Every test has a runtime directory of its own (the registry of created segments), and
checks that no writer process and no demo segment is left behind."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from shmlens_testlib import PosixSegment, cli_path, run_cli, unique_name, wait_until, skip_under_valgrind  # noqa: E402


def writer_pids(runtime):
    """Pids of the `shmlens-cli write` processes started under the runtime directory
    RUNTIME: each test has its own, and the writers inherit it, so writers that other
    tests run at the same time are not counted."""
    mark = b'XDG_RUNTIME_DIR=' + os.fsencode(runtime)
    pids = set()
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % entry, 'rb') as f:
                argv = f.read().split(b'\0')
            if len(argv) < 2 or not argv[0].endswith(b'shmlens-cli') or argv[1] != b'write':
                continue
            with open('/proc/%s/environ' % entry, 'rb') as f:
                if mark not in f.read().split(b'\0'):
                    continue
        except OSError:
            continue
        pids.add(int(entry))
    return pids


def processes_of(runtime):
    """Pids of every process (a shell, a writer) whose environment names the runtime
    directory RUNTIME."""
    mark = b'XDG_RUNTIME_DIR=' + os.fsencode(runtime)
    pids = set()
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open('/proc/%s/environ' % entry, 'rb') as f:
                if mark in f.read().split(b'\0') and alive(int(entry)):
                    pids.add(int(entry))
        except OSError:
            continue
    return pids


def alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().split(') ')[-1].split()[0] != 'Z'
    except OSError:
        return False


class Writers(unittest.TestCase):
    def setUp(self):
        self.runtime = tempfile.mkdtemp(prefix='shmlens-test-runtime-')
        self.env = dict(os.environ, XDG_RUNTIME_DIR=self.runtime)
        self.refs = []
        self.writers_before = writer_pids(self.runtime)

    def tearDown(self):
        for ref in self.refs:
            run_cli('remove', ref, env=self.env)
        shutil.rmtree(self.runtime, ignore_errors=True)
        left = writer_pids(self.runtime) - self.writers_before
        self.assertEqual(left, set(), 'writer processes left behind')

    def cli(self, *args, timeout=60):
        return run_cli(*args, env=self.env, timeout=timeout)

    def ok(self, *args, timeout=60):
        result = self.cli(*args, timeout=timeout)
        self.assertEqual(result.returncode, 0, result.describe())
        return result

    def create(self, size=4096):
        ref = self.ok('create', unique_name('demo'), '--size=%d' % size).out.strip()
        self.refs.append(ref)
        return ref

    def read(self, ref, length):
        path = '/dev/shm/' + ref[1:]
        with open(path, 'rb') as f:
            return f.read(length)

    # -- write ----------------------------------------------------------------------

    def test_write_refuses_segments_shmlens_did_not_create(self):
        with PosixSegment(size=4096, tag='not-ours') as other:
            before = other.read() if hasattr(other, 'read') else None
            result = self.cli('write', other.ref, '--pattern=counter', '--duration=0.2')
            self.assertEqual(result.returncode, 1, result.describe())
            self.assertRegex(result.err, r'Shmlens writes into only the segments it created, '
                                         r'and %s is not one of them' % re.escape(other.ref))
            if before is not None:
                self.assertEqual(other.read(), before)

    @skip_under_valgrind('it times a writer process')
    def test_counter_at_its_rate_with_json_events(self):
        ref = self.create()
        result = self.ok('write', ref, '--pattern=counter', '--slot=2', '--rate=50',
                         '--duration=1.2', '--json')
        events = [json.loads(line) for line in result.out.splitlines()]
        self.assertEqual(events[0]['event'], 'start')
        self.assertEqual(events[-1]['event'], 'stop')
        self.assertEqual(events[-1]['reason'], 'duration')
        self.assertIn('progress', [e['event'] for e in events])
        pid = events[0]['pid']
        iterations = events[-1]['iterations']
        # 50 Hz for 1.2 s, give or take a busy machine
        self.assertGreaterEqual(iterations, 40)
        self.assertLessEqual(iterations, 62)
        # counters.h: magic, n_slots, then 16 slots of (pid, state, heartbeat, counter)
        data = self.read(ref, 8 + 16 * 24)
        magic, n_slots = int.from_bytes(data[0:4], 'little'), int.from_bytes(data[4:8], 'little')
        self.assertEqual(magic, 0x52544e43)
        self.assertEqual(n_slots, 3)
        slot = data[8 + 2 * 24: 8 + 3 * 24]
        self.assertEqual(int.from_bytes(slot[0:4], 'little', signed=True), pid)
        self.assertEqual(int.from_bytes(slot[16:24], 'little'), iterations)

    def test_sigterm_stops_a_writer(self):
        ref = self.create()
        proc = subprocess.Popen([cli_path(), 'write', ref, '--pattern=wave', '--rate=100'],
                                env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_until(lambda: self.read(ref, 4) == b'WAVE', what='the wave writer to set up')
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=5)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertEqual(proc.returncode, 0, err)
        self.assertRegex(out.decode(), r'wave wrote \d+ iterations? in [\d.]+ s \(SIGTERM\)')

    @skip_under_valgrind('it times a writer process')
    def test_writer_dies_with_its_parent(self):
        ref = self.create()
        # A parent shell that starts the writer, then is killed with SIGKILL.
        parent = subprocess.Popen(['/bin/sh', '-c', '"$0" write "$1" --pattern=counter & wait',
                                   cli_path(), ref], env=self.env, start_new_session=True)
        try:
            wait_until(lambda: self.read(ref, 4) == b'CNTR', what='the writer to start')
            children = writer_pids(self.runtime) - self.writers_before
            self.assertEqual(len(children), 1)
            os.kill(parent.pid, signal.SIGKILL)
            parent.wait()
            start = time.monotonic()
            wait_until(lambda: not any(alive(pid) for pid in children), timeout=1.0,
                       what='the writer to die within a second of its parent')
            self.assertLess(time.monotonic() - start, 1.0)
        finally:
            for pid in writer_pids(self.runtime) - self.writers_before:
                os.kill(pid, signal.SIGKILL)

    @skip_under_valgrind('it times a writer process')
    def test_writer_whose_parent_died_before_it_asked(self):
        """The parent exits before the writer reaches prctl(PR_SET_PDEATHSIG): the
        writer, told its parent in SHMLENS_PARENT_PID, still stops by itself."""
        ref = self.create()
        subprocess.run(['/bin/sh', '-c',
                        'SHMLENS_PARENT_PID=$$ "$0" write "$1" --pattern=counter '
                        '>/dev/null 2>&1 & exit 0', cli_path(), ref],
                       env=self.env, check=True)
        # The writer may never get as far as writing: it must not be left running.
        # Watched through every process of this test's runtime directory, the shell
        # that forks it included: a writer not yet exec'd is not a "shmlens-cli write"
        # yet, and a slow start (a sanitizer build, a busy machine) would pass unseen.
        wait_until(lambda: not processes_of(self.runtime), timeout=10.0,
                   what='the orphaned writer to stop by itself')

    def test_write_errors(self):
        ref = self.create(size=64)
        result = self.cli('write', ref, '--pattern=ring')
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertRegex(result.err, r'ring')
        for args, message in [
                (['--pattern=jump'], r'--pattern: “jump” is not counter, random, message, wave, '
                                     r'race, ring or seqlock'),
                ([], r'--pattern is needed'),
                (['--pattern=counter', '--sync=mutex'], r'--sync goes with --pattern=race'),
                (['--pattern=race', '--sync=often'], r'--sync: “often” is not none, atomic or mutex'),
                (['--pattern=counter', '--message=x'], r'--message goes with --pattern=message')]:
            result = self.cli('write', ref, *args)
            self.assertEqual(result.returncode, 2, result.describe())
            self.assertRegex(result.err, message)

    # -- demo -----------------------------------------------------------------------

    def demo(self, *args, timeout=120):
        result = self.ok('demo', *args, '--json', timeout=timeout)
        return json.loads(result.out)

    def assert_no_demo_segments(self):
        left = [n for n in os.listdir('/dev/shm') if n.startswith('shmlens-demo-')
                and str(os.getpid()) not in n]
        # demo segments are named after the demo command's pid; none of ours may remain
        for name in left:
            self.assertFalse(os.path.exists('/dev/shm/' + name) and
                             self.registry_names().count('/' + name), name)

    def registry_names(self):
        path = os.path.join(self.runtime, 'shmlens', 'created.ini')
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return re.findall(r'^\[(.*)\]$', f.read(), re.M)

    def test_hello(self):
        outcome = self.demo('hello')
        self.assertEqual(outcome, {'demo': 'hello', 'writers': 0, 'ref': '/MyFileMappingObject',
                                   'size': 256, 'message': 'Message from first process.'})
        self.assertFalse(os.path.exists('/dev/shm/MyFileMappingObject'))
        self.assertEqual(self.registry_names(), [])

    @skip_under_valgrind('it counts what writers do in a given time')
    def test_counters(self):
        outcome = self.demo('counters', '--writers=3', '--duration=2')
        slots = outcome['slots']
        self.assertEqual(len(slots), 3)
        pids = [s['pid'] for s in slots]
        self.assertEqual(len(set(pids)), 3)
        for slot in slots:
            # 10 Hz for 2 s
            self.assertGreaterEqual(slot['counter'], 15, outcome)
            self.assertLessEqual(slot['counter'], 22, outcome)
            self.assertRegex(slot['address'], r'^0x[0-9a-f]+$')
        self.assertEqual(self.registry_names(), [])

    def test_race_loses_updates_only_without_synchronization(self):
        # Unsynchronized increments are fast: many, so that the two writers overlap.
        outcome = self.demo('race', '--writers=2', '--iterations=100000000', '--sync=none')
        self.assertEqual(outcome['expected'], 200000000)
        self.assertEqual(list(outcome['observed']), ['none'])
        self.assertLess(outcome['observed']['none'], 200000000, outcome)
        self.assertGreater(outcome['observed']['none'], 0, outcome)
        # Synchronized ones are slower, and exact.
        outcome = self.demo('race', '--writers=2', '--iterations=2000000')
        self.assertEqual(outcome['expected'], 4000000)
        self.assertEqual(sorted(outcome['observed']), ['atomic', 'mutex', 'none'])
        self.assertEqual(outcome['observed']['atomic'], 4000000, outcome)
        self.assertEqual(outcome['observed']['mutex'], 4000000, outcome)
        self.assertLessEqual(outcome['observed']['none'], 4000000, outcome)
        self.assertEqual(self.registry_names(), [])

    def test_race_one_mode(self):
        outcome = self.demo('race', '--writers=3', '--iterations=100000', '--sync=mutex')
        self.assertEqual(outcome['observed'], {'mutex': 300000})

    def test_ring(self):
        outcome = self.demo('ring', '--duration=2.5')
        # 20 records a second into 32 slots: around once, the oldest dropped
        self.assertGreaterEqual(outcome['head'], 40, outcome)
        self.assertEqual(outcome['head'] - outcome['tail'], outcome['capacity'])
        self.assertEqual(outcome['dropped'], outcome['tail'])
        self.assertEqual(outcome['in_order'], outcome['capacity'])

    def test_seqlock_tells_torn_reads(self):
        outcome = self.demo('seqlock', '--duration=1')
        self.assertGreater(outcome['reads'], 1000, outcome)
        self.assertGreater(outcome['torn'], 0, outcome)
        self.assertGreater(outcome['consistent'], 0, outcome)
        self.assertEqual(outcome['reads'], outcome['torn'] + outcome['consistent'])

    def test_keep(self):
        result = self.ok('demo', 'hello', '--keep')
        self.refs.append('/MyFileMappingObject')
        self.assertIn('Kept /MyFileMappingObject', result.out)
        self.assertEqual(self.read('/MyFileMappingObject', 28), b'Message from first process.\0')

    def test_hello_name_left_behind(self):
        # one an earlier run of ours kept gives way
        self.ok('demo', 'hello', '--keep')
        self.assertEqual(self.demo('hello')['message'], 'Message from first process.')
        self.assertFalse(os.path.exists('/dev/shm/MyFileMappingObject'))
        # one anybody else made stays, and the demo says why it cannot run
        with PosixSegment(name=b'MyFileMappingObject', size=256):
            result = self.cli('demo', 'hello')
            self.assertEqual(result.returncode, 1, result.describe())
            self.assertRegex(result.err, r'The “Hello, Shared Memory” demo needs the name '
                                         r'/MyFileMappingObject: .*is not one of them')
            self.assertTrue(os.path.exists('/dev/shm/MyFileMappingObject'))

    @skip_under_valgrind('it times a writer process')
    def test_demo_killed_leaves_no_writer(self):
        proc = subprocess.Popen([cli_path(), 'demo', 'counters', '--duration=60'],
                                env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_until(lambda: len(writer_pids(self.runtime) - self.writers_before) == 3,
                       what='the three writers to start')
            children = writer_pids(self.runtime) - self.writers_before
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            wait_until(lambda: not any(alive(pid) for pid in children), timeout=1.0,
                       what='the writers to die within a second of the demo')
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        # its segment stays, recorded as ours: removable without --force
        for ref in self.registry_names():
            self.ok('remove', ref)

    def test_demo_errors(self):
        for args, message in [
                (['dance'], r'there is no demo “dance”: choose hello, counters, race, ring or seqlock'),
                ([], r'a demo NAME is needed'),
                (['counters', '--writers=17'], r'--writers: the counters demo takes 1 to 16 writers'),
                (['ring', '--writers=2'], r'--writers: the ring demo has 1 writer'),
                (['counters', '--sync=mutex'], r'--sync and --iterations go with the race demo'),
                (['counters', '--duration=0'], r'--duration must be more than 0 seconds')]:
            result = self.cli('demo', *args)
            self.assertEqual(result.returncode, 2, result.describe())
            self.assertRegex(result.err, message)

    def test_list(self):
        out = self.ok('demo', '--list').out
        self.assertEqual([line.split()[0] for line in out.splitlines()],
                         ['hello', 'counters', 'race', 'ring', 'seqlock'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
