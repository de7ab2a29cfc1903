/* STIX 2.1 import (ingest_stix.c) and the subset of the STIX patterning language it reads
 * (ingest_stix_pattern.c). Internal to ingest; the format itself is ingest_format_stix. */
#pragma once
#include <stddef.h>

#include "core/event.h"
#include "core/result.h"
#include "ingest/ingest_parse.h"

/* One comparison of a pattern: "<object>:<path> = <literal>". */
struct ingest_stix_term {
	enum event_field f;   /* the event field it sets, or EF_MAX for extra_key */
	const char *extra_key; /* extra.<key> when f is EF_MAX */
	const char *value;    /* the literal, unescaped, NUL-terminated (in the caller's arena) */
	size_t len;
	unsigned group;       /* terms of one group (joined by AND) describe one event; OR starts a new group */
};

/* Parses pattern[0..len) — observation expressions "[a = 'x' AND b = 'y' OR c = 'z'] OR [...]", with
 * only "=" comparisons on the object paths rcx models — into at most max terms in ret_terms (strings in
 * arena). AND binds tighter than OR. Anything else (other operators, qualifiers, parentheses,
 * observation-level AND/FOLLOWEDBY, paths rcx does not model) is RCX_EUNSUPPORTED, a syntax error
 * RCX_EPARSE, too many terms RCX_ELIMIT; reason[INGEST_REASON_MAX] then says why. */
enum rcx_result ingest_stix_pattern_parse(const char *pattern, size_t len, struct rcx_arena *arena,
					  struct ingest_stix_term *ret_terms, size_t max, size_t *ret_n,
					  char reason[INGEST_REASON_MAX]);
/* The event field (or extra key) an SCO property path such as "ipv4-addr:value" or
 * "file:hashes.'SHA-256'" maps to; false when rcx does not model it. */
bool ingest_stix_path_field(const char *path, size_t len, enum event_field *ret_f, const char **ret_extra_key);
