/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the running kernel offers BPF, probed once at start-up. Every fast
 * path that needs a newer kernel is chosen here (and only here), from the
 * kernel's BTF and tiny probe loads; the BPF side reads the answers as
 * rodata switches (ig_kf_* in bpf/common.bpf.h) and the verifier prunes
 * the path not taken. What has no fallback gives one clear error naming
 * the feature and the first kernel that has it.
 */
#ifndef IG_KFEATURE_H
#define IG_KFEATURE_H

#include <stdbool.h>

struct bpf_object;

enum ig_kfeature {
	/* Fast paths with a fallback */
	IG_KF_RDONLY_CAST,   /* bpf_rdonly_cast to a struct (6.2) */
	IG_KF_VOID_CAST,     /* bpf_rdonly_cast to void: untrusted memory */
	IG_KF_ITER_TASK,     /* the task iterator (5.8); snapshot_process reads /proc without */
	/* Required: no fallback, a clear error */
	IG_KF_RINGBUF,       /* BPF_MAP_TYPE_RINGBUF (5.8) */
	IG_KF_TASK_BTF,      /* bpf_get_current_task_btf (5.11) */
	IG_KF_TASK_PT_REGS,  /* bpf_task_pt_regs (5.15) */
	IG_KF_BPF_LOOP,      /* bpf_loop (5.17) */
	IG_KF_COUNT
};

struct ig_kfeature_info {
	const char *name;    /* as IG_KERNEL_FEATURES_OFF names it */
	const char *what;    /* for the error message */
	const char *since;   /* first Linux release that has it */
	int helper;          /* BPF helper id, or 0 */
};

const struct ig_kfeature_info *ig_kfeature_info(enum ig_kfeature f);

/* Whether the running kernel has f. Probed on first use and cached.
 * IG_KERNEL_FEATURES_OFF=name,... pretends the named features are missing:
 * to measure a fallback against its fast path (make bench) and to test the
 * errors of kernels that lack a feature. */
bool ig_kfeature_has(enum ig_kfeature f);

/* Parse an IG_KERNEL_FEATURES_OFF value into a bit mask of features;
 * -1 (and *bad names the bad word) if a name is unknown. */
long long ig_kfeature_parse_off(const char *list, const char **bad);

/* Before load: a required feature the object's programs use and the
 * kernel lacks gets one line on stderr ("ig: GADGET needs WHAT (Linux >=
 * N)"); returns -EOPNOTSUPP then, else 0. So does a missing tracepoint,
 * but a syscall's: a program for a syscall the kernel does not have (no
 * sys_enter/exit tracepoint) is left out. */
int ig_kfeature_check(const char *gadget, struct bpf_object *obj);

/* The required features (bit 1 << f) the object's programs use: what a
 * gadget's declaration (struct gadget.features) must say. */
unsigned int ig_kfeature_used(struct bpf_object *obj);

#endif
