// SPDX-License-Identifier: Apache-2.0
/*
 * spec.containerSelector of a TracingPolicy: which containers the policy
 * acts in. Tetragon's is a Kubernetes label selector over the container's
 * fields, of which it knows one, "name"; so does ig. A policy with a
 * selector acts only in containers it selects, never on the host; one
 * without acts wherever -c, --k8s-... and --host let events through.
 */
#include <string.h>
#include "policy.h"
#include "policy_yaml.h"

static int label_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	struct pol_scope *sc = arg;

	(void)k;   /* "name": the only key py_each_member lets through */
	if (sc->nexpr >= POL_SCOPE_EXPRS)
		return py_fail(c, "more than %d requirements (ig's limit)", POL_SCOPE_EXPRS);
	sc->expr[sc->nexpr].op = POL_SCOPE_IN;
	sc->expr[sc->nexpr].nvals = 1;
	if (py_str(c, v, sc->expr[sc->nexpr].vals[0], POL_SCOPE_NAME))
		return -1;
	sc->nexpr++;
	return 0;
}

struct expr_building {
	struct pol_scope *sc;
	size_t i;
};

static int expr_value(struct pol_yaml *c, yaml_node_t *v, size_t i, void *arg)
{
	struct expr_building *b = arg;

	b->sc->expr[b->i].nvals = i + 1;
	return py_str(c, v, b->sc->expr[b->i].vals[i], POL_SCOPE_NAME);
}

static int expr_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	static const char *const ops[] = { "", "In", "NotIn", "Exists", "DoesNotExist", NULL };
	struct expr_building *b = arg;
	char s[32];

	if (!strcmp(k, "values"))
		return py_each_item(c, v, POL_SCOPE_VALUES, expr_value, b);
	if (py_str(c, v, s, sizeof(s)))
		return -1;
	if (!strcmp(k, "key"))
		return strcmp(s, "name") ? py_fail(c, "only the key name is supported") : 0;
	for (unsigned int op = POL_SCOPE_IN; ops[op]; op++)
		if (!strcmp(s, ops[op])) {
			b->sc->expr[b->i].op = op;
			return 0;
		}
	return py_fail(c, "must be In, NotIn, Exists or DoesNotExist");
}

static int one_expr(struct pol_yaml *c, yaml_node_t *v, size_t i, void *arg)
{
	static const char *const known[] = { "key", "operator", "values", NULL };
	struct pol_scope *sc = arg;
	struct expr_building b = { sc, sc->nexpr };
	unsigned int op;

	(void)i;
	if (sc->nexpr >= POL_SCOPE_EXPRS)
		return py_fail(c, "more than %d requirements (ig's limit)", POL_SCOPE_EXPRS);
	memset(&sc->expr[b.i], 0, sizeof(sc->expr[b.i]));
	if (!py_member(c, v, "key") || !py_member(c, v, "operator"))
		return py_fail(c, "needs key and operator");
	if (py_each_member(c, v, known, NULL, expr_member, &b))
		return -1;
	op = sc->expr[b.i].op;
	if ((op == POL_SCOPE_IN || op == POL_SCOPE_NOTIN) != (sc->expr[b.i].nvals > 0))
		return py_fail(c, "In and NotIn need values, Exists and DoesNotExist none");
	sc->nexpr++;
	return 0;
}

static int selector_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	static const char *const label_keys[] = { "name", NULL };

	if (!strcmp(k, "matchLabels"))
		return py_each_member(c, v, label_keys, NULL, label_member, arg);
	return py_each_item(c, v, POL_SCOPE_EXPRS, one_expr, arg);
}

int pol_scope_parse(struct pol_yaml *c, yaml_node_t *v, struct pol_scope *sc)
{
	static const char *const known[] = { "matchLabels", "matchExpressions", NULL };

	memset(sc, 0, sizeof(*sc));
	sc->set = true;
	return py_each_member(c, v, known, NULL, selector_member, sc);
}

static bool in_values(const char *name, const struct pol_scope *sc, size_t e)
{
	for (size_t i = 0; i < sc->expr[e].nvals; i++)
		if (!strcmp(name, sc->expr[e].vals[i]))
			return true;
	return false;
}

/* A label selector's requirements all hold (none: every container). */
static bool scope_selects(const struct pol_scope *sc, const char *name)
{
	for (size_t e = 0; e < sc->nexpr; e++) {
		switch (sc->expr[e].op) {
		case POL_SCOPE_IN:
			if (!in_values(name, sc, e))
				return false;
			break;
		case POL_SCOPE_NOTIN:
			if (in_values(name, sc, e))
				return false;
			break;
		case POL_SCOPE_DOESNOTEXIST:   /* a container always has a name */
			return false;
		}
	}
	return true;
}

__u32 pol_scope_bits(const struct pol_set *set, const char *container_name)
{
	__u32 bits = 0;

	for (size_t p = 0; p < set->npolicies; p++)
		if (set->scopes[p].set && container_name && scope_selects(&set->scopes[p], container_name))
			bits |= pol_scope_bit(p);
	return bits;
}

bool pol_any_scoped(const struct pol_set *set)
{
	for (size_t p = 0; p < set->npolicies; p++)
		if (set->scopes[p].set)
			return true;
	return false;
}
