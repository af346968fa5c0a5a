/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-writers.h: writer processes (`shmlens-cli write … --json`) the app starts and stops. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

char     *shmlens_writers_find_cli   (GError     **error);
gboolean  shmlens_writers_parse_size (const char  *text,
                                      guint64     *value,
                                      GError     **error);

/**
 * ShmlensWriterState:
 * @SHMLENS_WRITER_STATE_STARTING: started; it has not said "start" yet
 * @SHMLENS_WRITER_STATE_RUNNING: writing
 * @SHMLENS_WRITER_STATE_STOPPING: asked to stop (SIGTERM); not exited yet
 * @SHMLENS_WRITER_STATE_STOPPED: stopped because Shmlens asked it to
 * @SHMLENS_WRITER_STATE_EXITED: ended by itself (its duration or iterations were
 *   done); the reason says which
 * @SHMLENS_WRITER_STATE_FAILED: could not start, or ended with an error; the
 *   message says why
 */
typedef enum
{
  SHMLENS_WRITER_STATE_STARTING,
  SHMLENS_WRITER_STATE_RUNNING,
  SHMLENS_WRITER_STATE_STOPPING,
  SHMLENS_WRITER_STATE_STOPPED,
  SHMLENS_WRITER_STATE_EXITED,
  SHMLENS_WRITER_STATE_FAILED,
} ShmlensWriterState;

#define SHMLENS_TYPE_WRITER_STATE (shmlens_writer_state_get_type ())
GType shmlens_writer_state_get_type (void) G_GNUC_CONST;

/**
 * ShmlensWriterSpec:
 * @pattern: what to write: "counter", "random", "message", "wave", "race", "ring"
 *   or "seqlock"
 * @offset: where the writer's region starts
 * @length: the region's length; 0: what the pattern needs
 * @rate: iterations per second; 0: as fast as it can; negative: the pattern's default
 * @slot: the writer's slot among several (counter, race)
 * @sync: race: "none", "atomic" or "mutex"; %NULL: the default
 * @iterations: the iterations to make (race: its increments); 0: the CLI's default
 * @peers: race: how many writers start together (0: none waited for)
 *
 * What one writer process is asked to do: the options of `shmlens-cli write`.
 */
typedef struct
{
  const char *pattern;
  guint64 offset;
  guint64 length;
  double rate;
  guint slot;
  const char *sync;
  guint64 iterations;
  guint peers;
} ShmlensWriterSpec;

#define SHMLENS_TYPE_WRITER_PROCESS (shmlens_writer_process_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensWriterProcess, shmlens_writer_process, SHMLENS, WRITER_PROCESS,
                      GObject)

ShmlensWriterProcess *shmlens_writer_process_new            (const char              *ref,
                                                             const ShmlensWriterSpec *spec,
                                                             const GdkRGBA           *color);
gboolean              shmlens_writer_process_start          (ShmlensWriterProcess    *self,
                                                             GError                 **error);
void                  shmlens_writer_process_stop           (ShmlensWriterProcess    *self);
gboolean              shmlens_writer_process_is_live        (ShmlensWriterProcess    *self);

int                   shmlens_writer_process_get_pid        (ShmlensWriterProcess    *self);
const char           *shmlens_writer_process_get_ref        (ShmlensWriterProcess    *self);
const char           *shmlens_writer_process_get_pattern    (ShmlensWriterProcess    *self);
guint64               shmlens_writer_process_get_offset     (ShmlensWriterProcess    *self);
guint64               shmlens_writer_process_get_length     (ShmlensWriterProcess    *self);
double                shmlens_writer_process_get_rate       (ShmlensWriterProcess    *self);
guint                 shmlens_writer_process_get_slot       (ShmlensWriterProcess    *self);
const char           *shmlens_writer_process_get_sync       (ShmlensWriterProcess    *self);
guint64               shmlens_writer_process_get_iterations (ShmlensWriterProcess    *self);
ShmlensWriterState    shmlens_writer_process_get_state      (ShmlensWriterProcess    *self);
const char           *shmlens_writer_process_get_message    (ShmlensWriterProcess    *self);
const GdkRGBA        *shmlens_writer_process_get_color      (ShmlensWriterProcess    *self);

guint                 shmlens_writer_processes_stop_all     (guint                    timeout_ms);
guint                 shmlens_writer_processes_count_live   (void);

G_END_DECLS
