/* Longest-prefix match by flattening prefixes into disjoint address ranges.
 *
 * Algorithm. Prefixes either nest or are disjoint, so sorting them by (start address, length) and
 * sweeping with a stack of the currently open prefixes cuts each family's address space into
 * maximal ranges whose longest covering prefix is the same. A range is stored as its first address
 * (starts[], sorted) and a leaf (value, prefix length, whether any prefix covers it). A lookup is
 * "the last range starting at or below the address": a 65537-entry index on the top 16 address bits
 * narrows the binary search to the ranges of one bucket, which for a full IPv4 table (~1 M prefixes,
 * ~30 ranges per bucket on average) is a handful of probes within a few cache lines, then one more
 * cache line for the leaf. This was chosen over a path-compressed trie because the arrays are
 * contiguous (no pointer chasing, one allocation per array, trivially shareable read-only between
 * threads) and the build is a sort plus one linear pass, easy to check against a linear scan.
 *
 * Invariants of a built family: starts[0] == 0; starts[] strictly increasing; the leaf of range i
 * is the longest prefix covering every address in [starts[i], starts[i+1]); neighbouring ranges
 * have different leaves (merged otherwise — merging is exact because the leaf keeps the prefix
 * length, and the network is rebuilt from the queried address); index[b] is the last range whose
 * start is <= b << (width - 16), index[65536] is the last range.
 *
 * Bounds: n prefixes give at most 2n + 1 ranges. Memory: IPv4 20 bytes per range, IPv6 32 bytes
 * per range, 256 KiB of index per family; building holds 32 bytes per added prefix plus the sort.
 * Lookup: O(log(ranges in one bucket)) comparisons, no allocation, no writes. */
#include "ingest/ingest_prefix.h"

#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 pfx_u128;

#define INDEX_BITS 16u
#define INDEX_SIZE ((1u << INDEX_BITS) + 1u)

/* A prefix as added, before the build. */
struct pfx_entry {
	pfx_u128 start; /* network address; IPv4 in the low 32 bits */
	uint64_t value;
	uint32_t seq; /* insertion order: the last of equal prefixes wins */
	uint8_t plen;
	uint8_t family;
};

struct pfx_leaf {
	uint64_t value;
	uint8_t plen;
	uint8_t set;
};

struct pfx_family {
	size_t n;           /* ranges */
	uint32_t *start4;   /* IPv4 range starts (start4 or start6 is used, by family) */
	pfx_u128 *start6;
	struct pfx_leaf *leaf;
	uint32_t *index;    /* INDEX_SIZE entries */
};

struct ingest_prefix {
	size_t max;
	struct pfx_entry *pending;
	size_t n_pending, cap_pending;
	bool built;
	size_t count;
	struct pfx_family v4, v6;
};

enum rcx_result ingest_prefix_new(size_t max_entries, struct ingest_prefix **ret_table)
{
	struct ingest_prefix *t = calloc(1, sizeof(*t));
	if (!t)
		return RCX_ENOMEM;
	t->max = max_entries;
	*ret_table = t;
	return RCX_OK;
}

static pfx_u128 host_mask(unsigned width, unsigned plen)
{
	if (plen >= width)
		return 0;
	if (width - plen == 128)
		return ~(pfx_u128)0;
	return ((pfx_u128)1 << (width - plen)) - 1;
}

static pfx_u128 addr_key(const struct rcx_ip *ip)
{
	unsigned nbytes = ip->family == 6 ? 16 : 4;
	pfx_u128 k = 0;
	for (unsigned i = 0; i < nbytes; i++)
		k = k << 8 | ip->addr[i];
	return k;
}

enum rcx_result ingest_prefix_add(struct ingest_prefix *t, const struct rcx_cidr *c, uint64_t value)
{
	if (t->built)
		return RCX_EINVAL;
	unsigned width = c->ip.family == 6 ? 128 : c->ip.family == 4 ? 32 : 0;
	if (width == 0 || c->prefix > width)
		return RCX_EINVAL;
	if (t->n_pending >= t->max || t->n_pending >= UINT32_MAX)
		return RCX_ELIMIT;
	if (t->n_pending == t->cap_pending) {
		size_t ncap = t->cap_pending ? t->cap_pending * 2 : 1024;
		struct pfx_entry *p = realloc(t->pending, ncap * sizeof(*p));
		if (!p)
			return RCX_ENOMEM;
		t->pending = p;
		t->cap_pending = ncap;
	}
	struct pfx_entry *e = &t->pending[t->n_pending];
	e->start = addr_key(&c->ip) & ~host_mask(width, c->prefix);
	e->value = value;
	e->seq = (uint32_t)t->n_pending;
	e->plen = c->prefix;
	e->family = c->ip.family;
	t->n_pending++;
	return RCX_OK;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct pfx_entry *x = a, *y = b;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The ranges being produced by the sweep. */
struct sweep {
	pfx_u128 *start;
	struct pfx_leaf *leaf;
	size_t n;
};

static bool leaf_eq(const struct pfx_leaf *a, const struct pfx_leaf *b)
{
	return a->set == b->set && (!a->set || (a->value == b->value && a->plen == b->plen));
}

/* Starts a range at s (starts arrive in non-decreasing order); a range of the same start is replaced. */
static void sweep_emit(struct sweep *sw, pfx_u128 s, const struct pfx_leaf *leaf)
{
	if (sw->n > 0 && sw->start[sw->n - 1] == s)
		sw->leaf[sw->n - 1] = *leaf;
	else {
		sw->start[sw->n] = s;
		sw->leaf[sw->n] = *leaf;
		sw->n++;
	}
	if (sw->n >= 2 && leaf_eq(&sw->leaf[sw->n - 1], &sw->leaf[sw->n - 2]))
		sw->n--;
}

/* Builds one family from its sorted, de-duplicated entries e[0..n). */
static enum rcx_result family_build(struct pfx_family *f, const struct pfx_entry *e, size_t n, unsigned width)
{
	struct {
		pfx_u128 end;
		struct pfx_leaf leaf;
	} stack[129];
	static const struct pfx_leaf none = {0, 0, 0};
	const pfx_u128 all = host_mask(width, 0);
	struct sweep sw = {0};
	enum rcx_result r = RCX_ENOMEM;
	size_t sp = 0;

	sw.start = malloc((2 * n + 1) * sizeof(*sw.start));
	sw.leaf = malloc((2 * n + 1) * sizeof(*sw.leaf));
	f->index = malloc(INDEX_SIZE * sizeof(*f->index));
	if (!sw.start || !sw.leaf || !f->index)
		goto fail;
	sweep_emit(&sw, 0, &none);
	for (size_t i = 0; i <= n; i++) {
		/* Close the open prefixes that end before this one starts (all of them after the last). */
		while (sp > 0 && (i == n || stack[sp - 1].end < e[i].start)) {
			pfx_u128 end = stack[--sp].end;
			if (end != all)
				sweep_emit(&sw, end + 1, sp > 0 ? &stack[sp - 1].leaf : &none);
		}
		if (i == n)
			break;
		struct pfx_leaf leaf = {e[i].value, e[i].plen, 1};
		sweep_emit(&sw, e[i].start, &leaf);
		stack[sp].end = e[i].start | host_mask(width, e[i].plen);
		stack[sp].leaf = leaf;
		sp++;
	}
	f->n = sw.n;
	f->leaf = sw.leaf;
	sw.leaf = NULL;
	if (width == 32) {
		f->start4 = malloc(sw.n * sizeof(*f->start4));
		if (!f->start4)
			goto fail;
		for (size_t i = 0; i < sw.n; i++)
			f->start4[i] = (uint32_t)sw.start[i];
	} else {
		f->start6 = sw.start;
		sw.start = NULL;
	}
	/* index[b]: last range starting at or below the first address of bucket b. */
	size_t i = 0;
	const pfx_u128 *starts6 = f->start6;
	for (size_t b = 0; b + 1 < INDEX_SIZE; b++) {
		pfx_u128 key = (pfx_u128)b << (width - INDEX_BITS);
		while (i + 1 < sw.n && (width == 32 ? (pfx_u128)f->start4[i + 1] : starts6[i + 1]) <= key)
			i++;
		f->index[b] = (uint32_t)i;
	}
	f->index[INDEX_SIZE - 1] = (uint32_t)(sw.n - 1);
	r = RCX_OK;
fail:
	free(sw.start);
	free(sw.leaf);
	return r;
}

enum rcx_result ingest_prefix_build(struct ingest_prefix *t)
{
	if (t->built)
		return RCX_EINVAL;
	size_t n = t->n_pending;
	struct pfx_entry *e = t->pending;
	if (n)
		qsort(e, n, sizeof(*e), entry_cmp);
	/* Keep the last of equal prefixes: it sorts last in its run. */
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && e[i + 1].family == e[i].family && e[i + 1].start == e[i].start &&
		    e[i + 1].plen == e[i].plen)
			continue;
		e[m++] = e[i];
	}
	size_t n4 = 0;
	while (n4 < m && e[n4].family == 4)
		n4++;
	enum rcx_result r = family_build(&t->v4, e, n4, 32);
	if (r == RCX_OK)
		r = family_build(&t->v6, e ? e + n4 : NULL, m - n4, 128); /* e is NULL for an empty table */
	if (r != RCX_OK)
		return r;
	free(t->pending);
	t->pending = NULL;
	t->n_pending = t->cap_pending = 0;
	t->count = m;
	t->built = true;
	return RCX_OK;
}

bool ingest_prefix_lookup(const struct ingest_prefix *t, const struct rcx_ip *ip,
			  struct ingest_prefix_match *ret_match)
{
	if (!t->built)
		return false;
	const struct pfx_family *f;
	size_t lo, hi;
	if (ip->family == 4) {
		f = &t->v4;
		uint32_t k = (uint32_t)ip->addr[0] << 24 | (uint32_t)ip->addr[1] << 16 | (uint32_t)ip->addr[2] << 8 |
			     ip->addr[3];
		lo = f->index[k >> 16];
		hi = f->index[(k >> 16) + 1];
		while (lo < hi) {
			size_t mid = (lo + hi + 1) / 2;
			if (f->start4[mid] <= k)
				lo = mid;
			else
				hi = mid - 1;
		}
	} else if (ip->family == 6) {
		f = &t->v6;
		pfx_u128 k = addr_key(ip);
		size_t b = (size_t)(k >> (128 - INDEX_BITS));
		lo = f->index[b];
		hi = f->index[b + 1];
		while (lo < hi) {
			size_t mid = (lo + hi + 1) / 2;
			if (f->start6[mid] <= k)
				lo = mid;
			else
				hi = mid - 1;
		}
	} else {
		return false;
	}
	const struct pfx_leaf *leaf = &f->leaf[lo];
	if (!leaf->set)
		return false;
	ret_match->value = leaf->value;
	ret_match->plen = leaf->plen;
	return true;
}

size_t ingest_prefix_count(const struct ingest_prefix *t)
{
	return t->built ? t->count : 0;
}

static size_t family_memory(const struct pfx_family *f)
{
	if (!f->index)
		return 0;
	return INDEX_SIZE * sizeof(*f->index) + f->n * sizeof(*f->leaf) +
	       f->n * (f->start4 ? sizeof(*f->start4) : sizeof(*f->start6));
}

size_t ingest_prefix_memory(const struct ingest_prefix *t)
{
	return sizeof(*t) + family_memory(&t->v4) + family_memory(&t->v6) + t->cap_pending * sizeof(*t->pending);
}

static void family_free(struct pfx_family *f)
{
	free(f->start4);
	free(f->start6);
	free(f->leaf);
	free(f->index);
}

void ingest_prefix_free(struct ingest_prefix *t)
{
	if (!t)
		return;
	free(t->pending);
	family_free(&t->v4);
	family_free(&t->v6);
	free(t);
}
