/* Small text helpers shared by parsers: UTF-8 checks, Latin-1 fallback, JSON string escaping,
 * base64, case folding. None of them allocates except through the arena or strbuf given. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "core/strbuf.h"

/* Whether s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool rcx_utf8_valid(const char *s, size_t len);
/* s as UTF-8 in the arena: unchanged when valid UTF-8, else each byte read as Latin-1. */
char *rcx_text_to_utf8(struct rcx_arena *a, const char *s, size_t len, size_t *ret_len);
/* Copies s[0..len) into dst[0..cap) as valid UTF-8 (invalid bytes read as Latin-1), cut on a
 * character boundary to fit, NUL-terminated. Returns the length written. cap must be ≥ 1. */
size_t rcx_utf8_clean(char *dst, size_t cap, const char *s, size_t len);
/* Appends s[0..len) (valid UTF-8) as a quoted JSON string. */
enum rcx_result rcx_json_put_string(struct rcx_strbuf *b, const char *s, size_t len);
/* Base64 (standard alphabet, padded). */
enum rcx_result rcx_base64_put(struct rcx_strbuf *b, const uint8_t *p, size_t len);
/* Decodes base64 (padding optional, blanks not allowed) into the arena. */
enum rcx_result rcx_base64_decode(struct rcx_arena *a, const char *s, size_t len, uint8_t **ret_p, size_t *ret_len);
/* ASCII case helpers. */
/* Value of one hexadecimal digit, -1 if c is not one. */
static inline int rcx_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline char rcx_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}
static inline char rcx_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
}
/* Trims blanks (space, tab) on both sides of s[0..*len) in place. */
void rcx_trim(const char **s, size_t *len);
/* Splits the next blank-separated (space, tab) field off *s[0..*len): false when none is left. */
bool rcx_next_field(const char **s, size_t *len, const char **ret_f, size_t *ret_flen);
/* Parses a decimal integer (optional sign) spanning all of s[0..len). */
enum rcx_result rcx_parse_i64(const char *s, size_t len, int64_t *ret_v);
