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
#include "ingest/ingest_lists.h"

#include <stdio.h>
#include <string.h>

#include "core/ip.h"
#include "core/limits.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/time.h"

/* ---- helpers shared by the line-based parsers ---- */

bool ingest_text_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

bool ingest_text_comment(const char *s, size_t len, const char *chars)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			continue;
		return s[i] != '\0' && strchr(chars, s[i]) != NULL;
	}
	return false;
}

bool ingest_line_reject_bad(struct ingest_sink *sink, const struct ingest_line *l, enum rcx_result *ret_rc)
{
	char reason[INGEST_REASON_MAX];
	if (l->too_long) {
		snprintf(reason, sizeof(reason), "line too long (%zu bytes, limit %u)", l->total_len, RCX_LINE_MAX);
	} else {
		const char *nul = memchr(l->data, '\0', l->len);
		if (!nul)
			return false;
		snprintf(reason, sizeof(reason), "NUL byte at column %zu", (size_t)(nul - l->data) + 1);
	}
	*ret_rc = ingest_reject_line(sink, l, reason);
	return true;
}

/* Bounded text writer for reasons: appends what fits and always leaves the buffer terminated. */
struct reason_buf {
	char *p;
	size_t len, cap;
};

static void rb_put(struct reason_buf *b, const char *s, size_t n)
{
	if (b->len + 1 >= b->cap)
		return;
	size_t room = b->cap - 1 - b->len;
	if (n > room)
		n = room;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void rb_puts(struct reason_buf *b, const char *s)
{
	rb_put(b, s, strlen(s));
}

/* The value as a reader can see it: at most 80 bytes, control bytes and (in text that is not
 * UTF-8) high bytes as \xHH, so that a reason is always printable UTF-8. */
static void rb_put_value(struct reason_buf *b, const char *v, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t shown = len > 80 ? 80 : len;
	bool utf8 = rcx_utf8_valid(v, len);
	if (utf8 && shown < len)
		while (shown > 0 && ((unsigned char)v[shown] & 0xc0) == 0x80)
			shown--; /* do not cut a character in two */
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
			char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
			rb_put(b, esc, 4);
		} else {
			rb_put(b, (const char *)&c, 1);
		}
	}
	if (shown < len)
		rb_puts(b, "...");
}

const char *ingest_reason_value(char reason[INGEST_REASON_MAX], const char *what, enum event_field f,
				enum rcx_result rc, const char *v, size_t len)
{
	struct reason_buf b = {reason, 0, INGEST_REASON_MAX};
	reason[0] = '\0';
	if (what) {
		rb_puts(&b, what);
		rb_puts(&b, ": ");
	}
	if (rc == RCX_ELIMIT) {
		char n[64];
		snprintf(n, sizeof(n), "value too long (%zu bytes)", len);
		rb_puts(&b, n);
		return reason;
	}
	rb_puts(&b, "'");
	rb_put_value(&b, v, len);
	rb_puts(&b, "' is not ");
	rb_puts(&b, (unsigned)f < EF_MAX ? event_type_expect(event_fields[f].type) : "valid");
	return reason;
}

enum rcx_result ingest_set(struct event *ev, enum event_field f, const char *v, size_t len, const char *what,
			   char reason[INGEST_REASON_MAX])
{
	rcx_trim(&v, &len);
	const char *t = v;
	size_t tn = len;
	/* event_set reads invalid UTF-8 as Latin-1 only for text fields; host names and URLs in
	 * Latin-1 (IDN hosts, paths) are as readable, so convert for every type */
	if (!rcx_utf8_valid(v, len) && !memchr(v, '\0', len) && len <= RCX_FIELD_VALUE_MAX)
		t = rcx_text_to_utf8(ev->arena, v, len, &tn);
	enum rcx_result rc = event_set(ev, f, t, tn);
	if (rc != RCX_OK)
		ingest_reason_value(reason, what, f, rc, v, len);
	return rc;
}

enum rcx_result ingest_set_nonempty(struct event *ev, enum event_field f, const char *v, size_t len,
				    const char *what, char reason[INGEST_REASON_MAX])
{
	rcx_trim(&v, &len);
	if (len == 0)
		return RCX_OK;
	return ingest_set(ev, f, v, len, what, reason);
}

enum rcx_result ingest_set_extra_time(struct event *ev, const char *key, const char *v, size_t len,
				      const char *what, char reason[INGEST_REASON_MAX])
{
	int64_t us;
	char buf[RCX_TIME_BUF];
	rcx_trim(&v, &len);
	if (rcx_time_parse(v, len, &us) != RCX_OK) {
		ingest_reason_value(reason, what, EF_TIME_SOURCE, RCX_EPARSE, v, len);
		return RCX_EPARSE;
	}
	size_t n = rcx_time_format(us, buf);
	return event_set_extra_string(ev, key, strlen(key), buf, n);
}

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
		struct reason_buf b = {reason, 0, sizeof(reason)};
		rb_puts(&b, "unexpected text after the value: '");
		rb_put_value(&b, rest, rest_len);
		rb_puts(&b, "'");
		return ingest_reject_line(sink, l, reason);
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
		rc = ingest_reader_next(in, &l);
		if (rc != RCX_OK)
			break;
		if (ingest_line_reject_bad(sink, &l, &rc)) {
			if (rc != RCX_OK)
				break;
			continue;
		}
		if (ingest_text_blank(l.data, l.len) || ingest_text_comment(l.data, l.len, "#;"))
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
