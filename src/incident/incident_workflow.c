/* The incident workflow: one transition table, read by incident_workflow_check.
 *
 * Reopening: a resolved or closed incident goes back to in_progress (the case is worked again;
 * the timeline keeps the earlier resolution), a rejected one back to triaged (it is looked at
 * again before anyone works on it). Every reopening needs a reason, as rejecting and marking a
 * duplicate do: these are the changes someone later asks "why?" about. A duplicate is final: its
 * timeline lives on in the incident it was merged into, so reopening it would split the case
 * again. A change to the same status is refused (nothing would change but the timeline). */
#include "incident/incident_workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

static const char *const names[INCIDENT_STATUS_MAX] = {
	[INCIDENT_NEW] = "new",           [INCIDENT_TRIAGED] = "triaged", [INCIDENT_IN_PROGRESS] = "in_progress",
	[INCIDENT_RESOLVED] = "resolved", [INCIDENT_CLOSED] = "closed",   [INCIDENT_REJECTED] = "rejected",
	[INCIDENT_DUPLICATE] = "duplicate",
};

enum edge { NO, YES, REASON }; /* not allowed, allowed, allowed with a reason */

/* transitions[from][to] */
static const enum edge transitions[INCIDENT_STATUS_MAX][INCIDENT_STATUS_MAX] = {
	[INCIDENT_NEW] = {[INCIDENT_TRIAGED] = YES, [INCIDENT_REJECTED] = REASON, [INCIDENT_DUPLICATE] = REASON},
	[INCIDENT_TRIAGED] = {[INCIDENT_IN_PROGRESS] = YES, [INCIDENT_REJECTED] = REASON,
			      [INCIDENT_DUPLICATE] = REASON},
	[INCIDENT_IN_PROGRESS] = {[INCIDENT_RESOLVED] = YES, [INCIDENT_DUPLICATE] = REASON},
	[INCIDENT_RESOLVED] = {[INCIDENT_CLOSED] = YES, [INCIDENT_IN_PROGRESS] = REASON},
	[INCIDENT_CLOSED] = {[INCIDENT_IN_PROGRESS] = REASON},
	[INCIDENT_REJECTED] = {[INCIDENT_TRIAGED] = REASON},
	[INCIDENT_DUPLICATE] = {0},
};

const char *incident_status_name(enum incident_status status)
{
	return status < INCIDENT_STATUS_MAX ? names[status] : "unknown";
}

enum rcx_result incident_status_parse(const char *s, enum incident_status *ret_status)
{
	if (!s)
		return RCX_EINVAL;
	for (int i = 0; i < INCIDENT_STATUS_MAX; i++)
		if (!strcmp(s, names[i]) || (i == INCIDENT_IN_PROGRESS && !strcmp(s, "in-progress"))) {
			*ret_status = (enum incident_status)i;
			return RCX_OK;
		}
	return RCX_EINVAL;
}

bool incident_status_ongoing(enum incident_status status)
{
	return status == INCIDENT_NEW || status == INCIDENT_TRIAGED || status == INCIDENT_IN_PROGRESS;
}

/* "a, b (with a reason)" of the statuses reachable from from. */
static void allowed_list(enum incident_status from, struct rcx_strbuf *b)
{
	for (int to = 0; to < INCIDENT_STATUS_MAX; to++) {
		if (transitions[from][to] == NO)
			continue;
		rcx_strbuf_printf(b, "%s%s%s", b->len ? ", " : "", names[to],
				  transitions[from][to] == REASON ? " (with --reason)" : "");
	}
	if (!b->len)
		rcx_strbuf_puts(b, "none: it is final");
}

enum rcx_result incident_workflow_check(enum incident_status from, enum incident_status to, const char *reason,
					char **ret_why)
{
	if (from >= INCIDENT_STATUS_MAX || to >= INCIDENT_STATUS_MAX)
		return RCX_EINVAL;
	enum edge e = transitions[from][to];
	bool has_reason = reason && *reason;
	if (e == YES || (e == REASON && has_reason))
		return RCX_OK;
	if (ret_why) {
		struct rcx_strbuf b = RCX_STRBUF_INIT(0);
		allowed_list(from, &b);
		if (e == REASON)
			*ret_why = rcx_strdup_printf("changing %s to %s needs a reason (--reason)", names[from], names[to]);
		else if (from == to)
			*ret_why = rcx_strdup_printf("the incident is %s already", names[from]);
		else
			*ret_why = rcx_strdup_printf("an incident cannot go from %s to %s; from %s it may go to: %s",
						     names[from], names[to], names[from], b.data ? b.data : "");
		rcx_strbuf_free(&b);
	}
	return RCX_EINVAL;
}
