/* The REST API: route table, authentication (API keys, session cookies with CSRF tokens), the
 * per-thread store, sessions, /me and the OpenAPI description. Handlers of data live in
 * http_api_events.c, http_api_admin.c and http_api_incidents*.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/text.h"
#include "core/time.h"
#include "http/http_api_impl.h"
#include "trust/trust_audit.h"

#define SESSION_COOKIE "rcx_session"

/* docs/openapi.json, embedded at build time */
extern const struct http_static_table http_static_api;

/* ---- the thread's store ---- */

static void store_destroy(void *p)
{
	store_close(p);
}

enum rcx_result api_app_init(struct api_app *app, const char *db_path, bool secure_cookie)
{
	memset(app, 0, sizeof(*app));
	app->db_path = db_path;
	app->secure_cookie = secure_cookie;
	return pthread_key_create(&app->store_key, store_destroy) == 0 ? RCX_OK : RCX_ENOMEM;
}

void api_app_free(struct api_app *app)
{
	pthread_key_delete(app->store_key);
}

struct store *api_store(struct http_request *req)
{
	struct api_app *app = req->app;
	struct store *s = pthread_getspecific(app->store_key);
	if (s)
		return s;
	if (store_open(app->db_path, false, &s) != RCX_OK) {
		if (app->log_error)
			app->log_error("cannot open the store");
		return NULL;
	}
	pthread_setspecific(app->store_key, s);
	return s;
}

/* ---- helpers ---- */

bool api_need_user(struct http_request *req)
{
	if (api_auth(req)->authenticated)
		return true;
	http_respond_unauthorized(req, "Bearer", "log in or send an API key");
	return false;
}

bool api_need_admin(struct http_request *req)
{
	if (!api_need_user(req))
		return false;
	if (api_auth(req)->p.viewer.role == TRUST_ROLE_ADMIN)
		return true;
	http_respond_error(req, RCX_EDENIED, "this needs an administrator");
	return false;
}

bool api_need_node_admin(struct http_request *req)
{
	if (!api_need_user(req))
		return false;
	if (api_auth(req)->p.viewer.node_admin)
		return true;
	http_respond_error(req, RCX_EDENIED, "this needs an administrator of the node");
	return false;
}

json_t *api_body(struct http_request *req)
{
	json_error_t err;
	json_t *j = req->body_len ? json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &err) : NULL;
	if (!json_is_object(j)) {
		json_decref(j);
		http_respond_error(req, RCX_EPARSE, "the request body must be a JSON object");
		return NULL;
	}
	return j;
}

enum rcx_result api_audit(struct http_request *req, const char *action, const char *object, json_t *detail)
{
	char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(detail);
	struct api_app *app = req->app;
	enum rcx_result r;
	if (app->audit) {
		/* reads are queued; changes wait until their entry is stored */
		r = trust_audit_writer_add(app->audit, api_auth(req)->actor, action, object, text, strcmp(action, "read") != 0);
	} else {
		struct store *s = api_store(req);
		r = s ? trust_audit_append(s, api_auth(req)->actor, action, object, text) : RCX_ESTORE;
	}
	free(text);
	if (r != RCX_OK && app->log_error)
		app->log_error("cannot write the audit log");
	return r;
}

int64_t api_id_param(struct http_request *req, const char *name)
{
	const char *v = http_param(req, name);
	int64_t id;
	if (!v || rcx_parse_i64(v, strlen(v), &id) != RCX_OK || id <= 0) {
		http_respond_error(req, RCX_ENOTFOUND, NULL);
		return 0;
	}
	return id;
}

int64_t api_user_id_param(struct http_request *req)
{
	return api_need_user(req) ? api_id_param(req, "id") : 0;
}

enum rcx_result api_fail(struct http_request *req, enum rcx_result r, char *why)
{
	enum rcx_result out = http_respond_error(req, r, why);
	free(why);
	return out;
}

/* ---- authentication ---- */

static bool unsafe_method(const char *m)
{
	return strcmp(m, "GET") && strcmp(m, "HEAD") && strcmp(m, "OPTIONS");
}

static void set_actor(struct api_auth *a)
{
	if (a->p.key_prefix[0])
		snprintf(a->actor, sizeof(a->actor), "key:%s user:%lld %s", a->p.key_prefix, (long long)a->p.viewer.user,
			 a->p.email);
	else
		snprintf(a->actor, sizeof(a->actor), "user:%lld %s", (long long)a->p.viewer.user, a->p.email);
}

/* API keys authenticated in the last AUTH_CACHE_US on this thread, so a client sending many
 * requests costs one key check a second, not five store reads each. A revoked key or disabled user
 * is refused within that second everywhere. Sessions are not cached: logging out is immediate. */
#define AUTH_CACHE_SLOTS 8
#define AUTH_CACHE_US 1000000
struct auth_cache_entry {
	uint8_t key_hash[16];
	int64_t until_us;
	struct trust_principal p;
};
static _Thread_local struct auth_cache_entry auth_cache[AUTH_CACHE_SLOTS];

static enum rcx_result auth_apikey_cached(struct store *s, const char *key, struct trust_principal *ret_p)
{
	uint8_t h[16];
	crypto_generichash(h, sizeof(h), (const unsigned char *)key, strlen(key), NULL, 0);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* not rcx_time_now: RCX_NOW pins that one in tests */
	int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	struct auth_cache_entry *slot = &auth_cache[h[0] % AUTH_CACHE_SLOTS];
	if (slot->until_us > now && sodium_memcmp(slot->key_hash, h, sizeof(h)) == 0) {
		*ret_p = slot->p;
		return RCX_OK;
	}
	enum rcx_result r = trust_auth_apikey(s, key, ret_p);
	if (r == RCX_OK) {
		memcpy(slot->key_hash, h, sizeof(h));
		slot->p = *ret_p;
		slot->until_us = now + AUTH_CACHE_US;
	}
	return r;
}

static enum rcx_result api_before(struct http_request *req)
{
	struct api_auth *a = rcx_arena_calloc(&req->arena, 1, sizeof(*a));
	a->p.viewer.kind = TRUST_VIEWER_ANONYMOUS;
	snprintf(a->actor, sizeof(a->actor), "anonymous %s", req->client ? req->client : "");
	req->auth = a;
	const char *authz = http_header(req, "Authorization");
	const char *cookie = authz ? NULL : http_cookie(req, SESSION_COOKIE);
	if (!authz && !cookie)
		return RCX_OK; /* anonymous: each handler decides */
	struct store *s = api_store(req);
	if (!s)
		return RCX_ESTORE; /* answered by the server as a JSON 500 */
	enum rcx_result r;
	if (authz) {
		if (strncasecmp(authz, "Bearer ", 7) != 0) {
			http_respond_unauthorized(req, "Bearer", "use Authorization: Bearer <API key>");
			return RCX_EDENIED;
		}
		r = auth_apikey_cached(s, authz + 7, &a->p);
		if (r == RCX_OK) {
			char *key = rcx_arena_alloc(&req->arena, 24);
			snprintf(key, 24, "key:%s", a->p.key_prefix);
			req->rate_key = key;
		}
	} else {
		r = trust_auth_session(s, cookie, &a->p);
		if (r == RCX_OK && unsafe_method(req->method)) {
			const char *csrf = http_header(req, "X-CSRF-Token");
			if (!csrf || strlen(csrf) != strlen(a->p.csrf) ||
			    sodium_memcmp(csrf, a->p.csrf, strlen(a->p.csrf)) != 0) {
				http_respond_problem(req, 403, "csrf", "missing or wrong X-CSRF-Token");
				return RCX_EDENIED;
			}
		}
	}
	if (r == RCX_EDENIED) {
		/* a stale cookie on a public route (the login form) is no reason to refuse */
		if (!authz && req->route && (req->route->flags & API_PUBLIC))
			return RCX_OK;
		http_respond_unauthorized(req, "Bearer", authz ? "invalid API key" : "the session has ended; log in again");
		return RCX_EDENIED;
	}
	if (r != RCX_OK) {
		http_respond_error(req, r, NULL);
		return r;
	}
	a->authenticated = true;
	set_actor(a);
	return RCX_OK;
}

/* ---- sessions, /me, OpenAPI ---- */

static json_t *user_json(const struct trust_principal *p)
{
	return json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)p->viewer.user, "email", p->email, "role",
			 trust_role_name(p->viewer.role), "org", (json_int_t)p->viewer.org);
}

static enum rcx_result api_login(struct http_request *req)
{
	json_t *body = api_body(req);
	if (!body)
		return RCX_OK;
	const char *email = json_string_value(json_object_get(body, "email"));
	const char *password = json_string_value(json_object_get(body, "password"));
	struct store *s = api_store(req);
	struct api_auth *a = api_auth(req);
	enum rcx_result r = RCX_EDENIED;
	if (email && password && s)
		r = trust_auth_password(s, email, password, &a->p);
	if (r != RCX_OK) {
		json_t *d = json_pack("{s:s, s:s}", "email", email ? email : "", "client", req->client);
		api_audit(req, "login.failed", "", d);
		json_decref(body);
		a->p.viewer.kind = TRUST_VIEWER_ANONYMOUS;
		return http_respond_unauthorized(req, NULL, "wrong e-mail or password");
	}
	json_decref(body);
	char token[TRUST_TOKEN_LEN], csrf[TRUST_TOKEN_LEN];
	r = trust_session_create(s, a->p.viewer.user, 0, token, csrf);
	if (r != RCX_OK)
		return http_respond_error(req, r, NULL);
	a->authenticated = true;
	set_actor(a);
	api_audit(req, "login", "", json_pack("{s:s}", "client", req->client));
	struct api_app *app = req->app;
	char cookie[256];
	snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", SESSION_COOKIE, token,
		 (long long)(TRUST_SESSION_TTL_US / 1000000), app->secure_cookie ? "; Secure" : "");
	sodium_memzero(token, sizeof(token));
	http_header_add(req, "Set-Cookie", cookie);
	return http_respond_json(req, 200, json_pack("{s:o, s:s}", "user", user_json(&a->p), "csrf", csrf));
}

static enum rcx_result api_logout(struct http_request *req)
{
	const char *cookie = http_cookie(req, SESSION_COOKIE);
	struct store *s = api_store(req);
	if (cookie && s)
		(void)trust_session_end(s, cookie);
	if (api_auth(req)->authenticated)
		api_audit(req, "logout", "", NULL);
	http_header_add(req, "Set-Cookie", SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	return http_respond_bytes(req, 204, NULL, "", 0);
}

static enum rcx_result api_me(struct http_request *req)
{
	if (!api_need_user(req))
		return RCX_OK;
	struct api_auth *a = api_auth(req);
	struct api_app *app = req->app;
	json_t *j = json_pack("{s:o, s:b, s:s}", "user", user_json(&a->p), "node_admin", a->p.viewer.node_admin, "node",
			      app->node_name ? app->node_name : "rcx");
	struct store *s = api_store(req);
	struct store_org o;
	if (s && store_org_get_id(s, a->p.viewer.org, &o) == RCX_OK)
		json_object_set_new(j, "org", json_pack("{s:I, s:s, s:s?, s:s?}", "id", (json_int_t)o.id, "name", o.name,
							"country", o.country, "kind", o.kind));
	if (a->p.via_session)
		json_object_set_new(j, "csrf", json_string(a->p.csrf));
	return http_respond_json(req, 200, j);
}

static enum rcx_result api_openapi(struct http_request *req)
{
	const struct http_static_file *f = http_static_find_in(&http_static_api, "/openapi.json");
	if (!f)
		return http_respond_error(req, RCX_ENOTFOUND, "this build has no OpenAPI description");
	return http_respond_bytes(req, 200, "application/json", f->data, f->len);
}

/* Everything that is not the API is the web UI. */
static enum rcx_result api_fallback(struct http_request *req)
{
	if (!strncmp(req->path, "/api/", 5) || !strncmp(req->path, "/taxii2/", 8))
		return RCX_ENOTFOUND;
	if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD"))
		return http_respond_problem(req, 405, "method_not_allowed", "the web UI answers GET only");
	const struct http_static_file *f = http_static_find(req->path);
	if (!f) /* client-side routes fall back to the application page */
		f = http_static_find("/index.html");
	if (!f)
		return RCX_ENOTFOUND;
	return http_respond_static(req, f);
}

const struct http_route api_routes[] = {
	{"POST", "/api/v1/session", api_login, API_PUBLIC},
	{"DELETE", "/api/v1/session", api_logout, API_PUBLIC},
	{"GET", "/api/v1/me", api_me, 0},
	{"GET", "/api/v1/openapi.json", api_openapi, API_PUBLIC},
	{"GET", "/api/v1/events", api_events_list, 0},
	{"GET", "/api/v1/events/count", api_events_count, 0},
	{"GET", "/api/v1/events/{id}", api_event_get, 0},
	{"POST", "/api/v1/events/{id}/share", api_event_share, 0},
	{"GET", "/api/v1/orgs", api_orgs_list, 0},
	{"POST", "/api/v1/orgs", api_org_add, 0},
	{"GET", "/api/v1/orgs/{id}", api_org_get, 0},
	{"PATCH", "/api/v1/orgs/{id}", api_org_patch, 0},
	{"GET", "/api/v1/users", api_users_list, 0},
	{"POST", "/api/v1/users", api_user_add, 0},
	{"PATCH", "/api/v1/users/{id}", api_user_patch, 0},
	{"GET", "/api/v1/groups", api_groups_list, 0},
	{"POST", "/api/v1/groups", api_group_add, 0},
	{"GET", "/api/v1/groups/{id}", api_group_get, 0},
	{"POST", "/api/v1/groups/{id}/members", api_group_members, 0},
	{"GET", "/api/v1/apikeys", api_keys_list, 0},
	{"POST", "/api/v1/apikeys", api_key_add, 0},
	{"DELETE", "/api/v1/apikeys/{id}", api_key_delete, 0},
	{"GET", "/api/v1/audit", api_audit_list, 0},
	{"GET", "/api/v1/audit/verify", api_audit_verify, 0},
	{"GET", "/api/v1/incidents", api_incidents_list, 0},
	{"POST", "/api/v1/incidents", api_incidents_create, 0},
	{"GET", "/api/v1/incidents/count", api_incidents_count, 0},
	{"GET", "/api/v1/incidents/overdue", api_incidents_overdue, 0},
	{"GET", "/api/v1/incidents/figures", api_incidents_figures, 0},
	{"GET", "/api/v1/incidents/figures/quarterly", api_incidents_quarterly, 0},
	{"GET", "/api/v1/incidents/{id}", api_incident_get, 0},
	{"POST", "/api/v1/incidents/{id}/status", api_incident_status, 0},
	{"POST", "/api/v1/incidents/{id}/assign", api_incident_assign, 0},
	{"POST", "/api/v1/incidents/{id}/notes", api_incident_note, 0},
	{"POST", "/api/v1/incidents/{id}/stages", api_incident_stage, 0},
	{"POST", "/api/v1/incidents/{id}/request", api_incident_request, 0},
	{"POST", "/api/v1/incidents/{id}/merge", api_incident_merge, 0},
	{"POST", "/api/v1/incidents/{id}/disclose", api_incident_disclose, 0},
	{"POST", "/api/v1/incidents/{id}/events", api_incident_link, 0},
	{"GET", "/api/v1/public/challenge", api_public_challenge, API_PUBLIC},
	{"POST", "/api/v1/public/reports", api_public_report, API_PUBLIC},
	{"GET", "/api/v1/public/reports/{receipt}", api_public_receipt, API_PUBLIC},
	{"POST", "/api/v1/public/reports/{receipt}/info", api_public_info, API_PUBLIC},
};
const size_t api_routes_n = sizeof(api_routes) / sizeof(api_routes[0]);

const struct http_app_hooks api_hooks = {
	.before = api_before,
	.fallback = api_fallback,
};
