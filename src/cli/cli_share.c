/* rcx export --format stix|csv|intelmq-jsonl|misp [--as ORG|EMAIL] [--since T] [--type T] [--feed NAME]
 *            [--org NAME] [--limit N] [--tlp1]
 * rcx import [ingest options] FILE — detects the format by content and ingests.
 * Exports stream: one event at a time from the store query to stdout. With --as, only what that
 * organisation or user may see, by the one visibility rule (as `rcx events --as`). */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/limits.h"
#include "ingest/ingest.h"
#include "share/share_flat.h"
#include "share/share_stix.h"
#include "store/store_filter.h"
#include "trust/trust.h"
#include "trust/trust_account.h"

enum export_format { EXPORT_STIX, EXPORT_CSV, EXPORT_INTELMQ, EXPORT_MISP, EXPORT_FORMAT_MAX };

struct exporter {
	enum export_format format;
	struct share_stix_bundle bundle;
	struct rcx_strbuf line;
};

static enum rcx_result out_stdout(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? RCX_OK : RCX_EIO;
}

static enum rcx_result export_event(void *ctx, const struct event *ev)
{
	struct exporter *x = ctx;
	if (x->format == EXPORT_STIX)
		return share_stix_bundle_event(&x->bundle, ev);
	rcx_strbuf_clear(&x->line);
	enum rcx_result rc = x->format == EXPORT_CSV ? share_csv_line(ev, &x->line) : share_intelmq_line(ev, &x->line);
	return rc == RCX_OK ? out_stdout(NULL, x->line.data, x->line.len) : rc;
}

/* The node's name for STIX ids: [share] node, else the node's first organisation. */
static void node_name(struct cli *cli, struct store *store, char *buf, size_t cap)
{
	const char *v = cli->config ? rcx_config_get(cli->config, "share", "node") : NULL;
	struct store_org org;
	if (v && *v)
		snprintf(buf, cap, "%s", v);
	else if (store_org_get(store, NULL, &org) == RCX_OK && org.name)
		snprintf(buf, cap, "%s", org.name);
	else
		snprintf(buf, cap, "rcx");
}

int cli_export(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'F'}, {"as", required_argument, NULL, 'A'},
		{"since", required_argument, NULL, 's'},  {"type", required_argument, NULL, 't'},
		{"feed", required_argument, NULL, 'f'},   {"org", required_argument, NULL, 'o'},
		{"limit", required_argument, NULL, 'l'},  {"tlp1", no_argument, NULL, '1'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"usage: rcx export --format stix|csv|intelmq-jsonl|misp [--as ORG|EMAIL] [--since TIME|AGE] [--type TYPE]\n"
		"                  [--feed NAME] [--org NAME] [--limit N] [--tlp1]\n"
		"--tlp1: STIX objects carry the TLP 1.0 marking too, for peers that know only TLP 1.0\n";
	static const char *const names[EXPORT_FORMAT_MAX] = {"stix", "csv", "intelmq-jsonl", "misp"};
	struct store_event_filter flt = {0};
	struct exporter x = {.format = EXPORT_FORMAT_MAX, .line = RCX_STRBUF_INIT(0)};
	struct share_stix_options opt = {0};
	const char *as = NULL, *format = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'F': format = optarg; break;
		case 'A': as = optarg; break;
		case '1': opt.flags |= SHARE_STIX_TLP1; break;
		case 's':
		case 't':
		case 'f':
		case 'o':
		case 'l': {
			const struct option *o = longopts;
			while (o->val != c)
				o++;
			if (store_event_filter_set(&flt, o->name, optarg, RCX_EVENTS_LIMIT_MAX) != RCX_OK) {
				cli_error("export", "--%s: '%s' is not valid here", o->name, optarg);
				return 2;
			}
			break;
		}
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc || !format) {
		fputs(usage, stderr);
		return 2;
	}
	for (int i = 0; i < EXPORT_FORMAT_MAX; i++)
		if (!strcmp(format, names[i]))
			x.format = (enum export_format)i;
	if (x.format == EXPORT_FORMAT_MAX) {
		cli_error("export", "--format: '%s' is not one of stix, csv, intelmq-jsonl, misp", format);
		return 2;
	}
	if (x.format == EXPORT_MISP) {
		cli_error("export", "--format misp: not yet implemented (stix, csv and intelmq-jsonl are)");
		return rcx_result_exit(RCX_EUNSUPPORTED);
	}
	struct store *store;
	if (cli_store_open(cli, true, &store) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	enum rcx_result rc = RCX_OK;
	struct trust_viewer viewer;
	struct store_visibility vis;
	if (as) {
		rc = trust_viewer_named(store, as, &viewer);
		if (rc != RCX_OK) {
			cli_error("export", "--as %s: %s", as,
				  rc == RCX_ENOTFOUND ? "no such organisation or user" : rcx_result_message(rc));
			store_close(store);
			return rcx_result_exit(rc);
		}
		trust_store_visibility(&viewer, &vis);
		flt.vis = &vis;
	}
	char node[256];
	node_name(cli, store, node, sizeof(node));
	opt.node = node;
	if (x.format == EXPORT_STIX) {
		rc = share_stix_bundle_begin(&x.bundle, &opt, out_stdout, NULL);
	} else if (x.format == EXPORT_CSV) {
		rc = share_csv_header(&x.line);
		if (rc == RCX_OK)
			rc = out_stdout(NULL, x.line.data, x.line.len);
	}
	if (rc == RCX_OK)
		rc = store_event_query(store, &flt, export_event, &x);
	if (rc == RCX_OK && x.format == EXPORT_STIX)
		rc = share_stix_bundle_end(&x.bundle);
	if (rc != RCX_OK)
		cli_error("export", "%s", rcx_result_message(rc));
	else if (x.format == EXPORT_STIX && x.bundle.n_skipped && !cli->quiet)
		cli_error("export", "%llu events have no observable STIX models (address, name, URL, AS, hash, e-mail) and "
				    "are not in the bundle",
			  (unsigned long long)x.bundle.n_skipped);
	if (x.format == EXPORT_STIX)
		share_stix_bundle_free(&x.bundle);
	rcx_strbuf_free(&x.line);
	store_close(store);
	if (fflush(stdout) != 0 && rc == RCX_OK)
		rc = RCX_EIO;
	return rcx_result_exit(rc);
}

/* The format of path by its first bytes: "stix", another ingest format, "misp", or NULL. */
static const char *import_format(const char *path)
{
	char head[64 * 1024];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, head, sizeof(head));
	close(fd);
	if (n <= 0)
		return NULL;
	const struct ingest_format *stix = ingest_format_find("stix");
	if (stix && stix->detect(path, head, (size_t)n))
		return "stix";
	if (memmem(head, (size_t)n, "\"Event\"", 7) && memmem(head, (size_t)n, "\"Attribute\"", 11))
		return "misp";
	const struct ingest_format *f = ingest_format_detect(path, head, (size_t)n);
	return f ? f->name : NULL;
}

int cli_import(struct cli *cli, int argc, char **argv)
{
	static const char usage[] = "usage: rcx import [--org NAME] [--tlp LABEL] [--distribution DIST] [--group NAME]\n"
				    "                  [--dry-run] [--print] FILE\n"
				    "Detects the format (STIX 2.x bundle, or any format of rcx ingest) and ingests FILE.\n";
	if (argc < 2 || !strcmp(argv[argc - 1], "--help") || argv[argc - 1][0] == '-') {
		fputs(usage, argc >= 2 && !strcmp(argv[argc - 1], "--help") ? stdout : stderr);
		return argc >= 2 && !strcmp(argv[argc - 1], "--help") ? 0 : 2;
	}
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--format", 8) || !strncmp(argv[i], "--feed", 6)) {
			cli_error("import", "%s: import detects the format; use rcx ingest --format to name it", argv[i]);
			return 2;
		}
	const char *path = argv[argc - 1];
	const char *format = import_format(path);
	if (!format) {
		cli_error("import", "%s: not a format rcx recognises (STIX 2.x, or see rcx ingest --help)", path);
		return rcx_result_exit(RCX_EPARSE);
	}
	if (!strcmp(format, "misp")) {
		cli_error("import", "%s: MISP import is not yet implemented", path);
		return rcx_result_exit(RCX_EUNSUPPORTED);
	}
	char **args = calloc((size_t)argc + 3, sizeof(*args));
	if (!args)
		return rcx_result_exit(RCX_ENOMEM);
	static char ingest_name[] = "ingest", format_opt[] = "--format";
	char fmt[64];
	snprintf(fmt, sizeof(fmt), "%s", format);
	args[0] = ingest_name;
	args[1] = format_opt;
	args[2] = fmt;
	for (int i = 1; i < argc; i++)
		args[i + 2] = argv[i];
	int status = cli_ingest(cli, argc + 2, args);
	free(args);
	return status;
}
