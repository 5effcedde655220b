// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include "decode.h"
#include "gadget.h"
#include "list.h"

/* IG_GADGET() puts a pointer to each gadget in this section; the linker
 * marks its ends. Weak: a test program may link no gadget at all. */
extern const struct gadget *const __start_ig_gadgets[] __attribute__((weak));
extern const struct gadget *const __stop_ig_gadgets[] __attribute__((weak));

#define IG_MAX_GADGETS 256

static int gadget_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct gadget *const *)a)->name,
		      (*(const struct gadget *const *)b)->name);
}

const struct gadget *const *gadget_list(size_t *n)
{
	static const struct gadget *sorted[IG_MAX_GADGETS];
	static size_t count;

	const struct gadget *const *start = __start_ig_gadgets, *const *stop = __stop_ig_gadgets;

	if (!count && start != stop) {
		size_t total = stop - start;

		count = total < IG_MAX_GADGETS ? total : IG_MAX_GADGETS;
		memcpy(sorted, start, count * sizeof(*sorted));
		qsort(sorted, count, sizeof(*sorted), gadget_cmp);
	}
	*n = count;
	return sorted;
}

static const struct gadget *gadget_find_exact(const char *name, size_t len)
{
	size_t count;
	const struct gadget *const *list = gadget_list(&count);

	for (size_t i = 0; i < count; i++) {
		const struct gadget *g = list[i];
		if ((strlen(g->name) == len && !strncmp(g->name, name, len)) ||
		    list_has(g->aliases, name, len, false))
			return g;
	}
	return NULL;
}

/* Inspektor Gadget's users name gadgets as OCI images; their default
 * registry and repository prefix. */
#define IG_IMAGE_PREFIX "ghcr.io/inspektor-gadget/gadget/"

/*
 * "trace_open", "trace_open:latest", "trace_open@sha256:..." and
 * "ghcr.io/inspektor-gadget/gadget/trace_open:v0.55.0" all name the built-in
 * trace_open: the gadgets are compiled in, so any tag or digest of the
 * upstream image means the same code. Images of other repositories do not.
 */
const struct gadget *gadget_find(const char *name)
{
	size_t len;

	if (!strncmp(name, IG_IMAGE_PREFIX, strlen(IG_IMAGE_PREFIX)))
		name += strlen(IG_IMAGE_PREFIX);
	if (strchr(name, '/'))
		return NULL;
	len = strcspn(name, ":@");
	return gadget_find_exact(name, len);
}

int parse_bool(const char *s)
{
	if (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes"))
		return 1;
	if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no"))
		return 0;
	return -1;
}

const char *gflag_str(const struct gadget_ctx *ctx, size_t i)
{
	return ctx->flags[i].set ? ctx->flags[i].str : ctx->g->flags[i].def;
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end == 'i' || *end == 'I')
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || (shift && v > (~0ULL >> shift)))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

int parse_uint(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || end == s || *end || *s == '-' ? -EINVAL : 0;
}

int gflag_check(const struct gadget_flag *f, const char *v, char *err, size_t errlen)
{
	uint64_t u;

	if (f->type == GF_BOOL && parse_bool(v) < 0) {
		snprintf(err, errlen, "invalid --%s \"%s\": expected true or false", f->name, v);
		return -1;
	}
	if (f->type == GF_UINT && parse_uint(v, &u)) {
		snprintf(err, errlen, "invalid --%s \"%s\": expected a number", f->name, v);
		return -1;
	}
	if (f->type == GF_U32 && (parse_uint(v, &u) || u > UINT32_MAX)) {
		snprintf(err, errlen, "invalid --%s \"%s\": expected a number", f->name, v);
		return -1;
	}
	if (f->type == GF_SIZE && parse_size(v, &u)) {
		snprintf(err, errlen, "invalid --%s \"%s\": expected bytes (k, M, G suffixes)",
			 f->name, v);
		return -1;
	}
	return 0;
}

void row_set_task(struct row *r, uint64_t wall_ns, const char *comm, size_t comm_size,
		  uint32_t pid, uint32_t tid, uint64_t mntns)
{
	row_set_uint(r, CF_TIMESTAMP, wall_ns);
	row_set_uint(r, CF_TIMESTAMP_RAW, wall_ns);
	row_set_buf(r, CF_COMM, comm, comm_size);
	row_set_uint(r, CF_PID, pid);
	row_set_uint(r, CF_TID, tid);
	row_set_uint(r, CF_MNTNS, mntns);
}

void row_set_proc(const struct gadget_ctx *ctx, struct row *r, const struct ig_proc *p)
{
	row_set_task(r, p->timestamp + ctx->boot_to_wall_ns, p->comm, sizeof(p->comm), p->pid,
		     p->tid, p->mntns_id);
	row_set_uint(r, CF_UID, p->uid);
	row_set_uint(r, CF_GID, p->gid);
	row_set_buf(r, CF_PCOMM, p->pcomm, sizeof(p->pcomm));
	row_set_uint(r, CF_PPID, p->ppid);
	r->mntns_key = p->mntns_key ? p->mntns_key : p->mntns_id;
}

void row_set_error(struct row *r, int idx_name, int idx_raw, int err)
{
	const char *name = errno_name(err);

	row_set_int(r, idx_raw, err);
	if (!err)
		row_set_str(r, idx_name, "", 0);
	else if (name)
		row_set_str(r, idx_name, name, strlen(name));
	else
		row_set_fmt(r, idx_name, "E%d", err);
}

void row_set_ret_error(struct row *r, int idx_name, int idx_raw, int64_t ret)
{
	/* Negating below -INT_MAX would overflow: such a value is not an
	 * errno anyway, and shows as E2147483647. */
	int err = ret >= 0 ? 0 : ret < -INT_MAX ? INT_MAX : (int)-ret;

	row_set_error(r, idx_name, idx_raw, err);
}

char *put_cut_path(char *dst, const char *s, size_t n, bool cut_top, bool cut_end)
{
	if (cut_top)
		dst = mempcpy(dst, IG_ELLIPSIS, IG_ELLIPSIS_LEN);
	dst = mempcpy(dst, s, n);
	if (cut_end)
		dst = mempcpy(dst, IG_ELLIPSIS, IG_ELLIPSIS_LEN);
	return dst;
}

void row_set_cut_path(struct row *r, int idx, const char *s, size_t n, bool cut_top,
		      bool cut_end)
{
	char *dst, *end;

	if (!cut_top && !cut_end) {
		row_set_str(r, idx, s, n);
		return;
	}
	dst = row_alloc(r, n + 2 * IG_ELLIPSIS_LEN);
	if (!dst) {
		row_set_str(r, idx, s, n);
		return;
	}
	end = put_cut_path(dst, s, n, cut_top, cut_end);
	row_set_str(r, idx, dst, end - dst);
}
