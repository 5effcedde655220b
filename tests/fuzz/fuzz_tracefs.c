// SPDX-License-Identifier: Apache-2.0
/*
 * traceloop's tracefs format parser (tl_format_parse in
 * src/traceloop/sysfmt.c), the classification built on it, and the
 * printing of arguments with hostile pointer contents (tl_format_args,
 * tl_format_args_json, tl_format_value).
 *
 * Input: a fixed header, then the text of an events/syscalls/sys_enter_X/
 * format file. Header: u16 syscall number (names the call, which changes
 * the classification), 6 u64 argument values, u8 index of the argument the
 * content belongs to, u8 content flags (TL_F_*), u8 content length, then
 * 64 content bytes. Short inputs are zero-padded.
 *
 * Invariants: the parse returns -EINVAL or the parameter count; names and
 * types are terminated, and names are non-empty identifiers (they are
 * printed unescaped); a buffer's length argument is another, existing
 * argument; the text format (quoted) is terminal-safe; the JSON array
 * parses and has one object per parameter.
 */
#include <errno.h>
#include <jansson.h>
#include "traceloop/syscalls.h"
#include "traceloop/render.h"
#include "fuzz_util.h"

#define HDR (2 + 8 * TL_NARGS + 3 + 64)

static bool identifier(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (!n || n == max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

static void check_sysinfo(const struct tl_sysinfo *si, int ret)
{
	struct tl_desc d;

	FUZZ_CHECK(ret == -EINVAL || (ret >= 0 && ret <= TL_NARGS), "parse returned %d", ret);
	if (ret < 0)
		return;
	FUZZ_CHECK(si->described && si->nargs == ret, "nargs %d, returned %d", si->nargs, ret);
	for (int i = 0; i < si->nargs; i++) {
		const struct tl_param *p = &si->p[i];

		FUZZ_CHECK(identifier(p->name, sizeof(p->name)), "parameter %d name", i);
		/* A NUL inside the declaration may leave the type empty as a C
		 * string: harmless, it is only compared and never indexed. */
		FUZZ_CHECK(memchr(p->type, 0, sizeof(p->type)), "parameter %d type", i);
		FUZZ_CHECK(p->kind <= TL_K_BUF_EXIT, "kind %u", p->kind);
		FUZZ_CHECK(p->kind == TL_K_BUF_ENTER ? p->lenarg < si->nargs && p->lenarg != i
						     : p->lenarg == TL_ARG_NONE,
			   "parameter %d kind %u lenarg %u", i, p->kind, p->lenarg);
		FUZZ_CHECK(p->fmt <= TF_CLONE_FLAGS, "fmt %u", p->fmt);
	}
	tl_sysinfo_desc(si, &d);
	FUZZ_CHECK(d.nenter <= si->nargs, "nenter %u", d.nenter);
	FUZZ_CHECK(d.exit_arg == TL_ARG_NONE || d.exit_arg < si->nargs, "exit_arg %u", d.exit_arg);
}

static void check_printing(const struct tl_sysinfo *si, const __u64 *args,
			   const struct tl_rec *const *contents)
{
	struct obuf b = { 0 };
	char v[256];
	json_t *j;

	for (int i = 0; i < si->nargs; i++) {
		size_t n = tl_format_value(&si->p[i], args[i], v, sizeof(v));

		FUZZ_CHECK(n < sizeof(v), "tl_format_value returned %zu", n);
		fuzz_check_columns(v, n);
	}
	ob_putc(&b, '(');
	tl_format_args(&b, si, args, contents, true, false);
	tl_format_args(&b, si, NULL, contents, true, true);
	fuzz_check_columns(b.p, b.len);
	b.len = 0;
	tl_format_args(&b, si, args, contents, false, false);   /* raw: ASan only */
	b.len = 0;
	tl_format_args_json(&b, si, args, contents);
	fuzz_check_json_text(b.p, b.len);
	j = json_loadb(b.p, b.len, JSON_ALLOW_NUL, NULL);
	FUZZ_CHECK(j && json_is_array(j) && json_array_size(j) == si->nargs,
		   "JSON arguments: %.*s", (int)b.len, b.p);
	json_decref(j);
	b.len = 0;
	tl_format_args_json(&b, si, NULL, contents);
	j = json_loadb(b.p, b.len, JSON_ALLOW_NUL, NULL);
	FUZZ_CHECK(j, "JSON arguments without values: %.*s", (int)b.len, b.p);
	json_decref(j);
	ob_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t hdr[HDR] = { 0 };
	const struct tl_rec *contents[TL_NARGS] = { 0 };
	struct tl_sysinfo si;
	struct tl_rec *rec;
	__u64 args[TL_NARGS];
	uint16_t nr;
	char *text;
	size_t tlen;
	int ret;

	memcpy(hdr, data, size < HDR ? size : HDR);
	text = size > HDR ? fuzz_strndup(data + HDR, size - HDR) : fuzz_strndup(data, 0);
	tlen = size > HDR ? size - HDR : 0;

	memcpy(&nr, hdr, 2);
	memset(&si, 0xa5, sizeof(si));   /* the parser must not rely on zeroes */
	si.name = tl_syscall_names[nr % TL_SYSCALL_COUNT];
	ret = tl_format_parse(text, tlen, &si);
	if (ret >= 0)
		tl_sysinfo_classify(&si);
	check_sysinfo(&si, ret);
	if (ret < 0) {
		free(text);
		return 0;
	}

	memcpy(args, hdr + 2, sizeof(args));
	/* Content exactly as the BPF side writes it: len <= TL_DATA_MAX. */
	rec = calloc(1, sizeof(*rec));
	FUZZ_CHECK(rec, "oom");
	rec->arg = hdr[2 + sizeof(args)] % TL_NARGS;
	rec->flags = hdr[3 + sizeof(args)];
	rec->len = hdr[4 + sizeof(args)] % (TL_DATA_MAX + 1);
	for (size_t i = 0; i < TL_DATA_MAX; i++)
		rec->data[i] = hdr[5 + sizeof(args) + i % 64];
	contents[rec->arg] = rec;
	check_printing(&si, args, contents);
	free(rec);
	free(text);
	return 0;
}
