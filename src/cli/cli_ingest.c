/* rcx ingest [--feed NAME] [--format FORMAT] [--report-type TYPE] [--map FILE] [--org NAME] [--tlp LABEL]
 *            [--distribution org|group|node|federation] [--group NAME] [--dry-run] [--print] FILE... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/time.h"
#include "ingest/ingest.h"
#include "ingest/ingest_run.h"

static void ingest_usage(FILE *f)
{
	fputs("usage: rcx ingest [--format FORMAT] [--feed NAME] [--report-type TYPE] [--map FILE]\n"
	      "                  [--org NAME] [--tlp LABEL] [--distribution DIST] [--group NAME]\n"
	      "                  [--dry-run] [--print] FILE...\n"
	      "DIST: org, group (with --group), node (default; [ingest] distribution), federation\n"
	      "formats:",
	      f);
	for (size_t i = 0; ingest_format_at(i); i++)
		fprintf(f, " %s", ingest_format_at(i)->name);
	fputs("\nPrints {\"read\":N,\"events\":N,\"duplicates\":N,\"quarantined\":N} when done.\n", f);
}

int cli_ingest(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"feed", required_argument, NULL, 'f'},   {"format", required_argument, NULL, 'F'},
		{"report-type", required_argument, NULL, 'r'}, {"map", required_argument, NULL, 'm'},
		{"org", required_argument, NULL, 'o'},    {"tlp", required_argument, NULL, 't'},
		{"dry-run", no_argument, NULL, 'n'},      {"print", no_argument, NULL, 'p'},
		{"distribution", required_argument, NULL, 'd'}, {"group", required_argument, NULL, 'g'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	struct ingest_options o = {0};
	const char *dist = NULL;
	bool print = false;
	int c, status = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o.feed_name = optarg; break;
		case 'F': o.format = optarg; break;
		case 'r': o.report_type = optarg; break;
		case 'm': o.map_path = optarg; break;
		case 'o': o.org = optarg; break;
		case 't': o.tlp = optarg; break;
		case 'd': dist = optarg; break;
		case 'g': o.sharing_group = optarg; break;
		case 'n': o.dry_run = true; break;
		case 'p': print = true; break;
		case 'h': ingest_usage(stdout); return 0;
		default: ingest_usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		ingest_usage(stderr);
		return 2;
	}
	if (!dist)
		dist = rcx_config_get(cli->config, "ingest", "distribution");
	enum rcx_dist d = o.sharing_group ? RCX_DIST_GROUP : RCX_DIST_NODE;
	if (dist && rcx_dist_parse(dist, strlen(dist), &d) != RCX_OK) {
		cli_error("ingest", "unknown distribution '%s' (org, group, node, federation)", dist);
		return 2;
	}
	if ((d == RCX_DIST_GROUP) != (o.sharing_group != NULL)) {
		cli_error("ingest", "--group NAME goes with distribution group, and only with it");
		return 2;
	}
	o.distribution = rcx_dist_name(d);
	if (o.format && !ingest_format_find(o.format)) {
		cli_error("ingest", "unknown format '%s'", o.format);
		ingest_usage(stderr);
		return 2;
	}
	o.config = cli->config;
	o.print = print ? stdout : NULL;
	o.progress = !cli->quiet && isatty(STDERR_FILENO);
	o.window_us = INT64_C(24) * 3600 * 1000000;
	const char *w = rcx_config_get(cli->config, "ingest", "dedup_window");
	if (w && rcx_duration_parse(w, strlen(w), &o.window_us) != RCX_OK) {
		cli_error("ingest", "[ingest] dedup_window: '%s' is not a duration (e.g. 24h, 90m)", w);
		return rcx_result_exit(RCX_ECONFIG);
	}

	struct store *store = NULL;
	struct ingest_enrich *enrich = NULL;
	struct ingest_routes *routes = NULL;
	struct ingest_dedup *dedup = NULL;
	char *error = NULL;
	enum rcx_result rc;

	if (!o.dry_run) {
		if (cli_store_open(cli, false, &store) != RCX_OK)
			return rcx_result_exit(RCX_ESTORE);
	} else if (access(cli->db_path, R_OK) == 0) {
		store_open(cli->db_path, true, &store); /* only to name the default owner */
	}
	o.store = store;
	/* The owner: --org (must exist once organisations do), else the first organisation. */
	struct store_org org;
	if (store && store_org_get(store, NULL, &org) == RCX_OK) {
		if (!o.org) {
			o.org = strdup(org.name);
		} else if (store_org_get(store, o.org, &org) == RCX_OK) {
			o.org = strdup(org.name);
		} else {
			cli_error("ingest", "no organisation named '%s'", o.org);
			o.org = NULL;
			status = rcx_result_exit(RCX_ENOTFOUND);
			goto out;
		}
	} else if (o.org) {
		o.org = strdup(o.org);
	}

	rc = ingest_enrich_open(cli->config, &enrich, &error);
	if (rc != RCX_OK) {
		cli_error("ingest", "enrichment: %s", error ? error : rcx_result_message(rc));
		status = rcx_result_exit(RCX_ECONFIG);
		goto out;
	}
	rc = ingest_route_load(cli->config, &routes, &error);
	if (rc != RCX_OK) {
		cli_error("ingest", "routing: %s", error ? error : rcx_result_message(rc));
		status = rcx_result_exit(RCX_ECONFIG);
		goto out;
	}
	o.enrich = enrich;
	o.routes = routes;

	struct ingest_summary sum = {0};
	for (int i = optind; i < argc; i++) {
		rc = ingest_run_file(&o, argv[i], &dedup, &sum, &error);
		if (rc != RCX_OK) {
			cli_error("ingest", "%s", error ? error : rcx_result_message(rc));
			free(error);
			error = NULL;
			status = rcx_result_exit(rc);
		}
	}
	if (print)
		fflush(stdout);
	printf("{\"read\":%llu,\"events\":%llu,\"duplicates\":%llu,\"quarantined\":%llu}\n", (unsigned long long)sum.read,
	       (unsigned long long)sum.events, (unsigned long long)sum.duplicates, (unsigned long long)sum.quarantined);
out:
	free(error);
	free((char *)o.org);
	ingest_dedup_free(dedup);
	ingest_route_free(routes);
	ingest_enrich_close(enrich);
	if (store)
		store_close(store);
	return status;
}
