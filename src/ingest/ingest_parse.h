/* Helpers every line-based feed parser shares (lists, abuse.ch, Spamhaus, generic CSV, IntelMQ JSON
 * lines): what a line is, how a bad line is rejected, and how a rejected value is explained. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "core/event.h"
#include "core/result.h"
#include "ingest/ingest.h"

/* Room for any reason these helpers write. */
#define INGEST_REASON_MAX 256

/* Whether s[0..len) holds only blanks (spaces, tabs). */
bool ingest_text_blank(const char *s, size_t len);
/* Whether the first non-blank byte of s[0..len) is one of the characters in chars. */
bool ingest_text_comment(const char *s, size_t len, const char *chars);
/* Rejects l when it cannot be a record at all: cut by the reader for being too long, or holding a
 * NUL byte. Returns true when it rejected the line; *ret_rc is then the sink's result. */
bool ingest_line_reject_bad(struct ingest_sink *sink, const struct ingest_line *l, enum rcx_result *ret_rc);
/* The next line worth parsing: blank lines are skipped, lines that cannot be a record at all are
 * rejected (ingest_line_reject_bad). RCX_OK with *ret_line set, RCX_ENOTFOUND at the end of the
 * input, anything else is a read or sink failure. */
enum rcx_result ingest_next_data_line(struct ingest_reader *in, struct ingest_sink *sink, struct ingest_line *ret_line);
/* Writes "<what>: '<value>' is not <what field f expects>" (or "... is too long") into
 * reason[INGEST_REASON_MAX]; the value is cut and its control bytes escaped. Returns reason. */
const char *ingest_reason_value(char reason[INGEST_REASON_MAX], const char *what, enum event_field f,
				enum rcx_result rc, const char *v, size_t len);
/* Writes before + 'v' (cut, control bytes escaped) + after into reason. Returns reason. */
const char *ingest_reason_quote(char reason[INGEST_REASON_MAX], const char *before, const char *v, size_t len,
				const char *after);
/* event_set of v (blanks trimmed); on failure reason says why, as ingest_reason_value. */
enum rcx_result ingest_set(struct event *ev, enum event_field f, const char *v, size_t len, const char *what,
			   char reason[INGEST_REASON_MAX]);
/* As ingest_set, but an empty value leaves the field unset and succeeds. */
enum rcx_result ingest_set_nonempty(struct event *ev, enum event_field f, const char *v, size_t len,
				    const char *what, char reason[INGEST_REASON_MAX]);
/* Parses a time (rcx_time_parse shapes) and writes it as an extra.<key> string in IntelMQ's form. */
enum rcx_result ingest_set_extra_time(struct event *ev, const char *key, const char *v, size_t len,
				      const char *what, char reason[INGEST_REASON_MAX]);
