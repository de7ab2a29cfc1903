/* What the REST API and the CLI read from outside besides HTTP itself: event filter values
 * (store_event_filter_set) and organisation specs (trust_org_add: country, kind, NIS2 sector,
 * parent, contacts JSON). Input: "key\nvalue" for a filter, and the whole input as a JSON
 * organisation. Checks: a filter value that parses re-parses from its canonical form to the same
 * filter; an organisation that is accepted reads back from the store with the same fields, and its
 * contacts re-validate as the same JSON. */
#include <jansson.h>
#include <inttypes.h>
#include <string.h>

#include "core/time.h"
#include "fuzz_common.h"
#include "store/store.h"
#include "store/store_filter.h"
#include "trust/trust_org.h"

static void check_filter(const char *s, size_t size)
{
	const char *nl = memchr(s, '\n', size);
	if (!nl || nl == s || (size_t)(nl - s) > 32)
		return;
	char key[33], value[1024];
	size_t kl = (size_t)(nl - s), vl = size - kl - 1;
	if (vl >= sizeof(value))
		return;
	memcpy(key, s, kl);
	key[kl] = '\0';
	memcpy(value, nl + 1, vl);
	value[vl] = '\0';
	if (strlen(value) != vl || strlen(key) != kl)
		return; /* NUL inside: not a C string the callers could pass */
	struct store_event_filter f = {0}, g = {0};
	if (store_event_filter_set(&f, key, value, 100000) != RCX_OK)
		return;
	char canon[128];
	if (!strcmp(key, "limit") || !strcmp(key, "after")) {
		snprintf(canon, sizeof(canon), "%" PRIu64, !strcmp(key, "limit") ? f.limit : (uint64_t)f.after_id);
	} else if (!strcmp(key, "since")) {
		rcx_time_format(f.since_us, canon);
	} else if (!strcmp(key, "type")) {
		snprintf(canon, sizeof(canon), "%s", f.type);
	} else {
		return;
	}
	FUZZ_CHECK(store_event_filter_set(&g, key, canon, 100000) == RCX_OK, "canonical %s '%s' refused", key, canon);
	FUZZ_CHECK(f.limit == g.limit && f.after_id == g.after_id && f.since_us == g.since_us &&
			   (!f.type || !strcmp(f.type, g.type)),
		   "%s '%s' and its canonical form '%s' differ", key, value, canon);
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void check_org(const char *s, size_t size)
{
	json_t *j = json_loadb(s, size, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return;
	}
	struct store *st = NULL;
	FUZZ_CHECK(store_open("mem:", false, &st) == RCX_OK, "mem store");
	struct store_org parent = {.name = "CERT-P", .country = "RS", .kind = "national-cert"};
	FUZZ_CHECK(store_org_add(st, &parent, NULL) == RCX_OK, "parent org");
	json_t *contacts = json_object_get(j, "contacts");
	char *ctext = contacts ? json_dumps(contacts, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	struct trust_org_spec spec = {
		.name = str(j, "name"), .country = str(j, "country"), .kind = str(j, "kind"), .sector = str(j, "sector"),
		.parent = str(j, "parent"), .contacts = ctext,
	};
	int64_t id = 0;
	char *why = NULL;
	if (trust_org_add(st, &spec, &id, &why) == RCX_OK) {
		struct store_org o;
		FUZZ_CHECK(store_org_get_id(st, id, &o) == RCX_OK, "accepted organisation not stored");
		FUZZ_CHECK(!strcmp(o.name, spec.name) && !strcmp(o.country, spec.country) && !strcmp(o.kind, spec.kind),
			   "organisation fields changed");
		FUZZ_CHECK(trust_country_valid(o.country) && trust_org_kind_valid(o.kind), "invalid fields accepted");
		FUZZ_CHECK(!o.sector || trust_sector_valid(o.sector), "invalid sector accepted");
		json_t *back = json_loads(o.contacts ? o.contacts : "[]", 0, NULL);
		FUZZ_CHECK(json_is_array(back), "stored contacts are not an array");
		if (contacts)
			FUZZ_CHECK(json_equal(back, contacts), "contacts changed on the way");
		json_decref(back);
	}
	free(why);
	free(ctext);
	store_close(st);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_filter((const char *)data, size);
	check_org((const char *)data, size);
	return 0;
}
