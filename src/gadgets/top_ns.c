// SPDX-License-Identifier: Apache-2.0
/* Naming the containers of top gadgets while they run (include/top_ns.h). */
#include <bpf/bpf.h>
#include "batch.h"
#include "containers/containers.h"
#include "enrich.h"
#include "top_ns.h"

void top_ns_tick(struct ig_batch *b, int fd)
{
	static __u64 keys[TOP_NS_MAX];
	size_t n = 0;

	if (!b->enr)
		return;
	/* Keys first: the map is changed below. */
	while (n < TOP_NS_MAX && !bpf_map_get_next_key(fd, n ? &keys[n - 1] : NULL, &keys[n]))
		n++;
	for (size_t i = 0; i < n; i++) {
		const struct container *c;
		struct top_ns_seen v;

		if (bpf_map_lookup_elem(fd, &keys[i], &v))
			continue;
		/* The process may be gone already (a container whose only
		 * process wrote a few blocks and exited). */
		c = enricher_name_ns(b->enr, keys[i], v.pid);
		/* A hint (a cgroup names it, the runtime does not vouch for it
		 * yet: runc is still creating it) is no name: try again. */
		if (c && c->hinted && ++v.tries < TOP_NS_TRIES)
			bpf_map_update_elem(fd, &keys[i], &v, BPF_EXIST);
		else
			bpf_map_delete_elem(fd, &keys[i]);
	}
}
