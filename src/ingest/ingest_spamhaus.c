/* Spamhaus DROP lists (spamhaus-drop): DROP, EDROP and DROPv6 ("1.4.0.0/17 ; SBL256893") and
 * ASN-DROP ("AS260 ; AE | XCONNECT24 - Xconnect24 Inc., US"), in the classic text form with ';'
 * comments, and in the JSON-lines form Spamhaus publishes since 2024
 * ({"cidr":"1.4.0.0/17","sblid":"SBL256893","rir":"apnic"}, {"asn":260,"cc":"AE","asname":...}).
 * Which list a line belongs to is read from the line itself, so one format covers all of them.
 *
 * As IntelMQ's parser_drop: classification.type "spam", source.network and extra.blocklist (the
 * SBL record) for networks, source.asn/as_name/geolocation.cc for ASNs, time.source from the
 * "Last-Modified:" header comment. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/text.h"
#include "core/time.h"
#include "ingest/ingest.h"
#include "ingest/ingest_parse.h"

#define SPAMHAUS_PROVIDER "Spamhaus"

/* Parses an RFC 1123 date ("Mon, 14 Sep 2015 04:39:22 GMT", the weekday optional) with a cursor. */
static enum rcx_result rfc1123_parse(const char *s, size_t len, int64_t *ret_us)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *p = s, *end = s + len;
	const char *comma = memchr(s, ',', len);
	if (comma)
		p = comma + 1;
	while (p < end && *p == ' ')
		p++;
	unsigned day = 0, nd = 0;
	while (p < end && *p >= '0' && *p <= '9' && nd < 2) {
		day = day * 10 + (unsigned)(*p++ - '0');
		nd++;
	}
	if (nd == 0 || p + 5 > end || *p != ' ')
		return RCX_EPARSE;
	p++;
	unsigned month = 0;
	for (unsigned m = 0; m < 12; m++)
		if (!strncasecmp(p, months + 3 * m, 3))
			month = m + 1;
	if (!month || p[3] != ' ')
		return RCX_EPARSE;
	p += 4;
	/* the rest is "YYYY HH:MM:SS[ GMT]": rewrite it as ISO and let rcx_time_parse check it */
	const char *rest = p;
	size_t rest_len = (size_t)(end - p);
	rcx_trim(&rest, &rest_len);
	if (rest_len < 13 || rest_len > 24 || rest[4] != ' ')
		return RCX_EPARSE;
	char iso[48];
	int n = snprintf(iso, sizeof(iso), "%.4s-%02u-%02u %.*s", rest, month, day, (int)(rest_len - 5), rest + 5);
	if (n <= 0 || (size_t)n >= sizeof(iso))
		return RCX_EPARSE;
	return rcx_time_parse(iso, (size_t)n, ret_us);
}

struct drop_state {
	char modified[RCX_TIME_BUF]; /* time.source for the lines that follow, or "" */
};

static void drop_comment(struct drop_state *st, const struct ingest_line *l)
{
	const char *m = memmem(l->data, l->len, "Last-Modified:", 14);
	if (!m)
		return;
	int64_t us;
	const char *t = m + 14;
	if (rfc1123_parse(t, l->len - (size_t)(t - l->data), &us) == RCX_OK)
		rcx_time_format(us, st->modified);
}

static enum rcx_result drop_finish(struct drop_state *st, struct ingest_sink *sink, struct event *ev,
				   const struct ingest_line *l)
{
	if (st->modified[0] && !ev->f[EF_TIME_SOURCE])
		event_set(ev, EF_TIME_SOURCE, st->modified, strlen(st->modified));
	event_set(ev, EF_CLASSIFICATION_TYPE, "spam", 4);
	event_set(ev, EF_FEED_PROVIDER, SPAMHAUS_PROVIDER, strlen(SPAMHAUS_PROVIDER));
	event_set_raw(ev, l->data, l->len);
	enum rcx_result rc = sink->emit(sink, ev);
	return rc == RCX_OK ? sink->record_end(sink, l->lineno) : rc;
}

/* "AS260 ; AE | XCONNECT24 - Xconnect24 Inc., US" */
static enum rcx_result drop_asn_line(struct event *ev, const char *s, size_t len, char reason[INGEST_REASON_MAX])
{
	const char *semi = memchr(s, ';', len);
	size_t an = semi ? (size_t)(semi - s) : len;
	enum rcx_result rc = ingest_set(ev, EF_SOURCE_ASN, s, an, "ASN", reason);
	if (rc != RCX_OK || !semi)
		return rc;
	const char *rest = semi + 1;
	size_t rn = len - an - 1;
	const char *bar = memchr(rest, '|', rn);
	if (bar) {
		rc = ingest_set_nonempty(ev, EF_SOURCE_GEOLOCATION_CC, rest, (size_t)(bar - rest), "country", reason);
		if (rc != RCX_OK)
			return rc;
		rn -= (size_t)(bar + 1 - rest);
		rest = bar + 1;
	}
	return ingest_set_nonempty(ev, EF_SOURCE_AS_NAME, rest, rn, "AS name", reason);
}

/* "1.4.0.0/17 ; SBL256893" */
static enum rcx_result drop_network_line(struct event *ev, const char *s, size_t len, char reason[INGEST_REASON_MAX])
{
	const char *semi = memchr(s, ';', len);
	size_t nn = semi ? (size_t)(semi - s) : len;
	enum rcx_result rc = ingest_set(ev, EF_SOURCE_NETWORK, s, nn, "network", reason);
	if (rc != RCX_OK || !semi)
		return rc;
	const char *id = semi + 1;
	size_t in = len - nn - 1;
	rcx_trim(&id, &in);
	if (in)
		rc = event_set_extra_string(ev, "blocklist", 9, id, in);
	if (rc != RCX_OK)
		ingest_reason_value(reason, "SBL record", EF_MAX, rc, id, in);
	return rc;
}

/* One JSON line. Keys rcx does not map are kept under extra.<key>. */
static enum rcx_result drop_json_line(struct event *ev, json_t *obj, char reason[INGEST_REASON_MAX])
{
	static const struct {
		const char *key;
		enum event_field f; /* EF_MAX: extra.<extra> */
		const char *extra;
	} keys[] = {
		{"cidr", EF_SOURCE_NETWORK, NULL},
		{"sblid", EF_MAX, "blocklist"},
		{"rir", EF_SOURCE_REGISTRY, NULL},
		{"asn", EF_SOURCE_ASN, NULL},
		{"cc", EF_SOURCE_GEOLOCATION_CC, NULL},
		{"asname", EF_SOURCE_AS_NAME, NULL},
	};
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		if (json_is_null(v))
			continue;
		size_t i = 0, n = sizeof(keys) / sizeof(keys[0]);
		while (i < n && strcmp(keys[i].key, key))
			i++;
		char num[32];
		const char *t = NULL;
		size_t tn = 0;
		if (json_is_string(v)) {
			t = json_string_value(v);
			tn = json_string_length(v);
		} else if (json_is_integer(v)) {
			tn = (size_t)snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
			t = num;
		}
		enum rcx_result rc;
		if (i < n && keys[i].f != EF_MAX && t) {
			rc = ingest_set(ev, keys[i].f, t, tn, key, reason);
			/* a registry name rcx does not know is not worth losing the network over */
			if (rc != RCX_OK && keys[i].f == EF_SOURCE_REGISTRY)
				rc = event_set_extra_string(ev, key, strlen(key), t, tn);
			if (rc != RCX_OK)
				return rc;
			continue;
		}
		const char *xkey = i < n && keys[i].extra ? keys[i].extra : key;
		if (t && json_is_string(v)) {
			rc = event_set_extra_string(ev, xkey, strlen(xkey), t, tn);
		} else {
			char *txt = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
			rc = txt ? event_set_extra_json(ev, xkey, strlen(xkey), txt, strlen(txt)) : RCX_ENOMEM;
			free(txt);
		}
		if (rc != RCX_OK) {
			ingest_reason_value(reason, key, EF_MAX, rc, t ? t : "", t ? tn : 0);
			return rc;
		}
	}
	if (!ev->f[EF_SOURCE_NETWORK] && !ev->f[EF_SOURCE_ASN]) {
		snprintf(reason, INGEST_REASON_MAX, "neither \"cidr\" nor \"asn\" in the record");
		return RCX_EPARSE;
	}
	return RCX_OK;
}

static enum rcx_result drop_line(struct drop_state *st, struct ingest_sink *sink, const struct ingest_line *l,
				 struct rcx_arena *scratch)
{
	char reason[INGEST_REASON_MAX];
	const char *s = l->data;
	size_t len = l->len;
	rcx_trim(&s, &len);
	if (s[0] == '{') {
		const char *text = s;
		size_t tn = len;
		if (!rcx_utf8_valid(s, len))
			text = rcx_text_to_utf8(scratch, s, len, &tn);
		json_error_t err;
		json_t *obj = json_loadb(text, tn, JSON_REJECT_DUPLICATES, &err);
		if (!obj || !json_is_object(obj)) {
			if (obj)
				json_decref(obj);
			else
				snprintf(reason, sizeof(reason), "invalid JSON: %s (column %d)", err.text, err.column);
			return ingest_reject_line(sink, l, obj ? "not a JSON object" : reason);
		}
		/* the trailer {"type":"metadata",...} describes the file; it is not a record */
		json_t *type = json_object_get(obj, "type");
		if (type && json_is_string(type) && !strcmp(json_string_value(type), "metadata")) {
			json_decref(obj);
			return RCX_OK;
		}
		struct event *ev = sink->event_new(sink);
		enum rcx_result rc = drop_json_line(ev, obj, reason);
		json_decref(obj);
		if (rc != RCX_OK)
			return ingest_reject_line(sink, l, reason);
		return drop_finish(st, sink, ev, l);
	}
	struct event *ev = sink->event_new(sink);
	/* no IPv4 or IPv6 network starts with "AS" ('s' is not a hex digit) */
	bool asn = len >= 2 && rcx_lower(s[0]) == 'a' && rcx_lower(s[1]) == 's';
	enum rcx_result rc = asn ? drop_asn_line(ev, s, len, reason) : drop_network_line(ev, s, len, reason);
	if (rc != RCX_OK)
		return ingest_reject_line(sink, l, reason);
	return drop_finish(st, sink, ev, l);
}

static enum rcx_result parse_spamhaus_drop(const struct ingest_source *src, struct ingest_reader *in,
					   struct ingest_sink *sink)
{
	(void)src;
	struct drop_state st = {{0}};
	struct rcx_arena scratch = RCX_ARENA_INIT;
	enum rcx_result rc;
	for (;;) {
		struct ingest_line l;
		rc = ingest_next_data_line(in, sink, &l);
		if (rc != RCX_OK)
			break;
		if (ingest_text_comment(l.data, l.len, ";#")) {
			drop_comment(&st, &l);
			continue;
		}
		rc = drop_line(&st, sink, &l, &scratch);
		rcx_arena_reset(&scratch);
		if (rc != RCX_OK)
			break;
	}
	rcx_arena_free(&scratch);
	return rc == RCX_ENOTFOUND ? RCX_OK : rc;
}

static bool detect_spamhaus_drop(const char *path, const char *head, size_t len)
{
	(void)path;
	if (!head)
		return false;
	return memmem(head, len, "; Spamhaus", 10) || memmem(head, len, "spamhaus.org/drop", 17) ||
	       memmem(head, len, "\"sblid\"", 7) ||
	       (memmem(head, len, "\"asname\"", 8) && memmem(head, len, "\"rir\"", 5));
}

const struct ingest_format ingest_format_spamhaus_drop = {
	.name = "spamhaus-drop",
	.feed_name = "Spamhaus DROP",
	.tlp = RCX_TLP_CLEAR,
	.detect = detect_spamhaus_drop,
	.parse = parse_spamhaus_drop,
};
