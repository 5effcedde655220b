/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container enrichment and the in-kernel container filter, shared by every
 * gadget. Events carry their mount namespace; this names the container and
 * keeps the BPF classification map (ig_mntns) in step, so the steady state
 * is filtered in the kernel while a new container's first events still pass
 * (unclassified namespaces are let through and classified here, once).
 */
#ifndef IG_ENRICH_H
#define IG_ENRICH_H

#include "gadget.h"

struct enricher;
struct container;
struct container_table;

/* Returns NULL (with a message) on bad selectors or no memory. */
struct enricher *enricher_new(const struct run_opts *o);
void enricher_free(struct enricher *e);
/* Whether BPF must consult the classification map (set before load). */
bool enricher_filters_in_kernel(const struct enricher *e);
/* Whether BPF must key namespaces by unique id (set before load). */
bool enricher_mntns_by_id(const struct enricher *e);
/* After load: classify the host and the known containers in the map. */
void enricher_attach_map(struct enricher *e, int map_fd, int hints_fd);
/* Fill runtime.* and k8s.* from proc.mntns_id; false: drop the event. */
bool enricher_apply(struct enricher *e, struct row *r);
/* Once in a while: notice exited containers, forget their namespaces. */
void enricher_tick(struct enricher *e);

/* The container table behind the enricher. */
struct container_table *enricher_table(struct enricher *e);
size_t enricher_table_count(const struct enricher *e);
const struct container *enricher_table_at(const struct enricher *e, size_t i);

/* Fill runtime.* and k8s.* of a row from a container, e.g. from a copy kept
 * after the table dropped it (traceloop shows exited containers). */
void enricher_fill_container(const struct enricher *e, struct row *r, const struct container *c);

/* For aggregating gadgets, which name their rows' namespaces on a tick:
 * the container of namespace key, from the table, from pid (one of its
 * processes), or, once pid is gone, from the cgroups BPF noted for it
 * (ig_mntns_hints) while the runtime still has the container's record.
 * NULL for the host or none; a hinted one (c->hinted) is no name yet. */
const struct container *enricher_name_ns(struct enricher *e, uint64_t key, uint32_t pid);

/* Whether the container passes -c/--k8s-* (used by list-containers too). */
bool enricher_selects(const struct enricher *e, const struct container *c);

#endif
