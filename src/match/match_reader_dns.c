/* DNS server logs, recognised per line (a file may mix them, e.g. syslog of several daemons):
 * - BIND querylog: "23-Nov-2026 10:00:00.123 [queries: info: ]client [@0x7f...] 192.0.2.1#53123
 *   [(evil.example)]: [view v: ]query: evil.example IN A +E(0)K (192.0.2.53)", also behind a syslog
 *   prefix ("Nov 23 10:00:00 ns1 named[1]: client ...") → client (IP), query (DOMAIN), time;
 * - dnsmasq: "Nov 23 10:00:00 [host ]dnsmasq[123]: [42 192.0.2.1/53123 ]query[A] evil.example from
 *   192.0.2.1", and forwarded (… to server), reply / cached / config / hosts-file answers (… is
 *   address) → query (DOMAIN), client / server / answer (IP).
 * BIND's time is local time without a zone, taken as UTC; syslog times get the year of the options.
 * Lines of either daemon that carry no query (start-up, DHCP, statistics) are not records; lines of
 * neither are bad lines. */
#include <string.h>

#include "core/text.h"
#include "core/time.h"
#include "match/match_reader_impl.h"

static unsigned num(const char *s, size_t n)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 100000;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v;
}

/* "23-Nov-2026 10:00:00[.123]" */
static size_t bind_time(const char *s, size_t len, int64_t *ret_us)
{
	if (len < 20 || s[2] != '-' || s[6] != '-' || s[11] != ' ' || s[14] != ':' || s[17] != ':')
		return 0;
	unsigned mon = match_month_parse(s + 3);
	unsigned d = num(s, 2), y = num(s + 7, 4), hh = num(s + 12, 2), mi = num(s + 15, 2), ss = num(s + 18, 2);
	if (mon == 12 || d < 1 || d > 31 || y < 1000 || y > 9999 || hh > 23 || mi > 59 || ss > 60)
		return 0;
	size_t n = 20;
	int64_t frac = 0, scale = 1000000;
	if (n < len && s[n] == '.')
		for (n++; n < len && s[n] >= '0' && s[n] <= '9'; n++)
			if (scale > 1) {
				scale /= 10;
				frac += (s[n] - '0') * scale;
			}
	*ret_us = (rcx_time_days_from_civil(y, mon + 1, d) * 86400 + hh * 3600 + mi * 60 + ss) * 1000000 + frac;
	return n;
}

static const char *find(const char *s, const char *end, const char *what)
{
	return s < end ? memmem(s, (size_t)(end - s), what, strlen(what)) : NULL;
}

/* The token at *s (up to a blank), advancing *s past it and the blanks after it. */
static size_t token(const char **s, const char *end, const char **ret_tok)
{
	const char *p = *s;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	*ret_tok = *s;
	size_t n = (size_t)(p - *s);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	*s = p;
	return n;
}

static void add_name(struct match_parser *p, const char *s, size_t n)
{
	if (n > 1 && s[n - 1] == '.')
		n--; /* absolute form */
	match_obs_add(p, MATCH_OBS_DOMAIN, "query", s, n);
}

static void add_ip(struct match_parser *p, const char *field, const char *s, size_t n)
{
	if (match_text_is_ip(s, n))
		match_obs_add(p, MATCH_OBS_IP, field, s, n);
}

static enum rcx_result bind_line(struct match_parser *p, const char *s, const char *end)
{
	const char *tok;
	size_t n = token(&s, end, &tok); /* "client" */
	(void)n;
	n = token(&s, end, &tok);
	if (n > 0 && tok[0] == '@')
		n = token(&s, end, &tok);
	const char *hash = memchr(tok, '#', n);
	if (!hash)
		return RCX_EPARSE;
	const char *q = find(s, end, "query: ");
	if (!q)
		return RCX_ENOTFOUND; /* other client messages: updates, transfers, denials */
	add_ip(p, "client", tok, (size_t)(hash - tok));
	s = q + 7;
	n = token(&s, end, &tok);
	add_name(p, tok, n);
	return RCX_OK;
}

static enum rcx_result dnsmasq_line(struct match_parser *p, const char *s, const char *end)
{
	const char *verb, *name, *word, *val;
	size_t vn = token(&s, end, &verb);
	/* log-queries=extra: "<serial> <client>/<port> " first */
	if (vn > 0 && verb[0] >= '0' && verb[0] <= '9' && num(verb, vn) < 100000) {
		const char *t;
		size_t tn = token(&s, end, &t);
		if (!memchr(t, '/', tn))
			return RCX_ENOTFOUND;
		vn = token(&s, end, &verb);
	}
	size_t nn = token(&s, end, &name);
	size_t wn = token(&s, end, &word);
	size_t valn = token(&s, end, &val);
	if (nn == 0 || wn == 0 || valn == 0)
		return RCX_ENOTFOUND;
	const char *field;
	if (vn > 6 && !memcmp(verb, "query[", 6) && wn == 4 && !memcmp(word, "from", 4))
		field = "client";
	else if (vn == 9 && !memcmp(verb, "forwarded", 9) && wn == 2 && !memcmp(word, "to", 2))
		field = "server";
	else if (wn == 2 && !memcmp(word, "is", 2) &&
		 ((vn == 5 && !memcmp(verb, "reply", 5)) || (vn == 6 && !memcmp(verb, "cached", 6)) ||
		  (vn == 6 && !memcmp(verb, "config", 6)) || verb[0] == '/'))
		field = "answer";
	else
		return RCX_ENOTFOUND;
	add_name(p, name, nn);
	add_ip(p, field, val, valn);
	return RCX_OK;
}

static enum rcx_result dns_line(struct match_parser *p, const struct match_line *l, int64_t *ret_time_us)
{
	const char *s = l->data, *end = s + l->len;
	int64_t t = 0;
	size_t n;
	if (l->len == 0)
		return RCX_ENOTFOUND;
	if ((n = bind_time(s, l->len, &t)) > 0 || (n = match_syslog_time(s, l->len, p->year, &t)) > 0) {
		s += n;
	} else {
		/* RFC 5424 / ISO syslog time */
		const char *tok;
		size_t tn = token(&s, end, &tok);
		if (tn < 10 || rcx_time_parse(tok, tn, &t) != RCX_OK)
			return RCX_EPARSE;
	}
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	/* BIND: "client " at once (the common case: no other daemon's words to look for), after
	 * "queries: info: ", or after a syslog "host named[pid]: " */
	if (end - s >= 7 && !memcmp(s, "client ", 7)) {
		*ret_time_us = t;
		return bind_line(p, s, end);
	}
	const char *c = find(s, end, " client ");
	const char *dm = find(s, end, "dnsmasq");
	if (dm && (!c || dm < c)) {
		const char *colon = find(dm, end, ": ");
		if (!colon)
			return RCX_EPARSE;
		*ret_time_us = t;
		return dnsmasq_line(p, colon + 2, end);
	}
	if (c) {
		*ret_time_us = t;
		return bind_line(p, c + 1, end);
	}
	return RCX_EPARSE;
}

const struct match_line_ops match_dns_ops = {.line = dns_line};
