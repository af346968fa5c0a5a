# SPDX-License-Identifier: GPL-3.0-or-later
"""test-e2e.py: the real app, driven through AT-SPI the way a person uses it.

A POSIX segment with known bytes is found by name in the sidebar and opened with a
double-click, which gives the hex view the keyboard; the data inspector shows its first value; a writer process (which maps
the segment) changes it and the inspector follows; while paused the value holds,
and after resuming it catches up; the Processes tab lists the writer; unlinking the
segment shows the "removed" banner; last, every control in the window has an
accessible name (the segment's tab, the find bar's buttons). Everything is found by role and accessible name
and read through the Text interface; clicks are AT-SPI actions or synthesized X
input, nothing reaches into the app.

Runs under the system /usr/bin/python3 (pyatspi). Needs an X display (DISPLAY) and
at-spi2-core; without them it exits 77 (skip). build-aux/test provides both.

Why a private D-Bus session: the session of build-aux/test is started before the
X server (dbus-run-session -- xvfb-run …), so the AT-SPI registry it activates has no
DISPLAY and cannot synthesize input ("Keystring synthesis failure"), and the other
GUI tests may have started it already. A session bus of our own, whose AT-SPI
registry is given DISPLAY through the accessibility bus's activation environment,
also keeps the app's GApplication name and the accessibility bus away from any other
test, and leaves the X root window's AT_SPI_BUS property alone (the launcher only
sets it when it has DISPLAY itself, and it is not given it).
"""

import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shmlens_testlib import Helper, PosixSegment, cleanup_all, po_translation  # noqa: E402
import shmlens_testlib  # noqa: E402

SKIP = 77

FIRST_VALUE = 0x01020304      # at offset 0 when the segment is opened
LIVE_VALUE = 0x0A0B0C0D       # written by the writer while the view is live
PAUSED_VALUE = 0x11223344     # written while the view is paused
MESSAGE = b'hello from shmlens-e2e'
SEGMENT_SIZE = 4096

WAIT = 10.0                   # for anything to appear
LIVE_WAIT = 3.0               # a refresh at 10 Hz shows a write well within this
HOLD = 1.5                    # how long a paused value must stay as it was

PAUSE_TOOLTIP = 'Pause Live Updates (Space)'
INSPECTOR_NAME = 'Data inspector'
UINT32_LE_NAME = 'uint32 little-endian'
SEARCH_NAME = 'Search segments by name'
SEGMENTS_NAME = 'Segments'
PROCESSES_TAB = 'Processes'
PROCESSES_PANEL_NAME = 'Processes attached to the segment'
FIND_NAME = 'Find'
FIND_CLOSE_NAME = 'Close Find Bar (Escape)'
CONTROL_ROLES = ('push button', 'toggle button', 'page tab', 'check box', 'radio button',
                 'spin button', 'entry', 'combo box', 'menu item', 'slider')
HEX_VIEW_NAME = 'Hex view'
FIND_ITEM = 'Find…'
STRUCTURE_TAB = 'Structure'
WRITE_STRUCT_NAME = 'Write a Struct'
EDITOR_NAME = 'Layout'
# The struct a person would write for the segment: the counter the writer changes,
# then the message (the struct's value labels are named by field path).
STRUCT_TEXT = ('#include <stdint.h>\n'
               'struct e2e {\n  uint32_t counter;\n  char message[%d];\n};\n' % len(MESSAGE))
STRUCT_VALUE = 0x55667788     # written while the structure panel shows the counter
# The writers step: a test segment made in the app, a counter writer in its Writers tab.
MAIN_MENU_NAME = 'Main Menu'
DEMOS_ITEM = 'Demos'
COUNTERS_ITEM = 'Counters'
DEMO_EXPLANATION = 'Each writer process took a slot of its own'
NEW_SEGMENT_ITEM = 'New Test Segment…'
DIALOG_NAME_FIELD = 'Name'
CREATE_NAME = 'Create'
WRITERS_TAB = 'Writers'
WRITERS_PANEL_NAME = 'Writer processes of the segment'
START_WRITER_NAME = 'Start Writer'
COUNTERS_MAGIC = 0x52544e43   # data/layouts/counters.h: magic, n_slots, then the slots
COUNTER_SLOT0 = struct.Struct('<iIQQ')   # pid, state, heartbeat, counter

T0 = time.monotonic()


def say(message):
    print('[%6.2f s] %s' % (time.monotonic() - T0, message), flush=True)


def skip(message):
    print('SKIP: ' + message, flush=True)
    sys.exit(SKIP)


class Failure(AssertionError):
    pass


def poll(predicate, timeout, what):
    """Calls @predicate until it returns a true value, and returns that value.
    Accessibility objects come and go while the app works: an error raised by the
    predicate counts as "not yet"; the last one is reported on timeout."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 (stale objects, D-Bus errors)
            last_error = e
        if time.monotonic() > deadline:
            detail = ' (last error: %r)' % (last_error,) if last_error is not None else ''
            raise Failure('timed out after %.1f s waiting for %s%s' % (timeout, what, detail))
        time.sleep(0.1)


# ---------------------------------------------------------------------------
# Processes: what this test starts, it ends, by pid
# ---------------------------------------------------------------------------

def proc_stat(pid):
    """(ppid, starttime) of a live process, or None."""
    try:
        with open('/proc/%d/stat' % pid, 'rb') as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(b')') + 2:].split()
    if fields[0] == b'Z':
        return None
    return int(fields[1]), int(fields[19])


def descendants(root):
    """Every live descendant of @root, as {pid: starttime}."""
    by_parent = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            st = proc_stat(int(entry))
            if st is not None:
                by_parent.setdefault(st[0], []).append((int(entry), st[1]))
    found = {}
    pending = [root]
    while pending:
        for pid, start in by_parent.get(pending.pop(), []):
            found[pid] = start
            pending.append(pid)
    return found


def alive(pid, start):
    st = proc_stat(pid)
    return st is not None and st[1] == start


def end_processes(processes, what):
    """Ends the processes {pid: starttime} (the start time guards against a reused
    pid): SIGTERM, then SIGKILL. Returns the ones that had to be signalled."""
    signalled = []
    for sig, grace in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
        left = {p: s for p, s in processes.items() if alive(p, s)}
        if not left:
            break
        for pid in left:
            try:
                os.kill(pid, sig)
                signalled.append(pid)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(alive(p, s) for p, s in left.items()):
            time.sleep(0.05)
    left = [p for p, s in processes.items() if alive(p, s)]
    if left:
        print('warning: %s still running: %r' % (what, left), file=sys.stderr)
    return signalled


def end_child(proc, what, grace=5.0):
    """Ends a child started with Popen and reaps it: SIGTERM, then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        print('warning: %s (pid %d) ignored SIGTERM; killing it' % (what, proc.pid),
              file=sys.stderr)
        proc.kill()
        proc.wait()


# ---------------------------------------------------------------------------
# A private session bus with an accessibility bus whose registry has DISPLAY
# ---------------------------------------------------------------------------

class PrivateSession:
    def __init__(self):
        self.daemon = None
        self.address = None
        self.a11y_address = None
        self.runtime_dir = None
        self.connections = []
        self.spawned = {}       # pid → start time: what the bus activated

    def start(self):
        dbus_daemon = shutil.which('dbus-daemon')
        if dbus_daemon is None:
            skip('no dbus-daemon: install dbus')
        from gi.repository import Gio, GLib
        self.Gio, self.GLib = Gio, GLib

        # No DISPLAY for the session bus, and so for the AT-SPI bus launcher it
        # activates: with DISPLAY, the launcher would publish its bus on the X root
        # window, where the other tests' apps would find it. A runtime directory of
        # our own: the launcher puts the accessibility bus's socket there, at a fixed
        # name ("at-spi/bus") that another session's launcher may be using.
        self.runtime_dir = tempfile.mkdtemp(prefix='shmlens-e2e-')
        env = {k: v for k, v in os.environ.items()
               if k not in ('DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY',
                            'DBUS_SESSION_BUS_ADDRESS', 'AT_SPI_BUS_ADDRESS')}
        env['XDG_RUNTIME_DIR'] = self.runtime_dir
        read_end, write_end = os.pipe()
        self.daemon = subprocess.Popen(
            [dbus_daemon, '--session', '--nofork', '--nopidfile',
             '--print-address=%d' % write_end],
            env=env, pass_fds=(write_end,), stdin=subprocess.DEVNULL)
        os.close(write_end)
        try:
            line = b''
            deadline = time.monotonic() + WAIT
            while not line.endswith(b'\n'):
                ready, _, _ = select.select([read_end], [], [],
                                            max(0, deadline - time.monotonic()))
                if not ready:
                    raise Failure('dbus-daemon printed no address within %s s' % WAIT)
                chunk = os.read(read_end, 4096)
                if not chunk:
                    raise Failure('dbus-daemon exited (status %s)' % self.daemon.poll())
                line += chunk
        finally:
            os.close(read_end)
        self.address = line.decode().strip()
        say('private session bus: %s (dbus-daemon pid %d)' % (self.address, self.daemon.pid))

        session = self.connect(self.address)
        activatable = self.bus_call(session, 'ListActivatableNames')[0]
        if 'org.a11y.Bus' not in activatable:
            skip('no accessibility bus: org.a11y.Bus cannot be activated '
                 '(install at-spi2-core)')
        self.a11y_address = self.call(session, 'org.a11y.Bus', '/org/a11y/bus', 'org.a11y.Bus',
                                      'GetAddress', None)[0]
        if not self.a11y_address:
            skip('no accessibility bus: org.a11y.Bus gave no address')
        # Activated services are not our children (the bus daemonizes them): note
        # their pids, to make sure they end with the test.
        self.note_pid(self.bus_call(session, 'GetConnectionUnixProcessID',
                                    GLib.Variant('(s)', ('org.a11y.Bus',)))[0])
        a11y = self.connect(self.a11y_address)
        self.note_pid(self.bus_call(a11y, 'GetConnectionUnixProcessID',
                                    GLib.Variant('(s)', ('org.freedesktop.DBus',)))[0])
        say('accessibility bus: %s' % self.a11y_address)

        # The registry synthesizes keyboard and mouse input through XTest: it needs
        # the display. It is activated on the accessibility bus, from that bus's
        # activation environment.
        display_env = {k: os.environ[k] for k in ('DISPLAY', 'XAUTHORITY') if k in os.environ}
        self.bus_call(a11y, 'UpdateActivationEnvironment',
                      GLib.Variant('(a{ss})', (display_env,)))
        self.bus_call(a11y, 'StartServiceByName',
                      GLib.Variant('(su)', ('org.a11y.atspi.Registry', 0)))
        registry_pid = self.bus_call(a11y, 'GetConnectionUnixProcessID',
                                     GLib.Variant('(s)', ('org.a11y.atspi.Registry',)))[0]
        self.note_pid(registry_pid)
        with open('/proc/%d/environ' % registry_pid, 'rb') as f:
            registry_env = f.read().split(b'\0')
        if ('DISPLAY=%s' % os.environ['DISPLAY']).encode() not in registry_env:
            raise Failure('the AT-SPI registry (pid %d) did not get DISPLAY' % registry_pid)
        say('AT-SPI registry pid %d, on DISPLAY %s' % (registry_pid, os.environ['DISPLAY']))

    def note_pid(self, pid):
        st = proc_stat(pid)
        if st is not None:
            self.spawned[pid] = st[1]

    def connect(self, address):
        Gio = self.Gio
        connection = Gio.DBusConnection.new_for_address_sync(
            address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)
        self.connections.append(connection)
        return connection

    def call(self, connection, name, path, interface, method, parameters):
        result = connection.call_sync(name, path, interface, method, parameters, None,
                                      self.Gio.DBusCallFlags.NONE, int(WAIT * 1000), None)
        return result.unpack()

    def bus_call(self, connection, method, parameters=None):
        return self.call(connection, 'org.freedesktop.DBus', '/org/freedesktop/DBus',
                         'org.freedesktop.DBus', method, parameters)

    def stop(self):
        for connection in self.connections:
            try:
                connection.close_sync(None)
            except Exception:  # noqa: BLE001 (already closed)
                pass
        self.connections = []
        if self.daemon is not None:
            end_child(self.daemon, 'the private dbus-daemon')
        # The launcher leaves with its session bus and takes the accessibility bus
        # with it; the registry may linger. Give them a moment, then end them.
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and any(alive(p, s) for p, s in self.spawned.items()):
            time.sleep(0.05)
        signalled = end_processes(self.spawned, 'AT-SPI processes of the private session')
        if signalled:
            say('ended what the private session bus had started: pids %r' % signalled)
        if self.runtime_dir is not None:
            shutil.rmtree(self.runtime_dir, ignore_errors=True)
        left = [p for p, start in self.spawned.items() if alive(p, start)]
        if self.daemon is not None and self.daemon.poll() is None:
            left.append(self.daemon.pid)
        return left


# ---------------------------------------------------------------------------
# AT-SPI
# ---------------------------------------------------------------------------

pyatspi = None


def role(acc):
    return acc.getRoleName()


def states(acc):
    return set(acc.getState().getStates())


def text_of(acc):
    """The text through the Text interface. (GTK 4.8 answers an end offset of -1
    with an empty string: ask for exactly characterCount characters.)"""
    text = acc.queryText()
    return text.getText(0, text.characterCount)


def children(acc):
    result = []
    for i in range(acc.childCount):
        try:
            child = acc.getChildAtIndex(i)
        except Exception:  # noqa: BLE001 (gone meanwhile)
            continue
        if child is not None:
            result.append(child)
    return result


def walk(root):
    """Depth-first, @root included; skips what disappears while walking."""
    pending = [root]
    while pending:
        acc = pending.pop()
        yield acc
        try:
            pending.extend(reversed(children(acc)))
        except Exception:  # noqa: BLE001
            pass


def find(root, predicate):
    for acc in walk(root):
        try:
            if predicate(acc):
                return acc
        except Exception:  # noqa: BLE001
            continue
    return None


def find_all(root, predicate):
    found = []
    for acc in walk(root):
        try:
            if predicate(acc):
                found.append(acc)
        except Exception:  # noqa: BLE001
            continue
    return found


def says_twice(name):
    """Whether a name is one phrase said twice: "Dismiss Dismiss"."""
    words = (name or '').split()
    half = len(words) // 2
    return half > 0 and len(words) % 2 == 0 and words[:half] == words[half:]


def do_action(acc, name):
    action = acc.queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    if name not in names:
        raise Failure('%s %r has no action %r (it has %r)' % (role(acc), acc.name, name, names))
    if not action.doAction(names.index(name)):
        raise Failure('action %r of %s %r failed' % (name, role(acc), acc.name))


def center(acc):
    """The middle of @acc in window coordinates. GTK 4 cannot know where its windows
    are on the screen; on Xvfb without a window manager the window sits at 0,0, so
    window coordinates are screen coordinates."""
    x, y, w, h = acc.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    if w <= 0 or h <= 0:
        raise Failure('%s %r has no size on screen: %r' % (role(acc), acc.name, (x, y, w, h)))
    return x + w // 2, y + h // 2


def settled_center(acc, timeout=WAIT):
    """center(@acc) once it has stayed the same for a few polls: a click sent while the
    list is still laying out its rows (just after a search, on a loaded machine) lands
    where the row was, and is lost."""
    seen = []

    def settled():
        seen.append(center(acc))
        time.sleep(0.05)
        return seen[-1] if len(seen) >= 4 and len(set(seen[-4:])) == 1 else None
    return poll(settled, timeout, 'the position of %s %r to settle' % (role(acc), acc.name))


def dump(acc, depth=0, limit=400, out=None):
    """The accessibility tree as text, for the log when something fails."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    try:
        line = '%s[%s] %r' % ('  ' * depth, role(acc), acc.name)
        if acc.description:
            line += ' desc=%r' % acc.description
        try:
            line += ' text=%r' % text_of(acc)
        except Exception:  # noqa: BLE001 (no Text interface)
            pass
        out.append(line)
        for child in children(acc):
            dump(child, depth + 1, limit, out)
    except Exception as e:  # noqa: BLE001
        out.append('%s<error %r>' % ('  ' * depth, e))
    return out


# ---------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------

class E2E:
    def __init__(self, app_path, session):
        self.app_path = app_path
        self.session = session
        self.app = None
        self.app_log = None
        self.frame = None
        self.segment = None
        self.writer = None
        self.last_value = FIRST_VALUE

    # -- set-up and tear-down ------------------------------------------------

    def start_app(self, language=None):
        env = dict(os.environ)
        for name in ('NO_AT_BRIDGE', 'GTK_MODULES', 'WAYLAND_DISPLAY'):
            env.pop(name, None)
        if language is not None:
            # glibc ignores LANGUAGE when the locale is plain "C": C.UTF-8 is not
            for name in [n for n in env if n.startswith('LC_')]:
                del env[name]
            env.update({'LANG': 'C.UTF-8', 'LANGUAGE': language})
        env.update({
            'DBUS_SESSION_BUS_ADDRESS': self.session.address,
            'AT_SPI_BUS_ADDRESS': self.session.a11y_address,
            'GTK_A11Y': 'atspi',
            'GDK_BACKEND': 'x11',
        })
        self.app_log = tempfile.TemporaryFile()
        self.app = subprocess.Popen([self.app_path], env=env, stdin=subprocess.DEVNULL,
                                    stdout=self.app_log, stderr=subprocess.STDOUT)
        say('started %s with no arguments (pid %d)' % (self.app_path, self.app.pid))

        def find_app():
            if self.app.poll() is not None:
                raise Failure('the app exited at start (status %s)' % self.app.returncode)
            desktop = pyatspi.Registry.getDesktop(0)
            for acc in children(desktop):
                try:
                    if acc.get_process_id() == self.app.pid:
                        frames = [c for c in children(acc) if role(c) == 'frame']
                        if frames:
                            return frames[0]
                except Exception:  # noqa: BLE001
                    continue
            return None

        self.frame = poll(find_app, WAIT, 'the app window on the accessibility bus')
        say('the window is on the accessibility bus: frame %r' % self.frame.name)

    def stop(self):
        """Ends the writer and the app, removes the segment; returns the pids of what
        is still running after that (nothing, normally)."""
        left = []
        if self.writer is not None:
            self.writer.close()
            if proc_stat(self.writer.pid) is not None:
                left.append(self.writer.pid)
        if self.app is not None:
            extra = descendants(self.app.pid) if self.app.poll() is None else {}
            end_child(self.app, 'the app')
            end_processes(extra, "the app's children")
            left += [p for p, start in extra.items() if alive(p, start)]
        if self.segment is not None:
            self.segment.remove()
        return left

    def app_output(self):
        if self.app_log is None:
            return ''
        self.app_log.flush()
        self.app_log.seek(0)
        return self.app_log.read().decode(errors='replace')

    def check_app_healthy(self):
        if self.app.poll() is not None:
            raise Failure('the app exited (status %s)' % self.app.returncode)
        criticals = [line for line in self.app_output().splitlines() if 'CRITICAL **' in line]
        if criticals:
            raise Failure('the app printed %d critical warning(s), the first: %s'
                          % (len(criticals), criticals[0]))
        say('the app is still running and printed no critical warning')

    # -- steps -----------------------------------------------------------------

    def create_segment(self):
        data = struct.pack('<I', FIRST_VALUE) + MESSAGE
        self.segment = PosixSegment(size=SEGMENT_SIZE, data=data, tag='e2e')
        self.name = os.fsdecode(self.segment.name)
        say('created /dev/shm/%s: %d bytes, uint32 LE %d at 0, then %r'
            % (self.name, SEGMENT_SIZE, FIRST_VALUE, MESSAGE))

    def open_from_sidebar(self):
        search = poll(lambda: find(self.frame, lambda a: role(a) == 'entry'
                                   and a.name == SEARCH_NAME),
                      WAIT, 'the search entry %r' % SEARCH_NAME)
        # GTK 4.8 implements EditableText for entries: the text arrives as if typed,
        # and ::search-changed filters the list.
        search.queryEditableText().setTextContents(self.name)
        poll(lambda: text_of(search) == self.name, WAIT, 'the search entry to hold the name')
        say('entered the name into the entry %r' % SEARCH_NAME)

        table = poll(lambda: find(self.frame, lambda a: role(a) == 'tree table'
                                  and a.name == SEGMENTS_NAME),
                     WAIT, 'the segment list %r' % SEGMENTS_NAME)

        def only_our_row():
            labels = find_all(table, lambda a: role(a) == 'label' and a.name == self.name)
            rows = [r for r in find_all(table, lambda a: role(a) == 'table row')
                    if find(r, lambda a: role(a) == 'table cell') is not None]
            return labels[0] if labels and len(rows) == 1 else None

        # The list refreshes once a second; the filter leaves one row: ours.
        cell = poll(only_our_row, WAIT, 'exactly one row, labelled %r, in the list' % self.name)
        say('found the cell label %r (the only row the search leaves)' % self.name)

        x, y = settled_center(cell)
        pyatspi.Registry.generateMouseEvent(x, y, pyatspi.MOUSE_B1D)
        say('double-clicked it at %d,%d' % (x, y))

        title = '/%s — Shmlens' % self.name
        poll(lambda: self.frame.name == title, WAIT, 'the window title %r' % title)
        say('the segment is open: window title %r' % self.frame.name)
        poll(lambda: find(self.frame, lambda a: a.name == HEX_VIEW_NAME
                          and pyatspi.STATE_FOCUSED in states(a)),
             WAIT, 'the hex view %r to have the keyboard' % HEX_VIEW_NAME)
        say('the hex view has the keyboard')

    def check_controls_named(self):
        """Every control in the window has a name a screen reader can say: the segment's
        tab, and the find bar's buttons once the hex view's context menu shows it."""
        tab_name = '/%s' % self.name
        poll(lambda: find(self.frame, lambda a: role(a) == 'page tab' and a.name == tab_name),
             WAIT, 'the segment\'s tab, named %r' % tab_name)
        say('the segment\'s tab is named %r' % tab_name)

        hex_view = poll(lambda: find(self.frame, lambda a: a.name == HEX_VIEW_NAME),
                        WAIT, 'the hex view %r' % HEX_VIEW_NAME)
        x, y = center(hex_view)
        pyatspi.Registry.generateMouseEvent(x, y, 'b3c')
        item = poll(lambda: find(self.frame, lambda a: role(a) == 'menu item' and a.name == FIND_ITEM
                                 and pyatspi.STATE_VISIBLE in states(a)),
                    WAIT, 'the context menu item %r' % FIND_ITEM)
        do_action(item, 'click')
        # GTK 4.8 reports no "showing" state: the find entry has the keyboard once
        # the bar is open.
        find_entry = poll(lambda: find(self.frame, lambda a: role(a) == 'entry' and a.name == FIND_NAME
                                       and pyatspi.STATE_FOCUSED in states(a)),
                          WAIT, 'the find bar, with the keyboard in its entry %r' % FIND_NAME)
        say('the hex view\'s context menu item %r showed the find bar' % FIND_ITEM)

        def unnamed():
            return [a for a in find_all(self.frame, lambda a: role(a) in CONTROL_ROLES
                                        and pyatspi.STATE_VISIBLE in states(a))
                    if not (a.name or '').strip()]

        nameless = unnamed()
        if nameless:
            raise Failure('controls on screen without a name: %r'
                          % ['%s (desc %r)' % (role(a), a.description) for a in nameless])

        # GTK 4.8 reads a mnemonic button as "_Open Open" unless the app works around it.
        def misread():
            return [a.name for a in find_all(self.frame, lambda a: role(a) in CONTROL_ROLES
                                             and pyatspi.STATE_VISIBLE in states(a))
                    if says_twice(a.name) or re.search(r'(^|\s)_\w', a.name or '')]

        twice = misread()
        if twice:
            raise Failure('controls whose names a screen reader says twice or with the '
                          'mnemonic underscore: %r' % twice)
        close = find(self.frame, lambda a: role(a) == 'push button' and a.name == FIND_CLOSE_NAME)
        if close is None:
            raise Failure('the find bar has no button named %r' % FIND_CLOSE_NAME)
        do_action(close, 'click')
        poll(lambda: pyatspi.STATE_FOCUSED in states(hex_view), WAIT,
             'the find bar to close with its %r button, giving the keyboard back to the '
             'hex view' % FIND_CLOSE_NAME)
        say('every control in the window has a name; %r closed the find bar' % FIND_CLOSE_NAME)

    def find_inspector_value(self):
        inspectors = poll(lambda: find_all(self.frame, lambda a: a.name == INSPECTOR_NAME),
                          WAIT, 'the data inspector %r' % INSPECTOR_NAME)
        # One tab, so one inspector: ours. (A stray click that opened another
        # segment would leave two, and the first might not be ours.)
        if len(inspectors) != 1:
            raise Failure('%d data inspectors in the window: one segment should be open'
                          % len(inspectors))
        inspector = inspectors[0]
        self.value = poll(lambda: find(inspector, lambda a: role(a) == 'label'
                                       and a.name == UINT32_LE_NAME),
                          WAIT, 'the inspector value %r' % UINT32_LE_NAME)

    def shown_value(self):
        return text_of(self.value)

    def expect_value(self, expected, timeout, why):
        start = time.monotonic()
        try:
            poll(lambda: self.shown_value() == str(expected), timeout,
                 '%r to show %d (%s)' % (UINT32_LE_NAME, expected, why))
        except Failure as e:
            raise Failure('%s; it shows %r' % (e, self.shown_value())) from None
        say('%r shows %d %s, after %.2f s'
            % (UINT32_LE_NAME, expected, why, time.monotonic() - start))

    def read_first_value(self):
        self.find_inspector_value()
        self.expect_value(FIRST_VALUE, WAIT, 'the bytes at the cursor, offset 0')

    def start_writer(self):
        self.writer = Helper()
        mapping = self.writer.map_file(self.segment.path)
        self.writer_address = mapping['start']
        say('writer pid %d maps the segment at 0x%x (%s)'
            % (self.writer.pid, mapping['start'], mapping['path']))

    def write(self, value):
        self.writer.write_memory(self.writer_address, struct.pack('<I', value))
        if self.segment.read()[:4] != struct.pack('<I', value):
            raise Failure('the writer\'s store of %d is not in the segment' % value)
        self.last_value = value
        say('writer pid %d wrote %d at offset 0' % (self.writer.pid, value))

    def pause_button(self):
        return poll(lambda: find(self.frame, lambda a: a.description == PAUSE_TOOLTIP
                                 and role(a) in ('toggle button', 'push button')),
                    WAIT, 'the button with the tooltip %r' % PAUSE_TOOLTIP)

    def set_paused(self, paused):
        button = self.pause_button()
        pressed = pyatspi.STATE_PRESSED in states(button) or pyatspi.STATE_CHECKED in states(button)
        if pressed == paused:
            raise Failure('the pause button is already %s' % ('pressed' if paused else 'released'))
        do_action(button, 'click')
        poll(lambda: (pyatspi.STATE_PRESSED in states(button) or
                      pyatspi.STATE_CHECKED in states(button)) == paused,
             WAIT, 'the pause button to be %s' % ('pressed' if paused else 'released'))
        say('clicked the pause button (%s %r, desc %r): %s'
            % (role(button), button.name, button.description,
               'paused' if paused else 'live again'))

    def check_pause_holds(self):
        self.set_paused(True)
        self.write(PAUSED_VALUE)
        deadline = time.monotonic() + HOLD
        while time.monotonic() < deadline:
            shown = self.shown_value()
            if shown != str(LIVE_VALUE):
                raise Failure('while paused, %r changed from %d to %r'
                              % (UINT32_LE_NAME, LIVE_VALUE, shown))
            time.sleep(0.1)
        say('while paused, %r held %d for %.1f s' % (UINT32_LE_NAME, LIVE_VALUE, HOLD))
        self.set_paused(False)
        self.expect_value(PAUSED_VALUE, LIVE_WAIT, 'after resuming')

    def check_processes(self):
        tab = poll(lambda: find(self.frame, lambda a: role(a) == 'page tab'
                                and a.name == PROCESSES_TAB),
                   WAIT, 'the side tab %r' % PROCESSES_TAB)
        do_action(tab, 'click')
        poll(lambda: pyatspi.STATE_SELECTED in states(tab) or pyatspi.STATE_PRESSED in states(tab),
             WAIT, 'the %r tab to be selected' % PROCESSES_TAB)
        say('clicked the side tab %r' % PROCESSES_TAB)

        panel = poll(lambda: find(self.frame, lambda a: a.name == PROCESSES_PANEL_NAME),
                     WAIT, 'the panel %r' % PROCESSES_PANEL_NAME)
        pid_re = re.compile(r'\bPID %d$' % self.writer.pid)

        def writer_row():
            rows = find_all(panel, lambda a: pid_re.search(a.name or '') is not None)
            return rows or None

        rows = poll(writer_row, WAIT, 'the writer (PID %d) in %r' % (self.writer.pid,
                                                                     PROCESSES_PANEL_NAME))
        pid_labels = [r for r in rows if role(r) == 'label' and text_of(r) == str(self.writer.pid)]
        if not pid_labels:
            raise Failure('the writer is named in the panel (%r) but no label shows its pid %d'
                          % ([(role(r), r.name) for r in rows], self.writer.pid))
        say('the panel lists the writer: %r' % [(role(r), r.name) for r in rows])

    def check_structure(self):
        """The segment as a struct: written in the structure panel's editor, its fields
        read live, by their paths."""
        tab = poll(lambda: find(self.frame, lambda a: role(a) == 'page tab'
                                and a.name == STRUCTURE_TAB),
                   WAIT, 'the side tab %r' % STRUCTURE_TAB)
        do_action(tab, 'click')
        poll(lambda: pyatspi.STATE_SELECTED in states(tab) or pyatspi.STATE_PRESSED in states(tab),
             WAIT, 'the %r tab to be selected' % STRUCTURE_TAB)
        say('clicked the side tab %r' % STRUCTURE_TAB)
        button = poll(lambda: find(self.frame, lambda a: role(a) == 'push button'
                                   and a.name == WRITE_STRUCT_NAME
                                   and pyatspi.STATE_VISIBLE in states(a)),
                      WAIT, 'the button %r' % WRITE_STRUCT_NAME)
        do_action(button, 'click')
        editor = poll(lambda: find(self.frame, lambda a: a.name == EDITOR_NAME
                                   and pyatspi.STATE_EDITABLE in states(a)
                                   and pyatspi.STATE_FOCUSED in states(a)),
                      WAIT, 'the layout editor %r, with the keyboard' % EDITOR_NAME)
        say('clicked %r: the editor %r has the keyboard' % (WRITE_STRUCT_NAME, EDITOR_NAME))
        editor.queryEditableText().setTextContents(STRUCT_TEXT)
        say('wrote into it: %r' % STRUCT_TEXT)

        def field_text(path):
            # The row's name cell says the name too, but is hidden from screen readers
            # (GTK 4.8 still lists it, without its text): the value label is the one
            # that has text. Looked up each time: rows are rebuilt when the layout
            # changes (the editor's example has a "counter" too).
            texts = []
            for label in find_all(self.frame, lambda a: role(a) == 'label' and a.name == path):
                try:
                    texts.append(text_of(label))
                except NotImplementedError:
                    continue
            if len(texts) > 1:
                raise Failure('%d value labels named %r: %r' % (len(texts), path, texts))
            return texts[0] if texts else None

        def expect_field(path, expected, timeout, why):
            try:
                poll(lambda: field_text(path) == expected, timeout,
                     '%r to read %r (%s)' % (path, expected, why))
            except Failure as e:
                raise Failure('%s; it reads %r' % (e, field_text(path))) from None
            say('%r reads %r %s' % (path, expected, why))

        expect_field('message', '"%s"' % MESSAGE.decode(), WAIT, 'as the segment holds it')
        expect_field('counter', str(self.last_value), WAIT, 'as the segment holds it')
        self.write(STRUCT_VALUE)
        expect_field('counter', str(STRUCT_VALUE), LIVE_WAIT, 'after the writer\'s store')

    def check_removed(self):
        self.segment.remove()
        say('unlinked /dev/shm/%s' % self.name)

        def banner():
            for label in find_all(self.frame, lambda a: role(a) == 'label'):
                try:
                    text = text_of(label)
                except Exception:  # noqa: BLE001
                    continue
                if 'removed' in text:
                    return text
            return None

        text = poll(banner, WAIT, 'a banner saying the segment was removed')
        say('the page says: %r' % text)
        # "Its last bytes stay on screen"
        shown = self.shown_value()
        if shown != str(self.last_value):
            raise Failure('after removal %r shows %r, not the last value %d'
                          % (UINT32_LE_NAME, shown, self.last_value))
        say('%r still shows the last value %d' % (UINT32_LE_NAME, self.last_value))

    def choose_from_main_menu(self, *names):
        """Opens the main menu and clicks the menu items NAMES in turn (a submenu,
        then an item in it)."""
        def clickable(acc):
            try:
                action = acc.queryAction()
            except NotImplementedError:
                return False
            return 'click' in [action.getName(i) for i in range(action.nActions)]

        menu = poll(lambda: find(self.frame, lambda a: role(a) in ('push button', 'toggle button')
                                 and a.name == MAIN_MENU_NAME and clickable(a)),
                    WAIT, 'the button %r' % MAIN_MENU_NAME)
        do_action(menu, 'click')
        for name in names:
            item = poll(lambda: find(self.frame, lambda a: role(a) == 'menu item'
                                     and a.name == name and pyatspi.STATE_VISIBLE in states(a)),
                        WAIT, 'the menu item %r' % name)
            do_action(item, 'click')
        say('chose %s in the main menu' % ', then '.join(repr(n) for n in names))

    @staticmethod
    def remove_when_done(path):
        """The app removes its test segments when it quits; this is for when it cannot."""
        def remove_segment():
            if os.path.exists(path):
                os.unlink(path)
        shmlens_testlib._register_cleanup(remove_segment)

    def check_writers(self):
        """A test segment made through the app's New Test Segment dialog (main menu),
        opened in a tab; in its Writers tab a counter writer is started, listed with
        its pid (a child of the app running `shmlens-cli write`), counts in the
        segment; stopped, its process is gone, and it leaves the list when removed."""
        name = shmlens_testlib.unique_name('e2e-writers')
        path = os.path.join(shmlens_testlib.POSIX_DIR, name)

        self.remove_when_done(path)
        self.choose_from_main_menu(NEW_SEGMENT_ITEM)

        # The dialog is a window of its own: look in the whole application.
        app = self.frame.parent
        entry = poll(lambda: find(app, lambda a: role(a) in ('entry', 'text')
                                  and a.name == DIALOG_NAME_FIELD
                                  and pyatspi.STATE_EDITABLE in states(a)),
                     WAIT, 'the dialog\'s field %r' % DIALOG_NAME_FIELD)
        entry.queryEditableText().setTextContents(name)
        poll(lambda: text_of(entry) == name, WAIT, 'the field %r to hold the name' % DIALOG_NAME_FIELD)
        create = poll(lambda: find(app, lambda a: role(a) == 'push button' and a.name == CREATE_NAME
                                   and pyatspi.STATE_VISIBLE in states(a)),
                      WAIT, 'the dialog\'s button %r' % CREATE_NAME)
        do_action(create, 'click')
        title = '/%s — Shmlens' % name
        poll(lambda: self.frame.name == title, WAIT, 'the new segment\'s tab, window title %r' % title)
        size = os.stat(path).st_size
        if size != 4096:
            raise Failure('the new segment %s has %d bytes, not the 4 KiB asked for' % (path, size))
        say('the dialog created %s (%d bytes) and the window shows it' % (path, size))

        # Its writers panel is the only one with a Start button (a panel of a segment
        # Shmlens did not create only explains why it will not write). Its Writers tab
        # is the one beside it.
        start = poll(lambda: find(self.frame, lambda a: role(a) == 'push button'
                                  and a.name == START_WRITER_NAME),
                     WAIT, 'the button %r' % START_WRITER_NAME)
        panel = start
        while panel is not None and panel.name != WRITERS_PANEL_NAME:
            panel = panel.parent
        side = panel
        tab = None
        while side is not None and tab is None:
            side = side.parent
            tab = find(side, lambda a: role(a) == 'page tab' and a.name == WRITERS_TAB)
        if panel is None or tab is None:
            raise Failure('no panel %r with a %r tab holds the button %r'
                          % (WRITERS_PANEL_NAME, WRITERS_TAB, START_WRITER_NAME))
        do_action(tab, 'click')
        poll(lambda: pyatspi.STATE_SELECTED in states(tab) or pyatspi.STATE_PRESSED in states(tab),
             WAIT, 'the %r tab to be selected' % WRITERS_TAB)
        say('clicked the side tab %r' % WRITERS_TAB)

        do_action(start, 'click')
        pid_re = re.compile(r'^PID (\d+)$')

        def writer_pid():
            for label in find_all(panel, lambda a: role(a) == 'label' and pid_re.match(a.name or '')):
                pid = int(pid_re.match(label.name).group(1))
                if text_of(label) == str(pid):
                    return pid
            return None

        pid = poll(writer_pid, WAIT, 'a writer listed with its pid in %r' % WRITERS_PANEL_NAME)
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            argv = f.read().split(b'\0')
        if b'write' not in argv or not any(name.encode() in arg for arg in argv):
            raise Failure('PID %d is not a writer of %s: %r' % (pid, name, argv))
        if pid not in descendants(self.app.pid):
            raise Failure('the writer PID %d is not a child of the app (pid %d)' % (pid, self.app.pid))
        say('the panel lists writer PID %d: %s' % (pid, b' '.join(argv).decode(errors='replace')))

        def counter():
            with open(path, 'rb') as f:
                data = f.read(8 + COUNTER_SLOT0.size)
            magic = struct.unpack_from('<I', data)[0]
            slot_pid, _, _, count = COUNTER_SLOT0.unpack_from(data, 8)
            return count if magic == COUNTERS_MAGIC and slot_pid == pid else None

        first = poll(counter, WAIT, 'the writer to count in slot 0 of the segment')
        poll(lambda: (counter() or 0) > first, LIVE_WAIT, 'the counter to grow past %d' % first)
        iterations_re = re.compile(r'^Iterations (\d+)$')
        poll(lambda: find(panel, lambda a: role(a) == 'label' and iterations_re.match(a.name or '')
                          and int(iterations_re.match(a.name).group(1)) > 0),
             WAIT, 'the writer\'s row to report its iterations')
        say('the writer counts in the segment (%d, then more) and its row reports iterations'
            % first)

        stop = poll(lambda: find(panel, lambda a: role(a) == 'push button'
                                 and a.name == 'Stop PID %d' % pid),
                    WAIT, 'the button %r' % ('Stop PID %d' % pid))
        do_action(stop, 'click')
        poll(lambda: find(panel, lambda a: role(a) == 'label' and a.name == 'State Stopped'),
             WAIT, 'the writer\'s row to say it stopped')
        poll(lambda: proc_stat(pid) is None and not os.path.exists('/proc/%d' % pid), WAIT,
             'the writer process %d to be gone (reaped)' % pid)
        say('clicked %r: the row says stopped, and PID %d is gone' % ('Stop PID %d' % pid, pid))

        remove = poll(lambda: find(panel, lambda a: role(a) == 'push button'
                                   and a.name == 'Remove PID %d' % pid),
                      WAIT, 'the button %r' % ('Remove PID %d' % pid))
        do_action(remove, 'click')
        poll(lambda: writer_pid() is None, WAIT, 'the writer to leave the list')
        say('clicked %r: the writer left the list' % ('Remove PID %d' % pid))

    def check_demo(self):
        """The Counters demo from the main menu's Demos: its segment opens with its
        explanation, its three writers are listed with their pids (children of the
        app running `shmlens-cli write`); one stopped is gone, the others go on."""
        self.choose_from_main_menu(DEMOS_ITEM, COUNTERS_ITEM)

        poll(lambda: (self.frame.name or '').startswith('/shmlens-demo-counters-'), WAIT,
             'the demo\'s segment in the window title')
        name = self.frame.name.split(' ')[0][1:]
        self.remove_when_done(os.path.join(shmlens_testlib.POSIX_DIR, name))

        def explained():
            for label in find_all(self.frame, lambda a: role(a) == 'label'):
                try:
                    if DEMO_EXPLANATION in text_of(label):
                        return label
                except NotImplementedError:
                    continue
            return None
        poll(explained, WAIT, 'the demo\'s explanation')
        say('the window shows /%s with the demo\'s explanation' % name)

        # The demo's writers panel: the page's one with writers in it.
        pid_re = re.compile(r'^PID (\d+)$')

        def writer_pids(root):
            pids = []
            for label in find_all(root, lambda a: role(a) == 'label' and pid_re.match(a.name or '')):
                pid = int(pid_re.match(label.name).group(1))
                try:
                    if text_of(label) == str(pid):
                        pids.append(pid)
                except NotImplementedError:
                    continue
            return pids

        def demo_panel():
            for panel in find_all(self.frame, lambda a: a.name == WRITERS_PANEL_NAME):
                if len(writer_pids(panel)) == 3:
                    return panel
            return None
        panel = poll(demo_panel, WAIT, 'three writers listed with their pids')
        side = panel
        tab = None
        while side is not None and tab is None:
            side = side.parent
            tab = find(side, lambda a: role(a) == 'page tab' and a.name == WRITERS_TAB)
        if tab is None:
            raise Failure('the demo\'s writers panel has no %r tab beside it' % WRITERS_TAB)
        do_action(tab, 'click')
        poll(lambda: pyatspi.STATE_SELECTED in states(tab) or pyatspi.STATE_PRESSED in states(tab),
             WAIT, 'the %r tab to be selected' % WRITERS_TAB)
        pids = writer_pids(panel)
        children = descendants(self.app.pid)
        for pid in pids:
            with open('/proc/%d/cmdline' % pid, 'rb') as f:
                argv = f.read().split(b'\0')
            if b'write' not in argv or name.encode() not in b' '.join(argv):
                raise Failure('PID %d is not a writer of %s: %r' % (pid, name, argv))
            if pid not in children:
                raise Failure('the writer PID %d is not a child of the app' % pid)
        say('the Writers tab lists the demo\'s writers: PIDs %s' % pids)

        stop = poll(lambda: find(panel, lambda a: role(a) == 'push button'
                                 and a.name == 'Stop PID %d' % pids[0]),
                    WAIT, 'the button %r' % ('Stop PID %d' % pids[0]))
        do_action(stop, 'click')
        poll(lambda: proc_stat(pids[0]) is None and not os.path.exists('/proc/%d' % pids[0]), WAIT,
             'the writer process %d to be gone' % pids[0])
        remove = poll(lambda: find(panel, lambda a: role(a) == 'push button'
                                   and a.name == 'Remove PID %d' % pids[0]),
                      WAIT, 'the button %r' % ('Remove PID %d' % pids[0]))
        do_action(remove, 'click')
        poll(lambda: pids[0] not in writer_pids(panel), WAIT, 'the stopped writer to leave the list')
        for pid in pids[1:]:
            if proc_stat(pid) is None:
                raise Failure('stopping PID %d also ended PID %d' % (pids[0], pid))
        say('stopped PID %d: it is gone and off the list; PIDs %s go on' % (pids[0], pids[1:]))

    def run_in_language(self, language):
        """The app started in @language: what a person reads (a heading, a button's
        name and tooltip, the primary menu's name) is in that language, as the .po
        file says, and not in English."""
        po = os.path.join(os.environ['G_TEST_SRCDIR'], '..', 'po', language + '.po')
        self.start_app(language)
        for english, kind in (('See What Lives in Shared Memory', 'label'),
                              ('Pause Live Updates', None),
                              ('Main Menu', None),
                              ('_Open File…', 'push button')):
            translated = po_translation(po, english)
            if translated == english:
                raise Failure('%s.po leaves %r in English' % (language, english))
            # a mnemonic's underscore is not part of the name
            name = translated.replace('_', '')
            acc = poll(lambda: find(self.frame, lambda a: a.name == name or
                                    (role(a) == 'label' and text_of(a) == name)),
                       WAIT, 'the %s %r (%r in %s)' % (kind or 'control', name, english, language))
            if kind is not None and role(acc) != kind:
                raise Failure('%r is a %s, not a %s' % (name, role(acc), kind))
            if find(self.frame, lambda a: a.name == english.replace('_', '')) is not None:
                raise Failure('%r is still in English' % english)
            say('%s: %r reads %r (%s)' % (language, english, name, role(acc)))
        tooltip = po_translation(po, 'Pause Live Updates (Space)')
        poll(lambda: find(self.frame, lambda a: a.description == tooltip), WAIT,
             'the pause button\'s tooltip %r' % tooltip)
        say('%s: the pause button\'s tooltip is %r' % (language, tooltip))
        self.check_app_healthy()

    def run(self):
        self.create_segment()
        self.start_app()
        self.open_from_sidebar()
        self.read_first_value()
        self.start_writer()
        self.write(LIVE_VALUE)
        self.expect_value(LIVE_VALUE, LIVE_WAIT, 'live, after the write')
        self.check_pause_holds()
        self.check_processes()
        self.check_structure()
        self.check_removed()
        # Last: its right-click moves the cursor the values above are read at.
        self.check_controls_named()
        self.check_writers()
        self.check_demo()
        self.check_app_healthy()


def on_sigterm(signum, frame):
    # meson's timeout: unwind, so that the finally blocks end what was started
    raise SystemExit(128 + signum)


def main():
    global pyatspi

    if not os.environ.get('DISPLAY'):
        skip('no X display (DISPLAY is not set); run through build-aux/test')
    app_path = os.environ.get('SHMLENS_APP')
    if not app_path or not os.access(app_path, os.X_OK):
        raise Failure('SHMLENS_APP does not name the app: %r' % (app_path,))

    signal.signal(signal.SIGTERM, on_sigterm)
    session = PrivateSession()
    test = None
    left = []
    try:
        session.start()
        # Both this process and the app use exactly this accessibility bus.
        os.environ['DBUS_SESSION_BUS_ADDRESS'] = session.address
        os.environ['AT_SPI_BUS_ADDRESS'] = session.a11y_address
        try:
            import pyatspi as module
        except ImportError as e:
            skip('no pyatspi for %s: %s (install python3-pyatspi)' % (sys.executable, e))
        pyatspi = module

        test = E2E(app_path, session)
        try:
            language = os.environ.get('SHMLENS_E2E_LANGUAGE')
            if language:
                test.run_in_language(language)
            else:
                test.run()
        except BaseException:
            traceback.print_exc()
            if test.frame is not None:
                print('--- accessibility tree of the app ---')
                print('\n'.join(dump(test.frame)))
            raise
    finally:
        if test is not None:
            left += test.stop()
            output = test.app_output()
            if output.strip():
                print('--- what the app printed ---\n' + output.rstrip('\n'))
        left += session.stop()
        cleanup_all()
        if test is not None and test.app_log is not None:
            test.app_log.close()
    if left:
        raise Failure('processes started by the test are still running: %r' % left)
    say('cleaned up: no process, segment or file of the test is left')
    say('PASS')
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Failure as e:
        print('FAIL: %s' % e, flush=True)
        sys.exit(1)
