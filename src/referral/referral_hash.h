/* The 256-bit PDQ hash as a value: parsing, printing and Hamming distance.
 *
 * Bit order is the reference implementation's: bit k = 16*i + j stands for DCT coefficient (row i,
 * column j), and the hex form prints the 16 16-bit words w[15]..w[0], each as 4 hex digits. Read as
 * one 256-bit number, that hex form is the number itself written big-endian, so the hash is kept as
 * four 64-bit limbs, limb 0 holding bits 0..63: distance is then four popcounts. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"

#define REFERRAL_HASH_BITS 256
#define REFERRAL_HASH_HEX_LEN 64

struct referral_hash {
	uint64_t w[4]; /* w[0] = bits 0..63 (the last 16 hex digits) */
};

/* Parses exactly 64 hex digits (either case). Leaves *ret_hash untouched on failure. */
enum rcx_result referral_hash_parse(const char *s, size_t len, struct referral_hash *ret_hash);
/* Writes 64 lowercase hex digits and a NUL into out[REFERRAL_HASH_HEX_LEN + 1]. */
void referral_hash_format(const struct referral_hash *h, char out[REFERRAL_HASH_HEX_LEN + 1]);

/* Bit k (0..255) of the hash. */
static inline int referral_hash_bit(const struct referral_hash *h, unsigned k)
{
	return (int)((h->w[k >> 6] >> (k & 63)) & 1u);
}

static inline void referral_hash_set_bit(struct referral_hash *h, unsigned k)
{
	h->w[k >> 6] |= (uint64_t)1 << (k & 63);
}

/* Hamming distance, 0..256. */
static inline int referral_hash_distance(const struct referral_hash *a, const struct referral_hash *b)
{
	return __builtin_popcountll(a->w[0] ^ b->w[0]) + __builtin_popcountll(a->w[1] ^ b->w[1]) +
	       __builtin_popcountll(a->w[2] ^ b->w[2]) + __builtin_popcountll(a->w[3] ^ b->w[3]);
}
