# SPDX-License-Identifier: GPL-3.0-or-later
"""test-cli-faults: what /dev/shm and /proc can throw at shmlens-cli — FIFOs, symbolic
links, hostile names, segments it may not read, processes that vanish mid-scan — each
becomes a clear error or a clean listing, never a hang, a crash or a forged line."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from shmlens_testlib import (  # noqa: E402
    POSIX_DIR, CliTimeout, Helper, PosixSegment, SysvSegment, cli_has_command, cli_path,
    run_cli, shmlens_escape, skip_under_valgrind, sysv_row, unique_name,
)

NOBODY = 65534
HANG_TIMEOUT = 10


def control_bytes(data):
    """The raw control bytes in DATA (C0 but newline, DEL), and C1 controls of its text."""
    found = sorted({b for b in data if (b < 0x20 and b != 0x0a) or b == 0x7f})
    text = data.decode('utf-8')  # raises if the output is not UTF-8
    found += sorted({ord(c) for c in text if 0x80 <= ord(c) < 0xa0})
    return found


class NotSegmentsTests(unittest.TestCase):
    """A FIFO would block an open() without O_NONBLOCK forever; a symbolic link would
    lead the reader anywhere. Both are refused by name, quickly."""

    def setUp(self):
        self.target = PosixSegment(size=4096, data=b'the symlink target, readable' * 8)
        self.addCleanup(self.target.remove)
        self.fifo = os.path.join(POSIX_DIR, unique_name('fifo'))
        os.mkfifo(self.fifo, 0o666)
        self.addCleanup(os.unlink, self.fifo)
        self.link = os.path.join(POSIX_DIR, unique_name('symlink'))
        # A relative link to a real, readable segment: following it would succeed.
        os.symlink(self.target.name.decode(), self.link)
        self.addCleanup(os.unlink, self.link)
        self.directory = os.path.join(POSIX_DIR, unique_name('dir'))
        os.mkdir(self.directory)
        self.addCleanup(os.rmdir, self.directory)
        self.socket_path = os.path.join(POSIX_DIR, unique_name('socket'))
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(self.socket.close)
        self.socket.bind(self.socket_path)
        self.addCleanup(os.unlink, self.socket_path)
        self.socket.listen(1)

    def check_refused(self, command, path, reasons):
        name = os.path.basename(path)
        for ref in ('/' + name, path):
            with self.subTest(command=command, ref=ref):
                try:
                    result = run_cli(command, ref, timeout=HANG_TIMEOUT)
                except CliTimeout as e:
                    self.fail('%s %s hangs: %s' % (command, ref, e))
                self.assertEqual(result.returncode, 1, result.describe())
                self.assertEqual(result.stdout, b'', 'nothing may be printed on stdout')
                self.assertIn(name, result.err, 'the message names the entry')
                self.assertTrue(any(r in result.err.lower() for r in reasons),
                                'the message says why (%s): %s' % (' or '.join(reasons),
                                                                   result.err))

    def test_info_refuses_fifo(self):
        self.check_refused('info', self.fifo, ['fifo'])

    def test_info_refuses_symlink(self):
        self.check_refused('info', self.link, ['symbolic link', 'symlink'])

    def test_dump_refuses_fifo(self):
        if not cli_has_command('dump'):
            self.skipTest('this shmlens-cli has no dump command yet')
        self.check_refused('dump', self.fifo, ['fifo'])
        # and with a writer at the other end, it still does not read it
        writer = os.open(self.fifo, os.O_RDWR | os.O_NONBLOCK)
        self.addCleanup(os.close, writer)
        os.write(writer, b'through the fifo')
        self.check_refused('dump', self.fifo, ['fifo'])

    def test_dump_refuses_symlink(self):
        if not cli_has_command('dump'):
            self.skipTest('this shmlens-cli has no dump command yet')
        self.check_refused('dump', self.link, ['symbolic link', 'symlink'])

    def test_info_and_dump_refuse_directory_and_socket(self):
        for command in ('info', 'dump'):
            if not cli_has_command(command):
                continue
            self.check_refused(command, self.directory, ['directory'])
            self.check_refused(command, self.socket_path, ['socket'])

    def test_not_listed(self):
        result = run_cli('list', '--json', '--kind=all', timeout=HANG_TIMEOUT)
        self.assertEqual(result.returncode, 0, result.describe())
        names = {e['name'] for e in result.json()}
        self.assertIn(self.target.display_name, names)
        others = [self.fifo, self.link, self.directory, self.socket_path]
        for path in others:
            self.assertNotIn(os.path.basename(path), names)
        result = run_cli('list', timeout=HANG_TIMEOUT)
        self.assertEqual(result.returncode, 0, result.describe())
        for path in others:
            self.assertNotIn(os.path.basename(path), result.out)


class HostileNamesTests(unittest.TestCase):
    """Names are bytes chosen by whoever made the segment."""

    @classmethod
    def setUpClass(cls):
        prefix = unique_name('hostile').encode()
        long_name = prefix + b'-long-'
        long_name += b'x' * (255 - len(long_name))
        cls.raw_names = {
            'newline': prefix + b'-line1\nFORGED 1 B 0 B root 0666 orphan forged',
            'ansi': prefix + b'-\x1b[31mred\x1b[0m',
            'invalid-utf8': prefix + b'-\xff\xfe',
            'c1-and-del': prefix + b'-\xc2\x9b2J-\x7f',
            'quote-percent': prefix + b'-"quoted" %s%n%x {}',
            'unicode': prefix + '-\u00e9\u2028\U0001f600'.encode(),
            'long': long_name,
        }
        assert len(long_name) == 255
        cls.segments = {}
        try:
            for key, name in cls.raw_names.items():
                cls.segments[key] = PosixSegment(size=4096, data=key.encode(), name=name,
                                                 mode=0o644)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for seg in cls.segments.values():
            seg.remove()

    def expected(self, key):
        return shmlens_escape(self.raw_names[key])

    def test_escaping_reference(self):
        # The expectation itself, spelled out, so that the helper cannot drift.
        self.assertTrue(self.expected('newline').endswith('-line1\\nFORGED 1 B 0 B root 0666 '
                                                          'orphan forged'))
        self.assertTrue(self.expected('ansi').endswith('-\\x1b[31mred\\x1b[0m'))
        self.assertTrue(self.expected('invalid-utf8').endswith('-\\xff\\xfe'))
        self.assertTrue(self.expected('c1-and-del').endswith('-\\xc2\\x9b2J-\\x7f'))
        self.assertTrue(self.expected('quote-percent').endswith('-"quoted" %s%n%x {}'))
        # printable non-ASCII stays as it is; the line separator U+2028 is one of the
        # invisible format characters, escaped byte by byte
        self.assertTrue(self.expected('unicode').endswith('-\u00e9\\xe2\\x80\\xa8\U0001f600'),
                        self.expected('unicode'))
        self.assertEqual(len(self.expected('long')), 255)

    def test_table_has_no_raw_control_bytes(self):
        result = run_cli('list', '--kind=posix')
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual(control_bytes(result.stdout), [],
                         'raw control bytes in the table:\n' + result.describe())
        lines = result.out.split('\n')
        for key, seg in self.segments.items():
            with self.subTest(name=key):
                rows = [line for line in lines if line.startswith(seg.ref + ' ')]
                self.assertEqual(len(rows), 1, 'one row for %s' % seg.ref)
                self.assertTrue(rows[0].endswith('  ' + self.expected(key)), rows[0])
        self.assertFalse(any(line.startswith('FORGED') for line in lines),
                         'a newline in a name forged a row')

    def test_json_names_are_escaped(self):
        result = run_cli('list', '--kind=posix', '--json')
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual(control_bytes(result.stdout), [], result.describe())
        entries = json.loads(result.stdout.decode('utf-8'))
        for key, seg in self.segments.items():
            with self.subTest(name=key):
                entry = [e for e in entries if e.get('inode') == seg.stat().st_ino and
                         e['kind'] == 'posix']
                self.assertEqual(len(entry), 1)
                self.assertEqual(entry[0]['name'], self.expected(key))
                self.assertEqual(entry[0]['ref'], '/' + self.expected(key))
                # no JSON escape smuggles a control character back in
                self.assertEqual([c for c in entry[0]['name'] if ord(c) < 0x20 or
                                  0x7f <= ord(c) < 0xa0], [])

    def test_printed_refs_work_with_info(self):
        table = run_cli('list', '--kind=posix').out
        for key, seg in self.segments.items():
            with self.subTest(name=key):
                # the reference as the table prints it (it may hold spaces: the forged
                # row does, so it is taken by its known length, not split)
                rows = [line for line in table.split('\n') if line.startswith(seg.ref + ' ')]
                self.assertEqual(len(rows), 1)
                printed = rows[0][:len(seg.ref)]
                result = run_cli('info', '--json', printed)
                self.assertEqual(result.returncode, 0, result.describe())
                info = result.json()
                self.assertEqual(info['inode'], seg.stat().st_ino)
                self.assertEqual(info['name'], self.expected(key))
                self.assertEqual(info['size'], 4096)
                text = run_cli('info', printed)
                self.assertEqual(text.returncode, 0, text.describe())
                self.assertEqual(control_bytes(text.stdout), [])
                self.assertIn('Name:         %s\n' % self.expected(key), text.out)

    def test_dump_by_printed_ref(self):
        if not cli_has_command('dump'):
            self.skipTest('this shmlens-cli has no dump command yet')
        for key, seg in self.segments.items():
            with self.subTest(name=key):
                result = run_cli('dump', seg.ref)
                self.assertEqual(result.returncode, 0, result.describe())
                self.assertIn(('|%s' % key)[:17].encode(), result.stdout)

    def test_errors_escape_names(self):
        # A missing segment with a hostile name: the message must not carry it raw.
        raw = unique_name('gone').encode() + b'\n\x1b[2J\xff'
        ref = '/' + shmlens_escape(raw)
        result = run_cli('info', ref)
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertIn(shmlens_escape(raw), result.err)
        self.assertEqual(control_bytes(result.stderr.rstrip(b'\n')), [], result.describe())


class HostileCommandTests(unittest.TestCase):
    """Process names are chosen by the process: they are escaped like segment names."""

    def test_command_names_are_escaped(self):
        with Helper() as helper:
            command = helper.set_command(b'ev\nil\x1b[31m\xff')
            self.assertEqual(command, b'ev\nil\x1b[31m\xff')
            expected = shmlens_escape(command)
            self.assertEqual(expected, 'ev\\nil\\x1b[31m\\xff')
            m = helper.memfd(unique_name('comm'), 4096)
            helper.map_fd(m['fd'])
            anon = helper.anon(4096)
            ref = 'memfd:%d:%d' % (helper.pid, m['fd'])

            result = run_cli('info', '--json', ref)
            self.assertEqual(result.returncode, 0, result.describe())
            self.assertEqual(control_bytes(result.stdout), [], result.describe())
            self.assertEqual({a['command'] for a in result.json()['attachments']}, {expected})

            result = run_cli('info', ref)
            self.assertEqual(result.returncode, 0, result.describe())
            self.assertEqual(control_bytes(result.stdout), [], result.describe())
            self.assertIn(' %s ' % expected, result.out)

            # shared anonymous memory is named after its process
            anon_ref = 'anon:%d:0x%x' % (helper.pid, anon['start'])
            result = run_cli('list', '--kind=anon')
            self.assertEqual(result.returncode, 0, result.describe())
            self.assertEqual(control_bytes(result.stdout), [], result.describe())
            rows = [line for line in result.out.split('\n') if line.startswith(anon_ref + ' ')]
            self.assertEqual(len(rows), 1, result.out)
            self.assertTrue(rows[0].endswith('  ' + expected), rows[0])
            result = run_cli('list', '--kind=anon', '--json')
            entries = [e for e in result.json() if e['ref'] == anon_ref]
            self.assertEqual([e['name'] for e in entries], [expected])


class HostileMemfdNameTests(unittest.TestCase):
    """/proc/PID/maps prints a newline in a path as the four characters \\012, and a
    backslash as itself: a name read from there must not be shown as if it were the
    memfd's name. Whichever way a memfd is reached — its descriptor or its mapping —
    it has one name."""

    def test_newline_in_memfd_name(self):
        raw = b'shmlens-test-nl-%d-a\nb' % os.getpid()
        expected = shmlens_escape(raw)
        self.assertTrue(expected.endswith('-a\\nb'))
        with Helper() as helper:
            held = helper.memfd(raw, 4096)             # held by a descriptor, and mapped
            held_map = helper.map_fd(held['fd'])
            mapped = helper.memfd(raw, 8192)           # reachable through its mapping only
            mapped_map = helper.map_fd(mapped['fd'])
            helper.close_fd(mapped['fd'])
            self.assertIn('\\012', mapped_map['path'], 'the kernel escapes it in maps')

            result = run_cli('list', '--json', '--kind=memfd')
            self.assertEqual(result.returncode, 0, result.describe())
            names = {e['inode']: e['name'] for e in result.json() if e.get('pid') == helper.pid}
            with self.subTest(reached='descriptor', command='list'):
                self.assertEqual(names.get(held['inode']), expected)
            with self.subTest(reached='mapping', command='list'):
                self.assertEqual(names.get(mapped['inode']), expected)
            for what, ref in (('descriptor', 'memfd:%d:%d' % (helper.pid, held['fd'])),
                              ('address of a held memfd',
                               'memfd:%d:0x%x' % (helper.pid, held_map['start'])),
                              ('mapping', 'memfd:%d:0x%x' % (helper.pid, mapped_map['start']))):
                with self.subTest(reached=what, command='info'):
                    result = run_cli('info', '--json', ref)
                    self.assertEqual(result.returncode, 0, result.describe())
                    self.assertEqual(result.json()['name'], expected)


class HugeSizeTests(unittest.TestCase):

    def test_sparse_terabyte_segment_has_its_exact_size(self):
        size = (1 << 40) + 4097
        seg = PosixSegment(size=size, data=b'far')
        self.addCleanup(seg.remove)
        blocks = seg.stat().st_blocks
        result = run_cli('list', '--kind=posix', '--json')
        self.assertEqual(result.returncode, 0, result.describe())
        entry = [e for e in result.json() if e['ref'] == seg.ref]
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry[0]['size'], size)
        self.assertEqual(entry[0]['resident'], blocks * 512)
        result = run_cli('info', seg.ref)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertIn('Size:         %d bytes\n' % size, result.out)
        table = run_cli('list', '--kind=posix').out
        row = [line for line in table.split('\n') if line.startswith(seg.ref + ' ')]
        self.assertEqual(len(row), 1)
        self.assertRegex(row[0], r'1[.,]0[ \u00a0]TiB')
        self.assertEqual(seg.stat().st_blocks, blocks)


class PermissionTests(unittest.TestCase):

    def setUp(self):
        if os.getuid() != 0:
            self.skipTest('needs root, to make a segment another user may not read')
        # The binary must be reachable by the unprivileged user.
        probe = run_cli('--version', user=(NOBODY, NOBODY))
        if probe.returncode != 0:
            self.skipTest('user %d cannot run %s: %s' % (NOBODY, cli_path(), probe.err))
        self.seg = PosixSegment(size=8192, data=b'secret' * 100, mode=0o600)
        self.addCleanup(self.seg.remove)

    def test_dump_denied_names_segment_owner_and_mode(self):
        if not cli_has_command('dump'):
            self.skipTest('this shmlens-cli has no dump command yet: only dump opens a '
                          'segment, so only dump can be denied')
        result = run_cli('dump', self.seg.ref, user=(NOBODY, NOBODY))
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertEqual(result.stdout, b'', 'no bytes of a segment we may not read')
        message = result.err
        self.assertIn(self.seg.ref, message)
        self.assertIn('permission denied', message.lower())
        self.assertIn('root', message)
        self.assertIn('0600', message)

    @skip_under_valgrind("valgrind's shmat() asks for the size first and, denied, fails with EINVAL instead of EACCES")
    def test_sysv_dump_and_watch_denied(self):
        sysv = SysvSegment(size=8192, mode=0o600)
        self.addCleanup(sysv.remove)
        before = sysv_row(sysv.shmid)
        for command in ('dump', 'watch'):
            with self.subTest(command=command):
                if not cli_has_command(command):
                    self.skipTest('this shmlens-cli has no %s command yet' % command)
                result = run_cli(command, sysv.ref, user=(NOBODY, NOBODY), timeout=10)
                self.assertEqual(result.returncode, 1, result.describe())
                self.assertEqual(result.stdout, b'')
                self.assertIn(sysv.ref, result.err)
                self.assertIn('permission denied', result.err.lower())
                self.assertIn('root', result.err)
                self.assertIn('0600', result.err)
        self.assertEqual(sysv_row(sysv.shmid), before, 'a refused attach changed the segment')

    def test_watch_denied(self):
        if not cli_has_command('watch'):
            self.skipTest('this shmlens-cli has no watch command yet')
        result = run_cli('watch', self.seg.ref, user=(NOBODY, NOBODY), timeout=10)
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertIn(self.seg.ref, result.err)
        self.assertIn('permission denied', result.err.lower())
        self.assertIn('0600', result.err)

    def test_memfd_of_another_users_process_denied(self):
        with Helper() as helper:
            m = helper.memfd(unique_name('perm'), 4096)
            ref = 'memfd:%d:%d' % (helper.pid, m['fd'])
            for command in ('info', 'dump'):
                with self.subTest(command=command):
                    if not cli_has_command(command):
                        self.skipTest('this shmlens-cli has no %s command yet' % command)
                    result = run_cli(command, ref, user=(NOBODY, NOBODY))
                    self.assertEqual(result.returncode, 1, result.describe())
                    self.assertEqual(result.stdout, b'')
                    self.assertIn('process %d' % helper.pid, result.err)
                    self.assertIn('permission denied', result.err.lower())

    def test_info_needs_no_permission_to_read(self):
        # info only looks at metadata: it works for a segment the user cannot read.
        result = run_cli('info', '--json', self.seg.ref, user=(NOBODY, NOBODY))
        self.assertEqual(result.returncode, 0, result.describe())
        info = result.json()
        self.assertEqual(info['mode'], 0o600)
        self.assertEqual(info['uid'], 0)
        self.assertEqual(info['owner'], 'root')

    def test_sysv_attached_by_hidden_process_is_not_orphan(self):
        # An unprivileged user cannot read root's /proc/PID/maps, so it cannot see who
        # attached a System V segment; but the kernel's nattch says someone did. Calling
        # it "orphan" then is false, and invites its removal.
        sysv = SysvSegment(size=4096, mode=0o644)
        self.addCleanup(sysv.remove)
        with Helper() as helper:                       # a root process
            helper.shmat(sysv.shmid)
            self.assertEqual(sysv_row(sysv.shmid)['nattch'], 1)
            result = run_cli('list', '--json', '--kind=sysv', user=(NOBODY, NOBODY))
            self.assertEqual(result.returncode, 0, result.describe())
            entry = [e for e in result.json() if e['ref'] == sysv.ref]
            self.assertEqual(len(entry), 1)
            self.assertEqual(entry[0]['nattch'], 1)
            self.assertIs(entry[0]['orphan'], False,
                          'nattch is 1, yet the segment is called an orphan')
            result = run_cli('list', '--kind=sysv', user=(NOBODY, NOBODY))
            self.assertEqual(result.returncode, 0, result.describe())
            row = [line for line in result.out.split('\n') if line.startswith(sysv.ref + ' ')]
            self.assertEqual(len(row), 1)
            self.assertNotRegex(row[0], r' orphan  ', 'nattch is 1, yet the table says orphan')

    def test_list_as_unprivileged_user(self):
        result = run_cli('list', '--json', '--kind=all', user=(NOBODY, NOBODY))
        self.assertEqual(result.returncode, 0, result.describe())
        entry = [e for e in result.json() if e['ref'] == self.seg.ref]
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry[0]['mode'], 0o600)
        # the table says that other users' processes were not inspected
        result = run_cli('list', user=(NOBODY, NOBODY))
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertIn('could not be inspected', result.err)


# A process that makes and ends short-lived processes as fast as it can, some of them
# holding memfds and mappings, until its stdin closes. It prints how many it made.
CHURN_SOURCE = r'''
import ctypes, mmap, os, random, select, signal, sys
libc = ctypes.CDLL(None)
libc.prctl(1, signal.SIGKILL, 0, 0, 0)     # PR_SET_PDEATHSIG
made = 0
alive = []
while not select.select([0], [], [], 0)[0]:
    pid = os.fork()
    if pid == 0:
        try:
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)
            kind = random.randrange(3)
            if kind >= 1:
                fd = os.memfd_create('shmlens-test-churn-%d' % os.getpid())
                os.ftruncate(fd, 8192)
                m = mmap.mmap(fd, 8192)
                m[0:5] = b'churn'
            if kind == 2:
                a = mmap.mmap(-1, 4096, flags=mmap.MAP_SHARED)
                a[0:1] = b'x'
            if random.random() < 0.5:
                select.select([], [], [], random.random() * 0.004)
        finally:
            os._exit(0)
    made += 1
    alive.append(pid)
    if len(alive) > 30 or random.random() < 0.3:
        victim = alive.pop(random.randrange(len(alive)))
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass
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
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
while True:
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
print(made)
'''


class ProcessesVanishTests(unittest.TestCase):

    @skip_under_valgrind('the scan must be fast enough to meet processes that live milliseconds')
    def test_list_survives_processes_exiting_mid_scan(self):
        churn = subprocess.Popen([sys.executable, '-c', CHURN_SOURCE], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE)

        def stop():
            if churn.poll() is None:
                churn.stdin.close()
                try:
                    churn.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    churn.kill()
                    churn.wait()
            churn.stdout.close()
        self.addCleanup(stop)
        time.sleep(0.2)

        kinds = {'posix', 'sysv', 'memfd', 'anon'}
        saw_churn = 0
        for i in range(50):
            result = run_cli('list', '--kind=all', '--json', timeout=30)
            self.assertEqual(result.returncode, 0, 'run %d:\n%s' % (i, result.describe()))
            try:
                entries = json.loads(result.stdout.decode('utf-8'))
            except ValueError as e:
                self.fail('run %d: invalid JSON (%s):\n%s' % (i, e, result.describe()))
            self.assertIsInstance(entries, list)
            refs = [e['ref'] for e in entries]
            self.assertEqual(len(refs), len(set(refs)), 'run %d: a segment listed twice' % i)
            for e in entries:
                self.assertIn(e['kind'], kinds)
                self.assertIsInstance(e['size'], int)
                self.assertIsInstance(e['attached'], int)
            saw_churn += len([e for e in entries
                              if e['name'].startswith('shmlens-test-churn-')])
            if i % 10 == 0:  # the table too
                result = run_cli('list', '--kind=all', timeout=30)
                self.assertEqual(result.returncode, 0, result.describe())

        out, _ = churn.communicate(timeout=30)   # closes its stdin: the churn stops
        made = int(out)
        self.assertGreater(made, 200, 'the churn was too slow to test anything')
        self.assertGreater(saw_churn, 0, 'no short-lived memfd was ever seen: the scan '
                                         'does not meet the churn')
        print('\n%d short-lived processes during 50 listings; %d of their memfds seen'
              % (made, saw_churn), file=sys.stderr)


class OutputFailsTests(unittest.TestCase):
    """Output that cannot be written (a full disk, here /dev/full) is an error that says
    so, with exit status 1, whichever way a command prints: in pieces (JSON), whole
    (tables, dumps) or through stdio (demos, GOption's --help). A command must never
    exit 0 having lost its output, and nothing it inspected changes."""

    REASONS = ('Cannot write the output: No space left on device',
               'Some of the output could not be written.')

    def setUp(self):
        self.segment = PosixSegment(size=65536, data=bytes(range(256)) * 256)
        self.addCleanup(self.segment.remove)
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.header = os.path.join(directory.name, 'block.h')
        with open(self.header, 'w') as f:
            f.write('struct block { unsigned char bytes[256]; unsigned int words[16320]; };\n')

    def test_every_command_reports_a_full_output(self):
        ref = self.segment.ref
        commands = [
            ['--help'], ['--version'], ['list', '--help'], ['dump', '--help'],
            ['list'], ['list', '--json'],
            ['info', ref], ['info', ref, '--json'],
            ['dump', ref], ['dump', ref, '--format=xxd'], ['dump', ref, '--format=raw'],
            ['show', ref, '--layout=' + self.header],
            ['show', ref, '--layout=' + self.header, '--json'],
            ['layout', self.header], ['layout', self.header, '--json'],
            ['watch', ref, '--json'],
        ]
        before = (self.segment.stat(), self.segment.sha256())
        with open('/dev/full', 'wb') as full:
            for args in commands:
                with self.subTest(args=args[:1] + args[2:]):
                    result = run_cli(*args, stdout=full, timeout=HANG_TIMEOUT)
                    self.assertEqual(result.returncode, 1, result.describe())
                    lines = result.err.splitlines()
                    self.assertTrue(any(line in ('shmlens-cli: ' + r for r in self.REASONS)
                                        for line in lines), result.describe())
        after = (self.segment.stat(), self.segment.sha256())
        self.assertEqual((before[0].st_size, before[0].st_mtime_ns, before[0].st_blocks,
                          before[1]),
                         (after[0].st_size, after[0].st_mtime_ns, after[0].st_blocks, after[1]))

    def test_watch_stops_when_its_output_fails(self):
        # text watch prints nothing until a change; then it must stop, not watch on
        # for ever printing into nowhere
        with open('/dev/full', 'wb') as full:
            proc = subprocess.Popen([cli_path(), 'watch', self.segment.ref, '--interval=20'],
                                    stdout=full, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + HANG_TIMEOUT
            while proc.poll() is None and time.monotonic() < deadline:
                self.segment.write(0, os.urandom(8))
                time.sleep(0.05)
            self.assertIsNotNone(proc.poll(), 'watch kept running with its output failing')
        finally:
            if proc.poll() is None:
                proc.kill()
            err = proc.communicate()[1].decode()
        self.assertEqual(proc.returncode, 1, err)
        self.assertIn('shmlens-cli: ' + self.REASONS[0], err.splitlines())


if __name__ == '__main__':
    unittest.main(verbosity=2)
