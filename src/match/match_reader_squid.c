/* Squid's access.log in its three stock formats, recognised per line:
 * - native (squid): "time elapsed client code/status bytes method URL user hierarchy/peer type",
 *   blank-separated, time in epoch seconds with milliseconds;
 * - common: "client ident user [23/Nov/2026:10:00:00 +0100] \"METHOD URL HTTP/1.1\" status bytes
 *   code:hierarchy";
 * - combined: common with "\"referer\" \"user agent\"" before code:hierarchy.
 * Reports the client (IP, or ANY for a logged host name), the URL (URL and its host; for CONNECT the
 * "host:port" target as DOMAIN or IP), the peer of the native hierarchy field and the combined
 * format's referer (a URL). A line of none of these shapes is a bad line. */
#include <string.h>

#include "core/text.h"
#include "core/time.h"
#include "match/match_reader_impl.h"

enum { F_TIME, F_ELAPSED, F_CLIENT, F_CODE, F_BYTES, F_METHOD, F_URL, F_USER, F_HIER, F_TYPE, F_MAX };

/* Whether the line starts with a native time stamp: digits, optionally a '.' and digits, a blank. */
static bool native_time(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
	return i < n && (s[i] == ' ' || s[i] == '\t');
}

/* The request's URL (or CONNECT target) as observables. */
static void add_request_url(struct match_parser *p, const char *method, size_t ml, const char *url, size_t ul)
{
	if (ml == 7 && !memcmp(method, "CONNECT", 7)) {
		const char *h = url, *colon = memrchr(h, ':', ul);
		size_t hl = colon ? (size_t)(colon - h) : ul;
		if (hl > 2 && h[0] == '[' && h[hl - 1] == ']') {
			h++;
			hl -= 2;
		}
		enum match_obs_kind k = match_text_host_kind(h, hl);
		if (k != MATCH_OBS_ANY)
			match_obs_add(p, k, "url", h, hl);
	} else if (memmem(url, ul, "://", 3)) {
		match_obs_add(p, MATCH_OBS_URL, "url", url, ul);
		match_text_add_url_host(p, "url", url, ul);
	}
}

static unsigned digits(const char *s, size_t n)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 100000;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v;
}

/* "23/Nov/2026:10:00:00 +0100" (the inside of the brackets) */
static bool clf_time(const char *s, size_t n, int64_t *ret_us)
{
	if (n != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' || s[20] != ' ' ||
	    (s[21] != '+' && s[21] != '-'))
		return false;
	unsigned mon = match_month_parse(s + 3), d = digits(s, 2), y = digits(s + 7, 4), hh = digits(s + 12, 2),
		 mi = digits(s + 15, 2), ss = digits(s + 18, 2), zh = digits(s + 22, 2), zm = digits(s + 24, 2);
	if (mon == 12 || d < 1 || d > 31 || y < 1970 || y > 9999 || hh > 23 || mi > 59 || ss > 60 || zh > 23 || zm > 59)
		return false;
	int64_t off = ((int64_t)zh * 3600 + zm * 60) * (s[21] == '-' ? -1 : 1);
	*ret_us = (rcx_time_days_from_civil(y, mon + 1, d) * 86400 + hh * 3600 + mi * 60 + ss - off) * 1000000;
	return true;
}

/* A double-quoted field at *s (Squid escapes '"' inside as \"), advancing past it and the blanks after. */
static bool quoted(const char **s, const char *end, const char **ret_v, size_t *ret_n)
{
	const char *q = *s;
	if (q >= end || *q != '"')
		return false;
	const char *v = ++q;
	while (q < end && *q != '"')
		q += (*q == '\\' && q + 1 < end) ? 2 : 1;
	if (q >= end)
		return false;
	*ret_v = v;
	*ret_n = (size_t)(q - v);
	for (q++; q < end && *q == ' '; q++)
		;
	*s = q;
	return true;
}

/* common and combined: client ident user [time] "request" status bytes ["referer" "agent"] code:hier */
static enum rcx_result clf_line(struct match_parser *p, const char *s, const char *end, int64_t *ret_time_us)
{
	const char *f[3];
	size_t fl[3], len = (size_t)(end - s);
	for (int i = 0; i < 3; i++)
		if (!rcx_next_field(&s, &len, &f[i], &fl[i]))
			return RCX_EPARSE;
	while (s < end && *s == ' ')
		s++;
	const char *rb = s < end && *s == '[' ? memchr(s, ']', (size_t)(end - s)) : NULL;
	int64_t t;
	if (!rb || !clf_time(s + 1, (size_t)(rb - s - 1), &t))
		return RCX_EPARSE;
	s = rb + 1;
	while (s < end && *s == ' ')
		s++;
	const char *req, *ref = NULL;
	size_t reql, refl = 0;
	if (!quoted(&s, end, &req, &reql))
		return RCX_EPARSE;
	len = (size_t)(end - s);
	const char *st, *by;
	size_t stl, byl;
	if (!rcx_next_field(&s, &len, &st, &stl) || !rcx_next_field(&s, &len, &by, &byl) || digits(st, stl) > 999)
		return RCX_EPARSE;
	while (s < end && *s == ' ')
		s++;
	if (s < end && *s == '"') {
		const char *ua;
		size_t ual;
		if (!quoted(&s, end, &ref, &refl) || !quoted(&s, end, &ua, &ual))
			return RCX_EPARSE;
	}
	*ret_time_us = t;
	if (fl[0] != 1 || f[0][0] != '-')
		match_obs_add(p, match_text_host_kind(f[0], fl[0]), "client", f[0], fl[0]);
	const char *m, *u;
	size_t mlen, ulen, rl = reql;
	const char *r = req;
	if (rcx_next_field(&r, &rl, &m, &mlen) && rcx_next_field(&r, &rl, &u, &ulen))
		add_request_url(p, m, mlen, u, ulen);
	if (ref && refl > 0 && memmem(ref, refl, "://", 3)) {
		match_obs_add(p, MATCH_OBS_URL, "referer", ref, refl);
		match_text_add_url_host(p, "referer", ref, refl);
	}
	return RCX_OK;
}

static enum rcx_result squid_line(struct match_parser *p, const struct match_line *l, int64_t *ret_time_us)
{
	if (l->len > 0 && l->data[0] != '#' && !(l->data[0] >= '0' && l->data[0] <= '9' && native_time(l->data, l->len)))
		return clf_line(p, l->data, l->data + l->len, ret_time_us);
	const char *f[F_MAX] = {0};
	size_t fl[F_MAX] = {0};
	const char *s = l->data;
	size_t len = l->len, n = 0;
	const char *tok;
	size_t tl;
	while (n < F_MAX && rcx_next_field(&s, &len, &tok, &tl)) {
		f[n] = tok;
		fl[n++] = tl;
	}
	if (n == 0 || (l->len > 0 && l->data[0] == '#'))
		return RCX_ENOTFOUND;
	int64_t t;
	if (n < F_HIER || !match_epoch_parse(f[F_TIME], fl[F_TIME], &t) || !memchr(f[F_CODE], '/', fl[F_CODE]))
		return RCX_EPARSE;
	*ret_time_us = t;
	enum match_obs_kind ck = match_text_host_kind(f[F_CLIENT], fl[F_CLIENT]);
	if (fl[F_CLIENT] != 1 || f[F_CLIENT][0] != '-')
		match_obs_add(p, ck, "client", f[F_CLIENT], fl[F_CLIENT]);
	add_request_url(p, f[F_METHOD], fl[F_METHOD], f[F_URL], fl[F_URL]);
	if (n > F_HIER) {
		const char *slash = memchr(f[F_HIER], '/', fl[F_HIER]);
		if (slash) {
			const char *peer = slash + 1;
			size_t pl = fl[F_HIER] - (size_t)(peer - f[F_HIER]);
			enum match_obs_kind k = match_text_host_kind(peer, pl);
			if (k != MATCH_OBS_ANY && (pl != 1 || peer[0] != '-'))
				match_obs_add(p, k, "peer", peer, pl);
		}
	}
	return RCX_OK;
}

const struct match_line_ops match_squid_ops = {.line = squid_line};
