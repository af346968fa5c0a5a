/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-highlight.c: a changed value's highlight, fading out in steps.
 *
 * A value that changed (in the data inspector, the structure panel) lights up at
 * once and fades out over the highlight time in SHMLENS_HIGHLIGHT_STEPS steps, each
 * a style class: "changed", then "changed fade-1", "changed fade-2"… (style.css has
 * their colours).
 *
 * Steps rather than a CSS transition: a transition has GTK redraw the window at the
 * display's frame rate for as long as it runs. Watching a busy segment, values change
 * at almost every refresh, so one ran nearly all the time and doubled the frames
 * drawn: 22 a second instead of the 10 the refresh asked for, and a quarter of the
 * app's CPU. Steps move on at the refreshes the view makes anyway; a timeout carries
 * them on only when refreshes stop (paused), and waits at least a step so that it
 * never fires between two refreshes. The hex view fades its bytes the same way, at
 * each refresh. */
#include "config.h"

#include "shmlens-highlight.h"

static const char * const fade_classes[SHMLENS_HIGHLIGHT_STEPS] = {
  NULL, "fade-1", "fade-2", "fade-3",
};

/**
 * shmlens_highlight_clear:
 * @widget: a widget that may be lit
 *
 * Takes the highlight off @widget at once.
 */
void
shmlens_highlight_clear (GtkWidget *widget)
{
  gtk_widget_remove_css_class (widget, "changed");
  for (guint i = 1; i < SHMLENS_HIGHLIGHT_STEPS; i++)
    gtk_widget_remove_css_class (widget, fade_classes[i]);
}

/**
 * shmlens_highlight_update:
 * @widget: the widget showing the value
 * @changed_at: when the value changed (on the caller's clock)
 * @now_us: now, on the same clock
 * @duration_us: how long a highlight lasts
 *
 * Gives @widget the step of the highlight that @now_us falls in, or takes it off
 * once the highlight is over.
 *
 * Returns: when the next step begins, or 0 when the highlight is over
 */
gint64
shmlens_highlight_update (GtkWidget *widget,
                          gint64     changed_at,
                          gint64     now_us,
                          gint64     duration_us)
{
  gint64 age = MAX (now_us - changed_at, 0);
  guint step;

  if (duration_us <= 0 || age >= duration_us)
    {
      shmlens_highlight_clear (widget);
      return 0;
    }

  step = (guint) (age * SHMLENS_HIGHLIGHT_STEPS / duration_us);
  /* adding a class a widget has, or removing one it lacks, restyles nothing */
  gtk_widget_add_css_class (widget, "changed");
  for (guint i = 1; i < SHMLENS_HIGHLIGHT_STEPS; i++)
    {
      if (i == step)
        gtk_widget_add_css_class (widget, fade_classes[i]);
      else
        gtk_widget_remove_css_class (widget, fade_classes[i]);
    }
  return changed_at + duration_us * (step + 1) / SHMLENS_HIGHLIGHT_STEPS;
}

/**
 * shmlens_highlight_timeout:
 * @next_step: when the earliest next step of any highlight begins
 * @now_us: now, on the same clock
 * @duration_us: how long a highlight lasts
 *
 * The delay, in milliseconds, for the timeout that moves highlights on when no
 * refresh does: until @next_step, but at least a step, so that refreshes coming
 * faster than the steps move them and the timeout never draws a frame of its own.
 * Rounded up, so that it never fires a moment too early and spins.
 *
 * Returns: the delay in milliseconds
 */
guint
shmlens_highlight_timeout (gint64 next_step,
                           gint64 now_us,
                           gint64 duration_us)
{
  gint64 step_us = MAX (duration_us / SHMLENS_HIGHLIGHT_STEPS, 1);
  gint64 delay = CLAMP (next_step - now_us, step_us, MAX (duration_us, step_us));

  return (guint) ((delay + 999) / 1000);
}
