/* CSV and TSV with a header line (the first non-blank line that is not a "#" comment). Fields are
 * split by ingest_csv (quotes, doubled quotes; a quoted newline is not joined, as lines come from
 * match_input). Every non-empty column is an observable of kind ANY named by its header, or, with a
 * field list, only the listed columns with their kinds; the time column (see jsonl) gives the
 * record's time. A row that ingest_csv rejects is a bad line; a short row has its missing columns
 * empty, extra values are ignored. */
#include <string.h>

#include "core/limits.h"
#include "ingest/ingest_csv.h"
#include "match/match_reader_impl.h"

struct csv {
	struct ingest_csv split;
	bool ready;
	char **names;
	size_t n;
	bool *wanted;
	enum match_obs_kind *kind;
	bool *is_time;
};

static enum rcx_result init_delim(struct match_parser *p, char delim)
{
	struct csv *c = p->priv;
	ingest_csv_init(&c->split, NULL, delim);
	return RCX_OK;
}

static enum rcx_result csv_init(struct match_parser *p)
{
	return init_delim(p, ',');
}

static enum rcx_result tsv_init(struct match_parser *p)
{
	return init_delim(p, '\t');
}

static void csv_fini(struct match_parser *p)
{
	struct csv *c = p->priv;
	ingest_csv_free(&c->split);
}

static enum rcx_result csv_line(struct match_parser *p, const struct match_line *l, int64_t *ret_time_us)
{
	struct csv *c = p->priv;
	if (l->len == 0 || (!c->ready && l->data[0] == '#'))
		return RCX_ENOTFOUND;
	struct ingest_line il = {.data = l->data, .len = l->len, .total_len = l->len, .lineno = l->lineno};
	struct ingest_csv_record rec;
	ingest_csv_split(&c->split, &il, &rec);
	if (rec.error)
		return RCX_EPARSE;
	if (!c->ready) {
		c->n = rec.n;
		c->names = rcx_arena_calloc(&p->keep, rec.n, sizeof(*c->names));
		c->wanted = rcx_arena_calloc(&p->keep, rec.n, sizeof(*c->wanted));
		c->kind = rcx_arena_calloc(&p->keep, rec.n, sizeof(*c->kind));
		c->is_time = rcx_arena_calloc(&p->keep, rec.n, sizeof(*c->is_time));
		for (size_t i = 0; i < rec.n; i++) {
			c->names[i] = rcx_arena_strndup(&p->keep, rec.v[i], rec.len[i]);
			c->is_time[i] = match_is_time_field(p, rec.v[i], rec.len[i]);
			c->wanted[i] = !c->is_time[i] && match_field_wanted(p, rec.v[i], rec.len[i], &c->kind[i]);
		}
		c->ready = true;
		return RCX_ENOTFOUND;
	}
	size_t n = rec.n < c->n ? rec.n : c->n;
	for (size_t i = 0; i < n; i++) {
		if (rec.len[i] == 0)
			continue;
		if (c->is_time[i]) {
			int64_t t;
			if (match_time_value(rec.v[i], rec.len[i], &t))
				*ret_time_us = t;
		} else if (c->wanted[i]) {
			match_obs_add(p, c->kind[i], c->names[i], rec.v[i], rec.len[i]);
		}
	}
	return RCX_OK;
}

const struct match_line_ops match_csv_ops = {
	.priv_size = sizeof(struct csv), .init = csv_init, .line = csv_line, .fini = csv_fini};
const struct match_line_ops match_tsv_ops = {
	.priv_size = sizeof(struct csv), .init = tsv_init, .line = csv_line, .fini = csv_fini};
