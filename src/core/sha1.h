/* SHA-1 (FIPS 180-4, RFC 3174), for name-based UUIDs (UUIDv5, RFC 9562 §5.5) only: STIX 2.1
 * derives the ids of cyber-observables from it. Never use it where collisions matter. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define RCX_SHA1_LEN 20

struct rcx_sha1 {
	uint32_t h[5];
	uint64_t len; /* bytes hashed so far */
	uint8_t block[64];
	size_t fill; /* bytes in block */
};

/* Starts a new hash. */
void rcx_sha1_init(struct rcx_sha1 *c);
/* Hashes len more bytes of p. */
void rcx_sha1_update(struct rcx_sha1 *c, const void *p, size_t len);
/* Writes the digest; c must be initialised again before reuse. */
void rcx_sha1_final(struct rcx_sha1 *c, uint8_t ret_digest[RCX_SHA1_LEN]);
/* UUIDv5 of name[0..len) under namespace ns (16 bytes each, network order). */
void rcx_uuid5(const uint8_t ns[16], const char *name, size_t len, uint8_t ret_uuid[16]);
/* Writes u as 36 lowercase characters plus NUL ("8-4-4-4-12"). */
void rcx_uuid_format(const uint8_t u[16], char ret_text[37]);
/* Parses the 36-character form (either case); -1 when s is not one, 0 otherwise. */
int rcx_uuid_parse(const char *s, size_t len, uint8_t ret_uuid[16]);
