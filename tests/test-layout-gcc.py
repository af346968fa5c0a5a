# SPDX-License-Identifier: GPL-3.0-or-later
"""test-layout-gcc: the layout engine against the system C compiler.

A generator writes random but valid C declarations — nested structs and unions,
anonymous members, arrays of one to three dimensions (zero-length ones too), flexible
array members, bit-fields (unnamed and zero-width ones too), enums with values of every
size, typedefs (some with a lowered or raised alignment), packed and aligned structs
and members, _Alignas, #pragma pack, _Atomic, and sizes that are #define'd constant
expressions. The compiler builds a program that prints offsetof, sizeof and _Alignof
of every member (a bit-field's position comes from setting it in a zeroed object and
finding its bits) and the value of every enumerator; `shmlens-cli layout --all --json`
must say the same, member for member.

Every header under data/layouts is checked the same way, from the members the engine
reports (a member it invented would not compile).

Environment: SHMLENS_LAYOUT_SEED reproduces a run (the seed is printed),
SHMLENS_LAYOUT_CASES sets the number of generated cases (default 600), CC the compiler.
"""

import concurrent.futures
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from shmlens_testlib import cli_path  # noqa: E402

SOURCE_DIR = os.environ.get('G_TEST_SRCDIR', os.path.dirname(os.path.abspath(__file__)))
LAYOUTS_DIR = os.path.join(os.path.dirname(SOURCE_DIR), 'data', 'layouts')
CASES_PER_BATCH = 100

INCLUDES = '''#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <sys/types.h>
#include <stdatomic.h>
#include <uchar.h>
#include <pthread.h>
#include <semaphore.h>
'''


def compiler():
    """The compiler's command: meson's (CC, maybe "ccache cc"), else cc on PATH."""
    if os.environ.get('CC'):
        return shlex.split(os.environ['CC'])
    found = shutil.which('cc') or shutil.which('gcc')
    return [found] if found else None


# ---------------------------------------------------------------------------
# The model of what was generated: enough to name every member, not to lay it out
# ---------------------------------------------------------------------------

class Scalar:
    """A type spelled by a declaration pattern: "int {}", "void (*{})(int)"."""

    def __init__(self, pattern, size=None, bits=None, atomic_ok=True):
        self.pattern = pattern
        self.size = size          # bytes, when known (for arrays of aligned typedefs)
        self.bits = bits          # set for integer types usable as bit-fields
        self.atomic_ok = atomic_ok

    def declare(self, name):
        return self.pattern.format(name)


class ArrayType:
    def __init__(self, element, dims, flexible=False):
        self.element = element
        self.dims = dims
        self.flexible = flexible

    def declare(self, name):
        text = ''.join('[]' if d is None else '[%s]' % d for d in self.dims)
        return self.element.declare(name + text)


class RecordType:
    def __init__(self, record):
        self.record = record

    def declare(self, name):
        return '%s %s' % (self.record.cname, name)


class Member:
    def __init__(self, name, type_, width=None, record=None, text=None):
        self.name = name          # None: anonymous record or unnamed bit-field
        self.type = type_
        self.width = width        # bit-fields: the width (an int)
        self.record = record      # the member's own struct or union, defined inline
        self.text = text          # the declaration, with its ";"


class Record:
    def __init__(self, kind, tag):
        self.kind = kind
        self.tag = tag
        self.typedef = None
        self.members = []
        self.flexible = False

    @property
    def cname(self):
        return self.typedef if self.tag is None else '%s %s' % (self.kind, self.tag)


BASE_SCALARS = [
    ('char {}', 1, 8), ('signed char {}', 1, 8), ('unsigned char {}', 1, 8),
    ('short {}', 2, 16), ('unsigned short {}', 2, 16), ('int {}', 4, 32),
    ('unsigned {}', 4, 32), ('long {}', 8, 64), ('unsigned long {}', 8, 64),
    ('long long {}', 8, 64), ('unsigned long long int {}', 8, 64), ('_Bool {}', 1, 1),
    ('bool {}', 1, 1), ('float {}', 4, None), ('double {}', 8, None),
    ('long double {}', 16, None), ('int8_t {}', 1, 8), ('uint8_t {}', 1, 8),
    ('int16_t {}', 2, 16), ('uint16_t {}', 2, 16), ('int32_t {}', 4, 32),
    ('uint32_t {}', 4, 32), ('int64_t {}', 8, 64), ('uint64_t {}', 8, 64),
    ('int_least16_t {}', 2, 16), ('uint_fast32_t {}', 8, 64), ('int_fast8_t {}', 1, 8),
    ('intptr_t {}', 8, 64), ('size_t {}', 8, 64), ('ssize_t {}', 8, 64),
    ('ptrdiff_t {}', 8, 64), ('off_t {}', 8, 64), ('pid_t {}', 4, 32), ('uid_t {}', 4, 32),
    ('gid_t {}', 4, 32), ('time_t {}', 8, 64), ('wchar_t {}', 4, 32),
    ('char16_t {}', 2, 16), ('char32_t {}', 4, 32),
]
OTHER_SCALARS = [
    ('struct timespec {}', 16), ('void *{}', 8), ('char *{}', 8), ('const char *{}', 8),
    ('int (*{})(int, char *)', 8), ('atomic_int {}', 4), ('atomic_ullong {}', 8),
    ('_Atomic short {}', 2), ('_Atomic(long) {}', 8), ('volatile uint32_t {}', 4),
    ('const volatile int {}', 4), ('max_align_t {}', 32), ('pthread_mutex_t {}', 40),
    ('sem_t {}', 32), ('atomic_flag {}', 1), ('uint8_t *const {}', 8),
    ('double (*{})[3]', 8),
]


def array_ok(type_):
    """gcc refuses arrays of a typedef aligned past its size."""
    align = getattr(type_, 'align', None)
    return not (align and type_.size and type_.size % align)


class Case:
    """One generated case: a few enums, typedefs, macros and records whose names all
    start with cN_, so that many cases share one header and one program."""

    def __init__(self, rng, index):
        self.rng = rng
        self.prefix = 'c%d_' % index
        self.macro_prefix = 'C%d_' % index
        self.lines = []
        self.records = []          # every struct and union with a name of its own
        self.enums = []            # (cname, [enumerator names])
        self.scalars = [Scalar(p, s, b) for p, s, b in BASE_SCALARS]
        self.scalars += [Scalar(p, s, atomic_ok=False) for p, s in OTHER_SCALARS]
        self.bitfield_types = [s for s in self.scalars if s.bits]
        self.reusable = []         # records that may be members of later records
        self.macros = []           # (name, value)
        self.plain_macros = set()  # those #if can evaluate
        self.enumerators = []      # (name, value) usable in constant expressions
        self.counter = 0

    def fresh(self, what):
        self.counter += 1
        return '%s%s%d' % (self.prefix, what, self.counter)

    # -- constant expressions ------------------------------------------------

    def expression(self, value):
        """A constant expression worth VALUE, in one of many forms."""
        r = self.rng
        forms = [
            lambda: '%d' % value,
            lambda: '(%d + %d)' % (value - 3, 3),
            lambda: '((%d << 3) >> 3)' % value,
            lambda: '(%d * 7 / 7)' % value,
            lambda: '(%d | 0)' % value,
            lambda: '(1 ? %d : 99)' % value,
            lambda: '(0 ? 99 : %d)' % value,
            lambda: '(sizeof (char [%d]))' % value if value > 0 else '(sizeof (char) - 1)',
            lambda: '((int) (unsigned char) %d)' % (value + 256),
            lambda: '(_Alignof (char) * %d)' % value,
            lambda: '(%du - 0u)' % value,
            lambda: '(%d %% 1000)' % (value + 1000),
            lambda: '((%d ^ 5) ^ 5)' % value,
            lambda: '(-(%d) + %d)' % (2, value + 2),
            lambda: '(!0 * %d)' % value,
            lambda: '(%d > 2 ? %d : %d)' % (value, value, value),
            lambda: '(~~%d)' % value,
            lambda: '(sizeof (int) / 4 * %d)' % value,
            lambda: '(%d && 1 ? %d : 0)' % (value, value) if value else '0',
        ]
        if self.macros:
            name, v = r.choice(self.macros)
            forms.append(lambda: '(%s - %d + %d)' % (name, v, value))
        if self.enumerators:
            name, v = r.choice(self.enumerators)
            forms.append(lambda: '(%s * 0 + %d)' % (name, value))
        return r.choice(forms)()

    def pp_expression(self, value):
        """An #if expression worth VALUE: integers, macros and defined() only."""
        r = self.rng
        forms = [
            lambda: '%d' % value,
            lambda: '(%d + 1 - 1)' % value,
            lambda: '(defined (%sUNDEFINED) + %d)' % (self.macro_prefix, value),
            lambda: '(defined %s * 0 + %d)' % ('__STDC__', value),
            lambda: '(%d ? %d : 7)' % (value + 1, value),
            lambda: '((%d << 4) >> 4)' % value,
            lambda: '(UNDEFINED_NAME_IS_ZERO + %d)' % value,
            lambda: '(-1 < 0u ? 7 : %d)' % value,
        ]
        # in #if, sizeof is a syntax error and an enumerator is 0: only macros of
        # plain numbers
        plain = [(name, v) for name, v in self.macros if name in self.plain_macros]
        if plain:
            name, v = r.choice(plain)
            forms.append(lambda: '(%s - %d + %d)' % (name, v, value))
        return r.choice(forms)()

    def conditional(self, text):
        """TEXT behind a true #if, with a member that must not count in the false
        branch."""
        r = self.rng
        bogus = 'char %sbogus%d;' % (self.prefix, self.counter)
        value = r.randint(0, 3)
        condition = r.choice([
            '#if %s == %d' % (self.pp_expression(value), value),
            '#if %s != %d' % (self.pp_expression(value), value + 1),
            '#ifdef __x86_64__',
            '#ifndef %sNEVER_DEFINED' % self.macro_prefix,
            '#if defined (__GNUC__) && !defined (__cplusplus)',
        ])
        if r.random() < 0.5:
            return '\n%s\n%s\n#else\n%s\n#endif\n' % (condition, text, bogus)
        return '\n#if 0\n%s\n#elif %s\n%s\n#endif\n' % (bogus, condition[4:] if
                                                         condition.startswith('#if ') else '1',
                                                         text)

    def size_text(self, value):
        """An array size or a bit-field width: a number, an expression or a macro."""
        choice = self.rng.random()
        if choice < 0.4:
            return '%d' % value
        if choice < 0.7:
            return self.expression(value)
        name = self.macro_prefix + 'N%d' % (len(self.macros) + 1)
        text = self.expression(value)
        self.lines.append('#define %s %s' % (name, text))
        self.macros.append((name, value))
        if not re.search(r'sizeof|_Alignof|\(int\)|[A-Z]\d+_E\d|[A-Z]\d+_N\d', text):
            self.plain_macros.add(name)
        return name

    # -- declarations ----------------------------------------------------------

    def add_enum(self):
        r = self.rng
        tag = self.fresh('e')
        packed = r.random() < 0.25
        names = []
        parts = []
        next_value = 0
        style = r.random()
        for i in range(r.randint(1, 5)):
            name = ('%s%d' % (tag, i)).upper()
            if r.random() < 0.5:
                # negative and very large values never share an enum: no type holds both
                if style < 0.15:
                    value = r.choice([-1, -200, -40000, -(1 << 40), 3])
                elif style < 0.3:
                    value = r.choice([1 << 31, (1 << 32) + 5, 1 << 40, (1 << 63) + 7])
                else:
                    value = r.randint(0, 300)
                parts.append('%s = %s' % (name, self.enum_value_text(value)))
            else:
                value = next_value
                parts.append(name)
            next_value = value + 1
            names.append(name)
            if -1000 < value < 1000:
                self.enumerators.append((name, value))
        attribute = ' __attribute__ ((packed))' if packed else ''
        trailing = ',' if r.random() < 0.3 else ''
        if r.random() < 0.5:
            self.lines.append('enum%s %s { %s%s };' % (attribute, tag, ', '.join(parts), trailing))
        else:
            self.lines.append('enum %s { %s%s }%s;' % (tag, ', '.join(parts), trailing, attribute))
        self.enums.append(('enum ' + tag, names))
        enum_type = Scalar('enum %s {}' % tag, None, 8)
        self.scalars.append(enum_type)
        self.bitfield_types.append(enum_type)

    @staticmethod
    def enum_value_text(value):
        if value >= (1 << 63):
            return '%dULL' % value
        if value >= (1 << 31) or value < -(1 << 31):
            return '(%dLL)' % value
        return '(%d)' % value if value < 0 else '%d' % value

    def add_typedef(self):
        r = self.rng
        name = self.fresh('t')
        base = r.choice([s for s in self.scalars if s.size is not None and s.bits])
        choice = r.random()
        if choice < 0.35:
            align = r.choice([1, 2, 4, 8, 16])
            other = r.choice([1, 2, 4, 8, 16])
            form = r.random()
            if form < 0.5:
                text = 'typedef %s __attribute__ ((aligned (%d)));' % (base.declare(name), align)
            elif form < 0.7:
                # in the specifiers: gcc applies them after the declarator's, last wins
                text = 'typedef %s;' % base.declare('__attribute__ ((aligned (%d))) %s' % (align, name))
                if base.pattern.count('{}') != 1 or not base.pattern.endswith('{}'):
                    text = 'typedef %s __attribute__ ((aligned (%d)));' % (base.declare(name), align)
            elif form < 0.85:
                text = 'typedef %s __attribute__ ((aligned (%d))) __attribute__ ((aligned (%d)));' % (
                    base.declare(name), other, align)
            else:
                text = 'typedef %s __attribute__ ((aligned (%d), aligned (%d)));' % (
                    base.declare(name), other, align)
            self.lines.append(text)
            size = base.size
            scalar = Scalar(name + ' {}', size, base.bits)
            scalar.align = align
            self.scalars.append(scalar)
            self.bitfield_types.append(scalar)
        elif choice < 0.55 and array_ok(base):
            dims = [r.randint(1, 3) for _ in range(r.randint(1, 2))]
            self.lines.append('typedef %s;' % ArrayType(base, dims).declare(name))
            self.scalars.append(Scalar(name + ' {}', None, atomic_ok=False))
        else:
            self.lines.append('typedef %s;' % base.declare(name))
            scalar = Scalar(name + ' {}', base.size, base.bits)
            scalar.align = getattr(base, 'align', None)
            self.scalars.append(scalar)
            self.bitfield_types.append(scalar)

    def member_name(self):
        self.counter += 1
        return 'm%d' % self.counter

    def scalar_member(self, allow_array=True):
        r = self.rng
        name = self.member_name()
        candidates = self.scalars + [RecordType(rec) for rec in self.reusable]
        type_ = r.choice(candidates)
        if allow_array and r.random() < 0.2:
            element = type_ if array_ok(type_) else Scalar('int {}', 4, 32)
            dims = [r.randint(0, 4) if r.random() < 0.1 else r.randint(1, 4)
                    for _ in range(r.choice([1, 1, 1, 2, 3]))]
            text_dims = ''.join('[%s]' % self.size_text(d) for d in dims)
            return Member(name, ArrayType(element, dims), text=element.declare(name + text_dims))
        prefix = ''
        if isinstance(type_, (Scalar, RecordType)) and getattr(type_, 'atomic_ok', True) \
                and r.random() < 0.08:
            prefix = '_Atomic '
        return Member(name, type_, text=prefix + type_.declare(name))

    def bitfield_member(self):
        r = self.rng
        type_ = r.choice(self.bitfield_types)
        bits = type_.bits
        if r.random() < 0.15:
            return Member(None, type_, 0, text='%s : %s' % (type_.declare('').strip(),
                                                            self.size_text(0)))
        width = r.randint(1, bits)
        if r.random() < 0.15:
            return Member(None, type_, width, text='%s : %s' % (type_.declare('').strip(),
                                                                self.size_text(width)))
        name = self.member_name()
        return Member(name, type_, width, text='%s : %s' % (type_.declare(name),
                                                             self.size_text(width)))

    def inline_record_member(self, depth):
        r = self.rng
        kind = r.choice(['struct', 'union'])
        anonymous = r.random() < 0.4
        tag = None if anonymous or r.random() < 0.5 else self.fresh('s')
        record = self.record(kind, tag, depth + 1, top=False)
        if anonymous:
            return Member(None, RecordType(record), record=record, text=record.definition)
        name = self.member_name()
        dims = ''
        dim_values = []
        if r.random() < 0.25:
            dim_values = [r.randint(1, 3) for _ in range(r.choice([1, 1, 2]))]
            dims = ''.join('[%s]' % self.size_text(d) for d in dim_values)
        member_type = ArrayType(RecordType(record), dim_values) if dim_values else RecordType(record)
        return Member(name, member_type, record=record,
                      text='%s %s%s' % (record.definition, name, dims))

    def member_attributes(self, member):
        """Alignment and packing on a member, in every place gcc reads them."""
        r = self.rng
        if member.name is None and member.width is not None:
            return member.text
        plain = member.width is None and member.record is None and \
            not isinstance(member.type, ArrayType) and not member.text.startswith('_Atomic')
        choice = r.random()
        if choice < 0.05:
            return '__attribute__ ((aligned (%d))) %s' % (r.choice([1, 2, 4, 8, 16, 32]),
                                                         member.text)
        if choice < 0.06:
            return '%s __attribute__ ((aligned))' % member.text
        if choice < 0.12:
            return '%s __attribute__ ((aligned (%d)))' % (member.text, r.choice([1, 2, 4, 8, 16]))
        if choice < 0.17:
            return '%s __attribute__ ((packed))' % member.text
        if choice < 0.20:
            return '%s __attribute__ ((packed, aligned (%d)))' % (member.text, r.choice([1, 2, 4]))
        # _Alignas may not lower an alignment: 64 is above every type here
        if choice < 0.24 and plain:
            return '_Alignas (%s) %s' % (r.choice(['64', '(32 * 2)']), member.text)
        if choice < 0.27 and plain:
            return '_Alignas (%s) %s' % (member.type.declare('').strip(), member.text)
        return member.text

    def record(self, kind, tag, depth, top):
        r = self.rng
        record = Record(kind, tag)
        count = r.randint(1, 6 if depth == 0 else 4)
        texts = []
        for i in range(count):
            choice = r.random()
            if choice < 0.12 and depth < 2:
                member = self.inline_record_member(depth)
            elif choice < 0.40:
                member = self.bitfield_member()
            else:
                member = self.scalar_member()
            record.members.append(member)
            text = self.member_attributes(member) + ';'
            if r.random() < 0.05:
                text = self.conditional(text)
            texts.append(text)
        named = any(m.name is not None for m in record.members)
        if top and kind == 'struct' and named and r.random() < 0.12:
            element = r.choice([s for s in self.scalars if s.size and array_ok(s)]
                               + [RecordType(rec) for rec in self.reusable])
            name = self.member_name()
            dims = [None] + ([r.randint(1, 3)] if r.random() < 0.2 else [])
            array = ArrayType(element, dims, flexible=True)
            record.members.append(Member(name, array))
            texts.append(array.declare(name) + ';')
            record.flexible = True

        head = kind
        tail = ''
        choice = r.random()
        if choice < 0.12:
            head += ' __attribute__ ((packed))'
        elif choice < 0.24:
            tail = ' __attribute__ ((packed))'
        choice = r.random()
        if choice < 0.1:
            tail += ' __attribute__ ((aligned (%d)))' % r.choice([1, 2, 4, 8, 16, 32])
        elif choice < 0.13:
            tail += ' __attribute__ ((aligned))'
        elif choice < 0.16:
            head += ' __attribute__ ((aligned (%d)))' % r.choice([1, 2, 4, 8, 16, 32])
            tail += ' __attribute__ ((aligned (%d)))' % r.choice([1, 2, 4, 8, 16, 32])
        if tag is not None:
            head += ' ' + tag
        record.definition = '%s { %s }%s' % (head, ' '.join(texts), tail)
        if tag is not None:
            self.records.append(record)
            if not record.flexible:
                self.reusable.append(record)
        return record

    def add_record(self):
        r = self.rng
        kind = 'union' if r.random() < 0.2 else 'struct'
        pack = None
        if r.random() < 0.18:
            pack = 'push' if r.random() < 0.5 else 'set'
            value = r.choice([1, 2, 4, 8, 16])
            if pack == 'push' and r.random() < 0.3:
                self.lines.append('#pragma pack (push)')
                self.lines.append('#pragma pack (%d)' % value)
            elif pack == 'push':
                self.lines.append('#pragma pack (push, %d)' % value)
            else:
                self.lines.append('#pragma pack (%d)' % value)
        if r.random() < 0.25:
            record = self.record(kind, None, 0, top=True)
            record.typedef = self.fresh('t')
            self.lines.append('typedef %s %s;' % (record.definition, record.typedef))
            self.records.append(record)
            if not record.flexible:
                self.reusable.append(record)
        else:
            record = self.record(kind, self.fresh('s'), 0, top=True)
            self.lines.append(record.definition + ';')
        if pack == 'push':
            self.lines.append('#pragma pack (pop)')
        elif pack == 'set':
            self.lines.append('#pragma pack ()')
        return record

    def generate(self):
        r = self.rng
        for _ in range(r.randint(0, 2)):
            self.add_enum()
        for _ in range(r.randint(0, 2)):
            self.add_typedef()
        for _ in range(r.randint(1, 3)):
            self.add_record()
        return '\n'.join(self.lines) + '\n'


# ---------------------------------------------------------------------------
# Probes: what the compiler says
# ---------------------------------------------------------------------------

def model_paths(record, prefix='', qualified=False):
    """(path, kind) for every member that can be named: 'field', 'bitfield' or
    'flexible'. Members of anonymous members are the parent's; arrays of records are
    probed at their first element. Inside an _Atomic struct, __typeof__ gives members
    the _Atomic qualifier too (and its alignment): their alignment is not compared
    ('qualified')."""
    for member in record.members:
        if member.name is None:
            if member.record is not None:
                yield from model_paths(member.record, prefix, qualified)
            continue
        path = prefix + member.name
        if member.width is not None:
            yield path, 'bitfield'
            continue
        type_ = member.type
        if isinstance(type_, ArrayType) and type_.flexible:
            yield path, 'flexible'
        else:
            yield path, 'qualified' if qualified else 'field'
        inner = type_
        index = ''
        while isinstance(inner, ArrayType):
            index += '[0]' * len(inner.dims)
            inner = inner.element
        atomic = qualified or (member.text or '').startswith('_Atomic')
        if isinstance(inner, RecordType) and member.record is not None:
            yield from model_paths(member.record, path + index + '.', atomic)
        elif isinstance(inner, RecordType):
            yield from model_paths(inner.record, path + index + '.', atomic)


def probe_source(headers, types, enums):
    """A C program printing one line per type, member and enumerator."""
    out = [INCLUDES, '#include <stdio.h>', '#include <string.h>']
    out += ['#include "%s"' % h for h in headers]
    out += ['''
static void
bits (const char *type, const char *path, const unsigned char *p, size_t n)
{
  size_t first = (size_t) -1, count = 0;
  for (size_t i = 0; i < n * 8; i++)
    if (p[i / 8] & (1u << (i % 8)))
      {
        if (first == (size_t) -1)
          first = i;
        count++;
      }
  printf ("B|%s|%s|%zu|%zu\\n", type, path, first, count);
}
''', 'int main (void) {']
    for cname, paths in types:
        out.append('  printf ("T|%s|%%zu|%%zu\\n", sizeof (%s), _Alignof (%s));' % (cname, cname, cname))
        for path, kind in paths:
            if kind == 'bitfield':
                # room past the end for bit-fields in a flexible array member
                out.append('  { static union { %s v; unsigned char b[sizeof (%s) + 65536]; } u; '
                           'memset (&u, 0, sizeof u); u.v.%s = -1; '
                           'bits ("%s", "%s", u.b, sizeof u.b); }'
                           % (cname, cname, path, cname, path))
            elif kind == 'qualified':
                out.append('  printf ("F|%s|%s|%%zu|%%zu|-1\\n", offsetof (%s, %s), '
                           'sizeof (((%s *) 0)->%s));' % (cname, path, cname, path, cname, path))
            elif kind == 'flexible':
                out.append('  printf ("F|%s|%s|%%zu|0|0\\n", offsetof (%s, %s));'
                           % (cname, path, cname, path))
            else:
                out.append('  printf ("F|%s|%s|%%zu|%%zu|%%zu\\n", offsetof (%s, %s), '
                           'sizeof (((%s *) 0)->%s), _Alignof (__typeof__ (((%s *) 0)->%s)));'
                           % (cname, path, cname, path, cname, path, cname, path))
    for cname, names in enums:
        out.append('  printf ("T|%s|%%zu|%%zu\\n", sizeof (%s), _Alignof (%s));' % (cname, cname, cname))
        for name in names:
            out.append('  printf ("E|%s|%s|%%s|%%lld\\n", %s < 0 ? "-" : "+", '
                       '(long long) %s);' % (cname, name, name, name))
    out.append('  return 0;\n}\n')
    return '\n'.join(out)


def run_probe(directory, name, source):
    """Compiles and runs a probe; returns its lines as a dict, or raises with the
    compiler's message."""
    c_path = os.path.join(directory, name + '.c')
    exe = os.path.join(directory, name)
    with open(c_path, 'w') as f:
        f.write(source)
    result = subprocess.run(compiler() + ['-std=gnu11', '-w', '-O0', '-o', exe, c_path],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    if result.returncode != 0:
        raise AssertionError('the compiler rejected %s:\n%s' % (c_path, result.stdout.decode()[:4000]))
    output = subprocess.run([exe], stdout=subprocess.PIPE, check=True, timeout=60).stdout.decode()
    facts = {}
    for line in output.splitlines():
        parts = line.split('|')
        if parts[0] == 'T':
            facts[('T', parts[1])] = (int(parts[2]), int(parts[3]))
        elif parts[0] == 'F':
            facts[('F', parts[1], parts[2])] = (int(parts[3]), int(parts[4]), int(parts[5]))
        elif parts[0] == 'B':
            facts[('B', parts[1], parts[2])] = (int(parts[3]), int(parts[4]))
        elif parts[0] == 'E':
            value = int(parts[4])
            if parts[3] == '+' and value < 0:
                value += 1 << 64
            facts[('E', parts[1], parts[2])] = value
    return facts


# ---------------------------------------------------------------------------
# What the engine says
# ---------------------------------------------------------------------------

def engine_types(header):
    result = subprocess.run([cli_path(), 'layout', '--all', '--json', header],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if result.returncode != 0:
        raise EngineError(result.stderr.decode(errors='replace').strip())
    return json.loads(result.stdout.decode())


class EngineError(Exception):
    pass


def engine_facts(entries):
    facts = {}
    paths = {}
    for entry in entries:
        name = entry['type']
        facts[('T', name)] = (entry['size'], entry['align'])
        for e in entry.get('enumerators', []):
            facts[('E', name, e['name'])] = int(e['value'])
        found = []

        def walk(fields, prefix):
            for field in fields:
                if field['name'] is None:
                    if 'fields' in field and 'bit_width' not in field:
                        walk(field['fields'], prefix)
                    continue
                path = prefix + field['name']
                if 'bit_width' in field:
                    facts[('B', name, path)] = (field['offset'] * 8 + field['bit_offset'],
                                                field['bit_width'])
                    found.append((path, 'bitfield'))
                    continue
                if field.get('flexible'):
                    facts[('F', name, path)] = (field['offset'], 0, 0)
                    found.append((path, 'flexible'))
                else:
                    facts[('F', name, path)] = (field['offset'], field['size'], field['align'])
                    found.append((path, 'field'))
                if 'fields' in field:
                    walk(field['fields'], path + '[0]' * len(field.get('dimensions', [])) + '.')

        if entry['kind'] in ('struct', 'union'):
            walk(entry['fields'], '')
        paths[name] = found
    return facts, paths


def describe(key):
    if key[0] == 'T':
        return '%s: (sizeof, _Alignof)' % key[1]
    if key[0] == 'F':
        return '%s.%s: (offsetof, sizeof, _Alignof)' % (key[1], key[2])
    if key[0] == 'B':
        return '%s.%s: (first bit, width)' % (key[1], key[2])
    return '%s: value of %s' % (key[1], key[2])


def same(expected, actual):
    if isinstance(expected, tuple) and expected[-1] == -1:
        return expected[:-1] == actual[:-1]   # alignment not compared
    return expected == actual


def first_difference(expected, actual, keys):
    for key in keys:
        if key not in actual:
            return '%s is missing from the engine\'s output (the compiler says %s)' % (
                describe(key), expected[key])
        if not same(expected[key], actual[key]):
            return '%s: the compiler says %s, the engine says %s' % (
                describe(key), expected[key], actual[key])
    return None


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------

class AgainstTheCompiler(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if compiler() is None:
            raise unittest.SkipTest('no C compiler')
        cls.directory = tempfile.mkdtemp(prefix='shmlens-layout-gcc-')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory, ignore_errors=True)

    def check_batch(self, seed, batch, cases):
        """Writes a batch of cases as one header, asks the engine and the compiler.
        Returns None or the account of the first difference."""
        header = os.path.join(self.directory, 'batch%d.h' % batch)
        texts = []
        starts = []
        line = 1
        for case in cases:
            starts.append(line)
            text = case.text
            texts.append(text)
            line += text.count('\n')
        with open(header, 'w') as f:
            f.write(''.join(texts))

        types = []
        enums = []
        owner = {}
        for i, case in enumerate(cases):
            for record in case.records:
                types.append((record.cname, list(model_paths(record))))
                owner[record.cname] = i
            for cname, names in case.enums:
                enums.append((cname, names))
                owner[cname] = i

        try:
            entries = engine_types(header)
        except EngineError as e:
            message = str(e)
            # name the case the failing line belongs to
            case_index = 0
            try:
                failing_line = int(message.split(':')[2])
                case_index = max(i for i, s in enumerate(starts) if s <= failing_line)
            except (IndexError, ValueError):
                pass
            return ('the engine rejected a valid case: %s\n--- case %d (header line %d) ---\n%s'
                    % (message, cases[case_index].index, starts[case_index],
                       texts[case_index]))

        expected = run_probe(self.directory, 'probe%d' % batch,
                             probe_source([header], types, enums))
        actual, engine_paths = engine_facts(entries)

        # the engine reports exactly the members the generator wrote, and those of the
        # standard types (struct timespec, pthread_mutex_t…) inside them
        for cname, paths in types:
            reported = set(engine_paths.get(cname, []))
            written = {(p, 'field' if k == 'qualified' else k) for p, k in paths}
            extra = {path for path, kind in reported - written
                     if not any(path.startswith(p + '.') or path.startswith(p + '[')
                                for p, _ in written)}
            if not written <= reported or extra:
                i = owner[cname]
                return ('the members of %s differ: generated %s, engine %s\n--- case %d ---\n%s'
                        % (cname, sorted(paths), sorted(engine_paths.get(cname, [])),
                           cases[i].index, texts[i]))

        keys = list(expected.keys())
        difference = first_difference(expected, actual, keys)
        if difference is not None:
            key = next(k for k in keys if k not in actual or not same(expected[k], actual[k]))
            i = owner.get(key[1], 0)
            return '%s\n--- case %d ---\n%s' % (difference, cases[i].index, texts[i])
        return None

    def test_random_declarations(self):
        seed = int(os.environ.get('SHMLENS_LAYOUT_SEED', random.randrange(1 << 32)))
        n_cases = int(os.environ.get('SHMLENS_LAYOUT_CASES', 600))
        print('seed: %d (SHMLENS_LAYOUT_SEED=%d reproduces this run), %d cases'
              % (seed, seed, n_cases), file=sys.stderr)
        rng = random.Random(seed)
        cases = []
        for index in range(n_cases):
            case = Case(random.Random(rng.randrange(1 << 64)), index)
            case.index = index
            case.text = case.generate()
            cases.append(case)

        start = time.monotonic()
        batches = [cases[i:i + CASES_PER_BATCH] for i in range(0, len(cases), CASES_PER_BATCH)]
        workers = max(2, min(4, os.cpu_count() or 2))
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda args: self.check_batch(seed, *args),
                                    enumerate(batches)))
        failures = [r for r in results if r is not None]
        print('%d cases in %.1f s' % (n_cases, time.monotonic() - start), file=sys.stderr)
        if failures:
            self.fail('seed %d: %s' % (seed, failures[0]))

    def test_data_layouts(self):
        headers = sorted(f for f in os.listdir(LAYOUTS_DIR) if f.endswith('.h'))
        self.assertGreaterEqual(len(headers), 3, LAYOUTS_DIR)
        for name in headers:
            with self.subTest(header=name):
                path = os.path.join(LAYOUTS_DIR, name)
                entries = engine_types(path)
                facts, paths = engine_facts(entries)
                types = [(e['type'], paths[e['type']]) for e in entries
                         if e['kind'] in ('struct', 'union')]
                enums = [(e['type'], [x['name'] for x in e['enumerators']])
                         for e in entries if e['kind'] == 'enum']
                self.assertTrue(types, '%s declares no struct' % name)
                expected = run_probe(self.directory, 'data-' + name[:-2],
                                     probe_source([path], types, enums))
                difference = first_difference(expected, facts, list(expected.keys()))
                self.assertIsNone(difference, '%s: %s' % (name, difference))
                # every member was probed: bit-fields and nested ones included
                self.assertEqual(len(expected), len(facts), name)


if __name__ == '__main__':
    unittest.main(verbosity=2)
