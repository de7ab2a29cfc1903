/* IntelMQ JSON lines and CSV output of events. */
#include "share/share_flat.h"

#include <string.h>

enum rcx_result share_intelmq_line(const struct event *ev, struct rcx_strbuf *out)
{
	struct event copy = *ev; /* shallow: only the field pointers of the copy change */
	for (int f = EF_RCX_CONSTITUENCY; f <= EF_RCX_SHARING_GROUP; f++)
		copy.f[f] = NULL;
	enum rcx_result rc = event_to_json(&copy, 0, out);
	return rc == RCX_OK ? rcx_strbuf_putc(out, '\n') : rc;
}

/* The CSV columns (docs/SHARING.md): what a spreadsheet or a ticket system needs of an event. */
static const enum event_field csv_columns[] = {
	EF_TIME_SOURCE, EF_TIME_OBSERVATION, EF_CLASSIFICATION_TAXONOMY, EF_CLASSIFICATION_TYPE,
	EF_CLASSIFICATION_IDENTIFIER, EF_SOURCE_IP, EF_SOURCE_PORT, EF_SOURCE_FQDN, EF_SOURCE_URL,
	EF_SOURCE_ASN, EF_SOURCE_AS_NAME, EF_SOURCE_NETWORK, EF_SOURCE_GEOLOCATION_CC, EF_DESTINATION_IP,
	EF_DESTINATION_PORT, EF_DESTINATION_FQDN, EF_PROTOCOL_TRANSPORT, EF_PROTOCOL_APPLICATION,
	EF_MALWARE_NAME, EF_MALWARE_HASH_MD5, EF_MALWARE_HASH_SHA1, EF_MALWARE_HASH_SHA256, EF_FEED_NAME,
	EF_FEED_PROVIDER, EF_TLP, EF_COMMENT,
};
#define N_COLUMNS (sizeof(csv_columns) / sizeof(csv_columns[0]))

enum rcx_result share_csv_header(struct rcx_strbuf *out)
{
	enum rcx_result rc = RCX_OK;
	for (size_t i = 0; i < N_COLUMNS && rc == RCX_OK; i++) {
		if (i)
			rc = rcx_strbuf_putc(out, ',');
		if (rc == RCX_OK)
			rc = rcx_strbuf_puts(out, event_fields[csv_columns[i]].name);
	}
	return rc == RCX_OK ? rcx_strbuf_putc(out, '\n') : rc;
}

/* One value: quoted when it holds a comma, quote, CR or LF (quotes doubled). */
static enum rcx_result csv_put(struct rcx_strbuf *out, const char *v)
{
	if (!strpbrk(v, ",\"\r\n"))
		return rcx_strbuf_puts(out, v);
	enum rcx_result rc = rcx_strbuf_putc(out, '"');
	for (; *v && rc == RCX_OK; v++) {
		if (*v == '"')
			rc = rcx_strbuf_putc(out, '"');
		if (rc == RCX_OK)
			rc = rcx_strbuf_putc(out, *v);
	}
	return rc == RCX_OK ? rcx_strbuf_putc(out, '"') : rc;
}

enum rcx_result share_csv_line(const struct event *ev, struct rcx_strbuf *out)
{
	enum rcx_result rc = RCX_OK;
	for (size_t i = 0; i < N_COLUMNS && rc == RCX_OK; i++) {
		if (i)
			rc = rcx_strbuf_putc(out, ',');
		if (rc == RCX_OK && ev->f[csv_columns[i]])
			rc = csv_put(out, ev->f[csv_columns[i]]);
	}
	return rc == RCX_OK ? rcx_strbuf_putc(out, '\n') : rc;
}
