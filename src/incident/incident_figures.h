/* Incident figures: the counts and durations a CERT reports about its incidents, computed over
 * the incidents a viewer may see (the store applies the visibility rule; an invisible incident is
 * never counted). Two shapes:
 *
 *   figures    counts per country, NIS2 sector, RSIT type and month (UTC, of the report), status
 *              counts, median and 90th percentile of time to triage (report → first status change
 *              out of "new") and time to close (report → first change to "closed"), and the number
 *              of overdue reporting stages at a given time;
 *   quarterly  the anonymised summary of one calendar quarter, as NIS2 Article 23(9) has CSIRTs
 *              send upward: counts only — no organisation names, victims, titles or identifiers.
 *
 * Both read every matching incident once (one store query), then its timeline and stages; memory
 * is one small record per incident for the durations (RCX_INCIDENT_FIGURES_MAX incidents at most;
 * past it RCX_ELIMIT). Results are JSON (jansson) for the REST API and the command line. */
#pragma once
#include <stdint.h>

#include <jansson.h>

#include "core/result.h"
#include "core/strbuf.h"
#include "store/store.h"

/* The window and the moment the figures are taken at. */
struct incident_figures_query {
	int64_t since_us; /* reports created at or after; 0 = from the start */
	int64_t until_us; /* reports created before; 0 = up to now */
	int64_t now_us;   /* when a stage counts as overdue; 0 = the current time */
	const struct store_visibility *vis; /* NULL = everything (the node operator) */
};

/* {"since","until","total","by_country":{CC:n},"by_sector":{},"by_type":{},"by_month":{"YYYY-MM":n},
 *  "by_status":{},"time_to_triage":{"n","median_s","p90_s"},"time_to_close":{...},
 *  "overdue_stages":n}. Incidents without a sector, type or country count under "unknown".
 * *ret (owned by the caller) is set only on RCX_OK. */
enum rcx_result incident_figures_compute(struct store *s, const struct incident_figures_query *q, json_t **ret);

/* The quarter (1..4) of year as [since, until) in UTC; RCX_EINVAL for a bad year or quarter. */
enum rcx_result incident_quarter_range(int64_t year, int64_t quarter, int64_t *ret_since_us, int64_t *ret_until_us);

/* The anonymised quarterly summary: {"year","quarter","since","until","total","cross_border",
 * "by_country","by_sector","by_type","by_severity","by_month","by_status"} — counts only. */
enum rcx_result incident_figures_quarterly(struct store *s, const struct store_visibility *vis, int64_t year,
					   int64_t quarter, json_t **ret);

/* The quarterly summary as CSV: "dimension,key,count" with one row per count (dimension "total"
 * and "cross_border" have the key "all"), appended to out. */
enum rcx_result incident_figures_csv(const json_t *quarterly, struct rcx_strbuf *out);
