/* ingest_csv over the input, with ',' and with '\t': every good record is written back with every
 * field quoted, the written text is read again, and the same records with the same fields come out.
 * Also checks the record invariants (line numbers ascend, raw_len <= raw_total, errors have no fields)
 * and that ingest_csv_split of a one-line record gives the same fields. */
#include <stdbool.h>
#include <string.h>

#include "core/limits.h"
#include "core/strbuf.h"
#include "ingest/ingest_csv.h"
#include "ingest/ingest_reader.h"
#include "fuzz_common.h"

/* Writes one field in double quotes. The line reader drops one '\r' before each '\n', so a '\r'
 * ending a line inside the field is written twice to survive. */
static void put_field(struct rcx_strbuf *out, const char *v, size_t len)
{
	rcx_strbuf_putc(out, '"');
	for (size_t i = 0; i < len; i++) {
		if (v[i] == '"')
			rcx_strbuf_putc(out, '"');
		else if (v[i] == '\n' && i > 0 && v[i - 1] == '\r')
			rcx_strbuf_putc(out, '\r');
		rcx_strbuf_putc(out, v[i]);
	}
	rcx_strbuf_putc(out, '"');
}

/* ingest_csv_split of a one-line record's text gives the fields ingest_csv_next gave. */
static void check_split(const struct ingest_csv_record *rec, char delim)
{
	struct ingest_csv c;
	struct ingest_csv_record r2;
	struct ingest_line l = {rec->raw, rec->raw_len, rec->raw_len, rec->line_first, false, false};
	ingest_csv_init(&c, NULL, delim);
	FUZZ_CHECK(ingest_csv_split(&c, &l, &r2) == RCX_OK, "ingest_csv_split failed");
	FUZZ_CHECK(!r2.error && r2.n == rec->n, "split of line %llu: %zu fields (%s), next gave %zu",
		   (unsigned long long)rec->line_first, r2.n, r2.error ? r2.error : "no error", rec->n);
	for (size_t i = 0; i < rec->n; i++)
		FUZZ_CHECK(r2.len[i] == rec->len[i] && !memcmp(r2.v[i], rec->v[i], rec->len[i]),
			   "split of line %llu: field %zu differs", (unsigned long long)rec->line_first, i);
	ingest_csv_free(&c);
}

/* Reads all records; good ones are written to out (when not NULL) and their fields appended to
 * fields as len:bytes. Returns the number of good records. */
static size_t read_all(const char *data, size_t size, char delim, struct rcx_strbuf *out, struct rcx_strbuf *fields,
		       bool *ret_too_long)
{
	struct ingest_reader in;
	struct ingest_csv csv;
	struct ingest_csv_record rec;
	size_t good = 0;
	uint64_t last = 0;
	ingest_reader_open_mem(&in, data, size);
	ingest_csv_init(&csv, &in, delim);
	for (;;) {
		enum rcx_result r = ingest_csv_next(&csv, &rec);
		if (r == RCX_ENOTFOUND)
			break;
		FUZZ_CHECK(r == RCX_OK, "ingest_csv_next failed (%d) on memory input", (int)r);
		FUZZ_CHECK(rec.line_first > last && rec.line_last >= rec.line_first,
			   "record lines %llu..%llu after line %llu", (unsigned long long)rec.line_first,
			   (unsigned long long)rec.line_last, (unsigned long long)last);
		last = rec.line_last;
		FUZZ_CHECK(rec.raw && rec.raw_len <= rec.raw_total, "raw %zu of %zu bytes", rec.raw_len, rec.raw_total);
		FUZZ_CHECK(rec.raw_len <= RCX_LINE_MAX, "raw of %zu bytes", rec.raw_len);
		if (rec.error) {
			FUZZ_CHECK(rec.n == 0, "record with error \"%s\" has %zu fields", rec.error, rec.n);
			continue;
		}
		FUZZ_CHECK(rec.n >= 1 && rec.n <= RCX_CSV_FIELDS_MAX, "good record with %zu fields", rec.n);
		if (rec.line_first == rec.line_last)
			check_split(&rec, delim);
		good++;
		size_t start = out ? out->len : 0;
		rcx_strbuf_printf(fields, "%zu;", rec.n);
		for (size_t i = 0; i < rec.n; i++) {
			FUZZ_CHECK(rec.v[i][rec.len[i]] == '\0', "field %zu is not NUL-terminated", i);
			rcx_strbuf_printf(fields, "%zu:", rec.len[i]);
			rcx_strbuf_append(fields, rec.v[i], rec.len[i]);
			if (out) {
				if (i)
					rcx_strbuf_putc(out, delim);
				put_field(out, rec.v[i], rec.len[i]);
			}
		}
		if (out) {
			/* a written record past the limits would rightly be refused on re-reading */
			if (out->len - start > RCX_LINE_MAX / 2)
				*ret_too_long = true;
			rcx_strbuf_putc(out, '\n');
		}
	}
	ingest_csv_free(&csv);
	ingest_reader_close(&in);
	return good;
}

static void check(const char *data, size_t size, char delim)
{
	struct rcx_strbuf out = RCX_STRBUF_INIT(0), f1 = RCX_STRBUF_INIT(0), f2 = RCX_STRBUF_INIT(0);
	bool too_long = false;
	size_t n1 = read_all(data, size, delim, &out, &f1, &too_long);
	if (!too_long) {
		size_t n2 = read_all(out.data ? out.data : "", out.len, delim, NULL, &f2, &too_long);
		if (n1 != n2 || f1.len != f2.len || (f1.len && memcmp(f1.data, f2.data, f1.len)))
			fuzz_dump("written back", out.data, out.len);
		FUZZ_CHECK(n1 == n2, "%zu good records, %zu after writing them back (delimiter 0x%02x)", n1, n2,
			   (unsigned)delim);
		FUZZ_CHECK(f1.len == f2.len && (f1.len == 0 || !memcmp(f1.data, f2.data, f1.len)),
			   "fields differ after writing them back (delimiter 0x%02x)", (unsigned)delim);
	}
	rcx_strbuf_free(&out);
	rcx_strbuf_free(&f1);
	rcx_strbuf_free(&f2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check((const char *)data, size, ',');
	check((const char *)data, size, '\t');
	return 0;
}
