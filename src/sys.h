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

#endif
