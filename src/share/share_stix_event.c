/* One rcx event → its STIX 2.1 objects (the mapping is described in share_stix.h and
 * docs/SHARING.md). Objects are written one at a time into one buffer and handed to the caller's
 * callback; nothing else is kept, so memory does not grow with the number of events. */
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/time.h"
#include "share/share_stix.h"

#define REFS_MAX 12 /* SCOs of one event: 2 addresses, 2 names, 2 URLs, AS, file, e-mail, traffic */

struct writer {
	const struct share_stix_options *opt;
	const struct event *ev;
	share_stix_object_cb cb;
	void *cb_ctx;
	struct rcx_strbuf obj;   /* the object being written */
	struct rcx_strbuf canon; /* canonical JSON of an SCO's id-contributing properties */
	enum rcx_tlp tlp;
	char owner[SHARE_STIX_ID_MAX]; /* identity id of rcx.org, "" when the event has no owner */
	char created[SHARE_STIX_TIME_BUF], modified[SHARE_STIX_TIME_BUF];
	char first[SHARE_STIX_TIME_BUF], last[SHARE_STIX_TIME_BUF];
	char refs[REFS_MAX][SHARE_STIX_ID_MAX];
	size_t n_refs;
	char key[64]; /* the event's name in ids: rcx.id, else its identity hash */
};

static int64_t field_time(const struct event *ev, enum event_field f)
{
	int64_t us;
	if (!ev->f[f] || rcx_time_parse(ev->f[f], strlen(ev->f[f]), &us) != RCX_OK)
		return INT64_MIN;
	return us;
}

/* ,"object_marking_refs":[...] and the closing brace. */
static enum rcx_result put_tail(struct writer *w)
{
	enum rcx_result rc = rcx_strbuf_printf(&w->obj, ",\"object_marking_refs\":[\"%s\"", share_stix_marking_id(w->tlp, false));
	const char *id1 = share_stix_marking_id(w->tlp, true);
	if (rc == RCX_OK && (w->opt->flags & SHARE_STIX_TLP1) && id1)
		rc = rcx_strbuf_printf(&w->obj, ",\"%s\"", id1);
	if (rc == RCX_OK)
		rc = rcx_strbuf_puts(&w->obj, "]}");
	return rc;
}

static enum rcx_result flush(struct writer *w)
{
	enum rcx_result rc = w->cb(w->cb_ctx, w->obj.data, w->obj.len);
	rcx_strbuf_clear(&w->obj);
	return rc;
}

/* The id of an SCO of type whose id-contributing properties are w->canon; starts w->obj with
 * type, spec_version and id, and remembers the id for object_refs. */
static enum rcx_result sco_begin(struct writer *w, const char *type, char ret_id[SHARE_STIX_ID_MAX])
{
	share_stix_id_make(type, SHARE_STIX_SCO_NAMESPACE, w->canon.data, w->canon.len, ret_id);
	if (w->n_refs < REFS_MAX)
		memcpy(w->refs[w->n_refs++], ret_id, SHARE_STIX_ID_MAX);
	return rcx_strbuf_printf(&w->obj, "{\"type\":\"%s\",\"spec_version\":\"2.1\",\"id\":\"%s\"", type, ret_id);
}

/* An SCO whose only id-contributing property is value (addresses, names, URLs, e-mail). */
static enum rcx_result sco_value(struct writer *w, const char *type, const char *value, char ret_id[SHARE_STIX_ID_MAX])
{
	rcx_strbuf_clear(&w->canon);
	enum rcx_result rc = rcx_strbuf_puts(&w->canon, "{\"value\":");
	if (rc == RCX_OK)
		rc = rcx_json_put_string(&w->canon, value, strlen(value));
	if (rc == RCX_OK)
		rc = rcx_strbuf_putc(&w->canon, '}');
	if (rc == RCX_OK)
		rc = sco_begin(w, type, ret_id);
	if (rc == RCX_OK)
		rc = rcx_strbuf_puts(&w->obj, ",\"value\":");
	if (rc == RCX_OK)
		rc = rcx_json_put_string(&w->obj, value, strlen(value));
	if (rc == RCX_OK)
		rc = put_tail(w);
	return rc == RCX_OK ? flush(w) : rc;
}

static const char *ip_type(const char *ip)
{
	return strchr(ip, ':') ? "ipv6-addr" : "ipv4-addr";
}

/* A hash value as STIX's hashes-type expects it (hex of the right length), or false. */
static bool hash_hex(const char *v, size_t want, char *out)
{
	if (!v || strlen(v) != want)
		return false;
	for (size_t i = 0; i < want; i++) {
		if (rcx_hex_value(v[i]) < 0)
			return false;
		out[i] = v[i]; /* the case as given: the schema allows both, and the round trip keeps it */
	}
	out[want] = '\0';
	return true;
}

static enum rcx_result sco_file(struct writer *w)
{
	static const struct {
		enum event_field f;
		const char *key;
		size_t len;
	} hashes[] = {{EF_MALWARE_HASH_MD5, "MD5", 32}, {EF_MALWARE_HASH_SHA1, "SHA-1", 40}, {EF_MALWARE_HASH_SHA256, "SHA-256", 64}};
	char hex[3][65];
	bool have[3];
	int first = -1;
	for (int i = 0; i < 3; i++) {
		have[i] = hash_hex(w->ev->f[hashes[i].f], hashes[i].len, hex[i]);
		if (have[i] && first < 0)
			first = i;
	}
	if (first < 0)
		return RCX_OK;
	/* §2.9: of the hashes only one contributes to the id, the first of MD5, SHA-1, SHA-256, SHA-512 */
	char id[SHARE_STIX_ID_MAX];
	rcx_strbuf_clear(&w->canon);
	enum rcx_result rc = rcx_strbuf_printf(&w->canon, "{\"hashes\":{\"%s\":\"%s\"}}", hashes[first].key, hex[first]);
	if (rc == RCX_OK)
		rc = sco_begin(w, "file", id);
	if (rc == RCX_OK)
		rc = rcx_strbuf_puts(&w->obj, ",\"hashes\":{");
	for (int i = 0, n = 0; i < 3 && rc == RCX_OK; i++)
		if (have[i])
			rc = rcx_strbuf_printf(&w->obj, "%s\"%s\":\"%s\"", n++ ? "," : "", hashes[i].key, hex[i]);
	if (rc == RCX_OK)
		rc = rcx_strbuf_putc(&w->obj, '}');
	if (rc == RCX_OK)
		rc = put_tail(w);
	return rc == RCX_OK ? flush(w) : rc;
}

static enum rcx_result sco_as(struct writer *w)
{
	const char *asn = w->ev->f[EF_SOURCE_ASN];
	if (!asn)
		return RCX_OK;
	char id[SHARE_STIX_ID_MAX];
	rcx_strbuf_clear(&w->canon);
	enum rcx_result rc = rcx_strbuf_printf(&w->canon, "{\"number\":%s}", asn);
	if (rc == RCX_OK)
		rc = sco_begin(w, "autonomous-system", id);
	if (rc == RCX_OK)
		rc = rcx_strbuf_printf(&w->obj, ",\"number\":%s", asn);
	if (rc == RCX_OK && w->ev->f[EF_SOURCE_AS_NAME]) {
		rc = rcx_strbuf_puts(&w->obj, ",\"name\":");
		if (rc == RCX_OK)
			rc = rcx_json_put_string(&w->obj, w->ev->f[EF_SOURCE_AS_NAME], strlen(w->ev->f[EF_SOURCE_AS_NAME]));
	}
	if (rc == RCX_OK)
		rc = put_tail(w);
	return rc == RCX_OK ? flush(w) : rc;
}

/* network-traffic between the event's addresses, when it has ports or protocols. Its properties are
 * all id-contributing and written in sorted order, so "{" body "}" is also the canonical form. */
static enum rcx_result sco_traffic(struct writer *w, const char *src, const char *dst)
{
	const struct event *ev = w->ev;
	const char *tr = ev->f[EF_PROTOCOL_TRANSPORT], *app = ev->f[EF_PROTOCOL_APPLICATION];
	if ((!src && !dst) || (!tr && !app))
		return RCX_OK;
	struct rcx_strbuf body = RCX_STRBUF_INIT(RCX_STIX_OBJECT_MAX);
	enum rcx_result rc = RCX_OK;
	if (ev->f[EF_DESTINATION_PORT])
		rc = rcx_strbuf_printf(&body, "\"dst_port\":%s,", ev->f[EF_DESTINATION_PORT]);
	if (rc == RCX_OK && dst)
		rc = rcx_strbuf_printf(&body, "\"dst_ref\":\"%s\",", dst);
	if (rc == RCX_OK)
		rc = rcx_strbuf_puts(&body, "\"protocols\":[");
	if (rc == RCX_OK && tr)
		rc = rcx_json_put_string(&body, tr, strlen(tr));
	if (rc == RCX_OK && tr && app)
		rc = rcx_strbuf_putc(&body, ',');
	if (rc == RCX_OK && app)
		rc = rcx_json_put_string(&body, app, strlen(app));
	if (rc == RCX_OK)
		rc = rcx_strbuf_putc(&body, ']');
	if (rc == RCX_OK && ev->f[EF_SOURCE_PORT])
		rc = rcx_strbuf_printf(&body, ",\"src_port\":%s", ev->f[EF_SOURCE_PORT]);
	if (rc == RCX_OK && src)
		rc = rcx_strbuf_printf(&body, ",\"src_ref\":\"%s\"", src);
	char id[SHARE_STIX_ID_MAX];
	rcx_strbuf_clear(&w->canon);
	if (rc == RCX_OK)
		rc = rcx_strbuf_printf(&w->canon, "{%s}", body.data);
	if (rc == RCX_OK)
		rc = sco_begin(w, "network-traffic", id);
	if (rc == RCX_OK)
		rc = rcx_strbuf_printf(&w->obj, ",%s", body.data);
	if (rc == RCX_OK)
		rc = put_tail(w);
	rcx_strbuf_free(&body);
	return rc == RCX_OK ? flush(w) : rc;
}

/* The SCOs of the event; their ids end up in w->refs. */
static enum rcx_result write_scos(struct writer *w)
{
	const struct event *ev = w->ev;
	char src[SHARE_STIX_ID_MAX], dst[SHARE_STIX_ID_MAX], tmp[SHARE_STIX_ID_MAX];
	bool has_src = false, has_dst = false;
	enum rcx_result rc = RCX_OK;
	if (ev->f[EF_SOURCE_IP]) {
		rc = sco_value(w, ip_type(ev->f[EF_SOURCE_IP]), ev->f[EF_SOURCE_IP], src);
		has_src = true;
	} else if (ev->f[EF_SOURCE_NETWORK]) {
		rc = sco_value(w, ip_type(ev->f[EF_SOURCE_NETWORK]), ev->f[EF_SOURCE_NETWORK], tmp);
	}
	if (rc == RCX_OK && ev->f[EF_DESTINATION_IP]) {
		rc = sco_value(w, ip_type(ev->f[EF_DESTINATION_IP]), ev->f[EF_DESTINATION_IP], dst);
		has_dst = true;
	}
	static const enum event_field names[] = {EF_SOURCE_FQDN, EF_DESTINATION_FQDN};
	for (size_t i = 0; i < 2 && rc == RCX_OK; i++)
		if (ev->f[names[i]])
			rc = sco_value(w, "domain-name", ev->f[names[i]], tmp);
	static const enum event_field urls[] = {EF_SOURCE_URL, EF_DESTINATION_URL};
	for (size_t i = 0; i < 2 && rc == RCX_OK; i++)
		if (ev->f[urls[i]])
			rc = sco_value(w, "url", ev->f[urls[i]], tmp);
	if (rc == RCX_OK && ev->f[EF_SOURCE_ACCOUNT] && strchr(ev->f[EF_SOURCE_ACCOUNT], '@'))
		rc = sco_value(w, "email-addr", ev->f[EF_SOURCE_ACCOUNT], tmp);
	if (rc == RCX_OK)
		rc = sco_as(w);
	if (rc == RCX_OK)
		rc = sco_file(w);
	if (rc == RCX_OK)
		rc = sco_traffic(w, has_src ? src : NULL, has_dst ? dst : NULL);
	return rc;
}

/* "type--uuid" of this event's object of type. */
static void event_object_id(const struct writer *w, const char *type, char ret_id[SHARE_STIX_ID_MAX])
{
	char name[512];
	int n = snprintf(name, sizeof(name), "%s/event/%s/%s", w->opt->node, w->key, type);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof(name) ? (size_t)n : sizeof(name) - 1;
	share_stix_id_make(type, SHARE_STIX_RCX_NAMESPACE, name, len, ret_id);
}

/* "type", "spec_version", "id", "created", "modified", "created_by_ref" of an SDO or SRO. */
static enum rcx_result sdo_begin(struct writer *w, const char *type, const char *id)
{
	enum rcx_result rc = rcx_strbuf_printf(&w->obj,
					       "{\"type\":\"%s\",\"spec_version\":\"2.1\",\"id\":\"%s\",\"created\":\"%s\","
					       "\"modified\":\"%s\"",
					       type, id, w->created, w->modified);
	if (rc == RCX_OK && w->owner[0])
		rc = rcx_strbuf_printf(&w->obj, ",\"created_by_ref\":\"%s\"", w->owner);
	return rc;
}

/* ,"labels":["rsit:<taxonomy>=\"<type>\""] — the RSIT classification as the MISP taxonomy tag. */
static enum rcx_result put_labels(struct writer *w)
{
	const char *type = w->ev->f[EF_CLASSIFICATION_TYPE];
	const char *tax = w->ev->f[EF_CLASSIFICATION_TAXONOMY];
	if (!tax && type)
		tax = rcx_taxonomy_of_type(type);
	if (!type || !tax)
		return RCX_OK;
	char label[256];
	int n = snprintf(label, sizeof(label), "rsit:%s=\"%s\"", tax, type);
	if (n < 0 || (size_t)n >= sizeof(label))
		return RCX_OK;
	enum rcx_result rc = rcx_strbuf_puts(&w->obj, ",\"labels\":[");
	if (rc == RCX_OK)
		rc = rcx_json_put_string(&w->obj, label, (size_t)n);
	if (rc == RCX_OK)
		rc = rcx_strbuf_putc(&w->obj, ']');
	return rc;
}

static enum rcx_result write_observed_data(struct writer *w, char ret_id[SHARE_STIX_ID_MAX])
{
	const struct event *ev = w->ev;
	event_object_id(w, "observed-data", ret_id);
	int64_t count = 1;
	if (ev->f[EF_RCX_COUNT] && rcx_parse_i64(ev->f[EF_RCX_COUNT], strlen(ev->f[EF_RCX_COUNT]), &count) != RCX_OK)
		count = 1;
	if (count < 1)
		count = 1;
	if (count > 999999999)
		count = 999999999;
	enum rcx_result rc = sdo_begin(w, "observed-data", ret_id);
	if (rc == RCX_OK)
		rc = rcx_strbuf_printf(&w->obj, ",\"first_observed\":\"%s\",\"last_observed\":\"%s\",\"number_observed\":%lld,\"object_refs\":[",
				       w->first, w->last, (long long)count);
	for (size_t i = 0; i < w->n_refs && rc == RCX_OK; i++)
		rc = rcx_strbuf_printf(&w->obj, "%s\"%s\"", i ? "," : "", w->refs[i]);
	if (rc == RCX_OK)
		rc = rcx_strbuf_putc(&w->obj, ']');
	if (rc == RCX_OK)
		rc = put_labels(w);
	/* the whole event (IntelMQ fields, without rcx's own bookkeeping), so rcx peers lose nothing */
	struct event copy = *ev;
	for (int f = EF_RCX_CONSTITUENCY; f <= EF_RCX_SHARING_GROUP; f++)
		copy.f[f] = NULL;
	if (rc == RCX_OK)
		rc = rcx_strbuf_puts(&w->obj, ",\"x_rcx_event\":");
	if (rc == RCX_OK)
		rc = event_to_json(&copy, 0, &w->obj);
	if (rc == RCX_OK)
		rc = put_tail(w);
	return rc == RCX_OK ? flush(w) : rc;
}

/* Appends value as a STIX pattern string literal ('...' with ' and \ escaped). */
static enum rcx_result pattern_literal(struct rcx_strbuf *p, const char *v)
{
	enum rcx_result rc = rcx_strbuf_putc(p, '\'');
	for (; *v && rc == RCX_OK; v++) {
		if (*v == '\'' || *v == '\\')
			rc = rcx_strbuf_putc(p, '\\');
		if (rc == RCX_OK)
			rc = rcx_strbuf_putc(p, *v);
	}
	return rc == RCX_OK ? rcx_strbuf_putc(p, '\'') : rc;
}

/* The pattern over the event's source observables and hashes: "[a = 'x' OR b = 'y']"; empty when
 * there is none. */
static enum rcx_result build_pattern(const struct event *ev, struct rcx_strbuf *p)
{
	char hex[65];
	struct term {
		const char *path;
		const char *value;
	} terms[8];
	size_t n = 0;
	if (ev->f[EF_SOURCE_IP])
		terms[n++] = (struct term){strchr(ev->f[EF_SOURCE_IP], ':') ? "ipv6-addr:value" : "ipv4-addr:value", ev->f[EF_SOURCE_IP]};
	else if (ev->f[EF_SOURCE_NETWORK])
		terms[n++] = (struct term){strchr(ev->f[EF_SOURCE_NETWORK], ':') ? "ipv6-addr:value" : "ipv4-addr:value",
						ev->f[EF_SOURCE_NETWORK]};
	if (ev->f[EF_SOURCE_FQDN])
		terms[n++] = (struct term){"domain-name:value", ev->f[EF_SOURCE_FQDN]};
	if (ev->f[EF_SOURCE_URL])
		terms[n++] = (struct term){"url:value", ev->f[EF_SOURCE_URL]};
	if (ev->f[EF_SOURCE_ACCOUNT] && strchr(ev->f[EF_SOURCE_ACCOUNT], '@'))
		terms[n++] = (struct term){"email-addr:value", ev->f[EF_SOURCE_ACCOUNT]};
	rcx_strbuf_clear(p);
	enum rcx_result rc = RCX_OK;
	for (size_t i = 0; i < n && rc == RCX_OK; i++) {
		rc = rcx_strbuf_printf(p, "%s%s = ", i ? " OR " : "[", terms[i].path);
		if (rc == RCX_OK)
			rc = pattern_literal(p, terms[i].value);
	}
	static const struct {
		enum event_field f;
		const char *path;
		size_t len;
	} hashes[] = {{EF_MALWARE_HASH_MD5, "file:hashes.MD5", 32},
		      {EF_MALWARE_HASH_SHA1, "file:hashes.'SHA-1'", 40},
		      {EF_MALWARE_HASH_SHA256, "file:hashes.'SHA-256'", 64}};
	for (size_t i = 0; i < 3 && rc == RCX_OK; i++)
		if (hash_hex(ev->f[hashes[i].f], hashes[i].len, hex))
			rc = rcx_strbuf_printf(p, "%s%s = '%s'", p->len ? " OR " : "[", hashes[i].path, hex);
	if (rc == RCX_OK && p->len)
		rc = rcx_strbuf_putc(p, ']');
	return rc;
}

static enum rcx_result write_indicator(struct writer *w, const char *observed_id)
{
	const struct event *ev = w->ev;
	const char *itype = share_stix_indicator_type(ev->f[EF_CLASSIFICATION_TYPE]);
	if (!itype)
		return RCX_OK;
	struct rcx_strbuf pat = RCX_STRBUF_INIT(RCX_STIX_PATTERN_MAX);
	enum rcx_result rc = build_pattern(ev, &pat);
	if (rc != RCX_OK || pat.len == 0)
		goto out;
	char id[SHARE_STIX_ID_MAX], rel[SHARE_STIX_ID_MAX];
	event_object_id(w, "indicator", id);
	rc = sdo_begin(w, "indicator", id);
	if (rc == RCX_OK)
		rc = rcx_strbuf_printf(&w->obj, ",\"name\":\"%s\",\"indicator_types\":[\"%s\"],\"pattern\":",
				       ev->f[EF_CLASSIFICATION_TYPE], itype);
	if (rc == RCX_OK)
		rc = rcx_json_put_string(&w->obj, pat.data, pat.len);
	if (rc == RCX_OK)
		rc = rcx_strbuf_printf(&w->obj, ",\"pattern_type\":\"stix\",\"pattern_version\":\"2.1\",\"valid_from\":\"%s\"",
				       w->first);
	if (rc == RCX_OK)
		rc = put_labels(w);
	if (rc == RCX_OK)
		rc = put_tail(w);
	if (rc == RCX_OK)
		rc = flush(w);
	if (rc != RCX_OK)
		goto out;
	/* indicator based-on observed-data: an rcx importer takes the event from the observed-data only */
	event_object_id(w, "relationship", rel);
	rc = sdo_begin(w, "relationship", rel);
	if (rc == RCX_OK)
		rc = rcx_strbuf_printf(&w->obj, ",\"relationship_type\":\"based-on\",\"source_ref\":\"%s\",\"target_ref\":\"%s\"",
				       id, observed_id);
	if (rc == RCX_OK)
		rc = put_tail(w);
	if (rc == RCX_OK)
		rc = flush(w);
out:
	rcx_strbuf_free(&pat);
	return rc;
}

static bool has_observable(const struct event *ev)
{
	static const enum event_field fs[] = {EF_SOURCE_IP, EF_SOURCE_NETWORK, EF_DESTINATION_IP, EF_SOURCE_FQDN,
					      EF_DESTINATION_FQDN, EF_SOURCE_URL, EF_DESTINATION_URL, EF_SOURCE_ASN};
	char hex[65];
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if (ev->f[fs[i]])
			return true;
	if (ev->f[EF_SOURCE_ACCOUNT] && strchr(ev->f[EF_SOURCE_ACCOUNT], '@'))
		return true;
	return hash_hex(ev->f[EF_MALWARE_HASH_MD5], 32, hex) || hash_hex(ev->f[EF_MALWARE_HASH_SHA1], 40, hex) ||
	       hash_hex(ev->f[EF_MALWARE_HASH_SHA256], 64, hex);
}

enum rcx_result share_stix_event_objects(const struct share_stix_options *opt, const struct event *ev,
					 share_stix_object_cb cb, void *ctx)
{
	if (!has_observable(ev))
		return RCX_ENOTFOUND;
	struct writer w = {.opt = opt, .ev = ev, .cb = cb, .cb_ctx = ctx};
	w.obj = (struct rcx_strbuf)RCX_STRBUF_INIT(RCX_STIX_OBJECT_MAX);
	w.canon = (struct rcx_strbuf)RCX_STRBUF_INIT(RCX_STIX_OBJECT_MAX);
	w.tlp = share_stix_event_tlp(ev);
	if (ev->f[EF_RCX_ORG])
		share_stix_identity_id(ev->f[EF_RCX_ORG], w.owner);
	if (ev->f[EF_RCX_ID]) {
		snprintf(w.key, sizeof(w.key), "%s", ev->f[EF_RCX_ID]);
	} else {
		uint8_t idn[16];
		event_identity(ev, idn);
		for (int i = 0; i < 16; i++)
			snprintf(w.key + 2 * i, 3, "%02x", idn[i]);
	}
	/* first/last observed: the source's time; created: when this node first observed it */
	int64_t first = field_time(ev, EF_TIME_SOURCE), obs = field_time(ev, EF_TIME_OBSERVATION);
	int64_t last = field_time(ev, EF_RCX_LAST_SEEN);
	if (first == INT64_MIN)
		first = obs != INT64_MIN ? obs : 0;
	if (obs == INT64_MIN)
		obs = first;
	if (last < first)
		last = first;
	share_stix_time_format(first, w.first);
	share_stix_time_format(last, w.last);
	share_stix_time_format(obs, w.created);
	share_stix_time_format(last > obs ? last : obs, w.modified);

	char observed[SHARE_STIX_ID_MAX];
	enum rcx_result rc = write_scos(&w);
	if (rc == RCX_OK)
		rc = write_observed_data(&w, observed);
	if (rc == RCX_OK)
		rc = write_indicator(&w, observed);
	rcx_strbuf_free(&w.obj);
	rcx_strbuf_free(&w.canon);
	return rc;
}
