// SPDX-License-Identifier: Apache-2.0
/* Socket filters in every network namespace; see sockfilter.h. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <linux/magic.h>
#include <mntent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "ig.h"
#include "ig_net.h"
#include "netparse.h"
#include "sockfilter_user.h"

#define SF_RESCAN_NS 1000000000ULL

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23   /* Linux 4.20 */
#endif

/*
 * The dispatcher: skb->cb[SF_CB_NETNS] = netns; tail-call sf_progs[0];
 * return 0 (reached only if the slot is empty). A socket filter may write
 * cb[] (not with an immediate store to the context: through a register).
 */
static int load_dispatcher(__u32 netns, int progs_fd)
{
	const __s16 cb_off = offsetof(struct __sk_buff, cb[SF_CB_NETNS]);
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = (__s32)netns },
		{ .code = BPF_STX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_2,
		  .off = cb_off },
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_2,
		  .src_reg = BPF_PSEUDO_MAP_FD, .imm = progs_fd },
		{ 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_tail_call },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "ig_sf_dispatch", "GPL", insns,
			     ARRAY_SIZE(insns), NULL);
}

/*
 * One interface's tap: a packet socket bound to it, with the namespace's
 * dispatcher, made in the namespace ig is in now. Bound only once the
 * filter is on (protocol 0 hooks nothing), so nothing queues unfiltered.
 * The one on lo ignores the packets leaving: the kernel clones a packet
 * for each tap on its way out before any filter runs, and on lo the same
 * packet arrives again (bpf/sockfilter.bpf.h keeps that copy), so a
 * datagram on loopback costs one filter run and no clone.
 */
static int open_tap(const char name[IF_NAMESIZE], int prog, struct sf_link *out)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int one = 1, sock, err = 0;

	sll.sll_ifindex = (int)if_nametoindex(name);
	if (!sll.sll_ifindex)
		return -errno;
	sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -errno;
	if (setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, &prog, sizeof(prog)) ||
	    (sll.sll_ifindex == SF_LO_IFINDEX &&
	     setsockopt(sock, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one))) ||
	    bind(sock, (struct sockaddr *)&sll, sizeof(sll)))
		err = -errno;
	if (err) {
		close(sock);
		return err;
	}
	memcpy(out->name, name, sizeof(out->name));   /* a slot of list_links' */
	out->sock = sock;
	return 0;
}

/* The interfaces of pid's network namespace (NULL: ig's), from
 * /proc/PID/net/dev: one name per IF_NAMESIZE slot of names; how many, or
 * -1. */
static int list_links(const struct sf_attach *a, const char *pid, char (*names)[IF_NAMESIZE],
		      int max)
{
	char path[600], line[512];
	int n = 0;
	FILE *f;

	if (pid)
		snprintf(path, sizeof(path), "%s/%s/net/dev", a->proc, pid);
	else
		snprintf(path, sizeof(path), "/proc/self/net/dev");
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *name = line;

		if (!colon)
			continue;   /* the two header lines */
		*colon = '\0';
		while (*name == ' ')
			name++;
		if (*name && strlen(name) < IF_NAMESIZE)
			snprintf(names[n++], IF_NAMESIZE, "%s", name);
	}
	fclose(f);
	return n;
}

static void close_link(struct sf_link *l)
{
	close(l->sock);
	l->sock = -1;
}

/* Whether the tap still works: a socket whose interface went away has an
 * error (ENODEV) and is unhooked; the name may be another interface now. */
static bool link_broken(const struct sf_link *l)
{
	int err = 0;
	socklen_t len = sizeof(err);

	return getsockopt(l->sock, SOL_SOCKET, SO_ERROR, &err, &len) || err;
}

/* Both an interface name row and a struct sf_link start with the name. */
static int cmp_name(const void *a, const void *b)
{
	return strncmp(a, b, IF_NAMESIZE);
}

/* e->links is kept sorted by name (sync_links). */
static bool has_link(const struct sf_netns *e, const char *name)
{
	return e->nlinks &&   /* links is NULL until the first */
	       bsearch(name, e->links, e->nlinks, sizeof(*e->links), cmp_name);
}

/* Room for one more link; -1 when out of memory. */
static int grow_links(struct sf_netns *e)
{
	size_t cap = e->cap ? e->cap * 2 : 4;
	struct sf_link *l;

	if (e->nlinks < e->cap)
		return 0;
	l = realloc(e->links, cap * sizeof(*l));
	if (!l)
		return -1;
	e->links = l;
	e->cap = cap;
	return 0;
}

/* Open taps on names[0..n), none tapped yet (sync_links picks them), in
 * the namespace of pid (NULL: ours); each that fails is tried again at the
 * next scan. 0, or the first error. */
static int open_taps(struct sf_attach *a, struct sf_netns *e, const char *pid,
		      char (*names)[IF_NAMESIZE], int n)
{
	char path[600];
	int nsfd = -1, first = 0;

	if (pid && e->ino != a->self_ino) {
		snprintf(path, sizeof(path), "%s/%s/ns/net", a->proc, pid);
		nsfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET)) {
			first = -errno;
			if (nsfd >= 0)
				close(nsfd);
			return first;   /* the process is gone: next time */
		}
	}
	for (int i = 0; i < n; i++) {
		struct sf_link l;
		int err;

		err = grow_links(e) ? -ENOMEM : open_tap(names[i], e->prog, &l);
		if (!err) {
			e->links[e->nlinks++] = l;
			ig_info("packet filter on interface %s in network namespace %llu", names[i],
				(unsigned long long)e->ino);
			continue;
		}
		if (!first)
			first = err;
		ig_info("packet filter: interface %s of network namespace %llu: %s", names[i],
			(unsigned long long)e->ino, strerror(-err));
	}
	/* Back home before anything else can go wrong. */
	if (nsfd >= 0 && setns(a->self_ns, CLONE_NEWNET)) {
		ig_err("cannot return to ig's own network namespace: %s", strerror(errno));
		abort();
	}
	if (nsfd >= 0)
		close(nsfd);
	return first;
}

/* The namespace's taps against its interfaces now: gone or broken ones
 * closed, new ones opened. 0, or the first error. */
static int sync_links(struct sf_attach *a, struct sf_netns *e, const char *pid)
{
	char names[SF_MAX_LINKS][IF_NAMESIZE];
	int n = list_links(a, pid, names, SF_MAX_LINKS), fresh = 0, err = 0;
	size_t j = 0;

	if (n < 0)
		return -ENOENT;   /* the process is gone: next time, by another */
	/* Sorted, both sides: a host with a veth per container has many. */
	qsort(names, n, IF_NAMESIZE, cmp_name);
	for (size_t i = 0; i < e->nlinks; i++) {
		bool listed = bsearch(e->links[i].name, names, n, IF_NAMESIZE, cmp_name);

		if (listed && !link_broken(&e->links[i]))
			e->links[j++] = e->links[i];
		else
			close_link(&e->links[i]);
	}
	e->nlinks = j;
	for (int k = 0; k < n; k++)
		if (!has_link(e, names[k]))
			memmove(names[fresh++], names[k], IF_NAMESIZE);   /* fresh <= k */
	if (fresh)
		err = open_taps(a, e, pid, names, fresh);
	if (e->nlinks > 1)
		qsort(e->links, e->nlinks, sizeof(*e->links), cmp_name);
	return err;
}

static void free_ns(struct sf_netns *e)
{
	for (size_t i = 0; i < e->nlinks; i++)
		close_link(&e->links[i]);
	free(e->links);
	close(e->prog);
}

static struct sf_netns *find_ns(struct sf_attach *a, __u64 ino)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->ns[i].ino == ino)
			return &a->ns[i];
	return NULL;
}

/* A namespace first seen (at pid): its dispatcher, and a tap on each of
 * its interfaces. */
static int add_ns(struct sf_attach *a, const char *pid, __u64 ino)
{
	struct sf_netns e = { .ino = ino, .seen = true };
	int err;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct sf_netns *ns = realloc(a->ns, cap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		a->ns = ns;
		a->cap = cap;
	}
	e.prog = load_dispatcher((__u32)ino, a->progs_fd);
	if (e.prog < 0)
		return e.prog;
	err = sync_links(a, &e, pid);
	if (!e.nlinks) {
		free_ns(&e);
		return err ? err : -ENOENT;   /* nothing to tap yet: next time */
	}
	a->ns[a->n++] = e;
	ig_info("packet filter attached in network namespace %llu", (unsigned long long)ino);
	return 0;
}

static bool is_pid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static void drop_unseen(struct sf_attach *a)
{
	size_t j = 0;

	for (size_t i = 0; i < a->n; i++) {
		if (a->ns[i].seen)
			a->ns[j++] = a->ns[i];
		else
			free_ns(&a->ns[i]);
	}
	a->n = j;
}

/* One pass over /proc: every namespace some process is in, ours first;
 * each one's interfaces checked once. */
static void scan(struct sf_attach *a)
{
	char path[600];
	struct stat sb;
	struct dirent *d;
	struct sf_netns *e;
	DIR *dir;
	int err;

	for (size_t i = 0; i < a->n; i++)
		a->ns[i].seen = false;
	e = find_ns(a, a->self_ino);
	if (e) {
		e->seen = true;
		sync_links(a, e, NULL);
	} else if ((err = add_ns(a, NULL, a->self_ino)) && !a->failures++) {
		ig_err("cannot attach to ig's own network namespace: %s", strerror(-err));
	}
	dir = opendir(a->proc);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (!is_pid(d->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/ns/net", a->proc, d->d_name);
		if (stat(path, &sb))
			continue;
		e = find_ns(a, sb.st_ino);
		if (e) {
			if (!e->seen)
				sync_links(a, e, d->d_name);
			e->seen = true;
			continue;
		}
		err = add_ns(a, d->d_name, sb.st_ino);
		if (err && err != -ENOENT && err != -ESRCH && !a->failures++)
			ig_err("cannot attach to network namespace %llu (pid %s): %s",
			       (unsigned long long)sb.st_ino, d->d_name, strerror(-err));
	}
	closedir(dir);
	drop_unseen(a);
}

/* A socket per interface: the host of a node with 200 pods has 200 veths,
 * and 1024 descriptors (the usual soft limit) would run out. The hard
 * limit is ig's to take; ig uses poll and epoll, never select. */
static void raise_nofile(void)
{
	struct rlimit r;

	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

int sf_start(struct sf_attach *a, const char *host_root, int filter_fd, int progs_fd,
	     int owners_fd)
{
	__u32 zero = 0;
	char self[64];
	struct stat st;

	memset(a, 0, sizeof(*a));
	a->self_ns = -1;
	raise_nofile();
	snprintf(a->proc, sizeof(a->proc), "%s/proc",
		 host_root && strcmp(host_root, "/") ? host_root : "");
	a->progs_fd = progs_fd;
	a->owners_fd = owners_fd;
	if (bpf_map_update_elem(progs_fd, &zero, &filter_fd, BPF_ANY)) {
		ig_err("cannot install the packet filter: %s", strerror(errno));
		return -1;
	}
	snprintf(self, sizeof(self), "/proc/self/ns/net");
	a->self_ns = open(self, O_RDONLY | O_CLOEXEC);
	if (a->self_ns < 0 || fstat(a->self_ns, &st)) {
		ig_err("cannot open %s: %s", self, strerror(errno));
		return -1;
	}
	a->self_ino = st.st_ino;
	scan(a);
	if (!a->n) {
		ig_err("could not attach a packet filter in any network namespace");
		return -1;
	}
	return 0;
}

void sf_tick(struct sf_attach *a, __u64 now_ns)
{
	if (a->self_ns < 0 || now_ns - a->last_scan_ns < SF_RESCAN_NS)
		return;
	a->last_scan_ns = now_ns;
	scan(a);
}

void sf_stop(struct sf_attach *a)
{
	for (size_t i = 0; i < a->n; i++)
		free_ns(&a->ns[i]);
	free(a->ns);
	a->ns = NULL;
	a->n = a->cap = 0;
	if (a->self_ns >= 0)
		close(a->self_ns);
	a->self_ns = -1;
}

bool sf_owner_lookup(const struct sf_attach *a, __u32 netns, __u8 proto, __u16 port,
		     struct ig_proc *out)
{
	struct sf_port_key key = { .netns = netns, .port = port, .proto = proto };

	return a->owners_fd > 0 && port && !bpf_map_lookup_elem(a->owners_fd, &key, out);
}

int sf_cgroup_root(void)
{
	struct mntent *m;
	FILE *f = setmntent("/proc/self/mounts", "r");
	int fd = -1;

	if (!f)
		return -1;
	while (fd < 0 && (m = getmntent(f))) {
		struct statfs sfs;
		struct stat st;

		if (strcmp(m->mnt_type, "cgroup2"))
			continue;
		fd = open(m->mnt_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		/* The root cgroup's kernfs id, its inode number, is 1. */
		if (fd >= 0 && (fstatfs(fd, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC ||
				fstat(fd, &st) || st.st_ino != 1)) {
			close(fd);
			fd = -1;
		}
	}
	endmntent(f);
	return fd;
}

void sf_ends(const struct np_packet *pk, struct ig_l4 *src, struct ig_l4 *dst)
{
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	memcpy(src->addr, pk->saddr, 16);
	memcpy(dst->addr, pk->daddr, 16);
	src->port = pk->sport;
	dst->port = pk->dport;
	src->version = dst->version = pk->version;
	src->proto = dst->proto = pk->proto;
}

const char *sf_pkt_type_name(__u8 t)
{
	static const char *const names[] = {
		"HOST", "BROADCAST", "MULTICAST", "OTHERHOST", "OUTGOING",
	};

	return t < ARRAY_SIZE(names) ? names[t] : "UNKNOWN";
}
