/* Unit tests of reading one log file in chunks on several threads (src/match/match_parallel.c):
 * generated logs of each stateful and stateless format (csv header after comments, zeek headers that
 * change mid-file, CRLF, a byte-order mark, an overlong line, an unterminated last line) give, with
 * --sorted, exactly the bytes and totals of one sequential read, for every thread count and chunk
 * size; unsorted output holds the same lines; newline counting agrees with a plain loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "core/limits.h"
#include "core/strbuf.h"
#include "match/match_index.h"
#include "match/match_parallel.h"
#include "match/match_run.h"

static struct match_index *idx;

static const char *const indicators[] = {
	"192.0.2.0/24", "192.0.2.7", "2001:db8::/32", "evil.example", "bad.example.org", "http://x.example/p",
	"0123456789abcdef0123456789abcdef",
};

static int setup(void **state)
{
	(void)state;
	struct match_builder *b;
	assert_int_equal(match_builder_new(&b), RCX_OK);
	for (size_t i = 0; i < sizeof(indicators) / sizeof(indicators[0]); i++)
		assert_int_equal(match_builder_add(b, indicators[i], strlen(indicators[i]), MATCH_KIND_MAX, NULL), RCX_OK);
	uint8_t *data;
	size_t len;
	assert_int_equal(match_builder_write_mem(b, &data, &len), RCX_OK);
	assert_int_equal(match_index_open_mem(data, len, &idx), RCX_OK);
	free(data);
	match_builder_free(b);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	match_index_close(idx);
	return 0;
}

/* ---- generated logs ---- */

static uint32_t rnd_state = 12345;
static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static const char *client(void)
{
	static char buf[64];
	switch (rnd(5)) {
	case 0: snprintf(buf, sizeof(buf), "192.0.2.%u", rnd(256)); break;
	case 1: snprintf(buf, sizeof(buf), "2001:db8::%x", rnd(65536)); break;
	default: snprintf(buf, sizeof(buf), "198.51.100.%u", rnd(256)); break;
	}
	return buf;
}

static const char *name(void)
{
	static const char *const names[] = {"www.evil.example", "ok.example", "a.bad.example.org", "notevil.example",
					    "EVIL.EXAMPLE.", "good.example.net"};
	return names[rnd(6)];
}

static const char *eol(void)
{
	return rnd(7) == 0 ? "\r\n" : "\n";
}

static void gen_dns(struct rcx_strbuf *b, unsigned lines)
{
	rcx_strbuf_puts(b, "\xef\xbb\xbf");
	for (unsigned i = 0; i < lines; i++) {
		if (rnd(97) == 0) {
			rcx_strbuf_printf(b, "garbage line %u%s", i, eol());
			continue;
		}
		const char *q = name();
		rcx_strbuf_printf(b, "23-Nov-2026 10:00:%02u.%03u client @0x7f %s#5353 (%s): query: %s IN A +E(0)K%s",
				  i % 60, i % 1000, client(), q, q, eol());
	}
	rcx_strbuf_puts(b, "23-Nov-2026 10:00:00.000 client 192.0.2.9#1 (x): query: evil.example IN A");
}

static void gen_csv(struct rcx_strbuf *b, unsigned lines)
{
	rcx_strbuf_puts(b, "# exported\n\n#src,name\nts,src,name,url,note\n");
	for (unsigned i = 0; i < lines; i++) {
		const char *note = "";
		switch (rnd(20)) {
		case 0: note = "\"two\nlines, with a \"\"quote\"\"\""; break;  /* a record over two lines */
		case 1: note = "\"a\r\n\n\n192.0.2.5 inside\nquotes\""; break; /* blank lines inside quotes */
		case 2: note = "said \"hi\""; break;                            /* a quote inside an unquoted field */
		case 3: note = "\"\""; break;
		}
		rcx_strbuf_printf(b, "%u,%s,\"%s\",http://x.example/p,%s%s", 1700000000 + i, client(), name(), note, eol());
	}
	rcx_strbuf_puts(b, "1,192.0.2.7,evil.example,\"never closed\n192.0.2.8\n");
}

static void gen_zeek(struct rcx_strbuf *b, unsigned lines)
{
	for (unsigned i = 0; i < lines; i++) {
		if (i % 700 == 0) {
			/* a new log: the columns change order, the separator may change */
			char sep = (i / 700) % 3 == 2 ? '|' : '\t';
			if (sep == '|')
				rcx_strbuf_puts(b, "#separator \\x7c\n");
			else
				rcx_strbuf_puts(b, "#separator \\x09\n");
			rcx_strbuf_printf(b, "#path%cdns\n", sep);
			if ((i / 700) % 2)
				rcx_strbuf_printf(b, "#fields%cts%cquery%cid.orig_h\n#types%ctime%cstring%caddr\n", sep, sep, sep,
						  sep, sep, sep);
			else
				rcx_strbuf_printf(b, "#fields%cid.orig_h%cts%cquery\n#types%caddr%ctime%cstring\n", sep, sep, sep,
						  sep, sep, sep);
			continue;
		}
		char sep = (i / 700) % 3 == 2 ? '|' : '\t';
		if ((i / 700) % 2)
			rcx_strbuf_printf(b, "%u.5%c%s%c%s\n", 1700000000 + i, sep, name(), sep, client());
		else
			rcx_strbuf_printf(b, "%s%c%u.5%c%s\n", client(), sep, 1700000000 + i, sep, name());
	}
}

static void gen_text(struct rcx_strbuf *b, unsigned lines)
{
	for (unsigned i = 0; i < lines; i++) {
		if (i == lines / 3) { /* one line longer than RCX_LINE_MAX: skipped, still numbered */
			for (size_t k = 0; k < RCX_LINE_MAX / 16 + 2; k++)
				rcx_strbuf_puts(b, "evil.example xx ");
			rcx_strbuf_puts(b, "\n");
		}
		rcx_strbuf_printf(b, "seen %s talking to %s hash 0123456789ABCDEF0123456789abcdef%s", client(), name(), eol());
	}
}

/* ---- running ---- */

static enum rcx_result fmt_sighting(void *ctx, const struct match_sighting *s, struct rcx_strbuf *out)
{
	(void)ctx;
	return rcx_strbuf_printf(out, "%s:%llu %s %s %.*s\n", s->file, (unsigned long long)s->rec->line, s->indicator_text,
				 s->obs->field, (int)s->obs->len, s->obs->value);
}

static enum rcx_result out_write(void *ctx, const char *data, size_t len)
{
	return rcx_strbuf_append(ctx, data, len);
}

static char *write_temp(const struct rcx_strbuf *b)
{
	char *path = strdup("/tmp/rcx-test-par-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->data, b->len), (ssize_t)b->len);
	close(fd);
	return path;
}

static enum rcx_result run_par(char *const *files, size_t n, const char *format, unsigned threads, size_t chunk,
			       bool sorted, struct rcx_strbuf *out, struct match_file_stats *st)
{
	struct match_format_options opt = {.syslog_year = 2026};
	struct match_parallel job = {
		.idx = idx, .fmt = match_format_find(format), .opt = &opt, .files = files, .n_files = n,
		.threads = threads, .chunk_size = chunk, .sorted = sorted, .format = fmt_sighting, .write = out_write,
		.ctx = out,
	};
	assert_non_null(job.fmt);
	return match_parallel_run(&job, st);
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of s, sorted, joined again (for comparing unsorted output). */
static char *sorted_lines(const char *s)
{
	char *copy = strdup(s);
	size_t n = 0, cap = 1024;
	char **v = malloc(cap * sizeof(*v));
	for (char *save = NULL, *t = strtok_r(copy, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof(*v));
		v[n++] = t;
	}
	qsort(v, n, sizeof(*v), cmp_lines);
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	for (size_t i = 0; i < n; i++)
		rcx_strbuf_printf(&b, "%s\n", v[i]);
	free(v);
	free(copy);
	return rcx_strbuf_steal(&b);
}

static void check_format(const char *format, void (*gen)(struct rcx_strbuf *, unsigned), unsigned lines)
{
	struct rcx_strbuf log = RCX_STRBUF_INIT(0);
	gen(&log, lines);
	char *path = write_temp(&log);
	char *files[2] = {path, path}; /* the same file twice: units of two files in order */
	struct rcx_strbuf ref = RCX_STRBUF_INIT(0);
	struct match_file_stats rst;
	/* reference: one thread, chunks larger than the file (the whole file read as a stream) */
	assert_int_equal(run_par(files, 2, format, 1, log.len, true, &ref, &rst), RCX_OK);
	assert_true(rst.sightings > 10);
	size_t nl = 0;
	for (size_t i = 0; i < log.len; i++)
		nl += log.data[i] == '\n';
	assert_int_equal(rst.input.lines, 2 * (nl + (log.data[log.len - 1] != '\n')));
	static const size_t chunks[] = {1, 13, 100, 997, 4096, 65536};
	static const unsigned threads[] = {1, 2, 4};
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++)
		for (size_t t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
			struct rcx_strbuf out = RCX_STRBUF_INIT(0);
			struct match_file_stats st;
			assert_int_equal(run_par(files, 2, format, threads[t], chunks[c], true, &out, &st), RCX_OK);
			if (out.len != ref.len || memcmp(out.data, ref.data, ref.len))
				fail_msg("%s: chunk %zu, %u threads: output differs from the sequential read", format, chunks[c],
					 threads[t]);
			assert_int_equal(st.records, rst.records);
			assert_int_equal(st.sightings, rst.sightings);
			assert_int_equal(st.lookups, rst.lookups);
			assert_int_equal(st.parser.bad_lines, rst.parser.bad_lines);
			assert_int_equal(st.input.lines, rst.input.lines);
			assert_int_equal(st.input.long_lines, rst.input.long_lines);
			assert_int_equal(st.input.bytes_out, rst.input.bytes_out);
			rcx_strbuf_free(&out);
		}
	/* unsorted: the same lines in some order */
	struct rcx_strbuf un = RCX_STRBUF_INIT(0);
	assert_int_equal(run_par(files, 2, format, 4, 100, false, &un, NULL), RCX_OK);
	char *a = sorted_lines(ref.data), *b = sorted_lines(un.data ? un.data : "");
	assert_string_equal(a, b);
	free(a);
	free(b);
	rcx_strbuf_free(&un);
	rcx_strbuf_free(&ref);
	rcx_strbuf_free(&log);
	unlink(path);
	free(path);
}

static void test_dns(void **state)
{
	(void)state;
	check_format("dns", gen_dns, 3000);
}

static void test_csv(void **state)
{
	(void)state;
	check_format("csv", gen_csv, 3000);
}

static void test_zeek(void **state)
{
	(void)state;
	check_format("zeek", gen_zeek, 3000);
}

static void test_text(void **state)
{
	(void)state;
	check_format("text", gen_text, 2000);
}

/* Every line of s without its "file:" prefix (a copy). */
static char *strip_names(const char *s)
{
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	rcx_strbuf_puts(&b, "");
	for (const char *p = s ? s : ""; *p;) {
		const char *nl = strchr(p, '\n'), *e = nl ? nl + 1 : p + strlen(p);
		const char *colon = memchr(p, ':', (size_t)(e - p));
		const char *from = colon ? colon + 1 : p;
		rcx_strbuf_append(&b, from, (size_t)(e - from));
		p = e;
	}
	return rcx_strbuf_steal(&b);
}

/* A gzip file, a zstd file and a missing file among chunked ones: decoded in blocks or streamed
 * whole, the same sightings; a cut gzip file and the missing one reported. */
static void test_mixed_inputs(void **state)
{
	(void)state;
	struct rcx_strbuf log = RCX_STRBUF_INIT(0);
	gen_dns(&log, 500);
	char *plain = write_temp(&log);
	char gz[] = "/tmp/rcx-test-par-gz-XXXXXX";
	int fd = mkstemp(gz);
	assert_true(fd >= 0);
	gzFile g = gzdopen(fd, "wb");
	assert_int_equal(gzwrite(g, log.data, (unsigned)log.len), (int)log.len);
	gzclose(g);
	char *files[2] = {plain, gz};
	struct rcx_strbuf a = RCX_STRBUF_INIT(0), b = RCX_STRBUF_INIT(0);
	assert_int_equal(run_par(files, 2, "dns", 3, 50, true, &a, NULL), RCX_OK);
	/* both halves equal once the file names are set aside */
	char *half = strstr(a.data, gz);
	assert_non_null(half);
	char *files1[1] = {plain};
	assert_int_equal(run_par(files1, 1, "dns", 1, 1 << 30, true, &b, NULL), RCX_OK);
	assert_int_equal((size_t)(half - a.data), b.len);
	/* gzip and zstd decoded by the producer in blocks (several threads) or read whole (one): the
	 * sightings of the plain file, line for line */
	char zs[] = "/tmp/rcx-test-par-zs-XXXXXX";
	fd = mkstemp(zs);
	assert_true(fd >= 0);
	size_t bound = ZSTD_compressBound(log.len);
	void *z = malloc(bound);
	size_t zl = ZSTD_compress(z, bound, log.data, log.len, 1);
	assert_false(ZSTD_isError(zl));
	assert_int_equal(write(fd, z, zl), (ssize_t)zl);
	close(fd);
	char *want = strip_names(b.data);
	char *packed[] = {gz, zs};
	static const unsigned th[] = {1, 3};
	static const size_t ch[] = {50, 4096, 1 << 20};
	for (size_t k = 0; k < 2; k++)
		for (size_t t = 0; t < 2; t++)
			for (size_t c = 0; c < 3; c++) {
				struct rcx_strbuf o = RCX_STRBUF_INIT(0);
				struct match_file_stats st;
				assert_int_equal(run_par(&packed[k], 1, "dns", th[t], ch[c], true, &o, &st), RCX_OK);
				char *got = strip_names(o.data);
				if (strcmp(got, want))
					fail_msg("%s, %u threads, chunk %zu: differs from the plain file", k ? "zstd" : "gzip", th[t], ch[c]);
				assert_int_equal(st.input.bytes_out, log.len);
				free(got);
				rcx_strbuf_free(&o);
			}
	/* a gzip file cut short: the lines before the cut, then the failure */
	FILE *gf = fopen(gz, "rb");
	char cutbuf[1 << 16];
	size_t gl = fread(cutbuf, 1, sizeof(cutbuf), gf);
	fclose(gf);
	fd = open(gz, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, cutbuf, gl / 2), (ssize_t)(gl / 2));
	close(fd);
	struct rcx_strbuf cut = RCX_STRBUF_INIT(0);
	char *cutfiles[1] = {gz};
	assert_int_equal(run_par(cutfiles, 1, "dns", 3, 50, true, &cut, NULL), RCX_EPARSE);
	assert_true(cut.len > 0);
	char *cutlines = strip_names(cut.data);
	assert_memory_equal(cutlines, want, strlen(cutlines));
	free(cutlines);
	rcx_strbuf_free(&cut);
	free(want);
	free(z);
	unlink(zs);
	/* lines far longer than a decoded block: skipped and numbered as a sequential read does */
	struct rcx_strbuf lt = RCX_STRBUF_INIT(0);
	for (int k = 0; k < 3; k++) {
		rcx_strbuf_printf(&lt, "%d evil.example\n", k);
		for (size_t x = 0; x < 2 * RCX_LINE_MAX + (size_t)k * 1000; x++)
			rcx_strbuf_putc(&lt, k == 1 && x % 100 == 0 ? '\n' : 'x');
		rcx_strbuf_puts(&lt, "\n192.0.2.7 seen\n");
	}
	rcx_strbuf_puts(&lt, "last 192.0.2.1");
	char *ltplain = write_temp(&lt);
	char ltgz[] = "/tmp/rcx-test-par-lt-XXXXXX";
	fd = mkstemp(ltgz);
	g = gzdopen(fd, "wb");
	assert_int_equal(gzwrite(g, lt.data, (unsigned)lt.len), (int)lt.len);
	gzclose(g);
	struct rcx_strbuf l1 = RCX_STRBUF_INIT(0), l2 = RCX_STRBUF_INIT(0);
	struct match_file_stats s1, s2;
	char *ltf1[1] = {ltplain}, *ltf2[1] = {ltgz};
	assert_int_equal(run_par(ltf1, 1, "text", 1, 1 << 30, true, &l1, &s1), RCX_OK);
	assert_int_equal(run_par(ltf2, 1, "text", 3, 50, true, &l2, &s2), RCX_OK);
	char *x1 = strip_names(l1.data), *x2 = strip_names(l2.data);
	assert_string_equal(x1, x2);
	assert_int_equal(s1.input.lines, s2.input.lines);
	assert_int_equal(s1.input.long_lines, s2.input.long_lines);
	assert_true(s1.input.long_lines >= 2);
	free(x1);
	free(x2);
	rcx_strbuf_free(&l1);
	rcx_strbuf_free(&l2);
	rcx_strbuf_free(&lt);
	unlink(ltplain);
	unlink(ltgz);
	free(ltplain);
	char *missing[2] = {plain, (char *)"/nonexistent/rcx-test.log"};
	struct rcx_strbuf c = RCX_STRBUF_INIT(0);
	assert_int_equal(run_par(missing, 2, "dns", 2, 50, true, &c, NULL), RCX_EIO);
	rcx_strbuf_free(&a);
	rcx_strbuf_free(&b);
	rcx_strbuf_free(&c);
	rcx_strbuf_free(&log);
	unlink(plain);
	unlink(gz);
	free(plain);
}

static void test_count_lines(void **state)
{
	(void)state;
	size_t n = 20000;
	char *buf = malloc(n);
	for (size_t i = 0; i < n; i++)
		buf[i] = rnd(9) == 0 ? '\n' : (char)('a' + rnd(3));
	for (size_t off = 0; off < 40; off += 7)
		for (size_t len = 0; len + off <= n; len += len < 100 ? 1 : 4093) {
			size_t want = 0;
			for (size_t i = off; i < off + len; i++)
				want += buf[i] == '\n';
			assert_int_equal(match_parallel_count_lines(buf + off, len), want);
		}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_lines), cmocka_unit_test(test_dns),  cmocka_unit_test(test_csv),
		cmocka_unit_test(test_zeek),        cmocka_unit_test(test_text), cmocka_unit_test(test_mixed_inputs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
