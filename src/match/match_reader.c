/* The table of log formats and the record loop they share (see match_reader_impl.h). */
#include "match/match_reader.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/time.h"
#include "match/match_reader_impl.h"

static enum rcx_result generic_open(const struct match_format *fmt, const struct match_format_options *opt,
				    struct match_parser **ret_p);
static enum rcx_result generic_next(struct match_parser *p, struct match_input *in, struct match_record *ret_rec);
static void generic_close(struct match_parser *p);

struct format_entry {
	struct match_format fmt; /* first: the public view */
	const struct match_line_ops *ops;
};

#define FORMAT(n, s, o) {{n, s, generic_open, generic_next, generic_close}, &o}
static const struct format_entry formats[] = {
	FORMAT("jsonl", "one JSON object per line; every string value, or fields=path:kind,...", match_jsonl_ops),
	FORMAT("csv", "comma-separated with a header line; every column, or fields=name:kind,...", match_csv_ops),
	FORMAT("tsv", "tab-separated with a header line; every column, or fields=name:kind,...", match_tsv_ops),
	FORMAT("zeek", "Zeek TSV logs (conn, dns, http, ssl, files, ...): addr columns, names, URLs, hashes",
	       match_zeek_ops),
	FORMAT("dns", "BIND querylog and dnsmasq log lines: client, query name, answers", match_dns_ops),
	FORMAT("squid", "Squid access.log (native, common, combined): client, URL, peer, referer", match_squid_ops),
	FORMAT("text", "free text: IPs, domains, URLs (also defanged), hashes, e-mail addresses", match_text_ops),
};

const struct match_format *match_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].fmt.name, name))
			return &formats[i].fmt;
	return NULL;
}

const struct match_format *match_format_at(size_t i)
{
	return i < sizeof(formats) / sizeof(formats[0]) ? &formats[i].fmt : NULL;
}

static const char *const kind_names[MATCH_OBS_KIND_MAX] = {"any", "ip", "domain", "url", "hash", "email"};

const char *match_obs_kind_name(enum match_obs_kind k)
{
	return (unsigned)k < MATCH_OBS_KIND_MAX ? kind_names[k] : "any";
}

enum rcx_result match_obs_kind_parse(const char *s, size_t len, enum match_obs_kind *ret_kind)
{
	for (unsigned k = 0; k < MATCH_OBS_KIND_MAX; k++)
		if (strlen(kind_names[k]) == len && !strncasecmp(kind_names[k], s, len)) {
			*ret_kind = (enum match_obs_kind)k;
			return RCX_OK;
		}
	return RCX_EPARSE;
}

enum rcx_result match_fields_parse(struct rcx_arena *a, const char *spec, struct match_field_spec **ret_fields,
				   size_t *ret_n)
{
	size_t n = 1;
	for (const char *c = spec; *c; c++)
		n += *c == ',';
	if (n > MATCH_FIELDS_MAX)
		return RCX_ELIMIT;
	struct match_field_spec *f = rcx_arena_calloc(a, n, sizeof(*f));
	size_t i = 0;
	for (const char *s = spec;;) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		const char *item = s;
		rcx_trim(&item, &len);
		const char *colon = memchr(item, ':', len);
		size_t nlen = colon ? (size_t)(colon - item) : len;
		const char *name = item;
		rcx_trim(&name, &nlen);
		if (nlen == 0)
			return RCX_EPARSE;
		f[i].kind = MATCH_OBS_ANY;
		if (colon) {
			const char *k = colon + 1;
			size_t klen = (size_t)(item + len - k);
			rcx_trim(&k, &klen);
			if (match_obs_kind_parse(k, klen, &f[i].kind) != RCX_OK)
				return RCX_EPARSE;
		}
		f[i++].name = rcx_arena_strndup(a, name, nlen);
		if (!end)
			break;
		s = end + 1;
	}
	*ret_fields = f;
	*ret_n = i;
	return RCX_OK;
}

void match_obs_add(struct match_parser *p, enum match_obs_kind kind, const char *field, const char *value,
		   size_t len)
{
	if (len == 0)
		return;
	if (p->n_obs == MATCH_RECORD_OBS_MAX) {
		p->st.obs_dropped++;
		return;
	}
	if (p->n_obs == p->cap_obs) {
		size_t cap = p->cap_obs ? p->cap_obs * 2 : 32;
		struct match_observable *o = realloc(p->obs, cap * sizeof(*o));
		if (!o)
			abort(); /* as the arena does: a partial record is useless */
		p->obs = o;
		p->cap_obs = cap;
	}
	p->obs[p->n_obs++] = (struct match_observable){kind, field, value, len};
}

bool match_field_wanted(const struct match_parser *p, const char *name, size_t len, enum match_obs_kind *ret_kind)
{
	if (!p->opt.fields) {
		*ret_kind = MATCH_OBS_ANY;
		return true;
	}
	for (size_t i = 0; i < p->opt.n_fields; i++)
		if (strlen(p->opt.fields[i].name) == len && !memcmp(p->opt.fields[i].name, name, len)) {
			*ret_kind = p->opt.fields[i].kind;
			return true;
		}
	return false;
}

bool match_is_time_field(const struct match_parser *p, const char *name, size_t len)
{
	static const char *const defaults[] = {"timestamp", "@timestamp", "ts", "time"};
	if (p->opt.time_field)
		return strlen(p->opt.time_field) == len && !memcmp(p->opt.time_field, name, len);
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (strlen(defaults[i]) == len && !memcmp(defaults[i], name, len))
			return true;
	return false;
}

bool match_epoch_parse(const char *s, size_t len, int64_t *ret_us)
{
	size_t i = 0;
	uint64_t whole = 0, frac = 0, scale = 1;
	rcx_trim(&s, &len);
	if (len == 0 || len > 32)
		return false;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (whole > UINT64_MAX / 100)
			return false;
		whole = whole * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0)
		return false;
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			if (scale < 1000000) {
				frac = frac * 10 + (uint64_t)(s[i] - '0');
				scale *= 10;
			}
	}
	if (i != len)
		return false;
	uint64_t us;
	if (whole >= 100000000000000ull) /* microseconds */
		us = whole;
	else if (whole >= 100000000000ull) /* milliseconds */
		us = whole * 1000 + frac * 1000 / scale;
	else
		us = whole * 1000000 + frac * (1000000 / scale);
	if (us > (uint64_t)INT64_MAX || us > 253402300799999999ull) /* 9999-12-31 */
		return false;
	*ret_us = (int64_t)us;
	return true;
}

bool match_time_value(const char *s, size_t len, int64_t *ret_us)
{
	if (rcx_time_parse(s, len, ret_us) == RCX_OK)
		return true;
	return match_epoch_parse(s, len, ret_us);
}

static unsigned two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return 100;
	return (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
}

unsigned match_month_parse(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	/* the three letters hashed to one of 32 buckets (no two months share one), then one comparison */
#define BUCKET(a, b, c) (((a) * 2 + (b) * 9 + (c)) & 31)
	static const signed char bucket[32] = {
		[BUCKET('J', 'a', 'n')] = 1, [BUCKET('F', 'e', 'b')] = 2, [BUCKET('M', 'a', 'r')] = 3,
		[BUCKET('A', 'p', 'r')] = 4, [BUCKET('M', 'a', 'y')] = 5, [BUCKET('J', 'u', 'n')] = 6,
		[BUCKET('J', 'u', 'l')] = 7, [BUCKET('A', 'u', 'g')] = 8, [BUCKET('S', 'e', 'p')] = 9,
		[BUCKET('O', 'c', 't')] = 10, [BUCKET('N', 'o', 'v')] = 11, [BUCKET('D', 'e', 'c')] = 12,
	};
	int m = bucket[BUCKET((unsigned char)s[0], (unsigned char)s[1], (unsigned char)s[2])] - 1;
#undef BUCKET
	return m >= 0 && !memcmp(months + 3 * m, s, 3) ? (unsigned)m : 12;
}

size_t match_syslog_time(const char *s, size_t len, int year, int64_t *ret_us)
{
	/* "Nov 23 10:00:00" or "Nov  3 10:00:00" */
	if (len < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':')
		return 0;
	unsigned mon = match_month_parse(s);
	if (mon == 12)
		return 0;
	unsigned day = s[4] == ' ' ? two_digits((const char[]){'0', s[5]}) : two_digits(s + 4);
	unsigned hh = two_digits(s + 7), mi = two_digits(s + 10), ss = two_digits(s + 13);
	if (day < 1 || day > 31 || hh > 23 || mi > 59 || ss > 60)
		return 0;
	if (len > 15 && s[15] != ' ')
		return 0;
	*ret_us = (rcx_time_days_from_civil(year, mon + 1, day) * 86400 + hh * 3600 + mi * 60 + ss) * 1000000;
	return 15;
}

static enum rcx_result generic_open(const struct match_format *fmt, const struct match_format_options *opt,
				    struct match_parser **ret_p)
{
	const struct format_entry *e = (const struct format_entry *)fmt;
	struct match_parser *p = calloc(1, sizeof(*p));
	if (!p)
		return RCX_ENOMEM;
	p->fmt = fmt;
	p->ops = e->ops;
	if (opt) {
		p->opt = *opt;
		if (opt->fields) {
			struct match_field_spec *f = rcx_arena_calloc(&p->keep, opt->n_fields ? opt->n_fields : 1, sizeof(*f));
			for (size_t i = 0; i < opt->n_fields; i++) {
				f[i].name = rcx_arena_strdup(&p->keep, opt->fields[i].name);
				f[i].kind = opt->fields[i].kind;
			}
			p->opt.fields = f;
		}
		if (opt->time_field)
			p->opt.time_field = rcx_arena_strdup(&p->keep, opt->time_field);
	}
	p->year = p->opt.syslog_year;
	if (p->year <= 0) {
		char buf[RCX_TIME_BUF];
		rcx_time_format(rcx_time_now(), buf);
		p->year = (buf[0] - '0') * 1000 + (buf[1] - '0') * 100 + (buf[2] - '0') * 10 + (buf[3] - '0');
	}
	if (p->ops->priv_size)
		p->priv = rcx_arena_calloc(&p->keep, 1, p->ops->priv_size);
	if (p->ops->init) {
		enum rcx_result r = p->ops->init(p);
		if (r != RCX_OK) {
			generic_close(p);
			return r;
		}
	}
	*ret_p = p;
	return RCX_OK;
}

static enum rcx_result generic_next(struct match_parser *p, struct match_input *in, struct match_record *ret_rec)
{
	for (;;) {
		struct match_line l;
		enum rcx_result r = match_input_next(in, &l);
		if (r != RCX_OK) {
			if (r == RCX_ENOTFOUND && p->ops->eof)
				p->ops->eof(p);
			return r;
		}
		rcx_arena_reset(&p->arena);
		p->n_obs = 0;
		p->rec_line = 0;
		p->rec_raw = NULL;
		int64_t t = 0;
		r = p->ops->line(p, &l, &t);
		if (r == RCX_EPARSE)
			p->st.bad_lines++;
		if (r != RCX_OK || p->n_obs == 0)
			continue;
		p->st.records++;
		*ret_rec = (struct match_record){
			.line = p->rec_line ? p->rec_line : l.lineno, .time_us = t, .raw = p->rec_raw ? p->rec_raw : l.data,
			.raw_len = p->rec_raw ? p->rec_raw_len : l.len, .obs = p->obs, .n_obs = p->n_obs,
		};
		return RCX_OK;
	}
}

static void generic_close(struct match_parser *p)
{
	if (!p)
		return;
	if (p->ops->fini)
		p->ops->fini(p);
	rcx_arena_free(&p->arena);
	rcx_arena_free(&p->keep);
	free(p->obs);
	free(p);
}

enum rcx_result match_parser_open(const struct match_format *fmt, const struct match_format_options *opt,
				  struct match_parser **ret_p)
{
	return fmt->open(fmt, opt, ret_p);
}

enum rcx_result match_parser_next(struct match_parser *p, struct match_input *in, struct match_record *ret_rec)
{
	return p->fmt->next(p, in, ret_rec);
}

void match_parser_stats(const struct match_parser *p, struct match_parser_stats *ret_stats)
{
	*ret_stats = p->st;
}

enum rcx_result match_parser_feed(struct match_parser *p, const struct match_line *l)
{
	rcx_arena_reset(&p->arena);
	p->n_obs = 0;
	int64_t t = 0;
	struct match_parser_stats keep = p->st;
	enum rcx_result r = p->ops->line(p, l, &t);
	p->st = keep;
	p->n_obs = 0;
	return r;
}

enum match_chunk_mode match_format_chunk_mode(const struct match_format *fmt)
{
	return ((const struct format_entry *)fmt)->ops->chunk;
}

char match_format_quote_delim(const struct match_format *fmt)
{
	return ((const struct format_entry *)fmt)->ops->quote_delim;
}

int match_csv_quote_scan(char delim, const char *s, size_t n, int state)
{
	const char *p = s, *end = s + n;
	while (p < end) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		if (!q)
			break;
		if (state) {
			if (q + 1 < end && q[1] == '"') {
				p = q + 2; /* a quote inside the quoted field */
				continue;
			}
			state = 0;
		} else if (q == s || q[-1] == delim || q[-1] == '\n') {
			state = 1; /* a quoted field starts */
		}
		p = q + 1;
	}
	return state;
}

void match_parser_close(struct match_parser *p)
{
	if (p)
		p->fmt->close(p);
}
