/* rcx notify: the e-mail outbox of incident notifications.
 *
 *   rcx notify list [--pending]     the queue as JSON lines
 *   rcx notify send [--retry-now]   delivers the due messages once over [smtp]; prints
 *                                   {"sent":N,"failed":N,"pending":N}; exit 0 only when none failed
 *
 * With [smtp] configured, `rcx serve` also sends on a background thread every [smtp] interval
 * (default 60 s; cli_notify_loop_start), with its own store handle.
 *
 * Also the program side of queuing (cli_notify_install): the notifier incident_case.c calls,
 * with the trust rule as its may_see callback and the federation's pseudonym key. Delivery is
 * audited here (action "notify.send"), once per delivered message: the incident module may not
 * use the audit log (trust), and the delivery is the moment something leaves the node. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/time.h"
#include "incident/incident_notify.h"
#include "incident/incident_pseudonym.h"
#include "store/store_incident.h"
#include "store/store_outbox.h"
#include "trust/trust.h"
#include "trust/trust_account.h"
#include "trust/trust_audit.h"

#define CMD "notify"

/* May organisation org read incident id? The rule, through the store's visibility filter. */
static bool org_may_see(void *ctx, struct store *s, int64_t org, int64_t id)
{
	(void)ctx;
	struct store_org o;
	struct trust_viewer v;
	struct store_visibility vis;
	struct store_incident inc;
	char name[512];
	if (store_org_get_id(s, org, &o) != RCX_OK || snprintf(name, sizeof(name), "%s", o.name) >= (int)sizeof(name))
		return false;
	if (trust_viewer_named(s, name, &v) != RCX_OK)
		return false;
	trust_store_visibility(&v, &vis);
	return store_incident_get(s, id, &vis, &inc) == RCX_OK;
}

static struct incident_pseudonym_key notify_key;
static struct incident_notify notifier = {.may_see = org_may_see};

void cli_notify_install(struct cli *cli)
{
	if (incident_pseudonym_key_load(cli->config, &notify_key, NULL) == RCX_OK)
		notifier.key = &notify_key;
	notifier.node_name = rcx_config_get(cli->config, "smtp", "node_name");
	incident_notify_install(&notifier);
}

static json_t *time_json(int64_t us)
{
	char buf[RCX_TIME_BUF];
	if (!us)
		return json_null();
	rcx_time_format(us, buf);
	return json_string(buf);
}

static enum rcx_result list_row(void *ctx, const struct store_outbox_msg *m)
{
	(void)ctx;
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(m->id));
	json_object_set_new(j, "status", json_string(m->sent_us ? "sent" : "pending"));
	json_object_set_new(j, "org", m->org ? json_integer(m->org) : json_null());
	json_object_set_new(j, "to", json_string(m->address));
	json_object_set_new(j, "incident", m->incident ? json_integer(m->incident) : json_null());
	json_object_set_new(j, "subject", json_string(m->subject));
	json_object_set_new(j, "created", time_json(m->created_us));
	json_object_set_new(j, "attempts", json_integer(m->attempts));
	json_object_set_new(j, "last_error", m->last_error ? json_string(m->last_error) : json_null());
	json_object_set_new(j, "next_try", m->sent_us ? json_null() : time_json(m->next_us));
	json_object_set_new(j, "sent", time_json(m->sent_us));
	json_object_set_new(j, "body", json_string(m->body));
	char *t = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!t)
		return RCX_ENOMEM;
	puts(t);
	free(t);
	return RCX_OK;
}

struct audit_ctx {
	struct store *s;
	enum rcx_result failed;
};

static enum rcx_result audit_sent(void *ctx, const struct store_outbox_msg *m)
{
	struct audit_ctx *a = ctx;
	char object[48];
	snprintf(object, sizeof(object), "incident:%lld", (long long)m->incident);
	json_t *d = json_object();
	json_object_set_new(d, "outbox", json_integer(m->id));
	json_object_set_new(d, "org", json_integer(m->org));
	json_object_set_new(d, "to", json_string(m->address));
	char *text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	enum rcx_result r = text ? trust_audit_append(a->s, "cli", "notify.send", object, text) : RCX_ENOMEM;
	free(text);
	if (r != RCX_OK) { /* the mail is out: say so, keep going */
		cli_error(CMD, "message %lld was sent but could not be written to the audit log: %s", (long long)m->id,
			  rcx_result_message(r));
		a->failed = r;
	}
	return RCX_OK;
}

int cli_notify(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"pending", no_argument, NULL, 'p'},
		{"retry-now", no_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char usage[] = "usage: rcx notify list [--pending]\n"
				    "       rcx notify send [--retry-now]\n"
				    "send delivers the due messages over the [smtp] server of the configuration.\n";
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	bool pending = false, retry_now = false;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': pending = true; break;
		case 'r': retry_now = true; break;
		default: fputs(usage, c == 'h' ? stdout : stderr); return c == 'h' ? 0 : 2;
		}
	}
	bool list = !strcmp(sub, "list");
	if ((!list && strcmp(sub, "send")) || optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	struct incident_smtp smtp = {0};
	if (!list) {
		char *why = NULL;
		enum rcx_result r = incident_smtp_load(cli->config, &smtp, &why);
		if (r != RCX_OK) {
			cli_error(CMD, "%s", r == RCX_ENOTFOUND ? "no [smtp] host in the configuration (--config FILE)"
							 : why ? why : rcx_result_message(r));
			free(why);
			return rcx_result_exit(RCX_ECONFIG);
		}
	}
	struct store *s = NULL;
	enum rcx_result r = cli_store_open(cli, false, &s); /* read-write: an older file gets the outbox table */
	if (r != RCX_OK) {
		incident_smtp_free(&smtp);
		return rcx_result_exit(r);
	}
	int status = 0;
	if (list) {
		r = store_outbox_list(s, 0, 0, pending, 0, list_row, NULL);
		if (r != RCX_OK) {
			cli_error(CMD, "listing the outbox failed: %s", rcx_result_message(r));
			status = rcx_result_exit(r);
		}
	} else {
		struct incident_notify_summary sum = {0};
		struct audit_ctx a = {s, RCX_OK};
		r = incident_notify_drain(s, &smtp, 0, retry_now, audit_sent, &a, &sum);
		if (r == RCX_OK || r == RCX_EIO) {
			printf("{\"sent\":%llu,\"failed\":%llu,\"pending\":%llu}\n", (unsigned long long)sum.sent,
			       (unsigned long long)sum.failed, (unsigned long long)sum.pending);
			if (r == RCX_EIO)
				cli_error(CMD, "%llu message(s) could not be sent; they stay queued (rcx notify list --pending)",
					  (unsigned long long)sum.failed);
		} else {
			cli_error(CMD, "sending failed: %s", rcx_result_message(r));
		}
		if (r == RCX_OK && a.failed != RCX_OK)
			r = a.failed;
		status = r == RCX_OK ? 0 : rcx_result_exit(r);
	}
	store_close(s);
	incident_smtp_free(&smtp);
	return status;
}

/* ---- the sender of rcx serve ---- */

struct cli_notify_loop {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	bool quiet;
	int64_t interval_s;
	const char *db_path;
	struct incident_smtp smtp;
};

static void *loop_main(void *arg)
{
	struct cli_notify_loop *l = arg;
	struct store *s = NULL;
	enum rcx_result r = store_open(l->db_path, false, &s);
	if (r != RCX_OK) {
		cli_error("serve", "notifications: cannot open the store: %s", rcx_result_message(r));
		return NULL;
	}
	pthread_mutex_lock(&l->lock);
	while (!l->stop) {
		pthread_mutex_unlock(&l->lock);
		struct incident_notify_summary sum = {0};
		struct audit_ctx a = {s, RCX_OK};
		r = incident_notify_drain(s, &l->smtp, 0, false, audit_sent, &a, &sum);
		if (r != RCX_OK && !l->quiet)
			cli_error("serve", "notifications: %llu sent, %llu failed, %llu pending (%s)",
				  (unsigned long long)sum.sent, (unsigned long long)sum.failed,
				  (unsigned long long)sum.pending, rcx_result_message(r));
		pthread_mutex_lock(&l->lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)l->interval_s;
		while (!l->stop && pthread_cond_timedwait(&l->wake, &l->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&l->lock);
	store_close(s);
	return NULL;
}

enum rcx_result cli_notify_loop_start(struct cli *cli, struct cli_notify_loop **ret_loop)
{
	char *why = NULL;
	struct incident_smtp smtp = {0};
	*ret_loop = NULL;
	enum rcx_result r = incident_smtp_load(cli->config, &smtp, &why);
	if (r == RCX_ENOTFOUND)
		return RCX_OK; /* no [smtp]: a timer runs `rcx notify send`, or nothing is sent */
	if (r != RCX_OK) {
		cli_error("serve", "%s", why ? why : rcx_result_message(r));
		free(why);
		return r;
	}
	int64_t interval = 60;
	const char *iv = rcx_config_get(cli->config, "smtp", "interval");
	if (iv && (rcx_duration_parse(iv, strlen(iv), &interval) != RCX_OK || interval < 1000000)) {
		cli_error("serve", "[smtp] interval: a duration of at least 1s (30s, 5m)");
		incident_smtp_free(&smtp);
		return RCX_ECONFIG;
	}
	if (iv)
		interval /= 1000000;
	struct cli_notify_loop *l = calloc(1, sizeof(*l));
	if (!l) {
		incident_smtp_free(&smtp);
		return RCX_ENOMEM;
	}
	l->smtp = smtp;
	l->interval_s = interval;
	l->quiet = cli->quiet;
	l->db_path = cli->db_path;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->wake, NULL);
	if (pthread_create(&l->thread, NULL, loop_main, l) != 0) {
		pthread_cond_destroy(&l->wake);
		pthread_mutex_destroy(&l->lock);
		incident_smtp_free(&l->smtp);
		free(l);
		return RCX_ENOMEM;
	}
	*ret_loop = l;
	return RCX_OK;
}

void cli_notify_loop_stop(struct cli_notify_loop *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	l->stop = true;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
	pthread_join(l->thread, NULL);
	pthread_cond_destroy(&l->wake);
	pthread_mutex_destroy(&l->lock);
	incident_smtp_free(&l->smtp);
	free(l);
}
