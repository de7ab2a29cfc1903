/* Reading back an event body that rcx wrote itself (event_to_json), without a JSON tree.
 *
 * Every read of the store goes through here: the REST API answering pages of events, `rcx events`.
 * The general reader (event_from_json) builds a jansson tree and validates every field again;
 * a stored body was validated when it was written, so this reader only splits it:
 *   - the text must be one flat object, keys in strictly ascending byte order with extra.* keys
 *     forming one sorted run (exactly what event_to_json writes);
 *   - field values are JSON strings (unescaped into the arena) or, for literal fields, the literal
 *     text as it stands; extra.* values are kept as their JSON text, which is how struct event
 *     holds them; times go through event_set so their cached parse is right.
 * Anything else — an unknown key, "raw", a nested object, an escape it does not expect, a key out
 * of order — answers RCX_EPARSE and the caller falls back to event_from_json, so an odd body is
 * slower, never wrong. Bounds: one pass over len bytes; copies at most len bytes into the arena. */
#include <string.h>

#include "core/event.h"
#include "core/limits.h"
#include "core/text.h"

struct cursor {
	const char *p, *end;
};

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\t' || *c->p == '\r'))
		c->p++;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int d = rcx_hex_value(p[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static char *put_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xc0 | cp >> 6);
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xe0 | cp >> 12);
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*w++ = (char)(0xf0 | cp >> 18);
		*w++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	}
	return w;
}

/* A JSON string at c->p: its raw span [ret_start, c->p) including quotes, and, when out is not
 * NULL, its unescaped text in the arena. false on anything malformed or a \u0000. */
static bool read_string(struct cursor *c, struct rcx_arena *a, char **ret_text, size_t *ret_len)
{
	if (c->p >= c->end || *c->p != '"')
		return false;
	const char *s = ++c->p;
	bool escaped = false;
	while (c->p < c->end && *c->p != '"') {
		if ((unsigned char)*c->p < 0x20)
			return false; /* raw control characters are not JSON */
		if (*c->p == '\\') {
			escaped = true;
			if (++c->p >= c->end)
				return false;
		}
		c->p++;
	}
	if (c->p >= c->end)
		return false;
	const char *e = c->p++;
	if (!ret_text)
		return true;
	size_t n = (size_t)(e - s);
	char *out = rcx_arena_alloc(a, n + 1), *w = out;
	if (!escaped) {
		memcpy(out, s, n);
		w = out + n;
	} else {
		for (const char *r = s; r < e; r++) {
			if (*r != '\\') {
				*w++ = *r;
				continue;
			}
			r++;
			switch (*r) {
			case '"': *w++ = '"'; break;
			case '\\': *w++ = '\\'; break;
			case '/': *w++ = '/'; break;
			case 'b': *w++ = '\b'; break;
			case 'f': *w++ = '\f'; break;
			case 'n': *w++ = '\n'; break;
			case 'r': *w++ = '\r'; break;
			case 't': *w++ = '\t'; break;
			case 'u': {
				if (e - r < 5)
					return false;
				int cp = hex4(r + 1);
				r += 4;
				if (cp <= 0)
					return false; /* NUL, or not hex */
				if (cp >= 0xd800 && cp <= 0xdbff) {
					int lo = e - r >= 7 && r[1] == '\\' && r[2] == 'u' ? hex4(r + 3) : -1;
					if (lo < 0xdc00 || lo > 0xdfff)
						return false;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					r += 6;
				} else if (cp >= 0xdc00 && cp <= 0xdfff) {
					return false;
				}
				w = put_utf8(w, (unsigned)cp);
				break;
			}
			default: return false;
			}
		}
	}
	*w = '\0';
	*ret_text = out;
	*ret_len = (size_t)(w - out);
	return true;
}

/* Skips one JSON value (string, literal, object, array) at c->p without interpreting it. */
static bool skip_value(struct cursor *c)
{
	int depth = 0;
	do {
		skip_ws(c);
		if (c->p >= c->end)
			return false;
		char ch = *c->p;
		if (ch == '"') {
			if (!read_string(c, NULL, NULL, NULL))
				return false;
		} else if (ch == '{' || ch == '[') {
			depth++;
			c->p++;
		} else if (ch == '}' || ch == ']') {
			if (depth == 0)
				return false;
			depth--;
			c->p++;
		} else if (ch == ',' || ch == ':') {
			if (depth == 0)
				return false;
			c->p++;
		} else {
			const char *s = c->p;
			while (c->p < c->end && !strchr(" \t\r\n,:]}", *c->p) && *c->p != '"')
				c->p++;
			if (c->p == s)
				return false;
		}
	} while (depth > 0);
	return true;
}

enum rcx_result event_from_stored_json(struct event *ev, const char *json, size_t len)
{
	struct cursor c = {json, json + len};
	char *prev_key = NULL;
	size_t prev_len = 0;
	skip_ws(&c);
	if (c.p >= c.end || *c.p++ != '{')
		return RCX_EPARSE;
	skip_ws(&c);
	if (c.p < c.end && *c.p == '}')
		return ++c.p, RCX_OK;
	for (;;) {
		char *key;
		size_t klen;
		skip_ws(&c);
		if (!read_string(&c, ev->arena, &key, &klen))
			return RCX_EPARSE;
		/* strictly ascending keys: no duplicates, and extras arrive already sorted */
		if (prev_key) {
			size_t m = klen < prev_len ? klen : prev_len;
			int cmp = memcmp(prev_key, key, m);
			if (cmp > 0 || (cmp == 0 && prev_len >= klen))
				return RCX_EPARSE;
		}
		prev_key = key;
		prev_len = klen;
		skip_ws(&c);
		if (c.p >= c.end || *c.p++ != ':')
			return RCX_EPARSE;
		skip_ws(&c);
		const char *vstart = c.p;
		if (klen > 6 && !memcmp(key, "extra.", 6)) {
			if (!skip_value(&c) || event_extra_reserve(ev) != RCX_OK)
				return RCX_EPARSE;
			ev->extra[ev->n_extra].key = key + 6;
			ev->extra[ev->n_extra].value = rcx_arena_strndup(ev->arena, vstart, (size_t)(c.p - vstart));
			ev->n_extra++;
		} else {
			enum event_field f = event_field_lookup(key, klen);
			if (f == EF_MAX)
				return RCX_EPARSE; /* "raw", unknown keys: the general reader knows what to do */
			if (event_field_is_json_literal(f)) { /* numbers, booleans, JSON: the text as written */
				if (!skip_value(&c))
					return RCX_EPARSE;
				ev->f[f] = rcx_arena_strndup(ev->arena, vstart, (size_t)(c.p - vstart));
			} else {
				char *text;
				size_t tlen;
				if (!read_string(&c, ev->arena, &text, &tlen))
					return RCX_EPARSE;
				if (f == EF_TIME_SOURCE || f == EF_TIME_OBSERVATION) {
					if (event_set(ev, f, text, tlen) != RCX_OK) /* keeps the cached parse right */
						return RCX_EPARSE;
				} else {
					ev->f[f] = text;
				}
			}
		}
		skip_ws(&c);
		if (c.p >= c.end)
			return RCX_EPARSE;
		if (*c.p == '}') {
			c.p++;
			break;
		}
		if (*c.p++ != ',')
			return RCX_EPARSE;
	}
	skip_ws(&c);
	return c.p == c.end ? RCX_OK : RCX_EPARSE;
}
