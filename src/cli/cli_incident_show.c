/* rcx incident list, overdue and show: incidents as JSON, through the viewer's visibility. A viewer
 * outside the owning organisation sees the affected party only as its pseudonym (or "withheld"
 * without a federation key) unless the owner disclosed it. See cli_incident.c for the commands. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/cli_incident.h"
#include "core/text.h"
#include "core/time.h"
#include "incident/incident_deadline.h"
#include "incident/incident_pseudonym.h"
#include "incident/incident_view.h"
#include "incident/incident_workflow.h"
#include "store/store_incident.h"

#define CMD CLI_INCIDENT_CMD

/* The names of inc for the viewer of the command (--as), with the federation key of the config. */
static void names_resolve(struct cli *cli, struct store *s, const struct cli_incident_who *w,
			  const struct store_incident *inc, struct incident_view_names *n)
{
	struct incident_pseudonym_key key;
	bool have_key = incident_pseudonym_key_load(cli->config, &key, NULL) == RCX_OK;
	incident_view_names(s, inc, w->set, w->viewer.org, have_key ? &key : NULL, n);
}

/* ---- list, overdue ---- */

struct lister {
	struct cli *cli;
	struct store *s;
	const struct cli_incident_who *w;
	bool stages; /* add the overdue stages (rcx incident overdue) */
	int64_t now;
};

struct stage_list {
	json_t *arr;
	int64_t now;
	bool only_overdue;
};

static enum rcx_result stage_add(void *ctx, const struct store_incident_stage *st)
{
	struct stage_list *l = ctx;
	enum incident_stage_state state = incident_stage_state_at(st->due_us, st->submitted_us, l->now);
	if (l->only_overdue && state != INCIDENT_STAGE_OVERDUE)
		return RCX_OK;
	json_t *j = json_object();
	json_object_set_new(j, "stage", json_string(st->stage));
	json_object_set_new(j, "due", incident_view_time(st->due_us));
	json_object_set_new(j, "submitted", incident_view_time(st->submitted_us));
	json_object_set_new(j, "state", json_string(incident_stage_state_name(state)));
	json_array_append_new(l->arr, j);
	return RCX_OK;
}

static enum rcx_result print_incident(void *ctx, const struct store_incident *inc)
{
	struct lister *l = ctx;
	struct incident_view_names n;
	names_resolve(l->cli, l->s, l->w, inc, &n);
	json_t *j = incident_view_json(inc, &n);
	if (l->stages) {
		struct stage_list sl = {json_array(), l->now, true};
		enum rcx_result r = store_incident_stages(l->s, inc->id, l->w->set ? &l->w->vis : NULL, stage_add, &sl);
		json_object_set_new(j, "overdue", sl.arr);
		if (r != RCX_OK) {
			json_decref(j);
			return r;
		}
	}
	cli_incident_json_print(j);
	return ferror(stdout) ? RCX_EIO : RCX_OK;
}

int cli_incident_list(struct cli *cli, int argc, char **argv, bool overdue_cmd)
{
	static const struct option longopts[] = {
		{"status", required_argument, NULL, 's'}, {"country", required_argument, NULL, 'c'},
		{"overdue", no_argument, NULL, 'o'},      {"after", required_argument, NULL, 'a'},
		{"limit", required_argument, NULL, 'l'},  {"as", required_argument, NULL, 'A'},
		{"count", no_argument, NULL, 'n'},        {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *usage = overdue_cmd ? "usage: rcx incident overdue [--as ORG|EMAIL] [--count]\n"
					: "usage: rcx incident list [--status S] [--country CC] [--overdue] [--after ID]"
					  " [--limit N] [--as ORG|EMAIL] [--count]\n";
	struct store_incident_filter flt = {0};
	const char *as = NULL;
	bool count = false, overdue = overdue_cmd;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		int64_t v;
		switch (c) {
		case 's': {
			enum incident_status st;
			if (incident_status_parse(optarg, &st) != RCX_OK) {
				cli_error(CMD, "--status: '%s' is not a status (new, triaged, in_progress, resolved, closed,"
					  " rejected, duplicate)", optarg);
				return 2;
			}
			flt.status = incident_status_name(st);
			break;
		}
		case 'c': flt.country = optarg; break;
		case 'o': overdue = true; break;
		case 'a':
		case 'l':
			if (rcx_parse_i64(optarg, strlen(optarg), &v) != RCX_OK || v < 0) {
				cli_error(CMD, "--%s: '%s' is not a number", c == 'a' ? "after" : "limit", optarg);
				return 2;
			}
			if (c == 'a')
				flt.after_id = v;
			else
				flt.limit = (uint64_t)v;
			break;
		case 'A': as = optarg; break;
		case 'n': count = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	struct store *s;
	if (cli_store_open(cli, true, &s) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	struct cli_incident_who w;
	enum rcx_result r = cli_incident_who_resolve(s, as, &w);
	if (r != RCX_OK) {
		store_close(s);
		return rcx_result_exit(r);
	}
	int64_t now = rcx_time_now();
	flt.vis = w.set ? &w.vis : NULL;
	flt.overdue_at_us = overdue ? now : 0;
	if (count) {
		uint64_t n = 0;
		r = store_incident_count(s, &flt, &n);
		if (r == RCX_OK)
			printf("%llu\n", (unsigned long long)n);
	} else {
		struct lister l = {cli, s, &w, overdue, now};
		r = store_incident_query(s, &flt, print_incident, &l);
	}
	if (r != RCX_OK)
		cli_error(CMD, "%s", rcx_result_message(r));
	store_close(s);
	fflush(stdout);
	return rcx_result_exit(r);
}

/* ---- show ---- */

static enum rcx_result entry_add_json(void *ctx, const struct store_incident_entry *e)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(e->id));
	json_object_set_new(j, "incident", json_integer(e->incident));
	json_object_set_new(j, "time", incident_view_time(e->time_us));
	json_object_set_new(j, "kind", json_string(e->kind));
	json_object_set_new(j, "author", e->author ? json_integer(e->author) : json_null());
	json_object_set_new(j, "text", json_string(e->text));
	json_array_append_new(ctx, j);
	return RCX_OK;
}

static enum rcx_result observable_add_json(void *ctx, const struct store_incident_observable *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "kind", json_string(o->kind));
	json_object_set_new(j, "value", json_string(o->value));
	json_object_set_new(j, "incident", json_integer(o->incident));
	json_object_set_new(j, "entry", o->entry ? json_integer(o->entry) : json_null());
	json_array_append_new(ctx, j);
	return RCX_OK;
}

static enum rcx_result event_add_json(void *ctx, int64_t id)
{
	json_array_append_new(ctx, json_integer(id));
	return RCX_OK;
}

int cli_incident_show(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"as", required_argument, NULL, 'A'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	static const char usage[] = "usage: rcx incident show ID [--as ORG|EMAIL]\n";
	const char *as = NULL;
	int64_t id;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'A': as = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind + 1 != argc || !cli_incident_id_parse(argv[optind], &id)) {
		fputs(usage, stderr);
		return 2;
	}
	struct store *s;
	if (cli_store_open(cli, true, &s) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	struct cli_incident_who w;
	struct store_incident inc;
	struct incident_view_names n;
	enum rcx_result r = cli_incident_who_resolve(s, as, &w);
	const struct store_visibility *vis = w.set ? &w.vis : NULL;
	if (r == RCX_OK)
		r = store_incident_get(s, id, vis, &inc);
	if (r == RCX_OK) {
		names_resolve(cli, s, &w, &inc, &n);
		r = store_incident_get(s, id, vis, &inc); /* the lookups reused the row's memory */
	}
	json_t *j = NULL;
	if (r == RCX_OK) {
		j = incident_view_json(&inc, &n);
		json_object_set_new(j, "description", incident_view_string(inc.description));
		if (!n.withheld)
			json_object_set_new(j, "reporter_contact", incident_view_string(inc.reporter_contact));
		json_t *timeline = json_array(), *obs = json_array(), *events = json_array();
		struct stage_list sl = {json_array(), rcx_time_now(), false};
		r = store_incident_entries(s, id, vis, entry_add_json, timeline);
		if (r == RCX_OK)
			r = store_incident_observables(s, id, vis, observable_add_json, obs);
		if (r == RCX_OK)
			r = store_incident_stages(s, id, vis, stage_add, &sl);
		if (r == RCX_OK)
			r = store_incident_events(s, id, vis, event_add_json, events);
		json_object_set_new(j, "timeline", timeline);
		json_object_set_new(j, "observables", obs);
		json_object_set_new(j, "stages", sl.arr);
		json_object_set_new(j, "events", events);
	}
	if (r == RCX_OK)
		cli_incident_json_print(j);
	else
		json_decref(j);
	if (r == RCX_ENOTFOUND)
		cli_error(CMD, "no incident %lld", (long long)id);
	else if (r != RCX_OK && r != RCX_ENOTFOUND && !(as && !w.set))
		cli_error(CMD, "%s", rcx_result_message(r));
	store_close(s);
	return rcx_result_exit(r);
}


/* ---- receipt: what an anonymous reporter may learn with their code ---- */

int cli_incident_receipt(struct cli *cli, int argc, char **argv)
{
	static const char usage[] = "usage: rcx incident receipt CODE\n";
	if (argc != 2 || argv[1][0] == '-') {
		fputs(usage, argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	struct store *s;
	if (cli_store_open(cli, true, &s) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	struct store_incident inc;
	enum rcx_result r = store_incident_get_receipt(s, argv[1], &inc);
	if (r == RCX_OK) {
		/* the reporter's own words and where the case stands; nothing the CERT added */
		json_t *j = json_object();
		json_object_set_new(j, "receipt", json_string(inc.receipt));
		json_object_set_new(j, "title", json_string(inc.title));
		json_object_set_new(j, "status", json_string(inc.status));
		json_object_set_new(j, "created", incident_view_time(inc.created_us));
		json_object_set_new(j, "updated", incident_view_time(inc.updated_us));
		cli_incident_json_print(j);
	} else if (r == RCX_ENOTFOUND) {
		cli_error(CMD, "no report with that receipt code");
	} else {
		cli_error(CMD, "%s", rcx_result_message(r));
	}
	store_close(s);
	return rcx_result_exit(r);
}
