/* The rcx program: global options and the subcommand table. Commands print; modules do not. */
#pragma once
#include <stdbool.h>

#include "core/config.h"
#include "core/result.h"
#include "store/store.h"

struct cli {
	const char *db_path;       /* --db, $RCX_DB, ./var/rcx.db */
	const char *config_path;   /* --config, $RCX_CONFIG, or NULL */
	bool quiet;
	struct rcx_config *config; /* loaded once; empty when no file */
	const char *prog;
};

/* Opens the store at cli->db_path (creating its directory when writable). Prints the error. */
enum rcx_result cli_store_open(struct cli *cli, bool readonly, struct store **ret_store);
/* Prints "rcx <cmd>: <message>" to stderr unless there is nothing to say. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int cli_ingest(struct cli *cli, int argc, char **argv);
int cli_events(struct cli *cli, int argc, char **argv);
int cli_quarantine(struct cli *cli, int argc, char **argv);
int cli_demo(struct cli *cli, int argc, char **argv);
int cli_init(struct cli *cli, int argc, char **argv);
int cli_org(struct cli *cli, int argc, char **argv);
int cli_user(struct cli *cli, int argc, char **argv);
int cli_apikey(struct cli *cli, int argc, char **argv);
int cli_group(struct cli *cli, int argc, char **argv);
int cli_audit(struct cli *cli, int argc, char **argv);
int cli_serve(struct cli *cli, int argc, char **argv);
int cli_match(struct cli *cli, int argc, char **argv);
