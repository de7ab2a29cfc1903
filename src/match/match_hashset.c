/* String indicators (domains, URLs, hashes, e-mail addresses): one open-addressing hash set of groups.
 *
 * Algorithm. Slots hold (group, high 32 bits of the hash); a group of kind k with normalised text t sits
 * in the probe sequence h, h+1, ... (mod nslots) of h = midx_hash(k, t). A lookup compares the tag, then
 * kind and length, then the text. Domains: the observable's normalised name is probed, then each parent
 * suffix after a dot, so "a.b.evil.example" finds "evil.example" but "notevil.example" cannot (suffixes
 * start on label boundaries only).
 *
 * Built with nslots a power of two ≥ 2 × the string groups (load ≤ 1/2). Invariants checked on open:
 * nslots is 0 or a power of two, max_probe < nslots, every used slot names a group of a string kind. Bounds: a probe looks
 * at no more than max_probe + 1 slots (the file's longest displacement, read from the header, so even a
 * corrupt but accepted file cannot make it loop); a domain lookup probes at most 127 suffixes (labels of
 * a 253-byte name). A wrong slot (corrupt file) can only cause a missed or extra match, never a read
 * outside the file. */
#include <stdlib.h>

#include "match/match_index_impl.h"

enum rcx_result midx_hash_build(const struct midx_group *groups, uint32_t ngroups, const char *strings,
				struct midx_slot **ret_slots, uint32_t *ret_nslots, uint32_t *ret_max_probe)
{
	uint32_t m = 0;
	for (uint32_t g = 0; g < ngroups; g++)
		m += midx_string_kind(groups[g].kind);
	*ret_slots = NULL;
	*ret_nslots = 0;
	*ret_max_probe = 0;
	if (m == 0)
		return RCX_OK;
	uint64_t n = 2;
	while (n < 2 * (uint64_t)m)
		n *= 2;
	if (n > UINT32_MAX / 2 + 1)
		return RCX_ELIMIT;
	struct midx_slot *t = malloc(n * sizeof *t);
	if (!t)
		return RCX_ENOMEM;
	memset(t, 0xff, n * sizeof *t);
	uint32_t max_probe = 0;
	for (uint32_t g = 0; g < ngroups; g++) {
		if (!midx_string_kind(groups[g].kind))
			continue;
		uint64_t h = midx_hash(groups[g].kind, strings + groups[g].text_off, groups[g].text_len);
		uint64_t j = h & (n - 1);
		uint32_t probe = 0;
		while (t[j].group != MIDX_NONE) {
			j = (j + 1) & (n - 1);
			probe++;
		}
		t[j] = (struct midx_slot){g, (uint32_t)(h >> 32)};
		if (probe > max_probe)
			max_probe = probe;
	}
	*ret_slots = t;
	*ret_nslots = (uint32_t)n;
	*ret_max_probe = max_probe;
	return RCX_OK;
}

bool midx_hash_valid(const struct match_index *idx)
{
	for (uint32_t i = 0; i < idx->h->nslots; i++) {
		uint32_t g = idx->slots[i].group;
		if (g != MIDX_NONE && (g >= idx->h->ngroups || !midx_string_kind(idx->groups[g].kind)))
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
	uint32_t tag = (uint32_t)(h >> 32), j = (uint32_t)h & (nslots - 1);
	for (uint32_t p = 0; p <= idx->h->max_probe; p++, j = (j + 1) & (nslots - 1)) {
		const struct midx_slot *sl = &idx->slots[j];
		if (sl->group == MIDX_NONE)
			return MIDX_NONE;
		const struct midx_group *g = &idx->groups[sl->group];
		if (sl->tag == tag && g->kind == kind && g->text_len == n &&
		    memcmp(midx_group_text(idx, sl->group), s, n) == 0)
			return sl->group;
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
