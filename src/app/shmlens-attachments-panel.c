/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-attachments-panel.c: the processes attached to a segment, refreshed off the main thread.
 *
 * About once a second, while the panel is on screen, a worker thread scans /proc
 * for the segment's identity (never the segment object, which belongs to the main
 * thread) and resolves user names, which may mean a slow NSS lookup. Back on the
 * main thread the result is merged into a sorted GListStore: rows whose attachment
 * is unchanged keep their item and so their widgets, so that a refresh moves
 * nothing on screen unless something really changed.
 *
 * Each row is a small grid of labels rather than a column view: at a side panel's
 * width, seven columns would not fit, and every label stays a real widget with a
 * name for assistive technology ("PID 4242", "Address range 0x7f…–0x7f…"). */
#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "shmlens-attachments.h"
#include "shmlens-attachments-panel.h"
#include "shmlens-users.h"
#include "shmlens-escape.h"

#define REFRESH_INTERVAL_MS 1000

/* One attachment and its owner's name, as a list item. Immutable: a changed
 * attachment is a new item. */
#define SHMLENS_TYPE_ATTACHMENT_ITEM (shmlens_attachment_item_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensAttachmentItem, shmlens_attachment_item, SHMLENS, ATTACHMENT_ITEM, GObject)

struct _ShmlensAttachmentItem
{
  GObject parent_instance;

  ShmlensAttachment *attachment;
  char *user;
};

G_DEFINE_FINAL_TYPE (ShmlensAttachmentItem, shmlens_attachment_item, G_TYPE_OBJECT)

static void
shmlens_attachment_item_finalize (GObject *object)
{
  ShmlensAttachmentItem *self = SHMLENS_ATTACHMENT_ITEM (object);

  g_clear_pointer (&self->attachment, shmlens_attachment_free);
  g_clear_pointer (&self->user, g_free);

  G_OBJECT_CLASS (shmlens_attachment_item_parent_class)->finalize (object);
}

static void
shmlens_attachment_item_class_init (ShmlensAttachmentItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = shmlens_attachment_item_finalize;
}

static void
shmlens_attachment_item_init (ShmlensAttachmentItem *self)
{
}

/* Takes @attachment and @user. */
static ShmlensAttachmentItem *
shmlens_attachment_item_new (ShmlensAttachment *attachment,
                             char              *user)
{
  ShmlensAttachmentItem *self = g_object_new (SHMLENS_TYPE_ATTACHMENT_ITEM, NULL);

  self->attachment = attachment;
  self->user = user;
  return self;
}

/* The order of the rows: by process, its mappings by address, then its descriptors. */
static int
compare_attachments (const ShmlensAttachment *a,
                     const ShmlensAttachment *b)
{
  if (a->pid != b->pid)
    return a->pid < b->pid ? -1 : 1;
  if (a->how != b->how)
    return a->how == SHMLENS_ATTACHMENT_MAPS ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->fd != b->fd)
    return a->fd < b->fd ? -1 : 1;
  return 0;
}

static gboolean
same_row (ShmlensAttachmentItem   *item,
          const ShmlensAttachment *attachment,
          const char              *user)
{
  const ShmlensAttachment *a = item->attachment;

  return a->end == attachment->end && a->offset == attachment->offset &&
         a->uid == attachment->uid && g_str_equal (a->perms, attachment->perms) &&
         g_strcmp0 (a->command, attachment->command) == 0 && g_str_equal (item->user, user);
}

/* What the worker thread is given and gives back: plain values only. */
typedef struct
{
  ShmlensSegmentKind kind;
  dev_t device;
  ino_t inode;
  int shmid;
} ScanRequest;

typedef struct
{
  GPtrArray *attachments;   /* ShmlensAttachment, sorted */
  GPtrArray *users;         /* char *, the name of each attachment's user */
  guint n_skipped;
} ScanResult;

static void
scan_result_free (ScanResult *result)
{
  g_clear_pointer (&result->attachments, g_ptr_array_unref);
  g_clear_pointer (&result->users, g_ptr_array_unref);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScanResult, scan_result_free)

static gint
compare_attachment_pointers (gconstpointer a,
                             gconstpointer b)
{
  return compare_attachments (*(ShmlensAttachment *const *) a, *(ShmlensAttachment *const *) b);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const ScanRequest *request = task_data;
  ScanResult *result = g_new0 (ScanResult, 1);
  g_autoptr(GHashTable) names = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  result->attachments = shmlens_find_attachments (request->kind, request->device, request->inode,
                                                  request->shmid, &result->n_skipped);
  g_ptr_array_sort (result->attachments, compare_attachment_pointers);

  result->users = g_ptr_array_new_full (result->attachments->len, g_free);
  for (guint i = 0; i < result->attachments->len; i++)
    {
      const ShmlensAttachment *attachment = g_ptr_array_index (result->attachments, i);
      const char *name = g_hash_table_lookup (names, GUINT_TO_POINTER (attachment->uid));

      if (name == NULL)
        {
          char *looked_up = g_strdup (shmlens_user_name (attachment->uid));
          g_hash_table_insert (names, GUINT_TO_POINTER (attachment->uid), looked_up);
          name = looked_up;
        }
      g_ptr_array_add (result->users, g_strdup (name));
    }

  g_task_return_pointer (task, result, (GDestroyNotify) scan_result_free);
}

struct _ShmlensAttachmentsPanel
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkLabel *skipped_label;
  GtkStack *stack;
  GtkLabel *empty_label;
  GtkListBox *list_box;
  GListStore *items;   /* ShmlensAttachmentItem, sorted like compare_attachments() */

  ShmlensSegment *segment;
  ScanRequest identity;

  GCancellable *scan_cancellable;   /* the scan in flight, if any */
  guint refresh_source;
};

G_DEFINE_FINAL_TYPE (ShmlensAttachmentsPanel, shmlens_attachments_panel, GTK_TYPE_WIDGET)

static void start_scan (ShmlensAttachmentsPanel *self);

static gboolean
refresh_cb (gpointer user_data)
{
  ShmlensAttachmentsPanel *self = user_data;

  self->refresh_source = 0;
  start_scan (self);
  return G_SOURCE_REMOVE;
}

static void
stop_refreshing (ShmlensAttachmentsPanel *self)
{
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
}

/* Merges the sorted scan result into the sorted store: unchanged rows stay as they
 * are, so nothing on screen moves, flickers or loses focus. */
static void
merge_items (ShmlensAttachmentsPanel *self,
             ScanResult              *result)
{
  GListModel *model = G_LIST_MODEL (self->items);
  guint position = 0;
  guint next = 0;

  while (next < result->attachments->len || position < g_list_model_get_n_items (model))
    {
      g_autoptr(ShmlensAttachmentItem) item = NULL;
      const ShmlensAttachment *attachment = NULL;
      const char *user = NULL;
      int order;

      if (position < g_list_model_get_n_items (model))
        item = g_list_model_get_item (model, position);
      if (next < result->attachments->len)
        {
          attachment = g_ptr_array_index (result->attachments, next);
          user = g_ptr_array_index (result->users, next);
        }

      if (item == NULL)
        order = 1;
      else if (attachment == NULL)
        order = -1;
      else
        order = compare_attachments (item->attachment, attachment);

      if (order < 0)
        {
          /* gone */
          g_list_store_remove (self->items, position);
          continue;
        }

      if (order > 0 || !same_row (item, attachment, user))
        {
          g_autoptr(ShmlensAttachmentItem) fresh =
            shmlens_attachment_item_new (shmlens_attachment_copy (attachment), g_strdup (user));

          /* new, or the same mapping with other details: a new row in its place */
          g_list_store_splice (self->items, position, order > 0 ? 0 : 1, (gpointer *) &fresh, 1);
        }
      position++;
      next++;
    }
}

static void
show_result (ShmlensAttachmentsPanel *self,
             ScanResult              *result)
{
  merge_items (self, result);

  if (result->n_skipped > 0)
    {
      g_autofree char *text =
        g_strdup_printf (ngettext ("%u process could not be inspected (not permitted).",
                                   "%u processes could not be inspected (not permitted).",
                                   result->n_skipped),
                         result->n_skipped);
      gtk_label_set_text (self->skipped_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->skipped_label), result->n_skipped > 0);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->items)) > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else
    {
      /* Only a full view of /proc can tell that nobody holds the segment. */
      gtk_label_set_text (self->empty_label,
                          result->n_skipped == 0
                          ? _("No process maps or holds this segment (orphan).")
                          : _("No process that could be inspected maps or holds this segment."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
}

static void
scan_done_cb (GObject      *source_object,
              GAsyncResult *res,
              gpointer      user_data)
{
  ShmlensAttachmentsPanel *self = SHMLENS_ATTACHMENTS_PANEL (source_object);
  GTask *task = G_TASK (res);
  g_autoptr(ScanResult) result = g_task_propagate_pointer (task, NULL);

  /* Cancelled: the panel was hidden or disposed, or shows another segment now. */
  if (g_task_get_cancellable (task) != self->scan_cancellable ||
      g_cancellable_is_cancelled (self->scan_cancellable) || result == NULL)
    return;
  g_clear_object (&self->scan_cancellable);

  show_result (self, result);
  self->refresh_source = g_timeout_add (REFRESH_INTERVAL_MS, refresh_cb, self);
  g_source_set_name_by_id (self->refresh_source, "[shmlens] attachments refresh");
}

static void
start_scan (ShmlensAttachmentsPanel *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->segment == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      self->scan_cancellable != NULL)
    return;
  g_clear_handle_id (&self->refresh_source, g_source_remove);

  self->scan_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->scan_cancellable, scan_done_cb, NULL);
  g_task_set_source_tag (task, start_scan);
  g_task_set_name (task, "[shmlens] attachments scan");
  g_task_set_task_data (task, g_memdup2 (&self->identity, sizeof self->identity), g_free);
  /* A scan cannot be stopped midway; once cancelled, its result is not waited for. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, scan_thread);
}

static GtkWidget *
new_cell (const char *text,
          const char *accessible_name,
          const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);
  return label;
}

static GtkWidget *
create_row (gpointer item_pointer,
            gpointer user_data)
{
  ShmlensAttachmentItem *item = item_pointer;
  const ShmlensAttachment *attachment = item->attachment;
  gboolean maps = attachment->how == SHMLENS_ATTACHMENT_MAPS;
  g_autofree char *pid = g_strdup_printf ("%d", attachment->pid);
  g_autofree char *command = shmlens_escape (attachment->command != NULL ? attachment->command : "", -1);
  g_autofree char *range = NULL;
  g_autofree char *how = NULL;
  g_autofree char *offset = NULL;
  g_autofree char *name = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *details;
  GtkWidget *cell;

  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);

  /* line 1: who */
  name = g_strdup_printf (_("PID %s"), pid);
  cell = new_cell (pid, name, "pid");
  gtk_widget_add_css_class (cell, "heading");
  gtk_grid_attach (GTK_GRID (grid), cell, 0, 0, 1, 1);
  g_clear_pointer (&name, g_free);

  name = g_strdup_printf (_("Command %s"), command);
  cell = new_cell (command, name, "command");
  gtk_widget_add_css_class (cell, "heading");
  gtk_label_set_ellipsize (GTK_LABEL (cell), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (cell, TRUE);
  gtk_grid_attach (GTK_GRID (grid), cell, 1, 0, 1, 1);
  g_clear_pointer (&name, g_free);

  name = g_strdup_printf (_("User %s"), item->user);
  cell = new_cell (item->user, name, "user");
  gtk_widget_add_css_class (cell, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (cell), 1);
  gtk_label_set_ellipsize (GTK_LABEL (cell), PANGO_ELLIPSIZE_END);
  gtk_grid_attach (GTK_GRID (grid), cell, 2, 0, 1, 1);
  g_clear_pointer (&name, g_free);

  /* line 2: where; the point of the panel is that it differs between processes */
  if (maps)
    range = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x\xe2\x80\x93" "0x%" G_GINT64_MODIFIER "x",
                             attachment->start, attachment->end);
  else
    /* Translators: in place of an address range, for a process that holds a
     * descriptor to the segment without mapping it */
    range = g_strdup (_("not mapped"));
  name = g_strdup_printf (_("Address range %s"), range);
  cell = new_cell (range, name, "address-range");
  gtk_widget_add_css_class (cell, maps ? "monospace" : "dim-label");
  gtk_label_set_wrap (GTK_LABEL (cell), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (cell), PANGO_WRAP_WORD_CHAR);
  gtk_grid_attach (GTK_GRID (grid), cell, 0, 1, 3, 1);
  g_clear_pointer (&name, g_free);

  /* line 3: how */
  details = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (details, "dim-label");
  gtk_grid_attach (GTK_GRID (grid), details, 0, 2, 3, 1);

  if (maps)
    {
      /* Translators: the process has the segment mapped into its memory */
      how = g_strdup (_("maps"));
      name = g_strdup (_("Maps the segment"));
    }
  else
    {
      /* Translators: the process has a file descriptor (number %d) to the segment */
      how = g_strdup_printf (_("holds fd %d"), attachment->fd);
      name = g_strdup_printf (_("Holds file descriptor %d without mapping it"), attachment->fd);
    }
  gtk_box_append (GTK_BOX (details), new_cell (how, name, "how"));
  g_clear_pointer (&name, g_free);

  name = g_strdup_printf (_("Permissions %s"), attachment->perms);
  cell = new_cell (attachment->perms, name, "perms");
  gtk_widget_add_css_class (cell, "monospace");
  gtk_box_append (GTK_BOX (details), cell);
  g_clear_pointer (&name, g_free);

  if (maps)
    {
      g_autofree char *hex = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", attachment->offset);

      /* Translators: where in the segment the process's mapping starts */
      offset = g_strdup_printf (_("offset %s"), hex);
      name = g_strdup_printf (_("Offset %s"), hex);
      gtk_box_append (GTK_BOX (details), new_cell (offset, name, "offset"));
      g_clear_pointer (&name, g_free);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), grid);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* Translators: a row of the list, for screen readers: command and process id */
  name = g_strdup_printf (_("%s, PID %s"), command, pid);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return row;
}

/**
 * shmlens_attachments_panel_set_segment:
 * @self: a panel
 * @segment: (nullable): the segment whose holders to show
 *
 * Shows the processes that map or hold @segment, refreshed about once a second
 * while the panel is on screen. Setting the segment shown already (the same
 * identity, as after a catalog refresh) keeps the rows as they are.
 */
void
shmlens_attachments_panel_set_segment (ShmlensAttachmentsPanel *self,
                                       ShmlensSegment          *segment)
{
  g_return_if_fail (SHMLENS_IS_ATTACHMENTS_PANEL (self));
  g_return_if_fail (segment == NULL || SHMLENS_IS_SEGMENT (segment));

  if (segment != NULL && self->segment != NULL &&
      shmlens_segment_same_identity (segment, self->segment))
    {
      g_set_object (&self->segment, segment);
      return;
    }

  stop_refreshing (self);
  g_set_object (&self->segment, segment);
  g_list_store_remove_all (self->items);
  gtk_widget_set_visible (GTK_WIDGET (self->skipped_label), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "none");
  if (segment == NULL)
    return;

  self->identity = (ScanRequest) {
    .kind = shmlens_segment_get_kind (segment),
    .device = shmlens_segment_get_device (segment),
    .inode = shmlens_segment_get_inode (segment),
    .shmid = shmlens_segment_get_kind (segment) == SHMLENS_SEGMENT_KIND_SYSV
             ? shmlens_segment_get_shmid (segment) : -1,
  };
  start_scan (self);
}

static void
shmlens_attachments_panel_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (shmlens_attachments_panel_parent_class)->map (widget);
  start_scan (SHMLENS_ATTACHMENTS_PANEL (widget));
}

static void
shmlens_attachments_panel_unmap (GtkWidget *widget)
{
  stop_refreshing (SHMLENS_ATTACHMENTS_PANEL (widget));
  GTK_WIDGET_CLASS (shmlens_attachments_panel_parent_class)->unmap (widget);
}

static void
shmlens_attachments_panel_dispose (GObject *object)
{
  ShmlensAttachmentsPanel *self = SHMLENS_ATTACHMENTS_PANEL (object);

  stop_refreshing (self);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->items);
  g_clear_object (&self->segment);

  G_OBJECT_CLASS (shmlens_attachments_panel_parent_class)->dispose (object);
}

static void
shmlens_attachments_panel_class_init (ShmlensAttachmentsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmlens_attachments_panel_dispose;
  widget_class->map = shmlens_attachments_panel_map;
  widget_class->unmap = shmlens_attachments_panel_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "shmlens-attachments");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static GtkWidget *
new_note (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
shmlens_attachments_panel_init (ShmlensAttachmentsPanel *self)
{
  GtkWidget *scrolled, *intro, *none;

  self->items = g_list_store_new (SHMLENS_TYPE_ATTACHMENT_ITEM);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  intro = new_note (_("Each process maps the segment at its own address: the same bytes "
                      "sit at a different virtual address in each."));
  gtk_widget_add_css_class (intro, "intro");
  gtk_widget_set_margin_start (intro, 12);
  gtk_widget_set_margin_end (intro, 12);
  gtk_widget_set_margin_top (intro, 6);
  gtk_box_append (GTK_BOX (self->box), intro);

  self->skipped_label = GTK_LABEL (new_note (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->skipped_label), "skipped");
  gtk_widget_set_margin_start (GTK_WIDGET (self->skipped_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->skipped_label), 12);
  gtk_widget_set_visible (GTK_WIDGET (self->skipped_label), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->skipped_label));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->stack));

  /* no segment, or the first scan not back yet: nothing rather than a flash of text */
  none = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_stack_add_named (self->stack, none, "none");

  self->empty_label = GTK_LABEL (new_note (NULL));
  gtk_label_set_justify (self->empty_label, GTK_JUSTIFY_CENTER);
  gtk_label_set_xalign (self->empty_label, 0.5);
  gtk_widget_set_valign (GTK_WIDGET (self->empty_label), GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (GTK_WIDGET (self->empty_label), 24);
  gtk_widget_set_margin_end (GTK_WIDGET (self->empty_label), 24);
  gtk_widget_add_css_class (GTK_WIDGET (self->empty_label), "empty");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_label), "empty");

  self->list_box = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list_box, GTK_SELECTION_NONE);
  gtk_list_box_set_show_separators (self->list_box, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list_box), "rich-list");
  gtk_widget_set_valign (GTK_WIDGET (self->list_box), GTK_ALIGN_START);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->items), create_row, NULL, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Processes"), -1);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list_box));
  gtk_stack_add_named (self->stack, scrolled, "list");
  gtk_stack_set_visible_child_name (self->stack, "none");

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Processes attached to the segment"), -1);
}

GtkWidget *
shmlens_attachments_panel_new (void)
{
  return g_object_new (SHMLENS_TYPE_ATTACHMENTS_PANEL, NULL);
}
