/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prometheus metrics (--metrics-listen): counters the event loop bumps
 * without locks or waits, served as the text exposition format by
 * libmicrohttpd in its own thread, so /metrics never holds the loop up.
 *
 * Per gadget: ig_events_total{gadget,container} (the events it emitted)
 * and ig_lost_events_total{gadget} (lost in the kernel, before any
 * container is known); then each gadget's own counters (struct
 * gadget_metric, e.g. ig_execs_total{container,result}). Containers past
 * --metrics-max-containers per gadget fold into container="other", and
 * ig_metrics_containers_folded_total says how many did.
 */
#ifndef IG_METRICS_H
#define IG_METRICS_H

#include <stdint.h>
#include "gadget.h"

#define METRICS_DEFAULT_MAX_CONTAINERS 100
#define METRICS_MAX_GADGETS 64

struct ig_metrics;
struct metrics_gadget;

/* NULL on no memory. */
struct ig_metrics *metrics_new(unsigned int max_containers);
/* Serve http://ADDR:PORT/metrics (and /healthz): "127.0.0.1:2224",
 * ":2224" (every address), "[::1]:2224". 0, or -1 after a message. */
int metrics_listen(struct ig_metrics *m, const char *addr_port);
struct sockaddr_storage;
/* Check and resolve ADDR:PORT (numeric only): 0, or -1 with err. */
int metrics_parse_listen(const char *spec, struct sockaddr_storage *ss, char *err, size_t errlen);
/* Stop serving, then free. */
void metrics_free(struct ig_metrics *m);

/* The counters of gadget g, made on first use (a reloaded gadget keeps
 * its counters). NULL when there is no room. Event-loop thread only. */
struct metrics_gadget *metrics_gadget(struct ig_metrics *m, const struct gadget *g);
/* One event the gadget emitted (its row, enriched). */
void metrics_event(struct metrics_gadget *mg, const struct row *r);
/* The gadget's lost events, in total since it started: added to what
 * earlier runs of it lost. */
void metrics_lost(struct metrics_gadget *mg, uint64_t total);
/* The gadget was stopped: the next metrics_lost counts from 0. */
void metrics_gadget_restart(struct metrics_gadget *mg);

/* The exposition text (for tests and the HTTP thread): malloc'd, NUL
 * terminated, *len bytes. */
char *metrics_render(struct ig_metrics *m, size_t *len);

#endif
