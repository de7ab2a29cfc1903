/* rcx — the Regional Cyber Exchange. Global options may appear anywhere on the command line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli/cli.h"

static const struct {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *help;
} commands[] = {
	{"ingest", cli_ingest, "ingest feed files into events"},
	{"events", cli_events, "list stored events as JSON lines"},
	{"quarantine", cli_quarantine, "list the input lines that could not be ingested"},
	{"demo", cli_demo, "generate demo feeds (demo generate --out DIR)"},
	{"init", cli_init, "create the database, the first organisation and its admin"},
	{"org", cli_org, "add, change and list organisations"},
	{"user", cli_user, "add, change and list users"},
	{"apikey", cli_apikey, "create, list and revoke API keys"},
	{"group", cli_group, "sharing groups: add, members, list"},
	{"audit", cli_audit, "verify or list the audit log"},
	{"match", cli_match, "match indicators against logs; match index build compiles an index"},
	{"pdq", cli_pdq, "PDQ perceptual hashes of images (pdq hash IMAGE...)"},
	{"export", cli_export, "export events as STIX 2.1, CSV or IntelMQ JSON lines (--format, --as)"},
	{"import", cli_import, "import a file, its format detected (STIX 2.x bundles, feeds)"},
	{"serve", cli_serve, "serve the REST API and the web UI (--listen ADDR:PORT)"},
	{"incident", cli_incident, "report, list, show and handle incidents (add, list, show, status, ...)"},
	{"notify", cli_notify, "e-mail notifications: list the outbox, send it over [smtp]"},
};

static void usage(FILE *f)
{
	fputs("usage: rcx [--db PATH] [--config FILE] [--quiet] COMMAND [ARGS]\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
	fputs("\nrcx COMMAND --help shows a command's options.\n", f);
}

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "rcx %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int mkdirs(const char *path)
{
	char buf[4096];
	if (strlen(path) >= sizeof(buf))
		return -1;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0750) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

enum rcx_result cli_store_open(struct cli *cli, bool readonly, struct store **ret_store)
{
	if (!readonly && strncmp(cli->db_path, "mem:", 4) != 0 && mkdirs(cli->db_path) != 0) {
		cli_error("store", "cannot create the directory of %s: %s", cli->db_path, strerror(errno));
		return RCX_EIO;
	}
	enum rcx_result rc = store_open(cli->db_path, readonly, ret_store);
	if (rc == RCX_ENOTFOUND)
		cli_error("store", "%s does not exist yet (ingest something first)", cli->db_path);
	else if (rc != RCX_OK)
		cli_error("store", "cannot open %s: %s", cli->db_path, rcx_result_message(rc));
	return rc;
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	cli.prog = "rcx";
	cli.db_path = getenv("RCX_DB");
	if (!cli.db_path || !*cli.db_path)
		cli.db_path = "./var/rcx.db";
	cli.config_path = getenv("RCX_CONFIG");
	if (cli.config_path && !*cli.config_path)
		cli.config_path = NULL;

	/* Take the global options out of argv wherever they are. */
	int n = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (i > 0 && (!strcmp(a, "--db") || !strcmp(a, "--config")) && i + 1 < argc) {
			if (!strcmp(a, "--db"))
				cli.db_path = argv[++i];
			else
				cli.config_path = argv[++i];
		} else if (i > 0 && !strncmp(a, "--db=", 5)) {
			cli.db_path = a + 5;
		} else if (i > 0 && !strncmp(a, "--config=", 9)) {
			cli.config_path = a + 9;
		} else if (i > 0 && !strcmp(a, "--quiet")) {
			cli.quiet = true;
		} else if (i > 0 && !strcmp(a, "--")) {
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		} else {
			argv[n++] = argv[i];
		}
	}
	argc = n;
	argv[argc] = NULL;
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (sodium_init() < 0) {
		fputs("rcx: libsodium failed to initialise\n", stderr);
		return 1;
	}
	if (cli.config_path) {
		unsigned line = 0;
		enum rcx_result rc = rcx_config_load(cli.config_path, &cli.config, &line);
		if (rc != RCX_OK) {
			if (rc == RCX_EPARSE)
				fprintf(stderr, "rcx: %s:%u: invalid configuration line\n", cli.config_path, line);
			else
				fprintf(stderr, "rcx: %s: %s\n", cli.config_path, rcx_result_message(rc));
			return rcx_result_exit(RCX_ECONFIG);
		}
	} else {
		cli.config = rcx_config_empty();
	}
	cli_notify_install(&cli);
	int status = -1;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name)) {
			status = commands[i].run(&cli, argc - 1, argv + 1);
			break;
		}
	if (status < 0) {
		fprintf(stderr, "rcx: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		status = 2;
	}
	rcx_config_free(cli.config);
	return status;
}
