/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the metrics: shared by metrics.c (counters) and metrics_http.c. */
#ifndef IG_METRICS_INT_H
#define IG_METRICS_INT_H

#include "metrics.h"

struct MHD_Daemon;

struct ig_metrics {
	unsigned int max_containers;
	unsigned int ngadgets;     /* published */
	struct metrics_gadget *gadgets[METRICS_MAX_GADGETS];
	struct MHD_Daemon *httpd;
};

void metrics_http_stop(struct ig_metrics *m);

#endif
