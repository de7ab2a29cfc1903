/* Hash lists and the similarity index. Byte 0 picks the format (auto, text, csv) and, with byte 1,
 * an index layout and a distance; the rest is a list file.
 * - The list is read; its entries are written back in its own format and read again: the same
 *   entries, no bad line; written in the other format and read again: the same hashes.
 * - Line numbers of entries and bad lines ascend and stay within the input's lines.
 * - The entries go into an index (the automatic layout, and one forced probe layout from byte 1);
 *   a query derived from the input (an entry with bits flipped, or the input's first bytes) gets
 *   exactly the answer of the brute-force scan. */
#include <stdbool.h>
#include <string.h>

#include "core/strbuf.h"
#include "referral/referral_index.h"
#include "referral/referral_list.h"
#include "fuzz_common.h"

#define FUZZ_ENTRIES_MAX 5000u

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void check_same(const struct referral_list *a, const struct referral_list *b, bool meta, bool path)
{
	FUZZ_CHECK(a->n == b->n, "%zu entries, %zu after writing them back", a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct referral_list_entry *x = &a->entries[i], *y = &b->entries[i];
		FUZZ_CHECK(!memcmp(&a->hashes[i], &b->hashes[i], sizeof(a->hashes[i])), "entry %zu: hash differs", i);
		if (!meta)
			continue;
		FUZZ_CHECK(x->quality == y->quality, "entry %zu: quality %d, then %d", i, x->quality, y->quality);
		FUZZ_CHECK(same_str(x->category, y->category) && same_str(x->reference, y->reference) &&
				   same_str(x->contributed_by, y->contributed_by) && same_str(x->added, y->added),
			   "entry %zu (line %llu): metadata differs after writing it back", i, (unsigned long long)x->line);
		FUZZ_CHECK(!path || same_str(x->path, y->path), "entry %zu: path differs", i);
	}
}

/* Writes l in format f, reads it back (in that format) and compares. */
static void round_trip(const struct referral_list *l, enum referral_list_format f)
{
	struct rcx_strbuf out = RCX_STRBUF_INIT(0);
	FUZZ_CHECK(referral_list_write(l, f, &out) == RCX_OK, "writing %zu entries failed", l->n);
	struct referral_list *again = NULL;
	struct referral_list_options opt = {.format = f, .max_entries = FUZZ_ENTRIES_MAX};
	FUZZ_CHECK(referral_list_read_mem(out.data, out.len, &opt, &again) == RCX_OK, "reading the written list failed");
	if (again->n_errors)
		fuzz_dump("written", out.data, out.len);
	FUZZ_CHECK(again->n_errors == 0, "written list has %llu bad lines, first at line %llu: %s",
		   (unsigned long long)again->n_errors, (unsigned long long)again->errors[0].line, again->errors[0].reason);
	bool own = f == l->format;
	check_same(l, again, own || f == REFERRAL_LIST_CSV, own && f == REFERRAL_LIST_TEXT);
	referral_list_free(again);
	rcx_strbuf_free(&out);
}

static void check_index(const struct referral_list *l, const uint8_t *data, size_t size, uint8_t sel)
{
	/* the query: an entry with some bits flipped, or the first bytes of the input */
	struct referral_hash q = {{0}};
	if (l->n) {
		q = l->hashes[data[0] % l->n];
		for (size_t i = 1; i < size && i < 12; i++)
			q.w[data[i] & 3] ^= (uint64_t)1 << (data[i] >> 2);
	} else {
		memcpy(&q, data, size < sizeof(q) ? size : sizeof(q));
	}
	unsigned d = sel & 0x80 ? (unsigned)(sel & 0x3f) : 31;
	struct referral_matches want = {0}, got = {0};
	FUZZ_CHECK(referral_hashes_scan(l->hashes, l->n, &q, d, &want) == RCX_OK, "scan failed");
	/* a probe layout: b 1..12, l 1..16, k what fits */
	unsigned b = 1 + (sel >> 1) % 12, loc = 1 + (sel >> 3) % 16;
	unsigned k = 24 - loc < 32 - b ? 24 - loc : 32 - b;
	const struct referral_index_params layouts[] = {
		{0, 0, 0, REFERRAL_INDEX_AUTO},
		{b, k ? 1 + sel % k : 0, loc, REFERRAL_INDEX_PROBE},
	};
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct referral_index *idx = NULL;
		FUZZ_CHECK(referral_index_build(l->hashes, NULL, l->n, &layouts[i], &idx) == RCX_OK,
			   "build failed (b=%u k=%u l=%u)", layouts[i].bucket_bits, layouts[i].key_bits,
			   layouts[i].locator_bits);
		got.n = 0;
		FUZZ_CHECK(referral_index_query(idx, &q, d, &got) == RCX_OK, "query failed");
		referral_matches_sort(&got);
		FUZZ_CHECK(got.n == want.n && (!got.n || !memcmp(got.v, want.v, got.n * sizeof(got.v[0]))),
			   "layout %zu, distance %u: %zu answers, brute force %zu", i, d, got.n, want.n);
		referral_index_free(idx);
	}
	referral_matches_free(&want);
	referral_matches_free(&got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	static const enum referral_list_format formats[4] = {REFERRAL_LIST_AUTO, REFERRAL_LIST_TEXT, REFERRAL_LIST_CSV,
							     REFERRAL_LIST_AUTO};
	uint8_t sel = data[1];
	struct referral_list_options opt = {.format = formats[data[0] & 3], .max_entries = FUZZ_ENTRIES_MAX};
	const char *text = (const char *)data + 2;
	size_t len = size - 2;
	struct referral_list *l = NULL;
	enum rcx_result r = referral_list_read_mem(text, len, &opt, &l);
	if (r == RCX_ELIMIT)
		return 0;
	FUZZ_CHECK(r == RCX_OK, "read failed: %d", (int)r);
	FUZZ_CHECK(l->format == REFERRAL_LIST_TEXT || l->format == REFERRAL_LIST_CSV, "format %d", (int)l->format);
	uint64_t lines = fuzz_count_lines(text, len), last = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct referral_list_entry *e = &l->entries[i];
		FUZZ_CHECK(e->line > last && e->line <= lines, "entry %zu at line %llu (after %llu, of %llu)", i,
			   (unsigned long long)e->line, (unsigned long long)last, (unsigned long long)lines);
		FUZZ_CHECK(e->quality >= -1 && e->quality <= 100, "quality %d", e->quality);
		last = e->line;
	}
	FUZZ_CHECK(l->n_kept <= l->n_errors && l->n_kept <= RCX_REFERRAL_LIST_ERRORS_MAX, "%zu kept of %llu errors",
		   l->n_kept, (unsigned long long)l->n_errors);
	for (size_t i = 0; i < l->n_kept; i++)
		FUZZ_CHECK(l->errors[i].line >= 1 && l->errors[i].line <= lines && l->errors[i].reason &&
				   (i == 0 || l->errors[i].line > l->errors[i - 1].line),
			   "bad line %zu at line %llu", i, (unsigned long long)l->errors[i].line);
	round_trip(l, l->format);
	round_trip(l, l->format == REFERRAL_LIST_TEXT ? REFERRAL_LIST_CSV : REFERRAL_LIST_TEXT);
	check_index(l, (const uint8_t *)text, len, sel);
	referral_list_free(l);
	return 0;
}
