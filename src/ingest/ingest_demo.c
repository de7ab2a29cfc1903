/* Demo data generator.
 *
 * The address plan ("world") is a fixed table: each country owns a few ASes, each AS one or more
 * IPv4 prefixes (all /25 or larger) and maybe an IPv6 /48. A host is an index into its country's
 * IPv4 space; the index is scrambled by multiplying with a prime larger than any space, modulo the
 * space size (a bijection), so that the low "hot" indexes are spread over all prefixes. A quarter
 * of the rows of every file draw their host from the small hot set, which is what makes hosts
 * reappear across reports. What a host *is* (city, server software, infection ...) is a hash of
 * seed and address, so a host that reappears looks the same everywhere; what varies per row
 * (time, source port) comes from the file's PRNG stream.
 *
 * Every file has its own xoshiro256** stream seeded from (seed, file number) with splitmix64, so
 * files do not shift each other when their sizes change. CSV rows are formatted by hand into one
 * row buffer (no printf on the hot path) and written through a 1 MiB stdio buffer; nothing is kept
 * but the previous row, which is repeated now and then as an exact duplicate for dedup to find.
 */
#include "ingest/ingest_demo.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ip.h"
#include "core/time.h"

#define US_PER_SEC INT64_C(1000000)
#define SEC_PER_DAY 86400u
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)
#define OUT_BUF (1u << 20)       /* stdio buffer per output file */
#define ROW_MAX 8192u            /* the longest demo row (scan_ssl_freak) is about 1.6 KiB */
#define FILES_MAX 32u            /* files of one run, for the clean-up on failure */
#define HOT_PERMILLE 250u        /* rows whose host comes from the hot set */
#define DUP_PERMILLE 3u          /* rows that repeat the previous row byte for byte */
#define SCRAMBLE UINT64_C(2654435761) /* a prime above every country's address count */
#define SCAN_V4_ROWS UINT64_C(50000) /* rows of the big scan report the IPv4 plan holds without many repeats */

/* ---- PRNG: splitmix64 to seed, xoshiro256** for the streams (both public domain algorithms) ---- */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t mix64(uint64_t x)
{
	return splitmix64(&x);
}

static void rng_init(struct rng *r, uint64_t seed, unsigned stream)
{
	uint64_t x = seed ^ mix64(stream + UINT64_C(1));
	for (unsigned i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* [0, n) by multiply-shift; the bias (n / 2^32) does not matter for demo data. */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

static bool rng_permille(struct rng *r, unsigned p)
{
	return rng_below(r, 1000) < p;
}

/* ---- The world: countries, ASes, prefixes ---- */

#define COUNTRY_N 7u
#define COUNTRY_NONE 0xffu

static const struct country {
	const char *cc;
	const char *name;
	const char *tld;     /* for web host names example.<tld>; NULL: names under .example */
	unsigned weight;     /* share of the hosts in reports */
	const char *cert;    /* national CERT, for the routing rules */
	const char *place[4][2]; /* region, city, spelled as Shadowserver's geolocation does */
} countries[COUNTRY_N] = {
	{"AL", "Albania", "al", 12, "AKCESK",
	 {{"TIRANE", "TIRANA"}, {"DURRES", "DURRES"}, {"VLORE", "VLORE"}, {"SHKODER", "SHKODER"}}},
	{"BA", "Bosnia and Herzegovina", "ba", 14, "BIH-CERT",
	 {{"FEDERATION OF BOSNIA AND HERZEGOVINA", "SARAJEVO"}, {"REPUBLIKA SRPSKA", "BANJA LUKA"},
	  {"FEDERATION OF BOSNIA AND HERZEGOVINA", "MOSTAR"}, {"FEDERATION OF BOSNIA AND HERZEGOVINA", "TUZLA"}}},
	{"HR", "Croatia", "hr", 22, "CERT.hr",
	 {{"GRAD ZAGREB", "ZAGREB"}, {"SPLITSKO-DALMATINSKA", "SPLIT"}, {"PRIMORSKO-GORANSKA", "RIJEKA"},
	  {"OSJECKO-BARANJSKA", "OSIJEK"}}},
	{"XK", "Kosovo", NULL, 7, "KOS-CERT",
	 {{"PRISTINA", "PRISTINA"}, {"PRIZREN", "PRIZREN"}, {"PEC", "PEJA"}, {"MITROVICA", "MITROVICA"}}},
	{"ME", "Montenegro", "me", 7, "CIRT.ME",
	 {{"PODGORICA", "PODGORICA"}, {"NIKSIC", "NIKSIC"}, {"BAR", "BAR"}, {"BUDVA", "BUDVA"}}},
	{"MK", "North Macedonia", "mk", 10, "MKD-CIRT",
	 {{"GRAD SKOPJE", "SKOPJE"}, {"BITOLA", "BITOLA"}, {"KUMANOVO", "KUMANOVO"}, {"OHRID", "OHRID"}}},
	{"RS", "Serbia", "rs", 28, "SRB-CERT",
	 {{"CENTRAL SERBIA", "BELGRADE"}, {"VOJVODINA", "NOVI SAD"}, {"CENTRAL SERBIA", "NIS"},
	  {"CENTRAL SERBIA", "KRAGUJEVAC"}}},
};

enum kind { KIND_TELECOM, KIND_MOBILE, KIND_HOSTING, KIND_BANK, KIND_ENERGY, KIND_ACADEMIC, KIND_GOV, KIND_INFRA,
	    KIND_MAX };

#define SECTOR_COMM "Communications, Service Provider, and Hosting Service"
static const struct {
	unsigned naics, sic;
	const char *sector;
} kinds[KIND_MAX] = {
	[KIND_TELECOM] = {517311, 4813, SECTOR_COMM},  [KIND_MOBILE] = {517312, 4812, SECTOR_COMM},
	[KIND_HOSTING] = {518210, 7374, SECTOR_COMM},  [KIND_BANK] = {522110, 6021, "Banking, Finance, and Insurance"},
	[KIND_ENERGY] = {221122, 4911, "Energy"},       [KIND_ACADEMIC] = {611310, 8221, "Education"},
	[KIND_GOV] = {921190, 9199, "Government"},      [KIND_INFRA] = {518210, 7374, SECTOR_COMM},
};

/* Private-use ASNs (RFC 6996: 64512-65534, 4200000000+); the two foreign infrastructure ASes use the
 * documentation range (RFC 5398). */
static const struct demo_as {
	uint32_t asn;
	const char *handle;
	const char *descr;
	const char *cc;
	enum kind kind;
	const char *v6; /* its IPv6 /48 inside 2001:db8::/32, or NULL */
} ases[] = {
	{64630, "DEMO-TELECOM-AL", "Demo Telecom Tirana", "AL", KIND_TELECOM, "2001:db8:100::"},
	{64631, "DEMO-MOBILE-AL", "Demo Mobile Albania", "AL", KIND_MOBILE, "2001:db8:101::"},
	{64632, "DEMO-CABLE-AL", "Demo Cable Durres", "AL", KIND_TELECOM, NULL},
	{4200000633, "DEMO-BANKA-AL", "Demo Banka Shqiptare", "AL", KIND_BANK, NULL},
	{64634, "DEMO-GOVNET-AL", "Demo Government Network Albania", "AL", KIND_GOV, NULL},
	{64635, "DEMO-HOSTING-AL", "Demo Hosting Tirana", "AL", KIND_HOSTING, "2001:db8:105::"},
	{64620, "DEMO-TELECOM-BA", "Demo Telecom Sarajevo", "BA", KIND_TELECOM, "2001:db8:200::"},
	{64621, "DEMO-MOBILE-BA", "Demo Mobile Banja Luka", "BA", KIND_MOBILE, NULL},
	{64622, "DEMO-CABLE-BA", "Demo Cable Mostar", "BA", KIND_TELECOM, "2001:db8:202::"},
	{4200000623, "DEMO-BANKA-BA", "Demo Banka Sarajevo", "BA", KIND_BANK, NULL},
	{64624, "DEMO-ENERGY-BA", "Demo Elektroprivreda BiH", "BA", KIND_ENERGY, NULL},
	{64625, "DEMO-GOVNET-BA", "Demo Government Network BiH", "BA", KIND_GOV, NULL},
	{64610, "DEMO-TELEKOM-HR", "Demo Telekom Hrvatska", "HR", KIND_TELECOM, "2001:db8:300::"},
	{64611, "DEMO-CABLE-HR", "Demo Cable Zagreb", "HR", KIND_TELECOM, "2001:db8:301::"},
	{64612, "DEMO-ACADEMIC-HR", "Demo Croatian Academic Network", "HR", KIND_ACADEMIC, "2001:db8:302::"},
	{4200000613, "DEMO-BANKA-HR", "Demo Banka Zagreb", "HR", KIND_BANK, NULL},
	{4200000614, "DEMO-ENERGY-HR", "Demo Energija Hrvatska", "HR", KIND_ENERGY, NULL},
	{64615, "DEMO-HOSTING-HR", "Demo Hosting Split", "HR", KIND_HOSTING, "2001:db8:305::"},
	{64650, "DEMO-TELECOM-XK", "Demo Telecom Prishtina", "XK", KIND_TELECOM, "2001:db8:400::"},
	{64651, "DEMO-CABLE-XK", "Demo Cable Prizren", "XK", KIND_TELECOM, NULL},
	{4200000652, "DEMO-BANKA-XK", "Demo Banka Prishtina", "XK", KIND_BANK, NULL},
	{64653, "DEMO-GOVNET-XK", "Demo Government Network Kosovo", "XK", KIND_GOV, NULL},
	{64660, "DEMO-TELEKOM-ME", "Demo Telekom Crna Gora", "ME", KIND_TELECOM, "2001:db8:500::"},
	{64661, "DEMO-MOBILE-ME", "Demo Mobile Podgorica", "ME", KIND_MOBILE, NULL},
	{4200000662, "DEMO-BANKA-ME", "Demo Banka Podgorica", "ME", KIND_BANK, NULL},
	{64663, "DEMO-GOVNET-ME", "Demo Government Network Montenegro", "ME", KIND_GOV, NULL},
	{64640, "DEMO-TELEKOM-MK", "Demo Telekom Skopje", "MK", KIND_TELECOM, "2001:db8:600::"},
	{64641, "DEMO-MOBILE-MK", "Demo Mobile Skopje", "MK", KIND_MOBILE, NULL},
	{64642, "DEMO-ACADEMIC-MK", "Demo Macedonian Academic Network", "MK", KIND_ACADEMIC, NULL},
	{4200000643, "DEMO-BANKA-MK", "Demo Banka Skopje", "MK", KIND_BANK, NULL},
	{64644, "DEMO-ENERGY-MK", "Demo Elektrani Makedonija", "MK", KIND_ENERGY, NULL},
	{64600, "DEMO-TELEKOM-RS", "Demo Telekom Srbija", "RS", KIND_TELECOM, "2001:db8:700::"},
	{64601, "DEMO-CABLE-RS", "Demo Cable Beograd", "RS", KIND_TELECOM, "2001:db8:701::"},
	{64602, "DEMO-MOBILE-RS", "Demo Mobile Srbija", "RS", KIND_MOBILE, "2001:db8:702::"},
	{4200000603, "DEMO-BANKA-RS", "Demo Banka Beograd", "RS", KIND_BANK, NULL},
	{4200000604, "DEMO-ENERGY-RS", "Demo Elektroprivreda Srbije", "RS", KIND_ENERGY, NULL},
	{64605, "DEMO-ACADEMIC-RS", "Demo Academic Network of Serbia", "RS", KIND_ACADEMIC, "2001:db8:705::"},
	{64606, "DEMO-HOSTING-RS", "Demo Hosting Novi Sad", "RS", KIND_HOSTING, "2001:db8:706::"},
	{64500, "DEMO-SINKHOLE", "Demo Sinkhole Operator", "US", KIND_INFRA, NULL},
	{64501, "DEMO-HONEYNET", "Demo Honeypot Network", "NL", KIND_INFRA, NULL},
};
#define AS_N (sizeof(ases) / sizeof(ases[0]))

/* In address order, as pfx2as files are. */
static const struct {
	const char *net;
	uint8_t len;
	uint32_t asn;
} prefixes[] = {
	{"192.0.2.0", 24, 64660},       {"198.18.0.0", 18, 64600},      {"198.18.64.0", 19, 64601},
	{"198.18.96.0", 20, 64602},     {"198.18.112.0", 22, 4200000603}, {"198.18.116.0", 22, 4200000604},
	{"198.18.120.0", 22, 64605},    {"198.18.124.0", 22, 64606},    {"198.18.128.0", 18, 64610},
	{"198.18.192.0", 19, 64611},    {"198.18.224.0", 20, 64612},    {"198.18.240.0", 22, 4200000613},
	{"198.18.244.0", 22, 4200000614}, {"198.18.248.0", 21, 64615},  {"198.19.0.0", 19, 64620},
	{"198.19.32.0", 20, 64621},     {"198.19.48.0", 21, 64622},     {"198.19.56.0", 22, 4200000623},
	{"198.19.60.0", 23, 64624},     {"198.19.62.0", 23, 64625},     {"198.19.64.0", 19, 64630},
	{"198.19.96.0", 20, 64631},     {"198.19.112.0", 21, 64632},    {"198.19.120.0", 23, 4200000633},
	{"198.19.122.0", 23, 64634},    {"198.19.124.0", 22, 64635},    {"198.19.128.0", 19, 64640},
	{"198.19.160.0", 20, 64641},    {"198.19.176.0", 21, 64642},    {"198.19.184.0", 22, 4200000643},
	{"198.19.188.0", 22, 64644},    {"198.19.192.0", 20, 64650},    {"198.19.208.0", 21, 64651},
	{"198.19.216.0", 22, 4200000652}, {"198.19.220.0", 22, 64653},  {"198.19.224.0", 20, 64660},
	{"198.19.240.0", 21, 64661},    {"198.19.248.0", 22, 4200000662}, {"198.19.252.0", 22, 64663},
	{"198.51.100.0", 24, 64650},    {"203.0.113.0", 25, 64500},     {"203.0.113.128", 25, 64501},
};
#define PREFIX_N (sizeof(prefixes) / sizeof(prefixes[0]))
#define COUNTRY_PFX_MAX 8u

/* Foreign infrastructure that the events point at: sinkholes and honeypots. */
#define SINKHOLE_BASE 0xcb00710au /* 203.0.113.10, 8 addresses */
#define HONEYPOT_BASE 0xcb007182u /* 203.0.113.130, 40 addresses */
static const char *const honeypot_geo[][3] = {
	{"NL", "NOORD-HOLLAND", "AMSTERDAM"}, {"DE", "HESSEN", "FRANKFURT AM MAIN"}, {"AT", "WIEN", "VIENNA"},
};

struct world {
	uint32_t pfx_base[PREFIX_N], pfx_size[PREFIX_N];
	uint16_t pfx_as[PREFIX_N];
	uint8_t as_country[AS_N]; /* index into countries, or COUNTRY_NONE */
	uint8_t as_v6[AS_N][16];
	char as_zone[AS_N][40];   /* reverse-DNS zone, e.g. "telekom-rs.example" */
	uint16_t cpfx[COUNTRY_N][COUNTRY_PFX_MAX];
	uint8_t n_cpfx[COUNTRY_N];
	uint32_t csize[COUNTRY_N], chot[COUNTRY_N], cshift[COUNTRY_N];
	unsigned weight_total;
};

struct gen {
	const struct ingest_demo_options *o;
	const char *dir;
	uint64_t seed, rows;
	int64_t day, day_us;   /* days since the epoch; its midnight */
	char date[11];         /* "2026-11-22" */
	char http_day[18];     /* "Sun, 22 Nov 2026" */
	unsigned scan_v6_permille; /* rows of the big scan report with an IPv6 address */
	struct world w;
	char *written[FILES_MAX];
	size_t n_written;
	char *err;
};

struct host {
	uint32_t v4;
	uint16_t as, pfx;
	uint8_t country;
	uint64_t h; /* identity: hash of seed and address */
};

static enum rcx_result world_init(struct gen *g)
{
	struct world *w = &g->w;
	for (size_t a = 0; a < AS_N; a++) {
		w->as_country[a] = COUNTRY_NONE;
		for (unsigned c = 0; c < COUNTRY_N; c++)
			if (!strcmp(ases[a].cc, countries[c].cc))
				w->as_country[a] = (uint8_t)c;
		struct rcx_ip ip6;
		if (ases[a].v6 && rcx_ip_parse(ases[a].v6, strlen(ases[a].v6), &ip6) != RCX_OK)
			return RCX_EINVAL;
		if (ases[a].v6)
			memcpy(w->as_v6[a], ip6.addr, 16);
		/* "DEMO-TELEKOM-RS" → "telekom-rs.example" */
		const char *h = ases[a].handle + 5;
		size_t n = 0;
		for (; *h && n < sizeof(w->as_zone[a]) - 9; h++)
			w->as_zone[a][n++] = (char)(*h >= 'A' && *h <= 'Z' ? *h + 32 : *h);
		memcpy(w->as_zone[a] + n, ".example", 9);
	}
	for (size_t p = 0; p < PREFIX_N; p++) {
		struct rcx_cidr c;
		char text[RCX_IP_BUF];
		snprintf(text, sizeof(text), "%s/%u", prefixes[p].net, prefixes[p].len);
		if (rcx_cidr_parse(text, strlen(text), true, &c) != RCX_OK || c.ip.family != 4)
			return RCX_EINVAL;
		w->pfx_base[p] = (uint32_t)c.ip.addr[0] << 24 | (uint32_t)c.ip.addr[1] << 16 |
				 (uint32_t)c.ip.addr[2] << 8 | c.ip.addr[3];
		w->pfx_size[p] = UINT32_C(1) << (32 - c.prefix);
		size_t a = 0;
		while (a < AS_N && ases[a].asn != prefixes[p].asn)
			a++;
		if (a == AS_N)
			return RCX_EINVAL;
		w->pfx_as[p] = (uint16_t)a;
		unsigned cc = w->as_country[a];
		if (cc == COUNTRY_NONE)
			continue;
		if (w->n_cpfx[cc] == COUNTRY_PFX_MAX)
			return RCX_EINVAL;
		w->cpfx[cc][w->n_cpfx[cc]++] = (uint16_t)p;
		w->csize[cc] += w->pfx_size[p];
	}
	for (unsigned c = 0; c < COUNTRY_N; c++) {
		w->chot[c] = w->csize[c] / 16;
		w->cshift[c] = (uint32_t)(mix64(g->seed ^ (c + UINT64_C(0x5eed))) % w->csize[c]);
		w->weight_total += countries[c].weight;
	}
	return RCX_OK;
}

/* The host at index idx of the country's (scrambled) address space. */
static void host_at(const struct gen *g, unsigned c, uint32_t idx, struct host *ret)
{
	const struct world *w = &g->w;
	idx = (uint32_t)(((uint64_t)idx * SCRAMBLE + w->cshift[c]) % w->csize[c]);
	unsigned i = 0;
	while (idx >= w->pfx_size[w->cpfx[c][i]])
		idx -= w->pfx_size[w->cpfx[c][i++]];
	unsigned p = w->cpfx[c][i];
	ret->v4 = w->pfx_base[p] + idx;
	ret->pfx = (uint16_t)p;
	ret->as = w->pfx_as[p];
	ret->country = (uint8_t)c;
	ret->h = mix64(g->seed ^ (ret->v4 * UINT64_C(0x9e3779b97f4a7c15)));
}

static void pick_host(const struct gen *g, struct rng *r, struct host *ret)
{
	unsigned x = rng_below(r, g->w.weight_total), c = 0;
	while (x >= countries[c].weight)
		x -= countries[c].weight, c++;
	uint32_t idx = rng_permille(r, HOT_PERMILLE) ? rng_below(r, g->w.chot[c]) : rng_below(r, g->w.csize[c]);
	host_at(g, c, idx, ret);
}

/* A host in an AS of one of the kinds in mask, if one turns up within a few draws. */
static void pick_host_kind(const struct gen *g, struct rng *r, unsigned mask, struct host *ret)
{
	for (unsigned i = 0; i < 16; i++) {
		pick_host(g, r, ret);
		if (mask & (1u << ases[ret->as].kind))
			return;
	}
}

/* A per-host choice in [0, n): the same for a host in every file. */
static unsigned hpick(const struct host *h, unsigned salt, unsigned n)
{
	return (unsigned)(mix64(h->h + salt * UINT64_C(0x9e3779b97f4a7c15)) % n);
}

static const char *host_region(const struct host *h)
{
	return countries[h->country].place[hpick(h, 1, 4)][0];
}

static const char *host_city(const struct host *h)
{
	return countries[h->country].place[hpick(h, 1, 4)][1];
}

static size_t fmt_u(char *p, uint64_t v)
{
	char t[20];
	size_t n = sizeof(t);
	do
		t[--n] = (char)('0' + v % 10);
	while (v /= 10);
	memcpy(p, t + n, sizeof(t) - n);
	return sizeof(t) - n;
}

static size_t fmt_ip4(char *p, uint32_t a)
{
	size_t n = 0;
	for (int s = 24; s >= 0; s -= 8) {
		n += fmt_u(p + n, (a >> s) & 0xff);
		if (s)
			p[n++] = '.';
	}
	p[n] = '\0';
	return n;
}

/* RFC 5952 text of an IPv6 address (what inet_ntop writes, at a fraction of its cost). */
static size_t fmt_ip6(char *p, const uint8_t a[16])
{
	unsigned grp[8], best = 8, best_len = 1;
	for (unsigned i = 0; i < 8; i++)
		grp[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (unsigned i = 0; i < 8;) { /* the first longest run of two or more zero groups */
		unsigned j = i;
		while (j < 8 && !grp[j])
			j++;
		if (j - i > best_len)
			best = i, best_len = j - i;
		i = j > i ? j : i + 1;
	}
	size_t n = 0;
	for (unsigned i = 0; i < 8; i++) {
		if (i == best) {
			p[n++] = ':';
			if (i == 0)
				p[n++] = ':';
			i += best_len - 1;
			continue;
		}
		bool lead = true;
		for (int s = 12; s >= 0; s -= 4) {
			unsigned d = (grp[i] >> s) & 15;
			if (lead && d == 0 && s)
				continue;
			lead = false;
			p[n++] = "0123456789abcdef"[d];
		}
		if (i < 7)
			p[n++] = ':';
	}
	p[n] = '\0';
	return n;
}

/* Reverse DNS name, or "" for the 40 % of hosts without one. */
static void host_rdns(const struct gen *g, const struct host *h, char buf[80])
{
	buf[0] = '\0';
	if (hpick(h, 2, 10) >= 6)
		return;
	enum kind k = ases[h->as].kind;
	const char *kind = k == KIND_TELECOM || k == KIND_MOBILE ? ".dyn." : ".static.";
	size_t n = fmt_ip4(buf, h->v4), kn = strlen(kind), zn = strlen(g->w.as_zone[h->as]);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '.')
			buf[i] = '-';
	memcpy(buf + n, kind, kn);
	memcpy(buf + n + kn, g->w.as_zone[h->as], zn + 1); /* 15 + 8 + 40 bytes at most */
}

/* A web site hosted on h: "<word><n>.example.<ccTLD>". */
static void host_site(const struct host *h, char buf[64])
{
	static const char *const words[] = {"shop", "news", "portal", "hotel", "auto", "apoteka", "turizam",
					    "klinika", "skola", "opstina", "media", "radio", "market", "sport"};
	const char *tld = countries[h->country].tld;
	snprintf(buf, 64, "%s%u.example%s%s", words[hpick(h, 3, sizeof(words) / sizeof(words[0]))],
		 hpick(h, 4, 90) + 1, tld ? "." : "", tld ? tld : "");
}

/* The host's IPv6 twin inside its AS's /48, or false when the AS has none. */
static bool host_v6(const struct gen *g, const struct host *h, struct rcx_ip *ret)
{
	if (!ases[h->as].v6)
		return false;
	memset(ret, 0, sizeof(*ret));
	ret->family = 6;
	memcpy(ret->addr, g->w.as_v6[h->as], 6);
	ret->addr[6] = (uint8_t)(h->v4 >> 16);
	ret->addr[7] = (uint8_t)(h->v4 >> 8);
	ret->addr[14] = (uint8_t)(h->h >> 8);
	ret->addr[15] = (uint8_t)h->v4;
	return true;
}

/* ---- Output files ---- */

struct out {
	FILE *f;
	char *path, *tmp, *buf;
};

static enum rcx_result set_error(struct gen *g, enum rcx_result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum rcx_result set_error(struct gen *g, enum rcx_result r, const char *fmt, ...)
{
	if (!g->err) {
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(&g->err, fmt, ap) < 0)
			g->err = NULL;
		va_end(ap);
	}
	return r;
}

static enum rcx_result mkdir_p(struct gen *g, const char *dir)
{
	char *p = strdup(dir);
	if (!p)
		return RCX_ENOMEM;
	enum rcx_result r = RCX_OK;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			r = set_error(g, RCX_EIO, "cannot create %s: %s", p, strerror(errno));
			goto out;
		}
		*s = c;
		if (!c)
			break;
	}
	struct stat st;
	if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
		r = set_error(g, RCX_EIO, "%s is not a directory", p);
out:
	free(p);
	return r;
}

static void out_discard(struct out *o)
{
	if (o->f) {
		fclose(o->f);
		unlink(o->tmp);
	}
	free(o->path);
	free(o->tmp);
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

static enum rcx_result out_open(struct gen *g, const char *name, struct out *ret)
{
	struct out o = {0};
	if (g->n_written == FILES_MAX)
		return set_error(g, RCX_ELIMIT, "too many demo files");
	if (asprintf(&o.path, "%s/%s", g->dir, name) < 0) {
		o.path = NULL;
		return RCX_ENOMEM;
	}
	if (asprintf(&o.tmp, "%s.tmp", o.path) < 0) {
		o.tmp = NULL;
		out_discard(&o);
		return RCX_ENOMEM;
	}
	o.buf = malloc(OUT_BUF);
	if (!o.buf) {
		out_discard(&o);
		return RCX_ENOMEM;
	}
	o.f = fopen(o.tmp, "w");
	if (!o.f) {
		enum rcx_result r = set_error(g, RCX_EIO, "cannot write %s: %s", o.tmp, strerror(errno));
		out_discard(&o);
		return r;
	}
	setvbuf(o.f, o.buf, _IOFBF, OUT_BUF);
	*ret = o;
	return RCX_OK;
}

/* Flushes, closes and renames the file into place; on failure removes it. */
static enum rcx_result out_close(struct gen *g, struct out *o)
{
	enum rcx_result r = RCX_OK;
	bool bad = ferror(o->f) != 0;
	if (fclose(o->f) != 0 || bad)
		r = set_error(g, RCX_EIO, "cannot write %s: %s", o->tmp, strerror(errno ? errno : EIO));
	o->f = NULL;
	if (r == RCX_OK && rename(o->tmp, o->path) < 0)
		r = set_error(g, RCX_EIO, "cannot rename %s: %s", o->tmp, strerror(errno));
	if (r != RCX_OK) {
		unlink(o->tmp);
		out_discard(o);
		return r;
	}
	g->written[g->n_written++] = o->path;
	o->path = NULL;
	out_discard(o);
	return RCX_OK;
}

/* ---- CSV rows ---- */

struct row {
	size_t n;
	unsigned fields;
	bool overflow;
	char b[ROW_MAX];
};

/* Room for a field of up to need bytes after its separator; NULL (and overflow set) if none. */
static char *row_field(struct row *rb, size_t need)
{
	if (rb->n + need + 2 > ROW_MAX) {
		rb->overflow = true;
		return NULL;
	}
	if (rb->fields++)
		rb->b[rb->n++] = ',';
	return rb->b + rb->n;
}

static void row_none(struct row *rb, unsigned k)
{
	while (k--)
		row_field(rb, 0);
}

/* Text is quoted, as Shadowserver quotes text; an empty field stays bare. One pass: this is the
 * hot path of the big scan report. */
static void row_str(struct row *rb, const char *s)
{
	char *p = row_field(rb, 0);
	if (!p || !*s)
		return;
	char *q = p, *end = rb->b + ROW_MAX - 4; /* room for a doubled quote, the closing quote, "\n" */
	*q++ = '"';
	for (; *s; s++) {
		if (q >= end) {
			rb->overflow = true;
			return;
		}
		if (*s == '"')
			*q++ = '"';
		*q++ = *s;
	}
	*q++ = '"';
	rb->n += (size_t)(q - p);
}

static void row_strf(struct row *rb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void row_strf(struct row *rb, const char *fmt, ...)
{
	char t[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t, sizeof(t), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(t)) {
		rb->overflow = true;
		return;
	}
	row_str(rb, t);
}

static void row_u(struct row *rb, uint64_t v)
{
	char *p = row_field(rb, 20);
	if (p)
		rb->n += fmt_u(p, v);
}

static void row_ip4(struct row *rb, uint32_t a)
{
	char t[16];
	fmt_ip4(t, a);
	row_str(rb, t);
}

static void fmt_hms(char *p, uint32_t sec)
{
	unsigned v[3] = {sec / 3600, sec / 60 % 60, sec % 60};
	for (unsigned i = 0; i < 3; i++) {
		p[3 * i] = (char)('0' + v[i] / 10);
		p[3 * i + 1] = (char)('0' + v[i] % 10);
		p[3 * i + 2] = ':';
	}
}

/* "YYYY-MM-DD HH:MM:SS" of the report day. */
static void row_time(struct row *rb, const struct gen *g, uint32_t sec)
{
	char t[20];
	memcpy(t, g->date, 10);
	t[10] = ' ';
	fmt_hms(t + 11, sec);
	t[19] = '\0';
	row_str(rb, t);
}

/* "YYYY-MM-DD HH:MM:SS" of any time. */
static void fmt_datetime(int64_t us, char buf[20])
{
	char t[RCX_TIME_BUF];
	rcx_time_format(us, t);
	memcpy(buf, t, 19);
	buf[10] = ' ';
	buf[19] = '\0';
}

/* nbytes of per-host pseudo-random hex, "AB:CD:..." with colons, as fingerprints are printed. */
static void row_hex(struct row *rb, const struct host *h, unsigned salt, unsigned nbytes, bool colons)
{
	char t[200];
	size_t n = 0;
	uint64_t x = h->h ^ salt;
	for (unsigned i = 0; i < nbytes && n + 3 < sizeof(t); i++) {
		uint64_t v = splitmix64(&x);
		if (colons && i)
			t[n++] = ':';
		t[n++] = "0123456789ABCDEF"[(v >> 4) & 15];
		t[n++] = "0123456789ABCDEF"[v & 15];
	}
	t[n] = '\0';
	row_str(rb, t);
}

static void put_rdns(struct row *rb, const struct gen *g, const struct host *h)
{
	char t[80];
	host_rdns(g, h, t);
	row_str(rb, t);
}

/* asn, geo, region, city */
static void put_asn_geo(struct row *rb, const struct host *h)
{
	row_u(rb, ases[h->as].asn);
	row_str(rb, countries[h->country].cc);
	row_str(rb, host_region(h));
	row_str(rb, host_city(h));
}

/* src_ip .. src_sector of the event reports */
static void put_event_src(struct row *rb, const struct gen *g, const struct host *h, unsigned port)
{
	row_ip4(rb, h->v4);
	row_u(rb, port);
	put_asn_geo(rb, h);
	put_rdns(rb, g, h);
	row_u(rb, kinds[ases[h->as].kind].naics);
	row_str(rb, kinds[ases[h->as].kind].sector);
}

/* dst_ip .. dst_sector: a sinkhole or honeypot of infrastructure AS `asn` */
static void put_event_dst(struct row *rb, uint32_t ip, unsigned port, uint32_t asn, const char *const geo[3])
{
	row_ip4(rb, ip);
	row_u(rb, port);
	row_u(rb, asn);
	for (unsigned i = 0; i < 3; i++)
		row_str(rb, geo[i]);
	row_none(rb, 1);
	row_u(rb, kinds[KIND_INFRA].naics);
	row_str(rb, kinds[KIND_INFRA].sector);
}

/* ---- Shadowserver reports: one row function per report type ---- */

typedef void row_fn(const struct gen *g, struct rng *r, struct row *rb, uint32_t sec);

static void row_scan_smb(const struct gen *g, struct rng *r, struct row *rb, uint32_t sec)
{
	static const struct {
		unsigned major, minor, rev;
		const char *text;
	} versions[] = {
		{1, 0, 0, "SMB 1.0"}, {2, 0, 2, "SMB 2.0.2"}, {2, 1, 0, "SMB 2.1"},
		{3, 0, 2, "SMB 3.0.2"}, {3, 1, 1, "SMB 3.1.1"}, {3, 1, 1, "SMB 3.1.1"},
	};
	struct host h;
	bool v6 = g->scan_v6_permille && rng_permille(r, g->scan_v6_permille);
	pick_host(g, r, &h);
	for (unsigned k = 0; v6 && !ases[h.as].v6 && k < 16; k++)
		pick_host(g, r, &h);
	v6 &= ases[h.as].v6 != NULL;
	bool v1 = hpick(&h, 10, 100) < 25;
	unsigned v = v1 && hpick(&h, 11, 3) == 0 ? 0 : 1 + hpick(&h, 12, 5);
	row_time(rb, g, sec);
	if (v6) {
		/* A fresh address in the host's AS: the IPv4 plan has only ~130 k addresses, and a
		 * benchmark's millions of rows should not all be repeats of them. */
		uint8_t a[16];
		char t[48];
		uint64_t x = rng_next(r), y = rng_next(r);
		memcpy(a, g->w.as_v6[h.as], 6);
		for (unsigned i = 0; i < 8; i++)
			a[8 + i] = (uint8_t)(x >> (8 * i));
		a[6] = (uint8_t)y;
		a[7] = (uint8_t)(y >> 8);
		fmt_ip6(t, a);
		row_str(rb, t);
		row_u(rb, hpick(&h, 13, 20) ? 445 : 139);
		row_none(rb, 1);
	} else {
		row_ip4(rb, h.v4);
		row_u(rb, hpick(&h, 13, 20) ? 445 : 139);
		put_rdns(rb, g, &h);
	}
	row_str(rb, "smb");
	put_asn_geo(rb, &h);
	row_u(rb, kinds[ases[h.as].kind].naics);
	row_u(rb, kinds[ases[h.as].kind].sic);
	row_str(rb, hpick(&h, 14, 2000) ? "N" : "Y"); /* smb_implant: DoublePulsar-style, rare */
	row_none(rb, 2);
	row_str(rb, v1 ? "Y" : "N");
	row_u(rb, versions[v].major);
	row_u(rb, versions[v].minor);
	row_u(rb, versions[v].rev);
	row_str(rb, versions[v].text);
}

static void put_cert_dates(struct row *rb, const struct gen *g, const struct host *h)
{
	char a[20], b[20];
	int64_t issued = g->day_us - (30 + hpick(h, 20, 700)) * US_PER_DAY + hpick(h, 21, SEC_PER_DAY) * US_PER_SEC;
	fmt_datetime(issued, a);
	fmt_datetime(issued + (hpick(h, 22, 2) ? 182 : 3650) * US_PER_DAY, b);
	row_str(rb, a);
	row_str(rb, b);
}

static void row_scan_rdp(const struct gen *g, struct rng *r, struct row *rb, uint32_t sec)
{
	struct host h;
	pick_host(g, r, &h);
	bool vuln = hpick(&h, 30, 100) < 4;
	char cn[24];
	snprintf(cn, sizeof(cn), "WIN-%08llX", (unsigned long long)(h.h >> 32));
	row_time(rb, g, sec);
	row_ip4(rb, h.v4);
	row_u(rb, hpick(&h, 31, 10) ? 3389 : 3390);
	put_rdns(rb, g, &h);
	row_str(rb, "rdp");
	row_none(rb, 1);
	put_asn_geo(rb, &h);
	row_str(rb, "RDP");
	row_u(rb, 2048);
	row_str(rb, cn);
	row_str(rb, cn);
	put_cert_dates(rb, g, &h);
	row_hex(rb, &h, 1, 20, true);
	row_hex(rb, &h, 2, 16, false);
	row_u(rb, 2);
	row_str(rb, "sha256WithRSAEncryption");
	row_str(rb, "rsaEncryption");
	row_hex(rb, &h, 3, 32, true);
	row_hex(rb, &h, 4, 64, true);
	row_hex(rb, &h, 5, 16, true);
	row_u(rb, kinds[ases[h.as].kind].naics);
	row_u(rb, kinds[ases[h.as].kind].sic);
	row_str(rb, kinds[ases[h.as].kind].sector);
	row_none(rb, 2);
	row_str(rb, vuln ? "Y" : "N");
	row_str(rb, vuln ? "Y" : "N");
	row_none(rb, 1);
}

static void row_scan_http(const struct gen *g, struct rng *r, struct row *rb, uint32_t sec)
{
	static const char *const servers[] = {"nginx", "Apache/2.4.41 (Ubuntu)", "lighttpd/1.4.59", "Boa/0.94.14rc21",
					      "Microsoft-IIS/10.0", "GoAhead-Webs", "mini_httpd/1.30"};
	static const unsigned ports[] = {80, 80, 80, 8080, 8080, 8000, 81, 8081};
	struct host h;
	pick_host(g, r, &h);
	unsigned code = (unsigned[]){200, 200, 200, 200, 200, 200, 401, 401, 403, 404}[hpick(&h, 40, 10)];
	bool chunked = hpick(&h, 41, 3) == 0;
	row_time(rb, g, sec);
	row_ip4(rb, h.v4);
	row_str(rb, "tcp");
	row_u(rb, ports[hpick(&h, 42, 8)]);
	put_rdns(rb, g, &h);
	row_str(rb, "http");
	put_asn_geo(rb, &h);
	row_u(rb, kinds[ases[h.as].kind].naics);
	row_u(rb, kinds[ases[h.as].kind].sic);
	row_str(rb, "HTTP/1.1");
	row_u(rb, code);
	row_str(rb, code == 200 ? "OK" : code == 401 ? "Unauthorized" : code == 403 ? "Forbidden" : "Not Found");
	row_str(rb, hpick(&h, 43, 2) ? "text/html" : "text/html; charset=UTF-8");
	row_str(rb, hpick(&h, 44, 2) ? "close" : "keep-alive");
	if (code == 401)
		row_strf(rb, "Basic realm=\"%s\"", hpick(&h, 45, 2) ? "Router" : "DVR Web Client");
	else
		row_none(rb, 1);
	if (hpick(&h, 46, 4) == 0)
		row_strf(rb, "SESSIONID=%016llx; path=/; HttpOnly", (unsigned long long)mix64(h.h));
	else
		row_none(rb, 1);
	row_str(rb, servers[hpick(&h, 47, sizeof(servers) / sizeof(servers[0]))]);
	if (chunked) {
		row_none(rb, 1);
		row_str(rb, "chunked");
	} else {
		row_u(rb, 200 + hpick(&h, 48, 20000));
		row_none(rb, 1);
	}
	uint32_t t = sec + 1 < SEC_PER_DAY ? sec + 1 : sec;
	row_strf(rb, "%s %02u:%02u:%02u GMT", g->http_day, t / 3600, t / 60 % 60, t % 60);
}

static const struct {
	const char *vendor, *model, *cn_prefix, *type;
} devices[] = {
	{"Demo Networks", "DN-USG50", "usg50_", "firewall"},
	{"ExampleGate", "EG-60D", "EG60D", "firewall"},
	{"Sample Systems", "SS-R200", "sr200-", "router"},
};

static void row_scan_ssl_freak(const struct gen *g, struct rng *r, struct row *rb, uint32_t sec)
{
	static const char *const export_suites[] = {"TLS_RSA_EXPORT_WITH_RC4_40_MD5",
						    "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"};
	struct host h;
	pick_host(g, r, &h);
	unsigned d = hpick(&h, 50, 3);
	char cn[40];
	snprintf(cn, sizeof(cn), "%s%012llX", devices[d].cn_prefix,
		 (unsigned long long)(h.h >> 16) & 0xffffffffffffULL);
	row_time(rb, g, sec);
	row_ip4(rb, h.v4);
	row_u(rb, (unsigned[]){443, 443, 8443, 10443}[hpick(&h, 51, 4)]);
	put_rdns(rb, g, &h);
	row_str(rb, "ssl-freak");
	row_str(rb, hpick(&h, 52, 2) ? "TLSv1.0" : "TLSv1.1");
	put_asn_geo(rb, &h);
	row_str(rb, hpick(&h, 53, 2) ? "TLS_RSA_WITH_RC4_128_SHA" : "TLS_RSA_WITH_AES_128_CBC_SHA");
	row_u(rb, 1024);
	row_str(rb, cn);
	row_str(rb, cn);
	put_cert_dates(rb, g, &h);
	row_hex(rb, &h, 6, 20, true);
	row_hex(rb, &h, 7, 4, false);
	row_str(rb, "sha1WithRSAEncryption");
	row_str(rb, "rsaEncryption");
	for (unsigned who = 0; who < 2; who++) { /* subject_*, then issuer_*: the same, self-signed */
		row_str(rb, devices[d].vendor);
		row_str(rb, devices[d].model);
		row_none(rb, 10);
	}
	row_u(rb, kinds[ases[h.as].kind].naics);
	row_u(rb, kinds[ases[h.as].kind].sic);
	row_str(rb, "Y");
	row_str(rb, export_suites[hpick(&h, 54, 2)]);
	row_str(rb, kinds[ases[h.as].kind].sector);
	row_hex(rb, &h, 8, 32, true);
	row_hex(rb, &h, 9, 64, true);
	row_hex(rb, &h, 10, 16, true);
	row_str(rb, "HTTP/1.1");
	row_u(rb, 200);
	row_str(rb, "OK");
	row_str(rb, "text/html");
	row_none(rb, 4);
	row_u(rb, 300 + hpick(&h, 55, 3000));
	row_none(rb, 1);
	uint32_t t = sec + 2 < SEC_PER_DAY ? sec + 2 : sec;
	row_strf(rb, "%s %02u:%02u:%02u GMT", g->http_day, t / 3600, t / 60 % 60, t % 60);
	row_str(rb, "N");
	row_str(rb, "Y");
	row_str(rb, hpick(&h, 56, 5) ? "N" : "Y");
	row_str(rb, "N");
	row_str(rb, "unknown");
	row_str(rb, "x509: certificate signed by unknown authority");
	row_str(rb, devices[d].model);
	row_none(rb, 1);
	row_str(rb, devices[d].type);
	row_str(rb, devices[d].vendor);
	row_none(rb, 7);
}

static const struct {
	const char *infection, *family, *tag, *url, *agent, *stem;
	bool iot;
} infections[] = {
	{"andromeda", "andromeda", "avalanche-andromeda", "/ping.php",
	 "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1)", "vzboss", false},
	{"conficker", "conficker", "", "/search?q=0", "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)", "xqzpl",
	 false},
	{"necurs", "necurs", "", "/forum/db.php", "Mozilla/5.0 (Windows NT 6.1; Win64; x64)", "nbkwu", false},
	{"ramnit", "ramnit", "", "/", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "rmtqa", false},
	{"sality", "sality", "", "/images/logos.gif", "KUKU v5.05exp", "slyjd", false},
	{"qsnatch", "qsnatch", "", "/modules/cgi/", "curl/7.29.0", "qsnhx", true},
	{"gamut", "gamut", "spam", "/", "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1)", "gmtfo", false},
	{"tinba", "tinba", "banking", "/ai/", "Mozilla/5.0 (Windows NT 6.3; WOW64; Trident/7.0)", "tbnvz", false},
};

static void row_event4_sinkhole_http(const struct gen *g, struct rng *r, struct row *rb, uint32_t sec)
{
	static const char *const sinkhole_geo[3] = {"US", "CALIFORNIA", "SAN FRANCISCO"};
	struct host h;
	pick_host_kind(g, r, 1u << KIND_TELECOM | 1u << KIND_MOBILE | 1u << KIND_ACADEMIC, &h);
	unsigned i = hpick(&h, 60, sizeof(infections) / sizeof(infections[0]));
	row_time(rb, g, sec);
	row_str(rb, "tcp");
	put_event_src(rb, g, &h, 49152 + rng_below(r, 16384));
	if (infections[i].iot) {
		row_str(rb, "QNAP");
		row_str(rb, "NAS");
	} else {
		row_none(rb, 2);
	}
	row_none(rb, 1);
	put_event_dst(rb, SINKHOLE_BASE + hpick(&h, 61, 8), 80, 64500, sinkhole_geo);
	row_none(rb, 1);
	row_str(rb, infections[i].infection);
	row_str(rb, infections[i].family);
	row_str(rb, infections[i].tag);
	row_str(rb, "http");
	row_none(rb, 2);
	row_str(rb, infections[i].url);
	row_strf(rb, "%s%02x.example", infections[i].stem, hpick(&h, 62, 12));
	row_str(rb, infections[i].agent);
	row_none(rb, 3);
}

static void row_event4_honeypot_brute_force(const struct gen *g, struct rng *r, struct row *rb, uint32_t sec)
{
	static const char *const users[] = {"root", "admin", "ubnt", "pi", "user", "support", "oracle", "test"};
	static const char *const passwords[] = {"123456", "admin", "password", "ubnt", "raspberry", "12345", "root"};
	static const char *const clients[] = {"b'SSH-2.0-Go'", "b'SSH-2.0-libssh2_1.9.0'", "b'SSH-2.0-PUTTY'"};
	struct host h;
	pick_host(g, r, &h);
	bool ssh = hpick(&h, 70, 10) < 7;
	unsigned hp = hpick(&h, 71, 40);
	row_time(rb, g, sec);
	row_str(rb, "tcp");
	put_event_src(rb, g, &h, 1024 + rng_below(r, 64511));
	row_none(rb, 3);
	put_event_dst(rb, HONEYPOT_BASE + hp, ssh ? 22 : 23, 64501, honeypot_geo[hp % 3]);
	row_str(rb, "DEMO-HONEYNET");
	row_str(rb, ssh ? "ssh-brute-force" : "telnet-brute-force");
	row_none(rb, 2);
	row_str(rb, ssh ? "ssh" : "telnet");
	row_none(rb, 3);
	char t[32];
	uint32_t end = sec + 1 + rng_below(r, 30);
	for (unsigned k = 0; k < 2; k++) { /* start_time, end_time */
		uint32_t s = k ? (end < SEC_PER_DAY ? end : SEC_PER_DAY - 1) : sec;
		memcpy(t, g->date, 10);
		t[10] = 'T';
		fmt_hms(t + 11, s);
		snprintf(t + 19, sizeof(t) - 19, ".%06uZ", rng_below(r, 1000000));
		row_str(rb, t);
	}
	row_str(rb, ssh ? clients[hpick(&h, 72, 3)] : "");
	row_str(rb, users[rng_below(r, sizeof(users) / sizeof(users[0]))]);
	row_str(rb, passwords[rng_below(r, sizeof(passwords) / sizeof(passwords[0]))]);
	if (!ssh && hpick(&h, 73, 4) == 0) { /* a telnet bot that tried to fetch its payload */
		char ip[16];
		struct host dl;
		host_at(g, h.country, hpick(&h, 74, g->w.chot[h.country]), &dl);
		fmt_ip4(ip, dl.v4);
		row_strf(rb, "http://%s/bins/demo.arm7", ip);
		row_hex(rb, &dl, 11, 16, false);
	} else {
		row_none(rb, 2);
	}
}

static void row_blocklist(const struct gen *g, struct rng *r, struct row *rb, uint32_t sec)
{
	static const char *const sources[] = {"Demo Threat Exchange", "Demo Spam Trap Network", "Demo Scanner Watch"};
	static const char *const reasons[] = {"Malicious Host", "Spam Source", "SSH Scanner", "Brute Force",
					      "Botnet C2"};
	struct host h;
	pick_host(g, r, &h);
	row_time(rb, g, sec);
	struct rcx_ip ip6;
	if (rng_permille(r, 100) && host_v6(g, &h, &ip6)) {
		char t[RCX_IP_BUF];
		rcx_ip_format(&ip6, t);
		row_str(rb, t);
		row_none(rb, 1); /* the reverse names are IPv4 ones */
	} else {
		row_ip4(rb, h.v4);
		put_rdns(rb, g, &h);
	}
	row_str(rb, sources[hpick(&h, 80, 3)]);
	row_str(rb, reasons[hpick(&h, 81, 5)]);
	put_asn_geo(rb, &h);
	row_u(rb, kinds[ases[h.as].kind].naics);
	row_u(rb, kinds[ases[h.as].kind].sic);
	row_str(rb, kinds[ases[h.as].kind].sector);
	row_none(rb, 1);
}

static void row_compromised_website(const struct gen *g, struct rng *r, struct row *rb, uint32_t sec)
{
	static const char *const paths[] = {"/", "/wp-login.php", "/wp-content/themes/twentytwenty/js/jquery.min.js",
					    "/index.php?option=com_content", "/administrator/", "/shop/checkout/"};
	static const struct {
		const char *tag, *category, *family;
	} kinds_cw[] = {
		{"hacked-webserver", "malware", "socgholish"}, {"phishing", "phishing", ""},
		{"defacement", "defacement", ""},              {"hacked-webserver", "spam", "japanese-keyword-hack"},
		{"webskimmer", "malware", "magecart"},
	};
	struct host h;
	pick_host_kind(g, r, 1u << KIND_HOSTING | 1u << KIND_TELECOM, &h);
	unsigned k = hpick(&h, 90, 5);
	bool tls = hpick(&h, 91, 3) != 0;
	char site[64], since[20];
	host_site(&h, site);
	fmt_datetime(g->day_us - (1 + hpick(&h, 92, 60)) * US_PER_DAY + hpick(&h, 93, SEC_PER_DAY) * US_PER_SEC, since);
	row_time(rb, g, sec);
	row_ip4(rb, h.v4);
	row_u(rb, tls ? 443 : 80);
	put_rdns(rb, g, &h);
	row_str(rb, kinds_cw[k].tag);
	row_str(rb, tls ? "https" : "http");
	put_asn_geo(rb, &h);
	row_str(rb, paths[hpick(&h, 94, 6)]);
	row_str(rb, site);
	row_str(rb, kinds_cw[k].category);
	row_str(rb, hpick(&h, 95, 4) ? "Linux" : "WINNT");
	row_str(rb, since);
	row_str(rb, (const char *[]){"Apache", "nginx", "LiteSpeed", "Microsoft-IIS/8.5"}[hpick(&h, 96, 4)]);
	if (k == 0)
		row_strf(rb, "http://tds%02x.example/redirect", hpick(&h, 97, 16));
	else
		row_none(rb, 1);
	row_u(rb, kinds[ases[h.as].kind].naics);
	row_u(rb, kinds[ases[h.as].kind].sic);
	row_str(rb, kinds[ases[h.as].kind].sector);
	if (k == 4)
		row_strf(rb, "https://cdn%02x.example/js/analytics.js", hpick(&h, 98, 16));
	else
		row_none(rb, 1);
	row_str(rb, kinds_cw[k].family);
}

/* How a report column becomes an event field in the schema file. field "extra." means
 * extra.<column>; conv is one of the Shadowserver/IntelMQ conversion names, or NULL. row: the
 * conversion reads other columns of the row too (the mapping's fourth element, `true`). */
struct colmap {
	const char *column, *field, *conv;
	bool required, row;
};

#define OPT(col, field, conv) {col, field, conv, false, false}
#define URL(col, field) {col, field, "convert_http_host_and_url", false, true} /* application://http_host<col> */
static const struct colmap common_maps[] = {
	{"timestamp", "time.source", "add_UTC_to_timestamp", true, false},
	{"ip", "source.ip", "validate_ip", true, false},
	{"src_ip", "source.ip", "validate_ip", true, false},
	{"port", "source.port", "convert_int", true, false},
	{"src_port", "source.port", "convert_int", true, false},
	OPT("protocol", "protocol.transport", NULL),
	OPT("hostname", "source.reverse_dns", "validate_to_none"),
	OPT("src_hostname", "source.reverse_dns", "validate_to_none"),
	OPT("asn", "source.asn", "invalidate_zero"),
	OPT("src_asn", "source.asn", "invalidate_zero"),
	OPT("geo", "source.geolocation.cc", NULL),
	OPT("src_geo", "source.geolocation.cc", NULL),
	OPT("region", "source.geolocation.region", NULL),
	OPT("src_region", "source.geolocation.region", NULL),
	OPT("city", "source.geolocation.city", NULL),
	OPT("src_city", "source.geolocation.city", NULL),
	OPT("naics", "extra.", "invalidate_zero"),
	OPT("sic", "extra.", "invalidate_zero"),
	OPT("src_naics", "extra.source.naics", "invalidate_zero"),
	OPT("src_sector", "extra.source.sector", "validate_to_none"),
	OPT("dst_ip", "destination.ip", "validate_ip"),
	OPT("dst_port", "destination.port", "convert_int"),
	OPT("dst_asn", "destination.asn", "invalidate_zero"),
	OPT("dst_geo", "destination.geolocation.cc", NULL),
	OPT("dst_region", "destination.geolocation.region", NULL),
	OPT("dst_city", "destination.geolocation.city", NULL),
	OPT("dst_hostname", "destination.reverse_dns", "validate_to_none"),
	OPT("dst_naics", "extra.destination.naics", "invalidate_zero"),
	OPT("dst_sector", "extra.destination.sector", "validate_to_none"),
	OPT("cert_length", "extra.", "convert_int"),
	OPT("ssl_version", "extra.", "convert_int"),
	OPT("http_code", "extra.", "convert_int"),
	OPT("content_length", "extra.", "convert_int"),
	OPT("smb_major_number", "extra.", "convert_int"),
	OPT("smb_minor_number", "extra.", "convert_int"),
	OPT("smb_revision", "extra.", "convert_int"),
	OPT("smbv1_support", "extra.", "convert_bool"),
	OPT("cve20190708_vulnerable", "extra.", "convert_bool"),
	OPT("bluekeep_vulnerable", "extra.", "convert_bool"),
	OPT("freak_vulnerable", "extra.", "convert_bool"),
	OPT("cert_valid", "extra.", "convert_bool"),
	OPT("self_signed", "extra.", "convert_bool"),
	OPT("cert_expired", "extra.", "convert_bool"),
	OPT("browser_trusted", "extra.", "convert_bool"),
	{NULL, NULL, NULL, false, false},
};

static const struct colmap sinkhole_maps[] = {
	OPT("infection", "classification.identifier", "validate_to_none"),
	OPT("infection", "malware.name", "validate_to_none"),
	OPT("http_host", "destination.fqdn", "validate_fqdn"),
	URL("http_url", "destination.url"),
	{NULL, NULL, NULL, false, false},
};
static const struct colmap brute_force_maps[] = {
	OPT("infection", "classification.identifier", "validate_to_none"),
	OPT("application", "protocol.application", "validate_to_none"),
	OPT("payload_md5", "malware.hash.md5", "validate_to_none"),
	{NULL, NULL, NULL, false, false},
};
static const struct colmap compromised_maps[] = {
	OPT("application", "protocol.application", "validate_to_none"),
	OPT("http_host", "source.fqdn", "validate_fqdn"),
	URL("url", "source.url"),
	OPT("category", "event_description.text", "validate_to_none"),
	OPT("family", "malware.name", "validate_to_none"),
	{NULL, NULL, NULL, false, false},
};
static const struct colmap no_maps[] = {{NULL, NULL, NULL, false, false}};
#undef OPT
#undef URL

#define SS_URL "https://www.shadowserver.org/what-we-do/network-reporting/"
#define CLASS(tax, type) "classification.taxonomy", tax, "classification.type", type

static const struct report {
	const char *type; /* report type = file_name in the schema */
	const char *feed_name;
	const char *url;
	const char *columns; /* the report's header, as Shadowserver publishes it */
	const char *const *constants; /* field, value, ..., NULL */
	const struct colmap *maps; /* report-specific mappings, before the common ones */
	row_fn *row;
	unsigned div, lo; /* rows: rows/div, at least lo (at most SUB_ROWS_MAX); div 0: `rows` */
} reports[] = {
	{"scan_smb", "Accessible-SMB", SS_URL "accessible-smb-report/",
	 "timestamp,ip,port,hostname,tag,asn,geo,region,city,naics,sic,smb_implant,arch,key,smbv1_support,"
	 "smb_major_number,smb_minor_number,smb_revision,smb_version_string",
	 (const char *const[]){CLASS("vulnerable", "potentially-unwanted-accessible"), "classification.identifier",
			       "accessible-smb", "protocol.application", "smb", "protocol.transport", "tcp", NULL},
	 no_maps, row_scan_smb, 0, 0},
	{"scan_rdp", "Accessible-RDP", SS_URL "accessible-rdp-report/",
	 "timestamp,ip,port,hostname,tag,handshake,asn,geo,region,city,rdp_protocol,cert_length,subject_common_name,"
	 "issuer_common_name,cert_issue_date,cert_expiration_date,sha1_fingerprint,cert_serial_number,ssl_version,"
	 "signature_algorithm,key_algorithm,sha256_fingerprint,sha512_fingerprint,md5_fingerprint,naics,sic,sector,"
	 "tlsv13_support,tlsv13_cipher,cve20190708_vulnerable,bluekeep_vulnerable,jarm",
	 (const char *const[]){CLASS("vulnerable", "potentially-unwanted-accessible"), "classification.identifier",
			       "accessible-rdp", "protocol.application", "rdp", "protocol.transport", "tcp", NULL},
	 no_maps, row_scan_rdp, 4, 5},
	{"scan_http", "Accessible-HTTP", SS_URL "accessible-http-report/",
	 "timestamp,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,sic,http,http_code,http_reason,"
	 "content_type,connection,www_authenticate,set_cookie,server,content_length,transfer_encoding,http_date",
	 (const char *const[]){CLASS("other", "other"), "classification.identifier", "accessible-http",
			       "protocol.application", "http", NULL},
	 no_maps, row_scan_http, 2, 5},
	{"scan_ssl_freak", "SSL-FREAK-Vulnerable-Servers", SS_URL "ssl-freak-report/",
	 "timestamp,ip,port,hostname,tag,handshake,asn,geo,region,city,cipher_suite,cert_length,subject_common_name,"
	 "issuer_common_name,cert_issue_date,cert_expiration_date,sha1_fingerprint,cert_serial_number,"
	 "signature_algorithm,key_algorithm,subject_organization_name,subject_organization_unit_name,subject_country,"
	 "subject_state_or_province_name,subject_locality_name,subject_street_address,subject_postal_code,"
	 "subject_surname,subject_given_name,subject_email_address,subject_business_category,subject_serial_number,"
	 "issuer_organization_name,issuer_organization_unit_name,issuer_country,issuer_state_or_province_name,"
	 "issuer_locality_name,issuer_street_address,issuer_postal_code,issuer_surname,issuer_given_name,"
	 "issuer_email_address,issuer_business_category,issuer_serial_number,naics,sic,freak_vulnerable,"
	 "freak_cipher_suite,sector,sha256_fingerprint,sha512_fingerprint,md5_fingerprint,http_response_type,"
	 "http_code,http_reason,content_type,http_connection,www_authenticate,set_cookie,server_type,content_length,"
	 "transfer_encoding,http_date,cert_valid,self_signed,cert_expired,browser_trusted,validation_level,"
	 "browser_error,device_model,device_sector,device_type,device_vendor,device_version,jarm,page_sha256fp,"
	 "raw_cert,raw_cert_chain,tlsv13_cipher,tlsv13_support",
	 (const char *const[]){CLASS("vulnerable", "weak-crypto"), "classification.identifier", "ssl-freak",
			       "protocol.application", "https", "protocol.transport", "tcp", NULL},
	 no_maps, row_scan_ssl_freak, 8, 5},
	{"event4_sinkhole_http", "Sinkhole-HTTP-Events", SS_URL "sinkhole-http-events-report/",
	 "timestamp,protocol,src_ip,src_port,src_asn,src_geo,src_region,src_city,src_hostname,src_naics,src_sector,"
	 "device_vendor,device_type,device_model,dst_ip,dst_port,dst_asn,dst_geo,dst_region,dst_city,dst_hostname,"
	 "dst_naics,dst_sector,public_source,infection,family,tag,application,version,event_id,http_url,http_host,"
	 "http_agent,forwarded_by,ssl_cipher,http_referer",
	 (const char *const[]){CLASS("malicious-code", "infected-system"), "protocol.application", "http", NULL},
	 sinkhole_maps, row_event4_sinkhole_http, 4, 5},
	{"event4_honeypot_brute_force", "Honeypot-Brute-Force-Events", SS_URL "honeypot-brute-force-events-report/",
	 "timestamp,protocol,src_ip,src_port,src_asn,src_geo,src_region,src_city,src_hostname,src_naics,src_sector,"
	 "device_vendor,device_type,device_model,dst_ip,dst_port,dst_asn,dst_geo,dst_region,dst_city,dst_hostname,"
	 "dst_naics,dst_sector,public_source,infection,family,tag,application,version,event_id,service,start_time,"
	 "end_time,client_version,username,password,payload_url,payload_md5",
	 (const char *const[]){CLASS("intrusion-attempts", "brute-force"), NULL},
	 brute_force_maps, row_event4_honeypot_brute_force, 5, 5},
	{"blocklist", "Blocklist", SS_URL "blocklist-report/",
	 "timestamp,ip,hostname,source,reason,asn,geo,region,city,naics,sic,sector,tag",
	 (const char *const[]){CLASS("other", "blacklist"), "classification.identifier", "blacklisted-ip", NULL},
	 no_maps, row_blocklist, 10, 5},
	{"compromised_website", "Compromised-Website", SS_URL "compromised-website-report/",
	 "timestamp,ip,port,hostname,tag,application,asn,geo,region,city,url,http_host,category,system,detected_since,"
	 "server,redirect_target,naics,sic,sector,cc_url,family",
	 (const char *const[]){CLASS("intrusions", "system-compromise"), "classification.identifier",
			       "compromised-website", NULL},
	 compromised_maps, row_compromised_website, 20, 5},
};
#undef CLASS
#define REPORT_N (sizeof(reports) / sizeof(reports[0]))
#define SUB_ROWS_MAX 200000u /* the smaller reports stay small when `rows` is a benchmark's 10 M */

const char *ingest_demo_scan_type(void)
{
	return reports[0].type;
}

static uint64_t sub_rows(uint64_t rows, unsigned div, unsigned lo, unsigned hi)
{
	uint64_t n = rows / div;
	return n < lo ? lo : n > hi ? hi : n;
}

/* Index of column name[0..len) in a comma-separated column list, or -1. */
static int column_index(const char *columns, const char *name, size_t len)
{
	int i = 0;
	for (const char *p = columns;; i++) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == len && !memcmp(p, name, len))
			return i;
		if (!e)
			return -1;
		p = e + 1;
	}
}

static enum rcx_result write_report(struct gen *g, const struct report *rep, uint64_t n, unsigned stream)
{
	char name[128];
	snprintf(name, sizeof(name), "%s-%s-rcx-demo-geo.csv", g->date, rep->type);
	struct out out;
	enum rcx_result r = out_open(g, name, &out);
	if (r != RCX_OK)
		return r;
	struct row *rb = calloc(1, sizeof(*rb));
	if (!rb) {
		r = RCX_ENOMEM;
		goto fail;
	}
	/* The header quotes every column name, as Shadowserver's do. */
	unsigned ncols = 1;
	fputc('"', out.f);
	for (const char *p = rep->columns; *p; p++) {
		if (*p == ',') {
			ncols++;
			fputs("\",\"", out.f);
		} else {
			fputc(*p, out.f);
		}
	}
	fputs("\"\n", out.f);

	struct rng rs;
	rng_init(&rs, g->seed, stream);
	for (uint64_t i = 0; i < n; i++) {
		if (i && rng_permille(&rs, DUP_PERMILLE)) {
			fwrite(rb->b, 1, rb->n, out.f);
			continue;
		}
		uint32_t sec = (uint32_t)(i * SEC_PER_DAY / n) + rng_below(&rs, 3);
		rb->n = 0;
		rb->fields = 0;
		rep->row(g, &rs, rb, sec < SEC_PER_DAY ? sec : SEC_PER_DAY - 1);
		if (rb->overflow || rb->fields != ncols) {
			r = set_error(g, RCX_EINVAL, "internal error: %s row with %u of %u fields", rep->type,
				      rb->fields, ncols);
			goto fail;
		}
		rb->b[rb->n++] = '\n';
		if (fwrite(rb->b, 1, rb->n, out.f) != rb->n)
			break; /* out_close reports it */
	}
	free(rb);
	return out_close(g, &out);
fail:
	free(rb);
	out_discard(&out);
	return r;
}

/* ---- shadowserver-schema.json ---- */

static int add_map(json_t *req, json_t *opt, const struct colmap *m, const char *column)
{
	json_t *e = m->row    ? json_pack("[s, s, s, b]", m->field, column, m->conv, 1)
		    : m->conv ? json_pack("[s, s, s]", m->field, column, m->conv)
			      : json_pack("[s, s]", m->field, column);
	return json_array_append_new(m->required ? req : opt, e);
}

static enum rcx_result report_schema(struct gen *g, const struct report *rep, json_t **ret)
{
	json_t *consts = json_object(), *req = json_array(), *opt = json_array();
	json_t *entry = NULL;
	enum rcx_result r = RCX_OK;
	int bad = !consts || !req || !opt;
	for (const char *const *c = rep->constants; !bad && *c; c += 2)
		bad |= json_object_set_new(consts, c[0], json_string(c[1]));
	for (const struct colmap *m = rep->maps; m->column; m++)
		if (column_index(rep->columns, m->column, strlen(m->column)) < 0) {
			bad = 1;
			r = set_error(g, RCX_EINVAL, "internal error: %s maps missing column %s", rep->type, m->column);
		}
	for (const char *p = rep->columns; !bad;) {
		const char *e = strchr(p, ',');
		char col[64];
		size_t n = e ? (size_t)(e - p) : strlen(p);
		snprintf(col, sizeof(col), "%.*s", (int)n, p);
		bool mapped = false;
		for (const struct colmap *m = rep->maps; m->column; m++)
			if (!strcmp(m->column, col)) {
				bad |= add_map(req, opt, m, col);
				mapped = true;
			}
		for (const struct colmap *m = common_maps; !mapped && m->column; m++)
			if (!strcmp(m->column, col)) {
				bad |= add_map(req, opt, m, col);
				mapped = true;
			}
		static const struct colmap rest = {NULL, "extra.", "validate_to_none", false, false};
		if (!mapped) /* everything else is kept, as text, under extra.<column> */
			bad |= add_map(req, opt, &rest, col);
		if (!e)
			break;
		p = e + 1;
	}
	if (!bad) {
		entry = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O}", "feed_name", rep->feed_name, "file_name", rep->type,
				  "url", rep->url, "constant_fields", consts, "required_fields", req, "optional_fields",
				  opt);
		bad = !entry;
	}
	json_decref(consts);
	json_decref(req);
	json_decref(opt);
	if (bad) {
		json_decref(entry);
		return r != RCX_OK ? r : set_error(g, RCX_ENOMEM, "cannot build the schema of %s", rep->type);
	}
	*ret = entry;
	return RCX_OK;
}

static enum rcx_result write_json(struct gen *g, const char *name, json_t *root, size_t indent)
{
	struct out out;
	enum rcx_result r = out_open(g, name, &out);
	if (r != RCX_OK)
		return r;
	if (json_dumpf(root, out.f, JSON_INDENT(indent) | JSON_PRESERVE_ORDER) < 0 || fputc('\n', out.f) == EOF) {
		r = set_error(g, RCX_EIO, "cannot write %s", out.tmp);
		out_discard(&out);
		return r;
	}
	return out_close(g, &out);
}

/* The mapping of the first n reports: exactly those written. */
static enum rcx_result write_schema(struct gen *g, size_t n)
{
	json_t *root = json_object();
	if (!root)
		return RCX_ENOMEM;
	enum rcx_result r = RCX_OK;
	for (size_t i = 0; i < n && r == RCX_OK; i++) {
		json_t *entry = NULL;
		r = report_schema(g, &reports[i], &entry);
		if (r == RCX_OK && json_object_set_new(root, reports[i].type, entry) < 0)
			r = RCX_ENOMEM;
	}
	if (r == RCX_OK)
		r = write_json(g, "shadowserver-schema.json", root, 2);
	json_decref(root);
	return r;
}

/* ---- abuse.ch formats ---- */

struct c2 {
	struct host h;
	unsigned port;
	bool online;
	int64_t first_us, last_us;
	const char *malware;
};

/* The next botnet C2 of the Feodo Tracker list; the JSON and CSV files replay the same stream. */
static void c2_next(const struct gen *g, struct rng *r, struct c2 *c)
{
	static const char *const malware[] = {"Dridex", "Emotet", "TrickBot", "QakBot", "BazarLoader", "IcedID",
					      "Pikabot", "BumbleBee"};
	static const unsigned ports[] = {443, 443, 447, 449, 2222, 8080, 995, 4643, 7080};
	pick_host_kind(g, r, 1u << KIND_HOSTING | 1u << KIND_TELECOM, &c->h);
	c->port = ports[hpick(&c->h, 100, sizeof(ports) / sizeof(ports[0]))];
	c->malware = malware[hpick(&c->h, 101, sizeof(malware) / sizeof(malware[0]))];
	c->online = rng_permille(r, 300);
	uint32_t age = 1 + rng_below(r, 300);
	c->first_us = g->day_us - age * US_PER_DAY + rng_below(r, SEC_PER_DAY) * US_PER_SEC;
	c->last_us = c->online ? g->day_us : g->day_us - (age - rng_below(r, age)) * US_PER_DAY;
}

static enum rcx_result write_feodo_json(struct gen *g, uint64_t n, unsigned stream)
{
	json_t *arr = json_array();
	if (!arr)
		return RCX_ENOMEM;
	struct rng rs;
	rng_init(&rs, g->seed, stream);
	enum rcx_result r = RCX_OK;
	for (uint64_t i = 0; i < n && r == RCX_OK; i++) {
		struct c2 c;
		char ip[16], first[20], last[20], rdns[80];
		c2_next(g, &rs, &c);
		fmt_ip4(ip, c.h.v4);
		fmt_datetime(c.first_us, first);
		fmt_datetime(c.last_us, last);
		last[10] = '\0';
		host_rdns(g, &c.h, rdns);
		json_t *o = json_pack("{s:s, s:i, s:s, s:s?, s:I, s:s, s:s, s:s, s:s, s:s}", "ip_address", ip, "port",
				      (int)c.port, "status", c.online ? "online" : "offline", "hostname",
				      rdns[0] ? rdns : NULL, "as_number", (json_int_t)ases[c.h.as].asn, "as_name",
				      ases[c.h.as].handle, "country", countries[c.h.country].cc, "first_seen", first,
				      "last_online", last, "malware", c.malware);
		if (json_array_append_new(arr, o) < 0)
			r = RCX_ENOMEM;
	}
	if (r == RCX_OK)
		r = write_json(g, "feodotracker-ipblocklist.json", arr, 4);
	json_decref(arr);
	return r;
}

/* A '#' comment line framed to the width of abuse.ch's headers. */
static void boxed(FILE *f, unsigned width, const char *text)
{
	fprintf(f, "# %-*s#\n", (int)width - 3, text);
}

static enum rcx_result write_feodo_csv(struct gen *g, uint64_t n, unsigned stream)
{
	struct out out;
	enum rcx_result r = out_open(g, "feodotracker-ipblocklist.csv", &out);
	if (r != RCX_OK)
		return r;
	char line[80];
	fputs("################################################################\n", out.f);
	boxed(out.f, 64, "abuse.ch Feodo Tracker Botnet C2 IP Blocklist (CSV)");
	snprintf(line, sizeof(line), "Last updated: %s 06:00:00 UTC", g->date);
	boxed(out.f, 64, line);
	boxed(out.f, 64, "");
	boxed(out.f, 64, "rcx demo data: synthetic, not from abuse.ch");
	fputs("################################################################\n#\n", out.f);
	fputs("\"first_seen_utc\",\"dst_ip\",\"dst_port\",\"c2_status\",\"last_online\",\"malware\"\n", out.f);
	struct rng rs;
	rng_init(&rs, g->seed, stream);
	for (uint64_t i = 0; i < n; i++) {
		struct c2 c;
		char ip[16], first[20], last[20];
		c2_next(g, &rs, &c);
		fmt_ip4(ip, c.h.v4);
		fmt_datetime(c.first_us, first);
		fmt_datetime(c.last_us, last);
		last[10] = '\0';
		fprintf(out.f, "\"%s\",\"%s\",\"%u\",\"%s\",\"%s\",\"%s\"\n", first, ip, c.port,
			c.online ? "online" : "offline", last, c.malware);
	}
	fprintf(out.f, "# END (%llu) entries\n", (unsigned long long)n);
	return out_close(g, &out);
}

static enum rcx_result write_urlhaus(struct gen *g, uint64_t n, unsigned stream)
{
	static const char *const bins[] = {"bins/demo.mips", "bins/demo.arm7", "i", "bins.sh", "Mozi.m"};
	static const char *const docs[] = {"invoice", "scan", "document", "payment", "order"};
	struct out out;
	enum rcx_result r = out_open(g, "urlhaus.csv", &out);
	if (r != RCX_OK)
		return r;
	char line[96];
	const char *bar = "##############################################################################\n";
	fputs(bar, out.f);
	boxed(out.f, 78, "URLhaus TLD CSV Feed");
	snprintf(line, sizeof(line), "Generated on %s 06:00:00 UTC", g->date);
	boxed(out.f, 78, line);
	boxed(out.f, 78, "");
	boxed(out.f, 78, "rcx demo data: synthetic, not from abuse.ch");
	fputs(bar, out.f);
	fputs("#\n# Feed generated for the rcx demo countries: AL BA HR XK ME MK RS\n#\n", out.f);
	fputs("# Dateadded (UTC),URL,URL_status,Threat,Host,IPaddress,ASnumber,Country\n", out.f);
	struct rng rs;
	rng_init(&rs, g->seed, stream);
	for (uint64_t i = 0; i < n; i++) {
		struct host h;
		char added[20], ip[16], host[64], url[160];
		pick_host(g, &rs, &h);
		fmt_ip4(ip, h.v4);
		int64_t t = g->day_us - rng_below(&rs, 30) * US_PER_DAY + rng_below(&rs, SEC_PER_DAY) * US_PER_SEC;
		fmt_datetime(t, added);
		if (hpick(&h, 110, 2)) { /* an IoT bot serving its own binaries */
			snprintf(host, sizeof(host), "%s", ip);
			unsigned port = (unsigned[]){81, 8080, 38529, 52869}[hpick(&h, 111, 4)];
			snprintf(url, sizeof(url), "http://%s:%u/%s", ip, port, bins[rng_below(&rs, 5)]);
		} else { /* a compromised site serving a dropper */
			host_site(&h, host);
			snprintf(url, sizeof(url), "http%s://%s/wp-content/uploads/%.4s/%.2s/%s_%04x.zip",
				 hpick(&h, 112, 2) ? "s" : "", host, added, added + 5, docs[rng_below(&rs, 5)],
				 rng_below(&rs, 65536));
		}
		const char *status = rng_permille(&rs, 400) ? "online" : "offline";
		fprintf(out.f, "%s,%s,%s,malware_download,%s,%s,%u,%s\n", added, url, status, host, ip, ases[h.as].asn,
			countries[h.country].cc);
	}
	fprintf(out.f, "# of entries: %llu\n", (unsigned long long)n);
	return out_close(g, &out);
}

/* ---- Plain lists ---- */

static enum rcx_result write_blocklist_ips(struct gen *g, uint64_t n, unsigned stream)
{
	struct out out;
	enum rcx_result r = out_open(g, "blocklist-ips.txt", &out);
	if (r != RCX_OK)
		return r;
	fprintf(out.f, "# rcx demo blocklist, %s: one IP address or network per line; '#' starts a comment.\n"
		       "# Synthetic data: RFC 2544 / RFC 5737 / RFC 3849 addresses only.\n", g->date);
	struct rng rs;
	rng_init(&rs, g->seed, stream);
	static const char *const sections[] = {"brute-force and scanning sources", "networks sending spam",
					       "IPv6 sources"};
	uint64_t count[3] = {n - n / 4, n / 6, n - (n - n / 4) - n / 6};
	for (unsigned s = 0; s < 3; s++) {
		fprintf(out.f, "\n# %s\n", sections[s]);
		for (uint64_t i = 0; i < count[s]; i++) {
			struct host h;
			char t[RCX_IP_BUF];
			struct rcx_ip ip6;
			pick_host(g, &rs, &h);
			unsigned len = 24 + 4 * rng_below(&rs, 2);
			if (s == 0) {
				fmt_ip4(t, h.v4);
				fprintf(out.f, "%s\n", t);
			} else if (s == 1 || !host_v6(g, &h, &ip6)) {
				fmt_ip4(t, h.v4 & ~((UINT32_C(1) << (32 - len)) - 1));
				fprintf(out.f, "%s/%u\n", t, len);
			} else {
				rcx_ip_format(&ip6, t);
				fprintf(out.f, "%s\n", t);
			}
		}
	}
	return out_close(g, &out);
}

static enum rcx_result write_drop(struct gen *g, uint64_t n, unsigned stream)
{
	struct out out;
	enum rcx_result r = out_open(g, "spamhaus-drop.txt", &out);
	if (r != RCX_OK)
		return r;
	fprintf(out.f, "; rcx demo DROP-format list %.4s/%.2s/%.2s - synthetic data, not from The Spamhaus Project\n"
		       "; https://www.spamhaus.org/drop/drop.txt\n"
		       "; Last-Modified: %s 04:00:00 GMT\n"
		       "; Expires: %s 10:00:00 GMT\n", g->date, g->date + 5, g->date + 8, g->http_day, g->http_day);
	struct rng rs;
	rng_init(&rs, g->seed, stream);
	uint32_t seen[64];
	unsigned n_seen = 0, sbl = 600000;
	for (uint64_t i = 0; i < n && n_seen < 64; i++) {
		struct host h;
		pick_host(g, &rs, &h);
		unsigned len = 22 + rng_below(&rs, 3), plen = prefixes[h.pfx].len;
		len = len < plen ? plen : len; /* never wider than the announced prefix */
		uint32_t net = h.v4 & ~((UINT32_C(1) << (32 - len)) - 1);
		bool dup = false;
		for (unsigned k = 0; k < n_seen; k++)
			dup |= seen[k] == net;
		if (dup)
			continue;
		seen[n_seen++] = net;
		char t[16];
		fmt_ip4(t, net);
		sbl += 1 + rng_below(&rs, 40);
		fprintf(out.f, "%s/%u ; SBL%u\n", t, len, sbl);
	}
	for (unsigned k = 0; k < 2; k++) { /* and two hijacked IPv6 blocks */
		struct host h;
		struct rcx_ip ip6;
		pick_host(g, &rs, &h);
		if (!host_v6(g, &h, &ip6))
			continue;
		memset(ip6.addr + 7, 0, 9);
		char t[RCX_IP_BUF];
		rcx_ip_format(&ip6, t);
		sbl += 1 + rng_below(&rs, 40);
		fprintf(out.f, "%s/56 ; SBL%u\n", t, sbl);
	}
	return out_close(g, &out);
}

/* ---- Enrichment files and configuration ---- */

static enum rcx_result write_enrich(struct gen *g)
{
	struct out out;
	enum rcx_result r = out_open(g, "enrich/pfx2as.txt", &out);
	if (r != RCX_OK)
		return r;
	for (size_t p = 0; p < PREFIX_N; p++)
		fprintf(out.f, "%s\t%u\t%u\n", prefixes[p].net, prefixes[p].len, prefixes[p].asn);
	for (size_t a = 0; a < AS_N; a++)
		if (ases[a].v6)
			fprintf(out.f, "%s\t48\t%u\n", ases[a].v6, ases[a].asn);
	if ((r = out_close(g, &out)) != RCX_OK)
		return r;

	if ((r = out_open(g, "enrich/asnames.txt", &out)) != RCX_OK)
		return r;
	bool done[AS_N] = {false};
	for (size_t k = 0; k < AS_N; k++) { /* in ASN order, as published lists are */
		size_t best = AS_N;
		for (size_t a = 0; a < AS_N; a++)
			if (!done[a] && (best == AS_N || ases[a].asn < ases[best].asn))
				best = a;
		done[best] = true;
		fprintf(out.f, "%u %s %s, %s\n", ases[best].asn, ases[best].handle, ases[best].descr, ases[best].cc);
	}
	return out_close(g, &out);
}

static enum rcx_result write_config(struct gen *g)
{
	struct out out;
	enum rcx_result r = out_open(g, "rcx-demo.conf", &out);
	if (r != RCX_OK)
		return r;
	FILE *f = out.f;
	fprintf(f, "# rcx demo configuration, written with the demo data of %s.\n"
		   "# All addresses are synthetic (RFC 2544, RFC 5737, RFC 3849) and all ASNs private-use.\n"
		   "# Relative paths are relative to this file.\n\n", g->date);
	fputs("[shadowserver]\n# Mapping of the demo's Shadowserver reports, in Shadowserver's intelmq.json format.\n"
	      "schema = shadowserver-schema.json\n\n", f);
	fputs("[enrich]\npfx2as = enrich/pfx2as.txt\nasnames = enrich/asnames.txt\n\n", f);
	/* Feeds without a country (plain lists, Feodo CSV) are routed by the AS that pfx2as fills in,
	 * so every AS gets a rule; cidr beats asn beats cc, which lets the sectoral teams win. */
	fputs("[routing]\n# The national CERT of the event's country ...\n", f);
	for (unsigned c = 0; c < COUNTRY_N; c++)
		fprintf(f, "cc %s = %s\n", countries[c].cc, countries[c].cert);
	fputs("# ... and of each AS in the country, unless a sectoral team covers it ...\n", f);
	for (size_t a = 0; a < AS_N; a++) {
		const char *cc = ases[a].cc, *team = NULL;
		if (g->w.as_country[a] == COUNTRY_NONE)
			continue;
		if (ases[a].kind == KIND_BANK && (!strcmp(cc, "RS") || !strcmp(cc, "HR")))
			team = !strcmp(cc, "RS") ? "RS-FIN-CERT" : "HR-FIN-CERT";
		else if (ases[a].kind == KIND_ACADEMIC && !strcmp(cc, "HR"))
			team = "CARNET-CERT";
		else if (ases[a].kind == KIND_ACADEMIC && !strcmp(cc, "RS"))
			team = "AMRES-CERT";
		fprintf(f, "asn %u = %s\n", ases[a].asn, team ? team : countries[g->w.as_country[a]].cert);
	}
	fputs("# ... and the energy companies' networks go to the energy sector's CSIRT.\n", f);
	for (size_t p = 0; p < PREFIX_N; p++)
		if (ases[g->w.pfx_as[p]].kind == KIND_ENERGY)
			fprintf(f, "cidr %s/%u = ENERGY-CSIRT-%s\n", prefixes[p].net, prefixes[p].len,
				ases[g->w.pfx_as[p]].cc);
	return out_close(g, &out);
}

/* ---- Entry point ---- */

/* With only_scan, the big report and what it takes to ingest it (schema, enrichment, config). */
static enum rcx_result generate_all(struct gen *g)
{
	size_t n_reports = g->o->only_scan ? 1 : REPORT_N;
	enum rcx_result r = write_report(g, &reports[0], g->rows, 1);
	for (size_t i = 1; i < n_reports && r == RCX_OK; i++)
		r = write_report(g, &reports[i], sub_rows(g->rows, reports[i].div, reports[i].lo, SUB_ROWS_MAX),
				 (unsigned)i + 1);
	if (r == RCX_OK)
		r = write_schema(g, n_reports);
	if (r == RCX_OK && !g->o->only_scan)
		r = write_feodo_json(g, sub_rows(g->rows, 100, 8, 2000), 20);
	if (r == RCX_OK && !g->o->only_scan)
		r = write_feodo_csv(g, sub_rows(g->rows, 100, 8, 2000), 20);
	if (r == RCX_OK && !g->o->only_scan)
		r = write_urlhaus(g, sub_rows(g->rows, 20, 10, 20000), 21);
	if (r == RCX_OK && !g->o->only_scan)
		r = write_blocklist_ips(g, sub_rows(g->rows, 40, 12, 5000), 22);
	if (r == RCX_OK && !g->o->only_scan)
		r = write_drop(g, sub_rows(g->rows, 1000, 8, 60), 23);
	if (r == RCX_OK) {
		char *dir;
		if (asprintf(&dir, "%s/enrich", g->dir) < 0)
			return RCX_ENOMEM;
		r = mkdir_p(g, dir);
		free(dir);
	}
	if (r == RCX_OK)
		r = write_enrich(g);
	if (r == RCX_OK)
		r = write_config(g);
	return r;
}

enum rcx_result ingest_demo_generate(const struct ingest_demo_options *o, char **ret_error)
{
	static const char *const dows[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	enum rcx_result r;
	struct gen *g = calloc(1, sizeof(*g));
	if (!g) {
		r = RCX_ENOMEM;
		goto fail;
	}
	if (!o || !o->out_dir || !*o->out_dir) {
		r = set_error(g, RCX_EINVAL, "no output directory");
		goto fail;
	}
	if (o->rows > INGEST_DEMO_ROWS_MAX) { /* also keeps row * 86400 far from overflow */
		r = set_error(g, RCX_ELIMIT, "at most %llu rows", (unsigned long long)INGEST_DEMO_ROWS_MAX);
		goto fail;
	}
	g->o = o;
	g->dir = o->out_dir;
	g->seed = o->seed;
	g->rows = o->rows ? o->rows : INGEST_DEMO_ROWS_DEFAULT;
	/* Up to SCAN_V4_ROWS the big report is IPv4 as Shadowserver's scan_* reports are; past that,
	 * IPv6 rows keep the share of repeated hosts (which dedup drops) near that of the default size. */
	if (g->rows > SCAN_V4_ROWS)
		g->scan_v6_permille = (unsigned)(1000 - SCAN_V4_ROWS * 1000 / g->rows);
	int64_t t = o->day_us ? o->day_us : rcx_time_now();
	g->day = (t >= 0 ? t : t - US_PER_DAY + 1) / US_PER_DAY;
	g->day_us = g->day * US_PER_DAY;
	char iso[RCX_TIME_BUF];
	rcx_time_format(g->day_us, iso);
	if (strlen(iso) < 10 || g->day < 0) {
		r = set_error(g, RCX_EINVAL, "report date out of range");
		goto fail;
	}
	memcpy(g->date, iso, 10);
	unsigned month = (unsigned)(iso[5] - '0') * 10 + (unsigned)(iso[6] - '0');
	snprintf(g->http_day, sizeof(g->http_day), "%s, %.2s %s %.4s", dows[(g->day + 4) % 7], iso + 8,
		 months[(month - 1) % 12], iso);
	if ((r = world_init(g)) != RCX_OK) {
		set_error(g, r, "internal error: bad address plan");
		goto fail;
	}
	if ((r = mkdir_p(g, g->dir)) != RCX_OK)
		goto fail;
	if ((r = generate_all(g)) != RCX_OK)
		goto fail;
	goto out;
fail:
	for (size_t i = 0; g && i < g->n_written; i++)
		unlink(g->written[i]);
	if (ret_error) {
		*ret_error = g && g->err ? g->err : strdup(rcx_result_message(r));
		if (g)
			g->err = NULL;
	}
out:
	if (g) {
		for (size_t i = 0; i < g->n_written; i++)
			free(g->written[i]);
		free(g->err);
	}
	free(g);
	return r;
}
