/* Conformance suite of the store: every test runs against each implementation in `backends`
 * (the in-memory store and a SQLite file in a temporary directory), asserting the same results;
 * a few SQLite-only tests cover files (reopen, readonly, schema versions) and print throughput. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/event.h"
#include "core/ip.h"
#include "core/limits.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/time.h"
#include "store/store.h"
#include "store/store_impl.h"

#include "store_fixture.h"

static int64_t put(struct fixture *f, const struct event *ev, int64_t window_us, enum store_put_status want)
{
	enum store_put_status st = (enum store_put_status)-1;
	int64_t id = -1;
	assert_int_equal(store_event_put(f->s, ev, window_us, &st, &id), RCX_OK);
	assert_int_equal(st, want);
	assert_true(id > 0);
	return id;
}

static int64_t us_of(const char *t)
{
	int64_t us;
	assert_int_equal(rcx_time_parse(t, strlen(t), &us), RCX_OK);
	return us;
}

/* ---- collecting query results ---- */

#define MAX_ROWS 32

struct rows {
	size_t n;
	int64_t id[MAX_ROWS];
	int64_t count[MAX_ROWS];
	char first_seen[MAX_ROWS][RCX_TIME_BUF], last_seen[MAX_ROWS][RCX_TIME_BUF];
	char json[MAX_ROWS][1024]; /* event_to_json(ev, EVENT_JSON_RAW) */
	size_t stop_after;         /* return RCX_EINVAL after this many rows; 0 = never */
};

static int64_t field_int(const struct event *ev, enum event_field fld)
{
	int64_t v;
	assert_non_null(ev->f[fld]);
	assert_int_equal(rcx_parse_i64(ev->f[fld], strlen(ev->f[fld]), &v), RCX_OK);
	return v;
}

static enum rcx_result collect_cb(void *ctx, const struct event *ev)
{
	struct rows *r = ctx;
	assert_true(r->n < MAX_ROWS);
	r->id[r->n] = field_int(ev, EF_RCX_ID);
	r->count[r->n] = field_int(ev, EF_RCX_COUNT);
	assert_non_null(ev->f[EF_RCX_FIRST_SEEN]);
	assert_non_null(ev->f[EF_RCX_LAST_SEEN]);
	snprintf(r->first_seen[r->n], RCX_TIME_BUF, "%s", ev->f[EF_RCX_FIRST_SEEN]);
	snprintf(r->last_seen[r->n], RCX_TIME_BUF, "%s", ev->f[EF_RCX_LAST_SEEN]);
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	assert_int_equal(event_to_json(ev, EVENT_JSON_RAW, &b), RCX_OK);
	assert_true(b.len < sizeof(r->json[0]));
	memcpy(r->json[r->n], b.data, b.len + 1);
	rcx_strbuf_free(&b);
	r->n++;
	return r->stop_after && r->n >= r->stop_after ? RCX_EINVAL : RCX_OK;
}

static void query(struct fixture *f, const struct store_event_filter *flt, struct rows *r)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_event_query(f->s, flt, collect_cb, r), RCX_OK);
}

/* Asserts the query returns exactly ids[0..n), and that the count agrees when there is no limit. */
static void expect_ids(struct fixture *f, const struct store_event_filter *flt, const int64_t *ids, size_t n)
{
	struct rows *r = malloc(sizeof(*r));
	assert_non_null(r);
	query(f, flt, r);
	if (r->n != n)
		fail_msg("%s: %zu rows, want %zu", f->be->name, r->n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(r->id[i], ids[i]);
	if (!flt->limit) {
		uint64_t c = 12345;
		assert_int_equal(store_event_count(f->s, flt, &c), RCX_OK);
		assert_int_equal(c, n);
	}
	free(r);
}

#define IDS(...) (const int64_t[]){__VA_ARGS__}, sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t)
#define NONE NULL, 0

/* ---- conformance tests ---- */

static void test_org(void **state)
{
	struct fixture *f = *state;
	struct store_org got = {.id = 77};
	int64_t id1 = 0, id2 = 0, id3 = 99;

	assert_int_equal(store_org_get(f->s, NULL, &got), RCX_ENOTFOUND);
	assert_int_equal(got.id, 77); /* untouched on failure */
	struct store_org a = {.name = "CERT-AL", .country = "AL", .kind = "national-cert"};
	struct store_org b = {.name = "Bank of Somewhere", .country = "ME", .kind = "oes"};
	assert_int_equal(store_org_add(f->s, &a, &id1), RCX_OK);
	assert_int_equal(store_org_add(f->s, &b, &id2), RCX_OK);
	assert_true(id1 > 0 && id2 > id1);
	struct store_org dup = {.name = "CERT-AL", .country = "XK", .kind = "other"};
	assert_int_equal(store_org_add(f->s, &dup, &id3), RCX_EEXIST);
	assert_int_equal(id3, 99);
	struct store_org noname = {.name = NULL};
	assert_int_equal(store_org_add(f->s, &noname, &id3), RCX_EINVAL);

	assert_int_equal(store_org_get(f->s, "Bank of Somewhere", &got), RCX_OK);
	assert_int_equal(got.id, id2);
	assert_string_equal(got.name, "Bank of Somewhere");
	assert_string_equal(got.country, "ME");
	assert_string_equal(got.kind, "oes");
	assert_int_equal(store_org_get(f->s, NULL, &got), RCX_OK);
	assert_int_equal(got.id, id1);
	assert_string_equal(got.name, "CERT-AL");
	assert_string_equal(got.country, "AL");
	assert_string_equal(got.kind, "national-cert");
	assert_int_equal(store_org_get(f->s, "nobody", &got), RCX_ENOTFOUND);
	assert_string_equal(got.name, "CERT-AL");
}

static void test_dedup(void **state)
{
	struct fixture *f = *state;
	const int64_t min = INT64_C(60000000), hour = 60 * min;
	struct rows *r = malloc(sizeof(*r));
	assert_non_null(r);

	const char *ip = "192.0.2.1";
	struct event *e = mkev(f, "classification.type", "scanner", "source.ip", ip, "time.source",
			       "2024-01-01T10:00:00Z", NULL);
	int64_t id1 = put(f, e, min, STORE_PUT_NEW);
	/* same identity 10 s later, other observation time and TLP: still the same observation */
	struct event *e10 = mkev(f, "classification.type", "scanner", "source.ip", ip, "time.source",
				 "2024-01-01T10:00:10Z", "time.observation", "2024-07-01", "tlp", "red", NULL);
	assert_int_equal(put(f, e10, min, STORE_PUT_DUPLICATE), id1);
	/* two hours later: outside the window */
	struct event *e2h = mkev(f, "classification.type", "scanner", "source.ip", ip, "time.source",
				 "2024-01-01T12:00:00Z", NULL);
	int64_t id2 = put(f, e2h, min, STORE_PUT_NEW);
	assert_int_not_equal(id2, id1);
	/* 5 s before the first: counted into it, first_seen moves back */
	struct event *em5 = mkev(f, "classification.type", "scanner", "source.ip", ip, "time.source",
				 "2024-01-01T09:59:55Z", NULL);
	assert_int_equal(put(f, em5, min, STORE_PUT_DUPLICATE), id1);
	/* with a 2 h window, 11:00:01 is in reach of both and closest to the second */
	struct event *e11 = mkev(f, "classification.type", "scanner", "source.ip", ip, "time.source",
				 "2024-01-01T11:00:01Z", NULL);
	assert_int_equal(put(f, e11, 2 * hour, STORE_PUT_DUPLICATE), id2);
	/* another address, another organisation: new events */
	struct event *other = mkev(f, "classification.type", "scanner", "source.ip", "192.0.2.2", "time.source",
				   "2024-01-01T10:00:00Z", NULL);
	int64_t id3 = put(f, other, min, STORE_PUT_NEW);
	struct event *org = mkev(f, "classification.type", "scanner", "source.ip", ip, "time.source",
				 "2024-01-01T10:00:00Z", "rcx.org", "CERT-ME", NULL);
	int64_t id4 = put(f, org, min, STORE_PUT_NEW);
	/* window 0: only the exact same time is a duplicate */
	assert_int_equal(put(f, org, 0, STORE_PUT_DUPLICATE), id4);
	struct event *org1 = mkev(f, "classification.type", "scanner", "source.ip", ip, "time.source",
				  "2024-01-01T10:00:00.000001Z", "rcx.org", "CERT-ME", NULL);
	int64_t id5 = put(f, org1, 0, STORE_PUT_NEW);
	/* no time.source: time.observation is the time */
	struct event *obs = mkev(f, "classification.type", "scanner", "source.ip", "192.0.2.3", NULL);
	int64_t id6 = put(f, obs, 0, STORE_PUT_NEW);
	struct event *obs2 = mkev(f, "classification.type", "scanner", "source.ip", "192.0.2.3", "time.observation",
				  "2024-06-01T00:00:30Z", NULL);
	assert_int_equal(put(f, obs2, min, STORE_PUT_DUPLICATE), id6);

	struct store_event_filter all = {0};
	query(f, &all, r);
	assert_int_equal(r->n, 6);
	int64_t want_id[] = {id1, id2, id3, id4, id5, id6}, want_count[] = {3, 2, 1, 2, 1, 2};
	const char *want_first[] = {"2024-01-01T09:59:55+00:00", "2024-01-01T11:00:01+00:00",
				    "2024-01-01T10:00:00+00:00", "2024-01-01T10:00:00+00:00",
				    "2024-01-01T10:00:00.000001+00:00", "2024-06-01T00:00:00+00:00"};
	const char *want_last[] = {"2024-01-01T10:00:10+00:00", "2024-01-01T12:00:00+00:00",
				   "2024-01-01T10:00:00+00:00", "2024-01-01T10:00:00+00:00",
				   "2024-01-01T10:00:00.000001+00:00", "2024-06-01T00:00:30+00:00"};
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(r->id[i], want_id[i]);
		assert_int_equal(r->count[i], want_count[i]);
		assert_string_equal(r->first_seen[i], want_first[i]);
		assert_string_equal(r->last_seen[i], want_last[i]);
	}
	/* the stored event keeps what the first sighting said */
	assert_null(strstr(r->json[0], "red"));

	/* no time at all, a negative window: refused, outputs untouched */
	struct event *notime = mkev(f, "source.ip", "192.0.2.9", NULL);
	event_unset(notime, EF_TIME_OBSERVATION);
	enum store_put_status st = STORE_PUT_NEW;
	int64_t id = 42;
	assert_int_equal(store_event_put(f->s, notime, min, &st, &id), RCX_EINVAL);
	assert_int_equal(store_event_put(f->s, e, -1, &st, &id), RCX_EINVAL);
	assert_int_equal(id, 42);
	free(r);
}

/* Six events with known ids 1..6 for the filter tests. */
static void load_filter_set(struct fixture *f)
{
	put(f, mkev(f, "classification.type", "scanner", "source.ip", "192.0.2.10", "feed.name", "A", "rcx.org", "X",
		    "time.source", "2024-01-01T00:00:00Z", NULL),
	    0, STORE_PUT_NEW);
	put(f, mkev(f, "classification.type", "scanner", "source.ip", "198.51.100.7", "feed.name", "B", "rcx.org", "Y",
		    "time.source", "2024-02-01T00:00:00Z", NULL),
	    0, STORE_PUT_NEW);
	put(f, mkev(f, "classification.type", "malware-distribution", "source.ip", "192.0.2.200", "feed.name", "A",
		    "rcx.org", "X", "time.source", "2024-03-01T00:00:00Z", NULL),
	    0, STORE_PUT_NEW);
	/* no time.source: since falls back to time.observation */
	put(f, mkev(f, "classification.type", "scanner", "source.ip", "2001:db8::5", "feed.name", "A", "rcx.org", "Y",
		    "time.observation", "2024-04-01T00:00:00Z", NULL),
	    0, STORE_PUT_NEW);
	put(f, mkev(f, "classification.type", "phishing", "source.ip", "2001:db8:1::1", "feed.name", "B", "rcx.org",
		    "X", "time.source", "2024-01-15T00:00:00Z", NULL),
	    0, STORE_PUT_NEW);
	put(f, mkev(f, "classification.type", "scanner", "source.fqdn", "scan.example.org", "feed.name", "C",
		    "rcx.org", "X", "time.source", "2023-12-01T00:00:00Z", NULL),
	    0, STORE_PUT_NEW);
}

static struct rcx_cidr cidr(const char *s)
{
	struct rcx_cidr c;
	assert_int_equal(rcx_cidr_parse(s, strlen(s), false, &c), RCX_OK);
	return c;
}

static void test_query_filters(void **state)
{
	struct fixture *f = *state;
	load_filter_set(f);

	expect_ids(f, &(struct store_event_filter){0}, IDS(1, 2, 3, 4, 5, 6));
	/* time.observation is 2024-06-01 for all but 4: since looks at time.source first */
	expect_ids(f, &(struct store_event_filter){.since_us = us_of("2024-02-01")}, IDS(2, 3, 4));
	expect_ids(f, &(struct store_event_filter){.since_us = us_of("2024-03-15")}, IDS(4));
	expect_ids(f, &(struct store_event_filter){.since_us = us_of("2025-01-01")}, NONE);
	expect_ids(f, &(struct store_event_filter){.type = "scanner"}, IDS(1, 2, 4, 6));
	expect_ids(f, &(struct store_event_filter){.type = "phishing"}, IDS(5));
	expect_ids(f, &(struct store_event_filter){.has_source = true, .source_net = cidr("192.0.2.0/24")}, IDS(1, 3));
	expect_ids(f, &(struct store_event_filter){.has_source = true, .source_net = cidr("192.0.2.0/25")}, IDS(1));
	expect_ids(f, &(struct store_event_filter){.has_source = true, .source_net = cidr("192.0.2.200")}, IDS(3));
	expect_ids(f, &(struct store_event_filter){.has_source = true, .source_net = cidr("0.0.0.0/0")}, IDS(1, 2, 3));
	expect_ids(f, &(struct store_event_filter){.has_source = true, .source_net = cidr("2001:db8::/32")}, IDS(4, 5));
	expect_ids(f, &(struct store_event_filter){.has_source = true, .source_net = cidr("2001:db8::/48")}, IDS(4));
	expect_ids(f, &(struct store_event_filter){.has_source = true, .source_net = cidr("::/0")}, IDS(4, 5));
	expect_ids(f, &(struct store_event_filter){.has_source = true, .source_net = cidr("10.0.0.0/8")}, NONE);
	expect_ids(f, &(struct store_event_filter){.feed = "A"}, IDS(1, 3, 4));
	expect_ids(f, &(struct store_event_filter){.feed = "C"}, IDS(6));
	expect_ids(f, &(struct store_event_filter){.org = "X"}, IDS(1, 3, 5, 6));
	expect_ids(f, &(struct store_event_filter){.org = "nobody"}, NONE);
	expect_ids(f, &(struct store_event_filter){.after_id = 3}, IDS(4, 5, 6));
	expect_ids(f, &(struct store_event_filter){.after_id = 6}, NONE);
	expect_ids(f, &(struct store_event_filter){.limit = 2}, IDS(1, 2));
	expect_ids(f, &(struct store_event_filter){.after_id = 2, .limit = 2}, IDS(3, 4));
	expect_ids(f, &(struct store_event_filter){.type = "scanner", .org = "Y"}, IDS(2, 4));
	/* one event by id (GET /events/{id}), with the other filters still applied */
	expect_ids(f, &(struct store_event_filter){.id = 3}, IDS(3));
	expect_ids(f, &(struct store_event_filter){.id = 7}, NONE);
	expect_ids(f, &(struct store_event_filter){.id = 3, .type = "scanner"}, NONE);
	expect_ids(f, &(struct store_event_filter){.id = 4, .type = "scanner", .limit = 1}, IDS(4));
	expect_ids(f, &(struct store_event_filter){.id = 4, .after_id = 4}, NONE);
	expect_ids(f, &(struct store_event_filter){.type = "scanner", .feed = "A", .after_id = 1, .limit = 5}, IDS(4));
	expect_ids(f,
		   &(struct store_event_filter){.since_us = us_of("2024-01-10"), .has_source = true,
						.source_net = cidr("2001:db8::/32"), .org = "X"},
		   IDS(5));

	/* the count ignores the limit but honours the cursor */
	uint64_t n = 0;
	assert_int_equal(store_event_count(f->s, &(struct store_event_filter){.feed = "A", .limit = 1}, &n), RCX_OK);
	assert_int_equal(n, 3);
	assert_int_equal(store_event_count(f->s, &(struct store_event_filter){.feed = "A", .after_id = 1}, &n), RCX_OK);
	assert_int_equal(n, 2);

	/* a callback's error stops the query and is returned */
	struct rows *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->stop_after = 2;
	assert_int_equal(store_event_query(f->s, &(struct store_event_filter){0}, collect_cb, r), RCX_EINVAL);
	assert_int_equal(r->n, 2);
	free(r);

	/* a filter without a valid family is refused */
	struct store_event_filter bad = {.has_source = true};
	assert_int_equal(store_event_count(f->s, &bad, &n), RCX_EINVAL);
	assert_int_equal(n, 2);
}

struct nested {
	struct store *s;
	size_t outer, inner;
};

static enum rcx_result inner_cb(void *ctx, const struct event *ev)
{
	struct nested *n = ctx;
	n->inner++;
	assert_non_null(ev->f[EF_CLASSIFICATION_TYPE]);
	return RCX_OK;
}

static enum rcx_result outer_cb(void *ctx, const struct event *ev)
{
	struct nested *n = ctx;
	char type[64];
	snprintf(type, sizeof(type), "%s", ev->f[EF_CLASSIFICATION_TYPE]);
	n->outer++;
	/* the same query shape again, from inside the callback */
	struct store_event_filter flt = {.type = "scanner"};
	assert_int_equal(store_event_query(n->s, &flt, inner_cb, n), RCX_OK);
	uint64_t c = 0;
	assert_int_equal(store_event_count(n->s, &flt, &c), RCX_OK);
	assert_int_equal(c, 4);
	/* the outer event is still intact */
	assert_string_equal(ev->f[EF_CLASSIFICATION_TYPE], type);
	return RCX_OK;
}

static void test_query_nested(void **state)
{
	struct fixture *f = *state;
	load_filter_set(f);
	struct nested n = {f->s, 0, 0};
	struct store_event_filter flt = {.type = "scanner"};
	assert_int_equal(store_event_query(f->s, &flt, outer_cb, &n), RCX_OK);
	assert_int_equal(n.outer, 4);
	assert_int_equal(n.inner, 16);
}

static void test_event_roundtrip(void **state)
{
	struct fixture *f = *state;
	static const char raw[] = "ts,ip\0\xff\xfe,\"x\"\n";
	struct event *ev = mkev(f, "classification.type", "scanner", "classification.identifier", "ssh-scan",
				"source.ip", "2001:DB8::1", "source.port", "22", "source.fqdn", "Host.Example.ORG",
				"source.asn", "AS64500", "destination.url", "HTTP://Example.org/a?b=c", "feed.name",
				"Shadowserver", "feed.accuracy", "90", "time.source", "2024-01-02 03:04:05",
				"tlp", "amber", "rcx.org", "CERT-AL", "rcx.constituency", "al-gov", "comment",
				"naïve «quotes» \"and\" \\ slashes", "extra.tag", "scan-ssh", NULL);
	const char *detail = "{\"b\": [1, 2], \"a\": true}";
	assert_int_equal(event_set_extra_json(ev, "detail", 6, detail, strlen(detail)), RCX_OK);
	assert_int_equal(event_set_extra_json(ev, "n", 1, "17", 2), RCX_OK);
	event_set_raw(ev, raw, sizeof(raw) - 1);
	int64_t id = put(f, ev, 0, STORE_PUT_NEW);

	struct rcx_strbuf want = RCX_STRBUF_INIT(0);
	assert_int_equal(event_to_json(ev, EVENT_JSON_RAW, &want), RCX_OK);
	struct rows *r = malloc(sizeof(*r));
	assert_non_null(r);
	query(f, &(struct store_event_filter){0}, r);
	assert_int_equal(r->n, 1);
	assert_string_equal(r->json[0], want.data); /* every field, every extra, raw as base64 */
	assert_int_equal(r->id[0], id);
	assert_int_equal(r->count[0], 1);
	assert_string_equal(r->first_seen[0], "2024-01-02T03:04:05+00:00");
	assert_string_equal(r->last_seen[0], "2024-01-02T03:04:05+00:00");
	assert_non_null(strstr(want.data, "\"raw\": \"dHMsaXAA//4sIngiCg==\""));
	assert_non_null(strstr(want.data, "\"extra.detail\": {\"a\":true,\"b\":[1,2]}"));
	rcx_strbuf_free(&want);

	/* raw bytes come back as bytes; empty raw and no raw stay apart */
	struct event *noraw = mkev(f, "source.ip", "192.0.2.77", NULL);
	put(f, noraw, 0, STORE_PUT_NEW);
	struct event *empty = mkev(f, "source.ip", "192.0.2.78", NULL);
	event_set_raw(empty, "", 0);
	put(f, empty, 0, STORE_PUT_NEW);
	query(f, &(struct store_event_filter){.after_id = id}, r);
	assert_int_equal(r->n, 2);
	assert_null(strstr(r->json[0], "\"raw\""));
	assert_non_null(strstr(r->json[1], "\"raw\": \"\""));
	free(r);
}

/* store_event_query_json gives, row for row, the text event_to_json(ev, META) writes for the event
 * store_event_query gives: odd values, extras, relabelled rows and sharing groups included. */
struct json_rows {
	size_t n;
	char *json[8];
	int64_t id[8];
	enum rcx_tlp tlp[8];
};

static enum rcx_result json_collect(void *ctx, const struct store_event_json *row)
{
	struct json_rows *r = ctx;
	assert_true(r->n < 8);
	r->json[r->n] = strndup(row->json, row->len);
	r->id[r->n] = row->id;
	r->tlp[r->n++] = row->tlp;
	return RCX_OK;
}

/* The slow path, for comparison: the event loaded, then written with its meta. */
static enum rcx_result json_of_event(void *ctx, const struct event *ev)
{
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	assert_int_equal(event_to_json(ev, EVENT_JSON_META, &b), RCX_OK);
	struct store_event_json row = {.json = b.data, .len = b.len};
	assert_int_equal(rcx_parse_i64(ev->f[EF_RCX_ID], strlen(ev->f[EF_RCX_ID]), &row.id), RCX_OK);
	assert_int_equal(rcx_tlp_parse(ev->f[EF_TLP], strlen(ev->f[EF_TLP]), &row.tlp), RCX_OK);
	enum rcx_result r = json_collect(ctx, &row);
	rcx_strbuf_free(&b);
	return r;
}

static void test_event_json(void **state)
{
	struct fixture *f = *state;
	int64_t org = 0, group = 0;
	assert_int_equal(store_org_add(f->s, &(struct store_org){.name = "CERT-AL", .country = "AL",
							     .kind = "national-cert"}, &org), RCX_OK);
	assert_int_equal(store_group_add(f->s, &(struct store_group){.name = "wb certs", .description = "t", .owner_org = org}, &group),
			 RCX_OK);
	struct event *a = mkev(f, "classification.type", "scanner", "source.ip", "2001:DB8::1", "source.port", "22",
			       "comment", "naïve «quotes» \"and\" \\ slashes\t", "time.source", "2024-01-02 03:04:05",
			       "tlp", "green", "rcx.org", "CERT-AL", "rcx.constituency", "al-gov", "extra.z\"q", "v",
			       "extra.tag", "scan", NULL);
	const char *detail = "{\"b\": [1, \"]}\", {\"c\": \"x,y\"}], \"a\": true}";
	assert_int_equal(event_set_extra_json(a, "detail", 6, detail, strlen(detail)), RCX_OK);
	assert_int_equal(event_set_extra_json(a, "n", 1, "-17.5e3", 7), RCX_OK);
	event_set_raw(a, "raw bytes", 9);
	struct event *b = mkev(f, "source.fqdn", "host.example.org", "time.source", "2024-01-03 00:00:00", NULL);
	struct event *c = mkev(f, "destination.url", "http://example.org/a?b=c", "time.source", "2024-01-04 00:00:00",
			       "tlp", "red", "rcx.org", "CERT-AL", "rcx.distribution", "group", "rcx.sharing_group",
			       "wb certs", NULL);
	int64_t ida = put(f, a, 0, STORE_PUT_NEW);
	put(f, b, 0, STORE_PUT_NEW);
	put(f, c, 0, STORE_PUT_NEW);
	put(f, a, INT64_C(3600000000), STORE_PUT_DUPLICATE); /* rcx.count 2, last_seen moves */
	int64_t orgs[] = {org};
	struct rcx_label relabel = {.owner_org = org, .tlp = RCX_TLP_AMBER_STRICT, .dist = RCX_DIST_GROUP,
				    .group = group, .orgs = orgs, .n_orgs = 1};
	assert_int_equal(store_event_label_set(f->s, ida, &relabel), RCX_OK);

	struct json_rows want = {0}, got = {0};
	assert_int_equal(store_event_query(f->s, &(struct store_event_filter){0}, json_of_event, &want), RCX_OK);
	assert_int_equal(store_event_query_json(f->s, &(struct store_event_filter){0}, json_collect, &got), RCX_OK);
	assert_int_equal(got.n, 3);
	assert_int_equal(want.n, 3);
	for (size_t i = 0; i < got.n; i++) {
		assert_string_equal(got.json[i], want.json[i]);
		assert_int_equal(got.id[i], want.id[i]);
		assert_int_equal(got.tlp[i], want.tlp[i]);
		free(want.json[i]);
	}
	assert_int_equal(got.tlp[0], RCX_TLP_AMBER_STRICT);
	assert_non_null(strstr(got.json[0], "\"rcx.sharing_group\": \"wb certs\""));
	assert_non_null(strstr(got.json[0], "\"rcx.count\": 2"));
	assert_int_equal(got.tlp[1], RCX_TLP_AMBER); /* no tlp given: amber */
	assert_null(strstr(got.json[1], "rcx.sharing_group"));
	assert_int_equal(got.tlp[2], RCX_TLP_RED);
	for (size_t i = 0; i < got.n; i++)
		free(got.json[i]);
}

/* The composer refuses what event_to_json does not write, leaving the buffer as it was. */
static void test_event_json_compose(void **state)
{
	(void)state;
	struct store_event_meta meta = {.id = 7, .count = 1, .tlp = RCX_TLP_CLEAR, .dist = RCX_DIST_NODE};
	static const char *const bad[] = {"", "{", "[]", "{\"a\": 1", "{\"a\":1}", "{\"a\": 1,\"b\": 2}",
					  "{\"a\": \"x}", "{\"a\": 1} ", "{\"a\" 1}", "{a: 1}"};
	struct rcx_strbuf out = RCX_STRBUF_INIT(0);
	rcx_strbuf_puts(&out, "kept");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(store_event_json_compose(bad[i], strlen(bad[i]), &meta, &out), RCX_EPARSE);
		assert_int_equal(out.len, 4);
	}
	/* stored label pairs are replaced by meta's, at their sorted places */
	const char *body = "{\"a\": 1, \"rcx.id\": 99, \"tlp\": \"red\", \"zz\": {\"x\": [1, 2]}}";
	assert_int_equal(store_event_json_compose(body, strlen(body), &meta, &out), RCX_OK);
	assert_string_equal(out.data + 4, "{\"a\": 1, \"rcx.count\": 1, \"rcx.distribution\": \"node\", "
					  "\"rcx.first_seen\": \"1970-01-01T00:00:00+00:00\", \"rcx.id\": 7, "
					  "\"rcx.last_seen\": \"1970-01-01T00:00:00+00:00\", \"tlp\": \"clear\", "
					  "\"zz\": {\"x\": [1, 2]}}");
	rcx_strbuf_free(&out);
}

struct qrow {
	int64_t id;
	char file[32], feed[32], reason[64];
	bool has_file, has_raw;
	uint64_t line;
	unsigned char raw[80];
	size_t raw_len, raw_total;
	int64_t time_us;
};

struct qrows {
	size_t n;
	struct qrow row[8];
};

static enum rcx_result qcollect(void *ctx, const struct store_quarantine *q)
{
	struct qrows *r = ctx;
	assert_true(r->n < 8);
	struct qrow *w = &r->row[r->n++];
	w->id = q->id;
	w->has_file = q->file != NULL;
	snprintf(w->file, sizeof(w->file), "%s", q->file ? q->file : "");
	snprintf(w->feed, sizeof(w->feed), "%s", q->feed ? q->feed : "");
	snprintf(w->reason, sizeof(w->reason), "%s", q->reason ? q->reason : "");
	w->line = q->line;
	w->has_raw = q->raw != NULL;
	w->raw_len = q->raw_len;
	w->raw_total = q->raw_total;
	w->time_us = q->time_us;
	if (q->raw)
		memcpy(w->raw, q->raw, q->raw_len < sizeof(w->raw) ? q->raw_len : sizeof(w->raw));
	return RCX_OK;
}

static void test_quarantine(void **state)
{
	struct fixture *f = *state;
	static const char bin[] = "a\0b\xff\xc3(\x80z"; /* NUL and invalid UTF-8 */
	const size_t big_len = RCX_QUARANTINE_RAW_MAX + 100;
	char *big = malloc(big_len);
	assert_non_null(big);
	memset(big, 'x', big_len);

	struct store_quarantine q1 = {.file = "feed.csv", .line = 7, .feed = "Shadowserver",
				      .reason = "source.ip: an IP address", .raw = bin, .raw_len = sizeof(bin) - 1,
				      .raw_total = sizeof(bin) - 1,
				      .time_us = 1700000000000000};
	struct store_quarantine q2 = {.file = NULL, .line = 1, .feed = "stdin", .reason = "empty", .raw = NULL,
				      .time_us = 1700000000000001};
	struct store_quarantine q3 = {.file = "big.txt", .line = UINT64_C(1) << 40, .feed = "x", .reason = "too long",
				      .raw = big, .raw_len = big_len, .raw_total = big_len * 2, .time_us = 5};
	assert_int_equal(store_quarantine_put(f->s, &q1), RCX_OK);
	assert_int_equal(store_quarantine_put(f->s, &q2), RCX_OK);
	assert_int_equal(store_quarantine_put(f->s, &q3), RCX_OK);
	free(big);

	struct qrows *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	assert_int_equal(store_quarantine_query(f->s, 0, 0, qcollect, r), RCX_OK);
	assert_int_equal(r->n, 3);
	assert_int_equal(r->row[0].id, 1);
	assert_string_equal(r->row[0].file, "feed.csv");
	assert_string_equal(r->row[0].feed, "Shadowserver");
	assert_string_equal(r->row[0].reason, "source.ip: an IP address");
	assert_int_equal(r->row[0].line, 7);
	assert_int_equal(r->row[0].raw_len, sizeof(bin) - 1);
	assert_memory_equal(r->row[0].raw, bin, sizeof(bin) - 1);
	assert_int_equal(r->row[0].time_us, 1700000000000000);
	assert_int_equal(r->row[1].id, 2);
	assert_false(r->row[1].has_file);
	assert_false(r->row[1].has_raw);
	assert_int_equal(r->row[1].raw_len, 0);
	assert_int_equal(r->row[2].id, 3);
	assert_int_equal(r->row[2].line, UINT64_C(1) << 40);
	assert_int_equal(r->row[2].raw_len, RCX_QUARANTINE_RAW_MAX); /* cut to the limit */
	assert_int_equal(r->row[2].raw_total, big_len * 2);
	assert_int_equal(r->row[2].raw[0], 'x');
	assert_int_equal(r->row[2].time_us, 5);

	memset(r, 0, sizeof(*r));
	assert_int_equal(store_quarantine_query(f->s, 1, 0, qcollect, r), RCX_OK);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->row[0].id, 2);
	assert_int_equal(r->row[1].id, 3);
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_quarantine_query(f->s, 0, 1, qcollect, r), RCX_OK);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->row[0].id, 1);
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_quarantine_query(f->s, 3, 0, qcollect, r), RCX_OK);
	assert_int_equal(r->n, 0);
	free(r);
}

static void test_checkpoint(void **state)
{
	struct fixture *f = *state;
	uint8_t id_a[32], id_b[32];
	memset(id_a, 0xaa, sizeof(id_a));
	memset(id_b, 0xaa, sizeof(id_b));
	id_b[31] = 0xab;
	struct store_checkpoint got = {.records_done = 5};

	assert_int_equal(store_checkpoint_get(f->s, id_a, &got), RCX_ENOTFOUND);
	assert_int_equal(got.records_done, 5);
	struct store_checkpoint cp = {.records_done = 8192, .complete = false, .events = 8000, .duplicates = 150,
				      .quarantined = 42};
	assert_int_equal(store_checkpoint_put(f->s, id_a, "/data/a.csv", &cp), RCX_OK);
	assert_int_equal(store_checkpoint_get(f->s, id_a, &got), RCX_OK);
	assert_int_equal(got.records_done, 8192);
	assert_false(got.complete);
	assert_int_equal(got.events, 8000);
	assert_int_equal(got.duplicates, 150);
	assert_int_equal(got.quarantined, 42);
	assert_int_equal(store_checkpoint_get(f->s, id_b, &got), RCX_ENOTFOUND);

	struct store_checkpoint done = {.records_done = 10000, .complete = true, .events = 9700, .duplicates = 250,
					.quarantined = 50};
	assert_int_equal(store_checkpoint_put(f->s, id_a, "/data/a-renamed.csv", &done), RCX_OK);
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_checkpoint_get(f->s, id_a, &got), RCX_OK);
	assert_int_equal(got.records_done, 10000);
	assert_true(got.complete);
	assert_int_equal(got.events, 9700);
	assert_int_equal(got.duplicates, 250);
	assert_int_equal(got.quarantined, 50);
	assert_int_equal(store_checkpoint_get(f->s, id_b, &got), RCX_ENOTFOUND);
}

static void test_transactions(void **state)
{
	struct fixture *f = *state;
	uint8_t fid[32] = {1};
	struct store_org org = {.name = "CERT-RS", .country = "RS", .kind = "national-cert"};
	struct event *e1 = mkev(f, "classification.type", "scanner", "source.ip", "192.0.2.1", NULL);
	struct event *e2 = mkev(f, "classification.type", "scanner", "source.ip", "192.0.2.2", NULL);
	struct store_quarantine q = {.file = "f", .line = 1, .reason = "r", .raw = "x", .raw_len = 1, .raw_total = 1};
	struct store_checkpoint cp = {.records_done = 3};
	struct store_org got;
	uint64_t n;

	assert_int_equal(store_commit(f->s), RCX_EINVAL);
	assert_int_equal(store_rollback(f->s), RCX_EINVAL);
	assert_int_equal(store_begin(f->s), RCX_OK);
	assert_int_equal(store_begin(f->s), RCX_EINVAL);
	assert_int_equal(put(f, e1, 0, STORE_PUT_NEW), 1);
	assert_int_equal(store_commit(f->s), RCX_OK);

	assert_int_equal(store_begin(f->s), RCX_OK);
	assert_int_equal(put(f, e1, 0, STORE_PUT_DUPLICATE), 1);
	assert_int_equal(put(f, e2, 0, STORE_PUT_NEW), 2);
	assert_int_equal(store_quarantine_put(f->s, &q), RCX_OK);
	assert_int_equal(store_org_add(f->s, &org, NULL), RCX_OK);
	assert_int_equal(store_checkpoint_put(f->s, fid, "f", &cp), RCX_OK);
	assert_int_equal(store_event_count(f->s, &(struct store_event_filter){0}, &n), RCX_OK);
	assert_int_equal(n, 2); /* a transaction sees its own writes */
	assert_int_equal(store_rollback(f->s), RCX_OK);

	struct rows *r = malloc(sizeof(*r));
	assert_non_null(r);
	query(f, &(struct store_event_filter){0}, r);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->count[0], 1);
	struct qrows *qr = calloc(1, sizeof(*qr));
	assert_non_null(qr);
	assert_int_equal(store_quarantine_query(f->s, 0, 0, qcollect, qr), RCX_OK);
	assert_int_equal(qr->n, 0);
	assert_int_equal(store_org_get(f->s, NULL, &got), RCX_ENOTFOUND);
	assert_int_equal(store_checkpoint_get(f->s, fid, &cp), RCX_ENOTFOUND);

	/* after the rollback the store works as before it: e2 is new again, e1 a duplicate */
	assert_int_equal(store_begin(f->s), RCX_OK);
	assert_int_equal(put(f, e2, 0, STORE_PUT_NEW), 2);
	assert_int_equal(put(f, e1, 0, STORE_PUT_DUPLICATE), 1);
	assert_int_equal(store_commit(f->s), RCX_OK);
	query(f, &(struct store_event_filter){0}, r);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->count[0], 2);
	assert_int_equal(r->count[1], 1);
	free(qr);
	free(r);
}

/* ---- SQLite only ---- */

static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The first column of the first row as text, in a static buffer. */
static const char *sql_text(const char *path, const char *sql)
{
	static char buf[64];
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, sizeof(buf), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return buf;
}

static void test_sqlite_reopen(void **state)
{
	struct fixture *f = *state;
	struct store_org org = {.name = "CERT.hr", .country = "HR", .kind = "national-cert"};
	assert_int_equal(store_org_add(f->s, &org, NULL), RCX_OK);
	load_filter_set(f);
	store_close(f->s);
	f->s = NULL;

	assert_int_equal(store_open(f->path, false, &f->s), RCX_OK);
	expect_ids(f, &(struct store_event_filter){.org = "X"}, IDS(1, 3, 5, 6));
	struct store_org got;
	assert_int_equal(store_org_get(f->s, NULL, &got), RCX_OK);
	assert_string_equal(got.name, "CERT.hr");
	/* dedup still finds what the previous handle stored */
	put(f, mkev(f, "classification.type", "scanner", "source.ip", "192.0.2.10", "feed.name", "A", "rcx.org", "X",
		    "time.source", "2024-01-01T00:00:00Z", NULL),
	    0, STORE_PUT_DUPLICATE);
	store_close(f->s);
	f->s = NULL;

	/* readonly: reads work, writes fail */
	assert_int_equal(store_open(f->path, true, &f->s), RCX_OK);
	expect_ids(f, &(struct store_event_filter){.type = "scanner"}, IDS(1, 2, 4, 6));
	struct event *ev = mkev(f, "source.ip", "192.0.2.99", NULL);
	assert_int_equal(store_event_put(f->s, ev, 0, NULL, NULL), RCX_ESTORE);
	assert_int_equal(store_org_add(f->s, &(struct store_org){.name = "new"}, NULL), RCX_ESTORE);
}

/* Two handles on one file: a reader sees only committed events (WAL snapshot), and a second
 * read-write open does not wait for the writer's transaction. */
static void test_sqlite_two_handles(void **state)
{
	struct fixture *f = *state;
	struct store *reader = NULL, *other = NULL;
	uint64_t n = 99;

	assert_int_equal(store_begin(f->s), RCX_OK);
	put(f, mkev(f, "source.ip", "192.0.2.1", NULL), 0, STORE_PUT_NEW);
	assert_int_equal(store_open(f->path, true, &reader), RCX_OK);
	assert_int_equal(store_open(f->path, false, &other), RCX_OK);
	assert_int_equal(store_event_count(reader, &(struct store_event_filter){0}, &n), RCX_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_commit(f->s), RCX_OK);
	assert_int_equal(store_event_count(reader, &(struct store_event_filter){0}, &n), RCX_OK);
	assert_int_equal(n, 1);
	/* the second writer dedups against what the first committed */
	struct event *again = mkev(f, "source.ip", "192.0.2.1", NULL);
	enum store_put_status st = STORE_PUT_NEW;
	assert_int_equal(store_event_put(other, again, 0, &st, NULL), RCX_OK);
	assert_int_equal(st, STORE_PUT_DUPLICATE);
	store_close(other);
	store_close(reader);
}

static void test_sqlite_readonly_missing(void **state)
{
	struct fixture *f = *state;
	char path[160];
	struct store *s = (struct store *)f;
	snprintf(path, sizeof(path), "%s/other", f->dir);
	assert_int_equal(store_open(path, true, &s), RCX_ENOTFOUND);
	assert_ptr_equal(s, (struct store *)f); /* untouched */
	assert_int_equal(access(path, F_OK), -1); /* and not created */
	assert_int_equal(store_open("/nonexistent-dir/rcx.db", false, &s), RCX_ESTORE);
}

static void test_sqlite_schema(void **state)
{
	struct fixture *f = *state;
	store_close(f->s);
	f->s = NULL;
	int version = sql_int(f->path, "PRAGMA user_version");
	assert_true(version >= 1);
	assert_string_equal(sql_text(f->path, "PRAGMA journal_mode"), "wal");
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
					  " ('orgs', 'events', 'quarantine', 'ingest_files')"),
			 4);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name LIKE"
					  " 'events_%'"),
			 4); /* ident (dedup), time, type, source: what `rcx events` filters on */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
					  " ('users', 'apikeys', 'sessions', 'sharing_groups', 'group_members',"
					  " 'recipients', 'audit')"),
			 7);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM pragma_table_info('events') WHERE name IN"
					  " ('owner_id', 'creator', 'tlp', 'dist', 'share_group')"),
			 5); /* the label columns the visibility rule reads */
	/* a reopen keeps the version; so does a second migration pass */
	assert_int_equal(store_open(f->path, false, &f->s), RCX_OK);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), version);

	/* a database from a newer rcx is refused, read-write and readonly */
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version + 1);
	sql_exec(f->path, sql);
	struct store *s = NULL;
	assert_int_equal(store_open(f->path, false, &s), RCX_ESTORE);
	assert_int_equal(store_open(f->path, true, &s), RCX_ESTORE);
	assert_null(s);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), version + 1);

	/* another application's database, and a file that is no database at all */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d; PRAGMA application_id = 42", version);
	sql_exec(f->path, sql);
	assert_int_equal(store_open(f->path, false, &s), RCX_ESTORE);
	char other[160];
	snprintf(other, sizeof(other), "%s/other", f->dir);
	FILE *fp = fopen(other, "w");
	assert_non_null(fp);
	fputs("this is not a database, just some text that is long enough to be a header.........\n", fp);
	fclose(fp);
	assert_int_equal(store_open(other, false, &s), RCX_ESTORE);
	assert_int_equal(store_open(other, true, &s), RCX_ESTORE);
	/* an empty file is a new database read-write, but readonly it cannot be migrated */
	fp = fopen(other, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(store_open(other, true, &s), RCX_ESTORE);
	assert_int_equal(store_open(other, false, &s), RCX_OK);
	store_close(s);
	assert_int_equal(sql_int(other, "PRAGMA user_version"), version);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Prints the event_put rate in large transactions (puts and commits timed, building the events
 * not); asserts only correctness, never speed. */
static void test_sqlite_throughput(void **state)
{
	struct fixture *f = *state;
	const uint32_t n = 200000, batch = RCX_INGEST_BATCH;
	struct event **evs = calloc(batch, sizeof(*evs));
	uint64_t dups = 0;
	double store_s = 0;
	int64_t base = us_of("2024-05-01T00:00:00Z");
	char ip[RCX_IP_BUF], ts[RCX_TIME_BUF];

	assert_non_null(evs);
	for (uint32_t i0 = 0; i0 < n; i0 += batch) {
		uint32_t m = n - i0 < batch ? n - i0 : batch;
		rcx_arena_reset(&f->arena);
		for (uint32_t j = 0; j < m; j++) {
			uint32_t i = i0 + j;
			/* every 8th event repeats the previous address a second later: a duplicate */
			uint32_t k = i % 8 == 7 ? i - 1 : i;
			/* addresses in random order, as in real feeds (an odd multiplier permutes 24-bit values) */
			uint32_t h = (k * UINT32_C(2654435761)) & 0xffffff;
			snprintf(ip, sizeof(ip), "10.%u.%u.%u", h >> 16, (h >> 8) & 255, h & 255);
			rcx_time_format(base + (int64_t)i * 1000000, ts);
			evs[j] = mkev(f, "classification.type", "scanner", "classification.identifier", "scan-ssh",
				      "source.ip", ip, "source.port", "22", "source.asn", "64500", "feed.name",
				      "Shadowserver", "feed.provider", "Shadowserver", "rcx.org", "CERT-AL", "tlp",
				      "amber", "time.source", ts, "extra.tag", "ssh", NULL);
		}
		double t0 = now_s();
		assert_int_equal(store_begin(f->s), RCX_OK);
		for (uint32_t j = 0; j < m; j++) {
			enum store_put_status st;
			assert_int_equal(store_event_put(f->s, evs[j], INT64_C(3600000000), &st, NULL), RCX_OK);
			dups += st == STORE_PUT_DUPLICATE;
		}
		assert_int_equal(store_commit(f->s), RCX_OK);
		store_s += now_s() - t0;
	}
	free(evs);
	assert_int_equal(dups, n / 8);
	uint64_t stored = 0;
	assert_int_equal(store_event_count(f->s, &(struct store_event_filter){0}, &stored), RCX_OK);
	assert_int_equal(stored, n - n / 8);
	printf("store throughput (sqlite): %u event_put in transactions of %u: %.2f s = %.0f/s\n", n, batch, store_s,
	       n / store_s);
}

#define MEM 0
#define SQLITE 1
#define BOTH(t) ON(MEM, t), ON(SQLITE, t)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_org),
		BOTH(test_dedup),
		BOTH(test_query_filters),
		BOTH(test_query_nested),
		BOTH(test_event_roundtrip),
		BOTH(test_event_json),
		cmocka_unit_test(test_event_json_compose),
		BOTH(test_quarantine),
		BOTH(test_checkpoint),
		BOTH(test_transactions),
		ON(SQLITE, test_sqlite_reopen),
		ON(SQLITE, test_sqlite_two_handles),
		ON(SQLITE, test_sqlite_readonly_missing),
		ON(SQLITE, test_sqlite_schema),
		ON(SQLITE, test_sqlite_throughput),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
