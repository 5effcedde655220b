// SPDX-License-Identifier: Apache-2.0
/* Naming the containers of top gadgets while they run (include/top_ns.h). */
#include <stdio.h>
#include <time.h>
#include <bpf/bpf.h>
#include "batch.h"
#include "containers/containers.h"
#include "enrich.h"
#include "gadget.h"
#include "ig_event.h"
#include "sys.h"
#include "top_ns.h"

void top_ns_tick(struct ig_batch *b, int fd)
{
	struct container_table *t = b->enr ? enricher_table(b->enr) : NULL;
	static __u64 keys[TOP_NS_MAX];
	size_t n = 0;

	if (!t)
		return;
	/* Keys first: the map is changed below. */
	while (n < TOP_NS_MAX && !bpf_map_get_next_key(fd, n ? &keys[n - 1] : NULL, &keys[n]))
		n++;
	for (size_t i = 0; i < n; i++) {
		const struct container *c;
		struct top_ns_seen v;

		if (bpf_map_lookup_elem(fd, &keys[i], &v))
			continue;
		c = ct_lookup_mntns(t, keys[i]);
		if (!c && keys[i] != ct_host_mntns(t))
			c = ct_resolve(t, keys[i], v.pid);
		if (!c && keys[i] != ct_host_mntns(t))
			/* The process is gone already (a container whose only
			 * process wrote a few blocks and exited). */
			c = enricher_name_from_cgroups(b->enr, keys[i], 0, v.pid,
						       sys_now_ns(CLOCK_REALTIME));
		/* A hint (a cgroup names it, the runtime does not vouch for it
		 * yet: runc is still creating it) is no name: try again. */
		if (c && c->hinted && ++v.tries < TOP_NS_TRIES)
			bpf_map_update_elem(fd, &keys[i], &v, BPF_EXIST);
		else
			bpf_map_delete_elem(fd, &keys[i]);
	}
}
