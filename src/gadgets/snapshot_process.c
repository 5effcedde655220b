// SPDX-License-Identifier: Apache-2.0
/*
 * snapshot_process: the processes (or, with --threads, the threads) running
 * now, printed once. From the BPF task iterator where the kernel has one
 * (bpf/snapshot_process.bpf.c); else, or with IG_KERNEL_FEATURES_OFF=
 * iter_task, from /proc. Both fill the same record, which one function turns
 * into a row.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "batch.h"
#include "skel.h"
#include "snapshot_process.h"
#include "snapshot_process.skel.h"

struct process_opts {
	bool threads;
};

static const struct gadget_flag process_flags[] = {
	IG_FLAG_BOOL(struct process_opts, threads, "threads", "false",
		     "one row per thread, not per process"),
};

IG_SKEL_OPS(snapshot_process);

static bool use_iter;   /* chosen in configure: the iterator, or /proc */

static int process_configure(struct gadget_ctx *ctx, void *s)
{
	const struct process_opts *o = ctx->gopts;
	struct snapshot_process_bpf *skel = s;

	skel->rodata->show_threads = o->threads;
	use_iter = ig_kfeature_has(IG_KF_ITER_TASK);
	if (!use_iter) {
		ig_info("snapshot_process: no BPF task iterator: reading /proc");
		bpf_program__set_autoload(skel->progs.ig_snapshot_task, false);
	}
	return 0;
}

/* One record into the batch. The filters of the /proc path (pid, comm...)
 * are the BPF ones, applied here; -F and the container ones are the
 * batch's. */
static int add_record(struct gadget_ctx *ctx, struct ig_batch *b, const struct process_record *p)
{
	struct row *r = batch_row(b);

	row_set_proc(ctx, r, &p->proc);
	return batch_add(b);
}

static int collect_iter(struct gadget_ctx *ctx, struct ig_batch *b)
{
	struct snapshot_process_bpf *skel = ctx->skel;
	struct process_record rec;
	size_t have = 0;
	int fd, err = 0;
	ssize_t n;

	fd = bpf_iter_create(bpf_link__fd(skel->links.ig_snapshot_task));
	if (fd < 0)
		return -errno;
	/* The kernel writes whole records; a read may still end mid-record. */
	while ((n = read(fd, (char *)&rec + have, sizeof(rec) - have)) > 0) {
		have += n;
		if (have < sizeof(rec))
			continue;
		have = 0;
		err = add_record(ctx, b, &rec);
		if (err)
			break;
	}
	if (n < 0 && !err)
		err = -errno;
	close(fd);
	return err;
}

/* ------------------------------------------------------------------ /proc */

#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(0xb7, 0x5, __u64)   /* Linux 6.8 */
#endif

/* "/proc" under --host-root. */
static const char *proc_root(const struct gadget_ctx *ctx, char *buf, size_t len)
{
	const char *root = ctx->opts->host_root;

	if (!root || !strcmp(root, "/"))
		return "/proc";
	snprintf(buf, len, "%s/proc", root);
	return buf;
}

/* comm, ppid and the start time from /proc/PID[/task/TID]/stat: comm is
 * between the first "(" and the last ")", as it may hold both. */
static int read_stat(const char *dir, struct ig_proc *p)
{
	char path[4200], buf[1024], *open_paren, *close_paren;
	unsigned long long start = 0;
	unsigned int ppid = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/stat", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -EIO;
	n = close_paren - open_paren - 1;
	memcpy(p->comm, open_paren + 1, n < IG_COMM_LEN - 1 ? n : IG_COMM_LEN - 1);
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt
	 * cmajflt utime stime cutime cstime priority nice threads itrealvalue
	 * starttime */
	if (sscanf(close_paren + 2, "%*c %u %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &ppid, &start) != 2)
		return -EIO;
	p->ppid = ppid;
	p->timestamp = start * (1000000000ULL / sysconf(_SC_CLK_TCK));
	return 0;
}

static void read_ids(const char *dir, struct ig_proc *p)
{
	char path[4200], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/status", dir);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Uid:", 4))
			p->uid = strtoul(line + 4, NULL, 10);
		else if (!strncmp(line, "Gid:", 4))
			p->gid = strtoul(line + 4, NULL, 10);
	}
	fclose(f);
}

static void read_mntns(const struct gadget_ctx *ctx, const char *dir, struct ig_proc *p)
{
	char path[4200], link[64];
	ssize_t n;
	__u64 id;
	int fd;

	snprintf(path, sizeof(path), "%s/ns/mnt", dir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return;   /* a zombie, or no permission: mntns 0 */
	link[n] = 0;
	if (sscanf(link, "mnt:[%llu]", (unsigned long long *)&p->mntns_id) != 1)
		return;
	p->mntns_key = p->mntns_id;
	if (!ctx->opts->mntns_by_id)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && !ioctl(fd, NS_GET_MNTNS_ID, &id))
		p->mntns_key = id;
	if (fd >= 0)
		close(fd);
}

/* The common in-kernel filters, for what /proc gave. */
static bool proc_wanted(const struct run_opts *o, const struct ig_proc *p)
{
	return (!o->pid || p->pid == o->pid) && (!o->tid || p->tid == o->tid) &&
	       (!o->has_uid || p->uid == o->uid) && (!o->has_gid || p->gid == o->gid) &&
	       (!o->comm || !strncmp(p->comm, o->comm, IG_COMM_LEN - 1));
}

static int add_proc_task(struct gadget_ctx *ctx, struct ig_batch *b, const char *dir,
			 uint32_t pid, uint32_t tid, const char *pcomm_dir)
{
	struct process_record rec = {};
	struct ig_proc parent = {};
	char pdir[4200];

	rec.proc.pid = pid;
	rec.proc.tid = tid;
	if (read_stat(dir, &rec.proc))
		return 0;   /* gone meanwhile */
	read_ids(dir, &rec.proc);
	read_mntns(ctx, dir, &rec.proc);
	snprintf(pdir, sizeof(pdir), "%s/%u", pcomm_dir, rec.proc.ppid);
	if (rec.proc.ppid && !read_stat(pdir, &parent))
		memcpy(rec.proc.pcomm, parent.comm, sizeof(rec.proc.pcomm));
	if (!proc_wanted(ctx->opts, &rec.proc))
		return 0;
	return add_record(ctx, b, &rec);
}

static uint32_t dir_number(const struct dirent *d)
{
	char *end;
	unsigned long v = strtoul(d->d_name, &end, 10);

	return *end || d->d_name[0] < '1' || d->d_name[0] > '9' ? 0 : v;
}

static int collect_proc(struct gadget_ctx *ctx, struct ig_batch *b)
{
	const struct process_opts *o = ctx->gopts;
	char rootbuf[4200], dir[4300], tdir[4400];
	const char *root = proc_root(ctx, rootbuf, sizeof(rootbuf));
	DIR *procdir = opendir(root), *taskdir;
	struct dirent *d, *t;
	int err = 0;

	if (!procdir)
		return -errno;
	while (!err && (d = readdir(procdir))) {
		uint32_t pid = dir_number(d);

		if (!pid)
			continue;
		snprintf(dir, sizeof(dir), "%s/%u", root, pid);
		if (!o->threads) {
			err = add_proc_task(ctx, b, dir, pid, pid, root);
			continue;
		}
		snprintf(tdir, sizeof(tdir), "%s/task", dir);
		taskdir = opendir(tdir);
		if (!taskdir)
			continue;
		while (!err && (t = readdir(taskdir))) {
			uint32_t tid = dir_number(t);

			if (!tid)
				continue;
			snprintf(tdir, sizeof(tdir), "%s/task/%u", dir, tid);
			err = add_proc_task(ctx, b, tdir, pid, tid, root);
		}
		closedir(taskdir);
	}
	closedir(procdir);
	return err;
}

static int process_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	return use_iter ? collect_iter(ctx, b) : collect_proc(ctx, b);
}

IG_GADGET(snapshot_process) = {
	.name = "snapshot_process",
	.description = "list the processes running now (once)",
	.kind = GK_SNAPSHOT,
	.default_fields = "runtime.containerName,proc.comm,proc.pid,proc.tid,proc.parent.pid",
	.default_sort = "runtime.containerName,proc.pid,proc.tid",
	.flags = process_flags,
	.nflags = ARRAY_SIZE(process_flags),
	.opts_size = sizeof(struct process_opts),
	.skel = &snapshot_process_skel_ops,
	.configure = process_configure,
	.collect = process_collect,
};
