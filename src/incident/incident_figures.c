/* Incident figures (see incident_figures.h). One pass over the visible incidents collects the
 * counts and, for the durations, each incident's id and report time; a second pass reads each
 * one's timeline (the first status change out of "new" is the triage, the first change to
 * "closed" the close; incident_case writes status entries as "FROM → TO[: reason]") and stages.
 * Percentiles are nearest-rank over whole seconds. */
#include "incident/incident_figures.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/time.h"
#include "incident/incident_deadline.h"
#include "store/store_incident.h"

struct scan {
	int64_t since_us, until_us;
	json_t *by_country, *by_sector, *by_type, *by_month, *by_status, *by_severity;
	uint64_t total, cross_border;
	bool keep;         /* collect ids for the durations */
	int64_t *ids, *created;
	size_t n, cap;
	enum rcx_result err;
};

static void bump(json_t *obj, const char *key, size_t len)
{
	char k[64];
	if (!key || len == 0) {
		key = "unknown";
		len = 7;
	}
	if (len >= sizeof(k))
		len = sizeof(k) - 1;
	memcpy(k, key, len);
	k[len] = '\0';
	json_t *v = json_object_get(obj, k);
	json_object_set_new(obj, k, json_integer(v ? json_integer_value(v) + 1 : 1));
}

static void bump_str(json_t *obj, const char *s)
{
	bump(obj, s, s ? strlen(s) : 0);
}

static enum rcx_result scan_one(void *ctx, const struct store_incident *inc)
{
	struct scan *sc = ctx;
	if (inc->created_us < sc->since_us || (sc->until_us && inc->created_us >= sc->until_us))
		return RCX_OK;
	sc->total++;
	if (inc->cross_border)
		sc->cross_border++;
	if (!inc->countries || !*inc->countries)
		bump(sc->by_country, NULL, 0);
	for (const char *p = inc->countries; p && *p;) {
		const char *comma = strchr(p, ',');
		bump(sc->by_country, p, comma ? (size_t)(comma - p) : strlen(p));
		p = comma ? comma + 1 : NULL;
	}
	bump_str(sc->by_sector, inc->sector);
	bump_str(sc->by_type, inc->rsit);
	bump_str(sc->by_status, inc->status);
	bump_str(sc->by_severity, inc->severity);
	char t[RCX_TIME_BUF];
	rcx_time_format(inc->created_us, t);
	bump(sc->by_month, t, 7); /* YYYY-MM */
	if (!sc->keep)
		return RCX_OK;
	if (sc->n == sc->cap) {
		if (sc->cap >= RCX_INCIDENT_FIGURES_MAX)
			return RCX_ELIMIT;
		size_t cap = sc->cap ? sc->cap * 2 : 256;
		int64_t *ids = realloc(sc->ids, cap * sizeof(*ids));
		if (ids)
			sc->ids = ids;
		int64_t *cr = ids ? realloc(sc->created, cap * sizeof(*cr)) : NULL;
		if (!cr)
			return RCX_ENOMEM;
		sc->created = cr;
		sc->cap = cap;
	}
	sc->ids[sc->n] = inc->id;
	sc->created[sc->n] = inc->created_us;
	sc->n++;
	return RCX_OK;
}

static void scan_free(struct scan *sc)
{
	json_decref(sc->by_country);
	json_decref(sc->by_sector);
	json_decref(sc->by_type);
	json_decref(sc->by_month);
	json_decref(sc->by_status);
	json_decref(sc->by_severity);
	free(sc->ids);
	free(sc->created);
}

static enum rcx_result scan_run(struct store *s, const struct store_visibility *vis, struct scan *sc)
{
	sc->by_country = json_object();
	sc->by_sector = json_object();
	sc->by_type = json_object();
	sc->by_month = json_object();
	sc->by_status = json_object();
	sc->by_severity = json_object();
	if (!sc->by_country || !sc->by_sector || !sc->by_type || !sc->by_month || !sc->by_status || !sc->by_severity)
		return RCX_ENOMEM;
	struct store_incident_filter flt = {.vis = vis};
	return store_incident_query(s, &flt, scan_one, sc);
}

/* ---- durations ---- */

struct first_changes {
	int64_t id;
	int64_t triaged_us, closed_us; /* 0 = not yet */
};

static enum rcx_result first_change(void *ctx, const struct store_incident_entry *e)
{
	struct first_changes *f = ctx;
	if (e->incident != f->id || strcmp(e->kind, "status") || !e->text)
		return RCX_OK; /* entries of incidents merged into this one are theirs */
	static const char from_new[] = "new \xe2\x86\x92 ", to_closed[] = "\xe2\x86\x92 closed";
	if (!f->triaged_us && !strncmp(e->text, from_new, sizeof(from_new) - 1))
		f->triaged_us = e->time_us;
	const char *arrow = strstr(e->text, to_closed);
	size_t tail = sizeof(to_closed) - 1;
	if (!f->closed_us && arrow && (arrow[tail] == '\0' || arrow[tail] == ':'))
		f->closed_us = e->time_us;
	return RCX_OK;
}

struct overdue_count {
	int64_t now_us;
	uint64_t n;
};

static enum rcx_result count_overdue(void *ctx, const struct store_incident_stage *st)
{
	struct overdue_count *c = ctx;
	if (incident_stage_state_at(st->due_us, st->submitted_us, c->now_us) == INCIDENT_STAGE_OVERDUE)
		c->n++;
	return RCX_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* {"n","median_s","p90_s"} of secs[0..n) (sorted here); null percentiles when n is 0. */
static json_t *percentiles(int64_t *secs, size_t n)
{
	json_t *j = json_object();
	json_object_set_new(j, "n", json_integer((json_int_t)n));
	if (n == 0) {
		json_object_set_new(j, "median_s", json_null());
		json_object_set_new(j, "p90_s", json_null());
		return j;
	}
	qsort(secs, n, sizeof(*secs), cmp_i64);
	size_t med = (n + 1) / 2, p90 = (n * 9 + 9) / 10; /* nearest rank, 1-based */
	json_object_set_new(j, "median_s", json_integer(secs[med - 1]));
	json_object_set_new(j, "p90_s", json_integer(secs[p90 - 1]));
	return j;
}

static json_t *time_or_null(int64_t us)
{
	char t[RCX_TIME_BUF];
	if (!us)
		return json_null();
	rcx_time_format(us, t);
	return json_string(t);
}

enum rcx_result incident_figures_compute(struct store *s, const struct incident_figures_query *q, json_t **ret)
{
	struct scan sc = {.since_us = q->since_us, .until_us = q->until_us, .keep = true};
	int64_t now = q->now_us ? q->now_us : rcx_time_now();
	int64_t *triage = NULL, *close = NULL;
	size_t nt = 0, nc = 0;
	struct overdue_count oc = {.now_us = now};
	enum rcx_result r = scan_run(s, q->vis, &sc);
	if (r == RCX_OK && sc.n) {
		triage = malloc(sc.n * sizeof(*triage));
		close = malloc(sc.n * sizeof(*close));
		if (!triage || !close)
			r = RCX_ENOMEM;
	}
	for (size_t i = 0; r == RCX_OK && i < sc.n; i++) {
		struct first_changes f = {.id = sc.ids[i]};
		r = store_incident_entries(s, sc.ids[i], q->vis, first_change, &f);
		if (r == RCX_OK)
			r = store_incident_stages(s, sc.ids[i], q->vis, count_overdue, &oc);
		if (r == RCX_ENOTFOUND) /* gone since the first pass */
			r = RCX_OK;
		if (f.triaged_us >= sc.created[i] && f.triaged_us)
			triage[nt++] = (f.triaged_us - sc.created[i]) / 1000000;
		if (f.closed_us >= sc.created[i] && f.closed_us)
			close[nc++] = (f.closed_us - sc.created[i]) / 1000000;
	}
	if (r == RCX_OK) {
		json_t *j = json_object();
		json_object_set_new(j, "since", time_or_null(q->since_us));
		json_object_set_new(j, "until", time_or_null(q->until_us));
		json_object_set_new(j, "total", json_integer((json_int_t)sc.total));
		json_object_set_new(j, "by_country", json_incref(sc.by_country));
		json_object_set_new(j, "by_sector", json_incref(sc.by_sector));
		json_object_set_new(j, "by_type", json_incref(sc.by_type));
		json_object_set_new(j, "by_month", json_incref(sc.by_month));
		json_object_set_new(j, "by_status", json_incref(sc.by_status));
		json_object_set_new(j, "time_to_triage", percentiles(triage, nt));
		json_object_set_new(j, "time_to_close", percentiles(close, nc));
		json_object_set_new(j, "overdue_stages", json_integer((json_int_t)oc.n));
		*ret = j;
	}
	free(triage);
	free(close);
	scan_free(&sc);
	return r;
}

enum rcx_result incident_quarter_range(int64_t year, int64_t quarter, int64_t *ret_since_us, int64_t *ret_until_us)
{
	if (year < 1970 || year > 9999 || quarter < 1 || quarter > 4)
		return RCX_EINVAL;
	unsigned m = (unsigned)(quarter - 1) * 3 + 1;
	int64_t since = rcx_time_days_from_civil(year, m, 1) * 86400 * 1000000;
	int64_t until = quarter == 4 ? rcx_time_days_from_civil(year + 1, 1, 1) * 86400 * 1000000
				     : rcx_time_days_from_civil(year, m + 3, 1) * 86400 * 1000000;
	*ret_since_us = since;
	*ret_until_us = until;
	return RCX_OK;
}

enum rcx_result incident_figures_quarterly(struct store *s, const struct store_visibility *vis, int64_t year,
					   int64_t quarter, json_t **ret)
{
	struct scan sc = {0};
	enum rcx_result r = incident_quarter_range(year, quarter, &sc.since_us, &sc.until_us);
	if (r == RCX_OK)
		r = scan_run(s, vis, &sc);
	if (r == RCX_OK) {
		json_t *j = json_object();
		json_object_set_new(j, "year", json_integer(year));
		json_object_set_new(j, "quarter", json_integer(quarter));
		json_object_set_new(j, "since", time_or_null(sc.since_us));
		json_object_set_new(j, "until", time_or_null(sc.until_us));
		json_object_set_new(j, "total", json_integer((json_int_t)sc.total));
		json_object_set_new(j, "cross_border", json_integer((json_int_t)sc.cross_border));
		json_object_set_new(j, "by_country", json_incref(sc.by_country));
		json_object_set_new(j, "by_sector", json_incref(sc.by_sector));
		json_object_set_new(j, "by_type", json_incref(sc.by_type));
		json_object_set_new(j, "by_severity", json_incref(sc.by_severity));
		json_object_set_new(j, "by_month", json_incref(sc.by_month));
		json_object_set_new(j, "by_status", json_incref(sc.by_status));
		*ret = j;
	}
	scan_free(&sc);
	return r;
}

enum rcx_result incident_figures_csv(const json_t *quarterly, struct rcx_strbuf *out)
{
	static const char *const dims[] = {"by_country", "by_sector", "by_type", "by_severity", "by_month", "by_status"};
	enum rcx_result r = rcx_strbuf_puts(out, "dimension,key,count\r\n");
	if (r == RCX_OK)
		r = rcx_strbuf_printf(out, "total,all,%lld\r\ncross_border,all,%lld\r\n",
				      (long long)json_integer_value(json_object_get(quarterly, "total")),
				      (long long)json_integer_value(json_object_get(quarterly, "cross_border")));
	for (size_t d = 0; r == RCX_OK && d < sizeof(dims) / sizeof(dims[0]); d++) {
		const char *key;
		json_t *v;
		json_t *obj = json_object_get(quarterly, dims[d]);
		json_object_foreach(obj, key, v) {
			/* keys are codes (country, sector, type, month, status): no commas or quotes, but
			 * anything else is skipped rather than trusted */
			if (strpbrk(key, ",\"\r\n"))
				continue;
			r = rcx_strbuf_printf(out, "%s,%s,%lld\r\n", dims[d] + 3, key, (long long)json_integer_value(v));
			if (r != RCX_OK)
				break;
		}
	}
	return r;
}
