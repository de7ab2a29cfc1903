/* Shadowserver reports, driven by the mapping file Shadowserver publishes for IntelMQ (intelmq.json):
 * per report type a feed name, a documentation URL, constant fields, and required and optional
 * mappings [event field, CSV column, conversion, uses-the-row]. No report has code of its own here.
 *
 * Algorithm. The mapping file is loaded once per process (ingest_shadowserver_schema.c). For each
 * input file the report is picked (the source's report type, else the file name) and the CSV header
 * becomes a plan: one step per mapping whose column is present, with the column index resolved, plus
 * the indexes of the columns that row-reading conversions look at. A record then runs the steps in
 * order: no lookups by name, no allocation outside the sink's arena.
 *
 * Semantics are those of IntelMQ's Shadowserver parser, which produced the reference events:
 * - required mappings run first, then optional ones, then the constants (which overwrite);
 * - a conversion yields a value or nothing; one that cannot read its input (convert_int on "x")
 *   fails the record, as the exception does in IntelMQ;
 * - a value invalid for its field fails the record when required; when optional it is given up;
 * - "", "-" and "N/A" set no event field (IntelMQ's Message.add ignores them);
 * - a column counts as used after a step that stored its value, or an optional step that yielded
 *   nothing; every unused, non-empty column ends as extra.<column> text. That is how an unmapped
 *   column, or an optional value its field refused, is kept;
 * - targets that are not event fields ("severity", "product.*") go to extra.<target>, typed.
 *
 * Invariants: a plan points into a report, which lives as long as the process; used[] is reset per
 * record. Bounds: header ≤ RCX_CSV_FIELDS_MAX columns (the CSV reader's limit); a reject reason ≤
 * SS_REASON_MAX bytes, quoting at most SS_QUOTE_MAX bytes of the offending value. */
#include "ingest/ingest_shadowserver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/ip.h"
#include "core/limits.h"
#include "core/text.h"
#include "core/time.h"
#include "ingest/ingest_csv.h"

#define SS_REASON_MAX 320
#define SS_QUOTE_MAX 64 /* bytes of an offending value quoted in a reason */

static const char *schema_path(const struct ingest_source *src)
{
	const char *p = src && src->config ? rcx_config_path(src->config, "shadowserver", "schema") : NULL;
	if (!p || !*p)
		p = getenv("RCX_SHADOWSERVER_SCHEMA");
	return p && *p ? p : NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool ingest_shadowserver_type_from_path(const char *path, const char **ret_type, size_t *ret_len)
{
	if (!path)
		return false;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n <= 4 || memcmp(base + n - 4, ".csv", 4))
		return false;
	const char *end = base + n - 4;
	/* ^\d{4}-\d{2}-\d{2}-([^-]+)-.+\.csv$ */
	static const char shape[] = "dddd-dd-dd-";
	bool dated = n > 11;
	for (size_t i = 0; dated && i < 11; i++)
		dated = shape[i] == 'd' ? is_digit(base[i]) : base[i] == '-';
	if (dated) {
		const char *t = base + 11;
		const char *dash = memchr(t, '-', (size_t)(end - t));
		if (dash && dash > t && dash + 1 < end) {
			*ret_type = t;
			*ret_len = (size_t)(dash - t);
			return true;
		}
	}
	/* a bare "<type>.csv" */
	if (memchr(base, '-', (size_t)(end - base)))
		return false;
	*ret_type = base;
	*ret_len = (size_t)(end - base);
	return true;
}

/* ---- the plan for one file ---- */

struct ss_step {
	const struct ingest_ss_mapping *m;
	size_t col;
};

struct ss_plan {
	const struct ingest_ss_report *rep;
	size_t ncols;
	struct rcx_arena names_arena;
	const char **names; /* header as UTF-8; an empty name reads "column_<n>" */
	size_t *name_len;
	struct ss_step *steps;
	size_t n_steps;
	uint8_t *used;
	/* columns that row-reading conversions look at, or -1 */
	long col_cc_dns, col_http_host, col_url, col_http_url, col_application, col_detail;
	const char *fail; /* when set, every record is rejected with this */
	/* constants, feed name and URL normalised once for the whole file (names_arena), set on every
	 * record by pointer: per record they would cost more than the values read from the row */
	const char **const_canon;
	const char *feed_name_canon, *url_canon;
	struct rcx_strbuf scratch;
	char reason[SS_REASON_MAX];
};

static long plan_col(const struct ss_plan *p, const char *name)
{
	/* the last of equal names, as Python's DictReader keeps it */
	for (size_t i = p->ncols; i-- > 0;)
		if (!strcmp(p->names[i], name))
			return (long)i;
	return -1;
}

static void plan_free(struct ss_plan *p)
{
	rcx_arena_free(&p->names_arena);
	free(p->const_canon);
	free(p->names);
	free(p->name_len);
	free(p->steps);
	free(p->used);
	rcx_strbuf_free(&p->scratch);
}

static enum rcx_result plan_build(struct ss_plan *p, const struct ingest_ss_report *rep,
				  const struct ingest_csv_record *hdr)
{
	p->rep = rep;
	p->ncols = hdr->n;
	p->names = calloc(hdr->n + 1, sizeof(*p->names));
	p->name_len = calloc(hdr->n + 1, sizeof(*p->name_len));
	p->steps = calloc(rep->n_maps + 1, sizeof(*p->steps));
	p->used = calloc(hdr->n + 1, 1);
	if (!p->names || !p->name_len || !p->steps || !p->used)
		return RCX_ENOMEM;
	for (size_t i = 0; i < hdr->n; i++) {
		char tmp[32];
		const char *name = hdr->v[i];
		size_t len = hdr->len[i];
		if (len == 0 || memchr(name, '\0', len)) {
			len = (size_t)snprintf(tmp, sizeof(tmp), "column_%zu", i + 1);
			name = tmp;
		}
		/* extra keys must be UTF-8: a Latin-1 header is read as such, once */
		p->names[i] = rcx_text_to_utf8(&p->names_arena, name, len, &p->name_len[i]);
	}
	for (size_t i = 0; i < rep->n_maps; i++) {
		const struct ingest_ss_mapping *m = &rep->maps[i];
		long col = plan_col(p, m->column);
		if (col < 0) {
			if (m->required && !p->fail) {
				snprintf(p->reason, sizeof(p->reason), "required column %s is not in the header",
					 m->column);
				p->fail = p->reason;
			}
			continue;
		}
		if (m->conv == INGEST_SS_CONV_UNKNOWN)
			return RCX_EUNSUPPORTED;
		p->steps[p->n_steps].m = m;
		p->steps[p->n_steps].col = (size_t)col;
		p->n_steps++;
	}
	p->col_cc_dns = plan_col(p, "cc_dns");
	p->col_http_host = plan_col(p, "http_host");
	p->col_url = plan_col(p, "url");
	p->col_http_url = plan_col(p, "http_url");
	p->col_application = plan_col(p, "application");
	p->col_detail = plan_col(p, "detail");
	p->scratch.max = RCX_FIELD_VALUE_MAX * 2;
	return RCX_OK;
}

/* ---- conversions ---- */

enum ss_kind { SS_NONE, SS_STR, SS_INT, SS_FLOAT, SS_BOOL };

struct ss_value {
	enum ss_kind kind;
	bool none_if_invalid; /* the conversion's own check is the field's validation: failing it = none */
	const char *s;
	size_t len;
	int64_t i;
	double d;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void strip(const char **s, size_t *len)
{
	while (*len && is_blank(**s))
		(*s)++, (*len)--;
	while (*len && is_blank((*s)[*len - 1]))
		(*len)--;
}

static bool eq(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && !memcmp(s, lit, len);
}

static bool eq_fold(const char *s, size_t len, const char *lit)
{
	if (strlen(lit) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (rcx_lower(s[i]) != lit[i])
			return false;
	return true;
}

/* Python's int(): blanks around, a sign, digits with single underscores between them. */
static bool py_int(const char *s, size_t len, int64_t *ret_v)
{
	strip(&s, &len);
	size_t i = 0;
	bool neg = false;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i == len)
		return false;
	uint64_t v = 0;
	for (; i < len; i++) {
		if (s[i] == '_' && i > 0 && is_digit(s[i - 1]) && i + 1 < len && is_digit(s[i + 1]))
			continue;
		if (!is_digit(s[i]) || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > (uint64_t)INT64_MAX + neg)
		return false;
	*ret_v = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* Python's float() for decimal text; hexadecimal forms are refused as Python does. */
static bool py_float(const char *s, size_t len, double *ret_v)
{
	char buf[64];
	size_t n = 0;
	strip(&s, &len);
	if (len == 0 || len >= sizeof(buf))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == 'x' || s[i] == 'X' || s[i] == '(')
			return false;
		if (s[i] == '_' && i > 0 && is_digit(s[i - 1]) && i + 1 < len && is_digit(s[i + 1]))
			continue;
		buf[n++] = s[i];
	}
	buf[n] = '\0';
	char *end;
	double d = strtod(buf, &end);
	if (end != buf + n)
		return false;
	*ret_v = d;
	return true;
}

/* Shortest text that reads back as d, with ".0" on integral values, as Python's repr prints it. */
static size_t format_float(double d, char buf[48])
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, 48, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (!strpbrk(buf, ".eE"))
		strcat(buf, ".0");
	return strlen(buf);
}

static const char *const month_abbr[12] = {"jan", "feb", "mar", "apr", "may", "jun",
					     "jul", "aug", "sep", "oct", "nov", "dec"};

/* HTTP dates ("Thu, 19 Apr 2018 00:02:28 GMT", RFC 7231), which rcx_time_parse does not read. */
static bool parse_http_date(const char *s, size_t len, int64_t *ret_us)
{
	size_t i = 0;
	const char *comma = memchr(s, ',', len < 12 ? len : 12);
	if (comma)
		i = (size_t)(comma - s) + 1;
	while (i < len && s[i] == ' ')
		i++;
	unsigned day = 0, year = 0, hh, mi, ss;
	size_t nd = 0;
	for (; i < len && is_digit(s[i]) && nd < 2; nd++)
		day = day * 10 + (unsigned)(s[i++] - '0');
	/* " Apr 2018 00:02:28" follows the day */
	if (nd == 0 || len - i < 18 || s[i] != ' ' || s[i + 4] != ' ' || s[i + 9] != ' ')
		return false;
	unsigned mon = 0;
	while (mon < 12 && !eq_fold(s + i + 1, 3, month_abbr[mon]))
		mon++;
	if (mon == 12)
		return false;
	const char *t = s + i + 5;
	for (int k = 0; k < 4; k++) {
		if (!is_digit(t[k]))
			return false;
		year = year * 10 + (unsigned)(t[k] - '0');
	}
	t += 5;
	if (!is_digit(t[0]) || !is_digit(t[1]) || t[2] != ':' || !is_digit(t[3]) || !is_digit(t[4]) || t[5] != ':' ||
	    !is_digit(t[6]) || !is_digit(t[7]))
		return false;
	hh = (unsigned)((t[0] - '0') * 10 + t[1] - '0');
	mi = (unsigned)((t[3] - '0') * 10 + t[4] - '0');
	ss = (unsigned)((t[6] - '0') * 10 + t[7] - '0');
	const char *zone = t + 8;
	size_t zl = (size_t)(s + len - zone);
	if (!(zl == 0 || eq(zone, zl, " GMT") || eq(zone, zl, " UTC") || eq(zone, zl, " Z")))
		return false;
	static const unsigned char mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (year < 1000 || day < 1 || day > mdays[mon] || (mon == 1 && day == 29 && !leap) || hh > 23 || mi > 59 ||
	    ss > 60)
		return false;
	int64_t days = rcx_time_days_from_civil(year, mon + 1, day);
	*ret_us = (days * 86400 + hh * 3600 + mi * 60 + (ss == 60 ? 59 : ss)) * INT64_C(1000000);
	return true;
}

/* IntelMQ's DateTime.sanitize: any date and time it can read, as ISO-8601 UTC; none otherwise. */
static bool convert_date(struct rcx_arena *a, const char *s, size_t len, struct ss_value *v)
{
	int64_t us;
	strip(&s, &len);
	if (rcx_time_parse(s, len, &us) != RCX_OK && !parse_http_date(s, len, &us))
		return false;
	char buf[RCX_TIME_BUF];
	v->len = rcx_time_format(us, buf);
	v->s = rcx_arena_strndup(a, buf, v->len);
	v->kind = SS_STR;
	return true;
}

/* The CVE names among the ';'-separated tags ("exchange;cve-2021-26855"), sorted, unique,
 * ';'-separated; none when there are none. */
static void convert_cves(struct rcx_arena *a, const char *s, size_t len, struct ss_value *v)
{
	enum { MAX_CVES = 64 }; /* tags past the 64th CVE are not looked at */
	const char *tok[MAX_CVES];
	size_t tlen[MAX_CVES], n = 0, total = 0;
	for (size_t i = 0; i <= len && n < MAX_CVES;) {
		const char *semi = memchr(s + i, ';', len - i);
		size_t e = semi ? (size_t)(semi - s) : len;
		const char *t = s + i;
		size_t tl = e - i, k = 4, d1 = 0, d2 = 0;
		if (tl > 4 && !memcmp(t, "cve-", 4)) {
			for (; k < tl && is_digit(t[k]); k++)
				d1++;
			if (k < tl && t[k] == '-')
				for (k++; k < tl && is_digit(t[k]); k++)
					d2++;
			bool dup = false;
			for (size_t j = 0; j < n && !dup; j++)
				dup = tlen[j] == tl && !memcmp(tok[j], t, tl);
			if (d1 && d2 && k == tl && !dup) {
				/* insertion keeps them sorted */
				size_t j = n;
				while (j > 0) {
					size_t m = tlen[j - 1] < tl ? tlen[j - 1] : tl;
					int c = memcmp(tok[j - 1], t, m);
					if (c < 0 || (c == 0 && tlen[j - 1] <= tl))
						break;
					tok[j] = tok[j - 1];
					tlen[j] = tlen[j - 1];
					j--;
				}
				tok[j] = t;
				tlen[j] = tl;
				n++;
				total += tl + 1;
			}
		}
		i = e + 1;
	}
	if (n == 0) {
		v->kind = SS_NONE;
		return;
	}
	char *out = rcx_arena_alloc(a, total), *w = out;
	for (size_t j = 0; j < n; j++) {
		if (j)
			*w++ = ';';
		memcpy(w, tok[j], tlen[j]);
		w += tlen[j];
	}
	*w = '\0';
	v->kind = SS_STR;
	v->s = out;
	v->len = (size_t)(w - out);
}

/* Python's base64.b64decode(validate=True) accepts it: alphabet only, up to two '=' at the end,
 * whole groups of four. */
static bool is_base64(const char *s, size_t len)
{
	size_t pad = 0;
	while (pad < len && pad < 3 && s[len - 1 - pad] == '=')
		pad++;
	if (pad > 2 || len % 4)
		return false;
	for (size_t i = 0; i < len - pad; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '+' || c == '/'))
			return false;
	}
	return true;
}

static const char *row_value(const struct ingest_csv_record *rec, long col, size_t *ret_len)
{
	if (col < 0) {
		*ret_len = 0;
		return "";
	}
	*ret_len = rec->len[col];
	return rec->v[col];
}

/* IntelMQ's convert_http_host_and_url: host (cc_dns or http_host) and path (url or http_url, cut to
 * what starts at its first '/' and ends before any blank) give application://host/path. */
static void convert_http_url(struct ss_plan *p, const struct ingest_csv_record *rec, struct rcx_arena *a,
			     struct ss_value *v)
{
	size_t hl, pl, al;
	const char *host = row_value(rec, p->col_cc_dns >= 0 ? p->col_cc_dns : p->col_http_host, &hl);
	const char *path = row_value(rec, p->col_url >= 0 ? p->col_url : p->col_http_url, &pl);
	if (!hl || !pl)
		return;
	const char *slash = memchr(path, '/', pl);
	size_t n = slash ? pl - (size_t)(slash - path) : 0;
	path = slash ? slash : path;
	for (size_t i = 0; i < n; i++)
		if (is_blank(path[i]))
			n = i;
	const char *app = row_value(rec, p->col_application, &al);
	if (!eq(app, al, "http") && !eq(app, al, "https")) {
		app = "http";
		al = 4;
	}
	char *out = rcx_arena_alloc(a, al + 3 + hl + n + 1);
	memcpy(out, app, al);
	memcpy(out + al, "://", 3);
	memcpy(out + al + 3, host, hl);
	memcpy(out + al + 3 + hl, path, n);
	out[al + 3 + hl + n] = '\0';
	v->s = out;
	v->len = al + 3 + hl + n;
}

/* Runs m's conversion on s[0..len). RCX_EPARSE when the conversion cannot read its input. */
static enum rcx_result convert(struct ss_plan *p, const struct ingest_ss_mapping *m,
			       const struct ingest_csv_record *rec, struct rcx_arena *a, const char *s, size_t len,
			       struct ss_value *v)
{
	bool webshell;
	v->kind = SS_STR;
	v->none_if_invalid = false;
	v->s = s;
	v->len = len;
	switch (m->conv) {
	case INGEST_SS_CONV_NONE:
		break;
	case INGEST_SS_CONV_ADD_UTC:
		/* rcx reads a time without zone as UTC already. No time at all fails the record: IntelMQ's
		 * fuzzy date parser would make today's date of " UTC". */
		if (len == 0 || eq(s, len, "-") || eq(s, len, "N/A"))
			return RCX_EPARSE;
		break;
	case INGEST_SS_CONV_VALIDATE_TO_NONE:
		if (len == 0 || eq(s, len, "0") || eq(s, len, "unknown"))
			v->kind = SS_NONE;
		break;
	case INGEST_SS_CONV_INVALIDATE_ZERO:
	case INGEST_SS_CONV_CONVERT_INT:
		if (len == 0) {
			v->kind = SS_NONE;
			break;
		}
		if (!py_int(s, len, &v->i))
			return RCX_EPARSE;
		v->kind = m->conv == INGEST_SS_CONV_INVALIDATE_ZERO && v->i == 0 ? SS_NONE : SS_INT;
		break;
	case INGEST_SS_CONV_CONVERT_FLOAT:
		if (len == 0) {
			v->kind = SS_NONE;
			break;
		}
		if (!py_float(s, len, &v->d))
			return RCX_EPARSE;
		/* inf and nan have no JSON form */
		v->kind = isfinite(v->d) ? SS_FLOAT : SS_NONE;
		break;
	case INGEST_SS_CONV_CONVERT_BOOL:
		if (eq_fold(s, len, "y") || eq_fold(s, len, "yes") || eq_fold(s, len, "true") ||
		    eq_fold(s, len, "enabled") || eq(s, len, "1"))
			v->kind = SS_BOOL, v->i = 1;
		else if (eq_fold(s, len, "n") || eq_fold(s, len, "no") || eq_fold(s, len, "false") ||
			 eq_fold(s, len, "disabled") || eq(s, len, "0"))
			v->kind = SS_BOOL, v->i = 0;
		else
			v->kind = SS_NONE;
		break;
	case INGEST_SS_CONV_VALIDATE_IP: {
		/* 0.0.0.0 and networks are not addresses (IntelMQ issue 1720) */
		struct rcx_ip ip;
		if (eq(s, len, "0.0.0.0") || memchr(s, '/', len))
			v->kind = SS_NONE;
		else if (m->field != EF_MAX && event_fields[m->field].type == EVT_IP)
			v->none_if_invalid = true;
		else if (rcx_ip_parse(s, len, &ip) != RCX_OK)
			v->kind = SS_NONE;
		break;
	}
	case INGEST_SS_CONV_VALIDATE_NETWORK: {
		struct rcx_cidr c;
		if (!memchr(s, '/', len))
			v->kind = SS_NONE;
		else if (m->field != EF_MAX && event_fields[m->field].type == EVT_NETWORK)
			v->none_if_invalid = true;
		else if (rcx_cidr_parse(s, len, false, &c) != RCX_OK)
			v->kind = SS_NONE;
		break;
	}
	case INGEST_SS_CONV_VALIDATE_FQDN: {
		if (len == 0) {
			v->kind = SS_NONE;
		} else if (m->field != EF_MAX && event_fields[m->field].type == EVT_FQDN) {
			v->none_if_invalid = true;
		} else {
			struct event probe;
			event_init(&probe, a);
			if (event_set(&probe, EF_SOURCE_FQDN, s, len) != RCX_OK)
				v->kind = SS_NONE;
		}
		break;
	}
	case INGEST_SS_CONV_CONVERT_DATE:
	case INGEST_SS_CONV_CONVERT_DATE_UTC:
		if (!convert_date(a, s, len, v))
			v->kind = SS_NONE;
		break;
	case INGEST_SS_CONV_HTTP_HOST_AND_URL:
		convert_http_url(p, rec, a, v);
		break;
	case INGEST_SS_CONV_CVE_FROM_TAG:
		convert_cves(a, s, len, v);
		break;
	case INGEST_SS_CONV_FORCE_BASE64:
		if (len == 0) {
			v->kind = SS_NONE;
		} else if (!is_base64(s, len)) {
			rcx_strbuf_clear(&p->scratch);
			if (rcx_base64_put(&p->scratch, (const uint8_t *)s, len) != RCX_OK)
				return RCX_EPARSE;
			v->s = rcx_arena_strndup(a, p->scratch.data, p->scratch.len);
			v->len = p->scratch.len;
		}
		break;
	case INGEST_SS_CONV_CATEGORY_OR_DETAIL:
		if (len == 0 && p->col_detail >= 0)
			v->s = row_value(rec, p->col_detail, &v->len);
		break;
	case INGEST_SS_CONV_EXCHANGE_TAXONOMY:
	case INGEST_SS_CONV_EXCHANGE_TYPE:
	case INGEST_SS_CONV_EXCHANGE_IDENTIFIER:
		webshell = eq(s, len, "exchange;webshell");
		if (m->conv == INGEST_SS_CONV_EXCHANGE_TAXONOMY)
			v->s = webshell ? "intrusions" : "vulnerable";
		else if (m->conv == INGEST_SS_CONV_EXCHANGE_TYPE)
			v->s = webshell ? "system-compromise" : "vulnerable-system";
		else
			v->s = webshell ? "exchange-server-webshell" : "vulnerable-exchange-server";
		v->len = strlen(v->s);
		break;
	case INGEST_SS_CONV_UNKNOWN: /* refused by plan_build */
	case INGEST_SS_CONV_MAX:
		return RCX_EUNSUPPORTED;
	}
	return RCX_OK;
}

/* ---- records ---- */

/* Decimal text of v (snprintf costs more than a whole field here). */
static size_t format_int(int64_t v, char buf[48])
{
	char tmp[24];
	size_t n = 0, k = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		tmp[n++] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		buf[k++] = '-';
	while (n)
		buf[k++] = tmp[--n];
	buf[k] = '\0';
	return k;
}

/* The value as text for event_set / JSON for extras. buf holds numbers. */
static const char *value_text(const struct ss_value *v, char buf[48], size_t *ret_len)
{
	switch (v->kind) {
	case SS_INT:
		*ret_len = format_int(v->i, buf);
		return buf;
	case SS_FLOAT:
		*ret_len = format_float(v->d, buf);
		return buf;
	case SS_BOOL:
		*ret_len = v->i ? 4 : 5;
		return v->i ? "true" : "false";
	default:
		*ret_len = v->len;
		return v->s;
	}
}

static const char *quote(const char *s, size_t len, int *ret_n)
{
	size_t n = len < SS_QUOTE_MAX ? len : SS_QUOTE_MAX;
	while (n < len && n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--; /* do not cut a UTF-8 sequence */
	*ret_n = (int)n;
	return s;
}

static enum rcx_result reject(struct ingest_sink *sink, const struct ingest_csv_record *rec, const char *reason)
{
	return sink->reject(sink, rec->line_first, reason, rec->raw, rec->raw_len, rec->raw_total);
}

/* "", "-" and "N/A" are no value for an event field (IntelMQ's Message.add). */
static bool no_value(const struct ss_value *v)
{
	return v->kind == SS_STR && (v->len == 0 || eq(v->s, v->len, "-") || eq(v->s, v->len, "N/A"));
}

/* Applies one step. RCX_OK, or RCX_EPARSE with p->reason set when the record fails. */
static enum rcx_result step_apply(struct ss_plan *p, const struct ss_step *st, const struct ingest_csv_record *rec,
				  struct event *ev)
{
	const struct ingest_ss_mapping *m = st->m;
	const char *s = rec->v[st->col];
	size_t len = rec->len[st->col];
	struct ss_value v;
	char buf[48];
	size_t tl;
	int qn;
	enum rcx_result r = convert(p, m, rec, ev->arena, s, len, &v);
	if (r != RCX_OK) {
		const char *q = quote(s, len, &qn);
		snprintf(p->reason, sizeof(p->reason), "column %s: %s cannot read '%.*s'", m->column, m->conv_name, qn,
			 q);
		return RCX_EPARSE;
	}
	if (m->ignore || v.kind == SS_NONE) {
		/* IntelMQ leaves a required column whose value came out empty for extra.<column> */
		p->used[st->col] = m->ignore || !m->required;
		return RCX_OK;
	}
	if (m->field == EF_MAX && !(m->unknown_target && no_value(&v))) {
		const char *t = value_text(&v, buf, &tl);
		r = v.kind == SS_STR ? event_set_extra_string(ev, m->extra_key, m->extra_klen, t, tl)
				     : event_set_extra_literal(ev, m->extra_key, m->extra_klen, t, tl);
		if (r != RCX_OK) {
			snprintf(p->reason, sizeof(p->reason), "extra.%s from column %s: %s", m->extra_key, m->column,
				 rcx_result_message(r));
			return RCX_EPARSE;
		}
		p->used[st->col] = 1;
		return RCX_OK;
	}
	if (no_value(&v)) {
		p->used[st->col] = 1;
		return RCX_OK;
	}
	const char *t = value_text(&v, buf, &tl);
	r = event_set(ev, m->field, t, tl);
	if (r == RCX_OK) {
		p->used[st->col] = 1;
	} else if (v.none_if_invalid) {
		p->used[st->col] = !m->required;
	} else if (m->required) {
		const char *q = quote(t, tl, &qn);
		snprintf(p->reason, sizeof(p->reason), "%s: '%.*s' in column %s is not %s", event_fields[m->field].name,
			 qn, q, m->column, event_type_expect(event_fields[m->field].type));
		return RCX_EPARSE;
	} else {
		p->used[st->col] = 0; /* kept as extra.<column> text */
	}
	return RCX_OK;
}

/* Builds the event of one record. RCX_EPARSE with p->reason set when the record fails. */
static enum rcx_result record_build(struct ss_plan *p, const struct ingest_csv_record *rec, struct event *ev)
{
	const struct ingest_ss_report *rep = p->rep;
	enum rcx_result r;
	memset(p->used, 0, p->ncols);
	for (size_t i = 0; i < p->n_steps; i++) {
		r = step_apply(p, &p->steps[i], rec, ev);
		if (r != RCX_OK)
			return r;
	}
	if (!p->const_canon && rep->n_consts) {
		p->const_canon = calloc(rep->n_consts, sizeof(*p->const_canon));
		if (!p->const_canon)
			return RCX_ENOMEM;
	}
	for (size_t i = 0; i < rep->n_consts; i++) {
		const struct ingest_ss_constant *c = &rep->consts[i];
		if (c->field != EF_MAX && p->const_canon[i]) {
			ev->f[c->field] = p->const_canon[i];
			continue;
		}
		size_t vl = strlen(c->value);
		r = c->field == EF_MAX ? event_set_extra_string(ev, c->key, c->klen, c->value, vl)
				       : event_set(ev, c->field, c->value, vl);
		if (r != RCX_OK) {
			snprintf(p->reason, sizeof(p->reason), "constant %s%s of report %s is invalid",
				 c->field == EF_MAX ? "extra." : "",
				 c->field == EF_MAX ? c->key : event_fields[c->field].name, rep->file_name);
			return RCX_EPARSE;
		}
		if (c->field != EF_MAX)
			p->const_canon[i] = rcx_arena_strdup(&p->names_arena, ev->f[c->field]);
	}
	if (p->feed_name_canon) {
		ev->f[EF_FEED_NAME] = p->feed_name_canon;
		if (p->url_canon)
			ev->f[EF_FEED_DOCUMENTATION] = p->url_canon;
	} else if (event_set(ev, EF_FEED_NAME, rep->feed_name, strlen(rep->feed_name)) != RCX_OK ||
		   (rep->url && event_set(ev, EF_FEED_DOCUMENTATION, rep->url, strlen(rep->url)) != RCX_OK)) {
		snprintf(p->reason, sizeof(p->reason), "feed name or URL of report %s is invalid", rep->file_name);
		return RCX_EPARSE;
	} else {
		p->feed_name_canon = rcx_arena_strdup(&p->names_arena, ev->f[EF_FEED_NAME]);
		if (rep->url)
			p->url_canon = rcx_arena_strdup(&p->names_arena, ev->f[EF_FEED_DOCUMENTATION]);
	}
	if (!ev->f[EF_CLASSIFICATION_TAXONOMY])
		event_classify(ev);
	for (size_t c = 0; c < p->ncols; c++) {
		if (p->used[c] || rec->len[c] == 0)
			continue;
		r = event_set_extra_string(ev, p->names[c], p->name_len[c], rec->v[c], rec->len[c]);
		if (r != RCX_OK) {
			snprintf(p->reason, sizeof(p->reason), "extra.%.*s: %s", SS_QUOTE_MAX, p->names[c],
				 rcx_result_message(r));
			return RCX_EPARSE;
		}
	}
	event_set_raw(ev, rec->raw, rec->raw_len);
	return RCX_OK;
}

static enum rcx_result report_pick(const struct ingest_source *src, const struct ingest_ss_report **ret_rep)
{
	const char *path = schema_path(src);
	if (!path) {
		ingest_source_error(src, "no Shadowserver mapping file: set [shadowserver] schema in the "
						       "configuration or RCX_SHADOWSERVER_SCHEMA");
		return RCX_ECONFIG;
	}
	const struct ingest_ss_schema *schema;
	enum rcx_result r = ingest_ss_schema_get(path, &schema);
	if (r != RCX_OK) {
		ingest_source_error(src, "Shadowserver mapping file %s: %s", path, rcx_result_message(r));
		return r;
	}
	const char *type = src->report_type;
	size_t tl = type ? strlen(type) : 0;
	if (!tl && !ingest_shadowserver_type_from_path(src->path, &type, &tl)) {
		ingest_source_error(src, "the report type is not in the file name "
						       "(YYYY-MM-DD-<type>-....csv); give --report-type");
		return RCX_EINVAL;
	}
	const struct ingest_ss_report *rep = ingest_ss_report_find(schema, type, tl);
	if (!rep) {
		ingest_source_error(src, "report type '%.*s' is not in the mapping file %s", (int)tl, type,
			 path);
		return RCX_ENOTFOUND;
	}
	*ret_rep = rep;
	return RCX_OK;
}

static enum rcx_result ss_parse(const struct ingest_source *src, struct ingest_reader *in, struct ingest_sink *sink)
{
	const struct ingest_ss_report *rep;
	enum rcx_result r = report_pick(src, &rep);
	if (r != RCX_OK)
		return r;
	struct ingest_csv csv;
	struct ingest_csv_record rec;
	struct ss_plan plan;
	bool have_plan = false;
	char count[80];
	memset(&plan, 0, sizeof(plan));
	ingest_csv_init(&csv, in, ',');
	while ((r = ingest_csv_next(&csv, &rec)) == RCX_OK) {
		if (!have_plan) {
			if (rec.error) {
				/* without a header no record can be read: each is quarantined */
				r = reject(sink, &rec, rec.error);
				plan.fail = "the file has no readable header";
				have_plan = true;
				if (r != RCX_OK)
					break;
				continue;
			}
			r = plan_build(&plan, rep, &rec);
			have_plan = true;
			if (r != RCX_OK)
				break;
			continue;
		}
		if (rec.error)
			r = reject(sink, &rec, rec.error);
		else if (plan.fail)
			r = reject(sink, &rec, plan.fail);
		else if (rec.n != plan.ncols) {
			snprintf(count, sizeof(count), "%zu columns, header has %zu", rec.n, plan.ncols);
			r = reject(sink, &rec, count);
		} else {
			struct event *ev = sink->event_new(sink);
			if (record_build(&plan, &rec, ev) != RCX_OK) {
				r = reject(sink, &rec, plan.reason);
			} else {
				r = sink->emit(sink, ev);
				if (r == RCX_OK)
					r = sink->record_end(sink, rec.line_last);
			}
		}
		if (r != RCX_OK)
			break;
	}
	if (r == RCX_ENOTFOUND)
		r = RCX_OK;
	plan_free(&plan);
	ingest_csv_free(&csv);
	return r;
}

static bool ss_detect(const char *path, const char *head, size_t len)
{
	const char *type;
	size_t tl;
	const char *base = path ? strrchr(path, '/') : NULL;
	base = base ? base + 1 : path;
	(void)head;
	(void)len;
	if (!ingest_shadowserver_type_from_path(path, &type, &tl))
		return false;
	const char *schema_file = getenv("RCX_SHADOWSERVER_SCHEMA");
	const struct ingest_ss_schema *schema;
	if (schema_file && *schema_file && ingest_ss_schema_get(schema_file, &schema) == RCX_OK)
		return ingest_ss_report_find(schema, type, tl) != NULL;
	/* no schema to ask: only the dated Shadowserver name is distinctive enough */
	return type != base;
}

const struct ingest_format ingest_format_shadowserver = {
	.name = "shadowserver",
	.feed_name = "Shadowserver",
	.tlp = RCX_TLP_AMBER,
	.detect = ss_detect,
	.parse = ss_parse,
};
