/* What a handler reads from a request: percent-decoding, query strings, cookies, and the accessors
 * of struct http_request.
 *
 * Parsers walk a cursor over (pointer, length) and never read past it. Decoded text must be valid
 * UTF-8 without NUL bytes, so handlers can use it as a C string and put it into JSON unchecked.
 * Query strings follow the HTML form encoding ('+' is a space, pairs split on '&', the first '='
 * splits key from value); cookies follow RFC 6265 (opaque values, pairs split on ';'). */
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "core/text.h"
#include "http/http_internal.h"


enum rcx_result http_percent_decode(struct rcx_arena *a, const char *s, size_t len, bool plus_space,
				    char **ret, size_t *ret_len)
{
	char *out = rcx_arena_alloc(a, len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			if (len - i < 3)
				return RCX_EPARSE;
			int hi = rcx_hex_value(s[i + 1]), lo = rcx_hex_value(s[i + 2]);
			if (hi < 0 || lo < 0)
				return RCX_EPARSE;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (c == '\0')
			return RCX_EPARSE;
		out[n++] = c;
	}
	out[n] = '\0';
	if (!rcx_utf8_valid(out, n))
		return RCX_EPARSE;
	*ret = out;
	*ret_len = n;
	return RCX_OK;
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '.' || c == '_' || c == '~';
}

enum rcx_result http_percent_encode(struct rcx_strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		enum rcx_result r;
		if (unreserved(c)) {
			r = rcx_strbuf_putc(out, (char)c);
		} else {
			char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
			r = rcx_strbuf_append(out, esc, 3);
		}
		if (r != RCX_OK)
			return r;
	}
	return RCX_OK;
}

enum rcx_result http_query_parse(struct rcx_arena *a, const char *s, size_t len, struct http_kv **ret_kv,
				 size_t *ret_n)
{
	/* Count the pairs first so the array is allocated once, at its final size. */
	size_t pairs = 0;
	for (size_t i = 0; i < len;) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - s) : len;
		if (end > i)
			pairs++;
		i = end + 1;
	}
	if (pairs > RCX_HTTP_QUERY_PARAMS_MAX)
		return RCX_ELIMIT;
	struct http_kv *kv = pairs ? rcx_arena_calloc(a, pairs, sizeof(*kv)) : NULL;
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - s) : len;
		if (end > i) {
			const char *pair = s + i;
			size_t plen = end - i;
			const char *eq = memchr(pair, '=', plen);
			size_t klen = eq ? (size_t)(eq - pair) : plen;
			char *k, *v;
			size_t kl, vl;
			if (http_percent_decode(a, pair, klen, true, &k, &kl) != RCX_OK)
				return RCX_EPARSE;
			if (eq) {
				if (http_percent_decode(a, eq + 1, plen - klen - 1, true, &v, &vl) != RCX_OK)
					return RCX_EPARSE;
			} else {
				v = rcx_arena_strndup(a, "", 0);
				vl = 0;
			}
			kv[n++] = (struct http_kv){k, kl, v, vl};
		}
		i = end + 1;
	}
	*ret_kv = kv;
	*ret_n = n;
	return RCX_OK;
}

enum rcx_result http_query_format(struct rcx_strbuf *out, const struct http_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum rcx_result r = RCX_OK;
		if (i)
			r = rcx_strbuf_putc(out, '&');
		if (r == RCX_OK)
			r = http_percent_encode(out, kv[i].key, kv[i].key_len);
		if (r == RCX_OK)
			r = rcx_strbuf_putc(out, '=');
		if (r == RCX_OK)
			r = http_percent_encode(out, kv[i].value, kv[i].value_len);
		if (r != RCX_OK)
			return r;
	}
	return RCX_OK;
}

void http_cookie_iter_init(struct http_cookie_iter *it, const char *header, size_t len)
{
	it->p = header;
	it->end = header + len;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

bool http_cookie_next(struct http_cookie_iter *it, struct http_kv *ret)
{
	while (it->p < it->end) {
		const char *semi = memchr(it->p, ';', (size_t)(it->end - it->p));
		const char *s = it->p, *e = semi ? semi : it->end;
		it->p = semi ? semi + 1 : it->end;
		const char *eq = memchr(s, '=', (size_t)(e - s));
		if (!eq)
			continue;
		const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
		trim(&ks, &ke);
		trim(&vs, &ve);
		if (ks == ke)
			continue;
		if (ve - vs >= 2 && vs[0] == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}
		*ret = (struct http_kv){ks, (size_t)(ke - ks), vs, (size_t)(ve - vs)};
		return true;
	}
	return false;
}

/* ---- Accessors ------------------------------------------------------------------------------ */

static bool key_is(const struct http_kv *kv, const char *name)
{
	size_t len = strlen(name);
	return kv->key_len == len && !memcmp(kv->key, name, len);
}

const char *http_param(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->ncaptures; i++)
		if (key_is(&req->captures[i], name))
			return req->captures[i].value;
	return NULL;
}

const char *http_query(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->nquery; i++)
		if (key_is(&req->query[i], name))
			return req->query[i].value;
	return NULL;
}

const char **http_query_all(struct http_request *req, const char *name, size_t *ret_n)
{
	size_t n = 0;
	for (size_t i = 0; i < req->nquery; i++)
		n += key_is(&req->query[i], name);
	const char **v = rcx_arena_calloc(&req->arena, n + 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < req->nquery; i++)
		if (key_is(&req->query[i], name))
			v[k++] = req->query[i].value;
	*ret_n = n;
	return v;
}

const char *http_header(const struct http_request *req, const char *name)
{
	const struct http_conn *c = http_conn_of_const(req);
	return MHD_lookup_connection_value(c->mhd, MHD_HEADER_KIND, name);
}

struct cookie_search {
	const char *name;
	const char *value; /* found: points into the header */
	size_t len;
};

static enum MHD_Result cookie_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct cookie_search *cs = cls;
	if (!value || strcasecmp(key, MHD_HTTP_HEADER_COOKIE) != 0)
		return MHD_YES;
	struct http_cookie_iter it;
	struct http_kv kv;
	http_cookie_iter_init(&it, value, strlen(value));
	while (http_cookie_next(&it, &kv))
		if (key_is(&kv, cs->name)) {
			cs->value = kv.value;
			cs->len = kv.value_len;
			return MHD_NO; /* stop at the first */
		}
	return MHD_YES;
}

const char *http_cookie(struct http_request *req, const char *name)
{
	/* Browsers send one Cookie header; a proxy may split it (HTTP/2), so every one is searched. MHD's
	 * own cookie table (MHD_COOKIE_KIND) is not used, so that the parser in use is the fuzzed one. */
	struct cookie_search cs = {name, NULL, 0};
	MHD_get_connection_values(http_conn_of(req)->mhd, MHD_HEADER_KIND, cookie_header, &cs);
	return cs.value ? rcx_arena_strndup(&req->arena, cs.value, cs.len) : NULL;
}
