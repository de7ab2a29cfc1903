/* The sharing label every object carries (event, and later incident, indicator, sighting, report,
 * hash list): who owns it, its TLP 2.0 label, how far it is distributed, and whom the owner named.
 * This is data only; src/trust/trust_rule.c holds the one rule that reads it. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"
#include "core/tlp.h"

/* How far an object travels, narrowest first. */
enum rcx_dist {
	RCX_DIST_ORG,        /* the owner organisation only */
	RCX_DIST_GROUP,      /* the organisations of one named sharing group */
	RCX_DIST_NODE,       /* every organisation on this node */
	RCX_DIST_FEDERATION, /* this node and federated nodes */
	RCX_DIST_MAX
};

/* Kinds of labelled objects; the number is stored with recipient lists, so append only. */
enum rcx_object_kind {
	RCX_OBJECT_EVENT = 1,
	RCX_OBJECT_INCIDENT = 2,
	RCX_OBJECT_HASHLIST = 3,
	RCX_OBJECT_KIND_MAX
};

/* An object's label. Ids are store ids; 0 means none. The recipient arrays are borrowed from
 * whoever filled the label (the store or the caller) and live as long as it says. */
struct rcx_label {
	int64_t owner_org;      /* owning organisation */
	int64_t creator;        /* user who created it; 0 for ingested data */
	enum rcx_tlp tlp;
	enum rcx_dist dist;
	int64_t group;          /* sharing group, meaningful when dist == RCX_DIST_GROUP */
	const int64_t *orgs;    /* organisations the owner named as recipients (AMBER, AMBER+STRICT) */
	size_t n_orgs;
	const int64_t *users;   /* users the owner named as recipients (RED) */
	size_t n_users;
};

/* Where a store keeps a label: SQL column names of a labelled table. id is the object id that
 * recipients(kind, object_id, org_id, user_id) refers to; tlp holds the canonical TLP name, dist
 * the enum rcx_dist number, group 0 or a sharing group id. */
struct rcx_label_columns {
	const char *id, *owner, *creator, *tlp, *dist, *group;
	enum rcx_object_kind kind;
};

/* Parses "org", "group", "node", "federation" (case-insensitive; "all" = node, "community" = federation). */
enum rcx_result rcx_dist_parse(const char *s, size_t len, enum rcx_dist *ret_dist);
/* Canonical name; never NULL. */
const char *rcx_dist_name(enum rcx_dist dist);
