// SPDX-License-Identifier: Apache-2.0
/* ig daemon's config file, read with libyaml's event parser. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "daemon/config.h"

#define MAX_GADGETS 64
#define MAX_FLAGS   64

static struct gadget_spec *add_spec(struct daemon_config *c, const char *name, size_t len,
				    char *err, size_t errlen)
{
	struct gadget_spec *g;

	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->g[i].name) == len && !memcmp(c->g[i].name, name, len)) {
			snprintf(err, errlen, "gadget \"%.*s\" is listed twice", (int)len, name);
			return NULL;
		}
	if (c->n == MAX_GADGETS) {
		snprintf(err, errlen, "more than %d gadgets", MAX_GADGETS);
		return NULL;
	}
	g = realloc(c->g, (c->n + 1) * sizeof(*g));
	if (!g)
		goto nomem;
	c->g = g;
	g = &c->g[c->n];
	memset(g, 0, sizeof(*g));
	g->name = strndup(name, len);
	g->argv = calloc(MAX_FLAGS + 1, sizeof(*g->argv));
	g->key = strndup(name, len);
	c->n++;
	if (g->name && g->argv && g->key)
		return g;
nomem:
	snprintf(err, errlen, "out of memory");
	return NULL;
}

static int add_flag(struct gadget_spec *g, const char *k, const char *v, char *err, size_t errlen)
{
	char *arg, *key;

	if (g->argc == MAX_FLAGS) {
		snprintf(err, errlen, "%s: more than %d flags", g->name, MAX_FLAGS);
		return -1;
	}
	if (asprintf(&arg, "--%s=%s", k, v) < 0)
		goto nomem;
	if (asprintf(&key, "%s %s", g->key, arg) < 0) {
		free(arg);
		goto nomem;
	}
	free(g->key);
	g->key = key;
	g->argv[g->argc++] = arg;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* One argument, kept as given, and in the key. */
static int add_arg(struct gadget_spec *g, const char *arg, size_t len, char *err, size_t errlen)
{
	char *a, *key;

	if (g->argc == MAX_FLAGS) {
		snprintf(err, errlen, "%s: more than %d flags", g->name, MAX_FLAGS);
		return -1;
	}
	a = strndup(arg, len);
	if (!a || asprintf(&key, "%s %s", g->key, a) < 0) {
		free(a);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(g->key);
	g->key = key;
	g->argv[g->argc++] = a;
	return 0;
}

#define BLANKS " \t\n"

int config_add_spec(struct daemon_config *c, const char *spec, char *err, size_t errlen)
{
	const char *p = spec + strspn(spec, BLANKS);
	size_t len = strcspn(p, BLANKS);
	struct gadget_spec *g;

	if (!len || *p == '-') {
		snprintf(err, errlen, "invalid --gadget \"%s\": expected a gadget name, then its flags", spec);
		return -1;
	}
	g = add_spec(c, p, len, err, errlen);
	if (!g)
		return -1;
	for (p += len; *(p += strspn(p, BLANKS));) {
		len = strcspn(p, BLANKS);
		if (add_arg(g, p, len, err, errlen))
			return -1;
		p += len;
	}
	return 0;
}

int config_from_list(struct daemon_config *c, const char *list, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (!len) {
			snprintf(err, errlen, "invalid --gadgets \"%s\": an empty name", list);
			return -1;
		}
		if (!add_spec(c, p, len, err, errlen))
			return -1;
		p += len + (p[len] == ',');
	}
	return 0;
}

/* The parser's events, with where they are for errors. */
struct reader {
	yaml_parser_t p;
	yaml_event_t ev;
	bool have;
	const char *path;
	char *err;
	size_t errlen;
};

static int next(struct reader *r)
{
	if (r->have)
		yaml_event_delete(&r->ev);
	r->have = false;
	if (!yaml_parser_parse(&r->p, &r->ev)) {
		snprintf(r->err, r->errlen, "%s:%zu: %s", r->path, r->p.problem_mark.line + 1,
			 r->p.problem ? r->p.problem : "invalid YAML");
		return -1;
	}
	r->have = true;
	return 0;
}

static int bad(struct reader *r, const char *what)
{
	snprintf(r->err, r->errlen, "%s:%zu: %s", r->path, r->ev.start_mark.line + 1, what);
	return -1;
}

#define SCALAR(r) ((const char *)(r)->ev.data.scalar.value)

/* A gadget's value: empty, {} or a mapping of flag: scalar. */
static int read_flags(struct reader *r, struct gadget_spec *g)
{
	if (next(r))
		return -1;
	if (r->ev.type == YAML_SCALAR_EVENT && !r->ev.data.scalar.length)
		return 0;   /* "trace_open:" alone */
	if (r->ev.type != YAML_MAPPING_START_EVENT)
		return bad(r, "a gadget's value is a mapping of its flags");
	for (;;) {
		char *k;
		int ret;

		if (next(r))
			return -1;
		if (r->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (r->ev.type != YAML_SCALAR_EVENT)
			return bad(r, "a flag name is a plain word");
		k = strdup(SCALAR(r));
		if (!k || next(r)) {
			free(k);
			return k ? -1 : bad(r, "out of memory");
		}
		ret = r->ev.type == YAML_SCALAR_EVENT ?
			add_flag(g, k, SCALAR(r), r->err, r->errlen) :
			bad(r, "a flag's value is a scalar (a comma list for several)");
		free(k);
		if (ret)
			return -1;
	}
}

static int read_gadgets(struct reader *r, struct daemon_config *c)
{
	if (next(r))
		return -1;
	if (r->ev.type != YAML_MAPPING_START_EVENT)
		return bad(r, "\"gadgets\" is a mapping: gadget name, then its flags");
	for (;;) {
		struct gadget_spec *g;

		if (next(r))
			return -1;
		if (r->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (r->ev.type != YAML_SCALAR_EVENT)
			return bad(r, "a gadget name is a plain word");
		g = add_spec(c, SCALAR(r), r->ev.data.scalar.length, r->err, r->errlen);
		if (!g || read_flags(r, g))
			return -1;
	}
}

int config_add_policy(struct daemon_config *c, const char *path, char *err, size_t errlen)
{
	if (!*path) {
		snprintf(err, errlen, "a policy needs a file name");
		return -1;
	}
	if (c->npolicies == CONFIG_MAX_POLICIES) {
		snprintf(err, errlen, "more than %d policies", CONFIG_MAX_POLICIES);
		return -1;
	}
	if (!(c->policies[c->npolicies] = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->npolicies++;
	return 0;
}

/* FNV-1a of a file's bytes, into *h. */
static int digest_file(const char *path, uint64_t *h, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int ch;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((ch = getc(f)) != EOF)
		*h = (*h ^ (unsigned char)ch) * 0x100000001b3ULL;
	fclose(f);
	return 0;
}

int config_bind_policies(struct daemon_config *c, char *err, size_t errlen)
{
	static const char tp[] = "trace_process";
	struct gadget_spec *g = NULL;
	uint64_t h = 0xcbf29ce484222325ULL;
	char *key;

	if (!c->npolicies)
		return 0;
	for (size_t i = 0; i < c->n && !g; i++)
		if (!strcmp(c->g[i].name, tp))
			g = &c->g[i];
	if (!g && !(g = add_spec(c, tp, strlen(tp), err, errlen)))
		return -1;
	for (size_t i = 0; i < c->npolicies; i++)
		if (add_flag(g, "policy", c->policies[i], err, errlen) ||
		    digest_file(c->policies[i], &h, err, errlen))
			return -1;
	if (asprintf(&key, "%s #policies=%016llx", g->key, (unsigned long long)h) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(g->key);
	g->key = key;
	return 0;
}

/* policies: a list of file names (or one). */
static int read_policies(struct reader *r, struct daemon_config *c)
{
	char msg[256];

	if (next(r))
		return -1;
	if (r->ev.type == YAML_SCALAR_EVENT)
		return config_add_policy(c, SCALAR(r), msg, sizeof(msg)) ? bad(r, msg) : 0;
	if (r->ev.type != YAML_SEQUENCE_START_EVENT)
		return bad(r, "\"policies\" is a list of TracingPolicy files");
	for (;;) {
		if (next(r))
			return -1;
		if (r->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (r->ev.type != YAML_SCALAR_EVENT)
			return bad(r, "a policy is a file name");
		if (config_add_policy(c, SCALAR(r), msg, sizeof(msg)))
			return bad(r, msg);
	}
}

/* export-allowlist, export-denylist: the filter text (a block scalar for
 * several lines) or @FILE. */
static int read_text(struct reader *r, char **out, const char *key)
{
	char msg[96];

	if (*out) {
		snprintf(msg, sizeof(msg), "\"%s\" given twice", key);
		return bad(r, msg);
	}
	if (next(r))
		return -1;
	if (r->ev.type != YAML_SCALAR_EVENT) {
		snprintf(msg, sizeof(msg), "\"%s\" is text: JSON objects, one a line", key);
		return bad(r, msg);
	}
	if (!(*out = strdup(SCALAR(r))))
		return bad(r, "out of memory");
	return 0;
}

static int read_document(struct reader *r, struct daemon_config *c)
{
	bool seen = false;

	do {
		if (next(r))
			return -1;
	} while (r->ev.type == YAML_STREAM_START_EVENT || r->ev.type == YAML_DOCUMENT_START_EVENT);
	if (r->ev.type != YAML_MAPPING_START_EVENT)
		return bad(r, "the config is a mapping with a \"gadgets\" key");
	for (;;) {
		if (next(r))
			return -1;
		if (r->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (r->ev.type == YAML_SCALAR_EVENT && !strcmp(SCALAR(r), "policies")) {
			if (c->npolicies)
				return bad(r, "\"policies\" given twice");
			if (read_policies(r, c))
				return -1;
			continue;
		}
		if (r->ev.type == YAML_SCALAR_EVENT && !strcmp(SCALAR(r), "export-allowlist")) {
			if (read_text(r, &c->allowlist, "export-allowlist"))
				return -1;
			continue;
		}
		if (r->ev.type == YAML_SCALAR_EVENT && !strcmp(SCALAR(r), "export-denylist")) {
			if (read_text(r, &c->denylist, "export-denylist"))
				return -1;
			continue;
		}
		if (r->ev.type != YAML_SCALAR_EVENT || strcmp(SCALAR(r), "gadgets"))
			return bad(r, "unknown key: the config has gadgets, policies, export-allowlist and export-denylist (other settings are flags)");
		if (seen)
			return bad(r, "\"gadgets\" given twice");
		seen = true;
		if (read_gadgets(r, c))
			return -1;
	}
	if ((!seen || !c->n) && !c->npolicies)
		return bad(r, "no gadgets (and no policies)");
	return 0;
}

int config_load(struct daemon_config *c, const char *path, char *err, size_t errlen)
{
	struct reader r = { .path = path, .err = err, .errlen = errlen };
	FILE *f = fopen(path, "r");
	int ret;

	memset(c, 0, sizeof(*c));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	yaml_parser_initialize(&r.p);
	yaml_parser_set_input_file(&r.p, f);
	ret = read_document(&r, c);
	if (r.have)
		yaml_event_delete(&r.ev);
	yaml_parser_delete(&r.p);
	fclose(f);
	if (ret)
		config_free(c);
	return ret;
}

const struct gadget_spec *config_find(const struct daemon_config *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->g[i].key, key))
			return &c->g[i];
	return NULL;
}

void config_free(struct daemon_config *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (int k = 0; k < c->g[i].argc; k++)
			free(c->g[i].argv[k]);
		free(c->g[i].argv);
		free(c->g[i].name);
		free(c->g[i].key);
	}
	free(c->g);
	for (size_t i = 0; i < c->npolicies; i++)
		free(c->policies[i]);
	free(c->allowlist);
	free(c->denylist);
	memset(c, 0, sizeof(*c));
}
