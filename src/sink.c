// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "gadget.h"
#include "sink.h"

int sink_init(struct sink *k, const struct field *fields, size_t n, const char *default_fields,
	      const struct run_opts *o, char *err, size_t errlen)
{
	int ret;

	memset(k, 0, sizeof(*k));
	if (schema_init(&k->schema, fields, n, default_fields))
		goto nomem;
	if (select_fields(&k->schema, o->fields, &k->cols, err, errlen))
		return -EINVAL;
	if (o->filter && filter_parse(&k->filter, &k->schema, o->filter, err, errlen))
		return -EINVAL;
	ret = output_init_arg(&k->out, o->mode, o->mode_arg, &k->schema, &k->cols);
	if (!ret)
		ret = row_init(&k->row, &k->schema);
	if (ret == -EINVAL) {   /* reported already (asciicast): err stays empty */
		err[0] = 0;
		return ret;
	}
	if (!ret)
		return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

void sink_free(struct sink *k)
{
	output_free(&k->out);
	row_free(&k->row);
	filter_free(&k->filter);
	selection_free(&k->cols);
	schema_free(&k->schema);
}
