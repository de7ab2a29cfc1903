/* Observable extraction from incident text: one refanging pass, then one scan.
 *
 * Refanging writes the text to a copy and, after each byte, checks whether the copy now ends in
 * a defanged form ("[.]", "(dot)", "[at]", "hxxp" ...) and replaces it; checking the copy's tail
 * rather than the input makes nested forms ("[[.]]") come out fully refanged in one pass, so a
 * canonical value never contains a defanged form and extracts again to itself. "example [dot]
 * com" loses the blanks around the word form.
 * The scan starts a candidate only at a word start (an alphanumeric byte not preceded by one of
 * the word bytes: letters, digits, . - _ @ % +) and tries, in order:
 * - a URL: http://, https:// or ftp://, up to a blank, quote or angle bracket, trailing
 *   punctuation and an unbalanced ')' removed; its host is reported too (address or domain);
 * - an IPv6 address: hex digits, colons and dots with at least two colons, an optional %zone
 *   (dropped) and /prefix (a network), as rcx_ip_parse accepts it;
 * - a word: an e-mail address (one '@', a valid domain), a 32/40/64-digit hex hash (not all
 *   decimal), a dotted quad (exactly four parts: "1.2.3" and "10.0.0.0.1" are not addresses;
 *   ":port" is dropped, "/prefix" makes a network), or a domain name.
 * A domain needs two or more labels, a last label the public suffix list knows (the system's list
 * when newer than libpsl's built-in one, as ingest uses; without the "*" rule) and a registrable part (not a bare suffix); it is not taken after a
 * '/' or '\' (paths). A two-label name ending in a common file extension that is also a TLD
 * ("setup.py", "notes.md", "run.sh") is taken for a file name; the region's country codes (.rs,
 * .me, .ba, .al, .mk, .hr) are never treated so.
 * Bounds: RCX_INCIDENT_TEXT_MAX bytes in, RCX_INCIDENT_OBSERVABLES_MAX observables out (more are
 * dropped and flagged); dedup is a linear scan over that bounded set. */
#include "incident/incident_observable.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpsl.h>
#include <pthread.h>

#include "core/ip.h"
#include "core/limits.h"
#include "core/text.h"

static const char *const kind_names[INCIDENT_OBS_KIND_MAX] = {
	[INCIDENT_OBS_IP] = "ip",       [INCIDENT_OBS_CIDR] = "cidr",   [INCIDENT_OBS_DOMAIN] = "domain",
	[INCIDENT_OBS_URL] = "url",     [INCIDENT_OBS_EMAIL] = "email", [INCIDENT_OBS_MD5] = "md5",
	[INCIDENT_OBS_SHA1] = "sha1",   [INCIDENT_OBS_SHA256] = "sha256",
};

const char *incident_obs_kind_name(enum incident_obs_kind kind)
{
	return kind < INCIDENT_OBS_KIND_MAX ? kind_names[kind] : "unknown";
}

enum rcx_result incident_obs_kind_parse(const char *s, enum incident_obs_kind *ret_kind)
{
	for (int k = 0; s && k < INCIDENT_OBS_KIND_MAX; k++)
		if (!strcmp(s, kind_names[k])) {
			*ret_kind = (enum incident_obs_kind)k;
			return RCX_OK;
		}
	return RCX_EINVAL;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}

static bool is_hex(char c)
{
	return rcx_hex_value(c) >= 0;
}

static bool word_char(char c)
{
	return is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '@' || c == '%' || c == '+';
}

/* ---- refanging ---- */

struct form {
	const char *from, *to;
	bool word; /* "[dot]", "[at]": blanks around it go too */
};

static const struct form forms[] = {
	{"[://]", "://", false}, {"[.]", ".", false},  {"(.)", ".", false},   {"{.}", ".", false},
	{"[dot]", ".", true},    {"(dot)", ".", true}, {"{dot}", ".", true},  {"[:]", ":", false},
	{"[@]", "@", false},     {"[at]", "@", true},  {"(at)", "@", true},   {"{at}", "@", true},
	{"[/]", "/", false},     {"hxxp", "http", false},
};

/* The form the buffer out[0..n) ends with, or NULL. */
static const struct form *tail_form(const char *out, size_t n)
{
	char last = out[n - 1];
	if (last != ']' && last != ')' && last != '}' && last != 'p' && last != 'P')
		return NULL;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t fl = strlen(forms[i].from);
		if (fl <= n && !strncasecmp(out + n - fl, forms[i].from, fl))
			return &forms[i];
	}
	return NULL;
}

char *incident_text_refang(struct rcx_arena *a, const char *text, size_t len, size_t *ret_len)
{
	char *out = rcx_arena_alloc(a, len + 1); /* never longer than the input */
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		out[n++] = text[i];
		const struct form *f;
		while ((f = tail_form(out, n))) {
			size_t fl = strlen(f->from), tl = strlen(f->to);
			n -= fl;
			if (f->word && n > 0 && out[n - 1] == ' ' && i + 1 < len && text[i + 1] == ' ') {
				n--; /* "example [dot] com" */
				i++;
			}
			memcpy(out + n, f->to, tl);
			n += tl;
		}
	}
	out[n] = '\0';
	*ret_len = n;
	return out;
}

/* ---- the set ---- */

static void add(struct incident_observables *set, enum incident_obs_kind kind, const char *v, size_t len)
{
	if (len == 0)
		return;
	for (size_t i = 0; i < set->n; i++)
		if (set->items[i].kind == kind && set->items[i].len == len && !memcmp(set->items[i].value, v, len))
			return;
	if (set->n >= RCX_INCIDENT_OBSERVABLES_MAX) {
		set->truncated = true;
		return;
	}
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct incident_observable *p = realloc(set->items, cap * sizeof(*p));
		if (!p) {
			set->truncated = true;
			return;
		}
		set->items = p;
		set->cap = cap;
	}
	set->items[set->n++] = (struct incident_observable){kind, rcx_arena_strndup(&set->arena, v, len), len};
}

/* Adds s[0..len) lowercased. */
static void add_lower(struct incident_observables *set, enum incident_obs_kind kind, const char *s, size_t len)
{
	char buf[512];
	if (len >= sizeof(buf))
		return; /* no domain, address or hash is this long */
	for (size_t i = 0; i < len; i++)
		buf[i] = rcx_lower(s[i]);
	add(set, kind, buf, len);
}

/* ---- classification ---- */

/* Two-label names with these last labels are file names, not domains (all are TLDs too). */
static const char *const file_tlds[] = {"bat", "cfg", "cpp", "css", "csv", "exe", "gz", "ini", "jar", "js", "json",
					"log", "md", "php", "ps1", "py", "rb", "sh", "so", "sql", "tar", "txt",
					"xml", "yml", "zip", "doc", "pdf", "docx", "xlsx", "png", "jpg"};

static bool label_ok(const char *s, size_t len)
{
	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

static const psl_ctx_t *psl_ctx;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

/* The distribution's public suffix list when newer than libpsl's built-in one (as ingest's
 * enrichment does), loaded once per process and kept to its end. */
static void psl_load(void)
{
	psl_ctx_t *latest = psl_latest(NULL);
	psl_ctx = latest ? latest : psl_builtin();
}

/* Whether s[0..len) is a domain name under a known public suffix. */
static bool domain_ok(const char *s, size_t len)
{
	char d[256];
	if (len < 4 || len > 253)
		return false;
	size_t labels = 0;
	for (size_t p = 0; p <= len;) {
		const char *dot = memchr(s + p, '.', len - p);
		size_t e = dot ? (size_t)(dot - s) : len;
		if (!label_ok(s + p, e - p))
			return false;
		labels++;
		p = e + 1;
	}
	if (labels < 2)
		return false;
	for (size_t i = 0; i < len; i++)
		d[i] = rcx_lower(s[i]);
	d[len] = '\0';
	const char *tld = strrchr(d, '.') + 1;
	if (is_digit(tld[0]))
		return false;
	for (size_t i = 0; labels == 2 && i < sizeof(file_tlds) / sizeof(file_tlds[0]); i++)
		if (!strcmp(tld, file_tlds[i]))
			return false;
	pthread_once(&psl_once, psl_load);
	const psl_ctx_t *psl = psl_ctx;
	if (!psl || !psl_is_public_suffix2(psl, tld, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))
		return false;
	return !psl_is_public_suffix2(psl, d, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
}

/* An address (family 4 or 6) in s[0..len), canonical, optionally with "/prefix" after it. */
static bool add_address(struct incident_observables *set, const char *s, size_t len, const char *prefix,
			size_t plen)
{
	struct rcx_ip ip;
	char buf[RCX_IP_BUF + 8];
	if (rcx_ip_parse(s, len, &ip) != RCX_OK)
		return false;
	if (plen) {
		struct rcx_cidr c;
		char net[RCX_IP_BUF + 8];
		size_t n = rcx_ip_format(&ip, net);
		if (n + 1 + plen >= sizeof(net))
			return false;
		net[n] = '/';
		memcpy(net + n + 1, prefix, plen);
		if (rcx_cidr_parse(net, n + 1 + plen, false, &c) != RCX_OK)
			return false;
		add(set, INCIDENT_OBS_CIDR, buf, rcx_cidr_format(&c, buf));
		return true;
	}
	add(set, INCIDENT_OBS_IP, buf, rcx_ip_format(&ip, buf));
	return true;
}

/* Length of a "/prefix" at s (1..3 digits, then no word byte), 0 when there is none. */
static size_t prefix_at(const char *s, size_t len)
{
	size_t n = 0;
	if (len < 2 || s[0] != '/')
		return 0;
	while (1 + n < len && n < 4 && is_digit(s[1 + n]))
		n++;
	if (n == 0 || n > 3 || (1 + n < len && (is_alnum(s[1 + n]) || s[1 + n] == '/')))
		return 0;
	return n;
}

static size_t scheme_len(const char *s, size_t len)
{
	static const char *const schemes[] = {"http://", "https://", "ftp://"};
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(schemes[i]);
		if (len > n && !strncasecmp(s, schemes[i], n))
			return n;
	}
	return 0;
}

static bool url_end(char c)
{
	unsigned char u = (unsigned char)c;
	return u <= 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == '{' ||
	       c == '}' || c == '|' || c == '\\' || c == '^';
}

/* Length of the URL at s, trailing punctuation and an unbalanced ')' removed. */
static size_t url_len(const char *s, size_t len)
{
	size_t n = 0;
	int parens = 0;
	while (n < len && !url_end(s[n])) {
		parens += s[n] == '(' ? 1 : s[n] == ')' ? -1 : 0;
		n++;
	}
	for (;;) {
		char c = n ? s[n - 1] : 'x';
		if (strchr(".,;:!?]*", c)) {
			n--;
		} else if (c == ')' && parens < 0) {
			n--;
			parens++;
		} else {
			return n;
		}
	}
}

/* Adds the URL s[0..len) (scheme sl bytes) with scheme and host lowercased, and its host. */
static void add_url(struct incident_observables *set, const char *s, size_t len, size_t sl)
{
	char *u = malloc(len + 1);
	if (!u)
		return;
	memcpy(u, s, len);
	size_t h = sl, a = sl;
	while (a < len && u[a] != '/' && u[a] != '?' && u[a] != '#')
		a++;
	for (size_t i = 0; i < a; i++)
		u[i] = rcx_lower(u[i]);
	const char *at = memrchr(u + h, '@', a - h);
	if (at)
		h = (size_t)(at - u) + 1;
	size_t he = a;
	if (h < a && u[h] == '[') {
		const char *rb = memchr(u + h, ']', a - h);
		if (rb) {
			he = (size_t)(rb - u);
			h++;
			add_address(set, u + h, he - h, NULL, 0);
		}
	} else {
		const char *colon = memchr(u + h, ':', a - h);
		if (colon)
			he = (size_t)(colon - u);
		if (!add_address(set, u + h, he - h, NULL, 0) && domain_ok(u + h, he - h))
			add(set, INCIDENT_OBS_DOMAIN, u + h, he - h);
	}
	add(set, INCIDENT_OBS_URL, u, len);
	free(u);
}

/* A dotted quad of exactly four parts. */
static bool dotted_quad(const char *s, size_t len)
{
	unsigned parts = 1, digits = 0;
	for (size_t i = 0; i < len; i++) {
		if (is_digit(s[i])) {
			if (++digits > 3)
				return false;
		} else if (s[i] == '.' && digits) {
			parts++;
			digits = 0;
		} else {
			return false;
		}
	}
	return parts == 4 && digits;
}

/* Classifies the word s[0..len); after is what follows it in the text (rest bytes). */
static void classify(struct incident_observables *set, const char *s, size_t len, char before, const char *after,
		     size_t rest)
{
	const char *at = memchr(s, '@', len);
	if (at) {
		size_t dl = len - (size_t)(at + 1 - s);
		if (at == s || memchr(at + 1, '@', dl) || !domain_ok(at + 1, dl))
			return;
		for (const char *c = s; c < at; c++)
			if (!is_alnum(*c) && !strchr("._%+-", *c))
				return;
		add_lower(set, INCIDENT_OBS_EMAIL, s, len);
		return;
	}
	if (len == 32 || len == 40 || len == 64) {
		bool hex = true, letter = false;
		for (size_t i = 0; i < len && hex; i++) {
			hex = is_hex(s[i]);
			letter |= !is_digit(s[i]);
		}
		if (hex) {
			if (letter)
				add_lower(set, len == 32 ? INCIDENT_OBS_MD5 : len == 40 ? INCIDENT_OBS_SHA1 : INCIDENT_OBS_SHA256,
					  s, len);
			return;
		}
	}
	if (dotted_quad(s, len)) {
		size_t pl = prefix_at(after, rest);
		add_address(set, s, len, pl ? after + 1 : NULL, pl);
		return;
	}
	if (before != '/' && before != '\\' && domain_ok(s, len))
		add_lower(set, INCIDENT_OBS_DOMAIN, s, len);
}

/* Tries an IPv6 address at t[i..n); returns the bytes consumed, 0 when there is none. */
static size_t try_ipv6(struct incident_observables *set, const char *t, size_t i, size_t n)
{
	size_t j = i, colons = 0;
	while (j < n && (is_hex(t[j]) || t[j] == ':' || t[j] == '.')) {
		colons += t[j] == ':';
		j++;
	}
	if (colons < 2)
		return 0;
	size_t e = j;
	while (e > i && (t[e - 1] == '.' || t[e - 1] == ':'))
		e--;
	if (e + 1 < j && t[e] == ':' && t[e + 1] == ':')
		e += 2; /* "2001:db8::" ends in "::" */
	size_t k = e;
	if (k < n && t[k] == '%') { /* zone: fe80::1%eth0 */
		k++;
		while (k < n && (is_alnum(t[k]) || t[k] == '_' || t[k] == '-' || t[k] == '.'))
			k++;
	}
	size_t pl = prefix_at(t + k, n - k);
	if (k + (pl ? pl + 1 : 0) < n && is_alnum(t[k + (pl ? pl + 1 : 0)]))
		return 0;
	if (!add_address(set, t + i, e - i, pl ? t + k + 1 : NULL, pl))
		return 0;
	return k + (pl ? pl + 1 : 0) - i;
}

static void scan(struct incident_observables *set, const char *t, size_t n)
{
	size_t i = 0;
	while (i < n) {
		char before = i > 0 ? t[i - 1] : ' ';
		bool v6_start = t[i] == ':' && i + 1 < n && t[i + 1] == ':' && before != ':';
		if ((!is_alnum(t[i]) && !v6_start) || word_char(before)) {
			i++;
			continue;
		}
		size_t sl = scheme_len(t + i, n - i);
		if (sl) {
			size_t ul = url_len(t + i, n - i);
			if (ul > sl)
				add_url(set, t + i, ul, sl);
			i += ul > sl ? ul : sl;
			continue;
		}
		size_t used = try_ipv6(set, t, i, n);
		if (used) {
			i += used;
			continue;
		}
		size_t j = i;
		while (j < n && word_char(t[j]))
			j++;
		size_t e = j;
		while (e > i && !is_alnum(t[e - 1]))
			e--;
		if (e > i)
			classify(set, t + i, e - i, before, t + e, n - e);
		i = j > i ? j : i + 1;
	}
}

enum rcx_result incident_observables_extract(const char *text, size_t len, struct incident_observables *out)
{
	struct rcx_arena tmp = RCX_ARENA_INIT;
	size_t n;
	if (!out || (!text && len))
		return RCX_EINVAL;
	if (len > RCX_INCIDENT_TEXT_MAX)
		return RCX_ELIMIT;
	const char *t = incident_text_refang(&tmp, text ? text : "", len, &n);
	scan(out, t, n);
	rcx_arena_free(&tmp);
	return RCX_OK;
}

void incident_observables_free(struct incident_observables *set)
{
	rcx_arena_free(&set->arena);
	free(set->items);
	set->items = NULL;
	set->n = set->cap = 0;
	set->truncated = false;
}
