/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-layout-expr.c: integer constant expressions, typed and evaluated as gcc does on x86-64.
 *
 * Every value keeps its C type (int, unsigned int, long, unsigned long: long long has
 * the same size and conversions as long here), so that 1u - 2 > 0, -1 >> 1 == -1 and
 * sizeof (x) - 8 is unsigned, as in the compiler. Signed overflow wraps, as gcc folds
 * it (with a warning); what gcc rejects — division by zero, shifts by the width of
 * the type or more — is an error, except in the arm of ?:, && or || that is not
 * evaluated. In #if every number is 64 bits wide and every remaining name is 0. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "shmlens-escape.h"
#include "shmlens-layout-private.h"

static gboolean parse_conditional (Parser *p, Const *value);
static gboolean parse_unary (Parser *p, Const *value);

static void
normalize (Const *value)
{
  if (value->size == 4)
    value->bits = value->is_unsigned ? (guint64) (guint32) value->bits
                                     : (guint64) (gint64) (gint32) value->bits;
}

static Const
make_const (guint64  bits,
            guint8   size,
            gboolean is_unsigned,
            Parser  *p)
{
  Const value = { bits, is_unsigned, size };

  if (p->directive)
    value.size = 8;  /* #if computes in intmax_t and uintmax_t */
  normalize (&value);
  return value;
}

static Const
make_int (gint64  number,
          Parser *p)
{
  return make_const ((guint64) number, 4, FALSE, p);
}

gboolean
shmlens_const_is_negative (const Const *value)
{
  return !value->is_unsigned && (gint64) value->bits < 0;
}

char *
shmlens_const_to_string (const Const *value)
{
  if (shmlens_const_is_negative (value))
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value->bits);
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value->bits);
}

static const char *
const_type_name (const Const *value)
{
  if (value->size == 4)
    return value->is_unsigned ? "unsigned int" : "int";
  return value->is_unsigned ? "unsigned long" : "long";
}

/* The usual arithmetic conversions for two promoted operands. */
static void
convert_both (Const *a,
              Const *b)
{
  guint8 size = MAX (a->size, b->size);
  gboolean is_unsigned = (a->size == size && a->is_unsigned) ||
                         (b->size == size && b->is_unsigned);

  a->size = b->size = size;
  a->is_unsigned = b->is_unsigned = is_unsigned;
  normalize (a);
  normalize (b);
}

static gboolean
compare_less (Const a,
              Const b)
{
  convert_both (&a, &b);
  if (a.is_unsigned)
    return a.bits < b.bits;
  return (gint64) a.bits < (gint64) b.bits;
}

static gboolean
compare_equal (Const a,
               Const b)
{
  convert_both (&a, &b);
  return a.bits == b.bits;
}

/* ------------------------------------------------------------------------------------
 * Literals
 * ------------------------------------------------------------------------------------ */

static gboolean
parse_number (Parser      *p,
              const Token *token,
              Const       *value)
{
  g_autofree char *text = shmlens_token_dup_text (token);
  g_autofree char *quoted = shmlens_token_describe (token);
  const char *s = text;
  guint base = 10;
  guint64 number = 0;
  gboolean any = FALSE;
  gboolean is_unsigned = FALSE;
  guint longs = 0;
  gboolean fits_int, fits_uint, fits_long;

  if (strpbrk (text, ".") != NULL ||
      ((text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) && strpbrk (text, "eE") != NULL) ||
      ((text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) && strpbrk (text, "pP") != NULL))
    return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                                /* Translators: in the messages about constants, %s is the
                                 * constant found, in quotation marks */
                                _("floating-point constant %s in an integer constant "
                                  "expression is not supported"), quoted);

  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    base = 16, s += 2;
  else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
    base = 2, s += 2;
  else if (s[0] == '0')
    base = 8;

  for (; *s != '\0'; s++)
    {
      int digit;

      if (g_ascii_isdigit (*s))
        digit = *s - '0';
      else if (base == 16 && g_ascii_isxdigit (*s))
        digit = g_ascii_xdigit_value (*s);
      else
        break;
      if (digit >= (int) base)
        return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_SYNTAX,
                                    _("invalid digit “%c” in the integer constant %s"), *s, quoted);
      if (number > (G_MAXUINT64 - digit) / base)
        return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_INVALID,
                                    _("the integer constant %s is too large for any integer type"),
                                    quoted);
      number = number * base + digit;
      any = TRUE;
    }
  if (!any && base != 8)
    return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_SYNTAX,
                                _("invalid integer constant %s"), quoted);

  /* suffixes: u, l, ll, in either order */
  for (; *s != '\0'; s++)
    {
      if ((*s == 'u' || *s == 'U') && !is_unsigned)
        is_unsigned = TRUE;
      else if ((*s == 'l' || *s == 'L') && longs == 0)
        {
          longs = 1;
          if (s[1] == s[0])
            {
              longs = 2;
              s++;
            }
        }
      else
        return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_SYNTAX,
                                    _("invalid suffix “%s” on the integer constant %s"), s, quoted);
    }

  /* The first type that holds the value, as C11 6.4.4.1 lists them; a decimal
   * constant too large for long becomes unsigned long, as gcc makes it. */
  fits_int = number <= G_MAXINT32;
  fits_uint = number <= G_MAXUINT32;
  fits_long = number <= G_MAXINT64;
  if (is_unsigned)
    *value = longs == 0 && fits_uint ? make_const (number, 4, TRUE, p)
                                     : make_const (number, 8, TRUE, p);
  else if (longs == 0 && fits_int)
    *value = make_const (number, 4, FALSE, p);
  else if (longs == 0 && base != 10 && fits_uint)
    *value = make_const (number, 4, TRUE, p);
  else if (fits_long)
    *value = make_const (number, 8, FALSE, p);
  else
    *value = make_const (number, 8, TRUE, p);
  return TRUE;
}

static gboolean
parse_character (Parser      *p,
                 const Token *token,
                 Const       *value)
{
  g_autofree char *quoted = shmlens_token_describe (token);
  const char *s = token->text;
  const char *end = token->text + token->length - 1;  /* the closing quote */
  char prefix = '\0';
  guint64 code;

  if (*s != '\'')
    {
      prefix = *s;
      while (*s != '\'')
        s++;
    }
  s++;

  if (s == end)
    return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_SYNTAX,
                                _("empty character constant %s"), quoted);
  if (*s == '\\')
    {
      s++;
      switch (*s)
        {
        case 'n': code = '\n'; s++; break;
        case 't': code = '\t'; s++; break;
        case 'r': code = '\r'; s++; break;
        case 'a': code = '\a'; s++; break;
        case 'b': code = '\b'; s++; break;
        case 'f': code = '\f'; s++; break;
        case 'v': code = '\v'; s++; break;
        case 'e': case 'E': code = 0x1b; s++; break;
        case '\\': case '\'': case '"': case '?': code = (guchar) *s; s++; break;
        case 'x':
          s++;
          code = 0;
          if (!g_ascii_isxdigit (*s))
            return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_SYNTAX,
                                        _("“\\x” used with no following hex digits in %s"), quoted);
          while (s < end && g_ascii_isxdigit (*s) && code <= G_MAXUINT32)
            code = code * 16 + g_ascii_xdigit_value (*s++);
          break;
        default:
          if (*s >= '0' && *s <= '7')
            {
              code = 0;
              for (int i = 0; i < 3 && s < end && *s >= '0' && *s <= '7'; i++)
                code = code * 8 + (*s++ - '0');
            }
          else
            return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_SYNTAX,
                                        _("unknown escape sequence in %s"), quoted);
        }
    }
  else if (prefix != '\0')
    {
      gunichar c = g_utf8_get_char_validated (s, end - s);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_SYNTAX,
                                    _("invalid UTF-8 in the character constant %s"), quoted);
      code = c;
      s = g_utf8_next_char (s);
    }
  else
    code = (guchar) *s++;

  if (s != end)
    return shmlens_parser_fail (p, shmlens_token_location (token), SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                                _("multi-character constant %s is not supported"), quoted);

  switch (prefix)
    {
    case 'L':  /* wchar_t: int */
      *value = make_const ((guint64) (gint64) (gint32) code, 4, FALSE, p);
      break;
    case 'u':  /* char16_t (or u8: unsigned char), promoted to int */
      *value = make_const (token->text[1] == '8' ? (guint8) code : (guint16) code, 4, FALSE, p);
      break;
    case 'U':  /* char32_t: unsigned int */
      *value = make_const ((guint32) code, 4, TRUE, p);
      break;
    default:   /* char is signed: '\xff' is -1 */
      *value = make_const ((guint64) (gint64) (gint8) code, 4, FALSE, p);
      break;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------
 * sizeof, _Alignof, offsetof and casts
 * ------------------------------------------------------------------------------------ */

static gboolean
is_punct (Parser *p,
          guint   n,
          Punct   punct)
{
  return shmlens_token_is_punct (shmlens_parser_peek (p, n), punct);
}

/* A type whose size or alignment is asked for: it must have a layout. */
static gboolean
check_complete (Parser      *p,
                ShmlensType *type,
                Location     where,
                const char  *operator)
{
  ShmlensType *resolved = shmlens_type_resolve (type);

  if (resolved->kind == SHMLENS_TYPE_KIND_FUNCTION)
    return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_INVALID,
                                /* Translators: “sizeof”, “_Alignof” or “offsetof” (C,
                                 * not translated), and a C type's name */
                                _("invalid application of “%s” to the function type “%s”"),
                                operator, shmlens_type_get_name (type));
  if (!resolved->complete && resolved->kind != SHMLENS_TYPE_KIND_VOID)
    return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_INVALID,
                                /* Translators: “sizeof”, “_Alignof” or “offsetof” (C,
                                 * not translated), and a C type's name */
                                _("invalid application of “%s” to the incomplete type “%s”"),
                                operator, shmlens_type_get_name (type));
  return TRUE;
}

/* sizeof and _Alignof of an expression: the size of its type, never evaluated.
 * "sizeof sizeof sizeof …" nests: it is counted against the nesting limit. */
static gboolean
operand_type_size (Parser *p,
                   Const  *operand)
{
  gboolean evaluate = p->evaluate;
  gboolean ok;

  if (!shmlens_parser_enter (p))
    return FALSE;
  p->evaluate = FALSE;
  ok = parse_unary (p, operand);
  p->evaluate = evaluate;
  shmlens_parser_leave (p);
  return ok;
}

static gboolean
parse_sizeof (Parser *p,
              Const  *value,
              gboolean alignment)
{
  const char *operator = alignment ? "_Alignof" : "sizeof";
  guint64 result;

  shmlens_parser_advance (p);
  if (is_punct (p, 0, P_LPAREN) && shmlens_parser_starts_type_name (p, shmlens_parser_peek (p, 1)))
    {
      Location where;
      ShmlensType *type;

      shmlens_parser_advance (p);
      where = shmlens_token_location (shmlens_parser_peek (p, 0));
      type = shmlens_parser_type_name (p);
      if (type == NULL ||
          !shmlens_parser_expect_punct (p, P_RPAREN,
                                        alignment ? _("expected “)” after the type in “_Alignof "
                                                      "(”, found %s")
                                                  : _("expected “)” after the type in “sizeof (”, "
                                                      "found %s")))
        return FALSE;
      if (!check_complete (p, type, where, operator))
        return FALSE;
      if (shmlens_type_resolve (type)->kind == SHMLENS_TYPE_KIND_VOID)
        result = 1;  /* a GNU extension: sizeof (void) is 1 */
      else
        result = alignment ? shmlens_type_get_alignment (type) : shmlens_type_get_size (type);
    }
  else
    {
      Const operand;

      if (!operand_type_size (p, &operand))
        return FALSE;
      result = operand.size;
    }

  *value = make_const (result, 8, TRUE, p);
  return TRUE;
}

/* __builtin_offsetof (TYPE, member.member[INDEX]…) */
static gboolean
parse_offsetof (Parser *p,
                Const  *value)
{
  ShmlensType *type;
  Location where;
  GString *path = g_string_new (NULL);
  ShmlensLeaf leaf;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  shmlens_parser_advance (p);
  if (!shmlens_parser_expect_punct (p, P_LPAREN, _("expected “(” after “offsetof”, found %s")))
    goto out;
  where = shmlens_token_location (shmlens_parser_peek (p, 0));
  type = shmlens_parser_type_name (p);
  if (type == NULL ||
      !shmlens_parser_expect_punct (p, P_COMMA,
                                    _("expected “,” after the type in “offsetof (”, found %s")))
    goto out;
  if (!check_complete (p, type, where, "offsetof"))
    goto out;

  where = shmlens_token_location (shmlens_parser_peek (p, 0));
  for (;;)
    {
      const Token *token = shmlens_parser_peek (p, 0);

      if (token->kind != TOKEN_IDENTIFIER)
        {
          shmlens_parser_expected (p, _("expected a member name in “offsetof”, found %s"));
          goto out;
        }
      if (path->len > 0)
        g_string_append_c (path, '.');
      g_string_append_len (path, token->text, token->length);
      shmlens_parser_advance (p);
      while (is_punct (p, 0, P_LBRACKET))
        {
          Const index;
          gboolean parsed;

          shmlens_parser_advance (p);
          /* the index may be another offsetof: nesting */
          if (!shmlens_parser_enter (p))
            goto out;
          parsed = shmlens_expr_parse (p, &index);
          shmlens_parser_leave (p);
          if (!parsed)
            goto out;
          if (shmlens_const_is_negative (&index))
            {
              shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                                   _("a negative index in “offsetof” is not supported"));
              goto out;
            }
          g_string_append_printf (path, "[%" G_GUINT64_FORMAT "]", index.bits);
          if (!shmlens_parser_expect_punct (p, P_RBRACKET,
                                            _("expected “]” after the index in “offsetof”, "
                                              "found %s")))
            goto out;
        }
      if (!is_punct (p, 0, P_DOT))
        break;
      shmlens_parser_advance (p);
    }
  if (!shmlens_parser_expect_punct (p, P_RPAREN, _("expected “)” to close “offsetof (”, found %s")))
    goto out;

  if (!shmlens_type_locate_path (type, path->str, &leaf, &error))
    {
      shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_NOT_FOUND, "%s", error->message);
      goto out;
    }
  if (leaf.is_bitfield)
    {
      shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_INVALID,
                           _("cannot apply “offsetof” to the bit-field “%s”"), path->str);
      goto out;
    }
  *value = make_const (leaf.offset, 8, TRUE, p);
  ok = TRUE;

out:
  g_string_free (path, TRUE);
  return ok;
}

static gboolean
parse_cast (Parser *p,
            Const  *value)
{
  Location where;
  ShmlensType *type, *resolved;
  Const operand;

  shmlens_parser_advance (p);  /* ( */
  where = shmlens_token_location (shmlens_parser_peek (p, 0));
  type = shmlens_parser_type_name (p);
  if (type == NULL ||
      !shmlens_parser_expect_punct (p, P_RPAREN,
                                    _("expected “)” after the type of a cast, found %s")))
    return FALSE;
  /* "(int) (int) (int) …" nests */
  if (!shmlens_parser_enter (p))
    return FALSE;
  if (!parse_unary (p, &operand))
    return FALSE;
  shmlens_parser_leave (p);

  resolved = shmlens_type_resolve (type);
  switch (resolved->kind)
    {
    case SHMLENS_TYPE_KIND_BOOL:
      *value = make_int (operand.bits != 0, p);
      return TRUE;
    case SHMLENS_TYPE_KIND_INTEGER:
    case SHMLENS_TYPE_KIND_ENUM:
      if (resolved->size < 4)
        {
          guint bits = resolved->size * 8;
          guint64 truncated = operand.bits & ((G_GUINT64_CONSTANT (1) << bits) - 1);

          if (resolved->is_signed && (truncated >> (bits - 1)))
            truncated |= ~((G_GUINT64_CONSTANT (1) << bits) - 1);
          *value = make_int ((gint64) truncated, p);  /* promoted to int */
        }
      else
        *value = make_const (operand.bits, resolved->size, !resolved->is_signed, p);
      return TRUE;
    default:
      return shmlens_parser_fail (p, where, SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                                  _("a cast to “%s” in an integer constant expression is not "
                                    "supported"), shmlens_type_get_name (type));
    }
}

/* ------------------------------------------------------------------------------------
 * Operators
 * ------------------------------------------------------------------------------------ */

static gboolean
parse_primary (Parser *p,
               Const  *value)
{
  Token token = *shmlens_parser_peek (p, 0);

  switch (token.kind)
    {
    case TOKEN_NUMBER:
      shmlens_parser_advance (p);
      return parse_number (p, &token, value);

    case TOKEN_CHAR:
      shmlens_parser_advance (p);
      return parse_character (p, &token, value);

    case TOKEN_IDENTIFIER:
      if (p->directive)
        {
          /* in #if, a name that is not a macro is 0 */
          shmlens_parser_advance (p);
          *value = make_int (0, p);
          return TRUE;
        }
      if (shmlens_token_is (&token, "__builtin_offsetof"))
        return parse_offsetof (p, value);
      if (shmlens_parser_lookup_enumerator (p, &token, value))
        {
          shmlens_parser_advance (p);
          return TRUE;
        }
      {
        g_autofree char *name = shmlens_token_describe (&token);
        return shmlens_parser_fail (p, shmlens_token_location (&token), SHMLENS_LAYOUT_ERROR_NOT_FOUND,
                                    /* Translators: %s is a name found in a constant
                                     * expression, in quotation marks */
                                    _("%s is not a constant: expected a number, a macro or an "
                                      "enumerator"), name);
      }

    case TOKEN_PUNCT:
      if (token.punct == P_LPAREN)
        {
          if (!shmlens_parser_enter (p))
            return FALSE;
          shmlens_parser_advance (p);
          if (!parse_conditional (p, value) ||
              !shmlens_parser_expect_punct (p, P_RPAREN,
                                            _("expected “)” to close the parenthesis, found %s")))
            return FALSE;
          shmlens_parser_leave (p);
          return TRUE;
        }
      break;

    case TOKEN_STRING:
      {
        g_autofree char *text = shmlens_token_describe (&token);
        return shmlens_parser_fail (p, shmlens_token_location (&token), SHMLENS_LAYOUT_ERROR_INVALID,
                                    /* Translators: %s is a C string found, in quotes */
                                    _("the string %s is not an integer constant"), text);
      }

    default:
      break;
    }
  return shmlens_parser_expected (p, _("expected an integer constant expression, found %s"));
}

static gboolean
parse_unary (Parser *p,
             Const  *value)
{
  const Token *token = shmlens_parser_peek (p, 0);

  /* __extension__ changes nothing: a loop, for any number of them */
  while (!p->directive && shmlens_token_is (token, "__extension__"))
    {
      shmlens_parser_advance (p);
      token = shmlens_parser_peek (p, 0);
    }

  if (token->kind == TOKEN_IDENTIFIER && !p->directive)
    {
      if (shmlens_token_is (token, "sizeof"))
        return parse_sizeof (p, value, FALSE);
      if (shmlens_token_is (token, "_Alignof") || shmlens_token_is (token, "__alignof__") ||
          shmlens_token_is (token, "__alignof"))
        return parse_sizeof (p, value, TRUE);
    }

  if (token->kind == TOKEN_PUNCT)
    {
      Punct op = token->punct;

      if (op == P_LPAREN && !p->directive &&
          shmlens_parser_starts_type_name (p, shmlens_parser_peek (p, 1)))
        return parse_cast (p, value);

      if (op == P_PLUS || op == P_MINUS || op == P_TILDE || op == P_BANG)
        {
          gboolean ok;

          if (!shmlens_parser_enter (p))
            return FALSE;
          shmlens_parser_advance (p);
          ok = parse_unary (p, value);
          shmlens_parser_leave (p);
          if (!ok)
            return FALSE;
          switch (op)
            {
            case P_MINUS:
              *value = make_const (0 - value->bits, value->size, value->is_unsigned, p);
              break;
            case P_TILDE:
              *value = make_const (~value->bits, value->size, value->is_unsigned, p);
              break;
            case P_BANG:
              *value = make_int (value->bits == 0, p);
              break;
            default:
              break;
            }
          return TRUE;
        }
    }
  return parse_primary (p, value);
}

static int
precedence (const Token *token)
{
  if (token->kind != TOKEN_PUNCT)
    return 0;
  switch (token->punct)
    {
    case P_OROR: return 1;
    case P_ANDAND: return 2;
    case P_PIPE: return 3;
    case P_CARET: return 4;
    case P_AMP: return 5;
    case P_EQEQ: case P_NE: return 6;
    case P_LT: case P_GT: case P_LE: case P_GE: return 7;
    case P_SHL: case P_SHR: return 8;
    case P_PLUS: case P_MINUS: return 9;
    case P_STAR: case P_SLASH: case P_PERCENT: return 10;
    default: return 0;
    }
}

static gboolean
apply_binary (Parser      *p,
              const Token *op,
              Const       *a,
              Const        b)
{
  Const left = *a;

  switch (op->punct)
    {
    case P_OROR:
      *a = make_int (left.bits != 0 || b.bits != 0, p);
      return TRUE;
    case P_ANDAND:
      *a = make_int (left.bits != 0 && b.bits != 0, p);
      return TRUE;
    case P_EQEQ:
      *a = make_int (compare_equal (left, b), p);
      return TRUE;
    case P_NE:
      *a = make_int (!compare_equal (left, b), p);
      return TRUE;
    case P_LT:
      *a = make_int (compare_less (left, b), p);
      return TRUE;
    case P_GT:
      *a = make_int (compare_less (b, left), p);
      return TRUE;
    case P_LE:
      *a = make_int (!compare_less (b, left), p);
      return TRUE;
    case P_GE:
      *a = make_int (!compare_less (left, b), p);
      return TRUE;

    case P_SHL:
    case P_SHR:
      {
        /* the type is the left operand's; the count must be below its width */
        guint width = left.size * 8;

        if (shmlens_const_is_negative (&b) || b.bits >= width)
          {
            g_autofree char *count = shmlens_const_to_string (&b);

            if (!p->evaluate)
              {
                *a = make_const (0, left.size, left.is_unsigned, p);
                return TRUE;
              }
            return shmlens_parser_fail (p, shmlens_token_location (op), SHMLENS_LAYOUT_ERROR_INVALID,
                                        /* Translators: the shift count, the C type shifted
                                         * (int, long…) and its width in bits */
                                        g_dngettext (GETTEXT_PACKAGE, "shift count %s is not "
                                                                      "between 0 and the width of "
                                                                      "“%s” (%u bit)",
                                                     "shift count %s is not between 0 and the "
                                                     "width of “%s” (%u bits)", width),
                                        count, const_type_name (&left), width);
          }
        if (op->punct == P_SHL)
          *a = make_const (left.bits << b.bits, left.size, left.is_unsigned, p);
        else if (left.is_unsigned)
          *a = make_const (left.bits >> b.bits, left.size, TRUE, p);
        else
          *a = make_const ((guint64) ((gint64) left.bits >> b.bits), left.size, FALSE, p);
        return TRUE;
      }

    default:
      break;
    }

  convert_both (&left, &b);
  switch (op->punct)
    {
    case P_PIPE: left.bits |= b.bits; break;
    case P_CARET: left.bits ^= b.bits; break;
    case P_AMP: left.bits &= b.bits; break;
    case P_PLUS: left.bits += b.bits; break;
    case P_MINUS: left.bits -= b.bits; break;
    case P_STAR: left.bits *= b.bits; break;
    case P_SLASH:
    case P_PERCENT:
      if (b.bits == 0)
        {
          if (!p->evaluate)
            {
              left.bits = 0;
              break;
            }
          return shmlens_parser_fail (p, shmlens_token_location (op), SHMLENS_LAYOUT_ERROR_INVALID,
                                      _("division by zero in a constant expression"));
        }
      if (left.is_unsigned)
        left.bits = op->punct == P_SLASH ? left.bits / b.bits : left.bits % b.bits;
      else if ((gint64) b.bits == -1)
        left.bits = op->punct == P_SLASH ? 0 - left.bits : 0;  /* MIN / -1 wraps, as gcc folds it */
      else
        left.bits = (guint64) (op->punct == P_SLASH ? (gint64) left.bits / (gint64) b.bits
                                                    : (gint64) left.bits % (gint64) b.bits);
      break;
    default:
      g_assert_not_reached ();
    }
  normalize (&left);
  *a = left;
  return TRUE;
}

static gboolean
parse_binary (Parser *p,
              int     min_precedence,
              Const  *value)
{
  if (!parse_unary (p, value))
    return FALSE;

  for (;;)
    {
      Token op = *shmlens_parser_peek (p, 0);
      int level = precedence (&op);
      gboolean evaluate = p->evaluate;
      Const right;
      gboolean ok;

      if (level == 0 || level < min_precedence)
        return TRUE;
      shmlens_parser_advance (p);

      /* the right operand of && and || is not evaluated when the left decides */
      if ((op.punct == P_ANDAND && value->bits == 0) || (op.punct == P_OROR && value->bits != 0))
        p->evaluate = FALSE;
      if (!shmlens_parser_enter (p))
        return FALSE;
      ok = parse_binary (p, level + 1, &right);
      shmlens_parser_leave (p);
      p->evaluate = evaluate;
      if (!ok || !apply_binary (p, &op, value, right))
        return FALSE;
    }
}

static gboolean
parse_conditional (Parser *p,
                   Const  *value)
{
  Const condition, a, b;
  gboolean evaluate = p->evaluate;
  gboolean ok;

  if (!parse_binary (p, 1, &condition))
    return FALSE;
  if (!is_punct (p, 0, P_QUESTION))
    {
      *value = condition;
      return TRUE;
    }
  shmlens_parser_advance (p);
  if (!shmlens_parser_enter (p))
    return FALSE;

  p->evaluate = evaluate && condition.bits != 0;
  ok = parse_conditional (p, &a);
  p->evaluate = evaluate;
  if (!ok ||
      !shmlens_parser_expect_punct (p, P_COLON,
                                    _("expected “:” in the conditional expression, found %s")))
    return FALSE;
  p->evaluate = evaluate && condition.bits == 0;
  ok = parse_conditional (p, &b);
  p->evaluate = evaluate;
  shmlens_parser_leave (p);
  if (!ok)
    return FALSE;

  convert_both (&a, &b);
  *value = condition.bits != 0 ? a : b;
  return TRUE;
}

/**
 * shmlens_expr_parse: (skip)
 * @p: the parser, at the start of a constant expression
 * @value: (out): its value
 *
 * Returns: %FALSE with the parser's error set
 */
gboolean
shmlens_expr_parse (Parser *p,
                    Const  *value)
{
  return parse_conditional (p, value);
}

/**
 * shmlens_expr_evaluate_line: (skip)
 * @tokens: an #if line's tokens, macros expanded, ending with %TOKEN_EOF
 * @layout: unused: #if knows no types
 * @result: (out): whether the condition holds
 * @error: return location for an error
 */
gboolean
shmlens_expr_evaluate_line (GArray         *tokens,
                            ShmlensLayout  *layout,
                            gboolean       *result,
                            GError        **error)
{
  Parser p = { 0 };
  Const value = { 0 };
  gboolean ok;

  p.line = tokens;
  p.directive = TRUE;
  p.evaluate = TRUE;
  p.lookahead = g_array_new (FALSE, FALSE, sizeof (Token));

  ok = shmlens_expr_parse (&p, &value);
  if (ok && shmlens_parser_peek (&p, 0)->kind != TOKEN_EOF)
    ok = shmlens_parser_expected (&p, _("expected an operator or the end of the line, found %s"));
  g_array_unref (p.lookahead);
  if (!ok)
    {
      g_propagate_error (error, p.error);
      return FALSE;
    }
  *result = value.bits != 0;
  return TRUE;
}
