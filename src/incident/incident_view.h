/* How an incident reads for one viewer: the names its JSON needs and its summary JSON. One place
 * for `rcx incident list|show` and the REST API, so that whether the victim is shown or only its
 * pseudonym is decided once. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "incident/incident_pseudonym.h"
#include "store/store_incident.h"

/* Names looked up for an incident's JSON. Copied, so they outlive the next store call (a lookup may
 * reuse the memory a "ret_" row lives in). */
struct incident_view_names {
	char owner[256], affected[256], assignee[256], pseudonym[INCIDENT_PSEUDONYM_BUF];
	bool withheld; /* the viewer sees the pseudonym instead of the affected party */
};

/* Resolves the names of inc for a viewer of organisation viewer_org; restricted false means the node
 * operator, who sees everything. Outside the owning organisation the affected party is withheld
 * unless the owner disclosed it. key NULL: no federation key (a withheld victim reads "withheld"). */
void incident_view_names(struct store *s, const struct store_incident *inc, bool restricted, int64_t viewer_org,
			 const struct incident_pseudonym_key *key, struct incident_view_names *ret_names);
/* The summary JSON of an incident (the fields of a list row); the caller owns the reference. */
json_t *incident_view_json(const struct store_incident *inc, const struct incident_view_names *n);
/* A time as JSON: ISO-8601 UTC text, null for 0 (unset). */
json_t *incident_view_time(int64_t us);
/* A string as JSON, null for NULL. */
json_t *incident_view_string(const char *s);
