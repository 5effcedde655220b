/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What traceloop knows about syscalls: names from a table (x86_64), and
 * parameter names and types from the running kernel's tracefs format files,
 * from which it derives what each pointer argument holds and how to print
 * each value.
 */
#ifndef IG_TL_SYSCALLS_H
#define IG_TL_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "traceloop.h"

#define TL_SYSCALL_COUNT 470

_Static_assert(TL_SYSCALL_COUNT <= TL_NR_MAX, "the BPF tables must hold every syscall");

extern const char *const tl_syscall_names[TL_SYSCALL_COUNT];

/* How a value prints. */
enum tl_fmt {
	TF_S64,          /* long, loff_t */
	TF_U64,          /* size_t, unsigned long */
	TF_S32,          /* int, pid_t */
	TF_U32,          /* unsigned int, uid_t */
	TF_HEX,          /* addresses held in integers */
	TF_PTR,          /* pointers: 0x..., NULL, or their content */
	TF_FD,           /* file descriptors, AT_FDCWD as -100 */
	TF_MODE,         /* umode_t: 0644 */
	TF_OPEN_FLAGS,   /* O_WRONLY|O_CREAT */
	TF_AT_FLAGS,     /* AT_SYMLINK_NOFOLLOW|... */
	TF_PROT,         /* PROT_READ|PROT_WRITE */
	TF_MMAP_FLAGS,   /* MAP_PRIVATE|MAP_ANONYMOUS */
	TF_CLONE_FLAGS,  /* CLONE_VM|CLONE_FS|SIGCHLD */
};

#define TL_NAME_LEN 32
#define TL_TYPE_LEN 48

struct tl_param {
	char name[TL_NAME_LEN];
	char type[TL_TYPE_LEN];
	uint8_t kind;     /* TL_K_*: what the pointer holds */
	uint8_t lenarg;   /* TL_K_BUF_ENTER: the argument with the length */
	uint8_t fmt;      /* enum tl_fmt */
};

struct tl_sysinfo {
	const char *name;        /* from the table; NULL: unknown number */
	bool described;          /* a format file was found and parsed */
	bool ret_ptr;            /* returns an address (mmap, brk) */
	bool no_return;          /* exit, exit_group, rt_sigreturn: no exit event */
	uint8_t nargs;
	struct tl_param p[TL_NARGS];
};

struct tl_systable {
	struct tl_sysinfo s[TL_SYSCALL_COUNT];
	size_t described;
};

/*
 * Parse the text of one tracefs format file (events/syscalls/sys_enter_X/
 * format) into si's parameters. Fields common_* and __syscall_nr are not
 * parameters. Returns the number of parameters, or -EINVAL when the text
 * is not a syscall format (no __syscall_nr, a malformed field line, more
 * than TL_NARGS parameters).
 */
int tl_format_parse(const char *text, size_t len, struct tl_sysinfo *si);

/* Decide what each parameter of a parsed syscall points to and how it
 * prints, from its type, its name and its neighbour (a length). */
void tl_sysinfo_classify(struct tl_sysinfo *si);

/* Fill the table: names, then the format file of every syscall under
 * events_dir (e.g. "/sys/kernel/tracing/events/syscalls"). Returns the
 * number described, or a negative errno if the directory is unreadable. */
int tl_systable_load(struct tl_systable *t, const char *events_dir);

/* The BPF description of a syscall (struct tl_desc in traceloop.h). */
void tl_sysinfo_desc(const struct tl_sysinfo *si, struct tl_desc *d);

/* Number of a syscall by name ("openat"), or -1. */
int tl_syscall_nr(const char *name, size_t len);

/* The tracefs event name for table name: "stat" -> "newstat". */
const char *tl_event_name(const char *name, char *buf, size_t len);

/*
 * Print one argument value as traceloop shows it: "-100", "0666",
 * "O_WRONLY|O_CREAT|O_TRUNC", "0x7ffd5e4c", "NULL". Pointer contents are
 * printed by the caller. Returns the length (always < len).
 */
size_t tl_format_value(const struct tl_param *p, uint64_t v, char *buf, size_t len);

/* A return value: "3", "0x7f5a3c000000", or "-1 ENOENT" for -4095..-1.
 * *err gets the errno (0 on success). */
size_t tl_format_ret(const struct tl_sysinfo *si, int64_t ret, int *err, char *buf, size_t len);

#endif
