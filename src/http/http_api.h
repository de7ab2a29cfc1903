/* The REST API of `rcx serve` (/api/v1/, docs/API.md): the route table and hooks handed to the
 * generic server (http.h). This is program code: it wires the server to the store and the trust
 * module; every read goes through the one visibility rule (trust_store_visibility / trust_visible).
 *
 * Each worker thread opens its own store handle on first use (SQLite handles are per thread);
 * authentication runs in the before() hook and leaves a struct api_auth in req->auth. */
#pragma once
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "trust/trust_audit.h"

/* Server-wide state shared by every request. */
struct api_app {
	const char *db_path;     /* the store every thread opens */
	bool secure_cookie;      /* add Secure to the session cookie (TLS, or [serve] secure_cookie) */
	const char *node_name;   /* shown in the UI's top bar ([serve] node_name) */
	pthread_key_t store_key; /* the thread's store handle, closed when the thread ends */
	void (*log_error)(const char *msg); /* where store failures are reported; may be NULL */
	struct trust_audit_writer *audit;   /* the batched audit writer; NULL = write synchronously */
	struct rcx_config *config;          /* the configuration ([incident] keys); NULL = defaults */
};

extern const struct http_route api_routes[];
extern const size_t api_routes_n;
extern const struct http_app_hooks api_hooks;

/* Prepares app for db_path (borrowed). */
enum rcx_result api_app_init(struct api_app *app, const char *db_path, bool secure_cookie);
/* Releases what api_app_init took (after the server stopped). */
void api_app_free(struct api_app *app);
