/* One log reader of `rcx match`, named at compile time by RCX_MATCH_FORMAT (meson builds this file
 * once per format as fuzz_match_reader_<name>). The input is the log, read from memory through
 * match_input (so gzip and zstd magic bytes reach the decompressors too). For jsonl, csv and tsv the
 * first byte picks the options (odd: a field list and a time field; even: defaults); the rest is the
 * log. Checks, for every record:
 *  - line numbers increase and, for uncompressed input, lie within the input;
 *  - raw is the line: for uncompressed input, the bytes of that line of the input (less its CR, and
 *    the BOM on line 1); never a newline in it, except for csv and tsv records spanning lines, whose
 *    raw is their lines joined by "\n";
 *  - n_obs >= 1; each observable has a known kind, a NUL-terminated field name and len > 0; its
 *    bytes are read (the sanitizer sees a dangling or short value); dns and squid values lie
 *    within the raw line;
 *  - the time is 0 or within years 1000..9999;
 * and reading the input a second time gives the same records (rendered the same). */
#include <stdbool.h>
#include <string.h>

#include "core/strbuf.h"
#include "match/match_input.h"
#include "match/match_reader.h"
#include "fuzz_common.h"

#ifndef RCX_MATCH_FORMAT
#error "build with -DRCX_MATCH_FORMAT=\"<format name>\""
#endif

static const struct match_format *format;
static bool has_options, values_in_raw, multiline;

static const struct match_field_spec fields[] = {
	{"src", MATCH_OBS_IP}, {"source.ip", MATCH_OBS_IP}, {"query", MATCH_OBS_DOMAIN}, {"a.b", MATCH_OBS_URL},
	{"h", MATCH_OBS_HASH}, {"m", MATCH_OBS_EMAIL}, {"x", MATCH_OBS_ANY},
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	format = match_format_find(RCX_MATCH_FORMAT);
	if (!format) {
		fprintf(stderr, "fuzz_match_reader: format \"%s\" is not in the table (match_reader.c)\n", RCX_MATCH_FORMAT);
		abort();
	}
	has_options = !strcmp(RCX_MATCH_FORMAT, "jsonl") || !strcmp(RCX_MATCH_FORMAT, "csv") ||
		      !strcmp(RCX_MATCH_FORMAT, "tsv");
	values_in_raw = !strcmp(RCX_MATCH_FORMAT, "dns") || !strcmp(RCX_MATCH_FORMAT, "squid");
	multiline = !strcmp(RCX_MATCH_FORMAT, "csv") || !strcmp(RCX_MATCH_FORMAT, "tsv");
	return 0;
}


static void read_all(const char *s, size_t size, const struct match_format_options *opt, struct rcx_strbuf *out)
{
	struct match_parser *p;
	struct match_input *in;
	FUZZ_CHECK(match_parser_open(format, opt, &p) == RCX_OK, "open failed");
	FUZZ_CHECK(match_input_open_mem(s, size, &in) == RCX_OK, "input open failed");
	bool plain = match_input_codec(in) == MATCH_CODEC_NONE;
	uint64_t lines = plain ? fuzz_count_lines(s, size) : 0, last = 0, at_line = 1;
	const char *cur = s, *end = s + size; /* start of line at_line */
	struct match_record r;
	enum rcx_result res;
	while ((res = match_parser_next(p, in, &r)) == RCX_OK) {
		FUZZ_CHECK(r.line > last, "line %llu after %llu", (unsigned long long)r.line, (unsigned long long)last);
		last = r.line;
		FUZZ_CHECK(!plain || r.line <= lines, "line %llu of %llu", (unsigned long long)r.line,
			   (unsigned long long)lines);
		FUZZ_CHECK(multiline || !memchr(r.raw, '\n', r.raw_len), "newline in raw");
		if (plain) {
			for (; at_line < r.line; at_line++)
				cur = (const char *)memchr(cur, '\n', (size_t)(end - cur)) + 1;
			/* raw is that line, or (csv, tsv) that line and the next ones joined by "\n" */
			const char *want = r.raw, *want_end = r.raw + r.raw_len, *lc = cur;
			for (uint64_t k = 0;; k++) {
				const char *nl = memchr(lc, '\n', (size_t)(end - lc));
				size_t ll = (size_t)((nl ? nl : end) - lc);
				const char *l = lc;
				if (r.line + k == 1 && ll >= 3 && !memcmp(l, "\xef\xbb\xbf", 3)) {
					l += 3;
					ll -= 3;
				}
				if (ll > 0 && l[ll - 1] == '\r')
					ll--;
				const char *wnl = memchr(want, '\n', (size_t)(want_end - want));
				size_t wl = (size_t)((wnl ? wnl : want_end) - want);
				FUZZ_CHECK(ll == wl && !memcmp(l, want, ll), "raw is not line %llu (part %llu)",
					   (unsigned long long)r.line, (unsigned long long)k);
				if (!wnl)
					break;
				FUZZ_CHECK(nl != NULL, "raw goes past the input");
				want = wnl + 1;
				lc = nl + 1;
			}
		}
		FUZZ_CHECK(r.n_obs >= 1 && r.n_obs <= MATCH_RECORD_OBS_MAX, "%zu observables", r.n_obs);
		FUZZ_CHECK(r.time_us >= -30610224000000000ll && r.time_us <= 253402300799999999ll, "time %lld", (long long)r.time_us);
		rcx_strbuf_printf(out, "%llu %lld\n", (unsigned long long)r.line, (long long)r.time_us);
		for (size_t i = 0; i < r.n_obs; i++) {
			const struct match_observable *o = &r.obs[i];
			FUZZ_CHECK((unsigned)o->kind < MATCH_OBS_KIND_MAX, "kind %d", (int)o->kind);
			FUZZ_CHECK(o->field && o->value && o->len > 0, "empty observable");
			if (values_in_raw)
				FUZZ_CHECK(o->value >= r.raw && o->value + o->len <= r.raw + r.raw_len,
					   "value outside the line");
			rcx_strbuf_printf(out, " %d %s ", (int)o->kind, o->field);
			rcx_strbuf_append(out, o->value, o->len); /* reads every byte */
			rcx_strbuf_putc(out, '\n');
		}
	}
	FUZZ_CHECK(res == RCX_ENOTFOUND || (!plain && res == RCX_EPARSE), "next() returned %d", (int)res);
	match_input_close(in);
	match_parser_close(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct match_format_options opt = {.syslog_year = 2026};
	if (has_options) {
		if (size == 0)
			return 0;
		if (data[0] & 1) {
			opt.fields = fields;
			opt.n_fields = sizeof(fields) / sizeof(fields[0]);
			opt.time_field = "t";
		}
		s++;
		size--;
	}
	struct rcx_strbuf a = RCX_STRBUF_INIT(0), b = RCX_STRBUF_INIT(0);
	read_all(s, size, &opt, &a);
	read_all(s, size, &opt, &b);
	FUZZ_CHECK(a.len == b.len && (a.len == 0 || !memcmp(a.data, b.data, a.len)), "second reading differs");
	rcx_strbuf_free(&a);
	rcx_strbuf_free(&b);
	return 0;
}
