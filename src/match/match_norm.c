/* Normalisation of indicators and observables (see match_norm.h). Every function here is idempotent:
 * its output, normalised again, is the same bytes; fuzz/fuzz_match_norm.c checks it. */
#include "match/match_norm.h"

#include <idn2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"

static const char *const KIND_NAMES[MATCH_KIND_MAX] = {
	[MATCH_IP] = "ip",       [MATCH_CIDR] = "cidr", [MATCH_DOMAIN] = "domain", [MATCH_URL] = "url",
	[MATCH_MD5] = "md5",     [MATCH_SHA1] = "sha1", [MATCH_SHA256] = "sha256", [MATCH_EMAIL] = "email",
};

const char *match_kind_name(enum match_kind kind)
{
	return (unsigned)kind < MATCH_KIND_MAX ? KIND_NAMES[kind] : NULL;
}

enum match_kind match_kind_from_name(const char *s, size_t len)
{
	for (unsigned k = 0; k < MATCH_KIND_MAX; k++)
		if (strlen(KIND_NAMES[k]) == len && memcmp(KIND_NAMES[k], s, len) == 0)
			return (enum match_kind)k;
	return MATCH_KIND_MAX;
}

/* Output cursor: appends until cap - 1 bytes (room for the NUL), then only records the overflow. */
struct out {
	char *p;
	size_t len, cap;
	bool over;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->over || n > o->cap - 1 - o->len || o->len + n > MATCH_TEXT_MAX) {
		o->over = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void putc_(struct out *o, char c)
{
	put(o, &c, 1);
}

static enum rcx_result finish(const struct out *o, char *dst, size_t cap, size_t *ret_len)
{
	if (o->over || o->len >= cap)
		return RCX_ELIMIT;
	memcpy(dst, o->p, o->len);
	dst[o->len] = '\0';
	*ret_len = o->len;
	return RCX_OK;
}

static bool is_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}


/* ---- addresses ---- */

static const uint8_t V4_MAPPED[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

void match_norm_ip_unmap(struct rcx_ip *ip)
{
	if (ip->family != 6 || memcmp(ip->addr, V4_MAPPED, 12) != 0)
		return;
	uint8_t v4[4];
	memcpy(v4, ip->addr + 12, 4);
	memset(ip->addr, 0, sizeof ip->addr);
	memcpy(ip->addr, v4, 4);
	ip->family = 4;
}

void match_norm_cidr_unmap(struct rcx_cidr *c)
{
	if (c->ip.family != 6 || c->prefix < 96 || memcmp(c->ip.addr, V4_MAPPED, 12) != 0)
		return;
	match_norm_ip_unmap(&c->ip);
	c->prefix = (uint8_t)(c->prefix - 96);
}

/* IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address: the same host seen by a dual-stack socket. */
enum rcx_result match_norm_ip(const char *s, size_t len, char *out, size_t cap, size_t *ret_len)
{
	struct rcx_ip ip;
	char buf[RCX_IP_BUF];
	if (rcx_ip_parse(s, len, &ip) != RCX_OK)
		return RCX_EPARSE;
	match_norm_ip_unmap(&ip);
	struct out o = {buf, 0, sizeof buf, false};
	o.len = rcx_ip_format(&ip, buf);
	return finish(&o, out, cap, ret_len);
}

/* Host bits are cleared (192.0.2.7/24 is 192.0.2.0/24); ::ffff:0:0/96 and below become IPv4. */
enum rcx_result match_norm_cidr(const char *s, size_t len, char *out, size_t cap, size_t *ret_len)
{
	struct rcx_cidr c;
	char buf[RCX_IP_BUF];
	if (rcx_cidr_parse(s, len, false, &c) != RCX_OK)
		return RCX_EPARSE;
	match_norm_cidr_unmap(&c);
	struct out o = {buf, 0, sizeof buf, false};
	o.len = rcx_cidr_format(&c, buf);
	return finish(&o, out, cap, ret_len);
}

/* ---- domains ---- */

#define DOMAIN_IN_MAX 1024u /* bytes of a name before IDN mapping */

/* Lowercase, IDN → A-labels (UTS #46 non-transitional, transitional as a fallback), one trailing dot
 * stripped, labels of [a-z0-9-_] (underscores occur in real DNS data), 1..63 bytes, total ≤ 253. */
enum rcx_result match_norm_domain(const char *s, size_t len, char *out, size_t cap, size_t *ret_len)
{
	char buf[DOMAIN_IN_MAX + 1];
	size_t n;
	rcx_trim(&s, &len);
	if (len && s[len - 1] == '.')
		len--;
	if (len == 0 || len > DOMAIN_IN_MAX)
		return RCX_EPARSE;
	if (is_ascii(s, len)) {
		for (size_t i = 0; i < len; i++)
			buf[i] = rcx_lower(s[i]);
		n = len;
	} else {
		if (!rcx_utf8_valid(s, len) || memchr(s, '\0', len))
			return RCX_EPARSE;
		memcpy(buf, s, len);
		buf[len] = '\0';
		char *ascii = NULL;
		if (idn2_to_ascii_8z(buf, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK &&
		    idn2_to_ascii_8z(buf, &ascii, IDN2_TRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK)
			return RCX_EPARSE;
		n = strlen(ascii);
		if (n > 254) {
			idn2_free(ascii);
			return RCX_EPARSE;
		}
		for (size_t i = 0; i < n; i++)
			buf[i] = rcx_lower(ascii[i]);
		idn2_free(ascii);
		/* mapping can produce a last dot ("example\uFF0E"): strip it too, for idempotence */
		if (n && buf[n - 1] == '.')
			n--;
	}
	if (n == 0 || n > 253)
		return RCX_EPARSE;
	size_t label = 0;
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (c == '.') {
			if (label == 0)
				return RCX_EPARSE;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return RCX_EPARSE;
		if (++label > 63)
			return RCX_EPARSE;
	}
	if (label == 0)
		return RCX_EPARSE;
	struct out o = {buf, n, sizeof buf, false};
	return finish(&o, out, cap, ret_len);
}

/* ---- hashes and e-mail ---- */

enum rcx_result match_norm_hash(enum match_kind kind, const char *s, size_t len, char *out, size_t cap,
				size_t *ret_len)
{
	size_t want = kind == MATCH_MD5 ? 32 : kind == MATCH_SHA1 ? 40 : kind == MATCH_SHA256 ? 64 : 0;
	if (want == 0)
		return RCX_EINVAL;
	rcx_trim(&s, &len);
	if (len != want)
		return RCX_EPARSE;
	char buf[64];
	for (size_t i = 0; i < len; i++) {
		if (rcx_hex_value(s[i]) < 0)
			return RCX_EPARSE;
		buf[i] = rcx_lower(s[i]);
	}
	struct out o = {buf, len, sizeof buf + 1, false};
	return finish(&o, out, cap, ret_len);
}

/* local@domain, split at the last '@'. The local part is lowercased too although RFC 5321 lets it be
 * case-sensitive: no mail system in use treats it so, and indicators and logs write the same mailbox in
 * different cases; a missed match costs more than the theoretical false one. The domain is normalised
 * as a domain (IDN → A-labels); address literals ("[192.0.2.1]") are refused. */
enum rcx_result match_norm_email(const char *s, size_t len, char *out, size_t cap, size_t *ret_len)
{
	rcx_trim(&s, &len);
	const char *at = NULL;
	for (size_t i = len; i > 0; i--)
		if (s[i - 1] == '@') {
			at = s + i - 1;
			break;
		}
	if (!at)
		return RCX_EPARSE;
	size_t llen = (size_t)(at - s);
	if (llen == 0 || llen > 64 || !rcx_utf8_valid(s, llen))
		return RCX_EPARSE;
	char dom[MATCH_NORM_BUF];
	size_t dlen;
	enum rcx_result r = match_norm_domain(at + 1, len - llen - 1, dom, sizeof dom, &dlen);
	if (r != RCX_OK)
		return RCX_EPARSE;
	/* the domain must not have had blanks of its own: trimming happened once, on the whole address */
	if (at + 1 == s + len || at[1] == ' ' || at[1] == '\t')
		return RCX_EPARSE;
	char buf[64 + 1 + 253];
	struct out o = {buf, 0, sizeof buf + 1, false};
	for (size_t i = 0; i < llen; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f)
			return RCX_EPARSE;
		putc_(&o, rcx_lower((char)c));
	}
	putc_(&o, '@');
	put(&o, dom, dlen);
	return finish(&o, out, cap, ret_len);
}

/* ---- URLs ---- */

static bool unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '.' || c == '_' || c == '~';
}

/* RFC 3986 §6.2.2.1-2: escapes of unreserved characters decoded, the others' hex uppercased. A '%' not
 * followed by two hex digits becomes "%25", and control, space and non-ASCII bytes are escaped, so the
 * output is ASCII and normalising it again changes nothing. */
static void put_pct_normalised(struct out *o, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%' && i + 2 < len && rcx_hex_value(s[i + 1]) >= 0 && rcx_hex_value(s[i + 2]) >= 0) {
			c = (unsigned char)(rcx_hex_value(s[i + 1]) * 16 + rcx_hex_value(s[i + 2]));
			i += 2;
			if (unreserved(c)) {
				putc_(o, (char)c);
				continue;
			}
		} else if (c != '%' && c > 0x20 && c < 0x7f) {
			putc_(o, (char)c);
			continue;
		}
		char e[3] = {'%', hex[c >> 4], hex[c & 15]};
		put(o, e, 3);
	}
}

/* RFC 3986 §5.2.4 on p[0..len) (an absolute path) in place; returns the new length. */
static size_t remove_dot_segments(char *p, size_t len)
{
	size_t in = 0, outl = 0;
	while (in < len) {
		const char *r = p + in;
		size_t rest = len - in;
		if (rest >= 3 && !memcmp(r, "../", 3))
			in += 3;
		else if (rest >= 2 && !memcmp(r, "./", 2))
			in += 2;
		else if (rest >= 3 && !memcmp(r, "/./", 3))
			in += 2;
		else if (rest == 2 && !memcmp(r, "/.", 2)) {
			in += 1;
			p[in] = '/';
		} else if ((rest >= 4 && !memcmp(r, "/../", 4)) || (rest == 3 && !memcmp(r, "/..", 3))) {
			if (rest == 3) {
				in += 2;
				p[in] = '/';
			} else
				in += 3;
			while (outl > 0 && p[outl - 1] != '/')
				outl--;
			if (outl > 0)
				outl--;
		} else if ((rest == 1 && r[0] == '.') || (rest == 2 && !memcmp(r, "..", 2)))
			in = len;
		else {
			size_t j = in + (p[in] == '/' ? 1 : 0);
			while (j < len && p[j] != '/')
				j++;
			memmove(p + outl, p + in, j - in);
			outl += j - in;
			in = j;
		}
	}
	return outl;
}

static unsigned default_port(const char *scheme, size_t n)
{
	if (n == 4 && !memcmp(scheme, "http", 4))
		return 80;
	if (n == 5 && !memcmp(scheme, "https", 5))
		return 443;
	if (n == 3 && !memcmp(scheme, "ftp", 3))
		return 21;
	return 0;
}

/* Host of a URL: "[IPv6]" in canonical form, an IPv4 address in dotted quad, or a domain (lowercase,
 * A-labels, no trailing dot). A domain that turns out to be an address after IDN mapping is written as
 * the address, so a second pass gives the same text. Percent-escapes in hosts are refused. */
static bool put_host(struct out *o, const char *h, size_t n)
{
	struct rcx_ip ip;
	char buf[MATCH_NORM_BUF];
	size_t blen;
	if (n == 0)
		return true; /* file:///path */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)h[i] <= 0x20 || h[i] == '%' || h[i] == 0x7f)
			return false;
	if (h[0] == '[') {
		if (h[n - 1] != ']' || rcx_ip_parse(h + 1, n - 2, &ip) != RCX_OK || ip.family != 6)
			return false;
		blen = rcx_ip_format(&ip, buf);
		putc_(o, '[');
		put(o, buf, blen);
		putc_(o, ']');
		return true;
	}
	if (memchr(h, ':', n))
		return false;
	if (rcx_ip_parse(h, n, &ip) != RCX_OK) {
		if (match_norm_domain(h, n, buf, sizeof buf, &blen) != RCX_OK)
			return false;
		if (rcx_ip_parse(buf, blen, &ip) != RCX_OK) {
			put(o, buf, blen);
			return true;
		}
	}
	if (ip.family != 4)
		return false;
	blen = rcx_ip_format(&ip, buf);
	put(o, buf, blen);
	return true;
}

/* scheme://[userinfo@]host[:port][/path][?query][#fragment] → lowercase scheme and host, IDN host in
 * A-labels without its trailing dot, default port (http 80, https 443, ftp 21) and empty port dropped,
 * percent-escapes normalised (put_pct_normalised) in userinfo, path and query, dot segments removed,
 * empty path "/", fragment dropped. The query keeps its order and separators. */
enum rcx_result match_norm_url(const char *s, size_t len, char *out, size_t cap, size_t *ret_len)
{
	rcx_trim(&s, &len);
	if (len > MATCH_TEXT_MAX)
		return RCX_ELIMIT;
	const char *end = s + len, *sep = NULL;
	for (const char *p = s; p + 3 <= end; p++)
		if (p[0] == ':' && p[1] == '/' && p[2] == '/') {
			sep = p;
			break;
		}
	if (!sep || sep == s)
		return RCX_EPARSE;
	size_t slen = (size_t)(sep - s);
	char scheme[32];
	if (slen >= sizeof scheme)
		return RCX_EPARSE;
	for (size_t i = 0; i < slen; i++) {
		char c = rcx_lower(s[i]);
		if (!((c >= 'a' && c <= 'z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
			return RCX_EPARSE;
		scheme[i] = c;
	}
	const char *a = sep + 3, *ae = a;
	while (ae < end && *ae != '/' && *ae != '?' && *ae != '#')
		ae++;
	const char *pe = ae;
	while (pe < end && *pe != '?' && *pe != '#')
		pe++;
	const char *qe = pe;
	while (qe < end && *qe != '#')
		qe++;

	const char *host = a, *at = NULL;
	for (const char *p = a; p < ae; p++)
		if (*p == '@')
			at = p;
	if (at)
		host = at + 1;
	const char *he = ae, *port = NULL;
	if (host < ae && *host == '[') {
		const char *rb = memchr(host, ']', (size_t)(ae - host));
		if (!rb)
			return RCX_EPARSE;
		he = rb + 1;
		if (he < ae) {
			if (*he != ':')
				return RCX_EPARSE;
			port = he + 1;
		}
	} else {
		const char *colon = memchr(host, ':', (size_t)(ae - host));
		if (colon) {
			he = colon;
			port = colon + 1;
		}
	}
	unsigned portv = 0;
	bool has_port = false;
	if (port) {
		for (const char *p = port; p < ae; p++) {
			if (*p < '0' || *p > '9')
				return RCX_EPARSE;
			portv = portv * 10 + (unsigned)(*p - '0');
			if (portv > 65535)
				return RCX_EPARSE;
			has_port = true;
		}
	}

	char tmp[MATCH_NORM_BUF];
	struct out o = {tmp, 0, sizeof tmp, false};
	put(&o, scheme, slen);
	put(&o, "://", 3);
	if (at) {
		put_pct_normalised(&o, a, (size_t)(at - a));
		putc_(&o, '@');
	}
	if (!put_host(&o, host, (size_t)(he - host)))
		return RCX_EPARSE;
	if (has_port && portv != default_port(scheme, slen)) {
		char pb[8];
		int m = snprintf(pb, sizeof pb, ":%u", portv);
		put(&o, pb, (size_t)m);
	}
	size_t path_at = o.len;
	put_pct_normalised(&o, ae, (size_t)(pe - ae));
	if (o.over)
		return RCX_ELIMIT;
	o.len = path_at + remove_dot_segments(tmp + path_at, o.len - path_at);
	if (o.len == path_at)
		putc_(&o, '/');
	if (pe < qe)
		put_pct_normalised(&o, pe, (size_t)(qe - pe)); /* '?' is kept as is */
	return finish(&o, out, cap, ret_len);
}

/* ---- dispatch and detection ---- */

enum rcx_result match_norm(enum match_kind kind, const char *s, size_t len, char *out, size_t cap,
			   size_t *ret_len)
{
	if (cap == 0)
		return RCX_EINVAL;
	if (len > MATCH_TEXT_MAX)
		return RCX_ELIMIT;
	switch (kind) {
	case MATCH_IP:
		return match_norm_ip(s, len, out, cap, ret_len);
	case MATCH_CIDR:
		return match_norm_cidr(s, len, out, cap, ret_len);
	case MATCH_DOMAIN:
		return match_norm_domain(s, len, out, cap, ret_len);
	case MATCH_URL:
		return match_norm_url(s, len, out, cap, ret_len);
	case MATCH_MD5:
	case MATCH_SHA1:
	case MATCH_SHA256:
		return match_norm_hash(kind, s, len, out, cap, ret_len);
	case MATCH_EMAIL:
		return match_norm_email(s, len, out, cap, ret_len);
	case MATCH_KIND_MAX:
		break;
	}
	return RCX_EINVAL;
}

enum match_kind match_kind_detect(const char *s, size_t len)
{
	struct rcx_ip ip;
	struct rcx_cidr c;
	rcx_trim(&s, &len);
	if (len == 0 || len > MATCH_TEXT_MAX)
		return MATCH_KIND_MAX;
	if (rcx_ip_parse(s, len, &ip) == RCX_OK)
		return MATCH_IP;
	if (memchr(s, '/', len) && rcx_cidr_parse(s, len, false, &c) == RCX_OK)
		return MATCH_CIDR;
	if (len == 32 || len == 40 || len == 64) {
		size_t i = 0;
		while (i < len && rcx_hex_value(s[i]) >= 0)
			i++;
		if (i == len)
			return len == 32 ? MATCH_MD5 : len == 40 ? MATCH_SHA1 : MATCH_SHA256;
	}
	if (len >= 3 && memmem(s, len, "://", 3))
		return MATCH_URL;
	if (memchr(s, '@', len))
		return MATCH_EMAIL;
	char buf[MATCH_NORM_BUF];
	size_t n;
	if (match_norm_domain(s, len, buf, sizeof buf, &n) == RCX_OK)
		return MATCH_DOMAIN;
	return MATCH_KIND_MAX;
}
