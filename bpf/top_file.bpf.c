// SPDX-License-Identifier: GPL-2.0
/*
 * top_file: bytes read and written per process and file. The exits of
 * read, write, readv and writev give the bytes really moved; the fd is the
 * first argument, still in the task's saved registers. A file already
 * counted costs the fd lookup, one hash lookup and four atomic adds.
 */
#include "common.bpf.h"
#include "top_file.h"

#define S_IFMT   00170000
#define S_IFSOCK 0140000
#define S_IFREG  0100000

const volatile bool all_files = false;   /* --all-files: not only regular files */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TF_MAX_ENTRIES);
	__type(key, struct tf_key);
	__type(value, struct tf_stats);
} tf_stats SEC(".maps");

static __always_inline char tf_type(__u32 mode)
{
	if ((mode & S_IFMT) == S_IFREG)
		return TF_TYPE_REGULAR;
	if ((mode & S_IFMT) == S_IFSOCK)
		return TF_TYPE_SOCKET;
	return TF_TYPE_OTHER;
}

/* The file's entry, made on first sight with who touched it and its name. */
static __always_inline struct tf_stats *tf_entry(struct file *f, struct tf_key *k, char type)
{
	struct tf_stats *s = bpf_map_lookup_elem(&tf_stats, k);
	struct tf_stats v = {};
	const unsigned char *name;

	if (s)
		return s;
	ig_fill_proc(&v.proc);
	v.type = type;
	name = IG_FILE_READ(f, f_path.dentry, d_name.name);
	bpf_probe_read_kernel_str(v.name, sizeof(v.name), name);
	bpf_map_update_elem(&tf_stats, k, &v, BPF_NOEXIST);
	return bpf_map_lookup_elem(&tf_stats, k);
}

static __always_inline int tf_count(long ret, bool write)
{
	struct tf_key k = {};
	struct tf_stats *s;
	struct pt_regs *regs;
	struct file *f;
	char type;

	if (ret <= 0 || !ig_should_trace())
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	f = ig_fd_file((__u32)regs->di);
	if (!f)
		return 0;
	type = tf_type(IG_FILE_READ(f, f_inode, i_mode));
	if (type != TF_TYPE_REGULAR && !all_files)
		return 0;
	k.dev = IG_FILE_READ(f, f_inode, i_sb, s_dev);
	k.ino = IG_FILE_READ(f, f_inode, i_ino);
	k.pid = bpf_get_current_pid_tgid() >> 32;
	s = tf_entry(f, &k, type);
	if (!s)
		return 0;
	if (write) {
		__sync_fetch_and_add(&s->writes, 1);
		__sync_fetch_and_add(&s->wbytes, ret);
	} else {
		__sync_fetch_and_add(&s->reads, 1);
		__sync_fetch_and_add(&s->rbytes, ret);
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_read")
int ig_tf_read(struct syscall_trace_exit *ctx)
{
	return tf_count(ctx->ret, false);
}

SEC("tracepoint/syscalls/sys_exit_readv")
int ig_tf_readv(struct syscall_trace_exit *ctx)
{
	return tf_count(ctx->ret, false);
}

SEC("tracepoint/syscalls/sys_exit_write")
int ig_tf_write(struct syscall_trace_exit *ctx)
{
	return tf_count(ctx->ret, true);
}

SEC("tracepoint/syscalls/sys_exit_writev")
int ig_tf_writev(struct syscall_trace_exit *ctx)
{
	return tf_count(ctx->ret, true);
}
