# SPDX-License-Identifier: GPL-3.0-or-later
"""test-completion: data/completion/shmlens-cli, the bash completion, in a real bash.

Each case sources the script in `bash --norc`, sets COMP_WORDS and COMP_CWORD as bash
would for a command line (splitting words at "=" and ":", as COMP_WORDBREAKS says),
calls the function `complete -p shmlens-cli` names, and reads COMPREPLY. What it
should offer comes from the built shmlens-cli itself: its --help (commands and each
command's options), its error messages for a wrong value (the values of --kind,
--format, --fill, --pattern and --sync), `demo --list`, and real segments made here.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from shmlens_testlib import PosixSegment, SysvSegment, cli_path, run_cli  # noqa: E402

SCRIPT = os.path.join(os.environ.get('G_TEST_SRCDIR', os.path.dirname(os.path.abspath(__file__))),
                      '..', 'data', 'completion', 'shmlens-cli')

# Sources the script, finds the completion function, completes, prints COMPREPLY
# NUL-separated. The words come as arguments, COMP_CWORD in the environment.
DRIVER = r'''
source "$SHMLENS_COMPLETION" || exit 3
spec=$(complete -p shmlens-cli) || exit 4
function=${spec##*-F }
function=${function%% *}
COMP_WORDS=("$@")
COMP_CWORD=$TEST_CWORD
COMP_LINE=$TEST_LINE
COMP_POINT=${#COMP_LINE}
"$function" shmlens-cli "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" || exit 5
((${#COMPREPLY[@]} == 0)) || printf '%s\0' "${COMPREPLY[@]}"
'''

# The enumerated options: (command, option, arguments that reach the option's check).
ENUMERATIONS = [
    ('list', '--kind', ['list']),
    ('create', '--kind', ['create', 'x', '--size=4K']),
    ('create', '--fill', ['create', 'x', '--size=4K']),
    ('dump', '--format', ['dump', '/shmlens-test-none']),
    ('write', '--pattern', ['write', '/shmlens-test-none']),
    ('write', '--sync', ['write', '/shmlens-test-none', '--pattern=race']),
    ('demo', '--sync', ['demo', 'race']),
]


def bash_words(line):
    """COMP_WORDS for LINE, the cursor at its end, as bash splits it: at blanks, and
    "=" and ":" runs as words of their own; a trailing blank starts an empty word."""
    words = []
    for token in re.findall(r'(?:\\.|[^\s\\])+', line):
        words.extend(part for part in re.split(r'([=:]+)', token) if part)
    if not line or line[-1].isspace():
        words.append('')
    return words


def help_options(command):
    """(spelled as the completion offers them, long names) from `COMMAND --help`."""
    result = run_cli(command, '--help')
    assert result.returncode == 0, result.describe()
    offered, longs = set(), set()
    in_options = False
    for line in result.out.splitlines():
        if not line.startswith(' '):
            in_options = 'options' in line.lower()
            continue
        m = re.match(r'^  (?:(-\w), )?(--[\w-]+)(=\S+)?(?:\s{2,}|$)', line)
        if in_options and m:
            offered.add(m.group(2) + ('=' if m.group(3) else ''))
            longs.add(m.group(2))
            if m.group(1):
                offered.add(m.group(1))
    return offered, longs


def accepted_values(args, option):
    """The values the CLI names when OPTION gets one it does not take."""
    result = run_cli(*(args + ['%s=not-a-value' % option]))
    assert result.returncode == 2, result.describe()
    message = result.err.splitlines()[0]
    start = max(message.rfind(marker) + len(marker) if marker in message else -1
                for marker in ('is not ', 'use ', 'choose from ', 'choose '))
    assert start > 0, message
    return re.split(r', | or ', message[start:].rstrip('.'))


class Completion(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bash = shutil.which('bash')
        if not cls.bash:
            raise unittest.SkipTest('bash is not installed')
        cls.script = os.path.abspath(SCRIPT)
        commands = run_cli('--help')
        block = commands.out.split('Commands:\n', 1)[1].split('\n\n', 1)[0]
        cls.commands = [line.split()[0] for line in block.splitlines() if line.strip()]

    def complete(self, line, cwd=None):
        """COMPREPLY for `shmlens-cli LINE`, the cursor at the end."""
        words = [cli_path()] + bash_words(line)
        env = dict(os.environ, SHMLENS_COMPLETION=self.script, TEST_CWORD=str(len(words) - 1),
                   TEST_LINE='shmlens-cli ' + line)
        argv = [self.bash, '--norc', '--noprofile', '-c', DRIVER, 'bash'] + words
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, cwd=cwd,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            self.fail('completing %r hung' % line)
        elapsed = time.monotonic() - start
        self.assertEqual(proc.returncode, 0, 'completing %r: exit %d\n%s'
                         % (line, proc.returncode, err.decode(errors='replace')))
        # Outside a real completion, compopt complains; nothing else may.
        noise = [l for l in err.decode(errors='replace').splitlines()
                 if 'not currently executing completion function' not in l]
        self.assertEqual(noise, [], 'completing %r printed errors' % line)
        # A completion that makes the terminal wait is a broken one.
        self.assertLess(elapsed, 5, 'completing %r took %.1f s' % (line, elapsed))
        return [word.decode() for word in out.split(b'\0')[:-1]]

    def test_command_names(self):
        self.assertEqual(len(self.commands), 10, self.commands)
        self.assertEqual(self.complete(''), self.commands)
        self.assertEqual(sorted(self.complete('d')), ['demo', 'dump'])
        self.assertEqual(self.complete('wa'), ['watch'])
        self.assertEqual(sorted(self.complete('-')), ['--help', '--version'])
        self.assertEqual(self.complete('nothing-like-a-command '), [])

    def test_options_of_dump(self):
        offered, longs = help_options('dump')
        self.assertIn('--format=', offered)
        self.assertIn('-f', offered)
        self.assertEqual(sorted(self.complete('dump -')), sorted(offered))
        self.assertEqual(sorted(self.complete('dump /x --')),
                         sorted(o for o in offered if o.startswith('--')))
        self.assertEqual(self.complete('dump --fo'), ['--format='])
        self.assertEqual(self.complete('dump --json'), [], 'dump has no --json')

    def test_options_of_every_command(self):
        for command in self.commands:
            with self.subTest(command=command):
                offered, longs = help_options(command)
                self.assertIn('--help', offered)
                self.assertEqual(sorted(self.complete(command + ' -')), sorted(offered))

    def test_pattern_values(self):
        patterns = accepted_values(['write', '/shmlens-test-none'], '--pattern')
        self.assertIn('seqlock', patterns)
        self.assertEqual(self.complete('write /x --pattern='), patterns)
        self.assertEqual(sorted(self.complete('write /x --pattern=r')),
                         sorted(p for p in patterns if p.startswith('r')))
        self.assertEqual(sorted(self.complete('write /x -p r')),
                         sorted(p for p in patterns if p.startswith('r')))
        self.assertEqual(sorted(self.complete('write /x --pattern r')),
                         sorted(p for p in patterns if p.startswith('r')))

    def test_enumerations_are_what_the_cli_accepts(self):
        for command, option, args in ENUMERATIONS:
            with self.subTest(command=command, option=option):
                self.assertIn(option, help_options(command)[1])
                values = accepted_values(args, option)
                self.assertGreaterEqual(len(values), 2, values)
                self.assertEqual(self.complete('%s %s=' % (command, option)), values)
        self.assertEqual(self.complete('list --kind=posix,s'), ['posix,sysv'])
        self.assertEqual(self.complete('list -k m'), ['memfd'])

    def test_demo_names(self):
        listed = [line.split()[0] for line in run_cli('demo', '--list').out.splitlines()
                  if line.strip()]
        self.assertIn('race', listed)
        self.assertEqual(self.complete('demo '), listed)
        self.assertEqual(sorted(self.complete('demo r')),
                         sorted(d for d in listed if d.startswith('r')))
        self.assertEqual(self.complete('demo race '), [], 'demo takes one name')
        self.assertEqual(self.complete('demo race --sync='),
                         accepted_values(['demo', 'race'], '--sync'))

    def test_posix_segment_reference(self):
        with PosixSegment(size=4096, tag='completion') as segment:
            prefix = segment.ref[:-4]
            self.assertIn(segment.ref, self.complete('info ' + prefix))
            self.assertIn(segment.ref, self.complete('dump --format=xxd ' + prefix))
            self.assertIn(segment.ref, self.complete('watch ' + prefix))
            self.assertIn(segment.ref, self.complete('remove /shmlens-test-none ' + prefix))
            self.assertIn(segment.ref, self.complete('info '))
            # posix:NAME, after the ":" bash split at.
            self.assertIn(segment.name.decode(),
                          self.complete('info posix:' + segment.name.decode()[:-4]))
            self.assertEqual(self.complete('info /shmlens-test-none ' + prefix), [],
                             'info takes one reference')
            self.assertEqual(self.complete('create ' + prefix), [], 'create names a new one')
        self.assertNotIn(segment.ref, self.complete('info ' + prefix), 'removed')

    def test_hostile_name_comes_back_as_its_reference(self):
        # A name the shell would split or unescape: offered quoted, and it reads back
        # as the reference shmlens-cli printed.
        name = b'shmlens-test-completion %d a\\b' % os.getpid()
        with PosixSegment(size=16, name=name) as segment:
            offered = self.complete('info /shmlens-test-completion\\ %d' % os.getpid())
            self.assertEqual(len(offered), 1, offered)
            status = subprocess.run([self.bash, '--norc', '-c', 'eval "set -- $1"; printf %s "$1"',
                                     'bash', offered[0]], stdout=subprocess.PIPE, check=True)
            self.assertEqual(status.stdout.decode(), segment.ref)
            result = run_cli('info', status.stdout.decode())
            self.assertEqual(result.returncode, 0, result.describe())

    def test_sysv_segment_reference(self):
        with SysvSegment(size=4096) as segment:
            # "sysv:" arrives as "sysv" ":": the candidates are what follows the ":".
            self.assertIn(str(segment.shmid), self.complete('info sysv:'))
            self.assertIn(segment.ref, self.complete('info s'))

    def test_headers_and_types(self):
        with tempfile.TemporaryDirectory(prefix='shmlens-test-completion-') as directory:
            for name in ('record.h', 'notes.txt'):
                with open(os.path.join(directory, name), 'w') as f:
                    f.write('struct record { int a; };\nunion other { int b; };\n')
            os.mkdir(os.path.join(directory, 'include'))
            offered = sorted(self.complete('layout ', cwd=directory))
            self.assertEqual(offered, ['-', 'include', 'record.h'])
            self.assertEqual(sorted(self.complete('show /x --layout=', cwd=directory)),
                             ['include', 'record.h'])
            self.assertEqual(sorted(self.complete('watch /x -L r', cwd=directory)), ['record.h'])
            self.assertEqual(sorted(self.complete('show /x --layout=record.h --type=',
                                                  cwd=directory)),
                             ['struct\\ record', 'union\\ other'])
            self.assertEqual(self.complete('layout record.h -t u', cwd=directory),
                             ['union\\ other'])

    def test_file_references(self):
        with tempfile.TemporaryDirectory(prefix='shmlens-test-completion-') as directory:
            with open(os.path.join(directory, 'plain.bin'), 'wb') as f:
                f.write(b'\0' * 16)
            self.assertEqual(self.complete('dump ./pl', cwd=directory), ['./plain.bin'])
            self.assertEqual(self.complete('dump file:pl', cwd=directory), ['plain.bin'])
            self.assertEqual(self.complete('dump fi', cwd=directory), ['file:'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
