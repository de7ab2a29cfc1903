#include "ingest/ingest_csv.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

void ingest_csv_init(struct ingest_csv *c, struct ingest_reader *in, char delim)
{
	memset(c, 0, sizeof(*c));
	c->in = in;
	c->delim = delim;
	c->raw.max = RCX_LINE_MAX;
	c->values.max = RCX_LINE_MAX + RCX_CSV_FIELDS_MAX;
	c->v = malloc(RCX_CSV_FIELDS_MAX * sizeof(*c->v));
	c->len = malloc(RCX_CSV_FIELDS_MAX * sizeof(*c->len));
	c->off = malloc(RCX_CSV_FIELDS_MAX * sizeof(*c->off));
	if (!c->v || !c->len || !c->off)
		abort();
}

void ingest_csv_free(struct ingest_csv *c)
{
	rcx_strbuf_free(&c->raw);
	rcx_strbuf_free(&c->values);
	free(c->v);
	free(c->len);
	free(c->off);
	c->v = NULL;
	c->len = c->off = NULL;
}

enum state { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED };

struct split {
	enum state st;
	size_t n;
	const char *error;
};

static void field_end(struct ingest_csv *c, struct split *sp)
{
	if (sp->error)
		return;
	c->len[sp->n] = c->values.len - c->off[sp->n];
	rcx_strbuf_putc(&c->values, '\0');
	sp->n++;
}

static void field_begin(struct ingest_csv *c, struct split *sp)
{
	if (sp->error)
		return;
	if (sp->n >= RCX_CSV_FIELDS_MAX) {
		sp->error = "too many fields";
		return;
	}
	c->off[sp->n] = c->values.len;
}

static void put_span(struct ingest_csv *c, struct split *sp, const char *s, size_t n)
{
	if (n && rcx_strbuf_append(&c->values, s, n) != RCX_OK)
		sp->error = "record too long";
}

/* Feeds one line of text into the state machine. Returns true when the record is complete.
 * Unquoted and quoted runs are copied as spans found with memchr, not byte by byte: this loop
 * is most of the cost of reading a CSV feed. */
static bool split_line(struct ingest_csv *c, struct split *sp, const char *s, size_t len)
{
	if (sp->st == FIELD_START && sp->n == 0)
		field_begin(c, sp);
	size_t i = 0;
	while (i < len && !sp->error) {
		char ch = s[i];
		switch (sp->st) {
		case FIELD_START:
			if (ch == '"') {
				sp->st = QUOTED;
				i++;
				break;
			}
			sp->st = UNQUOTED;
			/* fall through */
		case UNQUOTED: {
			const char *d = memchr(s + i, c->delim, len - i);
			size_t end = d ? (size_t)(d - s) : len;
			put_span(c, sp, s + i, end - i);
			i = end;
			if (d) {
				field_end(c, sp);
				field_begin(c, sp);
				sp->st = FIELD_START;
				i++;
			}
			break;
		}
		case QUOTED: {
			const char *q = memchr(s + i, '"', len - i);
			size_t end = q ? (size_t)(q - s) : len;
			put_span(c, sp, s + i, end - i);
			i = end;
			if (q) {
				sp->st = QUOTE_IN_QUOTED;
				i++;
			}
			break;
		}
		case QUOTE_IN_QUOTED:
			if (ch == '"') {
				put_span(c, sp, "\"", 1);
				sp->st = QUOTED;
			} else if (ch == c->delim) {
				field_end(c, sp);
				field_begin(c, sp);
				sp->st = FIELD_START;
			} else {
				/* text after the closing quote: kept, as Python's csv does */
				put_span(c, sp, &ch, 1);
				sp->st = UNQUOTED;
			}
			i++;
			break;
		}
	}
	if (sp->error)
		return true;
	if (sp->st == QUOTED) {
		/* newline inside quotes: the record continues on the next line */
		put_span(c, sp, "\n", 1);
		return sp->error != NULL;
	}
	field_end(c, sp);
	return true;
}

static void finish(struct ingest_csv *c, struct split *sp, struct ingest_csv_record *rec)
{
	for (size_t i = 0; i < sp->n; i++)
		c->v[i] = c->values.data + c->off[i];
	rec->n = sp->error ? 0 : sp->n;
	rec->v = c->v;
	rec->len = c->len;
	rec->raw = c->raw.data ? c->raw.data : "";
	rec->raw_len = c->raw.len;
	if (rec->raw_total < rec->raw_len)
		rec->raw_total = rec->raw_len;
	rec->error = sp->error;
}

enum rcx_result ingest_csv_split(struct ingest_csv *c, const struct ingest_line *l, struct ingest_csv_record *rec)
{
	struct split sp = {FIELD_START, 0, NULL};
	rcx_strbuf_clear(&c->raw);
	rcx_strbuf_clear(&c->values);
	rcx_strbuf_append(&c->raw, l->data, l->len);
	memset(rec, 0, sizeof(*rec));
	rec->line_first = rec->line_last = l->lineno;
	rec->raw_total = l->total_len;
	if (l->too_long) {
		sp.error = "line too long";
	} else {
		split_line(c, &sp, l->data, l->len);
		if (!sp.error && sp.st == QUOTED)
			sp.error = "unterminated quoted field";
	}
	finish(c, &sp, rec);
	return RCX_OK;
}

enum rcx_result ingest_csv_next(struct ingest_csv *c, struct ingest_csv_record *rec)
{
	struct ingest_line l;
	enum rcx_result r;
	do {
		r = ingest_reader_next(c->in, &l);
		if (r != RCX_OK)
			return r;
	} while (l.len == 0 && !l.too_long);

	struct split sp = {FIELD_START, 0, NULL};
	rcx_strbuf_clear(&c->raw);
	rcx_strbuf_clear(&c->values);
	memset(rec, 0, sizeof(*rec));
	rec->line_first = rec->line_last = l.lineno;
	if (l.too_long) {
		rcx_strbuf_append(&c->raw, l.data, l.len);
		rec->raw_total = l.total_len;
		sp.error = "line too long";
		finish(c, &sp, rec);
		return RCX_OK;
	}
	rcx_strbuf_append(&c->raw, l.data, l.len);
	while (!split_line(c, &sp, l.data, l.len)) {
		r = ingest_reader_next(c->in, &l);
		if (r == RCX_ENOTFOUND) {
			sp.error = "unterminated quoted field at end of file";
			break;
		}
		if (r != RCX_OK)
			return r;
		rec->line_last = l.lineno;
		if (l.too_long || rcx_strbuf_putc(&c->raw, '\n') != RCX_OK ||
		    rcx_strbuf_append(&c->raw, l.data, l.len) != RCX_OK) {
			sp.error = "record too long";
			/* the rest of the quoted field is lost in quarantine anyway; resynchronise on lines */
			break;
		}
	}
	finish(c, &sp, rec);
	return RCX_OK;
}
