/* rcx demo generate --out DIR [--rows N] [--seed S] [--date YYYY-MM-DD] [--only-scan] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/text.h"
#include "core/time.h"
#include "ingest/ingest_demo.h"

int cli_demo(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},  {"rows", required_argument, NULL, 'r'},
		{"seed", required_argument, NULL, 's'}, {"date", required_argument, NULL, 'd'},
		{"only-scan", no_argument, NULL, 'S'},  {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char usage[] = "usage: rcx demo generate --out DIR [--rows N] [--seed S] [--date YYYY-MM-DD] "
				    "[--only-scan]\n";
	struct ingest_demo_options o = {0};
	int c;
	(void)cli;
	if (argc < 2 || strcmp(argv[1], "generate") != 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : (strcmp(argv[1], "--help") ? 2 : 0);
	}
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		int64_t v;
		switch (c) {
		case 'o': o.out_dir = optarg; break;
		case 'r':
		case 's':
			if (rcx_parse_i64(optarg, strlen(optarg), &v) != RCX_OK || v < 0) {
				cli_error("demo", "--%s: '%s' is not a non-negative number", c == 'r' ? "rows" : "seed", optarg);
				return 2;
			}
			if (c == 'r')
				o.rows = (uint64_t)v;
			else
				o.seed = (uint64_t)v;
			break;
		case 'd':
			if (rcx_time_parse(optarg, strlen(optarg), &v) != RCX_OK) {
				cli_error("demo", "--date: '%s' is not a date", optarg);
				return 2;
			}
			o.day_us = v;
			break;
		case 'S': o.only_scan = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (!o.out_dir || optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	char *error = NULL;
	enum rcx_result rc = ingest_demo_generate(&o, &error);
	if (rc != RCX_OK) {
		cli_error("demo", "%s", error ? error : rcx_result_message(rc));
		free(error);
		return rcx_result_exit(rc);
	}
	return 0;
}
