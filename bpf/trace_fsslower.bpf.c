// SPDX-License-Identifier: GPL-2.0
/*
 * trace_fsslower: vfs_read, vfs_write, vfs_open and vfs_fsync_range calls
 * slower than min_ns. No tracepoint spans a VFS call: this needs kprobes
 * (user space refuses to load it on a kernel without them). The entry keeps
 * the file and the time per thread; the return measures and reports.
 */
#include "common.bpf.h"
#include "trace_fsslower.h"

const volatile __u64 min_ns = 10000000;   /* --min, in ns */

struct fss_start {
	__u64 ts;
	__u64 file;       /* struct file *, or for open a struct path * */
	__s64 offset;
	__u64 size;
	__u8 op;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct fss_start);
} fss_inflight SEC(".maps");

static __always_inline int fss_enter(__u8 op, void *file, __s64 offset, __u64 size)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fss_start s = { .ts = bpf_ktime_get_ns(), .file = (__u64)file, .offset = offset,
			       .size = size, .op = op };

	if (!ig_should_trace())
		return 0;
	bpf_map_update_elem(&fss_inflight, &tid, &s, BPF_ANY);
	return 0;
}

static __always_inline int fss_exit(__s64 ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fss_start *s = bpf_map_lookup_elem(&fss_inflight, &tid);
	__u64 delta = bpf_ktime_get_ns();
	struct dentry *d;
	struct fss_event *e;

	if (!s)
		return 0;
	delta -= s->ts;
	if (delta >= min_ns && (e = ig_reserve(sizeof(*e)))) {
		ig_fill_proc(&e->proc);
		e->delta_ns = delta;
		e->offset = s->offset;
		e->ret = ret;
		e->size = s->size;
		e->op = s->op;
		__builtin_memset(e->_pad, 0, sizeof(e->_pad));
		/* Plain locals: CO-RE relocates the kernel's types, not ours. */
		struct path *path = (struct path *)s->file;
		struct file *file = (struct file *)s->file;

		if (s->op == FSS_OPEN)
			d = BPF_CORE_READ(path, dentry);
		else
			d = BPF_CORE_READ(file, f_path.dentry);
		if (bpf_probe_read_kernel_str(e->file, sizeof(e->file), BPF_CORE_READ(d, d_name.name)) < 0)
			e->file[0] = 0;
		ig_submit(e);
	}
	bpf_map_delete_elem(&fss_inflight, &tid);
	return 0;
}

static __always_inline __s64 fss_pos(loff_t *pos)
{
	__s64 off = 0;

	if (pos)
		bpf_probe_read_kernel(&off, sizeof(off), pos);
	return off;
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(ig_fss_read, struct file *file, char *buf, size_t count, loff_t *pos)
{
	return fss_enter(FSS_READ, file, fss_pos(pos), count);
}

SEC("kretprobe/vfs_read")
int BPF_KRETPROBE(ig_fss_read_ret, long ret)
{
	return fss_exit(ret);
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(ig_fss_write, struct file *file, const char *buf, size_t count, loff_t *pos)
{
	return fss_enter(FSS_WRITE, file, fss_pos(pos), count);
}

SEC("kretprobe/vfs_write")
int BPF_KRETPROBE(ig_fss_write_ret, long ret)
{
	return fss_exit(ret);
}

SEC("kprobe/vfs_open")
int BPF_KPROBE(ig_fss_open, const struct path *path, struct file *file)
{
	return fss_enter(FSS_OPEN, (void *)path, 0, 0);
}

SEC("kretprobe/vfs_open")
int BPF_KRETPROBE(ig_fss_open_ret, int ret)
{
	return fss_exit(ret);
}

SEC("kprobe/vfs_fsync_range")
int BPF_KPROBE(ig_fss_fsync, struct file *file, loff_t start, loff_t end, int datasync)
{
	return fss_enter(FSS_FSYNC, file, start, 0);
}

SEC("kretprobe/vfs_fsync_range")
int BPF_KRETPROBE(ig_fss_fsync_ret, int ret)
{
	return fss_exit(ret);
}
