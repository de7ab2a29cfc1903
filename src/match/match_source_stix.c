/* STIX 2.1 indicators for the matcher: the pattern subset it can express, and bundles.
 *
 * Patterns are read by a recursive descent over the STIX patterning grammar with a cursor and the
 * pattern's end: observation expressions joined by OR (AND and FOLLOWEDBY are unsupported), each
 * "[...]" holding comparisons joined by OR, optionally in parentheses; a comparison must be
 * "path = 'string'" on a known path. Everything the grammar knows but the matcher cannot express
 * (other operators, NOT, AND, qualifiers, non-string values, other paths) makes the whole pattern
 * RCX_EUNSUPPORTED: a partial pattern would match more than its author meant. The pattern is parsed
 * twice, first to decide, then to hand its comparisons over, so nothing is handed over for a pattern
 * that is refused. Bounds: RCX_MATCH_STIX_DEPTH_MAX nested parentheses, values of MATCH_TEXT_MAX bytes. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/time.h"
#include "match/match_source.h"

struct pat {
	const char *p, *end;
	match_source_fn fn; /* NULL: deciding only */
	void *ctx;
	enum rcx_result err; /* first failure of fn other than refusals */
	uint64_t refused;
	unsigned depth;
};

static void blanks(struct pat *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool peek(struct pat *s, char c)
{
	blanks(s);
	return s->p < s->end && *s->p == c;
}

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* A keyword (whole word) at the cursor, consumed when present. */
static bool keyword(struct pat *s, const char *kw)
{
	blanks(s);
	size_t n = strlen(kw);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, kw, n) != 0 || (s->p + n < s->end && is_word(s->p[n])))
		return false;
	s->p += n;
	return true;
}

/* A quoted string ('...' with \' and \\) into out (cap bytes); false when malformed or too long. */
static bool string_lit(struct pat *s, char *out, size_t cap, size_t *ret_len)
{
	if (s->p >= s->end || *s->p != '\'')
		return false;
	size_t n = 0;
	for (s->p++; s->p < s->end; s->p++) {
		char c = *s->p;
		if (c == '\'') {
			s->p++;
			*ret_len = n;
			return true;
		}
		if (c == '\\') {
			if (++s->p >= s->end || (*s->p != '\'' && *s->p != '\\'))
				return false;
			c = *s->p;
		}
		if (n + 1 >= cap)
			return false;
		out[n++] = c;
	}
	return false;
}

/* Property path after "type:", normalised: quotes dropped, lowercased ("hashes.'SHA-256'" →
 * "hashes.sha-256"). */
static bool path_lit(struct pat *s, char *out, size_t cap, size_t *ret_len)
{
	size_t n = 0;
	while (s->p < s->end) {
		char c = *s->p;
		if (c == '\'') {
			char q[128];
			size_t ql;
			if (!string_lit(s, q, sizeof(q), &ql) || n + ql >= cap)
				return false;
			for (size_t i = 0; i < ql; i++)
				out[n++] = (q[i] >= 'A' && q[i] <= 'Z') ? (char)(q[i] + 32) : q[i];
			continue;
		}
		if (!is_word(c) && c != '.' && c != '[' && c != ']' && c != '*')
			break;
		if (n + 1 >= cap)
			return false;
		out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
		s->p++;
	}
	*ret_len = n;
	return n > 0;
}

/* Kind of an object path; MATCH_KIND_MAX when the matcher has none for it. */
static enum match_kind path_kind(const char *type, size_t tl, const char *prop, size_t pl)
{
	static const struct {
		const char *type, *prop;
		enum match_kind kind;
	} paths[] = {
		{"ipv4-addr", "value", MATCH_IP},
		{"ipv6-addr", "value", MATCH_IP},
		{"domain-name", "value", MATCH_DOMAIN},
		{"url", "value", MATCH_URL},
		{"email-addr", "value", MATCH_EMAIL},
		{"network-traffic", "dst_ref.value", MATCH_IP},
		{"network-traffic", "src_ref.value", MATCH_IP},
		{"file", "hashes.md5", MATCH_MD5},
		{"file", "hashes.sha-1", MATCH_SHA1},
		{"file", "hashes.sha1", MATCH_SHA1},
		{"file", "hashes.sha-256", MATCH_SHA256},
		{"file", "hashes.sha256", MATCH_SHA256},
		{"artifact", "hashes.md5", MATCH_MD5},
		{"artifact", "hashes.sha-1", MATCH_SHA1},
		{"artifact", "hashes.sha-256", MATCH_SHA256},
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (strlen(paths[i].type) == tl && !memcmp(paths[i].type, type, tl) && strlen(paths[i].prop) == pl &&
		    !memcmp(paths[i].prop, prop, pl))
			return paths[i].kind;
	return MATCH_KIND_MAX;
}

static enum rcx_result comparison_or(struct pat *s);

/* path op value */
static enum rcx_result comparison(struct pat *s)
{
	blanks(s);
	if (peek(s, '(')) {
		if (++s->depth > RCX_MATCH_STIX_DEPTH_MAX)
			return RCX_EPARSE;
		s->p++;
		enum rcx_result r = comparison_or(s);
		if (r != RCX_OK)
			return r;
		if (!peek(s, ')'))
			return RCX_EPARSE;
		s->p++;
		s->depth--;
		return RCX_OK;
	}
	if (keyword(s, "NOT"))
		return RCX_EUNSUPPORTED;
	const char *type = s->p;
	while (s->p < s->end && is_word(*s->p))
		s->p++;
	size_t tl = (size_t)(s->p - type);
	if (tl == 0 || s->p >= s->end || *s->p != ':')
		return RCX_EPARSE;
	s->p++;
	char prop[256];
	size_t pl;
	if (!path_lit(s, prop, sizeof(prop), &pl))
		return RCX_EPARSE;
	blanks(s);
	if (s->p >= s->end)
		return RCX_EPARSE;
	if (*s->p != '=') {
		/* another operator: known ones are valid STIX the matcher cannot express */
		static const char *const ops[] = {"!=", ">=", "<=", ">", "<", "IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"};
		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if ((size_t)(s->end - s->p) >= strlen(ops[i]) && !memcmp(s->p, ops[i], strlen(ops[i])))
				return RCX_EUNSUPPORTED;
		return RCX_EPARSE;
	}
	s->p++;
	blanks(s);
	char val[MATCH_TEXT_MAX + 1];
	size_t vl;
	if (s->p < s->end && *s->p != '\'')
		return RCX_EUNSUPPORTED; /* a number, boolean, t'', h'' or b'' value */
	if (!string_lit(s, val, sizeof(val), &vl))
		return RCX_EPARSE;
	enum match_kind k = path_kind(type, tl, prop, pl);
	if (k == MATCH_KIND_MAX)
		return RCX_EUNSUPPORTED;
	if (k == MATCH_IP && memchr(val, '/', vl))
		k = MATCH_CIDR;
	if (s->fn && s->err == RCX_OK) {
		enum rcx_result r = s->fn(s->ctx, k, val, vl);
		if (r == RCX_EPARSE || r == RCX_ELIMIT)
			s->refused++;
		else if (r != RCX_OK)
			s->err = r;
	}
	return RCX_OK;
}

static enum rcx_result comparison_or(struct pat *s)
{
	for (;;) {
		enum rcx_result r = comparison(s);
		if (r != RCX_OK)
			return r;
		if (keyword(s, "AND"))
			return RCX_EUNSUPPORTED;
		if (!keyword(s, "OR"))
			return RCX_OK;
	}
}

static enum rcx_result observation_or(struct pat *s);

static enum rcx_result observation(struct pat *s)
{
	blanks(s);
	if (peek(s, '(')) {
		if (++s->depth > RCX_MATCH_STIX_DEPTH_MAX)
			return RCX_EPARSE;
		s->p++;
		enum rcx_result r = observation_or(s);
		if (r != RCX_OK)
			return r;
		if (!peek(s, ')'))
			return RCX_EPARSE;
		s->p++;
		s->depth--;
	} else {
		if (!peek(s, '['))
			return RCX_EPARSE;
		s->p++;
		enum rcx_result r = comparison_or(s);
		if (r != RCX_OK)
			return r;
		if (!peek(s, ']'))
			return RCX_EPARSE;
		s->p++;
	}
	if (keyword(s, "WITHIN") || keyword(s, "REPEATS") || keyword(s, "START"))
		return RCX_EUNSUPPORTED;
	return RCX_OK;
}

static enum rcx_result observation_or(struct pat *s)
{
	for (;;) {
		enum rcx_result r = observation(s);
		if (r != RCX_OK)
			return r;
		if (keyword(s, "AND") || keyword(s, "FOLLOWEDBY"))
			return RCX_EUNSUPPORTED;
		if (!keyword(s, "OR"))
			return RCX_OK;
	}
}

static enum rcx_result pattern_run(const char *p, size_t len, match_source_fn fn, void *ctx, struct pat *s)
{
	*s = (struct pat){.p = p, .end = p + len, .fn = fn, .ctx = ctx};
	enum rcx_result r = observation_or(s);
	blanks(s);
	if (r == RCX_OK && s->p != s->end)
		r = RCX_EPARSE;
	return r;
}

enum rcx_result match_stix_pattern_parse(const char *s, size_t len, match_source_fn fn, void *ctx,
					 uint64_t *refused)
{
	struct pat st;
	enum rcx_result r = pattern_run(s, len, NULL, NULL, &st);
	if (r != RCX_OK || !fn)
		return r;
	pattern_run(s, len, fn, ctx, &st);
	if (refused)
		*refused += st.refused;
	return st.err;
}

void match_stix_pattern_print(struct rcx_strbuf *b, enum match_kind kind, const char *text, size_t len)
{
	const char *path;
	switch (kind) {
	case MATCH_IP:
	case MATCH_CIDR: path = memchr(text, ':', len) ? "ipv6-addr:value" : "ipv4-addr:value"; break;
	case MATCH_DOMAIN: path = "domain-name:value"; break;
	case MATCH_URL: path = "url:value"; break;
	case MATCH_MD5: path = "file:hashes.MD5"; break;
	case MATCH_SHA1: path = "file:hashes.'SHA-1'"; break;
	case MATCH_SHA256: path = "file:hashes.'SHA-256'"; break;
	default: path = "email-addr:value"; break;
	}
	rcx_strbuf_printf(b, "[%s = '", path);
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\'' || text[i] == '\\')
			rcx_strbuf_putc(b, '\\');
		rcx_strbuf_putc(b, text[i]);
	}
	rcx_strbuf_puts(b, "']");
}

/* ---- bundles ---- */

static enum rcx_result stix_object(const json_t *o, const struct match_source_options *opt, int64_t now,
				   match_source_fn fn, void *ctx, struct match_source_stats *st)
{
	const char *type = json_string_value(json_object_get(o, "type"));
	if (!type || strcmp(type, "indicator") != 0)
		return RCX_OK;
	(void)opt;
	if (json_is_true(json_object_get(o, "revoked"))) {
		st->revoked++;
		return RCX_OK;
	}
	const json_t *until = json_object_get(o, "valid_until");
	int64_t t;
	if (json_is_string(until) && rcx_time_parse(json_string_value(until), json_string_length(until), &t) == RCX_OK &&
	    t < now) {
		st->expired++;
		return RCX_OK;
	}
	const char *ptype = json_string_value(json_object_get(o, "pattern_type"));
	if (ptype && strcmp(ptype, "stix") != 0) {
		st->unsupported++;
		return RCX_OK;
	}
	const json_t *pat = json_object_get(o, "pattern");
	if (!json_is_string(pat)) {
		st->bad++;
		return RCX_OK;
	}
	uint64_t refused = 0;
	enum rcx_result r = match_stix_pattern_parse(json_string_value(pat), json_string_length(pat), fn, ctx, &refused);
	if (r == RCX_EUNSUPPORTED) {
		st->unsupported++;
		return RCX_OK;
	}
	if (r == RCX_EPARSE) {
		st->bad++;
		return RCX_OK;
	}
	st->refused += refused;
	return r;
}

/* Counts accepted indicators around the caller's callback. */
struct counting {
	match_source_fn fn;
	void *ctx;
	struct match_source_stats *st;
};

static enum rcx_result count_fn(void *ctx, enum match_kind kind, const char *text, size_t len)
{
	struct counting *c = ctx;
	enum rcx_result r = c->fn(c->ctx, kind, text, len);
	if (r == RCX_OK)
		c->st->indicators++;
	return r;
}

enum rcx_result match_source_stix_parse(const char *data, size_t len, const struct match_source_options *opt,
					match_source_fn fn, void *ctx, struct match_source_stats *st)
{
	json_error_t err;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return RCX_EPARSE;
	int64_t now = opt && opt->now_us ? opt->now_us : rcx_time_now();
	struct counting c = {fn, ctx, st};
	const json_t *list = json_is_array(root) ? root : json_object_get(root, "objects");
	enum rcx_result r = RCX_OK;
	if (json_is_array(list)) {
		size_t i;
		const json_t *o;
		json_array_foreach(list, i, o)
		{
			if (r != RCX_OK)
				break;
			if (json_is_object(o))
				r = stix_object(o, opt, now, count_fn, &c, st);
			else
				st->bad++;
		}
	} else if (json_is_object(root)) {
		r = stix_object(root, opt, now, count_fn, &c, st);
	} else {
		r = RCX_EPARSE;
	}
	json_decref(root);
	return r;
}
