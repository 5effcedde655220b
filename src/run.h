/* SPDX-License-Identifier: Apache-2.0 */
#ifndef IG_RUN_H
#define IG_RUN_H

#include "gadget.h"

/* "ig run <gadget> [flags]": returns the process exit code. */
int run_gadget(const struct gadget *g, int argc, char **argv);

#endif
