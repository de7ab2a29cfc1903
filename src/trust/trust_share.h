/* Sharing an object: the owner changes its label (TLP, distribution, group, named recipients).
 * The checks live here so that every front door (REST, CLI, later federation) shares alike. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "core/label.h"
#include "core/limits.h"
#include "core/result.h"
#include "store/store.h"
#include "trust/trust.h"

/* The label the owner asks for. */
struct trust_share {
	enum rcx_tlp tlp;
	enum rcx_dist dist;
	int64_t group;                     /* with RCX_DIST_GROUP only */
	int64_t orgs[RCX_RECIPIENTS_MAX];  /* named recipient organisations */
	size_t n_orgs;
	int64_t users[RCX_RECIPIENTS_MAX]; /* named recipient users (RED) */
	size_t n_users;
};

/* Relabels event id for viewer v. RCX_ENOTFOUND when v may not see the event, RCX_EDENIED when v
 * sees it but is not an admin or analyst of its owner, RCX_EINVAL (with *ret_why) for a group the
 * owner is not part of, or unknown recipients. Does not write the audit log: the caller does,
 * with the actor it knows. */
enum rcx_result trust_event_share(struct store *s, const struct trust_viewer *v, int64_t id,
				  const struct trust_share *sh, char **ret_why);
