/* Log readers of the matching engine: each turns the lines of one log format into records, a record
 * being the line, its number, its own timestamp and the observables (addresses, names, URLs, hashes,
 * e-mail addresses) the matcher should look up. Formats live in one table (match_format_find):
 *   jsonl  one JSON object per line          csv / tsv  header line, then rows
 *   zeek   Zeek TSV logs (#fields / #types)   dns        BIND querylog and dnsmasq, per line
 *   squid  Squid access.log (native, common,   text       free text, scanned for indicators
 *          combined)
 * Memory: a parser owns a per-record arena, reset by each match_parser_next; a record and every
 * string it points to stay valid until the next call on the same parser (or its close). Lines that
 * are not records (headers, comments, blank lines) are passed over; lines that should be and cannot
 * be parsed are skipped and counted (match_parser_stats); lines of more than RCX_LINE_MAX bytes are
 * skipped and counted by the input (match_input_stats). Values are not normalised: they are the text
 * of the log (refanged by the text reader, unescaped by the jsonl and zeek readers). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "match/match_input.h"

/* Observables one record may hand over; more are dropped and counted. */
#define MATCH_RECORD_OBS_MAX 4096u
/* Fields an option list (fields=...) may name. */
#define MATCH_FIELDS_MAX 256u

enum match_obs_kind {
	MATCH_OBS_ANY,    /* unknown: the matcher tries every kind */
	MATCH_OBS_IP,
	MATCH_OBS_DOMAIN,
	MATCH_OBS_URL,
	MATCH_OBS_HASH,   /* MD5, SHA-1 or SHA-256 in hex */
	MATCH_OBS_EMAIL,
	MATCH_OBS_KIND_MAX
};

struct match_observable {
	enum match_obs_kind kind;
	const char *field; /* the log's field name, e.g. "id.resp_h", "query", "text"; NUL-terminated */
	const char *value; /* not NUL-terminated; may contain NUL bytes (jsonl \u0000) */
	size_t len;        /* > 0 */
};

struct match_record {
	uint64_t line;    /* 1-based line number in the (decompressed) input */
	int64_t time_us;  /* the log's own timestamp, 0 if none */
	const char *raw;  /* the line, without its terminator */
	size_t raw_len;
	const struct match_observable *obs;
	size_t n_obs;     /* >= 1: lines without observables are not records */
};

/* One field an option list names, with the kind its values get. */
struct match_field_spec {
	const char *name; /* jsonl: dotted path ("source.ip"); csv/tsv: column name */
	enum match_obs_kind kind;
};

struct match_format_options {
	/* jsonl, csv, tsv: the only fields looked at; NULL = every string value (jsonl) or column
	 * (csv/tsv), kind ANY. */
	const struct match_field_spec *fields;
	size_t n_fields;
	/* jsonl, csv, tsv: the timestamp field; NULL = "timestamp", "@timestamp", "ts", "time" */
	const char *time_field;
	/* dns, text: year of syslog timestamps ("Nov 23 10:00:00"); 0 = this year (rcx_time_now) */
	int syslog_year;
};

struct match_parser;

/* What a parser needs to read one chunk of a file (cut at a line boundary) as it would be read in
 * sequence: nothing; the file's header line (csv, tsv: the first line the parser takes as header);
 * every line starting with '#' before the chunk (zeek: #separator, #fields, ... may come again). */
enum match_chunk_mode { MATCH_CHUNK_FREE, MATCH_CHUNK_HEADER, MATCH_CHUNK_HASH_LINES, MATCH_CHUNK_MODE_MAX };

struct match_format {
	const char *name;
	const char *summary; /* one line for `rcx match --help` */
	enum rcx_result (*open)(const struct match_format *fmt, const struct match_format_options *opt,
				struct match_parser **ret_p);
	/* RCX_OK with the next record, RCX_ENOTFOUND at the end, or the input's error (RCX_EIO,
	 * RCX_EPARSE for a corrupt compressed stream). */
	enum rcx_result (*next)(struct match_parser *p, struct match_input *in, struct match_record *ret_rec);
	void (*close)(struct match_parser *p);
};

struct match_parser_stats {
	uint64_t records;      /* records returned */
	uint64_t bad_lines;    /* lines that should have been records and could not be parsed */
	uint64_t obs_dropped;  /* observables beyond MATCH_RECORD_OBS_MAX */
};

/* The format called name, or NULL. */
const struct match_format *match_format_find(const char *name);
/* The i-th format of the table, NULL past the end (for listings). */
const struct match_format *match_format_at(size_t i);

/* Convenience wrappers over the table's functions. */
enum rcx_result match_parser_open(const struct match_format *fmt, const struct match_format_options *opt,
				  struct match_parser **ret_p);
enum rcx_result match_parser_next(struct match_parser *p, struct match_input *in, struct match_record *ret_rec);
void match_parser_stats(const struct match_parser *p, struct match_parser_stats *ret_stats);
/* Hands the parser one line for its state only (a header line before a chunk): no record, no counts.
 * RCX_ENOTFOUND when the line is not a record (a header taken, a comment), else what reading it gave. */
enum rcx_result match_parser_feed(struct match_parser *p, const struct match_line *l);
/* How a chunk of a file in this format must be prepared (enum match_chunk_mode). */
enum match_chunk_mode match_format_chunk_mode(const struct match_format *fmt);
/* csv, tsv: the delimiter of quoted fields that may hold newlines (a file is cut only between
 * records); 0 for formats whose records are single lines. */
char match_format_quote_delim(const struct match_format *fmt);
/* Quote state after s[0..n) from state (0: outside quotes, at a record start; 1: inside a quoted
 * field), as ingest_csv reads fields: a '"' opens a quoted field only at a field's start, "" inside
 * one is a quote, a newline outside quotes starts a record. */
int match_csv_quote_scan(char delim, const char *s, size_t n, int state);
void match_parser_close(struct match_parser *p);

/* "any", "ip", "domain", "url", "hash", "email". */
const char *match_obs_kind_name(enum match_obs_kind k);
enum rcx_result match_obs_kind_parse(const char *s, size_t len, enum match_obs_kind *ret_kind);
/* Parses "src_ip:ip,query:domain,url" (a field without ":kind" is ANY) into specs allocated in a;
 * RCX_EPARSE on an unknown kind or an empty name, RCX_ELIMIT past MATCH_FIELDS_MAX. */
enum rcx_result match_fields_parse(struct rcx_arena *a, const char *spec, struct match_field_spec **ret_fields,
				   size_t *ret_n);
