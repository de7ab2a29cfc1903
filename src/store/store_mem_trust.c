/* The in-memory store's accounts and sharing: organisations, users, API keys, sessions, sharing
 * groups, event labels and the audit log, with the semantics of store_sqlite_accounts.c and
 * store_sqlite_sharing.c.
 *
 * Rows live in the arrays of struct store_mem (store_mem.h); a row's id is its index + 1, and
 * lookups scan (these tables are small; event_put remembers the last organisation it found).
 * An update builds the whole new row, with copies of every string, before it replaces the old
 * one through mem_replaced, which keeps the old row for rollback or frees it: so an argument may
 * point into the row it updates. "ret_" rows point into the stored rows, which stay until the
 * next call changes them. Deleted sessions and memberships are marked dead, never removed.
 */
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/time.h"
#include "store/store_impl.h"
#include "store/store_mem.h"

static int64_t time_or_now(int64_t us)
{
	return us ? us : rcx_time_now();
}

static bool id_in_range(int64_t id, size_t n)
{
	return id > 0 && (uint64_t)id <= n;
}

/* ---- names → ids ---- */

int64_t mem_org_id_of(struct store_mem *s, const char *name)
{
	if (s->org_hit && s->org_hit <= s->n_org && !strcmp(s->org[s->org_hit - 1].name, name))
		return (int64_t)s->org_hit;
	for (size_t i = 0; i < s->n_org; i++)
		if (!strcmp(s->org[i].name, name)) {
			s->org_hit = i + 1;
			return (int64_t)i + 1;
		}
	return 0;
}

int64_t mem_group_id_of(const struct store_mem *s, const char *name)
{
	for (size_t i = 0; i < s->n_group; i++)
		if (!strcmp(s->group[i].name, name))
			return (int64_t)i + 1;
	return 0;
}

/* ---- organisations ---- */

static void org_out(const struct store_mem *s, size_t i, struct store_org *o)
{
	const struct mem_org *m = &s->org[i];
	*o = (struct store_org){
		.id = (int64_t)i + 1, .name = m->name, .country = m->country, .kind = m->kind, .sector = m->sector,
		.parent = m->parent, .contacts = m->contacts, .created_us = m->created_us,
	};
}

/* A parent must be another existing organisation (0 = none). */
static enum rcx_result parent_check(const struct store_mem *s, int64_t parent, int64_t self)
{
	if (parent < 0 || (self && parent == self))
		return RCX_EINVAL;
	return !parent || id_in_range(parent, s->n_org) ? RCX_OK : RCX_ENOTFOUND;
}

/* A row with copies of name and of org's other strings; RCX_ENOMEM leaves nothing allocated. */
static enum rcx_result org_row(const char *name, const struct store_org *org, int64_t created_us,
			       struct mem_org *ret_row)
{
	bool ok = true;
	struct mem_org m = {
		.name = mem_strdup(name, &ok), .country = mem_strdup(org->country, &ok),
		.kind = mem_strdup(org->kind, &ok), .sector = mem_strdup(org->sector, &ok),
		.contacts = mem_strdup(org->contacts, &ok), .parent = org->parent, .created_us = created_us,
	};
	if (!ok) {
		mem_org_free(&m);
		return RCX_ENOMEM;
	}
	*ret_row = m;
	return RCX_OK;
}

enum rcx_result mem_org_add(struct store *st, const struct store_org *org, int64_t *ret_id)
{
	struct store_mem *s = mem(st);
	struct mem_org row;

	if (!org || !org->name || !*org->name)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	enum rcx_result r = parent_check(s, org->parent, 0);
	if (r != RCX_OK)
		return r;
	if (mem_org_id_of(s, org->name))
		return RCX_EEXIST;
	void *org_new = mem_grow(s->org, &s->cap_org, s->n_org, sizeof(*s->org));
	if (!org_new)
		return RCX_ENOMEM;
	s->org = org_new;
	r = org_row(org->name, org, time_or_now(org->created_us), &row);
	if (r != RCX_OK)
		return r;
	s->org[s->n_org++] = row;
	if (ret_id)
		*ret_id = (int64_t)s->n_org;
	return RCX_OK;
}

enum rcx_result mem_org_get(struct store *st, const char *name, struct store_org *ret_org)
{
	struct store_mem *s = mem(st);
	if (!ret_org)
		return RCX_EINVAL;
	int64_t id = name ? mem_org_id_of(s, name) : s->n_org ? 1 : 0;
	if (!id)
		return RCX_ENOTFOUND;
	org_out(s, (size_t)id - 1, ret_org);
	return RCX_OK;
}

enum rcx_result mem_org_get_id(struct store *st, int64_t id, struct store_org *ret_org)
{
	struct store_mem *s = mem(st);
	if (!ret_org)
		return RCX_EINVAL;
	if (!id_in_range(id, s->n_org))
		return RCX_ENOTFOUND;
	org_out(s, (size_t)id - 1, ret_org);
	return RCX_OK;
}

enum rcx_result mem_org_list(struct store *st, store_org_cb cb, void *ctx)
{
	struct store_mem *s = mem(st);
	enum rcx_result r = RCX_OK;
	if (!cb)
		return RCX_EINVAL;
	for (size_t i = 0; r == RCX_OK && i < s->n_org; i++) {
		struct store_org o;
		org_out(s, i, &o);
		r = cb(ctx, &o);
	}
	return r;
}

enum rcx_result mem_org_update(struct store *st, const struct store_org *org)
{
	struct store_mem *s = mem(st);
	struct mem_org row;

	if (!org)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	if (!id_in_range(org->id, s->n_org))
		return RCX_ENOTFOUND;
	size_t i = (size_t)org->id - 1;
	enum rcx_result r = parent_check(s, org->parent, org->id);
	if (r == RCX_OK)
		r = mem_undo_reserve(s);
	if (r == RCX_OK)
		r = org_row(s->org[i].name, org, s->org[i].created_us, &row);
	if (r != RCX_OK)
		return r;
	struct mem_org old = s->org[i];
	s->org[i] = row;
	mem_replaced(s, MEM_UNDO_ORG, i, &old);
	return RCX_OK;
}

/* ---- users ---- */

/* The address in lowercase, in s->scratch. */
static enum rcx_result email_lower(struct store_mem *s, const char *email)
{
	rcx_strbuf_clear(&s->scratch);
	enum rcx_result r = rcx_strbuf_puts(&s->scratch, email);
	if (r == RCX_OK)
		store_ascii_lower(s->scratch.data);
	return r;
}

static int64_t user_by_email(const struct store_mem *s, const char *lower)
{
	for (size_t i = 0; i < s->n_user; i++)
		if (!strcmp(s->user[i].email, lower))
			return (int64_t)i + 1;
	return 0;
}

static void user_out(const struct store_mem *s, size_t i, struct store_user *u)
{
	const struct mem_user *m = &s->user[i];
	*u = (struct store_user){
		.id = (int64_t)i + 1, .email = m->email, .name = m->name, .org = m->org, .role = m->role,
		.pwhash = m->pwhash, .disabled = m->disabled, .created_us = m->created_us,
	};
}

/* A row with copies of email and of u's name and pwhash. */
static enum rcx_result user_row(const char *email, const struct store_user *u, int64_t org, int64_t created_us,
				struct mem_user *ret_row)
{
	bool ok = true;
	struct mem_user m = {
		.email = mem_strdup(email, &ok), .name = mem_strdup(u->name, &ok), .pwhash = mem_strdup(u->pwhash, &ok),
		.org = org, .created_us = created_us, .role = u->role, .disabled = u->disabled,
	};
	if (!ok) {
		mem_user_free(&m);
		return RCX_ENOMEM;
	}
	*ret_row = m;
	return RCX_OK;
}

enum rcx_result mem_user_add(struct store *st, const struct store_user *u, int64_t *ret_id)
{
	struct store_mem *s = mem(st);
	struct mem_user row;

	if (!u || !u->email || !*u->email)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	if (!id_in_range(u->org, s->n_org))
		return RCX_ENOTFOUND;
	enum rcx_result r = email_lower(s, u->email);
	if (r != RCX_OK)
		return r;
	if (user_by_email(s, s->scratch.data))
		return RCX_EEXIST;
	void *user_new = mem_grow(s->user, &s->cap_user, s->n_user, sizeof(*s->user));
	if (!user_new)
		return RCX_ENOMEM;
	s->user = user_new;
	r = user_row(s->scratch.data, u, u->org, time_or_now(u->created_us), &row);
	if (r != RCX_OK)
		return r;
	s->user[s->n_user++] = row;
	if (ret_id)
		*ret_id = (int64_t)s->n_user;
	return RCX_OK;
}

enum rcx_result mem_user_get(struct store *st, const char *email, struct store_user *ret_user)
{
	struct store_mem *s = mem(st);
	if (!email || !ret_user)
		return RCX_EINVAL;
	enum rcx_result r = email_lower(s, email);
	if (r != RCX_OK)
		return r;
	int64_t id = user_by_email(s, s->scratch.data);
	if (!id)
		return RCX_ENOTFOUND;
	user_out(s, (size_t)id - 1, ret_user);
	return RCX_OK;
}

enum rcx_result mem_user_get_id(struct store *st, int64_t id, struct store_user *ret_user)
{
	struct store_mem *s = mem(st);
	if (!ret_user)
		return RCX_EINVAL;
	if (!id_in_range(id, s->n_user))
		return RCX_ENOTFOUND;
	user_out(s, (size_t)id - 1, ret_user);
	return RCX_OK;
}

enum rcx_result mem_user_list(struct store *st, int64_t org, store_user_cb cb, void *ctx)
{
	struct store_mem *s = mem(st);
	enum rcx_result r = RCX_OK;
	if (!cb)
		return RCX_EINVAL;
	for (size_t i = 0; r == RCX_OK && i < s->n_user; i++) {
		if (org && s->user[i].org != org)
			continue;
		struct store_user u;
		user_out(s, i, &u);
		r = cb(ctx, &u);
	}
	return r;
}

enum rcx_result mem_user_update(struct store *st, const struct store_user *u)
{
	struct store_mem *s = mem(st);
	struct mem_user row;

	if (!u)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	if (!id_in_range(u->id, s->n_user))
		return RCX_ENOTFOUND;
	size_t i = (size_t)u->id - 1;
	enum rcx_result r = mem_undo_reserve(s);
	if (r == RCX_OK)
		r = user_row(s->user[i].email, u, s->user[i].org, s->user[i].created_us, &row);
	if (r != RCX_OK)
		return r;
	struct mem_user old = s->user[i];
	s->user[i] = row;
	mem_replaced(s, MEM_UNDO_USER, i, &old);
	return RCX_OK;
}

/* ---- API keys ---- */

static void key_out(const struct store_mem *s, size_t i, struct store_apikey *k)
{
	const struct mem_apikey *m = &s->key[i];
	*k = (struct store_apikey){
		.id = (int64_t)i + 1, .user = m->user, .prefix = m->prefix, .label = m->label,
		.created_us = m->created_us, .expires_us = m->expires_us, .revoked = m->revoked,
	};
	memcpy(k->hash, m->hash, sizeof(k->hash));
}

static enum rcx_result key_row(const struct mem_apikey *from, struct mem_apikey *ret_row)
{
	bool ok = true;
	struct mem_apikey m = *from;
	m.prefix = mem_strdup(from->prefix, &ok);
	m.label = mem_strdup(from->label, &ok);
	if (!ok) {
		mem_apikey_free(&m);
		return RCX_ENOMEM;
	}
	*ret_row = m;
	return RCX_OK;
}

enum rcx_result mem_apikey_add(struct store *st, const struct store_apikey *k, int64_t *ret_id)
{
	struct store_mem *s = mem(st);
	struct mem_apikey row;

	if (!k || !k->prefix || !*k->prefix)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	if (!id_in_range(k->user, s->n_user))
		return RCX_ENOTFOUND;
	for (size_t i = 0; i < s->n_key; i++)
		if (!strcmp(s->key[i].prefix, k->prefix))
			return RCX_EEXIST;
	void *key_new = mem_grow(s->key, &s->cap_key, s->n_key, sizeof(*s->key));
	if (!key_new)
		return RCX_ENOMEM;
	s->key = key_new;
	struct mem_apikey in = {
		.prefix = (char *)k->prefix, .label = (char *)k->label, .user = k->user,
		.created_us = time_or_now(k->created_us), .expires_us = k->expires_us, .revoked = k->revoked,
	};
	memcpy(in.hash, k->hash, sizeof(in.hash));
	enum rcx_result r = key_row(&in, &row);
	if (r != RCX_OK)
		return r;
	s->key[s->n_key++] = row;
	if (ret_id)
		*ret_id = (int64_t)s->n_key;
	return RCX_OK;
}

enum rcx_result mem_apikey_get(struct store *st, const char *prefix, struct store_apikey *ret_key)
{
	struct store_mem *s = mem(st);
	if (!prefix || !ret_key)
		return RCX_EINVAL;
	for (size_t i = 0; i < s->n_key; i++)
		if (!strcmp(s->key[i].prefix, prefix)) {
			key_out(s, i, ret_key);
			return RCX_OK;
		}
	return RCX_ENOTFOUND;
}

enum rcx_result mem_apikey_list(struct store *st, int64_t user, store_apikey_cb cb, void *ctx)
{
	struct store_mem *s = mem(st);
	enum rcx_result r = RCX_OK;
	if (!cb)
		return RCX_EINVAL;
	for (size_t i = 0; r == RCX_OK && i < s->n_key; i++) {
		if (user && s->key[i].user != user)
			continue;
		struct store_apikey k;
		key_out(s, i, &k);
		r = cb(ctx, &k);
	}
	return r;
}

enum rcx_result mem_apikey_revoke(struct store *st, int64_t id)
{
	struct store_mem *s = mem(st);
	struct mem_apikey row;

	if (s->readonly)
		return RCX_ESTORE;
	if (!id_in_range(id, s->n_key))
		return RCX_ENOTFOUND;
	size_t i = (size_t)id - 1;
	enum rcx_result r = mem_undo_reserve(s);
	if (r == RCX_OK)
		r = key_row(&s->key[i], &row);
	if (r != RCX_OK)
		return r;
	row.revoked = true;
	struct mem_apikey old = s->key[i];
	s->key[i] = row;
	mem_replaced(s, MEM_UNDO_APIKEY, i, &old);
	return RCX_OK;
}

/* ---- sessions ---- */

/* Marks session i dead (the dead row owns nothing). */
static enum rcx_result session_kill(struct store_mem *s, size_t i)
{
	enum rcx_result r = mem_undo_reserve(s);
	if (r != RCX_OK)
		return r;
	struct mem_session old = s->sess[i];
	s->sess[i] = (struct mem_session){.live = false};
	mem_replaced(s, MEM_UNDO_SESSION, i, &old);
	return RCX_OK;
}

static size_t session_find(const struct store_mem *s, const uint8_t token_hash[32])
{
	for (size_t i = 0; i < s->n_sess; i++)
		if (s->sess[i].live && !memcmp(s->sess[i].token_hash, token_hash, 32))
			return i + 1;
	return 0;
}

enum rcx_result mem_session_put(struct store *st, const struct store_session *sess)
{
	struct store_mem *s = mem(st);
	bool ok = true;

	if (!sess || !sess->csrf || sess->expires_us <= 0)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	if (!id_in_range(sess->user, s->n_user))
		return RCX_ENOTFOUND;
	/* as in SQLite: expired sessions go first, so a new one may reuse an expired token */
	int64_t now = rcx_time_now();
	for (size_t i = 0; i < s->n_sess; i++) {
		if (s->sess[i].live && s->sess[i].expires_us <= now) {
			enum rcx_result r = session_kill(s, i);
			if (r != RCX_OK)
				return r;
		}
	}
	if (session_find(s, sess->token_hash))
		return RCX_EEXIST;
	void *sess_new = mem_grow(s->sess, &s->cap_sess, s->n_sess, sizeof(*s->sess));
	if (!sess_new)
		return RCX_ENOMEM;
	s->sess = sess_new;
	struct mem_session row = {
		.csrf = mem_strdup(sess->csrf, &ok), .user = sess->user, .created_us = time_or_now(sess->created_us),
		.expires_us = sess->expires_us, .live = true,
	};
	if (!ok)
		return RCX_ENOMEM;
	memcpy(row.token_hash, sess->token_hash, 32);
	s->sess[s->n_sess++] = row;
	return RCX_OK;
}

enum rcx_result mem_session_get(struct store *st, const uint8_t token_hash[32], struct store_session *ret_sess)
{
	struct store_mem *s = mem(st);
	if (!token_hash || !ret_sess)
		return RCX_EINVAL;
	size_t found = session_find(s, token_hash);
	if (!found)
		return RCX_ENOTFOUND;
	const struct mem_session *m = &s->sess[found - 1];
	if (m->expires_us <= rcx_time_now()) {
		if (!s->readonly)
			(void)session_kill(s, found - 1); /* best effort, as in SQLite */
		return RCX_ENOTFOUND;
	}
	*ret_sess = (struct store_session){
		.user = m->user, .csrf = m->csrf, .created_us = m->created_us, .expires_us = m->expires_us,
	};
	memcpy(ret_sess->token_hash, m->token_hash, 32);
	return RCX_OK;
}

enum rcx_result mem_session_delete(struct store *st, const uint8_t token_hash[32])
{
	struct store_mem *s = mem(st);
	if (!token_hash)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	size_t found = session_find(s, token_hash);
	return found ? session_kill(s, found - 1) : RCX_ENOTFOUND;
}

/* ---- sharing groups ---- */

static void group_out(const struct store_mem *s, size_t i, struct store_group *g)
{
	const struct mem_group *m = &s->group[i];
	*g = (struct store_group){
		.id = (int64_t)i + 1, .name = m->name, .description = m->description, .owner_org = m->owner_org,
		.created_us = m->created_us,
	};
}

enum rcx_result mem_group_add(struct store *st, const struct store_group *g, int64_t *ret_id)
{
	struct store_mem *s = mem(st);
	bool ok = true;

	if (!g || !g->name || !*g->name || g->owner_org < 0)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	if (g->owner_org && !id_in_range(g->owner_org, s->n_org))
		return RCX_ENOTFOUND;
	if (mem_group_id_of(s, g->name))
		return RCX_EEXIST;
	void *group_new = mem_grow(s->group, &s->cap_group, s->n_group, sizeof(*s->group));
	if (!group_new)
		return RCX_ENOMEM;
	s->group = group_new;
	struct mem_group row = {
		.name = mem_strdup(g->name, &ok), .description = mem_strdup(g->description, &ok),
		.owner_org = g->owner_org, .created_us = time_or_now(g->created_us),
	};
	if (!ok) {
		mem_group_free(&row);
		return RCX_ENOMEM;
	}
	s->group[s->n_group++] = row;
	if (ret_id)
		*ret_id = (int64_t)s->n_group;
	return RCX_OK;
}

enum rcx_result mem_group_get(struct store *st, const char *name, struct store_group *ret_group)
{
	struct store_mem *s = mem(st);
	if (!name || !ret_group)
		return RCX_EINVAL;
	int64_t id = mem_group_id_of(s, name);
	if (!id)
		return RCX_ENOTFOUND;
	group_out(s, (size_t)id - 1, ret_group);
	return RCX_OK;
}

enum rcx_result mem_group_list(struct store *st, store_group_cb cb, void *ctx)
{
	struct store_mem *s = mem(st);
	enum rcx_result r = RCX_OK;
	if (!cb)
		return RCX_EINVAL;
	for (size_t i = 0; r == RCX_OK && i < s->n_group; i++) {
		struct store_group g;
		group_out(s, i, &g);
		r = cb(ctx, &g);
	}
	return r;
}

enum rcx_result mem_group_member_set(struct store *st, int64_t group, int64_t org, bool member)
{
	struct store_mem *s = mem(st);
	if (s->readonly)
		return RCX_ESTORE;
	if (!id_in_range(group, s->n_group) || !id_in_range(org, s->n_org))
		return RCX_ENOTFOUND;
	for (size_t i = 0; i < s->n_member; i++) {
		struct mem_member *m = &s->member[i];
		if (m->group != group || m->org != org)
			continue;
		if (m->live == member)
			return RCX_OK;
		enum rcx_result r = mem_undo_reserve(s);
		if (r != RCX_OK)
			return r;
		struct mem_member old = *m;
		m->live = member;
		mem_replaced(s, MEM_UNDO_MEMBER, i, &old);
		return RCX_OK;
	}
	if (!member)
		return RCX_OK;
	void *member_new = mem_grow(s->member, &s->cap_member, s->n_member, sizeof(*s->member));
	if (!member_new)
		return RCX_ENOMEM;
	s->member = member_new;
	s->member[s->n_member++] = (struct mem_member){group, org, true};
	return RCX_OK;
}

/* The live memberships with group (want_orgs: the orgs) or of org (the groups), ascending, in a
 * malloc'd array (NULL when empty). */
static enum rcx_result member_ids(const struct store_mem *s, int64_t key, bool want_orgs, int64_t **ret_ids,
				  size_t *ret_n)
{
	size_t n = 0;
	int64_t *ids = NULL;
	for (size_t pass = 0; pass < 2; pass++) {
		size_t k = 0;
		for (size_t i = 0; i < s->n_member; i++) {
			const struct mem_member *m = &s->member[i];
			if (!m->live || (want_orgs ? m->group : m->org) != key)
				continue;
			if (ids)
				ids[k] = want_orgs ? m->org : m->group;
			k++;
		}
		n = k;
		if (pass == 0) {
			if (!n)
				break;
			if (!(ids = malloc(n * sizeof(*ids))))
				return RCX_ENOMEM;
		}
	}
	*ret_n = store_ids_norm(ids, n);
	*ret_ids = ids;
	return RCX_OK;
}

enum rcx_result mem_group_members(struct store *st, int64_t group, store_id_cb cb, void *ctx)
{
	struct store_mem *s = mem(st);
	int64_t *ids;
	size_t n;
	if (!cb)
		return RCX_EINVAL;
	enum rcx_result r = member_ids(s, group, true, &ids, &n);
	for (size_t i = 0; r == RCX_OK && i < n; i++)
		r = cb(ctx, ids[i]);
	free(ids);
	return r;
}

enum rcx_result mem_org_groups(struct store *st, int64_t org, int64_t *ret_ids, size_t max, size_t *ret_n)
{
	struct store_mem *s = mem(st);
	int64_t *ids;
	size_t n;
	if ((max && !ret_ids) || !ret_n)
		return RCX_EINVAL;
	enum rcx_result r = member_ids(s, org, false, &ids, &n);
	if (r == RCX_OK && n > max)
		r = RCX_ELIMIT;
	if (r == RCX_OK) {
		if (n)
			memcpy(ret_ids, ids, n * sizeof(*ret_ids));
		*ret_n = n;
	}
	free(ids);
	return r;
}

/* ---- event labels ---- */

enum rcx_result mem_event_label_get(struct store *st, int64_t id, struct rcx_label *ret_label)
{
	struct store_mem *s = mem(st);
	if (!ret_label)
		return RCX_EINVAL;
	if (!id_in_range(id, s->n_ev))
		return RCX_ENOTFOUND;
	const struct mem_label *l = &s->ev[id - 1].label;
	*ret_label = (struct rcx_label){
		.owner_org = l->owner, .creator = l->creator, .tlp = l->tlp, .dist = l->dist, .group = l->group,
		.orgs = l->n_orgs ? l->ids : NULL, .n_orgs = l->n_orgs,
		.users = l->n_users ? l->ids + l->n_orgs : NULL, .n_users = l->n_users,
	};
	return RCX_OK;
}

static bool ids_exist(const int64_t *ids, size_t n, size_t rows)
{
	for (size_t i = 0; i < n; i++)
		if (!id_in_range(ids[i], rows))
			return false;
	return true;
}

enum rcx_result mem_event_label_set(struct store *st, int64_t id, const struct rcx_label *label)
{
	struct store_mem *s = mem(st);
	enum rcx_result r = store_label_check(label);
	if (r != RCX_OK)
		return r;
	if (s->readonly)
		return RCX_ESTORE;
	if (!id_in_range(id, s->n_ev) || (label->group && !id_in_range(label->group, s->n_group)) ||
	    !ids_exist(label->orgs, label->n_orgs, s->n_org) || !ids_exist(label->users, label->n_users, s->n_user))
		return RCX_ENOTFOUND;
	if ((r = mem_undo_reserve(s)) != RCX_OK)
		return r;
	struct mem_label *cur = &s->ev[id - 1].label;
	struct mem_label row = {
		.owner = cur->owner, .creator = cur->creator, .tlp = label->tlp, .dist = label->dist,
		.group = label->group,
	};
	size_t n = label->n_orgs + label->n_users;
	if (n) {
		/* a copy first: label may be the one event_label_get returned, pointing into cur */
		if (!(row.ids = malloc(n * sizeof(*row.ids))))
			return RCX_ENOMEM;
		if (label->n_orgs)
			memcpy(row.ids, label->orgs, label->n_orgs * sizeof(*row.ids));
		row.n_orgs = store_ids_norm(row.ids, label->n_orgs);
		if (label->n_users)
			memcpy(row.ids + row.n_orgs, label->users, label->n_users * sizeof(*row.ids));
		row.n_users = store_ids_norm(row.ids + row.n_orgs, label->n_users);
	}
	struct mem_label old = *cur;
	*cur = row;
	mem_replaced(s, MEM_UNDO_LABEL, (size_t)id - 1, &old);
	return RCX_OK;
}

/* ---- audit log ---- */

enum rcx_result mem_audit_last(struct store *st, struct store_audit *ret_entry)
{
	struct store_mem *s = mem(st);
	size_t best = 0;
	if (!ret_entry)
		return RCX_EINVAL;
	for (size_t i = 0; i < s->n_audit; i++)
		if (!best || s->audit[i].seq > s->audit[best - 1].seq)
			best = i + 1;
	if (!best)
		return RCX_ENOTFOUND;
	*ret_entry = s->audit[best - 1];
	return RCX_OK;
}

enum rcx_result mem_audit_append(struct store *st, const struct store_audit *e)
{
	struct store_mem *s = mem(st);
	bool ok = true;

	if (!e || e->seq <= 0)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	for (size_t i = 0; i < s->n_audit; i++)
		if (s->audit[i].seq == e->seq)
			return RCX_EEXIST;
	void *audit_new = mem_grow(s->audit, &s->cap_audit, s->n_audit, sizeof(*s->audit));
	if (!audit_new)
		return RCX_ENOMEM;
	s->audit = audit_new;
	/* stored exactly as given (the hash covers it); NULL strings as "", which hash the same */
	struct store_audit row = *e;
	row.actor = mem_strdup(e->actor ? e->actor : "", &ok);
	row.action = mem_strdup(e->action ? e->action : "", &ok);
	row.object = mem_strdup(e->object ? e->object : "", &ok);
	row.detail = mem_strdup(e->detail ? e->detail : "", &ok);
	if (!ok) {
		mem_audit_free(&row);
		return RCX_ENOMEM;
	}
	s->audit[s->n_audit++] = row;
	return RCX_OK;
}

enum rcx_result mem_audit_list(struct store *st, int64_t after_seq, uint64_t limit, store_audit_cb cb, void *ctx)
{
	struct store_mem *s = mem(st);
	enum rcx_result r = RCX_OK;
	uint64_t n = 0;
	if (!cb)
		return RCX_EINVAL;
	for (size_t i = 0; r == RCX_OK && i < s->n_audit && (!limit || n < limit); i++) {
		if (s->audit[i].seq <= after_seq)
			continue;
		struct store_audit e = s->audit[i]; /* a copy: the callback may append (and move the array) */
		r = cb(ctx, &e);
		n++;
	}
	return r;
}
