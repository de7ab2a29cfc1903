/* Unit tests of the indicator sources of `rcx match` (src/match/match_source*.c): STIX patterns
 * accepted whole, refused as unsupported or as malformed; STIX bundles with revoked, expired and
 * non-STIX indicators; MISP events with objects, composite types, to_ids and deleted attributes;
 * CSV with column maps and records spanning lines; format detection; and the shared corpus samples
 * (skipped when RCX_CORPUS is not set). Each source renders as "kind text" lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "match/match_source.h"

static enum rcx_result render(void *ctx, enum match_kind kind, const char *text, size_t len)
{
	return rcx_strbuf_printf(ctx, "%s %.*s\n", match_kind_name(kind), (int)len, text);
}

/* Refuses texts starting with "x" as a builder refuses invalid ones. */
static enum rcx_result render_refusing(void *ctx, enum match_kind kind, const char *text, size_t len)
{
	if (len && text[0] == 'x')
		return RCX_EPARSE;
	return render(ctx, kind, text, len);
}

static char *pattern(const char *p, enum rcx_result want)
{
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	rcx_strbuf_puts(&b, "");
	assert_int_equal(match_stix_pattern_parse(p, strlen(p), render, &b, NULL), want);
	return rcx_strbuf_steal(&b);
}

static void check_pattern(const char *p, const char *want)
{
	char *got = pattern(p, RCX_OK);
	assert_string_equal(got, want);
	free(got);
}

static void check_pattern_refused(const char *p, enum rcx_result want)
{
	char *got = pattern(p, want);
	assert_string_equal(got, ""); /* nothing handed over for a refused pattern */
	free(got);
}

static void test_stix_patterns(void **state)
{
	(void)state;
	check_pattern("[ipv4-addr:value = '192.0.2.1']", "ip 192.0.2.1\n");
	check_pattern("[ipv4-addr:value = '223.166.0.0/15']", "cidr 223.166.0.0/15\n");
	check_pattern("  [ domain-name:value='evil.example' OR ipv6-addr:value = '2001:db8::1' ]  ",
		      "domain evil.example\nip 2001:db8::1\n");
	check_pattern("[url:value = 'http://a.example/it\\'s'] OR ([email-addr:value = 'a@b.example'])",
		      "url http://a.example/it's\nemail a@b.example\n");
	check_pattern("[file:hashes.'SHA-256' = 'aa' OR file:hashes.MD5 = 'bb' OR file:hashes.'SHA-1' = 'cc']",
		      "sha256 aa\nmd5 bb\nsha1 cc\n");
	check_pattern("[(network-traffic:dst_ref.value = '192.0.2.7' OR network-traffic:src_ref.value = '192.0.2.8')]",
		      "ip 192.0.2.7\nip 192.0.2.8\n");
	/* valid STIX the matcher cannot express: refused whole */
	check_pattern_refused("[ipv4-addr:value = '192.0.2.1' AND domain-name:value = 'a.example']", RCX_EUNSUPPORTED);
	check_pattern_refused("[ipv4-addr:value = '192.0.2.1'] AND [domain-name:value = 'a.example']", RCX_EUNSUPPORTED);
	check_pattern_refused("[ipv4-addr:value = '192.0.2.1'] FOLLOWEDBY [domain-name:value = 'a.example']",
			      RCX_EUNSUPPORTED);
	check_pattern_refused("[ipv4-addr:value = '192.0.2.1'] WITHIN 60 SECONDS", RCX_EUNSUPPORTED);
	check_pattern_refused("[domain-name:value = 'a.example' OR ipv4-addr:value != '192.0.2.1']", RCX_EUNSUPPORTED);
	check_pattern_refused("[email-message:subject MATCHES '^x']", RCX_EUNSUPPORTED);
	check_pattern_refused("[file:name = 'a.exe']", RCX_EUNSUPPORTED);
	check_pattern_refused("[file:size = 100]", RCX_EUNSUPPORTED);
	check_pattern_refused("[NOT ipv4-addr:value = '192.0.2.1']", RCX_EUNSUPPORTED);
	/* not patterns */
	check_pattern_refused("", RCX_EPARSE);
	check_pattern_refused("ipv4-addr:value = '192.0.2.1'", RCX_EPARSE);
	check_pattern_refused("[ipv4-addr:value = '192.0.2.1'", RCX_EPARSE);
	check_pattern_refused("[ipv4-addr:value = '192.0.2.1]", RCX_EPARSE);
	check_pattern_refused("[ipv4-addr:value = '192.0.2.1'] OR", RCX_EPARSE);
	check_pattern_refused("[ipv4-addr:value = 'a\\q']", RCX_EPARSE);
	check_pattern_refused("[domain-name:value = 'a.example'] junk", RCX_EPARSE);
	/* deeply nested parentheses are bounded */
	char deep[200];
	memset(deep, '(', 100);
	strcpy(deep + 100, "[ipv4-addr:value = '192.0.2.1']");
	check_pattern_refused(deep, RCX_EPARSE);
	/* round trip through the printer */
	struct rcx_strbuf p = RCX_STRBUF_INIT(0);
	match_stix_pattern_print(&p, MATCH_URL, "http://a.example/'\\", strlen("http://a.example/'\\"));
	assert_string_equal(p.data, "[url:value = 'http://a.example/\\'\\\\']");
	check_pattern(p.data, "url http://a.example/'\\\n");
	rcx_strbuf_free(&p);
}

static char *source(const char *data, enum match_source_format f, const struct match_source_options *opt,
		    struct match_source_stats *st, enum rcx_result want)
{
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	rcx_strbuf_puts(&b, "");
	memset(st, 0, sizeof(*st));
	assert_int_equal(match_source_parse(data, strlen(data), f, opt, render_refusing, &b, st), want);
	return rcx_strbuf_steal(&b);
}

static void test_stix_bundle(void **state)
{
	(void)state;
	const char *bundle =
		"{\"type\":\"bundle\",\"objects\":["
		"{\"type\":\"indicator\",\"pattern_type\":\"stix\",\"pattern\":\"[ipv4-addr:value = '192.0.2.1']\"},"
		"{\"type\":\"indicator\",\"pattern\":\"[domain-name:value = 'evil.example']\",\"valid_until\":\"2030-01-01T00:00:00Z\"},"
		"{\"type\":\"indicator\",\"pattern\":\"[domain-name:value = 'old.example']\",\"valid_until\":\"2020-01-01T00:00:00Z\"},"
		"{\"type\":\"indicator\",\"revoked\":true,\"pattern\":\"[domain-name:value = 'revoked.example']\"},"
		"{\"type\":\"indicator\",\"pattern_type\":\"snort\",\"pattern\":\"alert tcp any any\"},"
		"{\"type\":\"indicator\",\"pattern\":\"[file:name = 'a.exe']\"},"
		"{\"type\":\"indicator\",\"pattern\":\"[broken\"},"
		"{\"type\":\"indicator\",\"pattern\":\"[domain-name:value = 'xrefused.example']\"},"
		"{\"type\":\"indicator\"},"
		"{\"type\":\"malware\",\"name\":\"not an indicator\"},"
		"42]}";
	struct match_source_options opt = {.now_us = 1800000000000000}; /* 2027-01-15 */
	struct match_source_stats st;
	char *got = source(bundle, MATCH_SOURCE_STIX, &opt, &st, RCX_OK);
	assert_string_equal(got, "ip 192.0.2.1\ndomain evil.example\n");
	free(got);
	assert_int_equal(st.indicators, 2);
	assert_int_equal(st.expired, 1);
	assert_int_equal(st.revoked, 1);
	assert_int_equal(st.unsupported, 2);
	assert_int_equal(st.refused, 1);
	assert_int_equal(st.bad, 3);
	/* one object alone, detected */
	got = source("{\"type\":\"indicator\",\"pattern\":\"[url:value = 'http://a.example/']\"}", MATCH_SOURCE_FORMAT_MAX,
		     NULL, &st, RCX_OK);
	assert_string_equal(got, "url http://a.example/\n");
	free(got);
	got = source("{\"type\":\"bundle\",", MATCH_SOURCE_STIX, NULL, &st, RCX_EPARSE);
	free(got);
}

static void test_misp(void **state)
{
	(void)state;
	const char *event =
		"{\"Event\":{\"info\":\"x\",\"Attribute\":["
		"{\"type\":\"ip-dst\",\"value\":\"192.0.2.1\",\"to_ids\":true},"
		"{\"type\":\"ip-src\",\"value\":\"198.51.100.0/24\",\"to_ids\":\"1\"},"
		"{\"type\":\"ip-dst|port\",\"value\":\"192.0.2.2|443\",\"to_ids\":true},"
		"{\"type\":\"domain|ip\",\"value\":\"evil.example|192.0.2.3\",\"to_ids\":true},"
		"{\"type\":\"filename|md5\",\"value\":\"a.exe|0123456789abcdef0123456789abcdef\",\"to_ids\":true},"
		"{\"type\":\"url\",\"value\":\"http://x.example/\",\"to_ids\":false},"
		"{\"type\":\"hostname\",\"value\":\"h.example\",\"to_ids\":false},"
		"{\"type\":\"comment\",\"value\":\"hello\",\"to_ids\":true},"
		"{\"type\":\"email-src\",\"value\":\"bad@evil.example\",\"to_ids\":true,\"deleted\":true},"
		"{\"type\":\"md5\"}],"
		"\"Object\":[{\"name\":\"file\",\"Attribute\":[{\"type\":\"sha256\",\"value\":\"" 
		"0000000000000000000000000000000000000000000000000000000000000000\",\"to_ids\":true}]}]}}";
	struct match_source_options opt = {0};
	struct match_source_stats st;
	char *got = source(event, MATCH_SOURCE_FORMAT_MAX, &opt, &st, RCX_OK);
	assert_string_equal(got, "ip 192.0.2.1\ncidr 198.51.100.0/24\nip 192.0.2.2\ndomain evil.example\nip 192.0.2.3\n"
				 "md5 0123456789abcdef0123456789abcdef\n"
				 "sha256 0000000000000000000000000000000000000000000000000000000000000000\n");
	free(got);
	assert_int_equal(st.indicators, 7);
	assert_int_equal(st.not_ids, 2);     /* url, hostname */
	assert_int_equal(st.unsupported, 1); /* comment */
	assert_int_equal(st.revoked, 1);
	assert_int_equal(st.bad, 1);
	assert_int_equal(st.refused, 0);
	/* every attribute with misp_all; a response wrapper */
	opt.misp_all = true;
	char *wrapped = NULL;
	{
		struct rcx_strbuf w = RCX_STRBUF_INIT(0);
		rcx_strbuf_printf(&w, "{\"response\":[%s]}", event);
		wrapped = rcx_strbuf_steal(&w);
	}
	got = source(wrapped, MATCH_SOURCE_MISP, &opt, &st, RCX_OK);
	assert_non_null(strstr(got, "url http://x.example/\n"));
	assert_int_equal(st.indicators, 9);
	assert_int_equal(st.not_ids, 0);
	free(got);
	free(wrapped);
}

static void test_csv(void **state)
{
	(void)state;
	const char *csv = "# exported\nioc,type,comment\n"
			  "192.0.2.1,ip-dst,x\n"
			  "\"evil.example\",domain,\"two\nlines\"\n"
			  "0123456789abcdef0123456789abcdef,md5,\n"
			  "198.51.100.0/24,,\n"
			  "something,yara,\n"
			  "2001:db8::1,IPv6,\n"
			  ",domain,\n";
	struct match_source_stats st;
	char *got = source(csv, MATCH_SOURCE_FORMAT_MAX, NULL, &st, RCX_OK);
	assert_string_equal(got, "ip 192.0.2.1\ndomain evil.example\nmd5 0123456789abcdef0123456789abcdef\n"
				 "cidr 198.51.100.0/24\nip 2001:db8::1\n");
	free(got);
	assert_int_equal(st.unsupported, 1);
	assert_int_equal(st.bad, 1);
	/* named columns */
	struct match_source_options opt = {.csv_indicator = "what", .csv_kind = "k"};
	got = source("k;x,what\nemail,,a@b.example\nurl,,http://u.example/\n", MATCH_SOURCE_CSV, &opt, &st, RCX_EPARSE);
	free(got);
	got = source("k,x,what\nemail,,a@b.example\nurl,,http://u.example/\n", MATCH_SOURCE_CSV, &opt, &st, RCX_OK);
	assert_string_equal(got, "email a@b.example\nurl http://u.example/\n");
	free(got);
	/* the named column missing */
	got = source("a,b\n1,2\n", MATCH_SOURCE_CSV, &opt, &st, RCX_EPARSE);
	free(got);
}

static void test_detect_and_list(void **state)
{
	(void)state;
	assert_int_equal(match_source_detect("192.0.2.1\n", 10), MATCH_SOURCE_LIST);
	assert_int_equal(match_source_detect("# x\nioc,type\n", 13), MATCH_SOURCE_CSV);
	assert_int_equal(match_source_detect("a,b\n", 4), MATCH_SOURCE_LIST);
	assert_int_equal(match_source_detect("\xef\xbb\xbf {\"type\":\"bundle\"}", 20), MATCH_SOURCE_STIX);
	assert_int_equal(match_source_detect("[{\"Event\":{}}]", 14), MATCH_SOURCE_MISP);
	struct match_source_stats st;
	char *got = source("# c\n192.0.2.1\n  evil.example  \n\nnot an indicator\nxbad.example\n", MATCH_SOURCE_LIST, NULL,
			   &st, RCX_OK);
	assert_string_equal(got, "ip 192.0.2.1\ndomain evil.example\n");
	assert_int_equal(st.refused, 2);
	free(got);
	struct match_source_options opt = {.list_kind = MATCH_DOMAIN};
	got = source("192.0.2.1\n", MATCH_SOURCE_LIST, &opt, &st, RCX_OK);
	assert_string_equal(got, "domain 192.0.2.1\n");
	free(got);
}

/* The shared corpus: apt1.json's patterns and the MISP feed sample. */
static void test_corpus(void **state)
{
	(void)state;
	const char *root = getenv("RCX_CORPUS");
	if (!root || access(root, R_OK) != 0)
		skip();
	char path[4096];
	snprintf(path, sizeof(path), "%s/stix2-examples/cti-documentation/apt1.json", root);
	if (access(path, R_OK) != 0)
		skip();
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	struct match_source_stats st = {0};
	assert_int_equal(match_source_read(path, MATCH_SOURCE_FORMAT_MAX, NULL, render, &b, &st), RCX_OK);
	assert_int_equal(st.indicators, 10);
	assert_int_equal(st.unsupported, 2); /* the x509-certificate ANDs */
	assert_non_null(strstr(b.data, "cidr 223.166.0.0/15\n"));
	assert_non_null(strstr(b.data, "md5 001dd76872d80801692ff942308c64e6\n"));
	rcx_strbuf_free(&b);
	snprintf(path, sizeof(path), "%s/misp-format/feed-sample", root);
	memset(&st, 0, sizeof(st));
	b = (struct rcx_strbuf)RCX_STRBUF_INIT(0);
	assert_int_equal(match_source_read(path, MATCH_SOURCE_FORMAT_MAX, NULL, render, &b, &st), RCX_OK);
	assert_true(st.indicators >= 1);
	assert_true(st.unsupported >= 1); /* link, comment, text, filename */
	rcx_strbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stix_patterns), cmocka_unit_test(test_stix_bundle),
		cmocka_unit_test(test_misp),          cmocka_unit_test(test_csv),
		cmocka_unit_test(test_detect_and_list), cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
