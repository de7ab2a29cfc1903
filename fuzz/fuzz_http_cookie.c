/* Cookie headers: every cookie the iterator yields is written back as name="value"; that header
 * yields the same cookies, and writing those back gives the same bytes. Names are non-empty, have no
 * '=', ';' or surrounding blanks; values have no ';' and the iterator stays within the input. */
#include <string.h>

#include "core/strbuf.h"
#include "fuzz_common.h"
#include "http/http.h"

#define MAX_INPUT 65536u                  /* run.sh max_len; longer inputs are skipped */
#define MAX_COOKIES (MAX_INPUT / 3 + 2) /* "a=;" is the shortest cookie; the print has as many */

static struct http_kv first[MAX_COOKIES], second[MAX_COOKIES];

static size_t parse(const char *s, size_t len, struct http_kv *out)
{
	struct http_cookie_iter it;
	struct http_kv kv;
	size_t n = 0;
	http_cookie_iter_init(&it, s, len);
	while (http_cookie_next(&it, &kv)) {
		FUZZ_CHECK(n < MAX_COOKIES, "more cookies than bytes");
		FUZZ_CHECK(kv.key >= s && kv.key + kv.key_len <= s + len && kv.value >= s &&
				   kv.value + kv.value_len <= s + len,
			   "cookie outside the header");
		FUZZ_CHECK(kv.key_len > 0 && !memchr(kv.key, '=', kv.key_len) && !memchr(kv.key, ';', kv.key_len),
			   "bad name");
		FUZZ_CHECK(kv.key[0] != ' ' && kv.key[0] != '\t' && kv.key[kv.key_len - 1] != ' ' &&
				   kv.key[kv.key_len - 1] != '\t',
			   "name not trimmed");
		FUZZ_CHECK(!memchr(kv.value, ';', kv.value_len), "value holds ';'");
		out[n++] = kv;
	}
	FUZZ_CHECK(it.p == it.end, "iterator stopped early");
	return n;
}

static void format(struct rcx_strbuf *b, const struct http_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			rcx_strbuf_puts(b, "; ");
		rcx_strbuf_append(b, kv[i].key, kv[i].key_len);
		rcx_strbuf_puts(b, "=\"");
		rcx_strbuf_append(b, kv[i].value, kv[i].value_len);
		rcx_strbuf_putc(b, '"');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	if (size > MAX_INPUT)
		return 0;
	size_t n = parse(s, size, first);
	struct rcx_strbuf b = RCX_STRBUF_INIT(0), b2 = RCX_STRBUF_INIT(0);
	format(&b, first, n);
	size_t n2 = parse(b.data ? b.data : "", b.len, second);
	if (n2 != n) {
		fuzz_dump("input", s, size);
		fuzz_dump("formatted", b.data, b.len);
		FUZZ_CHECK(0, "%zu cookies became %zu", n, n2);
	}
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(first[i].key_len == second[i].key_len && !memcmp(first[i].key, second[i].key, first[i].key_len) &&
				   first[i].value_len == second[i].value_len &&
				   !memcmp(first[i].value, second[i].value, first[i].value_len),
			   "cookie %zu differs after a round trip", i);
	format(&b2, second, n2);
	FUZZ_CHECK(b2.len == b.len && (b.len == 0 || !memcmp(b.data, b2.data, b.len)), "format is not canonical");
	rcx_strbuf_free(&b);
	rcx_strbuf_free(&b2);
	return 0;
}
