/* REST: organisations, users, sharing groups, API keys and the audit log. Validation is the
 * trust module's (trust_org.c), the same as the command line's; every change is audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/time.h"
#include "http/http_api_impl.h"
#include "trust/trust_audit.h"
#include "trust/trust_org.h"

#define LIST_MAX 10000u /* rows of an admin listing */

static json_t *time_json(int64_t us)
{
	if (us <= 0)
		return json_null();
	char t[RCX_TIME_BUF];
	rcx_time_format(us, t);
	return json_string(t);
}

static void object_name(char *buf, size_t n, const char *kind, int64_t id)
{
	snprintf(buf, n, "%s:%lld", kind, (long long)id);
}

/* Answers {"<name>": arr} for a listing the store filled (RCX_ELIMIT: cut at LIST_MAX), or the
 * store's error. Takes arr. */
static enum rcx_result respond_list(struct http_request *req, const char *name, json_t *arr, enum rcx_result r)
{
	if (r != RCX_OK && r != RCX_ELIMIT) {
		json_decref(arr);
		return http_respond_error(req, r, NULL);
	}
	return http_respond_json(req, 200, json_pack("{s:o}", name, arr));
}

/* ---- organisations ---- */

static json_t *org_json(const struct store_org *o)
{
	json_t *contacts = o->contacts ? json_loads(o->contacts, 0, NULL) : NULL;
	return json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:I, s:o, s:o}", "id", (json_int_t)o->id, "name", o->name,
			 "country", o->country, "kind", o->kind, "sector", o->sector, "parent", (json_int_t)o->parent,
			 "contacts", contacts ? contacts : json_array(), "created", time_json(o->created_us));
}

static enum rcx_result collect_org(void *ctx, const struct store_org *o)
{
	return json_array_size(ctx) < LIST_MAX ? (json_array_append_new(ctx, org_json(o)), RCX_OK) : RCX_ELIMIT;
}

enum rcx_result api_orgs_list(struct http_request *req)
{
	if (!api_need_user(req))
		return RCX_OK;
	json_t *arr = json_array();
	struct store *s = api_store(req);
	return respond_list(req, "orgs", arr, s ? store_org_list(s, collect_org, arr) : RCX_ESTORE);
}

/* Reads the organisation fields of a request body into spec (strings owned by body). contacts
 * are re-serialised into the request's arena. */
static bool org_spec_from(struct http_request *req, json_t *body, struct trust_org_spec *spec)
{
	spec->name = json_string_value(json_object_get(body, "name"));
	spec->country = json_string_value(json_object_get(body, "country"));
	spec->kind = json_string_value(json_object_get(body, "kind"));
	spec->sector = json_string_value(json_object_get(body, "sector"));
	json_t *parent = json_object_get(body, "parent");
	if (json_is_integer(parent)) {
		struct store_org p;
		struct store *s = api_store(req);
		int64_t pid = json_integer_value(parent);
		if (pid == 0) {
			spec->parent = "";
		} else if (s && store_org_get_id(s, pid, &p) == RCX_OK) {
			spec->parent = rcx_arena_strdup(&req->arena, p.name);
		} else {
			http_respond_error(req, RCX_EINVAL, "parent is not an organisation");
			return false;
		}
	} else if (json_is_string(parent) || json_is_null(parent)) {
		spec->parent = json_is_null(parent) ? "" : json_string_value(parent);
	}
	json_t *contacts = json_object_get(body, "contacts");
	if (contacts) {
		char *t = json_dumps(contacts, JSON_COMPACT | JSON_ENCODE_ANY);
		spec->contacts = t ? rcx_arena_strdup(&req->arena, t) : "x";
		free(t);
	}
	return true;
}

static enum rcx_result respond_org(struct http_request *req, int64_t id, unsigned status)
{
	struct store_org o;
	struct store *s = api_store(req);
	enum rcx_result r = s ? store_org_get_id(s, id, &o) : RCX_ESTORE;
	if (r != RCX_OK)
		return http_respond_error(req, r, NULL);
	return http_respond_json(req, status, org_json(&o));
}

enum rcx_result api_org_add(struct http_request *req)
{
	if (!api_need_node_admin(req))
		return RCX_OK;
	json_t *body = api_body(req);
	if (!body)
		return RCX_OK;
	struct trust_org_spec spec = {0};
	struct store *s = api_store(req);
	if (!org_spec_from(req, body, &spec)) {
		json_decref(body);
		return RCX_OK;
	}
	char *why = NULL;
	int64_t id = 0;
	enum rcx_result r = s ? trust_org_add(s, &spec, &id, &why) : RCX_ESTORE;
	if (r != RCX_OK) {
		json_decref(body);
		return api_fail(req, r, why);
	}
	char obj[48];
	object_name(obj, sizeof(obj), "org", id);
	api_audit(req, "org.add", obj, body);
	return respond_org(req, id, 201);
}

enum rcx_result api_org_get(struct http_request *req)
{
	int64_t id = api_user_id_param(req);
	return id ? respond_org(req, id, 200) : RCX_OK;
}

enum rcx_result api_org_patch(struct http_request *req)
{
	int64_t id = api_user_id_param(req);
	if (!id)
		return RCX_OK;
	const struct trust_viewer *v = &api_auth(req)->p.viewer;
	if (!v->node_admin && !(v->role == TRUST_ROLE_ADMIN && v->org == id))
		return http_respond_error(req, RCX_EDENIED, "only node admins and the organisation's admins change it");
	json_t *body = api_body(req);
	if (!body)
		return RCX_OK;
	struct store *s = api_store(req);
	struct store_org cur;
	enum rcx_result r = s ? store_org_get_id(s, id, &cur) : RCX_ESTORE;
	if (r != RCX_OK) {
		json_decref(body);
		return http_respond_error(req, r, NULL);
	}
	const char *name = rcx_arena_strdup(&req->arena, cur.name);
	struct trust_org_spec spec = {0};
	if (!org_spec_from(req, body, &spec)) {
		json_decref(body);
		return RCX_OK;
	}
	spec.name = name; /* renaming is not offered */
	char *why = NULL;
	r = trust_org_set(s, &spec, NULL, &why);
	if (r != RCX_OK) {
		json_decref(body);
		return api_fail(req, r, why);
	}
	char obj[48];
	object_name(obj, sizeof(obj), "org", id);
	api_audit(req, "org.update", obj, body);
	return respond_org(req, id, 200);
}

/* ---- users ---- */

static json_t *user_json(const struct store_user *u)
{
	return json_pack("{s:I, s:s, s:s?, s:I, s:s, s:b, s:o}", "id", (json_int_t)u->id, "email", u->email, "name",
			 u->name, "org", (json_int_t)u->org, "role", trust_role_name((enum trust_role)u->role), "disabled",
			 u->disabled, "created", time_json(u->created_us));
}

static enum rcx_result collect_user(void *ctx, const struct store_user *u)
{
	return json_array_size(ctx) < LIST_MAX ? (json_array_append_new(ctx, user_json(u)), RCX_OK) : RCX_ELIMIT;
}

enum rcx_result api_users_list(struct http_request *req)
{
	if (!api_need_admin(req))
		return RCX_OK;
	const struct trust_viewer *v = &api_auth(req)->p.viewer;
	int64_t org = v->org;
	const char *q = http_query(req, "org");
	if (v->node_admin) {
		org = 0;
		if (q && rcx_parse_i64(q, strlen(q), &org) != RCX_OK)
			return http_respond_error(req, RCX_EINVAL, "org is an organisation id");
	}
	json_t *arr = json_array();
	struct store *s = api_store(req);
	return respond_list(req, "users", arr, s ? store_user_list(s, org, collect_user, arr) : RCX_ESTORE);
}

enum rcx_result api_user_add(struct http_request *req)
{
	if (!api_need_admin(req))
		return RCX_OK;
	json_t *body = api_body(req);
	if (!body)
		return RCX_OK;
	const struct trust_viewer *v = &api_auth(req)->p.viewer;
	struct store *s = api_store(req);
	const char *email = json_string_value(json_object_get(body, "email"));
	const char *name = json_string_value(json_object_get(body, "name"));
	const char *password = json_string_value(json_object_get(body, "password"));
	const char *role_s = json_string_value(json_object_get(body, "role"));
	json_t *org_j = json_object_get(body, "org");
	int64_t org = v->org;
	enum trust_role role;
	enum rcx_result r = RCX_OK;
	char *why = NULL;
	if (json_is_integer(org_j)) {
		org = json_integer_value(org_j);
	} else if (json_is_string(org_j)) {
		struct store_org o;
		if (s && store_org_get(s, json_string_value(org_j), &o) == RCX_OK)
			org = o.id;
		else
			r = RCX_EINVAL, why = strdup("no such organisation");
	}
	if (r == RCX_OK && (!role_s || trust_role_parse(role_s, &role) != RCX_OK))
		r = RCX_EINVAL, why = strdup("role must be admin, analyst, reporter or readonly");
	if (r == RCX_OK && org != v->org && !v->node_admin)
		r = RCX_EDENIED, why = strdup("organisation admins add users to their own organisation only");
	int64_t id = 0;
	if (r == RCX_OK)
		r = s ? trust_user_add(s, email, name, org, role, password, &id, &why) : RCX_ESTORE;
	if (r != RCX_OK) {
		json_decref(body);
		return api_fail(req, r, why);
	}
	json_object_del(body, "password");
	char obj[48];
	object_name(obj, sizeof(obj), "user", id);
	api_audit(req, "user.add", obj, body);
	struct store_user u;
	r = store_user_get_id(s, id, &u);
	return r == RCX_OK ? http_respond_json(req, 201, user_json(&u)) : http_respond_error(req, r, NULL);
}

enum rcx_result api_user_patch(struct http_request *req)
{
	if (!api_need_admin(req))
		return RCX_OK;
	int64_t id = api_id_param(req, "id");
	if (!id)
		return RCX_OK;
	const struct trust_viewer *v = &api_auth(req)->p.viewer;
	struct store *s = api_store(req);
	struct store_user u;
	enum rcx_result r = s ? store_user_get_id(s, id, &u) : RCX_ESTORE;
	if (r == RCX_OK && u.org != v->org && !v->node_admin)
		r = RCX_ENOTFOUND; /* other organisations' users are not the caller's business */
	if (r != RCX_OK)
		return http_respond_error(req, r, NULL);
	const char *email = rcx_arena_strdup(&req->arena, u.email);
	json_t *body = api_body(req);
	if (!body)
		return RCX_OK;
	struct trust_user_change ch = {.role = -1, .disabled = -1};
	const char *role_s = json_string_value(json_object_get(body, "role"));
	enum trust_role role;
	char *why = NULL;
	if (role_s) {
		if (trust_role_parse(role_s, &role) != RCX_OK)
			r = RCX_EINVAL, why = strdup("role must be admin, analyst, reporter or readonly");
		ch.role = (int)role;
	}
	ch.name = json_string_value(json_object_get(body, "name"));
	json_t *dis = json_object_get(body, "disabled");
	if (dis)
		ch.disabled = json_is_true(dis) ? 1 : 0;
	ch.password = json_string_value(json_object_get(body, "password"));
	if (r == RCX_OK && id == v->user && (ch.disabled == 1 || (ch.role >= 0 && ch.role != (int)v->role)))
		r = RCX_EINVAL, why = strdup("you cannot disable yourself or change your own role");
	if (r == RCX_OK)
		r = trust_user_set(s, email, &ch, NULL, &why);
	if (r != RCX_OK) {
		json_decref(body);
		return api_fail(req, r, why);
	}
	if (ch.password)
		json_object_set_new(body, "password", json_string("(changed)"));
	char obj[48];
	object_name(obj, sizeof(obj), "user", id);
	api_audit(req, "user.update", obj, body);
	r = store_user_get_id(s, id, &u);
	return r == RCX_OK ? http_respond_json(req, 200, user_json(&u)) : http_respond_error(req, r, NULL);
}

/* ---- sharing groups ---- */

static enum rcx_result collect_group(void *ctx, const struct store_group *g)
{
	if (json_array_size(ctx) >= LIST_MAX)
		return RCX_ELIMIT;
	json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t)g->id, "name", g->name,
					     "description", g->description ? g->description : "", "owner",
					     (json_int_t)g->owner_org, "created", time_json(g->created_us)));
	return RCX_OK;
}

static enum rcx_result collect_id(void *ctx, int64_t id)
{
	json_array_append_new(ctx, json_integer(id));
	return RCX_OK;
}

/* May the caller see group g (member, owner, node admin)? */
static bool group_visible(const struct trust_viewer *v, int64_t id, int64_t owner)
{
	if (v->node_admin || owner == v->org)
		return true;
	for (size_t i = 0; i < v->n_groups; i++)
		if (v->groups[i] == id)
			return true;
	return false;
}

/* Lists the groups the caller may see, with members; with only_id, that one group. */
static enum rcx_result groups_json(struct http_request *req, int64_t only_id, json_t **ret)
{
	struct store *s = api_store(req);
	if (!s)
		return RCX_ESTORE;
	json_t *all = json_array(), *out = json_array();
	enum rcx_result r = store_group_list(s, collect_group, all);
	size_t i;
	json_t *g;
	const struct trust_viewer *v = &api_auth(req)->p.viewer;
	json_array_foreach(all, i, g) {
		if (r != RCX_OK)
			break;
		int64_t id = json_integer_value(json_object_get(g, "id"));
		if ((only_id && id != only_id) || !group_visible(v, id, json_integer_value(json_object_get(g, "owner"))))
			continue;
		json_t *members = json_array();
		json_object_set_new(g, "members", members);
		r = store_group_members(s, id, collect_id, members);
		json_array_append(out, g);
	}
	json_decref(all);
	if (r != RCX_OK && r != RCX_ELIMIT) {
		json_decref(out);
		return r;
	}
	*ret = out;
	return RCX_OK;
}

enum rcx_result api_groups_list(struct http_request *req)
{
	if (!api_need_user(req))
		return RCX_OK;
	json_t *arr;
	enum rcx_result r = groups_json(req, 0, &arr);
	if (r != RCX_OK)
		return http_respond_error(req, r, NULL);
	return http_respond_json(req, 200, json_pack("{s:o}", "groups", arr));
}

/* Group id as the caller may see it, with its members; RCX_ENOTFOUND when it may not. */
static enum rcx_result group_one(struct http_request *req, int64_t id, json_t **ret_g)
{
	json_t *arr;
	enum rcx_result r = groups_json(req, id, &arr);
	if (r != RCX_OK)
		return r;
	json_t *g = json_array_get(arr, 0);
	if (g)
		*ret_g = json_incref(g);
	json_decref(arr);
	return g ? RCX_OK : RCX_ENOTFOUND;
}

static enum rcx_result respond_group(struct http_request *req, int64_t id, unsigned status)
{
	json_t *g;
	enum rcx_result r = group_one(req, id, &g);
	return r == RCX_OK ? http_respond_json(req, status, g) : http_respond_error(req, r, NULL);
}

enum rcx_result api_group_get(struct http_request *req)
{
	int64_t id = api_user_id_param(req);
	return id ? respond_group(req, id, 200) : RCX_OK;
}

static bool group_writer(struct http_request *req)
{
	if (!api_need_user(req))
		return false;
	enum trust_role role = api_auth(req)->p.viewer.role;
	if (role == TRUST_ROLE_ADMIN || role == TRUST_ROLE_ANALYST)
		return true;
	http_respond_error(req, RCX_EDENIED, "admins and analysts manage sharing groups");
	return false;
}

enum rcx_result api_group_add(struct http_request *req)
{
	if (!group_writer(req))
		return RCX_OK;
	json_t *body = api_body(req);
	if (!body)
		return RCX_OK;
	struct store *s = api_store(req);
	const struct trust_viewer *v = &api_auth(req)->p.viewer;
	const char *name = json_string_value(json_object_get(body, "name"));
	const char *desc = json_string_value(json_object_get(body, "description"));
	json_t *members = json_object_get(body, "members");
	enum rcx_result r = RCX_OK;
	const char *why = NULL;
	if (!name || !name[0] || strlen(name) > 200)
		r = RCX_EINVAL, why = "a group needs a name of 1 to 200 characters";
	else if (members && (!json_is_array(members) || json_array_size(members) > RCX_RECIPIENTS_MAX))
		r = RCX_EINVAL, why = "members is a list of organisation ids";
	int64_t gid = 0;
	if (r == RCX_OK && s && (r = store_begin(s)) == RCX_OK) {
		struct store_group g = {.name = name, .description = desc ? desc : "", .owner_org = v->org,
					.created_us = rcx_time_now()};
		r = store_group_add(s, &g, &gid);
		if (r == RCX_OK)
			r = store_group_member_set(s, gid, v->org, true);
		size_t i;
		json_t *m;
		json_array_foreach(members, i, m) {
			struct store_org o;
			if (r != RCX_OK)
				break;
			if (!json_is_integer(m) || store_org_get_id(s, json_integer_value(m), &o) != RCX_OK) {
				r = RCX_EINVAL, why = "a member is not an organisation";
				break;
			}
			r = store_group_member_set(s, gid, json_integer_value(m), true);
		}
		if (r == RCX_OK)
			r = store_commit(s);
		else
			store_rollback(s);
	} else if (r == RCX_OK) {
		r = RCX_ESTORE;
	}
	if (r != RCX_OK) {
		json_decref(body);
		return http_respond_error(req, r, r == RCX_EEXIST ? "a sharing group of that name exists" : why);
	}
	char obj[48];
	object_name(obj, sizeof(obj), "group", gid);
	api_audit(req, "group.add", obj, body);
	return respond_group(req, gid, 201);
}

enum rcx_result api_group_members(struct http_request *req)
{
	if (!group_writer(req))
		return RCX_OK;
	int64_t id = api_id_param(req, "id");
	if (!id)
		return RCX_OK;
	json_t *g;
	enum rcx_result r = group_one(req, id, &g);
	if (r != RCX_OK)
		return http_respond_error(req, r, NULL);
	const struct trust_viewer *v = &api_auth(req)->p.viewer;
	bool owner = json_integer_value(json_object_get(g, "owner")) == v->org;
	json_decref(g);
	if (!owner)
		return http_respond_error(req, RCX_EDENIED, "only the owning organisation changes a group's members");
	json_t *body = api_body(req);
	if (!body)
		return RCX_OK;
	json_t *org = json_object_get(body, "org");
	json_t *member = json_object_get(body, "member");
	struct store *s = api_store(req);
	struct store_org o;
	if (!json_is_integer(org) || !json_is_boolean(member) || store_org_get_id(s, json_integer_value(org), &o) != RCX_OK) {
		json_decref(body);
		return http_respond_error(req, RCX_EINVAL, "send {\"org\": <organisation id>, \"member\": true|false}");
	}
	if (json_integer_value(org) == v->org && !json_is_true(member)) {
		json_decref(body);
		return http_respond_error(req, RCX_EINVAL, "the owner stays a member of its group");
	}
	r = store_group_member_set(s, id, json_integer_value(org), json_is_true(member));
	if (r != RCX_OK) {
		json_decref(body);
		return http_respond_error(req, r, NULL);
	}
	char obj[48];
	object_name(obj, sizeof(obj), "group", id);
	api_audit(req, json_is_true(member) ? "group.member.add" : "group.member.remove", obj, body);
	return respond_group(req, id, 200);
}

/* ---- API keys ---- */

static enum rcx_result collect_key(void *ctx, const struct store_apikey *k)
{
	if (json_array_size(ctx) >= LIST_MAX)
		return RCX_ELIMIT;
	json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:o, s:o, s:b}", "id", (json_int_t)k->id, "prefix",
					     k->prefix, "label", k->label ? k->label : "", "created",
					     time_json(k->created_us), "expires", time_json(k->expires_us), "revoked",
					     k->revoked));
	return RCX_OK;
}

enum rcx_result api_keys_list(struct http_request *req)
{
	if (!api_need_user(req))
		return RCX_OK;
	json_t *arr = json_array();
	struct store *s = api_store(req);
	return respond_list(req, "apikeys", arr, s ? store_apikey_list(s, api_auth(req)->p.viewer.user, collect_key, arr) : RCX_ESTORE);
}

enum rcx_result api_key_add(struct http_request *req)
{
	if (!api_need_user(req))
		return RCX_OK;
	json_t *body = api_body(req);
	if (!body)
		return RCX_OK;
	const char *label = json_string_value(json_object_get(body, "label"));
	label = label ? rcx_arena_strdup(&req->arena, label) : NULL; /* body goes to the audit log below */
	json_t *days = json_object_get(body, "expires_days");
	int64_t expires = 0;
	if (days && !json_is_null(days)) {
		if (!json_is_integer(days) || json_integer_value(days) < 1 || json_integer_value(days) > 3650) {
			json_decref(body);
			return http_respond_error(req, RCX_EINVAL, "expires_days is 1 to 3650");
		}
		expires = rcx_time_now() + json_integer_value(days) * INT64_C(86400) * 1000000;
	}
	if (label && strlen(label) > 200) {
		json_decref(body);
		return http_respond_error(req, RCX_EINVAL, "a label has at most 200 characters");
	}
	struct store *s = api_store(req);
	char key[TRUST_APIKEY_LEN];
	int64_t id = 0;
	enum rcx_result r = s ? trust_apikey_create(s, api_auth(req)->p.viewer.user, label, expires, key, &id) : RCX_ESTORE;
	if (r != RCX_OK) {
		json_decref(body);
		return http_respond_error(req, r, NULL);
	}
	char obj[48];
	object_name(obj, sizeof(obj), "apikey", id);
	api_audit(req, "apikey.create", obj, body);
	char prefix[16] = "";
	memcpy(prefix, key + 4, 12);
	r = http_respond_json(req, 201, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "prefix", prefix, "key",
						  key, "label", label ? label : ""));
	memset(key, 0, sizeof(key));
	return r;
}

struct key_find {
	int64_t id;
	bool found;
};

static enum rcx_result find_key(void *ctx, const struct store_apikey *k)
{
	struct key_find *f = ctx;
	f->found |= k->id == f->id;
	return RCX_OK;
}

enum rcx_result api_key_delete(struct http_request *req)
{
	int64_t id = api_user_id_param(req);
	if (!id)
		return RCX_OK;
	struct store *s = api_store(req);
	struct key_find f = {.id = id};
	enum rcx_result r = s ? store_apikey_list(s, api_auth(req)->p.viewer.user, find_key, &f) : RCX_ESTORE;
	if (r == RCX_OK && !f.found)
		r = RCX_ENOTFOUND; /* only one's own keys */
	if (r == RCX_OK)
		r = store_apikey_revoke(s, id);
	if (r != RCX_OK)
		return http_respond_error(req, r, NULL);
	char obj[48];
	object_name(obj, sizeof(obj), "apikey", id);
	api_audit(req, "apikey.revoke", obj, NULL);
	return http_respond_bytes(req, 204, NULL, "", 0);
}

/* ---- audit ---- */

struct audit_page {
	json_t *entries;
	int64_t last;
};

static enum rcx_result collect_audit(void *ctx, const struct store_audit *e)
{
	struct audit_page *p = ctx;
	char h[65];
	for (int i = 0; i < 32; i++)
		snprintf(h + 2 * i, 3, "%02x", e->hash[i]);
	json_t *detail = e->detail ? json_loads(e->detail, 0, NULL) : NULL;
	json_array_append_new(p->entries, json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:s}", "seq", (json_int_t)e->seq,
						    "time", time_json(e->time_us), "actor", e->actor ? e->actor : "",
						    "action", e->action ? e->action : "", "object",
						    e->object ? e->object : "", "detail", detail ? detail : json_object(),
						    "hash", h));
	p->last = e->seq;
	return RCX_OK;
}

enum rcx_result api_audit_list(struct http_request *req)
{
	if (!api_need_node_admin(req))
		return RCX_OK;
	int64_t after = 0, limit = 100;
	const char *a = http_query(req, "after"), *l = http_query(req, "limit");
	if ((a && (rcx_parse_i64(a, strlen(a), &after) != RCX_OK || after < 0)) ||
	    (l && (rcx_parse_i64(l, strlen(l), &limit) != RCX_OK || limit < 1 || limit > 1000)))
		return http_respond_error(req, RCX_EINVAL, "after is a sequence number, limit 1 to 1000");
	struct audit_page p = {json_array(), 0};
	struct store *s = api_store(req);
	enum rcx_result r = s ? store_audit_list(s, after, (uint64_t)limit, collect_audit, &p) : RCX_ESTORE;
	if (r != RCX_OK) {
		json_decref(p.entries);
		return http_respond_error(req, r, NULL);
	}
	json_t *next = json_array_size(p.entries) == (size_t)limit ? json_sprintf("%lld", (long long)p.last) : json_null();
	return http_respond_json(req, 200, json_pack("{s:o, s:o}", "entries", p.entries, "next", next));
}

enum rcx_result api_audit_verify(struct http_request *req)
{
	if (!api_need_node_admin(req))
		return RCX_OK;
	struct store *s = api_store(req);
	struct trust_audit_report rep;
	enum rcx_result r = s ? trust_audit_verify(s, &rep) : RCX_ESTORE;
	if (r != RCX_OK)
		return http_respond_error(req, r, NULL);
	char head[65];
	for (int i = 0; i < 32; i++)
		snprintf(head + 2 * i, 3, "%02x", rep.head[i]);
	json_t *j = json_pack("{s:b, s:I, s:s}", "ok", rep.problem == TRUST_AUDIT_OK, "entries", (json_int_t)rep.entries,
			      "head", head);
	if (rep.problem != TRUST_AUDIT_OK) {
		json_object_set_new(j, "problem", json_string(trust_audit_problem_name(rep.problem)));
		json_object_set_new(j, "seq", json_integer(rep.seq));
	}
	return http_respond_json(req, 200, j);
}
