/* CSV and TSV with a header line (the first non-blank line that is not a "#" comment). Fields are
 * split by ingest_csv (quotes, doubled quotes). A line that ends inside a quoted field is joined with
 * the next ones ("\n" between them) until the field closes: the record takes the number of its first
 * line and the joined text as its raw text; a record longer than RCX_LINE_MAX is read to its end and
 * counted as a bad line, one left open at the end of the input too. Every non-empty column is an observable of kind ANY named by its header, or, with a
 * field list, only the listed columns with their kinds; the time column (see jsonl) gives the
 * record's time. A row that ingest_csv rejects is a bad line; a short row has its missing columns
 * empty, extra values are ignored. */
#include <string.h>

#include "core/limits.h"
#include "ingest/ingest_csv.h"
#include "match/match_reader_impl.h"

struct csv {
	struct ingest_csv split;
	char delim;
	struct rcx_strbuf pending; /* a record spanning lines, joined so far */
	uint64_t pending_line;     /* its first line; 0 when none */
	bool pending_skip;         /* too long: read to its end, then counted */
	bool pending_done;         /* the last record was joined: clear pending on the next line */
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
	c->delim = delim;
	c->pending = (struct rcx_strbuf)RCX_STRBUF_INIT(0);
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
	rcx_strbuf_free(&c->pending);
}

static void csv_eof(struct match_parser *p)
{
	struct csv *c = p->priv;
	if (c->pending_line && !c->pending_done)
		p->st.bad_lines++; /* a quoted field never closed */
	c->pending_line = 0;
}

/* Joins l to a record spanning lines. RCX_OK with *ret_l the whole record once its quotes close,
 * RCX_ENOTFOUND while it goes on, RCX_EPARSE when it was too long. */
static enum rcx_result csv_join(struct match_parser *p, struct csv *c, const struct match_line *l, struct match_line *ret_l)
{
	if (c->pending_done) {
		rcx_strbuf_clear(&c->pending);
		c->pending_line = 0;
		c->pending_done = c->pending_skip = false;
	}
	bool first = c->pending_line == 0;
	int open = match_csv_quote_scan(c->delim, l->data, l->len, !first);
	if (first && !open) {
		*ret_l = *l;
		return RCX_OK;
	}
	if (first) {
		c->pending_line = l->lineno;
	} else if (!c->pending_skip) {
		rcx_strbuf_putc(&c->pending, '\n');
	}
	if (!c->pending_skip && c->pending.len + l->len > RCX_LINE_MAX) {
		c->pending_skip = true;
		rcx_strbuf_clear(&c->pending);
	}
	if (!c->pending_skip)
		rcx_strbuf_append(&c->pending, l->data, l->len);
	if (open)
		return RCX_ENOTFOUND;
	c->pending_done = true;
	if (c->pending_skip)
		return RCX_EPARSE;
	*ret_l = (struct match_line){c->pending.data, c->pending.len, c->pending_line, l->unterminated};
	p->rec_line = c->pending_line;
	p->rec_raw = c->pending.data;
	p->rec_raw_len = c->pending.len;
	return RCX_OK;
}

static enum rcx_result csv_line(struct match_parser *p, const struct match_line *line, int64_t *ret_time_us)
{
	struct csv *c = p->priv;
	if (c->pending_line == 0 || c->pending_done) {
		if (line->len == 0 || (!c->ready && line->data[0] == '#')) {
			if (c->pending_done) {
				rcx_strbuf_clear(&c->pending);
				c->pending_line = 0;
				c->pending_done = c->pending_skip = false;
			}
			return RCX_ENOTFOUND;
		}
	}
	struct match_line joined;
	enum rcx_result jr = csv_join(p, c, line, &joined);
	if (jr != RCX_OK)
		return jr;
	const struct match_line *l = &joined;
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

const struct match_line_ops match_csv_ops = {.priv_size = sizeof(struct csv), .chunk = MATCH_CHUNK_HEADER,
					     .init = csv_init, .line = csv_line, .fini = csv_fini, .eof = csv_eof,
					     .quote_delim = ','};
const struct match_line_ops match_tsv_ops = {.priv_size = sizeof(struct csv), .chunk = MATCH_CHUNK_HEADER,
					     .init = tsv_init, .line = csv_line, .fini = csv_fini, .eof = csv_eof,
					     .quote_delim = '\t'};
