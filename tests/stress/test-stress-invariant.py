# SPDX-License-Identifier: GPL-3.0-or-later
"""test-stress-invariant: the read-only invariant of stresslib, checked against itself.

The stress tests trust ReadOnlyInvariant to notice any write, growth, truncation,
allocated page or leftover System V attachment. Here each of those is done on purpose
and must be seen; reading (with pread, through a read-only attachment that is
detached, or by Shmlens) must not be. Also that the snapshot of a 64 GiB sparse
segment is quick and allocates nothing."""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stresslib import PAGE, ReadOnlyInvariant, InvariantBroken, say  # noqa: E402
from shmlens_testlib import (  # noqa: E402
    POSIX_DIR, PosixSegment, SysvSegment, run_cli, unique_name,
)


class InvariantTests(unittest.TestCase):

    def setUp(self):
        self.seg = PosixSegment(size=64 * PAGE, data=os.urandom(3 * PAGE + 5), tag='inv')
        self.addCleanup(self.seg.remove)
        self.sysv = SysvSegment(size=5 * PAGE + 7)
        self.addCleanup(self.sysv.remove)
        self.sysv.write(100, b'system v bytes')
        self.fifo = os.path.join(POSIX_DIR, unique_name('inv-fifo'))
        os.mkfifo(self.fifo, 0o600)
        self.addCleanup(os.unlink, self.fifo)
        self.invariant = ReadOnlyInvariant()
        self.invariant.add_posix(self.seg)
        self.invariant.add_sysv(self.sysv)
        self.invariant.add_posix(self.fifo)

    def changed_keys(self, before):
        return sorted((str(label), key) for label, key, _, _ in self.invariant.differences(before))

    def test_reading_changes_nothing(self):
        before = self.invariant.snapshot()
        time.sleep(0.01)
        # taking it again is itself a read
        self.assertEqual(self.invariant.differences(before), [])
        for args in (('info', self.seg.ref), ('dump', self.seg.ref), ('dump', self.sysv.ref),
                     ('info', self.sysv.ref), ('list', '--kind=all')):
            result = run_cli(*args)
            self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual(self.invariant.assert_unchanged(before), 3)
        self.assertEqual(self.sysv.row()['nattch'], 0)

    def test_a_write_of_one_byte_is_seen(self):
        before = self.invariant.snapshot()
        data = self.seg.read()
        self.seg.write(2 * PAGE + 1, bytes([data[2 * PAGE + 1] ^ 1]))
        changed = self.changed_keys(before)
        self.assertIn('sha256', [k for _, k in changed])
        self.assertIn('mtime_ns', [k for _, k in changed])
        with self.assertRaises(InvariantBroken):
            self.invariant.assert_unchanged(before)

    def test_a_write_that_keeps_mtime_is_seen_by_its_bytes(self):
        before = self.invariant.snapshot()
        st = self.seg.stat()
        self.seg.write(7, b'\x00\x01\x02')
        os.utime(self.seg.path, ns=(st.st_atime_ns, st.st_mtime_ns))
        self.assertIn('sha256', [k for _, k in self.changed_keys(before)])

    def test_truncation_and_growth_are_seen(self):
        before = self.invariant.snapshot()
        os.truncate(self.seg.path, 64 * PAGE + 1)
        self.assertIn('size', [k for _, k in self.changed_keys(before)])
        os.truncate(self.seg.path, 64 * PAGE)
        # back to its size, but mtime moved
        self.assertIn('mtime_ns', [k for _, k in self.changed_keys(before)])

    def test_an_allocated_page_of_zeros_is_seen(self):
        before = self.invariant.snapshot()
        st = self.seg.stat()
        self.seg.write(40 * PAGE, b'\x00')          # allocates a page; the bytes stay
        os.utime(self.seg.path, ns=(st.st_atime_ns, st.st_mtime_ns))
        changed = self.changed_keys(before)
        self.assertEqual([k for _, k in changed if k in ('sha256', 'blocks')], ['blocks'],
                         'a page of zeros allocated is a change of blocks, not of bytes')

    def test_sysv_attachment_left_behind_is_seen(self):
        before = self.invariant.snapshot()
        address = self.sysv.attach(readonly=True)
        self.assertIn('nattch', [k for _, k in self.changed_keys(before)])
        self.sysv.detach(address)
        self.assertEqual(self.invariant.differences(before), [])

    def test_sysv_write_is_seen(self):
        before = self.invariant.snapshot()
        self.sysv.write(5 * PAGE + 6, b'!')
        self.assertIn('sha256', [k for _, k in self.changed_keys(before)])

    def test_replacing_a_fifo_is_seen(self):
        before = self.invariant.snapshot()
        os.unlink(self.fifo)
        os.mkfifo(self.fifo, 0o600)
        self.assertIn('inode', [k for _, k in self.changed_keys(before)])

    def test_sparse_64_gib_snapshot_is_quick_and_allocates_nothing(self):
        size = 64 << 30
        big = PosixSegment(size=size, tag='inv-sparse')
        self.addCleanup(big.remove)
        big.write(size - 10, b'the end')
        invariant = ReadOnlyInvariant()
        invariant.add_posix(big)
        blocks = big.stat().st_blocks
        start = time.monotonic()
        before = invariant.snapshot()
        took = time.monotonic() - start
        say('snapshot of a 64 GiB sparse segment: %.3f s' % took)
        self.assertLess(took, 5)
        self.assertEqual(big.stat().st_blocks, blocks)
        big.write(size - 10, b'THE')
        self.assertIn('sha256', [k for _, k, _, _ in invariant.differences(before)])


if __name__ == '__main__':
    unittest.main(verbosity=2)
