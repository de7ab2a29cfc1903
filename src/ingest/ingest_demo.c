/* Demo generator, part 3: the abuse.ch formats, the plain lists, the enrichment files and the
 * configuration, and the entry point that writes them all.
 *
 * The generator's other parts: ingest_demo_world.c (PRNG, address plan, hosts, output files, CSV rows)
 * and ingest_demo_shadowserver.c (the Shadowserver reports and their schema); ingest_demo_impl.h is what
 * they share.
 */
#include "ingest/ingest_demo.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ip.h"
#include "core/time.h"
#include "ingest/ingest_demo_impl.h"

#define SCAN_V4_ROWS UINT64_C(50000) /* rows of the big scan report the IPv4 plan holds without many repeats */

/* ---- abuse.ch formats ---- */

struct c2 {
	struct demo_host h;
	unsigned port;
	bool online;
	int64_t first_us, last_us;
	const char *malware;
};

/* The next botnet C2 of the Feodo Tracker list; the JSON and CSV files replay the same stream. */
static void c2_next(const struct demo_gen *g, struct demo_rng *r, struct c2 *c)
{
	static const char *const malware[] = {"Dridex", "Emotet", "TrickBot", "QakBot", "BazarLoader", "IcedID",
					      "Pikabot", "BumbleBee"};
	static const unsigned ports[] = {443, 443, 447, 449, 2222, 8080, 995, 4643, 7080};
	demo_pick_host_kind(g, r, 1u << KIND_HOSTING | 1u << KIND_TELECOM, &c->h);
	c->port = ports[demo_hpick(&c->h, 100, sizeof(ports) / sizeof(ports[0]))];
	c->malware = malware[demo_hpick(&c->h, 101, sizeof(malware) / sizeof(malware[0]))];
	c->online = demo_rng_permille(r, 300);
	uint32_t age = 1 + demo_rng_below(r, 300);
	c->first_us = g->day_us - age * US_PER_DAY + demo_rng_below(r, SEC_PER_DAY) * US_PER_SEC;
	c->last_us = c->online ? g->day_us : g->day_us - (age - demo_rng_below(r, age)) * US_PER_DAY;
}

static enum rcx_result write_feodo_json(struct demo_gen *g, uint64_t n, unsigned stream)
{
	json_t *arr = json_array();
	if (!arr)
		return RCX_ENOMEM;
	struct demo_rng rs;
	demo_rng_init(&rs, g->seed, stream);
	enum rcx_result r = RCX_OK;
	for (uint64_t i = 0; i < n && r == RCX_OK; i++) {
		struct c2 c;
		char ip[16], first[20], last[20], rdns[80];
		c2_next(g, &rs, &c);
		demo_fmt_ip4(ip, c.h.v4);
		demo_fmt_datetime(c.first_us, first);
		demo_fmt_datetime(c.last_us, last);
		last[10] = '\0';
		demo_host_rdns(g, &c.h, rdns);
		json_t *o = json_pack("{s:s, s:i, s:s, s:s?, s:I, s:s, s:s, s:s, s:s, s:s}", "ip_address", ip, "port",
				      (int)c.port, "status", c.online ? "online" : "offline", "hostname",
				      rdns[0] ? rdns : NULL, "as_number", (json_int_t)demo_ases[c.h.as].asn, "as_name",
				      demo_ases[c.h.as].handle, "country", demo_countries[c.h.country].cc,
				      "first_seen", first, "last_online", last, "malware", c.malware);
		if (json_array_append_new(arr, o) < 0)
			r = RCX_ENOMEM;
	}
	if (r == RCX_OK)
		r = demo_write_json(g, "feodotracker-ipblocklist.json", arr, 4);
	json_decref(arr);
	return r;
}

/* A '#' comment line framed to the width of abuse.ch's headers. */
static void boxed(FILE *f, unsigned width, const char *text)
{
	fprintf(f, "# %-*s#\n", (int)width - 3, text);
}

static enum rcx_result write_feodo_csv(struct demo_gen *g, uint64_t n, unsigned stream)
{
	struct demo_out out;
	enum rcx_result r = demo_out_open(g, "feodotracker-ipblocklist.csv", &out);
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
	struct demo_rng rs;
	demo_rng_init(&rs, g->seed, stream);
	for (uint64_t i = 0; i < n; i++) {
		struct c2 c;
		char ip[16], first[20], last[20];
		c2_next(g, &rs, &c);
		demo_fmt_ip4(ip, c.h.v4);
		demo_fmt_datetime(c.first_us, first);
		demo_fmt_datetime(c.last_us, last);
		last[10] = '\0';
		fprintf(out.f, "\"%s\",\"%s\",\"%u\",\"%s\",\"%s\",\"%s\"\n", first, ip, c.port,
			c.online ? "online" : "offline", last, c.malware);
	}
	fprintf(out.f, "# END (%llu) entries\n", (unsigned long long)n);
	return demo_out_close(g, &out);
}

static enum rcx_result write_urlhaus(struct demo_gen *g, uint64_t n, unsigned stream)
{
	static const char *const bins[] = {"bins/demo.mips", "bins/demo.arm7", "i", "bins.sh", "Mozi.m"};
	static const char *const docs[] = {"invoice", "scan", "document", "payment", "order"};
	struct demo_out out;
	enum rcx_result r = demo_out_open(g, "urlhaus.csv", &out);
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
	struct demo_rng rs;
	demo_rng_init(&rs, g->seed, stream);
	for (uint64_t i = 0; i < n; i++) {
		struct demo_host h;
		char added[20], ip[16], host[64], url[160];
		demo_pick_host(g, &rs, &h);
		demo_fmt_ip4(ip, h.v4);
		/* one draw per statement: the order of draws inside one expression is unspecified in C,
		 * and compilers differ, which would break "same seed, same bytes" */
		int64_t days_back = demo_rng_below(&rs, 30);
		int64_t sec = demo_rng_below(&rs, SEC_PER_DAY);
		int64_t t = g->day_us - days_back * US_PER_DAY + sec * US_PER_SEC;
		demo_fmt_datetime(t, added);
		if (demo_hpick(&h, 110, 2)) { /* an IoT bot serving its own binaries */
			snprintf(host, sizeof(host), "%s", ip);
			unsigned port = (unsigned[]){81, 8080, 38529, 52869}[demo_hpick(&h, 111, 4)];
			snprintf(url, sizeof(url), "http://%s:%u/%s", ip, port, bins[demo_rng_below(&rs, 5)]);
		} else { /* a compromised site serving a dropper */
			demo_host_site(&h, host);
			const char *doc = docs[demo_rng_below(&rs, 5)];
			unsigned tag = demo_rng_below(&rs, 65536);
			snprintf(url, sizeof(url), "http%s://%s/wp-content/uploads/%.4s/%.2s/%s_%04x.zip",
				 demo_hpick(&h, 112, 2) ? "s" : "", host, added, added + 5, doc, tag);
		}
		const char *status = demo_rng_permille(&rs, 400) ? "online" : "offline";
		fprintf(out.f, "%s,%s,%s,malware_download,%s,%s,%u,%s\n", added, url, status, host, ip,
			demo_ases[h.as].asn, demo_countries[h.country].cc);
	}
	fprintf(out.f, "# of entries: %llu\n", (unsigned long long)n);
	return demo_out_close(g, &out);
}

/* ---- Plain lists ---- */

static enum rcx_result write_blocklist_ips(struct demo_gen *g, uint64_t n, unsigned stream)
{
	struct demo_out out;
	enum rcx_result r = demo_out_open(g, "blocklist-ips.txt", &out);
	if (r != RCX_OK)
		return r;
	fprintf(out.f, "# rcx demo blocklist, %s: one IP address or network per line; '#' starts a comment.\n"
		       "# Synthetic data: RFC 2544 / RFC 5737 / RFC 3849 addresses only.\n", g->date);
	struct demo_rng rs;
	demo_rng_init(&rs, g->seed, stream);
	static const char *const sections[] = {"brute-force and scanning sources", "networks sending spam",
					       "IPv6 sources"};
	uint64_t count[3] = {n - n / 4, n / 6, n - (n - n / 4) - n / 6};
	for (unsigned s = 0; s < 3; s++) {
		fprintf(out.f, "\n# %s\n", sections[s]);
		for (uint64_t i = 0; i < count[s]; i++) {
			struct demo_host h;
			char t[RCX_IP_BUF];
			struct rcx_ip ip6;
			demo_pick_host(g, &rs, &h);
			unsigned len = 24 + 4 * demo_rng_below(&rs, 2);
			if (s == 0) {
				demo_fmt_ip4(t, h.v4);
				fprintf(out.f, "%s\n", t);
			} else if (s == 1 || !demo_host_v6(g, &h, &ip6)) {
				demo_fmt_ip4(t, h.v4 & ~((UINT32_C(1) << (32 - len)) - 1));
				fprintf(out.f, "%s/%u\n", t, len);
			} else {
				rcx_ip_format(&ip6, t);
				fprintf(out.f, "%s\n", t);
			}
		}
	}
	return demo_out_close(g, &out);
}

static enum rcx_result write_drop(struct demo_gen *g, uint64_t n, unsigned stream)
{
	struct demo_out out;
	enum rcx_result r = demo_out_open(g, "spamhaus-drop.txt", &out);
	if (r != RCX_OK)
		return r;
	fprintf(out.f, "; rcx demo DROP-format list %.4s/%.2s/%.2s - synthetic data, not from The Spamhaus Project\n"
		       "; https://www.spamhaus.org/drop/drop.txt\n"
		       "; Last-Modified: %s 04:00:00 GMT\n"
		       "; Expires: %s 10:00:00 GMT\n", g->date, g->date + 5, g->date + 8, g->http_day, g->http_day);
	struct demo_rng rs;
	demo_rng_init(&rs, g->seed, stream);
	uint32_t seen[64];
	unsigned n_seen = 0, sbl = 600000;
	for (uint64_t i = 0; i < n && n_seen < 64; i++) {
		struct demo_host h;
		demo_pick_host(g, &rs, &h);
		unsigned len = 22 + demo_rng_below(&rs, 3), plen = demo_prefixes[h.pfx].len;
		len = len < plen ? plen : len; /* never wider than the announced prefix */
		uint32_t net = h.v4 & ~((UINT32_C(1) << (32 - len)) - 1);
		bool dup = false;
		for (unsigned k = 0; k < n_seen; k++)
			dup |= seen[k] == net;
		if (dup)
			continue;
		seen[n_seen++] = net;
		char t[16];
		demo_fmt_ip4(t, net);
		sbl += 1 + demo_rng_below(&rs, 40);
		fprintf(out.f, "%s/%u ; SBL%u\n", t, len, sbl);
	}
	for (unsigned k = 0; k < 2; k++) { /* and two hijacked IPv6 blocks */
		struct demo_host h;
		struct rcx_ip ip6;
		demo_pick_host(g, &rs, &h);
		if (!demo_host_v6(g, &h, &ip6))
			continue;
		memset(ip6.addr + 7, 0, 9);
		char t[RCX_IP_BUF];
		rcx_ip_format(&ip6, t);
		sbl += 1 + demo_rng_below(&rs, 40);
		fprintf(out.f, "%s/56 ; SBL%u\n", t, sbl);
	}
	return demo_out_close(g, &out);
}

/* ---- Enrichment files and configuration ---- */

static enum rcx_result write_enrich(struct demo_gen *g)
{
	struct demo_out out;
	enum rcx_result r = demo_out_open(g, "enrich/pfx2as.txt", &out);
	if (r != RCX_OK)
		return r;
	for (size_t p = 0; p < PREFIX_N; p++)
		fprintf(out.f, "%s\t%u\t%u\n", demo_prefixes[p].net, demo_prefixes[p].len, demo_prefixes[p].asn);
	for (size_t a = 0; a < AS_N; a++)
		if (demo_ases[a].v6)
			fprintf(out.f, "%s\t48\t%u\n", demo_ases[a].v6, demo_ases[a].asn);
	if ((r = demo_out_close(g, &out)) != RCX_OK)
		return r;

	if ((r = demo_out_open(g, "enrich/asnames.txt", &out)) != RCX_OK)
		return r;
	bool done[AS_N] = {false};
	for (size_t k = 0; k < AS_N; k++) { /* in ASN order, as published lists are */
		size_t best = AS_N;
		for (size_t a = 0; a < AS_N; a++)
			if (!done[a] && (best == AS_N || demo_ases[a].asn < demo_ases[best].asn))
				best = a;
		done[best] = true;
		const struct demo_as *as = &demo_ases[best];
		fprintf(out.f, "%u %s %s, %s\n", as->asn, as->handle, as->descr, as->cc);
	}
	return demo_out_close(g, &out);
}

static enum rcx_result write_config(struct demo_gen *g)
{
	struct demo_out out;
	enum rcx_result r = demo_out_open(g, "rcx-demo.conf", &out);
	if (r != RCX_OK)
		return r;
	FILE *f = out.f;
	fprintf(f, "# rcx demo configuration, written with the demo data of %s.\n"
		   "# All addresses are synthetic (RFC 2544, RFC 5737, RFC 3849) and all ASNs private-use.\n"
		   "# Relative paths are relative to this file.\n\n", g->date);
	fputs("[shadowserver]\n# Mapping of the demo's Shadowserver reports, in Shadowserver's intelmq.json format.\n"
	      "schema = shadowserver-schema.json\n\n", f);
	fputs("[enrich]\npfx2as = enrich/pfx2as.txt\nasnames = enrich/asnames.txt\n\n", f);
	fputs("[serve]\n# The name the web UI shows for this node.\nnode_name = WB Regional Hub (demo)\n\n", f);
	/* Feeds without a country (plain lists, Feodo CSV) are routed by the AS that pfx2as fills in,
	 * so every AS gets a rule; cidr beats asn beats cc, which lets the sectoral teams win. */
	fputs("[routing]\n# The national CERT of the event's country ...\n", f);
	for (unsigned c = 0; c < COUNTRY_N; c++)
		fprintf(f, "cc %s = %s\n", demo_countries[c].cc, demo_countries[c].cert);
	fputs("# ... and of each AS in the country, unless a sectoral team covers it ...\n", f);
	for (size_t a = 0; a < AS_N; a++) {
		const char *cc = demo_ases[a].cc, *team = NULL;
		if (g->w.as_country[a] == COUNTRY_NONE)
			continue;
		if (demo_ases[a].kind == KIND_BANK && (!strcmp(cc, "RS") || !strcmp(cc, "HR")))
			team = !strcmp(cc, "RS") ? "RS-FIN-CERT" : "HR-FIN-CERT";
		else if (demo_ases[a].kind == KIND_ACADEMIC && !strcmp(cc, "HR"))
			team = "CARNET-CERT";
		else if (demo_ases[a].kind == KIND_ACADEMIC && !strcmp(cc, "RS"))
			team = "AMRES-CERT";
		fprintf(f, "asn %u = %s\n", demo_ases[a].asn, team ? team : demo_countries[g->w.as_country[a]].cert);
	}
	fputs("# ... and the energy companies' networks go to the energy sector's CSIRT.\n", f);
	for (size_t p = 0; p < PREFIX_N; p++)
		if (demo_ases[g->w.pfx_as[p]].kind == KIND_ENERGY)
			fprintf(f, "cidr %s/%u = ENERGY-CSIRT-%s\n", demo_prefixes[p].net, demo_prefixes[p].len,
				demo_ases[g->w.pfx_as[p]].cc);
	return demo_out_close(g, &out);
}

/* ---- Entry point ---- */

/* With only_scan, the big report and what it takes to ingest it (schema, enrichment, config). */
static enum rcx_result generate_all(struct demo_gen *g)
{
	enum rcx_result r = demo_shadowserver_write(g);
	if (r == RCX_OK && !g->o->only_scan)
		r = write_feodo_json(g, demo_sub_rows(g->rows, 100, 8, 2000), 20);
	if (r == RCX_OK && !g->o->only_scan)
		r = write_feodo_csv(g, demo_sub_rows(g->rows, 100, 8, 2000), 20);
	if (r == RCX_OK && !g->o->only_scan)
		r = write_urlhaus(g, demo_sub_rows(g->rows, 20, 10, 20000), 21);
	if (r == RCX_OK && !g->o->only_scan)
		r = write_blocklist_ips(g, demo_sub_rows(g->rows, 40, 12, 5000), 22);
	if (r == RCX_OK && !g->o->only_scan)
		r = write_drop(g, demo_sub_rows(g->rows, 1000, 8, 60), 23);
	if (r == RCX_OK) {
		char *dir;
		if (asprintf(&dir, "%s/enrich", g->dir) < 0)
			return RCX_ENOMEM;
		r = demo_mkdir_p(g, dir);
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
	struct demo_gen *g = calloc(1, sizeof(*g));
	if (!g) {
		r = RCX_ENOMEM;
		goto fail;
	}
	if (!o || !o->out_dir || !*o->out_dir) {
		r = demo_set_error(g, RCX_EINVAL, "no output directory");
		goto fail;
	}
	if (o->rows > INGEST_DEMO_ROWS_MAX) { /* also keeps row * 86400 far from overflow */
		r = demo_set_error(g, RCX_ELIMIT, "at most %llu rows", (unsigned long long)INGEST_DEMO_ROWS_MAX);
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
		r = demo_set_error(g, RCX_EINVAL, "report date out of range");
		goto fail;
	}
	memcpy(g->date, iso, 10);
	unsigned month = (unsigned)(iso[5] - '0') * 10 + (unsigned)(iso[6] - '0');
	snprintf(g->http_day, sizeof(g->http_day), "%s, %.2s %s %.4s", dows[(g->day + 4) % 7], iso + 8,
		 months[(month - 1) % 12], iso);
	if ((r = demo_world_init(g)) != RCX_OK) {
		demo_set_error(g, r, "internal error: bad address plan");
		goto fail;
	}
	if ((r = demo_mkdir_p(g, g->dir)) != RCX_OK)
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
