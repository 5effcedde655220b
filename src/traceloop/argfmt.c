// SPDX-License-Identifier: Apache-2.0
/* Syscall argument and return values, printed the way strace users read
 * them: signed fds, octal modes, flag names, errors by name. */
#include <stdio.h>
#include <string.h>
#include "decode.h"
#include "traceloop/syscalls.h"

struct flag_name {
	uint64_t bit;
	const char *name;
};

static const struct flag_name at_flags[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_REMOVEDIR" },
	{ 0x400, "AT_SYMLINK_FOLLOW" }, { 0x800, "AT_NO_AUTOMOUNT" },
	{ 0x1000, "AT_EMPTY_PATH" }, { 0x8000, "AT_RECURSIVE" }, { 0, NULL },
};

static const struct flag_name prot_flags[] = {
	{ 0x1, "PROT_READ" }, { 0x2, "PROT_WRITE" }, { 0x4, "PROT_EXEC" },
	{ 0x01000000, "PROT_GROWSDOWN" }, { 0x02000000, "PROT_GROWSUP" }, { 0, NULL },
};

static const struct flag_name mmap_flags[] = {
	{ 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" }, { 0x100, "MAP_GROWSDOWN" },
	{ 0x800, "MAP_DENYWRITE" }, { 0x1000, "MAP_EXECUTABLE" }, { 0x2000, "MAP_LOCKED" },
	{ 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" }, { 0x10000, "MAP_NONBLOCK" },
	{ 0x20000, "MAP_STACK" }, { 0x40000, "MAP_HUGETLB" }, { 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" }, { 0, NULL },
};

static const struct flag_name clone_flags[] = {
	{ 0x100, "CLONE_VM" }, { 0x200, "CLONE_FS" }, { 0x400, "CLONE_FILES" },
	{ 0x800, "CLONE_SIGHAND" }, { 0x1000, "CLONE_PIDFD" }, { 0x2000, "CLONE_PTRACE" },
	{ 0x4000, "CLONE_VFORK" }, { 0x8000, "CLONE_PARENT" }, { 0x10000, "CLONE_THREAD" },
	{ 0x20000, "CLONE_NEWNS" }, { 0x40000, "CLONE_SYSVSEM" }, { 0x80000, "CLONE_SETTLS" },
	{ 0x100000, "CLONE_PARENT_SETTID" }, { 0x200000, "CLONE_CHILD_CLEARTID" },
	{ 0x800000, "CLONE_UNTRACED" }, { 0x1000000, "CLONE_CHILD_SETTID" },
	{ 0x2000000, "CLONE_NEWCGROUP" }, { 0x4000000, "CLONE_NEWUTS" },
	{ 0x8000000, "CLONE_NEWIPC" }, { 0x10000000, "CLONE_NEWUSER" },
	{ 0x20000000, "CLONE_NEWPID" }, { 0x40000000, "CLONE_NEWNET" }, { 0x80000000, "CLONE_IO" },
	{ 0, NULL },
};

static const char *const map_types[] = { "0", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE" };

/* Append "|"-separated names to buf at n; what no name covers, in hex. */
static size_t put_flags(char *buf, size_t len, size_t n, uint64_t v, const struct flag_name *t)
{
	for (; t->name && n < len; t++) {
		if (!(v & t->bit))
			continue;
		n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "", t->name);
		v &= ~t->bit;
	}
	if (v && n < len)
		n += snprintf(buf + n, len - n, "%s0x%llx", n ? "|" : "", (unsigned long long)v);
	if (!n && len > 1)
		n = snprintf(buf, len, "0");
	return n < len ? n : len - 1;
}

size_t tl_format_value(const struct tl_param *p, uint64_t v, char *buf, size_t len)
{
	size_t n = 0;
	int r;

	if (!len)
		return 0;
	switch (p->fmt) {
	case TF_PTR:
		r = v ? snprintf(buf, len, "0x%llx", (unsigned long long)v) : snprintf(buf, len, "NULL");
		break;
	case TF_HEX:
		r = v ? snprintf(buf, len, "0x%llx", (unsigned long long)v) : snprintf(buf, len, "NULL");
		break;
	case TF_FD:
	case TF_S32:
		r = snprintf(buf, len, "%d", (int32_t)v);
		break;
	case TF_U32:
		r = snprintf(buf, len, "%u", (uint32_t)v);
		break;
	case TF_S64:
		r = snprintf(buf, len, "%lld", (long long)v);
		break;
	case TF_MODE:
		return decode_mode(v, buf, len);
	case TF_OPEN_FLAGS:
		return decode_open_flags(v, buf, len);
	case TF_AT_FLAGS:
		return put_flags(buf, len, 0, (uint32_t)v, at_flags);
	case TF_PROT:
		if (v)
			return put_flags(buf, len, 0, (uint32_t)v, prot_flags);
		r = snprintf(buf, len, "PROT_NONE");
		break;
	case TF_MMAP_FLAGS:
		n = snprintf(buf, len, "%s", map_types[v & 3]);
		if (n >= len)
			return len - 1;
		return put_flags(buf, len, (v & 3) ? n : 0, (uint32_t)v & ~3u, mmap_flags);
	case TF_CLONE_FLAGS:
		/* The low byte of clone's flags is the signal sent at exit. */
		if ((uint32_t)v & ~0xffu)
			n = put_flags(buf, len, 0, (uint32_t)v & ~0xffu, clone_flags);
		if ((v & 0xff) && n < len)
			n += (v & 0xff) == 17 ? snprintf(buf + n, len - n, "%sSIGCHLD", n ? "|" : "")
					      : snprintf(buf + n, len - n, "%s%u", n ? "|" : "",
							 (unsigned)(v & 0xff));
		if (!n)
			n = snprintf(buf, len, "0");
		return n < len ? n : len - 1;
	default:
		r = snprintf(buf, len, "%llu", (unsigned long long)v);
		break;
	}
	if (r < 0)
		return 0;
	return (size_t)r < len ? (size_t)r : len - 1;
}

size_t tl_format_ret(const struct tl_sysinfo *si, int64_t ret, int *err, char *buf, size_t len)
{
	int r;

	*err = 0;
	if (!len)
		return 0;
	if (ret < 0 && ret >= -4095) {
		const char *name = errno_name(-ret);

		*err = -ret;
		r = name ? snprintf(buf, len, "-1 %s", name) : snprintf(buf, len, "-1 E%d", (int)-ret);
	} else if (si && si->ret_ptr) {
		r = snprintf(buf, len, "0x%llx", (unsigned long long)ret);
	} else {
		r = snprintf(buf, len, "%lld", (long long)ret);
	}
	if (r < 0)
		return 0;
	return (size_t)r < len ? (size_t)r : len - 1;
}
