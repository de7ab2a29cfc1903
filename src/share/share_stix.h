/* STIX 2.1 output of rcx events, one object at a time.
 *
 * An event becomes (in this order, so every reference points backwards):
 *   its cyber-observables (ipv4-addr, ipv6-addr, domain-name, url, email-addr, file, autonomous-system,
 *   network-traffic), whose ids are UUIDv5 under the spec's SCO namespace over the canonical JSON of
 *   their id-contributing properties (STIX 2.1 §2.9), so every producer names the same observable alike;
 *   one observed-data referring to them, carrying the whole event in x_rcx_event;
 *   for classifications that mean "this is bad" (share_stix_indicator_type), one indicator with a STIX
 *   pattern over the event's source.* observables and hashes, and a based-on relationship from the
 *   indicator to the observed-data.
 * Ids of those SDOs/SROs are UUIDv5 under rcx's namespace of "<node>/event/<rcx.id>/<type>", so a
 * re-export names them alike; created is when the node first stored the event, modified when it last
 * saw it again. Every object carries the TLP 2.0 marking of the event (and with SHARE_STIX_TLP1 the
 * TLP 1.0 one too) and created_by_ref names the owner organisation's identity.
 *
 * The bundle writer (struct share_stix_bundle) streams: it hands bytes to an output callback as each
 * object is done and keeps only the set of ids it already wrote (bounded by RCX_STIX_SEEN_MAX). A
 * TAXII server uses share_stix_event_objects directly and wraps the objects in its own envelope. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/result.h"
#include "core/strbuf.h"
#include "core/tlp.h"

/* The STIX 2.1 namespace of deterministic SCO ids (§2.9). */
#define SHARE_STIX_SCO_NAMESPACE "00abedb4-aa42-466c-9c01-fed23315a9b7"
/* rcx's own namespace for the ids of the objects it derives from events and organisations. */
#define SHARE_STIX_RCX_NAMESPACE "704f78e7-acf7-49c2-97d5-5728492d66c8"
/* "type--" (at most 30 characters for the types rcx writes) + 36 + NUL */
#define SHARE_STIX_ID_MAX 72
/* "2026-11-23T10:00:00.000Z" + NUL */
#define SHARE_STIX_TIME_BUF 25

enum {
	SHARE_STIX_TLP1 = 1u << 0, /* also the TLP 1.0 marking ids, for peers that know only those */
};

struct share_stix_options {
	const char *node; /* this node's name: scopes the ids of its event objects; never NULL */
	unsigned flags;   /* SHARE_STIX_* */
};

/* Receives one serialised object (compact JSON, no newline), valid only during the call. */
typedef enum rcx_result (*share_stix_object_cb)(void *ctx, const char *json, size_t len);
/* Receives bytes of a bundle as they are produced. */
typedef enum rcx_result (*share_stix_out_cb)(void *ctx, const char *data, size_t len);

/* Formats µs since the epoch as a STIX timestamp with milliseconds ("...T10:00:00.000Z"). */
void share_stix_time_format(int64_t us, char ret_text[SHARE_STIX_TIME_BUF]);
/* Writes "<type>--<UUIDv5 of name under namespace ns>" (ns in text form) into ret_id. */
void share_stix_id_make(const char *type, const char *ns, const char *name, size_t len,
			char ret_id[SHARE_STIX_ID_MAX]);
/* The official marking-definition id of tlp: TLP 2.0 (cti-stix-common-objects), or with tlp1 the
 * STIX 2.1 §7.2.1.4 TLP 1.0 id (NULL for AMBER+STRICT, which TLP 1.0 lacks). */
const char *share_stix_marking_id(enum rcx_tlp tlp, bool tlp1);
/* Appends the marking-definition object of tlp (TLP 2.0, or with tlp1 TLP 1.0) to out; RCX_ENOTFOUND
 * for TLP 1.0 AMBER+STRICT. */
enum rcx_result share_stix_marking_write(enum rcx_tlp tlp, bool tlp1, struct rcx_strbuf *out);
/* The identity id of the organisation called org (the same on every node). */
void share_stix_identity_id(const char *org, char ret_id[SHARE_STIX_ID_MAX]);
/* Appends the identity object of organisation org, marked with tlp, to out. */
enum rcx_result share_stix_identity_write(const char *org, enum rcx_tlp tlp, unsigned flags, struct rcx_strbuf *out);
/* The STIX indicator type (indicator-type-ov) that an RSIT classification type implies, or NULL
 * when events of that type describe victims or states rather than threats (vulnerable-system ...). */
const char *share_stix_indicator_type(const char *classification_type);
/* The event's TLP (amber when it has none, as the store labels it). */
enum rcx_tlp share_stix_event_tlp(const struct event *ev);

/* Serialises the objects of one event (see the top of this file) to cb, one at a time, without the
 * identity and marking-definition objects it refers to (share_stix_identity_write,
 * share_stix_marking_write). RCX_ENOTFOUND, and nothing written, when the event has no observable
 * STIX models (observed-data needs at least one). */
enum rcx_result share_stix_event_objects(const struct share_stix_options *opt, const struct event *ev,
					 share_stix_object_cb cb, void *ctx);

/* A bundle being written: objects go to out as they are serialised. */
struct share_stix_bundle {
	struct share_stix_options opt;
	share_stix_out_cb out;
	void *out_ctx;
	struct rcx_strbuf obj;  /* the object being written */
	uint64_t n_objects;     /* objects written so far */
	uint64_t n_events;      /* events written */
	uint64_t n_skipped;     /* events with nothing STIX models */
	unsigned char *seen;    /* open-addressing set of 16-byte keys of objects written (SCOs, identities, markings) */
	size_t seen_cap, seen_n;
	enum rcx_tlp cur_tlp;   /* the marking of the event being written */
	enum rcx_result failure;
};

/* Starts a bundle (with a random bundle id) and writes its opening. */
enum rcx_result share_stix_bundle_begin(struct share_stix_bundle *b, const struct share_stix_options *opt,
					share_stix_out_cb out, void *out_ctx);
/* Writes the objects of ev, preceded by the marking definitions and identity they refer to the
 * first time the bundle needs them. An event with nothing STIX models is counted in n_skipped. */
enum rcx_result share_stix_bundle_event(struct share_stix_bundle *b, const struct event *ev);
/* Writes the end of the bundle. */
enum rcx_result share_stix_bundle_end(struct share_stix_bundle *b);
/* Frees what the writer holds (after end, or to abandon it). */
void share_stix_bundle_free(struct share_stix_bundle *b);
