/* Normalisation of indicators and observables for the matcher. One function per kind, used both when
 * the index is built and when observables from logs are looked up, so both sides agree byte for byte.
 * Outputs are written into a caller buffer (no allocation except libidn2's, freed at once). */
#pragma once
#include <stddef.h>

#include "core/ip.h"
#include "core/result.h"

enum match_kind {
	MATCH_IP,     /* one address: "192.0.2.1", "2001:db8::1" */
	MATCH_CIDR,   /* a network: "192.0.2.0/24" */
	MATCH_DOMAIN, /* a host name; matches itself and every name below it */
	MATCH_URL,
	MATCH_MD5,
	MATCH_SHA1,
	MATCH_SHA256,
	MATCH_EMAIL,
	MATCH_KIND_MAX
};

/* Longest input or normalised text of one indicator or observable; longer → RCX_ELIMIT. (A matcher
 * limit kept here rather than in core/limits.h, which belongs to core.) */
#define MATCH_TEXT_MAX 4096u
/* Size of an output buffer that always suffices: text plus NUL. */
#define MATCH_NORM_BUF (MATCH_TEXT_MAX + 1u)

/* "ip", "cidr", "domain", "url", "md5", "sha1", "sha256", "email"; NULL for an invalid kind. */
const char *match_kind_name(enum match_kind kind);
/* Kind by name (exact, lowercase); MATCH_KIND_MAX when unknown. */
enum match_kind match_kind_from_name(const char *s, size_t len);
/* Guesses the kind of one indicator line: IP, CIDR, 32/40/64 hex digits → MD5/SHA-1/SHA-256, "://" →
 * URL, '@' → email, else a valid domain. MATCH_KIND_MAX when it is none of these. */
enum match_kind match_kind_detect(const char *s, size_t len);

/* Normalises s[0..len) as kind into out[0..cap) (NUL-terminated), returning its length in *ret_len.
 * Blanks around s are ignored. RCX_EPARSE when s is not of that kind, RCX_ELIMIT when too long for
 * MATCH_TEXT_MAX or cap, RCX_EINVAL for a bad kind. out and *ret_len are untouched on failure.
 * Normalising the output again gives the same output. */
enum rcx_result match_norm(enum match_kind kind, const char *s, size_t len, char *out, size_t cap,
			   size_t *ret_len);

/* The per-kind functions match_norm dispatches to (same contract). */
enum rcx_result match_norm_ip(const char *s, size_t len, char *out, size_t cap, size_t *ret_len);
enum rcx_result match_norm_cidr(const char *s, size_t len, char *out, size_t cap, size_t *ret_len);
enum rcx_result match_norm_domain(const char *s, size_t len, char *out, size_t cap, size_t *ret_len);
enum rcx_result match_norm_url(const char *s, size_t len, char *out, size_t cap, size_t *ret_len);
/* kind is MATCH_MD5, MATCH_SHA1 or MATCH_SHA256. */
enum rcx_result match_norm_hash(enum match_kind kind, const char *s, size_t len, char *out, size_t cap,
				size_t *ret_len);
enum rcx_result match_norm_email(const char *s, size_t len, char *out, size_t cap, size_t *ret_len);

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) becomes the IPv4 address a.b.c.d in place; other
 * addresses are left alone. Indicators and observables both go through it, so either spelling of a
 * mapped address matches either spelling of the indicator. */
void match_norm_ip_unmap(struct rcx_ip *ip);
/* The same for a network inside ::ffff:0:0/96 (prefix ≥ 96): becomes the IPv4 network. */
void match_norm_cidr_unmap(struct rcx_cidr *c);
