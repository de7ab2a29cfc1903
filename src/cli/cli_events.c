/* rcx events [--since T] [--type T] [--source-ip IP|CIDR] [--feed NAME] [--org NAME] [--after ID] [--limit N]
 *            [--as ORG|EMAIL] [--raw] [--count]
 * rcx quarantine [--after ID] [--limit N] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/ip.h"
#include "core/limits.h"
#include "core/strbuf.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/time.h"
#include "store/store_filter.h"
#include "trust/trust.h"
#include "trust/trust_account.h"

struct printer {
	struct rcx_strbuf line;
	unsigned flags;
};

static enum rcx_result print_event(void *ctx, const struct event *ev)
{
	struct printer *p = ctx;
	rcx_strbuf_clear(&p->line);
	enum rcx_result rc = event_to_json(ev, p->flags, &p->line);
	if (rc != RCX_OK)
		return rc;
	rcx_strbuf_putc(&p->line, '\n');
	if (fwrite(p->line.data, 1, p->line.len, stdout) != p->line.len)
		return RCX_EIO;
	return RCX_OK;
}

static bool parse_count(const char *s, uint64_t max, uint64_t *ret)
{
	int64_t v;
	if (rcx_parse_i64(s, strlen(s), &v) != RCX_OK || v < 0 || (uint64_t)v > max)
		return false;
	*ret = (uint64_t)v;
	return true;
}

/* What a filter option expects, for its error message. */
static const char *filter_what(int opt)
{
	switch (opt) {
	case 's': return "a time (2026-11-01, ISO-8601) or an age like 24h";
	case 't': return "an RSIT classification type";
	case 'i': return "an IP address or CIDR network";
	case 'a': return "an event id";
	case 'l': return "a count of at least 1";
	default: return "a name";
	}
}

int cli_events(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"since", required_argument, NULL, 's'}, {"type", required_argument, NULL, 't'},
		{"source-ip", required_argument, NULL, 'i'}, {"feed", required_argument, NULL, 'f'},
		{"org", required_argument, NULL, 'o'},   {"after", required_argument, NULL, 'a'},
		{"limit", required_argument, NULL, 'l'}, {"as", required_argument, NULL, 'A'},
		{"raw", no_argument, NULL, 'r'},         {"count", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	static const char usage[] = "usage: rcx events [--since TIME|AGE] [--type TYPE] [--source-ip IP|CIDR] [--feed NAME]\n"
				    "                  [--org NAME] [--after ID] [--limit N] [--as ORG|EMAIL] [--raw] [--count]\n";
	struct store_event_filter flt = {0};
	struct printer p = {RCX_STRBUF_INIT(0), EVENT_JSON_META};
	bool count = false;
	const char *as = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
		case 't':
		case 'i':
		case 'f':
		case 'o':
		case 'a':
		case 'l': {
			const struct option *o = longopts;
			while (o->val != c)
				o++;
			if (store_event_filter_set(&flt, o->name, optarg, RCX_EVENTS_LIMIT_MAX) != RCX_OK) {
				cli_error("events", "--%s: '%s' is not %s", o->name, optarg, filter_what(c));
				return 2;
			}
			break;
		}
		case 'A': as = optarg; break;
		case 'r': p.flags |= EVENT_JSON_RAW; break;
		case 'c': count = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	struct store *store;
	if (cli_store_open(cli, true, &store) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	enum rcx_result rc;
	/* --as: only what that organisation (or user) may see, by the one visibility rule */
	struct trust_viewer viewer;
	struct store_visibility vis;
	if (as) {
		rc = trust_viewer_named(store, as, &viewer);
		if (rc != RCX_OK) {
			cli_error("events", "--as %s: %s", as, rc == RCX_ENOTFOUND ? "no such organisation or user"
									: rcx_result_message(rc));
			store_close(store);
			return rcx_result_exit(rc);
		}
		trust_store_visibility(&viewer, &vis);
		flt.vis = &vis;
	}
	if (count) {
		uint64_t n;
		rc = store_event_count(store, &flt, &n);
		if (rc == RCX_OK)
			printf("%llu\n", (unsigned long long)n);
	} else {
		rc = store_event_query(store, &flt, print_event, &p);
	}
	if (rc != RCX_OK)
		cli_error("events", "%s", rcx_result_message(rc));
	rcx_strbuf_free(&p.line);
	store_close(store);
	fflush(stdout);
	return rcx_result_exit(rc);
}

static enum rcx_result print_quarantine(void *ctx, const struct store_quarantine *q)
{
	struct rcx_strbuf *b = ctx;
	char t[RCX_TIME_BUF];
	rcx_strbuf_clear(b);
	rcx_strbuf_printf(b, "{\"id\": %lld, \"file\": ", (long long)q->id);
	rcx_json_put_string(b, q->file, strlen(q->file));
	rcx_strbuf_printf(b, ", \"line\": %llu, \"feed\": ", (unsigned long long)q->line);
	if (q->feed)
		rcx_json_put_string(b, q->feed, strlen(q->feed));
	else
		rcx_strbuf_puts(b, "null");
	rcx_strbuf_puts(b, ", \"reason\": ");
	rcx_json_put_string(b, q->reason, strlen(q->reason));
	rcx_time_format(q->time_us, t);
	rcx_strbuf_printf(b, ", \"time\": \"%s\", \"raw_length\": %zu, \"truncated\": %s, ", t, q->raw_total,
			  q->raw_total > q->raw_len ? "true" : "false");
	/* The raw bytes may be anything (NUL, Latin-1): as text when they are valid UTF-8, and always as base64. */
	if (rcx_utf8_valid(q->raw, q->raw_len) && !memchr(q->raw, '\0', q->raw_len)) {
		rcx_strbuf_puts(b, "\"raw\": ");
		rcx_json_put_string(b, q->raw, q->raw_len);
		rcx_strbuf_puts(b, ", ");
	}
	rcx_strbuf_puts(b, "\"raw_base64\": \"");
	rcx_base64_put(b, (const uint8_t *)q->raw, q->raw_len);
	rcx_strbuf_puts(b, "\"}\n");
	return fwrite(b->data, 1, b->len, stdout) == b->len ? RCX_OK : RCX_EIO;
}

int cli_quarantine(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"after", required_argument, NULL, 'a'}, {"limit", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	static const char usage[] = "usage: rcx quarantine [--after ID] [--limit N]\n";
	uint64_t after = 0, limit = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (!parse_count(optarg, INT64_MAX, &after)) {
				cli_error("quarantine", "--after: '%s' is not an id", optarg);
				return 2;
			}
			break;
		case 'l':
			if (!parse_count(optarg, RCX_EVENTS_LIMIT_MAX, &limit)) {
				cli_error("quarantine", "--limit: '%s' is not a count", optarg);
				return 2;
			}
			break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	struct store *store;
	if (cli_store_open(cli, true, &store) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	enum rcx_result rc = store_quarantine_query(store, (int64_t)after, limit, print_quarantine, &b);
	if (rc != RCX_OK)
		cli_error("quarantine", "%s", rcx_result_message(rc));
	rcx_strbuf_free(&b);
	store_close(store);
	fflush(stdout);
	return rcx_result_exit(rc);
}
