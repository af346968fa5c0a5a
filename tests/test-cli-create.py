# SPDX-License-Identifier: GPL-3.0-or-later
"""test-cli-create: `shmlens-cli create` and `remove`, checked with ls, stat, xxd and ipcs.

Shmlens records the segments it creates in $XDG_RUNTIME_DIR/shmlens/created.ini; each
test gets a runtime directory of its own, so what one test created is nobody else's."""

import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from shmlens_testlib import (Helper, PosixSegment, SysvSegment, run_cli,  # noqa: E402
                             shmctl_rmid, sysv_row, unique_name)

MESSAGE = b'Message from first process.'


def ipcs_row(shmid):
    """The row of `ipcs -m` for SHMID: key, owner, perms, bytes; None when absent."""
    out = subprocess.run(['ipcs', '-m'], stdout=subprocess.PIPE, check=True,
                         env=dict(os.environ, LC_ALL='C')).stdout.decode()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[1] == str(shmid):
            return {'key': int(fields[0], 16), 'owner': fields[2], 'perms': fields[3],
                    'bytes': int(fields[4])}
    return None


class CreateRemove(unittest.TestCase):
    def setUp(self):
        self.runtime = tempfile.mkdtemp(prefix='shmlens-test-runtime-')
        self.env = dict(os.environ, XDG_RUNTIME_DIR=self.runtime)
        self.posix_names = []
        self.shmids = []

    def tearDown(self):
        for name in self.posix_names:
            try:
                os.unlink(os.path.join('/dev/shm', name))
            except FileNotFoundError:
                pass
        for shmid in self.shmids:
            if sysv_row(shmid) is not None:
                shmctl_rmid(shmid)
        shutil.rmtree(self.runtime, ignore_errors=True)

    def cli(self, *args, env=None):
        return run_cli(*args, env=env or self.env)

    def ok(self, *args, env=None):
        result = self.cli(*args, env=env)
        self.assertEqual(result.returncode, 0, result.describe())
        return result

    def fails(self, status, pattern, *args, env=None):
        result = self.cli(*args, env=env)
        self.assertEqual(result.returncode, status, result.describe())
        self.assertRegex(result.err, pattern, result.describe())
        self.assertEqual(result.stdout, b'', result.describe())
        return result

    def create_posix(self, *extra, name=None):
        name = name or unique_name('create')
        self.posix_names.append(name)
        result = self.ok('create', name, *extra)
        self.assertEqual(result.out, '/%s\n' % name)
        return name, os.path.join('/dev/shm', name)

    def create_sysv(self, *extra):
        result = self.ok('create', '--kind=sysv', *extra)
        match = re.fullmatch(r'sysv:(\d+)\n', result.out)
        self.assertIsNotNone(match, result.describe())
        shmid = int(match.group(1))
        self.shmids.append(shmid)
        return shmid

    # -- POSIX ---------------------------------------------------------------------

    def test_posix_message_like_the_named_mapping_example(self):
        name, path = self.create_posix('--size=256', '--fill=message')
        st = os.stat(path)
        self.assertEqual(st.st_size, 256)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        with open(path, 'rb') as f:
            data = f.read()
        self.assertEqual(data, MESSAGE + b'\0' * (256 - len(MESSAGE)))
        # The CLI reads it back as xxd would.
        dump = self.ok('dump', '/' + name, '--format=xxd', '--length=32').stdout
        xxd = subprocess.run(['xxd', '-l', '32', path], stdout=subprocess.PIPE, check=True).stdout
        self.assertEqual(dump, xxd)

    def test_posix_zero_fill_allocates_nothing(self):
        _, path = self.create_posix('--size=64M')
        st = os.stat(path)
        self.assertEqual(st.st_size, 64 << 20)
        self.assertEqual(st.st_blocks, 0)

    def test_posix_random_fill_and_mode(self):
        _, path = self.create_posix('--size=100000', '--fill=random', '--mode=0640')
        st = os.stat(path)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o640)
        with open(path, 'rb') as f:
            data = f.read()
        self.assertEqual(len(data), 100000)
        # Random bytes: every value appears, none dominates.
        counts = [data.count(bytes([b])) for b in range(256)]
        self.assertGreater(min(counts), 200)
        self.assertLess(max(counts), 700)

    def test_custom_message_is_cut_to_the_size(self):
        _, path = self.create_posix('--size=5', '--fill=message', '--message=hello world')
        with open(path, 'rb') as f:
            self.assertEqual(f.read(), b'hello')

    def test_remove_what_shmlens_created(self):
        name, path = self.create_posix('--size=4096')
        self.ok('remove', '/' + name)
        self.assertFalse(os.path.exists(path))
        # Removed from the registry too: the same name, created by someone else, is theirs.
        with PosixSegment(name=name.encode(), size=4096):
            self.fails(1, r'Shmlens removes only the segments it created, and /%s is not '
                          r'one of them: it belongs to \S+ \(uid \d+\)\. Remove it anyway '
                          r'with --force\.' % re.escape(name), 'remove', '/' + name)
            self.assertTrue(os.path.exists(path))

    def test_remove_refuses_others_unless_forced(self):
        with PosixSegment(size=4096, tag='not-ours') as other:
            ref = '/' + os.fsdecode(other.name)
            self.fails(1, r'is not one of them: it belongs to root \(uid 0\)\. Remove it '
                          r'anyway with --force', 'remove', ref)
            self.assertTrue(os.path.exists(other.path))
            self.ok('remove', '--force', ref)
            self.assertFalse(os.path.exists(other.path))

    def test_a_segment_that_took_our_name_is_not_ours(self):
        name, path = self.create_posix('--size=4096')
        # Someone removes ours and creates another of the same name.
        os.unlink(path)
        with PosixSegment(name=name.encode(), size=4096):
            self.fails(1, r'is not one of them', 'remove', '/' + name)
            self.assertTrue(os.path.exists(path))

    def test_registries_are_per_user_runtime_directory(self):
        name, path = self.create_posix('--size=4096')
        elsewhere = tempfile.mkdtemp(prefix='shmlens-test-runtime-')
        try:
            self.fails(1, r'is not one of them', 'remove', '/' + name,
                       env=dict(os.environ, XDG_RUNTIME_DIR=elsewhere))
        finally:
            shutil.rmtree(elsewhere)
        self.assertTrue(os.path.exists(path))
        self.ok('remove', '/' + name)

    def test_posix_errors(self):
        name, _ = self.create_posix('--size=4096')
        self.fails(1, r'Cannot create /%s: a segment of that name exists already'
                   % re.escape(name), 'create', name, '--size=4096')
        self.fails(1, r'“a/b” cannot name a POSIX segment: a name has 1 to 255 bytes and no slash',
                   'create', 'a/b', '--size=1')
        self.fails(1, r'cannot name a POSIX segment', 'create', 'x' * 256, '--size=1')
        self.fails(1, r'A segment needs a size of at least one byte', 'create',
                   unique_name('zero'), '--size=0')
        self.fails(2, r'--size is needed', 'create', unique_name('nosize'))
        self.fails(2, r'a POSIX segment needs a NAME', 'create', '--size=1')
        self.fails(2, r'--mode: “0999” is not an octal mode', 'create', unique_name('m'),
                   '--size=1', '--mode=0999')
        self.fails(2, r'--fill: “ones” is not zero, random or message', 'create',
                   unique_name('f'), '--size=1', '--fill=ones')
        self.fails(2, r'--message goes with --fill=message', 'create', unique_name('f'),
                   '--size=1', '--message=hi')
        self.fails(2, r'--kind: “memfd” is not posix or sysv', 'create', 'x', '--size=1',
                   '--kind=memfd')

    # -- System V ------------------------------------------------------------------

    def test_sysv_private_and_keyed(self):
        shmid = self.create_sysv('--size=64K', '--mode=0640')
        row = ipcs_row(shmid)
        self.assertEqual(row['key'], 0)
        self.assertEqual(row['bytes'], 65536)
        self.assertEqual(row['perms'], '640')

        key = 0x53000000 | (os.getpid() & 0xffffff)
        shmid = self.create_sysv('0x%x' % key, '--size=1M', '--fill=message')
        row = ipcs_row(shmid)
        self.assertEqual(row['key'], key)
        self.assertEqual(row['perms'], '600')
        dump = self.ok('dump', 'sysv:%d' % shmid, '--length=%d' % len(MESSAGE)).stdout
        self.assertIn(b'|Message from fir|', dump)
        # Attached only while filling: nattch is back to 0.
        self.assertEqual(sysv_row(shmid)['nattch'], 0)

        self.fails(1, r'Cannot create a System V segment with key 0x%08x: one exists already'
                   % key, 'create', '--kind=sysv', '0x%x' % key, '--size=1')
        # by key or by id, it is ours
        self.ok('remove', 'sysv-key:0x%x' % key)
        self.assertIsNone(ipcs_row(shmid))

    def test_sysv_refuses_others_unless_forced(self):
        with SysvSegment(size=4096) as other:
            ref = 'sysv:%d' % other.shmid
            self.fails(1, r'%s is not one of them: it belongs to root \(uid 0\) and was '
                          r'created by process %d' % (ref, os.getpid()), 'remove', ref)
            self.assertIsNotNone(ipcs_row(other.shmid))
            self.ok('remove', ref, '--force')
            self.assertIsNone(ipcs_row(other.shmid))

    def test_sysv_errors(self):
        self.fails(2, r'“zebra” is not a System V key', 'create', '--kind=sysv', 'zebra',
                   '--size=1')
        self.fails(2, r'“0” is not a System V key', 'create', '--kind=sysv', '0', '--size=1')
        with open('/proc/sys/kernel/shmmax') as f:
            shmmax = int(f.read())
        if shmmax < (1 << 62):
            self.fails(1, r'the size is outside kernel\.shmmin…kernel\.shmmax', 'create',
                       '--kind=sysv', '--size=%d' % (shmmax + 1))

    # -- remove --------------------------------------------------------------------

    def test_remove_several_and_what_cannot_be_removed(self):
        a, path_a = self.create_posix('--size=1')
        b, path_b = self.create_posix('--size=1')
        missing = unique_name('missing')
        result = self.cli('remove', '/' + a, '/' + missing, '/' + b)
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertIn('/%s' % missing, result.err)
        self.assertFalse(os.path.exists(path_a))
        self.assertFalse(os.path.exists(path_b))
        self.fails(2, r'a segment reference \(REF\) is needed', 'remove')
        with Helper() as helper:
            memfd = helper.memfd('shmlens-test-memfd', 4096)
            ref = 'memfd:%d:%d' % (helper.pid, memfd['fd'])
            self.fails(1, r'%s cannot be removed: a memfd has no name to remove; it goes away '
                          r'when the last process holding it lets go' % ref,
                       'remove', ref, '--force')
        with tempfile.NamedTemporaryFile(prefix='shmlens-test-') as plain:
            self.fails(1, r'file:%s is a plain file, not a segment: Shmlens does not remove '
                          r'files' % re.escape(plain.name), 'remove', '--force',
                       'file:' + plain.name)
            self.assertTrue(os.path.exists(plain.name))

    def test_help(self):
        for command in ('create', 'remove'):
            result = self.ok(command, '--help')
            self.assertIn('Shmlens', result.out)


if __name__ == '__main__':
    unittest.main(verbosity=2)
