/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The packet gadgets' attachment (trace_dns, trace_sni): in every network
 * namespace that has a process, an AF_PACKET socket on each interface, all
 * with the namespace's small dispatcher program that tells the gadget's
 * filter which namespace it is in (bpf/sockfilter.bpf.h). Namespaces and
 * interfaces that appear later are tapped at the next rescan (once a
 * second); namespaces whose processes are all gone are let go, so ig does
 * not keep them alive.
 */
#ifndef IG_SOCKFILTER_USER_H
#define IG_SOCKFILTER_USER_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "sockfilter.h"

/* Interfaces read per namespace at most (a pod has lo and eth0; the host
 * one veth per pod besides): the rest are not tapped. */
#define SF_MAX_LINKS 1024

/* A tap: a packet socket bound to one interface. */
struct sf_link {
	char name[16];          /* IF_NAMESIZE */
	int sock;
};

struct sf_netns {
	__u64 ino;
	int prog;               /* its dispatcher, shared by its taps */
	struct sf_link *links;
	size_t nlinks, cap;
	bool seen;
};

struct sf_attach {
	char proc[256];         /* "/proc", under --host-root */
	int progs_fd;           /* sf_progs */
	int owners_fd;          /* sf_owners */
	int self_ns;            /* our own network namespace, to come back to */
	__u64 self_ino;
	__u64 last_scan_ns;
	struct sf_netns *ns;
	size_t n, cap;
	size_t failures;        /* namespaces we could not attach to (said once) */
};

/* Put the filter into slot 0 of sf_progs and attach in every namespace.
 * 0, or -1 with a message (no namespace at all, not even ours). */
int sf_start(struct sf_attach *a, const char *host_root, int filter_fd, int progs_fd,
	     int owners_fd);
/* At most once a second: attach to new namespaces, drop gone ones. */
void sf_tick(struct sf_attach *a, __u64 now_ns);
/* Close every socket (detaches); idempotent. */
void sf_stop(struct sf_attach *a);

/* Look the owner of a local port up from user space, for a packet BPF
 * could not attribute (its socket got its port during the send): true if
 * found. */
bool sf_owner_lookup(const struct sf_attach *a, __u32 netns, __u8 proto, __u16 port,
		     struct ig_proc *out);


/* The root of the cgroup v2 hierarchy (cgroup id 1, where a program sees
 * every task) as an O_RDONLY fd, from the mounts ig sees; -1 if none (no
 * cgroup2 mounted, or only a cgroup namespace's subtree). */
int sf_cgroup_root(void);

struct np_packet;
struct ig_l4;
/* A packet's two ends as the network gadgets show them (net_set_l4()). */
void sf_ends(const struct np_packet *pk, struct ig_l4 *src, struct ig_l4 *dst);
/* "HOST", "OUTGOING"... for struct sf_packet.pkt_type. */
const char *sf_pkt_type_name(__u8 t);
#endif
