/* The PDQ similarity index: multi-index hashing over eight 32-bit chunks, with compact two-level
 * chunk tables that point into one sorted copy of the hashes.
 *
 * Pigeonhole. Chunk c (0..7) is bits 32c..32c+31 of the hash. For a query at distance d, give chunk
 * c the threshold t_c = u_c - 1, where u_c = floor((d+1)/8), plus one for the first (d+1) mod 8
 * chunks, so that sum(u_c) = d + 1. An entry within d of the query has some chunk c at chunk
 * distance ≤ t_c: otherwise its distance would be ≥ sum(u_c) = d + 1. At the default d = 31 every
 * t_c is 3; below d = 7 some t_c are -1 and those chunks are not looked at. An entry is reported only
 * from the first chunk c at which it is within t_c, after its full distance is checked, so every
 * answer comes once without a set of seen entries.
 *
 * Layout. Home: the hashes once, sorted by chunk 0 (then by input order), stored as eight columns
 * of 32-bit chunks col[c][p], with the payload ids in the same order. For every chunk an offsets table
 * off[c] of 2^b + 1 entries maps the top b bits of the chunk (its bucket) to a range: for chunk 0 a
 * range of home positions; for chunks 1..7 a range of 3-byte entries in table c. A table entry holds
 * the next k bits of its chunk (the key, a filter) and a locator, the entry's home position shifted
 * right by s (s chosen so that the locator fits in l bits): it names a block of 2^s home positions.
 *
 * Query chunk c with threshold t: enumerate every bucket within distance j ≤ t of the query's top b
 * bits (sum over j of C(b, j): 697 buckets for b = 16 and t = 3). Chunk 0: compare each home entry of
 * the range on its whole chunk. Chunks 1..7: keep the table entries whose key is within t - j of the
 * query's key, a necessary condition for chunk distance ≤ t; note each one's block once (a bitmap of
 * 2^l bits per query); then scan the noted blocks on column c for chunk distance ≤ t. What passes is
 * verified on all eight columns and reported if within d and c is its first chunk within threshold.
 * A block may hold entries of buckets that were not probed: they pass only on the same condition, so
 * the answer stays exact and an entry is met at most once per chunk.
 *
 * Invariants: col[*][p] and ids[p] describe the same entry; col[0] is non-decreasing; off[c][v] is
 * non-decreasing from 0 to n; table c's entries in bucket v come from entries whose chunk c has top
 * bits v, and their locators are < 2^l; b + k ≤ 32, k + l ≤ 24, (n - 1) >> s < 2^l.
 *
 * Layout (chosen from n unless given): b is the largest whose offsets take at most 5 bytes per entry
 * (b = 17 at 1 M hashes, 20 at 10 M); l = log2(n) - 6, at most 16, so that blocks hold 64 or more
 * positions (256 at 10 M); k fills the rest of the 24 bits. Measured best with bench/pdq_index_bench.
 *
 * Bounds. Memory: 32 (hash) + 4 (id) + 7 × 3 (tables) = 57 bytes per entry, plus 8 × (2^b + 1) × 4
 * bytes of offsets (≤ 5 per entry past a few dozen entries): at most 62 bytes an entry, under twice
 * the 32 of the hash. Building takes 2 × 8 bytes per entry more while it sorts (two 16-bit radix
 * passes). Mode auto estimates the probe's cost from the buckets it would visit and scans all
 * columns when that is cheaper (large distances, small indexes): both answer the same. A probe reads
 * each table entry of a visited bucket once; a chunk whose noted blocks would cover more than half of
 * the home is scanned whole instead, so skewed data (many equal chunks) costs at most a few scans.
 */
#include "referral/referral_index.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/limits.h"

#define CHUNKS 8
#define ENTRY_BYTES 3
#define ENTRY_BITS 24
#define BUCKET_BITS_MAX 24
#define LOCATOR_BITS_MAX 20

/* Relative costs of the cost model (mode auto): a visited bucket (two random reads), a table entry
 * read in sequence, one entry of a full scan (eight columns). Measured with bench/pdq_index_bench. */
#define COST_BUCKET 24u
#define COST_ENTRY 1u
#define COST_SCAN 3u
#define SCAN_BELOW 64u /* indexes this small are always scanned */

struct referral_index {
	size_t n;
	unsigned b, k, l, s; /* bucket bits, key bits, locator bits, block shift */
	enum referral_index_mode mode;
	bool hw_popcnt;            /* the CPU has a popcount instruction */
	uint32_t *col[CHUNKS];     /* home order */
	uint32_t *ids;             /* home order */
	uint32_t *off[CHUNKS];     /* 2^b + 1 each */
	uint8_t *tab[CHUNKS];      /* tab[1..7]: n entries of ENTRY_BYTES; tab[0] unused */
	void *mem;                 /* everything above, one allocation */
	size_t bytes;
};

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_POPCNT_TARGET 1
#define TARGET_POPCNT __attribute__((target("popcnt")))
#endif
/* The hot paths are written once and instantiated twice (with and without the popcount
 * instruction): every helper they call is inlined into the instance. */
#define HOT static inline __attribute__((always_inline))

HOT unsigned pc32(uint32_t x)
{
	return (unsigned)__builtin_popcount(x);
}

HOT unsigned pc64(uint64_t x)
{
	return (unsigned)__builtin_popcountll(x);
}

static inline uint32_t chunk_of(const struct referral_hash *h, unsigned c)
{
	return (uint32_t)(h->w[c >> 1] >> (32 * (c & 1)));
}

/* An entry as the low 24 bits of a 4-byte load (each table is followed by a byte of padding). */
static inline uint32_t entry_load(const uint8_t *t, size_t e)
{
	const uint8_t *p = t + e * ENTRY_BYTES;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v & 0xffffffu;
#else
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
#endif
}

static inline void entry_store(uint8_t *t, size_t e, uint32_t v)
{
	uint8_t *p = t + e * ENTRY_BYTES;
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
}

static bool matches_push(struct referral_matches *m, uint32_t id, uint32_t distance)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct referral_match *v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			return false;
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n].id = id;
	m->v[m->n].distance = distance;
	m->n++;
	return true;
}

static int match_cmp(const void *a, const void *b)
{
	const struct referral_match *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->distance > y->distance) - (x->distance < y->distance);
}

void referral_matches_sort(struct referral_matches *m)
{
	if (m->n > 1)
		qsort(m->v, m->n, sizeof(m->v[0]), match_cmp);
}

void referral_matches_free(struct referral_matches *m)
{
	free(m->v);
	m->v = NULL;
	m->n = m->cap = 0;
}

/* ---- brute force ---- */

HOT enum rcx_result scan_body(const struct referral_hash *h, size_t n, const struct referral_hash *q, unsigned d,
			      struct referral_matches *out)
{
	const uint64_t q0 = q->w[0], q1 = q->w[1], q2 = q->w[2], q3 = q->w[3];
	for (size_t i = 0; i < n; i++) {
		unsigned dist = pc64(h[i].w[0] ^ q0) + pc64(h[i].w[1] ^ q1) + pc64(h[i].w[2] ^ q2) + pc64(h[i].w[3] ^ q3);
		if (dist <= d && !matches_push(out, (uint32_t)i, dist))
			return RCX_ENOMEM;
	}
	return RCX_OK;
}

static enum rcx_result scan_generic(const struct referral_hash *h, size_t n, const struct referral_hash *q, unsigned d,
				    struct referral_matches *out)
{
	return scan_body(h, n, q, d, out);
}

#ifdef HAVE_POPCNT_TARGET
TARGET_POPCNT static enum rcx_result scan_popcnt(const struct referral_hash *h, size_t n, const struct referral_hash *q,
						 unsigned d, struct referral_matches *out)
{
	return scan_body(h, n, q, d, out);
}
#endif

static bool cpu_popcnt(void)
{
#ifdef HAVE_POPCNT_TARGET
	return __builtin_cpu_supports("popcnt");
#else
	return false;
#endif
}

enum rcx_result referral_hashes_scan(const struct referral_hash *hashes, size_t n, const struct referral_hash *q,
			      unsigned max_distance, struct referral_matches *out)
{
	if (n > UINT32_MAX)
		return RCX_EINVAL;
#ifdef HAVE_POPCNT_TARGET
	if (cpu_popcnt())
		return scan_popcnt(hashes, n, q, max_distance, out);
#endif
	return scan_generic(hashes, n, q, max_distance, out);
}

/* ---- query ---- */

struct query {
	const struct referral_index *x;
	uint32_t qc[CHUNKS];
	int t[CHUNKS];
	unsigned d;
	struct referral_matches *out;
	bool oom;
	uint64_t *seen;   /* 2^l bits: blocks noted for the current chunk */
	uint32_t *blocks; /* the noted blocks, in the order met */
	size_t n_blocks, cap_blocks;
};

/* Thresholds t_c for distance d (see the top of the file); -1 = chunk not looked at. */
static void thresholds(unsigned d, int t[CHUNKS])
{
	unsigned s = d + 1;
	for (unsigned c = 0; c < CHUNKS; c++) {
		int u = (int)(s / CHUNKS + (c < s % CHUNKS ? 1 : 0));
		t[c] = u - 1 > 32 ? 32 : u - 1;
	}
}

/* Full check of home position p met through chunk c. */
HOT void verify(struct query *q, size_t p, unsigned c)
{
	const struct referral_index *x = q->x;
	unsigned dist = 0;
	for (unsigned i = 0; i < CHUNKS; i++) {
		unsigned di = pc32(x->col[i][p] ^ q->qc[i]);
		if (i < c && (int)di <= q->t[i])
			return; /* reported from chunk i */
		dist += di;
		if (dist > q->d)
			return;
	}
	if (!matches_push(q->out, x->ids[p], dist))
		q->oom = true;
}

/* Home positions [lo, hi) met through chunk c with its threshold. */
HOT void check_range(struct query *q, unsigned c, size_t lo, size_t hi)
{
	const uint32_t *col = q->x->col[c];
	const uint32_t qc = q->qc[c];
	const unsigned t = (unsigned)q->t[c];
	for (size_t p = lo; p < hi; p++)
		if (pc32(col[p] ^ qc) <= t)
			verify(q, p, c);
}

/* The masks of b bits with at most t bits set, fewest first, handed out in batches. */
#define BATCH 256u

struct mask_iter {
	uint32_t end; /* 2^b */
	int j, t;     /* bits set in m; the most */
	uint32_t m;
};

static inline void mask_iter_init(struct mask_iter *it, unsigned b, int t)
{
	it->end = (uint32_t)1 << b;
	it->t = t < (int)b ? t : (int)b;
	it->j = 0;
	it->m = 0;
}

/* Up to BATCH masks (and their bit counts) into m[], j[]; 0 when none is left. */
static inline size_t mask_iter_next(struct mask_iter *it, uint32_t *m, uint8_t *j)
{
	size_t got = 0;
	while (got < BATCH && it->j <= it->t) {
		m[got] = it->m;
		j[got++] = (uint8_t)it->j;
		if (it->j == 0) {
			it->m = it->end; /* the one mask without bits */
		} else {
			uint32_t low = it->m & -it->m, r = it->m + low; /* next with as many bits (Gosper) */
			it->m = (((r ^ it->m) >> 2) / low) | r;
		}
		if (it->m >= it->end && ++it->j <= it->t)
			it->m = ((uint32_t)1 << it->j) - 1;
	}
	return got;
}

/* Buckets are visited as a software pipeline: the offsets of bucket i + AHEAD_OFF + AHEAD are
 * prefetched, those of bucket i + AHEAD read (and the start of its range prefetched) while bucket i
 * is scanned, so that the cache misses of neighbouring buckets overlap instead of following one
 * another. Distances measured with bench/pdq_index_bench. */
#define AHEAD_OFF 8u /* offsets prefetched this many buckets before they are read */
#define AHEAD 8u     /* buckets prefetched this many buckets before they are scanned */
#define PIPE (AHEAD_OFF + AHEAD)
#define BLOCKS_AHEAD 4u /* blocks (up to 16 cache lines each) prefetched ahead of their scan */

struct batch {
	uint32_t m[BATCH], lo[BATCH], hi[BATCH];
	uint8_t j[BATCH];
	size_t got;
};

/* Step i of the pipeline over a batch: prefetch, read offsets, and return the bucket to scan now
 * (or BATCH when none is due). base/esize: the elements the offsets point at. */
HOT size_t pipeline_step(struct batch *bt, size_t i, const uint32_t *off, uint32_t top, const uint8_t *base, size_t esize)
{
	if (i < bt->got)
		__builtin_prefetch(&off[top ^ bt->m[i]]);
	if (i >= AHEAD_OFF && i - AHEAD_OFF < bt->got) {
		size_t r = i - AHEAD_OFF;
		uint32_t v = top ^ bt->m[r];
		bt->lo[r] = off[v];
		bt->hi[r] = off[v + 1];
		__builtin_prefetch(base + (size_t)bt->lo[r] * esize);
	}
	return i >= PIPE && i - PIPE < bt->got ? i - PIPE : BATCH;
}

HOT void probe_home(struct query *q, struct batch *bt)
{
	const struct referral_index *x = q->x;
	const uint32_t top = q->qc[0] >> (32 - x->b);
	struct mask_iter it;
	mask_iter_init(&it, x->b, q->t[0]);
	while (!q->oom && (bt->got = mask_iter_next(&it, bt->m, bt->j))) {
		for (size_t i = 0; i < bt->got + PIPE; i++) {
			size_t r = pipeline_step(bt, i, x->off[0], top, (const uint8_t *)x->col[0], sizeof(uint32_t));
			if (r < BATCH)
				check_range(q, 0, bt->lo[r], bt->hi[r]);
		}
	}
}

/* Notes block loc once; false when the chunk is better scanned whole (or memory ran out). */
static bool note_block(struct query *q, uint32_t loc, size_t limit)
{
	uint64_t bit = (uint64_t)1 << (loc & 63);
	if (q->seen[loc >> 6] & bit)
		return true;
	if (q->n_blocks >= limit)
		return false;
	if (q->n_blocks == q->cap_blocks) {
		size_t cap = q->cap_blocks ? q->cap_blocks * 2 : 256;
		uint32_t *v = realloc(q->blocks, cap * sizeof(*v));
		if (!v) {
			q->oom = true;
			return false;
		}
		q->blocks = v;
		q->cap_blocks = cap;
	}
	q->seen[loc >> 6] |= bit;
	q->blocks[q->n_blocks++] = loc;
	return true;
}

/* Table entries [lo, hi) of a bucket at distance j from the query's: notes the blocks of those whose
 * key is within rem. False when the chunk is to be scanned whole. */
HOT bool filter_bucket(struct query *q, const uint8_t *tab, uint32_t lo, uint32_t hi, uint32_t qkey, unsigned rem,
		       size_t limit)
{
	const unsigned l = q->x->l;
	const uint32_t lmask = ((uint32_t)1 << l) - 1;
	for (uint32_t e = lo; e < hi; e++) {
		uint32_t ent = entry_load(tab, e);
		if (pc32((ent >> l) ^ qkey) <= rem && !note_block(q, ent & lmask, limit))
			return false;
	}
	return true;
}

HOT void probe_table(struct query *q, unsigned c, struct batch *bt)
{
	const struct referral_index *x = q->x;
	const unsigned b = x->b, k = x->k;
	const uint32_t qc = q->qc[c], top = qc >> (32 - b);
	const uint32_t qkey = k ? (qc >> (32 - b - k)) & (((uint32_t)1 << k) - 1) : 0;
	const int t = q->t[c];
	const uint8_t *tab = x->tab[c];
	const size_t n_all = ((x->n - 1) >> x->s) + 1, limit = n_all / 2 ? n_all / 2 : 1;
	struct mask_iter it;
	bool whole = false;
	q->n_blocks = 0;
	mask_iter_init(&it, b, t);
	while (!whole && (bt->got = mask_iter_next(&it, bt->m, bt->j))) {
		for (size_t i = 0; i < bt->got + PIPE && !whole; i++) {
			size_t r = pipeline_step(bt, i, x->off[c], top, tab, ENTRY_BYTES);
			if (r < BATCH)
				whole = !filter_bucket(q, tab, bt->lo[r], bt->hi[r], qkey, (unsigned)(t - bt->j[r]), limit);
		}
	}
	/* the noted blocks, prefetched BLOCKS_AHEAD blocks ahead */
	const uint32_t *col = x->col[c];
	const size_t bs = (size_t)1 << x->s;
	for (size_t i = 0; i < q->n_blocks; i++) {
		if (!whole && i + BLOCKS_AHEAD < q->n_blocks) {
			const uint32_t *blk = &col[(size_t)q->blocks[i + BLOCKS_AHEAD] << x->s];
			for (size_t w = 0; w < bs; w += 64 / sizeof(uint32_t))
				__builtin_prefetch(blk + w);
		}
		uint32_t loc = q->blocks[i];
		q->seen[loc >> 6] &= ~((uint64_t)1 << (loc & 63));
		if (!whole && !q->oom) {
			size_t lo_p = (size_t)loc << x->s, hi_p = lo_p + bs;
			check_range(q, c, lo_p, hi_p < x->n ? hi_p : x->n);
		}
	}
	if (whole && !q->oom)
		check_range(q, c, 0, x->n);
}

HOT void scan_all(struct query *q)
{
	const struct referral_index *x = q->x;
	const uint32_t *c0 = x->col[0], *c1 = x->col[1], *c2 = x->col[2], *c3 = x->col[3], *c4 = x->col[4],
		       *c5 = x->col[5], *c6 = x->col[6], *c7 = x->col[7];
	const uint32_t q0 = q->qc[0], q1 = q->qc[1], q2 = q->qc[2], q3 = q->qc[3], q4 = q->qc[4], q5 = q->qc[5],
		       q6 = q->qc[6], q7 = q->qc[7];
	const unsigned d = q->d;
	for (size_t p = 0, n = x->n; p < n; p++) {
		/* pairs of columns as one 64-bit word: half the popcounts */
		unsigned dist = pc64(((uint64_t)(c1[p] ^ q1) << 32) | (c0[p] ^ q0)) +
				pc64(((uint64_t)(c3[p] ^ q3) << 32) | (c2[p] ^ q2)) +
				pc64(((uint64_t)(c5[p] ^ q5) << 32) | (c4[p] ^ q4)) +
				pc64(((uint64_t)(c7[p] ^ q7) << 32) | (c6[p] ^ q6));
		if (dist <= d && !matches_push(q->out, x->ids[p], dist)) {
			q->oom = true;
			return;
		}
	}
}

/* Whether probing is estimated cheaper than scanning (see the COST_ constants). */
static bool probe_pays(const struct referral_index *x, const int t[CHUNKS])
{
	if (x->n < SCAN_BELOW)
		return false;
	double buckets = 0;
	for (unsigned c = 0; c < CHUNKS; c++) {
		double binom = 1;
		for (int j = 0; j <= t[c] && j <= (int)x->b; j++) {
			buckets += binom;
			binom = binom * (double)(x->b - (unsigned)j) / (double)(j + 1);
		}
	}
	double entries = buckets * (double)x->n / (double)((uint64_t)1 << x->b);
	return buckets * COST_BUCKET + entries * COST_ENTRY < (double)x->n * COST_SCAN;
}

HOT void query_body(struct query *q)
{
	const struct referral_index *x = q->x;
	bool probe = x->mode == REFERRAL_INDEX_PROBE || (x->mode == REFERRAL_INDEX_AUTO && probe_pays(x, q->t));
	if (!probe) {
		scan_all(q);
		return;
	}
	struct batch bt;
	if (q->t[0] >= 0)
		probe_home(q, &bt);
	for (unsigned c = 1; c < CHUNKS && !q->oom; c++)
		if (q->t[c] >= 0)
			probe_table(q, c, &bt);
}

static void query_generic(struct query *q)
{
	query_body(q);
}

#ifdef HAVE_POPCNT_TARGET
TARGET_POPCNT static void query_popcnt(struct query *q)
{
	query_body(q);
}
#endif

enum rcx_result referral_index_query(const struct referral_index *idx, const struct referral_hash *h,
				     unsigned max_distance, struct referral_matches *out)
{
	if (idx->n == 0)
		return RCX_OK;
	struct query q = {.x = idx, .d = max_distance > REFERRAL_HASH_BITS ? REFERRAL_HASH_BITS : max_distance, .out = out};
	for (unsigned c = 0; c < CHUNKS; c++)
		q.qc[c] = chunk_of(h, c);
	thresholds(q.d, q.t);
	/* the bitmap of noted blocks, for the tables of chunks 1..7 */
	if (idx->mode != REFERRAL_INDEX_SCAN && !(q.seen = calloc(((size_t)1 << idx->l) / 64 + 1, sizeof(uint64_t))))
		return RCX_ENOMEM;
#ifdef HAVE_POPCNT_TARGET
	if (idx->hw_popcnt)
		query_popcnt(&q);
	else
#endif
		query_generic(&q);
	free(q.seen);
	free(q.blocks);
	return q.oom ? RCX_ENOMEM : RCX_OK;
}

/* ---- build ---- */

/* The index's one allocation: on huge pages where the kernel gives them on request, since a query's
 * reads are random over all of it (fewer TLB misses). */
static void *index_alloc(size_t bytes)
{
#ifdef MADV_HUGEPAGE
	const size_t huge = (size_t)2 << 20;
	if (bytes >= huge) {
		size_t size = (bytes + huge - 1) / huge * huge;
		void *p = aligned_alloc(huge, size);
		if (p)
			(void)madvise(p, size, MADV_HUGEPAGE);
		return p;
	}
#endif
	return malloc(bytes ? bytes : 1);
}

static int pair_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Sorts (key << 32 | index) pairs: by key, then index. Two 16-bit radix passes over the keys (the
 * pairs start in index order and the passes are stable); qsort when there are few. */
static void sort_pairs(uint64_t *a, uint64_t *tmp, size_t n, uint32_t *count)
{
	if (n < 4096) {
		qsort(a, n, sizeof(*a), pair_cmp);
		return;
	}
	for (unsigned pass = 0; pass < 2; pass++) {
		unsigned shift = 32 + 16 * pass;
		memset(count, 0, 65536 * sizeof(uint32_t));
		for (size_t i = 0; i < n; i++)
			count[(a[i] >> shift) & 0xffff]++;
		uint32_t sum = 0;
		for (size_t v = 0; v < 65536; v++) {
			uint32_t c = count[v];
			count[v] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(a[i] >> shift) & 0xffff]++] = a[i];
		memcpy(a, tmp, n * sizeof(*a));
	}
}

/* Offsets of the buckets of column col (top b bits) into off[0..2^b]. */
static void bucket_offsets(const uint32_t *col, size_t n, unsigned b, uint32_t *off)
{
	size_t nb = (size_t)1 << b;
	memset(off, 0, (nb + 1) * sizeof(*off));
	for (size_t p = 0; p < n; p++)
		off[(col[p] >> (32 - b)) + 1]++;
	for (size_t v = 0; v < nb; v++)
		off[v + 1] += off[v];
}

static unsigned bits_for(size_t n)
{
	unsigned bits = 1;
	while (bits < 64 && ((size_t)1 << bits) < n)
		bits++;
	return bits;
}

/* Fills in the chosen layout; false when params are impossible. */
static bool layout_choose(size_t n, const struct referral_index_params *p, struct referral_index *x)
{
	unsigned nb = bits_for(n);
	/* the most buckets whose offsets (8 tables of 2^b + 1) take at most 5 bytes per entry */
	unsigned b_auto = 1;
	while (b_auto < BUCKET_BITS_MAX &&
	       (((uint64_t)1 << (b_auto + 1)) + 1) * CHUNKS * sizeof(uint32_t) <= 5 * (uint64_t)n)
		b_auto++;
	x->b = p && p->bucket_bits ? p->bucket_bits : b_auto;
	/* blocks of at least 64 positions: fewer key bits would let through more blocks than they save */
	x->l = p && p->locator_bits ? p->locator_bits : (nb <= 7 ? 1 : nb - 6 > 16 ? 16 : nb - 6);
	unsigned k_room = ENTRY_BITS - (x->l > ENTRY_BITS ? ENTRY_BITS : x->l);
	unsigned k_auto = 32 - (x->b > 32 ? 32 : x->b);
	x->k = p && p->key_bits ? p->key_bits : (k_room < k_auto ? k_room : k_auto);
	x->mode = p ? p->mode : REFERRAL_INDEX_AUTO;
	if (x->b < 1 || x->b > BUCKET_BITS_MAX || x->l < 1 || x->l > LOCATOR_BITS_MAX || x->k + x->l > ENTRY_BITS ||
	    x->b + x->k > 32 || (unsigned)x->mode >= REFERRAL_INDEX_MODE_MAX)
		return false;
	x->s = nb > x->l ? nb - x->l : 0;
	return true;
}

enum rcx_result referral_index_build(const struct referral_hash *hashes, const uint32_t *ids, size_t n,
				     const struct referral_index_params *params, struct referral_index **ret_idx)
{
	enum rcx_result r = RCX_ENOMEM;
	uint64_t *pairs = NULL, *tmp = NULL;
	uint32_t *count = NULL;
	struct referral_index *x = NULL;
	if (n > RCX_REFERRAL_INDEX_MAX)
		return RCX_ELIMIT;
	if (n && !hashes)
		return RCX_EINVAL;
	if (!(x = calloc(1, sizeof(*x))))
		return RCX_ENOMEM;
	if (!layout_choose(n, params, x)) {
		r = RCX_EINVAL;
		goto fail;
	}
	x->n = n;
	x->hw_popcnt = cpu_popcnt();
	const size_t nbk = ((size_t)1 << x->b) + 1;
	const size_t col_bytes = n * sizeof(uint32_t), off_bytes = nbk * sizeof(uint32_t);
	x->bytes = CHUNKS * col_bytes + col_bytes + CHUNKS * off_bytes + (CHUNKS - 1) * (n * ENTRY_BYTES + 1);
	if (!(x->mem = index_alloc(x->bytes)))
		goto fail;
	uint8_t *m = x->mem;
	for (unsigned c = 0; c < CHUNKS; c++, m += col_bytes)
		x->col[c] = (uint32_t *)(void *)m;
	x->ids = (uint32_t *)(void *)m;
	m += col_bytes;
	for (unsigned c = 0; c < CHUNKS; c++, m += off_bytes)
		x->off[c] = (uint32_t *)(void *)m;
	for (unsigned c = 1; c < CHUNKS; c++, m += n * ENTRY_BYTES + 1) {
		x->tab[c] = m;
		m[n * ENTRY_BYTES] = 0;
	}

	/* home order: by chunk 0, then by input position */
	size_t cnt_n = nbk > 65536 || n < 4096 ? nbk : 65536; /* bucket cursors, radix counts (sort_pairs) */
	if (!(pairs = malloc((n ? n : 1) * sizeof(*pairs))) || !(tmp = malloc((n ? n : 1) * sizeof(*tmp))) ||
	    !(count = malloc(cnt_n * sizeof(*count))))
		goto fail;
	for (size_t i = 0; i < n; i++)
		pairs[i] = (uint64_t)chunk_of(&hashes[i], 0) << 32 | i;
	sort_pairs(pairs, tmp, n, count);
	for (size_t p = 0; p < n; p++) {
		if (p + 16 < n) /* the hashes are read in home order: random */
			__builtin_prefetch(&hashes[(uint32_t)pairs[p + 16]]);
		size_t i = (uint32_t)pairs[p];
		for (unsigned c = 0; c < CHUNKS; c++)
			x->col[c][p] = chunk_of(&hashes[i], c);
		x->ids[p] = ids ? ids[i] : (uint32_t)i;
	}
	free(pairs);
	free(tmp);
	pairs = tmp = NULL;

	/* offsets of every chunk; tables 1..7 filled bucket by bucket, in home order within a bucket */
	const unsigned b = x->b, k = x->k, l = x->l;
	for (unsigned c = 0; c < CHUNKS; c++) {
		bucket_offsets(x->col[c], n, b, x->off[c]);
		if (c == 0)
			continue;
		uint32_t *cur = count;
		memcpy(cur, x->off[c], (nbk - 1) * sizeof(*cur));
		for (size_t p = 0; p < n; p++) {
			uint32_t v = x->col[c][p];
			uint32_t key = k ? (v >> (32 - b - k)) & (((uint32_t)1 << k) - 1) : 0;
			entry_store(x->tab[c], cur[v >> (32 - b)]++, key << l | (uint32_t)(p >> x->s));
		}
	}
	free(count);
	*ret_idx = x;
	return RCX_OK;
fail:
	free(pairs);
	free(tmp);
	free(count);
	referral_index_free(x);
	return r;
}

void referral_index_free(struct referral_index *idx)
{
	if (!idx)
		return;
	free(idx->mem);
	free(idx);
}

size_t referral_index_count(const struct referral_index *idx)
{
	return idx->n;
}

size_t referral_index_bytes(const struct referral_index *idx)
{
	return sizeof(*idx) + idx->bytes;
}

void referral_index_params_get(const struct referral_index *idx, struct referral_index_params *ret_params)
{
	ret_params->bucket_bits = idx->b;
	ret_params->key_bits = idx->k;
	ret_params->locator_bits = idx->l;
	ret_params->mode = idx->mode;
}
