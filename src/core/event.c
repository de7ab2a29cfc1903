#include "core/event.h"

#include <idn2.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ip.h"
#include "core/limits.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/time.h"
#include "core/tlp.h"

const struct event_field_def event_fields[EF_MAX] = {
#define EVENT_FIELD_DEF(e, name, type, maxlen) [EF_##e] = {name, EVT_##type, maxlen},
	EVENT_FIELDS(EVENT_FIELD_DEF)
#undef EVENT_FIELD_DEF
};

enum event_field event_field_lookup(const char *name, size_t len)
{
	/* Binary search: the table is sorted by name (checked by the unit tests). */
	if (memchr(name, '\0', len))
		return EF_MAX; /* no field name has a NUL; strncmp would stop early */
	size_t lo = 0, hi = EF_MAX;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *n = event_fields[mid].name;
		int c = strncmp(n, name, len);
		if (c == 0)
			c = n[len] ? 1 : 0;
		if (c == 0)
			return (enum event_field)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return EF_MAX;
}

const char *event_type_expect(enum event_type t)
{
	static const char *const what[EVT_TYPE_MAX] = {
		[EVT_STRING] = "text",
		[EVT_LOWER] = "text",
		[EVT_UPPER] = "text",
		[EVT_FQDN] = "a host name",
		[EVT_URL] = "a URL",
		[EVT_DATETIME] = "a date and time",
		[EVT_FLOAT] = "a number",
		[EVT_IP] = "an IP address",
		[EVT_INTEGER] = "an integer",
		[EVT_ASN] = "an AS number",
		[EVT_NETWORK] = "a CIDR network",
		[EVT_REGISTRY] = "a regional Internet registry",
		[EVT_BOOLEAN] = "a boolean",
		[EVT_TAXONOMY] = "an RSIT taxonomy",
		[EVT_CTYPE] = "an RSIT classification type",
		[EVT_ACCURACY] = "an accuracy between 0 and 100",
		[EVT_JSON] = "JSON",
		[EVT_TLP] = "a TLP label",
	};
	return (unsigned)t < EVT_TYPE_MAX ? what[t] : "a value";
}

bool event_field_is_json_literal(enum event_field f)
{
	switch (event_fields[f].type) {
	case EVT_FLOAT:
	case EVT_INTEGER:
	case EVT_ASN:
	case EVT_BOOLEAN:
	case EVT_ACCURACY:
	case EVT_JSON:
		return true;
	default:
		return false;
	}
}

void event_init(struct event *ev, struct rcx_arena *arena)
{
	memset(ev, 0, sizeof(*ev));
	ev->arena = arena;
	ev->time_source_us = INT64_MIN;
	ev->time_observation_us = INT64_MIN;
}

/* ---- normalisers: each returns canonical text in the arena or NULL if invalid ---- */

static char *norm_text(struct rcx_arena *a, const char *s, size_t len, int fold)
{
	size_t n;
	char *t = rcx_text_to_utf8(a, s, len, &n);
	if (fold < 0)
		for (size_t i = 0; i < n; i++)
			t[i] = rcx_lower(t[i]);
	else if (fold > 0)
		for (size_t i = 0; i < n; i++)
			t[i] = rcx_upper(t[i]);
	return t;
}

static bool is_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* Host name rules: labels of letters, digits, '-', '_' (real DNS data has underscores), 1..63
 * bytes, total ≤ 253, not an IP address. */
static char *norm_fqdn(struct rcx_arena *a, const char *s, size_t len)
{
	rcx_trim(&s, &len);
	if (len && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 1024)
		return NULL;
	char *out;
	if (is_ascii(s, len)) {
		out = rcx_arena_strndup(a, s, len);
		for (size_t i = 0; i < len; i++)
			out[i] = rcx_lower(out[i]);
	} else {
		char *in = rcx_text_to_utf8(a, s, len, &len), *ascii = NULL;
		if (idn2_to_ascii_8z(in, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK) {
			if (idn2_to_ascii_8z(in, &ascii, IDN2_TRANSITIONAL) != IDN2_OK)
				return NULL;
		}
		out = rcx_arena_strdup(a, ascii);
		idn2_free(ascii);
		len = strlen(out);
		for (size_t i = 0; i < len; i++)
			out[i] = rcx_lower(out[i]);
	}
	/* IDN mapping can turn a last character into a dot ("example.\uFEFF"): strip it here too, so
	 * normalising twice gives the same name */
	if (len && out[len - 1] == '.')
		out[--len] = '\0';
	if (len == 0 || len > 253)
		return NULL;
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		char c = out[i];
		if (c == '.') {
			if (label == 0)
				return NULL;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '*'))
			return NULL;
		if (++label > 63)
			return NULL;
	}
	if (label == 0) /* "a.." ends in an empty label */
		return NULL;
	struct rcx_ip ip;
	if (rcx_ip_parse(out, len, &ip) == RCX_OK)
		return NULL;
	return out;
}

static const char *find_sub(const char *s, size_t len, const char *sub)
{
	size_t n = strlen(sub);
	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(s + i, sub, n))
			return s + i;
	return NULL;
}

/* URL: scheme://[userinfo@]host[:port][/path?query#frag]. Scheme and host are lowercased, IDN hosts
 * converted, the defanged forms hxxp:// and [.] undone; a URL without scheme gets http://. */
static char *norm_url(struct rcx_arena *a, const char *s, size_t len)
{
	rcx_trim(&s, &len);
	if (len == 0 || memchr(s, ' ', len) || memchr(s, '\n', len))
		return NULL;
	struct rcx_strbuf b = RCX_STRBUF_INIT(RCX_FIELD_VALUE_MAX);
	char *result = NULL;
	const char *sep = find_sub(s, len, "://");
	const char *rest;
	if (sep) {
		size_t slen = (size_t)(sep - s);
		if (slen == 0 || slen > 32)
			goto out;
		char scheme[33];
		for (size_t i = 0; i < slen; i++) {
			char c = rcx_lower(s[i]);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
				goto out;
			scheme[i] = c;
		}
		scheme[slen] = '\0';
		if (!strcmp(scheme, "hxxp"))
			strcpy(scheme, "http");
		else if (!strcmp(scheme, "hxxps"))
			strcpy(scheme, "https");
		rcx_strbuf_puts(&b, scheme);
		rcx_strbuf_append(&b, "://", 3);
		rest = sep + 3;
	} else {
		rcx_strbuf_append(&b, "http://", 7);
		rest = s;
	}
	const char *end = s + len;
	const char *hend = rest;
	while (hend < end && *hend != '/' && *hend != '?' && *hend != '#')
		hend++;
	/* authority = [userinfo@]host[:port] */
	const char *at = NULL;
	for (const char *p = rest; p < hend; p++)
		if (*p == '@')
			at = p;
	const char *host = at ? at + 1 : rest;
	if (at)
		rcx_strbuf_append(&b, rest, (size_t)(host - rest));
	const char *port = NULL, *hostend = hend;
	if (host < hend && *host == '[') {
		const char *rb = memchr(host, ']', (size_t)(hend - host));
		if (!rb)
			goto out;
		struct rcx_ip ip;
		if (rcx_ip_parse(host + 1, (size_t)(rb - host - 1), &ip) != RCX_OK || ip.family != 6)
			goto out;
		char ipb[RCX_IP_BUF];
		rcx_ip_format(&ip, ipb);
		rcx_strbuf_putc(&b, '[');
		rcx_strbuf_puts(&b, ipb);
		rcx_strbuf_putc(&b, ']');
		if (rb + 1 < hend) {
			if (rb[1] != ':')
				goto out;
			port = rb + 1;
		}
	} else {
		for (const char *p = host; p < hend; p++)
			if (*p == ':') {
				port = p;
				hostend = p;
				break;
			}
		/* undo "[.]" defanging in the host */
		struct rcx_strbuf h = RCX_STRBUF_INIT(4096);
		for (const char *p = host; p < hostend; p++) {
			if (*p == '[' && hostend - p >= 3 && p[1] == '.' && p[2] == ']') {
				rcx_strbuf_putc(&h, '.');
				p += 2;
			} else if (rcx_strbuf_putc(&h, *p) != RCX_OK) {
				rcx_strbuf_free(&h);
				goto out;
			}
		}
		if (h.len == 0) {
			rcx_strbuf_free(&h);
			goto out;
		}
		struct rcx_ip ip;
		if (rcx_ip_parse(h.data, h.len, &ip) == RCX_OK && ip.family == 4) {
			char ipb[RCX_IP_BUF];
			rcx_ip_format(&ip, ipb);
			rcx_strbuf_puts(&b, ipb);
		} else {
			char *fq = norm_fqdn(a, h.data, h.len);
			if (!fq) {
				rcx_strbuf_free(&h);
				goto out;
			}
			rcx_strbuf_puts(&b, fq);
		}
		rcx_strbuf_free(&h);
	}
	if (port) {
		const char *pe = hend;
		if (pe - port > 6)
			goto out;
		for (const char *p = port + 1; p < pe; p++)
			if (*p < '0' || *p > '9')
				goto out;
		rcx_strbuf_append(&b, port, (size_t)(pe - port));
	}
	if (hend < end)
		rcx_strbuf_append(&b, hend, (size_t)(end - hend));
	if (!rcx_utf8_valid(b.data, b.len))
		goto out;
	result = rcx_arena_strndup(a, b.data, b.len);
out:
	rcx_strbuf_free(&b);
	return result;
}

static char *norm_datetime(struct rcx_arena *a, const char *s, size_t len, int64_t *ret_us)
{
	int64_t us;
	if (rcx_time_parse(s, len, &us) != RCX_OK)
		return NULL;
	char buf[RCX_TIME_BUF];
	size_t n = rcx_time_format(us, buf);
	*ret_us = us;
	return rcx_arena_strndup(a, buf, n);
}

/* Shortest text that reads back as the same double, with a ".0" on integral values, as Python prints. */
static char *format_double(struct rcx_arena *a, double d)
{
	char buf[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (!strpbrk(buf, ".eEn"))
		strcat(buf, ".0");
	return rcx_arena_strdup(a, buf);
}

static char *norm_float(struct rcx_arena *a, const char *s, size_t len, double lo, double hi)
{
	char buf[64];
	rcx_trim(&s, &len);
	if (len == 0 || len >= sizeof(buf))
		return NULL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *end;
	double d = strtod(buf, &end);
	if (end != buf + len || !isfinite(d) || d < lo || d > hi)
		return NULL;
	return format_double(a, d);
}

static char *norm_integer(struct rcx_arena *a, const char *s, size_t len, int64_t lo, int64_t hi)
{
	int64_t v;
	rcx_trim(&s, &len);
	if (rcx_parse_i64(s, len, &v) != RCX_OK) {
		/* "443.0" as written by tools that store numbers as floats */
		if (len > 2 && s[len - 2] == '.' && s[len - 1] == '0' && rcx_parse_i64(s, len - 2, &v) == RCX_OK)
			;
		else
			return NULL;
	}
	if (v < lo || v > hi)
		return NULL;
	/* digits backwards into a small buffer: cheaper than snprintf on this hot path */
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return rcx_arena_strndup(a, p, (size_t)(buf + sizeof(buf) - p));
}

static char *norm_bool(struct rcx_arena *a, const char *s, size_t len)
{
	static const char *const yes[] = {"true", "yes", "y", "1", "t"}, *const no[] = {"false", "no", "n", "0", "f"};
	rcx_trim(&s, &len);
	for (size_t i = 0; i < 5; i++) {
		if (strlen(yes[i]) == len && !strncasecmp(yes[i], s, len))
			return "true";
		if (strlen(no[i]) == len && !strncasecmp(no[i], s, len))
			return "false";
	}
	(void)a;
	return NULL;
}

static char *norm_registry(struct rcx_arena *a, const char *s, size_t len)
{
	static const char *const rirs[] = {"AFRINIC", "APNIC", "ARIN", "LACNIC", "RIPE"};
	rcx_trim(&s, &len);
	if (len == 8 && !strncasecmp(s, "RIPE NCC", 8))
		return "RIPE";
	if (len == 7 && !strncasecmp(s, "RIPENCC", 7))
		return "RIPE";
	for (size_t i = 0; i < 5; i++)
		if (strlen(rirs[i]) == len && !strncasecmp(rirs[i], s, len))
			return (char *)rirs[i];
	(void)a;
	return NULL;
}

static char *norm_json(struct rcx_arena *a, const char *s, size_t len)
{
	json_error_t err;
	json_t *j = json_loadb(s, len, JSON_DECODE_ANY, &err);
	if (!j)
		return NULL;
	if (json_is_real(j)) {
		/* one form for a number wherever it comes from (event_set_extra_literal, JSON input) */
		double d = json_real_value(j);
		json_decref(j);
		return format_double(a, d);
	}
	char *txt = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	json_decref(j);
	if (!txt)
		return NULL;
	char *out = rcx_arena_strdup(a, txt);
	free(txt);
	return out;
}

static char *normalise(struct event *ev, enum event_field f, const char *s, size_t len)
{
	struct rcx_arena *a = ev->arena;
	const struct event_field_def *def = &event_fields[f];
	switch (def->type) {
	case EVT_STRING:
		return norm_text(a, s, len, 0);
	case EVT_LOWER:
		return norm_text(a, s, len, -1);
	case EVT_UPPER:
		return norm_text(a, s, len, 1);
	case EVT_FQDN:
		return norm_fqdn(a, s, len);
	case EVT_URL:
		return norm_url(a, s, len);
	case EVT_DATETIME: {
		int64_t us;
		char *t = norm_datetime(a, s, len, &us);
		if (t && f == EF_TIME_SOURCE)
			ev->time_source_us = us;
		else if (t && f == EF_TIME_OBSERVATION)
			ev->time_observation_us = us;
		return t;
	}
	case EVT_FLOAT:
		return norm_float(a, s, len, -1e308, 1e308);
	case EVT_ACCURACY:
		return norm_float(a, s, len, 0, 100);
	case EVT_IP: {
		struct rcx_ip ip;
		char buf[RCX_IP_BUF];
		if (rcx_ip_parse(s, len, &ip) != RCX_OK)
			return NULL;
		char *t = rcx_arena_strndup(a, buf, rcx_ip_format(&ip, buf));
		int slot = f == EF_SOURCE_IP ? 0 : f == EF_DESTINATION_IP ? 1 : -1;
		if (slot >= 0) {
			ev->ip[slot] = ip;
			ev->ip_text[slot] = t;
		}
		return t;
	}
	case EVT_NETWORK: {
		struct rcx_cidr c;
		char buf[RCX_IP_BUF];
		if (rcx_cidr_parse(s, len, false, &c) != RCX_OK)
			return NULL;
		return rcx_arena_strndup(a, buf, rcx_cidr_format(&c, buf));
	}
	case EVT_INTEGER:
		if (f == EF_SOURCE_PORT || f == EF_DESTINATION_PORT)
			return norm_integer(a, s, len, 0, 65535);
		return norm_integer(a, s, len, INT64_MIN, INT64_MAX);
	case EVT_ASN:
		rcx_trim(&s, &len);
		if (len > 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's')) {
			s += 2;
			len -= 2;
		}
		return norm_integer(a, s, len, 1, 4294967295LL);
	case EVT_REGISTRY:
		return norm_registry(a, s, len);
	case EVT_BOOLEAN:
		return norm_bool(a, s, len);
	case EVT_TAXONOMY:
		rcx_trim(&s, &len);
		return (char *)rcx_taxonomy_canonical(s, len);
	case EVT_CTYPE:
		rcx_trim(&s, &len);
		return (char *)rcx_taxonomy_type_canonical(s, len);
	case EVT_JSON:
		return norm_json(a, s, len);
	case EVT_TLP: {
		enum rcx_tlp t;
		if (rcx_tlp_parse(s, len, &t) != RCX_OK)
			return NULL;
		return (char *)rcx_tlp_name(t);
	}
	case EVT_TYPE_MAX:
		break;
	}
	return NULL;
}

enum rcx_result event_set(struct event *ev, enum event_field f, const char *s, size_t len)
{
	if ((unsigned)f >= EF_MAX)
		return RCX_EINVAL;
	size_t max = event_fields[f].maxlen ? event_fields[f].maxlen : RCX_FIELD_VALUE_MAX;
	if (len > RCX_FIELD_VALUE_MAX)
		return RCX_ELIMIT;
	if (memchr(s, '\0', len))
		return RCX_EPARSE;
	char *v = normalise(ev, f, s, len);
	if (!v)
		return RCX_EPARSE;
	if (strlen(v) > max)
		return RCX_ELIMIT;
	ev->f[f] = v;
	return RCX_OK;
}

enum rcx_result event_set_nonempty(struct event *ev, enum event_field f, const char *s, size_t len)
{
	const char *t = s;
	size_t n = len;
	rcx_trim(&t, &n);
	if (n == 0)
		return RCX_OK;
	return event_set(ev, f, s, len);
}

void event_unset(struct event *ev, enum event_field f)
{
	if ((unsigned)f < EF_MAX) {
		ev->f[f] = NULL;
		if (f == EF_TIME_SOURCE)
			ev->time_source_us = INT64_MIN;
		else if (f == EF_TIME_OBSERVATION)
			ev->time_observation_us = INT64_MIN;
	}
}

/* Extras are kept sorted by key (binary search, insertion by memmove): output and identity then
 * need no sorting, and parsers add keys in header order, which is mostly sorted already. */
static int extra_find(const struct event *ev, const char *key, size_t klen, bool *ret_found)
{
	int lo = 0, hi = (int)ev->n_extra;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		const char *k = ev->extra[mid].key;
		int c = strncmp(k, key, klen);
		if (c == 0)
			c = k[klen] ? 1 : 0;
		if (c == 0) {
			*ret_found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*ret_found = false;
	return lo;
}

enum rcx_result event_extra_reserve(struct event *ev)
{
	if (ev->n_extra >= RCX_EVENT_EXTRA_MAX)
		return RCX_ELIMIT;
	if (ev->n_extra == ev->cap_extra) {
		uint32_t cap = ev->cap_extra ? ev->cap_extra * 2 : 32;
		struct event_extra *n = rcx_arena_alloc(ev->arena, cap * sizeof(*n));
		if (ev->n_extra)
			memcpy(n, ev->extra, ev->n_extra * sizeof(*n));
		ev->extra = n;
		ev->cap_extra = cap;
	}
	return RCX_OK;
}

static enum rcx_result extra_put(struct event *ev, const char *key, size_t klen, const char *value)
{
	if (klen == 0 || klen + 6 > RCX_FIELD_NAME_MAX || memchr(key, '\0', klen))
		return RCX_EPARSE;
	size_t ulen;
	const char *ukey = key;
	if (!rcx_utf8_valid(key, klen))
		ukey = rcx_text_to_utf8(ev->arena, key, klen, &ulen), klen = ulen;
	bool found;
	int pos = extra_find(ev, ukey, klen, &found);
	if (found) {
		ev->extra[pos].value = value;
		return RCX_OK;
	}
	enum rcx_result r = event_extra_reserve(ev);
	if (r != RCX_OK)
		return r;
	memmove(ev->extra + pos + 1, ev->extra + pos, (ev->n_extra - (uint32_t)pos) * sizeof(*ev->extra));
	ev->extra[pos].key = rcx_arena_strndup(ev->arena, ukey, klen);
	ev->extra[pos].value = value;
	ev->n_extra++;
	return RCX_OK;
}

/* s[0..len) (valid UTF-8) as a quoted JSON string in the arena: sized first, then written, so no
 * scratch buffer is needed. */
static size_t json_string_size(const char *s, size_t len);
static char *json_string_write(char *w, const char *s, size_t len, bool quotes);

static char *json_string_in_arena(struct rcx_arena *a, const char *s, size_t len)
{
	char *out = rcx_arena_alloc(a, json_string_size(s, len) + 1);
	*json_string_write(out, s, len, true) = '\0';
	return out;
}

enum rcx_result event_set_extra_string(struct event *ev, const char *key, size_t klen, const char *s, size_t len)
{
	if (len > RCX_FIELD_VALUE_MAX)
		return RCX_ELIMIT;
	if (memchr(s, '\0', len))
		return RCX_EPARSE;
	if (!rcx_utf8_valid(s, len))
		s = rcx_text_to_utf8(ev->arena, s, len, &len);
	return extra_put(ev, key, klen, json_string_in_arena(ev->arena, s, len));
}

/* A JSON number by RFC 8259's grammar, or true/false/null. */
static bool json_literal_valid(const char *s, size_t len)
{
	if ((len == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "null", 4))) || (len == 5 && !memcmp(s, "false", 5)))
		return true;
	size_t i = 0;
	if (i < len && s[i] == '-')
		i++;
	if (i >= len)
		return false;
	if (s[i] == '0') {
		i++;
	} else if (s[i] >= '1' && s[i] <= '9') {
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return false;
	}
	if (i < len && s[i] == '.') {
		size_t d = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t d = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return false;
	}
	return i == len;
}

enum rcx_result event_set_extra_literal(struct event *ev, const char *key, size_t klen, const char *lit, size_t len)
{
	if (!json_literal_valid(lit, len))
		return RCX_EPARSE;
	/* a number with a fraction or exponent is kept in the one form JSON input also gets */
	bool number = lit[0] == '-' || (lit[0] >= '0' && lit[0] <= '9');
	if (number && (memchr(lit, '.', len) || memchr(lit, 'e', len) || memchr(lit, 'E', len))) {
		char buf[64];
		if (len >= sizeof(buf))
			return RCX_ELIMIT;
		memcpy(buf, lit, len);
		buf[len] = '\0';
		double d = strtod(buf, NULL);
		if (!isfinite(d))
			return RCX_EPARSE;
		return extra_put(ev, key, klen, format_double(ev->arena, d));
	}
	return extra_put(ev, key, klen, rcx_arena_strndup(ev->arena, lit, len));
}

enum rcx_result event_set_extra_json(struct event *ev, const char *key, size_t klen, const char *json, size_t jlen)
{
	if (jlen > RCX_FIELD_VALUE_MAX)
		return RCX_ELIMIT;
	char *v = norm_json(ev->arena, json, jlen);
	if (!v)
		return RCX_EPARSE;
	return extra_put(ev, key, klen, v);
}

const char *event_get_extra(const struct event *ev, const char *key)
{
	bool found;
	int pos = extra_find(ev, key, strlen(key), &found);
	return found ? ev->extra[pos].value : NULL;
}

bool event_get_ip(const struct event *ev, enum event_field f, struct rcx_ip *ret_ip)
{
	const char *t = ev->f[f];
	if (!t)
		return false;
	int slot = f == EF_SOURCE_IP ? 0 : f == EF_DESTINATION_IP ? 1 : -1;
	if (slot >= 0 && ev->ip_text[slot] == t) {
		*ret_ip = ev->ip[slot];
		return true;
	}
	return rcx_ip_parse(t, strlen(t), ret_ip) == RCX_OK;
}

enum rcx_result event_set_name(struct event *ev, const char *name, size_t nlen, const char *s, size_t len)
{
	if (nlen > 6 && !memcmp(name, "extra.", 6))
		return event_set_extra_string(ev, name + 6, nlen - 6, s, len);
	enum event_field f = event_field_lookup(name, nlen);
	if (f == EF_MAX)
		return RCX_ENOTFOUND;
	return event_set(ev, f, s, len);
}

void event_set_raw(struct event *ev, const char *raw, size_t len)
{
	ev->raw = rcx_arena_strndup(ev->arena, raw, len);
	ev->raw_len = len;
}

void event_classify(struct event *ev)
{
	const char *type = ev->f[EF_CLASSIFICATION_TYPE];
	if (!type)
		return;
	const char *tax = rcx_taxonomy_of_type(type);
	if (tax)
		ev->f[EF_CLASSIFICATION_TAXONOMY] = tax;
}

/* ---- JSON ---- */

/* Bytes needed for s as a quoted JSON string (control bytes as \\u00XX), and the writer for it. */
static size_t json_string_size(const char *s, size_t len)
{
	size_t n = 2;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			n += 1;
		else if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f')
			n += 2;
		else
			n += 6;
	}
	return n;
}

static char *json_string_write(char *w, const char *s, size_t len, bool quotes)
{
	static const char hex[] = "0123456789abcdef";
	if (quotes)
		*w++ = '"';
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		memcpy(w, s + start, i - start);
		w += i - start;
		start = i + 1;
		*w++ = '\\';
		switch (c) {
		case '"': *w++ = '"'; break;
		case '\\': *w++ = '\\'; break;
		case '\n': *w++ = 'n'; break;
		case '\r': *w++ = 'r'; break;
		case '\t': *w++ = 't'; break;
		case '\b': *w++ = 'b'; break;
		case '\f': *w++ = 'f'; break;
		default:
			*w++ = 'u';
			*w++ = '0';
			*w++ = '0';
			*w++ = hex[c >> 4];
			*w++ = hex[c & 15];
		}
	}
	memcpy(w, s + start, len - start);
	w += len - start;
	if (quotes)
		*w++ = '"';
	return w;
}

static bool emit_field(int f, unsigned flags)
{
	/* rcx.* bookkeeping and the sharing label (rcx.distribution, rcx.sharing_group) are meta */
	if (f >= EF_RCX_CONSTITUENCY && f <= EF_RCX_SHARING_GROUP && f != EF_RCX_CONSTITUENCY && f != EF_RCX_ORG)
		return flags & EVENT_JSON_META;
	return true;
}

/* One pass to size the object, one reserve, one pass to write it: the event body is written for
 * every stored event, so no per-piece appends. */
enum rcx_result event_to_json(const struct event *ev, unsigned flags, struct rcx_strbuf *out)
{
	size_t vlen[EF_MAX];
	size_t need = 2;
	for (int f = 0; f < EF_MAX; f++) {
		if (!ev->f[f] || !emit_field(f, flags))
			continue;
		vlen[f] = strlen(ev->f[f]);
		need += strlen(event_fields[f].name) + 6 +
			(event_field_is_json_literal((enum event_field)f) ? vlen[f] : json_string_size(ev->f[f], vlen[f]));
	}
	for (uint32_t i = 0; i < ev->n_extra; i++)
		need += 6 + 6 + json_string_size(ev->extra[i].key, strlen(ev->extra[i].key)) + strlen(ev->extra[i].value);
	bool raw = (flags & EVENT_JSON_RAW) && ev->raw;
	if (raw)
		need += 12 + (ev->raw_len + 2) / 3 * 4;
	char *start = rcx_strbuf_reserve(out, need), *w = start;
	if (!w)
		return RCX_ELIMIT;
	bool first = true;
	*w++ = '{';
#define SEP()                      \
	do {                       \
		if (!first) {      \
			*w++ = ',';    \
			*w++ = ' ';    \
		}                  \
		first = false;     \
	} while (0)
	for (int f = 0; f < EF_MAX; f++) {
		if (f == EF_FEED_ACCURACY) {
			for (uint32_t i = 0; i < ev->n_extra; i++) { /* sorted by key */
				SEP();
				memcpy(w, "\"extra.", 7);
				w = json_string_write(w + 7, ev->extra[i].key, strlen(ev->extra[i].key), false);
				memcpy(w, "\": ", 3);
				size_t n = strlen(ev->extra[i].value);
				memcpy(w + 3, ev->extra[i].value, n);
				w += 3 + n;
			}
		}
		if (f == EF_RCX_CONSTITUENCY && raw) {
			SEP();
			memcpy(w, "\"raw\": \"", 8);
			w += 8;
			size_t before = out->len;
			out->len = (size_t)(w - out->data);
			rcx_base64_put(out, (const uint8_t *)ev->raw, ev->raw_len); /* fits: reserved above */
			w = out->data + out->len;
			out->len = before;
			*w++ = '"';
		}
		if (!ev->f[f] || !emit_field(f, flags))
			continue;
		SEP();
		size_t nl = strlen(event_fields[f].name);
		*w++ = '"';
		memcpy(w, event_fields[f].name, nl);
		w += nl;
		memcpy(w, "\": ", 3);
		w += 3;
		if (event_field_is_json_literal((enum event_field)f)) {
			memcpy(w, ev->f[f], vlen[f]);
			w += vlen[f];
		} else {
			w = json_string_write(w, ev->f[f], vlen[f], true);
		}
	}
#undef SEP
	*w++ = '}';
	rcx_strbuf_commit(out, (size_t)(w - start));
	return RCX_OK;
}

static enum rcx_result set_from_json_value(struct event *ev, const char *key, size_t klen, json_t *v)
{
	if (json_is_null(v))
		return RCX_OK;
	if (klen > 6 && !memcmp(key, "extra.", 6)) {
		if (json_is_string(v))
			return event_set_extra_string(ev, key + 6, klen - 6, json_string_value(v), json_string_length(v));
		if (json_is_real(v)) /* shortest round-trip form, as event_set_extra_literal keeps numbers */
			return extra_put(ev, key + 6, klen - 6, format_double(ev->arena, json_real_value(v)));
		char *txt = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		if (!txt)
			return RCX_ENOMEM;
		enum rcx_result r = extra_put(ev, key + 6, klen - 6, rcx_arena_strdup(ev->arena, txt));
		free(txt);
		return r;
	}
	if (klen == 3 && !memcmp(key, "raw", 3)) {
		if (!json_is_string(v))
			return RCX_EPARSE;
		uint8_t *p;
		size_t n;
		if (rcx_base64_decode(ev->arena, json_string_value(v), json_string_length(v), &p, &n) != RCX_OK)
			return RCX_EPARSE;
		ev->raw = (const char *)p;
		ev->raw_len = n;
		return RCX_OK;
	}
	enum event_field f = event_field_lookup(key, klen);
	if (f == EF_MAX) {
		/* Unknown top-level keys are kept, not lost: under extra.<key>. */
		char name[RCX_FIELD_NAME_MAX + 8];
		if (klen + 7 > sizeof(name))
			return RCX_ELIMIT;
		memcpy(name, "extra.", 6);
		memcpy(name + 6, key, klen);
		return set_from_json_value(ev, name, klen + 6, v);
	}
	if (json_is_string(v))
		return event_set(ev, f, json_string_value(v), json_string_length(v));
	if (json_is_boolean(v)) {
		const char *t = json_is_true(v) ? "true" : "false";
		return event_set(ev, f, t, strlen(t));
	}
	char *txt = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!txt)
		return RCX_ENOMEM;
	enum rcx_result r = event_set(ev, f, txt, strlen(txt));
	free(txt);
	return r;
}

static enum rcx_result walk_json(struct event *ev, json_t *obj, struct rcx_strbuf *prefix, const char **ret_reason)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		size_t plen = prefix->len;
		if (plen)
			rcx_strbuf_putc(prefix, '.');
		if (rcx_strbuf_puts(prefix, k) != RCX_OK) {
			*ret_reason = "field name too long";
			return RCX_ELIMIT;
		}
		enum rcx_result r;
		if (!strcmp(k, "__type") && plen == 0) {
			r = RCX_OK;
		} else if (json_is_object(v) && !(prefix->len > 6 && !memcmp(prefix->data, "extra.", 6)) &&
			   event_field_lookup(prefix->data, prefix->len) == EF_MAX) {
			r = walk_json(ev, v, prefix, ret_reason);
			if (r != RCX_OK)
				return r;
		} else {
			r = set_from_json_value(ev, prefix->data, prefix->len, v);
			if (r != RCX_OK) {
				*ret_reason = rcx_arena_strndup(ev->arena, prefix->data, prefix->len);
				return r;
			}
		}
		prefix->len = plen;
		prefix->data[plen] = '\0';
	}
	return RCX_OK;
}

enum rcx_result event_from_json(struct event *ev, const char *json, size_t len, const char **ret_reason)
{
	json_error_t err;
	const char *reason = "not a JSON object";
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!root || !json_is_object(root)) {
		if (root)
			json_decref(root);
		else
			reason = "invalid JSON";
		if (ret_reason)
			*ret_reason = reason;
		return RCX_EPARSE;
	}
	struct rcx_strbuf prefix = RCX_STRBUF_INIT(RCX_FIELD_NAME_MAX);
	rcx_strbuf_reserve(&prefix, 16);
	enum rcx_result r = walk_json(ev, root, &prefix, &reason);
	rcx_strbuf_free(&prefix);
	json_decref(root);
	if (r != RCX_OK && ret_reason)
		*ret_reason = reason;
	return r;
}

/* The canonical serialisation an identity is computed over: field number, value, NUL for each set
 * field outside times, TLP and rcx.*; then 0xff, key, NUL, value, NUL per extra in key order.
 * Writes at most cap bytes; returns the full length. */
static size_t identity_bytes(const struct event *ev, uint8_t *buf, size_t cap)
{
	size_t len = 0;
#define PUT(p, n)                                        \
	do {                                             \
		if (len + (n) <= cap)                    \
			memcpy(buf + len, (p), (n));     \
		len += (n);                              \
	} while (0)
	for (int f = 0; f < EF_MAX; f++) {
		if (!ev->f[f] || f == EF_TIME_SOURCE || f == EF_TIME_OBSERVATION || f == EF_TLP ||
		    (f >= EF_RCX_CONSTITUENCY && f <= EF_RCX_SHARING_GROUP))
			continue; /* the label is not part of what was observed */
		uint8_t tag = (uint8_t)f;
		PUT(&tag, 1);
		PUT(ev->f[f], strlen(ev->f[f]) + 1);
	}
	for (uint32_t i = 0; i < ev->n_extra; i++) {
		uint8_t tag = 0xff;
		PUT(&tag, 1);
		PUT(ev->extra[i].key, strlen(ev->extra[i].key) + 1);
		PUT(ev->extra[i].value, strlen(ev->extra[i].value) + 1);
	}
#undef PUT
	return len;
}

/* Calls fn on the serialisation, from a stack buffer when it fits (almost always). */
static void with_identity_bytes(const struct event *ev, void (*fn)(const uint8_t *p, size_t n, void *out), void *out)
{
	uint8_t stack[4096];
	size_t n = identity_bytes(ev, stack, sizeof(stack));
	if (n <= sizeof(stack)) {
		fn(stack, n, out);
		return;
	}
	uint8_t *heap = malloc(n);
	if (!heap)
		abort();
	identity_bytes(ev, heap, n);
	fn(heap, n, out);
	free(heap);
}

static void blake2b_128(const uint8_t *p, size_t n, void *out)
{
	crypto_generichash(out, 16, p, n, NULL, 0);
}

/* The identity is BLAKE2b-128 over identity_bytes, hashed in one call (per-field updates cost more
 * than the hashing). Collision resistance matters: a collision would count a different
 * observation as a duplicate and lose it. */
void event_identity(const struct event *ev, uint8_t ret_id[16])
{
	with_identity_bytes(ev, blake2b_128, ret_id);
}

/* 64-bit multiply-xorshift hash over 8-byte words (the MurmurHash2-64 construction). */
static void hash64(const uint8_t *p, size_t n, void *out)
{
	const uint64_t m = UINT64_C(0xc6a4a7935bd1e995);
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ (n * m);
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t k;
		memcpy(&k, p + i, 8);
		k *= m;
		k ^= k >> 47;
		k *= m;
		h ^= k;
		h *= m;
	}
	if (i < n) {
		uint64_t k = 0;
		memcpy(&k, p + i, n - i);
		h ^= k;
		h *= m;
	}
	h ^= h >> 47;
	h *= m;
	h ^= h >> 47;
	*(uint64_t *)out = h;
}

uint64_t event_fingerprint(const struct event *ev)
{
	uint64_t h;
	with_identity_bytes(ev, hash64, &h);
	return h;
}
