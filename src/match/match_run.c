/* Running an index over logs. See match_run.h for which lookups each observable kind gets. */
#include "match/match_run.h"

#include <stdlib.h>
#include <string.h>

#include "core/ip.h"

/* The host of a URL ("scheme://[user@]host[:port]/..."), bracketed IPv6 unwrapped; false if none. */
static bool url_host(const char *s, size_t len, const char **ret_host, size_t *ret_len)
{
	const char *p = memmem(s, len, "://", 3);
	if (!p)
		return false;
	const char *h = p + 3, *end = s + len;
	const char *stop = h;
	while (stop < end && *stop != '/' && *stop != '?' && *stop != '#')
		stop++;
	const char *at = memrchr(h, '@', (size_t)(stop - h));
	if (at)
		h = at + 1;
	if (h < stop && *h == '[') {
		const char *rb = memchr(h, ']', (size_t)(stop - h));
		if (!rb)
			return false;
		*ret_host = h + 1;
		*ret_len = (size_t)(rb - h - 1);
		return *ret_len > 0;
	}
	const char *colon = memchr(h, ':', (size_t)(stop - h));
	*ret_host = h;
	*ret_len = (size_t)((colon ? colon : stop) - h);
	return *ret_len > 0;
}

static bool all_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

/* Address or name: the two lookups a bare host gets. */
static enum rcx_result lookup_host(const struct match_index *idx, const char *s, size_t len, match_hit_fn hit,
				   void *ctx)
{
	struct rcx_ip ip;
	if (rcx_ip_parse(s, len, &ip) == RCX_OK)
		return match_index_ip(idx, &ip, hit, ctx);
	enum rcx_result r = match_index_domain(idx, s, len, hit, ctx);
	return r == RCX_EPARSE ? RCX_OK : r; /* not a name either: nothing to find */
}

static enum rcx_result lookup_url(const struct match_index *idx, const char *s, size_t len, match_hit_fn hit,
				  void *ctx)
{
	enum rcx_result r = match_index_exact(idx, MATCH_URL, s, len, hit, ctx);
	if (r != RCX_OK && r != RCX_EPARSE)
		return r;
	const char *host;
	size_t hlen;
	if (url_host(s, len, &host, &hlen))
		return lookup_host(idx, host, hlen, hit, ctx);
	return RCX_OK;
}

static enum rcx_result lookup_hash(const struct match_index *idx, const char *s, size_t len, match_hit_fn hit,
				   void *ctx)
{
	enum match_kind k = len == 32 ? MATCH_MD5 : len == 40 ? MATCH_SHA1 : len == 64 ? MATCH_SHA256 : MATCH_KIND_MAX;
	if (k == MATCH_KIND_MAX || !all_hex(s, len))
		return RCX_OK;
	enum rcx_result r = match_index_exact(idx, k, s, len, hit, ctx);
	return r == RCX_EPARSE ? RCX_OK : r;
}

static enum rcx_result lookup_email(const struct match_index *idx, const char *s, size_t len, match_hit_fn hit,
				    void *ctx)
{
	enum rcx_result r = match_index_exact(idx, MATCH_EMAIL, s, len, hit, ctx);
	return r == RCX_EPARSE ? RCX_OK : r;
}

enum rcx_result match_observable(const struct match_index *idx, const struct match_observable *obs, match_hit_fn hit,
				 void *ctx)
{
	const char *s = obs->value;
	size_t len = obs->len;
	if (len == 0 || len > MATCH_TEXT_MAX || memchr(s, '\0', len))
		return RCX_OK;
	switch (obs->kind) {
	case MATCH_OBS_IP: {
		struct rcx_ip ip;
		return rcx_ip_parse(s, len, &ip) == RCX_OK ? match_index_ip(idx, &ip, hit, ctx) : RCX_OK;
	}
	case MATCH_OBS_DOMAIN: {
		enum rcx_result r = match_index_domain(idx, s, len, hit, ctx);
		return r == RCX_EPARSE ? RCX_OK : r;
	}
	case MATCH_OBS_URL:
		return lookup_url(idx, s, len, hit, ctx);
	case MATCH_OBS_HASH:
		return lookup_hash(idx, s, len, hit, ctx);
	case MATCH_OBS_EMAIL:
		return lookup_email(idx, s, len, hit, ctx);
	default:
		break;
	}
	/* ANY: whichever the text is */
	if (memmem(s, len, "://", 3))
		return lookup_url(idx, s, len, hit, ctx);
	if (memchr(s, '@', len))
		return lookup_email(idx, s, len, hit, ctx);
	if ((len == 32 || len == 40 || len == 64) && all_hex(s, len))
		return lookup_hash(idx, s, len, hit, ctx);
	return lookup_host(idx, s, len, hit, ctx);
}

/* Collects the ids one observable matched: lookups report through a void callback, and a sink that
 * fails must stop the file, so hits are gathered first and sent after. */
struct hits {
	uint32_t *ids;
	size_t n, cap;
	bool nomem;
};

static void collect(void *ctx, uint32_t id)
{
	struct hits *h = ctx;
	if (h->n > 0 && h->ids[h->n - 1] == id)
		return; /* an URL and its host can hit the same indicator, one after the other */
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		uint32_t *p = realloc(h->ids, cap * sizeof(*p));
		if (!p) {
			h->nomem = true;
			return;
		}
		h->ids = p;
		h->cap = cap;
	}
	h->ids[h->n++] = id;
}

/* The record loop over an opened input and parser. */
static enum rcx_result run_loop(const struct match_index *idx, const char *path, struct match_input *in,
				struct match_parser *p, match_sink_fn sink, void *ctx, struct match_file_stats *st)
{
	struct match_record rec;
	struct hits h = {NULL, 0, 0, false};
	enum rcx_result r;
	while ((r = match_parser_next(p, in, &rec)) == RCX_OK) {
		st->records++;
		for (size_t i = 0; i < rec.n_obs && r == RCX_OK; i++) {
			h.n = 0;
			st->lookups++;
			r = match_observable(idx, &rec.obs[i], collect, &h);
			if (r == RCX_OK && h.nomem)
				r = RCX_ENOMEM;
			for (size_t k = 0; k < h.n && r == RCX_OK; k++) {
				struct match_sighting s = {.indicator = h.ids[k], .file = path, .rec = &rec, .obs = &rec.obs[i]};
				size_t tlen;
				r = match_index_indicator(idx, h.ids[k], &s.kind, &s.indicator_text, &tlen);
				if (r == RCX_OK) {
					st->sightings++;
					r = sink(ctx, &s);
				}
			}
		}
		if (r != RCX_OK)
			break;
	}
	free(h.ids);
	return r == RCX_ENOTFOUND ? RCX_OK : r;
}

/* Runs over an opened input, then closes it; stats of both. */
static enum rcx_result run_input(const struct match_index *idx, const char *path, struct match_input *in,
				 const struct match_format *fmt, const struct match_format_options *opt,
				 const struct match_line *prime, size_t n_prime, match_sink_fn sink, void *ctx,
				 struct match_file_stats *ret_stats)
{
	struct match_file_stats st;
	memset(&st, 0, sizeof(st));
	struct match_parser *p = NULL;
	enum rcx_result r = match_parser_open(fmt, opt, &p);
	for (size_t i = 0; r == RCX_OK && i < n_prime; i++)
		(void)match_parser_feed(p, &prime[i]);
	if (r == RCX_OK)
		r = run_loop(idx, path, in, p, sink, ctx, &st);
	if (p)
		match_parser_stats(p, &st.parser);
	match_input_stats(in, &st.input);
	match_parser_close(p);
	match_input_close(in);
	if (ret_stats)
		*ret_stats = st;
	return r;
}

enum rcx_result match_run_file(const struct match_index *idx, const char *path, const struct match_format *fmt,
			       const struct match_format_options *opt, match_sink_fn sink, void *ctx,
			       struct match_file_stats *ret_stats)
{
	struct match_input *in = NULL;
	enum rcx_result r = match_input_open(path, &in);
	if (r != RCX_OK) {
		if (ret_stats)
			memset(ret_stats, 0, sizeof(*ret_stats));
		return r;
	}
	return run_input(idx, path, in, fmt, opt, NULL, 0, sink, ctx, ret_stats);
}

enum rcx_result match_run_span(const struct match_index *idx, const struct match_span *span,
			       const struct match_format *fmt, const struct match_format_options *opt, match_sink_fn sink,
			       void *ctx, struct match_file_stats *ret_stats)
{
	struct match_input *in = NULL;
	enum rcx_result r = match_input_open_span(span->path, span->data, span->len, span->first_line, span->bom, &in);
	if (r != RCX_OK) {
		if (ret_stats)
			memset(ret_stats, 0, sizeof(*ret_stats));
		return r;
	}
	return run_input(idx, span->path, in, fmt, opt, span->prime, span->n_prime, sink, ctx, ret_stats);
}
