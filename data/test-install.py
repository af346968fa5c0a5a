#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# test-install.py: `meson install --destdir` into a temporary directory installs
# exactly the files a desktop, a package and a shell expect, no more and no fewer.
#
# Usage: test-install.py BUILDDIR APP_ID PREFIX BINDIR DATADIR MANDIR LOCALEDIR
#                        BASH_COMPLETION_DIR PO_SRCDIR
# Directories are as Meson resolves them (absolute, or relative to PREFIX).

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def main():
    (builddir, app_id, prefix, bindir, datadir, mandir, localedir,
     completion_dir, po_srcdir) = sys.argv[1:]

    def under_prefix(d, *parts):
        # The install tree is DESTDIR + PREFIX + …; a path relative to the
        # destdir root has no leading slash.
        return os.path.join(prefix, d, *parts).lstrip('/')

    expected = {
        under_prefix(bindir, 'shmlens'),
        under_prefix(bindir, 'shmlens-cli'),
        under_prefix(datadir, 'applications', app_id + '.desktop'),
        under_prefix(datadir, 'metainfo', app_id + '.metainfo.xml'),
        under_prefix(datadir, 'icons', 'hicolor', 'scalable', 'apps', app_id + '.svg'),
        under_prefix(datadir, 'icons', 'hicolor', 'symbolic', 'apps', app_id + '-symbolic.svg'),
        # One schema id whatever the profile (config.h's SCHEMA_ID).
        under_prefix(datadir, 'glib-2.0', 'schemas', 'io.github.shmlens.Shmlens.gschema.xml'),
        under_prefix(mandir, 'man1', 'shmlens.1'),
        under_prefix(mandir, 'man1', 'shmlens-cli.1'),
        under_prefix(completion_dir, 'shmlens-cli'),
    }
    # Translations: one catalogue per language in LINGUAS.
    languages = []
    with open(os.path.join(po_srcdir, 'LINGUAS'), encoding='utf-8') as f:
        for line in f:
            languages += line.split('#', 1)[0].split()
    for lang in languages:
        expected.add(under_prefix(localedir, lang, 'LC_MESSAGES', 'shmlens.mo'))

    with tempfile.TemporaryDirectory(prefix='shmlens-install-') as destdir:
        # Without --no-rebuild: meson test builds only the tests' own dependencies,
        # and this test needs everything that is installed to be current.
        result = subprocess.run(['meson', 'install', '-C', builddir, '--destdir', destdir, '--quiet'],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            sys.exit('meson install failed (%d):\n%s' % (result.returncode, result.stdout))

        installed = set()
        for root, _dirs, files in os.walk(destdir):
            for name in files:
                installed.add(os.path.relpath(os.path.join(root, name), destdir))

        failures = []
        for path in sorted(expected - installed):
            failures.append('not installed: ' + path)
        for path in sorted(installed - expected):
            failures.append('installed but not expected (add it to data/test-install.py '
                            'if it belongs): ' + path)

        def installed_path(*parts):
            return os.path.join(destdir, under_prefix(*parts))

        for name in ('shmlens', 'shmlens-cli'):
            path = installed_path(bindir, name)
            if os.path.exists(path) and not os.access(path, os.X_OK):
                failures.append('not executable: ' + path)

        # Configured files carry the application id, and no placeholder is left.
        for parts, needle in (((datadir, 'applications', app_id + '.desktop'), 'Icon=%s\n' % app_id),
                              ((datadir, 'metainfo', app_id + '.metainfo.xml'),
                               '<launchable type="desktop-id">%s.desktop</launchable>' % app_id)):
            path = installed_path(*parts)
            if not os.path.exists(path):
                continue
            with open(path, encoding='utf-8') as f:
                text = f.read()
            if needle not in text:
                failures.append('%s lacks %r' % (path, needle.strip()))
            if '@APP_ID@' in text:
                failures.append('%s still holds @APP_ID@' % path)

        # The desktop file and the metainfo carry every language's translation
        # (i18n.merge_file).
        for parts, marker in (((datadir, 'applications', app_id + '.desktop'), 'Comment[%s]='),
                              ((datadir, 'metainfo', app_id + '.metainfo.xml'), 'xml:lang="%s"')):
            path = installed_path(*parts)
            if not os.path.exists(path):
                continue
            with open(path, encoding='utf-8') as f:
                text = f.read()
            for lang in languages:
                if marker % lang not in text:
                    failures.append('%s has no %s translation (%r)' % (path, lang, marker % lang))

        # Icons are SVG documents of the sizes their folders promise.
        for parts, view_box in (((datadir, 'icons', 'hicolor', 'scalable', 'apps', app_id + '.svg'), '0 0 128 128'),
                                ((datadir, 'icons', 'hicolor', 'symbolic', 'apps', app_id + '-symbolic.svg'), '0 0 16 16')):
            path = installed_path(*parts)
            if not os.path.exists(path):
                continue
            root = ET.parse(path).getroot()
            if root.tag != '{http://www.w3.org/2000/svg}svg' or root.get('viewBox') != view_box:
                failures.append('%s: not an SVG with viewBox %r' % (path, view_box))

        if failures:
            print('\n'.join(failures))
            print('\ninstalled:\n  ' + '\n  '.join(sorted(installed)))
            sys.exit(1)
        print('%d files installed, as expected' % len(installed))


if __name__ == '__main__':
    main()
