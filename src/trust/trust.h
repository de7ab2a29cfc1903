/* Trust: who is looking (struct trust_viewer) and the one rule that decides what they may see.
 *
 * trust_visible() is the only decision function. Read paths that filter in SQL use
 * trust_sql_where(), which prints the same rule (the same table, trust_rule.c) as a WHERE
 * fragment; tests/unit/test_trust.c checks both agree on every cell of the visibility matrix. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/label.h"
#include "core/limits.h"
#include "core/result.h"
#include "core/strbuf.h"
#include "store/store.h"

/* Roles of a user within their organisation. */
enum trust_role {
	TRUST_ROLE_ADMIN,    /* administers the organisation's users and keys; reads like an analyst */
	TRUST_ROLE_ANALYST,  /* reads and writes the organisation's data */
	TRUST_ROLE_REPORTER, /* submits reports; reads only what it created and CLEAR data */
	TRUST_ROLE_READONLY, /* reads what an analyst reads, changes nothing */
	TRUST_ROLE_MAX
};

/* What kind of party is looking. */
enum trust_viewer_kind {
	TRUST_VIEWER_ANONYMOUS, /* no account (public pages, public report form) */
	TRUST_VIEWER_MEMBER,    /* a user of an organisation on this node */
	TRUST_VIEWER_PEER,      /* a federated node, acting for its organisation */
	TRUST_VIEWER_KIND_MAX
};

/* A viewer as resolved at authentication: everything the rule needs about them, so deciding
 * never goes back to the store. */
struct trust_viewer {
	enum trust_viewer_kind kind;
	enum trust_role role;     /* members only */
	bool node_admin;          /* admin of the node's first organisation: may administer every org */
	int64_t user;             /* 0 for anonymous and peers */
	int64_t org;              /* the viewer's organisation; 0 for anonymous */
	int64_t parent_org;       /* the CERT that serves the viewer's organisation (AMBER clients); 0 = none */
	int64_t groups[RCX_VIEWER_GROUPS_MAX]; /* sharing groups the organisation belongs to, ascending */
	size_t n_groups;
};

/* The rule: may viewer v see an object labelled l? */
bool trust_visible(const struct trust_viewer *v, const struct rcx_label *l);

/* Appends to out an SQL boolean expression over cols that is true exactly for the rows
 * trust_visible would admit for v. Viewer facts are folded into constants; recipients are read
 * from the table recipients(kind, object_id, org_id, user_id). */
enum rcx_result trust_sql_where(const struct trust_viewer *v, const struct rcx_label_columns *cols,
				struct rcx_strbuf *out);

/* Fills ret_vis so that store queries apply the rule for v; v must outlive ret_vis. */
void trust_store_visibility(const struct trust_viewer *v, struct store_visibility *ret_vis);

/* "admin", "analyst", "reporter", "readonly"; never NULL. */
const char *trust_role_name(enum trust_role role);
/* Parses a role name (also "read-only"). */
enum rcx_result trust_role_parse(const char *s, enum trust_role *ret_role);
/* May this role change data (create, share, edit)? */
bool trust_role_writes(enum trust_role role);
