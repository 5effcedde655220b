/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the packet gadgets (trace_dns, trace_sni) share in the kernel.
 *
 * A socket filter runs where a packet is tapped (dev_queue_xmit_nit on the
 * way out, __netif_receive_skb on the way in), often in softirq: there is
 * no process to read. So the syscall tracepoints that name a socket
 * (connect, bind, send*) record who owns its local port, per network
 * namespace, in sf_owners, and the filter looks the packet's local port up
 * there, as Inspektor Gadget's socket enricher does with kprobes.
 *
 * The filter cannot read which namespace it runs in either: user space
 * attaches, in each namespace, a 7-instruction dispatcher that writes the
 * namespace's inode into skb->cb[SF_CB_NETNS] and tail-calls the gadget's
 * filter through sf_progs (src/sockfilter.c).
 */
#ifndef IG_SOCKFILTER_BPF_H
#define IG_SOCKFILTER_BPF_H

#include "common.bpf.h"
#include <bpf/bpf_endian.h>
#include "sockfilter.h"

#define SF_S_IFMT    00170000
#define SF_S_IFSOCK  0140000
#define SF_ETH_P_IP   0x0800
#define SF_ETH_P_IPV6 0x86DD
#define SF_AF_INET    2
#define SF_AF_INET6   10

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} sf_progs SEC(".maps");

/* LRU: sockets that close are never seen closing; the oldest go. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct sf_port_key);
	__type(value, struct ig_proc);
} sf_owners SEC(".maps");

/* A socket whose local port is not known yet at syscall entry (an unbound
 * UDP socket's first send, any connect): by thread, until the exit. The
 * syscall tracepoints know its fd; the cgroup connect hooks, the socket. */
struct sf_pending {
	__u64 sk;              /* the struct sock, or 0: look fd up */
	__s32 fd;
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct sf_pending);
} sf_pending_fd SEC(".maps");

/* Entries in sf_pending_fd, about (a thread killed between entry and
 * exit leaves it high: the exits then only look for nothing). */
__s64 sf_npending = 0;

/* A typed pointer to the kernel object at p where bpf_rdonly_cast exists
 * (6.2+: the fields below are then direct loads), else p itself (probe
 * reads: SF_READ's other branch). */
#define SF_CAST(p, type) \
	(ig_cfg.kf_rdonly_cast ? (type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)) : (type *)(p))
#define SF_READ(p, ...) \
	(ig_cfg.kf_rdonly_cast ? ___arrow(p, __VA_ARGS__) : BPF_CORE_READ(p, __VA_ARGS__))

/* The TCP or UDP socket behind fd in the current task, or NULL. These run
 * at every connect, bind and send to port 53 (or on a connected socket):
 * typed loads, not a probe read per hop, where the kernel allows. */
static __always_inline struct sock *sf_fd_sock(long fd)
{
	struct file *f;
	struct socket *sock;
	struct sock *sk;
	__u16 family;
	__u8 proto;

	if (fd < 0)
		return NULL;
	f = ig_fd_file(fd);
	if (!f || (IG_FILE_READ(f, f_inode, i_mode) & SF_S_IFMT) != SF_S_IFSOCK)
		return NULL;
	sock = SF_CAST(IG_FILE_READ(f, private_data), struct socket);
	sk = SF_READ(sock, sk);
	if (!sk)
		return NULL;
	sk = SF_CAST(sk, struct sock);
	family = SF_READ(sk, __sk_common.skc_family);
	proto = SF_READ(sk, sk_protocol);
	if ((family != SF_AF_INET && family != SF_AF_INET6) ||
	    (proto != SF_PROTO_TCP && proto != SF_PROTO_UDP))
		return NULL;
	return sk;
}

/* Record the current task as the owner of sk's local port; false if the
 * socket has no port yet. Skips the update when nothing changed. sk is
 * sf_fd_sock's. */
static __always_inline void sf_note_port(__u32 netns, __u8 proto, __u16 port)
{
	struct sf_port_key key = { .netns = netns, .port = port, .proto = proto };
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ig_proc *old, p;

	old = bpf_map_lookup_elem(&sf_owners, &key);
	if (old && old->tid == (__u32)pid_tgid && old->pid == pid_tgid >> 32)
		return;
	ig_fill_proc(&p);
	bpf_map_update_elem(&sf_owners, &key, &p, BPF_ANY);
}

static __always_inline bool sf_note_sock(struct sock *sk)
{
	const struct inet_sock *inet = SF_CAST(sk, struct inet_sock);
	__u16 port = bpf_ntohs(SF_READ(inet, inet_sport));

	if (!port)
		return false;
	sf_note_port(SF_READ(sk, __sk_common.skc_net.net, ns.inum), SF_READ(sk, sk_protocol), port);
	return true;
}

static __always_inline void sf_pend(const struct sf_pending *v)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!bpf_map_update_elem(&sf_pending_fd, &tid, v, BPF_ANY))
		__sync_fetch_and_add(&sf_npending, 1);
}

/* Syscall entry on fd: note the owner now if the port is known (a bound
 * server, a connected client), else at the exit. */
static __always_inline void sf_enter(long fd, bool always_at_exit)
{
	struct sock *sk = sf_fd_sock(fd);
	struct sf_pending v = { .fd = fd };

	if (!sk)
		return;
	if (!always_at_exit && sf_note_sock(sk))
		return;
	sf_pend(&v);
}

/* The exits run after every send on the host: while no entry waits (the
 * common case), a load and a compare. */
static __always_inline void sf_exit(void)
{
	__u32 tid;
	struct sf_pending *v;
	struct sock *sk;

	if (!sf_npending)
		return;
	tid = (__u32)bpf_get_current_pid_tgid();
	v = bpf_map_lookup_elem(&sf_pending_fd, &tid);
	if (!v)
		return;
	/* The connect hook's socket lives until the syscall returns: the
	 * file holds it. */
	sk = v->sk ? SF_CAST((struct sock *)v->sk, struct sock) : sf_fd_sock(v->fd);
	if (sk)
		sf_note_sock(sk);
	if (!bpf_map_delete_elem(&sf_pending_fd, &tid))
		__sync_fetch_and_add(&sf_npending, -1);
}

/* ---- cgroup hooks: the same owners, without syscall tracepoints ----------
 *
 * Where cgroup v2 is mounted, programs on the root cgroup (so every task)
 * replace the syscall tracepoints: the kernel hands them the destination
 * (user_port) and the socket (its bound port), with no fd walk and no user
 * memory read, and they run only for inet sockets' connect, bind and UDP
 * sends with an address, not for every sendto/sendmsg of the host. They
 * always return 1: they observe, never refuse.
 *
 * The namespace is the task's, not the socket's (a struct bpf_sock has no
 * net; its pointer allows no arithmetic): they differ only for a socket
 * made before a setns(CLONE_NEWNET) and used after.
 */
static __always_inline __u32 sf_task_netns(void)
{
	return ig_current_task()->nsproxy->net_ns->ns.inum;
}

/* A UDP send with an address (sendto, sendmsg with msg_name): the socket
 * has its port by now (inet_send_prepare autobinds before the hook). */
static __always_inline void sf_cg_send(struct bpf_sock_addr *ctx, __u16 port)
{
	struct bpf_sock *sk = ctx->sk;

	if ((ctx->user_port != bpf_htons(port) && sk->src_port != port) || !sk->src_port)
		return;
	sf_note_port(sf_task_netns(), SF_PROTO_UDP, sk->src_port);
}

/* A connect to port: the local port comes after the hook (autobind, or
 * tcp_v4_connect): the syscall's exit (sf_exit) reads it. */
static __always_inline void sf_cg_connect(struct bpf_sock_addr *ctx, __u16 port)
{
	struct sf_pending v = { .fd = -1 };

	if (ctx->user_port != bpf_htons(port))
		return;
	v.sk = (__u64)ctx->sk;
	sf_pend(&v);
}

/* After a bind: the port is the socket's now. */
static __always_inline void sf_cg_bound(struct bpf_sock *sk, __u16 port)
{
	if (sk->src_port == port)
		sf_note_port(sf_task_netns(), sk->protocol, port);
}

/* ---- in the socket filter ------------------------------------------------ */

/* A packet's IP and transport headers: offsets from the network header. */
struct sf_l4 {
	__u32 len;          /* the IP packet's length */
	__u32 payload;      /* where the transport payload starts */
	__u16 sport;
	__u16 dport;
	__u8 proto;
};

#define SF_PORT(h, i) (((__u16)(h)[i] << 8) | (h)[(i) + 1])

/*
 * IPv4 or IPv6 (without extension headers) carrying TCP or UDP, with port
 * on either end (0: any); false for anything else, and for IPv4 fragments
 * after the first. This runs on every packet of every namespace: one load
 * brings the IP header and both ports (an IPv4 header with options needs a
 * second), so a packet on another port is rejected after one helper call.
 * Only a packet that passes reads more (TCP's data offset).
 */
static __always_inline bool sf_parse(struct __sk_buff *skb, struct sf_l4 *l, __u16 port)
{
	__u8 h[44];
	__u32 off;

	if (skb->protocol == bpf_htons(SF_ETH_P_IP)) {
		if (bpf_skb_load_bytes_relative(skb, 0, h, 24, BPF_HDR_START_NET))
			return false;
		if ((h[0] >> 4) != 4 || ((h[6] & 0x1f) | h[7]))   /* a later fragment */
			return false;
		off = (h[0] & 0xf) * 4;
		if (off < 20)
			return false;
		if (off > 20 && bpf_skb_load_bytes_relative(skb, off, h + 20, 4, BPF_HDR_START_NET))
			return false;
		l->proto = h[9];
		l->len = SF_PORT(h, 2);
		l->sport = SF_PORT(h, 20);
		l->dport = SF_PORT(h, 22);
	} else if (skb->protocol == bpf_htons(SF_ETH_P_IPV6)) {
		if (bpf_skb_load_bytes_relative(skb, 0, h, 44, BPF_HDR_START_NET))
			return false;
		off = 40;
		l->proto = h[6];
		l->len = 40 + SF_PORT(h, 4);
		l->sport = SF_PORT(h, 40);
		l->dport = SF_PORT(h, 42);
	} else {
		return false;
	}
	if (port && l->sport != port && l->dport != port)
		return false;
	if (l->proto == SF_PROTO_UDP) {
		l->payload = off + 8;
	} else if (l->proto == SF_PROTO_TCP) {
		if (bpf_skb_load_bytes_relative(skb, off + 12, h, 1, BPF_HDR_START_NET))
			return false;
		l->payload = off + (h[0] >> 4) * 4;
	} else {
		return false;
	}
	return l->payload <= l->len;
}

/* On loopback every packet passes twice, leaving and arriving. The socket
 * on lo ignores the copies leaving (PACKET_IGNORE_OUTGOING, see
 * src/sockfilter.c), which the kernel would clone for it before any
 * filter runs: the copy arriving is kept, and one leaving is a duplicate. */
static __always_inline bool sf_loopback_duplicate(const struct __sk_buff *skb)
{
	return skb->ifindex == SF_LO_IFINDEX && skb->pkt_type == SF_PACKET_OUTGOING;
}

/* Whether the packet left this namespace: on loopback, always (it is
 * also arriving: both ends are here). */
static __always_inline bool sf_leaving(const struct __sk_buff *skb)
{
	return skb->pkt_type == SF_PACKET_OUTGOING || skb->ifindex == SF_LO_IFINDEX;
}

/* The owner of a packet's local end, looked up by `first` then, on
 * loopback (where both ends are local), `second`; NULL if unknown. A map
 * value: read it before reserving the record, copy it into the record. */
static __always_inline const struct ig_proc *sf_find_owner(const struct __sk_buff *skb,
							   __u8 proto, __u16 first, __u16 second)
{
	struct sf_port_key key = { .netns = skb->cb[SF_CB_NETNS], .port = first, .proto = proto };
	const struct ig_proc *p = bpf_map_lookup_elem(&sf_owners, &key);

	if (p || skb->ifindex != SF_LO_IFINDEX)
		return p;
	key.port = second;
	return bpf_map_lookup_elem(&sf_owners, &key);
}

/* --pid, --tid, --uid, --gid against the owner. Not the container filters
 * (-c, --k8s-*): a packet is a container's by its owner's mount namespace
 * or by its network namespace (a host process entered into a container's,
 * nsenter --net), which user space decides (src/enrich.c). */
static __always_inline bool sf_owner_passes(const struct ig_proc *p)
{
	if (!p || !p->pid)
		return true;   /* an unknown owner passes: user space looks again */
	if (ig_cfg.targ_pid && p->pid != ig_cfg.targ_pid)
		return false;
	if (ig_cfg.targ_tid && p->tid != ig_cfg.targ_tid)
		return false;
	if (ig_cfg.filter_uid && p->uid != ig_cfg.targ_uid)
		return false;
	if (ig_cfg.filter_gid && p->gid != ig_cfg.targ_gid)
		return false;
	return true;
}

/* The wakeup of common.bpf.h without its mount-namespace part, which reads
 * the current task: in a socket filter that is whoever was interrupted.
 * now: the record's timestamp (one clock read a packet). */
static __always_inline __u64 sf_wakeup_flags(__u64 now)
{
	if (now - ig_last_wakeup >= ig_cfg.wakeup_ns ||
	    bpf_ringbuf_query(&ig_events, BPF_RB_AVAIL_DATA) >= ig_cfg.wakeup_bytes) {
		ig_last_wakeup = now;
		return BPF_RB_FORCE_WAKEUP;
	}
	return BPF_RB_NO_WAKEUP;
}

/* Is the IP header at offset off from skb->data? (Compared by its first
 * 20 bytes: enough to tell a MAC header from it.) */
static __always_inline bool sf_net_at(struct __sk_buff *skb, __u32 off, const __u32 *ip)
{
	__u32 b[5];

	if (bpf_skb_load_bytes(skb, off, b, sizeof(b)))
		return false;
	return b[0] == ip[0] && b[1] == ip[1] && b[2] == ip[2] && b[3] == ip[3] && b[4] == ip[4];
}

/*
 * Where the IP header starts, from skb->data (for a packet socket, the MAC
 * header): 14 on Ethernet and loopback, 0 on devices without a MAC header
 * (tun, wireguard); -1 if neither.
 */
static __always_inline int sf_mac_len(struct __sk_buff *skb)
{
	__u32 ip[5];

	if (bpf_skb_load_bytes_relative(skb, 0, ip, sizeof(ip), BPF_HDR_START_NET))
		return -1;
	if (sf_net_at(skb, 14, ip))
		return 14;
	if (sf_net_at(skb, 0, ip))
		return 0;
	return -1;
}

/*
 * Load len bytes at off from the network header. The relative load reads
 * only the linear part; TCP keeps its payload in pages, which
 * bpf_skb_load_bytes reads, from skb->data.
 */
static __always_inline bool sf_load(struct __sk_buff *skb, __u32 off, void *to, __u32 len)
{
	int mac;

	if (!bpf_skb_load_bytes_relative(skb, off, to, len, BPF_HDR_START_NET))
		return true;
	mac = sf_mac_len(skb);
	return mac >= 0 && !bpf_skb_load_bytes(skb, mac + off, to, len);
}

/*
 * Fill the header of a packet record, with its owner (sf_find_owner's, or
 * NULL), and copy the packet from its network header, at most max bytes (a
 * constant: the size of data[]). Returns false (record to discard) if the
 * copy failed.
 */
static __always_inline bool sf_fill(struct __sk_buff *skb, const struct sf_l4 *l,
				    struct sf_packet *h, __u8 *data, __u32 max,
				    const struct ig_proc *owner)
{
	__u32 len = l->len;

	h->netns_id = skb->cb[SF_CB_NETNS];
	h->ifindex = skb->ifindex;
	h->pkt_type = sf_leaving(skb) ? SF_PACKET_OUTGOING : skb->pkt_type;
	h->timestamp = bpf_ktime_get_boot_ns();
	h->len = l->len;
	h->flags = 0;
	if (owner)
		h->proc = *owner;
	else
		__builtin_memset(&h->proc, 0, sizeof(h->proc));
	if (len > max)
		len = max;
	/* "< 20", not "== 0": a range check gives the verifier the lower
	 * bound of the copy's size (6.1's does not learn it from != 0). No IP
	 * packet is shorter anyway. */
	if (len < 20)
		return false;
	h->caplen = len;
	return sf_load(skb, 0, data, len);
}

#endif
