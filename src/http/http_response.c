/* Responses: the http_respond_* functions build an MHD response and park it on the request; the
 * server queues it once the handler has returned (http_server.c). One response per request: a
 * second call fails and changes nothing. Every response gets the same security headers here.
 *
 * Streams: MHD pulls the body through stream_read on the connection's thread whenever the socket
 * can take more, so at most one producer chunk (plus MHD's block) is in memory per connection.
 * The stream holds a reference on the request; MHD's free callback (stream_free) runs once when
 * the response is destroyed — after the last byte, on error, or when the client went away — and
 * frees the producer's context, then drops that reference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "http/http_internal.h"

/* Same origin only; no framing, no plugins, no <base> games. 'unsafe-inline' is not allowed. */
#define HTTP_CSP \
	"default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

unsigned http_status_for(enum rcx_result r)
{
	switch (r) {
	case RCX_OK:
		return 200;
	case RCX_EINVAL:
	case RCX_EPARSE:
		return 400;
	case RCX_ELIMIT:
		return 413;
	case RCX_ENOTFOUND:
		return 404;
	case RCX_EEXIST:
		return 409;
	case RCX_EDENIED:
		return 403;
	case RCX_EUNSUPPORTED:
		return 501;
	case RCX_ENOMEM:
	case RCX_EIO:
	case RCX_ESTORE:
	case RCX_ECONFIG:
	case RCX_RESULT_MAX:
		break;
	}
	return 500;
}

static bool header_text_ok(const char *s)
{
	for (; *s; s++)
		if (*s == '\r' || *s == '\n')
			return false;
	return true;
}

enum rcx_result http_header_add(struct http_request *req, const char *name, const char *value)
{
	struct http_conn *c = http_conn_of(req);
	if (c->resp || !name || !value || !*name || !header_text_ok(name) || !header_text_ok(value) ||
	    strchr(name, ':'))
		return RCX_EINVAL;
	if (c->nheaders == RCX_HTTP_HEADERS_ADD_MAX)
		return RCX_ELIMIT;
	if (!strcasecmp(name, MHD_HTTP_HEADER_CACHE_CONTROL))
		c->has_cache_control = true;
	c->headers[c->nheaders++] = (struct http_header_line){rcx_arena_strdup(&req->arena, name),
							       rcx_arena_strdup(&req->arena, value)};
	return RCX_OK;
}

enum cache {
	CACHE_NO_STORE, /* API answers: never stored */
	CACHE_REVALIDATE /* static files: stored, revalidated with the ETag each time */
};

/* Adds the common and the handler's headers to resp and parks it on the request. */
static enum rcx_result park(struct http_conn *c, unsigned status, struct MHD_Response *resp, enum cache cache)
{
	if (!resp)
		return RCX_ENOMEM;
	bool ok = MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") == MHD_YES &&
		  MHD_add_response_header(resp, "Referrer-Policy", "no-referrer") == MHD_YES &&
		  MHD_add_response_header(resp, "X-Frame-Options", "DENY") == MHD_YES &&
		  MHD_add_response_header(resp, "Content-Security-Policy", HTTP_CSP) == MHD_YES;
	if (ok && c->server->tls)
		ok = MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000") == MHD_YES;
	if (ok && !c->has_cache_control)
		ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
					     cache == CACHE_NO_STORE ? "no-store" : "no-cache") == MHD_YES;
	for (size_t i = 0; ok && i < c->nheaders; i++)
		ok = MHD_add_response_header(resp, c->headers[i].name, c->headers[i].value) == MHD_YES;
	if (!ok) {
		MHD_destroy_response(resp);
		return RCX_ENOMEM;
	}
	c->resp = resp;
	c->status = status;
	return RCX_OK;
}

static enum rcx_result respond_buffer(struct http_request *req, unsigned status, const char *content_type,
				      const void *data, size_t len, enum cache cache)
{
	struct http_conn *c = http_conn_of(req);
	if (c->resp || status < 100 || status > 599 || !header_text_ok(content_type))
		return RCX_EINVAL;
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	if (resp && MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type) != MHD_YES) {
		MHD_destroy_response(resp);
		resp = NULL;
	}
	return park(c, status, resp, cache);
}

static int dump_to_strbuf(const char *buffer, size_t size, void *data)
{
	return rcx_strbuf_append(data, buffer, size) == RCX_OK ? 0 : -1;
}

enum rcx_result http_respond_json(struct http_request *req, unsigned status, json_t *body)
{
	struct http_conn *c = http_conn_of(req);
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	enum rcx_result r = RCX_EINVAL;
	if (c->resp || !body || status < 100 || status > 599)
		goto out;
	r = RCX_ENOMEM;
	if (json_dump_callback(body, dump_to_strbuf, &b, JSON_COMPACT) != 0)
		goto out;
	/* MUST_FREE hands our malloc'd dump to MHD; no copy */
	struct MHD_Response *resp = MHD_create_response_from_buffer(b.len, b.data, MHD_RESPMEM_MUST_FREE);
	if (!resp)
		goto out;
	b = (struct rcx_strbuf)RCX_STRBUF_INIT(0);
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") != MHD_YES) {
		MHD_destroy_response(resp);
		goto out;
	}
	r = park(c, status, resp, CACHE_NO_STORE);
out:
	rcx_strbuf_free(&b);
	json_decref(body);
	return r;
}

enum rcx_result http_respond_bytes(struct http_request *req, unsigned status, const char *content_type,
				   const void *data, size_t len)
{
	return respond_buffer(req, status, content_type ? content_type : "application/octet-stream", data, len,
			      CACHE_NO_STORE);
}

enum rcx_result http_respond_text(struct http_request *req, unsigned status, const char *content_type,
				  const char *text, size_t len)
{
	return respond_buffer(req, status, content_type ? content_type : "text/plain; charset=utf-8", text, len,
			      CACHE_NO_STORE);
}

enum rcx_result http_respond_problem(struct http_request *req, unsigned status, const char *code,
				     const char *message)
{
	/* json_pack fails on invalid UTF-8: fall back to the code as message rather than answer nothing */
	json_t *body = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message ? message : code);
	if (!body)
		body = json_pack("{s:{s:s,s:s}}", "error", "code", "internal_error", "message", "internal error");
	return http_respond_json(req, status, body);
}

enum rcx_result http_respond_error(struct http_request *req, enum rcx_result r, const char *message)
{
	return http_respond_problem(req, http_status_for(r), rcx_result_code(r),
				    message ? message : rcx_result_message(r));
}

enum rcx_result http_respond_unauthorized(struct http_request *req, const char *challenge, const char *message)
{
	if (http_conn_of(req)->resp)
		return RCX_EINVAL;
	if (challenge) {
		enum rcx_result r = http_header_add(req, MHD_HTTP_HEADER_WWW_AUTHENTICATE, challenge);
		if (r != RCX_OK)
			return r;
	}
	return http_respond_problem(req, 401, "unauthenticated", message ? message : "authentication required");
}

enum rcx_result http_respond_method(struct http_request *req, const char *allow)
{
	enum rcx_result r = http_header_add(req, MHD_HTTP_HEADER_ALLOW, allow);
	if (r != RCX_OK)
		return r;
	return http_respond_problem(req, 405, "method_not_allowed", "method not allowed for this resource");
}

enum rcx_result http_respond_rate_limited(struct http_request *req, unsigned retry_s)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "%u", retry_s);
	enum rcx_result r = http_header_add(req, MHD_HTTP_HEADER_RETRY_AFTER, buf);
	if (r != RCX_OK)
		return r;
	return http_respond_problem(req, 429, "rate_limited", "too many requests");
}

/* ---- Static files ---------------------------------------------------------------------------- */

/* Whether an If-None-Match list ("a", W/"b", *) names etag; weak comparison (RFC 9110 13.1.2). */
static bool etag_listed(const char *list, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = list;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			return false;
		if (*p == '*')
			return true;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		const char *s = p;
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');
			p = q ? q + 1 : p + strlen(p);
		} else {
			while (*p && *p != ',')
				p++;
		}
		if ((size_t)(p - s) == elen && !memcmp(s, etag, elen))
			return true;
	}
}

enum rcx_result http_respond_static(struct http_request *req, const struct http_static_file *file)
{
	struct http_conn *c = http_conn_of(req);
	if (c->resp || !file)
		return RCX_EINVAL;
	const char *inm = http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH);
	bool fresh = inm && etag_listed(inm, file->etag);
	struct MHD_Response *resp =
		fresh ? MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT)
		      : MHD_create_response_from_buffer(file->len, (void *)file->data, MHD_RESPMEM_PERSISTENT);
	if (resp && (MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, file->etag) != MHD_YES ||
		     (!fresh && MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, file->content_type) !=
					MHD_YES))) {
		MHD_destroy_response(resp);
		resp = NULL;
	}
	return park(c, fresh ? 304 : 200, resp, CACHE_REVALIDATE);
}

/* ---- Streams --------------------------------------------------------------------------------- */

struct http_stream {
	struct http_conn *conn; /* holds a reference */
	http_producer producer;
	void *ctx;
	void (*free_ctx)(void *ctx);
	struct rcx_strbuf buf; /* the current chunk */
	size_t off;            /* bytes of buf already handed to MHD */
	bool done;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct http_stream *st = cls;
	while (st->off == st->buf.len) {
		if (st->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		rcx_strbuf_clear(&st->buf);
		st->off = 0;
		enum http_stream_state s = st->producer(st->ctx, &st->buf);
		if (s == HTTP_STREAM_DONE)
			st->done = true;
		else if (s != HTTP_STREAM_MORE)
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	size_t n = st->buf.len - st->off;
	if (n > max)
		n = max;
	memcpy(out, st->buf.data + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct http_stream *st = cls;
	if (st->free_ctx)
		st->free_ctx(st->ctx);
	rcx_strbuf_free(&st->buf);
	http_conn_release(st->conn);
	free(st);
}

enum rcx_result http_respond_stream(struct http_request *req, unsigned status, const char *content_type,
				    http_producer producer, void *ctx, void (*free_ctx)(void *ctx))
{
	struct http_conn *c = http_conn_of(req);
	struct http_stream *st = NULL;
	enum rcx_result r = RCX_EINVAL;
	if (c->resp || !producer || status < 100 || status > 599 || !content_type || !header_text_ok(content_type))
		goto fail;
	r = RCX_ENOMEM;
	st = calloc(1, sizeof(*st));
	if (!st)
		goto fail;
	*st = (struct http_stream){c, producer, ctx, free_ctx, RCX_STRBUF_INIT(RCX_HTTP_STREAM_CHUNK_MAX), 0, false};
	atomic_fetch_add(&c->refs, 1);
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, RCX_HTTP_STREAM_BLOCK,
								      stream_read, st, stream_free);
	if (!resp) {
		stream_free(st); /* frees ctx, drops the reference */
		return RCX_ENOMEM;
	}
	/* from here MHD owns st: destroying resp runs stream_free */
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type) != MHD_YES) {
		MHD_destroy_response(resp);
		return RCX_ENOMEM;
	}
	return park(c, status, resp, CACHE_NO_STORE);
fail:
	if (free_ctx)
		free_ctx(ctx);
	return r;
}
