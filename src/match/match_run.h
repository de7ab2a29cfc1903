/* Running an indicator index over logs: every observable a log reader finds is looked up by its kind,
 * and each matching indicator becomes one sighting handed to the caller's sink.
 *
 * Lookups by observable kind: an address → every IP and containing CIDR indicator; a domain → it and
 * its parent domains; a URL → the URL, and its host as a domain or address; a hash → by its length
 * (MD5, SHA-1, SHA-256); an e-mail address → exactly; an observable of unknown kind (ANY) is tried
 * as whichever of these its text parses as. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"
#include "match/match_index.h"
#include "match/match_reader.h"

/* One match of one indicator on one record. Strings are valid during the sink call only. */
struct match_sighting {
	uint32_t indicator;          /* id in the index */
	enum match_kind kind;        /* the indicator's kind */
	const char *indicator_text;  /* its normalised text */
	const char *file;            /* the log's path ("-" for stdin) */
	const struct match_record *rec;
	const struct match_observable *obs; /* what matched */
};

/* Receives sightings in (line, observable) order of one file; a non-OK result stops that file. */
typedef enum rcx_result (*match_sink_fn)(void *ctx, const struct match_sighting *s);

/* Totals of one run over one file. */
struct match_file_stats {
	uint64_t records, sightings, lookups;
	struct match_parser_stats parser;
	struct match_input_stats input;
};

/* Reads path with fmt/opt and sends every sighting to sink. RCX_EIO when the file cannot be read,
 * RCX_EPARSE after a corrupt compressed stream (the sightings before it were sent). */
enum rcx_result match_run_file(const struct match_index *idx, const char *path, const struct match_format *fmt,
			       const struct match_format_options *opt, match_sink_fn sink, void *ctx,
			       struct match_file_stats *ret_stats);

/* One chunk of a file, cut at a line boundary: its bytes, the number of its first line, whether it
 * starts the file (a byte-order mark is skipped), and the lines that set the parser's state before it
 * (match_format_chunk_mode), fed to the parser first. Nothing is copied: all must outlive the run. */
struct match_span {
	const char *path;
	const char *data;
	size_t len;
	uint64_t first_line;
	bool bom;
	const struct match_line *prime;
	size_t n_prime;
};

/* match_run_file over one span: sightings carry the file's line numbers. */
enum rcx_result match_run_span(const struct match_index *idx, const struct match_span *span,
			       const struct match_format *fmt, const struct match_format_options *opt, match_sink_fn sink,
			       void *ctx, struct match_file_stats *ret_stats);

/* Looks one observable up, calling sink per matching indicator (the record may be a stub). */
enum rcx_result match_observable(const struct match_index *idx, const struct match_observable *obs, match_hit_fn hit,
				 void *ctx);
