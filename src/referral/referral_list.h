/* Hash lists in files: read and written in the two forms PDQ hash lists travel in.
 *
 * - text: one hash a line, as the PDQ tools print them: "HASH", "HASH,QUALITY[,PATH]" (the
 *   reference hasher's CSV-like output, PATH being the rest of the line, commas and all) or
 *   "HASH QUALITY PATH" (blank-separated, as `rcx pdq hash` and the reference tool print).
 * - csv: a header line naming the columns, in any order: hash (required), quality, category,
 *   reference, contributed_by, added; RFC 4180 quoting, one record a line. Unknown columns are
 *   ignored; a record may stop before the last columns (they are empty).
 *
 * Generous in reading: a byte-order mark, CRLF, blank lines, '#' comment lines, blanks around
 * fields, hex in either case, header names in any case. Strict in validating: a hash is exactly 64
 * hex digits; quality an integer 0..100 (or empty); category a token of letters, digits, '-' and '_'
 * (stored lowercase); reference, contributed_by and path valid UTF-8 without control characters, at
 * most RCX_REFERRAL_FIELD_MAX bytes; added an ISO-8601 date or time. A line that fails is not
 * skipped in silence: it is counted, and the first RCX_REFERRAL_LIST_ERRORS_MAX are kept with
 * their line numbers and reasons. Limits: RCX_REFERRAL_LINE_MAX bytes a line (a longer line is a bad
 * line), RCX_REFERRAL_LIST_ENTRIES_MAX entries (more is RCX_ELIMIT). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/limits.h"
#include "core/result.h"
#include "core/strbuf.h"
#include "referral/referral_hash.h"

enum referral_list_format {
	REFERRAL_LIST_AUTO, /* reading: csv when the first line that is not blank or a comment is a header */
	REFERRAL_LIST_TEXT,
	REFERRAL_LIST_CSV,
	REFERRAL_LIST_FORMAT_MAX
};

/* An entry's metadata; hashes are kept apart (struct referral_list.hashes), contiguous. Strings
 * are NUL-terminated, owned by the list, NULL when the line does not give them. */
struct referral_list_entry {
	uint64_t line;              /* 1-based line of the file */
	int quality;                /* 0..100, -1 when not given */
	const char *category;       /* lowercase token, e.g. "propaganda" */
	const char *reference;      /* free reference number or text */
	const char *contributed_by; /* the unit that contributed the hash */
	const char *added;          /* a date "2024-05-01" or a time "2024-05-01T10:00:00+00:00" */
	const char *path;           /* text form: what the hash was computed from */
};

/* A bad line: where, and why (a static string). */
struct referral_list_error {
	uint64_t line;
	const char *reason;
};

struct referral_list {
	enum referral_list_format format;   /* as read (never AUTO) */
	size_t n;                           /* entries */
	struct referral_hash *hashes;       /* n hashes, in file order */
	struct referral_list_entry *entries; /* n, same order */
	size_t cap;
	uint64_t n_errors;                  /* bad lines, all of them */
	size_t n_kept;                      /* of which the first n_kept are in errors[] */
	struct referral_list_error errors[RCX_REFERRAL_LIST_ERRORS_MAX];
	struct rcx_arena arena;             /* the strings */
};

/* How to read; a zero field takes the default (auto, the limits of limits.h). */
struct referral_list_options {
	enum referral_list_format format;
	size_t max_entries;
	size_t max_line;
};

/* Reads a list from data[0..len). Bad lines do not fail the read: see list->n_errors. RCX_ELIMIT
 * when there are more than max_entries entries, RCX_EINVAL for an unknown format, RCX_ENOMEM;
 * *ret_list untouched on failure. The caller frees the list with referral_list_free. */
enum rcx_result referral_list_read_mem(const char *data, size_t len, const struct referral_list_options *opt,
				       struct referral_list **ret_list);
/* The same from a file ("-" = standard input), read in chunks. RCX_EIO when it cannot be read. */
enum rcx_result referral_list_read_file(const char *path, const struct referral_list_options *opt,
					struct referral_list **ret_list);
/* Appends the list in the given form (TEXT or CSV) to out: text lines "HASH[,QUALITY[,PATH]]"
 * ("HASH,,PATH" without quality), or the CSV header and one record per entry (path is not a CSV
 * column). Reading the output back gives the same entries (except path in CSV). RCX_EINVAL for
 * another format; RCX_ELIMIT when out cannot take it all (out then ends with part of it). */
enum rcx_result referral_list_write(const struct referral_list *list, enum referral_list_format format,
				    struct rcx_strbuf *out);
/* Releases the list (NULL is fine). */
void referral_list_free(struct referral_list *list);
