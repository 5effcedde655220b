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

/* The process is gone already (a container whose only process wrote a few
 * blocks and exited): its cgroup names, which BPF noted, name it while
 * the runtime still has its record (docker run --rm removes it soon). */
static const struct container *top_ns_from_cgroups(struct container_table *t, int hints_fd,
						   __u64 key, __u32 pid)
{
	char text[2 * IG_CGROUP_NAME_LEN + 32];
	struct ig_mntns_hint hint;

	if (hints_fd < 0 || bpf_map_lookup_elem(hints_fd, &key, &hint))
		return NULL;
	hint.dfl[sizeof(hint.dfl) - 1] = 0;
	hint.pids[sizeof(hint.pids) - 1] = 0;
	snprintf(text, sizeof(text), "1:pids:/%s\n0::/%s\n", hint.pids, hint.dfl);
	return ct_resolve_cgroup(t, key, 0, pid, text, sys_now_ns(CLOCK_REALTIME));
}

void top_ns_tick(struct gadget_ctx *ctx, struct ig_batch *b, int fd)
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
			c = top_ns_from_cgroups(t, ctx->hints_fd, keys[i], v.pid);
		/* A hint (a cgroup names it, the runtime does not vouch for it
		 * yet: runc is still creating it) is no name: try again. */
		if (c && c->hinted && ++v.tries < TOP_NS_TRIES)
			bpf_map_update_elem(fd, &keys[i], &v, BPF_EXIST);
		else
			bpf_map_delete_elem(fd, &keys[i]);
	}
}
