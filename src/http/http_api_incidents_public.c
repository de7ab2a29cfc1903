/* REST: public reporting, without an account (/api/v1/public/). Abuse is bounded three ways:
 *   - a stricter token bucket per client address (IPv6: per /64) for these routes ([incident] public_rate_per_min,
 *     public_rate_burst), on top of the server's own limiter;
 *   - a proof of work per report (http_api_incidents_pow.h): GET challenge hands out a signed,
 *     stateless challenge; POST reports must carry a nonce solving it; a spent challenge is
 *     remembered until it expires, so each one buys exactly one report;
 *   - small bodies (RCX_INCIDENT_PUBLIC_BODY_MAX) before any parsing.
 * A report belongs to the node's receiving CERT ([incident] public_owner, else the first
 * organisation), TLP AMBER, distribution org, status new. Its receipt code (about 100 random
 * bits) is the reporter's only handle: GET reports/{receipt} shows title, status and times,
 * POST reports/{receipt}/info adds a note. Unknown and malformed receipts get the same 404 after
 * the same single lookup, so there is no oracle beyond guessing 100-bit codes. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/ip.h"
#include "core/limits.h"
#include "core/taxonomy.h"
#include "core/text.h"
#include "core/time.h"
#include "http/http_api_incidents.h"
#include "http/http_api_incidents_pow.h"
#include "incident/incident_case.h"

#define USED_PROBE 64u /* slots looked at for one spent challenge */

/* A spent challenge: the first bytes of its MAC, until it expires. */
struct used_slot {
	uint8_t mac[16];
	int64_t expires_s; /* 0 = free */
};

/* Process-wide state of the public path, set up on first use from the server's configuration. */
static struct {
	pthread_once_t once;
	uint8_t key[API_POW_KEY_BYTES];
	unsigned difficulty, ttl_s;
	struct http_rate *rate;
	const char *owner; /* [incident] public_owner; NULL = the first organisation */
	const char *problem; /* a configuration value that did not read (defaults used) */
	struct rcx_config *cfg;
	pthread_mutex_t lock;
	struct used_slot used[RCX_INCIDENT_POW_USED_MAX];
} pub = {.once = PTHREAD_ONCE_INIT, .lock = PTHREAD_MUTEX_INITIALIZER};

static unsigned conf_uint(const char *key, unsigned def, unsigned lo, unsigned hi)
{
	const char *v = rcx_config_get(pub.cfg, "incident", key);
	if (!v && !strcmp(key, "pow_difficulty"))
		v = rcx_config_get(pub.cfg, "serve", key);
	int64_t n;
	if (!v)
		return def;
	if (rcx_parse_i64(v, strlen(v), &n) != RCX_OK || n < lo || n > hi) {
		pub.problem = key;
		return def;
	}
	return (unsigned)n;
}

static void pub_init(void)
{
	const char *hex = rcx_config_get(pub.cfg, "incident", "pow_key");
	size_t bin_len = 0;
	if (!hex || sodium_hex2bin(pub.key, sizeof(pub.key), hex, strlen(hex), NULL, &bin_len, NULL) != 0 ||
	    bin_len != sizeof(pub.key)) {
		if (hex)
			pub.problem = "pow_key";
		crypto_auth_keygen(pub.key); /* challenges then live as long as the process */
	}
	pub.difficulty = conf_uint("pow_difficulty", RCX_INCIDENT_POW_DIFFICULTY, 1, RCX_INCIDENT_POW_DIFFICULTY_MAX);
	pub.ttl_s = RCX_INCIDENT_POW_TTL_S;
	const char *ttl = rcx_config_get(pub.cfg, "incident", "pow_ttl");
	int64_t us;
	if (ttl && rcx_duration_parse(ttl, strlen(ttl), &us) == RCX_OK && us >= 1000000 && us <= 86400LL * 1000000)
		pub.ttl_s = (unsigned)(us / 1000000);
	else if (ttl)
		pub.problem = "pow_ttl";
	unsigned per_min = conf_uint("public_rate_per_min", RCX_INCIDENT_PUBLIC_RATE_PER_MIN, 0, 1000000);
	unsigned burst = conf_uint("public_rate_burst", RCX_INCIDENT_PUBLIC_RATE_BURST, 1, 1000000);
	if (per_min > 0)
		(void)http_rate_new(per_min / 60.0, burst, RCX_HTTP_RATE_SLOTS, &pub.rate);
	pub.owner = rcx_config_get(pub.cfg, "incident", "public_owner");
}

static int64_t now_s(void)
{
	return rcx_time_now() / 1000000;
}

/* Sets up the state and takes a token of the stricter bucket; false once a 429 was answered. */
static bool pub_enter(struct http_request *req)
{
	struct api_app *app = req->app;
	pub.cfg = app->config;
	pthread_once(&pub.once, pub_init);
	if (pub.problem && app->log_error) {
		static _Atomic bool told;
		if (!told) {
			told = true;
			app->log_error("[incident] a public reporting key does not read; its default is used");
		}
	}
	if (!pub.rate)
		return true;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	unsigned retry = 1;
	const char *client = req->client ? req->client : "";
	struct rcx_ip ip;
	const void *k = client;
	size_t klen = strlen(client);
	if (rcx_ip_parse(client, klen, &ip) == RCX_OK) { /* IPv6 per /64, as the server's limiter */
		k = ip.addr;
		klen = ip.family == 6 ? 8 : 4;
	}
	if (http_rate_take(pub.rate, k, klen, (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u, &retry))
		return true;
	char secs[16];
	snprintf(secs, sizeof(secs), "%u", retry);
	http_header_add(req, "Retry-After", secs);
	http_respond_problem(req, 429, "rate_limited", "too many public reports from this address; try again later");
	return false;
}

/* Marks a verified challenge spent: RCX_EEXIST when it was already, RCX_ELIMIT when no slot is free. */
static enum rcx_result used_mark(const struct api_pow_challenge *c, int64_t now)
{
	size_t start = ((size_t)c->mac[0] | (size_t)c->mac[1] << 8 | (size_t)c->mac[2] << 16) % RCX_INCIDENT_POW_USED_MAX;
	struct used_slot *free_slot = NULL;
	enum rcx_result r = RCX_OK;
	pthread_mutex_lock(&pub.lock);
	for (size_t i = 0; i < USED_PROBE; i++) {
		struct used_slot *u = &pub.used[(start + i) % RCX_INCIDENT_POW_USED_MAX];
		bool live = u->expires_s >= now;
		if (live && !memcmp(u->mac, c->mac, sizeof(u->mac))) {
			r = RCX_EEXIST;
			break;
		}
		if (!live && !free_slot)
			free_slot = u;
	}
	if (r == RCX_OK && !free_slot)
		r = RCX_ELIMIT;
	if (r == RCX_OK) {
		memcpy(free_slot->mac, c->mac, sizeof(free_slot->mac));
		free_slot->expires_s = c->expires_s;
	}
	pthread_mutex_unlock(&pub.lock);
	return r;
}

/* ---- GET /public/challenge ---- */

enum rcx_result api_public_challenge(struct http_request *req)
{
	if (!pub_enter(req))
		return RCX_OK;
	char c[API_POW_BUF], t[RCX_TIME_BUF];
	int64_t now = now_s();
	if (api_pow_make(pub.key, now, pub.ttl_s, pub.difficulty, c) != RCX_OK)
		return http_respond_error(req, RCX_EINVAL, NULL);
	rcx_time_format((now + pub.ttl_s) * 1000000, t);
	return http_respond_json(req, 200, json_pack("{s:s, s:i, s:s, s:s}", "challenge", c, "difficulty",
						     (int)pub.difficulty, "expires", t, "algorithm",
						     "sha256(challenge \":\" nonce) has difficulty leading zero bits"));
}

/* ---- POST /public/reports ---- */

static json_t *small_body(struct http_request *req)
{
	if (req->body_len > RCX_INCIDENT_PUBLIC_BODY_MAX) {
		http_respond_error(req, RCX_ELIMIT, "a public report is at most 64 KiB");
		return NULL;
	}
	return api_body(req);
}

static bool pub_str(json_t *body, const char *key, const char **ret)
{
	json_t *v = json_object_get(body, key);
	*ret = json_string_value(v);
	return !v || json_is_null(v) || *ret;
}

enum rcx_result api_public_report(struct http_request *req)
{
	if (!pub_enter(req))
		return RCX_OK;
	json_t *body = small_body(req);
	if (!body)
		return RCX_OK;
	struct store *s = api_store(req);
	const char *challenge = NULL, *nonce = NULL, *rsit = NULL, *aware = NULL, *msg = NULL;
	struct store_incident in = {.loss_amount = -1, .label = {.tlp = RCX_TLP_AMBER, .dist = RCX_DIST_ORG}};
	struct api_pow_challenge c;
	enum rcx_result r = RCX_OK;
	if (!pub_str(body, "challenge", &challenge) || !pub_str(body, "nonce", &nonce) || !challenge || !nonce) {
		msg = "challenge and nonce are required: GET /api/v1/public/challenge, then solve it";
	} else if (api_pow_verify(pub.key, challenge, strlen(challenge), now_s(), &c) != RCX_OK) {
		msg = "the challenge is not one of ours or has expired; get a new one";
	} else if (!api_pow_work_ok(challenge, strlen(challenge), nonce, strlen(nonce), c.difficulty)) {
		msg = "the nonce does not solve the challenge";
	}
	if (msg) {
		json_decref(body);
		return http_respond_problem(req, 400, "proof_of_work", msg);
	}
	if (!pub_str(body, "title", &in.title) || !pub_str(body, "description", &in.description) ||
	    !pub_str(body, "contact", &in.reporter_contact) || !pub_str(body, "affected_name", &in.affected_name) ||
	    !pub_str(body, "sector", &in.sector) || !pub_str(body, "subsector", &in.subsector) ||
	    !pub_str(body, "rsit", &rsit) || !pub_str(body, "severity", &in.severity) || !pub_str(body, "aware_at", &aware))
		msg = "title, description, contact, affected_name, sector, subsector, rsit, severity and aware_at are strings";
	else if (!in.title)
		msg = "a report needs a title";
	else if (in.reporter_contact && strlen(in.reporter_contact) > RCX_INCIDENT_CONTACT_MAX)
		msg = "contact is at most 1024 bytes";
	else if (in.affected_name && strlen(in.affected_name) > RCX_INCIDENT_VICTIM_MAX)
		msg = "affected_name is at most 1024 bytes";
	else if (rsit && !(in.rsit = rcx_taxonomy_type_canonical(rsit, strlen(rsit))))
		msg = "rsit is an RSIT classification type (phishing, ddos, ...)";
	else if (aware && rcx_time_parse(aware, strlen(aware), &in.aware_us) != RCX_OK)
		msg = "aware_at is an ISO-8601 time";
	if (msg) {
		json_decref(body);
		return http_respond_error(req, RCX_EINVAL, msg);
	}
	if (!api_incident_countries(req, json_object_get(body, "countries"), &in.countries)) {
		json_decref(body);
		return RCX_OK;
	}
	char *why = NULL;
	if ((r = incident_case_check(&in, &why)) != RCX_OK) { /* before the challenge is spent */
		json_decref(body);
		return api_fail(req, r, why);
	}
	struct store_org o;
	if (!s || store_org_get(s, pub.owner, &o) != RCX_OK) {
		json_decref(body);
		return http_respond_error(req, RCX_ECONFIG, "this node takes no public reports (no receiving organisation)");
	}
	in.label.owner_org = o.id;
	struct incident_deadline_config dl;
	if (!api_incident_deadlines(req, s, in.label.owner_org, in.countries, &dl)) {
		json_decref(body);
		return RCX_OK;
	}
	r = used_mark(&c, now_s());
	if (r != RCX_OK) {
		json_decref(body);
		return r == RCX_EEXIST ? http_respond_problem(req, 409, "challenge_used",
							      "this challenge was used already; get a new one")
				       : http_respond_problem(req, 429, "rate_limited", "too many reports; try again later");
	}
	struct incident_actor who = {0};
	char receipt[INCIDENT_RECEIPT_BUF];
	int64_t id = 0;
	bool third_party = json_is_true(json_object_get(body, "third_party"));
	r = incident_case_create(s, &who, &dl, &in, &id, receipt, &why);
	json_decref(body);
	if (r != RCX_OK)
		return api_fail(req, r, why);
	if (third_party)
		(void)incident_case_note(s, &who, id, "third-party report: the reporter is not the affected party", NULL,
					 NULL);
	char object[48];
	snprintf(object, sizeof(object), "incident:%lld", (long long)id);
	api_audit(req, "incident.report", object,
		  json_pack("{s:s, s:b}", "client", req->client ? req->client : "", "third_party", third_party));
	return http_respond_json(req, 201, json_pack("{s:s}", "receipt", receipt));
}

/* ---- GET /public/reports/{receipt}, POST /public/reports/{receipt}/info ---- */

/* The incident of the receipt in the path (uppercased; malformed ones are looked up as well, so
 * every miss costs the same); false once a 404 was answered. */
static bool receipt_find(struct http_request *req, struct store *s, struct store_incident *ret, char *code)
{
	const char *p = http_param(req, "receipt");
	size_t n = p ? strlen(p) : 0;
	if (n >= INCIDENT_RECEIPT_BUF)
		n = INCIDENT_RECEIPT_BUF - 1;
	for (size_t i = 0; i < n; i++)
		code[i] = rcx_upper(p[i]);
	code[n] = '\0';
	if (!s || store_incident_get_receipt(s, code, ret) != RCX_OK || strlen(p ? p : "") != n) {
		http_respond_error(req, RCX_ENOTFOUND, "no report with that receipt code");
		return false;
	}
	return true;
}

enum rcx_result api_public_receipt(struct http_request *req)
{
	if (!pub_enter(req))
		return RCX_OK;
	struct store_incident inc;
	char code[INCIDENT_RECEIPT_BUF];
	if (!receipt_find(req, api_store(req), &inc, code))
		return RCX_OK;
	/* the reporter's own title and where the case stands; nothing the CERT added */
	return http_respond_json(req, 200, json_pack("{s:s, s:s, s:s, s:o, s:o}", "receipt", inc.receipt, "title",
						     inc.title, "status", inc.status, "created",
						     api_time_json(inc.created_us), "updated", api_time_json(inc.updated_us)));
}

enum rcx_result api_public_info(struct http_request *req)
{
	if (!pub_enter(req))
		return RCX_OK;
	json_t *body = small_body(req);
	if (!body)
		return RCX_OK;
	struct store *s = api_store(req);
	struct store_incident inc;
	char code[INCIDENT_RECEIPT_BUF];
	if (!receipt_find(req, s, &inc, code)) {
		json_decref(body);
		return RCX_OK;
	}
	int64_t id = inc.id;
	const char *text = json_string_value(json_object_get(body, "text"));
	if (!text || !*text) {
		json_decref(body);
		return http_respond_error(req, RCX_EINVAL, "text is the information to add (a non-empty string)");
	}
	char *note = rcx_strdup_printf("from the reporter: %s", text), *why = NULL;
	struct incident_actor who = {0}; /* anonymous; the receipt is the proof */
	int64_t entry = 0;
	enum rcx_result r = note ? incident_case_note(s, &who, id, note, &entry, &why) : RCX_ENOMEM;
	free(note);
	json_decref(body);
	if (r != RCX_OK)
		return api_fail(req, r, why);
	char object[48];
	snprintf(object, sizeof(object), "incident:%lld", (long long)id);
	api_audit(req, "incident.report_info", object, json_pack("{s:s}", "client", req->client ? req->client : ""));
	return http_respond_json(req, 201, json_pack("{s:s, s:b}", "receipt", code, "added", 1));
}
