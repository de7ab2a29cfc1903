/* Routing rules: the input is the body of a [routing] section. When ingest_route_load accepts it, every
 * rule is written back in canonical form ("cidr 192.0.2.0/24", "asn 64512", "domain xn--...", "cc RS"),
 * loaded again, and for each rule a probe event (its address, AS, host or country) must route the same
 * way through both tables: to the rule's organisation for asn, domain and cc rules, and for a cidr rule
 * to the organisation of the longest cidr rule holding its address. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/event.h"
#include "core/ip.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "ingest/ingest_route.h"
#include "fuzz_common.h"

/* The O(n^2) longest-cidr oracle is only run on small rule sets. */
#define ORACLE_RULES_MAX 2000

enum kind { K_CIDR, K_ASN, K_DOMAIN, K_CC, K_NONE };

struct rule {
	enum kind kind;
	const char *key; /* canonical value, in the arena */
	const char *org;
	struct rcx_cidr cidr;
};

/* The rule an accepted [routing] entry states, in canonical form. */
static struct rule canonical(struct rcx_arena *a, const struct rcx_config_entry *en)
{
	struct rule r = {K_NONE, NULL, en->value, {{0}, 0}};
	static const char *const kinds[] = {"cidr", "asn", "domain", "cc"};
	const char *k = en->key, *sp = k;
	while (*sp && *sp != ' ' && *sp != '\t')
		sp++;
	const char *v = sp;
	size_t klen = (size_t)(sp - k), vlen = strlen(sp);
	rcx_trim(&v, &vlen);
	for (int i = 0; i < 4; i++)
		if (strlen(kinds[i]) == klen && !strncasecmp(kinds[i], k, klen))
			r.kind = (enum kind)i;
	FUZZ_CHECK(r.kind != K_NONE, "accepted rule of unknown kind: %s", en->key);
	char buf[RCX_IP_BUF];
	struct rcx_arena scratch = RCX_ARENA_INIT;
	struct event ev;
	event_init(&ev, &scratch);
	switch (r.kind) {
	case K_CIDR:
		FUZZ_CHECK(rcx_cidr_parse(v, vlen, true, &r.cidr) == RCX_OK, "accepted bad network: %s", en->key);
		r.key = rcx_arena_strndup(a, buf, rcx_cidr_format(&r.cidr, buf));
		break;
	case K_ASN:
		FUZZ_CHECK(event_set(&ev, EF_SOURCE_ASN, v, vlen) == RCX_OK, "accepted bad AS: %s", en->key);
		r.key = rcx_arena_strdup(a, ev.f[EF_SOURCE_ASN]);
		break;
	case K_DOMAIN:
		if (vlen > 1 && v[0] == '.') {
			v++;
			vlen--;
		}
		FUZZ_CHECK(event_set(&ev, EF_SOURCE_FQDN, v, vlen) == RCX_OK, "accepted bad domain: %s", en->key);
		r.key = rcx_arena_strdup(a, ev.f[EF_SOURCE_FQDN]);
		break;
	case K_CC:
		FUZZ_CHECK(event_set(&ev, EF_SOURCE_GEOLOCATION_CC, v, vlen) == RCX_OK, "accepted bad cc: %s", en->key);
		r.key = rcx_arena_strdup(a, ev.f[EF_SOURCE_GEOLOCATION_CC]);
		break;
	case K_NONE:
		break;
	}
	rcx_arena_free(&scratch);
	return r;
}

/* An event that only the rule's kind can route. */
static void probe(struct event *ev, const struct rule *r)
{
	static const enum event_field field[] = {EF_SOURCE_IP, EF_SOURCE_ASN, EF_SOURCE_FQDN, EF_SOURCE_GEOLOCATION_CC};
	char buf[RCX_IP_BUF];
	const char *v = r->key;
	size_t len = strlen(v);
	if (r->kind == K_CIDR) {
		len = rcx_ip_format(&r->cidr.ip, buf);
		v = buf;
	}
	enum rcx_result rc = event_set(ev, field[r->kind], v, len);
	FUZZ_CHECK(rc == RCX_OK, "probe value %s is refused (%d)", v, (int)rc);
}

static const char *expected(const struct rule *rules, size_t n, size_t i)
{
	if (rules[i].kind != K_CIDR)
		return rules[i].org;
	if (n > ORACLE_RULES_MAX)
		return NULL;
	const struct rule *best = &rules[i];
	for (size_t j = 0; j < n; j++)
		if (rules[j].kind == K_CIDR && rules[j].cidr.prefix > best->cidr.prefix &&
		    rcx_cidr_contains(&rules[j].cidr, &rules[i].cidr.ip))
			best = &rules[j];
	return best->org;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rcx_strbuf text = RCX_STRBUF_INIT(0), text2 = RCX_STRBUF_INIT(0);
	struct rcx_config *cfg = NULL, *cfg2 = NULL;
	struct ingest_routes *r1 = NULL, *r2 = NULL;
	struct rcx_arena arena = RCX_ARENA_INIT;
	char *err = NULL;
	unsigned line;

	rcx_strbuf_puts(&text, "[routing]\n");
	rcx_strbuf_append(&text, (const char *)data, size);
	if (rcx_config_parse(text.data, text.len, &cfg, &line) != RCX_OK)
		goto out;
	enum rcx_result rc = ingest_route_load(cfg, &r1, &err);
	if (rc != RCX_OK) {
		FUZZ_CHECK(err && *err, "refused rules without a message");
		goto out;
	}
	FUZZ_CHECK(err == NULL, "loaded rules with an error message: %s", err);

	size_t n = 0;
	struct rule *rules = rcx_arena_alloc(&arena, (cfg->n ? cfg->n : 1) * sizeof(*rules));
	rcx_strbuf_puts(&text2, "[routing]\n");
	for (size_t i = 0; i < cfg->n; i++) {
		if (strcmp(cfg->entries[i].section, "routing"))
			continue;
		static const char *const kinds[] = {"cidr", "asn", "domain", "cc"};
		rules[n] = canonical(&arena, &cfg->entries[i]);
		rcx_strbuf_printf(&text2, "%s %s = \"%s\"\n", kinds[rules[n].kind], rules[n].key, rules[n].org);
		n++;
	}
	rc = rcx_config_parse(text2.data, text2.len, &cfg2, &line);
	if (rc != RCX_OK)
		fuzz_dump("written back", text2.data, text2.len);
	FUZZ_CHECK(rc == RCX_OK, "written-back rules are not a configuration (line %u)", line);
	rc = ingest_route_load(cfg2, &r2, &err);
	if (rc != RCX_OK)
		fuzz_dump("written back", text2.data, text2.len);
	FUZZ_CHECK(rc == RCX_OK, "written-back rules are refused: %s", err ? err : "?");

	for (size_t i = 0; i < n; i++) {
		struct rcx_arena scratch = RCX_ARENA_INIT;
		struct event ev;
		event_init(&ev, &scratch);
		probe(&ev, &rules[i]);
		const char *o1 = ingest_route_event(r1, &ev), *o2 = ingest_route_event(r2, &ev);
		const char *want = expected(rules, n, i);
		FUZZ_CHECK(o1 && o2 && !strcmp(o1, o2), "rule %zu (%s): routed to \"%s\", then to \"%s\"", i, rules[i].key,
			   o1 ? o1 : "(none)", o2 ? o2 : "(none)");
		FUZZ_CHECK(!want || !strcmp(o1, want), "rule %zu (%s) routes to \"%s\", not \"%s\"", i, rules[i].key, o1,
			   want);
		rcx_arena_free(&scratch);
	}
out:
	free(err);
	ingest_route_free(r1);
	ingest_route_free(r2);
	rcx_config_free(cfg);
	rcx_config_free(cfg2);
	rcx_strbuf_free(&text);
	rcx_strbuf_free(&text2);
	rcx_arena_free(&arena);
	return 0;
}
