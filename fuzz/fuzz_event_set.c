/* Normalisation is idempotent: the first byte picks a field (mod EF_MAX), the rest is the value.
 * When event_set accepts it, setting the canonical text again must succeed and change nothing. */
#include <string.h>

#include "core/arena.h"
#include "core/event.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum event_field f = (enum event_field)(data[0] % EF_MAX);
	const char *s = (const char *)data + 1;
	size_t len = size - 1;
	struct rcx_arena arena = RCX_ARENA_INIT;
	struct event ev;
	event_init(&ev, &arena);
	enum rcx_result r = event_set(&ev, f, s, len);
	if (r != RCX_OK) {
		FUZZ_CHECK(ev.f[f] == NULL, "failed event_set left %s set", event_fields[f].name);
		goto out;
	}
	const char *canon = ev.f[f];
	FUZZ_CHECK(canon != NULL, "event_set of %s succeeded but left it unset", event_fields[f].name);
	size_t clen = strlen(canon);
	char *copy = rcx_arena_strndup(&arena, canon, clen);
	r = event_set(&ev, f, copy, clen);
	if (r != RCX_OK || strcmp(ev.f[f], copy)) {
		fuzz_dump("input", s, len);
		fuzz_dump("canonical", copy, clen);
		if (r == RCX_OK)
			fuzz_dump("then", ev.f[f], strlen(ev.f[f]));
	}
	FUZZ_CHECK(r == RCX_OK, "%s: canonical text is rejected (%d)", event_fields[f].name, (int)r);
	FUZZ_CHECK(!strcmp(ev.f[f], copy), "%s: canonical text is normalised again", event_fields[f].name);
out:
	rcx_arena_free(&arena);
	return 0;
}
