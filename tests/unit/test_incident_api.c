/* The pure parts behind the incident API: proof-of-work challenges (http_api_incidents_pow.h) and
 * the incident figures (incident_figures.h) over the in-memory store, with pinned times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/strbuf.h"
#include "core/time.h"
#include "http/http_api_incidents_pow.h"
#include "incident/incident_case.h"
#include "incident/incident_figures.h"
#include "store/store.h"
#include "store/store_incident.h"

static const uint8_t key[API_POW_KEY_BYTES] = {7};

static void test_pow_roundtrip(void **state)
{
	(void)state;
	char c[API_POW_BUF], again[API_POW_BUF];
	struct api_pow_challenge p;
	assert_int_equal(api_pow_make(key, 1000, 60, 12, c), RCX_OK);
	assert_int_equal(api_pow_parse(c, strlen(c), &p), RCX_OK);
	assert_int_equal(p.expires_s, 1060);
	assert_int_equal(p.difficulty, 12);
	assert_int_equal(api_pow_format(&p, again), strlen(c));
	assert_string_equal(again, c);
	assert_int_equal(api_pow_verify(key, c, strlen(c), 1060, NULL), RCX_OK);
	assert_int_equal(api_pow_verify(key, c, strlen(c), 1061, NULL), RCX_EDENIED); /* expired */
	uint8_t other[API_POW_KEY_BYTES] = {8};
	assert_int_equal(api_pow_verify(other, c, strlen(c), 1000, NULL), RCX_EDENIED); /* not ours */
	c[4] = c[4] == '1' ? '2' : '1'; /* the expiry changed: the MAC no longer fits */
	assert_int_equal(api_pow_verify(key, c, strlen(c), 0, NULL), RCX_EDENIED);
	static const char *const bad[] = {"", "v1.", "v2.1.1.00", "v1.01.8.", "v1.1.0.", "v1.1.31.", "v1.-1.8.",
					  "v1.1.8.00112233445566778899AABBCCDDEEFF.00"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(api_pow_parse(bad[i], strlen(bad[i]), &p), RCX_EPARSE);
}

static void test_pow_work(void **state)
{
	(void)state;
	char c[API_POW_BUF], nonce[32];
	assert_int_equal(api_pow_make(key, 1000, 60, 10, c), RCX_OK);
	unsigned found = 0, n;
	for (n = 0; n < 1u << 16 && !found; n++) {
		snprintf(nonce, sizeof(nonce), "%u", n);
		if (api_pow_work_ok(c, strlen(c), nonce, strlen(nonce), 10))
			found = n + 1;
	}
	assert_true(found > 0);
	snprintf(nonce, sizeof(nonce), "%u", found - 1);
	/* the check agrees with SHA-256 computed here */
	char text[API_POW_BUF + 40];
	snprintf(text, sizeof(text), "%s:%s", c, nonce);
	uint8_t h[32];
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	assert_int_equal(h[0], 0);
	assert_int_equal(h[1] >> 6, 0);
	assert_false(api_pow_work_ok(c, strlen(c), "", 0, 1));
	assert_false(api_pow_work_ok(c, strlen(c), "a b", 3, 0));
}

static void test_figures(void **state)
{
	(void)state;
	struct store *s;
	assert_int_equal(store_open("mem:", false, &s), RCX_OK);
	struct store_org org = {.name = "CERT-HR", .country = "HR", .kind = "national-cert"};
	int64_t owner;
	assert_int_equal(store_org_add(s, &org, &owner), RCX_OK);
	struct incident_deadline_config dl;
	assert_int_equal(incident_deadline_config_load(NULL, NULL, &dl, NULL), RCX_OK);
	int64_t t0 = 0;
	assert_int_equal(rcx_time_parse("2026-01-10T00:00:00Z", 20, &t0), RCX_OK);
	/* four incidents, triaged after 1, 2, 3 and 4 hours; the first closed after a day */
	static const char *const countries[] = {"HR", "RS,HR", "HR", NULL};
	for (int i = 0; i < 4; i++) {
		struct incident_actor who = {.now_us = t0 + i * 1000000LL};
		struct store_incident in = {.title = "Victim Bank d.o.o. phished", .countries = countries[i],
					    .sector = i == 0 ? "banking" : NULL, .rsit = "phishing", .loss_amount = -1,
					    .affected_name = "Victim Bank d.o.o.",
					    .label = {.owner_org = owner, .tlp = RCX_TLP_AMBER, .dist = RCX_DIST_ORG}};
		int64_t id;
		char *why = NULL;
		assert_int_equal(incident_case_create(s, &who, &dl, &in, &id, NULL, &why), RCX_OK);
		who.now_us += (i + 1) * 3600LL * 1000000;
		assert_int_equal(incident_case_status(s, &who, &dl, id, INCIDENT_TRIAGED, NULL, &why), RCX_OK);
		if (i == 0) {
			who.now_us = t0 + 86400LL * 1000000;
			assert_int_equal(incident_case_status(s, &who, &dl, id, INCIDENT_IN_PROGRESS, NULL, &why), RCX_OK);
			assert_int_equal(incident_case_status(s, &who, &dl, id, INCIDENT_RESOLVED, NULL, &why), RCX_OK);
			assert_int_equal(incident_case_status(s, &who, &dl, id, INCIDENT_CLOSED, NULL, &why), RCX_OK);
		}
	}
	struct incident_figures_query q = {.now_us = t0 + 30 * 86400LL * 1000000};
	json_t *j = NULL;
	assert_int_equal(incident_figures_compute(s, &q, &j), RCX_OK);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 4);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "by_country"), "HR")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "by_country"), "unknown")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "by_month"), "2026-01")), 4);
	json_t *tt = json_object_get(j, "time_to_triage"), *tc = json_object_get(j, "time_to_close");
	assert_int_equal(json_integer_value(json_object_get(tt, "n")), 4);
	assert_int_equal(json_integer_value(json_object_get(tt, "median_s")), 2 * 3600); /* nearest rank of 4: 2nd */
	assert_int_equal(json_integer_value(json_object_get(tt, "p90_s")), 4 * 3600);
	assert_int_equal(json_integer_value(json_object_get(tc, "n")), 1);
	assert_int_equal(json_integer_value(json_object_get(tc, "median_s")), 86400);
	assert_int_equal(json_integer_value(json_object_get(j, "overdue_stages")), 2); /* banking: two stages */
	json_decref(j);
	q.since_us = t0 + 2 * 1000000LL; /* the last two reports */
	assert_int_equal(incident_figures_compute(s, &q, &j), RCX_OK);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
	json_decref(j);
	assert_int_equal(incident_figures_quarterly(s, NULL, 2026, 1, &j), RCX_OK);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 4);
	struct rcx_strbuf csv = RCX_STRBUF_INIT(0);
	assert_int_equal(incident_figures_csv(j, &csv), RCX_OK);
	rcx_strbuf_putc(&csv, '\0');
	assert_non_null(strstr(csv.data, "total,all,4\r\n"));
	assert_non_null(strstr(csv.data, "country,RS,1\r\n"));
	assert_null(strstr(csv.data, "Victim"));
	assert_null(strstr(csv.data, "CERT"));
	rcx_strbuf_free(&csv);
	json_decref(j);
	assert_int_equal(incident_figures_quarterly(s, NULL, 2026, 2, &j), RCX_OK);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
	json_decref(j);
	assert_int_equal(incident_figures_quarterly(s, NULL, 2026, 5, &j), RCX_EINVAL);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pow_roundtrip),
		cmocka_unit_test(test_pow_work),
		cmocka_unit_test(test_figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
