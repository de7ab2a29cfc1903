/* Incident notifications: message composition (what each recipient may read, the victim never by
 * name abroad), the RFC 5322 form (headers, RFC 2047 subject, quoted-printable body), the outbox
 * of both stores (queue, retry bookkeeping, sent, rollback), backoff, and queuing by the incident
 * operations (a new incident, a cross-border country) with the notifier installed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <strings.h>

#include <cmocka.h>

#include "store_fixture.h"

#include "core/arena.h"
#include "core/limits.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "incident/incident_case.h"
#include "incident/incident_notify.h"
#include "store/store_incident.h"
#include "store/store_outbox.h"

#define VICTIM "Banka Poštanska Štedionica"

/* Case-insensitive (ASCII) search, so "BANKA poštanska" counts as the name too. */
static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = hay; *p; p++)
		if (!strncasecmp(p, needle, n))
			return true;
	return false;
}

static struct incident_notify_facts facts(enum rcx_tlp tlp)
{
	return (struct incident_notify_facts){
		.id = 7,
		.owner_name = "SRB-CERT",
		.title = "Phishing against " VICTIM " customers",
		.description = "Customers of " VICTIM " (banka-ps.rs) got mails linking to hxxps://banka-ps[.]example.",
		.countries = "RS,HR",
		.sector = "banking",
		.rsit = "phishing",
		.severity = "high",
		.tlp = tlp,
		.victim = VICTIM,
		.pseudonym = "victim-abcdefghijklmnop",
		.node_name = "rcx.srb-cert.example",
	};
}

static void test_compose_owner(void **state)
{
	(void)state;
	struct incident_notify_facts f = facts(RCX_TLP_GREEN);
	char *subject = NULL, *body = NULL;
	assert_int_equal(incident_notify_compose(&f, INCIDENT_NOTIFY_OWNER, NULL, &subject, &body), RCX_OK);
	assert_non_null(strstr(subject, "#7"));
	assert_non_null(strstr(subject, f.title));
	assert_non_null(strstr(body, f.description));
	assert_non_null(strstr(body, "Affected:  " VICTIM));
	free(subject);
	free(body);
	/* AMBER: nothing of the text in clear, the victim by pseudonym */
	f = facts(RCX_TLP_AMBER);
	assert_int_equal(incident_notify_compose(&f, INCIDENT_NOTIFY_OWNER, NULL, &subject, &body), RCX_OK);
	assert_null(strstr(subject, "Phishing"));
	assert_false(contains_ci(body, "Banka"));
	assert_false(contains_ci(body, "banka-ps"));
	assert_non_null(strstr(body, "TLP:       AMBER"));
	assert_non_null(strstr(body, f.pseudonym));
	free(subject);
	free(body);
}

static void test_compose_foreign_never_names_victim(void **state)
{
	(void)state;
	static const enum rcx_tlp tlps[] = {RCX_TLP_CLEAR, RCX_TLP_GREEN, RCX_TLP_AMBER, RCX_TLP_AMBER_STRICT, RCX_TLP_RED};
	for (size_t i = 0; i < sizeof(tlps) / sizeof(tlps[0]); i++) {
		struct incident_notify_facts f = facts(tlps[i]);
		char *subject = NULL, *body = NULL;
		assert_int_equal(incident_notify_compose(&f, INCIDENT_NOTIFY_FOREIGN, "HR", &subject, &body), RCX_OK);
		assert_false(contains_ci(subject, "Banka"));
		assert_false(contains_ci(body, "Banka"));
		assert_false(contains_ci(body, "Štedionica"));
		assert_false(contains_ci(body, "banka-ps"));
		assert_null(strstr(body, "Phishing against"));
		assert_non_null(strstr(body, "victim-abcdefghijklmnop (pseudonym)"));
		assert_non_null(strstr(body, "(HR)"));
		free(subject);
		free(body);
		assert_int_equal(incident_notify_compose(&f, INCIDENT_NOTIFY_FOREIGN_BLIND, "HR", &subject, &body), RCX_OK);
		assert_false(contains_ci(subject, "Banka"));
		assert_false(contains_ci(body, "Banka"));
		assert_null(strstr(body, "victim-"));
		assert_null(strstr(body, "phishing"));
		assert_non_null(strstr(body, "incident #7"));
		assert_non_null(strstr(body, "request access"));
		free(subject);
		free(body);
	}
	/* no key configured: "withheld"; disclosed and GREEN: the name */
	struct incident_notify_facts f = facts(RCX_TLP_GREEN);
	f.pseudonym = NULL;
	char *subject = NULL, *body = NULL;
	assert_int_equal(incident_notify_compose(&f, INCIDENT_NOTIFY_FOREIGN, "HR", &subject, &body), RCX_OK);
	assert_non_null(strstr(body, "Victim:    withheld"));
	assert_false(contains_ci(body, "Banka"));
	free(subject);
	free(body);
	f = facts(RCX_TLP_GREEN);
	f.disclosed = true;
	assert_int_equal(incident_notify_compose(&f, INCIDENT_NOTIFY_FOREIGN, "HR", &subject, &body), RCX_OK);
	assert_non_null(strstr(body, "Victim:    " VICTIM));
	free(subject);
	free(body);
	assert_int_equal(incident_notify_compose(&f, INCIDENT_NOTIFY_FOREIGN, NULL, &subject, &body), RCX_EINVAL);
}

/* The value of header name (first line only) in message text. */
static const char *header(const char *text, const char *name, char *buf, size_t cap)
{
	char key[64];
	snprintf(key, sizeof(key), "\r\n%s: ", name);
	const char *end = strstr(text, "\r\n\r\n");
	const char *p = strncmp(text, key + 2, strlen(key + 2)) ? strstr(text, key) : text - 2;
	if (!p || p > end)
		return NULL;
	const char *v = p + strlen(key), *e = strstr(v, "\r\n");
	snprintf(buf, cap, "%.*s", (int)(e - v), v);
	return buf;
}

static void test_message_form(void **state)
{
	(void)state;
	struct store_outbox_msg m = {
		.id = 12,
		.address = "soc@cert.hr",
		.subject = "[rcx] Incident #7 of SRB-CERT — Štedionica ćevapčići čćžšđ tested with a long subject line",
		.body = "line one\n.dot line\ntrailing space \n" "čćž = utf-8\n"
			"a very long line that goes on and on and on and on and on and on and on and on and on and on\n",
		.incident = 7,
	};
	char *text = NULL, buf[512];
	assert_int_equal(incident_notify_message("rcx@cert.rs", &m, 1795000000000000, &text), RCX_OK);
	assert_non_null(header(text, "Date", buf, sizeof(buf)));
	assert_string_equal(buf, "Wed, 18 Nov 2026 11:06:40 +0000");
	assert_non_null(header(text, "From", buf, sizeof(buf)));
	assert_string_equal(buf, "rcx@cert.rs");
	assert_non_null(header(text, "To", buf, sizeof(buf)));
	assert_string_equal(buf, "soc@cert.hr");
	assert_non_null(header(text, "Message-ID", buf, sizeof(buf)));
	assert_memory_equal(buf, "<rcx.12.", 8);
	assert_non_null(strstr(buf, "@cert.rs>"));
	assert_non_null(header(text, "Content-Type", buf, sizeof(buf)));
	assert_string_equal(buf, "text/plain; charset=utf-8");
	assert_non_null(header(text, "Content-Transfer-Encoding", buf, sizeof(buf)));
	assert_string_equal(buf, "quoted-printable");
	/* the subject: encoded words that decode, joined, to the original */
	const char *subj = strstr(text, "\r\nSubject: ");
	assert_non_null(subj);
	struct rcx_strbuf dec = RCX_STRBUF_INIT(0);
	struct rcx_arena a = RCX_ARENA_INIT;
	for (const char *w = strstr(subj, "=?UTF-8?B?"); w && w < strstr(subj, "\r\nMIME"); w = strstr(w, "=?UTF-8?B?")) {
		w += 10;
		const char *e = strstr(w, "?=");
		uint8_t *p;
		size_t n;
		assert_int_equal(rcx_base64_decode(&a, w, (size_t)(e - w), &p, &n), RCX_OK);
		assert_int_equal(rcx_strbuf_append(&dec, (const char *)p, n), RCX_OK);
		w = e + 2;
	}
	assert_string_equal(dec.data, m.subject);
	rcx_strbuf_free(&dec);
	rcx_arena_free(&a);
	/* every line CRLF and at most 78 characters; no bare LF; the body's dot line is escaped */
	const char *body = strstr(text, "\r\n\r\n") + 4;
	for (const char *p = text; *p;) {
		const char *e = strstr(p, "\r\n");
		assert_non_null(e);
		assert_true(e - p <= 78);
		assert_null(memchr(p, '\n', (size_t)(e - p)));
		assert_true(p < body || *p != '.');
		p = e + 2;
	}
	assert_non_null(strstr(body, "line one\r\n=2Edot line\r\ntrailing space=20\r\n=C4=8D=C4=87=C5=BE =3D utf-8\r\n"));
	free(text);
	/* header injection is refused */
	m.address = "a@b.c\r\nBcc: x@y.z";
	assert_int_equal(incident_notify_message("rcx@cert.rs", &m, 1795000000000000, &text), RCX_EINVAL);
	m.address = "soc@cert.hr";
	assert_int_equal(incident_notify_message("rcx <x>@cert.rs", &m, 1795000000000000, &text), RCX_EINVAL);
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(incident_notify_backoff(1), RCX_NOTIFY_BACKOFF_BASE_US);
	assert_int_equal(incident_notify_backoff(2), 2 * RCX_NOTIFY_BACKOFF_BASE_US);
	assert_int_equal(incident_notify_backoff(3), 4 * RCX_NOTIFY_BACKOFF_BASE_US);
	assert_int_equal(incident_notify_backoff(1000), RCX_NOTIFY_BACKOFF_MAX_US);
}

struct rows {
	size_t n;
	struct store_outbox_msg last;
	char error[256];
};

static enum rcx_result count_rows(void *ctx, const struct store_outbox_msg *m)
{
	struct rows *r = ctx;
	r->n++;
	r->last = *m;
	snprintf(r->error, sizeof(r->error), "%s", m->last_error ? m->last_error : "");
	r->last.address = r->last.subject = r->last.body = r->last.last_error = NULL;
	return RCX_OK;
}

static void test_outbox(void **state)
{
	struct fixture *f = *state;
	struct store *s = f->s;
	struct store_outbox_msg m = {.org = 0, .address = "a@example.org", .subject = "s", .body = "b", .incident = 0,
				     .created_us = 1000};
	int64_t id1, id2;
	assert_int_equal(store_outbox_put(s, &(struct store_outbox_msg){.address = "x@y.z"}, &id1), RCX_EINVAL);
	assert_int_equal(store_outbox_put(s, &m, &id1), RCX_OK);
	m.address = "b@example.org";
	assert_int_equal(store_outbox_put(s, &m, &id2), RCX_OK);
	assert_true(id2 > id1);
	/* rolled back with its transaction */
	assert_int_equal(store_begin(s), RCX_OK);
	assert_int_equal(store_outbox_put(s, &m, NULL), RCX_OK);
	assert_int_equal(store_rollback(s), RCX_OK);
	uint64_t pending = 0;
	assert_int_equal(store_outbox_pending(s, &pending), RCX_OK);
	assert_int_equal(pending, 2);
	/* a failure: counted, kept, not due before next */
	assert_int_equal(store_outbox_failed(s, id1, "connection refused", 5000), RCX_OK);
	struct rows r = {0};
	assert_int_equal(store_outbox_list(s, 0, 0, true, 4000, count_rows, &r), RCX_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.last.id, id2);
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_outbox_list(s, 0, 1, true, 0, count_rows, &r), RCX_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.last.id, id1);
	assert_int_equal(r.last.attempts, 1);
	assert_int_equal(r.last.next_us, 5000);
	assert_string_equal(r.error, "connection refused");
	assert_int_equal(store_outbox_failed(s, id1, "timeout", 9000), RCX_OK);
	/* sent: no longer pending, still listed */
	assert_int_equal(store_outbox_sent(s, id1, 7000), RCX_OK);
	assert_int_equal(store_outbox_sent(s, 999, 7000), RCX_ENOTFOUND);
	assert_int_equal(store_outbox_pending(s, &pending), RCX_OK);
	assert_int_equal(pending, 1);
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_outbox_list(s, 0, 0, false, 0, count_rows, &r), RCX_OK);
	assert_int_equal(r.n, 2);
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_outbox_list(s, id1 - 1, 1, false, 0, count_rows, &r), RCX_OK);
	assert_int_equal(r.last.attempts, 2);
	assert_int_equal(r.last.sent_us, 7000);
	assert_string_equal(r.error, "timeout");
	assert_int_equal(r.last.created_us, 1000);
}

/* Delivery to a port where nothing listens: each failure recorded with a growing backoff, the
 * message kept; not due before its next try unless retry_all. */
static void test_drain_failure_kept(void **state)
{
	struct fixture *f = *state;
	struct store *s = f->s;
	struct store_outbox_msg m = {.address = "duty@cert.rs", .subject = "s", .body = "b"};
	int64_t id;
	assert_int_equal(store_outbox_put(s, &m, &id), RCX_OK);
	char url[] = "smtp://127.0.0.1:1", from[] = "rcx@cert.rs";
	struct incident_smtp smtp = {.url = url, .from = from};
	struct incident_notify_summary sum = {0};
	const int64_t now = 1795000000000000;
	assert_int_equal(incident_notify_drain(s, &smtp, now, false, NULL, NULL, &sum), RCX_EIO);
	assert_int_equal(sum.sent, 0);
	assert_int_equal(sum.failed, 1);
	assert_int_equal(sum.pending, 1);
	struct rows r = {0};
	assert_int_equal(store_outbox_list(s, 0, 0, true, 0, count_rows, &r), RCX_OK);
	assert_int_equal(r.last.attempts, 1);
	assert_int_equal(r.last.next_us, now + RCX_NOTIFY_BACKOFF_BASE_US);
	assert_true(strlen(r.error) > 0);
	/* not due yet: nothing tried */
	assert_int_equal(incident_notify_drain(s, &smtp, now + 1, false, NULL, NULL, &sum), RCX_OK);
	assert_int_equal(sum.failed, 0);
	assert_int_equal(sum.pending, 1);
	/* forced: tried again, the wait doubles */
	assert_int_equal(incident_notify_drain(s, &smtp, now + 2, true, NULL, NULL, &sum), RCX_EIO);
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_outbox_list(s, 0, 0, true, 0, count_rows, &r), RCX_OK);
	assert_int_equal(r.last.attempts, 2);
	assert_int_equal(r.last.next_us, now + 2 + 2 * RCX_NOTIFY_BACKOFF_BASE_US);
}

/* ---- queuing by the incident operations ---- */

static int64_t visible_to;
static bool test_may_see(void *ctx, struct store *s, int64_t org, int64_t id)
{
	(void)ctx, (void)s, (void)id;
	return org == visible_to;
}

struct collect {
	size_t n;
	char to[8][64];
	char text[8][4096];
};

static enum rcx_result collect_row(void *ctx, const struct store_outbox_msg *m)
{
	struct collect *c = ctx;
	if (c->n < 8) {
		snprintf(c->to[c->n], sizeof(c->to[0]), "%s", m->address);
		snprintf(c->text[c->n], sizeof(c->text[0]), "%s\n%s", m->subject, m->body);
		c->n++;
	}
	return RCX_OK;
}

static void test_queue_on_changes(void **state)
{
	struct fixture *f = *state;
	struct store *s = f->s;
	int64_t rs, hr, me, bank, id;
	struct store_org o = {.name = "SRB-CERT", .country = "RS", .kind = "national-cert",
			      .contacts = "[{\"name\":\"Desk\",\"email\":\"desk@cert.rs\"},"
					  "{\"name\":\"SOC\",\"email\":\"soc@cert.rs\",\"role\":\"24x7\"}]"};
	assert_int_equal(store_org_add(s, &o, &rs), RCX_OK);
	o = (struct store_org){.name = "CERT.hr", .country = "HR", .kind = "national-cert",
			       .contacts = "[{\"name\":\"Duty\",\"email\":\"duty@cert.hr\"},{\"name\":\"No mail\"}]"};
	assert_int_equal(store_org_add(s, &o, &hr), RCX_OK);
	o = (struct store_org){.name = "CIRT.me", .country = "ME", .kind = "national-cert",
			       .contacts = "[{\"email\":\"cirt@cirt.me\"}]"};
	assert_int_equal(store_org_add(s, &o, &me), RCX_OK);
	o = (struct store_org){.name = VICTIM, .country = "RS", .kind = "oes", .contacts = "[{\"email\":\"it@bank.rs\"}]"};
	assert_int_equal(store_org_add(s, &o, &bank), RCX_OK);

	struct incident_pseudonym_key key;
	assert_int_equal(incident_pseudonym_key_parse(
				 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", &key),
			 RCX_OK);
	struct incident_notify n = {.may_see = test_may_see, .key = &key};
	char pseudonym[INCIDENT_PSEUDONYM_BUF];
	assert_int_equal(incident_pseudonym_make(&key, VICTIM, pseudonym), RCX_OK);
	visible_to = hr;
	incident_notify_install(&n);

	struct incident_deadline_config dl;
	assert_int_equal(incident_deadline_config_load(NULL, "RS", &dl, NULL), RCX_OK);
	struct incident_actor who = {0};
	char *why = NULL;
	struct store_incident in = {
		.title = "Phishing against " VICTIM,
		.description = VICTIM " customers are phished",
		.countries = "RS,HR",
		.affected_org = bank,
		.severity = "high",
		.loss_amount = -1,
		.label = {.owner_org = rs, .tlp = RCX_TLP_GREEN, .dist = RCX_DIST_ORG},
	};
	assert_int_equal(incident_case_create(s, &who, &dl, &in, &id, NULL, &why), RCX_OK);
	struct collect *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	assert_int_equal(store_outbox_list(s, 0, 0, true, 0, collect_row, c), RCX_OK);
	/* the owner's 24x7 contact only (a preferred role), then CERT.hr's one address */
	assert_int_equal(c->n, 2);
	assert_string_equal(c->to[0], "soc@cert.rs");
	assert_non_null(strstr(c->text[0], VICTIM));
	assert_string_equal(c->to[1], "duty@cert.hr");
	assert_false(contains_ci(c->text[1], "Banka"));
	assert_non_null(strstr(c->text[1], pseudonym));

	/* a new country: its CERT, which may not see the incident, learns only that it exists */
	assert_int_equal(incident_case_cross_border(s, &who, id, "ME", "x.me routes to CIRT.me", &why), RCX_OK);
	/* marking it again, or a listed country, queues nothing more */
	assert_int_equal(incident_case_cross_border(s, &who, id, "ME", "again", &why), RCX_OK);
	assert_int_equal(incident_case_cross_border(s, &who, id, "HR", "listed", &why), RCX_OK);
	memset(c, 0, sizeof(*c));
	assert_int_equal(store_outbox_list(s, 0, 0, true, 0, collect_row, c), RCX_OK);
	assert_int_equal(c->n, 3);
	assert_string_equal(c->to[2], "cirt@cirt.me");
	assert_false(contains_ci(c->text[2], "Banka"));
	assert_null(strstr(c->text[2], pseudonym));
	assert_non_null(strstr(c->text[2], "not shared with your organisation"));

	/* a change that fails queues nothing: a bad country is refused before anything is stored */
	assert_int_not_equal(incident_case_cross_border(s, &who, id, "X", "bad", &why), RCX_OK);
	free(why);
	why = NULL;
	uint64_t pending = 0;
	assert_int_equal(store_outbox_pending(s, &pending), RCX_OK);
	assert_int_equal(pending, 3);
	/* without a notifier nothing is queued */
	incident_notify_install(NULL);
	assert_int_equal(incident_case_create(s, &who, &dl, &in, &id, NULL, &why), RCX_OK);
	assert_int_equal(store_outbox_pending(s, &pending), RCX_OK);
	assert_int_equal(pending, 3);
	free(c);
}

#define BOTH(t) ON(0, t), ON(1, t)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compose_owner),
		cmocka_unit_test(test_compose_foreign_never_names_victim),
		cmocka_unit_test(test_message_form),
		cmocka_unit_test(test_backoff),
		BOTH(test_outbox),
		BOTH(test_drain_failure_kept),
		BOTH(test_queue_on_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
