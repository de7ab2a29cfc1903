/* STIX 2.1 building blocks: timestamps, deterministic ids, the TLP marking definitions with their
 * official ids, organisation identities, and the RSIT → indicator-type table. */
#include "share/share_stix.h"

#include <stdio.h>
#include <string.h>

#include "core/sha1.h"
#include "core/text.h"
#include "core/time.h"

void share_stix_time_format(int64_t us, char ret_text[SHARE_STIX_TIME_BUF])
{
	char t[RCX_TIME_BUF];
	int64_t secs = us / 1000000, sub = us % 1000000;
	if (sub < 0) {
		sub += 1000000;
		secs--;
	}
	rcx_time_format(secs * 1000000, t); /* whole seconds: "YYYY-MM-DDTHH:MM:SS+00:00" */
	snprintf(ret_text, SHARE_STIX_TIME_BUF, "%.19s.%03dZ", t, (int)(sub / 1000));
}

/* "<type>--" + UUIDv5 under ns of prefix followed by name. */
static void id_make2(const char *type, const char *ns, const char *prefix, const char *name, size_t len,
		     char ret_id[SHARE_STIX_ID_MAX])
{
	uint8_t nsb[16], d[RCX_SHA1_LEN];
	char text[37];
	if (rcx_uuid_parse(ns, strlen(ns), nsb) != 0)
		memset(nsb, 0, sizeof(nsb)); /* the namespaces are constants of share_stix.h */
	struct rcx_sha1 c;
	rcx_sha1_init(&c);
	rcx_sha1_update(&c, nsb, 16);
	rcx_sha1_update(&c, prefix, strlen(prefix));
	rcx_sha1_update(&c, name, len);
	rcx_sha1_final(&c, d);
	d[6] = (uint8_t)((d[6] & 0x0f) | 0x50);
	d[8] = (uint8_t)((d[8] & 0x3f) | 0x80);
	rcx_uuid_format(d, text);
	snprintf(ret_id, SHARE_STIX_ID_MAX, "%s--%s", type, text);
}

void share_stix_id_make(const char *type, const char *ns, const char *name, size_t len, char ret_id[SHARE_STIX_ID_MAX])
{
	id_make2(type, ns, "", name, len, ret_id);
}

/* TLP 2.0: the marking-definition objects of the OASIS TLP 2.0 extension
 * (cti-stix-common-objects, extension-definition--60a3c5c5-...); TLP 1.0: STIX 2.1 §7.2.1.4. */
#define TLP2_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
static const struct {
	const char *name2, *name1, *word1; /* ids: rcx_tlp_stix_marking */
} tlp_marks[RCX_TLP_MAX] = {
	[RCX_TLP_CLEAR] = {"TLP:CLEAR", "TLP:WHITE", "white"},
	[RCX_TLP_GREEN] = {"TLP:GREEN", "TLP:GREEN", "green"},
	[RCX_TLP_AMBER] = {"TLP:AMBER", "TLP:AMBER", "amber"},
	[RCX_TLP_AMBER_STRICT] = {"TLP:AMBER+STRICT", NULL, NULL},
	[RCX_TLP_RED] = {"TLP:RED", "TLP:RED", "red"},
};

const char *share_stix_marking_id(enum rcx_tlp tlp, bool tlp1)
{
	return rcx_tlp_stix_marking(tlp, tlp1);
}

enum rcx_result share_stix_marking_write(enum rcx_tlp tlp, bool tlp1, struct rcx_strbuf *out)
{
	if ((unsigned)tlp >= RCX_TLP_MAX)
		return RCX_EINVAL;
	if (tlp1) {
		if (!rcx_tlp_stix_marking(tlp, true))
			return RCX_ENOTFOUND;
		return rcx_strbuf_printf(out,
					 "{\"type\":\"marking-definition\",\"spec_version\":\"2.1\",\"id\":\"%s\","
					 "\"created\":\"2017-01-20T00:00:00.000Z\",\"definition_type\":\"tlp\","
					 "\"name\":\"%s\",\"definition\":{\"tlp\":\"%s\"}}",
					 rcx_tlp_stix_marking(tlp, true), tlp_marks[tlp].name1, tlp_marks[tlp].word1);
	}
	return rcx_strbuf_printf(out,
				 "{\"type\":\"marking-definition\",\"spec_version\":\"2.1\",\"id\":\"%s\","
				 "\"created\":\"2022-10-01T00:00:00.000Z\",\"name\":\"%s\",\"extensions\":{\"" TLP2_EXTENSION
				 "\":{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"%s\"}}}",
				 rcx_tlp_stix_marking(tlp, false), tlp_marks[tlp].name2, rcx_tlp_name(tlp));
}

void share_stix_identity_id(const char *org, char ret_id[SHARE_STIX_ID_MAX])
{
	id_make2("identity", SHARE_STIX_RCX_NAMESPACE, "identity/", org, strlen(org), ret_id);
}

enum rcx_result share_stix_identity_write(const char *org, enum rcx_tlp tlp, unsigned flags, struct rcx_strbuf *out)
{
	char id[SHARE_STIX_ID_MAX];
	share_stix_identity_id(org, id);
	/* a fixed creation time: the identity must serialise the same on every node and every export */
	enum rcx_result rc = rcx_strbuf_printf(out,
					       "{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"%s\","
					       "\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\","
					       "\"name\":",
					       id);
	if (rc == RCX_OK)
		rc = rcx_json_put_string(out, org, strlen(org));
	if (rc == RCX_OK)
		rc = rcx_strbuf_printf(out, ",\"identity_class\":\"organization\",\"object_marking_refs\":[\"%s\"",
				       share_stix_marking_id(tlp, false));
	if (rc == RCX_OK && (flags & SHARE_STIX_TLP1) && share_stix_marking_id(tlp, true))
		rc = rcx_strbuf_printf(out, ",\"%s\"", share_stix_marking_id(tlp, true));
	if (rc == RCX_OK)
		rc = rcx_strbuf_puts(out, "]}");
	return rc;
}

/* RSIT type → indicator-type-ov. Types not listed describe victims, exposures or states
 * (vulnerable-system, ddos-amplifier, data-leak, outage ...): their observables are no indicators. */
static const struct {
	const char *type, *indicator;
} indicator_types[] = {
	{"brute-force", "malicious-activity"},
	{"blacklist", "malicious-activity"},
	{"c2-server", "malicious-activity"},
	{"ddos", "malicious-activity"},
	{"dga-domain", "malicious-activity"},
	{"exploit", "malicious-activity"},
	{"ids-alert", "anomalous-activity"},
	{"infected-system", "compromised"},
	{"malware", "malicious-activity"},
	{"malware-configuration", "malicious-activity"},
	{"malware-distribution", "malicious-activity"},
	{"masquerade", "malicious-activity"},
	{"phishing", "malicious-activity"},
	{"proxy", "anonymization"},
	{"scanner", "anomalous-activity"},
	{"sniffing", "anomalous-activity"},
	{"social-engineering", "malicious-activity"},
	{"spam", "malicious-activity"},
	{"system-compromise", "compromised"},
	{"tor", "anonymization"},
	{"undetermined", "unknown"},
};

const char *share_stix_indicator_type(const char *classification_type)
{
	if (!classification_type)
		return NULL;
	for (size_t i = 0; i < sizeof(indicator_types) / sizeof(indicator_types[0]); i++)
		if (!strcmp(indicator_types[i].type, classification_type))
			return indicator_types[i].indicator;
	return NULL;
}

enum rcx_tlp share_stix_event_tlp(const struct event *ev)
{
	enum rcx_tlp t = RCX_TLP_AMBER;
	if (ev->f[EF_TLP] && rcx_tlp_parse(ev->f[EF_TLP], strlen(ev->f[EF_TLP]), &t) != RCX_OK)
		t = RCX_TLP_AMBER;
	return t;
}
