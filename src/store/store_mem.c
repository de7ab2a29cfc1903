/* The in-memory store ("mem:"), for tests and dry runs: store_sqlite.c's semantics without a file.
 *
 * Data: events, quarantine rows, checkpoints and the rows of the trust tables (store_mem_trust.c)
 * are growable arrays in insertion order. An event's or quarantine row's id is its index + 1, so
 * queries scan in id order and after_id is where the scan starts. Events keep their JSON body
 * (event_to_json(ev, 0)), raw bytes and label (struct mem_label) and are rebuilt by
 * store_event_load exactly as SQLite rows are; visibility calls flt->vis->visible per event.
 * Dedup: a chained hash on the identity. heads[] (a power of two, at least twice the events) holds
 * index + 1 of the newest event of each bucket; each event links to the next older one (0 ends).
 * It is rebuilt whole when it grows and after a rollback.
 * Transactions: begin remembers the array lengths; a change to an existing row (dedup counts, a
 * label, an update of a trust row) logs the row's old value (mem_replaced). rollback undoes the log
 * backwards, freeing the newer values, truncates to the lengths and rebuilds the hash; commit frees
 * the old values and forgets both. Outside a transaction the old value is freed at once.
 * Checkpoints are appended, never updated in place (the newest for a file wins), so truncation
 * undoes an upsert too.
 * Bounds: memory only, as the arrays grow; queries allocate one arena for the event being read.
 */
#include "store/store_mem.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "store/store_impl.h"
#include "store/store_incident.h"
#include "store/store_outbox.h"
#include "store/store_hashlist.h"

#define MEM_HEADS_MIN 1024u

void *mem_grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	size_t ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / size)
		return NULL;
	void *q = realloc(p, ncap * size);
	if (q)
		*cap = ncap;
	return q;
}

/* Copy of s[0..len) plus NUL; *ok turns false when memory runs out. NULL stays NULL. */
static char *dup(const char *s, size_t len, bool *ok)
{
	if (!s)
		return NULL;
	char *d = malloc(len + 1);
	if (!d) {
		*ok = false;
		return NULL;
	}
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *mem_strdup(const char *s, bool *ok)
{
	return s ? dup(s, strlen(s), ok) : NULL;
}

static bool str_eq(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static size_t bucket(const struct store_mem *s, const uint8_t ident[16])
{
	uint64_t h;
	memcpy(&h, ident, sizeof(h)); /* the identity is already a cryptographic hash */
	return (size_t)(h & (s->n_heads - 1));
}

/* Links every event into its bucket, oldest first so each head ends up the newest. */
static void chain_all(struct store_mem *s)
{
	memset(s->heads, 0, s->n_heads * sizeof(*s->heads));
	for (size_t i = 0; i < s->n_ev; i++) {
		size_t b = bucket(s, s->ev[i].ident);
		s->ev[i].next = s->heads[b];
		s->heads[b] = i + 1;
	}
}

static bool heads_resize(struct store_mem *s, size_t n_heads)
{
	size_t *h = calloc(n_heads, sizeof(*h));
	if (!h)
		return false;
	free(s->heads);
	s->heads = h;
	s->n_heads = n_heads;
	chain_all(s);
	return true;
}

void mem_label_free(struct mem_label *l)
{
	free(l->ids);
}

void mem_org_free(struct mem_org *o)
{
	free(o->name);
	free(o->country);
	free(o->kind);
	free(o->sector);
	free(o->contacts);
}

void mem_user_free(struct mem_user *u)
{
	free(u->email);
	free(u->name);
	free(u->pwhash);
}

void mem_apikey_free(struct mem_apikey *k)
{
	free(k->prefix);
	free(k->label);
}

void mem_session_free(struct mem_session *x)
{
	free(x->csrf);
}

void mem_group_free(struct mem_group *g)
{
	free(g->name);
	free(g->description);
}

void mem_audit_free(struct store_audit *a)
{
	free((char *)a->actor);
	free((char *)a->action);
	free((char *)a->object);
	free((char *)a->detail);
}

static void event_free(struct mem_event *e)
{
	free(e->type);
	free(e->feed);
	free(e->org);
	free(e->body);
	free(e->raw);
	mem_label_free(&e->label);
}

/* Frees what the value u->old of an undo entry owns. */
static void undo_free_old(struct mem_undo *u)
{
	switch (u->kind) {
	case MEM_UNDO_LABEL: mem_label_free(&u->old.label); break;
	case MEM_UNDO_ORG: mem_org_free(&u->old.org); break;
	case MEM_UNDO_USER: mem_user_free(&u->old.user); break;
	case MEM_UNDO_APIKEY: mem_apikey_free(&u->old.key); break;
	case MEM_UNDO_SESSION: mem_session_free(&u->old.session); break;
	case MEM_UNDO_COUNT:
	case MEM_UNDO_MEMBER: break;
	}
}

/* Puts the old value of an undo entry back, freeing the value it replaces. */
static void undo_apply(struct store_mem *s, struct mem_undo *u)
{
	size_t i = u->index;
	switch (u->kind) {
	case MEM_UNDO_COUNT:
		s->ev[i].count = u->old.count.count;
		s->ev[i].first_seen = u->old.count.first_seen;
		s->ev[i].last_seen = u->old.count.last_seen;
		break;
	case MEM_UNDO_LABEL:
		mem_label_free(&s->ev[i].label);
		s->ev[i].label = u->old.label;
		break;
	case MEM_UNDO_ORG:
		mem_org_free(&s->org[i]);
		s->org[i] = u->old.org;
		break;
	case MEM_UNDO_USER:
		mem_user_free(&s->user[i]);
		s->user[i] = u->old.user;
		break;
	case MEM_UNDO_APIKEY:
		mem_apikey_free(&s->key[i]);
		s->key[i] = u->old.key;
		break;
	case MEM_UNDO_SESSION:
		mem_session_free(&s->sess[i]);
		s->sess[i] = u->old.session;
		break;
	case MEM_UNDO_MEMBER:
		s->member[i] = u->old.member;
		break;
	}
}

enum rcx_result mem_undo_reserve(struct store_mem *s)
{
	if (!s->in_txn)
		return RCX_OK;
	void *undo_new = mem_grow(s->undo, &s->cap_undo, s->n_undo, sizeof(*s->undo));
	if (!undo_new)
		return RCX_ENOMEM;
	s->undo = undo_new;
	return RCX_OK;
}

void mem_replaced(struct store_mem *s, enum mem_undo_kind kind, size_t index, const void *old)
{
	struct mem_undo u = {.kind = kind, .index = index};
	size_t size = 0;
	switch (kind) {
	case MEM_UNDO_COUNT: size = sizeof(u.old.count); break;
	case MEM_UNDO_LABEL: size = sizeof(u.old.label); break;
	case MEM_UNDO_ORG: size = sizeof(u.old.org); break;
	case MEM_UNDO_USER: size = sizeof(u.old.user); break;
	case MEM_UNDO_APIKEY: size = sizeof(u.old.key); break;
	case MEM_UNDO_SESSION: size = sizeof(u.old.session); break;
	case MEM_UNDO_MEMBER: size = sizeof(u.old.member); break;
	}
	memcpy(&u.old, old, size);
	if (s->in_txn && s->n_undo < s->cap_undo)
		s->undo[s->n_undo++] = u; /* room made by mem_undo_reserve */
	else
		undo_free_old(&u);
}

static void quarantine_free(struct store_quarantine *q)
{
	free((char *)q->file);
	free((char *)q->feed);
	free((char *)q->reason);
	free((char *)q->raw);
}

static void checkpoint_free(struct mem_checkpoint *c)
{
	free(c->path);
}

static void member_free(struct mem_member *m)
{
	(void)m;
}


/* Frees the rows of every table from the given lengths on (all of them at close). */
static void truncate_all(struct store_mem *s, bool all)
{
#define TRUNCATE(arr, free_row)                                                \
	do {                                                                   \
		size_t keep_ = all ? 0 : s->mark_##arr;                        \
		while (s->n_##arr > keep_)                                     \
			free_row(&s->arr[--s->n_##arr]);                       \
	} while (0)
	TRUNCATE(ev, event_free);
	TRUNCATE(qr, quarantine_free);
	TRUNCATE(cp, checkpoint_free);
	TRUNCATE(org, mem_org_free);
	TRUNCATE(user, mem_user_free);
	TRUNCATE(key, mem_apikey_free);
	TRUNCATE(sess, mem_session_free);
	TRUNCATE(group, mem_group_free);
	TRUNCATE(member, member_free);
	TRUNCATE(audit, mem_audit_free);
#undef TRUNCATE
	mem_incident_truncate(s, all);
	mem_outbox_truncate(s, all);
	mem_hashlist_truncate(s, all);
}

static void mem_close(struct store *st)
{
	struct store_mem *s = mem(st);
	if (!s)
		return;
	/* an open transaction is rolled back, as SQLite does */
	while (s->n_undo)
		undo_apply(s, &s->undo[--s->n_undo]);
	truncate_all(s, true);
	free(s->ev);
	free(s->heads);
	free(s->qr);
	free(s->cp);
	free(s->org);
	free(s->user);
	free(s->key);
	free(s->sess);
	free(s->group);
	free(s->member);
	free(s->audit);
	free(s->undo);
	rcx_strbuf_free(&s->body);
	rcx_strbuf_free(&s->scratch);
	free(s);
}

static enum rcx_result mem_open(const char *location, bool readonly, struct store **ret_store)
{
	struct store_mem *s = calloc(1, sizeof(*s));
	if (!s)
		return RCX_ENOMEM;
	s->ops = &store_mem_ops;
	s->readonly = readonly;
	s->body = (struct rcx_strbuf)RCX_STRBUF_INIT(0);
	s->scratch = (struct rcx_strbuf)RCX_STRBUF_INIT(0);
	if (!heads_resize(s, MEM_HEADS_MIN)) {
		mem_close((struct store *)(void *)s);
		return RCX_ENOMEM;
	}
	*ret_store = (struct store *)(void *)s;
	return RCX_OK;
}

static enum rcx_result mem_begin(struct store *st)
{
	struct store_mem *s = mem(st);
	if (s->in_txn)
		return RCX_EINVAL; /* no nesting, as in SQLite */
	s->in_txn = true;
	s->n_undo = 0;
	s->mark_ev = s->n_ev;
	s->mark_qr = s->n_qr;
	s->mark_cp = s->n_cp;
	s->mark_org = s->n_org;
	s->mark_user = s->n_user;
	s->mark_key = s->n_key;
	s->mark_sess = s->n_sess;
	s->mark_group = s->n_group;
	s->mark_member = s->n_member;
	s->mark_audit = s->n_audit;
	mem_incident_mark(s);
	mem_outbox_mark(s);
	mem_hashlist_mark(s);
	return RCX_OK;
}

static enum rcx_result mem_commit(struct store *st)
{
	struct store_mem *s = mem(st);
	if (!s->in_txn)
		return RCX_EINVAL;
	for (size_t i = 0; i < s->n_undo; i++)
		undo_free_old(&s->undo[i]);
	s->in_txn = false;
	s->n_undo = 0;
	return RCX_OK;
}

static enum rcx_result mem_rollback(struct store *st)
{
	struct store_mem *s = mem(st);
	if (!s->in_txn)
		return RCX_EINVAL;
	while (s->n_undo)
		undo_apply(s, &s->undo[--s->n_undo]);
	truncate_all(s, false);
	s->org_hit = 0;
	s->in_txn = false;
	/* Chains may run through removed events: relink them in place (no allocation, cannot fail). */
	chain_all(s);
	return RCX_OK;
}

/* Index + 1 of the stored event to count into (same identity and owner, time closest to t within
 * the window, the oldest on a tie), or 0. */
static size_t dedup_find(const struct store_mem *s, const uint8_t ident[16], int64_t t, int64_t window_us,
			 const char *org)
{
	int64_t lo, hi;
	size_t best = 0;
	uint64_t best_d = UINT64_MAX;
	store_time_window(t, window_us, &lo, &hi);
	for (size_t i = s->heads[bucket(s, ident)]; i; i = s->ev[i - 1].next) {
		const struct mem_event *e = &s->ev[i - 1];
		if (memcmp(e->ident, ident, 16) || !str_eq(e->org, org) || e->t < lo || e->t > hi)
			continue;
		uint64_t d = store_time_distance(e->t, t);
		if (d < best_d || (d == best_d && i < best)) {
			best = i;
			best_d = d;
		}
	}
	return best;
}

static enum rcx_result event_count_into(struct store_mem *s, size_t index, int64_t t)
{
	struct mem_event *e = &s->ev[index];
	enum rcx_result r = mem_undo_reserve(s);
	if (r != RCX_OK)
		return r;
	const struct mem_undo old = {.old.count = {e->count, e->first_seen, e->last_seen}};
	mem_replaced(s, MEM_UNDO_COUNT, index, &old.old.count);
	e->count++;
	if (t < e->first_seen)
		e->first_seen = t;
	if (t > e->last_seen)
		e->last_seen = t;
	return RCX_OK;
}

static enum rcx_result event_insert(struct store_mem *s, const struct event *ev, const uint8_t ident[16], int64_t t,
				    const struct mem_label *label)
{
	struct mem_event e = {.t = t, .count = 1, .first_seen = t, .last_seen = t, .label = *label};
	bool ok = true;

	if (s->n_ev + 1 > s->n_heads / 2 && !heads_resize(s, s->n_heads * 2))
		return RCX_ENOMEM;
	void *ev_new = mem_grow(s->ev, &s->cap_ev, s->n_ev, sizeof(*s->ev));
	if (!ev_new)
		return RCX_ENOMEM;
	s->ev = ev_new;
	rcx_strbuf_clear(&s->body);
	enum rcx_result r = event_to_json(ev, 0, &s->body);
	if (r != RCX_OK)
		return r;
	memcpy(e.ident, ident, 16);
	const char *sip = ev->f[EF_SOURCE_IP];
	e.has_source = sip && rcx_ip_parse(sip, strlen(sip), &e.source) == RCX_OK;
	e.type = mem_strdup(ev->f[EF_CLASSIFICATION_TYPE], &ok);
	e.feed = mem_strdup(ev->f[EF_FEED_NAME], &ok);
	e.org = mem_strdup(ev->f[EF_RCX_ORG], &ok);
	e.body = dup(s->body.data, s->body.len, &ok);
	e.raw = dup(ev->raw, ev->raw_len, &ok);
	e.raw_len = ev->raw ? ev->raw_len : 0;
	if (!ok) {
		event_free(&e);
		return RCX_ENOMEM;
	}
	size_t b = bucket(s, ident);
	e.next = s->heads[b];
	s->ev[s->n_ev++] = e;
	s->heads[b] = s->n_ev;
	return RCX_OK;
}

static enum rcx_result mem_event_put(struct store *st, const struct event *ev, int64_t window_us,
				     enum store_put_status *ret_status, int64_t *ret_id)
{
	struct store_mem *s = mem(st);
	uint8_t ident[16];
	int64_t t;
	enum store_put_status status;

	if (!ev || window_us < 0)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	struct mem_label label = {0};
	enum rcx_result r = store_event_time(ev, &t);
	if (r == RCX_OK)
		r = store_event_label_parse(ev, &label.tlp, &label.dist);
	if (r == RCX_OK && ev->f[EF_RCX_SHARING_GROUP]) {
		label.group = mem_group_id_of(s, ev->f[EF_RCX_SHARING_GROUP]);
		if (!label.group)
			r = RCX_ENOTFOUND;
	}
	if (r != RCX_OK)
		return r;
	event_identity(ev, ident);
	size_t found = dedup_find(s, ident, t, window_us, ev->f[EF_RCX_ORG]);
	if (found) {
		r = event_count_into(s, found - 1, t);
		status = STORE_PUT_DUPLICATE;
	} else {
		label.owner = ev->f[EF_RCX_ORG] ? mem_org_id_of(s, ev->f[EF_RCX_ORG]) : 0;
		r = event_insert(s, ev, ident, t, &label);
		found = s->n_ev;
		status = STORE_PUT_NEW;
	}
	if (r != RCX_OK)
		return r;
	if (ret_status)
		*ret_status = status;
	if (ret_id)
		*ret_id = (int64_t)found;
	return RCX_OK;
}

/* The label of e, borrowing its recipient arrays. */
static struct rcx_label label_of(const struct mem_event *e)
{
	const struct mem_label *l = &e->label;
	return (struct rcx_label){
		.owner_org = l->owner, .creator = l->creator, .tlp = l->tlp, .dist = l->dist, .group = l->group,
		.orgs = l->ids, .n_orgs = l->n_orgs, .users = l->ids ? l->ids + l->n_orgs : NULL, .n_users = l->n_users,
	};
}

/* Filter semantics of store_sqlite.c's filter_stmt, on one event. */
static bool event_matches(const struct mem_event *e, const struct store_event_filter *flt)
{
	if (flt->since_us && e->t < flt->since_us)
		return false;
	if (flt->type && *flt->type && !str_eq(e->type, flt->type))
		return false;
	if (flt->has_source && (!e->has_source || !rcx_cidr_contains(&flt->source_net, &e->source)))
		return false;
	if (flt->feed && *flt->feed && !str_eq(e->feed, flt->feed))
		return false;
	if (flt->org && *flt->org && !str_eq(e->org, flt->org))
		return false;
	if (flt->vis) {
		struct rcx_label l = label_of(e);
		if (!flt->vis->visible(flt->vis->viewer, &l))
			return false;
	}
	return true;
}

/* The index range [*ret_lo, *ret_hi) of events a filter can match (also bounded by n_ev): after
 * the cursor, or the one id. */
static void scan_range(const struct store_mem *s, const struct store_event_filter *flt, size_t *ret_lo,
		       size_t *ret_hi)
{
	/* without an id the end stays open: a callback may add events, which the scan then reaches */
	size_t lo = flt->after_id > 0 ? (size_t)flt->after_id : 0, hi = SIZE_MAX;
	if (flt->id) {
		if (flt->id > 0 && (uint64_t)flt->id <= s->n_ev && (size_t)flt->id > lo) {
			lo = (size_t)flt->id - 1;
			hi = lo + 1;
		} else {
			hi = lo; /* no such event (or before the cursor) */
		}
	}
	*ret_lo = lo;
	*ret_hi = hi < lo ? lo : hi;
}

/* RCX_EINVAL for a filter this store cannot apply. */
static enum rcx_result filter_check(const struct store_event_filter *flt)
{
	if (flt->vis && !flt->vis->visible)
		return RCX_EINVAL;
	return store_filter_check(flt);
}

static enum rcx_result mem_event_query(struct store *st, const struct store_event_filter *flt, store_event_cb cb,
				       void *ctx)
{
	struct store_mem *s = mem(st);
	struct rcx_arena arena = RCX_ARENA_INIT;
	uint64_t n = 0;
	size_t lo, hi;
	enum rcx_result r;

	if (!flt || !cb)
		return RCX_EINVAL;
	r = filter_check(flt);
	scan_range(s, flt, &lo, &hi);
	/* s->ev is re-read every row: the callback may add events (and move the array). */
	for (size_t i = lo; r == RCX_OK && i < hi && i < s->n_ev; i++) {
		if (flt->limit && n >= flt->limit)
			break;
		const struct mem_event *e = &s->ev[i];
		if (!event_matches(e, flt))
			continue;
		const struct mem_label *l = &e->label;
		struct store_event_meta meta = {
			.id = (int64_t)i + 1,
			.count = e->count,
			.first_seen = e->first_seen,
			.last_seen = e->last_seen,
			.tlp = l->tlp,
			.dist = l->dist,
			.group = l->group > 0 && (uint64_t)l->group <= s->n_group ? s->group[l->group - 1].name : NULL,
		};
		struct event ev;
		rcx_arena_reset(&arena);
		/* raw copied so that it does not depend on the row surviving the callback */
		const char *raw = e->raw ? rcx_arena_strndup(&arena, e->raw, e->raw_len) : NULL;
		r = store_event_load(&ev, &arena, e->body, strlen(e->body), raw, e->raw_len, &meta);
		if (r == RCX_OK)
			r = cb(ctx, &ev);
		n++;
	}
	rcx_arena_free(&arena);
	return r;
}

static enum rcx_result mem_event_count(struct store *st, const struct store_event_filter *flt, uint64_t *ret_n)
{
	struct store_mem *s = mem(st);
	uint64_t n = 0;
	size_t lo, hi;

	if (!flt || !ret_n)
		return RCX_EINVAL;
	enum rcx_result r = filter_check(flt);
	if (r != RCX_OK)
		return r;
	scan_range(s, flt, &lo, &hi);
	for (size_t i = lo; i < hi && i < s->n_ev; i++)
		n += event_matches(&s->ev[i], flt);
	*ret_n = n;
	return RCX_OK;
}

static enum rcx_result mem_quarantine_put(struct store *st, const struct store_quarantine *in)
{
	struct store_mem *s = mem(st);
	struct store_quarantine q;
	bool ok = true;

	if (!in)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	void *qr_new = mem_grow(s->qr, &s->cap_qr, s->n_qr, sizeof(*s->qr));
	if (!qr_new)
		return RCX_ENOMEM;
	s->qr = qr_new;
	store_quarantine_norm(in, &q);
	q.id = (int64_t)s->n_qr + 1;
	q.file = mem_strdup(q.file, &ok);
	q.feed = mem_strdup(q.feed, &ok);
	q.reason = mem_strdup(q.reason, &ok);
	q.raw = dup(q.raw, q.raw_len, &ok);
	if (!ok) {
		quarantine_free(&q);
		return RCX_ENOMEM;
	}
	s->qr[s->n_qr++] = q;
	return RCX_OK;
}

static enum rcx_result mem_quarantine_query(struct store *st, int64_t after_id, uint64_t limit, store_quarantine_cb cb,
					    void *ctx)
{
	struct store_mem *s = mem(st);
	enum rcx_result r = RCX_OK;
	uint64_t n = 0;

	if (!cb)
		return RCX_EINVAL;
	for (size_t i = (after_id > 0 ? (size_t)after_id : 0); r == RCX_OK && i < s->n_qr && (!limit || n < limit); i++, n++) {
		struct store_quarantine q = s->qr[i]; /* a copy: the callback may add rows */
		r = cb(ctx, &q);
	}
	return r;
}

static enum rcx_result mem_checkpoint_get(struct store *st, const uint8_t file_id[32], struct store_checkpoint *ret_cp)
{
	struct store_mem *s = mem(st);
	if (!file_id || !ret_cp)
		return RCX_EINVAL;
	for (size_t i = s->n_cp; i > 0; i--)
		if (!memcmp(s->cp[i - 1].file_id, file_id, 32)) {
			*ret_cp = s->cp[i - 1].cp;
			return RCX_OK;
		}
	return RCX_ENOTFOUND;
}

static enum rcx_result mem_checkpoint_put(struct store *st, const uint8_t file_id[32], const char *path,
					  const struct store_checkpoint *cp)
{
	struct store_mem *s = mem(st);
	bool ok = true;

	if (!file_id || !cp)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	void *cp_new = mem_grow(s->cp, &s->cap_cp, s->n_cp, sizeof(*s->cp));
	if (!cp_new)
		return RCX_ENOMEM;
	s->cp = cp_new;
	struct mem_checkpoint *c = &s->cp[s->n_cp];
	memcpy(c->file_id, file_id, 32);
	c->cp = *cp;
	c->path = mem_strdup(path, &ok);
	if (!ok)
		return RCX_ENOMEM;
	s->n_cp++;
	return RCX_OK;
}

const struct store_ops store_mem_ops = {
	.name = "mem",
	.open = mem_open,
	.close = mem_close,
	.begin = mem_begin,
	.commit = mem_commit,
	.rollback = mem_rollback,
	.event_put = mem_event_put,
	.event_query = mem_event_query,
	.event_count = mem_event_count,
	.quarantine_put = mem_quarantine_put,
	.quarantine_query = mem_quarantine_query,
	.checkpoint_get = mem_checkpoint_get,
	.checkpoint_put = mem_checkpoint_put,
	.org_add = mem_org_add,
	.org_get = mem_org_get,
	.org_get_id = mem_org_get_id,
	.org_list = mem_org_list,
	.org_update = mem_org_update,
	.user_add = mem_user_add,
	.user_get = mem_user_get,
	.user_get_id = mem_user_get_id,
	.user_list = mem_user_list,
	.user_update = mem_user_update,
	.apikey_add = mem_apikey_add,
	.apikey_get = mem_apikey_get,
	.apikey_list = mem_apikey_list,
	.apikey_revoke = mem_apikey_revoke,
	.session_put = mem_session_put,
	.session_get = mem_session_get,
	.session_delete = mem_session_delete,
	.group_add = mem_group_add,
	.group_get = mem_group_get,
	.group_list = mem_group_list,
	.group_member_set = mem_group_member_set,
	.group_members = mem_group_members,
	.org_groups = mem_org_groups,
	.event_label_get = mem_event_label_get,
	.event_label_set = mem_event_label_set,
	.audit_last = mem_audit_last,
	.audit_append = mem_audit_append,
	.audit_list = mem_audit_list,
	.incident = &store_mem_incident_ops,
	.outbox = &store_mem_outbox_ops,
	.hashlist = &store_mem_hashlist_ops,
};
