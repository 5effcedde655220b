/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/* Event header shared by every gadget, on both sides of the BPF boundary. */
#ifndef IG_EVENT_H
#define IG_EVENT_H

#define IG_COMM_LEN 16

/* Identity of the process that caused an event. */
struct ig_proc {
	__u64 timestamp;   /* bpf_ktime_get_boot_ns() */
	__u64 mntns_id;
	__u32 pid;         /* tgid */
	__u32 tid;
	__u32 ppid;        /* real parent's tgid */
	__u32 uid;
	__u32 gid;
	__u32 _pad;
	char comm[IG_COMM_LEN];
	char pcomm[IG_COMM_LEN];
};

/* Values of the classification map shared by every gadget (see common.bpf.h). */
#define IG_MNTNS_DENY  1
#define IG_MNTNS_ALLOW 2

#endif
