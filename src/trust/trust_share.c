/* Sharing: who may relabel what. See trust_share.h. */
#include "trust/trust_share.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

static enum rcx_result say(char **ret_why, enum rcx_result r, const char *msg)
{
	if (ret_why)
		*ret_why = strdup(msg);
	return r;
}

enum rcx_result trust_event_share(struct store *s, const struct trust_viewer *v, int64_t id,
				  const struct trust_share *sh, char **ret_why)
{
	if ((unsigned)sh->tlp >= RCX_TLP_MAX || (unsigned)sh->dist >= RCX_DIST_MAX || sh->n_orgs > RCX_RECIPIENTS_MAX ||
	    sh->n_users > RCX_RECIPIENTS_MAX)
		return RCX_EINVAL;
	struct rcx_label cur;
	enum rcx_result r = store_event_label_get(s, id, &cur);
	if (r != RCX_OK)
		return r;
	if (!trust_visible(v, &cur))
		return RCX_ENOTFOUND;
	if (v->kind != TRUST_VIEWER_MEMBER || cur.owner_org != v->org ||
	    (v->role != TRUST_ROLE_ADMIN && v->role != TRUST_ROLE_ANALYST))
		return say(ret_why, RCX_EDENIED, "only admins and analysts of the owning organisation may share it");
	if ((sh->dist == RCX_DIST_GROUP) != (sh->group > 0))
		return say(ret_why, RCX_EINVAL, "a group goes with distribution \"group\", and only with it");
	if (sh->dist == RCX_DIST_GROUP) {
		bool member = false;
		for (size_t i = 0; i < v->n_groups; i++)
			member |= v->groups[i] == sh->group;
		if (!member)
			return say(ret_why, RCX_EINVAL, "share only with a sharing group your organisation belongs to");
	}
	for (size_t i = 0; i < sh->n_orgs; i++) {
		struct store_org o;
		if (store_org_get_id(s, sh->orgs[i], &o) != RCX_OK)
			return say(ret_why, RCX_EINVAL, "a named recipient organisation does not exist");
	}
	for (size_t i = 0; i < sh->n_users; i++) {
		struct store_user u;
		if (store_user_get_id(s, sh->users[i], &u) != RCX_OK)
			return say(ret_why, RCX_EINVAL, "a named recipient user does not exist");
	}
	if (sh->tlp == RCX_TLP_RED && sh->n_users == 0 && sh->dist != RCX_DIST_ORG)
		return say(ret_why, RCX_EINVAL, "TLP:RED is for named recipient users: name at least one");
	struct rcx_label l = {
		.owner_org = cur.owner_org, .creator = cur.creator, .tlp = sh->tlp, .dist = sh->dist, .group = sh->group,
		.orgs = sh->orgs, .n_orgs = sh->n_orgs, .users = sh->users, .n_users = sh->n_users,
	};
	return store_event_label_set(s, id, &l);
}
