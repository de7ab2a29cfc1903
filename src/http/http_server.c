/* The server: an MHD daemon with a thread pool, and the path of one request through it.
 *
 * MHD calls us three ways per request, all on the connection's worker thread:
 *   on_uri        request line read: allocate the struct http_conn, keep the raw request target
 *                 (MHD would decode the path itself, merging "%2F" into '/', and split the query
 *                 with its own parser; we keep one parser of each, the fuzzed ones)
 *   on_request    first with the headers (Content-Length over body_max: 413 at once), then once per
 *                 piece of body (appended, bounded), then a last time: dispatch()
 *   on_completed  the exchange is over, answered or not: access log, drop our reference
 * A chunked body that grows past body_max cannot be answered mid-upload (MHD takes a response
 * only between the body's pieces), so that connection is closed without an answer. */
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/text.h"
#include "http/http_internal.h"

uint64_t http_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void http_conn_release(struct http_conn *c)
{
	if (atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	free(c->uri);
	rcx_strbuf_free(&c->body);
	rcx_arena_free(&c->req.arena);
	free(c);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mhd)
{
	struct http_server *s = cls;
	struct http_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	size_t len = uri ? strnlen(uri, RCX_HTTP_URL_MAX + 1) : 0;
	c->uri = malloc(len + 1);
	if (!c->uri) {
		free(c);
		return NULL;
	}
	if (len)
		memcpy(c->uri, uri, len);
	c->uri[len] = '\0';
	c->server = s;
	c->mhd = mhd;
	atomic_init(&c->refs, 1);
	c->start_us = http_now_us();
	c->body = (struct rcx_strbuf)RCX_STRBUF_INIT(s->cfg.body_max);
	c->req.app = s->app;
	c->req.raw_path = c->req.raw_query = c->req.body = c->req.path = "";
	return c;
}

static void on_completed(void *cls, struct MHD_Connection *mhd, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)mhd;
	struct http_server *s = cls;
	struct http_conn *c = *con_cls;
	if (!c)
		return;
	*con_cls = NULL;
	c->aborted = toe != MHD_REQUEST_TERMINATED_COMPLETED_OK;
	if (s->hooks.log && c->started)
		s->hooks.log(s->app, &c->req, c->status, http_now_us() - c->start_us);
	if (c->resp)
		MHD_destroy_response(c->resp); /* ours; MHD holds its own while sending */
	c->resp = NULL;
	http_conn_release(c);
}

/* The client address as text and as a rate-limiter key (IPv6 per /64: one subscriber's prefix). */
static void client_address(struct http_conn *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c->mhd, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct rcx_ip ip = {0};
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ci->client_addr;
		ip.family = 4;
		memcpy(ip.addr, &sin->sin_addr, 4);
	} else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ci->client_addr;
		ip.family = 6;
		memcpy(ip.addr, &sin6->sin6_addr, 16);
	}
	char buf[RCX_IP_BUF];
	c->req.client = ip.family ? rcx_arena_strndup(&c->req.arena, buf, rcx_ip_format(&ip, buf)) : "unknown";
	c->addr_key[0] = 'a';
	c->addr_key[1] = ip.family;
	size_t n = ip.family == 6 ? 8 : 4;
	memcpy(c->addr_key + 2, ip.addr, n);
	c->addr_keylen = 2 + n;
}

/* Whether the request may go on; answers 429 (replacing what before() may have answered) if not. */
static bool rate_ok(struct http_server *s, struct http_conn *c)
{
	if (!s->rate || (c->req.route && (c->req.route->flags & HTTP_ROUTE_NO_RATE)))
		return true;
	size_t keylen = c->addr_keylen;
	const void *key = c->addr_key;
	char *app_key = NULL;
	if (c->req.rate_key) {
		/* 'k' + the application's key: never equal to an address key ('a' + family + bytes) */
		keylen = strlen(c->req.rate_key) + 1;
		app_key = rcx_arena_alloc(&c->req.arena, keylen);
		app_key[0] = 'k';
		memcpy(app_key + 1, c->req.rate_key, keylen - 1);
		key = app_key;
	}
	unsigned retry;
	if (http_rate_take(s->rate, key, keylen, http_now_us(), &retry))
		return true;
	if (c->resp)
		MHD_destroy_response(c->resp);
	c->resp = NULL;
	c->nheaders = 0;
	c->has_cache_control = false;
	http_respond_rate_limited(&c->req, retry);
	return false;
}

/* Runs the request once its body is in; the answer is left in c->resp (or the result says why not). */
static enum rcx_result dispatch(struct http_server *s, struct http_conn *c)
{
	struct http_request *req = &c->req;
	if (strlen(c->uri) > RCX_HTTP_URL_MAX)
		return http_respond_problem(req, 414, "limit_exceeded", "request target too long");
	size_t plen = strlen(req->raw_path);
	char *path;
	size_t path_len;
	if (http_percent_decode(&req->arena, req->raw_path, plen, false, &path, &path_len) != RCX_OK)
		return http_respond_problem(req, 400, rcx_result_code(RCX_EPARSE), "malformed path");
	req->path = path;
	enum rcx_result r =
		http_query_parse(&req->arena, req->raw_query, strlen(req->raw_query), &req->query, &req->nquery);
	if (r == RCX_ELIMIT)
		return http_respond_problem(req, 414, rcx_result_code(r), "too many query parameters");
	if (r != RCX_OK)
		return http_respond_problem(req, 400, rcx_result_code(RCX_EPARSE), "malformed query string");

	struct http_match m;
	enum http_match_result mr = http_route_match(s->routes, s->nroutes, req->method, req->raw_path, plen,
						     &req->arena, &m);
	if (mr == HTTP_MATCH_BAD_PATH)
		return http_respond_problem(req, 400, rcx_result_code(RCX_EPARSE), "malformed path");
	if (mr == HTTP_MATCH_OK) {
		req->route = &s->routes[m.route];
		req->ncaptures = m.ncaptures;
		req->captures = rcx_arena_alloc(&req->arena, sizeof(m.captures));
		memcpy(req->captures, m.captures, sizeof(m.captures));
	}

	enum rcx_result before = s->hooks.before ? s->hooks.before(req) : RCX_OK;
	if (!rate_ok(s, c))
		return RCX_OK;
	if (before != RCX_OK || c->resp)
		return before;
	switch (mr) {
	case HTTP_MATCH_OK:
		return req->route->handler(req);
	case HTTP_MATCH_METHOD:
		return http_respond_method(req, m.allow);
	case HTTP_MATCH_NOT_FOUND:
	case HTTP_MATCH_BAD_PATH:
	case HTTP_MATCH_MAX:
		break;
	}
	if (s->hooks.fallback) {
		r = s->hooks.fallback(req);
		if (r != RCX_ENOTFOUND || c->resp)
			return r;
	}
	return http_respond_problem(req, 404, rcx_result_code(RCX_ENOTFOUND), "no such resource");
}

static enum MHD_Result queue(struct http_conn *c)
{
	return MHD_queue_response(c->mhd, c->status, c->resp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mhd, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)url;
	(void)version;
	struct http_server *s = cls;
	struct http_conn *c = *con_cls;
	if (!c)
		return MHD_NO; /* on_uri could not allocate: drop the connection */

	if (!c->started) {
		c->started = true;
		c->req.method = rcx_arena_strdup(&c->req.arena, method);
		/* split now, so that even a request refused before dispatch() is logged with its path */
		size_t plen = strcspn(c->uri, "?#");
		c->req.raw_path = rcx_arena_strndup(&c->req.arena, c->uri, plen);
		if (c->uri[plen] == '?') {
			const char *q = c->uri + plen + 1;
			c->req.raw_query = rcx_arena_strndup(&c->req.arena, q, strcspn(q, "#"));
		}
		client_address(c);
		const char *cl = MHD_lookup_connection_value(mhd, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t n;
		if (cl && rcx_parse_i64(cl, strlen(cl), &n) == RCX_OK && n > 0 && (uint64_t)n > s->cfg.body_max) {
			if (http_respond_problem(&c->req, 413, rcx_result_code(RCX_ELIMIT), "request body too large") !=
			    RCX_OK)
				return MHD_NO;
			return queue(c); /* MHD discards the body and closes the connection */
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (rcx_strbuf_append(&c->body, upload_data, *upload_data_size) != RCX_OK) {
			return MHD_NO; /* chunked body past body_max: close, see the top of the file */
		}
		*upload_data_size = 0;
		return MHD_YES;
	}

	c->req.body = c->body.data ? c->body.data : "";
	c->req.body_len = c->body.len;
	enum rcx_result r = dispatch(s, c);
	if (!c->resp) {
		if (r != RCX_OK)
			http_respond_error(&c->req, r, NULL);
		else
			http_respond_problem(&c->req, 500, "internal_error", "the handler gave no response");
	}
	if (!c->resp)
		return MHD_NO; /* out of memory even for the error */
	return queue(c);
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_server *s = cls;
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	s->hooks.error(s->app, buf);
}

/* ---- Lifecycle ------------------------------------------------------------------------------ */

static enum rcx_result read_file(const char *path, char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return RCX_EIO;
	struct rcx_strbuf b = RCX_STRBUF_INIT(RCX_HTTP_TLS_FILE_MAX);
	enum rcx_result r = RCX_OK;
	char chunk[4096];
	size_t n;
	while (r == RCX_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		r = rcx_strbuf_append(&b, chunk, n);
	if (r == RCX_OK && ferror(f))
		r = RCX_EIO;
	fclose(f);
	sodium_memzero(chunk, sizeof(chunk));
	if (r == RCX_OK && b.len == 0)
		r = RCX_ECONFIG;
	if (r != RCX_OK) {
		if (b.data)
			sodium_memzero(b.data, b.cap);
		rcx_strbuf_free(&b);
		return r;
	}
	*ret_len = b.len;
	*ret = rcx_strbuf_steal(&b);
	return RCX_OK;
}

static void server_free(struct http_server *s)
{
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	http_rate_free(s->rate);
	free(s->tls_cert);
	if (s->tls_key)
		sodium_memzero(s->tls_key, s->tls_key_len);
	free(s->tls_key);
	free(s);
}

enum rcx_result http_server_start(const struct http_config *cfg, const struct http_route *routes, size_t n,
				  const struct http_app_hooks *hooks, void *app, struct http_server **ret_server)
{
	struct http_config defaults;
	http_config_init(&defaults);
	size_t bad;
	struct rcx_ip ip;
	uint16_t port;
	const char *listen = cfg->listen ? cfg->listen : defaults.listen;
	if (http_routes_check(routes, n, &bad) != RCX_OK ||
	    http_listen_parse(listen, strlen(listen), &ip, &port) != RCX_OK ||
	    !cfg->tls_cert_file != !cfg->tls_key_file || !(cfg->rate_per_s >= 0 && cfg->rate_per_s <= 1e6) ||
	    cfg->body_max > RCX_HTTP_BODY_LIMIT || cfg->header_max > 1024u * 1024u)
		return RCX_ECONFIG;

	struct http_server *s = calloc(1, sizeof(*s));
	if (!s)
		return RCX_ENOMEM;
	s->cfg = *cfg;
	s->cfg.listen = NULL;
	s->cfg.tls_cert_file = s->cfg.tls_key_file = NULL;
#define DEFAULT(field) \
	if (!s->cfg.field) \
	s->cfg.field = defaults.field
	DEFAULT(body_max);
	DEFAULT(header_max);
	DEFAULT(timeout_s);
	DEFAULT(rate_burst);
	DEFAULT(connections_max);
	DEFAULT(per_ip_max);
#undef DEFAULT
	if (!s->cfg.threads) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		s->cfg.threads = cpus > 0 ? (unsigned)cpus : 1;
	}
	if (s->cfg.threads > RCX_HTTP_THREADS_MAX)
		s->cfg.threads = RCX_HTTP_THREADS_MAX;
	s->routes = routes;
	s->nroutes = n;
	if (hooks)
		s->hooks = *hooks;
	s->app = app;

	enum rcx_result r = RCX_OK;
	if (s->cfg.rate_per_s > 0)
		r = http_rate_new(s->cfg.rate_per_s, s->cfg.rate_burst, RCX_HTTP_RATE_SLOTS, &s->rate);
	size_t cert_len;
	if (r == RCX_OK && cfg->tls_cert_file) {
		s->tls = true;
		r = read_file(cfg->tls_cert_file, &s->tls_cert, &cert_len);
		if (r == RCX_OK)
			r = read_file(cfg->tls_key_file, &s->tls_key, &s->tls_key_len);
	}
	if (r != RCX_OK) {
		server_free(s);
		return r;
	}

	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD;
	if (ip.family == 6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, ip.addr, 16);
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, ip.addr, 4);
	}
	if (s->tls)
		flags |= MHD_USE_TLS;
	if (s->hooks.error)
		flags |= MHD_USE_ERROR_LOG;

	struct MHD_OptionItem opts[16];
	size_t k = 0;
	opts[k++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss};
	opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, s->cfg.timeout_s, NULL};
	opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, s->cfg.connections_max, NULL};
	opts[k++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->cfg.per_ip_max, NULL};
	/* MHD's per-connection pool holds the request line and headers and its I/O buffers; half of it
	 * goes to I/O, so twice header_max lets headers of about header_max through (else 431) */
	opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)(2 * s->cfg.header_max),
					    NULL};
	opts[k++] = (struct MHD_OptionItem){MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL};
	if (s->cfg.threads > 1)
		opts[k++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, s->cfg.threads, NULL};
	if (s->tls) {
		opts[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls_cert};
		opts[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key};
	}
	opts[k++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

	/* the logger first, so that messages of the start itself reach it */
	if (s->hooks.error)
		s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
					     s, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_NOTIFY_COMPLETED,
					     on_completed, s, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	else
		s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_URI_LOG_CALLBACK, on_uri,
					     s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_ARRAY, opts,
					     MHD_OPTION_END);
	if (!s->daemon) {
		server_free(s);
		return RCX_EIO;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : port;
	*ret_server = s;
	return RCX_OK;
}

bool http_aborted(const struct http_request *req)
{
	return http_conn_of_const(req)->aborted;
}

uint16_t http_server_port(const struct http_server *s)
{
	return s->port;
}

void http_server_stop(struct http_server *s)
{
	if (s)
		server_free(s);
}
