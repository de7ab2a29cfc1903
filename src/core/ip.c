#include "core/ip.h"
#include "core/text.h"

#include <stdio.h>
#include <string.h>

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* Dotted quad: exactly four decimal parts 0..255, no leading zeros (they mean octal to some tools
 * and decimal to others, so such an address is ambiguous and refused, as inet_pton does). */
static bool parse_v4(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part) {
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
		size_t start = i;
		unsigned v = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return false;
		out[part] = (uint8_t)v;
	}
	return i == len;
}


/* RFC 4291 §2.2 text forms: eight groups of 1-4 hex digits, one "::" for a run of zero groups, and
 * an embedded dotted quad as the last 32 bits. */
static bool parse_v6(const char *s, size_t len, uint8_t out[16])
{
	uint8_t b[16] = {0};
	int ngroups = 0, gap = -1;
	size_t i = 0;
	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
		if (i == len) {
			memset(out, 0, 16);
			return true;
		}
	} else if (len && s[0] == ':') {
		return false;
	}
	while (i < len) {
		if (ngroups == 8)
			return false;
		size_t start = i;
		unsigned v = 0;
		int h;
		while (i < len && i - start < 4 && (h = rcx_hex_value(s[i])) >= 0) {
			v = v << 4 | (unsigned)h;
			i++;
		}
		if (i < len && s[i] == '.') {
			/* embedded IPv4 in the last 32 bits */
			if (ngroups > 6 || !parse_v4(s + start, len - start, b + ngroups * 2))
				return false;
			ngroups += 2;
			i = len;
			break;
		}
		if (i == start)
			return false;
		b[ngroups * 2] = (uint8_t)(v >> 8);
		b[ngroups * 2 + 1] = (uint8_t)v;
		ngroups++;
		if (i == len)
			break;
		if (s[i] != ':')
			return false;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = ngroups;
			i++;
			if (i == len)
				break;
		} else if (i == len) {
			return false; /* trailing single colon */
		}
	}
	if (gap < 0) {
		if (ngroups != 8)
			return false;
		memcpy(out, b, 16);
		return true;
	}
	if (ngroups == 8)
		return false; /* "::" must stand for at least one group */
	int tail = ngroups - gap;
	memset(out, 0, 16);
	memcpy(out, b, (size_t)gap * 2);
	memcpy(out + 16 - tail * 2, b + gap * 2, (size_t)tail * 2);
	return true;
}

enum rcx_result rcx_ip_parse(const char *s, size_t len, struct rcx_ip *ret_ip)
{
	struct rcx_ip ip = {0};

	trim(&s, &len);
	if (len == 0 || len >= RCX_IP_BUF)
		return RCX_EPARSE;
	if (memchr(s, ':', len)) {
		/* A zone index (fe80::1%eth0) does not identify a host outside its link: refused. */
		if (!parse_v6(s, len, ip.addr))
			return RCX_EPARSE;
		ip.family = 6;
	} else {
		if (!parse_v4(s, len, ip.addr))
			return RCX_EPARSE;
		ip.family = 4;
	}
	*ret_ip = ip;
	return RCX_OK;
}

static char *put_v4(char *p, const uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = '.';
	}
	return p - 1;
}

/* RFC 5952: lowercase, no leading zeros, the longest run (first on ties) of two or more zero groups
 * as "::", and the dotted quad for IPv4-mapped addresses (::ffff:a.b.c.d, §5). Deprecated
 * IPv4-compatible addresses are written in hex (inet_ntop would write ::a.b.c.d). */
static char *put_v6(char *p, const uint8_t a[16])
{
	static const char hex[] = "0123456789abcdef";
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	int best = -1, best_len = 0;
	for (int i = 0; i < 8;) {
		if (g[i]) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && !g[j])
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	bool mapped = best == 0 && (best_len == 5 && g[5] == 0xffff);
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			if (i == 0)
				*p++ = ':';
			i += best_len - 1;
			continue;
		}
		if ((mapped && i == 5)) {
			memcpy(p, "ffff:", 5);
			p = put_v4(p + 5, a + 12);
			return p;
		}
		bool lead = false;
		for (int sh = 12; sh >= 0; sh -= 4) {
			unsigned d = g[i] >> sh & 15;
			if (d || lead || sh == 0) {
				*p++ = hex[d];
				lead = true;
			}
		}
		if (i < 7)
			*p++ = ':';
	}
	return p;
}

size_t rcx_ip_format(const struct rcx_ip *ip, char buf[RCX_IP_BUF])
{
	char *end = ip->family == 6 ? put_v6(buf, ip->addr) : put_v4(buf, ip->addr);
	*end = '\0';
	return (size_t)(end - buf);
}

static void clear_host_bits(struct rcx_ip *ip, unsigned prefix, bool *ret_had_bits)
{
	unsigned width = ip->family == 6 ? 128 : 32;
	bool had = false;
	for (unsigned i = prefix; i < width; i++) {
		uint8_t mask = (uint8_t)(0x80u >> (i & 7));
		if (ip->addr[i >> 3] & mask) {
			had = true;
			ip->addr[i >> 3] &= (uint8_t)~mask;
		}
	}
	*ret_had_bits = had;
}

enum rcx_result rcx_cidr_parse(const char *s, size_t len, bool strict, struct rcx_cidr *ret_cidr)
{
	struct rcx_cidr c;
	trim(&s, &len);
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	enum rcx_result r = rcx_ip_parse(s, alen, &c.ip);
	if (r != RCX_OK)
		return r;
	unsigned width = c.ip.family == 6 ? 128 : 32, prefix = width;
	if (slash) {
		const char *p = slash + 1, *end = s + len;
		if (p == end || end - p > 3)
			return RCX_EPARSE;
		prefix = 0;
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return RCX_EPARSE;
			prefix = prefix * 10 + (unsigned)(*p - '0');
		}
		if (prefix > width)
			return RCX_EPARSE;
	}
	bool had_bits;
	clear_host_bits(&c.ip, prefix, &had_bits);
	if (strict && had_bits)
		return RCX_EPARSE;
	c.prefix = (uint8_t)prefix;
	*ret_cidr = c;
	return RCX_OK;
}

size_t rcx_cidr_format(const struct rcx_cidr *c, char buf[RCX_IP_BUF])
{
	size_t n = rcx_ip_format(&c->ip, buf);
	int m = snprintf(buf + n, RCX_IP_BUF - n, "/%u", c->prefix);
	return n + (m > 0 ? (size_t)m : 0);
}

bool rcx_cidr_contains(const struct rcx_cidr *c, const struct rcx_ip *ip)
{
	if (c->ip.family != ip->family)
		return false;
	unsigned full = c->prefix / 8, rest = c->prefix % 8;
	if (memcmp(c->ip.addr, ip->addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xffu << (8 - rest));
	return (c->ip.addr[full] & mask) == (ip->addr[full] & mask);
}

int rcx_ip_cmp(const struct rcx_ip *a, const struct rcx_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4);
}
