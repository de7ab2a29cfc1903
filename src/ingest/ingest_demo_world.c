/* Demo generator, part 1: the PRNG, the address plan ("world") and its hosts, output files and CSV rows.
 *
 * The address plan is a fixed table: each country owns a few ASes, each AS one or more IPv4 prefixes
 * (all /25 or larger) and maybe an IPv6 /48. A host is an index into its country's IPv4 space; the
 * index is scrambled by multiplying with a prime larger than any space, modulo the space size (a
 * bijection), so that the low "hot" indexes are spread over all prefixes. A quarter of the rows of
 * every file draw their host from the small hot set, which is what makes hosts reappear across
 * reports. What a host *is* (city, server software, infection ...) is a hash of seed and address, so a
 * host that reappears looks the same everywhere; what varies per row (time, source port) comes from
 * the file's PRNG stream.
 *
 * Every file has its own xoshiro256** stream seeded from (seed, file number) with splitmix64, so files
 * do not shift each other when their sizes change. CSV rows are formatted by hand into one row buffer
 * (no printf on the hot path) and written through a 1 MiB stdio buffer.
 */
#include "ingest/ingest_demo_impl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ip.h"
#include "core/time.h"

#define OUT_BUF (1u << 20)       /* stdio buffer per output file */
#define HOT_PERMILLE 250u        /* rows whose host comes from the hot set */
#define SCRAMBLE UINT64_C(2654435761) /* a prime above every country's address count */

/* ---- PRNG (the per-row functions are inline in ingest_demo_impl.h) ---- */

void demo_rng_init(struct demo_rng *r, uint64_t seed, unsigned stream)
{
	uint64_t x = seed ^ demo_mix64(stream + UINT64_C(1));
	for (unsigned i = 0; i < 4; i++)
		r->s[i] = demo_splitmix64(&x);
}

/* ---- The world: countries, ASes, prefixes ---- */

const struct demo_country demo_countries[] = {
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

#define SECTOR_COMM "Communications, Service Provider, and Hosting Service"
const struct demo_kind_info demo_kinds[] = {
	[KIND_TELECOM] = {517311, 4813, SECTOR_COMM},  [KIND_MOBILE] = {517312, 4812, SECTOR_COMM},
	[KIND_HOSTING] = {518210, 7374, SECTOR_COMM},  [KIND_BANK] = {522110, 6021, "Banking, Finance, and Insurance"},
	[KIND_ENERGY] = {221122, 4911, "Energy"},       [KIND_ACADEMIC] = {611310, 8221, "Education"},
	[KIND_GOV] = {921190, 9199, "Government"},      [KIND_INFRA] = {518210, 7374, SECTOR_COMM},
};

/* Private-use ASNs (RFC 6996: 64512-65534, 4200000000+); the two foreign infrastructure ASes use the
 * documentation range (RFC 5398). */
const struct demo_as demo_ases[] = {
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
_Static_assert(sizeof(demo_ases) / sizeof(demo_ases[0]) == AS_N, "AS_N is the size of demo_ases");

const struct demo_prefix demo_prefixes[] = {
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
_Static_assert(sizeof(demo_prefixes) / sizeof(demo_prefixes[0]) == PREFIX_N,
	       "PREFIX_N is the size of demo_prefixes");

enum rcx_result demo_world_init(struct demo_gen *g)
{
	struct demo_world *w = &g->w;
	for (size_t a = 0; a < AS_N; a++) {
		w->as_country[a] = COUNTRY_NONE;
		for (unsigned c = 0; c < COUNTRY_N; c++)
			if (!strcmp(demo_ases[a].cc, demo_countries[c].cc))
				w->as_country[a] = (uint8_t)c;
		struct rcx_ip ip6;
		if (demo_ases[a].v6 && rcx_ip_parse(demo_ases[a].v6, strlen(demo_ases[a].v6), &ip6) != RCX_OK)
			return RCX_EINVAL;
		if (demo_ases[a].v6)
			memcpy(w->as_v6[a], ip6.addr, 16);
		/* "DEMO-TELEKOM-RS" → "telekom-rs.example" */
		const char *h = demo_ases[a].handle + 5;
		size_t n = 0;
		for (; *h && n < sizeof(w->as_zone[a]) - 9; h++)
			w->as_zone[a][n++] = (char)(*h >= 'A' && *h <= 'Z' ? *h + 32 : *h);
		memcpy(w->as_zone[a] + n, ".example", 9);
	}
	for (size_t p = 0; p < PREFIX_N; p++) {
		struct rcx_cidr c;
		char text[RCX_IP_BUF];
		snprintf(text, sizeof(text), "%s/%u", demo_prefixes[p].net, demo_prefixes[p].len);
		if (rcx_cidr_parse(text, strlen(text), true, &c) != RCX_OK || c.ip.family != 4)
			return RCX_EINVAL;
		w->pfx_base[p] = (uint32_t)c.ip.addr[0] << 24 | (uint32_t)c.ip.addr[1] << 16 |
				 (uint32_t)c.ip.addr[2] << 8 | c.ip.addr[3];
		w->pfx_size[p] = UINT32_C(1) << (32 - c.prefix);
		size_t a = 0;
		while (a < AS_N && demo_ases[a].asn != demo_prefixes[p].asn)
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
		w->cshift[c] = (uint32_t)(demo_mix64(g->seed ^ (c + UINT64_C(0x5eed))) % w->csize[c]);
		w->weight_total += demo_countries[c].weight;
	}
	return RCX_OK;
}

void demo_host_at(const struct demo_gen *g, unsigned c, uint32_t idx, struct demo_host *ret)
{
	const struct demo_world *w = &g->w;
	idx = (uint32_t)(((uint64_t)idx * SCRAMBLE + w->cshift[c]) % w->csize[c]);
	unsigned i = 0;
	while (idx >= w->pfx_size[w->cpfx[c][i]])
		idx -= w->pfx_size[w->cpfx[c][i++]];
	unsigned p = w->cpfx[c][i];
	ret->v4 = w->pfx_base[p] + idx;
	ret->pfx = (uint16_t)p;
	ret->as = w->pfx_as[p];
	ret->country = (uint8_t)c;
	ret->h = demo_mix64(g->seed ^ (ret->v4 * UINT64_C(0x9e3779b97f4a7c15)));
}

void demo_pick_host(const struct demo_gen *g, struct demo_rng *r, struct demo_host *ret)
{
	unsigned x = demo_rng_below(r, g->w.weight_total), c = 0;
	while (x >= demo_countries[c].weight)
		x -= demo_countries[c].weight, c++;
	uint32_t idx = demo_rng_permille(r, HOT_PERMILLE) ? demo_rng_below(r, g->w.chot[c])
							   : demo_rng_below(r, g->w.csize[c]);
	demo_host_at(g, c, idx, ret);
}

void demo_pick_host_kind(const struct demo_gen *g, struct demo_rng *r, unsigned mask, struct demo_host *ret)
{
	for (unsigned i = 0; i < 16; i++) {
		demo_pick_host(g, r, ret);
		if (mask & (1u << demo_ases[ret->as].kind))
			return;
	}
}

static const char *host_region(const struct demo_host *h)
{
	return demo_countries[h->country].place[demo_hpick(h, 1, 4)][0];
}

static const char *host_city(const struct demo_host *h)
{
	return demo_countries[h->country].place[demo_hpick(h, 1, 4)][1];
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

size_t demo_fmt_ip4(char *p, uint32_t a)
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
size_t demo_fmt_ip6(char *p, const uint8_t a[16])
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

void demo_host_rdns(const struct demo_gen *g, const struct demo_host *h, char buf[80])
{
	buf[0] = '\0';
	if (demo_hpick(h, 2, 10) >= 6)
		return;
	enum demo_kind k = demo_ases[h->as].kind;
	const char *kind = k == KIND_TELECOM || k == KIND_MOBILE ? ".dyn." : ".static.";
	size_t n = demo_fmt_ip4(buf, h->v4), kn = strlen(kind), zn = strlen(g->w.as_zone[h->as]);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '.')
			buf[i] = '-';
	memcpy(buf + n, kind, kn);
	memcpy(buf + n + kn, g->w.as_zone[h->as], zn + 1); /* 15 + 8 + 40 bytes at most */
}

void demo_host_site(const struct demo_host *h, char buf[64])
{
	static const char *const words[] = {"shop", "news", "portal", "hotel", "auto", "apoteka", "turizam",
					    "klinika", "skola", "opstina", "media", "radio", "market", "sport"};
	const char *tld = demo_countries[h->country].tld;
	snprintf(buf, 64, "%s%u.example%s%s", words[demo_hpick(h, 3, sizeof(words) / sizeof(words[0]))],
		 demo_hpick(h, 4, 90) + 1, tld ? "." : "", tld ? tld : "");
}

bool demo_host_v6(const struct demo_gen *g, const struct demo_host *h, struct rcx_ip *ret)
{
	if (!demo_ases[h->as].v6)
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

enum rcx_result demo_set_error(struct demo_gen *g, enum rcx_result r, const char *fmt, ...)
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

enum rcx_result demo_mkdir_p(struct demo_gen *g, const char *dir)
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
			r = demo_set_error(g, RCX_EIO, "cannot create %s: %s", p, strerror(errno));
			goto out;
		}
		*s = c;
		if (!c)
			break;
	}
	struct stat st;
	if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
		r = demo_set_error(g, RCX_EIO, "%s is not a directory", p);
out:
	free(p);
	return r;
}

void demo_out_discard(struct demo_out *o)
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

enum rcx_result demo_out_open(struct demo_gen *g, const char *name, struct demo_out *ret)
{
	struct demo_out o = {0};
	if (g->n_written == FILES_MAX)
		return demo_set_error(g, RCX_ELIMIT, "too many demo files");
	if (asprintf(&o.path, "%s/%s", g->dir, name) < 0) {
		o.path = NULL;
		return RCX_ENOMEM;
	}
	if (asprintf(&o.tmp, "%s.tmp", o.path) < 0) {
		o.tmp = NULL;
		demo_out_discard(&o);
		return RCX_ENOMEM;
	}
	o.buf = malloc(OUT_BUF);
	if (!o.buf) {
		demo_out_discard(&o);
		return RCX_ENOMEM;
	}
	o.f = fopen(o.tmp, "w");
	if (!o.f) {
		enum rcx_result r = demo_set_error(g, RCX_EIO, "cannot write %s: %s", o.tmp, strerror(errno));
		demo_out_discard(&o);
		return r;
	}
	setvbuf(o.f, o.buf, _IOFBF, OUT_BUF);
	*ret = o;
	return RCX_OK;
}

enum rcx_result demo_out_close(struct demo_gen *g, struct demo_out *o)
{
	enum rcx_result r = RCX_OK;
	bool bad = ferror(o->f) != 0;
	if (fclose(o->f) != 0 || bad)
		r = demo_set_error(g, RCX_EIO, "cannot write %s: %s", o->tmp, strerror(errno ? errno : EIO));
	o->f = NULL;
	if (r == RCX_OK && rename(o->tmp, o->path) < 0)
		r = demo_set_error(g, RCX_EIO, "cannot rename %s: %s", o->tmp, strerror(errno));
	if (r != RCX_OK) {
		unlink(o->tmp);
		demo_out_discard(o);
		return r;
	}
	g->written[g->n_written++] = o->path;
	o->path = NULL;
	demo_out_discard(o);
	return RCX_OK;
}

enum rcx_result demo_write_json(struct demo_gen *g, const char *name, json_t *root, size_t indent)
{
	struct demo_out out;
	enum rcx_result r = demo_out_open(g, name, &out);
	if (r != RCX_OK)
		return r;
	if (json_dumpf(root, out.f, JSON_INDENT(indent) | JSON_PRESERVE_ORDER) < 0 || fputc('\n', out.f) == EOF) {
		r = demo_set_error(g, RCX_EIO, "cannot write %s", out.tmp);
		demo_out_discard(&out);
		return r;
	}
	return demo_out_close(g, &out);
}

/* ---- CSV rows ---- */

/* Room for a field of up to need bytes after its separator; NULL (and overflow set) if none. */
static char *row_field(struct demo_row *rb, size_t need)
{
	if (rb->n + need + 2 > ROW_MAX) {
		rb->overflow = true;
		return NULL;
	}
	if (rb->fields++)
		rb->b[rb->n++] = ',';
	return rb->b + rb->n;
}

void demo_row_none(struct demo_row *rb, unsigned k)
{
	while (k--)
		row_field(rb, 0);
}

/* Text is quoted, as Shadowserver quotes text; an empty field stays bare. One pass: this is the
 * hot path of the big scan report. */
void demo_row_str(struct demo_row *rb, const char *s)
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

void demo_row_strf(struct demo_row *rb, const char *fmt, ...)
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
	demo_row_str(rb, t);
}

void demo_row_u(struct demo_row *rb, uint64_t v)
{
	char *p = row_field(rb, 20);
	if (p)
		rb->n += fmt_u(p, v);
}

void demo_row_ip4(struct demo_row *rb, uint32_t a)
{
	char t[16];
	demo_fmt_ip4(t, a);
	demo_row_str(rb, t);
}

void demo_fmt_hms(char *p, uint32_t sec)
{
	unsigned v[3] = {sec / 3600, sec / 60 % 60, sec % 60};
	for (unsigned i = 0; i < 3; i++) {
		p[3 * i] = (char)('0' + v[i] / 10);
		p[3 * i + 1] = (char)('0' + v[i] % 10);
		p[3 * i + 2] = ':';
	}
}

void demo_row_time(struct demo_row *rb, const struct demo_gen *g, uint32_t sec)
{
	char t[20];
	memcpy(t, g->date, 10);
	t[10] = ' ';
	demo_fmt_hms(t + 11, sec);
	t[19] = '\0';
	demo_row_str(rb, t);
}

void demo_fmt_datetime(int64_t us, char buf[20])
{
	char t[RCX_TIME_BUF];
	rcx_time_format(us, t);
	memcpy(buf, t, 19);
	buf[10] = ' ';
	buf[19] = '\0';
}

void demo_row_hex(struct demo_row *rb, const struct demo_host *h, unsigned salt, unsigned nbytes, bool colons)
{
	char t[200];
	size_t n = 0;
	uint64_t x = h->h ^ salt;
	for (unsigned i = 0; i < nbytes && n + 3 < sizeof(t); i++) {
		uint64_t v = demo_splitmix64(&x);
		if (colons && i)
			t[n++] = ':';
		t[n++] = "0123456789ABCDEF"[(v >> 4) & 15];
		t[n++] = "0123456789ABCDEF"[v & 15];
	}
	t[n] = '\0';
	demo_row_str(rb, t);
}

void demo_put_rdns(struct demo_row *rb, const struct demo_gen *g, const struct demo_host *h)
{
	char t[80];
	demo_host_rdns(g, h, t);
	demo_row_str(rb, t);
}

void demo_put_asn_geo(struct demo_row *rb, const struct demo_host *h)
{
	demo_row_u(rb, demo_ases[h->as].asn);
	demo_row_str(rb, demo_countries[h->country].cc);
	demo_row_str(rb, host_region(h));
	demo_row_str(rb, host_city(h));
}

void demo_put_event_src(struct demo_row *rb, const struct demo_gen *g, const struct demo_host *h, unsigned port)
{
	demo_row_ip4(rb, h->v4);
	demo_row_u(rb, port);
	demo_put_asn_geo(rb, h);
	demo_put_rdns(rb, g, h);
	demo_row_u(rb, demo_kinds[demo_ases[h->as].kind].naics);
	demo_row_str(rb, demo_kinds[demo_ases[h->as].kind].sector);
}

void demo_put_event_dst(struct demo_row *rb, uint32_t ip, unsigned port, uint32_t asn, const char *const geo[3])
{
	demo_row_ip4(rb, ip);
	demo_row_u(rb, port);
	demo_row_u(rb, asn);
	for (unsigned i = 0; i < 3; i++)
		demo_row_str(rb, geo[i]);
	demo_row_none(rb, 1);
	demo_row_u(rb, demo_kinds[KIND_INFRA].naics);
	demo_row_str(rb, demo_kinds[KIND_INFRA].sector);
}
