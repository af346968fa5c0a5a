/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-segment-list.h: the sidebar: every segment on the machine, live. */
#pragma once

#include <gtk/gtk.h>

#include "shmlens-catalog.h"

G_BEGIN_DECLS

/**
 * ShmlensSegmentList:
 *
 * The sidebar: a search entry, a kind filter and a sortable table of every segment
 * on the machine (name, kind, size, resident, owner, attached), refreshed once a
 * second while the widget is mapped. Segments keep their rows across refreshes, so
 * the selection and the scroll position survive; a row's cells follow its segment's
 * changes. Every cell is a #GtkLabel; the Name cell's text is the escaped display
 * name (shmlens_segment_dup_display_name()), or the reference when the name is empty.
 *
 * Signals:
 *
 * ShmlensSegmentList::segment-activated (ShmlensSegmentList *list,
 *                                        ShmlensSegment     *segment)
 *   A row was activated: double-click, Enter on the row, or Enter in the search
 *   entry (the selected row, or else the first one shown). @segment is the catalog's
 *   object; the handler typically opens it.
 *
 * ShmlensSegmentList::refreshed (ShmlensSegmentList *list)
 *   A refresh finished and its result is in the model (successful or not: a failure
 *   shows in the list). When shmlens_segment_list_refresh_now() is called while a
 *   refresh runs, the signal waits for the one that follows, so that the first
 *   emission after the call describes the machine as it was at the call or later.
 *
 * Properties:
 *
 * ShmlensSegmentList:selected-segment (ShmlensSegment *, read-only, notified)
 *   The selected segment, or %NULL.
 *
 * ShmlensSegmentList:show-resident, ShmlensSegmentList:show-owner (gboolean)
 *   Whether the Resident and the Owner columns are shown. Both are off by default:
 *   six columns do not fit a sidebar of 300 to 400 pixels with names still readable.
 *   A right click on a column header toggles them; a window may bind them to settings.
 *
 * Actions: `segment-list.focus-search` moves the focus into the search entry;
 * `segment-list.refresh` is shmlens_segment_list_refresh_now();
 * `segment-list.show-resident` and `segment-list.show-owner` toggle the properties.
 */

#define SHMLENS_TYPE_SEGMENT_LIST (shmlens_segment_list_get_type ())
G_DECLARE_FINAL_TYPE (ShmlensSegmentList, shmlens_segment_list, SHMLENS, SEGMENT_LIST,
                      GtkWidget)

GtkWidget      *shmlens_segment_list_new                  (void);
ShmlensCatalog *shmlens_segment_list_get_catalog          (ShmlensSegmentList *self);
GListModel     *shmlens_segment_list_get_model            (ShmlensSegmentList *self);
void            shmlens_segment_list_refresh_now          (ShmlensSegmentList *self);
ShmlensSegment *shmlens_segment_list_get_selected_segment (ShmlensSegmentList *self);
gboolean        shmlens_segment_list_select_segment       (ShmlensSegmentList *self,
                                                           ShmlensSegment     *segment);
gboolean        shmlens_segment_list_get_show_resident    (ShmlensSegmentList *self);
void            shmlens_segment_list_set_show_resident    (ShmlensSegmentList *self,
                                                           gboolean            show);
guint               shmlens_segment_list_get_kinds         (ShmlensSegmentList *self);
void                shmlens_segment_list_set_kinds         (ShmlensSegmentList *self,
                                                            guint               kinds);
gboolean        shmlens_segment_list_get_show_owner       (ShmlensSegmentList *self);
void            shmlens_segment_list_set_show_owner       (ShmlensSegmentList *self,
                                                           gboolean            show);

G_END_DECLS
