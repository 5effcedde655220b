/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed flags: a table of struct gadget_flag (src/gadget.h), each bound by
 * offsetof to a member of an options struct, parsed from argv in one
 * place for every command: the common run flags (src/cli.c), a gadget's
 * own, and those of list-containers and the daemon. --help is printed
 * from the same tables.
 */
#ifndef IG_FLAGS_H
#define IG_FLAGS_H

#include <stdio.h>
#include "gadget.h"

/* A custom flag's setter asks for the help with this. */
#define FLAGS_HELP 1

struct flag_set {
	const struct gadget_flag *flags;
	size_t n;
	void *opts;                /* the struct bound flags are written to */
	struct flag_value *given;  /* NULL, or one per flag: the text given */
};

/*
 * Each set's defaults, then argv: "--name value", "--name=value", "-x
 * value", "-xvalue", "--bool" or "--bool=false". kind (a GK_*) selects the
 * flags restricted to some kinds. who names the command in errors, hint
 * says where its help is. Returns 0, FLAGS_HELP for --help, or -1 with a
 * message in err.
 */
int flags_parse(const struct flag_set *sets, size_t nsets, unsigned int kind, int argc,
		char **argv, const char *who, const char *hint, char *err, size_t errlen);
/* Set flag f of set to the text v, as if given. 0 or -1 with err. */
int flags_set(const struct flag_set *set, const struct gadget_flag *f, const char *v,
	      char *err, size_t errlen);
/* One line per flag that applies to kind: "  -o, --output MODE   help (default x)". */
void flags_help(FILE *out, const struct gadget_flag *flags, size_t n, unsigned int kind);

#endif
