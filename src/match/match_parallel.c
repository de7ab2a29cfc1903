/* Work units over threads (see match_parallel.h).
 *
 * Algorithm. The caller's thread is the producer: per file, in order, it either queues the whole file
 * (read as a stream by match_run_file) or maps it and queues chunks of about chunk_size bytes, each
 * ending after a newline (or at the end of the file; a short tail joins the last chunk). After queuing
 * a chunk it counts the chunk's newlines, which gives the next chunk's first line number, and for
 * MATCH_CHUNK_HASH_LINES collects the chunk's '#' lines, handed (copied) to every later chunk of the
 * file. For MATCH_CHUNK_HEADER the header line is found first by a parser reading from the start;
 * the first chunk reaches past it and every later chunk is primed with it. For formats whose quoted
 * fields may hold newlines (csv, tsv) the producer follows the quote state from the header on
 * (match_csv_quote_scan, jumping from quote to quote) and moves a cut past any newline inside quotes,
 * so every chunk starts at a record. A compressed file or stdin (formats without header state, more
 * than one thread) is decoded by the producer into owned blocks cut after their last newline
 * (produce_stream). Workers take units in queue order, write each sighting into their unit's buffer,
 * and retire finished units strictly in queue order: output is written then (sorted), or as it comes
 * (unsorted); a file's mapping is unmapped when its last unit retires.
 *
 * Invariants: units are numbered in (file, offset) order; unit i sits in ring[i % window] from when
 * it is queued until it retires; retired <= taken <= produced and produced - retired <= window.
 * Bounds: at most window = 2 × threads + 2 units exist at once; a unit's sorted output past
 * RCX_MATCH_SPILL bytes goes to a temporary file, so memory stays bounded whatever the hit rate; a
 * chunk is primed with at most RCX_MATCH_PRIME_MAX '#' lines (past that, the rest of the file is one
 * chunk, primed with the lines before it); mapped pages of a finished chunk are released; a decoded
 * block holds at most chunk_size + RCX_LINE_MAX + 1 bytes, so a stream holds at most window blocks. */
#include "match/match_parallel.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/limits.h"

#define UNSORTED_FLUSH (64u * 1024u)

struct sched;

struct unit {
	struct sched *s;
	size_t file;
	struct match_span span;   /* span.data NULL: the whole file as a stream */
	struct match_line *prime; /* owned copy of span.prime */
	char *own;                /* decoded bytes of a stream chunk, freed when it retires */
	char *map;                /* set on the last chunk of a mapped file: unmapped when it retires */
	size_t map_len;
	struct rcx_strbuf out;
	FILE *spill; /* sorted output past RCX_MATCH_SPILL */
	bool done;
	enum rcx_result r;
	struct match_file_stats st;
};

struct sched {
	const struct match_parallel *job;
	pthread_mutex_t lock;
	pthread_cond_t work, space;
	struct unit **ring;
	size_t window;
	uint64_t produced, taken, retired;
	bool finished; /* the producer is done */
	enum rcx_result result;
	struct match_file_stats total;
	/* producer only: a stream that broke after its good chunks were queued, reported at the end */
	enum rcx_result late_result;
	const char *late_path;
	/* producer only: a mapping whose last chunk was never queued, unmapped after the workers end */
	char *orphan_map;
	size_t orphan_len;
};

size_t match_parallel_count_lines(const char *p, size_t n)
{
	size_t c = 0, i = 0;
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
	while (n - i >= 16u * 255u) { /* byte counters, summed before they can wrap */
		__m128i acc = zero;
		for (unsigned k = 0; k < 255; k++, i += 16)
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), nl));
		__m128i sum = _mm_sad_epu8(acc, zero);
		c += (size_t)_mm_cvtsi128_si32(sum) + (size_t)_mm_extract_epi16(sum, 4);
	}
	for (; n - i >= 16; i += 16)
		c += (size_t)__builtin_popcount(
			(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), nl)));
#endif
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}

static void stats_add(struct match_file_stats *t, const struct match_file_stats *a)
{
	t->records += a->records;
	t->sightings += a->sightings;
	t->lookups += a->lookups;
	t->parser.records += a->parser.records;
	t->parser.bad_lines += a->parser.bad_lines;
	t->parser.obs_dropped += a->parser.obs_dropped;
	t->input.lines += a->input.lines;
	t->input.long_lines += a->input.long_lines;
	t->input.bytes_in += a->input.bytes_in;
	t->input.bytes_out += a->input.bytes_out;
}

static void unit_free(struct unit *u)
{
	if (!u)
		return;
	if (u->map)
		munmap(u->map, u->map_len);
	free(u->own);
	if (u->spill)
		fclose(u->spill);
	rcx_strbuf_free(&u->out);
	free(u->prime);
	free(u);
}

/* Writes and clears the unit's buffer; the caller holds the lock. */
static enum rcx_result unit_write_locked(struct sched *s, struct unit *u)
{
	enum rcx_result r = RCX_OK;
	if (u->spill) {
		char buf[65536];
		size_t n;
		rewind(u->spill);
		while (r == RCX_OK && (n = fread(buf, 1, sizeof(buf), u->spill)) > 0)
			r = s->job->write(s->job->ctx, buf, n);
		fclose(u->spill);
		u->spill = NULL;
	}
	if (r == RCX_OK && u->out.len)
		r = s->job->write(s->job->ctx, u->out.data, u->out.len);
	rcx_strbuf_clear(&u->out);
	return r;
}

static enum rcx_result unit_sink(void *ctx, const struct match_sighting *sg)
{
	struct unit *u = ctx;
	struct sched *s = u->s;
	enum rcx_result r = s->job->format(s->job->ctx, sg, &u->out);
	if (r != RCX_OK || u->out.len < UNSORTED_FLUSH)
		return r;
	if (!s->job->sorted) {
		pthread_mutex_lock(&s->lock);
		r = unit_write_locked(s, u);
		pthread_mutex_unlock(&s->lock);
		return r;
	}
	if (u->out.len < RCX_MATCH_SPILL)
		return RCX_OK;
	if (!u->spill && !(u->spill = tmpfile()))
		return RCX_EIO;
	if (fwrite(u->out.data, 1, u->out.len, u->spill) != u->out.len)
		return RCX_EIO;
	rcx_strbuf_clear(&u->out);
	return RCX_OK;
}

/* Pages wholly inside [p, p + n) are given back (file-backed, read-only: a later touch reloads them). */
static void release_pages(const char *p, size_t n)
{
	long pg = sysconf(_SC_PAGESIZE);
	if (pg <= 0)
		return;
	uintptr_t a = ((uintptr_t)p + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1), z = ((uintptr_t)p + n) & ~((uintptr_t)pg - 1);
	if (z > a)
		(void)madvise((void *)a, z - a, MADV_DONTNEED);
}

static enum rcx_result unit_run(struct sched *s, struct unit *u)
{
	const struct match_parallel *job = s->job;
	enum rcx_result r;
	if (!u->span.data) {
		r = match_run_file(job->idx, job->files[u->file], job->fmt, job->opt, unit_sink, u, &u->st);
	} else {
		r = match_run_span(job->idx, &u->span, job->fmt, job->opt, unit_sink, u, &u->st);
		release_pages(u->span.data, u->span.len);
	}
	if (r == RCX_OK && !job->sorted && u->out.len) {
		pthread_mutex_lock(&s->lock);
		r = unit_write_locked(s, u);
		pthread_mutex_unlock(&s->lock);
	}
	return r;
}

/* Retires finished units in queue order; the caller holds the lock. */
static void retire_locked(struct sched *s)
{
	while (s->retired < s->taken && s->ring[s->retired % s->window]->done) {
		struct unit *u = s->ring[s->retired % s->window];
		if (s->job->sorted && u->r == RCX_OK) {
			enum rcx_result r = unit_write_locked(s, u);
			if (r != RCX_OK && s->result == RCX_OK) {
				s->result = r;
				if (s->job->failed)
					s->job->failed(s->job->ctx, "<stdout>", r);
			}
		}
		unit_free(u);
		s->ring[s->retired % s->window] = NULL;
		s->retired++;
	}
	pthread_cond_broadcast(&s->space);
}

static void *worker_main(void *arg)
{
	struct sched *s = arg;
	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (s->taken == s->produced && !s->finished && s->result == RCX_OK)
			pthread_cond_wait(&s->work, &s->lock);
		if (s->taken == s->produced || s->result != RCX_OK)
			break;
		struct unit *u = s->ring[s->taken++ % s->window];
		pthread_mutex_unlock(&s->lock);
		enum rcx_result r = unit_run(s, u);
		pthread_mutex_lock(&s->lock);
		u->r = r;
		u->done = true;
		stats_add(&s->total, &u->st);
		if (r != RCX_OK && s->result == RCX_OK) {
			s->result = r;
			if (s->job->failed)
				s->job->failed(s->job->ctx, s->job->files[u->file], r);
			pthread_cond_broadcast(&s->work);
		}
		retire_locked(s);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Queues u (waiting for room); u is freed when the run has failed. */
static enum rcx_result enqueue(struct sched *s, struct unit *u)
{
	pthread_mutex_lock(&s->lock);
	while (s->produced - s->retired >= s->window && s->result == RCX_OK)
		pthread_cond_wait(&s->space, &s->lock);
	enum rcx_result r = s->result;
	if (r == RCX_OK) {
		s->ring[s->produced++ % s->window] = u;
		pthread_cond_signal(&s->work);
	}
	pthread_mutex_unlock(&s->lock);
	if (r != RCX_OK) {
		u->map = NULL; /* earlier chunks may still be read: the producer keeps the mapping */
		unit_free(u);
	}
	return r;
}

static struct unit *unit_new(struct sched *s, size_t file)
{
	struct unit *u = calloc(1, sizeof(*u));
	if (u) {
		u->s = s;
		u->file = file;
		u->out = (struct rcx_strbuf)RCX_STRBUF_INIT(0);
	}
	return u;
}

/* The line at p (up to its newline or end), without '\r'. */
static struct match_line line_at(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t len = (size_t)((nl ? nl : end) - p);
	if (len > 0 && p[len - 1] == '\r')
		len--;
	return (struct match_line){p, len, 0, !nl};
}

/* The '#' lines of map[pos..end) appended to *lines. */
static enum rcx_result hash_lines_collect(const char *map, size_t size, size_t pos, size_t end, struct match_line **lines,
				      size_t *n, size_t *cap)
{
	const char *p = map + pos, *stop = map + end;
	while (p < stop && (p = memchr(p, '#', (size_t)(stop - p))) != NULL) {
		bool start = p == map || p[-1] == '\n' || (p == map + 3 && !memcmp(map, "\xef\xbb\xbf", 3));
		struct match_line l = line_at(p, map + size);
		if (start && l.len <= RCX_LINE_MAX) {
			if (*n == *cap) {
				size_t c = *cap ? *cap * 2 : 16;
				struct match_line *v = realloc(*lines, c * sizeof(*v));
				if (!v)
					return RCX_ENOMEM;
				*lines = v;
				*cap = c;
			}
			(*lines)[(*n)++] = l;
		}
		p++;
	}
	return RCX_OK;
}

/* The header line of a MATCH_CHUNK_HEADER file and the offset after it; false when it has none. */
static bool header_find(const struct match_parallel *job, const char *path, const char *map, size_t size,
			struct match_line *ret_line, size_t *ret_end)
{
	struct match_input *in = NULL;
	struct match_parser *p = NULL;
	bool found = false;
	if (match_input_open_span(path, map, size, 1, true, &in) != RCX_OK)
		return false;
	if (match_parser_open(job->fmt, job->opt, &p) == RCX_OK) {
		struct match_line l;
		while (!found && match_input_next(in, &l) == RCX_OK)
			if (match_parser_feed(p, &l) == RCX_ENOTFOUND && l.len > 0 && l.data[0] != '#') {
				char qd = match_format_quote_delim(job->fmt);
				if (qd && match_csv_quote_scan(qd, l.data, l.len, 0))
					break; /* a header spanning lines: the file is not cut */
				const char *nl = memchr(l.data + l.len, '\n', (size_t)(map + size - (l.data + l.len)));
				*ret_end = nl ? (size_t)(nl - map) + 1 : size;
				*ret_line = l;
				found = true;
			}
		match_parser_close(p);
	}
	match_input_close(in);
	return found;
}

static bool compressed(const char *m, size_t n)
{
	return (n >= 2 && (uint8_t)m[0] == 0x1f && (uint8_t)m[1] == 0x8b) ||
	       (n >= 4 && !memcmp(m, "\x28\xb5\x2f\xfd", 4));
}

static enum rcx_result whole_file(struct sched *s, size_t fi)
{
	struct unit *u = unit_new(s, fi);
	return u ? enqueue(s, u) : RCX_ENOMEM;
}

/* A compressed file or standard input in a format whose lines stand alone: the producer decodes
 * blocks of at least chunk bytes, cut after their last newline (the rest starts the next block), and
 * queues each as a chunk that owns its bytes; decoding and matching overlap. A line longer than the
 * block (cap = chunk + RCX_LINE_MAX + 1) is longer than RCX_LINE_MAX: its start ends a block as an
 * unterminated line (skipped and counted by the chunk's reader, one line number), its rest is
 * dropped up to its newline. */
static enum rcx_result produce_stream(struct sched *s, size_t fi, size_t chunk, struct match_input *in)
{
	const char *path = s->job->files[fi];
	size_t cap = chunk + RCX_LINE_MAX + 1, have = 0;
	char *buf = NULL;
	uint64_t line = 1;
	bool first = true, skipping = false, eof = false;
	enum rcx_result r = RCX_OK, rin = RCX_OK;
	while (r == RCX_OK) {
		if (!buf && !(buf = malloc(cap))) {
			r = RCX_ENOMEM;
			break;
		}
		const char *nl = NULL;
		while (!eof) {
			if (have >= chunk && (nl = memrchr(buf, '\n', have)) != NULL)
				break;
			if (have == cap)
				break;
			size_t n = 0;
			rin = match_input_read(in, buf + have, cap - have, &n);
			if (rin != RCX_OK) {
				eof = true;
				if (rin == RCX_ENOTFOUND)
					rin = RCX_OK;
				break;
			}
			if (skipping) { /* the rest of an overlong line */
				char *e = memchr(buf + have, '\n', n);
				if (!e)
					continue;
				n -= (size_t)(e + 1 - (buf + have));
				memmove(buf + have, e + 1, n);
				skipping = false;
			}
			have += n;
		}
		if (have == 0)
			break;
		size_t cut = have;
		bool long_line = false;
		if (!eof) {
			if (!nl)
				nl = memrchr(buf, '\n', have);
			if (nl)
				cut = (size_t)(nl - buf) + 1;
			else
				long_line = true; /* have == cap: one line, too long */
		}
		struct unit *u = unit_new(s, fi);
		char *next = cut < have || long_line ? malloc(cap) : NULL;
		if (!u || ((cut < have || long_line) && !next)) {
			unit_free(u);
			free(next);
			r = RCX_ENOMEM;
			break;
		}
		if (cut < have)
			memcpy(next, buf + cut, have - cut);
		u->own = buf;
		u->span = (struct match_span){path, buf, cut, line, first, NULL, 0};
		uint64_t lines = match_parallel_count_lines(buf, cut) + (long_line ? 1 : 0);
		buf = next;
		have -= cut;
		first = false;
		skipping = long_line;
		r = enqueue(s, u);
		line += lines;
		if (eof && have == 0)
			break;
	}
	free(buf);
	if (r == RCX_OK && rin != RCX_OK) {
		/* reported once the chunks decoded before the failure are matched; no further file starts */
		s->late_result = rin;
		s->late_path = path;
	}
	return r;
}

static enum rcx_result produce_file(struct sched *s, size_t fi, size_t chunk)
{
	const struct match_parallel *job = s->job;
	const char *path = job->files[fi];
	enum match_chunk_mode mode = match_format_chunk_mode(job->fmt);
	struct stat st;
	if (mode == MATCH_CHUNK_FREE && job->threads > 1) {
		/* compressed or not a regular file: decoded here, matched by the workers */
		struct stat sb;
		bool plain = strcmp(path, "-") && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
		struct match_input *in = NULL;
		if (match_input_open(path, &in) != RCX_OK)
			return whole_file(s, fi); /* the worker reports why it cannot be read */
		if (!plain || match_input_codec(in) != MATCH_CODEC_NONE) {
			enum rcx_result r = produce_stream(s, fi, chunk, in);
			match_input_close(in);
			return r;
		}
		match_input_close(in);
	}
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return whole_file(s, fi); /* the worker reports why it cannot be read */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < 2 * (uint64_t)chunk ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return whole_file(s, fi);
	}
	size_t size = (size_t)st.st_size;
	char *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return whole_file(s, fi);
	if (compressed(map, size)) {
		munmap(map, size);
		return whole_file(s, fi);
	}
	struct match_line header = {0}, *hl = NULL;
	size_t header_end = 0, nhl = 0, cap = 0, pos = 0;
	if (mode == MATCH_CHUNK_HEADER && !header_find(job, path, map, size, &header, &header_end))
		header_end = size; /* no header: one chunk */
	uint64_t line = 1;
	enum rcx_result r = RCX_OK;
	char qd = match_format_quote_delim(job->fmt);
	size_t qpos = header_end; /* records of a quoting format: the quote state is known (0) at qpos */
	int qstate = 0;
	while (r == RCX_OK && pos < size) {
		size_t end = chunk < size - pos ? pos + chunk : size;
		if (end < header_end)
			end = header_end;
		if (size - end < chunk / 2 || nhl > RCX_MATCH_PRIME_MAX) {
			end = size;
		} else {
			const char *nl = memchr(map + end, '\n', size - end);
			end = nl ? (size_t)(nl - map) + 1 : size;
		}
		if (qd && end < size) {
			/* cut only between records: past every newline inside a quoted field */
			qstate = match_csv_quote_scan(qd, map + qpos, end - qpos, qstate);
			while (qstate && end < size) {
				const char *nl = memchr(map + end, '\n', size - end);
				size_t next = nl ? (size_t)(nl - map) + 1 : size;
				qstate = match_csv_quote_scan(qd, map + end, next - end, qstate);
				end = next;
			}
			qpos = end;
		}
		struct unit *u = unit_new(s, fi);
		size_t np = mode == MATCH_CHUNK_HASH_LINES ? nhl : mode == MATCH_CHUNK_HEADER && pos > 0;
		if (u && np && (u->prime = malloc(np * sizeof(*u->prime))) != NULL)
			memcpy(u->prime, mode == MATCH_CHUNK_HEADER ? &header : hl, np * sizeof(*u->prime));
		if (!u || (np && !u->prime)) {
			unit_free(u);
			r = RCX_ENOMEM;
			break;
		}
		u->span = (struct match_span){path, map + pos, end - pos, line, pos == 0, u->prime, np};
		if (end == size) {
			u->map = map; /* the last unit owns the mapping */
			u->map_len = size;
		}
		r = enqueue(s, u);
		if (r == RCX_OK && end == size)
			map = NULL; /* the last unit has it */
		if (r != RCX_OK || end == size)
			break;
		line += match_parallel_count_lines(map + pos, end - pos);
		if (mode == MATCH_CHUNK_HASH_LINES)
			r = hash_lines_collect(map, size, pos, end, &hl, &nhl, &cap);
		pos = end;
	}
	free(hl);
	if (map) {
		s->orphan_map = map;
		s->orphan_len = size;
	}
	return r;
}

enum rcx_result match_parallel_run(const struct match_parallel *job, struct match_file_stats *ret_stats)
{
	struct sched s;
	memset(&s, 0, sizeof(s));
	s.job = job;
	unsigned threads = job->threads ? job->threads : 1;
	size_t chunk = job->chunk_size ? job->chunk_size : RCX_MATCH_CHUNK;
	s.window = 2 * (size_t)threads + 2;
	s.ring = calloc(s.window, sizeof(*s.ring));
	pthread_t *tids = calloc(threads, sizeof(*tids));
	if (!s.ring || !tids) {
		free(s.ring);
		free(tids);
		return RCX_ENOMEM;
	}
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.work, NULL);
	pthread_cond_init(&s.space, NULL);
	unsigned started = 0;
	while (started < threads && pthread_create(&tids[started], NULL, worker_main, &s) == 0)
		started++;
	enum rcx_result r = started ? RCX_OK : RCX_ENOMEM;
	for (size_t i = 0; r == RCX_OK && s.late_result == RCX_OK && i < job->n_files; i++)
		r = produce_file(&s, i, chunk);
	pthread_mutex_lock(&s.lock);
	s.finished = true;
	if (r != RCX_OK && s.result == RCX_OK)
		s.result = r;
	pthread_cond_broadcast(&s.work);
	pthread_mutex_unlock(&s.lock);
	for (unsigned t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	if (s.late_result != RCX_OK && s.result == RCX_OK) {
		s.result = s.late_result;
		if (job->failed)
			job->failed(job->ctx, s.late_path, s.late_result);
	}
	/* after a failure: units never taken (taken ones are all done and retired or retirable) */
	retire_locked(&s);
	for (uint64_t i = s.retired; i < s.produced; i++)
		unit_free(s.ring[i % s.window]);
	if (s.orphan_map)
		munmap(s.orphan_map, s.orphan_len);
	if (ret_stats)
		*ret_stats = s.total;
	r = s.result;
	pthread_cond_destroy(&s.work);
	pthread_cond_destroy(&s.space);
	pthread_mutex_destroy(&s.lock);
	free(s.ring);
	free(tids);
	return r;
}
