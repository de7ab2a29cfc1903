/* Static files compiled into the binary (tools/embed_web.py writes the table at build time), looked
 * up by exact path with a binary search over the sorted table. A path ending in '/' means its
 * index.html. There is no file system access at run time, so no path can escape the table. */
#include <string.h>

#include "http/http.h"

/* Compares the concatenation a + suffix with b, like strcmp. */
static int cmp_joined(const char *a, const char *suffix, const char *b)
{
	size_t alen = strlen(a), blen = strlen(b);
	size_t n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);
	if (c || alen > blen)
		return c ? c : 1;
	return strcmp(suffix, b + alen);
}

const struct http_static_file *http_static_find_in(const struct http_static_table *t, const char *path)
{
	if (!path || path[0] != '/')
		return NULL;
	const char *suffix = path[strlen(path) - 1] == '/' ? "index.html" : "";
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_joined(path, suffix, t->files[mid].path);
		if (c == 0)
			return &t->files[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct http_static_file *http_static_find(const char *path)
{
	return http_static_find_in(&http_static_web, path);
}
