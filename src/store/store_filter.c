/* Event filters from text. See store_filter.h. */
#include "store/store_filter.h"

#include <string.h>

#include "core/ip.h"
#include "core/limits.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/time.h"

#define SINCE_AGE_MAX_US (INT64_C(1000) * 36525 / 100 * 86400 * 1000000)

static enum rcx_result parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *ret)
{
	int64_t v;
	if (rcx_parse_i64(s, strlen(s), &v) != RCX_OK || v < 0 || (uint64_t)v < min || (uint64_t)v > max)
		return RCX_EINVAL;
	*ret = (uint64_t)v;
	return RCX_OK;
}

enum rcx_result store_event_filter_set(struct store_event_filter *flt, const char *key, const char *value,
				       uint64_t limit_max)
{
	if (!key || !value)
		return RCX_EINVAL;
	size_t len = strlen(value);
	if (!strcmp(key, "since")) {
		int64_t v;
		if (rcx_time_parse(value, len, &v) == RCX_OK) {
			flt->since_us = v;
			return RCX_OK;
		}
		/* an age reaches back at most 1000 years: older "since" times are not times rcx can name */
		if (rcx_duration_parse(value, len, &v) == RCX_OK && v >= 0 && v <= SINCE_AGE_MAX_US) {
			flt->since_us = rcx_time_now() - v;
			return RCX_OK;
		}
		return RCX_EINVAL;
	}
	if (!strcmp(key, "type")) {
		const char *t = rcx_taxonomy_type_canonical(value, len);
		if (!t)
			return RCX_EINVAL;
		flt->type = t;
		return RCX_OK;
	}
	if (!strcmp(key, "source_ip") || !strcmp(key, "source-ip")) {
		struct rcx_cidr net;
		if (rcx_cidr_parse(value, len, false, &net) != RCX_OK)
			return RCX_EINVAL;
		flt->source_net = net;
		flt->has_source = true;
		return RCX_OK;
	}
	if (!strcmp(key, "feed") || !strcmp(key, "org")) {
		if (len == 0 || len > RCX_FIELD_VALUE_MAX)
			return RCX_EINVAL;
		if (key[0] == 'f')
			flt->feed = value;
		else
			flt->org = value;
		return RCX_OK;
	}
	if (!strcmp(key, "after")) {
		uint64_t v;
		if (parse_u64(value, 0, INT64_MAX, &v) != RCX_OK)
			return RCX_EINVAL;
		flt->after_id = (int64_t)v;
		return RCX_OK;
	}
	if (!strcmp(key, "limit"))
		return parse_u64(value, 1, limit_max, &flt->limit);
	return RCX_ENOTFOUND;
}
