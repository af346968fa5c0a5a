# SPDX-License-Identifier: GPL-3.0-or-later
"""shmlens_testlib: real segments, real processes and the CLI, for the Python tests.

Standard library only: the tests run under the system /usr/bin/python3.

What is here, in the order a test usually needs it:

  cli_path(), run_cli(), CliResult, CliTimeout, cli_has_command()
      Run shmlens-cli (env SHMLENS_CLI) with captured bytes, an exit code and a
      timeout that kills the whole process group, optionally as another user
      (setpriv).

  unique_name(), PosixSegment
      Files in /dev/shm with unique names (shmlens-test-TAG-PID-N-RANDOM); names may
      be arbitrary bytes. Removed by .remove(), by the context manager, or at exit.

  SysvSegment, sysv_table(), sysv_row(), shmget() / shmat() / shmdt() / shmctl_rmid()
      System V segments through ctypes on libc; their kernel state comes from
      /proc/sysvipc/shm (nattch, lpid, atime… exactly what the kernel reports).

  Helper
      A child process (the same Python, "-c") that creates or maps shared memory on
      command and stays alive until told to exit: memfds, shared anonymous memory,
      mappings of files and descriptors, System V attachments, and forks of itself
      that inherit all of it. It answers each command with JSON through a pipe, so a
      test knows the pid, fd, address and inode to look for. It dies with the test
      (PR_SET_PDEATHSIG) even if the test is killed.

  read_maps(), shmlens_escape(), find_entries(), wait_until(), cleanup_all()
      /proc/PID/maps as dictionaries, an independent reference implementation of the
      CLI's escaping, and small conveniences.

Every object created here registers its own cleanup; cleanup_all() runs at exit and on
SIGTERM (meson's timeout), so nothing is left in /dev/shm, in the System V table or in
the process table even when a test fails.
"""

import atexit
import ctypes
import ctypes.util
import errno as _errno
import json
import os
import secrets
import select
import signal
import subprocess
import sys
import threading
import time
import unittest

__all__ = [
    'CliResult', 'CliTimeout', 'Helper', 'PosixSegment', 'SysvSegment',
    'POSIX_DIR', 'cleanup_all', 'cli_has_command', 'cli_path', 'find_entries',
    'find_entry', 'read_maps', 'run_cli', 'shmat', 'shmctl_rmid', 'shmdt', 'shmget',
    'shmlens_escape', 'sysv_row', 'sysv_table', 'unique_name', 'wait_until',
]

POSIX_DIR = '/dev/shm'

# ---------------------------------------------------------------------------
# Cleanup registry
# ---------------------------------------------------------------------------

_cleanups = {}          # id → callable, in creation order (dicts keep order)
_cleanup_lock = threading.Lock()
_next_cleanup_id = 0


def _register_cleanup(func):
    global _next_cleanup_id
    with _cleanup_lock:
        _next_cleanup_id += 1
        _cleanups[_next_cleanup_id] = func
        return _next_cleanup_id


def _unregister_cleanup(token):
    with _cleanup_lock:
        _cleanups.pop(token, None)


def cleanup_all():
    """Removes every segment and ends every process this module created and that
    is still there, newest first. Safe to call more than once."""
    with _cleanup_lock:
        funcs = list(_cleanups.values())
        _cleanups.clear()
    for func in reversed(funcs):
        try:
            func()
        except Exception as e:  # keep cleaning the rest
            print('shmlens_testlib: cleanup failed: %r' % (e,), file=sys.stderr)


def _on_sigterm(signum, frame):
    cleanup_all()
    os._exit(128 + signum)


atexit.register(cleanup_all)
if threading.current_thread() is threading.main_thread():
    signal.signal(signal.SIGTERM, _on_sigterm)


# ---------------------------------------------------------------------------
# Running the CLI
# ---------------------------------------------------------------------------

class CliTimeout(AssertionError):
    """The CLI did not finish in time: a hang is a failure, never a wait."""


class CliResult:
    """One run of shmlens-cli: argv, returncode, stdout and stderr (bytes)."""

    def __init__(self, argv, returncode, stdout, stderr, duration):
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration

    @property
    def out(self):
        """stdout as text; fails if it is not valid UTF-8."""
        return self.stdout.decode('utf-8')

    @property
    def err(self):
        """stderr as text (undecodable bytes replaced: it is only read by people)."""
        return self.stderr.decode('utf-8', errors='replace')

    def json(self):
        """stdout parsed as JSON (strict UTF-8)."""
        return json.loads(self.stdout.decode('utf-8'))

    def describe(self):
        """A paragraph for assertion messages."""
        def cut(data):
            text = data.decode('utf-8', errors='backslashreplace')
            return text if len(text) < 3000 else text[:3000] + '…'
        return ('command: %s\nexit: %s\nstdout:\n%s\nstderr:\n%s' %
                (' '.join(repr(a) for a in self.argv), self.returncode,
                 cut(self.stdout), cut(self.stderr)))

    def __repr__(self):
        return '<CliResult %r exit %s>' % (self.argv, self.returncode)


# The CLI tests' memcheck pass (build-aux/memcheck): the CLI runs 20 to 50 times
# slower and with valgrind's own memory, so what measures time or memory is skipped.
UNDER_VALGRIND = bool(os.environ.get('SHMLENS_VALGRIND'))


def skip_under_valgrind(reason):
    """Skips a test in the memcheck pass, saying why."""
    return unittest.skipIf(UNDER_VALGRIND, 'under valgrind: ' + reason)


def cli_path():
    """The shmlens-cli under test, from the environment variable SHMLENS_CLI; with
    SHMLENS_VALGRIND=DIR, tests/valgrind-cli, which runs it under memcheck."""
    path = os.environ.get('SHMLENS_CLI')
    if not path:
        raise RuntimeError('SHMLENS_CLI is not set: run the tests with “meson test”, '
                           'which points it at the built shmlens-cli')
    if os.environ.get('SHMLENS_VALGRIND'):
        return os.path.join(os.path.dirname(os.path.abspath(__file__)), 'valgrind-cli')
    return path


def run_cli(*args, timeout=30, user=None, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
            env=None):
    """Runs `shmlens-cli ARGS…` and returns a CliResult.

    Arguments may be str or bytes (for hostile names). @user, a (uid, gid) pair, runs
    it through `setpriv --reuid --regid --clear-groups`. @stdout may be
    subprocess.DEVNULL for large outputs (then result.stdout is b'').
    Raises CliTimeout after @timeout seconds, having killed the process group."""
    argv = [cli_path()] + list(args)
    if user is not None:
        uid, gid = user
        argv = ['setpriv', '--reuid=%d' % uid, '--regid=%d' % gid, '--clear-groups',
                '--'] + argv
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                            start_new_session=True, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        raise CliTimeout('%s did not finish within %s s (killed)\nstdout so far:\n%s\n'
                         'stderr so far:\n%s' % (argv, timeout,
                                                 (out or b'')[:2000], (err or b'')[:2000]))
    return CliResult(argv, proc.returncode, out or b'', err or b'',
                     time.monotonic() - start)


def nested_header(levels):
    """A C header where struct s0 has 4 ints and struct sN has four struct sN-1, so
    struct sN has 4^(N+1) fields (ints), each with its own path (a.b.c.d…)."""
    lines = ['struct s0 { int a, b, c, d; };']
    for i in range(1, levels + 1):
        lines.append('struct s%d { struct s%d a, b, c, d; };' % (i, i - 1))
    return '\n'.join(lines) + '\n'


class PoEntry:
    """One message of a .po or .pot file."""

    def __init__(self):
        self.context = None
        self.msgid = None
        self.msgid_plural = None
        self.msgstr = {}          # plural index (0 for a singular) -> text
        self.fuzzy = False
        self.obsolete = False
        self.line = 0

    @property
    def key(self):
        return (self.context, self.msgid, self.msgid_plural)

    @property
    def translated(self):
        return bool(self.msgstr) and all(self.msgstr.values())


def _po_string(text):
    """The value of a quoted PO string (C escapes)."""
    assert text.startswith('"') and text.endswith('"'), text
    body = text[1:-1]
    out = []
    i = 0
    escapes = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\', 'a': '\a',
               'b': '\b', 'f': '\f', 'v': '\v'}
    while i < len(body):
        c = body[i]
        if c == '\\' and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def read_po(path):
    """The entries of the .po or .pot file at @path, the header (msgid "") included,
    in order. A small reader of what xgettext, msginit and msgmerge write."""
    entries = []
    entry = PoEntry()
    field = None
    with open(path, encoding='utf-8') as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            obsolete = line.startswith('#~')
            if obsolete:
                line = line[2:].lstrip()
            if not line.strip():
                continue
            if line.startswith('#'):
                if entry.msgid is not None and field is not None and field[0] == 'msgstr':
                    entries.append(entry)
                    entry = PoEntry()
                    field = None
                if line.startswith('#,') and 'fuzzy' in line:
                    entry.fuzzy = True
                continue
            keyword, _, rest = line.partition(' ')
            if line.startswith('"'):
                value = _po_string(line.strip())
                kind, index = field
                if kind == 'msgstr':
                    entry.msgstr[index] += value
                else:
                    setattr(entry, kind, getattr(entry, kind) + value)
                continue
            if entry.msgid is not None and field is not None and field[0] == 'msgstr' \
                    and keyword in ('msgctxt', 'msgid'):
                entries.append(entry)
                entry = PoEntry()
            entry.obsolete = entry.obsolete or obsolete
            value = _po_string(rest.strip())
            if keyword == 'msgctxt':
                entry.context = value
                entry.line = entry.line or number
                field = ('context', None)
            elif keyword == 'msgid':
                entry.msgid = value
                entry.line = entry.line or number
                field = ('msgid', None)
            elif keyword == 'msgid_plural':
                entry.msgid_plural = value
                field = ('msgid_plural', None)
            elif keyword.startswith('msgstr'):
                index = int(keyword[7:-1]) if keyword.startswith('msgstr[') else 0
                entry.msgstr[index] = value
                field = ('msgstr', index)
            else:
                raise ValueError('%s:%d: cannot read %r' % (path, number, line))
    if entry.msgid is not None:
        entries.append(entry)
    return entries


def read_linguas(po_dir):
    """The languages po_dir/LINGUAS lists, in its order (comments skipped)."""
    with open(os.path.join(po_dir, 'LINGUAS'), encoding='utf-8') as f:
        return [w for line in f if not line.startswith('#') for w in line.split()]


def po_translation(path, msgid, context=None):
    """The translation of @msgid in the .po file at @path (its singular form); fails
    when the file has none."""
    for entry in read_po(path):
        if entry.msgid == msgid and entry.context == context and not entry.obsolete:
            if not entry.translated or entry.fuzzy:
                raise AssertionError('%s: %r is not translated' % (path, msgid))
            return entry.msgstr[0]
    raise AssertionError('%s has no message %r' % (path, msgid))


_command_cache = {}


def cli_has_command(command):
    """Whether this shmlens-cli implements COMMAND (`COMMAND --help` exits 0)."""
    if command not in _command_cache:
        try:
            result = run_cli(command, '--help', timeout=15)
            _command_cache[command] = result.returncode == 0
        except CliTimeout:
            _command_cache[command] = False
    return _command_cache[command]


# ---------------------------------------------------------------------------
# Escaping, as the CLI is specified to do it (an independent implementation)
# ---------------------------------------------------------------------------

_NAMED_ESCAPES = {0x0a: '\\n', 0x09: '\\t', 0x0d: '\\r', 0x5c: '\\\\'}


def _utf8_sequence_length(lead):
    if 0xc2 <= lead <= 0xdf:
        return 2
    if 0xe0 <= lead <= 0xef:
        return 3
    if 0xf0 <= lead <= 0xf4:
        return 4
    return 0


# Invisible characters that change how the text around them shows (bidi controls,
# zero-width characters…): escaped like control characters. The list of
# src/lib/shmlens-escape.c, written out again.
HIDDEN_FORMAT = ((0x00ad, 0x00ad), (0x061c, 0x061c), (0x180e, 0x180e), (0x200b, 0x200f),
                 (0x2028, 0x202e), (0x2060, 0x206f), (0xfeff, 0xfeff), (0xfff9, 0xfffb))


def hidden_format(code):
    return any(low <= code <= high for low, high in HIDDEN_FORMAT)


def shmlens_escape(raw):
    """The printed form of a name (bytes or str): backslash → \\\\, newline → \\n,
    tab → \\t, CR → \\r; other C0 controls, DEL, C1 controls, the invisible format
    characters of HIDDEN_FORMAT and every byte that is not part of valid UTF-8 →
    \\xNN (lowercase hex), byte by byte; everything else as it is."""
    if isinstance(raw, str):
        raw = os.fsencode(raw)
    out = []
    i = 0
    while i < len(raw):
        b = raw[i]
        if b < 0x80:
            if b in _NAMED_ESCAPES:
                out.append(_NAMED_ESCAPES[b])
            elif b < 0x20 or b == 0x7f:
                out.append('\\x%02x' % b)
            else:
                out.append(chr(b))
            i += 1
            continue
        n = _utf8_sequence_length(b)
        char = None
        if n and i + n <= len(raw):
            try:
                char = raw[i:i + n].decode('utf-8')
            except UnicodeDecodeError:
                char = None
        if char is None:
            out.append('\\x%02x' % b)
            i += 1
            continue
        if 0x80 <= ord(char) < 0xa0 or hidden_format(ord(char)):
            out.extend('\\x%02x' % c for c in raw[i:i + n])
        else:
            out.append(char)
        i += n
    return ''.join(out)


# ---------------------------------------------------------------------------
# POSIX segments
# ---------------------------------------------------------------------------

_name_counter = 0


def unique_name(tag='seg'):
    """A fresh name (str) for /dev/shm: shmlens-test-TAG-PID-N-RANDOM."""
    global _name_counter
    _name_counter += 1
    return 'shmlens-test-%s-%d-%d-%s' % (tag, os.getpid(), _name_counter, secrets.token_hex(3))


class PosixSegment:
    """A regular file in /dev/shm, as shm_open + ftruncate would make it.

    @name may be str or bytes (any bytes but '/' and NUL); by default a unique name.
    @data is written at offset 0; @size (default len(data)) is set with ftruncate, so a
    segment larger than its data is sparse. @mode is set exactly (umask ignored)."""

    def __init__(self, size=None, data=b'', mode=0o600, name=None, tag='posix'):
        if name is None:
            name = unique_name(tag)
        self.name = os.fsencode(name)
        self.path = os.fsencode(POSIX_DIR) + b'/' + self.name
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW |
                     os.O_CLOEXEC, mode)
        self._token = _register_cleanup(self.remove)
        try:
            os.fchmod(fd, mode)
            if data:
                os.pwrite(fd, data, 0)
            os.ftruncate(fd, len(data) if size is None else size)
        finally:
            os.close(fd)

    @property
    def ref(self):
        """The reference the CLI prints for it: "/" + the escaped name."""
        return '/' + shmlens_escape(self.name)

    @property
    def display_name(self):
        return shmlens_escape(self.name)

    def stat(self):
        return os.stat(self.path, follow_symlinks=False)

    def read(self):
        with open(self.path, 'rb') as f:
            return f.read()

    def sha256(self):
        import hashlib
        return hashlib.sha256(self.read()).hexdigest()

    def write(self, offset, data):
        fd = os.open(self.path, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            os.pwrite(fd, data, offset)
        finally:
            os.close(fd)

    def remove(self):
        """Unlinks it (idempotent)."""
        _unregister_cleanup(self._token)
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

    def __repr__(self):
        return '<PosixSegment %s>' % self.ref


# ---------------------------------------------------------------------------
# System V segments
# ---------------------------------------------------------------------------

IPC_PRIVATE = 0
IPC_CREAT = 0o1000
IPC_EXCL = 0o2000
IPC_RMID = 0
SHM_RDONLY = 0o10000
SHM_DEST = 0o1000
SHM_LOCKED = 0o2000

_libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6', use_errno=True)
_libc.shmget.argtypes = [ctypes.c_int, ctypes.c_size_t, ctypes.c_int]
_libc.shmget.restype = ctypes.c_int
_libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
_libc.shmat.restype = ctypes.c_void_p
_libc.shmdt.argtypes = [ctypes.c_void_p]
_libc.shmdt.restype = ctypes.c_int
_libc.shmctl.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
_libc.shmctl.restype = ctypes.c_int


def _oserror(what):
    e = ctypes.get_errno()
    return OSError(e, '%s: %s' % (what, os.strerror(e)))


def shmget(key, size, flags):
    """shmget(2); returns the shmid or raises OSError."""
    shmid = _libc.shmget(key, size, flags)
    if shmid < 0:
        raise _oserror('shmget')
    return shmid


def shmat(shmid, readonly=False):
    """shmat(2) in this process; returns the address (int)."""
    address = _libc.shmat(shmid, None, SHM_RDONLY if readonly else 0)
    if address is None or address == ctypes.c_void_p(-1).value:
        raise _oserror('shmat')
    return address


def shmdt(address):
    if _libc.shmdt(address) != 0:
        raise _oserror('shmdt')


def shmctl_rmid(shmid):
    """Marks a segment for removal (it goes when the last process detaches)."""
    if _libc.shmctl(shmid, IPC_RMID, None) != 0:
        raise _oserror('shmctl(IPC_RMID)')


def sysv_table():
    """/proc/sysvipc/shm as {shmid: {column: int}}; perms is parsed as octal."""
    with open('/proc/sysvipc/shm') as f:
        lines = f.read().splitlines()
    header = lines[0].split()
    table = {}
    for line in lines[1:]:
        values = line.split()
        if len(values) != len(header):
            continue
        row = {}
        for column, value in zip(header, values):
            row[column] = int(value, 8) if column == 'perms' else int(value)
        table[row['shmid']] = row
    return table


def sysv_row(shmid):
    """The /proc/sysvipc/shm row of one segment, or None."""
    return sysv_table().get(shmid)


class SysvSegment:
    """A System V segment created with shmget. @key None means a fresh random key
    (IPC_CREAT | IPC_EXCL, retried on collision); IPC_PRIVATE (0) is allowed.
    .attach() maps it in this process (which changes nattch, lpid and atime);
    .remove() detaches what this object attached and removes it."""

    def __init__(self, size=4096, mode=0o600, key=None, high_bit_key=False):
        self.size = size
        self.mode = mode
        self._attached = []
        for attempt in range(100):
            if key is None:
                k = secrets.randbits(31) | 1
                if high_bit_key:
                    k |= 0x80000000
                    k -= 1 << 32          # as the kernel stores it: a signed int
            else:
                k = key
            try:
                self.shmid = shmget(k, size, IPC_CREAT | IPC_EXCL | mode)
                self.key = k
                break
            except OSError as e:
                if e.errno != _errno.EEXIST or key is not None:
                    raise
        else:
            raise RuntimeError('no free System V key found')
        self._token = _register_cleanup(self.remove)

    @property
    def ref(self):
        return 'sysv:%d' % self.shmid

    @property
    def key_hex(self):
        return '0x%08x' % (self.key & 0xffffffff)

    def row(self):
        return sysv_row(self.shmid)

    def attach(self, readonly=False):
        address = shmat(self.shmid, readonly)
        self._attached.append(address)
        return address

    def detach(self, address=None):
        if address is None:
            address = self._attached[-1]
        shmdt(address)
        self._attached.remove(address)

    def read(self):
        """Its bytes, through a short read-only attachment of this process."""
        address = shmat(self.shmid, True)
        try:
            return ctypes.string_at(address, self.size)
        finally:
            shmdt(address)

    def write(self, offset, data):
        address = shmat(self.shmid, False)
        try:
            ctypes.memmove(address + offset, data, len(data))
        finally:
            shmdt(address)

    def mark_for_removal(self):
        shmctl_rmid(self.shmid)

    def remove(self):
        _unregister_cleanup(self._token)
        for address in list(self._attached):
            try:
                self.detach(address)
            except OSError:
                pass
        try:
            shmctl_rmid(self.shmid)
        except OSError as e:
            if e.errno not in (_errno.EINVAL, _errno.EIDRM):
                raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

    def __repr__(self):
        return '<SysvSegment %s key %s>' % (self.ref, self.key_hex)


# ---------------------------------------------------------------------------
# /proc
# ---------------------------------------------------------------------------

def read_maps(pid):
    """/proc/PID/maps as a list of dicts: start, end, offset, inode (ints), perms,
    dev_major, dev_minor (ints), path (str, may end in " (deleted)"), and line."""
    with open('/proc/%d/maps' % pid, 'rb') as f:
        data = f.read()
    maps = []
    for raw in data.split(b'\n'):
        if not raw:
            continue
        line = raw.decode('utf-8', errors='surrogateescape')
        fields = line.split(None, 5)
        start, end = (int(x, 16) for x in fields[0].split('-'))
        major, minor = (int(x, 16) for x in fields[3].split(':'))
        maps.append({
            'start': start, 'end': end, 'perms': fields[1], 'offset': int(fields[2], 16),
            'dev_major': major, 'dev_minor': minor, 'inode': int(fields[4]),
            'path': fields[5] if len(fields) > 5 else '', 'line': line,
        })
    return maps


def find_entries(entries, **match):
    """The dicts of @entries whose members equal every keyword given."""
    return [e for e in entries if all(k in e and e[k] == v for k, v in match.items())]


def find_entry(entries, **match):
    """The one dict of @entries matching the keywords; AssertionError unless exactly one."""
    found = find_entries(entries, **match)
    if len(found) != 1:
        raise AssertionError('expected exactly one entry with %r, found %d: %r' %
                             (match, len(found), found[:5]))
    return found[0]


def wait_until(predicate, timeout=10.0, interval=0.02, what='condition'):
    """Polls @predicate until it returns a true value, which is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError('timed out after %s s waiting for %s' % (timeout, what))
        time.sleep(interval)


# ---------------------------------------------------------------------------
# Helper processes
# ---------------------------------------------------------------------------

# The program a Helper runs. It reads one JSON command per line on stdin and answers
# one JSON line on stdout. Addresses are ints; names and paths are str with
# surrogateescape (os.fsdecode), so any bytes survive JSON.
_HELPER_SOURCE = r'''
import ctypes, ctypes.util, json, os, signal, sys

libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6', use_errno=True)
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.mmap.restype = ctypes.c_void_p
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.shmat.restype = ctypes.c_void_p
libc.shmdt.argtypes = [ctypes.c_void_p]
PR_SET_PDEATHSIG = 1
PROT_READ, PROT_WRITE = 1, 2
MAP_SHARED, MAP_ANONYMOUS = 1, 0x20
MAP_FAILED = ctypes.c_void_p(-1).value
SHM_RDONLY = 0o10000

def die_with_parent(expected_parent):
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != expected_parent:
        os._exit(1)

def fail(what):
    e = ctypes.get_errno()
    raise OSError(e, '%s: %s' % (what, os.strerror(e)))

def prot_of(text):
    return (PROT_READ if 'r' in text else 0) | (PROT_WRITE if 'w' in text else 0)

def map_fd(fd, length, offset, prot):
    address = libc.mmap(None, length, prot_of(prot), MAP_SHARED, fd, offset)
    if address in (None, MAP_FAILED):
        fail('mmap')
    return address

def mapping_of(address):
    with open('/proc/self/maps') as f:
        for line in f:
            fields = line.split(None, 5)
            start, end = (int(x, 16) for x in fields[0].split('-'))
            if start == address:
                major, minor = (int(x, 16) for x in fields[3].split(':'))
                return {'start': start, 'end': end, 'inode': int(fields[4]),
                        'device': os.makedev(major, minor),
                        'path': fields[5].rstrip('\n') if len(fields) > 5 else ''}
    raise OSError('no mapping at 0x%x' % address)

def stat_reply(st):
    return {'inode': st.st_ino, 'device': st.st_dev, 'size': st.st_size,
            'mode': st.st_mode & 0o7777, 'uid': st.st_uid, 'gid': st.st_gid,
            'mtime_ns': st.st_mtime_ns, 'blocks': st.st_blocks}

forks = []

def handle(cmd):
    op = cmd['op']
    if op == 'memfd':
        fd = os.memfd_create(cmd['name'], 0)
        data = bytes.fromhex(cmd.get('data', ''))
        if data:
            os.pwrite(fd, data, 0)
        os.ftruncate(fd, cmd['size'])
        reply = {'fd': fd}
        reply.update(stat_reply(os.fstat(fd)))
        return reply
    if op == 'open':
        flags = {'r': os.O_RDONLY, 'w': os.O_WRONLY, 'rw': os.O_RDWR}[cmd.get('access', 'rw')]
        fd = os.open(os.fsencode(cmd['path']), flags | os.O_NOFOLLOW)
        reply = {'fd': fd}
        reply.update(stat_reply(os.fstat(fd)))
        return reply
    if op == 'map_fd':
        length = cmd.get('length') or os.fstat(cmd['fd']).st_size - cmd.get('offset', 0)
        address = map_fd(cmd['fd'], length, cmd.get('offset', 0), cmd.get('prot', 'rw'))
        return mapping_of(address)
    if op == 'map_file':
        flags = os.O_RDWR if 'w' in cmd.get('prot', 'rw') else os.O_RDONLY
        fd = os.open(os.fsencode(cmd['path']), flags | os.O_NOFOLLOW)
        try:
            length = cmd.get('length') or os.fstat(fd).st_size - cmd.get('offset', 0)
            address = map_fd(fd, length, cmd.get('offset', 0), cmd.get('prot', 'rw'))
        finally:
            if not cmd.get('keep_fd'):
                os.close(fd)
        reply = mapping_of(address)
        reply['fd'] = fd if cmd.get('keep_fd') else -1
        return reply
    if op == 'anon':
        size = cmd['size']
        address = libc.mmap(None, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)
        if address in (None, MAP_FAILED):
            fail('mmap')
        data = bytes.fromhex(cmd.get('data', ''))
        if data:
            ctypes.memmove(address, data, len(data))
        reply = mapping_of(address)
        try:
            reply.update(stat_reply(os.stat('/proc/self/map_files/%x-%x' % (reply['start'], reply['end']))))
        except OSError:
            pass
        return reply
    if op == 'unmap':
        if libc.munmap(cmd['address'], cmd['length']) != 0:
            fail('munmap')
        return {}
    if op == 'write_fd':
        os.pwrite(cmd['fd'], bytes.fromhex(cmd['data']), cmd.get('offset', 0))
        return {}
    if op == 'write_memory':
        data = bytes.fromhex(cmd['data'])
        ctypes.memmove(cmd['address'], data, len(data))
        return {}
    if op == 'close':
        os.close(cmd['fd'])
        return {}
    if op == 'shmat':
        address = libc.shmat(cmd['shmid'], None, SHM_RDONLY if cmd.get('readonly') else 0)
        if address in (None, MAP_FAILED):
            fail('shmat')
        return mapping_of(address)
    if op == 'shmdt':
        if libc.shmdt(cmd['address']) != 0:
            fail('shmdt')
        return {}
    if op == 'fork':
        parent = os.getpid()
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                die_with_parent(parent)
                os.close(r)
                os.close(w)
                os.close(0)
                os.close(1)
                while True:
                    signal.pause()
            finally:
                os._exit(0)
        os.close(w)
        os.close(r)
        forks.append(pid)
        return {'pid': pid}
    if op == 'comm':
        # PR_SET_NAME: any bytes but NUL, cut to 15 by the kernel
        name = ctypes.create_string_buffer(bytes.fromhex(cmd['name']))
        if libc.prctl(15, ctypes.addressof(name), 0, 0, 0) != 0:
            fail('prctl(PR_SET_NAME)')
        with open('/proc/self/comm', 'rb') as f:
            return {'comm': f.read().rstrip(b'\n').hex()}
    if op == 'ping':
        return {'pid': os.getpid()}
    raise ValueError('unknown op %r' % op)

def main():
    die_with_parent(int(sys.argv[1]))
    out = os.fdopen(1, 'w', buffering=1)
    out.write(json.dumps({'ready': True, 'pid': os.getpid()}) + '\n')
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd['op'] == 'exit':
            break
        try:
            reply = handle(cmd)
            reply['ok'] = True
        except Exception as e:
            reply = {'ok': False, 'error': repr(e)}
        out.write(json.dumps(reply) + '\n')
    for pid in forks:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass

main()
'''


class HelperError(RuntimeError):
    pass


class Helper:
    """A child process that holds shared memory for a test.

        with Helper() as h:
            m = h.memfd('shmlens-test-x', 4096)      # {'fd', 'inode', 'device', ...}
            a = h.map_fd(m['fd'])                    # {'start', 'end', 'inode', ...}
            kid = h.fork()                           # another process holding the same
            ...                                      # h.pid, kid

    Each call returns the helper's answer as a dict (addresses are ints). The helper
    and its forks exit on .close(), when the test process dies, or at exit.
    It sets PR_SET_PDEATHSIG, which fires when the creating *thread* ends: create a
    Helper from a thread that outlives it (normally the main thread).
    @user, a (uid, gid) pair, runs it as another user (setpriv; needs root)."""

    def __init__(self, timeout=15, user=None):
        self.timeout = timeout
        argv = [sys.executable, '-c', _HELPER_SOURCE, str(os.getpid())]
        if user is not None:       # (uid, gid): run as that user, through setpriv
            argv = ['setpriv', '--reuid=%d' % user[0], '--regid=%d' % user[1],
                    '--clear-groups', '--'] + argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     close_fds=True)
        self._token = _register_cleanup(self.close)
        self._buffer = b''
        self.forks = []
        hello = self._read_reply()
        self.pid = hello['pid']
        assert self.pid == self.proc.pid

    def _read_reply(self):
        deadline = time.monotonic() + self.timeout
        fd = self.proc.stdout.fileno()
        while b'\n' not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HelperError('helper %d did not answer within %s s' %
                                  (self.proc.pid, self.timeout))
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise HelperError('helper %d exited (status %s)' %
                                      (self.proc.pid, self.proc.poll()))
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b'\n', 1)
        return json.loads(line)

    def call(self, op, **args):
        """Sends one command and returns the answer; raises HelperError on failure."""
        args['op'] = op
        self.proc.stdin.write((json.dumps(args) + '\n').encode())
        self.proc.stdin.flush()
        reply = self._read_reply()
        if not reply.pop('ok', False):
            raise HelperError('helper %s(%r) failed: %s' % (op, args, reply.get('error')))
        return reply

    # Conveniences; see _HELPER_SOURCE for every argument.

    def memfd(self, name, size, data=b''):
        """memfd_create(name) of @size bytes with @data at 0; returns fd and its stat."""
        return self.call('memfd', name=os.fsdecode(name), size=size, data=data.hex())

    def open(self, path, access='rw'):
        """Opens a file (O_NOFOLLOW) and keeps the descriptor: the helper "holds" it."""
        return self.call('open', path=os.fsdecode(path), access=access)

    def map_fd(self, fd, length=0, offset=0, prot='rw'):
        """mmap(MAP_SHARED) of a descriptor; 0 length means to the end of the file."""
        return self.call('map_fd', fd=fd, length=length, offset=offset, prot=prot)

    def map_file(self, path, length=0, offset=0, prot='rw', keep_fd=False):
        """Opens @path, maps it shared and (unless @keep_fd) closes the descriptor."""
        return self.call('map_file', path=os.fsdecode(path), length=length, offset=offset,
                         prot=prot, keep_fd=keep_fd)

    def anon(self, size, data=b''):
        """mmap(MAP_SHARED | MAP_ANONYMOUS) of @size bytes with @data at the start."""
        return self.call('anon', size=size, data=data.hex())

    def unmap(self, address, length):
        return self.call('unmap', address=address, length=length)

    def write_fd(self, fd, offset, data):
        return self.call('write_fd', fd=fd, offset=offset, data=data.hex())

    def write_memory(self, address, data):
        return self.call('write_memory', address=address, data=data.hex())

    def close_fd(self, fd):
        return self.call('close', fd=fd)

    def shmat(self, shmid, readonly=False):
        """Attaches a System V segment in the helper: nattch +1, lpid = helper."""
        return self.call('shmat', shmid=shmid, readonly=readonly)

    def shmdt(self, address):
        return self.call('shmdt', address=address)

    def set_command(self, name):
        """Renames the helper (PR_SET_NAME; /proc/PID/comm, at most 15 bytes).
        Returns the name the kernel kept, as bytes."""
        return bytes.fromhex(self.call('comm', name=os.fsencode(name).hex())['comm'])

    def fork(self):
        """Forks the helper; the fork inherits every descriptor and mapping and waits
        until the helper exits. Returns the fork's pid."""
        pid = self.call('fork')['pid']
        self.forks.append(pid)
        return pid

    def close(self):
        """Ends the helper and its forks (idempotent) and reaps it."""
        _unregister_cleanup(self._token)
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b'{"op": "exit"}\n')
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        # The forks are gone too: the helper kills and reaps them when told to exit, and
        # PR_SET_PDEATHSIG kills them if it dies. (Their pids are not signalled from
        # here: once reaped, a pid may belong to someone else.)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except (BrokenPipeError, OSError):
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return '<Helper pid %d>' % self.pid
