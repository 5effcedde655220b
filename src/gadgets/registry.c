// SPDX-License-Identifier: Apache-2.0
/* The gadgets ig knows, in the order `ig list-gadgets` shows them. */
#include "gadget.h"

extern const struct gadget gadget_trace_exec;
extern const struct gadget gadget_trace_open;
extern const struct gadget gadget_trace_tcp;
extern const struct gadget gadget_ttysnoop;
extern const struct gadget gadget_traceloop;

const struct gadget *const ig_gadgets[] = {
	&gadget_trace_exec,
	&gadget_trace_open,
	&gadget_trace_tcp,
	&gadget_ttysnoop,
	&gadget_traceloop,
};

const size_t ig_ngadgets = ARRAY_SIZE(ig_gadgets);
