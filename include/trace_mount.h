/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TRACE_MOUNT_H
#define IG_TRACE_MOUNT_H

#include "ig_event.h"

#define MOUNT_PATH_MAX 256
#define MOUNT_FS_MAX   64
#define MOUNT_DATA_MAX 512

/* The call: mount(2), umount2(2) (the kernel's "umount"), move_mount(2),
 * fsmount(2). */
#define MOUNT_OP_MOUNT      0
#define MOUNT_OP_UMOUNT     1
#define MOUNT_OP_MOVE_MOUNT 2
#define MOUNT_OP_FSMOUNT    3
#define MOUNT_OP_COUNT      4

/* cut: which strings filled their buffer (and may go on). */
#define MOUNT_CUT_SRC    (1U << 0)
#define MOUNT_CUT_TARGET (1U << 1)
#define MOUNT_CUT_FS     (1U << 2)
#define MOUNT_CUT_DATA   (1U << 3)

/*
 * One call, reported at its exit. The strings are the arguments as given:
 *  mount       src, target, fs (type), data; flags: MS_*
 *  umount      target; flags: MNT_*
 *  move_mount  src (from_path, relative to dfd[0]), target (to_path, to
 *              dfd[1]); flags: MOVE_MOUNT_*
 *  fsmount     dfd[0] (the fs context fd); flags: FSMOUNT_*, attr: MOUNT_ATTR_*
 */
struct mount_event {
	struct ig_proc proc;
	__u64 delta_ns;        /* from entry to exit */
	__u64 flags;
	__s64 ret;             /* 0, an fd (fsmount), or -errno */
	__s32 dfd[2];
	__u32 attr;
	__u8 op;               /* MOUNT_OP_* */
	__u8 cut;              /* MOUNT_CUT_* */
	__u8 _pad[2];
	char fs[MOUNT_FS_MAX];
	char src[MOUNT_PATH_MAX];
	char target[MOUNT_PATH_MAX];
	char data[MOUNT_DATA_MAX];
};

#endif
