/* IntelMQ events as JSON lines (intelmq-jsonl): what IntelMQ's file output writes and what other
 * rcx nodes export. One JSON object per line, flat dotted keys ("source.ip") or nested
 * ({"source": {"ip": ...}}); "raw" is base64; unknown keys are kept as extra.* (event_from_json).
 * feed.name and time.observation come from the line when it has them.
 *
 * rcx's bookkeeping (rcx.id, rcx.count, rcx.first_seen, rcx.last_seen) belongs to the store that
 * wrote the line, not to this one, and is dropped. Text that is not UTF-8 is read as Latin-1
 * before JSON parsing, as every other format does. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/limits.h"
#include "core/text.h"
#include "ingest/ingest.h"
#include "ingest/ingest_parse.h"

/* The value at a dotted name in flat, nested or mixed form ("source.ip", {"source": {"ip"}}). */
static json_t *json_find(json_t *obj, const char *name)
{
	if (!json_is_object(obj))
		return NULL;
	json_t *v = json_object_get(obj, name);
	if (v)
		return v;
	for (const char *dot = strchr(name, '.'); dot; dot = strchr(dot + 1, '.')) {
		char head[RCX_FIELD_NAME_MAX + 1];
		size_t n = (size_t)(dot - name);
		if (n > RCX_FIELD_NAME_MAX)
			return NULL;
		memcpy(head, name, n);
		head[n] = '\0';
		v = json_find(json_object_get(obj, head), dot + 1);
		if (v)
			return v;
	}
	return NULL;
}

/* Why event_from_json refused the line, as precisely as the line allows. */
static const char *jsonl_reason(const char *text, size_t len, const struct event *ev, enum rcx_result rc,
				const char *why, char reason[INGEST_REASON_MAX])
{
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		snprintf(reason, INGEST_REASON_MAX, "invalid JSON: %s (column %d)", err.text, err.column);
		return reason;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return "not a JSON object";
	}
	if (rc == RCX_ELIMIT && ev->n_extra >= RCX_EVENT_EXTRA_MAX) {
		snprintf(reason, INGEST_REASON_MAX, "more than %u extra fields", RCX_EVENT_EXTRA_MAX);
	} else {
		json_t *v = why ? json_find(root, why) : NULL;
		enum event_field f = why ? event_field_lookup(why, strlen(why)) : EF_MAX;
		if (v && json_is_string(v)) {
			ingest_reason_value(reason, why, f, rc, json_string_value(v), json_string_length(v));
		} else if (v) {
			char *txt = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			ingest_reason_value(reason, why, f, rc, txt ? txt : "", txt ? strlen(txt) : 0);
			free(txt);
		} else {
			snprintf(reason, INGEST_REASON_MAX, "%s: invalid value", why ? why : "event");
		}
	}
	json_decref(root);
	return reason;
}

static enum rcx_result jsonl_line(struct ingest_sink *sink, const struct ingest_line *l, struct rcx_arena *scratch)
{
	char reason[INGEST_REASON_MAX];
	const char *text = l->data;
	size_t len = l->len;
	if (!rcx_utf8_valid(text, len))
		text = rcx_text_to_utf8(scratch, l->data, l->len, &len);
	struct event *ev = sink->event_new(sink);
	const char *why = NULL;
	enum rcx_result rc = event_from_json(ev, text, len, &why);
	if (rc != RCX_OK)
		return ingest_reject_line(sink, l, jsonl_reason(text, len, ev, rc, why, reason));
	event_unset(ev, EF_RCX_ID);
	event_unset(ev, EF_RCX_COUNT);
	event_unset(ev, EF_RCX_FIRST_SEEN);
	event_unset(ev, EF_RCX_LAST_SEEN);
	rc = sink->emit(sink, ev);
	return rc == RCX_OK ? sink->record_end(sink, l->lineno) : rc;
}

static enum rcx_result parse_intelmq_jsonl(const struct ingest_source *src, struct ingest_reader *in,
					   struct ingest_sink *sink)
{
	(void)src; /* feed.name: the sink's event already carries src->feed_name; the line may override it */
	struct rcx_arena scratch = RCX_ARENA_INIT;
	enum rcx_result rc;
	for (;;) {
		struct ingest_line l;
		rc = ingest_next_data_line(in, sink, &l);
		if (rc != RCX_OK)
			break;
		rc = jsonl_line(sink, &l, &scratch);
		rcx_arena_reset(&scratch);
		if (rc != RCX_OK)
			break;
	}
	rcx_arena_free(&scratch);
	return rc == RCX_ENOTFOUND ? RCX_OK : rc;
}

/* The first line is a JSON object with keys only IntelMQ events have (MISP and STIX documents
 * and Spamhaus' JSON lines have none of them). */
static bool detect_intelmq_jsonl(const char *path, const char *head, size_t len)
{
	(void)path;
	static const char *const keys[] = {"\"feed.name\"", "\"classification.type\"", "\"time.observation\"",
					   "\"source.ip\"", "\"classification\":", "\"__type\""};
	size_t i = 0;
	if (len >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		i++;
	if (i >= len || head[i] != '{')
		return false;
	const char *nl = memchr(head + i, '\n', len - i);
	size_t n = nl ? (size_t)(nl - (head + i)) : len - i;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (memmem(head + i, n, keys[k], strlen(keys[k])))
			return true;
	return false;
}

const struct ingest_format ingest_format_intelmq_jsonl = {
	.name = "intelmq-jsonl",
	.feed_name = "intelmq-jsonl",
	.tlp = RCX_TLP_AMBER,
	.detect = detect_intelmq_jsonl,
	.parse = parse_intelmq_jsonl,
};
