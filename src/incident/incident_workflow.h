/* The handling workflow of an incident: its statuses and which changes between them are allowed.
 *
 *   new ──> triaged ──> in_progress ──> resolved ──> closed
 *    │         │             │             │           │
 *    │         │             │             └─ reopen ──┤ (back to in_progress, with a reason)
 *    ├─────────┴──> rejected (reason) ──── reopen ──> triaged (with a reason)
 *    └─────────┴─────────────┴──> duplicate (reason: the surviving incident; final)
 */
#pragma once
#include <stdbool.h>

#include "core/result.h"

/* The statuses of an incident; names in incident_status_name. */
enum incident_status {
	INCIDENT_NEW,
	INCIDENT_TRIAGED,
	INCIDENT_IN_PROGRESS,
	INCIDENT_RESOLVED,
	INCIDENT_CLOSED,
	INCIDENT_REJECTED,
	INCIDENT_DUPLICATE,
	INCIDENT_STATUS_MAX
};

/* "new", "triaged", "in_progress", "resolved", "closed", "rejected", "duplicate"; never NULL. */
const char *incident_status_name(enum incident_status status);
/* Parses a status name ("in-progress" too). */
enum rcx_result incident_status_parse(const char *s, enum incident_status *ret_status);
/* Whether an incident in this status is still being handled (new, triaged, in_progress). */
bool incident_status_ongoing(enum incident_status status);
/* Whether from → to is allowed with this reason (NULL or "" = none). RCX_OK, or RCX_EINVAL with
 * a message saying why and what is allowed instead in *ret_why (malloc'd; may be NULL). */
enum rcx_result incident_workflow_check(enum incident_status from, enum incident_status to, const char *reason,
					char **ret_why);
