// SPDX-License-Identifier: Apache-2.0
/* audit_seccomp: decoder and declarations; the BPF side is
 * bpf/audit_seccomp.bpf.c. Syscall names come from traceloop's table. */
#include <string.h>
#include "skel.h"
#include "audit_seccomp.h"
#include "audit_seccomp.skel.h"
#include "traceloop/syscalls.h"

enum { F_CODE, F_CODE_RAW, F_SYSCALL, F_SYSCALL_RAW, F_DATA, F_ARCH };

static const struct field seccomp_fields[] = {
	[F_CODE]        = { "code", "CODE", NULL, FT_STR, 26, FF_DEFAULT },
	[F_CODE_RAW]    = { "code_raw", NULL, NULL, FT_UINT, 2, FF_RIGHT },
	[F_SYSCALL]     = { "syscall", "SYSCALL", NULL, FT_STR, 20, FF_DEFAULT },
	[F_SYSCALL_RAW] = { "syscall_raw", NULL, NULL, FT_UINT, 4, FF_RIGHT },
	[F_DATA]        = { "data", "DATA", NULL, FT_UINT, 6, FF_RIGHT },
	[F_ARCH]        = { "arch", "ARCH", NULL, FT_STR, 8, 0 },
};

IG_SKEL_OPS(audit_seccomp);

static const char *const code_names[SECCOMP_CODE_COUNT] = {
	[SECCOMP_CODE_KILL_PROCESS] = "SECCOMP_RET_KILL_PROCESS",
	[SECCOMP_CODE_KILL_THREAD] = "SECCOMP_RET_KILL_THREAD",
	[SECCOMP_CODE_KILL] = "SECCOMP_RET_KILL",
	[SECCOMP_CODE_TRAP] = "SECCOMP_RET_TRAP",
};

#define AUDIT_ARCH_X86_64 0xc000003eu
#define AUDIT_ARCH_I386   0x40000003u

static int seccomp_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct seccomp_event *e = data;
	const char *name;

	if (size < sizeof(*e) || !e->code || e->code >= SECCOMP_CODE_COUNT)
		return -1;
	row_set_proc(ctx, r, &e->proc);
	row_set_str(r, GF(F_CODE), code_names[e->code], strlen(code_names[e->code]));
	row_set_uint(r, GF(F_CODE_RAW), e->code);
	row_set_uint(r, GF(F_SYSCALL_RAW), e->syscall);
	/* The table is x86_64's: a 32-bit caller's numbers are others. */
	name = e->arch != AUDIT_ARCH_I386 && e->syscall < TL_SYSCALL_COUNT ?
	       tl_syscall_names[e->syscall] : NULL;
	if (name)
		row_set_str(r, GF(F_SYSCALL), name, strlen(name));
	else
		row_set_fmt(r, GF(F_SYSCALL), "syscall_%u", e->syscall);
	row_set_uint(r, GF(F_DATA), e->data);
	if (e->arch == AUDIT_ARCH_X86_64)
		row_set_str(r, GF(F_ARCH), "x86_64", 6);
	else if (e->arch == AUDIT_ARCH_I386)
		row_set_str(r, GF(F_ARCH), "i386", 4);
	else if (e->arch)
		row_set_fmt(r, GF(F_ARCH), "0x%x", e->arch);
	return 1;
}

IG_GADGET(audit_seccomp) = {
	.name = "audit_seccomp",
	.description = "trace syscalls a seccomp filter killed or trapped",
	.kind = GK_TRACE,
	.features = IG_KF_BIT(IG_KF_TASK_PT_REGS),
	.fields = seccomp_fields,
	.nfields = ARRAY_SIZE(seccomp_fields),
	.skel = &audit_seccomp_skel_ops,
	.decode = seccomp_decode,
};
