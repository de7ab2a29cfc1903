/* Rate limiting: a token bucket per client key, in a table of fixed size.
 *
 * A bucket holds up to burst tokens and refills at rate tokens per second; a request takes one.
 * Keys are hashed with keyed SipHash (random key per limiter, so clients cannot aim collisions),
 * and only the 64-bit hash is stored: 24 bytes per slot whatever the key.
 * The table is split into RATE_SHARDS shards with a mutex each; a key lives in one shard, in one of
 * RATE_PROBE consecutive slots after its hash. When none is free or the key's, a slot is reused:
 * preferably one whose bucket has refilled to full by now (forgetting it loses nothing: a new
 * bucket starts full), else the one idle longest. Memory is bounded by the slot count; the price
 * is that a flood of distinct keys can evict and so reset the bucket of an idle-ish client. */
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>

#include "http/http.h"

#define RATE_SHARDS 16u
#define RATE_PROBE 8u

struct rate_slot {
	uint64_t hash; /* 0 = free (a real hash of 0 is stored as 1) */
	uint64_t last_us;
	double tokens;
};

struct rate_shard {
	pthread_mutex_t lock;
	struct rate_slot *slots;
};

struct http_rate {
	double rate;
	double burst;
	size_t per_shard;
	unsigned char key[crypto_shorthash_KEYBYTES];
	struct rate_shard shards[RATE_SHARDS];
};

enum rcx_result http_rate_new(double rate_per_s, unsigned burst, size_t slots, struct http_rate **ret)
{
	if (!(rate_per_s > 0) || !isfinite(rate_per_s) || burst == 0 || slots == 0)
		return RCX_EINVAL;
	if (sodium_init() < 0)
		return RCX_ENOMEM;
	struct http_rate *r = calloc(1, sizeof(*r));
	if (!r)
		return RCX_ENOMEM;
	r->rate = rate_per_s;
	r->burst = burst;
	r->per_shard = (slots + RATE_SHARDS - 1) / RATE_SHARDS;
	if (r->per_shard < RATE_PROBE)
		r->per_shard = RATE_PROBE;
	crypto_shorthash_keygen(r->key);
	for (size_t i = 0; i < RATE_SHARDS; i++) {
		r->shards[i].slots = calloc(r->per_shard, sizeof(struct rate_slot));
		if (!r->shards[i].slots) {
			http_rate_free(r);
			return RCX_ENOMEM;
		}
		pthread_mutex_init(&r->shards[i].lock, NULL);
	}
	*ret = r;
	return RCX_OK;
}

void http_rate_free(struct http_rate *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < RATE_SHARDS; i++) {
		if (r->shards[i].slots)
			pthread_mutex_destroy(&r->shards[i].lock);
		free(r->shards[i].slots);
	}
	free(r);
}

/* Tokens the slot has at now (refilled, capped at burst). */
static double refilled(const struct http_rate *r, const struct rate_slot *s, uint64_t now_us)
{
	double t = s->tokens;
	if (now_us > s->last_us)
		t += (double)(now_us - s->last_us) / 1e6 * r->rate;
	return t > r->burst ? r->burst : t;
}

bool http_rate_take(struct http_rate *r, const void *key, size_t len, uint64_t now_us, unsigned *ret_retry_s)
{
	unsigned char h8[crypto_shorthash_BYTES];
	crypto_shorthash(h8, key, len, r->key);
	uint64_t h = 0;
	for (size_t i = 0; i < 8; i++)
		h = h << 8 | h8[i];
	if (h == 0)
		h = 1;
	struct rate_shard *sh = &r->shards[h % RATE_SHARDS];
	size_t start = (size_t)((h / RATE_SHARDS) % r->per_shard);

	pthread_mutex_lock(&sh->lock);
	struct rate_slot *slot = NULL, *free_slot = NULL, *full = NULL, *oldest = NULL;
	for (size_t k = 0; k < RATE_PROBE; k++) {
		struct rate_slot *s = &sh->slots[(start + k) % r->per_shard];
		if (s->hash == h) {
			slot = s;
			break;
		}
		if (s->hash == 0) {
			if (!free_slot)
				free_slot = s;
			continue;
		}
		if (!full && refilled(r, s, now_us) >= r->burst)
			full = s;
		if (!oldest || s->last_us < oldest->last_us)
			oldest = s;
	}
	if (!slot) {
		slot = free_slot ? free_slot : full ? full : oldest;
		*slot = (struct rate_slot){h, now_us, r->burst};
	}
	double t = refilled(r, slot, now_us);
	if (now_us > slot->last_us)
		slot->last_us = now_us;
	bool ok = t >= 1.0;
	slot->tokens = ok ? t - 1.0 : t;
	pthread_mutex_unlock(&sh->lock);

	if (!ok) {
		double wait = ceil((1.0 - t) / r->rate);
		*ret_retry_s = wait < 1 ? 1u : wait > 86400 ? 86400u : (unsigned)wait;
	}
	return ok;
}
