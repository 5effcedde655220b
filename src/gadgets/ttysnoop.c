// SPDX-License-Identifier: Apache-2.0
/* ttysnoop: decoder and declarations; the BPF side is bpf/ttysnoop.bpf.c. */
#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "skel.h"
#include "ttysnoop.h"
#include "ttysnoop.skel.h"

enum {
	F_LEN, F_BUF, F_BUF_TRUNCATED, F_FD, F_INO, F_DEV, F_TTY, F_COLS, F_ROWS, F_ONLCR,
	F_SYSCALL,
};

static const struct field tty_fields[] = {
	[F_LEN]           = { "len", "LEN", NULL, FT_UINT, 5, 0 },
	[F_BUF]           = { "buf", "BUF", NULL, FT_STR, 40, 0 },
	[F_BUF_TRUNCATED] = { "buf_truncated", NULL, NULL, FT_BOOL, 5, 0 },
	[F_FD]            = { "fd", "FD", NULL, FT_UINT, 3, FF_RIGHT },
	[F_INO]           = { "ino", "INO", NULL, FT_UINT, 8, FF_RIGHT },
	[F_DEV]           = { "dev", "DEV", NULL, FT_STR, 7, 0 },
	[F_TTY]           = { "tty", "TTY", NULL, FT_STR, 8, 0 },
	[F_COLS]          = { "winsize.cols", "COLS", NULL, FT_UINT, 4, FF_RIGHT },
	[F_ROWS]          = { "winsize.rows", "ROWS", NULL, FT_UINT, 4, FF_RIGHT },
	/* The terminal gets \r\n for each \n of buf (OPOST|ONLCR): a replay
	 * (-o asciicast) must do the same. */
	[F_ONLCR]         = { "onlcr", "ONLCR", NULL, FT_BOOL, 5, 0 },
	[F_SYSCALL]       = { "syscall", "SYSCALL", NULL, FT_STR, 8, 0 },
};

IG_SKEL_OPS(ttysnoop);

/* ---- who must not be traced -------------------------------------------------
 *
 * ig's own rows, written to a terminal, are tty writes: showing them makes
 * new rows, without end. So ig does not trace itself, the ancestors that copy
 * its output to a terminal (sudo with use_pty, script), nor the processes
 * reading its output through a pipe (| grep, | less, | tee), transitively.
 * Pids are those of ig's pid namespace; from another one they match nothing.
 * Not covered: relays that are neither (tmux, screen, watch).
 */

/* A process's parent and session, from /proc/PID/stat; -1 if gone. */
static int proc_ids(pid_t pid, pid_t *ppid, pid_t *sid)
{
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* comm may hold spaces and parentheses: the fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d %*d %d", ppid, sid) != 2)
		return -1;
	return 0;
}

static bool has_pid(const __u32 *v, size_t n, __u32 pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return true;
	return false;
}

/*
 * Walking up from ig: a session leader of ig's own session (the operator's
 * shell, or sudo's pty monitor) is skipped; one of another session ends the
 * walk (the shell that ran sudo or script, tmux, sshd), so the operator's
 * own shell stays visible; the others are added.
 */
static size_t add_ancestors(__u32 *out, size_t n, size_t max)
{
	pid_t ppid, self_sid, a_ppid, a_sid;

	if (proc_ids(getpid(), &ppid, &self_sid))
		return n;
	while (n < max && ppid > 1 && !proc_ids(ppid, &a_ppid, &a_sid)) {
		bool leader = a_sid == ppid;

		if (leader && a_sid != self_sid)
			break;
		if (!leader && !has_pid(out, n, ppid))
			out[n++] = ppid;
		ppid = a_ppid;
	}
	return n;
}

/*
 * Every process's pipe fds, read once: the search for readers follows pipes
 * from process to process, and each step used to read every fd table again
 * (10 ms a step on a busy host).
 */
struct pipe_fd {
	__u32 pid;
	int fd;
	unsigned long long ino;
};

static struct {
	struct pipe_fd *v;
	size_t n, cap;
} pipes;

static void pipes_add(__u32 pid, int fd, unsigned long long ino)
{
	if (pipes.n == pipes.cap) {
		size_t cap = pipes.cap ? pipes.cap * 2 : 256;
		struct pipe_fd *v = realloc(pipes.v, cap * sizeof(*v));

		if (!v)
			return;   /* a reader missed: its rows may come back */
		pipes.v = v;
		pipes.cap = cap;
	}
	pipes.v[pipes.n++] = (struct pipe_fd){ pid, fd, ino };
}

static void pipes_read_proc(__u32 pid)
{
	char path[64], link[64];
	unsigned long long ino;
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%u/fd", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/%u/fd/%.20s", pid, d->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = 0;
		if (sscanf(link, "pipe:[%llu]", &ino) == 1)
			pipes_add(pid, atoi(d->d_name), ino);
	}
	closedir(dir);
}

static void pipes_read(void)
{
	struct dirent *d;
	DIR *proc = opendir("/proc");

	pipes.n = 0;
	while (proc && (d = readdir(proc))) {
		char *end;
		unsigned long pid = strtoul(d->d_name, &end, 10);

		if (!*end && pid)
			pipes_read_proc(pid);
	}
	if (proc)
		closedir(proc);
}

/* The inode of the pipe on a process's fd, or 0. */
static unsigned long long fd_pipe(__u32 pid, int fd)
{
	for (size_t i = 0; i < pipes.n; i++)
		if (pipes.v[i].pid == pid && pipes.v[i].fd == fd)
			return pipes.v[i].ino;
	return 0;
}

/* Add the other processes that hold pipe ino: its readers. */
static size_t add_pipe_peers(__u32 *out, size_t n, size_t max, unsigned long long ino)
{
	for (size_t i = 0; i < pipes.n && n < max; i++)
		if (pipes.v[i].ino == ino && !has_pid(out, n, pipes.v[i].pid))
			out[n++] = pipes.v[i].pid;
	return n;
}

/* Readers of the stdout and stderr pipes of out[from..]; the list grows as
 * readers are found, so their own output pipes are followed too. */
static size_t add_readers(__u32 *out, size_t n, size_t max, size_t from)
{
	for (size_t i = from; i < n && n < max; i++) {
		for (int fd = 1; fd <= 2; fd++) {
			unsigned long long ino = fd_pipe(out[i], fd);

			if (ino)
				n = add_pipe_peers(out, n, max, ino);
		}
	}
	return n;
}

/* ig's own readers first: they matter most if the list fills up. */
static size_t self_tgids(__u32 *out, size_t max)
{
	size_t n = 0, a;

	pipes_read();
	out[n++] = getpid();
	n = add_readers(out, n, max, 0);
	a = n;
	n = add_ancestors(out, n, max);
	n = add_readers(out, n, max, a);
	free(pipes.v);
	pipes.v = NULL;
	pipes.n = pipes.cap = 0;
	return n;
}

/*
 * Finding ig's relays and readers reads every process's fd table (20-40 ms
 * on a busy host, the most of a warm start): a thread does it while the
 * kernel loads the programs, and they get the list before they are
 * attached, as before.
 */
static struct {
	pthread_t thread;
	bool running, started;
	size_t n;
	__u32 pids[TTY_MAX_SELF];
} self_scan;

static void *self_scan_main(void *arg)
{
	(void)arg;
	self_scan.n = self_tgids(self_scan.pids, TTY_MAX_SELF);
	return NULL;
}

static void self_scan_join(void)
{
	if (self_scan.running)
		pthread_join(self_scan.thread, NULL);
	self_scan.running = false;
}

static void self_scan_start(void)
{
	memset(self_scan.pids, 0, sizeof(self_scan.pids));
	self_scan.running = !pthread_create(&self_scan.thread, NULL, self_scan_main, NULL);
	if (!self_scan.running)
		self_scan_main(NULL);
	self_scan.started = true;
}

/* `ig run`: from the moment the flags are parsed. */
static void tty_early(struct gadget_ctx *ctx)
{
	(void)ctx;
	self_scan_start();
}

static int tty_configure(struct gadget_ctx *ctx, void *s)
{
	(void)ctx;
	(void)s;
	if (!self_scan.started)
		self_scan_start();
	return 0;
}

static int tty_loaded(struct gadget_ctx *ctx, void *s)
{
	struct ttysnoop_bpf *skel = s;

	(void)ctx;
	self_scan_join();
	self_scan.started = false;   /* the daemon's next start scans again */
	for (size_t i = 0; i < self_scan.n; i++)
		ig_info("ttysnoop: not tracing pid %u (%s)", self_scan.pids[i],
			i ? "relays or reads ig's output" : "ig");
	memcpy(skel->bss->self_tgids, self_scan.pids, sizeof(self_scan.pids));
	return 0;
}

/* Bytes of buf to trust: never past the record, the cap, or what was asked. */
static size_t shown_bytes(const struct tty_event *e, size_t size)
{
	size_t n = size - offsetof(struct tty_event, buf);

	if (n > e->buf_size)
		n = e->buf_size;
	if (n > TTY_BUF_MAX)
		n = TTY_BUF_MAX;
	if (n > e->len)
		n = e->len;
	return n;
}

static const char *syscall_name(uint32_t flags)
{
	if (flags & TTY_F_PWRITEV2)
		return "pwritev2";
	return flags & TTY_F_WRITEV ? "writev" : "write";
}

static int tty_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct tty_event *e = data;
	const char *sc;
	size_t n;

	if (size < offsetof(struct tty_event, buf))
		return -1;
	sc = syscall_name(e->flags);
	n = shown_bytes(e, size);
	row_set_proc(ctx, r, &e->proc);
	row_set_uint(r, GF(F_LEN), e->len);
	row_set_str(r, GF(F_BUF), e->buf, n);
	row_set_uint(r, GF(F_BUF_TRUNCATED), n < e->len);
	row_set_uint(r, GF(F_FD), e->fd);
	row_set_uint(r, GF(F_INO), e->ino);
	row_set_fmt(r, GF(F_DEV), "%u:%u", TTY_MAJOR(e->dev), TTY_MINOR(e->dev));
	row_set_buf(r, GF(F_TTY), e->tty, sizeof(e->tty));
	row_set_uint(r, GF(F_COLS), e->cols);
	row_set_uint(r, GF(F_ROWS), e->rows);
	row_set_uint(r, GF(F_ONLCR), (e->oflag & (TTY_OPOST | TTY_ONLCR)) == (TTY_OPOST | TTY_ONLCR));
	row_set_str(r, GF(F_SYSCALL), sc, strlen(sc));
	return 1;
}

/* -o compact: what was written to which terminal. */
static const struct compact_form tty_compact[] = {
	{ NULL, NULL, "\xe2\x8c\xa8\xef\xb8\x8f", "tty", "comm,tty,buf" },   /* ⌨️ */
};

IG_GADGET(ttysnoop) = {
	.name = "ttysnoop",
	.description = "trace what processes write to ttys and ptys",
	.kind = GK_TRACE,
	.features = IG_KF_BIT(IG_KF_BPF_LOOP),
	.fields = tty_fields,
	.nfields = ARRAY_SIZE(tty_fields),
	.default_fields = "runtime.containerName,proc.comm,proc.pid,proc.tid,len,buf",
	.skel = &ttysnoop_skel_ops,
	.early = tty_early,
	.configure = tty_configure,
	.loaded = tty_loaded,
	.decode = tty_decode,
	.forms = { tty_compact, ARRAY_SIZE(tty_compact), NULL },
};
