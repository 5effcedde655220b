// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "netfmt.h"

void net_set_l4(struct row *r, int idx, const struct ig_l4 *e)
{
	bool v6 = e->version == 6;
	char *a;

	if (e->version != 4 && !v6)
		return;
	a = row_alloc(r, INET6_ADDRSTRLEN);
	if (!a || !inet_ntop(v6 ? AF_INET6 : AF_INET, e->addr, a, INET6_ADDRSTRLEN))
		return;
	row_set_str(r, idx + 1, a, strlen(a));
	row_set_uint(r, idx + 2, e->port);
	row_set_uint(r, idx + 3, e->version);
	if (e->proto == IG_IPPROTO_TCP)
		row_set_str(r, idx + 4, "TCP", 3);
	else if (e->proto == IG_IPPROTO_UDP)
		row_set_str(r, idx + 4, "UDP", 3);
	else
		row_set_fmt(r, idx + 4, "%u", e->proto);
	row_set_fmt(r, idx, v6 ? "[%s]:%u" : "%s:%u", a, e->port);
}

void net_set_netns(struct row *r, int idx, __u32 netns)
{
	row_set_uint(r, idx, netns);
	r->netns = netns;
	r->netns_idx = idx;
}

const char *net_tcp_state(unsigned int state)
{
	/* include/net/tcp_states.h */
	static const char *const names[] = {
		[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV", [4] = "FIN_WAIT1",
		[5] = "FIN_WAIT2", [6] = "TIME_WAIT", [7] = "CLOSE", [8] = "CLOSE_WAIT",
		[9] = "LAST_ACK", [10] = "LISTEN", [11] = "CLOSING", [12] = "NEW_SYN_RECV",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : NULL;
}

void net_tcp_flags(unsigned int flags, char *buf, size_t size)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	size_t len = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < 8 && size; i++) {
		int w;

		if (!(flags & (1u << i)))
			continue;
		w = snprintf(buf + len, size - len, "%s%s", len ? "|" : "", names[i]);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += w;
	}
}
