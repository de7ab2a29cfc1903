/* The visibility matrix: every viewer (role × relation to the owner) × every TLP × every
 * distribution × every recipient naming, decided three ways that must agree cell by cell:
 *   1. expect()          — the rule as docs/TRUST.md states it, written out independently here;
 *   2. trust_visible()   — the one decision function;
 *   3. trust_sql_where() — the same rule printed as SQL, run by SQLite over a table of all objects.
 * Plus a few cells spelled out literally, so the matrix cannot drift with the rule unnoticed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "trust/trust.h"

/* Organisations of the matrix. */
enum {
	ORG_OWNER = 1,     /* owns every object */
	ORG_RECIPIENT = 2, /* named as recipient in the "named" variants */
	ORG_CLIENT = 3,    /* served by ORG_RECIPIENT (parent) */
	ORG_GROUP = 4,     /* member of sharing group GROUP_A */
	ORG_OTHER = 5,     /* unrelated organisation on the node */
	ORG_PEER = 6,      /* a federated node's organisation */
};
#define GROUP_A 10
#define GROUP_B 11     /* a group ORG_GROUP is not in */
#define USER_CREATOR 100 /* reporter of ORG_OWNER who created the "created" variants */
#define USER_NAMED 200   /* analyst of ORG_OTHER named as RED recipient */

struct viewer_case {
	const char *name;
	struct trust_viewer v;
};

static struct viewer_case viewers[64];
static size_t n_viewers;

static void add_viewer(const char *name, enum trust_viewer_kind kind, enum trust_role role, int64_t user, int64_t org,
		       int64_t parent, const int64_t *groups, size_t n_groups)
{
	struct viewer_case *c = &viewers[n_viewers++];
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->v.kind = kind;
	c->v.role = role;
	c->v.user = user;
	c->v.org = org;
	c->v.parent_org = parent;
	for (size_t i = 0; i < n_groups; i++)
		c->v.groups[i] = groups[i];
	c->v.n_groups = n_groups;
}

static const char *const role_word[TRUST_ROLE_MAX] = {"admin", "analyst", "reporter", "readonly"};

static void build_viewers(void)
{
	static char names[64][48];
	static const int64_t group_a[] = {GROUP_A};
	static const int64_t group_b[] = {GROUP_B};
	struct {
		const char *rel;
		int64_t org, parent;
		const int64_t *groups;
		size_t n_groups;
	} rels[] = {
		{"owner", ORG_OWNER, 0, group_b, 1},
		{"recipient", ORG_RECIPIENT, 0, NULL, 0},
		{"client", ORG_CLIENT, ORG_RECIPIENT, NULL, 0},
		{"group", ORG_GROUP, 0, group_a, 1},
		{"other", ORG_OTHER, 0, NULL, 0},
	};
	n_viewers = 0;
	int64_t user = 1000;
	for (size_t r = 0; r < sizeof(rels) / sizeof(rels[0]); r++) {
		for (int role = 0; role < TRUST_ROLE_MAX; role++) {
			char *nm = names[n_viewers];
			snprintf(nm, sizeof(names[0]), "%s-%s", rels[r].rel, role_word[role]);
			add_viewer(nm, TRUST_VIEWER_MEMBER, (enum trust_role)role, user++, rels[r].org, rels[r].parent,
				   rels[r].groups, rels[r].n_groups);
		}
	}
	add_viewer("creator-reporter", TRUST_VIEWER_MEMBER, TRUST_ROLE_REPORTER, USER_CREATOR, ORG_OWNER, 0, NULL, 0);
	add_viewer("named-analyst", TRUST_VIEWER_MEMBER, TRUST_ROLE_ANALYST, USER_NAMED, ORG_OTHER, 0, NULL, 0);
	add_viewer("named-reporter", TRUST_VIEWER_MEMBER, TRUST_ROLE_REPORTER, USER_NAMED + 1, ORG_OTHER, 0, NULL, 0);
	add_viewer("peer", TRUST_VIEWER_PEER, TRUST_ROLE_READONLY, 0, ORG_PEER, 0, NULL, 0);
	add_viewer("peer-in-group", TRUST_VIEWER_PEER, TRUST_ROLE_READONLY, 0, ORG_PEER + 1, 0, group_a, 1);
	add_viewer("anonymous", TRUST_VIEWER_ANONYMOUS, TRUST_ROLE_READONLY, 0, 0, 0, NULL, 0);
}

/* Object variants besides TLP and distribution. */
enum naming {
	NAMING_NONE,       /* nobody named */
	NAMING_ORG,        /* ORG_RECIPIENT named */
	NAMING_PEER_ORG,   /* ORG_PEER named */
	NAMING_USERS,      /* USER_NAMED and USER_NAMED+1 named */
	NAMING_CREATED,    /* created by USER_CREATOR, nobody named */
	NAMING_MAX
};

struct object_case {
	int64_t id;
	struct rcx_label l;
	enum naming naming;
	int64_t orgs[1], users[2];
};

static struct object_case objects[RCX_TLP_MAX * RCX_DIST_MAX * NAMING_MAX];
static size_t n_objects;

static void build_objects(void)
{
	n_objects = 0;
	for (int t = 0; t < RCX_TLP_MAX; t++)
		for (int d = 0; d < RCX_DIST_MAX; d++)
			for (int nm = 0; nm < NAMING_MAX; nm++) {
				struct object_case *o = &objects[n_objects];
				memset(o, 0, sizeof(*o));
				o->id = (int64_t)++n_objects;
				o->naming = (enum naming)nm;
				o->l.owner_org = ORG_OWNER;
				o->l.tlp = (enum rcx_tlp)t;
				o->l.dist = (enum rcx_dist)d;
				o->l.group = d == RCX_DIST_GROUP ? GROUP_A : 0;
				if (nm == NAMING_ORG || nm == NAMING_PEER_ORG) {
					o->orgs[0] = nm == NAMING_ORG ? ORG_RECIPIENT : ORG_PEER;
					o->l.orgs = o->orgs;
					o->l.n_orgs = 1;
				}
				if (nm == NAMING_USERS) {
					o->users[0] = USER_NAMED;
					o->users[1] = USER_NAMED + 1;
					o->l.users = o->users;
					o->l.n_users = 2;
				}
				if (nm == NAMING_CREATED)
					o->l.creator = USER_CREATOR;
			}
}

/* The rule as docs/TRUST.md words it, written independently of src/trust/trust_rule.c. */
static bool expect(const struct trust_viewer *v, const struct object_case *o)
{
	const struct rcx_label *l = &o->l;
	bool member = v->kind == TRUST_VIEWER_MEMBER;
	bool peer = v->kind == TRUST_VIEWER_PEER;
	bool reader = peer || (member && v->role != TRUST_ROLE_REPORTER);

	/* your own organisation's data, unless you are only a reporter */
	if (member && reader && v->org == l->owner_org)
		return true;
	/* what you created */
	if (v->user != 0 && v->user == l->creator)
		return true;

	/* the distribution must reach you */
	bool in_group = false;
	for (size_t i = 0; i < v->n_groups; i++)
		in_group |= v->groups[i] == l->group;
	bool reached;
	switch (l->dist) {
	case RCX_DIST_ORG: reached = false; break;
	case RCX_DIST_GROUP: reached = in_group; break;
	case RCX_DIST_NODE: reached = member; break;
	default: reached = true; break; /* federation: this node, peers, and (for CLEAR) the public */
	}
	if (!reached)
		return false;

	bool org_named = false, parent_named = false, user_named = false;
	for (size_t i = 0; i < l->n_orgs; i++) {
		org_named |= v->org != 0 && l->orgs[i] == v->org;
		parent_named |= v->parent_org != 0 && l->orgs[i] == v->parent_org;
	}
	for (size_t i = 0; i < l->n_users; i++)
		user_named |= v->user != 0 && l->users[i] == v->user;

	switch (l->tlp) {
	case RCX_TLP_CLEAR:
		return true;
	case RCX_TLP_GREEN:
		return reader;
	case RCX_TLP_AMBER:
		return reader && (l->dist == RCX_DIST_GROUP || org_named || parent_named);
	case RCX_TLP_AMBER_STRICT:
		return reader && (l->dist == RCX_DIST_GROUP || org_named);
	default:
		return reader && user_named;
	}
}

static const struct rcx_label_columns cols = {
	.id = "o.id", .owner = "o.owner", .creator = "o.creator", .tlp = "o.tlp", .dist = "o.dist",
	.group = "o.grp", .kind = RCX_OBJECT_EVENT,
};

static sqlite3 *matrix_db(void)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE objects (id INTEGER PRIMARY KEY, owner INTEGER, creator INTEGER,"
				      " tlp TEXT, dist INTEGER, grp INTEGER);"
				      "CREATE TABLE recipients (kind INTEGER, object_id INTEGER, org_id INTEGER,"
				      " user_id INTEGER);",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_stmt *ins = NULL, *rec = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO objects VALUES (?,?,?,?,?,?)", -1, &ins, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO recipients VALUES (?,?,?,?)", -1, &rec, NULL), SQLITE_OK);
	for (size_t i = 0; i < n_objects; i++) {
		const struct object_case *o = &objects[i];
		sqlite3_bind_int64(ins, 1, o->id);
		sqlite3_bind_int64(ins, 2, o->l.owner_org);
		sqlite3_bind_int64(ins, 3, o->l.creator);
		sqlite3_bind_text(ins, 4, rcx_tlp_name(o->l.tlp), -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 5, (int)o->l.dist);
		sqlite3_bind_int64(ins, 6, o->l.group);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
		for (size_t k = 0; k < o->l.n_orgs + o->l.n_users; k++) {
			bool is_org = k < o->l.n_orgs;
			sqlite3_bind_int(rec, 1, RCX_OBJECT_EVENT);
			sqlite3_bind_int64(rec, 2, o->id);
			sqlite3_bind_int64(rec, 3, is_org ? o->l.orgs[k] : 0);
			sqlite3_bind_int64(rec, 4, is_org ? 0 : o->l.users[k - o->l.n_orgs]);
			assert_int_equal(sqlite3_step(rec), SQLITE_DONE);
			sqlite3_reset(rec);
		}
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(rec);
	return db;
}

static void describe(char *buf, size_t n, const struct viewer_case *vc, const struct object_case *o)
{
	static const char *const naming[] = {"none", "org", "peer-org", "users", "created"};
	snprintf(buf, n, "viewer %s, object tlp=%s dist=%s named=%s", vc->name, rcx_tlp_name(o->l.tlp),
		 rcx_dist_name(o->l.dist), naming[o->naming]);
}

static void test_matrix(void **state)
{
	(void)state;
	build_viewers();
	build_objects();
	sqlite3 *db = matrix_db();
	size_t cells = 0, visible = 0;
	for (size_t vi = 0; vi < n_viewers; vi++) {
		const struct viewer_case *vc = &viewers[vi];
		struct rcx_strbuf sql = RCX_STRBUF_INIT(0);
		assert_int_equal(rcx_strbuf_puts(&sql, "SELECT o.id FROM objects o WHERE "), RCX_OK);
		assert_int_equal(trust_sql_where(&vc->v, &cols, &sql), RCX_OK);
		assert_int_equal(rcx_strbuf_puts(&sql, " ORDER BY o.id"), RCX_OK);
		bool by_sql[sizeof(objects) / sizeof(objects[0]) + 1] = {false};
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK)
			fail_msg("bad SQL for %s: %s: %s", vc->name, sqlite3_errmsg(db), sql.data);
		while (sqlite3_step(st) == SQLITE_ROW)
			by_sql[sqlite3_column_int64(st, 0)] = true;
		sqlite3_finalize(st);
		for (size_t oi = 0; oi < n_objects; oi++) {
			const struct object_case *o = &objects[oi];
			bool want = expect(&vc->v, o);
			bool got = trust_visible(&vc->v, &o->l);
			char what[160];
			describe(what, sizeof(what), vc, o);
			if (got != want)
				fail_msg("trust_visible says %d, the rule says %d: %s", got, want, what);
			if (by_sql[o->id] != want)
				fail_msg("SQL says %d, the rule says %d: %s\n  SQL: %s", by_sql[o->id], want, what, sql.data);
			cells++;
			visible += want;
		}
		rcx_strbuf_free(&sql);
	}
	sqlite3_close(db);
	/* the matrix is what it claims to be: 26 viewers × 5 TLP × 4 distributions × 5 namings */
	assert_int_equal(cells, 26u * 5u * 4u * 5u);
	assert_true(visible > 0 && visible < cells);
}

static const struct viewer_case *viewer_named(const char *name)
{
	for (size_t i = 0; i < n_viewers; i++)
		if (strcmp(viewers[i].name, name) == 0)
			return &viewers[i];
	fail_msg("no viewer %s", name);
	return NULL;
}

static bool sees(const char *viewer, enum rcx_tlp tlp, enum rcx_dist dist, enum naming nm)
{
	for (size_t i = 0; i < n_objects; i++)
		if (objects[i].l.tlp == tlp && objects[i].l.dist == dist && objects[i].naming == nm)
			return trust_visible(&viewer_named(viewer)->v, &objects[i].l);
	fail_msg("no such object");
	return false;
}

/* Literal cells: what TRUST.md promises in its examples. */
static void test_literal_cells(void **state)
{
	(void)state;
	build_viewers();
	build_objects();
	/* AMBER on the node with nobody named: the owner only */
	assert_true(sees("owner-analyst", RCX_TLP_AMBER, RCX_DIST_NODE, NAMING_NONE));
	assert_false(sees("other-analyst", RCX_TLP_AMBER, RCX_DIST_NODE, NAMING_NONE));
	assert_false(sees("recipient-analyst", RCX_TLP_AMBER, RCX_DIST_NODE, NAMING_NONE));
	/* AMBER naming an org: that org and the orgs it serves; AMBER+STRICT: not the clients */
	assert_true(sees("recipient-analyst", RCX_TLP_AMBER, RCX_DIST_NODE, NAMING_ORG));
	assert_true(sees("client-readonly", RCX_TLP_AMBER, RCX_DIST_NODE, NAMING_ORG));
	assert_true(sees("recipient-readonly", RCX_TLP_AMBER_STRICT, RCX_DIST_NODE, NAMING_ORG));
	assert_false(sees("client-analyst", RCX_TLP_AMBER_STRICT, RCX_DIST_NODE, NAMING_ORG));
	assert_false(sees("other-admin", RCX_TLP_AMBER, RCX_DIST_FEDERATION, NAMING_ORG));
	/* AMBER to a sharing group: its members */
	assert_true(sees("group-analyst", RCX_TLP_AMBER, RCX_DIST_GROUP, NAMING_NONE));
	assert_false(sees("other-analyst", RCX_TLP_AMBER, RCX_DIST_GROUP, NAMING_NONE));
	/* a group distribution is an envelope: a named org outside the group stays outside */
	assert_false(sees("recipient-analyst", RCX_TLP_AMBER, RCX_DIST_GROUP, NAMING_ORG));
	/* GREEN: the community, readers only */
	assert_true(sees("other-readonly", RCX_TLP_GREEN, RCX_DIST_NODE, NAMING_NONE));
	assert_false(sees("other-reporter", RCX_TLP_GREEN, RCX_DIST_NODE, NAMING_NONE));
	assert_false(sees("peer", RCX_TLP_GREEN, RCX_DIST_NODE, NAMING_NONE));
	assert_true(sees("peer", RCX_TLP_GREEN, RCX_DIST_FEDERATION, NAMING_NONE));
	assert_false(sees("anonymous", RCX_TLP_GREEN, RCX_DIST_FEDERATION, NAMING_NONE));
	/* CLEAR: anyone the distribution reaches */
	assert_true(sees("anonymous", RCX_TLP_CLEAR, RCX_DIST_FEDERATION, NAMING_NONE));
	assert_false(sees("anonymous", RCX_TLP_CLEAR, RCX_DIST_NODE, NAMING_NONE));
	assert_true(sees("other-reporter", RCX_TLP_CLEAR, RCX_DIST_NODE, NAMING_NONE));
	/* RED: named users only, and they must be readers */
	assert_true(sees("named-analyst", RCX_TLP_RED, RCX_DIST_NODE, NAMING_USERS));
	assert_false(sees("named-reporter", RCX_TLP_RED, RCX_DIST_NODE, NAMING_USERS));
	assert_false(sees("other-analyst", RCX_TLP_RED, RCX_DIST_NODE, NAMING_USERS));
	assert_false(sees("named-analyst", RCX_TLP_RED, RCX_DIST_ORG, NAMING_USERS));
	/* the owner's readers see everything of theirs; its reporters only what they made */
	assert_true(sees("owner-readonly", RCX_TLP_RED, RCX_DIST_ORG, NAMING_NONE));
	assert_false(sees("owner-reporter", RCX_TLP_GREEN, RCX_DIST_ORG, NAMING_NONE));
	assert_true(sees("creator-reporter", RCX_TLP_RED, RCX_DIST_ORG, NAMING_CREATED));
	assert_false(sees("creator-reporter", RCX_TLP_RED, RCX_DIST_ORG, NAMING_NONE));
}

/* The SQL folds viewer facts: an anonymous viewer's filter mentions no owner, group or recipient. */
static void test_sql_folding(void **state)
{
	(void)state;
	build_viewers();
	struct rcx_strbuf sql = RCX_STRBUF_INIT(0);
	assert_int_equal(trust_sql_where(&viewer_named("anonymous")->v, &cols, &sql), RCX_OK);
	assert_string_equal(sql.data, "(o.dist = 3 AND o.tlp = 'clear')");
	rcx_strbuf_clear(&sql);
	struct trust_viewer nobody = {.kind = TRUST_VIEWER_MEMBER, .org = 0};
	assert_int_equal(trust_sql_where(&nobody, &cols, &sql), RCX_OK);
	assert_non_null(strstr(sql.data, "o.dist = 3"));
	assert_null(strstr(sql.data, "o.owner"));
	rcx_strbuf_free(&sql);
}

static void test_roles(void **state)
{
	(void)state;
	enum trust_role r;
	for (int i = 0; i < TRUST_ROLE_MAX; i++) {
		assert_int_equal(trust_role_parse(trust_role_name((enum trust_role)i), &r), RCX_OK);
		assert_int_equal(r, i);
	}
	assert_int_equal(trust_role_parse("read-only", &r), RCX_OK);
	assert_int_equal(r, TRUST_ROLE_READONLY);
	assert_int_equal(trust_role_parse("root", &r), RCX_EPARSE);
	assert_false(trust_role_writes(TRUST_ROLE_READONLY));
	enum rcx_dist d;
	for (int i = 0; i < RCX_DIST_MAX; i++) {
		const char *nm = rcx_dist_name((enum rcx_dist)i);
		assert_int_equal(rcx_dist_parse(nm, strlen(nm), &d), RCX_OK);
		assert_int_equal(d, i);
	}
	assert_int_equal(rcx_dist_parse("everyone", 8, &d), RCX_EPARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_literal_cells),
		cmocka_unit_test(test_sql_folding),
		cmocka_unit_test(test_roles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
