/* The router: a request path against the application's route table, as a pure function.
 *
 * A path "/a/b%2Fc/" is split on '/' into segments ["a", "b/c", ""], each percent-decoded after the
 * split, so an encoded slash stays inside its segment. A pattern is split the same way; a segment
 * "{name}" captures any non-empty segment, any other segment must equal the decoded one. So "/x"
 * and "/x/" differ (TAXII 2.1 URLs end in '/'), and "." or ".." segments are not interpreted (no
 * file system is behind a route; static files are looked up by exact path).
 *
 * Among the patterns that match, the most specific one is the resource: at the first segment where
 * two patterns differ in kind, the literal wins ("/events/export" over "/events/{id}"). The
 * resource's routes then choose by method (GET also serves HEAD); no route for the method is a 405
 * with the resource's methods in Allow. http_routes_check rejects tables where this would be
 * ambiguous: two patterns of the same shape, or the same method twice on one pattern.
 * Cost: O(routes × segments) per request, on patterns parsed on the fly (no allocation). */
#include <string.h>

#include "core/limits.h"
#include "http/http.h"

struct seg {
	const char *s;
	size_t len;
};

/* Splits p[0..len) (starting with '/') into segments; false past RCX_HTTP_SEGMENTS_MAX. */
static bool split(const char *p, size_t len, struct seg *segs, size_t *ret_n)
{
	size_t n = 0, i = 1;
	for (;;) {
		const char *slash = memchr(p + i, '/', len - i);
		size_t end = slash ? (size_t)(slash - p) : len;
		if (n == RCX_HTTP_SEGMENTS_MAX)
			return false;
		segs[n++] = (struct seg){p + i, end - i};
		if (!slash)
			break;
		i = end + 1;
	}
	*ret_n = n;
	return true;
}

static bool is_capture(const struct seg *s)
{
	return s->len >= 2 && s->s[0] == '{' && s->s[s->len - 1] == '}';
}

/* Whether the pattern matches the decoded segments; *ret_rank has a bit per literal segment, the
 * first segment highest, so a larger rank is a more specific pattern. */
static bool pattern_matches(const char *pattern, const struct seg *path, size_t n, uint64_t *ret_rank)
{
	struct seg pat[RCX_HTTP_SEGMENTS_MAX];
	size_t np;
	if (!split(pattern, strlen(pattern), pat, &np) || np != n)
		return false;
	uint64_t rank = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_capture(&pat[i])) {
			if (path[i].len == 0)
				return false;
			continue;
		}
		if (pat[i].len != path[i].len || memcmp(pat[i].s, path[i].s, path[i].len) != 0)
			return false;
		rank |= UINT64_C(1) << (RCX_HTTP_SEGMENTS_MAX - 1 - i);
	}
	*ret_rank = rank;
	return true;
}

static void add_method(char *allow, size_t cap, const char *m)
{
	size_t mlen = strlen(m), alen = strlen(allow);
	/* already listed? */
	for (const char *p = allow; *p;) {
		const char *comma = strstr(p, ", ");
		size_t l = comma ? (size_t)(comma - p) : strlen(p);
		if (l == mlen && !memcmp(p, m, l))
			return;
		p = comma ? comma + 2 : p + l;
	}
	if (alen + mlen + 3 > cap)
		return; /* cap covers every method of a checked table */
	if (alen) {
		memcpy(allow + alen, ", ", 2);
		alen += 2;
	}
	memcpy(allow + alen, m, mlen + 1);
}

enum http_match_result http_route_match(const struct http_route *routes, size_t n, const char *method,
					const char *path, size_t len, struct rcx_arena *a, struct http_match *ret)
{
	if (len == 0 || path[0] != '/')
		return HTTP_MATCH_BAD_PATH;
	struct seg raw[RCX_HTTP_SEGMENTS_MAX], dec[RCX_HTTP_SEGMENTS_MAX];
	size_t nseg;
	if (!split(path, len, raw, &nseg))
		return HTTP_MATCH_NOT_FOUND; /* deeper than any pattern can be */
	for (size_t i = 0; i < nseg; i++) {
		char *d;
		size_t dlen;
		if (http_percent_decode(a, raw[i].s, raw[i].len, false, &d, &dlen) != RCX_OK)
			return HTTP_MATCH_BAD_PATH;
		dec[i] = (struct seg){d, dlen};
	}

	/* The resource: the most specific matching pattern, the first one on a tie. */
	const char *best = NULL;
	uint64_t best_rank = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t rank;
		if ((!best || strcmp(routes[i].pattern, best) != 0) &&
		    pattern_matches(routes[i].pattern, dec, nseg, &rank) && (!best || rank > best_rank)) {
			best = routes[i].pattern;
			best_rank = rank;
		}
	}
	if (!best)
		return HTTP_MATCH_NOT_FOUND;

	/* Its route for the method; HEAD falls back to GET. */
	size_t found = n, get = n;
	for (size_t i = 0; i < n && found == n; i++) {
		if (strcmp(routes[i].pattern, best) != 0)
			continue;
		if (!strcmp(routes[i].method, method))
			found = i;
		else if (get == n && !strcmp(routes[i].method, "GET"))
			get = i;
	}
	if (found == n && !strcmp(method, "HEAD"))
		found = get;
	if (found == n) {
		size_t cap = 1;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(routes[i].pattern, best))
				cap += strlen(routes[i].method) + 2;
		cap += sizeof(", HEAD");
		char *allow = rcx_arena_calloc(a, cap, 1);
		for (size_t i = 0; i < n; i++) {
			if (strcmp(routes[i].pattern, best) != 0)
				continue;
			add_method(allow, cap, routes[i].method);
			if (!strcmp(routes[i].method, "GET"))
				add_method(allow, cap, "HEAD");
		}
		ret->allow = allow;
		return HTTP_MATCH_METHOD;
	}

	struct seg pat[RCX_HTTP_SEGMENTS_MAX];
	size_t np, nc = 0;
	split(best, strlen(best), pat, &np);
	for (size_t i = 0; i < np; i++) {
		if (!is_capture(&pat[i]))
			continue;
		ret->captures[nc++] = (struct http_kv){rcx_arena_strndup(a, pat[i].s + 1, pat[i].len - 2),
						       pat[i].len - 2, dec[i].s, dec[i].len};
	}
	ret->route = found;
	ret->ncaptures = nc;
	ret->allow = NULL;
	return HTTP_MATCH_OK;
}

/* ---- Table checks ------------------------------------------------------------------------- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool method_ok(const char *m)
{
	if (!m || !*m || strlen(m) > 16)
		return false;
	for (; *m; m++)
		if (*m < 'A' || *m > 'Z')
			return false;
	return true;
}

static bool pattern_ok(const char *p)
{
	if (!p || p[0] != '/')
		return false;
	struct seg segs[RCX_HTTP_SEGMENTS_MAX];
	size_t n, ncap = 0;
	if (!split(p, strlen(p), segs, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct seg *s = &segs[i];
		bool brace = memchr(s->s, '{', s->len) || memchr(s->s, '}', s->len);
		if (!brace) {
			for (size_t k = 0; k < s->len; k++)
				if (s->s[k] == '%' || s->s[k] == '?' || s->s[k] == '#' || (unsigned char)s->s[k] <= ' ')
					return false; /* literals are written decoded, without query or blanks */
			continue;
		}
		if (!is_capture(s) || s->len == 2 || ++ncap > RCX_HTTP_CAPTURES_MAX)
			return false;
		for (size_t k = 1; k + 1 < s->len; k++)
			if (!name_char(s->s[k]))
				return false;
		for (size_t j = 0; j < i; j++)
			if (is_capture(&segs[j]) && segs[j].len == s->len && !memcmp(segs[j].s, s->s, s->len))
				return false; /* the same name twice */
	}
	return true;
}

/* Same number of segments, captures at the same places, the same literals elsewhere. */
static bool same_shape(const char *p, const char *q)
{
	struct seg a[RCX_HTTP_SEGMENTS_MAX], b[RCX_HTTP_SEGMENTS_MAX];
	size_t na, nb;
	split(p, strlen(p), a, &na);
	split(q, strlen(q), b, &nb);
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		bool ca = is_capture(&a[i]), cb = is_capture(&b[i]);
		if (ca != cb || (!ca && (a[i].len != b[i].len || memcmp(a[i].s, b[i].s, a[i].len) != 0)))
			return false;
	}
	return true;
}

enum rcx_result http_routes_check(const struct http_route *routes, size_t n, size_t *ret_bad)
{
	for (size_t i = 0; i < n; i++) {
		bool ok = method_ok(routes[i].method) && pattern_ok(routes[i].pattern) && routes[i].handler;
		for (size_t j = 0; ok && j < i; j++) {
			if (!same_shape(routes[i].pattern, routes[j].pattern))
				continue;
			if (strcmp(routes[i].pattern, routes[j].pattern) != 0 ||
			    !strcmp(routes[i].method, routes[j].method))
				ok = false;
		}
		if (!ok) {
			*ret_bad = i;
			return RCX_ECONFIG;
		}
	}
	return RCX_OK;
}
