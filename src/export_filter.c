// SPDX-License-Identifier: Apache-2.0
/*
 * Tetragon's export filters (export_filter.h): the JSON lines are read with
 * jansson, every regex compiled once (POSIX extended), every key and value
 * checked, so a list that parses cannot fail later. Matching reads the
 * row's raw values (not their escaped forms), as Tetragon matches its own.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "export_filter.h"
#include "gadget.h"

/* Tetragon's names, and the protojson spellings its JSON also takes. */
static const struct {
	const char *name, *camel;
	bool regex;
} keys[XK_N] = {
	[XK_BINARY]    = { "binary_regex", "binaryRegex", true },
	[XK_NAMESPACE] = { "namespace", "namespace", false },
	[XK_POD]       = { "pod_regex", "podRegex", true },
	[XK_CONTAINER] = { "container_name_regex", "containerNameRegex", true },
	[XK_ARGS]      = { "arguments_regex", "argumentsRegex", true },
	[XK_PID]       = { "pid", "pid", false },
	[XK_EVENT_SET] = { "event_set", "eventSet", false },
};

/* Which rows carry Tetragon's event type names: a gadget, and the value
 * of one of its fields (NULL: all its rows). */
static const struct {
	const char *gadget, *field, *value, *set;
} event_map[] = {
	{ "trace_process", "event", "exec", "PROCESS_EXEC" },
	{ "trace_process", "event", "exit", "PROCESS_EXIT" },
	{ "trace_process", "event", "match", "PROCESS_TRACEPOINT" },
	{ "trace_exec", NULL, NULL, "PROCESS_EXEC" },
};

/* Tetragon's other event types: accepted, so a Tetragon filter loads, and
 * matched by no row (no ig gadget makes such events). */
static const char *const tetragon_only[] = {
	"PROCESS_KPROBE", "PROCESS_UPROBE", "PROCESS_LSM", "PROCESS_USDT",
	"PROCESS_LOADER", "PROCESS_THROTTLE", "RATE_LIMIT_INFO",
};

/* The messages stay one line whatever the input held. */
static void clean_err(char *err)
{
	for (unsigned char *p = (unsigned char *)err; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static bool known_event_set(const char *s)
{
	char lower[64];
	size_t n = strlen(s);

	for (size_t i = 0; i < ARRAY_SIZE(event_map); i++)
		if (!strcmp(s, event_map[i].set))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(tetragon_only); i++)
		if (!strcmp(s, tetragon_only[i]))
			return true;
	/* A gadget's own name, uppercased: TRACE_OPEN. */
	if (!n || n >= sizeof(lower))
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (islower((unsigned char)s[i]))
			return false;
		lower[i] = tolower((unsigned char)s[i]);
	}
	return gadget_find(lower) != NULL;
}

static void values_free(struct xf_values *v)
{
	for (size_t i = 0; i < v->n; i++) {
		if (v->re)
			regfree(&v->re[i]);
		if (v->str)
			free(v->str[i]);
	}
	free(v->re);
	free(v->str);
	free(v->pid);
	memset(v, 0, sizeof(*v));
}

static void line_free(struct xf_line *l)
{
	for (int k = 0; k < XK_N; k++)
		values_free(&l->k[k]);
}

void xf_free(struct export_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		line_free(&f->l[i]);
	free(f->l);
	free(f);
}

/* Where the errors of one object point. */
struct where {
	const char *what;
	int line;
	char *err;
	size_t errlen;
};

#define FAIL(w, ...) (snprintf((w)->err, (w)->errlen, "%s line %d: ", (w)->what, (w)->line), \
		      fail_more(w, __VA_ARGS__))

static int fail_more(struct where *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_more(struct where *w, const char *fmt, ...)
{
	size_t n = strlen(w->err);
	va_list ap;

	va_start(ap, fmt);
	if (n < w->errlen)
		vsnprintf(w->err + n, w->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* One value of a key: a compiled regex, a string or a pid, at slot i. */
static int add_value(struct where *w, enum xf_key k, struct xf_values *v, size_t i,
		     json_t *e)
{
	const char *name = keys[k].name;

	if (k == XK_PID) {
		json_int_t p = json_is_integer(e) ? json_integer_value(e) : -1;

		if (p < 0 || p > UINT32_MAX)
			return FAIL(w, "%s: each value is a process id (0 to 4294967295)", name);
		v->pid[i] = p;
		return 0;
	}
	if (!json_is_string(e))
		return FAIL(w, "%s: each value is a string", name);
	if (keys[k].regex) {
		const char *pat = json_string_value(e);
		char msg[128];
		int rc;

		if (json_string_length(e) > XF_MAX_REGEX)
			return FAIL(w, "%s: a pattern is longer than %d bytes", name, XF_MAX_REGEX);
		rc = regcomp(&v->re[i], pat, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			regerror(rc, &v->re[i], msg, sizeof(msg));
			return FAIL(w, "%s: bad regular expression \"%.64s\": %s", name, pat, msg);
		}
		return 0;
	}
	if (k == XK_EVENT_SET && !known_event_set(json_string_value(e)))
		return FAIL(w, "event_set: unknown event type \"%.64s\" (PROCESS_EXEC, PROCESS_EXIT, PROCESS_TRACEPOINT, or a gadget's name in capitals: TRACE_OPEN)",
			    json_string_value(e));
	v->str[i] = strdup(json_string_value(e));
	return v->str[i] ? 0 : FAIL(w, "out of memory");
}

static int read_key(struct where *w, enum xf_key k, struct xf_values *v, json_t *arr)
{
	size_t n = json_is_array(arr) ? json_array_size(arr) : 0;

	if (!json_is_array(arr))
		return FAIL(w, "%s: the value is a list, as in {\"%s\":[...]}", keys[k].name,
			    keys[k].name);
	if (n > XF_MAX_VALUES)
		return FAIL(w, "%s: more than %d values", keys[k].name, XF_MAX_VALUES);
	if (v->n)
		return FAIL(w, "%s given twice", keys[k].name);
	if (!n)
		return 0;   /* [] constrains nothing, as in Tetragon */
	if (k == XK_PID)
		v->pid = calloc(n, sizeof(*v->pid));
	else if (keys[k].regex)
		v->re = calloc(n, sizeof(*v->re));
	else
		v->str = calloc(n, sizeof(*v->str));
	if (!v->pid && !v->re && !v->str)
		return FAIL(w, "out of memory");
	/* n counts what is built, so values_free frees just that. */
	for (size_t i = 0; i < n; i++) {
		if (add_value(w, k, v, i, json_array_get(arr, i)))
			return -1;
		v->n = i + 1;
	}
	return 0;
}

static int find_key(const char *name)
{
	for (int k = 0; k < XK_N; k++)
		if (!strcmp(name, keys[k].name) || !strcmp(name, keys[k].camel))
			return k;
	return -1;
}

static int read_object(struct where *w, json_t *o, struct xf_line *l)
{
	const char *name;
	json_t *val;

	if (!json_is_object(o))
		return FAIL(w, "each line is a JSON object, as in {\"binary_regex\":[\"^/usr/bin/cat$\"]}");
	json_object_foreach(o, name, val) {
		int k = find_key(name);

		if (k < 0)
			return FAIL(w, "unknown key \"%.64s\" (ig knows binary_regex, namespace, pod_regex, container_name_regex, arguments_regex, pid, event_set)",
				    name);
		if (read_key(w, k, &l->k[k], val))
			return -1;
	}
	return 0;
}

static int add_line(struct export_filter *f, struct where *w, json_t *o)
{
	struct xf_line *l;

	if (f->n == XF_MAX_LINES)
		return FAIL(w, "more than %d filters", XF_MAX_LINES);
	l = realloc(f->l, (f->n + 1) * sizeof(*l));
	if (!l)
		return FAIL(w, "out of memory");
	f->l = l;
	l = &f->l[f->n];
	memset(l, 0, sizeof(*l));
	if (read_object(w, o, l)) {
		line_free(l);
		return -1;
	}
	f->n++;
	return 0;
}

/* Objects one after another (Tetragon reads its flag as a JSON stream,
 * one object a line in practice); whitespace between them. */
static int parse_text(struct export_filter *f, const char *text, size_t len, const char *what,
		      char *err, size_t errlen)
{
	struct where w = { what, 1, err, errlen };
	size_t off = 0;

	for (;;) {
		json_error_t je;
		json_t *o;
		int ret;

		while (off < len && isspace((unsigned char)text[off]))
			w.line += text[off++] == '\n';
		if (off == len)
			return 0;
		if (!text[off])
			return FAIL(&w, "a NUL byte");
		o = json_loadb(text + off, len - off,
			       JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
		if (!o)
			return FAIL(&w, "bad JSON: %s", je.text);
		ret = add_line(f, &w, o);
		json_decref(o);
		if (ret)
			return -1;
		/* With JSON_DISABLE_EOF_CHECK, position is what was read. */
		for (size_t i = 0; i < (size_t)je.position && off < len; i++)
			w.line += text[off++] == '\n';
	}
}

/* "@FILE": the file's text, at most XF_MAX_TEXT bytes; NULL after err. */
static char *read_file(const char *path, size_t *len, const char *what, char *err,
		       size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char *buf;

	if (!fp) {
		snprintf(err, errlen, "%s: %s: %s", what, path, strerror(errno));
		return NULL;
	}
	buf = malloc(XF_MAX_TEXT + 1);
	*len = buf ? fread(buf, 1, XF_MAX_TEXT + 1, fp) : 0;
	if (!buf || ferror(fp) || *len > XF_MAX_TEXT) {
		snprintf(err, errlen, "%s: %s: %s", what, path,
			 !buf ? "out of memory" : ferror(fp) ? "cannot read it" : "larger than 1 MiB");
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

int xf_parse(struct export_filter **out, const char *text, const char *what,
	     char *err, size_t errlen)
{
	struct export_filter *f = calloc(1, sizeof(*f));
	char *file = NULL;
	size_t len;
	int ret;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (text[0] == '@') {
		file = read_file(text + 1, &len, what, err, errlen);
		if (!file) {
			free(f);
			clean_err(err);
			return -1;
		}
		text = file;
	} else {
		len = strlen(text);
		if (len > XF_MAX_TEXT) {
			snprintf(err, errlen, "%s: longer than 1 MiB", what);
			free(f);
			return -1;
		}
	}
	ret = parse_text(f, text, len, what, err, errlen);
	free(file);
	if (ret) {
		xf_free(f);
		clean_err(err);
		return -1;
	}
	*out = f;
	return 0;
}

/* ---- matching ------------------------------------------------------------ */

static int field_idx(const struct schema *s, const char *name)
{
	bool alias;
	int i = schema_find(s, name, strlen(name), &alias);

	return i >= 0 && !alias && s->f[i]->type == FT_STR ? i : -1;
}

void xf_bind(struct xf_bind *b, const struct export_filter *allow,
	     const struct export_filter *deny, const struct schema *s, const char *gadget)
{
	memset(b, 0, sizeof(*b));
	b->allow = allow;
	b->deny = deny;
	b->bin_idx = field_idx(s, "binary");
	if (b->bin_idx < 0)
		b->bin_idx = field_idx(s, "exepath");
	b->args_idx = field_idx(s, "args");
	for (size_t i = 0; gadget && gadget[i] && i + 1 < sizeof(b->own_set); i++)
		b->own_set[i] = toupper((unsigned char)gadget[i]);
	for (size_t i = 0; gadget && i < ARRAY_SIZE(event_map) && b->nev < XF_MAX_EVMAP; i++) {
		int idx = -1;

		if (strcmp(event_map[i].gadget, gadget))
			continue;
		if (event_map[i].field && (idx = field_idx(s, event_map[i].field)) < 0)
			continue;
		b->ev[b->nev].idx = idx;
		b->ev[b->nev].value = event_map[i].value;
		b->ev[b->nev++].set = event_map[i].set;
	}
}

static bool str_eq(const struct value *v, const char *s)
{
	size_t n = strlen(s);

	return v->len == n && (!n || !memcmp(v->s, s, n));
}

/* regexec needs a C string; a row's are counted. */
static bool any_regex(const struct xf_values *vs, const struct value *v)
{
	char stack[4096], *buf = stack;
	bool hit = false;

	if (v->len >= sizeof(stack) && !(buf = malloc(v->len + 1)))
		return false;
	if (v->len)
		memcpy(buf, v->s, v->len);
	buf[v->len] = 0;
	for (size_t i = 0; i < vs->n && !hit; i++)
		hit = !regexec(&vs->re[i], buf, 0, NULL, 0);
	if (buf != stack)
		free(buf);
	return hit;
}

static bool any_str(const struct xf_values *vs, const struct value *v)
{
	for (size_t i = 0; i < vs->n; i++)
		if (str_eq(v, vs->str[i]))
			return true;
	return false;
}

static bool event_set_match(const struct xf_bind *b, const struct xf_values *vs,
			    const struct row *r)
{
	for (size_t i = 0; i < vs->n; i++) {
		if (b->own_set[0] && !strcmp(vs->str[i], b->own_set))
			return true;
		for (size_t e = 0; e < b->nev; e++)
			if (!strcmp(vs->str[i], b->ev[e].set) &&
			    (b->ev[e].idx < 0 || str_eq(&r->v[b->ev[e].idx], b->ev[e].value)))
				return true;
	}
	return false;
}

static bool key_match(const struct xf_bind *b, enum xf_key k, const struct xf_values *vs,
		      const struct row *r)
{
	const struct value *v;

	switch (k) {
	case XK_BINARY:
		v = b->bin_idx >= 0 ? &r->v[b->bin_idx] : NULL;
		if (!v || !v->len)   /* no path known (trace_exec without --paths) */
			v = &r->v[CF_COMM];
		return any_regex(vs, v);
	case XK_NAMESPACE:
		return any_str(vs, &r->v[CF_K8S_NAMESPACE]);
	case XK_POD:
		/* Outside any pod nothing matches, as in Tetragon. */
		return r->v[CF_K8S_POD].len && any_regex(vs, &r->v[CF_K8S_POD]);
	case XK_CONTAINER:
		return r->v[CF_RT_CONTAINER_NAME].len && any_regex(vs, &r->v[CF_RT_CONTAINER_NAME]);
	case XK_ARGS:
		return b->args_idx >= 0 && any_regex(vs, &r->v[b->args_idx]);
	case XK_PID:
		for (size_t i = 0; i < vs->n; i++)
			if (r->v[CF_PID].u == vs->pid[i])
				return true;
		return false;
	case XK_EVENT_SET:
		return event_set_match(b, vs, r);
	case XK_N:
		break;
	}
	return false;
}

static bool line_match(const struct xf_bind *b, const struct xf_line *l, const struct row *r)
{
	for (int k = 0; k < XK_N; k++)
		if (l->k[k].n && !key_match(b, k, &l->k[k], r))
			return false;
	return true;
}

bool xf_list_match(const struct xf_bind *b, const struct export_filter *f, const struct row *r)
{
	for (size_t i = 0; f && i < f->n; i++)
		if (line_match(b, &f->l[i], r))
			return true;
	return false;
}

bool xf_pass(const struct xf_bind *b, const struct row *r)
{
	if (b->allow && b->allow->n && !xf_list_match(b, b->allow, r))
		return false;
	return !(b->deny && b->deny->n && xf_list_match(b, b->deny, r));
}
