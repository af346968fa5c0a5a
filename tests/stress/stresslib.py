# SPDX-License-Identifier: GPL-3.0-or-later
"""stresslib: what the stress, fault and scale tests share.

Standard library only (and pyatspi for the app): the tests run under /usr/bin/python3.
It builds on ../shmlens_testlib.py (segments, Helper processes, run_cli, cleanup) and,
for the app, on ../test-e2e.py (its private D-Bus session with an AT-SPI registry that
has the display, and its accessibility-tree helpers), which it imports rather than
copies.

  ReadOnlyInvariant
      The read-only invariant as a reusable snapshot → compare: the bytes (a hash
      that skips holes, so a 64 GiB sparse segment costs what its data costs), size,
      mtime, ctime and allocated blocks of POSIX segments and files; the bytes, size,
      resident pages, attach count (nattch), key, owner and mode of System V segments
      (read through /proc/self/map_files with pread, as Shmlens reads them, so that
      taking the snapshot allocates nothing); the type and metadata of FIFOs, sockets,
      symbolic links and directories; anything else through a callable.

  run_measured()
      Runs a command and returns its exit status, output, wall time and peak RSS
      (wait4's ru_maxrss of that one child), with a timeout that kills its process
      group.

  AppSession / App
      The real app on a private session bus, started with arguments and optionally a
      GSettings keyfile backend of its own, found through AT-SPI; its output checked
      for CRITICAL and WARNING lines; stopped with everything it started.

  sweep_posix(), sweep_sysv_created_by()
      Last-resort cleanup for segments made by a process of a test that died before
      it could remove them (registered with shmlens_testlib's cleanup).
"""

import errno
import hashlib
import importlib.util
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, TESTS)

import shmlens_testlib  # noqa: E402
from shmlens_testlib import (  # noqa: E402
    POSIX_DIR, cli_path, shmat, shmdt, shmctl_rmid, sysv_table,
)

SKIP = 77
PAGE = os.sysconf('SC_PAGE_SIZE')
SEEK_DATA = getattr(os, 'SEEK_DATA', 3)
SEEK_HOLE = getattr(os, 'SEEK_HOLE', 4)

T0 = time.monotonic()


def say(message):
    """A timestamped line in the test log (meson shows it with --print-errorlogs or -v)."""
    print('[%6.2f s] %s' % (time.monotonic() - T0, message), file=sys.stderr, flush=True)


def register_cleanup(func):
    """Runs @func with shmlens_testlib's cleanups (at exit, on SIGTERM, cleanup_all())."""
    return shmlens_testlib._register_cleanup(func)


# ---------------------------------------------------------------------------
# The read-only invariant
# ---------------------------------------------------------------------------

def sparse_sha256(fd, size):
    """A hash of a file's bytes that reads only its data extents (SEEK_DATA/SEEK_HOLE):
    holes read as zeros, so hashing them would say nothing new and take 64 GiB of reads.
    The hash is of the size and of every page that is not all zeros, with its offset,
    so it depends on the bytes only: allocation is compared through st_blocks."""
    h = hashlib.sha256(b'size %d\n' % size)
    offset = 0
    while offset < size:
        try:
            start = os.lseek(fd, offset, SEEK_DATA)
        except OSError as e:
            if e.errno == errno.ENXIO:      # nothing but a hole to the end
                break
            raise
        end = min(os.lseek(fd, start, SEEK_HOLE), size)
        position = start
        while position < end:
            chunk = os.pread(fd, min(1 << 20, end - position), position)
            if not chunk:
                break
            view = memoryview(chunk)
            i = 0
            while i < len(chunk):
                n = min(PAGE - (position + i) % PAGE, len(chunk) - i)
                piece = view[i:i + n]
                if piece.tobytes().count(0) != n:
                    h.update(b'@%d:' % (position + i))
                    h.update(piece)
                i += n
            position += len(chunk)
        offset = max(end, offset + 1)
    return h.hexdigest()


def _posix_state(path):
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return {'exists': False}
    state = {
        'exists': True,
        'type': stat.S_IFMT(st.st_mode),
        'mode': stat.S_IMODE(st.st_mode),
        'uid': st.st_uid, 'gid': st.st_gid, 'inode': st.st_ino,
        'mtime_ns': st.st_mtime_ns, 'ctime_ns': st.st_ctime_ns,
    }
    if stat.S_ISREG(st.st_mode):
        state['size'] = st.st_size
        state['blocks'] = st.st_blocks
        # O_NOFOLLOW | O_NONBLOCK: as Shmlens opens it; reading moves only atime
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            state['sha256'] = sparse_sha256(fd, st.st_size)
        finally:
            os.close(fd)
    elif stat.S_ISLNK(st.st_mode):
        state['target'] = os.readlink(path)
    elif stat.S_ISDIR(st.st_mode):
        state['entries'] = sorted(os.listdir(path))
    return state


def sysv_sha256(shmid, size):
    """The bytes of a System V segment, hashed without allocating its pages: attached
    read-only, read with pread through /proc/self/map_files (as Shmlens reads it), and
    detached, so that nattch is back at once."""
    address = shmat(shmid, readonly=True)
    try:
        length = (size + PAGE - 1) // PAGE * PAGE
        fd = os.open('/proc/self/map_files/%x-%x' % (address, address + length),
                     os.O_RDONLY | os.O_CLOEXEC)
        try:
            return sparse_sha256(fd, size)
        finally:
            os.close(fd)
    finally:
        shmdt(address)


# What may change when a segment is only read: when it was last attached and detached
# and by whom (a read-only attach is still an attach); everything else may not.
SYSV_VOLATILE = ('atime', 'dtime', 'lpid')


def _sysv_state(shmid, hash_bytes=True):
    row = sysv_table().get(shmid)
    if row is None:
        return {'exists': False}
    state = {k: v for k, v in row.items() if k not in SYSV_VOLATILE}
    state['exists'] = True
    if hash_bytes:
        state['sha256'] = sysv_sha256(shmid, row['size'])
    return state


class InvariantBroken(AssertionError):
    pass


class ReadOnlyInvariant:
    """Snapshot → compare of everything a test lets Shmlens inspect.

        invariant = ReadOnlyInvariant()
        invariant.add_posix(segment)            # a PosixSegment, or a path
        invariant.add_sysv(sysv_segment)        # a SysvSegment, or a shmid
        before = invariant.snapshot()
        ... Shmlens lists, reads, watches ...
        invariant.assert_unchanged(before)      # InvariantBroken naming every difference

    For System V, the attach count (nattch) is compared: after Shmlens detaches it is
    back. The snapshot itself reads with pread (no page is allocated, no mtime moves)
    and detaches at once."""

    def __init__(self):
        self._items = {}        # label → callable returning a state

    def __len__(self):
        return len(self._items)

    def _add(self, label, func):
        if label in self._items:
            raise ValueError('%r is in the invariant already' % (label,))
        self._items[label] = func

    def add_posix(self, segment_or_path, label=None):
        """A POSIX segment, a file, or any entry of /dev/shm (FIFO, socket, symbolic
        link, directory: their metadata; a regular file: also its bytes)."""
        path = getattr(segment_or_path, 'path', segment_or_path)
        path = os.fsencode(path)
        self._add(label or ('posix', path), lambda: _posix_state(path))

    def add_sysv(self, segment_or_shmid, label=None, hash_bytes=True):
        shmid = getattr(segment_or_shmid, 'shmid', segment_or_shmid)
        self._add(label or ('sysv', shmid), lambda: _sysv_state(shmid, hash_bytes))

    def add_custom(self, label, func):
        """Anything else, as a comparable value returned by @func."""
        self._add(label, func)

    def snapshot(self):
        return {label: func() for label, func in self._items.items()}

    def differences(self, before, after=None):
        """[(label, key, before, after)] for everything that changed."""
        after = self.snapshot() if after is None else after
        found = []
        for label, old in before.items():
            new = after.get(label)
            if not isinstance(old, dict) or not isinstance(new, dict):
                if old != new:
                    found.append((label, None, old, new))
                continue
            for key in sorted(set(old) | set(new)):
                if old.get(key) != new.get(key):
                    found.append((label, key, old.get(key), new.get(key)))
        return found

    def assert_unchanged(self, before, what='inspecting'):
        """Raises InvariantBroken listing every difference; returns the count of
        items checked."""
        found = self.differences(before)
        if found:
            lines = ['%s changed %d thing(s) it only had to read:' % (what, len(found))]
            for label, key, old, new in found[:40]:
                lines.append('  %r %s: %r → %r' % (label, key or '', old, new))
            raise InvariantBroken('\n'.join(lines))
        return len(before)


# ---------------------------------------------------------------------------
# Running a command and measuring it
# ---------------------------------------------------------------------------

class Measured:
    def __init__(self, argv, returncode, stdout, stderr, elapsed, maxrss_kib, timed_out):
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.elapsed = elapsed
        self.maxrss_kib = maxrss_kib
        self.timed_out = timed_out

    @property
    def maxrss_mib(self):
        return self.maxrss_kib / 1024.0

    @property
    def err(self):
        return self.stderr.decode('utf-8', errors='replace')

    def describe(self):
        return ('command: %s\nexit: %s%s, %.2f s, peak RSS %.1f MiB\nstdout (start): %r\n'
                'stderr: %s' % (' '.join(os.fsdecode(a) for a in self.argv), self.returncode,
                                ' (killed after the timeout)' if self.timed_out else '',
                                self.elapsed, self.maxrss_mib, self.stdout[:300], self.err[:2000]))


TIME = '/usr/bin/time'


def run_measured(argv, timeout, stdout_path=None, keep_stdout=True):
    """Runs @argv in a session of its own; returns a Measured with the exit status (the
    negative signal number if a signal ended it), its stdout (with @stdout_path, the
    output goes to that file; with @keep_stdout False, to /dev/null), stderr, wall time
    and peak RSS in KiB. After @timeout seconds its process group is killed (timed_out
    is True).

    The peak RSS comes from GNU time (/usr/bin/time -f %M), a small process whose child
    the command is: a child of this Python process would inherit the Python process's
    own peak in its ru_maxrss (Linux keeps it across exec). Without GNU time, it is
    wait4's ru_maxrss, an upper bound."""
    err_file = tempfile.TemporaryFile()
    if stdout_path is not None:
        out_target = open(stdout_path, 'wb')
    elif keep_stdout:
        out_target = tempfile.TemporaryFile()
    else:
        out_target = subprocess.DEVNULL
    rss_file = None
    command = list(argv)
    if os.access(TIME, os.X_OK):
        rss_file = tempfile.NamedTemporaryFile(prefix='shmlens-stress-time-', delete=False)
        rss_file.close()
        command = [TIME, '-o', rss_file.name, '-f', '%M'] + command
    start = time.monotonic()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out_target,
                            stderr=err_file, start_new_session=True)
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    elapsed = time.monotonic() - start
    returncode = proc.returncode = os.waitstatus_to_exitcode(status)
    maxrss = usage.ru_maxrss
    if rss_file is not None:
        with open(rss_file.name) as f:
            report = f.read().split('\n')
        os.unlink(rss_file.name)
        numbers = [line for line in report if line.strip().isdigit()]
        maxrss = int(numbers[-1]) if numbers else 0
        for line in report:       # "Command terminated by signal 9"
            if line.startswith('Command terminated by signal '):
                returncode = -int(line.rsplit(' ', 1)[1])
    out = b''
    if stdout_path is not None:
        out_target.close()
    elif keep_stdout:
        out_target.seek(0)
        out = out_target.read()
        out_target.close()
    err_file.seek(0)
    err = err_file.read()
    err_file.close()
    return Measured(argv, returncode, out, err, elapsed, maxrss, timed_out.is_set())


def cli_argv(*args):
    return [cli_path()] + list(args)


# ---------------------------------------------------------------------------
# Last-resort cleanup of segments made by a test's worker processes
# ---------------------------------------------------------------------------

def sweep_posix(prefix):
    """Unlinks every /dev/shm entry whose name starts with @prefix (bytes or str);
    returns how many there were."""
    prefix = os.fsencode(prefix)
    removed = 0
    for name in os.listdir(os.fsencode(POSIX_DIR)):
        if name.startswith(prefix):
            path = os.fsencode(POSIX_DIR) + b'/' + name
            try:
                if os.path.isdir(path) and not os.path.islink(path):
                    os.rmdir(path)
                else:
                    os.unlink(path)
                removed += 1
            except FileNotFoundError:
                pass
    return removed


def sweep_sysv_created_by(pids, since, private_only=True):
    """IPC_RMIDs every System V segment whose creator (cpid) is one of @pids, made at or
    after @since (time.time(), a guard against a reused pid), with the key IPC_PRIVATE
    unless @private_only is False; returns how many there were."""
    pids = set(pids)
    removed = 0
    for shmid, row in sysv_table().items():
        if (row['cpid'] in pids and row['ctime'] >= int(since) - 1
                and (row['key'] == 0 or not private_only)):
            try:
                shmctl_rmid(shmid)
                removed += 1
            except OSError:
                pass
    return removed


# ---------------------------------------------------------------------------
# The app, through AT-SPI
# ---------------------------------------------------------------------------

_e2e = None


def e2e():
    """tests/test-e2e.py as a module: its PrivateSession, poll(), find(), find_all(),
    text_of(), role(), states(), children(), descendants(), end_child(), end_processes()."""
    global _e2e
    if _e2e is None:
        spec = importlib.util.spec_from_file_location('shmlens_e2e',
                                                      os.path.join(TESTS, 'test-e2e.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _e2e = module
    return _e2e


class AppUnavailable(Exception):
    """No display, no D-Bus, no AT-SPI: the app cannot be tested here (a skip)."""


# Lines of the app's output that are failures: GLib's critical warnings and warnings
# ("Gtk-CRITICAL **", "GLib-GObject-WARNING **", "(shmlens:123): WARNING **").
BAD_LINE_MARKERS = ('CRITICAL **', 'WARNING **', 'CRITICAL:', 'WARNING:')


class AppSession:
    """A private session bus and accessibility bus (test-e2e's PrivateSession), and
    pyatspi connected to it. One per test process."""

    def __init__(self):
        self.session = None
        self.pyatspi = None

    def start(self):
        if not os.environ.get('DISPLAY'):
            raise AppUnavailable('no X display (DISPLAY is not set); run the stress suite '
                                 'through dbus-run-session and xvfb-run')
        app_path = os.environ.get('SHMLENS_APP')
        if not app_path or not os.access(app_path, os.X_OK):
            raise AppUnavailable('SHMLENS_APP does not name the app: %r' % (app_path,))
        self.app_path = app_path
        module = e2e()
        self.session = module.PrivateSession()
        register_cleanup(self.stop)
        try:
            self.session.start()
        except SystemExit as e:           # its skip() exits 77
            self.session = None
            raise AppUnavailable('the private session could not start (exit %s)' % e.code)
        os.environ['DBUS_SESSION_BUS_ADDRESS'] = self.session.address
        os.environ['AT_SPI_BUS_ADDRESS'] = self.session.a11y_address
        try:
            import pyatspi
        except ImportError as e:
            self.stop()
            raise AppUnavailable('no pyatspi for %s: %s' % (sys.executable, e))
        self.pyatspi = pyatspi
        module.pyatspi = pyatspi
        return self

    def stop(self):
        left = []
        if self.session is not None:
            left = self.session.stop()
            self.session = None
        return left


class AppSessionTestCase(unittest.TestCase):
    """Tests that drive the app: one AppSession for the class, and a failure when the
    session leaves processes behind. A test that needs the app calls need_app(), which
    skips it with the reason when the app cannot run here."""

    @classmethod
    def setUpClass(cls):
        cls.session = None
        cls.no_app = None
        try:
            cls.session = AppSession().start()
        except AppUnavailable as e:
            cls.no_app = str(e)

    @classmethod
    def tearDownClass(cls):
        if cls.session is not None:
            left = cls.session.stop()
            if left:
                raise AssertionError('processes of the private session left: %r' % left)

    def need_app(self):
        if self.session is None:
            self.skipTest('the app cannot be tested here: %s' % self.no_app)


class App:
    """The app, started with @args (segment references) in @session. @settings, a dict
    of GSettings keys of io.github.shmlens.Shmlens → GVariant text, selects a keyfile
    backend of its own holding them (the memory backend cannot be set from outside)."""

    def __init__(self, session, args=(), settings=None, wrapper=()):
        self.session = session
        self.wrapper = list(wrapper)
        self.args = [os.fsencode(a) if isinstance(a, str) else a for a in args]
        self.settings = settings
        self.proc = None
        self.frame = None
        self.log = None
        self.config_dir = None

    def start(self, wait=10.0):
        m = e2e()
        env = dict(os.environ)
        for name in ('NO_AT_BRIDGE', 'GTK_MODULES', 'WAYLAND_DISPLAY'):
            env.pop(name, None)
        env.update({
            'DBUS_SESSION_BUS_ADDRESS': self.session.session.address,
            'AT_SPI_BUS_ADDRESS': self.session.session.a11y_address,
            'GTK_A11Y': 'atspi',
            'GDK_BACKEND': 'x11',
        })
        if self.settings is not None:
            self.config_dir = tempfile.mkdtemp(prefix='shmlens-stress-config-')
            register_cleanup(self._remove_config)
            directory = os.path.join(self.config_dir, 'glib-2.0', 'settings')
            os.makedirs(directory)
            with open(os.path.join(directory, 'keyfile'), 'w') as f:
                f.write('[io/github/shmlens/Shmlens]\n')
                for key, value in self.settings.items():
                    f.write('%s=%s\n' % (key, value))
            env['GSETTINGS_BACKEND'] = 'keyfile'
            env['XDG_CONFIG_HOME'] = self.config_dir
        self.log = tempfile.TemporaryFile()
        register_cleanup(self.log.close)
        argv = self.wrapper + [os.fsencode(self.session.app_path)] + self.args
        self.proc = subprocess.Popen(argv, env=env,
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        register_cleanup(self.stop)
        say('started the app (pid %d) with %d argument(s)%s'
            % (self.proc.pid, len(self.args),
               ', settings %r' % self.settings if self.settings else ''))
        pyatspi = self.session.pyatspi

        def find_frame():
            if self.proc.poll() is not None:
                raise m.Failure('the app exited at start (status %s):\n%s'
                                % (self.proc.returncode, self.output()))
            # with a wrapper (strace), the app is a child of the process started
            pids = {self.proc.pid} | set(m.descendants(self.proc.pid))
            for acc in m.children(pyatspi.Registry.getDesktop(0)):
                try:
                    if acc.get_process_id() in pids:
                        frames = [c for c in m.children(acc) if m.role(c) == 'frame']
                        if frames:
                            return frames[0]
                except Exception:  # noqa: BLE001
                    continue
            return None
        self.frame = m.poll(find_frame, wait, 'the app window on the accessibility bus')
        return self

    def _remove_config(self):
        if self.config_dir is not None:
            import shutil
            shutil.rmtree(self.config_dir, ignore_errors=True)

    def output(self):
        if self.log is None:
            return ''
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors='replace')

    def bad_lines(self):
        return [line for line in self.output().splitlines()
                if any(marker in line for marker in BAD_LINE_MARKERS)]

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def assert_healthy(self, testcase):
        testcase.assertTrue(self.running(), 'the app exited (status %s); it printed:\n%s'
                            % (self.proc.returncode, self.output()[-4000:]))
        bad = self.bad_lines()
        testcase.assertEqual(bad, [], 'the app printed %d CRITICAL/WARNING line(s)' % len(bad))

    def responds_within(self, seconds):
        """Times one round trip to the app through AT-SPI (its main loop must answer);
        returns the seconds it took. Fails if the answer takes longer than @seconds."""
        start = time.monotonic()
        result = {}

        def ask():
            try:
                result['name'] = self.frame.name
                result['children'] = self.frame.childCount
            except Exception as e:  # noqa: BLE001
                result['error'] = e
        thread = threading.Thread(target=ask, daemon=True)
        thread.start()
        thread.join(seconds)
        took = time.monotonic() - start
        if thread.is_alive():
            raise AssertionError('the app did not answer an AT-SPI query within %.1f s' % seconds)
        if 'error' in result:
            raise AssertionError('the app did not answer an AT-SPI query: %r' % result['error'])
        return took

    def find(self, predicate):
        return e2e().find(self.frame, predicate)

    def find_all(self, predicate):
        return e2e().find_all(self.frame, predicate)

    def poll(self, predicate, timeout, what):
        return e2e().poll(predicate, timeout, what)

    def texts_of_labels(self, root=None):
        """The text of every label under @root (the window by default)."""
        m = e2e()
        texts = []
        for label in m.find_all(root or self.frame, lambda a: m.role(a) == 'label'):
            try:
                texts.append(m.text_of(label))
            except Exception:  # noqa: BLE001 (gone, or no Text)
                continue
        return texts

    def segment_table(self):
        m = e2e()
        return self.poll(lambda: m.find(self.frame, lambda a: m.role(a) == 'tree table'
                                        and a.name == 'Segments'),
                         10, 'the segment list “Segments”')

    def search_segments(self, text):
        """Types @text into the segment list's search entry (it filters by name)."""
        m = e2e()
        entry = self.poll(lambda: m.find(self.frame, lambda a: m.role(a) == 'entry'
                                         and a.name == 'Search segments by name'),
                          10, 'the search entry')
        entry.queryEditableText().setTextContents(text)
        self.poll(lambda: m.text_of(entry) == text, 10, 'the search entry to hold %r' % text)

    def segment_rows(self):
        """The rows of the segment list now on screen, each as the list of its cells'
        label texts (the list is virtual: rows scrolled away are not there)."""
        m = e2e()
        table = self.segment_table()
        rows = []
        for row in m.find_all(table, lambda a: m.role(a) == 'table row'):
            cells = m.find_all(row, lambda a: m.role(a) == 'table cell')
            if not cells:
                continue
            texts = []
            for cell in cells:
                for label in m.find_all(cell, lambda a: m.role(a) == 'label'):
                    try:
                        texts.append(m.text_of(label))
                    except Exception:  # noqa: BLE001
                        continue
            rows.append(texts)
        return rows

    def stop(self):
        """Ends the app and whatever it started; returns pids still alive (none)."""
        m = e2e()
        left = []
        if self.proc is not None and self.proc.poll() is None:
            extra = m.descendants(self.proc.pid)
            m.end_child(self.proc, 'the app')
            m.end_processes(extra, "the app's children")
            left = [p for p, start in extra.items() if m.alive(p, start)]
        if self.proc is not None and self.proc.poll() is None:
            left.append(self.proc.pid)
        self._remove_config()
        return left
