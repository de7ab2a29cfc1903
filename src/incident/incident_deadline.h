/* NIS2 Article 23 reporting stages and their deadlines, configured per country.
 *
 *   early_warning   due early_warning (24 h) after awareness
 *   notification    due notification (72 h) after awareness
 *   intermediate    on the CERT's request, due when the CERT says
 *   final           due final_report (1 month) after the notification was submitted
 *   progress        due at the final deadline instead of the final report while the incident is
 *                   still being handled; the final report is then due final_report after the
 *                   incident is resolved
 *   cert_feedback   the CERT's initial feedback, due cert_feedback (24 h) after the early warning
 *
 * Hours are elapsed time (UTC microseconds), so a daylight-saving change moves the local clock
 * reading of a deadline, never its length. Months are calendar months of the UTC calendar,
 * clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/result.h"

/* The reporting stages; names in incident_stage_name. */
enum incident_stage {
	INCIDENT_STAGE_EARLY_WARNING,
	INCIDENT_STAGE_NOTIFICATION,
	INCIDENT_STAGE_INTERMEDIATE,
	INCIDENT_STAGE_FINAL,
	INCIDENT_STAGE_PROGRESS,
	INCIDENT_STAGE_CERT_FEEDBACK,
	INCIDENT_STAGE_MAX
};

/* The durations of one country. A duration given in months uses months, else us. */
struct incident_deadline_config {
	int64_t early_warning_us; /* after awareness */
	int64_t notification_us;  /* after awareness */
	int64_t cert_feedback_us; /* after the early warning was submitted */
	unsigned final_months;    /* after the notification was submitted (0: final_us applies) */
	int64_t final_us;
};

/* Where a stage stands at a given time. */
enum incident_stage_state {
	INCIDENT_STAGE_SUBMITTED,
	INCIDENT_STAGE_PENDING,  /* due later */
	INCIDENT_STAGE_OVERDUE,  /* due and not submitted */
	INCIDENT_STAGE_NOT_DUE,  /* no deadline (yet) */
};

/* "early_warning", "notification", "intermediate", "final", "progress", "cert_feedback"; never NULL. */
const char *incident_stage_name(enum incident_stage stage);
/* Parses a stage name ("early-warning" and "cert-feedback" too). */
enum rcx_result incident_stage_parse(const char *s, enum incident_stage *ret_stage);
/* "submitted", "pending", "overdue", "no_deadline"; never NULL. */
const char *incident_stage_state_name(enum incident_stage_state state);
/* The state of a stage with these times at now. */
enum incident_stage_state incident_stage_state_at(int64_t due_us, int64_t submitted_us, int64_t now_us);

/* The durations for country (ISO code; NULL = the defaults): NIS2's, then [incident], then
 * [incident.CC] of cfg (cfg may be NULL). Keys: early_warning, notification, cert_feedback
 * (durations such as 24h, 3d) and final_report (a duration or "N month(s)"). RCX_ECONFIG with a
 * message in *ret_why (malloc'd) for a value that does not read; ret_cfg untouched then. */
enum rcx_result incident_deadline_config_load(const struct rcx_config *cfg, const char *country,
					      struct incident_deadline_config *ret_cfg, char **ret_why);
/* us plus months calendar months in UTC, the day clamped to the end of the target month. */
int64_t incident_time_add_months(int64_t us, unsigned months);
/* The due time of the final report counted from base_us (the notification, or the resolution). */
int64_t incident_deadline_final(const struct incident_deadline_config *cfg, int64_t base_us);
