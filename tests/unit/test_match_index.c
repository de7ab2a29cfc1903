/* Unit tests of the matcher's normalisation and indicator index: fixed normalisation cases, a
 * randomised differential test of the index against a slow reference matcher written here, and
 * truncated or corrupted index files (run under ASan in the sanitizer build). The random tests print
 * their seed; RCX_TEST_SEED=<n> reproduces a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/ip.h"
#include "match/match_index.h"
#include "match/match_norm.h"

/* ---- normalisation ---- */

struct norm_case {
	enum match_kind kind;
	const char *in, *want; /* want NULL: refused */
};

static const struct norm_case NORM_CASES[] = {
	{MATCH_DOMAIN, "bücher.example", "xn--bcher-kva.example"},
	{MATCH_DOMAIN, "BÜCHER.Example.", "xn--bcher-kva.example"},
	{MATCH_DOMAIN, "Evil.EXAMPLE.", "evil.example"},
	{MATCH_DOMAIN, " evil.example ", "evil.example"},
	{MATCH_DOMAIN, "_dmarc.example", "_dmarc.example"},
	{MATCH_DOMAIN, "evil.example..", NULL},
	{MATCH_DOMAIN, ".evil.example", NULL},
	{MATCH_DOMAIN, "evil[.]example", NULL},
	{MATCH_DOMAIN, "a b.example", NULL},
	{MATCH_DOMAIN, "", NULL},
	{MATCH_DOMAIN, ".", NULL},
	{MATCH_DOMAIN, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", NULL}, /* 64 */
	{MATCH_URL, "HTTP://Example.COM:80/a/./b/../c?x=1#frag", "http://example.com/a/c?x=1"},
	{MATCH_URL, "https://example.com:443", "https://example.com/"},
	{MATCH_URL, "https://example.com:8443/", "https://example.com:8443/"},
	{MATCH_URL, "ftp://example.com:21/x", "ftp://example.com/x"},
	{MATCH_URL, "http://example.com:/x", "http://example.com/x"},
	{MATCH_URL, "http://example.com:0080/x", "http://example.com/x"},
	{MATCH_URL, "http://example.com/%7euser/%2fa%2Fb/%41", "http://example.com/~user/%2Fa%2Fb/A"},
	{MATCH_URL, "http://example.com/a%zz/%", "http://example.com/a%25zz/%25"},
	{MATCH_URL, "http://bücher.example./pfad/ä", "http://xn--bcher-kva.example/pfad/%C3%A4"},
	{MATCH_URL, "http://example.com/../../a/..", "http://example.com/"},
	{MATCH_URL, "http://example.com/a/%2E%2E/b", "http://example.com/b"},
	{MATCH_URL, "http://example.com?q=A%2b", "http://example.com/?q=A%2B"},
	{MATCH_URL, "http://User:Pw@Example.com/", "http://User:Pw@example.com/"},
	{MATCH_URL, "http://[2001:DB8::0001]:80/", "http://[2001:db8::1]/"},
	{MATCH_URL, "http://192.0.2.1:8080/x", "http://192.0.2.1:8080/x"},
	{MATCH_URL, "http://example.com:99999/", NULL},
	{MATCH_URL, "example.com/x", NULL},
	{MATCH_URL, "http://exa mple.com/", NULL},
	{MATCH_MD5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"},
	{MATCH_MD5, "d41d8cd98f00b204e9800998ecf8427", NULL},
	{MATCH_SHA1, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
	{MATCH_SHA256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B85X", NULL},
	{MATCH_EMAIL, "John.Doe@Bücher.Example", "john.doe@xn--bcher-kva.example"},
	{MATCH_EMAIL, "@example.com", NULL},
	{MATCH_EMAIL, "a@", NULL},
	{MATCH_IP, "::ffff:192.0.2.1", "192.0.2.1"},
	{MATCH_IP, "2001:DB8:0:0::1", "2001:db8::1"},
	{MATCH_IP, "192.0.2.256", NULL},
	{MATCH_CIDR, "192.0.2.77/24", "192.0.2.0/24"},
	{MATCH_CIDR, "::ffff:10.0.0.0/104", "10.0.0.0/8"},
	{MATCH_CIDR, "::/0", "::/0"},
	{MATCH_CIDR, "192.0.2.1", "192.0.2.1/32"},
};

static void test_norm(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof NORM_CASES / sizeof NORM_CASES[0]; i++) {
		const struct norm_case *c = &NORM_CASES[i];
		char out[MATCH_NORM_BUF], again[MATCH_NORM_BUF];
		size_t n = 12345, n2;
		enum rcx_result r = match_norm(c->kind, c->in, strlen(c->in), out, sizeof out, &n);
		if (!c->want) {
			if (r == RCX_OK)
				fail_msg("%s \"%s\" accepted as \"%s\"", match_kind_name(c->kind), c->in, out);
			assert_int_equal(n, 12345);
			continue;
		}
		if (r != RCX_OK)
			fail_msg("%s \"%s\" refused", match_kind_name(c->kind), c->in);
		assert_string_equal(out, c->want);
		assert_int_equal(n, strlen(c->want));
		assert_int_equal(match_norm(c->kind, out, n, again, sizeof again, &n2), RCX_OK);
		assert_string_equal(again, out);
	}
	char small[4];
	size_t n;
	assert_int_equal(match_norm(MATCH_DOMAIN, "example.com", 11, small, sizeof small, &n), RCX_ELIMIT);
}

static void test_detect(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		enum match_kind k;
	} cases[] = {
		{"192.0.2.1", MATCH_IP},
		{"2001:db8::1", MATCH_IP},
		{"192.0.2.0/24", MATCH_CIDR},
		{"d41d8cd98f00b204e9800998ecf8427e", MATCH_MD5},
		{"da39a3ee5e6b4b0d3255bfef95601890afd80709", MATCH_SHA1},
		{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", MATCH_SHA256},
		{"http://evil.example/x", MATCH_URL},
		{"bad@evil.example", MATCH_EMAIL},
		{"Bücher.example", MATCH_DOMAIN},
		{"not a thing", MATCH_KIND_MAX},
		{"", MATCH_KIND_MAX},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(match_kind_detect(cases[i].s, strlen(cases[i].s)), cases[i].k);
	for (unsigned k = 0; k < MATCH_KIND_MAX; k++) {
		const char *name = match_kind_name((enum match_kind)k);
		assert_int_equal(match_kind_from_name(name, strlen(name)), k);
	}
	assert_null(match_kind_name(MATCH_KIND_MAX));
}

/* ---- collecting hits ---- */

struct hits {
	uint32_t ids[4096];
	size_t n;
};

static void hit(void *ctx, uint32_t id)
{
	struct hits *h = ctx;
	assert_true(h->n < sizeof h->ids / sizeof h->ids[0]);
	h->ids[h->n++] = id;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static char *tmp_path(const char *name)
{
	static char buf[4][256];
	static int k;
	const char *dir = getenv("TMPDIR");
	char *p = buf[k++ % 4];
	snprintf(p, 256, "%s/rcx-test-match-%ld-%s", dir ? dir : "/tmp", (long)getpid(), name);
	return p;
}

static void test_basic(void **state)
{
	(void)state;
	struct match_builder *b;
	assert_int_equal(match_builder_new(&b), RCX_OK);
	static const char *const ind[] = {
		"192.0.2.0/24", "192.0.2.1", "192.0.0.0/16", "evil.example", "EVIL.example.", "http://x.example/a",
		"::ffff:192.0.2.1", "192.0.2.1/32", "2001:db8::/32", "::/0", "d41d8cd98f00b204e9800998ecf8427e",
	};
	uint32_t id;
	for (size_t i = 0; i < sizeof ind / sizeof ind[0]; i++) {
		assert_int_equal(match_builder_add(b, ind[i], strlen(ind[i]), MATCH_KIND_MAX, &id), RCX_OK);
		assert_int_equal(id, i);
	}
	assert_int_equal(match_builder_add(b, "no such thing", 13, MATCH_KIND_MAX, &id), RCX_EPARSE);
	assert_int_equal(match_builder_add(b, "evil.example", 12, MATCH_MD5, &id), RCX_EPARSE);
	assert_int_equal(match_builder_count(b), 11);
	const char *path = tmp_path("basic");
	assert_int_equal(match_builder_write(b, path), RCX_OK);
	char tmp[300];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	assert_int_not_equal(access(tmp, F_OK), 0);
	struct match_index *idx;
	assert_int_equal(match_index_open(path, &idx), RCX_OK);
	assert_int_equal(match_index_count(idx), 11);

	struct hits h = {.n = 0};
	struct rcx_ip ip;
	assert_int_equal(rcx_ip_parse("192.0.2.1", 9, &ip), RCX_OK);
	assert_int_equal(match_index_ip(idx, &ip, hit, &h), RCX_OK);
	qsort(h.ids, h.n, sizeof h.ids[0], u32_cmp);
	static const uint32_t want_ip[] = {0, 1, 2, 6, 7};
	assert_int_equal(h.n, 5);
	assert_memory_equal(h.ids, want_ip, sizeof want_ip);

	h.n = 0;
	assert_int_equal(rcx_ip_parse("2001:db8::5", 11, &ip), RCX_OK);
	assert_int_equal(match_index_ip(idx, &ip, hit, &h), RCX_OK);
	qsort(h.ids, h.n, sizeof h.ids[0], u32_cmp);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.ids[0], 8);
	assert_int_equal(h.ids[1], 9);

	h.n = 0;
	assert_int_equal(match_index_domain(idx, "A.b.Evil.Example.", 17, hit, &h), RCX_OK);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.ids[0], 3);
	assert_int_equal(h.ids[1], 4);
	h.n = 0;
	assert_int_equal(match_index_domain(idx, "notevil.example", 15, hit, &h), RCX_OK);
	assert_int_equal(h.n, 0);
	assert_int_equal(match_index_exact(idx, MATCH_URL, "HTTP://X.example:80/b/../a#f", 28, hit, &h), RCX_OK);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.ids[0], 5);
	assert_int_equal(match_index_exact(idx, MATCH_IP, "192.0.2.1", 9, hit, &h), RCX_EINVAL);

	enum match_kind k;
	const char *text;
	size_t len;
	assert_int_equal(match_index_indicator(idx, 6, &k, &text, &len), RCX_OK);
	assert_int_equal(k, MATCH_IP);
	assert_string_equal(text, "192.0.2.1");
	assert_int_equal(match_index_indicator(idx, 4, &k, &text, &len), RCX_OK);
	assert_string_equal(text, "evil.example");
	assert_int_equal(match_index_indicator(idx, 11, &k, &text, &len), RCX_ENOTFOUND);
	match_index_close(idx);
	unlink(path);

	/* an empty index is valid */
	struct match_builder *e;
	uint8_t *data;
	size_t dlen;
	assert_int_equal(match_builder_new(&e), RCX_OK);
	assert_int_equal(match_builder_write_mem(e, &data, &dlen), RCX_OK);
	assert_int_equal(match_index_open_mem(data, dlen, &idx), RCX_OK);
	assert_int_equal(match_index_count(idx), 0);
	h.n = 0;
	assert_int_equal(match_index_ip(idx, &ip, hit, &h), RCX_OK);
	assert_int_equal(match_index_domain(idx, "x.example", 9, hit, &h), RCX_OK);
	assert_int_equal(h.n, 0);
	match_index_close(idx);
	free(data);
	match_builder_free(e);
	match_builder_free(b);
}

/* ---- differential test ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned rn(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static void random_case(char *s)
{
	for (; *s; s++)
		if (rn(3) == 0 && *s >= 'a' && *s <= 'z')
			*s = (char)(*s - 32);
}

/* Addresses from a small space so that indicators and observables meet. */
static void gen_v4(char *out, size_t cap)
{
	snprintf(out, cap, "%u.%u.%u.%u", rn(2) ? 10 : 192, rn(3), rn(4), rn(3) ? rn(8) : 255);
}

static void gen_v6(char *out, size_t cap)
{
	switch (rn(8)) {
	case 0:
		snprintf(out, cap, "::");
		break;
	case 1:
		snprintf(out, cap, "::1");
		break;
	case 2:
		snprintf(out, cap, "::ffff:%u.%u.%u.%u", rn(2) ? 10 : 192, rn(3), rn(4), rn(8));
		break;
	case 3:
		snprintf(out, cap, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:%x", 0xfffc + rn(4));
		break;
	default:
		snprintf(out, cap, "2001:db8:%x::%x", rn(3), rn(6));
	}
}

static void gen_ip(char *out, size_t cap)
{
	if (rn(2))
		gen_v4(out, cap);
	else
		gen_v6(out, cap);
}

static void gen_cidr(char *out, size_t cap)
{
	char a[80];
	gen_ip(a, sizeof a);
	bool v6 = strchr(a, ':') != NULL;
	static const unsigned p6[] = {0, 1, 16, 32, 35, 48, 64, 96, 100, 104, 120, 126, 127, 128};
	static const unsigned p4[] = {0, 1, 8, 16, 22, 24, 28, 30, 31, 32};
	unsigned p = v6 ? p6[rn(sizeof p6 / sizeof p6[0])] : p4[rn(sizeof p4 / sizeof p4[0])];
	snprintf(out, cap, "%s/%u", a, p);
}

static const char *const LABELS[] = {"a", "b", "evil", "notevil", "ex", "bücher", "xn--bcher-kva", "_x", "sub-1"};
static const char *const TLDS[] = {"example", "test", "bücher"};

static void gen_domain(char *out, size_t cap)
{
	size_t n = 0;
	unsigned labels = rn(4);
	out[0] = '\0';
	for (unsigned i = 0; i < labels; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s.", LABELS[rn(sizeof LABELS / sizeof LABELS[0])]);
	n += (size_t)snprintf(out + n, cap - n, "%s", TLDS[rn(sizeof TLDS / sizeof TLDS[0])]);
	random_case(out); /* ASCII only: non-ASCII letters stay lowercase */
	if (rn(4) == 0)
		snprintf(out + n, cap - n, ".");
}

static void gen_url(char *out, size_t cap)
{
	static const char *const schemes[] = {"http", "https", "ftp", "HTTP"};
	static const char *const ports[] = {"", ":80", ":443", ":21", ":8080", ":"};
	static const char *const paths[] = {"", "/", "/a", "/a/./b/../", "/a/", "/%61", "/A", "/x?y=%2f", "/x?y=%2F#f",
					    "/x#frag", "/b/..", "/%7E"};
	char host[300];
	gen_domain(host, sizeof host);
	snprintf(out, cap, "%s://%s%s%s", schemes[rn(4)], host, ports[rn(6)], paths[rn(12)]);
}

static void gen_hash(char *out, size_t cap, enum match_kind k)
{
	size_t n = k == MATCH_MD5 ? 32 : k == MATCH_SHA1 ? 40 : 64;
	const char *hex = "0123456789abcdefABCDEF";
	unsigned v = rn(4); /* few distinct values, random case */
	for (size_t i = 0; i < n && i + 1 < cap; i++)
		out[i] = (i % 7 == 0) ? "0123"[v] : hex[rn(2) ? 10 : 16];
	out[n] = '\0';
}

static void gen_email(char *out, size_t cap)
{
	char dom[300];
	gen_domain(dom, sizeof dom);
	snprintf(out, cap, "%s@%s", rn(2) ? "User" : "abuse", dom);
}

static enum match_kind gen(char *out, size_t cap)
{
	enum match_kind k = (enum match_kind)rn(MATCH_KIND_MAX);
	switch (k) {
	case MATCH_IP: gen_ip(out, cap); break;
	case MATCH_CIDR: gen_cidr(out, cap); break;
	case MATCH_DOMAIN: gen_domain(out, cap); break;
	case MATCH_URL: gen_url(out, cap); break;
	case MATCH_MD5:
	case MATCH_SHA1:
	case MATCH_SHA256: gen_hash(out, cap, k); break;
	case MATCH_EMAIL: gen_email(out, cap); break;
	case MATCH_KIND_MAX: break;
	}
	return k;
}

/* The reference: every indicator kept as it normalises, matched by looping over all of them. */
struct ref_ind {
	enum match_kind kind;
	char text[MATCH_NORM_BUF];
	struct rcx_cidr net; /* IP and CIDR: parsed here, mapped addresses unmapped by hand */
};

static struct rcx_cidr ref_net(const char *s)
{
	struct rcx_cidr c;
	assert_int_equal(rcx_cidr_parse(s, strlen(s), false, &c), RCX_OK);
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (c.ip.family == 6 && c.prefix >= 96 && memcmp(c.ip.addr, mapped, 12) == 0) {
		uint8_t v4[4];
		memcpy(v4, c.ip.addr + 12, 4);
		memset(c.ip.addr, 0, 16);
		memcpy(c.ip.addr, v4, 4);
		c.ip.family = 4;
		c.prefix = (uint8_t)(c.prefix - 96);
	}
	return c;
}

static bool ref_contains(const struct rcx_cidr *c, const struct rcx_ip *ip)
{
	if (c->ip.family != ip->family)
		return false;
	for (unsigned i = 0; i < c->prefix; i++)
		if (rcx_ip_bit(&c->ip, i) != rcx_ip_bit(ip, i))
			return false;
	return true;
}

/* obs equals ind or ends with "." + ind */
static bool ref_suffix(const char *obs, const char *ind)
{
	size_t o = strlen(obs), n = strlen(ind);
	if (o == n)
		return strcmp(obs, ind) == 0;
	return o > n && obs[o - n - 1] == '.' && strcmp(obs + o - n, ind) == 0;
}

static void expect_same(struct hits *got, struct hits *want, const char *obs, uint64_t seed)
{
	qsort(got->ids, got->n, sizeof got->ids[0], u32_cmp);
	if (got->n != want->n || memcmp(got->ids, want->ids, got->n * sizeof got->ids[0]) != 0) {
		fprintf(stderr, "observable \"%s\": index found %zu ids, reference %zu (seed %llu)\n", obs, got->n,
			want->n, (unsigned long long)seed);
		for (size_t i = 0; i < got->n; i++)
			fprintf(stderr, "  index %u\n", got->ids[i]);
		for (size_t i = 0; i < want->n; i++)
			fprintf(stderr, "  reference %u\n", want->ids[i]);
		fail();
	}
}

static void test_differential(void **state)
{
	(void)state;
	const char *env = getenv("RCX_TEST_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 10) : (uint64_t)time(NULL);
	fprintf(stderr, "test_differential: seed %llu (RCX_TEST_SEED=%llu reproduces)\n", (unsigned long long)seed,
		(unsigned long long)seed);
	rng_state = seed;
	enum { NIND = 4000, NOBS = 6000 };
	struct ref_ind *ref = calloc(NIND, sizeof *ref);
	assert_non_null(ref);
	struct match_builder *b;
	assert_int_equal(match_builder_new(&b), RCX_OK);
	uint32_t n = 0;
	char in[600];
	for (int i = 0; i < NIND; i++) {
		enum match_kind k = gen(in, sizeof in);
		/* sometimes let the builder guess the kind; the reference takes the kind the builder used */
		enum match_kind use = rn(8) == 0 ? MATCH_KIND_MAX : k;
		if (use == MATCH_KIND_MAX)
			k = match_kind_detect(in, strlen(in));
		uint32_t id;
		size_t len;
		char out[MATCH_NORM_BUF];
		if (match_builder_add(b, in, strlen(in), use, &id) != RCX_OK) {
			assert_true(k == MATCH_KIND_MAX || match_norm(k, in, strlen(in), out, sizeof out, &len) != RCX_OK);
			continue;
		}
		assert_int_equal(id, n);
		ref[n].kind = k;
		assert_int_equal(match_norm(k, in, strlen(in), ref[n].text, sizeof ref[n].text, &len), RCX_OK);
		if (k == MATCH_IP || k == MATCH_CIDR)
			ref[n].net = ref_net(ref[n].text);
		n++;
	}
	const char *path = tmp_path("diff");
	assert_int_equal(match_builder_write(b, path), RCX_OK);
	struct match_index *idx;
	assert_int_equal(match_index_open(path, &idx), RCX_OK);
	assert_int_equal(match_index_count(idx), n);
	for (uint32_t i = 0; i < n; i++) {
		enum match_kind k;
		const char *text;
		size_t len;
		assert_int_equal(match_index_indicator(idx, i, &k, &text, &len), RCX_OK);
		assert_int_equal(k, ref[i].kind);
		assert_string_equal(text, ref[i].text);
	}

	static struct hits got, want;
	size_t matched = 0;
	for (int o = 0; o < NOBS; o++) {
		enum match_kind k = gen(in, sizeof in);
		char norm[MATCH_NORM_BUF];
		size_t nlen;
		got.n = want.n = 0;
		if (k == MATCH_IP || k == MATCH_CIDR) {
			/* observables are addresses; take the network address of a generated CIDR too */
			char *slash = strchr(in, '/');
			if (slash)
				*slash = '\0';
			struct rcx_ip ip;
			assert_int_equal(rcx_ip_parse(in, strlen(in), &ip), RCX_OK);
			assert_int_equal(match_index_ip(idx, &ip, hit, &got), RCX_OK);
			struct rcx_cidr one = ref_net(in);
			for (uint32_t i = 0; i < n; i++)
				if ((ref[i].kind == MATCH_IP || ref[i].kind == MATCH_CIDR) && ref_contains(&ref[i].net, &one.ip))
					want.ids[want.n++] = i;
		} else if (k == MATCH_DOMAIN) {
			if (match_norm(k, in, strlen(in), norm, sizeof norm, &nlen) != RCX_OK) {
				assert_int_equal(match_index_domain(idx, in, strlen(in), hit, &got), RCX_EPARSE);
				continue;
			}
			assert_int_equal(match_index_domain(idx, in, strlen(in), hit, &got), RCX_OK);
			for (uint32_t i = 0; i < n; i++)
				if (ref[i].kind == MATCH_DOMAIN && ref_suffix(norm, ref[i].text))
					want.ids[want.n++] = i;
		} else {
			if (match_norm(k, in, strlen(in), norm, sizeof norm, &nlen) != RCX_OK) {
				assert_int_not_equal(match_index_exact(idx, k, in, strlen(in), hit, &got), RCX_OK);
				continue;
			}
			assert_int_equal(match_index_exact(idx, k, in, strlen(in), hit, &got), RCX_OK);
			for (uint32_t i = 0; i < n; i++)
				if (ref[i].kind == k && strcmp(ref[i].text, norm) == 0)
					want.ids[want.n++] = i;
		}
		matched += want.n > 0;
		expect_same(&got, &want, in, seed);
	}
	fprintf(stderr, "test_differential: %u indicators, %d observables, %zu with matches\n", n, NOBS, matched);
	assert_true(matched > NOBS / 10); /* the generators overlap enough to test something */
	match_index_close(idx);
	unlink(path);
	match_builder_free(b);
	free(ref);
}

/* ---- corrupt files ---- */

static void probe_all(const struct match_index *idx)
{
	static const char *const ips[] = {"192.0.2.1", "10.1.2.3", "::", "::1", "2001:db8::1", "::ffff:192.0.2.9"};
	struct hits h;
	for (size_t i = 0; i < sizeof ips / sizeof ips[0]; i++) {
		struct rcx_ip ip;
		h.n = 0;
		assert_int_equal(rcx_ip_parse(ips[i], strlen(ips[i]), &ip), RCX_OK);
		match_index_ip(idx, &ip, hit, &h);
	}
	h.n = 0;
	match_index_domain(idx, "a.b.evil.example", 16, hit, &h);
	h.n = 0;
	match_index_exact(idx, MATCH_URL, "http://x.example/a", 18, hit, &h);
	match_index_exact(idx, MATCH_MD5, "d41d8cd98f00b204e9800998ecf8427e", 32, hit, &h);
	for (uint32_t id = 0; id < match_index_count(idx) + 2; id++) {
		const char *t;
		if (match_index_indicator(idx, id, NULL, &t, NULL) == RCX_OK)
			assert_non_null(t);
	}
}

static void test_corrupt(void **state)
{
	(void)state;
	static const char *const ind[] = {
		"192.0.2.0/24", "192.0.2.1", "10.0.0.0/8", "10.1.0.0/16", "::/0", "2001:db8::/32", "2001:db8::1",
		"evil.example", "b.evil.example", "http://x.example/a", "d41d8cd98f00b204e9800998ecf8427e",
		"bad@evil.example", "evil.example", "192.0.2.1/32",
	};
	struct match_builder *b;
	assert_int_equal(match_builder_new(&b), RCX_OK);
	for (size_t i = 0; i < sizeof ind / sizeof ind[0]; i++)
		assert_int_equal(match_builder_add(b, ind[i], strlen(ind[i]), MATCH_KIND_MAX, NULL), RCX_OK);
	uint8_t *data;
	size_t len;
	assert_int_equal(match_builder_write_mem(b, &data, &len), RCX_OK);
	match_builder_free(b);
	struct match_index *idx;
	for (size_t l = 0; l < len; l++) {
		if (match_index_open_mem(data, l, &idx) != RCX_EPARSE)
			fail_msg("a prefix of %zu of %zu bytes was accepted", l, len);
	}
	/* and through a file, truncated */
	const char *path = tmp_path("trunc");
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len / 2, f), len / 2);
	fclose(f);
	assert_int_equal(match_index_open(path, &idx), RCX_EPARSE);
	unlink(path);
	assert_int_equal(match_index_open(path, &idx), RCX_ENOTFOUND);

	assert_int_equal(match_index_open_mem(data, len, &idx), RCX_OK);
	probe_all(idx);
	match_index_close(idx);

	uint8_t *copy = malloc(len);
	assert_non_null(copy);
	rng_state = 42;
	size_t accepted = 0;
	for (int it = 0; it < 20000; it++) {
		memcpy(copy, data, len);
		unsigned flips = 1 + rn(4);
		for (unsigned i = 0; i < flips; i++) {
			size_t at = rn((unsigned)len);
			copy[at] = rn(2) ? (uint8_t)(copy[at] ^ (1u << rn(8))) : (uint8_t)rnd();
		}
		if (match_index_open_mem(copy, len, &idx) == RCX_OK) {
			accepted++;
			probe_all(idx);
			match_index_close(idx);
		}
	}
	fprintf(stderr, "test_corrupt: %zu bytes, %zu of 20000 corrupted copies still valid\n", len, accepted);
	free(copy);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_norm),         cmocka_unit_test(test_detect),  cmocka_unit_test(test_basic),
		cmocka_unit_test(test_differential), cmocka_unit_test(test_corrupt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
