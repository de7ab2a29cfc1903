/* Incident cases (see incident_case.h): validation, the eu-nis sector taxonomy, receipt codes,
 * and the operations, each one store transaction with its timeline entry.
 *
 * Stages: an incident that names a NIS2 sector gets pending early_warning and notification rows
 * at creation (due counted from awareness, or from the report when awareness is unknown: the
 * entity then reported no later than it knew). Submitting the notification sets the final
 * report's due time, submitting the early warning the CERT's feedback's. A progress report
 * submitted while the incident is ongoing takes the final report's deadline off (it becomes due
 * final_report after the resolution, which incident_case_status sets). A stage is submitted once.
 * Deadlines are stored when they arise: a later change of [incident] durations does not move
 * deadlines already set. */
#include "incident/incident_case.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/limits.h"
#include "core/strbuf.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/time.h"
#include "incident/incident_notify.h"
#include "incident/incident_observable.h"

/* eu-nis-sector-and-subsectors (MISP taxonomy): sectors of operators of essential services (the
 * eu-nis-oes predicate) and digital service providers (eu-nis-dsp), with the subsectors it lists. */
static const struct {
	const char *sector;
	const char *sub[4];
} sectors[] = {
	{"energy", {"electricity-energy", "oil-energy", "gas-energy"}},
	{"transport", {"air-transport", "rail-transport", "water-transport", "road-transport"}},
	{"banking", {0}},
	{"financial", {0}},
	{"health", {0}},
	{"water", {0}},
	{"digitalinfrastructure", {0}},
	{"dsp", {"market-dsp", "search-dsp", "cloud-dsp"}},
};

bool incident_sector_valid(const char *sector, const char *subsector)
{
	for (size_t i = 0; sector && i < sizeof(sectors) / sizeof(sectors[0]); i++) {
		if (strcmp(sector, sectors[i].sector))
			continue;
		if (!subsector)
			return true;
		for (size_t j = 0; j < 4 && sectors[i].sub[j]; j++)
			if (!strcmp(subsector, sectors[i].sub[j]))
				return true;
		return false;
	}
	return false;
}

const char *incident_sector_at(size_t i)
{
	return i < sizeof(sectors) / sizeof(sectors[0]) ? sectors[i].sector : NULL;
}

bool incident_severity_valid(const char *severity)
{
	static const char *const names[] = {"low", "medium", "high", "critical"};
	for (size_t i = 0; severity && i < 4; i++)
		if (!strcmp(severity, names[i]))
			return true;
	return false;
}

void incident_receipt_make(char out[INCIDENT_RECEIPT_BUF])
{
	/* Crockford-like alphabet without 0/O and 1/I/L, so a code read over the phone survives */
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	size_t n = 0;
	memcpy(out, "RCX", 3);
	n = 3;
	for (int g = 0; g < 4; g++) {
		out[n++] = '-';
		for (int i = 0; i < 5; i++)
			out[n++] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	}
	out[n] = '\0';
}

__attribute__((format(printf, 3, 4))) static enum rcx_result fail(char **ret_why, enum rcx_result r,
								   const char *fmt, ...)
{
	if (ret_why) {
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(ret_why, fmt, ap) < 0)
			*ret_why = NULL;
		va_end(ap);
	}
	return r;
}

/* "RS,HR": two uppercase letters each, at most RCX_INCIDENT_COUNTRIES_MAX. */
static bool countries_ok(const char *c)
{
	size_t n = 0;
	for (const char *p = c; *p; p += 3) {
		if (!(p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'A' && p[1] <= 'Z') || (p[2] && (p[2] != ',' || !p[3])))
			return false;
		if (++n > RCX_INCIDENT_COUNTRIES_MAX)
			return false;
		if (!p[2])
			break;
	}
	return n > 0;
}

/* Whether the comma-separated list names cc. */
static bool countries_has(const char *list, const char *cc)
{
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 2 && !strncmp(p, cc, 2))
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

enum rcx_result incident_case_check(const struct store_incident *inc, char **ret_why)
{
	if (!inc->title || !*inc->title || strlen(inc->title) > RCX_INCIDENT_TITLE_MAX)
		return fail(ret_why, RCX_EINVAL, "an incident needs a title of 1 to 500 bytes");
	if (inc->description && strlen(inc->description) > RCX_INCIDENT_TEXT_MAX)
		return fail(ret_why, RCX_ELIMIT, "the description is longer than 1 MiB");
	if (!rcx_utf8_valid(inc->title, strlen(inc->title)) ||
	    (inc->description && !rcx_utf8_valid(inc->description, strlen(inc->description))))
		return fail(ret_why, RCX_EINVAL, "title and description must be UTF-8");
	if (inc->sector && !incident_sector_valid(inc->sector, NULL))
		return fail(ret_why, RCX_EINVAL,
			    "'%s' is not a sector of eu-nis-sector-and-subsectors (energy, transport, banking, financial,"
			    " health, water, digitalinfrastructure, dsp)",
			    inc->sector);
	if (inc->subsector && (!inc->sector || !incident_sector_valid(inc->sector, inc->subsector)))
		return fail(ret_why, RCX_EINVAL, "'%s' is not a subsector of the incident's sector", inc->subsector);
	if (inc->severity && !incident_severity_valid(inc->severity))
		return fail(ret_why, RCX_EINVAL, "'%s' is not a severity (low, medium, high, critical)", inc->severity);
	if (inc->rsit && !rcx_taxonomy_type_canonical(inc->rsit, strlen(inc->rsit)))
		return fail(ret_why, RCX_EINVAL, "'%s' is not an RSIT classification type", inc->rsit);
	if (inc->countries && !countries_ok(inc->countries))
		return fail(ret_why, RCX_EINVAL, "'%s' is not a list of country codes (RS,HR)", inc->countries);
	if (inc->loss_currency && (strlen(inc->loss_currency) != 3 || inc->loss_amount < 0))
		return fail(ret_why, RCX_EINVAL, "a loss needs an amount and a three-letter currency (EUR)");
	if (inc->status_reason && strlen(inc->status_reason) > RCX_INCIDENT_REASON_MAX)
		return fail(ret_why, RCX_ELIMIT, "the reason is longer than 4096 bytes");
	return RCX_OK;
}

static int64_t now_of(const struct incident_actor *who)
{
	return who->now_us ? who->now_us : rcx_time_now();
}

/* Commits a unit that went well, else rolls it back; returns the result of the whole. */
static enum rcx_result unit_end(struct store *s, enum rcx_result r)
{
	if (r == RCX_OK)
		r = store_commit(s);
	if (r != RCX_OK)
		store_rollback(s);
	return r;
}

static enum rcx_result entry(struct store *s, const struct incident_actor *who, int64_t id, const char *kind,
			     const char *text, int64_t *ret_id)
{
	struct store_incident_entry e = {.incident = id, .kind = kind, .author = who->user, .time_us = now_of(who),
					 .text = text};
	return store_incident_entry_add(s, &e, ret_id);
}

/* Records the observables of text for incident id (from timeline entry, 0 = the description). */
static enum rcx_result observables_put(struct store *s, int64_t id, int64_t from, const char *text)
{
	struct incident_observables set = {0};
	enum rcx_result r = text ? incident_observables_extract(text, strlen(text), &set) : RCX_OK;
	for (size_t i = 0; r == RCX_OK && i < set.n; i++) {
		struct store_incident_observable o = {id, incident_obs_kind_name(set.items[i].kind), set.items[i].value,
						      from};
		r = store_incident_observable_add(s, &o);
	}
	incident_observables_free(&set);
	return r;
}

enum rcx_result incident_case_create(struct store *s, const struct incident_actor *who,
				     const struct incident_deadline_config *dl, const struct store_incident *inc,
				     int64_t *ret_id, char ret_receipt[INCIDENT_RECEIPT_BUF], char **ret_why)
{
	char receipt[INCIDENT_RECEIPT_BUF];
	int64_t id = 0, now = now_of(who);
	enum rcx_result r = incident_case_check(inc, ret_why);
	if (r != RCX_OK)
		return r;
	struct store_incident row = *inc;
	row.status = incident_status_name(INCIDENT_NEW);
	row.status_reason = NULL;
	row.merged_into = 0;
	row.created_us = row.updated_us = now;
	if ((r = store_begin(s)) != RCX_OK)
		return r;
	for (int tries = 0; tries < 4; tries++) { /* a clash of ~100-bit codes is a broken RNG, but cheap to allow */
		incident_receipt_make(receipt);
		row.receipt = receipt;
		r = store_incident_put(s, &row, &id);
		if (r != RCX_EEXIST)
			break;
	}
	if (r == RCX_OK)
		r = entry(s, who, id, "status", "reported", NULL);
	if (r == RCX_OK)
		r = observables_put(s, id, 0, inc->title);
	if (r == RCX_OK)
		r = observables_put(s, id, 0, inc->description);
	if (r == RCX_OK && inc->sector) {
		int64_t aware = inc->aware_us ? inc->aware_us : now;
		struct store_incident_stage ew = {id, incident_stage_name(INCIDENT_STAGE_EARLY_WARNING),
						  aware + dl->early_warning_us, 0};
		struct store_incident_stage nt = {id, incident_stage_name(INCIDENT_STAGE_NOTIFICATION),
						  aware + dl->notification_us, 0};
		r = store_incident_stage_put(s, &ew);
		if (r == RCX_OK)
			r = store_incident_stage_put(s, &nt);
	}
	if (r == RCX_OK) /* queued with the incident: committed together or not at all */
		r = incident_notify_created(s, incident_notify_installed(), id);
	r = unit_end(s, r);
	if (r != RCX_OK)
		return fail(ret_why, r, "storing the incident failed: %s", rcx_result_message(r));
	*ret_id = id;
	if (ret_receipt)
		memcpy(ret_receipt, receipt, sizeof(receipt));
	return RCX_OK;
}

/* The incident id as the actor sees it, or a "no incident" failure. */
static enum rcx_result visible_get(struct store *s, const struct incident_actor *who, int64_t id,
				   struct store_incident *ret_inc, char **ret_why)
{
	enum rcx_result r = store_incident_get(s, id, who->vis, ret_inc);
	if (r == RCX_ENOTFOUND) {
		char num[32];
		snprintf(num, sizeof(num), "%lld", (long long)id);
		return fail(ret_why, r, "no incident %s", num);
	}
	return r;
}

/* The stored stage of incident id, or a pending stage without deadline. */
struct stage_find {
	const char *name;
	struct store_incident_stage found;
	bool exists;
};

static enum rcx_result stage_match(void *ctx, const struct store_incident_stage *st)
{
	struct stage_find *f = ctx;
	if (!strcmp(st->stage, f->name)) {
		f->found = *st;
		f->found.stage = f->name;
		f->exists = true;
	}
	return RCX_OK;
}

static enum rcx_result stage_get(struct store *s, int64_t id, enum incident_stage stage,
				 struct store_incident_stage *ret_st, bool *ret_exists)
{
	struct stage_find f = {.name = incident_stage_name(stage)};
	enum rcx_result r = store_incident_stages(s, id, NULL, stage_match, &f);
	if (r != RCX_OK)
		return r;
	if (!f.exists)
		f.found = (struct store_incident_stage){id, f.name, 0, 0};
	*ret_st = f.found;
	*ret_exists = f.exists;
	return RCX_OK;
}

enum rcx_result incident_case_status(struct store *s, const struct incident_actor *who,
				     const struct incident_deadline_config *dl, int64_t id, enum incident_status to,
				     const char *reason, char **ret_why)
{
	struct store_incident inc;
	enum incident_status from;
	enum rcx_result r = visible_get(s, who, id, &inc, ret_why);
	if (r != RCX_OK)
		return r;
	if (incident_status_parse(inc.status, &from) != RCX_OK)
		return fail(ret_why, RCX_ESTORE, "the stored status '%s' is unknown", inc.status);
	if (reason && strlen(reason) > RCX_INCIDENT_REASON_MAX)
		return fail(ret_why, RCX_ELIMIT, "the reason is longer than 4096 bytes");
	r = incident_workflow_check(from, to, reason, ret_why);
	if (r != RCX_OK)
		return r;
	char *text = rcx_strdup_printf("%s → %s%s%s", incident_status_name(from), incident_status_name(to),
				       reason && *reason ? ": " : "", reason && *reason ? reason : "");
	inc.status = incident_status_name(to);
	inc.status_reason = reason && *reason ? reason : NULL;
	inc.updated_us = now_of(who);
	if ((r = store_begin(s)) != RCX_OK) {
		free(text);
		return r;
	}
	r = store_incident_update(s, &inc);
	if (r == RCX_OK)
		r = entry(s, who, id, "status", text, NULL);
	if (r == RCX_OK && to == INCIDENT_RESOLVED) {
		struct store_incident_stage progress, fin;
		bool has_progress, has_final;
		r = stage_get(s, id, INCIDENT_STAGE_PROGRESS, &progress, &has_progress);
		if (r == RCX_OK)
			r = stage_get(s, id, INCIDENT_STAGE_FINAL, &fin, &has_final);
		if (r == RCX_OK && has_progress && progress.submitted_us && !fin.submitted_us) {
			fin.due_us = incident_deadline_final(dl, now_of(who));
			r = store_incident_stage_put(s, &fin);
		}
	}
	free(text);
	return unit_end(s, r);
}

enum rcx_result incident_case_assign(struct store *s, const struct incident_actor *who, int64_t id, int64_t user,
				     const char *name, char **ret_why)
{
	struct store_incident inc;
	enum rcx_result r = visible_get(s, who, id, &inc, ret_why);
	if (r != RCX_OK)
		return r;
	inc.assignee = user;
	inc.updated_us = now_of(who);
	char *text = user ? rcx_strdup_printf("assigned to %s", name ? name : "a user")
			  : rcx_strdup_printf("unassigned");
	if ((r = store_begin(s)) == RCX_OK) {
		r = store_incident_update(s, &inc);
		if (r == RCX_OK)
			r = entry(s, who, id, "assignment", text, NULL);
		r = unit_end(s, r);
	}
	free(text);
	return r;
}

enum rcx_result incident_case_note(struct store *s, const struct incident_actor *who, int64_t id, const char *text,
				   int64_t *ret_entry, char **ret_why)
{
	struct store_incident inc;
	int64_t eid = 0;
	if (!text || !*text)
		return fail(ret_why, RCX_EINVAL, "a note needs text");
	if (strlen(text) > RCX_INCIDENT_TEXT_MAX)
		return fail(ret_why, RCX_ELIMIT, "a note is at most 1 MiB");
	if (!rcx_utf8_valid(text, strlen(text)))
		return fail(ret_why, RCX_EINVAL, "a note must be UTF-8");
	enum rcx_result r = visible_get(s, who, id, &inc, ret_why);
	if (r != RCX_OK || (r = store_begin(s)) != RCX_OK)
		return r;
	r = entry(s, who, id, "note", text, &eid);
	if (r == RCX_OK)
		r = observables_put(s, id, eid, text);
	r = unit_end(s, r);
	if (r == RCX_OK && ret_entry)
		*ret_entry = eid;
	return r;
}

enum rcx_result incident_case_stage(struct store *s, const struct incident_actor *who,
				    const struct incident_deadline_config *dl, int64_t id, enum incident_stage stage,
				    int64_t submitted_us, char **ret_why)
{
	struct store_incident inc;
	struct store_incident_stage cur, next = {0};
	bool exists, next_exists;
	char t[RCX_TIME_BUF];
	enum incident_status status = INCIDENT_NEW;
	if (stage >= INCIDENT_STAGE_MAX)
		return RCX_EINVAL;
	enum rcx_result r = visible_get(s, who, id, &inc, ret_why);
	if (r != RCX_OK)
		return r;
	(void)incident_status_parse(inc.status, &status);
	int64_t at = submitted_us ? submitted_us : now_of(who);
	if ((r = store_begin(s)) != RCX_OK)
		return r;
	r = stage_get(s, id, stage, &cur, &exists);
	if (r == RCX_OK && cur.submitted_us) {
		rcx_time_format(cur.submitted_us, t);
		store_rollback(s);
		return fail(ret_why, RCX_EEXIST, "that stage was submitted already, at %s", t);
	}
	cur.submitted_us = at;
	if (r == RCX_OK)
		r = store_incident_stage_put(s, &cur);
	enum incident_stage follows = stage == INCIDENT_STAGE_NOTIFICATION    ? INCIDENT_STAGE_FINAL
				      : stage == INCIDENT_STAGE_EARLY_WARNING ? INCIDENT_STAGE_CERT_FEEDBACK
				      : stage == INCIDENT_STAGE_PROGRESS      ? INCIDENT_STAGE_FINAL
									      : INCIDENT_STAGE_MAX;
	if (r == RCX_OK && follows != INCIDENT_STAGE_MAX)
		r = stage_get(s, id, follows, &next, &next_exists);
	/* a progress report of an incident no longer ongoing leaves the final report's deadline alone */
	bool moves = follows != INCIDENT_STAGE_MAX && (stage != INCIDENT_STAGE_PROGRESS || incident_status_ongoing(status));
	if (r == RCX_OK && moves && !next.submitted_us) {
		if (stage == INCIDENT_STAGE_NOTIFICATION)
			next.due_us = incident_deadline_final(dl, at);
		else if (stage == INCIDENT_STAGE_EARLY_WARNING)
			next.due_us = at + dl->cert_feedback_us;
		else /* progress: the final report follows the resolution (incident_case_status) */
			next.due_us = 0;
		r = store_incident_stage_put(s, &next);
	}
	if (r == RCX_OK) {
		rcx_time_format(at, t);
		char *text = rcx_strdup_printf("%s submitted at %s", incident_stage_name(stage), t);
		r = entry(s, who, id, "stage", text, NULL);
		free(text);
	}
	return unit_end(s, r);
}

enum rcx_result incident_case_request(struct store *s, const struct incident_actor *who, int64_t id,
				      enum incident_stage stage, int64_t due_us, char **ret_why)
{
	struct store_incident inc;
	struct store_incident_stage cur;
	bool exists;
	char t[RCX_TIME_BUF];
	if (stage >= INCIDENT_STAGE_MAX || due_us <= 0)
		return fail(ret_why, RCX_EINVAL, "a request needs a stage and a due time");
	enum rcx_result r = visible_get(s, who, id, &inc, ret_why);
	if (r != RCX_OK || (r = store_begin(s)) != RCX_OK)
		return r;
	r = stage_get(s, id, stage, &cur, &exists);
	if (r == RCX_OK && cur.submitted_us) {
		store_rollback(s);
		return fail(ret_why, RCX_EEXIST, "%s was submitted already", incident_stage_name(stage));
	}
	cur.due_us = due_us;
	if (r == RCX_OK)
		r = store_incident_stage_put(s, &cur);
	if (r == RCX_OK) {
		rcx_time_format(due_us, t);
		char *text = rcx_strdup_printf("%s requested, due %s", incident_stage_name(stage), t);
		r = entry(s, who, id, "stage", text, NULL);
		free(text);
	}
	return unit_end(s, r);
}

enum rcx_result incident_case_merge(struct store *s, const struct incident_actor *who, int64_t dup, int64_t into,
				    char **ret_why)
{
	struct store_incident a, b;
	enum incident_status sa = INCIDENT_NEW, sb = INCIDENT_NEW;
	if (dup == into)
		return fail(ret_why, RCX_EINVAL, "an incident cannot be merged into itself");
	enum rcx_result r = visible_get(s, who, into, &b, ret_why);
	if (r != RCX_OK)
		return r;
	(void)incident_status_parse(b.status, &sb);
	if (sb == INCIDENT_DUPLICATE)
		return fail(ret_why, RCX_EINVAL, "the incident to merge into is itself a duplicate; merge into %s",
			    "the incident it was merged into");
	int64_t owner = b.label.owner_org;
	r = visible_get(s, who, dup, &a, ret_why);
	if (r != RCX_OK)
		return r;
	if (a.label.owner_org != owner)
		return fail(ret_why, RCX_EINVAL, "incidents of different owners cannot be merged (share it instead)");
	(void)incident_status_parse(a.status, &sa);
	char *reason = rcx_strdup_printf("duplicate of incident %lld", (long long)into);
	r = incident_workflow_check(sa, INCIDENT_DUPLICATE, reason, ret_why);
	if (r != RCX_OK) {
		free(reason);
		return r;
	}
	char *to_text = rcx_strdup_printf("incident %lld merged into this one", (long long)dup);
	a.status = incident_status_name(INCIDENT_DUPLICATE);
	a.status_reason = reason;
	a.merged_into = into;
	a.updated_us = now_of(who);
	if ((r = store_begin(s)) == RCX_OK) {
		r = store_incident_update(s, &a);
		if (r == RCX_OK)
			r = entry(s, who, dup, "merge", reason, NULL);
		if (r == RCX_OK)
			r = entry(s, who, into, "merge", to_text, NULL);
		r = unit_end(s, r);
	}
	free(reason);
	free(to_text);
	return r;
}

enum rcx_result incident_case_disclose(struct store *s, const struct incident_actor *who, int64_t owner_of_actor,
				       int64_t id, bool disclosed, char **ret_why)
{
	struct store_incident inc;
	enum rcx_result r = visible_get(s, who, id, &inc, ret_why);
	if (r != RCX_OK)
		return r;
	if (who->user && owner_of_actor != inc.label.owner_org)
		return fail(ret_why, RCX_EDENIED, "only the owning organisation discloses its victim's identity");
	if (inc.victim_disclosed == disclosed)
		return fail(ret_why, RCX_EINVAL, "the victim's identity is %s already", disclosed ? "disclosed" : "withheld");
	inc.victim_disclosed = disclosed;
	inc.updated_us = now_of(who);
	if ((r = store_begin(s)) != RCX_OK)
		return r;
	r = store_incident_update(s, &inc);
	if (r == RCX_OK)
		r = entry(s, who, id, "disclosure",
			  disclosed ? "victim identity disclosed to readers outside the owner"
				    : "victim identity withheld again (pseudonym only)",
			  NULL);
	return unit_end(s, r);
}

enum rcx_result incident_case_link(struct store *s, const struct incident_actor *who, int64_t id, int64_t event,
				   char **ret_why)
{
	struct store_incident inc;
	enum rcx_result r = visible_get(s, who, id, &inc, ret_why);
	if (r != RCX_OK || (r = store_begin(s)) != RCX_OK)
		return r;
	r = store_incident_event_link(s, id, event);
	if (r == RCX_ENOTFOUND) {
		store_rollback(s);
		return fail(ret_why, r, "no event %lld", (long long)event);
	}
	if (r == RCX_OK) {
		char *text = rcx_strdup_printf("event %lld linked", (long long)event);
		r = entry(s, who, id, "note", text, NULL);
		free(text);
	}
	return unit_end(s, r);
}

enum rcx_result incident_case_cross_border(struct store *s, const struct incident_actor *who, int64_t id,
					   const char *country, const char *why, char **ret_why)
{
	struct store_incident inc;
	char list[RCX_INCIDENT_COUNTRIES_MAX * 3 + 1];
	if (!country || strlen(country) != 2 || !countries_ok(country))
		return fail(ret_why, RCX_EINVAL, "'%s' is not a country code", country ? country : "");
	enum rcx_result r = visible_get(s, who, id, &inc, ret_why);
	if (r != RCX_OK)
		return r;
	const char *cur = inc.countries ? inc.countries : "";
	bool listed = countries_has(cur, country);
	if (listed && inc.cross_border)
		return RCX_OK;
	int n = snprintf(list, sizeof(list), "%s%s%s", cur, listed ? "" : (*cur ? "," : ""), listed ? "" : country);
	if (n < 0 || (size_t)n >= sizeof(list) || !countries_ok(list))
		return fail(ret_why, RCX_ELIMIT, "an incident names at most %u countries", RCX_INCIDENT_COUNTRIES_MAX);
	inc.countries = list;
	inc.cross_border = true;
	inc.updated_us = now_of(who);
	if ((r = store_begin(s)) != RCX_OK)
		return r;
	r = store_incident_update(s, &inc);
	if (r == RCX_OK) {
		char *text = rcx_strdup_printf("cross-border (%s): %s", country, why ? why : "marked");
		r = entry(s, who, id, "note", text, NULL);
		free(text);
	}
	if (r == RCX_OK && !listed) /* a country listed before was notified then */
		r = incident_notify_cross_border(s, incident_notify_installed(), id, country);
	return unit_end(s, r);
}
