/* Unit and differential tests of the Shadowserver format.
 *
 * The differential ("golden") test runs every legacy Shadowserver sample of the corpus through rcx with
 * Shadowserver's own mapping file and compares each event with the one IntelMQ's parser produced from
 * the same sample (legacy-3.2.intelmq-events/<type>.events.jsonl), key by key. Only the keys and values
 * that the table `intended` explains may differ. The other tests use a tiny inline schema and run
 * without the corpus. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/event.h"
#include "core/strbuf.h"
#include "ingest/ingest.h"
#include "ingest/ingest_shadowserver.h"

/* ---- a sink that collects what the parser hands over ---- */

struct collect {
	struct ingest_sink sink;
	struct rcx_arena arena;
	char *events[4096]; /* event_to_json text of each emitted event */
	char *raws[4096];   /* its raw bytes */
	uint64_t event_lines[4096]; /* last line of its record */
	size_t n_events;
	char *reasons[4096];
	uint64_t reject_lines[4096];
	size_t n_rejects;
	size_t n_record_end;
	uint64_t last_record_end;
};

static struct event *collect_event_new(struct ingest_sink *sink)
{
	struct collect *c = (struct collect *)sink;
	struct event *ev = rcx_arena_alloc(&c->arena, sizeof(*ev));
	event_init(ev, &c->arena);
	event_set(ev, EF_FEED_NAME, "from-the-sink", 13);
	event_set(ev, EF_TIME_OBSERVATION, "2024-01-01T00:00:00Z", 20);
	return ev;
}

static enum rcx_result collect_emit(struct ingest_sink *sink, struct event *ev)
{
	struct collect *c = (struct collect *)sink;
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	assert_int_equal(event_to_json(ev, 0, &b), RCX_OK);
	assert_true(c->n_events < 4096);
	c->raws[c->n_events] = strndup(ev->raw ? ev->raw : "", ev->raw_len);
	c->events[c->n_events++] = rcx_strbuf_steal(&b);
	return RCX_OK;
}

static enum rcx_result collect_reject(struct ingest_sink *sink, uint64_t line, const char *reason, const char *raw,
				      size_t raw_len, size_t raw_total)
{
	struct collect *c = (struct collect *)sink;
	(void)raw;
	(void)raw_len;
	(void)raw_total;
	assert_true(c->n_rejects < 4096);
	c->reject_lines[c->n_rejects] = line;
	c->reasons[c->n_rejects++] = strdup(reason);
	return RCX_OK;
}

static enum rcx_result collect_record_end(struct ingest_sink *sink, uint64_t line)
{
	struct collect *c = (struct collect *)sink;
	assert_true(c->n_events > 0);
	c->event_lines[c->n_events - 1] = line;
	c->n_record_end++;
	c->last_record_end = line;
	return RCX_OK;
}

static void collect_init(struct collect *c)
{
	memset(c, 0, sizeof(*c));
	c->sink.event_new = collect_event_new;
	c->sink.emit = collect_emit;
	c->sink.reject = collect_reject;
	c->sink.record_end = collect_record_end;
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n_events; i++) {
		free(c->events[i]);
		free(c->raws[i]);
	}
	for (size_t i = 0; i < c->n_rejects; i++)
		free(c->reasons[i]);
	rcx_arena_free(&c->arena);
}

static enum rcx_result parse_mem(const char *path, const char *type, struct rcx_config *cfg, const char *data,
				 struct collect *c)
{
	struct ingest_reader in;
	const struct ingest_format *fmt = ingest_format_find("shadowserver");
	assert_non_null(fmt);
	struct rcx_config *empty = cfg ? NULL : rcx_config_empty();
	struct ingest_source src = {
		.path = path, .feed_name = "ignored", .report_type = type, .config = cfg ? cfg : empty};
	ingest_reader_open_mem(&in, data, strlen(data));
	enum rcx_result r = fmt->parse(&src, &in, &c->sink);
	ingest_reader_close(&in);
	rcx_config_free(empty);
	return r;
}

static json_t *event_json(const struct collect *c, size_t i)
{
	json_error_t err;
	assert_true(i < c->n_events);
	json_t *j = json_loads(c->events[i], 0, &err);
	assert_non_null(j);
	return j;
}

static void assert_json_str(json_t *obj, const char *key, const char *want)
{
	json_t *v = json_object_get(obj, key);
	if (!want) {
		if (v)
			fail_msg("%s should be absent, is %s", key, json_dumps(v, JSON_ENCODE_ANY));
		return;
	}
	if (!json_is_string(v))
		fail_msg("%s should be \"%s\"", key, want);
	assert_string_equal(json_string_value(v), want);
}

/* ---- the tiny inline schema ---- */

static char tiny_path[64];

static const char tiny_schema[] =
	"{\"_meta\": {\"date_created\": \"2024-01-01T00:00:00Z\"},\n"
	" \"tiny\": {\"feed_name\": \"Tiny-Feed\", \"file_name\": \"tiny\", \"url\": \"https://example.org/tiny\",\n"
	"  \"constant_fields\": {\"classification.identifier\": \"tiny\",\n"
	"    \"classification.taxonomy\": \"vulnerable\", \"classification.type\": \"vulnerable-system\",\n"
	"    \"protocol.transport\": \"tcp\"},\n"
	"  \"required_fields\": [[\"time.source\", \"timestamp\", \"add_UTC_to_timestamp\"],\n"
	"    [\"source.ip\", \"ip\", \"validate_ip\"], [\"source.port\", \"port\", \"convert_int\"]],\n"
	"  \"optional_fields\": [[\"source.asn\", \"asn\", \"invalidate_zero\"],\n"
	"    [\"extra.\", \"flag\", \"convert_bool\"], [\"extra.\", \"amp\", \"convert_float\"],\n"
	"    [\"source.reverse_dns\", \"hostname\"], [\"extra.\", \"tag\", \"validate_to_none\"],\n"
	"    [\"product.vulnerabilities\", \"tag\", \"extract_cve_from_tag\"],\n"
	"    [\"severity\", \"severity\", \"validate_to_none\"], [\"source.geolocation.cc\", \"geo\"],\n"
	"    [\"extra.seen\", \"seen\", \"convert_date\"], [false, \"junk\"]]},\n"
	" \"other\": {\"feed_name\": \"Other\", \"file_name\": \"other\",\n"
	"  \"required_fields\": [[\"time.source\", \"timestamp\"]],\n"
	"  \"optional_fields\": [[\"extra.x\", \"x\", \"no_such_conversion\"]]},\n"
	" \"exch\": {\"feed_name\": \"Exch\", \"file_name\": \"exch\", \"constant_fields\": {},\n"
	"  \"required_fields\": [[\"time.source\", \"timestamp\", \"add_UTC_to_timestamp\"]],\n"
	"  \"optional_fields\": [[\"classification.taxonomy\", \"tag\", \"scan_exchange_taxonomy\"],\n"
	"    [\"classification.type\", \"tag\", \"scan_exchange_type\"],\n"
	"    [\"classification.identifier\", \"tag\", \"scan_exchange_identifier\"],\n"
	"    [\"source.url\", \"url\", \"convert_http_host_and_url\", true],\n"
	"    [\"extra.\", \"body\", \"force_base64\"],\n"
	"    [\"event_description.text\", \"category\", \"category_or_detail\", true],\n"
	"    [\"source.network\", \"net\", \"validate_network\"],\n"
	"    [\"source.fqdn\", \"http_host\", \"validate_fqdn\"]]}\n"
	"}\n";

static int tiny_setup(void **state)
{
	(void)state;
	strcpy(tiny_path, "/tmp/rcx-ss-schema-XXXXXX");
	int fd = mkstemp(tiny_path);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, tiny_schema, sizeof(tiny_schema) - 1);
	close(fd);
	if (n != (ssize_t)sizeof(tiny_schema) - 1)
		return -1;
	return setenv("RCX_SHADOWSERVER_SCHEMA", tiny_path, 1);
}

static int tiny_teardown(void **state)
{
	(void)state;
	unlink(tiny_path);
	return 0;
}

static const char tiny_header[] =
	"\"timestamp\",\"ip\",\"port\",\"asn\",\"flag\",\"amp\",\"hostname\",\"tag\",\"severity\",\"geo\",\"seen\","
	"\"junk\",\"sic\"\n";

static void test_type_from_path(void **state)
{
	(void)state;
	const char *t;
	size_t n;
	assert_true(ingest_shadowserver_type_from_path("/in/2015-01-01-dns_openresolver-sample-asn.csv", &t, &n));
	assert_int_equal(n, 16);
	assert_memory_equal(t, "dns_openresolver", n);
	assert_true(ingest_shadowserver_type_from_path("2020-04-03-scan_ics-sample-asn-delayed.csv", &t, &n));
	assert_memory_equal(t, "scan_ics", n);
	assert_int_equal(n, 8);
	assert_true(ingest_shadowserver_type_from_path("2024-07-04-dns_openresolver-123-sample-asn.csv", &t, &n));
	assert_int_equal(n, 16);
	assert_true(ingest_shadowserver_type_from_path("dir/scan_http.csv", &t, &n));
	assert_int_equal(n, 9);
	assert_memory_equal(t, "scan_http", n);
	t = "untouched";
	n = 99;
	const char *bad[] = {"2024-01-01-scan_http.csv", "2024-01-01-scan_http-geo.txt",
			     "24-01-01-scan_http-geo.csv", "2024-01-01--geo.csv", "2024-01-01-scan_http-.csv",
			     "a-b.csv", ".csv", "scan_http", "", NULL};
	for (size_t i = 0; bad[i]; i++)
		assert_false(ingest_shadowserver_type_from_path(bad[i], &t, &n));
	assert_false(ingest_shadowserver_type_from_path(NULL, &t, &n));
	assert_string_equal(t, "untouched");
	assert_int_equal(n, 99);
}

static void test_inline_records(void **state)
{
	(void)state;
	struct collect c;
	char data[4096];
	snprintf(data, sizeof(data), "%s%s", tiny_header,
		 /* 2: everything converted */
		 "\"2024-01-02 03:04:05\",\"192.0.2.1\",443,64496,\"Y\",\"12.50\",\"Host.Example.COM\","
		 "\"ssl;cve-2014-0160;cve-2010-0001;cve-2014-0160\",\"high\",\"ZZ\","
		 "\"Thu, 19 Apr 2018 00:02:28 GMT\",x,0\n"
		 /* 3: short */
		 "\"2024-01-02 03:04:05\",\"192.0.2.1\",443\n"
		 /* 4: long */
		 "a,b,c,d,e,f,g,h,i,j,k,l,m,n\n"
		 /* 5: required time invalid */
		 "\"yesterday\",\"192.0.2.1\",443,,,,,,,,,,\n"
		 /* 6: conversion cannot read the port */
		 "\"2024-01-02 03:04:05\",\"192.0.2.1\",\"http\",,,,,,,,,,\n"
		 /* 7: optional values that fail their field, none values, "-" */
		 "\"2024-01-02 03:04:05\",\"192.0.2.9\",\"22\",0,\"maybe\",,\"-\",\"0\",,\"ZZZ\",\"never\",,\n"
		 /* 8: a required value its conversion turns into none (validate_ip: 0.0.0.0); Latin-1 text */
		 "\"2024-01-02 03:04:05\",\"0.0.0.0\",\"22\",,,,,,,,,,caf\xe9\n"
		 /* 9-10: a quoted newline: one record over two lines */
		 "\"2024-01-02 03:04:05\",\"2001:DB8::1\",\"22\",,,,,\"multi\nline\",,,,,\n"
		 /* 11: no time at all */
		 ",\"192.0.2.1\",443,,,,,,,,,,\n");
	collect_init(&c);
	assert_int_equal(parse_mem("2024-01-02-tiny-test-geo.csv", NULL, NULL, data, &c), RCX_OK);
	assert_int_equal(c.n_events, 4);
	assert_int_equal(c.n_record_end, 4);
	assert_int_equal(c.last_record_end, 10);
	assert_int_equal(c.n_rejects, 5);

	json_t *e = event_json(&c, 0);
	assert_json_str(e, "time.source", "2024-01-02T03:04:05+00:00");
	assert_json_str(e, "source.ip", "192.0.2.1");
	assert_int_equal(json_integer_value(json_object_get(e, "source.port")), 443);
	assert_int_equal(json_integer_value(json_object_get(e, "source.asn")), 64496);
	assert_true(json_is_true(json_object_get(e, "extra.flag")));
	assert_true(json_is_real(json_object_get(e, "extra.amp")));
	assert_true(json_real_value(json_object_get(e, "extra.amp")) == 12.5);
	assert_json_str(e, "source.reverse_dns", "host.example.com");
	assert_json_str(e, "extra.tag", "ssl;cve-2014-0160;cve-2010-0001;cve-2014-0160");
	assert_json_str(e, "extra.product.vulnerabilities", "cve-2010-0001;cve-2014-0160");
	assert_json_str(e, "extra.severity", "high");
	assert_json_str(e, "extra.seen", "2018-04-19T00:02:28+00:00");
	assert_json_str(e, "extra.sic", "0"); /* a column the schema does not name */
	assert_json_str(e, "extra.junk", NULL); /* [false, "junk"]: dropped */
	assert_json_str(e, "source.geolocation.cc", "ZZ");
	assert_json_str(e, "feed.name", "Tiny-Feed"); /* the schema's, not the sink's */
	assert_json_str(e, "feed.documentation", "https://example.org/tiny");
	assert_json_str(e, "classification.taxonomy", "vulnerable");
	assert_json_str(e, "classification.type", "vulnerable-system");
	assert_json_str(e, "classification.identifier", "tiny");
	assert_json_str(e, "protocol.transport", "tcp");
	assert_json_str(e, "time.observation", "2024-01-01T00:00:00+00:00");
	assert_string_equal(c.raws[0], "\"2024-01-02 03:04:05\",\"192.0.2.1\",443,64496,\"Y\",\"12.50\","
				       "\"Host.Example.COM\",\"ssl;cve-2014-0160;cve-2010-0001;cve-2014-0160\","
				       "\"high\",\"ZZ\",\"Thu, 19 Apr 2018 00:02:28 GMT\",x,0");
	json_decref(e);

	assert_int_equal(c.reject_lines[0], 3);
	assert_string_equal(c.reasons[0], "3 columns, header has 13");
	assert_int_equal(c.reject_lines[1], 4);
	assert_string_equal(c.reasons[1], "14 columns, header has 13");
	assert_int_equal(c.reject_lines[2], 5);
	assert_non_null(strstr(c.reasons[2], "time.source"));
	assert_non_null(strstr(c.reasons[2], "'yesterday'"));
	assert_int_equal(c.reject_lines[3], 6);
	assert_string_equal(c.reasons[3], "column port: convert_int cannot read 'http'");
	assert_int_equal(c.reject_lines[4], 11);
	assert_string_equal(c.reasons[4], "column timestamp: add_UTC_to_timestamp cannot read ''");

	e = event_json(&c, 1);
	assert_json_str(e, "source.asn", NULL);   /* invalidate_zero */
	assert_json_str(e, "extra.asn", NULL);    /* ... and the column counts as used */
	assert_json_str(e, "extra.flag", NULL);   /* convert_bool: neither yes nor no */
	assert_json_str(e, "source.reverse_dns", NULL); /* "-" is no value */
	assert_json_str(e, "extra.hostname", NULL);
	assert_json_str(e, "extra.tag", NULL);    /* validate_to_none("0") */
	assert_json_str(e, "source.geolocation.cc", NULL);
	assert_json_str(e, "extra.geo", "ZZZ");   /* refused by its field: kept as text */
	assert_json_str(e, "extra.seen", NULL);   /* convert_date of a non-date: none */
	json_decref(e);

	e = event_json(&c, 2);
	assert_json_str(e, "source.ip", NULL);
	assert_json_str(e, "extra.ip", "0.0.0.0"); /* IntelMQ keeps it under extra too */
	assert_json_str(e, "extra.sic", "caf\xc3\xa9"); /* not UTF-8: read as Latin-1 */
	json_decref(e);

	e = event_json(&c, 3);
	assert_json_str(e, "source.ip", "2001:db8::1");
	assert_json_str(e, "extra.tag", "multi\nline");
	json_decref(e);
	collect_free(&c);
}

static void test_header_only_and_empty(void **state)
{
	(void)state;
	struct collect c;
	collect_init(&c);
	assert_int_equal(parse_mem("2024-01-02-tiny-x.csv", NULL, NULL, tiny_header, &c), RCX_OK);
	assert_int_equal(parse_mem("2024-01-02-tiny-x.csv", NULL, NULL, "", &c), RCX_OK);
	assert_int_equal(c.n_events + c.n_rejects + c.n_record_end, 0);
	collect_free(&c);
}

static void test_report_type_refused(void **state)
{
	(void)state;
	struct collect c;
	char data[1024];
	snprintf(data, sizeof(data), "%s%s", tiny_header, "\"2024-01-02 03:04:05\",\"192.0.2.1\",443,,,,,,,,,,\n");
	collect_init(&c);
	assert_int_equal(parse_mem("2024-01-02-nosuch-x.csv", NULL, NULL, data, &c), RCX_ENOTFOUND);
	assert_int_equal(parse_mem("2024-01-02-tiny-x.csv", "nosuch", NULL, data, &c), RCX_ENOTFOUND);
	assert_int_equal(parse_mem("-", NULL, NULL, data, &c), RCX_EINVAL); /* no name to read a type from */
	assert_int_equal(c.n_events + c.n_rejects, 0);
	/* the source's report type wins over the file name */
	assert_int_equal(parse_mem("2024-01-02-nosuch-x.csv", "tiny", NULL, data, &c), RCX_OK);
	assert_int_equal(parse_mem("-", "tiny", NULL, data, &c), RCX_OK);
	assert_int_equal(c.n_events, 2);
	collect_free(&c);
}

static void test_schema_configuration(void **state)
{
	(void)state;
	struct collect c;
	char data[1024], cfgtext[256];
	snprintf(data, sizeof(data), "%s%s", tiny_header, "\"2024-01-02 03:04:05\",\"192.0.2.1\",443,,,,,,,,,,\n");
	collect_init(&c);
	unsetenv("RCX_SHADOWSERVER_SCHEMA");
	assert_int_equal(parse_mem("2024-01-02-tiny-x.csv", NULL, NULL, data, &c), RCX_ECONFIG);
	struct rcx_config *cfg;
	snprintf(cfgtext, sizeof(cfgtext), "[shadowserver]\nschema = %s\n", tiny_path);
	assert_int_equal(rcx_config_parse(cfgtext, strlen(cfgtext), &cfg, NULL), RCX_OK);
	assert_int_equal(parse_mem("2024-01-02-tiny-x.csv", NULL, cfg, data, &c), RCX_OK);
	assert_int_equal(c.n_events, 1);
	rcx_config_free(cfg);
	const char bad[] = "[shadowserver]\nschema = /nonexistent/schema.json\n";
	assert_int_equal(rcx_config_parse(bad, sizeof(bad) - 1, &cfg, NULL), RCX_OK);
	assert_int_equal(parse_mem("2024-01-02-tiny-x.csv", NULL, cfg, data, &c), RCX_ECONFIG);
	rcx_config_free(cfg);
	/* a file that is not a mapping file */
	char junk[] = "/tmp/rcx-ss-junk-XXXXXX";
	int fd = mkstemp(junk);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[1, 2", 5), 5);
	close(fd);
	setenv("RCX_SHADOWSERVER_SCHEMA", junk, 1);
	assert_int_equal(parse_mem("2024-01-02-tiny-x.csv", NULL, NULL, data, &c), RCX_ECONFIG);
	unlink(junk);
	setenv("RCX_SHADOWSERVER_SCHEMA", tiny_path, 1);
	assert_int_equal(c.n_events, 1);
	collect_free(&c);
}

static void test_unknown_conversion(void **state)
{
	(void)state;
	struct collect c;
	collect_init(&c);
	/* used: the file is refused before any record */
	assert_int_equal(parse_mem("other.csv", NULL, NULL, "timestamp,x\n2024-01-01,1\n", &c), RCX_EUNSUPPORTED);
	assert_int_equal(c.n_events + c.n_rejects, 0);
	/* not in the header: harmless */
	assert_int_equal(parse_mem("other.csv", NULL, NULL, "timestamp,y\n2024-01-01,1\n", &c), RCX_OK);
	assert_int_equal(c.n_events, 1);
	json_t *e = event_json(&c, 0);
	assert_json_str(e, "extra.y", "1");
	assert_json_str(e, "feed.documentation", NULL);
	assert_json_str(e, "classification.taxonomy", NULL);
	json_decref(e);
	assert_false(ingest_shadowserver_conversion_known("no_such_conversion"));
	assert_true(ingest_shadowserver_conversion_known("convert_http_host_and_url"));
	collect_free(&c);
}

static void test_missing_required_column(void **state)
{
	(void)state;
	struct collect c;
	collect_init(&c);
	const char data[] = "timestamp,ip\n2024-01-01,192.0.2.1\n2024-01-02,192.0.2.2\n";
	assert_int_equal(parse_mem("tiny.csv", NULL, NULL, data, &c), RCX_OK);
	assert_int_equal(c.n_events, 0);
	assert_int_equal(c.n_rejects, 2);
	assert_string_equal(c.reasons[1], "required column port is not in the header");
	assert_int_equal(c.reject_lines[1], 3);
	collect_free(&c);
}

static void test_row_conversions(void **state)
{
	(void)state;
	struct collect c;
	collect_init(&c);
	const char data[] =
		"timestamp,tag,url,http_host,application,body,category,detail,net\n"
		"2024-01-01 00:00:00,exchange;webshell,GET /shell.aspx?x=1 HTTP/1.1,Mail.Example.org,https,aGk=,,found,"
		"192.0.2.0/24\n"
		"2024-01-01 00:00:00,exchange;cve-2021-26855,/owa/,,http,plain text,spam,found,192.0.2.1\n";
	assert_int_equal(parse_mem("2024-01-01-exch-x.csv", NULL, NULL, data, &c), RCX_OK);
	assert_int_equal(c.n_events, 2);
	json_t *e = event_json(&c, 0);
	assert_json_str(e, "classification.taxonomy", "intrusions");
	assert_json_str(e, "classification.type", "system-compromise");
	assert_json_str(e, "classification.identifier", "exchange-server-webshell");
	assert_json_str(e, "source.url", "https://mail.example.org/shell.aspx?x=1");
	assert_json_str(e, "source.fqdn", "mail.example.org");
	assert_json_str(e, "extra.body", "aGk="); /* already base64 */
	assert_json_str(e, "event_description.text", "found"); /* category empty: detail */
	assert_json_str(e, "source.network", "192.0.2.0/24");
	assert_json_str(e, "extra.net", NULL);
	json_decref(e);
	e = event_json(&c, 1);
	assert_json_str(e, "classification.taxonomy", "vulnerable");
	assert_json_str(e, "classification.type", "vulnerable-system");
	assert_json_str(e, "classification.identifier", "vulnerable-exchange-server");
	assert_json_str(e, "source.url", NULL);    /* no host: the path alone is no URL ... */
	assert_json_str(e, "extra.url", "/owa/"); /* ... and stays as text */
	assert_json_str(e, "extra.body", "cGxhaW4gdGV4dA==");
	assert_json_str(e, "event_description.text", "spam");
	assert_json_str(e, "source.network", NULL); /* validate_network: not a network */
	assert_json_str(e, "extra.net", NULL);
	json_decref(e);
	collect_free(&c);
}

static void test_detect(void **state)
{
	(void)state;
	const struct ingest_format *fmt = ingest_format_find("shadowserver");
	assert_non_null(fmt);
	assert_true(fmt->detect("/x/2024-01-01-tiny-geo.csv", "", 0));
	assert_true(fmt->detect("tiny.csv", "", 0));
	assert_false(fmt->detect("/x/2024-01-01-nosuch-geo.csv", "", 0));
	assert_false(fmt->detect("/x/tiny.txt", "", 0));
	assert_true(ingest_format_detect("2024-01-01-tiny-geo.csv", "", 0) == fmt);
}

/* ---- the corpus ---- */

static const char *corpus_dir(char *buf, size_t cap)
{
	const char *corpus = getenv("RCX_CORPUS");
	if (!corpus || !*corpus)
		return NULL;
	snprintf(buf, cap, "%s/feeds/shadowserver", corpus);
	return access(buf, R_OK) == 0 ? buf : NULL;
}

static void test_schema_conversions_known(void **state)
{
	(void)state;
	char dir[512], path[600];
	if (!corpus_dir(dir, sizeof(dir)))
		skip();
	snprintf(path, sizeof(path), "%s/report_schema/intelmq.json", dir);
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	assert_non_null(root);
	const char *key;
	json_t *rep;
	size_t reports = 0, conversions = 0;
	json_object_foreach(root, key, rep)
	{
		if (key[0] == '_')
			continue;
		reports++;
		const char *lists[] = {"required_fields", "optional_fields"};
		for (int l = 0; l < 2; l++) {
			json_t *arr = json_object_get(rep, lists[l]), *item;
			size_t i;
			json_array_foreach(arr, i, item)
			{
				json_t *conv = json_array_get(item, 2);
				if (!json_is_string(conv))
					continue;
				conversions++;
				if (!ingest_shadowserver_conversion_known(json_string_value(conv)))
					fail_msg("report %s: conversion %s is not implemented", key,
						 json_string_value(conv));
			}
		}
	}
	json_decref(root);
	assert_true(reports >= 170);
	assert_true(conversions > 1000);
}

/* Differences between rcx and IntelMQ that are intended. key NULL: no event of the report exists. */
static const struct intended {
	const char *report;     /* NULL: every report */
	const char *key;        /* the event key */
	const char *intelmq;    /* IntelMQ's value starts with this; NULL: any value */
	bool rcx_absent;        /* rcx has no value */
	const char *why;
} intended[] = {
	{NULL, "raw", NULL, false,
	 "IntelMQ's raw is base64 of the header plus the record re-written by Python's csv; rcx keeps the "
	 "record's own bytes (tested separately)"},
	{NULL, "time.observation", NULL, false, "the time of ingest: set by the sink, not by the parser"},
	{NULL, "extra.file_name", NULL, false, "IntelMQ's report metadata; rcx knows the file by its ingest record"},
	{"event4_honeypot_ddos_amp", "extra.end_time", "2026-11-23T00:00:00", true,
	 "IntelMQ's convert_date_utc reads an empty value plus '+00:00' as today (dateutil fuzzy parsing): the "
	 "day the reference events were made; rcx gives no value"},
};

/* Records IntelMQ made an event of and rcx quarantines on purpose. */
static const struct intended_reject {
	const char *report;
	const char *reason; /* part of rcx's reason */
	const char *why;
} intended_rejects[] = {
	{"event4_honeypot_ddos", "59 columns, header has 60",
	 "the header gained a last column (http_agent) the rows lack; IntelMQ reads missing trailing values as "
	 "none, rcx quarantines a record whose column count differs from the header (a shifted row would file "
	 "values under the wrong columns)"},
	{"scan_rdp", "31 columns, header has 32", "as above: the rows lack the last column (jarm)"},
	{"scan_synfulknock", "18 columns, header has 19", "as above: one row lacks the last column (sector)"},
};

static const struct intended_reject *intended_reject_find(const char *report, const char *reason)
{
	for (size_t i = 0; i < sizeof(intended_rejects) / sizeof(intended_rejects[0]); i++)
		if (!strcmp(intended_rejects[i].report, report) && strstr(reason, intended_rejects[i].reason))
			return &intended_rejects[i];
	return NULL;
}

static const struct intended *intended_find(const char *report, const char *key, json_t *imq, json_t *rcx)
{
	for (size_t i = 0; i < sizeof(intended) / sizeof(intended[0]); i++) {
		const struct intended *d = &intended[i];
		if ((d->report && strcmp(d->report, report)) || strcmp(d->key, key))
			continue;
		if (d->rcx_absent && rcx)
			continue;
		if (d->intelmq &&
		    !(json_is_string(imq) && !strncmp(json_string_value(imq), d->intelmq, strlen(d->intelmq))))
			continue;
		return d;
	}
	return NULL;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t count_records(const char *path)
{
	/* the samples have no quoted newlines: records = lines - header */
	FILE *f = fopen(path, "r");
	size_t n = 0;
	int ch, last = '\n';
	assert_non_null(f);
	while ((ch = fgetc(f)) != EOF) {
		if (ch == '\n')
			n++;
		last = ch;
	}
	fclose(f);
	return (last == '\n' ? n : n + 1) - 1;
}

/* Compares one rcx event with IntelMQ's; returns the number of unexplained differences. */
static size_t compare_event(const char *report, size_t line, json_t *imq, json_t *rcx, size_t *ret_explained)
{
	size_t bad = 0;
	json_t *both[2] = {imq, rcx};
	for (int side = 0; side < 2; side++) {
		const char *key;
		json_t *v;
		json_object_foreach(both[side], key, v)
		{
			json_t *a = json_object_get(imq, key), *b = json_object_get(rcx, key);
			if (side == 1 && a)
				continue; /* seen from IntelMQ's side */
			if (a && b && json_equal(a, b))
				continue;
			if (intended_find(report, key, a, b)) {
				(*ret_explained)++;
				continue;
			}
			char *as = a ? json_dumps(a, JSON_ENCODE_ANY) : NULL;
			char *bs = b ? json_dumps(b, JSON_ENCODE_ANY) : NULL;
			print_message("%s event %zu: %s: IntelMQ %s, rcx %s\n", report, line, key, as ? as : "(none)",
				      bs ? bs : "(none)");
			free(as);
			free(bs);
			bad++;
		}
	}
	return bad;
}

static void test_golden_intelmq(void **state)
{
	(void)state;
	char dir[512], path[1024];
	if (!corpus_dir(dir, sizeof(dir)))
		skip();
	snprintf(path, sizeof(path), "%s/report_schema/intelmq.json", dir);
	setenv("RCX_SHADOWSERVER_SCHEMA", path, 1);

	char *names[512];
	size_t n_names = 0;
	snprintf(path, sizeof(path), "%s/legacy-3.2", dir);
	DIR *d = opendir(path);
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d)) && n_names < 512) {
		size_t l = strlen(de->d_name);
		if (l > 4 && !strcmp(de->d_name + l - 4, ".csv"))
			names[n_names++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n_names, sizeof(names[0]), name_cmp);

	size_t samples = 0, events = 0, empty = 0, unexplained = 0, explained = 0, refused = 0;
	for (size_t i = 0; i < n_names; i++) {
		char type[256], csv[1024], jsonl[1024];
		snprintf(type, sizeof(type), "%.*s", (int)(strlen(names[i]) - 4), names[i]);
		snprintf(csv, sizeof(csv), "%s/legacy-3.2/%s", dir, names[i]);
		snprintf(jsonl, sizeof(jsonl), "%s/legacy-3.2.intelmq-events/%s.events.jsonl", dir, type);

		struct collect c;
		struct ingest_reader in;
		collect_init(&c);
		struct rcx_config *cfg = rcx_config_empty();
		struct ingest_source src = {.path = csv, .feed_name = "x", .report_type = NULL, .config = cfg};
		assert_int_equal(ingest_reader_open(&in, csv), RCX_OK);
		enum rcx_result r = ingest_format_find("shadowserver")->parse(&src, &in, &c.sink);
		ingest_reader_close(&in);
		rcx_config_free(cfg);

		FILE *f = fopen(jsonl, "r");
		if (!f) {
			/* No reference events: the report type is not in the mapping file (phish_url), and IntelMQ
			 * refuses it as rcx must. */
			if (r != RCX_ENOTFOUND)
				fail_msg("%s: no IntelMQ events and rcx did not refuse it (%d)", type, (int)r);
			refused++;
			collect_free(&c);
			continue;
		}
		assert_int_equal(r, RCX_OK);
		samples++;
		/* The samples have one record per line after the header, and IntelMQ made one event per record
		 * (or none at all): IntelMQ's k-th event belongs to the record on line k + 2. */
		size_t records = count_records(csv), k = 0, explained_rejects = 0;
		char *line = NULL;
		size_t cap = 0;
		ssize_t got;
		while ((got = getline(&line, &cap, f)) > 0) {
			json_error_t err;
			json_t *imq = json_loadb(line, (size_t)got, 0, &err);
			assert_non_null(imq);
			uint64_t lineno = k + 2;
			size_t e = 0, j = 0;
			while (e < c.n_events && c.event_lines[e] != lineno)
				e++;
			while (j < c.n_rejects && c.reject_lines[j] != lineno)
				j++;
			if (e < c.n_events) {
				json_t *rcx = event_json(&c, e);
				unexplained += compare_event(type, k + 1, imq, rcx, &explained);
				json_decref(rcx);
				events++;
			} else if (j < c.n_rejects && intended_reject_find(type, c.reasons[j])) {
				explained_rejects++;
				explained++;
			} else {
				print_message("%s: line %llu: IntelMQ made an event, rcx %s%s\n", type,
					      (unsigned long long)lineno, j < c.n_rejects ? "rejected it: " : "nothing",
					      j < c.n_rejects ? c.reasons[j] : "");
				unexplained++;
			}
			json_decref(imq);
			k++;
		}
		free(line);
		fclose(f);
		if (k == 0) {
			/* IntelMQ made no event (malware_url: the required column port is missing): rcx must
			 * quarantine every record instead. */
			empty++;
			if (c.n_events || c.n_rejects != records) {
				print_message("%s: IntelMQ made no event, rcx %zu events and %zu rejects\n", type,
					      c.n_events, c.n_rejects);
				unexplained++;
			}
		} else if (k != records || c.n_events + explained_rejects != k || c.n_rejects != explained_rejects) {
			print_message("%s: %zu records, IntelMQ %zu events, rcx %zu events and %zu rejects\n", type,
				      records, k, c.n_events, c.n_rejects);
			unexplained++;
		}
		collect_free(&c);
	}
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	print_message("shadowserver golden: %zu samples, %zu events compared, %zu samples without events, "
		      "%zu refused, %zu intended differences, %zu unexplained\n",
		      samples, events, empty, refused, explained, unexplained);
	assert_true(samples >= 50);
	assert_true(events >= 300);
	assert_int_equal(unexplained, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_from_path),
		cmocka_unit_test(test_inline_records),
		cmocka_unit_test(test_header_only_and_empty),
		cmocka_unit_test(test_report_type_refused),
		cmocka_unit_test(test_schema_configuration),
		cmocka_unit_test(test_unknown_conversion),
		cmocka_unit_test(test_missing_required_column),
		cmocka_unit_test(test_row_conversions),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_schema_conversions_known),
		cmocka_unit_test(test_golden_intelmq),
	};
	return cmocka_run_group_tests(tests, tiny_setup, tiny_teardown);
}
