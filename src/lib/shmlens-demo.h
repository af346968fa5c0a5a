/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-demo.h: teaching scenarios: a segment, its writers and its layout together. */
#pragma once

#include <glib.h>

#include "shmlens-writer.h"

G_BEGIN_DECLS

/**
 * ShmlensDemo:
 * @id: the name `shmlens-cli demo` takes: "hello", "counters", "race", "ring", "seqlock"
 * @title: (translatable): a title for menus
 * @summary: (translatable): one line: what the demo shows
 * @explanation: (translatable): what to watch, for the person showing it
 * @pattern: what its writers write
 * @segment_name: the POSIX name of its segment; %NULL: "shmlens-demo-ID-PID"
 * @size: the segment's size
 * @default_writers: how many writers it starts (0: none, the segment speaks for itself)
 * @max_writers: how many it can have
 * @rate: the writers' iterations per second (0: as fast as they can)
 * @layout: the header under data/layouts that describes the segment, when it is not
 *   the pattern's (%NULL: the pattern's)
 * @type_name: the type in @layout
 *
 * One scenario. The app and `shmlens-cli demo` both run it from this description.
 */
typedef struct
{
  const char *id;
  const char *title;
  const char *summary;
  const char *explanation;
  ShmlensWriterPattern pattern;
  const char *segment_name;
  guint64 size;
  guint default_writers;
  guint max_writers;
  double rate;
  const char *layout;
  const char *type_name;
} ShmlensDemo;

const ShmlensDemo *shmlens_demo_get_all     (guint              *n_demos);
const ShmlensDemo *shmlens_demo_lookup      (const char         *id);

char              *shmlens_demo_create_segment (const ShmlensDemo  *demo,
                                                GError            **error);
char             **shmlens_demo_writer_argv (const ShmlensDemo  *demo,
                                             const char         *cli_path,
                                             const char         *ref,
                                             guint               index,
                                             guint               n_writers,
                                             ShmlensWriterSync   sync,
                                             guint64             iterations);
GBytes            *shmlens_demo_get_layout  (const ShmlensDemo  *demo,
                                             const char        **file_name,
                                             const char        **type_name);
GBytes            *shmlens_layouts_lookup   (const char         *file_name);

/**
 * ShmlensDemoWriter:
 * @options: what the writer writes, where
 * @rate: its iterations per second (0: as fast as it can)
 *
 * One writer of a demo as the app runs it.
 */
typedef struct
{
  ShmlensWriterOptions options;
  double rate;
} ShmlensDemoWriter;

ShmlensDemoWriter *shmlens_demo_plan_writers (const ShmlensDemo *demo,
                                              guint              n_writers,
                                              guint             *n_planned,
                                              guint             *n_records);

G_END_DECLS
