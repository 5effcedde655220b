/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ig daemon's trace gadgets, several at once in the daemon's one loop:
 * each has its own BPF object, ring buffer, enrichment and filter, and
 * all of them write JSON lines, with a "gadget" key, to one export (a
 * rotated file or stdout) and count into one set of metrics. A reload
 * stops the gadgets that left the config and starts the new ones; the
 * others are not touched, so their events flow on.
 */
#ifndef IG_DAEMON_FLEET_H
#define IG_DAEMON_FLEET_H

#include "daemon/config.h"
#include "gadget.h"

struct fleet;
struct ig_export;
struct ig_metrics;

/* exp NULL: stdout. metrics may be NULL. */
struct fleet *fleet_new(struct ig_export *exp, struct ig_metrics *metrics);
struct export_filter;
/* Every gadget's rows (running and to come) against these lists, which
 * the caller owns and keeps until the next call or fleet_free. */
void fleet_set_export_filters(struct fleet *f, const struct export_filter *allow,
			      const struct export_filter *deny);
/* Bring the running gadgets to the config's trace gadgets (others are
 * skipped: traceloop is the caller's). Returns how many failed to start;
 * the others run. */
int fleet_apply(struct fleet *f, const struct daemon_config *c);
/* The fd to poll for events (changes after fleet_apply), or -1. */
int fleet_fd(const struct fleet *f);
/* Read what the rings hold, write it out, report losses: 0, or an exit
 * code when the export cannot be written. */
int fleet_turn(struct fleet *f);
size_t fleet_count(const struct fleet *f);
/* Whether spec names a gadget the daemon runs, with flags it takes; *g
 * is the gadget (traceloop has g->run). 0, or -1 with err. */
int fleet_check_spec(const struct gadget_spec *spec, const struct gadget **g, char *err,
		     size_t errlen);
/* Stop every gadget (detach, drain, write), free. */
void fleet_free(struct fleet *f);

#endif
