// SPDX-License-Identifier: GPL-2.0
/*
 * trace_process: the process lifecycle on scheduler tracepoints.
 * sched_process_exec reports the new image (binary, cwd, argv); a fork of
 * a new thread group is reported so user space can cache the child; an exit
 * is reported once per thread group, by its last thread (signal->live has
 * dropped to 0 by the time the tracepoint fires), with the wait status.
 *
 * proc_ktimes remembers when each thread group last exec'd (or was forked):
 * that time is half of Tetragon's exec_id (node:ktime:pid), so an exit and
 * a child's exec name their process and parent without user space's cache.
 */
#include "common.bpf.h"
#include "trace_process.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 32768);     /* --cache-size */
	__type(key, __u32);
	__type(value, __u64);
} proc_ktimes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct process_event);
} proc_heap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ig_path_walk);
} proc_path_heap SEC(".maps");

static __always_inline __u64 ktime_of(__u32 pid)
{
	__u64 *t = bpf_map_lookup_elem(&proc_ktimes, &pid);

	return t ? *t : 0;
}

static __always_inline __u32 current_auid(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (bpf_core_field_exists(task->loginuid))
		return BPF_CORE_READ(task, loginuid.val);
	return (__u32)-1;
}

/* argv of the new image, as the kernel laid it out (NUL separated). */
static __always_inline void read_argv(struct process_event *e)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 start = BPF_CORE_READ(task, mm, arg_start);
	__u64 end = BPF_CORE_READ(task, mm, arg_end);
	__u64 size = end - start;

	e->args_size = 0;
	if (end <= start)
		return;
	if (size > PROC_ARGS_MAX) {
		size = PROC_ARGS_MAX;
		e->flags |= PROC_F_ARGS_TRUNCATED;
	}
	if (!bpf_probe_read_user(e->args, size, (void *)start))
		e->args_size = size;
}

static __always_inline void read_cwd(struct process_event *e)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct path pwd = BPF_CORE_READ(task, fs, pwd);
	__u32 zero = 0;
	struct ig_path_walk *w = bpf_map_lookup_elem(&proc_path_heap, &zero);

	e->cwd[0] = 0;
	if (!w)
		return;
	if (ig_read_path(&pwd, PROC_CWD_MAX, w) < 0)
		e->flags |= PROC_F_CWD_CUT;
	bpf_probe_read_kernel(e->cwd, PROC_CWD_MAX, w->buf);
	e->cwd[PROC_CWD_MAX - 1] = 0;
}

SEC("tracepoint/sched/sched_process_exec")
int ig_proc_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 pid = bpf_get_current_pid_tgid() >> 32, zero = 0;
	__u32 off = ctx->__data_loc_filename & 0xffff;
	struct process_event *e;
	__u64 size;
	long n;

	bpf_map_update_elem(&proc_ktimes, &pid, &now, BPF_ANY);
	if (!ig_should_trace())
		return 0;
	e = bpf_map_lookup_elem(&proc_heap, &zero);
	if (!e)
		return 0;
	ig_fill_proc(&e->proc);
	e->proc.timestamp = now;
	e->kind = PROC_EV_EXEC;
	e->flags = 0;
	e->ktime = now;
	e->parent_ktime = ktime_of(e->proc.ppid);
	e->child_pid = 0;
	e->exit_code = 0;
	e->auid = current_auid();
	n = bpf_probe_read_kernel_str(e->binary, sizeof(e->binary), (void *)ctx + off);
	if (n <= 0)
		e->binary[0] = 0;
	else if (n == sizeof(e->binary))
		e->flags |= PROC_F_BIN_TRUNCATED;
	read_cwd(e);
	read_argv(e);
	size = offsetof(struct process_event, args) + (e->args_size & (PROC_ARGS_MAX * 2 - 1));
	if (size > sizeof(*e))
		size = sizeof(*e);
	ig_output(e, size);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(ig_proc_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 pid = child->tgid;
	__u64 now;
	struct process_event *e;

	if (child->pid != pid)
		return 0;   /* a thread, not a process */
	now = bpf_ktime_get_boot_ns();
	bpf_map_update_elem(&proc_ktimes, &pid, &now, BPF_ANY);
	if (!ig_should_trace())
		return 0;
	e = ig_reserve(PROC_HEAD_SIZE);
	if (!e)
		return 0;
	ig_fill_proc(&e->proc);
	e->proc.timestamp = now;
	e->kind = PROC_EV_FORK;
	e->flags = 0;
	e->ktime = now;
	e->parent_ktime = ktime_of(e->proc.pid);
	e->child_pid = pid;
	e->exit_code = 0;
	e->auid = current_auid();
	e->args_size = 0;
	ig_submit(e);
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int ig_proc_exit(void *ctx)
{
	struct task_struct *task = ig_current_task();
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct process_event *e;
	__u64 ktime;

	if (task->signal->live.counter != 0)
		return 0;   /* other threads of the group live on */
	ktime = ktime_of(pid);
	bpf_map_delete_elem(&proc_ktimes, &pid);
	if (!ig_should_trace())
		return 0;
	e = ig_reserve(PROC_HEAD_SIZE);
	if (!e)
		return 0;
	ig_fill_proc(&e->proc);
	e->kind = PROC_EV_EXIT;
	e->flags = 0;
	e->ktime = ktime;
	e->parent_ktime = ktime_of(e->proc.ppid);
	e->child_pid = 0;
	e->exit_code = task->exit_code;
	e->auid = current_auid();
	e->args_size = 0;
	ig_submit(e);
	return 0;
}

/* ---- policies (--policy): selection and action in the kernel ------------ */
/*
 * This runs on every call of every hooked syscall, nearly all of which
 * match nothing, so the order is the cost: the scope, then per selector
 * its pid, namespace and binary checks, and only then the arguments its
 * matchArgs compare, each read once per run and only when a selector gets
 * that far (a string is a bpf_probe_read_user_str, the dearest step).
 * The rest of the arguments are read only for the event of a match.
 */

const volatile bool want_bins = false;   /* a selector matches binaries */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, POL_MAX_HOOKS);
	__type(key, __u32);
	__type(value, struct pol_hook);
} pol_hooks SEC(".maps");

/* The binary each process exec'd, for matchBinaries (only with want_bins). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 32768);     /* --cache-size */
	__type(key, __u32);
	__type(value, struct pol_bin);
} proc_bins SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct policy_event);
} pol_heap SEC(".maps");

SEC("tracepoint/sched/sched_process_exec")
int ig_pol_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u32 off = ctx->__data_loc_filename & 0xffff;
	struct pol_bin *b;
	struct pol_bin zero = {};
	long n;

	if (!want_bins)
		return 0;
	bpf_map_update_elem(&proc_bins, &pid, &zero, BPF_ANY);
	b = bpf_map_lookup_elem(&proc_bins, &pid);
	if (!b)
		return 0;
	n = bpf_probe_read_kernel_str(b->s, sizeof(b->s), (void *)ctx + off);
	b->len = n > 0 ? n - 1 : 0;
	return 0;
}

struct cmp_ctx {
	const char *a;
	const char *b;
	__u32 aoff;
	__u32 len;
	bool eq;
};

static long cmp_step(__u64 i, void *data)
{
	struct cmp_ctx *c = data;

	if (i >= c->len)
		return 1;
	if (c->a[(c->aoff + i) & (POL_STR - 1)] != c->b[i & (POL_STR - 1)]) {
		c->eq = false;
		return 1;
	}
	return 0;
}

/* a[aoff..aoff+len) == b[0..len): one bpf_loop, checked once by the verifier. */
static __always_inline bool bytes_eq(const char *a, __u32 aoff, const char *b, __u32 len)
{
	struct cmp_ctx c = { .a = a, .b = b, .aoff = aoff, .len = len, .eq = true };

	bpf_loop(POL_STR, cmp_step, &c, 0);
	return c.eq;
}

static __always_inline bool str_op(__u8 op, const char *a, __u32 alen, const char *b, __u32 blen)
{
	if (alen >= POL_STR || blen >= POL_STR)
		return false;
	if (op == POL_OP_PREFIX)
		return alen >= blen && bytes_eq(a, 0, b, blen);
	if (op == POL_OP_POSTFIX)
		return alen >= blen && bytes_eq(a, alen - blen, b, blen);
	return alen == blen && bytes_eq(a, 0, b, blen);   /* Equal, NotEqual */
}

/*
 * A field of size 1, 2, 4 or 8 at off in the record at ctx (user space
 * checked off and size against the tracepoint's format). Where the kernel
 * casts to void (6.17+), a plain load from the record as untrusted memory,
 * ~30 ns cheaper than a bpf_probe_read_kernel call. Not as ctx: a program
 * that reads its ctx up to some offset cannot attach to a tracepoint whose
 * record is shorter (EACCES), and this one attaches to any.
 */
static __always_inline __u64 rec_load(void *ctx, __u16 off, __u8 size)
{
	__u64 v = 0;

	if (ig_cfg.kf_void_cast) {
		const __u8 *rec = bpf_rdonly_cast(ctx, 0);

		switch (size) {
		case 1: return *(const __u8 *)(rec + off);
		case 2: return *(const __u16 *)(rec + off);
		case 4: return *(const __u32 *)(rec + off);
		}
		return *(const __u64 *)(rec + off);
	}
	switch (size) {
	case 1: bpf_probe_read_kernel(&v, 1, (void *)ctx + off); break;
	case 2: bpf_probe_read_kernel(&v, 2, (void *)ctx + off); break;
	case 4: bpf_probe_read_kernel(&v, 4, (void *)ctx + off); break;
	default: bpf_probe_read_kernel(&v, 8, (void *)ctx + off); break;
	}
	return v;   /* little endian: the low bytes */
}

/* Argument i of the hook into ev. */
static __always_inline void read_arg(void *ctx, const struct pol_arg *a, struct policy_event *ev,
				     __u32 i)
{
	__u64 v;
	long n = 0;

	if (i >= POL_MAX_ARGS)
		return;
	switch (a->kind) {
	case POL_ARG_INT:
	case POL_ARG_UINT:
		v = rec_load(ctx, a->off, a->size);
		if (a->kind == POL_ARG_INT) {
			if (a->size == 1)
				v = (__u64)(__s64)(__s8)v;
			else if (a->size == 2)
				v = (__u64)(__s64)(__s16)v;
			else if (a->size == 4)
				v = (__u64)(__s64)(__s32)v;
		}
		ev->nums[i] = v;
		ev->lens[i] = 0;
		ev->strs[i][0] = 0;
		return;
	case POL_ARG_USTR:
		v = rec_load(ctx, a->off, 8);
		n = bpf_probe_read_user_str(ev->strs[i], POL_STR, (void *)v);
		if (n < 0)
			n = bpf_probe_read_kernel_str(ev->strs[i], POL_STR, (void *)v);
		break;
	case POL_ARG_LOCSTR:
		v = rec_load(ctx, a->off, 4);
		n = bpf_probe_read_kernel_str(ev->strs[i], POL_STR, (void *)ctx + (v & 0xffff));
		break;
	}
	if (n <= 0)
		ev->strs[i][0] = 0;
	ev->nums[i] = 0;
	ev->lens[i] = n > 0 ? n - 1 : 0;
}

/* Argument i, read on first use in this run (bit i of ev->have). */
static __always_inline void need_arg(void *ctx, const struct pol_hook *h, struct policy_event *ev,
				     __u32 i)
{
	if (i >= POL_MAX_ARGS || (ev->have & (1U << i)))
		return;
	ev->have |= 1U << i;
	read_arg(ctx, &h->args[i], ev, i);
}

static __noinline bool match_arg(const struct pol_match *m, struct policy_event *ev,
				 const struct pol_hook *h, void *ctx)
{
	__u32 a = m->arg;
	bool any = false, str;

	if (a >= POL_MAX_ARGS)
		return false;
	need_arg(ctx, h, ev, a);
	str = h->args[a].kind == POL_ARG_USTR || h->args[a].kind == POL_ARG_LOCSTR;
	for (int v = 0; v < POL_MAX_VALUES; v++) {
		if (v >= m->nvals)
			break;
		if (str)
			any = str_op(m->op, ev->strs[a], ev->lens[a], m->strs[v], m->lens[v]);
		else
			any = ev->nums[a] == m->nums[v];
		if (any)
			break;
	}
	return m->op == POL_OP_NOTEQUAL ? !any : any;
}

static __always_inline __u64 ns_inum(__u8 kind)
{
	struct nsproxy *ns = ig_current_task()->nsproxy;

	switch (kind) {
	case POL_NS_MNT:    return ns->mnt_ns->ns.inum;
	case POL_NS_NET:    return ns->net_ns->ns.inum;
	case POL_NS_UTS:    return ns->uts_ns->ns.inum;
	case POL_NS_IPC:    return ns->ipc_ns->ns.inum;
	case POL_NS_PID:    return ns->pid_ns_for_children->ns.inum;
	case POL_NS_CGROUP: return ns->cgroup_ns->ns.inum;
	}
	return 0;
}

static __always_inline bool in_set(__u8 op, bool found)
{
	return op == POL_OP_NOTIN ? !found : found;
}

/* Cheapest first: pids (a register), namespaces (three loads), the binary
 * (a hash lookup), then the arguments (reads of the record, user memory). */
static __noinline bool match_selector(const struct pol_selector *s, struct policy_event *ev,
				      const struct pol_hook *h, void *ctx)
{
	bool found = false;

	if (s->pid_op || s->bin_op)
		ev->proc.pid = bpf_get_current_pid_tgid() >> 32;   /* only where a selector asks */
	if (s->pid_op) {
		for (int i = 0; i < POL_MAX_PIDS && i < s->npids; i++)
			found |= s->pids[i] == ev->proc.pid;
		if (!in_set(s->pid_op, found))
			return false;
	}
	if (s->ns_op) {
		__u64 inum = ns_inum(s->ns_kind);

		found = false;
		for (int i = 0; i < POL_MAX_NS && i < s->nns; i++)
			found |= s->ns[i] == inum;
		if (!in_set(s->ns_op, found))
			return false;
	}
	if (s->bin_op) {
		__u32 pid = ev->proc.pid;
		const struct pol_bin *bin = bpf_map_lookup_elem(&proc_bins, &pid);

		found = false;
		for (int i = 0; bin && i < POL_MAX_VALUES && i < s->nbins && !found; i++)
			found = str_op(POL_OP_EQUAL, bin->s, bin->len, s->bins[i], s->bin_lens[i]);
		if (!in_set(s->bin_op, found))
			return false;
	}
	for (int i = 0; i < POL_MAX_MATCH; i++) {
		if (i >= s->nmatch)
			break;
		if (!match_arg(&s->m[i], ev, h, ctx))
			return false;
	}
	return true;
}

/* The mount namespaces of containers that policies with a containerSelector
 * select: a bit per policy (pol_scope_bit), kept by user space as
 * containers come and go. Not preallocated: user space fills it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u32);
} pol_scope SEC(".maps");

/* Where a policy may act: where events are shown (-c, --k8s-*, --host,
 * --pid...), and, when containers are selected, only in a mount namespace
 * user space has classified as selected (never in one not seen yet); a
 * policy with a containerSelector, only in the containers it selects. */
static __always_inline bool pol_in_scope(const struct pol_hook *h)
{
	__u64 key = 0;
	__u8 *verdict;
	__u32 *bits;

	if (!ig_should_trace())
		return false;
	if (ig_cfg.filter_mntns || h->scope_bit)
		key = ig_current_mntns_key();
	if (ig_cfg.filter_mntns) {
		verdict = bpf_map_lookup_elem(&ig_mntns, &key);
		if (!verdict || *verdict != IG_MNTNS_ALLOW)
			return false;
	}
	if (!h->scope_bit)
		return true;
	bits = bpf_map_lookup_elem(&pol_scope, &key);
	return bits && (*bits & h->scope_bit);
}

/* The event of a match, with every argument the hook names. A function of
 * its own: its stack (the ring buffer's wakeup path) then does not add to
 * that of the selector calls (512 bytes in all on 6.1). */
static __noinline void pol_post(void *ctx, const struct pol_hook *h, struct policy_event *ev,
				__u32 hook, __u32 s)
{
	const struct pol_selector *sel;

	if (s >= POL_MAX_SELECTORS)
		return;
	sel = &h->sel[s];
	for (__u32 i = 0; i < POL_MAX_ARGS; i++) {
		if (i >= h->nargs)
			break;
		need_arg(ctx, h, ev, i);
	}
	ig_fill_proc(&ev->proc);
	ev->kind = PROC_EV_MATCH;
	ev->hook = hook;
	ev->selector = s;
	ev->action = sel->action;
	ev->sig = sel->sig;
	ev->nargs = h->nargs;
	ig_output(ev, sizeof(*ev));
}

/* One hook: the first of its selectors that matches acts. */
static __always_inline void pol_run_hook(void *ctx, const struct pol_hook *h, __u32 hook,
					 struct policy_event *ev)
{
	if (!pol_in_scope(h))
		return;
	ev->have = 0;   /* the args read are this hook's */
	for (int s = 0; s < POL_MAX_SELECTORS; s++) {
		const struct pol_selector *sel = &h->sel[s];

		if (!sel->used)
			break;
		if (!match_selector(sel, ev, h, ctx))
			continue;
		if (sel->action == POL_ACT_SIGKILL)
			bpf_send_signal(9);
		else if (sel->action == POL_ACT_SIGNAL)
			bpf_send_signal(sel->sig);
		if (sel->post)
			pol_post(ctx, h, ev, hook, s);
		return;
	}
}

struct pol_walk {
	void *ctx;
	struct policy_event *ev;
	__u32 hook;
};

/* The hooks of one tracepoint, one bpf_loop step each: the verifier checks
 * the selectors once, however many policies share the tracepoint. */
static long pol_walk_step(__u32 i, struct pol_walk *w)
{
	const struct pol_hook *h = bpf_map_lookup_elem(&pol_hooks, &w->hook);

	(void)i;
	if (!h)
		return 1;
	pol_run_hook(w->ctx, h, w->hook, w->ev);
	if (!h->next)
		return 1;
	w->hook = h->next - 1;
	return 0;
}

SEC("tracepoint")
int ig_policy(void *ctx)
{
	__u32 hook = bpf_get_attach_cookie(ctx), zero = 0;
	const struct pol_hook *h = bpf_map_lookup_elem(&pol_hooks, &hook);
	struct pol_walk w = { .ctx = ctx };

	if (!h)
		return 0;
	w.ev = bpf_map_lookup_elem(&pol_heap, &zero);
	if (!w.ev)
		return 0;
	/* the first hook inline (most tracepoints have one), the rest looped */
	pol_run_hook(ctx, h, hook, w.ev);
	if (h->next) {
		w.hook = h->next - 1;
		bpf_loop(POL_MAX_HOOKS, pol_walk_step, &w, 0);
	}
	return 0;
}
