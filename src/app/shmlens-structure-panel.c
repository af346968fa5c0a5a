/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-structure-panel.c: the segment as the fields of a C struct, live.
 *
 * A layout (a header opened from disk, or text written in the panel's editor) is laid
 * over the segment at an offset, one record or several in a row, and shown as a tree:
 * a GtkColumnView over a GtkTreeListModel whose rows are StructNode items. A node's
 * children are made when the tree first asks for them (on expansion, or to draw an
 * expander arrow), and arrays longer than MAX_CHILDREN are split into nested ranges
 * ("[0…99]"), so that no expansion makes more than a few hundred rows, whatever the
 * array's length.
 *
 * The page reads the bytes get_range() names and hands them to refresh(); the panel
 * never reads a segment. Each refresh formats only the values of rows that have
 * widgets (those on screen), with the engine's leaf formatting into one reused
 * GString. A value whose text differs from the last one shown for the same row lights
 * up and fades out in steps (shmlens-highlight.c), on the caller's clock as the data
 * inspector does.
 *
 * Value labels carry their field's path ("clients[2].heartbeat") as their accessible
 * name and the value as their text, so that a screen reader (and the end-to-end
 * tests) can find any field and read it. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "shmlens-a11y.h"
#include "shmlens-layout.h"
#include "shmlens-decode.h"
#include "shmlens-escape.h"
#include "shmlens-highlight.h"
#include "shmlens-size.h"
#include "shmlens-structure-panel.h"

/* The editor's text is parsed once typing pauses this long. */
#define REPARSE_DELAY_MS 300
/* A file written in several steps is read again once, after the last. */
#define RELOAD_DELAY_MS 150
/* At most this many children per row; longer arrays are split into ranges of a
 * power of RANGE_BASE elements. */
#define MAX_CHILDREN 256
#define RANGE_BASE 100
/* A placement up to this size is read whole each refresh; beyond, only what rows on
 * screen and watched fields need. */
#define WHOLE_RANGE_LIMIT (64 * 1024)

/* Translators: the name of a layout written in the panel rather than opened, as a
 * file name: error messages start with it ("untitled.h:3:5: expected ';'") */
#define UNTITLED _("untitled.h")

#define EXAMPLE_LAYOUT \
  "#include <stdint.h>\n" \
  "\n" \
  "struct record {\n" \
  "    uint32_t counter;\n" \
  "    uint32_t flags;\n" \
  "};\n"

/* ------------------------------------------------------------------------------------
 * Rows
 * ------------------------------------------------------------------------------------ */

typedef enum
{
  NODE_VALUE,   /* a member, an array element or a record */
  NODE_RANGE,   /* elements first … first + n_elements - 1 of a long array */
} NodeKind;

#define SHMLENS_TYPE_STRUCT_NODE (shmlens_struct_node_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensStructNode, shmlens_struct_node, SHMLENS, STRUCT_NODE, GObject)

struct _ShmlensStructNode
{
  GObject parent_instance;

  NodeKind kind;
  gboolean anonymous;      /* a struct or union member without a name */
  char *name;              /* what the Name column shows: "heartbeat", "[2]", "[0…99]" */
  char *path;              /* the engine's path; a range or an anonymous member has its
                            * array's or its parent's */
  char *key;               /* unique in the tree, and the same after a rebuild */
  char *accessible_name;   /* the value label's name: the path, made unique */
  ShmlensType *type;       /* VALUE: as declared; RANGE: the element type */
  ShmlensLeaf leaf;        /* offsets from the start of the segment; a RANGE's span */

  /* RANGE */
  guint64 base;            /* where element 0 starts */
  guint64 stride;
  guint64 first;
  guint64 n_elements;

  GListModel *children;    /* made on first request; NULL for leaves */
  gboolean children_made;

  /* what was last shown */
  GtkLabel *value_label;   /* not a reference: the label while the row is bound */
  char *text;
  guint epoch;             /* the panel's format epoch @text was made in */
  gint64 changed_at;       /* on the caller's clock; 0 when not highlighted */
};

G_DEFINE_FINAL_TYPE (ShmlensStructNode, shmlens_struct_node, G_TYPE_OBJECT)

static void
shmlens_struct_node_finalize (GObject *object)
{
  ShmlensStructNode *self = SHMLENS_STRUCT_NODE (object);

  g_clear_object (&self->children);
  g_clear_pointer (&self->type, shmlens_type_unref);
  g_free (self->name);
  g_free (self->path);
  g_free (self->key);
  g_free (self->accessible_name);
  g_free (self->text);

  G_OBJECT_CLASS (shmlens_struct_node_parent_class)->finalize (object);
}

static void
shmlens_struct_node_class_init (ShmlensStructNodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = shmlens_struct_node_finalize;
}

static void
shmlens_struct_node_init (ShmlensStructNode *self)
{
}

/* Takes @name, @path and @key. */
static ShmlensStructNode *
node_new (NodeKind     kind,
          ShmlensType *type,
          char        *name,
          char        *path,
          char        *key)
{
  ShmlensStructNode *node = g_object_new (SHMLENS_TYPE_STRUCT_NODE, NULL);

  node->kind = kind;
  node->type = shmlens_type_ref (type);
  node->name = name;
  node->path = path;
  node->key = key;
  return node;
}

static ShmlensStructNode *
node_new_element (ShmlensType *type,
                  guint64      offset,
                  const char  *name,
                  char        *path)
{
  ShmlensStructNode *node = node_new (NODE_VALUE, type, g_strdup (name), path, g_strdup (path));

  shmlens_leaf_init (&node->leaf, type, offset);
  node->leaf.path = node->path;
  node->accessible_name = g_strdup (*path != '\0' ? path : name);
  return node;
}

static ShmlensStructNode *
node_new_range (ShmlensType *element_type,
                guint64      base,
                guint64      stride,
                guint64      first,
                guint64      n_elements,
                const char  *array_path,
                const char  *array_key)
{
  char *name = g_strdup_printf ("[%" G_GUINT64_FORMAT "\xe2\x80\xa6%" G_GUINT64_FORMAT "]",
                                first, first + n_elements - 1);
  ShmlensStructNode *node = node_new (NODE_RANGE, element_type, name, g_strdup (array_path),
                                      g_strconcat (array_key, name, NULL));

  node->base = base;
  node->stride = stride;
  node->first = first;
  node->n_elements = n_elements;
  node->leaf.kind = SHMLENS_VALUE_KIND_NONE;
  node->leaf.type = element_type;
  node->leaf.offset = base + first * stride;
  node->leaf.size = n_elements * stride;
  node->accessible_name = g_strconcat (array_path, name, NULL);
  return node;
}

static gboolean
node_has_value (ShmlensStructNode *node)
{
  return node->leaf.kind != SHMLENS_VALUE_KIND_NONE;
}

static gboolean
leaf_is_numeric (const ShmlensLeaf *leaf)
{
  switch (leaf->kind)
    {
    case SHMLENS_VALUE_KIND_SIGNED:
    case SHMLENS_VALUE_KIND_UNSIGNED:
    case SHMLENS_VALUE_KIND_CHAR:
    case SHMLENS_VALUE_KIND_BOOL:
    case SHMLENS_VALUE_KIND_ENUM:
    case SHMLENS_VALUE_KIND_FLOAT:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
node_is_numeric (ShmlensStructNode *node)
{
  return leaf_is_numeric (&node->leaf);
}

/* Elements @first … @first + @n - 1 of an array: one row each, or ranges of them. */
static void
append_elements (GListStore  *store,
                 ShmlensType *element_type,
                 guint64      base,
                 guint64      stride,
                 guint64      first,
                 guint64      n,
                 const char  *array_path,
                 const char  *array_key)
{
  guint64 chunk = RANGE_BASE;

  if (n <= MAX_CHILDREN)
    {
      for (guint64 i = first; i < first + n; i++)
        {
          char name[32];
          g_autoptr(ShmlensStructNode) node = NULL;

          g_snprintf (name, sizeof name, "[%" G_GUINT64_FORMAT "]", i);
          node = node_new_element (element_type, base + i * stride, name,
                                   g_strconcat (array_path, name, NULL));
          g_list_store_append (store, node);
        }
      return;
    }

  while ((n - 1) / chunk >= MAX_CHILDREN)
    chunk *= RANGE_BASE;
  for (guint64 done = 0; done < n; done += chunk)
    {
      g_autoptr(ShmlensStructNode) node =
        node_new_range (element_type, base, stride, first + done, MIN (chunk, n - done),
                        array_path, array_key);
      g_list_store_append (store, node);
    }
}

static char *
join_path (const char *path,
           const char *member)
{
  return *path == '\0' ? g_strdup (member) : g_strconcat (path, ".", member, NULL);
}

static void
append_members (GListStore        *store,
                ShmlensStructNode *parent)
{
  ShmlensType *type = parent->type;
  guint n_fields = shmlens_type_get_n_fields (type);

  for (guint i = 0; i < n_fields; i++)
    {
      const ShmlensField *field = shmlens_type_get_field (type, i);
      g_autoptr(ShmlensStructNode) node = NULL;

      if (field->name == NULL && field->is_bitfield)
        continue;   /* padding between bit-fields: nothing to show */

      if (field->name != NULL)
        {
          char *path = join_path (parent->path, field->name);

          node = node_new (NODE_VALUE, field->type, g_strdup (field->name), path, g_strdup (path));
          node->accessible_name = g_strdup (path);
        }
      else
        {
          const char *name = shmlens_type_get_kind (field->type) == SHMLENS_TYPE_KIND_UNION
                             ? _("(anonymous union)") : _("(anonymous struct)");

          node = node_new (NODE_VALUE, field->type, g_strdup (name), g_strdup (parent->path),
                           g_strdup_printf ("%s{%u}", parent->key, i));
          node->anonymous = TRUE;
          node->accessible_name = *parent->path != '\0'
                                  ? g_strdup_printf ("%s %s", parent->path, name)
                                  : g_strdup (name);
        }
      shmlens_leaf_init_field (&node->leaf, field, parent->leaf.offset);
      node->leaf.path = node->path;
      g_list_store_append (store, node);
    }
}

/* Returns: (transfer none) (nullable): the node's children, made on the first call */
static GListModel *
node_get_children (ShmlensStructNode *node)
{
  g_autoptr(GListStore) store = NULL;

  if (node->children_made)
    return node->children;
  node->children_made = TRUE;

  store = g_list_store_new (SHMLENS_TYPE_STRUCT_NODE);
  if (node->kind == NODE_RANGE)
    append_elements (store, node->type, node->base, node->stride, node->first, node->n_elements,
                     node->path, node->key);
  else
    switch (shmlens_type_get_kind (node->type))
      {
      case SHMLENS_TYPE_KIND_STRUCT:
      case SHMLENS_TYPE_KIND_UNION:
        append_members (store, node);
        break;

      case SHMLENS_TYPE_KIND_ARRAY:
        /* a string is one value, not its characters */
        if (node->leaf.kind != SHMLENS_VALUE_KIND_STRING && shmlens_type_get_element_count (node->type) > 0)
          {
            ShmlensType *element_type = shmlens_type_get_element_type (node->type);

            append_elements (store, element_type, node->leaf.offset,
                             shmlens_type_get_size (element_type), 0,
                             shmlens_type_get_element_count (node->type), node->path, node->key);
          }
        break;

      default:
        break;
      }

  if (g_list_model_get_n_items (G_LIST_MODEL (store)) > 0)
    node->children = G_LIST_MODEL (g_steal_pointer (&store));
  return node->children;
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  GListModel *children = node_get_children (item);

  return children != NULL ? g_object_ref (children) : NULL;
}

static ShmlensStructNode *
row_get_node (GtkTreeListRow *row)
{
  ShmlensStructNode *node = gtk_tree_list_row_get_item (row);

  /* the row keeps its item: no reference needed for as long as the row lives */
  g_object_unref (node);
  return node;
}

/* ------------------------------------------------------------------------------------
 * The panel
 * ------------------------------------------------------------------------------------ */

typedef struct
{
  ShmlensLeaf leaf;   /* offsets from the start of the segment; no path */
} WatchedField;

struct _ShmlensStructurePanel
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkDropDown *type_dropdown;
  GtkToggleButton *edit_button;
  GtkToggleButton *hex_button;
  GtkWidget *placement_box;
  GtkEntry *offset_entry;
  GtkSpinButton *count_spin;
  GtkLabel *source_label;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkRevealer *editor_revealer;
  GtkTextView *editor;
  GtkLabel *editor_status;
  GtkStack *stack;
  GtkColumnView *column_view;

  GtkStringList *type_names;
  GtkSingleSelection *selection;
  GtkTreeListModel *tree;
  GtkTextTag *error_tag;
  GtkFileChooserNative *chooser;
  GtkWidget *menu;
  GSimpleActionGroup *actions;

  /* the layout shown, and where it came from */
  ShmlensLayout *layout;
  char *layout_text;
  char *display_name;       /* the file's name, or the name given with the text */
  char *layout_name;        /* the name of the layout shown: display_name when it parsed */
  GFile *file;
  GFileMonitor *monitor;
  gboolean edited;          /* the editor holds a file's text, changed by hand */
  char *error;
  gboolean error_in_editor; /* the error is the editor's text's, which shows it too */
  guint reload_source;
  guint reparse_source;

  ShmlensType *type;
  char *type_name;          /* the type shown */
  char *wanted_type_name;   /* the type asked for, shown whenever the layout has it */
  guint64 offset;
  guint64 count;
  gboolean hex;

  /* live values */
  GHashTable *bound;        /* ShmlensStructNode (a reference) → itself: rows on screen */
  GHashTable *highlighted;  /* ShmlensStructNode (a reference) → itself */
  GHashTable *watched;      /* path → WatchedField */
  GByteArray *bytes;
  guint64 bytes_offset;
  gboolean has_bytes;
  GString *scratch;
  guint epoch;              /* changes whenever the same bytes would format differently */
  gint64 clock_skew;        /* g_get_monotonic_time () minus the caller's now_us */
  guint highlight_source;
  gint64 fade_us;           /* how long a highlight lasts; 0: values are not highlighted */

  ShmlensStructNode *selected;  /* the row selected, as last seen */
  gboolean selecting;       /* selecting for select_offset() or a rebuild: no signal */
  gboolean updating;        /* setting widgets from code: not the user's doing */
};

enum
{
  PROP_0,
  PROP_FILE,
  PROP_TYPE_NAME,
  PROP_OFFSET,
  PROP_COUNT,
  PROP_HEX,
  PROP_HAS_LAYOUT,
  PROP_FADE_TIME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  FIELD_SELECTED,
  FIELD_WATCH_TOGGLED,
  LAYOUT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShmlensStructurePanel, shmlens_structure_panel, GTK_TYPE_WIDGET)

static ShmlensFormatFlags
format_flags (ShmlensStructurePanel *self)
{
  return self->hex ? SHMLENS_FORMAT_HEX : SHMLENS_FORMAT_DEFAULT;
}

/* The records that fit below the end of a 64-bit offset: all of them, unless the
 * placement is absurd. */
static guint64
placed_count (ShmlensStructurePanel *self)
{
  guint64 size = self->type != NULL ? shmlens_type_get_size (self->type) : 0;

  if (size == 0)
    return self->count;
  return MIN (self->count, (G_MAXUINT64 - self->offset) / size);
}

static guint64
placement_size (ShmlensStructurePanel *self)
{
  if (self->type == NULL)
    return 0;
  return shmlens_type_get_size (self->type) * placed_count (self);
}

/* ---- values and their highlight ---- */

/* GtkLabel (GTK 4.8) makes its text its accessible label on every change of text, so
 * the field's path is put back each time. */
static void
set_value_text (GtkLabel   *label,
                const char *text,
                const char *accessible_name)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) == 0)
    return;
  gtk_label_set_text (label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);
}

static gboolean
bytes_hold (ShmlensStructurePanel *self,
            const ShmlensLeaf     *leaf)
{
  return self->has_bytes && leaf->offset >= self->bytes_offset &&
         leaf->size <= self->bytes->len &&
         leaf->offset - self->bytes_offset <= self->bytes->len - leaf->size;
}

static void
unhighlight (ShmlensStructurePanel *self,
             ShmlensStructNode     *node)
{
  node->changed_at = 0;
  if (node->value_label != NULL)
    shmlens_highlight_clear (GTK_WIDGET (node->value_label));
  g_hash_table_remove (self->highlighted, node);
}

static void
clear_highlights (ShmlensStructurePanel *self)
{
  GHashTableIter iter;
  ShmlensStructNode *node;

  g_hash_table_iter_init (&iter, self->highlighted);
  while (g_hash_table_iter_next (&iter, (gpointer *) &node, NULL))
    {
      node->changed_at = 0;
      if (node->value_label != NULL)
        shmlens_highlight_clear (GTK_WIDGET (node->value_label));
      g_hash_table_iter_remove (&iter);
    }
  g_clear_handle_id (&self->highlight_source, g_source_remove);
}

/* Moves every highlight on to its step at @now_us, removes those that are over, and
 * returns when the next step of one begins, or 0 when none is left. */
static gint64
expire_highlights (ShmlensStructurePanel *self,
                   gint64                 now_us)
{
  g_autoptr(GPtrArray) over = g_ptr_array_new ();
  GHashTableIter iter;
  ShmlensStructNode *node;
  gint64 next_end = 0;

  g_hash_table_iter_init (&iter, self->highlighted);
  while (g_hash_table_iter_next (&iter, (gpointer *) &node, NULL))
    {
      gint64 next_step = 0;

      if (node->value_label != NULL)
        next_step = shmlens_highlight_update (GTK_WIDGET (node->value_label), node->changed_at,
                                              now_us, self->fade_us);
      else if (now_us - node->changed_at < self->fade_us)
        next_step = node->changed_at + self->fade_us;   /* off screen */
      if (next_step == 0)
        g_ptr_array_add (over, node);
      else if (next_end == 0 || next_step < next_end)
        next_end = next_step;
    }
  for (guint i = 0; i < over->len; i++)
    unhighlight (self, g_ptr_array_index (over, i));
  return next_end;
}

static void schedule_highlight_end (ShmlensStructurePanel *self,
                                    gint64                 now_us);

static gboolean
highlight_timeout_cb (gpointer user_data)
{
  ShmlensStructurePanel *self = user_data;

  self->highlight_source = 0;
  schedule_highlight_end (self, g_get_monotonic_time () - self->clock_skew);
  return G_SOURCE_REMOVE;
}

static void
schedule_highlight_end (ShmlensStructurePanel *self,
                        gint64                 now_us)
{
  gint64 next_end = expire_highlights (self, now_us);

  g_clear_handle_id (&self->highlight_source, g_source_remove);
  if (next_end == 0)
    return;
  self->highlight_source = g_timeout_add (shmlens_highlight_timeout (next_end, now_us,
                                                                     self->fade_us),
                                          highlight_timeout_cb, self);
  g_source_set_name_by_id (self->highlight_source, "[shmlens] structure highlight");
}

/* Shows @node's value from the last bytes. With @now_us not 0, a value that differs
 * from the one shown before in the same format lights up. */
static void
update_value (ShmlensStructurePanel *self,
              ShmlensStructNode     *node,
              gint64                 now_us)
{
  if (!node_has_value (node) || node->value_label == NULL)
    return;

  if (!bytes_hold (self, &node->leaf))
    {
      /* not read: past the segment's end, or a row that came on screen since */
      g_clear_pointer (&node->text, g_free);
      set_value_text (node->value_label, self->has_bytes ? SHMLENS_DECODE_UNAVAILABLE : "",
                      node->accessible_name);
      return;
    }

  g_string_truncate (self->scratch, 0);
  shmlens_leaf_format (&node->leaf, self->bytes->data, self->bytes_offset, self->bytes->len,
                       format_flags (self), self->scratch);

  if (node->text == NULL || node->epoch != self->epoch ||
      strcmp (node->text, self->scratch->str) != 0)
    {
      if (now_us != 0 && node->text != NULL && node->epoch == self->epoch)
        {
          /* schedule_highlight_end lights it */
          node->changed_at = now_us;
          g_hash_table_add (self->highlighted, g_object_ref (node));
        }
      g_free (node->text);
      node->text = g_strdup (self->scratch->str);
      node->epoch = self->epoch;
    }
  set_value_text (node->value_label, node->text, node->accessible_name);
}

static void
update_bound_values (ShmlensStructurePanel *self,
                     gint64                 now_us)
{
  GHashTableIter iter;
  ShmlensStructNode *node;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, (gpointer *) &node, NULL))
    update_value (self, node, now_us);
}

/* ---- watched fields ---- */

/* Finds @path ("clients[2].heartbeat", or "[1].clients[2].heartbeat" among several
 * records) in the placed type; the leaf's offset counts from the segment's start. */
static gboolean
locate_path (ShmlensStructurePanel *self,
             const char            *path,
             ShmlensLeaf           *leaf)
{
  const char *rest = path;
  guint64 base = self->offset;

  if (self->type == NULL)
    return FALSE;

  if (self->count > 1)
    {
      char *end = NULL;
      guint64 record;

      if (path[0] != '[' || !g_ascii_isdigit (path[1]))
        return FALSE;
      record = g_ascii_strtoull (path + 1, &end, 10);
      if (*end != ']' || record >= placed_count (self))
        return FALSE;
      base += record * shmlens_type_get_size (self->type);
      rest = end + 1;
      if (*rest == '.')
        rest++;
    }

  if (!shmlens_type_locate_path (self->type, rest, leaf, NULL))
    return FALSE;
  leaf->offset += base;
  leaf->path = NULL;
  return TRUE;
}

/* After the layout or the placement changed: the watched fields that still exist
 * move with it, the others are no longer watched. */
static void
relocate_watched (ShmlensStructurePanel *self)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  const char *path;
  WatchedField *watched;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, (gpointer *) &path, (gpointer *) &watched))
    if (!locate_path (self, path, &watched->leaf))
      {
        g_ptr_array_add (gone, g_strdup (path));
        g_hash_table_iter_remove (&iter);
      }
  for (guint i = 0; i < gone->len; i++)
    g_signal_emit (self, signals[FIELD_WATCH_TOGGLED], 0, g_ptr_array_index (gone, i), FALSE);
}

/* ---- the tree ---- */

static void
collect_state (ShmlensStructurePanel *self,
               GHashTable            *expanded,
               char                 **selected_key)
{
  guint n;
  GtkTreeListRow *selected;

  if (self->tree == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, i);

      if (gtk_tree_list_row_get_expanded (row))
        g_hash_table_add (expanded, g_strdup (row_get_node (row)->key));
    }
  selected = gtk_single_selection_get_selected_item (self->selection);
  if (selected != NULL)
    *selected_key = g_strdup (row_get_node (selected)->key);
}

static void scroll_to (ShmlensStructurePanel *self,
                       guint                  position);

/* Opens again the rows that were open and selects the row that was selected, then
 * shows it (or the top). */
static void
restore_state (ShmlensStructurePanel *self,
               GHashTable            *expanded,
               const char            *selected_key)
{
  guint selected = GTK_INVALID_LIST_POSITION;

  /* rows expanded here insert their children after them: the loop visits those too */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, i);
      ShmlensStructNode *node = row_get_node (row);

      if (g_hash_table_contains (expanded, node->key))
        gtk_tree_list_row_set_expanded (row, TRUE);
      if (selected_key != NULL && strcmp (node->key, selected_key) == 0)
        selected = i;
    }
  gtk_single_selection_set_selected (self->selection, selected);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->tree)) > 0)
    scroll_to (self, selected != GTK_INVALID_LIST_POSITION ? selected : 0);
}

/* The rows at the top: the members of a struct or union (or the elements of an
 * array) placed once, or the records when there are several. */
static GListModel *
make_top_level (ShmlensStructurePanel *self)
{
  g_autoptr(ShmlensStructNode) root = NULL;
  GListStore *store;

  if (self->count > 1)
    {
      store = g_list_store_new (SHMLENS_TYPE_STRUCT_NODE);
      append_elements (store, self->type, self->offset, shmlens_type_get_size (self->type), 0,
                       placed_count (self), "", "");
      return G_LIST_MODEL (store);
    }

  root = node_new_element (self->type, self->offset, shmlens_type_get_name (self->type), g_strdup (""));
  if (node_get_children (root) != NULL)
    return g_object_ref (node_get_children (root));

  /* a scalar: one row */
  store = g_list_store_new (SHMLENS_TYPE_STRUCT_NODE);
  g_list_store_append (store, root);
  return G_LIST_MODEL (store);
}

static void update_source_label (ShmlensStructurePanel *self);
static void update_watch_marks (ShmlensStructurePanel *self);

static void
rebuild (ShmlensStructurePanel *self)
{
  g_autoptr(GHashTable) expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *selected_key = NULL;
  g_autoptr(GtkTreeListModel) old_tree = NULL;

  collect_state (self, expanded, &selected_key);
  clear_highlights (self);

  self->selecting = TRUE;
  old_tree = g_steal_pointer (&self->tree);
  if (self->type != NULL)
    {
      self->tree = gtk_tree_list_model_new (make_top_level (self), FALSE, FALSE,
                                            create_children_cb, NULL, NULL);
      gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->tree));
      restore_state (self, expanded, selected_key);
    }
  else
    gtk_single_selection_set_model (self->selection, NULL);
  self->selecting = FALSE;

  relocate_watched (self);
  update_watch_marks (self);
  update_source_label (self);
  gtk_stack_set_visible_child_name (self->stack, self->type != NULL ? "fields" : "empty");
  gtk_widget_set_visible (self->placement_box, self->layout != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->type_dropdown), self->layout != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->hex_button), self->layout != NULL);
}

/* ---- layouts ---- */

/* An error in text shown in the open editor is said there, at its line: not twice. */
static void
update_error_banner (ShmlensStructurePanel *self)
{
  gboolean in_open_editor = self->error_in_editor && gtk_toggle_button_get_active (self->edit_button);

  gtk_revealer_set_reveal_child (self->error_revealer, self->error != NULL && !in_open_editor);
}

static void
show_error (ShmlensStructurePanel *self,
            const char            *message,
            gboolean               in_editor)
{
  self->error_in_editor = in_editor;
  if (g_strcmp0 (self->error, message) != 0)
    {
      g_free (self->error);
      self->error = g_strdup (message);
      if (message != NULL)
        gtk_label_set_text (self->error_label, message);
    }
  update_error_banner (self);
}

static char *
format_size (guint64 size)
{
  g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, size);

  return g_strdup_printf (ngettext ("%s byte", "%s bytes", size), number);
}

static void
update_source_label (ShmlensStructurePanel *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *escaped_name = self->layout_name != NULL ? shmlens_escape (self->layout_name, -1) : NULL;
  g_autofree char *tooltip = NULL;

  if (self->layout == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->source_label), FALSE);
      return;
    }

  /* text typed into the editor before it was ever opened (an assistive technology
   * can) has no name yet */
  g_string_append (text, escaped_name != NULL ? escaped_name : UNTITLED);

  if (self->type != NULL)
    {
      g_autofree char *bytes = format_size (shmlens_type_get_size (self->type));

      g_string_append (text, " \xc2\xb7 ");
      if (self->count > 1)
        {
          g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, self->count);

          /* Translators: records × the size of one record: "3 × 24 bytes" */
          g_string_append_printf (text, _("%s \xc3\x97 %s"), count, bytes);
        }
      else
        g_string_append (text, bytes);
    }
  gtk_label_set_text (self->source_label, text->str);
  tooltip = self->file != NULL ? g_file_get_parse_name (self->file) : NULL;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->source_label), tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->source_label), TRUE);
}

static gboolean
listed_type (ShmlensType *type)
{
  if (!shmlens_type_is_complete (type))
    return FALSE;
  switch (shmlens_type_get_kind (type))
    {
    case SHMLENS_TYPE_KIND_STRUCT:
    case SHMLENS_TYPE_KIND_UNION:
    case SHMLENS_TYPE_KIND_ARRAY:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
update_type_list (ShmlensStructurePanel *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint selected = GTK_INVALID_LIST_POSITION;
  guint n_types = 0;
  ShmlensType **types = self->layout != NULL ? shmlens_layout_get_types (self->layout, &n_types) : NULL;
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->type_names));

  for (guint i = 0; i < n_types; i++)
    if (listed_type (types[i]) || types[i] == self->type)
      g_ptr_array_add (names, (gpointer) shmlens_type_get_name (types[i]));
  /* a type asked for by a name the header does not declare as such ("int") */
  if (self->type != NULL && !g_ptr_array_find_with_equal_func (names, self->type_name, g_str_equal, NULL))
    g_ptr_array_add (names, self->type_name);
  g_ptr_array_add (names, NULL);

  self->updating = TRUE;
  gtk_string_list_splice (self->type_names, 0, n_old, (const char *const *) names->pdata);
  if (self->type_name != NULL)
    g_ptr_array_find_with_equal_func (names, self->type_name, g_str_equal, &selected);
  gtk_drop_down_set_selected (self->type_dropdown, selected);
  gtk_widget_set_sensitive (GTK_WIDGET (self->type_dropdown), names->len > 1);
  self->updating = FALSE;
}

/* Picks the type to show from @self->layout: the one asked for when the layout has
 * it, else the layout's default. */
static void
choose_type (ShmlensStructurePanel *self)
{
  ShmlensType *type = NULL;
  const char *name;

  if (self->layout != NULL && self->wanted_type_name != NULL)
    type = shmlens_layout_lookup (self->layout, self->wanted_type_name, NULL);
  if (self->layout != NULL && type == NULL)
    type = shmlens_layout_get_default_type (self->layout, NULL);

  g_clear_pointer (&self->type, shmlens_type_unref);
  if (type != NULL)
    self->type = shmlens_type_ref (type);

  name = type != NULL ? shmlens_type_get_name (type) : NULL;
  if (g_strcmp0 (name, self->type_name) != 0)
    {
      g_free (self->type_name);
      self->type_name = g_strdup (name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TYPE_NAME]);
    }
}

/* Takes @layout: it becomes the one shown. */
static void
apply_layout (ShmlensStructurePanel *self,
              ShmlensLayout         *layout,
              const char            *text)
{
  gboolean had_layout = self->layout != NULL;

  g_clear_pointer (&self->layout, shmlens_layout_unref);
  self->layout = layout;
  g_free (self->layout_name);
  self->layout_name = self->edited
                      /* Translators: a layout's name, once changed in the panel's editor */
                      ? g_strdup_printf (_("%s (edited)"), self->display_name)
                      : g_strdup (self->display_name);
  if (text != self->layout_text)
    {
      g_free (self->layout_text);
      self->layout_text = g_strdup (text);
    }

  choose_type (self);
  update_type_list (self);
  rebuild (self);

  if (!had_layout)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_LAYOUT]);
  g_signal_emit (self, signals[LAYOUT_CHANGED], 0);
}

/* Finds "LINE:COLUMN: " in an engine message ("FILE:LINE:COLUMN: reason"); the file
 * name may hold colons of its own, so the first place where two numbers follow is
 * taken. */
static gboolean
split_location (const char  *message,
                guint       *line,
                guint       *column,
                const char **reason)
{
  for (const char *p = strchr (message, ':'); p != NULL; p = strchr (p + 1, ':'))
    {
      char *end = NULL;
      guint64 l, c;

      if (!g_ascii_isdigit (p[1]))
        continue;
      l = g_ascii_strtoull (p + 1, &end, 10);
      if (*end != ':' || !g_ascii_isdigit (end[1]))
        continue;
      c = g_ascii_strtoull (end + 1, &end, 10);
      if (end[0] != ':' || end[1] != ' ' || l == 0 || l > G_MAXUINT || c > G_MAXUINT)
        continue;
      *line = l;
      *column = c;
      *reason = end + 2;
      return TRUE;
    }
  return FALSE;
}

/* Underlines the place of @message's error in the editor, and says what it is below. */
static void
show_editor_error (ShmlensStructurePanel *self,
                   const char            *message)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->editor);
  GtkTextIter start, end;
  const char *reason = message;
  guint line = 0, column = 0;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->error_tag, &start, &end);

  if (message == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->editor_status), FALSE);
      return;
    }

  if (split_location (message, &line, &column, &reason))
    {
      g_autofree char *text = NULL;

      /* Translators: where the editor's text has an error, and what the error is */
      text = g_strdup_printf (_("line %u, column %u: %s"), line, column, reason);
      gtk_label_set_text (self->editor_status, text);

      gtk_text_buffer_get_iter_at_line_offset (buffer, &start, line - 1, MAX (column, 1) - 1);
      end = start;
      if (gtk_text_iter_ends_line (&start))
        {
          /* at the end of a line (or of the text): mark the character before */
          if (!gtk_text_iter_starts_line (&start))
            gtk_text_iter_backward_char (&start);
        }
      else
        {
          gunichar c = gtk_text_iter_get_char (&end);

          gtk_text_iter_forward_char (&end);
          if (g_unichar_isalnum (c) || c == '_')
            while (!gtk_text_iter_ends_line (&end) &&
                   (g_unichar_isalnum (gtk_text_iter_get_char (&end)) || gtk_text_iter_get_char (&end) == '_'))
              gtk_text_iter_forward_char (&end);
        }
      gtk_text_buffer_apply_tag (buffer, self->error_tag, &start, &end);
    }
  else
    gtk_label_set_text (self->editor_status, message);
  gtk_widget_set_visible (GTK_WIDGET (self->editor_status), TRUE);
}

/* A layout from @text that has a type to show, or NULL with @error set. */
static ShmlensLayout *
parse_layout (const char  *text,
              const char  *name,
              GError     **error)
{
  g_autoptr(ShmlensLayout) layout = shmlens_layout_new (text, -1, name, error);
  guint n_types = 0;
  ShmlensType **types;

  if (layout == NULL)
    return NULL;
  if (shmlens_layout_get_default_type (layout, NULL) != NULL)
    return g_steal_pointer (&layout);
  types = shmlens_layout_get_types (layout, &n_types);
  for (guint i = 0; i < n_types; i++)
    if (listed_type (types[i]))
      return g_steal_pointer (&layout);
  /* says which: no struct or union */
  shmlens_layout_get_default_type (layout, error);
  return NULL;
}

static void
set_editor_text (ShmlensStructurePanel *self,
                 const char            *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->editor);
  g_autofree char *current = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  current = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
  if (strcmp (current, text) != 0)
    {
      self->updating = TRUE;
      gtk_text_buffer_set_text (buffer, text, -1);
      self->updating = FALSE;
    }
  g_clear_handle_id (&self->reparse_source, g_source_remove);
}

/* Shows @text (from a file or the caller) in the editor and, when it parses, as the
 * layout; otherwise the last layout stays and the error shows. */
static gboolean
load_text (ShmlensStructurePanel *self,
           const char            *text)
{
  g_autoptr(GError) error = NULL;
  ShmlensLayout *layout;

  set_editor_text (self, text);
  self->edited = FALSE;

  layout = parse_layout (text, self->display_name, &error);
  show_editor_error (self, error != NULL ? error->message : NULL);
  if (layout == NULL)
    {
      show_error (self, error->message, TRUE);
      return FALSE;
    }
  show_error (self, NULL, FALSE);
  apply_layout (self, layout, text);
  return TRUE;
}

static void
load_file (ShmlensStructurePanel *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_autofree char *name = shmlens_escape (self->display_name, -1);
  g_autofree char *message = NULL;

  if (!g_file_load_contents (self->file, NULL, &contents, &length, NULL, &error))
    /* Translators: a layout file's name, then why it could not be read */
    message = g_strdup_printf (_("Cannot read the layout %s: %s."), name, error->message);
  else if (memchr (contents, '\0', length) != NULL || !g_utf8_validate (contents, length, NULL))
    message = g_strdup_printf (_("%s is not a C header: it is not UTF-8 text."), name);
  if (message != NULL)
    {
      if (self->layout != NULL)
        {
          g_autofree char *with_note =
            /* Translators: after why a layout file could not be read */
            g_strdup_printf (_("%s The fields show the last layout read."), message);
          show_error (self, with_note, FALSE);
        }
      else
        show_error (self, message, FALSE);
      return;
    }
  /* a save that changed nothing (or only the file's times) */
  if (self->layout != NULL && !self->edited && self->error == NULL &&
      g_strcmp0 (self->layout_text, contents) == 0)
    return;
  load_text (self, contents);
}

static gboolean
reload_cb (gpointer user_data)
{
  ShmlensStructurePanel *self = user_data;

  self->reload_source = 0;
  if (self->file != NULL)
    load_file (self);
  return G_SOURCE_REMOVE;
}

static void
on_file_changed (ShmlensStructurePanel *self,
                 GFile                 *file,
                 GFile                 *other_file,
                 GFileMonitorEvent      event)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_RENAMED:
      /* editors save by writing in steps, or by renaming a new file over the old:
       * read once things settle */
      g_clear_handle_id (&self->reload_source, g_source_remove);
      self->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_cb, self);
      g_source_set_name_by_id (self->reload_source, "[shmlens] layout reload");
      break;

    default:
      break;
    }
}

static void
forget_file (ShmlensStructurePanel *self)
{
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->monitor, on_file_changed, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  if (self->file != NULL)
    {
      g_clear_object (&self->file);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
    }
}

/**
 * shmlens_structure_panel_set_layout_file:
 * @self: a panel
 * @file: a C header
 *
 * Shows the layout that @file declares, puts its text into the editor, and reads it
 * again whenever it changes on disk. When the file cannot be read or does not parse,
 * the panel says why and keeps the layout it showed.
 */
void
shmlens_structure_panel_set_layout_file (ShmlensStructurePanel *self,
                                         GFile                 *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = NULL;

  g_return_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self));
  g_return_if_fail (G_IS_FILE (file));

  forget_file (self);
  self->file = g_object_ref (file);
  basename = g_file_get_basename (file);
  g_free (self->display_name);
  self->display_name = g_filename_display_name (basename);

  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->monitor != NULL)
    g_signal_connect_swapped (self->monitor, "changed", G_CALLBACK (on_file_changed), self);
  else
    g_debug ("Cannot watch %s for changes: %s", self->display_name, error->message);

  load_file (self);
  update_source_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

GFile *
shmlens_structure_panel_get_layout_file (ShmlensStructurePanel *self)
{
  g_return_val_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self), NULL);
  return self->file;
}

/**
 * shmlens_structure_panel_set_layout_text:
 * @self: a panel
 * @text: C declarations
 * @display_name: (nullable): what error messages call the text
 *
 * Shows the layout @text declares (and @text in the editor). When it does not parse,
 * the panel says why and keeps the layout it showed.
 */
void
shmlens_structure_panel_set_layout_text (ShmlensStructurePanel *self,
                                         const char            *text,
                                         const char            *display_name)
{
  g_return_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self));
  g_return_if_fail (text != NULL);

  forget_file (self);
  g_free (self->display_name);
  self->display_name = g_strdup (display_name != NULL ? display_name : UNTITLED);
  load_text (self, text);
  update_source_label (self);
}

/**
 * shmlens_structure_panel_get_layout_text:
 * @self: a panel
 *
 * Returns: (nullable): the text of the layout shown
 */
const char *
shmlens_structure_panel_get_layout_text (ShmlensStructurePanel *self)
{
  g_return_val_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self), NULL);
  return self->layout_text;
}

gboolean
shmlens_structure_panel_has_layout (ShmlensStructurePanel *self)
{
  g_return_val_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self), FALSE);
  return self->layout != NULL;
}

/**
 * shmlens_structure_panel_get_error:
 * @self: a panel
 *
 * Returns: (nullable): why the last layout file or text given could not be used, as
 *   the panel shows it
 */
const char *
shmlens_structure_panel_get_error (ShmlensStructurePanel *self)
{
  g_return_val_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self), NULL);
  return self->error;
}

/* ---- the editor ---- */

static gboolean
reparse_cb (gpointer user_data)
{
  ShmlensStructurePanel *self = user_data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->editor);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;
  ShmlensLayout *layout;

  self->reparse_source = 0;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
  if (self->layout != NULL && g_strcmp0 (text, self->layout_text) == 0)
    {
      show_editor_error (self, NULL);
      show_error (self, NULL, FALSE);
      return G_SOURCE_REMOVE;
    }

  layout = parse_layout (text, self->display_name, &error);
  show_editor_error (self, error != NULL ? error->message : NULL);
  show_error (self, error != NULL ? error->message : NULL, TRUE);
  if (layout != NULL)
    apply_layout (self, layout, text);
  return G_SOURCE_REMOVE;
}

static void
on_editor_changed (ShmlensStructurePanel *self)
{
  if (self->updating)
    return;

  /* The text typed is the layout now: a change of the file on disk must not
   * replace it. */
  if (self->file != NULL)
    {
      self->edited = TRUE;
      forget_file (self);
    }
  g_clear_handle_id (&self->reparse_source, g_source_remove);
  self->reparse_source = g_timeout_add (REPARSE_DELAY_MS, reparse_cb, self);
  g_source_set_name_by_id (self->reparse_source, "[shmlens] layout reparse");
}

static void
on_edit_toggled (ShmlensStructurePanel *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->editor);

  update_error_banner (self);
  if (!gtk_toggle_button_get_active (self->edit_button))
    return;
  /* something to start from */
  if (self->layout == NULL && gtk_text_buffer_get_char_count (buffer) == 0)
    {
      if (self->display_name == NULL)
        self->display_name = g_strdup (UNTITLED);
      gtk_text_buffer_set_text (buffer, EXAMPLE_LAYOUT, -1);
    }
  /* The editor cannot take the keyboard while its revealer still hides it: it does
   * once the revealer has slid it in (see on_editor_revealed()). */
  if (gtk_revealer_get_child_revealed (self->editor_revealer))
    gtk_widget_grab_focus (GTK_WIDGET (self->editor));
}

static void
on_editor_revealed (ShmlensStructurePanel *self)
{
  if (gtk_revealer_get_child_revealed (self->editor_revealer) &&
      gtk_toggle_button_get_active (self->edit_button))
    gtk_widget_grab_focus (GTK_WIDGET (self->editor));
}

static void
on_write_clicked (ShmlensStructurePanel *self)
{
  gtk_toggle_button_set_active (self->edit_button, TRUE);
}

static void
on_chooser_response (ShmlensStructurePanel *self,
                     int                    response,
                     GtkNativeDialog       *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        shmlens_structure_panel_set_layout_file (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

static void
on_open_clicked (ShmlensStructurePanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileFilter *filter;

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  self->chooser = gtk_file_chooser_native_new (_("Open Layout"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("C headers"));
  gtk_file_filter_add_pattern (filter, "*.h");
  gtk_file_filter_add_mime_type (filter, "text/x-chdr");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_object_unref (filter);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("All files"));
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_object_unref (filter);

  if (self->file != NULL)
    {
      g_autoptr(GFile) folder = g_file_get_parent (self->file);

      if (folder != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }

  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- type and placement ---- */

static void
on_type_selected (ShmlensStructurePanel *self)
{
  GtkStringObject *item;

  if (self->updating)
    return;
  item = gtk_drop_down_get_selected_item (self->type_dropdown);
  if (item != NULL)
    shmlens_structure_panel_set_type_name (self, gtk_string_object_get_string (item));
}

/* 4096, 0x1000 or 4K, as every offset field takes it */
static gboolean
parse_offset (const char *text,
              guint64    *offset)
{
  return shmlens_size_parse (text, offset) == SHMLENS_SIZE_PARSE_OK;
}

static void
show_offset (ShmlensStructurePanel *self)
{
  g_autofree char *text = NULL;
  guint64 shown;

  /* what the user typed stays, as long as it means the same offset */
  if (parse_offset (gtk_editable_get_text (GTK_EDITABLE (self->offset_entry)), &shown) &&
      shown == self->offset)
    return;
  text = self->offset != 0 ? g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", self->offset) : g_strdup ("0");
  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->offset_entry), text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->offset_entry), "error");
  self->updating = FALSE;
}

static void
on_offset_changed (ShmlensStructurePanel *self)
{
  guint64 offset;

  if (self->updating)
    return;
  if (!parse_offset (gtk_editable_get_text (GTK_EDITABLE (self->offset_entry)), &offset))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->offset_entry), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->offset_entry), "error");
  shmlens_structure_panel_set_placement (self, offset, self->count);
}

static void
on_offset_activate (ShmlensStructurePanel *self)
{
  /* an offset that does not parse goes back to the one in use */
  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->offset_entry), "");
  self->updating = FALSE;
  show_offset (self);
}

static void
on_count_changed (ShmlensStructurePanel *self)
{
  if (self->updating)
    return;
  shmlens_structure_panel_set_placement (self, self->offset,
                                         (guint64) gtk_spin_button_get_value (self->count_spin));
}

/* ---- cells ---- */

/* Each cell's widget knows its list item, for the context menu to find the row
 * under the pointer. */
static void
set_cell_child (GtkListItem *list_item,
                GtkWidget   *child)
{
  g_object_set_data (G_OBJECT (child), "shmlens-list-item", list_item);
  gtk_list_item_set_child (list_item, child);
}

static void
name_setup_cb (ShmlensStructurePanel *self,
               GtkListItem           *list_item)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "name");
  /* The value label says the path: for a screen reader the name would be said twice. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
  gtk_tree_expander_set_indent_for_icon (GTK_TREE_EXPANDER (expander), TRUE);
  set_cell_child (list_item, expander);
}

static void
name_bind_cb (ShmlensStructurePanel *self,
              GtkListItem           *list_item)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkWidget *label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  ShmlensStructNode *node = row_get_node (row);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_text (GTK_LABEL (label), node->name);
  if (node->anonymous || node->kind == NODE_RANGE)
    gtk_widget_add_css_class (label, "dim-label");
  else
    gtk_widget_remove_css_class (label, "dim-label");
}

static void
name_unbind_cb (ShmlensStructurePanel *self,
                GtkListItem           *list_item)
{
  GtkWidget *expander = gtk_list_item_get_child (list_item);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
}

static GtkWidget *
new_cell_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
type_setup_cb (ShmlensStructurePanel *self,
               GtkListItem           *list_item)
{
  GtkWidget *label = new_cell_label ("type");

  /* the value matters more: a long type name gives way, and its tooltip has it whole */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "dim-label");
  set_cell_child (list_item, label);
}

static void
type_bind_cb (ShmlensStructurePanel *self,
              GtkListItem           *list_item)
{
  ShmlensStructNode *node = row_get_node (gtk_list_item_get_item (list_item));
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  g_autofree char *size = NULL;
  g_autofree char *tooltip = NULL;

  if (node->kind == NODE_RANGE)
    gtk_label_set_text (label, "");
  else if (node->leaf.is_bitfield)
    {
      /* Translators: a bit-field's type and width, as C writes it: "unsigned int : 3" */
      g_autofree char *text = g_strdup_printf (_("%s : %u"), shmlens_type_get_name (node->type),
                                               node->leaf.bit_width);
      gtk_label_set_text (label, text);
    }
  else
    gtk_label_set_text (label, shmlens_type_get_name (node->type));

  if (node->leaf.is_bitfield)
    size = g_strdup_printf (ngettext ("%u bit", "%u bits", node->leaf.bit_width), node->leaf.bit_width);
  else
    size = format_size (node->leaf.size);
  /* Translators: a tooltip: a C type and its size ("struct client · 40 bytes") */
  tooltip = g_strdup_printf (_("%s \xc2\xb7 %s"), gtk_label_get_text (label), size);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), node->kind == NODE_RANGE ? size : tooltip);
}

static void
offset_setup_cb (ShmlensStructurePanel *self,
                 GtkListItem           *list_item)
{
  GtkWidget *label = new_cell_label ("offset");

  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "dim-label");
  set_cell_child (list_item, label);
}

static void
offset_bind_cb (ShmlensStructurePanel *self,
                GtkListItem           *list_item)
{
  ShmlensStructNode *node = row_get_node (gtk_list_item_get_item (list_item));
  char text[48];

  if (node->leaf.is_bitfield)
    g_snprintf (text, sizeof text, "0x%" G_GINT64_MODIFIER "x:%u", node->leaf.offset,
                node->leaf.bit_offset);
  else
    g_snprintf (text, sizeof text, "0x%" G_GINT64_MODIFIER "x", node->leaf.offset);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static gboolean
on_value_query_tooltip (GtkLabel   *label,
                        int         x,
                        int         y,
                        gboolean    keyboard_mode,
                        GtkTooltip *tooltip)
{
  if (!pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    return FALSE;
  gtk_tooltip_set_text (tooltip, gtk_label_get_text (label));
  return TRUE;
}

/* The value, and a mark when the field is watched. */
static void
value_setup_cb (ShmlensStructurePanel *self,
                GtkListItem           *list_item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *label = new_cell_label ("value");
  GtkWidget *mark = gtk_image_new_from_icon_name ("view-reveal-symbolic");

  gtk_widget_add_css_class (label, "monospace");
  /* At a side panel's width a long value (a string, a date) is cut at the end; the
   * tooltip then shows it whole, and a screen reader reads it whole anyway. */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (on_value_query_tooltip), NULL);
  /* the highlight covers the text, not the whole cell */
  gtk_widget_set_halign (label, GTK_ALIGN_START);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);

  gtk_widget_add_css_class (mark, "watch-mark");
  gtk_widget_add_css_class (mark, "dim-label");
  gtk_widget_set_tooltip_text (mark, _("Watched: plotted over time"));
  gtk_widget_set_visible (mark, FALSE);
  /* the value label's description says it */
  gtk_accessible_update_state (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_box_append (GTK_BOX (box), mark);

  set_cell_child (list_item, box);
}

static GtkLabel *
value_cell_label (GtkListItem *list_item)
{
  return GTK_LABEL (gtk_widget_get_first_child (gtk_list_item_get_child (list_item)));
}

/* Shows whether @node is watched, where it shows. */
static void
update_watch_mark (ShmlensStructurePanel *self,
                   ShmlensStructNode     *node)
{
  gboolean watched;
  GtkWidget *mark;

  if (node->value_label == NULL)
    return;
  watched = node->kind == NODE_VALUE && !node->anonymous &&
            g_hash_table_contains (self->watched, node->path);
  mark = gtk_widget_get_next_sibling (GTK_WIDGET (node->value_label));
  gtk_widget_set_visible (mark, watched);
  gtk_accessible_update_property (GTK_ACCESSIBLE (node->value_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  /* Translators: said of a value plotted over time */
                                  watched ? _("watched") : "", -1);
}

static void
value_bind_cb (ShmlensStructurePanel *self,
               GtkListItem           *list_item)
{
  ShmlensStructNode *node = row_get_node (gtk_list_item_get_item (list_item));
  GtkLabel *label = value_cell_label (list_item);

  node->value_label = label;
  g_hash_table_add (self->bound, g_object_ref (node));

  gtk_label_set_text (label, "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  node->accessible_name, -1);
  if (node->changed_at != 0)
    shmlens_highlight_update (GTK_WIDGET (label), node->changed_at,
                              g_get_monotonic_time () - self->clock_skew,
                              self->fade_us);
  else
    shmlens_highlight_clear (GTK_WIDGET (label));
  update_watch_mark (self, node);

  if (node_has_value (node))
    {
      if (bytes_hold (self, &node->leaf))
        update_value (self, node, 0);
      else if (node->text != NULL && node->epoch == self->epoch)
        set_value_text (label, node->text, node->accessible_name);
    }
}

static void
value_unbind_cb (ShmlensStructurePanel *self,
                 GtkListItem           *list_item)
{
  ShmlensStructNode *node = row_get_node (gtk_list_item_get_item (list_item));
  GtkLabel *label = value_cell_label (list_item);

  shmlens_highlight_clear (GTK_WIDGET (label));
  if (node->value_label == label)
    {
      node->value_label = NULL;
      g_hash_table_remove (self->bound, node);
    }
}

/* ---- the context menu: watch, copy ---- */

static ShmlensStructNode *
selected_node (ShmlensStructurePanel *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);

  return row != NULL ? row_get_node (row) : NULL;
}

static gboolean
node_can_be_watched (ShmlensStructNode *node)
{
  return node != NULL && node->kind == NODE_VALUE && !node->anonymous && node_is_numeric (node);
}

/* The actions act on the selected row: their state follows it. */
static void
update_actions (ShmlensStructurePanel *self)
{
  ShmlensStructNode *node = selected_node (self);
  GAction *watch = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "watch");
  gboolean can_watch = node_can_be_watched (node);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (watch), can_watch);
  g_simple_action_set_state (G_SIMPLE_ACTION (watch),
                             g_variant_new_boolean (can_watch &&
                                                    g_hash_table_contains (self->watched, node->path)));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions),
                                                                            "copy-value")),
                               node != NULL && node->text != NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions),
                                                                            "copy-path")),
                               node != NULL && *node->path != '\0');
}

static void
watch_change_state (GSimpleAction *action,
                    GVariant      *state,
                    gpointer       user_data)
{
  ShmlensStructurePanel *self = user_data;
  ShmlensStructNode *node = selected_node (self);

  if (node_can_be_watched (node))
    shmlens_structure_panel_set_watched (self, node->path, g_variant_get_boolean (state));
}

static void
copy_value_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  ShmlensStructurePanel *self = user_data;
  ShmlensStructNode *node = selected_node (self);

  if (node != NULL && node->text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), node->text);
}

static void
copy_path_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  ShmlensStructurePanel *self = user_data;
  ShmlensStructNode *node = selected_node (self);

  if (node != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), node->path);
}

static const GActionEntry action_entries[] = {
  { .name = "watch", .state = "false", .change_state = watch_change_state },
  { .name = "copy-value", .activate = copy_value_activated },
  { .name = "copy-path", .activate = copy_path_activated },
};

static void
popup_menu_at (ShmlensStructurePanel *self,
               double                 x,
               double                 y)
{
  GdkRectangle where = { (int) x, (int) y, 1, 1 };

  update_actions (self);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &where);
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

/* Right click: the row under the pointer is selected, and its menu opens. */
static void
on_context_click (GtkGestureClick       *gesture,
                  int                    n_press,
                  double                 x,
                  double                 y,
                  ShmlensStructurePanel *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->column_view), x, y, GTK_PICK_DEFAULT);
  GtkListItem *list_item = NULL;
  graphene_point_t point;

  /* the cells' own widgets know their row: the one clicked, or its cell's */
  for (GtkWidget *widget = picked; widget != NULL && list_item == NULL &&
       widget != GTK_WIDGET (self->column_view); widget = gtk_widget_get_parent (widget))
    {
      GtkWidget *child = gtk_widget_get_first_child (widget);

      list_item = g_object_get_data (G_OBJECT (widget), "shmlens-list-item");
      if (list_item == NULL && child != NULL)
        list_item = g_object_get_data (G_OBJECT (child), "shmlens-list-item");
    }
  if (list_item == NULL || gtk_list_item_get_item (list_item) == NULL)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (list_item));
  if (!gtk_widget_compute_point (GTK_WIDGET (self->column_view), GTK_WIDGET (self),
                                 &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  popup_menu_at (self, point.x, point.y);
}

/* Shift+F10 or the Menu key: the menu of the selected row, beside its value. */
static gboolean
on_menu_shortcut (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  ShmlensStructurePanel *self = SHMLENS_STRUCTURE_PANEL (user_data);
  ShmlensStructNode *node = selected_node (self);
  graphene_rect_t bounds;

  if (node == NULL)
    return FALSE;
  if (node->value_label != NULL &&
      gtk_widget_compute_bounds (GTK_WIDGET (node->value_label), GTK_WIDGET (self), &bounds))
    popup_menu_at (self, bounds.origin.x, bounds.origin.y + bounds.size.height);
  else
    popup_menu_at (self, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                   gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
  return TRUE;
}

static void
setup_context_menu (ShmlensStructurePanel *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GtkShortcutAction *action = gtk_callback_action_new (on_menu_shortcut, self, NULL);

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), action_entries,
                                   G_N_ELEMENTS (action_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "structure", G_ACTION_GROUP (self->actions));

  /* Translators: a menu item: plot the selected field's value over time */
  g_menu_append (menu, _("_Watch"), "structure.watch");
  g_menu_append (menu, _("Copy _Value"), "structure.copy-value");
  /* Translators: a menu item: copy "clients[2].heartbeat" */
  g_menu_append (menu, _("Copy _Path"), "structure.copy-path");
  self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_context_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (click));

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_alternative_trigger_new (
                                                            gtk_keyval_trigger_new (GDK_KEY_F10, GDK_SHIFT_MASK),
                                                            gtk_keyval_trigger_new (GDK_KEY_Menu, 0)),
                                                          action));
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), shortcuts);
}

/* ---- selection ---- */

/* The selected row's position also changes when rows above it open or close: only
 * another row is news. */
static void
on_selection_changed (ShmlensStructurePanel *self)
{
  ShmlensStructNode *node = selected_node (self);

  update_actions (self);
  if (node == self->selected)
    return;
  g_set_object (&self->selected, node);
  if (self->selecting || node == NULL)
    return;
  g_signal_emit (self, signals[FIELD_SELECTED], 0, node->leaf.offset, node->leaf.size);
}

static void
on_row_activated (ShmlensStructurePanel *self,
                  guint                  position)
{
  g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, position);

  if (row != NULL && gtk_tree_list_row_is_expandable (row))
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

static gboolean
node_holds (ShmlensStructNode *node,
            guint64            offset)
{
  return offset >= node->leaf.offset && offset - node->leaf.offset < MAX (node->leaf.size, 1);
}

static gboolean
path_continues (const char *prefix,
                const char *path)
{
  gsize length = strlen (prefix);

  if (length == 0)
    return TRUE;
  return strncmp (prefix, path, length) == 0 && (path[length] == '.' || path[length] == '[');
}

/* The rows from the top down to the one whose path is @path and that holds @offset:
 * their positions among their siblings go into @chain. */
static gboolean
find_chain (GListModel *model,
            const char *path,
            guint64     offset,
            GArray     *chain)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShmlensStructNode) node = g_list_model_get_item (model, i);
      gboolean passes = node->anonymous || node->kind == NODE_RANGE;
      GListModel *children;

      if (!node_holds (node, offset))
        continue;
      if (!passes && strcmp (node->path, path) == 0)
        {
          g_array_append_val (chain, i);
          return TRUE;
        }
      if (!passes && !path_continues (node->path, path))
        continue;
      children = node_get_children (node);
      if (children == NULL)
        continue;
      g_array_append_val (chain, i);
      if (find_chain (children, path, offset, chain))
        return TRUE;
      g_array_set_size (chain, chain->len - 1);
    }
  return FALSE;
}

static void
scroll_to (ShmlensStructurePanel *self,
           guint                  position)
{
  /* GTK 4.8 has no gtk_column_view_scroll_to (): its list view has the action */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      {
        gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
        return;
      }
}

static void
select_position (ShmlensStructurePanel *self,
                 guint                  position)
{
  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->selecting = FALSE;
}

/**
 * shmlens_structure_panel_select_offset:
 * @self: a panel
 * @offset: a byte of the segment
 *
 * Selects (expanding the rows above it) the deepest field that holds the byte at
 * @offset, or nothing when no field holds it. Does not emit
 * #ShmlensStructurePanel::field-selected.
 */
void
shmlens_structure_panel_select_offset (ShmlensStructurePanel *self,
                                       guint64                offset)
{
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(GArray) chain = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GtkTreeListRow) row = NULL;
  ShmlensLeaf leaf;
  guint64 size, record;

  g_return_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self));

  if (self->tree == NULL)
    return;
  size = shmlens_type_get_size (self->type);
  if (offset < self->offset || size == 0 || (offset - self->offset) / size >= placed_count (self))
    {
      select_position (self, GTK_INVALID_LIST_POSITION);
      return;
    }
  record = (offset - self->offset) / size;
  shmlens_type_locate_offset (self->type, (offset - self->offset) % size, path, &leaf);
  if (self->count > 1)
    {
      char prefix[32];

      g_snprintf (prefix, sizeof prefix, "[%" G_GUINT64_FORMAT "]%s", record,
                  path->len > 0 && path->str[0] != '[' ? "." : "");
      g_string_prepend (path, prefix);
    }

  if (!find_chain (gtk_tree_list_model_get_model (self->tree), path->str, offset, chain))
    {
      select_position (self, GTK_INVALID_LIST_POSITION);
      return;
    }

  row = gtk_tree_list_model_get_child_row (self->tree, g_array_index (chain, guint, 0));
  for (guint i = 1; i < chain->len && row != NULL; i++)
    {
      GtkTreeListRow *child;

      gtk_tree_list_row_set_expanded (row, TRUE);
      child = gtk_tree_list_row_get_child_row (row, g_array_index (chain, guint, i));
      g_object_unref (row);
      row = child;
    }
  if (row == NULL)
    return;
  select_position (self, gtk_tree_list_row_get_position (row));
  scroll_to (self, gtk_tree_list_row_get_position (row));
}

/* ---- public ---- */

void
shmlens_structure_panel_set_type_name (ShmlensStructurePanel *self,
                                       const char            *type_name)
{
  g_return_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self));

  if (g_strcmp0 (self->wanted_type_name, type_name) == 0 &&
      g_strcmp0 (self->type_name, type_name) == 0)
    return;
  g_free (self->wanted_type_name);
  self->wanted_type_name = g_strdup (type_name);
  if (self->layout == NULL)
    {
      if (g_strcmp0 (self->type_name, type_name) != 0)
        {
          g_free (self->type_name);
          self->type_name = g_strdup (type_name);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TYPE_NAME]);
        }
      return;
    }

  {
    ShmlensType *before = self->type;

    choose_type (self);
    update_type_list (self);
    if (self->type != before)
      rebuild (self);
  }
}

/**
 * shmlens_structure_panel_get_type_name:
 * @self: a panel
 *
 * Returns: (nullable): the name of the type shown ("struct telemetry", "telemetry_t")
 */
const char *
shmlens_structure_panel_get_type_name (ShmlensStructurePanel *self)
{
  g_return_val_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self), NULL);
  return self->type_name;
}

/**
 * shmlens_structure_panel_set_placement:
 * @self: a panel
 * @offset: where in the segment the first record starts
 * @count: how many records of the type follow one another (at least 1)
 */
void
shmlens_structure_panel_set_placement (ShmlensStructurePanel *self,
                                       guint64                offset,
                                       guint64                count)
{
  gboolean offset_changed, count_changed;

  g_return_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self));

  count = MAX (count, 1);
  offset_changed = offset != self->offset;
  count_changed = count != self->count;
  self->offset = offset;
  self->count = count;

  show_offset (self);
  if ((guint64) gtk_spin_button_get_value (self->count_spin) != count)
    {
      self->updating = TRUE;
      gtk_spin_button_set_value (self->count_spin, (double) count);
      self->updating = FALSE;
    }
  if (!offset_changed && !count_changed)
    return;

  if (self->layout != NULL)
    rebuild (self);
  if (offset_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFSET]);
  if (count_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
}

void
shmlens_structure_panel_get_placement (ShmlensStructurePanel *self,
                                       guint64               *offset,
                                       guint64               *count)
{
  g_return_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self));

  if (offset != NULL)
    *offset = self->offset;
  if (count != NULL)
    *count = self->count;
}

void
shmlens_structure_panel_set_hex (ShmlensStructurePanel *self,
                                 gboolean               hex)
{
  g_return_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self));

  hex = !!hex;
  if (self->hex == hex)
    return;
  self->hex = hex;
  /* the same bytes in another notation: not a change */
  self->epoch++;
  clear_highlights (self);
  update_bound_values (self, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEX]);
}

gboolean
shmlens_structure_panel_get_hex (ShmlensStructurePanel *self)
{
  g_return_val_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self), FALSE);
  return self->hex;
}

/**
 * shmlens_structure_panel_get_range:
 * @self: a panel
 * @offset: (out): where the bytes to read start in the segment
 * @size: (out): how many bytes to read; 0 when nothing needs reading
 *
 * The bytes the next shmlens_structure_panel_refresh() needs: the whole placement
 * when it is small, else the part that the rows on screen and the watched fields
 * cover.
 */
void
shmlens_structure_panel_get_range (ShmlensStructurePanel *self,
                                   guint64               *offset,
                                   guint64               *size)
{
  guint64 total, start = G_MAXUINT64, end = 0;
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self));
  g_return_if_fail (offset != NULL && size != NULL);

  total = placement_size (self);
  *offset = self->offset;
  *size = 0;
  if (total == 0)
    return;
  if (total <= WHOLE_RANGE_LIMIT)
    {
      *size = MIN (total, G_MAXUINT64 - self->offset);
      return;
    }

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      ShmlensStructNode *node = key;

      if (!node_has_value (node))
        continue;
      start = MIN (start, node->leaf.offset);
      end = MAX (end, node->leaf.offset + node->leaf.size);
    }
  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      WatchedField *watched = value;

      start = MIN (start, watched->leaf.offset);
      end = MAX (end, watched->leaf.offset + watched->leaf.size);
    }
  if (end > start)
    {
      *offset = start;
      *size = end - start;
    }
}

/**
 * shmlens_structure_panel_refresh:
 * @self: a panel
 * @bytes: (array length=n_bytes) (nullable): bytes of the segment
 * @bytes_offset: where @bytes start in the segment
 * @n_bytes: how many bytes there are (fewer than asked for near the segment's end)
 * @now_us: when the bytes were read, in microseconds of g_get_monotonic_time()
 *
 * Shows the values of the rows on screen from @bytes; those that differ from the
 * last refresh are highlighted for a second.
 */
void
shmlens_structure_panel_refresh (ShmlensStructurePanel *self,
                                 const guint8          *bytes,
                                 guint64                bytes_offset,
                                 gsize                  n_bytes,
                                 gint64                 now_us)
{
  g_return_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self));
  g_return_if_fail (bytes != NULL || n_bytes == 0);

  g_byte_array_set_size (self->bytes, n_bytes);
  if (n_bytes > 0)
    memcpy (self->bytes->data, bytes, n_bytes);
  self->bytes_offset = bytes_offset;
  self->has_bytes = TRUE;
  self->clock_skew = g_get_monotonic_time () - now_us;

  /* a zero would mean "not highlighted" */
  update_bound_values (self, now_us != 0 ? now_us : 1);
  schedule_highlight_end (self, now_us);
}

static void
update_watch_marks (ShmlensStructurePanel *self)
{
  GHashTableIter iter;
  ShmlensStructNode *node;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, (gpointer *) &node, NULL))
    update_watch_mark (self, node);
  update_actions (self);
}

/**
 * shmlens_structure_panel_set_watched:
 * @self: a panel
 * @path: a field's path, as #ShmlensStructurePanel::field-watch-toggled gives it
 * @watched: whether to watch it
 *
 * Watches a numeric field (or stops). Emits
 * #ShmlensStructurePanel::field-watch-toggled when that changes anything; a path
 * the layout does not have, or that is not a number, is not watched.
 */
void
shmlens_structure_panel_set_watched (ShmlensStructurePanel *self,
                                     const char            *path,
                                     gboolean               watched)
{
  g_return_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self));
  g_return_if_fail (path != NULL);

  if (watched == g_hash_table_contains (self->watched, path))
    return;
  if (watched)
    {
      WatchedField *field = g_new0 (WatchedField, 1);

      if (!locate_path (self, path, &field->leaf) || !leaf_is_numeric (&field->leaf))
        {
          g_free (field);
          return;
        }
      g_hash_table_insert (self->watched, g_strdup (path), field);
    }
  else
    g_hash_table_remove (self->watched, path);
  update_watch_marks (self);
  g_signal_emit (self, signals[FIELD_WATCH_TOGGLED], 0, path, watched);
}

/**
 * shmlens_structure_panel_get_watched_paths:
 * @self: a panel
 *
 * Returns: (transfer full): the paths of the watched fields, sorted
 */
static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char **
shmlens_structure_panel_get_watched_paths (ShmlensStructurePanel *self)
{
  g_autofree const char **keys = NULL;
  GPtrArray *paths;
  guint n = 0;

  g_return_val_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self), NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (self->watched, &n);
  paths = g_ptr_array_new_full (n + 1, NULL);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (paths, g_strdup (keys[i]));
  g_ptr_array_sort (paths, compare_strings);
  g_ptr_array_add (paths, NULL);
  return (char **) g_ptr_array_free (paths, FALSE);
}

/**
 * shmlens_structure_panel_get_leaf_value:
 * @self: a panel
 * @path: a field's path
 * @value: (out): its value in the last bytes refreshed, as a number
 *
 * Returns: %FALSE when the field does not exist, is not a number or was not in the
 *   last bytes
 */
gboolean
shmlens_structure_panel_get_leaf_value (ShmlensStructurePanel *self,
                                        const char            *path,
                                        double                *value)
{
  WatchedField *watched;
  ShmlensLeaf leaf;

  g_return_val_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  watched = g_hash_table_lookup (self->watched, path);
  if (watched != NULL)
    leaf = watched->leaf;
  else if (!locate_path (self, path, &leaf))
    return FALSE;
  if (!self->has_bytes)
    return FALSE;
  return shmlens_leaf_get_double (&leaf, self->bytes->data, self->bytes_offset, self->bytes->len,
                                  SHMLENS_FORMAT_DEFAULT, value);
}

/* ---- the widget ---- */

static void
shmlens_structure_panel_dispose (GObject *object)
{
  ShmlensStructurePanel *self = SHMLENS_STRUCTURE_PANEL (object);

  g_clear_handle_id (&self->highlight_source, g_source_remove);
  g_clear_handle_id (&self->reparse_source, g_source_remove);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->monitor, on_file_changed, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->chooser, on_chooser_response, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  /* the rows go first: unbinding them empties self->bound */
  if (self->selection != NULL)
    gtk_single_selection_set_model (self->selection, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMLENS_TYPE_STRUCTURE_PANEL);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_object (&self->actions);
  g_clear_object (&self->tree);
  g_clear_object (&self->selection);
  g_clear_object (&self->selected);
  g_clear_object (&self->type_names);

  G_OBJECT_CLASS (shmlens_structure_panel_parent_class)->dispose (object);
}

static void
shmlens_structure_panel_finalize (GObject *object)
{
  ShmlensStructurePanel *self = SHMLENS_STRUCTURE_PANEL (object);

  g_clear_pointer (&self->bound, g_hash_table_unref);
  g_clear_pointer (&self->highlighted, g_hash_table_unref);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_pointer (&self->bytes, g_byte_array_unref);
  g_string_free (self->scratch, TRUE);
  g_clear_pointer (&self->type, shmlens_type_unref);
  g_clear_pointer (&self->layout, shmlens_layout_unref);
  g_clear_object (&self->file);
  g_free (self->layout_text);
  g_free (self->display_name);
  g_free (self->layout_name);
  g_free (self->error);
  g_free (self->type_name);
  g_free (self->wanted_type_name);

  G_OBJECT_CLASS (shmlens_structure_panel_parent_class)->finalize (object);
}

static void
shmlens_structure_panel_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  ShmlensStructurePanel *self = SHMLENS_STRUCTURE_PANEL (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_TYPE_NAME:
      g_value_set_string (value, self->type_name);
      break;
    case PROP_OFFSET:
      g_value_set_uint64 (value, self->offset);
      break;
    case PROP_COUNT:
      g_value_set_uint64 (value, self->count);
      break;
    case PROP_HEX:
      g_value_set_boolean (value, self->hex);
      break;
    case PROP_HAS_LAYOUT:
      g_value_set_boolean (value, self->layout != NULL);
      break;
    case PROP_FADE_TIME:
      g_value_set_uint (value, (guint) (self->fade_us / 1000));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_structure_panel_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  ShmlensStructurePanel *self = SHMLENS_STRUCTURE_PANEL (object);

  switch (prop_id)
    {
    case PROP_FILE:
      if (g_value_get_object (value) != NULL)
        shmlens_structure_panel_set_layout_file (self, g_value_get_object (value));
      break;
    case PROP_TYPE_NAME:
      shmlens_structure_panel_set_type_name (self, g_value_get_string (value));
      break;
    case PROP_OFFSET:
      shmlens_structure_panel_set_placement (self, g_value_get_uint64 (value), self->count);
      break;
    case PROP_COUNT:
      shmlens_structure_panel_set_placement (self, self->offset, g_value_get_uint64 (value));
      break;
    case PROP_HEX:
      shmlens_structure_panel_set_hex (self, g_value_get_boolean (value));
      break;
    case PROP_FADE_TIME:
      if (self->fade_us != (gint64) g_value_get_uint (value) * 1000)
        {
          self->fade_us = (gint64) g_value_get_uint (value) * 1000;
          schedule_highlight_end (self, g_get_monotonic_time () - self->clock_skew);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmlens_structure_panel_class_init (ShmlensStructurePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmlens_structure_panel_dispose;
  object_class->finalize = shmlens_structure_panel_finalize;
  object_class->get_property = shmlens_structure_panel_get_property;
  object_class->set_property = shmlens_structure_panel_set_property;

  /**
   * ShmlensStructurePanel:file: (nullable)
   *
   * The layout file shown and watched for changes; %NULL for a layout given as text
   * or edited in the panel.
   */
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TYPE_NAME] =
    g_param_spec_string ("type-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFSET] =
    g_param_spec_uint64 ("offset", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNT] =
    g_param_spec_uint64 ("count", NULL, NULL, 1, G_MAXUINT64, 1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEX] =
    g_param_spec_boolean ("hex", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_LAYOUT] =
    g_param_spec_boolean ("has-layout", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ShmlensStructurePanel:fade-time:
   *
   * How long, in milliseconds, a value that changed stays highlighted while the
   * highlight fades; 0 for not at all.
   */
  properties[PROP_FADE_TIME] =
    g_param_spec_uint ("fade-time", NULL, NULL, 0, 60000, SHMLENS_HIGHLIGHT_DEFAULT_US / 1000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShmlensStructurePanel::field-selected:
   * @self: the panel
   * @offset: where the field selected starts in the segment
   * @size: its size in bytes (for a bit-field, the bytes its bits touch)
   *
   * The user selected a row. Not emitted for shmlens_structure_panel_select_offset().
   */
  signals[FIELD_SELECTED] =
    g_signal_new ("field-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);

  /**
   * ShmlensStructurePanel::field-watch-toggled:
   * @self: the panel
   * @path: the field's path: "clients[2].heartbeat"
   * @watched: whether it is watched now
   */
  signals[FIELD_WATCH_TOGGLED] =
    g_signal_new ("field-watch-toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  /**
   * ShmlensStructurePanel::layout-changed:
   * @self: the panel
   *
   * A new layout is shown: opened, read again from disk, given as text or edited.
   */
  signals[LAYOUT_CHANGED] =
    g_signal_new ("layout-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "shmlens-structure-panel");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/shmlens/Shmlens/shmlens-structure-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, box);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, edit_button);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, hex_button);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, placement_box);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, offset_entry);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, count_spin);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, source_label);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, editor_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, editor);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, editor_status);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, stack);
  gtk_widget_class_bind_template_child (widget_class, ShmlensStructurePanel, column_view);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_write_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_offset_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_offset_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_count_changed);
  gtk_widget_class_bind_template_callback (widget_class, name_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, type_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, type_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, offset_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, offset_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, value_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, value_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, value_unbind_cb);
}

static void
shmlens_structure_panel_init (ShmlensStructurePanel *self)
{
  GtkTextBuffer *buffer;
  GtkExpression *expression;

  self->count = 1;
  self->fade_us = SHMLENS_HIGHLIGHT_DEFAULT_US;
  self->bound = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->highlighted = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->watched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->bytes = g_byte_array_new ();
  self->scratch = g_string_sized_new (64);

  gtk_widget_init_template (GTK_WIDGET (self));
  shmlens_a11y_name_mnemonic_buttons (GTK_WIDGET (self));

  self->type_names = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->type_dropdown, G_LIST_MODEL (self->type_names));
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_drop_down_set_expression (self->type_dropdown, expression);
  gtk_expression_unref (expression);
  gtk_drop_down_set_enable_search (self->type_dropdown, TRUE);
  g_signal_connect_swapped (self->type_dropdown, "notify::selected", G_CALLBACK (on_type_selected), self);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->column_view, "activate", G_CALLBACK (on_row_activated), self);
  setup_context_menu (self);

  buffer = gtk_text_view_get_buffer (self->editor);
  self->error_tag = gtk_text_buffer_create_tag (buffer, "error",
                                                "underline", PANGO_UNDERLINE_ERROR,
                                                NULL);
  g_signal_connect_swapped (buffer, "changed", G_CALLBACK (on_editor_changed), self);
  g_signal_connect_swapped (self->edit_button, "notify::active", G_CALLBACK (on_edit_toggled), self);
  g_signal_connect_swapped (self->editor_revealer, "notify::child-revealed",
                            G_CALLBACK (on_editor_revealed), self);

  g_object_bind_property (self, "hex", self->hex_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Structured view"), -1);
}

GtkWidget *
shmlens_structure_panel_new (void)
{
  return g_object_new (SHMLENS_TYPE_STRUCTURE_PANEL, NULL);
}

/**
 * shmlens_structure_panel_expand:
 * @self: a panel
 * @depth: how deep to open: 1 opens the top-level rows (each record, when the type is
 *   repeated), 2 their members too, and so on
 *
 * Opens rows so that the fields that matter show at once (a demo's counters).
 */
void
shmlens_structure_panel_expand (ShmlensStructurePanel *self,
                                guint                  depth)
{
  g_return_if_fail (SHMLENS_IS_STRUCTURE_PANEL (self));

  if (self->tree == NULL)
    return;
  /* rows expanded here insert their children after them: the loop visits those too */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, i);

      if (gtk_tree_list_row_get_depth (row) < depth && gtk_tree_list_row_is_expandable (row))
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
}
