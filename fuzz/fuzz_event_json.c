/* event_from_json → event_to_json(RAW|META) → event_from_json → event_to_json: the two JSON texts are
 * byte-identical and both events have the same identity. The store's fast reader
 * (event_from_stored_json) reads what event_to_json wrote without RAW (as the store keeps bodies) to
 * the same event; on any input it either refuses or yields an event that prints. */
#include <string.h>

#include "core/arena.h"
#include "core/event.h"
#include "core/strbuf.h"
#include "fuzz_common.h"

#define FLAGS (EVENT_JSON_RAW | EVENT_JSON_META)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rcx_arena arena = RCX_ARENA_INIT;
	struct rcx_strbuf j1 = RCX_STRBUF_INIT(0), j2 = RCX_STRBUF_INIT(0);
	struct event e1, e2;
	const char *reason = NULL;
	event_init(&e1, &arena);
	event_init(&e2, &arena);
	if (event_from_json(&e1, (const char *)data, size, &reason) != RCX_OK) {
		FUZZ_CHECK(reason != NULL, "failed parse without a reason");
		goto out;
	}
	enum rcx_result r = event_to_json(&e1, FLAGS, &j1);
	FUZZ_CHECK(r == RCX_OK, "event_to_json failed (%d)", (int)r);
	r = event_from_json(&e2, j1.data, j1.len, &reason);
	if (r != RCX_OK)
		fuzz_dump("printed", j1.data, j1.len);
	FUZZ_CHECK(r == RCX_OK, "printed event does not read back (%d): %s", (int)r, reason ? reason : "?");
	r = event_to_json(&e2, FLAGS, &j2);
	FUZZ_CHECK(r == RCX_OK, "event_to_json of the re-read event failed (%d)", (int)r);
	if (j1.len != j2.len || memcmp(j1.data, j2.data, j1.len)) {
		fuzz_dump("first", j1.data, j1.len);
		fuzz_dump("second", j2.data, j2.len);
	}
	FUZZ_CHECK(j1.len == j2.len && !memcmp(j1.data, j2.data, j1.len), "JSON differs after a round trip");
	uint8_t id1[16], id2[16];
	event_identity(&e1, id1);
	event_identity(&e2, id2);
	FUZZ_CHECK(!memcmp(id1, id2, 16), "identity differs after a round trip");
	FUZZ_CHECK(e1.time_source_us == e2.time_source_us && e1.time_observation_us == e2.time_observation_us,
		   "cached times differ after a round trip");

	/* the fast reader of stored bodies */
	struct event e3;
	struct rcx_strbuf j3 = RCX_STRBUF_INIT(0), j4 = RCX_STRBUF_INIT(0);
	FUZZ_CHECK(event_to_json(&e1, EVENT_JSON_META, &j3) == RCX_OK, "print without raw");
	event_init(&e3, &arena);
	r = event_from_stored_json(&e3, j3.data, j3.len);
	if (r != RCX_OK)
		fuzz_dump("stored body", j3.data, j3.len);
	FUZZ_CHECK(r == RCX_OK, "the fast reader refuses a body event_to_json wrote");
	FUZZ_CHECK(event_to_json(&e3, EVENT_JSON_META, &j4) == RCX_OK, "print of the fast read");
	if (j3.len != j4.len || memcmp(j3.data, j4.data, j3.len)) {
		fuzz_dump("stored", j3.data, j3.len);
		fuzz_dump("fast read", j4.data, j4.len);
	}
	FUZZ_CHECK(j3.len == j4.len && !memcmp(j3.data, j4.data, j3.len), "the fast reader changed the event");
	FUZZ_CHECK(e3.time_source_us == e1.time_source_us, "the fast reader's cached time differs");
	rcx_strbuf_free(&j3);
	rcx_strbuf_free(&j4);
out:
	{
		/* any input: the fast reader refuses or yields something printable */
		struct event e5;
		struct rcx_strbuf j5 = RCX_STRBUF_INIT(0);
		event_init(&e5, &arena);
		if (event_from_stored_json(&e5, (const char *)data, size) == RCX_OK)
			FUZZ_CHECK(event_to_json(&e5, FLAGS, &j5) == RCX_OK, "fast-read event does not print");
		rcx_strbuf_free(&j5);
	}
	rcx_strbuf_free(&j1);
	rcx_strbuf_free(&j2);
	rcx_arena_free(&arena);
	return 0;
}
