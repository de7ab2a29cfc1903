/* Deadlines of the NIS2 reporting stages: names, per-country durations and calendar arithmetic.
 *
 * Why the UTC calendar for months: a deadline must be one instant for everybody who looks at it
 * (the reporting entity, its CERT, a peer CERT in another time zone), and the node stores and
 * compares instants. Counting the month in a country's local calendar would need the time-zone
 * database per country and would still be ambiguous for the hour that repeats in October. The
 * cost: for a notification submitted between local midnight and 01:00/02:00 on the first or last
 * day of a month, the UTC date differs from the local date, so the final report falls due a day
 * earlier by the local calendar (e.g. submitted 1 March 00:30 CET = 28 Feb 23:30 UTC, final due
 * 28 March 23:30 UTC). docs/INCIDENTS.md says so. */
#include "incident/incident_deadline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/time.h"

#define HOUR_US (3600LL * 1000000LL)
#define DAY_US (24LL * HOUR_US)

static const char *const stage_names[INCIDENT_STAGE_MAX] = {
	[INCIDENT_STAGE_EARLY_WARNING] = "early_warning", [INCIDENT_STAGE_NOTIFICATION] = "notification",
	[INCIDENT_STAGE_INTERMEDIATE] = "intermediate",   [INCIDENT_STAGE_FINAL] = "final",
	[INCIDENT_STAGE_PROGRESS] = "progress",           [INCIDENT_STAGE_CERT_FEEDBACK] = "cert_feedback",
};

const char *incident_stage_name(enum incident_stage stage)
{
	return stage < INCIDENT_STAGE_MAX ? stage_names[stage] : "unknown";
}

enum rcx_result incident_stage_parse(const char *s, enum incident_stage *ret_stage)
{
	char buf[32];
	size_t n = s ? strlen(s) : 0;
	if (!s || n >= sizeof(buf))
		return RCX_EINVAL;
	for (size_t i = 0; i <= n; i++)
		buf[i] = s[i] == '-' ? '_' : s[i];
	for (int i = 0; i < INCIDENT_STAGE_MAX; i++)
		if (!strcmp(buf, stage_names[i])) {
			*ret_stage = (enum incident_stage)i;
			return RCX_OK;
		}
	return RCX_EINVAL;
}

const char *incident_stage_state_name(enum incident_stage_state state)
{
	switch (state) {
	case INCIDENT_STAGE_SUBMITTED: return "submitted";
	case INCIDENT_STAGE_PENDING: return "pending";
	case INCIDENT_STAGE_OVERDUE: return "overdue";
	case INCIDENT_STAGE_NOT_DUE: return "no_deadline";
	}
	return "unknown";
}

enum incident_stage_state incident_stage_state_at(int64_t due_us, int64_t submitted_us, int64_t now_us)
{
	if (submitted_us)
		return INCIDENT_STAGE_SUBMITTED;
	if (!due_us)
		return INCIDENT_STAGE_NOT_DUE;
	return due_us <= now_us ? INCIDENT_STAGE_OVERDUE : INCIDENT_STAGE_PENDING;
}

/* Civil date of a day number (days since 1970-01-01), the inverse of rcx_time_days_from_civil. */
static void civil_from_days(int64_t z, int64_t *ret_y, unsigned *ret_m, unsigned *ret_d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*ret_y = yoe + era * 400 + (m <= 2);
	*ret_m = m;
	*ret_d = d;
}

static unsigned month_days(int64_t y, unsigned m)
{
	static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

int64_t incident_time_add_months(int64_t us, unsigned months)
{
	int64_t days = us / DAY_US, rest = us % DAY_US;
	if (rest < 0) {
		rest += DAY_US;
		days--;
	}
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	int64_t mi = (int64_t)m - 1 + months;
	y += mi / 12;
	m = (unsigned)(mi % 12) + 1;
	unsigned last = month_days(y, m);
	if (d > last)
		d = last;
	return rcx_time_days_from_civil(y, m, d) * DAY_US + rest;
}

int64_t incident_deadline_final(const struct incident_deadline_config *cfg, int64_t base_us)
{
	if (!base_us)
		return 0;
	return cfg->final_months ? incident_time_add_months(base_us, cfg->final_months) : base_us + cfg->final_us;
}

/* "N month" / "N months" / "Nmonth(s)" → N (1..120). */
static bool months_parse(const char *v, unsigned *ret_n)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (end == v || n < 1 || n > 120)
		return false;
	while (*end == ' ')
		end++;
	if (strcmp(end, "month") && strcmp(end, "months") && strcmp(end, "mo"))
		return false;
	*ret_n = (unsigned)n;
	return true;
}

/* Applies the keys of one section to c. */
static enum rcx_result section_apply(const struct rcx_config *cfg, const char *section,
				     struct incident_deadline_config *c, char **ret_why)
{
	static const char *const keys[] = {"early_warning", "notification", "cert_feedback", "final_report"};
	int64_t *slots[] = {&c->early_warning_us, &c->notification_us, &c->cert_feedback_us, &c->final_us};
	for (size_t i = 0; i < 4; i++) {
		const char *v = rcx_config_get(cfg, section, keys[i]);
		int64_t us;
		if (!v)
			continue;
		if (i == 3 && months_parse(v, &c->final_months))
			continue;
		if (rcx_duration_parse(v, strlen(v), &us) != RCX_OK || us <= 0) {
			if (ret_why)
				*ret_why = rcx_strdup_printf("[%s] %s = %s: not a duration (24h, 3d%s)", section, keys[i], v,
							     i == 3 ? ", 1 month" : "");
			return RCX_ECONFIG;
		}
		*slots[i] = us;
		if (i == 3)
			c->final_months = 0;
	}
	return RCX_OK;
}

enum rcx_result incident_deadline_config_load(const struct rcx_config *cfg, const char *country,
					      struct incident_deadline_config *ret_cfg, char **ret_why)
{
	struct incident_deadline_config c = {
		.early_warning_us = 24 * HOUR_US,
		.notification_us = 72 * HOUR_US,
		.cert_feedback_us = 24 * HOUR_US,
		.final_months = 1,
		.final_us = 30 * DAY_US,
	};
	char section[32];
	enum rcx_result r = cfg ? section_apply(cfg, "incident", &c, ret_why) : RCX_OK;
	if (r == RCX_OK && cfg && country && strlen(country) == 2) {
		snprintf(section, sizeof(section), "incident.%c%c", rcx_upper(country[0]), rcx_upper(country[1]));
		r = section_apply(cfg, section, &c, ret_why);
	}
	if (r == RCX_OK)
		*ret_cfg = c;
	return r;
}
