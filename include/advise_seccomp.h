/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * advise_seccomp: the syscalls each mount namespace (container) made, as a
 * bitmap per namespace kept in the kernel (bpf/advise_seccomp.bpf.c), turned
 * into a seccomp profile at the end (src/gadgets/advise_seccomp.c).
 */
#ifndef IG_ADVISE_SECCOMP_H
#define IG_ADVISE_SECCOMP_H

#include "ig_event.h"

#define ADV_NR_MAX  512                 /* syscall numbers recorded (x86_64: < 470) */
#define ADV_WORDS   (ADV_NR_MAX / 64)
#define ADV_MAX_NS  4096                /* namespaces recorded at once */

/* The value per namespace, keyed by its key (ig_mntns_key). */
struct adv_syscalls {
	__u64 bits[ADV_WORDS];   /* bit n: syscall n was entered */
	__u64 mntns_id;          /* inode number */
	__u64 first_ts;          /* bpf_ktime_get_boot_ns() of the first syscall */
	__u32 pid;               /* the last process that made a syscall new
				  * to the namespace */
	__u32 _pad;
	char comm[IG_COMM_LEN];
};

#ifndef __bpf__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct obuf;
struct row;
struct gadget_ctx;

/*
 * The seccomp profile Docker, Podman and Kubernetes accept for the set bits
 * of bits (nwords 64-bit words; bit n is x86_64 syscall n): default action
 * SCMP_ACT_ERRNO (EPERM), the x86 architectures, and one rule allowing the
 * syscalls by name, sorted. Numbers without a known name are left out and
 * counted in *unknown. pretty: indented, else one line. Returns the number
 * of names allowed.
 */
size_t adv_profile_write(struct obuf *b, const __u64 *bits, size_t nwords, bool pretty,
			 size_t *unknown);

/* One namespace's row (the gadget's decoder): its process, mntns, how many
 * syscalls, their names and the one-line profile. 0, or -ENOMEM. */
int adv_fill_row(const struct gadget_ctx *ctx, struct row *r, __u64 key,
		 const struct adv_syscalls *v);
#endif

#endif
