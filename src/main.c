// SPDX-License-Identifier: Apache-2.0
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
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
	if (!no_args("list-gadgets", argc, argv))
		return IG_EXIT_USAGE;
	for (size_t i = 0; i < ig_ngadgets; i++)
		printf("%-16s %s\n", ig_gadgets[i]->name, ig_gadgets[i]->description);
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

static int cmd_run(int argc, char **argv)
{
	const struct gadget *g;

	if (argc < 1) {
		ig_err("run needs a gadget name (see ig list-gadgets)");
		return IG_EXIT_USAGE;
	}
	if (is_help(argv[0])) {
		cli_print_usage(stdout);
		return 0;
	}
	g = find_gadget(argv[0], argv[0]);
	return g ? run_found(g, argc - 1, argv + 1) : IG_EXIT_USAGE;
}

/* The older CLI's "ig trace exec|open|tcp [flags]": trace_exec and so on. */
static int cmd_trace(int argc, char **argv)
{
	char name[64], shown[80];
	const struct gadget *g;

	if (argc < 1) {
		ig_err("trace needs exec, open or tcp (ig trace open is ig run trace_open)");
		return IG_EXIT_USAGE;
	}
	if (is_help(argv[0])) {
		cli_print_usage(stdout);
		return 0;
	}
	/* A plain word: "trace trace_open:latest" is no older-CLI name. */
	snprintf(name, sizeof(name), "trace_%s", strpbrk(argv[0], "/:") ? "" : argv[0]);
	snprintf(shown, sizeof(shown), "trace %s", argv[0]);
	g = find_gadget(name, shown);
	return g ? run_found(g, argc - 1, argv + 1) : IG_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "help";

	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(cmd, "trace"))
		return cmd_trace(argc - 2, argv + 2);
	if (!strcmp(cmd, "daemon"))
		return tl_daemon_main(argc - 2, argv + 2);
	if (!strcmp(cmd, "traceloop"))
		return tl_client_main(argc - 2, argv + 2);
	if (!strcmp(cmd, "list-containers"))
		return cmd_list_containers(argc - 2, argv + 2);
	if (!strcmp(cmd, "list-gadgets"))
		return cmd_list_gadgets(argc - 2, argv + 2);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		if (!no_args(cmd, argc - 2, argv + 2))
			return IG_EXIT_USAGE;
		printf("ig version %s\n", IG_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		return cmd_help(argc - 2, argv + 2);
	ig_err("unknown command \"%s\" (see ig help)", cmd);
	return IG_EXIT_USAGE;
}
