/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-segment-page.c: a page ties the structure panel to the hex view, the plot and the settings. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <gtk/gtk.h>

#include "shmlens-segment-page.h"
#include "shmlens-test-gtk.h"
#include "shmlens-test-util.h"

#define PATIENCE_MS 5000

#define DECLARATIONS \
  struct record { \
    uint32_t magic; \
    int32_t counter; \
    double load; \
  };

DECLARATIONS

#define STRINGIFY(...) #__VA_ARGS__
#define STRINGIFY_EXPANDED(...) STRINGIFY (__VA_ARGS__)

static const char layout_text[] = "#include <stdint.h>\n" STRINGIFY_EXPANDED (DECLARATIONS) "\n";

typedef struct
{
  GtkWidget *window;
  ShmlensSegmentPage *page;
} Shown;

static void
show_page (Shown      *shown,
           const char *name)
{
  g_autofree char *ref = g_strconcat ("/", name, NULL);
  g_autoptr(ShmlensSegment) segment = shmlens_test_resolve (ref);

  shown->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (shown->window), 1100, 700);
  shown->page = SHMLENS_SEGMENT_PAGE (shmlens_segment_page_new (segment));
  gtk_window_set_child (GTK_WINDOW (shown->window), GTK_WIDGET (shown->page));
  gtk_window_present (GTK_WINDOW (shown->window));
  shmlens_test_run_main_loop_for (200);
}

static void
hide_page (Shown *shown)
{
  gtk_window_destroy (GTK_WINDOW (shown->window));
  shmlens_test_run_main_loop_for (50);
  shown->window = NULL;
  shown->page = NULL;
}

/* Waits (running the main loop, so that the page's timer ticks) until @path reads
 * @expected in the structure panel. */
static gboolean
wait_for_leaf (ShmlensSegmentPage *page,
               const char         *path,
               double              expected)
{
  ShmlensStructurePanel *panel = shmlens_segment_page_get_structure_panel (page);
  gint64 end = g_get_monotonic_time () + PATIENCE_MS * 1000;
  double value = 0;

  while (g_get_monotonic_time () < end)
    {
      if (shmlens_structure_panel_get_leaf_value (panel, path, &value) && value == expected)
        return TRUE;
      shmlens_test_run_main_loop_for (20);
    }
  g_test_message ("%s reads %g, not %g", path, value, expected);
  return FALSE;
}

static gboolean
wait_for_plotted (ShmlensPlot *plot,
                  guint        series,
                  double       expected)
{
  gint64 end = g_get_monotonic_time () + PATIENCE_MS * 1000;
  double value = 0;

  while (g_get_monotonic_time () < end)
    {
      if (shmlens_plot_get_latest_value (plot, series, &value) && value == expected)
        return TRUE;
      shmlens_test_run_main_loop_for (20);
    }
  g_test_message ("series %u ends at %g, not %g", series, value, expected);
  return FALSE;
}

/* The entry the settings hold for @ref, or NULL. */
static GVariant *
remembered (const char *ref)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GVariant) layouts = g_settings_get_value (settings, "segment-layouts");

  return g_variant_lookup_value (layouts, ref, G_VARIANT_TYPE ("(ssstt)"));
}

static const char *
visible_side_page (ShmlensSegmentPage *page)
{
  GtkWidget *stack = gtk_widget_get_ancestor (
    GTK_WIDGET (shmlens_segment_page_get_structure_panel (page)), GTK_TYPE_STACK);

  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static void
test_structure_follows_the_segment (void)
{
  struct record record = { 0x4c454e53, 41, 0.5 };
  g_autofree char *name = shmlens_test_posix_create ("segment-page", NULL, 4096);
  g_autofree char *ref = g_strconcat ("/", name, NULL);
  const int32_t next = 42;
  ShmlensStructurePanel *panel;
  ShmlensHexView *hex_view;
  ShmlensPlot *plot;
  g_autoptr(GVariant) entry = NULL;
  const char *path, *text, *type_name;
  guint64 offset, count, start, end;
  Shown shown;

  shmlens_test_posix_write (name, 0, &record, sizeof record);
  g_assert_null (remembered (ref));
  show_page (&shown, name);
  panel = shmlens_segment_page_get_structure_panel (shown.page);
  hex_view = shmlens_segment_page_get_hex_view (shown.page);
  plot = shmlens_segment_page_get_plot (shown.page);
  g_assert_false (shmlens_structure_panel_has_layout (panel));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (plot)));

  /* A layout given to the panel reads the segment, and is remembered for it. */
  shmlens_structure_panel_set_layout_text (panel, layout_text, "record.h");
  shmlens_structure_panel_set_type_name (panel, "record");
  shmlens_structure_panel_set_placement (panel, 0, 1);
  g_assert_true (shmlens_structure_panel_has_layout (panel));
  g_assert_true (wait_for_leaf (shown.page, "counter", 41));
  g_assert_true (wait_for_leaf (shown.page, "load", 0.5));
  entry = remembered (ref);
  g_assert_nonnull (entry);
  g_variant_get (entry, "(&s&s&stt)", &path, &text, &type_name, &offset, &count);
  g_assert_cmpstr (path, ==, "");
  g_assert_cmpstr (text, ==, layout_text);
  g_assert_cmpstr (type_name, ==, "struct record");
  g_assert_cmpuint (offset, ==, 0);
  g_assert_cmpuint (count, ==, 1);
  g_clear_pointer (&entry, g_variant_unref);

  /* Picking a field selects its bytes. */
  g_signal_emit_by_name (panel, "field-selected", (guint64) G_STRUCT_OFFSET (struct record, load),
                         (guint64) sizeof record.load);
  g_assert_true (shmlens_hex_view_get_selection (hex_view, &start, &end));
  g_assert_cmpuint (start, ==, G_STRUCT_OFFSET (struct record, load));
  g_assert_cmpuint (end, ==, G_STRUCT_OFFSET (struct record, load) + sizeof record.load);

  /* A watched field is plotted, with the values another process writes. */
  shmlens_structure_panel_set_watched (panel, "counter", TRUE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (plot)));
  g_assert_cmpuint (shmlens_plot_get_n_series (plot), ==, 1);
  /* Series ids count from 1 in a new plot. */
  g_assert_cmpstr (shmlens_plot_get_series_name (plot, 1), ==, "counter");
  g_assert_true (wait_for_plotted (plot, 1, 41));
  shmlens_test_posix_write (name, G_STRUCT_OFFSET (struct record, counter), &next, sizeof next);
  g_assert_true (wait_for_plotted (plot, 1, 42));
  g_assert_true (wait_for_leaf (shown.page, "counter", 42));
  shmlens_structure_panel_set_watched (panel, "counter", FALSE);
  g_assert_cmpuint (shmlens_plot_get_n_series (plot), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (plot)));

  /* Two records from offset 0: the settings follow. */
  shmlens_structure_panel_set_placement (panel, 0, 2);
  entry = remembered (ref);
  g_variant_get (entry, "(&s&s&stt)", &path, &text, &type_name, &offset, &count);
  g_assert_cmpuint (count, ==, 2);
  g_clear_pointer (&entry, g_variant_unref);
  hide_page (&shown);

  /* Opened again, the segment comes with its layout, placement and the structure tab. */
  show_page (&shown, name);
  panel = shmlens_segment_page_get_structure_panel (shown.page);
  g_assert_true (shmlens_structure_panel_has_layout (panel));
  g_assert_cmpstr (shmlens_structure_panel_get_type_name (panel), ==, "struct record");
  shmlens_structure_panel_get_placement (panel, &offset, &count);
  g_assert_cmpuint (offset, ==, 0);
  g_assert_cmpuint (count, ==, 2);
  g_assert_cmpstr (visible_side_page (shown.page), ==, "structure");
  g_assert_true (wait_for_leaf (shown.page, "[0].counter", 42));
  g_assert_true (wait_for_leaf (shown.page, "[1].counter", 0));
  hide_page (&shown);

  shmlens_test_posix_remove (name);
}

/* A segment with no remembered layout opens on the inspector, and a layout the
 * panel cannot read is not remembered. */
static void
test_broken_layout_not_remembered (void)
{
  g_autofree char *name = shmlens_test_posix_create ("segment-page", NULL, 4096);
  g_autofree char *ref = g_strconcat ("/", name, NULL);
  ShmlensStructurePanel *panel;
  g_autoptr(GVariant) entry = NULL;
  Shown shown;

  show_page (&shown, name);
  panel = shmlens_segment_page_get_structure_panel (shown.page);
  g_assert_cmpstr (visible_side_page (shown.page), !=, "structure");
  shmlens_structure_panel_set_layout_text (panel, "struct broken { int x; ", "broken.h");
  g_assert_false (shmlens_structure_panel_has_layout (panel));
  g_assert_nonnull (shmlens_structure_panel_get_error (panel));
  entry = remembered (ref);
  g_assert_null (entry);
  hide_page (&shown);
  shmlens_test_posix_remove (name);
}


int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Under meson's TAP protocol an exit status of 77 counts as an error, not a skip:
   * without a display the tests report themselves skipped instead. */
  if (!shmlens_test_gtk_available ("segment-page"))
    return g_test_run ();

  g_test_add_func ("/shmlens/segment-page/structure-follows-the-segment",
                   test_structure_follows_the_segment);
  g_test_add_func ("/shmlens/segment-page/broken-layout-not-remembered",
                   test_broken_layout_not_remembered);
  return g_test_run ();
}
