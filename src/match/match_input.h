/* Log input for `rcx match`: a file or stdin, read as lines, gzip and zstd decompressed on the fly.
 * - The codec is chosen by the first bytes (gzip 1f 8b, zstd 28 b5 2f fd), never by the file name;
 *   concatenated gzip members and zstd frames are read one after another.
 * - Decompression is streaming: memory stays bounded by RCX_READ_CHUNK + RCX_LINE_MAX whatever the
 *   size of the file, compressed or not.
 * - "\n" and "\r\n" end a line (the terminator is not part of it); a last line without one is still
 *   returned, flagged unterminated; a UTF-8 byte-order mark at the start is skipped.
 * - A line longer than RCX_LINE_MAX is skipped and counted (match_input_stats); it still takes its
 *   line number, so numbers keep matching the decompressed file.
 * - A corrupt or truncated compressed stream ends the input: the lines decoded until then are
 *   returned, then RCX_EPARSE. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"

enum match_codec { MATCH_CODEC_NONE, MATCH_CODEC_GZIP, MATCH_CODEC_ZSTD, MATCH_CODEC_MAX };

struct match_line {
	const char *data; /* valid until the next call; may contain NUL bytes */
	size_t len;
	uint64_t lineno; /* 1-based, in the decompressed input */
	bool unterminated;
};

struct match_input_stats {
	uint64_t lines;      /* lines seen, skipped ones included */
	uint64_t long_lines; /* lines longer than RCX_LINE_MAX, skipped */
	uint64_t bytes_in;   /* bytes read from the file (compressed) */
	uint64_t bytes_out;  /* bytes after decompression */
};

struct match_input;

/* Opens path ("-" = stdin) and detects its codec. RCX_EIO (errno set) if it cannot be opened.
 * The input is owned by the caller: match_input_close. */
enum rcx_result match_input_open(const char *path, struct match_input **ret_in);
/* The same over memory (tests, fuzzers); data must outlive the input. Compressed data is
 * decompressed as from a file. */
enum rcx_result match_input_open_mem(const void *data, size_t len, struct match_input **ret_in);
/* Lines of data[0..len) read in place, without a copy (one chunk of a memory-mapped file): plain text
 * (no codec detected), numbered from first_line, a byte-order mark skipped only when bom is set.
 * path is the name reported; data must outlive the input. */
enum rcx_result match_input_open_span(const char *path, const void *data, size_t len, uint64_t first_line, bool bom,
				      struct match_input **ret_in);
/* Next line: RCX_OK with *ret_line filled, RCX_ENOTFOUND at the end, RCX_EIO on a read error,
 * RCX_EPARSE after the last good line of a corrupt compressed stream. */
enum rcx_result match_input_next(struct match_input *in, struct match_line *ret_line);
/* Decoded bytes instead of lines (not to be mixed with match_input_next): up to cap bytes into dst,
 * *ret_n of them. RCX_ENOTFOUND at the end, RCX_EIO on a read error, RCX_EPARSE for a corrupt
 * compressed stream (after the good bytes). */
enum rcx_result match_input_read(struct match_input *in, char *dst, size_t cap, size_t *ret_n);
enum match_codec match_input_codec(const struct match_input *in);
/* "none", "gzip", "zstd". */
const char *match_codec_name(enum match_codec c);
void match_input_stats(const struct match_input *in, struct match_input_stats *ret_stats);
const char *match_input_path(const struct match_input *in);
void match_input_close(struct match_input *in);
