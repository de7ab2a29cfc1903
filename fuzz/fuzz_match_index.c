/* Index files: the input is an index file as match_index_open_mem sees it. Anything accepted must
 * answer lookups of fixed observables and report only ids below the count, whose indicators have text;
 * anything else must be refused without a crash (ASan watches every read). Seeds are small valid indexes
 * written by match_builder_write_mem. */
#include <string.h>

#include "core/ip.h"
#include "fuzz_common.h"
#include "match/match_index.h"

struct ctx {
	uint32_t count;
	size_t hits;
};

static void hit(void *p, uint32_t id)
{
	struct ctx *c = p;
	FUZZ_CHECK(id < c->count, "id %u of %u", id, c->count);
	c->hits++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct match_index *idx;
	if (match_index_open_mem(data, size, &idx) != RCX_OK)
		return 0;
	struct ctx c = {match_index_count(idx), 0};
	static const char *const ips[] = {"192.0.2.1", "10.1.2.3", "0.0.0.0", "255.255.255.255", "::", "::1",
					  "2001:db8::1", "::ffff:192.0.2.9", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"};
	for (size_t i = 0; i < sizeof ips / sizeof ips[0]; i++) {
		struct rcx_ip ip;
		if (rcx_ip_parse(ips[i], strlen(ips[i]), &ip) == RCX_OK)
			match_index_ip(idx, &ip, hit, &c);
	}
	static const char *const names[] = {"a.b.evil.example", "evil.example", "xn--bcher-kva.example", "x"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		match_index_domain(idx, names[i], strlen(names[i]), hit, &c);
	match_index_exact(idx, MATCH_URL, "http://x.example/a", 18, hit, &c);
	match_index_exact(idx, MATCH_MD5, "d41d8cd98f00b204e9800998ecf8427e", 32, hit, &c);
	match_index_exact(idx, MATCH_EMAIL, "bad@evil.example", 16, hit, &c);
	for (uint32_t id = 0; id < c.count && id < 1024; id++) {
		enum match_kind k;
		const char *t;
		size_t n;
		FUZZ_CHECK(match_index_indicator(idx, id, &k, &t, &n) == RCX_OK, "indicator %u missing", id);
		FUZZ_CHECK(k < MATCH_KIND_MAX && t[n] == '\0', "indicator %u: bad kind or text", id);
	}
	match_index_close(idx);
	return 0;
}
