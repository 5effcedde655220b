// SPDX-License-Identifier: Apache-2.0
/* trace_capabilities: decoder and declarations; the BPF side is
 * bpf/trace_capabilities.bpf.c (kprobes: refused where there are none). */
#include <errno.h>
#include <string.h>
#include "skel.h"
#include "sys.h"
#include "trace_capabilities.h"
#include "trace_capabilities.skel.h"

enum { F_CAP, F_NAME, F_AUDIT, F_INSETID, F_VERDICT };

static const struct field caps_fields[] = {
	[F_CAP]     = { "cap", "CAP", NULL, FT_UINT, 3, FF_DEFAULT | FF_RIGHT },
	[F_NAME]    = { "capName", "NAME", "name", FT_STR, 18, FF_DEFAULT },
	[F_AUDIT]   = { "audit", "AUDIT", NULL, FT_UINT, 5, FF_DEFAULT | FF_RIGHT },
	[F_INSETID] = { "insetid", "INSETID", NULL, FT_UINT, 7, FF_RIGHT },
	[F_VERDICT] = { "verdict", "VERDICT", NULL, FT_STR, 7, FF_DEFAULT },
};

IG_SKEL_OPS(trace_capabilities);

/* include/uapi/linux/capability.h, 0..40 */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

/* No kprobes (this build's development host): one line, exit 1, before
 * any load is tried. */
static int caps_configure(struct gadget_ctx *ctx, void *s)
{
	(void)s;
	if (sys_has_kprobes())
		return 0;
	ig_err("%s needs kprobes (CONFIG_KPROBES, CONFIG_KPROBE_EVENTS), which this kernel lacks",
	       ctx->g->name);
	return -EOPNOTSUPP;
}

static int caps_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct caps_event *e = data;

	if (size < sizeof(*e))
		return -1;
	row_set_proc(ctx, r, &e->proc);
	row_set_uint(r, GF(F_CAP), (uint32_t)e->cap);
	if (e->cap >= 0 && (size_t)e->cap < ARRAY_SIZE(cap_names))
		row_set_str(r, GF(F_NAME), cap_names[e->cap], strlen(cap_names[e->cap]));
	else
		row_set_fmt(r, GF(F_NAME), "CAP_%d", e->cap);
	row_set_uint(r, GF(F_AUDIT), !(e->opts & CAPS_OPT_NOAUDIT));
	row_set_uint(r, GF(F_INSETID), !!(e->opts & CAPS_OPT_INSETID));
	if (e->ret == 0)
		row_set_str(r, GF(F_VERDICT), "Allow", 5);
	else
		row_set_str(r, GF(F_VERDICT), "Deny", 4);
	return 1;
}

IG_GADGET(trace_capabilities) = {
	.name = "trace_capabilities",
	.aliases = "capable",
	.description = "trace capability checks and their verdicts (needs kprobes)",
	.kind = GK_TRACE,
	.fields = caps_fields,
	.nfields = ARRAY_SIZE(caps_fields),
	.skel = &trace_capabilities_skel_ops,
	.configure = caps_configure,
	.decode = caps_decode,
};
