/* Addresses and networks: parse → format → parse gives the same value and the same text, strict
 * and lenient CIDR parsing agree on canonical text, and a network contains its own address. */
#include <stdbool.h>
#include <string.h>

#include "core/ip.h"
#include "fuzz_common.h"

static void check_ip(const char *s, size_t len, struct rcx_ip *ret_ip, bool *ret_ok)
{
	struct rcx_ip ip, again;
	char buf[RCX_IP_BUF], buf2[RCX_IP_BUF];
	*ret_ok = rcx_ip_parse(s, len, &ip) == RCX_OK;
	if (!*ret_ok)
		return;
	FUZZ_CHECK(ip.family == 4 || ip.family == 6, "family %u", ip.family);
	size_t n = rcx_ip_format(&ip, buf);
	FUZZ_CHECK(n > 0 && n < RCX_IP_BUF, "address formats to %zu bytes", n);
	FUZZ_CHECK(rcx_ip_parse(buf, n, &again) == RCX_OK, "canonical address \"%s\" does not parse", buf);
	FUZZ_CHECK(rcx_ip_cmp(&ip, &again) == 0, "\"%s\" parses to another address", buf);
	size_t n2 = rcx_ip_format(&again, buf2);
	FUZZ_CHECK(n2 == n && !memcmp(buf, buf2, n), "\"%s\" formats back as \"%s\"", buf, buf2);
	*ret_ip = ip;
}

static void check_cidr(const char *s, size_t len, bool strict, const struct rcx_ip *bare)
{
	struct rcx_cidr c, again;
	char buf[RCX_IP_BUF], buf2[RCX_IP_BUF];
	if (rcx_cidr_parse(s, len, strict, &c) != RCX_OK) {
		FUZZ_CHECK(!bare, "an address that parses is not a network (strict=%d)", strict);
		return;
	}
	unsigned width = c.ip.family == 6 ? 128 : 32;
	FUZZ_CHECK((c.ip.family == 4 || c.ip.family == 6) && c.prefix <= width, "family %u prefix %u", c.ip.family,
		   c.prefix);
	if (bare)
		FUZZ_CHECK(c.prefix == width && rcx_ip_cmp(&c.ip, bare) == 0, "bare address is not a host network");
	FUZZ_CHECK(rcx_cidr_contains(&c, &c.ip), "network does not contain its own address");
	size_t n = rcx_cidr_format(&c, buf);
	FUZZ_CHECK(n > 0 && n < RCX_IP_BUF && strlen(buf) == n, "network formats to %zu bytes", n);
	FUZZ_CHECK(rcx_cidr_parse(buf, n, true, &again) == RCX_OK, "canonical network \"%s\" fails a strict parse", buf);
	FUZZ_CHECK(again.prefix == c.prefix && rcx_ip_cmp(&again.ip, &c.ip) == 0, "\"%s\" parses to another network",
		   buf);
	size_t n2 = rcx_cidr_format(&again, buf2);
	FUZZ_CHECK(n2 == n && !memcmp(buf, buf2, n), "\"%s\" formats back as \"%s\"", buf, buf2);
	if (strict) {
		struct rcx_cidr lenient;
		FUZZ_CHECK(rcx_cidr_parse(s, len, false, &lenient) == RCX_OK && lenient.prefix == c.prefix &&
				   rcx_ip_cmp(&lenient.ip, &c.ip) == 0,
			   "strict and lenient parses disagree on \"%s\"", buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct rcx_ip ip;
	bool ok;
	check_ip(s, size, &ip, &ok);
	check_cidr(s, size, true, ok ? &ip : NULL);
	check_cidr(s, size, false, ok ? &ip : NULL);
	return 0;
}
