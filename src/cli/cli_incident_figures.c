/* rcx incident figures: the incident figures (incident/incident_figures.h) over what a viewer may
 * see, as one JSON object; --quarterly YEAR-Q gives the anonymised quarterly summary, as JSON or
 * CSV. Same computations as GET /api/v1/incidents/figures[/quarterly]. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_incident.h"
#include "core/text.h"
#include "core/time.h"
#include "incident/incident_figures.h"

#define CMD CLI_INCIDENT_CMD

int cli_incident_figures(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"since", required_argument, NULL, 's'},     {"until", required_argument, NULL, 'u'},
		{"as", required_argument, NULL, 'A'},        {"quarterly", required_argument, NULL, 'q'},
		{"format", required_argument, NULL, 'f'},    {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char usage[] = "usage: rcx incident figures [--since TIME] [--until TIME] [--as ORG|EMAIL]\n"
				    "       rcx incident figures --quarterly YEAR-Q [--format json|csv] [--as ORG|EMAIL]\n";
	struct incident_figures_query q = {0};
	const char *as = NULL, *quarterly = NULL, *format = "json";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'u':
			if (rcx_time_parse(optarg, strlen(optarg), c == 's' ? &q.since_us : &q.until_us) != RCX_OK) {
				cli_error(CMD, "--%s: '%s' is not a time", c == 's' ? "since" : "until", optarg);
				return 2;
			}
			break;
		case 'A': as = optarg; break;
		case 'q': quarterly = optarg; break;
		case 'f': format = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	int64_t year = 0, quarter = 0;
	const char *dash = quarterly ? strchr(quarterly, '-') : NULL;
	if (optind != argc || (strcmp(format, "json") && strcmp(format, "csv")) ||
	    (quarterly && (!dash || rcx_parse_i64(quarterly, (size_t)(dash - quarterly), &year) != RCX_OK ||
			   rcx_parse_i64(dash + 1 + (dash[1] == 'Q' || dash[1] == 'q'),
					 strlen(dash + 1 + (dash[1] == 'Q' || dash[1] == 'q')), &quarter) != RCX_OK ||
			   incident_quarter_range(year, quarter, &(int64_t){0}, &(int64_t){0}) != RCX_OK))) {
		fputs(usage, stderr);
		return 2;
	}
	struct store *s;
	if (cli_store_open(cli, true, &s) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	struct cli_incident_who w;
	enum rcx_result r = cli_incident_who_resolve(s, as, &w);
	json_t *j = NULL;
	q.vis = w.set ? &w.vis : NULL;
	if (r == RCX_OK)
		r = quarterly ? incident_figures_quarterly(s, q.vis, year, quarter, &j) : incident_figures_compute(s, &q, &j);
	if (r == RCX_OK && quarterly && !strcmp(format, "csv")) {
		struct rcx_strbuf out = RCX_STRBUF_INIT(0);
		r = incident_figures_csv(j, &out);
		if (r == RCX_OK)
			fwrite(out.data, 1, out.len, stdout);
		rcx_strbuf_free(&out);
		json_decref(j);
	} else if (r == RCX_OK) {
		cli_incident_json_print(j);
	}
	if (r != RCX_OK && !(as && !w.set))
		cli_error(CMD, "%s", rcx_result_message(r));
	store_close(s);
	return rcx_result_exit(r);
}
