/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_SNAPSHOT_PROCESS_H
#define IG_SNAPSHOT_PROCESS_H

#include "ig_event.h"

/* One task, as the task iterator writes it to its seq_file (and the /proc
 * fallback fills it). proc.timestamp is the task's start (boot-time ns). */
struct process_record {
	struct ig_proc proc;
};

#endif
