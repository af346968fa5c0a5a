# SPDX-License-Identifier: GPL-3.0-or-later
"""test-cli-readonly: proofs that inspecting a segment leaves it as it was.

Nothing Shmlens opens for inspection is written, grown, truncated, made to allocate
pages or — for System V — left attached; list and info do not attach at all. Each test
records what the kernel says about a segment (bytes, mtime and ctime in ns, st_blocks,
/proc/sysvipc/shm), runs the commands, and compares."""

import hashlib
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from shmlens_testlib import (  # noqa: E402
    Helper, PosixSegment, SysvSegment, cli_has_command, cli_path, run_cli, sysv_row,
    unique_name, UNDER_VALGRIND,
)

PAGE = os.sysconf('SC_PAGE_SIZE')
MIB = 1 << 20


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def run_ok(testcase, *args, **kwargs):
    result = run_cli(*args, **kwargs)
    testcase.assertEqual(result.returncode, 0, result.describe())
    return result


def run_watch_briefly(testcase, ref, seconds=1.0):
    """Runs `watch REF` (polling every 10 ms) for a while and interrupts it as a user
    would (Ctrl-C). Nothing changes the segment meanwhile, so --count would never end it.
    Under memcheck the CLI takes seconds to start (and to install its SIGINT handler):
    it gets them."""
    if UNDER_VALGRIND:
        seconds *= 15
    proc = subprocess.Popen([cli_path(), 'watch', '--interval=10', ref],
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        try:
            proc.wait(timeout=seconds)
            err = proc.stderr.read().decode(errors='replace')
            testcase.fail('watch %s stopped by itself (exit %s) instead of watching: %s'
                          % (ref, proc.returncode, err))
        except subprocess.TimeoutExpired:
            pass
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            testcase.fail('watch %s does not stop on SIGINT' % ref)
        err = proc.stderr.read().decode(errors='replace')
        # documented: "Exit status: 0 when stopped by --count, by replacement, or by
        # SIGINT or SIGTERM"
        testcase.assertEqual(proc.returncode, 0,
                             'watch %s: exit %s: %s' % (ref, proc.returncode, err))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stderr.close()


def commands_for(testcase, ref, whole_dump=True):
    """The inspecting commands to run on REF: list, info, and dump and watch when this
    shmlens-cli has them. Returns a list of (description, callable)."""
    commands = [
        ('list', lambda: run_ok(testcase, 'list', '--kind=all')),
        ('list --json', lambda: run_ok(testcase, 'list', '--json', '--kind=all')),
        ('info', lambda: run_ok(testcase, 'info', ref)),
        ('info --json', lambda: run_ok(testcase, 'info', '--json', ref)),
    ]
    if cli_has_command('dump'):
        commands += [
            ('dump', lambda: run_ok(testcase, 'dump', ref, stdout=subprocess.DEVNULL,
                                    timeout=120)),
            ('dump --format=raw', lambda: run_ok(testcase, 'dump', '--format=raw', ref,
                                                 stdout=subprocess.DEVNULL, timeout=120)),
            ('dump --format=xxd --offset', lambda: run_ok(testcase, 'dump', '--format=xxd',
                                                          '--offset=%d' % PAGE, ref,
                                                          stdout=subprocess.DEVNULL,
                                                          timeout=120)),
        ]
    if cli_has_command('watch'):
        commands.append(('watch', lambda: run_watch_briefly(testcase, ref)))
    return commands


class FdBackedTests(unittest.TestCase):
    """POSIX segments and memfds are read with pread: bytes, times and pages stay."""

    def fingerprint_posix(self, seg):
        st = seg.stat()
        return {'sha256': seg.sha256(), 'size': st.st_size, 'mtime_ns': st.st_mtime_ns,
                'ctime_ns': st.st_ctime_ns, 'blocks': st.st_blocks, 'mode': st.st_mode,
                'inode': st.st_ino}

    def test_posix_segment_unchanged(self):
        data = os.urandom(MIB + 123)
        seg = PosixSegment(data=data, mode=0o640)
        self.addCleanup(seg.remove)
        # Times in the past, so that any write or truncate would move them visibly.
        os.utime(seg.path, ns=(1_000_000_000_123_456_789, 1_000_000_000_987_654_321))
        before = self.fingerprint_posix(seg)
        self.assertEqual(before['mtime_ns'], 1_000_000_000_987_654_321)
        for what, command in commands_for(self, seg.ref):
            with self.subTest(command=what):
                command()
                self.assertEqual(self.fingerprint_posix(seg), before)
        self.assertEqual(seg.read(), data)

    def test_sparse_posix_segment_keeps_its_blocks(self):
        size = 64 * MIB
        seg = PosixSegment(size=size)
        self.addCleanup(seg.remove)
        for offset in (0, 5 * PAGE, 32 * MIB, size - PAGE):
            seg.write(offset, b'page at %d' % offset)
        before = self.fingerprint_posix(seg)
        self.assertEqual(before['blocks'] * 512, 4 * PAGE,
                         'the test needs a sparse segment with four pages allocated')
        for what, command in commands_for(self, seg.ref):
            with self.subTest(command=what):
                command()
                after = self.fingerprint_posix(seg)
                self.assertEqual(after['blocks'], before['blocks'],
                                 '%s allocated %d pages' % (what, (after['blocks'] -
                                                                   before['blocks']) * 512 // PAGE))
                self.assertEqual(after, before)

    def test_memfd_unchanged(self):
        data = os.urandom(3 * PAGE + 17)
        with Helper() as helper:
            m = helper.memfd(unique_name('ro-memfd'), 16 * PAGE, data)
            helper.map_fd(m['fd'])
            path = '/proc/%d/fd/%d' % (helper.pid, m['fd'])

            def fingerprint():
                st = os.stat(path)
                with open(path, 'rb') as f:
                    content = f.read()
                return (sha256(content), st.st_size, st.st_mtime_ns, st.st_ctime_ns,
                        st.st_blocks)

            before = fingerprint()
            ref = 'memfd:%d:%d' % (helper.pid, m['fd'])
            for what, command in commands_for(self, ref):
                with self.subTest(command=what):
                    command()
                    self.assertEqual(fingerprint(), before)

    def test_anon_unchanged(self):
        data = os.urandom(2 * PAGE)
        with Helper() as helper:
            anon = helper.anon(8 * PAGE, data)
            path = '/proc/%d/map_files/%x-%x' % (helper.pid, anon['start'], anon['end'])

            def fingerprint():
                st = os.stat(path)
                with open(path, 'rb') as f:
                    content = f.read(8 * PAGE)
                return (sha256(content), st.st_size, st.st_mtime_ns, st.st_blocks)

            before = fingerprint()
            self.assertEqual(before[3] * 512, 2 * PAGE)
            ref = 'anon:%d:0x%x' % (helper.pid, anon['start'])
            for what, command in commands_for(self, ref):
                with self.subTest(command=what):
                    command()
                    self.assertEqual(fingerprint(), before)


class SysvTests(unittest.TestCase):
    """System V segments have no descriptor: list and info read /proc/sysvipc/shm and
    must not attach; dump attaches read-only and must detach."""

    def setUp(self):
        self.seg = SysvSegment(size=5 * PAGE + 100, mode=0o640)
        self.addCleanup(self.seg.remove)
        self.data = os.urandom(self.seg.size)
        self.seg.write(0, self.data)
        self.helper = Helper()
        self.addCleanup(self.helper.close)
        self.helper.shmat(self.seg.shmid)    # lpid = the helper, nattch = 1, atime = now
        self.before = sysv_row(self.seg.shmid)
        self.assertEqual(self.before['nattch'], 1)
        self.assertEqual(self.before['lpid'], self.helper.pid)

    def test_list_and_info_do_not_attach(self):
        # A second passes, so that an attach would show in atime and dtime too.
        time.sleep(1.1)
        for ref in (self.seg.ref, 'sysv-key:%s' % self.seg.key_hex):
            for what, command in commands_for(self, ref)[:4]:   # list and info
                with self.subTest(command=what, ref=ref):
                    command()
                    after = sysv_row(self.seg.shmid)
                    self.assertEqual(after['nattch'], self.before['nattch'])
                    self.assertEqual(after['lpid'], self.before['lpid'], 'someone attached')
                    self.assertEqual(after['atime'], self.before['atime'])
                    self.assertEqual(after['dtime'], self.before['dtime'])
                    self.assertEqual(after, self.before)

    def test_dump_detaches(self):
        if not cli_has_command('dump'):
            self.skipTest('this shmlens-cli has no dump command yet')
        for what, command in commands_for(self, self.seg.ref)[4:]:   # dump, watch
            with self.subTest(command=what):
                command()
                after = sysv_row(self.seg.shmid)
                self.assertEqual(after['nattch'], self.before['nattch'],
                                 '%s left an attachment behind' % what)
                self.assertEqual(after['size'], self.before['size'])
                self.assertEqual(after['perms'], self.before['perms'])
        self.assertEqual(self.seg.read(), self.data)

    def test_dump_of_orphan_leaves_it_orphan(self):
        if not cli_has_command('dump'):
            self.skipTest('this shmlens-cli has no dump command yet')
        self.helper.close()
        self.assertEqual(sysv_row(self.seg.shmid)['nattch'], 0)
        run_ok(self, 'dump', '--format=raw', self.seg.ref, stdout=subprocess.DEVNULL)
        self.assertEqual(sysv_row(self.seg.shmid)['nattch'], 0)
        # and the bytes it printed are the segment's
        result = run_ok(self, 'dump', '--format=raw', self.seg.ref)
        self.assertEqual(result.stdout, self.data)


if __name__ == '__main__':
    unittest.main(verbosity=2)
