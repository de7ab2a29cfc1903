/* Helpers shared by the line-based feed parsers; see ingest_parse.h. */
#include "ingest/ingest_parse.h"

#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "core/text.h"
#include "core/time.h"

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

enum rcx_result ingest_next_data_line(struct ingest_reader *in, struct ingest_sink *sink, struct ingest_line *ret_line)
{
	for (;;) {
		struct ingest_line l;
		enum rcx_result rc = ingest_reader_next(in, &l);
		if (rc != RCX_OK)
			return rc;
		if (ingest_line_reject_bad(sink, &l, &rc)) {
			if (rc != RCX_OK)
				return rc;
			continue;
		}
		if (ingest_text_blank(l.data, l.len))
			continue;
		*ret_line = l;
		return RCX_OK;
	}
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

const char *ingest_reason_quote(char reason[INGEST_REASON_MAX], const char *before, const char *v, size_t len,
				const char *after)
{
	struct reason_buf b = {reason, 0, INGEST_REASON_MAX};
	reason[0] = '\0';
	rb_puts(&b, before);
	rb_puts(&b, "'");
	rb_put_value(&b, v, len);
	rb_puts(&b, "'");
	rb_puts(&b, after);
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
