/* The HTTP server layer of `rcx serve`, on libmicrohttpd (MHD). It knows nothing of rcx's data:
 * the application passes a table of routes ("/api/v1/events/{id}" → handler) and a few hooks, and
 * every handler answers with exactly one http_respond_* call.
 *
 * A request goes: request line (URL ≤ RCX_HTTP_URL_MAX, else 414) → headers (MHD's per-connection
 * memory pool, about header_max, else 431) → Content-Length above body_max: 413 before any code of
 * the application runs → body read into memory (≤ body_max) → path decoded, query parsed (400/414)
 * → route matched → hooks.before() (authentication; may set rate_key) → token bucket of rate_key or
 * of the client address (429 + Retry-After) → 404 / 405 + Allow, or the handler → the response,
 * with the security headers added to every answer → hooks.log() when the exchange is over.
 *
 * Threads: MHD's thread pool (config threads, 0 = one per CPU) with epoll; a connection stays on
 * one thread, so a handler and the producer of its streamed response run on the same thread, but
 * different requests run concurrently: handlers and hooks must be thread-safe.
 * Memory: everything of a request lives in req->arena, freed when the exchange is over (after the
 * last byte of a streamed response has been sent, or when the client has gone away). */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/ip.h"
#include "core/limits.h"
#include "core/result.h"
#include "core/strbuf.h"

struct rcx_config;
struct http_request;
struct http_server;

/* ---- Configuration ------------------------------------------------------------------------- */

/* How the server listens and what it allows. Start from http_config_init(); 0 in a size, count or
 * time field means its default from core/limits.h. Strings are borrowed until http_server_start
 * returns. */
struct http_config {
	const char *listen;        /* numeric "127.0.0.1:8080" or "[::1]:8080"; NULL = 127.0.0.1:8080 */
	unsigned threads;          /* worker threads; 0 = number of CPUs */
	const char *tls_cert_file; /* PEM certificate (chain); with tls_key_file: HTTPS only */
	const char *tls_key_file;  /* PEM private key; both or neither */
	size_t body_max;           /* request body; larger → 413 (RCX_HTTP_BODY_MAX) */
	size_t header_max;         /* request line + headers, about (RCX_HTTP_HEADER_MAX) */
	unsigned timeout_s;        /* idle connection timeout, against slow clients (RCX_HTTP_TIMEOUT_S) */
	double rate_per_s;         /* token refill per second and client key; 0 = no rate limiting */
	unsigned rate_burst;       /* bucket size per client key (RCX_HTTP_RATE_BURST) */
	unsigned connections_max;  /* open connections in all (RCX_HTTP_CONNECTIONS_MAX) */
	unsigned per_ip_max;       /* open connections per client address (RCX_HTTP_PER_IP_CONNECTIONS_MAX) */
};

/* Fills cfg with the defaults: 127.0.0.1:8080, no TLS, limits and rate from core/limits.h. */
void http_config_init(struct http_config *cfg);
/* http_config_init, then the [serve] keys listen, threads, tls_cert, tls_key (paths relative to the
 * file), body_max, header_max (bytes, optional k/M/G suffix), timeout (a duration: "30s"),
 * rate_per_s (decimal), rate_burst, connections_max, per_ip_max. Strings point into ini. On
 * RCX_ECONFIG *ret_key names the bad key and ret_cfg is untouched. */
enum rcx_result http_config_from(struct rcx_config *ini, struct http_config *ret_cfg, const char **ret_key);
/* Parses "a.b.c.d:port" or "[v6]:port" (numeric addresses only, port 0..65535). */
enum rcx_result http_listen_parse(const char *s, size_t len, struct rcx_ip *ret_ip, uint16_t *ret_port);

/* ---- Routes -------------------------------------------------------------------------------- */

/* A handler answers with exactly one http_respond_* call and returns RCX_OK; returning an error
 * without having responded makes the server answer http_respond_error(req, result, NULL). */
typedef enum rcx_result (*http_handler)(struct http_request *req);

/* Route flags the server reads; bits from HTTP_ROUTE_APP upwards are the application's own (its
 * before() hook sees them in req->route->flags, e.g. "needs a session"). */
enum http_route_flag {
	HTTP_ROUTE_NO_RATE = 1u << 0, /* not rate limited (health checks) */
	HTTP_ROUTE_APP = 1u << 8,     /* first bit free for the application */
};

/* One entry of the application's route table. pattern is a path of '/'-separated segments, where a
 * whole segment "{name}" captures one non-empty segment (percent-decoded: "a%2Fb" gives "a/b").
 * Matching is exact: "/x" and "/x/" are different resources. A literal segment beats a capture
 * ("/events/export" before "/events/{id}"). The table is borrowed for the server's life. */
struct http_route {
	const char *method;  /* "GET", "POST", ...; GET also answers HEAD unless HEAD has its own route */
	const char *pattern; /* "/api/v1/events/{id}" */
	http_handler handler;
	unsigned flags; /* enum http_route_flag | application bits */
};

/* ---- Hooks ----------------------------------------------------------------------------------- */

/* The application's hooks; every member is optional. Called on the request's worker thread. */
struct http_app_hooks {
	/* Before every handler, the fallback, and the 404/405 answers: authenticates (sets req->auth),
	 * may set req->rate_key. An error, or a response of its own (e.g. http_respond_unauthorized),
	 * ends the request; an error without a response is answered with http_respond_error. Runs
	 * before the rate limiter, so it should be cheap. */
	enum rcx_result (*before)(struct http_request *req);
	/* For paths no route matches (any method), e.g. the static UI; NULL = 404 JSON. req->route is
	 * NULL. Returning RCX_ENOTFOUND without responding gives the usual 404. */
	http_handler fallback;
	/* Access log, once per request when the exchange is over; status 0 = no response was sent. */
	void (*log)(void *app, const struct http_request *req, unsigned status, uint64_t usec);
	/* Messages of the server itself (bind failures, TLS errors, MHD's complaints). */
	void (*error)(void *app, const char *message);
};

/* ---- Requests ------------------------------------------------------------------------------- */

/* One key/value pair: a query parameter or path capture (decoded, NUL-terminated as well), or a
 * cookie from http_cookie_next (pointers into the header). */
struct http_kv {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
};

/* A request as a handler sees it; valid until the exchange is over. Strings are NUL-terminated,
 * valid UTF-8 without NUL bytes (path, captures and query; otherwise the answer was 400). */
struct http_request {
	struct rcx_arena arena;           /* per request: allocate the answer's pieces here */
	const char *method;               /* "GET", ... */
	const char *path;                 /* percent-decoded path */
	const char *raw_path;             /* path as sent */
	const char *raw_query;            /* text after '?', as sent; "" when none */
	const char *body;                 /* request body (NUL-terminated; "" when none) */
	size_t body_len;                  /* ≤ body_max */
	const char *client;               /* client address, "192.0.2.1" or "2001:db8::1" */
	const struct http_route *route;   /* the matched route; NULL for the fallback and 404/405 */
	void *app;                        /* the server-wide pointer given to http_server_start */
	void *auth;                       /* free for the before() hook: who is asking */
	const char *rate_key;             /* set in before() to rate-limit per key ("key:42"), else per
	                                   * address (IPv6: per /64); must outlive the request */
	struct http_kv *captures;         /* path captures of the route, in pattern order */
	size_t ncaptures;
	struct http_kv *query;            /* query parameters in order, repeated keys repeated */
	size_t nquery;
};

/* Value of path capture {name}, or NULL. */
const char *http_param(const struct http_request *req, const char *name);
/* First value of query parameter name ("" for "?name" without '='), or NULL. */
const char *http_query(const struct http_request *req, const char *name);
/* All values of a repeated query parameter, in order, in req's arena; *ret_n may be 0. */
const char **http_query_all(struct http_request *req, const char *name, size_t *ret_n);
/* Request header (case-insensitive name; the first when repeated), or NULL. Owned by the server. */
const char *http_header(const struct http_request *req, const char *name);
/* Value of cookie name (the first one sent), copied into req's arena, or NULL. */
const char *http_cookie(struct http_request *req, const char *name);
/* In the log hook: whether the exchange ended before the whole response was sent (client gone,
 * timeout, stream error, shutdown). */
bool http_aborted(const struct http_request *req);

/* ---- Responses ------------------------------------------------------------------------------ */

/* Every response carries X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer,
 * X-Frame-Options: DENY, a same-origin Content-Security-Policy, Strict-Transport-Security under TLS,
 * and (except static files) Cache-Control: no-store unless the handler added its own. A second
 * http_respond_* call returns RCX_EINVAL and changes nothing (but still consumes what it was given). */

/* Adds a header to the coming response (Set-Cookie, Location, Cache-Control, ...): call it before
 * http_respond_* (after it: RCX_EINVAL). Name and value are copied; CR or LF in either, or ':' in
 * the name → RCX_EINVAL; past RCX_HTTP_HEADERS_ADD_MAX → RCX_ELIMIT. */
enum rcx_result http_header_add(struct http_request *req, const char *name, const char *value);
/* JSON answer (compact), Content-Type application/json. Takes the reference to body, always. */
enum rcx_result http_respond_json(struct http_request *req, unsigned status, json_t *body);
/* data[0..len) (copied) as content_type (NULL = application/octet-stream). */
enum rcx_result http_respond_bytes(struct http_request *req, unsigned status, const char *content_type,
				   const void *data, size_t len);
/* Like http_respond_bytes; content_type NULL = "text/plain; charset=utf-8". */
enum rcx_result http_respond_text(struct http_request *req, unsigned status, const char *content_type,
				  const char *text, size_t len);
/* {"error":{"code":rcx_result_code(r),"message":message or rcx_result_message(r)}} with the status
 * http_status_for(r). The message goes to the client: no internals in it. */
enum rcx_result http_respond_error(struct http_request *req, enum rcx_result r, const char *message);
/* The same body with any status and code ("rate_limited", "method_not_allowed", ...). */
enum rcx_result http_respond_problem(struct http_request *req, unsigned status, const char *code,
				     const char *message);
/* 401 {"error":{"code":"unauthenticated",...}}; challenge (e.g. "Bearer") sets WWW-Authenticate. */
enum rcx_result http_respond_unauthorized(struct http_request *req, const char *challenge, const char *message);
/* The one mapping of results to statuses: EINVAL/EPARSE 400, ELIMIT 413 (a request exceeded a named
 * limit; 429 comes only from the rate limiter), ENOTFOUND 404, EEXIST 409, EDENIED 403,
 * EUNSUPPORTED 501, ENOMEM/EIO/ESTORE/ECONFIG 500 (and anything unknown), RCX_OK 200. */
unsigned http_status_for(enum rcx_result r);

/* What a stream producer reports after appending its next chunk to out. */
enum http_stream_state {
	HTTP_STREAM_MORE,  /* call again */
	HTTP_STREAM_DONE,  /* what was appended (maybe nothing) is the last chunk */
	HTTP_STREAM_ERROR, /* abort: the connection is closed, the client sees a truncated body */
	HTTP_STREAM_STATE_MAX
};
/* Appends the next piece of a streamed body to out (empty on each call, at most
 * RCX_HTTP_STREAM_CHUNK_MAX). Runs on the request's thread, after the handler has returned, whenever
 * the client can take more; that thread serves other connections too, so keep pieces around
 * RCX_HTTP_STREAM_BLOCK and return MORE only with something appended (or it is called again at once). */
typedef enum http_stream_state (*http_producer)(void *ctx, struct rcx_strbuf *out);

/* Streamed answer (chunked transfer encoding): the body is produced piece by piece while the client
 * reads, never held whole. Takes ctx: free_ctx(ctx) (if not NULL) runs exactly once, when the
 * response is done, failed, or the client went away (also when this call fails). ctx may point into
 * req->arena, which outlives it. */
enum rcx_result http_respond_stream(struct http_request *req, unsigned status, const char *content_type,
				    http_producer producer, void *ctx, void (*free_ctx)(void *ctx));

/* ---- Static files ------------------------------------------------------------------------- */

/* One file embedded at build time by tools/embed_web.py. */
struct http_static_file {
	const char *path;         /* "/index.html" */
	const char *content_type; /* by extension */
	const unsigned char *data;
	size_t len;
	const char *etag; /* quoted strong entity tag: a hash of the content */
};

/* A table of embedded files, sorted by path. */
struct http_static_table {
	const struct http_static_file *files;
	size_t n;
};

/* The files under web_dir (meson variable; default web/ at the top of the tree), empty without one. */
extern const struct http_static_table http_static_web;

/* File at path in http_static_web ("/" and paths ending in '/' mean their index.html), or NULL. */
const struct http_static_file *http_static_find(const char *path);
/* Same lookup in any table. */
const struct http_static_file *http_static_find_in(const struct http_static_table *t, const char *path);
/* 200 with the file, or 304 when If-None-Match names its ETag; Cache-Control: no-cache. */
enum rcx_result http_respond_static(struct http_request *req, const struct http_static_file *file);

/* ---- Server ------------------------------------------------------------------------------- */

/* Checks the routes, loads the TLS files, binds cfg->listen and starts the worker threads. routes,
 * hooks and app are borrowed until http_server_stop. RCX_ECONFIG: bad listen address, route
 * pattern or TLS pair; RCX_EIO: unreadable TLS file, or MHD could not start (bind; see hooks.error). */
enum rcx_result http_server_start(const struct http_config *cfg, const struct http_route *routes, size_t n,
				  const struct http_app_hooks *hooks, void *app, struct http_server **ret_server);
/* The bound port (the real one when cfg->listen asked for port 0). */
uint16_t http_server_port(const struct http_server *s);
/* Stops accepting, closes every connection (streams' free_ctx run), joins the threads, frees s. */
void http_server_stop(struct http_server *s);

/* ---- Pure parts, for the application's tests and the fuzzers -------------------------------- */

/* How a path relates to a route table. */
enum http_match_result {
	HTTP_MATCH_OK,        /* ret->route is the route to run */
	HTTP_MATCH_NOT_FOUND, /* no pattern matches the path → 404 (or the fallback) */
	HTTP_MATCH_METHOD,    /* the path's resource exists but not for this method → 405, ret->allow */
	HTTP_MATCH_BAD_PATH,  /* malformed percent-encoding, NUL or invalid UTF-8 in a segment → 400 */
	HTTP_MATCH_MAX
};

/* The outcome of http_route_match. */
struct http_match {
	size_t route;                                  /* index into the table (HTTP_MATCH_OK) */
	struct http_kv captures[RCX_HTTP_CAPTURES_MAX]; /* decoded, in the arena */
	size_t ncaptures;
	const char *allow; /* "GET, HEAD, POST" (HTTP_MATCH_METHOD), in the arena */
};

/* Matches method and the raw (percent-encoded) path[0..len) against the table, without a socket. */
enum http_match_result http_route_match(const struct http_route *routes, size_t n, const char *method,
					const char *path, size_t len, struct rcx_arena *a, struct http_match *ret);
/* Checks every pattern (starts with '/', whole-segment "{name}" captures with distinct non-empty
 * names, ≤ RCX_HTTP_CAPTURES_MAX) and method; RCX_ECONFIG with the first bad index in *ret_bad. */
enum rcx_result http_routes_check(const struct http_route *routes, size_t n, size_t *ret_bad);

/* Percent-decodes s[0..len) into the arena (NUL-terminated); plus_space turns '+' into ' ' (query
 * strings). RCX_EPARSE on a bad escape, a NUL byte or invalid UTF-8 in the result. */
enum rcx_result http_percent_decode(struct rcx_arena *a, const char *s, size_t len, bool plus_space,
				    char **ret, size_t *ret_len);
/* Appends s[0..len) percent-encoded (all but RFC 3986 unreserved characters). */
enum rcx_result http_percent_encode(struct rcx_strbuf *out, const char *s, size_t len);
/* Parses a query string ("a=1&b=x+y&a=2"; empty pairs skipped) into an arena array. RCX_EPARSE on a
 * bad escape, RCX_ELIMIT past RCX_HTTP_QUERY_PARAMS_MAX pairs. */
enum rcx_result http_query_parse(struct rcx_arena *a, const char *s, size_t len, struct http_kv **ret_kv,
				 size_t *ret_n);
/* Writes pairs back as a query string that http_query_parse reads as the same pairs. */
enum rcx_result http_query_format(struct rcx_strbuf *out, const struct http_kv *kv, size_t n);

/* Cursor over a Cookie header ("a=1; b=2"). Values are opaque (not decoded); surrounding double
 * quotes are removed; pairs without '=' or with an empty name are skipped. */
struct http_cookie_iter {
	const char *p;
	const char *end;
};
/* Starts iterating over header[0..len). */
void http_cookie_iter_init(struct http_cookie_iter *it, const char *header, size_t len);
/* Next cookie (pointers into the header, not NUL-terminated); false at the end. */
bool http_cookie_next(struct http_cookie_iter *it, struct http_kv *ret);

/* Token buckets per client key in a fixed table: bounded memory whatever the number of clients. */
struct http_rate;
/* A limiter refilling rate_per_s tokens per second up to burst, tracking about slots keys. */
enum rcx_result http_rate_new(double rate_per_s, unsigned burst, size_t slots, struct http_rate **ret);
/* Frees the limiter (NULL is fine). */
void http_rate_free(struct http_rate *r);
/* Takes one token of key[0..len) at now_us (any monotonic clock); false when there is none, with
 * *ret_retry_s the whole seconds until there is one (≥ 1). Thread-safe. */
bool http_rate_take(struct http_rate *r, const void *key, size_t len, uint64_t now_us, unsigned *ret_retry_s);
