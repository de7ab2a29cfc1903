/* Victim pseudonyms: the identity of an affected organisation, as it leaves the owning CERT, is
 * "victim-" + base32 of a keyed BLAKE2b hash of the normalised name or identifier. The key is the
 * federation's: every node of a federation configures the same key, so the same victim gets the
 * same pseudonym in every incident on every node (patterns stay visible), while nobody without the
 * key can test a guessed name against a pseudonym. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/result.h"

#define INCIDENT_PSEUDONYM_KEY_BYTES 32u
#define INCIDENT_PSEUDONYM_HASH_BYTES 10u /* 80 bits: 16 base32 characters */
#define INCIDENT_PSEUDONYM_BUF 24u        /* "victim-" + 16 + NUL */

/* A federation's pseudonym key (secret). */
struct incident_pseudonym_key {
	uint8_t bytes[INCIDENT_PSEUDONYM_KEY_BYTES];
};

/* The key from 64 hex digits. */
enum rcx_result incident_pseudonym_key_parse(const char *hex, struct incident_pseudonym_key *ret_key);
/* The federation key of the configuration: [incident] pseudonym_key (64 hex digits) or
 * pseudonym_key_file (a file holding them). RCX_ENOTFOUND when neither is set, RCX_ECONFIG with a
 * message in *ret_why (malloc'd) when the value or file does not read. */
enum rcx_result incident_pseudonym_key_load(struct rcx_config *cfg, struct incident_pseudonym_key *ret_key,
					    char **ret_why);
/* The normalised form of a victim into out (cap bytes with the NUL): "scheme:value" identifiers
 * (vat:RS 100-200 → vat:RS100200) keep the value's letters and digits, uppercased; names are
 * lowercased, '.' dropped, other punctuation and blanks folded to one space, and a trailing legal
 * form (d.o.o., a.d., sh.p.k., Ltd, GmbH ...) removed. RCX_EINVAL when nothing is left,
 * RCX_ELIMIT past RCX_INCIDENT_VICTIM_MAX or cap. */
enum rcx_result incident_victim_normalise(const char *victim, char *out, size_t cap);
/* The pseudonym of victim under key into out. */
enum rcx_result incident_pseudonym_make(const struct incident_pseudonym_key *key, const char *victim,
					char out[INCIDENT_PSEUDONYM_BUF]);
