/* The generic CSV format with a column map (see ingest_csvmap.h and docs/ingest-csv-map.md).
 *
 * The map file is read with the configuration reader ("key = value" lines, '#'/';' comments) and
 * compiled once per parse into: reading options, column mappings, constants, translations and
 * null markers. Bounds: a map is at most RCX_CONFIG_FILE_MAX bytes; column numbers are within
 * RCX_CSV_FIELDS_MAX (no record can have more fields); a range joins at most RCX_LINE_MAX bytes.
 *
 * Per record: the constants are set first, then each mapped column in map order (so a column
 * overrides a constant and a later column an earlier one). A column that is empty (after trimming,
 * or equal to a null marker) sets nothing; a value the field rejects rejects the record, unless
 * the mapping is optional ("field?"). A record that sets no column at all is rejected: it is not
 * an observation. */
#include "ingest/ingest_csvmap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/limits.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/time.h"
#include "ingest/ingest.h"
#include "ingest/ingest_csv.h"

enum time_format { TIME_ISO, TIME_EPOCH, TIME_EPOCH_MS };

struct map_target {
	enum event_field f; /* EF_MAX: extra.<key> */
	const char *key;
	const char *label; /* as written in the map, for reasons */
};

struct map_col {
	const char *ref;   /* as written ("7", "-1", "2..-4", "url"), for reasons */
	const char *name;  /* header name, or NULL for numbers */
	long first, last;  /* 1-based; negative counts from the end */
	bool range;
	bool optional;
	struct map_target t;
};

struct map_const {
	struct map_target t;
	const char *value;
};

struct map_translate {
	struct map_target t;
	const char *from, *to;
};

struct ingest_csvmap {
	struct rcx_config *cfg; /* owns every string below and the arrays (in its arena) */
	char delim;
	bool header;
	const char *comment; /* characters that open a comment line; "" for none */
	bool trim;
	enum time_format time_format;
	long columns; /* required field count, 0 = any */
	struct map_col *col;
	size_t ncol;
	struct map_const *cst;
	size_t ncst;
	struct map_translate *tr;
	size_t ntr;
	const char **null;
	size_t nnull;
};

void ingest_csvmap_free(struct ingest_csvmap *map)
{
	if (!map)
		return;
	rcx_config_free(map->cfg);
	free(map);
}

/* ---- loading ---- */

static enum rcx_result map_error(char *error, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum rcx_result map_error(char *error, unsigned line, const char *fmt, ...)
{
	if (error) {
		int n = line ? snprintf(error, INGEST_REASON_MAX, "line %u: ", line) : 0;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(error + n, INGEST_REASON_MAX - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return RCX_ECONFIG;
}

static bool word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && !strncasecmp(s, w, len);
}

static enum rcx_result parse_target(const char *s, size_t len, struct map_target *ret, bool *ret_optional,
				    struct rcx_arena *a)
{
	rcx_trim(&s, &len);
	bool optional = false;
	if (ret_optional && len && s[len - 1] == '?') {
		optional = true;
		len--;
	}
	if (len > 6 && !memcmp(s, "extra.", 6) && len <= RCX_FIELD_NAME_MAX) {
		ret->f = EF_MAX;
		ret->key = rcx_arena_strndup(a, s + 6, len - 6);
	} else {
		enum event_field f = event_field_lookup(s, len);
		/* rcx.* is the store's bookkeeping, not something a feed can say */
		if (f == EF_MAX || (len > 4 && !memcmp(s, "rcx.", 4)))
			return RCX_ENOTFOUND;
		ret->f = f;
		ret->key = NULL;
	}
	ret->label = rcx_arena_strndup(a, s, len);
	if (ret_optional)
		*ret_optional = optional;
	return RCX_OK;
}

static enum rcx_result target_set(struct event *ev, const struct map_target *t, const char *v, size_t len)
{
	if (t->f == EF_MAX)
		return event_set_extra_string(ev, t->key, strlen(t->key), v, len);
	return event_set(ev, t->f, v, len);
}

/* A column number within ±RCX_CSV_FIELDS_MAX, not 0. */
static bool parse_colno(const char *s, size_t len, long *ret)
{
	int64_t v;
	rcx_trim(&s, &len);
	if (rcx_parse_i64(s, len, &v) != RCX_OK || v == 0 || v > (int64_t)RCX_CSV_FIELDS_MAX ||
	    v < -(int64_t)RCX_CSV_FIELDS_MAX)
		return false;
	*ret = (long)v;
	return true;
}

static enum rcx_result parse_column(struct ingest_csvmap *m, const struct rcx_config_entry *e, const char *ref,
				    size_t rlen, char *error)
{
	struct rcx_arena *a = &m->cfg->arena;
	struct map_col *c = &m->col[m->ncol];
	memset(c, 0, sizeof(*c));
	rcx_trim(&ref, &rlen);
	if (rlen == 0)
		return map_error(error, e->line, "%s", "a column needs a number or a header name");
	c->ref = rcx_arena_strndup(a, ref, rlen);
	const char *dots = memmem(ref, rlen, "..", 2);
	if (dots && parse_colno(ref, (size_t)(dots - ref), &c->first) &&
	    parse_colno(dots + 2, rlen - (size_t)(dots + 2 - ref), &c->last)) {
		c->range = true;
		if ((c->first > 0) == (c->last > 0) && c->first > c->last)
			return map_error(error, e->line, "column range '%s' runs backwards", c->ref);
	} else if (parse_colno(ref, rlen, &c->first)) {
		c->last = c->first;
	} else {
		int64_t dummy;
		if (rcx_parse_i64(ref, rlen, &dummy) == RCX_OK || rcx_parse_i64(ref, rlen, &dummy) == RCX_ELIMIT)
			return map_error(error, e->line, "column number %s is out of range", c->ref);
		c->name = c->ref;
	}
	if (parse_target(e->value, strlen(e->value), &c->t, &c->optional, a) != RCX_OK)
		return map_error(error, e->line, "unknown field '%s'", e->value);
	m->ncol++;
	return RCX_OK;
}

/* "const <field> = <value>": the value is checked now, so that a bad map fails before any record. */
static enum rcx_result parse_const(struct ingest_csvmap *m, const struct rcx_config_entry *e, const char *field,
				   size_t flen, struct event *scratch, char *error)
{
	struct map_const *k = &m->cst[m->ncst];
	if (parse_target(field, flen, &k->t, NULL, &m->cfg->arena) != RCX_OK)
		return map_error(error, e->line, "unknown field in '%s'", e->key);
	k->value = e->value;
	if (target_set(scratch, &k->t, k->value, strlen(k->value)) != RCX_OK)
		return map_error(error, e->line, "the value of '%s' is not valid for the field", e->key);
	m->ncst++;
	return RCX_OK;
}

/* "translate <field> <from> = <to>" */
static enum rcx_result parse_translate(struct ingest_csvmap *m, const struct rcx_config_entry *e, const char *rest,
				       size_t rlen, struct event *scratch, char *error)
{
	struct map_translate *t = &m->tr[m->ntr];
	rcx_trim(&rest, &rlen);
	size_t fl = 0;
	while (fl < rlen && rest[fl] != ' ' && rest[fl] != '\t')
		fl++;
	const char *from = rest + fl;
	size_t from_len = rlen - fl;
	rcx_trim(&from, &from_len);
	if (fl == 0 || from_len == 0)
		return map_error(error, e->line, "%s", "expected 'translate <field> <value> = <new value>'");
	if (parse_target(rest, fl, &t->t, NULL, &m->cfg->arena) != RCX_OK)
		return map_error(error, e->line, "unknown field in '%s'", e->key);
	t->from = rcx_arena_strndup(&m->cfg->arena, from, from_len);
	t->to = e->value;
	if (target_set(scratch, &t->t, t->to, strlen(t->to)) != RCX_OK)
		return map_error(error, e->line, "'%s' is not a valid value for the field", t->to);
	m->ntr++;
	return RCX_OK;
}

static enum rcx_result parse_option(struct ingest_csvmap *m, const struct rcx_config_entry *e, char *error)
{
	const char *k = e->key, *v = e->value;
	size_t vl = strlen(v);
	if (!strcasecmp(k, "delimiter")) {
		static const struct {
			const char *name;
			char c;
		} names[] = {{"comma", ','}, {"tab", '\t'}, {"semicolon", ';'}, {"pipe", '|'}, {"space", ' '}};
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (word_is(v, vl, names[i].name)) {
				m->delim = names[i].c;
				return RCX_OK;
			}
		if (vl == 1 && v[0] != '"' && (unsigned char)v[0] >= 0x20 && (unsigned char)v[0] < 0x7f) {
			m->delim = v[0];
			return RCX_OK;
		}
		return map_error(error, e->line,
				 "unknown delimiter '%s' (comma, tab, semicolon, pipe, space or one character)", v);
	}
	if (!strcasecmp(k, "header") || !strcasecmp(k, "trim")) {
		bool yes = word_is(v, vl, "yes") || word_is(v, vl, "true");
		if (!yes && !word_is(v, vl, "no") && !word_is(v, vl, "false"))
			return map_error(error, e->line, "'%s' must be yes or no", k);
		if (!strcasecmp(k, "header"))
			m->header = yes;
		else
			m->trim = yes;
		return RCX_OK;
	}
	if (!strcasecmp(k, "comment")) {
		m->comment = word_is(v, vl, "none") ? "" : v;
		return RCX_OK;
	}
	if (!strcasecmp(k, "time_format")) {
		if (word_is(v, vl, "iso"))
			m->time_format = TIME_ISO;
		else if (word_is(v, vl, "epoch"))
			m->time_format = TIME_EPOCH;
		else if (word_is(v, vl, "epoch_ms"))
			m->time_format = TIME_EPOCH_MS;
		else
			return map_error(error, e->line, "unknown time_format '%s' (iso, epoch, epoch_ms)", v);
		return RCX_OK;
	}
	if (!strcasecmp(k, "null")) {
		m->null[m->nnull++] = v;
		return RCX_OK;
	}
	if (!strcasecmp(k, "columns")) {
		if (!parse_colno(v, vl, &m->columns) || m->columns < 0)
			return map_error(error, e->line, "columns must be a number from 1 to %u", RCX_CSV_FIELDS_MAX);
		return RCX_OK;
	}
	return map_error(error, e->line, "unknown setting '%s'", k);
}

static enum rcx_result map_compile(struct ingest_csvmap *m, char *error)
{
	struct rcx_config *cfg = m->cfg;
	struct rcx_arena *a = &cfg->arena;
	struct rcx_arena scratch_arena = RCX_ARENA_INIT;
	struct event scratch;
	enum rcx_result rc = RCX_OK;
	event_init(&scratch, &scratch_arena);
	m->col = rcx_arena_calloc(a, cfg->n + 1, sizeof(*m->col));
	m->cst = rcx_arena_calloc(a, cfg->n + 1, sizeof(*m->cst));
	m->tr = rcx_arena_calloc(a, cfg->n + 1, sizeof(*m->tr));
	m->null = rcx_arena_calloc(a, cfg->n + 1, sizeof(*m->null));
	for (size_t i = 0; i < cfg->n && rc == RCX_OK; i++) {
		const struct rcx_config_entry *e = &cfg->entries[i];
		if (e->section[0]) {
			rc = map_error(error, e->line, "%s", "a map has no [sections]");
			break;
		}
		size_t kl = 0, klen = strlen(e->key);
		while (kl < klen && e->key[kl] != ' ' && e->key[kl] != '\t')
			kl++;
		const char *rest = e->key + kl;
		size_t rlen = klen - kl;
		if (word_is(e->key, kl, "column"))
			rc = parse_column(m, e, rest, rlen, error);
		else if (word_is(e->key, kl, "const"))
			rc = parse_const(m, e, rest, rlen, &scratch, error);
		else if (word_is(e->key, kl, "translate"))
			rc = parse_translate(m, e, rest, rlen, &scratch, error);
		else if (rlen == 0)
			rc = parse_option(m, e, error);
		else
			rc = map_error(error, e->line, "unknown setting '%s'", e->key);
	}
	for (size_t i = 0; i < m->ncol && rc == RCX_OK; i++)
		if (m->col[i].name && !m->header)
			rc = map_error(error, 0, "column '%s' is named, which needs header = yes", m->col[i].ref);
	if (rc == RCX_OK && m->ncol == 0)
		rc = map_error(error, 0, "%s", "the map maps no column");
	rcx_arena_free(&scratch_arena);
	return rc;
}

enum rcx_result ingest_csvmap_load(const char *path, struct ingest_csvmap **ret_map, char error[INGEST_REASON_MAX])
{
	unsigned line = 0;
	struct ingest_csvmap *m = calloc(1, sizeof(*m));
	if (!m)
		return RCX_ENOMEM;
	enum rcx_result rc = rcx_config_load(path, &m->cfg, &line);
	if (rc != RCX_OK) {
		if (error && rc == RCX_EPARSE)
			snprintf(error, INGEST_REASON_MAX, "line %u: expected 'key = value'", line);
		else if (error)
			snprintf(error, INGEST_REASON_MAX, "cannot read the map: %s", rcx_result_message(rc));
		free(m);
		return rc == RCX_EPARSE ? RCX_ECONFIG : rc;
	}
	m->delim = ',';
	m->comment = "#";
	m->trim = true;
	rc = map_compile(m, error);
	if (rc != RCX_OK) {
		ingest_csvmap_free(m);
		return rc;
	}
	*ret_map = m;
	return RCX_OK;
}

/* ---- reading records ---- */

/* Gives named columns their number from the header record; RCX_ECONFIG if one is absent. */
static enum rcx_result map_resolve_header(struct ingest_csvmap *m, const struct ingest_csv_record *rec)
{
	for (size_t i = 0; i < m->ncol; i++) {
		struct map_col *c = &m->col[i];
		if (!c->name)
			continue;
		size_t k = 0;
		for (; k < rec->n; k++) {
			const char *h = rec->v[k];
			size_t hl = rec->len[k];
			rcx_trim(&h, &hl);
			if (hl == strlen(c->name) && !strncasecmp(h, c->name, hl))
				break;
		}
		if (k == rec->n)
			return RCX_ECONFIG;
		c->first = c->last = (long)k + 1;
	}
	return RCX_OK;
}

static long col_index(long k, size_t n)
{
	return k > 0 ? k - 1 : (long)n + k;
}

static void col_what(const struct map_col *c, char *buf, size_t size)
{
	if (c->name)
		snprintf(buf, size, "field '%s' (%s)", c->name, c->t.label);
	else
		snprintf(buf, size, "field%s %s (%s)", c->range ? "s" : "", c->ref, c->t.label);
}

static bool is_null(const struct ingest_csvmap *m, const char *v, size_t len)
{
	for (size_t i = 0; i < m->nnull; i++)
		if (strlen(m->null[i]) == len && !memcmp(m->null[i], v, len))
			return true;
	return false;
}

/* An epoch time as IntelMQ's text, within the years rcx_time_parse accepts. */
static bool epoch_text(const char *v, size_t len, bool ms, char buf[RCX_TIME_BUF], size_t *ret_len)
{
	int64_t t;
	const int64_t lo = INT64_C(-30610224000), hi = INT64_C(253402300799); /* 1000-01-01 .. 9999-12-31 */
	if (rcx_parse_i64(v, len, &t) != RCX_OK)
		return false;
	if (ms ? (t < lo * 1000 || t > hi * 1000) : (t < lo || t > hi))
		return false;
	*ret_len = rcx_time_format(ms ? t * 1000 : t * 1000000, buf);
	return true;
}

struct csv_run {
	struct ingest_csvmap *m;
	struct ingest_sink *sink;
	struct rcx_strbuf join; /* values of column ranges */
	long expected;          /* required field count, 0 = any */
};

static enum rcx_result reject_rec(struct csv_run *r, const struct ingest_csv_record *rec, const char *reason)
{
	return r->sink->reject(r->sink, rec->line_first, reason, rec->raw, rec->raw_len, rec->raw_total);
}

/* The value of column mapping c in rec; false (with reason) when the record lacks the column. */
static bool col_value(struct csv_run *r, const struct map_col *c, const struct ingest_csv_record *rec,
		      const char **ret_v, size_t *ret_len, char reason[INGEST_REASON_MAX])
{
	long a = col_index(c->first, rec->n), b = col_index(c->last, rec->n);
	if (a < 0 || b < 0 || (size_t)a >= rec->n || (size_t)b >= rec->n || a > b) {
		char what[128];
		col_what(c, what, sizeof(what));
		snprintf(reason, INGEST_REASON_MAX, "%s is missing: the record has %zu fields", what, rec->n);
		return false;
	}
	if (a == b) {
		*ret_v = rec->v[a];
		*ret_len = rec->len[a];
		return true;
	}
	rcx_strbuf_clear(&r->join);
	for (long i = a; i <= b; i++) {
		if (i > a)
			rcx_strbuf_putc(&r->join, r->m->delim);
		rcx_strbuf_append(&r->join, rec->v[i], rec->len[i]);
	}
	*ret_v = r->join.data ? r->join.data : "";
	*ret_len = r->join.len;
	return true;
}

static enum rcx_result map_record(struct csv_run *r, const struct ingest_csv_record *rec)
{
	const struct ingest_csvmap *m = r->m;
	char reason[INGEST_REASON_MAX], what[128];
	if (r->expected && rec->n != (size_t)r->expected) {
		snprintf(reason, sizeof(reason), "expected %ld fields, got %zu", r->expected, rec->n);
		return reject_rec(r, rec, reason);
	}
	struct event *ev = r->sink->event_new(r->sink);
	for (size_t i = 0; i < m->ncst; i++)
		target_set(ev, &m->cst[i].t, m->cst[i].value, strlen(m->cst[i].value));
	size_t nset = 0;
	for (size_t i = 0; i < m->ncol; i++) {
		const struct map_col *c = &m->col[i];
		const char *v;
		size_t len;
		if (!col_value(r, c, rec, &v, &len, reason))
			return reject_rec(r, rec, reason);
		if (m->trim)
			rcx_trim(&v, &len);
		if (len == 0 || is_null(m, v, len))
			continue;
		for (size_t k = 0; k < m->ntr; k++) {
			const struct map_translate *t = &m->tr[k];
			if (t->t.f == c->t.f && (t->t.f != EF_MAX || !strcmp(t->t.key, c->t.key)) &&
			    strlen(t->from) == len && !strncasecmp(t->from, v, len)) {
				v = t->to;
				len = strlen(t->to);
				break;
			}
		}
		char tbuf[RCX_TIME_BUF];
		if (c->t.f != EF_MAX && event_fields[c->t.f].type == EVT_DATETIME && m->time_format != TIME_ISO &&
		    epoch_text(v, len, m->time_format == TIME_EPOCH_MS, tbuf, &len))
			v = tbuf;
		enum rcx_result rc = target_set(ev, &c->t, v, len);
		if (rc != RCX_OK && c->optional)
			continue;
		if (rc != RCX_OK) {
			col_what(c, what, sizeof(what));
			return reject_rec(r, rec, ingest_reason_value(reason, what, c->t.f, rc, v, len));
		}
		nset++;
	}
	if (nset == 0)
		return reject_rec(r, rec, "no value in any mapped column");
	event_set_raw(ev, rec->raw, rec->raw_len);
	enum rcx_result rc = r->sink->emit(r->sink, ev);
	return rc == RCX_OK ? r->sink->record_end(r->sink, rec->line_last) : rc;
}

static enum rcx_result parse_csv(const struct ingest_source *src, struct ingest_reader *in, struct ingest_sink *sink)
{
	struct ingest_csvmap *m = NULL;
	if (!src->map_path) {
		ingest_source_error(src, "the csv format needs a column map (--map FILE)");
		return RCX_ECONFIG;
	}
	char why[INGEST_REASON_MAX] = "";
	enum rcx_result rc = ingest_csvmap_load(src->map_path, &m, why);
	if (rc != RCX_OK) {
		ingest_source_error(src, "map %s: %s", src->map_path, why[0] ? why : rcx_result_message(rc));
		return rc == RCX_ENOMEM ? rc : RCX_ECONFIG;
	}
	struct csv_run r = {m, sink, RCX_STRBUF_INIT(RCX_LINE_MAX), m->columns};
	struct ingest_csv csv;
	bool need_header = m->header;
	ingest_csv_init(&csv, in, m->delim);
	for (;;) {
		struct ingest_line l;
		struct ingest_csv_record rec;
		rc = ingest_next_data_line(in, sink, &l);
		if (rc != RCX_OK)
			break;
		if (ingest_text_comment(l.data, l.len, m->comment))
			continue;
		/* a record may continue over lines inside quotes: let the CSV reader take it from here */
		ingest_reader_unread(in);
		rc = ingest_csv_next(&csv, &rec);
		if (rc != RCX_OK)
			break;
		if (rec.error) {
			rc = reject_rec(&r, &rec, rec.error);
		} else if (memchr(rec.raw, '\0', rec.raw_len)) {
			rc = reject_rec(&r, &rec, "NUL byte in the record");
		} else if (need_header) {
			/* a header that lacks a named column makes every record unreadable: that is the
			 * map's fault, and the run stops before storing anything */
			rc = map_resolve_header(m, &rec);
			need_header = false;
			if (!r.expected)
				r.expected = (long)rec.n;
		} else {
			rc = map_record(&r, &rec);
		}
		if (rc != RCX_OK)
			break;
	}
	rcx_strbuf_free(&r.join);
	ingest_csv_free(&csv);
	ingest_csvmap_free(m);
	return rc == RCX_ENOTFOUND ? RCX_OK : rc;
}

const struct ingest_format ingest_format_csv = {
	.name = "csv",
	.feed_name = "csv",
	.tlp = RCX_TLP_AMBER,
	.detect = NULL, /* any text is "CSV"; the format is chosen with --format csv --map FILE */
	.parse = parse_csv,
};
