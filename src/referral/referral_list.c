/* Hash lists: the PDQ tools' text and rcx's CSV (see referral_list.h for what is accepted).
 * Lines come from a window over memory or over a file read in chunks; each line is parsed with a
 * cursor and a length, never past it. */
#include "referral/referral_list.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/time.h"

#define CSV_COLUMNS_MAX 64u  /* columns of a CSV header */
#define CATEGORY_MAX 64u     /* bytes of a category token */

/* ---- lines ---- */

struct lines {
	FILE *f;          /* NULL: the window is the whole input */
	const char *data; /* the window: data[pos..len) is unread */
	size_t len, pos;
	char *buf; /* a file's window storage, cap bytes */
	size_t cap;
	bool eof, io_error;
	size_t max;  /* longest line returned whole */
	uint64_t no; /* number of the last line returned */
};

/* Moves the unread bytes to the front of buf and reads more after them. */
static void lines_fill(struct lines *r)
{
	size_t avail = r->len - r->pos;
	memmove(r->buf, r->data + r->pos, avail);
	r->data = r->buf;
	r->pos = 0;
	r->len = avail;
	size_t got = fread(r->buf + avail, 1, r->cap - avail, r->f);
	r->len += got;
	if (got == 0) {
		r->eof = true;
		r->io_error = ferror(r->f) != 0;
	}
}

/* The next line without its "\n" or "\r\n" into *ret_s, *ret_len; *ret_long when it is longer than
 * max (its bytes are then skipped and not given). false at the end of the input. */
static bool lines_next(struct lines *r, const char **ret_s, size_t *ret_len, bool *ret_long)
{
	bool skipping = false;
	for (;;) {
		const char *start = r->data + r->pos;
		size_t avail = r->len - r->pos;
		const char *nl = avail ? memchr(start, '\n', avail) : NULL;
		if (skipping) {
			r->pos = nl ? r->pos + (size_t)(nl - start) + 1 : r->len;
			if (nl || r->eof) {
				r->no++;
				*ret_s = "";
				*ret_len = 0;
				*ret_long = true;
				return true;
			}
			lines_fill(r);
			continue;
		}
		if (nl || r->eof) {
			if (!nl && avail == 0)
				return false;
			size_t len = nl ? (size_t)(nl - start) : avail;
			r->pos += nl ? len + 1 : len;
			r->no++;
			if (len > 0 && start[len - 1] == '\r')
				len--;
			*ret_long = len > r->max;
			*ret_s = start;
			*ret_len = *ret_long ? 0 : len;
			return true;
		}
		if (avail > r->max + 1) /* no line end within max + "\r\n": too long */
			skipping = true;
		else
			lines_fill(r);
	}
}

/* ---- the list ---- */

static void list_error(struct referral_list *l, uint64_t line, const char *reason)
{
	if (l->n_kept < RCX_REFERRAL_LIST_ERRORS_MAX) {
		l->errors[l->n_kept].line = line;
		l->errors[l->n_kept].reason = reason;
		l->n_kept++;
	}
	l->n_errors++;
}

/* Room for one more entry; RCX_ELIMIT past max entries. */
static enum rcx_result list_grow(struct referral_list *l, size_t max)
{
	if (l->n >= max)
		return RCX_ELIMIT;
	if (l->n < l->cap)
		return RCX_OK;
	size_t cap = l->cap ? l->cap * 2 : 256;
	if (cap > max)
		cap = max;
	struct referral_hash *h = realloc(l->hashes, cap * sizeof(*h));
	if (!h)
		return RCX_ENOMEM;
	l->hashes = h;
	struct referral_list_entry *e = realloc(l->entries, cap * sizeof(*e));
	if (!e)
		return RCX_ENOMEM;
	l->entries = e;
	l->cap = cap;
	return RCX_OK;
}

/* ---- field validation: NULL or the reason a field is refused ---- */

static const char *parse_quality(const char *s, size_t len, int *ret_q)
{
	rcx_trim(&s, &len);
	if (len == 0) {
		*ret_q = -1;
		return NULL;
	}
	int q = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 3)
			return "quality: not an integer 0..100";
		q = q * 10 + (s[i] - '0');
	}
	if (q > 100)
		return "quality: not an integer 0..100";
	*ret_q = q;
	return NULL;
}

/* Free text: trimmed, valid UTF-8, no control characters, bounded. NULL result when empty. */
static const char *parse_text(struct rcx_arena *a, const char *s, size_t len, bool trim, const char **ret)
{
	if (trim)
		rcx_trim(&s, &len);
	if (len == 0) {
		*ret = NULL;
		return NULL;
	}
	if (len > RCX_REFERRAL_FIELD_MAX)
		return "text field longer than the limit";
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "control character in a text field";
	if (!rcx_utf8_valid(s, len))
		return "text field is not UTF-8";
	*ret = rcx_arena_strndup(a, s, len);
	return NULL;
}

static const char *parse_category(struct rcx_arena *a, const char *s, size_t len, const char **ret)
{
	rcx_trim(&s, &len);
	if (len == 0) {
		*ret = NULL;
		return NULL;
	}
	if (len > CATEGORY_MAX)
		return "category: longer than 64 bytes";
	char *c = rcx_arena_strndup(a, s, len);
	for (size_t i = 0; i < len; i++) {
		c[i] = rcx_lower(c[i]);
		if (!((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= '0' && c[i] <= '9') || c[i] == '-' || c[i] == '_'))
			return "category: only letters, digits, '-' and '_'";
	}
	*ret = c;
	return NULL;
}

/* A date stays a date; a time is written the one way rcx writes times. */
static const char *parse_added(struct rcx_arena *a, const char *s, size_t len, const char **ret)
{
	rcx_trim(&s, &len);
	if (len == 0) {
		*ret = NULL;
		return NULL;
	}
	int64_t us;
	if (rcx_time_parse(s, len, &us) != RCX_OK)
		return "added: not an ISO-8601 date or time";
	if (len == 10) {
		*ret = rcx_arena_strndup(a, s, len);
	} else {
		char buf[RCX_TIME_BUF];
		size_t n = rcx_time_format(us, buf);
		*ret = rcx_arena_strndup(a, buf, n);
	}
	return NULL;
}

/* ---- text lines ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* HASH | HASH,QUALITY[,PATH] | HASH QUALITY [PATH]. Returns NULL or why the line is refused. */
static const char *text_line(struct referral_list *l, const char *s, size_t len, struct referral_hash *h,
			     struct referral_list_entry *e)
{
	if (len < REFERRAL_HASH_HEX_LEN || referral_hash_parse(s, REFERRAL_HASH_HEX_LEN, h) != RCX_OK ||
	    (len > REFERRAL_HASH_HEX_LEN && s[REFERRAL_HASH_HEX_LEN] != ',' && !is_blank(s[REFERRAL_HASH_HEX_LEN])))
		return "hash: not 64 hex digits";
	const char *p = s + REFERRAL_HASH_HEX_LEN, *end = s + len;
	const char *why;
	if (p == end)
		return NULL;
	if (*p == ',') {
		p++;
		const char *comma = memchr(p, ',', (size_t)(end - p));
		if ((why = parse_quality(p, (size_t)((comma ? comma : end) - p), &e->quality)))
			return why;
		return comma ? parse_text(&l->arena, comma + 1, (size_t)(end - comma - 1), true, &e->path) : NULL;
	}
	size_t rest = (size_t)(end - p);
	const char *q;
	size_t qlen;
	if (!rcx_next_field(&p, &rest, &q, &qlen))
		return NULL; /* only blanks after the hash */
	if ((why = parse_quality(q, qlen, &e->quality)))
		return why;
	return parse_text(&l->arena, p, rest, true, &e->path);
}

/* ---- CSV ---- */

enum column { COL_HASH, COL_QUALITY, COL_CATEGORY, COL_REFERENCE, COL_CONTRIBUTED_BY, COL_ADDED, COL_MAX };

static const char *const column_names[COL_MAX] = {"hash", "quality", "category", "reference", "contributed_by", "added"};

/* Other spellings accepted in a header. */
static const struct {
	const char *name;
	enum column col;
} column_aliases[] = {
	{"pdq", COL_HASH},           {"pdq_hash", COL_HASH},       {"ref", COL_REFERENCE},
	{"contributor", COL_CONTRIBUTED_BY}, {"contributed-by", COL_CONTRIBUTED_BY},
	{"date_added", COL_ADDED},   {"added_at", COL_ADDED},
};

struct csv_fields {
	size_t n;
	const char *v[CSV_COLUMNS_MAX];
	size_t len[CSV_COLUMNS_MAX];
	char scratch[RCX_REFERRAL_LINE_MAX]; /* unquoted values */
};

/* Splits one CSV line (RFC 4180 quoting, blanks around fields dropped). NULL or why not. */
static const char *csv_split(const char *s, size_t len, struct csv_fields *f)
{
	const char *p = s, *end = s + len;
	char *w = f->scratch;
	f->n = 0;
	for (;;) {
		if (f->n == CSV_COLUMNS_MAX)
			return "more than 64 fields";
		while (p < end && is_blank(*p))
			p++;
		const char *v = w;
		if (p < end && *p == '"') {
			for (p++;; p++) {
				if (p == end)
					return "unterminated quoted field";
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						*w++ = '"';
						p++;
						continue;
					}
					p++;
					break;
				}
				*w++ = *p;
			}
			while (p < end && is_blank(*p))
				p++;
			if (p < end && *p != ',')
				return "text after a closing quote";
		} else {
			const char *start = p;
			while (p < end && *p != ',') {
				if (*p == '"')
					return "quote inside an unquoted field";
				p++;
			}
			size_t n = (size_t)(p - start);
			while (n && is_blank(start[n - 1]))
				n--;
			memcpy(w, start, n);
			w += n;
		}
		f->v[f->n] = v;
		f->len[f->n++] = (size_t)(w - v);
		if (p == end)
			return NULL;
		p++; /* the comma */
	}
}

struct csv_state {
	bool have_header;
	bool dead;                /* the header was refused: the rest is not read */
	size_t n_columns;
	int col_of[CSV_COLUMNS_MAX]; /* column of each header field, -1 = ignored */
	struct csv_fields f;
};

static const char *csv_header(struct csv_state *st, const char *s, size_t len)
{
	const char *why = csv_split(s, len, &st->f);
	if (why)
		return why;
	bool seen[COL_MAX] = {false};
	for (size_t i = 0; i < st->f.n; i++) {
		char name[32];
		size_t n = st->f.len[i];
		st->col_of[i] = -1;
		if (n >= sizeof(name))
			continue;
		for (size_t j = 0; j < n; j++)
			name[j] = rcx_lower(st->f.v[i][j]);
		name[n] = '\0';
		int col = -1;
		for (int c = 0; c < COL_MAX && col < 0; c++)
			if (!strcmp(name, column_names[c]))
				col = c;
		for (size_t a = 0; a < sizeof(column_aliases) / sizeof(column_aliases[0]) && col < 0; a++)
			if (!strcmp(name, column_aliases[a].name))
				col = (int)column_aliases[a].col;
		if (col >= 0 && seen[col])
			return "header: a column is named twice";
		if (col >= 0)
			seen[col] = true;
		st->col_of[i] = col;
	}
	if (!seen[COL_HASH])
		return "header: no hash column (the rest of the file is not read)";
	st->n_columns = st->f.n;
	return NULL;
}

static const char *csv_record(struct referral_list *l, struct csv_state *st, const char *s, size_t len,
			      struct referral_hash *h, struct referral_list_entry *e)
{
	const char *why = csv_split(s, len, &st->f);
	if (why)
		return why;
	if (st->f.n > st->n_columns)
		return "more fields than the header has columns";
	bool have_hash = false;
	for (size_t i = 0; i < st->f.n && !why; i++) {
		const char *v = st->f.v[i];
		size_t n = st->f.len[i];
		switch (st->col_of[i]) {
		case COL_HASH:
			if (referral_hash_parse(v, n, h) != RCX_OK)
				return "hash: not 64 hex digits";
			have_hash = true;
			break;
		case COL_QUALITY: why = parse_quality(v, n, &e->quality); break;
		case COL_CATEGORY: why = parse_category(&l->arena, v, n, &e->category); break;
		case COL_REFERENCE: why = parse_text(&l->arena, v, n, false, &e->reference); break;
		case COL_CONTRIBUTED_BY: why = parse_text(&l->arena, v, n, false, &e->contributed_by); break;
		case COL_ADDED: why = parse_added(&l->arena, v, n, &e->added); break;
		default: break;
		}
	}
	if (!why && !have_hash)
		return "hash: missing";
	return why;
}

/* ---- reading ---- */

/* Whether a line (not blank, not a comment) starts a text list: a hash, then the end, ',' or a blank. */
static bool looks_text(const char *s, size_t len)
{
	struct referral_hash h;
	return len >= REFERRAL_HASH_HEX_LEN && referral_hash_parse(s, REFERRAL_HASH_HEX_LEN, &h) == RCX_OK &&
	       (len == REFERRAL_HASH_HEX_LEN || s[REFERRAL_HASH_HEX_LEN] == ',' || is_blank(s[REFERRAL_HASH_HEX_LEN]));
}

static enum rcx_result read_lines(struct lines *in, const struct referral_list_options *opt,
				  struct referral_list **ret_list)
{
	enum rcx_result r = RCX_ENOMEM;
	struct referral_list *l = calloc(1, sizeof(*l));
	struct csv_state *st = calloc(1, sizeof(*st));
	size_t max = opt && opt->max_entries ? opt->max_entries : RCX_REFERRAL_LIST_ENTRIES_MAX;
	if (!l || !st)
		goto fail;
	l->format = opt ? opt->format : REFERRAL_LIST_AUTO;
	if ((unsigned)l->format >= REFERRAL_LIST_FORMAT_MAX) {
		r = RCX_EINVAL;
		goto fail;
	}
	const char *s;
	size_t len;
	bool too_long;
	while (lines_next(in, &s, &len, &too_long)) {
		if (in->no == 1 && len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
			s += 3;
			len -= 3;
		}
		if (too_long) {
			list_error(l, in->no, "line longer than the limit");
			continue;
		}
		rcx_trim(&s, &len);
		if (len == 0 || s[0] == '#' || st->dead)
			continue;
		if (l->format == REFERRAL_LIST_AUTO) {
			/* csv when the line is a header that names a hash column, else text (and the line a bad
			 * text line if it is not one) */
			if (!looks_text(s, len) && !csv_header(st, s, len)) {
				l->format = REFERRAL_LIST_CSV;
				st->have_header = true;
				continue;
			}
			l->format = REFERRAL_LIST_TEXT;
		}
		if (l->format == REFERRAL_LIST_CSV && !st->have_header) {
			const char *why = csv_header(st, s, len);
			st->have_header = true;
			if (why) {
				list_error(l, in->no, why);
				st->dead = true;
			}
			continue;
		}
		struct referral_hash h;
		struct referral_list_entry e = {.line = in->no, .quality = -1};
		const char *why = l->format == REFERRAL_LIST_TEXT ? text_line(l, s, len, &h, &e)
								   : csv_record(l, st, s, len, &h, &e);
		if (why) {
			list_error(l, in->no, why);
			continue;
		}
		if ((r = list_grow(l, max)) != RCX_OK)
			goto fail;
		l->hashes[l->n] = h;
		l->entries[l->n++] = e;
	}
	if (in->io_error) {
		r = RCX_EIO;
		goto fail;
	}
	if (l->format == REFERRAL_LIST_AUTO)
		l->format = REFERRAL_LIST_TEXT; /* nothing but blanks and comments */
	free(st);
	*ret_list = l;
	return RCX_OK;
fail:
	free(st);
	referral_list_free(l);
	return r;
}

static size_t line_max(const struct referral_list_options *opt)
{
	size_t m = opt && opt->max_line ? opt->max_line : RCX_REFERRAL_LINE_MAX;
	return m > RCX_REFERRAL_LINE_MAX ? RCX_REFERRAL_LINE_MAX : m; /* csv_fields.scratch holds one line */
}

enum rcx_result referral_list_read_mem(const char *data, size_t len, const struct referral_list_options *opt,
				       struct referral_list **ret_list)
{
	struct lines in = {.data = data ? data : "", .len = data ? len : 0, .eof = true, .max = line_max(opt)};
	return read_lines(&in, opt, ret_list);
}

enum rcx_result referral_list_read_file(const char *path, const struct referral_list_options *opt,
					struct referral_list **ret_list)
{
	struct lines in = {.max = line_max(opt), .cap = RCX_READ_CHUNK};
	bool is_stdin = !strcmp(path, "-");
	if (!(in.f = is_stdin ? stdin : fopen(path, "rb")))
		return RCX_EIO;
	enum rcx_result r = RCX_ENOMEM;
	if ((in.buf = malloc(in.cap))) {
		in.data = in.buf;
		r = read_lines(&in, opt, ret_list);
	}
	free(in.buf);
	if (!is_stdin)
		fclose(in.f);
	return r;
}

void referral_list_free(struct referral_list *list)
{
	if (!list)
		return;
	free(list->hashes);
	free(list->entries);
	rcx_arena_free(&list->arena);
	free(list);
}

/* ---- writing ---- */

/* Appends a CSV value, quoted when it has to be. */
static bool csv_put(struct rcx_strbuf *out, const char *v)
{
	if (!v)
		return true;
	size_t n = strlen(v);
	bool quote = n && (is_blank(v[0]) || is_blank(v[n - 1]) || strpbrk(v, ",\"") || v[0] == '#');
	if (!quote)
		return rcx_strbuf_append(out, v, n) == RCX_OK;
	bool ok = rcx_strbuf_putc(out, '"') == RCX_OK;
	for (const char *p = v; *p && ok; p++)
		ok = (*p != '"' || rcx_strbuf_putc(out, '"') == RCX_OK) && rcx_strbuf_putc(out, *p) == RCX_OK;
	return ok && rcx_strbuf_putc(out, '"') == RCX_OK;
}

enum rcx_result referral_list_write(const struct referral_list *list, enum referral_list_format format,
				    struct rcx_strbuf *out)
{
	if (format != REFERRAL_LIST_TEXT && format != REFERRAL_LIST_CSV)
		return RCX_EINVAL;
	bool ok = format != REFERRAL_LIST_CSV ||
		  rcx_strbuf_puts(out, "hash,quality,category,reference,contributed_by,added\n") == RCX_OK;
	for (size_t i = 0; i < list->n && ok; i++) {
		const struct referral_list_entry *e = &list->entries[i];
		char hex[REFERRAL_HASH_HEX_LEN + 1];
		referral_hash_format(&list->hashes[i], hex);
		ok = rcx_strbuf_append(out, hex, REFERRAL_HASH_HEX_LEN) == RCX_OK;
		if (format == REFERRAL_LIST_TEXT) {
			if (ok && (e->quality >= 0 || e->path))
				ok = rcx_strbuf_putc(out, ',') == RCX_OK;
			if (ok && e->quality >= 0)
				ok = rcx_strbuf_printf(out, "%d", e->quality) == RCX_OK;
			if (ok && e->path)
				ok = rcx_strbuf_printf(out, ",%s", e->path) == RCX_OK;
		} else {
			if (ok)
				ok = rcx_strbuf_putc(out, ',') == RCX_OK;
			if (ok && e->quality >= 0)
				ok = rcx_strbuf_printf(out, "%d", e->quality) == RCX_OK;
			const char *const rest[] = {e->category, e->reference, e->contributed_by, e->added};
			for (size_t j = 0; j < sizeof(rest) / sizeof(rest[0]) && ok; j++)
				ok = rcx_strbuf_putc(out, ',') == RCX_OK && csv_put(out, rest[j]);
		}
		ok = ok && rcx_strbuf_putc(out, '\n') == RCX_OK;
	}
	return ok ? RCX_OK : RCX_ELIMIT;
}
