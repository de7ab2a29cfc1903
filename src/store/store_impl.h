/* Internals shared by the store implementations (store_sqlite.c, store_mem.c) so that both give
 * events, times and quarantine rows the same meaning. Callers use store.h, never this file. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/event.h"
#include "core/result.h"
#include "store/store.h"

/* rcx's bookkeeping of one stored event, set as rcx.* fields when it is read back. */
struct store_event_meta {
	int64_t id;
	int64_t count;
	int64_t first_seen, last_seen; /* µs */
};

/* The time an event is deduplicated and filtered (since_us) on: time.source, else time.observation.
 * RCX_EINVAL when the event has neither (ret_t untouched). */
enum rcx_result store_event_time(const struct event *ev, int64_t *ret_t);

/* [t - window, t + window], clamped to the int64 range instead of overflowing. */
void store_time_window(int64_t t, int64_t window_us, int64_t *ret_lo, int64_t *ret_hi);

/* |a - b| without overflow. */
static inline uint64_t store_time_distance(int64_t a, int64_t b)
{
	return a >= b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;
}

/* Rebuilds a stored event into ev (memory from arena): fields from its JSON body, raw bytes (raw NULL
 * = none; not copied, so they must outlive ev), and rcx.id/count/first_seen/last_seen from meta.
 * RCX_ESTORE when the stored body does not read back. */
enum rcx_result store_event_load(struct event *ev, struct rcx_arena *arena, const char *body, size_t body_len,
				 const char *raw, size_t raw_len, const struct store_event_meta *meta);

/* RCX_EINVAL when a filter's source network is not a valid IPv4/IPv6 CIDR. */
enum rcx_result store_filter_check(const struct store_event_filter *flt);

/* The quarantine row as stored: raw cut to RCX_QUARANTINE_RAW_MAX (raw_total keeps the original
 * length, at least raw_len), time 0 replaced by now. Strings still point into q. */
void store_quarantine_norm(const struct store_quarantine *q, struct store_quarantine *ret_q);
