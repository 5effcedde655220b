/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where rows go: the chain schema -> selection -> filter -> output, with
 * the row that travels it, set up the same way for every command that
 * prints rows.
 */
#ifndef IG_SINK_H
#define IG_SINK_H

#include "filter.h"
#include "output.h"

struct sink {
	struct schema schema;
	struct selection cols;
	struct filter filter;
	struct output out;
	struct row row;
};

struct run_opts;

/*
 * fields: the command's own fields (after the common ones); default_fields
 * NULL means the FF_DEFAULT ones. From o: -o (mode and its argument),
 * --fields (NULL: the defaults), --filter. Returns 0, -EINVAL with a usage
 * error in err (empty when the output layer reported it already), or
 * -ENOMEM. sink_free() is safe after a failure.
 */
int sink_init(struct sink *k, const struct field *fields, size_t n, const char *default_fields,
	      const struct run_opts *o, char *err, size_t errlen);
/* Whether the row passes --filter. */
static inline bool sink_match(const struct sink *k, const struct row *r)
{
	return !k->filter.n || filter_match(&k->filter, &k->schema, r);
}
void sink_free(struct sink *k);

#endif
