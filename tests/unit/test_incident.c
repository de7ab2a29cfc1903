/* Unit tests of the incident module: observable extraction from messy real-world text, the
 * workflow's transition table (every pair, with and without a reason), NIS2 deadlines across
 * DST changes and month ends with per-country configuration, victim pseudonyms (stability, key
 * separation, normalisation), the sector taxonomy against the MISP corpus, and the case
 * operations on an in-memory store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/config.h"
#include "core/limits.h"
#include "core/time.h"
#include "incident/incident_case.h"
#include "incident/incident_deadline.h"
#include "incident/incident_observable.h"
#include "incident/incident_pseudonym.h"
#include "incident/incident_workflow.h"
#include "store/store_incident.h"

static int64_t T(const char *iso)
{
	int64_t us = 0;
	assert_int_equal(rcx_time_parse(iso, strlen(iso), &us), RCX_OK);
	return us;
}

static bool has(const struct incident_observables *set, const char *kind, const char *value)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(incident_obs_kind_name(set->items[i].kind), kind) && !strcmp(set->items[i].value, value))
			return true;
	return false;
}

static void dump(const struct incident_observables *set)
{
	for (size_t i = 0; i < set->n; i++)
		print_message("  %s %s\n", incident_obs_kind_name(set->items[i].kind), set->items[i].value);
}

#define EXPECT(set, kind, value)                                                   \
	do {                                                                       \
		if (!has(set, kind, value)) {                                      \
			dump(set);                                                 \
			fail_msg("missing %s %s", kind, value);                    \
		}                                                                  \
	} while (0)

static void expect_count(const struct incident_observables *set, size_t n)
{
	if (set->n != n) {
		dump(set);
		fail_msg("%zu observables, %zu expected", set->n, n);
	}
}

/* A reply with a signature, quoted text, defanged forms, ports, zones, markdown and noise. */
static void test_observables_mail(void **state)
{
	(void)state;
	static const char text[] =
		"From: SOC Team <soc@banka.rs>\n"
		"Hi,\n\n"
		"> On Mon, attacker wrote:\n"
		"> please visit hxxps://login-banka[.]example.com/verify?id=1.\n"
		"Attacker IP 203.0.113.7:4444, and 2001:db8::1%eth0 too (see fe80::1%25eth0?).\n"
		"C2: evil[.]com, backup at 198.51.100.0/24; payload md5 44D88612FEA8A8F36DE82E1278ABED02.\n"
		"sha1: 3395856ce81f2b7382dee72602f798b642f14140\n"
		"Ticket <https://tracker.example.org/t/42>, **malware.example.net**\n"
		"Version 1.2.3 and 10.0.0.0.1 are not addresses; nor is setup.py or README.md.\n"
		"Contact: abuse[at]provider[.]net\n"
		"--\n"
		"Marko | SOC | +381 11 123 4567 | www.banka.rs\n";
	struct incident_observables set = {0};
	assert_int_equal(incident_observables_extract(text, strlen(text), &set), RCX_OK);
	EXPECT(&set, "email", "soc@banka.rs");
	EXPECT(&set, "url", "https://login-banka.example.com/verify?id=1");
	EXPECT(&set, "domain", "login-banka.example.com");
	EXPECT(&set, "ip", "203.0.113.7");
	EXPECT(&set, "ip", "2001:db8::1");
	EXPECT(&set, "ip", "fe80::1");
	EXPECT(&set, "domain", "evil.com");
	EXPECT(&set, "cidr", "198.51.100.0/24");
	EXPECT(&set, "md5", "44d88612fea8a8f36de82e1278abed02");
	EXPECT(&set, "sha1", "3395856ce81f2b7382dee72602f798b642f14140");
	EXPECT(&set, "url", "https://tracker.example.org/t/42");
	EXPECT(&set, "domain", "tracker.example.org");
	EXPECT(&set, "domain", "malware.example.net");
	EXPECT(&set, "email", "abuse@provider.net");
	EXPECT(&set, "domain", "www.banka.rs");
	expect_count(&set, 15);
	assert_false(set.truncated);
	incident_observables_free(&set);
}

static void test_observables_markdown(void **state)
{
	(void)state;
	static const char text[] = "- [report](hxxp://bad(.)example{.}org/a_(b)) and `192.0.2.10`\n"
				   "* http://[2001:db8::2]:8080/x\n"
				   "* mailto:Ops@Example.COM\n"
				   "* user [at] mail [dot] example [dot] com\n"
				   "* 1.2.3.4.5 and 999.1.1.1 and 192.0.2.1/33 and 2026.11.23 and v1.2.3.4\n"
				   "* HXXPS://Upper.Example.ORG/Path?Q=A\n"
				   "* sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
				   "* not a hash: 12345678901234567890123456789012\n"
				   "* /etc/resolv.conf, C:\\Windows\\evil.example.com\n";
	struct incident_observables set = {0};
	assert_int_equal(incident_observables_extract(text, strlen(text), &set), RCX_OK);
	EXPECT(&set, "url", "http://bad.example.org/a_(b)");
	EXPECT(&set, "domain", "bad.example.org");
	EXPECT(&set, "ip", "192.0.2.10");
	EXPECT(&set, "url", "http://[2001:db8::2]:8080/x");
	EXPECT(&set, "ip", "2001:db8::2");
	EXPECT(&set, "email", "ops@example.com");
	EXPECT(&set, "email", "user@mail.example.com");
	EXPECT(&set, "url", "https://upper.example.org/Path?Q=A");
	EXPECT(&set, "domain", "upper.example.org");
	EXPECT(&set, "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect_count(&set, 10);
	incident_observables_free(&set);
}

static void test_observables_dedup_roundtrip(void **state)
{
	(void)state;
	static const char text[] = "192.0.2.1 192.0.2.1, EVIL.COM evil.com 2001:DB8:0:0::1 2001:db8::1 "
				   "10.1.2.3/8 10.0.0.0/8 example[.]co[.]uk co.uk";
	struct incident_observables set = {0};
	assert_int_equal(incident_observables_extract(text, strlen(text), &set), RCX_OK);
	EXPECT(&set, "ip", "192.0.2.1");
	EXPECT(&set, "domain", "evil.com");
	EXPECT(&set, "ip", "2001:db8::1");
	EXPECT(&set, "cidr", "10.0.0.0/8");
	EXPECT(&set, "domain", "example.co.uk");
	expect_count(&set, 5); /* co.uk alone is a public suffix, not a domain */
	/* each canonical value, extracted from its own text, gives itself */
	for (size_t i = 0; i < set.n; i++) {
		struct incident_observables again = {0};
		assert_int_equal(incident_observables_extract(set.items[i].value, set.items[i].len, &again), RCX_OK);
		assert_true(has(&again, incident_obs_kind_name(set.items[i].kind), set.items[i].value));
		incident_observables_free(&again);
	}
	incident_observables_free(&set);

	/* refanging to a fixpoint, and the limits */
	struct rcx_arena a = RCX_ARENA_INIT;
	size_t n;
	assert_string_equal(incident_text_refang(&a, "x[[.]]y hXXps[://]a", 19, &n), "x.y https://a");
	rcx_arena_free(&a);
	assert_int_equal(incident_observables_extract(text, RCX_INCIDENT_TEXT_MAX + 1, &set), RCX_ELIMIT);
	assert_int_equal(set.n, 0);
	enum incident_obs_kind k;
	assert_int_equal(incident_obs_kind_parse("sha256", &k), RCX_OK);
	assert_int_equal(k, INCIDENT_OBS_SHA256);
	assert_int_equal(incident_obs_kind_parse("hash", &k), RCX_EINVAL);
}

/* ---- workflow: the table spelled out again, independently ---- */

static void test_workflow(void **state)
{
	(void)state;
	/* allowed[from] = "to:needs-reason ..." */
	static const char *const allowed[INCIDENT_STATUS_MAX] = {
		[INCIDENT_NEW] = " triaged:0 rejected:1 duplicate:1 ",
		[INCIDENT_TRIAGED] = " in_progress:0 rejected:1 duplicate:1 ",
		[INCIDENT_IN_PROGRESS] = " resolved:0 duplicate:1 ",
		[INCIDENT_RESOLVED] = " closed:0 in_progress:1 ",
		[INCIDENT_CLOSED] = " in_progress:1 ",
		[INCIDENT_REJECTED] = " triaged:1 ",
		[INCIDENT_DUPLICATE] = " ",
	};
	size_t ok = 0;
	for (int from = 0; from < INCIDENT_STATUS_MAX; from++)
		for (int to = 0; to < INCIDENT_STATUS_MAX; to++) {
			char key[40];
			const char *tn = incident_status_name((enum incident_status)to);
			snprintf(key, sizeof(key), " %s:0 ", tn);
			bool plain = strstr(allowed[from], key) != NULL;
			snprintf(key, sizeof(key), " %s:1 ", tn);
			bool with_reason = plain || strstr(allowed[from], key) != NULL;
			char *why = NULL;
			enum rcx_result r = incident_workflow_check((enum incident_status)from, (enum incident_status)to,
								    NULL, &why);
			assert_int_equal(r, plain ? RCX_OK : RCX_EINVAL);
			if (r != RCX_OK) {
				assert_non_null(why); /* a refusal says why */
				assert_non_null(strstr(why, tn));
			}
			free(why);
			why = NULL;
			r = incident_workflow_check((enum incident_status)from, (enum incident_status)to, "because", &why);
			assert_int_equal(r, with_reason ? RCX_OK : RCX_EINVAL);
			free(why);
			ok += with_reason;
		}
	assert_int_equal(ok, 12);
	char *why = NULL;
	assert_int_equal(incident_workflow_check(INCIDENT_CLOSED, INCIDENT_TRIAGED, NULL, &why), RCX_EINVAL);
	assert_string_equal(why, "an incident cannot go from closed to triaged; from closed it may go to: in_progress"
				 " (with --reason)");
	free(why);
	enum incident_status st;
	assert_int_equal(incident_status_parse("in-progress", &st), RCX_OK);
	assert_int_equal(st, INCIDENT_IN_PROGRESS);
	assert_int_equal(incident_status_parse("open", &st), RCX_EINVAL);
	assert_true(incident_status_ongoing(INCIDENT_TRIAGED));
	assert_false(incident_status_ongoing(INCIDENT_RESOLVED));
}

/* ---- deadlines ---- */

static void test_deadline_months(void **state)
{
	(void)state;
	static const struct {
		const char *from;
		unsigned months;
		const char *to;
	} cases[] = {
		{"2024-01-31T10:00:00Z", 1, "2024-02-29T10:00:00Z"}, /* leap year */
		{"2023-01-31T10:00:00Z", 1, "2023-02-28T10:00:00Z"},
		{"2024-03-31T23:59:59Z", 1, "2024-04-30T23:59:59Z"},
		{"2024-12-15T00:00:00Z", 1, "2025-01-15T00:00:00Z"}, /* year end */
		{"2024-01-31T08:00:00Z", 13, "2025-02-28T08:00:00Z"},
		{"2026-03-15T23:30:00Z", 1, "2026-04-15T23:30:00Z"}, /* across the March DST change */
		{"2026-10-25T00:30:00Z", 1, "2026-11-25T00:30:00Z"}, /* the day of the October change */
		{"1969-12-31T12:00:00Z", 2, "1970-02-28T12:00:00Z"}, /* before the epoch */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[RCX_TIME_BUF], want[RCX_TIME_BUF];
		rcx_time_format(incident_time_add_months(T(cases[i].from), cases[i].months), got);
		rcx_time_format(T(cases[i].to), want);
		assert_string_equal(got, want);
	}
}

static void test_deadline_config(void **state)
{
	(void)state;
	static const char conf[] = "[incident]\nnotification = 48h\n"
				   "[incident.RS]\nearly_warning = 12h\nfinal_report = 2 months\n"
				   "[incident.ME]\nfinal_report = 30d\n"
				   "[incident.AL]\nnotification = soon\n";
	struct rcx_config *cfg = NULL;
	unsigned line = 0;
	assert_int_equal(rcx_config_parse(conf, strlen(conf), &cfg, &line), RCX_OK);
	struct incident_deadline_config rs, hr, me, def;
	char *why = NULL;
	assert_int_equal(incident_deadline_config_load(NULL, NULL, &def, NULL), RCX_OK);
	assert_int_equal(def.early_warning_us, 24LL * 3600 * 1000000);
	assert_int_equal(def.notification_us, 72LL * 3600 * 1000000);
	assert_int_equal(def.cert_feedback_us, 24LL * 3600 * 1000000);
	assert_int_equal(def.final_months, 1);
	assert_int_equal(incident_deadline_config_load(cfg, "rs", &rs, NULL), RCX_OK);
	assert_int_equal(incident_deadline_config_load(cfg, "HR", &hr, NULL), RCX_OK);
	assert_int_equal(incident_deadline_config_load(cfg, "ME", &me, NULL), RCX_OK);
	assert_int_equal(rs.early_warning_us, 12LL * 3600 * 1000000);
	assert_int_equal(rs.notification_us, 48LL * 3600 * 1000000); /* from [incident] */
	assert_int_equal(rs.final_months, 2);
	assert_int_equal(hr.early_warning_us, 24LL * 3600 * 1000000);
	assert_int_equal(hr.notification_us, 48LL * 3600 * 1000000);
	assert_int_equal(hr.final_months, 1);
	assert_int_equal(me.final_months, 0);
	assert_int_equal(incident_deadline_final(&me, T("2026-02-01T00:00:00Z")), T("2026-03-03T00:00:00Z"));
	assert_int_equal(incident_deadline_final(&rs, T("2026-12-31T09:00:00Z")), T("2027-02-28T09:00:00Z"));
	struct incident_deadline_config al = rs;
	assert_int_equal(incident_deadline_config_load(cfg, "AL", &al, &why), RCX_ECONFIG);
	assert_non_null(why);
	assert_non_null(strstr(why, "incident.AL"));
	assert_int_equal(al.early_warning_us, rs.early_warning_us); /* untouched */
	free(why);
	rcx_config_free(cfg);

	/* hours are elapsed time: 24 h across the last Sunday of March (CET → CEST) is 24 h in UTC,
	 * though a Belgrade wall clock moves from 13:00 to 14:00 */
	assert_int_equal(T("2026-03-28T12:00:00Z") + def.early_warning_us, T("2026-03-29T12:00:00Z"));
	assert_int_equal(T("2026-10-24T12:00:00Z") + def.notification_us, T("2026-10-27T12:00:00Z"));
	assert_int_equal(incident_stage_state_at(0, 0, 5), INCIDENT_STAGE_NOT_DUE);
	assert_int_equal(incident_stage_state_at(10, 0, 5), INCIDENT_STAGE_PENDING);
	assert_int_equal(incident_stage_state_at(10, 0, 10), INCIDENT_STAGE_OVERDUE);
	assert_int_equal(incident_stage_state_at(10, 20, 30), INCIDENT_STAGE_SUBMITTED);
	enum incident_stage sg;
	assert_int_equal(incident_stage_parse("early-warning", &sg), RCX_OK);
	assert_int_equal(sg, INCIDENT_STAGE_EARLY_WARNING);
	assert_int_equal(incident_stage_parse("report", &sg), RCX_EINVAL);
}

/* ---- pseudonyms ---- */

static void test_pseudonym(void **state)
{
	(void)state;
	struct incident_pseudonym_key k1, k2;
	assert_int_equal(incident_pseudonym_key_parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
						      &k1),
			 RCX_OK);
	assert_int_equal(incident_pseudonym_key_parse("ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
						      &k2),
			 RCX_OK);
	assert_int_equal(incident_pseudonym_key_parse("abc", &k2), RCX_EPARSE);
	char a[INCIDENT_PSEUDONYM_BUF], b[INCIDENT_PSEUDONYM_BUF], c[INCIDENT_PSEUDONYM_BUF];
	assert_int_equal(incident_pseudonym_make(&k1, "Banka Beograd a.d.", a), RCX_OK);
	assert_int_equal(strlen(a), 23);
	assert_memory_equal(a, "victim-", 7);
	for (size_t i = 7; i < 23; i++)
		assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz234567", a[i]));
	/* the same victim, spelled differently, across incidents: the same pseudonym */
	assert_int_equal(incident_pseudonym_make(&k1, "  BANKA   BEOGRAD ", b), RCX_OK);
	assert_string_equal(a, b);
	assert_int_equal(incident_pseudonym_make(&k1, "Banka-Beograd AD", b), RCX_OK);
	assert_string_equal(a, b);
	/* another victim, and another federation's key: different */
	assert_int_equal(incident_pseudonym_make(&k1, "Banka Novi Sad", c), RCX_OK);
	assert_string_not_equal(a, c);
	assert_int_equal(incident_pseudonym_make(&k2, "Banka Beograd a.d.", c), RCX_OK);
	assert_string_not_equal(a, c);
	/* identifiers */
	assert_int_equal(incident_pseudonym_make(&k1, "vat:RS 100-200-300", b), RCX_OK);
	assert_int_equal(incident_pseudonym_make(&k1, "VAT:rs100200300", c), RCX_OK);
	assert_string_equal(b, c);
	assert_string_not_equal(a, b);
	char norm[64];
	assert_int_equal(incident_victim_normalise("Elektroprivreda Srbije d.o.o.", norm, sizeof(norm)), RCX_OK);
	assert_string_equal(norm, "elektroprivreda srbije");
	assert_int_equal(incident_victim_normalise(" ... ", norm, sizeof(norm)), RCX_EINVAL);
	assert_int_equal(incident_victim_normalise("lei:", norm, sizeof(norm)), RCX_EINVAL);

	/* the key from the configuration, inline or from a file */
	struct rcx_config *cfg = NULL;
	unsigned line;
	static const char conf[] = "[incident]\npseudonym_key = 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
	assert_int_equal(rcx_config_parse(conf, strlen(conf), &cfg, &line), RCX_OK);
	struct incident_pseudonym_key k3;
	assert_int_equal(incident_pseudonym_key_load(cfg, &k3, NULL), RCX_OK);
	assert_memory_equal(k3.bytes, k1.bytes, sizeof(k1.bytes));
	rcx_config_free(cfg);
	cfg = rcx_config_empty();
	assert_int_equal(incident_pseudonym_key_load(cfg, &k3, NULL), RCX_ENOTFOUND);
	rcx_config_free(cfg);
}

/* ---- the sector taxonomy against the MISP corpus (skipped without it) ---- */

static void test_sectors_corpus(void **state)
{
	(void)state;
	assert_true(incident_sector_valid("energy", "gas-energy"));
	assert_false(incident_sector_valid("energy", "rail-transport"));
	assert_false(incident_sector_valid("space", NULL));
	const char *corpus = getenv("RCX_CORPUS");
	if (!corpus || !*corpus)
		skip();
	char path[1024];
	snprintf(path, sizeof(path), "%s/misp-taxonomies/eu-nis-sector-and-subsectors/machinetag.json", corpus);
	json_error_t err;
	json_t *doc = json_load_file(path, 0, &err);
	if (!doc)
		skip();
	json_t *values = json_object_get(doc, "values"), *v;
	size_t i, checked = 0;
	json_array_foreach(values, i, v) {
		const char *pred = json_string_value(json_object_get(v, "predicate"));
		json_t *entries = json_object_get(v, "entry"), *e;
		size_t j;
		json_array_foreach(entries, j, e) {
			const char *val = json_string_value(json_object_get(e, "value"));
			if (!strcmp(pred, "eu-nis-oes")) {
				assert_true(incident_sector_valid(val, NULL));
			} else {
				/* eu-nis-oes-energy → energy; eu-nis-dsp → dsp */
				const char *sector = strncmp(pred, "eu-nis-oes-", 11) ? pred + 7 : pred + 11;
				if (!incident_sector_valid(sector, val))
					fail_msg("%s %s is not accepted", sector, val);
			}
			checked++;
		}
	}
	json_decref(doc);
	assert_true(checked >= 15);
}

/* ---- validation of reported fields ---- */

static void test_case_check(void **state)
{
	(void)state;
	static const struct {
		struct store_incident in;
		enum rcx_result want;
	} cases[] = {
		{{.title = "ok", .countries = "RS,HR", .sector = "energy", .subsector = "oil-energy", .severity = "low",
		  .rsit = "phishing", .loss_amount = 10, .loss_currency = "EUR"}, RCX_OK},
		{{.title = ""}, RCX_EINVAL},
		{{.title = "t", .countries = "RS,"}, RCX_EINVAL},
		{{.title = "t", .countries = "rs"}, RCX_EINVAL},
		{{.title = "t", .countries = "RS;HR"}, RCX_EINVAL},
		{{.title = "t", .sector = "space"}, RCX_EINVAL},
		{{.title = "t", .subsector = "oil-energy"}, RCX_EINVAL},      /* a subsector needs its sector */
		{{.title = "t", .sector = "health", .subsector = "oil-energy"}, RCX_EINVAL},
		{{.title = "t", .severity = "urgent"}, RCX_EINVAL},
		{{.title = "t", .rsit = "no-such-type"}, RCX_EINVAL},
		{{.title = "t", .loss_amount = -1, .loss_currency = "EUR"}, RCX_EINVAL},
		{{.title = "t", .loss_amount = 5, .loss_currency = "EURO"}, RCX_EINVAL},
		{{.title = "t\xff"}, RCX_EINVAL},                              /* not UTF-8 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *why = NULL;
		enum rcx_result r = incident_case_check(&cases[i].in, &why);
		if (r != cases[i].want)
			fail_msg("case %zu: %s (%s)", i, rcx_result_message(r), why ? why : "");
		if (r != RCX_OK)
			assert_non_null(why);
		free(why);
	}
}

/* ---- case operations on the in-memory store ---- */

struct collect {
	size_t n;
	char text[32][160];
};

static enum rcx_result collect_entry(void *ctx, const struct store_incident_entry *e)
{
	struct collect *c = ctx;
	if (c->n < 32)
		snprintf(c->text[c->n++], sizeof(c->text[0]), "%lld %s %s", (long long)e->incident, e->kind, e->text);
	return RCX_OK;
}

static enum rcx_result collect_stage(void *ctx, const struct store_incident_stage *st)
{
	struct collect *c = ctx;
	char due[RCX_TIME_BUF] = "-";
	if (st->due_us)
		rcx_time_format(st->due_us, due);
	if (c->n < 32)
		snprintf(c->text[c->n++], sizeof(c->text[0]), "%s %s %s", st->stage, due, st->submitted_us ? "done" : "open");
	return RCX_OK;
}

static enum rcx_result collect_obs(void *ctx, const struct store_incident_observable *o)
{
	struct collect *c = ctx;
	if (c->n < 32)
		snprintf(c->text[c->n++], sizeof(c->text[0]), "%s %s", o->kind, o->value);
	return RCX_OK;
}

static void test_case_flow(void **state)
{
	(void)state;
	struct store *s = NULL;
	assert_int_equal(store_open("mem:", false, &s), RCX_OK);
	struct store_org org = {.name = "SRB-CERT", .country = "RS", .kind = "national-cert"};
	int64_t org_id, id, id2;
	assert_int_equal(store_org_add(s, &org, &org_id), RCX_OK);
	struct incident_deadline_config dl;
	assert_int_equal(incident_deadline_config_load(NULL, "RS", &dl, NULL), RCX_OK);
	struct incident_actor who = {.now_us = T("2026-03-28T10:00:00Z")};
	char receipt[INCIDENT_RECEIPT_BUF], *why = NULL;
	struct store_incident in = {
		.title = "Ransomware at a bank",
		.description = "Encrypted hosts call hxxps://c2[.]example.net and 203.0.113.9",
		.countries = "RS",
		.sector = "banking",
		.severity = "high",
		.rsit = "ransomware",
		.aware_us = T("2026-03-28T09:00:00Z"),
		.loss_amount = -1,
		.label = {.owner_org = org_id, .tlp = RCX_TLP_AMBER, .dist = RCX_DIST_ORG},
	};
	assert_int_equal(incident_case_create(s, &who, &dl, &in, &id, receipt, &why), RCX_OK);
	assert_int_equal(strlen(receipt), 27);
	assert_memory_equal(receipt, "RCX-", 4);
	struct store_incident got;
	assert_int_equal(store_incident_get_receipt(s, receipt, &got), RCX_OK);
	assert_int_equal(got.id, id);
	assert_string_equal(got.status, "new");

	struct collect c = {0};
	assert_int_equal(store_incident_stages(s, id, NULL, collect_stage, &c), RCX_OK);
	assert_int_equal(c.n, 2);
	/* early warning 24 h after awareness across the DST change, notification 72 h */
	assert_string_equal(c.text[0], "early_warning 2026-03-29T09:00:00+00:00 open");
	assert_string_equal(c.text[1], "notification 2026-03-31T09:00:00+00:00 open");

	/* overdue: listed and counted */
	uint64_t n = 9;
	struct store_incident_filter flt = {.overdue_at_us = T("2026-03-30T00:00:00Z")};
	assert_int_equal(store_incident_count(s, &flt, &n), RCX_OK);
	assert_int_equal(n, 1);
	who.now_us = T("2026-03-29T08:00:00Z");
	assert_int_equal(incident_case_stage(s, &who, &dl, id, INCIDENT_STAGE_EARLY_WARNING, 0, &why), RCX_OK);
	assert_int_equal(store_incident_count(s, &flt, &n), RCX_OK);
	assert_int_equal(n, 0); /* the CERT's feedback is due 2026-03-30T08:00 */
	flt.overdue_at_us = T("2026-03-30T08:00:00Z");
	assert_int_equal(store_incident_count(s, &flt, &n), RCX_OK);
	assert_int_equal(n, 1);
	assert_int_equal(incident_case_stage(s, &who, &dl, id, INCIDENT_STAGE_EARLY_WARNING, 0, &why), RCX_EEXIST);
	free(why);
	why = NULL;
	/* the notification on 31 January-like month end: final one calendar month later */
	assert_int_equal(incident_case_stage(s, &who, &dl, id, INCIDENT_STAGE_NOTIFICATION, T("2026-03-31T09:00:00Z"), &why),
			 RCX_OK);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_incident_stages(s, id, NULL, collect_stage, &c), RCX_OK);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.text[0], "cert_feedback 2026-03-30T08:00:00+00:00 open");
	assert_string_equal(c.text[2], "final 2026-04-30T09:00:00+00:00 open");

	/* the workflow through the case: refused, then the path */
	assert_int_equal(incident_case_status(s, &who, &dl, id, INCIDENT_RESOLVED, NULL, &why), RCX_EINVAL);
	assert_non_null(why);
	free(why);
	why = NULL;
	assert_int_equal(incident_case_status(s, &who, &dl, id, INCIDENT_TRIAGED, NULL, &why), RCX_OK);
	assert_int_equal(incident_case_status(s, &who, &dl, id, INCIDENT_IN_PROGRESS, NULL, &why), RCX_OK);
	/* still ongoing at the final deadline: a progress report moves the final report after the resolution */
	assert_int_equal(incident_case_stage(s, &who, &dl, id, INCIDENT_STAGE_PROGRESS, T("2026-04-30T08:00:00Z"), &why),
			 RCX_OK);
	who.now_us = T("2026-05-31T12:00:00Z");
	assert_int_equal(incident_case_status(s, &who, &dl, id, INCIDENT_RESOLVED, NULL, &why), RCX_OK);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_incident_stages(s, id, NULL, collect_stage, &c), RCX_OK);
	assert_string_equal(c.text[2], "final 2026-06-30T12:00:00+00:00 open");
	assert_int_equal(incident_case_assign(s, &who, id, 7, "analyst@srb-cert.example", &why), RCX_OK);
	int64_t eid = 0;
	assert_int_equal(incident_case_note(s, &who, id, "Also seen: evil[.]example.org", &eid, &why), RCX_OK);
	assert_true(eid > 0);

	/* a duplicate merged into it: both timelines and observables from the survivor */
	in.title = "Bank systems encrypted";
	in.description = "same attack, hash 44d88612fea8a8f36de82e1278abed02";
	assert_int_equal(incident_case_create(s, &who, &dl, &in, &id2, NULL, &why), RCX_OK);
	assert_int_equal(incident_case_merge(s, &who, id2, id2, &why), RCX_EINVAL);
	free(why);
	why = NULL;
	assert_int_equal(incident_case_merge(s, &who, id2, id, &why), RCX_OK);
	assert_int_equal(store_incident_get(s, id2, NULL, &got), RCX_OK);
	assert_string_equal(got.status, "duplicate");
	assert_int_equal(got.merged_into, id);
	char want[64];
	snprintf(want, sizeof(want), "duplicate of incident %lld", (long long)id);
	assert_string_equal(got.status_reason, want);
	assert_int_equal(incident_case_merge(s, &who, id, id2, &why), RCX_EINVAL); /* into a duplicate */
	free(why);
	why = NULL;
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_incident_entries(s, id, NULL, collect_entry, &c), RCX_OK);
	size_t from_dup = 0;
	for (size_t i = 0; i < c.n; i++)
		from_dup += (int64_t)strtoll(c.text[i], NULL, 10) == id2;
	assert_int_equal(from_dup, 2); /* its "reported" and its merge entry */
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_incident_observables(s, id, NULL, collect_obs, &c), RCX_OK);
	bool md5 = false, note_domain = false;
	for (size_t i = 0; i < c.n; i++) {
		md5 |= !strcmp(c.text[i], "md5 44d88612fea8a8f36de82e1278abed02");
		note_domain |= !strcmp(c.text[i], "domain evil.example.org");
	}
	assert_true(md5);
	assert_true(note_domain);
	/* a duplicate is final */
	assert_int_equal(incident_case_status(s, &who, &dl, id2, INCIDENT_TRIAGED, "reopen", &why), RCX_EINVAL);
	free(why);
	why = NULL;

	/* disclosure: only the owner's side, and a change each time */
	struct incident_actor stranger = {.user = 42, .now_us = who.now_us};
	assert_int_equal(incident_case_disclose(s, &stranger, org_id + 1, id, true, &why), RCX_EDENIED);
	free(why);
	why = NULL;
	assert_int_equal(incident_case_disclose(s, &who, 0, id, true, &why), RCX_OK);
	assert_int_equal(store_incident_get(s, id, NULL, &got), RCX_OK);
	assert_true(got.victim_disclosed);
	assert_int_equal(incident_case_disclose(s, &who, 0, id, true, &why), RCX_EINVAL);
	free(why);
	why = NULL;
	/* cross-border: the country is added once, the flag set, the timeline says why */
	assert_int_equal(incident_case_cross_border(s, &who, id, "HR", "203.0.113.9 routes to CERT.hr", &why), RCX_OK);
	assert_int_equal(incident_case_cross_border(s, &who, id, "HR", "again", &why), RCX_OK);
	assert_int_equal(incident_case_cross_border(s, &who, id, "hr", "bad", &why), RCX_EINVAL);
	free(why);
	why = NULL;
	assert_int_equal(store_incident_get(s, id, NULL, &got), RCX_OK);
	assert_string_equal(got.countries, "RS,HR");
	assert_true(got.cross_border);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_incident_entries(s, id, NULL, collect_entry, &c), RCX_OK);
	size_t crossings = 0;
	for (size_t i = 0; i < c.n; i++)
		crossings += strstr(c.text[i], "cross-border (HR)") != NULL;
	assert_int_equal(crossings, 1);
	/* links: an unknown event is refused, nothing half-done */
	assert_int_equal(incident_case_link(s, &who, id, 99, &why), RCX_ENOTFOUND);
	free(why);
	store_close(s);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_observables_mail),   cmocka_unit_test(test_observables_markdown),
		cmocka_unit_test(test_observables_dedup_roundtrip), cmocka_unit_test(test_workflow),
		cmocka_unit_test(test_deadline_months),    cmocka_unit_test(test_deadline_config),
		cmocka_unit_test(test_pseudonym),          cmocka_unit_test(test_sectors_corpus),
		cmocka_unit_test(test_case_check),         cmocka_unit_test(test_case_flow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
