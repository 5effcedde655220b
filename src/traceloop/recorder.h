/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The traceloop recorder, shared by "ig run traceloop" and "ig daemon": the
 * BPF programs, one overwritable ring per traced container, the staging of
 * new containers' first syscalls, and the traces of exited containers,
 * kept within bounds.
 */
#ifndef IG_TL_RECORDER_H
#define IG_TL_RECORDER_H

#include "containers/containers.h"
#include "gadget.h"
#include "traceloop.h"
#include "traceloop/syscalls.h"

#define TL_DEFAULT_BUFFER      (1u << 20)     /* bytes per container */
#define TL_MIN_BUFFER          (16u << 10)
#define TL_MAX_BUFFER          (1ull << 30)
#define TL_DEFAULT_MAX_EXITED  64
#define TL_DEFAULT_EXITED_BYTES (256ull << 20)

struct tl_config {
	uint64_t buffer_bytes;        /* ring size of each container */
	unsigned int max_exited;      /* traces of exited containers kept */
	uint64_t max_exited_bytes;
	const uint8_t *syscalls;      /* TL_NR_MAX flags, or NULL: every syscall */
};

struct tl_trace {
	unsigned int id;              /* 1, 2, ...: what list/show/close take */
	struct container c;           /* a copy: the table drops exited ones */
	uint64_t key;                 /* as the maps and the container table know it */
	uint64_t mntns;               /* inode number, as /proc shows it */
	uint64_t gen;                 /* the namespace's id; 0: in the ring's tl_ctl */
	int fd;                       /* the ring: a BPF array, mapped at mem */
	void *mem;
	size_t mem_size;
	uint32_t nslots;
	struct tl_rec *pre;           /* first records, moved from staging */
	size_t npre, cap_pre;
	uint64_t pre_dropped;
	/* Records that may have been lost in the staging ring, shared by the
	 * namespaces that have no ring yet, when user space fell behind while
	 * this one waited for its own: an upper bound (whose they were is
	 * lost with them). */
	uint64_t maybe_lost;
	bool exited;
	bool in_kernel;               /* its ring is in tl_rings */
	uint64_t started_wall;        /* ns */
	uint64_t started_boot;        /* the clock of records' ts */
	uint64_t exited_mono;
	struct tl_trace *next;
};

/* A trace's records, ordered, ready to print. */
struct tl_snapshot {
	struct tl_rec *recs;
	size_t n;
	uint64_t dropped;             /* overwritten before they could be read */
	uint64_t total;               /* records ever written */
};

struct tl_recorder;
struct enricher;

/* --syscall-filters "open,write": TL_NR_MAX flags; 0 or -EINVAL with the
 * bad name in err. */
int tl_parse_syscalls(const char *list, uint8_t *flags, char *err, size_t errlen);

/*
 * Load and attach, and start tracing the running containers o selects.
 * o->host must be false. Prints why on failure. g names the gadget in
 * messages. Returns NULL on failure.
 */
struct tl_recorder *tl_recorder_start(const struct gadget *g, const struct run_opts *o,
				      const struct tl_config *cfg);
/* Wait up to ms for news from BPF, then do the periodic work. Returns 0 or
 * a negative errno (-EINTR on a signal is not an error). */
int tl_recorder_poll(struct tl_recorder *r, int ms);
/* A descriptor that becomes readable when BPF has news (for poll()). */
int tl_recorder_fd(const struct tl_recorder *r);
/* Stop recording (the rings stay readable). */
void tl_recorder_detach(struct tl_recorder *r);
void tl_recorder_free(struct tl_recorder *r);

struct tl_trace *tl_recorder_traces(struct tl_recorder *r);
const struct tl_systable *tl_recorder_systable(const struct tl_recorder *r);
uint64_t tl_recorder_boot_to_wall(const struct tl_recorder *r);
const struct enricher *tl_recorder_enricher(const struct tl_recorder *r);
/* Records lost in the staging ring so far, all namespaces together. */
uint64_t tl_recorder_staging_lost(const struct tl_recorder *r);
/* Forget a trace and free its ring. */
void tl_recorder_close_trace(struct tl_recorder *r, struct tl_trace *t);

/* Records in the ring now, and ever written. */
void tl_trace_counts(const struct tl_trace *t, uint64_t *in_buffer, uint64_t *total);
int tl_trace_snapshot(const struct tl_trace *t, struct tl_snapshot *s);
void tl_snapshot_free(struct tl_snapshot *s);

/* Order records by time, keeping an enter before its contents and exit.
 * Exposed for the unit tests. */
void tl_sort_records(struct tl_rec *recs, size_t n);

#endif
