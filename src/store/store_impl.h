/* Internals shared by the store implementations (store_sqlite.c, store_mem.c) so that both give
 * events, times and quarantine rows the same meaning. Callers use store.h, never this file. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/event.h"
#include "core/label.h"
#include "core/result.h"
#include "store/store.h"

/* rcx's bookkeeping of one stored event, set as rcx.* fields when it is read back. The label
 * columns are authoritative over the stored body: event_label_set changes only them. */
struct store_event_meta {
	int64_t id;
	int64_t count;
	int64_t first_seen, last_seen; /* µs */
	enum rcx_tlp tlp;              /* → tlp */
	enum rcx_dist dist;            /* → rcx.distribution */
	const char *group;             /* → rcx.sharing_group; NULL = none (the field is removed) */
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
 * = none; not copied, so they must outlive ev), and rcx.id/count/first_seen/last_seen, tlp,
 * rcx.distribution and rcx.sharing_group from meta. RCX_ESTORE when the stored body does not read back. */
enum rcx_result store_event_load(struct event *ev, struct rcx_arena *arena, const char *body, size_t body_len,
				 const char *raw, size_t raw_len, const struct store_event_meta *meta);

/* Writes what event_to_json(ev, EVENT_JSON_META) writes for the event store_event_load would build
 * from body and meta (raw aside), straight from the body's text: the body's pairs are copied, the
 * label and bookkeeping pairs of meta are merged in at their sorted places. RCX_EPARSE (out
 * unchanged in length) when the body is not in the form event_to_json writes: the caller then
 * takes the slow path through store_event_load. */
enum rcx_result store_event_json_compose(const char *body, size_t body_len, const struct store_event_meta *meta,
					 struct rcx_strbuf *out);

/* The TLP and distribution event_put labels ev with: its tlp, else amber (a stored object always
 * has a TLP); its rcx.distribution, else org. RCX_EINVAL for a distribution rcx_dist_parse refuses. */
enum rcx_result store_event_label_parse(const struct event *ev, enum rcx_tlp *ret_tlp, enum rcx_dist *ret_dist);

/* Checks a label given to event_label_set: RCX_EINVAL for a TLP or distribution out of range, a
 * missing array or an id <= 0; RCX_ELIMIT past RCX_RECIPIENTS_MAX orgs or users. */
enum rcx_result store_label_check(const struct rcx_label *label);

/* Sorts ids ascending and drops repeats, in place; returns how many remain. Recipient lists are
 * stored this way, so both implementations return them in the same order. */
size_t store_ids_norm(int64_t *ids, size_t n);

/* Lowercases ASCII letters in place (e-mail addresses are stored and looked up lowercase). */
void store_ascii_lower(char *s);

/* RCX_EINVAL when a filter's source network is not a valid IPv4/IPv6 CIDR. */
enum rcx_result store_filter_check(const struct store_event_filter *flt);

/* The quarantine row as stored: raw cut to RCX_QUARANTINE_RAW_MAX (raw_total keeps the original
 * length, at least raw_len), time 0 replaced by now. Strings still point into q. */
void store_quarantine_norm(const struct store_quarantine *q, struct store_quarantine *ret_q);
