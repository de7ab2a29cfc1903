/* Shared by the log readers (match_reader*.c), not for other modules. Every format is line based:
 * match_reader.c reads lines from the input, resets the record arena, calls the format's line() and
 * turns what it added with match_obs_add into a record. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "match/match_input.h"
#include "match/match_reader.h"

struct match_line_ops {
	size_t priv_size; /* zeroed state handed to line() as p->priv */
	enum match_chunk_mode chunk; /* what a chunk of a file needs to be read alone */
	/* Called once after open; options are in p->opt. May be NULL. */
	enum rcx_result (*init)(struct match_parser *p);
	/* RCX_OK: a record (observables added, *ret_time_us set or left 0); RCX_ENOTFOUND: not a record
	 * (header, comment, blank); RCX_EPARSE: a bad line, counted. */
	enum rcx_result (*line)(struct match_parser *p, const struct match_line *l, int64_t *ret_time_us);
	void (*fini)(struct match_parser *p); /* may be NULL */
	/* At the end of the input: a record still open (a quoted field never closed) is counted. May be NULL. */
	void (*eof)(struct match_parser *p);
	char quote_delim; /* csv, tsv: the delimiter of quoted fields that may span lines; 0 for the others */
};

struct match_parser {
	const struct match_format *fmt;
	const struct match_line_ops *ops;
	struct match_format_options opt; /* fields and time_field copied into keep */
	struct rcx_arena keep;           /* lives as long as the parser */
	struct rcx_arena arena;          /* reset for each record */
	struct match_observable *obs;
	size_t n_obs, cap_obs;
	struct match_parser_stats st;
	int year; /* syslog year: option or this year */
	/* set by line() for a record that spans lines: its first line and its text (else 0 / NULL) */
	uint64_t rec_line;
	const char *rec_raw;
	size_t rec_raw_len;
	void *priv;
};

extern const struct match_line_ops match_jsonl_ops, match_csv_ops, match_tsv_ops, match_zeek_ops, match_dns_ops,
	match_squid_ops, match_text_ops;

/* Adds an observable to the current record; empty values are ignored. field must outlive the
 * record (a literal, the parser's keep arena or the record arena). */
void match_obs_add(struct match_parser *p, enum match_obs_kind kind, const char *field, const char *value,
		   size_t len);
/* The kind an option list gives field name[0..len): false when a list is set and does not name it. */
bool match_field_wanted(const struct match_parser *p, const char *name, size_t len, enum match_obs_kind *ret_kind);
/* Whether name[0..len) is the timestamp field (option, or one of the default names). */
bool match_is_time_field(const struct match_parser *p, const char *name, size_t len);
/* Epoch seconds with an optional fraction ("1700000000.123456"); values past 1e11 are read as
 * milliseconds and past 1e14 as microseconds. */
bool match_epoch_parse(const char *s, size_t len, int64_t *ret_us);
/* A timestamp in any shape a log field uses: rcx_time_parse's, or epoch seconds. */
bool match_time_value(const char *s, size_t len, int64_t *ret_us);
/* Month of a three-letter English abbreviation ("Nov" → 10), 12 when it is none. */
unsigned match_month_parse(const char *s);
/* "Nov 23 10:00:00" (day may be space-padded) at the start of s, in the given year.
 * Returns the bytes consumed, 0 if s does not start so. */
size_t match_syslog_time(const char *s, size_t len, int year, int64_t *ret_us);

/* Text classification (match_reader_text.c), also used by the squid and zeek readers. */
bool match_text_is_domain(const char *s, size_t len);
bool match_text_is_ip(const char *s, size_t len);
/* Kind of a host name or address: IP, DOMAIN, or ANY when neither. */
enum match_obs_kind match_text_host_kind(const char *s, size_t len);
/* Adds the host of a URL (IP or DOMAIN) when it has one. */
void match_text_add_url_host(struct match_parser *p, const char *field, const char *url, size_t len);
