# SPDX-License-Identifier: GPL-3.0-or-later
"""test-man: the manual pages shmlens(1) and shmlens-cli(1) against the programs.

Usage: test-man.py SHMLENS.1 SHMLENS-CLI.1 (the configured pages, from doc/meson.build).

Each page is rendered as a reader sees it: with groff (-man -Tutf8) when the machine has
it, with man -l too when it has man-db; groff -ww must not warn. Without groff, the
checks read the page's source text through a small man(7) reader instead, so they
still run.

Then the pages are held to the programs: every command of `shmlens-cli --help` has a
subsection under COMMANDS; every option each `shmlens-cli COMMAND --help` prints has an
entry (a tagged paragraph) in its command's subsection, spelled as --help spells it
(-k, --kind=KINDS), and every option entry there is one the command has; the same for
`shmlens --help-all` and the OPTIONS of shmlens(1). A new option without
documentation, or documentation of an option that is gone, fails here.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import unittest

SECTIONS_CLI = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'OPTIONS', 'SEGMENT REFERENCES',
                'SIZES AND OFFSETS', 'EXIT STATUS', 'ENVIRONMENT', 'FILES', 'EXAMPLES', 'SEE ALSO']
SECTIONS_APP = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'SEGMENT REFERENCES',
                'EXIT STATUS', 'ENVIRONMENT', 'FILES', 'EXAMPLES', 'SEE ALSO']
SEE_ALSO = ['ipcs(1)', 'hexdump(1)', 'xxd(1)', 'shm_overview(7)', 'sysvipc(7)']
REGISTRY = '$XDG_RUNTIME_DIR/shmlens/created.ini'

# Where man(7) puts things in a page rendered without line breaks: .SH headings at
# column 0, .SS headings at 3, paragraphs and .TP tags at 7, .TP bodies further in.
TAG_INDENT = 7

# An option line of GLib's --help: "  -k, --kind=KINDS     Kinds to list…".
HELP_OPTION = re.compile(r'^  (?:(-[A-Za-z0-9]), )?(--[A-Za-z0-9][\w-]*)(?:=(\S+))?(?:\s{2,}|$)')
# An option as it is written in a rendered page.
OPTION_TOKEN = re.compile(r'(?<![\w-])(--?[A-Za-z0-9][\w-]*)')


def run(argv, env=None, timeout=60):
    """Runs ARGV in a session of its own; returns (returncode, stdout, stderr) as text.
    A hang is a failure: the whole process group is killed."""
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError('%s did not finish within %d s (killed); stdout:\n%s\nstderr:\n%s'
                             % (argv, timeout, out.decode(errors='replace')[:2000],
                                err.decode(errors='replace')[:2000]))
    return (proc.returncode, out.decode('utf-8', errors='replace'),
            err.decode('utf-8', errors='replace'))


def strip_formatting(text):
    """Plain text from a tty device: no SGR sequences, no overstriking."""
    text = re.sub(r'\x1b\[[0-9;]*m', '', text)
    text = re.sub(r'.\x08', '', text)
    # Debian's groff prints \- as "-"; elsewhere it may be a minus sign (U+2212).
    return text.replace('\u2212', '-')


# ---------------------------------------------------------------------------
# Reading man(7) source without groff
# ---------------------------------------------------------------------------

ESCAPES = {
    '-': '-', 'e': '\\', '&': '', '|': '', '^': '', ' ': ' ', '0': ' ', '~': ' ', ':': '',
    '%': '', 'c': '',
}
NAMED_CHARACTERS = {
    'em': '\u2014', 'en': '\u2013', 'lq': '\u201c', 'rq': '\u201d', 'aq': "'", 'dq': '"',
    'oq': '\u2018', 'cq': '\u2019', 'mu': '\u00d7', '->': '\u2192', 'bu': '\u2022',
    'hy': '-', 'ti': '~', 'ha': '^', 'rs': '\\', 'co': '\u00a9',
}


def unescape(text):
    """The characters a line of roff text shows, without its font changes."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != '\\' or i + 1 == len(text):
            out.append(c)
            i += 1
            continue
        e = text[i + 1]
        if e == 'f':                                  # \fB, \f(CW, \f[CR]
            if text[i + 2:i + 3] == '(':
                i += 5
            elif text[i + 2:i + 3] == '[':
                i = text.index(']', i) + 1
            else:
                i += 3
        elif e == '(':                                # \(em
            out.append(NAMED_CHARACTERS.get(text[i + 2:i + 4], '?'))
            i += 4
        elif e == '[':                                # \[->]
            end = text.index(']', i)
            out.append(NAMED_CHARACTERS.get(text[i + 2:end], '?'))
            i = end + 1
        elif e == '*':                                # \*(xx strings: none are used
            i += 3 if text[i + 2:i + 3] != '(' else 5
        elif e == '"':                                # comment to the end of the line
            break
        else:
            out.append(ESCAPES.get(e, e))
            i += 2
    return ''.join(out)


def macro_arguments(text):
    """A request's arguments, as roff splits them (double quotes group)."""
    args = []
    for m in re.finditer(r'"((?:[^"]|"")*)"|(\S+)', text):
        args.append(m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2))
    return args


def render_source(source):
    """A man(7) page as text, laid out as man renders it without line breaks: headings
    at columns 0 (.SH) and 3 (.SS), .TP tags at 7, the rest at 14. Enough for what the
    checks below read: sections, tags and the words of the text."""
    lines = []
    tag_next = False
    for raw in source.splitlines():
        if raw.startswith('.\\"') or raw.startswith('\'\\"') or raw.strip() in ('.', ''):
            continue
        if raw.startswith('.') or raw.startswith("'"):
            m = re.match(r"[.'](\S+)\s*(.*)$", raw)
            name, rest = m.group(1), m.group(2)
            args = macro_arguments(rest)
            if name == 'SH':
                lines.append(unescape(' '.join(args)))
                tag_next = False
                continue
            if name == 'SS':
                lines.append('   ' + unescape(' '.join(args)))
                tag_next = False
                continue
            if name == 'TP':
                tag_next = True
                continue
            if name in ('B', 'I', 'SM', 'SB'):
                text = ' '.join(args)
            elif name in ('BR', 'RB', 'BI', 'IB', 'IR', 'RI'):
                text = ''.join(args)
            else:                                    # layout requests: no text
                continue
        else:
            text = raw
        indent = TAG_INDENT if tag_next else TAG_INDENT * 2
        tag_next = False
        lines.append(' ' * indent + unescape(text))
    return '\n'.join(lines) + '\n'


# ---------------------------------------------------------------------------
# A rendered page
# ---------------------------------------------------------------------------

class Page:
    """A page as text, split into its sections and subsections."""

    def __init__(self, text):
        self.text = text
        self.sections = {}       # .SH heading → its lines
        self.subsections = {}    # (.SH heading, first word of .SS heading) → its lines
        section = subsection = None
        for line in text.splitlines():
            if not line.strip():
                continue
            indent = len(line) - len(line.lstrip(' '))
            if indent == 0 and not line.startswith(('SHMLENS', 'Shmlens ')):
                section, subsection = line.strip(), None
                self.sections[section] = []
                continue
            if indent == 3 and section is not None:
                subsection = (section, line.split()[0])
                self.subsections[subsection] = []
                continue
            if section is not None:
                self.sections[section].append(line)
                if subsection is not None:
                    self.subsections[subsection].append(line)

    def section_text(self, name):
        return '\n'.join(self.sections.get(name, []))

    @staticmethod
    def tags(lines):
        """The option entries among LINES: for each .TP tag that names options, the set
        of options it names as written (-k, --kind=KINDS)."""
        entries = []
        for line in lines:
            indent = len(line) - len(line.lstrip(' '))
            body = line.strip()
            if indent != TAG_INDENT or not body.startswith('-'):
                continue
            names = []
            for word in body.split():
                word = word.rstrip(',')
                if not word.startswith('-'):
                    break
                names.append(word)
            entries.append(names)
        return entries


def parse_help_options(text):
    """The options GLib's --help lists: [(short or None, long, argument or None)]."""
    options = []
    in_options = False
    for line in text.splitlines():
        if not line.startswith(' '):
            in_options = 'options' in line.lower()
            continue
        m = HELP_OPTION.match(line)
        if in_options and m:
            options.append((m.group(1), m.group(2), m.group(3)))
    return options


def spelled(option):
    """How the page must write an option: (-k, --kind=KINDS)."""
    short, long, argument = option
    return short, long + ('=' + argument if argument else '')


class ManPages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if len(sys.argv) < 3:
            raise SystemExit('usage: test-man.py SHMLENS.1 SHMLENS-CLI.1')
        cls.paths = {'shmlens': sys.argv[1], 'shmlens-cli': sys.argv[2]}
        cls.sources = {}
        for name, path in cls.paths.items():
            with open(path, 'rb') as f:
                cls.sources[name] = f.read()
        cls.groff = shutil.which('groff')
        cls.man = shutil.which('man')
        cls.pages = {}
        for name, path in cls.paths.items():
            if cls.groff:
                # One line per paragraph (a line length no paragraph reaches) and no
                # hyphenation: what is read below is the words, not the line breaks.
                status, out, err = run([cls.groff, '-man', '-Tutf8', '-rLL=5000n', '-rHY=0',
                                        path])
                if status != 0:
                    raise AssertionError('groff could not render %s:\n%s' % (path, err))
                text = strip_formatting(out)
            else:
                text = render_source(cls.sources[name].decode('ascii', errors='replace'))
            cls.pages[name] = Page(text)
        if not cls.groff:
            print('test-man: groff is not installed: the pages are checked as source text '
                  '(Debian: groff-base)', file=sys.stderr)
        cls.cli = os.environ['SHMLENS_CLI']
        cls.app = os.environ.get('SHMLENS_APP')

    # ---- the pages themselves ----

    def test_sources_are_plain_ascii_man(self):
        for name, source in self.sources.items():
            with self.subTest(page=name):
                bad = [i for i, b in enumerate(source) if b > 0x7e or (b < 0x20 and b != 0x0a)]
                self.assertEqual(bad, [], '%s has characters that are not printable ASCII '
                                 '(write them as groff escapes) at byte offsets %s'
                                 % (name, bad[:10]))
                text = source.decode('ascii')
                self.assertNotIn('@VERSION@', text, 'the page was not configured')
                self.assertRegex(text, r'(?m)^\.TH %s 1 ' % re.escape(name.upper().replace('-', '\\-')))
                # An option written with a plain '-' renders as a hyphen (U+2010) in
                # UTF-8, and cannot be pasted into a terminal.
                for number, line in enumerate(text.splitlines(), 1):
                    if line.startswith('.\\"'):
                        continue
                    for m in re.finditer(r'(?:^|(?<=[\s(\["|]))((?:\\-|-){1,2})[A-Za-z]', line):
                        self.assertIn(m.group(1), ('\\-', '\\-\\-'),
                                      '%s:%d: an option spelled with a plain "-" (write \\-): %s'
                                      % (name, number, line))

    def test_groff_does_not_warn(self):
        if not self.groff:
            self.skipTest('groff is not installed (Debian: groff-base)')
        for name, path in self.paths.items():
            with self.subTest(page=name):
                status, out, err = run([self.groff, '-man', '-ww', '-z', path])
                self.assertEqual((status, err), (0, ''), 'groff -ww warns about %s' % path)
                status, out, err = run([self.groff, '-man', '-ww', '-Tutf8', path])
                self.assertEqual((status, err), (0, ''), 'groff -ww -Tutf8 warns about %s' % path)

    def test_man_renders(self):
        if not self.man:
            self.skipTest('man is not installed (Debian: man-db)')
        env = dict(os.environ, MANWIDTH='80', MAN_KEEP_FORMATTING='')
        env.pop('MANPAGER', None)
        env.pop('PAGER', None)
        for name, path in self.paths.items():
            with self.subTest(page=name):
                status, out, err = run([self.man, '--warnings', '-l', path], env=env)
                self.assertEqual(status, 0, err)
                self.assertEqual(err, '', 'man -l %s printed warnings' % path)
                text = strip_formatting(out)
                self.assertIn('NAME', text)
                self.assertIn(name + ' - ', text)
                widest = max(len(line) for line in text.splitlines())
                # Examples may be wider than the page; the text itself fits in 80.
                self.assertLessEqual(widest, 100, 'a line of %s is %d wide' % (name, widest))

    def test_sections(self):
        for name, wanted in (('shmlens-cli', SECTIONS_CLI), ('shmlens', SECTIONS_APP)):
            page = self.pages[name]
            with self.subTest(page=name):
                self.assertEqual([s for s in page.sections if s in wanted], wanted,
                                 'the sections of %s, in order' % name)
                self.assertIn(REGISTRY, page.section_text('FILES'))
                self.assertIn('XDG_RUNTIME_DIR', page.section_text('ENVIRONMENT'))
                see_also = page.section_text('SEE ALSO')
                for ref in SEE_ALSO:
                    self.assertIn(ref, see_also)
        app_environment = self.pages['shmlens'].section_text('ENVIRONMENT')
        for variable in ('SHMLENS_CLI', 'GSK_RENDERER'):
            self.assertRegex(app_environment, r'(?m)^ {%d}%s\b' % (TAG_INDENT, variable),
                             'shmlens(1) has no ENVIRONMENT entry for %s' % variable)
        self.assertIn('shmlens-cli(1)', self.pages['shmlens'].section_text('SEE ALSO'))
        self.assertIn('shmlens(1)', self.pages['shmlens-cli'].section_text('SEE ALSO'))

    def test_exit_status(self):
        cli = self.pages['shmlens-cli']
        entries = [line.split()[0] for line in cli.sections['EXIT STATUS']
                   if len(line) - len(line.lstrip()) == TAG_INDENT and line.split()[0].isdigit()]
        self.assertEqual(entries, ['0', '1', '2'])
        self.assertEqual(run([self.cli])[0], 2, 'no command: a usage error')
        self.assertEqual(run([self.cli, 'no-such-command'])[0], 2)
        self.assertEqual(run([self.cli, 'info', 'sysv:2147483647'])[0], 1)

    # ---- shmlens-cli(1) against shmlens-cli ----

    def cli_help(self, *args):
        status, out, err = run([self.cli] + list(args))
        self.assertEqual(status, 0, '%s %s --help: %s' % (self.cli, ' '.join(args), err))
        return out

    def cli_commands(self):
        text = self.cli_help('--help')
        block = text.split('Commands:\n', 1)[1].split('\n\n', 1)[0]
        commands = [line.split()[0] for line in block.splitlines() if line.strip()]
        self.assertGreaterEqual(len(commands), 10, text)
        return commands

    def test_every_command_has_a_subsection(self):
        page = self.pages['shmlens-cli']
        commands = self.cli_commands()
        documented = [sub for (section, sub) in page.subsections if section == 'COMMANDS']
        self.assertEqual(documented, commands,
                         'the subsections of COMMANDS are not the commands of --help, in order')
        synopsis = page.section_text('SYNOPSIS')
        for command in commands:
            self.assertRegex(synopsis, r'shmlens-cli %s\b' % command)

    def test_every_option_is_documented_under_its_command(self):
        page = self.pages['shmlens-cli']
        for command in self.cli_commands():
            with self.subTest(command=command):
                options = parse_help_options(self.cli_help(command, '--help'))
                self.assertIn((('-h', '--help', None)), options)
                lines = page.subsections.get(('COMMANDS', command))
                self.assertIsNotNone(lines, 'shmlens-cli(1) has no subsection for %s' % command)
                entries = page.tags(lines)
                for option in options:
                    short, long = spelled(option)
                    matching = [e for e in entries if long in e]
                    self.assertTrue(matching, 'shmlens-cli(1) has no entry for “%s” under %s '
                                    '(--help says %s%s)' % (long, command,
                                                            short + ', ' if short else '', long))
                    if short:
                        self.assertIn(short, matching[0],
                                      '%s under %s: the short form %s is missing'
                                      % (long, command, short))
                    else:
                        self.assertEqual(len(matching[0]), 1, matching[0])
                # And nothing documented that the command does not have.
                known = set()
                for option in options:
                    short, long = spelled(option)
                    known.update([long] + ([short] if short else []))
                for entry in entries:
                    for word in entry:
                        self.assertIn(word, known, 'shmlens-cli(1) documents %s under %s, '
                                      'which its --help does not list' % (word, command))
                # The options mentioned anywhere in the subsection exist somewhere.
                text = '\n'.join(lines)
                for word in OPTION_TOKEN.findall(text):
                    name = word.split('=')[0]
                    if name.startswith('--'):
                        self.assertTrue(any(name == spelled(o)[1].split('=')[0] for o in options)
                                        or self.option_of_any_command(name),
                                        'shmlens-cli(1) mentions %s under %s: no command has it'
                                        % (name, command))

    def option_of_any_command(self, name):
        if not hasattr(self, '_all_options'):
            self._all_options = set()
            for command in self.cli_commands():
                for option in parse_help_options(self.cli_help(command, '--help')):
                    self._all_options.add(option[1])
        return name in self._all_options

    def test_global_options(self):
        page = self.pages['shmlens-cli']
        entries = page.tags(page.sections['OPTIONS'])
        names = {word for entry in entries for word in entry}
        for option in ('-h', '--help', '--version'):
            with self.subTest(option=option):
                self.assertIn(option, names)
                status, out, err = run([self.cli, option])
                self.assertEqual(status, 0, err)
        self.assertRegex(run([self.cli, '--version'])[1], r'^shmlens-cli \d+\.\d+')

    def test_segment_references(self):
        """Every REF form `shmlens-cli --help` names is explained in both pages."""
        text = self.cli_help('--help')
        block = text.split('Segment references (REF):\n', 1)[1].split('\n\n', 1)[0]
        forms = []
        for line in block.splitlines():
            left = re.split(r'\s{2,}', line.strip())[0]
            forms.extend(form.strip() for form in left.split(','))
        self.assertIn('sysv:SHMID', forms)
        for name in ('shmlens-cli', 'shmlens'):
            section = self.pages[name].section_text('SEGMENT REFERENCES')
            for form in forms:
                with self.subTest(page=name, form=form):
                    self.assertRegex(section, r'(?<![\w/.])%s(?![\w])' % re.escape(form))

    # ---- shmlens(1) against shmlens ----

    def app_help(self, option):
        """`shmlens OPTION` where it cannot open a window: no display, no session bus (it
        must answer --help before it needs either)."""
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS='unix:path=/nonexistent/shmlens-test')
        for variable in ('DISPLAY', 'WAYLAND_DISPLAY'):
            env.pop(variable, None)
        return run([self.app, option], env=env, timeout=30)

    def test_app_options_documented(self):
        if not self.app:
            self.skipTest('SHMLENS_APP is not set')
        options = []
        for option in ('--help', '--help-all'):
            status, out, err = self.app_help(option)
            self.assertTrue(status == 0 and out.startswith('Usage:'),
                            '“shmlens %s” prints no help (exit %d): %s\n'
                            'The app takes every argument for a segment reference, because it '
                            'registers no option of its own: GApplication then neither parses '
                            '--help nor prints it. Register the options (for instance with '
                            'g_application_add_main_option_entries() and '
                            'g_application_set_option_context_parameter_string(app, "[REF…]")) '
                            'so that --help works without a display.'
                            % (option, status, (out + err).strip()[:500]))
            for parsed in parse_help_options(out):
                if parsed not in options:
                    options.append(parsed)
        page = self.pages['shmlens']
        entries = page.tags(page.sections['OPTIONS'])
        known = set()
        for option in options:
            short, long = spelled(option)
            known.update([long] + ([short] if short else []))
            with self.subTest(option=long):
                matching = [e for e in entries if long in e]
                self.assertTrue(matching, 'shmlens(1) has no entry for %s under OPTIONS' % long)
                if short:
                    self.assertIn(short, matching[0])
        for entry in entries:
            for word in entry:
                self.assertIn(word, known, 'shmlens(1) documents %s, which shmlens --help-all '
                              'does not list' % word)


if __name__ == '__main__':
    unittest.main(argv=sys.argv[:1], verbosity=2)
