/* The SQLite store's hash lists (tables of the hash-list migration, store_sqlite_schema.c):
 * `hashlists` with the label columns events and incidents have (recipients of kind
 * RCX_OBJECT_HASHLIST), and `hashlist_entries`.
 *
 * A hash is kept as a 32-byte BLOB, not as 64 hex digits: half the size, one spelling only (hex
 * has two cases), and (list, hash) unique compares bytes. Visibility is the trust module's WHERE
 * fragment over the list's label columns, ANDed into every statement that reads a list; entries are
 * read through a join with (or a probe of) their list, so an entry is seen exactly when its list
 * is. Lists are few, so their statements are prepared per call; entry_add prepares once per batch
 * and runs the whole batch as one unit (sq_atomic_begin). */
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "store/store_hashlist.h"
#include "store/store_impl.h"
#include "store/store_sqlite.h"

#define LIST_COLUMNS                                                                                    \
	"SELECT hashlists.id, hashlists.name, hashlists.description, hashlists.owner_id, hashlists.creator," \
	" hashlists.tlp, hashlists.dist, hashlists.share_group, hashlists.created FROM hashlists WHERE 1"
#define ENTRY_COLUMNS                                                                                          \
	"SELECT e.id, e.list, e.hash, e.quality, e.category, e.reference, e.contributed_by, e.added"           \
	" FROM hashlist_entries e"

/* Where a list's label lives, for the trust module's WHERE fragment. */
static const struct rcx_label_columns hashlist_label_columns = {
	.id = "hashlists.id",
	.owner = "hashlists.owner_id",
	.creator = "hashlists.creator",
	.tlp = "hashlists.tlp",
	.dist = "hashlists.dist",
	.group = "hashlists.share_group",
	.kind = RCX_OBJECT_HASHLIST,
};

/* Reads a LIST_COLUMNS row (strings copied into a when set) with its recipients. */
static enum rcx_result list_read(struct store_sqlite *s, sqlite3_stmt *q, struct rcx_arena *a,
				 struct store_hashlist *l)
{
	memset(l, 0, sizeof(*l));
	l->id = sqlite3_column_int64(q, 0);
	l->name = sq_col_str(q, 1, a);
	l->description = sq_col_str(q, 2, a);
	sq_col_label(q, 3, &l->label);
	l->created_us = sqlite3_column_int64(q, 8);
	return sq_label_recipients(s, RCX_OBJECT_HASHLIST, l->id, &l->label);
}

static void entry_read(sqlite3_stmt *q, struct store_hashlist_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(q, 0);
	e->list = sqlite3_column_int64(q, 1);
	const void *h = sqlite3_column_blob(q, 2);
	if (h && sqlite3_column_bytes(q, 2) == STORE_HASHLIST_HASH_BYTES)
		memcpy(e->hash, h, STORE_HASHLIST_HASH_BYTES);
	e->quality = sqlite3_column_int(q, 3);
	e->category = (const char *)sqlite3_column_text(q, 4);
	e->reference = (const char *)sqlite3_column_text(q, 5);
	e->contributed_by = sqlite3_column_int64(q, 6);
	e->added_us = sqlite3_column_int64(q, 7);
}

/* Copies a label's recipients sorted and unique into one malloc'd array (orgs, then users). */
static enum rcx_result ids_copy(const struct rcx_label *l, int64_t **ret_ids, size_t *ret_orgs, size_t *ret_users)
{
	int64_t *ids = malloc((l->n_orgs + l->n_users + 1) * sizeof(*ids));
	if (!ids)
		return RCX_ENOMEM;
	if (l->n_orgs)
		memcpy(ids, l->orgs, l->n_orgs * sizeof(*ids));
	size_t n_orgs = store_ids_norm(ids, l->n_orgs);
	if (l->n_users)
		memcpy(ids + n_orgs, l->users, l->n_users * sizeof(*ids));
	*ret_users = store_ids_norm(ids + n_orgs, l->n_users);
	*ret_orgs = n_orgs;
	*ret_ids = ids;
	return RCX_OK;
}

static enum rcx_result sqh_list_put(struct store *st, const struct store_hashlist *list, int64_t *ret_id)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	int64_t *ids = NULL, id = 0;
	size_t n_orgs = 0, n_users = 0;
	bool own = false;

	if (!list || !list->name || !*list->name || list->label.owner_org <= 0)
		return RCX_EINVAL;
	const struct rcx_label *l = &list->label;
	enum rcx_result r = store_label_check(l);
	if (r == RCX_OK)
		r = ids_copy(l, &ids, &n_orgs, &n_users);
	if (r != RCX_OK)
		return r;
	r = sq_prepare(s,
		    "INSERT INTO hashlists(name, description, owner_id, creator, tlp, dist, share_group, created)"
		    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		    &q);
	if (r == RCX_OK)
		r = sq_atomic_begin(s, &own);
	if (r != RCX_OK)
		goto fail;
	sq_bind_text(q, 1, list->name);
	sq_bind_text(q, 2, list->description);
	sqlite3_bind_int64(q, 3, l->owner_org);
	sqlite3_bind_int64(q, 4, l->creator);
	sqlite3_bind_text(q, 5, rcx_tlp_name(l->tlp), -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 6, (int)l->dist);
	sqlite3_bind_int64(q, 7, l->group);
	sqlite3_bind_int64(q, 8, sq_time_or_now(list->created_us));
	r = sq_exists(s->astmt[SQA_ORG_EXISTS], l->owner_org);
	if (r == RCX_OK && l->group)
		r = sq_exists(s->sstmt[SQS_GROUP_EXISTS], l->group);
	if (r == RCX_OK)
		r = sq_step_done(q);
	if (r == RCX_OK) {
		id = sqlite3_last_insert_rowid(s->db);
		r = sq_recipients_put(s, RCX_OBJECT_HASHLIST, id, ids, n_orgs, false);
	}
	if (r == RCX_OK)
		r = sq_recipients_put(s, RCX_OBJECT_HASHLIST, id, ids + n_orgs, n_users, true);
	r = sq_atomic_end(s, own, r);
	if (r == RCX_OK && ret_id)
		*ret_id = id;
fail:
	sqlite3_finalize(q);
	free(ids);
	return r;
}

static enum rcx_result sqh_list_get(struct store *st, int64_t id, const struct store_visibility *vis,
				    struct store_hashlist *ret_list)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!ret_list)
		return RCX_EINVAL;
	enum rcx_result r = sq_prepare_visible(s, &hashlist_label_columns, LIST_COLUMNS " AND hashlists.id = ?1", vis, NULL, &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		struct store_hashlist l;
		rcx_arena_reset(&s->ret_arena);
		r = list_read(s, q, &s->ret_arena, &l);
		if (r == RCX_OK)
			*ret_list = l;
	} else {
		r = rc == SQLITE_DONE ? RCX_ENOTFOUND : sq_result(rc);
	}
	sqlite3_finalize(q);
	return r;
}

static enum rcx_result sqh_list_query(struct store *st, const struct store_hashlist_filter *flt, store_hashlist_cb cb,
				      void *ctx)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	int rc = SQLITE_DONE;
	if (!flt || !cb)
		return RCX_EINVAL;
	struct rcx_strbuf head = RCX_STRBUF_INIT(0);
	enum rcx_result r = rcx_strbuf_puts(&head, LIST_COLUMNS);
	if (r == RCX_OK && flt->owner_org)
		r = rcx_strbuf_puts(&head, " AND hashlists.owner_id = :owner");
	if (r == RCX_OK && flt->name)
		r = rcx_strbuf_puts(&head, " AND hashlists.name = :name");
	if (r == RCX_OK && flt->after_id > 0)
		r = rcx_strbuf_puts(&head, " AND hashlists.id > :after");
	if (r == RCX_OK)
		r = sq_prepare_visible(s, &hashlist_label_columns, head.data, flt->vis, flt->limit ? " ORDER BY hashlists.id LIMIT :limit"
								   : " ORDER BY hashlists.id",
				&q);
	rcx_strbuf_free(&head);
	if (r != RCX_OK)
		return r;
	if (flt->owner_org)
		sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":owner"), flt->owner_org);
	if (flt->name)
		sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":name"), flt->name, -1, SQLITE_STATIC);
	if (flt->after_id > 0)
		sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":after"), flt->after_id);
	if (flt->limit)
		sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":limit"),
				   flt->limit > INT64_MAX ? INT64_MAX : (int64_t)flt->limit);
	while (r == RCX_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_hashlist l;
		r = list_read(s, q, NULL, &l);
		if (r == RCX_OK)
			r = cb(ctx, &l);
	}
	if (r == RCX_OK && rc != SQLITE_DONE)
		r = sq_result(rc);
	sqlite3_finalize(q);
	return r;
}

static enum rcx_result sqh_list_label_set(struct store *st, int64_t id, const struct rcx_label *label)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	int64_t *ids = NULL;
	size_t n_orgs = 0, n_users = 0;
	bool own = false;

	enum rcx_result r = store_label_check(label);
	if (r == RCX_OK)
		r = ids_copy(label, &ids, &n_orgs, &n_users); /* label's arrays may be s->ids (list_get) */
	if (r != RCX_OK)
		return r;
	r = sq_prepare(s, "UPDATE hashlists SET tlp = ?2, dist = ?3, share_group = ?4 WHERE id = ?1", &q);
	if (r == RCX_OK)
		r = sq_atomic_begin(s, &own);
	if (r != RCX_OK)
		goto fail;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, rcx_tlp_name(label->tlp), -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, (int)label->dist);
	sqlite3_bind_int64(q, 4, label->group);
	r = sq_step_changed(s, q);
	if (r == RCX_OK && label->group)
		r = sq_exists(s->sstmt[SQS_GROUP_EXISTS], label->group);
	if (r == RCX_OK) {
		sqlite3_stmt *d = s->sstmt[SQS_RECIPIENTS_DELETE];
		sqlite3_bind_int(d, 1, RCX_OBJECT_HASHLIST);
		sqlite3_bind_int64(d, 2, id);
		r = sq_step_done(d);
	}
	if (r == RCX_OK)
		r = sq_recipients_put(s, RCX_OBJECT_HASHLIST, id, ids, n_orgs, false);
	if (r == RCX_OK)
		r = sq_recipients_put(s, RCX_OBJECT_HASHLIST, id, ids + n_orgs, n_users, true);
	r = sq_atomic_end(s, own, r);
fail:
	sqlite3_finalize(q);
	free(ids);
	return r;
}

/* RCX_OK when list id exists and vis admits it, else RCX_ENOTFOUND. */
static enum rcx_result visible(struct store_sqlite *s, int64_t id, const struct store_visibility *vis)
{
	return sq_visible_id(s, "hashlists", &hashlist_label_columns, id, vis);
}

static enum rcx_result sqh_entry_add(struct store *st, const struct store_hashlist_entry *entries, size_t n,
				     size_t *ret_added)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	size_t added = 0;
	bool own = false;
	int64_t list_ok = 0, org_ok = 0; /* the last list and organisation found (batches repeat them) */

	if (n && !entries)
		return RCX_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!entries[i].category || !*entries[i].category || entries[i].quality < -1 || entries[i].quality > 100)
			return RCX_EINVAL;
	enum rcx_result r = sq_prepare(s,
				    "INSERT OR IGNORE INTO hashlist_entries(list, hash, quality, category, reference,"
				    " contributed_by, added) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				    &q);
	if (r == RCX_OK)
		r = sq_atomic_begin(s, &own);
	if (r != RCX_OK) {
		sqlite3_finalize(q);
		return r;
	}
	for (size_t i = 0; i < n && r == RCX_OK; i++) {
		const struct store_hashlist_entry *e = &entries[i];
		if (e->list != list_ok && (r = visible(s, e->list, NULL)) == RCX_OK)
			list_ok = e->list;
		if (r == RCX_OK && e->contributed_by != org_ok &&
		    (r = sq_exists(s->astmt[SQA_ORG_EXISTS], e->contributed_by)) == RCX_OK)
			org_ok = e->contributed_by;
		if (r != RCX_OK)
			break;
		sqlite3_bind_int64(q, 1, e->list);
		sqlite3_bind_blob(q, 2, e->hash, STORE_HASHLIST_HASH_BYTES, SQLITE_STATIC);
		sqlite3_bind_int(q, 3, e->quality);
		sq_bind_text(q, 4, e->category);
		sq_bind_text(q, 5, e->reference);
		sqlite3_bind_int64(q, 6, e->contributed_by);
		sqlite3_bind_int64(q, 7, sq_time_or_now(e->added_us));
		r = sq_step_done(q);
		if (r == RCX_OK)
			added += (size_t)sqlite3_changes(s->db);
	}
	sqlite3_finalize(q);
	r = sq_atomic_end(s, own, r);
	if (r == RCX_OK && ret_added)
		*ret_added = added;
	return r;
}

/* Runs an entry statement (ENTRY_COLUMNS ...) with ?1 bound to list when list > 0. */
static enum rcx_result entry_rows(sqlite3_stmt *q, int64_t list, store_hashlist_entry_cb cb, void *ctx)
{
	enum rcx_result r = RCX_OK;
	int rc;
	if (list > 0)
		sqlite3_bind_int64(q, 1, list);
	while (r == RCX_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_hashlist_entry e;
		entry_read(q, &e);
		r = cb(ctx, &e);
	}
	if (r == RCX_OK && rc != SQLITE_DONE)
		r = sq_result(rc);
	sqlite3_finalize(q);
	return r;
}

static enum rcx_result sqh_entries(struct store *st, int64_t list, const struct store_visibility *vis,
				   store_hashlist_entry_cb cb, void *ctx)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!cb)
		return RCX_EINVAL;
	enum rcx_result r = visible(s, list, vis);
	if (r == RCX_OK)
		r = sq_prepare(s, ENTRY_COLUMNS " WHERE e.list = ?1 ORDER BY e.id", &q);
	if (r != RCX_OK)
		return r;
	return entry_rows(q, list, cb, ctx);
}

static enum rcx_result sqh_entries_visible(struct store *st, const struct store_visibility *vis,
					   store_hashlist_entry_cb cb, void *ctx)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!cb)
		return RCX_EINVAL;
	enum rcx_result r = sq_prepare_visible(s, &hashlist_label_columns, ENTRY_COLUMNS " JOIN hashlists ON hashlists.id = e.list WHERE 1", vis,
					" ORDER BY e.list, e.id", &q);
	if (r != RCX_OK)
		return r;
	return entry_rows(q, 0, cb, ctx);
}

static enum rcx_result sqh_entry_count(struct store *st, int64_t list, const struct store_visibility *vis,
				       uint64_t *ret_n)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!ret_n)
		return RCX_EINVAL;
	enum rcx_result r = visible(s, list, vis);
	if (r == RCX_OK)
		r = sq_prepare(s, "SELECT count(*) FROM hashlist_entries WHERE list = ?1", &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, list);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*ret_n = (uint64_t)sqlite3_column_int64(q, 0);
	else
		r = sq_result(rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	sqlite3_finalize(q);
	return r;
}

const struct store_hashlist_ops store_sqlite_hashlist_ops = {
	.list_put = sqh_list_put,
	.list_get = sqh_list_get,
	.list_query = sqh_list_query,
	.list_label_set = sqh_list_label_set,
	.entry_add = sqh_entry_add,
	.entries = sqh_entries,
	.entries_visible = sqh_entries_visible,
	.entry_count = sqh_entry_count,
};
