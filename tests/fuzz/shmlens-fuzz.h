/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-fuzz.h: what the fuzz targets and their standalone driver share. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

G_BEGIN_DECLS

/* The entry point libFuzzer (or fuzz-driver.c) calls with each input. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* A property of the code under test does not hold: say which, and abort so that the
 * fuzzer keeps the input. */
G_GNUC_NORETURN G_GNUC_PRINTF (2, 3) static inline void
fuzz_fail (const char *target,
           const char *format,
           ...)
{
  va_list args;

  fprintf (stderr, "%s: mismatch: ", target);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  fflush (stderr);
  abort ();
}

/* Criticals (a g_return_if_fail() that fails) and warnings are bugs too. */
static inline void
fuzz_setup (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

G_END_DECLS
