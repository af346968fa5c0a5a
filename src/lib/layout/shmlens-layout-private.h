/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-layout-private.h: what the layout engine's lexer, preprocessor, parser, ABI rules and values share. */
#pragma once

#include "shmlens-layout.h"

G_BEGIN_DECLS

/* ------------------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------------------ */

/* A typedef or a qualified type: a name for another type, which every public
 * accessor sees through. Not a public ShmlensTypeKind. */
#define SHMLENS_TYPE_KIND_ALIAS 100

typedef enum
{
  SHMLENS_TYPE_HINT_NONE,
  SHMLENS_TYPE_HINT_TIME,        /* time_t: shown as a date */
  SHMLENS_TYPE_HINT_TIMESPEC,    /* struct timespec: a date with nanoseconds */
  SHMLENS_TYPE_HINT_PLAIN_CHAR,  /* char, as opposed to signed or unsigned char */
} ShmlensTypeHint;

enum
{
  SHMLENS_QUAL_CONST = 1 << 0,
  SHMLENS_QUAL_VOLATILE = 1 << 1,
  SHMLENS_QUAL_RESTRICT = 1 << 2,
  SHMLENS_QUAL_ATOMIC = 1 << 3,
};

typedef struct
{
  char *name;
  guint64 value;      /* two's complement */
  gboolean negative;  /* value is below zero (else it is read as unsigned) */
} ShmlensEnumerator;

struct _ShmlensType
{
  ShmlensLayout *layout;  /* not a reference: the layout owns its types */
  guint8 kind;            /* ShmlensTypeKind or SHMLENS_TYPE_KIND_ALIAS */
  guint8 hint;            /* ShmlensTypeHint */
  guint8 qualifiers;      /* ALIAS: SHMLENS_QUAL_* it adds */
  guint8 chain_qualifiers;  /* ALIAS: every qualifier down to the resolved type */
  gboolean is_typedef;    /* ALIAS: a typedef (else a qualified type) */
  gboolean is_signed;
  gboolean complete;
  gboolean packed;        /* struct, union, enum: __attribute__((packed)) */
  gboolean flexible;      /* array: declared with [] */
  gboolean builtin;       /* known without reading a header */
  gboolean defining;      /* struct, union: its body is being parsed */
  gboolean chain_atomic;  /* ALIAS: _Atomic down to the typedef that sets chain_align */
  gboolean chain_time;    /* ALIAS: time_t is on the chain */
  guint64 size;           /* bytes */
  guint align;            /* bytes; ALIAS: a typedef's aligned attribute, 0 for none */
  guint chain_align;      /* ALIAS: the first typedef alignment down the chain; 0: none */
  guint depth;            /* STRUCT, UNION, ARRAY: levels of them, itself included */
  guint named_index;      /* typedef: its place in layout->named */
  /* How C spells the type. Set when the type is made for named types (base types,
   * tags, typedefs); a pointer, array, function or qualified type spells itself
   * from the type it derives from when first asked (shmlens_type_get_name), so
   * that a declarator with many operators does not copy a longer name for each. */
  char *name;
  char *tag;              /* struct, union, enum: the tag, or NULL */
  char *parameters;       /* FUNCTION: the parameter list as written, escaped */
  ShmlensType *target;    /* ALIAS: the type named; ARRAY: element; POINTER: pointee;
                           * FUNCTION: result */
  ShmlensType *resolved;  /* ALIAS: the type at the end of the chain of aliases */
  guint64 count;          /* ARRAY: elements */
  ShmlensField *fields;   /* STRUCT, UNION */
  guint n_fields;
  ShmlensEnumerator *enumerators;  /* ENUM, in declaration order */
  guint *enumerators_by_value;     /* ENUM: indices sorted by value, for lookup */
  guint n_enumerators;
  guint line;             /* where a tagged type was defined, for messages */
  guint column;
};

struct _ShmlensLayout
{
  gatomicrefcount ref_count;
  char *filename;          /* as given, escaped: what messages show */
  GPtrArray *all_types;    /* owns every type */
  GPtrArray *named;        /* tagged definitions and typedefs, in declaration order */
  GHashTable *tags;        /* tag → type, this header's */
  GHashTable *typedefs;    /* name → alias type, this header's */
  GHashTable *builtin_types;  /* "unsigned int", "uint32_t", … */
  GHashTable *builtin_tags;   /* "timespec", … */
  ShmlensType *last_record;   /* the last struct or union defined */
  GStringChunk *strings;   /* field and enumerator names */
};

/* ------------------------------------------------------------------------------------
 * Tokens
 * ------------------------------------------------------------------------------------ */

typedef enum
{
  TOKEN_EOF,
  TOKEN_IDENTIFIER,
  TOKEN_NUMBER,
  TOKEN_CHAR,
  TOKEN_STRING,
  TOKEN_PUNCT,
  TOKEN_INVALID,   /* a stray character or an unterminated literal */
  TOKEN_PRAGMA,    /* #pragma pack, handed to the parser in order */
  TOKEN_ERROR,     /* the preprocessor failed: its error is kept by the parser */
} TokenKind;

typedef enum
{
  P_NONE,
  P_LPAREN, P_RPAREN, P_LBRACE, P_RBRACE, P_LBRACKET, P_RBRACKET,
  P_SEMICOLON, P_COMMA, P_DOT, P_ARROW, P_ELLIPSIS, P_HASH, P_HASHHASH,
  P_QUESTION, P_COLON, P_PLUS, P_MINUS, P_STAR, P_SLASH, P_PERCENT,
  P_AMP, P_PIPE, P_CARET, P_TILDE, P_BANG, P_LT, P_GT, P_LE, P_GE,
  P_EQEQ, P_NE, P_SHL, P_SHR, P_ANDAND, P_OROR, P_ASSIGN,
  P_OTHER,          /* ++, +=, <<= …: only ever skipped */
} Punct;

typedef enum
{
  TOKEN_FLAG_BOL = 1 << 0,    /* first on its line */
  TOKEN_FLAG_SPACE = 1 << 1,  /* white space before it */
} TokenFlags;

typedef enum
{
  PRAGMA_PACK_SET,     /* pack(N), pack() */
  PRAGMA_PACK_PUSH,    /* pack(push), pack(push, N) */
  PRAGMA_PACK_POP,     /* pack(pop) */
} PragmaAction;

typedef struct
{
  guint8 kind;        /* TokenKind */
  guint8 punct;       /* Punct */
  guint8 flags;       /* TokenFlags */
  guint8 pragma;      /* TOKEN_PRAGMA: PragmaAction */
  guint pragma_value; /* TOKEN_PRAGMA: bytes, 0 for none */
  const char *text;   /* in the source, not nul-terminated */
  const char *file;   /* the file's name as messages show it */
  /* A token of a built-in macro's expansion is placed where the header names the
   * macro, and this names the macro (the outermost one, as the header wrote it):
   * the built-in definitions are no place to show the user. NULL otherwise. */
  const char *macro;
  guint length;
  guint line;
  guint column;
} Token;

typedef struct
{
  const char *file;
  guint line;
  guint column;
  const char *macro;  /* a built-in macro whose expansion is there, or NULL */
} Location;

char       *shmlens_layout_lex            (const char  *file,
                                           const char  *text,
                                           gsize        length,
                                           GArray      *tokens,
                                           GError     **error);
gboolean    shmlens_token_is              (const Token *token,
                                           const char  *text);
gboolean    shmlens_token_is_punct        (const Token *token,
                                           Punct        punct);
char       *shmlens_token_dup_text        (const Token *token);
char       *shmlens_token_describe        (const Token *token);
Location    shmlens_token_location        (const Token *token);

void        shmlens_layout_set_error      (GError     **error,
                                           Location     where,
                                           ShmlensLayoutError code,
                                           const char  *format,
                                           ...) G_GNUC_PRINTF (4, 5);

/* ------------------------------------------------------------------------------------
 * Preprocessor
 * ------------------------------------------------------------------------------------ */

typedef struct _Preproc Preproc;

Preproc    *shmlens_preproc_new           (const char  *file,
                                           GArray      *tokens,
                                           GError      *lex_error);
void        shmlens_preproc_free          (Preproc     *pp);
gboolean    shmlens_preproc_next          (Preproc     *pp,
                                           Token       *token,
                                           GError     **error);
gboolean    shmlens_preproc_header_known  (const char  *name,
                                           gboolean     system);

/* ------------------------------------------------------------------------------------
 * Parser and constant expressions
 * ------------------------------------------------------------------------------------ */

typedef struct
{
  guint64 bits;         /* two's complement, extended to 64 bits */
  gboolean is_unsigned;
  guint8 size;          /* 4 (int, unsigned int) or 8 (long, unsigned long) */
} Const;

typedef struct _Parser Parser;

struct _Parser
{
  ShmlensLayout *layout;
  Preproc *pp;              /* NULL for a directive's own tokens */
  GArray *line;             /* a directive's tokens, when pp is NULL */
  guint line_pos;
  GArray *lookahead;        /* tokens read but not consumed */
  guint head;
  gboolean directive;       /* #if: names are 0, numbers are 64 bits */
  gboolean builtin;         /* reading the standard headers' declarations */
  gboolean evaluate;        /* FALSE in the arm of ?:, && or || that is not taken */
  GError *error;            /* the first error; parsing stops at it */
  GError *pp_error;         /* the preprocessor's error, met ahead of the parser: it is
                             * the error only if the parser stops at it without
                             * finding one of its own before it */
  guint pack;               /* #pragma pack in bytes; 0: none */
  GArray *pack_stack;
  guint record_depth;       /* struct and union bodies open */
  guint nesting;            /* recursion, bounded against hostile input */
  GHashTable *enumerators;  /* name → EnumConstant */
};

#define SHMLENS_LAYOUT_MAX_NESTING 200

/* Structs, unions and arrays inside each other: whatever walks a type (flattening
 * it, printing it) may recurse this deep and no deeper. */
#define SHMLENS_LAYOUT_MAX_TYPE_DEPTH 200

gboolean      shmlens_parser_fail          (Parser      *p,
                                            Location     where,
                                            ShmlensLayoutError code,
                                            const char  *format,
                                            ...) G_GNUC_PRINTF (4, 5);
gboolean      shmlens_parser_expected      (Parser      *p,
                                            const char  *message);
const Token  *shmlens_parser_peek          (Parser      *p,
                                            guint        n);
void          shmlens_parser_advance       (Parser      *p);
gboolean      shmlens_parser_accept_punct  (Parser      *p,
                                            Punct        punct);
gboolean      shmlens_parser_expect_punct  (Parser      *p,
                                            Punct        punct,
                                            const char  *message);
gboolean      shmlens_parser_enter         (Parser      *p);
void          shmlens_parser_leave         (Parser      *p);
gboolean      shmlens_parser_starts_type_name (Parser   *p,
                                               const Token *token);
ShmlensType  *shmlens_parser_type_name     (Parser      *p);
gboolean      shmlens_parser_lookup_enumerator (Parser  *p,
                                                const Token *token,
                                                Const   *value);
gboolean      shmlens_parser_parse         (Parser      *p);
gboolean      shmlens_parser_attribute_known (const char *name);

gboolean      shmlens_expr_parse           (Parser      *p,
                                            Const       *value);
gboolean      shmlens_expr_evaluate_line   (GArray      *tokens,
                                            ShmlensLayout *layout,
                                            gboolean    *result,
                                            GError     **error);
gboolean      shmlens_const_is_negative    (const Const *value);
char         *shmlens_const_to_string      (const Const *value);

/* ------------------------------------------------------------------------------------
 * ABI rules (x86-64 System V, as gcc 12 lays out)
 * ------------------------------------------------------------------------------------ */

typedef struct
{
  char *name;            /* NULL: anonymous member or unnamed bit-field */
  ShmlensType *type;
  Location where;
  gboolean is_bitfield;
  guint64 bit_width;     /* as written: checked against the type's width after */
  gboolean packed;       /* __attribute__((packed)) on the member */
  guint align;           /* _Alignas or aligned(N) on the member, bytes; 0: none */
} MemberDecl;

void          shmlens_layout_add_builtins  (ShmlensLayout *layout);
ShmlensType  *shmlens_type_new             (ShmlensLayout *layout,
                                            guint8         kind);
void          shmlens_type_set_name        (ShmlensType   *type,
                                            char          *name);
guint         shmlens_type_depth           (ShmlensType   *type);
ShmlensType  *shmlens_type_new_pointer     (ShmlensLayout *layout,
                                            ShmlensType   *pointee);
ShmlensType  *shmlens_type_new_array       (ShmlensLayout *layout,
                                            ShmlensType   *element,
                                            guint64        count,
                                            gboolean       flexible);
ShmlensType  *shmlens_type_new_function    (ShmlensLayout *layout,
                                            ShmlensType   *result,
                                            const char    *parameters);
ShmlensType  *shmlens_type_new_qualified   (ShmlensLayout *layout,
                                            ShmlensType   *type,
                                            guint          qualifiers);
ShmlensType  *shmlens_type_new_typedef     (ShmlensLayout *layout,
                                            const char    *name,
                                            ShmlensType   *type,
                                            guint          align);
ShmlensType  *shmlens_type_new_record      (ShmlensLayout *layout,
                                            ShmlensTypeKind kind,
                                            const char    *tag);
ShmlensType  *shmlens_type_new_enum        (ShmlensLayout *layout,
                                            const char    *tag);
gboolean      shmlens_abi_layout_record    (ShmlensType   *record,
                                            MemberDecl    *members,
                                            guint          n_members,
                                            guint          align,
                                            guint          pack,
                                            Location       where,
                                            GError       **error);
gboolean      shmlens_abi_layout_enum      (ShmlensType   *type,
                                            GArray        *enumerators,
                                            Location       where,
                                            GError       **error);
gboolean      shmlens_types_same           (ShmlensType   *a,
                                            ShmlensType   *b);

/* The largest object Shmlens lays out: bit positions must fit in 64 bits. */
#define SHMLENS_LAYOUT_MAX_SIZE (G_GUINT64_CONSTANT (1) << 60)

/* ------------------------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------------------------ */

ShmlensValueKind shmlens_value_kind_for    (ShmlensType   *type,
                                            gboolean       is_bitfield);

G_END_DECLS
