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
volatile sig_atomic_t sys_deadline_passed;

#define TICK_MS 20   /* after a budget or deadline, how often writes are interrupted */

/* The drain budget, see sys.h. The handlers read these; the main flow
 * sets them before any timer can fire. */
static volatile sig_atomic_t drain_armed;
static unsigned int drain_ms = 500;
static unsigned int drain_live_cap_ms;     /* 0: progress never extends */
static bool drain_live_after_signal;
static uint64_t drain_started_ns;

/* setitimer() is a plain syscall, safe in a handler. The timer keeps
 * ticking after it first fires, until the process ends: every later
 * write() that blocks is interrupted too, the final messages' included. */
static void arm_timer(unsigned int ms)
{
	struct itimerval it = {
		.it_value = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 + (ms ? 0 : 1) },
		.it_interval = { .tv_usec = TICK_MS * 1000 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

static void start_drain(void)
{
	if (drain_armed)
		return;
	drain_armed = 1;
	drain_started_ns = sys_now_ns(CLOCK_MONOTONIC);   /* clock_gettime: signal-safe */
	arm_timer(drain_ms);
}

static void on_stop_signal(int sig)
{
	if (sys_stop_signal)
		_exit(128 + sig);   /* a second Ctrl-C: leave now */
	sys_stop_signal = sig;
	/* Arming it here, not later in the main flow, also covers a signal
	 * that lands just before a write() that then blocks. */
	start_drain();
}

static void on_alarm(int sig)
{
	(void)sig;
	if (drain_armed)
		sys_drain_expired = 1;
	else
		sys_deadline_passed = 1;
}

void sys_install_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	/* No SA_RESTART: the point of the alarm is to interrupt a write(). */
	struct sigaction alarm = { .sa_handler = on_alarm };
	sigset_t stops;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&alarm.sa_mask);
	sigaction(SIGALRM, &alarm, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A parent may have left them blocked (the mask is inherited across
	 * exec): a blocked Ctrl-C would wait, pending, forever. */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	sigaddset(&stops, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &stops, NULL);
}

void sys_set_drain_budget(unsigned int ms, unsigned int live_cap_ms, bool live_after_signal)
{
	drain_ms = ms;
	drain_live_cap_ms = live_cap_ms;
	drain_live_after_signal = live_after_signal;
}

void sys_arm_deadline(double seconds)
{
	unsigned int ms = seconds * 1000 > 4e9 ? 4000000000U : (unsigned int)(seconds * 1000);

	if (seconds > 0 && !drain_armed)   /* a stop's budget runs already */
		arm_timer(ms);
}

void sys_begin_drain(void)
{
	sigset_t set, old;

	/* The stop handler may run start_drain() too: not both at once. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	start_drain();
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void sys_drain_progress(void)
{
	if (!drain_armed || !drain_live_cap_ms || (sys_stop_signal && !drain_live_after_signal))
		return;
	if (sys_now_ns(CLOCK_MONOTONIC) - drain_started_ns >= drain_live_cap_ms * 1000000ULL)
		return;
	arm_timer(drain_ms);   /* first, so no tick lands between the two */
	sys_drain_expired = 0;
}

bool sys_has_kprobes(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", F_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", F_OK);
}
