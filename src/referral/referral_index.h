/* The PDQ similarity index: every entry within a Hamming distance of a query, exactly the answer of
 * a brute-force scan, in a fraction of its time at scale. The algorithm, its invariants and bounds
 * are described at the top of referral_index.c. Also the brute-force scan itself (referral_hashes_scan),
 * for short lists and as the reference the index is tested against.
 *
 * A built index is read-only: any number of threads may query it at once. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"
#include "referral/referral_hash.h"

/* One answer: the payload id given to the build for the entry, and its distance to the query. */
struct referral_match {
	uint32_t id;
	uint32_t distance;
};

/* A growable vector of answers; queries append to it. Zero-initialise; free with
 * referral_matches_free. */
struct referral_matches {
	struct referral_match *v;
	size_t n, cap;
};

/* How a query is answered: the cost model's choice (auto), or always one way (tests, the bench). */
enum referral_index_mode {
	REFERRAL_INDEX_AUTO,  /* probe the chunk tables, or scan when that is estimated cheaper */
	REFERRAL_INDEX_PROBE, /* always probe (any distance; slow for large ones) */
	REFERRAL_INDEX_SCAN,  /* always scan every entry */
	REFERRAL_INDEX_MODE_MAX
};

/* The layout of the chunk tables; a zero field is chosen from the entry count. */
struct referral_index_params {
	unsigned bucket_bits;  /* b: top bits of a 32-bit chunk that pick its bucket, 1..24 */
	unsigned key_bits;     /* k: next bits of the chunk kept in each table entry as a filter, 0..23 */
	unsigned locator_bits; /* l: bits of the home-block locator in each table entry, 1..20; k + l ≤ 24 */
	enum referral_index_mode mode;
};

struct referral_index;

/* Builds an index over hashes[0..n): the entry i answers with ids[i] (with i when ids is NULL).
 * params may be NULL (all chosen). n ≤ RCX_REFERRAL_INDEX_MAX (RCX_ELIMIT beyond); RCX_EINVAL for
 * an impossible params; RCX_ENOMEM. The index copies what it needs; the caller keeps its arrays. */
enum rcx_result referral_index_build(const struct referral_hash *hashes, const uint32_t *ids, size_t n,
				     const struct referral_index_params *params, struct referral_index **ret_idx);
/* Appends to out every entry at Hamming distance ≤ max_distance from q (any order, each entry once).
 * RCX_ENOMEM when out cannot grow (out then holds part of the answer). Safe to call concurrently. */
enum rcx_result referral_index_query(const struct referral_index *idx, const struct referral_hash *q,
				     unsigned max_distance, struct referral_matches *out);
/* Releases the index (NULL is fine). */
void referral_index_free(struct referral_index *idx);
/* Entries in the index. */
size_t referral_index_count(const struct referral_index *idx);
/* Bytes the built index holds (hashes, ids, tables), for the memory figure of the bench. */
size_t referral_index_bytes(const struct referral_index *idx);
/* The layout the build chose (every field filled in). */
void referral_index_params_get(const struct referral_index *idx, struct referral_index_params *ret_params);

/* Brute force: appends every i with distance(hashes[i], q) ≤ max_distance as {i, distance}, in
 * order of i. RCX_ENOMEM when out cannot grow. */
enum rcx_result referral_hashes_scan(const struct referral_hash *hashes, size_t n, const struct referral_hash *q,
			      unsigned max_distance, struct referral_matches *out);

/* Sorts answers by id (then distance), e.g. to compare two answers. */
void referral_matches_sort(struct referral_matches *m);
/* Frees the vector's storage and empties it. */
void referral_matches_free(struct referral_matches *m);
