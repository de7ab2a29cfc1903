/* Buffered line reader over a file or stdin, with the rules every feed parser shares:
 * - "\n" and "\r\n" end a line (the terminator is not part of it); a last line without one
 *   is still returned, flagged unterminated;
 * - a UTF-8 byte-order mark at the start of the file is skipped;
 * - a line longer than RCX_LINE_MAX is returned cut to RCX_QUARANTINE_RAW_MAX bytes with
 *   too_long set and total_len its real length, and the reader moves on to the next line;
 * - lines are numbered from 1.
 * Memory use is bounded by RCX_READ_CHUNK + RCX_LINE_MAX whatever the file size. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/result.h"

struct ingest_line {
	const char *data; /* valid until the next call; may contain NUL bytes */
	size_t len;
	size_t total_len; /* len unless too_long */
	uint64_t lineno;
	bool too_long;
	bool unterminated; /* last line of the file without a newline */
};

struct ingest_reader {
	int fd;
	bool own_fd;
	char *buf;
	size_t cap, start, end;
	bool eof;
	uint64_t lineno;
	uint64_t bytes_read; /* for progress */
	uint64_t size;       /* file size if known, else 0 */
	bool bom_checked;
	const char *path;
	void *priv; /* side buffers, private to ingest_reader.c */
};

/* Opens path ("-" = stdin). */
enum rcx_result ingest_reader_open(struct ingest_reader *r, const char *path);
/* Reads from memory (tests, fuzzers). The data must outlive the reader. */
void ingest_reader_open_mem(struct ingest_reader *r, const char *data, size_t len);
/* Next line: RCX_OK with *ret_line filled, RCX_ENOTFOUND at end of input, RCX_EIO on error. */
enum rcx_result ingest_reader_next(struct ingest_reader *r, struct ingest_line *ret_line);
/* Pushes the last line back so the next call returns it again (one level). */
void ingest_reader_unread(struct ingest_reader *r);
/* Reads everything left (at most max bytes) into a malloc'd buffer; RCX_ELIMIT if larger. */
enum rcx_result ingest_reader_slurp(struct ingest_reader *r, size_t max, char **ret_buf, size_t *ret_len);
void ingest_reader_close(struct ingest_reader *r);
