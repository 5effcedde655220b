// SPDX-License-Identifier: Apache-2.0
/*
 * A strict reader over a libyaml document, for the policy parser: typed
 * getters, mapping and list walkers that refuse unknown keys by name and
 * long lists, and messages that say where ("spec.tracepoints[0].event").
 * py_prescan() refuses what would make the document itself a hazard before
 * it is built: anchors and aliases (a "billion laughs" expands through
 * them) and deep nesting.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy.h"
#include "policy_yaml.h"

int py_fail(struct pol_yaml *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "policy %s: %s%s%s", c->file, c->path, c->path[0] ? ": " : "", msg);
	/* The message quotes the file's own text: keep it one line (ig_err
	 * escapes the rest when it prints it). */
	for (char *p = c->err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -1;
}

/* Enter a member (".key") or an item ("[i]") of the path; leave returns
 * the previous length. */
size_t py_enter(struct pol_yaml *c, const char *key, int item)
{
	size_t n = strlen(c->path);

	if (item >= 0)
		snprintf(c->path + n, sizeof(c->path) - n, "[%d]", item);
	else
		snprintf(c->path + n, sizeof(c->path) - n, "%s%s", n ? "." : "", key);
	return n;
}

void py_leave(struct pol_yaml *c, size_t n)
{
	c->path[n] = 0;
}

yaml_node_t *py_node(struct pol_yaml *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

const char *py_scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value of key in a mapping, or NULL. */
yaml_node_t *py_member(struct pol_yaml *c, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = py_scalar(py_node(c, p->key));

		if (k && !strcmp(k, key))
			return py_node(c, p->value);
	}
	return NULL;
}

int py_str(struct pol_yaml *c, yaml_node_t *n, char *out, size_t size)
{
	const char *s = py_scalar(n);

	if (!s)
		return py_fail(c, "must be a string");
	if (strlen(s) >= size || n->data.scalar.length != strlen(s))
		return py_fail(c, "is longer than %zu bytes or holds a NUL", size - 1);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

int py_int(struct pol_yaml *c, yaml_node_t *n, long long min, long long max, long long *out)
{
	const char *s = py_scalar(n);
	char *end;

	if (!s || !*s)
		return py_fail(c, "must be a number");
	errno = 0;
	*out = strtoll(s, &end, 0);
	if (errno || *end || *out < min || *out > max)
		return py_fail(c, "must be a number from %lld to %lld, not \"%.40s\"", min, max, s);
	return 0;
}

int py_bool(struct pol_yaml *c, yaml_node_t *n, bool *out)
{
	const char *s = py_scalar(n);

	if (s && (!strcmp(s, "true") || !strcmp(s, "false"))) {
		*out = s[0] == 't';
		return 0;
	}
	return py_fail(c, "must be true or false");
}

/* Fields Tetragon has that ig does not: refused by name, never ignored. */
bool py_in_list(const char *s, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* Walk a mapping: each key must be in known (then fn handles it) or is
 * refused, as unsupported (a Tetragon field) or unknown. */
int py_each_member(struct pol_yaml *c, yaml_node_t *map, const char *const *known,
		       const char *const *unsupported, member_fn fn, void *arg)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return py_fail(c, "must be a mapping");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = py_scalar(py_node(c, p->key));
		size_t n;
		int ret;

		if (!k)
			return py_fail(c, "a key must be a string");
		if (py_in_list(k, unsupported))
			return py_fail(c, "%s is not supported by ig", k);
		if (!py_in_list(k, known))
			return py_fail(c, "unknown key \"%.40s\"", k);
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++)
			if (!strcmp(py_scalar(py_node(c, q->key)), k))
				return py_fail(c, "%s is given twice", k);
		n = py_enter(c, k, -1);
		ret = fn(c, k, py_node(c, p->value), arg);
		if (ret)
			return ret;
		py_leave(c, n);
	}
	return 0;
}

int py_each_item(struct pol_yaml *c, yaml_node_t *seq, size_t max, item_fn fn, void *arg)
{
	size_t i = 0;

	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return py_fail(c, "must be a list");
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++, i++) {
		size_t n;
		int ret;

		if (i >= max)
			return py_fail(c, "has more than %zu entries (ig's limit)", max);
		n = py_enter(c, NULL, i);
		ret = fn(c, py_node(c, *it), i, arg);
		if (ret)
			return ret;
		py_leave(c, n);
	}
	return 0;
}

/* Before building the document: no aliases (they expand), bounded depth. */
int py_prescan(struct pol_yaml *c, const char *text, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, ret = 0;
	bool done = false;

	if (!yaml_parser_initialize(&p))
		return py_fail(c, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && !ret) {
		if (!yaml_parser_parse(&p, &ev)) {
			ret = py_fail(c, "not YAML: %s at line %zu", p.problem ? p.problem : "error",
				   p.problem_mark.line + 1);
			break;
		}
		if (ev.type == YAML_ALIAS_EVENT ||
		    ((ev.type == YAML_SCALAR_EVENT && ev.data.scalar.anchor) ||
		     (ev.type == YAML_SEQUENCE_START_EVENT && ev.data.sequence_start.anchor) ||
		     (ev.type == YAML_MAPPING_START_EVENT && ev.data.mapping_start.anchor)))
			ret = py_fail(c, "YAML anchors and aliases are not accepted");
		else if ((ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) &&
			 ++depth > POL_MAX_DEPTH)
			ret = py_fail(c, "nested deeper than %d levels", POL_MAX_DEPTH);
		else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		else if (ev.type == YAML_DOCUMENT_START_EVENT && done)
			ret = py_fail(c, "one document per file");
		done = ev.type == YAML_STREAM_END_EVENT;
		if (ev.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			if (!yaml_parser_parse(&p, &ev))
				ret = py_fail(c, "not YAML after the document");
			else if (ev.type != YAML_STREAM_END_EVENT)
				ret = py_fail(c, "one document per file");
			done = true;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ret;
}

