/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/* trace_capabilities: capability checks (cap_capable) and their verdicts;
 * bpf/trace_capabilities.bpf.c, src/gadgets/trace_capabilities.c. */
#ifndef IG_TRACE_CAPABILITIES_H
#define IG_TRACE_CAPABILITIES_H

#include "ig_event.h"

/* cap_capable's opts (include/linux/security.h) */
#define CAPS_OPT_NOAUDIT (1U << 1)
#define CAPS_OPT_INSETID (1U << 2)

struct caps_event {
	struct ig_proc proc;
	__s32 cap;
	__u32 opts;     /* CAPS_OPT_* */
	__s32 ret;      /* 0: granted, else -EPERM */
	__u32 _pad;
};

#endif
