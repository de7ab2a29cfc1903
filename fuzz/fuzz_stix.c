/* STIX: bundle bytes → import (ingest_format_stix) → events → export (the streaming bundle writer)
 * → import again → the same events. Checks:
 *  - the first import never fails (memory input, a sink that never fails) and every reject has a reason;
 *  - every event it makes prints as JSON; events the export leaves out are those without any observable
 *    STIX models (share_stix_event_objects says RCX_ENOTFOUND), and only those;
 *  - the export is valid JSON, a bundle, and its second import quarantines nothing and yields exactly
 *    the exported events, field for field (event_to_json), in order.
 * Each event gets an rcx.id before export, as stored events have, so that its objects have their own ids,
 * and the TLP the store gives it (amber when it has none). */
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/event.h"
#include "core/strbuf.h"
#include "ingest/ingest.h"
#include "ingest/ingest_reader.h"
#include "share/share_stix.h"
#include "fuzz_common.h"

#define EVENTS_MAX 4096

struct sink {
	struct ingest_sink sink;
	struct rcx_arena arena;
	struct event *pending[256];
	size_t n_pending;
	struct event **events;
	size_t n_events;
	size_t rejects;
};

static struct event *s_event_new(struct ingest_sink *sink)
{
	struct sink *s = (struct sink *)sink;
	struct event *ev = rcx_arena_alloc(&s->arena, sizeof(*ev));
	event_init(ev, &s->arena);
	event_set(ev, EF_FEED_NAME, "stix", 4);
	event_set(ev, EF_TIME_OBSERVATION, "2026-11-23T12:00:00+00:00", 25);
	return ev;
}

static enum rcx_result s_emit(struct ingest_sink *sink, struct event *ev)
{
	struct sink *s = (struct sink *)sink;
	FUZZ_CHECK(s->n_pending < 256, "more events in one record than an indicator may make");
	s->pending[s->n_pending++] = ev;
	return RCX_OK;
}

static enum rcx_result s_reject(struct ingest_sink *sink, uint64_t line, const char *reason, const char *raw,
				size_t raw_len, size_t raw_total)
{
	struct sink *s = (struct sink *)sink;
	(void)raw;
	FUZZ_CHECK(reason && *reason && line >= 1 && raw_len <= raw_total, "reject without a reason or line");
	s->n_pending = 0;
	s->rejects++;
	return RCX_OK;
}

static enum rcx_result s_record_end(struct ingest_sink *sink, uint64_t line)
{
	struct sink *s = (struct sink *)sink;
	(void)line;
	for (size_t i = 0; i < s->n_pending && s->n_events < EVENTS_MAX; i++)
		s->events[s->n_events++] = s->pending[i];
	s->n_pending = 0;
	return RCX_OK;
}

static void import(struct sink *s, const char *data, size_t len, struct rcx_config *cfg)
{
	memset(s, 0, sizeof(*s));
	s->sink.event_new = s_event_new;
	s->sink.emit = s_emit;
	s->sink.reject = s_reject;
	s->sink.record_end = s_record_end;
	s->arena = (struct rcx_arena)RCX_ARENA_INIT;
	s->events = calloc(EVENTS_MAX, sizeof(*s->events));
	FUZZ_CHECK(s->events != NULL, "out of memory");
	const struct ingest_format *f = ingest_format_find("stix");
	FUZZ_CHECK(f != NULL, "the stix format is not registered");
	char err[INGEST_ERROR_MAX] = "";
	struct ingest_source src = {.path = "fuzz", .feed_name = "stix", .config = cfg, .error = err};
	struct ingest_reader in;
	ingest_reader_open_mem(&in, data, len);
	enum rcx_result rc = f->parse(&src, &in, &s->sink);
	ingest_reader_close(&in);
	FUZZ_CHECK(rc == RCX_OK, "parse failed: %d", (int)rc);
}

static void sink_free(struct sink *s)
{
	free(s->events);
	rcx_arena_free(&s->arena);
}

static enum rcx_result out_buf(void *ctx, const char *data, size_t len)
{
	return rcx_strbuf_append(ctx, data, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rcx_config *cfg = rcx_config_empty();
	struct sink first, second;
	import(&first, (const char *)data, size, cfg);

	struct share_stix_options opt = {"fuzz-node", SHARE_STIX_TLP1};
	struct share_stix_bundle b;
	struct rcx_strbuf out = RCX_STRBUF_INIT(0);
	FUZZ_CHECK(share_stix_bundle_begin(&b, &opt, out_buf, &out) == RCX_OK, "bundle begin");
	bool *exported = calloc(first.n_events + 1, sizeof(*exported));
	FUZZ_CHECK(exported != NULL, "out of memory");
	for (size_t i = 0; i < first.n_events; i++) {
		struct event *ev = first.events[i];
		char id[24];
		int n = snprintf(id, sizeof(id), "%zu", i + 1);
		FUZZ_CHECK(event_set(ev, EF_RCX_ID, id, (size_t)n) == RCX_OK, "rcx.id");
		if (!ev->f[EF_TLP]) /* as the store labels it: an event without a TLP is AMBER */
			FUZZ_CHECK(event_set(ev, EF_TLP, "amber", 5) == RCX_OK, "tlp");
		uint64_t skipped = b.n_skipped;
		enum rcx_result rc = share_stix_bundle_event(&b, ev);
		FUZZ_CHECK(rc == RCX_OK, "export of event %zu failed: %d", i, (int)rc);
		exported[i] = b.n_skipped == skipped;
		event_unset(ev, EF_RCX_ID);
	}
	FUZZ_CHECK(share_stix_bundle_end(&b) == RCX_OK, "bundle end");
	share_stix_bundle_free(&b);
	json_error_t err;
	json_t *root = json_loadb(out.data, out.len, 0, &err);
	FUZZ_CHECK(root && json_is_object(root), "the export is not JSON: %s", err.text);
	FUZZ_CHECK(!strcmp(json_string_value(json_object_get(root, "type")), "bundle"), "the export is not a bundle");
	json_decref(root);

	import(&second, out.data, out.len, cfg);
	FUZZ_CHECK(second.rejects == 0, "re-import of the export quarantined %zu objects", second.rejects);
	struct rcx_strbuf j1 = RCX_STRBUF_INIT(0), j2 = RCX_STRBUF_INIT(0);
	size_t k = 0;
	for (size_t i = 0; i < first.n_events; i++) {
		if (!exported[i])
			continue;
		FUZZ_CHECK(k < second.n_events, "event %zu was exported but not imported again", i);
		rcx_strbuf_clear(&j1);
		rcx_strbuf_clear(&j2);
		FUZZ_CHECK(event_to_json(first.events[i], 0, &j1) == RCX_OK, "print");
		FUZZ_CHECK(event_to_json(second.events[k], 0, &j2) == RCX_OK, "print");
		if (j1.len != j2.len || memcmp(j1.data, j2.data, j1.len)) {
			fuzz_dump("first", j1.data, j1.len);
			fuzz_dump("again", j2.data, j2.len);
			FUZZ_CHECK(false, "event %zu differs after export and import", i);
		}
		k++;
	}
	FUZZ_CHECK(k == second.n_events, "the re-import made %zu events for %zu exported", second.n_events, k);
	rcx_strbuf_free(&j1);
	rcx_strbuf_free(&j2);
	rcx_strbuf_free(&out);
	free(exported);
	sink_free(&first);
	sink_free(&second);
	rcx_config_free(cfg);
	return 0;
}
