/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The recorder's insides, shared by its files: recorder.c (lifecycle, the
 * syscall-table thread), ring.c (rings, reading, flag parsing), traces.c
 * (traces and their retention) and staging.c (staging and identifying new
 * containers). Nothing outside src/traceloop/recorder*.c and these files
 * includes it.
 */
#ifndef IG_TL_RECORDER_INT_H
#define IG_TL_RECORDER_INT_H

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "enrich.h"
#include "skel.h"
#include "sys.h"
#include "traceloop/recorder.h"

#define PEND_MAX_RECS    4096            /* per unresolved namespace */
#define PEND_TIMEOUT_NS  (5ULL * 1000000000)
#define PEND_GRACE_NS    (2ULL * 1000000000)
#define EXIT_CHECK_NS    (250ULL * 1000000)
#define STUCK_NS         (20ULL * 1000000) /* a slot claimed but not written */
#define DENY_TTL_NS      (600ULL * 1000000000)

_Static_assert(sizeof(struct tl_rec) == TL_SLOT_SIZE, "one record per slot");
_Static_assert(sizeof(struct tl_ctl) == TL_SLOT_SIZE, "the control block is slot 0");

/* A namespace with records in staging and no trace yet. */
struct pend {
	uint64_t key, mntns, gen;     /* see struct tl_ns in the BPF program */
	uint32_t pid;                 /* latest process seen in it */
	char cg_id[CT_ID_LEN];        /* the container its cgroup names, if any */
	bool fresh;                   /* took a dead one's inode number */
	uint64_t first_ts;            /* its first notification (boot clock) */
	uint64_t last_ts;             /* its newest record (boot clock) */
	uint64_t first_seen;
	struct tl_rec *recs;
	size_t n, cap;
	uint64_t dropped;
	uint64_t lost_seen;           /* staging losses before it (st.lost_before) */
};

struct staging {
	void *mem;
	size_t size;
	uint32_t nslots;
	uint64_t cursor;
	uint64_t stuck_since;
	uint64_t lost;
	uint64_t lost_before;         /* lost before the last drain found more */
};

struct tl_recorder {
	struct gadget_ctx ctx;
	struct run_opts opts;
	struct tl_config cfg;
	struct enricher *enr;
	struct tl_systable *sys;
	struct schema schema;         /* for the enricher's rows */
	struct row row;
	struct ring_buffer *rb;
	int rings_fd, pending_fd, gens_fd;
	struct staging st;
	struct tl_trace *traces;
	unsigned int next_id;
	struct pend *pend;
	size_t npend;
	struct denied {               /* our DENY verdicts, to expire them */
		uint64_t key, at;
	} *denied;
	size_t ndenied;
	uint64_t last_exit_check;
	unsigned int unplaced;        /* live traces whose ring is not in the kernel */
	bool place_warned;
	bool by_id;                   /* keys are unique ids, not inode numbers */
	int sys_err;                  /* loading the syscall table */
	uint64_t host_key;
	bool detached;
};

/* ring.c: mapped BPF arrays of records */
uint32_t tl_slots_for(uint64_t bytes);
int tl_ring_create(uint32_t nslots, int *fd, void **mem, size_t *size);
void tl_ring_free(int fd, void *mem, size_t size);
uint64_t tl_ring_head(const void *mem);
int tl_read_slot(const void *mem, uint32_t nslots, uint64_t idx, struct tl_rec *out);

/* traces.c: one trace per traced container; retention */
uint64_t tl_trace_gen(const struct tl_trace *t);
uint64_t tl_key_of(const struct tl_recorder *r, uint64_t mntns, uint64_t gen);
struct tl_trace *tl_live_trace(struct tl_recorder *r, uint64_t key);
struct tl_trace *tl_trace_of(struct tl_recorder *r, uint64_t key, uint64_t gen);
int tl_append_recs(struct tl_rec **v, size_t *n, size_t *cap, const struct tl_rec *recs, size_t k);
void tl_set_verdict(struct tl_recorder *r, uint64_t key, uint64_t gen, __u8 v);
struct tl_trace *tl_trace_create(struct tl_recorder *r, const struct container *c, uint64_t key, uint64_t mntns, uint64_t gen);
void tl_trace_free(struct tl_trace *t);
void tl_trace_retire(struct tl_recorder *r, struct tl_trace *t);
bool tl_trace_newest(const struct tl_trace *t, struct tl_rec *rec);
void tl_check_exits(struct tl_recorder *r);

/* staging.c: new namespaces' first records; identifying their container */
void tl_drain_staging(struct tl_recorder *r);
void tl_expire_denied(struct tl_recorder *r, uint64_t now);
void tl_resolve_all(struct tl_recorder *r);
int tl_on_notify(void *arg, void *data, size_t size);

#endif
