/* SPDX-License-Identifier: Apache-2.0 */
/* The strict YAML reader under the policy parser (policy_yaml.c). */
#ifndef IG_POLICY_YAML_H
#define IG_POLICY_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

struct pol_yaml {
	yaml_document_t *doc;
	const char *file;
	char *err;
	size_t errlen;
	char path[256];         /* where we are: spec.tracepoints[0].args[1] */
};

/* "policy FILE: PATH: message" into c->err; returns -1. */
int py_fail(struct pol_yaml *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Enter a member (".key") or an item ("[i]", key NULL) of the path;
 * py_leave() takes back what py_enter() returned. */
size_t py_enter(struct pol_yaml *c, const char *key, int item);
void py_leave(struct pol_yaml *c, size_t n);
yaml_node_t *py_node(struct pol_yaml *c, int id);
/* A scalar's text, or NULL for a mapping or a list. */
const char *py_scalar(yaml_node_t *n);
/* The value of key in a mapping, or NULL. */
yaml_node_t *py_member(struct pol_yaml *c, yaml_node_t *map, const char *key);
/* Typed values; -1 with the message set when the type is wrong. */
int py_str(struct pol_yaml *c, yaml_node_t *n, char *out, size_t size);
int py_int(struct pol_yaml *c, yaml_node_t *n, long long min, long long max, long long *out);
int py_bool(struct pol_yaml *c, yaml_node_t *n, bool *out);
bool py_in_list(const char *s, const char *const *list);

typedef int (*member_fn)(struct pol_yaml *c, const char *key, yaml_node_t *v, void *arg);
typedef int (*item_fn)(struct pol_yaml *c, yaml_node_t *v, size_t i, void *arg);

/* Walk a mapping: a key in known goes to fn; one in unsupported (a field
 * Tetragon has) is refused as "not supported by ig"; any other as unknown;
 * a key given twice too. */
int py_each_member(struct pol_yaml *c, yaml_node_t *map, const char *const *known,
		   const char *const *unsupported, member_fn fn, void *arg);
/* Walk a list of at most max items. */
int py_each_item(struct pol_yaml *c, yaml_node_t *seq, size_t max, item_fn fn, void *arg);
/* Before building the document: one document, no anchors or aliases,
 * nesting at most POL_MAX_DEPTH. */
int py_prescan(struct pol_yaml *c, const char *text, size_t len);

#endif
