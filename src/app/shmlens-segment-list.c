/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-segment-list.c: the sidebar: every segment on the machine, live.
 *
 * The model is a chain: the list's own catalog → a filter (name and kind) → a sort
 * (the column view's sorter, then the reference as a tiebreak, so that equal keys
 * never swap places between refreshes) → a single selection.
 *
 * The catalog keeps its segment objects across refreshes and updates them in place,
 * which is what keeps the selection and the scroll position; but an update in place
 * is no change of any list model, so nothing would redraw. Each bound cell therefore
 * registers its label under its segment in a table, and ::segment-changed rewrites
 * exactly those labels. Sort keys and filter results are cached by the sort and
 * filter models, so after a refresh that changed something they are asked to look
 * again, once; they emit items-changed only where the order or the match differs. */
#include "config.h"


#include <glib/gi18n.h>

#include "shmlens-escape.h"
#include "shmlens-segment-list.h"
#include "shmlens-users.h"

#define REFRESH_INTERVAL_SECONDS 1

typedef enum
{
  COLUMN_NAME,
  COLUMN_KIND,
  COLUMN_SIZE,
  COLUMN_RESIDENT,
  COLUMN_OWNER,
  COLUMN_ATTACHED,
  N_COLUMNS
} ColumnId;

typedef void (*CellUpdate) (GtkLabel       *label,
                            ShmlensSegment *segment);

typedef struct
{
  ColumnId id;
  const char *title;
  CellUpdate update;
  gboolean numeric;
  PangoEllipsizeMode ellipsize;
} Column;

/* The kind filter's entries, in the order of the drop-down. */
static const struct
{
  const char *label;
  guint kinds;
} kind_choices[] = {
  { N_("All kinds"), SHMLENS_SEGMENT_KINDS_ALL },
  { N_("POSIX"), SHMLENS_SEGMENT_KIND_POSIX },
  { N_("System V"), SHMLENS_SEGMENT_KIND_SYSV },
  { N_("memfd"), SHMLENS_SEGMENT_KIND_MEMFD },
  { N_("Shared anonymous"), SHMLENS_SEGMENT_KIND_ANON },
};

struct _ShmlensSegmentList
{
  GtkWidget parent_instance;

  ShmlensCatalog *catalog;
  GtkFilterListModel *filter_model;
  GtkSortListModel *sort_model;
  GtkSingleSelection *selection;
  GtkStringFilter *name_filter;
  GtkFilter *kind_filter;
  GtkSorter *tiebreak_sorter;
  guint kinds_shown;
  /* the drop-down's entries: "All kinds", then each kind the catalog lists */
  guint choice_kinds[G_N_ELEMENTS (kind_choices)];

  GtkWidget *search_entry;
  GtkWidget *kind_dropdown;
  GtkWidget *error_label;
  GtkWidget *stack;
  GtkWidget *column_view;
  GtkWidget *empty_title;
  GtkWidget *empty_description;
  GtkWidget *footer;
  GtkColumnViewColumn *columns[N_COLUMNS];

  /* ShmlensSegment * → GPtrArray of the GtkLabel * bound to it (no references: unbind
   * removes them) */
  GHashTable *bound;

  GCancellable *cancellable;
  guint timeout_id;
  gboolean refreshing;
  gboolean refresh_queued;
  gboolean have_refreshed;
  gboolean segments_changed;
};

G_DEFINE_FINAL_TYPE (ShmlensSegmentList, shmlens_segment_list, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SELECTED_SEGMENT,
  PROP_SHOW_RESIDENT,
  PROP_SHOW_OWNER,
  PROP_KINDS,
  N_PROPS
};

enum
{
  SEGMENT_ACTIVATED,
  REFRESHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static GQuark column_quark;

static void start_refresh (ShmlensSegmentList *self);

/* Values shown and sorted on */

static const char *
kind_short_label (ShmlensSegmentKind kind)
{
  switch (kind)
    {
    case SHMLENS_SEGMENT_KIND_POSIX:
      return _("POSIX");
    case SHMLENS_SEGMENT_KIND_SYSV:
      /* Translators: short for "System V shared memory", in a narrow column */
      return C_("kind", "SysV");
    case SHMLENS_SEGMENT_KIND_MEMFD:
      return _("memfd");
    case SHMLENS_SEGMENT_KIND_ANON:
      /* Translators: short for "shared anonymous memory", in a narrow column */
      return C_("kind", "anon");
    case SHMLENS_SEGMENT_KIND_FILE:
      return C_("kind", "file");
    default:
      g_assert_not_reached ();
    }
}

static const char *
kind_description (ShmlensSegmentKind kind)
{
  switch (kind)
    {
    case SHMLENS_SEGMENT_KIND_POSIX:
      return _("POSIX shared memory (shm_open), a file in /dev/shm");
    case SHMLENS_SEGMENT_KIND_SYSV:
      return _("System V shared memory (shmget)");
    case SHMLENS_SEGMENT_KIND_MEMFD:
      return _("A memfd held by a process (memfd_create)");
    case SHMLENS_SEGMENT_KIND_ANON:
      return _("Shared anonymous memory mapped by a process");
    case SHMLENS_SEGMENT_KIND_FILE:
      return _("A plain file");
    default:
      g_assert_not_reached ();
    }
}

static char *
segment_display_name (ShmlensSegment *segment)
{
  return shmlens_segment_dup_display_name (segment);
}

static char *
segment_ref (ShmlensSegment *segment)
{
  return shmlens_segment_dup_ref (segment);
}

static guint
segment_kind (ShmlensSegment *segment)
{
  return shmlens_segment_get_kind (segment);
}

static guint64
segment_size (ShmlensSegment *segment)
{
  return shmlens_segment_get_size (segment);
}

static gint64
segment_resident (ShmlensSegment *segment)
{
  return shmlens_segment_get_resident (segment);
}

static char *
segment_owner (ShmlensSegment *segment)
{
  return g_strdup (shmlens_user_name (shmlens_segment_get_uid (segment)));
}

/* Orphans first, then by the number of holders; a System V segment attached only by
 * processes we may not inspect counts as one. */
static guint
segment_attached (ShmlensSegment *segment)
{
  if (shmlens_segment_is_orphan (segment))
    return 0;
  return MAX (shmlens_segment_get_n_processes (segment), 1);
}

static GtkExpression *
segment_expression (GType     type,
                    GCallback getter)
{
  return gtk_cclosure_expression_new (type, NULL, 0, NULL, getter, NULL, NULL);
}

/* Cells */

static void
set_text (GtkLabel   *label,
          const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

static void
set_tooltip (GtkLabel   *label,
             const char *text)
{
  const char *old = gtk_widget_get_tooltip_text (GTK_WIDGET (label));

  if (g_strcmp0 (old, text) != 0)
    gtk_widget_set_tooltip_text (GTK_WIDGET (label), text);
}

static void
set_class (GtkLabel   *label,
           const char *css_class,
           gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), css_class);
}

static void
update_name (GtkLabel       *label,
             ShmlensSegment *segment)
{
  g_autofree char *name = shmlens_segment_dup_display_name (segment);
  g_autofree char *ref = shmlens_segment_dup_ref (segment);
  gboolean nameless = name[0] == '\0';

  /* A memfd may be created with an empty name: its reference is what identifies it. */
  set_text (label, nameless ? ref : name);
  set_class (label, "dim-label", nameless);
  set_tooltip (label, ref);
}

static void
update_kind (GtkLabel       *label,
             ShmlensSegment *segment)
{
  ShmlensSegmentKind kind = shmlens_segment_get_kind (segment);

  set_text (label, kind_short_label (kind));
  set_tooltip (label, kind_description (kind));
}

static void
update_size (GtkLabel       *label,
             ShmlensSegment *segment)
{
  guint64 size = shmlens_segment_get_size (segment);
  g_autofree char *text = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, size);
  /* Translators: the exact size; %s is a number of bytes */
  g_autofree char *exact = g_strdup_printf (ngettext ("%s byte", "%s bytes", size), number);

  set_text (label, text);
  set_tooltip (label, exact);
}

static void
update_resident (GtkLabel       *label,
                 ShmlensSegment *segment)
{
  gint64 resident = shmlens_segment_get_resident (segment);
  g_autofree char *text = NULL;

  if (resident < 0)
    {
      /* Translators: a resident size that is not known */
      set_text (label, C_("resident", "–"));
      set_tooltip (label, _("Not known for this segment"));
      return;
    }
  text = g_format_size_full (resident, G_FORMAT_SIZE_IEC_UNITS);
  set_text (label, text);
  set_tooltip (label, _("Memory the segment occupies in RAM"));
}

static void
update_owner (GtkLabel       *label,
              ShmlensSegment *segment)
{
  g_autofree char *tooltip = NULL;
  guint uid = shmlens_segment_get_uid (segment);

  set_text (label, shmlens_user_name (uid));
  if (shmlens_segment_get_metadata_known (segment))
    tooltip = g_strdup_printf (_("User %s (uid %u), mode %04o"), shmlens_user_name (uid), uid,
                               shmlens_segment_get_mode (segment));
  else
    tooltip = g_strdup_printf (_("User %s (uid %u) holds it; its mode is not known"),
                               shmlens_user_name (uid), uid);
  set_tooltip (label, tooltip);
}

static void
update_attached (GtkLabel       *label,
                 ShmlensSegment *segment)
{
  guint n = shmlens_segment_get_n_processes (segment);
  gboolean orphan = shmlens_segment_is_orphan (segment);
  g_autofree char *count = NULL;
  g_autofree char *tooltip = NULL;

  static PangoAttrList *emphasis;

  /* The theme of GTK 4.8 has no color for warnings in labels: italics mark orphans
   * everywhere, and the class lets the style sheet color them. */
  if (emphasis == NULL)
    {
      emphasis = pango_attr_list_new ();
      pango_attr_list_insert (emphasis, pango_attr_style_new (PANGO_STYLE_ITALIC));
    }
  if (orphan != (gtk_label_get_attributes (label) != NULL))
    gtk_label_set_attributes (label, orphan ? emphasis : NULL);
  set_class (label, "shmlens-orphan", orphan);
  set_class (label, "warning", orphan);
  set_class (label, "dim-label", !orphan && n == 0);
  if (orphan)
    {
      /* Translators: in the Attached column: no process maps or holds the segment */
      set_text (label, _("orphan"));
      set_tooltip (label, _("No process maps or holds this segment: a leftover"));
    }
  else if (n == 0)
    {
      /* Translators: in the Attached column: attached, but by processes we may not see */
      set_text (label, _("hidden"));
      set_tooltip (label, _("Attached by processes that you may not inspect"));
    }
  else
    {
      count = g_strdup_printf ("%u", n);
      tooltip = g_strdup_printf (ngettext ("%u process maps or holds it",
                                           "%u processes map or hold it", n),
                                 n);
      set_text (label, count);
      set_tooltip (label, tooltip);
    }
}

static const Column columns[N_COLUMNS] = {
  { COLUMN_NAME, N_("Name"), update_name, FALSE, PANGO_ELLIPSIZE_MIDDLE },
  { COLUMN_KIND, N_("Kind"), update_kind, FALSE, PANGO_ELLIPSIZE_NONE },
  { COLUMN_SIZE, N_("Size"), update_size, TRUE, PANGO_ELLIPSIZE_NONE },
  { COLUMN_RESIDENT, N_("Resident"), update_resident, TRUE, PANGO_ELLIPSIZE_NONE },
  { COLUMN_OWNER, N_("Owner"), update_owner, FALSE, PANGO_ELLIPSIZE_END },
  { COLUMN_ATTACHED, N_("Attached"), update_attached, TRUE, PANGO_ELLIPSIZE_NONE },
};

static void
track_label (ShmlensSegmentList *self,
             ShmlensSegment     *segment,
             GtkLabel           *label)
{
  GPtrArray *labels = g_hash_table_lookup (self->bound, segment);

  if (labels == NULL)
    {
      labels = g_ptr_array_new ();
      g_hash_table_insert (self->bound, segment, labels);
    }
  g_ptr_array_add (labels, label);
}

static void
untrack_label (ShmlensSegmentList *self,
               ShmlensSegment     *segment,
               GtkLabel           *label)
{
  GPtrArray *labels = g_hash_table_lookup (self->bound, segment);

  if (labels == NULL)
    return;
  g_ptr_array_remove_fast (labels, label);
  if (labels->len == 0)
    g_hash_table_remove (self->bound, segment);
}

static void
on_cell_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  const Column *column = g_object_get_qdata (G_OBJECT (factory), column_quark);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), column->numeric ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), column->ellipsize);
  if (column->ellipsize != PANGO_ELLIPSIZE_NONE)
    gtk_label_set_width_chars (GTK_LABEL (label), column->id == COLUMN_NAME ? 6 : 4);
  if (column->numeric)
    gtk_widget_add_css_class (label, "numeric");
  g_object_set_qdata (G_OBJECT (label), column_quark, (gpointer) column);
  gtk_list_item_set_child (item, label);
}

static void
on_cell_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  ShmlensSegmentList *self = user_data;
  const Column *column = g_object_get_qdata (G_OBJECT (factory), column_quark);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  ShmlensSegment *segment = gtk_list_item_get_item (item);

  column->update (label, segment);
  track_label (self, segment, label);
}

static void
on_cell_unbind (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  ShmlensSegmentList *self = user_data;
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  ShmlensSegment *segment = gtk_list_item_get_item (item);

  if (self->bound != NULL && segment != NULL)
    untrack_label (self, segment, label);
}

static void
on_segment_changed (ShmlensSegmentList *self,
                    ShmlensSegment     *segment)
{
  GPtrArray *labels = g_hash_table_lookup (self->bound, segment);

  self->segments_changed = TRUE;
  if (labels == NULL)
    return;
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);
      const Column *column = g_object_get_qdata (G_OBJECT (label), column_quark);
      column->update (label, segment);
    }
}

/* Sorting and filtering */

static GtkSorter *
column_sorter (ColumnId id)
{
  switch (id)
    {
    case COLUMN_NAME:
      return GTK_SORTER (gtk_string_sorter_new (
        segment_expression (G_TYPE_STRING, G_CALLBACK (segment_display_name))));
    case COLUMN_KIND:
      {
        /* Segments of one kind are many: within a kind, by name. */
        GtkMultiSorter *by_kind = gtk_multi_sorter_new ();
        gtk_multi_sorter_append (by_kind, GTK_SORTER (gtk_numeric_sorter_new (
          segment_expression (G_TYPE_UINT, G_CALLBACK (segment_kind)))));
        gtk_multi_sorter_append (by_kind, GTK_SORTER (gtk_string_sorter_new (
          segment_expression (G_TYPE_STRING, G_CALLBACK (segment_display_name)))));
        return GTK_SORTER (by_kind);
      }
    case COLUMN_SIZE:
      return GTK_SORTER (gtk_numeric_sorter_new (
        segment_expression (G_TYPE_UINT64, G_CALLBACK (segment_size))));
    case COLUMN_RESIDENT:
      return GTK_SORTER (gtk_numeric_sorter_new (
        segment_expression (G_TYPE_INT64, G_CALLBACK (segment_resident))));
    case COLUMN_OWNER:
      return GTK_SORTER (gtk_string_sorter_new (
        segment_expression (G_TYPE_STRING, G_CALLBACK (segment_owner))));
    case COLUMN_ATTACHED:
      return GTK_SORTER (gtk_numeric_sorter_new (
        segment_expression (G_TYPE_UINT, G_CALLBACK (segment_attached))));
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
kind_filter_match (gpointer item,
                   gpointer user_data)
{
  ShmlensSegmentList *self = user_data;

  return (shmlens_segment_get_kind (item) & self->kinds_shown) != 0;
}

/* After a refresh that updated segments in place: their sort keys and, when a search
 * is active, their matches may differ now. */
static void
resort_and_refilter (ShmlensSegmentList *self)
{
  const char *search = gtk_string_filter_get_search (self->name_filter);

  gtk_sorter_changed (self->tiebreak_sorter, GTK_SORTER_CHANGE_DIFFERENT);
  if (search != NULL && search[0] != '\0')
    gtk_filter_changed (self->kind_filter, GTK_FILTER_CHANGE_DIFFERENT);
}

/* What is shown */

static void
update_status (ShmlensSegmentList *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->catalog));
  guint skipped = shmlens_catalog_get_skipped_processes (self->catalog);
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  if (shown == total)
    count = g_strdup_printf (ngettext ("%u segment", "%u segments", total), total);
  else
    /* Translators: "3 of 12 segments" shown by the search and the kind filter */
    count = g_strdup_printf (ngettext ("%u of %u segment", "%u of %u segments", total),
                             shown, total);

  if (skipped > 0)
    {
      g_autofree char *hidden = g_strdup_printf (ngettext ("%u process not inspected",
                                                           "%u processes not inspected",
                                                           skipped),
                                                 skipped);
      text = g_strdup_printf ("%s · %s", count, hidden);
      gtk_widget_set_tooltip_text (self->footer,
                                   _("Processes of other users may not be inspected: "
                                     "what they map or hold is not counted, and a segment "
                                     "they hold may show as an orphan."));
    }
  else
    {
      text = g_steal_pointer (&count);
      gtk_widget_set_tooltip_text (self->footer, NULL);
    }
  gtk_label_set_text (GTK_LABEL (self->footer), text);

  if (shown > 0)
    gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "list");
  else
    {
      if (!self->have_refreshed)
        {
          gtk_label_set_text (GTK_LABEL (self->empty_title), _("Looking for Segments…"));
          gtk_label_set_text (GTK_LABEL (self->empty_description), "");
        }
      else if (total == 0)
        {
          gtk_label_set_text (GTK_LABEL (self->empty_title), _("No Shared Memory"));
          gtk_label_set_text (GTK_LABEL (self->empty_description),
                              _("No segment on this machine is visible to you."));
        }
      else
        {
          gtk_label_set_text (GTK_LABEL (self->empty_title), _("No Matching Segments"));
          gtk_label_set_text (GTK_LABEL (self->empty_description),
                              _("No segment matches this name and kind."));
        }
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
    }
}

/* Refreshing */

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  ShmlensSegmentList *self;

  /* Cancelled only by dispose: then the list may be gone. */
  if (!shmlens_catalog_refresh_finish (SHMLENS_CATALOG (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SHMLENS_SEGMENT_LIST (user_data);
  self->refreshing = FALSE;
  self->have_refreshed = TRUE;

  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The list cannot be refreshed: %s"),
                                                  error->message);
      gtk_label_set_text (GTK_LABEL (self->error_label), message);
      gtk_widget_set_visible (self->error_label, TRUE);
    }
  else
    gtk_widget_set_visible (self->error_label, FALSE);

  if (self->segments_changed)
    {
      self->segments_changed = FALSE;
      resort_and_refilter (self);
    }
  update_status (self);

  if (self->refresh_queued)
    {
      self->refresh_queued = FALSE;
      start_refresh (self);
      return;
    }
  g_signal_emit (self, signals[REFRESHED], 0);
}

static void
start_refresh (ShmlensSegmentList *self)
{
  if (self->refreshing)
    {
      self->refresh_queued = TRUE;
      return;
    }
  self->refreshing = TRUE;
  shmlens_catalog_refresh_async (self->catalog, self->cancellable, on_refreshed, self);
}

static gboolean
on_refresh_timeout (gpointer user_data)
{
  ShmlensSegmentList *self = user_data;

  /* A slow machine takes longer than the interval: skip a beat rather than queue. */
  if (!self->refreshing)
    start_refresh (self);
  return G_SOURCE_CONTINUE;
}

/* Activation and selection */

static void
emit_activated (ShmlensSegmentList *self,
                guint               position)
{
  g_autoptr(ShmlensSegment) segment = g_list_model_get_item (G_LIST_MODEL (self->selection),
                                                             position);
  if (segment != NULL)
    g_signal_emit (self, signals[SEGMENT_ACTIVATED], 0, segment);
}

static void
on_row_activated (ShmlensSegmentList *self,
                  guint               position)
{
  emit_activated (self, position);
}

static void
on_search_activated (ShmlensSegmentList *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  if (position == GTK_INVALID_LIST_POSITION)
    position = 0;
  emit_activated (self, position);
}

static void
on_search_changed (ShmlensSegmentList *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  gtk_string_filter_set_search (self->name_filter, text[0] != '\0' ? text : NULL);
}

static void
on_stop_search (ShmlensSegmentList *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
on_kind_selected (ShmlensSegmentList *self)
{
  GListModel *choices = gtk_drop_down_get_model (GTK_DROP_DOWN (self->kind_dropdown));
  guint index = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->kind_dropdown));
  guint kinds = index < g_list_model_get_n_items (choices) ? self->choice_kinds[index]
                                                          : SHMLENS_SEGMENT_KINDS_ALL;

  if (kinds == self->kinds_shown)
    return;
  self->kinds_shown = kinds;
  gtk_filter_changed (self->kind_filter, GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_selected_item_changed (ShmlensSegmentList *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_SEGMENT]);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ShmlensSegmentList *self = SHMLENS_SEGMENT_LIST (widget);

  gtk_widget_grab_focus (self->search_entry);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  shmlens_segment_list_refresh_now (SHMLENS_SEGMENT_LIST (widget));
}

/* The widget */

static void
shmlens_segment_list_map (GtkWidget *widget)
{
  ShmlensSegmentList *self = SHMLENS_SEGMENT_LIST (widget);

  GTK_WIDGET_CLASS (shmlens_segment_list_parent_class)->map (widget);

  if (!self->refreshing)
    start_refresh (self);
  if (self->timeout_id == 0)
    self->timeout_id = g_timeout_add_seconds (REFRESH_INTERVAL_SECONDS, on_refresh_timeout, self);
}

static void
shmlens_segment_list_unmap (GtkWidget *widget)
{
  ShmlensSegmentList *self = SHMLENS_SEGMENT_LIST (widget);

  g_clear_handle_id (&self->timeout_id, g_source_remove);

  GTK_WIDGET_CLASS (shmlens_segment_list_parent_class)->unmap (widget);
}

static void
shmlens_segment_list_dispose (GObject *object)
{
  ShmlensSegmentList *self = SHMLENS_SEGMENT_LIST (object);
  GtkWidget *child;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->catalog != NULL)
    g_signal_handlers_disconnect_by_data (self->catalog, self);

  /* Tearing the column view down changes its sorter, and so the model: nothing of
   * the list may listen any more. Unbinding the rows needs the table: it goes in
   * finalize. */
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->selection);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->name_filter);
  g_clear_object (&self->kind_filter);
  g_clear_object (&self->tiebreak_sorter);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (shmlens_segment_list_parent_class)->dispose (object);
}

static void
shmlens_segment_list_finalize (GObject *object)
{
  ShmlensSegmentList *self = SHMLENS_SEGMENT_LIST (object);

  g_clear_pointer (&self->bound, g_hash_table_unref);

  G_OBJECT_CLASS (shmlens_segment_list_parent_class)->finalize (object);
}

static void
shmlens_segment_list_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ShmlensSegmentList *self = SHMLENS_SEGMENT_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED_SEGMENT:
      g_value_set_object (value, shmlens_segment_list_get_selected_segment (self));
      break;
    case PROP_SHOW_RESIDENT:
      g_value_set_boolean (value, shmlens_segment_list_get_show_resident (self));
      break;
    case PROP_KINDS:
      g_value_set_uint (value, shmlens_segment_list_get_kinds (self));
      break;
    case PROP_SHOW_OWNER:
      g_value_set_boolean (value, shmlens_segment_list_get_show_owner (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_segment_list_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ShmlensSegmentList *self = SHMLENS_SEGMENT_LIST (object);

  switch (prop_id)
    {
    case PROP_SHOW_RESIDENT:
      shmlens_segment_list_set_show_resident (self, g_value_get_boolean (value));
      break;
    case PROP_KINDS:
      shmlens_segment_list_set_kinds (self, g_value_get_uint (value));
      break;
    case PROP_SHOW_OWNER:
      shmlens_segment_list_set_show_owner (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_segment_list_class_init (ShmlensSegmentListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmlens_segment_list_dispose;
  object_class->finalize = shmlens_segment_list_finalize;
  object_class->get_property = shmlens_segment_list_get_property;
  object_class->set_property = shmlens_segment_list_set_property;

  widget_class->map = shmlens_segment_list_map;
  widget_class->unmap = shmlens_segment_list_unmap;

  column_quark = g_quark_from_static_string ("shmlens-segment-list-column");

  /**
   * ShmlensSegmentList:selected-segment:
   *
   * The selected segment, or %NULL.
   */
  properties[PROP_SELECTED_SEGMENT] =
    g_param_spec_object ("selected-segment", NULL, NULL, SHMLENS_TYPE_SEGMENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ShmlensSegmentList:show-resident:
   *
   * Whether the Resident column is shown. Off by default: six columns do not fit a
   * sidebar of 400 pixels with the names still readable.
   */
  properties[PROP_SHOW_RESIDENT] =
    g_param_spec_boolean ("show-resident", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ShmlensSegmentList:show-owner:
   *
   * Whether the Owner column is shown. Off by default, like #ShmlensSegmentList:show-resident.
   */
  properties[PROP_SHOW_OWNER] =
    g_param_spec_boolean ("show-owner", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ShmlensSegmentList:kinds:
   *
   * The #ShmlensSegmentKind bits of the segments listed: kinds left out are not
   * looked for at all, and the kind filter does not offer them.
   */
  properties[PROP_KINDS] =
    g_param_spec_uint ("kinds", NULL, NULL, 0, SHMLENS_SEGMENT_KINDS_ALL, SHMLENS_SEGMENT_KINDS_ALL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShmlensSegmentList::segment-activated:
   * @list: the segment list
   * @segment: the segment of the activated row
   *
   * A row was activated: double-click, Enter on the row, or Enter in the search entry.
   */
  signals[SEGMENT_ACTIVATED] =
    g_signal_new ("segment-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, SHMLENS_TYPE_SEGMENT);

  /**
   * ShmlensSegmentList::refreshed:
   * @list: the segment list
   *
   * A refresh finished and its result is in the model. Not emitted while another
   * refresh is queued behind it by shmlens_segment_list_refresh_now().
   */
  signals[REFRESHED] =
    g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "segment-list.focus-search", NULL,
                                   focus_search_action);
  gtk_widget_class_install_action (widget_class, "segment-list.refresh", NULL,
                                   refresh_action);
  gtk_widget_class_install_property_action (widget_class, "segment-list.show-resident",
                                            "show-resident");
  gtk_widget_class_install_property_action (widget_class, "segment-list.show-owner",
                                            "show-owner");

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "shmlens-segment-list");
}

/* The drop-down offers the kinds the catalog lists (see the "kinds" property), and
 * keeps the kind chosen if it is still among them. */
static void
update_kind_choices (ShmlensSegmentList *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  guint listed = shmlens_catalog_get_kinds (self->catalog);
  guint chosen = self->kinds_shown;
  guint n = 0, selected = 0;

  for (guint i = 0; i < G_N_ELEMENTS (kind_choices); i++)
    {
      if (kind_choices[i].kinds != SHMLENS_SEGMENT_KINDS_ALL && !(kind_choices[i].kinds & listed))
        continue;
      if (kind_choices[i].kinds == chosen)
        selected = n;
      self->choice_kinds[n++] = kind_choices[i].kinds;
      gtk_string_list_append (labels, _(kind_choices[i].label));
    }
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->kind_dropdown), G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->kind_dropdown), selected);
  on_kind_selected (self);
}

static GtkWidget *
build_header (ShmlensSegmentList *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  self->search_entry = gtk_search_entry_new ();
  gtk_widget_set_hexpand (self->search_entry, TRUE);
  g_object_set (self->search_entry, "placeholder-text", _("Search by name"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search segments by name"),
                                  -1);
  g_signal_connect_swapped (self->search_entry, "search-changed",
                            G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->search_entry, "activate",
                            G_CALLBACK (on_search_activated), self);
  g_signal_connect_swapped (self->search_entry, "stop-search",
                            G_CALLBACK (on_stop_search), self);
  gtk_box_append (GTK_BOX (box), self->search_entry);

  self->kind_dropdown = gtk_drop_down_new (NULL, NULL);
  update_kind_choices (self);
  gtk_widget_set_tooltip_text (self->kind_dropdown, _("Show only segments of this kind"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->kind_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Kind"), -1);
  g_signal_connect_swapped (self->kind_dropdown, "notify::selected",
                            G_CALLBACK (on_kind_selected), self);
  gtk_box_append (GTK_BOX (box), self->kind_dropdown);

  return box;
}

static GtkWidget *
build_column_view (ShmlensSegmentList *self)
{
  GtkWidget *view = gtk_column_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)));
  g_autoptr(GtkMultiSorter) sorter = gtk_multi_sorter_new ();
  g_autoptr(GMenu) header_menu = g_menu_new ();
  g_autoptr(GMenu) optional_columns = g_menu_new ();

  /* A right click on any column header offers the optional columns. */
  g_menu_append (optional_columns, _("Resident"), "segment-list.show-resident");
  g_menu_append (optional_columns, _("Owner"), "segment-list.show-owner");
  g_menu_append_section (header_menu, _("Show Columns"), G_MENU_MODEL (optional_columns));

  gtk_widget_add_css_class (view, "data-table");
  gtk_column_view_set_reorderable (GTK_COLUMN_VIEW (view), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Segments"), -1);
  g_signal_connect_swapped (view, "activate", G_CALLBACK (on_row_activated), self);

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      const Column *column = &columns[i];
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *view_column;
      g_autoptr(GtkSorter) sorter_of_column = column_sorter (column->id);

      g_object_set_qdata (G_OBJECT (factory), column_quark, (gpointer) column);
      g_signal_connect (factory, "setup", G_CALLBACK (on_cell_setup), self);
      g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (on_cell_unbind), self);

      view_column = gtk_column_view_column_new (_(column->title), factory);
      gtk_column_view_column_set_sorter (view_column, sorter_of_column);
      gtk_column_view_column_set_resizable (view_column, TRUE);
      gtk_column_view_column_set_expand (view_column, column->id == COLUMN_NAME);
      gtk_column_view_column_set_header_menu (view_column, G_MENU_MODEL (header_menu));
      gtk_column_view_column_set_visible (view_column, column->id != COLUMN_RESIDENT &&
                                                       column->id != COLUMN_OWNER);
      gtk_column_view_append_column (GTK_COLUMN_VIEW (view), view_column);
      self->columns[column->id] = view_column;
      g_object_unref (view_column);
    }

  /* sort_by_column() replaces every sort column (a click on a header adds one, the
   * earlier ones staying as tiebreaks), so "kind, then name" is the Kind column's own
   * sorter. */
  gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (view), self->columns[COLUMN_KIND],
                                  GTK_SORT_ASCENDING);

  gtk_multi_sorter_append (sorter, g_object_ref (gtk_column_view_get_sorter (GTK_COLUMN_VIEW (view))));
  gtk_multi_sorter_append (sorter, g_object_ref (self->tiebreak_sorter));
  gtk_sort_list_model_set_sorter (self->sort_model, GTK_SORTER (sorter));

  return view;
}

static GtkWidget *
build_empty_page (ShmlensSegmentList *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);

  self->empty_title = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->empty_title, "title-4");
  gtk_label_set_wrap (GTK_LABEL (self->empty_title), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->empty_title), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (box), self->empty_title);

  self->empty_description = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->empty_description, "dim-label");
  gtk_label_set_wrap (GTK_LABEL (self->empty_description), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->empty_description), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (box), self->empty_description);

  return box;
}

static void
shmlens_segment_list_init (ShmlensSegmentList *self)
{
  GtkWidget *scroller;
  GtkFilter *every;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  self->bound = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->cancellable = g_cancellable_new ();
  self->kinds_shown = SHMLENS_SEGMENT_KINDS_ALL;

  self->catalog = shmlens_catalog_new (SHMLENS_SEGMENT_KINDS_ALL);
  g_signal_connect_swapped (self->catalog, "segment-changed", G_CALLBACK (on_segment_changed),
                            self);

  self->name_filter = gtk_string_filter_new (
    segment_expression (G_TYPE_STRING, G_CALLBACK (segment_display_name)));
  gtk_string_filter_set_ignore_case (self->name_filter, TRUE);
  gtk_string_filter_set_match_mode (self->name_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  self->kind_filter = GTK_FILTER (gtk_custom_filter_new (kind_filter_match, self, NULL));
  every = GTK_FILTER (gtk_every_filter_new ());
  gtk_multi_filter_append (GTK_MULTI_FILTER (every), g_object_ref (GTK_FILTER (self->name_filter)));
  gtk_multi_filter_append (GTK_MULTI_FILTER (every), g_object_ref (self->kind_filter));
  self->filter_model = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->catalog)),
                                                  every);

  self->tiebreak_sorter = GTK_SORTER (gtk_string_sorter_new (
    segment_expression (G_TYPE_STRING, G_CALLBACK (segment_ref))));
  gtk_string_sorter_set_ignore_case (GTK_STRING_SORTER (self->tiebreak_sorter), FALSE);
  self->sort_model = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filter_model)),
                                              NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sort_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (on_selected_item_changed), self);
  g_signal_connect_swapped (self->selection, "items-changed", G_CALLBACK (update_status), self);

  gtk_widget_set_parent (build_header (self), GTK_WIDGET (self));

  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->error_label), 0.0);
  gtk_widget_add_css_class (self->error_label, "shmlens-banner");
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  gtk_widget_set_parent (self->error_label, GTK_WIDGET (self));

  self->column_view = build_column_view (self);
  scroller = gtk_scrolled_window_new ();
  /* Names are ellipsized to the width the sidebar has, never scrolled sideways. */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->column_view);

  self->stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->stack, TRUE);
  gtk_stack_add_named (GTK_STACK (self->stack), scroller, "list");
  gtk_stack_add_named (GTK_STACK (self->stack), build_empty_page (self), "empty");
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));

  self->footer = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->footer), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (self->footer), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->footer, "dim-label");
  gtk_widget_add_css_class (self->footer, "caption");
  gtk_widget_set_margin_start (self->footer, 8);
  gtk_widget_set_margin_end (self->footer, 8);
  gtk_widget_set_margin_top (self->footer, 4);
  gtk_widget_set_margin_bottom (self->footer, 4);
  gtk_widget_set_parent (self->footer, GTK_WIDGET (self));

  update_status (self);
}

/**
 * shmlens_segment_list_new:
 *
 * Returns: a new, empty segment list; it fills when it is first mapped
 */
GtkWidget *
shmlens_segment_list_new (void)
{
  return g_object_new (SHMLENS_TYPE_SEGMENT_LIST, NULL);
}

/**
 * shmlens_segment_list_get_catalog:
 * @self: a segment list
 *
 * Returns: (transfer none): the catalog the list shows, of every kind
 */
ShmlensCatalog *
shmlens_segment_list_get_catalog (ShmlensSegmentList *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_LIST (self), NULL);
  return self->catalog;
}

/**
 * shmlens_segment_list_get_model:
 * @self: a segment list
 *
 * Returns: (transfer none): the rows as shown: filtered, sorted, with the selection
 *   (a #GtkSingleSelection of #ShmlensSegment)
 */
GListModel *
shmlens_segment_list_get_model (ShmlensSegmentList *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_LIST (self), NULL);
  return G_LIST_MODEL (self->selection);
}

/**
 * shmlens_segment_list_refresh_now:
 * @self: a segment list
 *
 * Refreshes at once instead of at the next tick, e.g. after creating a segment. If a
 * refresh is running, another follows it, since the running one may have looked
 * before the change; ::refreshed is emitted after that one.
 */
void
shmlens_segment_list_refresh_now (ShmlensSegmentList *self)
{
  g_return_if_fail (SHMLENS_IS_SEGMENT_LIST (self));
  start_refresh (self);
}

/**
 * shmlens_segment_list_get_selected_segment:
 * @self: a segment list
 *
 * Returns: (transfer none) (nullable): the selected segment
 */
ShmlensSegment *
shmlens_segment_list_get_selected_segment (ShmlensSegmentList *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_LIST (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

/**
 * shmlens_segment_list_select_segment:
 * @self: a segment list
 * @segment: a segment of the list's catalog
 *
 * Selects @segment's row, if the search and the kind filter show it.
 *
 * Returns: whether the row was found and selected
 */
gboolean
shmlens_segment_list_select_segment (ShmlensSegmentList *self,
                                     ShmlensSegment     *segment)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (SHMLENS_IS_SEGMENT_LIST (self), FALSE);
  g_return_val_if_fail (SHMLENS_IS_SEGMENT (segment), FALSE);

  model = G_LIST_MODEL (self->selection);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShmlensSegment) item = g_list_model_get_item (model, i);
      if (item == segment)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * shmlens_segment_list_get_show_resident:
 * @self: a segment list
 *
 * Returns: whether the Resident column is shown
 */
gboolean
shmlens_segment_list_get_show_resident (ShmlensSegmentList *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_LIST (self), FALSE);
  return gtk_column_view_column_get_visible (self->columns[COLUMN_RESIDENT]);
}

/**
 * shmlens_segment_list_set_show_resident:
 * @self: a segment list
 * @show: whether to show the Resident column
 */
void
shmlens_segment_list_set_show_resident (ShmlensSegmentList *self,
                                        gboolean            show)
{
  g_return_if_fail (SHMLENS_IS_SEGMENT_LIST (self));

  show = !!show;
  if (show == shmlens_segment_list_get_show_resident (self))
    return;
  gtk_column_view_column_set_visible (self->columns[COLUMN_RESIDENT], show);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_RESIDENT]);
}

/**
 * shmlens_segment_list_get_show_owner:
 * @self: a segment list
 *
 * Returns: whether the Owner column is shown
 */
gboolean
shmlens_segment_list_get_show_owner (ShmlensSegmentList *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_LIST (self), FALSE);
  return gtk_column_view_column_get_visible (self->columns[COLUMN_OWNER]);
}

/**
 * shmlens_segment_list_set_show_owner:
 * @self: a segment list
 * @show: whether to show the Owner column
 */
void
shmlens_segment_list_set_show_owner (ShmlensSegmentList *self,
                                     gboolean            show)
{
  g_return_if_fail (SHMLENS_IS_SEGMENT_LIST (self));

  show = !!show;
  if (show == shmlens_segment_list_get_show_owner (self))
    return;
  gtk_column_view_column_set_visible (self->columns[COLUMN_OWNER], show);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_OWNER]);
}

/**
 * shmlens_segment_list_get_kinds:
 * @self: a segment list
 *
 * Returns: the #ShmlensSegmentKind bits of the segments listed
 */
guint
shmlens_segment_list_get_kinds (ShmlensSegmentList *self)
{
  g_return_val_if_fail (SHMLENS_IS_SEGMENT_LIST (self), 0);
  return shmlens_catalog_get_kinds (self->catalog);
}

/**
 * shmlens_segment_list_set_kinds:
 * @self: a segment list
 * @kinds: the #ShmlensSegmentKind bits of the segments to list
 *
 * Lists only segments of @kinds, from a refresh started at once.
 */
void
shmlens_segment_list_set_kinds (ShmlensSegmentList *self,
                                guint               kinds)
{
  g_return_if_fail (SHMLENS_IS_SEGMENT_LIST (self));

  kinds &= SHMLENS_SEGMENT_KINDS_ALL;
  if (kinds == shmlens_catalog_get_kinds (self->catalog))
    return;
  shmlens_catalog_set_kinds (self->catalog, kinds);
  update_kind_choices (self);
  shmlens_segment_list_refresh_now (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KINDS]);
}
