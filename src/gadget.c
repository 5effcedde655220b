// SPDX-License-Identifier: Apache-2.0
#include <string.h>
#include <strings.h>
#include "decode.h"
#include "gadget.h"

static const struct gadget *gadget_find_exact(const char *name, size_t len)
{
	for (size_t i = 0; i < ig_ngadgets; i++) {
		const struct gadget *g = ig_gadgets[i];
		const char *a = g->aliases;

		if (strlen(g->name) == len && !strncmp(g->name, name, len))
			return g;
		while (a && *a) {
			const char *end = strchr(a, ',');
			size_t n = end ? (size_t)(end - a) : strlen(a);

			if (n == len && !strncmp(a, name, n))
				return g;
			a = end ? end + 1 : NULL;
		}
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

bool gflag_bool(const struct gadget_ctx *ctx, size_t i)
{
	const char *s = gflag_str(ctx, i);

	return s && parse_bool(s) == 1;
}

void row_set_proc(const struct gadget_ctx *ctx, struct row *r, const struct ig_proc *p)
{
	__u64 wall = p->timestamp + ctx->boot_to_wall_ns;

	row_set_uint(r, CF_TIMESTAMP, wall);
	row_set_uint(r, CF_TIMESTAMP_RAW, wall);
	row_set_buf(r, CF_COMM, p->comm, sizeof(p->comm));
	row_set_uint(r, CF_PID, p->pid);
	row_set_uint(r, CF_TID, p->tid);
	row_set_uint(r, CF_UID, p->uid);
	row_set_uint(r, CF_GID, p->gid);
	row_set_buf(r, CF_PCOMM, p->pcomm, sizeof(p->pcomm));
	row_set_uint(r, CF_PPID, p->ppid);
	row_set_uint(r, CF_MNTNS, p->mntns_id);
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
