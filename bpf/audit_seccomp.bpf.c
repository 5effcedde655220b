// SPDX-License-Identifier: GPL-2.0
/*
 * audit_seccomp: syscalls a seccomp filter killed or trapped, without
 * kprobes. Both actions raise SIGSYS in the offending thread
 * (force_sig_seccomp), which signal_generate shows with code SYS_SECCOMP and
 * the siginfo (syscall, arch, SECCOMP_RET_DATA in si_errno). A kill makes
 * the SIGSYS handler immutable (SA_IMMUTABLE, 5.16) before sending it; a
 * trap does not. One case sends no signal: SECCOMP_RET_KILL_THREAD in a
 * process with other threads left calls do_exit(SIGSYS) directly; that
 * thread's sched_process_exit, with exit_code SIGSYS that is not its
 * group's exit code, is the trace of it, and its syscall is still in its
 * saved registers.
 */
#include "common.bpf.h"
#include "audit_seccomp.h"

#define SIGSYS            31
#define SYS_SECCOMP       1
#define SA_IMMUTABLE      0x00800000
#define SIGNAL_GROUP_EXIT 0x00000004

static __always_inline void send(__u32 nr, __u32 code, __u32 data, __u32 arch)
{
	struct seccomp_event *e;

	if (!ig_should_trace())
		return;
	e = ig_reserve(sizeof(*e));
	if (!e)
		return;
	ig_fill_proc(&e->proc);
	e->syscall = nr;
	e->code = code;
	e->data = data;
	e->arch = arch;
	ig_submit(e);
}

SEC("tp_btf/signal_generate")
int BPF_PROG(ig_seccomp_signal, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	__u32 code;

	if (sig != SIGSYS || task != cur)
		return 0;
	/* Probe reads: info may be SEND_SIG_NOINFO or SEND_SIG_PRIV (0, 1),
	 * which read as a fault, and code 0. */
	if (BPF_CORE_READ(info, si_code) != SYS_SECCOMP)
		return 0;
	if (!(task->sighand->action[SIGSYS - 1].sa.sa_flags & SA_IMMUTABLE))
		code = SECCOMP_CODE_TRAP;
	else if (task->signal->live.counter > 1)
		code = SECCOMP_CODE_KILL_PROCESS;
	else
		code = SECCOMP_CODE_KILL;
	send(BPF_CORE_READ(info, _sifields._sigsys._syscall), code, BPF_CORE_READ(info, si_errno),
	     BPF_CORE_READ(info, _sifields._sigsys._arch));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(ig_seccomp_exit, struct task_struct *task)
{
	struct pt_regs *regs;

	struct signal_struct *sig = task->signal;

	/* A thread of a group exit leaves with the group's code; a group
	 * exit may also begin while the killed thread is still on its way
	 * here (its joiner woke at exit_mm), so a group exit alone does not
	 * rule it out. */
	if (task->exit_code != SIGSYS ||
	    ((sig->flags & SIGNAL_GROUP_EXIT) && sig->group_exit_code == SIGSYS))
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	send(BPF_CORE_READ(regs, orig_ax), SECCOMP_CODE_KILL_THREAD, 0, 0);
	return 0;
}
