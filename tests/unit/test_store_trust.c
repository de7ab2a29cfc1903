/* Conformance suite of the store's accounts and sharing operations (the "trust" part of struct
 * store_ops), run against each implementation like tests/unit/test_store.c: organisations, users,
 * API keys, sessions, sharing groups, event labels, the audit log, transactions over all of them,
 * and the store-level visibility matrix — for viewers of every role of every organisation, an
 * anonymous viewer and a federation peer, event_query and event_count with flt->vis must return
 * exactly the events trust_visible() admits for the labels event_label_get reports.
 * SQLite-only tests cover the migration of a version-1 file and the name cache across handles. */
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
#include <unistd.h>

#include "core/arena.h"
#include "core/event.h"
#include "core/label.h"
#include "core/limits.h"
#include "core/text.h"
#include "core/time.h"
#include "store/store.h"
#include "trust/trust.h"

#include "store_fixture.h"

static int64_t put_new(struct fixture *f, const struct event *ev)
{
	enum store_put_status st = STORE_PUT_DUPLICATE;
	int64_t id = 0;
	assert_int_equal(store_event_put(f->s, ev, 0, &st, &id), RCX_OK);
	assert_int_equal(st, STORE_PUT_NEW);
	return id;
}

static int64_t org_add(struct fixture *f, const char *name, int64_t parent)
{
	int64_t id = 0;
	struct store_org o = {.name = name, .country = "AL", .kind = "other", .parent = parent};
	assert_int_equal(store_org_add(f->s, &o, &id), RCX_OK);
	return id;
}

static int64_t user_add(struct fixture *f, const char *email, int64_t org, int role)
{
	int64_t id = 0;
	struct store_user u = {.email = email, .name = email, .org = org, .role = role};
	assert_int_equal(store_user_add(f->s, &u, &id), RCX_OK);
	return id;
}

static int64_t group_add(struct fixture *f, const char *name, int64_t owner)
{
	int64_t id = 0;
	struct store_group g = {.name = name, .description = "test group", .owner_org = owner};
	assert_int_equal(store_group_add(f->s, &g, &id), RCX_OK);
	return id;
}

/* ---- collecting listings ---- */

#define MAX_IDS 512

struct ids {
	size_t n;
	int64_t id[MAX_IDS];
	char text[MAX_IDS][48]; /* a string of the row (email, prefix, name ...) */
	bool flag[MAX_IDS];     /* revoked, disabled ... */
};

static enum rcx_result ids_id(void *ctx, int64_t id)
{
	struct ids *r = ctx;
	assert_true(r->n < MAX_IDS);
	r->id[r->n++] = id;
	return RCX_OK;
}

static enum rcx_result ids_org(void *ctx, const struct store_org *o)
{
	struct ids *r = ctx;
	snprintf(r->text[r->n], sizeof(r->text[0]), "%s", o->name);
	return ids_id(ctx, o->id);
}

static enum rcx_result ids_user(void *ctx, const struct store_user *u)
{
	struct ids *r = ctx;
	snprintf(r->text[r->n], sizeof(r->text[0]), "%s", u->email);
	r->flag[r->n] = u->disabled;
	return ids_id(ctx, u->id);
}

static enum rcx_result ids_key(void *ctx, const struct store_apikey *k)
{
	struct ids *r = ctx;
	snprintf(r->text[r->n], sizeof(r->text[0]), "%s", k->prefix);
	r->flag[r->n] = k->revoked;
	return ids_id(ctx, k->id);
}

static enum rcx_result ids_group(void *ctx, const struct store_group *g)
{
	struct ids *r = ctx;
	snprintf(r->text[r->n], sizeof(r->text[0]), "%s", g->name);
	return ids_id(ctx, g->id);
}

static enum rcx_result ids_audit(void *ctx, const struct store_audit *e)
{
	struct ids *r = ctx;
	snprintf(r->text[r->n], sizeof(r->text[0]), "%s %s %s", e->actor, e->action, e->object);
	return ids_id(ctx, e->seq);
}

static enum rcx_result ids_event(void *ctx, const struct event *ev)
{
	int64_t id;
	assert_non_null(ev->f[EF_RCX_ID]);
	assert_int_equal(rcx_parse_i64(ev->f[EF_RCX_ID], strlen(ev->f[EF_RCX_ID]), &id), RCX_OK);
	return ids_id(ctx, id);
}

static struct ids *ids_new(void)
{
	struct ids *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	return r;
}

#define ASSERT_IDS(r, ...)                                                                    \
	do {                                                                                  \
		const int64_t want_[] = {__VA_ARGS__};                                        \
		assert_int_equal((r)->n, sizeof(want_) / sizeof(want_[0]));                   \
		for (size_t i_ = 0; i_ < (r)->n; i_++)                                        \
			assert_int_equal((r)->id[i_], want_[i_]);                             \
	} while (0)

/* ---- organisations ---- */

static void test_org_details(void **state)
{
	struct fixture *f = *state;
	int64_t cert = 0, bank = 0;
	struct store_org a = {.name = "CERT-AL", .country = "AL", .kind = "national-cert",
			      .contacts = "[{\"name\":\"Duty\",\"email\":\"duty@cert.al\"}]", .created_us = 1700000000000000};
	assert_int_equal(store_org_add(f->s, &a, &cert), RCX_OK);
	struct store_org b = {.name = "Bank", .country = "AL", .kind = "oes", .sector = "banking", .parent = cert};
	assert_int_equal(store_org_add(f->s, &b, &bank), RCX_OK);
	struct store_org bad = {.name = "Orphan", .parent = 999};
	int64_t id = 42;
	assert_int_equal(store_org_add(f->s, &bad, &id), RCX_ENOTFOUND);
	assert_int_equal(id, 42);

	struct store_org got = {.id = 5};
	assert_int_equal(store_org_get_id(f->s, 999, &got), RCX_ENOTFOUND);
	assert_int_equal(got.id, 5);
	assert_int_equal(store_org_get_id(f->s, bank, &got), RCX_OK);
	assert_string_equal(got.name, "Bank");
	assert_string_equal(got.sector, "banking");
	assert_int_equal(got.parent, cert);
	assert_null(got.contacts);
	assert_true(got.created_us > 0); /* 0 given: now */
	assert_int_equal(store_org_get(f->s, "CERT-AL", &got), RCX_OK);
	assert_int_equal(got.id, cert);
	assert_null(got.sector);
	assert_int_equal(got.parent, 0);
	assert_string_equal(got.contacts, "[{\"name\":\"Duty\",\"email\":\"duty@cert.al\"}]");
	assert_int_equal(got.created_us, 1700000000000000);

	struct ids *r = ids_new();
	assert_int_equal(store_org_list(f->s, ids_org, r), RCX_OK);
	ASSERT_IDS(r, cert, bank);
	assert_string_equal(r->text[1], "Bank");

	/* update replaces everything but the name; the argument may be the row org_get returned */
	assert_int_equal(store_org_get_id(f->s, bank, &got), RCX_OK);
	got.name = "Renamed";
	got.country = "XK";
	got.sector = NULL;
	got.contacts = "[]";
	got.parent = 0;
	assert_int_equal(store_org_update(f->s, &got), RCX_OK);
	assert_int_equal(store_org_get(f->s, "Bank", &got), RCX_OK);
	assert_string_equal(got.country, "XK");
	assert_string_equal(got.kind, "oes");
	assert_null(got.sector);
	assert_string_equal(got.contacts, "[]");
	assert_int_equal(got.parent, 0);
	assert_int_equal(store_org_get(f->s, "Renamed", &got), RCX_ENOTFOUND);
	/* a parent must be another existing organisation */
	struct store_org upd = {.id = bank, .parent = bank};
	assert_int_equal(store_org_update(f->s, &upd), RCX_EINVAL);
	upd.parent = 77;
	assert_int_equal(store_org_update(f->s, &upd), RCX_ENOTFOUND);
	upd = (struct store_org){.id = 77};
	assert_int_equal(store_org_update(f->s, &upd), RCX_ENOTFOUND);
	free(r);
}

/* ---- users ---- */

static void test_users(void **state)
{
	struct fixture *f = *state;
	int64_t al = org_add(f, "CERT-AL", 0), me = org_add(f, "CERT-ME", 0);
	int64_t u1 = 0, u2 = 0, u3 = 0, bad = 42;
	struct store_user a = {.email = "Ana.Analyst@CERT.al", .name = "Ana", .org = al, .role = TRUST_ROLE_ANALYST,
			       .pwhash = "$argon2id$v=19$fake"};
	assert_int_equal(store_user_add(f->s, &a, &u1), RCX_OK);
	struct store_user b = {.email = "bob@cert.me", .org = me, .role = TRUST_ROLE_ADMIN};
	assert_int_equal(store_user_add(f->s, &b, &u2), RCX_OK);
	struct store_user c = {.email = "carol@cert.al", .name = "Carol", .org = al, .role = TRUST_ROLE_READONLY,
			       .disabled = true};
	assert_int_equal(store_user_add(f->s, &c, &u3), RCX_OK);
	assert_true(u1 > 0 && u2 > u1 && u3 > u2);
	/* the same address in other letters is the same address */
	struct store_user dup = {.email = "ana.analyst@cert.AL", .org = me};
	assert_int_equal(store_user_add(f->s, &dup, &bad), RCX_EEXIST);
	struct store_user noorg = {.email = "x@y.z", .org = 999};
	assert_int_equal(store_user_add(f->s, &noorg, &bad), RCX_ENOTFOUND);
	struct store_user noemail = {.email = "", .org = al};
	assert_int_equal(store_user_add(f->s, &noemail, &bad), RCX_EINVAL);
	assert_int_equal(bad, 42);

	struct store_user got = {.id = 9};
	assert_int_equal(store_user_get(f->s, "nobody@cert.al", &got), RCX_ENOTFOUND);
	assert_int_equal(got.id, 9);
	assert_int_equal(store_user_get(f->s, "ANA.ANALYST@cert.al", &got), RCX_OK);
	assert_int_equal(got.id, u1);
	assert_string_equal(got.email, "ana.analyst@cert.al"); /* stored lowercase */
	assert_string_equal(got.name, "Ana");
	assert_int_equal(got.org, al);
	assert_int_equal(got.role, TRUST_ROLE_ANALYST);
	assert_string_equal(got.pwhash, "$argon2id$v=19$fake");
	assert_false(got.disabled);
	assert_true(got.created_us > 0);
	/* looking up with the string the last call returned */
	assert_int_equal(store_user_get(f->s, got.email, &got), RCX_OK);
	assert_int_equal(got.id, u1);
	assert_int_equal(store_user_get_id(f->s, u2, &got), RCX_OK);
	assert_string_equal(got.email, "bob@cert.me");
	assert_null(got.name);
	assert_null(got.pwhash);
	assert_int_equal(store_user_get_id(f->s, 999, &got), RCX_ENOTFOUND);

	struct ids *r = ids_new();
	assert_int_equal(store_user_list(f->s, al, ids_user, r), RCX_OK);
	ASSERT_IDS(r, u1, u3);
	assert_true(r->flag[1]);
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_user_list(f->s, 0, ids_user, r), RCX_OK);
	ASSERT_IDS(r, u1, u2, u3);
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_user_list(f->s, 999, ids_user, r), RCX_OK);
	assert_int_equal(r->n, 0);

	/* update: name, role, pwhash, disabled; email and organisation stay */
	struct store_user upd = {.id = u3, .email = "ignored@x", .name = "Carol C.", .org = me,
				 .role = TRUST_ROLE_ADMIN, .pwhash = "$argon2id$new", .disabled = false};
	assert_int_equal(store_user_update(f->s, &upd), RCX_OK);
	assert_int_equal(store_user_get_id(f->s, u3, &got), RCX_OK);
	assert_string_equal(got.email, "carol@cert.al");
	assert_string_equal(got.name, "Carol C.");
	assert_int_equal(got.org, al);
	assert_int_equal(got.role, TRUST_ROLE_ADMIN);
	assert_string_equal(got.pwhash, "$argon2id$new");
	assert_false(got.disabled);
	/* the row just returned, given back */
	got.disabled = true;
	assert_int_equal(store_user_update(f->s, &got), RCX_OK);
	assert_int_equal(store_user_get(f->s, "carol@cert.al", &got), RCX_OK);
	assert_true(got.disabled);
	assert_string_equal(got.name, "Carol C.");
	upd.id = 999;
	assert_int_equal(store_user_update(f->s, &upd), RCX_ENOTFOUND);
	free(r);
}

/* ---- API keys ---- */

static void test_apikeys(void **state)
{
	struct fixture *f = *state;
	int64_t org = org_add(f, "CERT-AL", 0);
	int64_t ana = user_add(f, "ana@cert.al", org, TRUST_ROLE_ANALYST);
	int64_t bob = user_add(f, "bob@cert.al", org, TRUST_ROLE_ADMIN);
	int64_t k1 = 0, k2 = 0, k3 = 0, bad = 42;
	struct store_apikey a = {.user = ana, .prefix = "0a1b2c3d4e5f", .label = "ingest bot",
				 .expires_us = 1900000000000000};
	for (int i = 0; i < 32; i++)
		a.hash[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(store_apikey_add(f->s, &a, &k1), RCX_OK);
	struct store_apikey b = {.user = bob, .prefix = "ffffffffffff"};
	assert_int_equal(store_apikey_add(f->s, &b, &k2), RCX_OK);
	struct store_apikey c = {.user = ana, .prefix = "aaaaaaaaaaaa", .label = "old"};
	assert_int_equal(store_apikey_add(f->s, &c, &k3), RCX_OK);
	assert_int_equal(store_apikey_add(f->s, &a, &bad), RCX_EEXIST);
	struct store_apikey nouser = {.user = 999, .prefix = "123456789012"};
	assert_int_equal(store_apikey_add(f->s, &nouser, &bad), RCX_ENOTFOUND);
	struct store_apikey noprefix = {.user = ana};
	assert_int_equal(store_apikey_add(f->s, &noprefix, &bad), RCX_EINVAL);
	assert_int_equal(bad, 42);

	struct store_apikey got = {.id = 3};
	assert_int_equal(store_apikey_get(f->s, "000000000000", &got), RCX_ENOTFOUND);
	assert_int_equal(got.id, 3);
	assert_int_equal(store_apikey_get(f->s, "0a1b2c3d4e5f", &got), RCX_OK);
	assert_int_equal(got.id, k1);
	assert_int_equal(got.user, ana);
	assert_string_equal(got.prefix, "0a1b2c3d4e5f");
	assert_memory_equal(got.hash, a.hash, 32);
	assert_string_equal(got.label, "ingest bot");
	assert_int_equal(got.expires_us, 1900000000000000);
	assert_true(got.created_us > 0);
	assert_false(got.revoked);

	assert_int_equal(store_apikey_revoke(f->s, k3), RCX_OK);
	assert_int_equal(store_apikey_revoke(f->s, k3), RCX_OK); /* twice is fine */
	assert_int_equal(store_apikey_revoke(f->s, 999), RCX_ENOTFOUND);
	struct ids *r = ids_new();
	assert_int_equal(store_apikey_list(f->s, ana, ids_key, r), RCX_OK);
	ASSERT_IDS(r, k1, k3); /* revoked keys are still listed, marked */
	assert_false(r->flag[0]);
	assert_true(r->flag[1]);
	assert_string_equal(r->text[1], "aaaaaaaaaaaa");
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_apikey_list(f->s, 0, ids_key, r), RCX_OK);
	ASSERT_IDS(r, k1, k2, k3);
	assert_int_equal(store_apikey_get(f->s, "aaaaaaaaaaaa", &got), RCX_OK);
	assert_true(got.revoked);
	assert_string_equal(got.label, "old");
	free(r);
}

/* ---- sessions ---- */

static void test_sessions(void **state)
{
	struct fixture *f = *state;
	int64_t org = org_add(f, "CERT-AL", 0);
	int64_t ana = user_add(f, "ana@cert.al", org, TRUST_ROLE_ANALYST);
	int64_t now = rcx_time_now(), hour = INT64_C(3600000000);
	struct store_session live = {.user = ana, .csrf = "csrf-live", .created_us = now, .expires_us = now + hour};
	memset(live.token_hash, 0x11, 32);
	struct store_session old = {.user = ana, .csrf = "csrf-old", .created_us = now - 2 * hour,
				    .expires_us = now - hour};
	memset(old.token_hash, 0x22, 32);
	assert_int_equal(store_session_put(f->s, &old), RCX_OK);
	assert_int_equal(store_session_put(f->s, &live), RCX_OK);
	assert_int_equal(store_session_put(f->s, &live), RCX_EEXIST);
	struct store_session nouser = live;
	nouser.user = 999;
	nouser.token_hash[0] = 0x33;
	assert_int_equal(store_session_put(f->s, &nouser), RCX_ENOTFOUND);
	struct store_session noexpiry = live;
	noexpiry.expires_us = 0;
	noexpiry.token_hash[0] = 0x44;
	assert_int_equal(store_session_put(f->s, &noexpiry), RCX_EINVAL);

	struct store_session got = {.user = 5};
	assert_int_equal(store_session_get(f->s, old.token_hash, &got), RCX_ENOTFOUND); /* expired */
	assert_int_equal(got.user, 5);
	assert_int_equal(store_session_get(f->s, live.token_hash, &got), RCX_OK);
	assert_int_equal(got.user, ana);
	assert_string_equal(got.csrf, "csrf-live");
	assert_int_equal(got.created_us, now);
	assert_int_equal(got.expires_us, now + hour);
	assert_memory_equal(got.token_hash, live.token_hash, 32);
	/* an expired token is gone: the same hash may be used again */
	old.expires_us = now + hour;
	assert_int_equal(store_session_put(f->s, &old), RCX_OK);
	assert_int_equal(store_session_get(f->s, old.token_hash, &got), RCX_OK);
	assert_string_equal(got.csrf, "csrf-old");

	assert_int_equal(store_session_delete(f->s, live.token_hash), RCX_OK);
	assert_int_equal(store_session_get(f->s, live.token_hash, &got), RCX_ENOTFOUND);
	assert_int_equal(store_session_delete(f->s, live.token_hash), RCX_ENOTFOUND);
	assert_int_equal(store_session_get(f->s, old.token_hash, &got), RCX_OK);
}

/* ---- sharing groups ---- */

static void test_groups(void **state)
{
	struct fixture *f = *state;
	int64_t a = org_add(f, "A", 0), b = org_add(f, "B", 0), c = org_add(f, "C", 0);
	int64_t g1 = group_add(f, "balkan-finance", a), g2 = group_add(f, "energy", 0), g3 = 0, bad = 42;
	assert_true(g1 > 0 && g2 > g1);
	struct store_group dup = {.name = "energy"};
	assert_int_equal(store_group_add(f->s, &dup, &bad), RCX_EEXIST);
	struct store_group noowner = {.name = "x", .owner_org = 999};
	assert_int_equal(store_group_add(f->s, &noowner, &bad), RCX_ENOTFOUND);
	struct store_group noname = {.name = NULL};
	assert_int_equal(store_group_add(f->s, &noname, &bad), RCX_EINVAL);
	assert_int_equal(bad, 42);

	struct store_group got = {.id = 7};
	assert_int_equal(store_group_get(f->s, "nope", &got), RCX_ENOTFOUND);
	assert_int_equal(got.id, 7);
	assert_int_equal(store_group_get(f->s, "balkan-finance", &got), RCX_OK);
	assert_int_equal(got.id, g1);
	assert_string_equal(got.name, "balkan-finance");
	assert_string_equal(got.description, "test group");
	assert_int_equal(got.owner_org, a);
	assert_true(got.created_us > 0);
	struct ids *r = ids_new();
	assert_int_equal(store_group_list(f->s, ids_group, r), RCX_OK);
	ASSERT_IDS(r, g1, g2);
	assert_string_equal(r->text[1], "energy");

	/* membership: adding twice and removing a non-member are fine */
	assert_int_equal(store_group_member_set(f->s, g1, c, true), RCX_OK);
	assert_int_equal(store_group_member_set(f->s, g1, a, true), RCX_OK);
	assert_int_equal(store_group_member_set(f->s, g1, a, true), RCX_OK);
	assert_int_equal(store_group_member_set(f->s, g2, c, true), RCX_OK);
	assert_int_equal(store_group_member_set(f->s, g1, b, false), RCX_OK);
	assert_int_equal(store_group_member_set(f->s, 999, a, true), RCX_ENOTFOUND);
	assert_int_equal(store_group_member_set(f->s, g1, 999, true), RCX_ENOTFOUND);
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_group_members(f->s, g1, ids_id, r), RCX_OK);
	ASSERT_IDS(r, a, c); /* ascending */
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_group_members(f->s, 999, ids_id, r), RCX_OK);
	assert_int_equal(r->n, 0);

	g3 = group_add(f, "ahead", c);
	assert_int_equal(store_group_member_set(f->s, g3, c, true), RCX_OK);
	int64_t gs[4] = {-1, -1, -1, -1};
	size_t n = 99;
	assert_int_equal(store_org_groups(f->s, c, gs, 4, &n), RCX_OK);
	assert_int_equal(n, 3);
	assert_int_equal(gs[0], g1);
	assert_int_equal(gs[1], g2);
	assert_int_equal(gs[2], g3);
	int64_t small[2] = {-1, -1};
	n = 99;
	assert_int_equal(store_org_groups(f->s, c, small, 2, &n), RCX_ELIMIT);
	assert_int_equal(n, 99);
	assert_int_equal(small[0], -1); /* untouched */
	assert_int_equal(store_org_groups(f->s, b, gs, 4, &n), RCX_OK);
	assert_int_equal(n, 0);

	/* removing, then adding again */
	assert_int_equal(store_group_member_set(f->s, g1, c, false), RCX_OK);
	assert_int_equal(store_org_groups(f->s, c, gs, 4, &n), RCX_OK);
	assert_int_equal(n, 2);
	assert_int_equal(gs[0], g2);
	assert_int_equal(store_group_member_set(f->s, g1, c, true), RCX_OK);
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_group_members(f->s, g1, ids_id, r), RCX_OK);
	ASSERT_IDS(r, a, c);
	free(r);
}

/* ---- event labels ---- */

/* The events of a query as JSON lines with the rcx.* meta fields. */
struct jrows {
	size_t n;
	char json[8][1024];
};

static enum rcx_result jrows_cb(void *ctx, const struct event *ev)
{
	struct jrows *r = ctx;
	assert_true(r->n < 8);
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	assert_int_equal(event_to_json(ev, EVENT_JSON_META, &b), RCX_OK);
	assert_true(b.len < sizeof(r->json[0]));
	memcpy(r->json[r->n++], b.data, b.len + 1);
	rcx_strbuf_free(&b);
	return RCX_OK;
}

static const char *event_json(struct fixture *f, int64_t id)
{
	static struct jrows r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_event_query(f->s, &(struct store_event_filter){.id = id}, jrows_cb, &r), RCX_OK);
	assert_int_equal(r.n, 1);
	return r.json[0];
}

static void test_labels(void **state)
{
	struct fixture *f = *state;
	int64_t owner = org_add(f, "CERT-AL", 0), rcpt = org_add(f, "CERT-ME", 0), other = org_add(f, "Other", 0);
	int64_t u1 = user_add(f, "u1@cert.me", rcpt, TRUST_ROLE_ANALYST);
	int64_t u2 = user_add(f, "u2@cert.me", rcpt, TRUST_ROLE_ANALYST);
	int64_t grp = group_add(f, "finance", owner);
	struct rcx_label l = {.tlp = RCX_TLP_RED};

	/* the label columns on the way in */
	int64_t e1 = put_new(f, mkev(f, "source.ip", "192.0.2.1", "rcx.org", "CERT-AL", NULL));
	int64_t e2 = put_new(f, mkev(f, "source.ip", "192.0.2.2", "rcx.org", "CERT-ME", "tlp", "green",
				     "rcx.distribution", "Group", "rcx.sharing_group", "finance", NULL));
	int64_t e3 = put_new(f, mkev(f, "source.ip", "192.0.2.3", "rcx.org", "Unknown Org", "tlp", "clear",
				     "rcx.distribution", "community", NULL));
	assert_int_equal(store_event_label_get(f->s, e1, &l), RCX_OK);
	assert_int_equal(l.owner_org, owner);
	assert_int_equal(l.creator, 0);
	assert_int_equal(l.tlp, RCX_TLP_AMBER); /* no tlp: amber */
	assert_int_equal(l.dist, RCX_DIST_ORG); /* no distribution: the organisation only */
	assert_int_equal(l.group, 0);
	assert_int_equal(l.n_orgs, 0);
	assert_int_equal(l.n_users, 0);
	assert_int_equal(store_event_label_get(f->s, e2, &l), RCX_OK);
	assert_int_equal(l.owner_org, rcpt);
	assert_int_equal(l.tlp, RCX_TLP_GREEN);
	assert_int_equal(l.dist, RCX_DIST_GROUP);
	assert_int_equal(l.group, grp);
	assert_int_equal(store_event_label_get(f->s, e3, &l), RCX_OK);
	assert_int_equal(l.owner_org, 0); /* unknown organisation */
	assert_int_equal(l.tlp, RCX_TLP_CLEAR);
	assert_int_equal(l.dist, RCX_DIST_FEDERATION);
	struct rcx_label untouched = {.owner_org = 77};
	assert_int_equal(store_event_label_get(f->s, 999, &untouched), RCX_ENOTFOUND);
	assert_int_equal(untouched.owner_org, 77);

	/* read back: the label fields come from the columns */
	const char *j = event_json(f, e1);
	assert_non_null(strstr(j, "\"tlp\": \"amber\""));
	assert_non_null(strstr(j, "\"rcx.distribution\": \"org\""));
	assert_null(strstr(j, "rcx.sharing_group"));
	j = event_json(f, e2);
	assert_non_null(strstr(j, "\"tlp\": \"green\""));
	assert_non_null(strstr(j, "\"rcx.distribution\": \"group\""));
	assert_non_null(strstr(j, "\"rcx.sharing_group\": \"finance\""));
	j = event_json(f, e3);
	assert_non_null(strstr(j, "\"rcx.distribution\": \"federation\""));

	/* refused on the way in, nothing stored: an unknown group, an unknown distribution */
	uint64_t n = 0;
	enum store_put_status st = STORE_PUT_NEW;
	int64_t id = 42;
	struct event *nogroup = mkev(f, "source.ip", "192.0.2.9", "rcx.distribution", "group", "rcx.sharing_group",
				     "no-such-group", NULL);
	assert_int_equal(store_event_put(f->s, nogroup, 0, &st, &id), RCX_ENOTFOUND);
	struct event *baddist = mkev(f, "source.ip", "192.0.2.9", "rcx.distribution", "everyone", NULL);
	assert_int_equal(store_event_put(f->s, baddist, 0, &st, &id), RCX_EINVAL);
	assert_int_equal(id, 42);
	assert_int_equal(store_event_count(f->s, &(struct store_event_filter){0}, &n), RCX_OK);
	assert_int_equal(n, 3);
	/* a duplicate keeps the stored event's label */
	assert_int_equal(store_event_put(f->s, mkev(f, "source.ip", "192.0.2.1", "rcx.org", "CERT-AL", "tlp", "red",
						    "rcx.distribution", "node", NULL),
					 0, &st, &id),
			 RCX_OK);
	assert_int_equal(st, STORE_PUT_DUPLICATE);
	assert_int_equal(id, e1);
	assert_int_equal(store_event_label_get(f->s, e1, &l), RCX_OK);
	assert_int_equal(l.tlp, RCX_TLP_AMBER);
	assert_int_equal(l.dist, RCX_DIST_ORG);

	/* set: TLP, distribution, group and recipients replaced (sorted, repeats dropped); owner kept */
	const int64_t orgs[] = {other, rcpt, other}, users[] = {u2, u1};
	struct rcx_label set = {.owner_org = 999, .creator = 5, .tlp = RCX_TLP_AMBER_STRICT, .dist = RCX_DIST_GROUP,
				.group = grp, .orgs = orgs, .n_orgs = 3, .users = users, .n_users = 2};
	assert_int_equal(store_event_label_set(f->s, e1, &set), RCX_OK);
	assert_int_equal(store_event_label_get(f->s, e1, &l), RCX_OK);
	assert_int_equal(l.owner_org, owner);
	assert_int_equal(l.creator, 0);
	assert_int_equal(l.tlp, RCX_TLP_AMBER_STRICT);
	assert_int_equal(l.dist, RCX_DIST_GROUP);
	assert_int_equal(l.group, grp);
	assert_int_equal(l.n_orgs, 2);
	assert_int_equal(l.orgs[0], rcpt);
	assert_int_equal(l.orgs[1], other);
	assert_int_equal(l.n_users, 2);
	assert_int_equal(l.users[0], u1);
	assert_int_equal(l.users[1], u2);
	j = event_json(f, e1);
	assert_non_null(strstr(j, "\"tlp\": \"amber+strict\""));
	assert_non_null(strstr(j, "\"rcx.distribution\": \"group\""));
	assert_non_null(strstr(j, "\"rcx.sharing_group\": \"finance\""));
	/* the label event_label_get returned, changed and given back (its arrays are the store's) */
	l.tlp = RCX_TLP_RED;
	l.dist = RCX_DIST_NODE;
	l.group = 0;
	l.n_orgs = 1;
	assert_int_equal(store_event_label_set(f->s, e1, &l), RCX_OK);
	assert_int_equal(store_event_label_get(f->s, e1, &l), RCX_OK);
	assert_int_equal(l.tlp, RCX_TLP_RED);
	assert_int_equal(l.n_orgs, 1);
	assert_int_equal(l.orgs[0], rcpt);
	assert_int_equal(l.n_users, 2);
	assert_int_equal(l.users[0], u1);
	j = event_json(f, e1);
	assert_non_null(strstr(j, "\"tlp\": \"red\""));
	assert_non_null(strstr(j, "\"rcx.distribution\": \"node\""));
	assert_null(strstr(j, "rcx.sharing_group")); /* removed, though the body never had it */
	/* replacing with nobody clears the lists */
	struct rcx_label plain = {.tlp = RCX_TLP_GREEN, .dist = RCX_DIST_NODE};
	assert_int_equal(store_event_label_set(f->s, e2, &plain), RCX_OK);
	assert_int_equal(store_event_label_get(f->s, e2, &l), RCX_OK);
	assert_int_equal(l.group, 0);
	assert_int_equal(l.n_orgs + l.n_users, 0);
	j = event_json(f, e2);
	assert_null(strstr(j, "rcx.sharing_group")); /* the body says finance; the column says none */

	/* refused, nothing changed */
	const int64_t nobody[] = {999}, zero[] = {0};
	struct rcx_label bad = {.tlp = RCX_TLP_CLEAR, .dist = RCX_DIST_FEDERATION};
	assert_int_equal(store_event_label_set(f->s, 999, &bad), RCX_ENOTFOUND);
	bad.orgs = nobody;
	bad.n_orgs = 1;
	assert_int_equal(store_event_label_set(f->s, e1, &bad), RCX_ENOTFOUND);
	bad.n_orgs = 0;
	bad.users = nobody;
	bad.n_users = 1;
	assert_int_equal(store_event_label_set(f->s, e1, &bad), RCX_ENOTFOUND);
	bad.users = zero;
	assert_int_equal(store_event_label_set(f->s, e1, &bad), RCX_EINVAL);
	bad.n_users = 0;
	bad.group = 999;
	assert_int_equal(store_event_label_set(f->s, e1, &bad), RCX_ENOTFOUND);
	bad.group = 0;
	bad.tlp = RCX_TLP_MAX;
	assert_int_equal(store_event_label_set(f->s, e1, &bad), RCX_EINVAL);
	bad.tlp = RCX_TLP_CLEAR;
	bad.dist = RCX_DIST_MAX;
	assert_int_equal(store_event_label_set(f->s, e1, &bad), RCX_EINVAL);
	bad.dist = RCX_DIST_ORG;
	int64_t *many = calloc(RCX_RECIPIENTS_MAX + 1, sizeof(*many));
	assert_non_null(many);
	for (size_t i = 0; i <= RCX_RECIPIENTS_MAX; i++)
		many[i] = owner;
	bad.orgs = many;
	bad.n_orgs = RCX_RECIPIENTS_MAX + 1;
	assert_int_equal(store_event_label_set(f->s, e1, &bad), RCX_ELIMIT);
	bad.n_orgs = RCX_RECIPIENTS_MAX; /* at the limit: fine (one after dropping repeats) */
	assert_int_equal(store_event_label_set(f->s, e3, &bad), RCX_OK);
	free(many);
	assert_int_equal(store_event_label_get(f->s, e1, &l), RCX_OK);
	assert_int_equal(l.tlp, RCX_TLP_RED);
	assert_int_equal(l.n_orgs, 1);
	assert_int_equal(l.n_users, 2);
	assert_int_equal(store_event_label_get(f->s, e3, &l), RCX_OK);
	assert_int_equal(l.n_orgs, 1);
	assert_int_equal(l.orgs[0], owner);

	/* an organisation added after events named it: later events get its id */
	int64_t e4 = put_new(f, mkev(f, "source.ip", "192.0.2.4", "rcx.org", "Late", NULL));
	int64_t late = org_add(f, "Late", 0);
	int64_t e5 = put_new(f, mkev(f, "source.ip", "192.0.2.5", "rcx.org", "Late", NULL));
	assert_int_equal(store_event_label_get(f->s, e4, &l), RCX_OK);
	assert_int_equal(l.owner_org, 0);
	assert_int_equal(store_event_label_get(f->s, e5, &l), RCX_OK);
	assert_int_equal(l.owner_org, late);
	/* a group added after a put named it: the name is known now */
	assert_int_equal(store_event_put(f->s, mkev(f, "source.ip", "192.0.2.6", "rcx.sharing_group", "later", NULL), 0,
					 NULL, NULL),
			 RCX_ENOTFOUND);
	int64_t later = group_add(f, "later", 0);
	int64_t e6 = put_new(f, mkev(f, "source.ip", "192.0.2.6", "rcx.sharing_group", "later", NULL));
	assert_int_equal(store_event_label_get(f->s, e6, &l), RCX_OK);
	assert_int_equal(l.group, later);
}

/* ---- audit log ---- */

static struct store_audit audit_entry(int64_t seq, const char *action)
{
	struct store_audit e = {.seq = seq, .time_us = 1700000000000000 + seq, .actor = "cli", .action = action,
				.object = "event:1", .detail = "{\"n\":1}"};
	memset(e.prev, (int)seq, 32);
	memset(e.hash, (int)seq + 100, 32);
	return e;
}

static void test_audit(void **state)
{
	struct fixture *f = *state;
	struct store_audit got = {.seq = 77};
	assert_int_equal(store_audit_last(f->s, &got), RCX_ENOTFOUND);
	assert_int_equal(got.seq, 77);
	for (int64_t seq = 1; seq <= 3; seq++) {
		struct store_audit e = audit_entry(seq, seq == 2 ? "login" : "read");
		assert_int_equal(store_audit_append(f->s, &e), RCX_OK);
	}
	struct store_audit again = audit_entry(2, "tampered");
	assert_int_equal(store_audit_append(f->s, &again), RCX_EEXIST);
	struct store_audit zero = audit_entry(0, "x");
	assert_int_equal(store_audit_append(f->s, &zero), RCX_EINVAL);
	struct store_audit nulls = {.seq = 4};
	assert_int_equal(store_audit_append(f->s, &nulls), RCX_OK);

	assert_int_equal(store_audit_last(f->s, &got), RCX_OK);
	assert_int_equal(got.seq, 4);
	assert_string_equal(got.actor, ""); /* NULL strings are stored as "" (they hash the same) */
	assert_string_equal(got.detail, "");
	struct ids *r = ids_new();
	assert_int_equal(store_audit_list(f->s, 0, 0, ids_audit, r), RCX_OK);
	ASSERT_IDS(r, 1, 2, 3, 4);
	assert_string_equal(r->text[1], "cli login event:1");
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_audit_list(f->s, 1, 2, ids_audit, r), RCX_OK);
	ASSERT_IDS(r, 2, 3);
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_audit_list(f->s, 4, 0, ids_audit, r), RCX_OK);
	assert_int_equal(r->n, 0);

	/* physical order, not seq order: a verifier must see an entry stored out of place */
	struct store_audit e6 = audit_entry(6, "read"), e5 = audit_entry(5, "read");
	assert_int_equal(store_audit_append(f->s, &e6), RCX_OK);
	assert_int_equal(store_audit_append(f->s, &e5), RCX_OK);
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_audit_list(f->s, 3, 0, ids_audit, r), RCX_OK);
	ASSERT_IDS(r, 4, 6, 5);
	assert_int_equal(store_audit_last(f->s, &got), RCX_OK);
	assert_int_equal(got.seq, 6); /* the highest seq: what the next append chains to */
	assert_int_equal(got.time_us, 1700000000000006);
	assert_string_equal(got.actor, "cli");
	assert_string_equal(got.action, "read");
	assert_string_equal(got.object, "event:1");
	assert_string_equal(got.detail, "{\"n\":1}");
	assert_memory_equal(got.prev, e6.prev, 32);
	assert_memory_equal(got.hash, e6.hash, 32);
	free(r);
}

/* ---- transactions ---- */

/* Everything of one kind of row, as a comparable fingerprint. */
static void snapshot(struct fixture *f, char *out, size_t cap)
{
	struct ids *r = ids_new();
	size_t len = 0;
#define PUT_IDS(tag)                                                                                  \
	do {                                                                                          \
		len += (size_t)snprintf(out + len, cap - len, "%s:", tag);                            \
		for (size_t i_ = 0; i_ < r->n; i_++)                                                  \
			len += (size_t)snprintf(out + len, cap - len, "%" PRId64 "/%s/%d ", r->id[i_], \
						r->text[i_], r->flag[i_]);                            \
		memset(r, 0, sizeof(*r));                                                             \
	} while (0)
	assert_int_equal(store_org_list(f->s, ids_org, r), RCX_OK);
	PUT_IDS("orgs");
	assert_int_equal(store_user_list(f->s, 0, ids_user, r), RCX_OK);
	PUT_IDS("users");
	assert_int_equal(store_apikey_list(f->s, 0, ids_key, r), RCX_OK);
	PUT_IDS("keys");
	assert_int_equal(store_group_list(f->s, ids_group, r), RCX_OK);
	PUT_IDS("groups");
	assert_int_equal(store_group_members(f->s, 1, ids_id, r), RCX_OK);
	PUT_IDS("members");
	assert_int_equal(store_audit_list(f->s, 0, 0, ids_audit, r), RCX_OK);
	PUT_IDS("audit");
	struct store_org o;
	if (store_org_get_id(f->s, 1, &o) == RCX_OK)
		len += (size_t)snprintf(out + len, cap - len, "org1:%s/%" PRId64 " ", o.country, o.parent);
	struct store_user u;
	if (store_user_get_id(f->s, 1, &u) == RCX_OK)
		len += (size_t)snprintf(out + len, cap - len, "user1:%s/%d ", u.name, u.role);
	struct rcx_label l;
	if (store_event_label_get(f->s, 1, &l) == RCX_OK) {
		len += (size_t)snprintf(out + len, cap - len, "label1:%d/%d/%" PRId64 "/", (int)l.tlp, (int)l.dist,
					l.group);
		for (size_t i = 0; i < l.n_orgs; i++)
			len += (size_t)snprintf(out + len, cap - len, "o%" PRId64, l.orgs[i]);
		for (size_t i = 0; i < l.n_users; i++)
			len += (size_t)snprintf(out + len, cap - len, "u%" PRId64, l.users[i]);
	}
	uint8_t tok[32];
	memset(tok, 0x51, 32);
	struct store_session sess;
	len += (size_t)snprintf(out + len, cap - len, " sess:%d", store_session_get(f->s, tok, &sess) == RCX_OK);
	assert_true(len < cap);
	free(r);
#undef PUT_IDS
}

/* One change of every kind, each inside the caller's transaction. */
static void change_everything(struct fixture *f, int round)
{
	char name[32];
	snprintf(name, sizeof(name), "org-%d", round);
	int64_t org = org_add(f, name, 1);
	snprintf(name, sizeof(name), "user-%d@x.org", round);
	int64_t user = user_add(f, name, org, TRUST_ROLE_READONLY);
	struct store_apikey k = {.user = user, .prefix = name};
	assert_int_equal(store_apikey_add(f->s, &k, NULL), RCX_OK);
	assert_int_equal(store_apikey_revoke(f->s, 1), RCX_OK);
	snprintf(name, sizeof(name), "group-%d", round);
	group_add(f, name, org);
	assert_int_equal(store_group_member_set(f->s, 1, org, true), RCX_OK);
	assert_int_equal(store_group_member_set(f->s, 1, 2, false), RCX_OK);
	struct store_org o = {.id = 1, .country = "ZZ", .parent = org};
	assert_int_equal(store_org_update(f->s, &o), RCX_OK);
	struct store_user u = {.id = 1, .name = "changed", .role = TRUST_ROLE_ADMIN};
	assert_int_equal(store_user_update(f->s, &u), RCX_OK);
	const int64_t orgs[] = {org};
	struct rcx_label l = {.tlp = RCX_TLP_RED, .dist = RCX_DIST_FEDERATION, .orgs = orgs, .n_orgs = 1};
	assert_int_equal(store_event_label_set(f->s, 1, &l), RCX_OK);
	uint8_t tok[32];
	memset(tok, 0x51, 32);
	assert_int_equal(store_session_delete(f->s, tok), RCX_OK);
	struct store_audit e = audit_entry(10 + round, "txn");
	assert_int_equal(store_audit_append(f->s, &e), RCX_OK);
}

static void test_trust_transactions(void **state)
{
	struct fixture *f = *state;
	char before[4096], after[4096], changed[4096];
	int64_t a = org_add(f, "A", 0), b = org_add(f, "B", 0);
	int64_t u = user_add(f, "u@a.org", a, TRUST_ROLE_ANALYST);
	user_add(f, "v@b.org", b, TRUST_ROLE_ANALYST);
	struct store_apikey k = {.user = u, .prefix = "k1"};
	assert_int_equal(store_apikey_add(f->s, &k, NULL), RCX_OK);
	int64_t g = group_add(f, "G", a);
	assert_int_equal(store_group_member_set(f->s, g, b, true), RCX_OK);
	put_new(f, mkev(f, "source.ip", "192.0.2.1", "rcx.org", "A", NULL));
	const int64_t users[] = {u};
	struct rcx_label l = {.tlp = RCX_TLP_AMBER, .dist = RCX_DIST_GROUP, .group = g, .users = users, .n_users = 1};
	assert_int_equal(store_event_label_set(f->s, 1, &l), RCX_OK);
	struct store_session sess = {.user = u, .csrf = "c", .expires_us = rcx_time_now() + INT64_C(3600000000)};
	memset(sess.token_hash, 0x51, 32);
	assert_int_equal(store_session_put(f->s, &sess), RCX_OK);
	struct store_audit e = audit_entry(1, "first");
	assert_int_equal(store_audit_append(f->s, &e), RCX_OK);
	snapshot(f, before, sizeof(before));

	/* rolled back: every table as before */
	assert_int_equal(store_begin(f->s), RCX_OK);
	change_everything(f, 1);
	snapshot(f, changed, sizeof(changed));
	assert_string_not_equal(changed, before); /* a transaction sees its own writes */
	assert_int_equal(store_rollback(f->s), RCX_OK);
	snapshot(f, after, sizeof(after));
	assert_string_equal(after, before);

	/* committed: as the transaction saw it */
	assert_int_equal(store_begin(f->s), RCX_OK);
	change_everything(f, 1);
	snapshot(f, changed, sizeof(changed));
	assert_int_equal(store_commit(f->s), RCX_OK);
	snapshot(f, after, sizeof(after));
	assert_string_equal(after, changed);

	/* a failing operation inside a transaction leaves the rest of it alone */
	assert_int_equal(store_begin(f->s), RCX_OK);
	struct store_audit e2 = audit_entry(2, "kept");
	assert_int_equal(store_audit_append(f->s, &e2), RCX_OK);
	const int64_t nobody[] = {999};
	struct rcx_label bad = {.tlp = RCX_TLP_RED, .users = nobody, .n_users = 1};
	assert_int_equal(store_event_label_set(f->s, 1, &bad), RCX_ENOTFOUND);
	assert_int_equal(store_commit(f->s), RCX_OK);
	struct store_audit last;
	assert_int_equal(store_audit_last(f->s, &last), RCX_OK);
	assert_int_equal(last.seq, 11);
	struct ids *r = ids_new();
	assert_int_equal(store_audit_list(f->s, 1, 0, ids_audit, r), RCX_OK);
	ASSERT_IDS(r, 11, 2);
	free(r);
	assert_int_equal(store_event_label_get(f->s, 1, &l), RCX_OK);
	assert_int_equal(l.tlp, RCX_TLP_RED); /* the label of round 1, untouched by the failed set */
	assert_int_equal(l.n_orgs, 1);
	assert_int_equal(l.n_users, 0);
}

/* ---- the visibility matrix ---- */

enum naming { NAMING_NONE, NAMING_ORG, NAMING_USERS, NAMING_MAX };
enum { ROLE_N = TRUST_ROLE_MAX };

struct matrix {
	int64_t owner, recipient, client, member, other, peer_org; /* organisations */
	int64_t group;
	int64_t user[6][ROLE_N]; /* per organisation (index as above) and role */
	int64_t events[RCX_TLP_MAX * RCX_DIST_MAX * NAMING_MAX + 8];
	size_t n_events;
	struct trust_viewer viewers[6 * ROLE_N + 2];
	const char *viewer_name[6 * ROLE_N + 2];
	size_t n_viewers;
};

static const char *const org_word[6] = {"owner", "recipient", "client", "member", "other", "peer"};

static void matrix_build(struct fixture *f, struct matrix *m)
{
	char name[64];
	memset(m, 0, sizeof(*m));
	int64_t *orgs[6] = {&m->owner, &m->recipient, &m->client, &m->member, &m->other, &m->peer_org};
	m->owner = org_add(f, "Owner CERT", 0);
	m->recipient = org_add(f, "Recipient CERT", 0);
	m->client = org_add(f, "Client Bank", m->recipient);
	m->member = org_add(f, "Group Member", 0);
	m->other = org_add(f, "Unrelated", 0);
	m->peer_org = org_add(f, "Peer Node CERT", 0);
	m->group = group_add(f, "finance-isac", m->owner);
	group_add(f, "unrelated-group", m->other);
	assert_int_equal(store_group_member_set(f->s, m->group, m->owner, true), RCX_OK);
	assert_int_equal(store_group_member_set(f->s, m->group, m->member, true), RCX_OK);
	assert_int_equal(store_group_member_set(f->s, 2, m->other, true), RCX_OK);
	for (int o = 0; o < 6; o++)
		for (int role = 0; role < ROLE_N; role++) {
			snprintf(name, sizeof(name), "%s@%s.example", trust_role_name((enum trust_role)role), org_word[o]);
			m->user[o][role] = user_add(f, name, *orgs[o], role);
		}

	/* every TLP × distribution × naming, owned by the owner; the group distribution names the group */
	char ip[32];
	int k = 0;
	for (int t = 0; t < RCX_TLP_MAX; t++)
		for (int d = 0; d < RCX_DIST_MAX; d++)
			for (int nm = 0; nm < NAMING_MAX; nm++) {
				snprintf(ip, sizeof(ip), "10.0.%d.%d", k / 200, k % 200 + 1);
				k++;
				struct event *ev = mkev(f, "source.ip", ip, "classification.type",
							nm == NAMING_NONE ? "scanner" : "phishing", "rcx.org", "Owner CERT",
							"tlp", rcx_tlp_name((enum rcx_tlp)t), "rcx.distribution",
							rcx_dist_name((enum rcx_dist)d), NULL);
				if (d == RCX_DIST_GROUP)
					assert_int_equal(event_set_name(ev, "rcx.sharing_group", 17, "finance-isac", 12),
							 RCX_OK);
				int64_t id = put_new(f, ev);
				m->events[m->n_events++] = id;
				if (nm == NAMING_NONE)
					continue;
				struct rcx_label l;
				assert_int_equal(store_event_label_get(f->s, id, &l), RCX_OK);
				const int64_t rorgs[] = {m->recipient};
				const int64_t rusers[] = {m->user[4][TRUST_ROLE_ANALYST], m->user[1][TRUST_ROLE_REPORTER],
							  m->user[2][TRUST_ROLE_READONLY]};
				if (nm == NAMING_ORG) {
					l.orgs = rorgs;
					l.n_orgs = 1;
				} else {
					l.users = rusers;
					l.n_users = 3;
				}
				assert_int_equal(store_event_label_set(f->s, id, &l), RCX_OK);
			}
	/* a few of other owners: the unrelated org's own data, and data of no known organisation */
	static const struct {
		const char *org, *tlp, *dist;
	} extra[] = {
		{"Unrelated", "red", "org"},  {"Unrelated", "amber", "node"},      {"Unrelated", "green", "federation"},
		{"Nobody", "clear", "node"},  {"Nobody", "clear", "federation"},    {"Group Member", "amber", "org"},
	};
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		snprintf(ip, sizeof(ip), "10.1.0.%zu", i + 1);
		m->events[m->n_events++] = put_new(f, mkev(f, "source.ip", ip, "classification.type", "scanner", "rcx.org",
							   extra[i].org, "tlp", extra[i].tlp, "rcx.distribution",
							   extra[i].dist, NULL));
	}

	/* viewers as authentication resolves them: the organisation's parent and groups from the store */
	static char names[6 * ROLE_N][64];
	for (int o = 0; o < 6; o++)
		for (int role = 0; role < ROLE_N; role++) {
			struct trust_viewer *v = &m->viewers[m->n_viewers];
			struct store_user u;
			struct store_org org;
			memset(v, 0, sizeof(*v));
			snprintf(name, sizeof(name), "%s@%s.example", trust_role_name((enum trust_role)role), org_word[o]);
			assert_int_equal(store_user_get(f->s, name, &u), RCX_OK);
			v->kind = TRUST_VIEWER_MEMBER;
			v->role = (enum trust_role)u.role;
			v->user = u.id;
			v->org = u.org;
			assert_int_equal(store_org_get_id(f->s, u.org, &org), RCX_OK);
			v->parent_org = org.parent;
			assert_int_equal(store_org_groups(f->s, u.org, v->groups, RCX_VIEWER_GROUPS_MAX, &v->n_groups),
					 RCX_OK);
			snprintf(names[m->n_viewers], sizeof(names[0]), "%s", name);
			m->viewer_name[m->n_viewers] = names[m->n_viewers];
			m->n_viewers++;
		}
	struct trust_viewer *anon = &m->viewers[m->n_viewers];
	memset(anon, 0, sizeof(*anon));
	anon->kind = TRUST_VIEWER_ANONYMOUS;
	m->viewer_name[m->n_viewers++] = "anonymous";
	struct trust_viewer *peer = &m->viewers[m->n_viewers];
	memset(peer, 0, sizeof(*peer));
	peer->kind = TRUST_VIEWER_PEER;
	peer->org = m->peer_org;
	m->viewer_name[m->n_viewers++] = "federation peer";
}

/* The events trust_visible admits for v, from the labels the store reports, in id order. */
static void matrix_expect(struct fixture *f, const struct matrix *m, const struct trust_viewer *v, struct ids *want)
{
	memset(want, 0, sizeof(*want));
	for (size_t i = 0; i < m->n_events; i++) {
		struct rcx_label l;
		assert_int_equal(store_event_label_get(f->s, m->events[i], &l), RCX_OK);
		if (trust_visible(v, &l))
			ids_id(want, m->events[i]);
	}
}

static void assert_same_ids(const struct ids *got, const struct ids *want, const char *be, const char *viewer)
{
	if (got->n != want->n)
		fail_msg("%s, %s: %zu events, trust_visible admits %zu", be, viewer, got->n, want->n);
	for (size_t i = 0; i < got->n; i++)
		if (got->id[i] != want->id[i])
			fail_msg("%s, %s: event %" PRId64 " where %" PRId64 " was expected", be, viewer, got->id[i],
				 want->id[i]);
}

static void test_visibility_matrix(void **state)
{
	struct fixture *f = *state;
	struct matrix *m = calloc(1, sizeof(*m));
	struct ids *want = ids_new(), *got = ids_new();
	assert_non_null(m);
	matrix_build(f, m);
	size_t partial = 0;

	/* twice: the second pass finds (some of) the viewers' statements cached */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < m->n_viewers; i++) {
			struct store_visibility vis;
			trust_store_visibility(&m->viewers[i], &vis);
			matrix_expect(f, m, &m->viewers[i], want);
			memset(got, 0, sizeof(*got));
			struct store_event_filter flt = {.vis = &vis};
			assert_int_equal(store_event_query(f->s, &flt, ids_event, got), RCX_OK);
			assert_same_ids(got, want, f->be->name, m->viewer_name[i]);
			uint64_t n = 0;
			assert_int_equal(store_event_count(f->s, &flt, &n), RCX_OK);
			assert_int_equal(n, want->n); /* a count never reveals more than the query */
			if (pass == 0 && want->n > 0 && want->n < m->n_events)
				partial++;

			/* with other filters: each visible event alone, and a page */
			for (size_t e = 0; e < 3 && pass == 0; e++) {
				int64_t id = m->events[e * 17 % m->n_events];
				bool visible = false;
				for (size_t w = 0; w < want->n; w++)
					visible |= want->id[w] == id;
				flt = (struct store_event_filter){.vis = &vis, .id = id};
				assert_int_equal(store_event_count(f->s, &flt, &n), RCX_OK);
				assert_int_equal(n, visible);
			}
			/* the first page of 5 of the visible events named someone (type phishing) */
			flt = (struct store_event_filter){.vis = &vis, .type = "phishing", .limit = 5};
			memset(got, 0, sizeof(*got));
			assert_int_equal(store_event_query(f->s, &flt, ids_event, got), RCX_OK);
			size_t k = 0;
			for (size_t w = 0; w < want->n && k < 5; w++) {
				size_t idx = (size_t)(want->id[w] - m->events[0]); /* the matrix events are consecutive */
				if (idx < RCX_TLP_MAX * RCX_DIST_MAX * NAMING_MAX && idx % NAMING_MAX != NAMING_NONE) {
					assert_true(k < got->n);
					assert_int_equal(got->id[k++], want->id[w]);
				}
			}
			assert_int_equal(got->n, k);
		}
	/* the matrix must be able to fail: most viewers see some events but not all */
	if (partial < m->n_viewers * 3 / 4)
		fail_msg("only %zu of %zu viewers see a proper subset", partial, m->n_viewers);
	/* a few cells spelled out, so the test does not only compare the store with itself */
	struct store_visibility vis;
	uint64_t n = 0;
	trust_store_visibility(&m->viewers[m->n_viewers - 2], &vis); /* anonymous: CLEAR + federation */
	assert_int_equal(store_event_count(f->s, &(struct store_event_filter){.vis = &vis}, &n), RCX_OK);
	assert_int_equal(n, NAMING_MAX + 1);
	trust_store_visibility(&m->viewers[0], &vis); /* the owner's admin: all its own, and more */
	assert_int_equal(store_event_count(f->s, &(struct store_event_filter){.vis = &vis, .org = "Owner CERT"}, &n),
			 RCX_OK);
	assert_int_equal(n, RCX_TLP_MAX * RCX_DIST_MAX * NAMING_MAX);
	trust_store_visibility(&m->viewers[2 * ROLE_N + TRUST_ROLE_READONLY], &vis); /* the client's reader */
	assert_int_equal(store_event_count(f->s, &(struct store_event_filter){.vis = &vis, .org = "Owner CERT"}, &n),
			 RCX_OK);
	/* node: CLEAR 3, GREEN 3, AMBER named its parent 1, RED named it 1; federation the same again */
	assert_int_equal(n, 2 * (3 + 3 + 1 + 1));
	free(got);
	free(want);
	free(m);
}

/* A visibility-filtered query from inside the callback of the same query (the cached statement is
 * busy), and event_put / label changes from inside one. */
struct nested_vis {
	struct store *s;
	const struct store_visibility *vis;
	size_t outer, inner;
};

static enum rcx_result nested_inner(void *ctx, const struct event *ev)
{
	struct nested_vis *n = ctx;
	n->inner++;
	assert_non_null(ev->f[EF_RCX_DISTRIBUTION]);
	return RCX_OK;
}

static enum rcx_result nested_outer(void *ctx, const struct event *ev)
{
	struct nested_vis *n = ctx;
	n->outer++;
	struct store_event_filter flt = {.vis = n->vis};
	assert_int_equal(store_event_query(n->s, &flt, nested_inner, n), RCX_OK);
	uint64_t c = 0;
	assert_int_equal(store_event_count(n->s, &flt, &c), RCX_OK);
	assert_int_equal(c, 2);
	assert_string_equal(ev->f[EF_TLP], "green");
	return RCX_OK;
}

static void test_visibility_nested(void **state)
{
	struct fixture *f = *state;
	int64_t a = org_add(f, "A", 0);
	int64_t u = user_add(f, "u@a.org", a, TRUST_ROLE_ANALYST);
	put_new(f, mkev(f, "source.ip", "192.0.2.1", "rcx.org", "B", "tlp", "green", "rcx.distribution", "node", NULL));
	put_new(f, mkev(f, "source.ip", "192.0.2.2", "rcx.org", "B", "tlp", "red", "rcx.distribution", "node", NULL));
	put_new(f, mkev(f, "source.ip", "192.0.2.3", "rcx.org", "B", "tlp", "green", "rcx.distribution", "node", NULL));
	struct trust_viewer v = {.kind = TRUST_VIEWER_MEMBER, .role = TRUST_ROLE_ANALYST, .user = u, .org = a};
	struct store_visibility vis;
	trust_store_visibility(&v, &vis);
	struct nested_vis n = {f->s, &vis, 0, 0};
	assert_int_equal(store_event_query(f->s, &(struct store_event_filter){.vis = &vis}, nested_outer, &n), RCX_OK);
	assert_int_equal(n.outer, 2);
	assert_int_equal(n.inner, 4);
	/* naming the viewer on the RED event makes it visible: the label change reaches the query */
	const int64_t users[] = {u};
	struct rcx_label l = {.tlp = RCX_TLP_RED, .dist = RCX_DIST_NODE, .users = users, .n_users = 1};
	assert_int_equal(store_event_label_set(f->s, 2, &l), RCX_OK);
	uint64_t c = 0;
	assert_int_equal(store_event_count(f->s, &(struct store_event_filter){.vis = &vis}, &c), RCX_OK);
	assert_int_equal(c, 3);
	/* a visibility without its interpreter is refused, not ignored */
	struct store_visibility half = {.viewer = &v};
	assert_int_equal(store_event_count(f->s, &(struct store_event_filter){.vis = &half}, &c), RCX_EINVAL);
	assert_int_equal(c, 3);
	/* flt.id alone */
	struct ids *r = ids_new();
	assert_int_equal(store_event_query(f->s, &(struct store_event_filter){.id = 2}, ids_event, r), RCX_OK);
	ASSERT_IDS(r, 2);
	memset(r, 0, sizeof(*r));
	assert_int_equal(store_event_query(f->s, &(struct store_event_filter){.id = 99}, ids_event, r), RCX_OK);
	assert_int_equal(r->n, 0);
	assert_int_equal(store_event_query(f->s, &(struct store_event_filter){.id = 2, .after_id = 2}, ids_event, r),
			 RCX_OK);
	assert_int_equal(r->n, 0);
	free(r);
}

/* ---- SQLite only ---- */

/* Migration 1 as released (store_sqlite.c never edits it), to build a file of schema version 1. */
static const char v1_schema[] =
	"PRAGMA application_id = 1919121441;"
	"CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, country TEXT, kind TEXT,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE events (id INTEGER PRIMARY KEY, ident BLOB NOT NULL, time_source INTEGER,"
	"  time_observation INTEGER, class_type TEXT, feed_name TEXT, source_family INTEGER, source_ip BLOB,"
	"  org TEXT, tlp TEXT, constituency TEXT, count INTEGER NOT NULL, first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL, body TEXT NOT NULL, raw BLOB);"
	"CREATE INDEX events_ident ON events(ident, coalesce(time_source, time_observation));"
	"CREATE INDEX events_time ON events(coalesce(time_source, time_observation));"
	"CREATE INDEX events_type ON events(class_type);"
	"CREATE INDEX events_source ON events(source_family, source_ip);"
	"CREATE TABLE quarantine (id INTEGER PRIMARY KEY, file TEXT, line INTEGER NOT NULL, feed TEXT, reason TEXT,"
	"  raw BLOB, raw_total INTEGER NOT NULL, time INTEGER NOT NULL);"
	"CREATE TABLE ingest_files (file_id BLOB PRIMARY KEY, path TEXT, records_done INTEGER NOT NULL,"
	"  complete INTEGER NOT NULL, events INTEGER NOT NULL, duplicates INTEGER NOT NULL,"
	"  quarantined INTEGER NOT NULL, updated INTEGER NOT NULL) WITHOUT ROWID;"
	"PRAGMA user_version = 1;"
	"INSERT INTO orgs(name, country, kind, created) VALUES('CERT-AL', 'AL', 'national-cert', 1);"
	"INSERT INTO orgs(name, country, kind, created) VALUES('CERT-ME', 'ME', 'national-cert', 2);"
	"INSERT INTO events(ident, time_observation, class_type, org, tlp, count, first_seen, last_seen, body)"
	"  VALUES(x'01', 1, 'scanner', 'CERT-ME', 'green', 1, 1, 1,"
	"  '{\"classification.type\": \"scanner\", \"rcx.org\": \"CERT-ME\", \"tlp\": \"green\"}');"
	"INSERT INTO events(ident, time_observation, class_type, org, tlp, count, first_seen, last_seen, body)"
	"  VALUES(x'02', 2, 'scanner', 'Gone', NULL, 1, 2, 2, '{\"classification.type\": \"scanner\"}');";

static void test_sqlite_migrate_v1(void **state)
{
	struct fixture *f = *state;
	store_close(f->s);
	f->s = NULL;
	char p[160];
	static const char *const suffix[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v1_schema, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(store_open(f->path, true, &f->s), RCX_ESTORE); /* readonly cannot migrate */
	assert_int_equal(store_open(f->path, false, &f->s), RCX_OK);
	struct rcx_label l;
	assert_int_equal(store_event_label_get(f->s, 1, &l), RCX_OK);
	assert_int_equal(l.owner_org, 2); /* backfilled from rcx.org */
	assert_int_equal(l.tlp, RCX_TLP_GREEN);
	assert_int_equal(l.dist, RCX_DIST_ORG);
	assert_int_equal(store_event_label_get(f->s, 2, &l), RCX_OK);
	assert_int_equal(l.owner_org, 0);
	assert_int_equal(l.tlp, RCX_TLP_AMBER); /* a label always has a TLP */
	const char *j = event_json(f, 2);
	assert_non_null(strstr(j, "\"tlp\": \"amber\""));
	assert_non_null(strstr(j, "\"rcx.distribution\": \"org\""));
	struct store_org o;
	assert_int_equal(store_org_get(f->s, "CERT-ME", &o), RCX_OK);
	assert_int_equal(o.parent, 0);
	assert_null(o.sector);
	assert_int_equal(o.created_us, 2);
	/* the new tables are there and work */
	int64_t u = user_add(f, "a@cert.al", 1, TRUST_ROLE_ADMIN);
	assert_true(u > 0);
	struct store_audit e = audit_entry(1, "migrated");
	assert_int_equal(store_audit_append(f->s, &e), RCX_OK);
}

/* event_put's name cache notices organisations and groups another handle added. */
static void test_sqlite_names_other_handle(void **state)
{
	struct fixture *f = *state;
	struct store *other = NULL;
	struct rcx_label l;
	assert_int_equal(store_open(f->path, false, &other), RCX_OK);
	int64_t e1 = put_new(f, mkev(f, "source.ip", "192.0.2.1", "rcx.org", "Late", NULL));
	int64_t late = 0;
	struct store_org o = {.name = "Late"};
	assert_int_equal(store_org_add(other, &o, &late), RCX_OK);
	int64_t e2 = put_new(f, mkev(f, "source.ip", "192.0.2.2", "rcx.org", "Late", NULL));
	assert_int_equal(store_event_label_get(f->s, e1, &l), RCX_OK);
	assert_int_equal(l.owner_org, 0);
	assert_int_equal(store_event_label_get(f->s, e2, &l), RCX_OK);
	assert_int_equal(l.owner_org, late);

	/* the same inside a transaction begun after the other handle's commit */
	assert_int_equal(store_begin(f->s), RCX_OK);
	assert_int_equal(store_event_put(f->s, mkev(f, "source.ip", "192.0.2.3", "rcx.sharing_group", "g", NULL), 0,
					 NULL, NULL),
			 RCX_ENOTFOUND);
	assert_int_equal(store_commit(f->s), RCX_OK);
	int64_t g = 0;
	struct store_group grp = {.name = "g"};
	assert_int_equal(store_group_add(other, &grp, &g), RCX_OK);
	assert_int_equal(store_begin(f->s), RCX_OK);
	int64_t e3 = put_new(f, mkev(f, "source.ip", "192.0.2.3", "rcx.sharing_group", "g", NULL));
	assert_int_equal(store_commit(f->s), RCX_OK);
	assert_int_equal(store_event_label_get(f->s, e3, &l), RCX_OK);
	assert_int_equal(l.group, g);
	store_close(other);
}

#define MEM 0
#define SQLITE 1
#define BOTH(t) ON(MEM, t), ON(SQLITE, t)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_org_details),
		BOTH(test_users),
		BOTH(test_apikeys),
		BOTH(test_sessions),
		BOTH(test_groups),
		BOTH(test_labels),
		BOTH(test_audit),
		BOTH(test_trust_transactions),
		BOTH(test_visibility_matrix),
		BOTH(test_visibility_nested),
		ON(SQLITE, test_sqlite_migrate_v1),
		ON(SQLITE, test_sqlite_names_other_handle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
