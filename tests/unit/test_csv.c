/* Unit tests of the line reader and the CSV record reader: the awkward inputs every feed has. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "ingest/ingest_csv.h"
#include "ingest/ingest_reader.h"

static void test_lines(void **state)
{
	(void)state;
	const char data[] = "\xef\xbb\xbf" "a\r\nb\n\nc\0d\ne";
	struct ingest_reader r;
	struct ingest_line l;
	ingest_reader_open_mem(&r, data, sizeof(data) - 1);
	assert_int_equal(ingest_reader_next(&r, &l), RCX_OK);
	assert_int_equal(l.len, 1);
	assert_memory_equal(l.data, "a", 1); /* BOM and CR gone */
	assert_int_equal(l.lineno, 1);
	assert_int_equal(ingest_reader_next(&r, &l), RCX_OK);
	assert_memory_equal(l.data, "b", 1);
	ingest_reader_unread(&r);
	assert_int_equal(ingest_reader_next(&r, &l), RCX_OK);
	assert_int_equal(l.lineno, 2);
	assert_int_equal(ingest_reader_next(&r, &l), RCX_OK);
	assert_int_equal(l.len, 0);
	assert_int_equal(ingest_reader_next(&r, &l), RCX_OK);
	assert_int_equal(l.len, 3); /* NUL byte kept for the parser to judge */
	assert_int_equal(ingest_reader_next(&r, &l), RCX_OK);
	assert_true(l.unterminated);
	assert_int_equal(l.lineno, 5);
	assert_int_equal(ingest_reader_next(&r, &l), RCX_ENOTFOUND);
	ingest_reader_close(&r);
}

static void test_long_line_file(void **state)
{
	(void)state;
	char path[] = "/tmp/rcx-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("first\n", f);
	for (int i = 0; i < 1024 * 1024; i++)
		fputc('x', f);
	fputs("\nlast\n", f);
	fclose(f);
	struct ingest_reader r;
	struct ingest_line l;
	assert_int_equal(ingest_reader_open(&r, path), RCX_OK);
	assert_int_equal(ingest_reader_next(&r, &l), RCX_OK);
	assert_false(l.too_long);
	assert_int_equal(ingest_reader_next(&r, &l), RCX_OK);
	assert_true(l.too_long);
	assert_int_equal(l.total_len, 1024 * 1024);
	assert_int_equal(l.len, RCX_QUARANTINE_RAW_MAX);
	assert_int_equal(l.lineno, 2);
	assert_int_equal(ingest_reader_next(&r, &l), RCX_OK);
	assert_int_equal(l.len, 4);
	assert_memory_equal(l.data, "last", 4);
	assert_int_equal(l.lineno, 3);
	assert_int_equal(ingest_reader_next(&r, &l), RCX_ENOTFOUND);
	ingest_reader_close(&r);
	unlink(path);
}

static void test_csv_records(void **state)
{
	(void)state;
	const char data[] = "a,\"b,c\",\"d\"\"e\"\n\"multi\nline\",x\n\nplain,\"after\"tail\n\"open,never closed\n";
	struct ingest_reader r;
	struct ingest_csv c;
	struct ingest_csv_record rec;
	ingest_reader_open_mem(&r, data, sizeof(data) - 1);
	ingest_csv_init(&c, &r, ',');
	assert_int_equal(ingest_csv_next(&c, &rec), RCX_OK);
	assert_null(rec.error);
	assert_int_equal(rec.n, 3);
	assert_string_equal(rec.v[0], "a");
	assert_string_equal(rec.v[1], "b,c");
	assert_string_equal(rec.v[2], "d\"e");
	assert_int_equal(ingest_csv_next(&c, &rec), RCX_OK);
	assert_int_equal(rec.n, 2);
	assert_string_equal(rec.v[0], "multi\nline");
	assert_int_equal(rec.line_first, 2);
	assert_int_equal(rec.line_last, 3);
	assert_int_equal(ingest_csv_next(&c, &rec), RCX_OK); /* blank line skipped */
	assert_string_equal(rec.v[1], "aftertail");
	assert_int_equal(ingest_csv_next(&c, &rec), RCX_OK);
	assert_non_null(rec.error);
	assert_int_equal(rec.line_first, 6);
	assert_int_equal(ingest_csv_next(&c, &rec), RCX_ENOTFOUND);
	ingest_csv_free(&c);
	ingest_reader_close(&r);
}

static void test_csv_empty_fields(void **state)
{
	(void)state;
	const char data[] = ",,\n";
	struct ingest_reader r;
	struct ingest_csv c;
	struct ingest_csv_record rec;
	ingest_reader_open_mem(&r, data, sizeof(data) - 1);
	ingest_csv_init(&c, &r, ',');
	assert_int_equal(ingest_csv_next(&c, &rec), RCX_OK);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.len[0] + rec.len[1] + rec.len[2], 0);
	ingest_csv_free(&c);
	ingest_reader_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_long_line_file),
		cmocka_unit_test(test_csv_records),
		cmocka_unit_test(test_csv_empty_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
