/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TRACE_SNI_H
#define IG_TRACE_SNI_H

#include "sockfilter.h"

/* Bytes of a ClientHello packet copied from its IP header on; the server
 * name is one of the first extensions in practice, but a hello with a big
 * key share (post-quantum) may put it past this and show no name. */
#define SNI_PKT_MAX 1536

struct sni_event {
	struct sf_packet h;
	__u8 data[SNI_PKT_MAX];
};

#endif
