/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where rows go: the chain schema -> selection -> filter -> output, with
 * the row that travels it, set up the same way for every command that
 * prints rows.
 */
#ifndef IG_SINK_H
#define IG_SINK_H

#include "export_filter.h"
#include "filter.h"
#include "output.h"

struct sink {
	struct schema schema;
	struct selection cols;
	struct filter filter;
	struct xf_bind xf;        /* --export-allowlist/denylist */
	struct export_filter *own_allow, *own_deny;   /* parsed from the flags */
	const char *gadget_name;
	struct output out;
	struct row row;
};

struct run_opts;

/*
 * fields: the command's own fields (after the common ones); default_fields
 * NULL means the FF_DEFAULT ones. From o: -o (mode and its argument),
 * --fields (NULL: the defaults), --filter, --export-allowlist/denylist. Returns 0, -EINVAL with a usage
 * error in err (empty when the output layer reported it already), or
 * -ENOMEM. sink_free() is safe after a failure.
 */
int sink_init(struct sink *k, const struct field *fields, size_t n, const char *default_fields,
	      const struct run_opts *o, char *err, size_t errlen);
/* Whether the row passes --filter and the export filters. */
static inline bool sink_match(const struct sink *k, const struct row *r)
{
	return (!k->filter.n || filter_match(&k->filter, &k->schema, r)) &&
	       (!xf_active(&k->xf) || xf_pass(&k->xf, r));
}
/* Filter with these lists instead (the daemon's, which it owns; NULL:
 * none). The rows' event_set name is o->gadget_name's from sink_init. */
void sink_set_export_filters(struct sink *k, const struct export_filter *allow,
			     const struct export_filter *deny);
void sink_free(struct sink *k);

#endif
