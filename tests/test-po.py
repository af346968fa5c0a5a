# SPDX-License-Identifier: GPL-3.0-or-later
"""test-po.py: the translations are complete, valid and made from today's sources.

For each language in po/LINGUAS: msgfmt -c finds nothing wrong (formats, plural
forms, the header, one accelerator where the English has one); no message is
untranslated or fuzzy; the catalogue has exactly the messages the sources have now,
extracted here with the same xgettext arguments as the build (po/meson.build) — a
message added, changed or removed in the sources without `ninja shmlens-update-po`
and a translation fails the test. And po/POTFILES.in is sorted, names files that
exist, and names every file with a translatable message.

usage: test-po.py SOURCE_ROOT XGETTEXT_ARG…
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shmlens_testlib import read_linguas, read_po  # noqa: E402

failures = []


def fail(message):
    failures.append(message)
    print('FAIL: ' + message, flush=True)


def check_potfiles(root):
    path = os.path.join(root, 'po', 'POTFILES.in')
    listed = [line.strip() for line in open(path, encoding='utf-8')
              if line.strip() and not line.startswith('#')]
    if listed != sorted(listed):
        fail('po/POTFILES.in is not sorted')
    if len(set(listed)) != len(listed):
        fail('po/POTFILES.in lists a file twice')
    for name in listed:
        if not os.path.isfile(os.path.join(root, name)):
            fail('po/POTFILES.in lists %s, which does not exist' % name)

    marked = re.compile(r'(?<![A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext|g_dpgettext2)\s*\(')
    wanted = set()
    for top in ('src', 'ui', 'data'):
        for directory, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                full = os.path.join(directory, name)
                relative = os.path.relpath(full, root)
                if name.endswith('.c'):
                    text = open(full, encoding='utf-8').read()
                    # the macros' own definitions are not messages
                    if marked.search(re.sub(r'#\s*define[^\n]*', '', text)):
                        wanted.add(relative)
                elif name.endswith('.ui'):
                    if 'translatable="yes"' in open(full, encoding='utf-8').read():
                        wanted.add(relative)
                elif name.endswith(('.desktop.in', '.metainfo.xml.in', '.gschema.xml')):
                    wanted.add(relative)
    for name in sorted(wanted - set(listed)):
        fail('po/POTFILES.in does not list %s, which has translatable messages' % name)
    print('POTFILES.in: %d files, sorted, all there; %d files with messages checked'
          % (len(listed), len(wanted)))


def fresh_template(root, args, directory):
    output = os.path.join(directory, 'shmlens.pot')
    subprocess.run(['xgettext', '--package-name=shmlens', '--directory=' + root,
                    '--files-from=' + os.path.join(root, 'po', 'POTFILES.in'),
                    '--output=' + output] + args,
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return {e.key for e in read_po(output) if e.msgid != '' and not e.obsolete}


def check_language(root, language, template):
    path = os.path.join(root, 'po', language + '.po')
    if not os.path.isfile(path):
        fail('po/LINGUAS lists %s, but po/%s.po does not exist' % (language, language))
        return

    result = subprocess.run(['msgfmt', '--check', '--check-accelerators=_', '--statistics',
                             '--output-file=/dev/null', path],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=dict(os.environ, LC_ALL='C'))
    report = result.stdout.decode(errors='replace').strip()
    lines = report.splitlines()
    if result.returncode != 0 or len(lines) != 1 or \
            not re.fullmatch(r'\d+ translated messages?\.', lines[-1]):
        fail('msgfmt on po/%s.po: %s' % (language, report))

    entries = [e for e in read_po(path) if e.msgid != '' and not e.obsolete]
    untranslated = [e for e in entries if not e.translated]
    fuzzy = [e for e in entries if e.fuzzy]
    for what, found in (('untranslated', untranslated), ('fuzzy', fuzzy)):
        if found:
            fail('po/%s.po: %d %s message(s), the first at line %d: %r'
                 % (language, len(found), what, found[0].line, found[0].msgid))

    have = {e.key for e in entries}
    missing = template - have
    stale = have - template
    if missing:
        fail('po/%s.po lacks %d message(s) the sources have, e.g. %r: run '
             '`ninja -C _build shmlens-update-po` and translate them'
             % (language, len(missing), sorted(missing, key=str)[0][1]))
    if stale:
        fail('po/%s.po has %d message(s) the sources no longer have, e.g. %r: run '
             '`ninja -C _build shmlens-update-po`'
             % (language, len(stale), sorted(stale, key=str)[0][1]))
    print('%s: %d messages, %d translated, none fuzzy, same as the sources%s'
          % (language, len(entries), len(entries) - len(untranslated),
             '' if not (missing or stale) else ' (NOT)'))


def main():
    root = sys.argv[1]
    args = sys.argv[2:]
    check_potfiles(root)

    languages = read_linguas(os.path.join(root, 'po'))
    if languages != sorted(languages):
        fail('po/LINGUAS is not sorted')
    catalogues = sorted(n[:-3] for n in os.listdir(os.path.join(root, 'po')) if n.endswith('.po'))
    for name in catalogues:
        if name not in languages:
            fail('po/%s.po is not in po/LINGUAS, so it is neither built nor installed' % name)
    # The languages the project promises (issue 6).
    for promised in ('de', 'ru', 'zh_TW'):
        if promised not in languages:
            fail('po/LINGUAS lacks %s' % promised)

    with tempfile.TemporaryDirectory(prefix='shmlens-po-') as directory:
        template = fresh_template(root, args, directory)
    print('the sources have %d messages' % len(template))
    if len(template) < 500:
        fail('only %d messages extracted: xgettext found too little' % len(template))
    for language in languages:
        check_language(root, language, template)

    if failures:
        print('%d problem(s)' % len(failures))
        return 1
    print('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
