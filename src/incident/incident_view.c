/* The incident as a viewer reads it (incident_view.h). */
#include "incident/incident_view.h"

#include <stdio.h>
#include <string.h>

#include "core/label.h"
#include "core/time.h"
#include "core/tlp.h"

json_t *incident_view_time(int64_t us)
{
	char t[RCX_TIME_BUF];
	if (!us)
		return json_null();
	rcx_time_format(us, t);
	return json_string(t);
}

json_t *incident_view_string(const char *s)
{
	return s ? json_string(s) : json_null();
}

void incident_view_names(struct store *s, const struct store_incident *inc, bool restricted, int64_t viewer_org,
			 const struct incident_pseudonym_key *key, struct incident_view_names *ret_names)
{
	struct incident_view_names *n = ret_names;
	/* everything of inc is read before the first lookup */
	int64_t owner = inc->label.owner_org, affected = inc->affected_org, assignee = inc->assignee;
	bool disclosed = inc->victim_disclosed;
	struct store_org o;
	struct store_user u;
	memset(n, 0, sizeof(*n));
	snprintf(n->affected, sizeof(n->affected), "%s", inc->affected_name ? inc->affected_name : "");
	if (owner && store_org_get_id(s, owner, &o) == RCX_OK)
		snprintf(n->owner, sizeof(n->owner), "%s", o.name);
	if (affected && store_org_get_id(s, affected, &o) == RCX_OK)
		snprintf(n->affected, sizeof(n->affected), "%s", o.name);
	if (assignee && store_user_get_id(s, assignee, &u) == RCX_OK)
		snprintf(n->assignee, sizeof(n->assignee), "%s", u.email);
	n->withheld = restricted && viewer_org != owner && !disclosed && n->affected[0];
	if (n->affected[0] && key)
		(void)incident_pseudonym_make(key, n->affected, n->pseudonym);
}

json_t *incident_view_json(const struct store_incident *inc, const struct incident_view_names *n)
{
	json_t *j = json_object(), *countries = json_array();
	json_object_set_new(j, "id", json_integer(inc->id));
	json_object_set_new(j, "receipt", json_string(inc->receipt));
	json_object_set_new(j, "title", json_string(inc->title));
	json_object_set_new(j, "status", json_string(inc->status));
	json_object_set_new(j, "status_reason", incident_view_string(inc->status_reason));
	json_object_set_new(j, "severity", incident_view_string(inc->severity));
	for (const char *p = inc->countries; p && *p;) {
		const char *comma = strchr(p, ',');
		json_array_append_new(countries, json_stringn(p, comma ? (size_t)(comma - p) : strlen(p)));
		p = comma ? comma + 1 : NULL;
	}
	json_object_set_new(j, "countries", countries);
	json_object_set_new(j, "sector", incident_view_string(inc->sector));
	json_object_set_new(j, "subsector", incident_view_string(inc->subsector));
	json_object_set_new(j, "classification", incident_view_string(inc->rsit));
	json_object_set_new(j, "owner", n->owner[0] ? json_string(n->owner) : json_null());
	if (n->withheld) {
		json_object_set_new(j, "affected", json_null());
		json_object_set_new(j, "victim", json_string(n->pseudonym[0] ? n->pseudonym : "withheld"));
	} else {
		json_object_set_new(j, "affected", n->affected[0] ? json_string(n->affected) : json_null());
		json_object_set_new(j, "victim", n->pseudonym[0] ? json_string(n->pseudonym) : json_null());
	}
	json_object_set_new(j, "victim_disclosed", json_boolean(inc->victim_disclosed));
	json_object_set_new(j, "assignee", n->assignee[0] ? json_string(n->assignee) : json_null());
	json_object_set_new(j, "aware_at", incident_view_time(inc->aware_us));
	json_object_set_new(j, "cross_border", json_boolean(inc->cross_border));
	if (inc->loss_amount >= 0 && inc->loss_currency)
		json_object_set_new(j, "loss", json_pack("{s:I, s:s}", "amount", (json_int_t)inc->loss_amount, "currency",
							 inc->loss_currency));
	else
		json_object_set_new(j, "loss", json_null());
	json_object_set_new(j, "merged_into", inc->merged_into ? json_integer(inc->merged_into) : json_null());
	json_object_set_new(j, "tlp", json_string(rcx_tlp_name(inc->label.tlp)));
	json_object_set_new(j, "distribution", json_string(rcx_dist_name(inc->label.dist)));
	json_object_set_new(j, "created", incident_view_time(inc->created_us));
	json_object_set_new(j, "updated", incident_view_time(inc->updated_us));
	return j;
}
