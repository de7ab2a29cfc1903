/* Unit tests of offline enrichment (pfx2as, asnames, MMDB, PSL, URL hosts), the longest-prefix table
 * (against a linear scan on random inputs) and constituency routing. MMDB fixtures are written at test
 * time by tests/tools/mmdb_write.py from the JSON specs in tests/data/enrich. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/config.h"
#include "core/event.h"
#include "core/ip.h"
#include "ingest/ingest_enrich.h"
#include "ingest/ingest_prefix.h"
#include "ingest/ingest_route.h"

static char tmpdir[64];

/* ---- helpers ---- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* splitmix64: fixed seed, so a failure reproduces */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static struct rcx_cidr cidr(const char *s)
{
	struct rcx_cidr c;
	assert_int_equal(rcx_cidr_parse(s, strlen(s), false, &c), RCX_OK);
	return c;
}

static struct rcx_ip ip(const char *s)
{
	struct rcx_ip a;
	assert_int_equal(rcx_ip_parse(s, strlen(s), &a), RCX_OK);
	return a;
}

static const char *data_path(const char *name)
{
	static char buf[4][1024];
	static int k;
	const char *root = getenv("RCX_SOURCE_ROOT");
	char *b = buf[k++ & 3];
	snprintf(b, sizeof(buf[0]), "%s/tests/data/enrich/%s", root ? root : ".", name);
	return b;
}

static const char *tmp_path(const char *name)
{
	static char buf[4][256];
	static int k;
	char *b = buf[k++ & 3];
	snprintf(b, sizeof(buf[0]), "%s/%s", tmpdir, name);
	return b;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static struct rcx_config *config(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static struct rcx_config *config(const char *fmt, ...)
{
	char text[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	struct rcx_config *cfg;
	unsigned line = 0;
	assert_int_equal(rcx_config_parse(text, (size_t)n, &cfg, &line), RCX_OK);
	return cfg;
}

static struct ingest_enrich *enrich_open_ok(struct rcx_config *cfg)
{
	struct ingest_enrich *e = NULL;
	char *err = NULL;
	enum rcx_result r = ingest_enrich_open(cfg, &e, &err);
	if (r != RCX_OK)
		fail_msg("ingest_enrich_open: %s", err ? err : "(no message)");
	assert_null(err);
	return e;
}

/* Expects the open to fail with an error mentioning `want`. */
static void enrich_open_fails(struct rcx_config *cfg, const char *want)
{
	struct ingest_enrich *e = (struct ingest_enrich *)&e; /* must stay untouched */
	struct ingest_enrich *before = e;
	char *err = NULL;
	assert_int_not_equal(ingest_enrich_open(cfg, &e, &err), RCX_OK);
	assert_ptr_equal(e, before);
	assert_non_null(err);
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not mention \"%s\"", err, want);
	free(err);
}

static void set(struct event *ev, enum event_field f, const char *v)
{
	assert_int_equal(event_set(ev, f, v, strlen(v)), RCX_OK);
}

static void assert_field(const struct event *ev, enum event_field f, const char *want)
{
	const char *got = ev->f[f];
	if (!want) {
		if (got)
			fail_msg("%s: expected unset, got \"%s\"", event_fields[f].name, got);
		return;
	}
	if (!got || strcmp(got, want))
		fail_msg("%s: expected \"%s\", got \"%s\"", event_fields[f].name, want, got ? got : "(unset)");
}

/* ---- prefix table ---- */

static void assert_lookup(const struct ingest_prefix *t, const char *addr, bool found, uint64_t value, unsigned plen)
{
	struct rcx_ip a = ip(addr);
	struct ingest_prefix_match m = {0, 0};
	bool got = ingest_prefix_lookup(t, &a, &m);
	if (got != found)
		fail_msg("%s: expected %s", addr, found ? "a match" : "no match");
	if (found && (m.value != value || m.plen != plen))
		fail_msg("%s: expected %llu/%u, got %llu/%u", addr, (unsigned long long)value, plen,
			 (unsigned long long)m.value, m.plen);
}

static void test_prefix_basic(void **state)
{
	(void)state;
	struct ingest_prefix *t;
	assert_int_equal(ingest_prefix_new(100, &t), RCX_OK);
	struct rcx_cidr c = cidr("10.0.0.0/8");
	assert_int_equal(ingest_prefix_add(t, &c, 1), RCX_OK);
	c = cidr("10.1.0.0/16");
	assert_int_equal(ingest_prefix_add(t, &c, 2), RCX_OK);
	c = cidr("10.1.2.3/32");
	assert_int_equal(ingest_prefix_add(t, &c, 3), RCX_OK);
	c = cidr("10.255.255.255/32");
	assert_int_equal(ingest_prefix_add(t, &c, 4), RCX_OK);
	c = cidr("255.255.255.255/32");
	assert_int_equal(ingest_prefix_add(t, &c, 5), RCX_OK);
	c = cidr("::/0");
	assert_int_equal(ingest_prefix_add(t, &c, 6), RCX_OK);
	c = cidr("2001:db8::/32");
	assert_int_equal(ingest_prefix_add(t, &c, 7), RCX_OK);
	c = cidr("2001:db8::1/128");
	assert_int_equal(ingest_prefix_add(t, &c, 8), RCX_OK);
	c = cidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	assert_int_equal(ingest_prefix_add(t, &c, 9), RCX_OK);
	c = cidr("10.1.0.0/16"); /* again: the last value wins */
	assert_int_equal(ingest_prefix_add(t, &c, 22), RCX_OK);
	c = cidr("10.9.9.9/8"); /* host bits are ignored */
	assert_int_equal(ingest_prefix_add(t, &c, 11), RCX_OK);
	struct rcx_ip a = ip("10.1.2.3");
	struct ingest_prefix_match m;
	assert_false(ingest_prefix_lookup(t, &a, &m)); /* not built yet */
	assert_int_equal(ingest_prefix_build(t), RCX_OK);
	assert_int_equal(ingest_prefix_add(t, &c, 1), RCX_EINVAL);
	assert_int_equal(ingest_prefix_count(t), 9);

	assert_lookup(t, "9.255.255.255", false, 0, 0);
	assert_lookup(t, "10.0.0.0", true, 11, 8);
	assert_lookup(t, "10.1.0.0", true, 22, 16);
	assert_lookup(t, "10.1.2.2", true, 22, 16);
	assert_lookup(t, "10.1.2.3", true, 3, 32);
	assert_lookup(t, "10.1.2.4", true, 22, 16);
	assert_lookup(t, "10.1.255.255", true, 22, 16);
	assert_lookup(t, "10.2.0.0", true, 11, 8);
	assert_lookup(t, "10.255.255.254", true, 11, 8);
	assert_lookup(t, "10.255.255.255", true, 4, 32);
	assert_lookup(t, "11.0.0.0", false, 0, 0);
	assert_lookup(t, "255.255.255.254", false, 0, 0);
	assert_lookup(t, "255.255.255.255", true, 5, 32);
	assert_lookup(t, "0.0.0.0", false, 0, 0);
	/* ::/0 covers IPv6 only: the families never mix */
	assert_lookup(t, "::", true, 6, 0);
	assert_lookup(t, "::ffff:10.1.2.3", true, 6, 0);
	assert_lookup(t, "::a01:203", true, 6, 0);
	assert_lookup(t, "2001:db8::", true, 7, 32);
	assert_lookup(t, "2001:db8::1", true, 8, 128);
	assert_lookup(t, "2001:db8::2", true, 7, 32);
	assert_lookup(t, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true, 7, 32);
	assert_lookup(t, "2001:db9::", true, 6, 0);
	assert_lookup(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", true, 6, 0);
	assert_lookup(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true, 9, 128);
	ingest_prefix_free(t);

	/* /0 in IPv4, limit, empty table */
	assert_int_equal(ingest_prefix_new(2, &t), RCX_OK);
	c = cidr("0.0.0.0/0");
	assert_int_equal(ingest_prefix_add(t, &c, 70), RCX_OK);
	c = cidr("128.0.0.0/1");
	assert_int_equal(ingest_prefix_add(t, &c, 71), RCX_OK);
	assert_int_equal(ingest_prefix_add(t, &c, 72), RCX_ELIMIT);
	assert_int_equal(ingest_prefix_build(t), RCX_OK);
	assert_lookup(t, "0.0.0.0", true, 70, 0);
	assert_lookup(t, "127.255.255.255", true, 70, 0);
	assert_lookup(t, "128.0.0.0", true, 71, 1);
	assert_lookup(t, "255.255.255.255", true, 71, 1);
	assert_lookup(t, "::1", false, 0, 0);
	ingest_prefix_free(t);

	assert_int_equal(ingest_prefix_new(10, &t), RCX_OK);
	assert_int_equal(ingest_prefix_build(t), RCX_OK);
	assert_lookup(t, "1.2.3.4", false, 0, 0);
	assert_lookup(t, "::", false, 0, 0);
	assert_int_equal(ingest_prefix_count(t), 0);
	ingest_prefix_free(t);
}

struct ref_prefix {
	struct rcx_cidr c;
	uint64_t value;
};

/* The answer by definition: the longest prefix containing a, the last added among equal ones. */
static bool ref_lookup(const struct ref_prefix *p, size_t n, const struct rcx_ip *a, struct ingest_prefix_match *m)
{
	int best = -1;
	for (size_t i = 0; i < n; i++)
		if (rcx_cidr_contains(&p[i].c, a) && (int)p[i].c.prefix >= best) {
			best = p[i].c.prefix;
			m->value = p[i].value;
			m->plen = p[i].c.prefix;
		}
	return best >= 0;
}

static void random_addr(struct rcx_ip *a, unsigned family)
{
	uint64_t x = rng(), y = rng();
	a->family = (uint8_t)family;
	memset(a->addr, 0, sizeof(a->addr));
	memcpy(a->addr, &x, 8);
	if (family == 6)
		memcpy(a->addr + 8, &y, 8);
}

/* a with the bits past plen replaced: random, all zero, or all one. */
static void vary_host_bits(struct rcx_ip *a, unsigned plen, unsigned how)
{
	unsigned width = a->family == 6 ? 128 : 32;
	for (unsigned i = plen; i < width; i++) {
		uint8_t mask = (uint8_t)(0x80u >> (i & 7));
		bool one = how == 0 ? (rng() & 1) : how == 2;
		if (one)
			a->addr[i >> 3] |= mask;
		else
			a->addr[i >> 3] &= (uint8_t)~mask;
	}
}

static void test_prefix_random(void **state)
{
	(void)state;
	rng_state = 20240917;
	static const size_t sizes[] = {0, 1, 2, 10, 100, 1000, 4000};
	for (size_t round = 0; round < sizeof(sizes) / sizeof(sizes[0]); round++) {
		size_t n = sizes[round];
		struct ref_prefix *p = calloc(n ? n : 1, sizeof(*p));
		struct ingest_prefix *t;
		assert_int_equal(ingest_prefix_new(n, &t), RCX_OK);
		/* Few distinct bases so prefixes nest and repeat; lengths from 0 to full. */
		struct rcx_ip bases[24];
		for (size_t i = 0; i < 24; i++)
			random_addr(&bases[i], i % 3 == 0 ? 6 : 4);
		for (size_t i = 0; i < n; i++) {
			struct rcx_ip a = bases[rng() % 24];
			unsigned width = a.family == 6 ? 128 : 32;
			unsigned plen = (unsigned)(rng() % (width + 1));
			if (rng() % 4 == 0)
				vary_host_bits(&a, plen / 2, 0); /* a sibling rather than a nested prefix */
			vary_host_bits(&a, plen, 1);
			p[i].c.ip = a;
			p[i].c.prefix = (uint8_t)plen;
			p[i].value = rng() % 1000;
			assert_int_equal(ingest_prefix_add(t, &p[i].c, p[i].value), RCX_OK);
		}
		assert_int_equal(ingest_prefix_build(t), RCX_OK);
		for (size_t q = 0; q < 20000; q++) {
			struct rcx_ip a;
			if (n && q % 2 == 0) {
				/* near a stored prefix: inside, at its edges, or just outside */
				const struct ref_prefix *r = &p[rng() % n];
				a = r->c.ip;
				unsigned how = (unsigned)(rng() % 3);
				vary_host_bits(&a, r->c.prefix, how);
				if (rng() % 3 == 0) {
					unsigned nb = a.family == 6 ? 16 : 4;
					int carry = how == 2 ? 1 : -1; /* one past the end, or one before the start */
					for (unsigned i = nb; i-- > 0;) {
						unsigned v = a.addr[i] + (unsigned)carry;
						a.addr[i] = (uint8_t)v;
						if (carry > 0 ? v <= 0xff : (int)v >= 0)
							break;
					}
				}
			} else {
				random_addr(&a, rng() % 2 ? 6 : 4);
			}
			struct ingest_prefix_match want = {0, 0}, got = {0, 0};
			bool wf = ref_lookup(p, n, &a, &want);
			bool gf = ingest_prefix_lookup(t, &a, &got);
			if (wf != gf || (wf && (want.value != got.value || want.plen != got.plen))) {
				char buf[RCX_IP_BUF];
				rcx_ip_format(&a, buf);
				fail_msg("n=%zu %s: expected %d %llu/%u, got %d %llu/%u", n, buf, wf,
					 (unsigned long long)want.value, want.plen, gf, (unsigned long long)got.value,
					 got.plen);
			}
		}
		ingest_prefix_free(t);
		free(p);
	}
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Prints the lookup rate on a full-size table; timings are reported, never asserted. */
static void test_prefix_rate(void **state)
{
	(void)state;
	const size_t n4 = 1000000, n6 = 200000, nq = 1 << 20;
	rng_state = 7;
	struct ingest_prefix *t;
	assert_int_equal(ingest_prefix_new(n4 + n6, &t), RCX_OK);
	struct rcx_ip *q = malloc(nq * sizeof(*q));
	assert_non_null(q);
	for (size_t i = 0; i < n4 + n6; i++) {
		struct rcx_cidr c;
		unsigned r = (unsigned)(rng() % 100);
		if (i < n4) {
			random_addr(&c.ip, 4);
			c.prefix = (uint8_t)(r < 60 ? 24 : r < 90 ? 16 + rng() % 8 : 8 + rng() % 8);
		} else {
			random_addr(&c.ip, 6);
			c.ip.addr[0] = 0x20;
			c.ip.addr[1] = (uint8_t)(rng() % 16);
			c.prefix = (uint8_t)(r < 50 ? 48 : r < 80 ? 32 + rng() % 16 : 29 + rng() % 3);
		}
		assert_int_equal(ingest_prefix_add(t, &c, i), RCX_OK);
		if (i % ((n4 + n6) / nq + 1) == 0 || i < nq) {
			/* queries: half inside known prefixes, half anywhere */
			size_t k = i % nq;
			q[k] = c.ip;
			if (k % 2)
				random_addr(&q[k], 4);
		}
	}
	double t0 = now_seconds();
	assert_int_equal(ingest_prefix_build(t), RCX_OK);
	double t1 = now_seconds();
	uint64_t sum = 0;
	size_t hits = 0, total = 0;
	for (int pass = 0; pass < 4; pass++)
		for (size_t i = 0; i < nq; i++) {
			struct ingest_prefix_match m;
			if (ingest_prefix_lookup(t, &q[i], &m)) {
				sum += m.value;
				hits++;
			}
			total++;
		}
	double t2 = now_seconds();
	print_message("prefix table: %zu prefixes, %.1f MiB, built in %.2f s; %.1f M lookups/s "
		      "(%zu%% hits, sum %llu)\n",
		      ingest_prefix_count(t), (double)ingest_prefix_memory(t) / (1024.0 * 1024.0), t1 - t0,
		      (double)total / (t2 - t1) / 1e6, hits * 100 / total, (unsigned long long)sum);
	assert_true(hits > total / 2); /* half the queries are inside a prefix by construction */
	ingest_prefix_free(t);
	free(q);
}

/* ---- pfx2as and asnames ---- */

static void test_pfx2as_asnames(void **state)
{
	(void)state;
	const char *v4 = data_path("pfx2as-v4.txt"), *v6 = data_path("pfx2as-v6.txt");
	const char *names = data_path("asnames.txt");
	struct rcx_config *cfg = config("[enrich]\npfx2as = %s\npfx2as = %s\nasnames = %s\n", v4, v6, names);
	struct ingest_enrich *e = enrich_open_ok(cfg);
	struct rcx_arena arena = RCX_ARENA_INIT;
	struct event ev;

	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "192.0.2.77");
	set(&ev, EF_DESTINATION_IP, "2001:db8:1::9");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_ASN, "64500");
	assert_field(&ev, EF_SOURCE_NETWORK, "192.0.2.0/24");
	assert_field(&ev, EF_SOURCE_AS_NAME, "EXAMPLE-TELECOM Example Telecom d.o.o., RS");
	assert_field(&ev, EF_DESTINATION_ASN, "64510");
	assert_field(&ev, EF_DESTINATION_NETWORK, "2001:db8:1::/48");
	assert_field(&ev, EF_DESTINATION_AS_NAME, NULL); /* no name for 64510 */

	/* multi-origin takes the first AS; the nested /25 wins over the /24 */
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "198.51.100.200");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_ASN, "64501");
	assert_field(&ev, EF_SOURCE_NETWORK, "198.51.100.0/24");
	assert_field(&ev, EF_SOURCE_AS_NAME, "CROATIAN-EXAMPLE, HR");
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "198.51.100.1");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_ASN, "64503");
	assert_field(&ev, EF_SOURCE_NETWORK, "198.51.100.0/25");
	assert_field(&ev, EF_SOURCE_AS_NAME, "NESTED-NET");

	/* AS set takes the first; 4-byte AS; /0 catches the rest of IPv4 */
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "203.0.113.1");
	set(&ev, EF_DESTINATION_IP, "10.1.2.3");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_ASN, "64504");
	assert_field(&ev, EF_DESTINATION_ASN, "4200000000");
	assert_field(&ev, EF_DESTINATION_NETWORK, "10.1.0.0/16");
	assert_field(&ev, EF_DESTINATION_AS_NAME, "FOUR-BYTE-AS");
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "8.8.8.8");
	set(&ev, EF_DESTINATION_IP, "2001:db9::1");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_ASN, "64999");
	assert_field(&ev, EF_SOURCE_NETWORK, "0.0.0.0/0");
	assert_field(&ev, EF_DESTINATION_ASN, NULL);
	assert_field(&ev, EF_DESTINATION_NETWORK, NULL);

	/* asn → as_name without any address */
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_ASN, "AS64512");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_AS_NAME, "PRIVATE-ONE");

	ingest_enrich_close(e);
	rcx_config_free(cfg);
	rcx_arena_free(&arena);
}

static void test_pfx2as_gzip(void **state)
{
	(void)state;
	gzFile gz = gzopen(tmp_path("pfx2as.gz"), "wb");
	assert_non_null(gz);
	gzputs(gz, "192.0.2.0\t24\t64500\r\n2001:db8::\t32\t64502\n");
	gzclose(gz);
	struct rcx_config *cfg = config("[enrich]\npfx2as = %s\n", tmp_path("pfx2as.gz"));
	struct ingest_enrich *e = enrich_open_ok(cfg);
	struct rcx_arena arena = RCX_ARENA_INIT;
	struct event ev;
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "2001:db8::5");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_ASN, "64502");
	assert_field(&ev, EF_SOURCE_NETWORK, "2001:db8::/32");
	ingest_enrich_close(e);
	rcx_config_free(cfg);
	rcx_arena_free(&arena);
	unlink(tmp_path("pfx2as.gz"));
}

static void test_malformed_files(void **state)
{
	(void)state;
	static const struct {
		const char *key, *text, *where;
	} cases[] = {
		{"pfx2as", "192.0.2.0\t24\t64500\n# comment\n\n192.0.2.0\t24\n", ":4: "},
		{"pfx2as", "192.0.2.0\t24\t64500\n198.51.100.0\t33\t1\n", ":2: "},
		{"pfx2as", "192.0.2.1\t24\t64500\n", ":1: "},               /* host bits */
		{"pfx2as", "192.0.2.0\t24\t64500\t7\n", ":1: "},            /* extra field */
		{"pfx2as", "192.0.2.0\t24\tAS64500\n", ":1: "},             /* not a number */
		{"pfx2as", "192.0.2.0\t24\t64500_\n", ":1: "},              /* empty second origin */
		{"pfx2as", "192.0.2.0\t24\t4294967296\n", ":1: "},          /* AS too large */
		{"pfx2as", "x\n2001:db8::\t32\t1\n192.0.2.0\t24\t1\n", ":1: "},
		{"pfx2as", "2001:db8::\t32\t1\n2001:db8::\t129\t1\n", ":2: "},
		{"pfx2as", "192.0.2.0\t+24\t64500\n", ":1: "},
		{"asnames", "64500 A\nAS NAME\n", ":2: "},
		{"asnames", "64500 A\n64501\n", ":2: "},                    /* no name */
		{"asnames", "64500 A\n0 ZERO\n", ":2: "},                   /* AS 0 */
		{"asnames", "64500 A\n-5 NEG\n", ":2: "},
		{"asnames", "1 a\n2 b\n3 c\n99999999999 BIG\n", ":4: "},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(tmp_path("bad.txt"), cases[i].text);
		struct rcx_config *cfg = config("[enrich]\n%s = %s\n", cases[i].key, tmp_path("bad.txt"));
		char want[300];
		snprintf(want, sizeof(want), "%s%s", tmp_path("bad.txt"), cases[i].where);
		enrich_open_fails(cfg, want);
		rcx_config_free(cfg);
	}
	/* A NUL byte and an over-long line are refused too. */
	FILE *f = fopen(tmp_path("bad.txt"), "w");
	fwrite("1 a\n2 b\0c\n", 1, 10, f);
	fclose(f);
	struct rcx_config *cfg = config("[enrich]\nasnames = %s\n", tmp_path("bad.txt"));
	char want[300];
	snprintf(want, sizeof(want), "%s:2: ", tmp_path("bad.txt"));
	enrich_open_fails(cfg, want);
	rcx_config_free(cfg);
	f = fopen(tmp_path("bad.txt"), "w");
	fputs("1 a\n2 ", f);
	for (int i = 0; i < 100000; i++)
		fputc('x', f);
	fputs("\n3 c\n", f);
	fclose(f);
	cfg = config("[enrich]\nasnames = %s\n", tmp_path("bad.txt"));
	enrich_open_fails(cfg, want);
	rcx_config_free(cfg);
	unlink(tmp_path("bad.txt"));

	/* Missing files, files that are not MMDB, and configuration mistakes. */
	cfg = config("[enrich]\npfx2as = %s\n", tmp_path("missing.txt"));
	enrich_open_fails(cfg, "missing.txt");
	rcx_config_free(cfg);
	write_file(tmp_path("not.mmdb"), "this is not a MaxMind DB\n");
	cfg = config("[enrich]\nmmdb = %s\n", tmp_path("not.mmdb"));
	enrich_open_fails(cfg, "not.mmdb");
	rcx_config_free(cfg);
	unlink(tmp_path("not.mmdb"));
	cfg = config("[enrich]\n\npfx2asn = /x\n");
	enrich_open_fails(cfg, "line 3");
	rcx_config_free(cfg);
	cfg = config("[enrich]\ndomain_suffix = tld\n");
	enrich_open_fails(cfg, "line 2");
	rcx_config_free(cfg);
	cfg = config("[enrich]\npsl = %s\n", tmp_path("missing.dat"));
	enrich_open_fails(cfg, "missing.dat");
	rcx_config_free(cfg);
}

/* ---- MMDB ---- */

static bool have_mmdb_fixtures;

static bool make_mmdb(const char *spec, const char *out)
{
	const char *root = getenv("RCX_SOURCE_ROOT");
	if (!root || system("python3 -c 'import ipaddress, json, struct' >/dev/null 2>&1") != 0)
		return false;
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "python3 '%s/tests/tools/mmdb_write.py' '%s' '%s'", root, data_path(spec), out);
	return system(cmd) == 0;
}

static void test_mmdb(void **state)
{
	(void)state;
	if (!have_mmdb_fixtures)
		skip();
	struct rcx_config *cfg =
		config("[enrich]\nmmdb = %s\nmmdb = %s\n", tmp_path("city.mmdb"), tmp_path("asn.mmdb"));
	struct ingest_enrich *e = enrich_open_ok(cfg);
	struct rcx_arena arena = RCX_ARENA_INIT;
	struct event ev;

	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "192.0.2.10");
	set(&ev, EF_DESTINATION_IP, "2001:db8::7");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_GEOLOCATION_CC, "RS");
	assert_field(&ev, EF_SOURCE_GEOLOCATION_COUNTRY, "Serbia");
	assert_field(&ev, EF_SOURCE_GEOLOCATION_CITY, "Belgrade");
	assert_field(&ev, EF_SOURCE_GEOLOCATION_REGION, "Belgrade");
	assert_field(&ev, EF_SOURCE_GEOLOCATION_LATITUDE, "44.8046");
	assert_field(&ev, EF_SOURCE_GEOLOCATION_LONGITUDE, "20.4637");
	assert_field(&ev, EF_SOURCE_ASN, "64500");
	assert_field(&ev, EF_SOURCE_AS_NAME, "Example Telecom");
	assert_field(&ev, EF_SOURCE_NETWORK, NULL); /* only pfx2as gives the routed prefix */
	assert_field(&ev, EF_DESTINATION_GEOLOCATION_CC, "ME");
	assert_field(&ev, EF_DESTINATION_GEOLOCATION_COUNTRY, "Montenegro");
	assert_field(&ev, EF_DESTINATION_GEOLOCATION_LATITUDE, "42.4411");
	assert_field(&ev, EF_DESTINATION_GEOLOCATION_CITY, NULL);
	assert_field(&ev, EF_DESTINATION_ASN, "64502");
	assert_field(&ev, EF_DESTINATION_AS_NAME, "Montenegro Example");

	/* nested networks, v4 and v6 */
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "198.51.100.130");
	set(&ev, EF_DESTINATION_IP, "2001:db8:1::1");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_GEOLOCATION_CC, "BA");
	assert_field(&ev, EF_SOURCE_GEOLOCATION_COUNTRY, "Bosnia and Herzegovina");
	assert_field(&ev, EF_SOURCE_ASN, "64501");
	assert_field(&ev, EF_DESTINATION_GEOLOCATION_CC, "MK");
	assert_field(&ev, EF_DESTINATION_GEOLOCATION_LATITUDE, NULL);
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "198.51.100.127");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_GEOLOCATION_CC, "HR");

	/* only registered_country: no cc; 4-byte AS from the ASN database; unknown addresses */
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "203.0.113.9");
	set(&ev, EF_DESTINATION_IP, "8.8.8.8");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_GEOLOCATION_CC, NULL);
	assert_field(&ev, EF_SOURCE_ASN, "4200000000");
	assert_field(&ev, EF_SOURCE_AS_NAME, "Four Byte AS");
	assert_field(&ev, EF_DESTINATION_GEOLOCATION_CC, NULL);
	assert_field(&ev, EF_DESTINATION_ASN, NULL);

	/* The feed's values stand, and no field contradicting them is added. */
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "192.0.2.10");
	set(&ev, EF_SOURCE_GEOLOCATION_CC, "HR");
	set(&ev, EF_SOURCE_ASN, "65000");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_GEOLOCATION_CC, "HR");
	assert_field(&ev, EF_SOURCE_GEOLOCATION_CITY, NULL);
	assert_field(&ev, EF_SOURCE_GEOLOCATION_COUNTRY, NULL);
	assert_field(&ev, EF_SOURCE_GEOLOCATION_LATITUDE, NULL);
	assert_field(&ev, EF_SOURCE_ASN, "65000");
	assert_field(&ev, EF_SOURCE_AS_NAME, NULL);
	ingest_enrich_close(e);
	rcx_config_free(cfg);

	/* pfx2as first: its AS wins, and the MMDB name of another AS is not taken. */
	cfg = config("[enrich]\npfx2as = %s\nmmdb = %s\n", data_path("pfx2as-v4.txt"), tmp_path("asn.mmdb"));
	e = enrich_open_ok(cfg);
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "198.51.100.1");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_ASN, "64503");
	assert_field(&ev, EF_SOURCE_AS_NAME, NULL);
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "192.0.2.1");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_ASN, "64500");
	assert_field(&ev, EF_SOURCE_AS_NAME, "Example Telecom");
	ingest_enrich_close(e);
	rcx_config_free(cfg);

	/* An IPv4-only database is not asked about IPv6 addresses. */
	cfg = config("[enrich]\nmmdb = %s\n", tmp_path("v4.mmdb"));
	e = enrich_open_ok(cfg);
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "192.0.2.1");
	set(&ev, EF_DESTINATION_IP, "2001:db8::1");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_GEOLOCATION_CC, "AL");
	assert_field(&ev, EF_SOURCE_ASN, "64496");
	assert_field(&ev, EF_DESTINATION_GEOLOCATION_CC, NULL);
	ingest_enrich_close(e);
	rcx_config_free(cfg);
	rcx_arena_free(&arena);
}

/* ---- PSL and URLs ---- */

static void test_psl(void **state)
{
	(void)state;
	struct rcx_arena arena = RCX_ARENA_INIT;
	struct event ev;
	/* The system's (or libpsl's built-in) list */
	struct rcx_config *cfg = rcx_config_empty();
	struct ingest_enrich *e = enrich_open_ok(cfg);
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_FQDN, "www.example.co.uk");
	set(&ev, EF_DESTINATION_FQDN, "a.b.example.rs");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_DOMAIN_SUFFIX, "example.co.uk");
	assert_field(&ev, EF_DESTINATION_DOMAIN_SUFFIX, "example.rs");
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_FQDN, "co.uk"); /* a public suffix has no registrable domain */
	set(&ev, EF_DESTINATION_FQDN, "www.xn--mnchen-3ya.de");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_DOMAIN_SUFFIX, NULL);
	assert_field(&ev, EF_DESTINATION_DOMAIN_SUFFIX, "xn--mnchen-3ya.de");
	ingest_enrich_close(e);
	ingest_enrich_close(NULL);
	rcx_config_free(cfg);

	/* A configured list, in both modes */
	cfg = config("[enrich]\npsl = %s\n", data_path("psl.dat"));
	e = enrich_open_ok(cfg);
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_FQDN, "x.y.example.mm");
	set(&ev, EF_DESTINATION_FQDN, "evil.blogspot.com");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_DOMAIN_SUFFIX, "y.example.mm");
	assert_field(&ev, EF_DESTINATION_DOMAIN_SUFFIX, "evil.blogspot.com");
	ingest_enrich_close(e);
	rcx_config_free(cfg);
	cfg = config("[enrich]\npsl = %s\ndomain_suffix = public\n", data_path("psl.dat"));
	e = enrich_open_ok(cfg);
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_FQDN, "www.example.co.uk");
	set(&ev, EF_DESTINATION_FQDN, "x.y.example.mm");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_DOMAIN_SUFFIX, "co.uk");
	assert_field(&ev, EF_DESTINATION_DOMAIN_SUFFIX, "example.mm");
	ingest_enrich_close(e);
	rcx_config_free(cfg);
	rcx_arena_free(&arena);
}

static void test_url_host(void **state)
{
	(void)state;
	static const struct {
		const char *url, *host;
	} cases[] = {
		{"http://example.com/", "example.com"},
		{"https://user:pw@www.example.rs:8443/p?q#f", "www.example.rs"},
		{"http://[2001:db8::1]:8080/x", "2001:db8::1"},
		{"http://192.0.2.1?x=a@b", "192.0.2.1"},
		{"ftp://a.b#frag@c", "a.b"},
		{"http:///path", NULL},
		{"http://:80/", NULL},
		{"mailto:x@y", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *h = NULL;
		size_t n = 0;
		bool ok = ingest_url_host(cases[i].url, &h, &n);
		if (!cases[i].host) {
			assert_false(ok);
			continue;
		}
		assert_true(ok);
		assert_int_equal(n, strlen(cases[i].host));
		assert_memory_equal(h, cases[i].host, n);
	}

	struct rcx_config *cfg = rcx_config_empty();
	struct ingest_enrich *e = enrich_open_ok(cfg);
	struct rcx_arena arena = RCX_ARENA_INIT;
	struct event ev;
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_URL, "hxxp://User@WWW.Example.CO.UK:8080/a/b");
	set(&ev, EF_DESTINATION_URL, "https://192.0.2.5/login");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_FQDN, "www.example.co.uk");
	assert_field(&ev, EF_SOURCE_DOMAIN_SUFFIX, "example.co.uk");
	assert_field(&ev, EF_SOURCE_IP, NULL);
	assert_field(&ev, EF_DESTINATION_IP, "192.0.2.5");
	assert_field(&ev, EF_DESTINATION_FQDN, NULL);
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_URL, "http://[2001:DB8:0::1]/");
	set(&ev, EF_DESTINATION_URL, "http://b\xc3\xbc" "cher.example.rs/");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_IP, "2001:db8::1");
	assert_field(&ev, EF_DESTINATION_FQDN, "xn--bcher-kva.example.rs");
	assert_field(&ev, EF_DESTINATION_DOMAIN_SUFFIX, "example.rs");
	ingest_enrich_close(e);
	rcx_config_free(cfg);
	rcx_arena_free(&arena);
}

/* Every step with data for it, and an event that already has every field: nothing changes. */
static void test_never_overwrites(void **state)
{
	(void)state;
	struct rcx_config *cfg = have_mmdb_fixtures
		? config("[enrich]\npfx2as = %s\nasnames = %s\nmmdb = %s\nmmdb = %s\n", data_path("pfx2as-v4.txt"),
			 data_path("asnames.txt"), tmp_path("city.mmdb"), tmp_path("asn.mmdb"))
		: config("[enrich]\npfx2as = %s\nasnames = %s\n", data_path("pfx2as-v4.txt"), data_path("asnames.txt"));
	struct ingest_enrich *e = enrich_open_ok(cfg);
	struct rcx_arena arena = RCX_ARENA_INIT;
	struct event ev;
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_URL, "http://192.0.2.99/x");
	set(&ev, EF_SOURCE_IP, "192.0.2.10");
	set(&ev, EF_SOURCE_FQDN, "feed.example.org");
	set(&ev, EF_SOURCE_DOMAIN_SUFFIX, "feed-said.example");
	set(&ev, EF_SOURCE_ASN, "65001");
	set(&ev, EF_SOURCE_AS_NAME, "FEED NAME");
	set(&ev, EF_SOURCE_NETWORK, "192.0.0.0/16");
	set(&ev, EF_SOURCE_GEOLOCATION_CC, "RS");
	set(&ev, EF_SOURCE_GEOLOCATION_COUNTRY, "Republic of Serbia");
	set(&ev, EF_SOURCE_GEOLOCATION_CITY, "Novi Sad");
	set(&ev, EF_SOURCE_GEOLOCATION_REGION, "Vojvodina");
	set(&ev, EF_SOURCE_GEOLOCATION_LATITUDE, "45.25");
	set(&ev, EF_SOURCE_GEOLOCATION_LONGITUDE, "19.83");
	struct event before = ev;
	ingest_enrich_event(e, &ev);
	for (int f = 0; f < EF_MAX; f++)
		if (before.f[f] != ev.f[f])
			fail_msg("%s changed from \"%s\" to \"%s\"", event_fields[f].name,
				 before.f[f] ? before.f[f] : "", ev.f[f] ? ev.f[f] : "");
	/* Partial: the feed's AS stays, only the missing network and name come from the files. */
	event_init(&ev, &arena);
	set(&ev, EF_SOURCE_IP, "192.0.2.10");
	set(&ev, EF_SOURCE_ASN, "64512");
	ingest_enrich_event(e, &ev);
	assert_field(&ev, EF_SOURCE_ASN, "64512");
	assert_field(&ev, EF_SOURCE_NETWORK, "192.0.2.0/24");
	assert_field(&ev, EF_SOURCE_AS_NAME, "PRIVATE-ONE");
	ingest_enrich_close(e);
	rcx_config_free(cfg);
	rcx_arena_free(&arena);
}

/* ---- routing ---- */

static const char *route(const struct ingest_routes *r, struct rcx_arena *arena, const char *const *kv)
{
	struct event ev;
	event_init(&ev, arena);
	for (size_t i = 0; kv[i]; i += 2) {
		enum event_field f = event_field_lookup(kv[i], strlen(kv[i]));
		assert_int_not_equal(f, EF_MAX);
		set(&ev, f, kv[i + 1]);
	}
	return ingest_route_event(r, &ev);
}

static void assert_route(const struct ingest_routes *r, struct rcx_arena *arena, const char *want,
			 const char *const *kv)
{
	const char *got = route(r, arena, kv);
	if (!want ? got != NULL : (!got || strcmp(got, want)))
		fail_msg("%s=%s...: expected %s, got %s", kv[0], kv[1], want ? want : "(none)", got ? got : "(none)");
}

#define KV(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_route(void **state)
{
	(void)state;
	struct rcx_config *cfg = config("[routing]\n"
					"cc RS = SRB-CERT\n"
					"CC hr = CERT.hr\n"
					"asn 64512 = Telekom Srbija\n"
					"asn AS64500 = Example Telecom\n"
					"cidr 192.0.2.0/24 = Example Bank\n"
					"cidr 192.0.2.128/25 = Bank Branch\n"
					"cidr 2001:db8::/32 = V6 Org\n"
					"cidr 203.0.113.7 = One Host\n"
					"domain example.rs = Example Bank\n"
					"domain shop.example.rs = Example Shop\n"
					"domain .gov.rs = Government\n"
					"domain b\xc3\xbc" "cher.example = Books\n"
					"domain trail.example.\xef\xbb\xbf = Trailing\n" /* IDN mapping drops U+FEFF */
					"cc RS = SRB-CERT\n" /* repeated with the same organisation: fine */
					"[enrich]\nasn 1 = not a routing rule\n");
	struct ingest_routes *r = NULL;
	char *err = NULL;
	assert_int_equal(ingest_route_load(cfg, &r, &err), RCX_OK);
	assert_null(err);
	rcx_config_free(cfg); /* rules outlive the configuration */
	struct rcx_arena arena = RCX_ARENA_INIT;

	/* each kind alone */
	assert_route(r, &arena, "SRB-CERT", KV("source.geolocation.cc", "RS"));
	assert_route(r, &arena, "CERT.hr", KV("source.geolocation.cc", "hr"));
	assert_route(r, &arena, NULL, KV("source.geolocation.cc", "BA"));
	assert_route(r, &arena, "Telekom Srbija", KV("source.asn", "64512"));
	assert_route(r, &arena, "Example Telecom", KV("source.asn", "64500"));
	assert_route(r, &arena, NULL, KV("source.asn", "64513"));
	assert_route(r, &arena, "Example Bank", KV("source.ip", "192.0.2.1"));
	assert_route(r, &arena, "Bank Branch", KV("source.ip", "192.0.2.200"));
	assert_route(r, &arena, "V6 Org", KV("source.ip", "2001:db8:5::1"));
	assert_route(r, &arena, "One Host", KV("source.ip", "203.0.113.7"));
	assert_route(r, &arena, NULL, KV("source.ip", "203.0.113.8"));
	assert_route(r, &arena, "Example Bank", KV("source.fqdn", "example.rs"));
	assert_route(r, &arena, "Example Bank", KV("source.fqdn", "a.example.rs"));
	assert_route(r, &arena, "Example Shop", KV("source.fqdn", "shop.example.rs"));
	assert_route(r, &arena, "Example Shop", KV("source.fqdn", "www.shop.example.rs"));
	assert_route(r, &arena, "Example Bank", KV("source.fqdn", "myshop.example.rs"));
	assert_route(r, &arena, NULL, KV("source.fqdn", "badexample.rs"));
	assert_route(r, &arena, NULL, KV("source.fqdn", "example.rs.evil.com"));
	assert_route(r, &arena, "Government", KV("source.fqdn", "mup.gov.rs"));
	assert_route(r, &arena, "Books", KV("source.fqdn", "www.xn--bcher-kva.example"));
	assert_route(r, &arena, "Trailing", KV("source.fqdn", "a.trail.example"));
	assert_route(r, &arena, "Example Shop", KV("source.url", "https://x.shop.example.rs/login"));
	assert_route(r, &arena, "Example Bank", KV("destination.fqdn", "mail.example.rs"));

	/* precedence: cidr > asn > domain > cc */
	assert_route(r, &arena, "Bank Branch",
		     KV("source.ip", "192.0.2.130", "source.asn", "64512", "source.fqdn", "shop.example.rs",
			"source.geolocation.cc", "HR"));
	assert_route(r, &arena, "Telekom Srbija",
		     KV("source.ip", "198.51.100.1", "source.asn", "64512", "source.fqdn", "shop.example.rs",
			"source.geolocation.cc", "HR"));
	assert_route(r, &arena, "Example Shop",
		     KV("source.ip", "198.51.100.1", "source.asn", "64999", "source.fqdn", "shop.example.rs",
			"source.geolocation.cc", "HR"));
	assert_route(r, &arena, "CERT.hr",
		     KV("source.ip", "198.51.100.1", "source.asn", "64999", "source.fqdn", "other.example",
			"source.geolocation.cc", "HR"));
	/* the domain: source.fqdn first, then the source URL's host, then destination.fqdn */
	assert_route(r, &arena, "Example Shop",
		     KV("source.fqdn", "shop.example.rs", "source.url", "http://mup.gov.rs/", "destination.fqdn",
			"example.rs"));
	assert_route(r, &arena, "Government",
		     KV("source.fqdn", "unrouted.example", "source.url", "http://mup.gov.rs/", "destination.fqdn",
			"example.rs"));
	assert_route(r, &arena, "Example Bank",
		     KV("source.fqdn", "unrouted.example", "destination.fqdn", "example.rs"));
	assert_route(r, &arena, NULL, KV("source.url", "http://192.0.2.1.example/"));

	/* the source side first; the destination's address, AS and country when there is no source address */
	assert_route(r, &arena, "Example Bank", KV("source.ip", "192.0.2.1", "destination.ip", "2001:db8::1"));
	assert_route(r, &arena, "V6 Org", KV("destination.ip", "2001:db8::1", "source.asn", "64512"));
	assert_route(r, &arena, "Telekom Srbija", KV("destination.ip", "198.51.100.1", "destination.asn", "64512"));
	assert_route(r, &arena, "SRB-CERT", KV("destination.ip", "198.51.100.1", "destination.geolocation.cc", "RS"));
	assert_route(r, &arena, NULL,
		     KV("source.ip", "198.51.100.1", "destination.ip", "192.0.2.1", "destination.asn", "64512"));
	assert_route(r, &arena, "Telekom Srbija", KV("source.asn", "64512", "destination.asn", "64500"));
	assert_route(r, &arena, NULL, KV("comment", "nothing to route by"));
	ingest_route_free(r);

	/* no [routing] section */
	cfg = rcx_config_empty();
	assert_int_equal(ingest_route_load(cfg, &r, NULL), RCX_OK);
	assert_route(r, &arena, NULL, KV("source.ip", "192.0.2.1", "source.geolocation.cc", "RS"));
	ingest_route_free(r);
	ingest_route_free(NULL);
	rcx_config_free(cfg);
	rcx_arena_free(&arena);
}

static void test_route_errors(void **state)
{
	(void)state;
	static const struct {
		const char *rule, *want;
	} cases[] = {
		{"country RS = X", "line 3"},
		{"cc SRB = X", "line 3"},
		{"cc R1 = X", "line 3"},
		{"cc = X", "line 3"},
		{"asn 0 = X", "line 3"},
		{"asn 4294967296 = X", "line 3"},
		{"asn 12x = X", "line 3"},
		{"asn -5 = X", "line 3"},
		{"cidr 192.0.2.1/24 = X", "line 3"},
		{"cidr 192.0.2.0/33 = X", "line 3"},
		{"cidr example.rs = X", "line 3"},
		{"domain 192.0.2.1 = X", "line 3"},
		{"domain *.example.rs = X", "line 3"},
		{"domain exa mple.rs = X", "line 3"},
		{"domain bad..name = X", "line 3"},
		{"cc RS =", "line 3"},
		{"cc rs = Other", "already routed to \"SRB-CERT\" on line 2"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rcx_config *cfg = config("[routing]\ncc RS = SRB-CERT\n%s\n", cases[i].rule);
		struct ingest_routes *r = (struct ingest_routes *)&cfg, *before = r; /* must stay untouched */
		char *err = NULL;
		assert_int_not_equal(ingest_route_load(cfg, &r, &err), RCX_OK);
		assert_ptr_equal(r, before);
		assert_non_null(err);
		if (!strstr(err, cases[i].want))
			fail_msg("rule \"%s\": error \"%s\" does not mention \"%s\"", cases[i].rule, err,
				 cases[i].want);
		free(err);
		rcx_config_free(cfg);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rcx-enrich-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	have_mmdb_fixtures = make_mmdb("city.json", tmp_path("city.mmdb")) &&
			     make_mmdb("asn.json", tmp_path("asn.mmdb")) && make_mmdb("v4.json", tmp_path("v4.mmdb"));
	if (!have_mmdb_fixtures)
		print_message("python3 or RCX_SOURCE_ROOT missing: MMDB tests skipped\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(tmp_path("city.mmdb"));
	unlink(tmp_path("asn.mmdb"));
	unlink(tmp_path("v4.mmdb"));
	rmdir(tmpdir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_basic),
		cmocka_unit_test(test_prefix_random),
		cmocka_unit_test(test_prefix_rate),
		cmocka_unit_test(test_pfx2as_asnames),
		cmocka_unit_test(test_pfx2as_gzip),
		cmocka_unit_test(test_malformed_files),
		cmocka_unit_test(test_mmdb),
		cmocka_unit_test(test_psl),
		cmocka_unit_test(test_url_host),
		cmocka_unit_test(test_never_overwrites),
		cmocka_unit_test(test_route),
		cmocka_unit_test(test_route_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
