/* String indicators (domains, URLs, hashes, e-mail addresses): one open-addressing hash set of groups
 * behind a Bloom filter.
 *
 * Algorithm. Slots hold (group, high 32 bits of the hash); a group of kind k with normalised text t sits
 * in the probe sequence j, j+1, ... (mod nslots) from j = (low 32 bits of h) × nslots / 2^32, h =
 * midx_hash(k, t). A lookup first asks the Bloom filter (one 64-bit word per key, three bits: about 4 %
 * false positives at 8 bits per key), which answers most misses from a table 10 times smaller than the
 * slots; then it compares the tag, kind and length, then the text. Domains: the observable's
 * normalised name is probed, then each parent suffix after a dot, so "a.b.evil.example" finds
 * "evil.example" but "notevil.example" cannot (suffixes start on label boundaries only).
 *
 * Built with nslots ≥ 4/3 × the string groups (load ≤ 3/4; long probes are rare behind the filter)
 * and nbloom a power of two ≥ string groups / 8. Inserting walks the groups with their hashes computed
 * at dedupe and prefetches slots a few groups ahead. Invariants checked on open: max_probe < nslots,
 * nslots ≤ 2 × groups + 2, nbloom 0 or a power of two, every used slot names a group of a string kind.
 * Bounds: a probe looks at no more than max_probe + 1 slots (the file's longest displacement, read from
 * the header, so even a corrupt but accepted file cannot make it loop); a domain lookup probes at most
 * 127 suffixes (labels of a 253-byte name). A wrong slot or filter bit (corrupt file) can only cause a
 * missed or extra match, never a read outside the file. */
#include <stdlib.h>

#include "match/match_index_impl.h"

#define PREFETCH_AHEAD 16u

static uint32_t slot_start(uint64_t h, uint32_t nslots)
{
	return (uint32_t)(((h & 0xffffffffull) * nslots) >> 32);
}

enum rcx_result midx_hash_build(const struct midx_group *groups, const uint64_t *ghash, uint32_t ngroups,
				struct midx_slot **ret_slots, uint32_t *ret_nslots, uint32_t *ret_max_probe,
				uint64_t **ret_bloom, uint32_t *ret_nbloom)
{
	uint32_t m = 0;
	for (uint32_t g = 0; g < ngroups; g++)
		m += midx_string_kind(groups[g].kind);
	*ret_slots = NULL;
	*ret_nslots = 0;
	*ret_max_probe = 0;
	*ret_bloom = NULL;
	*ret_nbloom = 0;
	if (m == 0)
		return RCX_OK;
	uint64_t n = (uint64_t)m + m / 3 + 1;
	uint64_t nb = 1;
	while (nb * 8 < m)
		nb *= 2;
	if (n > UINT32_MAX / 2)
		return RCX_ELIMIT;
	struct midx_slot *t = malloc(n * sizeof *t);
	uint64_t *bloom = calloc(nb, sizeof *bloom);
	if (!t || !bloom) {
		free(t);
		free(bloom);
		return RCX_ENOMEM;
	}
	midx_hugepage_hint(t, n * sizeof *t);
	memset(t, 0xff, n * sizeof *t);
	uint32_t max_probe = 0;
	for (uint32_t g = 0; g < ngroups; g++) {
		if (g + PREFETCH_AHEAD < ngroups)
			__builtin_prefetch(&t[slot_start(ghash[g + PREFETCH_AHEAD], (uint32_t)n)], 1);
		if (!midx_string_kind(groups[g].kind))
			continue;
		uint64_t h = ghash[g];
		uint32_t j = slot_start(h, (uint32_t)n), probe = 0, w;
		while (t[j].group != MIDX_NONE) {
			if (++j == n)
				j = 0;
			probe++;
		}
		t[j] = (struct midx_slot){g, (uint32_t)(h >> 32)};
		if (probe > max_probe)
			max_probe = probe;
		uint64_t bits = midx_bloom_bits(h, (uint32_t)nb, &w);
		bloom[w] |= bits;
	}
	*ret_slots = t;
	*ret_nslots = (uint32_t)n;
	*ret_max_probe = max_probe;
	*ret_bloom = bloom;
	*ret_nbloom = (uint32_t)nb;
	return RCX_OK;
}

bool midx_hash_valid(const struct match_index *idx)
{
	for (uint32_t i = 0; i < idx->h->nslots; i++) {
		uint32_t g = idx->slots[i].group;
		if (g != MIDX_NONE && (g >= idx->h->ngroups || !midx_string_kind(midx_group_kind(idx, g))))
			return false;
	}
	return true;
}

uint32_t midx_hash_find(const struct match_index *idx, unsigned kind, const char *s, size_t n)
{
	uint32_t nslots = idx->h->nslots;
	if (nslots == 0)
		return MIDX_NONE;
	uint64_t h = midx_hash(kind, s, n);
	if (idx->h->nbloom) {
		uint32_t w;
		uint64_t bits = midx_bloom_bits(h, idx->h->nbloom, &w);
		if ((idx->bloom[w] & bits) != bits)
			return MIDX_NONE;
	}
	uint32_t tag = (uint32_t)(h >> 32), j = slot_start(h, nslots);
	for (uint32_t p = 0; p <= idx->h->max_probe; p++) {
		const struct midx_slot *sl = &idx->slots[j];
		if (sl->group == MIDX_NONE)
			return MIDX_NONE;
		if (sl->tag == tag && midx_group_kind(idx, sl->group) == kind && midx_group_len(idx, sl->group) == n &&
		    memcmp(midx_group_text(idx, sl->group), s, n) == 0)
			return sl->group;
		if (++j == nslots)
			j = 0;
	}
	return MIDX_NONE;
}

enum rcx_result match_index_domain(const struct match_index *idx, const char *name, size_t len, match_hit_fn cb,
				   void *ctx)
{
	char buf[MATCH_NORM_BUF];
	size_t n;
	enum rcx_result r = match_norm_domain(name, len, buf, sizeof buf, &n);
	if (r != RCX_OK)
		return r;
	for (size_t i = 0; i < n;) {
		uint32_t g = midx_hash_find(idx, MATCH_DOMAIN, buf + i, n - i);
		if (g != MIDX_NONE)
			midx_report_group(idx, g, cb, ctx);
		const char *dot = memchr(buf + i, '.', n - i);
		if (!dot)
			break;
		i = (size_t)(dot - buf) + 1;
	}
	return RCX_OK;
}

enum rcx_result match_index_exact(const struct match_index *idx, enum match_kind kind, const char *text, size_t len,
				  match_hit_fn cb, void *ctx)
{
	char buf[MATCH_NORM_BUF];
	size_t n;
	if (!midx_string_kind(kind))
		return RCX_EINVAL;
	enum rcx_result r = match_norm(kind, text, len, buf, sizeof buf, &n);
	if (r != RCX_OK)
		return r;
	uint32_t g = midx_hash_find(idx, kind, buf, n);
	if (g != MIDX_NONE)
		midx_report_group(idx, g, cb, ctx);
	return RCX_OK;
}
