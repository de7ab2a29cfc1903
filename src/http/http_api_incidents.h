/* Internals shared by the incident handlers (http_api_incidents*.c); nothing else includes it. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/http_api_impl.h"
#include "incident/incident_pseudonym.h"
#include "incident/incident_view.h"
#include "store/store_incident.h"

/* Resolves the names of inc for the caller (incident_view_names with the caller's organisation and
 * the server's federation key). */
void api_incident_names(struct http_request *req, struct store *s, const struct store_incident *inc,
			struct incident_view_names *n);
/* The whole incident as the caller (vis) sees it: summary, description, timeline, observables,
 * stages and the linked events the caller may see. RCX_ENOTFOUND when invisible. */
enum rcx_result api_incident_render(struct http_request *req, struct store *s, int64_t id,
				    const struct store_visibility *vis, json_t **ret);
/* One audit entry for a read of count restricted (AMBER+) incidents, naming ids[0..n). */
void api_incident_audit_read(struct http_request *req, const int64_t *ids, size_t n, uint64_t count);
/* countries: ["RS","hr"] → "RS,HR" in req's arena (*ret NULL when absent or empty); false once a
 * 400 was answered. */
bool api_incident_countries(struct http_request *req, json_t *arr, const char **ret);
