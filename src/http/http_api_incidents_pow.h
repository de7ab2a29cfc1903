/* Proof of work for the public report form: a stateless challenge the server signs and the
 * client pays for with CPU time before it may report without an account.
 *
 *   challenge = "v1." EXPIRES "." DIFFICULTY "." RANDOM "." MAC
 *     EXPIRES     Unix seconds (decimal) after which the challenge is refused
 *     DIFFICULTY  leading zero bits the work must have (decimal, 1..RCX_INCIDENT_POW_DIFFICULTY_MAX)
 *     RANDOM      32 lowercase hex digits (16 random bytes: no two challenges alike)
 *     MAC         64 lowercase hex digits: crypto_auth (HMAC-SHA-512-256) over everything before
 *                 the last '.', under the server's key
 *   work      = a nonce (1..RCX_INCIDENT_POW_NONCE_MAX printable ASCII bytes, no blanks) such that
 *               SHA-256(challenge ":" nonce) starts with DIFFICULTY zero bits.
 *
 * The server keeps nothing per challenge until one is spent; single use is the caller's table of
 * spent challenges (kept until they expire). Parsing, formatting and checking are pure functions
 * (fuzz/fuzz_incident_pow.c). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"
#include "core/result.h"

#define API_POW_KEY_BYTES 32u
#define API_POW_RANDOM_BYTES 16u
#define API_POW_MAC_BYTES 32u
#define API_POW_BUF RCX_INCIDENT_POW_CHALLENGE_MAX

/* The parts of a challenge. */
struct api_pow_challenge {
	int64_t expires_s;
	unsigned difficulty;
	uint8_t random[API_POW_RANDOM_BYTES];
	uint8_t mac[API_POW_MAC_BYTES];
};

/* Writes c as text into out (NUL-terminated); returns its length. */
size_t api_pow_format(const struct api_pow_challenge *c, char out[API_POW_BUF]);
/* Reads the shape of s[0..len) (the MAC is not checked): RCX_EPARSE when it is not a challenge. */
enum rcx_result api_pow_parse(const char *s, size_t len, struct api_pow_challenge *ret);
/* A new challenge expiring ttl_s after now_s, signed with key, as text into out. */
enum rcx_result api_pow_make(const uint8_t key[API_POW_KEY_BYTES], int64_t now_s, unsigned ttl_s,
			     unsigned difficulty, char out[API_POW_BUF]);
/* Parses s and checks its MAC under key and its expiry at now_s: RCX_EPARSE (not a challenge),
 * RCX_EDENIED (forged or expired). ret (may be NULL) is set on RCX_OK. */
enum rcx_result api_pow_verify(const uint8_t key[API_POW_KEY_BYTES], const char *s, size_t len, int64_t now_s,
			       struct api_pow_challenge *ret);
/* Whether nonce is a well-formed nonce and SHA-256(challenge ":" nonce) has difficulty leading
 * zero bits. */
bool api_pow_work_ok(const char *challenge, size_t challenge_len, const char *nonce, size_t nonce_len,
		     unsigned difficulty);
