/* Incident cases: the operations the program layers (cli, later the REST API) run on incidents —
 * report, change status, assign, add a note, record a reporting stage, merge a duplicate. Each
 * is one store transaction that also writes the timeline entry saying what happened, and each
 * acts only on incidents the actor may see (an invisible incident is RCX_ENOTFOUND). Library
 * code: results and messages, no printing. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "core/result.h"
#include "incident/incident_deadline.h"
#include "incident/incident_workflow.h"
#include "store/store_incident.h"

#define INCIDENT_RECEIPT_BUF 32u /* "RCX-XXXXX-XXXXX-XXXXX-XXXXX" + NUL */

/* Who acts, and when. */
struct incident_actor {
	int64_t user;                       /* 0 = the command line (node operator) or an anonymous reporter */
	const struct store_visibility *vis; /* what the actor may see; NULL = everything */
	int64_t now_us;                     /* 0 = the current time */
};

/* Whether sector (and subsector, NULL = none) are values of the eu-nis-sector-and-subsectors
 * taxonomy: energy, transport, banking, financial, health, water, digitalinfrastructure, dsp;
 * subsectors of energy, transport and dsp. */
bool incident_sector_valid(const char *sector, const char *subsector);
/* Iterates the sectors: the i-th or NULL past the end. */
const char *incident_sector_at(size_t i);
/* low, medium, high, critical. */
bool incident_severity_valid(const char *severity);
/* A new random receipt code (about 100 bits) for a reporter to follow their report. */
void incident_receipt_make(char out[INCIDENT_RECEIPT_BUF]);
/* Checks the fields of a new or changed incident (title, sizes, sector, severity, RSIT type,
 * country codes' shape, currency, loss). RCX_EINVAL with a message in *ret_why (malloc'd). */
enum rcx_result incident_case_check(const struct store_incident *inc, char **ret_why);

/* Stores a new incident from inc (receipt, status and times are set here; the label is the
 * caller's), its observables (from title and description), a first timeline entry, and, for an
 * incident in a NIS2 sector, the pending early warning and notification stages counted from
 * aware_us (or from now when unknown). *ret_id and the receipt (ret_receipt, may be NULL). */
enum rcx_result incident_case_create(struct store *s, const struct incident_actor *who,
				     const struct incident_deadline_config *dl, const struct store_incident *inc,
				     int64_t *ret_id, char ret_receipt[INCIDENT_RECEIPT_BUF], char **ret_why);
/* Changes the status through the workflow (incident_workflow_check); a resolution with a
 * progress report on file sets the final report's deadline. */
enum rcx_result incident_case_status(struct store *s, const struct incident_actor *who,
				     const struct incident_deadline_config *dl, int64_t id, enum incident_status to,
				     const char *reason, char **ret_why);
/* Assigns the incident to a user (0 = nobody); name is written to the timeline. */
enum rcx_result incident_case_assign(struct store *s, const struct incident_actor *who, int64_t id, int64_t user,
				     const char *name, char **ret_why);
/* Adds a note to the timeline and records the observables in it. */
enum rcx_result incident_case_note(struct store *s, const struct incident_actor *who, int64_t id, const char *text,
				   int64_t *ret_entry, char **ret_why);
/* Records a stage as submitted at submitted_us (0 = now) and sets the deadlines that follow
 * from it (final after the notification, the CERT's feedback after the early warning). */
enum rcx_result incident_case_stage(struct store *s, const struct incident_actor *who,
				    const struct incident_deadline_config *dl, int64_t id, enum incident_stage stage,
				    int64_t submitted_us, char **ret_why);
/* Requests a stage (the intermediate report) due at due_us. */
enum rcx_result incident_case_request(struct store *s, const struct incident_actor *who, int64_t id,
				      enum incident_stage stage, int64_t due_us, char **ret_why);
/* Lifts (disclosed true) or restores the victim's pseudonym for this incident: readers outside
 * the owning organisation then see the affected party's name. Only the owner's side acts on it
 * (RCX_EDENIED for an actor of another organisation); the caller audits it. */
enum rcx_result incident_case_disclose(struct store *s, const struct incident_actor *who, int64_t owner_of_actor,
				       int64_t id, bool disclosed, char **ret_why);
/* Marks the incident cross-border because it touches country (ISO code; added to its countries
 * when missing), with why on the timeline. Marking a country listed already changes nothing. */
enum rcx_result incident_case_cross_border(struct store *s, const struct incident_actor *who, int64_t id,
					   const char *country, const char *why, char **ret_why);
/* Links a stored event to the incident, with a timeline entry. */
enum rcx_result incident_case_link(struct store *s, const struct incident_actor *who, int64_t id, int64_t event,
				   char **ret_why);
/* Merges incident dup into into (both of one owner): dup becomes a duplicate of into, and into's
 * timeline and observables include dup's from then on. */
enum rcx_result incident_case_merge(struct store *s, const struct incident_actor *who, int64_t dup, int64_t into,
				    char **ret_why);
