/* Matcher normalisation: byte 0 picks a kind (mod MATCH_KIND_MAX), the rest is the text. An accepted
 * text normalises again to the same bytes (idempotence); URL, domain and e-mail domain outputs are
 * printable ASCII without blanks; hashes have their exact length; detection of a normalised indicator
 * never crashes and an IP/CIDR output parses again. */
#include <string.h>

#include "core/ip.h"
#include "fuzz_common.h"
#include "match/match_norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum match_kind kind = (enum match_kind)(data[0] % MATCH_KIND_MAX);
	const char *s = (const char *)data + 1;
	size_t len = size - 1;
	char out[MATCH_NORM_BUF], again[MATCH_NORM_BUF];
	size_t n, n2;
	(void)match_kind_detect(s, len);
	if (match_norm(kind, s, len, out, sizeof out, &n) != RCX_OK)
		return 0;
	FUZZ_CHECK(n <= MATCH_TEXT_MAX && out[n] == '\0' && strlen(out) == n, "%s: bad output length",
		   match_kind_name(kind));
	if (match_norm(kind, out, n, again, sizeof again, &n2) != RCX_OK) {
		fuzz_dump("input", s, len);
		fuzz_dump("output", out, n);
		FUZZ_CHECK(0, "%s: output is refused", match_kind_name(kind));
	}
	if (n2 != n || memcmp(out, again, n) != 0) {
		fuzz_dump("input", s, len);
		fuzz_dump("first", out, n);
		fuzz_dump("second", again, n2);
		FUZZ_CHECK(0, "%s: not idempotent", match_kind_name(kind));
	}
	if (kind == MATCH_URL || kind == MATCH_DOMAIN)
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK((unsigned char)out[i] > 0x20 && (unsigned char)out[i] < 0x7f, "%s: byte 0x%02x at %zu",
				   match_kind_name(kind), (unsigned char)out[i], i);
	if (kind == MATCH_EMAIL) {
		const char *at = strrchr(out, '@');
		FUZZ_CHECK(at != NULL, "email without '@'");
		for (const char *p = at + 1; *p; p++)
			FUZZ_CHECK((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f, "email domain not ASCII");
	}
	if (kind == MATCH_MD5 || kind == MATCH_SHA1 || kind == MATCH_SHA256)
		FUZZ_CHECK(n == (kind == MATCH_MD5 ? 32u : kind == MATCH_SHA1 ? 40u : 64u), "hash of %zu", n);
	if (kind == MATCH_IP || kind == MATCH_CIDR) {
		struct rcx_cidr c;
		FUZZ_CHECK(rcx_cidr_parse(out, n, true, &c) == RCX_OK, "address output does not parse strictly");
	}
	return 0;
}
