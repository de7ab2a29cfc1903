/* Constituency routing tables.
 *
 * Rules are parsed into a list of (kind, canonical key, organisation, line), sorted so that repeated
 * rules are adjacent (a repeat naming another organisation is a configuration error), then split into
 * one structure per kind:
 *  - cidr: an ingest_prefix table whose value is the rule's index (longest prefix match);
 *  - asn: an array sorted by AS number (binary search);
 *  - domain: an open-addressing hash set of names; a host is looked up as itself, then as each suffix
 *    starting after one of its dots, so the first hit is the longest rule on a label boundary;
 *  - cc: a 26 x 26 table indexed by the two letters.
 * Bounds: at most RCX_ROUTE_RULES_MAX rules; the hash table is at most half full; a domain lookup
 * hashes at most 127 suffixes (253-byte names). */
#include "ingest/ingest_route.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ip.h"
#include "core/limits.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "ingest/ingest_enrich.h"
#include "ingest/ingest_prefix.h"

enum route_kind { ROUTE_CIDR, ROUTE_ASN, ROUTE_DOMAIN, ROUTE_CC, ROUTE_KIND_MAX };

static const char *const kind_names[ROUTE_KIND_MAX] = {"cidr", "asn", "domain", "cc"};

struct route_rule {
	enum route_kind kind;
	const char *key; /* canonical: network text, decimal AS, A-label name, upper-case cc */
	const char *org;
	struct rcx_cidr cidr;
	uint32_t asn;
	unsigned line;
};

struct route_asn {
	uint32_t asn;
	const char *org;
};

struct route_domain {
	const char *name; /* NULL = empty slot */
	size_t len;
	const char *org;
};

struct ingest_routes {
	struct rcx_arena arena; /* keys and organisation names */
	struct route_rule *rules;
	size_t n_rules;
	struct ingest_prefix *cidr; /* value: index into rules */
	struct route_asn *asn;
	size_t n_asn;
	struct route_domain *domain;
	size_t domain_mask; /* slots - 1; slots is a power of two */
	const char *cc[26 * 26];
};

#define set_error(errp, ...)                                   \
	do {                                                   \
		/* the first message names the cause; keep it */  \
		if (!*(errp))                                  \
			*(errp) = rcx_strdup_printf(__VA_ARGS__); \
	} while (0)

static uint64_t name_hash(const char *s, size_t len)
{
	/* FNV-1a: names are short and already lowercase; no adversary picks the rule set. */
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
	return h;
}

static const char *domain_find(const struct ingest_routes *r, const char *s, size_t len)
{
	if (!r->domain)
		return NULL;
	for (size_t i = name_hash(s, len) & r->domain_mask;; i = (i + 1) & r->domain_mask) {
		const struct route_domain *d = &r->domain[i];
		if (!d->name)
			return NULL;
		if (d->len == len && !memcmp(d->name, s, len))
			return d->org;
	}
}

/* The longest rule that is host itself or a parent domain of it. */
static const char *domain_route(const struct ingest_routes *r, const char *host, size_t len)
{
	/* The event model strips a trailing dot, but not one that IDN mapping exposes ("example.\u200b"). */
	while (len && host[len - 1] == '.')
		len--;
	if (len == 0)
		return NULL;
	for (;;) {
		const char *org = domain_find(r, host, len);
		if (org)
			return org;
		const char *dot = memchr(host, '.', len);
		if (!dot)
			return NULL;
		len -= (size_t)(dot + 1 - host);
		host = dot + 1;
	}
}

/* Parses "kind value" of one [routing] entry into rule; NULL or the reason it is refused. */
static const char *rule_parse(struct ingest_routes *r, const struct rcx_config_entry *en, struct route_rule *rule)
{
	const char *k = en->key, *sp = k;
	while (*sp && *sp != ' ' && *sp != '\t')
		sp++;
	size_t klen = (size_t)(sp - k);
	const char *v = sp;
	size_t vlen = strlen(sp);
	rcx_trim(&v, &vlen);
	int kind = -1;
	for (int i = 0; i < ROUTE_KIND_MAX; i++)
		if (strlen(kind_names[i]) == klen && !strncasecmp(kind_names[i], k, klen))
			kind = i;
	if (kind < 0)
		return "unknown rule kind (expected cidr, asn, domain or cc)";
	if (vlen == 0)
		return "rule without a value";
	if (en->value[0] == '\0')
		return "rule without an organisation";
	rule->kind = (enum route_kind)kind;
	rule->org = en->value;
	rule->line = en->line;
	char buf[RCX_IP_BUF];
	switch (rule->kind) {
	case ROUTE_CIDR:
		if (rcx_cidr_parse(v, vlen, true, &rule->cidr) != RCX_OK)
			return "bad network (address, prefix length, or host bits set)";
		rule->key = rcx_arena_strndup(&r->arena, buf, rcx_cidr_format(&rule->cidr, buf));
		return NULL;
	case ROUTE_ASN: {
		int64_t asn;
		if (vlen > 2 && (v[0] == 'A' || v[0] == 'a') && (v[1] == 'S' || v[1] == 's')) {
			v += 2;
			vlen -= 2;
		}
		if (rcx_parse_i64(v, vlen, &asn) != RCX_OK || v[0] == '-' || v[0] == '+' || asn < 1 || asn > UINT32_MAX)
			return "bad AS number";
		rule->asn = (uint32_t)asn;
		int n = snprintf(buf, sizeof(buf), "%u", rule->asn);
		rule->key = rcx_arena_strndup(&r->arena, buf, (size_t)n);
		return NULL;
	}
	case ROUTE_DOMAIN: {
		/* The event model's host-name rules, so rules and events agree on case and IDN form. */
		struct rcx_arena scratch = RCX_ARENA_INIT;
		struct event ev;
		event_init(&ev, &scratch);
		if (vlen > 1 && v[0] == '.') {
			v++;
			vlen--;
		}
		const char *why = NULL;
		if (memchr(v, '*', vlen))
			why = "wildcards are not needed: a domain rule covers its subdomains";
		else if (event_set(&ev, EF_SOURCE_FQDN, v, vlen) != RCX_OK)
			why = "bad domain name";
		else {
			const char *name = ev.f[EF_SOURCE_FQDN];
			size_t n = strlen(name);
			while (n && name[n - 1] == '.') /* as in domain_route */
				n--;
			if (n == 0)
				why = "bad domain name";
			rule->key = rcx_arena_strndup(&r->arena, name, n);
		}
		rcx_arena_free(&scratch);
		return why;
	}
	case ROUTE_CC:
		if (vlen != 2 || !((v[0] | 0x20) >= 'a' && (v[0] | 0x20) <= 'z') ||
		    !((v[1] | 0x20) >= 'a' && (v[1] | 0x20) <= 'z'))
			return "bad country code (two letters)";
		buf[0] = (char)(v[0] & ~0x20);
		buf[1] = (char)(v[1] & ~0x20);
		rule->key = rcx_arena_strndup(&r->arena, buf, 2);
		return NULL;
	case ROUTE_KIND_MAX:
		break;
	}
	return "unknown rule kind";
}

static int rule_cmp(const void *a, const void *b)
{
	const struct route_rule *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == ROUTE_ASN && x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static enum rcx_result build_tables(struct ingest_routes *r)
{
	size_t n_domain = 0;
	enum rcx_result res = ingest_prefix_new(r->n_rules, &r->cidr);
	if (res != RCX_OK)
		return res;
	r->asn = malloc((r->n_rules ? r->n_rules : 1) * sizeof(*r->asn));
	if (!r->asn)
		return RCX_ENOMEM;
	for (size_t i = 0; i < r->n_rules; i++)
		n_domain += r->rules[i].kind == ROUTE_DOMAIN;
	if (n_domain) {
		size_t slots = 16;
		while (slots < 2 * n_domain)
			slots *= 2;
		r->domain = calloc(slots, sizeof(*r->domain));
		if (!r->domain)
			return RCX_ENOMEM;
		r->domain_mask = slots - 1;
	}
	for (size_t i = 0; i < r->n_rules; i++) {
		const struct route_rule *rule = &r->rules[i];
		switch (rule->kind) {
		case ROUTE_CIDR:
			res = ingest_prefix_add(r->cidr, &rule->cidr, i);
			if (res != RCX_OK)
				return res;
			break;
		case ROUTE_ASN:
			/* rules are sorted by AS, so the array is too */
			r->asn[r->n_asn].asn = rule->asn;
			r->asn[r->n_asn++].org = rule->org;
			break;
		case ROUTE_DOMAIN: {
			size_t len = strlen(rule->key);
			size_t j = name_hash(rule->key, len) & r->domain_mask;
			while (r->domain[j].name)
				j = (j + 1) & r->domain_mask;
			r->domain[j] = (struct route_domain){rule->key, len, rule->org};
			break;
		}
		case ROUTE_CC:
			r->cc[(rule->key[0] - 'A') * 26 + (rule->key[1] - 'A')] = rule->org;
			break;
		case ROUTE_KIND_MAX:
			break;
		}
	}
	return ingest_prefix_build(r->cidr);
}

enum rcx_result ingest_route_load(struct rcx_config *cfg, struct ingest_routes **ret_routes, char **ret_error)
{
	struct ingest_routes *r = calloc(1, sizeof(*r));
	enum rcx_result res = RCX_ENOMEM;
	char *err = NULL; /* handed to the caller on failure */
	size_t cap = 0;
	if (!r)
		goto fail;
	for (size_t i = 0; cfg && i < cfg->n; i++) {
		const struct rcx_config_entry *en = &cfg->entries[i];
		if (strcmp(en->section, "routing"))
			continue;
		if (r->n_rules >= RCX_ROUTE_RULES_MAX) {
			set_error(&err, "configuration line %u: more than %u routing rules", en->line,
				  RCX_ROUTE_RULES_MAX);
			res = RCX_ELIMIT;
			goto fail;
		}
		if (r->n_rules == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct route_rule *p = realloc(r->rules, ncap * sizeof(*p));
			if (!p)
				goto fail;
			r->rules = p;
			cap = ncap;
		}
		struct route_rule *rule = &r->rules[r->n_rules];
		const char *why = rule_parse(r, en, rule);
		if (why) {
			set_error(&err, "configuration line %u: [routing] \"%s = %s\": %s", en->line, en->key,
				  en->value, why);
			res = RCX_ECONFIG;
			goto fail;
		}
		rule->org = rcx_arena_strdup(&r->arena, rule->org);
		r->n_rules++;
	}
	if (r->n_rules)
		qsort(r->rules, r->n_rules, sizeof(*r->rules), rule_cmp);
	/* A repeated rule is harmless when it names the same organisation, a conflict otherwise. */
	size_t m = 0;
	for (size_t i = 0; i < r->n_rules; i++) {
		const struct route_rule *prev = m > 0 ? &r->rules[m - 1] : NULL, *rule = &r->rules[i];
		if (prev && prev->kind == rule->kind && !strcmp(prev->key, rule->key)) {
			if (strcmp(prev->org, rule->org)) {
				set_error(&err,
					  "configuration line %u: [routing] %s %s is already routed to \"%s\" "
					  "on line %u",
					  rule->line, kind_names[rule->kind], rule->key, prev->org, prev->line);
				res = RCX_ECONFIG;
				goto fail;
			}
			continue;
		}
		r->rules[m++] = r->rules[i];
	}
	r->n_rules = m;
	res = build_tables(r);
	if (res != RCX_OK)
		goto fail;
	*ret_routes = r;
	return RCX_OK;
fail:
	set_error(&err, "cannot load routing rules: %s", rcx_result_message(res));
	if (ret_error)
		*ret_error = err;
	else
		free(err);
	ingest_route_free(r);
	return res;
}

static const char *asn_route(const struct ingest_routes *r, const char *text)
{
	int64_t v;
	if (!text || rcx_parse_i64(text, strlen(text), &v) != RCX_OK || v < 1 || v > UINT32_MAX)
		return NULL;
	size_t lo = 0, hi = r->n_asn;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->asn[mid].asn < (uint32_t)v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n_asn && r->asn[lo].asn == (uint32_t)v ? r->asn[lo].org : NULL;
}

const char *ingest_route_event(const struct ingest_routes *r, const struct event *ev)
{
	bool dst = !ev->f[EF_SOURCE_IP] && ev->f[EF_DESTINATION_IP];
	const char *org;
	struct rcx_ip ip;
	struct ingest_prefix_match m;

	if (event_get_ip(ev, dst ? EF_DESTINATION_IP : EF_SOURCE_IP, &ip) && ingest_prefix_lookup(r->cidr, &ip, &m))
		return r->rules[m.value].org;
	if ((org = asn_route(r, ev->f[dst ? EF_DESTINATION_ASN : EF_SOURCE_ASN])))
		return org;
	if (r->domain) {
		const char *host;
		size_t hlen;
		struct rcx_ip literal;
		const char *fqdn = ev->f[EF_SOURCE_FQDN];
		if (fqdn && (org = domain_route(r, fqdn, strlen(fqdn))))
			return org;
		if (ev->f[EF_SOURCE_URL] && ingest_url_host(ev->f[EF_SOURCE_URL], &host, &hlen) &&
		    rcx_ip_parse(host, hlen, &literal) != RCX_OK && (org = domain_route(r, host, hlen)))
			return org;
		fqdn = ev->f[EF_DESTINATION_FQDN];
		if (fqdn && (org = domain_route(r, fqdn, strlen(fqdn))))
			return org;
	}
	const char *cc = ev->f[dst ? EF_DESTINATION_GEOLOCATION_CC : EF_SOURCE_GEOLOCATION_CC];
	if (cc && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z' && cc[2] == '\0')
		return r->cc[(cc[0] - 'A') * 26 + (cc[1] - 'A')];
	return NULL;
}

void ingest_route_free(struct ingest_routes *r)
{
	if (!r)
		return;
	ingest_prefix_free(r->cidr);
	free(r->asn);
	free(r->domain);
	free(r->rules);
	rcx_arena_free(&r->arena);
	free(r);
}
