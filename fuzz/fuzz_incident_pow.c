/* Proof-of-work challenges of the public report path (http_api_incidents_pow.h): the input is
 * "CHALLENGE\nNONCE". A challenge that parses is formatted back to the very same bytes and parses to
 * the same parts; verification under a fixed key never accepts a challenge whose MAC is not that
 * key's (the key is secret to the fuzzer: a hit would be a forgery); the work check stays within
 * its inputs. */
#include <string.h>

#include "fuzz_common.h"
#include "http/http_api_incidents_pow.h"

static const uint8_t key[API_POW_KEY_BYTES] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
					       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	size_t clen = nl ? (size_t)(nl - s) : size;
	const char *nonce = nl ? nl + 1 : "";
	size_t nlen = nl ? size - clen - 1 : 0;
	struct api_pow_challenge a, b;
	if (api_pow_parse(s, clen, &a) == RCX_OK) {
		char text[API_POW_BUF];
		size_t len = api_pow_format(&a, text);
		FUZZ_CHECK(len == clen && memcmp(text, s, len) == 0, "formatting a parsed challenge changed it");
		FUZZ_CHECK(api_pow_parse(text, len, &b) == RCX_OK, "the formatted challenge does not parse");
		FUZZ_CHECK(a.expires_s == b.expires_s && a.difficulty == b.difficulty &&
				   !memcmp(a.random, b.random, sizeof(a.random)) && !memcmp(a.mac, b.mac, sizeof(a.mac)),
			   "the two parses differ");
		FUZZ_CHECK(a.difficulty >= 1 && a.difficulty <= RCX_INCIDENT_POW_DIFFICULTY_MAX, "difficulty out of range");
		FUZZ_CHECK(api_pow_verify(key, s, clen, 0, NULL) != RCX_OK, "a forged challenge verified");
		(void)api_pow_work_ok(s, clen, nonce, nlen, a.difficulty);
	} else {
		FUZZ_CHECK(api_pow_verify(key, s, clen, 0, NULL) == RCX_EPARSE, "verify accepted what parse refused");
	}
	/* a challenge made here verifies, and its work check agrees with difficulty 0 bits being free */
	char made[API_POW_BUF];
	FUZZ_CHECK(api_pow_make(key, 1000, 60, 1, made) == RCX_OK, "make failed");
	FUZZ_CHECK(api_pow_verify(key, made, strlen(made), 1000, &a) == RCX_OK && a.expires_s == 1060, "own challenge refused");
	FUZZ_CHECK(api_pow_verify(key, made, strlen(made), 1061, NULL) == RCX_EDENIED, "expired challenge accepted");
	return 0;
}
