/* The indicator index: builder, compiled file, validation on open (layout: match_index_impl.h).
 *
 * Build: each added indicator is normalised once and appended to one text buffer (no allocation per
 * indicator). Compiling dedupes in O(n) with an open-addressing table over (kind, text), numbering groups
 * in order of first appearance; ids per group come from a counting sort; then match_cidr.c sorts the
 * address intervals and match_hashset.c fills the string slots. Memory in the file per indicator:
 * 4 (IDGROUP) + 4 (GIDS) + 4 (GSTART) + 16 (group) + 32 (an address node) or 16 (two hash slots at load
 * ≤ 1/2), plus its text and NUL: at most 60 bytes plus text.
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

struct compiled {
	struct midx_header h;
	uint32_t *idgroup, *gstart, *gids;
	struct midx_group *groups;
	struct midx_node *nodes[2];
	struct midx_slot *slots;
	uint32_t *gfirst; /* first entry of each group: its text in the builder */
};

static void compiled_free(struct compiled *c)
{
	free(c->idgroup);
	free(c->gstart);
	free(c->gids);
	free(c->groups);
	free(c->nodes[0]);
	free(c->nodes[1]);
	free(c->slots);
	free(c->gfirst);
}

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~(uint64_t)7;
}

static enum rcx_result compile(const struct match_builder *b, struct compiled *c)
{
	uint32_t n = b->n;
	memset(c, 0, sizeof *c);
	c->idgroup = malloc(((size_t)n + 1) * sizeof *c->idgroup);
	c->gfirst = malloc(((size_t)n + 1) * sizeof *c->gfirst);
	c->gids = malloc(((size_t)n + 1) * sizeof *c->gids);
	uint64_t tsize = 2;
	while (tsize < 2 * (uint64_t)n)
		tsize *= 2;
	struct midx_slot *t = malloc(tsize * sizeof *t);
	if (!c->idgroup || !c->gfirst || !c->gids || !t) {
		free(t);
		return RCX_ENOMEM;
	}
	/* dedupe: groups numbered in order of first appearance */
	memset(t, 0xff, tsize * sizeof *t);
	uint32_t ng = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct mb_entry *e = &b->ent[i];
		const char *s = b->text + e->off;
		uint64_t h = midx_hash(e->kind, s, e->len);
		uint32_t tag = (uint32_t)(h >> 32);
		for (uint64_t j = h & (tsize - 1);; j = (j + 1) & (tsize - 1)) {
			if (t[j].group == MIDX_NONE) {
				t[j] = (struct midx_slot){ng, tag};
				c->gfirst[ng] = i;
				c->idgroup[i] = ng++;
				break;
			}
			const struct mb_entry *f = &b->ent[c->gfirst[t[j].group]];
			if (t[j].tag == tag && f->kind == e->kind && f->len == e->len &&
			    memcmp(b->text + f->off, s, e->len) == 0) {
				c->idgroup[i] = t[j].group;
				break;
			}
		}
	}
	free(t);
	c->gstart = calloc((size_t)ng + 1, sizeof *c->gstart);
	c->groups = calloc(ng ? ng : 1, sizeof *c->groups);
	if (!c->gstart || !c->groups)
		return RCX_ENOMEM;
	/* ids per group by counting sort (stable: increasing ids) */
	for (uint32_t i = 0; i < n; i++)
		c->gstart[c->idgroup[i] + 1]++;
	for (uint32_t g = 0; g < ng; g++)
		c->gstart[g + 1] += c->gstart[g];
	uint32_t *fill = malloc(((size_t)ng + 1) * sizeof *fill);
	if (!fill)
		return RCX_ENOMEM;
	memcpy(fill, c->gstart, (size_t)ng * sizeof *fill);
	for (uint32_t i = 0; i < n; i++)
		c->gids[fill[c->idgroup[i]]++] = i;
	free(fill);
	/* group texts, compacted into STRINGS in group order */
	uint64_t soff = 0;
	for (uint32_t g = 0; g < ng; g++) {
		const struct mb_entry *e = &b->ent[c->gfirst[g]];
		c->groups[g] = (struct midx_group){soff, e->len, e->kind};
		soff += (uint64_t)e->len + 1;
	}
	/* the lookup structures read texts through the builder's buffer: point groups there for now */
	struct midx_group *bg = malloc((ng ? ng : 1) * sizeof *bg);
	if (!bg)
		return RCX_ENOMEM;
	for (uint32_t g = 0; g < ng; g++) {
		bg[g] = c->groups[g];
		bg[g].text_off = b->ent[c->gfirst[g]].off;
	}
	enum rcx_result r = midx_cidr_build(bg, ng, b->text, 4, &c->nodes[0], &c->h.nv4);
	if (r == RCX_OK)
		r = midx_cidr_build(bg, ng, b->text, 6, &c->nodes[1], &c->h.nv6);
	if (r == RCX_OK)
		r = midx_hash_build(bg, ng, b->text, &c->slots, &c->h.nslots, &c->h.max_probe);
	free(bg);
	if (r != RCX_OK)
		return r;

	struct midx_header *h = &c->h;
	memcpy(h->magic, MIDX_MAGIC, 8);
	h->version = MIDX_VERSION;
	h->endian = MIDX_ENDIAN;
	h->count = n;
	h->ngroups = ng;
	uint64_t lens[SEC_MAX] = {
		[SEC_IDGROUP] = (uint64_t)n * 4,
		[SEC_GSTART] = ((uint64_t)ng + 1) * 4,
		[SEC_GIDS] = (uint64_t)n * 4,
		[SEC_GROUPS] = (uint64_t)ng * sizeof(struct midx_group),
		[SEC_V4] = (uint64_t)h->nv4 * sizeof(struct midx_node),
		[SEC_V6] = (uint64_t)h->nv6 * sizeof(struct midx_node),
		[SEC_SLOTS] = (uint64_t)h->nslots * sizeof(struct midx_slot),
		[SEC_STRINGS] = soff,
	};
	uint64_t off = align8(sizeof *h);
	for (unsigned s = 0; s < SEC_MAX; s++) {
		h->sec[s].off = off;
		h->sec[s].len = lens[s];
		off = align8(off + lens[s]);
	}
	h->file_len = h->sec[SEC_STRINGS].off + h->sec[SEC_STRINGS].len;
	return RCX_OK;
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
	const void *data[SEC_MAX] = {c->idgroup, c->gstart, c->gids, c->groups, c->nodes[0], c->nodes[1], c->slots, NULL};
	uint64_t pos = sizeof *h;
	sink_put(k, h, sizeof *h);
	for (unsigned s = 0; s < SEC_MAX; s++) {
		sink_pad(k, &pos, h->sec[s].off);
		if (s == SEC_STRINGS) {
			for (uint32_t g = 0; g < h->ngroups; g++)
				sink_put(k, b->text + b->ent[c->gfirst[g]].off, (size_t)c->groups[g].text_len + 1);
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
	[SEC_IDGROUP] = 4, [SEC_GSTART] = 4, [SEC_GIDS] = 4, [SEC_GROUPS] = sizeof(struct midx_group),
	[SEC_V4] = sizeof(struct midx_node), [SEC_V6] = sizeof(struct midx_node),
	[SEC_SLOTS] = sizeof(struct midx_slot), [SEC_STRINGS] = 1,
};

static bool validate(struct match_index *idx)
{
	const struct midx_header *h = (const struct midx_header *)idx->base;
	if (idx->len < sizeof *h || memcmp(h->magic, MIDX_MAGIC, 8) != 0 || h->version != MIDX_VERSION ||
	    h->endian != MIDX_ENDIAN || h->file_len != idx->len)
		return false;
	if (h->count > MATCH_INDICATORS_MAX || h->ngroups > h->count || (h->count && !h->ngroups) ||
	    h->nv4 > h->ngroups || h->nv6 > h->ngroups || h->nslots > 4 * (uint64_t)h->ngroups + 2 ||
	    (h->nslots & (h->nslots - 1)) != 0 || (h->nslots ? h->max_probe >= h->nslots : h->max_probe != 0))
		return false;
	/* sections: in order, aligned, inside the file, exact lengths (counts ≤ 2^32, elements ≤ 32 bytes:
	 * the products fit in 64 bits) */
	const uint64_t counts[SEC_MAX] = {h->count, (uint64_t)h->ngroups + 1, h->count, h->ngroups,
					  h->nv4, h->nv6, h->nslots, 0};
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
	idx->idgroup = (const uint32_t *)(base + h->sec[SEC_IDGROUP].off);
	idx->gstart = (const uint32_t *)(base + h->sec[SEC_GSTART].off);
	idx->gids = (const uint32_t *)(base + h->sec[SEC_GIDS].off);
	idx->groups = (const struct midx_group *)(base + h->sec[SEC_GROUPS].off);
	idx->nodes[0] = (const struct midx_node *)(base + h->sec[SEC_V4].off);
	idx->nodes[1] = (const struct midx_node *)(base + h->sec[SEC_V6].off);
	idx->nnodes[0] = h->nv4;
	idx->nnodes[1] = h->nv6;
	idx->slots = (const struct midx_slot *)(base + h->sec[SEC_SLOTS].off);
	idx->strings = (const char *)(base + h->sec[SEC_STRINGS].off);
	idx->strings_len = h->sec[SEC_STRINGS].len;

	/* groups: known kind, text inside STRINGS and NUL-terminated */
	for (uint32_t g = 0; g < h->ngroups; g++) {
		const struct midx_group *gr = &idx->groups[g];
		if (gr->kind >= MATCH_KIND_MAX || gr->text_len > MATCH_TEXT_MAX || gr->text_off > idx->strings_len ||
		    (uint64_t)gr->text_len + 1 > idx->strings_len - gr->text_off ||
		    idx->strings[gr->text_off + gr->text_len] != '\0')
			return false;
	}
	/* ids ↔ groups: GSTART increasing from 0 to count with no empty group, GIDS ids increasing within a
	 * group and each pointing back at its group through IDGROUP (so every id is listed exactly once) */
	if (idx->gstart[0] != 0 || idx->gstart[h->ngroups] != h->count)
		return false;
	for (uint32_t g = 0; g < h->ngroups; g++) {
		uint32_t a = idx->gstart[g], z = idx->gstart[g + 1];
		if (z <= a || z > h->count)
			return false;
		for (uint32_t j = a; j < z; j++) {
			uint32_t id = idx->gids[j];
			if (id >= h->count || idx->idgroup[id] != g || (j > a && id <= idx->gids[j - 1]))
				return false;
		}
	}
	return midx_cidr_valid(idx, 0) && midx_cidr_valid(idx, 1) && midx_hash_valid(idx);
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

enum rcx_result match_index_indicator(const struct match_index *idx, uint32_t id, enum match_kind *ret_kind,
				      const char **ret_text, size_t *ret_len)
{
	if (id >= idx->h->count)
		return RCX_ENOTFOUND;
	uint32_t g = idx->idgroup[id];
	if (ret_kind)
		*ret_kind = (enum match_kind)idx->groups[g].kind;
	if (ret_text)
		*ret_text = midx_group_text(idx, g);
	if (ret_len)
		*ret_len = idx->groups[g].text_len;
	return RCX_OK;
}

void midx_report_group(const struct match_index *idx, uint32_t g, match_hit_fn cb, void *ctx)
{
	for (uint32_t j = idx->gstart[g]; j < idx->gstart[g + 1]; j++)
		cb(ctx, idx->gids[j]);
}
