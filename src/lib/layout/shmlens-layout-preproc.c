/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-layout-preproc.c: the part of the C preprocessor that IPC headers use.
 *
 * Object-like and function-like macros (arguments are expanded before they are
 * substituted, and a macro is not expanded again inside its own expansion, as in
 * C), #undef, #if/#ifdef/#ifndef/#elif/#else/#endif with defined(), __has_include()
 * and __has_attribute(), #error, #pragma pack and the standard headers, which are
 * known without being read. What the preprocessor does not do — the # and ##
 * operators, variadic macros, #line, other headers — is an error, never a quiet
 * difference from cpp. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "shmlens-escape.h"
#include "shmlens-layout-private.h"

typedef struct
{
  char *name;
  gboolean function_like;
  gboolean builtin;   /* one of the prelude's: its tokens are shown where it is used */
  GPtrArray *params;  /* char * */
  GArray *body;       /* Token */
  gint *param_of;     /* function-like: the parameter each token of body names, or -1 */
  gboolean disabled;  /* being expanded: not expanded again */
} Macro;

typedef struct
{
  GArray *tokens;
  guint pos;
  Macro *macro;       /* re-enabled when the context is done */
} Context;

typedef struct
{
  Location where;
  const char *directive;   /* "#if", "#ifdef", "#ifndef" */
  gboolean parent_skipping;
  gboolean taking;         /* this group is read */
  gboolean taken;          /* a group of this conditional was read */
  gboolean seen_else;
} Conditional;

/* What running out of an expander's tokens is, for "expected “)” before …" */
typedef enum
{
  END_OF_FILE,
  END_OF_LINE,
  END_OF_ARGUMENT,
} ExpanderEnd;

typedef struct
{
  Preproc *pp;
  GArray *base;            /* NULL: the file, through its directives */
  guint base_pos;
  GPtrArray *contexts;     /* Context */
  ExpanderEnd end;         /* what running out of tokens is */
  /* END_OF_ARGUMENT: the macro's name, described only for a message: an invocation
   * with many arguments makes an expander for each */
  const Token *argument_of;
} Expander;

struct _Preproc
{
  const char *file;
  GArray *tokens;          /* the file's tokens, not owned */
  guint pos;
  GHashTable *macros;      /* name → Macro, those defined now */
  /* Every macro ever defined, freed with the preprocessor: an #undef among a macro's
   * arguments must not free the macro being expanded, and tokens name macros. */
  GPtrArray *all_macros;
  gboolean reading_prelude;
  gboolean in_condition;   /* expanding an #if line: defined and __has_… are operators */
  GError *lex_error;       /* an unterminated comment, reported at the end of the tokens */
  GArray *conditionals;
  Expander main;
  guint64 budget;          /* tokens that expansions may still make */
  guint depth;             /* macro arguments being expanded inside each other */
  char *prelude_text;
  GArray *prelude_tokens;
};

/* Macro expansion can grow exponentially; no real header comes near this. */
#define EXPANSION_BUDGET 1000000

/* What <stddef.h>, <stdbool.h>, <limits.h>, <stdint.h>, … define, as gcc 12 and
 * glibc on x86-64 do, and gcc's own predefined macros. Known from the start, like
 * the standard types: a header that uses them without its #include still reads. */
static const char prelude[] =
  "#define __STDC__ 1\n"
  "#define __STDC_VERSION__ 201710L\n"
  "#define __STDC_HOSTED__ 1\n"
  "#define __GNUC__ 12\n"
  "#define __GNUC_MINOR__ 2\n"
  "#define __GNUC_PATCHLEVEL__ 0\n"
  "#define __x86_64__ 1\n"
  "#define __x86_64 1\n"
  "#define __amd64__ 1\n"
  "#define __amd64 1\n"
  "#define __linux__ 1\n"
  "#define __linux 1\n"
  "#define __gnu_linux__ 1\n"
  "#define __unix__ 1\n"
  "#define __unix 1\n"
  "#define __ELF__ 1\n"
  "#define __LP64__ 1\n"
  "#define _LP64 1\n"
  "#define __CHAR_BIT__ 8\n"
  "#define __SIZEOF_SHORT__ 2\n"
  "#define __SIZEOF_INT__ 4\n"
  "#define __SIZEOF_LONG__ 8\n"
  "#define __SIZEOF_LONG_LONG__ 8\n"
  "#define __SIZEOF_POINTER__ 8\n"
  "#define __SIZEOF_FLOAT__ 4\n"
  "#define __SIZEOF_DOUBLE__ 8\n"
  "#define __SIZEOF_LONG_DOUBLE__ 16\n"
  "#define __SIZEOF_SIZE_T__ 8\n"
  "#define __SIZEOF_WCHAR_T__ 4\n"
  "#define __SIZEOF_PTRDIFF_T__ 8\n"
  "#define __BIGGEST_ALIGNMENT__ 16\n"
  "#define __ORDER_LITTLE_ENDIAN__ 1234\n"
  "#define __ORDER_BIG_ENDIAN__ 4321\n"
  "#define __ORDER_PDP_ENDIAN__ 3412\n"
  "#define __BYTE_ORDER__ __ORDER_LITTLE_ENDIAN__\n"
  "#define __FLOAT_WORD_ORDER__ __ORDER_LITTLE_ENDIAN__\n"
  "#define __SCHAR_MAX__ 0x7f\n"
  "#define __SHRT_MAX__ 0x7fff\n"
  "#define __INT_MAX__ 0x7fffffff\n"
  "#define __LONG_MAX__ 0x7fffffffffffffffL\n"
  "#define __LONG_LONG_MAX__ 0x7fffffffffffffffLL\n"
  "#define __SIZE_MAX__ 0xffffffffffffffffUL\n"
  "#define __GCC_ATOMIC_TEST_AND_SET_TRUEVAL 1\n"
  /* stddef.h */
  "#define NULL ((void *) 0)\n"
  "#define offsetof(type, member) __builtin_offsetof (type, member)\n"
  /* stdbool.h, stdalign.h, assert.h, stdnoreturn.h */
  "#define bool _Bool\n"
  "#define true 1\n"
  "#define false 0\n"
  "#define __bool_true_false_are_defined 1\n"
  "#define alignas _Alignas\n"
  "#define alignof _Alignof\n"
  "#define __alignas_is_defined 1\n"
  "#define __alignof_is_defined 1\n"
  "#define static_assert _Static_assert\n"
  "#define noreturn _Noreturn\n"
  /* limits.h */
  "#define CHAR_BIT 8\n"
  "#define SCHAR_MIN (-128)\n"
  "#define SCHAR_MAX 127\n"
  "#define UCHAR_MAX 255\n"
  "#define CHAR_MIN (-128)\n"
  "#define CHAR_MAX 127\n"
  "#define SHRT_MIN (-32768)\n"
  "#define SHRT_MAX 32767\n"
  "#define USHRT_MAX 65535\n"
  "#define INT_MIN (-INT_MAX - 1)\n"
  "#define INT_MAX 2147483647\n"
  "#define UINT_MAX 4294967295U\n"
  "#define LONG_MIN (-LONG_MAX - 1L)\n"
  "#define LONG_MAX 9223372036854775807L\n"
  "#define ULONG_MAX 18446744073709551615UL\n"
  "#define LLONG_MIN (-LLONG_MAX - 1LL)\n"
  "#define LLONG_MAX 9223372036854775807LL\n"
  "#define ULLONG_MAX 18446744073709551615ULL\n"
  "#define SSIZE_MAX LONG_MAX\n"
  "#define PATH_MAX 4096\n"
  "#define NAME_MAX 255\n"
  "#define PIPE_BUF 4096\n"
  /* stdint.h */
  "#define INT8_MIN (-128)\n"
  "#define INT16_MIN (-32767 - 1)\n"
  "#define INT32_MIN (-2147483647 - 1)\n"
  "#define INT64_MIN (-9223372036854775807L - 1)\n"
  "#define INT8_MAX 127\n"
  "#define INT16_MAX 32767\n"
  "#define INT32_MAX 2147483647\n"
  "#define INT64_MAX 9223372036854775807L\n"
  "#define UINT8_MAX 255\n"
  "#define UINT16_MAX 65535\n"
  "#define UINT32_MAX 4294967295U\n"
  "#define UINT64_MAX 18446744073709551615UL\n"
  "#define INTPTR_MIN INT64_MIN\n"
  "#define INTPTR_MAX INT64_MAX\n"
  "#define UINTPTR_MAX UINT64_MAX\n"
  "#define INTMAX_MIN INT64_MIN\n"
  "#define INTMAX_MAX INT64_MAX\n"
  "#define UINTMAX_MAX UINT64_MAX\n"
  "#define PTRDIFF_MIN INT64_MIN\n"
  "#define PTRDIFF_MAX INT64_MAX\n"
  "#define SIZE_MAX UINT64_MAX\n"
  "#define INT8_C(c) c\n"
  "#define INT16_C(c) c\n"
  "#define INT32_C(c) c\n"
  "#define INT64_C(c) ((long) (c))\n"
  "#define UINT8_C(c) c\n"
  "#define UINT16_C(c) c\n"
  "#define UINT32_C(c) ((unsigned int) (c))\n"
  "#define UINT64_C(c) ((unsigned long) (c))\n"
  "#define INTMAX_C(c) ((long) (c))\n"
  "#define UINTMAX_C(c) ((unsigned long) (c))\n"
  /* stdatomic.h */
  "#define ATOMIC_VAR_INIT(value) (value)\n"
  "#define ATOMIC_BOOL_LOCK_FREE 2\n"
  "#define ATOMIC_CHAR_LOCK_FREE 2\n"
  "#define ATOMIC_SHORT_LOCK_FREE 2\n"
  "#define ATOMIC_INT_LOCK_FREE 2\n"
  "#define ATOMIC_LONG_LOCK_FREE 2\n"
  "#define ATOMIC_LLONG_LOCK_FREE 2\n"
  "#define ATOMIC_POINTER_LOCK_FREE 2\n"
  /* time.h, pthread.h, endian.h */
  "#define CLOCK_REALTIME 0\n"
  "#define CLOCK_MONOTONIC 1\n"
  "#define TIME_UTC 1\n"
  "#define PTHREAD_PROCESS_PRIVATE 0\n"
  "#define PTHREAD_PROCESS_SHARED 1\n"
  "#define __LITTLE_ENDIAN 1234\n"
  "#define __BIG_ENDIAN 4321\n"
  "#define __BYTE_ORDER __LITTLE_ENDIAN\n"
  "#define LITTLE_ENDIAN __LITTLE_ENDIAN\n"
  "#define BIG_ENDIAN __BIG_ENDIAN\n"
  "#define BYTE_ORDER __BYTE_ORDER\n";

/* Headers whose declarations Shmlens knows without reading them. Those that only
 * declare functions are harmless: a struct that uses a type Shmlens does not know
 * (FILE, …) is an error that names the type. */
static const char *const known_headers[] = {
  "assert.h", "endian.h", "errno.h", "fcntl.h", "float.h", "inttypes.h", "limits.h",
  "pthread.h", "semaphore.h", "signal.h", "stdalign.h", "stdarg.h", "stdatomic.h",
  "stdbool.h", "stddef.h", "stdint.h", "stdio.h", "stdlib.h", "stdnoreturn.h",
  "string.h", "sys/ipc.h", "sys/mman.h", "sys/shm.h", "sys/stat.h", "sys/time.h",
  "sys/types.h", "time.h", "uchar.h", "unistd.h", "wchar.h",
};

gboolean
shmlens_preproc_header_known (const char *name,
                              gboolean    system)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known_headers); i++)
    if (g_str_equal (name, known_headers[i]))
      return TRUE;
  return FALSE;
}

static void
macro_free (gpointer data)
{
  Macro *macro = data;

  g_free (macro->name);
  g_clear_pointer (&macro->params, g_ptr_array_unref);
  g_array_unref (macro->body);
  g_free (macro->param_of);
  g_free (macro);
}

static void
context_free (gpointer data)
{
  Context *context = data;

  if (context->macro != NULL)
    context->macro->disabled = FALSE;
  g_array_unref (context->tokens);
  g_free (context);
}

static gboolean
fail (GError            **error,
      const Token        *token,
      ShmlensLayoutError  code,
      const char         *format,
      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (GError            **error,
      const Token        *token,
      ShmlensLayoutError  code,
      const char         *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  shmlens_layout_set_error (error, shmlens_token_location (token), code, "%s", message);
  return FALSE;
}

static Macro *
lookup_macro (Preproc     *pp,
              const Token *token)
{
  char buffer[128];
  g_autofree char *allocated = NULL;
  char *name = buffer;

  if (token->kind != TOKEN_IDENTIFIER)
    return NULL;
  if (token->length >= sizeof buffer)
    name = allocated = shmlens_token_dup_text (token);
  else
    {
      memcpy (buffer, token->text, token->length);
      buffer[token->length] = '\0';
    }
  return g_hash_table_lookup (pp->macros, name);
}

static gboolean
skipping (Preproc *pp)
{
  if (pp->conditionals->len == 0)
    return FALSE;
  return !g_array_index (pp->conditionals, Conditional, pp->conditionals->len - 1).taking;
}

/* ------------------------------------------------------------------------------------
 * Expansion
 * ------------------------------------------------------------------------------------ */

static gboolean file_next (Preproc *pp, Token *token, GError **error);
static gboolean expand_next (Expander *ex, Token *token, GError **error);
static gboolean evaluate_operator (Expander *ex, Token *token, GError **error);

/* @end: what running out of @base's tokens is, for messages; @argument_of, the
 * macro's name for END_OF_ARGUMENT, must outlive the expander. */
static void
expander_init (Expander    *ex,
               Preproc     *pp,
               GArray      *base,
               ExpanderEnd  end,
               const Token *argument_of)
{
  ex->pp = pp;
  ex->base = base;
  ex->base_pos = 0;
  ex->contexts = g_ptr_array_new_with_free_func (context_free);
  ex->end = end;
  ex->argument_of = argument_of;
}

static void
expander_clear (Expander *ex)
{
  g_clear_pointer (&ex->contexts, g_ptr_array_unref);
  ex->argument_of = NULL;
}

static gboolean
raw_next (Expander *ex,
          Token    *token,
          GError  **error)
{
  while (ex->contexts->len > 0)
    {
      Context *context = g_ptr_array_index (ex->contexts, ex->contexts->len - 1);

      if (context->pos < context->tokens->len)
        {
          *token = g_array_index (context->tokens, Token, context->pos++);
          return TRUE;
        }
      g_ptr_array_remove_index (ex->contexts, ex->contexts->len - 1);
    }

  if (ex->base != NULL)
    {
      *token = g_array_index (ex->base, Token, ex->base_pos);
      if (token->kind != TOKEN_EOF)
        ex->base_pos++;
      return TRUE;
    }
  return file_next (ex->pp, token, error);
}

/* Whether the next token is "(", without taking it: a function-like macro's name
 * not followed by one is an ordinary identifier. */
static gboolean
next_is_lparen (Expander *ex)
{
  const Token *next;

  for (guint i = ex->contexts->len; i > 0; i--)
    {
      Context *context = g_ptr_array_index (ex->contexts, i - 1);

      if (context->pos < context->tokens->len)
        return shmlens_token_is_punct (&g_array_index (context->tokens, Token, context->pos),
                                       P_LPAREN);
    }
  if (ex->base != NULL)
    next = &g_array_index (ex->base, Token, ex->base_pos);
  else
    {
      next = &g_array_index (ex->pp->tokens, Token, ex->pp->pos);
      if (skipping (ex->pp))
        return FALSE;
    }
  return shmlens_token_is_punct (next, P_LPAREN);
}

static gboolean
charge (Preproc     *pp,
        const Token *name,
        guint        n_tokens,
        GError     **error)
{
  if (n_tokens > pp->budget)
    {
      g_autofree char *text = shmlens_token_describe (name);
      return fail (error, name, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
                   _("the expansion of macro %s is too large (more than %u tokens in all)"),
                   text, EXPANSION_BUDGET);
    }
  pp->budget -= n_tokens;
  return TRUE;
}

/* Expands an argument completely before it is substituted, as C requires. */
static GArray *
expand_argument (Preproc     *pp,
                 GArray      *argument,
                 const Token *name,
                 GError     **error)
{
  g_autoptr(GArray) result = g_array_new (FALSE, FALSE, sizeof (Token));
  Token eof = { 0 };
  Expander ex;
  gboolean ok = TRUE;

  if (pp->depth >= SHMLENS_LAYOUT_MAX_NESTING)
    {
      g_autofree char *text = shmlens_token_describe (name);
      fail (error, name, SHMLENS_LAYOUT_ERROR_TOO_LARGE,
            _("macro invocations nested too deeply in the arguments of %s"), text);
      return NULL;
    }
  /* nothing to expand, and F(,,,…) passes many of them */
  if (argument->len == 0)
    return g_steal_pointer (&result);

  eof.kind = TOKEN_EOF;
  eof.file = name->file;
  eof.line = name->line;
  eof.column = name->column;
  g_array_append_val (argument, eof);

  pp->depth++;
  expander_init (&ex, pp, argument, END_OF_ARGUMENT, name);
  for (;;)
    {
      Token token;

      if (!expand_next (&ex, &token, error))
        {
          ok = FALSE;
          break;
        }
      if (token.kind == TOKEN_EOF)
        break;
      g_array_append_val (result, token);
    }
  expander_clear (&ex);
  pp->depth--;
  g_array_set_size (argument, argument->len - 1);
  return ok ? g_steal_pointer (&result) : NULL;
}

/* Reads the arguments of a function-like macro, after its "(". Their tokens are
 * copies, counted against the budget: an invocation nested in the arguments of
 * another copies them again, so that without a count "F(F(F(…" would copy the rest
 * of the file once for every level. */
static gboolean
collect_arguments (Expander    *ex,
                   Macro       *macro,
                   const Token *name,
                   GPtrArray   *arguments,
                   GError     **error)
{
  GArray *current = g_array_new (FALSE, FALSE, sizeof (Token));
  guint depth = 0;

  g_ptr_array_add (arguments, current);
  for (;;)
    {
      Token token;

      if (!raw_next (ex, &token, error))
        return FALSE;
      if (token.kind == TOKEN_EOF)
        {
          g_autofree char *text = shmlens_token_describe (name);
          g_autofree char *outer = NULL;

          if (ex->end == END_OF_FILE)
            return fail (error, name, SHMLENS_LAYOUT_ERROR_SYNTAX,
                         /* Translators: %s is the macro's name, in quotation marks */
                         _("unterminated argument list invoking macro %s: expected “)” before "
                           "the end of the file"), text);
          if (ex->end == END_OF_LINE)
            return fail (error, name, SHMLENS_LAYOUT_ERROR_SYNTAX,
                         /* Translators: %s is the macro's name, in quotation marks */
                         _("unterminated argument list invoking macro %s: expected “)” before "
                           "the end of the line"), text);
          outer = shmlens_token_describe (ex->argument_of);
          return fail (error, name, SHMLENS_LAYOUT_ERROR_SYNTAX,
                       /* Translators: the macro invoked, and the macro in an argument of
                        * which it is invoked, both in quotation marks */
                       _("unterminated argument list invoking macro %s: expected “)” before "
                         "the end of an argument of %s"), text, outer);
        }
      if (shmlens_token_is_punct (&token, P_LPAREN))
        depth++;
      else if (shmlens_token_is_punct (&token, P_RPAREN))
        {
          if (depth == 0)
            break;
          depth--;
        }
      else if (shmlens_token_is_punct (&token, P_COMMA) && depth == 0)
        {
          current = g_array_new (FALSE, FALSE, sizeof (Token));
          g_ptr_array_add (arguments, current);
          continue;
        }
      if (!charge (ex->pp, name, 1, error))
        return FALSE;
      g_array_append_val (current, token);
    }

  /* F() passes one empty argument, which is none for a macro without parameters */
  if (macro->params->len == 0 && arguments->len == 1 &&
      ((GArray *) g_ptr_array_index (arguments, 0))->len == 0)
    g_ptr_array_set_size (arguments, 0);

  if (arguments->len != macro->params->len)
    {
      g_autofree char *text = shmlens_token_describe (name);
      g_autofree char *takes =
        /* Translators: how many arguments a macro takes, said in “macro %s takes %s,
         * but %u were given” */
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u argument",
                                      "%u arguments", macro->params->len), macro->params->len);

      return fail (error, name, SHMLENS_LAYOUT_ERROR_SYNTAX,
                   /* Translators: the macro's name in quotation marks, how many arguments
                    * it takes (“2 arguments”) and how many were given */
                   g_dngettext (GETTEXT_PACKAGE, "macro %s takes %s, but %u was given",
                                "macro %s takes %s, but %u were given", arguments->len),
                   text, takes, arguments->len);
    }
  return TRUE;
}

static gboolean
expand_macro (Expander    *ex,
              Macro       *macro,
              const Token *name,
              GError     **error)
{
  g_autoptr(GPtrArray) arguments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GPtrArray) expanded = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  GArray *tokens;
  Context *context;

  if (macro->function_like)
    {
      Token lparen;

      if (!raw_next (ex, &lparen, error))
        return FALSE;
      g_assert (shmlens_token_is_punct (&lparen, P_LPAREN));
      if (!collect_arguments (ex, macro, name, arguments, error))
        return FALSE;
      for (guint i = 0; i < arguments->len; i++)
        {
          GArray *argument = expand_argument (ex->pp, g_ptr_array_index (arguments, i),
                                              name, error);
          if (argument == NULL)
            return FALSE;
          g_ptr_array_add (expanded, argument);
        }
    }

  tokens = g_array_sized_new (FALSE, FALSE, sizeof (Token), macro->body->len);
  for (guint i = 0; i < macro->body->len; i++)
    {
      const Token *token = &g_array_index (macro->body, Token, i);
      gint index = macro->param_of != NULL ? macro->param_of[i] : -1;

      if (index >= 0)
        {
          GArray *argument = g_ptr_array_index (expanded, index);
          g_array_append_vals (tokens, argument->data, argument->len);
        }
      else if (macro->builtin)
        {
          /* The prelude is no place to show the user: the token is where the
           * header names the macro, and messages name the macro. */
          Token placed = *token;

          placed.file = name->file;
          placed.line = name->line;
          placed.column = name->column;
          placed.macro = name->macro != NULL ? name->macro : macro->name;
          g_array_append_val (tokens, placed);
        }
      else
        g_array_append_val (tokens, *token);
    }

  /* the body is walked whatever its parameters expand to: a long body of a parameter
   * that expands to nothing is work too */
  if (!charge (ex->pp, name, MAX (tokens->len, macro->body->len) + 1, error))
    {
      g_array_unref (tokens);
      return FALSE;
    }
  context = g_new0 (Context, 1);
  context->tokens = tokens;
  context->macro = macro;
  macro->disabled = TRUE;
  g_ptr_array_add (ex->contexts, context);
  return TRUE;
}

static gboolean
expand_next (Expander *ex,
             Token    *token,
             GError  **error)
{
  for (;;)
    {
      Macro *macro;

      if (!raw_next (ex, token, error))
        return FALSE;
      if (token->kind != TOKEN_IDENTIFIER)
        return TRUE;
      /* in #if, also where a macro's expansion makes them, as gcc reads them */
      if (ex->pp->in_condition &&
          (shmlens_token_is (token, "defined") || shmlens_token_is (token, "__has_include") ||
           shmlens_token_is (token, "__has_attribute")))
        return evaluate_operator (ex, token, error);
      if (shmlens_token_is (token, "_Pragma"))
        return fail (error, token, SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                     _("the “_Pragma” operator is not supported; write “#pragma” on a line "
                       "of its own"));
      macro = lookup_macro (ex->pp, token);
      if (macro == NULL || macro->disabled)
        return TRUE;
      if (macro->function_like && !next_is_lparen (ex))
        return TRUE;
      if (!expand_macro (ex, macro, token, error))
        return FALSE;
    }
}

/* ------------------------------------------------------------------------------------
 * Directives
 * ------------------------------------------------------------------------------------ */

/* The tokens of a directive's line after its name: [start, end). */
typedef struct
{
  Token *tokens;           /* tokens[n] is read (and stands for the end of the line) */
  guint n;
  const Token *directive;  /* the directive's name, for messages */
  Location end;            /* just past the line's last token, as written */
} Line;

/* Just past @token, where the header has it. */
static Location
location_after (const Token *token)
{
  Location where = shmlens_token_location (token);

  /* a built-in macro's token stands where the macro's name is */
  if (token->macro != NULL)
    where.column += (guint) g_utf8_strlen (token->macro, -1);
  else
    where.column += (guint) g_utf8_strlen (token->text, token->length);
  return where;
}

static const Token *
line_token (Line *line,
            guint i)
{
  /* past the end: the next line's first token stands for "the end of the line" */
  return &line->tokens[MIN (i, line->n)];
}

/* What stands at @i in @line, for "expected …, found %s", and where: a token, or
 * the end of the line. */
static char *
line_found (Line     *line,
            guint     i,
            Location *where)
{
  if (i < line->n)
    {
      *where = shmlens_token_location (&line->tokens[i]);
      return shmlens_token_describe (&line->tokens[i]);
    }
  /* just past the last token of the line as written, even when the tokens read were
   * a macro's, from its #define */
  *where = line->end;
  /* Translators: what was found in a preprocessor line in place of a token, in
   * “expected …, found %s” */
  return g_strdup (_("the end of the line"));
}

/* @message: translated, a whole sentence whose one %s says what stands at @i
 * instead: "expected a macro name after “#define”, found %s". Not a literal here, so
 * not checked at compile time (msgfmt --check checks the translations). */
static gboolean
end_of_line_error (GError     **error,
                   Line        *line,
                   guint        i,
                   const char  *message)
{
  Location where;
  g_autofree char *found = line_found (line, i, &where);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  shmlens_layout_set_error (error, where, SHMLENS_LAYOUT_ERROR_SYNTAX, message, found);
#pragma GCC diagnostic pop
  return FALSE;
}

static gboolean
line_is_punct (Line  *line,
               guint  i,
               Punct  punct)
{
  return i < line->n && shmlens_token_is_punct (&line->tokens[i], punct);
}

/* <sys/types.h> arrives as several tokens: their texts make the name. */
static char *
header_name (Line   *line,
             guint  *i,
             gboolean *system)
{
  /* u8"x.h" and L"x.h" are string literals, not header names */
  if (*i < line->n && line->tokens[*i].kind == TOKEN_STRING && line->tokens[*i].text[0] == '"')
    {
      const Token *token = &line->tokens[*i];

      (*i)++;
      *system = FALSE;
      return g_strndup (token->text + 1, token->length - 2);
    }
  if (line_is_punct (line, *i, P_LT))
    {
      GString *name = g_string_new (NULL);

      for (guint j = *i + 1; j < line->n; j++)
        {
          if (shmlens_token_is_punct (&line->tokens[j], P_GT))
            {
              *i = j + 1;
              *system = TRUE;
              return g_string_free (name, FALSE);
            }
          g_string_append_len (name, line->tokens[j].text, line->tokens[j].length);
        }
      g_string_free (name, TRUE);
    }
  return NULL;
}

static gboolean
directive_include (Preproc  *pp,
                   Line     *line,
                   GError  **error)
{
  g_autofree char *name = NULL;
  g_autofree char *escaped = NULL;
  gboolean system = FALSE;
  guint i = 0;

  name = header_name (line, &i, &system);
  if (name == NULL && line_is_punct (line, 0, P_LT))
    {
      /* <stdint.h without its ">" */
      g_autoptr(GString) written = g_string_new (NULL);
      g_autofree char *quoted = NULL;
      g_autofree char *found = NULL;
      Location where;

      for (guint j = 0; j < line->n; j++)
        g_string_append_len (written, line->tokens[j].text, line->tokens[j].length);
      quoted = shmlens_escape (written->str, written->len);
      found = line_found (line, line->n, &where);
      shmlens_layout_set_error (error, where, SHMLENS_LAYOUT_ERROR_SYNTAX,
                                /* Translators: the header name as written, and what was
                                 * found (the end of the line) */
                                _("expected “>” to close the header name “%s”, found %s"),
                                quoted, found);
      return FALSE;
    }
  if (name == NULL && line->n > 0 && line->tokens[0].kind == TOKEN_INVALID &&
      line->tokens[0].text[0] == '"')
    {
      g_autofree char *found = shmlens_token_describe (&line->tokens[0]);
      return fail (error, &line->tokens[0], SHMLENS_LAYOUT_ERROR_SYNTAX,
                   _("missing the closing \" of the header name %s"), found);
    }
  if (name == NULL)
    /* Translators: FILE is a placeholder for a file name; the C tokens stay */
    return end_of_line_error (error, line, 0, _("expected a header name, \"FILE\" or <FILE>, after "
                                                "“#include”, found %s"));
  if (shmlens_preproc_header_known (name, system))
    return TRUE;
  /* the name is the header's text: a file name may hold anything */
  escaped = shmlens_escape (name, -1);
  if (system)
    return fail (error, &line->tokens[0], SHMLENS_LAYOUT_ERROR_INCLUDE,
                 _("cannot include <%s>: Shmlens knows the standard C headers, <sys/types.h>, "
                   "<time.h>, <pthread.h> and <semaphore.h> without reading them, and reads no "
                   "other header; declare what this file needs from <%s> in it"), escaped, escaped);
  return fail (error, &line->tokens[0], SHMLENS_LAYOUT_ERROR_INCLUDE,
               _("cannot include “%s”: Shmlens reads one header by itself; paste the "
                 "declarations this file needs from “%s” into it"), escaped, escaped);
}

static gboolean
directive_define (Preproc  *pp,
                  Line     *line,
                  GError  **error)
{
  const Token *name;
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GHashTable) param_indices = NULL;  /* name → index + 1, names in params */
  g_autoptr(GArray) body = NULL;
  g_autofree gint *param_of = NULL;
  g_autofree char *quoted = NULL;
  Macro *macro;
  guint i = 1;

  if (line->n == 0 || line->tokens[0].kind != TOKEN_IDENTIFIER)
    return end_of_line_error (error, line, 0, _("expected a macro name after “#define”, found %s"));
  name = &line->tokens[0];
  quoted = shmlens_token_describe (name);
  if (shmlens_token_is (name, "defined") || shmlens_token_is (name, "__has_include") ||
      shmlens_token_is (name, "__has_attribute"))
    return fail (error, name, SHMLENS_LAYOUT_ERROR_INVALID,
                 _("%s cannot be used as a macro name"), quoted);

  /* "(" right after the name, without a space, makes a function-like macro */
  if (line_is_punct (line, 1, P_LPAREN) && !(line->tokens[1].flags & TOKEN_FLAG_SPACE))
    {
      params = g_ptr_array_new_with_free_func (g_free);
      param_indices = g_hash_table_new (g_str_hash, g_str_equal);
      i = 2;
      if (line_is_punct (line, i, P_RPAREN))
        i++;
      else
        for (;;)
          {
            const Token *param = line_token (line, i);
            g_autofree char *param_name = NULL;

            if (line_is_punct (line, i, P_ELLIPSIS))
              return fail (error, param, SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                           _("variadic macros are not supported (in macro %s)"), quoted);
            if (i >= line->n || param->kind != TOKEN_IDENTIFIER)
              {
                Location where;
                g_autofree char *found = line_found (line, i, &where);

                shmlens_layout_set_error (error, where, SHMLENS_LAYOUT_ERROR_SYNTAX,
                                          /* Translators: the macro's name and what was
                                           * found instead, both in quotation marks */
                                          _("expected a parameter name in the parameter list "
                                            "of macro %s, found %s"), quoted, found);
                return FALSE;
              }
            param_name = shmlens_token_dup_text (param);
            if (g_hash_table_contains (param_indices, param_name))
              return fail (error, param, SHMLENS_LAYOUT_ERROR_INVALID,
                           _("duplicate parameter “%s” in macro %s"), param_name, quoted);
            g_hash_table_insert (param_indices, param_name, GUINT_TO_POINTER (params->len + 1));
            g_ptr_array_add (params, g_steal_pointer (&param_name));
            i++;
            if (line_is_punct (line, i, P_RPAREN))
              {
                i++;
                break;
              }
            if (!line_is_punct (line, i, P_COMMA))
              {
                Location where;
                g_autofree char *found = line_found (line, i, &where);

                shmlens_layout_set_error (error, where, SHMLENS_LAYOUT_ERROR_SYNTAX,
                                          /* Translators: the macro's name and what was
                                           * found instead, both in quotation marks */
                                          _("expected “,” or “)” in the parameter list of "
                                            "macro %s, found %s"), quoted, found);
                return FALSE;
              }
            i++;
          }
    }

  body = g_array_new (FALSE, FALSE, sizeof (Token));
  for (; i < line->n; i++)
    {
      Token token = line->tokens[i];

      if (shmlens_token_is_punct (&token, P_HASHHASH))
        return fail (error, &line->tokens[i], SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                     _("the “##” operator (token pasting) is not supported (in macro %s)"),
                     quoted);
      if (params != NULL && shmlens_token_is_punct (&token, P_HASH))
        return fail (error, &line->tokens[i], SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                     _("the “#” operator (stringizing) is not supported (in macro %s)"),
                     quoted);
      token.flags &= ~TOKEN_FLAG_BOL;
      g_array_append_val (body, token);
    }

  /* Which parameter each token names, found once here rather than at every
   * expansion: a macro of many parameters may be expanded many times. */
  if (params != NULL)
    {
      param_of = g_new (gint, MAX (body->len, 1));
      for (guint j = 0; j < body->len; j++)
        {
          const Token *token = &g_array_index (body, Token, j);
          g_autofree char *text = NULL;

          param_of[j] = -1;
          if (token->kind != TOKEN_IDENTIFIER)
            continue;
          text = shmlens_token_dup_text (token);
          param_of[j] = GPOINTER_TO_INT (g_hash_table_lookup (param_indices, text)) - 1;
        }
    }

  /* A redefinition replaces the macro, as gcc does (it only warns). */
  macro = g_new0 (Macro, 1);
  macro->name = shmlens_token_dup_text (name);
  macro->function_like = params != NULL;
  macro->builtin = pp->reading_prelude;
  macro->params = g_steal_pointer (&params);
  macro->body = g_steal_pointer (&body);
  macro->param_of = g_steal_pointer (&param_of);
  g_ptr_array_add (pp->all_macros, macro);
  g_hash_table_replace (pp->macros, macro->name, macro);
  return TRUE;
}

static gboolean
directive_undef (Preproc  *pp,
                 Line     *line,
                 GError  **error)
{
  g_autofree char *name = NULL;

  if (line->n == 0 || line->tokens[0].kind != TOKEN_IDENTIFIER)
    return end_of_line_error (error, line, 0, _("expected a macro name after “#undef”, found %s"));
  name = shmlens_token_dup_text (&line->tokens[0]);
  g_hash_table_remove (pp->macros, name);
  return TRUE;
}

static Token
number_token (const Token *at,
              gboolean     value)
{
  Token token = *at;

  token.kind = TOKEN_NUMBER;
  token.text = value ? "1" : "0";
  token.length = 1;
  return token;
}

/* defined X, defined (X), __has_include (<X>), __has_attribute (X) in #if: @token is
 * the operator, replaced by 1 or 0. Its operand is read as written, not expanded, be
 * the operator on the line itself or made by a macro (gcc reads both). */
static gboolean
evaluate_operator (Expander  *ex,
                   Token     *token,
                   GError   **error)
{
  Token op = *token;
  gboolean is_defined = shmlens_token_is (&op, "defined");
  gboolean include = shmlens_token_is (&op, "__has_include");
  g_autoptr(GArray) operand = g_array_new (FALSE, FALSE, sizeof (Token));
  Token next;
  Line line;
  gboolean value;

  /* the operand: a name, or what is between the parentheses, as far as the line goes */
  if (!raw_next (ex, &next, error))
    return FALSE;
  if (next.kind != TOKEN_EOF)
    {
      g_array_append_val (operand, next);
      for (guint k = 0; shmlens_token_is_punct (&next, P_LPAREN) || k > 0; k++)
        {
          if (is_defined && k == 2)
            break;  /* defined ( NAME ) */
          if (!raw_next (ex, &next, error))
            return FALSE;
          if (next.kind == TOKEN_EOF)
            break;
          g_array_append_val (operand, next);
          if (shmlens_token_is_punct (&next, P_RPAREN))
            break;
        }
    }
  line.n = operand->len;
  line.directive = &op;
  /* the end of the line is where the #if line ends, even when a macro's expansion
   * ran out there */
  if (next.kind == TOKEN_EOF && next.line != 0)
    line.end = shmlens_token_location (&next);
  else if (operand->len > 0)
    line.end = location_after (&g_array_index (operand, Token, operand->len - 1));
  else
    line.end = location_after (&op);
  next.kind = TOKEN_EOF;
  g_array_append_val (operand, next);  /* tokens[n] */
  line.tokens = (Token *) (gpointer) operand->data;

  if (is_defined)
    {
      gboolean paren = line_is_punct (&line, 0, P_LPAREN);
      guint j = paren ? 1 : 0;
      const Token *name = line_token (&line, j);

      if (j >= line.n || name->kind != TOKEN_IDENTIFIER)
        return end_of_line_error (error, &line, j,
                                  _("expected a macro name after “defined”, found %s"));
      if (paren && !line_is_punct (&line, j + 1, P_RPAREN))
        return end_of_line_error (error, &line, j + 1,
                                  /* Translators: NAME is a placeholder for a macro's name */
                                  _("expected “)” after “defined (NAME”, found %s"));
      value = lookup_macro (ex->pp, name) != NULL || shmlens_token_is (name, "__has_include") ||
              shmlens_token_is (name, "__has_attribute");
    }
  else
    {
      g_autofree char *name = NULL;
      gboolean system = FALSE;
      guint j = 1;

      if (!line_is_punct (&line, 0, P_LPAREN))
        return end_of_line_error (error, &line, 0,
                                  include ? _("expected “(” after “__has_include”, found %s")
                                          : _("expected “(” after “__has_attribute”, found %s"));
      if (include)
        name = header_name (&line, &j, &system);
      else if (j < line.n && line.tokens[j].kind == TOKEN_IDENTIFIER)
        name = shmlens_token_dup_text (&line.tokens[j++]);
      if (name == NULL)
        return end_of_line_error (error, &line, j,
                                  /* Translators: FILE is a placeholder for a file name */
                                  include ? _("expected a header name, \"FILE\" or <FILE>, "
                                              "found %s")
                                          : _("expected an attribute name, found %s"));
      if (!line_is_punct (&line, j, P_RPAREN))
        return end_of_line_error (error, &line, j, _("expected “)”, found %s"));
      value = include ? shmlens_preproc_header_known (name, system)
                      : shmlens_parser_attribute_known (name);
    }
  *token = number_token (&op, value);
  return TRUE;
}

/* Expands the macros of a directive's line (after its name) into @out. */
static gboolean
expand_line (Preproc  *pp,
             GArray   *tokens,
             Location  end,
             GArray   *out,
             GError  **error)
{
  Token eof = { 0 };
  Expander ex;
  gboolean ok = TRUE;

  eof.kind = TOKEN_EOF;
  eof.file = end.file;
  eof.line = end.line;
  eof.column = end.column;
  eof.macro = end.macro;
  eof.text = "";
  g_array_append_val (tokens, eof);
  expander_init (&ex, pp, tokens, END_OF_LINE, NULL);
  for (;;)
    {
      Token token;

      if (!expand_next (&ex, &token, error))
        {
          ok = FALSE;
          break;
        }
      if (token.kind == TOKEN_EOF)
        break;
      g_array_append_val (out, token);
    }
  expander_clear (&ex);
  g_array_set_size (tokens, tokens->len - 1);
  return ok;
}

static gboolean
evaluate_condition (Preproc   *pp,
                    Line      *line,
                    gboolean  *result,
                    GError   **error)
{
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (Token));
  g_autoptr(GArray) expanded = g_array_new (FALSE, FALSE, sizeof (Token));
  Token eof = { 0 };
  gboolean elif = shmlens_token_is (line->directive, "elif");
  gboolean ok;

  if (line->n == 0)
    return end_of_line_error (error, line, 0,
                              elif ? _("expected an expression after “#elif”, found %s")
                                   : _("expected an expression after “#if”, found %s"));
  g_array_append_vals (raw, line->tokens, line->n);
  pp->in_condition = TRUE;
  ok = expand_line (pp, raw, line->end, expanded, error);
  pp->in_condition = FALSE;
  if (!ok)
    return FALSE;

  /* The end of the line, just after its last token, for "expected …, found …". */
  eof.kind = TOKEN_EOF;
  eof.file = line->end.file;
  eof.line = line->end.line;
  eof.column = line->end.column;
  eof.macro = line->end.macro;
  if (expanded->len == 0)
    {
      shmlens_layout_set_error (error, line->end, SHMLENS_LAYOUT_ERROR_SYNTAX, "%s",
                                elif ? _("expected an expression after “#elif”, found nothing "
                                         "after its macros were expanded")
                                     : _("expected an expression after “#if”, found nothing "
                                         "after its macros were expanded"));
      return FALSE;
    }
  g_array_append_val (expanded, eof);
  return shmlens_expr_evaluate_line (expanded, NULL, result, error);
}

static Conditional *
top_conditional (Preproc *pp)
{
  if (pp->conditionals->len == 0)
    return NULL;
  return &g_array_index (pp->conditionals, Conditional, pp->conditionals->len - 1);
}

static gboolean
directive_if (Preproc  *pp,
              Line     *line,
              GError  **error)
{
  Conditional conditional = { 0 };
  gboolean result = FALSE;

  conditional.where = shmlens_token_location (line->directive);
  conditional.parent_skipping = skipping (pp);

  if (shmlens_token_is (line->directive, "if"))
    conditional.directive = "#if";
  else if (shmlens_token_is (line->directive, "ifdef"))
    conditional.directive = "#ifdef";
  else
    conditional.directive = "#ifndef";

  if (!conditional.parent_skipping)
    {
      if (g_str_equal (conditional.directive, "#if"))
        {
          if (!evaluate_condition (pp, line, &result, error))
            return FALSE;
        }
      else
        {
          if (line->n == 0 || line->tokens[0].kind != TOKEN_IDENTIFIER)
            return end_of_line_error (error, line, 0,
                                      g_str_equal (conditional.directive, "#ifdef")
                                        ? _("expected a macro name after “#ifdef”, found %s")
                                        : _("expected a macro name after “#ifndef”, found %s"));
          result = lookup_macro (pp, &line->tokens[0]) != NULL;
          if (g_str_equal (conditional.directive, "#ifndef"))
            result = !result;
        }
    }
  conditional.taking = !conditional.parent_skipping && result;
  conditional.taken = conditional.parent_skipping || result;
  g_array_append_val (pp->conditionals, conditional);
  return TRUE;
}

static gboolean
directive_else (Preproc  *pp,
                Line     *line,
                gboolean  is_elif,
                GError  **error)
{
  Conditional *conditional = top_conditional (pp);
  const char *name = is_elif ? "#elif" : "#else";

  if (conditional == NULL)
    return fail (error, line->directive, SHMLENS_LAYOUT_ERROR_SYNTAX,
                 _("“%s” without “#if”"), name);
  if (conditional->seen_else)
    return fail (error, line->directive, SHMLENS_LAYOUT_ERROR_SYNTAX,
                 _("“%s” after “#else” (the “%s” is at line %u)"), name,
                 conditional->directive, conditional->where.line);

  if (!is_elif)
    {
      conditional->seen_else = TRUE;
      conditional->taking = !conditional->taken;
      conditional->taken = TRUE;
      return TRUE;
    }

  conditional->taking = FALSE;
  if (!conditional->taken)
    {
      gboolean result;

      if (!evaluate_condition (pp, line, &result, error))
        return FALSE;
      conditional->taking = result;
      conditional->taken = result;
    }
  return TRUE;
}

static gboolean
directive_endif (Preproc  *pp,
                 Line     *line,
                 GError  **error)
{
  if (pp->conditionals->len == 0)
    return fail (error, line->directive, SHMLENS_LAYOUT_ERROR_SYNTAX, _("“#endif” without “#if”"));
  g_array_set_size (pp->conditionals, pp->conditionals->len - 1);
  return TRUE;
}

/* @message: for when no number stands there: translated, with one %s for what does,
 * as end_of_line_error() takes it */
static gboolean
parse_pack_number (Line        *line,
                   guint        i,
                   const char  *message,
                   guint       *value,
                   GError     **error)
{
  const Token *token = line_token (line, i);
  g_autofree char *text = NULL;
  guint64 number;
  char *end;

  if (i >= line->n || token->kind != TOKEN_NUMBER)
    return end_of_line_error (error, line, i, message);
  text = shmlens_token_dup_text (token);
  number = g_ascii_strtoull (text, &end, 0);
  if (*end != '\0' || !(number == 1 || number == 2 || number == 4 || number == 8 || number == 16))
    {
      g_autofree char *found = shmlens_token_describe (token);
      return fail (error, token, SHMLENS_LAYOUT_ERROR_INVALID,
                   _("the alignment in “#pragma pack” must be 1, 2, 4, 8 or 16, not %s"), found);
    }
  *value = (guint) number;
  return TRUE;
}

/* #pragma pack: (N), (), (push), (push, N), (pop); gcc expands macros in it. */
static gboolean
directive_pragma_pack (Preproc  *pp,
                       Line     *raw,
                       Token    *pragma,
                       GError  **error)
{
  g_autoptr(GArray) words = g_array_new (FALSE, FALSE, sizeof (Token));
  g_autoptr(GArray) tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  Line line;
  guint i = 1;

  g_array_append_vals (words, raw->tokens + 1, raw->n - 1);
  if (!expand_line (pp, words, raw->end, tokens, error))
    return FALSE;
  line.n = tokens->len;
  line.directive = &raw->tokens[0];
  /* the end of the line is where the #pragma line ends, whatever its macros were */
  line.end = raw->end;
  g_array_append_val (tokens, raw->tokens[raw->n]);
  line.tokens = (Token *) (gpointer) tokens->data;

  if (!line_is_punct (&line, 0, P_LPAREN))
    return end_of_line_error (error, &line, 0, _("expected “(” after “#pragma pack”, found %s"));

  pragma->kind = TOKEN_PRAGMA;
  pragma->pragma = PRAGMA_PACK_SET;
  pragma->pragma_value = 0;
  if (line_is_punct (&line, i, P_RPAREN))
    ;
  else if (i < line.n && shmlens_token_is (&line.tokens[i], "push"))
    {
      pragma->pragma = PRAGMA_PACK_PUSH;
      i++;
      if (line_is_punct (&line, i, P_COMMA))
        {
          if (!parse_pack_number (&line, i + 1,
                                  _("expected an alignment after “push,” in “#pragma pack "
                                    "(…)”, found %s"), &pragma->pragma_value, error))
            return FALSE;
          i += 2;
        }
    }
  else if (i < line.n && shmlens_token_is (&line.tokens[i], "pop"))
    {
      pragma->pragma = PRAGMA_PACK_POP;
      i++;
    }
  else
    {
      if (!parse_pack_number (&line, i,
                              /* Translators: push and pop are typed as they are */
                              _("expected “push”, “pop”, an alignment or “)” in “#pragma pack "
                                "(…)”, found %s"), &pragma->pragma_value, error))
        return FALSE;
      i++;
    }
  if (!line_is_punct (&line, i, P_RPAREN))
    return end_of_line_error (error, &line, i,
                              _("expected “)” to close “#pragma pack (…)”, found %s"));
  if (i + 1 < line.n)
    return end_of_line_error (error, &line, i + 1,
                              _("expected the end of the line after “#pragma pack (…)”, found "
                                "%s"));
  return TRUE;
}

/* Returns TRUE with @pragma->kind TOKEN_PRAGMA when the parser must see it. */
static gboolean
directive_pragma (Preproc  *pp,
                  Line     *line,
                  Token    *pragma,
                  GError  **error)
{
  const Token *word;

  if (line->n == 0)
    return TRUE;
  word = &line->tokens[0];
  if (shmlens_token_is (word, "pack"))
    {
      *pragma = *word;
      return directive_pragma_pack (pp, line, pragma, error);
    }
  if (shmlens_token_is (word, "scalar_storage_order"))
    return fail (error, word, SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                 _("“#pragma scalar_storage_order” is not supported: choose the byte order "
                   "when the values are shown"));
  if (shmlens_token_is (word, "push_macro") || shmlens_token_is (word, "pop_macro"))
    return fail (error, word, SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                 _("“#pragma push_macro” and “#pragma pop_macro” are not supported"));
  /* once, GCC …, STDC …, message, weak: none changes a layout, and gcc ignores the
   * pragmas it does not know on this target (ms_struct among them) */
  return TRUE;
}

static gboolean
directive_error (Preproc  *pp,
                 Line     *line,
                 GError  **error)
{
  g_autofree char *text = NULL;

  if (line->n > 0)
    {
      const Token *first = &line->tokens[0];
      const Token *last = &line->tokens[line->n - 1];

      text = shmlens_escape (first->text, last->text + last->length - first->text);
    }
  /* Not translated: the directive and the header's own words, as gcc shows them */
  return fail (error, line->directive, SHMLENS_LAYOUT_ERROR_INVALID, "#error%s%s",
               text != NULL ? " " : "", text != NULL ? text : "");
}

/* Handles the directive whose "#" is at pp->pos. Sets @pragma->kind to TOKEN_PRAGMA
 * when a #pragma pack must go to the parser. */
static gboolean
directive (Preproc  *pp,
           Token    *pragma,
           GError  **error)
{
  Token *tokens = (Token *) (gpointer) pp->tokens->data;
  guint start = pp->pos + 1;
  guint end = start;
  const Token *name;
  Line line;

  while (tokens[end].kind != TOKEN_EOF && !(tokens[end].flags & TOKEN_FLAG_BOL))
    end++;
  pp->pos = end;
  if (start == end)
    return TRUE;  /* "#" alone: the null directive */

  name = &tokens[start];
  line.tokens = tokens + start + 1;
  line.n = end - start - 1;
  line.directive = name;
  line.end = location_after (&tokens[end - 1]);

  if (shmlens_token_is (name, "if") || shmlens_token_is (name, "ifdef") ||
      shmlens_token_is (name, "ifndef"))
    return directive_if (pp, &line, error);
  if (shmlens_token_is (name, "elif"))
    return directive_else (pp, &line, TRUE, error);
  if (shmlens_token_is (name, "else"))
    return directive_else (pp, &line, FALSE, error);
  if (shmlens_token_is (name, "endif"))
    return directive_endif (pp, &line, error);
  if (skipping (pp))
    return TRUE;

  if (shmlens_token_is (name, "define"))
    return directive_define (pp, &line, error);
  if (shmlens_token_is (name, "undef"))
    return directive_undef (pp, &line, error);
  if (shmlens_token_is (name, "include"))
    return directive_include (pp, &line, error);
  if (shmlens_token_is (name, "pragma"))
    return directive_pragma (pp, &line, pragma, error);
  if (shmlens_token_is (name, "error"))
    return directive_error (pp, &line, error);
  if (shmlens_token_is (name, "warning") || shmlens_token_is (name, "ident") ||
      shmlens_token_is (name, "sccs"))
    return TRUE;
  if (shmlens_token_is (name, "include_next") || shmlens_token_is (name, "import") ||
      shmlens_token_is (name, "line") || shmlens_token_is (name, "assert") ||
      shmlens_token_is (name, "unassert"))
    {
      g_autofree char *text = shmlens_token_dup_text (name);
      return fail (error, name, SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                   _("“#%s” is not supported"), text);
    }
  if (name->kind == TOKEN_NUMBER)
    return fail (error, name, SHMLENS_LAYOUT_ERROR_UNSUPPORTED,
                 _("line markers (“# NUMBER”) are not supported: give Shmlens the header "
                   "itself, not the preprocessor's output"));
  {
    g_autofree char *text = shmlens_token_dup_text (name);
    g_autofree char *escaped = shmlens_escape (text, -1);
    return fail (error, name, SHMLENS_LAYOUT_ERROR_SYNTAX,
                 _("invalid preprocessing directive “#%s”"), escaped);
  }
}

/* The file's next token that is neither a directive nor in a skipped group. */
static gboolean
file_next (Preproc  *pp,
           Token    *token,
           GError  **error)
{
  for (;;)
    {
      const Token *next = &g_array_index (pp->tokens, Token, pp->pos);

      if (next->kind == TOKEN_EOF)
        {
          Conditional *open = top_conditional (pp);

          if (pp->lex_error != NULL)
            {
              g_propagate_error (error, g_error_copy (pp->lex_error));
              return FALSE;
            }
          if (open != NULL)
            {
              shmlens_layout_set_error (error, open->where, SHMLENS_LAYOUT_ERROR_SYNTAX,
                                        _("unterminated “%s”: expected “#endif” before the "
                                          "end of the file"), open->directive);
              return FALSE;
            }
          *token = *next;
          return TRUE;
        }

      if (shmlens_token_is_punct (next, P_HASH) && (next->flags & TOKEN_FLAG_BOL))
        {
          Token pragma = { 0 };

          if (!directive (pp, &pragma, error))
            return FALSE;
          if (pragma.kind == TOKEN_PRAGMA)
            {
              *token = pragma;
              return TRUE;
            }
          continue;
        }

      pp->pos++;
      if (skipping (pp))
        continue;
      *token = *next;
      return TRUE;
    }
}

/* Takes @lex_error: the lexer's, reported when the tokens run out. */
Preproc *
shmlens_preproc_new (const char *file,
                     GArray     *tokens,
                     GError     *lex_error)
{
  Preproc *pp = g_new0 (Preproc, 1);
  g_autoptr(GError) error = NULL;

  pp->file = file;
  pp->macros = g_hash_table_new (g_str_hash, g_str_equal);
  pp->all_macros = g_ptr_array_new_with_free_func (macro_free);
  pp->conditionals = g_array_new (FALSE, FALSE, sizeof (Conditional));
  pp->budget = EXPANSION_BUDGET;
  expander_init (&pp->main, pp, NULL, END_OF_FILE, NULL);

  /* The built-in definitions are read as a file of their own first. */
  pp->prelude_tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  pp->prelude_text = shmlens_layout_lex ("<built-in>", prelude, sizeof prelude - 1,
                                         pp->prelude_tokens, &error);
  g_assert_no_error (error);
  pp->tokens = pp->prelude_tokens;
  pp->reading_prelude = TRUE;
  for (;;)
    {
      Token token;
      gboolean ok = file_next (pp, &token, &error);

      g_assert_no_error (error);
      g_assert (ok);
      if (token.kind == TOKEN_EOF)
        break;
    }
  pp->reading_prelude = FALSE;
  pp->tokens = tokens;
  pp->pos = 0;
  pp->lex_error = lex_error;
  return pp;
}

void
shmlens_preproc_free (Preproc *pp)
{
  if (pp == NULL)
    return;
  expander_clear (&pp->main);
  g_hash_table_unref (pp->macros);
  g_ptr_array_unref (pp->all_macros);
  g_clear_error (&pp->lex_error);
  g_array_unref (pp->conditionals);
  g_array_unref (pp->prelude_tokens);
  g_free (pp->prelude_text);
  g_free (pp);
}

/* The next token for the parser, macros expanded; a #pragma pack is a TOKEN_PRAGMA. */
gboolean
shmlens_preproc_next (Preproc  *pp,
                      Token    *token,
                      GError  **error)
{
  return expand_next (&pp->main, token, error);
}
