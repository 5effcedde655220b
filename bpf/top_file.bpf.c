// SPDX-License-Identifier: GPL-2.0
/*
 * top_file: bytes read and written per process and file. The exits of
 * read, write, readv and writev give the bytes really moved; the fd is the
 * first argument, still in the task's saved registers.
 *
 * The counts live in a counting array, tf_cells, in two halves: the one
 * of this interval's generation (entry 0) counts, the other is being read
 * or waits, zeroed. One slot per (process, file) and interval. A file the
 * thread counted last time through the same fd slot on this CPU (tf_hits)
 * costs the fd lookup, two inlined array lookups and two atomic adds: on
 * this kind of VM a hash lookup was ~80 ns of the ~120 a read or write
 * cost, and a lookup in an inner map of a map of maps, not inlined, ~10
 * (docs/performance.md). Otherwise the hash tf_stats, keyed by the file
 * and the generation, gives the slot, or makes it with the file's name and
 * who touched it. Every interval user space moves the generation on, then waits for
 * the programs running (an update of tf_sync, a map of maps, returns only
 * after them), so a half is never read, nor zeroed, while one counts.
 */
#include "common.bpf.h"
#include "top_ns.bpf.h"
#include "top_file.h"

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

/* Entry 0: reads is the generation counting now (user space writes it);
 * then two halves of TF_CELLS, the one of generation gen at TF_HALF(gen).
 * The generation shares a page with the first slots: a read or write
 * touches one page of it. User space maps it to read the halves. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, TF_CELLS_ALL);
	__type(key, __u32);
	__type(value, struct tf_counts);
} tf_cells SEC(".maps");

/* Not used by the programs: updating it waits for them (see above). */
struct tf_sync_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tf_sync_inner SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct tf_sync_inner);
} tf_sync SEC(".maps") = {
	.values = { [0] = &tf_sync_inner },
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TF_HIT_WAYS);
	__type(key, __u32);
	__type(value, struct tf_hit);
} tf_hits SEC(".maps");

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

/* A slot for this process and file in the half of generation gen: its
 * entry in tf_stats, made on first sight. 0: not counted (not a file we
 * count, or the half is full). */
static __noinline __u32 tf_slot(struct file *f, __u32 gen)
{
	__u32 base = TF_HALF(gen);
	struct tf_counts *head = bpf_map_lookup_elem(&tf_cells, &base);
	struct tf_key k = {};
	struct tf_stats *s, *v;
	const unsigned char *name;
	__u32 zero = 0;
	__u64 slot;
	char type;

	type = tf_type(IG_FILE_READ(f, f_inode, i_mode));
	if (type != TF_TYPE_REGULAR && !all_files)
		return 0;
	k.dev = IG_FILE_READ(f, f_inode, i_sb, s_dev);
	k.ino = IG_FILE_READ(f, f_inode, i_ino);
	k.pid = bpf_get_current_pid_tgid() >> 32;
	k.gen = gen;
	s = bpf_map_lookup_elem(&tf_stats, &k);
	if (s)
		return s->slot;
	v = bpf_map_lookup_elem(&tf_scratch, &zero);
	if (!v || !head)
		return 0;
	slot = __sync_fetch_and_add(&head->writes, 1) + 1;
	if (slot > TF_MAX_ENTRIES)
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
	__u32 way, slot, gen, zero = 0;
	struct tf_counts *c, *hdr;
	struct tf_hit *hit;
	struct pt_regs *regs;
	struct inode *inode;
	struct file *f;
	__u64 id;

	if (ret <= 0 || !ig_should_trace())
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	f = ig_fd_file((__u32)regs->di);
	if (!f)
		return 0;
	way = (__u32)regs->di % TF_HIT_WAYS;
	hit = bpf_map_lookup_elem(&tf_hits, &way);
	if (!hit)
		return 0;
	hdr = bpf_map_lookup_elem(&tf_cells, &zero);
	if (!hdr)
		return 0;
	gen = hdr->reads;
	inode = IG_FILE_READ(f, f_inode);
	id = bpf_get_current_pid_tgid();
	if (hit->file != (__u64)f || hit->inode != (__u64)inode || hit->pid_tgid != id ||
	    hit->gen != gen) {
		slot = tf_slot(f, gen);
		if (!slot)
			return 0;
		hit->file = (__u64)f;
		hit->inode = (__u64)inode;
		hit->pid_tgid = id;
		hit->gen = gen;
		hit->slot = slot;
	}
	slot = TF_HALF(gen) + hit->slot;   /* the lookup checks the bound */
	c = bpf_map_lookup_elem(&tf_cells, &slot);
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
