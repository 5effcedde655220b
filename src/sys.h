/* SPDX-License-Identifier: Apache-2.0 */
/* Checks of the environment before any BPF is loaded. */
#ifndef IG_SYS_H
#define IG_SYS_H

#include <stdbool.h>
#include <stdint.h>

/* 0 if we may load BPF; otherwise prints why and returns -EPERM. */
int sys_check_privileges(void);
/* 0 if BTF is readable at path (NULL: the kernel's); otherwise prints why. */
int sys_check_btf(const char *path);
/* Mount tracefs at /sys/kernel/tracing if no tracefs is mounted. */
int sys_ensure_tracefs(void);
/* Offset from CLOCK_BOOTTIME to CLOCK_REALTIME, in ns. */
uint64_t sys_boot_to_wall_ns(void);
uint64_t sys_now_ns(int clock);
/* Whether this kernel can attach kprobes (the perf kprobe PMU, or the
 * tracefs kprobe_events file libbpf falls back to). */
bool sys_has_kprobes(void);

/* Set by SIGINT, SIGTERM or SIGHUP (the signal number); a second one exits
 * at once. SIGPIPE is ignored: a closed stdout shows up as EPIPE. */
#include <signal.h>
#include <stdbool.h>
extern volatile sig_atomic_t sys_stop_signal;
void sys_install_stop_signals(void);

/*
 * Every exit is bounded, even when stdout or stderr is a reader that does
 * not read (a paused pager, a stalled terminal). The first stop signal, or
 * sys_begin_drain() for an end without one (--timeout, a closed stdout),
 * starts a drain budget of ms (500 by default): once spent,
 * sys_drain_expired is set and an interval timer interrupts any blocked
 * write() with EINTR every 20 ms until the process ends, so the last
 * messages on stderr cannot hang either. A write that makes progress while
 * draining restarts the budget when allowed: up to live_cap_ms after the
 * drain began (0: never), and after a stop signal only if
 * live_after_signal. So a slow but live reader gets everything, a stalled
 * one costs ms.
 */
extern volatile sig_atomic_t sys_drain_expired;
void sys_set_drain_budget(unsigned int ms, unsigned int live_cap_ms, bool live_after_signal);
void sys_begin_drain(void);
void sys_drain_progress(void);

/* --timeout: from seconds on, sys_deadline_passed is set and the same timer
 * interrupts a write() blocked at the deadline, every 20 ms. */
extern volatile sig_atomic_t sys_deadline_passed;
void sys_arm_deadline(double seconds);

/* Whether a write() interrupted by a signal should be given up: a drain
 * budget ran out. */
static inline bool sys_writes_abandoned(void)
{
	return sys_drain_expired;
}

#endif
