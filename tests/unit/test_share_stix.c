/* STIX 2.1: SHA-1 (RFC 3174 vectors), UUIDv5 (RFC 9562 and STIX §2.9 ids of the OASIS examples),
 * timestamps, the TLP marking definitions against the official objects, the objects of one event,
 * the streaming bundle writer, the import of every example bundle of the corpus (counted per object
 * type), TLP from markings, and round trips rcx → STIX → rcx (with and without x_rcx_event). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/event.h"
#include "core/sha1.h"
#include "core/strbuf.h"
#include "core/tlp.h"
#include "ingest/ingest.h"
#include "share/share_flat.h"
#include "share/share_stix.h"

/* ---------------- SHA-1 and UUIDv5 ---------------- */

static void hex_of(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void sha1_hex(const char *s, size_t len, size_t repeat, char out[41])
{
	struct rcx_sha1 c;
	uint8_t d[RCX_SHA1_LEN];
	rcx_sha1_init(&c);
	for (size_t i = 0; i < repeat; i++)
		rcx_sha1_update(&c, s, len);
	rcx_sha1_final(&c, d);
	hex_of(d, sizeof(d), out);
}

static void test_sha1_rfc3174(void **state)
{
	(void)state;
	char h[41];
	/* RFC 3174 §7.3, TEST1..TEST4 */
	sha1_hex("abc", 3, 1, h);
	assert_string_equal(h, "a9993e364706816aba3e25717850c26c9cd0d89d");
	static const char t2[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha1_hex(t2, sizeof(t2) - 1, 1, h);
	assert_string_equal(h, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	sha1_hex("a", 1, 1000000, h);
	assert_string_equal(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	static const char t4[] = "0123456701234567012345670123456701234567012345670123456701234567";
	sha1_hex(t4, sizeof(t4) - 1, 10, h);
	assert_string_equal(h, "dea356a2cddd90c7a7ecedc5ebb563934f460452");
	sha1_hex("", 0, 1, h);
	assert_string_equal(h, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

static void test_uuid5(void **state)
{
	(void)state;
	uint8_t ns[16], u[16];
	char text[37], id[SHARE_STIX_ID_MAX];
	/* RFC 9562 appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace */
	assert_int_equal(rcx_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", 36, ns), 0);
	rcx_uuid5(ns, "www.example.com", 15, u);
	rcx_uuid_format(u, text);
	assert_string_equal(text, "2ed6657d-e927-568b-95e1-2665a8aea6a2");
	assert_int_equal(rcx_uuid_parse("2ed6657d-e927-568b-95e1-2665a8aea6a", 35, u), -1);
	assert_int_equal(rcx_uuid_parse("2ed6657d-e927-568b-95e1-2665a8aea6ag", 36, u), -1);
	/* STIX 2.1 §2.9 ids in the OASIS example sighting-of-observed-data.json: a file (of its hashes
	 * only MD5 contributes) and a windows-registry-key */
	static const char file[] = "{\"hashes\":{\"MD5\":\"1717b7fff97d37a1e1a0029d83492de1\"},\"name\":\"resume.pdf\"}";
	share_stix_id_make("file", SHARE_STIX_SCO_NAMESPACE, file, sizeof(file) - 1, id);
	assert_string_equal(id, "file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d");
	static const char key[] = "{\"key\":\"HKEY_LOCAL_MACHINE\\\\SYSTEM\\\\ControlSet001\\\\Services\\\\WSALG2\"}";
	share_stix_id_make("windows-registry-key", SHARE_STIX_SCO_NAMESPACE, key, sizeof(key) - 1, id);
	assert_string_equal(id, "windows-registry-key--16b80d14-d574-5620-abad-10ff304b1c26");
}

static void test_time_format(void **state)
{
	(void)state;
	char t[SHARE_STIX_TIME_BUF];
	share_stix_time_format(0, t);
	assert_string_equal(t, "1970-01-01T00:00:00.000Z");
	share_stix_time_format(1234567, t);
	assert_string_equal(t, "1970-01-01T00:00:01.234Z");
	share_stix_time_format(-1, t);
	assert_string_equal(t, "1969-12-31T23:59:59.999Z");
	share_stix_time_format(1795428000000000 + 999999, t); /* 2026-11-23T10:00:00.999999 */
	assert_string_equal(t, "2026-11-23T10:00:00.999Z");
}

/* ---------------- markings ---------------- */

static json_t *load_corpus(const char *rel)
{
	const char *root = getenv("RCX_CORPUS");
	if (!root)
		return NULL;
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return json_load_file(path, 0, NULL);
}

static void test_markings(void **state)
{
	(void)state;
	assert_string_equal(share_stix_marking_id(RCX_TLP_AMBER_STRICT, false),
			    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
	assert_null(share_stix_marking_id(RCX_TLP_AMBER_STRICT, true));
	assert_string_equal(share_stix_marking_id(RCX_TLP_CLEAR, true), "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9");
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	assert_int_equal(share_stix_marking_write(RCX_TLP_AMBER_STRICT, true, &b), RCX_ENOTFOUND);
	if (!getenv("RCX_CORPUS")) {
		rcx_strbuf_free(&b);
		skip();
	}
	/* each written marking equals the official object of the corpus */
	static const char *const v2[RCX_TLP_MAX] = {"tlp-clear", "tlp-green", "tlp-amber", "tlp-amber+strict", "tlp-red"};
	static const char *const v1[RCX_TLP_MAX] = {"tlp1.0-white", "tlp1.0-green", "tlp1.0-amber", NULL, "tlp1.0-red"};
	for (int t = 0; t < RCX_TLP_MAX; t++) {
		char rel[128];
		snprintf(rel, sizeof(rel), "stix2-examples/tlp2.0/%s.json", v2[t]);
		json_t *official = load_corpus(rel);
		assert_non_null(official);
		rcx_strbuf_clear(&b);
		assert_int_equal(share_stix_marking_write((enum rcx_tlp)t, false, &b), RCX_OK);
		json_t *mine = json_loads(b.data, 0, NULL);
		assert_non_null(mine);
		assert_true(json_equal(mine, json_array_get(json_object_get(official, "objects"), 0)));
		json_decref(mine);
		json_decref(official);
		if (!v1[t])
			continue;
		snprintf(rel, sizeof(rel), "stix2-examples/tlp1.0/%s.json", v1[t]);
		official = load_corpus(rel);
		assert_non_null(official);
		rcx_strbuf_clear(&b);
		assert_int_equal(share_stix_marking_write((enum rcx_tlp)t, true, &b), RCX_OK);
		mine = json_loads(b.data, 0, NULL);
		assert_true(json_equal(mine, official));
		json_decref(mine);
		json_decref(official);
	}
	rcx_strbuf_free(&b);
}

/* ---------------- the objects of one event ---------------- */

struct objects {
	json_t *list;
};

static enum rcx_result collect_object(void *ctx, const char *json, size_t len)
{
	struct objects *o = ctx;
	json_error_t err;
	json_t *v = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!v) {
		fprintf(stderr, "invalid object JSON: %s: %.*s\n", err.text, (int)len, json);
		return RCX_EPARSE;
	}
	json_array_append_new(o->list, v);
	return RCX_OK;
}

static void set(struct event *ev, enum event_field f, const char *v)
{
	assert_int_equal(event_set(ev, f, v, strlen(v)), RCX_OK);
}

/* A C2 server event with every observable the mapping knows. */
static void c2_event(struct event *ev, struct rcx_arena *a)
{
	event_init(ev, a);
	set(ev, EF_CLASSIFICATION_TYPE, "c2-server");
	event_classify(ev);
	set(ev, EF_SOURCE_IP, "198.51.100.3");
	set(ev, EF_SOURCE_PORT, "8080");
	set(ev, EF_PROTOCOL_TRANSPORT, "tcp");
	set(ev, EF_PROTOCOL_APPLICATION, "http");
	set(ev, EF_SOURCE_FQDN, "c2.example.net");
	set(ev, EF_SOURCE_URL, "http://c2.example.net/gate.php?id=1'x");
	set(ev, EF_SOURCE_ASN, "64496");
	set(ev, EF_SOURCE_AS_NAME, "EXAMPLE-AS");
	set(ev, EF_MALWARE_NAME, "emotet");
	set(ev, EF_MALWARE_HASH_SHA256, "EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C");
	set(ev, EF_TIME_SOURCE, "2026-11-23T10:00:00.123+00:00");
	set(ev, EF_TIME_OBSERVATION, "2026-11-23T11:00:00+00:00");
	set(ev, EF_FEED_NAME, "unit");
	set(ev, EF_TLP, "green");
	set(ev, EF_RCX_ORG, "CERT.hr");
	set(ev, EF_RCX_ID, "42");
	assert_int_equal(event_set_extra_string(ev, "note", 4, "kept", 4), RCX_OK);
}

static json_t *find_type(json_t *list, const char *type, size_t nth)
{
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o)
		if (!strcmp(json_string_value(json_object_get(o, "type")), type) && nth-- == 0)
			return o;
	return NULL;
}

static void test_event_objects(void **state)
{
	(void)state;
	struct rcx_arena a = RCX_ARENA_INIT;
	struct event ev;
	c2_event(&ev, &a);
	struct share_stix_options opt = {"node-a", 0};
	struct objects o = {json_array()};
	assert_int_equal(share_stix_event_objects(&opt, &ev, collect_object, &o), RCX_OK);
	/* ipv4, domain, url, AS, file, traffic, observed-data, indicator, relationship */
	assert_int_equal(json_array_size(o.list), 9);
	json_t *ip = find_type(o.list, "ipv4-addr", 0);
	assert_non_null(ip);
	/* the UUIDv5 of {"value":"198.51.100.3"} under the SCO namespace (STIX 2.1 §2.9) */
	assert_string_equal(json_string_value(json_object_get(ip, "id")), "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
	assert_string_equal(json_string_value(json_array_get(json_object_get(ip, "object_marking_refs"), 0)),
			    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb");
	json_t *file = find_type(o.list, "file", 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(file, "hashes"), "SHA-256")),
			    "EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C"); /* the case as stored */
	json_t *nt = find_type(o.list, "network-traffic", 0);
	assert_int_equal(json_integer_value(json_object_get(nt, "src_port")), 8080);
	assert_string_equal(json_string_value(json_object_get(nt, "src_ref")), json_string_value(json_object_get(ip, "id")));
	json_t *od = find_type(o.list, "observed-data", 0);
	assert_string_equal(json_string_value(json_object_get(od, "first_observed")), "2026-11-23T10:00:00.123Z");
	assert_string_equal(json_string_value(json_object_get(od, "created")), "2026-11-23T11:00:00.000Z");
	assert_int_equal(json_array_size(json_object_get(od, "object_refs")), 6);
	assert_string_equal(json_string_value(json_array_get(json_object_get(od, "labels"), 0)), "rsit:malicious-code=\"c2-server\"");
	json_t *xe = json_object_get(od, "x_rcx_event");
	assert_string_equal(json_string_value(json_object_get(xe, "extra.note")), "kept");
	assert_null(json_object_get(xe, "rcx.org"));
	assert_null(json_object_get(xe, "rcx.id"));
	char owner[SHARE_STIX_ID_MAX];
	share_stix_identity_id("CERT.hr", owner);
	assert_string_equal(json_string_value(json_object_get(od, "created_by_ref")), owner);
	json_t *ind = find_type(o.list, "indicator", 0);
	assert_string_equal(json_string_value(json_object_get(ind, "pattern")),
			    "[ipv4-addr:value = '198.51.100.3' OR domain-name:value = 'c2.example.net' OR url:value = "
			    "'http://c2.example.net/gate.php?id=1\\'x' OR file:hashes.'SHA-256' = "
			    "'EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C']");
	assert_string_equal(json_string_value(json_array_get(json_object_get(ind, "indicator_types"), 0)), "malicious-activity");
	json_t *rel = find_type(o.list, "relationship", 0);
	assert_string_equal(json_string_value(json_object_get(rel, "source_ref")), json_string_value(json_object_get(ind, "id")));
	assert_string_equal(json_string_value(json_object_get(rel, "target_ref")), json_string_value(json_object_get(od, "id")));

	/* stable: the same event, the same objects; another node, other SDO ids but the same SCO ids */
	struct objects o2 = {json_array()}, o3 = {json_array()};
	assert_int_equal(share_stix_event_objects(&opt, &ev, collect_object, &o2), RCX_OK);
	assert_true(json_equal(o.list, o2.list));
	struct share_stix_options opt_b = {"node-b", SHARE_STIX_TLP1};
	assert_int_equal(share_stix_event_objects(&opt_b, &ev, collect_object, &o3), RCX_OK);
	assert_true(json_equal(json_object_get(ip, "id"), json_object_get(find_type(o3.list, "ipv4-addr", 0), "id")));
	assert_false(json_equal(json_object_get(od, "id"), json_object_get(find_type(o3.list, "observed-data", 0), "id")));
	assert_int_equal(json_array_size(json_object_get(find_type(o3.list, "indicator", 0), "object_marking_refs")), 2);

	/* a victim (vulnerable-system) gets no indicator; an event without observables nothing */
	set(&ev, EF_CLASSIFICATION_TYPE, "vulnerable-system");
	struct objects o4 = {json_array()};
	assert_int_equal(share_stix_event_objects(&opt, &ev, collect_object, &o4), RCX_OK);
	assert_null(find_type(o4.list, "indicator", 0));
	struct event empty;
	event_init(&empty, &a);
	set(&empty, EF_CLASSIFICATION_TYPE, "phishing");
	assert_int_equal(share_stix_event_objects(&opt, &empty, collect_object, &o4), RCX_ENOTFOUND);
	json_decref(o.list);
	json_decref(o2.list);
	json_decref(o3.list);
	json_decref(o4.list);
	rcx_arena_free(&a);
}

static enum rcx_result out_buf(void *ctx, const char *data, size_t len)
{
	return rcx_strbuf_append(ctx, data, len);
}

static void test_bundle_stream(void **state)
{
	(void)state;
	struct rcx_arena a = RCX_ARENA_INIT;
	struct event e1, e2;
	c2_event(&e1, &a);
	c2_event(&e2, &a);
	set(&e2, EF_RCX_ID, "43");
	set(&e2, EF_SOURCE_PORT, "9090");
	struct share_stix_options opt = {"node-a", 0};
	struct share_stix_bundle b;
	struct rcx_strbuf out = RCX_STRBUF_INIT(0);
	assert_int_equal(share_stix_bundle_begin(&b, &opt, out_buf, &out), RCX_OK);
	assert_int_equal(out.len, 0); /* nothing before the first object */
	assert_int_equal(share_stix_bundle_event(&b, &e1), RCX_OK);
	size_t after_one = out.len;
	assert_true(after_one > 0);
	assert_int_equal(share_stix_bundle_event(&b, &e2), RCX_OK);
	assert_int_equal(share_stix_bundle_end(&b), RCX_OK);
	json_t *root = json_loads(out.data, 0, NULL);
	assert_non_null(root);
	json_t *objs = json_object_get(root, "objects");
	/* marking + identity + 9 objects, then only what differs: traffic, observed-data, indicator, relationship */
	assert_int_equal(json_array_size(objs), 2 + 9 + 4);
	assert_int_equal(b.n_objects, json_array_size(objs));
	assert_string_equal(json_string_value(json_object_get(json_array_get(objs, 0), "type")), "marking-definition");
	assert_string_equal(json_string_value(json_object_get(json_array_get(objs, 1), "type")), "identity");
	assert_non_null(find_type(objs, "network-traffic", 1));
	assert_null(find_type(objs, "ipv4-addr", 1));
	json_decref(root);
	share_stix_bundle_free(&b);

	/* an empty export: a bundle without objects */
	rcx_strbuf_clear(&out);
	assert_int_equal(share_stix_bundle_begin(&b, &opt, out_buf, &out), RCX_OK);
	assert_int_equal(share_stix_bundle_end(&b), RCX_OK);
	root = json_loads(out.data, 0, NULL);
	assert_non_null(root);
	assert_null(json_object_get(root, "objects"));
	assert_string_equal(json_string_value(json_object_get(root, "type")), "bundle");
	json_decref(root);
	share_stix_bundle_free(&b);
	rcx_strbuf_free(&out);
	rcx_arena_free(&a);
}

/* ---------------- import ---------------- */

/* Keeps the events of records that end, drops those of rejected records (as the pipeline does). */
struct sink {
	struct ingest_sink sink;
	struct rcx_arena arena;
	struct event *pending[128];
	size_t n_pending;
	json_t *events; /* event JSON objects, flags 0 */
	size_t rejects, ends;
	char last_reason[512];
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
	assert_true(s->n_pending < 128);
	s->pending[s->n_pending++] = ev;
	return RCX_OK;
}

static enum rcx_result s_reject(struct ingest_sink *sink, uint64_t line, const char *reason, const char *raw,
				size_t raw_len, size_t raw_total)
{
	struct sink *s = (struct sink *)sink;
	(void)line;
	(void)raw;
	assert_true(raw_len <= raw_total);
	assert_true(reason && *reason);
	snprintf(s->last_reason, sizeof(s->last_reason), "%s", reason);
	if (getenv("STIX_DUMP"))
		fprintf(stderr, "reject %llu: %s\n", (unsigned long long)line, reason);
	s->n_pending = 0;
	s->rejects++;
	return RCX_OK;
}

static enum rcx_result s_record_end(struct ingest_sink *sink, uint64_t line)
{
	struct sink *s = (struct sink *)sink;
	(void)line;
	for (size_t i = 0; i < s->n_pending; i++) {
		struct event *ev = s->pending[i];
		if (!ev->f[EF_CLASSIFICATION_TAXONOMY])
			event_classify(ev);
		struct rcx_strbuf b = RCX_STRBUF_INIT(0);
		assert_int_equal(event_to_json(ev, 0, &b), RCX_OK);
		if (getenv("STIX_DUMP"))
			fprintf(stderr, "event: %s\n", b.data);
		json_array_append_new(s->events, json_loads(b.data, 0, NULL));
		rcx_strbuf_free(&b);
	}
	s->n_pending = 0;
	s->ends++;
	return RCX_OK;
}

static void sink_init(struct sink *s)
{
	memset(s, 0, sizeof(*s));
	s->sink.event_new = s_event_new;
	s->sink.emit = s_emit;
	s->sink.reject = s_reject;
	s->sink.record_end = s_record_end;
	s->arena = (struct rcx_arena)RCX_ARENA_INIT;
	s->events = json_array();
}

static void sink_free(struct sink *s)
{
	json_decref(s->events);
	rcx_arena_free(&s->arena);
}

static void import_mem(struct sink *s, const char *data, size_t len)
{
	const struct ingest_format *f = ingest_format_find("stix");
	assert_non_null(f);
	assert_true(f->detect("x.json", data, len < 4096 ? len : 4096));
	struct rcx_config *cfg = rcx_config_empty();
	char err[INGEST_ERROR_MAX] = "";
	struct ingest_source src = {.path = "mem", .feed_name = "stix", .config = cfg, .error = err};
	struct ingest_reader in;
	ingest_reader_open_mem(&in, data, len);
	assert_int_equal(f->parse(&src, &in, &s->sink), RCX_OK);
	ingest_reader_close(&in);
	rcx_config_free(cfg);
}

/* Events made from objects of type (by extra.stix_id). */
static size_t events_from(const struct sink *s, const char *type)
{
	size_t n = 0, i;
	json_t *e;
	json_array_foreach(s->events, i, e) {
		const char *id = json_string_value(json_object_get(e, "extra.stix_id"));
		if (id && !strncmp(id, type, strlen(type)) && !strncmp(id + strlen(type), "--", 2))
			n++;
	}
	return n;
}

static void test_import_corpus(void **state)
{
	(void)state;
	const char *root = getenv("RCX_CORPUS");
	if (!root)
		skip();
	/* per bundle: events from indicators, observed-data and sightings, quarantined objects, all objects.
	 * Every object either makes events, is used by others (identities, TLP markings, observables of
	 * observed-data, malware an indicator indicates) or is quarantined with a reason. */
	static const struct {
		const char *file;
		size_t ind, od, sight, rejects, objects;
	} cases[] = {
		{"cti-documentation/apt1.json", 10, 0, 0, 54, 76},
		{"cti-documentation/defining-campaigns-threat-actors-intrusion-sets.json", 0, 0, 0, 24, 26},
		{"cti-documentation/identifying-a-threat-actor-profile.json", 0, 0, 0, 2, 3},
		{"cti-documentation/indicator-for-malicious-url.json", 1, 0, 0, 0, 3},
		{"cti-documentation/malware-indicator-for-file-hash.json", 1, 0, 0, 0, 3},
		{"cti-documentation/poisonivy.json", 65, 0, 0, 62, 155},
		{"cti-documentation/sighting-of-an-indicator.json", 1, 0, 1, 0, 4},
		{"cti-documentation/sighting-of-observed-data.json", 0, 0, 1, 0, 8},
		{"cti-documentation/threat-actor-leveraging-attack-patterns-and-malware.json", 0, 0, 0, 6, 7},
		{"cti-documentation/using-granular-markings.json", 0, 0, 0, 3, 4},
		{"cti-documentation/using-marking-definitions.json", 1, 0, 0, 1, 4},
		{"cti-stix2-json-schemas/indicator-for-c2-ip-address.json", 1, 0, 0, 0, 1},
		{"cti-stix2-json-schemas/indicator-to-campaign-relationship.json", 1, 0, 0, 1, 3},
		{"cti-stix2-json-schemas/indicators-for-C2-with-COA.json", 2, 0, 0, 2, 8},
		{"cti-stix2-json-schemas/infrastructure.json", 0, 0, 0, 10, 10},
		{"cti-stix2-json-schemas/interop-objectmarking-test.json", 0, 0, 0, 1, 1},
		{"cti-stix2-json-schemas/malicious-email-indicator-with-attachment.json", 0, 0, 0, 5, 6},
	};
	size_t bad = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/stix2-examples/%s", root, cases[i].file);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		static char buf[1 << 20];
		size_t len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		struct sink s;
		sink_init(&s);
		import_mem(&s, buf, len);
		size_t ind = events_from(&s, "indicator"), od = events_from(&s, "observed-data"), sg = events_from(&s, "sighting");
		if (ind != cases[i].ind || od != cases[i].od || sg != cases[i].sight || s.rejects != cases[i].rejects ||
		    s.ends + s.rejects != cases[i].objects) {
			print_error("%s: indicator %zu, observed-data %zu, sighting %zu events, %zu quarantined, %zu+%zu records\n",
				    cases[i].file, ind, od, sg, s.rejects, s.ends, s.rejects);
			bad++;
		}
		assert_int_equal(json_array_size(s.events), ind + od + sg);
		sink_free(&s);
	}
	assert_int_equal(bad, 0);
}

static void test_import_markings(void **state)
{
	(void)state;
	static const char bundle[] =
		"{\"type\":\"bundle\",\"id\":\"bundle--6b5e3b3e-2a4e-4c43-b0c5-4f1b1b1b1b1b\",\"objects\":["
		"{\"type\":\"marking-definition\",\"spec_version\":\"2.1\",\"id\":\"marking-definition--11111111-2222-4333-8444-555555555555\","
		"\"created\":\"2020-01-01T00:00:00.000Z\",\"definition_type\":\"tlp\",\"definition\":{\"tlp\":\"white\"}},"
		"{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--00000000-0000-4000-8000-000000000001\","
		"\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\",\"pattern\":\"[ipv4-addr:value = '192.0.2.1']\","
		"\"pattern_type\":\"stix\",\"valid_from\":\"2020-01-01T00:00:00Z\",\"indicator_types\":[\"compromised\"],"
		"\"object_marking_refs\":[\"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed\"]},"
		"{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--00000000-0000-4000-8000-000000000002\","
		"\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\",\"pattern\":\"[domain-name:value = 'a.example' AND "
		"network-traffic:dst_port = 443] OR [url:value = 'http://b.example/']\",\"pattern_type\":\"stix\",\"valid_from\":\"2020-01-01T00:00:00Z\","
		"\"labels\":[\"tlp:amber+strict\",\"rsit:fraud=\\\"phishing\\\"\"]},"
		"{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--00000000-0000-4000-8000-000000000003\","
		"\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\",\"pattern\":\"[ipv6-addr:value = '2001:db8::1']\","
		"\"pattern_type\":\"stix\",\"valid_from\":\"2020-01-01T00:00:00Z\","
		"\"object_marking_refs\":[\"marking-definition--11111111-2222-4333-8444-555555555555\",\"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421\"]},"
		"{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--00000000-0000-4000-8000-000000000004\","
		"\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\",\"pattern\":\"[file:size > 10]\","
		"\"pattern_type\":\"stix\",\"valid_from\":\"2020-01-01T00:00:00Z\"},"
		"{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--00000000-0000-4000-8000-000000000005\","
		"\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\",\"pattern\":\"[ipv4-addr:value = '192.0.2.1'] WITHIN 5 SECONDS\","
		"\"pattern_type\":\"stix\",\"valid_from\":\"2020-01-01T00:00:00Z\"},"
		"{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--00000000-0000-4000-8000-000000000006\","
		"\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\",\"pattern\":\"alert tcp any any\","
		"\"pattern_type\":\"snort\",\"valid_from\":\"2020-01-01T00:00:00Z\"}"
		"]}";
	struct sink s;
	sink_init(&s);
	import_mem(&s, bundle, sizeof(bundle) - 1);
	assert_int_equal(s.rejects, 3); /* size >, WITHIN, snort */
	assert_int_equal(json_array_size(s.events), 4);
	json_t *e0 = json_array_get(s.events, 0), *e1 = json_array_get(s.events, 1), *e2 = json_array_get(s.events, 2),
	       *e3 = json_array_get(s.events, 3);
	assert_string_equal(json_string_value(json_object_get(e0, "tlp")), "red"); /* TLP 1.0 id */
	assert_string_equal(json_string_value(json_object_get(e0, "classification.type")), "infected-system");
	assert_string_equal(json_string_value(json_object_get(e1, "tlp")), "amber+strict"); /* tlp: label */
	assert_string_equal(json_string_value(json_object_get(e1, "classification.type")), "phishing");
	assert_string_equal(json_string_value(json_object_get(e1, "source.fqdn")), "a.example");
	assert_int_equal(json_integer_value(json_object_get(e1, "destination.port")), 443);
	assert_string_equal(json_string_value(json_object_get(e2, "source.url")), "http://b.example/");
	assert_string_equal(json_string_value(json_object_get(e3, "tlp")), "amber"); /* most restrictive of clear, amber */
	assert_string_equal(json_string_value(json_object_get(e3, "source.ip")), "2001:db8::1");
	sink_free(&s);

	/* every marking id the export writes reads back as its TLP through the import */
	for (int t = 0; t < RCX_TLP_MAX; t++)
		for (int v1 = 0; v1 < 2; v1++) {
			const char *mid = share_stix_marking_id((enum rcx_tlp)t, v1);
			if (!mid)
				continue;
			char one[1024];
			int n = snprintf(one, sizeof(one),
					 "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--00000000-0000-4000-8000-00000000000a\","
					 "\"pattern\":\"[ipv4-addr:value = '192.0.2.1']\",\"pattern_type\":\"stix\",\"valid_from\":\"2020-01-01T00:00:00Z\","
					 "\"object_marking_refs\":[\"%s\"]}",
					 mid);
			sink_init(&s);
			import_mem(&s, one, (size_t)n);
			assert_int_equal(json_array_size(s.events), 1);
			assert_string_equal(json_string_value(json_object_get(json_array_get(s.events, 0), "tlp")),
					    rcx_tlp_name((enum rcx_tlp)t));
			sink_free(&s);
		}

	/* x_rcx_event cannot loosen the object's marking */
	static const char loose[] =
		"{\"type\":\"observed-data\",\"spec_version\":\"2.1\",\"id\":\"observed-data--00000000-0000-4000-8000-000000000009\","
		"\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\",\"first_observed\":\"2020-01-01T00:00:00Z\","
		"\"last_observed\":\"2020-01-01T00:00:00Z\",\"number_observed\":1,\"object_refs\":[\"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4\"],"
		"\"object_marking_refs\":[\"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1\"],"
		"\"x_rcx_event\":{\"source.ip\":\"198.51.100.3\",\"tlp\":\"clear\",\"classification.type\":\"scanner\"}}";
	sink_init(&s);
	import_mem(&s, loose, sizeof(loose) - 1);
	assert_int_equal(json_array_size(s.events), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(s.events, 0), "tlp")), "red");
	sink_free(&s);

	/* not JSON, not STIX: one quarantined record each */
	sink_init(&s);
	import_mem(&s, "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[1,", 43);
	assert_int_equal(s.rejects, 1);
	sink_free(&s);
}

/* rcx → STIX → rcx: export events, import the bundle, compare. */
static void round_trip(bool strip_rcx)
{
	struct rcx_arena a = RCX_ARENA_INIT;
	struct event evs[4];
	c2_event(&evs[0], &a);
	c2_event(&evs[1], &a); /* a victim over IPv6 with a destination */
	event_unset(&evs[1], EF_SOURCE_URL);
	event_unset(&evs[1], EF_SOURCE_FQDN);
	event_unset(&evs[1], EF_MALWARE_HASH_SHA256);
	set(&evs[1], EF_SOURCE_IP, "2001:db8::7");
	set(&evs[1], EF_DESTINATION_IP, "192.0.2.80");
	set(&evs[1], EF_DESTINATION_PORT, "80");
	set(&evs[1], EF_CLASSIFICATION_TYPE, "infected-system");
	event_classify(&evs[1]);
	set(&evs[1], EF_TLP, "amber+strict");
	set(&evs[1], EF_RCX_ID, "2");
	event_init(&evs[2], &a); /* a network on a blocklist, RED */
	set(&evs[2], EF_CLASSIFICATION_TYPE, "spam");
	event_classify(&evs[2]);
	set(&evs[2], EF_SOURCE_NETWORK, "203.0.113.0/24");
	set(&evs[2], EF_TIME_SOURCE, "2026-01-01T00:00:00+00:00");
	set(&evs[2], EF_TLP, "red");
	set(&evs[2], EF_RCX_ID, "3");
	set(&evs[2], EF_FEED_NAME, "unit");
	set(&evs[2], EF_TIME_OBSERVATION, "2026-11-23T11:00:00+00:00");
	event_init(&evs[3], &a); /* a phishing URL with an MD5, CLEAR, no owner */
	set(&evs[3], EF_CLASSIFICATION_TYPE, "phishing");
	event_classify(&evs[3]);
	set(&evs[3], EF_SOURCE_URL, "https://login.example.org/x");
	set(&evs[3], EF_MALWARE_HASH_MD5, "1717b7fff97d37a1e1a0029d83492de1");
	set(&evs[3], EF_TIME_SOURCE, "2026-02-01T08:00:00.5+00:00");
	set(&evs[3], EF_TLP, "clear");
	set(&evs[3], EF_COMMENT, "a comment, with \"quotes\"");
	set(&evs[3], EF_FEED_NAME, "unit");
	set(&evs[3], EF_TIME_OBSERVATION, "2026-11-23T11:00:00+00:00");
	struct share_stix_options opt = {"node-a", SHARE_STIX_TLP1};
	struct share_stix_bundle b;
	struct rcx_strbuf out = RCX_STRBUF_INIT(0);
	assert_int_equal(share_stix_bundle_begin(&b, &opt, out_buf, &out), RCX_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(share_stix_bundle_event(&b, &evs[i]), RCX_OK);
	assert_int_equal(share_stix_bundle_end(&b), RCX_OK);
	share_stix_bundle_free(&b);
	if (strip_rcx) { /* as a foreign tool would write it: no x_rcx_event */
		json_t *root = json_loads(out.data, 0, NULL);
		size_t i;
		json_t *o;
		json_array_foreach(json_object_get(root, "objects"), i, o)
			json_object_del(o, "x_rcx_event");
		char *text = json_dumps(root, JSON_COMPACT);
		rcx_strbuf_clear(&out);
		rcx_strbuf_puts(&out, text);
		free(text);
		json_decref(root);
	}
	struct sink s;
	sink_init(&s);
	import_mem(&s, out.data, out.len);
	assert_int_equal(s.rejects, 0);
	assert_int_equal(json_array_size(s.events), 4);
	/* the fields STIX itself carries (without x_rcx_event), or all of them (with it) */
	static const enum event_field stix_fields[] = {
		EF_SOURCE_IP, EF_DESTINATION_IP, EF_SOURCE_PORT, EF_DESTINATION_PORT, EF_SOURCE_NETWORK, EF_SOURCE_FQDN,
		EF_SOURCE_URL, EF_SOURCE_ASN, EF_SOURCE_AS_NAME, EF_PROTOCOL_TRANSPORT, EF_PROTOCOL_APPLICATION,
		EF_MALWARE_HASH_MD5, EF_MALWARE_HASH_SHA256, EF_CLASSIFICATION_TYPE, EF_CLASSIFICATION_TAXONOMY, EF_TLP};
	for (int i = 0; i < 4; i++) {
		json_t *got = json_array_get(s.events, (size_t)i);
		struct rcx_strbuf want = RCX_STRBUF_INIT(0);
		assert_int_equal(share_intelmq_line(&evs[i], &want), RCX_OK);
		json_t *w = json_loads(want.data, 0, NULL);
		rcx_strbuf_free(&want);
		if (!strip_rcx) {
			if (!json_equal(w, got)) {
				char *g = json_dumps(got, JSON_SORT_KEYS), *x = json_dumps(w, JSON_SORT_KEYS);
				fail_msg("event %d differs after the round trip:\n got %s\nwant %s", i, g, x);
			}
		} else {
			for (size_t k = 0; k < sizeof(stix_fields) / sizeof(stix_fields[0]); k++) {
				const char *name = event_fields[stix_fields[k]].name;
				if (!json_equal(json_object_get(w, name), json_object_get(got, name)) &&
				    (json_object_get(w, name) || json_object_get(got, name)))
					fail_msg("event %d: %s differs after the round trip without x_rcx_event", i, name);
			}
			/* time.source to the millisecond */
			const char *ts = json_string_value(json_object_get(got, "time.source"));
			assert_non_null(ts);
		}
		json_decref(w);
	}
	sink_free(&s);
	rcx_strbuf_free(&out);
	rcx_arena_free(&a);
}

static void test_round_trip(void **state)
{
	(void)state;
	round_trip(false);
}

static void test_round_trip_foreign(void **state)
{
	(void)state;
	round_trip(true);
}

static void test_flat(void **state)
{
	(void)state;
	struct rcx_arena a = RCX_ARENA_INIT;
	struct event ev;
	c2_event(&ev, &a);
	set(&ev, EF_COMMENT, "a, \"b\"");
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	assert_int_equal(share_intelmq_line(&ev, &b), RCX_OK);
	assert_null(strstr(b.data, "rcx."));
	assert_non_null(strstr(b.data, "\"extra.note\": \"kept\""));
	assert_int_equal(b.data[b.len - 1], '\n');
	rcx_strbuf_clear(&b);
	assert_int_equal(share_csv_header(&b), RCX_OK);
	assert_int_equal(strncmp(b.data, "time.source,time.observation,classification.taxonomy,", 53), 0);
	rcx_strbuf_clear(&b);
	assert_int_equal(share_csv_line(&ev, &b), RCX_OK);
	assert_non_null(strstr(b.data, ",\"a, \"\"b\"\"\"\n"));
	rcx_strbuf_free(&b);
	rcx_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1_rfc3174),   cmocka_unit_test(test_uuid5),
		cmocka_unit_test(test_time_format),    cmocka_unit_test(test_markings),
		cmocka_unit_test(test_event_objects),  cmocka_unit_test(test_bundle_stream),
		cmocka_unit_test(test_import_corpus),  cmocka_unit_test(test_import_markings),
		cmocka_unit_test(test_round_trip),     cmocka_unit_test(test_round_trip_foreign),
		cmocka_unit_test(test_flat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
