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

/* ---- event rows as JSON text, without building the event ----
 *
 * A page of the REST API copies stored bodies out. A body is event_to_json(ev, 0): one flat object
 * `{"k": v, "k": v}`, keys in ascending byte order. The reply must equal event_to_json(ev, META) of
 * the loaded event, which differs from the body only in the pairs meta decides (tlp, rcx.count,
 * rcx.distribution, rcx.first_seen, rcx.id, rcx.last_seen, rcx.sharing_group): so the body's pairs
 * are copied as they stand, those seven are dropped from it, and meta's are written at their
 * sorted places. Anything unexpected answers RCX_EPARSE and the caller loads the event instead. */

struct meta_pair {
	const char *key;
	size_t key_len;
	bool literal; /* written as is, else as a JSON string (meta values need no escapes) */
	bool present;
	char value[RCX_TIME_BUF + 24];
	size_t value_len;
};

/* Past the JSON string whose opening quote is at p, or NULL. */
static const char *json_string_skip(const char *p, const char *end)
{
	for (p++;;) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		if (!q)
			return NULL;
		size_t bs = 0; /* an even run of backslashes before the quote leaves it unescaped */
		while (q - bs > p && q[-1 - (ptrdiff_t)bs] == '\\')
			bs++;
		if (bs % 2 == 0)
			return q + 1;
		p = q + 1;
	}
}

/* Past one JSON value starting at p (string, literal, or nested object/array), or NULL. */
static const char *json_value_skip(const char *p, const char *end)
{
	if (p >= end)
		return NULL;
	if (*p == '"')
		return json_string_skip(p, end);
	if (*p != '{' && *p != '[') { /* a literal ends at the next ',' or '}' */
		while (p < end && *p != ',' && *p != '}')
			p++;
		return p < end ? p : NULL;
	}
	int depth = 0;
	while (p < end) {
		if (*p == '"') {
			p = json_string_skip(p, end);
			if (!p)
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p + 1;
		p++;
	}
	return NULL;
}

static size_t meta_i64(char *buf, int64_t v)
{
	char tmp[24];
	size_t n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	size_t len = 0;
	if (v < 0)
		buf[len++] = '-';
	while (n)
		buf[len++] = tmp[--n];
	buf[len] = '\0';
	return len;
}

static bool meta_set_text(struct meta_pair *m, const char *s)
{
	size_t n = strlen(s);
	if (n >= sizeof(m->value))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == '"' || s[i] == '\\')
			return false;
	memcpy(m->value, s, n + 1);
	m->value_len = n;
	return true;
}

static enum rcx_result meta_pair_put(struct rcx_strbuf *out, const struct meta_pair *m, bool first)
{
	char *w = rcx_strbuf_reserve(out, m->key_len + m->value_len + 8);
	if (!w)
		return RCX_ENOMEM;
	if (!first) {
		*w++ = ',';
		*w++ = ' ';
	}
	*w++ = '"';
	memcpy(w, m->key, m->key_len);
	w += m->key_len;
	memcpy(w, "\": ", 3);
	w += 3;
	if (!m->literal)
		*w++ = '"';
	memcpy(w, m->value, m->value_len);
	w += m->value_len;
	if (!m->literal)
		*w++ = '"';
	out->len = (size_t)(w - out->data);
	return RCX_OK;
}

#define META_PAIR(k, lit) {k, sizeof(k) - 1, lit, true, "", 0}

enum rcx_result store_event_json_compose(const char *body, size_t body_len, const struct store_event_meta *meta,
					 struct rcx_strbuf *out)
{
	/* sorted by key, as event_to_json orders fields */
	struct meta_pair m[] = {
		META_PAIR("rcx.count", true),       META_PAIR("rcx.distribution", false),
		META_PAIR("rcx.first_seen", false), META_PAIR("rcx.id", true),
		META_PAIR("rcx.last_seen", false),  META_PAIR("rcx.sharing_group", false),
		META_PAIR("tlp", false),
	};
	const size_t n_meta = sizeof(m) / sizeof(m[0]);
	m[0].value_len = meta_i64(m[0].value, meta->count);
	m[2].value_len = rcx_time_format(meta->first_seen, m[2].value);
	m[3].value_len = meta_i64(m[3].value, meta->id);
	m[4].value_len = rcx_time_format(meta->last_seen, m[4].value);
	m[5].present = meta->group != NULL;
	if (!meta_set_text(&m[1], rcx_dist_name(meta->dist)) || !meta_set_text(&m[6], rcx_tlp_name(meta->tlp)) ||
	    (meta->group && !meta_set_text(&m[5], meta->group)))
		return RCX_EPARSE;

	const char *p = body, *end = body + body_len;
	size_t start_len = out->len;
	size_t next_meta = 0;
	bool first = true;
	if (p >= end || *p != '{')
		return RCX_EPARSE;
	p++;
	if (rcx_strbuf_putc(out, '{') != RCX_OK)
		return RCX_ENOMEM;
	for (;;) {
		const char *key = NULL, *pair = NULL;
		size_t klen = 0;
		bool done = p < end && *p == '}';
		if (!done) {
			if (p >= end || *p != '"')
				goto parse_fail;
			pair = p;
			key = p + 1;
			p = json_string_skip(p, end);
			if (!p)
				goto parse_fail;
			klen = (size_t)(p - 1 - key);
			if (end - p < 2 || p[0] != ':' || p[1] != ' ')
				goto parse_fail;
			p = json_value_skip(p + 2, end);
			if (!p)
				goto parse_fail;
		}
		/* meta pairs sorting before this key (all of them at the end) */
		while (next_meta < n_meta) {
			const struct meta_pair *mp = &m[next_meta];
			if (!done) {
				int c = memcmp(mp->key, key, mp->key_len < klen ? mp->key_len : klen);
				if (c > 0 || (c == 0 && mp->key_len >= klen))
					break;
			}
			if (mp->present) {
				enum rcx_result r = meta_pair_put(out, mp, first);
				if (r != RCX_OK)
					return r;
				first = false;
			}
			next_meta++;
		}
		if (done)
			break;
		bool replaced = false; /* a pair meta decides: the stored one is dropped */
		for (size_t i = 0; i < n_meta && !replaced; i++)
			replaced = m[i].key_len == klen && !memcmp(m[i].key, key, klen);
		if (!replaced) {
			if ((!first && rcx_strbuf_append(out, ", ", 2) != RCX_OK) ||
			    rcx_strbuf_append(out, pair, (size_t)(p - pair)) != RCX_OK)
				return RCX_ENOMEM;
			first = false;
		}
		if (p < end && *p == ',') {
			if (end - p < 2 || p[1] != ' ')
				goto parse_fail;
			p += 2;
		} else if (p >= end || *p != '}') {
			goto parse_fail;
		}
	}
	if (p + 1 != end)
		goto parse_fail;
	return rcx_strbuf_putc(out, '}');
parse_fail:
	out->len = start_len;
	return RCX_EPARSE;
}

/* The generic store_event_query_json: each event loaded, then written. */
struct json_adapter {
	store_event_json_cb cb;
	void *ctx;
	struct rcx_strbuf buf;
};

static enum rcx_result json_adapter_event(void *ctx, const struct event *ev)
{
	struct json_adapter *a = ctx;
	struct store_event_json row = {0};
	const char *id = ev->f[EF_RCX_ID], *tlp = ev->f[EF_TLP];
	if (!id || rcx_parse_i64(id, strlen(id), &row.id) != RCX_OK || !tlp ||
	    rcx_tlp_parse(tlp, strlen(tlp), &row.tlp) != RCX_OK)
		return RCX_ESTORE;
	a->buf.len = 0;
	enum rcx_result r = event_to_json(ev, EVENT_JSON_META, &a->buf);
	if (r != RCX_OK)
		return r;
	row.json = a->buf.data;
	row.len = a->buf.len;
	return a->cb(a->ctx, &row);
}

enum rcx_result store_event_query_json(struct store *s, const struct store_event_filter *flt,
				       store_event_json_cb cb, void *ctx)
{
	const struct store_ops *ops = store_ops_of(s);
	if (ops->event_query_json)
		return ops->event_query_json(s, flt, cb, ctx);
	if (!cb)
		return RCX_EINVAL;
	struct json_adapter a = {cb, ctx, RCX_STRBUF_INIT(0)};
	enum rcx_result r = ops->event_query(s, flt, json_adapter_event, &a);
	rcx_strbuf_free(&a.buf);
	return r;
}
