/* Lines from a plain, gzip or zstd file. Two buffers: raw (bytes as read, RAW_CHUNK) and buf (decoded
 * bytes, RCX_READ_CHUNK + RCX_LINE_MAX). buf[start..end) holds decoded bytes not yet returned and
 * buf[start..scan) is known to hold no newline. Invariant outside next(): end - start <= RCX_LINE_MAX
 * unless a newline lies in buf[scan..end), so a fill after compaction always has RCX_READ_CHUNK
 * bytes of room. An overlong line is dropped as it streams by (skipping), never held whole. */
#include "match/match_input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "core/limits.h"

#define RAW_CHUNK (256u * 1024u)

struct match_input {
	char *path;
	int fd; /* -1 for memory */
	bool own_fd;
	/* raw (compressed) bytes: raw[raw_start..raw_end); for memory input raw points at the data */
	const uint8_t *raw;
	uint8_t *raw_own;
	size_t raw_start, raw_end;
	bool raw_eof;
	enum match_codec codec;
	z_stream z;
	bool z_init;
	bool gz_member_done; /* at least one gzip member ended */
	ZSTD_DStream *zs;
	size_t zs_last; /* last ZSTD_decompressStream hint: 0 = at a frame boundary */
	/* decoded bytes */
	char *buf;
	size_t cap, start, end, scan;
	bool eof;
	enum rcx_result err; /* reported once the buffered lines are out */
	bool skipping;
	bool bom_checked;
	bool span; /* buf is the caller's memory, read in place (match_input_open_span) */
	uint64_t line_base; /* added to line numbers */
	struct match_input_stats st;
};

const char *match_codec_name(enum match_codec c)
{
	switch (c) {
	case MATCH_CODEC_GZIP:
		return "gzip";
	case MATCH_CODEC_ZSTD:
		return "zstd";
	default:
		return "none";
	}
}

/* Reads more raw bytes after compacting. Returns bytes added, 0 at end of file, -1 on error. */
static ssize_t raw_fill(struct match_input *in)
{
	if (in->raw_eof)
		return 0;
	if (in->raw_start > 0) {
		memmove(in->raw_own, in->raw_own + in->raw_start, in->raw_end - in->raw_start);
		in->raw_end -= in->raw_start;
		in->raw_start = 0;
	}
	if (in->raw_end == RAW_CHUNK)
		return 0; /* full; the caller consumes first */
	ssize_t n;
	do
		n = read(in->fd, in->raw_own + in->raw_end, RAW_CHUNK - in->raw_end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0)
		in->raw_eof = true;
	in->raw_end += (size_t)n;
	in->st.bytes_in += (uint64_t)n;
	return n;
}

static ssize_t decode_plain(struct match_input *in, char *dst, size_t cap)
{
	size_t have = in->raw_end - in->raw_start;
	if (have > 0) {
		size_t n = have < cap ? have : cap;
		memcpy(dst, in->raw + in->raw_start, n);
		in->raw_start += n;
		return (ssize_t)n;
	}
	if (in->raw_eof)
		return 0;
	ssize_t n;
	do
		n = read(in->fd, dst, cap);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		in->raw_eof = true;
	if (n > 0)
		in->st.bytes_in += (uint64_t)n;
	return n;
}

static ssize_t decode_gzip(struct match_input *in, char *dst, size_t cap)
{
	z_stream *z = &in->z;
	z->next_out = (Bytef *)dst;
	z->avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
	for (;;) {
		if (in->raw_start == in->raw_end && !in->raw_eof && raw_fill(in) < 0)
			return -1;
		size_t have = in->raw_end - in->raw_start;
		z->next_in = (Bytef *)(uintptr_t)(in->raw + in->raw_start);
		z->avail_in = (uInt)(have > UINT32_MAX ? UINT32_MAX : have);
		uInt before_in = z->avail_in;
		int ret = inflate(z, Z_NO_FLUSH);
		in->raw_start += before_in - z->avail_in;
		size_t produced = cap - z->avail_out;
		if (ret == Z_STREAM_END) {
			in->gz_member_done = true;
			if (in->raw_start == in->raw_end && !in->raw_eof && raw_fill(in) < 0)
				return -1;
			if (in->raw_start == in->raw_end)
				return (ssize_t)produced; /* 0 at the end */
			inflateReset(z); /* another member follows */
			if (produced > 0)
				return (ssize_t)produced;
			continue;
		}
		if (ret == Z_DATA_ERROR && in->gz_member_done && produced == 0 && z->total_out == 0)
			return 0; /* trailing garbage after a complete member, as gzip(1) tolerates it */
		if (ret != Z_OK && ret != Z_BUF_ERROR)
			return -1;
		if (produced > 0)
			return (ssize_t)produced;
		if (in->raw_start == in->raw_end && in->raw_eof)
			return -1; /* the member is cut short */
	}
}

static ssize_t decode_zstd(struct match_input *in, char *dst, size_t cap)
{
	for (;;) {
		/* no input left: read more before asking zstd (asked with nothing at a frame boundary, it
		 * would hint at the header of a next frame and the end would look cut short) */
		if (in->raw_start == in->raw_end && !in->raw_eof && raw_fill(in) < 0)
			return -1;
		/* at a frame boundary with nothing left: the end */
		if (in->raw_start == in->raw_end && in->raw_eof && in->zs_last == 0)
			return 0;
		ZSTD_inBuffer zi = {in->raw + in->raw_start, in->raw_end - in->raw_start, 0};
		ZSTD_outBuffer zo = {dst, cap, 0};
		size_t r = ZSTD_decompressStream(in->zs, &zo, &zi);
		if (ZSTD_isError(r))
			return -1;
		in->zs_last = r;
		in->raw_start += zi.pos;
		if (zo.pos > 0)
			return (ssize_t)zo.pos;
		if (in->raw_start == in->raw_end) {
			if (in->raw_eof)
				return r == 0 ? 0 : -1;
			if (raw_fill(in) < 0)
				return -1;
		}
	}
}

static ssize_t decode(struct match_input *in, char *dst, size_t cap)
{
	switch (in->codec) {
	case MATCH_CODEC_GZIP:
		return decode_gzip(in, dst, cap);
	case MATCH_CODEC_ZSTD:
		return decode_zstd(in, dst, cap);
	default:
		return decode_plain(in, dst, cap);
	}
}

static enum rcx_result start(struct match_input *in, struct match_input **ret_in)
{
	if (in->fd >= 0) {
		while (in->raw_end < 4 && !in->raw_eof)
			if (raw_fill(in) < 0)
				goto fail;
	}
	const uint8_t *m = in->raw;
	size_t n = in->raw_end;
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		in->codec = MATCH_CODEC_GZIP;
		if (inflateInit2(&in->z, 15 + 16) != Z_OK)
			goto fail;
		in->z_init = true;
	} else if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
		in->codec = MATCH_CODEC_ZSTD;
		in->zs = ZSTD_createDStream();
		in->zs_last = 1; /* inside a frame */
		if (!in->zs || ZSTD_isError(ZSTD_initDStream(in->zs)))
			goto fail;
	}
	in->cap = RCX_READ_CHUNK + RCX_LINE_MAX;
	if (in->fd < 0 && in->codec == MATCH_CODEC_NONE && n + 64 < in->cap)
		in->cap = n + 64; /* small memory input: the whole of it fits */
	in->buf = malloc(in->cap);
	if (!in->buf)
		goto fail;
	*ret_in = in;
	return RCX_OK;
fail:
	match_input_close(in);
	return RCX_EIO;
}

enum rcx_result match_input_open(const char *path, struct match_input **ret_in)
{
	struct match_input *in = calloc(1, sizeof(*in));
	if (!in)
		return RCX_ENOMEM;
	in->path = strdup(path);
	in->raw_own = malloc(RAW_CHUNK);
	if (!in->path || !in->raw_own) {
		match_input_close(in);
		return RCX_ENOMEM;
	}
	in->raw = in->raw_own;
	if (!strcmp(path, "-")) {
		in->fd = 0;
	} else {
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			int e = errno;
			match_input_close(in);
			errno = e;
			return RCX_EIO;
		}
		in->own_fd = true;
	}
	return start(in, ret_in);
}

enum rcx_result match_input_open_span(const char *path, const void *data, size_t len, uint64_t first_line, bool bom,
				      struct match_input **ret_in)
{
	struct match_input *in = calloc(1, sizeof(*in));
	if (!in)
		return RCX_ENOMEM;
	in->path = strdup(path);
	if (!in->path) {
		free(in);
		return RCX_ENOMEM;
	}
	in->fd = -1;
	in->span = true;
	in->raw = len ? data : (const uint8_t *)"";
	in->raw_end = len;
	in->raw_eof = true;
	/* every byte is decoded already: the line loop never fills (eof), so buf is only read */
	in->buf = (char *)(uintptr_t)in->raw;
	in->cap = in->end = len;
	in->eof = true;
	in->bom_checked = !bom;
	in->line_base = first_line > 0 ? first_line - 1 : 0;
	in->st.bytes_in = in->st.bytes_out = len;
	*ret_in = in;
	return RCX_OK;
}

enum rcx_result match_input_open_mem(const void *data, size_t len, struct match_input **ret_in)
{
	struct match_input *in = calloc(1, sizeof(*in));
	if (!in)
		return RCX_ENOMEM;
	in->path = strdup("-");
	if (!in->path) {
		free(in);
		return RCX_ENOMEM;
	}
	in->fd = -1;
	in->raw = len ? data : (const uint8_t *)"";
	in->raw_end = len;
	in->raw_eof = true;
	in->st.bytes_in = len;
	return start(in, ret_in);
}

/* Decodes more into buf after moving the unread part to the front. */
static void fill(struct match_input *in)
{
	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->scan -= in->start;
		in->start = 0;
	}
	ssize_t n = decode(in, in->buf + in->end, in->cap - in->end);
	if (n <= 0) {
		in->eof = true;
		if (n < 0)
			in->err = in->codec == MATCH_CODEC_NONE ? RCX_EIO : RCX_EPARSE;
		return;
	}
	in->end += (size_t)n;
	in->st.bytes_out += (uint64_t)n;
}

static void line_out(struct match_input *in, size_t len, bool unterminated, struct match_line *l)
{
	l->data = in->buf + in->start;
	l->len = len;
	if (l->len > 0 && l->data[l->len - 1] == '\r')
		l->len--;
	l->lineno = in->line_base + ++in->st.lines;
	l->unterminated = unterminated;
}

enum rcx_result match_input_next(struct match_input *in, struct match_line *ret_line)
{
	for (;;) {
		if (!in->bom_checked) {
			if (in->end - in->start < 3 && !in->eof) {
				fill(in);
				continue;
			}
			in->bom_checked = true;
			if (in->end - in->start >= 3 && !memcmp(in->buf + in->start, "\xef\xbb\xbf", 3))
				in->start = in->scan = in->start + 3;
		}
		const char *nl = memchr(in->buf + in->scan, '\n', in->end - in->scan);
		if (nl) {
			size_t len = (size_t)(nl - (in->buf + in->start)), next = (size_t)(nl - in->buf) + 1;
			if (in->skipping || len > RCX_LINE_MAX) {
				if (!in->skipping) {
					in->st.lines++;
					in->st.long_lines++;
				}
				in->skipping = false;
				in->start = in->scan = next;
				continue;
			}
			line_out(in, len, false, ret_line);
			in->start = in->scan = next;
			return RCX_OK;
		}
		in->scan = in->end;
		if (!in->skipping && in->end - in->start > RCX_LINE_MAX) {
			in->skipping = true;
			in->st.lines++;
			in->st.long_lines++;
		}
		if (in->skipping)
			in->start = in->scan = in->end = 0; /* drop what streams by */
		if (in->eof) {
			in->skipping = false;
			if (in->start < in->end) {
				line_out(in, in->end - in->start, true, ret_line);
				in->start = in->scan = in->end;
				return RCX_OK;
			}
			return in->err != RCX_OK ? in->err : RCX_ENOTFOUND;
		}
		fill(in);
	}
}

enum rcx_result match_input_read(struct match_input *in, char *dst, size_t cap, size_t *ret_n)
{
	ssize_t n = decode(in, dst, cap);
	if (n < 0)
		return in->codec == MATCH_CODEC_NONE ? RCX_EIO : RCX_EPARSE;
	if (n == 0)
		return RCX_ENOTFOUND;
	in->st.bytes_out += (uint64_t)n;
	*ret_n = (size_t)n;
	return RCX_OK;
}

enum match_codec match_input_codec(const struct match_input *in)
{
	return in->codec;
}

void match_input_stats(const struct match_input *in, struct match_input_stats *ret_stats)
{
	*ret_stats = in->st;
}

const char *match_input_path(const struct match_input *in)
{
	return in->path;
}

void match_input_close(struct match_input *in)
{
	if (!in)
		return;
	if (in->z_init)
		inflateEnd(&in->z);
	if (in->zs)
		ZSTD_freeDStream(in->zs);
	if (in->own_fd && in->fd >= 0)
		close(in->fd);
	free(in->raw_own);
	if (!in->span)
		free(in->buf);
	free(in->path);
	free(in);
}
