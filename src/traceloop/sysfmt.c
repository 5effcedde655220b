// SPDX-License-Identifier: Apache-2.0
/*
 * Syscall parameters from the running kernel: the tracefs format file of
 * every sys_enter_* event names each parameter and gives its C type. From
 * the type, the name and the next parameter we decide what a pointer holds
 * (a string, a buffer with its length in another argument, or a buffer the
 * call fills) and how each value prints.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "traceloop/syscalls.h"

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* "const char * filename" -> type "const char *", name "filename". */
static int split_decl(const char *decl, size_t len, struct tl_param *p)
{
	size_t end, start, tlen;

	while (len && isspace((unsigned char)*decl)) {
		decl++;
		len--;
	}
	end = len;
	while (end && isspace((unsigned char)decl[end - 1]))
		end--;
	start = end;
	while (start && name_char(decl[start - 1]))
		start--;
	tlen = start;
	while (tlen && isspace((unsigned char)decl[tlen - 1]))
		tlen--;
	if (start == end || end - start >= sizeof(p->name) || !tlen || tlen >= sizeof(p->type))
		return -EINVAL;
	memcpy(p->name, decl + start, end - start);
	p->name[end - start] = 0;
	memcpy(p->type, decl, tlen);
	p->type[tlen] = 0;
	return 0;
}

/* One "field:DECL;\toffset:N;\tsize:N;\tsigned:N;" line. */
static int parse_field(const char *line, size_t len, struct tl_param *p)
{
	const char *decl = line + 6, *semi = memchr(decl, ';', len - 6);

	if (!semi)
		return -EINVAL;
	if (!memmem(semi, len - (semi - line), "offset:", 7) ||
	    !memmem(semi, len - (semi - line), "size:", 5))
		return -EINVAL;
	return split_decl(decl, semi - decl, p);
}

int tl_format_parse(const char *text, size_t len, struct tl_sysinfo *si)
{
	const char *end = text + len;
	bool have_nr = false;
	int n = 0;

	si->nargs = 0;
	si->described = false;
	while (text < end) {
		const char *nl = memchr(text, '\n', end - text), *line = text;
		size_t l = (nl ? nl : end) - text;
		struct tl_param p = { 0 };

		text += l + 1;
		while (l && isspace((unsigned char)*line)) {
			line++;
			l--;
		}
		if (l < 6 || memcmp(line, "field:", 6))
			continue;
		if (parse_field(line, l, &p))
			return -EINVAL;
		if (!strncmp(p.name, "common_", 7))
			continue;
		if (!strcmp(p.name, "__syscall_nr")) {
			have_nr = true;
			continue;
		}
		if (!have_nr || n >= TL_NARGS)
			return -EINVAL;
		si->p[n++] = p;
	}
	if (!have_nr)
		return -EINVAL;
	si->nargs = n;
	si->described = true;
	return n;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static bool is_pointer(const char *type)
{
	static const char *const ptr_typedefs[] = { "cap_user_header_t", "cap_user_data_t", NULL };

	return strchr(type, '*') || in_list(type, ptr_typedefs);
}

/* A count next to a buffer: "size_t count", "int len", "size_t size". */
static bool is_length(const struct tl_param *p)
{
	return !is_pointer(p->type) &&
	       (strstr(p->name, "len") || strstr(p->name, "count") || strstr(p->name, "size") ||
		strstr(p->name, "bufsiz"));
}

/* Where the types alone mislead: the kernel's prototype lacks a const on an
 * input buffer, or a char * is not text. */
static const struct {
	const char *sys, *param;
	uint8_t kind;
} kind_overrides[] = {
	{ "sendto", "buff", TL_K_BUF_ENTER },
	{ "setsockopt", "optval", TL_K_BUF_ENTER },
	{ "sethostname", "name", TL_K_BUF_ENTER },
	{ "setdomainname", "name", TL_K_BUF_ENTER },
	{ "getsockopt", "optval", TL_K_NONE },
	{ "shmat", "shmaddr", TL_K_NONE },
	{ "shmdt", "shmaddr", TL_K_NONE },
};

static uint8_t pointer_kind(const struct tl_sysinfo *si, int i, bool has_len)
{
	const char *t = si->p[i].type, *name = si->p[i].name;
	bool cchar = !strcmp(t, "const char *"), cvoid = !strcmp(t, "const void *");
	bool mchar = !strcmp(t, "char *") || !strcmp(t, "unsigned char *");
	bool mvoid = !strcmp(t, "void *");

	for (size_t k = 0; k < sizeof(kind_overrides) / sizeof(kind_overrides[0]); k++)
		if (si->name && !strcmp(si->name, kind_overrides[k].sys) &&
		    !strcmp(name, kind_overrides[k].param))
			return kind_overrides[k].kind;
	if (cchar || cvoid)
		return has_len ? TL_K_BUF_ENTER : cchar ? TL_K_STR : TL_K_NONE;
	if (mchar || mvoid)
		/* A char * with no length is an input string of an old call
		 * (mount, umount, utime). */
		return has_len ? TL_K_BUF_EXIT : mchar ? TL_K_STR : TL_K_NONE;
	return TL_K_NONE;
}

static bool is_fd_name(const char *name)
{
	static const char *const fd_names[] = { "fd_in", "fd_out", NULL };
	size_t n = strlen(name);

	return (n >= 2 && !strcmp(name + n - 2, "fd")) || in_list(name, fd_names);
}

static const char *const at_flag_calls[] = {
	"newfstatat", "statx", "unlinkat", "fchownat", "linkat", "utimensat", "faccessat2",
	"execveat", "fchmodat2", "name_to_handle_at", "open_tree", NULL,
};

static const char *const addr_names[] = {
	"addr", "start", "brk", "old_addr", "new_addr", "newsp", NULL,
};

static uint8_t int_fmt(const char *type)
{
	static const char *const s32[] = {
		"int", "const int", "pid_t", "key_t", "mqd_t", "timer_t", "clockid_t",
		"const clockid_t", "key_serial_t", "rwf_t", NULL,
	};
	static const char *const u32[] = {
		"unsigned int", "unsigned", "u32", "const __u32", "uid_t", "gid_t", "qid_t",
		"old_uid_t", "old_gid_t", NULL,
	};
	static const char *const s64[] = { "long", "loff_t", "off_t", NULL };

	if (in_list(type, s32))
		return TF_S32;
	if (in_list(type, u32))
		return TF_U32;
	if (in_list(type, s64))
		return TF_S64;
	return TF_U64;
}

static uint8_t value_fmt(const struct tl_sysinfo *si, const struct tl_param *p)
{
	const char *sys = si->name ? si->name : "", *name = p->name;
	bool flags = !strcmp(name, "flags") || !strcmp(name, "flag") || !strcmp(name, "at_flags");
	bool mm = !strcmp(sys, "mmap") || !strcmp(sys, "mprotect") || !strcmp(sys, "pkey_mprotect");

	if (is_pointer(p->type))
		return TF_PTR;
	if (is_fd_name(name))
		return TF_FD;
	if (!strcmp(p->type, "umode_t"))
		return TF_MODE;
	if (flags && (!strcmp(sys, "open") || !strcmp(sys, "openat")))
		return TF_OPEN_FLAGS;
	if (flags && in_list(sys, at_flag_calls))
		return TF_AT_FLAGS;
	if (mm && !strcmp(name, "prot"))
		return TF_PROT;
	if (flags && !strcmp(sys, "mmap"))
		return TF_MMAP_FLAGS;
	if (!strcmp(name, "clone_flags") || !strcmp(name, "unshare_flags"))
		return TF_CLONE_FLAGS;
	if (!strcmp(p->type, "unsigned long") && in_list(name, addr_names))
		return TF_HEX;
	return int_fmt(p->type);
}

void tl_sysinfo_classify(struct tl_sysinfo *si)
{
	static const char *const ptr_returns[] = { "mmap", "mremap", "brk", "shmat", NULL };
	static const char *const no_returns[] = { "exit", "exit_group", "rt_sigreturn", NULL };

	si->ret_ptr = si->name && in_list(si->name, ptr_returns);
	si->no_return = si->name && in_list(si->name, no_returns);
	for (int i = 0; i < si->nargs; i++) {
		struct tl_param *p = &si->p[i];
		bool has_len = i + 1 < si->nargs && is_length(&si->p[i + 1]);

		p->kind = is_pointer(p->type) ? pointer_kind(si, i, has_len) : TL_K_NONE;
		p->lenarg = p->kind == TL_K_BUF_ENTER && has_len ? i + 1 : TL_ARG_NONE;
		if (p->kind == TL_K_BUF_ENTER && p->lenarg == TL_ARG_NONE)
			p->kind = TL_K_NONE;
		p->fmt = value_fmt(si, p);
	}
}

void tl_sysinfo_desc(const struct tl_sysinfo *si, struct tl_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->exit_arg = TL_ARG_NONE;
	for (int i = 0; i < TL_NARGS; i++) {
		const struct tl_param *p = &si->p[i];

		d->lenarg[i] = TL_ARG_NONE;
		if (i >= si->nargs)
			continue;
		d->kind[i] = p->kind;
		d->lenarg[i] = p->lenarg;
		if (p->kind == TL_K_STR || p->kind == TL_K_BUF_ENTER)
			d->nenter++;
		if (p->kind == TL_K_BUF_EXIT && d->exit_arg == TL_ARG_NONE)
			d->exit_arg = i;
	}
}

/* Table names whose tracefs event is named differently. */
static const struct {
	const char *name, *event;
} event_aliases[] = {
	{ "stat", "newstat" }, { "fstat", "newfstat" }, { "lstat", "newlstat" },
	{ "uname", "newuname" }, { "sendfile", "sendfile64" }, { "umount2", "umount" },
};

const char *tl_event_name(const char *name, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(event_aliases) / sizeof(event_aliases[0]); i++)
		if (!strcmp(name, event_aliases[i].name))
			name = event_aliases[i].event;
	snprintf(buf, len, "%s", name);
	return buf;
}

static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t off = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (off < cap && (n = read(fd, buf + off, cap - off)) > 0)
		off += n;
	close(fd);
	return off < cap ? (ssize_t)off : -EFBIG;
}

int tl_systable_load(struct tl_systable *t, const char *events_dir)
{
	char path[512], ev[64], *buf = malloc(65536);

	if (!buf)
		return -ENOMEM;
	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/sys_enter_read/format", events_dir);
	if (access(path, R_OK)) {
		int err = -errno;

		free(buf);
		return err;
	}
	for (int nr = 0; nr < TL_SYSCALL_COUNT; nr++) {
		struct tl_sysinfo *si = &t->s[nr];
		ssize_t n;

		si->name = tl_syscall_names[nr];
		if (!si->name)
			continue;
		snprintf(path, sizeof(path), "%s/sys_enter_%s/format", events_dir,
			 tl_event_name(si->name, ev, sizeof(ev)));
		n = read_small(path, buf, 65536);
		if (n < 0 || tl_format_parse(buf, n, si) < 0) {
			si->described = false;
			si->nargs = 0;
		}
		tl_sysinfo_classify(si);
		t->described += si->described;
	}
	free(buf);
	return t->described;
}

int tl_syscall_nr(const char *name, size_t len)
{
	for (int nr = 0; nr < TL_SYSCALL_COUNT; nr++) {
		const char *s = tl_syscall_names[nr];

		if (s && strlen(s) == len && !strncmp(s, name, len))
			return nr;
	}
	return -1;
}
