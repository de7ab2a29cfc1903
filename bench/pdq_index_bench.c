/* PDQ similarity index benchmark: rcx's index (src/referral/referral_index) against a plain popcount
 * brute force written here, on the same generated hashes and queries in the same run, with the
 * answers of both compared query by query. Built by bench/meson.build, run by make bench.
 *
 *   pdq_index_bench [--n N] [--set uniform|clustered] [--queries Q] [--brute-queries QB]
 *                   [--distance D] [--seed S] [--bucket-bits B] [--key-bits K] [--locator-bits L]
 *                   [--mode auto|probe|scan]
 *
 * Hashes: uniform = 256 random bits each; clustered = near-duplicate groups: a random seed hash and
 * 1..63 members (mean 32), each the seed with k random bits flipped, k uniform in 0..40.
 * Queries: half are entries with 0..24 random bits flipped (near-duplicates), half are random.
 * The index answers all Q queries; the brute force answers the first QB of them (it is the slow
 * side) and both answers must be identical (exit status 1 otherwise). Prints one line of key=value
 * figures per run; without --n, runs 1 M and 10 M hashes, uniform and clustered, and prints a table.
 * Times are the thread's CPU time (see now_s). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "referral/referral_index.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void random_hash(struct referral_hash *h)
{
	for (int i = 0; i < 4; i++)
		h->w[i] = rnd();
}

/* Flips k distinct random bits of h. */
static void flip_bits(struct referral_hash *h, unsigned k)
{
	struct referral_hash done = {{0}};
	for (unsigned i = 0; i < k;) {
		unsigned bit = (unsigned)(rnd() % 256);
		if (referral_hash_bit(&done, bit))
			continue;
		referral_hash_set_bit(&done, bit);
		h->w[bit >> 6] ^= (uint64_t)1 << (bit & 63);
		i++;
	}
}

/* CPU time of this (only) thread: the VM is shared, and time spent waiting for the other core's
 * programs would otherwise count against whichever side was running. */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The baseline: one pass of popcounts over every hash. */
#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("popcnt")))
#endif
static size_t brute(const struct referral_hash *h, size_t n, const struct referral_hash *q, unsigned d,
		    struct referral_match *out, size_t cap)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned dist = (unsigned)(__builtin_popcountll(h[i].w[0] ^ q->w[0]) +
					   __builtin_popcountll(h[i].w[1] ^ q->w[1]) +
					   __builtin_popcountll(h[i].w[2] ^ q->w[2]) +
					   __builtin_popcountll(h[i].w[3] ^ q->w[3]));
		if (dist <= d) {
			if (m < cap) {
				out[m].id = (uint32_t)i;
				out[m].distance = dist;
			}
			m++;
		}
	}
	return m;
}

static bool arg_num(const char *s, unsigned long long *v)
{
	char *end;
	*v = strtoull(s, &end, 10);
	return *s && !*end;
}

struct run {
	unsigned long long n, nq, nqb, d, seed, bb, kb, lb;
	const char *set, *mode;
	/* results */
	double build_s, bytes_per_entry, ms_index, ms_brute, answers;
	struct referral_index_params params;
	bool identical;
};

static int run_one(struct run *ru)
{
	bool clustered = !strcmp(ru->set, "clustered");
	size_t n = ru->n, nq = ru->nq, nqb = ru->nqb;
	struct referral_index_params params = {(unsigned)ru->bb, (unsigned)ru->kb, (unsigned)ru->lb, REFERRAL_INDEX_AUTO};
	if (!strcmp(ru->mode, "probe"))
		params.mode = REFERRAL_INDEX_PROBE;
	else if (!strcmp(ru->mode, "scan"))
		params.mode = REFERRAL_INDEX_SCAN;
	rng_state = ru->seed;

	struct referral_hash *h = malloc(n * sizeof(*h)), *qs = malloc(nq * sizeof(*qs));
	if (!h || !qs)
		return 1;
	double t0 = now_s();
	for (size_t i = 0; i < n;) {
		if (!clustered) {
			random_hash(&h[i++]);
			continue;
		}
		struct referral_hash s;
		random_hash(&s);
		size_t members = 1 + (size_t)(rnd() % 63);
		for (size_t j = 0; j < members && i < n; j++, i++) {
			h[i] = s;
			flip_bits(&h[i], (unsigned)(rnd() % 41));
		}
	}
	for (size_t i = 0; i < nq; i++) {
		if (i % 2 == 0) {
			qs[i] = h[rnd() % n];
			flip_bits(&qs[i], (unsigned)(rnd() % 25));
		} else {
			random_hash(&qs[i]);
		}
	}
	double t_gen = now_s() - t0;

	t0 = now_s();
	struct referral_index *idx = NULL;
	if (referral_index_build(h, NULL, n, &params, &idx) != 0) {
		fprintf(stderr, "pdq_index_bench: build failed\n");
		return 1;
	}
	ru->build_s = now_s() - t0;
	referral_index_params_get(idx, &ru->params);

	/* the index: every query, the answers kept for the comparison */
	struct referral_matches *ans = calloc(nq, sizeof(*ans));
	size_t total = 0;
	if (!ans)
		return 1;
	t0 = now_s();
	for (size_t i = 0; i < nq; i++) {
		if (referral_index_query(idx, &qs[i], (unsigned)ru->d, &ans[i]) != 0) {
			fprintf(stderr, "pdq_index_bench: query failed\n");
			return 1;
		}
		total += ans[i].n;
	}
	double t_index = now_s() - t0;

	/* the brute force on the first nqb queries, compared */
	size_t cap = 1u << 20, mismatches = 0, total_b = 0, total_i_b = 0;
	struct referral_match *out = malloc(cap * sizeof(*out));
	double t_brute = 0;
	for (size_t i = 0; i < nqb && out; i++) {
		t0 = now_s();
		size_t m = brute(h, n, &qs[i], (unsigned)ru->d, out, cap);
		t_brute += now_s() - t0;
		total_b += m;
		total_i_b += ans[i].n;
		struct referral_matches got = ans[i];
		referral_matches_sort(&got);
		if (m > cap || got.n != m || (m && memcmp(got.v, out, m * sizeof(*out)))) {
			if (mismatches++ < 5)
				fprintf(stderr, "pdq_index_bench: query %zu: index %zu answers, brute force %zu\n", i,
					got.n, m);
		}
	}
	ru->bytes_per_entry = (double)referral_index_bytes(idx) / (double)n;
	ru->ms_index = t_index * 1e3 / (double)nq;
	ru->ms_brute = nqb ? t_brute * 1e3 / (double)nqb : 0;
	ru->answers = (double)total / (double)nq;
	ru->identical = out && mismatches == 0;
	printf("set=%s n=%zu distance=%llu queries=%zu brute_queries=%zu b=%u k=%u l=%u mode=%s gen_s=%.2f "
	       "build_s=%.3f bytes_per_entry=%.2f index_ms=%.4f brute_ms=%.3f speedup=%.1f answers_per_query=%.2f "
	       "answers_compared=%zu/%zu identical=%s\n",
	       ru->set, n, ru->d, nq, nqb, ru->params.bucket_bits, ru->params.key_bits, ru->params.locator_bits, ru->mode,
	       t_gen, ru->build_s, ru->bytes_per_entry, ru->ms_index, ru->ms_brute,
	       ru->ms_index > 0 ? ru->ms_brute / ru->ms_index : 0, ru->answers, total_i_b, total_b,
	       ru->identical ? "yes" : "NO");
	fflush(stdout);
	for (size_t i = 0; i < nq; i++)
		referral_matches_free(&ans[i]);
	free(ans);
	free(out);
	referral_index_free(idx);
	free(h);
	free(qs);
	return ru->identical ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct run one = {.n = 0, .nq = 2000, .nqb = 200, .d = 31, .seed = 1, .set = "uniform", .mode = "auto"};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned long long *num = !strcmp(a, "--n") ? &one.n : !strcmp(a, "--queries") ? &one.nq
				     : !strcmp(a, "--brute-queries") ? &one.nqb : !strcmp(a, "--distance") ? &one.d
				     : !strcmp(a, "--seed") ? &one.seed : !strcmp(a, "--bucket-bits") ? &one.bb
				     : !strcmp(a, "--key-bits") ? &one.kb : !strcmp(a, "--locator-bits") ? &one.lb : NULL;
		if (v && num && arg_num(v, num)) {
			i++;
		} else if (v && !strcmp(a, "--set")) {
			one.set = argv[++i];
		} else if (v && !strcmp(a, "--mode")) {
			one.mode = argv[++i];
		} else {
			fprintf(stderr, "usage: %s [--n N] [--set uniform|clustered] [--queries Q] [--brute-queries QB]\n"
					"  [--distance D] [--seed S] [--bucket-bits B] [--key-bits K] [--locator-bits L]"
					" [--mode auto|probe|scan]\n"
					"Without --n: 1 M and 10 M hashes, uniform and clustered, and a summary table.\n",
				argv[0]);
			return 2;
		}
	}
	if ((strcmp(one.set, "uniform") && strcmp(one.set, "clustered")) ||
	    (strcmp(one.mode, "auto") && strcmp(one.mode, "probe") && strcmp(one.mode, "scan")) || one.n > 100000000ull ||
	    one.nq == 0 || one.nqb > one.nq || one.d > 256) {
		fprintf(stderr, "pdq_index_bench: bad arguments\n");
		return 2;
	}
	if (one.n)
		return run_one(&one);

	/* the suite: the brute force answers fewer queries at 10 M to stay within a couple of minutes */
	struct run suite[4];
	static const char *const sets[2] = {"uniform", "clustered"};
	int status = 0;
	for (size_t i = 0; i < 4; i++) {
		suite[i] = one;
		suite[i].set = sets[i % 2];
		suite[i].n = i < 2 ? 1000000 : 10000000;
		suite[i].nqb = i < 2 ? 200 : 100;
		status |= run_one(&suite[i]);
	}
	printf("\n| hashes | set | index ms/query | brute force ms/query | × | bytes/entry | build s | answers/query |"
	       " identical |\n"
	       "|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; i < 4; i++)
		printf("| %llu | %s | %.3f | %.2f | %.1f | %.1f | %.2f | %.2f | %s |\n", suite[i].n, suite[i].set,
		       suite[i].ms_index, suite[i].ms_brute, suite[i].ms_brute / suite[i].ms_index, suite[i].bytes_per_entry,
		       suite[i].build_s, suite[i].answers, suite[i].identical ? "yes" : "NO");
	return status;
}
