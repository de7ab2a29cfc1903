/* Event filters from text: the one parser of the filters `rcx events` takes as options and
 * GET /api/v1/events takes as query parameters, so both accept exactly the same values. */
#pragma once
#include <stdint.h>

#include "core/result.h"
#include "store/store.h"

/* Sets one filter of flt from key and value: "since" (ISO-8601 time or an age such as "24h"),
 * "type" (RSIT type, old spellings mapped), "source_ip" / "source-ip" (address or CIDR), "feed",
 * "org", "after" (event id cursor), "limit" (1..limit_max). Strings are borrowed, not copied.
 * RCX_EINVAL for a bad value, RCX_ENOTFOUND for an unknown key; flt unchanged then. */
enum rcx_result store_event_filter_set(struct store_event_filter *flt, const char *key, const char *value,
				       uint64_t limit_max);
