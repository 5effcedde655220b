// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "list_containers.h"
#include "run.h"
#include "traceloop/tl.h"

static int cmd_list_gadgets(void)
{
	for (size_t i = 0; i < ig_ngadgets; i++)
		printf("%-16s %s\n", ig_gadgets[i]->name, ig_gadgets[i]->description);
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	const struct gadget *g;

	if (argc < 1) {
		cli_print_usage(stdout);
		return 0;
	}
	g = gadget_find(argv[0]);
	if (!g) {
		ig_err("unknown gadget \"%s\" (see ig list-gadgets)", argv[0]);
		return IG_EXIT_USAGE;
	}
	cli_print_gadget_help(stdout, g);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	const struct gadget *g;

	if (argc < 1) {
		ig_err("run needs a gadget name (see ig list-gadgets)");
		return IG_EXIT_USAGE;
	}
	g = gadget_find(argv[0]);
	if (!g) {
		ig_err("unknown gadget \"%s\" (see ig list-gadgets)", argv[0]);
		return IG_EXIT_USAGE;
	}
	if (g->run)
		return g->run(g, argc - 1, argv + 1);
	return run_gadget(g, argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "help";

	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(cmd, "daemon"))
		return tl_daemon_main(argc - 2, argv + 2);
	if (!strcmp(cmd, "traceloop"))
		return tl_client_main(argc - 2, argv + 2);
	if (!strcmp(cmd, "list-containers"))
		return cmd_list_containers(argc - 2, argv + 2);
	if (!strcmp(cmd, "list-gadgets"))
		return cmd_list_gadgets();
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("ig version %s\n", IG_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		return cmd_help(argc - 2, argv + 2);
	ig_err("unknown command \"%s\" (see ig help)", cmd);
	return IG_EXIT_USAGE;
}
