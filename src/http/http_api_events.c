/* REST: events — list (streamed, cursor-paged), count, one, share. Every read is filtered by
 * the one visibility rule in the store query (flt.vis); reads of AMBER, AMBER+STRICT and RED
 * events are written to the audit log, one entry per request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/limits.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "http/http_api_impl.h"
#include "store/store_filter.h"
#include "trust/trust_share.h"

#define EVENTS_PAGE_DEFAULT 100u
#define EVENTS_PAGE_MAX 10000u
#define EVENTS_CHUNK 256u         /* events fetched per producer call */
#define AUDIT_IDS_MAX 1000u       /* event ids named in one read entry */

/* Reads the filters of the query string; answers 400 and returns false on a bad one. */
static bool filters_from_query(struct http_request *req, struct store_event_filter *flt, bool paged)
{
	for (size_t i = 0; i < req->nquery; i++) {
		const struct http_kv *kv = &req->query[i];
		if (!paged && (!strcmp(kv->key, "limit") || !strcmp(kv->key, "after")))
			continue;
		enum rcx_result r = store_event_filter_set(flt, kv->key, kv->value, EVENTS_PAGE_MAX);
		if (r == RCX_ENOTFOUND)
			continue; /* unknown parameters are ignored, as HTTP APIs usually do */
		if (r != RCX_OK) {
			char *msg = rcx_strdup_printf("bad value for %s: '%.100s'", kv->key, kv->value);
			api_fail(req, RCX_EINVAL, msg);
			return false;
		}
	}
	return true;
}

/* Collects the ids of restricted events a request returned, for one audit entry. */
struct read_log {
	uint64_t count;
	int64_t ids[AUDIT_IDS_MAX];
	size_t n;
};

static void read_log_add(struct read_log *rl, int64_t id, enum rcx_tlp tlp)
{
	if (tlp == RCX_TLP_CLEAR || tlp == RCX_TLP_GREEN)
		return;
	rl->count++;
	if (rl->n < AUDIT_IDS_MAX)
		rl->ids[rl->n++] = id;
}

static void read_log_flush(struct http_request *req, struct read_log *rl)
{
	if (rl->count == 0)
		return;
	json_t *ids = json_array();
	for (size_t i = 0; i < rl->n; i++)
		json_array_append_new(ids, json_integer(rl->ids[i]));
	api_audit(req, "read", "events", json_pack("{s:I, s:o}", "count", (json_int_t)rl->count, "ids", ids));
	rl->count = rl->n = 0;
}

/* ---- GET /events: streamed ---- */

struct events_stream {
	struct http_request *req;
	struct store_event_filter flt;
	struct trust_viewer viewer;
	struct store_visibility vis;
	uint64_t remaining;   /* events still to send */
	int64_t last_id;
	bool started;
	uint64_t sent;
	uint64_t chunk_got;
	bool more;            /* a row exists after the page */
	struct rcx_strbuf *out;
	enum rcx_result err;
	struct read_log reads;
};

static enum rcx_result stream_event(void *ctx, const struct store_event_json *row)
{
	struct events_stream *st = ctx;
	if (st->remaining == 0) { /* the look-ahead row past the page: there is a next page */
		st->more = true;
		return RCX_ELIMIT;
	}
	if ((st->sent > 0 && rcx_strbuf_putc(st->out, ',') != RCX_OK) ||
	    rcx_strbuf_append(st->out, row->json, row->len) != RCX_OK)
		return RCX_ENOMEM;
	st->last_id = row->id;
	read_log_add(&st->reads, row->id, row->tlp);
	st->sent++;
	st->remaining--;
	st->chunk_got++;
	return RCX_OK;
}

/* Appends the next EVENTS_CHUNK events; the last chunk asks the store for one row more, to learn
 * whether a next page exists without a second query. */
static enum http_stream_state events_produce(void *ctx, struct rcx_strbuf *out)
{
	struct events_stream *st = ctx;
	struct store *s = api_store(st->req);
	if (!s)
		return HTTP_STREAM_ERROR;
	st->out = out;
	if (!st->started) {
		st->started = true;
		if (rcx_strbuf_puts(out, "{\"events\":[") != RCX_OK)
			return HTTP_STREAM_ERROR;
	}
	uint64_t want = st->remaining < EVENTS_CHUNK ? st->remaining : EVENTS_CHUNK;
	bool last = want == st->remaining;
	st->chunk_got = 0;
	st->flt.limit = want + (last ? 1 : 0);
	st->flt.after_id = st->last_id;
	enum rcx_result r = store_event_query_json(s, &st->flt, stream_event, st);
	if (r != RCX_OK && !(r == RCX_ELIMIT && st->more))
		return HTTP_STREAM_ERROR;
	if (!last && st->chunk_got == want)
		return HTTP_STREAM_MORE;
	if (st->more)
		rcx_strbuf_printf(out, "],\"next\":\"%lld\"}", (long long)st->last_id);
	else
		rcx_strbuf_puts(out, "],\"next\":null}");
	read_log_flush(st->req, &st->reads);
	return HTTP_STREAM_DONE;
}

enum rcx_result api_events_list(struct http_request *req)
{
	if (!api_need_user(req))
		return RCX_OK;
	struct events_stream *st = rcx_arena_calloc(&req->arena, 1, sizeof(*st));
	st->req = req;
	if (!filters_from_query(req, &st->flt, true))
		return RCX_OK;
	st->remaining = st->flt.limit ? st->flt.limit : EVENTS_PAGE_DEFAULT;
	st->last_id = st->flt.after_id;
	st->viewer = api_auth(req)->p.viewer;
	trust_store_visibility(&st->viewer, &st->vis);
	st->flt.vis = &st->vis;
	if (!api_store(req))
		return http_respond_error(req, RCX_ESTORE, NULL);
	if (st->remaining > EVENTS_CHUNK) /* large pages are streamed, never held whole */
		return http_respond_stream(req, 200, "application/json", events_produce, st, NULL);
	/* a page of one chunk is answered in one piece: no chunked encoding for a few KB */
	struct rcx_strbuf body = RCX_STRBUF_INIT(0);
	enum http_stream_state state = events_produce(st, &body);
	enum rcx_result r = state == HTTP_STREAM_DONE
				    ? http_respond_bytes(req, 200, "application/json", body.data, body.len)
				    : http_respond_error(req, RCX_ESTORE, NULL);
	rcx_strbuf_free(&body);
	return r;
}

/* ---- GET /events/count ---- */

enum rcx_result api_events_count(struct http_request *req)
{
	if (!api_need_user(req))
		return RCX_OK;
	struct store_event_filter flt = {0};
	if (!filters_from_query(req, &flt, false))
		return RCX_OK;
	struct trust_viewer v = api_auth(req)->p.viewer;
	struct store_visibility vis;
	trust_store_visibility(&v, &vis);
	flt.vis = &vis;
	struct store *s = api_store(req);
	uint64_t n = 0;
	enum rcx_result r = s ? store_event_count(s, &flt, &n) : RCX_ESTORE;
	if (r != RCX_OK)
		return http_respond_error(req, r, NULL);
	return http_respond_json(req, 200, json_pack("{s:I}", "count", (json_int_t)n));
}

/* ---- GET /events/{id} ---- */

struct one_event {
	struct rcx_strbuf json;
	bool found;
	bool owned_by_viewer; /* rcx.org names the viewer's organisation */
	const char *viewer_org;
	struct read_log reads;
};

static enum rcx_result keep_event(void *ctx, const struct event *ev)
{
	struct one_event *o = ctx;
	o->found = true;
	o->owned_by_viewer = ev->f[EF_RCX_ORG] && !strcmp(ev->f[EF_RCX_ORG], o->viewer_org);
	const char *id = ev->f[EF_RCX_ID], *tlp = ev->f[EF_TLP];
	int64_t v = 0;
	enum rcx_tlp t = RCX_TLP_AMBER; /* a stored event always reads back with both */
	if (id)
		(void)rcx_parse_i64(id, strlen(id), &v);
	if (tlp)
		(void)rcx_tlp_parse(tlp, strlen(tlp), &t);
	read_log_add(&o->reads, v, t);
	return event_to_json(ev, EVENT_JSON_META, &o->json);
}

/* Appends ,"recipients":{"orgs":[id…],"users":[{"id","email"}…]} before the closing brace (the
 * owner's view: the owner named them). The label's arrays die with the next store call, so they
 * are copied first. */
static enum rcx_result add_recipients(struct http_request *req, struct store *s, struct rcx_strbuf *b,
				      const struct rcx_label *l)
{
	if (b->len == 0 || b->data[b->len - 1] != '}')
		return RCX_EINVAL;
	size_t n_users = l->n_users;
	int64_t *users = rcx_arena_alloc(&req->arena, (n_users + 1) * sizeof(*users));
	if (n_users)
		memcpy(users, l->users, n_users * sizeof(*users));
	b->len--;
	rcx_strbuf_puts(b, ",\"recipients\":{\"orgs\":[");
	for (size_t i = 0; i < l->n_orgs; i++)
		rcx_strbuf_printf(b, "%s%lld", i ? "," : "", (long long)l->orgs[i]);
	rcx_strbuf_puts(b, "],\"users\":[");
	for (size_t i = 0; i < n_users; i++) {
		struct store_user u;
		rcx_strbuf_printf(b, "%s{\"id\":%lld,\"email\":", i ? "," : "", (long long)users[i]);
		if (store_user_get_id(s, users[i], &u) == RCX_OK && u.email)
			rcx_json_put_string(b, u.email, strlen(u.email));
		else
			rcx_strbuf_puts(b, "null");
		rcx_strbuf_putc(b, '}');
	}
	return rcx_strbuf_puts(b, "]}}");
}

enum rcx_result api_event_get(struct http_request *req)
{
	int64_t id = api_user_id_param(req);
	if (!id)
		return RCX_OK;
	struct trust_viewer v = api_auth(req)->p.viewer;
	struct store_visibility vis;
	trust_store_visibility(&v, &vis);
	struct store_event_filter flt = {.id = id, .limit = 1, .vis = &vis};
	struct store *s = api_store(req);
	if (!s)
		return http_respond_error(req, RCX_ESTORE, NULL);
	struct one_event *o = rcx_arena_calloc(&req->arena, 1, sizeof(*o));
	o->json = (struct rcx_strbuf)RCX_STRBUF_INIT(0);
	o->viewer_org = api_auth(req)->p.org_name;
	enum rcx_result r = store_event_query(s, &flt, keep_event, o);
	if (r == RCX_OK && !o->found)
		r = RCX_ENOTFOUND; /* invisible and absent look the same */
	if (r == RCX_OK && o->owned_by_viewer) { /* the owner also sees whom it named */
		struct rcx_label l;
		if (store_event_label_get(s, id, &l) == RCX_OK && l.owner_org == v.org && v.org > 0)
			r = add_recipients(req, s, &o->json, &l);
	}
	if (r != RCX_OK) {
		rcx_strbuf_free(&o->json);
		return http_respond_error(req, r, NULL);
	}
	read_log_flush(req, &o->reads);
	r = http_respond_bytes(req, 200, "application/json", o->json.data, o->json.len);
	rcx_strbuf_free(&o->json);
	return r;
}

/* ---- POST /events/{id}/share ---- */

/* Reads a list of organisations (ids or names) or users (ids or e-mails) into ids. */
static enum rcx_result share_list(struct store *s, json_t *arr, bool users, int64_t *ids, size_t *ret_n)
{
	size_t n = 0, i;
	json_t *x;
	if (!arr)
		goto done;
	if (!json_is_array(arr) || json_array_size(arr) > RCX_RECIPIENTS_MAX)
		return RCX_EINVAL;
	json_array_foreach(arr, i, x) {
		int64_t id = 0;
		if (json_is_integer(x)) {
			id = json_integer_value(x);
		} else if (json_is_string(x)) {
			const char *name = json_string_value(x);
			if (users) {
				struct store_user u;
				if (store_user_get(s, name, &u) != RCX_OK)
					return RCX_EINVAL;
				id = u.id;
			} else {
				struct store_org o;
				if (store_org_get(s, name, &o) != RCX_OK)
					return RCX_EINVAL;
				id = o.id;
			}
		}
		if (id <= 0)
			return RCX_EINVAL;
		ids[n++] = id;
	}
done:
	*ret_n = n;
	return RCX_OK;
}

enum rcx_result api_event_share(struct http_request *req)
{
	int64_t id = api_user_id_param(req);
	if (!id)
		return RCX_OK;
	json_t *body = api_body(req);
	if (!body)
		return RCX_OK;
	struct store *s = api_store(req);
	struct trust_share *sh = rcx_arena_calloc(&req->arena, 1, sizeof(*sh));
	const char *tlp = json_string_value(json_object_get(body, "tlp"));
	const char *dist = json_string_value(json_object_get(body, "distribution"));
	json_t *group = json_object_get(body, "group");
	char *why = NULL;
	enum rcx_result r = RCX_OK;
	if (!s) {
		r = RCX_ESTORE;
	} else if (!tlp || rcx_tlp_parse(tlp, strlen(tlp), &sh->tlp) != RCX_OK) {
		r = RCX_EINVAL;
		why = strdup("tlp must be clear, green, amber, amber+strict or red");
	} else if (!dist || rcx_dist_parse(dist, strlen(dist), &sh->dist) != RCX_OK) {
		r = RCX_EINVAL;
		why = strdup("distribution must be org, group, node or federation");
	} else if (share_list(s, json_object_get(body, "orgs"), false, sh->orgs, &sh->n_orgs) != RCX_OK ||
		   share_list(s, json_object_get(body, "users"), true, sh->users, &sh->n_users) != RCX_OK) {
		r = RCX_EINVAL;
		why = strdup("orgs and users are lists of existing organisations (id or name) and users (id or e-mail)");
	} else if (group && !json_is_null(group)) {
		if (json_is_integer(group)) {
			sh->group = json_integer_value(group);
		} else if (json_is_string(group)) {
			struct store_group g;
			if (store_group_get(s, json_string_value(group), &g) == RCX_OK)
				sh->group = g.id;
			else
				r = RCX_EINVAL, why = strdup("no such sharing group");
		} else {
			r = RCX_EINVAL, why = strdup("group is a sharing group id or name");
		}
	}
	if (r == RCX_OK)
		r = trust_event_share(s, &api_auth(req)->p.viewer, id, sh, &why);
	if (r != RCX_OK) {
		json_decref(body);
		return api_fail(req, r, why);
	}
	char object[48];
	snprintf(object, sizeof(object), "event:%lld", (long long)id);
	json_object_del(body, "password");
	api_audit(req, "event.share", object, body); /* consumes body */
	json_t *orgs = json_array(), *users = json_array();
	for (size_t i = 0; i < sh->n_orgs; i++)
		json_array_append_new(orgs, json_integer(sh->orgs[i]));
	for (size_t i = 0; i < sh->n_users; i++)
		json_array_append_new(users, json_integer(sh->users[i]));
	return http_respond_json(req, 200,
				 json_pack("{s:I, s:s, s:s, s:I, s:{s:o, s:o}}", "id", (json_int_t)id, "tlp",
					   rcx_tlp_name(sh->tlp), "distribution", rcx_dist_name(sh->dist), "group",
					   (json_int_t)sh->group, "recipients", "orgs", orgs, "users", users));
}
