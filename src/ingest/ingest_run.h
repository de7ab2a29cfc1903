/* The ingest pipeline: one input file through its format's parser, then per event
 * classify → default TLP and owner → enrich → route → dedup → store, with quarantine for
 * records that fail, batched transactions, and a per-file checkpoint so a crashed run,
 * repeated, leaves the store exactly as one clean run would. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "core/result.h"
#include "ingest/ingest_enrich.h"
#include "ingest/ingest_route.h"
#include "store/store.h"

struct ingest_options {
	const char *format;      /* --format; NULL = detect from the file */
	const char *feed_name;   /* --feed; NULL = the format's default */
	const char *report_type; /* --report-type */
	const char *map_path;    /* --map */
	const char *org;         /* owner organisation written to rcx.org; NULL = none */
	const char *tlp;         /* --tlp: forces the label; NULL = the event's, else the feed's */
	const char *distribution; /* --distribution (canonical name); NULL = leave to the store (org) */
	const char *sharing_group; /* --group: the sharing group of distribution "group" */
	bool dry_run;            /* parse, normalise, enrich; write nothing */
	FILE *print;             /* when set, every event as a JSON line */
	bool progress;           /* progress bar on stderr */
	int64_t window_us;       /* dedup window */
	struct rcx_config *config;
	struct store *store;                 /* NULL only in dry-run */
	const struct ingest_enrich *enrich;  /* may be NULL */
	const struct ingest_routes *routes;  /* may be NULL */
};

struct ingest_summary {
	uint64_t read;        /* input records */
	uint64_t events;      /* new events stored (or that would be, in dry-run) */
	uint64_t duplicates;  /* events already known (same identity within the window, or already ingested) */
	uint64_t quarantined; /* records that could not be ingested */
};

struct ingest_dedup; /* in-memory identity set used by dry-run */

/* Ingests one file ("-" = stdin) and adds its counts to *sum. Returns non-OK only when the run could
 * not complete (unreadable file, unknown format, store failure); *ret_error then has a malloc'd message. */
enum rcx_result ingest_run_file(const struct ingest_options *o, const char *path, struct ingest_dedup **dedup,
				struct ingest_summary *sum, char **ret_error);
void ingest_dedup_free(struct ingest_dedup *d);
