/* The SQLite store's sharing: the name cache of event_put, sharing groups, event labels (with
 * their named recipients) and the audit log (tables of migration 2, store_sqlite_schema.c).
 *
 * Names → ids for event_put: a direct-mapped cache per kind (SQ_NAME_CACHE slots, misses cached
 * too, as 0). It is dropped whole when PRAGMA data_version shows a commit by another connection,
 * when this handle adds an organisation or group, on rollback, and when its names outgrow
 * SQ_NAME_ARENA_MAX. There is no rename or delete of organisations or groups, so nothing else
 * can make an entry wrong.
 * Labels: event_label_set writes the label columns and replaces the recipient rows as one unit
 * (sq_atomic_begin: a savepoint inside the caller's transaction, else a transaction of its own).
 * A label's group and recipients must exist (RCX_ENOTFOUND); recipient lists are stored sorted
 * and unique, and event_label_get returns them in the handle's ids buffer.
 * Audit: rows are appended exactly as given (the hash covers them); id (the rowid) is the
 * physical order audit_list walks, so a verifier sees an entry stored out of place.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_impl.h"
#include "store/store_sqlite.h"

#define GROUP_COLUMNS "SELECT id, name, description, owner_org, created FROM sharing_groups"
#define AUDIT_COLUMNS "SELECT seq, time, actor, action, object, detail, prev, hash FROM audit"

const char *const sqs_sql[SQS_STMT_MAX] = {
	[SQS_GROUP_INSERT] = "INSERT INTO sharing_groups(name, description, owner_org, created) VALUES(?1, ?2, ?3, ?4)",
	[SQS_GROUP_BY_NAME] = GROUP_COLUMNS " WHERE name = ?1",
	[SQS_GROUP_LIST] = GROUP_COLUMNS " ORDER BY id",
	[SQS_GROUP_ID] = "SELECT id FROM sharing_groups WHERE name = ?1",
	[SQS_GROUP_EXISTS] = "SELECT 1 FROM sharing_groups WHERE id = ?1",
	[SQS_MEMBER_ADD] = "INSERT OR IGNORE INTO group_members(group_id, org_id) VALUES(?1, ?2)",
	[SQS_MEMBER_DELETE] = "DELETE FROM group_members WHERE group_id = ?1 AND org_id = ?2",
	[SQS_MEMBERS] = "SELECT org_id FROM group_members WHERE group_id = ?1 ORDER BY org_id",
	[SQS_ORG_GROUPS] = "SELECT group_id FROM group_members WHERE org_id = ?1 ORDER BY group_id",
	[SQS_LABEL_GET] = "SELECT owner_id, creator, tlp, dist, share_group FROM events WHERE id = ?1",
	/* users (org_id 0) first, then organisations, each ascending */
	[SQS_LABEL_RECIPIENTS] = "SELECT org_id, user_id FROM recipients WHERE kind = ?1 AND object_id = ?2"
				 " ORDER BY org_id, user_id",
	[SQS_LABEL_UPDATE] = "UPDATE events SET tlp = ?2, dist = ?3, share_group = ?4 WHERE id = ?1",
	[SQS_RECIPIENTS_DELETE] = "DELETE FROM recipients WHERE kind = ?1 AND object_id = ?2",
	[SQS_RECIPIENT_INSERT] = "INSERT INTO recipients(kind, object_id, org_id, user_id) VALUES(?1, ?2, ?3, ?4)",
	[SQS_AUDIT_LAST] = AUDIT_COLUMNS " ORDER BY seq DESC LIMIT 1",
	[SQS_AUDIT_INSERT] = "INSERT INTO audit(seq, time, actor, action, object, detail, prev, hash)"
			     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[SQS_AUDIT_LIST] = AUDIT_COLUMNS " WHERE seq > ?1 ORDER BY id LIMIT ?2",
};

/* ---- names → ids (event_put) ---- */

static uint64_t name_hash(const char *name)
{
	uint64_t h = UINT64_C(14695981039346656037); /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * UINT64_C(1099511628211);
	return h;
}

void sq_names_clear(struct store_sqlite *s)
{
	memset(s->orgs, 0, sizeof(s->orgs));
	memset(s->groups, 0, sizeof(s->groups));
	rcx_arena_reset(&s->names_arena);
}

/* Drops the cache when another connection committed since it was filled. Inside an explicit
 * transaction no other writer can commit, so one check per transaction is enough. */
static enum rcx_result names_fresh(struct store_sqlite *s)
{
	bool in_txn = !sqlite3_get_autocommit(s->db);
	if (in_txn && s->names_checked)
		return RCX_OK;
	sqlite3_stmt *q = s->stmt[SQ_DATA_VERSION];
	int rc = sqlite3_step(q);
	int v = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
	sqlite3_reset(q);
	if (rc != SQLITE_ROW)
		return sq_result(rc);
	if (v != s->data_version) {
		sq_names_clear(s);
		s->data_version = v;
	}
	s->names_checked = in_txn;
	return RCX_OK;
}

/* The id of name through cache, asking q ("SELECT id ... WHERE name = ?1") on a miss. */
static enum rcx_result name_id(struct store_sqlite *s, struct sq_name *cache, sqlite3_stmt *q, const char *name,
			       int64_t *ret_id)
{
	enum rcx_result r = names_fresh(s);
	if (r != RCX_OK)
		return r;
	uint64_t h = name_hash(name);
	struct sq_name *e = &cache[h & (SQ_NAME_CACHE - 1)];
	if (e->name && e->hash == h && !strcmp(e->name, name)) {
		*ret_id = e->id;
		return RCX_OK;
	}
	int64_t id = 0;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	r = sq_step_row(q);
	if (r == RCX_OK) {
		id = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
	} else if (r != RCX_ENOTFOUND) {
		return r;
	}
	if (s->names_arena.total > SQ_NAME_ARENA_MAX)
		sq_names_clear(s);
	*e = (struct sq_name){rcx_arena_strdup(&s->names_arena, name), h, id};
	*ret_id = id;
	return RCX_OK;
}

enum rcx_result sq_org_id_of(struct store_sqlite *s, const char *name, int64_t *ret_id)
{
	return name_id(s, s->orgs, s->astmt[SQA_ORG_ID], name, ret_id);
}

enum rcx_result sq_group_id_of(struct store_sqlite *s, const char *name, int64_t *ret_id)
{
	return name_id(s, s->groups, s->sstmt[SQS_GROUP_ID], name, ret_id);
}

/* ---- sharing groups ---- */

static void group_read(sqlite3_stmt *q, struct rcx_arena *a, struct store_group *g)
{
	g->id = sqlite3_column_int64(q, 0);
	g->name = sq_col_str(q, 1, a);
	g->description = sq_col_str(q, 2, a);
	g->owner_org = sqlite3_column_int64(q, 3);
	g->created_us = sqlite3_column_int64(q, 4);
}

enum rcx_result sq_group_add(struct store *st, const struct store_group *g, int64_t *ret_id)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->sstmt[SQS_GROUP_INSERT];

	if (!g || !g->name || !*g->name || g->owner_org < 0)
		return RCX_EINVAL;
	enum rcx_result r = g->owner_org ? sq_exists(s->astmt[SQA_ORG_EXISTS], g->owner_org) : RCX_OK;
	if (r != RCX_OK)
		return r;
	sq_bind_text(q, 1, g->name);
	sq_bind_text(q, 2, g->description);
	sqlite3_bind_int64(q, 3, g->owner_org);
	sqlite3_bind_int64(q, 4, sq_time_or_now(g->created_us));
	r = sq_step_done(q);
	if (r != RCX_OK)
		return r;
	sq_names_clear(s);
	if (ret_id)
		*ret_id = sqlite3_last_insert_rowid(s->db);
	return RCX_OK;
}

enum rcx_result sq_group_get(struct store *st, const char *name, struct store_group *ret_group)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->sstmt[SQS_GROUP_BY_NAME];

	if (!name || !ret_group)
		return RCX_EINVAL;
	sq_bind_copy(q, 1, name);
	enum rcx_result r = sq_step_row(q);
	if (r != RCX_OK)
		return r;
	rcx_arena_reset(&s->ret_arena);
	group_read(q, &s->ret_arena, ret_group);
	sqlite3_reset(q);
	return RCX_OK;
}

struct group_walk {
	store_group_cb cb;
	void *ctx;
};

static enum rcx_result group_row(sqlite3_stmt *q, void *v)
{
	struct group_walk *w = v;
	struct store_group g;
	group_read(q, NULL, &g);
	return w->cb(w->ctx, &g);
}

enum rcx_result sq_group_list(struct store *st, store_group_cb cb, void *ctx)
{
	struct store_sqlite *s = sq(st);
	if (!cb)
		return RCX_EINVAL;
	struct group_walk w = {cb, ctx};
	return sq_each_row(s, &s->sstmt[SQS_GROUP_LIST], sqs_sql[SQS_GROUP_LIST], NULL, 0, group_row, &w);
}

enum rcx_result sq_group_member_set(struct store *st, int64_t group, int64_t org, bool member)
{
	struct store_sqlite *s = sq(st);
	enum rcx_result r = sq_exists(s->sstmt[SQS_GROUP_EXISTS], group);
	if (r == RCX_OK)
		r = sq_exists(s->astmt[SQA_ORG_EXISTS], org);
	if (r != RCX_OK)
		return r;
	sqlite3_stmt *q = s->sstmt[member ? SQS_MEMBER_ADD : SQS_MEMBER_DELETE];
	sqlite3_bind_int64(q, 1, group);
	sqlite3_bind_int64(q, 2, org);
	return sq_step_done(q);
}

struct id_walk {
	store_id_cb cb;
	void *ctx;
};

static enum rcx_result id_row(sqlite3_stmt *q, void *v)
{
	struct id_walk *w = v;
	return w->cb(w->ctx, sqlite3_column_int64(q, 0));
}

/* Walks the ids of a one-column listing (statement i, bound to key). */
static enum rcx_result id_list(struct store_sqlite *s, enum sqs_stmt i, int64_t key, store_id_cb cb, void *ctx)
{
	struct id_walk w = {cb, ctx};
	return sq_each_row(s, &s->sstmt[i], sqs_sql[i], &key, 1, id_row, &w);
}

enum rcx_result sq_group_members(struct store *st, int64_t group, store_id_cb cb, void *ctx)
{
	if (!cb)
		return RCX_EINVAL;
	return id_list(sq(st), SQS_MEMBERS, group, cb, ctx);
}

struct ids_collect {
	struct store_sqlite *s;
	size_t n, max;
};

static enum rcx_result collect_id(void *vctx, int64_t id)
{
	struct ids_collect *c = vctx;
	if (c->n >= c->max)
		return RCX_ELIMIT;
	enum rcx_result r = sq_ids_reserve(c->s, c->n + 1);
	if (r == RCX_OK)
		c->s->ids[c->n++] = id;
	return r;
}

enum rcx_result sq_org_groups(struct store *st, int64_t org, int64_t *ret_ids, size_t max, size_t *ret_n)
{
	struct store_sqlite *s = sq(st);
	struct ids_collect c = {s, 0, max};

	if ((max && !ret_ids) || !ret_n)
		return RCX_EINVAL;
	enum rcx_result r = id_list(s, SQS_ORG_GROUPS, org, collect_id, &c);
	if (r != RCX_OK)
		return r;
	if (c.n)
		memcpy(ret_ids, s->ids, c.n * sizeof(*ret_ids));
	*ret_n = c.n;
	return RCX_OK;
}

/* ---- event labels ---- */

enum rcx_result sq_event_label_get(struct store *st, int64_t id, struct rcx_label *ret_label)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->sstmt[SQS_LABEL_GET];
	struct rcx_label l = {0};

	if (!ret_label)
		return RCX_EINVAL;
	sqlite3_bind_int64(q, 1, id);
	enum rcx_result r = sq_step_row(q);
	if (r != RCX_OK)
		return r;
	sq_col_label(q, 0, &l);
	sqlite3_reset(q);

	r = sq_label_recipients(s, RCX_OBJECT_EVENT, id, &l);
	if (r != RCX_OK)
		return r;
	*ret_label = l;
	return RCX_OK;
}

enum rcx_result sq_label_recipients(struct store_sqlite *s, enum rcx_object_kind kind, int64_t id,
				    struct rcx_label *l)
{
	enum rcx_result r = RCX_OK;
	int rc;
	/* rows come users first (org_id 0), then organisations: one buffer, two runs */
	sqlite3_stmt *q = s->sstmt[SQS_LABEL_RECIPIENTS];
	sqlite3_bind_int(q, 1, (int)kind);
	sqlite3_bind_int64(q, 2, id);
	size_t n = 0, n_users = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t org = sqlite3_column_int64(q, 0), user = sqlite3_column_int64(q, 1);
		if ((r = sq_ids_reserve(s, n + 1)) != RCX_OK)
			break;
		s->ids[n++] = org ? org : user;
		if (!org)
			n_users++;
	}
	sqlite3_reset(q);
	if (r == RCX_OK && rc != SQLITE_DONE)
		r = sq_result(rc);
	if (r != RCX_OK)
		return r;
	l->n_users = n_users;
	l->n_orgs = n - n_users;
	l->users = l->n_users ? s->ids : NULL;
	l->orgs = l->n_orgs ? s->ids + l->n_users : NULL;
	return RCX_OK;
}

enum rcx_result sq_recipients_put(struct store_sqlite *s, enum rcx_object_kind kind, int64_t id, const int64_t *ids,
				  size_t n, bool users)
{
	sqlite3_stmt *q = s->sstmt[SQS_RECIPIENT_INSERT];
	for (size_t i = 0; i < n; i++) {
		enum rcx_result r = sq_exists(users ? s->astmt[SQA_USER_EXISTS] : s->astmt[SQA_ORG_EXISTS], ids[i]);
		if (r != RCX_OK)
			return r;
		sqlite3_bind_int(q, 1, (int)kind);
		sqlite3_bind_int64(q, 2, id);
		sqlite3_bind_int64(q, 3, users ? 0 : ids[i]);
		sqlite3_bind_int64(q, 4, users ? ids[i] : 0);
		r = sq_step_done(q);
		if (r != RCX_OK)
			return r;
	}
	return RCX_OK;
}

enum rcx_result sq_event_label_set(struct store *st, int64_t id, const struct rcx_label *label)
{
	struct store_sqlite *s = sq(st);
	bool own;

	enum rcx_result r = store_label_check(label);
	if (r != RCX_OK)
		return r;
	/* sorted and unique, as event_label_get returns them; a copy of its own, since the label
	 * may be the one event_label_get returned, whose arrays are s->ids */
	int64_t *orgs = malloc((label->n_orgs + label->n_users + 1) * sizeof(*orgs)), *users = orgs + label->n_orgs;
	if (!orgs)
		return RCX_ENOMEM;
	if (label->n_orgs)
		memcpy(orgs, label->orgs, label->n_orgs * sizeof(*orgs));
	if (label->n_users)
		memcpy(users, label->users, label->n_users * sizeof(*users));
	size_t n_orgs = store_ids_norm(orgs, label->n_orgs), n_users = store_ids_norm(users, label->n_users);

	r = sq_atomic_begin(s, &own);
	if (r != RCX_OK) {
		free(orgs);
		return r;
	}
	sqlite3_stmt *q = s->sstmt[SQS_LABEL_UPDATE];
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, rcx_tlp_name(label->tlp), -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, (int)label->dist);
	sqlite3_bind_int64(q, 4, label->group);
	r = sq_step_changed(s, q);
	if (r == RCX_OK && label->group)
		r = sq_exists(s->sstmt[SQS_GROUP_EXISTS], label->group);
	if (r == RCX_OK) {
		q = s->sstmt[SQS_RECIPIENTS_DELETE];
		sqlite3_bind_int(q, 1, RCX_OBJECT_EVENT);
		sqlite3_bind_int64(q, 2, id);
		r = sq_step_done(q);
	}
	if (r == RCX_OK)
		r = sq_recipients_put(s, RCX_OBJECT_EVENT, id, orgs, n_orgs, false);
	if (r == RCX_OK)
		r = sq_recipients_put(s, RCX_OBJECT_EVENT, id, users, n_users, true);
	free(orgs);
	return sq_atomic_end(s, own, r);
}

/* ---- audit log ---- */

static void audit_read(sqlite3_stmt *q, struct rcx_arena *a, struct store_audit *e)
{
	e->seq = sqlite3_column_int64(q, 0);
	e->time_us = sqlite3_column_int64(q, 1);
	e->actor = sq_col_str(q, 2, a);
	e->action = sq_col_str(q, 3, a);
	e->object = sq_col_str(q, 4, a);
	e->detail = sq_col_str(q, 5, a);
	sq_col_hash(q, 6, e->prev);
	sq_col_hash(q, 7, e->hash);
}

enum rcx_result sq_audit_last(struct store *st, struct store_audit *ret_entry)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->sstmt[SQS_AUDIT_LAST];

	if (!ret_entry)
		return RCX_EINVAL;
	enum rcx_result r = sq_step_row(q);
	if (r != RCX_OK)
		return r;
	rcx_arena_reset(&s->ret_arena);
	audit_read(q, &s->ret_arena, ret_entry);
	sqlite3_reset(q);
	return RCX_OK;
}

enum rcx_result sq_audit_append(struct store *st, const struct store_audit *e)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->sstmt[SQS_AUDIT_INSERT];

	if (!e || e->seq <= 0)
		return RCX_EINVAL;
	/* stored exactly as given (the hash covers it); NULL strings as "", which hash the same */
	sqlite3_bind_int64(q, 1, e->seq);
	sqlite3_bind_int64(q, 2, e->time_us);
	sqlite3_bind_text(q, 3, e->actor ? e->actor : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, e->action ? e->action : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, e->object ? e->object : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, e->detail ? e->detail : "", -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 7, e->prev, 32, SQLITE_STATIC);
	sqlite3_bind_blob(q, 8, e->hash, 32, SQLITE_STATIC);
	return sq_step_done(q);
}

struct audit_walk {
	store_audit_cb cb;
	void *ctx;
};

static enum rcx_result audit_row(sqlite3_stmt *q, void *v)
{
	struct audit_walk *w = v;
	struct store_audit e;
	audit_read(q, NULL, &e);
	return w->cb(w->ctx, &e);
}

enum rcx_result sq_audit_list(struct store *st, int64_t after_seq, uint64_t limit, store_audit_cb cb, void *ctx)
{
	struct store_sqlite *s = sq(st);
	if (!cb)
		return RCX_EINVAL;
	struct audit_walk w = {cb, ctx};
	int64_t binds[2] = {after_seq, limit == 0 ? -1 : limit > INT64_MAX ? INT64_MAX : (int64_t)limit};
	return sq_each_row(s, &s->sstmt[SQS_AUDIT_LIST], sqs_sql[SQS_AUDIT_LIST], binds, 2, audit_row, &w);
}
