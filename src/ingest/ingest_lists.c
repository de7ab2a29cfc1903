/* Plain indicator lists: one value per line (an IP address or CIDR network, a host name, or a URL),
 * as blocklist.de, CINS, OpenPhish and countless in-house lists publish them.
 *
 * Lines whose first non-blank character is '#' or ';' are comments; a comment may also follow
 * the value after a blank ("192.0.2.1  # seen 3 times"). Any other text after the value makes
 * the line a reject: a list whose lines carry more than one value is not a plain list, and
 * guessing which part is the indicator would store wrong data.
 *
 * The events are classified as IntelMQ classifies plain blocklists ("blacklist", taxonomy
 * "other") unless the configuration says better for the feed:
 *   [feed blocklist-imap]
 *   type = brute-force
 *   identifier = imap
 * ([feed <feed.name>] first, then [feed <format name>]). */
#include "ingest/ingest_parse.h"

#include <stdio.h>
#include <string.h>

#include "core/ip.h"
#include "core/limits.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/time.h"

/* ---- the list formats ---- */

enum list_kind { LIST_IP, LIST_DOMAIN, LIST_URL };

struct list_class {
	const char *type;       /* canonical classification.type */
	const char *identifier; /* or NULL */
};

/* The feed's classification from the configuration; RCX_ECONFIG for a type rcx does not know. */
static enum rcx_result list_class_get(const struct ingest_source *src, const char *format, struct list_class *ret)
{
	const char *names[2] = {src->feed_name, format};
	const char *type = NULL, *identifier = NULL;
	for (size_t i = 0; i < 2; i++) {
		char section[RCX_FIELD_NAME_MAX + 8];
		if (!names[i])
			continue;
		snprintf(section, sizeof(section), "feed %s", names[i]);
		if (!type)
			type = rcx_config_get(src->config, section, "type");
		if (!identifier)
			identifier = rcx_config_get(src->config, section, "identifier");
	}
	const char *canon = rcx_taxonomy_type_canonical(type ? type : "blacklist", type ? strlen(type) : 9);
	if (!canon || (identifier && strlen(identifier) > RCX_FIELD_VALUE_MAX))
		return RCX_ECONFIG;
	ret->type = canon;
	ret->identifier = identifier && *identifier ? identifier : NULL;
	return RCX_OK;
}

/* Splits a data line into its value and what follows; false if the rest is not a comment. */
static bool list_value(const char *s, size_t len, const char **ret_v, size_t *ret_len, const char **ret_rest,
		       size_t *ret_rest_len)
{
	rcx_trim(&s, &len);
	size_t n = 0;
	while (n < len && s[n] != ' ' && s[n] != '\t')
		n++;
	const char *rest = s + n;
	size_t rest_len = len - n;
	rcx_trim(&rest, &rest_len);
	*ret_v = s;
	*ret_len = n;
	*ret_rest = rest;
	*ret_rest_len = rest_len;
	return rest_len == 0 || rest[0] == '#' || rest[0] == ';';
}

static enum rcx_result list_set(struct event *ev, enum list_kind kind, const char *v, size_t n,
				char reason[INGEST_REASON_MAX])
{
	switch (kind) {
	case LIST_IP:
		if (memchr(v, '/', n))
			return ingest_set(ev, EF_SOURCE_NETWORK, v, n, NULL, reason);
		return ingest_set(ev, EF_SOURCE_IP, v, n, NULL, reason);
	case LIST_DOMAIN:
		return ingest_set(ev, EF_SOURCE_FQDN, v, n, NULL, reason);
	case LIST_URL:
		return ingest_set(ev, EF_SOURCE_URL, v, n, NULL, reason);
	}
	return RCX_EINVAL;
}

static enum rcx_result list_line(struct ingest_sink *sink, const struct ingest_line *l, enum list_kind kind,
				 const struct list_class *cls)
{
	char reason[INGEST_REASON_MAX];
	const char *v, *rest;
	size_t n, rest_len;
	if (!list_value(l->data, l->len, &v, &n, &rest, &rest_len)) {
		return ingest_reject_line(sink, l,
					  ingest_reason_quote(reason, "unexpected text after the value: ", rest, rest_len, ""));
	}
	struct event *ev = sink->event_new(sink);
	if (list_set(ev, kind, v, n, reason) != RCX_OK)
		return ingest_reject_line(sink, l, reason);
	/* both were checked by list_class_get: they cannot fail here */
	event_set(ev, EF_CLASSIFICATION_TYPE, cls->type, strlen(cls->type));
	if (cls->identifier)
		event_set(ev, EF_CLASSIFICATION_IDENTIFIER, cls->identifier, strlen(cls->identifier));
	event_set_raw(ev, l->data, l->len);
	enum rcx_result rc = sink->emit(sink, ev);
	if (rc == RCX_OK)
		rc = sink->record_end(sink, l->lineno);
	return rc;
}

static enum rcx_result list_parse(const struct ingest_source *src, struct ingest_reader *in,
				  struct ingest_sink *sink, enum list_kind kind, const char *format)
{
	struct list_class cls;
	enum rcx_result rc = list_class_get(src, format, &cls);
	if (rc != RCX_OK)
		return rc;
	for (;;) {
		struct ingest_line l;
		rc = ingest_next_data_line(in, sink, &l);
		if (rc != RCX_OK)
			break;
		if (ingest_text_comment(l.data, l.len, "#;"))
			continue;
		rc = list_line(sink, &l, kind, &cls);
		if (rc != RCX_OK)
			break;
	}
	return rc == RCX_ENOTFOUND ? RCX_OK : rc;
}

static enum rcx_result parse_list_ip(const struct ingest_source *src, struct ingest_reader *in,
				     struct ingest_sink *sink)
{
	return list_parse(src, in, sink, LIST_IP, "list-ip");
}

static enum rcx_result parse_list_domain(const struct ingest_source *src, struct ingest_reader *in,
					 struct ingest_sink *sink)
{
	return list_parse(src, in, sink, LIST_DOMAIN, "list-domain");
}

static enum rcx_result parse_list_url(const struct ingest_source *src, struct ingest_reader *in,
				      struct ingest_sink *sink)
{
	return list_parse(src, in, sink, LIST_URL, "list-url");
}

/* ---- detection: every complete data line in the head must have the shape of the kind ----
 * Shape, not validity: a list with one malformed entry is still that list (the entry is then
 * rejected with its reason), while text of another kind never has the shape. */

#define DETECT_LINES_MAX 64

static bool detect_value(enum list_kind kind, const char *v, size_t n)
{
	struct rcx_cidr c;
	bool is_ip = rcx_cidr_parse(v, n, false, &c) == RCX_OK;
	if (kind == LIST_IP)
		return is_ip;
	const char *sep = memmem(v, n, "://", 3);
	if (kind == LIST_URL) {
		if (!sep || sep == v)
			return false;
		for (const char *p = v; p < sep; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
				return false;
		return true;
	}
	/* a domain: letters, digits, '-', '_', '*', '.' (or non-ASCII for IDN) with at least one dot;
	 * a bare word ("localhost") is too weak a hint */
	if (is_ip || !memchr(v, '.', n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (!(ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '-' || ch == '_' || ch == '*' || ch == '.'))
			return false;
	}
	return true;
}

static bool list_detect(enum list_kind kind, const char *head, size_t len)
{
	if (!head)
		return false;
	if (len >= 3 && !memcmp(head, "\xef\xbb\xbf", 3)) {
		head += 3;
		len -= 3;
	}
	/* Spamhaus DROP lines look like a list with comments; that format must win. */
	if (memmem(head, len, "Spamhaus", 8))
		return false;
	size_t data = 0;
	bool ok = true;
	const char *p = head, *end = head + len;
	while (p < end && ok && data < DETECT_LINES_MAX) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl && len >= 4096)
			break; /* the head cut this line: judge only whole lines */
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (memchr(p, '\0', n)) {
			ok = false;
		} else if (!ingest_text_blank(p, n) && !ingest_text_comment(p, n, "#;")) {
			const char *v, *rest;
			size_t vn, rn;
			ok = list_value(p, n, &v, &vn, &rest, &rn) && detect_value(kind, v, vn);
			data++;
		}
		p = nl ? nl + 1 : end;
	}
	return ok && data > 0;
}

static bool detect_list_ip(const char *path, const char *head, size_t len)
{
	(void)path;
	return list_detect(LIST_IP, head, len);
}

static bool detect_list_domain(const char *path, const char *head, size_t len)
{
	(void)path;
	return list_detect(LIST_DOMAIN, head, len);
}

static bool detect_list_url(const char *path, const char *head, size_t len)
{
	(void)path;
	return list_detect(LIST_URL, head, len);
}

const struct ingest_format ingest_format_list_ip = {
	.name = "list-ip",
	.feed_name = "list-ip",
	.tlp = RCX_TLP_AMBER,
	.detect = detect_list_ip,
	.parse = parse_list_ip,
};

const struct ingest_format ingest_format_list_domain = {
	.name = "list-domain",
	.feed_name = "list-domain",
	.tlp = RCX_TLP_AMBER,
	.detect = detect_list_domain,
	.parse = parse_list_domain,
};

const struct ingest_format ingest_format_list_url = {
	.name = "list-url",
	.feed_name = "list-url",
	.tlp = RCX_TLP_AMBER,
	.detect = detect_list_url,
	.parse = parse_list_url,
};
