/* SPDX-License-Identifier: Apache-2.0 */
/* Parsed policies into the kernel (policy_load.c). */
#ifndef IG_POLICY_LOAD_H
#define IG_POLICY_LOAD_H

#include "policy.h"

struct bpf_program;

/* Each hook against its tracefs format: out[i] for set->hooks[i]. */
int pol_resolve(const struct pol_set *set, struct pol_hook *out, char *err, size_t errlen);
/* The syscall -> hook + 1 table of the sys_enter program (zeroed by the
 * caller); whether any hook uses that program, and any its tracepoint. */
void pol_sys_table(const struct pol_set *set, const struct pol_hook *hooks, __u8 *table,
		   bool *any_sys, bool *any_tp);
/* Fill pol_hooks; attach prog to every hook served by its tracepoint
 * (cookie: its index), sys_prog once for those served by sys_enter. */
int pol_attach(struct bpf_program *prog, struct bpf_program *sys_prog, int hooks_fd,
	       const struct pol_set *set, const struct pol_hook *hooks);
/* Detach what pol_attach attached. */
void pol_detach(void);

#endif
