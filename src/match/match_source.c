/* Indicator sources (see match_source.h): the format table, detection, plain lists, CSV with a header,
 * MISP feed directories, and reading whole JSON documents for match_source_stix.c / _misp.c.
 * Lists and CSV stream (one line or record at a time, within RCX_LINE_MAX); a JSON document is read
 * whole within RCX_JSON_FEED_MAX. CSV rows come from ingest_csv (the documented exception of the
 * dependency rule: its quoting rules, records spanning lines inside quotes). */
#include "match/match_source.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/text.h"
#include "ingest/ingest_csv.h"

static const char *const format_names[MATCH_SOURCE_FORMAT_MAX] = {"list", "stix", "misp", "csv"};

const char *match_source_format_name(enum match_source_format f)
{
	return (unsigned)f < MATCH_SOURCE_FORMAT_MAX ? format_names[f] : NULL;
}

enum match_source_format match_source_format_from_name(const char *s)
{
	for (unsigned f = 0; f < MATCH_SOURCE_FORMAT_MAX; f++)
		if (!strcmp(format_names[f], s))
			return (enum match_source_format)f;
	return MATCH_SOURCE_FORMAT_MAX;
}

static const char *const indicator_columns[] = {"indicator", "ioc", "value", "observable"};
static const char *const kind_columns[] = {"kind", "type", "ioc_type"};

static bool eq_nocase(const char *a, size_t n, const char *b)
{
	return strlen(b) == n && !strncasecmp(a, b, n);
}

enum match_source_format match_source_detect(const char *data, size_t len)
{
	size_t i = len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3) ? 3 : 0;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && (data[i] == '{' || data[i] == '[')) {
		if (memmem(data, len, "\"Event\"", 7) || memmem(data, len, "\"Attribute\"", 11))
			return MATCH_SOURCE_MISP;
		return MATCH_SOURCE_STIX;
	}
	/* a first line (after '#' comments) naming an indicator column, with a delimiter */
	while (i < len && data[i] == '#') {
		const char *eol = memchr(data + i, '\n', len - i);
		i = eol ? (size_t)(eol - data) + 1 : len;
	}
	const char *nl = memchr(data + i, '\n', len - i);
	size_t ll = nl ? (size_t)(nl - (data + i)) : len - i;
	const char *line = data + i;
	if (!memchr(line, ',', ll))
		return MATCH_SOURCE_LIST;
	for (size_t s = 0; s < ll;) {
		const char *c = memchr(line + s, ',', ll - s);
		size_t e = c ? (size_t)(c - line) : ll;
		const char *f = line + s;
		size_t fl = e - s;
		rcx_trim(&f, &fl);
		if (fl >= 2 && f[0] == '"' && f[fl - 1] == '"') {
			f++;
			fl -= 2;
		}
		for (size_t k = 0; k < sizeof(indicator_columns) / sizeof(indicator_columns[0]); k++)
			if (eq_nocase(f, fl, indicator_columns[k]))
				return MATCH_SOURCE_CSV;
		s = e + 1;
	}
	return MATCH_SOURCE_LIST;
}

/* Hands one indicator over, counting it. */
static enum rcx_result give(match_source_fn fn, void *ctx, struct match_source_stats *st, enum match_kind k,
			    const char *v, size_t n)
{
	enum rcx_result r = fn(ctx, k, v, n);
	if (r == RCX_OK)
		st->indicators++;
	else if (r == RCX_EPARSE || r == RCX_ELIMIT)
		st->refused++;
	else
		return r;
	return RCX_OK;
}

static enum rcx_result list_read(struct ingest_reader *in, const struct match_source_options *opt, match_source_fn fn,
				 void *ctx, struct match_source_stats *st)
{
	struct ingest_line l;
	enum rcx_result r;
	while ((r = ingest_reader_next(in, &l)) == RCX_OK) {
		const char *s = l.data;
		size_t len = l.len;
		if (l.too_long) {
			st->refused++;
			continue;
		}
		rcx_trim(&s, &len);
		if (len == 0 || s[0] == '#')
			continue;
		enum match_kind k = opt->list_kind;
		if (k == MATCH_KIND_MAX && (k = match_kind_detect(s, len)) == MATCH_KIND_MAX) {
			st->refused++;
			continue;
		}
		if ((r = give(fn, ctx, st, k, s, len)) != RCX_OK)
			return r;
	}
	return r == RCX_ENOTFOUND ? RCX_OK : r;
}

/* Kind named in a CSV kind column: the matcher's names, MISP attribute types, STIX object types and
 * a few usual spellings. MATCH_KIND_MAX (unsupported) when none; empty → detected. */
static enum match_kind csv_kind(const char *s, size_t n, const char *value, size_t vlen)
{
	static const struct {
		const char *name;
		enum match_kind kind;
	} names[] = {
		{"ipv4", MATCH_IP}, {"ipv6", MATCH_IP}, {"ipv4-addr", MATCH_IP}, {"ipv6-addr", MATCH_IP},
		{"ip-address", MATCH_IP}, {"address", MATCH_IP}, {"fqdn", MATCH_DOMAIN}, {"domain-name", MATCH_DOMAIN},
		{"host", MATCH_DOMAIN}, {"email-addr", MATCH_EMAIL}, {"sha-1", MATCH_SHA1}, {"sha-256", MATCH_SHA256},
		{"network", MATCH_CIDR}, {"netblock", MATCH_CIDR},
	};
	rcx_trim(&s, &n);
	if (n == 0)
		return match_kind_detect(value, vlen);
	char low[64];
	if (n >= sizeof(low))
		return MATCH_KIND_MAX;
	for (size_t i = 0; i < n; i++)
		low[i] = rcx_lower(s[i]);
	enum match_kind k = match_kind_from_name(low, n);
	int part;
	if (k == MATCH_KIND_MAX)
		k = match_source_misp_kind(low, n, &part);
	for (size_t i = 0; k == MATCH_KIND_MAX && i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n && !memcmp(names[i].name, low, n))
			k = names[i].kind;
	if (k == MATCH_KIND_MAX && n == 4 && !memcmp(low, "hash", 4))
		k = vlen == 32 ? MATCH_MD5 : vlen == 40 ? MATCH_SHA1 : vlen == 64 ? MATCH_SHA256 : MATCH_KIND_MAX;
	if ((k == MATCH_IP || k == MATCH_CIDR) && value)
		k = memchr(value, '/', vlen) ? MATCH_CIDR : MATCH_IP;
	return k;
}

static size_t column_find(const struct ingest_csv_record *h, const char *want, const char *const *names, size_t nn)
{
	for (size_t i = 0; i < h->n; i++) {
		if (want && h->len[i] == strlen(want) && !memcmp(h->v[i], want, h->len[i]))
			return i;
		for (size_t k = 0; !want && k < nn; k++)
			if (eq_nocase(h->v[i], h->len[i], names[k]))
				return i;
	}
	return SIZE_MAX;
}

static enum rcx_result csv_read(struct ingest_reader *in, const struct match_source_options *opt, match_source_fn fn,
				void *ctx, struct match_source_stats *st)
{
	struct ingest_csv c;
	struct ingest_csv_record rec;
	ingest_csv_init(&c, in, ',');
	size_t icol = SIZE_MAX, kcol = SIZE_MAX;
	bool header = false;
	enum rcx_result r;
	while ((r = ingest_csv_next(&c, &rec)) == RCX_OK) {
		if (rec.error) {
			st->bad++;
			continue;
		}
		if (!header) {
			if (rec.n > 0 && rec.len[0] > 0 && rec.v[0][0] == '#')
				continue;
			icol = column_find(&rec, opt->csv_indicator, indicator_columns, 4);
			kcol = column_find(&rec, opt->csv_kind, kind_columns, 3);
			if (icol == SIZE_MAX || (opt->csv_kind && kcol == SIZE_MAX)) {
				r = RCX_EPARSE; /* no such column */
				break;
			}
			header = true;
			continue;
		}
		if (icol >= rec.n || rec.len[icol] == 0) {
			st->bad++;
			continue;
		}
		const char *v = rec.v[icol];
		size_t vl = rec.len[icol];
		rcx_trim(&v, &vl);
		enum match_kind k = kcol < rec.n ? csv_kind(rec.v[kcol], rec.len[kcol], v, vl) : match_kind_detect(v, vl);
		if (k == MATCH_KIND_MAX) {
			st->unsupported++;
			continue;
		}
		if ((r = give(fn, ctx, st, k, v, vl)) != RCX_OK)
			break;
	}
	ingest_csv_free(&c);
	return r == RCX_ENOTFOUND ? RCX_OK : r;
}

static enum rcx_result json_parse(const char *data, size_t len, enum match_source_format f,
				  const struct match_source_options *opt, match_source_fn fn, void *ctx,
				  struct match_source_stats *st)
{
	if (f == MATCH_SOURCE_STIX)
		return match_source_stix_parse(data, len, opt, fn, ctx, st);
	return match_source_misp_parse(data, len, opt, fn, ctx, st);
}

enum rcx_result match_source_parse(const char *data, size_t len, enum match_source_format f,
				   const struct match_source_options *opt, match_source_fn fn, void *ctx,
				   struct match_source_stats *st)
{
	struct match_source_options o = {.list_kind = MATCH_KIND_MAX};
	if (opt)
		o = *opt;
	if (f == MATCH_SOURCE_FORMAT_MAX)
		f = match_source_detect(data, len);
	if (f == MATCH_SOURCE_STIX || f == MATCH_SOURCE_MISP)
		return json_parse(data, len, f, &o, fn, ctx, st);
	struct ingest_reader in;
	ingest_reader_open_mem(&in, data, len);
	enum rcx_result r = f == MATCH_SOURCE_CSV ? csv_read(&in, &o, fn, ctx, st) : list_read(&in, &o, fn, ctx, st);
	ingest_reader_close(&in);
	return r;
}

/* The whole of path into a malloc'd buffer, within RCX_JSON_FEED_MAX. */
static enum rcx_result slurp(const char *path, char **ret_buf, size_t *ret_len)
{
	struct ingest_reader in;
	if (ingest_reader_open(&in, path) != RCX_OK)
		return RCX_EIO;
	enum rcx_result r = ingest_reader_slurp(&in, RCX_JSON_FEED_MAX, ret_buf, ret_len);
	ingest_reader_close(&in);
	return r;
}

static bool uuid_like(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F') || s[i] == '-'))
			return false;
	return true;
}

/* One event file of a feed; a file that does not parse is counted, the feed goes on. */
static enum rcx_result misp_feed_event(const char *path, const struct match_source_options *opt, match_source_fn fn,
				       void *ctx, struct match_source_stats *st)
{
	char *data = NULL;
	size_t len;
	enum rcx_result r = slurp(path, &data, &len);
	if (r == RCX_OK) {
		r = match_source_misp_parse(data, len, opt, fn, ctx, st);
		free(data);
	}
	if (r == RCX_EPARSE) {
		st->bad++;
		r = RCX_OK;
	}
	return r;
}

/* A feed directory without manifest.json: every *.json in it but manifest*.json, in name order. */
static enum rcx_result misp_dir(const char *dir, const struct match_source_options *opt, match_source_fn fn, void *ctx,
				struct match_source_stats *st)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return RCX_EIO;
	enum rcx_result r = RCX_OK;
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		size_t l = strlen(nm);
		if (r == RCX_OK && l > 5 && !strcmp(nm + l - 5, ".json") && strncmp(nm, "manifest", 8) != 0) {
			char *path = rcx_strdup_printf("%s/%s", dir, nm);
			r = misp_feed_event(path, opt, fn, ctx, st);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

/* A MISP feed: manifest.json names the events, each in <uuid>.json beside it. */
static enum rcx_result misp_feed(const char *dir, const struct match_source_options *opt, match_source_fn fn, void *ctx,
				 struct match_source_stats *st)
{
	char *path = rcx_strdup_printf("%s/manifest.json", dir), *data = NULL;
	size_t len;
	struct stat sb;
	if (stat(path, &sb) != 0) {
		free(path);
		return misp_dir(dir, opt, fn, ctx, st);
	}
	enum rcx_result r = slurp(path, &data, &len);
	free(path);
	if (r != RCX_OK)
		return r;
	json_error_t err;
	json_t *m = json_loadb(data, len, 0, &err);
	free(data);
	if (!json_is_object(m)) {
		json_decref(m);
		return RCX_EPARSE;
	}
	const char *uuid;
	json_t *v;
	json_object_foreach(m, uuid, v)
	{
		if (!uuid_like(uuid)) {
			st->bad++;
			continue;
		}
		path = rcx_strdup_printf("%s/%s.json", dir, uuid);
		r = misp_feed_event(path, opt, fn, ctx, st);
		free(path);
		if (r != RCX_OK)
			break;
	}
	json_decref(m);
	return r;
}

enum rcx_result match_source_read(const char *path, enum match_source_format f, const struct match_source_options *opt,
				  match_source_fn fn, void *ctx, struct match_source_stats *st)
{
	struct match_source_options o = {.list_kind = MATCH_KIND_MAX};
	if (opt)
		o = *opt;
	struct stat sb;
	if (strcmp(path, "-") && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if (f != MATCH_SOURCE_FORMAT_MAX && f != MATCH_SOURCE_MISP)
			return RCX_EINVAL;
		return misp_feed(path, &o, fn, ctx, st);
	}
	if (f == MATCH_SOURCE_FORMAT_MAX && strcmp(path, "-")) {
		char head[4096];
		FILE *fp = fopen(path, "rb");
		if (!fp)
			return RCX_EIO;
		size_t n = fread(head, 1, sizeof(head), fp);
		fclose(fp);
		f = match_source_detect(head, n);
	}
	if (f == MATCH_SOURCE_FORMAT_MAX || f == MATCH_SOURCE_STIX || f == MATCH_SOURCE_MISP) {
		/* JSON is read whole (standard input of an unnamed format too: detected on the same bytes) */
		char *data = NULL;
		size_t len = 0;
		enum rcx_result r = slurp(path, &data, &len);
		if (r == RCX_OK)
			r = match_source_parse(data, len, f, &o, fn, ctx, st);
		free(data);
		return r;
	}
	struct ingest_reader in;
	if (ingest_reader_open(&in, path) != RCX_OK)
		return RCX_EIO;
	enum rcx_result r = f == MATCH_SOURCE_CSV ? csv_read(&in, &o, fn, ctx, st) : list_read(&in, &o, fn, ctx, st);
	ingest_reader_close(&in);
	return r;
}
