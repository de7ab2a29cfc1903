/* Growable byte buffer with a hard maximum. Appends past max fail with RCX_ELIMIT and leave
 * the buffer as it was. The data is always NUL-terminated (the NUL is not counted in len). */
#pragma once
#include <stdarg.h>
#include <stddef.h>

#include "core/result.h"

struct rcx_strbuf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* 0 = no limit beyond memory */
};

#define RCX_STRBUF_INIT(maxlen) {NULL, 0, 0, (maxlen)}

enum rcx_result rcx_strbuf_append(struct rcx_strbuf *b, const char *s, size_t len);
enum rcx_result rcx_strbuf_puts(struct rcx_strbuf *b, const char *s);
enum rcx_result rcx_strbuf_putc(struct rcx_strbuf *b, char c);
enum rcx_result rcx_strbuf_printf(struct rcx_strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum rcx_result rcx_strbuf_vprintf(struct rcx_strbuf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Makes room for n more bytes; returns a pointer to write them, then call rcx_strbuf_commit. */
char *rcx_strbuf_reserve(struct rcx_strbuf *b, size_t n);
void rcx_strbuf_commit(struct rcx_strbuf *b, size_t n);
void rcx_strbuf_clear(struct rcx_strbuf *b);
void rcx_strbuf_free(struct rcx_strbuf *b);
/* A malloc'd formatted string (at most 4 KiB; longer messages are cut), never NULL: for error
 * messages handed up to the program layer. */
char *rcx_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Hands the data to the caller (free() it); the buffer becomes empty. */
char *rcx_strbuf_steal(struct rcx_strbuf *b);
