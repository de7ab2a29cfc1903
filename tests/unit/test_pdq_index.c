/* Unit tests of the PDQ similarity index and of hash lists.
 * - Index: a differential test against a reference written here bit by bit (no popcount, no
 *   chunks), on uniform random hashes, near-duplicate clusters (a seed hash with k random bits
 *   flipped, k = 0..40), duplicates and skewed chunks, at distances 0, 1, 15, 16, 31, 32, 64 and
 *   beyond, under the automatic layout and forced odd ones (tiny buckets, huge blocks), in probe
 *   and scan modes; the brute-force referral_hashes_scan against the same reference; empty and one-entry
 *   indexes; concurrent queries; the corpus golden file (needles × haystack at distance ≤ 32).
 * - Lists: good text and CSV files, every kind of bad line with its line number, the limits, and a
 *   round trip through both writers.
 * The random tests print their seed; RCX_TEST_SEED=<n> reproduces a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "referral/referral_index.h"
#include "referral/referral_list.h"

/* ---- random hashes ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static struct referral_hash random_hash(void)
{
	struct referral_hash h = {{rnd(), rnd(), rnd(), rnd()}};
	return h;
}

/* h with k distinct random bits flipped. */
static struct referral_hash flipped(struct referral_hash h, unsigned k)
{
	bool done[256] = {false};
	for (unsigned i = 0; i < k;) {
		unsigned bit = (unsigned)(rnd() % 256);
		if (done[bit])
			continue;
		done[bit] = true;
		h.w[bit / 64] ^= (uint64_t)1 << (bit % 64);
		i++;
	}
	return h;
}

/* ---- the reference: one bit at a time ---- */

static unsigned ref_distance(const struct referral_hash *a, const struct referral_hash *b)
{
	unsigned d = 0;
	for (unsigned k = 0; k < 256; k++)
		if (referral_hash_bit(a, k) != referral_hash_bit(b, k))
			d++;
	return d;
}

/* ---- differential ---- */

enum set_kind { SET_UNIFORM, SET_CLUSTERS, SET_DUPLICATES, SET_SKEWED, SET_MAX };
static const char *const set_names[SET_MAX] = {"uniform", "clusters", "duplicates", "skewed"};

static void make_set(enum set_kind kind, struct referral_hash *h, size_t n)
{
	struct referral_hash seed = random_hash();
	for (size_t i = 0; i < n; i++) {
		switch (kind) {
		case SET_UNIFORM: h[i] = random_hash(); break;
		case SET_CLUSTERS:
			/* clusters of 1..40 around a seed, each member k = 0..40 bits away from it */
			if (rnd() % 20 == 0)
				seed = random_hash();
			h[i] = flipped(seed, (unsigned)(rnd() % 41));
			break;
		case SET_DUPLICATES: h[i] = i % 7 == 0 ? random_hash() : h[i - i % 7]; break;
		case SET_SKEWED:
			/* chunks 1..7 take few values: huge buckets, blocks shared, whole-chunk scans */
			h[i] = seed;
			h[i].w[0] = (h[i].w[0] & ~(uint64_t)0xffffffff) | (rnd() & 0xffffffff);
			if (rnd() % 3 == 0)
				h[i] = flipped(h[i], (unsigned)(rnd() % 24));
			break;
		default: break;
		}
	}
}

static const struct referral_index_params layouts[] = {
	{0, 0, 0, REFERRAL_INDEX_AUTO},   {0, 0, 0, REFERRAL_INDEX_PROBE},  {0, 0, 0, REFERRAL_INDEX_SCAN},
	{1, 1, 1, REFERRAL_INDEX_PROBE},  {4, 2, 3, REFERRAL_INDEX_PROBE},  {8, 8, 4, REFERRAL_INDEX_PROBE},
	{12, 0, 20, REFERRAL_INDEX_PROBE}, {16, 8, 16, REFERRAL_INDEX_PROBE}, {3, 21, 3, REFERRAL_INDEX_PROBE},
	{10, 14, 10, REFERRAL_INDEX_AUTO},
};
#define N_LAYOUTS (sizeof(layouts) / sizeof(layouts[0]))

static const unsigned distances[] = {0, 1, 15, 16, 31, 32, 64, 100, 256, 300};
#define N_DISTANCES (sizeof(distances) / sizeof(distances[0]))

/* Sorted (id, distance) of the reference answer; ids[i] = i * 3 + 1. */
static size_t ref_answer(const unsigned *dist, size_t n, unsigned d, struct referral_match *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (dist[i] <= d) {
			out[m].id = (uint32_t)(i * 3 + 1);
			out[m++].distance = dist[i];
		}
	return m;
}

static void check_answer(struct referral_matches *got, const struct referral_match *want, size_t n_want,
			 const char *what, size_t query, unsigned d)
{
	referral_matches_sort(got);
	bool same = got->n == n_want && (n_want == 0 || !memcmp(got->v, want, n_want * sizeof(*want)));
	if (!same)
		fail_msg("%s: query %zu at distance %u: %zu answers, reference %zu", what, query, d, got->n, n_want);
}

static void differential(size_t n, enum set_kind kind, size_t n_queries)
{
	struct referral_hash *h = malloc((n ? n : 1) * sizeof(*h));
	uint32_t *ids = malloc((n ? n : 1) * sizeof(*ids));
	unsigned *dist = malloc((n ? n : 1) * sizeof(*dist));
	struct referral_match *want = malloc((n ? n : 1) * sizeof(*want));
	assert_non_null(h);
	assert_non_null(ids);
	assert_non_null(dist);
	assert_non_null(want);
	make_set(kind, h, n);
	for (size_t i = 0; i < n; i++)
		ids[i] = (uint32_t)(i * 3 + 1);
	struct referral_index *idx[N_LAYOUTS];
	for (size_t l = 0; l < N_LAYOUTS; l++) {
		idx[l] = NULL;
		assert_int_equal(referral_index_build(h, ids, n, &layouts[l], &idx[l]), RCX_OK);
		assert_int_equal(referral_index_count(idx[l]), n);
	}
	struct referral_matches got = {0};
	for (size_t qi = 0; qi < n_queries; qi++) {
		/* entries moved by 0..40 bits, entries as they are, and random hashes */
		struct referral_hash q = n && qi % 3 != 2 ? flipped(h[rnd() % n], qi % 3 ? (unsigned)(rnd() % 41) : 0)
							  : random_hash();
		for (size_t i = 0; i < n; i++)
			dist[i] = ref_distance(&h[i], &q);
		for (size_t di = 0; di < N_DISTANCES; di++) {
			unsigned d = distances[di];
			size_t n_want = ref_answer(dist, n, d, want);
			for (size_t l = 0; l < N_LAYOUTS; l++) {
				/* forced probes of the largest distances visit every bucket: a few suffice */
				if (d > 64 && layouts[l].mode == REFERRAL_INDEX_PROBE && qi % 4)
					continue;
				got.n = 0;
				assert_int_equal(referral_index_query(idx[l], &q, d, &got), RCX_OK);
				char what[96];
				struct referral_index_params p;
				referral_index_params_get(idx[l], &p);
				snprintf(what, sizeof(what), "%s n=%zu layout %zu (b=%u k=%u l=%u mode %d)",
					 set_names[kind], n, l, p.bucket_bits, p.key_bits, p.locator_bits, (int)p.mode);
				check_answer(&got, want, n_want, what, qi, d);
			}
			/* the brute force: positions as ids */
			got.n = 0;
			assert_int_equal(referral_hashes_scan(h, n, &q, d, &got), RCX_OK);
			for (size_t i = 0; i < got.n; i++)
				got.v[i].id = got.v[i].id * 3 + 1;
			check_answer(&got, want, n_want, "referral_hashes_scan", qi, d);
		}
	}
	referral_matches_free(&got);
	for (size_t l = 0; l < N_LAYOUTS; l++)
		referral_index_free(idx[l]);
	free(h);
	free(ids);
	free(dist);
	free(want);
}

static void test_differential(void **state)
{
	(void)state;
	static const size_t sizes[] = {0, 1, 2, 63, 64, 65, 1000, 4000};
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int k = 0; k < SET_MAX; k++)
			differential(sizes[s], (enum set_kind)k, sizes[s] >= 1000 ? 12 : 9);
}

/* One entry; the same hash many times; an empty index. */
static void test_small(void **state)
{
	(void)state;
	struct referral_hash h = random_hash(), far = h;
	for (int i = 0; i < 4; i++)
		far.w[i] = ~far.w[i];
	struct referral_matches m = {0};
	struct referral_index *idx = NULL;
	assert_int_equal(referral_index_build(NULL, NULL, 0, NULL, &idx), RCX_OK);
	assert_int_equal(referral_index_query(idx, &h, 256, &m), RCX_OK);
	assert_int_equal(m.n, 0);
	referral_index_free(idx);

	for (int mode = REFERRAL_INDEX_AUTO; mode < REFERRAL_INDEX_MODE_MAX; mode++) {
		struct referral_index_params p = {0, 0, 0, (enum referral_index_mode)mode};
		uint32_t id = 77;
		idx = NULL;
		m.n = 0;
		assert_int_equal(referral_index_build(&h, &id, 1, &p, &idx), RCX_OK);
		assert_int_equal(referral_index_query(idx, &h, 0, &m), RCX_OK);
		assert_int_equal(m.n, 1);
		assert_int_equal(m.v[0].id, 77);
		assert_int_equal(m.v[0].distance, 0);
		m.n = 0;
		assert_int_equal(referral_index_query(idx, &far, 255, &m), RCX_OK);
		assert_int_equal(m.n, 0);
		assert_int_equal(referral_index_query(idx, &far, 256, &m), RCX_OK); /* the complement */
		assert_int_equal(m.n, 1);
		assert_int_equal(m.v[0].distance, 256);
		referral_index_free(idx);
	}

	struct referral_hash same[500];
	for (size_t i = 0; i < 500; i++)
		same[i] = h;
	static const struct referral_index_params probe = {0, 0, 0, REFERRAL_INDEX_PROBE};
	idx = NULL;
	assert_int_equal(referral_index_build(same, NULL, 500, &probe, &idx), RCX_OK);
	m.n = 0;
	assert_int_equal(referral_index_query(idx, &h, 31, &m), RCX_OK);
	assert_int_equal(m.n, 500);
	referral_matches_sort(&m);
	for (size_t i = 0; i < 500; i++)
		assert_int_equal(m.v[i].id, i);
	referral_index_free(idx);
	referral_matches_free(&m);
}

static void test_build_errors(void **state)
{
	(void)state;
	struct referral_hash h[4] = {random_hash(), random_hash(), random_hash(), random_hash()};
	struct referral_index *idx = (struct referral_index *)(uintptr_t)1; /* must stay as it is */
	static const struct referral_index_params bad[] = {
		{25, 0, 0, REFERRAL_INDEX_AUTO},  /* b > 24 */
		{16, 17, 0, REFERRAL_INDEX_AUTO}, /* b + k > 32 */
		{8, 8, 17, REFERRAL_INDEX_AUTO},  /* k + l > 24 */
		{8, 0, 21, REFERRAL_INDEX_AUTO},  /* l > 20 */
		{0, 0, 0, REFERRAL_INDEX_MODE_MAX},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(referral_index_build(h, NULL, 4, &bad[i], &idx), RCX_EINVAL);
	assert_int_equal(referral_index_build(NULL, NULL, 4, NULL, &idx), RCX_EINVAL);
	assert_ptr_equal(idx, (struct referral_index *)(uintptr_t)1);
	assert_int_equal(referral_index_build(h, NULL, (size_t)RCX_REFERRAL_INDEX_MAX + 1, NULL, &idx), RCX_ELIMIT);
	assert_ptr_equal(idx, (struct referral_index *)(uintptr_t)1);
}

/* Two threads query one index at once and each gets the reference answer. */
struct thread_arg {
	const struct referral_index *idx;
	const struct referral_hash *h;
	size_t n;
	int bad;
};

static void *query_thread(void *p)
{
	struct thread_arg *a = p;
	struct referral_matches m = {0};
	for (size_t i = 0; i < 200; i++) {
		const struct referral_hash *q = &a->h[(i * 37) % a->n];
		m.n = 0;
		if (referral_index_query(a->idx, q, 31, &m) != RCX_OK)
			a->bad++;
		size_t want = 0;
		for (size_t j = 0; j < a->n; j++)
			want += ref_distance(&a->h[j], q) <= 31;
		if (m.n != want)
			a->bad++;
	}
	referral_matches_free(&m);
	return NULL;
}

static void test_concurrent(void **state)
{
	(void)state;
	size_t n = 3000;
	struct referral_hash *h = malloc(n * sizeof(*h));
	assert_non_null(h);
	make_set(SET_CLUSTERS, h, n);
	struct referral_index *idx = NULL;
	static const struct referral_index_params probe = {0, 0, 0, REFERRAL_INDEX_PROBE};
	assert_int_equal(referral_index_build(h, NULL, n, &probe, &idx), RCX_OK);
	struct thread_arg a[2] = {{idx, h, n, 0}, {idx, h, n, 0}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, query_thread, &a[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(a[0].bad + a[1].bad, 0);
	referral_index_free(idx);
	free(h);
}

/* ---- the corpus: needles × haystack at distance ≤ 32 ---- */

static void test_corpus_golden(void **state)
{
	(void)state;
	const char *corpus = getenv("RCX_CORPUS");
	if (!corpus) {
		skip();
		return;
	}
	char path[1024];
	struct referral_list *needles = NULL, *hay = NULL;
	snprintf(path, sizeof(path), "%s/pdq/hashes/needles.txt", corpus);
	assert_int_equal(referral_list_read_file(path, NULL, &needles), RCX_OK);
	snprintf(path, sizeof(path), "%s/pdq/hashes/haystack.txt", corpus);
	assert_int_equal(referral_list_read_file(path, NULL, &hay), RCX_OK);
	assert_int_equal(needles->n_errors + hay->n_errors, 0);
	assert_int_equal(needles->n, 100);
	assert_int_equal(hay->n, 1350);

	/* expected: "needle_line,haystack_line,distance", 1-based lines (the file's header says so) */
	snprintf(path, sizeof(path), "%s/pdq/expected/mih-needles-vs-haystack-d32.csv", corpus);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[256];
	bool one_based = false;
	size_t n_want = 0;
	uint64_t (*want)[3] = malloc(1000 * sizeof(*want));
	assert_non_null(want);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#') {
			one_based = one_based || strstr(line, "1-based") != NULL;
			continue;
		}
		unsigned long long a, b, d;
		assert_int_equal(sscanf(line, "%llu,%llu,%llu", &a, &b, &d), 3);
		assert_true(n_want < 1000);
		want[n_want][0] = a;
		want[n_want][1] = b;
		want[n_want++][2] = d;
	}
	fclose(f);
	assert_true(one_based); /* entries' line numbers are 1-based */
	assert_int_equal(n_want, 250);

	static const struct referral_index_params modes[] = {
		{0, 0, 0, REFERRAL_INDEX_AUTO}, {0, 0, 0, REFERRAL_INDEX_PROBE}, {6, 8, 8, REFERRAL_INDEX_PROBE}};
	for (size_t mi = 0; mi < sizeof(modes) / sizeof(modes[0]); mi++) {
		struct referral_index *idx = NULL;
		assert_int_equal(referral_index_build(hay->hashes, NULL, hay->n, &modes[mi], &idx), RCX_OK);
		size_t found = 0;
		bool hit[1000] = {false};
		struct referral_matches m = {0};
		for (size_t i = 0; i < needles->n; i++) {
			m.n = 0;
			assert_int_equal(referral_index_query(idx, &needles->hashes[i], 32, &m), RCX_OK);
			for (size_t j = 0; j < m.n; j++) {
				uint64_t nl = needles->entries[i].line, hl = hay->entries[m.v[j].id].line;
				size_t w = 0;
				while (w < n_want &&
				       !(want[w][0] == nl && want[w][1] == hl && want[w][2] == m.v[j].distance))
					w++;
				if (w == n_want || hit[w])
					fail_msg("needle line %llu, haystack line %llu at %u: %s", (unsigned long long)nl,
						 (unsigned long long)hl, m.v[j].distance,
						 w == n_want ? "not in the golden file" : "found twice");
				hit[w] = true;
				found++;
			}
		}
		assert_int_equal(found, 250); /* each listed pair once, so all of them */
		referral_matches_free(&m);
		referral_index_free(idx);
	}
	free(want);
	referral_list_free(needles);
	referral_list_free(hay);
}

/* ---- lists ---- */

#define H1 "f162eb9daab170c0567fe3632d9a5548c5612982dd5e374a7424ebbc8a835c95"
#define H2 "b062eb9d2ab170c0567fcb672d9a5548c5612982dd5e374a7424ebbc8b135cb5"
#define H2_UPPER "B062EB9D2AB170C0567FCB672D9A5548C5612982DD5E374A7424EBBC8B135CB5"

static struct referral_list *read_ok(const char *text, enum referral_list_format fmt)
{
	struct referral_list *l = NULL;
	struct referral_list_options opt = {.format = fmt};
	assert_int_equal(referral_list_read_mem(text, strlen(text), &opt, &l), RCX_OK);
	return l;
}

static void assert_hex(const struct referral_hash *h, const char *hex)
{
	char out[REFERRAL_HASH_HEX_LEN + 1];
	referral_hash_format(h, out);
	assert_string_equal(out, hex);
}

static void assert_str_or_null(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

static void test_list_text(void **state)
{
	(void)state;
	struct referral_list *l = read_ok("\xef\xbb\xbf# PDQ hashes\r\n" H1 "\r\n"
					  "\n"
					  "   " H2_UPPER ",87\n" H1 ",100,images/a, b.jpg\n" H2 " 42 images/with space.png \n" H1
					  ",,notes only\n" H1 ",\n" H2 "\t 7",
					  REFERRAL_LIST_AUTO);
	assert_int_equal(l->format, REFERRAL_LIST_TEXT);
	assert_int_equal(l->n_errors, 0);
	assert_int_equal(l->n, 7);
	static const struct {
		uint64_t line;
		int quality;
		const char *path;
	} want[] = {{2, -1, NULL}, {4, 87, NULL}, {5, 100, "images/a, b.jpg"}, {6, 42, "images/with space.png"},
		    {7, -1, "notes only"}, {8, -1, NULL}, {9, 7, NULL}};
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(l->entries[i].line, want[i].line);
		assert_int_equal(l->entries[i].quality, want[i].quality);
		assert_str_or_null(l->entries[i].path, want[i].path);
	}
	assert_hex(&l->hashes[0], H1);
	assert_hex(&l->hashes[1], H2);
	referral_list_free(l);

	/* empty and comment-only inputs are empty text lists */
	l = read_ok("# nothing\n\n", REFERRAL_LIST_AUTO);
	assert_int_equal(l->n, 0);
	assert_int_equal(l->n_errors, 0);
	referral_list_free(l);
	l = read_ok("", REFERRAL_LIST_AUTO);
	assert_int_equal(l->n, 0);
	referral_list_free(l);
}

static void test_list_csv(void **state)
{
	(void)state;
	struct referral_list *l = read_ok("Reference, PDQ ,Quality,CATEGORY,extra,contributor,date_added\n"
					  "\"REF-1, part \"\"a\"\"\"," H1 ",90,Propaganda,ignored,CERT.hr,2024-05-01\n"
					  "# a comment\n"
					  "  ," H2 ", ,attack_footage,,SRB-CERT,2024-05-01T12:30:00+02:00\n"
					  "r3," H2_UPPER "\n"
					  "\" spaced \"," H1 ",0,,,\"Unit, \"\"X\"\"\",\n",
					  REFERRAL_LIST_AUTO);
	assert_int_equal(l->format, REFERRAL_LIST_CSV);
	for (size_t i = 0; i < l->n_kept; i++)
		print_message("line %llu: %s\n", (unsigned long long)l->errors[i].line, l->errors[i].reason);
	assert_int_equal(l->n_errors, 0);
	assert_int_equal(l->n, 4);
	const struct referral_list_entry *e = l->entries;
	assert_hex(&l->hashes[0], H1);
	assert_int_equal(e[0].line, 2);
	assert_int_equal(e[0].quality, 90);
	assert_string_equal(e[0].reference, "REF-1, part \"a\"");
	assert_string_equal(e[0].category, "propaganda");
	assert_string_equal(e[0].contributed_by, "CERT.hr");
	assert_string_equal(e[0].added, "2024-05-01");
	assert_null(e[0].path);
	assert_int_equal(e[1].line, 4);
	assert_int_equal(e[1].quality, -1);
	assert_null(e[1].reference);
	assert_string_equal(e[1].category, "attack_footage");
	assert_string_equal(e[1].added, "2024-05-01T10:30:00+00:00"); /* one way of writing times */
	assert_int_equal(e[2].line, 5);
	assert_null(e[2].category);
	assert_hex(&l->hashes[2], H2);
	assert_string_equal(e[3].reference, " spaced "); /* quoted blanks are kept */
	assert_string_equal(e[3].contributed_by, "Unit, \"X\"");
	assert_int_equal(e[3].quality, 0);
	referral_list_free(l);

	/* a header alone */
	l = read_ok("hash,quality\n", REFERRAL_LIST_AUTO);
	assert_int_equal(l->format, REFERRAL_LIST_CSV);
	assert_int_equal(l->n, 0);
	referral_list_free(l);
}

struct bad_case {
	enum referral_list_format format;
	const char *text;
	uint64_t line; /* of the one bad line */
	const char *reason_part;
};

static const struct bad_case bad_cases[] = {
	{REFERRAL_LIST_TEXT, "f162eb9daab170c0567fe3632d9a5548c5612982dd5e374a7424ebbc8a835c9\n", 1, "hash"},
	{REFERRAL_LIST_TEXT, H1 "\n" H1 "5\n", 2, "hash"},
	{REFERRAL_LIST_TEXT, H1 "\nx162eb9daab170c0567fe3632d9a5548c5612982dd5e374a7424ebbc8a835c95\n", 2, "hash"},
	{REFERRAL_LIST_TEXT, H1 ",101\n", 1, "quality"},
	{REFERRAL_LIST_TEXT, H1 ",-1\n", 1, "quality"},
	{REFERRAL_LIST_TEXT, H1 " high\n", 1, "quality"},
	{REFERRAL_LIST_TEXT, H1 ",50,a\001b\n", 1, "control"},
	{REFERRAL_LIST_TEXT, H1 ",50,caf\xe9\n", 1, "UTF-8"},
	{REFERRAL_LIST_TEXT, H1 "\n\n" H1 ":50\n", 3, "hash"},
	{REFERRAL_LIST_AUTO, "not a hash\n" H1 "\n", 1, "hash"}, /* not a header either: a bad text line */
	{REFERRAL_LIST_CSV, "hash,quality\n" H1 ",abc\n", 2, "quality"},
	{REFERRAL_LIST_CSV, "hash,category\n" H1 ",attack footage\n", 2, "category"},
	{REFERRAL_LIST_CSV, "hash,reference\n" H1 ",\"a\xff\"\n", 2, "UTF-8"},
	{REFERRAL_LIST_CSV, "hash,added\n" H1 ",yesterday\n", 2, "added"},
	{REFERRAL_LIST_CSV, "hash,quality\n" H1 ",1,2\n", 2, "more fields"},
	{REFERRAL_LIST_CSV, "hash,reference\n" H1 ",\"open\n", 2, "unterminated"},
	{REFERRAL_LIST_CSV, "hash,reference\n" H1 ",\"a\"b\n", 2, "closing quote"},
	{REFERRAL_LIST_CSV, "hash,reference\n" H1 ",a\"b\n", 2, "quote inside"},
	{REFERRAL_LIST_CSV, "hash,quality\n,50\n", 2, "hash"},
	{REFERRAL_LIST_CSV, "quality,hash\n50\n", 2, "hash: missing"},
	{REFERRAL_LIST_CSV, "quality,reference\n50,x\n", 1, "no hash column"},
	{REFERRAL_LIST_CSV, "hash,pdq\n" H1 "," H1 "\n", 1, "twice"},
};

static void test_list_bad_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct referral_list *l = read_ok(c->text, c->format);
		if (l->n_errors != 1 || l->errors[0].line != c->line || !strstr(l->errors[0].reason, c->reason_part))
			fail_msg("bad case %zu: %llu errors, first at line %llu: %s", i,
				 (unsigned long long)l->n_errors, (unsigned long long)(l->n_kept ? l->errors[0].line : 0),
				 l->n_kept ? l->errors[0].reason : "-");
		referral_list_free(l);
	}
}

static char *tmp_file(const char *text, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(512);
	assert_non_null(path);
	snprintf(path, 512, "%s/rcx-test-pdq.XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_list_limits(void **state)
{
	(void)state;
	/* more entries than allowed: the read fails, nothing returned */
	struct referral_list *l = (struct referral_list *)(uintptr_t)1;
	struct referral_list_options opt = {.max_entries = 3};
	const char *four = H1 "\n" H2 "\n" H1 "\n" H2 "\n";
	assert_int_equal(referral_list_read_mem(four, strlen(four), &opt, &l), RCX_ELIMIT);
	assert_ptr_equal(l, (struct referral_list *)(uintptr_t)1);
	opt.max_entries = 4;
	assert_int_equal(referral_list_read_mem(four, strlen(four), &opt, &l), RCX_OK);
	assert_int_equal(l->n, 4);
	referral_list_free(l);

	/* the line limit is inclusive: max bytes (without the line end) pass, max + 1 do not */
	struct referral_list_options small = {.max_line = 72};
	const char *edge = H1 ",99,abcd\r\n" H1 ",99,abcd\n" H1 ",99,abcde\n"; /* 72 (+ CR), 72, 73 bytes */
	assert_int_equal(referral_list_read_mem(edge, strlen(edge), &small, &l), RCX_OK);
	assert_int_equal(l->n, 2);
	assert_string_equal(l->entries[1].path, "abcd");
	assert_int_equal(l->n_errors, 1);
	assert_int_equal(l->errors[0].line, 3);
	referral_list_free(l);

	/* a line longer than the limit is a bad line, in memory and in a file read in chunks */
	size_t long_len = RCX_REFERRAL_LINE_MAX + 10;
	size_t total = long_len + 3 * 80 + 2 * RCX_READ_CHUNK;
	char *text = malloc(total + 1), *p = text;
	assert_non_null(text);
	p += sprintf(p, "%s\n", H1);
	memset(p, 'a', long_len);
	p += long_len;
	p += sprintf(p, "\n%s,5\n", H2);
	/* then enough lines to cross the file reader's chunk boundary more than once */
	size_t lines = 3;
	while ((size_t)(p - text) + 70 < total) {
		p += sprintf(p, "%s,%zu\n", (lines % 2) ? H1 : H2, lines % 101);
		lines++;
	}
	struct referral_list *from_mem = NULL, *from_file = NULL;
	assert_int_equal(referral_list_read_mem(text, (size_t)(p - text), NULL, &from_mem), RCX_OK);
	char *path = tmp_file(text, (size_t)(p - text));
	assert_int_equal(referral_list_read_file(path, NULL, &from_file), RCX_OK);
	unlink(path);
	free(path);
	for (struct referral_list *x = from_mem; x; x = x == from_mem ? from_file : NULL) {
		assert_int_equal(x->n_errors, 1);
		assert_int_equal(x->errors[0].line, 2);
		assert_non_null(strstr(x->errors[0].reason, "longer"));
		assert_int_equal(x->n, lines - 1);
		assert_int_equal(x->entries[1].line, 3);
		assert_int_equal(x->entries[1].quality, 5);
		assert_int_equal(x->entries[x->n - 1].line, lines);
	}
	assert_memory_equal(from_mem->hashes, from_file->hashes, from_mem->n * sizeof(struct referral_hash));
	referral_list_free(from_mem);
	referral_list_free(from_file);
	free(text);

	/* a long line at the very end of a file, without a newline */
	char *tail = malloc(RCX_REFERRAL_LINE_MAX * 3);
	assert_non_null(tail);
	size_t tl = (size_t)sprintf(tail, "%s\n", H1);
	memset(tail + tl, 'b', RCX_REFERRAL_LINE_MAX * 2);
	path = tmp_file(tail, tl + RCX_REFERRAL_LINE_MAX * 2);
	assert_int_equal(referral_list_read_file(path, NULL, &l), RCX_OK);
	assert_int_equal(l->n, 1);
	assert_int_equal(l->n_errors, 1);
	assert_int_equal(l->errors[0].line, 2);
	referral_list_free(l);
	unlink(path);
	free(path);
	free(tail);

	/* every bad line counted, the first RCX_REFERRAL_LIST_ERRORS_MAX kept */
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	for (unsigned i = 0; i < RCX_REFERRAL_LIST_ERRORS_MAX + 50; i++)
		rcx_strbuf_puts(&b, "bad\n");
	l = read_ok(b.data, REFERRAL_LIST_TEXT);
	assert_int_equal(l->n_errors, RCX_REFERRAL_LIST_ERRORS_MAX + 50);
	assert_int_equal(l->n_kept, RCX_REFERRAL_LIST_ERRORS_MAX);
	assert_int_equal(l->errors[RCX_REFERRAL_LIST_ERRORS_MAX - 1].line, RCX_REFERRAL_LIST_ERRORS_MAX);
	referral_list_free(l);
	rcx_strbuf_free(&b);

	/* a missing file */
	assert_int_equal(referral_list_read_file("/nonexistent/rcx/list.txt", NULL, &l), RCX_EIO);
}

static void assert_same_entries(const struct referral_list *a, const struct referral_list *b, bool with_path)
{
	assert_int_equal(a->n, b->n);
	assert_memory_equal(a->hashes, b->hashes, a->n * sizeof(struct referral_hash));
	for (size_t i = 0; i < a->n; i++) {
		const struct referral_list_entry *x = &a->entries[i], *y = &b->entries[i];
		assert_int_equal(x->quality, y->quality);
		assert_str_or_null(x->category, y->category);
		assert_str_or_null(x->reference, y->reference);
		assert_str_or_null(x->contributed_by, y->contributed_by);
		assert_str_or_null(x->added, y->added);
		if (with_path)
			assert_str_or_null(x->path, y->path);
	}
}

static void test_list_round_trip(void **state)
{
	(void)state;
	static const char *const inputs[] = {
		H1 "\n" H2 ",87\n" H1 ",100,images/a, b.jpg\n" H2 " 42 images/with space.png\n" H1 ",,notes\n",
		"hash,quality,category,reference,contributed_by,added\n" H1 ",90,propaganda,\"R, 1\",\"CERT \"\"hr\"\"\","
		"2024-05-01\n" H2 ",,,\" x \",,2024-05-01T10:30:00Z\n" H1 ",3,,#7,,\n",
	};
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct referral_list *l = read_ok(inputs[i], REFERRAL_LIST_AUTO);
		assert_int_equal(l->n_errors, 0);
		for (int f = REFERRAL_LIST_TEXT; f <= REFERRAL_LIST_CSV; f++) {
			struct rcx_strbuf out = RCX_STRBUF_INIT(0);
			assert_int_equal(referral_list_write(l, (enum referral_list_format)f, &out), RCX_OK);
			struct referral_list *again = read_ok(out.data ? out.data : "", REFERRAL_LIST_AUTO);
			assert_int_equal(again->format, f);
			assert_int_equal(again->n_errors, 0);
			if (f == REFERRAL_LIST_CSV || l->format == REFERRAL_LIST_TEXT)
				assert_same_entries(l, again, f == REFERRAL_LIST_TEXT);
			else
				assert_memory_equal(l->hashes, again->hashes, l->n * sizeof(struct referral_hash));
			referral_list_free(again);
			rcx_strbuf_free(&out);
		}
		referral_list_free(l);
	}
}

int main(void)
{
	const char *s = getenv("RCX_TEST_SEED");
	uint64_t seed = s && *s ? strtoull(s, NULL, 10) : (uint64_t)time(NULL);
	printf("test_pdq_index: seed %llu (RCX_TEST_SEED=%llu reproduces)\n", (unsigned long long)seed,
	       (unsigned long long)seed);
	rng = seed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_differential),  cmocka_unit_test(test_small),
		cmocka_unit_test(test_build_errors),  cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_corpus_golden), cmocka_unit_test(test_list_text),
		cmocka_unit_test(test_list_csv),      cmocka_unit_test(test_list_bad_lines),
		cmocka_unit_test(test_list_limits),   cmocka_unit_test(test_list_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
