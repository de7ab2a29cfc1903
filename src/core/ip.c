#include "core/ip.h"

#include <arpa/inet.h>
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

enum rcx_result rcx_ip_parse(const char *s, size_t len, struct rcx_ip *ret_ip)
{
	char buf[RCX_IP_BUF];
	struct rcx_ip ip = {0};

	trim(&s, &len);
	if (len == 0 || len >= sizeof(buf))
		return RCX_EPARSE;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (memchr(buf, ':', len)) {
		/* A zone index (fe80::1%eth0) does not identify a host outside its link. */
		if (inet_pton(AF_INET6, buf, ip.addr) != 1)
			return RCX_EPARSE;
		ip.family = 6;
	} else {
		if (inet_pton(AF_INET, buf, ip.addr) != 1)
			return RCX_EPARSE;
		ip.family = 4;
	}
	*ret_ip = ip;
	return RCX_OK;
}

size_t rcx_ip_format(const struct rcx_ip *ip, char buf[RCX_IP_BUF])
{
	if (!inet_ntop(ip->family == 6 ? AF_INET6 : AF_INET, ip->addr, buf, RCX_IP_BUF)) {
		buf[0] = '\0';
		return 0;
	}
	return strlen(buf);
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
