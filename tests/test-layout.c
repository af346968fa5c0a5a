/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-layout.c: the layout engine: headers parsed, laid out as gcc does, values read, every error at its place. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/resource.h>

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "shmlens-decode.h"
#include "shmlens-layout.h"

#define U SHMLENS_DECODE_UNAVAILABLE

static ShmlensLayout *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  ShmlensLayout *layout = shmlens_layout_new (text, -1, "t.h", &error);

  g_assert_no_error (error);
  g_assert_nonnull (layout);
  return layout;
}

static ShmlensType *
lookup (ShmlensLayout *layout,
        const char    *name)
{
  g_autoptr(GError) error = NULL;
  ShmlensType *type = shmlens_layout_lookup (layout, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (type);
  return type;
}

static ShmlensLeaf
locate (ShmlensType *type,
        const char  *path)
{
  g_autoptr(GError) error = NULL;
  ShmlensLeaf leaf;

  if (!shmlens_type_locate_path (type, path, &leaf, &error))
    g_error ("%s in %s: %s", path, shmlens_type_get_name (type), error->message);
  return leaf;
}

/* The value of a one-enumerator enum: how the tests read a constant expression. */
static gint64
evaluate (const char *expression)
{
  g_autofree char *text = g_strdup_printf ("enum probe { PROBE = (%s) };", expression);
  g_autoptr(ShmlensLayout) layout = parse (text);
  gint64 value;

  shmlens_type_get_enumerator (lookup (layout, "enum probe"), 0, &value, NULL);
  return value;
}

/* ------------------------------------------------------------------------------------
 * Layouts against gcc
 * ------------------------------------------------------------------------------------ */

/* What gcc 12 says on x86-64 for each of these (printed by offsetof, sizeof, _Alignof,
 * and bit positions found by setting each bit-field in a zeroed object). Members:
 * "path=offset+size" or, for bit-fields, "path=first-bit/width". */
static const struct
{
  const char *declarations;
  const char *type;
  guint64 size;
  guint align;
  const char *members;
} gcc_layouts[] = {
  { "struct s1 { char a; int b; char c; };",
    "struct s1", 12, 4, "a=0+1 b=4+4 c=8+1" },
  { "struct s2 { char a; double d; short s; };",
    "struct s2", 24, 8, "d=8+8 s=16+2" },
  { "struct s3 { char a; long double ld; };",
    "struct s3", 32, 16, "ld=16+16" },
  { "union u1 { char c[5]; int i; };",
    "union u1", 8, 4, "c=0+5 i=0+4" },
  { "struct bf1 { char a; int b:20; int c:30; };",
    "struct bf1", 8, 4, "b=8/20 c=32/30" },
  { "#pragma pack(push, 4)\nstruct bf2 { char a; int b:4; int c:30; };\n#pragma pack(pop)",
    "struct bf2", 8, 4, "b=8/4 c=12/30" },
  { "#pragma pack(8)\nstruct bf3 { char a; int b:20; int c:30; long d:60; };\n#pragma pack()",
    "struct bf3", 16, 8, "b=8/20 c=28/30 d=58/60" },
  { "struct bf4 { char a; int :5; char b; };",
    "struct bf4", 3, 1, "b=2+1" },
  { "struct bf5 { char a; int :0; char b; };",
    "struct bf5", 5, 1, "b=4+1" },
  { "#pragma pack(1)\nstruct bf6 { char a; int :0; char b; };\n#pragma pack()",
    "struct bf6", 5, 1, "b=4+1" },
  { "struct __attribute__((packed)) bf7 { char a; int b:4; long c:62; };",
    "struct bf7", 10, 1, "b=8/4 c=12/62" },
  { "typedef int i2 __attribute__((aligned(2))); struct t1 { char a; i2 b; };",
    "struct t1", 6, 2, "b=2+4" },
  { "typedef int i2b __attribute__((aligned(2))); struct t2 { i2b x:32; };",
    "struct t2", 4, 4, "x=0/32" },
  { "typedef int i2c __attribute__((aligned(2))); struct t3 { char a; char b; i2c x:32; };",
    "struct t3", 6, 2, "x=16/32" },
  { "typedef long long ll4 __attribute__((aligned(4))); struct t4 { char c; ll4 x:40; ll4 y:40; };",
    "struct t4", 12, 4, "x=8/40 y=48/40" },
  { "typedef unsigned char u16a __attribute__((aligned(16))); struct t5 { long a; int b; int c; u16a d:8; char e; };",
    "struct t5", 32, 16, "d=128/8 e=17+1" },
  { "struct a1 { char c; int x:3 __attribute__((aligned(8))); };",
    "struct a1", 16, 8, "x=64/3" },
  { "typedef struct { char c; } __attribute__((aligned(4))) A4; struct __attribute__((packed)) pk2 { char c; A4 a; };",
    "struct pk2", 5, 1, "a=1+4" },
  { "typedef struct { char c; } __attribute__((aligned(4))) A4b; struct pk4 { char c; _Alignas(8) A4b a __attribute__((packed)); };",
    "struct pk4", 16, 8, "a=8+4" },
  { "#pragma pack(push, 2)\nstruct pp { char a; int b __attribute__((aligned(8))); _Alignas(16) char c; };\n#pragma pack(pop)",
    "struct pp", 8, 2, "b=2+4 c=6+1" },
  { "struct an1 { char c; __attribute__((aligned(16))) struct { int x; }; };",
    "struct an1", 8, 4, "x=4+4" },
  { "struct an2 { char c; _Alignas(16) struct { int x; }; };",
    "struct an2", 32, 16, "x=16+4" },
  { "struct an3 { char c; struct { int x; } __attribute__((aligned(16))); };",
    "struct an3", 32, 16, "x=16+4" },
  { "struct at1 { char c; _Atomic struct { int x; int y; }; };",
    "struct at1", 16, 8, "x=8+4" },
  { "struct at2 { char c; _Atomic(long double) d; _Atomic char q[3]; };",
    "struct at2", 48, 16, "d=16+16 q=32+3" },
  { "struct fam1 { char c; int d[]; };",
    "struct fam1", 4, 4, "d=4+0" },
  { "struct fam2 { long x; char c; char d[]; };",
    "struct fam2", 16, 8, "d=9+0" },
  { "struct zl { char c; int z[0]; char d; };",
    "struct zl", 8, 4, "z=4+0 d=4+1" },
  { "struct emp {};",
    "struct emp", 0, 1, "" },
  { "struct al1 { char c; } __attribute__((aligned(4))) __attribute__((aligned(2)));",
    "struct al1", 2, 2, "" },
  { "struct __attribute__((aligned(8))) al2 { char c; } __attribute__((aligned(4)));",
    "struct al2", 4, 4, "" },
  { "struct al3 { char c; int x __attribute__((aligned(8))) __attribute__((aligned(4))); };",
    "struct al3", 16, 8, "x=8+4" },
  { "struct __attribute__((aligned)) al4 { char c; };",
    "struct al4", 16, 16, "" },
  { "typedef int T1 __attribute__((aligned(8))) __attribute__((aligned(2))); struct al5 { char c; T1 t; };",
    "struct al5", 6, 2, "t=2+4" },
  { "typedef int __attribute__((aligned(8))) T2 __attribute__((aligned(2))); struct al6 { char c; T2 t; };",
    "struct al6", 16, 8, "t=8+4" },
  { "union un1 { char a; int :17; };",
    "union un1", 3, 1, "" },
  { "union un2 { char a; int x:17; };",
    "union un2", 4, 4, "x=0/17" },
  { "struct nest { int a; union { struct { char b; short c; }; long d; } u; struct { char e[3]; } f[2][2]; };",
    "struct nest", 32, 8, "u=8+8 u.c=10+2 u.d=8+8 f=16+12 f[1][0].e=22+3 f[1][1]=25+3" },
  { "struct ptrs { char c; void (*cb)(int); int *(*p)[3]; char *const names[2]; };",
    "struct ptrs", 40, 8, "cb=8+8 p=16+8 names=24+16" },
  { "#include <time.h>\nstruct tm1 { char c; struct timespec ts; time_t t; };",
    "struct tm1", 32, 8, "ts=8+16 ts.tv_nsec=16+8 t=24+8" },
  { "#include <pthread.h>\nstruct mx { char c; pthread_mutex_t m; sem_t s; };",
    "struct mx", 80, 8, "m=8+40 s=48+32" },
  { "#include <stdatomic.h>\nstruct af { char c; atomic_flag f; atomic_llong l; };",
    "struct af", 16, 8, "f=1+1 l=8+8" },
  { "enum __attribute__((packed)) pe { PE = 200 }; struct es { char c; enum pe e; };",
    "struct es", 2, 1, "e=1+1" },
  /* a typedef declared again: gcc keeps the larger alignment asked for, never lowers it */
  { "typedef int R1 __attribute__((aligned(8)));\ntypedef int R1;\nstruct rd1 { char c; R1 t; };",
    "struct rd1", 16, 8, "t=8+4" },
  { "typedef int R2;\ntypedef int R2 __attribute__((aligned(8)));\nstruct rd2 { char c; R2 t; };",
    "struct rd2", 16, 8, "t=8+4" },
  { "typedef int R3 __attribute__((aligned(2)));\ntypedef int R3;\nstruct rd3 { char c; R3 t; };",
    "struct rd3", 6, 2, "t=2+4" },
  { "typedef int R4;\ntypedef int R4 __attribute__((aligned(2)));\nstruct rd4 { char c; R4 t; };",
    "struct rd4", 8, 4, "t=4+4" },
  { "typedef int R5; struct rd5 { char c; R5 t; }; typedef int R5 __attribute__((aligned(8)));",
    "struct rd5", 8, 4, "t=4+4" },
  { "typedef long A16 __attribute__((aligned(16))); typedef long R6; typedef A16 R6; struct rd6 { char c; R6 t; };",
    "struct rd6", 32, 16, "t=16+8" },
};

static void
test_gcc_layouts (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (gcc_layouts); i++)
    {
      g_autoptr(ShmlensLayout) layout = parse (gcc_layouts[i].declarations);
      ShmlensType *type = lookup (layout, gcc_layouts[i].type);
      g_auto(GStrv) members = g_strsplit (gcc_layouts[i].members, " ", -1);

      g_test_message ("%s", gcc_layouts[i].declarations);
      g_assert_cmpuint (shmlens_type_get_size (type), ==, gcc_layouts[i].size);
      g_assert_cmpuint (shmlens_type_get_alignment (type), ==, gcc_layouts[i].align);
      for (char **m = members; *m != NULL && **m != '\0'; m++)
        {
          g_auto(GStrv) parts = g_strsplit_set (*m, "=+/", -1);
          ShmlensLeaf leaf = locate (type, parts[0]);
          guint64 first = g_ascii_strtoull (parts[1], NULL, 10);
          guint64 second = g_ascii_strtoull (parts[2], NULL, 10);

          g_test_message ("  %s", *m);
          if (strchr (*m, '/') != NULL)
            {
              g_assert_true (leaf.is_bitfield);
              g_assert_cmpuint (leaf.offset * 8 + leaf.bit_offset, ==, first);
              g_assert_cmpuint (leaf.bit_width, ==, second);
            }
          else
            {
              g_assert_false (leaf.is_bitfield);
              g_assert_cmpuint (leaf.offset, ==, first);
              g_assert_cmpuint (leaf.size, ==, second);
            }
        }
    }
}

static void
test_base_types (void)
{
  static const struct { const char *name; guint64 size; guint align; ShmlensTypeKind kind; gboolean is_signed; } types[] = {
    { "char", 1, 1, SHMLENS_TYPE_KIND_INTEGER, TRUE },
    { "unsigned char", 1, 1, SHMLENS_TYPE_KIND_INTEGER, FALSE },
    { "short", 2, 2, SHMLENS_TYPE_KIND_INTEGER, TRUE },
    { "unsigned int", 4, 4, SHMLENS_TYPE_KIND_INTEGER, FALSE },
    { "long", 8, 8, SHMLENS_TYPE_KIND_INTEGER, TRUE },
    { "unsigned long long", 8, 8, SHMLENS_TYPE_KIND_INTEGER, FALSE },
    { "_Bool", 1, 1, SHMLENS_TYPE_KIND_BOOL, FALSE },
    { "float", 4, 4, SHMLENS_TYPE_KIND_FLOAT, TRUE },
    { "double", 8, 8, SHMLENS_TYPE_KIND_FLOAT, TRUE },
    { "long double", 16, 16, SHMLENS_TYPE_KIND_FLOAT, TRUE },
    { "int8_t", 1, 1, SHMLENS_TYPE_KIND_INTEGER, TRUE },
    { "uint16_t", 2, 2, SHMLENS_TYPE_KIND_INTEGER, FALSE },
    { "int_fast16_t", 8, 8, SHMLENS_TYPE_KIND_INTEGER, TRUE },
    { "uint_least32_t", 4, 4, SHMLENS_TYPE_KIND_INTEGER, FALSE },
    { "intptr_t", 8, 8, SHMLENS_TYPE_KIND_INTEGER, TRUE },
    { "size_t", 8, 8, SHMLENS_TYPE_KIND_INTEGER, FALSE },
    { "ssize_t", 8, 8, SHMLENS_TYPE_KIND_INTEGER, TRUE },
    { "off_t", 8, 8, SHMLENS_TYPE_KIND_INTEGER, TRUE },
    { "pid_t", 4, 4, SHMLENS_TYPE_KIND_INTEGER, TRUE },
    { "uid_t", 4, 4, SHMLENS_TYPE_KIND_INTEGER, FALSE },
    { "time_t", 8, 8, SHMLENS_TYPE_KIND_INTEGER, TRUE },
    { "wchar_t", 4, 4, SHMLENS_TYPE_KIND_INTEGER, TRUE },
    { "char16_t", 2, 2, SHMLENS_TYPE_KIND_INTEGER, FALSE },
    { "struct timespec", 16, 8, SHMLENS_TYPE_KIND_STRUCT, FALSE },
    { "max_align_t", 32, 16, SHMLENS_TYPE_KIND_STRUCT, FALSE },
    { "pthread_mutex_t", 40, 8, SHMLENS_TYPE_KIND_UNION, FALSE },
    { "pthread_cond_t", 48, 8, SHMLENS_TYPE_KIND_UNION, FALSE },
    { "sem_t", 32, 8, SHMLENS_TYPE_KIND_UNION, FALSE },
    { "atomic_int", 4, 4, SHMLENS_TYPE_KIND_INTEGER, TRUE },
    { "atomic_flag", 1, 1, SHMLENS_TYPE_KIND_STRUCT, FALSE },
    { "timer_t", 8, 8, SHMLENS_TYPE_KIND_POINTER, FALSE },
  };
  g_autoptr(ShmlensLayout) layout = parse ("");

  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    {
      ShmlensType *type = lookup (layout, types[i].name);

      g_test_message ("%s", types[i].name);
      g_assert_cmpuint (shmlens_type_get_size (type), ==, types[i].size);
      g_assert_cmpuint (shmlens_type_get_alignment (type), ==, types[i].align);
      g_assert_cmpint (shmlens_type_get_kind (type), ==, types[i].kind);
      if (types[i].kind == SHMLENS_TYPE_KIND_INTEGER)
        g_assert_cmpint (shmlens_type_is_signed (type), ==, types[i].is_signed);
      g_assert_true (shmlens_type_is_complete (type));
    }
  /* the standard types are known, but they are not the header's own */
  {
    guint n;

    shmlens_layout_get_types (layout, &n);
    g_assert_cmpuint (n, ==, 0);
  }
}

static void
test_enum_sizes (void)
{
  /* gcc: unsigned int unless a value is negative (int) or needs more than 32 bits
   * (long or unsigned long); packed: the smallest of 1, 2, 4, 8 bytes */
  static const struct { const char *declaration; guint64 size; gboolean is_signed; } enums[] = {
    { "enum e { A, B, C };", 4, FALSE },
    { "enum e { A = -1, B = 0x7fffffff };", 4, TRUE },
    { "enum e { A = 0x80000000 };", 4, FALSE },
    { "enum e { A = -1, B = 0x80000000 };", 8, TRUE },
    { "enum e { A = 0x100000000, B = -1 };", 8, TRUE },
    { "enum e { A = 0xffffffffffffffff };", 8, FALSE },
    { "enum __attribute__ ((packed)) e { A = 200 };", 1, FALSE },
    { "enum __attribute__ ((packed)) e { A = 0x1ff };", 2, FALSE },
    { "enum __attribute__ ((packed)) e { A = 0xfffff };", 4, FALSE },
    { "enum __attribute__ ((packed)) e { A = 0x1ffffffffL };", 8, FALSE },
    { "enum e { A = -1, B = 200 } __attribute__ ((packed));", 2, TRUE },
    { "enum __attribute__ ((packed)) e { A = -128, B = 127 };", 1, TRUE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (enums); i++)
    {
      g_autoptr(ShmlensLayout) layout = parse (enums[i].declaration);
      ShmlensType *type = lookup (layout, "enum e");

      g_test_message ("%s", enums[i].declaration);
      g_assert_cmpuint (shmlens_type_get_size (type), ==, enums[i].size);
      g_assert_cmpuint (shmlens_type_get_alignment (type), ==, enums[i].size);
      g_assert_cmpint (shmlens_type_is_signed (type), ==, enums[i].is_signed);
    }
}

static void
test_enumerators (void)
{
  g_autoptr(ShmlensLayout) layout = parse ("#define BASE 10\n"
                                           "enum level { LOW = BASE, MIDDLE, HIGH = MIDDLE * 2, TOP, };\n"
                                           "enum sign { NEGATIVE = -2, NEXT, ZERO = NEXT + 1 };\n"
                                           "struct s { char c[HIGH]; int d[ZERO + 1]; };");
  ShmlensType *level = lookup (layout, "enum level");
  ShmlensType *sign = lookup (layout, "enum sign");
  static const char *const names[] = { "LOW", "MIDDLE", "HIGH", "TOP" };
  static const gint64 values[] = { 10, 11, 22, 23 };
  gint64 value;
  gboolean is_unsigned;

  g_assert_cmpuint (shmlens_type_get_n_enumerators (level), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpstr (shmlens_type_get_enumerator (level, i, &value, &is_unsigned), ==, names[i]);
      g_assert_cmpint (value, ==, values[i]);
      g_assert_true (is_unsigned);
    }
  g_assert_cmpstr (shmlens_type_get_enumerator (sign, 1, &value, &is_unsigned), ==, "NEXT");
  g_assert_cmpint (value, ==, -1);
  g_assert_false (is_unsigned);
  g_assert_cmpint (shmlens_type_get_size (lookup (layout, "struct s")), ==, 28);
}

/* ------------------------------------------------------------------------------------
 * The preprocessor and constant expressions
 * ------------------------------------------------------------------------------------ */

static void
test_comments_and_splices (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensLayout) layout =
    parse ("// a comment \\\n   that continues\n"
           "/* a block\n   comment */ struct s { int a; /* inside */ char b; // end\n"
           "#define LONG_MACRO 1 + \\\n   2 + \\\n   3\n"
           "  char c[LONG_MACRO]; };");
  ShmlensType *s = lookup (layout, "struct s");
  ShmlensLayout *broken;

  g_assert_cmpuint (locate (s, "c").size, ==, 6);
  /* a line joined by a splice still counts: the error is on line 4, column 3 */
  broken = shmlens_layout_new ("#define A \\\n  1\nstruct s { int a\\\nb \n  } ;", -1, "t.h", &error);
  g_assert_null (broken);
  g_assert_cmpstr (error->message, ==, "t.h:5:3: expected “;” after the member declaration, found “}”");
  g_clear_error (&error);
  /* columns count characters, not bytes */
  broken = shmlens_layout_new ("/* é */ struct s { int a }", -1, "t.h", &error);
  g_assert_null (broken);
  g_assert_cmpstr (error->message, ==, "t.h:1:26: expected “;” after the member declaration, found “}”");
}

static void
test_macros (void)
{
  g_autoptr(ShmlensLayout) layout =
    parse ("#define MAX(a, b) ((a) > (b) ? (a) : (b))\n"
           "#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((a) - 1))\n"
           "#define N MAX (MAX (3, 7), 5)\n"
           "#define EMPTY()\n"
           "#define LOOP LOOP\n"
           "#define TWICE(x) x x\n"
           "#define LATER N\n"
           "#define FUNC MAX\n"
           "#define REDEFINED 1\n"
           "#define REDEFINED 2\n"
           "#define GONE 1\n"
           "#undef GONE\n"
           "#ifdef GONE\n#error gone is gone\n#endif\n"
           "struct s {\n"
           "  char a[N];\n"                        /* nested invocations */
           "  char b[ALIGN_UP (13, 8)];\n"
           "  char c[LATER EMPTY ()];\n"           /* expanded again after substitution */
           "  char d[FUNC (2, 4)];\n"              /* a name that becomes function-like */
           "  char e[REDEFINED];\n"
           "  char f[TWICE (+1) + 1];\n"
           "  int MAX;\n"                          /* not followed by "(": not a macro */
           "};");
  ShmlensType *s = lookup (layout, "struct s");

  g_assert_cmpuint (locate (s, "a").size, ==, 7);
  g_assert_cmpuint (locate (s, "b").size, ==, 16);
  g_assert_cmpuint (locate (s, "c").size, ==, 7);
  g_assert_cmpuint (locate (s, "d").size, ==, 4);
  g_assert_cmpuint (locate (s, "e").size, ==, 2);
  g_assert_cmpuint (locate (s, "f").size, ==, 3);
  g_assert_cmpuint (locate (s, "MAX").offset, ==, 40);

  /* a directive among a macro's arguments (gcc reads it): the macro being expanded
   * outlives its #undef, and a redefinition there counts from then on */
  {
    g_autoptr(ShmlensLayout) directives =
      parse ("#define F(x) x\n"
             "struct u { char a[F (\n#undef F\n3)]; };\n"
             "#define G(x) x\n"
             "struct w { char a[G (\n#define G(x) 2 * x\n3)]; char b[G (3)]; };\n");

    g_assert_cmpuint (shmlens_type_get_size (lookup (directives, "struct u")), ==, 3);
    g_assert_cmpuint (locate (lookup (directives, "struct w"), "b").size, ==, 6);
    g_assert_cmpuint (locate (lookup (directives, "struct w"), "a").size, ==, 3);
  }
}

static void
test_conditionals (void)
{
  g_autoptr(ShmlensLayout) layout =
    parse ("#ifndef T_H\n#define T_H\n"
           "#if defined (__x86_64__) && __SIZEOF_LONG__ == 8 && !defined __cplusplus\n"
           "#  define WIDE 1\n"
           "#elif 1\n"
           "#  error not this one\n"
           "#else\n"
           "#  error nor this one\n"
           "#endif\n"
           "#if 0\n"
           "  this is not C, and ' is not a character constant\n"
           "#  if 1\n#    error nested in a skipped group\n#  endif\n"
           "#elif __has_include (<stdint.h>) && !__has_include (\"nothere.h\")\n"
           "#  define INCLUDES 1\n"
           "#endif\n"
           "#if __has_attribute (packed) && __has_attribute (__aligned__) && !__has_attribute (mode)\n"
           "#  define ATTRIBUTES 1\n"
           "#endif\n"
           "#if UNDEFINED_NAMES_ARE_ZERO || -1 > 0u\n"  /* in #if, -1 > 0u: unsigned */
           "#  define COMPARISON 1\n"
           "#endif\n"
           /* defined and __has_… that a macro makes are evaluated, as gcc does (with
            * a warning); their operands are not expanded */
           "#define HAVE_WIDE defined (WIDE) && defined WIDE\n"
           "#define NOT_DEFINED defined (NOWHERE)\n"
           "#define DEFINED defined\n"
           "#define HAVE_PACKED __has_attribute (packed) && __has_include (<stdint.h>)\n"
           "#if HAVE_WIDE && !NOT_DEFINED && DEFINED WIDE && DEFINED (HAVE_WIDE) && HAVE_PACKED\n"
           "#  define FROM_MACROS 1\n"
           "#endif\n"
           "#ifdef WIDE\n"
           "struct s { char wide[WIDE + INCLUDES + ATTRIBUTES + COMPARISON + FROM_MACROS]; };\n"
           "#endif\n"
           "#endif\n"
           "#include <stdint.h>\n#include \"stdbool.h\"\n#include <sys/types.h>\n");
  ShmlensType *s = lookup (layout, "struct s");

  g_assert_cmpuint (shmlens_type_get_size (s), ==, 5);
}

static void
test_expressions (void)
{
  /* integer types and conversions as in C */
  g_assert_cmpint (evaluate ("-1 >> 1"), ==, -1);
  g_assert_cmpint (evaluate ("1u - 2 > 0"), ==, 1);
  g_assert_cmpint (evaluate ("-1 < 0u"), ==, 0);
  g_assert_cmpint (evaluate ("-1L < 0u"), ==, 1);
  g_assert_cmpint (evaluate ("0xffffffff > 0"), ==, 1);       /* unsigned int */
  g_assert_cmpint (evaluate ("0xffffffff + 1"), ==, 0);       /* wraps */
  g_assert_cmpint (evaluate ("2147483647 + 1 < 0"), ==, 1);   /* gcc folds the overflow */
  g_assert_cmpint (evaluate ("4294967296 >> 32"), ==, 1);     /* long */
  g_assert_cmpint (evaluate ("sizeof (int) - 8 > 0"), ==, 1); /* size_t */
  g_assert_cmpint (evaluate ("-7 / 2"), ==, -3);
  g_assert_cmpint (evaluate ("-7 % 2"), ==, -1);
  g_assert_cmpint (evaluate ("7u / 2"), ==, 3);
  g_assert_cmpint (evaluate ("(-2147483647 - 1) / -1"), ==, G_MININT32);
  g_assert_cmpint (evaluate ("1 << 31"), ==, G_MININT32);
  g_assert_cmpint (evaluate ("1L << 40"), ==, G_GINT64_CONSTANT (1) << 40);
  g_assert_cmpint (evaluate ("~0u"), ==, G_MAXUINT32);
  g_assert_cmpint (evaluate ("!5 + !0"), ==, 1);
  g_assert_cmpint (evaluate ("(3 & 6) | (1 ^ 3) ^ 8"), ==, 10);
  g_assert_cmpint (evaluate ("1 ? 2 : 1 / 0"), ==, 2);        /* not evaluated */
  g_assert_cmpint (evaluate ("0 && 1 / 0"), ==, 0);
  g_assert_cmpint (evaluate ("1 || 1 << 99"), ==, 1);
  g_assert_cmpint (evaluate ("0 ? 1u : -1"), ==, G_MAXUINT32); /* unsigned int */
  g_assert_cmpint (evaluate ("3 > 2 > 1"), ==, 0);
  g_assert_cmpint (evaluate ("2 + 3 * 4 - 10 / 5 % 3"), ==, 12);
  g_assert_cmpint (evaluate ("-(-3)"), ==, 3);
  g_assert_cmpint (evaluate ("+ - ~ 0"), ==, 1);
  /* literals */
  g_assert_cmpint (evaluate ("0x1F + 017 + 0b101 + 10"), ==, 31 + 15 + 5 + 10);
  g_assert_cmpint (evaluate ("10UL + 10lu + 10LL + 10ull + 10u"), ==, 50);
  g_assert_cmpint (evaluate ("'A' + '\\n' + '\\0' + '\\x41' + '\\101' + '\\\\'"), ==, 65 + 10 + 0 + 65 + 65 + 92);
  g_assert_cmpint (evaluate ("'\\xff'"), ==, -1);             /* char is signed */
  g_assert_cmpint (evaluate ("L'\\xff' + u'\\xff' + U'x'"), ==, 255 + 255 + 120);
  g_assert_cmpint (evaluate ("u8'a'"), ==, 97);
  /* sizeof, _Alignof, offsetof, casts */
  g_assert_cmpint (evaluate ("sizeof (long double) + sizeof 1 + sizeof 1L + sizeof (char[3][4])"), ==, 16 + 4 + 8 + 12);
  g_assert_cmpint (evaluate ("sizeof (struct { char c; long l; }) + _Alignof (short)"), ==, 18);
  g_assert_cmpint (evaluate ("__alignof__ (double) + alignof (max_align_t)"), ==, 24);
  g_assert_cmpint (evaluate ("sizeof (void) + sizeof (int *) + sizeof (void (*)(int))"), ==, 17);
  g_assert_cmpint (evaluate ("(unsigned char) 300 + (signed char) 200 + (short) 70000 + (_Bool) 5"), ==, 44 - 56 + 4464 + 1);
  g_assert_cmpint (evaluate ("(uint32_t) -1 + (int64_t) 0"), ==, G_MAXUINT32);
  g_assert_cmpint (evaluate ("offsetof (struct timespec, tv_nsec)"), ==, 8);
  g_assert_cmpint (evaluate ("UINT32_MAX == 4294967295u && INT_MIN == -2147483647 - 1 && CHAR_BIT == 8"), ==, 1);
  g_assert_cmpint (evaluate ("true + false + (bool) 2"), ==, 2);
  g_assert_cmpint (evaluate ("UINT64_C (1) << 63 > 0"), ==, 1);
}

static void
test_static_assert (void)
{
  g_autoptr(ShmlensLayout) layout =
    parse ("#include <assert.h>\n"
           "struct s { char c; int i; _Static_assert (sizeof (int) == 4, \"int\"); };\n"
           "_Static_assert (sizeof (struct s) == 8, \"struct s is 8 bytes\");\n"
           "static_assert (offsetof (struct s, i) == 4, \"i\");\n"
           "_Static_assert (1);\n");

  g_assert_nonnull (lookup (layout, "struct s"));
}

/* gcc merges a typedef declared again: the larger alignment asked for wins (the
 * gcc-layouts table holds the cases gcc was asked about). What used the typedef
 * before keeps the alignment it had then; the header lists the typedef once. */
static void
test_typedef_redeclared (void)
{
  g_autoptr(ShmlensLayout) layout =
    parse ("typedef int T;\n"
           "typedef T U;\n"
           "struct before { char c; T t; };\n"
           "typedef int T __attribute__((aligned(8)));\n"
           "typedef int T;\n"
           "typedef int T __attribute__((aligned(4)));\n"
           "struct after { char c; T t; };\n");
  ShmlensType **types;
  guint n_types;

  g_assert_cmpuint (shmlens_type_get_alignment (lookup (layout, "T")), ==, 8);
  g_assert_cmpuint (shmlens_type_get_alignment (lookup (layout, "U")), ==, 4);
  g_assert_cmpuint (shmlens_type_get_size (lookup (layout, "struct before")), ==, 8);
  g_assert_cmpuint (shmlens_type_get_size (lookup (layout, "struct after")), ==, 16);
  types = shmlens_layout_get_types (layout, &n_types);
  g_assert_cmpuint (n_types, ==, 4);
  g_assert_true (types[0] == lookup (layout, "T"));
  g_assert_cmpstr (shmlens_type_get_name (types[1]), ==, "U");
}

static void
test_declarations_without_layout (void)
{
  /* prototypes, functions, variables and initializers are skipped */
  g_autoptr(ShmlensLayout) layout =
    parse ("#include <stdio.h>\n"
           "FILE *open_log (const char *path, int flags);\n"
           "EXPORTED_BUT_UNKNOWN int start (void) __attribute__ ((nonnull));\n"
           "extern struct s *table;\n"
           "static const int limits[3] = { 1, 2, (3) };\n"
           "int counter = 0, other;\n"
           "extern int renamed __asm__ (\"real_name\");\n"
           "static inline unsigned next (unsigned i) { if (i) { return (i + 1) % 8; } return 0; }\n"
           "void (*signal_handler (int sig, void (*handler) (int))) (int);\n"
           "struct s { struct s *next; void (*callback) (int, void *); int (*table)[4]; };\n"
           "__extension__ typedef long long wide_t;\n"
           "asm (\".globl marker\");\n"
           ";\n");
  ShmlensType *s = lookup (layout, "struct s");

  g_assert_cmpuint (shmlens_type_get_size (s), ==, 24);
  g_assert_cmpstr (shmlens_type_get_name (locate (s, "callback").type), ==, "void (*)(int, void *)");
  g_assert_cmpstr (shmlens_type_get_name (locate (s, "table").type), ==, "int (*)[4]");
  g_assert_cmpuint (shmlens_type_get_size (lookup (layout, "wide_t")), ==, 8);
}

/* ------------------------------------------------------------------------------------
 * Types: names, lookup, lists
 * ------------------------------------------------------------------------------------ */

static void
test_type_names (void)
{
  g_autoptr(ShmlensLayout) layout =
    parse ("typedef int vec3[3];\n"
           "typedef struct { int x; } point_t;\n"
           "struct s {\n"
           "  const char *name;\n"
           "  char *const fixed;\n"
           "  const volatile int cv;\n"
           "  int *pointers[4];\n"
           "  int (*to_array)[4];\n"
           "  void (*callbacks[2]) (int);\n"
           "  vec3 points[2];\n"
           "  vec3 *vector;\n"
           "  point_t at;\n"
           "  struct { int inner; } anonymous;\n"
           "  _Atomic (unsigned long) counter;\n"
           "  unsigned long long int m[2][3];\n"
           "  signed short sh;\n"
           "  long unsigned lu;\n"
           "};");
  static const struct { const char *path; const char *name; const char *declaration; } names[] = {
    { "name", "const char *", "const char *name" },
    { "fixed", "char *const", "char *const fixed" },
    { "cv", "const volatile int", "const volatile int cv" },
    { "pointers", "int *[4]", "int *pointers[4]" },
    { "to_array", "int (*)[4]", "int (*to_array)[4]" },
    { "callbacks", "void (*[2])(int)", "void (*callbacks[2])(int)" },
    { "points", "vec3[2]", "vec3 points[2]" },
    { "vector", "vec3 *", "vec3 *vector" },
    { "at", "point_t", "point_t at" },
    { "anonymous", "struct <anonymous>", "struct <anonymous> anonymous" },
    { "counter", "_Atomic unsigned long", "_Atomic unsigned long counter" },
    { "m", "unsigned long long[2][3]", "unsigned long long m[2][3]" },
    { "sh", "short", "short sh" },
    { "lu", "unsigned long", "unsigned long lu" },
  };
  ShmlensType *s = lookup (layout, "struct s");

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      ShmlensType *type = locate (s, names[i].path).type;
      g_autofree char *declaration = shmlens_type_format_declaration (type, names[i].path);

      g_assert_cmpstr (shmlens_type_get_name (type), ==, names[i].name);
      g_assert_cmpstr (declaration, ==, names[i].declaration);
    }
  /* a typedef keeps its name; what it names is one call away */
  g_assert_cmpstr (shmlens_type_get_name (lookup (layout, "point_t")), ==, "point_t");
  g_assert_cmpstr (shmlens_type_get_name (shmlens_type_resolve (lookup (layout, "point_t"))), ==,
                   "struct <anonymous>");
  g_assert_cmpint (shmlens_type_get_kind (lookup (layout, "vec3")), ==, SHMLENS_TYPE_KIND_ARRAY);
  g_assert_cmpuint (shmlens_type_get_element_count (lookup (layout, "vec3")), ==, 3);
  g_assert_cmpstr (shmlens_type_get_name (shmlens_type_get_element_type (lookup (layout, "vec3"))), ==, "int");
  g_assert_null (shmlens_type_get_element_type (lookup (layout, "point_t")));
}

static void
test_lookup_and_lists (void)
{
  g_autoptr(ShmlensLayout) layout =
    parse ("enum state { IDLE };\n"
           "struct node { struct node *next; struct inner { int i; } in; };\n"
           "typedef struct node node_t;\n"
           "union value { int i; float f; };\n"
           "struct forward;\n"
           "typedef struct { int x; } anonymous_t;\n"
           "typedef void handler_t (int);\n");
  static const char *const order[] = {
    "enum state", "struct inner", "struct node", "node_t", "union value", "anonymous_t", "handler_t",
  };
  g_autoptr(GError) error = NULL;
  ShmlensType **types;
  guint n;

  types = shmlens_layout_get_types (layout, &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (shmlens_type_get_name (types[i]), ==, order[i]);

  g_assert_true (lookup (layout, "struct node") == lookup (layout, "node"));
  g_assert_true (shmlens_type_resolve (lookup (layout, "node_t")) == lookup (layout, "struct node"));
  g_assert_true (lookup (layout, "  union   value ") == lookup (layout, "value"));
  g_assert_cmpint (shmlens_type_get_kind (lookup (layout, "enum state")), ==, SHMLENS_TYPE_KIND_ENUM);
  g_assert_cmpint (shmlens_type_get_kind (lookup (layout, "handler_t")), ==, SHMLENS_TYPE_KIND_FUNCTION);
  g_assert_false (shmlens_type_is_complete (lookup (layout, "struct forward")));
  g_assert_false (shmlens_type_is_complete (lookup (layout, "handler_t")));
  g_assert_true (shmlens_type_get_layout (lookup (layout, "node")) == layout);

  g_assert_null (shmlens_layout_lookup (layout, "struct value", &error));
  g_assert_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_UNKNOWN_TYPE);
  g_assert_cmpstr (error->message, ==, "t.h declares no type “struct value”; it declares enum state, "
                   "struct inner, struct node, node_t, union value, anonymous_t, handler_t");
  g_clear_error (&error);
  {
    g_autoptr(ShmlensLayout) empty = parse ("int x;");

    g_assert_null (shmlens_layout_lookup (empty, "nothing\n", &error));
    g_assert_cmpstr (error->message, ==, "t.h declares no type “nothing”");
    g_clear_error (&error);
    g_assert_null (shmlens_layout_get_default_type (empty, &error));
    g_assert_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_NOT_FOUND);
    g_assert_cmpstr (error->message, ==, "t.h defines no struct or union");
    g_clear_error (&error);
  }
  {
    GString *many = g_string_new (NULL);
    g_autoptr(ShmlensLayout) crowded = NULL;

    for (int i = 0; i < 14; i++)
      g_string_append_printf (many, "struct s%d { int x; };\n", i);
    crowded = parse (many->str);
    g_string_free (many, TRUE);
    g_assert_null (shmlens_layout_lookup (crowded, "x", &error));
    g_assert_cmpstr (error->message, ==, "t.h declares no type “x”; it declares struct s0, struct s1, "
                     "struct s2, struct s3, struct s4, struct s5, struct s6, struct s7, struct s8, "
                     "struct s9, struct s10, struct s11, …");
  }
}

static void
test_default_type (void)
{
  static const struct { const char *text; const char *expected; } cases[] = {
    { "struct a { int x; }; struct b { struct c { int y; } c; }; enum e { E };", "struct b" },
    { "typedef struct { int x; } telemetry_t; enum e { E };", "telemetry_t" },
    { "struct a { int x; }; typedef struct a a_t;", "a_t" },
    { "struct small { int x; }; struct big { int y; }; typedef struct small small_t;", "struct big" },
    { "union u { int x; }; struct s; typedef int i;", "union u" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ShmlensLayout) layout = parse (cases[i].text);
      g_autoptr(GError) error = NULL;
      ShmlensType *type = shmlens_layout_get_default_type (layout, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (shmlens_type_get_name (type), ==, cases[i].expected);
    }
}

static void
test_fields (void)
{
  g_autoptr(ShmlensLayout) layout =
    parse ("struct s { char c; int :3; int named:4; union { int a; float f; }; int :0; char tail[]; };");
  ShmlensType *s = lookup (layout, "struct s");
  const ShmlensField *field;

  g_assert_cmpuint (shmlens_type_get_n_fields (s), ==, 6);
  field = shmlens_type_get_field (s, 1);
  g_assert_null (field->name);
  g_assert_true (field->is_bitfield);
  g_assert_cmpuint (field->offset * 8 + field->bit_offset, ==, 8);
  g_assert_cmpuint (field->bit_width, ==, 3);
  field = shmlens_type_get_field (s, 2);
  g_assert_cmpstr (field->name, ==, "named");
  g_assert_cmpuint (field->offset, ==, 1);
  g_assert_cmpuint (field->bit_offset, ==, 3);
  field = shmlens_type_get_field (s, 3);
  g_assert_null (field->name);
  g_assert_false (field->is_bitfield);
  g_assert_cmpint (shmlens_type_get_kind (field->type), ==, SHMLENS_TYPE_KIND_UNION);
  g_assert_cmpuint (field->offset, ==, 4);
  field = shmlens_type_get_field (s, 4);
  g_assert_true (field->is_bitfield);
  g_assert_cmpuint (field->bit_width, ==, 0);
  field = shmlens_type_get_field (s, 5);
  g_assert_true (shmlens_type_is_flexible_array (field->type));
  g_assert_false (shmlens_type_is_complete (field->type));
  g_assert_cmpuint (field->offset, ==, 8);
  g_assert_cmpuint (shmlens_type_get_size (s), ==, 8);
  g_assert_false (shmlens_type_is_packed (s));
}

/* ------------------------------------------------------------------------------------
 * Paths and offsets
 * ------------------------------------------------------------------------------------ */

static const char table_header[] =
  "#include <stdint.h>\n"
  "#include <time.h>\n"
  "#define MAX_CLIENTS 4\n"
  "enum state { FREE, RUNNING = 2, CRASHED = -1 };\n"
  "struct client {\n"
  "  int pid;\n"
  "  char name[12];\n"
  "  volatile uint64_t heartbeat;\n"
  "  unsigned ready : 1, failed : 1;\n"
  "  enum state state;\n"
  "  union { uint32_t raw; float ratio; };\n"
  "};\n"
  "struct table {\n"
  "  uint32_t magic;\n"
  "  struct client clients[MAX_CLIENTS];\n"
  "  int16_t grid[2][3];\n"
  "  struct timespec updated;\n"
  "};\n";

static void
test_paths (void)
{
  g_autoptr(ShmlensLayout) layout = parse (table_header);
  ShmlensType *table = lookup (layout, "struct table");
  ShmlensType *client = lookup (layout, "struct client");
  static const struct { const char *path; guint64 offset; guint64 size; ShmlensValueKind kind; } paths[] = {
    { "", 0, 200, SHMLENS_VALUE_KIND_NONE },
    { "magic", 0, 4, SHMLENS_VALUE_KIND_UNSIGNED },
    { "clients", 8, 160, SHMLENS_VALUE_KIND_NONE },
    { "clients[0]", 8, 40, SHMLENS_VALUE_KIND_NONE },
    { "clients[2].pid", 88, 4, SHMLENS_VALUE_KIND_SIGNED },
    { "clients[2].name", 92, 12, SHMLENS_VALUE_KIND_STRING },
    { "clients[2].name[3]", 95, 1, SHMLENS_VALUE_KIND_CHAR },
    { "clients[2].heartbeat", 104, 8, SHMLENS_VALUE_KIND_UNSIGNED },
    { "clients[2].state", 116, 4, SHMLENS_VALUE_KIND_ENUM },
    { "clients[3].raw", 160, 4, SHMLENS_VALUE_KIND_UNSIGNED },
    { "clients[3].ratio", 160, 4, SHMLENS_VALUE_KIND_FLOAT },
    { "grid[1][2]", 178, 2, SHMLENS_VALUE_KIND_SIGNED },
    { "grid[1]", 174, 6, SHMLENS_VALUE_KIND_NONE },
    { "updated", 184, 16, SHMLENS_VALUE_KIND_TIMESPEC },
    { "updated.tv_sec", 184, 8, SHMLENS_VALUE_KIND_TIME },
  };
  ShmlensLeaf leaf;

  g_assert_cmpuint (shmlens_type_get_size (table), ==, 200);
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_test_message ("%s", paths[i].path);
      leaf = locate (table, paths[i].path);
      g_assert_cmpuint (leaf.offset, ==, paths[i].offset);
      g_assert_cmpuint (leaf.size, ==, paths[i].size);
      g_assert_cmpint (leaf.kind, ==, paths[i].kind);
      g_assert_false (leaf.is_bitfield);
      g_assert_null (leaf.path);
    }
  leaf = locate (table, "clients[1].failed");
  g_assert_true (leaf.is_bitfield);
  g_assert_cmpuint (leaf.offset, ==, 72);
  g_assert_cmpuint (leaf.bit_offset, ==, 1);
  g_assert_cmpuint (leaf.bit_width, ==, 1);
  g_assert_cmpuint (leaf.size, ==, 1);
  g_assert_cmpint (leaf.kind, ==, SHMLENS_VALUE_KIND_UNSIGNED);
  leaf = locate (client, "ready");
  g_assert_cmpuint (leaf.offset, ==, 24);
  leaf = locate (client, "state");
  g_assert_cmpuint (leaf.offset, ==, 28);
}

static void
test_path_errors (void)
{
  g_autoptr(ShmlensLayout) layout = parse (table_header);
  ShmlensType *table = lookup (layout, "struct table");
  static const struct { const char *path; const char *message; } errors[] = {
    { "nothere", "“struct table” has no member named “nothere”" },
    { "clients[4]", "index 4 is out of range for “clients” (4 elements)" },
    { "clients[1].pid.x", "“clients[1].pid” is not a struct or union: it has no member “x”" },
    { "magic[0]", "“magic” is not an array" },
    { "[0]", "“struct table” is not an array" },
    { "clients[99999999999999999999]", "“clients[99999999999999999999]” is not a path: expected “]” after the index" },
    { "clients[", "“clients[” is not a path: expected an index after “[”" },
    { "clients[1", "“clients[1” is not a path: expected “]” after the index" },
    { "clients[1]pid", "“clients[1]pid” is not a path: expected “.” or “[” after a member" },
    { "magic.", "“magic.” is not a path: expected a member name" },
    { ".magic", "“.magic” is not a path: expected a member name" },
    { "clients[1]..pid", "“clients[1]..pid” is not a path: expected a member name" },
    { "magic\nb", "“magic\\nb” is not a path: expected “.” or “[” after a member" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (errors); i++)
    {
      g_autoptr(GError) error = NULL;
      ShmlensLeaf leaf;

      g_assert_false (shmlens_type_locate_path (table, errors[i].path, &leaf, &error));
      g_assert_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_NOT_FOUND);
      g_assert_cmpstr (error->message, ==, errors[i].message);
    }
  /* a flexible array member has no count to be out of range of */
  {
    g_autoptr(ShmlensLayout) flexible = parse ("struct f { long n; int items[]; };");
    ShmlensLeaf leaf = locate (lookup (flexible, "struct f"), "items[10]");

    g_assert_cmpuint (leaf.offset, ==, 48);
  }
  {
    g_autoptr(ShmlensLayout) huge = parse ("struct h { long n; long items[]; };");
    g_autoptr(GError) error = NULL;
    ShmlensLeaf leaf;

    g_assert_false (shmlens_type_locate_path (lookup (huge, "struct h"), "items[1000000000000000000]",
                                              &leaf, &error));
    g_assert_cmpstr (error->message, ==, "index 1000000000000000000 of “items” is too large");
  }
}

static void
test_offsets (void)
{
  g_autoptr(ShmlensLayout) layout = parse (table_header);
  ShmlensType *table = lookup (layout, "struct table");
  g_autoptr(GString) path = g_string_new ("stale");
  static const struct { guint64 offset; const char *path; guint64 start; } offsets[] = {
    { 0, "magic", 0 },
    { 3, "magic", 0 },
    { 4, "", 0 },                           /* padding: the struct itself */
    { 8, "clients[0].pid", 8 },
    { 95, "clients[2].name", 92 },          /* a string is not entered */
    { 104, "clients[2].heartbeat", 104 },
    { 111, "clients[2].heartbeat", 104 },
    { 113, "clients[2]", 88 },              /* padding inside an element */
    { 161, "clients[3].raw", 160 },         /* in a union, the first member */
    { 176, "grid[1][1]", 176 },
    { 199, "updated.tv_nsec", 192 },
  };
  ShmlensLeaf leaf;

  for (gsize i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_test_message ("%" G_GUINT64_FORMAT, offsets[i].offset);
      g_assert_true (shmlens_type_locate_offset (table, offsets[i].offset, path, &leaf));
      g_assert_cmpstr (path->str, ==, offsets[i].path);
      g_assert_cmpuint (leaf.offset, ==, offsets[i].start);
    }
  g_assert_true (shmlens_type_locate_offset (table, 112, path, &leaf));
  g_assert_cmpstr (path->str, ==, "clients[2].ready");
  g_assert_true (leaf.is_bitfield);
  g_assert_false (shmlens_type_locate_offset (table, 200, path, &leaf));
  g_assert_cmpstr (path->str, ==, "");
  g_assert_true (shmlens_type_locate_offset (table, 5, NULL, &leaf));
}

/* ------------------------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------------------------ */

typedef struct
{
  ShmlensLayout *layout;
  ShmlensType *type;
  guint8 bytes[512];
} Values;

static const char values_header[] =
  "#include <stdint.h>\n#include <stdbool.h>\n#include <time.h>\n"
  "enum color { RED, GREEN = 5, BLUE = -3 };\n"
  "typedef time_t stamp_t;\n"
  "struct __attribute__ ((packed)) wide { char c : 3; long long x : 64; };\n"
  "struct v {\n"
  "  int8_t i8; uint8_t u8; int16_t i16; uint16_t u16; int32_t i32; uint32_t u32;\n"
  "  int64_t i64; uint64_t u64; char c; bool b; float f; double d; long double ld;\n"
  "  void *p; char name[8]; time_t t; stamp_t stamp; struct timespec ts; enum color color;\n"
  "  signed int sbits : 5; unsigned ubits : 7; enum color cbits : 4; bool flag : 1;\n"
  "  struct wide wide;\n"
  "  unsigned char bytes[2];\n"
  "  struct { int deep[2]; } nested[2];\n"
  "};\n";

static void
values_init (Values *v)
{
  v->layout = parse (values_header);
  v->type = lookup (v->layout, "struct v");
  memset (v->bytes, 0, sizeof v->bytes);
  g_assert_cmpuint (shmlens_type_get_size (v->type), <=, sizeof v->bytes);
}

static void
values_clear (Values *v)
{
  shmlens_layout_unref (v->layout);
}

static void
put (Values     *v,
     const char *path,
     const void *data,
     gsize       size)
{
  ShmlensLeaf leaf = locate (v->type, path);

  g_assert_cmpuint (leaf.size, >=, size);
  memcpy (v->bytes + leaf.offset, data, size);
}

/* Sets a bit-field as the compiler would: its bits, from its first bit on. */
static void
put_bits (Values     *v,
          const char *path,
          guint64     value)
{
  ShmlensLeaf leaf = locate (v->type, path);
  guint64 position = leaf.offset * 8 + leaf.bit_offset;

  g_assert_true (leaf.is_bitfield);
  for (guint i = 0; i < leaf.bit_width; i++)
    {
      guint64 bit = position + i;

      if ((value >> i) & 1)
        v->bytes[bit / 8] |= 1 << (bit % 8);
      else
        v->bytes[bit / 8] &= ~(1 << (bit % 8));
    }
}

static char *
format (Values             *v,
        const char         *path,
        ShmlensFormatFlags  flags)
{
  ShmlensLeaf leaf = locate (v->type, path);
  GString *out = g_string_new ("previous text: ");

  shmlens_leaf_format (&leaf, v->bytes, 0, sizeof v->bytes, flags, out);
  g_assert_true (g_str_has_prefix (out->str, "previous text: "));  /* appended */
  g_string_erase (out, 0, strlen ("previous text: "));
  return g_string_free (out, FALSE);
}

#define ASSERT_FORMAT(v, path, flags, expected)                                 \
  G_STMT_START {                                                                \
    g_autofree char *text_ = format (v, path, flags);                           \
    g_assert_cmpstr (text_, ==, expected);                                      \
  } G_STMT_END

static void
test_values_integers (void)
{
  Values v;
  gint8 i8 = -5;
  guint8 u8 = 250;
  gint16 i16 = -1234;
  guint16 u16 = 0xbeef;
  gint32 i32 = G_MININT32;
  guint32 u32 = 0x01020304;
  gint64 i64 = -2;
  guint64 u64 = G_MAXUINT64;

  values_init (&v);
  put (&v, "i8", &i8, 1);
  put (&v, "u8", &u8, 1);
  put (&v, "i16", &i16, 2);
  put (&v, "u16", &u16, 2);
  put (&v, "i32", &i32, 4);
  put (&v, "u32", &u32, 4);
  put (&v, "i64", &i64, 8);
  put (&v, "u64", &u64, 8);

  ASSERT_FORMAT (&v, "i8", 0, "-5");
  ASSERT_FORMAT (&v, "i8", SHMLENS_FORMAT_HEX, "0xfb");
  ASSERT_FORMAT (&v, "u8", 0, "250");
  ASSERT_FORMAT (&v, "i16", 0, "-1234");
  ASSERT_FORMAT (&v, "i16", SHMLENS_FORMAT_HEX, "0xfb2e");
  ASSERT_FORMAT (&v, "u16", 0, "48879");
  ASSERT_FORMAT (&v, "u16", SHMLENS_FORMAT_HEX, "0xbeef");
  ASSERT_FORMAT (&v, "u16", SHMLENS_FORMAT_BIG_ENDIAN, "61374");  /* 0xefbe */
  ASSERT_FORMAT (&v, "i32", 0, "-2147483648");
  ASSERT_FORMAT (&v, "u32", 0, "16909060");
  ASSERT_FORMAT (&v, "u32", SHMLENS_FORMAT_BIG_ENDIAN, "67305985");
  ASSERT_FORMAT (&v, "u32", SHMLENS_FORMAT_BIG_ENDIAN | SHMLENS_FORMAT_HEX, "0x4030201");
  ASSERT_FORMAT (&v, "i64", 0, "-2");
  ASSERT_FORMAT (&v, "i64", SHMLENS_FORMAT_HEX, "0xfffffffffffffffe");
  ASSERT_FORMAT (&v, "u64", 0, "18446744073709551615");
  ASSERT_FORMAT (&v, "bytes[1]", 0, "0");
  values_clear (&v);
}

static void
test_values_bitfields (void)
{
  Values v;
  ShmlensLeaf leaf;

  values_init (&v);
  put_bits (&v, "sbits", 0x1f);        /* -1 in 5 bits */
  put_bits (&v, "ubits", 0x5a);
  put_bits (&v, "cbits", (guint64) -3 & 0xf);
  put_bits (&v, "flag", 1);
  ASSERT_FORMAT (&v, "sbits", 0, "-1");
  ASSERT_FORMAT (&v, "sbits", SHMLENS_FORMAT_HEX, "0x1f");
  ASSERT_FORMAT (&v, "ubits", 0, "90");
  ASSERT_FORMAT (&v, "cbits", 0, "BLUE");
  ASSERT_FORMAT (&v, "flag", 0, "true");
  put_bits (&v, "sbits", 0x0f);
  ASSERT_FORMAT (&v, "sbits", 0, "15");
  ASSERT_FORMAT (&v, "ubits", 0, "90");  /* the neighbour is untouched */

  /* a 64-bit bit-field starting at bit 3 spans 9 bytes */
  leaf = locate (v.type, "wide.x");
  g_assert_cmpuint (leaf.bit_offset, ==, 3);
  g_assert_cmpuint (leaf.size, ==, 9);
  put_bits (&v, "wide.c", 0x7);
  put_bits (&v, "wide.x", G_GUINT64_CONSTANT (0x8123456789abcdef));
  ASSERT_FORMAT (&v, "wide.x", SHMLENS_FORMAT_HEX, "0x8123456789abcdef");
  ASSERT_FORMAT (&v, "wide.x", 0, "-9141386507638288913");
  ASSERT_FORMAT (&v, "wide.c", 0, "-1");  /* a char bit-field: a number */
  values_clear (&v);
}

static void
test_values_kinds (void)
{
  Values v;
  char c = 'A';
  guint8 b = 2;
  gint32 color = 5;
  guint64 p = G_GUINT64_CONSTANT (0x7ffd5c2a1000);
  gint64 t = 1714564800;  /* 2024-05-01T12:00:00Z */
  gint64 ts[2] = { 1714564800, 250000000 };

  values_init (&v);
  put (&v, "c", &c, 1);
  ASSERT_FORMAT (&v, "c", 0, "65 'A'");
  ASSERT_FORMAT (&v, "c", SHMLENS_FORMAT_HEX, "0x41 'A'");
  c = '\'';
  put (&v, "c", &c, 1);
  ASSERT_FORMAT (&v, "c", 0, "39");
  c = -1;
  put (&v, "c", &c, 1);
  ASSERT_FORMAT (&v, "c", 0, "-1");

  ASSERT_FORMAT (&v, "b", 0, "false");
  b = 1;
  put (&v, "b", &b, 1);
  ASSERT_FORMAT (&v, "b", 0, "true");
  b = 2;
  put (&v, "b", &b, 1);
  ASSERT_FORMAT (&v, "b", 0, "2");

  ASSERT_FORMAT (&v, "color", 0, "RED");
  put (&v, "color", &color, 4);
  ASSERT_FORMAT (&v, "color", 0, "GREEN");
  color = -3;
  put (&v, "color", &color, 4);
  ASSERT_FORMAT (&v, "color", 0, "BLUE");
  color = 7;
  put (&v, "color", &color, 4);
  ASSERT_FORMAT (&v, "color", 0, "7");
  ASSERT_FORMAT (&v, "color", SHMLENS_FORMAT_HEX, "0x7");
  color = -7;
  put (&v, "color", &color, 4);
  ASSERT_FORMAT (&v, "color", 0, "-7");

  ASSERT_FORMAT (&v, "p", 0, "0x0");
  put (&v, "p", &p, 8);
  ASSERT_FORMAT (&v, "p", 0, "0x7ffd5c2a1000");
  ASSERT_FORMAT (&v, "p", SHMLENS_FORMAT_BIG_ENDIAN, "0x102a5cfd7f0000");

  put (&v, "t", &t, 8);
  ASSERT_FORMAT (&v, "t", 0, "2024-05-01T12:00:00Z");
  ASSERT_FORMAT (&v, "t", SHMLENS_FORMAT_HEX, "2024-05-01T12:00:00Z");
  put (&v, "stamp", &t, 8);  /* a typedef of time_t is a date too */
  ASSERT_FORMAT (&v, "stamp", 0, "2024-05-01T12:00:00Z");
  ASSERT_FORMAT (&v, "ts", 0, "1970-01-01T00:00:00Z");
  put (&v, "ts", ts, 16);
  ASSERT_FORMAT (&v, "ts", 0, "2024-05-01T12:00:00.250000000Z");
  ASSERT_FORMAT (&v, "ts.tv_nsec", 0, "250000000");
  ts[1] = 1000000000;
  put (&v, "ts", ts, 16);
  ASSERT_FORMAT (&v, "ts", 0, "2024-05-01T12:00:00Z (invalid tv_nsec 1000000000)");
  ts[0] = G_GINT64_CONSTANT (253402300800);
  put (&v, "ts", ts, 16);
  ASSERT_FORMAT (&v, "ts", 0, "out of range");

  /* aggregates have no value of their own */
  ASSERT_FORMAT (&v, "nested", 0, "");
  ASSERT_FORMAT (&v, "nested[1]", 0, "");
  ASSERT_FORMAT (&v, "bytes", 0, "");
  values_clear (&v);
}

static void
test_values_match_the_data_inspector (void)
{
  /* floats, doubles and dates read exactly as shmlens_decode_format() shows them */
  Values v;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240501);
  static const double doubles[] = { 0.1, -0.0, 1e20, 1e-5, 123456789.125, 1.0 / 3, 5e-324,
                                    1.7976931348623157e308, 9007199254740993.0, 0.30000000000000004 };
  static const gint64 times[] = { 0, -1, 86399, 86400, 951782400 /* 2000-02-29 */,
                                  G_GINT64_CONSTANT (-62135596800), G_GINT64_CONSTANT (-62135596801),
                                  G_GINT64_CONSTANT (253402300799), G_GINT64_CONSTANT (253402300800),
                                  G_MININT64, G_MAXINT64, 2147483648 };

  values_init (&v);
  for (int i = 0; i < 20000; i++)
    {
      guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      guint32 float_bits = g_rand_int (rand);
      double value;
      gint64 seconds;

      if (i < (int) G_N_ELEMENTS (doubles))
        memcpy (&bits, &doubles[i], 8);
      else if (i % 3 == 0)
        {
          /* values people write: few digits */
          value = g_rand_int_range (rand, -100000, 100000) / pow (10, g_rand_int_range (rand, 0, 8));
          memcpy (&bits, &value, 8);
        }
      put (&v, "d", &bits, 8);
      put (&v, "f", &float_bits, 4);
      {
        g_autofree char *expected = shmlens_decode_format (SHMLENS_DECODE_DOUBLE_LE, v.bytes + locate (v.type, "d").offset, 8);
        g_autofree char *expected_float = shmlens_decode_format (SHMLENS_DECODE_FLOAT_LE, v.bytes + locate (v.type, "f").offset, 4);
        g_autofree char *actual = format (&v, "d", 0);
        g_autofree char *actual_float = format (&v, "f", 0);

        g_assert_cmpstr (actual, ==, expected);
        g_assert_cmpstr (actual_float, ==, expected_float);
      }

      seconds = i < (int) G_N_ELEMENTS (times) ? times[i]
                : g_rand_int_range (rand, -2000000, 2000000) * (gint64) g_rand_int_range (rand, 1, 150000);
      put (&v, "t", &seconds, 8);
      {
        g_autofree char *expected = shmlens_decode_format (SHMLENS_DECODE_TIME64_LE, v.bytes + locate (v.type, "t").offset, 8);
        g_autofree char *actual = format (&v, "t", 0);

        g_assert_cmpstr (actual, ==, expected);
      }
    }
  values_clear (&v);
}

static void
test_values_long_double (void)
{
  Values v;
  static const struct { long double value; const char *text; } cases[] = {
    { 1.5L, "1.5" }, { -0.1L, "-0.1" }, { 0.0L, "0" }, { 1e300L, "1e+300" },
    { 3.0L / 0.0L, "inf" }, { 1e-4000L, "0" },
  };

  values_init (&v);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* the x87 80-bit format: the reference machine's own long double */
      put (&v, "ld", &cases[i].value, 10);
      ASSERT_FORMAT (&v, "ld", 0, cases[i].text);
    }
  {
    long double nan_value = NAN;

    put (&v, "ld", &nan_value, 10);
    ASSERT_FORMAT (&v, "ld", 0, "nan");
  }
  values_clear (&v);
}

static void
test_values_strings (void)
{
  Values v;
  static const struct { const char *bytes; gsize length; const char *text; } cases[] = {
    { "eth0\0junk", 8, "\"eth0\"" },
    { "", 1, "\"\"" },
    { "12345678", 8, "\"12345678\"" },            /* no NUL: the whole array */
    { "tab\there", 8, "\"tab\\there\"" },
    { "caf\xc3\xa9", 6, "\"café\"" },
    { "\xff\xfe" "ok", 5, "\"\\xff\\xfeok\"" },
    { "say \"hi\"", 8, "\"say \\x22hi\\x22\"" },
    { "a\\b", 4, "\"a\\\\b\"" },
    { "\x1b[31m", 6, "\"\\x1b[31m\"" },
  };
  ShmlensLeaf leaf;

  values_init (&v);
  leaf = locate (v.type, "name");
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      memset (v.bytes + leaf.offset, 0, 8);
      memcpy (v.bytes + leaf.offset, cases[i].bytes, cases[i].length);
      ASSERT_FORMAT (&v, "name", 0, cases[i].text);
    }
  ASSERT_FORMAT (&v, "name[1]", 0, "91 '['");  /* one char of it */
  values_clear (&v);
}

static void
test_values_unavailable (void)
{
  Values v;
  ShmlensLeaf leaf;
  g_autoptr(GString) out = g_string_new (NULL);
  guint32 u32 = 7;

  values_init (&v);
  put (&v, "u32", &u32, 4);
  leaf = locate (v.type, "u32");

  /* a window from the leaf's offset on, one byte short, after it, before it */
  shmlens_leaf_format (&leaf, v.bytes + leaf.offset, leaf.offset, 4, 0, out);
  g_assert_cmpstr (out->str, ==, "7");
  g_string_truncate (out, 0);
  shmlens_leaf_format (&leaf, v.bytes + leaf.offset, leaf.offset, 3, 0, out);
  g_assert_cmpstr (out->str, ==, U);
  g_string_truncate (out, 0);
  shmlens_leaf_format (&leaf, v.bytes, leaf.offset + 1, 100, 0, out);
  g_assert_cmpstr (out->str, ==, U);
  g_string_truncate (out, 0);
  shmlens_leaf_format (&leaf, NULL, 0, 0, 0, out);
  g_assert_cmpstr (out->str, ==, U);
  g_string_truncate (out, 0);
  shmlens_leaf_format (&leaf, v.bytes, 0, leaf.offset, 0, out);
  g_assert_cmpstr (out->str, ==, U);

  /* a string: available when the window holds its NUL, even if not the array */
  leaf = locate (v.type, "name");
  memcpy (v.bytes + leaf.offset, "ab\0", 3);
  g_string_truncate (out, 0);
  shmlens_leaf_format (&leaf, v.bytes, 0, leaf.offset + 3, 0, out);
  g_assert_cmpstr (out->str, ==, "\"ab\"");
  g_string_truncate (out, 0);
  shmlens_leaf_format (&leaf, v.bytes, 0, leaf.offset + 2, 0, out);
  g_assert_cmpstr (out->str, ==, U);
  values_clear (&v);
}

static void
test_values_numbers_and_changes (void)
{
  Values v;
  guint8 before[512];
  ShmlensLeaf leaf;
  double value;
  float f = 2.5f;
  gint16 i16 = -300;
  gint64 ts[2] = { 100, 500000000 };

  values_init (&v);
  put (&v, "f", &f, 4);
  put (&v, "i16", &i16, 2);
  put (&v, "ts", ts, 16);
  put_bits (&v, "sbits", 0x1e);

  leaf = locate (v.type, "f");
  g_assert_true (shmlens_leaf_get_double (&leaf, v.bytes, 0, sizeof v.bytes, 0, &value));
  g_assert_cmpfloat (value, ==, 2.5);
  leaf = locate (v.type, "i16");
  g_assert_true (shmlens_leaf_get_double (&leaf, v.bytes, 0, sizeof v.bytes, 0, &value));
  g_assert_cmpfloat (value, ==, -300);
  leaf = locate (v.type, "sbits");
  g_assert_true (shmlens_leaf_get_double (&leaf, v.bytes, 0, sizeof v.bytes, 0, &value));
  g_assert_cmpfloat (value, ==, -2);
  leaf = locate (v.type, "ts");
  g_assert_true (shmlens_leaf_get_double (&leaf, v.bytes, 0, sizeof v.bytes, 0, &value));
  g_assert_cmpfloat (value, ==, 100.5);
  leaf = locate (v.type, "p");
  g_assert_false (shmlens_leaf_get_double (&leaf, v.bytes, 0, sizeof v.bytes, 0, &value));
  leaf = locate (v.type, "name");
  g_assert_false (shmlens_leaf_get_double (&leaf, v.bytes, 0, sizeof v.bytes, 0, &value));
  leaf = locate (v.type, "u64");
  g_assert_false (shmlens_leaf_get_double (&leaf, v.bytes, 0, 8, 0, &value));

  /* changes: a bit-field's neighbours and what follows a string's NUL do not count */
  memcpy (before, v.bytes, sizeof before);
  put_bits (&v, "ubits", 3);
  leaf = locate (v.type, "sbits");
  g_assert_false (shmlens_leaf_differs (&leaf, before, v.bytes, 0, sizeof before));
  leaf = locate (v.type, "ubits");
  g_assert_true (shmlens_leaf_differs (&leaf, before, v.bytes, 0, sizeof before));
  memcpy (before, v.bytes, sizeof before);
  put (&v, "name", "ab\0x", 4);
  memcpy (before + locate (v.type, "name").offset, "ab\0y", 4);
  leaf = locate (v.type, "name");
  g_assert_false (shmlens_leaf_differs (&leaf, before, v.bytes, 0, sizeof before));
  put (&v, "name", "ac\0x", 4);
  g_assert_true (shmlens_leaf_differs (&leaf, before, v.bytes, 0, sizeof before));
  leaf = locate (v.type, "i16");
  g_assert_false (shmlens_leaf_differs (&leaf, before, v.bytes, 0, sizeof before));
  g_assert_true (shmlens_leaf_differs (&leaf, before, v.bytes, 0, leaf.offset + 1) == FALSE);
  g_assert_true (shmlens_leaf_differs (&leaf, before, NULL, 0, sizeof before));
  values_clear (&v);
}

/* ------------------------------------------------------------------------------------
 * Flattened layouts
 * ------------------------------------------------------------------------------------ */

static void
test_flat_layout (void)
{
  g_autoptr(ShmlensLayout) layout =
    parse ("struct rec { short id; char tag[4]; union { int i; float f; }; unsigned a : 3, : 2, b : 3;"
           " int : 0; struct { int x[2]; } pair[2]; int empty[0]; };");
  ShmlensType *rec = lookup (layout, "struct rec");
  static const struct { const char *path; guint64 offset; } expected[] = {
    { "id", 0 }, { "tag", 2 }, { "i", 8 }, { "f", 8 }, { "a", 12 }, { "b", 12 },
    { "pair[0].x[0]", 16 }, { "pair[0].x[1]", 20 }, { "pair[1].x[0]", 24 }, { "pair[1].x[1]", 28 },
  };
  g_autoptr(ShmlensFlatLayout) flat = NULL;
  g_autoptr(ShmlensFlatLayout) records = NULL;
  g_autoptr(GError) error = NULL;
  const ShmlensLeaf *leaves;
  gsize n;

  g_assert_cmpuint (shmlens_type_get_size (rec), ==, 32);
  flat = shmlens_flat_layout_new (rec, 0, 1, 1000, &error);
  g_assert_no_error (error);
  leaves = shmlens_flat_layout_get_leaves (flat, &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpstr (leaves[i].path, ==, expected[i].path);
      g_assert_cmpuint (leaves[i].offset, ==, expected[i].offset);
    }
  g_assert_true (leaves[5].is_bitfield);
  g_assert_cmpuint (leaves[5].bit_offset, ==, 5);
  g_assert_cmpint (leaves[1].kind, ==, SHMLENS_VALUE_KIND_STRING);
  g_assert_cmpuint (shmlens_flat_layout_get_end (flat), ==, 32);

  /* records one after another, from an origin in the segment */
  records = shmlens_flat_layout_new (rec, 4096, 3, 1000, &error);
  g_assert_no_error (error);
  leaves = shmlens_flat_layout_get_leaves (records, &n);
  g_assert_cmpuint (n, ==, 3 * G_N_ELEMENTS (expected));
  g_assert_cmpstr (leaves[0].path, ==, "[0].id");
  g_assert_cmpstr (leaves[13].path, ==, "[1].f");
  g_assert_cmpuint (leaves[13].offset, ==, 4096 + 32 + 8);
  g_assert_cmpstr (leaves[29].path, ==, "[2].pair[1].x[1]");
  g_assert_cmpuint (shmlens_flat_layout_get_end (records), ==, 4096 + 96);

  /* formatting from a window of the segment, at the segment's offsets */
  {
    guint8 window[96] = { 0 };
    g_autoptr(GString) out = g_string_new (NULL);

    window[32] = 7;  /* [1].id */
    shmlens_leaf_format (&leaves[10], window, 4096, sizeof window, 0, out);
    g_assert_cmpstr (out->str, ==, "7");
  }

  /* a scalar: one leaf, no path */
  {
    g_autoptr(ShmlensFlatLayout) scalar = shmlens_flat_layout_new (lookup (layout, "uint32_t"), 0, 1, 1, &error);

    g_assert_no_error (error);
    leaves = shmlens_flat_layout_get_leaves (scalar, &n);
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpstr (leaves[0].path, ==, "");
  }
}

static void
test_flat_layout_errors (void)
{
  g_autoptr(ShmlensLayout) layout =
    parse ("struct big { int a[1000][1000]; }; struct huge { char c[1L << 40][1L << 19]; }; struct fwd;");
  g_autoptr(GError) error = NULL;

  g_assert_null (shmlens_flat_layout_new (lookup (layout, "struct big"), 0, 1, 999999, &error));
  g_assert_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "“struct big” has 1000000 values in 1 record, more than the 999999 allowed");
  g_clear_error (&error);
  g_assert_null (shmlens_flat_layout_new (lookup (layout, "struct big"), 0, 2, 1000000, &error));
  g_assert_cmpstr (error->message, ==, "“struct big” has 2000000 values in 2 records, more than the 1000000 allowed");
  g_clear_error (&error);
  g_assert_null (shmlens_flat_layout_new (lookup (layout, "struct huge"), 0, 1, 1000000, &error));
  g_assert_cmpstr (error->message, ==, "“struct huge” has 1099511627776 values in 1 record, more than the 1000000 allowed");
  g_clear_error (&error);
  g_assert_null (shmlens_flat_layout_new (lookup (layout, "struct huge"), 0, 1L << 40, 1000000, &error));
  g_assert_cmpstr (error->message, ==, "1099511627776 records of “struct huge” from offset 0 go past the largest offset");
  g_clear_error (&error);
  g_assert_null (shmlens_flat_layout_new (lookup (layout, "struct fwd"), 0, 1, 1000000, &error));
  g_assert_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "“struct fwd” has no layout: it is incomplete");
  g_clear_error (&error);

  /* eight one-bit values a byte: more values than a 64-bit count holds */
  {
    g_autoptr(ShmlensLayout) bits =
      parse ("struct flags { unsigned char a:1, b:1, c:1, d:1, e:1, f:1, g:1, h:1; };"
             " struct bits { struct flags x[1L << 59]; };");

    g_assert_null (shmlens_flat_layout_new (lookup (bits, "struct bits"), 0, 8, 1000000, &error));
    g_assert_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_TOO_LARGE);
    g_assert_cmpstr (error->message, ==, "“struct bits” has more than 18446744073709551615 values in 8 records, "
                     "more than the 1000000 allowed");
  }
}

/* ------------------------------------------------------------------------------------
 * Threads
 * ------------------------------------------------------------------------------------ */

typedef struct
{
  ShmlensType *type;   /* a reference of the thread's own */
  const guint8 *bytes;
  gsize length;
  char *text;
} Work;

static gpointer
format_all (gpointer data)
{
  Work *work = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensFlatLayout) flat = shmlens_flat_layout_new (work->type, 0, 1, 100000, &error);
  GString *out = g_string_new (NULL);
  const ShmlensLeaf *leaves;
  gsize n;

  g_assert_no_error (error);
  leaves = shmlens_flat_layout_get_leaves (flat, &n);
  for (int round = 0; round < 50; round++)
    {
      g_string_truncate (out, 0);
      for (gsize i = 0; i < n; i++)
        {
          g_string_append (out, leaves[i].path);
          g_string_append_c (out, '=');
          shmlens_leaf_format (&leaves[i], work->bytes, 0, work->length, 0, out);
          /* names of pointers, arrays and qualified types are spelled when first
           * asked: by whichever thread asks first */
          g_string_append (out, " : ");
          g_string_append (out, shmlens_type_get_name (leaves[i].type));
          g_string_append_c (out, '\n');
        }
    }
  work->text = g_string_free (out, FALSE);
  shmlens_type_unref (work->type);
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(ShmlensLayout) layout = parse (values_header);
  ShmlensType *type = lookup (layout, "struct v");
  guint8 bytes[512];
  Work work[4];
  GThread *threads[4];

  for (gsize i = 0; i < sizeof bytes; i++)
    bytes[i] = (guint8) (i * 37 + 11);
  for (int i = 0; i < 4; i++)
    {
      work[i] = (Work) { shmlens_type_ref (type), bytes, sizeof bytes, NULL };
      threads[i] = g_thread_new ("format", format_all, &work[i]);
    }
  /* the layout outlives this reference: the threads hold their own */
  g_clear_pointer (&layout, shmlens_layout_unref);
  for (int i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  for (int i = 1; i < 4; i++)
    g_assert_cmpstr (work[i].text, ==, work[0].text);
  g_assert_nonnull (strstr (work[0].text, "\ncolor="));
  for (int i = 0; i < 4; i++)
    g_free (work[i].text);
}

/* ------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------ */

static const struct
{
  const char *source;
  ShmlensLayoutError code;
  const char *message;
} error_cases[] = {
  { "struct s { int a; /* oops",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:19: unterminated comment: expected “*/” before the end of the file" },
  { "#define F(x) x\nint a[F(1];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:7: unterminated argument list invoking macro “F”: expected “)” before the end of the file" },
  { "#define F(a, b) a\nint a[F(1)];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:7: macro “F” takes 2 arguments, but 1 was given" },
  { "#define F(a) a\nint a[F(1, 2)];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:7: macro “F” takes 1 argument, but 2 were given" },
  { "#define G() 1\nint a[G(1, 2)];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:7: macro “G” takes 0 arguments, but 2 were given" },
  { "_Pragma(\"pack(1)\") struct s { int a; };",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:1: the “_Pragma” operator is not supported; write “#pragma” on a line of its own" },
  { "#include foo.h",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:10: expected a header name, \"FILE\" or <FILE>, after “#include”, found “foo”" },
  { "#include",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:9: expected a header name, \"FILE\" or <FILE>, after “#include”, found the end of the line" },
  { "#define 3 x",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:9: expected a macro name after “#define”, found “3”" },
  { "#define F(1) x",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:11: expected a parameter name in the parameter list of macro “F”, found “1”" },
  { "#define F(a b) x",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:13: expected “,” or “)” in the parameter list of macro “F”, found “b”" },
  { "#define F(a",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:12: expected “,” or “)” in the parameter list of macro “F”, found the end of the line" },
  { "#undef",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: expected a macro name after “#undef”, found the end of the line" },
  { "#if defined\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:12: expected a macro name after “defined”, found the end of the line" },
  { "#if defined(X\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:14: expected “)” after “defined (NAME”, found the end of the line" },
  { "#if __has_include\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:18: expected “(” after “__has_include”, found the end of the line" },
  { "#if __has_attribute x\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:21: expected “(” after “__has_attribute”, found “x”" },
  { "#if __has_include(foo)\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:19: expected a header name, \"FILE\" or <FILE>, found “foo”" },
  { "#if __has_attribute(1)\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:21: expected an attribute name, found “1”" },
  { "#if __has_include(<stdint.h>\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:29: expected “)”, found the end of the line" },
  { "#if\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:4: expected an expression after “#if”, found the end of the line" },
  { "#if 0\n#elif\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:6: expected an expression after “#elif”, found the end of the line" },
  { "#ifdef\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: expected a macro name after “#ifdef”, found the end of the line" },
  { "#ifndef 1\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:9: expected a macro name after “#ifndef”, found “1”" },
  { "#pragma pack(foo)",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:14: expected “push”, “pop”, an alignment or “)” in “#pragma pack (…)”, found “foo”" },
  { "#pragma pack",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:13: expected “(” after “#pragma pack”, found the end of the line" },
  { "#pragma pack 4",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:14: expected “(” after “#pragma pack”, found “4”" },
  { "#pragma pack(push, 2",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:21: expected “)” to close “#pragma pack (…)”, found the end of the line" },
  { "#pragma pack(4) x",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:17: expected the end of the line after “#pragma pack (…)”, found “x”" },
  { "#include <linux/types.h>",
    SHMLENS_LAYOUT_ERROR_INCLUDE,
    "t.h:1:10: cannot include <linux/types.h>: Shmlens knows the standard C headers, <sys/types.h>, <time.h>, <pthread.h> and <semaphore.h> without reading them, and reads no other header; declare what this file needs from <linux/types.h> in it" },
  { "#include \"common.h\"",
    SHMLENS_LAYOUT_ERROR_INCLUDE,
    "t.h:1:10: cannot include “common.h”: Shmlens reads one header by itself; paste the declarations this file needs from “common.h” into it" },
  { "#define defined 1",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:9: “defined” cannot be used as a macro name" },
  { "#define F(a, ...) a",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:14: variadic macros are not supported (in macro “F”)" },
  { "#define F(a, a) a",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:14: duplicate parameter “a” in macro “F”" },
  { "#define CAT(a, b) a ## b",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:21: the “##” operator (token pasting) is not supported (in macro “CAT”)" },
  { "#define STR(a) #a",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:16: the “#” operator (stringizing) is not supported (in macro “STR”)" },
  { "#define EMPTY\n#if EMPTY\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:10: expected an expression after “#if”, found nothing after its macros were expanded" },
  { "#elif 1",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:2: “#elif” without “#if”" },
  { "#else",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:2: “#else” without “#if”" },
  { "#if 1\n#else\n#else\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:3:2: “#else” after “#else” (the “#if” is at line 1)" },
  { "#if 0\n#else\n#elif 1\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:3:2: “#elif” after “#else” (the “#if” is at line 1)" },
  { "struct a;\n#ifndef X\n#else\n#else\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:4:2: “#else” after “#else” (the “#ifndef” is at line 2)" },
  { "#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:2: “#endif” without “#if”" },
  { "#pragma pack(3)",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:14: the alignment in “#pragma pack” must be 1, 2, 4, 8 or 16, not “3”" },
  { "#pragma scalar_storage_order big-endian",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:9: “#pragma scalar_storage_order” is not supported: choose the byte order when the values are shown" },
  { "#pragma push_macro(\"X\")",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:9: “#pragma push_macro” and “#pragma pop_macro” are not supported" },
  { "#error this header is not for you",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:2: #error this header is not for you" },
  { "#error",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:2: #error" },
  { "#line 10",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:2: “#line” is not supported" },
  { "#include_next <stdint.h>",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:2: “#include_next” is not supported" },
  { "# 1 \"t.c\"",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:3: line markers (“# NUMBER”) are not supported: give Shmlens the header itself, not the preprocessor's output" },
  { "#foo",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:2: invalid preprocessing directive “#foo”" },
  { "#ifdef X\nstruct s { int a; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:2: unterminated “#ifdef”: expected “#endif” before the end of the file" },
  { "#ifndef T_H\n#define T_H\n#if 1\nint a;\n#endif\n",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:2: unterminated “#ifndef”: expected “#endif” before the end of the file" },
  { "int a[(int) 2.5];",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:13: floating-point constant “2.5” in an integer constant expression is not supported" },
  { "int a[09];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: invalid digit “9” in the integer constant “09”" },
  { "int a[99999999999999999999];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:7: the integer constant “99999999999999999999” is too large for any integer type" },
  { "int a[0x];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: invalid integer constant “0x”" },
  { "int a[12abc];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: invalid suffix “abc” on the integer constant “12abc”" },
  { "int a[''];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: empty character constant “''”" },
  { "int a['\\x'];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: “\\x” used with no following hex digits in “'\\\\x'”" },
  { "int a['\\q'];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: unknown escape sequence in “'\\\\q'”" },
  { "int a['ab'];",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:7: multi-character constant “'ab'” is not supported" },
  { "typedef void fn(int);\nint a[sizeof (fn)];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:15: invalid application of “sizeof” to the function type “fn”" },
  { "struct x;\nint a[sizeof (struct x)];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:15: invalid application of “sizeof” to the incomplete type “struct x”" },
  { "struct x;\nint a[_Alignof (struct x)];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:17: invalid application of “_Alignof” to the incomplete type “struct x”" },
  { "typedef void fn(int);\nint a[_Alignof (fn)];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:17: invalid application of “_Alignof” to the function type “fn”" },
  { "struct x;\nint a[__builtin_offsetof (struct x, y)];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:27: invalid application of “offsetof” to the incomplete type “struct x”" },
  { "typedef void fn(int);\nint a[offsetof (fn, x)];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:17: invalid application of “offsetof” to the function type “fn”" },
  { "struct t { int z[3]; };\nint a[__builtin_offsetof (struct t, z[-1])];",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:2:37: a negative index in “offsetof” is not supported" },
  { "struct t { int z[3]; };\nint a[__builtin_offsetof (struct t, q)];",
    SHMLENS_LAYOUT_ERROR_NOT_FOUND,
    "t.h:2:37: “struct t” has no member named “q”" },
  { "struct t { int b:3; };\nint a[__builtin_offsetof (struct t, b)];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:37: cannot apply “offsetof” to the bit-field “b”" },
  { "int a[(void *) 0];",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:8: a cast to “void *” in an integer constant expression is not supported" },
  { "int a[(int 1];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:12: expected “)” after the type of a cast, found “1”" },
  { "int a[FOO];",
    SHMLENS_LAYOUT_ERROR_NOT_FOUND,
    "t.h:1:7: “FOO” is not a constant: expected a number, a macro or an enumerator" },
  { "int a[\"abc\"];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:7: the string “\"abc\"” is not an integer constant" },
  /* a long token is cut at 40 bytes, here before the “é” that straddles byte 40 */
  { "int a[\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxé yz\"];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:7: the string “\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…” is not an integer constant" },
  { "int a[;",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: expected an integer constant expression, found “;”" },
  { "int a[1 << 40];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:9: shift count 40 is not between 0 and the width of “int” (32 bits)" },
  { "int a[1 << -1];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:9: shift count -1 is not between 0 and the width of “int” (32 bits)" },
  { "int a[1 / 0];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:9: division by zero in a constant expression" },
  { "int a[sizeof (int];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:18: expected “)” after the type in “sizeof (”, found “]”" },
  { "int a[_Alignof (int];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:20: expected “)” after the type in “_Alignof (”, found “]”" },
  { "int a[__builtin_offsetof int];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:26: expected “(” after “offsetof”, found “int”" },
  { "struct t { int z; };\nint a[__builtin_offsetof (struct t z)];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:36: expected “,” after the type in “offsetof (”, found “z”" },
  { "struct t { int z; };\nint a[__builtin_offsetof (struct t, 1)];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:37: expected a member name in “offsetof”, found “1”" },
  { "struct t { int z[2]; };\nint a[__builtin_offsetof (struct t, z[1)];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:40: expected “]” after the index in “offsetof”, found “)”" },
  { "struct t { int z; };\nint a[__builtin_offsetof (struct t, z];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:38: expected “)” to close “offsetof (”, found “]”" },
  { "int a[(int) 1;",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:14: expected “]” after the array size, found “;”" },
  { "int a[(1 + 2];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:13: expected “)” to close the parenthesis, found “]”" },
  { "int a[1 ? 2];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:12: expected “:” in the conditional expression, found “]”" },
  { "#if 1 2\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: expected an operator or the end of the line, found “2”" },
  { "#if 1 +\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:8: expected an integer constant expression, found the end of the line" },
  { "#define F(a, b) a\n#if F(1)\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:5: macro “F” takes 2 arguments, but 1 was given" },
  { "#if 1 << 64\n#endif",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:7: shift count 64 is not between 0 and the width of “long” (64 bits)" },
  { "#if 1 % 0\n#endif",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:7: division by zero in a constant expression" },
  { "struct s { int a;\n#pragma pack(1)\nchar b; };",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:2:9: “#pragma pack” inside a struct or union is not supported; put it before the definition" },
  { "#pragma pack(pop)",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:9: “#pragma pack (pop)” without a matching “#pragma pack (push)”" },
  { "struct s { int a \"x; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:18: missing the closing \" of “\"x; };”" },
  { "struct s { char c['x]; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:19: missing the closing ' of “'x]; };”" },
  { "int f(int x;",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:13: expected “)” to close the “(” at line 1, found the end of the file" },
  { "int f (void)\n{\n  return 0;\n",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:4:1: expected “}” to close the “{” at line 2, found the end of the file" },
  { "struct s { int a __attribute__((foo)); };",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:33: unknown attribute “foo”: Shmlens cannot tell whether it changes the layout" },
  { "struct s { int a __attribute__((mode(DI))); };",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:33: the attribute “mode” is not supported" },
  { "struct s { int a __attribute__ x; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:32: expected “(” after “__attribute__”, found “x”" },
  { "struct s { int a __attribute__ (x); };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:33: expected “(” after “__attribute__ (”, found “x”" },
  { "struct s { int a __attribute__((1)); };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:33: expected an attribute name, found “1”" },
  { "struct s { int a __attribute__((aligned(8]; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:42: expected “)” after the alignment, found “]”" },
  { "struct s { int a __attribute__((packed unused)); };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:40: expected “,” between attributes, found “unused”" },
  { "struct s { int a __attribute__((packed) x; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:41: expected “)” to close “__attribute__ ((”, found “x”" },
  { "struct s { int a __attribute__((aligned(3))); };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:41: requested alignment 3 is not a positive power of 2" },
  { "struct s { int a __attribute__((aligned(1 << 29))); };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:41: requested alignment 536870912 is larger than 2^28" },
  { "struct s { _Alignas (3) int a; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:22: requested alignment 3 is not a positive power of 2" },
  { "int x asm;",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:10: expected “(” after “asm”, found “;”" },
  { "struct s { static int a; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:12: a member cannot be declared “static”" },
  { "int a[sizeof (int static)];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:19: expected a type name, found “static”" },
  { "struct s { _Atomic(int[2]) a; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:20: “_Atomic” cannot be applied to the array type “int[2]”" },
  { "struct s { _Atomic (int x; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:25: expected “)” to close “_Atomic (”, found “x”" },
  { "struct s { __int128 a; };",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:12: “__int128” is not supported" },
  { "struct s { int long float a; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:12: invalid combination of type specifiers “int long float”" },
  { "struct s { unsigned float a; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:12: invalid combination of type specifiers “unsigned float”" },
  { "struct x;\nstruct s { _Alignas (struct x) int a; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:22: “_Alignas” of the incomplete type “struct x”" },
  { "struct s { _Alignas 8 int a; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:21: expected “(” after “_Alignas”, found “8”" },
  { "struct s { _Alignas (8 int a; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:24: expected “)” to close “_Alignas (”, found “int”" },
  { "void f (int a[static 3]);\nstruct s { int a[static 3]; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:18: “static”, qualifiers and “*” in “[]” are only allowed in function parameters" },
  { "struct s { int a[-1]; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:18: size of array “a” is negative" },
  { "struct s { char a[1L << 61]; };",
    SHMLENS_LAYOUT_ERROR_TOO_LARGE,
    "t.h:1:19: array “a” is larger than Shmlens lays out (2^60 bytes)" },
  { "struct s { int a[2; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:19: expected “]” after the array size, found “;”" },
  { "struct s { int * __attribute__((aligned(8))) p; };",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:18: attributes after “*” are not supported; put them after the declarator" },
  { "struct s { int (*p; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:19: expected “)” to close the parenthesized declarator, found “;”" },
  { "struct s { int 3; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:16: expected “;” after the member declaration, found “3”" },
  { "struct s { int *3; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:17: expected a name in the declaration, found “3”" },
  { "struct s { int a; }\n",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:1: expected “;” after the declaration, found the end of the file" },
  { "struct s { struct t { int a; } };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:32: expected “;” after the member declaration, found “}”" },
  { "typedef void fn(int);\nstruct s { fn a[2]; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:15: “a” is declared as an array of functions" },
  { "struct x;\nstruct s { struct x a[2]; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:21: array “a” has the incomplete element type “struct x”" },
  { "typedef int I16 __attribute__((aligned(16)));\nstruct s { I16 a[2]; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:16: the alignment of the elements of array “a” (16) is greater than their size (4)" },
  { "struct s { char a[1L << 59][16]; };",
    SHMLENS_LAYOUT_ERROR_TOO_LARGE,
    "t.h:1:18: array “a” is larger than Shmlens lays out (2^60 bytes)" },
  { "struct s { _Atomic (foo) a; };",
    SHMLENS_LAYOUT_ERROR_UNKNOWN_TYPE,
    "t.h:1:21: unknown type name “foo”" },
  { "int a[__builtin_offsetof (1, x)];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:27: expected a type name, found “1”" },
  { "_Static_assert (sizeof (int) == 8, \"int is 64 bits\");",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:1: static assertion failed: \"int is 64 bits\"" },
  { "_Static_assert (0);",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:1: static assertion failed" },
  { "_Static_assert 1;",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:16: expected “(” after “_Static_assert”, found “1”" },
  { "_Static_assert (1, 2);",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:20: expected a string after the condition of “_Static_assert”, found “2”" },
  { "_Static_assert (1, \"x\";",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:23: expected “)” to close “_Static_assert (”, found “;”" },
  { "_Static_assert (1, \"x\")",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:24: expected “;” after “_Static_assert (…)”, found the end of the file" },
  { "struct s { int a; long a; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:24: duplicate member “a” in “struct s”" },
  { "struct s { int a; struct { int a; }; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:19: duplicate member “a” in “struct s”" },
  { "typedef void fn(int);\nstruct s { fn f; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:15: member “f” is declared as a function" },
  { "struct s { float f:3; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:18: bit-field “f” has the invalid type “float”" },
  { "enum e;\nstruct s { enum e f:3; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:19: bit-field “f” has the incomplete type “enum e”" },
  { "struct s { _Alignas(8) int f:3; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:12: “_Alignas” cannot be applied to the bit-field “f”" },
  { "struct s { _Bool b:2; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:18: the width of “b” (2 bits) exceeds its type “_Bool” (1 bit)" },
  { "struct s { int a:33; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:16: the width of “a” (33 bits) exceeds its type “int” (32 bits)" },
  { "struct x;\nstruct s { struct x a; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:21: member “a” has the incomplete type “struct x”" },
  { "struct s { void a; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:17: member “a” has the incomplete type “void”" },
  { "struct s { _Alignas(2) int a; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:12: “_Alignas (2)” cannot lower the alignment of “a” (4 bytes)" },
  { "struct s { _Alignas (2) struct { int x; }; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:12: “_Alignas (2)” cannot lower the alignment of “<anonymous>” (4 bytes)" },
  { "struct s { int a:-1; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:18: negative width in bit-field “a”" },
  { "struct s { int a:0; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:18: zero width for the bit-field “a”" },
  { "struct s { foo a; };",
    SHMLENS_LAYOUT_ERROR_UNKNOWN_TYPE,
    "t.h:1:12: unknown type name “foo”" },
  { "struct s { 3 };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:12: expected a member declaration, found “3”" },
  { "struct s { typedef int a; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:12: a member cannot be declared “typedef”" },
  { "struct s { int a }",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:18: expected “;” after the member declaration, found “}”" },
  { "struct s { int a;",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:18: expected “}” to end “struct s”, found the end of the file" },
  { "union u { int a; int d[]; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:22: flexible array member “d” in a union" },
  { "struct s { int d[]; int a; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:16: flexible array member “d” is not at the end of “struct s”" },
  { "struct s { int d[]; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:16: flexible array member “d” in a struct with no named members" },
  { "struct x { int a; };\nunion x u;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:7: “union x” conflicts with “struct x” declared at line 1" },
  { "union timespec u;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:7: “union timespec” conflicts with the standard “struct timespec”" },
  { "struct x { int a; };\nenum x e;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:6: “enum x” conflicts with “struct x” declared at line 1" },
  { "enum e { A };\nunion e u;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:7: “union e” conflicts with “enum e” declared at line 1" },
  { "union w { int a; };\nstruct w s;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:8: “struct w” conflicts with “union w” declared at line 1" },
  { "struct;",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: expected a tag or “{” after “struct”, found “;”" },
  { "union;",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:6: expected a tag or “{” after “union”, found “;”" },
  { "struct __attribute__((packed)) x y;",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:8: attributes on a struct that is not being defined here are not supported; put them where it is defined" },
  { "union __attribute__((packed)) x y;",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:7: attributes on a union that is not being defined here are not supported; put them where it is defined" },
  { "struct s { int a; };\nstruct s { int b; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:8: redefinition of “struct s” (defined at line 1)" },
  { "struct s { struct s { int a; } b; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:19: nested redefinition of “struct s”" },
  { "enum e { };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:10: expected an enumerator name, found “}”" },
  { "enum e { A, 3 };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:13: expected an enumerator name or “}”, found “3”" },
  { "enum e { A, A };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:13: redeclaration of the enumerator “A”" },
  { "typedef int T;\nenum e { T };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:10: “T” is already declared as a type" },
  { "enum e { A = 0xffffffffffffffff, B };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:34: overflow in the values of “enum e” at “B”" },
  /* the next implicit value is computed in the previous enumerator's type, as gcc
   * does: int when its value fits, else its expression's (long here) */
  { "enum e { A = 0x7fffffffffffffff, B };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:34: overflow in the values of “enum e” at “B”" },
  { "enum e { A = 0x7ffffffe, B, C };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:29: overflow in the values of “enum e” at “C”" },
  { "enum e { A = 0xffffffffU, B };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:27: overflow in the values of “enum e” at “B”" },
  { "enum e { A B };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:12: expected “,” or “}” after the enumerator, found “B”" },
  { "enum;",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:5: expected a tag or “{” after “enum”, found “;”" },
  { "enum __attribute__((packed)) e x;",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:6: attributes on an enum that is not being defined here are not supported; put them where it is defined" },
  { "enum e { A };\nenum e { B };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:6: redefinition of “enum e” (defined at line 1)" },
  { "enum e { A } __attribute__((aligned(8)));",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:14: the attribute “aligned” on an enum is not supported" },
  { "enum e { A = -1, B = 0xffffffffffffffff };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:6: the values of “enum e” do not fit in any integer type" },
  { "struct s { char a[1L << 59]; char b[1L << 59]; char c[1L << 59]; };",
    SHMLENS_LAYOUT_ERROR_TOO_LARGE,
    "t.h:1:8: “struct s” is larger than Shmlens lays out (2^60 bytes)" },
  { "typedef _Alignas(8) int T;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:9: “_Alignas” cannot be used in the typedef “T”" },
  { "typedef struct { int a; } T __attribute__((packed));",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:29: “packed” on the typedef “T” is ignored by gcc; put it after the closing brace of the struct or union" },
  { "enum e { A };\ntypedef int A;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:13: “A” is already declared as an enumerator" },
  { "typedef int T;\ntypedef long T;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:14: conflicting types for “T”: “long” here, “int” at line 1" },
  { "FILE *open_log (int) }",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:22: expected “;” after the function declaration, found “}”" },
  { "int a = 4 };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:11: expected “;” after the initializer, found “}”" },
  { "asm (\"nop\") x",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:13: expected “;” after “asm (…)”, found “x”" },
  { "3;",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:1: expected a declaration, found “3”" },
  { "FILE *log;",
    SHMLENS_LAYOUT_ERROR_UNKNOWN_TYPE,
    "t.h:1:1: unknown type name “FILE”" },
  { "int a b;",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: expected “;” after the declaration, found “b”" },
  { "int a[L'\xff'];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: invalid UTF-8 in the character constant “L'\\xff'”" },
  { "struct s { int a @; };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:18: expected “;” after the member declaration, found “@”" },
  { "typedef void fn(int);\nstruct s { _Atomic (fn) *f; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:21: “_Atomic” cannot be applied to the function type “fn”" },
  { "int a[sizeof (_Alignas (8) int)];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:15: expected a type name, found “_Alignas”" },
  { "struct t { int z; };\nint a[__builtin_offsetof (struct t, z[1])];",
    SHMLENS_LAYOUT_ERROR_NOT_FOUND,
    "t.h:2:37: “z” is not an array" },
  { "struct t { int z[3]; };\nint a[__builtin_offsetof (struct t, z[5])];",
    SHMLENS_LAYOUT_ERROR_NOT_FOUND,
    "t.h:2:37: index 5 is out of range for “z” (3 elements)" },
  { "struct t { int z; };\nint a[__builtin_offsetof (struct t, z.q)];",
    SHMLENS_LAYOUT_ERROR_NOT_FOUND,
    "t.h:2:37: “z” is not a struct or union: it has no member “q”" },
  { "struct x { int a; };\nstruct s { struct x int b; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:21: two or more data types in the declaration specifiers" },
  { "struct s { int struct x b; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:16: two or more data types in the declaration specifiers" },
  { "#pragma pack(push, 32)",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:20: the alignment in “#pragma pack” must be 1, 2, 4, 8 or 16, not “32”" },
  /* names from the header are escaped wherever a message quotes them */
  { "#include \"a\x1b[31mb.h\"",
    SHMLENS_LAYOUT_ERROR_INCLUDE,
    "t.h:1:10: cannot include “a\\x1b[31mb.h”: Shmlens reads one header by itself; paste the declarations this file needs from “a\\x1b[31mb.h” into it" },
  { "#include <a\x1b.h>",
    SHMLENS_LAYOUT_ERROR_INCLUDE,
    "t.h:1:10: cannot include <a\\x1b.h>: Shmlens knows the standard C headers, <sys/types.h>, <time.h>, <pthread.h> and <semaphore.h> without reading them, and reads no other header; declare what this file needs from <a\\x1b.h> in it" },
  { "typedef void fn(int, \"\x1b\");\ntypedef int fn;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:13: conflicting types for “fn”: “int” here, “void(int, \"\\x1b\")” at line 1" },
  { "typedef void fn(char, \"\xff\");\ntypedef int fn;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:13: conflicting types for “fn”: “int” here, “void(char, \"\\xff\")” at line 1" },
  /* a bit-field's width as written, not as it fits in a guint */
  { "struct s { int a : 4294967296; };",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:16: the width of “a” (4294967296 bits) exceeds its type “int” (32 bits)" },
  /* in a directive, the arguments end with the line */
  { "#define F(x) x\n#if F(1\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:5: unterminated argument list invoking macro “F”: expected “)” before the end of the line" },
  { "#define F(x) x\n#pragma pack F(",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:14: unterminated argument list invoking macro “F”: expected “)” before the end of the line" },
  { "#define F(x) x\n#define G(y) F(y\n#define H(z) z\nint a[H(G(1))];",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:14: unterminated argument list invoking macro “F”: expected “)” before the end of an argument of “H”" },
  /* what a built-in macro expands to is where the header names it */
  { "int a[NULL];",
    SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
    "t.h:1:7: a cast to “void *” in an integer constant expression is not supported (in the expansion of “NULL”)" },
  { "int a[INTPTR_MIN];",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:7: size of array “a” is negative (in the expansion of “INTPTR_MIN”)" },
  { "enum e { A NULL };",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:12: expected “,” or “}” after the enumerator, found “(” (in the expansion of “NULL”)" },
  { "#define P (\n#pragma pack P",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:15: expected “push”, “pop”, an alignment or “)” in “#pragma pack (…)”, found the end of the line" },
  /* the first error in the header is the one reported, though the parser looked
   * ahead into the next line */
  { "int a b\n#foo",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: expected “;” after the declaration, found “b”" },
  { "unsigned float a\n#foo",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:1:1: invalid combination of type specifiers “unsigned float”" },
  { "int a;\n#foo",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:2: invalid preprocessing directive “#foo”" },
  { "#if 1\nint a b;",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:7: expected “;” after the declaration, found “b”" },
  { "int a b;\n/* oops",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:7: expected “;” after the declaration, found “b”" },
  { "int a;\n#if 0\n/* oops",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:3:1: unterminated comment: expected “*/” before the end of the file" },
  /* typedefs that gcc too finds different */
  { "typedef struct { int a; } T;\ntypedef struct { int a; } T;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:27: conflicting types for “T”: the “struct <anonymous>” here is a different type from the “struct <anonymous>” at line 1" },
  { "typedef int T __attribute__((aligned(8)));\ntypedef long T;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:14: conflicting types for “T”: “long” here, “int” at line 1" },
  { "typedef int *T;\ntypedef int *const T;",
    SHMLENS_LAYOUT_ERROR_INVALID,
    "t.h:2:20: conflicting types for “T”: “int *const” here, “int *” at line 1" },
  /* what may come, and only that */
  { "#pragma pack(push, foo)",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:20: expected an alignment after “push,” in “#pragma pack (…)”, found “foo”" },
  { "#pragma pack(push,",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:19: expected an alignment after “push,” in “#pragma pack (…)”, found the end of the line" },
  { "#include <stdint.h",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:19: expected “>” to close the header name “<stdint.h”, found the end of the line" },
  { "#include u8\"x.h\"",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:10: expected a header name, \"FILE\" or <FILE>, after “#include”, found “u8\"x.h\"”" },
  { "#include \"x.h",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:1:10: missing the closing \" of the header name “\"x.h”" },
  /* defined made by a macro is read as gcc reads it, and an error in it is on the
   * #if line */
  { "#define D defined(\n#if D\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:6: expected a macro name after “defined”, found the end of the line" },
  { "#define D defined(X\n#if D\n#endif",
    SHMLENS_LAYOUT_ERROR_SYNTAX,
    "t.h:2:6: expected “)” after “defined (NAME”, found the end of the line" },
};

static void
assert_error (const char         *source,
              ShmlensLayoutError  code,
              const char         *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensLayout) layout = shmlens_layout_new (source, -1, "t.h", &error);

  if (layout != NULL)
    g_error ("no error for:\n%s", source);
  if (!g_error_matches (error, SHMLENS_LAYOUT_ERROR, code) || !g_str_equal (error->message, message))
    g_error ("for:\n%s\nexpected (code %d): %s\nactual (code %d): %s", source, code, message,
             error->code, error->message);
}

static void
test_error_messages (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (error_cases); i++)
    assert_error (error_cases[i].source, error_cases[i].code, error_cases[i].message);
}

static void
test_error_limits (void)
{
  GString *text = g_string_new ("#define A0 1+1\n");

  /* macro expansion grows exponentially: it has a budget */
  for (int i = 1; i < 22; i++)
    g_string_append_printf (text, "#define A%d A%d+A%d\n", i, i - 1, i - 1);
  g_string_append (text, "int a[A21];");
  assert_error (text->str, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                "t.h:2:15: the expansion of macro “A0” is too large (more than 1000000 tokens in all)");

  /* deep nesting, in macro arguments and in declarations */
  g_string_assign (text, "#define F(x) x\nint a[");
  for (int i = 0; i < 201; i++)
    g_string_append (text, "F(");
  g_string_append (text, "1");
  for (int i = 0; i < 201; i++)
    g_string_append (text, ")");
  g_string_append (text, "];");
  assert_error (text->str, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                "t.h:2:407: macro invocations nested too deeply in the arguments of “F”");

  g_string_assign (text, "struct s ");
  for (int i = 0; i < 201; i++)
    g_string_append (text, "{ struct ");
  g_string_append (text, "{ int a; }");
  for (int i = 0; i < 201; i++)
    g_string_append (text, " x; }");
  g_string_append (text, ";");
  assert_error (text->str, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                "t.h:1:1810: declarations or expressions nested too deeply (more than 200 levels)");

  g_string_assign (text, "int a[");
  for (int i = 0; i < 300; i++)
    g_string_append (text, "(");
  assert_error (text->str, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                "t.h:1:206: declarations or expressions nested too deeply (more than 200 levels)");

  /* headers, not data */
  g_string_set_size (text, 16 * 1024 * 1024 + 1);
  memset (text->str, ' ', text->len);
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (shmlens_layout_new (text->str, text->len, "big.h", &error));
    g_assert_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_TOO_LARGE);
    g_assert_cmpstr (error->message, ==, "big.h is larger than 16 MiB: Shmlens reads headers, not data");
  }
  g_string_free (text, TRUE);

  /* the file's name in messages is escaped */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (shmlens_layout_new ("struct {", -1, "bad\nname.h", &error));
    g_assert_cmpstr (error->message, ==, "bad\\nname.h:1:9: expected “}” to end “struct <anonymous>”, found the end of the file");
  }
}

static char *
repeat (const char *before,
        const char *unit,
        guint       times,
        const char *after)
{
  GString *text = g_string_new (before);

  for (guint i = 0; i < times; i++)
    g_string_append (text, unit);
  g_string_append (text, after);
  return g_string_free (text, FALSE);
}

/* assert_error() for a long source (taken), shown cut when the test fails */
static void
assert_error_at (char               *source,
                 ShmlensLayoutError  code,
                 const char         *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensLayout) layout = shmlens_layout_new (source, -1, "t.h", &error);

  if (layout != NULL)
    g_error ("no error for:\n%.80s…", source);
  if (!g_error_matches (error, SHMLENS_LAYOUT_ERROR, code) || !g_str_equal (error->message, message))
    g_error ("for:\n%.80s…\nexpected (code %d): %s\nactual (code %d): %s", source, code, message,
             error->code, error->message);
  g_free (source);
}

/* Input the audit found to overflow the stack, run on a stack of 1 MiB (an eighth
 * of the app's main thread) so that any recursion as deep as the input fails here
 * at an eighth of the size. Everything deep either works or stops at a limit. */
static void
deep_input (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  /* expressions: every operator that recurses counts against the nesting limit */
  assert_error_at (repeat ("int a[", "sizeof ", 100000, "1];"), SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   "t.h:1:1407: declarations or expressions nested too deeply (more than 200 levels)");
  assert_error_at (repeat ("int a[", "_Alignof ", 100000, "1];"), SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   "t.h:1:1807: declarations or expressions nested too deeply (more than 200 levels)");
  assert_error_at (repeat ("int a[", "(int) ", 100000, "1];"), SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   "t.h:1:1199: declarations or expressions nested too deeply (more than 200 levels)");
  assert_error_at (repeat ("int a[", "- ", 100000, "1];"), SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   "t.h:1:405: declarations or expressions nested too deeply (more than 200 levels)");
  assert_error_at (repeat ("struct t { int z[1]; };\nint a[", "__builtin_offsetof (struct t, z[", 1000, "0])];"),
                   SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   "t.h:2:6371: declarations or expressions nested too deeply (more than 200 levels)");
  assert_error_at (repeat ("#if ", "- ", 100000, "1\n#endif"), SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   "t.h:1:405: declarations or expressions nested too deeply (more than 200 levels)");
  assert_error_at (repeat ("int a[", "1 ? ", 100000, "1];"), SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   "t.h:1:807: declarations or expressions nested too deeply (more than 200 levels)");
  assert_error_at (repeat ("struct s { ", "_Atomic (", 100000, "int) a; };"), SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   "t.h:1:1812: declarations or expressions nested too deeply (more than 200 levels)");
  assert_error_at (repeat ("int ", "(", 100000, "a);"), SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   "t.h:1:205: declarations or expressions nested too deeply (more than 200 levels)");

  /* __extension__ changes nothing, however many */
  {
    g_autofree char *source = repeat ("struct s { char a[", "__extension__ ", 1000000, "3]; };");
    g_autoptr(ShmlensLayout) layout = parse (source);

    g_assert_cmpuint (shmlens_type_get_size (lookup (layout, "struct s")), ==, 3);
  }

  /* macro invocations in each other's arguments: each level would copy the rest */
  {
    g_autofree char *open = repeat ("#define F(x) x\nint a[", "F(", 100000, "1");
    g_autofree char *close = repeat (open, ")", 100000, "];");

    assert_error_at (g_steal_pointer (&close), SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                     "t.h:2:13: the expansion of macro “F” is too large (more than 1000000 tokens in all)");
  }

  /* a chain of typedefs, each naming the one before: seen through without recursion */
  g_string_assign (text, "typedef int t0 __attribute__((aligned(8)));\n");
  for (guint i = 1; i < 100000; i++)
    g_string_append_printf (text, "typedef t%u t%u;\n", i - 1, i);
  g_string_append (text, "typedef t99998 t99999;\nstruct s { char c; t99999 x; char y; };\n");
  {
    g_autoptr(ShmlensLayout) layout = parse (text->str);
    ShmlensType *s = lookup (layout, "struct s");

    g_assert_cmpuint (shmlens_type_get_alignment (lookup (layout, "t99999")), ==, 8);
    g_assert_cmpuint (locate (s, "x").offset, ==, 8);
    g_assert_cmpuint (shmlens_type_get_size (s), ==, 16);
    g_assert_true (shmlens_type_resolve (lookup (layout, "t99999")) == shmlens_type_resolve (lookup (layout, "t0")));
  }

  /* structs and arrays inside each other: whatever walks a type recurses that deep */
  g_string_assign (text, "struct s0 { int x; };\n");
  for (guint i = 1; i < 300; i++)
    g_string_append_printf (text, "struct s%u { struct s%u a; };\n", i, i - 1);
  assert_error (text->str, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                "t.h:201:27: member “a” is nested too deeply (more than 200 levels of arrays, structs and unions)");
  g_string_assign (text, "typedef int A0[1];\n");
  for (guint i = 1; i < 300; i++)
    g_string_append_printf (text, "typedef A%u A%u[1];\n", i - 1, i);
  assert_error (text->str, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                "t.h:201:14: array “A200” is nested too deeply (more than 200 levels of arrays, structs and unions)");
  g_string_assign (text, "struct s0 { int x; };\n");
  for (guint i = 1; i < 200; i++)
    g_string_append_printf (text, "struct s%u { struct s%u a; };\n", i, i - 1);
  {
    g_autoptr(ShmlensLayout) layout = parse (text->str);
    g_autoptr(ShmlensFlatLayout) flat = shmlens_flat_layout_new (lookup (layout, "struct s199"), 0, 1, 10, &error);
    gsize n_leaves;

    g_assert_no_error (error);
    g_assert_cmpuint (shmlens_flat_layout_get_leaves (flat, &n_leaves)[0].offset, ==, 0);
    g_assert_cmpuint (n_leaves, ==, 1);
  }

  /* structs of two structs of two structs…: 2^64 paths through 65 types */
  g_string_assign (text, "struct e0 { }; struct n0 { int x; }; struct z { struct e0 none[1L << 40]; int x; };\n");
  for (guint i = 1; i <= 64; i++)
    g_string_append_printf (text, "struct e%u { struct e%u a, b; };\n", i, i - 1);
  for (guint i = 1; i <= 48; i++)
    g_string_append_printf (text, "struct n%u { struct n%u a, b; };\n", i, i - 1);
  {
    g_autoptr(ShmlensLayout) layout = parse (text->str);
    g_autoptr(ShmlensFlatLayout) empty = shmlens_flat_layout_new (lookup (layout, "struct e64"), 0, 1, 10, &error);
    g_autoptr(ShmlensFlatLayout) sparse = shmlens_flat_layout_new (lookup (layout, "struct z"), 0, 1, 10, &error);
    gsize n_leaves;

    g_assert_no_error (error);
    shmlens_flat_layout_get_leaves (empty, &n_leaves);
    g_assert_cmpuint (n_leaves, ==, 0);
    g_assert_cmpstr (shmlens_flat_layout_get_leaves (sparse, &n_leaves)[0].path, ==, "x");
    g_assert_cmpuint (n_leaves, ==, 1);
    g_assert_null (shmlens_flat_layout_new (lookup (layout, "struct n48"), 0, 1, 1000000, &error));
    g_assert_cmpstr (error->message, ==, "“struct n48” has 281474976710656 values in 1 record, "
                     "more than the 1000000 allowed");
  }
}

static void
test_error_deep_input (void)
{
  if (g_test_subprocess ())
    {
      struct rlimit stack;

      g_assert_cmpint (getrlimit (RLIMIT_STACK, &stack), ==, 0);
      stack.rlim_cur = MIN (stack.rlim_max, 1024 * 1024);
      g_assert_cmpint (setrlimit (RLIMIT_STACK, &stack), ==, 0);
      deep_input ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A declarator with 100,000 operators, as fast as its text and in memory that
 * grows with it, not with its square (each derived type once copied the name of
 * the one before). Run alone, so that the peak memory is this test's. */
static void
long_declarators (void)
{
  gint64 start = g_get_monotonic_time ();
  struct rusage before, usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &before), ==, 0);

  /* arrays of arrays: stop at the nesting limit */
  assert_error_at (repeat ("int a", "[1]", 100000, ";"), SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   "t.h:1:5: array “a” is nested too deeply (more than 200 levels of arrays, structs and unions)");

  /* pointers to pointers: no limit, and declared twice (compared, not recursed) */
  {
    g_autofree char *once = repeat ("typedef int ", "*", 100000, "p;\n");
    g_autofree char *twice = g_strconcat (once, once, NULL);
    g_autoptr(ShmlensLayout) layout = parse (twice);
    ShmlensType *p = lookup (layout, "p");
    g_autofree char *declaration = shmlens_type_format_declaration (shmlens_type_resolve (p), "q");

    g_assert_cmpuint (strlen (shmlens_type_get_name (shmlens_type_resolve (p))), ==, 4 + 100000);
    g_assert_true (g_str_has_prefix (declaration, "int ***"));
    g_assert_true (g_str_has_suffix (declaration, "**q"));
    g_assert_cmpuint (shmlens_type_get_size (p), ==, 8);
  }
  {
    g_autofree char *source = repeat ("struct s { int ", "*const ", 100000, "p; };");
    g_autoptr(ShmlensLayout) layout = parse (source);
    const ShmlensField *field = shmlens_type_get_field (lookup (layout, "struct s"), 0);

    g_assert_cmpuint (strlen (shmlens_type_get_name (field->type)), ==, 3 + 100000 * strlen (" *const"));
  }

  /* the peak's growth, so that what ran the test before (valgrind) is not counted */
  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  g_test_message ("100,000-operator declarators: %.2f s, peak %ld MiB, %ld MiB more than before",
                  (g_get_monotonic_time () - start) / 1e6, usage.ru_maxrss / 1024,
                  (usage.ru_maxrss - before.ru_maxrss) / 1024);
  g_assert_cmpint (usage.ru_maxrss - before.ru_maxrss, <, 200 * 1024);  /* KiB */
}

static void
test_error_long_declarators (void)
{
  if (g_test_subprocess ())
    {
      long_declarators ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_files (void)
{
  g_autofree char *directory = g_dir_make_tmp ("shmlens-layout-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (directory, "ok.h", NULL);
  g_autofree char *missing = g_build_filename (directory, "missing.h", NULL);
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmlensLayout) layout = NULL;

  g_assert_true (g_file_set_contents (path, "struct s { int a; }\n", -1, NULL));
  g_assert_null (shmlens_layout_new_from_file (path, &error));
  message = g_strdup_printf ("%s:2:1: expected “;” after the declaration, found the end of the file", path);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "struct s { int a; };\n", -1, NULL));
  layout = shmlens_layout_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (shmlens_layout_get_filename (layout), ==, path);
  g_assert_cmpuint (shmlens_type_get_size (lookup (layout, "struct s")), ==, 4);

  g_assert_null (shmlens_layout_new_from_file (missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_free (message);
  message = g_strdup_printf ("Cannot read %s: No such file or directory", missing);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);

  g_assert_null (shmlens_layout_new_from_file (directory, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_free (message);
  message = g_strdup_printf ("Cannot read %s: it is a directory; name a header file", directory);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);

  /* a file that opens but cannot be read: nothing is mapped at address 0 */
  if (g_file_test ("/proc/self/mem", G_FILE_TEST_EXISTS))
    {
      g_assert_null (shmlens_layout_new_from_file ("/proc/self/mem", &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
      g_assert_cmpstr (error->message, ==, "Cannot read /proc/self/mem: Input/output error");
      g_clear_error (&error);
    }

  /* a file with no end is read up to the limit, not forever */
  g_assert_null (shmlens_layout_new_from_file ("/dev/zero", &error));
  g_assert_error (error, SHMLENS_LAYOUT_ERROR, SHMLENS_LAYOUT_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "/dev/zero is larger than 16 MiB: Shmlens reads headers, not data");

  g_unlink (path);
  g_rmdir (directory);
}

static void
test_data_layouts (void)
{
  static const struct { const char *file; const char *type; guint64 size; const char *path; guint64 offset; } headers[] = {
    { "proctable.h", "struct proctable", 2616, "clients[2].heartbeat", 480 },
    { "proctable.h", "struct proctable", 2616, "clients[3].stats.failures", 680 },
    { "proctable.h", "struct proctable", 2616, "clients[15].restarts", 2608 },
    { "telemetry.h", "struct telemetry_block", 1568, "sensors[3].last.value", 560 },
    { "telemetry.h", "struct telemetry_block", 1568, "stats.load_average[2]", 120 },
    { "ringbuffer.h", "struct ring_buffer", 4352, "tail.position", 128 },
    { "ringbuffer.h", "struct ring_buffer", 4352, "records[31].payload", 4181 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "layouts",
                                                     headers[i].file, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(ShmlensLayout) layout = shmlens_layout_new_from_file (path, &error);
      ShmlensType *type;

      g_assert_no_error (error);
      type = shmlens_layout_get_default_type (layout, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (shmlens_type_get_name (type), ==, headers[i].type);
      g_assert_cmpuint (shmlens_type_get_size (type), ==, headers[i].size);
      g_assert_cmpuint (locate (type, headers[i].path).offset, ==, headers[i].offset);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shmlens/layout/abi/gcc-layouts", test_gcc_layouts);
  g_test_add_func ("/shmlens/layout/abi/base-and-standard-types", test_base_types);
  g_test_add_func ("/shmlens/layout/abi/enum-sizes", test_enum_sizes);
  g_test_add_func ("/shmlens/layout/parse/enumerators", test_enumerators);
  g_test_add_func ("/shmlens/layout/parse/comments-and-splices", test_comments_and_splices);
  g_test_add_func ("/shmlens/layout/parse/macros", test_macros);
  g_test_add_func ("/shmlens/layout/parse/conditionals-and-includes", test_conditionals);
  g_test_add_func ("/shmlens/layout/parse/constant-expressions", test_expressions);
  g_test_add_func ("/shmlens/layout/parse/static-assert", test_static_assert);
  g_test_add_func ("/shmlens/layout/parse/typedef-redeclared", test_typedef_redeclared);
  g_test_add_func ("/shmlens/layout/parse/declarations-without-layout", test_declarations_without_layout);
  g_test_add_func ("/shmlens/layout/types/names-and-declarations", test_type_names);
  g_test_add_func ("/shmlens/layout/types/lookup-and-list", test_lookup_and_lists);
  g_test_add_func ("/shmlens/layout/types/default-type", test_default_type);
  g_test_add_func ("/shmlens/layout/types/fields", test_fields);
  g_test_add_func ("/shmlens/layout/paths/locate", test_paths);
  g_test_add_func ("/shmlens/layout/paths/errors", test_path_errors);
  g_test_add_func ("/shmlens/layout/paths/byte-to-field", test_offsets);
  g_test_add_func ("/shmlens/layout/values/integers-both-orders", test_values_integers);
  g_test_add_func ("/shmlens/layout/values/bit-fields", test_values_bitfields);
  g_test_add_func ("/shmlens/layout/values/chars-bools-enums-pointers-dates", test_values_kinds);
  g_test_add_func ("/shmlens/layout/values/same-text-as-the-data-inspector", test_values_match_the_data_inspector);
  g_test_add_func ("/shmlens/layout/values/long-double", test_values_long_double);
  g_test_add_func ("/shmlens/layout/values/strings-escaped", test_values_strings);
  g_test_add_func ("/shmlens/layout/values/unavailable-past-the-window", test_values_unavailable);
  g_test_add_func ("/shmlens/layout/values/numbers-and-changes", test_values_numbers_and_changes);
  g_test_add_func ("/shmlens/layout/flat/leaves-and-records", test_flat_layout);
  g_test_add_func ("/shmlens/layout/flat/errors", test_flat_layout_errors);
  g_test_add_func ("/shmlens/layout/threads/shared-layout", test_threads);
  g_test_add_func ("/shmlens/layout/errors/every-message", test_error_messages);
  g_test_add_func ("/shmlens/layout/errors/limits", test_error_limits);
  g_test_add_func ("/shmlens/layout/errors/deep-input", test_error_deep_input);
  g_test_add_func ("/shmlens/layout/errors/long-declarators", test_error_long_declarators);
  g_test_add_func ("/shmlens/layout/errors/files", test_files);
  g_test_add_func ("/shmlens/layout/data-layouts", test_data_layouts);

  return g_test_run ();
}
