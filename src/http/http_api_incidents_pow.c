/* Proof-of-work challenges (see http_api_incidents_pow.h). Parsing walks the text once with a
 * cursor and a limit: fixed fields, decimal numbers without sign or leading zeros, lowercase hex
 * of exact lengths, so that formatting a parsed challenge gives back the same bytes. */
#include "http/http_api_incidents_pow.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

static const char hexdigits[] = "0123456789abcdef";

static size_t put_hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdigits[p[i] >> 4];
		out[2 * i + 1] = hexdigits[p[i] & 15];
	}
	return 2 * n;
}

size_t api_pow_format(const struct api_pow_challenge *c, char out[API_POW_BUF])
{
	int n = snprintf(out, API_POW_BUF, "v1.%lld.%u.", (long long)c->expires_s, c->difficulty);
	size_t len = n > 0 ? (size_t)n : 0;
	len += put_hex(out + len, c->random, sizeof(c->random));
	out[len++] = '.';
	len += put_hex(out + len, c->mac, sizeof(c->mac));
	out[len] = '\0';
	return len;
}

/* A decimal without sign or leading zero, at most digits_max digits, up to the next '.'. */
static bool take_decimal(const char **p, const char *end, unsigned digits_max, int64_t *ret)
{
	const char *s = *p;
	int64_t v = 0;
	unsigned n = 0;
	while (s < end && *s >= '0' && *s <= '9') {
		if (++n > digits_max || (n == 2 && v == 0))
			return false;
		v = v * 10 + (*s - '0');
		s++;
	}
	if (n == 0 || s >= end || *s != '.')
		return false;
	*p = s + 1;
	*ret = v;
	return true;
}

static bool take_hex(const char **p, const char *end, uint8_t *out, size_t n)
{
	const char *s = *p;
	if ((size_t)(end - s) < 2 * n)
		return false;
	for (size_t i = 0; i < 2 * n; i++) {
		const char *hi = s[i] ? strchr(hexdigits, s[i]) : NULL;
		if (!hi)
			return false;
		unsigned v = (unsigned)(hi - hexdigits);
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	*p = s + 2 * n;
	return true;
}

enum rcx_result api_pow_parse(const char *s, size_t len, struct api_pow_challenge *ret)
{
	struct api_pow_challenge c;
	const char *p = s, *end = s + len;
	int64_t expires, difficulty;
	if (len >= API_POW_BUF || len < 3 || memcmp(s, "v1.", 3) != 0)
		return RCX_EPARSE;
	p += 3;
	if (!take_decimal(&p, end, 12, &expires) || !take_decimal(&p, end, 2, &difficulty) || difficulty < 1 ||
	    difficulty > RCX_INCIDENT_POW_DIFFICULTY_MAX)
		return RCX_EPARSE;
	if (!take_hex(&p, end, c.random, sizeof(c.random)) || p >= end || *p++ != '.' ||
	    !take_hex(&p, end, c.mac, sizeof(c.mac)) || p != end)
		return RCX_EPARSE;
	c.expires_s = expires;
	c.difficulty = (unsigned)difficulty;
	*ret = c;
	return RCX_OK;
}

/* The MAC covers the text before the last '.': version, expiry, difficulty and random. */
static void mac_of(const uint8_t key[API_POW_KEY_BYTES], const struct api_pow_challenge *c,
		   uint8_t out[API_POW_MAC_BYTES])
{
	char text[API_POW_BUF];
	size_t len = api_pow_format(c, text);
	len -= 1 + 2 * API_POW_MAC_BYTES;
	crypto_auth(out, (const unsigned char *)text, len, key);
}

enum rcx_result api_pow_make(const uint8_t key[API_POW_KEY_BYTES], int64_t now_s, unsigned ttl_s,
			     unsigned difficulty, char out[API_POW_BUF])
{
	if (difficulty < 1 || difficulty > RCX_INCIDENT_POW_DIFFICULTY_MAX || now_s < 0)
		return RCX_EINVAL;
	struct api_pow_challenge c = {.expires_s = now_s + ttl_s, .difficulty = difficulty};
	randombytes_buf(c.random, sizeof(c.random));
	mac_of(key, &c, c.mac);
	api_pow_format(&c, out);
	return RCX_OK;
}

enum rcx_result api_pow_verify(const uint8_t key[API_POW_KEY_BYTES], const char *s, size_t len, int64_t now_s,
			       struct api_pow_challenge *ret)
{
	struct api_pow_challenge c;
	uint8_t want[API_POW_MAC_BYTES];
	if (api_pow_parse(s, len, &c) != RCX_OK)
		return RCX_EPARSE;
	mac_of(key, &c, want);
	if (sodium_memcmp(want, c.mac, sizeof(want)) != 0 || c.expires_s < now_s)
		return RCX_EDENIED;
	if (ret)
		*ret = c;
	return RCX_OK;
}

bool api_pow_work_ok(const char *challenge, size_t challenge_len, const char *nonce, size_t nonce_len,
		     unsigned difficulty)
{
	if (nonce_len == 0 || nonce_len > RCX_INCIDENT_POW_NONCE_MAX || difficulty > 256)
		return false;
	for (size_t i = 0; i < nonce_len; i++)
		if (nonce[i] <= ' ' || nonce[i] > '~')
			return false;
	crypto_hash_sha256_state st;
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)challenge, challenge_len);
	crypto_hash_sha256_update(&st, (const unsigned char *)":", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)nonce, nonce_len);
	crypto_hash_sha256_final(&st, h);
	unsigned full = difficulty / 8, rest = difficulty % 8;
	for (unsigned i = 0; i < full; i++)
		if (h[i])
			return false;
	return rest == 0 || (h[full] >> (8 - rest)) == 0;
}
