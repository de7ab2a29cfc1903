/* Shared by the files of `rcx incident` (cli_incident.c: add and changes; cli_incident_show.c:
 * list, overdue, show). Nothing else includes it. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "cli/cli.h"
#include "incident/incident_case.h"
#include "trust/trust.h"

#define CLI_INCIDENT_CMD "incident"
#define CLI_INCIDENT_RECIPIENTS_MAX 64u /* --recipient options of one add (the store allows RCX_RECIPIENTS_MAX) */

/* What a command was told about who acts or looks (--as, --by); unset = the node operator. */
struct cli_incident_who {
	bool set;
	struct trust_viewer viewer;
	struct store_visibility vis;
	struct incident_actor actor;
};

/* Resolves an organisation or user name into w (NULL: the node operator); prints the error. */
enum rcx_result cli_incident_who_resolve(struct store *s, const char *name, struct cli_incident_who *w);
/* A positive incident id. */
bool cli_incident_id_parse(const char *s, int64_t *ret);
/* Prints j as one compact JSON line and releases it. */
void cli_incident_json_print(json_t *j);
/* rcx incident list / overdue (overdue_cmd), rcx incident show. */
int cli_incident_list(struct cli *cli, int argc, char **argv, bool overdue_cmd);
int cli_incident_show(struct cli *cli, int argc, char **argv);
/* rcx incident receipt CODE: the status of a report, for whoever holds its receipt code. */
int cli_incident_receipt(struct cli *cli, int argc, char **argv);
/* rcx incident figures: counts and durations, or the anonymised quarterly summary (cli_incident_figures.c). */
int cli_incident_figures(struct cli *cli, int argc, char **argv);
