/* The enrichment data files: the first input byte picks the file (even: pfx2as, odd: asnames), the rest
 * is its text, loaded with ingest_enrich_open from a temporary file. When the file loads, its lines are
 * written back in canonical form ("192.0.2.0<TAB>24<TAB>64500", "AS64500 NAME", CRLF line ends), loaded
 * again, and a probe event per line (its network address, or its AS) is enriched by both: the results
 * must be identical, an address must get a network that contains it, and an AS its last-given name. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/event.h"
#include "core/ip.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "ingest/ingest_enrich.h"
#include "fuzz_common.h"
#include "fuzz_files.h"

static char dir[256], data_path[300], data_path2[300];
static struct rcx_config *cfg_pfx, *cfg_pfx2, *cfg_as, *cfg_as2;

static struct rcx_config *config_for(const char *key, const char *path, const char *psl)
{
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	struct rcx_config *cfg = NULL;
	rcx_strbuf_printf(&b, "[enrich]\npsl = %s\n%s = %s\n", psl, key, path);
	FUZZ_CHECK(rcx_config_parse(b.data, b.len, &cfg, NULL) == RCX_OK, "configuration: %s", b.data);
	rcx_strbuf_free(&b);
	return cfg;
}

static void cleanup(void)
{
	rcx_config_free(cfg_pfx);
	rcx_config_free(cfg_pfx2);
	rcx_config_free(cfg_as);
	rcx_config_free(cfg_as2);
	fuzz_files_remove(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char psl[300];
	FUZZ_CHECK(fuzz_files_dir(dir, sizeof(dir)), "cannot create a temporary directory");
	atexit(cleanup);
	/* A small public suffix list of our own: loading the system's for every input is slow. */
	snprintf(psl, sizeof(psl), "%s/psl.dat", dir);
	FUZZ_CHECK(fuzz_file_write(psl, "// fuzz\ncom\norg\nrs\nco.rs\n*.example\n"), "cannot write %s", psl);
	snprintf(data_path, sizeof(data_path), "%s/data.txt", dir);
	snprintf(data_path2, sizeof(data_path2), "%s/canonical.txt", dir);
	cfg_pfx = config_for("pfx2as", data_path, psl);
	cfg_pfx2 = config_for("pfx2as", data_path2, psl);
	cfg_as = config_for("asnames", data_path, psl);
	cfg_as2 = config_for("asnames", data_path2, psl);
	return 0;
}


struct probe {
	enum event_field field; /* EF_SOURCE_IP or EF_SOURCE_ASN */
	char value[RCX_IP_BUF];
	const char *name; /* asnames: the name this line gives (NUL-terminated copy) */
};

/* Writes line s[0..len) of an accepted file in canonical form and notes its probe; false for comments. */
static bool canonical_line(struct rcx_arena *a, bool pfx, const char *s, size_t len, struct rcx_strbuf *out,
			   struct probe *p)
{
	const char *f[3];
	size_t fl[3];
	if (!rcx_next_field(&s, &len, &f[0], &fl[0]) || f[0][0] == '#')
		return false;
	if (pfx) {
		FUZZ_CHECK(rcx_next_field(&s, &len, &f[1], &fl[1]) && rcx_next_field(&s, &len, &f[2], &fl[2]),
			   "accepted pfx2as line with fewer than three fields");
		char buf[RCX_IP_BUF * 2];
		FUZZ_CHECK(fl[0] + fl[1] + 1 < sizeof(buf), "accepted pfx2as line with a long network");
		memcpy(buf, f[0], fl[0]);
		buf[fl[0]] = '/';
		memcpy(buf + fl[0] + 1, f[1], fl[1]);
		struct rcx_cidr c;
		FUZZ_CHECK(rcx_cidr_parse(buf, fl[0] + 1 + fl[1], true, &c) == RCX_OK, "accepted bad pfx2as network");
		size_t n = 0;
		while (n < fl[2] && f[2][n] != '_' && f[2][n] != ',')
			n++;
		rcx_ip_format(&c.ip, p->value);
		rcx_strbuf_printf(out, "%s\t%u\t%.*s\r\n", p->value, c.prefix, (int)n, f[2]);
		p->field = EF_SOURCE_IP;
		p->name = NULL;
		return true;
	}
	const char *num = f[0];
	size_t numlen = fl[0];
	if (numlen > 2 && (num[0] == 'A' || num[0] == 'a') && (num[1] == 'S' || num[1] == 's')) {
		num += 2;
		numlen -= 2;
	}
	int64_t asn;
	FUZZ_CHECK(rcx_parse_i64(num, numlen, &asn) == RCX_OK && asn > 0 && asn <= UINT32_MAX,
		   "accepted asnames line with a bad AS number");
	rcx_trim(&s, &len);
	snprintf(p->value, sizeof(p->value), "%lld", (long long)asn);
	p->field = EF_SOURCE_ASN;
	p->name = rcx_arena_strndup(a, s, len);
	rcx_strbuf_printf(out, "AS%s ", p->value);
	rcx_strbuf_append(out, s, len);
	rcx_strbuf_append(out, "\r\n", 2);
	return true;
}

static void enrich_probe(const struct ingest_enrich *e, struct rcx_arena *a, const struct probe *p,
			 struct rcx_strbuf *json)
{
	struct event ev;
	event_init(&ev, a);
	FUZZ_CHECK(event_set(&ev, p->field, p->value, strlen(p->value)) == RCX_OK, "probe %s refused", p->value);
	ingest_enrich_event(e, &ev);
	rcx_strbuf_clear(json);
	FUZZ_CHECK(event_to_json(&ev, EVENT_JSON_META, json) == RCX_OK, "enriched event does not print");
	if (p->field == EF_SOURCE_IP) {
		struct rcx_cidr net;
		struct rcx_ip ip;
		const char *n = ev.f[EF_SOURCE_NETWORK];
		FUZZ_CHECK(n != NULL, "address %s of a pfx2as line gets no network", p->value);
		FUZZ_CHECK(rcx_cidr_parse(n, strlen(n), true, &net) == RCX_OK &&
				   rcx_ip_parse(p->value, strlen(p->value), &ip) == RCX_OK && rcx_cidr_contains(&net, &ip),
			   "address %s gets network %s", p->value, n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool pfx = (data[0] & 1) == 0;
	const char *s = (const char *)data + 1;
	size--;
	FUZZ_CHECK(fuzz_file_write_n(data_path, s, size), "cannot write %s", data_path);

	struct ingest_enrich *e1 = NULL, *e2 = NULL;
	struct rcx_arena arena = RCX_ARENA_INIT;
	struct rcx_strbuf canon = RCX_STRBUF_INIT(0), j1 = RCX_STRBUF_INIT(0), j2 = RCX_STRBUF_INIT(0);
	struct probe *probes = NULL;
	size_t n = 0;
	char *err = NULL;
	enum rcx_result rc = ingest_enrich_open(pfx ? cfg_pfx : cfg_as, &e1, &err);
	if (rc != RCX_OK) {
		FUZZ_CHECK(err && *err, "refused data file without a message");
		goto out;
	}
	/* gzip'd input is read decompressed: no line oracle for it */
	if (size >= 2 && (unsigned char)s[0] == 0x1f && (unsigned char)s[1] == 0x8b)
		goto out;
	probes = calloc(size / 2 + 1, sizeof(*probes));
	FUZZ_CHECK(probes, "out of memory");
	for (size_t pos = 0; pos < size;) {
		const char *line = s + pos, *nl = memchr(line, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - line) : size - pos;
		pos += len + (nl ? 1 : 0);
		if (len && line[len - 1] == '\r')
			len--;
		if (canonical_line(&arena, pfx, line, len, &canon, &probes[n]))
			n++;
	}
	FUZZ_CHECK(fuzz_file_write_n(data_path2, canon.data ? canon.data : "", canon.len), "cannot write");
	rc = ingest_enrich_open(pfx ? cfg_pfx2 : cfg_as2, &e2, &err);
	if (rc != RCX_OK)
		fuzz_dump("written back", canon.data, canon.len);
	FUZZ_CHECK(rc == RCX_OK, "written-back file is refused: %s", err ? err : "?");
	for (size_t i = 0; i < n; i++) {
		const struct probe *p = &probes[i];
		enrich_probe(e1, &arena, p, &j1);
		enrich_probe(e2, &arena, p, &j2);
		if (j1.len != j2.len || memcmp(j1.data, j2.data, j1.len)) {
			fuzz_dump("first", j1.data, j1.len);
			fuzz_dump("second", j2.data, j2.len);
		}
		FUZZ_CHECK(j1.len == j2.len && !memcmp(j1.data, j2.data, j1.len), "probe %s enriched differently",
			   p->value);
		if (!p->name)
			continue;
		/* the last line naming an AS wins */
		size_t last = i;
		for (size_t j = i + 1; j < n; j++)
			if (probes[j].name && !strcmp(probes[j].value, p->value))
				last = j;
		struct event want;
		event_init(&want, &arena);
		if (event_set(&want, EF_SOURCE_AS_NAME, probes[last].name, strlen(probes[last].name)) != RCX_OK)
			continue;
		struct event got;
		event_init(&got, &arena);
		FUZZ_CHECK(event_set(&got, EF_SOURCE_ASN, p->value, strlen(p->value)) == RCX_OK, "probe");
		ingest_enrich_event(e1, &got);
		FUZZ_CHECK(got.f[EF_SOURCE_AS_NAME] && !strcmp(got.f[EF_SOURCE_AS_NAME], want.f[EF_SOURCE_AS_NAME]),
			   "AS%s is named \"%s\", not \"%s\"", p->value,
			   got.f[EF_SOURCE_AS_NAME] ? got.f[EF_SOURCE_AS_NAME] : "(none)", want.f[EF_SOURCE_AS_NAME]);
	}
out:
	free(err);
	free(probes);
	ingest_enrich_close(e1);
	ingest_enrich_close(e2);
	rcx_strbuf_free(&canon);
	rcx_strbuf_free(&j1);
	rcx_strbuf_free(&j2);
	rcx_arena_free(&arena);
	return 0;
}
