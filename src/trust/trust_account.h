/* Accounts: password hashing (Argon2id), API keys, web sessions, and turning an authenticated
 * user into the struct trust_viewer the visibility rule reads.
 *
 * Secrets never reach the store: passwords are kept as libsodium crypto_pwhash_str strings,
 * API keys and session tokens as BLAKE2b-256 hashes. An API key reads
 * "rcx_<prefix>_<secret>": the prefix (public, 12 hex) finds the row, the hash of the whole key
 * proves it. Keys and tokens are shown once and cannot be recovered. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"
#include "store/store.h"
#include "trust/trust.h"

#define TRUST_PWHASH_LEN      128u /* crypto_pwhash_STRBYTES */
#define TRUST_PASSWORD_MIN    10u  /* characters a new password needs at least */
#define TRUST_PASSWORD_MAX    1024u
#define TRUST_APIKEY_LEN      82u  /* "rcx_" + 12 + "_" + 64 + NUL, rounded */
#define TRUST_TOKEN_LEN       65u  /* 64 hex + NUL: session and CSRF tokens */
#define TRUST_SESSION_TTL_US  (12LL * 3600 * 1000000) /* default web session lifetime */

/* Hashes a new password with Argon2id. RCX_EINVAL when it is shorter than TRUST_PASSWORD_MIN or
 * longer than TRUST_PASSWORD_MAX. The cost is libsodium's "interactive" level; the environment
 * variable RCX_PWHASH_COST=min lowers it to the minimum for test suites. */
enum rcx_result trust_password_hash(const char *password, char ret_hash[TRUST_PWHASH_LEN]);
/* RCX_OK when password matches hash, else RCX_EDENIED (also for a NULL or malformed hash). */
enum rcx_result trust_password_verify(const char *hash, const char *password);

/* Creates an API key for a user: writes the key to ret_key (to show once) and stores its hash. */
enum rcx_result trust_apikey_create(struct store *s, int64_t user, const char *label, int64_t expires_us,
				    char ret_key[TRUST_APIKEY_LEN], int64_t *ret_id);

/* Creates a web session for a user: ret_token goes to the cookie, ret_csrf to the page. */
enum rcx_result trust_session_create(struct store *s, int64_t user, int64_t ttl_us, char ret_token[TRUST_TOKEN_LEN],
				     char ret_csrf[TRUST_TOKEN_LEN]);
/* Ends the session of a token (unknown tokens are fine). */
enum rcx_result trust_session_end(struct store *s, const char *token);

/* The authenticated party of a request. */
struct trust_principal {
	struct trust_viewer viewer;
	struct store_user user;          /* strings copied into the fields below */
	char email[256];
	char org_name[256];              /* the viewer's organisation */
	char csrf[TRUST_TOKEN_LEN];      /* sessions only: the token unsafe requests must echo */
	char key_prefix[16];             /* API keys only */
	bool via_session;
};

/* Authenticates "Authorization: Bearer <key>". RCX_EDENIED for a wrong, revoked or expired key or
 * a disabled user (one answer for all, so a caller learns nothing about which). */
enum rcx_result trust_auth_apikey(struct store *s, const char *key, struct trust_principal *ret_p);
/* Authenticates a session cookie token. */
enum rcx_result trust_auth_session(struct store *s, const char *token, struct trust_principal *ret_p);
/* Authenticates e-mail and password (web login, HTTP Basic for TAXII). */
enum rcx_result trust_auth_password(struct store *s, const char *email, const char *password,
				    struct trust_principal *ret_p);

/* Builds the viewer of a user: organisation, the organisation serving it, its sharing groups, and
 * whether it administers the node (an admin of the node's first organisation). */
enum rcx_result trust_viewer_of_user(struct store *s, const struct store_user *u, struct trust_viewer *ret_v);

/* The viewer named on a command line (`rcx events --as`, `rcx export --as`): an e-mail address is
 * that user; an organisation name is an analyst of it (what the organisation's readers see). */
enum rcx_result trust_viewer_named(struct store *s, const char *name, struct trust_viewer *ret_v);
