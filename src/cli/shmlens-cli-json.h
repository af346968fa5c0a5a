/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-cli-json.h: a streaming JSON writer for large listings. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ShmlensJsonWriter ShmlensJsonWriter;

ShmlensJsonWriter *shmlens_json_writer_new          (int                 fd,
                                                     gboolean            pretty);
void               shmlens_json_writer_free         (ShmlensJsonWriter  *writer);
gboolean           shmlens_json_writer_finish       (ShmlensJsonWriter  *writer,
                                                     GError            **error);
void               shmlens_json_writer_begin_object (ShmlensJsonWriter  *writer);
void               shmlens_json_writer_end_object   (ShmlensJsonWriter  *writer);
void               shmlens_json_writer_begin_array  (ShmlensJsonWriter  *writer);
void               shmlens_json_writer_end_array    (ShmlensJsonWriter  *writer);
void               shmlens_json_writer_member       (ShmlensJsonWriter  *writer,
                                                     const char         *name);
void               shmlens_json_writer_int          (ShmlensJsonWriter  *writer,
                                                     gint64              value);
void               shmlens_json_writer_number_text  (ShmlensJsonWriter  *writer,
                                                     const char         *text);
void               shmlens_json_writer_boolean      (ShmlensJsonWriter  *writer,
                                                     gboolean            value);
void               shmlens_json_writer_null         (ShmlensJsonWriter  *writer);
void               shmlens_json_writer_string       (ShmlensJsonWriter  *writer,
                                                     const char         *value);
void               shmlens_json_writer_add_int      (ShmlensJsonWriter  *writer,
                                                     const char         *member,
                                                     gint64              value);
void               shmlens_json_writer_add_string   (ShmlensJsonWriter  *writer,
                                                     const char         *member,
                                                     const char         *value);
void               shmlens_json_writer_add_boolean  (ShmlensJsonWriter  *writer,
                                                     const char         *member,
                                                     gboolean            value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmlensJsonWriter, shmlens_json_writer_free)

G_END_DECLS
