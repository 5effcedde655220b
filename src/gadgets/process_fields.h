/* SPDX-License-Identifier: Apache-2.0 */
/* trace_process's user-space pieces: its fields, shared by the decoder
 * (trace_process.c) and the Tetragon-shaped JSON (trace_process_json.c). */
#ifndef IG_GADGETS_TRACE_PROCESS_H
#define IG_GADGETS_TRACE_PROCESS_H

#include "field.h"
#include "obuf.h"

enum {
	TP_EVENT, TP_EXEC_ID, TP_PARENT_EXEC_ID, TP_BINARY, TP_ARGS, TP_CWD, TP_FLAGS,
	TP_AUID, TP_START_TIME, TP_STATUS, TP_EXIT_CODE, TP_SIGNAL, TP_LIFETIME,
	TP_P_PID, TP_P_BINARY, TP_P_ARGS, TP_P_CWD, TP_P_FLAGS, TP_P_UID, TP_P_AUID,
	TP_P_START_TIME, TP_P_PARENT_EXEC_ID, TP_P_SAME_NS, TP_ANCESTORS,
	TP_POLICY, TP_ACTION, TP_HOOK, TP_HOOK_ARGS,
	TP_NFIELDS
};

/* Tetragon's node_name: $NODE_NAME, else the host name. */
const char *tp_node_name(void);

/* -o tetragon: one record as Tetragon exports it. */
void tp_write_tetragon(struct obuf *b, const struct schema *s, const struct row *r);

#endif
