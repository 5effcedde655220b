// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "gadget.h"
#include "sink.h"

/* An older JSON shape: its fields, each printed under its flat key. */
static int select_json_keys(struct sink *k, const struct run_opts *o, char *err, size_t errlen)
{
	char spec[1024] = "";
	size_t len = 0;

	if (!out_mode_structured(o->mode) || o->fields) {
		snprintf(err, errlen, "--legacy-json is a JSON shape: use it with -o json, jsonpretty or yaml, without --fields");
		return -1;
	}
	for (size_t i = 0; i < o->njson_keys && len < sizeof(spec); i++)
		len += snprintf(spec + len, sizeof(spec) - len, "%s%s", i ? "," : "",
				o->json_keys[i].field);
	if (select_fields(&k->schema, spec, &k->cols, err, errlen))
		return -1;
	for (size_t i = 0; i < k->cols.n && i < o->njson_keys; i++)
		k->cols.c[i].key = o->json_keys[i].key;
	return 0;
}

int sink_init(struct sink *k, const struct field *fields, size_t n, const char *default_fields,
	      const struct run_opts *o, char *err, size_t errlen)
{
	int ret;

	memset(k, 0, sizeof(*k));
	if (schema_init(&k->schema, fields, n, default_fields))
		goto nomem;
	k->schema.forms = o->forms;
	if (o->json_keys ? select_json_keys(k, o, err, errlen)
			 : select_fields(&k->schema, o->fields, &k->cols, err, errlen))
		return -EINVAL;
	if (o->filter && filter_parse(&k->filter, &k->schema, o->filter, err, errlen))
		return -EINVAL;
	if ((o->export_allowlist &&
	     xf_parse(&k->own_allow, o->export_allowlist, "--export-allowlist", err, errlen)) ||
	    (o->export_denylist &&
	     xf_parse(&k->own_deny, o->export_denylist, "--export-denylist", err, errlen)))
		return -EINVAL;
	k->gadget_name = o->gadget_name;
	sink_set_export_filters(k, k->own_allow, k->own_deny);
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

void sink_set_export_filters(struct sink *k, const struct export_filter *allow,
			     const struct export_filter *deny)
{
	xf_bind(&k->xf, allow, deny, &k->schema, k->gadget_name);
}

void sink_free(struct sink *k)
{
	xf_free(k->own_allow);
	xf_free(k->own_deny);
	output_free(&k->out);
	row_free(&k->row);
	filter_free(&k->filter);
	selection_free(&k->cols);
	schema_free(&k->schema);
}
