/* Unit tests of the http module: the pure parts (router, query and cookie parsing, rate limiter with
 * an injected clock, status mapping, listen addresses, [serve] configuration, static lookup), then
 * real servers on 127.0.0.1 port 0 driven by a small socket client written here (HTTP/1.1,
 * Connection: close, chunked decoding). The HTTPS case uses curl when it is installed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/limits.h"
#include "http/http.h"

/* tests/unit/data/http_web, embedded by tools/embed_web.py (tests/unit/meson.build) */
extern const struct http_static_table test_http_web;

static enum rcx_result h_dummy(struct http_request *req)
{
	(void)req;
	return RCX_OK;
}

/* ---- Router ----------------------------------------------------------------------------------- */

static const struct http_route match_routes[] = {
	{"GET", "/api/v1/events", h_dummy, 0},
	{"POST", "/api/v1/events", h_dummy, 0},
	{"GET", "/api/v1/events/{id}", h_dummy, 0},
	{"DELETE", "/api/v1/events/{id}", h_dummy, 0},
	{"GET", "/api/v1/events/export", h_dummy, 0},
	{"GET", "/taxii2/", h_dummy, 0},
	{"GET", "/taxii2/{root}/collections/{id}/objects/", h_dummy, 0},
	{"HEAD", "/ping", h_dummy, 0},
	{"GET", "/", h_dummy, 0},
};
#define NMATCH (sizeof(match_routes) / sizeof(match_routes[0]))

static enum http_match_result match(const char *method, const char *path, struct rcx_arena *a, struct http_match *m)
{
	return http_route_match(match_routes, NMATCH, method, path, strlen(path), a, m);
}

static void test_route_match(void **state)
{
	(void)state;
	struct rcx_arena a = RCX_ARENA_INIT;
	struct http_match m;
	size_t bad = 99;
	assert_int_equal(http_routes_check(match_routes, NMATCH, &bad), RCX_OK);

	assert_int_equal(match("GET", "/api/v1/events", &a, &m), HTTP_MATCH_OK);
	assert_int_equal(m.route, 0);
	assert_int_equal(m.ncaptures, 0);
	assert_int_equal(match("POST", "/api/v1/events", &a, &m), HTTP_MATCH_OK);
	assert_int_equal(m.route, 1);
	assert_int_equal(match("HEAD", "/api/v1/events", &a, &m), HTTP_MATCH_OK); /* GET serves HEAD */
	assert_int_equal(m.route, 0);
	assert_int_equal(match("PUT", "/api/v1/events", &a, &m), HTTP_MATCH_METHOD);
	assert_string_equal(m.allow, "GET, HEAD, POST");

	assert_int_equal(match("GET", "/api/v1/events/42", &a, &m), HTTP_MATCH_OK);
	assert_int_equal(m.route, 2);
	assert_int_equal(m.ncaptures, 1);
	assert_string_equal(m.captures[0].key, "id");
	assert_string_equal(m.captures[0].value, "42");
	assert_int_equal(match("DELETE", "/api/v1/events/42", &a, &m), HTTP_MATCH_OK);
	assert_int_equal(m.route, 3);
	/* a literal beats a capture, and the literal resource has its own methods */
	assert_int_equal(match("GET", "/api/v1/events/export", &a, &m), HTTP_MATCH_OK);
	assert_int_equal(m.route, 4);
	assert_int_equal(match("DELETE", "/api/v1/events/export", &a, &m), HTTP_MATCH_METHOD);
	assert_string_equal(m.allow, "GET, HEAD");
	/* percent-encoded segments: decoded after splitting, so %2F stays in the capture */
	assert_int_equal(match("GET", "/api/v1/events/a%2Fb%20c", &a, &m), HTTP_MATCH_OK);
	assert_string_equal(m.captures[0].value, "a/b c");
	assert_int_equal(match("GET", "/api/v1/%65vents/%C3%A9", &a, &m), HTTP_MATCH_OK);
	assert_string_equal(m.captures[0].value, "\xc3\xa9");
	assert_int_equal(match("GET", "/api/v1/events/%zz", &a, &m), HTTP_MATCH_BAD_PATH);
	assert_int_equal(match("GET", "/api/v1/events/%00", &a, &m), HTTP_MATCH_BAD_PATH);
	assert_int_equal(match("GET", "/api/v1/events/%C3", &a, &m), HTTP_MATCH_BAD_PATH); /* not UTF-8 */
	assert_int_equal(match("GET", "/api/v1/events/%4", &a, &m), HTTP_MATCH_BAD_PATH);
	assert_int_equal(match("GET", "*", &a, &m), HTTP_MATCH_BAD_PATH);
	assert_int_equal(match("GET", "", &a, &m), HTTP_MATCH_BAD_PATH);
	/* trailing slashes are exact: "/x" and "/x/" are different resources; captures are not empty */
	assert_int_equal(match("GET", "/api/v1/events/", &a, &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/events/42/", &a, &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/taxii2/", &a, &m), HTTP_MATCH_OK);
	assert_int_equal(m.route, 5);
	assert_int_equal(match("GET", "/taxii2", &a, &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/taxii2/r1/collections/c%209/objects/", &a, &m), HTTP_MATCH_OK);
	assert_int_equal(m.route, 6);
	assert_int_equal(m.ncaptures, 2);
	assert_string_equal(m.captures[0].key, "root");
	assert_string_equal(m.captures[0].value, "r1");
	assert_string_equal(m.captures[1].key, "id");
	assert_string_equal(m.captures[1].value, "c 9");
	assert_int_equal(match("GET", "/taxii2/r1/collections//objects/", &a, &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/taxii2/r1/collections/c/objects", &a, &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/", &a, &m), HTTP_MATCH_OK);
	assert_int_equal(m.route, 8);
	assert_int_equal(match("GET", "//", &a, &m), HTTP_MATCH_NOT_FOUND);
	/* a HEAD-only resource */
	assert_int_equal(match("HEAD", "/ping", &a, &m), HTTP_MATCH_OK);
	assert_int_equal(match("GET", "/ping", &a, &m), HTTP_MATCH_METHOD);
	assert_string_equal(m.allow, "HEAD");
	/* deeper than RCX_HTTP_SEGMENTS_MAX */
	char deep[RCX_HTTP_SEGMENTS_MAX * 2 + 8] = "";
	for (size_t i = 0; i <= RCX_HTTP_SEGMENTS_MAX; i++)
		strcat(deep, "/a");
	assert_int_equal(match("GET", deep, &a, &m), HTTP_MATCH_NOT_FOUND);
	rcx_arena_free(&a);
}

static void test_routes_check(void **state)
{
	(void)state;
	static const char *bad_patterns[] = {"", "x", "/a/{}", "/a/{id}/{id}", "/a/b{id}", "/a/{id", "/a/{i d}",
					     "/a?b", "/a%20b", "/a b", NULL};
	size_t bad;
	for (size_t i = 0; i < sizeof(bad_patterns) / sizeof(bad_patterns[0]); i++) {
		struct http_route r[] = {{"GET", "/ok", h_dummy, 0}, {"GET", bad_patterns[i], h_dummy, 0}};
		bad = 99;
		assert_int_equal(http_routes_check(r, 2, &bad), RCX_ECONFIG);
		assert_int_equal(bad, 1);
	}
	struct http_route same_shape[] = {{"GET", "/a/{x}", h_dummy, 0}, {"POST", "/a/{y}", h_dummy, 0}};
	assert_int_equal(http_routes_check(same_shape, 2, &bad), RCX_ECONFIG);
	struct http_route twice[] = {{"GET", "/a/{x}", h_dummy, 0}, {"GET", "/a/{x}", h_dummy, 0}};
	assert_int_equal(http_routes_check(twice, 2, &bad), RCX_ECONFIG);
	struct http_route lower[] = {{"get", "/a", h_dummy, 0}};
	assert_int_equal(http_routes_check(lower, 1, &bad), RCX_ECONFIG);
	struct http_route nohandler[] = {{"GET", "/a", NULL, 0}};
	assert_int_equal(http_routes_check(nohandler, 1, &bad), RCX_ECONFIG);
	struct http_route many[] = {{"GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", h_dummy, 0}};
	assert_int_equal(http_routes_check(many, 1, &bad), RCX_ECONFIG);
	struct http_route fine[] = {{"GET", "/a/{x}", h_dummy, 0}, {"GET", "/a/{x}/", h_dummy, 0},
				    {"GET", "/a/b", h_dummy, 0}, {"PATCH", "/a/{x}", h_dummy, 0}};
	assert_int_equal(http_routes_check(fine, 4, &bad), RCX_OK);
}

/* ---- Query strings and cookies ------------------------------------------------------------------ */

static void test_query(void **state)
{
	(void)state;
	struct rcx_arena a = RCX_ARENA_INIT;
	struct http_kv *kv;
	size_t n;
	const char *q = "a=1&b=x+y%2Bz&a=2&&c&d=%C3%A9&=v&e==f&";
	assert_int_equal(http_query_parse(&a, q, strlen(q), &kv, &n), RCX_OK);
	assert_int_equal(n, 7);
	assert_string_equal(kv[0].key, "a");
	assert_string_equal(kv[0].value, "1");
	assert_string_equal(kv[1].value, "x y+z");
	assert_string_equal(kv[2].value, "2");
	assert_string_equal(kv[3].key, "c");
	assert_string_equal(kv[3].value, "");
	assert_string_equal(kv[4].value, "\xc3\xa9");
	assert_string_equal(kv[5].key, "");
	assert_string_equal(kv[5].value, "v");
	assert_string_equal(kv[6].key, "e");
	assert_string_equal(kv[6].value, "=f");

	/* written back and read again: the same pairs */
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	assert_int_equal(http_query_format(&b, kv, n), RCX_OK);
	assert_string_equal(b.data, "a=1&b=x%20y%2Bz&a=2&c=&d=%C3%A9&=v&e=%3Df");
	struct http_kv *kv2;
	size_t n2;
	assert_int_equal(http_query_parse(&a, b.data, b.len, &kv2, &n2), RCX_OK);
	assert_int_equal(n2, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(kv2[i].key, kv[i].key);
		assert_string_equal(kv2[i].value, kv[i].value);
	}
	rcx_strbuf_free(&b);

	assert_int_equal(http_query_parse(&a, "", 0, &kv, &n), RCX_OK);
	assert_int_equal(n, 0);
	assert_int_equal(http_query_parse(&a, "&&&", 3, &kv, &n), RCX_OK);
	assert_int_equal(n, 0);
	const char *bad[] = {"a=%zz", "a=%4", "a=%", "%00=1", "a=%00", "a=%FF", "a=%C3"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(http_query_parse(&a, bad[i], strlen(bad[i]), &kv, &n), RCX_EPARSE);
	/* RCX_HTTP_QUERY_PARAMS_MAX pairs pass, one more does not */
	struct rcx_strbuf many = RCX_STRBUF_INIT(0);
	for (size_t i = 0; i < RCX_HTTP_QUERY_PARAMS_MAX; i++)
		rcx_strbuf_printf(&many, "%sk%zu=v", i ? "&" : "", i);
	assert_int_equal(http_query_parse(&a, many.data, many.len, &kv, &n), RCX_OK);
	assert_int_equal(n, RCX_HTTP_QUERY_PARAMS_MAX);
	rcx_strbuf_puts(&many, "&one=more");
	assert_int_equal(http_query_parse(&a, many.data, many.len, &kv, &n), RCX_ELIMIT);
	rcx_strbuf_free(&many);

	char *d;
	size_t dl;
	assert_int_equal(http_percent_decode(&a, "a+b%2b", 6, false, &d, &dl), RCX_OK);
	assert_string_equal(d, "a+b+");
	rcx_arena_free(&a);
}

static void test_cookie(void **state)
{
	(void)state;
	const char *h = "a=1; b=\"quoted\";c=;=bad; noeq ;\td = spaced\t; e=x=y; a=2; f=\"";
	struct http_cookie_iter it;
	struct http_kv kv;
	const char *want[][2] = {{"a", "1"}, {"b", "quoted"}, {"c", ""}, {"d", "spaced"},
				 {"e", "x=y"}, {"a", "2"}, {"f", "\""}};
	http_cookie_iter_init(&it, h, strlen(h));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_true(http_cookie_next(&it, &kv));
		assert_int_equal(kv.key_len, strlen(want[i][0]));
		assert_memory_equal(kv.key, want[i][0], kv.key_len);
		assert_int_equal(kv.value_len, strlen(want[i][1]));
		assert_memory_equal(kv.value, want[i][1], kv.value_len);
	}
	assert_false(http_cookie_next(&it, &kv));
	http_cookie_iter_init(&it, "", 0);
	assert_false(http_cookie_next(&it, &kv));
	http_cookie_iter_init(&it, ";;; ;", 5);
	assert_false(http_cookie_next(&it, &kv));
}

/* ---- Rate limiter (the clock is a parameter) -------------------------------------------------- */

static void test_rate(void **state)
{
	(void)state;
	struct http_rate *r;
	unsigned retry = 0;
	assert_int_equal(http_rate_new(0, 3, 64, &r), RCX_EINVAL);
	assert_int_equal(http_rate_new(1.0, 0, 64, &r), RCX_EINVAL);
	assert_int_equal(http_rate_new(1.0, 3, 64, &r), RCX_OK);
	uint64_t t = 1000000;
	for (int i = 0; i < 3; i++)
		assert_true(http_rate_take(r, "a", 1, t, &retry));
	assert_false(http_rate_take(r, "a", 1, t, &retry));
	assert_int_equal(retry, 1);
	assert_true(http_rate_take(r, "b", 1, t, &retry)); /* another key has its own bucket */
	assert_false(http_rate_take(r, "a", 1, t + 500000, &retry)); /* half a token */
	assert_int_equal(retry, 1);
	assert_true(http_rate_take(r, "a", 1, t + 1000000, &retry));
	assert_false(http_rate_take(r, "a", 1, t + 1000000, &retry));
	/* a long pause refills to burst, not beyond */
	t += 3600u * 1000000u;
	for (int i = 0; i < 3; i++)
		assert_true(http_rate_take(r, "a", 1, t, &retry));
	assert_false(http_rate_take(r, "a", 1, t, &retry));
	/* a clock seen going backwards (threads racing) neither refills nor breaks anything */
	assert_false(http_rate_take(r, "a", 1, t - 5000000, &retry));
	/* many more keys than slots: memory stays fixed and a fresh key always gets its burst */
	char key[32];
	for (unsigned i = 0; i < 20000; i++) {
		int len = snprintf(key, sizeof(key), "flood-%u", i);
		assert_true(http_rate_take(r, key, (size_t)len, t, &retry));
	}
	http_rate_free(r);

	assert_int_equal(http_rate_new(0.5, 1, 16, &r), RCX_OK);
	t = 0;
	assert_true(http_rate_take(r, "k", 1, t, &retry));
	assert_false(http_rate_take(r, "k", 1, t, &retry));
	assert_int_equal(retry, 2);
	assert_false(http_rate_take(r, "k", 1, t + 1000000, &retry));
	assert_int_equal(retry, 1);
	assert_true(http_rate_take(r, "k", 1, t + 2000000, &retry));
	http_rate_free(r);
}

/* ---- Mapping, listen addresses, configuration, static table ------------------------------------ */

static void test_status_for(void **state)
{
	(void)state;
	assert_int_equal(http_status_for(RCX_OK), 200);
	assert_int_equal(http_status_for(RCX_EINVAL), 400);
	assert_int_equal(http_status_for(RCX_EPARSE), 400);
	assert_int_equal(http_status_for(RCX_ELIMIT), 413);
	assert_int_equal(http_status_for(RCX_ENOTFOUND), 404);
	assert_int_equal(http_status_for(RCX_EEXIST), 409);
	assert_int_equal(http_status_for(RCX_EDENIED), 403);
	assert_int_equal(http_status_for(RCX_EUNSUPPORTED), 501);
	assert_int_equal(http_status_for(RCX_ENOMEM), 500);
	assert_int_equal(http_status_for(RCX_EIO), 500);
	assert_int_equal(http_status_for(RCX_ESTORE), 500);
	assert_int_equal(http_status_for(RCX_ECONFIG), 500);
	assert_int_equal(http_status_for((enum rcx_result)1000), 500);
}

static void test_listen(void **state)
{
	(void)state;
	struct rcx_ip ip;
	uint16_t port = 1;
	char buf[RCX_IP_BUF];
	assert_int_equal(http_listen_parse("127.0.0.1:8080", 14, &ip, &port), RCX_OK);
	assert_int_equal(port, 8080);
	rcx_ip_format(&ip, buf);
	assert_string_equal(buf, "127.0.0.1");
	assert_int_equal(http_listen_parse("[::1]:0", 7, &ip, &port), RCX_OK);
	assert_int_equal(port, 0);
	assert_int_equal(ip.family, 6);
	assert_int_equal(http_listen_parse("[2001:db8::1]:65535", 19, &ip, &port), RCX_OK);
	assert_int_equal(port, 65535);
	const char *bad[] = {"::1:80", "localhost:80", "1.2.3.4:65536", "1.2.3.4:", "1.2.3.4", "[1.2.3.4]:80",
			     "1.2.3.4:+80", "1.2.3.4:-0", "[::1]80", "[::1]", ":80", "1.2.3.4:8 0", "1.2.3.4:000080"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(http_listen_parse(bad[i], strlen(bad[i]), &ip, &port), RCX_OK);
}

static void test_config(void **state)
{
	(void)state;
	const char *text = "[serve]\nlisten = [::1]:8443\nthreads = 4\ntls_cert = cert.pem\ntls_key = key.pem\n"
			   "body_max = 2M\nheader_max = 32k\ntimeout = 1m\nrate_per_s = 2.5\nrate_burst = 10\n";
	struct rcx_config *ini;
	unsigned line;
	struct http_config cfg;
	const char *key = NULL;
	assert_int_equal(rcx_config_parse(text, strlen(text), &ini, &line), RCX_OK);
	assert_int_equal(http_config_from(ini, &cfg, &key), RCX_OK);
	assert_string_equal(cfg.listen, "[::1]:8443");
	assert_int_equal(cfg.threads, 4);
	assert_non_null(strstr(cfg.tls_cert_file, "cert.pem"));
	assert_non_null(strstr(cfg.tls_key_file, "key.pem"));
	assert_int_equal(cfg.body_max, 2u * 1024 * 1024);
	assert_int_equal(cfg.header_max, 32u * 1024);
	assert_int_equal(cfg.timeout_s, 60);
	assert_true(cfg.rate_per_s > 2.49 && cfg.rate_per_s < 2.51);
	assert_int_equal(cfg.rate_burst, 10);
	assert_int_equal(cfg.per_ip_max, RCX_HTTP_PER_IP_CONNECTIONS_MAX);
	rcx_config_free(ini);

	struct rcx_config *empty = rcx_config_empty();
	assert_int_equal(http_config_from(empty, &cfg, &key), RCX_OK);
	assert_string_equal(cfg.listen, "127.0.0.1:8080");
	assert_null(cfg.tls_cert_file);
	assert_int_equal(cfg.body_max, RCX_HTTP_BODY_MAX);
	rcx_config_free(empty);

	const char *bad[][2] = {{"listen = 0.0.0.0\n", "listen"},       {"threads = -1\n", "threads"},
				{"threads = 4k\n", "threads"},          {"tls_cert = c.pem\n", "tls_key"},
				{"tls_key = k.pem\n", "tls_cert"},      {"body_max = 0\n", "body_max"},
				{"body_max = 2T\n", "body_max"},        {"body_max = 2G\n", "body_max"},
				{"rate_per_s = -1\n", "rate_per_s"},    {"rate_per_s = 1e3\n", "rate_per_s"},
				{"rate_per_s = .\n", "rate_per_s"},     {"rate_burst = 0\n", "rate_burst"},
				{"timeout = soon\n", "timeout"},        {"header_max = 10\n", "header_max"},
				{"per_ip_max = many\n", "per_ip_max"}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[128];
		snprintf(buf, sizeof(buf), "[serve]\n%s", bad[i][0]);
		assert_int_equal(rcx_config_parse(buf, strlen(buf), &ini, &line), RCX_OK);
		key = NULL;
		cfg.threads = 77;
		assert_int_equal(http_config_from(ini, &cfg, &key), RCX_ECONFIG);
		assert_string_equal(key, bad[i][1]);
		assert_int_equal(cfg.threads, 77); /* untouched */
		rcx_config_free(ini);
	}
}

static void test_static_find(void **state)
{
	(void)state;
	const struct http_static_table *t = &test_http_web;
	assert_int_equal(t->n, 5); /* .hidden is skipped */
	for (size_t i = 1; i < t->n; i++)
		assert_true(strcmp(t->files[i - 1].path, t->files[i].path) < 0);
	const struct http_static_file *f = http_static_find_in(t, "/");
	assert_non_null(f);
	assert_string_equal(f->path, "/index.html");
	assert_string_equal(f->content_type, "text/html; charset=utf-8");
	assert_int_equal(f->etag[0], '"');
	assert_int_equal(f->etag[strlen(f->etag) - 1], '"');
	f = http_static_find_in(t, "/app.js");
	assert_non_null(f);
	assert_string_equal(f->content_type, "text/javascript; charset=utf-8");
	assert_int_equal(f->len, strlen("console.log(\"rcx\");\n"));
	assert_memory_equal(f->data, "console.log(\"rcx\");\n", f->len);
	f = http_static_find_in(t, "/sub/");
	assert_non_null(f);
	assert_string_equal(f->path, "/sub/index.html");
	f = http_static_find_in(t, "/empty.txt");
	assert_non_null(f);
	assert_int_equal(f->len, 0);
	assert_null(http_static_find_in(t, "/sub"));
	assert_null(http_static_find_in(t, "/.hidden"));
	assert_null(http_static_find_in(t, "/missing"));
	assert_null(http_static_find_in(t, "app.js"));
	assert_null(http_static_find_in(t, "/app.js/"));
	assert_null(http_static_find_in(t, ""));
	/* the table from web_dir exists (it may be empty) */
	assert_true(http_static_web.n == 0 || http_static_web.files != NULL);
}

/* ---- A tiny HTTP/1.1 client -------------------------------------------------------------------- */

struct reply {
	int status;  /* 0: the server closed the connection without an answer */
	char *head;  /* status line and headers */
	char *body;  /* de-chunked */
	size_t body_len;
};

static int connect_to(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct timeval tv = {20, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

/* Sends everything it can; false when the server closed first. */
static bool send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t k = send(fd, c, n, MSG_NOSIGNAL);
		if (k <= 0)
			return false;
		c += k;
		n -= (size_t)k;
	}
	return true;
}

static char *read_all(int fd, size_t *ret_len)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap + 1);
	for (;;) {
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
		ssize_t k = recv(fd, buf + len, cap - len, 0);
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

static size_t hexval_of(const char *p, const char **ret_end)
{
	size_t v = 0;
	for (;; p++) {
		int d = (*p >= '0' && *p <= '9') ? *p - '0' : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
			: (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10 : -1;
		if (d < 0)
			break;
		v = v * 16 + (size_t)d;
	}
	*ret_end = p;
	return v;
}

static struct reply parse_reply(char *raw, size_t len)
{
	struct reply r = {0};
	char *end = strstr(raw, "\r\n\r\n");
	if (len < 12 || strncmp(raw, "HTTP/1.", 7) != 0 || !end) {
		r.head = strdup("");
		r.body = strdup("");
		free(raw);
		return r;
	}
	for (int i = 9; i < 12 && raw[i] >= '0' && raw[i] <= '9'; i++)
		r.status = r.status * 10 + (raw[i] - '0');
	r.head = strndup(raw, (size_t)(end - raw) + 2);
	const char *p = end + 4, *stop = raw + len;
	r.body = malloc(len + 1);
	if (strcasestr(r.head, "\r\nTransfer-Encoding: chunked\r\n")) {
		for (;;) {
			const char *e;
			size_t n = hexval_of(p, &e);
			const char *crlf = strstr(e, "\r\n");
			assert_non_null(crlf);
			p = crlf + 2;
			if (n == 0)
				break;
			assert_true(p + n + 2 <= stop);
			memcpy(r.body + r.body_len, p, n);
			r.body_len += n;
			p += n + 2;
		}
	} else {
		r.body_len = (size_t)(stop - p);
		memcpy(r.body, p, r.body_len);
	}
	r.body[r.body_len] = '\0';
	free(raw);
	return r;
}

static void reply_free(struct reply *r)
{
	free(r->head);
	free(r->body);
}

/* One request on a fresh connection (Connection: close is added after extra_headers). */
static struct reply request(uint16_t port, const char *method, const char *target, const char *extra_headers,
			    const void *body, size_t body_len)
{
	int fd = connect_to(port);
	char head[16384];
	int n = snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n", method,
			 target, extra_headers ? extra_headers : "");
	assert_true(n > 0 && (size_t)n < sizeof(head) - 64);
	if (body)
		n += snprintf(head + n, sizeof(head) - (size_t)n, "Content-Length: %zu\r\n", body_len);
	n += snprintf(head + n, sizeof(head) - (size_t)n, "\r\n");
	if (send_all(fd, head, (size_t)n) && body)
		send_all(fd, body, body_len);
	size_t len;
	char *raw = read_all(fd, &len);
	close(fd);
	return parse_reply(raw, len);
}

/* Value of a response header (first), malloc'd, or NULL. */
static char *header_of(const struct reply *r, const char *name)
{
	size_t nlen = strlen(name);
	for (const char *p = strstr(r->head, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
		const char *line = p + 2;
		if (!strncasecmp(line, name, nlen) && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			while (*v == ' ')
				v++;
			return strndup(v, strcspn(v, "\r"));
		}
	}
	return NULL;
}

static void assert_header(const struct reply *r, const char *name, const char *want)
{
	char *v = header_of(r, name);
	if (!v)
		fail_msg("no %s header in:\n%s", name, r->head);
	assert_string_equal(v, want);
	free(v);
}

static void assert_security_headers(const struct reply *r)
{
	assert_header(r, "X-Content-Type-Options", "nosniff");
	assert_header(r, "Referrer-Policy", "no-referrer");
	assert_header(r, "X-Frame-Options", "DENY");
	char *csp = header_of(r, "Content-Security-Policy");
	assert_non_null(csp);
	assert_non_null(strstr(csp, "default-src 'self'"));
	free(csp);
}

/* {"error":{"code":code,...}} */
static void assert_error_body(const struct reply *r, const char *code)
{
	json_error_t err;
	json_t *j = json_loadb(r->body, r->body_len, 0, &err);
	if (!j)
		fail_msg("not JSON: %s", r->body);
	const char *c = NULL, *m = NULL;
	assert_int_equal(json_unpack(j, "{s:{s:s,s:s}}", "error", "code", &c, "message", &m), 0);
	assert_string_equal(c, code);
	assert_true(strlen(m) > 0);
	json_decref(j);
}

/* ---- The application of the server tests -------------------------------------------------------- */

#define ROUTE_AUTH HTTP_ROUTE_APP

/* Handlers run on the server's threads, where cmocka's asserts must not jump: they count instead. */
static atomic_uint handler_failures;
#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			atomic_fetch_add(&handler_failures, 1); \
		} \
	} while (0)

struct app {
	atomic_uint logged;
	atomic_uint streams_made;
	atomic_uint streams_freed;
	atomic_uint before_calls;
};

static enum rcx_result h_hello(struct http_request *req)
{
	return http_respond_json(req, 200, json_pack("{s:s}", "hello", "world"));
}

static enum rcx_result h_item(struct http_request *req)
{
	size_t n;
	const char **tags = http_query_all(req, "tag", &n);
	json_t *t = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(t, json_string(tags[i]));
	CHECK(tags[n] == NULL);
	CHECK(http_header_add(req, "X-Extra", "one") == RCX_OK);
	CHECK(http_header_add(req, "X-Bad", "a\r\nInjected: yes") == RCX_EINVAL);
	return http_respond_json(req, 200,
				 json_pack("{s:s,s:s?,s:o,s:s?,s:s?,s:s,s:s,s:s}", "id", http_param(req, "id"), "q",
					   http_query(req, "q"), "tags", t, "cookie", http_cookie(req, "rcx_session"),
					   "hdr", http_header(req, "X-Test"), "client", req->client, "path", req->path,
					   "raw_path", req->raw_path));
}

static enum rcx_result h_echo(struct http_request *req)
{
	CHECK(req->body[req->body_len] == '\0');
	return http_respond_bytes(req, 200, NULL, req->body, req->body_len);
}

static enum rcx_result h_fail(struct http_request *req)
{
	(void)req;
	return RCX_EEXIST; /* no response: the server answers 409 */
}

static enum rcx_result h_twice(struct http_request *req)
{
	CHECK(http_respond_text(req, 201, NULL, "first", 5) == RCX_OK);
	CHECK(http_respond_json(req, 200, json_object()) == RCX_EINVAL);
	return RCX_OK;
}

static enum rcx_result h_private(struct http_request *req)
{
	CHECK(req->auth && !strcmp(req->auth, "good"));
	CHECK(http_header_add(req, "Cache-Control", "private, max-age=5") == RCX_OK);
	return http_respond_text(req, 200, "text/plain", "secret", 6);
}

#define STREAM_LINES 1000000u /* 9 MB of "%08u\n" */

struct gen {
	struct app *app;
	unsigned next;
	unsigned end;
};

static enum http_stream_state gen_produce(void *ctx, struct rcx_strbuf *out)
{
	struct gen *g = ctx;
	CHECK(out->len == 0);
	for (unsigned k = 0; k < 997 && g->next < g->end; k++, g->next++)
		if (rcx_strbuf_printf(out, "%08u\n", g->next) != RCX_OK)
			return HTTP_STREAM_ERROR;
	return g->next < g->end ? HTTP_STREAM_MORE : HTTP_STREAM_DONE;
}

static void gen_free(void *ctx)
{
	struct gen *g = ctx;
	atomic_fetch_add(&g->app->streams_freed, 1);
	g->end = 0; /* the arena is still alive: ASan would catch it otherwise */
}

static enum rcx_result h_stream(struct http_request *req)
{
	struct app *a = req->app;
	/* ctx in the request arena: it must outlive the stream, even when the client leaves early */
	struct gen *g = rcx_arena_alloc(&req->arena, sizeof(*g));
	*g = (struct gen){a, 0, STREAM_LINES};
	atomic_fetch_add(&a->streams_made, 1);
	return http_respond_stream(req, 200, "text/plain", gen_produce, g, gen_free);
}

static enum http_stream_state fail_produce(void *ctx, struct rcx_strbuf *out)
{
	unsigned *calls = ctx;
	if ((*calls)++ == 0)
		return rcx_strbuf_puts(out, "partial\n") == RCX_OK ? HTTP_STREAM_MORE : HTTP_STREAM_ERROR;
	return HTTP_STREAM_ERROR;
}

static enum rcx_result h_stream_fail(struct http_request *req)
{
	unsigned *calls = calloc(1, sizeof(*calls));
	return http_respond_stream(req, 200, "text/plain", fail_produce, calls, free);
}

static enum rcx_result h_health(struct http_request *req)
{
	return http_respond_text(req, 200, NULL, "ok", 2);
}

static enum rcx_result before(struct http_request *req)
{
	struct app *a = req->app;
	atomic_fetch_add(&a->before_calls, 1);
	if (req->route && (req->route->flags & ROUTE_AUTH)) {
		const char *h = http_header(req, "Authorization");
		if (!h || strcmp(h, "Bearer good") != 0) {
			http_respond_unauthorized(req, "Bearer", "token required");
			return RCX_EDENIED;
		}
		req->auth = "good";
		req->rate_key = "key:good";
	}
	return RCX_OK;
}

static enum rcx_result fallback(struct http_request *req)
{
	CHECK(req->route == NULL);
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
		return RCX_ENOTFOUND;
	const struct http_static_file *f = http_static_find_in(&test_http_web, req->path);
	return f ? http_respond_static(req, f) : RCX_ENOTFOUND;
}

static void log_hook(void *app, const struct http_request *req, unsigned status, uint64_t usec)
{
	(void)usec;
	(void)req;
	(void)status;
	atomic_fetch_add(&((struct app *)app)->logged, 1);
}

static void error_hook(void *app, const char *message)
{
	(void)app;
	(void)message; /* MHD reports client misbehaviour the tests provoke; nothing to check */
}

static const struct http_route server_routes[] = {
	{"GET", "/hello", h_hello, 0},
	{"GET", "/items/{id}", h_item, 0},
	{"POST", "/echo", h_echo, 0},
	{"GET", "/fail", h_fail, 0},
	{"GET", "/none", h_dummy, 0},
	{"GET", "/twice", h_twice, 0},
	{"GET", "/private", h_private, ROUTE_AUTH},
	{"GET", "/stream", h_stream, 0},
	{"GET", "/stream-fail", h_stream_fail, 0},
	{"GET", "/health", h_health, HTTP_ROUTE_NO_RATE},
};
#define NSERVER (sizeof(server_routes) / sizeof(server_routes[0]))

static const struct http_app_hooks hooks = {before, fallback, log_hook, error_hook};

static struct http_server *start(struct app *a, const struct http_config *cfg)
{
	struct http_server *s = NULL;
	assert_int_equal(http_server_start(cfg, server_routes, NSERVER, &hooks, a, &s), RCX_OK);
	assert_non_null(s);
	assert_int_not_equal(http_server_port(s), 0);
	return s;
}

static void test_config_start(struct http_config *cfg)
{
	http_config_init(cfg);
	cfg->listen = "127.0.0.1:0";
	cfg->threads = 2;
	cfg->body_max = 64 * 1024;
	cfg->rate_per_s = 0;
}

static void test_server(void **state)
{
	(void)state;
	struct app a = {0};
	struct http_config cfg;
	test_config_start(&cfg);
	struct http_server *s = start(&a, &cfg);
	uint16_t port = http_server_port(s);
	struct reply r;

	/* JSON with the security headers */
	r = request(port, "GET", "/hello", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"hello\":\"world\"}");
	assert_header(&r, "Content-Type", "application/json");
	assert_header(&r, "Cache-Control", "no-store");
	assert_security_headers(&r);
	assert_null(header_of(&r, "Strict-Transport-Security"));
	reply_free(&r);

	/* HEAD: the GET route without the body */
	r = request(port, "HEAD", "/hello", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 0);
	reply_free(&r);

	/* captures, query, repeated keys, cookies, headers, an added header */
	r = request(port, "GET", "/items/a%2Fb%20c?q=x+y&tag=1&tag=%C3%A9&other",
		    "Cookie: theme=dark; rcx_session=\"s3cr3t\"\r\nX-Test: yes\r\n", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"id\":\"a/b c\",\"q\":\"x y\",\"tags\":[\"1\",\"\xc3\xa9\"],\"cookie\":\"s3cr3t\","
				    "\"hdr\":\"yes\",\"client\":\"127.0.0.1\",\"path\":\"/items/a/b c\","
				    "\"raw_path\":\"/items/a%2Fb%20c\"}");
	assert_header(&r, "X-Extra", "one");
	assert_null(header_of(&r, "Injected"));
	reply_free(&r);
	r = request(port, "GET", "/items/7", NULL, NULL, 0);
	assert_string_equal(r.body, "{\"id\":\"7\",\"q\":null,\"tags\":[],\"cookie\":null,\"hdr\":null,"
				    "\"client\":\"127.0.0.1\",\"path\":\"/items/7\",\"raw_path\":\"/items/7\"}");
	reply_free(&r);

	/* 404 (the fallback found no file), 405 with Allow, 400 for malformed paths and queries */
	r = request(port, "GET", "/nope", NULL, NULL, 0);
	assert_int_equal(r.status, 404);
	assert_error_body(&r, "not_found");
	assert_security_headers(&r);
	reply_free(&r);
	r = request(port, "DELETE", "/hello", NULL, NULL, 0);
	assert_int_equal(r.status, 405);
	assert_header(&r, "Allow", "GET, HEAD");
	assert_error_body(&r, "method_not_allowed");
	reply_free(&r);
	r = request(port, "POST", "/nope", NULL, "x", 1); /* the fallback declines non-GET */
	assert_int_equal(r.status, 404);
	reply_free(&r);
	r = request(port, "GET", "/items/%zz", NULL, NULL, 0);
	assert_int_equal(r.status, 400);
	assert_error_body(&r, "parse_error");
	reply_free(&r);
	r = request(port, "GET", "/hello?a=%FF", NULL, NULL, 0);
	assert_int_equal(r.status, 400);
	reply_free(&r);

	/* a handler's error without a response, no response at all, two responses */
	r = request(port, "GET", "/fail", NULL, NULL, 0);
	assert_int_equal(r.status, 409);
	assert_error_body(&r, "already_exists");
	reply_free(&r);
	r = request(port, "GET", "/none", NULL, NULL, 0);
	assert_int_equal(r.status, 500);
	assert_error_body(&r, "internal_error");
	reply_free(&r);
	r = request(port, "GET", "/twice", NULL, NULL, 0);
	assert_int_equal(r.status, 201);
	assert_string_equal(r.body, "first");
	reply_free(&r);

	/* before(): 401 with a challenge, then through; the handler's own Cache-Control wins */
	r = request(port, "GET", "/private", NULL, NULL, 0);
	assert_int_equal(r.status, 401);
	assert_header(&r, "WWW-Authenticate", "Bearer");
	assert_error_body(&r, "unauthenticated");
	reply_free(&r);
	r = request(port, "GET", "/private", "Authorization: Bearer good\r\n", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "secret");
	assert_header(&r, "Cache-Control", "private, max-age=5");
	reply_free(&r);

	/* bodies: echoed within body_max, 413 JSON above it before anything runs */
	char *big = malloc(200 * 1024);
	for (size_t i = 0; i < 200 * 1024; i++)
		big[i] = (char)('a' + i % 26);
	r = request(port, "POST", "/echo", NULL, big, 64 * 1024);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 64 * 1024);
	assert_memory_equal(r.body, big, 64 * 1024);
	assert_header(&r, "Content-Type", "application/octet-stream");
	reply_free(&r);
	unsigned before_calls = atomic_load(&a.before_calls);
	r = request(port, "POST", "/echo", NULL, big, 64 * 1024 + 1);
	assert_int_equal(r.status, 413);
	assert_error_body(&r, "limit_exceeded");
	assert_security_headers(&r);
	reply_free(&r);
	assert_int_equal(atomic_load(&a.before_calls), before_calls);
	/* chunked past body_max: the connection is closed (no answer can be queued mid-upload) */
	{
		int fd = connect_to(port);
		const char *h = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
		send_all(fd, h, strlen(h));
		for (int i = 0; i < 4; i++) {
			char line[32];
			int n = snprintf(line, sizeof(line), "%x\r\n", 50 * 1024);
			if (!send_all(fd, line, (size_t)n) || !send_all(fd, big, 50 * 1024) || !send_all(fd, "\r\n", 2))
				break;
		}
		send_all(fd, "0\r\n\r\n", 5);
		size_t len;
		char *raw = read_all(fd, &len);
		close(fd);
		r = parse_reply(raw, len);
		assert_true(r.status == 0 || r.status == 413);
		reply_free(&r);
	}
	/* a small chunked body is fine */
	{
		int fd = connect_to(port);
		const char *h = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
				"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
		send_all(fd, h, strlen(h));
		size_t len;
		char *raw = read_all(fd, &len);
		close(fd);
		r = parse_reply(raw, len);
		assert_int_equal(r.status, 200);
		assert_string_equal(r.body, "hello world");
		reply_free(&r);
	}
	free(big);

	/* a request target over RCX_HTTP_URL_MAX: 414 */
	char *longq = malloc(RCX_HTTP_URL_MAX + 64);
	strcpy(longq, "/hello?x=");
	memset(longq + 9, 'a', RCX_HTTP_URL_MAX);
	longq[9 + RCX_HTTP_URL_MAX] = '\0';
	r = request(port, "GET", longq, NULL, NULL, 0);
	assert_true(r.status == 414);
	reply_free(&r);
	free(longq);
	/* headers over header_max: refused by MHD (431, or closed) */
	{
		char *hdr = malloc(3 * RCX_HTTP_HEADER_MAX);
		strcpy(hdr, "X-Big: ");
		memset(hdr + 7, 'b', 3 * RCX_HTTP_HEADER_MAX - 10);
		strcpy(hdr + 3 * RCX_HTTP_HEADER_MAX - 3, "\r\n");
		int fd = connect_to(port);
		char line[] = "GET /hello HTTP/1.1\r\nHost: x\r\n";
		send_all(fd, line, strlen(line));
		send_all(fd, hdr, strlen(hdr));
		send_all(fd, "\r\n", 2);
		size_t len;
		char *raw = read_all(fd, &len);
		close(fd);
		r = parse_reply(raw, len);
		assert_true(r.status == 0 || r.status == 431);
		reply_free(&r);
		free(hdr);
	}

	/* static files: "/" is index.html, ETag, 304 on If-None-Match */
	r = request(port, "GET", "/", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Content-Type", "text/html; charset=utf-8");
	assert_header(&r, "Cache-Control", "no-cache");
	assert_security_headers(&r);
	const struct http_static_file *index = http_static_find_in(&test_http_web, "/index.html");
	assert_int_equal(r.body_len, index->len);
	assert_memory_equal(r.body, index->data, index->len);
	char *etag = header_of(&r, "ETag");
	assert_non_null(etag);
	assert_string_equal(etag, index->etag);
	reply_free(&r);
	char inm[256];
	snprintf(inm, sizeof(inm), "If-None-Match: \"other\", W/%s\r\n", etag);
	r = request(port, "GET", "/index.html", inm, NULL, 0);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body_len, 0);
	assert_header(&r, "ETag", etag);
	reply_free(&r);
	r = request(port, "GET", "/index.html", "If-None-Match: \"other\"\r\n", NULL, 0);
	assert_int_equal(r.status, 200);
	reply_free(&r);
	free(etag);
	r = request(port, "HEAD", "/app.js", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 0);
	assert_header(&r, "Content-Type", "text/javascript; charset=utf-8");
	reply_free(&r);

	/* a streamed response of several MB arrives complete and in order */
	r = request(port, "GET", "/stream", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Transfer-Encoding", "chunked");
	assert_int_equal(r.body_len, (size_t)STREAM_LINES * 9);
	for (unsigned i = 0; i < STREAM_LINES; i += 1) {
		char want[10];
		snprintf(want, sizeof(want), "%08u\n", i);
		if (memcmp(r.body + (size_t)i * 9, want, 9) != 0)
			fail_msg("line %u differs", i);
	}
	reply_free(&r);
	/* the client leaves in the middle: ctx is freed exactly once all the same */
	{
		int fd = connect_to(port);
		const char *h = "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n";
		send_all(fd, h, strlen(h));
		char buf[4096];
		ssize_t got = recv(fd, buf, sizeof(buf), MSG_WAITALL);
		assert_true(got > 0);
		close(fd);
	}
	/* HEAD of a stream: nothing produced, still freed */
	r = request(port, "HEAD", "/stream", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 0);
	reply_free(&r);
	/* a producer error: the body is cut short (no final chunk) */
	{
		int fd = connect_to(port);
		const char *h = "GET /stream-fail HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
		send_all(fd, h, strlen(h));
		size_t len;
		char *raw = read_all(fd, &len);
		close(fd);
		assert_non_null(strstr(raw, "partial\n"));
		assert_null(strstr(raw, "\r\n0\r\n\r\n"));
		free(raw);
	}
	/* keep-alive: two requests on one connection */
	{
		int fd = connect_to(port);
		const char *h = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
		send_all(fd, h, strlen(h));
		size_t len;
		char *raw = read_all(fd, &len);
		close(fd);
		assert_non_null(strstr(raw, "{\"hello\":\"world\"}"));
		assert_non_null(strstr(raw, "\r\n\r\nok"));
		free(raw);
	}

	http_server_stop(s);
	assert_int_equal(atomic_load(&a.streams_made), 3);
	assert_int_equal(atomic_load(&a.streams_freed), 3);
	assert_true(atomic_load(&a.logged) >= 25);
	assert_int_equal(atomic_load(&handler_failures), 0);
}

static void test_server_rate(void **state)
{
	(void)state;
	struct app a = {0};
	struct http_config cfg;
	test_config_start(&cfg);
	cfg.rate_per_s = 0.01; /* one token per 100 s: nothing refills during the test */
	cfg.rate_burst = 3;
	struct http_server *s = start(&a, &cfg);
	uint16_t port = http_server_port(s);
	struct reply r;
	for (int i = 0; i < 3; i++) {
		r = request(port, "GET", "/hello", NULL, NULL, 0);
		assert_int_equal(r.status, 200);
		reply_free(&r);
	}
	r = request(port, "GET", "/hello", NULL, NULL, 0);
	assert_int_equal(r.status, 429);
	assert_error_body(&r, "rate_limited");
	assert_header(&r, "Retry-After", "100");
	assert_security_headers(&r);
	reply_free(&r);
	r = request(port, "GET", "/nope", NULL, NULL, 0); /* 404s are counted too */
	assert_int_equal(r.status, 429);
	reply_free(&r);
	r = request(port, "GET", "/health", NULL, NULL, 0); /* HTTP_ROUTE_NO_RATE */
	assert_int_equal(r.status, 200);
	reply_free(&r);
	/* the key before() sets has its own bucket; a 401 from before() is replaced by 429 */
	r = request(port, "GET", "/private", "Authorization: Bearer good\r\n", NULL, 0);
	assert_int_equal(r.status, 200);
	reply_free(&r);
	r = request(port, "GET", "/private", NULL, NULL, 0);
	assert_int_equal(r.status, 429);
	reply_free(&r);
	http_server_stop(s);
}

static void test_server_start_errors(void **state)
{
	(void)state;
	struct app a = {0};
	struct http_config cfg;
	struct http_server *s = NULL;
	test_config_start(&cfg);
	cfg.listen = "0.0.0.0";
	assert_int_equal(http_server_start(&cfg, server_routes, NSERVER, &hooks, &a, &s), RCX_ECONFIG);
	test_config_start(&cfg);
	cfg.tls_cert_file = "cert.pem";
	assert_int_equal(http_server_start(&cfg, server_routes, NSERVER, &hooks, &a, &s), RCX_ECONFIG);
	cfg.tls_key_file = "/nonexistent/key.pem";
	cfg.tls_cert_file = "/nonexistent/cert.pem";
	assert_int_equal(http_server_start(&cfg, server_routes, NSERVER, &hooks, &a, &s), RCX_EIO);
	struct http_route bad[] = {{"GET", "nope", h_dummy, 0}};
	test_config_start(&cfg);
	assert_int_equal(http_server_start(&cfg, bad, 1, &hooks, &a, &s), RCX_ECONFIG);
	/* the port is taken */
	struct http_server *first = start(&a, &cfg);
	char listen[32];
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", http_server_port(first));
	cfg.listen = listen;
	assert_int_equal(http_server_start(&cfg, server_routes, NSERVER, &hooks, &a, &s), RCX_EIO);
	assert_null(s);
	http_server_stop(first);
	/* IPv6 loopback, single thread, no hooks at all */
	test_config_start(&cfg);
	cfg.listen = "[::1]:0";
	cfg.threads = 1;
	if (http_server_start(&cfg, server_routes, NSERVER, NULL, &a, &s) == RCX_OK) /* no IPv6: skip */
		http_server_stop(s);
}

static void test_server_tls(void **state)
{
	(void)state;
	const char *root = getenv("RCX_SOURCE_ROOT");
	if (!root || access("/usr/bin/curl", X_OK) != 0)
		skip();
	char cert[4096], key[4096], cmd[8192];
	snprintf(cert, sizeof(cert), "%s/tests/unit/data/http_tls/cert.pem", root);
	snprintf(key, sizeof(key), "%s/tests/unit/data/http_tls/key.pem", root);
	struct app a = {0};
	struct http_config cfg;
	test_config_start(&cfg);
	cfg.tls_cert_file = cert;
	cfg.tls_key_file = key;
	struct http_server *s = start(&a, &cfg);
	snprintf(cmd, sizeof(cmd), "curl -sS -k -i --noproxy '*' --max-time 20 https://127.0.0.1:%u/hello 2>&1",
		 http_server_port(s));
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char out[8192];
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	if (!strstr(out, "{\"hello\":\"world\"}") || !strcasestr(out, "Strict-Transport-Security: max-age="))
		fail_msg("curl said:\n%s", out);
	/* plain HTTP to the TLS port gets no HTTP answer */
	struct reply r = request(http_server_port(s), "GET", "/hello", NULL, NULL, 0);
	assert_int_equal(r.status, 0);
	reply_free(&r);
	http_server_stop(s);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_match),  cmocka_unit_test(test_routes_check),
		cmocka_unit_test(test_query),        cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_rate),         cmocka_unit_test(test_status_for),
		cmocka_unit_test(test_listen),       cmocka_unit_test(test_config),
		cmocka_unit_test(test_static_find),  cmocka_unit_test(test_server),
		cmocka_unit_test(test_server_rate),  cmocka_unit_test(test_server_start_errors),
		cmocka_unit_test(test_server_tls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
