/* Names of distributions; the label itself is plain data (see label.h). */
#include "core/label.h"

#include <string.h>
#include <strings.h>

static const char *const dist_names[RCX_DIST_MAX] = {
	[RCX_DIST_ORG] = "org",
	[RCX_DIST_GROUP] = "group",
	[RCX_DIST_NODE] = "node",
	[RCX_DIST_FEDERATION] = "federation",
};

static const struct {
	const char *word;
	enum rcx_dist dist;
} dist_aliases[] = {
	{"org", RCX_DIST_ORG},
	{"organisation", RCX_DIST_ORG},
	{"group", RCX_DIST_GROUP},
	{"node", RCX_DIST_NODE},
	{"all", RCX_DIST_NODE},
	{"federation", RCX_DIST_FEDERATION},
	{"community", RCX_DIST_FEDERATION},
};

enum rcx_result rcx_dist_parse(const char *s, size_t len, enum rcx_dist *ret_dist)
{
	for (size_t i = 0; i < sizeof(dist_aliases) / sizeof(dist_aliases[0]); i++) {
		const char *w = dist_aliases[i].word;
		size_t wl = strlen(w);
		if (wl == len && strncasecmp(s, w, len) == 0) {
			*ret_dist = dist_aliases[i].dist;
			return RCX_OK;
		}
	}
	return RCX_EPARSE;
}

const char *rcx_dist_name(enum rcx_dist dist)
{
	return (unsigned)dist < RCX_DIST_MAX ? dist_names[dist] : "org";
}
