/* The audit hash chain. See trust_audit.h for what it detects and why. */
#include "trust/trust_audit.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/limits.h"
#include "core/time.h"

#define AUDIT_APPEND_TRIES 5

static pthread_mutex_t append_lock = PTHREAD_MUTEX_INITIALIZER;

static void hash_u64(crypto_generichash_state *st, uint64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	crypto_generichash_update(st, b, sizeof(b));
}

static void hash_str(crypto_generichash_state *st, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	hash_u64(st, n);
	if (n)
		crypto_generichash_update(st, (const unsigned char *)s, n);
}

void trust_audit_hash(const struct store_audit *e, uint8_t ret_hash[32])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, (const unsigned char *)"rcx-audit-1", 11, 32);
	crypto_generichash_update(&st, e->prev, sizeof(e->prev));
	hash_u64(&st, (uint64_t)e->seq);
	hash_u64(&st, (uint64_t)e->time_us);
	hash_str(&st, e->actor);
	hash_str(&st, e->action);
	hash_str(&st, e->object);
	hash_str(&st, e->detail);
	crypto_generichash_final(&st, ret_hash, 32);
}

/* One attempt: read the head, chain the entry to it, append — in one transaction. */
static enum rcx_result append_once(struct store *s, struct store_audit *e)
{
	struct store_audit last;
	enum rcx_result r = store_audit_last(s, &last);
	if (r == RCX_OK) {
		e->seq = last.seq + 1;
		memcpy(e->prev, last.hash, sizeof(e->prev));
	} else if (r == RCX_ENOTFOUND) {
		e->seq = 1;
		memset(e->prev, 0, sizeof(e->prev));
	} else {
		return r;
	}
	trust_audit_hash(e, e->hash);
	return store_audit_append(s, e);
}

enum rcx_result trust_audit_append(struct store *s, const char *actor, const char *action, const char *object,
				   const char *detail)
{
	if (sodium_init() < 0 || !action)
		return RCX_EINVAL;
	struct store_audit e = {
		.time_us = rcx_time_now(), .actor = actor ? actor : "", .action = action, .object = object ? object : "",
		.detail = detail ? detail : "{}",
	};
	enum rcx_result r = RCX_ESTORE;
	pthread_mutex_lock(&append_lock);
	for (int i = 0; i < AUDIT_APPEND_TRIES; i++) {
		r = store_begin(s);
		if (r == RCX_OK) {
			r = append_once(s, &e);
			if (r == RCX_OK)
				r = store_commit(s);
			else
				(void)store_rollback(s);
		}
		if (r != RCX_EEXIST && r != RCX_ESTORE)
			break; /* another process appending first answers EEXIST (or busy): try again */
	}
	pthread_mutex_unlock(&append_lock);
	return r;
}

/* ---- the background writer ---- */

struct audit_item {
	struct audit_item *next;
	int64_t time_us;
	char *actor, *action, *object, *detail;
	uint64_t ticket; /* position in the queue, for waiters */
};

struct trust_audit_writer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake, done;
	struct audit_item *head, *tail;
	size_t queued;
	uint64_t next_ticket, written_ticket; /* tickets below written_ticket are stored (or failed) */
	enum rcx_result last_result;
	unsigned waiters;
	bool stop;
	struct store *store;
};

static void item_free(struct audit_item *it)
{
	free(it->actor);
	free(it->action);
	free(it->object);
	free(it->detail);
	free(it);
}

/* Writes a batch in one transaction, chained to the stored head. */
static enum rcx_result write_batch(struct store *s, struct audit_item *batch)
{
	enum rcx_result r = store_begin(s);
	if (r != RCX_OK)
		return r;
	struct store_audit last;
	int64_t seq = 0;
	uint8_t prev[32] = {0};
	r = store_audit_last(s, &last);
	if (r == RCX_OK) {
		seq = last.seq;
		memcpy(prev, last.hash, 32);
	} else if (r == RCX_ENOTFOUND) {
		r = RCX_OK;
	}
	for (struct audit_item *it = batch; it && r == RCX_OK; it = it->next) {
		struct store_audit e = {
			.seq = ++seq, .time_us = it->time_us, .actor = it->actor, .action = it->action,
			.object = it->object, .detail = it->detail,
		};
		memcpy(e.prev, prev, 32);
		trust_audit_hash(&e, e.hash);
		r = store_audit_append(s, &e);
		memcpy(prev, e.hash, 32);
	}
	if (r == RCX_OK)
		r = store_commit(s);
	else
		(void)store_rollback(s);
	return r;
}

static void *writer_main(void *arg)
{
	struct trust_audit_writer *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->wake, &w->lock);
		if (!w->head && w->stop)
			break;
		if (!w->waiters && !w->stop && w->queued < RCX_AUDIT_QUEUE_MAX / 2) {
			/* let a batch gather: reads arrive in bursts */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += (long)RCX_AUDIT_FLUSH_MS * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&w->wake, &w->lock, &until);
		}
		struct audit_item *batch = w->head;
		uint64_t upto = w->next_ticket;
		w->head = w->tail = NULL;
		w->queued = 0;
		pthread_mutex_unlock(&w->lock);
		enum rcx_result r = RCX_ESTORE;
		for (int i = 0; i < AUDIT_APPEND_TRIES && r != RCX_OK; i++)
			r = write_batch(w->store, batch);
		while (batch) {
			struct audit_item *n = batch->next;
			item_free(batch);
			batch = n;
		}
		pthread_mutex_lock(&w->lock);
		w->written_ticket = upto;
		w->last_result = r;
		pthread_cond_broadcast(&w->done);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

enum rcx_result trust_audit_writer_start(const char *location, struct trust_audit_writer **ret_w)
{
	if (sodium_init() < 0)
		return RCX_EINVAL;
	struct trust_audit_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return RCX_ENOMEM;
	enum rcx_result r = store_open(location, false, &w->store);
	if (r != RCX_OK) {
		free(w);
		return r;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	pthread_cond_init(&w->done, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		store_close(w->store);
		free(w);
		return RCX_ENOMEM;
	}
	*ret_w = w;
	return RCX_OK;
}

static char *dup_or(const char *s, const char *dflt)
{
	return strdup(s ? s : dflt);
}

enum rcx_result trust_audit_writer_add(struct trust_audit_writer *w, const char *actor, const char *action,
				       const char *object, const char *detail, bool wait)
{
	if (!action)
		return RCX_EINVAL;
	struct audit_item *it = calloc(1, sizeof(*it));
	if (!it)
		return RCX_ENOMEM;
	it->time_us = rcx_time_now();
	it->actor = dup_or(actor, "");
	it->action = dup_or(action, "");
	it->object = dup_or(object, "");
	it->detail = dup_or(detail, "{}");
	if (!it->actor || !it->action || !it->object || !it->detail) {
		item_free(it);
		return RCX_ENOMEM;
	}
	pthread_mutex_lock(&w->lock);
	while (w->queued >= RCX_AUDIT_QUEUE_MAX)
		pthread_cond_wait(&w->done, &w->lock); /* bounded: adders wait for the writer */
	uint64_t ticket = w->next_ticket++;
	it->ticket = ticket; /* it belongs to the writer once queued: read nothing of it afterwards */
	if (w->tail)
		w->tail->next = it;
	else
		w->head = it;
	w->tail = it;
	w->queued++;
	enum rcx_result r = RCX_OK;
	if (wait) {
		w->waiters++;
		pthread_cond_signal(&w->wake);
		while (w->written_ticket <= ticket)
			pthread_cond_wait(&w->done, &w->lock);
		w->waiters--;
		r = w->last_result;
	} else if (w->queued == 1) {
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->lock);
	return r;
}

void trust_audit_writer_stop(struct trust_audit_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	store_close(w->store);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	pthread_cond_destroy(&w->done);
	free(w);
}

struct verify_ctx {
	struct trust_audit_report rep;
	int64_t expect;
	uint8_t prev[32];
	int64_t *seqs; /* every seq in the log, sorted: tells a missing entry from a moved one */
	size_t n_seqs, cap;
};

static enum rcx_result collect_seq(void *vctx, const struct store_audit *e)
{
	struct verify_ctx *c = vctx;
	if (c->n_seqs == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		int64_t *p = realloc(c->seqs, cap * sizeof(*p));
		if (!p)
			return RCX_ENOMEM;
		c->seqs = p;
		c->cap = cap;
	}
	c->seqs[c->n_seqs++] = e->seq;
	return RCX_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static bool seq_present(const struct verify_ctx *c, int64_t seq)
{
	return bsearch(&seq, c->seqs, c->n_seqs, sizeof(int64_t), cmp_i64) != NULL;
}

static enum rcx_result verify_one(void *vctx, const struct store_audit *e)
{
	struct verify_ctx *c = vctx;
	c->rep.entries++;
	enum trust_audit_problem p = TRUST_AUDIT_OK;
	uint8_t h[32];
	trust_audit_hash(e, h);
	if (e->seq < c->expect)
		p = TRUST_AUDIT_REORDERED;
	else if (e->seq > c->expect)
		p = seq_present(c, c->expect) ? TRUST_AUDIT_REORDERED : TRUST_AUDIT_REMOVED;
	else if (sodium_memcmp(h, e->hash, 32) != 0)
		p = TRUST_AUDIT_EDITED;
	else if (sodium_memcmp(e->prev, c->prev, 32) != 0)
		p = TRUST_AUDIT_BROKEN;
	if (p != TRUST_AUDIT_OK) {
		c->rep.problem = p;
		c->rep.seq = e->seq;
		c->rep.expected_seq = c->expect;
		return RCX_ELIMIT; /* stop at the first problem */
	}
	memcpy(c->prev, e->hash, 32);
	memcpy(c->rep.head, e->hash, 32);
	c->expect++;
	return RCX_OK;
}

enum rcx_result trust_audit_verify(struct store *s, struct trust_audit_report *ret_report)
{
	if (sodium_init() < 0)
		return RCX_EINVAL;
	struct verify_ctx c;
	memset(&c, 0, sizeof(c));
	c.expect = 1;
	enum rcx_result r = store_audit_list(s, 0, 0, collect_seq, &c);
	if (r == RCX_OK) {
		qsort(c.seqs, c.n_seqs, sizeof(int64_t), cmp_i64);
		r = store_audit_list(s, 0, 0, verify_one, &c);
		if (r == RCX_ELIMIT && c.rep.problem != TRUST_AUDIT_OK)
			r = RCX_OK;
	}
	free(c.seqs);
	if (r == RCX_OK)
		*ret_report = c.rep;
	return r;
}

const char *trust_audit_problem_name(enum trust_audit_problem p)
{
	static const char *const names[TRUST_AUDIT_PROBLEM_MAX] = {"ok", "edited", "removed", "reordered", "broken"};
	return (unsigned)p < TRUST_AUDIT_PROBLEM_MAX ? names[p] : "unknown";
}
