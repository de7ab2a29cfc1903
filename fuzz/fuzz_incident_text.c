/* Observable extraction from incident text: text → observables → each canonical value, extracted
 * again from its own text, gives itself (same kind, same bytes); values are non-empty, NUL-free
 * and within the set's limits; refanging is idempotent (refanged text refangs to itself); and
 * extracting the same text twice gives the same set in the same order. */
#include <string.h>

#include "core/limits.h"
#include "fuzz_common.h"
#include "incident/incident_observable.h"

static bool has(const struct incident_observables *set, enum incident_obs_kind kind, const char *v, size_t len)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->items[i].kind == kind && set->items[i].len == len && !memcmp(set->items[i].value, v, len))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct incident_observables set = {0}, twice = {0};
	if (incident_observables_extract(text, size, &set) != RCX_OK)
		return 0;
	FUZZ_CHECK(set.n <= RCX_INCIDENT_OBSERVABLES_MAX, "%zu observables", set.n);
	FUZZ_CHECK(incident_observables_extract(text, size, &twice) == RCX_OK && twice.n == set.n, "second run differs");
	for (size_t i = 0; i < set.n; i++) {
		const struct incident_observable *o = &set.items[i];
		FUZZ_CHECK(o->len > 0 && strlen(o->value) == o->len, "%s: empty or with NUL", incident_obs_kind_name(o->kind));
		FUZZ_CHECK(twice.items[i].kind == o->kind && !strcmp(twice.items[i].value, o->value), "order differs at %zu", i);
		struct incident_observables again = {0};
		FUZZ_CHECK(incident_observables_extract(o->value, o->len, &again) == RCX_OK, "re-extraction failed");
		if (!has(&again, o->kind, o->value, o->len)) {
			fuzz_dump("input", text, size);
			fuzz_dump("value", o->value, o->len);
			FUZZ_CHECK(0, "%s value does not extract to itself", incident_obs_kind_name(o->kind));
		}
		incident_observables_free(&again);
	}
	/* refanging reaches a fixpoint in one pass */
	struct rcx_arena a = RCX_ARENA_INIT;
	size_t n1, n2;
	const char *r1 = incident_text_refang(&a, text, size, &n1);
	const char *r2 = incident_text_refang(&a, r1, n1, &n2);
	if (n1 != n2 || memcmp(r1, r2, n1)) {
		fuzz_dump("input", text, size);
		fuzz_dump("refanged", r1, n1);
		FUZZ_CHECK(0, "refanging is not idempotent");
	}
	rcx_arena_free(&a);
	incident_observables_free(&twice);
	incident_observables_free(&set);
	return 0;
}
