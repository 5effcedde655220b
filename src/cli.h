/* SPDX-License-Identifier: Apache-2.0 */
#ifndef IG_CLI_H
#define IG_CLI_H

#include <stdio.h>
#include "gadget.h"

/*
 * Parse "ig run <gadget>" flags (common and the gadget's). Returns 0, 1 when
 * help was asked for (already printed), or -1 with a message in err.
 */
int cli_parse_run(const struct gadget *g, int argc, char **argv, struct run_opts *o,
		  struct flag_value *gflags, char *err, size_t errlen);
void cli_print_gadget_help(FILE *f, const struct gadget *g);
void cli_print_usage(FILE *f);

#endif
