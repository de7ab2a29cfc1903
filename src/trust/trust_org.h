/* Organisations and users as the CLI and the REST API create and change them: one place that
 * validates country codes, kinds, NIS2 sectors, e-mail addresses, roles and passwords, so both
 * front doors accept and refuse exactly the same things. Errors come with a sentence in *ret_why
 * (malloc'd, for the caller to free) when one helps. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"
#include "store/store.h"
#include "trust/trust.h"

/* An organisation to add, or the fields to change (NULL = keep). */
struct trust_org_spec {
	const char *name;
	const char *country;   /* ISO 3166-1 alpha-2, also XK (Kosovo) */
	const char *kind;      /* national-cert, sectoral-cert, law-enforcement, oes, regional-hub, other */
	const char *sector;    /* NIS2 sector (the "nis2" taxonomy's impact-sectors-impacted), "" = none */
	const char *parent;    /* name of the organisation that serves this one, "" = none */
	const char *contacts;  /* JSON array of {name, email, phone, role} */
};

enum rcx_result trust_org_add(struct store *s, const struct trust_org_spec *spec, int64_t *ret_id, char **ret_why);
/* Changes the organisation spec->name. */
enum rcx_result trust_org_set(struct store *s, const struct trust_org_spec *spec, int64_t *ret_id, char **ret_why);

/* Changes to a user; -1 / NULL keep the current value. */
struct trust_user_change {
	int role;
	const char *name;
	int disabled;
	const char *password;
};

enum rcx_result trust_user_add(struct store *s, const char *email, const char *name, int64_t org, enum trust_role role,
			       const char *password, int64_t *ret_id, char **ret_why);
enum rcx_result trust_user_set(struct store *s, const char *email, const struct trust_user_change *ch, int64_t *ret_id,
			       char **ret_why);
/* Users on the node (so `rcx init` knows whether it already ran). */
enum rcx_result trust_count_users(struct store *s, uint64_t *ret_n);

/* Validators, exposed for the API's error messages and the tests. */
bool trust_country_valid(const char *cc);
bool trust_org_kind_valid(const char *kind);
bool trust_sector_valid(const char *sector);
bool trust_email_valid(const char *email);
