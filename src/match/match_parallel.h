/* Running an indicator index over many logs on several threads, whole files and chunks of one file.
 *
 * Work units are taken in (file, offset) order by worker threads. A large uncompressed regular file
 * is memory-mapped and cut into chunks at line boundaries. A compressed file or standard input in a
 * format without header state (jsonl, dns, squid, text), with more than one thread, is decoded by
 * the caller's thread into blocks cut at line boundaries that the workers match meanwhile. Every
 * other input (small, csv/tsv/zeek compressed or on stdin, one thread) is one unit read as a stream. Each chunk knows the number of its first
 * line (newlines counted ahead by the caller's thread) and starts its parser in the state a sequential
 * read has there (match_format_chunk_mode), so sightings are the same whatever the cut.
 * With sorted, output is emitted in unit order: the same bytes for any threads and chunk size. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "core/result.h"
#include "core/strbuf.h"
#include "match/match_run.h"

struct match_parallel {
	const struct match_index *idx;
	const struct match_format *fmt;
	const struct match_format_options *opt;
	char *const *files; /* "-" is standard input */
	size_t n_files;
	unsigned threads;   /* worker threads, >= 1 */
	size_t chunk_size;  /* bytes per chunk of one file; 0 = RCX_MATCH_CHUNK */
	bool sorted;        /* output in (file, line) order */
	/* Formats one sighting into out (the unit's buffer); called on worker threads concurrently. */
	enum rcx_result (*format)(void *ctx, const struct match_sighting *s, struct rcx_strbuf *out);
	/* Writes formatted output; called by one thread at a time. */
	enum rcx_result (*write)(void *ctx, const char *data, size_t len);
	/* A file failed (may be NULL); one thread at a time. No new work starts after a failure. */
	void (*failed)(void *ctx, const char *path, enum rcx_result r);
	void *ctx;
};

/* Runs the job; totals of every unit read in *ret_stats (filled after a failure too: what was read).
 * The first failure, else RCX_OK. */
enum rcx_result match_parallel_run(const struct match_parallel *job, struct match_file_stats *ret_stats);

/* Newlines in p[0..n) (vectorised where the machine allows). */
size_t match_parallel_count_lines(const char *p, size_t n);
