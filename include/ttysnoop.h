/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TTYSNOOP_H
#define IG_TTYSNOOP_H

#include "ig_event.h"

#define TTY_BUF_MAX   8192   /* bytes of a write that are copied; power of two */
#define TTY_NAME_MAX  32     /* tty->name, e.g. "pts3", "ptm0", "tty1" */
#define TTY_MAX_IOV   1024   /* UIO_MAXIOV: iovecs a writev may pass */
#define TTY_MAX_SELF  16     /* ig, and who relays or reads its output */

/* The kernel's dev_t: 12-bit major, 20-bit minor (not the user-space one). */
#define TTY_MINORBITS 20
#define TTY_MAJOR(dev) ((dev) >> TTY_MINORBITS)
#define TTY_MINOR(dev) ((dev) & ((1U << TTY_MINORBITS) - 1))

/* Character majors of tty devices (Documentation/admin-guide/devices.txt). */
#define TTY_MAJOR_VT        4     /* tty0..63 virtual consoles, ttyS */
#define TTY_MAJOR_AUX       5     /* /dev/tty, /dev/console, /dev/ptmx */
#define TTY_MAJOR_PTS_FIRST 136   /* Unix98 pty slaves: 136..143 */
#define TTY_MAJOR_PTS_LAST  143

/* termios c_oflag bits (asm-generic values: x86, arm64, riscv). */
#define TTY_OPOST 0000001
#define TTY_ONLCR 0000004

#define TTY_F_WRITEV   (1U << 0)   /* writev or pwritev2 */
#define TTY_F_PWRITEV2 (1U << 1)   /* pwritev2 (offset -1) */

/*
 * One write to a tty. Only the first buf_size bytes of buf are sent, so the
 * record is as long as the data it carries.
 */
struct tty_event {
	struct ig_proc proc;
	__u64 ino;           /* inode of the tty file written to */
	__u64 len;           /* bytes the call asked to write (all iovecs) */
	__u32 dev;           /* kernel dev_t: major << 20 | minor */
	__u32 fd;
	__u32 flags;         /* TTY_F_* */
	__u32 buf_size;      /* valid bytes in buf, at most TTY_BUF_MAX */
	__u16 cols;          /* the tty's window size (0 if never set) */
	__u16 rows;
	__u32 oflag;         /* the tty's termios c_oflag when written to */
	char tty[TTY_NAME_MAX];
	char buf[TTY_BUF_MAX];
};

#endif
