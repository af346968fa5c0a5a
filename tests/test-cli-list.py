# SPDX-License-Identifier: GPL-3.0-or-later
"""test-cli-list: `shmlens-cli list` and `info` against real segments, real processes and
real peers (ipcs from util-linux, /proc/sysvipc/shm, /proc/PID/maps)."""

import os
import pwd
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from shmlens_testlib import (  # noqa: E402
    Helper, PosixSegment, SysvSegment, find_entries, find_entry, read_maps, run_cli,
    shmctl_rmid, shmlens_escape, sysv_row, unique_name,
)

NOBODY = 65534
PAGE = os.sysconf('SC_PAGE_SIZE')


def user_name(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def list_json(testcase, *args):
    result = run_cli('list', '--json', *args)
    testcase.assertEqual(result.returncode, 0, result.describe())
    entries = result.json()
    testcase.assertIsInstance(entries, list)
    return entries


def info_json(testcase, ref):
    result = run_cli('info', '--json', ref)
    testcase.assertEqual(result.returncode, 0, result.describe())
    return result.json()


def table_row(testcase, output, ref):
    """The line of `list`'s table that starts with REF followed by a space."""
    rows = [line for line in output.split('\n') if line.startswith(ref + ' ')]
    testcase.assertEqual(len(rows), 1, 'expected one row for %s in:\n%s' % (ref, output))
    return rows[0]


_UNITS = {'B': 1, 'KiB': 1 << 10, 'MiB': 1 << 20, 'GiB': 1 << 30, 'TiB': 1 << 40}


def assert_human_size(testcase, text, size):
    """TEXT (such as "12.1 KiB", with a space or a no-break space) stands for SIZE bytes,
    to the precision shown."""
    m = re.fullmatch(r'(\d+(?:\.\d+)?)[ \u00a0](B|KiB|MiB|GiB|TiB)', text)
    testcase.assertIsNotNone(m, 'not a size: %r' % text)
    value, unit = float(m.group(1)), _UNITS[m.group(2)]
    if unit == 1:
        testcase.assertEqual(int(value), size)
    else:
        testcase.assertLessEqual(abs(value * unit - size), 0.051 * unit,
                                 '%r is not %d bytes' % (text, size))


def parse_row(testcase, row, ref):
    """Splits a table row into its columns; the name is everything after ATTACHED."""
    m = re.fullmatch(re.escape(ref) +
                     r' +(?P<size>[\d.]+[ \u00a0][KMGT]?i?B)'
                     r' +(?P<resident>[\d.]+[ \u00a0][KMGT]?i?B|-)'
                     r' +(?P<owner>\S+) +(?P<mode>[0-7]{4}) +(?P<attached>\d+|orphan)  (?P<name>.*)',
                     row)
    testcase.assertIsNotNone(m, 'cannot read the table row %r' % row)
    return m.groupdict()


def ipcs_table():
    """`ipcs -m` as {shmid: {key, owner, perms, bytes, nattch, status}}."""
    out = subprocess.run(['ipcs', '-m'], check=True, capture_output=True,
                         env=dict(os.environ, LC_ALL='C')).stdout.decode()
    rows = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[0].startswith('0x') and fields[1].isdigit():
            rows[int(fields[1])] = {
                'key': fields[0], 'owner': fields[2], 'perms': fields[3],
                'bytes': int(fields[4]), 'nattch': int(fields[5]),
                'status': ' '.join(fields[6:]),
            }
    return rows


def ipcs_details(shmid):
    """`ipcs -m -i SHMID` as {name: value} (times as epoch seconds, 0 for "Not set")."""
    out = subprocess.run(['ipcs', '-m', '-i', str(shmid)], check=True, capture_output=True,
                         env=dict(os.environ, LC_ALL='C')).stdout.decode()
    values = {}
    for line in out.splitlines():
        for part in line.split('\t'):
            if '=' not in part or part.startswith('Shared memory'):
                continue
            name, value = part.split('=', 1)
            value = value.strip()
            if name.endswith('_time'):
                values[name] = 0 if value == 'Not set' else int(
                    time.mktime(time.strptime(value, '%a %b %d %H:%M:%S %Y')))
            else:
                values[name] = value
    return values


class ListTests(unittest.TestCase):

    # -- one segment of each kind, with exact metadata --------------------------------

    def test_posix_segment_has_exact_size_owner_and_mode(self):
        seg = PosixSegment(size=12345, data=b'shmlens' * 100, mode=0o640)
        self.addCleanup(seg.remove)
        os.chown(seg.path, NOBODY, NOBODY)
        st = seg.stat()

        entry = find_entry(list_json(self), ref=seg.ref)
        self.assertEqual(entry['kind'], 'posix')
        self.assertEqual(entry['name'], seg.display_name)
        self.assertEqual(entry['size'], 12345)
        self.assertEqual(entry['resident'], st.st_blocks * 512)
        self.assertEqual(entry['uid'], NOBODY)
        self.assertEqual(entry['gid'], NOBODY)
        self.assertEqual(entry['owner'], user_name(NOBODY))
        self.assertEqual(entry['mode'], 0o640)
        self.assertEqual(entry['inode'], st.st_ino)
        self.assertEqual(entry['device'], st.st_dev)
        self.assertEqual(entry['mtime'], int(st.st_mtime))
        self.assertEqual(entry['ctime'], int(st.st_ctime))
        self.assertEqual(entry['attached'], 0)
        self.assertIs(entry['orphan'], True)

        result = run_cli('list')
        self.assertEqual(result.returncode, 0, result.describe())
        row = parse_row(self, table_row(self, result.out, seg.ref), seg.ref)
        assert_human_size(self, row['size'], 12345)
        assert_human_size(self, row['resident'], st.st_blocks * 512)
        self.assertEqual(row['owner'], user_name(NOBODY))
        self.assertEqual(row['mode'], '0640')
        self.assertEqual(row['attached'], 'orphan')
        self.assertEqual(row['name'], seg.display_name)
        header = result.out.split('\n')[0].split()
        self.assertEqual(header, ['REF', 'SIZE', 'RESIDENT', 'OWNER', 'MODE', 'ATTACHED', 'NAME'])

    def test_sysv_segment_matches_ipcs_and_proc(self):
        seg = SysvSegment(size=10000, mode=0o640, high_bit_key=True)
        self.addCleanup(seg.remove)
        seg.write(0, b'written by the test')    # attaches and detaches this process
        helper = Helper()
        self.addCleanup(helper.close)
        helper.shmat(seg.shmid)                  # the last attach: lpid is the helper

        entry = find_entry(list_json(self, '--kind=sysv'), id=seg.shmid)
        proc = sysv_row(seg.shmid)
        ipcs = ipcs_table()[seg.shmid]
        details = ipcs_details(seg.shmid)

        # /proc/sysvipc/shm, column by column
        self.assertEqual(entry['ref'], 'sysv:%d' % seg.shmid)
        self.assertEqual(entry['kind'], 'sysv')
        self.assertEqual(entry['key'], proc['key'])
        self.assertEqual(entry['key'], seg.key)
        self.assertLess(entry['key'], 0, 'a key with the high bit set is a negative int32')
        self.assertEqual(entry['perms'], proc['perms'])
        self.assertEqual(entry['size'], proc['size'])
        self.assertEqual(entry['creator_pid'], proc['cpid'])
        self.assertEqual(entry['creator_pid'], os.getpid())
        self.assertEqual(entry['last_pid'], proc['lpid'])
        self.assertEqual(entry['nattch'], proc['nattch'])
        self.assertEqual(entry['uid'], proc['uid'])
        self.assertEqual(entry['gid'], proc['gid'])
        self.assertEqual(entry['cuid'], proc['cuid'])
        self.assertEqual(entry['cgid'], proc['cgid'])
        self.assertEqual(entry['atime'], proc['atime'])
        self.assertEqual(entry['dtime'], proc['dtime'])
        self.assertEqual(entry['ctime'], proc['ctime'])
        self.assertEqual(entry['resident'], proc['rss'])
        self.assertEqual(entry['swap'], proc['swap'])

        # ipcs -m
        self.assertEqual('0x%08x' % (entry['key'] & 0xffffffff), ipcs['key'])
        self.assertEqual(entry['name'], ipcs['key'])
        self.assertEqual(entry['owner'], ipcs['owner'])
        self.assertEqual('%o' % entry['mode'], ipcs['perms'])
        self.assertEqual(entry['size'], ipcs['bytes'])
        self.assertEqual(entry['nattch'], ipcs['nattch'])
        self.assertEqual(ipcs['status'], '')
        self.assertIs(entry['marked_for_removal'], False)
        self.assertIs(entry['locked'], False)

        # ipcs -m -i ID
        self.assertEqual(entry['uid'], int(details['uid']))
        self.assertEqual(entry['gid'], int(details['gid']))
        self.assertEqual(entry['cuid'], int(details['cuid']))
        self.assertEqual(entry['cgid'], int(details['cgid']))
        self.assertEqual(entry['perms'], int(details['mode'], 8))
        self.assertEqual(entry['mode'], int(details['access_perms'], 8))
        self.assertEqual(entry['size'], int(details['bytes']))
        self.assertEqual(entry['last_pid'], int(details['lpid']))
        self.assertEqual(entry['last_pid'], helper.pid)
        self.assertEqual(entry['creator_pid'], int(details['cpid']))
        self.assertEqual(entry['nattch'], int(details['nattch']))
        self.assertEqual(entry['nattch'], 1)
        self.assertEqual(entry['atime'], details['att_time'])
        self.assertEqual(entry['dtime'], details['det_time'])
        self.assertEqual(entry['ctime'], details['change_time'])
        self.assertNotEqual(entry['atime'], 0)

        # attachment: one process, the helper
        self.assertEqual(entry['attached'], 1)
        self.assertIs(entry['orphan'], False)

        # info, text: the key as ipcs prints it
        result = run_cli('info', seg.ref)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertRegex(result.out, r'(?m)^Key: +%s$' % ipcs['key'])
        self.assertRegex(result.out, r'(?m)^Id: +%d$' % seg.shmid)
        self.assertRegex(result.out, r'(?m)^Last pid: +%d$' % helper.pid)

    def test_sysv_owned_by_another_user(self):
        # shmget as nobody: uid, gid, cuid and cgid all come from the creator.
        code = ('import ctypes; libc = ctypes.CDLL(None, use_errno=True); '
                'print(libc.shmget(0, 8192, 0o1000 | 0o604))')
        out = subprocess.run(['setpriv', '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY,
                              '--clear-groups', sys.executable, '-c', code],
                             check=True, capture_output=True).stdout
        shmid = int(out)
        self.assertGreaterEqual(shmid, 0)
        self.addCleanup(shmctl_rmid, shmid)

        entry = find_entry(list_json(self, '--kind=sysv'), id=shmid)
        details = ipcs_details(shmid)
        self.assertEqual(entry['key'], 0)
        self.assertEqual(entry['uid'], NOBODY)
        self.assertEqual(entry['cuid'], NOBODY)
        self.assertEqual(entry['gid'], NOBODY)
        self.assertEqual(entry['cgid'], NOBODY)
        self.assertEqual(entry['owner'], user_name(NOBODY))
        self.assertEqual(entry['owner'], ipcs_table()[shmid]['owner'])
        self.assertEqual(entry['mode'], 0o604)
        self.assertEqual(entry['size'], 8192)
        self.assertEqual(entry['uid'], int(details['uid']))
        self.assertEqual(entry['atime'], 0)
        self.assertEqual(entry['last_pid'], 0)
        self.assertIs(entry['orphan'], True)

    def test_sysv_marked_for_removal(self):
        seg = SysvSegment(size=4096, mode=0o600)
        self.addCleanup(seg.remove)
        helper = Helper()
        self.addCleanup(helper.close)
        helper.shmat(seg.shmid)
        seg.mark_for_removal()

        entry = find_entry(list_json(self, '--kind=sysv'), id=seg.shmid)
        self.assertIs(entry['marked_for_removal'], True)
        self.assertEqual(entry['key'], 0, 'IPC_RMID turns the key into IPC_PRIVATE')
        self.assertEqual(entry['perms'], sysv_row(seg.shmid)['perms'])
        self.assertEqual(entry['perms'] & 0o1000, 0o1000)
        self.assertEqual(ipcs_table()[seg.shmid]['status'], 'dest')
        self.assertEqual(entry['attached'], 1)
        result = run_cli('info', seg.ref)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertRegex(result.out, r'(?m)^State: +marked for removal')

    def test_memfd_held_by_child_shows_pid_and_fd(self):
        name = unique_name('memfd')
        with Helper() as helper:
            m = helper.memfd(name, 20000, b'memfd contents')
            entry = find_entry(list_json(self), kind='memfd', inode=m['inode'],
                               device=m['device'])
            self.assertEqual(entry['pid'], helper.pid)
            self.assertEqual(entry['fd'], m['fd'])
            self.assertEqual(entry['ref'], 'memfd:%d:%d' % (helper.pid, m['fd']))
            self.assertEqual(entry['name'], name)
            self.assertEqual(entry['size'], 20000)
            self.assertEqual(entry['uid'], m['uid'])
            self.assertEqual(entry['mode'], m['mode'])
            self.assertEqual(entry['resident'], m['blocks'] * 512)
            self.assertEqual(entry['attached'], 1)
            self.assertIs(entry['orphan'], False)
            self.assertNotIn('address', entry)

            info = info_json(self, entry['ref'])
            self.assertEqual(info['inode'], m['inode'])
            self.assertEqual(info['attachments'],
                             [{'pid': helper.pid, 'command': 'python3', 'uid': os.getuid(),
                               'how': 'holds', 'fd': m['fd'],
                               'perms': info['attachments'][0]['perms']}])
            self.assertTrue(info['attachments'][0]['perms'].startswith('rw'),
                            'an O_RDWR descriptor reads and writes')
        # gone with its process
        self.assertEqual(find_entries(list_json(self), inode=m['inode'], kind='memfd'), [])

    def test_memfd_mapped_only_is_reached_through_its_mapping(self):
        name = unique_name('memfd-mapped')
        with Helper() as helper:
            m = helper.memfd(name, 3 * PAGE)
            mapping = helper.map_fd(m['fd'])
            helper.close_fd(m['fd'])
            entry = find_entry(list_json(self), kind='memfd', inode=m['inode'])
            self.assertEqual(entry['ref'], 'memfd:%d:0x%x' % (helper.pid, mapping['start']))
            self.assertEqual(entry['address'], '0x%x' % mapping['start'])
            self.assertNotIn('fd', entry)
            self.assertEqual(entry['size'], 3 * PAGE)
            info = info_json(self, entry['ref'])
            self.assertEqual(info['inode'], m['inode'])
            self.assertEqual([a['how'] for a in info['attachments']], ['maps'])

    def test_memfds_with_one_name_are_two_segments(self):
        name = unique_name('samename')
        with Helper() as helper:
            a = helper.memfd(name, PAGE)
            b = helper.memfd(name, 2 * PAGE)
            entries = find_entries(list_json(self), kind='memfd', name=name)
            self.assertEqual(sorted((e['inode'], e['fd'], e['size']) for e in entries),
                             sorted([(a['inode'], a['fd'], PAGE), (b['inode'], b['fd'], 2 * PAGE)]))

    def test_anon_segment_listed_with_kind_all(self):
        with Helper() as helper:
            anon = helper.anon(3 * PAGE, b'anonymous')
            entries = list_json(self, '--kind=all')
            entry = find_entry(entries, kind='anon', pid=helper.pid,
                               address='0x%x' % anon['start'])
            self.assertEqual(entry['ref'], 'anon:%d:0x%x' % (helper.pid, anon['start']))
            self.assertEqual(entry['size'], 3 * PAGE)
            self.assertEqual(entry['inode'], anon['inode'])
            self.assertEqual(entry['uid'], anon['uid'])
            self.assertEqual(entry['mode'], anon['mode'])
            self.assertEqual(entry['attached'], 1)
            self.assertNotIn('fd', entry)
            # not a default kind
            self.assertEqual(find_entries(list_json(self), kind='anon'), [])
            info = info_json(self, entry['ref'])
            self.assertEqual(info['attachments'],
                             [{'pid': helper.pid, 'command': 'python3', 'uid': os.getuid(),
                               'how': 'maps', 'start': '0x%x' % anon['start'],
                               'end': '0x%x' % anon['end'], 'offset': 0, 'perms': 'rw-s'}])

    def test_unprivileged_mapping_only_segments_owner_not_made_up(self):
        # Without CAP_SYS_ADMIN, /proc/PID/map_files cannot be stat()ed: a memfd whose
        # descriptor is closed, and shared anonymous memory, are known only through
        # /proc/PID/maps. What is not known must not be made up: resident is null, and
        # the owner is the process's user, in list and info alike — never root.
        if os.getuid() != 0:
            self.skipTest('needs root, to run as another user')
        user = (NOBODY, NOBODY)
        with Helper(user=user) as helper:
            m = helper.memfd(unique_name('unpriv'), 10000)
            mapping = helper.map_fd(m['fd'])
            helper.close_fd(m['fd'])
            anon = helper.anon(3 * PAGE)
            refs = {'memfd': 'memfd:%d:0x%x' % (helper.pid, mapping['start']),
                    'anon': 'anon:%d:0x%x' % (helper.pid, anon['start'])}
            result = run_cli('list', '--json', '--kind=memfd,anon', user=user)
            self.assertEqual(result.returncode, 0, result.describe())
            listed = {e['ref']: e for e in result.json()}
            for kind, ref in refs.items():
                info = run_cli('info', '--json', ref, user=user)
                self.assertEqual(info.returncode, 0, info.describe())
                info = info.json()
                for source, entry in (('list', listed.get(ref)), ('info', info)):
                    with self.subTest(kind=kind, source=source):
                        self.assertIsNotNone(entry, '%s not listed' % ref)
                        self.assertEqual(entry['kind'], kind)
                        self.assertIsNone(entry['resident'])
                        self.assertGreaterEqual(entry['size'], mapping['end'] - mapping['start']
                                                if kind == 'memfd' else 3 * PAGE)
                        self.assertEqual(entry['attached'], 1)
                        self.assertEqual((entry['uid'], entry['owner']),
                                         (NOBODY, user_name(NOBODY)),
                                         '%s %s: the owner is made up' % (source, ref))
                        self.assertEqual(entry['gid'], NOBODY,
                                         '%s %s: the group is made up' % (source, ref))
                text = run_cli('info', ref, user=user)
                self.assertEqual(text.returncode, 0, text.describe())
                with self.subTest(kind=kind, source='info text'):
                    self.assertRegex(text.out, r'(?m)^Resident: +unknown')
                    self.assertRegex(text.out, r'(?m)^Owner: +%s \(uid %d\)'
                                     % (user_name(NOBODY), NOBODY))

    # -- attachments ---------------------------------------------------------------------

    def expected_attachments(self, pid, inode, device=None, fds=(), path_prefix=None):
        """What info must say about PID, from its /proc/PID/maps and descriptors."""
        expected = []
        for line in read_maps(pid):
            if line['inode'] != inode:
                continue
            if device is not None and os.makedev(line['dev_major'], line['dev_minor']) != device:
                continue
            if path_prefix is not None and not line['path'].startswith(path_prefix):
                continue
            expected.append({'pid': pid, 'how': 'maps', 'start': '0x%x' % line['start'],
                             'end': '0x%x' % line['end'], 'offset': line['offset'],
                             'perms': line['perms']})
        for fd in fds:
            mode = os.lstat('/proc/%d/fd/%d' % (pid, fd)).st_mode
            perms = ('r' if mode & 0o400 else '-') + ('w' if mode & 0o200 else '-')
            expected.append({'pid': pid, 'how': 'holds', 'fd': fd, 'perms': perms})
        return expected

    @staticmethod
    def comparable(attachments):
        out = []
        for a in attachments:
            a = {k: v for k, v in a.items() if k not in ('command', 'uid')}
            if a['how'] == 'holds':
                a['perms'] = a['perms'][:2]
            out.append(tuple(sorted(a.items())))
        return sorted(out)

    def test_info_attachments_equal_proc_maps(self):
        name = unique_name('maps')
        with Helper() as helper:
            m = helper.memfd(name, 8 * PAGE)
            whole = helper.map_fd(m['fd'], prot='rw')
            part = helper.map_fd(m['fd'], length=2 * PAGE, offset=3 * PAGE, prot='r')
            info = info_json(self, 'memfd:%d:%d' % (helper.pid, m['fd']))
            expected = self.expected_attachments(helper.pid, m['inode'], m['device'], [m['fd']])
            self.assertEqual(len(expected), 3)
            self.assertEqual(self.comparable(info['attachments']), self.comparable(expected))
            starts = {a['start'] for a in info['attachments'] if a['how'] == 'maps'}
            self.assertEqual(starts, {'0x%x' % whole['start'], '0x%x' % part['start']})
            for a in info['attachments']:
                self.assertEqual(a['command'], 'python3')
                self.assertEqual(a['uid'], os.getuid())
                if a['how'] == 'maps':
                    self.assertRegex(a['start'], r'^0x[0-9a-f]+$')
            by_start = {a['start']: a for a in info['attachments'] if a['how'] == 'maps'}
            self.assertEqual(by_start['0x%x' % part['start']]['offset'], 3 * PAGE)
            self.assertEqual(by_start['0x%x' % part['start']]['perms'], 'r--s')
            self.assertEqual(info['attached'], 1)

            # the text form lists the same rows
            result = run_cli('info', 'memfd:%d:%d' % (helper.pid, m['fd']))
            self.assertEqual(result.returncode, 0, result.describe())
            self.assertRegex(result.out, r'(?m)^1 process(es)? attached$')
            self.assertRegex(result.out, r'(?m)^ *%d +python3 +%d +maps +0x0*%x +0x0*%x +%d +r--s$'
                             % (helper.pid, os.getuid(), part['start'], part['end'], 3 * PAGE))
            self.assertRegex(result.out, r'(?m)^ *%d +python3 +%d +holds +fd %d ' %
                             (helper.pid, os.getuid(), m['fd']))

    def test_sysv_attachment_equals_proc_maps(self):
        seg = SysvSegment(size=3 * PAGE)
        self.addCleanup(seg.remove)
        with Helper() as helper:
            rw = helper.shmat(seg.shmid)
            ro = helper.shmat(seg.shmid, readonly=True)
            info = info_json(self, seg.ref)
            expected = self.expected_attachments(helper.pid, seg.shmid, path_prefix='/SYSV')
            self.assertEqual(len(expected), 2)
            self.assertEqual(self.comparable(info['attachments']), self.comparable(expected))
            self.assertEqual({a['start'] for a in info['attachments']},
                             {'0x%x' % rw['start'], '0x%x' % ro['start']})
            self.assertEqual(info['nattch'], 2)
            self.assertEqual(info['attached'], 1, 'one process, attached twice')

    def test_posix_mapped_by_two_processes(self):
        seg = PosixSegment(size=4 * PAGE, data=b'two')
        self.addCleanup(seg.remove)
        st = seg.stat()
        with Helper() as first, Helper() as second:
            a = first.map_file(seg.path)
            b = second.map_file(seg.path, prot='r', offset=PAGE, length=PAGE)
            entry = find_entry(list_json(self), ref=seg.ref)
            self.assertEqual(entry['attached'], 2)
            self.assertIs(entry['orphan'], False)
            info = info_json(self, seg.ref)
            self.assertEqual(info['attached'], 2)
            self.assertEqual({a['pid'] for a in info['attachments']}, {first.pid, second.pid})
            expected = (self.expected_attachments(first.pid, st.st_ino, st.st_dev) +
                        self.expected_attachments(second.pid, st.st_ino, st.st_dev))
            self.assertEqual(self.comparable(info['attachments']), self.comparable(expected))
            self.assertEqual(a['inode'], st.st_ino)
            self.assertEqual(b['inode'], st.st_ino)

            result = run_cli('list')
            row = parse_row(self, table_row(self, result.out, seg.ref), seg.ref)
            self.assertEqual(row['attached'], '2')
            result = run_cli('info', seg.ref)
            self.assertIn('2 processes attached', result.out)

    def test_memfd_shared_by_fork_is_one_segment_with_two_holders(self):
        name = unique_name('forked')
        with Helper() as helper:
            m = helper.memfd(name, 5 * PAGE)
            child = helper.fork()
            entries = find_entries(list_json(self, '--kind=memfd'), inode=m['inode'])
            self.assertEqual(len(entries), 1, entries)
            entry = entries[0]
            self.assertEqual(entry['attached'], 2)
            self.assertIn(entry['pid'], (helper.pid, child))
            self.assertEqual(entry['fd'], m['fd'])
            info = info_json(self, entry['ref'])
            self.assertEqual(sorted((a['pid'], a['how'], a['fd']) for a in info['attachments']),
                             sorted([(helper.pid, 'holds', m['fd']), (child, 'holds', m['fd'])]))
            # the other holder's reference names the same segment
            other = child if entry['pid'] == helper.pid else helper.pid
            again = info_json(self, 'memfd:%d:%d' % (other, m['fd']))
            self.assertEqual(again['inode'], m['inode'])
            self.assertEqual(again['attached'], 2)

    def test_anon_shared_by_fork_is_one_segment(self):
        with Helper() as helper:
            anon = helper.anon(2 * PAGE)
            child = helper.fork()
            entries = find_entries(list_json(self, '--kind=anon'), inode=anon['inode'],
                                   kind='anon')
            self.assertEqual(len(entries), 1, entries)
            self.assertEqual(entries[0]['attached'], 2)
            info = info_json(self, entries[0]['ref'])
            self.assertEqual({a['pid'] for a in info['attachments']}, {helper.pid, child})

    def test_recreated_name_is_a_new_segment(self):
        # A process still maps the old, unlinked file; the new file under the same name
        # has nobody: identity is the inode, never the name.
        name = unique_name('recreated')
        old = PosixSegment(size=PAGE, name=name)
        self.addCleanup(old.remove)
        old_inode = old.stat().st_ino
        with Helper() as helper:
            helper.map_file(old.path)
            old.remove()
            new = PosixSegment(size=2 * PAGE, name=name)
            self.addCleanup(new.remove)
            self.assertNotEqual(new.stat().st_ino, old_inode)
            entry = find_entry(list_json(self), ref=new.ref)
            self.assertEqual(entry['inode'], new.stat().st_ino)
            self.assertEqual(entry['size'], 2 * PAGE)
            self.assertEqual(entry['attached'], 0)
            self.assertIs(entry['orphan'], True)
            info = info_json(self, new.ref)
            self.assertEqual(info['attachments'], [])

    # -- orphans -------------------------------------------------------------------------

    def test_orphan_marking_follows_the_processes(self):
        posix = PosixSegment(size=PAGE)
        self.addCleanup(posix.remove)
        sysv = SysvSegment(size=PAGE)
        self.addCleanup(sysv.remove)

        def state():
            entries = list_json(self)
            p = find_entry(entries, ref=posix.ref)
            s = find_entry(entries, ref=sysv.ref)
            return (p['attached'], p['orphan']), (s['attached'], s['orphan'])

        self.assertEqual(state(), ((0, True), (0, True)))
        table = run_cli('list').out
        self.assertEqual(parse_row(self, table_row(self, table, posix.ref), posix.ref)['attached'],
                         'orphan')
        self.assertEqual(parse_row(self, table_row(self, table, sysv.ref), sysv.ref)['attached'],
                         'orphan')
        info = run_cli('info', posix.ref).out
        self.assertIn('0 processes attached (orphan)', info)

        with Helper() as helper:
            helper.open(posix.path, access='r')       # holding a descriptor counts
            helper.shmat(sysv.shmid)
            self.assertEqual(state(), ((1, False), (1, False)))
            table = run_cli('list').out
            self.assertEqual(
                parse_row(self, table_row(self, table, posix.ref), posix.ref)['attached'], '1')
            info = info_json(self, posix.ref)
            self.assertEqual([(a['pid'], a['how']) for a in info['attachments']],
                             [(helper.pid, 'holds')])
            self.assertTrue(info['attachments'][0]['perms'].startswith('r-'))
        self.assertEqual(state(), ((0, True), (0, True)))

    # -- kinds and usage -----------------------------------------------------------------

    def test_kind_filtering(self):
        posix = PosixSegment(size=PAGE)
        self.addCleanup(posix.remove)
        sysv = SysvSegment(size=PAGE)
        self.addCleanup(sysv.remove)
        helper = Helper()
        self.addCleanup(helper.close)
        memfd = helper.memfd(unique_name('kind'), PAGE)
        anon = helper.anon(PAGE)
        memfd_ref = 'memfd:%d:%d' % (helper.pid, memfd['fd'])
        anon_ref = 'anon:%d:0x%x' % (helper.pid, anon['start'])
        mine = {posix.ref: 'posix', sysv.ref: 'sysv', memfd_ref: 'memfd', anon_ref: 'anon'}

        cases = [
            ([], {'posix', 'sysv', 'memfd'}),
            (['--kind=posix'], {'posix'}),
            (['--kind=sysv'], {'sysv'}),
            (['--kind=memfd'], {'memfd'}),
            (['--kind=anon'], {'anon'}),
            (['--kind=posix,anon'], {'posix', 'anon'}),
            (['--kind', 'sysv,memfd'], {'sysv', 'memfd'}),
            (['-k', 'memfd'], {'memfd'}),
            (['--kind=all'], {'posix', 'sysv', 'memfd', 'anon'}),
        ]
        for args, kinds in cases:
            with self.subTest(args=args):
                entries = list_json(self, *args)
                self.assertLessEqual({e['kind'] for e in entries}, kinds)
                found = {mine[e['ref']] for e in entries if e['ref'] in mine}
                self.assertEqual(found, kinds)
                # the table shows the same set
                result = run_cli('list', *args)
                self.assertEqual(result.returncode, 0, result.describe())
                refs = {line.split(' ')[0] for line in result.out.split('\n')[1:] if line}
                self.assertEqual({mine[r] for r in refs if r in mine}, kinds)

    def test_usage_errors_exit_2(self):
        cases = [
            ['list', '--kind=bogus'],
            ['list', '--kind=posix,bogus'],
            ['list', '--kind='],
            ['list', '--kind=file'],
            ['list', '--no-such-option'],
            ['list', 'unexpected'],
            ['info'],
            ['info', '/a', '/b'],
            ['info', '--no-such-option', '/a'],
            ['no-such-command'],
            [],
        ]
        for args in cases:
            with self.subTest(args=args):
                result = run_cli(*args)
                self.assertEqual(result.returncode, 2, result.describe())
                self.assertEqual(result.stdout, b'', 'a usage error prints nothing on stdout')
                self.assertNotEqual(result.err.strip(), '')
        self.assertIn('bogus', run_cli('list', '--kind=bogus').err)

    def test_missing_segment_exits_1_naming_it(self):
        name = unique_name('missing')
        for ref in ['/' + name, 'sysv:2147483000', 'sysv-key:0x7ffffff1']:
            with self.subTest(ref=ref):
                result = run_cli('info', ref)
                self.assertEqual(result.returncode, 1, result.describe())
                self.assertEqual(result.stdout, b'')
                self.assertIn(ref.split(':')[-1].lstrip('/'), result.err)
        with Helper() as helper:
            result = run_cli('info', 'memfd:%d:0' % helper.pid)  # stdin is a pipe, not a memfd
            self.assertEqual(result.returncode, 1, result.describe())
            self.assertIn('not a memfd', result.err)

    def test_help(self):
        for args in (['--help'], ['list', '--help'], ['info', '--help']):
            with self.subTest(args=args):
                result = run_cli(*args)
                self.assertEqual(result.returncode, 0, result.describe())
                self.assertIn('Usage', result.out)

    # -- references round-trip -----------------------------------------------------------

    def test_printed_refs_work_with_info(self):
        posix = PosixSegment(size=PAGE, name=unique_name('rt') + '-back\\slash-tab\t-\u00e9')
        self.addCleanup(posix.remove)
        self.assertIn('\\\\', posix.ref)
        self.assertIn('\\t', posix.ref)
        sysv = SysvSegment(size=PAGE, high_bit_key=True)
        self.addCleanup(sysv.remove)
        helper = Helper()
        self.addCleanup(helper.close)
        memfd = helper.memfd(unique_name('rt'), PAGE)
        anon = helper.anon(PAGE)
        mapped = helper.memfd(unique_name('rt-mapped'), PAGE)
        helper.map_fd(mapped['fd'])
        helper.close_fd(mapped['fd'])

        identities = {
            posix.stat().st_ino: 'posix',
            memfd['inode']: 'memfd',
            anon['inode']: 'anon',
            mapped['inode']: 'memfd',
        }
        entries = list_json(self, '--kind=all')
        mine = [e for e in entries
                if (e['kind'] != 'sysv' and e.get('inode') in identities and
                    identities[e['inode']] == e['kind']) or
                (e['kind'] == 'sysv' and e['id'] == sysv.shmid)]
        self.assertEqual(len(mine), 5, mine)
        table = run_cli('list', '--kind=all').out
        for entry in mine:
            with self.subTest(ref=entry['ref']):
                printed = table_row(self, table, entry['ref']).split(' ')[0]
                self.assertEqual(printed, entry['ref'])
                info = info_json(self, printed)
                self.assertEqual(info['ref'], entry['ref'])
                self.assertEqual(info['kind'], entry['kind'])
                self.assertEqual(info['name'], entry['name'])
                self.assertEqual(info['size'], entry['size'])
                if entry['kind'] == 'sysv':
                    self.assertEqual(info['id'], sysv.shmid)
                else:
                    self.assertEqual(info['inode'], entry['inode'])
                text = run_cli('info', printed)
                self.assertEqual(text.returncode, 0, text.describe())
                self.assertRegex(text.out, r'(?m)^Reference: +%s$' % re.escape(entry['ref']))
        # System V by key, as info prints it
        info = info_json(self, 'sysv-key:%s' % sysv.key_hex)
        self.assertEqual(info['id'], sysv.shmid)
        # POSIX by its /dev/shm path
        info = info_json(self, '/dev/shm/' + shmlens_escape(posix.name))
        self.assertEqual(info['inode'], posix.stat().st_ino)


if __name__ == '__main__':
    unittest.main(verbosity=2)
