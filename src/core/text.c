#include "core/text.h"

#include <string.h>

bool rcx_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		/* ASCII fast path, eight bytes at a time: feed text is almost all ASCII */
		while (len - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned cp, min;
		if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

char *rcx_text_to_utf8(struct rcx_arena *a, const char *s, size_t len, size_t *ret_len)
{
	if (rcx_utf8_valid(s, len)) {
		if (ret_len)
			*ret_len = len;
		return rcx_arena_strndup(a, s, len);
	}
	char *out = rcx_arena_alloc(a, len * 2 + 1), *p = out;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			*p++ = (char)c;
		} else {
			*p++ = (char)(0xc0 | (c >> 6));
			*p++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*p = '\0';
	if (ret_len)
		*ret_len = (size_t)(p - out);
	return out;
}

size_t rcx_utf8_clean(char *dst, size_t cap, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0, i = 0;
	while (i < len) {
		size_t n = 1;
		unsigned c = s[i];
		if (c >= 0x80) {
			/* the longest valid sequence starting here, else one byte read as Latin-1 */
			size_t want = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
			if (want && len - i >= want && rcx_utf8_valid(str + i, want))
				n = want;
			else
				n = 0;
		}
		size_t out = n ? n : 2;
		if (w + out + 1 > cap)
			break;
		if (n) {
			memcpy(dst + w, s + i, n);
			i += n;
		} else {
			dst[w] = (char)(0xc0 | (c >> 6));
			dst[w + 1] = (char)(0x80 | (c & 0x3f));
			i++;
		}
		w += out;
	}
	dst[w] = '\0';
	return w;
}

enum rcx_result rcx_json_put_string(struct rcx_strbuf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	/* Worst case every byte becomes \u00XX. */
	char *p = rcx_strbuf_reserve(b, len * 6 + 2);
	if (!p)
		return RCX_ELIMIT;
	char *start = p;
	*p++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		case '\b': *p++ = 'b'; break;
		case '\f': *p++ = 'f'; break;
		default:
			*p++ = 'u';
			*p++ = '0';
			*p++ = '0';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p++ = '"';
	rcx_strbuf_commit(b, (size_t)(p - start));
	return RCX_OK;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

enum rcx_result rcx_base64_put(struct rcx_strbuf *b, const uint8_t *in, size_t len)
{
	char *p = rcx_strbuf_reserve(b, (len + 2) / 3 * 4);
	if (!p)
		return RCX_ELIMIT;
	char *start = p;
	size_t i = 0;
	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*p++ = b64[v >> 18];
		*p++ = b64[(v >> 12) & 63];
		*p++ = b64[(v >> 6) & 63];
		*p++ = b64[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		*p++ = b64[v >> 18];
		*p++ = b64[(v >> 12) & 63];
		*p++ = '=';
		*p++ = '=';
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*p++ = b64[v >> 18];
		*p++ = b64[(v >> 12) & 63];
		*p++ = b64[(v >> 6) & 63];
		*p++ = '=';
	}
	rcx_strbuf_commit(b, (size_t)(p - start));
	return RCX_OK;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

enum rcx_result rcx_base64_decode(struct rcx_arena *a, const char *s, size_t len, uint8_t **ret_p, size_t *ret_len)
{
	while (len && s[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return RCX_EPARSE;
	uint8_t *out = rcx_arena_alloc(a, len / 4 * 3 + 3), *p = out;
	uint32_t acc = 0;
	unsigned bits = 0;
	for (size_t i = 0; i < len; i++) {
		int v = b64_value(s[i]);
		if (v < 0)
			return RCX_EPARSE;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*p++ = (uint8_t)(acc >> bits);
		}
	}
	*ret_p = out;
	*ret_len = (size_t)(p - out);
	return RCX_OK;
}

void rcx_trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;
	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	*s = p;
	*len = n;
}

bool rcx_next_field(const char **s, size_t *len, const char **ret_f, size_t *ret_flen)
{
	rcx_trim(s, len);
	if (*len == 0)
		return false;
	size_t n = 0;
	while (n < *len && (*s)[n] != ' ' && (*s)[n] != '\t')
		n++;
	*ret_f = *s;
	*ret_flen = n;
	*s += n;
	*len -= n;
	return true;
}

enum rcx_result rcx_parse_i64(const char *s, size_t len, int64_t *ret_v)
{
	size_t i = 0;
	bool neg = false;
	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == len)
		return RCX_EPARSE;
	uint64_t v = 0;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return RCX_EPARSE;
		if (v > (UINT64_MAX - 9) / 10)
			return RCX_ELIMIT;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > (uint64_t)INT64_MAX + neg)
		return RCX_ELIMIT;
	*ret_v = neg ? (int64_t)(0 - v) : (int64_t)v;
	return RCX_OK;
}
