/* The in-memory store ("mem:"), for tests and dry runs: store_sqlite.c's semantics without a file.
 *
 * Data: events, quarantine rows, organisations and checkpoints are growable arrays in insertion
 * order. An event's or quarantine row's id is its index + 1, so queries scan in id order and
 * after_id is where the scan starts. Events keep their JSON body (event_to_json(ev, 0)) and raw bytes
 * and are rebuilt by store_event_load exactly as SQLite rows are.
 * Dedup: a chained hash on the identity. heads[] (a power of two, at least twice the events) holds
 * index + 1 of the newest event of each bucket; each event links to the next older one (0 ends).
 * It is rebuilt whole when it grows and after a rollback.
 * Transactions: begin remembers the array lengths; changes to an existing event (dedup counts) log
 * its old values. rollback undoes the log backwards, truncates to the lengths and rebuilds the hash;
 * commit forgets both. Checkpoints are appended, never updated in place (the newest for a file
 * wins), so truncation undoes an upsert too.
 * Bounds: memory only, as the arrays grow; queries allocate one arena for the event being read.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "store/store_impl.h"

#define MEM_HEADS_MIN 1024u

struct mem_event {
	uint8_t ident[16];
	int64_t t; /* dedup and since time: time.source, else time.observation */
	int64_t count, first_seen, last_seen;
	bool has_source;
	struct rcx_ip source;
	char *type, *feed, *org; /* NULL when unset */
	char *body;
	char *raw; /* NULL = none */
	size_t raw_len;
	size_t next; /* index + 1 of the next older event in the bucket, 0 = end */
};

struct mem_org {
	char *name, *country, *kind;
};

struct mem_checkpoint {
	uint8_t file_id[32];
	char *path;
	struct store_checkpoint cp;
};

struct mem_undo {
	size_t index;
	int64_t count, first_seen, last_seen;
};

struct store_mem {
	const struct store_ops *ops; /* first: see store_ops_of */
	bool readonly;
	bool in_txn;
	struct mem_event *ev;
	size_t n_ev, cap_ev;
	size_t *heads;
	size_t n_heads;
	struct store_quarantine *qr; /* strings and raw owned (malloc) */
	size_t n_qr, cap_qr;
	struct mem_org *org;
	size_t n_org, cap_org;
	struct mem_checkpoint *cp;
	size_t n_cp, cap_cp;
	struct mem_undo *undo;
	size_t n_undo, cap_undo;
	size_t mark_ev, mark_qr, mark_org, mark_cp; /* lengths at begin */
	struct rcx_strbuf body;                      /* event_put's JSON text, reused */
};

static struct store_mem *mem(struct store *s)
{
	return (struct store_mem *)(void *)s;
}

/* Array p with room for one more element of size (capacity *cap, n used): p itself, or p moved
 * to a larger allocation; NULL when out of memory (p still valid then). */
static void *grow(void *p, size_t *cap, size_t n, size_t size)
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

static char *dupz(const char *s, bool *ok)
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

static void event_free(struct mem_event *e)
{
	free(e->type);
	free(e->feed);
	free(e->org);
	free(e->body);
	free(e->raw);
}

static void quarantine_free(struct store_quarantine *q)
{
	free((char *)q->file);
	free((char *)q->feed);
	free((char *)q->reason);
	free((char *)q->raw);
}

static void mem_close(struct store *st)
{
	struct store_mem *s = mem(st);
	if (!s)
		return;
	for (size_t i = 0; i < s->n_ev; i++)
		event_free(&s->ev[i]);
	for (size_t i = 0; i < s->n_qr; i++)
		quarantine_free(&s->qr[i]);
	for (size_t i = 0; i < s->n_org; i++) {
		free(s->org[i].name);
		free(s->org[i].country);
		free(s->org[i].kind);
	}
	for (size_t i = 0; i < s->n_cp; i++)
		free(s->cp[i].path);
	free(s->ev);
	free(s->heads);
	free(s->qr);
	free(s->org);
	free(s->cp);
	free(s->undo);
	rcx_strbuf_free(&s->body);
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
	s->mark_org = s->n_org;
	s->mark_cp = s->n_cp;
	return RCX_OK;
}

static enum rcx_result mem_commit(struct store *st)
{
	struct store_mem *s = mem(st);
	if (!s->in_txn)
		return RCX_EINVAL;
	s->in_txn = false;
	s->n_undo = 0;
	return RCX_OK;
}

static enum rcx_result mem_rollback(struct store *st)
{
	struct store_mem *s = mem(st);
	if (!s->in_txn)
		return RCX_EINVAL;
	while (s->n_undo) {
		const struct mem_undo *u = &s->undo[--s->n_undo];
		struct mem_event *e = &s->ev[u->index];
		e->count = u->count;
		e->first_seen = u->first_seen;
		e->last_seen = u->last_seen;
	}
	while (s->n_ev > s->mark_ev)
		event_free(&s->ev[--s->n_ev]);
	while (s->n_qr > s->mark_qr)
		quarantine_free(&s->qr[--s->n_qr]);
	while (s->n_org > s->mark_org) {
		struct mem_org *o = &s->org[--s->n_org];
		free(o->name);
		free(o->country);
		free(o->kind);
	}
	while (s->n_cp > s->mark_cp)
		free(s->cp[--s->n_cp].path);
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
	if (s->in_txn) {
		void *undo_new = grow(s->undo, &s->cap_undo, s->n_undo, sizeof(*s->undo));
		if (!undo_new)
			return RCX_ENOMEM;
		s->undo = undo_new;
		s->undo[s->n_undo++] = (struct mem_undo){index, e->count, e->first_seen, e->last_seen};
	}
	e->count++;
	if (t < e->first_seen)
		e->first_seen = t;
	if (t > e->last_seen)
		e->last_seen = t;
	return RCX_OK;
}

static enum rcx_result event_insert(struct store_mem *s, const struct event *ev, const uint8_t ident[16], int64_t t)
{
	struct mem_event e = {.t = t, .count = 1, .first_seen = t, .last_seen = t};
	bool ok = true;

	if (s->n_ev + 1 > s->n_heads / 2 && !heads_resize(s, s->n_heads * 2))
		return RCX_ENOMEM;
	void *ev_new = grow(s->ev, &s->cap_ev, s->n_ev, sizeof(*s->ev));
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
	e.type = dupz(ev->f[EF_CLASSIFICATION_TYPE], &ok);
	e.feed = dupz(ev->f[EF_FEED_NAME], &ok);
	e.org = dupz(ev->f[EF_RCX_ORG], &ok);
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
	enum rcx_result r = store_event_time(ev, &t);
	if (r != RCX_OK)
		return r;
	event_identity(ev, ident);
	size_t found = dedup_find(s, ident, t, window_us, ev->f[EF_RCX_ORG]);
	if (found) {
		r = event_count_into(s, found - 1, t);
		status = STORE_PUT_DUPLICATE;
	} else {
		r = event_insert(s, ev, ident, t);
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
	return true;
}

static size_t first_index(int64_t after_id)
{
	return after_id > 0 ? (size_t)after_id : 0;
}

static enum rcx_result mem_event_query(struct store *st, const struct store_event_filter *flt, store_event_cb cb,
				       void *ctx)
{
	struct store_mem *s = mem(st);
	struct rcx_arena arena = RCX_ARENA_INIT;
	uint64_t n = 0;
	enum rcx_result r;

	if (!flt || !cb)
		return RCX_EINVAL;
	r = store_filter_check(flt);
	/* s->ev is re-read every row: the callback may add events (and move the array). */
	for (size_t i = first_index(flt->after_id); r == RCX_OK && i < s->n_ev; i++) {
		if (flt->limit && n >= flt->limit)
			break;
		const struct mem_event *e = &s->ev[i];
		if (!event_matches(e, flt))
			continue;
		struct store_event_meta meta = {(int64_t)i + 1, e->count, e->first_seen, e->last_seen};
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

	if (!flt)
		return RCX_EINVAL;
	enum rcx_result r = store_filter_check(flt);
	if (r != RCX_OK)
		return r;
	for (size_t i = first_index(flt->after_id); i < s->n_ev; i++)
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
	void *qr_new = grow(s->qr, &s->cap_qr, s->n_qr, sizeof(*s->qr));
	if (!qr_new)
		return RCX_ENOMEM;
	s->qr = qr_new;
	store_quarantine_norm(in, &q);
	q.id = (int64_t)s->n_qr + 1;
	q.file = dupz(q.file, &ok);
	q.feed = dupz(q.feed, &ok);
	q.reason = dupz(q.reason, &ok);
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
	for (size_t i = first_index(after_id); r == RCX_OK && i < s->n_qr && (!limit || n < limit); i++, n++) {
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
	void *cp_new = grow(s->cp, &s->cap_cp, s->n_cp, sizeof(*s->cp));
	if (!cp_new)
		return RCX_ENOMEM;
	s->cp = cp_new;
	struct mem_checkpoint *c = &s->cp[s->n_cp];
	memcpy(c->file_id, file_id, 32);
	c->cp = *cp;
	c->path = dupz(path, &ok);
	if (!ok)
		return RCX_ENOMEM;
	s->n_cp++;
	return RCX_OK;
}

static enum rcx_result mem_org_add(struct store *st, const struct store_org *org, int64_t *ret_id)
{
	struct store_mem *s = mem(st);
	bool ok = true;

	if (!org || !org->name || !*org->name)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	for (size_t i = 0; i < s->n_org; i++)
		if (!strcmp(s->org[i].name, org->name))
			return RCX_EEXIST;
	void *org_new = grow(s->org, &s->cap_org, s->n_org, sizeof(*s->org));
	if (!org_new)
		return RCX_ENOMEM;
	s->org = org_new;
	struct mem_org o = {dupz(org->name, &ok), dupz(org->country, &ok), dupz(org->kind, &ok)};
	if (!ok) {
		free(o.name);
		free(o.country);
		free(o.kind);
		return RCX_ENOMEM;
	}
	s->org[s->n_org++] = o;
	if (ret_id)
		*ret_id = (int64_t)s->n_org;
	return RCX_OK;
}

static enum rcx_result mem_org_get(struct store *st, const char *name, struct store_org *ret_org)
{
	struct store_mem *s = mem(st);
	if (!ret_org)
		return RCX_EINVAL;
	for (size_t i = 0; i < s->n_org; i++)
		if (!name || !strcmp(s->org[i].name, name)) {
			ret_org->id = (int64_t)i + 1;
			ret_org->name = s->org[i].name;
			ret_org->country = s->org[i].country;
			ret_org->kind = s->org[i].kind;
			return RCX_OK;
		}
	return RCX_ENOTFOUND;
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
};
