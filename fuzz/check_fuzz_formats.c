/* Fails when the ingest format table has a format without a fuzz_format_<name> harness; warns when a
 * harness names a format the table does not have (yet: its harness aborts until it is registered).
 * RCX_FUZZ_FORMATS is the comma-separated list of fuzz/meson.build. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ingest/ingest.h"

#ifndef RCX_FUZZ_FORMATS
#error "build with -DRCX_FUZZ_FORMATS=\"a,b,...\""
#endif

static bool listed(const char *name)
{
	const char *list = RCX_FUZZ_FORMATS;
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && !memcmp(p, name, n))
			return true;
		p += len + (comma ? 1 : 0);
	}
	return false;
}

int main(void)
{
	int bad = 0;
	for (size_t i = 0; ingest_format_at(i); i++) {
		const char *name = ingest_format_at(i)->name;
		if (!listed(name)) {
			fprintf(stderr, "format \"%s\" has no fuzz harness: add it to fuzz_formats in fuzz/meson.build\n",
				name);
			bad = 1;
		}
	}
	char list[] = RCX_FUZZ_FORMATS;
	for (char *p = list; *p;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (!ingest_format_find(p)) {
			fprintf(stderr, "warning: fuzz/meson.build lists format \"%s\", not (yet) in the format table\n", p);
		}
		p += strlen(p) + (comma ? 1 : 0);
	}
	return bad;
}
