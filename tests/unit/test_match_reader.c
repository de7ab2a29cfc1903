/* Unit tests of the log readers of `rcx match` (src/match/match_reader*.c) and of their input
 * (match_input.c): real-looking lines of each format → the exact records, rendered one line per
 * record ("line time") and one per observable ("  kind field value"); compressed inputs, awkward
 * line endings, long lines and garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "core/limits.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "match/match_input.h"
#include "match/match_reader.h"

static struct match_parser_stats last_stats;
static struct match_input_stats last_in_stats;
static enum rcx_result last_result;

static void render_record(struct rcx_strbuf *b, const struct match_record *r)
{
	char t[RCX_TIME_BUF] = "-";
	if (r->time_us)
		rcx_time_format(r->time_us, t);
	rcx_strbuf_printf(b, "%llu %s\n", (unsigned long long)r->line, t);
	for (size_t i = 0; i < r->n_obs; i++) {
		const struct match_observable *o = &r->obs[i];
		assert_true(o->len > 0);
		rcx_strbuf_printf(b, "  %s %s %.*s\n", match_obs_kind_name(o->kind), o->field, (int)o->len, o->value);
	}
}

/* All records of data read as format name, rendered; the caller frees. */
static char *read_all_opt(const char *name, const struct match_format_options *opt, const void *data, size_t len)
{
	const struct match_format *f = match_format_find(name);
	assert_non_null(f);
	struct match_format_options o = {.syslog_year = 2026};
	if (opt)
		o = *opt;
	struct match_parser *p;
	struct match_input *in;
	assert_int_equal(match_parser_open(f, &o, &p), RCX_OK);
	assert_int_equal(match_input_open_mem(data, len, &in), RCX_OK);
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	struct match_record r;
	uint64_t last = 0;
	while ((last_result = match_parser_next(p, in, &r)) == RCX_OK) {
		assert_true(r.line > last);
		last = r.line;
		render_record(&b, &r);
	}
	match_parser_stats(p, &last_stats);
	match_input_stats(in, &last_in_stats);
	match_input_close(in);
	match_parser_close(p);
	char *s = strdup(b.data ? b.data : "");
	rcx_strbuf_free(&b);
	return s;
}

static char *read_all(const char *name, const char *text)
{
	return read_all_opt(name, NULL, text, strlen(text));
}

#define CHECK(got, want) \
	do { \
		char *g_ = (got); \
		if (strcmp(g_, (want))) \
			fprintf(stderr, "--- got:\n%s--- want:\n%s", g_, (want)); \
		assert_string_equal(g_, (want)); \
		free(g_); \
	} while (0)

static void test_text(void **state)
{
	(void)state;
	CHECK(read_all("text",
		       "2026-11-23T10:00:00Z blocked https://evil.example/path?q=1, see (http://x.evil.example/a).\n"
		       "Nov 23 10:00:01 host sshd[1]: Failed password for root from 192.0.2.7 port 22 ssh2\n"
		       "defanged: hxxps://bad[.]example[.]com/x and evil(.)example and 198.51.100[.]9\n"
		       "v6 2001:db8::1 and [2001:db8:0:1::5]:443 and fe80::1%eth0, at 10:20:30.5\n"
		       "md5 d41d8cd98f00b204e9800998ecf8427e sha1=da39a3ee5e6b4b0d3255bfef95601890afd80709\n"
		       "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 not 12345678901234567890123456789012\n"
		       "mail from Alice.B+x@mail.evil.example to <bob@corp.example.org>; user@localhost no\n"
		       "no: /etc/resolv.conf, report.pdf, v1.2.3, 1.2.3.4.5, e.g. i.e., 999.1.1.1, x-d41d8cd98f00b204e9800998ecf8427e\n"
		       "\n"
		       "nothing to see here\n"
		       "2026-11-23 10:00:02 ftp://files.example.net:2121/pub ok; 203.0.113.5:8080\n"),
	      "1 2026-11-23T10:00:00+00:00\n"
	      "  url text https://evil.example/path?q=1\n"
	      "  domain text evil.example\n"
	      "  url text http://x.evil.example/a\n"
	      "  domain text x.evil.example\n"
	      "2 2026-11-23T10:00:01+00:00\n"
	      "  ip text 192.0.2.7\n"
	      "3 -\n"
	      "  url text https://bad.example.com/x\n"
	      "  domain text bad.example.com\n"
	      "  domain text evil.example\n"
	      "  ip text 198.51.100.9\n"
	      "4 -\n"
	      "  ip text 2001:db8::1\n"
	      "  ip text 2001:db8:0:1::5\n"
	      "5 -\n"
	      "  hash text d41d8cd98f00b204e9800998ecf8427e\n"
	      "  hash text da39a3ee5e6b4b0d3255bfef95601890afd80709\n"
	      "6 -\n"
	      "  hash text e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
	      "7 -\n"
	      "  email text Alice.B+x@mail.evil.example\n"
	      "  email text bob@corp.example.org\n"
	      "11 2026-11-23T10:00:02+00:00\n"
	      "  url text ftp://files.example.net:2121/pub\n"
	      "  domain text files.example.net\n"
	      "  ip text 203.0.113.5\n");
}

static void test_dns(void **state)
{
	(void)state;
	CHECK(read_all("dns",
		       "23-Nov-2026 10:00:00.123 client @0x7f8a1c0a2b30 192.0.2.1#53123 (evil.example): query: evil.example IN A +E(0)K (192.0.2.53)\n"
		       "23-Nov-2026 10:00:01.5 queries: info: client @0x7f8a1c0a2b30 2001:db8::7#40000 (Www.Evil.Example): view internal: query: Www.Evil.Example IN AAAA + (192.0.2.53)\n"
		       "23-Nov-2026 10:00:02 client 192.0.2.2#1024: query: old.example. IN MX + (192.0.2.53)\n"
		       "Nov 23 10:00:03 ns1 named[812]: client @0x7f 192.0.2.3#5353 (sys.example): query: sys.example IN TXT -E(0)D (192.0.2.53)\n"
		       "23-Nov-2026 10:00:04.000 client @0x7f 192.0.2.4#1 (zone.example): transfer of 'zone.example/IN': AXFR started\n"
		       "Nov 23 10:00:05 dnsmasq[123]: query[A] evil.example from 192.0.2.1\n"
		       "Nov 23 10:00:05 dnsmasq[123]: forwarded evil.example to 9.9.9.9\n"
		       "Nov 23 10:00:05 dnsmasq[123]: reply evil.example is 203.0.113.66\n"
		       "Nov  3 10:00:06 gw dnsmasq[123]: cached cdn.example is <CNAME>\n"
		       "Nov 23 10:00:07 dnsmasq[123]: 42 192.0.2.9/40123 query[AAAA] v6.example from 192.0.2.9\n"
		       "Nov 23 10:00:08 dnsmasq[123]: /etc/hosts printer.lan is 192.168.1.5\n"
		       "Nov 23 10:00:09 dnsmasq[123]: started, version 2.89 cachesize 150\n"
		       "complete garbage line\n"
		       "\n"
		       "23-Nov-2026 10:00:10 client\n"),
	      "1 2026-11-23T10:00:00.123000+00:00\n"
	      "  ip client 192.0.2.1\n"
	      "  domain query evil.example\n"
	      "2 2026-11-23T10:00:01.500000+00:00\n"
	      "  ip client 2001:db8::7\n"
	      "  domain query Www.Evil.Example\n"
	      "3 2026-11-23T10:00:02+00:00\n"
	      "  ip client 192.0.2.2\n"
	      "  domain query old.example\n"
	      "4 2026-11-23T10:00:03+00:00\n"
	      "  ip client 192.0.2.3\n"
	      "  domain query sys.example\n"
	      "6 2026-11-23T10:00:05+00:00\n"
	      "  domain query evil.example\n"
	      "  ip client 192.0.2.1\n"
	      "7 2026-11-23T10:00:05+00:00\n"
	      "  domain query evil.example\n"
	      "  ip server 9.9.9.9\n"
	      "8 2026-11-23T10:00:05+00:00\n"
	      "  domain query evil.example\n"
	      "  ip answer 203.0.113.66\n"
	      "9 2026-11-03T10:00:06+00:00\n"
	      "  domain query cdn.example\n"
	      "10 2026-11-23T10:00:07+00:00\n"
	      "  domain query v6.example\n"
	      "  ip client 192.0.2.9\n"
	      "11 2026-11-23T10:00:08+00:00\n"
	      "  domain query printer.lan\n"
	      "  ip answer 192.168.1.5\n");
	assert_int_equal(last_stats.bad_lines, 2); /* garbage, and a BIND client line without an address */
	assert_int_equal(last_stats.records, 10);
}

/* CSV records over several lines: joined inside quotes, numbered by their first line. */
static void test_csv_multiline(void **state)
{
	(void)state;
	CHECK(read_all("csv", "src,note\n"
			      "192.0.2.1,\"first\r\n\n192.0.2.2 \"\"quoted\"\"\"\n"
			      "192.0.2.3,plain \"quote\n"
			      "192.0.2.4,\"never closed\n"
			      "192.0.2.5\n"),
	      "2 -\n"
	      "  any src 192.0.2.1\n"
	      "  any note first\n\n192.0.2.2 \"quoted\"\n"
	      "5 -\n"
	      "  any src 192.0.2.3\n"
	      "  any note plain \"quote\n");
	assert_int_equal(last_stats.bad_lines, 1);
}

static void test_squid(void **state)
{
	(void)state;
	CHECK(read_all("squid",
		       "1700000000.123    456 192.0.2.1 TCP_MISS/200 1234 GET http://evil.example/path - HIER_DIRECT/203.0.113.5 text/html\n"
		       "1700000001.000      7 192.0.2.2 TCP_TUNNEL/200 5000 CONNECT secure.example:443 alice HIER_DIRECT/secure.example -\n"
		       "1700000002.5 1 192.0.2.3 TCP_DENIED/403 0 CONNECT 198.51.100.7:8443 - HIER_NONE/- -\n"
		       "1700000003.000 2 192.0.2.4 TCP_HIT/200 10 GET https://user@[2001:db8::2]:8443/x - NONE/- image/png\n"
		       "not a squid line at all\n"
		       "# comment\n"),
	      "1 2023-11-14T22:13:20.123000+00:00\n"
	      "  ip client 192.0.2.1\n"
	      "  url url http://evil.example/path\n"
	      "  domain url evil.example\n"
	      "  ip peer 203.0.113.5\n"
	      "2 2023-11-14T22:13:21+00:00\n"
	      "  ip client 192.0.2.2\n"
	      "  domain url secure.example\n"
	      "  domain peer secure.example\n"
	      "3 2023-11-14T22:13:22.500000+00:00\n"
	      "  ip client 192.0.2.3\n"
	      "  ip url 198.51.100.7\n"
	      "4 2023-11-14T22:13:23+00:00\n"
	      "  ip client 192.0.2.4\n"
	      "  url url https://user@[2001:db8::2]:8443/x\n"
	      "  ip url 2001:db8::2\n");
	assert_int_equal(last_stats.bad_lines, 1);
}

/* Squid's common and combined formats, beside native lines in the same file. */
static void test_squid_common(void **state)
{
	(void)state;
	CHECK(read_all("squid",
		       "192.0.2.1 - - [23/Nov/2026:10:00:00 +0100] \"GET http://evil.example/a HTTP/1.1\" 200 1234 TCP_MISS:HIER_DIRECT\n"
		       "192.0.2.2 - bob [23/Nov/2026:10:00:01 -0030] \"CONNECT secure.example:443 HTTP/1.1\" 200 0 "
		       "\"http://ref.example/p?q=\\\"x\\\"\" \"Mozilla/5.0 (X11)\" TCP_TUNNEL:HIER_DIRECT\n"
		       "host.example - - [23/Nov/2026:10:00:02 +0000] \"GET /local HTTP/1.0\" 404 0 \"-\" \"curl\" TCP_MISS:HIER_NONE\n"
		       "1700000000.123 456 192.0.2.9 TCP_MISS/200 1 GET http://n.example/ - HIER_NONE/- -\n"
		       "192.0.2.3 - - [32/Nov/2026:10:00:00 +0000] \"GET http://x.example/ HTTP/1.1\" 200 1 TCP_MISS:HIER_NONE\n"
		       "192.0.2.3 - - [23/Nov/2026:10:00:00 +0000] \"GET http://x.example/ HTTP/1.1 200 1\n"),
	      "1 2026-11-23T09:00:00+00:00\n"
	      "  ip client 192.0.2.1\n"
	      "  url url http://evil.example/a\n"
	      "  domain url evil.example\n"
	      "2 2026-11-23T10:30:01+00:00\n"
	      "  ip client 192.0.2.2\n"
	      "  domain url secure.example\n"
	      "  url referer http://ref.example/p?q=\\\"x\\\"\n"
	      "  domain referer ref.example\n"
	      "3 2026-11-23T10:00:02+00:00\n"
	      "  domain client host.example\n"
	      "4 2023-11-14T22:13:20.123000+00:00\n"
	      "  ip client 192.0.2.9\n"
	      "  url url http://n.example/\n"
	      "  domain url n.example\n");
	assert_int_equal(last_stats.bad_lines, 2);
}

#define ZEEK_HEAD(path) \
	"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t" path "\n" \
	"#open\t2026-11-23-10-00-00\n"

static const char zeek_log[] =
	ZEEK_HEAD("conn")
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\ttunnel_parents\n"
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tset[string]\n"
	"1700000000.123456\tCHhAvVGS1DHFjwGM9\t192.0.2.1\t53123\t203.0.113.5\t443\ttcp\tssl\t1.5\t(empty)\n"
	"1700000001.000000\tC2\t2001:db8::1\t1\t-\t2\tudp\t-\t-\t-\n"
	"#close\t2026-11-23-11-00-00\n"
	ZEEK_HEAD("dns")
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_name\tanswers\tTTLs\n"
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tstring\tvector[string]\tvector[interval]\n"
	"1700000002.5\tC3\t192.0.2.1\t40000\t192.0.2.53\t53\tudp\tevil.example\tA\tcdn.evil.example,198.51.100.9\t60.0,60.0\n"
	"1700000003\tC4\t192.0.2.1\t40001\t192.0.2.53\t53\tudp\tweird\\x09name.example\tA\t-\t-\n"
	"1700000004\tC5\ttoo\tfew\tcolumns\n"
	ZEEK_HEAD("http")
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tmethod\thost\turi\treferrer\tuser_agent\n"
	"#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tstring\n"
	"1700000005.000001\tC6\t192.0.2.1\t50000\t203.0.113.80\t80\tGET\tevil.example\t/dl/payload.exe?id=1\thttp://ref.example/\tcurl/8.0\n"
	ZEEK_HEAD("ssl")
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tserver_name\n"
	"#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\n"
	"1700000006\tC7\t192.0.2.1\t50001\t203.0.113.9\t443\tTLSv13\tsecure.evil.example\n"
	ZEEK_HEAD("files")
	"#fields\tts\tfuid\ttx_hosts\trx_hosts\tmime_type\tmd5\tsha1\tsha256\n"
	"#types\ttime\tstring\tset[addr]\tset[addr]\tstring\tstring\tstring\tstring\n"
	"1700000007\tF1\t203.0.113.80,203.0.113.81\t192.0.2.1\tapplication/x-dosexec\td41d8cd98f00b204e9800998ecf8427e\t-\t-\n";

static void test_zeek(void **state)
{
	(void)state;
	CHECK(read_all("zeek", zeek_log),
	      "9 2023-11-14T22:13:20.123456+00:00\n"
	      "  ip id.orig_h 192.0.2.1\n"
	      "  ip id.resp_h 203.0.113.5\n"
	      "10 2023-11-14T22:13:21+00:00\n"
	      "  ip id.orig_h 2001:db8::1\n"
	      "20 2023-11-14T22:13:22.500000+00:00\n"
	      "  ip id.orig_h 192.0.2.1\n"
	      "  ip id.resp_h 192.0.2.53\n"
	      "  domain query evil.example\n"
	      "  domain answers cdn.evil.example\n"
	      "  ip answers 198.51.100.9\n"
	      "21 2023-11-14T22:13:23+00:00\n"
	      "  ip id.orig_h 192.0.2.1\n"
	      "  ip id.resp_h 192.0.2.53\n"
	      "  domain query weird\tname.example\n"
	      "31 2023-11-14T22:13:25.000001+00:00\n"
	      "  ip id.orig_h 192.0.2.1\n"
	      "  ip id.resp_h 203.0.113.80\n"
	      "  url referrer http://ref.example/\n"
	      "  domain referrer ref.example\n"
	      "  domain host evil.example\n"
	      "  url url http://evil.example/dl/payload.exe?id=1\n"
	      "40 2023-11-14T22:13:26+00:00\n"
	      "  ip id.orig_h 192.0.2.1\n"
	      "  ip id.resp_h 203.0.113.9\n"
	      "  domain server_name secure.evil.example\n"
	      "49 2023-11-14T22:13:27+00:00\n"
	      "  ip tx_hosts 203.0.113.80\n"
	      "  ip tx_hosts 203.0.113.81\n"
	      "  ip rx_hosts 192.0.2.1\n"
	      "  hash md5 d41d8cd98f00b204e9800998ecf8427e\n");
	assert_int_equal(last_stats.bad_lines, 1); /* the short row */
	/* data before any #fields */
	CHECK(read_all("zeek", "1700000000\t192.0.2.1\n"), "");
	assert_int_equal(last_stats.bad_lines, 1);
}

static void test_jsonl(void **state)
{
	(void)state;
	static const char log[] =
		"{\"@timestamp\":\"2026-11-23T10:00:00.250Z\",\"source\":{\"ip\":\"192.0.2.1\",\"port\":5353},"
		"\"dns\":{\"question\":{\"name\":\"evil.example\"},\"answers\":[{\"data\":\"203.0.113.5\"},{\"data\":\"cdn.example\"}]},"
		"\"tags\":[\"a\",\"\"],\"ok\":true}\n"
		"{\"ts\":1700000000.5,\"id.orig_h\":\"192.0.2.2\",\"query\":\"z.example\"}\n"
		"{\"time\":1700000000123,\"msg\":\"nul\\u0000byte\"}\n"
		"[\"not an object\"]\n"
		"{\"broken\": \n"
		"   \n"
		"{\"timestamp\":\"yesterday\",\"url\":\"http://evil.example/x\"}\n";
	CHECK(read_all("jsonl", log),
	      "1 2026-11-23T10:00:00.250000+00:00\n"
	      "  any source.ip 192.0.2.1\n"
	      "  any dns.question.name evil.example\n"
	      "  any dns.answers.data 203.0.113.5\n"
	      "  any dns.answers.data cdn.example\n"
	      "  any tags a\n"
	      "2 2023-11-14T22:13:20.500000+00:00\n"
	      "  any id.orig_h 192.0.2.2\n"
	      "  any query z.example\n"
	      "3 2023-11-14T22:13:20.123000+00:00\n"
	      "  any msg nul\n"
	      "7 -\n"
	      "  any url http://evil.example/x\n");
	assert_int_equal(last_stats.bad_lines, 2);
	struct match_field_spec f[] = {{"source.ip", MATCH_OBS_IP}, {"dns.answers.data", MATCH_OBS_ANY}, {"url", MATCH_OBS_URL}};
	struct match_format_options o = {.fields = f, .n_fields = 3, .time_field = "ts"};
	CHECK(read_all_opt("jsonl", &o, log, strlen(log)),
	      "1 -\n"
	      "  ip source.ip 192.0.2.1\n"
	      "  any dns.answers.data 203.0.113.5\n"
	      "  any dns.answers.data cdn.example\n"
	      "7 -\n"
	      "  url url http://evil.example/x\n");
}

static void test_csv(void **state)
{
	(void)state;
	CHECK(read_all("csv",
		       "# exported by a proxy\n"
		       "time,src,dst,\"host name\",note\n"
		       "2026-11-23 10:00:00,192.0.2.1,203.0.113.5,\"evil.example\",\"a, b\"\"c\"\n"
		       "1700000000,192.0.2.2,,,\n"
		       "2026-11-23 10:00:01,192.0.2.3\n"
		       "x,\"unterminated\n"),
	      "3 2026-11-23T10:00:00+00:00\n"
	      "  any src 192.0.2.1\n"
	      "  any dst 203.0.113.5\n"
	      "  any host name evil.example\n"
	      "  any note a, b\"c\n"
	      "4 2023-11-14T22:13:20+00:00\n"
	      "  any src 192.0.2.2\n"
	      "5 2026-11-23T10:00:01+00:00\n"
	      "  any src 192.0.2.3\n");
	assert_int_equal(last_stats.bad_lines, 1);
	struct rcx_arena a = RCX_ARENA_INIT;
	struct match_field_spec *f;
	size_t n;
	assert_int_equal(match_fields_parse(&a, "src:ip, dst , query:DOMAIN", &f, &n), RCX_OK);
	assert_int_equal(n, 3);
	assert_string_equal(f[1].name, "dst");
	assert_int_equal(f[1].kind, MATCH_OBS_ANY);
	assert_int_equal(f[2].kind, MATCH_OBS_DOMAIN);
	assert_int_equal(match_fields_parse(&a, "src:ipv9", &f, &n), RCX_EPARSE);
	assert_int_equal(match_fields_parse(&a, "a,,b", &f, &n), RCX_EPARSE);
	assert_int_equal(match_fields_parse(&a, "src:ip,dst:ip", &f, &n), RCX_OK);
	struct match_format_options o = {.fields = f, .n_fields = n};
	static const char tsv[] = "src\tdst\tts\n192.0.2.1\t203.0.113.5\t1700000000.25\n\t\t\n";
	CHECK(read_all_opt("tsv", &o, tsv, strlen(tsv)),
	      "2 2023-11-14T22:13:20.250000+00:00\n"
	      "  ip src 192.0.2.1\n"
	      "  ip dst 203.0.113.5\n");
	rcx_arena_free(&a);
}

static unsigned char *gzip_of(const char *s, size_t len, size_t *ret_len)
{
	z_stream z = {0};
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, len);
	unsigned char *out = malloc(cap);
	z.next_in = (Bytef *)(uintptr_t)s;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*ret_len = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

static unsigned char *zstd_of(const char *s, size_t len, size_t *ret_len)
{
	size_t cap = ZSTD_compressBound(len);
	unsigned char *out = malloc(cap);
	size_t n = ZSTD_compress(out, cap, s, len, 3);
	assert_false(ZSTD_isError(n));
	*ret_len = n;
	return out;
}

/* A DNS log of n lines, mixed BIND and dnsmasq, varied enough not to compress to nothing. */
static char *dns_log(size_t n, size_t *ret_len)
{
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		if (i % 3)
			rcx_strbuf_printf(&b, "23-Nov-2026 10:%02zu:%02zu.%03u client @0x7f%08x 10.%u.%u.%u#%u (h%u.example): query: h%u.example IN A +E(0)K (192.0.2.53)\n",
					  i / 60 % 60, i % 60, x % 1000, x, x >> 24, (x >> 16) & 255, (x >> 8) & 255, x % 65536, x % 99991, x % 99991);
		else
			rcx_strbuf_printf(&b, "Nov 23 10:00:%02zu dnsmasq[77]: query[A] d%u.example from 192.0.2.%u\n", i % 60, x, x % 256);
	}
	*ret_len = b.len;
	return rcx_strbuf_steal(&b);
}

static void test_compressed(void **state)
{
	(void)state;
	size_t len, glen, zlen;
	char *plain = dns_log(120000, &len);
	unsigned char *gz = gzip_of(plain, len, &glen);
	unsigned char *zs = zstd_of(plain, len, &zlen);
	assert_true(glen > 256 * 1024); /* more than one raw chunk */
	char *want = read_all_opt("dns", NULL, plain, len);
	assert_int_equal(last_stats.records, 120000);
	char *got = read_all_opt("dns", NULL, gz, glen);
	assert_int_equal(last_result, RCX_ENOTFOUND);
	assert_int_equal(last_in_stats.bytes_out, len);
	assert_string_equal(got, want);
	free(got);
	got = read_all_opt("dns", NULL, zs, zlen);
	assert_int_equal(last_result, RCX_ENOTFOUND);
	assert_string_equal(got, want);
	free(got);
	/* truncated streams: what was decoded, then RCX_EPARSE */
	got = read_all_opt("dns", NULL, gz, glen / 2);
	assert_int_equal(last_result, RCX_EPARSE);
	assert_true(last_stats.records > 1000 && last_stats.records < 120000);
	free(got);
	got = read_all_opt("dns", NULL, zs, zlen / 2);
	assert_int_equal(last_result, RCX_EPARSE);
	assert_true(last_stats.records > 1000 && last_stats.records < 120000);
	free(got);
	/* through a file */
	char path[] = "/tmp/rcx-test-match-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, zs, zlen), (ssize_t)zlen);
	close(fd);
	struct match_input *in;
	assert_int_equal(match_input_open(path, &in), RCX_OK);
	assert_int_equal(match_input_codec(in), MATCH_CODEC_ZSTD);
	struct match_line l;
	uint64_t lines = 0;
	while (match_input_next(in, &l) == RCX_OK)
		lines++;
	assert_int_equal(lines, 120000);
	match_input_close(in);
	unlink(path);
	assert_int_equal(match_input_open("/nonexistent/rcx/log", &in), RCX_EIO);
	free(want);
	free(gz);
	free(zs);
	free(plain);
}

static void test_gzip_members(void **state)
{
	(void)state;
	static const char a[] = "Nov 23 10:00:00 dnsmasq[1]: query[A] a.example from 192.0.2.1\n";
	static const char b[] = "Nov 23 10:00:01 dnsmasq[1]: query[A] b.example from 192.0.2.2\r\n";
	size_t la, lb;
	unsigned char *ga = gzip_of(a, strlen(a), &la), *gb = gzip_of(b, strlen(b), &lb);
	unsigned char *both = malloc(la + lb + 8);
	memcpy(both, ga, la);
	memcpy(both + la, gb, lb);
	const char *want = "1 2026-11-23T10:00:00+00:00\n  domain query a.example\n  ip client 192.0.2.1\n"
			   "2 2026-11-23T10:00:01+00:00\n  domain query b.example\n  ip client 192.0.2.2\n";
	CHECK(read_all_opt("dns", NULL, both, la + lb), want);
	assert_int_equal(last_result, RCX_ENOTFOUND);
	memset(both + la + lb, 0, 8); /* zero padding after the last member, as tape archives leave */
	CHECK(read_all_opt("dns", NULL, both, la + lb + 8), want);
	assert_int_equal(last_result, RCX_ENOTFOUND);
	free(both);
	free(ga);
	free(gb);
}

static void test_lines(void **state)
{
	(void)state;
	/* BOM, CRLF, blank lines, a NUL byte, a last line without newline */
	static const char data[] = "\xef\xbb\xbf" "a\r\n\r\n\nb\0c\n\rd";
	struct match_input *in;
	struct match_line l;
	assert_int_equal(match_input_open_mem(data, sizeof(data) - 1, &in), RCX_OK);
	assert_int_equal(match_input_next(in, &l), RCX_OK);
	assert_int_equal(l.lineno, 1);
	assert_int_equal(l.len, 1);
	assert_memory_equal(l.data, "a", 1);
	assert_int_equal(match_input_next(in, &l), RCX_OK);
	assert_int_equal(l.len, 0);
	assert_int_equal(match_input_next(in, &l), RCX_OK);
	assert_int_equal(l.len, 0);
	assert_int_equal(match_input_next(in, &l), RCX_OK);
	assert_int_equal(l.lineno, 4);
	assert_int_equal(l.len, 3);
	assert_int_equal(match_input_next(in, &l), RCX_OK);
	assert_int_equal(l.lineno, 5);
	assert_true(l.unterminated);
	assert_memory_equal(l.data, "\rd", 2);
	assert_int_equal(match_input_next(in, &l), RCX_ENOTFOUND);
	assert_int_equal(match_input_next(in, &l), RCX_ENOTFOUND);
	match_input_close(in);
	assert_int_equal(match_input_open_mem("", 0, &in), RCX_OK);
	assert_int_equal(match_input_next(in, &l), RCX_ENOTFOUND);
	match_input_close(in);
}

static void test_long_lines(void **state)
{
	(void)state;
	/* 192.0.2.1, then a line just at the limit, one just over it, one of 3 MB, and a last one:
	 * the long ones are skipped and counted, numbers go on */
	size_t big = 3u * 1024u * 1024u, len = 0;
	char *s = malloc(big + 2 * RCX_LINE_MAX + 200);
	len += (size_t)sprintf(s + len, "192.0.2.1\n");
	memset(s + len, 'a', RCX_LINE_MAX - 10);
	len += RCX_LINE_MAX - 10;
	len += (size_t)sprintf(s + len, " 192.0.2.2\n");
	memset(s + len, 'b', RCX_LINE_MAX);
	len += RCX_LINE_MAX;
	len += (size_t)sprintf(s + len, " 192.0.2.3\n");
	memset(s + len, 'c', big);
	len += big;
	len += (size_t)sprintf(s + len, "\n192.0.2.5 last");
	CHECK(read_all_opt("text", NULL, s, len),
	      "1 -\n  ip text 192.0.2.1\n2 -\n  ip text 192.0.2.2\n5 -\n  ip text 192.0.2.5\n");
	assert_int_equal(last_in_stats.long_lines, 2);
	assert_int_equal(last_in_stats.lines, 5);
	/* the same compressed */
	size_t glen;
	unsigned char *gz = gzip_of(s, len, &glen);
	CHECK(read_all_opt("text", NULL, gz, glen),
	      "1 -\n  ip text 192.0.2.1\n2 -\n  ip text 192.0.2.2\n5 -\n  ip text 192.0.2.5\n");
	assert_int_equal(last_in_stats.long_lines, 2);
	/* an overlong last line without a newline */
	CHECK(read_all_opt("text", NULL, s + len - big - 16, big + 1), "");
	assert_int_equal(last_in_stats.long_lines, 1);
	free(gz);
	free(s);
}

static void test_table(void **state)
{
	(void)state;
	static const char *const names[] = {"jsonl", "csv", "tsv", "zeek", "dns", "squid", "text"};
	for (size_t i = 0; i < 7; i++) {
		assert_non_null(match_format_find(names[i]));
		assert_string_equal(match_format_at(i)->name, names[i]);
	}
	assert_null(match_format_at(7));
	assert_null(match_format_find("syslog"));
	enum match_obs_kind k;
	assert_int_equal(match_obs_kind_parse("Email", 5, &k), RCX_OK);
	assert_int_equal(k, MATCH_OBS_EMAIL);
	/* garbage through every reader: no crash, nothing but well-formed records */
	static const char junk[] = "\x00\xff{\"a\":[[[[\n#fields\t\n\t\t\t\n:::\n1.1.1\n@@@\nhxxp://[.]\n\"\n";
	for (size_t i = 0; i < 7; i++)
		free(read_all_opt(names[i], NULL, junk, sizeof(junk) - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),       cmocka_unit_test(test_dns),          cmocka_unit_test(test_squid), cmocka_unit_test(test_squid_common), cmocka_unit_test(test_csv_multiline),
		cmocka_unit_test(test_zeek),       cmocka_unit_test(test_jsonl),        cmocka_unit_test(test_csv),
		cmocka_unit_test(test_compressed), cmocka_unit_test(test_gzip_members), cmocka_unit_test(test_lines),
		cmocka_unit_test(test_long_lines), cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
