// SPDX-License-Identifier: Apache-2.0
/* Socket filters in every network namespace; see sockfilter.h. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/magic.h>
#include <mntent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* A packet socket in the namespace of nsfd (-1: ours), with a dispatcher
 * for netns attached. */
static int attach_in(struct sf_attach *a, int nsfd, __u32 netns, struct sf_netns *out)
{
	int sock, prog, err = 0;

	if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET))
		return -errno;
	sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (sock < 0)
		err = -errno;
	/* Back home before anything else can go wrong. */
	if (nsfd >= 0 && setns(a->self_ns, CLONE_NEWNET)) {
		ig_err("cannot return to ig's own network namespace: %s", strerror(errno));
		abort();
	}
	if (err)
		return err;
	prog = load_dispatcher(netns, a->progs_fd);
	if (prog < 0 || setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, &prog, sizeof(prog))) {
		err = prog < 0 ? prog : -errno;
		if (prog >= 0)
			close(prog);
		close(sock);
		return err;
	}
	out->sock = sock;
	out->prog = prog;
	return 0;
}

static struct sf_netns *find_ns(struct sf_attach *a, __u64 ino)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->ns[i].ino == ino)
			return &a->ns[i];
	return NULL;
}

static int add_ns(struct sf_attach *a, const char *pid, __u64 ino, __u64 self_ino)
{
	struct sf_netns e = { .ino = ino, .seen = true };
	char path[600];
	int nsfd = -1, err;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct sf_netns *ns = realloc(a->ns, cap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		a->ns = ns;
		a->cap = cap;
	}
	if (ino != self_ino) {
		snprintf(path, sizeof(path), "%s/%s/ns/net", a->proc, pid);
		nsfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0)
			return -errno;   /* the process is gone: next time */
	}
	err = attach_in(a, nsfd, (__u32)ino, &e);
	if (nsfd >= 0)
		close(nsfd);
	if (err)
		return err;
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
		if (a->ns[i].seen) {
			a->ns[j++] = a->ns[i];
			continue;
		}
		close(a->ns[i].sock);
		close(a->ns[i].prog);
	}
	a->n = j;
}

/* One pass over /proc: every namespace some process is in. */
static void scan(struct sf_attach *a)
{
	char path[600];
	struct stat self, sb;
	struct dirent *d;
	DIR *dir;

	if (fstat(a->self_ns, &self))
		return;
	dir = opendir(a->proc);
	if (!dir)
		return;
	for (size_t i = 0; i < a->n; i++)
		a->ns[i].seen = a->ns[i].ino == self.st_ino;
	while ((d = readdir(dir))) {
		struct sf_netns *e;
		int err;

		if (!is_pid(d->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/ns/net", a->proc, d->d_name);
		if (stat(path, &sb))
			continue;
		e = find_ns(a, sb.st_ino);
		if (e) {
			e->seen = true;
			continue;
		}
		err = add_ns(a, d->d_name, sb.st_ino, self.st_ino);
		if (err && err != -ENOENT && err != -ESRCH && !a->failures++)
			ig_err("cannot attach to network namespace %llu (pid %s): %s",
			       (unsigned long long)sb.st_ino, d->d_name, strerror(-err));
	}
	closedir(dir);
	drop_unseen(a);
}

int sf_start(struct sf_attach *a, const char *host_root, int filter_fd, int progs_fd,
	     int owners_fd)
{
	__u32 zero = 0;
	char self[64];

	memset(a, 0, sizeof(*a));
	a->self_ns = -1;
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
	if (a->self_ns < 0) {
		ig_err("cannot open %s: %s", self, strerror(errno));
		return -1;
	}
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
	for (size_t i = 0; i < a->n; i++) {
		close(a->ns[i].sock);
		close(a->ns[i].prog);
	}
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
