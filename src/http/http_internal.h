/* Internals shared by the files of src/http; not for other modules.
 *
 * A request lives in a struct http_conn (the public struct http_request plus the server's state),
 * allocated when MHD has read the request line (uri_log callback) and reference-counted: one
 * reference for MHD's "request completed" notification, one more for a streamed response, whose
 * free callback may run after that notification when the client disconnects. The last release
 * frees the arena, the body and the struct, so a stream's ctx may safely point into the arena. */
#pragma once
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "http/http.h"

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_config cfg; /* with defaults filled in; strings not kept */
	const struct http_route *routes;
	size_t nroutes;
	struct http_app_hooks hooks;
	void *app;
	struct http_rate *rate; /* NULL: no rate limiting */
	bool tls;
	char *tls_cert; /* PEM text, alive as long as the daemon */
	char *tls_key;
	size_t tls_key_len;
	uint16_t port;
};

/* A response header the handler added with http_header_add. */
struct http_header_line {
	const char *name;
	const char *value;
};

struct http_conn {
	struct http_request req; /* first: the public part */
	struct http_server *server;
	struct MHD_Connection *mhd;
	atomic_uint refs;
	char *uri;           /* request target as sent (malloc'd; the arena is not ready yet) */
	bool started;        /* the access handler has seen the headers */
	bool aborted;        /* ended without a complete response */
	uint8_t addr_key[18]; /* rate-limiter key of the client address */
	size_t addr_keylen;
	struct rcx_strbuf body;
	uint64_t start_us;
	struct MHD_Response *resp; /* made by http_respond_*, queued by the server */
	unsigned status;           /* status of resp; 0 until there is one */
	struct http_header_line headers[RCX_HTTP_HEADERS_ADD_MAX];
	size_t nheaders;
	bool has_cache_control; /* the handler chose its own Cache-Control */
};

static inline struct http_conn *http_conn_of(struct http_request *req)
{
	return (struct http_conn *)req; /* req is the first member */
}

static inline const struct http_conn *http_conn_of_const(const struct http_request *req)
{
	return (const struct http_conn *)req;
}

/* Drops one reference; the last frees the request. */
void http_conn_release(struct http_conn *c);
/* Monotonic clock in µs. */
uint64_t http_now_us(void);
/* 405 with Allow. */
enum rcx_result http_respond_method(struct http_request *req, const char *allow);
/* 429 with Retry-After. */
enum rcx_result http_respond_rate_limited(struct http_request *req, unsigned retry_s);
