/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-new-segment-dialog.c: create a test segment: kind, name or key, size, mode, content.
 *
 * The segment is made by shmlens_created_create(), which records it as Shmlens's
 * own; the dialog notes it in the session's test segments (removed when the app
 * quits unless kept) and says so with ::segment-created. What the person typed is
 * checked where the app can (size, mode, key); the rest, such as a name with a slash
 * or one already taken, is the library's verdict, shown next to the field it is
 * about. */
#include "config.h"

#include <glib/gi18n.h>

#include "shmlens-a11y.h"
#include "shmlens-created.h"
#include "shmlens-new-segment-dialog.h"
#include "shmlens-test-segments.h"
#include "shmlens-writers.h"

#define DEFAULT_NAME "shmlens-demo"

typedef enum
{
  FIELD_NAME,
  FIELD_SIZE,
  FIELD_MODE,
  FIELD_GENERAL,
} Field;

struct _ShmlensNewSegmentDialog
{
  GtkWindow parent_instance;

  GtkToggleButton *posix_toggle;
  GtkToggleButton *sysv_toggle;
  GtkLabel *name_label;
  GtkWidget *slash_label;
  GtkEditable *name_entry;
  GtkLabel *name_error;
  GtkEditable *size_entry;
  GtkLabel *size_error;
  GtkEditable *mode_entry;
  GtkLabel *mode_error;
  GtkDropDown *fill_dropdown;
  GtkEditable *message_entry;
  GtkCheckButton *keep_check;
  GtkLabel *general_error;

  char *posix_name;             /* what the name field held while System V was chosen */
  char *sysv_key;
  gboolean showing_sysv;
};

enum
{
  SEGMENT_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShmlensNewSegmentDialog, shmlens_new_segment_dialog, GTK_TYPE_WINDOW)

static gboolean
is_sysv (ShmlensNewSegmentDialog *self)
{
  return gtk_toggle_button_get_active (self->sysv_toggle);
}

static GtkWidget *
field_entry (ShmlensNewSegmentDialog *self,
             Field                    field)
{
  switch (field)
    {
    case FIELD_NAME: return GTK_WIDGET (self->name_entry);
    case FIELD_SIZE: return GTK_WIDGET (self->size_entry);
    case FIELD_MODE: return GTK_WIDGET (self->mode_entry);
    case FIELD_GENERAL:
    default: return NULL;
    }
}

static GtkLabel *
field_error (ShmlensNewSegmentDialog *self,
             Field                    field)
{
  switch (field)
    {
    case FIELD_NAME: return self->name_error;
    case FIELD_SIZE: return self->size_error;
    case FIELD_MODE: return self->mode_error;
    case FIELD_GENERAL:
    default: return self->general_error;
    }
}

static const char *
field_title (ShmlensNewSegmentDialog *self,
             Field                    field)
{
  switch (field)
    {
    case FIELD_NAME: return is_sysv (self) ? _("Key") : _("Name");
    case FIELD_SIZE: return _("Size");
    case FIELD_MODE: return _("Mode");
    case FIELD_GENERAL:
    default: return NULL;
    }
}

static void
clear_error (ShmlensNewSegmentDialog *self,
             Field                    field)
{
  GtkWidget *entry = field_entry (self, field);

  gtk_widget_set_visible (GTK_WIDGET (field_error (self, field)), FALSE);
  if (entry != NULL)
    {
      gtk_widget_remove_css_class (entry, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

/* Shows @message next to the field it is about, and gives that field the keyboard. */
static void
show_error (ShmlensNewSegmentDialog *self,
            Field                    field,
            const char              *message)
{
  GtkLabel *label = field_error (self, field);
  GtkWidget *entry = field_entry (self, field);
  const char *title = field_title (self, field);
  g_autofree char *name = NULL;

  gtk_label_set_text (label, message);
  /* Translators: how a screen reader names an error below a field: "Size: …" */
  name = title != NULL ? g_strdup_printf (_("%s: %s"), title, message) : g_strdup (message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
  if (entry != NULL)
    {
      gtk_widget_add_css_class (entry, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
      gtk_widget_grab_focus (entry);
    }
}

/* An error goes once the field it is about is edited. */
static void
on_field_changed (GtkEditable             *entry,
                  ShmlensNewSegmentDialog *self)
{
  for (Field field = FIELD_NAME; field < FIELD_GENERAL; field++)
    if (field_entry (self, field) == GTK_WIDGET (entry))
      clear_error (self, field);
}

static void
clear_errors (ShmlensNewSegmentDialog *self)
{
  for (Field field = FIELD_NAME; field <= FIELD_GENERAL; field++)
    clear_error (self, field);
}

/* A name nobody uses yet, so that Create works at once. */
static char *
unused_name (void)
{
  for (guint i = 1; i < 1000; i++)
    {
      g_autofree char *name = i == 1 ? g_strdup (DEFAULT_NAME)
                                     : g_strdup_printf ("%s-%u", DEFAULT_NAME, i);
      g_autofree char *path = g_build_filename ("/dev/shm", name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&name);
    }
  return g_strdup (DEFAULT_NAME);
}

static void
on_kind_toggled (ShmlensNewSegmentDialog *self)
{
  gboolean sysv = is_sysv (self);
  const char *text = gtk_editable_get_text (self->name_entry);

  /* Both buttons toggle on a switch, one after the other: act once, when it is over. */
  if (sysv == gtk_toggle_button_get_active (self->posix_toggle) || sysv == self->showing_sysv)
    return;
  self->showing_sysv = sysv;

  /* Each kind keeps what was typed for it. */
  if (sysv)
    {
      g_free (self->posix_name);
      self->posix_name = g_strdup (text);
    }
  else
    {
      g_free (self->sysv_key);
      self->sysv_key = g_strdup (text);
    }

  gtk_label_set_text_with_mnemonic (self->name_label, sysv ? _("_Key") : _("_Name"));
  gtk_widget_set_visible (self->slash_label, !sysv);
  gtk_editable_set_text (self->name_entry, sysv ? (self->sysv_key != NULL ? self->sysv_key : "")
                                                : (self->posix_name != NULL ? self->posix_name
                                                                            : ""));
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->name_entry),
                                  /* the word the key field accepts for IPC_PRIVATE, in
                                   * every language: not translated */
                                  sysv ? "private" : NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_entry),
                               sysv ? _("A key in hexadecimal (0x…) or decimal; empty or "
                                        "“private” for a private segment (IPC_PRIVATE)")
                                    : _("The segment's name in /dev/shm, without a slash"));
  clear_errors (self);
}

static void
on_fill_changed (ShmlensNewSegmentDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->message_entry),
                          gtk_drop_down_get_selected (self->fill_dropdown) == SHMLENS_FILL_MESSAGE);
}

static gboolean
parse_mode (const char *text,
            guint      *mode)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  const char *p = copy;
  guint value = 0;

  if (g_str_has_prefix (p, "0o"))
    p += 2;
  if (*p == '\0')
    return FALSE;
  for (; *p != '\0'; p++)
    {
      if (*p < '0' || *p > '7')
        return FALSE;
      value = value * 8 + (guint) (*p - '0');
      if (value > 0777)
        return FALSE;
    }
  *mode = value;
  return TRUE;
}

/* System V: "" or "private" for none, otherwise 0x… or decimal, 32 bits. */
static gboolean
parse_key (const char *text,
           gboolean   *has_key,
           gint32     *key)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  guint64 value;
  char *end = NULL;

  if (*copy == '\0' || g_ascii_strcasecmp (copy, "private") == 0 ||
      g_ascii_strcasecmp (copy, "IPC_PRIVATE") == 0)
    {
      *has_key = FALSE;
      return TRUE;
    }
  if (g_ascii_strncasecmp (copy, "0x", 2) == 0)
    value = g_ascii_strtoull (copy + 2, &end, 16);
  else
    value = g_ascii_strtoull (copy, &end, 10);
  if (end == copy || end == copy + 2 || *end != '\0' || value > G_MAXUINT32)
    return FALSE;
  *has_key = TRUE;
  *key = (gint32) (guint32) value;
  return TRUE;
}

/* Which field the library's verdict is about. */
static Field
field_of_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG))
    return FIELD_NAME;
  /* the app checks the mode and the key itself: what is left is the size */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    return FIELD_SIZE;
  return FIELD_GENERAL;
}

/**
 * shmlens_new_segment_dialog_create:
 * @self: a dialog
 *
 * What the Create button does: checks the fields, creates the segment and, when it
 * was created, emits ::segment-created and closes the dialog. Otherwise each error
 * is shown next to its field.
 *
 * Returns: whether the segment was created
 */
gboolean
shmlens_new_segment_dialog_create (ShmlensNewSegmentDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *ref = NULL;
  const char *size_text = gtk_editable_get_text (self->size_entry);
  const char *mode_text = gtk_editable_get_text (self->mode_entry);
  ShmlensCreateOptions options = {
    .kind = is_sysv (self) ? SHMLENS_SEGMENT_KIND_SYSV : SHMLENS_SEGMENT_KIND_POSIX,
    .fill = (ShmlensFill) MIN (gtk_drop_down_get_selected (self->fill_dropdown),
                               SHMLENS_FILL_MESSAGE),
  };
  gboolean keep = gtk_check_button_get_active (self->keep_check);
  gboolean valid = TRUE;

  g_return_val_if_fail (SHMLENS_IS_NEW_SEGMENT_DIALOG (self), FALSE);

  clear_errors (self);

  /* From the last field up, so that the first wrong one ends up with the keyboard. */
  if (!parse_mode (mode_text, &options.mode))
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not a permission mode: write octal digits up to 0777, "
                           "such as 0600"), mode_text);
      show_error (self, FIELD_MODE, message);
      valid = FALSE;
    }
  if (!shmlens_writers_parse_size (size_text, &options.size, &error))
    {
      show_error (self, FIELD_SIZE, error->message);
      g_clear_error (&error);
      valid = FALSE;
    }
  else if (options.size == 0)
    {
      show_error (self, FIELD_SIZE, _("A segment needs a size of at least one byte."));
      valid = FALSE;
    }
  if (options.kind == SHMLENS_SEGMENT_KIND_SYSV)
    {
      const char *key_text = gtk_editable_get_text (self->name_entry);

      if (!parse_key (key_text, &options.has_key, &options.key))
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is not a key: write a number such as 0x1234, or leave "
                               "it empty for a private segment"), key_text);
          show_error (self, FIELD_NAME, message);
          valid = FALSE;
        }
      else if (options.has_key && options.key == 0)
        {
          show_error (self, FIELD_NAME, _("Key 0 is IPC_PRIVATE: leave the key empty, or write "
                                          "“private”, for a private segment."));
          valid = FALSE;
        }
    }
  else
    {
      name = g_strdup (gtk_editable_get_text (self->name_entry));
      options.name = name;
    }
  if (!valid)
    return FALSE;

  if (options.fill == SHMLENS_FILL_MESSAGE)
    options.message = gtk_editable_get_text (self->message_entry);

  ref = shmlens_created_create (&options, &error);
  if (ref == NULL)
    {
      show_error (self, field_of_error (error), error->message);
      return FALSE;
    }

  shmlens_test_segments_add (shmlens_test_segments_get_default (), ref, keep);
  g_signal_emit (self, signals[SEGMENT_CREATED], 0, ref, keep);
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

static void
on_create_clicked (ShmlensNewSegmentDialog *self)
{
  shmlens_new_segment_dialog_create (self);
}

/**
 * shmlens_new_segment_dialog_get_field:
 * @self: a dialog
 * @field: "kind-posix", "kind-sysv", "name" (the key for System V), "size", "mode",
 *   "content", "message", "keep", or the errors: "name-error", "size-error",
 *   "mode-error", "error"
 *
 * For tests, which fill the fields as a person would.
 *
 * Returns: (transfer none) (nullable): the widget
 */
GtkWidget *
shmlens_new_segment_dialog_get_field (ShmlensNewSegmentDialog *self,
                                      const char              *field)
{
  const struct
  {
    const char *name;
    gpointer widget;
  } fields[] = {
    { "kind-posix", self->posix_toggle },
    { "kind-sysv", self->sysv_toggle },
    { "name", self->name_entry },
    { "size", self->size_entry },
    { "mode", self->mode_entry },
    { "content", self->fill_dropdown },
    { "message", self->message_entry },
    { "keep", self->keep_check },
    { "name-error", self->name_error },
    { "size-error", self->size_error },
    { "mode-error", self->mode_error },
    { "error", self->general_error },
  };

  g_return_val_if_fail (SHMLENS_IS_NEW_SEGMENT_DIALOG (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (field, fields[i].name))
      return GTK_WIDGET (fields[i].widget);
  g_return_val_if_reached (NULL);
}

static void
shmlens_new_segment_dialog_finalize (GObject *object)
{
  ShmlensNewSegmentDialog *self = SHMLENS_NEW_SEGMENT_DIALOG (object);

  g_free (self->posix_name);
  g_free (self->sysv_key);

  G_OBJECT_CLASS (shmlens_new_segment_dialog_parent_class)->finalize (object);
}

static void
shmlens_new_segment_dialog_class_init (ShmlensNewSegmentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = shmlens_new_segment_dialog_finalize;

  /**
   * ShmlensNewSegmentDialog::segment-created:
   * @self: the dialog
   * @ref: the new segment's reference
   * @keep: whether it is to stay when Shmlens closes
   */
  signals[SEGMENT_CREATED] =
    g_signal_new ("segment-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  /* a GtkWindow reaches screen readers as a "filler" unless told otherwise */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_DIALOG);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/shmlens/Shmlens/shmlens-new-segment-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, posix_toggle);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, sysv_toggle);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, name_label);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, slash_label);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, name_error);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, size_entry);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, size_error);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, mode_entry);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, mode_error);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, fill_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, message_entry);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, keep_check);
  gtk_widget_class_bind_template_child (widget_class, ShmlensNewSegmentDialog, general_error);
  gtk_widget_class_bind_template_callback (widget_class, on_create_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_toggled);
}

static void
shmlens_new_segment_dialog_init (ShmlensNewSegmentDialog *self)
{
  g_autofree char *name = unused_name ();

  gtk_widget_init_template (GTK_WIDGET (self));
  shmlens_a11y_name_mnemonic_buttons (GTK_WIDGET (self));

  gtk_editable_set_text (self->name_entry, name);
  gtk_editable_set_text (self->message_entry, SHMLENS_DEFAULT_MESSAGE);
  g_signal_connect_swapped (self->fill_dropdown, "notify::selected",
                            G_CALLBACK (on_fill_changed), self);
  g_signal_connect (self->name_entry, "changed", G_CALLBACK (on_field_changed), self);
  g_signal_connect (self->size_entry, "changed", G_CALLBACK (on_field_changed), self);
  g_signal_connect (self->mode_entry, "changed", G_CALLBACK (on_field_changed), self);
  on_fill_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

/**
 * shmlens_new_segment_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 *
 * Returns: (transfer none): a dialog, not shown yet; it destroys itself when closed
 */
GtkWidget *
shmlens_new_segment_dialog_new (GtkWindow *parent)
{
  return g_object_new (SHMLENS_TYPE_NEW_SEGMENT_DIALOG, "transient-for", parent, NULL);
}
