// SPDX-License-Identifier: Apache-2.0
/*
 * The traceloop recorder: loading, the syscall-table thread, the periodic
 * work. Rings are in ring.c, traces in traces.c, the staging of new
 * containers' first records in staging.c.
 *
 * Namespaces are named by key (struct tl_ns in the BPF program): the
 * kernel's unique id where user space can read it, else the inode number,
 * which the kernel reuses. With inode numbers, gen (the unique id, when the
 * kernel has one) tells the namespaces that shared one apart.
 */
#include "traceloop/recorder_int.h"
#include "traceloop.skel.h"

/* ---- lifecycle -------------------------------------------------------- */

static int configure(struct gadget_ctx *ctx, void *s)
{
	struct traceloop_bpf *skel = s;
	struct tl_recorder *r = (struct tl_recorder *)ctx;

	skel->rodata->tl_host_key = r->host_key;
	skel->rodata->tl_filter_syscalls = r->cfg.syscalls != NULL;
	return 0;
}

/* Through the mapped .bss: no syscall per entry. */
static void fill_tables(struct tl_recorder *r)
{
	struct traceloop_bpf *skel = r->ctx.skel;

	for (__u32 nr = 0; nr < TL_SYSCALL_COUNT; nr++) {
		tl_sysinfo_desc(&r->sys->s[nr], &skel->bss->tl_descs[nr]);
		skel->bss->tl_syscall_on[nr] = r->cfg.syscalls ? r->cfg.syscalls[nr] : 1;
	}
}

/*
 * Put the rings of new traces in the kernel, all in one batch: every
 * update of a map of maps waits for an RCU grace period (milliseconds),
 * which one batch pays once. Meanwhile their syscalls are staged.
 */
static void place_rings(struct tl_recorder *r)
{
	__u64 *keys;
	int *fds;
	__u32 n = 0, want;
	int err;

	if (!r->unplaced)
		return;
	keys = calloc(r->unplaced, sizeof(*keys));
	fds = calloc(r->unplaced, sizeof(*fds));
	if (!keys || !fds)
		goto out;
	for (struct tl_trace *t = r->traces; t && n < r->unplaced; t = t->next) {
		if (t->exited || t->in_kernel)
			continue;
		keys[n] = t->key;
		fds[n++] = t->fd;
	}
	want = n;
	err = bpf_map_update_batch(r->rings_fd, keys, fds, &n, NULL);
	if (err && !r->place_warned) {
		ig_err("traceloop: cannot give the kernel %u of %u buffers: %s", want - n, want,
		       strerror(errno));
		r->place_warned = true;
	}
	for (__u32 i = 0; i < n; i++) {
		for (struct tl_trace *t = r->traces; t; t = t->next) {
			if (!t->exited && !t->in_kernel && t->key == keys[i]) {
				t->in_kernel = true;
				r->unplaced--;
				/* BPF records into the ring now: no more news. */
				bpf_map_delete_elem(r->pending_fd, &t->key);
			}
		}
	}
out:
	free(keys);
	free(fds);
}

/* The staging ring is the object's own map: map it and set its mask. */
static int setup_staging(struct tl_recorder *r)
{
	struct traceloop_bpf *skel = r->ctx.skel;
	long page = sysconf(_SC_PAGESIZE);

	r->st.nslots = TL_STAGING_SLOTS;
	r->st.size = ((size_t)(TL_STAGING_SLOTS + 1) * TL_SLOT_SIZE + page - 1) / page * page;
	r->st.mem = mmap(NULL, r->st.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 bpf_map__fd(skel->maps.tl_staging), 0);
	if (r->st.mem == MAP_FAILED) {
		int err = -errno;

		r->st.mem = NULL;
		ig_err("traceloop: cannot map the staging buffer: %s", strerror(-err));
		return err;
	}
	((struct tl_ctl *)r->st.mem)->mask = TL_STAGING_SLOTS - 1;
	return 0;
}

static void trace_running(struct tl_recorder *r)
{
	struct container_table *ct = enricher_table(r->enr);

	for (size_t i = 0; i < ct_count(ct); i++) {
		const struct container *c = ct_at(ct, i);

		if (!c->exited && c->mntns_key && enricher_selects(r->enr, c) &&
		    !tl_live_trace(r, c->mntns_key))
			tl_trace_create(r, c, c->mntns_key, c->mntns, r->by_id ? c->mntns_key : 0);
	}
}

static int load(struct tl_recorder *r)
{
	struct traceloop_bpf *skel;
	int err;

	err = ig_skel_load(&r->ctx, r->ctx.g->skel, configure, NULL);
	if (err)
		return err;
	skel = r->ctx.skel;
	r->rings_fd = bpf_map__fd(skel->maps.tl_rings);
	r->pending_fd = bpf_map__fd(skel->maps.tl_pending);
	r->gens_fd = bpf_map__fd(skel->maps.tl_gens);
	return setup_staging(r);
}

static int load_systable(struct tl_recorder *r)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing/events/syscalls",
		"/sys/kernel/debug/tracing/events/syscalls",
	};
	int n = -ENOENT;

	r->sys = malloc(sizeof(*r->sys));
	if (!r->sys)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(dirs) && n <= 0; i++)
		n = tl_systable_load(r->sys, dirs[i]);
	if (n <= 0) {
		ig_err("traceloop: cannot read the syscall formats in tracefs (%s): is CONFIG_FTRACE_SYSCALLS set?",
		       strerror(n ? -n : ENOENT));
		return n ? n : -ENOENT;
	}
	ig_info("traceloop: %d syscalls described by the kernel's tracefs formats", n);
	return 0;
}

/* Reading some 400 tracefs files takes about as long as loading the
 * programs: both at once. */
static void *systable_thread(void *arg)
{
	struct tl_recorder *r = arg;

	r->sys_err = load_systable(r);
	return NULL;
}

/* The parts that do not wait for the syscall table. */
static int load_objects(struct tl_recorder *r)
{
	r->enr = enricher_new(&r->opts);
	if (!r->enr)
		return -ENOMEM;
	r->by_id = enricher_mntns_by_id(r->enr);
	r->opts.mntns_by_id = r->by_id;
	r->host_key = ct_host_mntns(enricher_table(r->enr));
	return load(r);
}

struct tl_recorder *tl_recorder_start(const struct gadget *g, const struct run_opts *o,
				      const struct tl_config *cfg)
{
	struct tl_recorder *r = calloc(1, sizeof(*r));
	bool threaded;
	pthread_t th;
	int err;

	if (!r) {
		ig_err("out of memory");
		return NULL;
	}
	r->opts = *o;
	r->opts.filter_mntns = false;  /* the programs check the namespace first */
	if (!r->opts.ring_size)
		r->opts.ring_size = 1 << 16;   /* notifications only */
	r->cfg = *cfg;
	r->ctx.g = g;
	r->ctx.opts = &r->opts;
	r->rings_fd = r->pending_fd = r->gens_fd = -1;
	r->ctx.boot_to_wall_ns = sys_boot_to_wall_ns();
	if (schema_init(&r->schema, NULL, 0, NULL) || row_init(&r->row, &r->schema)) {
		ig_err("out of memory");
		goto fail;
	}
	threaded = !pthread_create(&th, NULL, systable_thread, r);
	if (!threaded)
		r->sys_err = load_systable(r);
	err = load_objects(r);
	if (threaded)
		pthread_join(th, NULL);
	if (err || r->sys_err)
		goto fail;
	fill_tables(r);
	trace_running(r);
	place_rings(r);
	enricher_attach_map(r->enr, r->ctx.mntns_fd, r->ctx.hints_fd);
	r->rb = ring_buffer__new(r->ctx.events_fd, tl_on_notify, r, NULL);
	if (!r->rb) {
		ig_err("traceloop: cannot read the ring buffer: %s", strerror(errno));
		goto fail;
	}
	if (ig_skel_attach(&r->ctx))
		goto fail;
	return r;
fail:
	tl_recorder_free(r);
	return NULL;
}

int tl_recorder_poll(struct tl_recorder *r, int ms)
{
	uint64_t now;
	int err = 0;

	if (!r->detached) {
		err = ring_buffer__poll(r->rb, ms);
		if (err == -EINTR)
			err = 0;
	}
	tl_drain_staging(r);
	tl_resolve_all(r);
	enricher_tick(r->enr);
	now = sys_now_ns(CLOCK_MONOTONIC);
	if (now - r->last_exit_check >= EXIT_CHECK_NS) {
		r->last_exit_check = now;
		tl_check_exits(r);
		tl_expire_denied(r, now);
	}
	if (!r->detached)
		place_rings(r);
	return err < 0 ? err : 0;
}

int tl_recorder_fd(const struct tl_recorder *r)
{
	return ring_buffer__epoll_fd(r->rb);
}

void tl_recorder_detach(struct tl_recorder *r)
{
	if (r->detached)
		return;
	ig_skel_detach(&r->ctx);
	ring_buffer__consume(r->rb);
	tl_drain_staging(r);
	tl_resolve_all(r);
	r->detached = true;
	if (r->st.lost)
		ig_err("traceloop: %llu records of starting containers were lost: user space fell behind the staging buffer",
		       (unsigned long long)r->st.lost);
}

void tl_recorder_free(struct tl_recorder *r)
{
	if (!r)
		return;
	while (r->traces) {
		struct tl_trace *t = r->traces;

		r->traces = t->next;
		tl_trace_free(t);
	}
	while (r->npend)
		free(r->pend[--r->npend].recs);
	free(r->pend);
	free(r->denied);
	ring_buffer__free(r->rb);
	ig_skel_destroy(&r->ctx);
	if (r->st.mem)
		munmap(r->st.mem, r->st.size);
	enricher_free(r->enr);
	row_free(&r->row);
	schema_free(&r->schema);
	free(r->sys);
	free(r);
}

struct tl_trace *tl_recorder_traces(struct tl_recorder *r)
{
	return r->traces;
}

const struct tl_systable *tl_recorder_systable(const struct tl_recorder *r)
{
	return r->sys;
}

uint64_t tl_recorder_boot_to_wall(const struct tl_recorder *r)
{
	return r->ctx.boot_to_wall_ns;
}

uint64_t tl_recorder_staging_lost(const struct tl_recorder *r)
{
	return r->st.lost;
}

const struct enricher *tl_recorder_enricher(const struct tl_recorder *r)
{
	return r->enr;
}
