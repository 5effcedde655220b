// SPDX-License-Identifier: Apache-2.0
/* trace_oomkill (oomkill): decoder and declarations; the BPF side is
 * bpf/trace_oomkill.bpf.c. IG's flat names: fpid, fuid, fgid and fcomm
 * (the task that ran the OOM killer) are aliases of proc.*; tpid, tcomm,
 * pages are the victim's. */
#include <string.h>
#include "skel.h"
#include "trace_oomkill.h"
#include "trace_oomkill.skel.h"

enum { F_FPID, F_FUID, F_FGID, F_TPID, F_PAGES, F_FCOMM, F_TCOMM, F_TUID };

static const struct field oomkill_fields[] = {
	[F_FPID]  = { "fpid", "FPID", NULL, FT_UINT, 7, FF_DEFAULT | FF_RIGHT },
	[F_FUID]  = { "fuid", "FUID", NULL, FT_UINT, 7, FF_DEFAULT | FF_RIGHT },
	[F_FGID]  = { "fgid", "FGID", NULL, FT_UINT, 7, FF_DEFAULT | FF_RIGHT },
	[F_TPID]  = { "tpid", "TPID", NULL, FT_UINT, 7, FF_DEFAULT | FF_RIGHT },
	[F_PAGES] = { "pages", "PAGES", NULL, FT_UINT, 8, FF_DEFAULT | FF_RIGHT },
	[F_FCOMM] = { "fcomm", "FCOMM", NULL, FT_STR, 16, FF_DEFAULT },
	[F_TCOMM] = { "tcomm", "TCOMM", NULL, FT_STR, 16, FF_DEFAULT },
	[F_TUID]  = { "tuid", "TUID", NULL, FT_UINT, 7, FF_RIGHT },
};

IG_SKEL_OPS(trace_oomkill);

static int oomkill_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct oomkill_event *e = data;

	if (size < sizeof(*e))
		return -1;
	row_set_proc(ctx, r, &e->proc);
	row_set_uint(r, GF(F_FPID), e->proc.pid);
	row_set_uint(r, GF(F_FUID), e->proc.uid);
	row_set_uint(r, GF(F_FGID), e->proc.gid);
	row_set_buf(r, GF(F_FCOMM), e->proc.comm, sizeof(e->proc.comm));
	row_set_uint(r, GF(F_TPID), e->tpid);
	row_set_uint(r, GF(F_PAGES), e->pages);
	row_set_uint(r, GF(F_TUID), e->tuid);
	row_set_buf(r, GF(F_TCOMM), e->tcomm, sizeof(e->tcomm));
	return 1;
}

IG_GADGET(trace_oomkill) = {
	.name = "trace_oomkill",
	.aliases = "oomkill",
	.description = "trace the OOM killer's victims (oom:mark_victim)",
	.kind = GK_TRACE,
	.default_fields = "runtime.containerName,proc.mntns_id,fpid,fuid,fgid,tpid,pages,fcomm,tcomm",
	.fields = oomkill_fields,
	.nfields = ARRAY_SIZE(oomkill_fields),
	.skel = &trace_oomkill_skel_ops,
	.decode = oomkill_decode,
};
