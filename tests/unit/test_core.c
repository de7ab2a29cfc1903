/* Unit tests of core: time, IP/CIDR, TLP, taxonomy, text helpers, config, the event model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#include "core/config.h"
#include "core/event.h"
#include "core/ip.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/time.h"
#include "core/tlp.h"

static void roundtrip_time(const char *in, const char *want)
{
	int64_t us;
	char buf[RCX_TIME_BUF];
	assert_int_equal(rcx_time_parse(in, strlen(in), &us), RCX_OK);
	rcx_time_format(us, buf);
	assert_string_equal(buf, want);
}

static void test_time(void **state)
{
	(void)state;
	roundtrip_time("2010-02-10 00:00:00", "2010-02-10T00:00:00+00:00");
	roundtrip_time("2024-01-01T10:20:30Z", "2024-01-01T10:20:30+00:00");
	roundtrip_time("2024-01-01T10:20:30+02:00", "2024-01-01T08:20:30+00:00");
	roundtrip_time("2024-01-01T01:20:30-0130", "2024-01-01T02:50:30+00:00");
	roundtrip_time("2024-02-29", "2024-02-29T00:00:00+00:00");
	roundtrip_time("2019-02-13 10:32:07 UTC", "2019-02-13T10:32:07+00:00");
	roundtrip_time("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.500000+00:00");
	roundtrip_time("1969-12-31T23:59:59Z", "1969-12-31T23:59:59+00:00");
	int64_t us = 42;
	const char *bad[] = {"", "2023-02-29", "2024-13-01", "2024-01-01T25:00:00", "2024-01-01X", "20240101",
			     "2024-01-01T10:20:30+2", "2024-01-01T10:20:30 PST", "2024-01-01 10"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(rcx_time_parse(bad[i], strlen(bad[i]), &us), RCX_EPARSE);
	assert_int_equal(us, 42); /* untouched on failure */
	/* a zone offset must not carry the time out of the years that can be written back */
	assert_int_equal(rcx_time_parse("1000-01-01T00:00:00+01:00", 25, &us), RCX_EPARSE);
	assert_int_equal(rcx_time_parse("9999-12-31T23:30:00-01:00", 25, &us), RCX_EPARSE);
	assert_int_equal(rcx_time_parse("1970-01-01T00:00:01Z", 20, &us), RCX_OK);
	assert_int_equal(us, 1000000);
	assert_int_equal(rcx_duration_parse("24h", 3, &us), RCX_OK);
	assert_int_equal(us, INT64_C(86400000000));
	assert_int_equal(rcx_duration_parse("1x", 2, &us), RCX_EPARSE);
}

static void test_ip(void **state)
{
	(void)state;
	struct rcx_ip ip;
	char buf[RCX_IP_BUF];
	assert_int_equal(rcx_ip_parse(" 192.0.2.1 ", 11, &ip), RCX_OK);
	assert_int_equal(ip.family, 4);
	rcx_ip_format(&ip, buf);
	assert_string_equal(buf, "192.0.2.1");
	assert_int_equal(rcx_ip_parse("2001:DB8:0:0::1", 15, &ip), RCX_OK);
	rcx_ip_format(&ip, buf);
	assert_string_equal(buf, "2001:db8::1");
	assert_int_equal(rcx_ip_parse("192.0.2", 7, &ip), RCX_EPARSE);
	assert_int_equal(rcx_ip_parse("192.0.2.256", 11, &ip), RCX_EPARSE);
	assert_int_equal(rcx_ip_parse("", 0, &ip), RCX_EPARSE);

	struct rcx_cidr c;
	assert_int_equal(rcx_cidr_parse("10.1.2.3/8", 10, false, &c), RCX_OK);
	rcx_cidr_format(&c, buf);
	assert_string_equal(buf, "10.0.0.0/8");
	assert_int_equal(rcx_cidr_parse("10.1.2.3/8", 10, true, &c), RCX_EPARSE);
	assert_int_equal(rcx_cidr_parse("10.0.0.0/33", 11, false, &c), RCX_EPARSE);
	assert_int_equal(rcx_cidr_parse("2001:db8::/32", 13, true, &c), RCX_OK);
	assert_int_equal(rcx_ip_parse("2001:db8:ffff::1", 16, &ip), RCX_OK);
	assert_true(rcx_cidr_contains(&c, &ip));
	assert_int_equal(rcx_ip_parse("2001:db9::1", 11, &ip), RCX_OK);
	assert_false(rcx_cidr_contains(&c, &ip));
	assert_int_equal(rcx_cidr_parse("192.0.2.0/25", 12, true, &c), RCX_OK);
	assert_int_equal(rcx_ip_parse("192.0.2.127", 11, &ip), RCX_OK);
	assert_true(rcx_cidr_contains(&c, &ip));
	assert_int_equal(rcx_ip_parse("192.0.2.128", 11, &ip), RCX_OK);
	assert_false(rcx_cidr_contains(&c, &ip));
	assert_int_equal(rcx_cidr_parse("0.0.0.0/0", 9, true, &c), RCX_OK);
	assert_true(rcx_cidr_contains(&c, &ip));
}

/* The hand-written parser and formatter against libc's inet_pton/inet_ntop. */
static void test_ip_differential(void **state)
{
	(void)state;
	static const char *const inputs[] = {
		"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::8", "fe80::1:2",
		"::ffff:192.0.2.1", "64:ff9b::198.51.100.7", "2001:db8::0:1", "2001:DB8:0:0:1:0:0:1", "1:2:3:4:5:6:1.2.3.4",
		":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":1::", "1:", "12345::", "::1.2.3",
		"::1.2.3.4.5", "1:2:3:4:5:6:7:1.2.3.4", "g::", "0.0.0.0", "255.255.255.255", "1.2.3", "1.2.3.4.5",
		"01.2.3.4", "1.2.3.256", "1..3.4", "1.2.3.4 ", "::ffff:1.2.3.04", "1:2:3:4:5:6:7:8::", "::0:0:0:0:0:0:0",
	};
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		const char *s = inputs[i];
		uint8_t want[16];
		int af = strchr(s, ':') ? AF_INET6 : AF_INET;
		bool ok = inet_pton(af, s, want) == 1;
		struct rcx_ip ip;
		size_t n = strlen(s);
		while (n && s[n - 1] == ' ')
			n--;
		enum rcx_result r = rcx_ip_parse(s, n, &ip);
		if (n != strlen(s))
			ok = inet_pton(af, "1.2.3.4", want) == 1; /* trailing blanks are trimmed by rcx */
		if (ok != (r == RCX_OK))
			fail_msg("parse of '%s': libc %d, rcx %d", s, ok, r);
		if (ok && n == strlen(s))
			assert_memory_equal(ip.addr, want, af == AF_INET6 ? 16 : 4);
	}
	/* formatting: random addresses with many zero groups */
	uint64_t x = 88172645463325252ull;
	for (int k = 0; k < 20000; k++) {
		struct rcx_ip ip = {.family = 6};
		for (int g = 0; g < 8; g++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			unsigned v = (x & 3) ? 0 : (unsigned)(x >> 16) & ((x & 4) ? 0xf : 0xffff);
			ip.addr[2 * g] = (uint8_t)(v >> 8);
			ip.addr[2 * g + 1] = (uint8_t)v;
		}
		if (k % 7 == 0) {
			memset(ip.addr, 0, 10);
			ip.addr[10] = ip.addr[11] = 0xff;
		}
		char mine[RCX_IP_BUF], theirs[INET6_ADDRSTRLEN];
		rcx_ip_format(&ip, mine);
		inet_ntop(AF_INET6, ip.addr, theirs, sizeof(theirs));
		bool compat = !memcmp(ip.addr, "\0\0\0\0\0\0\0\0\0\0\0\0", 12) && (ip.addr[12] | ip.addr[13]);
		if (!compat)
			assert_string_equal(mine, theirs);
		struct rcx_ip back;
		assert_int_equal(rcx_ip_parse(mine, strlen(mine), &back), RCX_OK);
		assert_memory_equal(back.addr, ip.addr, 16);
		ip.family = 4;
		rcx_ip_format(&ip, mine);
		inet_ntop(AF_INET, ip.addr, theirs, sizeof(theirs));
		assert_string_equal(mine, theirs);
	}
}

static void test_tlp_taxonomy(void **state)
{
	(void)state;
	enum rcx_tlp t;
	assert_int_equal(rcx_tlp_parse("TLP:AMBER+STRICT", 16, &t), RCX_OK);
	assert_int_equal(t, RCX_TLP_AMBER_STRICT);
	assert_int_equal(rcx_tlp_parse("white", 5, &t), RCX_OK);
	assert_int_equal(t, RCX_TLP_CLEAR);
	assert_string_equal(rcx_tlp_name(RCX_TLP_CLEAR), "clear");
	assert_int_equal(rcx_tlp_parse("purple", 6, &t), RCX_EPARSE);

	assert_string_equal(rcx_taxonomy_type_canonical("C&C", 3), "c2-server");
	assert_string_equal(rcx_taxonomy_type_canonical("botnet drone", 12), "infected-system");
	assert_string_equal(rcx_taxonomy_type_canonical("unauthorized-use-of-resources", 29),
			    "unauthorised-use-of-resources");
	assert_null(rcx_taxonomy_type_canonical("nonsense", 8));
	assert_string_equal(rcx_taxonomy_of_type("vulnerable-system"), "vulnerable");
	assert_string_equal(rcx_taxonomy_of_type("c2-server"), "malicious-code");
	assert_string_equal(rcx_taxonomy_canonical("Malicious Code", 14), "malicious-code");
	/* every type maps to a taxonomy that is itself canonical */
	for (size_t i = 0; rcx_taxonomy_type_at(i); i++) {
		const char *tax = rcx_taxonomy_of_type(rcx_taxonomy_type_at(i));
		assert_non_null(tax);
		assert_string_equal(rcx_taxonomy_canonical(tax, strlen(tax)), tax);
	}
}

static void test_text(void **state)
{
	(void)state;
	struct rcx_arena a = RCX_ARENA_INIT;
	assert_true(rcx_utf8_valid("caf\xc3\xa9", 5));
	assert_false(rcx_utf8_valid("caf\xe9", 4));
	assert_false(rcx_utf8_valid("\xc0\xaf", 2));     /* overlong */
	assert_false(rcx_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
	size_t n;
	assert_string_equal(rcx_text_to_utf8(&a, "caf\xe9", 4, &n), "caf\xc3\xa9");
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	rcx_json_put_string(&b, "a\"b\\\n\x01", 6);
	assert_string_equal(b.data, "\"a\\\"b\\\\\\n\\u0001\"");
	rcx_strbuf_clear(&b);
	rcx_base64_put(&b, (const uint8_t *)"hello", 5);
	assert_string_equal(b.data, "aGVsbG8=");
	uint8_t *p;
	assert_int_equal(rcx_base64_decode(&a, b.data, b.len, &p, &n), RCX_OK);
	assert_int_equal(n, 5);
	assert_memory_equal(p, "hello", 5);
	struct rcx_strbuf lim = RCX_STRBUF_INIT(4);
	assert_int_equal(rcx_strbuf_puts(&lim, "abcd"), RCX_OK);
	assert_int_equal(rcx_strbuf_puts(&lim, "e"), RCX_ELIMIT);
	assert_string_equal(lim.data, "abcd");
	int64_t v;
	assert_int_equal(rcx_parse_i64("-42", 3, &v), RCX_OK);
	assert_int_equal(v, -42);
	assert_int_equal(rcx_parse_i64("99999999999999999999", 20, &v), RCX_ELIMIT);
	char clean[8];
	assert_int_equal(rcx_utf8_clean(clean, sizeof(clean), "a\xe9" "b", 3), 4);
	assert_string_equal(clean, "a\xc3\xa9" "b");
	assert_int_equal(rcx_utf8_clean(clean, 4, "ab\xc3\xa9", 4), 2); /* never cuts a character */
	assert_string_equal(clean, "ab");
	rcx_strbuf_free(&lim);
	rcx_strbuf_free(&b);
	rcx_arena_free(&a);
}

static void test_config(void **state)
{
	(void)state;
	const char *txt = "# top\nname = x\n[ingest]\ndedup_window = 24h\n[routing]\ncc RS = SRB-CERT\n"
			  "cc MK = \"MKD-CIRT\"\n; comment\n[routing]\ncc RS = OTHER\n";
	struct rcx_config *cfg;
	unsigned line = 0;
	assert_int_equal(rcx_config_parse(txt, strlen(txt), &cfg, &line), RCX_OK);
	assert_string_equal(rcx_config_get(cfg, "", "name"), "x");
	assert_string_equal(rcx_config_get(cfg, "ingest", "dedup_window"), "24h");
	assert_string_equal(rcx_config_get(cfg, "routing", "cc MK"), "MKD-CIRT");
	assert_string_equal(rcx_config_get(cfg, "routing", "cc RS"), "OTHER"); /* last wins */
	assert_null(rcx_config_get(cfg, "ingest", "missing"));
	assert_int_equal(cfg->n, 5);
	rcx_config_free(cfg);
	const char *bad = "[ok]\na = 1\nno equals sign\n";
	assert_int_equal(rcx_config_parse(bad, strlen(bad), &cfg, &line), RCX_EPARSE);
	assert_int_equal(line, 3);
}

static void test_event_table(void **state)
{
	(void)state;
	for (int i = 1; i < EF_MAX; i++)
		assert_true(strcmp(event_fields[i - 1].name, event_fields[i].name) < 0);
	/* event_to_json relies on these positions for "extra." and "raw" */
	assert_true(strcmp(event_fields[EF_FEED_ACCURACY - 1].name, "extra.") < 0);
	assert_true(strcmp(event_fields[EF_FEED_ACCURACY].name, "extra.") > 0);
	assert_true(strcmp(event_fields[EF_RCX_CONSTITUENCY - 1].name, "raw") < 0);
	for (int i = 0; i < EF_MAX; i++)
		assert_int_equal(event_field_lookup(event_fields[i].name, strlen(event_fields[i].name)), i);
	assert_int_equal(event_field_lookup("source", 6), EF_MAX);
	assert_int_equal(event_field_lookup("source.ipx", 10), EF_MAX);
}

#define SET(ev, f, s) event_set(ev, f, s, strlen(s))

static void test_event_normalise(void **state)
{
	(void)state;
	struct rcx_arena a = RCX_ARENA_INIT;
	struct event ev;
	event_init(&ev, &a);
	assert_int_equal(SET(&ev, EF_SOURCE_IP, "2001:DB8::0001"), RCX_OK);
	assert_string_equal(ev.f[EF_SOURCE_IP], "2001:db8::1");
	assert_int_equal(SET(&ev, EF_SOURCE_IP, "not-an-ip"), RCX_EPARSE);
	assert_string_equal(ev.f[EF_SOURCE_IP], "2001:db8::1"); /* unchanged */
	assert_int_equal(SET(&ev, EF_SOURCE_FQDN, "WWW.Example.COM."), RCX_OK);
	assert_string_equal(ev.f[EF_SOURCE_FQDN], "www.example.com");
	assert_int_equal(SET(&ev, EF_SOURCE_FQDN, "b\xc3\xbc" "cher.example"), RCX_OK);
	assert_string_equal(ev.f[EF_SOURCE_FQDN], "xn--bcher-kva.example");
	assert_int_equal(SET(&ev, EF_SOURCE_FQDN, "example.\xef\xbb\xbf"), RCX_OK); /* IDN maps U+FEFF away */
	assert_string_equal(ev.f[EF_SOURCE_FQDN], "example");
	assert_int_equal(SET(&ev, EF_SOURCE_FQDN, "192.0.2.1"), RCX_EPARSE);
	assert_int_equal(SET(&ev, EF_SOURCE_FQDN, "a..."), RCX_EPARSE); /* empty last label */
	assert_int_equal(SET(&ev, EF_SOURCE_URL, "http://nat.../x"), RCX_EPARSE);
	assert_int_equal(SET(&ev, EF_SOURCE_FQDN, "bad host"), RCX_EPARSE);
	assert_int_equal(SET(&ev, EF_SOURCE_URL, "hxxp://EXAMPLE[.]com:8080/Path?q=1"), RCX_OK);
	assert_string_equal(ev.f[EF_SOURCE_URL], "http://example.com:8080/Path?q=1");
	assert_int_equal(SET(&ev, EF_SOURCE_URL, "example.org/x"), RCX_OK);
	assert_string_equal(ev.f[EF_SOURCE_URL], "http://example.org/x");
	assert_int_equal(SET(&ev, EF_SOURCE_PORT, "65536"), RCX_EPARSE);
	assert_int_equal(SET(&ev, EF_SOURCE_PORT, "443"), RCX_OK);
	assert_int_equal(SET(&ev, EF_SOURCE_ASN, "AS64512"), RCX_OK);
	assert_string_equal(ev.f[EF_SOURCE_ASN], "64512");
	assert_int_equal(SET(&ev, EF_SOURCE_ASN, "0"), RCX_EPARSE);
	assert_int_equal(SET(&ev, EF_SOURCE_NETWORK, "192.0.2.77/24"), RCX_OK);
	assert_string_equal(ev.f[EF_SOURCE_NETWORK], "192.0.2.0/24");
	assert_int_equal(SET(&ev, EF_SOURCE_GEOLOCATION_CC, "rs"), RCX_OK);
	assert_string_equal(ev.f[EF_SOURCE_GEOLOCATION_CC], "RS");
	assert_int_equal(SET(&ev, EF_SOURCE_GEOLOCATION_CC, "SRB"), RCX_ELIMIT);
	assert_int_equal(SET(&ev, EF_SOURCE_GEOLOCATION_LATITUDE, "45"), RCX_OK);
	assert_string_equal(ev.f[EF_SOURCE_GEOLOCATION_LATITUDE], "45.0");
	assert_int_equal(SET(&ev, EF_SOURCE_GEOLOCATION_LATITUDE, "44.8125"), RCX_OK);
	assert_string_equal(ev.f[EF_SOURCE_GEOLOCATION_LATITUDE], "44.8125");
	assert_int_equal(SET(&ev, EF_FEED_ACCURACY, "101"), RCX_EPARSE);
	assert_int_equal(SET(&ev, EF_SOURCE_TOR_NODE, "Y"), RCX_OK);
	assert_string_equal(ev.f[EF_SOURCE_TOR_NODE], "true");
	assert_int_equal(SET(&ev, EF_CLASSIFICATION_TYPE, "botnet drone"), RCX_OK);
	event_classify(&ev);
	assert_string_equal(ev.f[EF_CLASSIFICATION_TAXONOMY], "malicious-code");
	assert_int_equal(SET(&ev, EF_TLP, "WHITE"), RCX_OK);
	assert_string_equal(ev.f[EF_TLP], "clear");
	assert_int_equal(SET(&ev, EF_MALWARE_NAME, "Dridex"), RCX_OK);
	assert_string_equal(ev.f[EF_MALWARE_NAME], "dridex");
	assert_int_equal(SET(&ev, EF_TIME_SOURCE, "2010-02-10 00:00:01"), RCX_OK);
	assert_string_equal(ev.f[EF_TIME_SOURCE], "2010-02-10T00:00:01+00:00");
	assert_int_equal(ev.time_source_us, INT64_C(1265760001000000));
	assert_int_equal(event_set(&ev, EF_COMMENT, "a\0b", 3), RCX_EPARSE);
	assert_int_equal(SET(&ev, EF_COMMENT, "Beograd \xe8"), RCX_OK); /* Latin-1 → UTF-8 */
	assert_string_equal(ev.f[EF_COMMENT], "Beograd \xc3\xa8");
	assert_int_equal(event_set_name(&ev, "extra.tag", 9, "smb", 3), RCX_OK);
	assert_int_equal(event_set_name(&ev, "nope", 4, "x", 1), RCX_ENOTFOUND);
	assert_string_equal(event_get_extra(&ev, "tag"), "\"smb\"");
	rcx_arena_free(&a);
}

static void test_event_json(void **state)
{
	(void)state;
	struct rcx_arena a = RCX_ARENA_INIT;
	struct event ev, back;
	event_init(&ev, &a);
	SET(&ev, EF_SOURCE_IP, "192.0.2.1");
	SET(&ev, EF_SOURCE_PORT, "445");
	SET(&ev, EF_CLASSIFICATION_TYPE, "vulnerable-system");
	event_classify(&ev);
	SET(&ev, EF_FEED_NAME, "Accessible-SMB");
	event_set_extra_string(&ev, "zeta", 4, "z", 1);
	event_set_extra_json(&ev, "alpha", 5, "12", 2);
	event_set_raw(&ev, "a,b", 3);
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	assert_int_equal(event_to_json(&ev, EVENT_JSON_RAW, &b), RCX_OK);
	assert_string_equal(b.data, "{\"classification.taxonomy\": \"vulnerable\", \"classification.type\": "
				    "\"vulnerable-system\", \"extra.alpha\": 12, \"extra.zeta\": \"z\", \"feed.name\": "
				    "\"Accessible-SMB\", \"raw\": \"YSxi\", \"source.ip\": \"192.0.2.1\", \"source.port\": 445}");
	event_init(&back, &a);
	const char *why = NULL;
	assert_int_equal(event_from_json(&back, b.data, b.len, &why), RCX_OK);
	struct rcx_strbuf b2 = RCX_STRBUF_INIT(0);
	event_to_json(&back, EVENT_JSON_RAW, &b2);
	assert_string_equal(b.data, b2.data);
	uint8_t id1[16], id2[16];
	event_identity(&ev, id1);
	event_identity(&back, id2);
	assert_memory_equal(id1, id2, 16);
	SET(&back, EF_TIME_SOURCE, "2020-01-01");
	event_identity(&back, id2);
	assert_memory_equal(id1, id2, 16); /* times are not part of the identity */
	SET(&back, EF_SOURCE_PORT, "446");
	event_identity(&back, id2);
	assert_memory_not_equal(id1, id2, 16);

	/* nested IntelMQ form and unknown keys */
	struct event n;
	event_init(&n, &a);
	const char *nested = "{\"source\": {\"ip\": \"192.0.2.9\", \"geolocation\": {\"cc\": \"al\"}}, \"foo\": true,"
			     " \"extra\": {\"k\": [1, 2]}, \"__type\": \"Event\"}";
	assert_int_equal(event_from_json(&n, nested, strlen(nested), &why), RCX_OK);
	assert_string_equal(n.f[EF_SOURCE_IP], "192.0.2.9");
	assert_string_equal(n.f[EF_SOURCE_GEOLOCATION_CC], "AL");
	assert_string_equal(event_get_extra(&n, "foo"), "true");
	assert_string_equal(event_get_extra(&n, "k"), "[1,2]");
	/* a fractional number reads back in the form it was set in */
	struct event num, num2;
	event_init(&num, &a);
	assert_int_equal(event_set_extra_literal(&num, "score", 5, "1.6", 3), RCX_OK);
	assert_int_equal(event_set_extra_literal(&num, "flag", 4, "false", 5), RCX_OK);
	assert_int_equal(event_set_extra_literal(&num, "bad", 3, "1.", 2), RCX_EPARSE);
	assert_int_equal(event_set_extra_json(&num, "potr", 4, "4.7", 3), RCX_OK); /* not 4.7000000000000002 */
	assert_string_equal(event_get_extra(&num, "potr"), "4.7");
	struct rcx_strbuf nb = RCX_STRBUF_INIT(0), nb2 = RCX_STRBUF_INIT(0);
	event_to_json(&num, 0, &nb);
	assert_string_equal(nb.data, "{\"extra.flag\": false, \"extra.potr\": 4.7, \"extra.score\": 1.6}");
	event_init(&num2, &a);
	assert_int_equal(event_from_json(&num2, nb.data, nb.len, &why), RCX_OK);
	event_to_json(&num2, 0, &nb2);
	assert_string_equal(nb.data, nb2.data);
	rcx_strbuf_free(&nb);
	rcx_strbuf_free(&nb2);
	const char *badip = "{\"source.ip\": \"999.1.1.1\"}";
	assert_int_equal(event_from_json(&n, badip, strlen(badip), &why), RCX_EPARSE);
	assert_string_equal(why, "source.ip");
	rcx_strbuf_free(&b);
	rcx_strbuf_free(&b2);
	rcx_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time),          cmocka_unit_test(test_ip),
		cmocka_unit_test(test_ip_differential),
		cmocka_unit_test(test_tlp_taxonomy),  cmocka_unit_test(test_text),
		cmocka_unit_test(test_config),        cmocka_unit_test(test_event_table),
		cmocka_unit_test(test_event_normalise), cmocka_unit_test(test_event_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
