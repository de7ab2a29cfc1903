/* CSV records over an ingest_reader, as Python's csv module reads them (which is what feed
 * producers test against): fields separated by a delimiter, optionally in double quotes; a quoted
 * field may hold delimiters, doubled quotes and newlines (the record then spans several lines);
 * text after a closing quote is kept. A record is bounded by RCX_LINE_MAX bytes and
 * RCX_CSV_FIELDS_MAX fields; a record that breaks a rule is returned with error set so the
 * caller can quarantine it, and reading goes on with the next line. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"
#include "core/strbuf.h"
#include "ingest/ingest_reader.h"

struct ingest_csv_record {
	size_t n;             /* number of fields */
	const char **v;       /* field values, NUL-terminated (may contain NUL bytes before the end) */
	const size_t *len;    /* field lengths */
	uint64_t line_first;  /* first and last line of the record */
	uint64_t line_last;
	const char *raw;      /* the record's text as read (lines joined by "\n") */
	size_t raw_len;
	size_t raw_total;     /* full length when the record was too long */
	const char *error;    /* NULL, or why the record is unusable */
};

struct ingest_csv {
	struct ingest_reader *in;
	char delim;
	struct rcx_strbuf raw;
	struct rcx_strbuf values;
	const char **v;
	size_t *len;
	size_t *off;
};

void ingest_csv_init(struct ingest_csv *c, struct ingest_reader *in, char delim);
/* RCX_OK with a record, RCX_ENOTFOUND at the end, RCX_EIO on read errors. Blank lines are
 * skipped. The record is valid until the next call. */
enum rcx_result ingest_csv_next(struct ingest_csv *c, struct ingest_csv_record *ret_rec);
/* Splits one line (no quoted newlines) into the same record shape; for formats that read lines
 * themselves and then split. */
enum rcx_result ingest_csv_split(struct ingest_csv *c, const struct ingest_line *line, struct ingest_csv_record *ret_rec);
void ingest_csv_free(struct ingest_csv *c);
