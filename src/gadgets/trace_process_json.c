// SPDX-License-Identifier: Apache-2.0
/*
 * trace_process -o tetragon: each row as Tetragon exports it,
 *   {"process_exec":{"process":{...},"parent":{...}},"node_name":...,"time":...}
 *   {"process_exit":{"process":{...},"parent":{...},"signal":...,"status":N,
 *    "time":...},"node_name":...,"time":...}
 * so Tetragon's jq recipes (select(.process_exec.process.pod.name=="x"))
 * read it unchanged. Written from the enriched row (the pod is known only
 * after enrichment); every string goes through the JSON escaper.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "escape.h"
#include "output.h"
#include "gadgets/process_fields.h"

#define V(r, i) (&(r)->v[GF(i)])

static bool empty(const struct value *v)
{
	return !v->s || !v->len;
}

static void key(struct obuf *b, bool *first, const char *k)
{
	if (!*first)
		ob_putc(b, ',');
	*first = false;
	ob_putc(b, '"');
	ob_puts(b, k);
	ob_puts(b, "\":");
}

static void str(struct obuf *b, bool *first, const char *k, const struct value *v)
{
	key(b, first, k);
	esc_json(b, v->s ? v->s : "", v->s ? v->len : 0);
}

static void num(struct obuf *b, bool *first, const char *k, uint64_t n)
{
	key(b, first, k);
	ob_u64(b, n);
}

static void wall(struct obuf *b, bool *first, const char *k, uint64_t ns)
{
	char ts[32];

	if (!ns)
		return;
	format_rfc3339(ts, ns);
	key(b, first, k);
	ob_putc(b, '"');
	ob_puts(b, ts);
	ob_putc(b, '"');
}

/* Tetragon's pod (Kubernetes only) and its docker id (31 characters). */
static void container(struct obuf *b, bool *first, const struct row *r)
{
	const struct value *id = &r->v[CF_RT_CONTAINER_ID];
	bool f2 = true, f3 = true, f4 = true;
	char full[320];
	int n;

	if (!empty(&r->v[CF_K8S_POD])) {
		key(b, first, "pod");
		ob_putc(b, '{');
		str(b, &f2, "namespace", &r->v[CF_K8S_NAMESPACE]);
		str(b, &f2, "name", &r->v[CF_K8S_POD]);
		key(b, &f2, "container");
		ob_putc(b, '{');
		key(b, &f3, "id");
		n = snprintf(full, sizeof(full), "%.*s://%.*s", (int)r->v[CF_RT_RUNTIME].len,
			     r->v[CF_RT_RUNTIME].s ? r->v[CF_RT_RUNTIME].s : "", (int)id->len,
			     id->s ? id->s : "");
		esc_json(b, full, n < (int)sizeof(full) ? (size_t)n : sizeof(full) - 1);
		str(b, &f3, "name", &r->v[CF_K8S_CONTAINER]);
		key(b, &f3, "image");
		ob_putc(b, '{');
		str(b, &f4, "id", &r->v[CF_RT_IMAGE_DIGEST]);
		str(b, &f4, "name", &r->v[CF_RT_IMAGE]);
		ob_putc(b, '}');
		wall(b, &f3, "start_time", r->v[CF_RT_STARTED_AT].u);
		num(b, &f3, "pid", r->v[CF_RT_PID].u);
		ob_puts(b, "}}");
	}
	if (!empty(id)) {
		struct value d = { .s = id->s, .len = id->len < 31 ? id->len : 31 };

		str(b, first, "docker", &d);
	}
}

static void process(struct obuf *b, const struct row *r)
{
	bool first = true;

	ob_putc(b, '{');
	str(b, &first, "exec_id", V(r, TP_EXEC_ID));
	num(b, &first, "pid", r->v[CF_PID].u);
	num(b, &first, "uid", r->v[CF_UID].u);
	str(b, &first, "cwd", V(r, TP_CWD));
	str(b, &first, "binary", V(r, TP_BINARY));
	if (!empty(V(r, TP_ARGS)))
		str(b, &first, "arguments", V(r, TP_ARGS));
	str(b, &first, "flags", V(r, TP_FLAGS));
	wall(b, &first, "start_time", V(r, TP_START_TIME)->u);
	num(b, &first, "auid", V(r, TP_AUID)->u);
	container(b, &first, r);
	if (!empty(V(r, TP_PARENT_EXEC_ID)))
		str(b, &first, "parent_exec_id", V(r, TP_PARENT_EXEC_ID));
	num(b, &first, "tid", r->v[CF_TID].u);
	ob_putc(b, '}');
}

/* The parent, from what the cache knew; {} when it knew nothing. */
static void parent(struct obuf *b, const struct row *r)
{
	bool first = true;

	ob_putc(b, '{');
	if (!empty(V(r, TP_PARENT_EXEC_ID)) && !empty(V(r, TP_P_BINARY))) {
		str(b, &first, "exec_id", V(r, TP_PARENT_EXEC_ID));
		num(b, &first, "pid", V(r, TP_P_PID)->u);
		num(b, &first, "uid", V(r, TP_P_UID)->u);
		str(b, &first, "cwd", V(r, TP_P_CWD));
		str(b, &first, "binary", V(r, TP_P_BINARY));
		if (!empty(V(r, TP_P_ARGS)))
			str(b, &first, "arguments", V(r, TP_P_ARGS));
		str(b, &first, "flags", V(r, TP_P_FLAGS));
		wall(b, &first, "start_time", V(r, TP_P_START_TIME)->u);
		num(b, &first, "auid", V(r, TP_P_AUID)->u);
		if (V(r, TP_P_SAME_NS)->u)
			container(b, &first, r);
		if (!empty(V(r, TP_P_PARENT_EXEC_ID)))
			str(b, &first, "parent_exec_id", V(r, TP_P_PARENT_EXEC_ID));
	}
	ob_putc(b, '}');
}

static void event_tail(struct obuf *b, const struct row *r)
{
	bool first = false;

	if (!empty(V(r, TP_ANCESTORS))) {
		key(b, &first, "ancestors");
		ob_write(b, V(r, TP_ANCESTORS)->s, V(r, TP_ANCESTORS)->len);
	}
}

/* Tetragon's typed args: [{"string_arg":"/etc/shadow"},{"long_arg":2}]. */
static void typed_args(struct obuf *b, const struct value *v)
{
	json_t *a = v->s ? json_loadb(v->s, v->len, 0, NULL) : NULL;
	size_t i;
	json_t *x;

	ob_putc(b, '[');
	json_array_foreach(a, i, x) {
		ob_puts(b, i ? ",{" : "{");
		if (json_is_string(x)) {
			ob_puts(b, "\"string_arg\":");
			esc_json(b, json_string_value(x), json_string_length(x));
		} else {
			ob_puts(b, "\"long_arg\":");
			ob_i64(b, json_integer_value(x));
		}
		ob_putc(b, '}');
	}
	ob_putc(b, ']');
	json_decref(a);
}

/* process_tracepoint's own members; the action as Tetragon names it. */
static void tracepoint_tail(struct obuf *b, const struct row *r)
{
	const struct value *hook = V(r, TP_HOOK), *act = V(r, TP_ACTION);
	const char *slash = hook->s ? memchr(hook->s, '/', hook->len) : NULL;
	struct value sub = { .s = hook->s, .len = slash ? slash - hook->s : 0 };
	struct value ev = { .s = slash ? slash + 1 : "", .len = slash ? hook->len - (slash + 1 - hook->s) : 0 };
	bool first = false;

	str(b, &first, "subsys", &sub);
	str(b, &first, "event", &ev);
	key(b, &first, "args");
	typed_args(b, V(r, TP_HOOK_ARGS));
	str(b, &first, "policy_name", V(r, TP_POLICY));
	key(b, &first, "action");
	ob_puts(b, "\"KPROBE_ACTION_");
	for (uint32_t i = 0; act->s && i < act->len && act->s[i] != ' '; i++)
		ob_putc(b, act->s[i] >= 'a' && act->s[i] <= 'z' ? act->s[i] - 32 : act->s[i]);
	ob_putc(b, '"');
}

void tp_write_tetragon(struct obuf *b, const struct schema *s, const struct row *r)
{
	const struct value *ev = V(r, TP_EVENT);
	bool exit = ev->s && ev->len == 4 && !memcmp(ev->s, "exit", 4);
	bool match = ev->s && ev->len == 5 && !memcmp(ev->s, "match", 5);
	bool first = false;
	char node[160];

	(void)s;
	ob_puts(b, exit ? "{\"process_exit\":{\"process\":" :
		   match ? "{\"process_tracepoint\":{\"process\":" : "{\"process_exec\":{\"process\":");
	process(b, r);
	ob_puts(b, ",\"parent\":");
	parent(b, r);
	event_tail(b, r);
	if (exit) {
		if (!empty(V(r, TP_SIGNAL)))
			str(b, &first, "signal", V(r, TP_SIGNAL));
		num(b, &first, "status", V(r, TP_EXIT_CODE)->i);
		wall(b, &first, "time", r->v[CF_TIMESTAMP].u);
	}
	if (match)
		tracepoint_tail(b, r);
	ob_puts(b, "},\"node_name\":");
	snprintf(node, sizeof(node), "%s", tp_node_name());
	esc_json(b, node, strlen(node));
	first = false;
	wall(b, &first, "time", r->v[CF_TIMESTAMP].u);
	ob_puts(b, "}\n");
}
