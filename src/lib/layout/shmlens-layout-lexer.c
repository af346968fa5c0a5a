/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-layout-lexer.c: a C header cut into tokens, each with its line and column.
 *
 * Backslash-newline splices are removed first, so that a token may continue on the
 * next line as in C; the places where they were are remembered, so that lines and
 * columns still count the way an editor shows them. Columns count characters (not
 * bytes) from 1, tabs as one. Only an unterminated comment is an error here, and
 * the tokens before it are kept, so that an error in them is the one reported: a
 * stray character or an unterminated literal becomes an invalid token, which is an
 * error only if the parser meets it outside a skipped #if group, as in cpp. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "shmlens-escape.h"
#include "shmlens-layout-private.h"

typedef struct
{
  const char *file;
  const char *start;     /* the spliced text */
  const char *p;
  const char *end;
  const gsize *splices;  /* offsets in the spliced text where a line was joined */
  gsize n_splices;
  gsize next_splice;
  guint line;
  guint column;
} Lexer;

static gboolean
at_end (Lexer *lx)
{
  return lx->p >= lx->end;
}

static char
peek_char (Lexer *lx,
           gsize  ahead)
{
  return lx->p + ahead < lx->end ? lx->p[ahead] : '\0';
}

/* Moves one byte on, counting lines and characters. */
static void
bump (Lexer *lx)
{
  char c = *lx->p;

  lx->p++;
  if (c == '\n')
    {
      lx->line++;
      lx->column = 1;
    }
  else if (((guchar) c & 0xc0) != 0x80)
    lx->column++;

  /* A splice removed here joined the next line to this one. */
  while (lx->next_splice < lx->n_splices &&
         lx->splices[lx->next_splice] == (gsize) (lx->p - lx->start))
    {
      lx->line++;
      lx->column = 1;
      lx->next_splice++;
    }
}

static gboolean
is_identifier_start (char c)
{
  return g_ascii_isalpha (c) || c == '_' || c == '$';
}

static gboolean
is_identifier_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '$';
}

/* Longest punctuators first. */
static const struct
{
  const char *text;
  Punct punct;
} punctuators[] = {
  { "...", P_ELLIPSIS }, { "<<=", P_OTHER }, { ">>=", P_OTHER },
  { "->", P_ARROW }, { "++", P_OTHER }, { "--", P_OTHER }, { "<<", P_SHL },
  { ">>", P_SHR }, { "<=", P_LE }, { ">=", P_GE }, { "==", P_EQEQ }, { "!=", P_NE },
  { "&&", P_ANDAND }, { "||", P_OROR }, { "*=", P_OTHER }, { "/=", P_OTHER },
  { "%=", P_OTHER }, { "+=", P_OTHER }, { "-=", P_OTHER }, { "&=", P_OTHER },
  { "^=", P_OTHER }, { "|=", P_OTHER }, { "##", P_HASHHASH },
  { "(", P_LPAREN }, { ")", P_RPAREN }, { "{", P_LBRACE }, { "}", P_RBRACE },
  { "[", P_LBRACKET }, { "]", P_RBRACKET }, { ";", P_SEMICOLON }, { ",", P_COMMA },
  { ".", P_DOT }, { "?", P_QUESTION }, { ":", P_COLON }, { "+", P_PLUS },
  { "-", P_MINUS }, { "*", P_STAR }, { "/", P_SLASH }, { "%", P_PERCENT },
  { "&", P_AMP }, { "|", P_PIPE }, { "^", P_CARET }, { "~", P_TILDE },
  { "!", P_BANG }, { "<", P_LT }, { ">", P_GT }, { "=", P_ASSIGN }, { "#", P_HASH },
};

/* A character or string literal from its opening quote; without its closing quote
 * on the same line it is an invalid token. */
static TokenKind
lex_literal (Lexer *lx,
             char   quote)
{
  bump (lx);
  while (!at_end (lx) && *lx->p != quote && *lx->p != '\n')
    {
      if (*lx->p == '\\' && peek_char (lx, 1) != '\0' && peek_char (lx, 1) != '\n')
        bump (lx);
      bump (lx);
    }
  if (at_end (lx) || *lx->p != quote)
    return TOKEN_INVALID;
  bump (lx);
  return quote == '"' ? TOKEN_STRING : TOKEN_CHAR;
}

static gboolean
skip_space_and_comments (Lexer    *lx,
                         guint8   *flags,
                         GError  **error)
{
  while (!at_end (lx))
    {
      char c = *lx->p;

      if (c == '\n')
        {
          *flags |= TOKEN_FLAG_BOL;
          bump (lx);
        }
      else if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f')
        {
          *flags |= TOKEN_FLAG_SPACE;
          bump (lx);
        }
      else if (c == '/' && peek_char (lx, 1) == '/')
        {
          while (!at_end (lx) && *lx->p != '\n')
            bump (lx);
          *flags |= TOKEN_FLAG_SPACE;
        }
      else if (c == '/' && peek_char (lx, 1) == '*')
        {
          Location where = { lx->file, lx->line, lx->column };

          bump (lx);
          bump (lx);
          while (!at_end (lx) && !(*lx->p == '*' && peek_char (lx, 1) == '/'))
            bump (lx);
          if (at_end (lx))
            {
              shmlens_layout_set_error (error, where, SHMLENS_LAYOUT_ERROR_SYNTAX,
                                        /* Translators: the token that ends a C comment
                                         * stays as it is */
                                        _("unterminated comment: expected “*/” before the "
                                          "end of the file"));
              return FALSE;
            }
          bump (lx);
          bump (lx);
          *flags |= TOKEN_FLAG_SPACE;
        }
      else
        break;
    }
  return TRUE;
}

static gboolean
lex_token (Lexer   *lx,
           Token   *token,
           GError **error)
{
  char c;

  if (!skip_space_and_comments (lx, &token->flags, error))
    return FALSE;

  token->file = lx->file;
  token->line = lx->line;
  token->column = lx->column;
  token->text = lx->p;
  if (at_end (lx))
    {
      token->kind = TOKEN_EOF;
      token->length = 0;
      return TRUE;
    }

  c = *lx->p;
  if (is_identifier_start (c))
    {
      while (!at_end (lx) && is_identifier_char (*lx->p))
        bump (lx);
      token->kind = TOKEN_IDENTIFIER;
      /* L'x', u"…", U'x', u8"…": a prefixed literal */
      if (!at_end (lx) && (*lx->p == '\'' || *lx->p == '"'))
        {
          gsize n = lx->p - token->text;

          if ((n == 1 && strchr ("LuU", token->text[0]) != NULL) ||
              (n == 2 && token->text[0] == 'u' && token->text[1] == '8'))
            token->kind = lex_literal (lx, *lx->p);
        }
    }
  else if (g_ascii_isdigit (c) || (c == '.' && g_ascii_isdigit (peek_char (lx, 1))))
    {
      /* a preprocessing number: digits, letters, '.', and signs after exponents */
      bump (lx);
      while (!at_end (lx))
        {
          char d = *lx->p;
          char prev = lx->p[-1];

          if ((d == '+' || d == '-') && strchr ("eEpP", prev) != NULL)
            bump (lx);
          else if (is_identifier_char (d) || d == '.')
            bump (lx);
          else
            break;
        }
      token->kind = TOKEN_NUMBER;
    }
  else if (c == '\'' || c == '"')
    token->kind = lex_literal (lx, c);
  else
    {
      token->kind = TOKEN_INVALID;
      for (gsize i = 0; i < G_N_ELEMENTS (punctuators); i++)
        {
          gsize n = strlen (punctuators[i].text);

          if ((gsize) (lx->end - lx->p) >= n && memcmp (lx->p, punctuators[i].text, n) == 0)
            {
              token->kind = TOKEN_PUNCT;
              token->punct = punctuators[i].punct;
              for (gsize j = 0; j < n; j++)
                bump (lx);
              break;
            }
        }
      if (token->kind == TOKEN_INVALID)
        {
          /* one whole character, so that the message can show it */
          bump (lx);
          while (!at_end (lx) && ((guchar) *lx->p & 0xc0) == 0x80)
            bump (lx);
        }
    }
  token->length = lx->p - token->text;
  return TRUE;
}

/**
 * shmlens_layout_lex: (skip)
 * @file: the file's name as messages show it (kept, not copied)
 * @text: the text
 * @length: its length in bytes
 * @tokens: a #GArray of #Token to append to; it ends with a %TOKEN_EOF
 * @error: return location for an error
 *
 * The tokens point into a spliced copy of @text that the caller frees after the
 * tokens: it is returned. When the text ends in an unterminated comment, the tokens
 * end where it starts and @error is set: the caller reports it when it reaches the
 * end of the tokens, after any error before the comment.
 *
 * Returns: (transfer full): the text the tokens point into
 */
char *
shmlens_layout_lex (const char  *file,
                    const char  *text,
                    gsize        length,
                    GArray      *tokens,
                    GError     **error)
{
  g_autofree char *spliced = g_malloc (length + 1);
  g_autoptr(GArray) splices = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize n = 0;
  Lexer lx = { 0 };

  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '\\' && i + 1 < length && text[i + 1] == '\n')
        {
          g_array_append_val (splices, n);
          i++;
          continue;
        }
      if (text[i] == '\\' && i + 2 < length && text[i + 1] == '\r' && text[i + 2] == '\n')
        {
          g_array_append_val (splices, n);
          i += 2;
          continue;
        }
      spliced[n++] = text[i];
    }
  spliced[n] = '\0';

  lx.file = file;
  lx.start = spliced;
  lx.p = spliced;
  lx.end = spliced + n;
  lx.splices = (const gsize *) (gpointer) splices->data;
  lx.n_splices = splices->len;
  lx.line = 1;
  lx.column = 1;
  /* a splice at the very start joins line 1 to line 2 */
  while (lx.next_splice < lx.n_splices && lx.splices[lx.next_splice] == 0)
    {
      lx.line++;
      lx.next_splice++;
    }

  for (guint8 flags = TOKEN_FLAG_BOL;; flags = 0)
    {
      Token token = { 0 };

      token.flags = flags;
      if (!lex_token (&lx, &token, error))
        {
          token.kind = TOKEN_EOF;
          token.flags |= TOKEN_FLAG_BOL;
          token.file = lx.file;
          token.line = lx.line;
          token.column = lx.column;
          token.text = lx.p;
          token.length = 0;
          g_array_append_val (tokens, token);
          break;
        }
      g_array_append_val (tokens, token);
      if (token.kind == TOKEN_EOF)
        break;
    }
  return g_steal_pointer (&spliced);
}

gboolean
shmlens_token_is (const Token *token,
                  const char  *text)
{
  return token->kind == TOKEN_IDENTIFIER && strlen (text) == token->length &&
         memcmp (token->text, text, token->length) == 0;
}

gboolean
shmlens_token_is_punct (const Token *token,
                        Punct        punct)
{
  return token->kind == TOKEN_PUNCT && token->punct == punct;
}

char *
shmlens_token_dup_text (const Token *token)
{
  return g_strndup (token->text, token->length);
}

/* How a message names a token: “}”, or "the end of the file". Long tokens are cut,
 * and everything is escaped: the header is untrusted text. */
char *
shmlens_token_describe (const Token *token)
{
  g_autofree char *escaped = NULL;
  gsize length = token->length;

  if (token->kind == TOKEN_EOF || token->kind == TOKEN_ERROR)
    /* Translators: what was found in place of a token, in “expected …, found %s” */
    return g_strdup (_("the end of the file"));
  if (length > 40)
    {
      length = 40;
      /* do not cut a character in two */
      while (length > 0 && ((guchar) token->text[length] & 0xc0) == 0x80)
        length--;
      escaped = shmlens_escape (token->text, length);
      /* Translators: a C token found, cut short after 40 characters, in quotation
       * marks: use your language's, as in the other messages */
      return g_strdup_printf (_("“%s…”"), escaped);
    }
  escaped = shmlens_escape (token->text, length);
  /* Translators: a C token found, in quotation marks: use your language's, as in the
   * other messages */
  return g_strdup_printf (_("“%s”"), escaped);
}

Location
shmlens_token_location (const Token *token)
{
  Location where = { token->file, token->line, token->column, token->macro };

  return where;
}

/* Every error in a header starts with "FILE:LINE:COLUMN: ", as compilers print. An
 * error in what a built-in macro expands to is placed where the header names the
 * macro, and says so. */
void
shmlens_layout_set_error (GError             **error,
                          Location             where,
                          ShmlensLayoutError   code,
                          const char          *format,
                          ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* "FILE:LINE:COLUMN: " is not translated: editors and build tools find the place by
   * it, in every language. */
  if (where.macro != NULL)
    {
      /* Translators: an error message, and the built-in macro in whose expansion
       * the error is */
      g_autofree char *expanded = g_strdup_printf (_("%s (in the expansion of “%s”)"), message,
                                                   where.macro);

      g_set_error (error, SHMLENS_LAYOUT_ERROR, code, "%s:%u:%u: %s",
                   where.file, where.line, where.column, expanded);
    }
  else
    g_set_error (error, SHMLENS_LAYOUT_ERROR, code, "%s:%u:%u: %s",
                 where.file, where.line, where.column, message);
}
