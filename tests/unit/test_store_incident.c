/* Conformance suite of the store's incidents (struct store_incident_ops), run against each
 * implementation like test_store.c: put and get (by id and by receipt), update, filters and
 * counts, timeline entries (with those of merged incidents), observables, stages, event links,
 * transactions, and the visibility matrix extended to incidents — for viewers of every role of
 * every organisation, an anonymous viewer and a federation peer, every read path (query, count,
 * get, timeline, observables, stages, links, the overdue filter) shows exactly the incidents
 * trust_visible() admits for the labels the store reports, and nothing of the others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/label.h"
#include "core/time.h"
#include "store/store.h"
#include "store/store_incident.h"
#include "trust/trust.h"

#include "store_fixture.h"

static int64_t org_add(struct fixture *f, const char *name, int64_t parent)
{
	int64_t id = 0;
	struct store_org o = {.name = name, .country = "RS", .kind = "other", .parent = parent};
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

static int64_t inc_put(struct fixture *f, const char *receipt, const char *status, const char *countries,
		       const struct rcx_label *label)
{
	int64_t id = 0;
	struct store_incident inc = {.receipt = receipt, .title = "Phishing wave", .description = "text",
				     .status = status, .countries = countries, .loss_amount = -1};
	if (label)
		inc.label = *label;
	else
		inc.label = (struct rcx_label){.tlp = RCX_TLP_AMBER, .dist = RCX_DIST_ORG};
	assert_int_equal(store_incident_put(f->s, &inc, &id), RCX_OK);
	return id;
}

#define MAX_IDS 512

struct ids {
	size_t n;
	int64_t id[MAX_IDS];
};

static enum rcx_result ids_inc(void *ctx, const struct store_incident *inc)
{
	struct ids *r = ctx;
	assert_true(r->n < MAX_IDS);
	r->id[r->n++] = inc->id;
	return RCX_OK;
}

static enum rcx_result ids_entry(void *ctx, const struct store_incident_entry *e)
{
	struct ids *r = ctx;
	assert_true(r->n < MAX_IDS);
	r->id[r->n++] = e->id;
	return RCX_OK;
}

static enum rcx_result ids_obs(void *ctx, const struct store_incident_observable *o)
{
	struct ids *r = ctx;
	assert_true(r->n < MAX_IDS);
	r->id[r->n++] = o->incident;
	return RCX_OK;
}

static enum rcx_result ids_stage(void *ctx, const struct store_incident_stage *st)
{
	struct ids *r = ctx;
	assert_true(r->n < MAX_IDS);
	r->id[r->n++] = st->due_us;
	return RCX_OK;
}

static enum rcx_result ids_id(void *ctx, int64_t id)
{
	struct ids *r = ctx;
	assert_true(r->n < MAX_IDS);
	r->id[r->n++] = id;
	return RCX_OK;
}

static void test_put_get_update(void **state)
{
	struct fixture *f = *state;
	int64_t org = org_add(f, "SRB-CERT", 0);
	const int64_t rec[] = {org};
	struct rcx_label l = {.owner_org = org, .creator = 0, .tlp = RCX_TLP_GREEN, .dist = RCX_DIST_NODE,
			      .orgs = rec, .n_orgs = 1};
	struct store_incident in = {
		.receipt = "RCX-AAAAA", .title = "DDoS on a ministry", .description = "see 192.0.2.1",
		.reporter_contact = "anon@example.org", .affected_name = "Ministry X", .countries = "RS,HR",
		.sector = "energy", .subsector = "gas-energy", .rsit = "ddos", .severity = "high", .status = "new",
		.aware_us = 1000, .loss_amount = 5000, .loss_currency = "EUR", .cross_border = true, .label = l,
		.created_us = 2000000, .updated_us = 2000000,
	};
	int64_t id = 0, id2 = 0;
	assert_int_equal(store_incident_put(f->s, &in, &id), RCX_OK);
	assert_true(id > 0);
	assert_int_equal(store_incident_put(f->s, &in, &id2), RCX_EEXIST); /* receipt taken */
	struct store_incident bad = in;
	bad.receipt = "RCX-B";
	bad.title = NULL;
	assert_int_equal(store_incident_put(f->s, &bad, &id2), RCX_EINVAL);
	bad.title = "t";
	bad.label.tlp = RCX_TLP_MAX;
	assert_int_equal(store_incident_put(f->s, &bad, &id2), RCX_EINVAL);
	bad.label = l;
	const int64_t nobody[] = {999};
	bad.label.orgs = nobody;
	assert_int_equal(store_incident_put(f->s, &bad, &id2), RCX_ENOTFOUND); /* a recipient that does not exist */
	bad.label = l;
	bad.label.dist = RCX_DIST_GROUP;
	bad.label.group = 77;
	assert_int_equal(store_incident_put(f->s, &bad, &id2), RCX_ENOTFOUND);
	uint64_t n = 9;
	assert_int_equal(store_incident_count(f->s, &(struct store_incident_filter){0}, &n), RCX_OK);
	assert_int_equal(n, 1); /* nothing half-stored */

	struct store_incident got;
	assert_int_equal(store_incident_get(f->s, id, NULL, &got), RCX_OK);
	assert_int_equal(got.id, id);
	assert_string_equal(got.receipt, "RCX-AAAAA");
	assert_string_equal(got.title, "DDoS on a ministry");
	assert_string_equal(got.reporter_contact, "anon@example.org");
	assert_string_equal(got.affected_name, "Ministry X");
	assert_string_equal(got.countries, "RS,HR");
	assert_string_equal(got.subsector, "gas-energy");
	assert_string_equal(got.loss_currency, "EUR");
	assert_int_equal(got.loss_amount, 5000);
	assert_true(got.cross_border);
	assert_false(got.victim_disclosed);
	assert_int_equal(got.aware_us, 1000);
	assert_int_equal(got.created_us, 2000000);
	assert_int_equal(got.label.tlp, RCX_TLP_GREEN);
	assert_int_equal(got.label.dist, RCX_DIST_NODE);
	assert_int_equal(got.label.n_orgs, 1);
	assert_int_equal(got.label.orgs[0], org);
	assert_null(got.assignee ? "x" : NULL);
	assert_int_equal(store_incident_get(f->s, id + 100, NULL, &got), RCX_ENOTFOUND);
	assert_int_equal(store_incident_get_receipt(f->s, "RCX-AAAAA", &got), RCX_OK);
	assert_int_equal(got.id, id);
	assert_int_equal(store_incident_get_receipt(f->s, "RCX-NOPE", &got), RCX_ENOTFOUND);

	/* update replaces the mutable fields, keeps receipt, label and creation */
	got.status = "triaged";
	got.status_reason = NULL;
	got.assignee = 3;
	got.countries = "RS";
	got.victim_disclosed = true;
	got.receipt = "RCX-CHANGED";
	got.label.tlp = RCX_TLP_RED;
	got.updated_us = 3000000;
	assert_int_equal(store_incident_update(f->s, &got), RCX_OK);
	assert_int_equal(store_incident_get(f->s, id, NULL, &got), RCX_OK);
	assert_string_equal(got.status, "triaged");
	assert_int_equal(got.assignee, 3);
	assert_string_equal(got.countries, "RS");
	assert_true(got.victim_disclosed);
	assert_string_equal(got.receipt, "RCX-AAAAA");
	assert_int_equal(got.label.tlp, RCX_TLP_GREEN);
	assert_int_equal(got.created_us, 2000000);
	assert_int_equal(got.updated_us, 3000000);
	got.id = id + 100;
	assert_int_equal(store_incident_update(f->s, &got), RCX_ENOTFOUND);
	struct rcx_label lg;
	assert_int_equal(store_incident_label_get(f->s, id, &lg), RCX_OK);
	assert_int_equal(lg.owner_org, org);
	assert_int_equal(lg.n_orgs, 1);
}

static void test_filters(void **state)
{
	struct fixture *f = *state;
	int64_t a = inc_put(f, "R1", "new", "RS", NULL);
	int64_t b = inc_put(f, "R2", "triaged", "HR,RS", NULL);
	int64_t c = inc_put(f, "R3", "new", "ME", NULL);
	inc_put(f, "R4", "closed", NULL, NULL);
	struct ids got = {0};
	uint64_t n = 0;
	struct store_incident_filter flt = {.status = "new"};
	assert_int_equal(store_incident_query(f->s, &flt, ids_inc, &got), RCX_OK);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.id[0], a);
	assert_int_equal(got.id[1], c);
	flt = (struct store_incident_filter){.country = "RS"};
	assert_int_equal(store_incident_count(f->s, &flt, &n), RCX_OK);
	assert_int_equal(n, 2);
	flt.country = "R"; /* a code, not a substring */
	assert_int_equal(store_incident_count(f->s, &flt, &n), RCX_OK);
	assert_int_equal(n, 0);
	flt = (struct store_incident_filter){.after_id = a, .limit = 2};
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_incident_query(f->s, &flt, ids_inc, &got), RCX_OK);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.id[0], b);
	assert_int_equal(store_incident_count(f->s, &flt, &n), RCX_OK);
	assert_int_equal(n, 3); /* counts ignore the limit */

	/* stages: pending with a due time make an incident overdue at and after it */
	struct store_incident_stage st = {a, "notification", 5000, 0};
	assert_int_equal(store_incident_stage_put(f->s, &st), RCX_OK);
	st = (struct store_incident_stage){b, "final", 9000, 0};
	assert_int_equal(store_incident_stage_put(f->s, &st), RCX_OK);
	st = (struct store_incident_stage){c, "intermediate", 0, 0}; /* no deadline: never overdue */
	assert_int_equal(store_incident_stage_put(f->s, &st), RCX_OK);
	flt = (struct store_incident_filter){.overdue_at_us = 4999};
	assert_int_equal(store_incident_count(f->s, &flt, &n), RCX_OK);
	assert_int_equal(n, 0);
	flt.overdue_at_us = 5000;
	assert_int_equal(store_incident_count(f->s, &flt, &n), RCX_OK);
	assert_int_equal(n, 1);
	flt.overdue_at_us = 10000;
	assert_int_equal(store_incident_count(f->s, &flt, &n), RCX_OK);
	assert_int_equal(n, 2);
	st = (struct store_incident_stage){a, "notification", 5000, 4000}; /* submitted (upsert) */
	assert_int_equal(store_incident_stage_put(f->s, &st), RCX_OK);
	assert_int_equal(store_incident_count(f->s, &flt, &n), RCX_OK);
	assert_int_equal(n, 1);
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_incident_stages(f->s, a, NULL, ids_stage, &got), RCX_OK);
	assert_int_equal(got.n, 1);
	st.incident = 999;
	assert_int_equal(store_incident_stage_put(f->s, &st), RCX_ENOTFOUND);
}

static void test_timeline_merge(void **state)
{
	struct fixture *f = *state;
	int64_t a = inc_put(f, "R1", "new", "RS", NULL), b = inc_put(f, "R2", "new", "RS", NULL);
	int64_t c = inc_put(f, "R3", "new", "RS", NULL);
	struct store_incident_entry e = {.incident = a, .kind = "note", .author = 1, .time_us = 300, .text = "third"};
	int64_t e1, e2, e3, e4;
	assert_int_equal(store_incident_entry_add(f->s, &e, &e1), RCX_OK);
	e.time_us = 100;
	e.text = "first";
	assert_int_equal(store_incident_entry_add(f->s, &e, &e2), RCX_OK);
	e = (struct store_incident_entry){.incident = b, .kind = "note", .time_us = 200, .text = "from b"};
	assert_int_equal(store_incident_entry_add(f->s, &e, &e3), RCX_OK);
	e = (struct store_incident_entry){.incident = c, .kind = "note", .time_us = 250, .text = "from c"};
	assert_int_equal(store_incident_entry_add(f->s, &e, &e4), RCX_OK);
	e.incident = 999;
	assert_int_equal(store_incident_entry_add(f->s, &e, NULL), RCX_ENOTFOUND);
	struct ids got = {0};
	assert_int_equal(store_incident_entries(f->s, a, NULL, ids_entry, &got), RCX_OK);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.id[0], e2); /* by time */
	assert_int_equal(got.id[1], e1);

	struct store_incident_observable o = {a, "ip", "192.0.2.1", 0};
	assert_int_equal(store_incident_observable_add(f->s, &o), RCX_OK);
	assert_int_equal(store_incident_observable_add(f->s, &o), RCX_OK); /* once */
	o = (struct store_incident_observable){c, "domain", "evil.example", e4};
	assert_int_equal(store_incident_observable_add(f->s, &o), RCX_OK);

	/* c merged into b, b into a: a's timeline and observables hold all three */
	struct store_incident inc;
	assert_int_equal(store_incident_get(f->s, c, NULL, &inc), RCX_OK);
	inc.status = "duplicate";
	inc.merged_into = b;
	assert_int_equal(store_incident_update(f->s, &inc), RCX_OK);
	assert_int_equal(store_incident_get(f->s, b, NULL, &inc), RCX_OK);
	inc.status = "duplicate";
	inc.merged_into = a;
	assert_int_equal(store_incident_update(f->s, &inc), RCX_OK);
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_incident_entries(f->s, a, NULL, ids_entry, &got), RCX_OK);
	assert_int_equal(got.n, 4);
	assert_int_equal(got.id[0], e2);
	assert_int_equal(got.id[1], e3);
	assert_int_equal(got.id[2], e4);
	assert_int_equal(got.id[3], e1);
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_incident_observables(f->s, a, NULL, ids_obs, &got), RCX_OK);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.id[0], c); /* domain before ip */
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_incident_entries(f->s, c, NULL, ids_entry, &got), RCX_OK);
	assert_int_equal(got.n, 1); /* the duplicate keeps its own */

	/* event links */
	struct fixture *ff = f;
	int64_t ev = 0;
	enum store_put_status ps;
	assert_int_equal(store_event_put(ff->s, mkev(ff, "source.ip", "192.0.2.1", "classification.type", "scanner", NULL),
					 0, &ps, &ev),
			 RCX_OK);
	assert_int_equal(store_incident_event_link(f->s, a, ev), RCX_OK);
	assert_int_equal(store_incident_event_link(f->s, a, ev), RCX_OK);
	assert_int_equal(store_incident_event_link(f->s, a, ev + 50), RCX_ENOTFOUND);
	memset(&got, 0, sizeof(got));
	assert_int_equal(store_incident_events(f->s, a, NULL, ids_id, &got), RCX_OK);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.id[0], ev);
}

static void test_transactions(void **state)
{
	struct fixture *f = *state;
	int64_t a = inc_put(f, "R1", "new", "RS", NULL);
	assert_int_equal(store_begin(f->s), RCX_OK);
	int64_t b = inc_put(f, "R2", "new", "RS", NULL);
	struct store_incident inc;
	assert_int_equal(store_incident_get(f->s, a, NULL, &inc), RCX_OK);
	inc.status = "triaged";
	assert_int_equal(store_incident_update(f->s, &inc), RCX_OK);
	struct store_incident_entry e = {.incident = a, .kind = "note", .text = "gone"};
	assert_int_equal(store_incident_entry_add(f->s, &e, NULL), RCX_OK);
	struct store_incident_stage st = {a, "final", 10, 0};
	assert_int_equal(store_incident_stage_put(f->s, &st), RCX_OK);
	assert_int_equal(store_rollback(f->s), RCX_OK);
	assert_int_equal(store_incident_get(f->s, b, NULL, &inc), RCX_ENOTFOUND);
	assert_int_equal(store_incident_get(f->s, a, NULL, &inc), RCX_OK);
	assert_string_equal(inc.status, "new");
	struct ids got = {0};
	assert_int_equal(store_incident_entries(f->s, a, NULL, ids_entry, &got), RCX_OK);
	assert_int_equal(got.n, 0);
	assert_int_equal(store_incident_stages(f->s, a, NULL, ids_stage, &got), RCX_OK);
	assert_int_equal(got.n, 0);
	/* committed work stays, and the receipt of the rolled-back one is free again */
	assert_int_equal(store_begin(f->s), RCX_OK);
	b = inc_put(f, "R2", "new", "RS", NULL);
	assert_int_equal(store_commit(f->s), RCX_OK);
	assert_int_equal(store_incident_get(f->s, b, NULL, &inc), RCX_OK);
}

/* ---- the visibility matrix, for incidents ---- */

enum naming { NAMING_NONE, NAMING_ORG, NAMING_USERS, NAMING_MAX };
enum { ROLE_N = TRUST_ROLE_MAX, ORGS = 6 };

struct matrix {
	int64_t org[ORGS]; /* owner, recipient, client (served by recipient), member, other, peer */
	int64_t group;
	int64_t user[ORGS][ROLE_N];
	int64_t inc[RCX_TLP_MAX * RCX_DIST_MAX * NAMING_MAX + 8];
	size_t n_inc;
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
	struct store_group g = {.name = "finance-isac", .owner_org = m->org[0]};
	assert_int_equal(store_group_add(f->s, &g, &m->group), RCX_OK);
	assert_int_equal(store_group_member_set(f->s, m->group, m->org[0], true), RCX_OK);
	assert_int_equal(store_group_member_set(f->s, m->group, m->org[3], true), RCX_OK);
	for (int o = 0; o < ORGS; o++)
		for (int role = 0; role < ROLE_N; role++) {
			snprintf(name, sizeof(name), "%s@%s.example", trust_role_name((enum trust_role)role), word[o]);
			m->user[o][role] = user_add(f, name, m->org[o], role);
		}
	char receipt[32];
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
				snprintf(receipt, sizeof(receipt), "M-%d", k++);
				m->inc[m->n_inc++] = inc_put(f, receipt, nm == NAMING_NONE ? "new" : "triaged", "RS", &l);
			}
	/* others' incidents, one created by a reporter of the client */
	struct rcx_label l = {.owner_org = m->org[4], .tlp = RCX_TLP_RED, .dist = RCX_DIST_ORG};
	m->inc[m->n_inc++] = inc_put(f, "X-1", "new", "HR", &l);
	l = (struct rcx_label){.owner_org = m->org[0], .creator = m->user[2][TRUST_ROLE_REPORTER], .tlp = RCX_TLP_AMBER,
			       .dist = RCX_DIST_ORG};
	m->inc[m->n_inc++] = inc_put(f, "X-2", "new", "RS", &l);
	l = (struct rcx_label){.owner_org = 0, .tlp = RCX_TLP_CLEAR, .dist = RCX_DIST_FEDERATION};
	m->inc[m->n_inc++] = inc_put(f, "X-3", "new", "ME", &l);
	/* every incident has a timeline entry, an observable, an overdue stage and a linked event */
	int64_t ev = 0;
	enum store_put_status ps;
	assert_int_equal(store_event_put(f->s, mkev(f, "source.ip", "192.0.2.7", "classification.type", "scanner", NULL), 0,
					 &ps, &ev),
			 RCX_OK);
	for (size_t i = 0; i < m->n_inc; i++) {
		struct store_incident_entry e = {.incident = m->inc[i], .kind = "note", .time_us = 1, .text = "x"};
		assert_int_equal(store_incident_entry_add(f->s, &e, NULL), RCX_OK);
		struct store_incident_observable o = {m->inc[i], "ip", "192.0.2.7", 0};
		assert_int_equal(store_incident_observable_add(f->s, &o), RCX_OK);
		struct store_incident_stage st = {m->inc[i], "notification", 100, 0};
		assert_int_equal(store_incident_stage_put(f->s, &st), RCX_OK);
		assert_int_equal(store_incident_event_link(f->s, m->inc[i], ev), RCX_OK);
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
		for (size_t i = 0; i < m->n_inc; i++) {
			struct rcx_label l;
			assert_int_equal(store_incident_label_get(f->s, m->inc[i], &l), RCX_OK);
			if (trust_visible(v, &l))
				ids_id(want, m->inc[i]);
		}
		memset(got, 0, sizeof(*got));
		struct store_incident_filter flt = {.vis = &vis};
		assert_int_equal(store_incident_query(f->s, &flt, ids_inc, got), RCX_OK);
		if (got->n != want->n)
			fail_msg("%s, viewer %zu: %zu incidents, trust_visible admits %zu", f->be->name, vi, got->n, want->n);
		for (size_t i = 0; i < got->n; i++)
			assert_int_equal(got->id[i], want->id[i]);
		uint64_t n = 0;
		assert_int_equal(store_incident_count(f->s, &flt, &n), RCX_OK);
		assert_int_equal(n, want->n);
		flt.overdue_at_us = 100; /* every incident has an overdue stage: the same ones */
		assert_int_equal(store_incident_count(f->s, &flt, &n), RCX_OK);
		assert_int_equal(n, want->n);
		flt = (struct store_incident_filter){.vis = &vis, .status = "triaged"};
		size_t triaged = 0;
		for (size_t i = 0; i < want->n; i++) {
			struct store_incident inc;
			assert_int_equal(store_incident_get(f->s, want->id[i], NULL, &inc), RCX_OK);
			triaged += !strcmp(inc.status, "triaged");
		}
		assert_int_equal(store_incident_count(f->s, &flt, &n), RCX_OK);
		assert_int_equal(n, triaged);
		if (want->n > 0 && want->n < m->n_inc)
			partial++;
		/* every single-incident read path: present exactly when visible */
		for (size_t i = 0; i < m->n_inc; i++) {
			bool visible = false;
			for (size_t w = 0; w < want->n; w++)
				visible |= want->id[w] == m->inc[i];
			enum rcx_result expect = visible ? RCX_OK : RCX_ENOTFOUND;
			struct store_incident inc;
			struct ids sub = {0};
			assert_int_equal(store_incident_get(f->s, m->inc[i], &vis, &inc), expect);
			assert_int_equal(store_incident_entries(f->s, m->inc[i], &vis, ids_entry, &sub), expect);
			assert_int_equal(store_incident_observables(f->s, m->inc[i], &vis, ids_obs, &sub), expect);
			assert_int_equal(store_incident_stages(f->s, m->inc[i], &vis, ids_stage, &sub), expect);
			assert_int_equal(store_incident_events(f->s, m->inc[i], &vis, ids_id, &sub), expect);
			assert_int_equal(sub.n, visible ? 4 : 0); /* nothing of an invisible incident leaks */
		}
	}
	if (partial < m->n_viewers * 3 / 4)
		fail_msg("only %zu of %zu viewers see a proper subset", partial, m->n_viewers);
	/* cells spelled out: anonymous sees the CLEAR federation ones; the client's reporter sees
	 * what it created and CLEAR; the owner's admin sees all of the owner's */
	struct store_visibility vis;
	uint64_t n = 0;
	trust_store_visibility(&m->viewers[m->n_viewers - 2], &vis);
	assert_int_equal(store_incident_count(f->s, &(struct store_incident_filter){.vis = &vis}, &n), RCX_OK);
	assert_int_equal(n, NAMING_MAX + 1);
	trust_store_visibility(&m->viewers[2 * ROLE_N + TRUST_ROLE_REPORTER], &vis);
	struct store_incident inc;
	assert_int_equal(store_incident_get(f->s, m->inc[m->n_inc - 2], &vis, &inc), RCX_OK);
	trust_store_visibility(&m->viewers[4 * ROLE_N + TRUST_ROLE_ADMIN], &vis); /* the unrelated org */
	assert_int_equal(store_incident_get(f->s, m->inc[m->n_inc - 3], &vis, &inc), RCX_OK);
	assert_int_equal(store_incident_get(f->s, m->inc[m->n_inc - 2], &vis, &inc), RCX_ENOTFOUND);
	trust_store_visibility(&m->viewers[0], &vis);
	assert_int_equal(store_incident_count(f->s, &(struct store_incident_filter){.vis = &vis, .country = "RS"}, &n),
			 RCX_OK);
	assert_int_equal(n, RCX_TLP_MAX * RCX_DIST_MAX * NAMING_MAX + 1);
	free(got);
	free(want);
	free(m);
}

/* A merge never widens who sees a duplicate: its entries reach the survivor's timeline only for
 * viewers who may see the duplicate itself. */
static void test_merge_visibility(void **state)
{
	struct fixture *f = *state;
	int64_t owner = org_add(f, "Owner CERT", 0), other = org_add(f, "Other CERT", 0);
	int64_t u = user_add(f, "analyst@other.example", other, TRUST_ROLE_ANALYST);
	struct rcx_label green = {.owner_org = owner, .tlp = RCX_TLP_GREEN, .dist = RCX_DIST_NODE};
	struct rcx_label red = {.owner_org = owner, .tlp = RCX_TLP_RED, .dist = RCX_DIST_ORG};
	int64_t survivor = inc_put(f, "S", "new", "RS", &green), dup = inc_put(f, "D", "new", "RS", &red);
	struct store_incident_entry e = {.incident = dup, .kind = "note", .text = "victim name"};
	assert_int_equal(store_incident_entry_add(f->s, &e, NULL), RCX_OK);
	struct store_incident_observable o = {dup, "domain", "victim.example", 0};
	assert_int_equal(store_incident_observable_add(f->s, &o), RCX_OK);
	struct store_incident inc;
	assert_int_equal(store_incident_get(f->s, dup, NULL, &inc), RCX_OK);
	inc.status = "duplicate";
	inc.merged_into = survivor;
	assert_int_equal(store_incident_update(f->s, &inc), RCX_OK);
	struct trust_viewer v = {.kind = TRUST_VIEWER_MEMBER, .role = TRUST_ROLE_ANALYST, .user = u, .org = other};
	struct store_visibility vis;
	trust_store_visibility(&v, &vis);
	struct ids got = {0};
	assert_int_equal(store_incident_entries(f->s, survivor, &vis, ids_entry, &got), RCX_OK);
	assert_int_equal(got.n, 0);
	assert_int_equal(store_incident_observables(f->s, survivor, &vis, ids_obs, &got), RCX_OK);
	assert_int_equal(got.n, 0);
	assert_int_equal(store_incident_entries(f->s, survivor, NULL, ids_entry, &got), RCX_OK);
	assert_int_equal(got.n, 1); /* the operator sees it */
}

#define BOTH(t) ON(0, t), ON(1, t)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_put_get_update), BOTH(test_filters),           BOTH(test_timeline_merge),
		BOTH(test_transactions),   BOTH(test_visibility_matrix), BOTH(test_merge_visibility),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
