/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-test-gtk.c: what the widget tests share: a display or a skip, an app, widget lookup. */
#include "config.h"

#include "shmlens-test-gtk.h"
#include "shmlens-test-util.h"

static void
test_no_display (void)
{
  g_test_skip ("no display to open windows on (DISPLAY is not set); run through build-aux/test");
}

/**
 * shmlens_test_gtk_available:
 * @suite: the test program's name in test paths: "hex-view" for /shmlens/hex-view/…
 *
 * Opens the display, after g_test_init(). Without one, adds a test
 * /shmlens/SUITE/no-display that reports itself skipped, and returns %FALSE: the
 * caller then runs only that (and any test that needs no display). Under meson's TAP
 * protocol an exit status of 77 would count as an error, not a skip.
 *
 * Returns: whether widgets can be made
 */
gboolean
shmlens_test_gtk_available (const char *suite)
{
  g_autofree char *path = NULL;

  if (gtk_init_check ())
    return TRUE;
  path = g_strdup_printf ("/shmlens/%s/no-display", suite);
  g_test_add_func (path, test_no_display);
  return FALSE;
}

/**
 * shmlens_test_application_new:
 *
 * Returns: (transfer full): the app's application, registered without claiming its
 *   bus name, so that a test can open windows of the real app beside another
 *   instance
 */
ShmlensApplication *
shmlens_test_application_new (void)
{
  g_autoptr(GError) error = NULL;
  ShmlensApplication *app = shmlens_application_new ();

  g_application_set_flags (G_APPLICATION (app), g_application_get_flags (G_APPLICATION (app)) |
                                                G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

/**
 * shmlens_test_find_widget:
 * @root: a widget
 * @type: a widget type
 *
 * Returns: (transfer none) (nullable): the first widget of @type at or under @root,
 *   depth first
 */
GtkWidget *
shmlens_test_find_widget (GtkWidget *root,
                          GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = shmlens_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * shmlens_test_window_open:
 * @open: where to keep what was opened
 * @app: the test's application
 * @tag: a word for the segment's name
 * @size: the segment's size
 *
 * Creates a POSIX segment, opens it in a new main window shown on screen, and runs
 * the main loop until the page has refreshed.
 */
void
shmlens_test_window_open (ShmlensTestWindow  *open,
                          ShmlensApplication *app,
                          const char         *tag,
                          gsize               size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = NULL;

  open->name = shmlens_test_posix_create (tag, NULL, size);
  ref = g_strconcat ("/", open->name, NULL);
  open->window = shmlens_window_new (app);
  gtk_window_present (GTK_WINDOW (open->window));
  g_assert_true (shmlens_window_open_ref (open->window, ref, &error));
  g_assert_no_error (error);
  open->page = shmlens_window_get_current_page (open->window);
  g_assert_nonnull (open->page);
  shmlens_test_run_main_loop_for (300);
}

/**
 * shmlens_test_window_close:
 * @open: what shmlens_test_window_open() opened
 *
 * Destroys the window and removes the segment.
 */
void
shmlens_test_window_close (ShmlensTestWindow *open)
{
  gtk_window_destroy (GTK_WINDOW (open->window));
  shmlens_test_run_main_loop_for (50);
  shmlens_test_posix_remove (open->name);
  g_clear_pointer (&open->name, g_free);
}
