/* SPDX-License-Identifier: Apache-2.0 */
/* --filter: "field==value,field2~regex" (comma-separated ANDs), in user space. */
#ifndef IG_FILTER_H
#define IG_FILTER_H

#include <regex.h>
#include "field.h"

enum filter_op { FOP_EQ, FOP_NE, FOP_GE, FOP_GT, FOP_LE, FOP_LT, FOP_RE, FOP_NRE };

struct filter_term {
	int idx;
	enum filter_op op;
	char *str;
	int64_t num;
	bool regex_ok;
	regex_t re;
};

struct filter {
	struct filter_term *t;
	size_t n;
};

/* Adds the terms of expr. Returns 0, or -1 with a message in err. */
int filter_parse(struct filter *f, const struct schema *s, const char *expr,
		 char *err, size_t errlen);
bool filter_match(const struct filter *f, const struct schema *s, const struct row *r);
void filter_free(struct filter *f);

#endif
