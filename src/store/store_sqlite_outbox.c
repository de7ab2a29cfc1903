/* The SQLite store's outbox (table of migration 5, store_sqlite_schema.c): queued e-mail
 * notifications with their retry bookkeeping. Writes join the caller's transaction, so a message
 * queued with the change that causes it commits or rolls back with that change. Messages are few
 * (a handful per incident): statements are prepared per call. */
#include <stdlib.h>

#include "store/store_outbox.h"
#include "store/store_sqlite.h"

#define OUTBOX_COLUMNS \
	"SELECT id, org, address, subject, body, incident, created, attempts, last_error, next, sent FROM outbox"

static enum rcx_result prepare(struct store_sqlite *s, const char *sql, sqlite3_stmt **ret_st)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, ret_st, NULL);
	return rc == SQLITE_OK ? RCX_OK : sq_result(rc);
}

static enum rcx_result so_put(struct store *st, const struct store_outbox_msg *m, int64_t *ret_id)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!m || !m->address || !*m->address || !m->subject || !m->body)
		return RCX_EINVAL;
	enum rcx_result r = prepare(s,
				    "INSERT INTO outbox(org, address, subject, body, incident, created, next)"
				    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				    &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, m->org);
	sq_bind_text(q, 2, m->address);
	sq_bind_text(q, 3, m->subject);
	sq_bind_text(q, 4, m->body);
	sqlite3_bind_int64(q, 5, m->incident);
	sqlite3_bind_int64(q, 6, sq_time_or_now(m->created_us));
	sqlite3_bind_int64(q, 7, m->next_us);
	r = sq_step_done(q);
	sqlite3_finalize(q);
	if (r == RCX_OK && ret_id)
		*ret_id = sqlite3_last_insert_rowid(s->db);
	return r;
}

static enum rcx_result so_list(struct store *st, int64_t after_id, uint64_t limit, bool pending_only, int64_t due_us,
			       store_outbox_cb cb, void *ctx)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!cb)
		return RCX_EINVAL;
	enum rcx_result r = prepare(s,
				    OUTBOX_COLUMNS " WHERE id > ?1 AND (?2 = 0 OR (sent = 0 AND (?3 = 0 OR next <= ?3)))"
						   " ORDER BY id LIMIT ?4",
				    &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, after_id);
	sqlite3_bind_int(q, 2, pending_only ? 1 : 0);
	sqlite3_bind_int64(q, 3, due_us);
	sqlite3_bind_int64(q, 4, limit && limit < (uint64_t)INT64_MAX ? (int64_t)limit : -1);
	int rc = SQLITE_DONE;
	while (r == RCX_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_outbox_msg m = {
			.id = sqlite3_column_int64(q, 0),
			.org = sqlite3_column_int64(q, 1),
			.address = (const char *)sqlite3_column_text(q, 2),
			.subject = (const char *)sqlite3_column_text(q, 3),
			.body = (const char *)sqlite3_column_text(q, 4),
			.incident = sqlite3_column_int64(q, 5),
			.created_us = sqlite3_column_int64(q, 6),
			.attempts = sqlite3_column_int64(q, 7),
			.last_error = (const char *)sqlite3_column_text(q, 8),
			.next_us = sqlite3_column_int64(q, 9),
			.sent_us = sqlite3_column_int64(q, 10),
		};
		r = cb(ctx, &m);
	}
	if (r == RCX_OK && rc != SQLITE_DONE)
		r = sq_result(rc);
	sqlite3_finalize(q);
	return r;
}

static enum rcx_result so_sent(struct store *st, int64_t id, int64_t sent_us)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	enum rcx_result r = prepare(s, "UPDATE outbox SET sent = ?2 WHERE id = ?1", &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, sq_time_or_now(sent_us));
	r = sq_step_changed(s, q);
	sqlite3_finalize(q);
	return r;
}

static enum rcx_result so_failed(struct store *st, int64_t id, const char *error, int64_t next_us)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	enum rcx_result r =
		prepare(s, "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next = ?3 WHERE id = ?1", &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, id);
	sq_bind_text(q, 2, error ? error : "failed");
	sqlite3_bind_int64(q, 3, next_us);
	r = sq_step_changed(s, q);
	sqlite3_finalize(q);
	return r;
}

static enum rcx_result so_pending(struct store *st, uint64_t *ret_n)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	enum rcx_result r = prepare(s, "SELECT count(*) FROM outbox WHERE sent = 0", &q);
	if (r != RCX_OK)
		return r;
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*ret_n = (uint64_t)sqlite3_column_int64(q, 0);
	else
		r = sq_result(rc);
	sqlite3_finalize(q);
	return r;
}

const struct store_outbox_ops store_sqlite_outbox_ops = {
	.put = so_put,
	.list = so_list,
	.sent = so_sent,
	.failed = so_failed,
	.pending = so_pending,
};
