/* event_from_json → event_to_json(RAW|META) → event_from_json → event_to_json: the two JSON texts are
 * byte-identical and both events have the same identity. */
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
out:
	rcx_strbuf_free(&j1);
	rcx_strbuf_free(&j2);
	rcx_arena_free(&arena);
	return 0;
}
