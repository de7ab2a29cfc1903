/* The event: IntelMQ's data format (harmonization.conf) as rcx's record of one observation.
 *
 * Known fields are a fixed table (EVENT_FIELDS, sorted by name so output is canonical); each
 * value is validated and normalised by its type when set and kept as canonical text.
 * Unknown fields live under extra.* with a JSON-typed value. The raw input line is kept as bytes
 * (IntelMQ's "raw" is its base64). rcx's own bookkeeping fields are under rcx.*.
 * All memory of an event belongs to the arena it was created in. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/ip.h"
#include "core/result.h"
#include "core/strbuf.h"

enum event_type {
	EVT_STRING,   /* any UTF-8 text (invalid UTF-8 is read as Latin-1) */
	EVT_LOWER,    /* text, lowercased */
	EVT_UPPER,    /* text, uppercased */
	EVT_FQDN,     /* host name: lowercase, IDN → A-labels, no trailing dot, not an IP */
	EVT_URL,      /* absolute URL: scheme and host lowercased */
	EVT_DATETIME, /* ISO-8601 UTC */
	EVT_FLOAT,
	EVT_IP,       /* IPv4/IPv6 address, canonical text */
	EVT_INTEGER,
	EVT_ASN,      /* 1..4294967295, "AS" prefix accepted */
	EVT_NETWORK,  /* CIDR, host bits cleared */
	EVT_REGISTRY, /* AFRINIC, APNIC, ARIN, LACNIC, RIPE */
	EVT_BOOLEAN,
	EVT_TAXONOMY, /* RSIT taxonomy */
	EVT_CTYPE,    /* RSIT / IntelMQ classification type */
	EVT_ACCURACY, /* 0..100 */
	EVT_JSON,     /* any JSON text */
	EVT_TLP,      /* TLP 2.0 label */
	EVT_TYPE_MAX
};

/* X(ENUM, "name", TYPE, max length or 0) — sorted by name. */
#define EVENT_FIELDS(X) \
	X(CLASSIFICATION_IDENTIFIER, "classification.identifier", STRING, 0) \
	X(CLASSIFICATION_TAXONOMY, "classification.taxonomy", TAXONOMY, 100) \
	X(CLASSIFICATION_TYPE, "classification.type", CTYPE, 0) \
	X(COMMENT, "comment", STRING, 0) \
	X(DESTINATION_ABUSE_CONTACT, "destination.abuse_contact", LOWER, 0) \
	X(DESTINATION_ACCOUNT, "destination.account", STRING, 0) \
	X(DESTINATION_ALLOCATED, "destination.allocated", DATETIME, 0) \
	X(DESTINATION_AS_NAME, "destination.as_name", STRING, 0) \
	X(DESTINATION_ASN, "destination.asn", ASN, 0) \
	X(DESTINATION_DOMAIN_SUFFIX, "destination.domain_suffix", FQDN, 0) \
	X(DESTINATION_FQDN, "destination.fqdn", FQDN, 0) \
	X(DESTINATION_GEOLOCATION_CC, "destination.geolocation.cc", UPPER, 2) \
	X(DESTINATION_GEOLOCATION_CITY, "destination.geolocation.city", STRING, 0) \
	X(DESTINATION_GEOLOCATION_COUNTRY, "destination.geolocation.country", STRING, 0) \
	X(DESTINATION_GEOLOCATION_LATITUDE, "destination.geolocation.latitude", FLOAT, 0) \
	X(DESTINATION_GEOLOCATION_LONGITUDE, "destination.geolocation.longitude", FLOAT, 0) \
	X(DESTINATION_GEOLOCATION_REGION, "destination.geolocation.region", STRING, 0) \
	X(DESTINATION_GEOLOCATION_STATE, "destination.geolocation.state", STRING, 0) \
	X(DESTINATION_IP, "destination.ip", IP, 0) \
	X(DESTINATION_LOCAL_HOSTNAME, "destination.local_hostname", STRING, 0) \
	X(DESTINATION_LOCAL_IP, "destination.local_ip", IP, 0) \
	X(DESTINATION_NETWORK, "destination.network", NETWORK, 0) \
	X(DESTINATION_PORT, "destination.port", INTEGER, 0) \
	X(DESTINATION_REGISTRY, "destination.registry", REGISTRY, 7) \
	X(DESTINATION_REVERSE_DNS, "destination.reverse_dns", FQDN, 0) \
	X(DESTINATION_TOR_NODE, "destination.tor_node", BOOLEAN, 0) \
	X(DESTINATION_URL, "destination.url", URL, 0) \
	X(DESTINATION_URLPATH, "destination.urlpath", STRING, 0) \
	X(EVENT_DESCRIPTION_TARGET, "event_description.target", STRING, 0) \
	X(EVENT_DESCRIPTION_TEXT, "event_description.text", STRING, 0) \
	X(EVENT_DESCRIPTION_URL, "event_description.url", URL, 0) \
	X(EVENT_HASH, "event_hash", UPPER, 40) \
	X(FEED_ACCURACY, "feed.accuracy", ACCURACY, 0) \
	X(FEED_CODE, "feed.code", STRING, 100) \
	X(FEED_DOCUMENTATION, "feed.documentation", STRING, 0) \
	X(FEED_NAME, "feed.name", STRING, 0) \
	X(FEED_PROVIDER, "feed.provider", STRING, 0) \
	X(FEED_URL, "feed.url", URL, 0) \
	X(MALWARE_HASH_MD5, "malware.hash.md5", STRING, 200) \
	X(MALWARE_HASH_SHA1, "malware.hash.sha1", STRING, 200) \
	X(MALWARE_HASH_SHA256, "malware.hash.sha256", STRING, 200) \
	X(MALWARE_NAME, "malware.name", LOWER, 0) \
	X(MALWARE_VERSION, "malware.version", STRING, 0) \
	X(MISP_ATTRIBUTE_UUID, "misp.attribute_uuid", LOWER, 36) \
	X(MISP_EVENT_UUID, "misp.event_uuid", LOWER, 36) \
	X(OUTPUT, "output", JSON, 0) \
	X(PROTOCOL_APPLICATION, "protocol.application", LOWER, 100) \
	X(PROTOCOL_TRANSPORT, "protocol.transport", LOWER, 11) \
	X(RCX_CONSTITUENCY, "rcx.constituency", STRING, 0) \
	X(RCX_COUNT, "rcx.count", INTEGER, 0) \
	X(RCX_DISTRIBUTION, "rcx.distribution", LOWER, 10) \
	X(RCX_FIRST_SEEN, "rcx.first_seen", DATETIME, 0) \
	X(RCX_ID, "rcx.id", INTEGER, 0) \
	X(RCX_LAST_SEEN, "rcx.last_seen", DATETIME, 0) \
	X(RCX_ORG, "rcx.org", STRING, 0) \
	X(RCX_SHARING_GROUP, "rcx.sharing_group", STRING, 200) \
	X(RTIR_ID, "rtir_id", INTEGER, 0) \
	X(SCREENSHOT_URL, "screenshot_url", URL, 0) \
	X(SOURCE_ABUSE_CONTACT, "source.abuse_contact", LOWER, 0) \
	X(SOURCE_ACCOUNT, "source.account", STRING, 0) \
	X(SOURCE_ALLOCATED, "source.allocated", DATETIME, 0) \
	X(SOURCE_AS_NAME, "source.as_name", STRING, 0) \
	X(SOURCE_ASN, "source.asn", ASN, 0) \
	X(SOURCE_DOMAIN_SUFFIX, "source.domain_suffix", FQDN, 0) \
	X(SOURCE_FQDN, "source.fqdn", FQDN, 0) \
	X(SOURCE_GEOLOCATION_CC, "source.geolocation.cc", UPPER, 2) \
	X(SOURCE_GEOLOCATION_CITY, "source.geolocation.city", STRING, 0) \
	X(SOURCE_GEOLOCATION_COUNTRY, "source.geolocation.country", STRING, 0) \
	X(SOURCE_GEOLOCATION_CYMRU_CC, "source.geolocation.cymru_cc", UPPER, 2) \
	X(SOURCE_GEOLOCATION_GEOIP_CC, "source.geolocation.geoip_cc", UPPER, 2) \
	X(SOURCE_GEOLOCATION_LATITUDE, "source.geolocation.latitude", FLOAT, 0) \
	X(SOURCE_GEOLOCATION_LONGITUDE, "source.geolocation.longitude", FLOAT, 0) \
	X(SOURCE_GEOLOCATION_REGION, "source.geolocation.region", STRING, 0) \
	X(SOURCE_GEOLOCATION_STATE, "source.geolocation.state", STRING, 0) \
	X(SOURCE_IP, "source.ip", IP, 0) \
	X(SOURCE_LOCAL_HOSTNAME, "source.local_hostname", STRING, 0) \
	X(SOURCE_LOCAL_IP, "source.local_ip", IP, 0) \
	X(SOURCE_NETWORK, "source.network", NETWORK, 0) \
	X(SOURCE_PORT, "source.port", INTEGER, 5) \
	X(SOURCE_REGISTRY, "source.registry", REGISTRY, 7) \
	X(SOURCE_REVERSE_DNS, "source.reverse_dns", FQDN, 0) \
	X(SOURCE_TOR_NODE, "source.tor_node", BOOLEAN, 0) \
	X(SOURCE_URL, "source.url", URL, 0) \
	X(SOURCE_URLPATH, "source.urlpath", STRING, 0) \
	X(STATUS, "status", STRING, 0) \
	X(TIME_OBSERVATION, "time.observation", DATETIME, 0) \
	X(TIME_SOURCE, "time.source", DATETIME, 0) \
	X(TLP, "tlp", TLP, 0) \
	/* end */

enum event_field {
#define EVENT_FIELD_ENUM(e, name, type, maxlen) EF_##e,
	EVENT_FIELDS(EVENT_FIELD_ENUM)
#undef EVENT_FIELD_ENUM
	EF_MAX
};

struct event_field_def {
	const char *name;
	enum event_type type;
	uint32_t maxlen; /* 0 = RCX_FIELD_VALUE_MAX */
};

/* One extra.* entry. value is canonical JSON text: a string (quoted), number, true/false,
 * or an object/array. */
struct event_extra {
	const char *key; /* without the "extra." prefix */
	const char *value;
};

struct event {
	struct rcx_arena *arena;
	const char *f[EF_MAX]; /* canonical text per known field, NULL = unset */
	struct event_extra *extra;
	uint32_t n_extra, cap_extra;
	const char *raw; /* raw input bytes (not NUL-safe; use raw_len) */
	size_t raw_len;
	int64_t time_source_us; /* cached parse of time.source; INT64_MIN when unset */
	/* cached parse of source.ip [0] and destination.ip [1]; valid while ip_text[i] == f[...] */
	struct rcx_ip ip[2];
	const char *ip_text[2];
	int64_t time_observation_us;
};

extern const struct event_field_def event_fields[EF_MAX];

/* Looks a field up by its dotted name; EF_MAX if unknown. */
enum event_field event_field_lookup(const char *name, size_t len);
/* A short phrase for what a type expects, for quarantine reasons ("an IP address"). */
const char *event_type_expect(enum event_type t);
/* Whether the field's canonical text is emitted unquoted in JSON (numbers, booleans, JSON). */
bool event_field_is_json_literal(enum event_field f);

/* Initialises an empty event whose values live in arena. */
void event_init(struct event *ev, struct rcx_arena *arena);
/* Validates and normalises s[0..len) for field f, then sets it (replacing any value).
 * RCX_EPARSE if the value is invalid for the type, RCX_ELIMIT if too long; ev unchanged then. */
enum rcx_result event_set(struct event *ev, enum event_field f, const char *s, size_t len);
/* As event_set, but an empty value leaves the field unset and succeeds. */
enum rcx_result event_set_nonempty(struct event *ev, enum event_field f, const char *s, size_t len);
/* The address in source.ip or destination.ip (f), parsed once and cached. False when unset. */
bool event_get_ip(const struct event *ev, enum event_field f, struct rcx_ip *ret_ip);
/* Sets a field by name: known names through event_set, "extra.x" as an extra string. */
enum rcx_result event_set_name(struct event *ev, const char *name, size_t nlen, const char *s, size_t len);
void event_unset(struct event *ev, enum event_field f);
/* Sets extra.<key> to a JSON string value (text is made valid UTF-8). Replaces an existing key. */
enum rcx_result event_set_extra_string(struct event *ev, const char *key, size_t klen, const char *s, size_t len);
/* Sets extra.<key> to a JSON number, true, false or null given as text (checked by the JSON grammar,
 * cheaper than event_set_extra_json for values a parser formatted itself). */
enum rcx_result event_set_extra_literal(struct event *ev, const char *key, size_t klen, const char *lit, size_t len);
/* Sets extra.<key> to canonical JSON text json (number, true/false, object ...), validated. */
enum rcx_result event_set_extra_json(struct event *ev, const char *key, size_t klen, const char *json, size_t jlen);
/* The extra value's JSON text, or NULL. */
const char *event_get_extra(const struct event *ev, const char *key);
void event_set_raw(struct event *ev, const char *raw, size_t len);
/* Fills classification.taxonomy from classification.type when the type is known (overrides a
 * taxonomy that disagrees with RSIT, as IntelMQ's taxonomy expert does). */
void event_classify(struct event *ev);

enum {
	EVENT_JSON_RAW = 1u << 0,  /* include "raw" (base64) */
	EVENT_JSON_META = 1u << 1, /* include rcx.* bookkeeping fields */
};
/* Appends the event as one flat JSON object with sorted dotted keys. */
enum rcx_result event_to_json(const struct event *ev, unsigned flags, struct rcx_strbuf *out);
/* Reads a flat (or nested) IntelMQ-style JSON object into ev. Unknown keys become extra.*;
 * "raw" is base64-decoded. On failure *ret_reason names the offending field. */
enum rcx_result event_from_json(struct event *ev, const char *json, size_t len, const char **ret_reason);
/* Room for one more extra.* entry at ev->extra[ev->n_extra] (the array grows in the event's
 * arena); RCX_ELIMIT at RCX_EVENT_EXTRA_MAX. The caller keeps the entries sorted by key. */
enum rcx_result event_extra_reserve(struct event *ev);
/* Reads back a body event_to_json wrote (flat, keys ascending) without building a JSON tree and
 * without validating the values again: for the store's own bodies only. RCX_EPARSE when the text
 * is not in that form — the caller then re-initialises ev and uses event_from_json. */
enum rcx_result event_from_stored_json(struct event *ev, const char *json, size_t len);
/* 16-byte identity of the event: every field except times, raw and rcx.* bookkeeping. Events
 * with the same identity are the same observation (dedup). */
void event_identity(const struct event *ev, uint8_t ret_id[16]);
/* A fast 64-bit hash of the same fields, not collision resistant: for in-memory sets that only
 * count (dry-run dedup), never for deciding what is stored. */
uint64_t event_fingerprint(const struct event *ev);
