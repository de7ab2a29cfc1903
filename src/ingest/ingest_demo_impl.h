/* Internals shared by the files of the demo generator: ingest_demo_world.c (PRNG, address plan, hosts,
 * output files, CSV rows), ingest_demo_shadowserver.c (the Shadowserver reports and their schema) and
 * ingest_demo.c (the other feeds and the entry point). Nothing else includes this file; callers use
 * ingest_demo.h.
 *
 * Prefix: the functions, types and tables here are demo_ (ingest_demo_ stays the public interface).
 * Macros and enum constants keep short names: no file outside the demo generator sees them.
 *
 * PRNG streams: numbered 1.. for the Shadowserver reports in table order and 20.. for the other feeds.
 * Each file has its own, so files do not shift each other; only the two Feodo Tracker files share 20, as
 * they list the same C2s. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/ip.h"
#include "core/result.h"
#include "ingest/ingest_demo.h"

#define US_PER_SEC INT64_C(1000000)
#define SEC_PER_DAY 86400u
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)
#define ROW_MAX 8192u   /* the longest demo row (scan_ssl_freak) is about 1.6 KiB */
#define FILES_MAX 32u   /* files of one run, for the clean-up on failure */

/* ---- PRNG: splitmix64 to seed, xoshiro256** for the streams (both public domain algorithms) ---- */

/* The per-row primitives are inline here so that the row functions of the other files still inline
 * them, as they did when the generator was one file. */

struct demo_rng {
	uint64_t s[4];
};

/* One splitmix64 step: advances *x, returns the next output (seeding, per-host hex). */
static inline uint64_t demo_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A 64-bit hash of x. */
static inline uint64_t demo_mix64(uint64_t x)
{
	return demo_splitmix64(&x);
}

static inline uint64_t demo_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* The next output of the xoshiro256** stream r. */
static inline uint64_t demo_rng_next(struct demo_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = demo_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = demo_rotl(s[3], 45);
	return result;
}

/* [0, n) by multiply-shift; the bias (n / 2^32) does not matter for demo data. */
static inline uint32_t demo_rng_below(struct demo_rng *r, uint32_t n)
{
	return (uint32_t)(((demo_rng_next(r) >> 32) * n) >> 32);
}

/* True for about p of 1000 draws. */
static inline bool demo_rng_permille(struct demo_rng *r, unsigned p)
{
	return demo_rng_below(r, 1000) < p;
}

/* Seeds r with stream number `stream` of seed. */
void demo_rng_init(struct demo_rng *r, uint64_t seed, unsigned stream);

/* ---- The world: countries, ASes, prefixes (tables in ingest_demo_world.c) ---- */

#define COUNTRY_N 7u
#define COUNTRY_NONE 0xffu
#define AS_N 40u     /* entries of demo_ases (a static assertion beside the table checks the count) */
#define PREFIX_N 42u /* entries of demo_prefixes (likewise) */
#define COUNTRY_PFX_MAX 8u

struct demo_country {
	const char *cc;
	const char *name;
	const char *tld;     /* for web host names example.<tld>; NULL: names under .example */
	unsigned weight;     /* share of the hosts in reports */
	const char *cert;    /* national CERT, for the routing rules */
	const char *place[4][2]; /* region, city, spelled as Shadowserver's geolocation does */
};

enum demo_kind { KIND_TELECOM, KIND_MOBILE, KIND_HOSTING, KIND_BANK, KIND_ENERGY, KIND_ACADEMIC, KIND_GOV,
		 KIND_INFRA, KIND_MAX };

struct demo_kind_info {
	unsigned naics, sic;
	const char *sector;
};

struct demo_as {
	uint32_t asn;
	const char *handle;
	const char *descr;
	const char *cc;
	enum demo_kind kind;
	const char *v6; /* its IPv6 /48 inside 2001:db8::/32, or NULL */
};

struct demo_prefix {
	const char *net;
	uint8_t len;
	uint32_t asn;
};

/* The seven countries, in the order of their index in a host. */
extern const struct demo_country demo_countries[COUNTRY_N];
/* NAICS and SIC codes and the sector of each kind of network. */
extern const struct demo_kind_info demo_kinds[KIND_MAX];
/* Every AS of the address plan, the two foreign infrastructure ASes included. */
extern const struct demo_as demo_ases[];
/* The IPv4 prefixes, in address order as pfx2as files are. */
extern const struct demo_prefix demo_prefixes[];

/* The address plan as the generator uses it, derived from the tables and the seed. */
struct demo_world {
	uint32_t pfx_base[PREFIX_N], pfx_size[PREFIX_N];
	uint16_t pfx_as[PREFIX_N];
	uint8_t as_country[AS_N]; /* index into demo_countries, or COUNTRY_NONE */
	uint8_t as_v6[AS_N][16];
	char as_zone[AS_N][40];   /* reverse-DNS zone, e.g. "telekom-rs.example" */
	uint16_t cpfx[COUNTRY_N][COUNTRY_PFX_MAX];
	uint8_t n_cpfx[COUNTRY_N];
	uint32_t csize[COUNTRY_N], chot[COUNTRY_N], cshift[COUNTRY_N];
	unsigned weight_total;
};

/* One run of the generator. */
struct demo_gen {
	const struct ingest_demo_options *o;
	const char *dir;
	uint64_t seed, rows;
	int64_t day, day_us;   /* days since the epoch; its midnight */
	char date[11];         /* "2026-11-22" */
	char http_day[18];     /* "Sun, 22 Nov 2026" */
	unsigned scan_v6_permille; /* rows of the big scan report with an IPv6 address */
	struct demo_world w;
	char *written[FILES_MAX];
	size_t n_written;
	char *err;
};

struct demo_host {
	uint32_t v4;
	uint16_t as, pfx;
	uint8_t country;
	uint64_t h; /* identity: hash of seed and address */
};

/* Fills g->w from the tables and g->seed; RCX_EINVAL if the tables contradict each other. */
enum rcx_result demo_world_init(struct demo_gen *g);

/* The host at index idx of country c's (scrambled) address space. */
void demo_host_at(const struct demo_gen *g, unsigned c, uint32_t idx, struct demo_host *ret);

/* A host of a country drawn by weight, from the hot set for HOT_PERMILLE of the draws. */
void demo_pick_host(const struct demo_gen *g, struct demo_rng *r, struct demo_host *ret);

/* A host in an AS of one of the kinds in mask (bits 1 << enum demo_kind), if one turns up within a few
 * draws; else the last host drawn. */
void demo_pick_host_kind(const struct demo_gen *g, struct demo_rng *r, unsigned mask, struct demo_host *ret);

/* A per-host choice in [0, n): the same for a host in every file. */
static inline unsigned demo_hpick(const struct demo_host *h, unsigned salt, unsigned n)
{
	return (unsigned)(demo_mix64(h->h + salt * UINT64_C(0x9e3779b97f4a7c15)) % n);
}

/* Dotted-quad text of a into p (16 bytes), NUL-terminated; returns its length. */
size_t demo_fmt_ip4(char *p, uint32_t a);

/* RFC 5952 text of an IPv6 address into p (40 bytes), as inet_ntop writes it; returns its length. */
size_t demo_fmt_ip6(char *p, const uint8_t a[16]);

/* Reverse DNS name, or "" for the 40 % of hosts without one. */
void demo_host_rdns(const struct demo_gen *g, const struct demo_host *h, char buf[80]);

/* A web site hosted on h: "<word><n>.example.<ccTLD>". */
void demo_host_site(const struct demo_host *h, char buf[64]);

/* The host's IPv6 twin inside its AS's /48, or false when the AS has none. */
bool demo_host_v6(const struct demo_gen *g, const struct demo_host *h, struct rcx_ip *ret);

/* "YYYY-MM-DD HH:MM:SS" of any time. */
void demo_fmt_datetime(int64_t us, char buf[20]);

/* "HH:MM:SS:" of sec (seconds into a day): 9 bytes, no NUL; callers overwrite the last ':'. */
void demo_fmt_hms(char *p, uint32_t sec);

/* rows / div, kept within [lo, hi]: how the smaller files are sized from `rows`. */
static inline uint64_t demo_sub_rows(uint64_t rows, unsigned div, unsigned lo, unsigned hi)
{
	uint64_t n = rows / div;
	return n < lo ? lo : n > hi ? hi : n;
}

/* ---- Output files ---- */

struct demo_out {
	FILE *f;
	char *path, *tmp, *buf;
};

/* Keeps the first error message of the run in g->err (later ones are consequences); returns r. */
enum rcx_result demo_set_error(struct demo_gen *g, enum rcx_result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* mkdir -p; RCX_EIO (message in g->err) when dir cannot be made or is not a directory. */
enum rcx_result demo_mkdir_p(struct demo_gen *g, const char *dir);

/* Opens g->dir/name for writing, under a temporary name until demo_out_close. */
enum rcx_result demo_out_open(struct demo_gen *g, const char *name, struct demo_out *ret);

/* Flushes, closes and renames the file into place (recorded in g->written); on failure removes it. */
enum rcx_result demo_out_close(struct demo_gen *g, struct demo_out *o);

/* Closes and removes a file still being written, and frees o's memory. */
void demo_out_discard(struct demo_out *o);

/* Writes root as g->dir/name, indented by indent, keys in insertion order. root stays the caller's. */
enum rcx_result demo_write_json(struct demo_gen *g, const char *name, json_t *root, size_t indent);

/* ---- CSV rows: formatted by hand into one buffer; a row that does not fit sets overflow ---- */

struct demo_row {
	size_t n;
	unsigned fields;
	bool overflow;
	char b[ROW_MAX];
};

/* k empty fields. */
void demo_row_none(struct demo_row *rb, unsigned k);
/* A text field, quoted as Shadowserver quotes text; "" gives an empty, bare field. */
void demo_row_str(struct demo_row *rb, const char *s);
/* A text field from a format (at most 1023 bytes). */
void demo_row_strf(struct demo_row *rb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A number field, bare. */
void demo_row_u(struct demo_row *rb, uint64_t v);
/* An IPv4 address field. */
void demo_row_ip4(struct demo_row *rb, uint32_t a);
/* "YYYY-MM-DD HH:MM:SS" of the report day, sec seconds after its midnight. */
void demo_row_time(struct demo_row *rb, const struct demo_gen *g, uint32_t sec);
/* nbytes of per-host pseudo-random hex, "AB:CD:..." with colons, as fingerprints are printed. */
void demo_row_hex(struct demo_row *rb, const struct demo_host *h, unsigned salt, unsigned nbytes, bool colons);
/* The host's reverse DNS name (maybe empty). */
void demo_put_rdns(struct demo_row *rb, const struct demo_gen *g, const struct demo_host *h);
/* asn, geo, region, city */
void demo_put_asn_geo(struct demo_row *rb, const struct demo_host *h);
/* src_ip .. src_sector of the event reports */
void demo_put_event_src(struct demo_row *rb, const struct demo_gen *g, const struct demo_host *h, unsigned port);
/* dst_ip .. dst_sector: a sinkhole or honeypot of infrastructure AS `asn` */
void demo_put_event_dst(struct demo_row *rb, uint32_t ip, unsigned port, uint32_t asn, const char *const geo[3]);

/* ---- The feeds (one function per file or group of files) ---- */

/* The Shadowserver reports (only the big scan report with o->only_scan) and shadowserver-schema.json
 * with the mapping of exactly those; streams 1.. in report order. */
enum rcx_result demo_shadowserver_write(struct demo_gen *g);
