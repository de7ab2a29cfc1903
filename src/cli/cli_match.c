/* rcx match: indicators against logs.
 *   rcx match index build --out FILE [--from-db [--as ORG|EMAIL]] [--kind KIND] [LIST...]
 *   rcx match (--indicators FILE | --from-db [--as ORG|EMAIL]) [--format F] [--fields SPEC]
 *             [--time-field F] [--year Y] [--with-line] [--summary] [--sorted] [--threads N] LOG...
 * --indicators takes a compiled index (rcx match index build) or a plain list, one indicator per
 * line (kind detected, or --kind). Sightings are JSON lines on stdout; totals on stderr. */
#include <getopt.h>
#include <pthread.h>
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
#include "match/match_run.h"
#include "trust/trust.h"
#include "trust/trust_account.h"

#define MATCH_THREADS_MAX 64
#define OUT_FLUSH (64u * 1024u)
#define MAGIC "RCXMIDX1"

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

/* One indicator per line; blank lines and '#' comments skipped; refused lines counted. */
static int add_from_list(const char *path, enum match_kind kind, struct match_builder *b, uint64_t *refused)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		cli_error("match", "%s: cannot open", path);
		return rcx_result_exit(RCX_EIO);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		const char *s = line;
		size_t len = (size_t)n;
		while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
			len--;
		rcx_trim(&s, &len);
		if (len == 0 || s[0] == '#')
			continue;
		enum rcx_result r = match_builder_add(b, s, len, kind, NULL);
		if (r == RCX_EPARSE || r == RCX_ELIMIT) {
			(*refused)++;
		} else if (r != RCX_OK) {
			status = rcx_result_exit(r);
			break;
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return status;
}

static bool is_index_file(const char *path)
{
	char magic[8];
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	bool yes = fread(magic, 1, sizeof(magic), f) == sizeof(magic) && !memcmp(magic, MAGIC, sizeof(magic));
	fclose(f);
	return yes;
}

/* ---- rcx match index build ---- */

static int index_build(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},   {"from-db", no_argument, NULL, 'd'},
		{"as", required_argument, NULL, 'a'},    {"kind", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"usage: rcx match index build --out FILE [--from-db [--as ORG|EMAIL]] [--kind KIND] [LIST...]\n"
		"KIND: ip, cidr, domain, url, md5, sha1, sha256, email (default: detected per line)\n";
	const char *out = NULL, *as = NULL;
	bool from_db = false;
	enum match_kind kind = MATCH_KIND_MAX;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'd': from_db = true; break;
		case 'a': as = optarg; break;
		case 'k':
			kind = match_kind_from_name(optarg, strlen(optarg));
			if (kind == MATCH_KIND_MAX) {
				cli_error("match", "unknown kind '%s'", optarg);
				return 2;
			}
			break;
		default: fputs(usage, c == 'h' ? stdout : stderr); return c == 'h' ? 0 : 2;
		}
	}
	if (!out || (!from_db && optind >= argc) || (as && !from_db)) {
		fputs(usage, stderr);
		return 2;
	}
	struct match_builder *b = NULL;
	if (match_builder_new(&b) != RCX_OK)
		return rcx_result_exit(RCX_ENOMEM);
	uint64_t refused = 0;
	int status = from_db ? add_from_db(cli, as, b) : 0;
	for (int i = optind; i < argc && status == 0; i++)
		status = add_from_list(argv[i], kind, b, &refused);
	if (status == 0) {
		enum rcx_result r = match_builder_write(b, out);
		if (r != RCX_OK) {
			cli_error("match", "%s: %s", out, rcx_result_message(r));
			status = rcx_result_exit(r);
		} else {
			printf("{\"indicators\":%u,\"refused\":%llu,\"index\":", match_builder_count(b),
			       (unsigned long long)refused);
			struct rcx_strbuf o = RCX_STRBUF_INIT(0);
			rcx_json_put_string(&o, out, strlen(out));
			printf("%s}\n", o.data);
			rcx_strbuf_free(&o);
		}
	}
	match_builder_free(b);
	return status;
}

/* ---- rcx match ---- */

struct run {
	const struct match_index *idx;
	const struct match_format *fmt;
	const struct match_format_options *opt;
	char **files;
	int n_files;
	int next_file;           /* taken under lock */
	bool with_line, summary, sorted;
	uint64_t *counts;        /* per indicator, --summary (atomic adds) */
	FILE **sorted_out;       /* per file, --sorted */
	pthread_mutex_t lock;    /* next_file, stdout, totals */
	struct match_file_stats total;
	enum rcx_result result;
	bool quiet;
};

struct worker {
	struct run *run;
	struct rcx_strbuf out;
	FILE *dest; /* NULL: stdout under the lock */
};

static enum rcx_result flush_out(struct worker *w, bool force)
{
	if (w->out.len == 0 || (!force && w->out.len < OUT_FLUSH))
		return RCX_OK;
	enum rcx_result r = RCX_OK;
	if (w->dest) {
		if (fwrite(w->out.data, 1, w->out.len, w->dest) != w->out.len)
			r = RCX_EIO;
	} else {
		pthread_mutex_lock(&w->run->lock);
		if (fwrite(w->out.data, 1, w->out.len, stdout) != w->out.len)
			r = RCX_EIO;
		pthread_mutex_unlock(&w->run->lock);
	}
	rcx_strbuf_clear(&w->out);
	return r;
}

static enum rcx_result sink(void *ctx, const struct match_sighting *s)
{
	struct worker *w = ctx;
	struct run *run = w->run;
	if (run->summary) {
		__atomic_fetch_add(&run->counts[s->indicator], 1, __ATOMIC_RELAXED);
		return RCX_OK;
	}
	struct rcx_strbuf *b = &w->out;
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
	enum rcx_result r = rcx_strbuf_puts(b, "}\n");
	return r == RCX_OK ? flush_out(w, false) : r;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	for (;;) {
		pthread_mutex_lock(&run->lock);
		int i = run->next_file < run->n_files && run->result == RCX_OK ? run->next_file++ : -1;
		pthread_mutex_unlock(&run->lock);
		if (i < 0)
			break;
		w->dest = run->sorted ? run->sorted_out[i] : NULL;
		struct match_file_stats st;
		enum rcx_result r = match_run_file(run->idx, run->files[i], run->fmt, run->opt, sink, w, &st);
		if (r == RCX_OK)
			r = flush_out(w, true);
		pthread_mutex_lock(&run->lock);
		run->total.records += st.records;
		run->total.sightings += st.sightings;
		run->total.lookups += st.lookups;
		run->total.parser.bad_lines += st.parser.bad_lines;
		run->total.input.long_lines += st.input.long_lines;
		run->total.input.bytes_out += st.input.bytes_out;
		pthread_mutex_unlock(&run->lock);
		if (r != RCX_OK) {
			cli_error("match", "%s: %s", run->files[i], rcx_result_message(r));
			pthread_mutex_lock(&run->lock);
			if (run->result == RCX_OK)
				run->result = r;
			pthread_mutex_unlock(&run->lock);
		}
	}
	return NULL;
}

static int copy_sorted(struct run *run)
{
	char buf[65536];
	for (int i = 0; i < run->n_files; i++) {
		FILE *f = run->sorted_out[i];
		rewind(f);
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			if (fwrite(buf, 1, n, stdout) != n)
				return rcx_result_exit(RCX_EIO);
	}
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
		{NULL, 0, NULL, 0},
	};
	struct rcx_strbuf usage = RCX_STRBUF_INIT(0);
	rcx_strbuf_puts(&usage, "usage: rcx match (--indicators FILE | --from-db [--as ORG|EMAIL]) [--format FORMAT]\n"
				"                 [--fields NAME[:KIND],...] [--time-field NAME] [--year Y]\n"
				"                 [--with-line] [--summary] [--sorted] [--threads N] LOG...\n"
				"       rcx match index build --out FILE [--from-db [--as ORG|EMAIL]] [--kind KIND] [LIST...]\n"
				"LOG may be gzip or zstd compressed, or - for standard input. Formats:\n");
	for (size_t i = 0; match_format_at(i); i++)
		rcx_strbuf_printf(&usage, "  %-6s %s\n", match_format_at(i)->name, match_format_at(i)->summary);
	const char *indicators = NULL, *as = NULL, *format = "text", *fields = NULL;
	struct match_format_options opt = {0};
	struct run run = {.quiet = cli->quiet};
	bool from_db = false;
	int64_t threads = 0;
	int c, status = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
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
		case 'S': run.sorted = true; break;
		case 'j':
			if (rcx_parse_i64(optarg, strlen(optarg), &threads) != RCX_OK || threads < 1 ||
			    threads > MATCH_THREADS_MAX) {
				cli_error("match", "--threads: 1 to %d", MATCH_THREADS_MAX);
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
	run.fmt = match_format_find(format);
	if (!run.fmt) {
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
		uint64_t refused = 0;
		if (match_builder_new(&b) != RCX_OK) {
			status = rcx_result_exit(RCX_ENOMEM);
			goto out;
		}
		status = from_db ? add_from_db(cli, as, b) : add_from_list(indicators, MATCH_KIND_MAX, b, &refused);
		uint8_t *data = NULL;
		size_t len = 0;
		if (status == 0 && match_builder_write_mem(b, &data, &len) == RCX_OK)
			status = match_index_open_mem(data, len, &idx) == RCX_OK ? 0 : rcx_result_exit(RCX_ENOMEM);
		else if (status == 0)
			status = rcx_result_exit(RCX_ENOMEM);
		free(data);
		if (status)
			goto out;
		if (refused && !cli->quiet)
			fprintf(stderr, "rcx match: %llu lines of %s are not indicators (skipped)\n",
				(unsigned long long)refused, indicators);
	}

	run.idx = idx;
	run.opt = &opt;
	run.files = argv + optind;
	run.n_files = argc - optind;
	pthread_mutex_init(&run.lock, NULL);
	if (run.summary && !(run.counts = calloc(match_index_count(idx) + 1, sizeof(uint64_t)))) {
		status = rcx_result_exit(RCX_ENOMEM);
		goto out_run;
	}
	if (run.sorted) {
		run.sorted_out = calloc((size_t)run.n_files, sizeof(FILE *));
		for (int i = 0; run.sorted_out && i < run.n_files; i++)
			if (!(run.sorted_out[i] = tmpfile())) {
				cli_error("match", "--sorted needs temporary files");
				status = rcx_result_exit(RCX_EIO);
				goto out_run;
			}
	}
	if (threads == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cpus > 0 ? cpus : 1;
	}
	if (threads > run.n_files)
		threads = run.n_files;
	pthread_t tids[MATCH_THREADS_MAX];
	struct worker workers[MATCH_THREADS_MAX];
	for (int64_t t = 0; t < threads; t++) {
		workers[t] = (struct worker){.run = &run, .out = RCX_STRBUF_INIT(0)};
		pthread_create(&tids[t], NULL, worker_main, &workers[t]);
	}
	for (int64_t t = 0; t < threads; t++) {
		pthread_join(tids[t], NULL);
		rcx_strbuf_free(&workers[t].out);
	}
	if (run.sorted && run.result == RCX_OK)
		status = copy_sorted(&run);
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
			run.n_files, (unsigned long long)run.total.records, (unsigned long long)run.total.lookups,
			(unsigned long long)run.total.sightings, (unsigned long long)run.total.parser.bad_lines,
			(unsigned long long)run.total.input.long_lines, (unsigned long long)run.total.input.bytes_out);
	if (status == 0 && run.result != RCX_OK)
		status = rcx_result_exit(run.result);
out_run:
	if (run.sorted_out) {
		for (int i = 0; i < run.n_files; i++)
			if (run.sorted_out[i])
				fclose(run.sorted_out[i]);
		free(run.sorted_out);
	}
	free(run.counts);
	pthread_mutex_destroy(&run.lock);
out:
	match_builder_free(b);
	match_index_close(idx);
	rcx_arena_free(&arena);
	return status;
out_usage:
	rcx_strbuf_free(&usage);
	return status;
}
