/* One feed format of the ingest table, named at compile time by RCX_FUZZ_FORMAT (meson builds this
 * file once per format as fuzz_format_<name>). The input is the feed file, read from memory; a
 * checking sink verifies what parse() reports:
 *  - every emitted event prints with event_to_json, reads back with event_from_json and prints the
 *    same JSON again;
 *  - every reject has a non-empty reason (made UTF-8 by rcx_utf8_clean), a line number within the input (feodo-json: >= 1, its
 *    "lines" are array elements), and raw_len <= raw_total;
 *  - record_end line numbers never decrease and lie within the input (feodo-json: as for rejects);
 *  - parse() returns RCX_OK: memory input has no I/O errors and the sink never fails.
 * The format is looked up at run time, so this compiles before the format is registered.
 *
 * shadowserver: the first input byte picks the report type (mod 3) of the schema written at start-up
 * (RCX_SHADOWSERVER_SCHEMA); csv: the first byte picks one of three column maps written at start-up.
 * The rest is the feed. RCX_FUZZ_VERBOSE=1 prints what the sink sees (for checking seeds). */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/event.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "ingest/ingest.h"
#include "ingest/ingest_reader.h"
#include "fuzz_common.h"
#include "fuzz_files.h"

#ifndef RCX_FUZZ_FORMAT
#error "build with -DRCX_FUZZ_FORMAT=\"<format name>\""
#endif

#define FLAGS (EVENT_JSON_RAW | EVENT_JSON_META)

struct check_sink {
	struct ingest_sink sink; /* first: the parser sees only this */
	struct rcx_arena arena;
	const char *feed_name;
	uint64_t lines;    /* lines in the input */
	uint64_t last_end; /* last record_end line */
	uint64_t events, rejects;
	struct rcx_strbuf j1, j2;
};

static const struct ingest_format *format;
static struct rcx_config *config;
static char files_dir[256];
static char map_path[FUZZ_CSV_MAPS][300];
/* feodo-json and stix number their records by array element, not by line (ingest_abusech.c, ingest_stix.c) */
static bool records_not_lines;
static bool verbose; /* RCX_FUZZ_VERBOSE set: print what the sink sees (to check seeds) */

static struct event *sink_event_new(struct ingest_sink *sink)
{
	struct check_sink *c = (struct check_sink *)sink;
	struct event *ev = rcx_arena_alloc(&c->arena, sizeof(*ev));
	event_init(ev, &c->arena);
	static const char obs[] = "2024-01-01T00:00:00+00:00";
	FUZZ_CHECK(event_set(ev, EF_FEED_NAME, c->feed_name, strlen(c->feed_name)) == RCX_OK, "feed name");
	FUZZ_CHECK(event_set(ev, EF_TIME_OBSERVATION, obs, sizeof(obs) - 1) == RCX_OK, "observation time");
	return ev;
}

static enum rcx_result sink_emit(struct ingest_sink *sink, struct event *ev)
{
	struct check_sink *c = (struct check_sink *)sink;
	struct event again;
	const char *reason = NULL;
	FUZZ_CHECK(ev != NULL, "emitted a NULL event");
	rcx_strbuf_clear(&c->j1);
	rcx_strbuf_clear(&c->j2);
	enum rcx_result r = event_to_json(ev, FLAGS, &c->j1);
	FUZZ_CHECK(r == RCX_OK, "emitted event does not print (%d)", (int)r);
	event_init(&again, &c->arena);
	r = event_from_json(&again, c->j1.data, c->j1.len, &reason);
	if (r != RCX_OK)
		fuzz_dump("emitted", c->j1.data, c->j1.len);
	FUZZ_CHECK(r == RCX_OK, "emitted event does not read back (%d): %s", (int)r, reason ? reason : "?");
	r = event_to_json(&again, FLAGS, &c->j2);
	FUZZ_CHECK(r == RCX_OK, "re-read event does not print (%d)", (int)r);
	if (c->j1.len != c->j2.len || memcmp(c->j1.data, c->j2.data, c->j1.len)) {
		fuzz_dump("emitted", c->j1.data, c->j1.len);
		fuzz_dump("re-read", c->j2.data, c->j2.len);
	}
	FUZZ_CHECK(c->j1.len == c->j2.len && !memcmp(c->j1.data, c->j2.data, c->j1.len),
		   "emitted event prints differently after a round trip");
	c->events++;
	if (verbose)
		fprintf(stderr, "event %s\n", c->j1.data);
	return RCX_OK;
}

static enum rcx_result sink_reject(struct ingest_sink *sink, uint64_t line, const char *reason, const char *raw,
				   size_t raw_len, size_t raw_total)
{
	struct check_sink *c = (struct check_sink *)sink;
	FUZZ_CHECK(reason && *reason, "reject without a reason");
	/* Reasons quote input and need not be UTF-8: the pipeline cleans them (rcx_utf8_clean) before
	 * they are stored; check that cleaning yields valid text. */
	char clean[512];
	rcx_utf8_clean(clean, sizeof(clean), reason, strlen(reason));
	FUZZ_CHECK(rcx_utf8_valid(clean, strlen(clean)), "cleaned reject reason is not UTF-8");
	c->rejects++;
	if (verbose)
		fprintf(stderr, "reject line %llu: %s\n", (unsigned long long)line, reason);
	FUZZ_CHECK(line >= 1 && (line <= c->lines || records_not_lines), "reject on line %llu of %llu (%s)",
		   (unsigned long long)line, (unsigned long long)c->lines, reason);
	FUZZ_CHECK(raw_len <= raw_total, "reject raw %zu of %zu bytes (%s)", raw_len, raw_total, reason);
	FUZZ_CHECK(raw || raw_len == 0, "reject with %zu raw bytes at NULL", raw_len);
	/* touch every raw byte so that the sanitizer sees a dangling or short buffer */
	volatile unsigned char sum = 0;
	for (size_t i = 0; i < raw_len; i++)
		sum += (unsigned char)raw[i];
	(void)sum;
	return RCX_OK;
}

static enum rcx_result sink_record_end(struct ingest_sink *sink, uint64_t line)
{
	struct check_sink *c = (struct check_sink *)sink;
	FUZZ_CHECK(line >= c->last_end, "record_end on line %llu after line %llu", (unsigned long long)line,
		   (unsigned long long)c->last_end);
	FUZZ_CHECK(line >= 1 && (line <= c->lines || records_not_lines), "record_end on line %llu of %llu",
		   (unsigned long long)line, (unsigned long long)c->lines);
	c->last_end = line;
	return RCX_OK;
}


static void cleanup(void)
{
	fuzz_files_remove(files_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	format = ingest_format_find(RCX_FUZZ_FORMAT);
	if (!format) {
		fprintf(stderr, "fuzz_format: format \"%s\" is not in the ingest format table (ingest_formats.c)\n",
			RCX_FUZZ_FORMAT);
		abort();
	}
	config = rcx_config_empty();
	FUZZ_CHECK(config, "out of memory");
	if (!fuzz_files_dir(files_dir, sizeof(files_dir))) {
		fprintf(stderr, "fuzz_format: cannot create a temporary directory\n");
		abort();
	}
	atexit(cleanup);
	if (!strcmp(RCX_FUZZ_FORMAT, "shadowserver")) {
		char path[300];
		snprintf(path, sizeof(path), "%s/shadowserver-intelmq.json", files_dir);
		FUZZ_CHECK(fuzz_file_write(path, fuzz_shadowserver_schema), "cannot write %s", path);
		setenv("RCX_SHADOWSERVER_SCHEMA", path, 1);
	} else if (!strcmp(RCX_FUZZ_FORMAT, "csv")) {
		for (size_t i = 0; i < FUZZ_CSV_MAPS; i++) {
			snprintf(map_path[i], sizeof(map_path[i]), "%s/map%zu.txt", files_dir, i);
			FUZZ_CHECK(fuzz_file_write(map_path[i], fuzz_csv_maps[i]), "cannot write %s", map_path[i]);
		}
	}
	records_not_lines = !strcmp(RCX_FUZZ_FORMAT, "feodo-json") || !strcmp(RCX_FUZZ_FORMAT, "stix");
	verbose = getenv("RCX_FUZZ_VERBOSE") != NULL;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct ingest_source src = {
		.path = "-",
		.feed_name = format->feed_name ? format->feed_name : format->name,
		.config = config,
	};
	if (!strcmp(RCX_FUZZ_FORMAT, "shadowserver")) {
		if (size == 0)
			return 0;
		src.report_type = fuzz_shadowserver_types[data[0] % FUZZ_SHADOWSERVER_TYPES];
		s++;
		size--;
	} else if (!strcmp(RCX_FUZZ_FORMAT, "csv")) {
		if (size == 0)
			return 0;
		src.map_path = map_path[data[0] % FUZZ_CSV_MAPS];
		s++;
		size--;
	}
	struct check_sink c = {
		.sink = {sink_event_new, sink_emit, sink_reject, sink_record_end},
		.arena = RCX_ARENA_INIT,
		.feed_name = src.feed_name,
		.lines = fuzz_count_lines(s, size),
		.j1 = RCX_STRBUF_INIT(0),
		.j2 = RCX_STRBUF_INIT(0),
	};
	struct ingest_reader in;
	ingest_reader_open_mem(&in, s, size);
	if (format->detect)
		(void)format->detect("-", s, size < 4096 ? size : 4096);
	enum rcx_result r = format->parse(&src, &in, &c.sink);
	/* csv: a header without a column the map names stops the run before anything is stored */
	if (!strcmp(RCX_FUZZ_FORMAT, "csv") && r == RCX_ECONFIG)
		FUZZ_CHECK(c.events == 0, "csv stopped the run after %llu events", (unsigned long long)c.events);
	else
		FUZZ_CHECK(r == RCX_OK, "parse() returned %d on memory input", (int)r);
	if (verbose)
		fprintf(stderr, "%llu events, %llu rejects\n", (unsigned long long)c.events,
			(unsigned long long)c.rejects);
	ingest_reader_close(&in);
	rcx_strbuf_free(&c.j1);
	rcx_strbuf_free(&c.j2);
	rcx_arena_free(&c.arena);
	return 0;
}
