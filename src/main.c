// SPDX-License-Identifier: Apache-2.0
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "list.h"
#include "list_containers.h"
#include "run.h"
#include "traceloop/tl.h"

/* A command that takes no arguments refuses any, rather than ignore them. */
static bool no_args(const char *cmd, int argc, char **argv)
{
	if (argc < 1)
		return true;
	ig_err("%s takes no arguments (got \"%s\")", cmd, argv[0]);
	return false;
}

static int cmd_list_gadgets(int argc, char **argv)
{
	size_t n;
	const struct gadget *const *list = gadget_list(&n);

	if (!no_args("list-gadgets", argc, argv))
		return IG_EXIT_USAGE;
	for (size_t i = 0; i < n; i++)
		printf("%-16s %s\n", list[i]->name, list[i]->description);
	return 0;
}

/* The gadget called name, or NULL after the usage error that names it as
 * the user wrote it (shown). */
static const struct gadget *find_gadget(const char *name, const char *shown)
{
	const struct gadget *g = gadget_find(name);

	if (!g)
		ig_err("unknown gadget \"%s\" (see ig list-gadgets)", shown);
	return g;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h") || !strcmp(arg, "help");
}

static int cmd_help(int argc, char **argv)
{
	const struct gadget *g;

	if (argc < 1 || !strcmp(argv[0], "run")) {
		cli_print_usage(stdout);
		return 0;
	}
	g = find_gadget(argv[0], argv[0]);
	if (!g)
		return IG_EXIT_USAGE;
	cli_print_gadget_help(stdout, g);
	return 0;
}

/* argv: the gadget's own arguments. */
static int run_found(const struct gadget *g, int argc, char **argv)
{
	if (g->run)
		return g->run(g, argc, argv);
	return run_gadget(g, argc, argv);
}

/* The first argument of run and trace: -1 when it names something to run,
 * else the exit code (none: a usage error; help: the usage). */
static int first_arg(int argc, char **argv, const char *missing)
{
	if (argc < 1) {
		ig_err("%s", missing);
		return IG_EXIT_USAGE;
	}
	if (is_help(argv[0])) {
		cli_print_usage(stdout);
		return 0;
	}
	return -1;
}

static int cmd_run(int argc, char **argv)
{
	const struct gadget *g;
	int ret = first_arg(argc, argv, "run needs a gadget name (see ig list-gadgets)");

	if (ret >= 0)
		return ret;
	g = find_gadget(argv[0], argv[0]);
	return g ? run_found(g, argc - 1, argv + 1) : IG_EXIT_USAGE;
}

/* The older CLI's "ig trace exec|open|tcp [flags]", "ig top tcp",
 * "ig snapshot socket": the gadget KIND_WORD (trace_exec, top_tcp...). */
static int run_kind_word(const char *kind, const char *missing, int argc, char **argv)
{
	char name[64], shown[80];
	const struct gadget *g;
	int ret = first_arg(argc, argv, missing);

	if (ret >= 0)
		return ret;
	/* A plain word: "trace trace_open:latest" is no older-CLI name. */
	snprintf(name, sizeof(name), "%s_%s", kind, strpbrk(argv[0], "/:") ? "" : argv[0]);
	snprintf(shown, sizeof(shown), "%s %s", kind, argv[0]);
	g = find_gadget(name, shown);
	return g ? run_found(g, argc - 1, argv + 1) : IG_EXIT_USAGE;
}

static int cmd_trace(int argc, char **argv)
{
	return run_kind_word("trace", "trace needs exec, open or tcp (ig trace open is ig run trace_open)",
			     argc, argv);
}

static int cmd_top(int argc, char **argv)
{
	return run_kind_word("top", "top needs a name such as tcp (ig top tcp is ig run top_tcp)",
			     argc, argv);
}

static int cmd_snapshot(int argc, char **argv)
{
	return run_kind_word("snapshot",
			     "snapshot needs a name such as socket (ig snapshot socket is ig run snapshot_socket)",
			     argc, argv);
}

static int cmd_version(int argc, char **argv)
{
	if (!no_args("version", argc, argv))
		return IG_EXIT_USAGE;
	printf("ig version %s\n", IG_VERSION);
	return 0;
}

/* The commands, bpftool-style: a name (aliases: a comma list) and the
 * function that takes the arguments after it. */
struct command {
	const char *names;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "run", cmd_run },
	{ "trace", cmd_trace },
	{ "top", cmd_top },
	{ "snapshot", cmd_snapshot },
	{ "daemon", tl_daemon_main },
	{ "traceloop", tl_client_main },
	{ "list-containers", cmd_list_containers },
	{ "list-gadgets", cmd_list_gadgets },
	{ "version,--version", cmd_version },
	{ "help,--help,-h", cmd_help },
};

static int cmd_select(const struct command *cmds, size_t n, int argc, char **argv)
{
	const char *name = argc > 0 ? argv[0] : "help";

	for (size_t i = 0; i < n; i++)
		if (list_has(cmds[i].names, name, strlen(name), false))
			return cmds[i].run(argc - (argc > 0), argv + (argc > 0));
	ig_err("unknown command \"%s\" (see ig help)", name);
	return IG_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	return cmd_select(commands, ARRAY_SIZE(commands), argc - 1, argv + 1);
}
