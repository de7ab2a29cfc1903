/* Feed ingest: formats (parsers) turn input records into events and hand them to a sink.
 *
 * A format is a row in the table of ingest_formats.c: {name, detect, parse}. parse() reads its
 * input through an ingest_reader (lines) or ingest_csv (records), and for every input record
 * either emits events and ends the record, or rejects it with a reason. It never stops on bad
 * input: only I/O errors and sink failures end a parse early.
 *
 * The sink is a small function table so that the same parsers feed the ingest pipeline
 * (ingest_run.c), unit tests and fuzzers. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/event.h"
#include "core/result.h"
#include "core/tlp.h"
#include "ingest/ingest_reader.h"

struct ingest_sink {
	/* A fresh event for the current record, in the sink's arena, with feed.name and
	 * time.observation already set. Never NULL. */
	struct event *(*event_new)(struct ingest_sink *sink);
	/* Hands over an event of the current record. */
	enum rcx_result (*emit)(struct ingest_sink *sink, struct event *ev);
	/* The record on lines [line, ...] could not be ingested. raw is its text (maybe cut to
	 * raw_len bytes; raw_total is the full length). Ends the record. */
	enum rcx_result (*reject)(struct ingest_sink *sink, uint64_t line, const char *reason, const char *raw,
				  size_t raw_len, size_t raw_total);
	/* The record ending on line `line` is complete (its events were all emitted). */
	enum rcx_result (*record_end)(struct ingest_sink *sink, uint64_t line);
};

/* What a parse needs to know besides its input. */
struct ingest_source {
	const char *path;          /* as given on the command line ("-" for stdin) */
	const char *feed_name;     /* feed.name for the events */
	const char *report_type;   /* Shadowserver report type, or NULL */
	const char *map_path;      /* column map for the generic CSV format, or NULL */
	struct rcx_config *config; /* never NULL */
	/* INGEST_ERROR_MAX bytes, "" on entry: when parse() refuses the whole file it says why here */
	char *error;
};

#define INGEST_ERROR_MAX 512

struct ingest_format {
	const char *name;         /* as in `--format` */
	const char *feed_name;    /* default feed.name */
	enum rcx_tlp tlp;         /* default TLP of the feed */
	/* Whether the first bytes of a file (and its name) look like this format. May be NULL. */
	bool (*detect)(const char *path, const char *head, size_t len);
	enum rcx_result (*parse)(const struct ingest_source *src, struct ingest_reader *in, struct ingest_sink *sink);
};

/* The format called name, or NULL. */
const struct ingest_format *ingest_format_find(const char *name);
/* The first format whose detect() accepts the file, or NULL. */
const struct ingest_format *ingest_format_detect(const char *path, const char *head, size_t len);
/* Iterates the table: the i-th format or NULL past the end. */
const struct ingest_format *ingest_format_at(size_t i);

/* Records why parse() refuses the whole file in src->error (when the caller gave a buffer). */
void ingest_source_error(const struct ingest_source *src, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Convenience for parsers: rejects the record of `line` with reason, keeping its raw text. */
enum rcx_result ingest_reject_line(struct ingest_sink *sink, const struct ingest_line *l, const char *reason);
