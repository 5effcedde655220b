// SPDX-License-Identifier: GPL-2.0
/*
 * ttysnoop: what processes write to a tty or pty, on the write, writev and
 * pwritev2 syscall-entry tracepoints.
 *
 * These run on every write in the system, so the order matters: a zero
 * length returns at once, then the fd's device decides (a few loads from
 * task->files), and only then the process filters and the copy. Nothing is
 * reserved or copied for a write that does not go to a tty.
 *
 * Why per-syscall tracepoints and not one tp_btf/sys_enter program: the
 * latter would be cheaper per write (~150 ns instead of ~215 ns added) but
 * runs on every syscall of the system (+~105 ns each, measured on getppid),
 * while a sys_enter_write tracepoint costs other syscalls nothing beyond the
 * syscall-tracing slow path that any syscall tracepoint turns on.
 *
 * The bytes are read at entry, where the call's own buffer is: it is what
 * the process asked to write, as IG's tty_write hook sees it. A buffer that
 * is not resident cannot be read here; such a write is still reported, with
 * fewer bytes than len (buf_truncated).
 */
#include "common.bpf.h"
#include "ttysnoop.h"

#define S_IFMT  00170000
#define S_IFCHR 0020000

/*
 * ig itself, the ancestors that relay its output (sudo with use_pty,
 * script) and the readers of its output pipe (| grep): their tty writes are
 * ig's own rows coming back, and showing them makes new rows, without end.
 * Set by user space (src/gadgets/ttysnoop.c) after loading, before
 * attaching (in .bss: finding them scans every process's fds, which
 * overlaps the load); 0 ends the list.
 */
__u32 self_tgids[TTY_MAX_SELF] = {};

/*
 * The record is built in map memory and sent with its real length. The
 * slack after it lets the verifier accept a copy to buf + off of n bytes
 * where it only knows off < TTY_BUF_MAX and n <= TTY_BUF_MAX separately.
 */
struct tty_scratch {
	struct tty_event e;
	char slack[TTY_BUF_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tty_scratch);
} tty_heap SEC(".maps");

/* One unsigned compare covers the 136..143 pty-slave range. */
static __always_inline bool is_tty_major(__u32 major)
{
	return major == TTY_MAJOR_VT || major == TTY_MAJOR_AUX ||
	       major - TTY_MAJOR_PTS_FIRST <= TTY_MAJOR_PTS_LAST - TTY_MAJOR_PTS_FIRST;
}

/* The file behind fd if it is a tty character device; *dev gets its dev_t. */
static __always_inline struct file *tty_file(__u32 fd, __u32 *dev)
{
	struct file *f = ig_fd_file(fd);

	if (!f)
		return NULL;
	*dev = IG_FILE_READ(f, f_inode, i_rdev);
	if (!is_tty_major(TTY_MAJOR(*dev)))
		return NULL;
	/* Block majors overlap (136..143 are also DAC960 disks). */
	if ((IG_FILE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFCHR)
		return NULL;
	return f;
}

/* On the tty path only: a few compares against rodata. */
static __always_inline bool is_self(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	for (int i = 0; i < TTY_MAX_SELF && self_tgids[i]; i++)
		if (self_tgids[i] == tgid)
			return true;
	return false;
}

/* Fill everything but len and buf. */
static __always_inline struct tty_event *tty_event_start(struct file *f, __u32 fd, __u32 dev,
							 __u32 flags)
{
	__u32 zero = 0;
	struct tty_event *e = bpf_map_lookup_elem(&tty_heap, &zero);
	struct tty_file_private *priv;
	struct tty_struct *tty;

	if (!e)
		return NULL;
	ig_fill_proc(&e->proc);
	e->ino = BPF_CORE_READ(f, f_inode, i_ino);
	e->dev = dev;
	e->fd = fd;
	e->flags = flags;
	e->len = 0;
	e->buf_size = 0;
	/* Every file of a tty driver has a tty_file_private (tty_add_file);
	 * for /dev/tty and /dev/console it names the real terminal. */
	priv = BPF_CORE_READ(f, private_data);
	tty = BPF_CORE_READ(priv, tty);
	e->cols = BPF_CORE_READ(tty, winsize.ws_col);
	e->rows = BPF_CORE_READ(tty, winsize.ws_row);
	/* The line discipline still post-processes these bytes (\n -> \r\n
	 * with ONLCR); a replay needs to know. */
	e->oflag = BPF_CORE_READ(tty, termios.c_oflag);
	if (BPF_CORE_READ_STR_INTO(&e->tty, tty, name) < 0)
		e->tty[0] = 0;
	return e;
}

/* Send header + buf_size bytes. */
static __always_inline void tty_event_send(struct tty_event *e)
{
	__u64 size = offsetof(struct tty_event, buf) + (e->buf_size & (TTY_BUF_MAX * 2 - 1));

	if (size > sizeof(*e))
		size = sizeof(*e);
	ig_output(e, size);
}

static __always_inline int tty_write(__u32 fd, const char *buf, __u64 count)
{
	struct tty_event *e;
	struct file *f;
	__u32 dev = 0;
	__u64 n;

	if (!count)
		return 0;
	f = tty_file(fd, &dev);
	if (!f || is_self() || !ig_should_trace())
		return 0;
	e = tty_event_start(f, fd, dev, 0);
	if (!e)
		return 0;
	e->len = count;
	n = count;
	if (n > TTY_BUF_MAX)
		n = TTY_BUF_MAX;
	if (bpf_probe_read_user(e->buf, n, buf))
		n = 0;
	e->buf_size = n;
	tty_event_send(e);
	return 0;
}

/*
 * writev: one iovec per bpf_loop step. The running offset is e->buf_size
 * and the total e->len, both in map memory: the verifier then sees unknown
 * bounded scalars at each step and the callback's states converge.
 */
struct iov_walk {
	struct tty_event *e;
	const struct iovec *iov;
};

#define TTY_F_COPY_STOPPED (1U << 31)   /* internal: a read failed, only count */

static long copy_one_iov(__u64 i, void *data)
{
	struct iov_walk *w = data;
	struct tty_event *e = w->e;
	struct iovec iov;
	__u32 off = e->buf_size;
	__u64 n;

	if (bpf_probe_read_user(&iov, sizeof(iov), &w->iov[i]))
		return 1;
	e->len += iov.iov_len;
	n = iov.iov_len;
	if (!n || off >= TTY_BUF_MAX || (e->flags & TTY_F_COPY_STOPPED))
		return 0;   /* keep summing len */
	if (n > TTY_BUF_MAX - off)
		n = TTY_BUF_MAX - off;
	/* Verifiers before 6.2ish do not learn a bound from the compare of
	 * two registers above, and clang drops a second clamp it can prove
	 * redundant: the barrier keeps it, so they see n <= TTY_BUF_MAX. */
	barrier_var(n);
	if (n > TTY_BUF_MAX)
		n = TTY_BUF_MAX;
	if (bpf_probe_read_user(e->buf + off, n, iov.iov_base)) {
		/* Later iovecs would land at the wrong offset: stop copying. */
		e->flags |= TTY_F_COPY_STOPPED;
		return 0;
	}
	e->buf_size = off + n;
	return 0;
}

static __always_inline int tty_writev(__u32 fd, const struct iovec *iov, __u64 iovcnt,
				      __u32 flags)
{
	struct tty_event *e;
	struct iov_walk w;
	struct file *f;
	__u32 dev = 0;

	/* The kernel rejects more than UIO_MAXIOV iovecs. */
	if (!iovcnt || iovcnt > TTY_MAX_IOV)
		return 0;
	f = tty_file(fd, &dev);
	if (!f || is_self() || !ig_should_trace())
		return 0;
	e = tty_event_start(f, fd, dev, flags | TTY_F_WRITEV);
	if (!e)
		return 0;
	w.e = e;
	w.iov = iov;
	bpf_loop(iovcnt, copy_one_iov, &w, 0);
	e->flags &= ~TTY_F_COPY_STOPPED;
	if (e->len)
		tty_event_send(e);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_write")
int ig_tty_write(struct trace_event_raw_sys_enter *ctx)
{
	return tty_write(ctx->args[0], (const char *)ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_writev")
int ig_tty_writev(struct trace_event_raw_sys_enter *ctx)
{
	return tty_writev(ctx->args[0], (const struct iovec *)ctx->args[1], ctx->args[2], 0);
}

/* pwritev2 with offset -1 writes at the current position, like writev; any
 * other offset fails on a tty with ESPIPE, as pwrite64 and pwritev always
 * do (ttys are opened non-seekable), so those are not hooked at all: every
 * database pwrite would pay for events that cannot happen. On 64-bit the
 * offset is pos_l alone. */
SEC("tracepoint/syscalls/sys_enter_pwritev2")
int ig_tty_pwritev2(struct trace_event_raw_sys_enter *ctx)
{
	if ((long)ctx->args[3] != -1)
		return 0;
	return tty_writev(ctx->args[0], (const struct iovec *)ctx->args[1], ctx->args[2],
			  TTY_F_PWRITEV2);
}
