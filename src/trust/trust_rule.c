/* The one visibility rule, written once as data and read two ways.
 *
 * The rule is a small boolean tree (AND/OR of atoms, no negation) in `rule` below. An atom is a
 * fact about the viewer (anonymous, member, peer, reader) or about the viewer and the object
 * (owner, creator, TLP, distribution, group, named recipients). Two interpreters walk the tree:
 *   - rule_eval():  decides for one labelled object in C            → trust_visible()
 *   - rule_sql():   prints the same tree as an SQL WHERE expression → trust_sql_where()
 * Viewer facts are constants for a query, so rule_sql folds them away and prints only the
 * object facts. Because the tree has no negation, a NULL column can only make an atom false in
 * SQL, exactly as a 0 id does in C. Nothing else in rcx may restate the rule: change it here and
 * the visibility matrix test (tests/unit/test_trust.c) checks both interpreters cell by cell.
 *
 * In words (docs/TRUST.md says the same for CERT staff):
 *   visible = own organisation's data, for its readers
 *           | what the viewer created
 *           | (the distribution reaches the viewer) & (the TLP admits the viewer)
 *   reach   = group and the viewer's organisation is in it | node and a member of this node
 *           | federation (anyone, anonymous included, subject to TLP)
 *   TLP     = CLEAR
 *           | GREEN for readers
 *           | AMBER for readers of a named recipient org, of an org it serves, or of the group
 *           | AMBER+STRICT for readers of a named recipient org or of the group
 *           | RED for named recipient users who are readers
 * Readers are admins, analysts and read-only users of member organisations, and federated peers;
 * reporters read only what they created and CLEAR data. */
#include <inttypes.h>
#include <string.h>

#include "trust/trust.h"

enum rule_atom {
	/* about the viewer only */
	AT_ANONYMOUS,
	AT_MEMBER,
	AT_PEER,
	AT_READER,
	/* about the viewer and the object */
	AT_OWNER,
	AT_CREATOR,
	AT_TLP_CLEAR,
	AT_TLP_GREEN,
	AT_TLP_AMBER,
	AT_TLP_AMBER_STRICT,
	AT_TLP_RED,
	AT_DIST_ORG,
	AT_DIST_GROUP,
	AT_DIST_NODE,
	AT_DIST_FEDERATION,
	AT_IN_GROUP,          /* the object's sharing group is one of the viewer organisation's */
	AT_RECIPIENT_ORG,     /* the viewer's organisation is a named recipient */
	AT_RECIPIENT_CLIENT,  /* the organisation serving the viewer's is a named recipient */
	AT_RECIPIENT_USER,    /* the viewer is a named recipient user */
	AT_MAX
};

enum rule_op { OP_ATOM, OP_ALL, OP_ANY };

struct rule_node {
	enum rule_op op;
	enum rule_atom atom;                 /* OP_ATOM */
	const struct rule_node *const *kids; /* OP_ALL / OP_ANY, NULL-terminated */
};

#define A(a) (&(const struct rule_node){OP_ATOM, AT_##a, NULL})
#define ALL(...) (&(const struct rule_node){OP_ALL, AT_MAX, (const struct rule_node *const[]){__VA_ARGS__, NULL}})
#define ANY(...) (&(const struct rule_node){OP_ANY, AT_MAX, (const struct rule_node *const[]){__VA_ARGS__, NULL}})

/* The rule. See the top of the file for it in words. */
static const struct rule_node *const rule =
	ANY(ALL(A(OWNER), A(MEMBER), A(READER)),
	    A(CREATOR),
	    ALL(ANY(ALL(A(DIST_GROUP), A(IN_GROUP)),
		    ALL(A(DIST_NODE), A(MEMBER)),
		    A(DIST_FEDERATION)),
		ANY(A(TLP_CLEAR),
		    ALL(A(TLP_GREEN), A(READER)),
		    ALL(A(TLP_AMBER), A(READER), ANY(A(DIST_GROUP), A(RECIPIENT_ORG), A(RECIPIENT_CLIENT))),
		    ALL(A(TLP_AMBER_STRICT), A(READER), ANY(A(DIST_GROUP), A(RECIPIENT_ORG))),
		    ALL(A(TLP_RED), A(READER), A(RECIPIENT_USER)))));

/* ---- viewer facts (shared by both interpreters) ---- */

/* Returns 1/0 for a viewer-only atom, -1 for an atom that depends on the object. */
static int viewer_fact(const struct trust_viewer *v, enum rule_atom a)
{
	switch (a) {
	case AT_ANONYMOUS:
		return v->kind == TRUST_VIEWER_ANONYMOUS;
	case AT_MEMBER:
		return v->kind == TRUST_VIEWER_MEMBER && v->org > 0;
	case AT_PEER:
		return v->kind == TRUST_VIEWER_PEER && v->org > 0;
	case AT_READER:
		if (v->kind == TRUST_VIEWER_PEER)
			return v->org > 0;
		return v->kind == TRUST_VIEWER_MEMBER && v->org > 0 && v->role != TRUST_ROLE_REPORTER &&
		       (unsigned)v->role < TRUST_ROLE_MAX;
	default:
		return -1;
	}
}

static bool id_in(int64_t id, const int64_t *ids, size_t n)
{
	if (id <= 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* ---- interpreter 1: one object in C ---- */

static bool atom_eval(const struct trust_viewer *v, const struct rcx_label *l, enum rule_atom a)
{
	int f = viewer_fact(v, a);
	if (f >= 0)
		return f;
	switch (a) {
	case AT_OWNER:
		return v->org > 0 && l->owner_org == v->org;
	case AT_CREATOR:
		return v->user > 0 && l->creator == v->user;
	case AT_TLP_CLEAR:
		return l->tlp == RCX_TLP_CLEAR;
	case AT_TLP_GREEN:
		return l->tlp == RCX_TLP_GREEN;
	case AT_TLP_AMBER:
		return l->tlp == RCX_TLP_AMBER;
	case AT_TLP_AMBER_STRICT:
		return l->tlp == RCX_TLP_AMBER_STRICT;
	case AT_TLP_RED:
		return l->tlp == RCX_TLP_RED;
	case AT_DIST_ORG:
		return l->dist == RCX_DIST_ORG;
	case AT_DIST_GROUP:
		return l->dist == RCX_DIST_GROUP;
	case AT_DIST_NODE:
		return l->dist == RCX_DIST_NODE;
	case AT_DIST_FEDERATION:
		return l->dist == RCX_DIST_FEDERATION;
	case AT_IN_GROUP:
		return id_in(l->group, v->groups, v->n_groups);
	case AT_RECIPIENT_ORG:
		return id_in(v->org, l->orgs, l->n_orgs);
	case AT_RECIPIENT_CLIENT:
		return id_in(v->parent_org, l->orgs, l->n_orgs);
	case AT_RECIPIENT_USER:
		return id_in(v->user, l->users, l->n_users);
	default:
		return false;
	}
}

static bool rule_eval(const struct rule_node *n, const struct trust_viewer *v, const struct rcx_label *l)
{
	if (n->op == OP_ATOM)
		return atom_eval(v, l, n->atom);
	for (const struct rule_node *const *k = n->kids; *k; k++) {
		bool r = rule_eval(*k, v, l);
		if (n->op == OP_ALL && !r)
			return false;
		if (n->op == OP_ANY && r)
			return true;
	}
	return n->op == OP_ALL;
}

bool trust_visible(const struct trust_viewer *v, const struct rcx_label *l)
{
	if (!v || !l)
		return false;
	return rule_eval(rule, v, l);
}

/* ---- interpreter 2: the same tree as SQL ---- */

enum sql_value { SQL_FALSE, SQL_TRUE, SQL_EXPR };

static enum sql_value sql_recipient(const struct rcx_label_columns *c, const char *col, int64_t id,
				    struct rcx_strbuf *out)
{
	if (id <= 0)
		return SQL_FALSE;
	return rcx_strbuf_printf(out,
				 "EXISTS (SELECT 1 FROM recipients r WHERE r.kind = %d AND r.object_id = %s"
				 " AND r.%s = %" PRId64 ")",
				 (int)c->kind, c->id, col, id) == RCX_OK
		       ? SQL_EXPR
		       : SQL_FALSE;
}

static enum sql_value sql_eq_text(const char *col, const char *value, struct rcx_strbuf *out)
{
	/* value is one of our own canonical names, never outside input */
	return rcx_strbuf_printf(out, "%s = '%s'", col, value) == RCX_OK ? SQL_EXPR : SQL_FALSE;
}

static enum sql_value sql_eq_int(const char *col, int64_t value, struct rcx_strbuf *out)
{
	return rcx_strbuf_printf(out, "%s = %" PRId64, col, value) == RCX_OK ? SQL_EXPR : SQL_FALSE;
}

static enum sql_value atom_sql(const struct trust_viewer *v, const struct rcx_label_columns *c, enum rule_atom a,
			       struct rcx_strbuf *out)
{
	int f = viewer_fact(v, a);
	if (f >= 0)
		return f ? SQL_TRUE : SQL_FALSE;
	switch (a) {
	case AT_OWNER:
		return v->org > 0 ? sql_eq_int(c->owner, v->org, out) : SQL_FALSE;
	case AT_CREATOR:
		return v->user > 0 ? sql_eq_int(c->creator, v->user, out) : SQL_FALSE;
	case AT_TLP_CLEAR:
		return sql_eq_text(c->tlp, rcx_tlp_name(RCX_TLP_CLEAR), out);
	case AT_TLP_GREEN:
		return sql_eq_text(c->tlp, rcx_tlp_name(RCX_TLP_GREEN), out);
	case AT_TLP_AMBER:
		return sql_eq_text(c->tlp, rcx_tlp_name(RCX_TLP_AMBER), out);
	case AT_TLP_AMBER_STRICT:
		return sql_eq_text(c->tlp, rcx_tlp_name(RCX_TLP_AMBER_STRICT), out);
	case AT_TLP_RED:
		return sql_eq_text(c->tlp, rcx_tlp_name(RCX_TLP_RED), out);
	case AT_DIST_ORG:
		return sql_eq_int(c->dist, RCX_DIST_ORG, out);
	case AT_DIST_GROUP:
		return sql_eq_int(c->dist, RCX_DIST_GROUP, out);
	case AT_DIST_NODE:
		return sql_eq_int(c->dist, RCX_DIST_NODE, out);
	case AT_DIST_FEDERATION:
		return sql_eq_int(c->dist, RCX_DIST_FEDERATION, out);
	case AT_IN_GROUP: {
		size_t n = 0;
		for (size_t i = 0; i < v->n_groups; i++)
			if (v->groups[i] > 0)
				n++;
		if (n == 0)
			return SQL_FALSE;
		if (rcx_strbuf_printf(out, "%s IN (", c->group) != RCX_OK)
			return SQL_FALSE;
		const char *sep = "";
		for (size_t i = 0; i < v->n_groups; i++) {
			if (v->groups[i] <= 0)
				continue;
			if (rcx_strbuf_printf(out, "%s%" PRId64, sep, v->groups[i]) != RCX_OK)
				return SQL_FALSE;
			sep = ", ";
		}
		return rcx_strbuf_putc(out, ')') == RCX_OK ? SQL_EXPR : SQL_FALSE;
	}
	case AT_RECIPIENT_ORG:
		return sql_recipient(c, "org_id", v->org, out);
	case AT_RECIPIENT_CLIENT:
		return sql_recipient(c, "org_id", v->parent_org, out);
	case AT_RECIPIENT_USER:
		return sql_recipient(c, "user_id", v->user, out);
	default:
		return SQL_FALSE;
	}
}

/* Prints node n into out, folding constants: an ALL with a false child is false, an ANY with a
 * true child is true, and constant-true (ALL) or constant-false (ANY) children are dropped. On a
 * constant result nothing is left in out. Errors surface as *err. */
static enum sql_value rule_sql(const struct rule_node *n, const struct trust_viewer *v,
			       const struct rcx_label_columns *c, struct rcx_strbuf *out, enum rcx_result *err)
{
	size_t mark = out->len;
	if (n->op == OP_ATOM) {
		enum sql_value r = atom_sql(v, c, n->atom, out);
		if (r != SQL_EXPR)
			out->len = mark;
		return r;
	}
	enum sql_value absorbing = n->op == OP_ALL ? SQL_FALSE : SQL_TRUE;
	const char *joiner = n->op == OP_ALL ? " AND " : " OR ";
	size_t terms = 0;
	if (rcx_strbuf_putc(out, '(') != RCX_OK)
		goto oom;
	for (const struct rule_node *const *k = n->kids; *k; k++) {
		size_t before = out->len;
		if (terms > 0 && rcx_strbuf_puts(out, joiner) != RCX_OK)
			goto oom;
		enum sql_value r = rule_sql(*k, v, c, out, err);
		if (*err != RCX_OK)
			return SQL_FALSE;
		if (r == absorbing) {
			out->len = mark;
			return absorbing;
		}
		if (r != SQL_EXPR) {
			out->len = before; /* the neutral constant: drop it */
			continue;
		}
		terms++;
	}
	if (terms == 0) {
		out->len = mark;
		return n->op == OP_ALL ? SQL_TRUE : SQL_FALSE;
	}
	if (terms == 1) { /* a lone term needs no parentheses of its own */
		memmove(out->data + mark, out->data + mark + 1, out->len - mark - 1);
		out->len--;
		out->data[out->len] = '\0';
		return SQL_EXPR;
	}
	if (rcx_strbuf_putc(out, ')') != RCX_OK)
		goto oom;
	return SQL_EXPR;
oom:
	*err = RCX_ENOMEM;
	out->len = mark;
	return SQL_FALSE;
}

enum rcx_result trust_sql_where(const struct trust_viewer *v, const struct rcx_label_columns *cols,
				struct rcx_strbuf *out)
{
	if (!v || !cols || !out)
		return RCX_EINVAL;
	size_t mark = out->len;
	enum rcx_result err = RCX_OK;
	enum sql_value r = rule_sql(rule, v, cols, out, &err);
	if (err != RCX_OK) {
		out->len = mark;
		return err;
	}
	if (r != SQL_EXPR)
		err = rcx_strbuf_puts(out, r == SQL_TRUE ? "1" : "0");
	if (err == RCX_OK && out->len - mark > RCX_TRUST_SQL_MAX)
		err = RCX_ELIMIT;
	if (err != RCX_OK)
		out->len = mark;
	if (out->data && out->len < out->cap)
		out->data[out->len] = '\0';
	return err;
}

static bool store_visible(const void *viewer, const struct rcx_label *label)
{
	return trust_visible(viewer, label);
}

static enum rcx_result store_sql_where(const void *viewer, const struct rcx_label_columns *cols,
				       struct rcx_strbuf *out)
{
	return trust_sql_where(viewer, cols, out);
}

void trust_store_visibility(const struct trust_viewer *v, struct store_visibility *ret_vis)
{
	ret_vis->viewer = v;
	ret_vis->visible = store_visible;
	ret_vis->sql_where = store_sql_where;
}

/* ---- roles ---- */

static const char *const role_names[TRUST_ROLE_MAX] = {
	[TRUST_ROLE_ADMIN] = "admin",
	[TRUST_ROLE_ANALYST] = "analyst",
	[TRUST_ROLE_REPORTER] = "reporter",
	[TRUST_ROLE_READONLY] = "readonly",
};

const char *trust_role_name(enum trust_role role)
{
	return (unsigned)role < TRUST_ROLE_MAX ? role_names[role] : "readonly";
}

enum rcx_result trust_role_parse(const char *s, enum trust_role *ret_role)
{
	if (!s)
		return RCX_EINVAL;
	for (int i = 0; i < TRUST_ROLE_MAX; i++) {
		if (strcmp(s, role_names[i]) == 0) {
			*ret_role = (enum trust_role)i;
			return RCX_OK;
		}
	}
	if (strcmp(s, "read-only") == 0) {
		*ret_role = TRUST_ROLE_READONLY;
		return RCX_OK;
	}
	return RCX_EPARSE;
}

bool trust_role_writes(enum trust_role role)
{
	return role == TRUST_ROLE_ADMIN || role == TRUST_ROLE_ANALYST || role == TRUST_ROLE_REPORTER;
}
