/* The indicator index: builder, compiled file, validation on open (layout: match_index_impl.h).
 *
 * Build: each added indicator is normalised once and appended to one text buffer (no allocation per
 * indicator). Compiling dedupes in O(n) with an open-addressing table over (kind, text), numbering groups
 * in order of first appearance, with the table's slots prefetched a few indicators ahead (the table is
 * far larger than the caches at millions of indicators); duplicates go to DUPS in id order and to DUPG
 * by a counting sort on their group; then match_cidr.c sorts the address intervals and match_hashset.c
 * fills the string slots and the Bloom filter from the hashes the dedupe computed. Memory in the file per
 * distinct indicator: 4 (GFIRST) + 8 (GROUPS) + 32 (an address node) or about 11 (slots at load ≤ 3/4)
 * + 1 (filter), plus its text and NUL; each duplicate adds 16 (DUPS and DUPG).
 *
 * Open: every count, offset and length is checked against the file before anything is read through it,
 * with overflow-safe arithmetic; then every table is checked against the invariants its lookups rely on
 * (match_cidr.c and match_hashset.c for theirs), so a lookup on an opened index never reads out of
 * bounds and always terminates. */
#include "match/match_index_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strbuf.h"

struct mb_entry {
	uint64_t off; /* into text */
	uint32_t len;
	uint32_t kind;
};

struct match_builder {
	char *text; /* normalised texts, each followed by NUL */
	size_t text_len, text_cap;
	struct mb_entry *ent;
	uint32_t n, cap;
};

enum rcx_result match_builder_new(struct match_builder **ret_b)
{
	struct match_builder *b = calloc(1, sizeof *b);
	if (!b)
		return RCX_ENOMEM;
	*ret_b = b;
	return RCX_OK;
}

void match_builder_free(struct match_builder *b)
{
	if (!b)
		return;
	free(b->text);
	free(b->ent);
	free(b);
}

uint32_t match_builder_count(const struct match_builder *b)
{
	return b->n;
}

enum rcx_result match_builder_add(struct match_builder *b, const char *text, size_t len, enum match_kind kind,
				  uint32_t *ret_id)
{
	char norm[MATCH_NORM_BUF];
	size_t nlen;
	if (len > MATCH_TEXT_MAX)
		return RCX_ELIMIT;
	if (kind == MATCH_KIND_MAX && (kind = match_kind_detect(text, len)) == MATCH_KIND_MAX)
		return RCX_EPARSE;
	enum rcx_result r = match_norm(kind, text, len, norm, sizeof norm, &nlen);
	if (r != RCX_OK)
		return r;
	if (b->n >= MATCH_INDICATORS_MAX)
		return RCX_ELIMIT;
	if (b->n == b->cap) {
		uint32_t cap = b->cap ? b->cap * 2 : 1024;
		if (cap > MATCH_INDICATORS_MAX)
			cap = MATCH_INDICATORS_MAX;
		struct mb_entry *e = realloc(b->ent, (size_t)cap * sizeof *e);
		if (!e)
			return RCX_ENOMEM;
		b->ent = e;
		b->cap = cap;
	}
	if (b->text_cap - b->text_len < nlen + 1) {
		size_t cap = b->text_cap ? b->text_cap * 2 : 65536;
		while (cap - b->text_len < nlen + 1)
			cap *= 2;
		char *t = realloc(b->text, cap);
		if (!t)
			return RCX_ENOMEM;
		b->text = t;
		b->text_cap = cap;
	}
	memcpy(b->text + b->text_len, norm, nlen + 1);
	b->ent[b->n] = (struct mb_entry){b->text_len, (uint32_t)nlen, (uint32_t)kind};
	b->text_len += nlen + 1;
	if (ret_id)
		*ret_id = b->n;
	b->n++;
	return RCX_OK;
}

/* ---- compiling ---- */

#define PREFETCH_AHEAD 16u

struct compiled {
	struct midx_header h;
	uint32_t *gfirst; /* first entry of each group: its id and its text in the builder */
	struct midx_dup *dups, *dupg;
	uint64_t *groups;
	struct midx_node *nodes[2];
	struct midx_slot *slots;
	uint64_t *bloom;
};

static void compiled_free(struct compiled *c)
{
	free(c->gfirst);
	free(c->dups);
	free(c->dupg);
	free(c->groups);
	free(c->nodes[0]);
	free(c->nodes[1]);
	free(c->slots);
	free(c->bloom);
}

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~(uint64_t)7;
}

void midx_hugepage_hint(void *p, size_t n)
{
	const uintptr_t huge = 2u << 20;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), z = ((uintptr_t)p + n) & ~(huge - 1);
	if (z > a)
		(void)madvise((void *)a, z - a, MADV_HUGEPAGE);
}

static uint64_t entry_hash(const struct match_builder *b, uint32_t i)
{
	return midx_hash(b->ent[i].kind, b->text + b->ent[i].off, b->ent[i].len);
}

/* Groups in order of first appearance: idgroup[i] for every entry, c->gfirst and ghash per group. */
static enum rcx_result dedupe(const struct match_builder *b, struct compiled *c, uint32_t *idgroup, uint64_t *ghash,
			      uint32_t *ret_ng)
{
	uint32_t n = b->n;
	uint64_t tsize = 2;
	while (tsize < 2 * (uint64_t)n)
		tsize *= 2;
	struct midx_slot *t = malloc(tsize * sizeof *t);
	if (!t)
		return RCX_ENOMEM;
	midx_hugepage_hint(t, tsize * sizeof *t);
	memset(t, 0xff, tsize * sizeof *t);
	uint64_t ahead[PREFETCH_AHEAD];
	for (uint32_t i = 0; i < n && i < PREFETCH_AHEAD; i++) {
		ahead[i] = entry_hash(b, i);
		__builtin_prefetch(&t[ahead[i] & (tsize - 1)], 1);
	}
	uint32_t ng = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct mb_entry *e = &b->ent[i];
		const char *s = b->text + e->off;
		uint64_t h = ahead[i % PREFETCH_AHEAD];
		if (i + PREFETCH_AHEAD < n) {
			uint64_t nh = entry_hash(b, i + PREFETCH_AHEAD);
			ahead[i % PREFETCH_AHEAD] = nh;
			__builtin_prefetch(&t[nh & (tsize - 1)], 1);
		}
		uint32_t tag = (uint32_t)(h >> 32);
		for (uint64_t j = h & (tsize - 1);; j = (j + 1) & (tsize - 1)) {
			if (t[j].group == MIDX_NONE) {
				t[j] = (struct midx_slot){ng, tag};
				c->gfirst[ng] = i;
				ghash[ng] = h;
				idgroup[i] = ng++;
				break;
			}
			const struct mb_entry *f = &b->ent[c->gfirst[t[j].group]];
			if (t[j].tag == tag && f->kind == e->kind && f->len == e->len &&
			    memcmp(b->text + f->off, s, e->len) == 0) {
				idgroup[i] = t[j].group;
				break;
			}
		}
	}
	free(t);
	*ret_ng = ng;
	return RCX_OK;
}

static enum rcx_result compile(const struct match_builder *b, struct compiled *c)
{
	uint32_t n = b->n, ng = 0;
	memset(c, 0, sizeof *c);
	uint32_t *idgroup = malloc(((size_t)n + 1) * sizeof *idgroup);
	uint64_t *ghash = malloc(((size_t)n + 1) * sizeof *ghash);
	struct midx_group *bg = NULL;
	c->gfirst = malloc(((size_t)n + 1) * sizeof *c->gfirst);
	enum rcx_result r = RCX_ENOMEM;
	if (!idgroup || !ghash || !c->gfirst)
		goto out;
	if ((r = dedupe(b, c, idgroup, ghash, &ng)) != RCX_OK)
		goto out;
	r = RCX_ENOMEM;
	uint32_t nd = n - ng;
	c->dups = malloc(((size_t)nd + 1) * sizeof *c->dups);
	c->dupg = malloc(((size_t)nd + 1) * sizeof *c->dupg);
	c->groups = malloc(((size_t)ng + 1) * sizeof *c->groups);
	bg = malloc(((size_t)ng + 1) * sizeof *bg);
	if (!c->dups || !c->dupg || !c->groups || !bg)
		goto out;
	/* duplicates by id, then by (group, id) with a counting sort over the groups (stable: ids increase) */
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++)
		if (c->gfirst[idgroup[i]] != i)
			c->dups[k++] = (struct midx_dup){i, idgroup[i]};
	if (nd) {
		uint32_t *start = calloc((size_t)ng + 1, sizeof *start);
		if (!start)
			goto out;
		for (uint32_t d = 0; d < nd; d++)
			start[c->dups[d].b + 1]++;
		for (uint32_t g = 0; g < ng; g++)
			start[g + 1] += start[g];
		for (uint32_t d = 0; d < nd; d++)
			c->dupg[start[c->dups[d].b]++] = (struct midx_dup){c->dups[d].b, c->dups[d].a};
		free(start);
	}
	/* group texts, compacted into STRINGS in group order; the lookup structures read texts through
	 * the builder's buffer (bg) */
	uint64_t soff = 0;
	for (uint32_t g = 0; g < ng; g++) {
		const struct mb_entry *e = &b->ent[c->gfirst[g]];
		c->groups[g] = midx_group_pack(soff, e->len, e->kind);
		bg[g] = (struct midx_group){e->off, e->len, e->kind};
		soff += (uint64_t)e->len + 1;
	}
	r = midx_cidr_build(bg, ng, b->text, 4, &c->nodes[0], &c->h.nv4);
	if (r == RCX_OK)
		r = midx_cidr_build(bg, ng, b->text, 6, &c->nodes[1], &c->h.nv6);
	if (r == RCX_OK)
		r = midx_hash_build(bg, ghash, ng, &c->slots, &c->h.nslots, &c->h.max_probe, &c->bloom, &c->h.nbloom);
	if (r != RCX_OK)
		goto out;

	struct midx_header *h = &c->h;
	memcpy(h->magic, MIDX_MAGIC, 8);
	h->version = MIDX_VERSION;
	h->endian = MIDX_ENDIAN;
	h->count = n;
	h->ngroups = ng;
	h->ndups = nd;
	uint64_t lens[SEC_MAX] = {
		[SEC_GFIRST] = (uint64_t)ng * 4,
		[SEC_DUPS] = (uint64_t)nd * sizeof(struct midx_dup),
		[SEC_DUPG] = (uint64_t)nd * sizeof(struct midx_dup),
		[SEC_GROUPS] = (uint64_t)ng * 8,
		[SEC_V4] = (uint64_t)h->nv4 * sizeof(struct midx_node),
		[SEC_V6] = (uint64_t)h->nv6 * sizeof(struct midx_node),
		[SEC_SLOTS] = (uint64_t)h->nslots * sizeof(struct midx_slot),
		[SEC_BLOOM] = (uint64_t)h->nbloom * 8,
		[SEC_STRINGS] = soff,
	};
	uint64_t off = align8(sizeof *h);
	for (unsigned s = 0; s < SEC_MAX; s++) {
		h->sec[s].off = off;
		h->sec[s].len = lens[s];
		off = align8(off + lens[s]);
	}
	h->file_len = h->sec[SEC_STRINGS].off + h->sec[SEC_STRINGS].len;
out:
	free(idgroup);
	free(ghash);
	free(bg);
	return r;
}

/* Output: a file descriptor behind a buffer, or a growing memory buffer. */
struct sink {
	int fd; /* -1: memory */
	struct rcx_strbuf buf;
	bool err;
};

/* Writes p[0..n) to the sink's file whole (short writes and EINTR retried); sets err on failure. */
static void sink_write(struct sink *k, const void *p, size_t n)
{
	size_t done = 0;
	while (!k->err && done < n) {
		ssize_t w = write(k->fd, (const char *)p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			k->err = true;
		else
			done += (size_t)w;
	}
}

static void sink_flush(struct sink *k)
{
	sink_write(k, k->buf.data, k->buf.len);
	rcx_strbuf_clear(&k->buf);
}

static void sink_put(struct sink *k, const void *p, size_t n)
{
	if (k->err)
		return;
	if (k->fd >= 0 && k->buf.len + n > (1u << 20))
		sink_flush(k);
	if (k->fd >= 0 && n > (1u << 20)) {
		sink_write(k, p, n);
		return;
	}
	if (n && rcx_strbuf_append(&k->buf, p, n) != RCX_OK)
		k->err = true;
}

static void sink_pad(struct sink *k, uint64_t *pos, uint64_t to)
{
	static const char zero[8];
	if (to > *pos)
		sink_put(k, zero, (size_t)(to - *pos));
	*pos = to;
}

static void emit(const struct match_builder *b, const struct compiled *c, struct sink *k)
{
	const struct midx_header *h = &c->h;
	const void *data[SEC_MAX] = {c->gfirst, c->dups,   c->dupg,  c->groups, c->nodes[0],
				     c->nodes[1], c->slots, c->bloom, NULL};
	uint64_t pos = sizeof *h;
	sink_put(k, h, sizeof *h);
	for (unsigned s = 0; s < SEC_MAX; s++) {
		sink_pad(k, &pos, h->sec[s].off);
		if (s == SEC_STRINGS) {
			for (uint32_t g = 0; g < h->ngroups; g++)
				sink_put(k, b->text + b->ent[c->gfirst[g]].off, (size_t)b->ent[c->gfirst[g]].len + 1);
		} else if (h->sec[s].len) {
			sink_put(k, data[s], (size_t)h->sec[s].len);
		}
		pos += h->sec[s].len;
	}
	if (k->fd >= 0)
		sink_flush(k);
}

enum rcx_result match_builder_write_mem(struct match_builder *b, uint8_t **ret_data, size_t *ret_len)
{
	struct compiled c;
	enum rcx_result r = compile(b, &c);
	if (r == RCX_OK) {
		struct sink k = {-1, RCX_STRBUF_INIT(0), false};
		emit(b, &c, &k);
		if (k.err) {
			rcx_strbuf_free(&k.buf);
			r = RCX_ENOMEM;
		} else {
			*ret_len = k.buf.len;
			*ret_data = (uint8_t *)rcx_strbuf_steal(&k.buf);
		}
	}
	compiled_free(&c);
	return r;
}

static void fsync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

enum rcx_result match_builder_write(struct match_builder *b, const char *path)
{
	struct compiled c;
	char *tmp = NULL;
	int fd = -1;
	enum rcx_result r = compile(b, &c);
	if (r != RCX_OK)
		goto out;
	tmp = rcx_strdup_printf("%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = RCX_EIO;
		goto out;
	}
	struct sink k = {fd, RCX_STRBUF_INIT(0), false};
	emit(b, &c, &k);
	rcx_strbuf_free(&k.buf);
	if (k.err || fsync(fd) != 0) {
		r = RCX_EIO;
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		r = RCX_EIO;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		r = RCX_EIO;
		goto out;
	}
	fsync_dir_of(path);
out:
	if (fd >= 0)
		close(fd);
	if (r != RCX_OK && tmp)
		unlink(tmp);
	free(tmp);
	compiled_free(&c);
	return r;
}

/* ---- opening and validation ---- */

static const size_t SEC_ELEM[SEC_MAX] = {
	[SEC_GFIRST] = 4, [SEC_DUPS] = sizeof(struct midx_dup), [SEC_DUPG] = sizeof(struct midx_dup),
	[SEC_GROUPS] = 8, [SEC_V4] = sizeof(struct midx_node), [SEC_V6] = sizeof(struct midx_node),
	[SEC_SLOTS] = sizeof(struct midx_slot), [SEC_BLOOM] = 8, [SEC_STRINGS] = 1,
};

/* Index of the DUPS entry of id, or MIDX_NONE. */
static uint32_t dups_find(const struct match_index *idx, uint32_t id)
{
	uint32_t lo = 0, hi = idx->h->ndups;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (idx->dups[mid].a < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < idx->h->ndups && idx->dups[lo].a == id ? lo : MIDX_NONE;
}

/* ids ↔ groups: GFIRST and the ids of DUPS, both strictly increasing, together are exactly 0..count-1;
 * a duplicate's group exists and starts before it; DUPG is strictly increasing in (group, id) and each
 * of its pairs is in DUPS (so, with equal sizes, the same set). */
static bool ids_valid(const struct match_index *idx)
{
	const struct midx_header *h = idx->h;
	uint32_t gi = 0, di = 0;
	for (uint32_t id = 0; id < h->count; id++) {
		if (gi < h->ngroups && idx->gfirst[gi] == id)
			gi++;
		else if (di < h->ndups && idx->dups[di].a == id)
			di++;
		else
			return false;
	}
	if (gi != h->ngroups || di != h->ndups)
		return false;
	for (uint32_t d = 0; d < h->ndups; d++) {
		const struct midx_dup *x = &idx->dups[d], *y = &idx->dupg[d];
		if (x->b >= h->ngroups || idx->gfirst[x->b] >= x->a)
			return false;
		if (d && (idx->dupg[d - 1].a > y->a || (idx->dupg[d - 1].a == y->a && idx->dupg[d - 1].b >= y->b)))
			return false;
		uint32_t at = dups_find(idx, y->b);
		if (at == MIDX_NONE || idx->dups[at].b != y->a)
			return false;
	}
	return true;
}

static bool validate(struct match_index *idx)
{
	const struct midx_header *h = (const struct midx_header *)idx->base;
	if (idx->len < sizeof *h || memcmp(h->magic, MIDX_MAGIC, 8) != 0 || h->version != MIDX_VERSION ||
	    h->endian != MIDX_ENDIAN || h->file_len != idx->len)
		return false;
	if (h->count > MATCH_INDICATORS_MAX || h->ngroups > h->count || h->ndups != h->count - h->ngroups ||
	    h->nv4 > h->ngroups || h->nv6 > h->ngroups || h->nslots > 2 * (uint64_t)h->ngroups + 2 ||
	    (h->nslots ? h->max_probe >= h->nslots : h->max_probe != 0) || (h->nbloom & (h->nbloom - 1)) != 0 ||
	    h->nbloom > h->ngroups + 1)
		return false;
	/* sections: in order, aligned, inside the file, exact lengths (counts ≤ 2^32, elements ≤ 32 bytes:
	 * the products fit in 64 bits) */
	const uint64_t counts[SEC_MAX] = {h->ngroups, h->ndups, h->ndups, h->ngroups, h->nv4,
					  h->nv6,     h->nslots, h->nbloom, 0};
	uint64_t prev_end = sizeof *h;
	for (unsigned s = 0; s < SEC_MAX; s++) {
		uint64_t off = h->sec[s].off, len = h->sec[s].len;
		if (off % 8 || off < prev_end || off > idx->len || len > idx->len - off)
			return false;
		if (s != SEC_STRINGS && len != counts[s] * SEC_ELEM[s])
			return false;
		prev_end = off + len;
	}
	const uint8_t *base = idx->base;
	idx->h = h;
	idx->gfirst = (const uint32_t *)(base + h->sec[SEC_GFIRST].off);
	idx->dups = (const struct midx_dup *)(base + h->sec[SEC_DUPS].off);
	idx->dupg = (const struct midx_dup *)(base + h->sec[SEC_DUPG].off);
	idx->groups = (const uint64_t *)(base + h->sec[SEC_GROUPS].off);
	idx->nodes[0] = (const struct midx_node *)(base + h->sec[SEC_V4].off);
	idx->nodes[1] = (const struct midx_node *)(base + h->sec[SEC_V6].off);
	idx->nnodes[0] = h->nv4;
	idx->nnodes[1] = h->nv6;
	idx->slots = (const struct midx_slot *)(base + h->sec[SEC_SLOTS].off);
	idx->bloom = (const uint64_t *)(base + h->sec[SEC_BLOOM].off);
	idx->strings = (const char *)(base + h->sec[SEC_STRINGS].off);
	idx->strings_len = h->sec[SEC_STRINGS].len;

	/* groups: known kind, text inside STRINGS and NUL-terminated */
	for (uint32_t g = 0; g < h->ngroups; g++) {
		uint64_t off = midx_group_off(idx, g);
		uint32_t len = midx_group_len(idx, g);
		if (midx_group_kind(idx, g) >= MATCH_KIND_MAX || len > MATCH_TEXT_MAX || off > idx->strings_len ||
		    (uint64_t)len + 1 > idx->strings_len - off || idx->strings[off + len] != '\0')
			return false;
	}
	return ids_valid(idx) && midx_cidr_valid(idx, 0) && midx_cidr_valid(idx, 1) && midx_hash_valid(idx);
}

enum rcx_result match_index_open_mem(const void *data, size_t len, struct match_index **ret_idx)
{
	if (len < sizeof(struct midx_header))
		return RCX_EPARSE;
	struct match_index *idx = calloc(1, sizeof *idx);
	uint8_t *copy = malloc(len);
	if (!idx || !copy) {
		free(idx);
		free(copy);
		return RCX_ENOMEM;
	}
	memcpy(copy, data, len);
	idx->base = copy;
	idx->len = len;
	if (!validate(idx)) {
		match_index_close(idx);
		return RCX_EPARSE;
	}
	*ret_idx = idx;
	return RCX_OK;
}

enum rcx_result match_index_open(const char *path, struct match_index **ret_idx)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? RCX_ENOTFOUND : RCX_EIO;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return RCX_EIO;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size < sizeof(struct midx_header) ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return RCX_EPARSE;
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return RCX_EIO;
	struct match_index *idx = calloc(1, sizeof *idx);
	if (!idx) {
		munmap(p, (size_t)st.st_size);
		return RCX_ENOMEM;
	}
	idx->base = p;
	idx->len = (size_t)st.st_size;
	idx->mapped = true;
	if (!validate(idx)) {
		match_index_close(idx);
		return RCX_EPARSE;
	}
	*ret_idx = idx;
	return RCX_OK;
}

void match_index_close(struct match_index *idx)
{
	if (!idx)
		return;
	if (idx->mapped)
		munmap(idx->base, idx->len);
	else
		free(idx->base);
	free(idx);
}

uint32_t match_index_count(const struct match_index *idx)
{
	return idx->h->count;
}

/* The group of id (< count). */
static uint32_t id_group(const struct match_index *idx, uint32_t id)
{
	if (idx->h->ndups == 0)
		return id;
	uint32_t d = dups_find(idx, id);
	if (d != MIDX_NONE)
		return idx->dups[d].b;
	uint32_t lo = 0, hi = idx->h->ngroups - 1; /* validated: id is in GFIRST */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (idx->gfirst[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

enum rcx_result match_index_indicator(const struct match_index *idx, uint32_t id, enum match_kind *ret_kind,
				      const char **ret_text, size_t *ret_len)
{
	if (id >= idx->h->count)
		return RCX_ENOTFOUND;
	uint32_t g = id_group(idx, id);
	if (ret_kind)
		*ret_kind = (enum match_kind)midx_group_kind(idx, g);
	if (ret_text)
		*ret_text = midx_group_text(idx, g);
	if (ret_len)
		*ret_len = midx_group_len(idx, g);
	return RCX_OK;
}

void midx_report_group(const struct match_index *idx, uint32_t g, match_hit_fn cb, void *ctx)
{
	cb(ctx, idx->gfirst[g]);
	uint32_t lo = 0, hi = idx->h->ndups;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (idx->dupg[mid].a < g)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < idx->h->ndups && idx->dupg[lo].a == g; lo++)
		cb(ctx, idx->dupg[lo].b);
}
