// SPDX-License-Identifier: GPL-2.0
/*
 * top_file: bytes read and written per process and file. The exits of
 * read, write, readv and writev give the bytes really moved; the fd is the
 * first argument, still in the task's saved registers.
 *
 * The counts live in a counting array (include/top_cells.h), one slot
 * per (process, file) and interval. A file the thread counted last time
 * through the same fd slot on this CPU (way: fd modulo TF_HIT_WAYS) costs
 * the fd lookup, a few inlined array lookups and two atomic adds: on this
 * kind of VM a hash lookup was ~80 ns of the ~120 a read or write cost
 * (docs/performance.md). Otherwise the hash tf_stats, keyed by the file
 * and the array's generation, gives the slot, or makes it with the file's
 * name and who touched it.
 */
#include "common.bpf.h"
#include "top_ns.bpf.h"
#include "top_file.h"

#define TOP_CELL        struct tf_counts
#define TOP_CELLS_SLOTS TF_MAX_ENTRIES
#define TOP_CELLS_WAYS  TF_HIT_WAYS
#include "top_cells.bpf.h"

#define S_IFMT   00170000
#define S_IFSOCK 0140000
#define S_IFREG  0100000

const volatile bool all_files = false;   /* --all-files: not only regular files */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * TF_MAX_ENTRIES);   /* the generation being read, and the next */
	__type(key, struct tf_key);
	__type(value, struct tf_stats);
} tf_stats SEC(".maps");

/* A new entry is built here: on the stack it would not fit beside the
 * cgroup hint within 512 bytes on kernels before 6.2. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tf_stats);
} tf_scratch SEC(".maps");

static __always_inline char tf_type(__u32 mode)
{
	if ((mode & S_IFMT) == S_IFREG)
		return TF_TYPE_REGULAR;
	if ((mode & S_IFMT) == S_IFSOCK)
		return TF_TYPE_SOCKET;
	return TF_TYPE_OTHER;
}

/* A slot for this process and file in the array whose header is head: its
 * entry in tf_stats, made on first sight. 0: not counted (not a file we
 * count, or the array is full). */
static __noinline __u32 tf_slot(struct file *f, struct top_cells_head *head)
{
	struct tf_key k = {};
	struct tf_stats *s, *v;
	const unsigned char *name;
	__u32 zero = 0, slot;
	char type;

	type = tf_type(IG_FILE_READ(f, f_inode, i_mode));
	if (type != TF_TYPE_REGULAR && !all_files)
		return 0;
	k.dev = IG_FILE_READ(f, f_inode, i_sb, s_dev);
	k.ino = IG_FILE_READ(f, f_inode, i_ino);
	k.pid = bpf_get_current_pid_tgid() >> 32;
	k.gen = head->gen;
	s = bpf_map_lookup_elem(&tf_stats, &k);
	if (s)
		return s->slot;
	v = bpf_map_lookup_elem(&tf_scratch, &zero);
	if (!v)
		return 0;
	slot = top_cells_take(head);
	if (!slot)
		return 0;
	__builtin_memset(v, 0, sizeof(*v));
	v->type = type;
	ig_fill_proc(&v->proc);
	ig_top_ns_note(v->proc.mntns_key, v->proc.pid);
	name = IG_FILE_READ(f, f_path.dentry, d_name.name);
	bpf_probe_read_kernel_str(v->name, sizeof(v->name), name);
	v->slot = slot;
	if (!bpf_map_update_elem(&tf_stats, &k, v, BPF_NOEXIST))
		return slot;
	/* Another CPU made it first: its slot (this one stays unused). */
	s = bpf_map_lookup_elem(&tf_stats, &k);
	return s ? s->slot : 0;
}

static __always_inline int tf_count(long ret, bool write)
{
	struct pt_regs *regs;
	struct tf_counts *c;
	struct top_at at;
	__u64 inode, id;
	struct file *f;
	__u32 fd;

	if (ret <= 0 || !ig_should_trace())
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	fd = (__u32)regs->di;
	f = ig_fd_file(fd);
	if (!f)
		return 0;
	/* A recycled file pointer differs in its inode. */
	inode = (__u64)IG_FILE_READ(f, f_inode);
	id = bpf_get_current_pid_tgid();
	c = top_cells_hit(&at, fd % TF_HIT_WAYS, (__u64)f, inode, id);
	if (!c && at.hit)
		c = top_cells_remember(&at, (__u64)f, inode, id, tf_slot(f, at.head));
	if (!c)
		return 0;
	if (write) {
		__sync_fetch_and_add(&c->writes, 1);
		__sync_fetch_and_add(&c->wbytes, ret);
	} else {
		__sync_fetch_and_add(&c->reads, 1);
		__sync_fetch_and_add(&c->rbytes, ret);
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
