#include "core/strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum rcx_result grow(struct rcx_strbuf *b, size_t need)
{
	if (need > SIZE_MAX - b->len - 1)
		return RCX_ELIMIT;
	size_t want = b->len + need + 1;
	if (b->max && want - 1 > b->max)
		return RCX_ELIMIT;
	if (want <= b->cap)
		return RCX_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return RCX_ENOMEM;
	b->data = p;
	b->cap = cap;
	return RCX_OK;
}

enum rcx_result rcx_strbuf_append(struct rcx_strbuf *b, const char *s, size_t len)
{
	enum rcx_result r = grow(b, len);
	if (r != RCX_OK)
		return r;
	if (len)
		memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
	return RCX_OK;
}

enum rcx_result rcx_strbuf_puts(struct rcx_strbuf *b, const char *s)
{
	return rcx_strbuf_append(b, s, strlen(s));
}

enum rcx_result rcx_strbuf_putc(struct rcx_strbuf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return RCX_OK;
	}
	return rcx_strbuf_append(b, &c, 1);
}

enum rcx_result rcx_strbuf_vprintf(struct rcx_strbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return RCX_EINVAL;
	enum rcx_result r = grow(b, (size_t)n);
	if (r != RCX_OK)
		return r;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return RCX_OK;
}

enum rcx_result rcx_strbuf_printf(struct rcx_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum rcx_result r = rcx_strbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

char *rcx_strbuf_reserve(struct rcx_strbuf *b, size_t n)
{
	if (grow(b, n) != RCX_OK)
		return NULL;
	return b->data + b->len;
}

void rcx_strbuf_commit(struct rcx_strbuf *b, size_t n)
{
	b->len += n;
	b->data[b->len] = '\0';
}

void rcx_strbuf_clear(struct rcx_strbuf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void rcx_strbuf_free(struct rcx_strbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *rcx_strbuf_steal(struct rcx_strbuf *b)
{
	char *p = b->data;
	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

char *rcx_strdup_printf(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		buf[0] = '\0';
	char *p = strdup(buf);
	if (!p)
		abort();
	return p;
}
