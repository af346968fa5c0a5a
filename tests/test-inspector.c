/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-inspector.c: the data inspector shows exact values, under names a screen reader finds. */
#include "config.h"

#include <gtk/gtk.h>

#include "shmlens-decode.h"
#include "shmlens-highlight.h"
#include "shmlens-inspector.h"
#include "shmlens-test-gtk.h"
#include "shmlens-test-util.h"

#define MS (G_USEC_PER_SEC / 1000)

/* The label whose accessible label is @name, among those not hidden from assistive
 * technology: the way a screen reader and the end-to-end tests find it. Exactly one
 * must match. */
static GtkLabel *
find_named_label (GtkWidget  *root,
                  const char *name)
{
  GtkLabel *found = NULL;
  GPtrArray *stack = g_ptr_array_new ();

  g_ptr_array_add (stack, root);
  while (stack->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      g_autofree char *not_hidden =
        gtk_test_accessible_check_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE);

      /* what assistive technology is not shown, it cannot find */
      if (not_hidden == NULL)
        continue;
      if (GTK_IS_LABEL (widget))
        {
          g_autofree char *mismatch =
            gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name);
          if (mismatch == NULL)
            {
              g_assert_null (found);
              found = GTK_LABEL (widget);
            }
        }
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        g_ptr_array_add (stack, child);
    }
  g_ptr_array_unref (stack);

  if (found == NULL)
    g_error ("no label named \"%s\"", name);
  return found;
}

static GtkLabel *
field_label (GtkWidget          *inspector,
             ShmlensDecodeField  field)
{
  return find_named_label (inspector, shmlens_decode_field_get_name (field));
}

static const char *
field_text (GtkWidget          *inspector,
            ShmlensDecodeField  field)
{
  return gtk_label_get_text (field_label (inspector, field));
}

static gboolean
field_highlighted (GtkWidget          *inspector,
                   ShmlensDecodeField  field)
{
  return gtk_widget_has_css_class (GTK_WIDGET (field_label (inspector, field)), "changed");
}

static GtkWidget *
new_inspector (void)
{
  return g_object_ref_sink (shmlens_inspector_new ());
}

static void
test_values (void)
{
  static const guint8 bytes[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
  static const guint8 other[8] = { 0xc3, 0xa9, 0x00, 0x00, 0xc0, 0x3f, 0xff, 0xff };
  g_autoptr(GtkWidget) inspector = new_inspector ();
  GtkLabel *offset;

  shmlens_inspector_set_data (SHMLENS_INSPECTOR (inspector), 26, bytes, sizeof bytes,
                              g_get_monotonic_time ());

  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_INT8), ==, "1");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UINT16_LE), ==, "513");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UINT16_BE), ==, "258");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UINT32_LE), ==, "67305985");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UINT32_BE), ==, "16909060");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_INT64_LE), ==, "578437695752307201");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UINT64_BE), ==, "72623859790382856");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_BINARY), ==, "0000 0001");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UTF8), ==, "U+0001");
  offset = find_named_label (inspector, "offset");
  g_assert_cmpstr (gtk_label_get_text (offset), ==, "0x1a (26)");

  /* Every field, every time: the label shows what the library decodes, and still
   * carries its name after its text changed. */
  for (guint round = 0; round < 2; round++)
    {
      const guint8 *data = round == 0 ? bytes : other;

      shmlens_inspector_set_data (SHMLENS_INSPECTOR (inspector), 4096, data, 8,
                                  g_get_monotonic_time ());
      for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
        {
          g_autofree char *expected = shmlens_decode_format (field, data, 8);
          GtkLabel *label = field_label (inspector, field);

          g_assert_cmpstr (gtk_label_get_text (label), ==, expected);
          g_assert_true (gtk_label_get_selectable (label));
        }
      g_assert_cmpstr (gtk_label_get_text (find_named_label (inspector, "offset")), ==,
                       "0x1000 (4096)");
    }

  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UTF8), ==, "\xc3\xa9 U+00E9");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_FLOAT_BE), ==, "-338");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_INT16_LE), ==, "-22077");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_INT16_BE), ==, "-15447");
}

static gboolean
texts_differ (ShmlensDecodeField  field,
              const guint8       *before,
              const guint8       *after)
{
  g_autofree char *a = shmlens_decode_format (field, before, 8);
  g_autofree char *b = shmlens_decode_format (field, after, 8);

  return !g_str_equal (a, b);
}

static void
test_highlight (void)
{
  static const guint8 first[8] = { 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80 };
  static const guint8 last_changed[8] = { 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x81 };
  static const guint8 both_changed[8] = { 0x11, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x81 };
  static const guint8 last_again[8] = { 0x11, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x82 };
  g_autoptr(GtkWidget) inspector = new_inspector ();
  ShmlensInspector *self = SHMLENS_INSPECTOR (inspector);
  gint64 t = 1000 * G_USEC_PER_SEC;

  shmlens_inspector_set_data (self, 64, first, 8, t);
  for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
    g_assert_false (field_highlighted (inspector, field));

  /* The eighth byte changes: only the eight-byte values see it (the time is out of
   * range both before and after, so it stays as it is). */
  shmlens_inspector_set_data (self, 64, last_changed, 8, t + 100 * MS);
  for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
    {
      gboolean wide = shmlens_decode_field_get_size (field) == 8;
      g_assert_cmpint (field_highlighted (inspector, field), ==, texts_differ (field, first, last_changed));
      g_assert_true (wide || !field_highlighted (inspector, field));
    }
  g_assert_true (field_highlighted (inspector, SHMLENS_DECODE_UINT64_LE));
  g_assert_true (field_highlighted (inspector, SHMLENS_DECODE_DOUBLE_BE));
  g_assert_false (field_highlighted (inspector, SHMLENS_DECODE_TIME64_LE));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (find_named_label (inspector, "offset")),
                                            "changed"));

  /* Still lit while its second is not over, though nothing changed since. */
  shmlens_inspector_set_data (self, 64, last_changed, 8, t + 1000 * MS);
  g_assert_true (field_highlighted (inspector, SHMLENS_DECODE_UINT64_LE));
  g_assert_false (field_highlighted (inspector, SHMLENS_DECODE_UINT32_LE));
  shmlens_inspector_set_data (self, 64, last_changed, 8, t + 1100 * MS);
  for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
    g_assert_false (field_highlighted (inspector, field));

  /* The first byte changes: every value sees it. Then the last byte changes again,
   * and only the eight-byte values start a new second. */
  shmlens_inspector_set_data (self, 64, both_changed, 8, t + 2000 * MS);
  for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
    g_assert_cmpint (field_highlighted (inspector, field), ==,
                     texts_differ (field, last_changed, both_changed));
  g_assert_true (field_highlighted (inspector, SHMLENS_DECODE_INT8));
  g_assert_true (field_highlighted (inspector, SHMLENS_DECODE_FLOAT_LE));
  shmlens_inspector_set_data (self, 64, last_again, 8, t + 2500 * MS);
  shmlens_inspector_set_data (self, 64, last_again, 8, t + 3000 * MS);
  for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
    g_assert_cmpint (field_highlighted (inspector, field), ==,
                     texts_differ (field, both_changed, last_again));
  g_assert_false (field_highlighted (inspector, SHMLENS_DECODE_INT8));
  g_assert_true (field_highlighted (inspector, SHMLENS_DECODE_INT64_BE));
  shmlens_inspector_set_data (self, 64, last_again, 8, t + 3500 * MS);
  for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
    g_assert_false (field_highlighted (inspector, field));

  /* Another offset is another place: different values there are not changes. */
  shmlens_inspector_set_data (self, 64, first, 8, t + 4000 * MS);
  g_assert_true (field_highlighted (inspector, SHMLENS_DECODE_UINT8));
  shmlens_inspector_set_data (self, 72, last_again, 8, t + 4100 * MS);
  for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
    g_assert_false (field_highlighted (inspector, field));

  /* Clearing and showing data again is no change either. */
  shmlens_inspector_clear (self);
  shmlens_inspector_set_data (self, 72, last_changed, 8, t + 4200 * MS);
  g_assert_false (field_highlighted (inspector, SHMLENS_DECODE_UINT64_LE));
}

/* Without further data, the highlight goes on its own after about a second. */
static void
test_highlight_fades_without_data (void)
{
  static const guint8 first[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  static const guint8 second[8] = { 9, 2, 3, 4, 5, 6, 7, 8 };
  g_autoptr(GtkWidget) inspector = new_inspector ();
  ShmlensInspector *self = SHMLENS_INSPECTOR (inspector);

  shmlens_inspector_set_data (self, 0, first, 8, g_get_monotonic_time ());
  shmlens_inspector_set_data (self, 0, second, 8, g_get_monotonic_time ());
  g_assert_true (field_highlighted (inspector, SHMLENS_DECODE_UINT8));

  shmlens_test_run_main_loop_for (300);
  g_assert_true (field_highlighted (inspector, SHMLENS_DECODE_UINT8));
  shmlens_test_run_main_loop_for (900);
  g_assert_false (field_highlighted (inspector, SHMLENS_DECODE_UINT8));
  g_assert_false (field_highlighted (inspector, SHMLENS_DECODE_DOUBLE_BE));
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UINT8), ==, "9");
}

/* Near the end of the segment, values that would need bytes past it are a dash. */
static void
test_short_data (void)
{
  static const guint8 bytes[3] = { 0xe2, 0x82, 0xac };
  g_autoptr(GtkWidget) inspector = new_inspector ();
  ShmlensInspector *self = SHMLENS_INSPECTOR (inspector);

  shmlens_inspector_set_data (self, 4093, bytes, 3, g_get_monotonic_time ());
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UINT8), ==, "226");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_INT16_LE), ==, "-32030");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UINT16_BE), ==, "57986");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UTF8), ==, "\xe2\x82\xac U+20AC");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_BINARY), ==, "1110 0010");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_INT32_LE), ==, "\xe2\x80\x94");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UINT32_BE), ==, "\xe2\x80\x94");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_FLOAT_LE), ==, "\xe2\x80\x94");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_INT64_BE), ==, "\xe2\x80\x94");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_DOUBLE_LE), ==, "\xe2\x80\x94");
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_TIME64_BE), ==, "\xe2\x80\x94");
  g_assert_cmpstr (gtk_label_get_text (find_named_label (inspector, "offset")), ==, "0xffd (4093)");

  /* A character cut by the end */
  shmlens_inspector_set_data (self, 4094, bytes, 2, g_get_monotonic_time ());
  g_assert_cmpstr (field_text (inspector, SHMLENS_DECODE_UTF8), ==, "incomplete");

  /* Nothing at all */
  shmlens_inspector_set_data (self, 4096, NULL, 0, g_get_monotonic_time ());
  for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
    g_assert_cmpstr (field_text (inspector, field), ==, SHMLENS_DECODE_UNAVAILABLE);
  g_assert_cmpstr (gtk_label_get_text (find_named_label (inspector, "offset")), ==, "0x1000 (4096)");
}

static void
test_clear (void)
{
  static const guint8 bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  g_autoptr(GtkWidget) inspector = new_inspector ();

  /* before any data */
  for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
    g_assert_cmpstr (field_text (inspector, field), ==, SHMLENS_DECODE_UNAVAILABLE);

  shmlens_inspector_set_data (SHMLENS_INSPECTOR (inspector), 8, bytes, 8, g_get_monotonic_time ());
  shmlens_inspector_clear (SHMLENS_INSPECTOR (inspector));
  for (ShmlensDecodeField field = 0; field < SHMLENS_DECODE_N_FIELDS; field++)
    {
      g_assert_cmpstr (field_text (inspector, field), ==, SHMLENS_DECODE_UNAVAILABLE);
      g_assert_false (field_highlighted (inspector, field));
    }
  g_assert_cmpstr (gtk_label_get_text (find_named_label (inspector, "offset")), ==,
                   SHMLENS_DECODE_UNAVAILABLE);
}

/* Shown in a window, and destroyed while a highlight is pending: the timeout must
 * not outlive the widget. */
static void
test_in_window (void)
{
  static const guint8 first[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  static const guint8 second[8] = { 2, 2, 3, 4, 5, 6, 7, 8 };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *inspector = shmlens_inspector_new ();
  int width;

  gtk_window_set_default_size (GTK_WINDOW (window), 320, 600);
  gtk_window_set_child (GTK_WINDOW (window), inspector);
  gtk_window_present (GTK_WINDOW (window));
  shmlens_inspector_set_data (SHMLENS_INSPECTOR (inspector), 0, first, 8, g_get_monotonic_time ());
  shmlens_inspector_set_data (SHMLENS_INSPECTOR (inspector), 0, second, 8, g_get_monotonic_time ());
  shmlens_test_run_main_loop_for (200);

  /* it fits a side panel */
  gtk_widget_measure (inspector, GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
  g_assert_cmpint (width, <=, 320);
  g_assert_true (gtk_widget_get_mapped (inspector));
  g_assert_true (field_highlighted (inspector, SHMLENS_DECODE_INT8));

  gtk_window_destroy (GTK_WINDOW (window));
  shmlens_test_run_main_loop_for (1200);
}

/* The highlight fades in steps, one style class each, moved on by the refreshes. */
static void
test_highlight_steps (void)
{
  static const guint8 first[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  static const guint8 second[8] = { 9, 2, 3, 4, 5, 6, 7, 8 };
  static const struct
  {
    gint64 at_ms;
    const char *step;   /* the fade class it must have, NULL for none */
    gboolean lit;
  } steps[] = {
    { 0, NULL, TRUE },
    { 200, NULL, TRUE },
    { 300, "fade-1", TRUE },
    { 600, "fade-2", TRUE },
    { 900, "fade-3", TRUE },
    { 1000, NULL, FALSE },
  };
  g_autoptr(GtkWidget) inspector = new_inspector ();
  ShmlensInspector *self = SHMLENS_INSPECTOR (inspector);
  GtkWidget *label = GTK_WIDGET (field_label (inspector, SHMLENS_DECODE_UINT8));
  gint64 t = 1000 * G_USEC_PER_SEC;

  shmlens_inspector_set_data (self, 0, first, 8, t - 100 * MS);
  shmlens_inspector_set_data (self, 0, second, 8, t);
  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      shmlens_inspector_set_data (self, 0, second, 8, t + steps[i].at_ms * MS);
      g_test_message ("%" G_GINT64_FORMAT " ms after the change", steps[i].at_ms);
      g_assert_cmpint (gtk_widget_has_css_class (label, "changed"), ==, steps[i].lit);
      g_assert_cmpint (gtk_widget_has_css_class (label, "fade-1"), ==,
                       g_strcmp0 (steps[i].step, "fade-1") == 0);
      g_assert_cmpint (gtk_widget_has_css_class (label, "fade-2"), ==,
                       g_strcmp0 (steps[i].step, "fade-2") == 0);
      g_assert_cmpint (gtk_widget_has_css_class (label, "fade-3"), ==,
                       g_strcmp0 (steps[i].step, "fade-3") == 0);
    }
}

/* The timeout that carries highlights on when no refresh comes waits at least a step,
 * so that refreshes faster than the steps move them, and it never wakes between two. */
static void
test_highlight_timeout (void)
{
  const gint64 second = G_USEC_PER_SEC;
  const gint64 step = second / SHMLENS_HIGHLIGHT_STEPS;

  /* paused: from one step to the next, exactly */
  g_assert_cmpuint (shmlens_highlight_timeout (step, 0, second), ==, step / 1000);
  /* a refresh came 100 ms into a step: the timeout waits a whole step */
  g_assert_cmpuint (shmlens_highlight_timeout (step, 100 * MS, second), ==, step / 1000);
  /* never longer than a highlight, whatever the clock did */
  g_assert_cmpuint (shmlens_highlight_timeout (50 * second, 0, second), ==, second / 1000);
  /* rounded up: never a moment early */
  g_assert_cmpuint (shmlens_highlight_timeout (step, -1, second), ==, step / 1000 + 1);
}

/* Counts the frames that lay out and draw the window. (After each, the frame clock
 * runs one empty cycle, with "after-paint" but no "layout": not counted.) */
static void
on_layout (GdkFrameClock *clock,
           gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
}

/* With the app's style sheet, in a window: once a value changed and no refresh
 * comes, the window draws a frame per step of the fade, not one per frame of the
 * display as a CSS transition would (about 60 in a second). */
static void
test_highlight_draws_few_frames (void)
{
  static const guint8 first[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  static const guint8 second[8] = { 2, 2, 3, 4, 5, 6, 7, 8 };
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *inspector = shmlens_inspector_new ();
  GdkFrameClock *clock;
  guint frames = 0;
  gulong handler;

  gtk_css_provider_load_from_resource (css, "/io/github/shmlens/Shmlens/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_window_set_default_size (GTK_WINDOW (window), 320, 600);
  gtk_window_set_child (GTK_WINDOW (window), inspector);
  gtk_window_present (GTK_WINDOW (window));
  shmlens_inspector_set_data (SHMLENS_INSPECTOR (inspector), 0, first, 8, g_get_monotonic_time ());
  shmlens_test_run_main_loop_for (300);
  g_assert_true (gtk_widget_get_mapped (inspector));

  clock = gtk_widget_get_frame_clock (window);
  handler = g_signal_connect (clock, "layout", G_CALLBACK (on_layout), &frames);
  shmlens_inspector_set_data (SHMLENS_INSPECTOR (inspector), 0, second, 8, g_get_monotonic_time ());
  shmlens_test_run_main_loop_for (1300);
  g_signal_handler_disconnect (clock, handler);

  g_test_message ("%u frames while the highlight faded", frames);
  g_assert_false (field_highlighted (inspector, SHMLENS_DECODE_INT8));
  /* the change, three more steps, the end (a transition: about 35) */
  g_assert_cmpuint (frames, >=, SHMLENS_HIGHLIGHT_STEPS);
  g_assert_cmpuint (frames, <=, SHMLENS_HIGHLIGHT_STEPS + 2);

  gtk_window_destroy (GTK_WINDOW (window));
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                 GTK_STYLE_PROVIDER (css));
}


int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Under meson's TAP protocol an exit status of 77 counts as an error, not a skip:
   * without a display the tests report themselves skipped instead. */
  if (!shmlens_test_gtk_available ("inspector"))
    return g_test_run ();

  g_test_add_func ("/shmlens/inspector/values-exact-and-named", test_values);
  g_test_add_func ("/shmlens/inspector/changed-values-highlighted-for-a-second", test_highlight);
  g_test_add_func ("/shmlens/inspector/highlight-ends-without-new-data",
                   test_highlight_fades_without_data);
  g_test_add_func ("/shmlens/inspector/highlight-fades-in-steps", test_highlight_steps);
  g_test_add_func ("/shmlens/inspector/highlight-timeout-waits-a-step", test_highlight_timeout);
  g_test_add_func ("/shmlens/inspector/highlight-draws-a-frame-per-step",
                   test_highlight_draws_few_frames);
  g_test_add_func ("/shmlens/inspector/short-data-shows-dashes", test_short_data);
  g_test_add_func ("/shmlens/inspector/clear-shows-dashes", test_clear);
  g_test_add_func ("/shmlens/inspector/in-a-window", test_in_window);

  return g_test_run ();
}
