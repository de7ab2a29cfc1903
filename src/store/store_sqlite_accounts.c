/* The SQLite store's organisations, users, API keys and sessions (tables of migrations 1 and 2,
 * store_sqlite_schema.c), and the helpers the trust-side files share.
 *
 * Rows handed back through "ret_" pointers are copied into the handle's ret_arena, which the
 * next such call resets; listing callbacks get SQLite's own column memory, valid during the call.
 * Lookup strings are bound as copies (SQLITE_TRANSIENT): a caller may pass a string the previous
 * call returned, which lives in the arena this call is about to reset.
 * References are checked: a user's organisation, a key's user, a session's user and a parent
 * organisation must exist (RCX_ENOTFOUND otherwise). Listings of an unknown owner are empty.
 * E-mail addresses are stored lowercase (ASCII) and looked up lowercased; the column is also
 * COLLATE NOCASE so that the UNIQUE constraint holds whoever writes the file.
 * Sessions: expired rows are deleted when a session is stored, and when one is looked up.
 */
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "store/store_impl.h"
#include "store/store_sqlite.h"

#define ORG_COLUMNS "SELECT id, name, country, kind, sector, parent, contacts, created FROM orgs"
#define USER_COLUMNS "SELECT id, email, name, org, role, pwhash, disabled, created FROM users"
#define KEY_COLUMNS "SELECT id, user, prefix, hash, label, created, expires, revoked FROM apikeys"

const char *const sqa_sql[SQA_STMT_MAX] = {
	[SQA_ORG_INSERT] = "INSERT INTO orgs(name, country, kind, sector, parent, contacts, created)"
			   " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[SQA_ORG_BY_NAME] = ORG_COLUMNS " WHERE name = ?1",
	[SQA_ORG_BY_ID] = ORG_COLUMNS " WHERE id = ?1",
	[SQA_ORG_FIRST] = ORG_COLUMNS " ORDER BY id LIMIT 1",
	[SQA_ORG_LIST] = ORG_COLUMNS " ORDER BY id",
	[SQA_ORG_UPDATE] = "UPDATE orgs SET country = ?2, kind = ?3, sector = ?4, parent = ?5, contacts = ?6"
			   " WHERE id = ?1",
	[SQA_ORG_ID] = "SELECT id FROM orgs WHERE name = ?1",
	[SQA_ORG_EXISTS] = "SELECT 1 FROM orgs WHERE id = ?1",
	[SQA_USER_INSERT] = "INSERT INTO users(email, name, org, role, pwhash, disabled, created)"
			    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[SQA_USER_BY_EMAIL] = USER_COLUMNS " WHERE email = ?1",
	[SQA_USER_BY_ID] = USER_COLUMNS " WHERE id = ?1",
	[SQA_USER_LIST_ALL] = USER_COLUMNS " ORDER BY id",
	[SQA_USER_LIST_ORG] = USER_COLUMNS " WHERE org = ?1 ORDER BY id",
	[SQA_USER_UPDATE] = "UPDATE users SET name = ?2, role = ?3, pwhash = ?4, disabled = ?5 WHERE id = ?1",
	[SQA_USER_EXISTS] = "SELECT 1 FROM users WHERE id = ?1",
	[SQA_KEY_INSERT] = "INSERT INTO apikeys(user, prefix, hash, label, created, expires, revoked)"
			   " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[SQA_KEY_BY_PREFIX] = KEY_COLUMNS " WHERE prefix = ?1",
	[SQA_KEY_LIST_ALL] = KEY_COLUMNS " ORDER BY id",
	[SQA_KEY_LIST_USER] = KEY_COLUMNS " WHERE user = ?1 ORDER BY id",
	[SQA_KEY_REVOKE] = "UPDATE apikeys SET revoked = 1 WHERE id = ?1",
	[SQA_SESSION_INSERT] = "INSERT INTO sessions(token_hash, user, csrf, created, expires) VALUES(?1, ?2, ?3, ?4, ?5)",
	[SQA_SESSION_GET] = "SELECT user, csrf, created, expires FROM sessions WHERE token_hash = ?1",
	[SQA_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
	[SQA_SESSION_EXPIRE] = "DELETE FROM sessions WHERE expires <= ?1",
};

/* ---- small helpers ---- */

int sq_bind_copy(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

const char *sq_col_str(sqlite3_stmt *q, int i, struct rcx_arena *a)
{
	return a ? sq_column_dup(a, q, i) : (const char *)sqlite3_column_text(q, i);
}

void sq_col_hash(sqlite3_stmt *q, int i, uint8_t out[32])
{
	const void *b = sqlite3_column_blob(q, i);
	size_t n = (size_t)sqlite3_column_bytes(q, i);
	memset(out, 0, 32);
	if (b)
		memcpy(out, b, n < 32 ? n : 32);
}

int64_t sq_time_or_now(int64_t us)
{
	return us ? us : rcx_time_now();
}

enum rcx_result sq_step_row(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		return RCX_OK;
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? RCX_ENOTFOUND : sq_result(rc);
}

enum rcx_result sq_exists(sqlite3_stmt *q, int64_t id)
{
	if (id <= 0)
		return RCX_ENOTFOUND;
	sqlite3_bind_int64(q, 1, id);
	enum rcx_result r = sq_step_row(q);
	if (r == RCX_OK)
		sqlite3_reset(q);
	return r;
}

enum rcx_result sq_step_changed(struct store_sqlite *s, sqlite3_stmt *q)
{
	enum rcx_result r = sq_step_done(q);
	return r == RCX_OK && sqlite3_changes(s->db) == 0 ? RCX_ENOTFOUND : r;
}

enum rcx_result sq_ids_reserve(struct store_sqlite *s, size_t n)
{
	if (n <= s->cap_ids)
		return RCX_OK;
	size_t cap = s->cap_ids ? s->cap_ids : 64;
	while (cap < n)
		cap *= 2;
	int64_t *p = realloc(s->ids, cap * sizeof(*p));
	if (!p)
		return RCX_ENOMEM;
	s->ids = p;
	s->cap_ids = cap;
	return RCX_OK;
}

/* ---- organisations ---- */

static void org_read(sqlite3_stmt *q, struct rcx_arena *a, struct store_org *o)
{
	o->id = sqlite3_column_int64(q, 0);
	o->name = sq_col_str(q, 1, a);
	o->country = sq_col_str(q, 2, a);
	o->kind = sq_col_str(q, 3, a);
	o->sector = sq_col_str(q, 4, a);
	o->parent = sqlite3_column_int64(q, 5);
	o->contacts = sq_col_str(q, 6, a);
	o->created_us = sqlite3_column_int64(q, 7);
}

/* A parent must be another existing organisation (0 = none). */
static enum rcx_result parent_check(struct store_sqlite *s, int64_t parent, int64_t self)
{
	if (parent < 0 || (self && parent == self))
		return RCX_EINVAL;
	return parent ? sq_exists(s->astmt[SQA_ORG_EXISTS], parent) : RCX_OK;
}

enum rcx_result sq_org_add(struct store *st, const struct store_org *org, int64_t *ret_id)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_ORG_INSERT];

	if (!org || !org->name || !*org->name)
		return RCX_EINVAL;
	enum rcx_result r = parent_check(s, org->parent, 0);
	if (r != RCX_OK)
		return r;
	sq_bind_text(q, 1, org->name);
	sq_bind_text(q, 2, org->country);
	sq_bind_text(q, 3, org->kind);
	sq_bind_text(q, 4, org->sector);
	sqlite3_bind_int64(q, 5, org->parent);
	sq_bind_text(q, 6, org->contacts);
	sqlite3_bind_int64(q, 7, sq_time_or_now(org->created_us));
	r = sq_step_done(q);
	if (r != RCX_OK)
		return r;
	sq_names_clear(s); /* the name may be cached as unknown */
	if (ret_id)
		*ret_id = sqlite3_last_insert_rowid(s->db);
	return RCX_OK;
}

/* One organisation row of statement i (bound by the caller) into ret_org. */
static enum rcx_result org_one(struct store_sqlite *s, sqlite3_stmt *q, struct store_org *ret_org)
{
	enum rcx_result r = sq_step_row(q);
	if (r != RCX_OK)
		return r;
	rcx_arena_reset(&s->ret_arena);
	org_read(q, &s->ret_arena, ret_org);
	sqlite3_reset(q);
	return RCX_OK;
}

enum rcx_result sq_org_get(struct store *st, const char *name, struct store_org *ret_org)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[name ? SQA_ORG_BY_NAME : SQA_ORG_FIRST];

	if (!ret_org)
		return RCX_EINVAL;
	if (name)
		sq_bind_copy(q, 1, name);
	return org_one(s, q, ret_org);
}

enum rcx_result sq_org_get_id(struct store *st, int64_t id, struct store_org *ret_org)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_ORG_BY_ID];

	if (!ret_org)
		return RCX_EINVAL;
	sqlite3_bind_int64(q, 1, id);
	return org_one(s, q, ret_org);
}

struct org_walk {
	store_org_cb cb;
	void *ctx;
};

static enum rcx_result org_row(sqlite3_stmt *q, void *v)
{
	struct org_walk *w = v;
	struct store_org o;
	org_read(q, NULL, &o);
	return w->cb(w->ctx, &o);
}

enum rcx_result sq_org_list(struct store *st, store_org_cb cb, void *ctx)
{
	struct store_sqlite *s = sq(st);
	if (!cb)
		return RCX_EINVAL;
	struct org_walk w = {cb, ctx};
	return sq_each_row(s, &s->astmt[SQA_ORG_LIST], sqa_sql[SQA_ORG_LIST], NULL, 0, org_row, &w);
}

enum rcx_result sq_org_update(struct store *st, const struct store_org *org)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_ORG_UPDATE];

	if (!org)
		return RCX_EINVAL;
	enum rcx_result r = sq_exists(s->astmt[SQA_ORG_EXISTS], org->id);
	if (r == RCX_OK)
		r = parent_check(s, org->parent, org->id);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, org->id);
	sq_bind_text(q, 2, org->country);
	sq_bind_text(q, 3, org->kind);
	sq_bind_text(q, 4, org->sector);
	sqlite3_bind_int64(q, 5, org->parent);
	sq_bind_text(q, 6, org->contacts);
	return sq_step_changed(s, q);
}

/* ---- users ---- */

static void user_read(sqlite3_stmt *q, struct rcx_arena *a, struct store_user *u)
{
	u->id = sqlite3_column_int64(q, 0);
	u->email = sq_col_str(q, 1, a);
	u->name = sq_col_str(q, 2, a);
	u->org = sqlite3_column_int64(q, 3);
	u->role = sqlite3_column_int(q, 4);
	u->pwhash = sq_col_str(q, 5, a);
	u->disabled = sqlite3_column_int(q, 6) != 0;
	u->created_us = sqlite3_column_int64(q, 7);
}

/* The address in lowercase, in s->scratch. */
static enum rcx_result email_lower(struct store_sqlite *s, const char *email)
{
	rcx_strbuf_clear(&s->scratch);
	enum rcx_result r = rcx_strbuf_puts(&s->scratch, email);
	if (r == RCX_OK)
		store_ascii_lower(s->scratch.data);
	return r;
}

enum rcx_result sq_user_add(struct store *st, const struct store_user *u, int64_t *ret_id)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_USER_INSERT];

	if (!u || !u->email || !*u->email)
		return RCX_EINVAL;
	enum rcx_result r = sq_exists(s->astmt[SQA_ORG_EXISTS], u->org);
	if (r == RCX_OK)
		r = email_lower(s, u->email);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_text(q, 1, s->scratch.data, -1, SQLITE_STATIC);
	sq_bind_text(q, 2, u->name);
	sqlite3_bind_int64(q, 3, u->org);
	sqlite3_bind_int(q, 4, u->role);
	sq_bind_text(q, 5, u->pwhash);
	sqlite3_bind_int(q, 6, u->disabled);
	sqlite3_bind_int64(q, 7, sq_time_or_now(u->created_us));
	r = sq_step_done(q);
	if (r == RCX_OK && ret_id)
		*ret_id = sqlite3_last_insert_rowid(s->db);
	return r;
}

static enum rcx_result user_one(struct store_sqlite *s, sqlite3_stmt *q, struct store_user *ret_user)
{
	enum rcx_result r = sq_step_row(q);
	if (r != RCX_OK)
		return r;
	rcx_arena_reset(&s->ret_arena);
	user_read(q, &s->ret_arena, ret_user);
	sqlite3_reset(q);
	return RCX_OK;
}

enum rcx_result sq_user_get(struct store *st, const char *email, struct store_user *ret_user)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_USER_BY_EMAIL];

	if (!email || !ret_user)
		return RCX_EINVAL;
	enum rcx_result r = email_lower(s, email);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_text(q, 1, s->scratch.data, -1, SQLITE_STATIC);
	return user_one(s, q, ret_user);
}

enum rcx_result sq_user_get_id(struct store *st, int64_t id, struct store_user *ret_user)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_USER_BY_ID];

	if (!ret_user)
		return RCX_EINVAL;
	sqlite3_bind_int64(q, 1, id);
	return user_one(s, q, ret_user);
}

struct user_walk {
	store_user_cb cb;
	void *ctx;
};

static enum rcx_result user_row(sqlite3_stmt *q, void *v)
{
	struct user_walk *w = v;
	struct store_user u;
	user_read(q, NULL, &u);
	return w->cb(w->ctx, &u);
}

enum rcx_result sq_user_list(struct store *st, int64_t org, store_user_cb cb, void *ctx)
{
	struct store_sqlite *s = sq(st);
	enum sqa_stmt i = org ? SQA_USER_LIST_ORG : SQA_USER_LIST_ALL;
	if (!cb)
		return RCX_EINVAL;
	struct user_walk w = {cb, ctx};
	return sq_each_row(s, &s->astmt[i], sqa_sql[i], &org, org ? 1 : 0, user_row, &w);
}

enum rcx_result sq_user_update(struct store *st, const struct store_user *u)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_USER_UPDATE];

	if (!u)
		return RCX_EINVAL;
	sqlite3_bind_int64(q, 1, u->id);
	sq_bind_text(q, 2, u->name);
	sqlite3_bind_int(q, 3, u->role);
	sq_bind_text(q, 4, u->pwhash);
	sqlite3_bind_int(q, 5, u->disabled);
	return sq_step_changed(s, q);
}

/* ---- API keys ---- */

static void key_read(sqlite3_stmt *q, struct rcx_arena *a, struct store_apikey *k)
{
	k->id = sqlite3_column_int64(q, 0);
	k->user = sqlite3_column_int64(q, 1);
	k->prefix = sq_col_str(q, 2, a);
	sq_col_hash(q, 3, k->hash);
	k->label = sq_col_str(q, 4, a);
	k->created_us = sqlite3_column_int64(q, 5);
	k->expires_us = sqlite3_column_int64(q, 6);
	k->revoked = sqlite3_column_int(q, 7) != 0;
}

enum rcx_result sq_apikey_add(struct store *st, const struct store_apikey *k, int64_t *ret_id)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_KEY_INSERT];

	if (!k || !k->prefix || !*k->prefix)
		return RCX_EINVAL;
	enum rcx_result r = sq_exists(s->astmt[SQA_USER_EXISTS], k->user);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, k->user);
	sq_bind_text(q, 2, k->prefix);
	sqlite3_bind_blob(q, 3, k->hash, 32, SQLITE_STATIC);
	sq_bind_text(q, 4, k->label);
	sqlite3_bind_int64(q, 5, sq_time_or_now(k->created_us));
	sqlite3_bind_int64(q, 6, k->expires_us);
	sqlite3_bind_int(q, 7, k->revoked);
	r = sq_step_done(q);
	if (r == RCX_OK && ret_id)
		*ret_id = sqlite3_last_insert_rowid(s->db);
	return r;
}

enum rcx_result sq_apikey_get(struct store *st, const char *prefix, struct store_apikey *ret_key)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_KEY_BY_PREFIX];

	if (!prefix || !ret_key)
		return RCX_EINVAL;
	sq_bind_copy(q, 1, prefix);
	enum rcx_result r = sq_step_row(q);
	if (r != RCX_OK)
		return r;
	rcx_arena_reset(&s->ret_arena);
	key_read(q, &s->ret_arena, ret_key);
	sqlite3_reset(q);
	return RCX_OK;
}

struct key_walk {
	store_apikey_cb cb;
	void *ctx;
};

static enum rcx_result key_row(sqlite3_stmt *q, void *v)
{
	struct key_walk *w = v;
	struct store_apikey k;
	key_read(q, NULL, &k);
	return w->cb(w->ctx, &k);
}

enum rcx_result sq_apikey_list(struct store *st, int64_t user, store_apikey_cb cb, void *ctx)
{
	struct store_sqlite *s = sq(st);
	enum sqa_stmt i = user ? SQA_KEY_LIST_USER : SQA_KEY_LIST_ALL;
	if (!cb)
		return RCX_EINVAL;
	struct key_walk w = {cb, ctx};
	return sq_each_row(s, &s->astmt[i], sqa_sql[i], &user, user ? 1 : 0, key_row, &w);
}

enum rcx_result sq_apikey_revoke(struct store *st, int64_t id)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_KEY_REVOKE];
	sqlite3_bind_int64(q, 1, id);
	return sq_step_changed(s, q);
}

/* ---- sessions ---- */

enum rcx_result sq_session_put(struct store *st, const struct store_session *sess)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_SESSION_INSERT];

	if (!sess || !sess->csrf || sess->expires_us <= 0)
		return RCX_EINVAL;
	enum rcx_result r = sq_exists(s->astmt[SQA_USER_EXISTS], sess->user);
	if (r != RCX_OK)
		return r;
	/* the table holds live sessions only: logins clear out the expired ones as they come */
	sqlite3_stmt *x = s->astmt[SQA_SESSION_EXPIRE];
	sqlite3_bind_int64(x, 1, rcx_time_now());
	r = sq_step_done(x);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_blob(q, 1, sess->token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, sess->user);
	sq_bind_text(q, 3, sess->csrf);
	sqlite3_bind_int64(q, 4, sq_time_or_now(sess->created_us));
	sqlite3_bind_int64(q, 5, sess->expires_us);
	return sq_step_done(q);
}

enum rcx_result sq_session_get(struct store *st, const uint8_t token_hash[32], struct store_session *ret_sess)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_SESSION_GET];

	if (!token_hash || !ret_sess)
		return RCX_EINVAL;
	sqlite3_bind_blob(q, 1, token_hash, 32, SQLITE_TRANSIENT);
	enum rcx_result r = sq_step_row(q);
	if (r != RCX_OK)
		return r;
	int64_t expires = sqlite3_column_int64(q, 3);
	if (expires <= rcx_time_now()) {
		sqlite3_reset(q);
		/* gone: delete it on the way (best effort; a readonly handle cannot) */
		sqlite3_stmt *d = s->astmt[SQA_SESSION_DELETE];
		sqlite3_bind_blob(d, 1, token_hash, 32, SQLITE_TRANSIENT);
		(void)sq_step_done(d);
		return RCX_ENOTFOUND;
	}
	rcx_arena_reset(&s->ret_arena);
	memcpy(ret_sess->token_hash, token_hash, 32);
	ret_sess->user = sqlite3_column_int64(q, 0);
	ret_sess->csrf = sq_column_dup(&s->ret_arena, q, 1);
	ret_sess->created_us = sqlite3_column_int64(q, 2);
	ret_sess->expires_us = expires;
	sqlite3_reset(q);
	return RCX_OK;
}

enum rcx_result sq_session_delete(struct store *st, const uint8_t token_hash[32])
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->astmt[SQA_SESSION_DELETE];

	if (!token_hash)
		return RCX_EINVAL;
	sqlite3_bind_blob(q, 1, token_hash, 32, SQLITE_STATIC);
	return sq_step_changed(s, q);
}
