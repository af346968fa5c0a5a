/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-layout-parser.c: C declarations (typedefs, structs, unions, enums) parsed into types.
 *
 * A recursive-descent parser for the declarations of C11 with the GNU extensions
 * that IPC headers use: __attribute__ ((packed, aligned)), _Alignas, _Atomic,
 * anonymous members, zero-length and flexible arrays, #pragma pack. Objects and
 * functions may be declared (and functions defined): they have no layout and are
 * skipped, their parameter lists and bodies unread. What cannot be laid out
 * exactly is an error at its line and column, never a guess. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "shmlens-escape.h"
#include "shmlens-layout-private.h"

/* ------------------------------------------------------------------------------------
 * The token stream: lookahead over the preprocessor (or a directive's tokens), with
 * #pragma pack applied in order as tokens are consumed
 * ------------------------------------------------------------------------------------ */

static void
fill (Parser *p)
{
  Token token = { 0 };

  if (p->pp != NULL)
    {
      /* The preprocessor's error is kept aside, not made the parser's: the parser
       * looks ahead (up to 64 tokens, for a function's declaration), and an error it
       * finds before it reaches this token comes first in the header. */
      if (p->error != NULL || p->pp_error != NULL)
        token.kind = TOKEN_ERROR;
      else if (!shmlens_preproc_next (p->pp, &token, &p->pp_error))
        token.kind = TOKEN_ERROR;
    }
  else
    {
      token = g_array_index (p->line, Token, p->line_pos);
      if (token.kind != TOKEN_EOF)
        p->line_pos++;
    }
  g_array_append_val (p->lookahead, token);
}

/* The token @n places ahead, #pragma tokens not counted. Valid until the next peek
 * or advance: copy it to keep it. */
const Token *
shmlens_parser_peek (Parser *p,
                     guint   n)
{
  guint i = p->head;
  guint seen = 0;

  for (;;)
    {
      const Token *token;

      while (i >= p->lookahead->len)
        fill (p);
      token = &g_array_index (p->lookahead, Token, i);
      if (token->kind == TOKEN_PRAGMA)
        {
          i++;
          continue;
        }
      if (token->kind == TOKEN_EOF || token->kind == TOKEN_ERROR || seen == n)
        return token;
      seen++;
      i++;
    }
}

static void
apply_pragma (Parser      *p,
              const Token *pragma)
{
  if (p->error != NULL)
    return;
  if (p->record_depth > 0)
    {
      shmlens_parser_fail (p, shmlens_token_location (pragma), SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                           _("“#pragma pack” inside a struct or union is not supported; put "
                             "it before the definition"));
      return;
    }
  switch (pragma->pragma)
    {
    case PRAGMA_PACK_PUSH:
      g_array_append_val (p->pack_stack, p->pack);
      if (pragma->pragma_value != 0)
        p->pack = pragma->pragma_value;
      break;
    case PRAGMA_PACK_POP:
      if (p->pack_stack->len == 0)
        {
          shmlens_parser_fail (p, shmlens_token_location (pragma), SHMLENS_LAYOUT_ERROR_INVALID,
                               _("“#pragma pack (pop)” without a matching “#pragma pack (push)”"));
          return;
        }
      p->pack = g_array_index (p->pack_stack, guint, p->pack_stack->len - 1);
      g_array_set_size (p->pack_stack, p->pack_stack->len - 1);
      break;
    case PRAGMA_PACK_SET:
    default:
      p->pack = pragma->pragma_value;
      break;
    }
}

/* Consumes the next token, applying the #pragma pack lines before it. */
void
shmlens_parser_advance (Parser *p)
{
  for (;;)
    {
      const Token *token;

      while (p->head >= p->lookahead->len)
        fill (p);
      token = &g_array_index (p->lookahead, Token, p->head);
      if (token->kind == TOKEN_PRAGMA)
        {
          apply_pragma (p, token);
          p->head++;
          continue;
        }
      if (token->kind == TOKEN_EOF || token->kind == TOKEN_ERROR)
        return;
      p->head++;
      break;
    }
  if (p->head == p->lookahead->len && p->head > 64)
    {
      g_array_set_size (p->lookahead, 0);
      p->head = 0;
    }
}

gboolean
shmlens_parser_fail (Parser             *p,
                     Location            where,
                     ShmlensLayoutError  code,
                     const char         *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (p->error != NULL)
    return FALSE;  /* the first error is the one to show */
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  shmlens_layout_set_error (&p->error, where, code, "%s", message);
  return FALSE;
}

/* What the next token is, for "expected …, found %s": “}”, or the end of the file.
 * NULL when the next token is an error of its own, already set, or a string or
 * character constant left open, which this reports. */
static char *
describe_found (Parser *p)
{
  const Token *token = shmlens_parser_peek (p, 0);
  g_autofree char *found = NULL;

  if (token->kind == TOKEN_ERROR)
    return NULL;
  if (token->kind == TOKEN_EOF && p->directive)
    /* Translators: what was found in a preprocessor line in place of a token, in
     * “expected …, found %s” */
    found = g_strdup (_("the end of the line"));
  else
    found = shmlens_token_describe (token);
  if (token->kind == TOKEN_INVALID && (token->text[0] == '"' || token->text[0] == '\''))
    {
      shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_SYNTAX,
                           /* Translators: the quotation mark (" or ') left open, and the
                            * text it opens, in quotation marks */
                           _("missing the closing %c of %s"), token->text[0], found);
      return NULL;
    }
  return g_steal_pointer (&found);
}

/* Fails at the next token with @message: translated, a whole sentence whose one %s
 * says what the token is, as in "expected a type name, found %s". The messages are
 * whole so that translators see whole sentences; the format is not a literal here,
 * so it is not checked at compile time (msgfmt --check does check translations). */
gboolean
shmlens_parser_expected (Parser     *p,
                         const char *message)
{
  g_autofree char *found = describe_found (p);

  if (found == NULL)
    return FALSE;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  return shmlens_parser_fail (p, shmlens_token_location (shmlens_parser_peek (p, 0)),
                              SHMLENS_LAYOUT_ERROR_SYNTAX, message, found);
#pragma GCC diagnostic pop
}

gboolean
shmlens_parser_accept_punct (Parser *p,
                             Punct   punct)
{
  if (!shmlens_token_is_punct (shmlens_parser_peek (p, 0), punct))
    return FALSE;
  shmlens_parser_advance (p);
  return TRUE;
}

/* Consumes @punct, or fails as shmlens_parser_expected() with @message, which names
 * the punctuator: "expected “;” after the member declaration, found %s". */
gboolean
shmlens_parser_expect_punct (Parser     *p,
                             Punct       punct,
                             const char *message)
{
  if (shmlens_parser_accept_punct (p, punct))
    return TRUE;
  return shmlens_parser_expected (p, message);
}

gboolean
shmlens_parser_enter (Parser *p)
{
  if (++p->nesting > SHMLENS_LAYOUT_MAX_NESTING)
    return shmlens_parser_fail (p, shmlens_token_location (shmlens_parser_peek (p, 0)),
                                SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                                g_dngettext (GETTEXT_PACKAGE, "declarations or expressions nested "
                                                              "too deeply (more than %d level)",
                                             "declarations or expressions nested too deeply (more "
                                             "than %d levels)", SHMLENS_LAYOUT_MAX_NESTING),
                                SHMLENS_LAYOUT_MAX_NESTING);
  return TRUE;
}

void
shmlens_parser_leave (Parser *p)
{
  p->nesting--;
}

static gboolean
peek_is (Parser     *p,
         guint       n,
         const char *text)
{
  return shmlens_token_is (shmlens_parser_peek (p, n), text);
}

static gboolean
peek_is_punct (Parser *p,
               guint   n,
               Punct   punct)
{
  return shmlens_token_is_punct (shmlens_parser_peek (p, n), punct);
}

/* Skips from "(", "[" or "{" to its match; appends the text between to @text, with
 * the spaces a person would write, escaped. */
static gboolean
skip_balanced (Parser  *p,
               GString *text)
{
  Token opening = *shmlens_parser_peek (p, 0);
  guint depth = 0;
  gboolean previous_word = FALSE;

  for (;;)
    {
      Token token = *shmlens_parser_peek (p, 0);
      gboolean word = token.kind == TOKEN_IDENTIFIER || token.kind == TOKEN_NUMBER ||
                      token.kind == TOKEN_CHAR || token.kind == TOKEN_STRING;

      if (token.kind == TOKEN_EOF || token.kind == TOKEN_ERROR)
        {
          g_autofree char *found = describe_found (p);

          if (found == NULL)
            return FALSE;
          return shmlens_parser_fail (p, shmlens_token_location (&token),
                                      SHMLENS_LAYOUT_ERROR_SYNTAX,
                                      /* Translators: the closing punctuator expected, the
                                       * opening one, the line it is on and what was found
                                       * (the end of the file) */
                                      _("expected “%c” to close the “%c” at line %u, found %s"),
                                      opening.punct == P_LPAREN ? ')' :
                                      opening.punct == P_LBRACKET ? ']' : '}',
                                      opening.text[0], opening.line, found);
        }
      if (token.kind == TOKEN_PUNCT &&
          (token.punct == P_LPAREN || token.punct == P_LBRACKET || token.punct == P_LBRACE))
        depth++;
      else if (token.kind == TOKEN_PUNCT &&
               (token.punct == P_RPAREN || token.punct == P_RBRACKET || token.punct == P_RBRACE))
        depth--;
      shmlens_parser_advance (p);
      if (depth == 0)
        return TRUE;
      if (text == NULL || (depth == 1 && token.kind == TOKEN_PUNCT && token.text == opening.text))
        continue;

      if (token.kind == TOKEN_PUNCT && token.punct == P_COMMA)
        {
          g_string_append (text, ", ");
          previous_word = FALSE;
          continue;
        }
      if (previous_word && (word || (token.kind == TOKEN_PUNCT &&
                                     (token.punct == P_STAR || token.punct == P_LPAREN))))
        g_string_append_c (text, ' ');
      {
        /* the text becomes part of a type's name, which messages and the app show */
        g_autofree char *escaped = shmlens_escape (token.text, token.length);

        g_string_append (text, escaped);
      }
      previous_word = word;
    }
}

/* ------------------------------------------------------------------------------------
 * Attributes
 * ------------------------------------------------------------------------------------ */

/* "aligned" without a value: BIGGEST_ALIGNMENT on x86-64 */
#define BIGGEST_ALIGNMENT_BYTES 16

typedef enum
{
  ATTR_UNKNOWN,
  ATTR_IGNORED,      /* no effect on a layout */
  ATTR_PACKED,
  ATTR_ALIGNED,
  ATTR_UNSUPPORTED,  /* changes a layout in a way Shmlens does not follow */
} AttributeKind;

static const struct
{
  const char *name;
  AttributeKind kind;
} attribute_table[] = {
  { "packed", ATTR_PACKED },
  { "aligned", ATTR_ALIGNED },
  { "access", ATTR_IGNORED }, { "alias", ATTR_IGNORED }, { "alloc_align", ATTR_IGNORED },
  { "alloc_size", ATTR_IGNORED }, { "always_inline", ATTR_IGNORED },
  { "artificial", ATTR_IGNORED }, { "assume_aligned", ATTR_IGNORED },
  { "cleanup", ATTR_IGNORED }, { "cold", ATTR_IGNORED }, { "common", ATTR_IGNORED },
  { "const", ATTR_IGNORED }, { "constructor", ATTR_IGNORED },
  { "deprecated", ATTR_IGNORED }, { "designated_init", ATTR_IGNORED },
  { "destructor", ATTR_IGNORED }, { "error", ATTR_IGNORED },
  { "externally_visible", ATTR_IGNORED }, { "fallthrough", ATTR_IGNORED },
  { "flatten", ATTR_IGNORED }, { "format", ATTR_IGNORED }, { "format_arg", ATTR_IGNORED },
  { "gnu_inline", ATTR_IGNORED }, { "hot", ATTR_IGNORED }, { "leaf", ATTR_IGNORED },
  { "malloc", ATTR_IGNORED }, { "may_alias", ATTR_IGNORED }, { "no_instrument_function", ATTR_IGNORED },
  { "noclone", ATTR_IGNORED }, { "nocommon", ATTR_IGNORED }, { "noinline", ATTR_IGNORED },
  { "noipa", ATTR_IGNORED }, { "nonnull", ATTR_IGNORED }, { "nonstring", ATTR_IGNORED },
  { "noreturn", ATTR_IGNORED }, { "nothrow", ATTR_IGNORED }, { "optimize", ATTR_IGNORED },
  { "pure", ATTR_IGNORED }, { "retain", ATTR_IGNORED }, { "returns_nonnull", ATTR_IGNORED },
  { "returns_twice", ATTR_IGNORED }, { "section", ATTR_IGNORED }, { "sentinel", ATTR_IGNORED },
  { "target", ATTR_IGNORED }, { "tls_model", ATTR_IGNORED },
  { "transparent_union", ATTR_IGNORED }, { "unavailable", ATTR_IGNORED },
  { "unused", ATTR_IGNORED }, { "used", ATTR_IGNORED }, { "visibility", ATTR_IGNORED },
  { "warn_if_not_aligned", ATTR_IGNORED }, { "warn_unused_result", ATTR_IGNORED },
  { "warning", ATTR_IGNORED }, { "weak", ATTR_IGNORED },
  { "copy", ATTR_UNSUPPORTED }, { "gcc_struct", ATTR_UNSUPPORTED },
  { "mode", ATTR_UNSUPPORTED }, { "ms_struct", ATTR_UNSUPPORTED },
  { "scalar_storage_order", ATTR_UNSUPPORTED }, { "vector_size", ATTR_UNSUPPORTED },
};

static AttributeKind
attribute_kind (const Token *token,
                char       **name_out)
{
  g_autofree char *name = shmlens_token_dup_text (token);
  gsize length = strlen (name);
  const char *plain = name;
  g_autofree char *stripped = NULL;

  if (length > 4 && g_str_has_prefix (name, "__") && g_str_has_suffix (name, "__"))
    plain = stripped = g_strndup (name + 2, length - 4);
  for (gsize i = 0; i < G_N_ELEMENTS (attribute_table); i++)
    if (g_str_equal (plain, attribute_table[i].name))
      {
        *name_out = g_strdup (plain);
        return attribute_table[i].kind;
      }
  *name_out = g_strdup (plain);
  return ATTR_UNKNOWN;
}

/* gcc keeps the largest alignment asked for on a member, but the last one on a
 * type: a struct's, or a typedef's (where the declarator's attributes come before
 * those of the declaration specifiers). */
typedef struct
{
  gboolean packed;
  guint align;         /* bytes, the largest; 0: none */
  guint last_align;    /* bytes, the last one; 0: none */
  gboolean any;
  Location where;
} Attributes;

static gboolean
check_alignment (Parser      *p,
                 const Const *value,
                 Location     where,
                 gboolean     zero_allowed)
{
  g_autofree char *text = shmlens_const_to_string (value);

  if (shmlens_const_is_negative (value) || (value->bits == 0 && !zero_allowed) ||
      (value->bits & (value->bits - 1)) != 0)
    return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_INVALID,
                                /* Translators: the alignment given, as written */
                                _("requested alignment %s is not a positive power of 2"), text);
  if (value->bits > (1 << 28))
    return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_INVALID,
                                /* Translators: the alignment given, as written */
                                _("requested alignment %s is larger than 2^28"), text);
  return TRUE;
}

static gboolean
is_attribute_keyword (const Token *token)
{
  return shmlens_token_is (token, "__attribute__") || shmlens_token_is (token, "__attribute");
}

static gboolean
parse_attributes (Parser     *p,
                  Attributes *attributes)
{
  while (is_attribute_keyword (shmlens_parser_peek (p, 0)))
    {
      if (!attributes->any)
        attributes->where = shmlens_token_location (shmlens_parser_peek (p, 0));
      attributes->any = TRUE;
      shmlens_parser_advance (p);
      if (!shmlens_parser_expect_punct (p, P_LPAREN,
                                        _("expected “(” after “__attribute__”, found %s")) ||
          !shmlens_parser_expect_punct (p, P_LPAREN,
                                        _("expected “(” after “__attribute__ (”, found %s")))
        return FALSE;

      while (!peek_is_punct (p, 0, P_RPAREN))
        {
          Token token = *shmlens_parser_peek (p, 0);
          g_autofree char *name = NULL;
          AttributeKind kind;

          if (token.kind == TOKEN_PUNCT && token.punct == P_COMMA)
            {
              shmlens_parser_advance (p);
              continue;
            }
          if (token.kind != TOKEN_IDENTIFIER)
            return shmlens_parser_expected (p, _("expected an attribute name, found %s"));
          kind = attribute_kind (&token, &name);
          if (kind == ATTR_UNKNOWN)
            return shmlens_parser_fail (p, shmlens_token_location (&token), SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                                        /* Translators: a GCC attribute's name */
                                        _("unknown attribute “%s”: Shmlens cannot tell whether it "
                                          "changes the layout"), name);
          if (kind == ATTR_UNSUPPORTED)
            return shmlens_parser_fail (p, shmlens_token_location (&token), SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                                        /* Translators: a GCC attribute's name */
                                        _("the attribute “%s” is not supported"), name);
          shmlens_parser_advance (p);

          if (kind == ATTR_ALIGNED && peek_is_punct (p, 0, P_LPAREN))
            {
              Location where;
              Const value;

              shmlens_parser_advance (p);
              where = shmlens_token_location (shmlens_parser_peek (p, 0));
              if (!shmlens_expr_parse (p, &value) || !check_alignment (p, &value, where, FALSE) ||
                  !shmlens_parser_expect_punct (p, P_RPAREN,
                                                _("expected “)” after the alignment, found %s")))
                return FALSE;
              attributes->align = MAX (attributes->align, (guint) value.bits);
              attributes->last_align = (guint) value.bits;
            }
          else if (kind == ATTR_ALIGNED)
            {
              attributes->align = MAX (attributes->align, BIGGEST_ALIGNMENT_BYTES);
              attributes->last_align = BIGGEST_ALIGNMENT_BYTES;
            }
          else if (peek_is_punct (p, 0, P_LPAREN))
            {
              if (!skip_balanced (p, NULL))
                return FALSE;
            }
          if (kind == ATTR_PACKED)
            attributes->packed = TRUE;

          if (!peek_is_punct (p, 0, P_RPAREN) &&
              !shmlens_parser_expect_punct (p, P_COMMA,
                                            _("expected “,” between attributes, found %s")))
            return FALSE;
        }
      shmlens_parser_advance (p);
      if (!shmlens_parser_expect_punct (p, P_RPAREN,
                                        _("expected “)” to close “__attribute__ ((”, found %s")))
        return FALSE;
    }
  return TRUE;
}

/* asm ("name") after a declarator: a symbol name, no layout */
static gboolean
skip_asm_label (Parser *p)
{
  while (peek_is (p, 0, "asm") || peek_is (p, 0, "__asm__") || peek_is (p, 0, "__asm"))
    {
      shmlens_parser_advance (p);
      if (!peek_is_punct (p, 0, P_LPAREN))
        return shmlens_parser_expected (p, _("expected “(” after “asm”, found %s"));
      if (!skip_balanced (p, NULL))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------
 * Declaration specifiers
 * ------------------------------------------------------------------------------------ */

typedef enum
{
  CONTEXT_FILE,
  CONTEXT_MEMBER,
  CONTEXT_TYPE_NAME,
} Context;

typedef struct
{
  Location where;
  gboolean is_typedef;
  gboolean has_storage;
  guint qualifiers;
  guint align;            /* _Alignas, bytes */
  gboolean align_given;
  Location align_where;
  ShmlensType *type;      /* from a struct, union, enum, typedef name or _Atomic () */
  Location type_where;
  gboolean inline_record; /* an untagged struct or union defined here */
  GString *words;         /* the type keywords, as written */
  guint n_void, n_char, n_short, n_int, n_long, n_float, n_double, n_signed, n_unsigned, n_bool;
  Attributes attributes;
} Specifiers;

static void
specifiers_clear (Specifiers *s)
{
  if (s->words != NULL)
    g_string_free (s->words, TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Specifiers, specifiers_clear)

static ShmlensType *
lookup_typedef (Parser      *p,
                const Token *token)
{
  g_autofree char *name = shmlens_token_dup_text (token);
  ShmlensType *type = g_hash_table_lookup (p->layout->typedefs, name);

  if (type != NULL)
    return type;
  type = g_hash_table_lookup (p->layout->builtin_types, name);
  /* builtin_types also holds "int" and "unsigned int"; only typedefs are names */
  if (type != NULL && type->kind == SHMLENS_TYPE_KIND_ALIAS)
    return type;
  return NULL;
}

static const char *const type_keywords[] = {
  "void", "char", "short", "int", "long", "float", "double", "signed", "__signed",
  "__signed__", "unsigned", "_Bool",
};

static const char *const qualifier_keywords[] = {
  "const", "__const", "__const__", "volatile", "__volatile", "__volatile__", "restrict",
  "__restrict", "__restrict__",
};

static const char *const storage_keywords[] = {
  "typedef", "extern", "static", "auto", "register", "_Thread_local", "__thread", "inline",
  "__inline", "__inline__", "_Noreturn",
};

static const char *const unsupported_type_keywords[] = {
  "_Complex", "__complex__", "_Imaginary", "__int128", "__int128_t", "__uint128_t",
  "_Float16", "_Float32", "_Float64", "_Float128", "_Float32x", "_Float64x", "__float128",
  "__float80", "__fp16", "__bf16", "_Decimal32", "_Decimal64", "_Decimal128", "typeof",
  "__typeof__", "__typeof", "typeof_unqual", "__auto_type", "_BitInt",
};

static gboolean
token_in (const Token        *token,
          const char *const  *words,
          gsize               n_words)
{
  for (gsize i = 0; i < n_words; i++)
    if (shmlens_token_is (token, words[i]))
      return TRUE;
  return FALSE;
}

#define TOKEN_IN(token, words) token_in (token, words, G_N_ELEMENTS (words))

/* Whether @token begins a type name: for casts, sizeof and _Alignof. */
gboolean
shmlens_parser_starts_type_name (Parser      *p,
                                 const Token *token)
{
  if (token->kind != TOKEN_IDENTIFIER)
    return FALSE;
  return TOKEN_IN (token, type_keywords) || TOKEN_IN (token, qualifier_keywords) ||
         TOKEN_IN (token, unsupported_type_keywords) ||
         shmlens_token_is (token, "struct") || shmlens_token_is (token, "union") ||
         shmlens_token_is (token, "enum") || shmlens_token_is (token, "_Atomic") ||
         shmlens_token_is (token, "_Alignas") || is_attribute_keyword (token) ||
         lookup_typedef (p, token) != NULL;
}

static gboolean
has_keyword_type (Specifiers *s)
{
  return s->words != NULL && s->words->len > 0;
}

static gboolean
two_types (Parser     *p,
           Location    where)
{
  return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_INVALID,
                              _("two or more data types in the declaration specifiers"));
}

static gboolean
set_type (Parser      *p,
          Specifiers  *s,
          ShmlensType *type,
          Location     where)
{
  if (s->type != NULL || has_keyword_type (s))
    return two_types (p, where);
  s->type = type;
  s->type_where = where;
  return TRUE;
}

/* int, unsigned long long, long double…: the one builtin type the keywords name. */
static gboolean
keyword_type (Parser     *p,
              Specifiers *s)
{
  const char *name = NULL;
  gboolean sign = s->n_signed > 0 || s->n_unsigned > 0;
  guint others;

  if (s->n_signed > 1 || s->n_unsigned > 1 || (s->n_signed && s->n_unsigned) ||
      s->n_int > 1 || s->n_short > 1 || s->n_long > 2 || s->n_char > 1 || s->n_void > 1 ||
      s->n_float > 1 || s->n_double > 1 || s->n_bool > 1)
    goto invalid;

  others = s->n_char + s->n_short + s->n_int + s->n_long + s->n_float + s->n_double;
  if (s->n_void || s->n_bool)
    {
      if (others != 0 || sign)
        goto invalid;
      name = s->n_void ? "void" : "_Bool";
    }
  else if (s->n_float)
    {
      if (others != 1 || sign)
        goto invalid;
      name = "float";
    }
  else if (s->n_double)
    {
      if (sign || s->n_char || s->n_short || s->n_int || s->n_long > 1)
        goto invalid;
      name = s->n_long ? "long double" : "double";
    }
  else if (s->n_char)
    {
      if (others != 1)
        goto invalid;
      name = s->n_unsigned ? "unsigned char" : s->n_signed ? "signed char" : "char";
    }
  else if (s->n_short)
    {
      if (s->n_long)
        goto invalid;
      name = s->n_unsigned ? "unsigned short" : "short";
    }
  else if (s->n_long == 2)
    name = s->n_unsigned ? "unsigned long long" : "long long";
  else if (s->n_long == 1)
    name = s->n_unsigned ? "unsigned long" : "long";
  else
    name = s->n_unsigned ? "unsigned int" : "int";

  s->type = g_hash_table_lookup (p->layout->builtin_types, name);
  g_assert (s->type != NULL);
  return TRUE;

invalid:
  return shmlens_parser_fail (p, s->type_where, SHMLENS_LAYOUT_ERROR_INVALID,
                              /* Translators: C type specifiers, as written: “short long” */
                              _("invalid combination of type specifiers “%s”"), s->words->str);
}

static gboolean parse_record_specifier (Parser *p, Specifiers *s);
static gboolean parse_enum_specifier (Parser *p, Specifiers *s);

static gboolean
parse_alignas (Parser     *p,
               Specifiers *s)
{
  Location where = shmlens_token_location (shmlens_parser_peek (p, 0));
  guint align;

  shmlens_parser_advance (p);
  if (!shmlens_parser_expect_punct (p, P_LPAREN, _("expected “(” after “_Alignas”, found %s")))
    return FALSE;
  if (shmlens_parser_starts_type_name (p, shmlens_parser_peek (p, 0)))
    {
      Location type_where = shmlens_token_location (shmlens_parser_peek (p, 0));
      ShmlensType *type = shmlens_parser_type_name (p);

      if (type == NULL)
        return FALSE;
      if (!shmlens_type_is_complete (type))
        return shmlens_parser_fail (p, type_where, SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("“_Alignas” of the incomplete type “%s”"),
                                    shmlens_type_get_name (type));
      align = shmlens_type_get_alignment (type);
    }
  else
    {
      Location value_where = shmlens_token_location (shmlens_parser_peek (p, 0));
      Const value;

      if (!shmlens_expr_parse (p, &value) || !check_alignment (p, &value, value_where, TRUE))
        return FALSE;
      align = (guint) value.bits;
    }
  if (!shmlens_parser_expect_punct (p, P_RPAREN, _("expected “)” to close “_Alignas (”, found %s")))
    return FALSE;

  /* _Alignas (0) has no effect */
  if (align != 0)
    {
      s->align = MAX (s->align, align);
      if (!s->align_given)
        s->align_where = where;
      s->align_given = TRUE;
    }
  return TRUE;
}

static gboolean
parse_specifiers (Parser     *p,
                  Context     context,
                  Specifiers *s)
{
  s->where = shmlens_token_location (shmlens_parser_peek (p, 0));
  s->type_where = s->where;
  s->words = g_string_new (NULL);

  for (;;)
    {
      Token token = *shmlens_parser_peek (p, 0);
      Location where = shmlens_token_location (&token);

      if (token.kind != TOKEN_IDENTIFIER)
        break;

      if (TOKEN_IN (&token, storage_keywords))
        {
          g_autofree char *word = shmlens_token_dup_text (&token);

          if (context == CONTEXT_MEMBER)
            return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_INVALID,
                                        /* Translators: a C storage class, such as “static” */
                                        _("a member cannot be declared “%s”"), word);
          if (context == CONTEXT_TYPE_NAME)
            return shmlens_parser_expected (p, _("expected a type name, found %s"));
          if (g_str_equal (word, "typedef"))
            s->is_typedef = TRUE;
          else
            s->has_storage = TRUE;
          shmlens_parser_advance (p);
        }
      else if (TOKEN_IN (&token, qualifier_keywords))
        {
          if (token.text[0] == 'c' || token.text[2] == 'c')
            s->qualifiers |= SHMLENS_QUAL_CONST;
          else if (token.text[0] == 'v' || token.text[2] == 'v')
            s->qualifiers |= SHMLENS_QUAL_VOLATILE;
          else
            s->qualifiers |= SHMLENS_QUAL_RESTRICT;
          shmlens_parser_advance (p);
        }
      else if (shmlens_token_is (&token, "_Atomic"))
        {
          shmlens_parser_advance (p);
          if (peek_is_punct (p, 0, P_LPAREN))
            {
              Location type_where;
              ShmlensType *type, *resolved;

              shmlens_parser_advance (p);
              type_where = shmlens_token_location (shmlens_parser_peek (p, 0));
              type = shmlens_parser_type_name (p);
              if (type == NULL ||
                  !shmlens_parser_expect_punct (p, P_RPAREN,
                                                _("expected “)” to close “_Atomic (”, found %s")))
                return FALSE;
              resolved = shmlens_type_resolve (type);
              if (resolved->kind == SHMLENS_TYPE_KIND_ARRAY ||
                  resolved->kind == SHMLENS_TYPE_KIND_FUNCTION)
                return shmlens_parser_fail (p, type_where, SHMLENS_LAYOUT_ERROR_INVALID,
                                            resolved->kind == SHMLENS_TYPE_KIND_ARRAY
                                              /* Translators: %s is a C type's name */
                                              ? _("“_Atomic” cannot be applied to the array "
                                                  "type “%s”")
                                              /* Translators: %s is a C type's name */
                                              : _("“_Atomic” cannot be applied to the function "
                                                  "type “%s”"),
                                            shmlens_type_get_name (type));
              if (!set_type (p, s, shmlens_type_new_qualified (p->layout, type, SHMLENS_QUAL_ATOMIC),
                             where))
                return FALSE;
            }
          else
            s->qualifiers |= SHMLENS_QUAL_ATOMIC;
        }
      else if (shmlens_token_is (&token, "__extension__"))
        shmlens_parser_advance (p);
      else if (shmlens_token_is (&token, "_Alignas"))
        {
          if (context == CONTEXT_TYPE_NAME)
            return shmlens_parser_expected (p, _("expected a type name, found %s"));
          if (!parse_alignas (p, s))
            return FALSE;
        }
      else if (is_attribute_keyword (&token))
        {
          if (!parse_attributes (p, &s->attributes))
            return FALSE;
        }
      else if (TOKEN_IN (&token, type_keywords))
        {
          if (s->type != NULL)
            return two_types (p, where);
          if (!has_keyword_type (s))
            s->type_where = where;
          if (s->words->len > 0)
            g_string_append_c (s->words, ' ');
          g_string_append_len (s->words, token.text, token.length);
          if (shmlens_token_is (&token, "void"))
            s->n_void++;
          else if (shmlens_token_is (&token, "char"))
            s->n_char++;
          else if (shmlens_token_is (&token, "short"))
            s->n_short++;
          else if (shmlens_token_is (&token, "int"))
            s->n_int++;
          else if (shmlens_token_is (&token, "long"))
            s->n_long++;
          else if (shmlens_token_is (&token, "float"))
            s->n_float++;
          else if (shmlens_token_is (&token, "double"))
            s->n_double++;
          else if (shmlens_token_is (&token, "unsigned"))
            s->n_unsigned++;
          else if (shmlens_token_is (&token, "_Bool"))
            s->n_bool++;
          else
            s->n_signed++;  /* signed, __signed, __signed__ */
          shmlens_parser_advance (p);
        }
      else if (TOKEN_IN (&token, unsupported_type_keywords))
        {
          g_autofree char *word = shmlens_token_dup_text (&token);
          return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                                      /* Translators: a C keyword */
                                      _("“%s” is not supported"), word);
        }
      else if (shmlens_token_is (&token, "struct") || shmlens_token_is (&token, "union"))
        {
          if (!parse_record_specifier (p, s))
            return FALSE;
        }
      else if (shmlens_token_is (&token, "enum"))
        {
          if (!parse_enum_specifier (p, s))
            return FALSE;
        }
      else if (s->type == NULL && !has_keyword_type (s) && lookup_typedef (p, &token) != NULL)
        {
          if (!set_type (p, s, lookup_typedef (p, &token), where))
            return FALSE;
          shmlens_parser_advance (p);
        }
      else
        break;  /* the declarator's name, or a name that is not a type */
    }

  if (has_keyword_type (s) && !keyword_type (p, s))
    return FALSE;
  if (s->type != NULL && s->qualifiers != 0)
    s->type = shmlens_type_new_qualified (p->layout, s->type, s->qualifiers);
  return TRUE;
}

/* ------------------------------------------------------------------------------------
 * Declarators
 * ------------------------------------------------------------------------------------ */

typedef enum
{
  OP_POINTER,
  OP_ARRAY,
  OP_FUNCTION,
} OpKind;

typedef struct
{
  OpKind kind;
  guint qualifiers;    /* POINTER */
  guint64 count;       /* ARRAY */
  gboolean flexible;   /* ARRAY: [] */
  Location where;
  char *parameters;    /* FUNCTION */
} DeclOp;

typedef struct
{
  gboolean has_name;
  Token name;
  Location where;      /* the name, or where the declarator starts */
  GArray *ops;         /* DeclOp, in the order they apply to the base type */
  Attributes attributes;
} Declarator;

static void
declop_clear (gpointer data)
{
  g_free (((DeclOp *) data)->parameters);
}

static void
declarator_clear (Declarator *d)
{
  g_clear_pointer (&d->ops, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Declarator, declarator_clear)

static GArray *
new_ops (void)
{
  GArray *ops = g_array_new (FALSE, FALSE, sizeof (DeclOp));

  g_array_set_clear_func (ops, declop_clear);
  return ops;
}

static char *
declarator_name (const Declarator *d)
{
  if (!d->has_name)
    return g_strdup ("<unnamed>");
  return shmlens_token_dup_text (&d->name);
}

typedef enum
{
  DECLARATOR_NAMED,      /* a name is required */
  DECLARATOR_ABSTRACT,   /* no name: a type name */
} DeclaratorMode;

static gboolean
parse_array_size (Parser     *p,
                  Declarator *d,
                  DeclOp     *op)
{
  Location where = shmlens_token_location (shmlens_parser_peek (p, 0));
  g_autofree char *name = declarator_name (d);
  Const value;

  if (peek_is_punct (p, 0, P_RBRACKET))
    {
      op->flexible = TRUE;
      shmlens_parser_advance (p);
      return TRUE;
    }
  if (peek_is (p, 0, "static") || peek_is (p, 0, "const") || peek_is_punct (p, 0, P_STAR))
    return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_INVALID,
                                _("“static”, qualifiers and “*” in “[]” are only allowed in "
                                  "function parameters"));
  if (!shmlens_expr_parse (p, &value))
    return FALSE;
  if (shmlens_const_is_negative (&value))
    return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_INVALID,
                                _("size of array “%s” is negative"), name);
  if (value.bits > SHMLENS_LAYOUT_MAX_SIZE)
    return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                                _("array “%s” is larger than Shmlens lays out (2^60 bytes)"), name);
  op->count = value.bits;
  return shmlens_parser_expect_punct (p, P_RBRACKET,
                                      _("expected “]” after the array size, found %s"));
}

static gboolean
parse_declarator (Parser         *p,
                  DeclaratorMode  mode,
                  Declarator     *d)
{
  g_autoptr(GArray) pointers = new_ops ();
  g_autoptr(GArray) suffixes = new_ops ();
  g_auto(Declarator) inner = { 0 };
  gboolean nested = FALSE;

  if (!shmlens_parser_enter (p))
    return FALSE;
  d->ops = new_ops ();
  d->where = shmlens_token_location (shmlens_parser_peek (p, 0));

  while (peek_is_punct (p, 0, P_STAR))
    {
      DeclOp op = { OP_POINTER, 0 };

      op.where = shmlens_token_location (shmlens_parser_peek (p, 0));
      shmlens_parser_advance (p);
      for (;;)
        {
          const Token *token = shmlens_parser_peek (p, 0);

          if (TOKEN_IN (token, qualifier_keywords))
            {
              if (token->text[0] == 'c' || token->text[2] == 'c')
                op.qualifiers |= SHMLENS_QUAL_CONST;
              else if (token->text[0] == 'v' || token->text[2] == 'v')
                op.qualifiers |= SHMLENS_QUAL_VOLATILE;
              else
                op.qualifiers |= SHMLENS_QUAL_RESTRICT;
              shmlens_parser_advance (p);
            }
          else if (shmlens_token_is (token, "_Atomic"))
            {
              op.qualifiers |= SHMLENS_QUAL_ATOMIC;
              shmlens_parser_advance (p);
            }
          else if (is_attribute_keyword (token))
            return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                                        _("attributes after “*” are not supported; put them after "
                                          "the declarator"));
          else
            break;
        }
      g_array_append_val (pointers, op);
    }

  if (peek_is_punct (p, 0, P_LPAREN))
    {
      const Token *next = shmlens_parser_peek (p, 1);

      if (shmlens_token_is_punct (next, P_STAR) || shmlens_token_is_punct (next, P_LPAREN) ||
          (mode == DECLARATOR_ABSTRACT && shmlens_token_is_punct (next, P_LBRACKET)) ||
          (mode == DECLARATOR_NAMED && next->kind == TOKEN_IDENTIFIER &&
           !shmlens_parser_starts_type_name (p, next)))
        nested = TRUE;
    }

  if (nested)
    {
      shmlens_parser_advance (p);
      if (!parse_declarator (p, mode, &inner) ||
          !shmlens_parser_expect_punct (p, P_RPAREN,
                                        _("expected “)” to close the parenthesized declarator, "
                                          "found %s")))
        return FALSE;
      d->has_name = inner.has_name;
      d->name = inner.name;
      d->where = inner.where;
    }
  else if (mode == DECLARATOR_NAMED)
    {
      const Token *token = shmlens_parser_peek (p, 0);

      if (token->kind != TOKEN_IDENTIFIER)
        return shmlens_parser_expected (p, _("expected a name in the declaration, found %s"));
      d->has_name = TRUE;
      d->name = *token;
      d->where = shmlens_token_location (token);
      shmlens_parser_advance (p);
    }

  for (;;)
    {
      DeclOp op = { 0 };

      op.where = shmlens_token_location (shmlens_parser_peek (p, 0));
      if (peek_is_punct (p, 0, P_LBRACKET))
        {
          op.kind = OP_ARRAY;
          shmlens_parser_advance (p);
          if (!parse_array_size (p, d, &op))
            return FALSE;
        }
      else if (peek_is_punct (p, 0, P_LPAREN))
        {
          GString *parameters = g_string_new (NULL);

          op.kind = OP_FUNCTION;
          if (!skip_balanced (p, parameters))
            {
              g_string_free (parameters, TRUE);
              return FALSE;
            }
          op.parameters = g_string_free (parameters, FALSE);
        }
      else
        break;
      g_array_append_val (suffixes, op);
    }

  /* pointers apply first, then the suffixes from the innermost out, then what the
   * parentheses held */
  g_array_append_vals (d->ops, pointers->data, pointers->len);
  for (guint i = suffixes->len; i > 0; i--)
    g_array_append_val (d->ops, g_array_index (suffixes, DeclOp, i - 1));
  if (inner.ops != NULL)
    g_array_append_vals (d->ops, inner.ops->data, inner.ops->len);
  /* the ops now belong to d->ops */
  g_array_set_clear_func (pointers, NULL);
  g_array_set_clear_func (suffixes, NULL);
  if (inner.ops != NULL)
    g_array_set_clear_func (inner.ops, NULL);

  shmlens_parser_leave (p);
  return TRUE;
}

/* What can follow the declaration specifiers when a declarator does: a name, "*"
 * or "(". Anything else means a ";" is missing. */
static gboolean
starts_declarator (Parser *p)
{
  const Token *token = shmlens_parser_peek (p, 0);

  return token->kind == TOKEN_IDENTIFIER || shmlens_token_is_punct (token, P_STAR) ||
         shmlens_token_is_punct (token, P_LPAREN);
}

static gboolean
is_function_declarator (const Declarator *d)
{
  return d->ops->len > 0 &&
         g_array_index (d->ops, DeclOp, d->ops->len - 1).kind == OP_FUNCTION;
}

/* The type a declarator gives its name, from the specifiers' type. */
static ShmlensType *
apply_declarator (Parser       *p,
                  ShmlensType  *type,
                  Declarator   *d)
{
  g_autofree char *name = declarator_name (d);

  for (guint i = 0; i < d->ops->len; i++)
    {
      DeclOp *op = &g_array_index (d->ops, DeclOp, i);
      ShmlensType *resolved = shmlens_type_resolve (type);

      switch (op->kind)
        {
        case OP_POINTER:
          type = shmlens_type_new_pointer (p->layout, type);
          type = shmlens_type_new_qualified (p->layout, type, op->qualifiers);
          break;

        case OP_ARRAY:
          {
            guint64 size = shmlens_type_get_size (type);
            guint align = shmlens_type_get_alignment (type);

            if (resolved->kind == SHMLENS_TYPE_KIND_FUNCTION)
              {
                shmlens_parser_fail (p, d->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                     _("“%s” is declared as an array of functions"), name);
                return NULL;
              }
            if (!shmlens_type_is_complete (type))
              {
                shmlens_parser_fail (p, d->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                     _("array “%s” has the incomplete element type “%s”"),
                                     name, shmlens_type_get_name (type));
                return NULL;
              }
            if (size % align != 0)
              {
                shmlens_parser_fail (p, d->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                     /* Translators: the array's name, the alignment of its
                                      * elements and their size, both in bytes */
                                     _("the alignment of the elements of array “%s” (%u) is "
                                       "greater than their size (%llu)"),
                                     name, align, (unsigned long long) size);
                return NULL;
              }
            if (!op->flexible && size != 0 && op->count > SHMLENS_LAYOUT_MAX_SIZE / size)
              {
                shmlens_parser_fail (p, op->where, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                                     _("array “%s” is larger than Shmlens lays out (2^60 bytes)"),
                                     name);
                return NULL;
              }
            if (shmlens_type_depth (type) >= SHMLENS_LAYOUT_MAX_TYPE_DEPTH)
              {
                shmlens_parser_fail (p, d->where, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                                     /* Translators: the array's name, and the deepest
                                      * nesting there may be */
                                     g_dngettext (GETTEXT_PACKAGE, "array “%s” is nested too "
                                                                   "deeply (more than %d level of "
                                                                   "arrays, structs and unions)",
                                                  "array “%s” is nested too deeply (more than %d "
                                                  "levels of arrays, structs and unions)",
                                                  SHMLENS_LAYOUT_MAX_TYPE_DEPTH),
                                     name, SHMLENS_LAYOUT_MAX_TYPE_DEPTH);
                return NULL;
              }
            type = shmlens_type_new_array (p->layout, type, op->count, op->flexible);
          }
          break;

        case OP_FUNCTION:
          type = shmlens_type_new_function (p->layout, type, op->parameters);
          break;
        }
    }
  return type;
}

/* A type name: for sizeof, _Alignof, casts, _Atomic () and offsetof. */
ShmlensType *
shmlens_parser_type_name (Parser *p)
{
  g_auto(Specifiers) s = { 0 };
  g_auto(Declarator) d = { 0 };

  if (!shmlens_parser_enter (p))
    return NULL;
  if (!parse_specifiers (p, CONTEXT_TYPE_NAME, &s))
    return NULL;
  if (s.type == NULL)
    {
      const Token *token = shmlens_parser_peek (p, 0);

      if (token->kind == TOKEN_IDENTIFIER)
        {
          g_autofree char *name = shmlens_token_describe (token);
          shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_UNKNOWN_TYPE,
                               /* Translators: a name, in quotation marks */
                               _("unknown type name %s"), name);
        }
      else
        shmlens_parser_expected (p, _("expected a type name, found %s"));
      return NULL;
    }
  if (!parse_declarator (p, DECLARATOR_ABSTRACT, &d))
    return NULL;
  shmlens_parser_leave (p);
  return apply_declarator (p, s.type, &d);
}

/* ------------------------------------------------------------------------------------
 * _Static_assert
 * ------------------------------------------------------------------------------------ */

static gboolean
parse_static_assert (Parser *p)
{
  Token keyword = *shmlens_parser_peek (p, 0);
  g_autoptr(GString) message = g_string_new (NULL);
  Const value;

  shmlens_parser_advance (p);
  if (!shmlens_parser_expect_punct (p, P_LPAREN,
                                    _("expected “(” after “_Static_assert”, found %s")) ||
      !shmlens_expr_parse (p, &value))
    return FALSE;
  if (shmlens_parser_accept_punct (p, P_COMMA))
    {
      if (shmlens_parser_peek (p, 0)->kind != TOKEN_STRING)
        return shmlens_parser_expected (p,
                                        _("expected a string after the condition of "
                                          "“_Static_assert”, found %s"));
      while (shmlens_parser_peek (p, 0)->kind == TOKEN_STRING)
        {
          const Token *token = shmlens_parser_peek (p, 0);
          g_autofree char *text = shmlens_escape (token->text, token->length);

          if (message->len > 0)
            g_string_append_c (message, ' ');
          g_string_append (message, text);
          shmlens_parser_advance (p);
        }
    }
  if (!shmlens_parser_expect_punct (p, P_RPAREN,
                                    _("expected “)” to close “_Static_assert (”, found %s")) ||
      !shmlens_parser_expect_punct (p, P_SEMICOLON,
                                    _("expected “;” after “_Static_assert (…)”, found %s")))
    return FALSE;
  if (value.bits == 0 && message->len == 0)
    return shmlens_parser_fail (p, shmlens_token_location (&keyword), SHMLENS_LAYOUT_ERROR_INVALID,
                                _("static assertion failed"));
  if (value.bits == 0)
    return shmlens_parser_fail (p, shmlens_token_location (&keyword), SHMLENS_LAYOUT_ERROR_INVALID,
                                /* Translators: %s is the message the header's
                                 * _Static_assert gives, as it is written */
                                _("static assertion failed: %s"), message->str);
  return TRUE;
}

/* ------------------------------------------------------------------------------------
 * struct and union
 * ------------------------------------------------------------------------------------ */

/* Member names, anonymous members' included, must be unique in a record. */
static gboolean
check_duplicates (Parser      *p,
                  ShmlensType *record,
                  GHashTable  *seen,
                  const MemberDecl *member)
{
  ShmlensType *resolved = shmlens_type_resolve (member->type);

  if (member->name != NULL)
    {
      if (g_hash_table_contains (seen, member->name))
        return shmlens_parser_fail (p, member->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                    /* Translators: the member's name, and the struct or union */
                                    _("duplicate member “%s” in “%s”"), member->name,
                                    shmlens_type_get_name (record));
      g_hash_table_add (seen, (gpointer) member->name);
      return TRUE;
    }
  if (!member->is_bitfield &&
      (resolved->kind == SHMLENS_TYPE_KIND_STRUCT || resolved->kind == SHMLENS_TYPE_KIND_UNION))
    for (guint i = 0; i < resolved->n_fields; i++)
      {
        const ShmlensField *field = &resolved->fields[i];
        MemberDecl inner = { (char *) field->name, field->type, member->where, field->is_bitfield };

        if (!check_duplicates (p, record, seen, &inner))
          return FALSE;
      }
  return TRUE;
}

static gboolean
check_member (Parser      *p,
              MemberDecl  *member,
              Specifiers  *s,
              const char  *name)
{
  ShmlensType *resolved = shmlens_type_resolve (member->type);

  if (resolved->kind == SHMLENS_TYPE_KIND_FUNCTION)
    return shmlens_parser_fail (p, member->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                _("member “%s” is declared as a function"), name);

  if (member->is_bitfield)
    {
      guint bits = resolved->kind == SHMLENS_TYPE_KIND_BOOL ? 1 : (guint) shmlens_type_get_size (member->type) * 8;

      if (resolved->kind != SHMLENS_TYPE_KIND_INTEGER && resolved->kind != SHMLENS_TYPE_KIND_BOOL &&
          resolved->kind != SHMLENS_TYPE_KIND_ENUM)
        return shmlens_parser_fail (p, member->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("bit-field “%s” has the invalid type “%s”"), name,
                                    shmlens_type_get_name (member->type));
      if (!resolved->complete)
        return shmlens_parser_fail (p, member->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("bit-field “%s” has the incomplete type “%s”"), name,
                                    shmlens_type_get_name (member->type));
      if (s->align_given)
        return shmlens_parser_fail (p, s->align_where, SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("“_Alignas” cannot be applied to the bit-field “%s”"), name);
      if (member->bit_width > bits)
        {
          g_autofree char *width_text =
            /* Translators: a bit-field's width, said in “the width of “%s” (%s) exceeds…” */
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%llu bit",
                                          "%llu bits", member->bit_width),
                             (unsigned long long) member->bit_width);

          return shmlens_parser_fail (p, member->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                      /* Translators: the bit-field's name, its width (“9
                                       * bits”), its C type and the type's width in bits */
                                      g_dngettext (GETTEXT_PACKAGE, "the width of “%s” (%s) "
                                                                    "exceeds its type “%s” "
                                                                    "(%u bit)",
                                                   "the width of “%s” (%s) exceeds its type “%s” "
                                                   "(%u bits)", bits),
                                      name, width_text, shmlens_type_get_name (member->type),
                                      bits);
        }
      return TRUE;
    }

  if (!resolved->complete && !(resolved->kind == SHMLENS_TYPE_KIND_ARRAY && resolved->flexible))
    return shmlens_parser_fail (p, member->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                _("member “%s” has the incomplete type “%s”"), name,
                                shmlens_type_get_name (member->type));

  /* structs of structs of… may nest without nesting in the text */
  if (shmlens_type_depth (member->type) >= SHMLENS_LAYOUT_MAX_TYPE_DEPTH)
    return shmlens_parser_fail (p, member->where, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                                /* Translators: the member's name, and the deepest nesting
                                 * there may be */
                                g_dngettext (GETTEXT_PACKAGE, "member “%s” is nested too deeply "
                                                              "(more than %d level of arrays, "
                                                              "structs and unions)",
                                             "member “%s” is nested too deeply (more than %d "
                                             "levels of arrays, structs and unions)",
                                             SHMLENS_LAYOUT_MAX_TYPE_DEPTH),
                                name, SHMLENS_LAYOUT_MAX_TYPE_DEPTH);

  if (s->align_given && s->align < shmlens_type_get_alignment (member->type))
    return shmlens_parser_fail (p, s->align_where, SHMLENS_LAYOUT_ERROR_INVALID,
                                /* Translators: the alignment asked for, the member's name
                                 * and the alignment of its type, in bytes */
                                g_dngettext (GETTEXT_PACKAGE, "“_Alignas (%u)” cannot lower the "
                                                              "alignment of “%s” (%u byte)",
                                             "“_Alignas (%u)” cannot lower the alignment of “%s” "
                                             "(%u bytes)",
                                             shmlens_type_get_alignment (member->type)),
                                s->align, name, shmlens_type_get_alignment (member->type));
  return TRUE;
}

static gboolean
parse_bitfield_width (Parser     *p,
                      MemberDecl *member,
                      const char *name)
{
  Location where = shmlens_token_location (shmlens_parser_peek (p, 0));
  Const value;

  if (!shmlens_expr_parse (p, &value))
    return FALSE;
  if (shmlens_const_is_negative (&value))
    return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_INVALID,
                                _("negative width in bit-field “%s”"), name);
  if (value.bits == 0 && member->name != NULL)
    return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_INVALID,
                                _("zero width for the bit-field “%s”"), name);
  member->is_bitfield = TRUE;
  member->bit_width = value.bits;
  return TRUE;
}

static gboolean
parse_member_declaration (Parser      *p,
                          ShmlensType *record,
                          GArray      *members)
{
  g_auto(Specifiers) s = { 0 };

  if (peek_is (p, 0, "_Static_assert"))
    return parse_static_assert (p);

  if (!parse_specifiers (p, CONTEXT_MEMBER, &s))
    return FALSE;
  if (s.type == NULL)
    {
      const Token *token = shmlens_parser_peek (p, 0);

      if (token->kind == TOKEN_IDENTIFIER)
        {
          g_autofree char *name = shmlens_token_describe (token);
          return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_UNKNOWN_TYPE,
                                      /* Translators: a name, in quotation marks */
                                      _("unknown type name %s"), name);
        }
      return shmlens_parser_expected (p, _("expected a member declaration, found %s"));
    }
  if (s.is_typedef)
    return shmlens_parser_fail (p, s.where, SHMLENS_LAYOUT_ERROR_INVALID,
                                _("a member cannot be declared “typedef”"));

  if (peek_is_punct (p, 0, P_SEMICOLON))
    {
      /* struct { … }; inside a struct is an anonymous member (C11); anything else
       * declares no member, as gcc says (only -fms-extensions changes that). gcc
       * reads _Alignas before an anonymous member, but silently drops the
       * __attribute__s there: they have no declarator to go to. */
      if (s.inline_record)
        {
          MemberDecl member = { 0 };

          member.type = s.type;
          member.where = s.type_where;
          member.align = s.align;
          if (!check_member (p, &member, &s, "<anonymous>"))
            return FALSE;
          g_array_append_val (members, member);
        }
      shmlens_parser_advance (p);
      return TRUE;
    }

  if (!starts_declarator (p) && !peek_is_punct (p, 0, P_COLON))
    return shmlens_parser_expect_punct (p, P_SEMICOLON,
                                        _("expected “;” after the member declaration, found %s"));

  for (;;)
    {
      g_auto(Declarator) d = { 0 };
      MemberDecl member = { 0 };
      g_autofree char *name = NULL;
      Attributes attributes = s.attributes;

      if (peek_is_punct (p, 0, P_COLON))
        {
          d.ops = new_ops ();
          d.where = shmlens_token_location (shmlens_parser_peek (p, 0));
        }
      else if (!parse_declarator (p, DECLARATOR_NAMED, &d))
        return FALSE;
      name = declarator_name (&d);

      member.type = apply_declarator (p, s.type, &d);
      if (member.type == NULL)
        return FALSE;
      member.where = d.where;
      if (d.has_name)
        member.name = g_string_chunk_insert (p->layout->strings, name);

      if (shmlens_parser_accept_punct (p, P_COLON) && !parse_bitfield_width (p, &member, name))
        return FALSE;
      if (!parse_attributes (p, &attributes))
        return FALSE;
      member.packed = attributes.packed;
      member.align = MAX (s.align, attributes.align);
      if (!check_member (p, &member, &s, name))
        return FALSE;
      g_array_append_val (members, member);

      if (shmlens_parser_accept_punct (p, P_COMMA))
        continue;
      return shmlens_parser_expect_punct (p, P_SEMICOLON,
                                          _("expected “;” after the member declaration, found %s"));
    }
}

/* The members of a struct or union, from after "{" to "}" included. */
static gboolean
parse_members (Parser      *p,
                                          ShmlensType *record,
                                          GArray      *members)
{
  p->record_depth++;
  while (!peek_is_punct (p, 0, P_RBRACE))
    {
      const Token *token = shmlens_parser_peek (p, 0);

      if (token->kind == TOKEN_EOF || token->kind == TOKEN_ERROR)
        {
          g_autofree char *found = describe_found (p);

          if (found == NULL)
            return FALSE;
          return shmlens_parser_fail (p, shmlens_token_location (token),
                                      SHMLENS_LAYOUT_ERROR_SYNTAX,
                                      /* Translators: a struct's or union's name, and what
                                       * was found (the end of the file) */
                                      _("expected “}” to end “%s”, found %s"),
                                      shmlens_type_get_name (record), found);
        }
      if (shmlens_token_is_punct (token, P_SEMICOLON))
        {
          shmlens_parser_advance (p);  /* an empty declaration, as gcc allows */
          continue;
        }
      if (!parse_member_declaration (p, record, members))
        return FALSE;
    }
  shmlens_parser_advance (p);
  p->record_depth--;
  return TRUE;
}

static gboolean
check_flexible_members (Parser      *p,
                        ShmlensType *record,
                        GArray      *members)
{
  guint named = 0;

  for (guint i = 0; i < members->len; i++)
    {
      MemberDecl *member = &g_array_index (members, MemberDecl, i);
      ShmlensType *resolved = shmlens_type_resolve (member->type);

      if (!(resolved->kind == SHMLENS_TYPE_KIND_ARRAY && resolved->flexible))
        {
          if (member->name != NULL || !member->is_bitfield)
            named++;
          continue;
        }
      if (record->kind == SHMLENS_TYPE_KIND_UNION)
        return shmlens_parser_fail (p, member->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("flexible array member “%s” in a union"), member->name);
      if (i + 1 != members->len)
        return shmlens_parser_fail (p, member->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("flexible array member “%s” is not at the end of “%s”"),
                                    member->name, shmlens_type_get_name (record));
      if (named == 0)
        return shmlens_parser_fail (p, member->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("flexible array member “%s” in a struct with no named "
                                      "members"), member->name);
    }
  return TRUE;
}

static GHashTable *
tags_for (Parser *p)
{
  return p->builtin ? p->layout->builtin_tags : p->layout->tags;
}

static const char *
tag_keyword (ShmlensType *type)
{
  switch (type->kind)
    {
    case SHMLENS_TYPE_KIND_STRUCT: return "struct";
    case SHMLENS_TYPE_KIND_UNION: return "union";
    default: return "enum";
    }
}

/* The type a tag names, declared (incomplete) if it is new. */
static ShmlensType *
reference_tag (Parser          *p,
               ShmlensTypeKind  kind,
               const Token     *tag_token,
               gboolean         defining)
{
  g_autofree char *tag = shmlens_token_dup_text (tag_token);
  ShmlensType *type = g_hash_table_lookup (tags_for (p), tag);

  if (type == NULL && !defining && !p->builtin)
    type = g_hash_table_lookup (p->layout->builtin_tags, tag);

  if (type != NULL && type->kind != kind)
    {
      ShmlensType *probe = kind == SHMLENS_TYPE_KIND_ENUM ? shmlens_type_new_enum (p->layout, tag)
                                                          : shmlens_type_new_record (p->layout, kind, tag);
      if (type->builtin)
        shmlens_parser_fail (p, shmlens_token_location (tag_token), SHMLENS_LAYOUT_ERROR_INVALID,
                             /* Translators: the tag written, and the standard type:
                              * the C keyword (struct, union or enum) and its tag */
                             _("“%s” conflicts with the standard “%s %s”"),
                             shmlens_type_get_name (probe),
                             tag_keyword (type), tag);
      else
        shmlens_parser_fail (p, shmlens_token_location (tag_token), SHMLENS_LAYOUT_ERROR_INVALID,
                             /* Translators: the tag written, and the type declared
                              * before: the C keyword (struct, union or enum), its tag
                              * and its line */
                             _("“%s” conflicts with “%s %s” declared at line %u"),
                             shmlens_type_get_name (probe),
                             tag_keyword (type), tag, type->line);
      return NULL;
    }
  if (type == NULL)
    {
      type = kind == SHMLENS_TYPE_KIND_ENUM ? shmlens_type_new_enum (p->layout, tag)
                                            : shmlens_type_new_record (p->layout, kind, tag);
      type->line = tag_token->line;
      type->column = tag_token->column;
      type->builtin = p->builtin;
      g_hash_table_insert (tags_for (p), type->tag, type);
    }
  return type;
}

static gboolean
parse_record_specifier (Parser     *p,
                        Specifiers *s)
{
  Token keyword = *shmlens_parser_peek (p, 0);
  ShmlensTypeKind kind = shmlens_token_is (&keyword, "struct") ? SHMLENS_TYPE_KIND_STRUCT
                                                               : SHMLENS_TYPE_KIND_UNION;
  Attributes attributes = { 0 };
  g_autoptr(GArray) members = NULL;
  ShmlensType *type;
  gboolean has_tag;
  Token tag;

  shmlens_parser_advance (p);
  if (!parse_attributes (p, &attributes))
    return FALSE;
  tag = *shmlens_parser_peek (p, 0);
  has_tag = tag.kind == TOKEN_IDENTIFIER;
  if (has_tag)
    shmlens_parser_advance (p);

  if (!peek_is_punct (p, 0, P_LBRACE))
    {
      if (!has_tag)
        return shmlens_parser_expected (p, kind == SHMLENS_TYPE_KIND_STRUCT
                                             ? _("expected a tag or “{” after “struct”, found %s")
                                             : _("expected a tag or “{” after “union”, found %s"));
      if (attributes.any)
        return shmlens_parser_fail (p, attributes.where, SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                                    kind == SHMLENS_TYPE_KIND_STRUCT
                                      /* Translators: “struct” is the C keyword */
                                      ? _("attributes on a struct that is not being defined here "
                                          "are not supported; put them where it is defined")
                                      /* Translators: “union” is the C keyword */
                                      : _("attributes on a union that is not being defined here "
                                          "are not supported; put them where it is defined"));
      type = reference_tag (p, kind, &tag, FALSE);
      return type != NULL && set_type (p, s, type, shmlens_token_location (&keyword));
    }

  /* a definition */
  if (has_tag)
    {
      type = reference_tag (p, kind, &tag, TRUE);
      if (type == NULL)
        return FALSE;
      if (type->complete)
        return shmlens_parser_fail (p, shmlens_token_location (&tag), SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("redefinition of “%s” (defined at line %u)"),
                                    shmlens_type_get_name (type), type->line);
      if (type->defining)
        return shmlens_parser_fail (p, shmlens_token_location (&tag), SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("nested redefinition of “%s”"), shmlens_type_get_name (type));
      type->line = tag.line;
      type->column = tag.column;
    }
  else
    {
      type = shmlens_type_new_record (p->layout, kind, NULL);
      type->line = keyword.line;
      type->column = keyword.column;
      type->builtin = p->builtin;
    }

  if (!shmlens_parser_enter (p))
    return FALSE;
  type->defining = TRUE;
  shmlens_parser_advance (p);  /* { */
  members = g_array_new (FALSE, FALSE, sizeof (MemberDecl));
  if (!parse_members (p, type, members) ||
      !check_flexible_members (p, type, members) ||
      !parse_attributes (p, &attributes))
    return FALSE;
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < members->len; i++)
      if (!check_duplicates (p, type, seen, &g_array_index (members, MemberDecl, i)))
        return FALSE;
  }

  type->packed = attributes.packed;
  if (!shmlens_abi_layout_record (type, (MemberDecl *) (gpointer) members->data, members->len,
                                  attributes.last_align, p->pack,
                                  shmlens_token_location (has_tag ? &tag : &keyword), &p->error))
    return FALSE;
  type->defining = FALSE;
  shmlens_parser_leave (p);

  if (!p->builtin)
    {
      if (has_tag)
        g_ptr_array_add (p->layout->named, type);
      p->layout->last_record = type;
    }
  s->inline_record = !has_tag;
  return set_type (p, s, type, shmlens_token_location (&keyword));
}

/* ------------------------------------------------------------------------------------
 * enum
 * ------------------------------------------------------------------------------------ */

static Const
enumerator_const (const ShmlensEnumerator *e)
{
  Const value;

  /* an enumerator is an int when its value fits, as gcc types it */
  if (e->negative)
    {
      value.size = (gint64) e->value >= G_MININT32 ? 4 : 8;
      value.is_unsigned = FALSE;
    }
  else
    {
      value.size = e->value <= G_MAXINT32 ? 4 : 8;
      value.is_unsigned = e->value > G_MAXINT64;
    }
  value.bits = e->value;
  return value;
}

gboolean
shmlens_parser_lookup_enumerator (Parser      *p,
                                  const Token *token,
                                  Const       *value)
{
  g_autofree char *name = shmlens_token_dup_text (token);
  const Const *found = p->enumerators != NULL ? g_hash_table_lookup (p->enumerators, name) : NULL;

  if (found == NULL)
    return FALSE;
  *value = *found;
  return TRUE;
}

static gboolean
parse_enumerators (Parser      *p,
                   ShmlensType *type,
                   GArray      *enumerators)
{
  ShmlensEnumerator previous = { NULL, 0, FALSE };
  /* The type gcc computes the next implicit value in: the previous enumerator's,
   * which is int when its value fits, else its expression's (or, implicit, its own
   * predecessor's). */
  gboolean previous_unsigned = FALSE;
  guint previous_size = 4;
  gboolean first = TRUE;

  shmlens_parser_advance (p);  /* { */
  for (;;)
    {
      Token name = *shmlens_parser_peek (p, 0);
      Attributes attributes = { 0 };
      ShmlensEnumerator e = { 0 };
      g_autofree char *text = NULL;

      if (name.kind != TOKEN_IDENTIFIER)
        return shmlens_parser_expected (p, first ? _("expected an enumerator name, found %s")
                                                 : _("expected an enumerator name or “}”, found "
                                                     "%s"));
      text = shmlens_token_dup_text (&name);
      if (g_hash_table_contains (p->enumerators, text))
        return shmlens_parser_fail (p, shmlens_token_location (&name), SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("redeclaration of the enumerator “%s”"), text);
      if (lookup_typedef (p, &name) != NULL)
        return shmlens_parser_fail (p, shmlens_token_location (&name), SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("“%s” is already declared as a type"), text);
      shmlens_parser_advance (p);
      if (!parse_attributes (p, &attributes))
        return FALSE;

      if (shmlens_parser_accept_punct (p, P_ASSIGN))
        {
          Const value;

          if (!shmlens_expr_parse (p, &value))
            return FALSE;
          e.negative = shmlens_const_is_negative (&value);
          e.value = value.bits;
          previous_unsigned = value.is_unsigned;
          previous_size = value.size;
        }
      else if (first)
        e.value = 0;
      else
        {
          /* gcc: "overflow in enumeration values", past the largest value of the
           * previous enumerator's type: int when its value fits one, else the type
           * of its expression */
          guint64 largest;

          if (previous.negative || previous.value <= G_MAXINT32)
            largest = G_MAXINT32;
          else if (previous_size == 4)
            largest = previous_unsigned ? G_MAXUINT32 : G_MAXINT32;
          else
            largest = previous_unsigned ? G_MAXUINT64 : (guint64) G_MAXINT64;
          if (!previous.negative && previous.value == largest)
            return shmlens_parser_fail (p, shmlens_token_location (&name), SHMLENS_LAYOUT_ERROR_INVALID,
                                        /* Translators: an enum's name, and the enumerator */
                                        _("overflow in the values of “%s” at “%s”"),
                                        shmlens_type_get_name (type), text);
          e.value = previous.value + 1;
          e.negative = previous.negative && e.value != 0;
        }
      e.name = g_string_chunk_insert (p->layout->strings, text);
      g_array_append_val (enumerators, e);
      {
        Const *constant = g_new (Const, 1);

        *constant = enumerator_const (&e);
        g_hash_table_insert (p->enumerators, g_steal_pointer (&text), constant);
      }
      previous = e;
      first = FALSE;

      if (shmlens_parser_accept_punct (p, P_COMMA))
        {
          if (shmlens_parser_accept_punct (p, P_RBRACE))
            return TRUE;
          continue;
        }
      if (shmlens_parser_accept_punct (p, P_RBRACE))
        return TRUE;
      return shmlens_parser_expected (p, _("expected “,” or “}” after the enumerator, found %s"));
    }
}

static gboolean
parse_enum_specifier (Parser     *p,
                      Specifiers *s)
{
  Token keyword = *shmlens_parser_peek (p, 0);
  Attributes attributes = { 0 };
  GArray *enumerators;
  ShmlensType *type;
  gboolean has_tag;
  Token tag;

  shmlens_parser_advance (p);
  if (!parse_attributes (p, &attributes))
    return FALSE;
  tag = *shmlens_parser_peek (p, 0);
  has_tag = tag.kind == TOKEN_IDENTIFIER;
  if (has_tag)
    shmlens_parser_advance (p);

  if (!peek_is_punct (p, 0, P_LBRACE))
    {
      if (!has_tag)
        return shmlens_parser_expected (p, _("expected a tag or “{” after “enum”, found %s"));
      if (attributes.any)
        return shmlens_parser_fail (p, attributes.where, SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                                    _("attributes on an enum that is not being defined here are "
                                      "not supported; put them where it is defined"));
      type = reference_tag (p, SHMLENS_TYPE_KIND_ENUM, &tag, FALSE);
      return type != NULL && set_type (p, s, type, shmlens_token_location (&keyword));
    }

  if (has_tag)
    {
      type = reference_tag (p, SHMLENS_TYPE_KIND_ENUM, &tag, TRUE);
      if (type == NULL)
        return FALSE;
      if (type->complete)
        return shmlens_parser_fail (p, shmlens_token_location (&tag), SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("redefinition of “%s” (defined at line %u)"),
                                    shmlens_type_get_name (type), type->line);
      type->line = tag.line;
      type->column = tag.column;
    }
  else
    {
      type = shmlens_type_new_enum (p->layout, NULL);
      type->line = keyword.line;
      type->column = keyword.column;
    }

  enumerators = g_array_new (FALSE, FALSE, sizeof (ShmlensEnumerator));
  if (!parse_enumerators (p, type, enumerators) || !parse_attributes (p, &attributes))
    {
      g_array_unref (enumerators);
      return FALSE;
    }
  if (attributes.align != 0)
    {
      g_array_unref (enumerators);
      return shmlens_parser_fail (p, attributes.where, SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                                  _("the attribute “aligned” on an enum is not supported"));
    }
  type->packed = attributes.packed;
  if (!shmlens_abi_layout_enum (type, enumerators, shmlens_token_location (has_tag ? &tag : &keyword),
                                &p->error))
    return FALSE;
  if (has_tag && !p->builtin)
    g_ptr_array_add (p->layout->named, type);
  return set_type (p, s, type, shmlens_token_location (&keyword));
}

/* ------------------------------------------------------------------------------------
 * Declarations at file scope
 * ------------------------------------------------------------------------------------ */

static gboolean
declare_typedef (Parser      *p,
                 Specifiers  *s,
                 Declarator  *d,
                 ShmlensType *type)
{
  g_autofree char *name = shmlens_token_dup_text (&d->name);
  GHashTable *table = p->builtin ? p->layout->builtin_types : p->layout->typedefs;
  ShmlensType *existing;
  ShmlensType *alias;
  guint align = s->attributes.last_align != 0 ? s->attributes.last_align : d->attributes.last_align;

  if (s->align_given)
    return shmlens_parser_fail (p, s->align_where, SHMLENS_LAYOUT_ERROR_INVALID,
                                _("“_Alignas” cannot be used in the typedef “%s”"), name);
  if (s->attributes.packed || d->attributes.packed)
    return shmlens_parser_fail (p, s->attributes.packed ? s->attributes.where : d->attributes.where,
                                SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                                _("“packed” on the typedef “%s” is ignored by gcc; put it after "
                                  "the closing brace of the struct or union"), name);
  if (p->enumerators != NULL && g_hash_table_contains (p->enumerators, name))
    return shmlens_parser_fail (p, d->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                _("“%s” is already declared as an enumerator"), name);

  existing = g_hash_table_lookup (table, name);
  if (existing != NULL)
    {
      guint existing_align, wanted;
      ShmlensType *merged;

      /* C11 allows a typedef again for the same type */
      if (!shmlens_types_same (existing->target, type))
        {
          const char *here = shmlens_type_get_name (type);
          const char *there = shmlens_type_get_name (existing->target);

          if (g_str_equal (here, there))
            return shmlens_parser_fail (p, d->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                        /* Translators: the typedef's name, then the C type
                                         * given here and the one given before (both spelled
                                         * the same), and the line of that one */
                                        _("conflicting types for “%s”: the “%s” here is a "
                                          "different type from the “%s” at line %u"), name,
                                        here, there, existing->line);
          return shmlens_parser_fail (p, d->where, SHMLENS_LAYOUT_ERROR_INVALID,
                                      /* Translators: the typedef's name, then the C type
                                       * given here and the one given before, and the line
                                       * of that one */
                                      _("conflicting types for “%s”: “%s” here, “%s” at line %u"),
                                      name, here, there, existing->line);
        }

      /* As gcc merges them, an alignment asked for on either declaration (by an
       * attribute, or by an aligned typedef it names) raises the typedef's; it
       * never lowers it. What was declared with the typedef before keeps the
       * alignment it had then. */
      existing_align = shmlens_type_get_alignment (existing);
      wanted = align != 0 ? align : shmlens_type_get_alignment (type);
      if ((align == 0 && (type->kind != SHMLENS_TYPE_KIND_ALIAS || type->chain_align == 0)) ||
          wanted <= existing_align)
        return TRUE;
      merged = shmlens_type_new_typedef (p->layout, name, existing->target, wanted);
      merged->line = existing->line;
      merged->column = existing->column;
      merged->builtin = existing->builtin;
      merged->named_index = existing->named_index;
      g_hash_table_replace (table, merged->name, merged);
      if (!p->builtin)
        g_ptr_array_index (p->layout->named, merged->named_index) = merged;
      return TRUE;
    }

  alias = shmlens_type_new_typedef (p->layout, name, type, align);
  alias->line = d->name.line;
  alias->column = d->name.column;
  alias->builtin = p->builtin;
  g_hash_table_insert (table, alias->name, alias);
  if (!p->builtin)
    {
      alias->named_index = p->layout->named->len;
      g_ptr_array_add (p->layout->named, alias);
    }
  return TRUE;
}

/* The tokens of a declaration of a function whose types Shmlens does not know:
 * "FILE *open_log (const char *path);" or "EXPORT int f (void);". They are skipped:
 * a prototype has no layout. */
static gboolean
looks_like_unknown_function (Parser *p)
{
  gboolean unknown = FALSE;
  gboolean last_unknown = FALSE;
  guint identifiers = 0;
  gboolean previous_identifier = FALSE;

  for (guint i = 0; i < 64; i++)
    {
      const Token *token = shmlens_parser_peek (p, i);

      if (token->kind == TOKEN_IDENTIFIER)
        {
          gboolean known = TOKEN_IN (token, type_keywords) || TOKEN_IN (token, qualifier_keywords) ||
                           TOKEN_IN (token, storage_keywords) || shmlens_token_is (token, "struct") ||
                           shmlens_token_is (token, "union") || shmlens_token_is (token, "enum") ||
                           shmlens_token_is (token, "__extension__") ||
                           lookup_typedef (p, token) != NULL;

          if (is_attribute_keyword (token))
            return FALSE;
          unknown |= last_unknown;
          last_unknown = !known;
          identifiers++;
          previous_identifier = TRUE;
          continue;
        }
      if (shmlens_token_is_punct (token, P_STAR))
        {
          unknown |= last_unknown;
          last_unknown = FALSE;
          previous_identifier = FALSE;
          continue;
        }
      /* the last identifier before "(" is the function's name */
      return shmlens_token_is_punct (token, P_LPAREN) && previous_identifier &&
             identifiers >= 2 && unknown;
    }
  return FALSE;
}

static gboolean
skip_function_declaration (Parser *p)
{
  while (!peek_is_punct (p, 0, P_LPAREN))
    shmlens_parser_advance (p);
  if (!skip_balanced (p, NULL))
    return FALSE;
  for (;;)
    {
      const Token *token = shmlens_parser_peek (p, 0);

      if (shmlens_token_is_punct (token, P_SEMICOLON))
        {
          shmlens_parser_advance (p);
          return TRUE;
        }
      if (shmlens_token_is_punct (token, P_LBRACE))
        return skip_balanced (p, NULL);
      if (shmlens_token_is_punct (token, P_LPAREN))
        {
          if (!skip_balanced (p, NULL))
            return FALSE;
          continue;
        }
      if (token->kind == TOKEN_EOF || token->kind == TOKEN_ERROR ||
          shmlens_token_is_punct (token, P_RBRACE))
        return shmlens_parser_expected (p,
                                        _("expected “;” after the function declaration, found %s"));
      shmlens_parser_advance (p);
    }
}

/* An initializer: "= 4" or "= { … }", skipped up to "," or ";". */
static gboolean
skip_initializer (Parser *p)
{
  for (;;)
    {
      const Token *token = shmlens_parser_peek (p, 0);

      if (shmlens_token_is_punct (token, P_COMMA) || shmlens_token_is_punct (token, P_SEMICOLON))
        return TRUE;
      if (token->kind == TOKEN_EOF || token->kind == TOKEN_ERROR ||
          shmlens_token_is_punct (token, P_RBRACE) || shmlens_token_is_punct (token, P_RPAREN))
        return shmlens_parser_expected (p, _("expected “;” after the initializer, found %s"));
      if (shmlens_token_is_punct (token, P_LPAREN) || shmlens_token_is_punct (token, P_LBRACE) ||
          shmlens_token_is_punct (token, P_LBRACKET))
        {
          if (!skip_balanced (p, NULL))
            return FALSE;
          continue;
        }
      shmlens_parser_advance (p);
    }
}

static gboolean
parse_external_declaration (Parser *p)
{
  g_auto(Specifiers) s = { 0 };

  if (shmlens_parser_accept_punct (p, P_SEMICOLON))
    return TRUE;
  if (peek_is (p, 0, "_Static_assert"))
    return parse_static_assert (p);
  if (peek_is (p, 0, "asm") || peek_is (p, 0, "__asm__") || peek_is (p, 0, "__asm"))
    {
      if (!skip_asm_label (p))
        return FALSE;
      return shmlens_parser_expect_punct (p, P_SEMICOLON,
                                          _("expected “;” after “asm (…)”, found %s"));
    }
  if (looks_like_unknown_function (p))
    return skip_function_declaration (p);

  if (!parse_specifiers (p, CONTEXT_FILE, &s))
    return FALSE;
  if (s.type == NULL)
    {
      const Token *token = shmlens_parser_peek (p, 0);

      if (token->kind == TOKEN_IDENTIFIER)
        {
          g_autofree char *name = shmlens_token_describe (token);
          return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_UNKNOWN_TYPE,
                                      /* Translators: a name, in quotation marks */
                                      _("unknown type name %s"), name);
        }
      return shmlens_parser_expected (p, _("expected a declaration, found %s"));
    }
  if (shmlens_parser_accept_punct (p, P_SEMICOLON))
    return TRUE;  /* struct s { … }; enum e { … }; struct s; */
  if (!starts_declarator (p))
    return shmlens_parser_expect_punct (p, P_SEMICOLON,
                                        _("expected “;” after the declaration, found %s"));

  for (gboolean first = TRUE;; first = FALSE)
    {
      g_auto(Declarator) d = { 0 };
      ShmlensType *type;

      if (!parse_declarator (p, DECLARATOR_NAMED, &d))
        return FALSE;
      type = apply_declarator (p, s.type, &d);
      if (type == NULL)
        return FALSE;
      if (!skip_asm_label (p) || !parse_attributes (p, &d.attributes))
        return FALSE;

      if (s.is_typedef)
        {
          if (!declare_typedef (p, &s, &d, type))
            return FALSE;
        }
      else if (first && is_function_declarator (&d) && peek_is_punct (p, 0, P_LBRACE))
        return skip_balanced (p, NULL);  /* a function's body */
      else if (shmlens_parser_accept_punct (p, P_ASSIGN) && !skip_initializer (p))
        return FALSE;

      if (shmlens_parser_accept_punct (p, P_COMMA))
        continue;
      return shmlens_parser_expect_punct (p, P_SEMICOLON,
                                          _("expected “;” after the declaration, found %s"));
    }
}

/**
 * shmlens_parser_parse: (skip)
 * @p: a parser over a whole header
 *
 * Returns: %FALSE with @p->error set
 */
gboolean
shmlens_parser_parse (Parser *p)
{
  if (p->enumerators == NULL)
    p->enumerators = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (p->pack_stack == NULL)
    p->pack_stack = g_array_new (FALSE, FALSE, sizeof (guint));
  if (p->lookahead == NULL)
    p->lookahead = g_array_new (FALSE, FALSE, sizeof (Token));
  p->evaluate = TRUE;

  while (p->error == NULL)
    {
      const Token *token = shmlens_parser_peek (p, 0);

      if (token->kind == TOKEN_EOF)
        {
          shmlens_parser_advance (p);  /* applies the #pragma lines at the end */
          break;
        }
      if (token->kind == TOKEN_ERROR)
        break;
      if (!parse_external_declaration (p))
        break;
    }
  /* The parser stopped at the preprocessor's error without an error of its own
   * before it: that one is the first. */
  if (p->error == NULL)
    p->error = g_steal_pointer (&p->pp_error);
  g_clear_error (&p->pp_error);
  return p->error == NULL;
}

gboolean
shmlens_parser_attribute_known (const char *name)
{
  gsize length = strlen (name);
  g_autofree char *plain = NULL;

  if (length > 4 && g_str_has_prefix (name, "__") && g_str_has_suffix (name, "__"))
    name = plain = g_strndup (name + 2, length - 4);
  for (gsize i = 0; i < G_N_ELEMENTS (attribute_table); i++)
    if (g_str_equal (name, attribute_table[i].name))
      return attribute_table[i].kind != ATTR_UNSUPPORTED;
  return FALSE;
}
