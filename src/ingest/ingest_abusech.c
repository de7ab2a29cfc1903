/* abuse.ch feeds: Feodo Tracker's botnet C2 list as JSON (feodo-json) and as CSV (feodo-csv), and
 * URLhaus' CSV feeds (urlhaus-csv). Events are shaped as IntelMQ's parsers shape them
 * (parser_feodotracker, parser_ip, and the generic CSV parser with the URLhaus settings of
 * feeds.yaml): C2 servers are "c2-server" with source.ip/port, malware.name and status; URLhaus
 * URLs are "malware-distribution" with source.url, status, and source.fqdn when the host column
 * holds a name.
 *
 * The CSV formats name their columns in a header (a comment line for URLhaus, a quoted line for
 * Feodo Tracker); columns are read by those names, so a provider adding or reordering columns
 * does not silently shift values into the wrong fields. Without a header the published layouts
 * are assumed. Columns rcx does not know are kept under extra.<name>. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/limits.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/time.h"
#include "ingest/ingest.h"
#include "ingest/ingest_csv.h"
#include "ingest/ingest_parse.h"

#define ABUSECH_PROVIDER "Abuse.ch"

static void set_provider(struct event *ev)
{
	event_set(ev, EF_FEED_PROVIDER, ABUSECH_PROVIDER, strlen(ABUSECH_PROVIDER));
}

/* ================= Feodo Tracker JSON =================
 * The document is one JSON array of objects. It is read whole (bounded by RCX_JSON_FEED_MAX) and
 * validated by jansson first, so a broken download is one reject, not a partial feed.
 *
 * Record numbers: element i (from 0) is reported as "line" i + 1. Real line numbers would not do:
 * a compact document has every element on line 1, and the ingest checkpoint needs a number that
 * grows with every record. Reasons name the element's real line and column. */

struct json_span {
	size_t start, end;  /* byte offsets of the element's text */
	unsigned long line; /* line and column where it starts, from 1 */
	unsigned long col;
};

static bool json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Scans the text of the next array element from *pos in a document jansson has validated, so the
 * scan only has to find where values end. Counts lines as it goes. False past the last element. */
static bool json_next_span(const char *s, size_t len, size_t *pos, unsigned long *line, size_t *line_start,
			   struct json_span *ret)
{
	size_t p = *pos;
	for (; p < len && (json_space(s[p]) || s[p] == ',' || s[p] == '['); p++)
		if (s[p] == '\n') {
			(*line)++;
			*line_start = p + 1;
		}
	if (p >= len || s[p] == ']')
		return false;
	ret->start = p;
	ret->line = *line;
	ret->col = (unsigned long)(p - *line_start) + 1;
	if (s[p] == '{' || s[p] == '[' || s[p] == '"') {
		/* a string holds no raw newline; a container is done when its depth returns to 0 */
		int depth = 0;
		bool in_str = false;
		for (; p < len; p++) {
			char c = s[p];
			if (in_str) {
				if (c == '\\')
					p++;
				else if (c == '"')
					in_str = false;
			} else if (c == '"') {
				in_str = true;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				depth--;
			} else if (c == '\n') {
				(*line)++;
				*line_start = p + 1;
			}
			if (!in_str && depth == 0) {
				p++;
				break;
			}
		}
	} else {
		while (p < len && !json_space(s[p]) && s[p] != ',' && s[p] != ']')
			p++;
	}
	ret->end = p;
	*pos = p;
	return true;
}

static bool json_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!json_space(s[i]))
			return false;
	return true;
}

/* A scalar JSON value as text in buf; NULL for null, objects and arrays. */
static const char *json_scalar_text(json_t *v, char buf[64], size_t *ret_len)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		*ret_len = json_string_length(v);
		return json_string_value(v);
	case JSON_INTEGER:
		*ret_len = (size_t)snprintf(buf, 64, "%lld", (long long)json_integer_value(v));
		return buf;
	case JSON_REAL:
		*ret_len = (size_t)snprintf(buf, 64, "%.17g", json_real_value(v));
		return buf;
	case JSON_TRUE:
		*ret_len = 4;
		return "true";
	case JSON_FALSE:
		*ret_len = 5;
		return "false";
	default:
		return NULL;
	}
}

/* Keeps a value rcx could not use under extra.<key>, so that nothing of the record is lost. */
static enum rcx_result keep_as_extra(struct event *ev, const char *key, json_t *v)
{
	if (json_is_string(v))
		return event_set_extra_string(ev, key, strlen(key), json_string_value(v), json_string_length(v));
	char *txt = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!txt)
		return RCX_ENOMEM;
	enum rcx_result rc = event_set_extra_json(ev, key, strlen(key), txt, strlen(txt));
	free(txt);
	return rc;
}

static const struct {
	const char *key;
	enum event_field f;
	bool required; /* a record without a valid value is rejected */
} feodo_json_keys[] = {
	{"ip_address", EF_SOURCE_IP, true},
	{"port", EF_SOURCE_PORT, true},
	{"status", EF_STATUS, false},
	{"hostname", EF_SOURCE_REVERSE_DNS, false},
	{"as_number", EF_SOURCE_ASN, false},
	{"as_name", EF_SOURCE_AS_NAME, false},
	{"country", EF_SOURCE_GEOLOCATION_CC, false},
	{"malware", EF_MALWARE_NAME, false},
};

/* One element → one event. Optional values that do not validate are kept as extra.<key>; a
 * missing or invalid address, or an invalid port, rejects the element (IntelMQ fails on those
 * too). An element is a record: like a line, it is bounded by RCX_LINE_MAX. */
static enum rcx_result feodo_json_element(struct ingest_sink *sink, json_t *obj, const char *doc,
					  const struct json_span *sp, uint64_t recno)
{
	char where[64], what[128], reason[INGEST_REASON_MAX];
	snprintf(where, sizeof(where), "element %llu (line %lu, column %lu)", (unsigned long long)recno, sp->line,
		 sp->col);
	const char *raw = doc + sp->start;
	size_t raw_len = sp->end - sp->start;
	if (!json_is_object(obj)) {
		snprintf(reason, sizeof(reason), "%s: not a JSON object", where);
		return sink->reject(sink, recno, reason, raw, raw_len, raw_len);
	}
	if (raw_len > RCX_LINE_MAX) {
		snprintf(reason, sizeof(reason), "%s: element too long (%zu bytes, limit %u)", where, raw_len,
			 RCX_LINE_MAX);
		return sink->reject(sink, recno, reason, raw, RCX_QUARANTINE_RAW_MAX, raw_len);
	}
	struct event *ev = sink->event_new(sink);
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		if (json_is_null(v) || !strcmp(key, "first_seen") || !strcmp(key, "last_online"))
			continue;
		size_t i = 0, n = sizeof(feodo_json_keys) / sizeof(feodo_json_keys[0]);
		while (i < n && strcmp(feodo_json_keys[i].key, key))
			i++;
		if (i == n) {
			if (keep_as_extra(ev, key, v) != RCX_OK) {
				snprintf(reason, sizeof(reason), "%s: %s: value cannot be kept", where, key);
				return sink->reject(sink, recno, reason, raw, raw_len, raw_len);
			}
			continue;
		}
		char buf[64];
		size_t len = 0;
		const char *t = json_scalar_text(v, buf, &len);
		snprintf(what, sizeof(what), "%s: %s", where, key);
		enum rcx_result rc = t ? ingest_set(ev, feodo_json_keys[i].f, t, len, what, reason) : RCX_EPARSE;
		if (rc != RCX_OK && !t)
			snprintf(reason, sizeof(reason), "%s: a %s is not %s", what,
				 json_is_object(v) ? "object" : "list",
				 event_type_expect(event_fields[feodo_json_keys[i].f].type));
		if (rc != RCX_OK && feodo_json_keys[i].required)
			return sink->reject(sink, recno, reason, raw, raw_len, raw_len);
		if (rc != RCX_OK && keep_as_extra(ev, key, v) != RCX_OK)
			return sink->reject(sink, recno, reason, raw, raw_len, raw_len);
	}
	if (!ev->f[EF_SOURCE_IP]) {
		snprintf(reason, sizeof(reason), "%s: no ip_address", where);
		return sink->reject(sink, recno, reason, raw, raw_len, raw_len);
	}
	/* time.source: first_seen, else the day of last_online (as IntelMQ); last_online itself is
	 * kept as published in extra.last_online. */
	json_t *first = json_object_get(obj, "first_seen"), *last = json_object_get(obj, "last_online");
	if (first && !json_is_null(first)) {
		if (!json_is_string(first) ||
		    event_set(ev, EF_TIME_SOURCE, json_string_value(first), json_string_length(first)) != RCX_OK)
			keep_as_extra(ev, "first_seen", first);
	}
	if (last && !json_is_null(last)) {
		keep_as_extra(ev, "last_online", last);
		if (!ev->f[EF_TIME_SOURCE] && json_is_string(last))
			event_set(ev, EF_TIME_SOURCE, json_string_value(last), json_string_length(last));
	}
	event_set(ev, EF_CLASSIFICATION_TYPE, "c2-server", 9);
	set_provider(ev);
	event_set_raw(ev, raw, raw_len);
	enum rcx_result rc = sink->emit(sink, ev);
	return rc == RCX_OK ? sink->record_end(sink, recno) : rc;
}

static enum rcx_result parse_feodo_json(const struct ingest_source *src, struct ingest_reader *in,
					struct ingest_sink *sink)
{
	(void)src;
	char *doc = NULL, reason[INGEST_REASON_MAX];
	size_t len = 0;
	struct rcx_arena arena = RCX_ARENA_INIT;
	json_t *root = NULL;
	enum rcx_result rc = ingest_reader_slurp(in, RCX_JSON_FEED_MAX, &doc, &len);
	if (rc == RCX_ELIMIT) {
		snprintf(reason, sizeof(reason), "document larger than %u bytes", RCX_JSON_FEED_MAX);
		return sink->reject(sink, 1, reason, "", 0, 0);
	}
	if (rc != RCX_OK)
		return rc;
	if (json_blank(doc, len))
		goto out; /* an empty file holds no records */
	const char *text = doc;
	size_t text_len = len;
	if (!rcx_utf8_valid(doc, len) && !memchr(doc, '\0', len))
		text = rcx_text_to_utf8(&arena, doc, len, &text_len); /* Latin-1 text is still readable */
	json_error_t err;
	/* JSON_ALLOW_NUL: a "\u0000" is valid JSON; it rejects the one element that has it, not the file */
	root = json_loadb(text, text_len, JSON_ALLOW_NUL, &err);
	size_t raw_len = text_len < RCX_QUARANTINE_RAW_MAX ? text_len : RCX_QUARANTINE_RAW_MAX;
	if (!root) {
		snprintf(reason, sizeof(reason), "invalid JSON: %s (line %d, column %d)", err.text, err.line,
			 err.column);
		rc = sink->reject(sink, 1, reason, text, raw_len, text_len);
		goto out;
	}
	if (!json_is_array(root)) {
		rc = sink->reject(sink, 1, "not a JSON array", text, raw_len, text_len);
		goto out;
	}
	size_t pos = 0, line_start = 0;
	unsigned long line = 1;
	for (size_t i = 0; i < json_array_size(root) && rc == RCX_OK; i++) {
		struct json_span sp = {0, 0, 0, 0};
		if (!json_next_span(text, text_len, &pos, &line, &line_start, &sp))
			sp.start = sp.end = pos;
		rc = feodo_json_element(sink, json_array_get(root, i), text, &sp, (uint64_t)i + 1);
	}
out:
	if (root)
		json_decref(root);
	rcx_arena_free(&arena);
	free(doc);
	return rc;
}

/* Whether the head holds the text lit. */
static bool head_has(const char *head, size_t len, const char *lit)
{
	return head && memmem(head, len, lit, strlen(lit)) != NULL;
}

static bool detect_feodo_json(const char *path, const char *head, size_t len)
{
	(void)path;
	size_t i = 0;
	if (len >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && json_space(head[i]))
		i++;
	return i < len && head[i] == '[' && head_has(head, len, "\"ip_address\"") &&
	       (head_has(head, len, "\"malware\"") || head_has(head, len, "\"first_seen\""));
}

/* ================= the CSV formats ================= */

enum col_role {
	COL_FIELD,      /* an event field */
	COL_EXTRA,      /* extra.<key> as text */
	COL_EXTRA_TIME, /* extra.<key> as an IntelMQ time */
	COL_HOST,       /* source.fqdn, unless the host is an address */
	COL_TAGS,       /* extra.tags as a list, from "a,b,c" */
	COL_THREAT,     /* extra.threat, and the classification it implies */
};

struct col_def {
	const char *name; /* as in the header, lowercased, without a " (UTC)" note */
	enum col_role role;
	enum event_field f;
	const char *key; /* extra key */
};

#define COLS_MAX 64

struct layout {
	struct col_def col[COLS_MAX];
	char names[COLS_MAX][48]; /* storage for the names of unknown columns */
	size_t n;
	bool from_header;
};

static const struct col_def feodo_cols[] = {
	{"first_seen_utc", COL_EXTRA_TIME, EF_MAX, "first_seen"},
	{"dst_ip", COL_FIELD, EF_SOURCE_IP, NULL},
	{"dst_port", COL_FIELD, EF_SOURCE_PORT, NULL},
	{"c2_status", COL_FIELD, EF_STATUS, NULL},
	{"last_online", COL_EXTRA_TIME, EF_MAX, "last_online"},
	{"malware", COL_FIELD, EF_MALWARE_NAME, NULL},
};

/* The country/ASN/TLD feeds ("# Dateadded (UTC),URL,URL_status,Threat,Host,IPaddress,ASnumber,Country"). */
static const struct col_def urlhaus_short_cols[] = {
	{"dateadded", COL_FIELD, EF_TIME_SOURCE, NULL},     {"url", COL_FIELD, EF_SOURCE_URL, NULL},
	{"url_status", COL_FIELD, EF_STATUS, NULL},         {"threat", COL_THREAT, EF_MAX, "threat"},
	{"host", COL_HOST, EF_SOURCE_FQDN, NULL},           {"ipaddress", COL_FIELD, EF_SOURCE_IP, NULL},
	{"asnumber", COL_FIELD, EF_SOURCE_ASN, NULL},       {"country", COL_FIELD, EF_SOURCE_GEOLOCATION_CC, NULL},
};

/* The full database dumps ("# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter"). */
static const struct col_def urlhaus_full_cols[] = {
	{"id", COL_EXTRA, EF_MAX, "urlhaus_id"},
	{"dateadded", COL_FIELD, EF_TIME_SOURCE, NULL},
	{"url", COL_FIELD, EF_SOURCE_URL, NULL},
	{"url_status", COL_FIELD, EF_STATUS, NULL},
	{"last_online", COL_EXTRA_TIME, EF_MAX, "last_online"},
	{"threat", COL_THREAT, EF_MAX, "threat"},
	{"tags", COL_TAGS, EF_MAX, "tags"},
	{"urlhaus_link", COL_FIELD, EF_EVENT_DESCRIPTION_URL, NULL},
	{"reporter", COL_EXTRA, EF_MAX, "reporter"},
};

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

static void layout_set(struct layout *lay, const struct col_def *cols, size_t n)
{
	memcpy(lay->col, cols, n * sizeof(*cols));
	lay->n = n;
	lay->from_header = false;
}

/* A header name in the form used above: trimmed, lowercased, a trailing "(...)" note dropped,
 * and anything outside [a-z0-9_] turned into '_' (the name may become an extra key); an empty
 * name becomes "column_<n>". */
static void header_name(const char *s, size_t len, size_t idx, char out[48])
{
	rcx_trim(&s, &len);
	const char *paren = memchr(s, '(', len);
	if (paren && paren > s) {
		len = (size_t)(paren - s);
		rcx_trim(&s, &len);
	}
	size_t n = 0;
	for (size_t i = 0; i < len && n < 47; i++) {
		char c = rcx_lower(s[i]);
		out[n++] = ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c : '_';
	}
	out[n] = '\0';
	if (n == 0)
		snprintf(out, 48, "column_%zu", idx + 1);
}

static const struct col_def *col_find(const struct col_def *t, size_t n, const char *name)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(t[k].name, name))
			return &t[k];
	return NULL;
}

/* Builds the layout from header names; known names take their role, others become extras.
 * False when the names do not include `must` (then the record is not a header). */
static bool layout_from_header(struct layout *lay, const struct ingest_csv_record *rec, const struct col_def *known,
			       size_t nknown, const struct col_def *known2, size_t nknown2, const char *must)
{
	char names[COLS_MAX][48];
	bool found = false;
	if (rec->n == 0 || rec->n > COLS_MAX)
		return false;
	for (size_t i = 0; i < rec->n; i++) {
		header_name(rec->v[i], rec->len[i], i, names[i]);
		found = found || !strcmp(names[i], must);
	}
	if (!found)
		return false;
	for (size_t i = 0; i < rec->n; i++) {
		memcpy(lay->names[i], names[i], sizeof(names[i]));
		const struct col_def *d = col_find(known, nknown, names[i]);
		if (!d && known2)
			d = col_find(known2, nknown2, names[i]);
		lay->col[i] = d ? *d : (struct col_def){lay->names[i], COL_EXTRA, EF_MAX, lay->names[i]};
	}
	lay->n = rec->n;
	lay->from_header = true;
	return true;
}

static enum rcx_result set_tags(struct event *ev, const char *v, size_t len)
{
	json_t *arr = json_array();
	const char *p = v, *end = v + len;
	while (p <= end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *e = c ? c : end;
		const char *t = p;
		size_t n = (size_t)(e - p), un;
		rcx_trim(&t, &n);
		if (n) {
			char *u = rcx_text_to_utf8(ev->arena, t, n, &un);
			json_array_append_new(arr, json_stringn(u, un));
		}
		p = e + 1;
	}
	char *txt = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if (!txt)
		return RCX_ENOMEM;
	enum rcx_result rc = event_set_extra_json(ev, "tags", 4, txt, strlen(txt));
	free(txt);
	return rc;
}

/* Sets one column's value; an empty value is no value. */
static enum rcx_result set_column(struct event *ev, const struct col_def *d, size_t idx, const char *v, size_t len,
				  char reason[INGEST_REASON_MAX])
{
	char what[96];
	enum rcx_result rc = RCX_EINVAL;
	snprintf(what, sizeof(what), "field %zu (%s)", idx + 1, d->name);
	rcx_trim(&v, &len);
	if (len == 0)
		return RCX_OK;
	switch (d->role) {
	case COL_FIELD:
		return ingest_set(ev, d->f, v, len, what, reason);
	case COL_EXTRA:
	case COL_THREAT:
		rc = event_set_extra_string(ev, d->key, strlen(d->key), v, len);
		break;
	case COL_EXTRA_TIME:
		return ingest_set_extra_time(ev, d->key, v, len, what, reason);
	case COL_HOST:
		/* the host column holds the address when the URL has no name: that is not an fqdn */
		if (event_set(ev, EF_SOURCE_FQDN, v, len) != RCX_OK && event_set(ev, EF_SOURCE_IP, v, len) != RCX_OK) {
			ingest_reason_value(reason, what, EF_SOURCE_FQDN, RCX_EPARSE, v, len);
			return RCX_EPARSE;
		}
		return RCX_OK;
	case COL_TAGS:
		rc = set_tags(ev, v, len);
		break;
	}
	if (rc != RCX_OK)
		ingest_reason_value(reason, what, EF_MAX, rc, v, len);
	return rc;
}

enum csv_feed { FEED_FEODO, FEED_URLHAUS };

struct csv_state {
	enum csv_feed feed;
	struct layout lay;
	struct ingest_csv csv;
	const char *generated; /* extra.feed_last_generated (Feodo), canonical time text */
	char generated_buf[RCX_TIME_BUF];
};

/* Comment lines carry the feed's generation time (Feodo) and the column names (URLhaus). */
static void csv_comment(struct csv_state *st, const struct ingest_line *l)
{
	const char *s = l->data;
	size_t len = l->len;
	rcx_trim(&s, &len);
	while (len && s[0] == '#') {
		s++;
		len--;
	}
	rcx_trim(&s, &len);
	const char *lu = memmem(s, len, "Last updated:", 13);
	if (st->feed == FEED_FEODO && lu) {
		const char *t = lu + 13;
		size_t n = len - (size_t)(t - s);
		while (n && (t[n - 1] == '#' || t[n - 1] == ' ' || t[n - 1] == '\t'))
			n--;
		int64_t us;
		rcx_trim(&t, &n);
		if (rcx_time_parse(t, n, &us) == RCX_OK) {
			rcx_time_format(us, st->generated_buf);
			st->generated = st->generated_buf;
		}
		return;
	}
	if (!memchr(s, ',', len))
		return;
	struct ingest_line h = *l;
	struct ingest_csv_record rec;
	h.data = s;
	h.len = len;
	h.total_len = len;
	if (ingest_csv_split(&st->csv, &h, &rec) != RCX_OK || rec.error)
		return;
	if (st->feed == FEED_URLHAUS)
		layout_from_header(&st->lay, &rec, urlhaus_short_cols, NCOLS(urlhaus_short_cols), urlhaus_full_cols,
				   NCOLS(urlhaus_full_cols), "url");
	else
		layout_from_header(&st->lay, &rec, feodo_cols, NCOLS(feodo_cols), NULL, 0, "dst_ip");
}

static enum rcx_result csv_record(struct csv_state *st, struct ingest_sink *sink, const struct ingest_line *l)
{
	char reason[INGEST_REASON_MAX];
	struct ingest_csv_record rec;
	enum rcx_result rc = ingest_csv_split(&st->csv, l, &rec);
	if (rc != RCX_OK)
		return rc;
	if (rec.error)
		return ingest_reject_line(sink, l, rec.error);
	/* an uncommented header line (Feodo's "first_seen_utc","dst_ip",...) names the columns */
	if (st->feed == FEED_FEODO &&
	    layout_from_header(&st->lay, &rec, feodo_cols, NCOLS(feodo_cols), NULL, 0, "dst_ip"))
		return RCX_OK;
	if (st->feed == FEED_URLHAUS &&
	    layout_from_header(&st->lay, &rec, urlhaus_short_cols, NCOLS(urlhaus_short_cols), urlhaus_full_cols,
			       NCOLS(urlhaus_full_cols), "url"))
		return RCX_OK;
	if (st->feed == FEED_URLHAUS && !st->lay.from_header)
		layout_set(&st->lay, rec.n == NCOLS(urlhaus_full_cols) ? urlhaus_full_cols : urlhaus_short_cols,
			   rec.n == NCOLS(urlhaus_full_cols) ? NCOLS(urlhaus_full_cols) : NCOLS(urlhaus_short_cols));
	if (rec.n != st->lay.n) {
		snprintf(reason, sizeof(reason), "expected %zu fields, got %zu", st->lay.n, rec.n);
		return ingest_reject_line(sink, l, reason);
	}
	struct event *ev = sink->event_new(sink);
	for (size_t i = 0; i < rec.n; i++)
		if (set_column(ev, &st->lay.col[i], i, rec.v[i], rec.len[i], reason) != RCX_OK)
			return ingest_reject_line(sink, l, reason);
	if (st->feed == FEED_FEODO) {
		if (!ev->f[EF_SOURCE_IP])
			return ingest_reject_line(sink, l, "no C2 address (dst_ip is empty)");
		/* time.source: the day it was last online, else when first seen (IntelMQ's choice) */
		const char *t = event_get_extra(ev, "last_online");
		if (!t)
			t = event_get_extra(ev, "first_seen");
		if (t)
			event_set(ev, EF_TIME_SOURCE, t + 1, strlen(t) - 2); /* the JSON string without quotes */
		if (st->generated)
			event_set_extra_string(ev, "feed_last_generated", 19, st->generated, strlen(st->generated));
		event_set(ev, EF_CLASSIFICATION_TYPE, "c2-server", 9);
	} else {
		if (!ev->f[EF_SOURCE_URL])
			return ingest_reject_line(sink, l, "no URL (the url column is empty)");
		/* URLhaus' threat "malware_download" is IntelMQ's malware-distribution; a threat that
		 * names an RSIT type is taken as that type */
		const char *threat = event_get_extra(ev, "threat");
		const char *type = NULL;
		if (threat && strcmp(threat, "\"malware_download\""))
			type = rcx_taxonomy_type_canonical(threat + 1, strlen(threat) - 2);
		if (!type)
			type = "malware-distribution";
		event_set(ev, EF_CLASSIFICATION_TYPE, type, strlen(type));
	}
	set_provider(ev);
	event_set_raw(ev, l->data, l->len);
	rc = sink->emit(sink, ev);
	return rc == RCX_OK ? sink->record_end(sink, l->lineno) : rc;
}

static enum rcx_result csv_parse(struct ingest_reader *in, struct ingest_sink *sink, enum csv_feed feed)
{
	struct csv_state *st = calloc(1, sizeof(*st));
	if (!st)
		return RCX_ENOMEM;
	st->feed = feed;
	if (feed == FEED_FEODO)
		layout_set(&st->lay, feodo_cols, NCOLS(feodo_cols));
	else
		layout_set(&st->lay, urlhaus_short_cols, NCOLS(urlhaus_short_cols));
	ingest_csv_init(&st->csv, in, ',');
	enum rcx_result rc;
	for (;;) {
		struct ingest_line l;
		rc = ingest_next_data_line(in, sink, &l);
		if (rc != RCX_OK)
			break;
		if (ingest_text_comment(l.data, l.len, "#")) {
			csv_comment(st, &l);
			continue;
		}
		rc = csv_record(st, sink, &l);
		if (rc != RCX_OK)
			break;
	}
	ingest_csv_free(&st->csv);
	free(st);
	return rc == RCX_ENOTFOUND ? RCX_OK : rc;
}

static enum rcx_result parse_feodo_csv(const struct ingest_source *src, struct ingest_reader *in,
				       struct ingest_sink *sink)
{
	(void)src;
	return csv_parse(in, sink, FEED_FEODO);
}

static enum rcx_result parse_urlhaus_csv(const struct ingest_source *src, struct ingest_reader *in,
					 struct ingest_sink *sink)
{
	(void)src;
	return csv_parse(in, sink, FEED_URLHAUS);
}

static bool detect_feodo_csv(const char *path, const char *head, size_t len)
{
	(void)path;
	/* the column pair, not "dst_ip" alone: Shadowserver's sinkhole reports have a dst_ip too */
	if (head_has(head, len, "\"first_seen_utc\",\"dst_ip\"") || head_has(head, len, "first_seen_utc,dst_ip"))
		return true;
	return head_has(head, len, "Feodo Tracker") && head_has(head, len, "(CSV)");
}

static bool detect_urlhaus_csv(const char *path, const char *head, size_t len)
{
	(void)path;
	return head_has(head, len, "URLhaus") && !head_has(head, len, "\"ip_address\"") &&
	       (head_has(head, len, "CSV") || head_has(head, len, "url_status") || head_has(head, len, "URL_status"));
}

const struct ingest_format ingest_format_feodo_json = {
	.name = "feodo-json",
	.feed_name = "Feodo Tracker",
	.tlp = RCX_TLP_CLEAR,
	.detect = detect_feodo_json,
	.parse = parse_feodo_json,
};

const struct ingest_format ingest_format_feodo_csv = {
	.name = "feodo-csv",
	.feed_name = "Feodo Tracker",
	.tlp = RCX_TLP_CLEAR,
	.detect = detect_feodo_csv,
	.parse = parse_feodo_csv,
};

const struct ingest_format ingest_format_urlhaus_csv = {
	.name = "urlhaus-csv",
	.feed_name = "URLhaus",
	.tlp = RCX_TLP_CLEAR,
	.detect = detect_urlhaus_csv,
	.parse = parse_urlhaus_csv,
};
