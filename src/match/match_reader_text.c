/* The free-text reader: one pass over each line (after refanging, when the line looks defanged) finds
 * URLs, IPv4 and IPv6 addresses, domain names, MD5/SHA-1/SHA-256 hashes and e-mail addresses.
 * It is deliberately conservative, as a false observable costs a lookup and a false match costs an
 * analyst's time:
 * - a URL starts with http://, https:// or ftp:// at a word boundary and ends at a blank, a quote
 *   or an angle bracket; trailing punctuation and an unbalanced ')' are not part of it; its host is
 *   reported too;
 * - a domain has at least two labels of letters, digits and inner hyphens, a last label of ≥ 2
 *   letters (or an xn-- label) that is not a common file extension, and is not preceded by a slash
 *   (paths such as /etc/resolv.conf);
 * - an IPv4 address is exactly four decimal octets; an IPv6 address has at least two colons and
 *   parses with rcx_ip_parse;
 * - a hash is a run of exactly 32, 40 or 64 hex digits, not all decimal, between word boundaries;
 * - an e-mail address is local@domain with one '@' and a valid domain.
 * Refanging: hxxp → http, [.] (.) {.} [dot] (dot) → ".", [:] → ":", [://] → "://", [@] → "@".
 * Values then point into the refanged copy in the record arena. */
#include <string.h>

#include "core/ip.h"
#include "core/text.h"
#include "core/time.h"
#include "match/match_reader_impl.h"

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
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* file extensions that look like top-level domains in text; real TLDs among them (.zip, .sh) are
 * rare in logs compared with file names */
static const char *const not_tlds[] = {
	"bak", "bat", "bin", "cfg", "conf", "cpp", "css", "csv", "dat", "db", "dll", "doc", "docx", "exe", "gif",
	"gz", "htm", "html", "ini", "jar", "jpeg", "jpg", "js", "json", "log", "lock", "md", "pdf", "php", "pid", "pl",
	"png", "ps1", "py", "rb", "so", "sock", "sql", "svg", "tar", "tmp", "txt", "xls", "xlsx", "xml", "yaml",
	"yml",
};

static bool label_ok(const char *s, size_t len)
{
	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

bool match_text_is_domain(const char *s, size_t len)
{
	if (len < 4 || len > 253)
		return false;
	const char *dot = memrchr(s, '.', len);
	if (!dot)
		return false;
	const char *tld = dot + 1;
	size_t tlen = len - (size_t)(tld - s);
	if (tlen < 2)
		return false;
	if (tlen > 4 && !strncasecmp(tld, "xn--", 4)) {
		if (!label_ok(tld, tlen))
			return false;
	} else {
		for (size_t i = 0; i < tlen; i++)
			if (!is_alpha(tld[i]))
				return false;
		for (size_t i = 0; tlen <= 4 && i < sizeof(not_tlds) / sizeof(not_tlds[0]); i++)
			if (strlen(not_tlds[i]) == tlen && !strncasecmp(not_tlds[i], tld, tlen))
				return false;
	}
	for (const char *p = s, *end = dot; p < end;) {
		const char *d = memchr(p, '.', (size_t)(end - p));
		const char *le = d ? d : end;
		if (!label_ok(p, (size_t)(le - p)))
			return false;
		p = d ? d + 1 : end;
		if (d && p == end)
			return false; /* ".." */
	}
	return true;
}

static bool is_ipv4(const char *s, size_t len)
{
	unsigned parts = 0, digits = 0, v = 0;
	for (size_t i = 0; i < len; i++) {
		if (is_digit(s[i])) {
			v = v * 10 + (unsigned)(s[i] - '0');
			if (++digits > 3 || v > 255)
				return false;
		} else if (s[i] == '.' && digits > 0 && parts < 3) {
			parts++;
			digits = v = 0;
		} else {
			return false;
		}
	}
	return parts == 3 && digits > 0;
}

bool match_text_is_ip(const char *s, size_t len)
{
	struct rcx_ip ip;
	if (len == 0 || s[0] == ' ' || s[len - 1] == ' ' || s[0] == '\t' || s[len - 1] == '\t')
		return false;
	if (memchr(s, ':', len))
		return rcx_ip_parse(s, len, &ip) == RCX_OK;
	return is_ipv4(s, len);
}

enum match_obs_kind match_text_host_kind(const char *s, size_t len)
{
	if (match_text_is_ip(s, len))
		return MATCH_OBS_IP;
	if (len == 0 || len > 253 || !memchr(s, '.', len))
		return MATCH_OBS_ANY;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '.' && s[i] != '_')
			return MATCH_OBS_ANY;
	return MATCH_OBS_DOMAIN;
}

void match_text_add_url_host(struct match_parser *p, const char *field, const char *url, size_t len)
{
	const char *sep = len >= 3 ? memmem(url, len, "://", 3) : NULL;
	if (!sep)
		return;
	const char *h = sep + 3, *end = url + len;
	const char *a = h;
	while (a < end && *a != '/' && *a != '?' && *a != '#' && *a != '\\')
		a++;
	const char *at = memrchr(h, '@', (size_t)(a - h));
	if (at)
		h = at + 1;
	const char *he;
	if (h < a && *h == '[') {
		const char *rb = memchr(h, ']', (size_t)(a - h));
		if (!rb)
			return;
		h++;
		he = rb;
	} else {
		he = a;
		const char *colon = memrchr(h, ':', (size_t)(a - h));
		if (colon) {
			for (const char *c = colon + 1; c < a; c++)
				if (!is_digit(*c))
					return;
			he = colon;
		}
	}
	enum match_obs_kind k = match_text_host_kind(h, (size_t)(he - h));
	if (k != MATCH_OBS_ANY)
		match_obs_add(p, k, field, h, (size_t)(he - h));
}

/* Refanging: returns the replacement for a defanged form at s[0..len) and its length in *ret_used,
 * or NULL. */
static const char *refang_at(const char *s, size_t len, size_t *ret_used)
{
	static const struct {
		const char *from, *to;
	} forms[] = {
		{"[://]", "://"}, {"[dot]", "."}, {"(dot)", "."}, {"{dot}", "."}, {"[.]", "."}, {"(.)", "."},
		{"{.}", "."}, {"[:]", ":"}, {"[@]", "@"}, {"[/]", "/"},
	};
	if (len >= 4 && (s[0] == 'h' || s[0] == 'H') && (s[1] == 'x' || s[1] == 'X') &&
	    (s[2] == 'x' || s[2] == 'X') && (s[3] == 'p' || s[3] == 'P')) {
		*ret_used = 4;
		return "http";
	}
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t n = strlen(forms[i].from);
		if (n <= len && !strncasecmp(s, forms[i].from, n)) {
			*ret_used = n;
			return forms[i].to;
		}
	}
	return NULL;
}

static bool looks_defanged(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t used;
		char c = s[i];
		bool maybe = c == '[' || c == '(' || c == '{' ||
			     ((c == 'h' || c == 'H') && i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X'));
		if (maybe && refang_at(s + i, len - i, &used))
			return true;
	}
	return false;
}

static const char *refang(struct rcx_arena *a, const char *s, size_t len, size_t *ret_len)
{
	char *out = rcx_arena_alloc(a, len + 1), *o = out; /* a refanged line is never longer */
	for (size_t i = 0; i < len;) {
		size_t used;
		const char *to = (s[i] == '[' || s[i] == '(' || s[i] == '{' || s[i] == 'h' || s[i] == 'H')
					 ? refang_at(s + i, len - i, &used)
					 : NULL;
		if (to) {
			size_t n = strlen(to);
			memcpy(o, to, n);
			o += n;
			i += used;
		} else {
			*o++ = s[i++];
		}
	}
	*ret_len = (size_t)(o - out);
	return out;
}

static bool url_end_char(char c)
{
	unsigned char u = (unsigned char)c;
	return u <= 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == '{' ||
	       c == '}' || c == '|' || c == '\\' || c == '^';
}

/* Length of a URL starting at s (scheme already checked), trailing punctuation removed. */
static size_t url_len(const char *s, size_t len)
{
	size_t n = 0;
	int parens = 0;
	while (n < len && !url_end_char(s[n])) {
		parens += s[n] == '(' ? 1 : s[n] == ')' ? -1 : 0;
		n++;
	}
	while (n > 0) {
		char c = s[n - 1];
		if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ']' || c == '*') {
			n--;
		} else if (c == ')' && parens < 0) {
			n--;
			parens++;
		} else {
			break;
		}
	}
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

static bool word_char(char c)
{
	return is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '@' || c == '%' || c == '+';
}

static void classify_word(struct match_parser *p, const char *s, size_t len, char before)
{
	const char *at = memchr(s, '@', len);
	if (at) {
		const char *dom = at + 1;
		size_t dlen = len - (size_t)(dom - s);
		if (at == s || memchr(dom, '@', dlen) || !match_text_is_domain(dom, dlen))
			return;
		for (const char *c = s; c < at; c++)
			if (!is_alnum(*c) && *c != '.' && *c != '_' && *c != '%' && *c != '+' && *c != '-')
				return;
		match_obs_add(p, MATCH_OBS_EMAIL, "text", s, len);
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
				match_obs_add(p, MATCH_OBS_HASH, "text", s, len);
			return;
		}
	}
	if (is_ipv4(s, len)) {
		match_obs_add(p, MATCH_OBS_IP, "text", s, len);
		return;
	}
	if (before != '/' && before != '\\' && match_text_is_domain(s, len))
		match_obs_add(p, MATCH_OBS_DOMAIN, "text", s, len);
}

static void scan(struct match_parser *p, const char *t, size_t n)
{
	size_t i = 0;
	while (i < n) {
		char before = i > 0 ? t[i - 1] : ' ';
		if (!is_alnum(t[i]) || word_char(before)) {
			i++;
			continue;
		}
		char c = t[i];
		size_t sl = (c == 'h' || c == 'H' || c == 'f' || c == 'F') ? scheme_len(t + i, n - i) : 0;
		if (sl) {
			size_t ul = url_len(t + i, n - i);
			if (ul > sl) {
				match_obs_add(p, MATCH_OBS_URL, "text", t + i, ul);
				match_text_add_url_host(p, "text", t + i, ul);
			}
			i += ul > sl ? ul : sl;
			continue;
		}
		/* IPv6: hex digits, colons and dots (an embedded IPv4), at least two colons */
		size_t j = i, colons = 0;
		while (j < n && (is_hex(t[j]) || t[j] == ':' || t[j] == '.')) {
			colons += t[j] == ':';
			j++;
		}
		if (colons >= 2 && (j == n || !word_char(t[j]) || t[j] == '.')) {
			size_t e = j;
			while (e > i && (t[e - 1] == '.' || t[e - 1] == ':'))
				e--;
			if (e < j && t[e] == ':' && e + 1 < j && t[e + 1] == ':')
				e += 2; /* "2001:db8::" ends in "::" */
			if (match_text_is_ip(t + i, e - i)) {
				match_obs_add(p, MATCH_OBS_IP, "text", t + i, e - i);
				i = j;
				continue;
			}
		}
		j = i;
		while (j < n && word_char(t[j]))
			j++;
		size_t e = j;
		while (e > i && !is_alnum(t[e - 1]))
			e--;
		classify_word(p, t + i, e - i, before);
		i = j;
	}
}

/* A leading timestamp: syslog "Nov 23 10:00:00", or an ISO time in the first one or two words. */
static int64_t line_time(const struct match_parser *p, const char *s, size_t len)
{
	int64_t t = 0;
	if (match_syslog_time(s, len, p->year, &t))
		return t;
	const char *sp = memchr(s, ' ', len);
	size_t first = sp ? (size_t)(sp - s) : len;
	if (first >= 10 && first <= 40 && is_digit(s[0]) && s[4] == '-') {
		/* "2026-11-23 10:00:00" before the bare date "2026-11-23" */
		const char *sp2 = sp ? memchr(sp + 1, ' ', len - first - 1) : NULL;
		size_t two = sp2 ? (size_t)(sp2 - s) : len;
		if (sp && two <= 48 && rcx_time_parse(s, two, &t) == RCX_OK)
			return t;
		if (rcx_time_parse(s, first, &t) == RCX_OK)
			return t;
	}
	return 0;
}

static enum rcx_result text_line(struct match_parser *p, const struct match_line *l, int64_t *ret_time_us)
{
	const char *t = l->data;
	size_t n = l->len;
	if (n == 0)
		return RCX_ENOTFOUND;
	if (looks_defanged(t, n))
		t = refang(&p->arena, t, n, &n);
	scan(p, t, n);
	if (p->n_obs)
		*ret_time_us = line_time(p, l->data, l->len);
	return RCX_OK;
}

const struct match_line_ops match_text_ops = {.line = text_line};
