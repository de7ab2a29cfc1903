/* The part of the STIX 2.1 patterning language (§9) that describes observables rcx models:
 *
 *   pattern     = observation *( "OR" observation )
 *   observation = "[" comparison *( ( "AND" / "OR" ) comparison ) "]"
 *   comparison  = object-path "=" ( string-literal / integer )
 *
 * AND binds tighter than OR, so the pattern is a list of groups (one event each) of comparisons.
 * Everything else the grammar allows — other operators, NOT, qualifiers (WITHIN, REPEATS, START),
 * observation-level AND and FOLLOWEDBY, parentheses, typed literals — is reported as unsupported with
 * a reason, never guessed at. A cursor with a limit; no recursion. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/limits.h"
#include "core/text.h"
#include "ingest/ingest_stix.h"

static const struct {
	const char *path; /* lowercase, without quotes */
	enum event_field f;
	const char *extra_key;
} paths[] = {
	{"ipv4-addr:value", EF_SOURCE_IP, NULL},
	{"ipv6-addr:value", EF_SOURCE_IP, NULL},
	{"domain-name:value", EF_SOURCE_FQDN, NULL},
	{"url:value", EF_SOURCE_URL, NULL},
	{"email-addr:value", EF_SOURCE_ACCOUNT, NULL},
	{"email-message:from_ref.value", EF_SOURCE_ACCOUNT, NULL},
	{"email-message:sender_ref.value", EF_SOURCE_ACCOUNT, NULL},
	{"file:hashes.md5", EF_MALWARE_HASH_MD5, NULL},
	{"file:hashes.sha-1", EF_MALWARE_HASH_SHA1, NULL},
	{"file:hashes.sha1", EF_MALWARE_HASH_SHA1, NULL},
	{"file:hashes.sha-256", EF_MALWARE_HASH_SHA256, NULL},
	{"file:hashes.sha256", EF_MALWARE_HASH_SHA256, NULL},
	{"file:name", EF_MAX, "file_name"},
	{"autonomous-system:number", EF_SOURCE_ASN, NULL},
	{"network-traffic:src_ref.value", EF_SOURCE_IP, NULL},
	{"network-traffic:dst_ref.value", EF_DESTINATION_IP, NULL},
	{"network-traffic:src_port", EF_SOURCE_PORT, NULL},
	{"network-traffic:dst_port", EF_DESTINATION_PORT, NULL},
};

bool ingest_stix_path_field(const char *path, size_t len, enum event_field *ret_f, const char **ret_extra_key)
{
	char norm[64];
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (path[i] == '\'')
			continue;
		if (n + 1 >= sizeof(norm))
			return false;
		norm[n++] = rcx_lower(path[i]);
	}
	norm[n] = '\0';
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!strcmp(paths[i].path, norm)) {
			*ret_f = paths[i].f;
			*ret_extra_key = paths[i].extra_key;
			return true;
		}
	return false;
}

struct cursor {
	const char *s;
	size_t len, pos;
};

static void skip_ws(struct cursor *c)
{
	while (c->pos < c->len && (c->s[c->pos] == ' ' || c->s[c->pos] == '\t' || c->s[c->pos] == '\r' || c->s[c->pos] == '\n'))
		c->pos++;
}

/* Whether the keyword kw (uppercase, as the grammar spells it) is next, followed by a non-word byte. */
static bool keyword(struct cursor *c, const char *kw)
{
	size_t n = strlen(kw);
	if (c->len - c->pos < n || memcmp(c->s + c->pos, kw, n))
		return false;
	if (c->pos + n < c->len) {
		char d = c->s[c->pos + n];
		if ((d >= 'A' && d <= 'Z') || (d >= 'a' && d <= 'z') || (d >= '0' && d <= '9') || d == '_')
			return false;
	}
	c->pos += n;
	return true;
}

/* Writes before + 'a' (cut, escaped) + after into reason; returns rc. */
static enum rcx_result why(char reason[INGEST_REASON_MAX], enum rcx_result rc, const char *before, const char *a,
			   size_t alen, const char *after)
{
	ingest_reason_quote(reason, before, a, alen < 80 ? alen : 80, after);
	return rc;
}

/* A string literal at the cursor ('...' with \' and \\) copied unescaped into the arena. */
static enum rcx_result read_string(struct cursor *c, struct rcx_arena *arena, const char **ret_v, size_t *ret_len)
{
	size_t start = ++c->pos; /* past the quote */
	size_t n = 0;
	bool closed = false;
	for (size_t i = start; i < c->len; i++) {
		if (c->s[i] == '\\' && i + 1 < c->len) {
			i++;
			n++;
			continue;
		}
		if (c->s[i] == '\'') {
			closed = true;
			break;
		}
		n++;
	}
	if (!closed)
		return RCX_EPARSE;
	char *v = rcx_arena_alloc(arena, n + 1), *w = v;
	while (c->s[c->pos] != '\'') {
		if (c->s[c->pos] == '\\')
			c->pos++;
		*w++ = c->s[c->pos++];
	}
	*w = '\0';
	c->pos++;
	*ret_v = v;
	*ret_len = n;
	return RCX_OK;
}

static enum rcx_result read_comparison(struct cursor *c, struct rcx_arena *arena, struct ingest_stix_term *t,
				       char reason[INGEST_REASON_MAX])
{
	skip_ws(c);
	size_t p0 = c->pos;
	while (c->pos < c->len && !strchr(" \t\r\n=!<>", c->s[c->pos]))
		c->pos++;
	size_t plen = c->pos - p0;
	if (plen == 0 || !memchr(c->s + p0, ':', plen))
		return why(reason, RCX_EPARSE, "pattern: expected an object path at ", c->s + p0, c->len - p0, "");
	skip_ws(c);
	if (c->pos >= c->len)
		return why(reason, RCX_EPARSE, "pattern: ", c->s + p0, plen, " has no comparison");
	if (c->s[c->pos] != '=' || (c->pos + 1 < c->len && c->s[c->pos + 1] == '=')) {
		size_t o0 = c->pos, o1 = c->pos;
		while (o1 < c->len && !strchr(" \t\r\n'", c->s[o1]))
			o1++;
		return why(reason, RCX_EUNSUPPORTED, "pattern: the operator ", c->s + o0,
			   o1 - o0, " is not supported (only =)");
	}
	c->pos++;
	skip_ws(c);
	if (!ingest_stix_path_field(c->s + p0, plen, &t->f, &t->extra_key))
		return why(reason, RCX_EUNSUPPORTED, "pattern: ", c->s + p0, plen, " is not an observable rcx models");
	if (c->pos < c->len && c->s[c->pos] == '\'') {
		if (read_string(c, arena, &t->value, &t->len) != RCX_OK)
			return why(reason, RCX_EPARSE, "pattern: unterminated string after ", c->s + p0, plen, "");
		return RCX_OK;
	}
	size_t d0 = c->pos;
	while (c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9')
		c->pos++;
	if (c->pos == d0)
		return why(reason, RCX_EUNSUPPORTED, "pattern: the literal at ", c->s + d0, c->len - d0, " is not a string or an integer");
	t->value = rcx_arena_strndup(arena, c->s + d0, c->pos - d0);
	t->len = c->pos - d0;
	return RCX_OK;
}

enum rcx_result ingest_stix_pattern_parse(const char *pattern, size_t len, struct rcx_arena *arena,
					  struct ingest_stix_term *ret_terms, size_t max, size_t *ret_n,
					  char reason[INGEST_REASON_MAX])
{
	struct cursor c = {pattern, len, 0};
	size_t n = 0;
	unsigned group = 0;
	if (len > RCX_STIX_PATTERN_MAX) {
		snprintf(reason, INGEST_REASON_MAX, "pattern: longer than %u bytes", RCX_STIX_PATTERN_MAX);
		return RCX_ELIMIT;
	}
	for (;;) {
		skip_ws(&c);
		if (c.pos >= c.len || c.s[c.pos] != '[')
			return why(reason, c.pos < c.len && c.s[c.pos] == '(' ? RCX_EUNSUPPORTED : RCX_EPARSE, "pattern: expected '[' at ", c.s + c.pos, c.len - c.pos, "");
		c.pos++;
		for (;;) {
			if (n == max) {
				snprintf(reason, INGEST_REASON_MAX, "pattern: more than %zu comparisons", max);
				return RCX_ELIMIT;
			}
			skip_ws(&c);
			if (c.pos < c.len && c.s[c.pos] == '(')
				return why(reason, RCX_EUNSUPPORTED, "pattern: parentheses are not supported: ", c.s + c.pos, c.len - c.pos, "");
			if (keyword(&c, "NOT"))
				{
				snprintf(reason, INGEST_REASON_MAX, "pattern: NOT is not supported");
				return RCX_EUNSUPPORTED;
			}
			enum rcx_result rc = read_comparison(&c, arena, &ret_terms[n], reason);
			if (rc != RCX_OK)
				return rc;
			ret_terms[n++].group = group;
			skip_ws(&c);
			if (c.pos < c.len && c.s[c.pos] == ']') {
				c.pos++;
				break;
			}
			if (keyword(&c, "AND"))
				continue;
			if (keyword(&c, "OR")) {
				group++;
				continue;
			}
			return why(reason, RCX_EPARSE, "pattern: expected AND, OR or ']' at ", c.s + c.pos,
				   c.len - c.pos, "");
		}
		skip_ws(&c);
		if (c.pos >= c.len)
			break;
		if (keyword(&c, "OR")) {
			group++;
			continue;
		}
		return why(reason, RCX_EUNSUPPORTED, "pattern: ", c.s + c.pos, c.len - c.pos, " between or after observations is not supported");
	}
	*ret_n = n;
	return RCX_OK;
}
