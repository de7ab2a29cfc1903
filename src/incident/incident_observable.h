/* Observables in an incident's free text: addresses, networks, domains, URLs, e-mail addresses
 * and file hashes, found in defanged text too (hxxp://, example[.]com, user[at]example.com) and
 * returned refanged, canonical and deduplicated. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/result.h"

/* Kinds of observables, each with its canonical form. */
enum incident_obs_kind {
	INCIDENT_OBS_IP,     /* canonical text of an IPv4 or IPv6 address (no port, no zone) */
	INCIDENT_OBS_CIDR,   /* network/prefix with host bits cleared */
	INCIDENT_OBS_DOMAIN, /* lowercase, under a known public suffix */
	INCIDENT_OBS_URL,    /* scheme and host lowercase, the rest as written */
	INCIDENT_OBS_EMAIL,  /* lowercase */
	INCIDENT_OBS_MD5,    /* lowercase hex */
	INCIDENT_OBS_SHA1,
	INCIDENT_OBS_SHA256,
	INCIDENT_OBS_KIND_MAX
};

/* One observable: its kind and canonical value. */
struct incident_observable {
	enum incident_obs_kind kind;
	const char *value; /* NUL-terminated, in the set's arena */
	size_t len;
};

/* The observables of one text, in order of first appearance, each (kind, value) once. */
struct incident_observables {
	struct rcx_arena arena;
	struct incident_observable *items; /* malloc */
	size_t n, cap;
	bool truncated; /* more than RCX_INCIDENT_OBSERVABLES_MAX were found; the rest dropped */
};

/* "ip", "cidr", "domain", "url", "email", "md5", "sha1", "sha256"; never NULL. */
const char *incident_obs_kind_name(enum incident_obs_kind kind);
/* Parses a kind name. */
enum rcx_result incident_obs_kind_parse(const char *s, enum incident_obs_kind *ret_kind);
/* Adds the observables of text[0..len) to out (zero-initialised before the first call; calls
 * may add several texts to one set). RCX_ELIMIT for a text over RCX_INCIDENT_TEXT_MAX (out
 * untouched). */
enum rcx_result incident_observables_extract(const char *text, size_t len, struct incident_observables *out);
/* Frees what the set holds; it is empty (and reusable) afterwards. */
void incident_observables_free(struct incident_observables *set);
/* Writes text[0..len) refanged (hxxp → http, [.] → ".", [at] → "@" ...) into the arena;
 * *ret_len gets its length. Repeated until nothing defanged remains ("[[.]]" → "."). */
char *incident_text_refang(struct rcx_arena *a, const char *text, size_t len, size_t *ret_len);
