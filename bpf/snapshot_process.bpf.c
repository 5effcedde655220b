// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot_process: every task once, from the task iterator (iter/task,
 * Linux 5.8). User space reads the iterator's seq_file, which holds one
 * struct process_record per task that passes the filters. The common
 * filters are applied to the task iterated, not to the reader.
 */
#include "common.bpf.h"
#include "snapshot_process.h"

const volatile bool show_threads = false;

static __always_inline bool task_comm_matches(const char *comm)
{
	for (int i = 0; i < IG_COMM_LEN; i++) {
		if (comm[i] != ig_cfg.targ_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

/* ig_should_trace, for a task that is not the current one. */
static __always_inline bool task_wanted(struct process_record *r)
{
	if (ig_cfg.targ_pid && r->proc.pid != ig_cfg.targ_pid)
		return false;
	if (ig_cfg.targ_tid && r->proc.tid != ig_cfg.targ_tid)
		return false;
	if (ig_cfg.filter_uid && r->proc.uid != ig_cfg.targ_uid)
		return false;
	if (ig_cfg.filter_gid && r->proc.gid != ig_cfg.targ_gid)
		return false;
	if (ig_cfg.filter_comm && !task_comm_matches(r->proc.comm))
		return false;
	if (ig_cfg.filter_mntns) {
		__u8 *verdict = bpf_map_lookup_elem(&ig_mntns, &r->proc.mntns_key);

		if (verdict && *verdict != IG_MNTNS_ALLOW)
			return false;
	}
	return true;
}

SEC("iter/task")
int ig_snapshot_task(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct process_record r = {};

	if (!task)
		return 0;
	if (!show_threads && task->pid != task->tgid)
		return 0;
	ig_fill_proc_of(task, &r.proc);
	if (!task_wanted(&r))
		return 0;
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
