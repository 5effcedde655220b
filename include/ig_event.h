/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/* Event header shared by every gadget, on both sides of the BPF boundary. */
#ifndef IG_EVENT_H
#define IG_EVENT_H

#define IG_COMM_LEN 16

/* Identity of the process that caused an event. */
struct ig_proc {
	__u64 timestamp;   /* bpf_ktime_get_boot_ns() */
	__u64 mntns_id;    /* inode number, as /proc shows it */
	__u64 mntns_key;   /* identity: the kernel's unique mount namespace id
			    * (never reused) where available, else mntns_id */
	__u32 pid;         /* tgid */
	__u32 tid;
	__u32 ppid;        /* real parent's tgid */
	__u32 uid;
	__u32 gid;
	__u32 _pad;
	char comm[IG_COMM_LEN];
	char pcomm[IG_COMM_LEN];
};

/* Cgroup names (last path component) of the last process BPF saw in a
 * mount namespace user space had not classified yet: enough to name a
 * container whose processes are already gone when user space looks. */
#define IG_CGROUP_NAME_LEN 96

struct ig_mntns_hint {
	char dfl[IG_CGROUP_NAME_LEN];   /* the cgroup v2 (unified) hierarchy */
	char pids[IG_CGROUP_NAME_LEN];  /* the v1 pids hierarchy, if any */
	__u64 seen_boot_ns;             /* when: a container already gone is
					 * named if it ran (or was ending) then */
};

/* Values of the classification map shared by every gadget (see common.bpf.h). */
#define IG_MNTNS_DENY  1
#define IG_MNTNS_ALLOW 2

#endif
