# SPDX-License-Identifier: GPL-3.0-or-later
"""bench-soak: the app for an hour with four writers and a 30 Hz refresh.

Starts the Counters demo in the app (`shmlens --demo=counters`: three writer
processes, one slot each) and a fourth writer (`shmlens-cli write --pattern=counter
--slot=3`) in the same segment, with the refresh rate at 30 Hz (a private keyfile
settings backend, so the person's settings are never touched). After the first minute
and at the end it reads the app's Rss and Pss (/proc/PID/smaps_rollup) and counts its
file descriptors (/proc/PID/fd). Goals: memory (Rss) at the end within 5 % of memory
after the first minute, and no descriptor leaked. It also shows the growth of Rss
without cairo's MIT-SHM image pool, which the app shares with the X server: a
mapping of fixed size whose Rss grows as images of new sizes pass through it.

The app lists every segment and every process of the machine, so whatever else runs
meanwhile changes its memory (the test suite's 11,000 segments added 18 MB to it in
one run). As root, the soak therefore runs in namespaces of its own (unshare: PIDs,
System V IPC, mounts, with a private /dev/shm) with its own X server and session bus
inside, and the app sees only the soak. Otherwise it runs on the machine as it is and
says so; then it needs DISPLAY.

usage: bench-soak.py [SECONDS]   (default 3600; SHMLENS_APP, SHMLENS_CLI)
Not part of the test suite: `meson test -C _build --benchmark soak --verbose` runs it.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

DEFAULT_SECONDS = 3600
WARMUP = 60
RATE = 30
GOAL_GROWTH = 0.05


def memory(pid):
    """Rss and Pss in KiB, from /proc/PID/smaps_rollup."""
    values = rollup(pid)
    return values['Rss'], values['Pss']


def rollup(pid):
    values = {}
    with open('/proc/%d/smaps_rollup' % pid) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(':') and parts[1].isdigit():
                values[parts[0][:-1]] = int(parts[1])
    return values


def anonymous(pid):
    """The app's own memory in KiB: its anonymous pages (heap, arenas, stacks), which
    Rss mixes with shared libraries paged in over time (Mesa's libLLVM, loaded when
    GDK probes OpenGL) and the X server's MIT-SHM segment it shares."""
    return rollup(pid)['Anonymous']


def x_image_pool(pid):
    """Rss and size in KiB of the System V segments the app shares with the X server:
    cairo's MIT-SHM pool for sending images (32 MiB under Xvfb here). It is allocated
    once, at its full size; its Rss is the part of it touched so far, which grows as
    images of other sizes pass through it and can never pass its size."""
    rss = size = 0
    in_pool = False
    with open('/proc/%d/smaps' % pid) as f:
        for line in f:
            fields = line.split()
            if '-' in fields[0] and len(fields) >= 5 and ':' in fields[3]:
                in_pool = len(fields) >= 6 and fields[5].startswith('/SYSV')
            elif in_pool and fields[0] == 'Rss:':
                rss += int(fields[1])
            elif in_pool and fields[0] == 'Size:':
                size += int(fields[1])
    return rss, size


def descriptors(pid):
    return sorted(os.readlink('/proc/%d/fd/%s' % (pid, fd)) for fd in os.listdir('/proc/%d/fd' % pid))


def find_segment(pid, timeout=30):
    """The demo's segment: the app names it after itself (shmlens-demo-counters-PID-…),
    so another app's demo is never taken for it."""
    prefix = 'shmlens-demo-counters-%d-' % pid
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name in os.listdir('/dev/shm'):
            if name.startswith(prefix):
                return '/' + name
        time.sleep(0.5)
    raise SystemExit('bench-soak: the Counters demo made no segment within %d s' % timeout)


INSIDE = 'SHMLENS_SOAK_ISOLATED'


def run_isolated():
    """Runs this script again in namespaces of its own (see the module's text); returns
    its exit status, or None where that cannot be done."""
    if os.environ.get(INSIDE) or os.geteuid() != 0:
        return None
    missing = [tool for tool in ('unshare', 'xvfb-run', 'dbus-run-session')
               if shutil.which(tool) is None]
    if missing:
        print('bench-soak: not isolated (no %s)' % ', '.join(missing), flush=True)
        return None
    inner = ('mount -t tmpfs -o mode=1777,size=1g shmlens-soak /dev/shm && '
             'exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" '
             '"$@"')
    argv = ['unshare', '--pid', '--fork', '--mount-proc', '--ipc', '--mount', '--',
            'sh', '-c', inner, 'sh', sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    env = dict(os.environ, **{INSIDE: '1'})
    env.pop('DISPLAY', None)
    print('bench-soak: in namespaces of its own (PIDs, System V IPC, /dev/shm), with its '
          'own X server', flush=True)
    return subprocess.call(argv, env=env)


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SECONDS
    app = os.environ.get('SHMLENS_APP')
    cli = os.environ.get('SHMLENS_CLI')
    if not app or not cli:
        raise SystemExit('bench-soak: run it through meson (SHMLENS_APP and SHMLENS_CLI)')
    status = run_isolated()
    if status is not None:
        return status
    if not os.environ.get('DISPLAY'):
        raise SystemExit('bench-soak: needs an X display (xvfb-run), or root to run in '
                         'namespaces of its own')
    if not os.environ.get(INSIDE):
        print('bench-soak: not isolated: what else runs on the machine changes the figures',
              flush=True)

    with tempfile.TemporaryDirectory(prefix='shmlens-soak-') as home:
        settings = os.path.join(home, 'glib-2.0', 'settings')
        os.makedirs(settings)
        with open(os.path.join(settings, 'keyfile'), 'w') as f:
            f.write('[io/github/shmlens/Shmlens]\nrefresh-rate=uint32 %d\n' % RATE)
        runtime = os.path.join(home, 'runtime')
        os.mkdir(runtime, 0o700)
        env = dict(os.environ, GSETTINGS_BACKEND='keyfile', XDG_CONFIG_HOME=home,
                   XDG_RUNTIME_DIR=runtime)
        schemas = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(app))), 'data')
        env['GSETTINGS_SCHEMA_DIR'] = schemas

        proc = subprocess.Popen([app, '--demo=counters'], env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        writer = None
        try:
            ref = find_segment(proc.pid)
            writer = subprocess.Popen([cli, 'write', ref, '--pattern=counter', '--slot=3',
                                       '--rate=10'], env=env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(WARMUP)
            rss1, pss1 = memory(proc.pid)
            anon1 = anonymous(proc.pid)
            pool1, pool_size = x_image_pool(proc.pid)
            fds1 = descriptors(proc.pid)
            print('after %d s: Rss %.1f MB, Pss %.1f MB, anonymous %.1f MB, X image pool %.1f '
                  'of %.1f MB, %d descriptors'
                  % (WARMUP, rss1 / 1024, pss1 / 1024, anon1 / 1024, pool1 / 1024,
                     pool_size / 1024, len(fds1)), flush=True)
            end = time.monotonic() + seconds - WARMUP
            while time.monotonic() < end:
                time.sleep(min(60, max(0, end - time.monotonic())))
                if proc.poll() is not None:
                    raise SystemExit('bench-soak: the app exited (%s): %s'
                                     % (proc.returncode, proc.stderr.read().decode()[-2000:]))
                rss, pss = memory(proc.pid)
                print('  %5d s: Rss %.1f MB, Pss %.1f MB, anonymous %.1f MB, X image pool %.1f MB'
                      % (seconds - (end - time.monotonic()), rss / 1024, pss / 1024,
                         anonymous(proc.pid) / 1024, x_image_pool(proc.pid)[0] / 1024), flush=True)
            rss2, pss2 = memory(proc.pid)
            anon2 = anonymous(proc.pid)
            pool2, _ = x_image_pool(proc.pid)
            fds2 = descriptors(proc.pid)
            growth = (rss2 - rss1) / rss1
            own_growth = ((rss2 - pool2) - (rss1 - pool1)) / (rss1 - pool1)
            anon_growth = (anon2 - anon1) / anon1
            print('after %d s: Rss %.1f MB, Pss %.1f MB, anonymous %.1f MB, X image pool %.1f MB, '
                  '%d descriptors'
                  % (seconds, rss2 / 1024, pss2 / 1024, anon2 / 1024, pool2 / 1024, len(fds2)))
            print('memory growth from the first minute to the end (goal within ±%d %%):'
                  % (100 * GOAL_GROWTH))
            print('  Rss %+.1f %% %s' % (100 * growth, 'met' if abs(growth) <= GOAL_GROWTH
                                         else 'MISSED'))
            print('  Rss without the X image pool (%.1f then %.1f MB) %+.1f %% %s'
                  % (pool1 / 1024, pool2 / 1024, 100 * own_growth,
                     'met' if abs(own_growth) <= GOAL_GROWTH else 'MISSED'))
            print('  anonymous memory %+.1f %%, Pss %+.1f %%'
                  % (100 * anon_growth, 100 * (pss2 - pss1) / pss1))
            leaked = sorted(set(fds2) - set(fds1))
            print('descriptors: %d then %d; new since the first minute: %s %s'
                  % (len(fds1), len(fds2), leaked or 'none', 'met' if not leaked else 'MISSED'))
            return 0 if abs(growth) <= GOAL_GROWTH and not leaked else 1
        finally:
            for p in (writer, proc):
                if p is not None and p.poll() is None:
                    p.send_signal(signal.SIGTERM)
                    try:
                        p.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        p.kill()
                        p.wait()


if __name__ == '__main__':
    sys.exit(main())
