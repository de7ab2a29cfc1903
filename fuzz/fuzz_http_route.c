/* The router: byte 0 picks the method, the rest is a raw request path matched against a fixed table.
 * A match is printed back (the pattern with its captures percent-encoded) and matched again: same
 * route, same captures. Captures are non-empty UTF-8 without NUL; a 405 names at least one method. */
#include <string.h>

#include "core/text.h"
#include "fuzz_common.h"
#include "http/http.h"

static enum rcx_result h(struct http_request *req)
{
	(void)req;
	return RCX_OK;
}

static const struct http_route routes[] = {
	{"GET", "/", h, 0},
	{"GET", "/api/v1/events", h, 0},
	{"POST", "/api/v1/events", h, 0},
	{"GET", "/api/v1/events/{id}", h, 0},
	{"DELETE", "/api/v1/events/{id}", h, 0},
	{"GET", "/api/v1/events/export", h, 0},
	{"GET", "/api/v1/{kind}/{id}/history", h, 0},
	{"GET", "/taxii2/", h, 0},
	{"GET", "/taxii2/{root}/collections/{id}/objects/", h, 0},
	{"POST", "/taxii2/{root}/collections/{id}/objects/", h, 0},
	{"GET", "/taxii2/{root}/collections/{id}/objects/{object}/versions/", h, 0},
};
#define N (sizeof(routes) / sizeof(routes[0]))

static const char *const methods[] = {"GET", "POST", "DELETE", "HEAD", "PUT"};

/* The pattern of route i with each {name} replaced by its encoded capture. */
static void print(struct rcx_strbuf *b, const char *pattern, const struct http_match *m)
{
	size_t c = 0;
	for (const char *p = pattern; *p;) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			FUZZ_CHECK(c < m->ncaptures, "fewer captures than the pattern has");
			http_percent_encode(b, m->captures[c].value, m->captures[c].value_len);
			c++;
			p = close + 1;
		} else {
			rcx_strbuf_putc(b, *p++);
		}
	}
	FUZZ_CHECK(c == m->ncaptures, "more captures than the pattern has");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool checked;
	if (!checked) {
		size_t bad;
		FUZZ_CHECK(http_routes_check(routes, N, &bad) == RCX_OK, "table rejected at %zu", bad);
		checked = true;
	}
	if (size == 0)
		return 0;
	const char *method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	const char *path = (const char *)data + 1;
	size_t len = size - 1;
	struct rcx_arena a = RCX_ARENA_INIT;
	struct http_match m, again;
	enum http_match_result r = http_route_match(routes, N, method, path, len, &a, &m);
	FUZZ_CHECK(r < HTTP_MATCH_MAX, "result %d", (int)r);
	if (r == HTTP_MATCH_METHOD)
		FUZZ_CHECK(m.allow && *m.allow, "405 without Allow");
	if (r == HTTP_MATCH_OK) {
		FUZZ_CHECK(m.route < N, "route %zu", m.route);
		FUZZ_CHECK(!strcmp(routes[m.route].method, method) ||
				   (!strcmp(method, "HEAD") && !strcmp(routes[m.route].method, "GET")),
			   "route for another method");
		for (size_t i = 0; i < m.ncaptures; i++) {
			const struct http_kv *kv = &m.captures[i];
			FUZZ_CHECK(kv->value_len > 0 && strlen(kv->value) == kv->value_len &&
					   rcx_utf8_valid(kv->value, kv->value_len),
				   "capture %zu", i);
		}
		struct rcx_strbuf b = RCX_STRBUF_INIT(0);
		print(&b, routes[m.route].pattern, &m);
		if (http_route_match(routes, N, method, b.data, b.len, &a, &again) != HTTP_MATCH_OK ||
		    again.route != m.route || again.ncaptures != m.ncaptures) {
			fuzz_dump("path", path, len);
			fuzz_dump("printed", b.data, b.len);
			FUZZ_CHECK(0, "printed path matches differently");
		}
		for (size_t i = 0; i < m.ncaptures; i++)
			FUZZ_CHECK(again.captures[i].value_len == m.captures[i].value_len &&
					   !memcmp(again.captures[i].value, m.captures[i].value, m.captures[i].value_len),
				   "capture %zu differs after a round trip", i);
		rcx_strbuf_free(&b);
	}
	rcx_arena_free(&a);
	return 0;
}
