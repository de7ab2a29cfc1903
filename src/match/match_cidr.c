/* Address and network indicators: which IP and CIDR indicators contain an address.
 *
 * Algorithm. Per family, every distinct interval (an address is a /32 or /128) is one node; nodes are
 * sorted by (network address, prefix length) and each knows its parent, the smallest node strictly
 * containing it. CIDR networks are laminar: two either nest or are disjoint. A lookup of x binary
 * searches the last node k with address ≤ x, walks up from k to the first ancestor containing x and
 * reports it and every ancestor above it.
 *
 * Why that finds them all: if node c contains x then c's address ≤ x, so c is at or before k in the
 * order; k's address lies between c's and x, hence inside c, so c and k intersect and (laminar, and c
 * sorts first) c contains k: every node containing x is an ancestor-or-self of k. Ancestors of a
 * node containing x contain x too, so once the walk meets one, the rest of the chain all match.
 *
 * Invariants (built here, checked on open by midx_cidr_valid): addresses strictly increasing in
 * (address, prefix) order; host bits clear, prefix ≤ width, IPv4 bytes 4..15 zero; parent recomputed
 * equal (a parent precedes its child and has a strictly shorter prefix); group[0] an IP group with a
 * full-width prefix, group[1] a CIDR group, not both empty.
 * Bounds: a lookup is one binary search (log2 n ≤ 28 probes) plus at most width + 1 (33 or 129) steps
 * up the chain, whatever the file holds. Build: one parse per group, one sort (IPv4: an LSD radix sort
 * on the 40-bit key address·prefix, five passes; IPv6: qsort), one linear pass with a stack of at most
 * width + 1 entries. */
#include <stdlib.h>

#include "match/match_index_impl.h"

static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;
	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xffu << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

/* Whether node a contains node b (or is it). */
static bool node_contains(const struct midx_node *a, const struct midx_node *b)
{
	return a->prefix <= b->prefix && prefix_equal(a->addr, b->addr, a->prefix);
}

static int node_cmp(const void *pa, const void *pb)
{
	const struct midx_node *a = pa, *b = pb;
	int c = memcmp(a->addr, b->addr, 16);
	return c ? c : (a->prefix > b->prefix) - (a->prefix < b->prefix);
}

/* Parents in sorted order: the stack holds the chain of nodes enclosing the current one. Writes
 * parent[i] through set (build) or compares (validation); returns false on a mismatch. */
static bool link_parents(struct midx_node *nodes, const struct midx_node *ro, uint32_t n)
{
	uint32_t stack[130];
	unsigned top = 0;
	const struct midx_node *v = nodes ? nodes : ro;
	for (uint32_t i = 0; i < n; i++) {
		while (top && !node_contains(&v[stack[top - 1]], &v[i]))
			top--;
		uint32_t parent = top ? stack[top - 1] : MIDX_NONE;
		if (nodes)
			nodes[i].parent = parent;
		else if (ro[i].parent != parent)
			return false;
		if (top == sizeof stack / sizeof stack[0])
			return false; /* cannot happen for sorted distinct prefixes; defends the array */
		stack[top++] = i;
	}
	return true;
}

static uint32_t be32(const uint8_t *x)
{
	return (uint32_t)x[0] << 24 | (uint32_t)x[1] << 16 | (uint32_t)x[2] << 8 | x[3];
}

struct keyed {
	uint64_t key;
	uint32_t i, pad;
};

/* Sorts IPv4 nodes as node_cmp does: by address (bytes 0-3, the rest are 0), then prefix. */
static enum rcx_result sort_v4(struct midx_node **pv, uint32_t n)
{
	struct midx_node *v = *pv, *out = malloc(((size_t)n + 1) * sizeof *out);
	struct keyed *a = malloc(((size_t)n + 1) * sizeof *a), *b = malloc(((size_t)n + 1) * sizeof *b);
	if (!out || !a || !b) {
		free(out);
		free(a);
		free(b);
		return RCX_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		a[i] = (struct keyed){(uint64_t)be32(v[i].addr) << 8 | v[i].prefix, i, 0};
	}
	for (unsigned shift = 0; shift < 40; shift += 8) {
		size_t cnt[257] = {0};
		for (uint32_t i = 0; i < n; i++)
			cnt[((a[i].key >> shift) & 255) + 1]++;
		for (unsigned d = 0; d < 256; d++)
			cnt[d + 1] += cnt[d];
		for (uint32_t i = 0; i < n; i++)
			b[cnt[(a[i].key >> shift) & 255]++] = a[i];
		struct keyed *t = a;
		a = b;
		b = t;
	}
	for (uint32_t i = 0; i < n; i++)
		out[i] = v[a[i].i];
	free(a);
	free(b);
	free(v);
	*pv = out;
	return RCX_OK;
}

enum rcx_result midx_cidr_build(const struct midx_group *groups, uint32_t ngroups, const char *strings,
				unsigned family, struct midx_node **ret_nodes, uint32_t *ret_n)
{
	uint32_t n = 0;
	for (uint32_t g = 0; g < ngroups; g++)
		if (groups[g].kind == MATCH_IP || groups[g].kind == MATCH_CIDR)
			n++;
	struct midx_node *v = malloc(((size_t)n + 1) * sizeof *v);
	if (!v)
		return RCX_ENOMEM;
	n = 0;
	for (uint32_t g = 0; g < ngroups; g++) {
		if (groups[g].kind != MATCH_IP && groups[g].kind != MATCH_CIDR)
			continue;
		struct rcx_cidr c;
		if (rcx_cidr_parse(strings + groups[g].text_off, groups[g].text_len, false, &c) != RCX_OK) {
			free(v);
			return RCX_EINVAL; /* normalised text that does not parse: a bug in match_norm */
		}
		if (c.ip.family != family)
			continue;
		struct midx_node *d = &v[n++];
		memset(d, 0, sizeof *d);
		memcpy(d->addr, c.ip.addr, family == 4 ? 4 : 16);
		d->prefix = c.prefix;
		d->group[0] = d->group[1] = MIDX_NONE;
		d->group[groups[g].kind == MATCH_CIDR] = g;
	}
	if (family == 4) {
		enum rcx_result r = sort_v4(&v, n);
		if (r != RCX_OK) {
			free(v);
			return r;
		}
	} else {
		qsort(v, n, sizeof *v, node_cmp);
	}
	/* merge an address with the full-width network of the same bits ("192.0.2.1" and "192.0.2.1/32") */
	uint32_t m = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (m && node_cmp(&v[m - 1], &v[i]) == 0) {
			for (int s = 0; s < 2; s++)
				if (v[i].group[s] != MIDX_NONE) {
					if (v[m - 1].group[s] != MIDX_NONE) {
						free(v);
						return RCX_EINVAL; /* two texts normalised to one network */
					}
					v[m - 1].group[s] = v[i].group[s];
				}
			continue;
		}
		v[m++] = v[i];
	}
	link_parents(v, NULL, m);
	*ret_nodes = v;
	*ret_n = m;
	return RCX_OK;
}

bool midx_cidr_valid(const struct match_index *idx, unsigned fam)
{
	const struct midx_node *v = idx->nodes[fam];
	uint32_t n = idx->nnodes[fam];
	unsigned width = fam ? 128 : 32;
	static const uint8_t zero[16];
	for (uint32_t i = 0; i < n; i++) {
		const struct midx_node *d = &v[i];
		if (d->prefix > width || (!fam && memcmp(d->addr + 4, zero, 12) != 0))
			return false;
		/* host bits clear: the address equals itself masked */
		uint8_t masked[16] = {0};
		memcpy(masked, d->addr, d->prefix / 8);
		if (d->prefix % 8)
			masked[d->prefix / 8] = (uint8_t)(d->addr[d->prefix / 8] & (0xffu << (8 - d->prefix % 8)));
		if (memcmp(masked, d->addr, 16) != 0)
			return false;
		if (i && node_cmp(&v[i - 1], d) >= 0)
			return false;
		if (d->group[0] == MIDX_NONE && d->group[1] == MIDX_NONE)
			return false;
		if (d->group[0] != MIDX_NONE && (d->group[0] >= idx->h->ngroups ||
						 midx_group_kind(idx, d->group[0]) != MATCH_IP || d->prefix != width))
			return false;
		if (d->group[1] != MIDX_NONE &&
		    (d->group[1] >= idx->h->ngroups || midx_group_kind(idx, d->group[1]) != MATCH_CIDR))
			return false;
	}
	return link_parents(NULL, v, n);
}

enum rcx_result match_index_ip(const struct match_index *idx, const struct rcx_ip *ip, match_hit_fn cb, void *ctx)
{
	struct rcx_ip a = *ip;
	if (a.family != 4 && a.family != 6)
		return RCX_EINVAL;
	if (a.family == 4)
		memset(a.addr + 4, 0, 12);
	match_norm_ip_unmap(&a);
	unsigned fam = a.family == 6;
	const struct midx_node *v = idx->nodes[fam];
	uint32_t lo = 0, hi = idx->nnodes[fam]; /* first node with address > x is in [lo, hi] */
	if (fam == 0) {
		uint32_t x = be32(a.addr);
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (be32(v[mid].addr) <= x)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (memcmp(v[mid].addr, a.addr, 16) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return RCX_OK;
	uint32_t k = lo - 1;
	while (k != MIDX_NONE && !prefix_equal(v[k].addr, a.addr, v[k].prefix))
		k = v[k].parent;
	for (; k != MIDX_NONE; k = v[k].parent)
		for (int s = 0; s < 2; s++)
			if (v[k].group[s] != MIDX_NONE)
				midx_report_group(idx, v[k].group[s], cb, ctx);
	return RCX_OK;
}
