/* Offline enrichment: pfx2as and asnames text files, MaxMind DB files and the public suffix list,
 * loaded once at open and read-only afterwards (every lookup is const, so ingest threads share one
 * enricher). Loaders refuse a file with a malformed line: an operator who feeds broken data learns it
 * at start-up with file:line, not later from silently missing fields. */
#include "ingest/ingest_enrich.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libpsl.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core/ip.h"
#include "core/limits.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "ingest/ingest_prefix.h"

struct enrich_mmdb {
	MMDB_s db;
	bool has_geo; /* country/city keys expected (by database_type; both when the type is unknown) */
	bool has_asn; /* autonomous_system_* keys expected */
};

struct enrich_asname {
	uint32_t asn;
	uint32_t seq; /* file order: the last name given for an AS wins */
	const char *name;
};

struct ingest_enrich {
	struct rcx_arena arena; /* AS names */
	struct enrich_mmdb *mmdb;
	size_t n_mmdb;
	struct ingest_prefix *pfx2as; /* NULL when no pfx2as file is configured */
	struct enrich_asname *asnames;
	size_t n_asnames, cap_asnames;
	const psl_ctx_t *psl; /* NULL: no domain_suffix step */
	psl_ctx_t *psl_owned; /* the same when loaded (freed at close), NULL for the built-in list */
	bool suffix_public;   /* domain_suffix = the public suffix (IntelMQ's meaning), not the registrable domain */
};

/* The fields of one side of an event. */
struct enrich_side {
	enum event_field ip, url, fqdn, domain_suffix, asn, as_name, network;
	enum event_field cc, country, city, region, latitude, longitude;
};

static const struct enrich_side sides[2] = {
	{EF_SOURCE_IP, EF_SOURCE_URL, EF_SOURCE_FQDN, EF_SOURCE_DOMAIN_SUFFIX, EF_SOURCE_ASN, EF_SOURCE_AS_NAME,
	 EF_SOURCE_NETWORK, EF_SOURCE_GEOLOCATION_CC, EF_SOURCE_GEOLOCATION_COUNTRY, EF_SOURCE_GEOLOCATION_CITY,
	 EF_SOURCE_GEOLOCATION_REGION, EF_SOURCE_GEOLOCATION_LATITUDE, EF_SOURCE_GEOLOCATION_LONGITUDE},
	{EF_DESTINATION_IP, EF_DESTINATION_URL, EF_DESTINATION_FQDN, EF_DESTINATION_DOMAIN_SUFFIX, EF_DESTINATION_ASN,
	 EF_DESTINATION_AS_NAME, EF_DESTINATION_NETWORK, EF_DESTINATION_GEOLOCATION_CC,
	 EF_DESTINATION_GEOLOCATION_COUNTRY, EF_DESTINATION_GEOLOCATION_CITY, EF_DESTINATION_GEOLOCATION_REGION,
	 EF_DESTINATION_GEOLOCATION_LATITUDE, EF_DESTINATION_GEOLOCATION_LONGITUDE},
};

#define set_error(errp, ...)                                   \
	do {                                                   \
		/* the first message names the cause; keep it */  \
		if (!*(errp))                                  \
			*(errp) = rcx_strdup_printf(__VA_ARGS__); \
	} while (0)

/* ---- line files (plain or gzip: gzread passes plain files through) ---- */

struct line_file {
	gzFile gz;
	char *buf;
	size_t start, end;
	unsigned long lineno;
	bool eof;
};

#define LINE_BUF_SIZE (64u * 1024u)

static enum rcx_result line_file_open(struct line_file *lf, const char *path)
{
	memset(lf, 0, sizeof(*lf));
	lf->buf = malloc(LINE_BUF_SIZE);
	if (!lf->buf)
		return RCX_ENOMEM;
	lf->gz = gzopen(path, "rb");
	if (!lf->gz) {
		free(lf->buf);
		return errno == ENOENT ? RCX_ENOTFOUND : RCX_EIO;
	}
	return RCX_OK;
}

static void line_file_close(struct line_file *lf)
{
	if (lf->gz)
		gzclose(lf->gz);
	free(lf->buf);
}

/* Next line without its terminator (and a trailing CR): RCX_OK, RCX_ENOTFOUND at the end,
 * RCX_ELIMIT for a line over RCX_ENRICH_LINE_MAX, RCX_EIO. lf->lineno is the line's number. */
static enum rcx_result line_file_next(struct line_file *lf, const char **ret_line, size_t *ret_len)
{
	for (;;) {
		char *nl = memchr(lf->buf + lf->start, '\n', lf->end - lf->start);
		size_t avail = lf->end - lf->start;
		if (nl || (lf->eof && avail > 0)) {
			size_t n = nl ? (size_t)(nl - (lf->buf + lf->start)) : avail;
			const char *line = lf->buf + lf->start;
			lf->start += n + (nl ? 1 : 0);
			lf->lineno++;
			if (n > RCX_ENRICH_LINE_MAX)
				return RCX_ELIMIT;
			if (n && line[n - 1] == '\r')
				n--;
			*ret_line = line;
			*ret_len = n;
			return RCX_OK;
		}
		if (lf->eof)
			return RCX_ENOTFOUND;
		if (avail > RCX_ENRICH_LINE_MAX) {
			lf->lineno++;
			return RCX_ELIMIT;
		}
		memmove(lf->buf, lf->buf + lf->start, avail);
		lf->start = 0;
		lf->end = avail;
		int got = gzread(lf->gz, lf->buf + lf->end, (unsigned)(LINE_BUF_SIZE - lf->end));
		if (got < 0)
			return RCX_EIO;
		if (got == 0)
			lf->eof = true;
		lf->end += (size_t)got;
	}
}


/* A decimal AS number 0..4294967295 spanning s[0..len). */
static bool parse_asn(const char *s, size_t len, uint32_t *ret_asn)
{
	if (len == 0 || len > 10)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*ret_asn = (uint32_t)v;
	return true;
}

static bool skip_line(const char *s, size_t len)
{
	rcx_trim(&s, &len);
	return len == 0 || s[0] == '#';
}

/* ---- pfx2as: "<address> <length> <origin>", origin "13335", multi-origin "13335_1234" or an AS set
 * "1234,5678"; the first AS is kept (one origin is what an event can carry). ---- */

static const char *pfx2as_parse(void *ctx, const char *s, size_t len, enum rcx_result *ret_r)
{
	struct ingest_prefix *t = ctx;
	const char *f[3], *extra;
	size_t fl[3], extral;
	*ret_r = RCX_EPARSE;
	if (memchr(s, '\0', len))
		return "NUL byte";
	for (int i = 0; i < 3; i++)
		if (!rcx_next_field(&s, &len, &f[i], &fl[i]))
			return "expected <address> <prefix length> <AS>";
	if (rcx_next_field(&s, &len, &extra, &extral))
		return "more than three fields";
	char buf[RCX_IP_BUF + 8];
	if (fl[0] + 1 + fl[1] >= sizeof(buf) || fl[1] == 0 || fl[1] > 3)
		return "bad network";
	memcpy(buf, f[0], fl[0]);
	buf[fl[0]] = '/';
	memcpy(buf + fl[0] + 1, f[1], fl[1]);
	struct rcx_cidr c;
	if (rcx_cidr_parse(buf, fl[0] + 1 + fl[1], true, &c) != RCX_OK)
		return "bad network (address, prefix length, or host bits set)";
	/* Validate every AS of the origin field, keep the first. */
	uint32_t first = 0;
	size_t i = 0, k = 0;
	while (i <= fl[2]) {
		size_t j = i;
		while (j < fl[2] && f[2][j] != '_' && f[2][j] != ',')
			j++;
		uint32_t asn;
		if (!parse_asn(f[2] + i, j - i, &asn))
			return "bad AS number";
		if (k++ == 0)
			first = asn;
		i = j + 1;
	}
	*ret_r = ingest_prefix_add(t, &c, first);
	if (*ret_r == RCX_ELIMIT)
		return "more than RCX_PFX2AS_ENTRIES_MAX prefixes";
	return *ret_r == RCX_OK ? NULL : "cannot add prefix";
}

/* Parses one line into ctx: NULL, or why the line is refused (*ret_r says how). */
typedef const char *line_parser(void *ctx, const char *s, size_t len, enum rcx_result *ret_r);

/* Runs parse_line over every non-comment line of path; reports the first failure as path:line. */
static enum rcx_result load_lines(const char *path, void *ctx, line_parser *parse_line, char **errp)
{
	struct line_file lf;
	enum rcx_result r = line_file_open(&lf, path);
	if (r != RCX_OK) {
		set_error(errp, "%s: %s", path, r == RCX_ENOTFOUND ? "no such file" : "cannot open");
		return r;
	}
	for (;;) {
		const char *s;
		size_t len;
		r = line_file_next(&lf, &s, &len);
		if (r == RCX_ENOTFOUND) {
			r = RCX_OK;
			break;
		}
		if (r != RCX_OK) {
			set_error(errp, "%s:%lu: %s", path, lf.lineno,
				  r == RCX_ELIMIT ? "line longer than RCX_ENRICH_LINE_MAX" : "read error");
			break;
		}
		if (skip_line(s, len))
			continue;
		const char *why = parse_line(ctx, s, len, &r);
		if (why) {
			set_error(errp, "%s:%lu: %s", path, lf.lineno, why);
			break;
		}
	}
	line_file_close(&lf);
	return r;
}

/* ---- asnames: "64512 NAME", "64512<TAB>NAME" or "AS64512 NAME" ---- */

static const char *asnames_parse(void *ctx, const char *s, size_t len, enum rcx_result *ret_r)
{
	struct ingest_enrich *e = ctx;
	const char *num;
	size_t numlen;
	*ret_r = RCX_EPARSE;
	if (memchr(s, '\0', len))
		return "NUL byte";
	if (!rcx_next_field(&s, &len, &num, &numlen))
		return "expected <AS number> <name>";
	if (numlen > 2 && (num[0] == 'A' || num[0] == 'a') && (num[1] == 'S' || num[1] == 's')) {
		num += 2;
		numlen -= 2;
	}
	uint32_t asn;
	if (!parse_asn(num, numlen, &asn) || asn == 0)
		return "bad AS number";
	rcx_trim(&s, &len);
	if (len == 0)
		return "AS number without a name";
	if (e->n_asnames >= RCX_ASNAMES_ENTRIES_MAX) {
		*ret_r = RCX_ELIMIT;
		return "more than RCX_ASNAMES_ENTRIES_MAX names";
	}
	if (e->n_asnames == e->cap_asnames) {
		size_t ncap = e->cap_asnames ? e->cap_asnames * 2 : 1024;
		struct enrich_asname *p = realloc(e->asnames, ncap * sizeof(*p));
		if (!p) {
			*ret_r = RCX_ENOMEM;
			return "out of memory";
		}
		e->asnames = p;
		e->cap_asnames = ncap;
	}
	struct enrich_asname *a = &e->asnames[e->n_asnames];
	a->asn = asn;
	a->seq = (uint32_t)e->n_asnames;
	a->name = rcx_text_to_utf8(&e->arena, s, len, NULL);
	e->n_asnames++;
	*ret_r = RCX_OK;
	return NULL;
}

static int asname_cmp(const void *a, const void *b)
{
	const struct enrich_asname *x = a, *y = b;
	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts the names by AS and keeps the last one given for each AS. */
static void asnames_finish(struct ingest_enrich *e)
{
	if (e->n_asnames == 0)
		return;
	qsort(e->asnames, e->n_asnames, sizeof(*e->asnames), asname_cmp);
	size_t m = 0;
	for (size_t i = 0; i < e->n_asnames; i++) {
		if (i + 1 < e->n_asnames && e->asnames[i + 1].asn == e->asnames[i].asn)
			continue;
		e->asnames[m++] = e->asnames[i];
	}
	e->n_asnames = m;
}

static const char *asname_find(const struct ingest_enrich *e, uint32_t asn)
{
	size_t lo = 0, hi = e->n_asnames;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->asnames[mid].asn < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < e->n_asnames && e->asnames[lo].asn == asn ? e->asnames[lo].name : NULL;
}

/* ---- MMDB ---- */

static enum rcx_result mmdb_open(struct ingest_enrich *e, const char *path, char **errp)
{
	if (e->n_mmdb >= RCX_ENRICH_MMDB_MAX) {
		set_error(errp, "%s: more than %u mmdb files", path, RCX_ENRICH_MMDB_MAX);
		return RCX_ELIMIT;
	}
	struct enrich_mmdb *m = &e->mmdb[e->n_mmdb];
	int status = MMDB_open(path, MMDB_MODE_MMAP, &m->db);
	if (status != MMDB_SUCCESS) {
		set_error(errp, "%s: %s", path, MMDB_strerror(status));
		return status == MMDB_FILE_OPEN_ERROR ? RCX_EIO : RCX_EPARSE;
	}
	/* MaxMind (GeoLite2-/GeoIP2-ASN, -ISP, -City, -Country) and DB-IP (DBIP-ASN-Lite, DBIP-City-Lite,
	 * DBIP-Country-Lite) name their types like this; anything else is probed for both kinds of keys. */
	const char *type = m->db.metadata.database_type ? m->db.metadata.database_type : "";
	bool asn = strstr(type, "ASN") || strstr(type, "ISP");
	bool geo = strstr(type, "City") || strstr(type, "Country");
	m->has_asn = asn || !geo;
	m->has_geo = geo || !asn;
	e->n_mmdb++;
	return RCX_OK;
}

static bool mmdb_string(MMDB_entry_s *entry, const char *const *path, const char **ret_s, size_t *ret_len)
{
	MMDB_entry_data_s d;
	if (MMDB_aget_value(entry, &d, path) != MMDB_SUCCESS || !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING ||
	    d.data_size == 0)
		return false;
	*ret_s = d.utf8_string;
	*ret_len = d.data_size;
	return true;
}

static bool mmdb_uint(MMDB_entry_s *entry, const char *const *path, uint64_t *ret_v)
{
	MMDB_entry_data_s d;
	if (MMDB_aget_value(entry, &d, path) != MMDB_SUCCESS || !d.has_data)
		return false;
	switch (d.type) {
	case MMDB_DATA_TYPE_UINT16:
		*ret_v = d.uint16;
		return true;
	case MMDB_DATA_TYPE_UINT32:
		*ret_v = d.uint32;
		return true;
	case MMDB_DATA_TYPE_UINT64:
		*ret_v = d.uint64;
		return true;
	case MMDB_DATA_TYPE_INT32:
		if (d.int32 < 0)
			return false;
		*ret_v = (uint64_t)d.int32;
		return true;
	default:
		return false;
	}
}

static bool mmdb_double(MMDB_entry_s *entry, const char *const *path, double *ret_v)
{
	MMDB_entry_data_s d;
	if (MMDB_aget_value(entry, &d, path) != MMDB_SUCCESS || !d.has_data)
		return false;
	if (d.type == MMDB_DATA_TYPE_DOUBLE)
		*ret_v = d.double_value;
	else if (d.type == MMDB_DATA_TYPE_FLOAT)
		*ret_v = d.float_value;
	else
		return false;
	return true;
}

/* ---- filling fields ---- */

static bool unset(const struct event *ev, enum event_field f)
{
	return ev->f[f] == NULL;
}

/* Sets f when unset; a value the event model rejects is dropped (enrichment never fails an event). */
static void fill(struct event *ev, enum event_field f, const char *s, size_t len)
{
	if (unset(ev, f))
		(void)event_set(ev, f, s, len);
}

static void fill_uint(struct event *ev, enum event_field f, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	fill(ev, f, buf, (size_t)n);
}

static void fill_double(struct event *ev, enum event_field f, double v)
{
	char buf[40];
	int n = snprintf(buf, sizeof(buf), "%.17g", v);
	fill(ev, f, buf, (size_t)n);
}

/* The event's AS number as an integer, 0 when unset. */
static uint64_t event_asn(const struct event *ev, enum event_field f)
{
	int64_t v;
	const char *s = ev->f[f];
	if (!s || rcx_parse_i64(s, strlen(s), &v) != RCX_OK || v < 0)
		return 0;
	return (uint64_t)v;
}

static void enrich_mmdb_one(const struct enrich_mmdb *m, const struct enrich_side *sd, const struct rcx_ip *ip,
			    struct event *ev)
{
	static const char *const p_asn[] = {"autonomous_system_number", NULL};
	static const char *const p_org[] = {"autonomous_system_organization", NULL};
	static const char *const p_cc[] = {"country", "iso_code", NULL};
	static const char *const p_country[] = {"country", "names", "en", NULL};
	static const char *const p_city[] = {"city", "names", "en", NULL};
	static const char *const p_region[] = {"subdivisions", "0", "names", "en", NULL};
	static const char *const p_lat[] = {"location", "latitude", NULL};
	static const char *const p_lon[] = {"location", "longitude", NULL};
	struct sockaddr_in sin = {0};
	struct sockaddr_in6 sin6 = {0};
	const struct sockaddr *sa;
	int mmdb_error = 0;

	if (ip->family == 4) {
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, ip->addr, 4);
		sa = (const struct sockaddr *)&sin;
	} else {
		if (m->db.metadata.ip_version != 6)
			return;
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, ip->addr, 16);
		sa = (const struct sockaddr *)&sin6;
	}
	MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&m->db, sa, &mmdb_error);
	if (mmdb_error != MMDB_SUCCESS || !res.found_entry)
		return;
	const char *s;
	size_t len;
	uint64_t v;
	double d;
	if (m->has_asn && mmdb_uint(&res.entry, p_asn, &v) && v > 0 && v <= UINT32_MAX) {
		fill_uint(ev, sd->asn, v);
		if (event_asn(ev, sd->asn) == v && mmdb_string(&res.entry, p_org, &s, &len))
			fill(ev, sd->as_name, s, len);
	}
	if (m->has_geo && mmdb_string(&res.entry, p_cc, &s, &len)) {
		fill(ev, sd->cc, s, len);
		/* The place fields describe the database's country: only for an event of that country. */
		const char *cc = ev->f[sd->cc];
		if (cc && strlen(cc) == len && !strncasecmp(cc, s, len)) {
			if (mmdb_string(&res.entry, p_country, &s, &len))
				fill(ev, sd->country, s, len);
			if (mmdb_string(&res.entry, p_city, &s, &len))
				fill(ev, sd->city, s, len);
			if (mmdb_string(&res.entry, p_region, &s, &len))
				fill(ev, sd->region, s, len);
			if (unset(ev, sd->latitude) && unset(ev, sd->longitude) && mmdb_double(&res.entry, p_lat, &d)) {
				double lon;
				if (mmdb_double(&res.entry, p_lon, &lon)) {
					fill_double(ev, sd->latitude, d);
					fill_double(ev, sd->longitude, lon);
				}
			}
		}
	}
}

bool ingest_url_host(const char *url, const char **ret_host, size_t *ret_len)
{
	const char *p = strstr(url, "://");
	if (!p)
		return false;
	const char *auth = p + 3, *end = auth;
	while (*end && *end != '/' && *end != '?' && *end != '#')
		end++;
	const char *host = auth;
	for (const char *q = auth; q < end; q++)
		if (*q == '@')
			host = q + 1;
	const char *hend;
	if (host < end && *host == '[') {
		hend = memchr(host, ']', (size_t)(end - host));
		if (!hend)
			return false;
		host++;
	} else {
		hend = memchr(host, ':', (size_t)(end - host));
		if (!hend)
			hend = end;
	}
	if (hend == host)
		return false;
	*ret_host = host;
	*ret_len = (size_t)(hend - host);
	return true;
}

static void enrich_side(const struct ingest_enrich *e, const struct enrich_side *sd, struct event *ev)
{
	const char *host;
	size_t hlen;
	if (ev->f[sd->url] && ingest_url_host(ev->f[sd->url], &host, &hlen)) {
		struct rcx_ip hip;
		if (rcx_ip_parse(host, hlen, &hip) == RCX_OK)
			fill(ev, sd->ip, host, hlen);
		else
			fill(ev, sd->fqdn, host, hlen);
	}
	if (e->psl && ev->f[sd->fqdn] && unset(ev, sd->domain_suffix)) {
		const char *fq = ev->f[sd->fqdn];
		const char *d = e->suffix_public ? psl_unregistrable_domain(e->psl, fq)
						 : psl_registrable_domain(e->psl, fq);
		if (d)
			fill(ev, sd->domain_suffix, d, strlen(d));
	}
	struct rcx_ip ip;
	if (event_get_ip(ev, sd->ip, &ip)) {
		struct ingest_prefix_match m;
		if (e->pfx2as && ingest_prefix_lookup(e->pfx2as, &ip, &m)) {
			if (m.value > 0)
				fill_uint(ev, sd->asn, m.value);
			if (unset(ev, sd->network)) {
				char buf[RCX_IP_BUF];
				struct rcx_cidr c = {ip, m.plen};
				/* rcx_cidr_format does not clear host bits; event_set of a network does. */
				fill(ev, sd->network, buf, rcx_cidr_format(&c, buf));
			}
		}
		for (size_t i = 0; i < e->n_mmdb; i++)
			enrich_mmdb_one(&e->mmdb[i], sd, &ip, ev);
	}
	uint64_t asn = event_asn(ev, sd->asn);
	if (asn && unset(ev, sd->as_name) && asn <= UINT32_MAX) {
		const char *name = asname_find(e, (uint32_t)asn);
		if (name)
			fill(ev, sd->as_name, name, strlen(name));
	}
}

void ingest_enrich_event(const struct ingest_enrich *e, struct event *ev)
{
	for (size_t i = 0; i < 2; i++)
		enrich_side(e, &sides[i], ev);
}

/* ---- open / close ---- */

/* The entry's value as a path, relative ones resolved against the config file's directory (as
 * rcx_config_path does for the last value of a key; [enrich] keys may repeat). */
static const char *entry_path(struct rcx_config *cfg, const struct rcx_config_entry *en)
{
	const char *v = en->value;
	if (v[0] == '/' || !strcmp(cfg->dir, "."))
		return v;
	size_t n = strlen(cfg->dir) + strlen(v) + 2;
	char *p = rcx_arena_alloc(&cfg->arena, n);
	snprintf(p, n, "%s/%s", cfg->dir, v);
	return p;
}

static enum rcx_result load_psl(struct ingest_enrich *e, const char *path, char **errp)
{
	if (path) {
		e->psl_owned = psl_load_file(path);
		if (!e->psl_owned) {
			set_error(errp, "%s: cannot load the public suffix list", path);
			return RCX_EPARSE;
		}
		e->psl = e->psl_owned;
		return RCX_OK;
	}
	/* The distribution's list when newer than the one built into libpsl. */
	e->psl_owned = psl_latest(NULL);
	e->psl = e->psl_owned ? e->psl_owned : psl_builtin();
	return RCX_OK;
}

enum rcx_result ingest_enrich_open(struct rcx_config *cfg, struct ingest_enrich **ret_enrich, char **ret_error)
{
	struct ingest_enrich *e = calloc(1, sizeof(*e));
	enum rcx_result r = RCX_ENOMEM;
	const char *psl_path = NULL;
	char *err = NULL; /* the helpers' message, handed to the caller on failure */
	if (!e)
		goto fail;
	e->mmdb = calloc(RCX_ENRICH_MMDB_MAX, sizeof(*e->mmdb));
	if (!e->mmdb)
		goto fail;
	for (size_t i = 0; cfg && i < cfg->n; i++) {
		const struct rcx_config_entry *en = &cfg->entries[i];
		if (strcmp(en->section, "enrich"))
			continue;
		if (!strcmp(en->key, "mmdb")) {
			r = mmdb_open(e, entry_path(cfg, en), &err);
		} else if (!strcmp(en->key, "pfx2as")) {
			if (!e->pfx2as && (r = ingest_prefix_new(RCX_PFX2AS_ENTRIES_MAX, &e->pfx2as)) != RCX_OK)
				goto fail;
			r = load_lines(entry_path(cfg, en), e->pfx2as, pfx2as_parse, &err);
		} else if (!strcmp(en->key, "asnames")) {
			r = load_lines(entry_path(cfg, en), e, asnames_parse, &err);
		} else if (!strcmp(en->key, "psl")) {
			psl_path = entry_path(cfg, en);
			r = RCX_OK;
		} else if (!strcmp(en->key, "domain_suffix")) {
			e->suffix_public = !strcmp(en->value, "public");
			r = e->suffix_public || !strcmp(en->value, "registrable") ? RCX_OK : RCX_ECONFIG;
			if (r != RCX_OK)
				set_error(&err, "configuration line %u: domain_suffix is \"registrable\" or \"public\"",
					  en->line);
		} else {
			set_error(&err, "configuration line %u: unknown key \"%s\" in [enrich]", en->line, en->key);
			r = RCX_ECONFIG;
		}
		if (r != RCX_OK)
			goto fail;
	}
	if (e->pfx2as && (r = ingest_prefix_build(e->pfx2as)) != RCX_OK) {
		set_error(&err, "pfx2as: cannot build the prefix table");
		goto fail;
	}
	asnames_finish(e);
	r = load_psl(e, psl_path, &err);
	if (r != RCX_OK)
		goto fail;
	*ret_enrich = e;
	return RCX_OK;
fail:
	set_error(&err, "cannot load enrichment data: %s", rcx_result_message(r));
	if (ret_error)
		*ret_error = err;
	else
		free(err);
	ingest_enrich_close(e);
	return r;
}

void ingest_enrich_close(struct ingest_enrich *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n_mmdb; i++)
		MMDB_close(&e->mmdb[i].db);
	free(e->mmdb);
	ingest_prefix_free(e->pfx2as);
	free(e->asnames);
	rcx_arena_free(&e->arena);
	if (e->psl_owned)
		psl_free(e->psl_owned);
	free(e);
}
