/* rcx match: indicators against logs.
 *   rcx match index build --out FILE [--from-db [--as ORG|EMAIL]] [SOURCE OPTIONS] [FILE...]
 *   rcx match (--indicators FILE | --from-db [--as ORG|EMAIL]) [--format F] [--fields SPEC]
 *             [--time-field F] [--year Y] [--with-line] [--summary] [--sorted] [--threads N] LOG...
 * --indicators takes a compiled index (rcx match index build) or an indicator source (match_source.h:
 * a list, a STIX bundle, MISP events or a feed directory, CSV). Source options: --indicators-format,
 * --kind, --misp-all, --columns. Sightings are JSON lines on stdout; totals on stderr. The environment
 * variable RCX_MATCH_CHUNK_SIZE, or the hidden option --chunk-size, sets the bytes per chunk of one log
 * (for tests). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/event.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/time.h"
#include "match/match_index.h"
#include "match/match_parallel.h"
#include "match/match_run.h"
#include "match/match_source.h"
#include "trust/trust.h"
#include "trust/trust_account.h"

#define MATCH_THREADS_MAX 64
#define MAGIC "RCXMIDX" /* then the format version digit */

/* ---- indicator sources ---- */

/* Event fields that hold indicators, with the kind each gives. */
static const struct {
	enum event_field f;
	enum match_kind kind;
} event_indicator_fields[] = {
	{EF_SOURCE_IP, MATCH_IP},         {EF_DESTINATION_IP, MATCH_IP},
	{EF_SOURCE_NETWORK, MATCH_CIDR},  {EF_DESTINATION_NETWORK, MATCH_CIDR},
	{EF_SOURCE_FQDN, MATCH_DOMAIN},   {EF_DESTINATION_FQDN, MATCH_DOMAIN},
	{EF_SOURCE_URL, MATCH_URL},       {EF_DESTINATION_URL, MATCH_URL},
	{EF_MALWARE_HASH_MD5, MATCH_MD5}, {EF_MALWARE_HASH_SHA1, MATCH_SHA1},
	{EF_MALWARE_HASH_SHA256, MATCH_SHA256},
};

struct db_add {
	struct match_builder *b;
	uint64_t refused;
};

static enum rcx_result add_event(void *ctx, const struct event *ev)
{
	struct db_add *d = ctx;
	for (size_t i = 0; i < sizeof(event_indicator_fields) / sizeof(event_indicator_fields[0]); i++) {
		const char *v = ev->f[event_indicator_fields[i].f];
		if (!v)
			continue;
		enum rcx_result r = match_builder_add(d->b, v, strlen(v), event_indicator_fields[i].kind, NULL);
		if (r == RCX_EPARSE)
			d->refused++;
		else if (r != RCX_OK)
			return r;
	}
	return RCX_OK;
}

/* The indicators of the store that the caller (--as, else the node operator) may see. */
static int add_from_db(struct cli *cli, const char *as, struct match_builder *b)
{
	struct store *s = NULL;
	if (cli_store_open(cli, true, &s) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	struct store_event_filter flt = {0};
	struct trust_viewer viewer;
	struct store_visibility vis;
	enum rcx_result r = RCX_OK;
	if (as) {
		r = trust_viewer_named(s, as, &viewer);
		if (r != RCX_OK) {
			cli_error("match", "--as %s: %s", as, rcx_result_message(r));
			store_close(s);
			return rcx_result_exit(r);
		}
		trust_store_visibility(&viewer, &vis);
		flt.vis = &vis;
	}
	struct db_add d = {b, 0};
	r = store_event_query(s, &flt, add_event, &d);
	store_close(s);
	if (r != RCX_OK) {
		cli_error("match", "reading indicators from the store: %s", rcx_result_message(r));
		return rcx_result_exit(r);
	}
	return 0;
}

/* How the indicator files are read: --indicators-format, --kind, --misp-all, --columns. */
struct source_cfg {
	enum match_source_format format; /* MATCH_SOURCE_FORMAT_MAX: detected per file */
	struct match_source_options opt;
	char *columns; /* strdup'd copy the column names point into */
};

static enum rcx_result source_add(void *ctx, enum match_kind kind, const char *text, size_t len)
{
	return match_builder_add(ctx, text, len, kind, NULL);
}

/* "indicator:COL[,kind:COL]" into cfg. */
static bool source_columns_parse(struct source_cfg *cfg, const char *spec)
{
	free(cfg->columns);
	cfg->columns = strdup(spec);
	if (!cfg->columns)
		return false;
	for (char *save = NULL, *t = strtok_r(cfg->columns, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(t, ':');
		if (!colon || colon[1] == '\0')
			return false;
		*colon = '\0';
		if (!strcmp(t, "indicator"))
			cfg->opt.csv_indicator = colon + 1;
		else if (!strcmp(t, "kind"))
			cfg->opt.csv_kind = colon + 1;
		else
			return false;
	}
	return cfg->opt.csv_indicator != NULL;
}

/* The indicators of one file (list, STIX, MISP event or feed directory, CSV) into b; totals in *st. */
static int add_from_source(const char *path, const struct source_cfg *cfg, struct match_builder *b,
			   struct match_source_stats *st)
{
	enum rcx_result r = match_source_read(path, cfg->format, &cfg->opt, source_add, b, st);
	if (r != RCX_OK) {
		cli_error("match", "%s: %s", path,
			  r == RCX_EPARSE ? "not a readable indicator source (JSON that does not parse, or a CSV "
					    "without the indicator column)"
					  : rcx_result_message(r));
		return rcx_result_exit(r);
	}
	return 0;
}

/* The skipped and refused counts of the sources as JSON members (",\"refused\":N,..."). */
static void source_stats_put(struct rcx_strbuf *o, const struct match_source_stats *st)
{
	rcx_strbuf_printf(o, ",\"refused\":%llu,\"unsupported\":%llu,\"revoked\":%llu,\"expired\":%llu,"
			     "\"not_ids\":%llu,\"bad\":%llu",
			  (unsigned long long)st->refused, (unsigned long long)st->unsupported,
			  (unsigned long long)st->revoked, (unsigned long long)st->expired,
			  (unsigned long long)st->not_ids, (unsigned long long)st->bad);
}

/* Parses one of the source options shared by `match` and `match index build`; false when c is none. */
static bool source_option(int c, const char *arg, struct source_cfg *cfg, int *status)
{
	switch (c) {
	case 'k':
		cfg->opt.list_kind = match_kind_from_name(arg, strlen(arg));
		if (cfg->opt.list_kind == MATCH_KIND_MAX) {
			cli_error("match", "unknown kind '%s'", arg);
			*status = 2;
		}
		return true;
	case 'I':
		cfg->format = match_source_format_from_name(arg);
		if (cfg->format == MATCH_SOURCE_FORMAT_MAX) {
			cli_error("match", "--indicators-format: list, stix, misp or csv, not '%s'", arg);
			*status = 2;
		}
		return true;
	case 'M':
		cfg->opt.misp_all = true;
		return true;
	case 'C':
		if (!source_columns_parse(cfg, arg)) {
			cli_error("match", "--columns: 'indicator:COLUMN[,kind:COLUMN]', not '%s'", arg);
			*status = 2;
		}
		return true;
	default:
		return false;
	}
}

#define SOURCE_LONGOPTS                                                                                              \
	{"kind", required_argument, NULL, 'k'}, {"indicators-format", required_argument, NULL, 'I'},                 \
		{"misp-all", no_argument, NULL, 'M'}, {"columns", required_argument, NULL, 'C'}
#define SOURCE_USAGE                                                                                                 \
	"indicator files: a list (one per line), a STIX 2.1 bundle, a MISP event or feed directory, or a CSV\n"      \
	"file with a header; detected, or --indicators-format list|stix|misp|csv. --kind KIND (lists),\n"           \
	"--misp-all (also attributes without to_ids), --columns indicator:COL[,kind:COL] (CSV)\n"

static bool is_index_file(const char *path)
{
	char magic[8];
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	bool yes = fread(magic, 1, sizeof(magic), f) == sizeof(magic) && !memcmp(magic, MAGIC, strlen(MAGIC));
	fclose(f);
	return yes;
}

/* ---- rcx match index build ---- */

static int index_build(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'}, {"from-db", no_argument, NULL, 'd'},
		{"as", required_argument, NULL, 'a'},  SOURCE_LONGOPTS,
		{"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"usage: rcx match index build --out FILE [--from-db [--as ORG|EMAIL]] [--kind KIND]\n"
		"           [--indicators-format F] [--misp-all] [--columns SPEC] [FILE...]\n"
		"KIND: ip, cidr, domain, url, md5, sha1, sha256, email (default: detected per line)\n" SOURCE_USAGE;
	const char *out = NULL, *as = NULL;
	bool from_db = false;
	struct source_cfg cfg = {.format = MATCH_SOURCE_FORMAT_MAX, .opt = {.list_kind = MATCH_KIND_MAX}};
	int c, status = 0;
	optind = 1;
	while (status == 0 && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (source_option(c, optarg, &cfg, &status))
			continue;
		switch (c) {
		case 'o': out = optarg; break;
		case 'd': from_db = true; break;
		case 'a': as = optarg; break;
		default: fputs(usage, c == 'h' ? stdout : stderr); status = c == 'h' ? -1 : 2; break;
		}
	}
	if (status == 0 && (!out || (!from_db && optind >= argc) || (as && !from_db))) {
		fputs(usage, stderr);
		status = 2;
	}
	if (cfg.opt.list_kind != MATCH_KIND_MAX && cfg.format == MATCH_SOURCE_FORMAT_MAX)
		cfg.format = MATCH_SOURCE_LIST;
	struct match_builder *b = NULL;
	if (status == 0 && match_builder_new(&b) != RCX_OK)
		status = rcx_result_exit(RCX_ENOMEM);
	struct match_source_stats st = {0};
	if (status == 0 && from_db)
		status = add_from_db(cli, as, b);
	for (int i = optind; i < argc && status == 0; i++)
		status = add_from_source(argv[i], &cfg, b, &st);
	if (status == 0) {
		enum rcx_result r = match_builder_write(b, out);
		if (r != RCX_OK) {
			cli_error("match", "%s: %s", out, rcx_result_message(r));
			status = rcx_result_exit(r);
		} else {
			struct rcx_strbuf o = RCX_STRBUF_INIT(0);
			rcx_strbuf_printf(&o, "{\"indicators\":%u", match_builder_count(b));
			source_stats_put(&o, &st);
			rcx_strbuf_puts(&o, ",\"index\":");
			rcx_json_put_string(&o, out, strlen(out));
			printf("%s}\n", o.data);
			rcx_strbuf_free(&o);
		}
	}
	match_builder_free(b);
	free(cfg.columns);
	return status < 0 ? 0 : status;
}

/* ---- rcx match ---- */

struct run {
	bool with_line, summary;
	uint64_t *counts; /* per indicator, --summary (atomic adds) */
};

/* One sighting as a JSON line (worker threads; out is the work unit's buffer). */
static enum rcx_result sighting_format(void *ctx, const struct match_sighting *s, struct rcx_strbuf *b)
{
	struct run *run = ctx;
	if (run->summary) {
		__atomic_fetch_add(&run->counts[s->indicator], 1, __ATOMIC_RELAXED);
		return RCX_OK;
	}
	rcx_strbuf_puts(b, "{\"indicator\":");
	rcx_json_put_string(b, s->indicator_text, strlen(s->indicator_text));
	rcx_strbuf_printf(b, ",\"kind\":\"%s\",\"file\":", match_kind_name(s->kind));
	rcx_json_put_string(b, s->file, strlen(s->file));
	rcx_strbuf_printf(b, ",\"line\":%llu", (unsigned long long)s->rec->line);
	if (s->rec->time_us) {
		char t[RCX_TIME_BUF];
		rcx_time_format(s->rec->time_us, t);
		rcx_strbuf_printf(b, ",\"time\":\"%s\"", t);
	}
	rcx_strbuf_puts(b, ",\"field\":");
	rcx_json_put_string(b, s->obs->field, strlen(s->obs->field));
	rcx_strbuf_puts(b, ",\"value\":");
	rcx_json_put_string(b, s->obs->value, s->obs->len);
	if (run->with_line) {
		rcx_strbuf_puts(b, ",\"text\":");
		rcx_json_put_string(b, s->rec->raw, s->rec->raw_len);
	}
	return rcx_strbuf_puts(b, "}\n");
}

static enum rcx_result output_write(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? RCX_OK : RCX_EIO;
}

static void file_failed(void *ctx, const char *path, enum rcx_result r)
{
	(void)ctx;
	cli_error("match", "%s: %s", path, rcx_result_message(r));
}

/* Chunk size from RCX_MATCH_CHUNK_SIZE (bytes; for tests of the chunked reading), else the default. */
static size_t chunk_size_env(void)
{
	const char *e = getenv("RCX_MATCH_CHUNK_SIZE");
	int64_t v;
	if (e && rcx_parse_i64(e, strlen(e), &v) == RCX_OK && v > 0)
		return (size_t)v;
	return 0;
}

int cli_match(struct cli *cli, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "index")) {
		if (argc >= 3 && !strcmp(argv[2], "build"))
			return index_build(cli, argc - 2, argv + 2);
		cli_error("match", "usage: rcx match index build --out FILE ...");
		return 2;
	}
	static const struct option longopts[] = {
		{"indicators", required_argument, NULL, 'i'}, {"from-db", no_argument, NULL, 'd'},
		{"as", required_argument, NULL, 'a'},         {"format", required_argument, NULL, 'f'},
		{"fields", required_argument, NULL, 'F'},     {"time-field", required_argument, NULL, 't'},
		{"year", required_argument, NULL, 'y'},       {"with-line", no_argument, NULL, 'l'},
		{"summary", no_argument, NULL, 's'},          {"sorted", no_argument, NULL, 'S'},
		{"threads", required_argument, NULL, 'j'},    {"help", no_argument, NULL, 'h'},
		{"chunk-size", required_argument, NULL, 'c'}, /* hidden: for tests of chunked reading */
		SOURCE_LONGOPTS,                              {NULL, 0, NULL, 0},
	};
	struct rcx_strbuf usage = RCX_STRBUF_INIT(0);
	rcx_strbuf_puts(&usage, "usage: rcx match (--indicators FILE | --from-db [--as ORG|EMAIL]) [--format FORMAT]\n"
				"                 [--fields NAME[:KIND],...] [--time-field NAME] [--year Y]\n"
				"                 [--with-line] [--summary] [--sorted] [--threads N] LOG...\n"
				"       rcx match index build --out FILE [--from-db [--as ORG|EMAIL]] [FILE...]\n"
				SOURCE_USAGE
				"LOG may be gzip or zstd compressed, or - for standard input. Formats:\n");
	for (size_t i = 0; match_format_at(i); i++)
		rcx_strbuf_printf(&usage, "  %-6s %s\n", match_format_at(i)->name, match_format_at(i)->summary);
	const char *indicators = NULL, *as = NULL, *format = "text", *fields = NULL;
	struct match_format_options opt = {0};
	struct run run = {0};
	struct source_cfg cfg = {.format = MATCH_SOURCE_FORMAT_MAX, .opt = {.list_kind = MATCH_KIND_MAX}};
	bool from_db = false, sorted = false;
	int64_t threads = 0, chunk = 0;
	int c, status = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (source_option(c, optarg, &cfg, &status)) {
			if (status)
				goto out_usage;
			continue;
		}
		switch (c) {
		case 'i': indicators = optarg; break;
		case 'd': from_db = true; break;
		case 'a': as = optarg; break;
		case 'f': format = optarg; break;
		case 'F': fields = optarg; break;
		case 't': opt.time_field = optarg; break;
		case 'y': {
			int64_t y;
			if (rcx_parse_i64(optarg, strlen(optarg), &y) != RCX_OK || y < 1970 || y > 9999) {
				cli_error("match", "--year: '%s' is not a year", optarg);
				status = 2;
				goto out_usage;
			}
			opt.syslog_year = (int)y;
			break;
		}
		case 'l': run.with_line = true; break;
		case 's': run.summary = true; break;
		case 'S': sorted = true; break;
		case 'j':
			if (rcx_parse_i64(optarg, strlen(optarg), &threads) != RCX_OK || threads < 1 ||
			    threads > MATCH_THREADS_MAX) {
				cli_error("match", "--threads: 1 to %d", MATCH_THREADS_MAX);
				status = 2;
				goto out_usage;
			}
			break;
		case 'c':
			if (rcx_parse_i64(optarg, strlen(optarg), &chunk) != RCX_OK || chunk < 1) {
				cli_error("match", "--chunk-size: a number of bytes");
				status = 2;
				goto out_usage;
			}
			break;
		case 'h': fputs(usage.data, stdout); goto out_usage;
		default: status = 2; fputs(usage.data, stderr); goto out_usage;
		}
	}
	if ((!indicators == !from_db) || optind >= argc || (as && !from_db)) {
		fputs(usage.data, stderr);
		status = 2;
		goto out_usage;
	}
	const struct match_format *fmt = match_format_find(format);
	if (!fmt) {
		cli_error("match", "unknown format '%s'", format);
		fputs(usage.data, stderr);
		status = 2;
		goto out_usage;
	}
	rcx_strbuf_free(&usage);

	struct rcx_arena arena = RCX_ARENA_INIT;
	struct match_index *idx = NULL;
	struct match_builder *b = NULL;
	if (fields) {
		struct match_field_spec *fs;
		if (match_fields_parse(&arena, fields, &fs, &opt.n_fields) != RCX_OK) {
			cli_error("match", "--fields: '%s' is not NAME[:KIND],... (kinds: any, ip, domain, url, hash, email)",
				  fields);
			status = 2;
			goto out;
		}
		opt.fields = fs;
	}
	/* the index: a compiled file as it is, or built in memory from a list or the store */
	if (indicators && is_index_file(indicators)) {
		enum rcx_result r = match_index_open(indicators, &idx);
		if (r != RCX_OK) {
			cli_error("match", "%s: %s", indicators, r == RCX_EPARSE ? "not a valid index" : rcx_result_message(r));
			status = rcx_result_exit(r);
			goto out;
		}
	} else {
		struct match_source_stats st = {0};
		if (match_builder_new(&b) != RCX_OK) {
			status = rcx_result_exit(RCX_ENOMEM);
			goto out;
		}
		if (cfg.opt.list_kind != MATCH_KIND_MAX && cfg.format == MATCH_SOURCE_FORMAT_MAX)
			cfg.format = MATCH_SOURCE_LIST;
		status = from_db ? add_from_db(cli, as, b) : add_from_source(indicators, &cfg, b, &st);
		uint8_t *data = NULL;
		size_t len = 0;
		if (status == 0 && match_builder_write_mem(b, &data, &len) == RCX_OK)
			status = match_index_open_mem(data, len, &idx) == RCX_OK ? 0 : rcx_result_exit(RCX_ENOMEM);
		else if (status == 0)
			status = rcx_result_exit(RCX_ENOMEM);
		free(data);
		if (status)
			goto out;
		uint64_t skipped = st.refused + st.unsupported + st.revoked + st.expired + st.not_ids + st.bad;
		if (skipped && !cli->quiet) {
			struct rcx_strbuf o = RCX_STRBUF_INIT(0);
			rcx_strbuf_printf(&o, "{\"indicators\":%llu", (unsigned long long)st.indicators);
			source_stats_put(&o, &st);
			fprintf(stderr, "rcx match: %s: skipped some entries: %s}\n", indicators, o.data);
			rcx_strbuf_free(&o);
		}
	}

	struct match_parallel job = {
		.idx = idx, .fmt = fmt, .opt = &opt, .files = argv + optind, .n_files = (size_t)(argc - optind),
		.sorted = sorted, .chunk_size = chunk ? (size_t)chunk : chunk_size_env(), .format = sighting_format, .write = output_write,
		.failed = file_failed, .ctx = &run,
	};
	if (run.summary && !(run.counts = calloc(match_index_count(idx) + 1, sizeof(uint64_t)))) {
		status = rcx_result_exit(RCX_ENOMEM);
		goto out;
	}
	if (threads == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cpus > 0 ? cpus : 1;
	}
	job.threads = (unsigned)threads;
	struct match_file_stats total;
	enum rcx_result result = match_parallel_run(&job, &total);
	if (run.summary) {
		for (uint32_t i = 0; i < match_index_count(idx); i++) {
			if (!run.counts[i])
				continue;
			enum match_kind k;
			const char *text;
			size_t tl;
			if (match_index_indicator(idx, i, &k, &text, &tl) != RCX_OK)
				continue;
			struct rcx_strbuf o = RCX_STRBUF_INIT(0);
			rcx_strbuf_puts(&o, "{\"indicator\":");
			rcx_json_put_string(&o, text, tl);
			rcx_strbuf_printf(&o, ",\"kind\":\"%s\",\"count\":%llu}\n", match_kind_name(k),
					  (unsigned long long)run.counts[i]);
			fwrite(o.data, 1, o.len, stdout);
			rcx_strbuf_free(&o);
		}
	}
	fflush(stdout);
	if (!cli->quiet)
		fprintf(stderr,
			"{\"files\":%d,\"records\":%llu,\"lookups\":%llu,\"sightings\":%llu,\"bad_lines\":%llu,"
			"\"long_lines\":%llu,\"bytes\":%llu}\n",
			argc - optind, (unsigned long long)total.records, (unsigned long long)total.lookups,
			(unsigned long long)total.sightings, (unsigned long long)total.parser.bad_lines,
			(unsigned long long)total.input.long_lines, (unsigned long long)total.input.bytes_out);
	if (status == 0 && result != RCX_OK)
		status = rcx_result_exit(result);
out:
	free(run.counts);
	free(cfg.columns);
	match_builder_free(b);
	match_index_close(idx);
	rcx_arena_free(&arena);
	return status;
out_usage:
	rcx_strbuf_free(&usage);
	free(cfg.columns);
	return status;
}
