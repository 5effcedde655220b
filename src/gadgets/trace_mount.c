// SPDX-License-Identifier: Apache-2.0
/* trace_mount (mountsnoop): decoder and declarations; the BPF side is
 * bpf/trace_mount.bpf.c. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "skel.h"
#include "trace_mount.h"
#include "trace_mount.skel.h"

enum {
	F_DELTA, F_DELTA_RAW, F_FLAGS, F_FLAGS_RAW, F_CALL, F_OP, F_OP_RAW, F_FS, F_SRC, F_DEST,
	F_DATA, F_ERROR, F_ERROR_RAW, F_RET,
};

static const struct field mount_fields[] = {
	[F_DELTA]     = { "delta", "DELTA", NULL, FT_STR, 10, FF_DEFAULT | FF_RIGHT },
	[F_DELTA_RAW] = { "delta_raw", NULL, NULL, FT_UINT, 10, FF_RIGHT },
	[F_FLAGS]     = { "flags", "FLAGS", NULL, FT_STR, 24, FF_DEFAULT },
	[F_FLAGS_RAW] = { "flags_raw", NULL, NULL, FT_UINT, 10, FF_RIGHT },
	[F_CALL]      = { "call", "CALL", NULL, FT_STR, 64, FF_DEFAULT },
	[F_OP]        = { "op", "OP", NULL, FT_STR, 10, 0 },
	[F_OP_RAW]    = { "op_raw", NULL, NULL, FT_UINT, 2, FF_RIGHT },
	[F_FS]        = { "fs", "FS", NULL, FT_STR, 8, 0 },
	[F_SRC]       = { "src", "SRC", NULL, FT_STR, 32, FF_MIDDLE },
	[F_DEST]      = { "dest", "DEST", NULL, FT_STR, 32, FF_MIDDLE },
	[F_DATA]      = { "data", "DATA", NULL, FT_STR, 32, 0 },
	[F_ERROR]     = IG_FIELD_ERROR,
	[F_ERROR_RAW] = IG_FIELD_ERROR_RAW,
	[F_RET]       = { "ret", "RET", NULL, FT_INT, 4, FF_RIGHT },
};

IG_SKEL_OPS(trace_mount);

struct bit_name {
	uint64_t bit;
	const char *name;
};

/* <linux/mount.h> */
static const struct bit_name ms_flags[] = {
	{ 0x1, "MS_RDONLY" }, { 0x2, "MS_NOSUID" }, { 0x4, "MS_NODEV" }, { 0x8, "MS_NOEXEC" },
	{ 0x10, "MS_SYNCHRONOUS" }, { 0x20, "MS_REMOUNT" }, { 0x40, "MS_MANDLOCK" },
	{ 0x80, "MS_DIRSYNC" }, { 0x100, "MS_NOSYMFOLLOW" }, { 0x400, "MS_NOATIME" },
	{ 0x800, "MS_NODIRATIME" }, { 0x1000, "MS_BIND" }, { 0x2000, "MS_MOVE" },
	{ 0x4000, "MS_REC" }, { 0x8000, "MS_SILENT" }, { 0x10000, "MS_POSIXACL" },
	{ 0x20000, "MS_UNBINDABLE" }, { 0x40000, "MS_PRIVATE" }, { 0x80000, "MS_SLAVE" },
	{ 0x100000, "MS_SHARED" }, { 0x200000, "MS_RELATIME" }, { 0x400000, "MS_KERNMOUNT" },
	{ 0x800000, "MS_I_VERSION" }, { 0x1000000, "MS_STRICTATIME" },
	{ 0x2000000, "MS_LAZYTIME" },
};
static const struct bit_name umount_flags[] = {
	{ 0x1, "MNT_FORCE" }, { 0x2, "MNT_DETACH" }, { 0x4, "MNT_EXPIRE" },
	{ 0x8, "UMOUNT_NOFOLLOW" },
};
static const struct bit_name move_mount_flags[] = {
	{ 0x1, "MOVE_MOUNT_F_SYMLINKS" }, { 0x2, "MOVE_MOUNT_F_AUTOMOUNTS" },
	{ 0x4, "MOVE_MOUNT_F_EMPTY_PATH" }, { 0x10, "MOVE_MOUNT_T_SYMLINKS" },
	{ 0x20, "MOVE_MOUNT_T_AUTOMOUNTS" }, { 0x40, "MOVE_MOUNT_T_EMPTY_PATH" },
	{ 0x100, "MOVE_MOUNT_SET_GROUP" }, { 0x200, "MOVE_MOUNT_BENEATH" },
};
static const struct bit_name fsmount_flags[] = { { 0x1, "FSMOUNT_CLOEXEC" } };
static const struct bit_name mount_attrs[] = {
	{ 0x1, "MOUNT_ATTR_RDONLY" }, { 0x2, "MOUNT_ATTR_NOSUID" }, { 0x4, "MOUNT_ATTR_NODEV" },
	{ 0x8, "MOUNT_ATTR_NOEXEC" }, { 0x10, "MOUNT_ATTR_NOATIME" },
	{ 0x20, "MOUNT_ATTR_STRICTATIME" }, { 0x80, "MOUNT_ATTR_NODIRATIME" },
	{ 0x100000, "MOUNT_ATTR_IDMAP" }, { 0x200000, "MOUNT_ATTR_NOSYMFOLLOW" },
};

#define MS_MGC_MSK 0xffff0000u   /* old callers put the magic 0xC0ED here */
#define MS_MGC_VAL 0xc0ed0000u

struct op_info {
	const char *name;
	const struct bit_name *flags;
	size_t nflags;
};

static const struct op_info ops[MOUNT_OP_COUNT] = {
	[MOUNT_OP_MOUNT] = { "mount", ms_flags, ARRAY_SIZE(ms_flags) },
	[MOUNT_OP_UMOUNT] = { "umount", umount_flags, ARRAY_SIZE(umount_flags) },
	[MOUNT_OP_MOVE_MOUNT] = { "move_mount", move_mount_flags, ARRAY_SIZE(move_mount_flags) },
	[MOUNT_OP_FSMOUNT] = { "fsmount", fsmount_flags, ARRAY_SIZE(fsmount_flags) },
};

/* "MS_NOSUID | MS_NODEV" (as IG joins them), unknown bits as 0x...; ""
 * for none. Returns the length (always < len). */
static size_t bits_text(const struct bit_name *t, size_t n, uint64_t v, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n && off < len; i++) {
		if (!(v & t[i].bit))
			continue;
		off += snprintf(buf + off, len - off, "%s%s", off ? " | " : "", t[i].name);
		v &= ~t[i].bit;
	}
	if (v && off < len)
		off += snprintf(buf + off, len - off, "%s0x%" PRIx64, off ? " | " : "", v);
	return off < len ? off : len - 1;
}

/* A duration as Go prints one (IG's columns): 950ns, 12.5µs, 3.25ms, 1.2s. */
static size_t duration_text(uint64_t ns, char *buf, size_t len)
{
	static const struct { uint64_t unit; int digits; const char *suffix; } units[] = {
		{ 1000000000, 9, "s" }, { 1000000, 6, "ms" }, { 1000, 3, "\xc2\xb5s" },
	};
	int n;

	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		uint64_t whole = ns / units[i].unit, frac = ns % units[i].unit;
		int digits = units[i].digits;

		if (!whole)
			continue;
		while (frac && frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		n = frac ? snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64 "%s", whole, digits, frac,
				    units[i].suffix)
			 : snprintf(buf, len, "%" PRIu64 "%s", whole, units[i].suffix);
		return n < (int)len ? (size_t)n : len - 1;
	}
	n = snprintf(buf, len, "%" PRIu64 "ns", ns);
	return n < (int)len ? (size_t)n : len - 1;
}

/* The call as strace-like text: mount("src", "target", "type", FLAGS, "data") = ret.
 * The strings stay raw here; the output layer escapes them like any other. */
static size_t call_text(const struct mount_event *e, const char *flags, const char *attr,
			char *buf, size_t len)
{
	const char *fl = flags[0] ? flags : "0";
	int n = 0;

	switch (e->op) {
	case MOUNT_OP_MOUNT:
		n = snprintf(buf, len, "mount(\"%.*s\", \"%.*s\", \"%.*s\", %s, \"%.*s\") = %lld",
			     (int)sizeof(e->src), e->src, (int)sizeof(e->target), e->target,
			     (int)sizeof(e->fs), e->fs, fl, (int)sizeof(e->data), e->data,
			     (long long)e->ret);
		break;
	case MOUNT_OP_UMOUNT:
		n = snprintf(buf, len, "umount(\"%.*s\", %s) = %lld",
			     (int)sizeof(e->target), e->target, fl, (long long)e->ret);
		break;
	case MOUNT_OP_MOVE_MOUNT:
		n = snprintf(buf, len, "move_mount(%d, \"%.*s\", %d, \"%.*s\", %s) = %lld",
			     e->dfd[0], (int)sizeof(e->src), e->src, e->dfd[1],
			     (int)sizeof(e->target), e->target, fl, (long long)e->ret);
		break;
	case MOUNT_OP_FSMOUNT:
		n = snprintf(buf, len, "fsmount(%d, %s, %s) = %lld", e->dfd[0], fl,
			     attr[0] ? attr : "0", (long long)e->ret);
		break;
	}
	return n < (int)len ? (size_t)n : len - 1;
}

/* A string argument, with "…" if it filled its buffer. */
static void set_arg(struct row *r, int idx, const char *s, size_t max, bool cut)
{
	size_t n = strnlen(s, max);
	char *dst;

	if (!cut || !(dst = row_alloc(r, n + IG_ELLIPSIS_LEN))) {
		row_set_str(r, idx, s, n);
		return;
	}
	memcpy(mempcpy(dst, s, n), IG_ELLIPSIS, IG_ELLIPSIS_LEN);
	row_set_str(r, idx, dst, n + IG_ELLIPSIS_LEN);
}

#define FLAGS_MAX 512
#define CALL_MAX (MOUNT_PATH_MAX * 2 + MOUNT_FS_MAX + MOUNT_DATA_MAX + 512)

static int mount_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct mount_event *e = data;
	const struct op_info *op;
	char *flags, attr[200], *buf;
	uint64_t fl;

	if (size < sizeof(*e) || e->op >= MOUNT_OP_COUNT)
		return -1;
	flags = row_alloc(r, FLAGS_MAX);
	if (!flags)
		return -1;
	op = &ops[e->op];
	fl = e->flags;
	if (e->op == MOUNT_OP_MOUNT && (fl & MS_MGC_MSK) == MS_MGC_VAL)
		fl &= ~(uint64_t)MS_MGC_MSK;
	bits_text(op->flags, op->nflags, fl, flags, FLAGS_MAX);
	bits_text(mount_attrs, ARRAY_SIZE(mount_attrs), e->attr, attr, sizeof(attr));
	row_set_proc(ctx, r, &e->proc);
	row_set_uint(r, GF(F_DELTA_RAW), e->delta_ns);
	buf = row_alloc(r, 32);
	if (buf)
		row_set_str(r, GF(F_DELTA), buf, duration_text(e->delta_ns, buf, 32));
	row_set_uint(r, GF(F_FLAGS_RAW), e->flags);
	row_set_str(r, GF(F_FLAGS), flags, strlen(flags));
	row_set_str(r, GF(F_OP), op->name, strlen(op->name));
	row_set_uint(r, GF(F_OP_RAW), e->op);
	set_arg(r, GF(F_FS), e->fs, sizeof(e->fs), e->cut & MOUNT_CUT_FS);
	set_arg(r, GF(F_SRC), e->src, sizeof(e->src), e->cut & MOUNT_CUT_SRC);
	set_arg(r, GF(F_DEST), e->target, sizeof(e->target), e->cut & MOUNT_CUT_TARGET);
	set_arg(r, GF(F_DATA), e->data, sizeof(e->data), e->cut & MOUNT_CUT_DATA);
	row_set_int(r, GF(F_RET), e->ret);
	row_set_error(r, GF(F_ERROR), GF(F_ERROR_RAW), e->ret < 0 ? (int)-e->ret : 0);
	buf = row_alloc(r, CALL_MAX);
	if (buf)
		row_set_str(r, GF(F_CALL), buf, call_text(e, flags, attr, buf, CALL_MAX));
	return 1;
}

IG_GADGET(trace_mount) = {
	.name = "trace_mount",
	.aliases = "mountsnoop",
	.description = "trace mount, umount2, move_mount and fsmount calls",
	.kind = GK_TRACE,
	.fields = mount_fields,
	.nfields = ARRAY_SIZE(mount_fields),
	.skel = &trace_mount_skel_ops,
	.decode = mount_decode,
};
