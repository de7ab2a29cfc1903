/* Accounts, sharing and the audit chain over a real SQLite store: passwords, API keys, sessions,
 * viewers, organisation and user validation, who may share, the audit hash chain with tampering,
 * and the batched audit writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/event.h"
#include "core/time.h"
#include "trust/trust.h"
#include "trust/trust_account.h"
#include "trust/trust_audit.h"
#include "trust/trust_org.h"
#include "trust/trust_share.h"

#define PW "correct horse battery"

struct fx {
	char path[64];
	struct store *s;
	int64_t org_a, org_b, org_c; /* A is the node's first organisation; C is served by B */
	int64_t admin_a, analyst_a, reader_b, reporter_a;
};

static int setup(void **state)
{
	setenv("RCX_PWHASH_COST", "min", 1);
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "/tmp/rcx-trust-test-%d.db", (int)getpid());
	unlink(f->path);
	assert_int_equal(store_open(f->path, false, &f->s), RCX_OK);
	char *why = NULL;
	struct trust_org_spec a = {.name = "CERT-A", .country = "HR", .kind = "national-cert"};
	struct trust_org_spec b = {.name = "CERT-B", .country = "RS", .kind = "national-cert"};
	struct trust_org_spec c = {.name = "Bank C", .country = "RS", .kind = "oes", .sector = "banking", .parent = "CERT-B",
				   .contacts = "[{\"name\":\"SOC\",\"email\":\"soc@c.example\"}]"};
	assert_int_equal(trust_org_add(f->s, &a, &f->org_a, &why), RCX_OK);
	assert_int_equal(trust_org_add(f->s, &b, &f->org_b, &why), RCX_OK);
	assert_int_equal(trust_org_add(f->s, &c, &f->org_c, &why), RCX_OK);
	assert_int_equal(trust_user_add(f->s, "Admin@A.example", "Ana", f->org_a, TRUST_ROLE_ADMIN, PW, &f->admin_a, &why),
			 RCX_OK);
	assert_int_equal(trust_user_add(f->s, "analyst@a.example", NULL, f->org_a, TRUST_ROLE_ANALYST, PW, &f->analyst_a,
					&why),
			 RCX_OK);
	assert_int_equal(trust_user_add(f->s, "reader@b.example", NULL, f->org_b, TRUST_ROLE_READONLY, PW, &f->reader_b,
					&why),
			 RCX_OK);
	assert_int_equal(trust_user_add(f->s, "reporter@a.example", NULL, f->org_a, TRUST_ROLE_REPORTER, PW,
					&f->reporter_a, &why),
			 RCX_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	char p[80];
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static void test_passwords(void **state)
{
	(void)state;
	char h[TRUST_PWHASH_LEN];
	assert_int_equal(trust_password_hash("short", h), RCX_EINVAL);
	assert_int_equal(trust_password_hash(PW, h), RCX_OK);
	assert_non_null(strstr(h, "$argon2id$"));
	assert_int_equal(trust_password_verify(h, PW), RCX_OK);
	assert_int_equal(trust_password_verify(h, PW "!"), RCX_EDENIED);
	assert_int_equal(trust_password_verify("garbage", PW), RCX_EDENIED);
	assert_int_equal(trust_password_verify(NULL, PW), RCX_EDENIED);
}

static void test_login(void **state)
{
	struct fx *f = *state;
	struct trust_principal p;
	assert_int_equal(trust_auth_password(f->s, "admin@a.example", PW, &p), RCX_OK); /* case-insensitive e-mail */
	assert_int_equal(p.viewer.user, f->admin_a);
	assert_true(p.viewer.node_admin);
	assert_int_equal(trust_auth_password(f->s, "admin@a.example", "wrong password", &p), RCX_EDENIED);
	assert_int_equal(trust_auth_password(f->s, "nobody@a.example", PW, &p), RCX_EDENIED);
	/* the admin of another organisation is not the node's admin; the client's parent is known */
	int64_t admin_c;
	char *why = NULL;
	assert_int_equal(trust_user_add(f->s, "admin@c.example", NULL, f->org_c, TRUST_ROLE_ADMIN, PW, &admin_c, &why),
			 RCX_OK);
	assert_int_equal(trust_auth_password(f->s, "admin@c.example", PW, &p), RCX_OK);
	assert_false(p.viewer.node_admin);
	assert_int_equal(p.viewer.parent_org, f->org_b);
	/* disabled users cannot log in */
	struct trust_user_change ch = {.role = -1, .disabled = 1};
	assert_int_equal(trust_user_set(f->s, "admin@c.example", &ch, NULL, &why), RCX_OK);
	assert_int_equal(trust_auth_password(f->s, "admin@c.example", PW, &p), RCX_EDENIED);
}

static void test_apikeys(void **state)
{
	struct fx *f = *state;
	char key[TRUST_APIKEY_LEN];
	int64_t id;
	assert_int_equal(trust_apikey_create(f->s, f->analyst_a, "ci", 0, key, &id), RCX_OK);
	assert_int_equal(strncmp(key, "rcx_", 4), 0);
	struct trust_principal p;
	assert_int_equal(trust_auth_apikey(f->s, key, &p), RCX_OK);
	assert_int_equal(p.viewer.user, f->analyst_a);
	assert_int_equal(p.viewer.role, TRUST_ROLE_ANALYST);
	/* one changed character, a truncated key, garbage */
	char bad[TRUST_APIKEY_LEN];
	memcpy(bad, key, sizeof(bad));
	bad[strlen(bad) - 1] ^= 1;
	assert_int_equal(trust_auth_apikey(f->s, bad, &p), RCX_EDENIED);
	bad[20] = '\0';
	assert_int_equal(trust_auth_apikey(f->s, bad, &p), RCX_EDENIED);
	assert_int_equal(trust_auth_apikey(f->s, "Bearer nonsense", &p), RCX_EDENIED);
	/* the store keeps no secret: the key's text is nowhere in the database file */
	store_close(f->s);
	FILE *fp = fopen(f->path, "rb");
	assert_non_null(fp);
	static char buf[1 << 22];
	size_t n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	assert_null(memmem(buf, n, key + 17, 32));
	assert_int_equal(store_open(f->path, false, &f->s), RCX_OK);
	/* revoked */
	assert_int_equal(store_apikey_revoke(f->s, id), RCX_OK);
	assert_int_equal(trust_auth_apikey(f->s, key, &p), RCX_EDENIED);
	/* expired */
	assert_int_equal(trust_apikey_create(f->s, f->analyst_a, "short", 1 /* long past */, key, &id), RCX_OK);
	assert_int_equal(trust_auth_apikey(f->s, key, &p), RCX_EDENIED);
}

static void test_sessions(void **state)
{
	struct fx *f = *state;
	char token[TRUST_TOKEN_LEN], csrf[TRUST_TOKEN_LEN];
	assert_int_equal(trust_session_create(f->s, f->reader_b, 0, token, csrf), RCX_OK);
	struct trust_principal p;
	assert_int_equal(trust_auth_session(f->s, token, &p), RCX_OK);
	assert_true(p.via_session);
	assert_string_equal(p.csrf, csrf);
	assert_int_equal(p.viewer.org, f->org_b);
	assert_int_equal(trust_auth_session(f->s, csrf, &p), RCX_EDENIED); /* the CSRF token is not a session */
	/* a session past its lifetime is gone */
	assert_int_equal(trust_session_create(f->s, f->reader_b, 1000, token, csrf), RCX_OK);
	usleep(5000);
	assert_int_equal(trust_auth_session(f->s, token, &p), RCX_EDENIED);
	assert_int_equal(trust_session_create(f->s, f->reader_b, 0, token, csrf), RCX_OK);
	assert_int_equal(trust_session_end(f->s, token), RCX_OK);
	assert_int_equal(trust_auth_session(f->s, token, &p), RCX_EDENIED);
}

static void test_validation(void **state)
{
	struct fx *f = *state;
	assert_true(trust_country_valid("XK"));
	assert_true(trust_country_valid("MK"));
	assert_false(trust_country_valid("XX"));
	assert_false(trust_country_valid("hr"));
	assert_true(trust_org_kind_valid("law-enforcement"));
	assert_false(trust_org_kind_valid("bank"));
	assert_true(trust_sector_valid("health"));
	assert_false(trust_sector_valid("retail"));
	assert_true(trust_email_valid("a.b@c.example"));
	assert_false(trust_email_valid("a@b"));
	assert_false(trust_email_valid("a b@c.example"));
	assert_false(trust_email_valid("@c.example"));
	char *why = NULL;
	int64_t id;
	struct trust_org_spec bad_cc = {.name = "X", .country = "YY", .kind = "other"};
	assert_int_equal(trust_org_add(f->s, &bad_cc, &id, &why), RCX_EINVAL);
	assert_non_null(why);
	free(why);
	why = NULL;
	struct trust_org_spec dup = {.name = "CERT-A", .country = "HR", .kind = "other"};
	assert_int_equal(trust_org_add(f->s, &dup, &id, &why), RCX_EEXIST);
	free(why);
	why = NULL;
	struct trust_org_spec bad_contacts = {.name = "Y", .country = "AL", .kind = "other", .contacts = "[{\"pager\":1}]"};
	assert_int_equal(trust_org_add(f->s, &bad_contacts, &id, &why), RCX_EINVAL);
	free(why);
	why = NULL;
	struct trust_org_spec self_parent = {.name = "CERT-B", .parent = "CERT-B"};
	assert_int_equal(trust_org_set(f->s, &self_parent, &id, &why), RCX_EINVAL);
	free(why);
	why = NULL;
	assert_int_equal(trust_user_add(f->s, "analyst@a.example", NULL, f->org_a, TRUST_ROLE_ANALYST, PW, &id, &why),
			 RCX_EEXIST);
	free(why);
	why = NULL;
	assert_int_equal(trust_user_add(f->s, "x@a.example", NULL, f->org_a, TRUST_ROLE_ANALYST, "short", &id, &why),
			 RCX_EINVAL);
	free(why);
	uint64_t n = 0;
	assert_int_equal(trust_count_users(f->s, &n), RCX_OK);
	assert_int_equal(n, 4);
}

/* Stores one event owned by org A and returns its id. */
static int64_t put_event(struct fx *f, const char *ip, const char *tlp)
{
	struct rcx_arena a = RCX_ARENA_INIT;
	struct event ev;
	event_init(&ev, &a);
	assert_int_equal(event_set_name(&ev, "source.ip", 9, ip, strlen(ip)), RCX_OK);
	assert_int_equal(event_set_name(&ev, "time.source", 11, "2026-11-01T00:00:00Z", 20), RCX_OK);
	assert_int_equal(event_set_name(&ev, "classification.type", 19, "scanner", 7), RCX_OK);
	assert_int_equal(event_set_name(&ev, "tlp", 3, tlp, strlen(tlp)), RCX_OK);
	assert_int_equal(event_set_name(&ev, "rcx.org", 7, "CERT-A", 6), RCX_OK);
	assert_int_equal(event_set_name(&ev, "rcx.distribution", 16, "node", 4), RCX_OK);
	enum store_put_status st;
	int64_t id = 0;
	assert_int_equal(store_event_put(f->s, &ev, 0, &st, &id), RCX_OK);
	rcx_arena_free(&a);
	return id;
}

static void test_share(void **state)
{
	struct fx *f = *state;
	int64_t id = put_event(f, "192.0.2.7", "amber");
	struct trust_viewer analyst_a, reader_b, reporter_a;
	struct store_user u;
	assert_int_equal(store_user_get_id(f->s, f->analyst_a, &u), RCX_OK);
	assert_int_equal(trust_viewer_of_user(f->s, &u, &analyst_a), RCX_OK);
	assert_int_equal(store_user_get_id(f->s, f->reader_b, &u), RCX_OK);
	assert_int_equal(trust_viewer_of_user(f->s, &u, &reader_b), RCX_OK);
	assert_int_equal(store_user_get_id(f->s, f->reporter_a, &u), RCX_OK);
	assert_int_equal(trust_viewer_of_user(f->s, &u, &reporter_a), RCX_OK);
	struct rcx_label l;
	assert_int_equal(store_event_label_get(f->s, id, &l), RCX_OK);
	assert_false(trust_visible(&reader_b, &l));

	struct trust_share sh = {.tlp = RCX_TLP_AMBER, .dist = RCX_DIST_NODE, .n_orgs = 1};
	sh.orgs[0] = f->org_b;
	char *why = NULL;
	/* a foreign reader who cannot see it: not found; the owner's reporter: denied */
	assert_int_equal(trust_event_share(f->s, &reader_b, id, &sh, &why), RCX_ENOTFOUND);
	assert_int_equal(trust_event_share(f->s, &reporter_a, id, &sh, &why), RCX_ENOTFOUND);
	free(why);
	why = NULL;
	/* the owner's analyst names CERT-B: now CERT-B's reader sees it */
	assert_int_equal(trust_event_share(f->s, &analyst_a, id, &sh, &why), RCX_OK);
	assert_int_equal(store_event_label_get(f->s, id, &l), RCX_OK);
	assert_true(trust_visible(&reader_b, &l));
	/* ... but still may not share it onwards */
	assert_int_equal(trust_event_share(f->s, &reader_b, id, &sh, &why), RCX_EDENIED);
	free(why);
	why = NULL;
	/* RED without named users, a group the owner is not in, an unknown recipient */
	struct trust_share red = {.tlp = RCX_TLP_RED, .dist = RCX_DIST_NODE};
	assert_int_equal(trust_event_share(f->s, &analyst_a, id, &red, &why), RCX_EINVAL);
	free(why);
	why = NULL;
	struct trust_share grp = {.tlp = RCX_TLP_AMBER, .dist = RCX_DIST_GROUP, .group = 999};
	assert_int_equal(trust_event_share(f->s, &analyst_a, id, &grp, &why), RCX_EINVAL);
	free(why);
	why = NULL;
	struct trust_share ghost = {.tlp = RCX_TLP_AMBER, .dist = RCX_DIST_NODE, .n_orgs = 1};
	ghost.orgs[0] = 424242;
	assert_int_equal(trust_event_share(f->s, &analyst_a, id, &ghost, &why), RCX_EINVAL);
	free(why);
}

/* Rewrites the audit table of the test's database through SQLite directly, as an attacker would. */
static void tamper(struct fx *f, const char *sql)
{
	store_close(f->s);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(f->path, false, &f->s), RCX_OK);
}

#define AUDIT_COLS "seq, time, actor, action, object, detail, prev, hash"

static void test_audit_chain(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 6; i++) {
		char obj[16];
		snprintf(obj, sizeof(obj), "event:%d", i);
		assert_int_equal(trust_audit_append(f->s, "user:1 a@a.example", "read", obj, "{\"count\":1}"), RCX_OK);
	}
	struct trust_audit_report rep;
	assert_int_equal(trust_audit_verify(f->s, &rep), RCX_OK);
	assert_int_equal(rep.problem, TRUST_AUDIT_OK);
	assert_int_equal(rep.entries, 6);

	/* edited */
	tamper(f, "UPDATE audit SET actor = 'someone else' WHERE seq = 4");
	assert_int_equal(trust_audit_verify(f->s, &rep), RCX_OK);
	assert_int_equal(rep.problem, TRUST_AUDIT_EDITED);
	assert_int_equal(rep.seq, 4);
	tamper(f, "UPDATE audit SET actor = 'user:1 a@a.example' WHERE seq = 4");
	assert_int_equal(trust_audit_verify(f->s, &rep), RCX_OK);
	assert_int_equal(rep.problem, TRUST_AUDIT_OK);
	/* reordered: entries 3 and 4 swap places in storage order */
	tamper(f, "CREATE TABLE t AS SELECT * FROM audit WHERE seq IN (3,4,5,6) ORDER BY seq;"
		  "DELETE FROM audit WHERE seq >= 3;"
		  "INSERT INTO audit(" AUDIT_COLS ") SELECT " AUDIT_COLS " FROM t WHERE seq = 4;"
		  "INSERT INTO audit(" AUDIT_COLS ") SELECT " AUDIT_COLS " FROM t WHERE seq = 3;"
		  "INSERT INTO audit(" AUDIT_COLS ") SELECT " AUDIT_COLS " FROM t WHERE seq >= 5 ORDER BY seq;"
		  "DROP TABLE t;");
	assert_int_equal(trust_audit_verify(f->s, &rep), RCX_OK);
	assert_int_equal(rep.problem, TRUST_AUDIT_REORDERED);
	assert_int_equal(rep.seq, 4);
	/* removed */
	tamper(f, "DELETE FROM audit WHERE seq = 3");
	assert_int_equal(trust_audit_verify(f->s, &rep), RCX_OK);
	assert_int_equal(rep.problem, TRUST_AUDIT_REMOVED);
	assert_int_equal(rep.expected_seq, 3);
}

static void test_audit_writer(void **state)
{
	struct fx *f = *state;
	struct trust_audit_writer *w;
	assert_int_equal(trust_audit_writer_start(f->path, &w), RCX_OK);
	/* interleave queued reads, waited changes, and direct appends from another handle */
	for (int i = 0; i < 500; i++) {
		assert_int_equal(trust_audit_writer_add(w, "user:2", i % 50 ? "read" : "org.update", "x", NULL, i % 50 == 0),
				 RCX_OK);
		if (i % 100 == 7)
			assert_int_equal(trust_audit_append(f->s, "cli", "user.add", "user:9", NULL), RCX_OK);
	}
	trust_audit_writer_stop(w);
	struct trust_audit_report rep;
	assert_int_equal(trust_audit_verify(f->s, &rep), RCX_OK);
	assert_int_equal(rep.problem, TRUST_AUDIT_OK);
	assert_int_equal(rep.entries, 505);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwords),
		cmocka_unit_test_setup_teardown(test_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apikeys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_share, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_writer, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
