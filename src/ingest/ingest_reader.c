#include "ingest/ingest_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/limits.h"

#define BUF_CAP (RCX_READ_CHUNK + RCX_LINE_MAX + 1)

/* The long-line side buffer and the pushed-back line live behind the public struct. */
struct reader_extra {
	char long_buf[RCX_QUARANTINE_RAW_MAX];
	struct ingest_line last;
	bool pending;
};

static struct reader_extra *ext(struct ingest_reader *r)
{
	return r->priv;
}

enum rcx_result ingest_reader_open(struct ingest_reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	if (!strcmp(path, "-")) {
		r->fd = STDIN_FILENO;
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0)
			return errno == ENOENT ? RCX_ENOTFOUND : RCX_EIO;
		r->own_fd = true;
		struct stat st;
		if (fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode))
			r->size = (uint64_t)st.st_size;
		posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	r->buf = malloc(BUF_CAP);
	r->priv = calloc(1, sizeof(struct reader_extra));
	if (!r->buf || !r->priv) {
		if (r->own_fd)
			close(r->fd);
		free(r->buf);
		free(r->priv);
		return RCX_ENOMEM;
	}
	r->cap = BUF_CAP;
	return RCX_OK;
}

void ingest_reader_open_mem(struct ingest_reader *r, const char *data, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->buf = malloc(len + 1);
	r->priv = calloc(1, sizeof(struct reader_extra));
	if (!r->buf || !r->priv)
		abort();
	if (len)
		memcpy(r->buf, data, len);
	r->cap = len;
	r->end = len;
	r->eof = true;
	r->size = len;
	r->bytes_read = len;
	r->path = "-";
}

static enum rcx_result fill(struct ingest_reader *r)
{
	if (r->eof)
		return RCX_OK;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	while (r->end < r->cap) {
		ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return RCX_EIO;
		}
		if (n == 0) {
			r->eof = true;
			break;
		}
		r->end += (size_t)n;
		r->bytes_read += (uint64_t)n;
		if (r->end - r->start >= RCX_READ_CHUNK)
			break;
	}
	return RCX_OK;
}

static void set_line(struct ingest_reader *r, struct ingest_line *l, const char *data, size_t len, bool unterminated)
{
	if (len && data[len - 1] == '\r')
		len--;
	l->data = data;
	l->len = len;
	l->total_len = len;
	l->too_long = false;
	l->unterminated = unterminated;
	l->lineno = ++r->lineno;
	if (len > RCX_LINE_MAX) {
		l->too_long = true;
		l->len = RCX_QUARANTINE_RAW_MAX;
	}
}

/* The current line does not fit the buffer: keep its head, skip the rest up to the newline. */
static enum rcx_result skip_long_line(struct ingest_reader *r, struct ingest_line *l)
{
	struct reader_extra *x = ext(r);
	memcpy(x->long_buf, r->buf + r->start, RCX_QUARANTINE_RAW_MAX);
	uint64_t total = 0;
	for (;;) {
		const char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl) {
			total += (uint64_t)(nl - (r->buf + r->start));
			r->start = (size_t)(nl - r->buf) + 1;
			break;
		}
		total += r->end - r->start;
		r->start = r->end;
		if (r->eof)
			break;
		enum rcx_result rc = fill(r);
		if (rc != RCX_OK)
			return rc;
		if (r->start == r->end && r->eof)
			break;
	}
	l->data = x->long_buf;
	l->len = RCX_QUARANTINE_RAW_MAX;
	l->total_len = (size_t)total;
	l->too_long = true;
	l->unterminated = false;
	l->lineno = ++r->lineno;
	return RCX_OK;
}

enum rcx_result ingest_reader_next(struct ingest_reader *r, struct ingest_line *ret_line)
{
	struct reader_extra *x = ext(r);
	if (x->pending) {
		x->pending = false;
		*ret_line = x->last;
		return RCX_OK;
	}
	struct ingest_line l;
	for (;;) {
		if (!r->bom_checked && (r->end - r->start >= 3 || r->eof)) {
			r->bom_checked = true;
			if (r->end - r->start >= 3 && !memcmp(r->buf + r->start, "\xef\xbb\xbf", 3))
				r->start += 3;
		}
		if (r->bom_checked) {
			const char *p = r->buf + r->start;
			const char *nl = memchr(p, '\n', r->end - r->start);
			if (nl) {
				r->start = (size_t)(nl - r->buf) + 1;
				set_line(r, &l, p, (size_t)(nl - p), false);
				break;
			}
			if (r->eof) {
				if (r->start == r->end)
					return RCX_ENOTFOUND;
				size_t n = r->end - r->start;
				r->start = r->end;
				set_line(r, &l, p, n, true);
				break;
			}
			if (r->end - r->start > RCX_LINE_MAX) {
				enum rcx_result rc = skip_long_line(r, &l);
				if (rc != RCX_OK)
					return rc;
				break;
			}
		}
		enum rcx_result rc = fill(r);
		if (rc != RCX_OK)
			return rc;
	}
	x->last = l;
	*ret_line = l;
	return RCX_OK;
}

void ingest_reader_unread(struct ingest_reader *r)
{
	ext(r)->pending = true;
}

enum rcx_result ingest_reader_slurp(struct ingest_reader *r, size_t max, char **ret_buf, size_t *ret_len)
{
	size_t cap = 0, len = 0;
	char *out = NULL;
	struct reader_extra *x = ext(r);
	if (x->pending) {
		/* a pushed-back line is part of what is left */
		x->pending = false;
		size_t n = x->last.len;
		cap = n + 1 + 4096;
		out = malloc(cap);
		if (!out)
			return RCX_ENOMEM;
		memcpy(out, x->last.data, n);
		out[n] = '\n';
		len = n + 1;
	}
	for (;;) {
		if (!r->bom_checked && r->end - r->start >= 3) {
			r->bom_checked = true;
			if (!memcmp(r->buf + r->start, "\xef\xbb\xbf", 3))
				r->start += 3;
		}
		size_t n = r->end - r->start;
		if (len + n > max) {
			free(out);
			return RCX_ELIMIT;
		}
		if (len + n + 1 > cap) {
			size_t ncap = (len + n + 1) * 2;
			char *p = realloc(out, ncap);
			if (!p) {
				free(out);
				return RCX_ENOMEM;
			}
			out = p;
			cap = ncap;
		}
		memcpy(out + len, r->buf + r->start, n);
		len += n;
		r->start = r->end;
		if (r->eof)
			break;
		enum rcx_result rc = fill(r);
		if (rc != RCX_OK) {
			free(out);
			return rc;
		}
	}
	if (!out) {
		out = malloc(1);
		if (!out)
			return RCX_ENOMEM;
	}
	out[len] = '\0';
	*ret_buf = out;
	*ret_len = len;
	return RCX_OK;
}

void ingest_reader_close(struct ingest_reader *r)
{
	if (r->own_fd)
		close(r->fd);
	free(r->buf);
	free(r->priv);
	r->buf = NULL;
	r->priv = NULL;
	r->own_fd = false;
}
