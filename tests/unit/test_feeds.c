/* Unit tests of the feed formats other than Shadowserver: abuse.ch (Feodo Tracker JSON and CSV,
 * URLhaus), Spamhaus DROP/EDROP/ASN-DROP, plain lists, the generic CSV with a column map, and
 * IntelMQ JSON lines. Each format is run through a collecting sink on the corpus samples (when
 * RCX_CORPUS is set), on the synthetic samples in tests/data/feeds, and on the awkward inputs
 * every line-based feed meets sooner or later. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/event.h"
#include "core/limits.h"
#include "core/strbuf.h"
#include "core/tlp.h"
#include "ingest/ingest.h"
#include "ingest/ingest_csvmap.h"

#define MAX_ITEMS 64

/* A sink that keeps what it is given: events as canonical JSON (classified, as the pipeline
 * does), rejects with their line and reason, and the line of every record end. It holds events
 * until their record ends, and drops them on a reject, as the pipeline does. */
struct collect {
	struct ingest_sink sink; /* first: the parsers see only this */
	struct rcx_arena arena;
	const char *feed_name;
	bool with_raw;
	char *pending[MAX_ITEMS];
	size_t npending;
	char *ev[MAX_ITEMS];
	size_t nev;
	uint64_t rej_line[MAX_ITEMS];
	char *rej_reason[MAX_ITEMS];
	size_t rej_raw_len[MAX_ITEMS];
	size_t rej_raw_total[MAX_ITEMS];
	size_t nrej;
	uint64_t end_line[MAX_ITEMS];
	size_t nend;
	uint64_t last_record; /* records must end on growing line numbers (checkpoints rely on it) */
	bool order_broken;
};

static struct event *c_event_new(struct ingest_sink *sink)
{
	struct collect *c = (struct collect *)sink;
	struct event *ev = rcx_arena_alloc(&c->arena, sizeof(*ev));
	event_init(ev, &c->arena);
	if (c->feed_name)
		event_set(ev, EF_FEED_NAME, c->feed_name, strlen(c->feed_name));
	event_set(ev, EF_TIME_OBSERVATION, "2024-01-01T00:00:00+00:00", 25);
	return ev;
}

static enum rcx_result c_emit(struct ingest_sink *sink, struct event *ev)
{
	struct collect *c = (struct collect *)sink;
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	event_classify(ev);
	assert_int_equal(event_to_json(ev, c->with_raw ? EVENT_JSON_RAW : 0, &b), RCX_OK);
	assert_true(c->npending < MAX_ITEMS);
	c->pending[c->npending++] = rcx_strbuf_steal(&b);
	return RCX_OK;
}

static void c_record(struct collect *c, uint64_t line)
{
	if (line <= c->last_record && c->last_record)
		c->order_broken = true;
	c->last_record = line;
}

static enum rcx_result c_reject(struct ingest_sink *sink, uint64_t line, const char *reason, const char *raw,
				size_t raw_len, size_t raw_total)
{
	struct collect *c = (struct collect *)sink;
	(void)raw;
	for (size_t i = 0; i < c->npending; i++)
		free(c->pending[i]);
	c->npending = 0;
	assert_true(c->nrej < MAX_ITEMS);
	c->rej_line[c->nrej] = line;
	c->rej_reason[c->nrej] = strdup(reason);
	c->rej_raw_len[c->nrej] = raw_len;
	c->rej_raw_total[c->nrej] = raw_total;
	c->nrej++;
	c_record(c, line);
	return RCX_OK;
}

static enum rcx_result c_record_end(struct ingest_sink *sink, uint64_t line)
{
	struct collect *c = (struct collect *)sink;
	assert_true(c->npending > 0); /* every format here emits at least one event per record */
	for (size_t i = 0; i < c->npending; i++) {
		assert_true(c->nev < MAX_ITEMS);
		c->ev[c->nev++] = c->pending[i];
	}
	c->npending = 0;
	assert_true(c->nend < MAX_ITEMS);
	c->end_line[c->nend++] = line;
	c_record(c, line);
	return RCX_OK;
}

static void collect_init(struct collect *c)
{
	memset(c, 0, sizeof(*c));
	c->sink.event_new = c_event_new;
	c->sink.emit = c_emit;
	c->sink.reject = c_reject;
	c->sink.record_end = c_record_end;
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->nev; i++)
		free(c->ev[i]);
	for (size_t i = 0; i < c->npending; i++)
		free(c->pending[i]);
	for (size_t i = 0; i < c->nrej; i++)
		free(c->rej_reason[i]);
	rcx_arena_free(&c->arena);
}

/* FEEDS_DUMP=1 prints what every parse produced: the quick way to write a new assertion. */
static void dump(const char *what, const struct collect *c)
{
	if (!getenv("FEEDS_DUMP"))
		return;
	fprintf(stderr, "=== %s: %zu events, %zu rejects\n", what, c->nev, c->nrej);
	for (size_t i = 0; i < c->nev; i++)
		fprintf(stderr, "EV %llu %s\n", (unsigned long long)c->end_line[i], c->ev[i]);
	for (size_t i = 0; i < c->nrej; i++)
		fprintf(stderr, "REJ %llu %s (raw %zu/%zu)\n", (unsigned long long)c->rej_line[i], c->rej_reason[i],
			c->rej_raw_len[i], c->rej_raw_total[i]);
}

/* Where the parse takes its input from and with what settings. */
struct feed_opts {
	const char *map_path;
	struct rcx_config *config;
	const char *feed_name;
	bool with_raw;
};

static enum rcx_result run_reader(struct collect *c, const char *format, struct ingest_reader *in,
				  const struct feed_opts *o)
{
	const struct ingest_format *fmt = ingest_format_find(format);
	assert_non_null(fmt);
	struct rcx_config *cfg = o && o->config ? o->config : rcx_config_empty();
	struct ingest_source src = {
		.path = in->path,
		.feed_name = o && o->feed_name ? o->feed_name : fmt->feed_name,
		.map_path = o ? o->map_path : NULL,
		.config = cfg,
	};
	collect_init(c);
	c->feed_name = src.feed_name;
	c->with_raw = o && o->with_raw;
	enum rcx_result rc = fmt->parse(&src, in, &c->sink);
	if (!(o && o->config))
		rcx_config_free(cfg);
	assert_false(c->order_broken);
	assert_int_equal(c->npending, 0);
	return rc;
}

/* Parses data[0..len) with the format; asserts the parse itself succeeds. */
static void run_mem(struct collect *c, const char *format, const char *data, size_t len, const struct feed_opts *o)
{
	struct ingest_reader in;
	ingest_reader_open_mem(&in, data, len);
	assert_int_equal(run_reader(c, format, &in, o), RCX_OK);
	ingest_reader_close(&in);
	dump(format, c);
}

static void run_str(struct collect *c, const char *format, const char *data, const struct feed_opts *o)
{
	run_mem(c, format, data, strlen(data), o);
}

static void run_file(struct collect *c, const char *format, const char *path, const struct feed_opts *o)
{
	struct ingest_reader in;
	assert_int_equal(ingest_reader_open(&in, path), RCX_OK);
	assert_int_equal(run_reader(c, format, &in, o), RCX_OK);
	ingest_reader_close(&in);
	dump(path, c);
}

/* A corpus file, or NULL when RCX_CORPUS is not set (the test is skipped then). */
static const char *corpus(const char *rel)
{
	static char path[4096];
	const char *root = getenv("RCX_CORPUS");
	if (!root || !*root)
		return NULL;
	snprintf(path, sizeof(path), "%s/feeds/%s", root, rel);
	return access(path, R_OK) == 0 ? path : NULL;
}

/* A file of tests/data/feeds (always present). */
static const char *data_file(const char *rel)
{
	static char path[4][4096];
	static int slot;
	const char *root = getenv("RCX_SOURCE_ROOT");
	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof(path[slot]), "%s/tests/data/feeds/%s", root ? root : ".", rel);
	return path[slot];
}

#define SKIP_WITHOUT_CORPUS(p)                                                                                     \
	do {                                                                                                       \
		if (!(p))                                                                                          \
			skip();                                                                                    \
	} while (0)

static void assert_reject(const struct collect *c, size_t i, uint64_t line, const char *reason)
{
	assert_true(i < c->nrej);
	assert_int_equal(c->rej_line[i], line);
	assert_string_equal(c->rej_reason[i], reason);
}

static void assert_event(const struct collect *c, size_t i, uint64_t line, const char *json)
{
	assert_true(i < c->nev);
	assert_int_equal(c->end_line[i], line);
	assert_string_equal(c->ev[i], json);
}

/* The common prefix of every event the tests build: what the test sink adds. */
#define OBS "\"time.observation\": \"2024-01-01T00:00:00+00:00\""

/* ---- the awkward inputs every line-based format must survive ----
 * head: lines a file needs before its records (comments, a header), "" if none, each ending in
 * "\n" and counted in nhead; good: one record line that yields exactly one event. */
struct awkward {
	const char *format;
	const char *head;
	unsigned nhead;
	const char *good;
	const struct feed_opts *opts;
};

static char *cat3(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s = malloc(la + lb + lc + 1);
	assert_non_null(s);
	memcpy(s, a, la);
	memcpy(s + la, b, lb);
	memcpy(s + la + lb, c, lc + 1);
	return s;
}

/* head with "\n" turned into "\r\n" */
static char *crlf(const char *s)
{
	size_t n = strlen(s), k = 0;
	char *out = malloc(2 * n + 1);
	assert_non_null(out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			out[k++] = '\r';
		out[k++] = s[i];
	}
	out[k] = '\0';
	return out;
}

static void check_awkward(const struct awkward *a)
{
	struct collect base, c;
	char *good_nl = cat3(a->good, "\n", "");
	char *text = cat3(a->head, good_nl, "");
	run_str(&base, a->format, text, a->opts);
	assert_int_equal(base.nev, 1);
	assert_int_equal(base.nrej, 0);
	assert_int_equal(base.end_line[0], a->nhead + 1);
	free(text);

	/* a byte-order mark, CRLF line ends, and a last line without its newline */
	char *head_crlf = crlf(a->head);
	char *bom = cat3("\xef\xbb\xbf", head_crlf, "");
	char *two = cat3(a->good, "\r\n", a->good);
	text = cat3(bom, two, "");
	run_str(&c, a->format, text, a->opts);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 0);
	assert_string_equal(c.ev[0], base.ev[0]);
	assert_string_equal(c.ev[1], base.ev[0]);
	assert_int_equal(c.end_line[0], a->nhead + 1);
	assert_int_equal(c.end_line[1], a->nhead + 2);
	collect_free(&c);
	free(text);
	free(two);
	free(bom);
	free(head_crlf);

	/* a NUL byte inside a record: that record is rejected, the others go through */
	size_t hl = strlen(a->head), gl = strlen(a->good);
	size_t len = hl + 3 * (gl + 1) + 2;
	char *buf = malloc(len);
	assert_non_null(buf);
	memcpy(buf, a->head, hl);
	size_t off = hl;
	for (int i = 0; i < 3; i++) {
		memcpy(buf + off, a->good, gl);
		if (i == 1) {
			memmove(buf + off + 4, buf + off + 3, gl - 3);
			buf[off + 3] = '\0';
			off++;
		}
		off += gl;
		buf[off++] = '\n';
	}
	run_mem(&c, a->format, buf, off, a->opts);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 1);
	assert_reject(&c, 0, a->nhead + 2, "NUL byte at column 4");
	assert_int_equal(c.end_line[1], a->nhead + 3);
	collect_free(&c);
	free(buf);

	/* a 1 MB line: rejected with its length, the next line still read */
	size_t big = 1024 * 1024;
	buf = malloc(hl + big + gl + 3);
	assert_non_null(buf);
	memcpy(buf, a->head, hl);
	memset(buf + hl, 'x', big);
	buf[hl + big] = '\n';
	memcpy(buf + hl + big + 1, a->good, gl);
	buf[hl + big + 1 + gl] = '\n';
	run_mem(&c, a->format, buf, hl + big + gl + 2, a->opts);
	assert_int_equal(c.nev, 1);
	assert_int_equal(c.nrej, 1);
	assert_reject(&c, 0, a->nhead + 1, "line too long (1048576 bytes, limit 262144)");
	assert_int_equal(c.rej_raw_len[0], RCX_QUARANTINE_RAW_MAX);
	assert_int_equal(c.rej_raw_total[0], big);
	assert_int_equal(c.end_line[0], a->nhead + 2);
	collect_free(&c);
	free(buf);

	/* an empty file, and a file of only comments, blank lines and the header */
	run_str(&c, a->format, "", a->opts);
	assert_int_equal(c.nev + c.nrej, 0);
	collect_free(&c);
	text = cat3(a->head, "\n  \t\n", strcmp(a->format, "intelmq-jsonl") ? "# nothing here\n" : "");
	run_str(&c, a->format, text, a->opts);
	assert_int_equal(c.nev + c.nrej, 0);
	collect_free(&c);
	free(text);

	free(good_nl);
	collect_free(&base);
}

/* Parses head + line and returns the single outcome's text: the event JSON or "REJECT <reason>". */
static char *one(const struct awkward *a, const char *line)
{
	struct collect c;
	char *text = cat3(a->head, line, "\n");
	run_str(&c, a->format, text, a->opts);
	free(text);
	assert_int_equal(c.nev + c.nrej, 1);
	char *out = c.nev ? strdup(c.ev[0]) : cat3("REJECT ", c.rej_reason[0], "");
	collect_free(&c);
	return out;
}

static void assert_one(const struct awkward *a, const char *line, const char *want)
{
	char *got = one(a, line);
	assert_string_equal(got, want);
	free(got);
}

/* ================= Feodo Tracker JSON ================= */

static void test_feodo_json_corpus(void **state)
{
	(void)state;
	const char *path = corpus("abusech/feodotracker_ipblocklist.json");
	SKIP_WITHOUT_CORPUS(path);
	struct collect c;
	run_file(&c, "feodo-json", path, NULL);
	assert_int_equal(c.nev, 4);
	assert_int_equal(c.nrej, 0);
	/* as IntelMQ's parser_feodotracker test expects (plus rcx's feed and taxonomy fields) */
	assert_event(&c, 0, 1,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"c2-server\", "
		     "\"extra.last_online\": \"2022-11-15\", \"feed.name\": \"Feodo Tracker\", \"feed.provider\": "
		     "\"Abuse.ch\", \"malware.name\": \"dridex\", \"source.as_name\": \"OVH\", \"source.asn\": 16276, "
		     "\"source.geolocation.cc\": \"FR\", \"source.ip\": \"51.178.161.32\", \"source.port\": 4643, "
		     "\"source.reverse_dns\": \"srv-web.ffconsulting.com\", \"status\": \"online\", " OBS
		     ", \"time.source\": \"2021-01-17T07:44:46+00:00\"}");
	assert_non_null(strstr(c.ev[1], "\"status\": \"offline\""));
	assert_non_null(strstr(c.ev[1], "\"source.geolocation.cc\": \"CA\""));
	/* no first_seen: time.source is the day of last_online; null hostname: no reverse_dns */
	assert_event(&c, 3, 4,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"c2-server\", "
		     "\"extra.last_online\": \"2022-11-15\", \"feed.name\": \"Feodo Tracker\", \"feed.provider\": "
		     "\"Abuse.ch\", \"malware.name\": \"dridex\", \"source.as_name\": \"SKB-AS SK Broadband Co Ltd\", "
		     "\"source.asn\": 9318, \"source.geolocation.cc\": \"KR\", \"source.ip\": \"1.234.21.73\", "
		     "\"source.port\": 6601, \"status\": \"online\", " OBS
		     ", \"time.source\": \"2022-11-15T00:00:00+00:00\"}");
	collect_free(&c);
}

static void test_feodo_json_own(void **state)
{
	(void)state;
	struct collect c;
	struct feed_opts raw = {.with_raw = true};
	run_file(&c, "feodo-json", data_file("feodo_ipblocklist.json"), &raw);
	assert_int_equal(c.nev, 3);
	assert_int_equal(c.nrej, 2);
	assert_non_null(strstr(c.ev[0], "\"source.ip\": \"192.0.2.10\""));
	/* raw is the element's own text: "{\n    \"ip_address\": \"2001:db8::7\",..." */
	assert_non_null(strstr(c.ev[1], "\"raw\": \"ewogICAgImlwX2FkZHJlc3MiOiAiMjAwMTpkYjg6Ojci"));
	collect_free(&c);
	run_file(&c, "feodo-json", data_file("feodo_ipblocklist.json"), NULL);
	assert_event(&c, 1, 2,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"c2-server\", "
		     "\"extra.last_online\": \"2024-02-28\", \"feed.name\": \"Feodo Tracker\", \"feed.provider\": "
		     "\"Abuse.ch\", \"malware.name\": \"emotet\", \"source.as_name\": \"DOC-AS\", "
		     "\"source.asn\": 64497, "
		     "\"source.geolocation.cc\": \"ME\", \"source.ip\": \"2001:db8::7\", \"source.port\": 8080, "
		     "\"status\": \"offline\", " OBS ", \"time.source\": \"2024-02-28T00:00:00+00:00\"}");
	assert_reject(&c, 0, 3, "element 3 (line 25, column 3): ip_address: '999.0.2.11' is not an IP address");
	assert_reject(&c, 1, 4, "element 4 (line 30, column 3): not a JSON object");
	/* optional values rcx cannot use are kept under extra, unknown keys too */
	assert_event(&c, 2, 5,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"c2-server\", "
		     "\"extra.added_by\": \"analyst\", \"extra.country\": \"Serbia\", \"extra.first_seen\": "
		     "\"yesterday\", \"extra.hostname\": \"not a host name\", \"feed.name\": \"Feodo Tracker\", "
		     "\"feed.provider\": \"Abuse.ch\", \"malware.name\": \"pikabot\", \"source.ip\": \"198.51.100.5\", "
		     "\"source.port\": 4443, " OBS "}");
	collect_free(&c);
}

static void test_feodo_json_documents(void **state)
{
	(void)state;
	struct collect c;
	/* not JSON: one reject for the whole file, with jansson's words */
	run_str(&c, "feodo-json", "[{\"ip_address\": \"192.0.2.1\",}\n]", NULL);
	assert_int_equal(c.nev, 0);
	assert_int_equal(c.nrej, 1);
	assert_reject(&c, 0, 1, "invalid JSON: string or '}' expected near '}' (line 1, column 29)");
	collect_free(&c);
	/* cut short */
	run_str(&c, "feodo-json", "[{\"ip_address\": \"192.0.2.1\", \"port\": 443},\n", NULL);
	assert_reject(&c, 0, 1, "invalid JSON: ']' expected near end of file (line 2, column 0)");
	collect_free(&c);
	run_str(&c, "feodo-json", "{\"ip_address\": \"192.0.2.1\"}", NULL);
	assert_int_equal(c.nrej, 1);
	assert_reject(&c, 0, 1, "not a JSON array");
	collect_free(&c);
	/* empty file, blank file, empty array: nothing */
	const char *nothing[] = {"", " \r\n\n", "[]", "\xef\xbb\xbf[ ]\n"};
	for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
		run_str(&c, "feodo-json", nothing[i], NULL);
		assert_int_equal(c.nev + c.nrej, 0);
		collect_free(&c);
	}
	/* one compact line, a BOM, CRLF, Latin-1 text, a NUL escape: record numbers still grow, and
	 * the element with the NUL is the only one rejected */
	const char compact[] = "\xef\xbb\xbf[{\"ip_address\":\"192.0.2.1\",\"port\":443,\"as_name\":\"Caf\xe9 Net\"},"
			       "\r\n {\"ip_address\":\"192.0.2.2\",\"port\":80,\"as_name\":\"A\\u0000B\"}]\r\n";
	run_str(&c, "feodo-json", compact, NULL);
	assert_int_equal(c.nev, 1);
	assert_int_equal(c.nrej, 1);
	assert_event(&c, 0, 1,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"c2-server\", "
		     "\"feed.name\": \"Feodo Tracker\", \"feed.provider\": \"Abuse.ch\", \"source.as_name\": "
		     "\"Caf\xc3\xa9 Net\", \"source.ip\": \"192.0.2.1\", \"source.port\": 443, " OBS "}");
	assert_reject(&c, 0, 2, "element 2 (line 2, column 2): as_name: 'A\\x00B' is not text");
	collect_free(&c);

	/* an element is a record: longer than RCX_LINE_MAX, it is rejected (raw cut), the next one kept */
	size_t big = 300000;
	char *doc = malloc(big + 128);
	assert_non_null(doc);
	int n = sprintf(doc, "[{\"ip_address\":\"192.0.2.1\",\"x\":\"");
	memset(doc + n, 'a', big);
	strcpy(doc + n + big, "\"},\n{\"ip_address\":\"192.0.2.2\"}]");
	run_str(&c, "feodo-json", doc, NULL);
	assert_int_equal(c.nev, 1);
	assert_reject(&c, 0, 1, "element 1 (line 1, column 2): element too long (300033 bytes, limit 262144)");
	assert_int_equal(c.rej_raw_len[0], RCX_QUARANTINE_RAW_MAX);
	assert_int_equal(c.rej_raw_total[0], 300033);
	assert_int_equal(c.end_line[0], 2);
	collect_free(&c);
	free(doc);
}

/* ================= Feodo Tracker CSV ================= */

static const struct awkward feodo_csv = {
	"feodo-csv",
	"# abuse.ch Feodo Tracker Botnet C2 IP Blocklist (CSV)\n"
	"\"first_seen_utc\",\"dst_ip\",\"dst_port\",\"c2_status\",\"last_online\",\"malware\"\n",
	2,
	"\"2024-03-01 10:20:30\",\"192.0.2.10\",\"443\",\"online\",\"2024-03-05\",\"QakBot\"",
	NULL,
};

static void test_feodo_csv_corpus(void **state)
{
	(void)state;
	const char *path = corpus("abusech/feodoips.txt");
	SKIP_WITHOUT_CORPUS(path);
	struct collect c;
	run_file(&c, "feodo-csv", path, NULL);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 0);
	/* as IntelMQ's parser_ip test expects */
	assert_event(&c, 0, 10,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"c2-server\", "
		     "\"extra.feed_last_generated\": \"2021-02-10T13:34:57+00:00\", \"extra.first_seen\": "
		     "\"2021-01-17T07:30:05+00:00\", \"extra.last_online\": \"2021-02-10T00:00:00+00:00\", "
		     "\"feed.name\": \"Feodo Tracker\", \"feed.provider\": \"Abuse.ch\", \"malware.name\": \"dridex\", "
		     "\"source.ip\": \"10.213.75.205\", \"source.port\": 443, \"status\": \"online\", " OBS
		     ", \"time.source\": \"2021-02-10T00:00:00+00:00\"}");
	assert_non_null(strstr(c.ev[1], "\"source.ip\": \"192.16.238.101\""));
	assert_non_null(strstr(c.ev[1], "\"extra.first_seen\": \"2021-01-17T07:44:46+00:00\""));
	assert_int_equal(c.end_line[1], 11);
	collect_free(&c);
}

static void test_feodo_csv_own(void **state)
{
	(void)state;
	struct collect c;
	run_file(&c, "feodo-csv", data_file("feodo_ipblocklist.csv"), NULL);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 2);
	/* no last_online: time.source is first_seen */
	assert_event(&c, 1, 9,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"c2-server\", "
		     "\"extra.feed_last_generated\": \"2024-03-05T12:00:01+00:00\", \"extra.first_seen\": "
		     "\"2024-02-20T08:00:00+00:00\", \"feed.name\": \"Feodo Tracker\", "
		     "\"feed.provider\": \"Abuse.ch\", "
		     "\"malware.name\": \"emotet\", \"source.ip\": \"198.51.100.7\", \"source.port\": 8080, "
		     "\"status\": "
		     "\"offline\", " OBS ", \"time.source\": \"2024-02-20T08:00:00+00:00\"}");
	assert_reject(&c, 0, 10, "field 2 (dst_ip): '203.0.113.300' is not an IP address");
	assert_reject(&c, 1, 11, "expected 6 fields, got 5");
	collect_free(&c);
}

static void test_feodo_csv_awkward(void **state)
{
	(void)state;
	check_awkward(&feodo_csv);
	assert_one(&feodo_csv, "\"2024-03-01 10:20:30\",\"192.0.2.10\",\"443\",\"online\",\"\",\"Drid\xe9x\"",
		   "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"c2-server\", "
		   "\"extra.first_seen\": \"2024-03-01T10:20:30+00:00\", \"feed.name\": \"Feodo Tracker\", "
		   "\"feed.provider\": \"Abuse.ch\", \"malware.name\": \"drid\xc3\xa9x\", "
		   "\"source.ip\": \"192.0.2.10\", "
		   "\"source.port\": 443, \"status\": \"online\", " OBS ", "
		   "\"time.source\": \"2024-03-01T10:20:30+00:00\"}");
	assert_one(&feodo_csv, "\"2024-03-01 10:20:30\",\"192.0.2.10\",\"443\",\"online\",\"2024-03-05\",\"x\",\"y\"",
		   "REJECT expected 6 fields, got 7");
	assert_one(&feodo_csv, "\"2024-03-01 10:20:30\",\"192.0.2.10\",\"70000\",\"online\",\"2024-03-05\",\"x\"",
		   "REJECT field 3 (dst_port): '70000' is not an integer");
	assert_one(&feodo_csv, "\"2024-13-01 10:20:30\",\"192.0.2.10\",\"443\",\"online\",\"\",\"x\"",
		   "REJECT field 1 (first_seen_utc): '2024-13-01 10:20:30' is not a date and time");
	assert_one(&feodo_csv, "\"2024-03-01 10:20:30\",\"192.0.2.10", "REJECT unterminated quoted field");
}

/* ================= URLhaus ================= */

static const struct awkward urlhaus = {
	"urlhaus-csv",
	"# URLhaus Country Feed (CSV)\n# Dateadded (UTC),URL,URL_status,Threat,Host,IPaddress,ASnumber,Country\n",
	2,
	"2024-03-05 11:02:03,http://malware.example.rs/x,online,malware_download,malware.example.rs,"
	"192.0.2.20,64496,RS",
	NULL,
};

static void test_urlhaus_corpus(void **state)
{
	(void)state;
	const char *path = corpus("abusech/urlhaus.txt");
	SKIP_WITHOUT_CORPUS(path);
	struct collect c;
	run_file(&c, "urlhaus-csv", path, NULL);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 0);
	assert_event(&c, 0, 12,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": "
		     "\"malware-distribution\", \"extra.threat\": \"malware_download\", \"feed.name\": \"URLhaus\", "
		     "\"feed.provider\": \"Abuse.ch\", \"source.asn\": 29083, \"source.fqdn\": \"marconuenlist.ch\", "
		     "\"source.geolocation.cc\": \"DE\", \"source.ip\": \"62.241.37.242\", \"source.url\": "
		     "\"http://marconuenlist.ch/verif.accounts.docs.net/\", \"status\": \"offline\", " OBS
		     ", \"time.source\": \"2019-02-13T00:34:42+00:00\"}");
	assert_non_null(strstr(c.ev[1], "\"source.url\": \"http://cbd-planet.ch/sec.myacc.send.com/\""));
	assert_non_null(strstr(c.ev[1], "\"source.asn\": 29222"));
	assert_int_equal(c.end_line[1], 13);
	collect_free(&c);
}

static void test_urlhaus_own(void **state)
{
	(void)state;
	struct collect c;
	run_file(&c, "urlhaus-csv", data_file("urlhaus_country.csv"), NULL);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 1);
	/* the host column holds the address when the URL has none: no source.fqdn then */
	assert_event(&c, 1, 8,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": "
		     "\"malware-distribution\", \"extra.threat\": \"malware_download\", \"feed.name\": \"URLhaus\", "
		     "\"feed.provider\": \"Abuse.ch\", \"source.asn\": 64497, \"source.geolocation.cc\": \"ME\", "
		     "\"source.ip\": \"198.51.100.21\", \"source.url\": \"http://198.51.100.21:8080/i\", \"status\": "
		     "\"offline\", " OBS ", \"time.source\": \"2024-03-05T10:00:00+00:00\"}");
	assert_reject(&c, 0, 9, "field 2 (url): 'not a url at all' is not a URL");
	collect_free(&c);

	/* the full dump: columns by the header comment, tags as a list */
	run_file(&c, "urlhaus-csv", data_file("urlhaus_full.csv"), NULL);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 0);
	assert_event(&c, 0, 6,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": "
		     "\"malware-distribution\", \"event_description.url\": \"https://urlhaus.abuse.ch/url/2801001/\", "
		     "\"extra.last_online\": \"2024-03-05T11:30:00+00:00\", \"extra.reporter\": \"example_reporter\", "
		     "\"extra.tags\": [\"32-bit\",\"elf\",\"mips\",\"Mozi\"], \"extra.threat\": \"malware_download\", "
		     "\"extra.urlhaus_id\": \"2801001\", \"feed.name\": \"URLhaus\", \"feed.provider\": \"Abuse.ch\", "
		     "\"source.url\": \"http://malware.example.com/a.sh\", \"status\": \"online\", " OBS
		     ", \"time.source\": \"2024-03-05T11:02:03+00:00\"}");
	assert_non_null(strstr(c.ev[1], "\"source.url\": \"https://203.0.113.30/b.exe\""));
	assert_null(strstr(c.ev[1], "extra.tags"));
	collect_free(&c);
}

static void test_urlhaus_awkward(void **state)
{
	(void)state;
	check_awkward(&urlhaus);
	assert_one(&urlhaus, "2024-03-05 11:02:03,http://example.com/t\xe9l\xe9" "charger.exe,online,malware_download,"
			     "example.com,,,",
		   "{\"classification.taxonomy\": \"malicious-code\", "
		   "\"classification.type\": \"malware-distribution\", "
		   "\"extra.threat\": \"malware_download\", \"feed.name\": \"URLhaus\", "
		   "\"feed.provider\": \"Abuse.ch\", "
		   "\"source.fqdn\": \"example.com\", \"source.url\": \"http://example.com/t\xc3\xa9l\xc3\xa9"
		   "charger.exe\", \"status\": \"online\", " OBS ", \"time.source\": \"2024-03-05T11:02:03+00:00\"}");
	assert_one(&urlhaus, "2024-03-05 11:02:03,http://example.com/,online,malware_download,example.com,,",
		   "REJECT expected 8 fields, got 7");
	assert_one(&urlhaus, "2024-03-05 11:02:03,http://example.com/,online,malware_download,example.com,,,,",
		   "REJECT expected 8 fields, got 9");
	assert_one(&urlhaus, "2024-03-05 11:02:03,,online,malware_download,example.com,,,",
		   "REJECT no URL (the url column is empty)");
	/* without a header the published 8-column layout is assumed */
	struct awkward bare = urlhaus;
	bare.head = "";
	assert_one(&bare, "2024-03-05 11:02:03,http://example.com/,online,malware_download,example.com,,,",
		   "{\"classification.taxonomy\": \"malicious-code\", "
		   "\"classification.type\": \"malware-distribution\", "
		   "\"extra.threat\": \"malware_download\", \"feed.name\": \"URLhaus\", "
		   "\"feed.provider\": \"Abuse.ch\", "
		   "\"source.fqdn\": \"example.com\", \"source.url\": \"http://example.com/\", "
		   "\"status\": \"online\", " OBS
		   ", \"time.source\": \"2024-03-05T11:02:03+00:00\"}");
}

/* ================= Spamhaus ================= */

static const struct awkward drop = {
	"spamhaus-drop",
	"; Spamhaus DROP List\n; Last-Modified: Tue, 05 Mar 2024 10:11:12 GMT\n",
	2,
	"192.0.2.0/24 ; SBL000001",
	NULL,
};

static void test_spamhaus_corpus(void **state)
{
	(void)state;
	const char *path = corpus("spamhaus/drop.txt");
	SKIP_WITHOUT_CORPUS(path);
	struct collect c;
	run_file(&c, "spamhaus-drop", path, NULL);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 0);
	/* as IntelMQ's parser_drop test expects */
	assert_event(&c, 0, 5,
		     "{\"classification.taxonomy\": \"abusive-content\", \"classification.type\": \"spam\", "
		     "\"extra.blocklist\": \"SBL256893\", \"feed.name\": \"Spamhaus DROP\", \"feed.provider\": "
		     "\"Spamhaus\", \"source.network\": \"1.4.0.0/17\", " OBS
		     ", \"time.source\": \"2015-09-14T04:39:22+00:00\"}");
	assert_non_null(strstr(c.ev[1], "\"source.network\": \"2a06:e480::/29\""));
	assert_non_null(strstr(c.ev[1], "\"extra.blocklist\": \"SBL301771\""));
	collect_free(&c);

	run_file(&c, "spamhaus-drop", corpus("spamhaus/asndrop.txt"), NULL);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 0);
	assert_event(&c, 0, 5,
		     "{\"classification.taxonomy\": \"abusive-content\", \"classification.type\": \"spam\", "
		     "\"feed.name\": \"Spamhaus DROP\", \"feed.provider\": \"Spamhaus\", \"source.as_name\": "
		     "\"XCONNECT24 - Xconnect24 Inc., US\", \"source.asn\": 260, \"source.geolocation.cc\": \"AE\", "
		     "" OBS
		     ", \"time.source\": \"2015-09-14T04:39:22+00:00\"}");
	assert_event(&c, 1, 6,
		     "{\"classification.taxonomy\": \"abusive-content\", \"classification.type\": \"spam\", "
		     "\"feed.name\": \"Spamhaus DROP\", \"feed.provider\": \"Spamhaus\", \"source.as_name\": "
		     "\"Orb-bit Design Group\", \"source.asn\": 10516, " OBS
		     ", \"time.source\": \"2015-09-14T04:39:22+00:00\"}");
	collect_free(&c);
}

static void test_spamhaus_own(void **state)
{
	(void)state;
	struct collect c;
	run_file(&c, "spamhaus-drop", data_file("spamhaus_drop.txt"), NULL);
	assert_int_equal(c.nev, 4);
	assert_int_equal(c.nrej, 1);
	assert_non_null(strstr(c.ev[1], "\"source.network\": \"198.51.100.0/23\""));
	assert_reject(&c, 0, 8, "network: '203.0.113.0/33' is not a CIDR network");
	/* an EDROP-style line without an SBL record */
	assert_event(&c, 3, 9,
		     "{\"classification.taxonomy\": \"abusive-content\", \"classification.type\": \"spam\", "
		     "\"feed.name\": \"Spamhaus DROP\", \"feed.provider\": \"Spamhaus\", \"source.network\": "
		     "\"203.0.113.0/25\", " OBS ", \"time.source\": \"2024-03-05T10:11:12+00:00\"}");
	collect_free(&c);

	run_file(&c, "spamhaus-drop", data_file("spamhaus_asndrop.txt"), NULL);
	assert_int_equal(c.nev, 2);
	assert_non_null(strstr(c.ev[0], "\"source.as_name\": \"EXAMPLE-AS - Example Networks d.o.o., RS\""));
	assert_reject(&c, 0, 5, "ASN: 'ASX' is not an AS number");
	collect_free(&c);

	/* the JSON-lines form */
	run_file(&c, "spamhaus-drop", data_file("spamhaus_drop_v4.json"), NULL);
	assert_int_equal(c.nev, 3);
	assert_int_equal(c.nrej, 1);
	assert_event(&c, 0, 1,
		     "{\"classification.taxonomy\": \"abusive-content\", \"classification.type\": \"spam\", "
		     "\"extra.blocklist\": \"SBL000001\", \"feed.name\": \"Spamhaus DROP\", \"feed.provider\": "
		     "\"Spamhaus\", \"source.network\": \"192.0.2.0/24\", \"source.registry\": \"RIPE\", " OBS "}");
	assert_non_null(strstr(c.ev[1], "\"extra.rir\": \"somewhere\""));
	assert_event(&c, 2, 3,
		     "{\"classification.taxonomy\": \"abusive-content\", \"classification.type\": \"spam\", "
		     "\"extra.domain\": \"example.com\", \"feed.name\": \"Spamhaus DROP\", \"feed.provider\": "
		     "\"Spamhaus\", \"source.as_name\": \"EXAMPLE-AS\", \"source.asn\": 64496, "
		     "\"source.geolocation.cc\": \"RS\", \"source.registry\": \"RIPE\", " OBS "}");
	assert_reject(&c, 0, 4, "invalid JSON: string or '}' expected near end of file (column 23)");
	collect_free(&c);
}

static void test_spamhaus_awkward(void **state)
{
	(void)state;
	check_awkward(&drop);
	assert_one(&drop, "AS64496 ; RS | Caf\xe9 Net",
		   "{\"classification.taxonomy\": \"abusive-content\", \"classification.type\": \"spam\", "
		   "\"feed.name\": \"Spamhaus DROP\", \"feed.provider\": \"Spamhaus\", \"source.as_name\": "
		   "\"Caf\xc3\xa9 Net\", \"source.asn\": 64496, \"source.geolocation.cc\": \"RS\", " OBS
		   ", \"time.source\": \"2024-03-05T10:11:12+00:00\"}");
	assert_one(&drop, "AS64496 ; Serbia | Net", "REJECT country: value too long (6 bytes)");
}

/* ================= lists ================= */

static const struct awkward list_ip = {"list-ip", "# blocklist\n", 1, "192.0.2.4", NULL};
static const struct awkward list_domain = {"list-domain", "# domains\n", 1, "malware.example.com", NULL};
static const struct awkward list_url = {"list-url", "# urls\n", 1, "http://malware.example.com/x", NULL};

#define LIST_EV(field, value, feed)                                                                                \
	"{\"classification.taxonomy\": \"other\", \"classification.type\": \"blacklist\", \"feed.name\": \"" feed    \
	"\", \"" field "\": \"" value "\", " OBS "}"

static void test_lists_corpus(void **state)
{
	(void)state;
	const char *path = corpus("blocklistde/imap.txt");
	SKIP_WITHOUT_CORPUS(path);
	struct collect c;
	run_file(&c, "list-ip", path, NULL);
	assert_int_equal(c.nev, 6);
	assert_int_equal(c.nrej, 0);
	assert_event(&c, 0, 1, LIST_EV("source.ip", "192.0.2.4", "list-ip"));
	assert_event(&c, 5, 6, LIST_EV("source.ip", "203.0.113.254", "list-ip"));
	collect_free(&c);
	/* OpenPhish's sample URLs have an empty label ("www..example.com"): not URLs */
	run_file(&c, "list-url", corpus("openphish/feed.txt"), NULL);
	assert_int_equal(c.nev, 0);
	assert_reject(&c, 0, 1, "'http://www..example.com/phishing' is not a URL");
	assert_reject(&c, 1, 2, "'http://www..example.invalid/phishing' is not a URL");
	collect_free(&c);
}

static void test_lists_own(void **state)
{
	(void)state;
	struct collect c;
	run_file(&c, "list-ip", data_file("list_ip.txt"), NULL);
	assert_int_equal(c.nev, 4);
	assert_int_equal(c.nrej, 3);
	assert_event(&c, 1, 4, LIST_EV("source.ip", "198.51.100.34", "list-ip"));
	assert_event(&c, 2, 5, LIST_EV("source.network", "203.0.113.0/24", "list-ip"));
	assert_event(&c, 3, 6, LIST_EV("source.ip", "2001:db8::1", "list-ip"));
	assert_reject(&c, 0, 7, "'192.0.2.1/33' is not a CIDR network");
	assert_reject(&c, 1, 8, "unexpected text after the value: 'extra words'");
	assert_reject(&c, 2, 10, "'999.1.1.1' is not an IP address");
	collect_free(&c);

	run_file(&c, "list-domain", data_file("list_domain.txt"), NULL);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 2);
	assert_event(&c, 1, 3, LIST_EV("source.fqdn", "phish.example.net", "list-domain"));
	assert_reject(&c, 0, 4, "'bad..example.org' is not a host name");
	assert_reject(&c, 1, 5, "unexpected text after the value: 'a domain'");
	collect_free(&c);

	run_file(&c, "list-url", data_file("list_url.txt"), NULL);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 1);
	assert_event(&c, 0, 2, LIST_EV("source.url", "http://malware.example.com/path?q=1#frag", "list-url"));
	assert_event(&c, 1, 3, LIST_EV("source.url", "https://phish.example.net/login", "list-url"));
	assert_reject(&c, 0, 4, "'http://www..example.com/phishing' is not a URL");
	collect_free(&c);
}

static void test_lists_config(void **state)
{
	(void)state;
	struct collect c;
	struct rcx_config *cfg;
	const char text[] = "[feed blocklist-imap]\ntype = brute-force\nidentifier = imap\n"
			    "[feed list-url]\ntype = phishing\n";
	assert_int_equal(rcx_config_parse(text, sizeof(text) - 1, &cfg, NULL), RCX_OK);
	struct feed_opts o = {.config = cfg, .feed_name = "blocklist-imap"};
	run_str(&c, "list-ip", "192.0.2.4\n", &o);
	assert_event(&c, 0, 1,
		     "{\"classification.identifier\": \"imap\", \"classification.taxonomy\": \"intrusion-attempts\", "
		     "\"classification.type\": \"brute-force\", \"feed.name\": \"blocklist-imap\", \"source.ip\": "
		     "\"192.0.2.4\", " OBS "}");
	collect_free(&c);
	/* the section of the format applies when the feed has none */
	o.feed_name = NULL;
	run_str(&c, "list-url", "http://phish.example.com/\n", &o);
	assert_non_null(strstr(c.ev[0], "\"classification.type\": \"phishing\""));
	collect_free(&c);
	rcx_config_free(cfg);

	/* a type rcx does not know is a configuration error, before any line is read */
	const char bad[] = "[feed list-ip]\ntype = evil\n";
	assert_int_equal(rcx_config_parse(bad, sizeof(bad) - 1, &cfg, NULL), RCX_OK);
	o.config = cfg;
	struct ingest_reader in;
	ingest_reader_open_mem(&in, "192.0.2.4\n", 10);
	assert_int_equal(run_reader(&c, "list-ip", &in, &o), RCX_ECONFIG);
	assert_int_equal(c.nev + c.nrej, 0);
	ingest_reader_close(&in);
	collect_free(&c);
	rcx_config_free(cfg);
}

static void test_lists_awkward(void **state)
{
	(void)state;
	check_awkward(&list_ip);
	check_awkward(&list_domain);
	check_awkward(&list_url);
	/* Latin-1: in a trailing comment it does not matter; in a host name it is read as Latin-1 */
	assert_one(&list_ip, "192.0.2.4 # caf\xe9", LIST_EV("source.ip", "192.0.2.4", "list-ip"));
	assert_one(&list_ip, "192.0.2.\xe9", "REJECT '192.0.2.\\xe9' is not an IP address");
	assert_one(&list_domain, "caf\xe9.example.com",
		   LIST_EV("source.fqdn", "xn--caf-dma.example.com", "list-domain"));
	assert_one(&list_url, "http://example.com/caf\xe9",
		   LIST_EV("source.url", "http://example.com/caf\xc3\xa9", "list-url"));
	assert_one(&list_ip, "\t 192.0.2.4 \t; trailing", LIST_EV("source.ip", "192.0.2.4", "list-ip"));
}

/* ================= generic CSV with a column map ================= */

static void test_csv_own(void **state)
{
	(void)state;
	struct collect c;
	struct feed_opts m = {.map_path = data_file("sample.map"), .feed_name = "sample"};
	run_file(&c, "csv", data_file("sample.csv"), &m);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 3);
	/* translated type, optional host name */
	assert_event(&c, 0, 3,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"infected-system\", "
		     "\"extra.note\": \"first\", \"feed.name\": \"sample\", \"source.fqdn\": \"bot.example.com\", "
		     "\"source.ip\": \"192.0.2.70\", \"source.port\": 443, " OBS
		     ", \"time.source\": \"2024-03-05T10:00:00+00:00\"}");
	/* the constant type where the column is empty, the null marker, a bad optional host, a quoted delimiter */
	assert_event(&c, 1, 4,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"malware\", "
		     "\"extra.note\": \"semi;colon\", \"feed.name\": \"sample\", \"source.ip\": \"198.51.100.71\", " OBS
		     ", \"time.source\": \"2024-03-05T10:05:00+00:00\"}");
	assert_reject(&c, 0, 5, "field 'IP' (source.ip): '999.0.2.72' is not an IP address");
	assert_reject(&c, 1, 6, "expected 6 fields, got 5");
	assert_reject(&c, 2, 7, "expected 6 fields, got 7");
	collect_free(&c);
}

static void test_csv_corpus(void **state)
{
	(void)state;
	const char *path = corpus("generic/sample_report.csv");
	SKIP_WITHOUT_CORPUS(path);
	struct collect c;
	struct feed_opts m = {.map_path = data_file("sample_report.map"), .feed_name = "Sample CSV Feed"};
	run_file(&c, "csv", path, &m);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 0);
	/* as IntelMQ's generic CSV test expects */
	assert_event(&c, 0, 11,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"malware\", "
		     "\"event_description.text\": \"Really bad actor site comment\", "
		     "\"feed.name\": \"Sample CSV Feed\", "
		     "\"source.fqdn\": \"mail5.bulls.unisonplatform.com\", \"source.ip\": \"198.105.221.5\", "
		     "\"source.url\": \"http://www.cennoworld.com/Payment_Confirmation/Payment_Confirmation.zip\", " OBS
		     ", \"time.source\": \"2015-12-14T04:19:00+00:00\"}");
	assert_int_equal(c.end_line[1], 12);
	assert_non_null(strstr(c.ev[1], "\"source.ip\": \"198.105.221.161\""));
	assert_non_null(strstr(c.ev[1], "\"time.source\": \"2016-12-14T04:19:00+00:00\""));
	collect_free(&c);

	/* DataPlane: blank-padded pipes, NA, and an AS name that contains the delimiter */
	m.map_path = data_file("dataplane.map");
	m.feed_name = "dataplane-sshpwauth";
	run_file(&c, "csv", corpus("dataplane/sshpwauth.txt"), &m);
	assert_int_equal(c.nev, 3);
	assert_int_equal(c.nrej, 0);
	assert_event(&c, 0, 71,
		     "{\"classification.taxonomy\": \"intrusion-attempts\", \"classification.type\": \"brute-force\", "
		     "\"extra.category\": \"sshpwauth\", \"feed.name\": \"dataplane-sshpwauth\", "
		     "\"protocol.application\": \"ssh\", \"source.ip\": \"170.239.104.183\", " OBS
		     ", \"time.source\": \"2016-12-01T04:26:48+00:00\"}");
	assert_non_null(strstr(c.ev[1], "\"source.as_name\": \"CHINANET-BACKBONE No.31,Jin-ro\", "
		"\"source.asn\": 4134"));
	assert_non_null(strstr(c.ev[2], "\"source.as_name\": \"TEST-AS company | With | pipe\", \"source.asn\": 1"));
	collect_free(&c);
}

/* Writes text to a temporary file; the caller unlinks it. */
static void temp_file(char path[64], const char *text)
{
	strcpy(path, "/tmp/rcx-test-map-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void check_map_error(const char *text, const char *want)
{
	char path[64], error[INGEST_REASON_MAX];
	struct ingest_csvmap *m = (struct ingest_csvmap *)(uintptr_t)1;
	temp_file(path, text);
	assert_int_equal(ingest_csvmap_load(path, &m, error), RCX_ECONFIG);
	assert_true(m == (struct ingest_csvmap *)(uintptr_t)1); /* untouched on failure */
	assert_string_equal(error, want);
	unlink(path);
}

static void test_csv_map_errors(void **state)
{
	(void)state;
	check_map_error("column 1 = source.ipp\n", "line 1: unknown field 'source.ipp'");
	check_map_error("# c\ndelimiter = colonish\ncolumn 1 = source.ip\n",
			"line 2: unknown delimiter 'colonish' (comma, tab, semicolon, pipe, space or one character)");
	check_map_error("column 1 = source.ip\nconst source.port = http\n",
			"line 2: the value of 'const source.port' is not valid for the field");
	check_map_error("column url = source.url\n", "column 'url' is named, which needs header = yes");
	check_map_error("column 0 = source.ip\n", "line 1: column number 0 is out of range");
	check_map_error("column 3..1 = source.ip\n", "line 1: column range '3..1' runs backwards");
	check_map_error("header = maybe\n", "line 1: 'header' must be yes or no");
	check_map_error("delimiter = tab\n", "the map maps no column");
	check_map_error("column 1 = rcx.id\n", "line 1: unknown field 'rcx.id'");
	check_map_error("[feed x]\ncolumn 1 = source.ip\n", "line 2: a map has no [sections]");
	check_map_error("column 1 source.ip\n", "line 1: expected 'key = value'");
	check_map_error("translate classification.type = x\n",
			"line 1: expected 'translate <field> <value> = <new value>'");

	char path[64], error[INGEST_REASON_MAX];
	struct ingest_csvmap *m = NULL;
	temp_file(path, "column 1 = source.ip\ntime_format = epoch\n");
	assert_int_equal(ingest_csvmap_load(path, &m, error), RCX_OK);
	assert_non_null(m);
	ingest_csvmap_free(m);

	/* the parser: no map, a bad map, a header without a named column all stop the run */
	struct collect c;
	struct ingest_reader in;
	struct feed_opts o = {0};
	ingest_reader_open_mem(&in, "192.0.2.1\n", 10);
	assert_int_equal(run_reader(&c, "csv", &in, &o), RCX_ECONFIG);
	ingest_reader_close(&in);
	collect_free(&c);
	o.map_path = "/nonexistent/map";
	ingest_reader_open_mem(&in, "192.0.2.1\n", 10);
	assert_int_equal(run_reader(&c, "csv", &in, &o), RCX_ECONFIG);
	ingest_reader_close(&in);
	collect_free(&c);
	o.map_path = data_file("sample.map");
	ingest_reader_open_mem(&in, "Time;Address\n2024-01-01;192.0.2.1\n", 34);
	assert_int_equal(run_reader(&c, "csv", &in, &o), RCX_ECONFIG);
	assert_int_equal(c.nev + c.nrej, 0);
	ingest_reader_close(&in);
	collect_free(&c);
	unlink(path);
}

static void test_csv_options(void **state)
{
	(void)state;
	char path[64];
	temp_file(path, "delimiter = comma\ncomment = none\ntime_format = epoch_ms\ncolumns = 3\n"
			"column 1 = time.source\ncolumn 2 = source.ip\ncolumn 3 = comment\n"
			"translate comment x = translated\n");
	struct feed_opts o = {.map_path = path, .feed_name = "opts"};
	struct collect c;
	run_str(&c, "csv",
		"1709633472000,192.0.2.1,#not a comment\n"
		"1709633472000,192.0.2.2,x\n"
		",,\n"
		"99999999999999999,192.0.2.3,x\n"
		"\"1709633472000\",\"192.0.2.4\",\"multi\nline\"\n"
		"1,192.0.2.5\n",
		&o);
	assert_int_equal(c.nev, 3);
	assert_int_equal(c.nrej, 3);
	assert_event(&c, 0, 1,
		     "{\"comment\": \"#not a comment\", \"feed.name\": \"opts\", \"source.ip\": \"192.0.2.1\", " OBS
		     ", \"time.source\": \"2024-03-05T10:11:12+00:00\"}");
	assert_non_null(strstr(c.ev[1], "\"comment\": \"translated\""));
	/* a record over two lines ends on its last line */
	assert_event(&c, 2, 6,
		     "{\"comment\": \"multi\\nline\", \"feed.name\": \"opts\", \"source.ip\": \"192.0.2.4\", " OBS
		     ", \"time.source\": \"2024-03-05T10:11:12+00:00\"}");
	assert_reject(&c, 0, 3, "no value in any mapped column");
	assert_reject(&c, 1, 4, "field 1 (time.source): '99999999999999999' is not a date and time");
	assert_reject(&c, 2, 7, "expected 3 fields, got 2");
	collect_free(&c);
	unlink(path);

	temp_file(path, "delimiter = tab\ncolumn 1 = source.ip\ncolumn 9 = source.fqdn\n");
	o.map_path = path;
	run_str(&c, "csv", "192.0.2.1\ta\tb\n", &o);
	assert_reject(&c, 0, 1, "field 9 (source.fqdn) is missing: the record has 3 fields");
	collect_free(&c);
	unlink(path);
}

static const struct awkward csvmap = {
	"csv",
	"# exported\nTime;IP;Port;Kind;Host;Note\n",
	2,
	"2024-03-05 10:00:00;192.0.2.70;443;botnet;bot.example.com;first",
	NULL,
};

static void test_csv_awkward(void **state)
{
	(void)state;
	struct feed_opts m = {.map_path = data_file("sample.map"), .feed_name = "sample"};
	struct awkward a = csvmap;
	a.opts = &m;
	check_awkward(&a);
	assert_one(&a, "2024-03-05 10:00:00;192.0.2.70;;;;caf\xe9",
		   "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"malware\", "
		   "\"extra.note\": \"caf\xc3\xa9\", \"feed.name\": \"sample\", \"source.ip\": \"192.0.2.70\", " OBS
		   ", \"time.source\": \"2024-03-05T10:00:00+00:00\"}");
	assert_one(&a, "2024-03-05 10:00:00;192.0.2.70;443;botnet;\"unterminated",
		   "REJECT unterminated quoted field at end of file");
}

/* ================= IntelMQ JSON lines ================= */

static const struct awkward jsonl = {
	"intelmq-jsonl", "", 0, "{\"source.ip\": \"192.0.2.1\", \"classification.type\": \"scanner\"}", NULL,
};

static void test_intelmq_own(void **state)
{
	(void)state;
	struct collect c;
	struct feed_opts raw = {.with_raw = true};
	run_file(&c, "intelmq-jsonl", data_file("intelmq.jsonl"), &raw);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nrej, 3);
	/* feed.name and time.observation from the line; raw decoded and re-encoded */
	assert_event(&c, 0, 1,
		     "{\"classification.taxonomy\": \"information-gathering\", \"classification.type\": \"scanner\", "
		     "\"extra.tries\": 3, \"feed.name\": \"Other Feed\", \"protocol.application\": \"ssh\", \"raw\": "
		     "\"c2Nhbg==\", \"source.ip\": \"192.0.2.50\", \"source.port\": 22, \"time.observation\": "
		     "\"2024-03-05T11:00:00+00:00\", \"time.source\": \"2024-03-05T10:00:00+00:00\"}");
	/* nested keys; rcx.id dropped; unknown keys kept as extra; feed.name from the source */
	assert_event(&c, 1, 2,
		     "{\"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"infected-system\", "
		     "\"extra.vendor_field\": \"kept\", \"feed.name\": \"intelmq-jsonl\", \"malware.name\": \"mirai\", "
		     "\"source.asn\": 64496, \"source.ip\": \"198.51.100.60\", " OBS "}");
	assert_reject(&c, 0, 3, "source.ip: '999.0.2.1' is not an IP address");
	assert_reject(&c, 1, 4, "invalid JSON: string or '}' expected near end of file (column 26)");
	assert_reject(&c, 2, 5, "not a JSON object");
	collect_free(&c);
}

static void test_intelmq_awkward(void **state)
{
	(void)state;
	check_awkward(&jsonl);
	assert_one(&jsonl, "{\"source.ip\": \"192.0.2.1\", \"comment\": \"caf\xe9\"}",
		   "{\"comment\": \"caf\xc3\xa9\", \"feed.name\": \"intelmq-jsonl\", \"source.ip\": \"192.0.2.1\", "
		   "" OBS "}");
	assert_one(&jsonl, "{\"source\": {\"port\": 70000}}", "REJECT source.port: '70000' is not an integer");
	assert_one(&jsonl, "# a comment", "REJECT invalid JSON: '[' or '{' expected near '#' (column 1)");
}

/* ================= detection ================= */

static const char *detect_file(const char *path)
{
	static char head[4096];
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(head, 1, sizeof(head), f);
	fclose(f);
	const struct ingest_format *fmt = ingest_format_detect(path, head, n);
	return fmt ? fmt->name : "(none)";
}

static void test_detect(void **state)
{
	(void)state;
	const char *own[][2] = {
		{"feodo_ipblocklist.json", "feodo-json"}, {"feodo_ipblocklist.csv", "feodo-csv"},
		{"urlhaus_country.csv", "urlhaus-csv"},   {"urlhaus_full.csv", "urlhaus-csv"},
		{"spamhaus_drop.txt", "spamhaus-drop"},   {"spamhaus_asndrop.txt", "spamhaus-drop"},
		{"spamhaus_drop_v4.json", "spamhaus-drop"}, {"intelmq.jsonl", "intelmq-jsonl"},
		{"list_ip.txt", "(none)"}, /* "192.0.2.5 extra words" is not a list line */
		{"sample.csv", "(none)"},
	};
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		assert_string_equal(detect_file(data_file(own[i][0])), own[i][1]);
	const char *heads[][2] = {
		{"# list\n192.0.2.1\n198.51.100.0/24 # net\n2001:db8::1\n", "list-ip"},
		{"; domains\nexample.com\nsub.example.net\n", "list-domain"},
		{"http://example.com/a\nhttps://example.net/b c\n", "(none)"},
		{"http://example.com/a\nhttps://www..example.net/b\n", "list-url"},
		{"{\"type\": \"bundle\", \"id\": \"bundle--1\"}\n", "stix"},
		{"just some words\n", "(none)"},
	};
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		const struct ingest_format *f = ingest_format_detect("x.txt", heads[i][0], strlen(heads[i][0]));
		assert_string_equal(f ? f->name : "(none)", heads[i][1]);
	}
	if (!corpus(""))
		return;
	const char *files[][2] = {
		{"abusech/feodotracker_ipblocklist.json", "feodo-json"},
		{"abusech/feodoips.txt", "feodo-csv"},
		{"abusech/urlhaus.txt", "urlhaus-csv"},
		{"spamhaus/drop.txt", "spamhaus-drop"},
		{"spamhaus/asndrop.txt", "spamhaus-drop"},
		{"blocklistde/imap.txt", "list-ip"},
		{"openphish/feed.txt", "list-url"},
		{"generic/sample_report.csv", "(none)"},
		{"dataplane/sshpwauth.txt", "(none)"},
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		assert_string_equal(detect_file(corpus(files[i][0])), files[i][1]);
	/* Shadowserver reports (told by their dated file name, which these samples lack) are not
	 * claimed by any of this file's formats */
	assert_string_equal(detect_file(corpus("shadowserver/legacy-3.2/scan_ftp.csv")), "(none)");
	assert_string_equal(detect_file(corpus("shadowserver/legacy-3.2/event4_sinkhole.csv")), "(none)");
}

/* Every format of this file is registered with the contract's defaults. */
static void test_table(void **state)
{
	(void)state;
	const char *names[][2] = {
		{"feodo-json", "clear"}, {"feodo-csv", "clear"},     {"urlhaus-csv", "clear"},
		{"spamhaus-drop", "clear"}, {"list-ip", "amber"},    {"list-domain", "amber"},
		{"list-url", "amber"},   {"csv", "amber"},           {"intelmq-jsonl", "amber"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct ingest_format *f = ingest_format_find(names[i][0]);
		assert_non_null(f);
		assert_string_equal(rcx_tlp_name(f->tlp), names[i][1]);
		assert_non_null(f->feed_name);
		assert_non_null(f->parse);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_feodo_json_corpus),
		cmocka_unit_test(test_feodo_json_own),
		cmocka_unit_test(test_feodo_json_documents),
		cmocka_unit_test(test_feodo_csv_corpus),
		cmocka_unit_test(test_feodo_csv_own),
		cmocka_unit_test(test_feodo_csv_awkward),
		cmocka_unit_test(test_urlhaus_corpus),
		cmocka_unit_test(test_urlhaus_own),
		cmocka_unit_test(test_urlhaus_awkward),
		cmocka_unit_test(test_spamhaus_corpus),
		cmocka_unit_test(test_spamhaus_own),
		cmocka_unit_test(test_spamhaus_awkward),
		cmocka_unit_test(test_lists_corpus),
		cmocka_unit_test(test_lists_own),
		cmocka_unit_test(test_lists_config),
		cmocka_unit_test(test_lists_awkward),
		cmocka_unit_test(test_csv_own),
		cmocka_unit_test(test_csv_corpus),
		cmocka_unit_test(test_csv_map_errors),
		cmocka_unit_test(test_csv_options),
		cmocka_unit_test(test_csv_awkward),
		cmocka_unit_test(test_intelmq_own),
		cmocka_unit_test(test_intelmq_awkward),
		cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
