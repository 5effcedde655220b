/* SPDX-License-Identifier: Apache-2.0 */
#ifndef IG_CLI_H
#define IG_CLI_H

#include <stdio.h>
#include "flags.h"
#include "gadget.h"

/* The flags every command that prints rows shares (-o, --fields, -F, the
 * selectors...), bound to struct run_opts. */
extern const struct gadget_flag cli_common_flags[];
extern const size_t cli_ncommon_flags;

/* A command's flags: the common ones, then its own (bound into opts). */
struct cli_cmd {
	const char *name;          /* errors say: unknown flag "--x" for NAME */
	const char *hint;          /* (see HINT) */
	const struct gadget *g;    /* its gadget, or NULL */
	const struct gadget_flag *flags;
	size_t nflags;
	void *opts;
	struct flag_value *given;  /* NULL, or one per flag */
};

/*
 * Parse a command's flags. Returns 0, FLAGS_HELP when help was asked for
 * (the caller prints it), or -1 with a message in err.
 */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct run_opts *o,
	      char *err, size_t errlen);
/* "ig run <gadget>": the common flags and the gadget's, into gopts. */
int cli_parse_run(const struct gadget *g, int argc, char **argv, struct run_opts *o,
		  void *gopts, struct flag_value *gflags, char *err, size_t errlen);
void cli_print_gadget_help(FILE *f, const struct gadget *g);
void cli_print_usage(FILE *f);

#endif
