/* IPv4/IPv6 addresses and CIDR networks. Addresses are kept as 16 bytes; IPv4 in the first 4.
 * Networks are normalised on parse: host bits cleared, prefix within the family's width. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"

#define RCX_IP_BUF 64 /* longest textual address or network plus NUL */

struct rcx_ip {
	uint8_t family; /* 4 or 6 */
	uint8_t addr[16];
};

struct rcx_cidr {
	struct rcx_ip ip; /* network address */
	uint8_t prefix;   /* 0..32 or 0..128 */
};

/* Parses an address in s[0..len); surrounding blanks ignored. */
enum rcx_result rcx_ip_parse(const char *s, size_t len, struct rcx_ip *ret_ip);
/* Canonical text (dotted quad, RFC 5952 for IPv6). Returns the length. */
size_t rcx_ip_format(const struct rcx_ip *ip, char buf[RCX_IP_BUF]);
/* Parses "addr/prefix" or a bare address (full-length prefix). With strict, host bits set is an error;
 * otherwise they are cleared. */
enum rcx_result rcx_cidr_parse(const char *s, size_t len, bool strict, struct rcx_cidr *ret_cidr);
size_t rcx_cidr_format(const struct rcx_cidr *c, char buf[RCX_IP_BUF]);
bool rcx_cidr_contains(const struct rcx_cidr *c, const struct rcx_ip *ip);
/* Compares two addresses: family first, then bytes. */
int rcx_ip_cmp(const struct rcx_ip *a, const struct rcx_ip *b);
/* Bit i (0 = most significant) of the address. */
static inline unsigned rcx_ip_bit(const struct rcx_ip *ip, unsigned i)
{
	return (ip->addr[i >> 3] >> (7 - (i & 7))) & 1u;
}
