/* STIX 2.1 bundles (and 2.0 ones, and a lone STIX object) → events. docs/SHARING.md has the mapping.
 *
 * A bundle is one JSON document, read whole (at most RCX_STIX_BUNDLE_MAX bytes, RCX_STIX_OBJECTS_MAX
 * objects) because references may point forwards. Each object is one input record, numbered from 1
 * in bundle order (so a resumed ingest skips exactly what was committed), and ends in exactly one of:
 *   events     indicator (one event per OR-group of its pattern), observed-data (one event from its
 *              observables; an rcx export's x_rcx_event is taken as is), sighting (events of
 *              classification ids-alert from what was sighted);
 *   consumed   what other objects use: TLP marking definitions (→ tlp), identities (created_by_ref →
 *              feed.provider), observables an observed-data refers to, the malware an indicator
 *              indicates (→ malware.name), based-on/indicates relationships, observed-data and indicators
 *              covered by another object (an rcx indicator is based-on its observed-data);
 *   quarantine everything else, with the reason (object types rcx does not model, patterns it cannot
 *              read, values that are not valid for their field). Nothing is dropped silently. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/limits.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/tlp.h"
#include "ingest/ingest.h"
#include "ingest/ingest_parse.h"
#include "ingest/ingest_stix.h"

#define GROUPS_MAX 64u /* events one indicator may become */

struct bundle {
	json_t *by_id;     /* id → object (borrowed from the document) */
	json_t *consumed;  /* id → true: used by another object, no record of its own */
	json_t *based_on;  /* indicator id → true: covered by its observed-data */
	json_t *indicates; /* indicator id → malware name */
	json_t *indicated; /* indicator id → "<type>: <name>" of another object it indicates */
	json_t *sighted;   /* observed-data id → true: a sighting turns it into events */
	struct rcx_arena *scratch;
	char reason[INGEST_REASON_MAX];
};

/* ---- small jansson helpers ---- */

static const char *str_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool id_is(const char *id, const char *type)
{
	size_t n = strlen(type);
	return id && !strncmp(id, type, n) && !strncmp(id + n, "--", 2);
}

/* ---- TLP from markings ---- */


/* The TLP a marking-definition object states (TLP 1.0 definition or the TLP 2.0 extension). */
static bool marking_object_tlp(json_t *m, enum rcx_tlp *ret)
{
	const char *w = NULL;
	json_t *def = json_object_get(m, "definition");
	const char *dt = str_of(m, "definition_type");
	if (dt && !strcmp(dt, "tlp"))
		w = str_of(def, "tlp");
	const char *key;
	json_t *ext;
	json_object_foreach(json_object_get(m, "extensions"), key, ext)
		if (!w && str_of(ext, "tlp_2_0"))
			w = str_of(ext, "tlp_2_0");
	return w && rcx_tlp_parse(w, strlen(w), ret) == RCX_OK;
}

static bool marking_tlp(struct bundle *b, const char *id, enum rcx_tlp *ret)
{
	if (rcx_tlp_from_stix_marking(id, ret) == RCX_OK) /* the official ids */
		return true;
	json_t *m = json_object_get(b->by_id, id);
	return m && marking_object_tlp(m, ret);
}

/* The most restrictive TLP of an object's markings and "tlp:" labels; false when it has none. */
static bool object_tlp(struct bundle *b, json_t *o, enum rcx_tlp *ret)
{
	bool found = false;
	enum rcx_tlp best = RCX_TLP_CLEAR, t;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(o, "object_marking_refs"), i, v)
		if (json_is_string(v) && marking_tlp(b, json_string_value(v), &t)) {
			best = found && best > t ? best : t;
			found = true;
		}
	json_array_foreach(json_object_get(o, "labels"), i, v) {
		const char *l = json_is_string(v) ? json_string_value(v) : "";
		if (!strncasecmp(l, "tlp:", 4) && rcx_tlp_parse(l, strlen(l), &t) == RCX_OK) {
			best = found && best > t ? best : t;
			found = true;
		}
	}
	if (found)
		*ret = best;
	return found;
}

/* ---- classification ---- */

/* classification.type from "rsit:<taxonomy>=\"<type>\"" labels, else from indicator_types. */
static const char *object_class(json_t *o)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(o, "labels"), i, v) {
		const char *l = json_is_string(v) ? json_string_value(v) : "";
		const char *q = strchr(l, '"');
		if (strncasecmp(l, "rsit:", 5) || !q) 
			continue;
		const char *e = strchr(q + 1, '"');
		const char *t = e ? rcx_taxonomy_type_canonical(q + 1, (size_t)(e - q - 1)) : NULL;
		if (t)
			return t;
	}
	static const struct {
		const char *itype, *type;
	} map[] = {{"malicious-activity", "blacklist"}, {"compromised", "infected-system"},
		   {"anonymization", "proxy"}, {"anomalous-activity", "undetermined"},
		   {"attribution", "undetermined"}, {"unknown", "undetermined"}, {"benign", "other"}};
	json_array_foreach(json_object_get(o, "indicator_types"), i, v)
		for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
			if (json_is_string(v) && !strcmp(json_string_value(v), map[k].itype))
				return map[k].type;
	return NULL;
}

/* ---- events ---- */

/* Sets f from v; on failure the reason names the STIX object and property. */
static enum rcx_result set_field(struct bundle *b, struct event *ev, enum event_field f, const char *v, size_t len,
				 const char *what)
{
	return ingest_set(ev, f, v, len, what, b->reason);
}

/* The fields every event of an SDO gets: tlp, provenance, classification. */
static void event_common(struct bundle *b, struct event *ev, json_t *o, const char *type)
{
	enum rcx_tlp t;
	if (object_tlp(b, o, &t))
		event_set(ev, EF_TLP, rcx_tlp_name(t), strlen(rcx_tlp_name(t)));
	const char *id = str_of(o, "id");
	if (id)
		event_set_extra_string(ev, "stix_id", 7, id, strlen(id));
	const char *by = str_of(o, "created_by_ref");
	const char *name = by ? str_of(json_object_get(b->by_id, by), "name") : NULL;
	if (name)
		event_set(ev, EF_FEED_PROVIDER, name, strlen(name));
	if (type)
		event_set(ev, EF_CLASSIFICATION_TYPE, type, strlen(type));
}

/* time.source from the timestamp property key (valid_from, first_observed, first_seen). */
static enum rcx_result set_time(struct bundle *b, struct event *ev, json_t *o, const char *key)
{
	const char *t = str_of(o, key);
	return t ? set_field(b, ev, EF_TIME_SOURCE, t, strlen(t), key) : RCX_OK;
}

/* One term of a pattern into ev: addresses with a prefix length go to source.network. */
static enum rcx_result set_term(struct bundle *b, struct event *ev, const struct ingest_stix_term *t)
{
	if (t->f == EF_MAX)
		return event_set_extra_string(ev, t->extra_key, strlen(t->extra_key), t->value, t->len);
	enum event_field f = t->f;
	if (f == EF_SOURCE_IP && memchr(t->value, '/', t->len))
		f = EF_SOURCE_NETWORK;
	if (ev->f[f]) {
		snprintf(b->reason, INGEST_REASON_MAX, "pattern: two values for %s in one observation", event_fields[f].name);
		return RCX_EUNSUPPORTED;
	}
	return set_field(b, ev, f, t->value, t->len, "pattern");
}

/* The events of an indicator's pattern (one per OR-group) into evs; nothing is emitted here. */
static enum rcx_result indicator_events(struct ingest_sink *sink, struct bundle *b, json_t *o, const char *type,
					struct event **evs, size_t *ret_n)
{
	const char *pt = str_of(o, "pattern_type");
	if (pt && strcmp(pt, "stix")) {
		snprintf(b->reason, INGEST_REASON_MAX, "indicator: pattern_type '%.64s' is not supported (only stix)", pt);
		return RCX_EUNSUPPORTED;
	}
	json_t *pv = json_object_get(o, "pattern");
	if (!json_is_string(pv)) {
		snprintf(b->reason, INGEST_REASON_MAX, "indicator: no pattern");
		return RCX_EPARSE;
	}
	struct ingest_stix_term terms[RCX_STIX_PATTERN_TERMS_MAX];
	size_t n = 0;
	enum rcx_result rc = ingest_stix_pattern_parse(json_string_value(pv), json_string_length(pv), b->scratch, terms,
						       RCX_STIX_PATTERN_TERMS_MAX, &n, b->reason);
	if (rc != RCX_OK)
		return rc;
	size_t n_ev = 0;
	json_t *mw = json_object_get(b->indicates, str_of(o, "id") ? str_of(o, "id") : "");
	for (size_t i = 0; i < n && rc == RCX_OK; i++) {
		if (i == 0 || terms[i].group != terms[i - 1].group) {
			if (n_ev == GROUPS_MAX) {
				snprintf(b->reason, INGEST_REASON_MAX, "pattern: more than %u alternatives", GROUPS_MAX);
				return RCX_ELIMIT;
			}
			struct event *ev = sink->event_new(sink);
			evs[n_ev++] = ev;
			event_common(b, ev, o, type);
			rc = set_time(b, ev, o, "valid_from");
			const char *name = str_of(o, "name");
			if (rc == RCX_OK && name)
				event_set(ev, EF_EVENT_DESCRIPTION_TEXT, name, strlen(name));
			if (rc == RCX_OK && json_is_string(mw))
				event_set(ev, EF_MALWARE_NAME, json_string_value(mw), json_string_length(mw));
			json_t *other = json_object_get(b->indicated, str_of(o, "id") ? str_of(o, "id") : "");
			if (rc == RCX_OK && json_is_string(other))
				event_set_extra_string(ev, "indicates", 9, json_string_value(other), json_string_length(other));
		}
		if (rc == RCX_OK)
			rc = set_term(b, evs[n_ev - 1], &terms[i]);
	}
	if (rc == RCX_OK)
		*ret_n = n_ev;
	return rc;
}

static bool is_transport(const char *p)
{
	static const char *const t[] = {"tcp", "udp", "icmp", "icmpv6", "sctp", "gre", "esp", "ah"};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcasecmp(p, t[i]))
			return true;
	return false;
}

/* Sets the first of f1, f2 that is free to v; false when both are taken. */
static enum rcx_result set_slot(struct bundle *b, struct event *ev, enum event_field f1, enum event_field f2,
				const char *v, const char *what, bool *ret_unmapped)
{
	enum event_field f = !ev->f[f1] ? f1 : (f2 != EF_MAX && !ev->f[f2]) ? f2 : EF_MAX;
	if (f == EF_MAX) {
		*ret_unmapped = true;
		return RCX_OK;
	}
	return set_field(b, ev, f, v, strlen(v), what);
}

/* One SCO into ev. Types rcx does not model set *ret_unmapped. */
static enum rcx_result sco_to_event(struct bundle *b, struct event *ev, json_t *sco, json_t *objects,
				    bool *ret_unmapped, bool *ret_mapped)
{
	const char *type = str_of(sco, "type");
	const char *value = str_of(sco, "value");
	enum rcx_result rc = RCX_OK;
	*ret_mapped = true;
	if (!type) {
		*ret_unmapped = true;
		*ret_mapped = false;
		return RCX_OK;
	}
	if ((!strcmp(type, "ipv4-addr") || !strcmp(type, "ipv6-addr")) && value) {
		if (strchr(value, '/'))
			rc = set_slot(b, ev, EF_SOURCE_NETWORK, EF_DESTINATION_NETWORK, value, type, ret_unmapped);
		else if (!(ev->f[EF_SOURCE_IP] && !strcmp(ev->f[EF_SOURCE_IP], value)) &&
			 !(ev->f[EF_DESTINATION_IP] && !strcmp(ev->f[EF_DESTINATION_IP], value)))
			/* (an address a network-traffic placed already is not set twice) */
			rc = set_slot(b, ev, EF_SOURCE_IP, EF_DESTINATION_IP, value, type, ret_unmapped);
	} else if (!strcmp(type, "domain-name") && value) {
		rc = set_slot(b, ev, EF_SOURCE_FQDN, EF_DESTINATION_FQDN, value, type, ret_unmapped);
	} else if (!strcmp(type, "url") && value) {
		rc = set_slot(b, ev, EF_SOURCE_URL, EF_DESTINATION_URL, value, type, ret_unmapped);
	} else if (!strcmp(type, "email-addr") && value) {
		rc = set_slot(b, ev, EF_SOURCE_ACCOUNT, EF_MAX, value, type, ret_unmapped);
	} else if (!strcmp(type, "autonomous-system") && json_is_integer(json_object_get(sco, "number"))) {
		char num[32];
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(json_object_get(sco, "number")));
		rc = set_slot(b, ev, EF_SOURCE_ASN, EF_MAX, num, "autonomous-system", ret_unmapped);
		const char *name = str_of(sco, "name");
		if (rc == RCX_OK && name && !ev->f[EF_SOURCE_AS_NAME])
			rc = set_field(b, ev, EF_SOURCE_AS_NAME, name, strlen(name), "autonomous-system: name");
	} else if (!strcmp(type, "file")) {
		json_t *h = json_object_get(sco, "hashes");
		static const struct {
			const char *key;
			enum event_field f;
		} hk[] = {{"MD5", EF_MALWARE_HASH_MD5}, {"SHA-1", EF_MALWARE_HASH_SHA1}, {"SHA-256", EF_MALWARE_HASH_SHA256}};
		bool any = false;
		for (size_t i = 0; i < 3 && rc == RCX_OK; i++) {
			const char *v = str_of(h, hk[i].key);
			if (v) {
				rc = set_slot(b, ev, hk[i].f, EF_MAX, v, "file: hashes", ret_unmapped);
				any = true;
			}
		}
		const char *name = str_of(sco, "name");
		if (rc == RCX_OK && name) {
			rc = event_set_extra_string(ev, "file_name", 9, name, strlen(name));
			any = true;
		}
		if (!any)
			*ret_unmapped = true;
	} else if (!strcmp(type, "network-traffic")) {
		static const struct {
			const char *ref, *port;
			enum event_field ip, pf;
		} side[] = {{"src_ref", "src_port", EF_SOURCE_IP, EF_SOURCE_PORT},
			    {"dst_ref", "dst_port", EF_DESTINATION_IP, EF_DESTINATION_PORT}};
		for (size_t s = 0; s < 2 && rc == RCX_OK; s++) {
			const char *ref = str_of(sco, side[s].ref);
			json_t *addr = ref ? (objects ? json_object_get(objects, ref) : NULL) : NULL;
			if (ref && !addr)
				addr = json_object_get(b->by_id, ref);
			const char *v = str_of(addr, "value");
			if (v && !strchr(v, '/') && !ev->f[side[s].ip])
				rc = set_field(b, ev, side[s].ip, v, strlen(v), side[s].ref);
			json_t *port = json_object_get(sco, side[s].port);
			if (rc == RCX_OK && json_is_integer(port)) {
				char num[32];
				snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(port));
				rc = set_field(b, ev, side[s].pf, num, strlen(num), side[s].port);
			}
		}
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(sco, "protocols"), i, p) {
			const char *pn = json_is_string(p) ? json_string_value(p) : "";
			if (rc != RCX_OK || !*pn || !strcasecmp(pn, "ipv4") || !strcasecmp(pn, "ipv6"))
				continue;
			enum event_field f = is_transport(pn) ? EF_PROTOCOL_TRANSPORT : EF_PROTOCOL_APPLICATION;
			if (!ev->f[f])
				rc = set_field(b, ev, f, pn, strlen(pn), "network-traffic: protocols");
		}
	} else {
		*ret_unmapped = true;
		*ret_mapped = false;
	}
	return rc;
}

/* The event of an observed-data: from x_rcx_event when an rcx node wrote it, else from its
 * observables (2.1 object_refs or 2.0 objects). */
static enum rcx_result observed_event(struct ingest_sink *sink, struct bundle *b, json_t *o, const char *type,
				      struct event **ret_ev)
{
	struct event *ev = sink->event_new(sink);
	json_t *xe = json_object_get(o, "x_rcx_event");
	if (json_is_object(xe)) {
		char *text = json_dumps(xe, JSON_COMPACT);
		const char *why = NULL;
		enum rcx_result rc = text ? event_from_json(ev, text, strlen(text), &why) : RCX_ENOMEM;
		free(text);
		if (rc != RCX_OK) {
			snprintf(b->reason, INGEST_REASON_MAX, "observed-data: x_rcx_event: %.100s is not valid",
				 why ? why : "the event");
			return rc;
		}
		for (int f = EF_RCX_CONSTITUENCY; f <= EF_RCX_SHARING_GROUP; f++)
			event_unset(ev, (enum event_field)f);
		/* the object's markings bind too: a tlp inside x_rcx_event never loosens them */
		enum rcx_tlp mark, own;
		if (object_tlp(b, o, &mark) &&
		    (!ev->f[EF_TLP] || rcx_tlp_parse(ev->f[EF_TLP], strlen(ev->f[EF_TLP]), &own) != RCX_OK || own < mark))
			event_set(ev, EF_TLP, rcx_tlp_name(mark), strlen(rcx_tlp_name(mark)));
		*ret_ev = ev;
		return RCX_OK;
	}
	event_common(b, ev, o, type);
	enum rcx_result rc = set_time(b, ev, o, "first_observed");
	bool mapped = false;
	json_t *objects = json_object_get(o, "objects");
	json_t *refs = json_object_get(o, "object_refs");
	size_t n_unmapped = 0;
	char unmapped_types[128] = "";
	/* network-traffic first: it says which address is the source and which the destination */
	for (int pass = 0; pass < 2 && rc == RCX_OK; pass++) {
		size_t i;
		json_t *r;
		const char *key;
		json_t *sco;
		json_array_foreach(refs, i, r) {
			sco = json_is_string(r) ? json_object_get(b->by_id, json_string_value(r)) : NULL;
			const char *st = str_of(sco, "type");
			if (rc != RCX_OK || (pass == 0) != (st && !strcmp(st, "network-traffic")))
				continue;
			bool um = false, m = false;
			if (!sco) {
				um = true;
			} else {
				rc = sco_to_event(b, ev, sco, NULL, &um, &m);
			}
			mapped |= m;
			if (um && pass == 1) {
				n_unmapped++;
				if (strlen(unmapped_types) < 80)
					snprintf(unmapped_types + strlen(unmapped_types), sizeof(unmapped_types) - strlen(unmapped_types),
						 "%s%s", unmapped_types[0] ? ", " : "", st ? st : "a missing object");
			}
		}
		json_object_foreach(objects, key, sco) {
			const char *st = str_of(sco, "type");
			if (rc != RCX_OK || (pass == 0) != (st && !strcmp(st, "network-traffic")))
				continue;
			bool um = false, m = false;
			rc = sco_to_event(b, ev, sco, objects, &um, &m);
			mapped |= m;
			if (um && pass == 1) {
				n_unmapped++;
				if (strlen(unmapped_types) < 80)
					snprintf(unmapped_types + strlen(unmapped_types), sizeof(unmapped_types) - strlen(unmapped_types),
						 "%s%s", unmapped_types[0] ? ", " : "", st ? st : "?");
			}
		}
	}
	if (rc != RCX_OK)
		return rc;
	if (!mapped) {
		snprintf(b->reason, INGEST_REASON_MAX, "observed-data: none of its observables is one rcx models (%s)",
			 unmapped_types[0] ? unmapped_types : "none");
		return RCX_EUNSUPPORTED;
	}
	if (n_unmapped) /* kept visible, not dropped: the event says what it could not carry */
		event_set_extra_string(ev, "stix_unmapped", 13, unmapped_types, strlen(unmapped_types));
	json_t *count = json_object_get(o, "number_observed");
	if (json_is_integer(count) && json_integer_value(count) > 1) {
		char num[32];
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(count));
		event_set_extra_literal(ev, "number_observed", 15, num, strlen(num));
	}
	*ret_ev = ev;
	return RCX_OK;
}

/* A sighting: events of classification ids-alert ("an observable of shared intelligence was
 * seen"), from the observed-data it refers to, else from the indicator it sighted. */
static enum rcx_result sighting_events(struct ingest_sink *sink, struct bundle *b, json_t *o, struct event **evs,
				       size_t *ret_n)
{
	const char *of = str_of(o, "sighting_of_ref");
	json_t *sighted = of ? json_object_get(b->by_id, of) : NULL;
	const char *of_class = NULL;
	if (id_is(of, "indicator") && sighted)
		of_class = object_class(sighted);
	else if (id_is(of, "malware"))
		of_class = "malware";
	size_t n = 0, i;
	json_t *r;
	enum rcx_result rc = RCX_OK;
	char skipped[256] = "";
	json_array_foreach(json_object_get(o, "observed_data_refs"), i, r) {
		json_t *od = json_is_string(r) ? json_object_get(b->by_id, json_string_value(r)) : NULL;
		struct event *ev = NULL;
		/* observed-data not in the bundle, beyond GROUPS_MAX or with nothing rcx models */
		rc = od && n < GROUPS_MAX ? observed_event(sink, b, od, NULL, &ev) : RCX_EUNSUPPORTED;
		if (rc == RCX_EUNSUPPORTED || rc == RCX_EPARSE || rc == RCX_ELIMIT) {
			/* named on the events that are made, below */
			snprintf(skipped + strlen(skipped), sizeof(skipped) - strlen(skipped), "%s%.60s", skipped[0] ? ", " : "",
				 json_is_string(r) ? json_string_value(r) : "?");
			rc = RCX_OK;
			continue;
		}
		if (rc != RCX_OK)
			return rc;
		evs[n++] = ev;
	}
	if (n == 0 && sighted && id_is(of, "indicator")) {
		rc = indicator_events(sink, b, sighted, of_class, evs, &n);
		if (rc != RCX_OK)
			return rc;
	}
	if (n == 0) {
		snprintf(b->reason, INGEST_REASON_MAX,
			 "sighting: no observable rcx models in what it refers to (%.80s%s)", of ? of : "nothing",
			 sighted ? "" : ", not in the bundle");
		return RCX_EUNSUPPORTED;
	}
	json_t *count = json_object_get(o, "count");
	const char *where = NULL;
	json_t *w0 = json_array_get(json_object_get(o, "where_sighted_refs"), 0);
	if (json_is_string(w0))
		where = str_of(json_object_get(b->by_id, json_string_value(w0)), "name");
	for (size_t k = 0; k < n; k++) {
		struct event *ev = evs[k];
		event_unset(ev, EF_CLASSIFICATION_TAXONOMY);
		event_common(b, ev, o, "ids-alert");
		if (rc == RCX_OK)
			rc = set_time(b, ev, o, "first_seen");
		if (of)
			event_set_extra_string(ev, "sighting_of", 11, of, strlen(of));
		if (of_class)
			event_set_extra_string(ev, "sighting_of_type", 16, of_class, strlen(of_class));
		if (where)
			event_set_extra_string(ev, "sighted_by", 10, where, strlen(where));
		if (json_is_integer(count)) {
			char num[32];
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(count));
			event_set_extra_literal(ev, "sighting_count", 14, num, strlen(num));
		}
		if (skipped[0])
			event_set_extra_string(ev, "stix_unmapped", 13, skipped, strlen(skipped));
	}
	*ret_n = n;
	return rc;
}

/* Whether an indicator's pattern is one rcx reads (its values are checked only when imported). */
static bool pattern_readable(struct bundle *b, json_t *ind)
{
	const char *pt = str_of(ind, "pattern_type");
	json_t *pv = json_object_get(ind, "pattern");
	struct ingest_stix_term terms[RCX_STIX_PATTERN_TERMS_MAX];
	size_t n;
	if ((pt && strcmp(pt, "stix")) || !json_is_string(pv))
		return false;
	bool ok = ingest_stix_pattern_parse(json_string_value(pv), json_string_length(pv), b->scratch, terms,
					    RCX_STIX_PATTERN_TERMS_MAX, &n, b->reason) == RCX_OK;
	rcx_arena_reset(b->scratch);
	return ok;
}

/* Pass 2: what relationships and references make of other objects. */
static void bundle_link(struct bundle *b, json_t *o)
{
	const char *type = str_of(o, "type"), *id = str_of(o, "id");
	size_t i;
	json_t *r;
	if (!strcmp(type, "relationship")) {
		const char *rt = str_of(o, "relationship_type"), *src = str_of(o, "source_ref"), *dst = str_of(o, "target_ref");
		json_t *target = dst ? json_object_get(b->by_id, dst) : NULL;
		if (!rt || !id_is(src, "indicator") || !target || !json_object_get(b->by_id, src))
			return;
		if (!strcmp(rt, "indicates") && !pattern_readable(b, json_object_get(b->by_id, src)))
			return; /* the indicator will be quarantined: so is what it indicates */
		if (!strcmp(rt, "based-on") && id_is(dst, "observed-data")) {
			json_object_set_new(b->based_on, src, json_true());
			json_object_set_new(b->consumed, id, json_true());
		} else if (!strcmp(rt, "indicates") && id_is(dst, "malware") && str_of(target, "name") &&
			   !json_object_get(b->indicates, src)) { /* one malware.name; further ones are quarantined */
			json_object_set_new(b->indicates, src, json_string(str_of(target, "name")));
			json_object_set_new(b->consumed, id, json_true());
			json_object_set_new(b->consumed, dst, json_true());
		} else if (!strcmp(rt, "indicates") && str_of(target, "name") && !json_object_get(b->indicated, src)) {
			/* a campaign, intrusion set, threat actor ...: named on the events (the object itself is
			 * still quarantined, rcx does not model it) */
			json_t *t = json_pack("s++", str_of(target, "type"), ": ", str_of(target, "name"));
			if (t)
				json_object_set_new(b->indicated, src, t);
			json_object_set_new(b->consumed, id, json_true());
		}
	} else if (!strcmp(type, "observed-data")) {
		json_array_foreach(json_object_get(o, "object_refs"), i, r) {
			if (!json_is_string(r))
				continue;
			json_object_set_new(b->consumed, json_string_value(r), json_true());
			json_t *sco = json_object_get(b->by_id, json_string_value(r));
			const char *s = str_of(sco, "src_ref"), *d = str_of(sco, "dst_ref");
			if (s)
				json_object_set_new(b->consumed, s, json_true());
			if (d)
				json_object_set_new(b->consumed, d, json_true());
		}
	} else if (!strcmp(type, "sighting")) {
		json_array_foreach(json_object_get(o, "observed_data_refs"), i, r)
			if (json_is_string(r))
				json_object_set_new(b->sighted, json_string_value(r), json_true());
		const char *of = str_of(o, "sighting_of_ref");
		if (of && !id_is(of, "indicator") && json_object_get(b->by_id, of))
			json_object_set_new(b->consumed, of, json_true());
	}
}

static const char *const sco_types[] = {"artifact", "autonomous-system", "directory", "domain-name", "email-addr",
					"email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex",
					"network-traffic", "process", "software", "url", "user-account",
					"windows-registry-key", "x509-certificate"};

static bool is_sco(const char *type)
{
	for (size_t i = 0; i < sizeof(sco_types) / sizeof(sco_types[0]); i++)
		if (!strcmp(type, sco_types[i]))
			return true;
	return false;
}

static enum rcx_result reject_object(struct ingest_sink *sink, uint64_t recno, json_t *o, const char *reason)
{
	char *raw = json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t len = raw ? strlen(raw) : 0;
	enum rcx_result rc = sink->reject(sink, recno, reason, raw ? raw : "",
					  len < RCX_QUARANTINE_RAW_MAX ? len : RCX_QUARANTINE_RAW_MAX, len);
	free(raw);
	return rc;
}

/* One object: events, consumed, or quarantined (see the top of this file). */
static enum rcx_result stix_object(struct ingest_sink *sink, struct bundle *b, json_t *o, uint64_t recno)
{
	const char *type = str_of(o, "type"), *id = str_of(o, "id");
	if (!json_is_object(o) || !type || !id)
		return reject_object(sink, recno, o, "not a STIX object (no \"type\" or \"id\")");
	struct event *evs[GROUPS_MAX];
	size_t n = 0;
	enum rcx_result rc = RCX_OK;
	b->reason[0] = '\0';
	if (!strcmp(type, "indicator")) {
		if (json_object_get(b->based_on, id))
			return sink->record_end(sink, recno);
		rc = indicator_events(sink, b, o, object_class(o), evs, &n);
	} else if (!strcmp(type, "observed-data")) {
		if (json_object_get(b->sighted, id))
			return sink->record_end(sink, recno);
		rc = observed_event(sink, b, o, object_class(o), &evs[0]);
		n = rc == RCX_OK ? 1 : 0;
	} else if (!strcmp(type, "sighting")) {
		rc = sighting_events(sink, b, o, evs, &n);
	} else if (!strcmp(type, "identity")) {
		return sink->record_end(sink, recno); /* attribution: feed.provider of the objects it created */
	} else if (!strcmp(type, "marking-definition")) {
		enum rcx_tlp t;
		if (marking_object_tlp(o, &t))
			return sink->record_end(sink, recno);
		return reject_object(sink, recno, o, "marking-definition: only TLP markings are modelled by rcx");
	} else if (!strcmp(type, "extension-definition") && !strcmp(id, "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d")) {
		return sink->record_end(sink, recno); /* the TLP 2.0 extension itself */
	} else if (json_object_get(b->consumed, id)) {
		return sink->record_end(sink, recno);
	} else {
		char reason[INGEST_REASON_MAX];
		if (is_sco(type))
			snprintf(reason, sizeof(reason), "%.64s: an observable outside any observed-data (rcx reads observables through observed-data, indicators and sightings)", type);
		else if (!strcmp(type, "relationship"))
			snprintf(reason, sizeof(reason), "relationship '%.64s': not modelled by rcx (only indicator based-on observed-data and indicator indicates malware are used)",
				 str_of(o, "relationship_type") ? str_of(o, "relationship_type") : "?");
		else
			snprintf(reason, sizeof(reason), "%.64s: objects of this type are not modelled by rcx", type);
		return reject_object(sink, recno, o, reason);
	}
	if (rc == RCX_ENOMEM || rc == RCX_EIO || rc == RCX_ESTORE)
		return rc;
	if (rc != RCX_OK)
		return reject_object(sink, recno, o, b->reason[0] ? b->reason : rcx_result_message(rc));
	for (size_t i = 0; i < n && rc == RCX_OK; i++)
		rc = sink->emit(sink, evs[i]);
	return rc == RCX_OK ? sink->record_end(sink, recno) : rc;
}

static enum rcx_result parse_stix(const struct ingest_source *src, struct ingest_reader *in, struct ingest_sink *sink)
{
	(void)src;
	char *doc = NULL, reason[INGEST_REASON_MAX];
	size_t len = 0;
	struct rcx_arena scratch = RCX_ARENA_INIT;
	struct bundle b = {json_object(), json_object(), json_object(), json_object(), json_object(), json_object(),
			   &scratch, ""};
	json_t *root = NULL, *list = NULL;
	enum rcx_result rc = ingest_reader_slurp(in, RCX_STIX_BUNDLE_MAX, &doc, &len);
	if (rc == RCX_ELIMIT) {
		snprintf(reason, sizeof(reason), "bundle larger than %u bytes", RCX_STIX_BUNDLE_MAX);
		rc = sink->reject(sink, 1, reason, "", 0, 0);
		goto out;
	}
	if (rc != RCX_OK)
		goto out;
	if (!b.by_id || !b.consumed || !b.based_on || !b.indicates || !b.indicated || !b.sighted) {
		rc = RCX_ENOMEM;
		goto out;
	}
	const char *text = doc;
	size_t text_len = len;
	if (!rcx_utf8_valid(doc, len) && !memchr(doc, '\0', len))
		text = rcx_text_to_utf8(&scratch, doc, len, &text_len);
	json_error_t err;
	root = json_loadb(text, text_len, 0, &err);
	size_t raw_len = text_len < RCX_QUARANTINE_RAW_MAX ? text_len : RCX_QUARANTINE_RAW_MAX;
	if (!root) {
		snprintf(reason, sizeof(reason), "invalid JSON: %s (line %d, column %d)", err.text, err.line, err.column);
		rc = sink->reject(sink, 1, reason, text, raw_len, text_len);
		goto out;
	}
	const char *rtype = str_of(root, "type");
	if (rtype && !strcmp(rtype, "bundle")) {
		list = json_incref(json_object_get(root, "objects"));
		if (!list)
			list = json_array(); /* a bundle without objects holds nothing */
	} else if (rtype) {
		list = json_array(); /* a lone object */
		json_array_append(list, root);
	}
	if (!json_is_array(list)) {
		rc = sink->reject(sink, 1, "not a STIX bundle or object", text, raw_len, text_len);
		goto out;
	}
	if (json_array_size(list) > RCX_STIX_OBJECTS_MAX) {
		snprintf(reason, sizeof(reason), "bundle has more than %u objects", RCX_STIX_OBJECTS_MAX);
		rc = sink->reject(sink, 1, reason, text, raw_len, text_len);
		goto out;
	}
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		const char *id = str_of(o, "id");
		if (id && str_of(o, "type") && !json_object_get(b.by_id, id))
			json_object_set(b.by_id, id, o);
	}
	json_array_foreach(list, i, o)
		if (str_of(o, "id") && str_of(o, "type"))
			bundle_link(&b, o);
	json_array_foreach(list, i, o) {
		rc = stix_object(sink, &b, o, (uint64_t)i + 1);
		rcx_arena_reset(&scratch);
		if (rc != RCX_OK)
			break;
	}
out:
	json_decref(list);
	json_decref(root);
	json_decref(b.by_id);
	json_decref(b.consumed);
	json_decref(b.based_on);
	json_decref(b.indicates);
	json_decref(b.indicated);
	json_decref(b.sighted);
	rcx_arena_free(&scratch);
	free(doc);
	return rc;
}

/* A JSON object near the start that names a STIX type: a bundle ("type": "bundle", "bundle--") or
 * an object with "spec_version". */
static bool detect_stix(const char *path, const char *head, size_t len)
{
	(void)path;
	size_t i = 0;
	if (len >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		i++;
	if (i >= len || head[i] != '{')
		return false;
	return memmem(head, len, "\"bundle--", 9) ||
	       (memmem(head, len, "\"spec_version\"", 14) && memmem(head, len, "\"type\"", 6));
}

const struct ingest_format ingest_format_stix = {
	.name = "stix",
	.feed_name = "stix",
	.tlp = RCX_TLP_AMBER,
	.detect = detect_stix,
	.parse = parse_stix,
};
