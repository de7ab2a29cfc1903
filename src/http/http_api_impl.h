/* Internals shared by the REST handlers (http_api*.c). */
#pragma once
#include <jansson.h>
#include <stdbool.h>

#include "http/http.h"
#include "http/http_api.h"
#include "store/store.h"
#include "trust/trust.h"
#include "trust/trust_account.h"

/* Route flags of the API (the server leaves bits from HTTP_ROUTE_APP to us). */
enum api_route_flag {
	API_PUBLIC = HTTP_ROUTE_APP,  /* answers without authentication */
};

/* Who is asking; req->auth points to one, always (anonymous when nobody logged in). */
struct api_auth {
	bool authenticated;
	struct trust_principal p; /* viewer kind anonymous when !authenticated */
	char actor[320];          /* how the audit log names the caller */
};

/* The calling thread's store handle (opened on first use); NULL when it cannot be opened. */
struct store *api_store(struct http_request *req);
static inline struct api_auth *api_auth(struct http_request *req)
{
	return req->auth;
}
/* Answers 401/403 and returns false unless the caller is a logged-in user (of any role). */
bool api_need_user(struct http_request *req);
/* ... an admin of their organisation. */
bool api_need_admin(struct http_request *req);
/* ... an admin of the node's first organisation. */
bool api_need_node_admin(struct http_request *req);
/* Parses the request body as a JSON object; answers 400 and returns NULL when it is not one. */
json_t *api_body(struct http_request *req);
/* Appends to the audit log as the caller; detail (consumed) may be NULL. Failures are logged. */
enum rcx_result api_audit(struct http_request *req, const char *action, const char *object, json_t *detail);
/* Parses a decimal id path capture; answers 404 and returns 0 when it is not one. */
int64_t api_id_param(struct http_request *req, const char *name);
/* api_need_user, then the {id} capture: 0 when an answer (401 or 404) was already given. */
int64_t api_user_id_param(struct http_request *req);
/* Answers an error with *why (freed) as the message when there is one. */
enum rcx_result api_fail(struct http_request *req, enum rcx_result r, char *why);

/* Handlers, by file. */
enum rcx_result api_events_list(struct http_request *req);
enum rcx_result api_events_count(struct http_request *req);
enum rcx_result api_event_get(struct http_request *req);
enum rcx_result api_event_share(struct http_request *req);
enum rcx_result api_orgs_list(struct http_request *req);
enum rcx_result api_org_add(struct http_request *req);
enum rcx_result api_org_get(struct http_request *req);
enum rcx_result api_org_patch(struct http_request *req);
enum rcx_result api_users_list(struct http_request *req);
enum rcx_result api_user_add(struct http_request *req);
enum rcx_result api_user_patch(struct http_request *req);
enum rcx_result api_groups_list(struct http_request *req);
enum rcx_result api_group_add(struct http_request *req);
enum rcx_result api_group_get(struct http_request *req);
enum rcx_result api_group_members(struct http_request *req);
enum rcx_result api_keys_list(struct http_request *req);
enum rcx_result api_key_add(struct http_request *req);
enum rcx_result api_key_delete(struct http_request *req);
enum rcx_result api_audit_list(struct http_request *req);
enum rcx_result api_audit_verify(struct http_request *req);

/* Incidents (http_api_incidents.c: members; http_api_incidents_public.c: reporters without an
 * account). */
struct incident_deadline_config;
/* The deadline durations for an incident owned by owner (its country, else the incident's first
 * country), from the server's configuration; answers 500 and returns false when they do not read. */
bool api_incident_deadlines(struct http_request *req, struct store *s, int64_t owner, const char *countries,
			    struct incident_deadline_config *ret_dl);
/* An ISO-8601 time, or null for 0. */
json_t *api_time_json(int64_t us);
enum rcx_result api_incidents_create(struct http_request *req);
enum rcx_result api_incidents_list(struct http_request *req);
enum rcx_result api_incidents_count(struct http_request *req);
enum rcx_result api_incidents_overdue(struct http_request *req);
enum rcx_result api_incident_get(struct http_request *req);
enum rcx_result api_incident_status(struct http_request *req);
enum rcx_result api_incident_assign(struct http_request *req);
enum rcx_result api_incident_note(struct http_request *req);
enum rcx_result api_incident_stage(struct http_request *req);
enum rcx_result api_incident_request(struct http_request *req);
enum rcx_result api_incident_merge(struct http_request *req);
enum rcx_result api_incident_disclose(struct http_request *req);
enum rcx_result api_incident_link(struct http_request *req);
enum rcx_result api_incidents_figures(struct http_request *req);
enum rcx_result api_incidents_quarterly(struct http_request *req);
enum rcx_result api_public_challenge(struct http_request *req);
enum rcx_result api_public_report(struct http_request *req);
enum rcx_result api_public_receipt(struct http_request *req);
enum rcx_result api_public_info(struct http_request *req);
