// SPDX-License-Identifier: GPL-2.0
/*
 * top_tcp: bytes each TCP connection sends and receives, from TCP's own
 * sequence numbers (include/top_tcp.h), so nothing runs per send or recv:
 * a program that does nothing costs 230-276 ns a call on sock_send_length
 * here, more than the whole budget (docs/performance.md).
 *
 * - sock:inet_sock_set_state, per change of state: connect() names the
 *   owner and listen() a listener's holder (the caller's context);
 *   ESTABLISHED sets the base (nothing was written or read yet), and an
 *   accepted connection takes its listener's holder as owner until a walk
 *   sees the process holding it; CLOSE moves the connection to `closed`
 *   with its last numbers.
 * - iter/task_file, every interval: every TCP socket a process holds
 *   (threads sharing a file table are walked once): its numbers now, its
 *   holder as owner if connect() did not name one, connections established
 *   before ig (counted from then on), and the holders of listeners made
 *   before ig. The iterator holds the file, so the socket is read alive.
 *   (A map iterator over `conns` would not need the walk, but
 *   iter/bpf_map_elem is refused here, EPERM, as fentry is.)
 *
 * A FIN takes one sequence number: write_seq counts ours once the state
 * says one was queued (the state changes first, then tcp_send_fin), and
 * rcv_nxt the peer's once tcp_fin() has set SOCK_DONE.
 */
#include "common.bpf.h"
#include "net.bpf.h"
#include "top_ns.bpf.h"
#include "top_tcp.h"

const volatile int target_family = -1;   /* 4, 6, or -1 for both */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TOP_TCP_MAX_CONNS);
	__type(key, __u64);                  /* the struct sock's address */
	__type(value, struct top_tcp_conn);
} conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TOP_TCP_MAX_CLOSED);
	__type(key, __u64);                  /* the connection's id */
	__type(value, struct top_tcp_record);
} closed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TOP_TCP_MAX_LISTENERS);
	__type(key, struct top_tcp_listener);
	__type(value, struct ig_proc);
} listeners SEC(".maps");

__u64 tt_next_id = 0;
__u64 tt_closed_lost = 0;   /* closed connections `closed` had no room for */
__u64 tt_conns_full = 0;    /* connections `conns` had no room for */

static __always_inline void note_conn(__u64 key, const struct top_tcp_conn *c, __u64 flags)
{
	if (bpf_map_update_elem(&conns, &key, c, flags) == -7 /* E2BIG: full */)
		__sync_fetch_and_add(&tt_conns_full, 1);
}

static __always_inline bool fin_sent(int state)
{
	return state == TCP_FIN_WAIT1 || state == TCP_FIN_WAIT2 || state == TCP_CLOSING ||
	       state == TCP_LAST_ACK;
}

/* The next byte the process writes, as a sequence number, without our FIN. */
static __always_inline __u32 seq_sent(const struct sock *sk, int state)
{
	__u32 seq = BPF_CORE_READ((const struct tcp_sock *)sk, write_seq);

	return fin_sent(state) ? seq - 1 : seq;
}

/* The next byte expected from the peer, without its FIN. */
static __always_inline __u32 seq_rcvd(const struct sock *sk)
{
	__u32 seq = BPF_CORE_READ((const struct tcp_sock *)sk, rcv_nxt);
	unsigned long flags = BPF_CORE_READ(sk, __sk_common.skc_flags);

	return flags & (1UL << bpf_core_enum_value(enum sock_flags, SOCK_DONE)) ? seq - 1 : seq;
}

/* --pid, --uid... against the owner; one not known yet passes only where
 * no such filter is set. */
static __always_inline bool owner_passes(const struct top_tcp_conn *c)
{
	return ig_owner_matches(c->owner == TOP_TCP_UNOWNED ? NULL : &c->proc);
}

static __always_inline bool connected_state(int state)
{
	return state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT || fin_sent(state);
}

/* The ends, namespace and base of a connection; false if --family leaves
 * it out. */
static __always_inline bool start_counting(const struct sock *sk, int state,
					   struct top_tcp_conn *c)
{
	if (!ig_sk_ends(sk, &c->src, &c->dst))
		return false;
	if (target_family > 0 && c->src.version != target_family)
		return false;
	c->netns_id = ig_sk_netns(sk);
	c->base_sent = seq_sent(sk, state);
	c->base_rcvd = seq_rcvd(sk);
	c->counting = 1;
	return true;
}

/* connect(): the caller owns it (the base comes at ESTABLISHED). */
static __always_inline void on_connect(const struct sock *sk)
{
	struct top_tcp_conn c = {};
	__u64 key = (__u64)sk;

	c.id = __sync_fetch_and_add(&tt_next_id, 1) + 1;
	c.owner = TOP_TCP_OWNED;
	ig_fill_proc(&c.proc);
	note_conn(key, &c, BPF_ANY);
	ig_top_ns_note(c.proc.mntns_key, c.proc.pid);
}

/* Established: connect()'s entry, or an accepted connection, whose owner
 * is its listener's holder if ig has seen one. */
static __always_inline void on_established(const struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct top_tcp_conn *old = bpf_map_lookup_elem(&conns, &key);
	struct top_tcp_listener lk = {};
	struct top_tcp_conn c = {};
	struct ig_proc *holder;

	if (old && !old->counting) {
		c = *old;
	} else {   /* accepted (or an entry whose close ig missed) */
		c.id = __sync_fetch_and_add(&tt_next_id, 1) + 1;
		c.owner = TOP_TCP_UNOWNED;
	}
	if (!start_counting(sk, TCP_ESTABLISHED, &c)) {
		bpf_map_delete_elem(&conns, &key);
		return;
	}
	if (c.owner == TOP_TCP_UNOWNED) {
		lk.netns_id = c.netns_id;
		lk.port = c.src.port;
		holder = bpf_map_lookup_elem(&listeners, &lk);
		if (holder) {
			c.proc = *holder;
			c.owner = TOP_TCP_LISTENER;
		}
	}
	note_conn(key, &c, BPF_ANY);
}

/* Closed: its last numbers, for user space to take the rest from. */
static __always_inline void on_close(const struct sock *sk, int oldstate)
{
	__u64 key = (__u64)sk;
	struct top_tcp_conn *c = bpf_map_lookup_elem(&conns, &key);
	struct top_tcp_record r;

	if (!c)
		return;
	if (c->counting && owner_passes(c)) {
		r.conn = *c;
		r.sent = seq_sent(sk, oldstate);
		r.rcvd = seq_rcvd(sk);
		if (bpf_map_update_elem(&closed, &r.conn.id, &r, BPF_NOEXIST))
			__sync_fetch_and_add(&tt_closed_lost, 1);
	}
	bpf_map_delete_elem(&conns, &key);
}

/* listen(): the caller holds the listener (a port bound before). */
static __always_inline void on_listen(const struct sock *sk)
{
	struct top_tcp_listener lk = {
		.netns_id = ig_sk_netns(sk),
		.port = BPF_CORE_READ(sk, __sk_common.skc_num),
	};
	struct ig_proc p = {};

	if (!lk.port)
		return;   /* bound after this: the next walk sees it */
	ig_fill_proc(&p);
	bpf_map_update_elem(&listeners, &lk, &p, BPF_ANY);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(ig_toptcp_state, const struct sock *sk, const int oldstate, const int newstate)
{
	if (!ig_sk_is_tcp(sk))
		return 0;
	if (newstate == TCP_LISTEN)
		on_listen(sk);
	else if (newstate == TCP_SYN_SENT)
		on_connect(sk);
	else if (newstate == TCP_ESTABLISHED)
		on_established(sk);
	else if (newstate == TCP_CLOSE)
		on_close(sk, oldstate);
	return 0;
}

/* A listener's holder, for the connections it will accept. */
static __always_inline void note_listener(const struct sock *sk, struct task_struct *task)
{
	struct top_tcp_listener lk = {
		.netns_id = ig_sk_netns(sk),
		.port = BPF_CORE_READ(sk, __sk_common.skc_num),
	};
	struct ig_proc p = {};

	ig_fill_proc_of(task, &p);
	bpf_map_update_elem(&listeners, &lk, &p, BPF_ANY);
}

/* A connection established before ig: counted from now, task owns it. */
static __noinline struct top_tcp_conn *adopt(const struct sock *sk, int state,
					     struct task_struct *task)
{
	struct top_tcp_conn c = {};
	__u64 key = (__u64)sk;

	if (!start_counting(sk, state, &c))
		return NULL;
	c.id = __sync_fetch_and_add(&tt_next_id, 1) + 1;
	c.owner = TOP_TCP_OWNED;
	ig_fill_proc_of(task, &c.proc);
	note_conn(key, &c, BPF_NOEXIST);
	return bpf_map_lookup_elem(&conns, &key);
}

/* Every TCP socket a process holds: listeners' holders, owners, and each
 * counting connection's numbers now. */
SEC("iter/task_file")
int ig_toptcp_walk(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct top_tcp_record r;
	struct top_tcp_conn *c;
	struct socket *sock;
	struct sock *sk;
	__u64 key;
	int state;

	if (!task || !file || (BPF_CORE_READ(file, f_inode, i_mode) & IG_S_IFMT) != IG_S_IFSOCK)
		return 0;
	sock = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || !ig_sk_is_tcp(sk))
		return 0;
	state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (state == TCP_LISTEN) {
		note_listener(sk, task);
		return 0;
	}
	key = (__u64)sk;
	c = bpf_map_lookup_elem(&conns, &key);
	if (!c) {
		if (!connected_state(state))
			return 0;
		c = adopt(sk, state, task);
		if (!c)
			return 0;
	} else if (c->owner != TOP_TCP_OWNED) {
		ig_fill_proc_of(task, &c->proc);
		c->owner = TOP_TCP_OWNED;
	}
	/* Not before it is established: an entry left at this address by a
	 * connection that closed while a walk adopted it would read another
	 * connection's numbers against its base. */
	if (!c->counting || !connected_state(state) || !owner_passes(c))
		return 0;
	r.conn = *c;
	r.sent = seq_sent(sk, state);
	r.rcvd = seq_rcvd(sk);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
