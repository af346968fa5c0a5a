/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli.h: what the commands of shmlens-cli share. */
#pragma once

#include <glib.h>

#include "shmlens-cli-json.h"
#include "shmlens-layout.h"
#include "shmlens-reader.h"
#include "shmlens-segment.h"

G_BEGIN_DECLS

/* Exit statuses, as documented in shmlens-cli(1). */
#define SHMLENS_CLI_EXIT_OK 0
#define SHMLENS_CLI_EXIT_ERROR 1
#define SHMLENS_CLI_EXIT_USAGE 2

typedef int (*ShmlensCliCommand) (int argc, char **argv);

int shmlens_cli_list  (int argc, char **argv);
int shmlens_cli_info  (int argc, char **argv);
int shmlens_cli_dump  (int argc, char **argv);
int shmlens_cli_watch (int argc, char **argv);
int shmlens_cli_layout (int argc, char **argv);
int shmlens_cli_create (int argc, char **argv);
int shmlens_cli_remove (int argc, char **argv);
int shmlens_cli_write  (int argc, char **argv);
int shmlens_cli_demo   (int argc, char **argv);
int shmlens_cli_show  (int argc, char **argv);

/* Parses the command's options; on a usage error prints it and returns FALSE. */
gboolean        shmlens_cli_parse_options (GOptionContext  *context,
                                           const char      *command,
                                           int             *argc,
                                           char          ***argv);
int             shmlens_cli_usage_error   (const char      *command,
                                           const char      *format,
                                           ...) G_GNUC_PRINTF (2, 3);
int             shmlens_cli_fail          (GError          *error);
ShmlensSegment *shmlens_cli_resolve       (const char      *text,
                                           gboolean         with_attachments,
                                           GError         **error);
ShmlensReader  *shmlens_cli_open_reader   (const char      *text,
                                           GError         **error);
gboolean        shmlens_cli_parse_size    (const char      *option,
                                           const char      *text,
                                           guint64         *value,
                                           GError         **error);
gboolean        shmlens_cli_write_all     (int              fd,
                                           const void      *data,
                                           gsize            length,
                                           GError         **error);

/* Output that streams (JSON, layouts) is written out in pieces of about this size. */
#define SHMLENS_CLI_PIECE_SIZE (64 * 1024)

void            shmlens_cli_write_piece   (int              fd,
                                           GString         *text,
                                           GError         **first_error);
gboolean        shmlens_cli_flush_stdout  (GError         **error);
void            shmlens_cli_write_segment_json (ShmlensJsonWriter *json,
                                                ShmlensSegment    *segment,
                                                gboolean           with_attachments);
char           *shmlens_cli_format_mode   (ShmlensSegment  *segment);
int                shmlens_cli_display_width  (const char  *text);
void            shmlens_cli_append_padded (GString         *out,
                                           const char      *text,
                                           int              width,
                                           gboolean         right_align);
char           *shmlens_cli_format_size   (guint64          size);
char           *shmlens_cli_format_bytes  (guint64          bytes);
void            shmlens_cli_append_item   (GString         *out,
                                           const char      *name,
                                           int              width,
                                           const char      *text);

/* Records of a type from a C header: `show` and `watch --layout` (shmlens-cli-show.c). */
ShmlensType       *shmlens_cli_load_type       (const char          *header,
                                                const char          *type_name,
                                                GError             **error);
ShmlensFlatLayout *shmlens_cli_flatten_records (ShmlensType         *type,
                                                guint64              offset,
                                                guint64              n_records,
                                                GError             **error);
const char        *shmlens_cli_leaf_label      (const ShmlensLeaf   *leaf);
gboolean           shmlens_cli_format_leaf     (const ShmlensLeaf   *leaf,
                                                const guint8        *window,
                                                guint64              window_offset,
                                                gsize                window_length,
                                                ShmlensFormatFlags   flags,
                                                GString             *out);

G_END_DECLS
