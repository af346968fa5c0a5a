# SPDX-License-Identifier: GPL-3.0-or-later
"""bench-app: the running app's memory and CPU, against GHex and `watch xxd`.

Each figure comes from real processes in one run, one process measured at a time:

  1. memory of `shmlens /NAME` viewing a 16 GiB sparse segment (ftruncate and a few
     written pages) against viewing a 4 KiB segment;
  2. memory of `ghex /dev/shm/NAME` against `shmlens /NAME` on the same 256 MiB
     segment of random bytes (GHex is installed with apt-get when missing and run as
     root; without it that comparison is skipped, and says so);
  3. CPU of `shmlens /NAME` over 10 s watching a 1 GiB segment (every page written)
     at its default 10 Hz while four writer processes write into it, next to
     `watch -n 0.1 xxd -l 512 /dev/shm/NAME` run in a pseudo-terminal, measured the
     same way;
  4. the allocated bytes (st_blocks) of the sparse segment before and after it was
     viewed.

Memory is read from /proc/PID/smaps_rollup once the process has settled: at least
MIN_SETTLE seconds after start and its Rss steady (within 1 %) for STEADY_FOR seconds.
Both Rss and Pss are printed; ratios use Rss. Pss divides each shared page among the
processes mapping it, so it moves with whatever else on the machine maps GTK, Mesa or
glib at that moment (20 MB between two runs here while other GTK tests ran); Rss
charges every shared library page in full to each process, the same in every run, and
only the process's own behaviour changes it. Each process runs alone.

CPU is utime + stime + cutime + cstime from /proc/PID/stat, before and after the 10 s:
for the app that is all its threads (including Mesa's rendering threads under Xvfb);
for `watch` it adds the children it waited for (sh and xxd every 0.1 s). It is
printed as % of one core, with the app's busiest threads.

The writers write 8 random bytes at a random offset 100 times a second each through
a MAP_SHARED mapping; writer 0 writes within the first 512 bytes, what both viewers
show, so that each refresh has something new to draw; the other three anywhere.

The benchmark needs a display and a session bus of its own: without DISPLAY it runs
itself again under xvfb-run, and always inside dbus-run-session, because Shmlens and
GHex are unique GApplications — a copy already running on the user's session bus would
take the request and the process we started would exit at once.

If shmlens logs a GLib critical warning (a missing template, say) the window it drew
is not the app, so the run prints the warnings, says INVALID and exits 1. Missed goals
are printed as MISSED and do not change the exit status.

Everything started here is killed by process group and every segment removed at the
end, also on error or SIGTERM (meson's timeout).

On a machine without a GPU (no /dev/dri render node, as under Xvfb here) GTK 4.8
would draw with OpenGL through Mesa's llvmpipe, on the CPU; Shmlens asks for GTK's
cairo renderer there instead (src/app/shmlens-renderer.c), GHex keeps GTK's choice.
Each figure line says what drew each window. GSK_RENDERER passes through to both
apps and overrides that choice (GSK_RENDERER=gl shows Shmlens on llvmpipe).

Env: SHMLENS_APP, the shmlens executable to measure."""

import os
import pty
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests'))

from shmlens_testlib import PosixSegment  # noqa: E402

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

SPARSE_SIZE = 16 * GiB
SMALL_SIZE = 4 * KiB
GHEX_SIZE = 256 * MiB
CPU_SIZE = 1 * GiB
PAGE = os.sysconf('SC_PAGE_SIZE')
CLK_TCK = os.sysconf('SC_CLK_TCK')

MIN_SETTLE = 3.0          # seconds before a memory reading may be taken
STEADY_FOR = 1.5          # seconds over which Rss must stay within STEADY_SPREAD
STEADY_SPREAD = 0.01
SETTLE_TIMEOUT = 20.0
GHEX_SETTLE_TIMEOUT = 60.0
SPARSE_VIEW_FOR = 10.0    # seconds the sparse segment is viewed, at the least
CPU_WARMUP = 3.0          # seconds between starting a viewer and its CPU window
CPU_WINDOW = 10.0
N_WRITERS = 4
WRITES_PER_SECOND = 100

GOAL_SPARSE_RATIO = 1.1
GOAL_GHEX_FRACTION = 0.2
GOAL_CPU_PERCENT = 5.0

REEXEC_MARK = 'SHMLENS_BENCH_APP_SESSION'

WRITER_CODE = r'''
import ctypes, mmap, os, random, signal, sys, time
ctypes.CDLL(None).prctl(1, signal.SIGKILL)          # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[5]):
    sys.exit(0)
path, size, span, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
stop = False
def on_term(signum, frame):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
m = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
rng = random.Random(seed)
period = 1.0 / float(sys.argv[6])
count = 0
due = time.monotonic()
while not stop:
    offset = rng.randrange(span - 8)
    m[offset:offset + 8] = rng.randbytes(8)
    count += 1
    due += period
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
print(count, flush=True)
'''


class BenchError(Exception):
    pass


# What the app logged on stderr, message → the run that logged it first.
app_complaints = {}


def on_sigterm(signum, frame):
    # Unwinds through the finally blocks, which end the processes and remove the
    # segments.
    raise SystemExit(128 + signum)


# ---------------------------------------------------------------------------
# A display and a session bus
# ---------------------------------------------------------------------------

def reexec_with_session():
    """Runs this script again under xvfb-run (without DISPLAY) and in a session bus
    of its own; returns only when that is already the case."""
    if os.environ.get(REEXEC_MARK):
        return
    argv = [sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    missing = [tool for tool in ('dbus-run-session',) if shutil.which(tool) is None]
    if not os.environ.get('DISPLAY'):
        missing += [tool for tool in ('xvfb-run', 'Xvfb', 'xauth') if shutil.which(tool) is None]
    if missing:
        raise SystemExit('bench-app: needs %s (Debian: xvfb, xauth, dbus)' % ', '.join(missing))
    argv = ['dbus-run-session', '--'] + argv
    if not os.environ.get('DISPLAY'):
        argv = ['xvfb-run', '-a', '-s', '-screen 0 1280x800x24'] + argv
    os.environ[REEXEC_MARK] = '1'
    sys.stdout.flush()
    os.execvp(argv[0], argv)


# ---------------------------------------------------------------------------
# /proc
# ---------------------------------------------------------------------------

def read_memory(pid):
    """(Rss, Pss) in bytes from /proc/PID/smaps_rollup."""
    values = {}
    with open('/proc/%d/smaps_rollup' % pid) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[2] == 'kB':
                values[parts[0].rstrip(':')] = int(parts[1]) * 1024
    return values['Rss'], values['Pss']


def stat_fields(path):
    """The fields of a /proc stat file after the command name, from field 3 (state)."""
    with open(path) as f:
        text = f.read()
    return text[text.rindex(')') + 2:].split()


def cpu_seconds(pid, children=True):
    """utime + stime (+ cutime + cstime) in seconds."""
    fields = stat_fields('/proc/%d/stat' % pid)
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLK_TCK


def thread_cpu(pid):
    """{(tid, name): seconds} for every thread of PID."""
    result = {}
    for tid in os.listdir('/proc/%d/task' % pid):
        try:
            with open('/proc/%d/task/%s/comm' % (pid, tid)) as f:
                name = f.read().strip()
            fields = stat_fields('/proc/%d/task/%s/stat' % (pid, tid))
        except (FileNotFoundError, ProcessLookupError):
            continue
        result[(int(tid), name)] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return result


def holds_open(pid, path):
    try:
        fds = os.listdir('/proc/%d/fd' % pid)
    except FileNotFoundError:
        return False
    for fd in fds:
        try:
            if os.readlink('/proc/%d/fd/%s' % (pid, fd)) == path:
                return True
        except OSError:
            pass
    return False


def has_gpu():
    try:
        return any(name.startswith('renderD') for name in os.listdir('/dev/dri'))
    except OSError:
        return False


def renderer_of(program):
    """What draws PROGRAM's window. GTK cannot be asked from outside, and Mesa's
    llvmpipe threads are no evidence (GDK on X11 loads Mesa to pick a visual even
    when it then draws with cairo), so this applies the rules: GSK_RENDERER when set;
    otherwise Shmlens asks for cairo on a machine without a GPU (no /dev/dri render
    node, see src/app/shmlens-renderer.c) and GTK 4.8 itself uses OpenGL — on such a
    machine through Mesa's llvmpipe, on the CPU. The CPU figures confirm it: busy
    llvmpipe-N threads are OpenGL drawing."""
    chosen = os.environ.get('GSK_RENDERER')
    if chosen:
        return 'GSK_RENDERER=%s' % chosen
    if program == 'shmlens' and not has_gpu():
        return 'cairo (no GPU here, so Shmlens asks GTK for it)'
    return 'GTK\'s default, OpenGL' + ('' if has_gpu() else ' through Mesa llvmpipe (no GPU)')


# ---------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------

def set_parent_death_signal():
    import ctypes
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Viewer:
    """A GUI process in its own process group, stderr kept in a temporary file."""

    def __init__(self, label, argv, env):
        self.label = label
        self.argv = argv
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self.stderr, env=env, start_new_session=True,
                                     preexec_fn=set_parent_death_signal)
        self.pid = self.proc.pid
        self.started = time.monotonic()
        self.is_app = argv[0] == os.environ.get('SHMLENS_APP')
        self.program = 'shmlens' if self.is_app else os.path.basename(argv[0])

    def stderr_tail(self):
        self.stderr.seek(0)
        text = self.stderr.read().decode(errors='replace').strip()
        return text[-3000:] if text else '(nothing on stderr)'

    def check_alive(self):
        if self.proc.poll() is not None:
            raise BenchError('%s exited (status %s) while being measured: %s\nstderr:\n%s'
                             % (self.label, self.proc.returncode, ' '.join(self.argv),
                                self.stderr_tail()))

    def settle(self, timeout=SETTLE_TIMEOUT, require_open=None):
        """Waits until it has started, drawn and its Rss is steady; returns
        (rss, pss, seconds waited, settled?)."""
        samples = []
        while True:
            self.check_alive()
            now = time.monotonic()
            rss, pss = read_memory(self.pid)
            samples.append((now, rss))
            elapsed = now - self.started
            recent = [p for t, p in samples if t >= now - STEADY_FOR]
            steady = (elapsed >= MIN_SETTLE and samples[0][0] <= now - STEADY_FOR
                      and max(recent) - min(recent) <= STEADY_SPREAD * max(recent))
            opened = require_open is None or holds_open(self.pid, require_open)
            if steady and opened:
                return rss, pss, elapsed, True
            if elapsed >= timeout:
                if not opened:
                    raise BenchError('%s does not hold %s open after %.0f s\nstderr:\n%s'
                                     % (self.label, require_open, elapsed, self.stderr_tail()))
                return rss, pss, elapsed, False
            time.sleep(0.2)

    def complaints(self):
        """The GLib warnings and criticals it logged: a critical means a broken window
        (a missing template, say), whose memory and CPU say nothing."""
        self.stderr.seek(0)
        lines = self.stderr.read().decode(errors='replace').splitlines()
        return [line.strip() for line in lines
                if '-CRITICAL **' in line or '-WARNING **' in line or '-ERROR **' in line]

    def stop(self):
        kill_group(self.proc)
        if self.is_app:
            for line in self.complaints():
                # without "(shmlens:PID): " and the time, so that repeats count once
                message = re.sub(r'^\(.*?\): ', '', line)
                message = re.sub(r'\*\*: [0-9:.]+: ', '**: ', message)
                app_complaints.setdefault(message, self.label)
        self.stderr.close()


def kill_group(proc, sig=signal.SIGKILL):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def app_env():
    env = dict(os.environ)
    env['GSETTINGS_BACKEND'] = 'memory'   # never touch the user's settings
    env.pop('GTK_DEBUG', None)
    # Where the build compiled the schema, in case the app reads its settings.
    app = os.environ.get('SHMLENS_APP', '')
    schemas = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(app))), 'data')
    if os.path.exists(os.path.join(schemas, 'gschemas.compiled')):
        env['GSETTINGS_SCHEMA_DIR'] = schemas
    return env


def start_app(seg, label):
    app = os.environ.get('SHMLENS_APP')
    if not app:
        raise SystemExit('bench-app: SHMLENS_APP is not set: run it with '
                         '`meson test --benchmark app`, which points it at the built shmlens')
    return Viewer(label, [app, seg.ref], app_env())


def ensure_ghex():
    """The path of ghex, installing it with apt-get when missing and allowed; None
    with a reason printed otherwise."""
    path = shutil.which('ghex')
    if path:
        return path
    if os.geteuid() != 0:
        print('ghex: not installed and not running as root, so not installed '
              '(apt-get install ghex)')
        return None
    print('ghex: not installed; installing it with apt-get (package ghex)…', flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    for attempt in (['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'ghex'],
                    ['apt-get', 'update', '-q'],
                    ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'ghex']):
        try:
            result = subprocess.run(attempt, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, env=env, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as e:
            print('ghex: %s failed: %s' % (' '.join(attempt), e))
            return None
        if attempt[1] == 'install' and result.returncode == 0:
            break
        if result.returncode != 0:
            tail = result.stdout.decode(errors='replace').strip().splitlines()[-3:]
            print('ghex: %s failed (exit %d): %s'
                  % (' '.join(attempt), result.returncode, ' | '.join(tail)))
            if attempt[1] == 'update':
                return None
    path = shutil.which('ghex')
    if not path:
        print('ghex: still not found after apt-get')
    return path


# ---------------------------------------------------------------------------
# Segments
# ---------------------------------------------------------------------------

def allocated(seg):
    return seg.stat().st_blocks * 512


def fill(seg, size, rng, all_random=False):
    """Writes every page: random bytes, or (quicker) a random MiB repeated with its
    index in front so that no two MiB are the same."""
    block = bytearray(rng.randbytes(MiB))
    fd = os.open(seg.path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        for i in range(size // MiB):
            if all_random:
                block = rng.randbytes(MiB)
            else:
                block[0:8] = struct.pack('<Q', i)
            os.pwrite(fd, block, i * MiB)
    finally:
        os.close(fd)


def fmt_mb(n):
    return '%.1f MB' % (n / 1e6)


def fmt_size(n):
    for unit, size in (('GiB', GiB), ('MiB', MiB), ('KiB', KiB)):
        if n >= size and n % size == 0:
            return '%d %s' % (n // size, unit)
    return '%d bytes' % n


def verdict(met, goal):
    return '(goal %s)' % goal if met else '(goal %s)  MISSED' % goal


# ---------------------------------------------------------------------------
# The measurements
# ---------------------------------------------------------------------------

def measure_memory(viewer, processes, timeout=SETTLE_TIMEOUT, require_open=None,
                   view_for=0.0):
    """Memory of VIEWER once settled; it is stopped afterwards, no sooner than
    VIEW_FOR seconds after it started. Returns (rss, pss, seconds viewed, settled?,
    renderer)."""
    processes.append(viewer)
    try:
        rss, pss, _, settled = viewer.settle(timeout=timeout, require_open=require_open)
        time.sleep(max(0.0, viewer.started + view_for - time.monotonic()))
        viewer.check_alive()
        return rss, pss, time.monotonic() - viewer.started, settled, renderer_of(viewer.program)
    finally:
        viewer.stop()
        processes.remove(viewer)


def measure_app_memory(seg, label, processes, view_for=0.0):
    return measure_memory(start_app(seg, label), processes,
                          require_open=os.fsdecode(seg.path), view_for=view_for)


def settled_note(result):
    rss, pss, viewed, settled, renderer = result
    return '' if settled else ' [Rss not steady after %.0f s]' % viewed


def start_writers(seg, size, processes):
    writers = []
    for i in range(N_WRITERS):
        span = 512 if i == 0 else size
        proc = subprocess.Popen([sys.executable, '-c', WRITER_CODE, os.fsdecode(seg.path),
                                 str(size), str(span), str(1000 + i), str(os.getpid()),
                                 str(WRITES_PER_SECOND)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                start_new_session=True)
        writers.append(proc)
        processes.append(proc)
    return writers


def stop_writers(writers, processes, elapsed):
    counts = []
    for proc in writers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in writers:
        try:
            out, _ = proc.communicate(timeout=5)
            counts.append(int(out.strip() or 0))
        except (subprocess.TimeoutExpired, ValueError):
            kill_group(proc)
            counts.append(0)
        processes.remove(proc)
    return sum(counts) / elapsed


def measure_app_cpu(seg, processes):
    viewer = start_app(seg, 'shmlens (CPU)')
    processes.append(viewer)
    try:
        deadline = viewer.started + 20.0
        while not holds_open(viewer.pid, os.fsdecode(seg.path)):
            viewer.check_alive()
            if time.monotonic() > deadline:
                raise BenchError('shmlens does not hold %s open after 20 s\nstderr:\n%s'
                                 % (os.fsdecode(seg.path), viewer.stderr_tail()))
            time.sleep(0.1)
        time.sleep(max(0.0, viewer.started + CPU_WARMUP - time.monotonic()))
        viewer.check_alive()
        threads_before = thread_cpu(viewer.pid)
        before = cpu_seconds(viewer.pid)
        start = time.monotonic()
        time.sleep(CPU_WINDOW)
        viewer.check_alive()
        after = cpu_seconds(viewer.pid)
        elapsed = time.monotonic() - start
        threads_after = thread_cpu(viewer.pid)
        renderer = renderer_of(viewer.program)
        rss, pss = read_memory(viewer.pid)
    finally:
        viewer.stop()
        processes.remove(viewer)
    per_thread = {}
    for key, seconds in threads_after.items():
        per_thread[key[1]] = per_thread.get(key[1], 0.0) + seconds - threads_before.get(key, 0.0)
    busiest = sorted(per_thread.items(), key=lambda item: -item[1])[:4]
    return (100.0 * (after - before) / elapsed, elapsed, renderer, rss,
            [(name, 100.0 * s / elapsed) for name, s in busiest if s > 0])


def measure_watch_cpu(seg):
    """`watch -n 0.1 xxd -l 512 PATH` in a pseudo-terminal of 40×100."""
    argv = ['watch', '-n', '0.1', 'xxd', '-l', '512', os.fsdecode(seg.path)]
    env = dict(os.environ, TERM='xterm-256color', LC_ALL='C')
    pid, master = pty.fork()
    if pid == 0:
        try:
            import fcntl
            import termios
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 100, 0, 0))
            set_parent_death_signal()
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)

    output = bytearray()

    def drain():
        # The terminal must be read, or watch blocks on a full pty.
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            if len(output) < 1 << 20:
                output.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        time.sleep(1.0)
        if os.waitpid(pid, os.WNOHANG)[0] != 0:
            pid = 0
            raise BenchError('watch exited at once: %r'
                             % bytes(output[-500:]).decode(errors='replace'))
        before = cpu_seconds(pid)
        start = time.monotonic()
        time.sleep(CPU_WINDOW)
        after = cpu_seconds(pid)
        elapsed = time.monotonic() - start
    finally:
        if pid:
            try:
                os.killpg(pid, signal.SIGKILL)   # pty.fork made it a session leader
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
        os.close(master)
        reader.join(timeout=5)
    # ncurses compresses runs (the zeros of "00000000:"), so look for the title line.
    if b'xxd -l 512' not in output:
        raise BenchError('watch did not show its title: %r'
                         % bytes(output[-500:]).decode(errors='replace'))
    return 100.0 * (after - before) / elapsed, elapsed


def main():
    signal.signal(signal.SIGTERM, on_sigterm)
    signal.signal(signal.SIGHUP, on_sigterm)
    reexec_with_session()

    rng = random.Random(20241122)
    segments = []
    processes = []
    missed = []
    try:
        # 1 and 4: 16 GiB sparse against 4 KiB.
        small = PosixSegment(data=rng.randbytes(SMALL_SIZE), tag='bench-app-small')
        segments.append(small)
        sparse = PosixSegment(size=SPARSE_SIZE, tag='bench-app-sparse')
        segments.append(sparse)
        for offset in (0, GiB, 8 * GiB, SPARSE_SIZE - PAGE):
            sparse.write(offset, rng.randbytes(PAGE))
        sparse_before = allocated(sparse)

        small_result = measure_app_memory(small, 'shmlens (4 KiB)', processes)
        sparse_result = measure_app_memory(sparse, 'shmlens (16 GiB sparse)', processes,
                                           view_for=SPARSE_VIEW_FOR)
        sparse_after = allocated(sparse)
        ratio = sparse_result[0] / small_result[0]
        met = ratio <= GOAL_SPARSE_RATIO
        if not met:
            missed.append('memory 16 GiB sparse vs 4 KiB')
        print('memory 16 GiB sparse vs 4 KiB: %s vs %s Rss (Pss %s vs %s) → ratio %.2f %s%s%s'
              % (fmt_mb(sparse_result[0]), fmt_mb(small_result[0]), fmt_mb(sparse_result[1]),
                 fmt_mb(small_result[1]), ratio, verdict(met, '≤ %g' % GOAL_SPARSE_RATIO),
                 settled_note(sparse_result), settled_note(small_result)), flush=True)
        met = sparse_after == sparse_before
        if not met:
            missed.append('sparse segment allocation')
        print('allocated bytes of the 16 GiB sparse segment: %d before, %d after %.0f s of '
              'viewing %s' % (sparse_before, sparse_after, sparse_result[2],
                              verdict(met, 'unchanged')), flush=True)
        sparse.remove()
        segments.remove(sparse)

        # 2: GHex against Shmlens on 256 MiB of random bytes.
        ghex = ensure_ghex()
        big = PosixSegment(size=GHEX_SIZE, tag='bench-app-256')
        segments.append(big)
        fill(big, GHEX_SIZE, rng, all_random=True)
        ours = measure_app_memory(big, 'shmlens (256 MiB)', processes)
        if ghex:
            theirs = measure_memory(Viewer('ghex', [ghex, os.fsdecode(big.path)], app_env()),
                                    processes, timeout=GHEX_SETTLE_TIMEOUT)
            fraction = ours[0] / theirs[0]
            met = fraction <= GOAL_GHEX_FRACTION
            if not met:
                missed.append('memory against GHex')
            print('memory 256 MiB random, shmlens vs ghex: %s vs %s Rss (Pss %s vs %s) '
                  '→ %.3f× %s%s%s'
                  % (fmt_mb(ours[0]), fmt_mb(theirs[0]), fmt_mb(ours[1]), fmt_mb(theirs[1]),
                     fraction, verdict(met, '≤ %g×' % GOAL_GHEX_FRACTION),
                     settled_note(ours), settled_note(theirs)), flush=True)
            print('  drawn with: shmlens %s; ghex %s' % (ours[4], theirs[4]), flush=True)
        else:
            print('memory 256 MiB random, shmlens vs ghex: %s Rss (Pss %s) vs — '
                  'SKIPPED: ghex is not available' % (fmt_mb(ours[0]), fmt_mb(ours[1])),
                  flush=True)
        big.remove()
        segments.remove(big)

        # 3: CPU while four writers write, against watch xxd.
        live = PosixSegment(size=CPU_SIZE, tag='bench-app-live')
        segments.append(live)
        fill(live, CPU_SIZE, rng)
        live_before = allocated(live)
        writers = start_writers(live, CPU_SIZE, processes)
        writers_started = time.monotonic()
        app_cpu, app_elapsed, renderer, app_rss, busiest = measure_app_cpu(live, processes)
        watch_cpu, watch_elapsed = measure_watch_cpu(live)
        rate = stop_writers(writers, processes, time.monotonic() - writers_started)
        live_after = allocated(live)
        met = app_cpu <= GOAL_CPU_PERCENT
        if not met:
            missed.append('CPU watching 1 GiB')
        print('CPU watching 1 GiB at 10 Hz with %d writers (%.0f writes/s in all): shmlens '
              '%.1f %% of a core over %.1f s vs watch -n 0.1 xxd -l 512 %.1f %% over %.1f s '
              '%s' % (N_WRITERS, rate, app_cpu, app_elapsed, watch_cpu, watch_elapsed,
                      verdict(met, '≤ %g %%' % GOAL_CPU_PERCENT)), flush=True)
        print('  shmlens busiest threads: %s; drawn with %s; Rss %s'
              % (', '.join('%s %.1f %%' % item for item in busiest) or 'none',
                 renderer, fmt_mb(app_rss)), flush=True)
        print('  1 GiB segment: every page written beforehand, so its allocation (%d → %d '
              'bytes) says nothing about the viewer; the sparse check is above'
              % (live_before, live_after), flush=True)
    except BenchError as e:
        print('bench-app: %s' % e, file=sys.stderr)
        return 1
    finally:
        for proc in reversed(processes):
            if isinstance(proc, Viewer):
                proc.stop()
            else:
                kill_group(proc)
        for seg in segments:
            seg.remove()

    criticals = [line for line in app_complaints if 'CRITICAL' in line]
    for line, label in list(app_complaints.items())[:10]:
        print('%s logged: %s' % (label, line))
    if criticals:
        print('INVALID: shmlens logged %d critical warning(s): the window it drew is '
              'broken, so the figures above do not describe the app' % len(criticals))
    if missed:
        print('goals missed: ' + '; '.join(missed))
    else:
        print('all goals met')
    return 1 if criticals else 0


if __name__ == '__main__':
    sys.exit(main())
