// SPDX-License-Identifier: Apache-2.0
#include <string.h>
#include "list.h"

int list_each(const char *list, int (*fn)(const char *item, size_t len, void *arg), void *arg,
	      const char **bad, size_t *badlen)
{
	while (list && *list) {
		size_t len = strcspn(list, ",");
		int ret = len ? fn(list, len, arg) : 0;

		if (ret) {
			if (bad)
				*bad = list;
			if (badlen)
				*badlen = len;
			return ret;
		}
		list += len + (list[len] == ',');
	}
	return 0;
}

size_t list_count(const char *list)
{
	size_t n = 1;

	if (!list || !*list)
		return 0;
	for (const char *p = list; *p; p++)
		n += *p == ',';
	return n;
}

static int same(const char *item, size_t len, void *arg)
{
	const char **want = arg;

	return len == (size_t)(want[1] - want[0]) && !memcmp(item, want[0], len);
}

bool list_has(const char *list, const char *word, size_t len)
{
	const char *want[2] = { word, word + len };

	return list_each(list, same, want, NULL, NULL) != 0;
}
