/* Store dispatch ("mem:" or a SQLite path) and the helpers both implementations share. */
#include "store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/text.h"
#include "core/time.h"
#include "store/store_impl.h"

enum rcx_result store_open(const char *location, bool readonly, struct store **ret_store)
{
	if (!location || !*location || !ret_store)
		return RCX_EINVAL;
	/* "mem:" may carry a name after the colon (ignored) so that tests can label their stores. */
	if (!strncmp(location, "mem:", 4))
		return store_mem_ops.open(location, readonly, ret_store);
	return store_sqlite_ops.open(location, readonly, ret_store);
}

void store_close(struct store *s)
{
	if (s)
		store_ops_of(s)->close(s);
}

const struct store_ops *store_ops_of(const struct store *s)
{
	/* Every implementation's struct begins with its ops pointer (C17 6.7.2.1: a pointer to a struct
	 * converted to a pointer to its first member points to that member). */
	return *(const struct store_ops *const *)(const void *)s;
}

enum rcx_result store_event_time(const struct event *ev, int64_t *ret_t)
{
	if (ev->time_source_us != INT64_MIN)
		*ret_t = ev->time_source_us;
	else if (ev->time_observation_us != INT64_MIN)
		*ret_t = ev->time_observation_us;
	else
		return RCX_EINVAL;
	return RCX_OK;
}

void store_time_window(int64_t t, int64_t window_us, int64_t *ret_lo, int64_t *ret_hi)
{
	*ret_lo = t < INT64_MIN + window_us ? INT64_MIN : t - window_us;
	*ret_hi = t > INT64_MAX - window_us ? INT64_MAX : t + window_us;
}

static enum rcx_result set_int(struct event *ev, enum event_field f, int64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRId64, v);
	return event_set(ev, f, buf, (size_t)n);
}

static enum rcx_result set_time(struct event *ev, enum event_field f, int64_t us)
{
	char buf[RCX_TIME_BUF];
	size_t n = rcx_time_format(us, buf);
	return event_set(ev, f, buf, n);
}

enum rcx_result store_event_load(struct event *ev, struct rcx_arena *arena, const char *body, size_t body_len,
				 const char *raw, size_t raw_len, const struct store_event_meta *meta)
{
	event_init(ev, arena);
	if (event_from_stored_json(ev, body, body_len) != RCX_OK) {
		event_init(ev, arena); /* not in rcx's own form (an older body?): the general reader */
		if (event_from_json(ev, body, body_len, NULL) != RCX_OK)
			return RCX_ESTORE;
	}
	if (raw) {
		ev->raw = raw;
		ev->raw_len = raw_len;
	}
	if (set_int(ev, EF_RCX_ID, meta->id) != RCX_OK || set_int(ev, EF_RCX_COUNT, meta->count) != RCX_OK ||
	    set_time(ev, EF_RCX_FIRST_SEEN, meta->first_seen) != RCX_OK ||
	    set_time(ev, EF_RCX_LAST_SEEN, meta->last_seen) != RCX_OK)
		return RCX_ESTORE;
	/* canonical constant names: no need to validate them again through event_set */
	ev->f[EF_TLP] = rcx_tlp_name(meta->tlp);
	ev->f[EF_RCX_DISTRIBUTION] = rcx_dist_name(meta->dist);
	if (!meta->group)
		event_unset(ev, EF_RCX_SHARING_GROUP);
	else if (event_set(ev, EF_RCX_SHARING_GROUP, meta->group, strlen(meta->group)) != RCX_OK)
		return RCX_ESTORE;
	return RCX_OK;
}

enum rcx_result store_event_label_parse(const struct event *ev, enum rcx_tlp *ret_tlp, enum rcx_dist *ret_dist)
{
	enum rcx_tlp tlp = RCX_TLP_AMBER;
	enum rcx_dist dist = RCX_DIST_ORG;
	const char *t = ev->f[EF_TLP], *d = ev->f[EF_RCX_DISTRIBUTION];
	if (t && rcx_tlp_parse(t, strlen(t), &tlp) != RCX_OK)
		return RCX_EINVAL; /* event_set only stores valid labels; a caller wrote f[] directly */
	if (d && rcx_dist_parse(d, strlen(d), &dist) != RCX_OK)
		return RCX_EINVAL;
	*ret_tlp = tlp;
	*ret_dist = dist;
	return RCX_OK;
}

static enum rcx_result ids_check(const int64_t *ids, size_t n)
{
	if (n > RCX_RECIPIENTS_MAX)
		return RCX_ELIMIT;
	if (n && !ids)
		return RCX_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (ids[i] <= 0)
			return RCX_EINVAL;
	return RCX_OK;
}

enum rcx_result store_label_check(const struct rcx_label *label)
{
	if (!label || (unsigned)label->tlp >= RCX_TLP_MAX || (unsigned)label->dist >= RCX_DIST_MAX || label->group < 0)
		return RCX_EINVAL;
	enum rcx_result r = ids_check(label->orgs, label->n_orgs);
	return r == RCX_OK ? ids_check(label->users, label->n_users) : r;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

size_t store_ids_norm(int64_t *ids, size_t n)
{
	if (n < 2)
		return n;
	qsort(ids, n, sizeof(*ids), cmp_id);
	size_t w = 1;
	for (size_t i = 1; i < n; i++)
		if (ids[i] != ids[w - 1])
			ids[w++] = ids[i];
	return w;
}

void store_ascii_lower(char *s)
{
	for (; *s; s++)
		*s = rcx_lower(*s);
}

enum rcx_result store_filter_check(const struct store_event_filter *flt)
{
	if (!flt->has_source)
		return RCX_OK;
	const struct rcx_cidr *c = &flt->source_net;
	if ((c->ip.family == 4 && c->prefix <= 32) || (c->ip.family == 6 && c->prefix <= 128))
		return RCX_OK;
	return RCX_EINVAL;
}

void store_quarantine_norm(const struct store_quarantine *q, struct store_quarantine *ret_q)
{
	*ret_q = *q;
	if (!ret_q->raw)
		ret_q->raw_len = 0;
	if (ret_q->raw_total < ret_q->raw_len)
		ret_q->raw_total = ret_q->raw_len;
	if (ret_q->raw_len > RCX_QUARANTINE_RAW_MAX)
		ret_q->raw_len = RCX_QUARANTINE_RAW_MAX;
	if (ret_q->time_us == 0)
		ret_q->time_us = rcx_time_now();
}
