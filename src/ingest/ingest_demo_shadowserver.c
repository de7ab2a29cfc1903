/* Demo generator, part 2: the Shadowserver reports and shadowserver-schema.json, their mapping.
 *
 * One row function per report type fills the row buffer field by field, in the order of the report's
 * published header; write_report checks the count against the header. Nothing is kept but the previous
 * row, which is repeated now and then as an exact duplicate for dedup to find.
 */
#include "ingest/ingest_demo_impl.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ip.h"

#define DUP_PERMILLE 3u          /* rows that repeat the previous row byte for byte */

/* Foreign infrastructure that the events point at: sinkholes and honeypots. */
#define SINKHOLE_BASE 0xcb00710au /* 203.0.113.10, 8 addresses */
#define HONEYPOT_BASE 0xcb007182u /* 203.0.113.130, 40 addresses */
static const char *const honeypot_geo[][3] = {
	{"NL", "NOORD-HOLLAND", "AMSTERDAM"}, {"DE", "HESSEN", "FRANKFURT AM MAIN"}, {"AT", "WIEN", "VIENNA"},
};

/* ---- Shadowserver reports: one row function per report type ---- */

typedef void row_fn(const struct demo_gen *g, struct demo_rng *r, struct demo_row *rb, uint32_t sec);

static void row_scan_smb(const struct demo_gen *g, struct demo_rng *r, struct demo_row *rb, uint32_t sec)
{
	static const struct {
		unsigned major, minor, rev;
		const char *text;
	} versions[] = {
		{1, 0, 0, "SMB 1.0"}, {2, 0, 2, "SMB 2.0.2"}, {2, 1, 0, "SMB 2.1"},
		{3, 0, 2, "SMB 3.0.2"}, {3, 1, 1, "SMB 3.1.1"}, {3, 1, 1, "SMB 3.1.1"},
	};
	struct demo_host h;
	bool v6 = g->scan_v6_permille && demo_rng_permille(r, g->scan_v6_permille);
	demo_pick_host(g, r, &h);
	for (unsigned k = 0; v6 && !demo_ases[h.as].v6 && k < 16; k++)
		demo_pick_host(g, r, &h);
	v6 &= demo_ases[h.as].v6 != NULL;
	bool v1 = demo_hpick(&h, 10, 100) < 25;
	unsigned v = v1 && demo_hpick(&h, 11, 3) == 0 ? 0 : 1 + demo_hpick(&h, 12, 5);
	demo_row_time(rb, g, sec);
	if (v6) {
		/* A fresh address in the host's AS: the IPv4 plan has only ~130 k addresses, and a
		 * benchmark's millions of rows should not all be repeats of them. */
		uint8_t a[16];
		char t[48];
		uint64_t x = demo_rng_next(r), y = demo_rng_next(r);
		memcpy(a, g->w.as_v6[h.as], 6);
		for (unsigned i = 0; i < 8; i++)
			a[8 + i] = (uint8_t)(x >> (8 * i));
		a[6] = (uint8_t)y;
		a[7] = (uint8_t)(y >> 8);
		demo_fmt_ip6(t, a);
		demo_row_str(rb, t);
		demo_row_u(rb, demo_hpick(&h, 13, 20) ? 445 : 139);
		demo_row_none(rb, 1);
	} else {
		demo_row_ip4(rb, h.v4);
		demo_row_u(rb, demo_hpick(&h, 13, 20) ? 445 : 139);
		demo_put_rdns(rb, g, &h);
	}
	demo_row_str(rb, "smb");
	demo_put_asn_geo(rb, &h);
	demo_row_u(rb, demo_kinds[demo_ases[h.as].kind].naics);
	demo_row_u(rb, demo_kinds[demo_ases[h.as].kind].sic);
	demo_row_str(rb, demo_hpick(&h, 14, 2000) ? "N" : "Y"); /* smb_implant: DoublePulsar-style, rare */
	demo_row_none(rb, 2);
	demo_row_str(rb, v1 ? "Y" : "N");
	demo_row_u(rb, versions[v].major);
	demo_row_u(rb, versions[v].minor);
	demo_row_u(rb, versions[v].rev);
	demo_row_str(rb, versions[v].text);
}

static void put_cert_dates(struct demo_row *rb, const struct demo_gen *g, const struct demo_host *h)
{
	char a[20], b[20];
	int64_t issued = g->day_us - (30 + demo_hpick(h, 20, 700)) * US_PER_DAY +
			 demo_hpick(h, 21, SEC_PER_DAY) * US_PER_SEC;
	demo_fmt_datetime(issued, a);
	demo_fmt_datetime(issued + (demo_hpick(h, 22, 2) ? 182 : 3650) * US_PER_DAY, b);
	demo_row_str(rb, a);
	demo_row_str(rb, b);
}

static void row_scan_rdp(const struct demo_gen *g, struct demo_rng *r, struct demo_row *rb, uint32_t sec)
{
	struct demo_host h;
	demo_pick_host(g, r, &h);
	bool vuln = demo_hpick(&h, 30, 100) < 4;
	char cn[24];
	snprintf(cn, sizeof(cn), "WIN-%08llX", (unsigned long long)(h.h >> 32));
	demo_row_time(rb, g, sec);
	demo_row_ip4(rb, h.v4);
	demo_row_u(rb, demo_hpick(&h, 31, 10) ? 3389 : 3390);
	demo_put_rdns(rb, g, &h);
	demo_row_str(rb, "rdp");
	demo_row_none(rb, 1);
	demo_put_asn_geo(rb, &h);
	demo_row_str(rb, "RDP");
	demo_row_u(rb, 2048);
	demo_row_str(rb, cn);
	demo_row_str(rb, cn);
	put_cert_dates(rb, g, &h);
	demo_row_hex(rb, &h, 1, 20, true);
	demo_row_hex(rb, &h, 2, 16, false);
	demo_row_u(rb, 2);
	demo_row_str(rb, "sha256WithRSAEncryption");
	demo_row_str(rb, "rsaEncryption");
	demo_row_hex(rb, &h, 3, 32, true);
	demo_row_hex(rb, &h, 4, 64, true);
	demo_row_hex(rb, &h, 5, 16, true);
	demo_row_u(rb, demo_kinds[demo_ases[h.as].kind].naics);
	demo_row_u(rb, demo_kinds[demo_ases[h.as].kind].sic);
	demo_row_str(rb, demo_kinds[demo_ases[h.as].kind].sector);
	demo_row_none(rb, 2);
	demo_row_str(rb, vuln ? "Y" : "N");
	demo_row_str(rb, vuln ? "Y" : "N");
	demo_row_none(rb, 1);
}

static void row_scan_http(const struct demo_gen *g, struct demo_rng *r, struct demo_row *rb, uint32_t sec)
{
	static const char *const servers[] = {"nginx", "Apache/2.4.41 (Ubuntu)", "lighttpd/1.4.59", "Boa/0.94.14rc21",
					      "Microsoft-IIS/10.0", "GoAhead-Webs", "mini_httpd/1.30"};
	static const unsigned ports[] = {80, 80, 80, 8080, 8080, 8000, 81, 8081};
	struct demo_host h;
	demo_pick_host(g, r, &h);
	unsigned code = (unsigned[]){200, 200, 200, 200, 200, 200, 401, 401, 403, 404}[demo_hpick(&h, 40, 10)];
	bool chunked = demo_hpick(&h, 41, 3) == 0;
	demo_row_time(rb, g, sec);
	demo_row_ip4(rb, h.v4);
	demo_row_str(rb, "tcp");
	demo_row_u(rb, ports[demo_hpick(&h, 42, 8)]);
	demo_put_rdns(rb, g, &h);
	demo_row_str(rb, "http");
	demo_put_asn_geo(rb, &h);
	demo_row_u(rb, demo_kinds[demo_ases[h.as].kind].naics);
	demo_row_u(rb, demo_kinds[demo_ases[h.as].kind].sic);
	demo_row_str(rb, "HTTP/1.1");
	demo_row_u(rb, code);
	demo_row_str(rb, code == 200 ? "OK" : code == 401 ? "Unauthorized" : code == 403 ? "Forbidden" : "Not Found");
	demo_row_str(rb, demo_hpick(&h, 43, 2) ? "text/html" : "text/html; charset=UTF-8");
	demo_row_str(rb, demo_hpick(&h, 44, 2) ? "close" : "keep-alive");
	if (code == 401)
		demo_row_strf(rb, "Basic realm=\"%s\"", demo_hpick(&h, 45, 2) ? "Router" : "DVR Web Client");
	else
		demo_row_none(rb, 1);
	if (demo_hpick(&h, 46, 4) == 0)
		demo_row_strf(rb, "SESSIONID=%016llx; path=/; HttpOnly", (unsigned long long)demo_mix64(h.h));
	else
		demo_row_none(rb, 1);
	demo_row_str(rb, servers[demo_hpick(&h, 47, sizeof(servers) / sizeof(servers[0]))]);
	if (chunked) {
		demo_row_none(rb, 1);
		demo_row_str(rb, "chunked");
	} else {
		demo_row_u(rb, 200 + demo_hpick(&h, 48, 20000));
		demo_row_none(rb, 1);
	}
	uint32_t t = sec + 1 < SEC_PER_DAY ? sec + 1 : sec;
	demo_row_strf(rb, "%s %02u:%02u:%02u GMT", g->http_day, t / 3600, t / 60 % 60, t % 60);
}

static const struct {
	const char *vendor, *model, *cn_prefix, *type;
} devices[] = {
	{"Demo Networks", "DN-USG50", "usg50_", "firewall"},
	{"ExampleGate", "EG-60D", "EG60D", "firewall"},
	{"Sample Systems", "SS-R200", "sr200-", "router"},
};

static void row_scan_ssl_freak(const struct demo_gen *g, struct demo_rng *r, struct demo_row *rb, uint32_t sec)
{
	static const char *const export_suites[] = {"TLS_RSA_EXPORT_WITH_RC4_40_MD5",
						    "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"};
	struct demo_host h;
	demo_pick_host(g, r, &h);
	unsigned d = demo_hpick(&h, 50, 3);
	char cn[40];
	snprintf(cn, sizeof(cn), "%s%012llX", devices[d].cn_prefix,
		 (unsigned long long)(h.h >> 16) & 0xffffffffffffULL);
	demo_row_time(rb, g, sec);
	demo_row_ip4(rb, h.v4);
	demo_row_u(rb, (unsigned[]){443, 443, 8443, 10443}[demo_hpick(&h, 51, 4)]);
	demo_put_rdns(rb, g, &h);
	demo_row_str(rb, "ssl-freak");
	demo_row_str(rb, demo_hpick(&h, 52, 2) ? "TLSv1.0" : "TLSv1.1");
	demo_put_asn_geo(rb, &h);
	demo_row_str(rb, demo_hpick(&h, 53, 2) ? "TLS_RSA_WITH_RC4_128_SHA" : "TLS_RSA_WITH_AES_128_CBC_SHA");
	demo_row_u(rb, 1024);
	demo_row_str(rb, cn);
	demo_row_str(rb, cn);
	put_cert_dates(rb, g, &h);
	demo_row_hex(rb, &h, 6, 20, true);
	demo_row_hex(rb, &h, 7, 4, false);
	demo_row_str(rb, "sha1WithRSAEncryption");
	demo_row_str(rb, "rsaEncryption");
	for (unsigned who = 0; who < 2; who++) { /* subject_*, then issuer_*: the same, self-signed */
		demo_row_str(rb, devices[d].vendor);
		demo_row_str(rb, devices[d].model);
		demo_row_none(rb, 10);
	}
	demo_row_u(rb, demo_kinds[demo_ases[h.as].kind].naics);
	demo_row_u(rb, demo_kinds[demo_ases[h.as].kind].sic);
	demo_row_str(rb, "Y");
	demo_row_str(rb, export_suites[demo_hpick(&h, 54, 2)]);
	demo_row_str(rb, demo_kinds[demo_ases[h.as].kind].sector);
	demo_row_hex(rb, &h, 8, 32, true);
	demo_row_hex(rb, &h, 9, 64, true);
	demo_row_hex(rb, &h, 10, 16, true);
	demo_row_str(rb, "HTTP/1.1");
	demo_row_u(rb, 200);
	demo_row_str(rb, "OK");
	demo_row_str(rb, "text/html");
	demo_row_none(rb, 4);
	demo_row_u(rb, 300 + demo_hpick(&h, 55, 3000));
	demo_row_none(rb, 1);
	uint32_t t = sec + 2 < SEC_PER_DAY ? sec + 2 : sec;
	demo_row_strf(rb, "%s %02u:%02u:%02u GMT", g->http_day, t / 3600, t / 60 % 60, t % 60);
	demo_row_str(rb, "N");
	demo_row_str(rb, "Y");
	demo_row_str(rb, demo_hpick(&h, 56, 5) ? "N" : "Y");
	demo_row_str(rb, "N");
	demo_row_str(rb, "unknown");
	demo_row_str(rb, "x509: certificate signed by unknown authority");
	demo_row_str(rb, devices[d].model);
	demo_row_none(rb, 1);
	demo_row_str(rb, devices[d].type);
	demo_row_str(rb, devices[d].vendor);
	demo_row_none(rb, 7);
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

static void row_event4_sinkhole_http(const struct demo_gen *g, struct demo_rng *r, struct demo_row *rb, uint32_t sec)
{
	static const char *const sinkhole_geo[3] = {"US", "CALIFORNIA", "SAN FRANCISCO"};
	struct demo_host h;
	demo_pick_host_kind(g, r, 1u << KIND_TELECOM | 1u << KIND_MOBILE | 1u << KIND_ACADEMIC, &h);
	unsigned i = demo_hpick(&h, 60, sizeof(infections) / sizeof(infections[0]));
	demo_row_time(rb, g, sec);
	demo_row_str(rb, "tcp");
	demo_put_event_src(rb, g, &h, 49152 + demo_rng_below(r, 16384));
	if (infections[i].iot) {
		demo_row_str(rb, "QNAP");
		demo_row_str(rb, "NAS");
	} else {
		demo_row_none(rb, 2);
	}
	demo_row_none(rb, 1);
	demo_put_event_dst(rb, SINKHOLE_BASE + demo_hpick(&h, 61, 8), 80, 64500, sinkhole_geo);
	demo_row_none(rb, 1);
	demo_row_str(rb, infections[i].infection);
	demo_row_str(rb, infections[i].family);
	demo_row_str(rb, infections[i].tag);
	demo_row_str(rb, "http");
	demo_row_none(rb, 2);
	demo_row_str(rb, infections[i].url);
	demo_row_strf(rb, "%s%02x.example", infections[i].stem, demo_hpick(&h, 62, 12));
	demo_row_str(rb, infections[i].agent);
	demo_row_none(rb, 3);
}

static void row_event4_honeypot_brute_force(const struct demo_gen *g, struct demo_rng *r, struct demo_row *rb,
					    uint32_t sec)
{
	static const char *const users[] = {"root", "admin", "ubnt", "pi", "user", "support", "oracle", "test"};
	static const char *const passwords[] = {"123456", "admin", "password", "ubnt", "raspberry", "12345", "root"};
	static const char *const clients[] = {"b'SSH-2.0-Go'", "b'SSH-2.0-libssh2_1.9.0'", "b'SSH-2.0-PUTTY'"};
	struct demo_host h;
	demo_pick_host(g, r, &h);
	bool ssh = demo_hpick(&h, 70, 10) < 7;
	unsigned hp = demo_hpick(&h, 71, 40);
	demo_row_time(rb, g, sec);
	demo_row_str(rb, "tcp");
	demo_put_event_src(rb, g, &h, 1024 + demo_rng_below(r, 64511));
	demo_row_none(rb, 3);
	demo_put_event_dst(rb, HONEYPOT_BASE + hp, ssh ? 22 : 23, 64501, honeypot_geo[hp % 3]);
	demo_row_str(rb, "DEMO-HONEYNET");
	demo_row_str(rb, ssh ? "ssh-brute-force" : "telnet-brute-force");
	demo_row_none(rb, 2);
	demo_row_str(rb, ssh ? "ssh" : "telnet");
	demo_row_none(rb, 3);
	char t[32];
	uint32_t end = sec + 1 + demo_rng_below(r, 30);
	for (unsigned k = 0; k < 2; k++) { /* start_time, end_time */
		uint32_t s = k ? (end < SEC_PER_DAY ? end : SEC_PER_DAY - 1) : sec;
		memcpy(t, g->date, 10);
		t[10] = 'T';
		demo_fmt_hms(t + 11, s);
		snprintf(t + 19, sizeof(t) - 19, ".%06uZ", demo_rng_below(r, 1000000));
		demo_row_str(rb, t);
	}
	demo_row_str(rb, ssh ? clients[demo_hpick(&h, 72, 3)] : "");
	demo_row_str(rb, users[demo_rng_below(r, sizeof(users) / sizeof(users[0]))]);
	demo_row_str(rb, passwords[demo_rng_below(r, sizeof(passwords) / sizeof(passwords[0]))]);
	if (!ssh && demo_hpick(&h, 73, 4) == 0) { /* a telnet bot that tried to fetch its payload */
		char ip[16];
		struct demo_host dl;
		demo_host_at(g, h.country, demo_hpick(&h, 74, g->w.chot[h.country]), &dl);
		demo_fmt_ip4(ip, dl.v4);
		demo_row_strf(rb, "http://%s/bins/demo.arm7", ip);
		demo_row_hex(rb, &dl, 11, 16, false);
	} else {
		demo_row_none(rb, 2);
	}
}

static void row_blocklist(const struct demo_gen *g, struct demo_rng *r, struct demo_row *rb, uint32_t sec)
{
	static const char *const sources[] = {"Demo Threat Exchange", "Demo Spam Trap Network", "Demo Scanner Watch"};
	static const char *const reasons[] = {"Malicious Host", "Spam Source", "SSH Scanner", "Brute Force",
					      "Botnet C2"};
	struct demo_host h;
	demo_pick_host(g, r, &h);
	demo_row_time(rb, g, sec);
	struct rcx_ip ip6;
	if (demo_rng_permille(r, 100) && demo_host_v6(g, &h, &ip6)) {
		char t[RCX_IP_BUF];
		rcx_ip_format(&ip6, t);
		demo_row_str(rb, t);
		demo_row_none(rb, 1); /* the reverse names are IPv4 ones */
	} else {
		demo_row_ip4(rb, h.v4);
		demo_put_rdns(rb, g, &h);
	}
	demo_row_str(rb, sources[demo_hpick(&h, 80, 3)]);
	demo_row_str(rb, reasons[demo_hpick(&h, 81, 5)]);
	demo_put_asn_geo(rb, &h);
	demo_row_u(rb, demo_kinds[demo_ases[h.as].kind].naics);
	demo_row_u(rb, demo_kinds[demo_ases[h.as].kind].sic);
	demo_row_str(rb, demo_kinds[demo_ases[h.as].kind].sector);
	demo_row_none(rb, 1);
}

static void row_compromised_website(const struct demo_gen *g, struct demo_rng *r, struct demo_row *rb, uint32_t sec)
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
	struct demo_host h;
	demo_pick_host_kind(g, r, 1u << KIND_HOSTING | 1u << KIND_TELECOM, &h);
	unsigned k = demo_hpick(&h, 90, 5);
	bool tls = demo_hpick(&h, 91, 3) != 0;
	char site[64], since[20];
	demo_host_site(&h, site);
	int64_t since_us = g->day_us - (1 + demo_hpick(&h, 92, 60)) * US_PER_DAY +
			   demo_hpick(&h, 93, SEC_PER_DAY) * US_PER_SEC;
	demo_fmt_datetime(since_us, since);
	demo_row_time(rb, g, sec);
	demo_row_ip4(rb, h.v4);
	demo_row_u(rb, tls ? 443 : 80);
	demo_put_rdns(rb, g, &h);
	demo_row_str(rb, kinds_cw[k].tag);
	demo_row_str(rb, tls ? "https" : "http");
	demo_put_asn_geo(rb, &h);
	demo_row_str(rb, paths[demo_hpick(&h, 94, 6)]);
	demo_row_str(rb, site);
	demo_row_str(rb, kinds_cw[k].category);
	demo_row_str(rb, demo_hpick(&h, 95, 4) ? "Linux" : "WINNT");
	demo_row_str(rb, since);
	demo_row_str(rb, (const char *[]){"Apache", "nginx", "LiteSpeed", "Microsoft-IIS/8.5"}[demo_hpick(&h, 96, 4)]);
	if (k == 0)
		demo_row_strf(rb, "http://tds%02x.example/redirect", demo_hpick(&h, 97, 16));
	else
		demo_row_none(rb, 1);
	demo_row_u(rb, demo_kinds[demo_ases[h.as].kind].naics);
	demo_row_u(rb, demo_kinds[demo_ases[h.as].kind].sic);
	demo_row_str(rb, demo_kinds[demo_ases[h.as].kind].sector);
	if (k == 4)
		demo_row_strf(rb, "https://cdn%02x.example/js/analytics.js", demo_hpick(&h, 98, 16));
	else
		demo_row_none(rb, 1);
	demo_row_str(rb, kinds_cw[k].family);
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

static enum rcx_result write_report(struct demo_gen *g, const struct report *rep, uint64_t n, unsigned stream)
{
	char name[128];
	snprintf(name, sizeof(name), "%s-%s-rcx-demo-geo.csv", g->date, rep->type);
	struct demo_out out;
	enum rcx_result r = demo_out_open(g, name, &out);
	if (r != RCX_OK)
		return r;
	struct demo_row *rb = calloc(1, sizeof(*rb));
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

	struct demo_rng rs;
	demo_rng_init(&rs, g->seed, stream);
	for (uint64_t i = 0; i < n; i++) {
		if (i && demo_rng_permille(&rs, DUP_PERMILLE)) {
			fwrite(rb->b, 1, rb->n, out.f);
			continue;
		}
		uint32_t sec = (uint32_t)(i * SEC_PER_DAY / n) + demo_rng_below(&rs, 3);
		rb->n = 0;
		rb->fields = 0;
		rep->row(g, &rs, rb, sec < SEC_PER_DAY ? sec : SEC_PER_DAY - 1);
		if (rb->overflow || rb->fields != ncols) {
			r = demo_set_error(g, RCX_EINVAL, "internal error: %s row with %u of %u fields", rep->type,
				      rb->fields, ncols);
			goto fail;
		}
		rb->b[rb->n++] = '\n';
		if (fwrite(rb->b, 1, rb->n, out.f) != rb->n)
			break; /* demo_out_close reports it */
	}
	free(rb);
	return demo_out_close(g, &out);
fail:
	free(rb);
	demo_out_discard(&out);
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

static enum rcx_result report_schema(struct demo_gen *g, const struct report *rep, json_t **ret)
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
			r = demo_set_error(g, RCX_EINVAL, "internal error: %s maps missing column %s", rep->type,
					   m->column);
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
		return r != RCX_OK ? r : demo_set_error(g, RCX_ENOMEM, "cannot build the schema of %s", rep->type);
	}
	*ret = entry;
	return RCX_OK;
}

/* The mapping of the first n reports: exactly those written. */
static enum rcx_result write_schema(struct demo_gen *g, size_t n)
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
		r = demo_write_json(g, "shadowserver-schema.json", root, 2);
	json_decref(root);
	return r;
}

enum rcx_result demo_shadowserver_write(struct demo_gen *g)
{
	size_t n_reports = g->o->only_scan ? 1 : REPORT_N;
	enum rcx_result r = write_report(g, &reports[0], g->rows, 1);
	for (size_t i = 1; i < n_reports && r == RCX_OK; i++)
		r = write_report(g, &reports[i], demo_sub_rows(g->rows, reports[i].div, reports[i].lo, SUB_ROWS_MAX),
				 (unsigned)i + 1);
	if (r == RCX_OK)
		r = write_schema(g, n_reports);
	return r;
}
