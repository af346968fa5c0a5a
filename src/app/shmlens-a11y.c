/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-a11y.c: work-arounds for what GTK 4.8 tells screen readers.
 *
 * A GtkButton with a mnemonic ("_Try Again") reaches AT-SPI under GTK 4.8 as
 * "_Try Again Try Again": its accessible label is the raw label, underscore included,
 * and its "labelled-by" relation adds the label inside it. Setting a label of our own
 * only changes the first half ("Try Again Try Again"). A button named once, without
 * the underscore, needs its own label and no "labelled-by" relation; this file gives
 * every mnemonic button in a widget tree exactly that. */
#include "config.h"

#include "shmlens-a11y.h"

/**
 * shmlens_a11y_strip_mnemonic:
 * @label: a label with mnemonics: "_Open", "Save __As"
 *
 * Returns: (transfer full): the label as it reads: "Open", "Save _As"
 */
char *
shmlens_a11y_strip_mnemonic (const char *label)
{
  GString *text = g_string_sized_new (strlen (label));

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          /* "__" is a literal underscore; a lone one marks the mnemonic */
          if (p[1] == '_')
            {
              g_string_append_c (text, '_');
              p++;
            }
          continue;
        }
      g_string_append_c (text, *p);
    }
  return g_string_free (text, FALSE);
}

static void
name_button (GtkWidget  *button,
             const char *label,
             gboolean    use_underline)
{
  g_autofree char *name = NULL;

  if (label == NULL || !use_underline)
    return;
  name = shmlens_a11y_strip_mnemonic (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

/**
 * shmlens_a11y_name_mnemonic_buttons:
 * @root: a widget
 *
 * Gives @root and every button or check button under it that shows a mnemonic label
 * one accessible name, the label as it reads. Call it once the widgets are built; a
 * button whose label changes later needs it again.
 */
void
shmlens_a11y_name_mnemonic_buttons (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root))
    name_button (root, gtk_button_get_label (GTK_BUTTON (root)),
                 gtk_button_get_use_underline (GTK_BUTTON (root)));
  /* a check button reads "_Keep" the same way */
  else if (GTK_IS_CHECK_BUTTON (root))
    name_button (root, gtk_check_button_get_label (GTK_CHECK_BUTTON (root)),
                 gtk_check_button_get_use_underline (GTK_CHECK_BUTTON (root)));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    shmlens_a11y_name_mnemonic_buttons (child);
}
