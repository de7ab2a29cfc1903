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
/* rcx export: events as STIX 2.1, CSV or IntelMQ JSON lines, through the visibility rule (cli_share.c). */
int cli_export(struct cli *cli, int argc, char **argv);
/* rcx import: detects a file's format (STIX or a feed format) and ingests it (cli_share.c). */
int cli_import(struct cli *cli, int argc, char **argv);
/* rcx incident: report, list, show and handle incidents (cli_incident.c, cli_incident_show.c). */
int cli_incident(struct cli *cli, int argc, char **argv);
/* rcx notify: list and send the e-mail outbox of incident notifications (cli_notify.c). */
int cli_notify(struct cli *cli, int argc, char **argv);
/* Installs the incident notifier (trust rule, pseudonym key) that incident operations queue
 * messages through; called once at start, after the configuration is loaded (cli_notify.c). */
void cli_notify_install(struct cli *cli);
/* The background sender of `rcx serve`: drains the outbox every [smtp] interval (60 s) on its own
 * thread and store handle; *ret_loop is NULL when there is no [smtp] host (cli_notify.c). */
struct cli_notify_loop;
enum rcx_result cli_notify_loop_start(struct cli *cli, struct cli_notify_loop **ret_loop);
void cli_notify_loop_stop(struct cli_notify_loop *loop);
/* rcx pdq: PDQ perceptual hashing of images (cli_pdq.c); its subcommand table takes more rows. */
int cli_pdq(struct cli *cli, int argc, char **argv);
/* rcx pdq match: list entries within a Hamming distance of hashes or images (cli_pdq_match.c). */
int cli_pdq_match(struct cli *cli, int argc, char **argv);
/* rcx pdq list: hash lists in the store, under the visibility rule (cli_pdq_list.c). */
int cli_pdq_list(struct cli *cli, int argc, char **argv);
