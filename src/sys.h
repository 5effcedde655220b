/* SPDX-License-Identifier: Apache-2.0 */
/* Checks of the environment before any BPF is loaded. */
#ifndef IG_SYS_H
#define IG_SYS_H

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

/* Set by SIGINT, SIGTERM or SIGHUP (the signal number); a second one exits
 * at once. SIGPIPE is ignored: a closed stdout shows up as EPIPE. */
#include <signal.h>
extern volatile sig_atomic_t sys_stop_signal;
void sys_install_stop_signals(void);

/* After a stop, the last writes may block on a reader that is not reading.
 * With this, a stop signal starts a budget of ms: once spent,
 * sys_drain_expired is set and a blocked write() fails with EINTR (again
 * every 20 ms, so a write begun after the first tick is interrupted too).
 * sys_end_drain_budget() stops the timer. */
extern volatile sig_atomic_t sys_drain_expired;
void sys_bound_drain_after_stop(unsigned int ms);
void sys_end_drain_budget(void);

#endif
