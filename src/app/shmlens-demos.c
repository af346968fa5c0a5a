/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-demos.c: a demo started from the app: its segment, layout, writers and explanation.
 *
 * One click does what a teacher would otherwise do by hand: create the demo's segment
 * (a test segment, removed when Shmlens quits unless kept), open it, lay the header its
 * writers were compiled with over it in the structure view, start the writers as
 * separate processes, and say what to watch. What each demo is lives in the library
 * (shmlens-demo.c), shared with `shmlens-cli demo`. */
#include "config.h"

#include <glib/gi18n.h>

#include "shmlens-demo.h"
#include "shmlens-demos.h"
#include "shmlens-structure-panel.h"
#include "shmlens-test-segments.h"
#include "shmlens-writers-panel.h"
#include "shmlens-writers.h"

static void
apply_layout (ShmlensSegmentPage *page,
              const ShmlensDemo  *demo,
              guint               n_records)
{
  ShmlensStructurePanel *panel = shmlens_segment_page_get_structure_panel (page);
  const char *file_name = NULL, *type_name = NULL;
  g_autoptr(GBytes) header = shmlens_demo_get_layout (demo, &file_name, &type_name);
  g_autofree char *text = NULL;

  if (header == NULL)
    return;
  text = g_strndup (g_bytes_get_data (header, NULL), g_bytes_get_size (header));
  shmlens_structure_panel_set_layout_text (panel, text, file_name);
  shmlens_structure_panel_set_type_name (panel, type_name);
  shmlens_structure_panel_set_placement (panel, 0, MAX (n_records, 1));
  /* the fields the explanation talks about: each record's; each counter's slot */
  shmlens_structure_panel_expand (panel, demo->pattern == SHMLENS_WRITER_COUNTER ? 2 : 1);
}

/**
 * shmlens_demos_start:
 * @window: the window to show the demo in
 * @id: the demo: "hello", "counters", "race", "ring" or "seqlock"
 * @error: return location for an error
 *
 * Returns: (transfer none) (nullable): the demo's page, or %NULL with @error set
 */
ShmlensSegmentPage *
shmlens_demos_start (ShmlensWindow  *window,
                     const char     *id,
                     GError        **error)
{
  const ShmlensDemo *demo = shmlens_demo_lookup (id);
  g_autofree char *ref = NULL;
  g_autofree ShmlensDemoWriter *plan = NULL;
  ShmlensSegmentPage *page;
  ShmlensWritersPanel *writers;
  guint n_writers = 0, n_records = 1;

  g_return_val_if_fail (SHMLENS_IS_WINDOW (window), NULL);

  if (demo == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no demo “%s”"), id);
      return NULL;
    }
  ref = shmlens_demo_create_segment (demo, error);
  if (ref == NULL)
    return NULL;
  /* before the page opens: it shows that the segment goes when Shmlens quits */
  shmlens_test_segments_add (shmlens_test_segments_get_default (), ref, FALSE);
  if (!shmlens_window_open_ref (window, ref, error))
    return NULL;
  page = shmlens_window_get_current_page (window);
  g_return_val_if_fail (page != NULL, NULL);

  plan = shmlens_demo_plan_writers (demo, 0, &n_writers, &n_records);
  apply_layout (page, demo, n_records);
  shmlens_segment_page_set_explanation (page, _(demo->title), _(demo->explanation));
  shmlens_segment_page_show_panel (page, "structure");

  writers = shmlens_segment_page_get_writers_panel (page);
  for (guint i = 0; i < n_writers; i++)
    {
      const ShmlensWriterOptions *options = &plan[i].options;
      ShmlensWriterSpec spec = {
        .pattern = shmlens_writer_pattern_to_string (options->pattern),
        .offset = options->offset,
        .length = options->length,
        .rate = plan[i].rate,
        .slot = options->slot,
        .sync = options->pattern == SHMLENS_WRITER_RACE
                  ? shmlens_writer_sync_to_string (options->sync) : NULL,
        .iterations = options->iterations,
        .peers = options->peers,
      };

      if (shmlens_writers_panel_start (writers, &spec, error) == NULL)
        return NULL;
    }
  return page;
}
