/* rcx incident: report, list, show and handle incidents from the command line.
 *
 *   rcx incident add --title T [--text TEXT | description on stdin] [--org OWNER] [--affected ORG|NAME]
 *                    [--country CC[,CC]] [--sector S [--subsector S]] [--type RSIT] [--severity S]
 *                    [--tlp T] [--distribution D] [--aware-at TIME] [--reporter EMAIL] [--contact TEXT]
 *                    [--loss AMOUNT --currency CUR] [--cross-border] [--group NAME] [--recipient ORG]...
 *   rcx incident list [--status S] [--country CC] [--overdue] [--after ID] [--limit N] [--as ORG|EMAIL] [--count]
 *   rcx incident show ID [--as ORG|EMAIL]
 *   rcx incident status ID STATUS [--reason TEXT] [--by EMAIL]
 *   rcx incident assign ID EMAIL|none [--by EMAIL]
 *   rcx incident note ID TEXT [--by EMAIL]
 *   rcx incident stage ID STAGE [--at TIME] [--request --due TIME] [--by EMAIL]
 *   rcx incident merge ID INTO_ID [--by EMAIL]
 *   rcx incident disclose ID yes|no [--by EMAIL]
 *   rcx incident link ID EVENT_ID [--by EMAIL]
 *   rcx incident overdue [--as ORG|EMAIL] [--count]
 *   rcx incident receipt CODE
 *
 * Output: JSON lines (list, overdue), one JSON object (add, show, changes). Reads with --as go
 * through the visibility rule, as `rcx events --as` does; a viewer outside the owning
 * organisation sees the affected party only as its pseudonym unless the owner disclosed it.
 * --by acts as that user (their visibility, their name on the timeline). Changes are audited. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/cli_incident.h"
#include "core/limits.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/time.h"
#include "incident/incident_case.h"
#include "incident/incident_deadline.h"
#include "incident/incident_pseudonym.h"
#include "ingest/ingest_route.h"
#include "store/store_incident.h"
#include "trust/trust.h"
#include "trust/trust_account.h"
#include "trust/trust_audit.h"
#include "trust/trust_org.h"

#define CMD CLI_INCIDENT_CMD


static int fail_rc(enum rcx_result r, const char *what, const char *why)
{
	cli_error(CMD, "%s: %s", what, why ? why : rcx_result_message(r));
	return rcx_result_exit(r);
}

/* Resolves --as / --by NAME into w (no NAME: the node operator). */
enum rcx_result cli_incident_who_resolve(struct store *s, const char *name, struct cli_incident_who *w)
{
	memset(w, 0, sizeof(*w));
	if (!name)
		return RCX_OK;
	enum rcx_result r = trust_viewer_named(s, name, &w->viewer);
	if (r != RCX_OK) {
		cli_error(CMD, "%s: %s", name, r == RCX_ENOTFOUND ? "no such organisation or user" : rcx_result_message(r));
		return r;
	}
	trust_store_visibility(&w->viewer, &w->vis);
	w->set = true;
	w->actor.user = w->viewer.user;
	w->actor.vis = &w->vis;
	return RCX_OK;
}

bool cli_incident_id_parse(const char *s, int64_t *ret)
{
	int64_t v;
	if (!s || rcx_parse_i64(s, strlen(s), &v) != RCX_OK || v <= 0)
		return false;
	*ret = v;
	return true;
}

void cli_incident_json_print(json_t *j)
{
	char *t = json_dumps(j, JSON_COMPACT);
	if (t)
		puts(t);
	free(t);
	json_decref(j);
}

static int audit(struct store *s, const char *action, int64_t id, json_t *detail)
{
	char object[48];
	snprintf(object, sizeof(object), "incident:%lld", (long long)id);
	char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(detail);
	enum rcx_result r = trust_audit_append(s, "cli", action, object, text);
	free(text);
	if (r != RCX_OK) {
		cli_error(CMD, "the change was made but could not be written to the audit log: %s", rcx_result_message(r));
		return rcx_result_exit(r);
	}
	return 0;
}

/* The deadline durations for an incident owned by org (its country, else the first listed). */
static enum rcx_result deadlines_for(struct cli *cli, struct store *s, int64_t owner, const char *countries,
				     struct incident_deadline_config *ret_dl)
{
	char cc[3] = {0};
	struct store_org o;
	if (owner && store_org_get_id(s, owner, &o) == RCX_OK && o.country && strlen(o.country) == 2)
		memcpy(cc, o.country, 2);
	else if (countries && strlen(countries) >= 2)
		memcpy(cc, countries, 2);
	char *why = NULL;
	enum rcx_result r = incident_deadline_config_load(cli->config, cc[0] ? cc : NULL, ret_dl, &why);
	if (r != RCX_OK) {
		cli_error(CMD, "%s", why ? why : rcx_result_message(r));
		free(why);
	}
	return r;
}

/* ---- cross-border: observables routed to another country's constituency ---- */

#define CROSS_OBS_MAX 256u /* observables of one incident looked at */

struct cross_obs {
	size_t n;
	char kind[CROSS_OBS_MAX][8];
	char value[CROSS_OBS_MAX][256];
};

static enum rcx_result cross_collect(void *ctx, const struct store_incident_observable *o)
{
	struct cross_obs *c = ctx;
	bool routable = !strcmp(o->kind, "ip") || !strcmp(o->kind, "domain") || !strcmp(o->kind, "url");
	if (routable && c->n < CROSS_OBS_MAX && strlen(o->value) < sizeof(c->value[0])) {
		snprintf(c->kind[c->n], sizeof(c->kind[0]), "%s", o->kind);
		snprintf(c->value[c->n], sizeof(c->value[0]), "%s", o->value);
		c->n++;
	}
	return RCX_OK;
}

/* Routes the incident's addresses, domains and URLs by the [routing] rules, as ingest routes
 * events; an observable whose constituency is an organisation of another country than the
 * owner's marks the incident cross-border for that country. It does not share the incident:
 * the other CERT sees it only as its label allows. Failures are reported, not fatal. */
static void cross_border_detect(struct cli *cli, struct store *s, const struct incident_actor *who, int64_t id)
{
	struct ingest_routes *routes = NULL;
	struct store_incident inc;
	struct store_org o;
	char *err = NULL, owner_cc[3] = "";
	if (ingest_route_load(cli->config, &routes, &err) != RCX_OK) {
		cli_error(CMD, "cross-border check skipped: %s", err ? err : "bad [routing]");
		free(err);
		return;
	}
	struct cross_obs *c = calloc(1, sizeof(*c));
	if (!c || store_incident_get(s, id, NULL, &inc) != RCX_OK ||
	    store_org_get_id(s, inc.label.owner_org, &o) != RCX_OK || !o.country || strlen(o.country) != 2 ||
	    store_incident_observables(s, id, NULL, cross_collect, c) != RCX_OK)
		goto out;
	memcpy(owner_cc, o.country, 3);
	for (size_t i = 0; i < c->n; i++) {
		struct rcx_arena arena = RCX_ARENA_INIT;
		struct event ev;
		event_init(&ev, &arena);
		enum event_field f = !strcmp(c->kind[i], "ip") ? EF_SOURCE_IP : !strcmp(c->kind[i], "url") ? EF_SOURCE_URL
													  : EF_SOURCE_FQDN;
		const char *org = event_set(&ev, f, c->value[i], strlen(c->value[i])) == RCX_OK
					  ? ingest_route_event(routes, &ev)
					  : NULL;
		char cc[3] = "", name[256] = "";
		if (org && store_org_get(s, org, &o) == RCX_OK && o.country && strlen(o.country) == 2) {
			memcpy(cc, o.country, 3);
			snprintf(name, sizeof(name), "%s", o.name);
		}
		rcx_arena_free(&arena);
		if (!cc[0] || !strcmp(cc, owner_cc))
			continue;
		char *why = NULL, *text = rcx_strdup_printf("%s routes to %s", c->value[i], name);
		enum rcx_result r = incident_case_cross_border(s, who, id, cc, text, &why);
		if (r != RCX_OK)
			cli_error(CMD, "cross-border (%s): %s", cc, why ? why : rcx_result_message(r));
		free(text);
		free(why);
	}
out:
	free(c);
	ingest_route_free(routes);
}

/* ---- add ---- */

static char *read_stdin(void)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			if (cap > RCX_INCIDENT_TEXT_MAX) {
				free(buf);
				return NULL;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, stdin);
		n += got;
		if (got == 0)
			break;
	}
	if (buf)
		buf[n] = '\0';
	return buf;
}

static int incident_add(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"title", required_argument, NULL, 'T'},     {"text", required_argument, NULL, 'x'},
		{"org", required_argument, NULL, 'o'},       {"affected", required_argument, NULL, 'a'},
		{"country", required_argument, NULL, 'c'},   {"sector", required_argument, NULL, 's'},
		{"subsector", required_argument, NULL, 'S'}, {"type", required_argument, NULL, 't'},
		{"severity", required_argument, NULL, 'v'},  {"tlp", required_argument, NULL, 'L'},
		{"distribution", required_argument, NULL, 'd'}, {"aware-at", required_argument, NULL, 'w'},
		{"reporter", required_argument, NULL, 'r'},  {"contact", required_argument, NULL, 'C'},
		{"loss", required_argument, NULL, 'l'},      {"currency", required_argument, NULL, 'u'},
		{"cross-border", no_argument, NULL, 'b'},    {"group", required_argument, NULL, 'g'},
		{"recipient", required_argument, NULL, 'R'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"usage: rcx incident add --title TITLE [--text TEXT | description on stdin] [--org OWNER]\n"
		"         [--affected ORG|NAME] [--country CC[,CC]] [--sector S [--subsector S]] [--type RSIT]\n"
		"         [--severity low|medium|high|critical] [--tlp TLP] [--distribution D] [--aware-at TIME]\n"
		"         [--reporter EMAIL] [--contact TEXT] [--loss AMOUNT --currency CUR] [--cross-border]\n"
		"         [--group NAME] [--recipient ORG]...\n";
	struct store_incident in = {.loss_amount = -1, .label = {.tlp = RCX_TLP_AMBER, .dist = RCX_DIST_ORG}};
	const char *org = NULL, *affected = NULL, *reporter = NULL, *text = NULL, *group = NULL;
	const char *recipients[CLI_INCIDENT_RECIPIENTS_MAX];
	int64_t recipient_ids[CLI_INCIDENT_RECIPIENTS_MAX];
	size_t n_recipients = 0;
	char *owned_text = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'T': in.title = optarg; break;
		case 'x': text = optarg; break;
		case 'o': org = optarg; break;
		case 'a': affected = optarg; break;
		case 'c':
			for (char *p = optarg; *p; p++)
				*p = rcx_upper(*p);
			in.countries = optarg;
			break;
		case 's': in.sector = optarg; break;
		case 'S': in.subsector = optarg; break;
		case 't':
			in.rsit = rcx_taxonomy_type_canonical(optarg, strlen(optarg));
			if (!in.rsit) {
				cli_error(CMD, "--type: '%s' is not an RSIT classification type", optarg);
				return 2;
			}
			break;
		case 'v': in.severity = optarg; break;
		case 'L':
			if (rcx_tlp_parse(optarg, strlen(optarg), &in.label.tlp) != RCX_OK) {
				cli_error(CMD, "--tlp: '%s' is not a TLP label", optarg);
				return 2;
			}
			break;
		case 'd':
			if (rcx_dist_parse(optarg, strlen(optarg), &in.label.dist) != RCX_OK) {
				cli_error(CMD, "--distribution: '%s' is not org, group, node or federation", optarg);
				return 2;
			}
			break;
		case 'w':
			if (rcx_time_parse(optarg, strlen(optarg), &in.aware_us) != RCX_OK) {
				cli_error(CMD, "--aware-at: '%s' is not a time", optarg);
				return 2;
			}
			break;
		case 'r': reporter = optarg; break;
		case 'C': in.reporter_contact = optarg; break;
		case 'l':
			if (rcx_parse_i64(optarg, strlen(optarg), &in.loss_amount) != RCX_OK || in.loss_amount < 0) {
				cli_error(CMD, "--loss: '%s' is not an amount", optarg);
				return 2;
			}
			break;
		case 'u':
			for (char *p = optarg; *p; p++)
				*p = rcx_upper(*p);
			in.loss_currency = optarg;
			break;
		case 'b': in.cross_border = true; break;
		case 'g': group = optarg; break;
		case 'R':
			if (n_recipients == CLI_INCIDENT_RECIPIENTS_MAX) {
				cli_error(CMD, "--recipient: at most %u", CLI_INCIDENT_RECIPIENTS_MAX);
				return 2;
			}
			recipients[n_recipients++] = optarg;
			break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc || !in.title) {
		fputs(usage, stderr);
		return 2;
	}
	if ((in.label.dist == RCX_DIST_GROUP) != (group != NULL)) {
		cli_error(CMD, "--distribution group and --group NAME go together");
		return 2;
	}
	for (const char *p = in.countries; p && *p; p += 3) {
		char cc[3] = {p[0], p[1], 0};
		if (!trust_country_valid(cc) || (p[2] && p[2] != ',')) {
			cli_error(CMD, "--country: '%s' is not a list of ISO 3166 codes (RS or RS,HR)", in.countries);
			return 2;
		}
		if (!p[2])
			break;
	}
	if (in.loss_amount >= 0 && !in.loss_currency)
		in.loss_currency = "EUR";
	if (!text) {
		owned_text = read_stdin();
		if (!owned_text) {
			cli_error(CMD, "the description on stdin is longer than %u bytes", RCX_INCIDENT_TEXT_MAX);
			return 2;
		}
		text = owned_text;
	}
	in.description = *text ? text : NULL;
	struct store *s;
	if (cli_store_open(cli, false, &s) != RCX_OK) {
		free(owned_text);
		return rcx_result_exit(RCX_ESTORE);
	}
	struct store_org o;
	struct store_user u;
	int status = 0;
	enum rcx_result r = store_org_get(s, org, &o);
	if (r != RCX_OK) {
		status = fail_rc(r, org ? org : "the owning organisation",
				 r == RCX_ENOTFOUND ? (org ? "no such organisation" : "no organisation yet (rcx init)") : NULL);
		goto out;
	}
	in.label.owner_org = o.id;
	if (reporter) {
		if ((r = store_user_get(s, reporter, &u)) != RCX_OK) {
			status = fail_rc(r, reporter, r == RCX_ENOTFOUND ? "no such user" : NULL);
			goto out;
		}
		in.reporter = u.id;
		in.label.creator = u.id;
	}
	for (size_t i = 0; i < n_recipients; i++) {
		if ((r = store_org_get(s, recipients[i], &o)) != RCX_OK) {
			status = fail_rc(r, recipients[i], r == RCX_ENOTFOUND ? "no such organisation" : NULL);
			goto out;
		}
		recipient_ids[i] = o.id;
	}
	in.label.orgs = n_recipients ? recipient_ids : NULL;
	in.label.n_orgs = n_recipients;
	if (group) {
		struct store_group g;
		if ((r = store_group_get(s, group, &g)) != RCX_OK) {
			status = fail_rc(r, group, r == RCX_ENOTFOUND ? "no such sharing group" : NULL);
			goto out;
		}
		in.label.group = g.id;
	}
	if (affected) {
		if (store_org_get(s, affected, &o) == RCX_OK)
			in.affected_org = o.id;
		else
			in.affected_name = affected;
	}
	struct incident_deadline_config dl;
	if ((r = deadlines_for(cli, s, in.label.owner_org, in.countries, &dl)) != RCX_OK) {
		status = rcx_result_exit(r);
		goto out;
	}
	struct incident_actor who = {.user = in.reporter};
	char receipt[INCIDENT_RECEIPT_BUF], *why = NULL;
	int64_t id = 0;
	r = incident_case_create(s, &who, &dl, &in, &id, receipt, &why);
	if (r != RCX_OK) {
		status = fail_rc(r, "add", why);
		free(why);
		goto out;
	}
	json_t *detail = json_object();
	json_object_set_new(detail, "tlp", json_string(rcx_tlp_name(in.label.tlp)));
	if ((status = audit(s, "incident.add", id, detail)) != 0)
		goto out;
	cross_border_detect(cli, s, &who, id);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(id));
	json_object_set_new(j, "receipt", json_string(receipt));
	cli_incident_json_print(j);
out:
	store_close(s);
	free(owned_text);
	return status;
}

/* ---- changes: status, assign, note, stage, merge ---- */

/* The parts every change shares: the store, the actor (--by), the incident id. */
struct change {
	struct store *s;
	struct cli_incident_who w;
	int64_t id;
	const char *reason, *at, *due;
	bool request;
	int nargs;
	char **args; /* positional arguments after the id */
};

static int change_open(struct cli *cli, int argc, char **argv, const char *usage, int nargs, struct change *ch)
{
	static const struct option longopts[] = {
		{"by", required_argument, NULL, 'b'},     {"reason", required_argument, NULL, 'r'},
		{"at", required_argument, NULL, 'a'},     {"due", required_argument, NULL, 'd'},
		{"request", no_argument, NULL, 'q'},      {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *by = NULL;
	int c;
	memset(ch, 0, sizeof(*ch));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': by = optarg; break;
		case 'r': ch->reason = optarg; break;
		case 'a': ch->at = optarg; break;
		case 'd': ch->due = optarg; break;
		case 'q': ch->request = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (argc - optind != 1 + nargs || !cli_incident_id_parse(argv[optind], &ch->id)) {
		fputs(usage, stderr);
		return 2;
	}
	ch->args = argv + optind + 1;
	ch->nargs = nargs;
	if (cli_store_open(cli, false, &ch->s) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	enum rcx_result r = cli_incident_who_resolve(ch->s, by, &ch->w);
	if (r == RCX_OK && by && !ch->w.viewer.user) {
		cli_error(CMD, "--by: %s is not a user", by);
		r = RCX_EINVAL;
	}
	if (r != RCX_OK) {
		store_close(ch->s);
		return rcx_result_exit(r);
	}
	return -1; /* go on */
}

/* Ends a change: prints {"id":..,"ok":true} and audits, or reports the failure. */
static int change_close(struct change *ch, enum rcx_result r, char *why, const char *action, json_t *detail)
{
	int status = 0;
	if (r != RCX_OK) {
		cli_error(CMD, "%s", why ? why : rcx_result_message(r));
		status = rcx_result_exit(r);
		json_decref(detail);
	} else {
		if (ch->w.set) { /* --by: the operator acted as this user */
			if (!detail)
				detail = json_object();
			json_object_set_new(detail, "by_user", json_integer(ch->w.viewer.user));
		}
		status = audit(ch->s, action, ch->id, detail);
	}
	if (r == RCX_OK && status == 0) {
		json_t *j = json_object();
		json_object_set_new(j, "id", json_integer(ch->id));
		json_object_set_new(j, "ok", json_true());
		cli_incident_json_print(j);
	}
	free(why);
	store_close(ch->s);
	return status;
}

static int incident_status(struct cli *cli, int argc, char **argv)
{
	struct change ch;
	int st = change_open(cli, argc, argv, "usage: rcx incident status ID STATUS [--reason TEXT] [--by EMAIL]\n", 1, &ch);
	if (st >= 0)
		return st;
	enum incident_status to;
	char *why = NULL;
	struct store_incident inc;
	struct incident_deadline_config dl;
	enum rcx_result r = incident_status_parse(ch.args[0], &to);
	if (r != RCX_OK)
		why = rcx_strdup_printf("'%s' is not a status (new, triaged, in_progress, resolved, closed, rejected,"
					" duplicate)", ch.args[0]);
	else if (to == INCIDENT_DUPLICATE)
		r = RCX_EINVAL, why = rcx_strdup_printf("mark a duplicate with: rcx incident merge ID INTO_ID");
	if (r == RCX_OK && (r = store_incident_get(ch.s, ch.id, ch.w.set ? &ch.w.vis : NULL, &inc)) == RCX_OK)
		r = deadlines_for(cli, ch.s, inc.label.owner_org, inc.countries, &dl);
	if (r == RCX_OK)
		r = incident_case_status(ch.s, &ch.w.actor, &dl, ch.id, to, ch.reason, &why);
	else if (r == RCX_ENOTFOUND && !why)
		why = rcx_strdup_printf("no incident %lld", (long long)ch.id);
	json_t *detail = json_object();
	json_object_set_new(detail, "status", json_string(ch.args[0]));
	return change_close(&ch, r, why, "incident.status", detail);
}

static int incident_assign(struct cli *cli, int argc, char **argv)
{
	struct change ch;
	int st = change_open(cli, argc, argv, "usage: rcx incident assign ID EMAIL|none [--by EMAIL]\n", 1, &ch);
	if (st >= 0)
		return st;
	struct store_user u = {0};
	char *why = NULL, email[256] = "";
	enum rcx_result r = RCX_OK;
	if (strcmp(ch.args[0], "none")) {
		r = store_user_get(ch.s, ch.args[0], &u);
		if (r == RCX_ENOTFOUND)
			why = rcx_strdup_printf("no user %s", ch.args[0]);
		else if (r == RCX_OK)
			snprintf(email, sizeof(email), "%s", u.email);
	}
	if (r == RCX_OK)
		r = incident_case_assign(ch.s, &ch.w.actor, ch.id, u.id, email, &why);
	json_t *detail = json_object();
	json_object_set_new(detail, "assignee", json_string(ch.args[0]));
	return change_close(&ch, r, why, "incident.assign", detail);
}

static int incident_note(struct cli *cli, int argc, char **argv)
{
	struct change ch;
	int st = change_open(cli, argc, argv, "usage: rcx incident note ID TEXT [--by EMAIL]\n", 1, &ch);
	if (st >= 0)
		return st;
	char *why = NULL;
	enum rcx_result r = incident_case_note(ch.s, &ch.w.actor, ch.id, ch.args[0], NULL, &why);
	if (r == RCX_OK)
		cross_border_detect(cli, ch.s, &ch.w.actor, ch.id);
	return change_close(&ch, r, why, "incident.note", NULL);
}

static int incident_stage(struct cli *cli, int argc, char **argv)
{
	struct change ch;
	int st = change_open(cli, argc, argv,
			     "usage: rcx incident stage ID STAGE [--at TIME] [--request --due TIME] [--by EMAIL]\n"
			     "  STAGE: early_warning, notification, intermediate, final, progress, cert_feedback\n",
			     1, &ch);
	if (st >= 0)
		return st;
	enum incident_stage stage;
	char *why = NULL;
	int64_t at = 0, due = 0;
	struct store_incident inc;
	struct incident_deadline_config dl;
	enum rcx_result r = incident_stage_parse(ch.args[0], &stage);
	if (r != RCX_OK)
		why = rcx_strdup_printf("'%s' is not a stage (early_warning, notification, intermediate, final, progress,"
					" cert_feedback)", ch.args[0]);
	if (r == RCX_OK && ch.at && rcx_time_parse(ch.at, strlen(ch.at), &at) != RCX_OK)
		r = RCX_EINVAL, why = rcx_strdup_printf("--at: '%s' is not a time", ch.at);
	if (r == RCX_OK && ch.request != (ch.due != NULL))
		r = RCX_EINVAL, why = rcx_strdup_printf("--request and --due go together");
	if (r == RCX_OK && ch.due && rcx_time_parse(ch.due, strlen(ch.due), &due) != RCX_OK)
		r = RCX_EINVAL, why = rcx_strdup_printf("--due: '%s' is not a time", ch.due);
	if (r == RCX_OK && (r = store_incident_get(ch.s, ch.id, ch.w.set ? &ch.w.vis : NULL, &inc)) == RCX_OK)
		r = deadlines_for(cli, ch.s, inc.label.owner_org, inc.countries, &dl);
	else if (r == RCX_ENOTFOUND && !why)
		why = rcx_strdup_printf("no incident %lld", (long long)ch.id);
	if (r == RCX_OK)
		r = ch.request ? incident_case_request(ch.s, &ch.w.actor, ch.id, stage, due, &why)
			       : incident_case_stage(ch.s, &ch.w.actor, &dl, ch.id, stage, at, &why);
	json_t *detail = json_object();
	json_object_set_new(detail, "stage", json_string(ch.args[0]));
	json_object_set_new(detail, "request", json_boolean(ch.request));
	return change_close(&ch, r, why, "incident.stage", detail);
}

static int incident_merge(struct cli *cli, int argc, char **argv)
{
	struct change ch;
	int st = change_open(cli, argc, argv, "usage: rcx incident merge ID INTO_ID [--by EMAIL]\n", 1, &ch);
	if (st >= 0)
		return st;
	int64_t into = 0;
	char *why = NULL;
	enum rcx_result r = cli_incident_id_parse(ch.args[0], &into) ? RCX_OK : RCX_EINVAL;
	if (r != RCX_OK)
		why = rcx_strdup_printf("'%s' is not an incident id", ch.args[0]);
	else
		r = incident_case_merge(ch.s, &ch.w.actor, ch.id, into, &why);
	json_t *detail = json_object();
	json_object_set_new(detail, "into", json_integer(into));
	return change_close(&ch, r, why, "incident.merge", detail);
}

static int incident_disclose(struct cli *cli, int argc, char **argv)
{
	struct change ch;
	int st = change_open(cli, argc, argv, "usage: rcx incident disclose ID yes|no [--by EMAIL]\n", 1, &ch);
	if (st >= 0)
		return st;
	char *why = NULL;
	bool yes = !strcmp(ch.args[0], "yes"), no = !strcmp(ch.args[0], "no");
	enum rcx_result r = yes || no ? RCX_OK : RCX_EINVAL;
	if (r != RCX_OK)
		why = rcx_strdup_printf("say yes (disclose the victim) or no (pseudonym only)");
	else
		r = incident_case_disclose(ch.s, &ch.w.actor, ch.w.viewer.org, ch.id, yes, &why);
	json_t *detail = json_object();
	json_object_set_new(detail, "disclosed", json_boolean(yes));
	return change_close(&ch, r, why, "incident.disclose", detail);
}

static int incident_link(struct cli *cli, int argc, char **argv)
{
	struct change ch;
	int st = change_open(cli, argc, argv, "usage: rcx incident link ID EVENT_ID [--by EMAIL]\n", 1, &ch);
	if (st >= 0)
		return st;
	int64_t event = 0;
	char *why = NULL;
	enum rcx_result r = cli_incident_id_parse(ch.args[0], &event) ? RCX_OK : RCX_EINVAL;
	if (r != RCX_OK)
		why = rcx_strdup_printf("'%s' is not an event id", ch.args[0]);
	else
		r = incident_case_link(ch.s, &ch.w.actor, ch.id, event, &why);
	json_t *detail = json_object();
	json_object_set_new(detail, "event", json_integer(event));
	return change_close(&ch, r, why, "incident.link", detail);
}

int cli_incident(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct cli *cli, int argc, char **argv);
	} subs[] = {
		{"add", incident_add},       {"show", cli_incident_show},     {"status", incident_status},
		{"assign", incident_assign}, {"note", incident_note},     {"stage", incident_stage},
		{"merge", incident_merge},   {"disclose", incident_disclose}, {"link", incident_link},
		{"receipt", cli_incident_receipt},
		{"figures", cli_incident_figures},
	};
	static const char usage[] = "usage: rcx incident add|list|show|status|assign|note|stage|merge|disclose|link|overdue|receipt|figures ...\n"
				    "  rcx incident SUBCOMMAND --help shows its options\n";
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "list"))
		return cli_incident_list(cli, argc - 1, argv + 1, false);
	if (!strcmp(argv[1], "overdue"))
		return cli_incident_list(cli, argc - 1, argv + 1, true);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	cli_error(CMD, "unknown subcommand '%s'", argv[1]);
	fputs(usage, stderr);
	return 2;
}
