/* rcx serve [--listen ADDR:PORT] [--routes]: the REST API and the web UI until SIGINT/SIGTERM.
 * Prints "rcx: listening on http://ADDR:PORT/" on stdout once it accepts connections. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "http/http.h"
#include "http/http_api.h"

static void serve_error(void *app, const char *message)
{
	(void)app;
	fprintf(stderr, "rcx serve: %s\n", message);
}

static void serve_log_error(const char *message)
{
	fprintf(stderr, "rcx serve: %s\n", message);
}

int cli_serve(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"listen", required_argument, NULL, 'l'}, {"routes", no_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	static const char usage[] = "usage: rcx serve [--listen ADDR:PORT] [--routes]\n"
				    "  --listen  numeric address and port (default [serve] listen, else 127.0.0.1:8080)\n"
				    "  --routes  print the API's routes (METHOD PATTERN) and exit\n";
	const char *listen = NULL;
	bool routes = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': listen = optarg; break;
		case 'r': routes = true; break;
		default: fputs(usage, c == 'h' ? stdout : stderr); return c == 'h' ? 0 : 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (routes) {
		for (size_t i = 0; i < api_routes_n; i++)
			printf("%s %s\n", api_routes[i].method, api_routes[i].pattern);
		return 0;
	}
	struct http_config cfg;
	const char *bad = NULL;
	if (http_config_from(cli->config, &cfg, &bad) != RCX_OK) {
		cli_error("serve", "[serve] %s: invalid value", bad ? bad : "?");
		return rcx_result_exit(RCX_ECONFIG);
	}
	if (listen)
		cfg.listen = listen;
	/* create and migrate the store once, before the worker threads open theirs */
	struct store *s = NULL;
	if (cli_store_open(cli, false, &s) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	store_close(s);

	const char *sc = rcx_config_get(cli->config, "serve", "secure_cookie");
	bool secure = cfg.tls_cert_file != NULL || (sc && (!strcmp(sc, "true") || !strcmp(sc, "yes")));
	struct api_app app;
	if (api_app_init(&app, cli->db_path, secure) != RCX_OK)
		return rcx_result_exit(RCX_ENOMEM);
	app.log_error = serve_log_error;
	app.node_name = rcx_config_get(cli->config, "serve", "node_name");
	app.config = cli->config;
	if (trust_audit_writer_start(cli->db_path, &app.audit) != RCX_OK) {
		cli_error("serve", "cannot start the audit writer");
		api_app_free(&app);
		return rcx_result_exit(RCX_ESTORE);
	}
	struct http_app_hooks hooks = api_hooks;
	hooks.error = serve_error;

	/* the worker threads inherit this mask; only the main thread takes the signals */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct cli_notify_loop *notify = NULL; /* sends queued e-mail when [smtp] is configured */
	if (cli_notify_loop_start(cli, &notify) != RCX_OK) {
		trust_audit_writer_stop(app.audit);
		api_app_free(&app);
		return rcx_result_exit(RCX_ECONFIG);
	}
	struct http_server *srv = NULL;
	enum rcx_result r = http_server_start(&cfg, api_routes, api_routes_n, &hooks, &app, &srv);
	if (r != RCX_OK) {
		cli_error("serve", "cannot listen on %s: %s", cfg.listen ? cfg.listen : "127.0.0.1:8080",
			  rcx_result_message(r));
		cli_notify_loop_stop(notify);
		trust_audit_writer_stop(app.audit);
		api_app_free(&app);
		return rcx_result_exit(r);
	}
	const char *addr = cfg.listen ? cfg.listen : "127.0.0.1:8080";
	const char *colon = strrchr(addr, ':');
	printf("rcx: listening on http%s://%.*s:%u/\n", cfg.tls_cert_file ? "s" : "", (int)(colon ? colon - addr : 0),
	       addr, (unsigned)http_server_port(srv));
	fflush(stdout);
	int sig = 0;
	sigwait(&set, &sig);
	if (!cli->quiet)
		fprintf(stderr, "rcx serve: stopping (signal %d)\n", sig);
	http_server_stop(srv);
	cli_notify_loop_stop(notify);
	trust_audit_writer_stop(app.audit); /* writes what is still queued */
	api_app_free(&app);
	return 0;
}
