# SPDX-License-Identifier: GPL-3.0-or-later
"""test-cli-layout: `shmlens-cli layout` on the headers under data/layouts and on broken
ones: pahole-like text, JSON, the type chosen, standard input, errors and exit statuses.

The offsets themselves are checked against the compiler by test-layout-gcc.py; here the
numbers are those gcc gives for data/layouts, so that the output is checked whole."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from shmlens_testlib import cli_path, nested_header, run_cli  # noqa: E402

SOURCE_DIR = os.environ.get('G_TEST_SRCDIR', os.path.dirname(os.path.abspath(__file__)))
LAYOUTS = os.path.join(os.path.dirname(SOURCE_DIR), 'data', 'layouts')


def layout_path(name):
    return os.path.join(LAYOUTS, name)


def run_stdin(text, *args):
    """`shmlens-cli layout - ARGS` with TEXT on standard input."""
    proc = subprocess.run([cli_path(), 'layout', '-'] + list(args), input=text.encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    return proc


class LayoutTestCase(unittest.TestCase):

    def ok(self, *args):
        result = run_cli('layout', *args)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual(result.stderr, b'', result.describe())
        return result

    def fails(self, status, message, *args):
        result = run_cli('layout', *args)
        self.assertEqual(result.returncode, status, result.describe())
        self.assertEqual(result.stdout, b'', result.describe())
        self.assertEqual(result.err.splitlines()[0], 'shmlens-cli: ' + message, result.describe())
        return result


class Text(LayoutTestCase):

    def test_pahole_like_lines(self):
        out = self.ok(layout_path('proctable.h')).out
        lines = out.splitlines()
        # the last struct the header defines
        self.assertEqual(lines[0], 'struct proctable {')
        self.assertEqual(lines[-1], '};')
        expected = [
            '\tuint32_t                  magic;                /*     0     4 */',
            '\tpthread_mutex_t           lock;                 /*     8    40 */',
            '\tstruct client {',
            '\t\tpid_t                     pid;                  /*    56     4 */',
            '\t\tclient_state_t            state;                /*    64     4 */',
            '\t\t\tunsigned int              can_write:1;          /*    68: 0   4 */',
            '\t\t\tint                       nice:5;               /*    72: 3   4 */',
            '\t\tvolatile uint64_t         heartbeat;            /*   160     8 */',
            '\t} clients[16];                                  /*    56  2560 */',
            '\t/* size: 2616, alignment: 8, cachelines: 41, members: 7 */',
            '\t/* last cacheline: 56 bytes */',
        ]
        for line in expected:
            self.assertIn(line, lines, out)
        # a hole inside each client, with the blank lines pahole puts around it
        self.assertIn('\n\n\t\t/* XXX 4 bytes hole, try to pack */\n\n', out)
        # padding at the end of a nested struct
        self.assertIn('\t\t\t/* XXX 3 bytes padding */\n', out)

    def test_holes_padding_and_summary(self):
        header = ('struct h {\n  char a;\n  int b;\n  char c;\n  unsigned flag : 1;\n'
                  '  unsigned : 0;\n  short tail;\n};\n')
        with tempfile.NamedTemporaryFile('w', suffix='.h') as f:
            f.write(header)
            f.flush()
            out = self.ok(f.name).out
        self.assertEqual(out, (
            'struct h {\n'
            '\tchar                      a;                    /*     0     1 */\n'
            '\n'
            '\t/* XXX 3 bytes hole, try to pack */\n'
            '\n'
            '\tint                       b;                    /*     4     4 */\n'
            '\tchar                      c;                    /*     8     1 */\n'
            '\tunsigned int              flag:1;               /*     9: 0   4 */\n'
            '\n'
            '\t/* XXX 7 bits hole, try to pack */\n'
            '\t/* XXX 2 bytes hole, try to pack */\n'
            '\n'
            '\tunsigned int              :0;                   /*    12: 0   4 */\n'
            '\tshort                     tail;                 /*    12     2 */\n'
            '\t/* size: 16, alignment: 4, cachelines: 1, members: 6 */\n'
            '\t/* holes: 2, sum holes: 5 bytes 7 bits */\n'
            '\t/* padding: 2 bytes */\n'
            '};\n'))

    def test_typedefs_enums_and_scalars(self):
        path = layout_path('proctable.h')
        out = self.ok(path, '--type', 'client_state_t').out
        self.assertEqual(out, 'typedef enum {\n\tCLIENT_FREE = 0,\n\tCLIENT_STARTING = 1,\n'
                              '\tCLIENT_RUNNING = 2,\n\tCLIENT_STOPPING = 3,\n\tCLIENT_CRASHED = 128\n'
                              '} client_state_t; /* size: 4, alignment: 4, unsigned */\n')
        out = run_stdin('enum level { LOW = -1, HIGH };\n', '--type', 'level').stdout.decode()
        self.assertEqual(out, 'enum level {\n\tLOW = -1,\n\tHIGH = 0\n'
                              '}; /* size: 4, alignment: 4, signed */\n')
        out = self.ok(path, '--type=uint64_t').out
        self.assertEqual(out, 'uint64_t /* size: 8, alignment: 8 */\n')
        out = run_stdin('typedef struct tagged { char c; double d; } tagged_t;\n',
                        '--type', 'tagged_t').stdout.decode()
        self.assertTrue(out.startswith('typedef struct tagged {\n'), out)
        self.assertTrue(out.endswith('} tagged_t;\n'), out)

    def test_every_header_has_a_default_struct(self):
        for name, first in (('telemetry.h', 'struct telemetry_block {'),
                            ('ringbuffer.h', 'struct ring_buffer {'),
                            ('proctable.h', 'struct proctable {')):
            with self.subTest(header=name):
                self.assertEqual(self.ok(layout_path(name)).out.splitlines()[0], first)

    def test_all(self):
        out = self.ok(layout_path('ringbuffer.h'), '--all').out
        heads = [line for line in out.splitlines() if line and not line[0].isspace()
                 and line.endswith('{')]
        self.assertEqual(heads, ['enum ring_level {', 'struct ring_record_header {',
                                 'struct ring_record {', 'struct ring_cursor {',
                                 'struct ring_buffer {'])
        self.assertEqual(out.count('\n\n'), 4 + out.count('\n\n\t'))  # blocks apart

    def test_standard_input(self):
        with open(layout_path('telemetry.h'), 'rb') as f:
            text = f.read()
        from_file = self.ok(layout_path('telemetry.h'), '--json').stdout
        proc = subprocess.run([cli_path(), 'layout', '-', '--json'], input=text,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, from_file)


class LargeOutput(LayoutTestCase):
    """Large layouts are printed in pieces of about 64 KiB as they are made (a struct
    of 4 million fields is 1.9 GB of JSON); no piece may be lost, doubled or cut.
    16,384 ints are 1.4 MB of JSON and 0.4 MB of text, both many pieces."""

    LEVELS = 6

    def leaves(self, field):
        if 'fields' not in field:
            yield field
        for inner in field.get('fields', ()):
            yield from self.leaves(inner)

    def test_json_and_text_agree_field_by_field(self):
        n = 4 ** (self.LEVELS + 1)
        proc = run_stdin(nested_header(self.LEVELS), '--json')
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertGreater(len(proc.stdout), 16 * 64 * 1024)
        self.assertTrue(proc.stdout.endswith(b'}\n'))
        doc = json.loads(proc.stdout)
        self.assertEqual(doc['size'], 4 * n)
        leaves = [(f['name'], f['offset'], f['size']) for f in self.leaves(doc)]
        self.assertEqual(leaves, [('abcd'[i % 4], 4 * i, 4) for i in range(n)])

        proc = run_stdin(nested_header(self.LEVELS))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertGreater(len(proc.stdout), 4 * 64 * 1024)
        lines = proc.stdout.decode().split('\n')
        self.assertEqual(lines[-1], '')
        ints = [line for line in lines if line.lstrip('\t').startswith('int ')]
        self.assertEqual([(line.split()[1].rstrip(';'), int(line.split()[3]), int(line.split()[4]))
                          for line in ints], leaves)
        # every struct opens and closes, and the outermost one has its summary
        inner_structs = sum(4 ** k for k in range(1, self.LEVELS + 1))
        self.assertEqual(sum(line.rstrip().endswith('{') for line in lines), 1 + inner_structs)
        self.assertEqual(sum(line.lstrip('\t').startswith('} ') for line in lines), inner_structs)
        self.assertEqual(lines[-3:], ['\t/* size: %d, alignment: 4, cachelines: %d, members: 4 */'
                                      % (4 * n, 4 * n // 64), '};', ''])


class Json(LayoutTestCase):

    def test_document(self):
        doc = self.ok(layout_path('telemetry.h'), '--json').json()
        self.assertEqual(doc['type'], 'struct telemetry_block')
        self.assertEqual(doc['kind'], 'struct')
        self.assertEqual(doc['size'], 1568)
        self.assertEqual(doc['align'], 8)
        self.assertFalse(doc['packed'])
        names = [f['name'] for f in doc['fields']]
        self.assertEqual(names, ['magic', 'version', 'sequence', 'reserved', 'writer_pid',
                                 'running', 'n_sensors', 'started', 'updated', 'stats',
                                 'sensors'])
        fields = {f['name']: f for f in doc['fields']}
        self.assertEqual(fields['sequence'], {'name': 'sequence', 'type': 'volatile uint64_t',
                                              'offset': 8, 'size': 8, 'align': 8})
        self.assertEqual(fields['reserved']['count'], 48)
        self.assertEqual(fields['reserved']['dimensions'], [48])
        self.assertEqual(fields['reserved']['type'], 'uint8_t[48]')

        sensors = fields['sensors']
        self.assertEqual((sensors['type'], sensors['offset'], sensors['size'], sensors['count']),
                         ('struct sensor[12]', 128, 1440, 12))
        self.assertEqual(sensors['kind'], 'struct')
        sensor = {f['name']: f for f in sensors['fields']}
        # nested offsets count from the start of the outermost struct (first element)
        self.assertEqual(sensor['name']['offset'], 128)
        self.assertEqual(sensor['kind']['type'], 'enum sensor_kind')
        last = {f['name']: f for f in sensor['last']['fields']}
        self.assertEqual(last['taken']['type'], 'struct timespec')
        self.assertEqual(last['taken']['offset'], 184)
        anonymous = [f for f in sensor['last']['fields'] if f['name'] is None]
        self.assertEqual(anonymous[0]['kind'], 'union')
        self.assertEqual([f['name'] for f in anonymous[0]['fields']], ['raw', 'value'])
        self.assertEqual(last['gain'], {'name': 'gain', 'type': 'uint16_t', 'offset': 204,
                                        'size': 2, 'align': 2, 'bit_offset': 4, 'bit_width': 4})
        unnamed = [f for f in sensor['last']['fields'] if f['name'] is None and 'bit_width' in f]
        self.assertEqual([(f['bit_offset'], f['bit_width']) for f in unnamed], [(2, 2)])

    def test_multidimensional_flexible_and_enum(self):
        text = ('enum e { NEG = -5, BIG = 0x7fffffffffffffff, };\n'
                'struct s { short m[2][3]; enum e e; char tail[]; };\n')
        proc = run_stdin(text, '--all', '--json')
        self.assertEqual(proc.returncode, 0, proc.stderr)
        enum, struct = json.loads(proc.stdout)
        self.assertEqual(enum, {'type': 'enum e', 'kind': 'enum', 'size': 8, 'align': 8,
                                'signed': True, 'enumerators': [
                                    {'name': 'NEG', 'value': -5},
                                    {'name': 'BIG', 'value': '9223372036854775807'}],
                                'fields': []})
        fields = {f['name']: f for f in struct['fields']}
        self.assertEqual(fields['m']['count'], 2)
        self.assertEqual(fields['m']['dimensions'], [2, 3])
        self.assertEqual(fields['m']['type'], 'short[2][3]')
        self.assertEqual(fields['tail'], {'name': 'tail', 'type': 'char[]', 'offset': 24,
                                          'size': 0, 'align': 1, 'count': 0, 'flexible': True,
                                          'dimensions': [0]})
        self.assertEqual(struct['size'], 24)

    def test_all_is_an_array_in_declaration_order(self):
        doc = self.ok(layout_path('proctable.h'), '--all', '--json').json()
        self.assertEqual([d['type'] for d in doc], ['client_state_t', 'struct client_permissions',
                                                    'struct client', 'struct proctable'])


class Errors(LayoutTestCase):

    def test_syntax_error_names_file_line_and_column(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'broken.h')
            with open(path, 'w') as f:
                f.write('#include <stdint.h>\nstruct s {\n    uint32_t a\n};\n')
            self.fails(1, '%s:4:1: expected “;” after the member declaration, found “}”' % path,
                       path)

    def test_unknown_include_is_named(self):
        proc = run_stdin('#include "shared/common.h"\nstruct s { int a; };\n')
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stderr.decode().splitlines()[0],
                         'shmlens-cli: <stdin>:1:10: cannot include “shared/common.h”: Shmlens '
                         'reads one header by itself; paste the declarations this file needs '
                         'from “shared/common.h” into it')

    def test_unreadable_files(self):
        with tempfile.TemporaryDirectory() as directory:
            missing = os.path.join(directory, 'missing.h')
            self.fails(1, 'Cannot read %s: No such file or directory' % missing, missing)
            self.fails(1, 'Cannot read %s: it is a directory; name a header file' % directory,
                       directory)
            if os.geteuid() != 0:
                secret = os.path.join(directory, 'secret.h')
                with open(secret, 'w') as f:
                    f.write('struct s { int a; };\n')
                os.chmod(secret, 0)
                self.fails(1, 'Cannot read %s: Permission denied' % secret, secret)

    def test_hostile_file_name_is_escaped(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'evil\n\x1b[31mname.h')
            with open(path, 'w') as f:
                f.write('struct s { int a }\n')
            result = run_cli('layout', path)
            self.assertEqual(result.returncode, 1)
            self.assertIn('evil\\n\\x1b[31mname.h:1:18: expected', result.err)
            self.assertEqual(result.err.count('\n'), 1, result.describe())

    def test_types_without_layout(self):
        proc = run_stdin('struct fwd;\ntypedef void handler (int);\nstruct s { int a; };\n',
                         '--type', 'struct fwd')
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stderr.decode(), 'shmlens-cli: “struct fwd” has no layout: <stdin> '
                                               'declares it but does not define it\n')
        proc = run_stdin('typedef void handler (int);\n', '--type', 'handler')
        self.assertEqual(proc.stderr.decode(), 'shmlens-cli: “handler” has no layout: it is a '
                                               'function type\n')
        proc = run_stdin('enum e { A };\n')
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stderr.decode(), 'shmlens-cli: <stdin> defines no struct or union\n')

    def test_unknown_type_lists_the_header_s_types(self):
        self.fails(1, '%s declares no type “struct nothere”; it declares client_state_t, '
                      'struct client_permissions, struct client, struct proctable'
                   % layout_path('proctable.h'), layout_path('proctable.h'),
                   '--type', 'struct nothere')

    def test_usage_errors(self):
        for args, message in (((), 'a header is needed: FILE.h, or - for the standard input'),
                              (('a.h', 'b.h'), 'only one header can be given'),
                              (('--all', '--type=x', 'a.h'),
                               '--all and --type cannot be used together')):
            with self.subTest(args=args):
                result = self.fails(2, message, *args)
                self.assertIn('Run “shmlens-cli layout --help” for usage.', result.err)
        result = run_cli('layout', '--frobnicate', 'a.h')
        self.assertEqual(result.returncode, 2, result.describe())

    def test_help(self):
        result = self.ok('--help')
        for option in ('--type', '--json', '--all', 'FILE.h'):
            self.assertIn(option, result.out)
        self.assertIn('layout', run_cli('--help').out)


if __name__ == '__main__':
    unittest.main(verbosity=2)
