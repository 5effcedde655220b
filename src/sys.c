// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "ig.h"
#include "sys.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return !!(d[cap / 32].effective & (1U << (cap % 32)));
}

int sys_check_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data)) {
		ig_err("cannot read capabilities: %s", strerror(errno));
		return -errno;
	}
	if (has_cap(data, CAP_SYS_ADMIN) ||
	    (has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON)))
		return 0;
	ig_err("permission denied: ig needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN); run it with sudo");
	return -EPERM;
}

int sys_check_btf(const char *path)
{
	const char *p = path ? path : "/sys/kernel/btf/vmlinux";
	struct stat sb;

	/* A regular file only: a FIFO would block libbpf's read forever. */
	if (path && !stat(p, &sb) && !S_ISREG(sb.st_mode)) {
		ig_err("cannot read BTF file %s: not a regular file", path);
		return -EINVAL;
	}
	if (access(p, R_OK) == 0)
		return 0;
	if (path)
		ig_err("cannot read BTF file %s: %s", path, strerror(errno));
	else
		ig_err("the kernel has no BTF (%s is missing); ig needs CONFIG_DEBUG_INFO_BTF=y or --btf FILE", p);
	return -ENOENT;
}

#define TRACEFS_MAGIC_NUM 0x74726163   /* linux/magic.h TRACEFS_MAGIC */

/* 0 if dir holds a tracefs with the syscall events, else an errno. */
static int tracefs_ready(const char *dir)
{
	char path[128];
	struct stat sb;

	/* stat, not access(): access() ignores a non-root user's capabilities. */
	snprintf(path, sizeof(path), "%s/events/syscalls", dir);
	return stat(path, &sb) == 0 ? 0 : errno;
}

/* tracefs is mounted at dir but this user may not enter it: its root is
 * 0700 on recent kernels, and CAP_BPF+CAP_PERFMON do not bypass file
 * modes. Mounting it again would not help; say what is wrong. */
static bool tracefs_unreadable(const char *dir)
{
	struct statfs fs;
	struct stat sb;

	if (statfs(dir, &fs) || fs.f_type != TRACEFS_MAGIC_NUM || stat(dir, &sb))
		return false;
	ig_err("tracefs is mounted at %s but uid %u may not read it (mode %04o, owner uid %u): run ig as root, add CAP_DAC_READ_SEARCH, or widen its mode (mount -o remount,mode=0755 %s)",
	       dir, (unsigned)geteuid(), (unsigned)(sb.st_mode & 07777), (unsigned)sb.st_uid, dir);
	return true;
}

int sys_ensure_tracefs(void)
{
	static const char dir[] = "/sys/kernel/tracing";
	int err = tracefs_ready(dir);

	if (!err || !tracefs_ready("/sys/kernel/debug/tracing"))
		return 0;
	if (err == EACCES && tracefs_unreadable(dir))
		return -EACCES;
	if (mount("nodev", dir, "tracefs", 0, NULL) && errno != EBUSY) {
		ig_err("tracefs is not mounted and mounting it at %s failed: %s", dir, strerror(errno));
		return -errno;
	}
	ig_info("mounted tracefs at %s", dir);
	return 0;
}

uint64_t sys_now_ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

uint64_t sys_boot_to_wall_ns(void)
{
	/* Bracket the realtime read to halve the error of the two reads. */
	uint64_t b1 = sys_now_ns(CLOCK_BOOTTIME);
	uint64_t w = sys_now_ns(CLOCK_REALTIME);
	uint64_t b2 = sys_now_ns(CLOCK_BOOTTIME);

	return w - (b1 + (b2 - b1) / 2);
}

volatile sig_atomic_t sys_stop_signal;
volatile sig_atomic_t sys_drain_expired;
static unsigned int drain_budget_ms;   /* 0: a stop does not bound writes */

/* setitimer() is a plain syscall, safe in a handler. Arming it here, not
 * later in the main flow, also covers a signal that lands just before a
 * write() that then blocks. */
static void start_drain_budget(void)
{
	unsigned int ms = drain_budget_ms;
	struct itimerval it = {
		.it_value = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 },
		.it_interval = { .tv_usec = 20 * 1000 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

static void on_stop_signal(int sig)
{
	if (sys_stop_signal)
		_exit(128 + sig);   /* a second Ctrl-C: leave now */
	sys_stop_signal = sig;
	if (drain_budget_ms)
		start_drain_budget();
}

void sys_install_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void on_drain_alarm(int sig)
{
	(void)sig;
	sys_drain_expired = 1;
}

void sys_bound_drain_after_stop(unsigned int ms)
{
	/* No SA_RESTART: the point is to interrupt a blocked write(). */
	struct sigaction sa = { .sa_handler = on_drain_alarm };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	drain_budget_ms = ms;
}

void sys_end_drain_budget(void)
{
	struct itimerval off = { 0 };

	setitimer(ITIMER_REAL, &off, NULL);
}
