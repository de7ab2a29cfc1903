/* The 256-bit PDQ hash as text: 64 hex digits, most significant first (see referral_hash.h). */
#include "referral/referral_hash.h"

#include "core/text.h"

enum rcx_result referral_hash_parse(const char *s, size_t len, struct referral_hash *ret_hash)
{
	if (len != REFERRAL_HASH_HEX_LEN)
		return RCX_EPARSE;
	struct referral_hash h = {{0}};
	for (size_t i = 0; i < REFERRAL_HASH_HEX_LEN; i++) {
		int v = rcx_hex_value(s[i]);
		if (v < 0)
			return RCX_EPARSE;
		size_t nibble = REFERRAL_HASH_HEX_LEN - 1 - i; /* 0 = least significant */
		h.w[nibble / 16] |= (uint64_t)v << (4 * (nibble % 16));
	}
	*ret_hash = h;
	return RCX_OK;
}

void referral_hash_format(const struct referral_hash *h, char out[REFERRAL_HASH_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < REFERRAL_HASH_HEX_LEN; i++) {
		size_t nibble = REFERRAL_HASH_HEX_LEN - 1 - i;
		out[i] = digits[(h->w[nibble / 16] >> (4 * (nibble % 16))) & 0xf];
	}
	out[REFERRAL_HASH_HEX_LEN] = '\0';
}
