// SPDX-License-Identifier: Apache-2.0
/*
 * snapshot_socket: the TCP and UDP sockets of each selected container's
 * network namespace (and the host's with --host), printed once. The BPF
 * iterators (bpf/snapshot_socket.bpf.c) list the namespace of the process
 * that opens them, so ig enters each namespace in turn (setns) to open
 * them there. Without iterators (probed), or with
 * IG_SNAPSHOT_SOCKET_PROC=1, /proc/PID/net/{tcp,tcp6,udp,udp6} of a
 * process of the namespace are read instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "batch.h"
#include "enrich.h"
#include "containers/containers.h"
#include "skel.h"
#include "netfmt.h"
#include "snapshot_socket.h"
#include "snapshot_socket.skel.h"

enum {
	NET_L4_ENUM(F_SRC), NET_L4_ENUM(F_DST),
	F_STATE, F_STATE_RAW, F_INO, NET_NETNS_ENUM(F_NETNS),
};

static const struct field socket_fields[] = {
	NET_L4_FIELDS(F_SRC, "src", "SRC", "saddr", "sport", FF_DEFAULT),
	NET_L4_FIELDS(F_DST, "dst", "DST", "daddr", "dport", FF_DEFAULT),
	[F_STATE]     = { "state", "STATE", "status", FT_STR, 11, FF_DEFAULT },
	[F_STATE_RAW] = { "state_raw", NULL, NULL, FT_UINT, 2, FF_RIGHT },
	[F_INO]       = { "ino", "INO", "inode", FT_UINT, 10, FF_RIGHT },
	NET_NETNS_FIELDS(F_NETNS),
};

#define SOCKET_DEFAULT_FIELDS "runtime.containerName,src.endpoint,dst.endpoint,state"

IG_SKEL_OPS(snapshot_socket);

static bool use_iterators;

/* The iterators' targets are functions of the kernel's BTF, bpf_iter_tcp
 * and bpf_iter_udp (Linux 5.9). Read from the full BTF (or --btf): a
 * snapshot runs once, and libbpf's own lookup may be served from ig's
 * minimized copy. */
static bool has_iterators(const char *btf_path)
{
	struct btf *btf;
	bool ok;

	if (getenv("IG_SNAPSHOT_SOCKET_PROC"))
		return false;
	btf = btf__parse(btf_path ? btf_path : "/sys/kernel/btf/vmlinux", NULL);
	if (!btf)
		return false;
	ok = btf__find_by_name_kind(btf, "bpf_iter_tcp", BTF_KIND_FUNC) > 0 &&
	     btf__find_by_name_kind(btf, "bpf_iter_udp", BTF_KIND_FUNC) > 0;
	btf__free(btf);
	return ok;
}

static int socket_configure(struct gadget_ctx *ctx, void *s)
{
	struct snapshot_socket_bpf *skel = s;

	use_iterators = has_iterators(ctx->opts->btf);
	bpf_program__set_autoload(skel->progs.ig_snap_tcp, use_iterators);
	bpf_program__set_autoload(skel->progs.ig_snap_udp, use_iterators);
	ig_info("snapshot_socket: reading %s", use_iterators ? "the tcp and udp BPF iterators" :
		"/proc/PID/net/{tcp,tcp6,udp,udp6}");
	return 0;
}

static void add_row(struct ig_batch *b, const struct sock_entry *e)
{
	struct row *r = batch_row(b);
	const char *state = net_tcp_state(e->state);

	net_set_l4(r, GF(F_SRC_EP), &e->src);
	net_set_l4(r, GF(F_DST_EP), &e->dst);
	if (state)
		row_set_str(r, GF(F_STATE), state, strlen(state));
	else
		row_set_fmt(r, GF(F_STATE), "%u", e->state);
	row_set_uint(r, GF(F_STATE_RAW), e->state);
	row_set_uint(r, GF(F_INO), e->ino);
	net_set_netns(r, GF(F_NETNS), e->netns_id);
}

/* ---- /proc/PID/net ---------------------------------------------------------- */

/* "0100007F" or 32 hex digits: the kernel prints each 32-bit word of the
 * address as it is in memory, read as a host-order number. */
static bool parse_addr(const char *hex, size_t len, __u8 *addr)
{
	for (size_t w = 0; w < len / 8; w++) {
		char word[9];
		char *end;
		__u32 v;

		memcpy(word, hex + 8 * w, 8);
		word[8] = 0;
		v = strtoul(word, &end, 16);
		if (*end)
			return false;
		memcpy(addr + 4 * w, &v, 4);
	}
	return true;
}

/* One line of /proc/net/{tcp,udp}{,6}; false for the header or junk. */
bool snapshot_socket_parse_proc(const char *line, bool v6, __u8 proto, struct sock_entry *e);
bool snapshot_socket_parse_proc(const char *line, bool v6, __u8 proto, struct sock_entry *e)
{
	char src[40], dst[40];
	unsigned int sport, dport, state;
	unsigned long long ino;
	size_t alen = v6 ? 32 : 8;

	memset(e, 0, sizeof(*e));
	if (sscanf(line, " %*u: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %*x:%*x %*x:%*x %*x %*u %*u %llu",
		   src, &sport, dst, &dport, &state, &ino) != 6)
		return false;
	if (strlen(src) != alen || strlen(dst) != alen || sport > 65535 || dport > 65535 ||
	    state > 255 || !parse_addr(src, alen, e->src.addr) || !parse_addr(dst, alen, e->dst.addr))
		return false;
	e->src.port = sport;
	e->dst.port = dport;
	e->src.version = e->dst.version = v6 ? 6 : 4;
	e->src.proto = e->dst.proto = proto;
	e->state = state;
	e->ino = ino;
	return true;
}

static int read_proc(struct ig_batch *b, const char *proc, uint64_t netns)
{
	static const struct { const char *name; bool v6; __u8 proto; } files[] = {
		{ "tcp", false, IG_IPPROTO_TCP }, { "tcp6", true, IG_IPPROTO_TCP },
		{ "udp", false, IG_IPPROTO_UDP }, { "udp6", true, IG_IPPROTO_UDP },
	};
	char path[128], line[512];
	struct sock_entry e;
	int err = 0;

	for (size_t i = 0; i < ARRAY_SIZE(files) && !err; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/net/%s", proc, files[i].name);
		f = fopen(path, "re");
		if (!f)
			continue;   /* no IPv6, or the process is gone */
		while (!err && fgets(line, sizeof(line), f)) {
			if (!snapshot_socket_parse_proc(line, files[i].v6, files[i].proto, &e))
				continue;
			e.netns_id = netns;
			add_row(b, &e);
			err = batch_add(b);
		}
		fclose(f);
	}
	return err;
}

/* ---- the iterators ---------------------------------------------------------- */

static int read_iter(struct ig_batch *b, struct bpf_link *link)
{
	struct sock_entry e;
	int fd = bpf_iter_create(bpf_link__fd(link)), err = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (!err && (n = read(fd, &e, sizeof(e))) == sizeof(e)) {
		add_row(b, &e);
		err = batch_add(b);
	}
	if (!err && n < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Open the iterators inside the network namespace of proc (a /proc/PID
 * directory), then come back. */
static int read_netns_iters(struct gadget_ctx *ctx, struct ig_batch *b, const char *proc)
{
	struct snapshot_socket_bpf *skel = ctx->skel;
	char path[128];
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), target, err;

	snprintf(path, sizeof(path), "%s/ns/net", proc);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || target < 0 || setns(target, CLONE_NEWNET)) {
		err = -errno;
		goto out;
	}
	err = read_iter(b, skel->links.ig_snap_tcp);
	if (!err)
		err = read_iter(b, skel->links.ig_snap_udp);
	if (setns(self, CLONE_NEWNET)) {
		ig_err("snapshot_socket: cannot return to ig's network namespace: %s", strerror(errno));
		exit(IG_EXIT_RUNTIME);   /* every later socket would be another's */
	}
out:
	if (self >= 0)
		close(self);
	if (target >= 0)
		close(target);
	return err;
}

static int read_netns(struct gadget_ctx *ctx, struct ig_batch *b, const char *proc,
		      uint64_t netns)
{
	int err = use_iterators ? read_netns_iters(ctx, b, proc) : read_proc(b, proc, netns);

	/* A container that exited since the table was read has no sockets. */
	if (err == -ENOENT || err == -ESRCH)
		return 0;
	return err;
}

/* ig runs in the host's (pid 1's may be out of reach). */
static uint64_t host_netns(void)
{
	return ct_ns_link_inode("/proc/self/ns/net");
}

/* Each selected container's namespace once (a pod's containers share one),
 * and the host's with --host. */
static int socket_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	size_t n = enricher_table_count(b->enr);
	uint64_t *seen = calloc(n + 1, sizeof(*seen));
	size_t nseen = 0;
	char proc[32];
	int err = 0;

	if (!seen)
		return -ENOMEM;
	if (ctx->opts->host)
		err = read_netns(ctx, b, "/proc/self", host_netns());
	for (size_t i = 0; i < n && !err; i++) {
		const struct container *c = enricher_table_at(b->enr, i);
		bool dup = false;

		if (c->exited || !c->netns || !enricher_selects(b->enr, c))
			continue;
		for (size_t j = 0; j < nseen && !dup; j++)
			dup = seen[j] == c->netns;
		if (dup)
			continue;
		seen[nseen++] = c->netns;
		snprintf(proc, sizeof(proc), "/proc/%" PRIu32, c->pid);
		err = read_netns(ctx, b, proc, c->netns);
	}
	free(seen);
	return err;
}

IG_GADGET(snapshot_socket) = {
	.name = "snapshot_socket",
	.aliases = "socket",
	.description = "the TCP and UDP sockets of containers' network namespaces, once",
	.kind = GK_SNAPSHOT,
	.fields = socket_fields,
	.nfields = ARRAY_SIZE(socket_fields),
	.default_fields = SOCKET_DEFAULT_FIELDS,
	.skel = &snapshot_socket_skel_ops,
	.configure = socket_configure,
	.collect = socket_collect,
};
