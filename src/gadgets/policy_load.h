/* SPDX-License-Identifier: Apache-2.0 */
/* Parsed policies into the kernel (policy_load.c). */
#ifndef IG_POLICY_LOAD_H
#define IG_POLICY_LOAD_H

#include "policy.h"

struct bpf_program;
struct container_table;

/* Each hook against its tracefs format: out[i] for set->hooks[i]. */
int pol_resolve(const struct pol_set *set, struct pol_hook *out, char *err, size_t errlen);
/* Fill pol_hooks and attach prog to every hook (cookie: its index). */
int pol_attach(struct bpf_program *prog, int hooks_fd, const struct pol_set *set,
	       const struct pol_hook *hooks);
/* The pol_scope map (fd) from the container table: each running
 * container's mount namespace key with the bits of the policies whose
 * containerSelector selects it (pol_scope_bits); nothing else. */
void pol_scope_sync(int fd, const struct pol_set *set, struct container_table *t);
/* Detach what pol_attach attached. */
void pol_detach(void);

#endif
