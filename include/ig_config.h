/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * The configuration every gadget's BPF side shares: one read-only struct,
 * ig_cfg in bpf/common.bpf.h, that user space fills through the skeleton's
 * type (src/skel.h) before load. A field renamed on one side and not the
 * other fails to compile, instead of failing a by-name lookup at run time.
 */
#ifndef IG_CONFIG_H
#define IG_CONFIG_H

#include "ig_event.h"

struct ig_config {
	__u32 targ_pid;         /* 0: any */
	__u32 targ_tid;         /* 0: any */
	__u32 targ_uid;         /* with filter_uid */
	__u32 targ_gid;         /* with filter_gid */
	__u8 filter_uid;
	__u8 filter_gid;
	__u8 filter_comm;
	/* When set, events pass only from mount namespaces classified ALLOW
	 * in ig_mntns, or not classified yet (user space then classifies
	 * them, so a container started after ig loses none of its first
	 * events). */
	__u8 filter_mntns;
	/* Key mount namespaces by their unique id rather than by inode
	 * number, which the kernel recycles (set when user space can read
	 * the ids too). */
	__u8 mntns_by_id;
	/* Fast paths the running kernel allows (src/kfeature.c):
	 * bpf_rdonly_cast to a struct type (Linux 6.2), and to void, i.e. to
	 * untrusted memory at any offset (newer; 6.2-6.16 verifiers say
	 * "type ID argument must be of a struct"). */
	__u8 kf_rdonly_cast;
	__u8 kf_void_cast;
	__u8 _pad;
	char targ_comm[IG_COMM_LEN];
	/* Adaptive wakeup: wake the reader if the last wakeup is older than
	 * wakeup_ns, or if wakeup_bytes are pending (see common.bpf.h). */
	__u64 wakeup_ns;
	__u64 wakeup_bytes;
};

/* The BPF side's defaults (user space keeps them unless told otherwise). */
#define IG_WAKEUP_NS_DEFAULT    20000000ULL
#define IG_WAKEUP_BYTES_DEFAULT (1ULL << 20)

#endif
