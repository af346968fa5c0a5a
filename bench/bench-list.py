# SPDX-License-Identifier: GPL-3.0-or-later
"""bench-list: `shmlens-cli list --json` on a crowded machine, against its peers.

Creates 10,000 POSIX segments (4 KiB each), 1,000 System V segments (4 KiB, IPC_PRIVATE)
and 200 sleeping processes, a quarter of which map a POSIX segment and attach a System V
one. Then times `shmlens-cli list --json` (default kinds, which also scans every
process for attachments and memfds) against `ls -l /dev/shm` + `ipcs -m`, both with
output to /dev/null, run back to back, best of 5 each, and prints the ratio against the
goal. Everything is removed at the end, also on error or interruption.

Env: SHMLENS_CLI, the shmlens-cli to measure."""

import ctypes
import json
import mmap
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests'))

from shmlens_testlib import (  # noqa: E402
    IPC_CREAT, IPC_PRIVATE, PosixSegment, cli_path, shmat, shmctl_rmid, shmget,
    sysv_table, unique_name,
)

N_POSIX = 10_000
N_SYSV = 1_000
N_PROCESSES = 200
MAPPING_EVERY = 4          # every 4th process maps a POSIX and attaches a System V segment
SEGMENT_SIZE = 4096
ROUNDS = 5
GOAL = 2.0

SHMMNI = '/proc/sys/kernel/shmmni'

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def make_shmmni_room(needed):
    """Raises kernel.shmmni if the System V table cannot take @needed more segments.
    Returns the old value to restore, or None."""
    with open(SHMMNI) as f:
        limit = int(f.read())
    in_use = len(sysv_table())
    if in_use + needed <= limit:
        return None
    if os.geteuid() != 0:
        raise SystemExit('bench-list: %d System V segments are needed but kernel.shmmni '
                         'allows %d more; run as root or raise it' % (needed, limit - in_use))
    with open(SHMMNI, 'w') as f:
        f.write('%d\n' % (in_use + needed + 64))
    return limit


def spawn_sleeper(posix_path, shmid):
    """A child that sleeps until killed, optionally mapping a POSIX segment and
    attaching a System V one. It dies with this process (PR_SET_PDEATHSIG)."""
    parent = os.getpid()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            # Never run the parent's cleanups here: only SIGKILL ends a sleeper.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent:
                os._exit(1)
            os.close(r)
            keep = []
            if posix_path is not None:
                fd = os.open(posix_path, os.O_RDWR)
                keep.append(mmap.mmap(fd, SEGMENT_SIZE))
                os.close(fd)
            if shmid is not None:
                shmat(shmid)
            os.write(w, b'.')
            os.close(w)
            while True:
                signal.pause()
        finally:
            os._exit(0)
    os.close(w)
    if os.read(r, 1) != b'.':
        os.close(r)
        raise RuntimeError('sleeper %d failed to start' % pid)
    os.close(r)
    return pid


def best_of(rounds, runs):
    """Runs each callable of @runs once per round, back to back, and returns the best
    wall time of each."""
    best = [float('inf')] * len(runs)
    for _ in range(rounds):
        for i, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def run_quietly(argv):
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)


def interrupted(signum, frame):
    raise KeyboardInterrupt('signal %d' % signum)


def main():
    # meson's timeout sends SIGTERM: unwind through the finally below, which removes
    # every segment (the System V ones too) and ends every sleeper.
    signal.signal(signal.SIGTERM, interrupted)
    cli = cli_path()
    posix = []
    sysv_ids = []
    sleepers = []
    old_shmmni = None
    tag = unique_name('bench')

    try:
        old_shmmni = make_shmmni_room(N_SYSV)

        t0 = time.perf_counter()
        data = b'shmlens bench-list\n'
        for i in range(N_POSIX):
            posix.append(PosixSegment(size=SEGMENT_SIZE, data=data, mode=0o600,
                                      name='%s-%05d' % (tag, i)))
        for i in range(N_SYSV):
            sysv_ids.append(shmget(IPC_PRIVATE, SEGMENT_SIZE, IPC_CREAT | 0o600))
        for i in range(N_PROCESSES):
            maps = i % MAPPING_EVERY == 0
            sleepers.append(spawn_sleeper(posix[i].path if maps else None,
                                          sysv_ids[i] if maps else None))
        setup = time.perf_counter() - t0

        # Once, for correctness: every segment is there, with the right attachments.
        result = subprocess.run([cli, 'list', '--json'], capture_output=True)
        if result.returncode != 0:
            raise SystemExit('bench-list: shmlens-cli list --json failed (exit %d): %s'
                             % (result.returncode, result.stderr.decode(errors='replace')))
        entries = json.loads(result.stdout.decode('utf-8'))
        ours_posix = {e['name']: e for e in entries
                      if e['kind'] == 'posix' and e['name'].startswith(tag + '-')}
        wanted_ids = set(sysv_ids)
        ours_sysv = {e['id']: e for e in entries if e['kind'] == 'sysv' and e['id'] in wanted_ids}
        problems = []
        if len(ours_posix) != N_POSIX:
            problems.append('%d of %d POSIX segments listed' % (len(ours_posix), N_POSIX))
        if len(ours_sysv) != N_SYSV:
            problems.append('%d of %d System V segments listed' % (len(ours_sysv), N_SYSV))
        mapped = N_PROCESSES // MAPPING_EVERY
        attached_posix = sum(1 for e in ours_posix.values() if e['attached'] == 1)
        attached_sysv = sum(1 for e in ours_sysv.values() if e['attached'] == 1)
        if attached_posix != mapped or attached_sysv != mapped:
            problems.append('attached: %d POSIX and %d System V segments, %d each expected'
                            % (attached_posix, attached_sysv, mapped))
        if problems:
            raise SystemExit('bench-list: wrong listing: ' + '; '.join(problems))

        shmlens, peer = best_of(ROUNDS, [
            lambda: run_quietly([cli, 'list', '--json']),
            lambda: (run_quietly(['ls', '-l', '/dev/shm']), run_quietly(['ipcs', '-m'])),
        ])
        ratio = shmlens / peer
        print('setup: %.1f s; %d segments listed in total' % (setup, len(entries)))
        print('list --json: %d segments, %d processes: shmlens %.3f s, ls -l + ipcs -m %.3f s '
              '→ ratio %.2f (goal ≤ %g)%s'
              % (N_POSIX + N_SYSV, N_PROCESSES, shmlens, peer, ratio, GOAL,
                 '' if ratio <= GOAL else '  MISSED'))
        sys.stdout.flush()
    finally:
        for pid in sleepers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in sleepers:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        for shmid in sysv_ids:
            try:
                shmctl_rmid(shmid)
            except OSError:
                pass
        for seg in posix:
            seg.remove()
        if old_shmmni is not None:
            with open(SHMMNI, 'w') as f:
                f.write('%d\n' % old_shmmni)


if __name__ == '__main__':
    main()
