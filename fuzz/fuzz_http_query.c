/* Query strings: parse → format → parse gives the same pairs, and formatting is canonical (the
 * second format is byte-identical to the first). Every decoded key and value is valid UTF-8 without
 * NUL. Percent-decoding of a path segment ('+' kept) agrees with encoding its result again. */
#include <string.h>

#include "core/text.h"
#include "fuzz_common.h"
#include "http/http.h"

static void check_decoded(const char *what, const char *s, size_t len)
{
	FUZZ_CHECK(s[len] == '\0' && strlen(s) == len, "%s has a NUL inside or is not terminated", what);
	FUZZ_CHECK(rcx_utf8_valid(s, len), "%s is not UTF-8", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct rcx_arena a = RCX_ARENA_INIT;
	struct http_kv *kv, *kv2;
	size_t n, n2;
	if (http_query_parse(&a, s, size, &kv, &n) == RCX_OK) {
		FUZZ_CHECK(n <= RCX_HTTP_QUERY_PARAMS_MAX, "%zu pairs", n);
		for (size_t i = 0; i < n; i++) {
			check_decoded("key", kv[i].key, kv[i].key_len);
			check_decoded("value", kv[i].value, kv[i].value_len);
		}
		struct rcx_strbuf b = RCX_STRBUF_INIT(0), b2 = RCX_STRBUF_INIT(0);
		FUZZ_CHECK(http_query_format(&b, kv, n) == RCX_OK, "format failed");
		if (http_query_parse(&a, b.data ? b.data : "", b.len, &kv2, &n2) != RCX_OK) {
			fuzz_dump("formatted", b.data, b.len);
			FUZZ_CHECK(0, "formatted query does not parse");
		}
		FUZZ_CHECK(n2 == n, "%zu pairs became %zu", n, n2);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(kv2[i].key_len == kv[i].key_len && !memcmp(kv2[i].key, kv[i].key, kv[i].key_len) &&
					   kv2[i].value_len == kv[i].value_len &&
					   !memcmp(kv2[i].value, kv[i].value, kv[i].value_len),
				   "pair %zu differs after a round trip", i);
		FUZZ_CHECK(http_query_format(&b2, kv2, n2) == RCX_OK, "second format failed");
		FUZZ_CHECK(b2.len == b.len && (b.len == 0 || !memcmp(b.data, b2.data, b.len)), "format is not canonical");
		rcx_strbuf_free(&b);
		rcx_strbuf_free(&b2);
	}

	char *d, *d2;
	size_t dl, dl2;
	if (http_percent_decode(&a, s, size, false, &d, &dl) == RCX_OK) {
		check_decoded("segment", d, dl);
		FUZZ_CHECK(dl <= size, "decoding grew the text");
		struct rcx_strbuf b = RCX_STRBUF_INIT(0);
		FUZZ_CHECK(http_percent_encode(&b, d, dl) == RCX_OK, "encode failed");
		FUZZ_CHECK(http_percent_decode(&a, b.data ? b.data : "", b.len, false, &d2, &dl2) == RCX_OK,
			   "encoded segment does not decode");
		FUZZ_CHECK(dl2 == dl && !memcmp(d, d2, dl), "segment differs after a round trip");
		rcx_strbuf_free(&b);
	}
	rcx_arena_free(&a);
	return 0;
}
