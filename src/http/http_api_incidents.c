/* REST: incidents for members — list (cursor-paged), count, overdue, one incident with its
 * timeline, observables, stages and linked events, and the figures. Reporting and the changes are
 * in http_api_incidents_change.c, the public reporting path in http_api_incidents_public.c.
 *
 * Every read goes through the one visibility rule (trust_store_visibility → the store's incident
 * queries): an invisible incident is 404, absent from lists, never counted. Outside the owning
 * organisation the affected party is shown as its pseudonym unless the owner disclosed it, exactly
 * as `rcx incident show --as` does. Reads of AMBER, AMBER+STRICT and RED incidents are audited
 * (one entry per request), every change is. The work itself is the incident module's
 * (incident_case_*): this file parses, checks roles, answers. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/time.h"
#include "http/http_api_incidents.h"
#include "incident/incident_case.h"
#include "incident/incident_deadline.h"
#include "incident/incident_figures.h"
#include "incident/incident_pseudonym.h"
#include "store/store_incident.h"
#include "trust/trust_org.h"

#define AUDIT_IDS_MAX 1000u /* incident ids named in one read entry */

/* ---- shared helpers ---- */

json_t *api_time_json(int64_t us)
{
	return incident_view_time(us);
}

bool api_incident_deadlines(struct http_request *req, struct store *s, int64_t owner, const char *countries,
			    struct incident_deadline_config *ret_dl)
{
	struct api_app *app = req->app;
	char cc[3] = {0};
	struct store_org o;
	if (owner && store_org_get_id(s, owner, &o) == RCX_OK && o.country && strlen(o.country) == 2)
		memcpy(cc, o.country, 2);
	else if (countries && strlen(countries) >= 2)
		memcpy(cc, countries, 2);
	char *why = NULL;
	enum rcx_result r = incident_deadline_config_load(app->config, cc[0] ? cc : NULL, ret_dl, &why);
	if (r != RCX_OK) {
		if (app->log_error)
			app->log_error(why ? why : "the [incident] deadlines do not read");
		free(why);
		http_respond_error(req, RCX_ECONFIG, "the server's incident configuration does not read");
		return false;
	}
	return true;
}

/* The federation's pseudonym key, read once per process ([incident] pseudonym_key(_file)). */
static struct {
	pthread_once_t once;
	bool have;
	struct incident_pseudonym_key key;
	struct rcx_config *cfg;
} pseudo = {.once = PTHREAD_ONCE_INIT};

static void pseudo_load(void)
{
	pseudo.have = pseudo.cfg && incident_pseudonym_key_load(pseudo.cfg, &pseudo.key, NULL) == RCX_OK;
}

static const struct incident_pseudonym_key *pseudonym_key(struct http_request *req)
{
	struct api_app *app = req->app;
	pseudo.cfg = app->config; /* the same for every request of a server */
	pthread_once(&pseudo.once, pseudo_load);
	return pseudo.have ? &pseudo.key : NULL;
}

void api_incident_names(struct http_request *req, struct store *s, const struct store_incident *inc,
			struct incident_view_names *n)
{
	incident_view_names(s, inc, true, api_auth(req)->p.viewer.org, pseudonym_key(req), n);
}

void api_incident_audit_read(struct http_request *req, const int64_t *ids, size_t n, uint64_t count)
{
	if (count == 0)
		return;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_integer(ids[i]));
	api_audit(req, "read", "incidents", json_pack("{s:I, s:o}", "count", (json_int_t)count, "ids", arr));
}

static bool restricted(enum rcx_tlp tlp)
{
	return tlp != RCX_TLP_CLEAR && tlp != RCX_TLP_GREEN;
}

/* ---- GET /incidents/{id} ---- */

static enum rcx_result entry_json(void *ctx, const struct store_incident_entry *e)
{
	json_array_append_new(ctx, json_pack("{s:I, s:I, s:o, s:s, s:o, s:s}", "id", (json_int_t)e->id, "incident",
					     (json_int_t)e->incident, "time", api_time_json(e->time_us), "kind",
					     e->kind, "author", e->author ? json_integer(e->author) : json_null(),
					     "text", e->text ? e->text : ""));
	return RCX_OK;
}

static enum rcx_result observable_json(void *ctx, const struct store_incident_observable *o)
{
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:I, s:o}", "kind", o->kind, "value", o->value, "incident",
					     (json_int_t)o->incident, "entry",
					     o->entry ? json_integer(o->entry) : json_null()));
	return RCX_OK;
}

struct stage_list {
	json_t *arr;
	int64_t now;
	bool only_overdue;
};

static enum rcx_result stage_json(void *ctx, const struct store_incident_stage *st)
{
	struct stage_list *l = ctx;
	enum incident_stage_state state = incident_stage_state_at(st->due_us, st->submitted_us, l->now);
	if (l->only_overdue && state != INCIDENT_STAGE_OVERDUE)
		return RCX_OK;
	json_array_append_new(l->arr, json_pack("{s:s, s:o, s:o, s:s, s:b}", "stage", st->stage, "due",
						api_time_json(st->due_us), "submitted",
						api_time_json(st->submitted_us), "state",
						incident_stage_state_name(state), "overdue",
						state == INCIDENT_STAGE_OVERDUE));
	return RCX_OK;
}

/* Linked events the viewer may see themselves (an event keeps its own label). */
struct event_ids {
	int64_t ids[RCX_INCIDENT_PAGE_MAX];
	size_t n;
};

static enum rcx_result event_id_keep(void *ctx, int64_t id)
{
	struct event_ids *e = ctx;
	if (e->n < RCX_INCIDENT_PAGE_MAX)
		e->ids[e->n++] = id;
	return RCX_OK;
}

enum rcx_result api_incident_render(struct http_request *req, struct store *s, int64_t id,
				    const struct store_visibility *vis, json_t **ret)
{
	struct store_incident inc;
	struct incident_view_names n;
	enum rcx_result r = store_incident_get(s, id, vis, &inc);
	if (r != RCX_OK)
		return r;
	api_incident_names(req, s, &inc, &n);
	if ((r = store_incident_get(s, id, vis, &inc)) != RCX_OK) /* the lookups reused the row's memory */
		return r;
	json_t *j = incident_view_json(&inc, &n);
	json_object_set_new(j, "description", incident_view_string(inc.description));
	if (!n.withheld)
		json_object_set_new(j, "reporter_contact", incident_view_string(inc.reporter_contact));
	json_t *timeline = json_array(), *obs = json_array(), *events = json_array();
	struct stage_list sl = {json_array(), rcx_time_now(), false};
	struct event_ids *ev = rcx_arena_calloc(&req->arena, 1, sizeof(*ev));
	r = store_incident_entries(s, id, vis, entry_json, timeline);
	if (r == RCX_OK)
		r = store_incident_observables(s, id, vis, observable_json, obs);
	if (r == RCX_OK)
		r = store_incident_stages(s, id, vis, stage_json, &sl);
	if (r == RCX_OK)
		r = store_incident_events(s, id, vis, event_id_keep, ev);
	for (size_t i = 0; r == RCX_OK && i < ev->n; i++) {
		struct store_event_filter flt = {.id = ev->ids[i], .vis = vis};
		uint64_t seen = 0;
		r = store_event_count(s, &flt, &seen);
		if (r == RCX_OK && seen)
			json_array_append_new(events, json_integer(ev->ids[i]));
	}
	json_object_set_new(j, "timeline", timeline);
	json_object_set_new(j, "observables", obs);
	json_object_set_new(j, "stages", sl.arr);
	json_object_set_new(j, "events", events);
	if (r != RCX_OK) {
		json_decref(j);
		return r;
	}
	*ret = j;
	return RCX_OK;
}

enum rcx_result api_incident_get(struct http_request *req)
{
	int64_t id = api_user_id_param(req);
	if (!id)
		return RCX_OK;
	struct trust_viewer *v = &api_auth(req)->p.viewer;
	struct store_visibility vis;
	trust_store_visibility(v, &vis);
	struct store *s = api_store(req);
	json_t *j = NULL;
	enum rcx_result r = s ? api_incident_render(req, s, id, &vis, &j) : RCX_ESTORE;
	if (r != RCX_OK)
		return http_respond_error(req, r, r == RCX_ENOTFOUND ? "no such incident" : NULL);
	enum rcx_tlp tlp = RCX_TLP_AMBER;
	const char *t = json_string_value(json_object_get(j, "tlp"));
	if (t)
		(void)rcx_tlp_parse(t, strlen(t), &tlp);
	if (restricted(tlp))
		api_incident_audit_read(req, &id, 1, 1);
	return http_respond_json(req, 200, j);
}

/* ---- GET /incidents, /incidents/count, /incidents/overdue ---- */

/* Reads status, country, overdue, after, limit; answers 400 and returns false on a bad one. */
static bool incident_filter(struct http_request *req, struct store_incident_filter *flt, bool paged)
{
	const char *status = http_query(req, "status"), *country = http_query(req, "country");
	const char *overdue = http_query(req, "overdue"), *after = http_query(req, "after");
	const char *limit = http_query(req, "limit");
	int64_t v;
	char *cc;
	if (status && *status) {
		enum incident_status st;
		if (incident_status_parse(status, &st) != RCX_OK) {
			http_respond_error(req, RCX_EINVAL,
					   "status is one of new, triaged, in_progress, resolved, closed, rejected, duplicate");
			return false;
		}
		flt->status = incident_status_name(st);
	}
	if (country && *country) {
		cc = rcx_arena_alloc(&req->arena, 3);
		if (strlen(country) != 2) {
			http_respond_error(req, RCX_EINVAL, "country is an ISO 3166 code (RS)");
			return false;
		}
		cc[0] = rcx_upper(country[0]), cc[1] = rcx_upper(country[1]), cc[2] = '\0';
		if (!trust_country_valid(cc)) {
			http_respond_error(req, RCX_EINVAL, "country is an ISO 3166 code (RS)");
			return false;
		}
		flt->country = cc;
	}
	if (overdue && (!strcmp(overdue, "true") || !strcmp(overdue, "1") || !strcmp(overdue, "")))
		flt->overdue_at_us = rcx_time_now();
	else if (overdue && strcmp(overdue, "false") && strcmp(overdue, "0")) {
		http_respond_error(req, RCX_EINVAL, "overdue is true or false");
		return false;
	}
	if (!paged)
		return true;
	flt->limit = RCX_INCIDENT_PAGE_DEFAULT;
	if (after && (rcx_parse_i64(after, strlen(after), &v) != RCX_OK || v < 0)) {
		http_respond_error(req, RCX_EINVAL, "after is an incident id (the previous page's next)");
		return false;
	}
	if (after)
		flt->after_id = v;
	if (limit && (rcx_parse_i64(limit, strlen(limit), &v) != RCX_OK || v < 1 || v > RCX_INCIDENT_PAGE_MAX)) {
		char *msg = rcx_strdup_printf("limit is 1 to %u", RCX_INCIDENT_PAGE_MAX);
		api_fail(req, RCX_EINVAL, msg);
		return false;
	}
	if (limit)
		flt->limit = (uint64_t)v;
	return true;
}

struct lister {
	struct http_request *req;
	struct store *s;
	const struct store_visibility *vis;
	json_t *arr;
	uint64_t want, got;
	bool more, stages;
	int64_t last_id, now;
	int64_t ids[AUDIT_IDS_MAX];
	size_t n_ids;
	uint64_t restricted;
};

static enum rcx_result list_one(void *ctx, const struct store_incident *inc)
{
	struct lister *l = ctx;
	if (l->got == l->want) { /* the look-ahead row: there is a next page */
		l->more = true;
		return RCX_OK;
	}
	struct incident_view_names n;
	api_incident_names(l->req, l->s, inc, &n);
	json_t *j = incident_view_json(inc, &n);
	if (l->stages) {
		struct stage_list sl = {json_array(), l->now, true};
		enum rcx_result r = store_incident_stages(l->s, inc->id, l->vis, stage_json, &sl);
		json_object_set_new(j, "overdue", sl.arr);
		if (r != RCX_OK) {
			json_decref(j);
			return r;
		}
	}
	json_array_append_new(l->arr, j);
	l->got++;
	l->last_id = inc->id;
	if (restricted(inc->label.tlp)) {
		l->restricted++;
		if (l->n_ids < AUDIT_IDS_MAX)
			l->ids[l->n_ids++] = inc->id;
	}
	return RCX_OK;
}

static enum rcx_result list_common(struct http_request *req, bool overdue_only)
{
	if (!api_need_user(req))
		return RCX_OK;
	struct store_incident_filter flt = {0};
	if (!incident_filter(req, &flt, true))
		return RCX_OK;
	struct store *s = api_store(req);
	if (!s)
		return http_respond_error(req, RCX_ESTORE, NULL);
	struct store_visibility vis;
	trust_store_visibility(&api_auth(req)->p.viewer, &vis);
	struct lister *l = rcx_arena_calloc(&req->arena, 1, sizeof(*l));
	*l = (struct lister){.req = req, .s = s, .vis = &vis, .arr = json_array(), .want = flt.limit,
			     .stages = overdue_only, .now = rcx_time_now()};
	if (overdue_only)
		flt.overdue_at_us = l->now;
	flt.vis = &vis;
	flt.limit = l->want + 1;
	enum rcx_result r = store_incident_query(s, &flt, list_one, l);
	if (r != RCX_OK) {
		json_decref(l->arr);
		return http_respond_error(req, r, NULL);
	}
	api_incident_audit_read(req, l->ids, l->n_ids, l->restricted);
	json_t *next = l->more ? json_sprintf("%lld", (long long)l->last_id) : json_null();
	return http_respond_json(req, 200, json_pack("{s:o, s:o}", "incidents", l->arr, "next", next));
}

enum rcx_result api_incidents_list(struct http_request *req)
{
	return list_common(req, false);
}

enum rcx_result api_incidents_overdue(struct http_request *req)
{
	return list_common(req, true);
}

enum rcx_result api_incidents_count(struct http_request *req)
{
	if (!api_need_user(req))
		return RCX_OK;
	struct store_incident_filter flt = {0};
	if (!incident_filter(req, &flt, false))
		return RCX_OK;
	struct store_visibility vis;
	trust_store_visibility(&api_auth(req)->p.viewer, &vis);
	flt.vis = &vis;
	struct store *s = api_store(req);
	uint64_t n = 0;
	enum rcx_result r = s ? store_incident_count(s, &flt, &n) : RCX_ESTORE;
	if (r != RCX_OK)
		return http_respond_error(req, r, NULL);
	return http_respond_json(req, 200, json_pack("{s:I}", "count", (json_int_t)n));
}

/* ---- GET /incidents/figures, /incidents/figures/quarterly ---- */

static bool time_param(struct http_request *req, const char *name, int64_t *ret)
{
	const char *v = http_query(req, name);
	if (!v || !*v)
		return true;
	if (rcx_time_parse(v, strlen(v), ret) == RCX_OK)
		return true;
	char *msg = rcx_strdup_printf("%s is an ISO-8601 time (2026-01-01T00:00:00Z)", name);
	api_fail(req, RCX_EINVAL, msg);
	return false;
}

enum rcx_result api_incidents_figures(struct http_request *req)
{
	if (!api_need_user(req))
		return RCX_OK;
	struct incident_figures_query q = {0};
	if (!time_param(req, "since", &q.since_us) || !time_param(req, "until", &q.until_us))
		return RCX_OK;
	struct store_visibility vis;
	trust_store_visibility(&api_auth(req)->p.viewer, &vis);
	q.vis = &vis;
	struct store *s = api_store(req);
	json_t *j = NULL;
	enum rcx_result r = s ? incident_figures_compute(s, &q, &j) : RCX_ESTORE;
	if (r != RCX_OK)
		return http_respond_error(req, r, NULL);
	return http_respond_json(req, 200, j);
}

enum rcx_result api_incidents_quarterly(struct http_request *req)
{
	if (!api_need_user(req))
		return RCX_OK;
	const char *y = http_query(req, "year"), *q = http_query(req, "quarter"), *format = http_query(req, "format");
	int64_t year = 0, quarter = 0;
	bool csv = format && !strcmp(format, "csv");
	if (!y || !q || rcx_parse_i64(y, strlen(y), &year) != RCX_OK || rcx_parse_i64(q, strlen(q), &quarter) != RCX_OK ||
	    incident_quarter_range(year, quarter, &(int64_t){0}, &(int64_t){0}) != RCX_OK)
		return http_respond_error(req, RCX_EINVAL, "year (1970..9999) and quarter (1..4) are required");
	if (format && !csv && strcmp(format, "json"))
		return http_respond_error(req, RCX_EINVAL, "format is json or csv");
	struct store_visibility vis;
	trust_store_visibility(&api_auth(req)->p.viewer, &vis);
	struct store *s = api_store(req);
	json_t *j = NULL;
	enum rcx_result r = s ? incident_figures_quarterly(s, &vis, year, quarter, &j) : RCX_ESTORE;
	if (r != RCX_OK)
		return http_respond_error(req, r, NULL);
	if (!csv)
		return http_respond_json(req, 200, j);
	struct rcx_strbuf out = RCX_STRBUF_INIT(0);
	r = incident_figures_csv(j, &out);
	json_decref(j);
	if (r == RCX_OK) {
		char disp[96];
		snprintf(disp, sizeof(disp), "attachment; filename=\"incidents-%lld-Q%lld.csv\"", (long long)year,
			 (long long)quarter);
		http_header_add(req, "Content-Disposition", disp);
		r = http_respond_bytes(req, 200, "text/csv; charset=utf-8", out.data, out.len);
	} else {
		r = http_respond_error(req, r, NULL);
	}
	rcx_strbuf_free(&out);
	return r;
}
