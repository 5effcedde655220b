/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trace_process --policy FILE: a subset of Tetragon's TracingPolicy,
 * spec.tracepoints with selectors and actions, parsed (policy_parse.c),
 * then resolved against the kernel's tracefs formats and attached
 * (policy_load.c). The selection and the action run in BPF.
 */
#ifndef IG_POLICY_H
#define IG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "trace_process.h"

#define POL_MAX_POLICIES 8
#define POL_MAX_FILE     (256 * 1024)   /* bytes of YAML */
#define POL_MAX_DEPTH    24             /* nested collections */
#define POL_NAME_MAX     64

struct pol_spec_hook {
	char subsys[POL_NAME_MAX];
	char event[POL_NAME_MAX];
	size_t nargs;
	int arg_index[POL_MAX_ARGS];          /* the tracefs field's index */
	char arg_type[POL_MAX_ARGS][16];      /* as written: "string", "int64"... */
	size_t nsel;
	struct pol_selector sel[POL_MAX_SELECTORS];
	/* matchNamespaces value "host_ns": the loader reads /proc/1/ns */
	bool ns_host[POL_MAX_SELECTORS][POL_MAX_NS];
	size_t policy;                        /* index in names */
};

#define POL_SCOPE_EXPRS  4
#define POL_SCOPE_VALUES 4
#define POL_SCOPE_NAME   256            /* a container's name (CT_NAME_LEN) */

enum pol_scope_op { POL_SCOPE_IN = 1, POL_SCOPE_NOTIN, POL_SCOPE_EXISTS, POL_SCOPE_DOESNOTEXIST };

/* spec.containerSelector: a label selector over the container's fields, of
 * which Tetragon knows one, "name" (policy_scope.c). */
struct pol_scope {
	bool set;                             /* the policy has one */
	size_t nexpr;                         /* requirements, all must hold */
	struct {
		unsigned int op;              /* enum pol_scope_op */
		size_t nvals;
		char vals[POL_SCOPE_VALUES][POL_SCOPE_NAME];
	} expr[POL_SCOPE_EXPRS];
};

struct pol_set {
	size_t npolicies;
	char names[POL_MAX_POLICIES][POL_NAME_MAX];
	struct pol_scope scopes[POL_MAX_POLICIES];
	size_t nhooks;
	struct pol_spec_hook hooks[POL_MAX_HOOKS];
};

/* Whether an argument type is a string (else an integer). */
bool pol_type_is_string(const char *type);
/* Add the policy in text (YAML) to set; file names it in messages. On
 * error: -1, set unchanged, one line in err naming the field. */
int pol_parse(struct pol_set *set, const char *text, size_t len, const char *file,
	      char *err, size_t errlen);
/* The same from a file (at most POL_MAX_FILE bytes). */
int pol_parse_file(struct pol_set *set, const char *path, char *err, size_t errlen);

/* A scoped policy's bit in struct pol_hook's scope_bit and the pol_scope
 * map's values. */
static inline __u32 pol_scope_bit(size_t policy)
{
	return 1u << policy;
}

struct pol_yaml;
struct yaml_node_s;
/* spec.containerSelector into *sc; -1 with the message in c on error. */
int pol_scope_parse(struct pol_yaml *c, struct yaml_node_s *v, struct pol_scope *sc);
/* The bits of the policies whose containerSelector selects a container of
 * that name (NULL: the host, which none selects). */
__u32 pol_scope_bits(const struct pol_set *set, const char *container_name);
/* Whether any policy of the set has a containerSelector. */
bool pol_any_scoped(const struct pol_set *set);

/* The names of pol_op and pol_action values, as the YAML spells them. */
const char *pol_action_name(unsigned int action);

#endif
