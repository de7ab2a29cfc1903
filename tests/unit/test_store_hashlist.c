/* Conformance suite of the store's PDQ hash lists (struct store_hashlist_ops), run against each
 * implementation like test_store.c: lists (put, get, query filters, names unique per owner,
 * relabel), entries (bulk add as one unit, duplicates, counts, order), transactions, and the
 * visibility matrix extended to hash lists — for viewers of every role of the owner, a named
 * recipient, a client of the recipient, a group member, an unrelated organisation, anonymous and a
 * federation peer, × TLP × distribution × naming, list_get, list_query, entries, entry_count and
 * entries_visible show exactly the lists trust_visible() admits for the labels the store reports.
 * Then the referral module's glue over the store (referral_hashlist.c): categories, provenance,
 * all-or-nothing imports with line numbers, export, and loading what a viewer may match against. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/label.h"
#include "core/limits.h"
#include "core/strbuf.h"
#include "referral/referral_hashlist.h"
#include "store/store.h"
#include "store/store_hashlist.h"
#include "trust/trust.h"

#include "store_fixture.h"

static int64_t org_add(struct fixture *f, const char *name, int64_t parent)
{
	int64_t id = 0;
	struct store_org o = {.name = name, .country = "HR", .kind = "other", .parent = parent};
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

static int64_t list_put(struct fixture *f, const char *name, const struct rcx_label *l)
{
	int64_t id = 0;
	struct store_hashlist h = {.name = name, .description = "test list", .label = *l};
	assert_int_equal(store_hashlist_put(f->s, &h, &id), RCX_OK);
	assert_true(id > 0);
	return id;
}

/* An entry whose hash is all bytes b. */
static struct store_hashlist_entry entry(int64_t list, uint8_t b, int64_t by)
{
	struct store_hashlist_entry e = {.list = list, .quality = 100, .category = "propaganda", .reference = "R-1",
					 .contributed_by = by, .added_us = 1700000000000000};
	memset(e.hash, b, sizeof(e.hash));
	return e;
}

#define MAX_IDS 512

struct ids {
	size_t n;
	int64_t id[MAX_IDS];
	int64_t list[MAX_IDS]; /* entries: their list */
};

static enum rcx_result ids_list(void *ctx, const struct store_hashlist *l)
{
	struct ids *r = ctx;
	assert_true(r->n < MAX_IDS);
	r->id[r->n++] = l->id;
	return RCX_OK;
}

static enum rcx_result ids_entry(void *ctx, const struct store_hashlist_entry *e)
{
	struct ids *r = ctx;
	assert_true(r->n < MAX_IDS);
	r->list[r->n] = e->list;
	r->id[r->n++] = e->id;
	return RCX_OK;
}

static void test_lists(void **state)
{
	struct fixture *f = *state;
	int64_t a = org_add(f, "CERT.hr", 0), b = org_add(f, "SRB-CERT", 0);
	int64_t u = user_add(f, "analyst@srb.example", b, TRUST_ROLE_ANALYST);
	struct rcx_label l = {.owner_org = a, .creator = 0, .tlp = RCX_TLP_AMBER, .dist = RCX_DIST_NODE};
	int64_t l1 = list_put(f, "propaganda", &l);
	/* names are unique per owner, not per node */
	struct store_hashlist h = {.name = "propaganda", .label = l};
	assert_int_equal(store_hashlist_put(f->s, &h, NULL), RCX_EEXIST);
	h.label.owner_org = b;
	int64_t l2 = 0;
	assert_int_equal(store_hashlist_put(f->s, &h, &l2), RCX_OK);
	assert_true(l2 > l1);
	/* refused, nothing stored */
	h = (struct store_hashlist){.name = "", .label = l};
	assert_int_equal(store_hashlist_put(f->s, &h, NULL), RCX_EINVAL);
	h = (struct store_hashlist){.name = "x", .label = l};
	h.label.owner_org = 0;
	assert_int_equal(store_hashlist_put(f->s, &h, NULL), RCX_EINVAL);
	h.label.owner_org = 99;
	assert_int_equal(store_hashlist_put(f->s, &h, NULL), RCX_ENOTFOUND);
	h.label = l;
	h.label.dist = RCX_DIST_GROUP;
	h.label.group = 7;
	assert_int_equal(store_hashlist_put(f->s, &h, NULL), RCX_ENOTFOUND);
	h.label = l;
	h.label.tlp = RCX_TLP_MAX;
	assert_int_equal(store_hashlist_put(f->s, &h, NULL), RCX_EINVAL);
	const int64_t bad_org[] = {42};
	h.label = l;
	h.label.orgs = bad_org;
	h.label.n_orgs = 1;
	assert_int_equal(store_hashlist_put(f->s, &h, NULL), RCX_ENOTFOUND);
	struct ids got = {0};
	assert_int_equal(store_hashlist_query(f->s, &(struct store_hashlist_filter){0}, ids_list, &got), RCX_OK);
	assert_int_equal(got.n, 2);

	/* get, with recipients sorted and unique */
	const int64_t orgs[] = {b, b, a}, users[] = {u};
	l.orgs = orgs;
	l.n_orgs = 3;
	l.users = users;
	l.n_users = 1;
	l.creator = u;
	h = (struct store_hashlist){.name = "recruitment", .description = NULL, .label = l, .created_us = 5};
	int64_t l3 = 0;
	assert_int_equal(store_hashlist_put(f->s, &h, &l3), RCX_OK);
	struct store_hashlist g;
	assert_int_equal(store_hashlist_get(f->s, l3, NULL, &g), RCX_OK);
	assert_string_equal(g.name, "recruitment");
	assert_null(g.description);
	assert_int_equal(g.created_us, 5);
	assert_int_equal(g.label.owner_org, a);
	assert_int_equal(g.label.creator, u);
	assert_int_equal(g.label.tlp, RCX_TLP_AMBER);
	assert_int_equal(g.label.n_orgs, 2);
	assert_int_equal(g.label.orgs[0], a);
	assert_int_equal(g.label.orgs[1], b);
	assert_int_equal(g.label.n_users, 1);
	assert_int_equal(g.label.users[0], u);
	assert_int_equal(store_hashlist_get(f->s, 999, NULL, &g), RCX_ENOTFOUND);

	/* filters */
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_hashlist_query(f->s, &(struct store_hashlist_filter){.owner_org = a}, ids_list, &got), RCX_OK);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.id[0], l1);
	assert_int_equal(got.id[1], l3);
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_hashlist_query(f->s, &(struct store_hashlist_filter){.name = "propaganda"}, ids_list, &got),
			 RCX_OK);
	assert_int_equal(got.n, 2);
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_hashlist_query(f->s, &(struct store_hashlist_filter){.after_id = l1, .limit = 1}, ids_list,
					      &got),
			 RCX_OK);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.id[0], l2);

	/* relabel: TLP, distribution, recipients replaced; owner, creator, name kept; a relabelled
	 * list keeps its place in id order */
	struct rcx_label nl = {.tlp = RCX_TLP_RED, .dist = RCX_DIST_ORG, .users = users, .n_users = 1};
	assert_int_equal(store_hashlist_label_set(f->s, l1, &nl), RCX_OK);
	assert_int_equal(store_hashlist_get(f->s, l1, NULL, &g), RCX_OK);
	assert_string_equal(g.name, "propaganda");
	assert_int_equal(g.label.owner_org, a);
	assert_int_equal(g.label.tlp, RCX_TLP_RED);
	assert_int_equal(g.label.dist, RCX_DIST_ORG);
	assert_int_equal(g.label.n_orgs, 0);
	assert_int_equal(g.label.n_users, 1);
	/* the label list_get returned can be given back */
	assert_int_equal(store_hashlist_get(f->s, l3, NULL, &g), RCX_OK);
	g.label.tlp = RCX_TLP_GREEN;
	assert_int_equal(store_hashlist_label_set(f->s, l3, &g.label), RCX_OK);
	assert_int_equal(store_hashlist_get(f->s, l3, NULL, &g), RCX_OK);
	assert_int_equal(g.label.tlp, RCX_TLP_GREEN);
	assert_int_equal(g.label.n_orgs, 2);
	assert_int_equal(store_hashlist_label_set(f->s, 999, &nl), RCX_ENOTFOUND);
	nl.group = 5;
	nl.dist = RCX_DIST_GROUP;
	assert_int_equal(store_hashlist_label_set(f->s, l1, &nl), RCX_ENOTFOUND);
	assert_int_equal(store_hashlist_get(f->s, l1, NULL, &g), RCX_OK);
	assert_int_equal(g.label.dist, RCX_DIST_ORG); /* untouched by the failed set */
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_hashlist_query(f->s, &(struct store_hashlist_filter){0}, ids_list, &got), RCX_OK);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.id[0], l1);
	assert_int_equal(got.id[1], l2);
	assert_int_equal(got.id[2], l3);
}

static void test_entries(void **state)
{
	struct fixture *f = *state;
	int64_t a = org_add(f, "CERT.hr", 0), b = org_add(f, "EU-IRU", 0);
	struct rcx_label l = {.owner_org = a, .tlp = RCX_TLP_GREEN, .dist = RCX_DIST_NODE};
	int64_t l1 = list_put(f, "one", &l), l2 = list_put(f, "two", &l);
	struct store_hashlist_entry e[4] = {entry(l1, 1, a), entry(l1, 2, b), entry(l2, 1, a), entry(l1, 1, b)};
	e[1].quality = -1;
	e[1].reference = NULL;
	e[1].added_us = 0;
	e[1].hash[31] = 0xfe;
	size_t added = 99;
	assert_int_equal(store_hashlist_entry_add(f->s, e, 4, &added), RCX_OK);
	assert_int_equal(added, 3); /* the repeated hash of l1 is skipped; l2 may have it too */
	assert_int_equal(store_hashlist_entry_add(f->s, e, 2, &added), RCX_OK);
	assert_int_equal(added, 0);
	uint64_t n = 0;
	assert_int_equal(store_hashlist_entry_count(f->s, l1, NULL, &n), RCX_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_hashlist_entry_count(f->s, 999, NULL, &n), RCX_ENOTFOUND);

	/* refused batches add nothing, even their valid entries */
	struct store_hashlist_entry bad[2] = {entry(l2, 9, a), entry(l2, 8, a)};
	bad[1].category = "";
	assert_int_equal(store_hashlist_entry_add(f->s, bad, 2, NULL), RCX_EINVAL);
	bad[1] = entry(l2, 8, a);
	bad[1].quality = 101;
	assert_int_equal(store_hashlist_entry_add(f->s, bad, 2, NULL), RCX_EINVAL);
	bad[1] = entry(999, 8, a);
	assert_int_equal(store_hashlist_entry_add(f->s, bad, 2, NULL), RCX_ENOTFOUND);
	bad[1] = entry(l2, 8, 77);
	assert_int_equal(store_hashlist_entry_add(f->s, bad, 2, NULL), RCX_ENOTFOUND);
	assert_int_equal(store_hashlist_entry_count(f->s, l2, NULL, &n), RCX_OK);
	assert_int_equal(n, 1);

	/* entries of a list in order, with what was stored */
	struct ids got = {0};
	assert_int_equal(store_hashlist_entries(f->s, l1, NULL, ids_entry, &got), RCX_OK);
	assert_int_equal(got.n, 2);
	assert_true(got.id[0] < got.id[1]);
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_hashlist_entries_visible(f->s, NULL, ids_entry, &got), RCX_OK);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.list[0], l1);
	assert_int_equal(got.list[1], l1);
	assert_int_equal(got.list[2], l2);
}

/* Checks the fields of the entries of a list against what test_entry_fields stored. */
static enum rcx_result check_entry(void *ctx, const struct store_hashlist_entry *e)
{
	int *i = ctx;
	uint8_t want[32];
	memset(want, *i == 0 ? 0xab : 0xcd, sizeof(want));
	if (*i == 1)
		want[0] = 0x01;
	assert_memory_equal(e->hash, want, 32);
	if (*i == 0) {
		assert_int_equal(e->quality, 87);
		assert_string_equal(e->category, "attack-footage");
		assert_string_equal(e->reference, "REF 7");
		assert_int_equal(e->added_us, 1700000000000000);
	} else {
		assert_int_equal(e->quality, -1);
		assert_string_equal(e->category, "other");
		assert_null(e->reference);
		assert_true(e->added_us > 1700000000000000); /* 0 = now */
	}
	assert_int_equal(e->contributed_by, 1);
	(*i)++;
	return RCX_OK;
}

static void test_entry_fields(void **state)
{
	struct fixture *f = *state;
	int64_t a = org_add(f, "CERT.hr", 0);
	struct rcx_label l = {.owner_org = a, .tlp = RCX_TLP_GREEN, .dist = RCX_DIST_NODE};
	int64_t id = list_put(f, "one", &l);
	struct store_hashlist_entry e[2] = {entry(id, 0xab, a), entry(id, 0xcd, a)};
	e[0].quality = 87;
	e[0].category = "attack-footage";
	e[0].reference = "REF 7";
	e[1].quality = -1;
	e[1].category = "other";
	e[1].reference = NULL;
	e[1].added_us = 0;
	e[1].hash[0] = 0x01;
	assert_int_equal(store_hashlist_entry_add(f->s, e, 2, NULL), RCX_OK);
	int i = 0;
	assert_int_equal(store_hashlist_entries(f->s, id, NULL, check_entry, &i), RCX_OK);
	assert_int_equal(i, 2);
}

static void test_transactions(void **state)
{
	struct fixture *f = *state;
	int64_t a = org_add(f, "CERT.hr", 0);
	struct rcx_label l = {.owner_org = a, .tlp = RCX_TLP_GREEN, .dist = RCX_DIST_NODE};
	int64_t l1 = list_put(f, "kept", &l);
	struct store_hashlist_entry e = entry(l1, 3, a);
	assert_int_equal(store_hashlist_entry_add(f->s, &e, 1, NULL), RCX_OK);

	assert_int_equal(store_begin(f->s), RCX_OK);
	int64_t l2 = list_put(f, "dropped", &l);
	struct store_hashlist_entry more[2] = {entry(l1, 4, a), entry(l2, 5, a)};
	assert_int_equal(store_hashlist_entry_add(f->s, more, 2, NULL), RCX_OK);
	struct rcx_label red = {.tlp = RCX_TLP_RED, .dist = RCX_DIST_ORG};
	assert_int_equal(store_hashlist_label_set(f->s, l1, &red), RCX_OK);
	assert_int_equal(store_rollback(f->s), RCX_OK);

	struct store_hashlist g;
	assert_int_equal(store_hashlist_get(f->s, l2, NULL, &g), RCX_ENOTFOUND);
	assert_int_equal(store_hashlist_get(f->s, l1, NULL, &g), RCX_OK);
	assert_int_equal(g.label.tlp, RCX_TLP_GREEN);
	uint64_t n = 0;
	assert_int_equal(store_hashlist_entry_count(f->s, l1, NULL, &n), RCX_OK);
	assert_int_equal(n, 1);
	/* the name is free again, and a committed transaction keeps everything */
	assert_int_equal(store_begin(f->s), RCX_OK);
	l2 = list_put(f, "dropped", &l);
	assert_int_equal(store_hashlist_entry_add(f->s, more, 1, NULL), RCX_OK);
	assert_int_equal(store_commit(f->s), RCX_OK);
	assert_int_equal(store_hashlist_entry_count(f->s, l1, NULL, &n), RCX_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_hashlist_get(f->s, l2, NULL, &g), RCX_OK);
}

/* ---- the visibility matrix, for hash lists ---- */

enum naming { NAMING_NONE, NAMING_ORG, NAMING_USERS, NAMING_MAX };
enum { ROLE_N = TRUST_ROLE_MAX, ORGS = 6 };

struct matrix {
	int64_t org[ORGS]; /* owner, recipient, client (served by recipient), member, other, peer */
	int64_t group;
	int64_t user[ORGS][ROLE_N];
	int64_t list[RCX_TLP_MAX * RCX_DIST_MAX * NAMING_MAX + 8];
	size_t n_list;
	struct trust_viewer viewers[ORGS * ROLE_N + 2];
	size_t n_viewers;
};

static void matrix_build(struct fixture *f, struct matrix *m)
{
	static const char *const word[ORGS] = {"owner", "recipient", "client", "member", "other", "peer"};
	char name[64];
	memset(m, 0, sizeof(*m));
	m->org[0] = org_add(f, "Owner CERT", 0);
	m->org[1] = org_add(f, "Recipient CERT", 0);
	m->org[2] = org_add(f, "Client Bank", m->org[1]);
	m->org[3] = org_add(f, "Group Member", 0);
	m->org[4] = org_add(f, "Unrelated", 0);
	m->org[5] = org_add(f, "Peer Node CERT", 0);
	struct store_group g = {.name = "referral-units", .owner_org = m->org[0]};
	assert_int_equal(store_group_add(f->s, &g, &m->group), RCX_OK);
	assert_int_equal(store_group_member_set(f->s, m->group, m->org[0], true), RCX_OK);
	assert_int_equal(store_group_member_set(f->s, m->group, m->org[3], true), RCX_OK);
	for (int o = 0; o < ORGS; o++)
		for (int role = 0; role < ROLE_N; role++) {
			snprintf(name, sizeof(name), "%s@%s.example", trust_role_name((enum trust_role)role), word[o]);
			m->user[o][role] = user_add(f, name, m->org[o], role);
		}
	int k = 0;
	for (int t = 0; t < RCX_TLP_MAX; t++)
		for (int d = 0; d < RCX_DIST_MAX; d++)
			for (int nm = 0; nm < NAMING_MAX; nm++) {
				const int64_t rorgs[] = {m->org[1]};
				const int64_t rusers[] = {m->user[4][TRUST_ROLE_ANALYST], m->user[1][TRUST_ROLE_REPORTER],
							  m->user[2][TRUST_ROLE_READONLY]};
				struct rcx_label l = {.owner_org = m->org[0], .tlp = (enum rcx_tlp)t, .dist = (enum rcx_dist)d,
						      .group = d == RCX_DIST_GROUP ? m->group : 0};
				if (nm == NAMING_ORG) {
					l.orgs = rorgs;
					l.n_orgs = 1;
				} else if (nm == NAMING_USERS) {
					l.users = rusers;
					l.n_users = 3;
				}
				snprintf(name, sizeof(name), "list-%d", k++);
				m->list[m->n_list++] = list_put(f, name, &l);
			}
	/* others' lists, and one created by a reporter of the client */
	struct rcx_label l = {.owner_org = m->org[4], .tlp = RCX_TLP_RED, .dist = RCX_DIST_ORG};
	m->list[m->n_list++] = list_put(f, "x-1", &l);
	l = (struct rcx_label){.owner_org = m->org[0], .creator = m->user[2][TRUST_ROLE_REPORTER], .tlp = RCX_TLP_AMBER,
			       .dist = RCX_DIST_ORG};
	m->list[m->n_list++] = list_put(f, "x-2", &l);
	l = (struct rcx_label){.owner_org = m->org[3], .tlp = RCX_TLP_CLEAR, .dist = RCX_DIST_FEDERATION};
	m->list[m->n_list++] = list_put(f, "x-3", &l);
	/* relabelled after creation: the label the store reports is the one that counts */
	l = (struct rcx_label){.owner_org = m->org[4], .tlp = RCX_TLP_GREEN, .dist = RCX_DIST_NODE};
	int64_t relabelled = list_put(f, "x-4", &l);
	const int64_t named[] = {m->org[1]};
	l = (struct rcx_label){.tlp = RCX_TLP_AMBER_STRICT, .dist = RCX_DIST_NODE, .orgs = named, .n_orgs = 1};
	assert_int_equal(store_hashlist_label_set(f->s, relabelled, &l), RCX_OK);
	m->list[m->n_list++] = relabelled;
	/* every list has two entries */
	for (size_t i = 0; i < m->n_list; i++) {
		struct store_hashlist_entry e[2] = {entry(m->list[i], 1, m->org[0]), entry(m->list[i], 2, m->org[3])};
		assert_int_equal(store_hashlist_entry_add(f->s, e, 2, NULL), RCX_OK);
	}
	for (int o = 0; o < ORGS; o++)
		for (int role = 0; role < ROLE_N; role++) {
			struct trust_viewer *v = &m->viewers[m->n_viewers++];
			struct store_org org;
			memset(v, 0, sizeof(*v));
			v->kind = TRUST_VIEWER_MEMBER;
			v->role = (enum trust_role)role;
			v->user = m->user[o][role];
			v->org = m->org[o];
			assert_int_equal(store_org_get_id(f->s, v->org, &org), RCX_OK);
			v->parent_org = org.parent;
			assert_int_equal(store_org_groups(f->s, v->org, v->groups, RCX_VIEWER_GROUPS_MAX, &v->n_groups), RCX_OK);
		}
	struct trust_viewer *anon = &m->viewers[m->n_viewers++];
	memset(anon, 0, sizeof(*anon));
	anon->kind = TRUST_VIEWER_ANONYMOUS;
	struct trust_viewer *peer = &m->viewers[m->n_viewers++];
	memset(peer, 0, sizeof(*peer));
	peer->kind = TRUST_VIEWER_PEER;
	peer->org = m->org[5];
}

static void test_visibility_matrix(void **state)
{
	struct fixture *f = *state;
	struct matrix *m = calloc(1, sizeof(*m));
	struct ids *want = calloc(1, sizeof(*want)), *got = calloc(1, sizeof(*got));
	assert_non_null(m);
	assert_non_null(want);
	assert_non_null(got);
	matrix_build(f, m);
	size_t partial = 0;
	for (size_t vi = 0; vi < m->n_viewers; vi++) {
		const struct trust_viewer *v = &m->viewers[vi];
		struct store_visibility vis;
		trust_store_visibility(v, &vis);
		memset(want, 0, sizeof(*want));
		for (size_t i = 0; i < m->n_list; i++) {
			struct store_hashlist l;
			assert_int_equal(store_hashlist_get(f->s, m->list[i], NULL, &l), RCX_OK);
			if (trust_visible(v, &l.label))
				ids_list(want, &l);
		}
		/* list_query: the same lists in the same order */
		memset(got, 0, sizeof(*got));
		assert_int_equal(store_hashlist_query(f->s, &(struct store_hashlist_filter){.vis = &vis}, ids_list, got),
				 RCX_OK);
		if (got->n != want->n)
			fail_msg("%s, viewer %zu: %zu lists, trust_visible admits %zu", f->be->name, vi, got->n, want->n);
		for (size_t i = 0; i < got->n; i++)
			assert_int_equal(got->id[i], want->id[i]);
		/* entries_visible: two entries of each visible list, and nothing else */
		memset(got, 0, sizeof(*got));
		assert_int_equal(store_hashlist_entries_visible(f->s, &vis, ids_entry, got), RCX_OK);
		assert_int_equal(got->n, 2 * want->n);
		for (size_t i = 0; i < got->n; i++)
			assert_int_equal(got->list[i], want->id[i / 2]);
		if (want->n > 0 && want->n < m->n_list)
			partial++;
		/* every single-list read path: present exactly when visible */
		for (size_t i = 0; i < m->n_list; i++) {
			bool visible = false;
			for (size_t w = 0; w < want->n; w++)
				visible |= want->id[w] == m->list[i];
			enum rcx_result expect = visible ? RCX_OK : RCX_ENOTFOUND;
			struct store_hashlist l;
			struct ids sub = {0};
			uint64_t n = 0;
			assert_int_equal(store_hashlist_get(f->s, m->list[i], &vis, &l), expect);
			assert_int_equal(store_hashlist_entries(f->s, m->list[i], &vis, ids_entry, &sub), expect);
			assert_int_equal(sub.n, visible ? 2 : 0);
			assert_int_equal(store_hashlist_entry_count(f->s, m->list[i], &vis, &n), expect);
			assert_int_equal(n, visible ? 2 : 0);
		}
	}
	if (partial < m->n_viewers * 3 / 4)
		fail_msg("only %zu of %zu viewers see a proper subset", partial, m->n_viewers);
	/* cells spelled out: anonymous sees the CLEAR federation lists only */
	struct store_visibility vis;
	trust_store_visibility(&m->viewers[m->n_viewers - 2], &vis);
	memset(got, 0, sizeof(*got));
	assert_int_equal(store_hashlist_query(f->s, &(struct store_hashlist_filter){.vis = &vis}, ids_list, got), RCX_OK);
	assert_int_equal(got->n, NAMING_MAX + 1);
	/* the relabelled AMBER+STRICT list: its named recipient, not the recipient's client */
	struct store_hashlist l;
	trust_store_visibility(&m->viewers[1 * ROLE_N + TRUST_ROLE_ANALYST], &vis);
	assert_int_equal(store_hashlist_get(f->s, m->list[m->n_list - 1], &vis, &l), RCX_OK);
	trust_store_visibility(&m->viewers[2 * ROLE_N + TRUST_ROLE_ANALYST], &vis);
	assert_int_equal(store_hashlist_get(f->s, m->list[m->n_list - 1], &vis, &l), RCX_ENOTFOUND);
	/* the client's reporter sees what it created */
	trust_store_visibility(&m->viewers[2 * ROLE_N + TRUST_ROLE_REPORTER], &vis);
	assert_int_equal(store_hashlist_get(f->s, m->list[m->n_list - 3], &vis, &l), RCX_OK);
	free(m);
	free(want);
	free(got);
}

/* ---- referral_hashlist: the referral unit's rules over the store ---- */

static struct referral_list *read_list(const char *text)
{
	struct referral_list *l = NULL;
	assert_int_equal(referral_list_read_mem(text, strlen(text), NULL, &l), RCX_OK);
	return l;
}

static void test_referral_import(void **state)
{
	struct fixture *f = *state;
	int64_t a = org_add(f, "CERT.hr", 0), b = org_add(f, "EU-IRU", 0);
	struct rcx_label lab = {.owner_org = a, .tlp = RCX_TLP_GREEN, .dist = RCX_DIST_NODE};
	int64_t id = list_put(f, "units", &lab);
	struct store_hashlist list;
	assert_int_equal(referral_hashlist_find(f->s, "units", 0, NULL, &list), RCX_OK);
	assert_int_equal(list.id, id);
	assert_int_equal(referral_hashlist_find(f->s, "nope", 0, NULL, &list), RCX_ENOTFOUND);

	assert_true(referral_hashlist_category_valid("attack-footage"));
	assert_false(referral_hashlist_category_valid("Propaganda"));
	assert_false(referral_hashlist_category_valid("memes"));
	assert_false(referral_hashlist_category_valid(NULL));
	assert_true(referral_hashlist_text_valid("Propaganda — unit A", 64));
	assert_false(referral_hashlist_text_valid("", 64));
	assert_false(referral_hashlist_text_valid("tab\there", 64));
	assert_false(referral_hashlist_text_valid("\xff\xfe", 64));
	assert_false(referral_hashlist_text_valid("abcdef", 5));

	/* bad lines of the reader and of the rules, by line number; nothing added */
	static const char bad[] = "hash,quality,category,reference,contributed_by,added\n"
				  "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22,100,memes,,,\n"
				  "zz,1,propaganda,,,\n"
				  "e4cc89d91c623842f8d1f1d9a398e78c9f199a3bf87925f2b7e11e0bf061b064,90,propaganda,,Nobody,\n"
				  "6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d,90,,,,\n"
				  "6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2e,90,other,,,\n";
	struct referral_list *file = read_list(bad);
	struct referral_hashlist_import *io = calloc(1, sizeof(*io));
	assert_non_null(io);
	assert_int_equal(referral_hashlist_import(f->s, &list, file, io), RCX_EPARSE);
	assert_int_equal(io->n_errors, 4);
	assert_int_equal(io->n_kept, 4);
	const uint64_t lines[] = {2, 3, 4, 5};
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(io->errors[i].line, lines[i]);
	uint64_t n = 9;
	assert_int_equal(store_hashlist_entry_count(f->s, id, NULL, &n), RCX_OK);
	assert_int_equal(n, 0);
	referral_list_free(file);

	/* provenance: the owner unless the line names an organisation; a default category */
	static const char good[] = "hash,quality,category,reference,contributed_by,added\n"
				   "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22,100,recruitment,RU-1,EU-IRU,2024-05-01\n"
				   "e4cc89d91c623842f8d1f1d9a398e78c9f199a3bf87925f2b7e11e0bf061b064,,,,,\n";
	file = read_list(good);
	memset(io, 0, sizeof(*io));
	io->category = "other";
	io->reference = "batch-7";
	assert_int_equal(referral_hashlist_import(f->s, &list, file, io), RCX_OK);
	assert_int_equal(io->read, 2);
	assert_int_equal(io->added, 2);
	assert_int_equal(io->n_errors, 0);
	memset(io, 0, sizeof(*io));
	io->category = "other";
	assert_int_equal(referral_hashlist_import(f->s, &list, file, io), RCX_OK);
	assert_int_equal(io->added, 0); /* again: nothing new */
	referral_list_free(file);

	/* export: the store's entries as a list file, names for ids */
	struct referral_list *out = NULL;
	assert_int_equal(referral_hashlist_export(f->s, id, NULL, &out), RCX_OK);
	assert_int_equal(out->n, 2);
	char hex[REFERRAL_HASH_HEX_LEN + 1];
	referral_hash_format(&out->hashes[0], hex);
	assert_string_equal(hex, "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22");
	assert_string_equal(out->entries[0].contributed_by, "EU-IRU");
	assert_string_equal(out->entries[0].category, "recruitment");
	assert_string_equal(out->entries[0].reference, "RU-1");
	assert_int_equal(strncmp(out->entries[0].added, "2024-05-01T00:00:00", 19), 0);
	assert_string_equal(out->entries[1].contributed_by, "CERT.hr");
	assert_string_equal(out->entries[1].category, "other");
	assert_string_equal(out->entries[1].reference, "batch-7");
	assert_int_equal(out->entries[1].quality, -1);
	assert_int_equal(out->entries[1].line, 2);
	/* written as CSV and read back: the same entries */
	struct rcx_strbuf csv = RCX_STRBUF_INIT(0);
	assert_int_equal(referral_list_write(out, REFERRAL_LIST_CSV, &csv), RCX_OK);
	struct referral_list *back = NULL;
	assert_int_equal(referral_list_read_mem(csv.data, csv.len, NULL, &back), RCX_OK);
	assert_int_equal(back->n_errors, 0);
	assert_int_equal(back->n, 2);
	assert_memory_equal(back->hashes, out->hashes, 2 * sizeof(*out->hashes));
	referral_list_free(back);
	rcx_strbuf_free(&csv);
	referral_list_free(out);

	/* what a viewer may match against */
	int64_t u = user_add(f, "analyst@eu-iru.example", b, TRUST_ROLE_ANALYST);
	struct rcx_label red = {.owner_org = a, .tlp = RCX_TLP_RED, .dist = RCX_DIST_NODE};
	int64_t hidden = list_put(f, "hidden", &red);
	struct store_hashlist_entry e = entry(hidden, 7, a);
	assert_int_equal(store_hashlist_entry_add(f->s, &e, 1, NULL), RCX_OK);
	struct trust_viewer v = {.kind = TRUST_VIEWER_MEMBER, .role = TRUST_ROLE_ANALYST, .user = u, .org = b};
	struct store_visibility vis;
	trust_store_visibility(&v, &vis);
	struct referral_hashlist_set set;
	assert_int_equal(referral_hashlist_load_visible(f->s, &vis, 100, &set), RCX_OK);
	assert_int_equal(set.n, 1);
	assert_string_equal(set.names[0], "units");
	assert_int_equal(set.entries, 2);
	assert_int_equal(set.files[0]->n, 2);
	referral_hashlist_set_free(&set);
	assert_int_equal(referral_hashlist_load_visible(f->s, NULL, 100, &set), RCX_OK);
	assert_int_equal(set.n, 2);
	assert_int_equal(set.entries, 3);
	referral_hashlist_set_free(&set);
	assert_int_equal(referral_hashlist_load_visible(f->s, NULL, 2, &set), RCX_ELIMIT);
	referral_hashlist_set_free(&set);
	assert_int_equal(referral_hashlist_export(f->s, hidden, &vis, &out), RCX_ENOTFOUND);
	free(io);
}

/* An import larger than one batch (RCX_HASHLIST_IMPORT_BATCH): every entry arrives, once. SQLite
 * only: the in-memory store's duplicate check is a linear scan, too slow at this size. */
static void test_referral_import_batches(void **state)
{
	struct fixture *f = *state;
	int64_t a = org_add(f, "CERT.hr", 0);
	struct rcx_label lab = {.owner_org = a, .tlp = RCX_TLP_GREEN, .dist = RCX_DIST_NODE};
	struct store_hashlist list = {.name = "big", .label = lab};
	assert_int_equal(store_hashlist_put(f->s, &list, &list.id), RCX_OK);
	size_t n = RCX_HASHLIST_IMPORT_BATCH + 1000;
	struct rcx_strbuf text = RCX_STRBUF_INIT(0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rcx_strbuf_printf(&text, "%064zx,100\n", i * 2654435761u), RCX_OK);
	struct referral_list *file = NULL;
	assert_int_equal(referral_list_read_mem(text.data, text.len, NULL, &file), RCX_OK);
	assert_int_equal(file->n, n);
	struct referral_hashlist_import *io = calloc(1, sizeof(*io));
	assert_non_null(io);
	io->category = "propaganda";
	assert_int_equal(referral_hashlist_import(f->s, &list, file, io), RCX_OK);
	assert_int_equal(io->added, n);
	uint64_t count = 0;
	assert_int_equal(store_hashlist_entry_count(f->s, list.id, NULL, &count), RCX_OK);
	assert_int_equal(count, n);
	free(io);
	referral_list_free(file);
	rcx_strbuf_free(&text);
}

/* The hex ↔ bytes mapping the store's BLOBs use: byte 0 is the first two hex digits. */
static void test_hash_bytes(void **state)
{
	(void)state;
	struct referral_hash h, back;
	assert_int_equal(referral_hash_parse("0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978", 64, &h),
			 RCX_OK);
	uint8_t b[32];
	referral_hashlist_hash_to_bytes(&h, b);
	assert_int_equal(b[0], 0x01);
	assert_int_equal(b[1], 0x23);
	assert_int_equal(b[8], 0x00);
	assert_int_equal(b[9], 0x11);
	assert_int_equal(b[31], 0x78);
	referral_hashlist_hash_from_bytes(b, &back);
	assert_memory_equal(&back, &h, sizeof(h));
}

#define BOTH(t) ON(0, t), ON(1, t)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_lists),
		BOTH(test_entries),
		BOTH(test_entry_fields),
		BOTH(test_transactions),
		BOTH(test_visibility_matrix),
		BOTH(test_referral_import),
		ON(1, test_referral_import_batches),
		cmocka_unit_test(test_hash_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
