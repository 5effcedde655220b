/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ig daemon's gadgets: from --gadgets a,b and --gadget 'NAME --flag ...'
 * (its flags as on ig run's command line), or from a YAML config file
 * (--config), reread on SIGHUP, where the same flags are keys:
 *
 *   gadgets:
 *     trace_exec:            # a gadget's flags, as on ig run's command line
 *       paths: true
 *     trace_open: {}
 *     trace_tcp:
 *       host: true
 *     traceloop:             # the syscall recorder; started once
 *   policies:                # TracingPolicy files: trace_process enforces
 *     - /etc/ig/block-shadow.yaml  # them (started for them if not listed)
 *   export-allowlist: |      # Tetragon's export filters (docs/policies.md);
 *     {"event_set":["PROCESS_EXEC"]}   # the flags of the same names win
 *   export-denylist: '{"binary_regex":["^/usr/bin/cat$"]}'
 */
#ifndef IG_DAEMON_CONFIG_H
#define IG_DAEMON_CONFIG_H

#include <stddef.h>

struct gadget_spec {
	char *name;
	char **argv;       /* "--flag=value", NULL-terminated */
	int argc;
	char *key;         /* name and flags: equal keys mean the same gadget */
};

#define CONFIG_MAX_POLICIES 8

struct daemon_config {
	struct gadget_spec *g;
	size_t n;
	char *policies[CONFIG_MAX_POLICIES];   /* paths */
	size_t npolicies;
	char *allowlist, *denylist;            /* text, or NULL */
};

/* "a,b,c": each a gadget with its defaults. 0, or -1 with err. */
int config_from_list(struct daemon_config *c, const char *list, char *err, size_t errlen);
/* Add one gadget with its flags as on ig run's command line:
 * "trace_open --failed --comm=nginx" or "trace_open --comm nginx" (words
 * split at blanks: a value with blanks belongs in a config file). c must
 * be zeroed or filled by config_from_list. 0, or -1 with err. */
int config_add_spec(struct daemon_config *c, const char *spec, char *err, size_t errlen);
/* Parse a config file. 0, or -1 with err. */
int config_load(struct daemon_config *c, const char *path, char *err, size_t errlen);
/* Add a TracingPolicy path (the daemon's --policy, the file's list).
 * 0, or -1 with err. */
int config_add_policy(struct daemon_config *c, const char *path, char *err, size_t errlen);
/* Give the policies to trace_process: its spec (added when the config
 * has none) gets --policy=FILE for each, and its key a digest of their
 * contents, so a reload restarts it exactly when a policy changed.
 * 0, or -1 with err. */
int config_bind_policies(struct daemon_config *c, char *err, size_t errlen);
/* The spec named name, or NULL. */
const struct gadget_spec *config_find(const struct daemon_config *c, const char *key);
void config_free(struct daemon_config *c);

#endif
