/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shmlens-error.c: the SHMLENS_ERROR domain. */
#include "config.h"

#include "shmlens-error.h"

G_DEFINE_QUARK (shmlens-error-quark, shmlens_error)
