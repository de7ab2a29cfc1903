/* REST: reporting an incident as a member, and the handling changes — status, assignment, notes,
 * stages, requests, merges, disclosure, event links. Each change is one incident_case_* call (the
 * module checks the workflow, writes the timeline and sets deadlines) on an incident the caller
 * may see (else 404), then one audit entry.
 *
 * Who may change what (the program layer's decision, as sharing is for events):
 *   - read-only users change nothing (403);
 *   - reporters report, and add notes to the incidents they reported (403 otherwise);
 *   - admins and analysts of the owning organisation handle the incident; admins and analysts of
 *     another organisation that may see it add notes only.
 * A change the workflow refuses (a transition, a second submission, a merge across owners) is
 * 409 "conflict" with the module's message. */
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
#include "trust/trust_org.h"

/* ---- POST /incidents ---- */

/* A JSON string member or NULL; false (and a 400) when present but not a string. */
static bool opt_str(struct http_request *req, json_t *body, const char *key, const char **ret)
{
	json_t *v = json_object_get(body, key);
	if (!v || json_is_null(v)) {
		*ret = NULL;
		return true;
	}
	if (!json_is_string(v)) {
		api_fail(req, RCX_EINVAL, rcx_strdup_printf("%s must be a string", key));
		return false;
	}
	*ret = json_string_value(v);
	return true;
}

bool api_incident_countries(struct http_request *req, json_t *arr, const char **ret)
{
	*ret = NULL;
	if (!arr || json_is_null(arr) || (json_is_array(arr) && json_array_size(arr) == 0))
		return true;
	size_t n = json_array_size(arr), i;
	json_t *x;
	if (!json_is_array(arr) || n > RCX_INCIDENT_COUNTRIES_MAX)
		goto bad;
	char *out = rcx_arena_alloc(&req->arena, n * 3);
	json_array_foreach(arr, i, x) {
		const char *cc = json_string_value(x);
		if (!cc || strlen(cc) != 2)
			goto bad;
		char up[3] = {rcx_upper(cc[0]), rcx_upper(cc[1]), 0};
		if (!trust_country_valid(up))
			goto bad;
		memcpy(out + 3 * i, up, 2);
		out[3 * i + 2] = i + 1 < n ? ',' : '\0';
	}
	*ret = out;
	return true;
bad:
	api_fail(req, RCX_EINVAL, rcx_strdup_printf("countries is a list of at most %u ISO 3166 codes ([\"RS\",\"HR\"])",
						    RCX_INCIDENT_COUNTRIES_MAX));
	return false;
}

/* Organisations (id or name) or users (id or e-mail) into ids in the arena. */
static bool ids_of(struct http_request *req, struct store *s, json_t *arr, bool users, int64_t **ret, size_t *ret_n)
{
	size_t i, n = json_array_size(arr);
	json_t *x;
	*ret = NULL;
	*ret_n = 0;
	if (!arr || json_is_null(arr))
		return true;
	if (!json_is_array(arr) || n > RCX_RECIPIENTS_MAX)
		goto bad;
	int64_t *ids = rcx_arena_alloc(&req->arena, (n + 1) * sizeof(*ids));
	json_array_foreach(arr, i, x) {
		int64_t id = json_is_integer(x) ? json_integer_value(x) : 0;
		if (json_is_string(x)) {
			struct store_org o;
			struct store_user u;
			if (users && store_user_get(s, json_string_value(x), &u) == RCX_OK)
				id = u.id;
			else if (!users && store_org_get(s, json_string_value(x), &o) == RCX_OK)
				id = o.id;
		}
		if (id <= 0)
			goto bad;
		ids[i] = id;
	}
	*ret = ids;
	*ret_n = n;
	return true;
bad:
	api_fail(req, RCX_EINVAL, rcx_strdup_printf("recipients.%s is a list of existing %s", users ? "users" : "orgs",
						    users ? "users (id or e-mail)" : "organisations (id or name)"));
	return false;
}

/* Fills the member-report fields of in from body (strings borrowed from body); false once answered. */
static bool report_fields(struct http_request *req, struct store *s, json_t *body, struct store_incident *in)
{
	const char *rsit = NULL, *aware = NULL, *tlp = NULL, *dist = NULL;
	json_t *loss = json_object_get(body, "loss"), *affected = json_object_get(body, "affected_org");
	if (!opt_str(req, body, "title", &in->title) || !opt_str(req, body, "description", &in->description) ||
	    !opt_str(req, body, "affected_name", &in->affected_name) || !opt_str(req, body, "sector", &in->sector) ||
	    !opt_str(req, body, "subsector", &in->subsector) || !opt_str(req, body, "rsit", &rsit) ||
	    !opt_str(req, body, "severity", &in->severity) || !opt_str(req, body, "aware_at", &aware) ||
	    !opt_str(req, body, "tlp", &tlp) || !opt_str(req, body, "distribution", &dist) ||
	    !api_incident_countries(req, json_object_get(body, "countries"), &in->countries))
		return false;
	if (!in->title) {
		http_respond_error(req, RCX_EINVAL, "an incident needs a title");
		return false;
	}
	if (rsit && !(in->rsit = rcx_taxonomy_type_canonical(rsit, strlen(rsit)))) {
		api_fail(req, RCX_EINVAL, rcx_strdup_printf("'%.100s' is not an RSIT classification type", rsit));
		return false;
	}
	if (aware && rcx_time_parse(aware, strlen(aware), &in->aware_us) != RCX_OK) {
		http_respond_error(req, RCX_EINVAL, "aware_at is an ISO-8601 time");
		return false;
	}
	if (tlp && rcx_tlp_parse(tlp, strlen(tlp), &in->label.tlp) != RCX_OK) {
		http_respond_error(req, RCX_EINVAL, "tlp must be clear, green, amber, amber+strict or red");
		return false;
	}
	if (dist && rcx_dist_parse(dist, strlen(dist), &in->label.dist) != RCX_OK) {
		http_respond_error(req, RCX_EINVAL, "distribution must be org, group, node or federation");
		return false;
	}
	if (json_is_boolean(json_object_get(body, "cross_border")))
		in->cross_border = json_is_true(json_object_get(body, "cross_border"));
	if (loss && !json_is_null(loss)) {
		json_t *amount = json_object_get(loss, "amount"), *cur = json_object_get(loss, "currency");
		if (!json_is_integer(amount) || json_integer_value(amount) < 0 || (cur && !json_is_string(cur))) {
			http_respond_error(req, RCX_EINVAL, "loss is {\"amount\": whole units >= 0, \"currency\": \"EUR\"}");
			return false;
		}
		in->loss_amount = json_integer_value(amount);
		const char *c = cur ? json_string_value(cur) : "EUR";
		char *up = rcx_arena_alloc(&req->arena, strlen(c) + 1);
		for (size_t i = 0; i <= strlen(c); i++)
			up[i] = rcx_upper(c[i]);
		in->loss_currency = up;
	}
	if (affected && !json_is_null(affected)) {
		struct store_org o;
		enum rcx_result r = RCX_ENOTFOUND;
		if (json_is_integer(affected))
			r = store_org_get_id(s, json_integer_value(affected), &o);
		else if (json_is_string(affected))
			r = store_org_get(s, json_string_value(affected), &o);
		if (r != RCX_OK) {
			http_respond_error(req, RCX_EINVAL,
					   "affected_org is a member organisation (id or name); use affected_name otherwise");
			return false;
		}
		in->affected_org = o.id;
	}
	json_t *group = json_object_get(body, "group"), *rcpt = json_object_get(body, "recipients");
	if (group && !json_is_null(group)) {
		struct store_group g;
		if (json_is_integer(group))
			in->label.group = json_integer_value(group);
		else if (json_is_string(group) && store_group_get(s, json_string_value(group), &g) == RCX_OK)
			in->label.group = g.id;
		else {
			http_respond_error(req, RCX_EINVAL, "group is an existing sharing group (id or name)");
			return false;
		}
	}
	if ((in->label.dist == RCX_DIST_GROUP) != (in->label.group > 0)) {
		http_respond_error(req, RCX_EINVAL, "distribution group and a group go together");
		return false;
	}
	int64_t *orgs, *users;
	size_t n_orgs, n_users;
	if (!ids_of(req, s, json_object_get(rcpt, "orgs"), false, &orgs, &n_orgs) ||
	    !ids_of(req, s, json_object_get(rcpt, "users"), true, &users, &n_users))
		return false;
	in->label.orgs = orgs, in->label.n_orgs = n_orgs;
	in->label.users = users, in->label.n_users = n_users;
	return true;
}

enum rcx_result api_incidents_create(struct http_request *req)
{
	if (!api_need_user(req))
		return RCX_OK;
	const struct trust_viewer *v = &api_auth(req)->p.viewer;
	if (!trust_role_writes(v->role) || v->org <= 0)
		return http_respond_error(req, RCX_EDENIED, "read-only users cannot report incidents");
	struct store *s = api_store(req);
	if (!s)
		return http_respond_error(req, RCX_ESTORE, NULL);
	json_t *body = api_body(req);
	if (!body)
		return RCX_OK;
	struct store_incident in = {.loss_amount = -1, .label = {.tlp = RCX_TLP_AMBER, .dist = RCX_DIST_ORG}};
	in.label.owner_org = v->org;
	in.label.creator = v->user;
	in.reporter = v->user;
	struct incident_deadline_config dl;
	if (!report_fields(req, s, body, &in) || !api_incident_deadlines(req, s, in.label.owner_org, in.countries, &dl)) {
		json_decref(body);
		return RCX_OK;
	}
	struct incident_actor who = {.user = v->user};
	char receipt[INCIDENT_RECEIPT_BUF], *why = NULL;
	int64_t id = 0;
	enum rcx_result r = incident_case_create(s, &who, &dl, &in, &id, receipt, &why);
	json_decref(body);
	if (r != RCX_OK)
		return api_fail(req, r, why);
	char object[48];
	snprintf(object, sizeof(object), "incident:%lld", (long long)id);
	api_audit(req, "incident.add", object, json_pack("{s:s}", "tlp", rcx_tlp_name(in.label.tlp)));
	struct store_visibility vis;
	trust_store_visibility(v, &vis);
	json_t *j = NULL;
	r = api_incident_render(req, s, id, &vis, &j);
	if (r != RCX_OK) /* stored, but not visible to its own reporter: say so much */
		return http_respond_json(req, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "receipt", receipt));
	return http_respond_json(req, 201, j);
}

/* ---- changes ---- */

enum change_kind { CHANGE_HANDLE, CHANGE_NOTE };

/* What every change needs: the caller, the incident (visible to them), the actor for the module. */
struct change {
	struct store *s;
	int64_t id;
	struct store_visibility vis;
	struct incident_actor who;
	struct store_incident inc; /* owner, countries (copied), reporter */
	char countries[RCX_INCIDENT_COUNTRIES_MAX * 3 + 1];
	json_t *body;
};

/* Authenticates, reads the id and the body, finds the incident and checks the role. false when an
 * answer was given (body released). */
static bool change_open(struct http_request *req, enum change_kind kind, struct change *ch)
{
	memset(ch, 0, sizeof(*ch));
	if (!(ch->id = api_user_id_param(req)))
		return false;
	const struct trust_viewer *v = &api_auth(req)->p.viewer;
	trust_store_visibility(v, &ch->vis);
	ch->who = (struct incident_actor){.user = v->user, .vis = &ch->vis};
	if (!(ch->s = api_store(req))) {
		http_respond_error(req, RCX_ESTORE, NULL);
		return false;
	}
	enum rcx_result r = store_incident_get(ch->s, ch->id, &ch->vis, &ch->inc);
	if (r != RCX_OK) {
		http_respond_error(req, r, r == RCX_ENOTFOUND ? "no such incident" : NULL);
		return false;
	}
	snprintf(ch->countries, sizeof(ch->countries), "%s", ch->inc.countries ? ch->inc.countries : "");
	ch->inc.countries = ch->countries;
	/* strings of the row die with the next store call; only the numbers are used from here */
	bool own_org = v->org > 0 && v->org == ch->inc.label.owner_org;
	bool handler = v->role == TRUST_ROLE_ADMIN || v->role == TRUST_ROLE_ANALYST;
	bool own_report = ch->inc.reporter == v->user || ch->inc.label.creator == v->user;
	const char *no = NULL;
	if (v->role == TRUST_ROLE_READONLY)
		no = "read-only users change nothing";
	else if (kind == CHANGE_NOTE && !(handler || (v->role == TRUST_ROLE_REPORTER && own_report)))
		no = "reporters add notes to their own reports only";
	else if (kind == CHANGE_HANDLE && !(handler && own_org))
		no = "only admins and analysts of the owning organisation handle an incident";
	if (no) {
		http_respond_error(req, RCX_EDENIED, no);
		return false;
	}
	if (!(ch->body = api_body(req)))
		return false;
	return true;
}

/* Answers a change: the audit entry and the incident as it is now, or the module's refusal. */
static enum rcx_result change_close(struct http_request *req, struct change *ch, enum rcx_result r, char *why,
				    const char *action, json_t *detail, unsigned status)
{
	json_decref(ch->body);
	if (r != RCX_OK) {
		json_decref(detail);
		if (r == RCX_EINVAL || r == RCX_EEXIST) {
			enum rcx_result out = http_respond_problem(req, 409, "conflict", why ? why : "refused");
			free(why);
			return out;
		}
		return api_fail(req, r, why);
	}
	free(why);
	char object[48];
	snprintf(object, sizeof(object), "incident:%lld", (long long)ch->id);
	api_audit(req, action, object, detail);
	json_t *j = NULL;
	r = api_incident_render(req, ch->s, ch->id, &ch->vis, &j);
	if (r != RCX_OK)
		return http_respond_json(req, status, json_pack("{s:I, s:b}", "id", (json_int_t)ch->id, "ok", 1));
	return http_respond_json(req, status, j);
}

static enum rcx_result bad(struct http_request *req, struct change *ch, const char *msg)
{
	json_decref(ch->body);
	return http_respond_error(req, RCX_EINVAL, msg);
}

enum rcx_result api_incident_status(struct http_request *req)
{
	struct change ch;
	if (!change_open(req, CHANGE_HANDLE, &ch))
		return RCX_OK;
	const char *status = json_string_value(json_object_get(ch.body, "status"));
	json_t *reason_j = json_object_get(ch.body, "reason");
	const char *reason = json_string_value(reason_j);
	enum incident_status to;
	if (!status || incident_status_parse(status, &to) != RCX_OK)
		return bad(req, &ch, "status is one of new, triaged, in_progress, resolved, closed, rejected");
	if (reason_j && !json_is_null(reason_j) && !reason)
		return bad(req, &ch, "reason is a string");
	if (to == INCIDENT_DUPLICATE)
		return bad(req, &ch, "mark a duplicate with POST /api/v1/incidents/{id}/merge");
	struct incident_deadline_config dl;
	if (!api_incident_deadlines(req, ch.s, ch.inc.label.owner_org, ch.countries, &dl)) {
		json_decref(ch.body);
		return RCX_OK;
	}
	char *why = NULL;
	enum rcx_result r = incident_case_status(ch.s, &ch.who, &dl, ch.id, to, reason, &why);
	return change_close(req, &ch, r, why, "incident.status",
			    json_pack("{s:s}", "status", incident_status_name(to)), 200);
}

enum rcx_result api_incident_assign(struct http_request *req)
{
	struct change ch;
	if (!change_open(req, CHANGE_HANDLE, &ch))
		return RCX_OK;
	json_t *u_j = json_object_get(ch.body, "user");
	struct store_user u = {0};
	char email[320] = "";
	enum rcx_result r = RCX_OK;
	if (json_is_integer(u_j))
		r = store_user_get_id(ch.s, json_integer_value(u_j), &u);
	else if (json_is_string(u_j))
		r = store_user_get(ch.s, json_string_value(u_j), &u);
	else if (u_j && !json_is_null(u_j))
		r = RCX_EINVAL;
	else if (!u_j)
		r = RCX_EINVAL;
	if (r == RCX_OK && u.id && u.org != ch.inc.label.owner_org)
		r = RCX_EINVAL;
	if (r != RCX_OK)
		return bad(req, &ch, "user is a user (id or e-mail) of the owning organisation, or null to unassign");
	if (u.id)
		snprintf(email, sizeof(email), "%s", u.email);
	char *why = NULL;
	r = incident_case_assign(ch.s, &ch.who, ch.id, u.id, email, &why);
	return change_close(req, &ch, r, why, "incident.assign", json_pack("{s:I}", "assignee", (json_int_t)u.id), 200);
}

enum rcx_result api_incident_note(struct http_request *req)
{
	struct change ch;
	if (!change_open(req, CHANGE_NOTE, &ch))
		return RCX_OK;
	const char *text = json_string_value(json_object_get(ch.body, "text"));
	if (!text || !*text)
		return bad(req, &ch, "text is the note (a non-empty string)");
	char *why = NULL;
	int64_t entry = 0;
	enum rcx_result r = incident_case_note(ch.s, &ch.who, ch.id, text, &entry, &why);
	if (r == RCX_EINVAL) { /* the note itself (UTF-8), not a state conflict */
		json_decref(ch.body);
		return api_fail(req, r, why);
	}
	return change_close(req, &ch, r, why, "incident.note", json_pack("{s:I}", "entry", (json_int_t)entry), 201);
}

enum rcx_result api_incident_stage(struct http_request *req)
{
	struct change ch;
	if (!change_open(req, CHANGE_HANDLE, &ch))
		return RCX_OK;
	const char *name = json_string_value(json_object_get(ch.body, "stage"));
	const char *at_s = json_string_value(json_object_get(ch.body, "at"));
	enum incident_stage stage;
	int64_t at = 0;
	if (!name || incident_stage_parse(name, &stage) != RCX_OK)
		return bad(req, &ch, "stage is one of early_warning, notification, intermediate, final, progress, cert_feedback");
	if (at_s && rcx_time_parse(at_s, strlen(at_s), &at) != RCX_OK)
		return bad(req, &ch, "at is an ISO-8601 time");
	struct incident_deadline_config dl;
	if (!api_incident_deadlines(req, ch.s, ch.inc.label.owner_org, ch.countries, &dl)) {
		json_decref(ch.body);
		return RCX_OK;
	}
	char *why = NULL;
	enum rcx_result r = incident_case_stage(ch.s, &ch.who, &dl, ch.id, stage, at, &why);
	return change_close(req, &ch, r, why, "incident.stage",
			    json_pack("{s:s, s:b}", "stage", incident_stage_name(stage), "request", 0), 200);
}

enum rcx_result api_incident_request(struct http_request *req)
{
	struct change ch;
	if (!change_open(req, CHANGE_HANDLE, &ch))
		return RCX_OK;
	const char *name = json_string_value(json_object_get(ch.body, "stage"));
	const char *due_s = json_string_value(json_object_get(ch.body, "due"));
	enum incident_stage stage = INCIDENT_STAGE_INTERMEDIATE;
	int64_t due = 0;
	if (name && incident_stage_parse(name, &stage) != RCX_OK)
		return bad(req, &ch, "stage is a stage name (default intermediate)");
	if (!due_s || rcx_time_parse(due_s, strlen(due_s), &due) != RCX_OK)
		return bad(req, &ch, "due is the ISO-8601 time the report is due");
	char *why = NULL;
	enum rcx_result r = incident_case_request(ch.s, &ch.who, ch.id, stage, due, &why);
	return change_close(req, &ch, r, why, "incident.stage",
			    json_pack("{s:s, s:b}", "stage", incident_stage_name(stage), "request", 1), 200);
}

enum rcx_result api_incident_merge(struct http_request *req)
{
	struct change ch;
	if (!change_open(req, CHANGE_HANDLE, &ch))
		return RCX_OK;
	json_t *into_j = json_object_get(ch.body, "into");
	int64_t into = json_is_integer(into_j) ? json_integer_value(into_j) : 0;
	if (into <= 0)
		return bad(req, &ch, "into is the id of the surviving incident");
	char *why = NULL;
	enum rcx_result r = incident_case_merge(ch.s, &ch.who, ch.id, into, &why);
	if (r == RCX_ENOTFOUND) { /* the survivor is unknown or invisible: the request is wrong, not the path */
		json_decref(ch.body);
		free(why);
		return http_respond_error(req, RCX_EINVAL, "into names no incident you may see");
	}
	return change_close(req, &ch, r, why, "incident.merge", json_pack("{s:I}", "into", (json_int_t)into), 200);
}

enum rcx_result api_incident_disclose(struct http_request *req)
{
	struct change ch;
	if (!change_open(req, CHANGE_HANDLE, &ch))
		return RCX_OK;
	json_t *d = json_object_get(ch.body, "disclosed");
	if (!json_is_boolean(d))
		return bad(req, &ch, "disclosed is true (readers outside see the victim) or false (pseudonym only)");
	bool yes = json_is_true(d);
	char *why = NULL;
	enum rcx_result r =
		incident_case_disclose(ch.s, &ch.who, api_auth(req)->p.viewer.org, ch.id, yes, &why);
	return change_close(req, &ch, r, why, "incident.disclose", json_pack("{s:b}", "disclosed", yes), 200);
}

enum rcx_result api_incident_link(struct http_request *req)
{
	struct change ch;
	if (!change_open(req, CHANGE_HANDLE, &ch))
		return RCX_OK;
	json_t *e_j = json_object_get(ch.body, "event");
	int64_t event = json_is_integer(e_j) ? json_integer_value(e_j) : 0;
	uint64_t seen = 0;
	struct store_event_filter flt = {.id = event, .vis = &ch.vis};
	if (event <= 0 || store_event_count(ch.s, &flt, &seen) != RCX_OK || seen == 0)
		return bad(req, &ch, "event names no event you may see");
	char *why = NULL;
	enum rcx_result r = incident_case_link(ch.s, &ch.who, ch.id, event, &why);
	return change_close(req, &ch, r, why, "incident.link", json_pack("{s:I}", "event", (json_int_t)event), 200);
}
