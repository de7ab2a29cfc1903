/* Server configuration: defaults, the [serve] section of the INI file, and listen addresses.
 * Numbers are parsed with a cursor over the whole value (no atoi/strtod: no locale, no silent
 * trailing garbage); every value is range-checked against core/limits.h. */
#include <string.h>

#include "core/config.h"
#include "core/limits.h"
#include "core/text.h"
#include "core/time.h"
#include "http/http.h"

void http_config_init(struct http_config *cfg)
{
	*cfg = (struct http_config){
		.listen = "127.0.0.1:8080",
		.threads = 0,
		.body_max = RCX_HTTP_BODY_MAX,
		.header_max = RCX_HTTP_HEADER_MAX,
		.timeout_s = RCX_HTTP_TIMEOUT_S,
		.rate_per_s = RCX_HTTP_RATE_PER_S,
		.rate_burst = RCX_HTTP_RATE_BURST,
		.connections_max = RCX_HTTP_CONNECTIONS_MAX,
		.per_ip_max = RCX_HTTP_PER_IP_CONNECTIONS_MAX,
	};
}

enum rcx_result http_listen_parse(const char *s, size_t len, struct rcx_ip *ret_ip, uint16_t *ret_port)
{
	const char *host, *colon;
	size_t hlen;
	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close || close + 1 == s + len || close[1] != ':')
			return RCX_EPARSE;
		host = s + 1;
		hlen = (size_t)(close - host);
		colon = close + 1;
	} else {
		colon = memchr(s, ':', len);
		if (!colon || memchr(colon + 1, ':', len - (size_t)(colon + 1 - s)))
			return RCX_EPARSE; /* a bare IPv6 address needs its brackets */
		host = s;
		hlen = (size_t)(colon - s);
	}
	size_t plen = len - (size_t)(colon + 1 - s);
	int64_t port;
	struct rcx_ip ip;
	if (hlen == 0 || plen == 0 || plen > 5 || rcx_parse_i64(colon + 1, plen, &port) != RCX_OK || port < 0 ||
	    port > 65535 || colon[1] == '+' || colon[1] == '-')
		return RCX_EPARSE;
	if (rcx_ip_parse(host, hlen, &ip) != RCX_OK || ip.family != (s[0] == '[' ? 6 : 4))
		return RCX_EPARSE;
	*ret_ip = ip;
	*ret_port = (uint16_t)port;
	return RCX_OK;
}

/* "1048576", "64k", "1M", "1G" (binary multiples) within [1, max]. */
static bool parse_size(const char *v, uint64_t max, uint64_t *ret)
{
	size_t len = strlen(v);
	uint64_t mul = 1;
	if (len) {
		switch (v[len - 1]) {
		case 'k':
		case 'K':
			mul = 1024;
			break;
		case 'm':
		case 'M':
			mul = 1024 * 1024;
			break;
		case 'g':
		case 'G':
			mul = 1024 * 1024 * 1024;
			break;
		default:
			break;
		}
		if (mul > 1)
			len--;
	}
	int64_t n;
	if (len == 0 || v[0] == '-' || v[0] == '+' || rcx_parse_i64(v, len, &n) != RCX_OK || n <= 0 ||
	    (uint64_t)n > max / mul)
		return false;
	*ret = (uint64_t)n * mul;
	return true;
}

/* A plain decimal count within [min, max]. */
static bool parse_count(const char *v, uint64_t min, uint64_t max, uint64_t *ret)
{
	int64_t n;
	if (v[0] == '-' || v[0] == '+' || rcx_parse_i64(v, strlen(v), &n) != RCX_OK || (uint64_t)n < min ||
	    (uint64_t)n > max)
		return false;
	*ret = (uint64_t)n;
	return true;
}

/* "20", "0.5", "2.25": decimal without sign or exponent, within [0, 1e6]. */
static bool parse_rate(const char *v, double *ret)
{
	const char *p = v;
	double x = 0;
	size_t digits = 0;
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		if (digits < 7)
			x = x * 10 + (*p - '0');
		else
			return false;
	if (*p == '.') {
		double scale = 0.1;
		p++;
		for (size_t frac = 0; *p >= '0' && *p <= '9'; p++, frac++, digits++)
			if (frac < 9) {
				x += (*p - '0') * scale;
				scale /= 10;
			}
	}
	if (*p || digits == 0 || x > 1e6)
		return false;
	*ret = x;
	return true;
}

enum rcx_result http_config_from(struct rcx_config *ini, struct http_config *ret_cfg, const char **ret_key)
{
	struct http_config cfg;
	http_config_init(&cfg);
	const char *v;
	uint64_t n;
	struct rcx_ip ip;
	uint16_t port;
#define BAD(key) \
	do { \
		*ret_key = key; \
		return RCX_ECONFIG; \
	} while (0)

	if ((v = rcx_config_get(ini, "serve", "listen"))) {
		if (http_listen_parse(v, strlen(v), &ip, &port) != RCX_OK)
			BAD("listen");
		cfg.listen = v;
	}
	if ((v = rcx_config_get(ini, "serve", "threads"))) {
		if (!parse_count(v, 0, RCX_HTTP_THREADS_MAX, &n))
			BAD("threads");
		cfg.threads = (unsigned)n;
	}
	const char *cert = rcx_config_get(ini, "serve", "tls_cert"), *key = rcx_config_get(ini, "serve", "tls_key");
	if (!cert != !key)
		BAD(cert ? "tls_key" : "tls_cert");
	if (cert) {
		cfg.tls_cert_file = rcx_config_path(ini, "serve", "tls_cert");
		cfg.tls_key_file = rcx_config_path(ini, "serve", "tls_key");
	}
	if ((v = rcx_config_get(ini, "serve", "body_max"))) {
		if (!parse_size(v, RCX_HTTP_BODY_LIMIT, &n))
			BAD("body_max");
		cfg.body_max = (size_t)n;
	}
	if ((v = rcx_config_get(ini, "serve", "header_max"))) {
		if (!parse_size(v, 1024u * 1024u, &n) || n < 1024)
			BAD("header_max");
		cfg.header_max = (size_t)n;
	}
	if ((v = rcx_config_get(ini, "serve", "timeout"))) {
		int64_t us;
		if (rcx_duration_parse(v, strlen(v), &us) != RCX_OK || us < 1000000 || us > INT64_C(86400000000))
			BAD("timeout");
		cfg.timeout_s = (unsigned)(us / 1000000);
	}
	if ((v = rcx_config_get(ini, "serve", "rate_per_s"))) {
		if (!parse_rate(v, &cfg.rate_per_s))
			BAD("rate_per_s");
	}
	if ((v = rcx_config_get(ini, "serve", "rate_burst"))) {
		if (!parse_count(v, 1, 1000000, &n))
			BAD("rate_burst");
		cfg.rate_burst = (unsigned)n;
	}
	if ((v = rcx_config_get(ini, "serve", "connections_max"))) {
		if (!parse_count(v, 1, 1000000, &n))
			BAD("connections_max");
		cfg.connections_max = (unsigned)n;
	}
	if ((v = rcx_config_get(ini, "serve", "per_ip_max"))) {
		if (!parse_count(v, 1, 1000000, &n))
			BAD("per_ip_max");
		cfg.per_ip_max = (unsigned)n;
	}
#undef BAD
	*ret_cfg = cfg;
	return RCX_OK;
}
