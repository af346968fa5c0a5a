# SPDX-License-Identifier: GPL-3.0-or-later
"""test-cli-i18n.py: shmlens-cli speaks the reader's language.

For each language in po/LINGUAS, with LANG=C.UTF-8 and LANGUAGE=LANG (glibc ignores
LANGUAGE when the locale is plain "C", so a test run in C would pass without testing
anything; the first check proves that), the CLI prints in that language: its own
help, a GOption description, and an error the library makes. The expected texts come
from the .po files, and each must differ from the English. The catalogues are the
ones the build compiled (SHMLENS_LOCALEDIR, set by tests/meson.build).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shmlens_testlib import po_translation, read_linguas, run_cli  # noqa: E402

SRCDIR = os.environ.get('G_TEST_SRCDIR', os.path.dirname(os.path.abspath(__file__)))
PO_DIR = os.path.join(SRCDIR, '..', 'po')

HELP = "Inspect shared memory, read-only."
OPTION = "Start at byte N (like hexdump -s and xxd -s); 0x and K, M, G suffixes work"
MISSING = "No POSIX segment /%s: %s/%s does not exist. Run “shmlens-cli list” to see the segments."
MISSING_NAME = 'shmlens-test-no-such-segment-%d' % os.getpid()

failures = []


def check(condition, message):
    print(('ok: ' if condition else 'FAIL: ') + message, flush=True)
    if not condition:
        failures.append(message)


def environment(locale, language):
    env = {k: v for k, v in os.environ.items() if not k.startswith('LC_') and k != 'LANGUAGE'}
    env['LANG'] = locale
    if language is not None:
        env['LANGUAGE'] = language
    return env


def outputs(env):
    help_text = run_cli('--help', env=env)
    dump_help = run_cli('dump', '--help', env=env)
    missing = run_cli('info', '/' + MISSING_NAME, env=env)
    return (help_text.stdout.decode(), dump_help.stdout.decode(),
            missing.stderr.decode(), missing.returncode)


def main():
    if not os.environ.get('SHMLENS_LOCALEDIR'):
        print('FAIL: SHMLENS_LOCALEDIR is not set: run through meson test')
        return 1
    languages = read_linguas(PO_DIR)
    check(len(languages) >= 3, 'po/LINGUAS names %d languages' % len(languages))

    english_missing = MISSING % (MISSING_NAME, '/dev/shm', MISSING_NAME)
    help_c, dump_c, missing_c, status_c = outputs(environment('C.UTF-8', None))
    check(HELP in help_c and OPTION in dump_c and english_missing in missing_c,
          'in C.UTF-8 without LANGUAGE the CLI speaks English')

    for language in languages:
        po = os.path.join(PO_DIR, language + '.po')
        help_tr = po_translation(po, HELP)
        option_tr = po_translation(po, OPTION)
        missing_tr = po_translation(po, MISSING) % (MISSING_NAME, '/dev/shm', MISSING_NAME)
        for english, translated in ((HELP, help_tr), (OPTION, option_tr),
                                    (english_missing, missing_tr)):
            check(english != translated, '%s: %r is translated' % (language, english[:40]))

        # the premise: in plain C, LANGUAGE is ignored
        help_plain, _, _, _ = outputs(environment('C', language))
        check(HELP in help_plain and help_tr not in help_plain,
              '%s: with LANG=C, LANGUAGE=%s is ignored (English)' % (language, language))

        help_text, dump_help, missing, status = outputs(environment('C.UTF-8', language))
        check(help_tr in help_text and HELP not in help_text,
              '%s: `shmlens-cli --help` says %r' % (language, help_tr))
        check(option_tr in dump_help, '%s: `dump --help` describes --offset as %r'
              % (language, option_tr))
        check(missing_tr in missing and status == status_c,
              '%s: the library\'s error for a missing segment is %r (exit %d)'
              % (language, missing_tr, status))

    if failures:
        print('%d check(s) failed' % len(failures))
        return 1
    print('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
