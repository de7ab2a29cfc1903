/* Unit tests of the demo data generator: the files are there, in the feeds' real shapes, every address
 * is inside the demo's routed prefixes with the AS pfx2as gives it, the output is a pure function of
 * the seed, the schema maps exactly the reports written, and the whole set goes through rcx's own
 * parsers, enrichment and routing without a single rejected line.
 *
 * One data set (DEMO_ROWS rows, seed 42) is generated once for the group; the determinism and error
 * tests generate their own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/event.h"
#include "core/ip.h"
#include "core/taxonomy.h"
#include "core/time.h"
#include "ingest/ingest.h"
#include "ingest/ingest_csv.h"
#include "ingest/ingest_demo.h"
#include "ingest/ingest_enrich.h"
#include "ingest/ingest_reader.h"
#include "ingest/ingest_route.h"
#include "ingest/ingest_shadowserver.h"

#define DEMO_ROWS 3000u
#define DATE "2026-11-22"
#define SUFFIX "-rcx-demo-geo.csv"
#define PFX_MAX 256

static const char *const report_types[] = {
	"scan_smb", "scan_rdp", "scan_http", "scan_ssl_freak", "event4_sinkhole_http", "event4_honeypot_brute_force",
	"blocklist", "compromised_website",
};
#define REPORT_N (sizeof(report_types) / sizeof(report_types[0]))
static const char *const other_files[] = {
	"shadowserver-schema.json", "feodotracker-ipblocklist.json", "feodotracker-ipblocklist.csv", "urlhaus.csv",
	"blocklist-ips.txt", "spamhaus-drop.txt", "enrich/pfx2as.txt", "enrich/asnames.txt", "rcx-demo.conf",
};
#define OTHER_N (sizeof(other_files) / sizeof(other_files[0]))

static char demo_dir[64];

/* ---- helpers ---- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_tmpdir(char buf[64])
{
	snprintf(buf, 64, "/tmp/rcx-test-demo-XXXXXX");
	assert_non_null(mkdtemp(buf));
}

static enum rcx_result gen(const char *dir, uint64_t rows, uint64_t seed, bool only_scan, char **ret_error)
{
	int64_t day;
	assert_int_equal(rcx_time_parse(DATE " 13:00:00", 19, &day), RCX_OK); /* any time of the day */
	struct ingest_demo_options o = {
		.out_dir = dir, .rows = rows, .seed = seed, .day_us = day, .only_scan = only_scan,
	};
	return ingest_demo_generate(&o, ret_error);
}

static const char *file_in(const char *dir, const char *name)
{
	static char buf[4][512];
	static unsigned k;
	char *p = buf[k++ % 4];
	snprintf(p, 512, "%s/%s", dir, name);
	return p;
}

static const char *report_file(const char *dir, const char *type)
{
	char name[128];
	snprintf(name, sizeof(name), DATE "-%s" SUFFIX, type);
	return file_in(dir, name);
}

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	char *p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	if (ret_len)
		*ret_len = (size_t)n;
	return p;
}

static size_t count_char(const char *s, size_t len, char c)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += s[i] == c;
	return n;
}

/* Column names of a CSV file's first record, as one malloc'd '\n'-separated string. */
static char *header_of(const char *path, size_t *ret_n)
{
	struct ingest_reader in;
	struct ingest_csv c;
	struct ingest_csv_record rec;
	assert_int_equal(ingest_reader_open(&in, path), RCX_OK);
	ingest_csv_init(&c, &in, ',');
	assert_int_equal(ingest_csv_next(&c, &rec), RCX_OK);
	assert_null(rec.error);
	size_t total = 1;
	for (size_t i = 0; i < rec.n; i++)
		total += rec.len[i] + 1;
	char *out = calloc(1, total), *p = out;
	for (size_t i = 0; i < rec.n; i++) {
		memcpy(p, rec.v[i], rec.len[i]);
		p += rec.len[i];
		*p++ = '\n';
	}
	*ret_n = rec.n;
	ingest_csv_free(&c);
	ingest_reader_close(&in);
	return out;
}

static int column_of(const char *header, const char *name)
{
	int i = 0;
	size_t n = strlen(name);
	for (const char *p = header; *p; i++) {
		const char *e = strchr(p, '\n');
		if ((size_t)(e - p) == n && !memcmp(p, name, n))
			return i;
		p = e + 1;
	}
	return -1;
}

/* ---- the prefix table of enrich/pfx2as.txt ---- */

struct pfx {
	struct rcx_cidr net;
	uint32_t asn;
};

static size_t load_pfx2as(const char *dir, struct pfx out[PFX_MAX])
{
	size_t len, n = 0;
	char *text = slurp(file_in(dir, "enrich/pfx2as.txt"), &len);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char net[64];
		unsigned plen, asn;
		assert_int_equal(sscanf(line, "%63[^\t]\t%u\t%u", net, &plen, &asn), 3);
		char cidr[80];
		snprintf(cidr, sizeof(cidr), "%s/%u", net, plen);
		assert_true(n < PFX_MAX);
		assert_int_equal(rcx_cidr_parse(cidr, strlen(cidr), true, &out[n].net), RCX_OK);
		out[n++].asn = asn;
	}
	free(text);
	return n;
}

/* AS of the longest prefix holding the address (or network) s[0..len), 0 when none does. */
static uint32_t pfx_lookup(const struct pfx *t, size_t n, const char *s, size_t len)
{
	struct rcx_cidr c;
	if (rcx_cidr_parse(s, len, true, &c) != RCX_OK)
		return 0;
	int best = -1;
	for (size_t i = 0; i < n; i++)
		if (t[i].net.prefix <= c.prefix && rcx_cidr_contains(&t[i].net, &c.ip) &&
		    (best < 0 || t[i].net.prefix > t[best].net.prefix))
			best = (int)i;
	return best < 0 ? 0 : t[best].asn;
}

static void assert_in_prefixes(const struct pfx *t, size_t n, const char *s, size_t len, uint32_t asn)
{
	uint32_t found = pfx_lookup(t, n, s, len);
	if (!found)
		fail_msg("%.*s is in no demo prefix", (int)len, s);
	if (asn && found != asn)
		fail_msg("%.*s: AS%u in the feed, AS%u in pfx2as", (int)len, s, asn, found);
}

static uint32_t parse_asn(const char *s, size_t len)
{
	char buf[16];
	assert_true(len > 0 && len < sizeof(buf));
	memcpy(buf, s, len);
	buf[len] = '\0';
	return (uint32_t)strtoul(buf, NULL, 10);
}

/* ---- group setup ---- */

static int setup(void **state)
{
	(void)state;
	make_tmpdir(demo_dir);
	char *err = NULL;
	enum rcx_result r = gen(demo_dir, DEMO_ROWS, 42, false, &err);
	if (r != RCX_OK)
		fprintf(stderr, "demo: %s\n", err ? err : "?");
	free(err);
	return r == RCX_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rm_rf(demo_dir);
	return 0;
}

/* ---- tests ---- */

static void test_files(void **state)
{
	(void)state;
	struct stat st;
	for (size_t i = 0; i < REPORT_N; i++)
		assert_int_equal(stat(report_file(demo_dir, report_types[i]), &st), 0);
	for (size_t i = 0; i < OTHER_N; i++)
		assert_int_equal(stat(file_in(demo_dir, other_files[i]), &st), 0);
	/* and nothing else: no temporary files left behind */
	DIR *d = opendir(demo_dir);
	assert_non_null(d);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(n, REPORT_N + OTHER_N - 2 + 1); /* enrich/ holds two of them */
	assert_string_equal(ingest_demo_scan_type(), "scan_smb");
}

static void test_scan_report(void **state)
{
	(void)state;
	size_t len;
	char *text = slurp(report_file(demo_dir, "scan_smb"), &len);
	assert_true(len > 0 && text[len - 1] == '\n');
	assert_int_equal(count_char(text, len, '\n'), DEMO_ROWS + 1);
	const char *header = "\"timestamp\",\"ip\",\"port\",\"hostname\",\"tag\",\"asn\",\"geo\",\"region\",\"city\","
			     "\"naics\",\"sic\",\"smb_implant\",\"arch\",\"key\",\"smbv1_support\","
			     "\"smb_major_number\",\"smb_minor_number\",\"smb_revision\",\"smb_version_string\"\n";
	assert_memory_equal(text, header, strlen(header));
	/* rows: within the report day, in time order (to the jitter), some repeated exactly */
	size_t dups = 0;
	const char *prev = NULL, *line = strchr(text, '\n') + 1;
	while (*line) {
		const char *end = strchr(line, '\n');
		assert_memory_equal(line, "\"" DATE " ", 12);
		if (prev && end - line == line - 1 - prev && !memcmp(prev, line, (size_t)(end - line)))
			dups++;
		prev = line;
		line = end + 1;
	}
	assert_true(dups > 0);
	assert_true(dups < DEMO_ROWS / 50);
	free(text);
}

/* Every report parses as CSV with the header's number of columns, and the header is Shadowserver's
 * (compared with the corpus sample of the report when RCX_CORPUS is set). */
static void test_report_columns(void **state)
{
	(void)state;
	const char *corpus = getenv("RCX_CORPUS");
	for (size_t t = 0; t < REPORT_N; t++) {
		size_t ncols;
		char *header = header_of(report_file(demo_dir, report_types[t]), &ncols);
		if (corpus) {
			char path[512];
			size_t n2;
			snprintf(path, sizeof(path), "%s/feeds/shadowserver/legacy-3.2/%s.csv", corpus,
				 report_types[t]);
			if (access(path, R_OK) == 0) {
				char *real = header_of(path, &n2);
				assert_string_equal(header, real);
				free(real);
			}
		}
		struct ingest_reader in;
		struct ingest_csv c;
		struct ingest_csv_record rec;
		assert_int_equal(ingest_reader_open(&in, report_file(demo_dir, report_types[t])), RCX_OK);
		ingest_csv_init(&c, &in, ',');
		uint64_t records = 0;
		while (ingest_csv_next(&c, &rec) == RCX_OK) {
			assert_null(rec.error);
			if (rec.n != ncols)
				fail_msg("%s line %llu: %zu fields, header %zu", report_types[t],
					 (unsigned long long)rec.line_first, rec.n, ncols);
			assert_int_equal(rec.line_first, rec.line_last);
			records++;
		}
		assert_true(records > 5);
		ingest_csv_free(&c);
		ingest_reader_close(&in);
		free(header);
	}
}

static void test_abusech(void **state)
{
	(void)state;
	static const char *const keys[] = {"ip_address", "port", "status", "hostname", "as_number",
					   "as_name", "country", "first_seen", "last_online", "malware"};
	json_error_t jerr;
	json_t *arr = json_load_file(file_in(demo_dir, "feodotracker-ipblocklist.json"), 0, &jerr);
	assert_non_null(arr);
	assert_true(json_is_array(arr) && json_array_size(arr) >= 8);
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		assert_int_equal(json_object_size(o), 10);
		for (size_t k = 0; k < 10; k++)
			assert_non_null(json_object_get(o, keys[k]));
		assert_true(json_is_integer(json_object_get(o, "port")));
		assert_true(json_is_integer(json_object_get(o, "as_number")));
		const char *first = json_string_value(json_object_get(o, "first_seen"));
		const char *last = json_string_value(json_object_get(o, "last_online"));
		assert_int_equal(strlen(first), 19);
		assert_int_equal(strlen(last), 10);
		assert_true(strncmp(first, last, 10) <= 0 && strcmp(last, DATE) <= 0);
	}

	/* The CSV lists the same C2s, in the '#'-framed shape of the real feed. */
	size_t len;
	char *text = slurp(file_in(demo_dir, "feodotracker-ipblocklist.csv"), &len);
	assert_memory_equal(text, "################################################################\n", 65);
	assert_non_null(strstr(text, "\n\"first_seen_utc\",\"dst_ip\",\"dst_port\",\"c2_status\",\"last_online\","
				     "\"malware\"\n"));
	char end[64];
	snprintf(end, sizeof(end), "\n# END (%zu) entries\n", json_array_size(arr));
	assert_non_null(strstr(text, end));
	size_t rows = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#' || !strncmp(line, "\"first_seen_utc\"", 16))
			continue;
		json_t *e = json_array_get(arr, rows++);
		assert_non_null(e);
		char want[128];
		snprintf(want, sizeof(want), "\"%s\",\"%s\",\"%lld\"",
			 json_string_value(json_object_get(e, "first_seen")),
			 json_string_value(json_object_get(e, "ip_address")),
			 (long long)json_integer_value(json_object_get(e, "port")));
		assert_memory_equal(line, want, strlen(want));
	}
	assert_int_equal(rows, json_array_size(arr));
	free(text);
	json_decref(arr);

	/* URLhaus: its header comment, 8 unquoted columns, and the entry count at the end */
	text = slurp(file_in(demo_dir, "urlhaus.csv"), &len);
	assert_non_null(strstr(text, "\n# Dateadded (UTC),URL,URL_status,Threat,Host,IPaddress,ASnumber,Country\n"));
	rows = 0;
	size_t declared = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "# of entries: %zu", &declared) == 1 || line[0] == '#')
			continue;
		assert_int_equal(count_char(line, strlen(line), ','), 7);
		assert_null(strchr(line, '"'));
		rows++;
	}
	assert_true(rows >= 10);
	assert_int_equal(rows, declared);
	free(text);
}

/* Every address of every file is in a demo prefix, and where the feed names the AS it is the one
 * pfx2as gives; every AS has a name; routed prefixes are synthetic ranges only. */
static void test_addresses(void **state)
{
	(void)state;
	struct pfx t[PFX_MAX];
	size_t n = load_pfx2as(demo_dir, t);
	assert_true(n > 7);
	static const char *const synthetic[] = {"192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
						"2001:db8::/32"};
	size_t len, n_named = 0;
	uint32_t named[PFX_MAX];
	char *names = slurp(file_in(demo_dir, "enrich/asnames.txt"), &len);
	for (char *line = strtok(names, "\n"); line; line = strtok(NULL, "\n")) {
		char *end;
		assert_true(n_named < PFX_MAX);
		named[n_named++] = (uint32_t)strtoul(line, &end, 10);
		assert_memory_equal(end, " DEMO-", 6); /* "64600 DEMO-TELEKOM-RS Demo Telekom Srbija, RS" */
	}
	free(names);
	for (size_t i = 0; i < n; i++) {
		bool ok = false;
		for (size_t k = 0; k < 5; k++) {
			struct rcx_cidr s;
			assert_int_equal(rcx_cidr_parse(synthetic[k], strlen(synthetic[k]), true, &s), RCX_OK);
			ok |= s.ip.family == t[i].net.ip.family && s.prefix <= t[i].net.prefix &&
			      rcx_cidr_contains(&s, &t[i].net.ip);
		}
		if (!ok)
			fail_msg("prefix %zu is outside the documentation and benchmarking ranges", i);
		assert_true((t[i].asn >= 64496 && t[i].asn <= 65534) || t[i].asn >= 4200000000u);
		bool has_name = false;
		for (size_t k = 0; k < n_named; k++)
			has_name |= named[k] == t[i].asn;
		assert_true(has_name);
	}

	/* Shadowserver reports: ip/src_ip with asn/src_asn, and dst_ip */
	for (size_t r = 0; r < REPORT_N; r++) {
		size_t ncols;
		char *header = header_of(report_file(demo_dir, report_types[r]), &ncols);
		int ip = column_of(header, "ip"), asn = column_of(header, "asn");
		if (ip < 0) {
			ip = column_of(header, "src_ip");
			asn = column_of(header, "src_asn");
		}
		int dst = column_of(header, "dst_ip");
		assert_true(ip >= 0 && asn >= 0);
		struct ingest_reader in;
		struct ingest_csv c;
		struct ingest_csv_record rec;
		assert_int_equal(ingest_reader_open(&in, report_file(demo_dir, report_types[r])), RCX_OK);
		ingest_csv_init(&c, &in, ',');
		assert_int_equal(ingest_csv_next(&c, &rec), RCX_OK);
		while (ingest_csv_next(&c, &rec) == RCX_OK) {
			assert_in_prefixes(t, n, rec.v[ip], rec.len[ip], parse_asn(rec.v[asn], rec.len[asn]));
			if (dst >= 0)
				assert_in_prefixes(t, n, rec.v[dst], rec.len[dst], 0);
		}
		ingest_csv_free(&c);
		ingest_reader_close(&in);
		free(header);
	}

	/* Feodo JSON (ip_address, as_number) */
	json_t *arr = json_load_file(file_in(demo_dir, "feodotracker-ipblocklist.json"), 0, NULL);
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		const char *a = json_string_value(json_object_get(o, "ip_address"));
		assert_in_prefixes(t, n, a, strlen(a), (uint32_t)json_integer_value(json_object_get(o, "as_number")));
	}
	json_decref(arr);

	/* URLhaus (IPaddress, ASnumber) */
	char *text = slurp(file_in(demo_dir, "urlhaus.csv"), &len);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		char *f[8], *save = NULL;
		f[0] = strtok_r(line, ",", &save);
		for (int k = 1; k < 8; k++)
			f[k] = strtok_r(NULL, ",", &save);
		assert_non_null(f[7]);
		assert_in_prefixes(t, n, f[5], strlen(f[5]), parse_asn(f[6], strlen(f[6])));
	}
	free(text);

	/* The plain lists: each address or network, Feodo CSV dst_ip */
	static const char *const lists[] = {"blocklist-ips.txt", "spamhaus-drop.txt", "feodotracker-ipblocklist.csv"};
	for (size_t l = 0; l < 3; l++) {
		text = slurp(file_in(demo_dir, lists[l]), &len);
		size_t entries = 0;
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
			if (line[0] == '#' || line[0] == ';' || !strncmp(line, "\"first_seen_utc\"", 16))
				continue;
			if (l == 2) {
				char *ipf = line + 23; /* "YYYY-MM-DD HH:MM:SS"," */
				assert_in_prefixes(t, n, ipf, strcspn(ipf, "\""), 0);
			} else {
				assert_in_prefixes(t, n, line, strcspn(line, " ;"), 0);
			}
			entries++;
		}
		assert_true(entries >= 8);
		free(text);
	}
}

static void test_deterministic(void **state)
{
	(void)state;
	char a[64], b[64];
	make_tmpdir(a);
	make_tmpdir(b);
	assert_int_equal(gen(a, DEMO_ROWS, 42, false, NULL), RCX_OK);
	assert_int_equal(gen(b, DEMO_ROWS, 43, false, NULL), RCX_OK);
	/* a: the same seed as the group's data set → the same bytes, in every file */
	for (size_t i = 0; i < REPORT_N + OTHER_N; i++) {
		char name[128];
		if (i < REPORT_N)
			snprintf(name, sizeof(name), DATE "-%s" SUFFIX, report_types[i]);
		else
			snprintf(name, sizeof(name), "%s", other_files[i - REPORT_N]);
		size_t la, lg, lb;
		char *x = slurp(file_in(a, name), &la), *y = slurp(file_in(demo_dir, name), &lg);
		assert_int_equal(la, lg);
		assert_memory_equal(x, y, la);
		/* b: another seed → other data (the address plan and config stay the same) */
		char *z = slurp(file_in(b, name), &lb);
		bool same = lb == la && !memcmp(x, z, la);
		if (i < REPORT_N || (i > REPORT_N && i <= REPORT_N + 5)) /* reports, abuse.ch feeds, lists */
			assert_false(same);
		else /* the schema, the address plan and the configuration do not depend on the seed */
			assert_true(same);
		free(x);
		free(y);
		free(z);
	}
	rm_rf(a);
	rm_rf(b);
}

/* The schema maps exactly the reports written, only through columns of each report's header, into
 * event fields rcx knows, with conversions rcx implements. Shadowserver's own mapping (when the corpus
 * is there) finds every column it requires in our reports. */
static void test_schema(void **state)
{
	(void)state;
	json_error_t jerr;
	json_t *schema = json_load_file(file_in(demo_dir, "shadowserver-schema.json"), 0, &jerr);
	assert_non_null(schema);
	assert_int_equal(json_object_size(schema), REPORT_N);
	for (size_t r = 0; r < REPORT_N; r++) {
		json_t *e = json_object_get(schema, report_types[r]);
		if (!e)
			fail_msg("no schema for %s", report_types[r]);
		assert_string_equal(json_string_value(json_object_get(e, "file_name")), report_types[r]);
		assert_non_null(json_string_value(json_object_get(e, "feed_name")));
		assert_non_null(json_string_value(json_object_get(e, "url")));
		json_t *consts = json_object_get(e, "constant_fields");
		const char *type = json_string_value(json_object_get(consts, "classification.type"));
		const char *tax = json_string_value(json_object_get(consts, "classification.taxonomy"));
		assert_non_null(type);
		assert_non_null(rcx_taxonomy_type_canonical(type, strlen(type)));
		assert_string_equal(rcx_taxonomy_of_type(type), tax);

		size_t ncols;
		char *header = header_of(report_file(demo_dir, report_types[r]), &ncols);
		bool has_time = false, has_ip = false;
		for (int list = 0; list < 2; list++) {
			json_t *fields = json_object_get(e, list ? "optional_fields" : "required_fields");
			assert_true(json_is_array(fields));
			size_t i;
			json_t *m;
			json_array_foreach(fields, i, m) {
				size_t mn = json_array_size(m);
				assert_true(mn >= 2 && mn <= 4);
				assert_true(mn < 4 || json_is_true(json_array_get(m, 3)));
				const char *field = json_string_value(json_array_get(m, 0));
				const char *col = json_string_value(json_array_get(m, 1));
				assert_non_null(field);
				assert_non_null(col);
				if (column_of(header, col) < 0)
					fail_msg("%s: schema column %s is not in the report", report_types[r], col);
				if (strncmp(field, "extra.", 6) && event_field_lookup(field, strlen(field)) == EF_MAX)
					fail_msg("%s: %s is no event field", report_types[r], field);
				const char *conv = mn >= 3 ? json_string_value(json_array_get(m, 2)) : NULL;
				if (conv && !ingest_shadowserver_conversion_known(conv))
					fail_msg("%s: conversion %s is not implemented", report_types[r], conv);
				has_time |= !list && !strcmp(field, "time.source");
				has_ip |= !list && !strcmp(field, "source.ip");
			}
		}
		assert_true(has_time && has_ip);
		free(header);
	}

	const char *corpus = getenv("RCX_CORPUS");
	char path[512];
	snprintf(path, sizeof(path), "%s/feeds/shadowserver/report_schema/intelmq.json", corpus ? corpus : "");
	json_t *real = corpus ? json_load_file(path, 0, NULL) : NULL;
	for (size_t r = 0; real && r < REPORT_N; r++) {
		const char *key;
		json_t *e, *found = NULL;
		json_object_foreach(real, key, e)
			if (json_is_string(json_object_get(e, "file_name")) &&
			    !strcmp(json_string_value(json_object_get(e, "file_name")), report_types[r]))
				found = e;
		assert_non_null(found);
		size_t ncols, i;
		json_t *m;
		char *header = header_of(report_file(demo_dir, report_types[r]), &ncols);
		json_array_foreach(json_object_get(found, "required_fields"), i, m)
			assert_true(column_of(header, json_string_value(json_array_get(m, 1))) >= 0);
		free(header);
	}
	json_decref(real);
	json_decref(schema);
}

/* ---- through rcx's own parsers, enrichment and routing, with the demo's configuration ---- */

struct run {
	struct ingest_sink sink;
	struct rcx_arena arena;
	const struct ingest_enrich *enrich;
	const struct ingest_routes *routes;
	uint64_t events, rejects, with_ip, routed;
	char reject[256];
	const char *orgs[64];
	size_t n_orgs;
};

static struct event *run_event_new(struct ingest_sink *sink)
{
	struct run *r = (struct run *)sink;
	struct event *ev = rcx_arena_alloc(&r->arena, sizeof(*ev));
	event_init(ev, &r->arena);
	event_set(ev, EF_FEED_NAME, "demo", 4);
	event_set(ev, EF_TIME_OBSERVATION, DATE "T23:59:59Z", 20);
	return ev;
}

static enum rcx_result run_emit(struct ingest_sink *sink, struct event *ev)
{
	struct run *r = (struct run *)sink;
	r->events++;
	ingest_enrich_event(r->enrich, ev);
	if (!ev->f[EF_SOURCE_IP])
		return RCX_OK;
	r->with_ip++;
	const char *org = ingest_route_event(r->routes, ev);
	if (!org)
		return RCX_OK;
	r->routed++;
	size_t i = 0;
	while (i < r->n_orgs && strcmp(r->orgs[i], org))
		i++;
	if (i == r->n_orgs && r->n_orgs < 64)
		r->orgs[r->n_orgs++] = org;
	return RCX_OK;
}

static enum rcx_result run_reject(struct ingest_sink *sink, uint64_t line, const char *reason, const char *raw,
				  size_t raw_len, size_t raw_total)
{
	struct run *r = (struct run *)sink;
	(void)raw_total;
	if (!r->rejects++)
		snprintf(r->reject, sizeof(r->reject), "line %llu: %s: %.*s", (unsigned long long)line, reason,
			 (int)(raw_len < 120 ? raw_len : 120), raw);
	return RCX_OK;
}

static enum rcx_result run_record_end(struct ingest_sink *sink, uint64_t line)
{
	(void)sink;
	(void)line;
	return RCX_OK;
}

static uint64_t parse_file(struct run *r, struct rcx_config *cfg, const char *format, const char *path,
			   const char *report_type)
{
	const struct ingest_format *fmt = ingest_format_find(format);
	assert_non_null(fmt);
	struct ingest_source src = {
		.path = path, .feed_name = fmt->feed_name, .report_type = report_type, .config = cfg,
	};
	struct ingest_reader in;
	assert_int_equal(ingest_reader_open(&in, path), RCX_OK);
	uint64_t before = r->events;
	assert_int_equal(fmt->parse(&src, &in, &r->sink), RCX_OK);
	ingest_reader_close(&in);
	if (r->rejects)
		fail_msg("%s rejected %s", path, r->reject);
	return r->events - before;
}

static void test_parsers_and_routing(void **state)
{
	(void)state;
	struct rcx_config *cfg = NULL;
	unsigned line = 0;
	assert_int_equal(rcx_config_load(file_in(demo_dir, "rcx-demo.conf"), &cfg, &line), RCX_OK);
	struct ingest_enrich *enrich = NULL;
	struct ingest_routes *routes = NULL;
	char *err = NULL;
	if (ingest_enrich_open(cfg, &enrich, &err) != RCX_OK)
		fail_msg("enrich: %s", err);
	if (ingest_route_load(cfg, &routes, &err) != RCX_OK)
		fail_msg("routing: %s", err);

	struct run r = {
		.sink = {run_event_new, run_emit, run_reject, run_record_end}, .enrich = enrich, .routes = routes,
	};
	for (size_t t = 0; t < REPORT_N; t++) {
		size_t len;
		char *text = slurp(report_file(demo_dir, report_types[t]), &len);
		uint64_t lines = count_char(text, len, '\n');
		free(text);
		assert_int_equal(parse_file(&r, cfg, "shadowserver", report_file(demo_dir, report_types[t]), NULL),
				 lines - 1);
		rcx_arena_reset(&r.arena);
	}
	json_t *arr = json_load_file(file_in(demo_dir, "feodotracker-ipblocklist.json"), 0, NULL);
	assert_int_equal(parse_file(&r, cfg, "feodo-json", file_in(demo_dir, "feodotracker-ipblocklist.json"), NULL),
			 json_array_size(arr));
	assert_int_equal(parse_file(&r, cfg, "feodo-csv", file_in(demo_dir, "feodotracker-ipblocklist.csv"), NULL),
			 json_array_size(arr));
	json_decref(arr);
	assert_true(parse_file(&r, cfg, "urlhaus-csv", file_in(demo_dir, "urlhaus.csv"), NULL) >= 10);
	assert_true(parse_file(&r, cfg, "spamhaus-drop", file_in(demo_dir, "spamhaus-drop.txt"), NULL) >= 8);
	assert_true(parse_file(&r, cfg, "list-ip", file_in(demo_dir, "blocklist-ips.txt"), NULL) >= 12);

	/* Every event with an address belongs to some team, and each national CERT gets some. */
	assert_int_equal(r.routed, r.with_ip);
	assert_true(r.with_ip > DEMO_ROWS);
	static const char *const certs[] = {"AKCESK", "BIH-CERT", "CERT.hr", "KOS-CERT", "CIRT.ME", "MKD-CIRT",
					    "SRB-CERT"};
	for (size_t c = 0; c < 7; c++) {
		bool seen = false;
		for (size_t i = 0; i < r.n_orgs; i++)
			seen |= !strcmp(r.orgs[i], certs[c]);
		if (!seen)
			fail_msg("no event routed to %s", certs[c]);
	}
	assert_true(r.n_orgs > 7); /* and the sectoral teams some too */

	rcx_arena_free(&r.arena);
	ingest_route_free(routes);
	ingest_enrich_close(enrich);
	rcx_config_free(cfg);
}

/* Past the size the IPv4 plan holds, the big report mixes in IPv6 hosts, still in the routed /48s. */
static void test_big_scan_ipv6(void **state)
{
	(void)state;
	struct pfx t[PFX_MAX];
	size_t n = load_pfx2as(demo_dir, t), v6 = 0, rows = 0;
	char d[64];
	make_tmpdir(d);
	assert_int_equal(gen(d, 60000, 9, true, NULL), RCX_OK);
	struct ingest_reader in;
	struct ingest_csv c;
	struct ingest_csv_record rec;
	assert_int_equal(ingest_reader_open(&in, report_file(d, "scan_smb")), RCX_OK);
	ingest_csv_init(&c, &in, ',');
	assert_int_equal(ingest_csv_next(&c, &rec), RCX_OK);
	while (ingest_csv_next(&c, &rec) == RCX_OK) {
		assert_int_equal(rec.n, 19);
		assert_in_prefixes(t, n, rec.v[1], rec.len[1], parse_asn(rec.v[5], rec.len[5]));
		v6 += memchr(rec.v[1], ':', rec.len[1]) != NULL;
		rows++;
	}
	ingest_csv_free(&c);
	ingest_reader_close(&in);
	assert_int_equal(rows, 60000);
	assert_true(v6 > 3000 && v6 < 20000); /* about 1 - 50000/60000 of the rows */
	rm_rf(d);
}

static void test_only_scan_and_errors(void **state)
{
	(void)state;
	char d[64];
	make_tmpdir(d);
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/new/dir", d); /* created, parents too */
	assert_int_equal(gen(sub, 10, 1, true, NULL), RCX_OK);
	static const char *const only[] = {DATE "-scan_smb" SUFFIX, "shadowserver-schema.json", "enrich",
					   "rcx-demo.conf"};
	DIR *dir = opendir(sub);
	assert_non_null(dir);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(dir));) {
		if (e->d_name[0] == '.')
			continue;
		bool expected = false;
		for (size_t i = 0; i < 4; i++)
			expected |= !strcmp(e->d_name, only[i]);
		if (!expected)
			fail_msg("only_scan wrote %s", e->d_name);
		n++;
	}
	closedir(dir);
	assert_int_equal(n, 4);
	json_t *schema = json_load_file(file_in(sub, "shadowserver-schema.json"), 0, NULL);
	assert_int_equal(json_object_size(schema), 1); /* the schema maps exactly what was written */
	assert_non_null(json_object_get(schema, "scan_smb"));
	json_decref(schema);

	/* rows 0 is the default size */
	char *err = NULL;
	assert_int_equal(gen(sub, 0, 1, true, &err), RCX_OK);
	assert_null(err);
	size_t len;
	char *text = slurp(report_file(sub, "scan_smb"), &len);
	assert_int_equal(count_char(text, len, '\n'), INGEST_DEMO_ROWS_DEFAULT + 1);
	free(text);

	/* a file where the directory should be: an error with a message, nothing written */
	char file[160];
	snprintf(file, sizeof(file), "%s/plain", d);
	FILE *f = fopen(file, "w");
	fclose(f);
	assert_int_not_equal(gen(file, 10, 1, false, &err), RCX_OK);
	assert_non_null(err);
	assert_non_null(strstr(err, "plain"));
	free(err);
	err = NULL;
	struct ingest_demo_options none = {0};
	assert_int_equal(ingest_demo_generate(&none, &err), RCX_EINVAL);
	assert_non_null(err);
	free(err);
	struct ingest_demo_options huge = {.out_dir = d, .rows = UINT64_MAX};
	assert_int_equal(ingest_demo_generate(&huge, NULL), RCX_ELIMIT);
	rm_rf(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_scan_report),
		cmocka_unit_test(test_report_columns),
		cmocka_unit_test(test_abusech),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_parsers_and_routing),
		cmocka_unit_test(test_big_scan_ipv6),
		cmocka_unit_test(test_only_scan_and_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
