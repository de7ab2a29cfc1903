/* The SQLite store (the default): open, transactions, events, quarantine, checkpoints. The schema
 * and its migrations are in store_sqlite_schema.c; organisations, accounts and sessions in
 * store_sqlite_accounts.c; sharing groups, labels and the audit log in store_sqlite_sharing.c.
 *
 * Events
 *   body is event_to_json(ev, 0): every field except raw (its own BLOB column) and the rcx.* meta
 *   fields, which are columns (id, count, first_seen, last_seen) and are set again when a row is read.
 *   time_source .. constituency copy body fields for filters and indexes. TKEY =
 *   coalesce(time_source, time_observation) is the time dedup and since_us use; it is indexed as
 *   an expression, so every query spells it exactly as TKEY (SQLite uses an expression index only
 *   for the same expression). source_ip holds the 16 bytes of struct rcx_ip (IPv4 in the first 4,
 *   the rest zero) beside source_family, so a CIDR filter is the BLOB range [network, broadcast]
 *   in one family.
 *
 * Labels
 *   Every event row carries its sharing label in columns (migration 2): owner_id (the id of the
 *   organisation named by rcx.org, 0 when unknown), creator (0 for ingested data), tlp (never NULL:
 *   amber when the event has none), dist (enum rcx_dist) and share_group (0 = none); the named
 *   recipients are rows of recipients(kind, object_id, org_id, user_id). The columns are
 *   authoritative: a read sets tlp, rcx.distribution and rcx.sharing_group from them, whatever the
 *   body says, because event_label_set changes only columns and recipients. event_put maps names
 *   to ids through a small per-handle cache (store_sqlite_sharing.c), which forgets everything when
 *   PRAGMA data_version says another connection committed (checked once per explicit transaction,
 *   or per put outside one), when this handle adds an organisation or group, and on rollback.
 *
 * Dedup
 *   event_put looks for the stored event of the same identity and owner (rcx.org) whose TKEY is
 *   closest to the new event's within ±window: one range probe of index (ident, TKEY). The owner is
 *   part of the key because event_identity leaves out rcx.*, and one organisation's sighting must
 *   not be counted into another's event.
 *
 * Queries
 *   Results are ordered by id. A filter on an indexed equality (type, feed, org) walks that index in
 *   id order; a CIDR filter searches events_source and sorts the matches (SQLite's sorter spills to
 *   a temporary file, so memory stays bounded); since_us alone scans in id order and stops at the
 *   limit, which suits paging. Counts use the index of their filter.
 *   Visibility (flt->vis) is the trust module's WHERE fragment over the label columns, ANDed into
 *   the same statement text; it folds the viewer's facts into constants, so such statements differ
 *   per viewer and live in a small LRU cache keyed by their whole text (SQ_VIS_CACHE entries).
 *
 * Statements
 *   The fixed statements are prepared at open and reused. Event queries are prepared per filter
 *   shape (which filters are set, a bitmask) on first use and cached, so every shape has one plan.
 *   A cached statement still stepping (a callback re-entering the same query) is not shared: the
 *   inner call prepares and finalises its own.
 *
 * Bounds and cost
 *   Per handle: the page cache (SQ_CACHE_KIB), at most 2 * SQ_FLT_SHAPES + SQ_VIS_CACHE cached event
 *   statements, the name cache (SQ_NAME_CACHE slots per kind, SQ_NAME_ARENA_MAX bytes of names),
 *   one JSON buffer for event_put and one arena per running query holding a single event. event_put
 *   costs one index probe, one cached name lookup and one insert into the table and its indexes;
 *   events_ident and events_source take keys in random order, and those two dominate the time of a
 *   large ingest batch (every commit writes the index pages it touched to the WAL).
 */
#include "store/store_sqlite.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/limits.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "store/store_impl.h"
#include "store/store_incident.h"
#include "store/store_outbox.h"
#include "store/store_hashlist.h"

#define SQ_BUSY_TIMEOUT_MS 5000
/* Page cache per handle (negative = KiB for PRAGMA cache_size): ingest dedup probes random ident
 * pages, which must stay in memory for large batches to run at full speed. */
#define SQ_CACHE_KIB 65536
/* WAL pages before an automatic checkpoint (SQLite's default is 1000). A commit of a large ingest
 * batch rewrites index pages all over the ident and source_ip indexes; checkpointing less often
 * copies each such page to the database file once for several commits (measured ~10% faster). */
#define SQ_WAL_CHECKPOINT_PAGES 10000


static const char *const sq_sql[SQ_STMT_MAX] = {
	[SQ_BEGIN] = "BEGIN IMMEDIATE",
	[SQ_COMMIT] = "COMMIT",
	[SQ_ROLLBACK] = "ROLLBACK",
	[SQ_SAVEPOINT] = "SAVEPOINT store_op",
	[SQ_RELEASE] = "RELEASE store_op",
	[SQ_ROLLBACK_TO] = "ROLLBACK TO store_op",
	[SQ_DATA_VERSION] = "PRAGMA data_version",
	/* The closest candidate is picked in C: an ORDER BY here would open a sorter on every put. */
	[SQ_DEDUP_FIND] = "SELECT id, " TKEY " FROM events WHERE ident = ?1 AND " TKEY " BETWEEN ?2 AND ?3"
			  " AND org IS ?4",
	[SQ_DEDUP_COUNT] = "UPDATE events SET count = count + 1, first_seen = min(first_seen, ?1),"
			   " last_seen = max(last_seen, ?1) WHERE id = ?2",
	[SQ_EVENT_INSERT] = "INSERT INTO events(ident, time_source, time_observation, class_type, feed_name,"
			    " source_family, source_ip, org, tlp, constituency, count, first_seen, last_seen,"
			    " body, raw, owner_id, dist, share_group)"
			    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?11, ?12, ?13, ?14, ?15, ?16)",
	[SQ_QUARANTINE_INSERT] = "INSERT INTO quarantine(file, line, feed, reason, raw, raw_total, time)"
				 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[SQ_QUARANTINE_PAGE] = "SELECT id, file, line, feed, reason, raw, raw_total, time FROM quarantine"
			       " WHERE id > ?1 ORDER BY id LIMIT ?2",
	[SQ_CHECKPOINT_GET] = "SELECT records_done, complete, events, duplicates, quarantined FROM ingest_files"
			      " WHERE file_id = ?1",
	[SQ_CHECKPOINT_PUT] = "INSERT INTO ingest_files(file_id, path, records_done, complete, events, duplicates,"
			      " quarantined, updated) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
			      " ON CONFLICT(file_id) DO UPDATE SET path = excluded.path,"
			      " records_done = excluded.records_done, complete = excluded.complete,"
			      " events = excluded.events, duplicates = excluded.duplicates,"
			      " quarantined = excluded.quarantined, updated = excluded.updated",
};

/* Filter shape bits: which parts of a struct store_event_filter are set. */
enum {
	FLT_SINCE = 1u << 0,
	FLT_TYPE = 1u << 1,
	FLT_SOURCE = 1u << 2,
	FLT_FEED = 1u << 3,
	FLT_ORG = 1u << 4,
	FLT_AFTER = 1u << 5,
	FLT_ID = 1u << 6,
	FLT_LIMIT = 1u << 7,
};
_Static_assert(FLT_LIMIT << 1 == SQ_FLT_SHAPES, "one cached statement per filter shape");

enum rcx_result sq_result(int rc)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return RCX_OK;
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return RCX_EEXIST;
	default:
		return (rc & 0xff) == SQLITE_NOMEM ? RCX_ENOMEM : RCX_ESTORE;
	}
}

enum rcx_result sq_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? RCX_OK : sq_result(rc);
}

int sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int bind_time(sqlite3_stmt *st, int i, int64_t us)
{
	return us != INT64_MIN ? sqlite3_bind_int64(st, i, us) : sqlite3_bind_null(st, i);
}

const char *sq_column_dup(struct rcx_arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? rcx_arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

static void sq_close(struct store *st)
{
	struct store_sqlite *s = sq(st);
	if (!s)
		return;
	for (int i = 0; i < SQ_STMT_MAX; i++)
		sqlite3_finalize(s->stmt[i]);
	for (int i = 0; i < SQA_STMT_MAX; i++)
		sqlite3_finalize(s->astmt[i]);
	for (int i = 0; i < SQS_STMT_MAX; i++)
		sqlite3_finalize(s->sstmt[i]);
	for (unsigned i = 0; i < SQ_FLT_SHAPES; i++) {
		sqlite3_finalize(s->query[i]);
		sqlite3_finalize(s->count[i]);
	}
	for (unsigned i = 0; i < SQ_VIS_CACHE; i++) {
		sqlite3_finalize(s->vis[i].st);
		free(s->vis[i].sql);
	}
	/* Closing with a transaction open rolls it back. */
	sqlite3_close(s->db);
	rcx_strbuf_free(&s->body);
	rcx_strbuf_free(&s->sql);
	rcx_strbuf_free(&s->scratch);
	rcx_arena_free(&s->ret_arena);
	rcx_arena_free(&s->names_arena);
	free(s->ids);
	free(s);
}

static enum rcx_result sq_open(const char *location, bool readonly, struct store **ret_store)
{
	struct store_sqlite *s = NULL;
	enum rcx_result r;

	/* Without this check SQLite would report a missing file as a generic CANTOPEN. */
	if (readonly && access(location, F_OK) != 0)
		return RCX_ENOTFOUND;
	s = calloc(1, sizeof(*s));
	if (!s)
		return RCX_ENOMEM;
	s->ops = &store_sqlite_ops;
	s->body = (struct rcx_strbuf)RCX_STRBUF_INIT(0);
	s->sql = (struct rcx_strbuf)RCX_STRBUF_INIT(0);
	s->scratch = (struct rcx_strbuf)RCX_STRBUF_INIT(0);
	s->data_version = -1;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	flags |= SQLITE_OPEN_NOMUTEX; /* one thread at a time per handle (store.h) */
	if (sqlite3_open_v2(location, &s->db, flags, NULL) != SQLITE_OK) {
		r = RCX_ESTORE;
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, SQ_BUSY_TIMEOUT_MS);
	char pragmas[160];
	snprintf(pragmas, sizeof(pragmas),
		 "PRAGMA foreign_keys = ON; PRAGMA cache_size = -%d;", SQ_CACHE_KIB);
	r = sq_exec(s->db, pragmas);
	if (r == RCX_OK && !readonly) {
		/* WAL: readers do not block the writer; NORMAL sync is durable across application crashes
		 * and loses at most the last commits on power loss, which an ingest rerun restores. */
		snprintf(pragmas, sizeof(pragmas),
			 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = %d;",
			 SQ_WAL_CHECKPOINT_PAGES);
		r = sq_exec(s->db, pragmas);
	}
	if (r == RCX_OK)
		r = sq_schema_open(s->db, readonly);
	if (r != RCX_OK)
		goto fail;
	const struct {
		const char *const *sql;
		sqlite3_stmt **stmt;
		int n;
	} tables[] = {
		{sq_sql, s->stmt, SQ_STMT_MAX},
		{sqa_sql, s->astmt, SQA_STMT_MAX},
		{sqs_sql, s->sstmt, SQS_STMT_MAX},
	};
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (int i = 0; i < tables[t].n; i++) {
			int rc = sqlite3_prepare_v3(s->db, tables[t].sql[i], -1, SQLITE_PREPARE_PERSISTENT,
						    &tables[t].stmt[i], NULL);
			if (rc != SQLITE_OK) {
				r = sq_result(rc);
				goto fail;
			}
		}
	*ret_store = (struct store *)(void *)s;
	return RCX_OK;
fail:
	sq_close((struct store *)(void *)s);
	return r;
}

static enum rcx_result sq_begin(struct store *st)
{
	struct store_sqlite *s = sq(st);
	if (!sqlite3_get_autocommit(s->db))
		return RCX_EINVAL; /* no nesting */
	s->names_checked = false;
	return sq_step_done(s->stmt[SQ_BEGIN]);
}

static enum rcx_result sq_commit(struct store *st)
{
	struct store_sqlite *s = sq(st);
	if (sqlite3_get_autocommit(s->db))
		return RCX_EINVAL;
	return sq_step_done(s->stmt[SQ_COMMIT]);
}

static enum rcx_result sq_rollback(struct store *st)
{
	struct store_sqlite *s = sq(st);
	if (sqlite3_get_autocommit(s->db))
		return RCX_EINVAL;
	sq_names_clear(s); /* names this transaction added are gone again */
	return sq_step_done(s->stmt[SQ_ROLLBACK]);
}

enum rcx_result sq_atomic_begin(struct store_sqlite *s, bool *ret_own)
{
	bool own = sqlite3_get_autocommit(s->db) != 0;
	enum rcx_result r = sq_step_done(s->stmt[own ? SQ_BEGIN : SQ_SAVEPOINT]);
	if (r == RCX_OK)
		*ret_own = own;
	return r;
}

enum rcx_result sq_atomic_end(struct store_sqlite *s, bool own, enum rcx_result r)
{
	if (r == RCX_OK) {
		r = sq_step_done(s->stmt[own ? SQ_COMMIT : SQ_RELEASE]);
		if (r == RCX_OK)
			return RCX_OK;
	}
	if (own) {
		sq_step_done(s->stmt[SQ_ROLLBACK]);
	} else {
		sq_step_done(s->stmt[SQ_ROLLBACK_TO]);
		sq_step_done(s->stmt[SQ_RELEASE]);
	}
	return r;
}

/* The id of the stored event to count ev into (same identity and owner, time closest to t within
 * the window, the oldest on a tie), or 0 when there is none. */
static enum rcx_result dedup_find(struct store_sqlite *s, const uint8_t ident[16], int64_t t, int64_t window_us,
				  const char *org, int64_t *ret_id)
{
	sqlite3_stmt *st = s->stmt[SQ_DEDUP_FIND];
	int64_t lo, hi, best = 0;
	uint64_t best_d = UINT64_MAX;
	int rc;
	store_time_window(t, window_us, &lo, &hi);
	sqlite3_bind_blob(st, 1, ident, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	sq_bind_text(st, 4, org);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0), u = sqlite3_column_int64(st, 1);
		uint64_t d = store_time_distance(u, t);
		if (d < best_d || (d == best_d && id < best)) {
			best = id;
			best_d = d;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sq_result(rc);
	*ret_id = best;
	return RCX_OK;
}

/* The label columns of a new event. */
struct event_label_cols {
	int64_t owner;
	enum rcx_tlp tlp;
	enum rcx_dist dist;
	int64_t group;
};

static enum rcx_result event_insert(struct store_sqlite *s, const struct event *ev, const uint8_t ident[16], int64_t t,
				    const struct event_label_cols *lc, int64_t *ret_id)
{
	sqlite3_stmt *st = s->stmt[SQ_EVENT_INSERT];
	struct rcx_ip ip;
	enum rcx_result r;

	rcx_strbuf_clear(&s->body);
	r = event_to_json(ev, 0, &s->body);
	if (r != RCX_OK)
		return r;
	if (s->body.len > INT_MAX || ev->raw_len > INT_MAX)
		return RCX_ELIMIT;
	const char *sip = ev->f[EF_SOURCE_IP];
	bool has_ip = sip && rcx_ip_parse(sip, strlen(sip), &ip) == RCX_OK;
	sqlite3_bind_blob(st, 1, ident, 16, SQLITE_STATIC);
	bind_time(st, 2, ev->time_source_us);
	bind_time(st, 3, ev->time_observation_us);
	sq_bind_text(st, 4, ev->f[EF_CLASSIFICATION_TYPE]);
	sq_bind_text(st, 5, ev->f[EF_FEED_NAME]);
	if (has_ip) {
		sqlite3_bind_int(st, 6, ip.family);
		sqlite3_bind_blob(st, 7, ip.addr, 16, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, 6);
		sqlite3_bind_null(st, 7);
	}
	sq_bind_text(st, 8, ev->f[EF_RCX_ORG]);
	sq_bind_text(st, 9, rcx_tlp_name(lc->tlp));
	sq_bind_text(st, 10, ev->f[EF_RCX_CONSTITUENCY]);
	sqlite3_bind_int64(st, 11, t);
	sqlite3_bind_text(st, 12, s->body.data, (int)s->body.len, SQLITE_STATIC);
	if (ev->raw)
		sqlite3_bind_blob(st, 13, ev->raw, (int)ev->raw_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 13);
	sqlite3_bind_int64(st, 14, lc->owner);
	sqlite3_bind_int(st, 15, (int)lc->dist);
	sqlite3_bind_int64(st, 16, lc->group);
	r = sq_step_done(st);
	if (r != RCX_OK)
		return r;
	*ret_id = sqlite3_last_insert_rowid(s->db);
	return RCX_OK;
}

static enum rcx_result sq_event_put(struct store *st, const struct event *ev, int64_t window_us,
				    enum store_put_status *ret_status, int64_t *ret_id)
{
	struct store_sqlite *s = sq(st);
	uint8_t ident[16];
	int64_t t, id = 0;
	enum store_put_status status;
	struct event_label_cols lc = {0};

	if (!ev || window_us < 0)
		return RCX_EINVAL;
	enum rcx_result r = store_event_time(ev, &t);
	if (r == RCX_OK)
		r = store_event_label_parse(ev, &lc.tlp, &lc.dist);
	if (r == RCX_OK && ev->f[EF_RCX_SHARING_GROUP]) {
		r = sq_group_id_of(s, ev->f[EF_RCX_SHARING_GROUP], &lc.group);
		if (r == RCX_OK && lc.group == 0)
			r = RCX_ENOTFOUND;
	}
	if (r != RCX_OK)
		return r;
	event_identity(ev, ident);
	r = dedup_find(s, ident, t, window_us, ev->f[EF_RCX_ORG], &id);
	if (r != RCX_OK)
		return r;
	if (id) {
		sqlite3_stmt *up = s->stmt[SQ_DEDUP_COUNT];
		sqlite3_bind_int64(up, 1, t);
		sqlite3_bind_int64(up, 2, id);
		r = sq_step_done(up);
		status = STORE_PUT_DUPLICATE;
	} else {
		r = ev->f[EF_RCX_ORG] ? sq_org_id_of(s, ev->f[EF_RCX_ORG], &lc.owner) : RCX_OK;
		if (r == RCX_OK)
			r = event_insert(s, ev, ident, t, &lc, &id);
		status = STORE_PUT_NEW;
	}
	if (r != RCX_OK)
		return r;
	if (ret_status)
		*ret_status = status;
	if (ret_id)
		*ret_id = id;
	return RCX_OK;
}

/* The statement of *slot: the cached one when idle, else one prepared from sql (needed only then),
 * kept in the slot when it was empty, else owned by the caller (the cached one is busy in an outer
 * call of the same query). */
enum rcx_result sq_stmt_take(struct store_sqlite *s, sqlite3_stmt **slot, const char *sql, sqlite3_stmt **ret_st,
			     bool *ret_owned)
{
	if (*slot && !sqlite3_stmt_busy(*slot)) {
		*ret_st = *slot;
		*ret_owned = false;
		return RCX_OK;
	}
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v3(s->db, sql, -1, *slot ? 0 : SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_result(rc);
	*ret_owned = *slot != NULL;
	if (!*slot)
		*slot = st;
	*ret_st = st;
	return RCX_OK;
}

void sq_stmt_give(sqlite3_stmt *st, bool owned)
{
	if (owned) {
		sqlite3_finalize(st);
	} else {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st); /* drop SQLITE_STATIC pointers into the caller's filter */
	}
}

enum rcx_result sq_each_row(struct store_sqlite *s, sqlite3_stmt **slot, const char *sql, const int64_t *binds,
			    size_t n_binds, sq_row_fn row, void *ctx)
{
	sqlite3_stmt *q;
	bool owned;
	int rc = SQLITE_DONE;
	enum rcx_result r = sq_stmt_take(s, slot, sql, &q, &owned);
	if (r != RCX_OK)
		return r;
	for (size_t i = 0; i < n_binds; i++)
		sqlite3_bind_int64(q, (int)i + 1, binds[i]);
	while (r == RCX_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
		r = row(q, ctx);
	if (r == RCX_OK && rc != SQLITE_DONE)
		r = sq_result(rc);
	sq_stmt_give(q, owned);
	return r;
}

/* The WHERE term of each filter part, with named parameters bound by filter_stmt. Columns are
 * qualified: the visibility fragment and the group-name subquery bring other tables in. */
static const struct {
	unsigned bit;
	const char *sql;
} filter_terms[] = {
	{FLT_SINCE, " AND " TKEY " >= :since"},
	{FLT_TYPE, " AND class_type = :type"},
	{FLT_SOURCE, " AND source_family = :family AND source_ip BETWEEN :lo AND :hi"},
	{FLT_FEED, " AND feed_name = :feed"},
	{FLT_ORG, " AND org = :org"},
	{FLT_AFTER, " AND events.id > :after"},
	{FLT_ID, " AND events.id = :id"},
};

/* Where the label of an event row lives, for the trust module's WHERE fragment. */
static const struct rcx_label_columns event_label_columns = {
	.id = "events.id",
	.owner = "events.owner_id",
	.creator = "events.creator",
	.tlp = "events.tlp",
	.dist = "events.dist",
	.group = "events.share_group",
	.kind = RCX_OBJECT_EVENT,
};

/* Columns of an event_query row: QC_* are their indexes. */
#define EVENT_COLUMNS                                                                                  \
	"SELECT events.id, body, raw, count, first_seen, last_seen, events.tlp, events.dist,"          \
	" CASE WHEN events.share_group <> 0 THEN (SELECT name FROM sharing_groups g"                    \
	" WHERE g.id = events.share_group) END FROM events WHERE 1"
enum { QC_ID, QC_BODY, QC_RAW, QC_COUNT, QC_FIRST, QC_LAST, QC_TLP, QC_DIST, QC_GROUP };

/* The SQL text of a filter shape into b, with the viewer's visibility fragment when vis is set. */
static enum rcx_result filter_sql(unsigned mask, bool count, const struct store_visibility *vis,
				  struct rcx_strbuf *b)
{
	enum rcx_result r = rcx_strbuf_puts(b, count ? "SELECT count(*) FROM events WHERE 1" : EVENT_COLUMNS);
	for (size_t i = 0; i < sizeof(filter_terms) / sizeof(filter_terms[0]) && r == RCX_OK; i++)
		if (mask & filter_terms[i].bit)
			r = rcx_strbuf_puts(b, filter_terms[i].sql);
	if (r == RCX_OK)
		r = sq_where_visible(&event_label_columns, vis, b);
	if (r == RCX_OK && !count)
		r = rcx_strbuf_puts(b, " ORDER BY events.id");
	if (r == RCX_OK && (mask & FLT_LIMIT))
		r = rcx_strbuf_puts(b, " LIMIT :limit");
	return r;
}

/* The cached statement whose text is sql, prepared and cached (evicting the least recently used
 * idle one) on a miss; an uncached one the caller owns when the match or every slot is busy. */
static enum rcx_result vis_stmt_take(struct store_sqlite *s, const char *sql, sqlite3_stmt **ret_st, bool *ret_owned)
{
	struct sq_vis_stmt *victim = NULL;
	bool cacheable = true;
	for (unsigned i = 0; i < SQ_VIS_CACHE; i++) {
		struct sq_vis_stmt *e = &s->vis[i];
		if (e->sql && !strcmp(e->sql, sql)) {
			if (!sqlite3_stmt_busy(e->st)) {
				e->used = ++s->vis_tick;
				*ret_st = e->st;
				*ret_owned = false;
				return RCX_OK;
			}
			cacheable = false; /* busy in an outer call: this call prepares its own */
			break;
		}
	}
	for (unsigned i = 0; i < SQ_VIS_CACHE && cacheable; i++) {
		struct sq_vis_stmt *e = &s->vis[i];
		if (!e->sql) {
			victim = e;
			break;
		}
		if (!sqlite3_stmt_busy(e->st) && (!victim || e->used < victim->used))
			victim = e;
	}
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v3(s->db, sql, -1, victim ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_result(rc);
	char *copy = victim ? strdup(sql) : NULL;
	if (victim && copy) {
		sqlite3_finalize(victim->st);
		free(victim->sql);
		*victim = (struct sq_vis_stmt){copy, st, ++s->vis_tick};
	}
	*ret_st = st;
	*ret_owned = !(victim && copy);
	return RCX_OK;
}

/* The one translation of a store_event_filter into SQL, for event_query and event_count alike:
 * takes the statement of the filter's shape (building its text when it must be prepared) and
 * binds the filter's values. Counts ignore the limit. */
static enum rcx_result filter_stmt(struct store_sqlite *s, const struct store_event_filter *flt, bool count,
				   sqlite3_stmt **ret_st, bool *ret_owned)
{
	unsigned mask = 0;
	uint8_t lo[16], hi[16];
	enum rcx_result r = store_filter_check(flt);
	if (r != RCX_OK)
		return r;
	if (flt->vis && !flt->vis->sql_where)
		return RCX_EINVAL;
	mask |= flt->since_us ? FLT_SINCE : 0;
	mask |= flt->type && *flt->type ? FLT_TYPE : 0;
	mask |= flt->has_source ? FLT_SOURCE : 0;
	mask |= flt->feed && *flt->feed ? FLT_FEED : 0;
	mask |= flt->org && *flt->org ? FLT_ORG : 0;
	mask |= flt->after_id > 0 ? FLT_AFTER : 0;
	mask |= flt->id != 0 ? FLT_ID : 0;
	mask |= !count && flt->limit ? FLT_LIMIT : 0;

	if (flt->vis) {
		/* the text is the cache key, so it is built every time (a few hundred bytes) */
		rcx_strbuf_clear(&s->sql);
		r = filter_sql(mask, count, flt->vis, &s->sql);
		if (r == RCX_OK)
			r = vis_stmt_take(s, s->sql.data, ret_st, ret_owned);
	} else {
		sqlite3_stmt **slot = count ? &s->count[mask] : &s->query[mask];
		struct rcx_strbuf sql = RCX_STRBUF_INIT(0);
		if (!*slot || sqlite3_stmt_busy(*slot))
			r = filter_sql(mask, count, NULL, &sql);
		if (r == RCX_OK)
			r = sq_stmt_take(s, slot, sql.data, ret_st, ret_owned);
		rcx_strbuf_free(&sql);
	}
	if (r != RCX_OK)
		return r;

	sqlite3_stmt *st = *ret_st;
	if (mask & FLT_SINCE)
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":since"), flt->since_us);
	if (mask & FLT_TYPE)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":type"), flt->type, -1, SQLITE_STATIC);
	if (mask & FLT_SOURCE) {
		const struct rcx_cidr *c = &flt->source_net;
		unsigned width = c->ip.family == 4 ? 32 : 128;
		memcpy(lo, c->ip.addr, 16);
		memcpy(hi, c->ip.addr, 16);
		for (unsigned i = c->prefix; i < width; i++) {
			lo[i >> 3] &= (uint8_t)~(0x80u >> (i & 7));
			hi[i >> 3] |= (uint8_t)(0x80u >> (i & 7));
		}
		sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":family"), c->ip.family);
		sqlite3_bind_blob(st, sqlite3_bind_parameter_index(st, ":lo"), lo, 16, SQLITE_TRANSIENT);
		sqlite3_bind_blob(st, sqlite3_bind_parameter_index(st, ":hi"), hi, 16, SQLITE_TRANSIENT);
	}
	if (mask & FLT_FEED)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":feed"), flt->feed, -1, SQLITE_STATIC);
	if (mask & FLT_ORG)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":org"), flt->org, -1, SQLITE_STATIC);
	if (mask & FLT_AFTER)
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":after"), flt->after_id);
	if (mask & FLT_ID)
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"), flt->id);
	if (mask & FLT_LIMIT)
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"),
				   flt->limit > INT64_MAX ? INT64_MAX : (int64_t)flt->limit);
	return RCX_OK;
}

/* The TLP of a tlp column (amber when it does not read, as for a row older than labels). */
static enum rcx_tlp column_tlp(sqlite3_stmt *q, int i)
{
	enum rcx_tlp tlp = RCX_TLP_AMBER;
	const char *t = (const char *)sqlite3_column_text(q, i);
	if (t)
		(void)rcx_tlp_parse(t, (size_t)sqlite3_column_bytes(q, i), &tlp);
	return tlp;
}

static enum rcx_dist column_dist(sqlite3_stmt *q, int i)
{
	int d = sqlite3_column_int(q, i);
	return d >= 0 && d < RCX_DIST_MAX ? (enum rcx_dist)d : RCX_DIST_ORG;
}

void sq_col_label(sqlite3_stmt *q, int first, struct rcx_label *ret_label)
{
	ret_label->owner_org = sqlite3_column_int64(q, first);
	ret_label->creator = sqlite3_column_int64(q, first + 1);
	ret_label->tlp = column_tlp(q, first + 2);
	ret_label->dist = column_dist(q, first + 3);
	ret_label->group = sqlite3_column_int64(q, first + 4);
}

enum rcx_result sq_prepare(struct store_sqlite *s, const char *sql, sqlite3_stmt **ret_st)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, ret_st, NULL);
	return rc == SQLITE_OK ? RCX_OK : sq_result(rc);
}

enum rcx_result sq_where_visible(const struct rcx_label_columns *cols, const struct store_visibility *vis,
				 struct rcx_strbuf *b)
{
	if (!vis)
		return RCX_OK;
	if (!vis->sql_where)
		return RCX_EINVAL;
	enum rcx_result r = rcx_strbuf_puts(b, " AND (");
	if (r == RCX_OK)
		r = vis->sql_where(vis->viewer, cols, b);
	if (r == RCX_OK)
		r = rcx_strbuf_putc(b, ')');
	return r;
}

enum rcx_result sq_prepare_visible(struct store_sqlite *s, const struct rcx_label_columns *cols, const char *head,
				   const struct store_visibility *vis, const char *tail, sqlite3_stmt **ret_st)
{
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	enum rcx_result r = rcx_strbuf_puts(&b, head);
	if (r == RCX_OK)
		r = sq_where_visible(cols, vis, &b);
	if (r == RCX_OK && tail)
		r = rcx_strbuf_puts(&b, tail);
	if (r == RCX_OK)
		r = sq_prepare(s, b.data, ret_st);
	rcx_strbuf_free(&b);
	return r;
}

enum rcx_result sq_visible_id(struct store_sqlite *s, const char *table, const struct rcx_label_columns *cols,
			      int64_t id, const struct store_visibility *vis)
{
	char head[128];
	snprintf(head, sizeof(head), "SELECT 1 FROM %s WHERE %s.id = ?1", table, table);
	sqlite3_stmt *q = NULL;
	enum rcx_result r = sq_prepare_visible(s, cols, head, vis, NULL, &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	r = rc == SQLITE_ROW ? RCX_OK : rc == SQLITE_DONE ? RCX_ENOTFOUND : sq_result(rc);
	sqlite3_finalize(q);
	return r;
}

/* One query loop for both forms of event_query: each row becomes an event (cb) or, when json_cb
 * is set, its JSON text — copied out of the stored body, or written from the loaded event when the
 * body is not in rcx's own form. */
static enum rcx_result sq_event_rows(struct store *st, const struct store_event_filter *flt, store_event_cb cb,
				     store_event_json_cb json_cb, void *ctx)
{
	struct store_sqlite *s = sq(st);
	struct rcx_arena arena = RCX_ARENA_INIT; /* one event at a time; per call so callbacks may nest */
	struct rcx_strbuf json = RCX_STRBUF_INIT(0);
	sqlite3_stmt *q;
	bool owned;
	int rc;

	if (!flt || (!cb && !json_cb))
		return RCX_EINVAL;
	enum rcx_result r = filter_stmt(s, flt, false, &q, &owned);
	if (r != RCX_OK)
		return r;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_event_meta meta = {
			.id = sqlite3_column_int64(q, QC_ID),
			.count = sqlite3_column_int64(q, QC_COUNT),
			.first_seen = sqlite3_column_int64(q, QC_FIRST),
			.last_seen = sqlite3_column_int64(q, QC_LAST),
			.tlp = column_tlp(q, QC_TLP),
			.dist = column_dist(q, QC_DIST),
			.group = (const char *)sqlite3_column_text(q, QC_GROUP),
		};
		const char *body = (const char *)sqlite3_column_text(q, QC_BODY);
		size_t body_len = (size_t)sqlite3_column_bytes(q, QC_BODY);
		if (!body) {
			r = RCX_ESTORE;
			goto out;
		}
		if (json_cb) {
			json.len = 0;
			r = store_event_json_compose(body, body_len, &meta, &json);
			if (r == RCX_EPARSE) { /* not in rcx's own form: load and write it */
				struct event ev;
				rcx_arena_reset(&arena);
				r = store_event_load(&ev, &arena, body, body_len, NULL, 0, &meta);
				if (r == RCX_OK)
					r = event_to_json(&ev, EVENT_JSON_META, &json);
			}
			struct store_event_json row = {meta.id, meta.tlp, json.data, json.len};
			if (r == RCX_OK)
				r = json_cb(ctx, &row);
			if (r != RCX_OK)
				goto out;
			continue;
		}
		const char *raw = NULL;
		size_t raw_len = 0;
		if (sqlite3_column_type(q, QC_RAW) != SQLITE_NULL) {
			raw = sqlite3_column_blob(q, QC_RAW);
			raw_len = (size_t)sqlite3_column_bytes(q, QC_RAW);
			if (!raw)
				raw = ""; /* an empty raw is still a raw */
		}
		struct event ev;
		rcx_arena_reset(&arena);
		r = store_event_load(&ev, &arena, body, body_len, raw, raw_len, &meta);
		if (r == RCX_OK)
			r = cb(ctx, &ev);
		if (r != RCX_OK)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = sq_result(rc);
out:
	sq_stmt_give(q, owned);
	rcx_arena_free(&arena);
	rcx_strbuf_free(&json);
	return r;
}

static enum rcx_result sq_event_query(struct store *st, const struct store_event_filter *flt, store_event_cb cb,
				      void *ctx)
{
	return cb ? sq_event_rows(st, flt, cb, NULL, ctx) : RCX_EINVAL;
}

static enum rcx_result sq_event_query_json(struct store *st, const struct store_event_filter *flt,
					   store_event_json_cb cb, void *ctx)
{
	return cb ? sq_event_rows(st, flt, NULL, cb, ctx) : RCX_EINVAL;
}

static enum rcx_result sq_event_count(struct store *st, const struct store_event_filter *flt, uint64_t *ret_n)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q;
	bool owned;

	if (!flt || !ret_n)
		return RCX_EINVAL;
	enum rcx_result r = filter_stmt(s, flt, true, &q, &owned);
	if (r != RCX_OK)
		return r;
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*ret_n = (uint64_t)sqlite3_column_int64(q, 0);
	else
		r = sq_result(rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	sq_stmt_give(q, owned);
	return r;
}

static enum rcx_result sq_quarantine_put(struct store *st, const struct store_quarantine *in)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->stmt[SQ_QUARANTINE_INSERT];
	struct store_quarantine qr;

	if (!in)
		return RCX_EINVAL;
	store_quarantine_norm(in, &qr);
	sq_bind_text(q, 1, qr.file);
	sqlite3_bind_int64(q, 2, (int64_t)qr.line);
	sq_bind_text(q, 3, qr.feed);
	sq_bind_text(q, 4, qr.reason);
	if (qr.raw)
		sqlite3_bind_blob(q, 5, qr.raw, (int)qr.raw_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 5);
	sqlite3_bind_int64(q, 6, (int64_t)qr.raw_total);
	sqlite3_bind_int64(q, 7, qr.time_us);
	return sq_step_done(q);
}

static enum rcx_result sq_quarantine_query(struct store *st, int64_t after_id, uint64_t limit, store_quarantine_cb cb,
					   void *ctx)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q;
	bool owned;
	int rc;

	if (!cb)
		return RCX_EINVAL;
	enum rcx_result r = sq_stmt_take(s, &s->stmt[SQ_QUARANTINE_PAGE], sq_sql[SQ_QUARANTINE_PAGE], &q, &owned);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, after_id);
	/* LIMIT -1 is SQLite's "no limit" */
	sqlite3_bind_int64(q, 2, limit == 0 ? -1 : limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_quarantine row = {
			.id = sqlite3_column_int64(q, 0),
			.file = (const char *)sqlite3_column_text(q, 1),
			.line = (uint64_t)sqlite3_column_int64(q, 2),
			.feed = (const char *)sqlite3_column_text(q, 3),
			.reason = (const char *)sqlite3_column_text(q, 4),
			.raw_total = (size_t)sqlite3_column_int64(q, 6),
			.time_us = sqlite3_column_int64(q, 7),
		};
		if (sqlite3_column_type(q, 5) != SQLITE_NULL) {
			row.raw = sqlite3_column_blob(q, 5);
			row.raw_len = (size_t)sqlite3_column_bytes(q, 5);
			if (!row.raw)
				row.raw = "";
		}
		r = cb(ctx, &row);
		if (r != RCX_OK)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = sq_result(rc);
out:
	sq_stmt_give(q, owned);
	return r;
}

static enum rcx_result sq_checkpoint_get(struct store *st, const uint8_t file_id[32], struct store_checkpoint *ret_cp)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->stmt[SQ_CHECKPOINT_GET];
	enum rcx_result r = RCX_OK;

	if (!file_id || !ret_cp)
		return RCX_EINVAL;
	sqlite3_bind_blob(q, 1, file_id, 32, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		ret_cp->records_done = (uint64_t)sqlite3_column_int64(q, 0);
		ret_cp->complete = sqlite3_column_int(q, 1) != 0;
		ret_cp->events = (uint64_t)sqlite3_column_int64(q, 2);
		ret_cp->duplicates = (uint64_t)sqlite3_column_int64(q, 3);
		ret_cp->quarantined = (uint64_t)sqlite3_column_int64(q, 4);
	} else {
		r = rc == SQLITE_DONE ? RCX_ENOTFOUND : sq_result(rc);
	}
	sqlite3_reset(q);
	return r;
}

static enum rcx_result sq_checkpoint_put(struct store *st, const uint8_t file_id[32], const char *path,
					 const struct store_checkpoint *cp)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->stmt[SQ_CHECKPOINT_PUT];

	if (!file_id || !cp)
		return RCX_EINVAL;
	sqlite3_bind_blob(q, 1, file_id, 32, SQLITE_STATIC);
	sq_bind_text(q, 2, path);
	sqlite3_bind_int64(q, 3, (int64_t)cp->records_done);
	sqlite3_bind_int(q, 4, cp->complete);
	sqlite3_bind_int64(q, 5, (int64_t)cp->events);
	sqlite3_bind_int64(q, 6, (int64_t)cp->duplicates);
	sqlite3_bind_int64(q, 7, (int64_t)cp->quarantined);
	sqlite3_bind_int64(q, 8, rcx_time_now());
	return sq_step_done(q);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.event_put = sq_event_put,
	.event_query = sq_event_query,
	.event_query_json = sq_event_query_json,
	.event_count = sq_event_count,
	.quarantine_put = sq_quarantine_put,
	.quarantine_query = sq_quarantine_query,
	.checkpoint_get = sq_checkpoint_get,
	.checkpoint_put = sq_checkpoint_put,
	.org_add = sq_org_add,
	.org_get = sq_org_get,
	.org_get_id = sq_org_get_id,
	.org_list = sq_org_list,
	.org_update = sq_org_update,
	.user_add = sq_user_add,
	.user_get = sq_user_get,
	.user_get_id = sq_user_get_id,
	.user_list = sq_user_list,
	.user_update = sq_user_update,
	.apikey_add = sq_apikey_add,
	.apikey_get = sq_apikey_get,
	.apikey_list = sq_apikey_list,
	.apikey_revoke = sq_apikey_revoke,
	.session_put = sq_session_put,
	.session_get = sq_session_get,
	.session_delete = sq_session_delete,
	.group_add = sq_group_add,
	.group_get = sq_group_get,
	.group_list = sq_group_list,
	.group_member_set = sq_group_member_set,
	.group_members = sq_group_members,
	.org_groups = sq_org_groups,
	.event_label_get = sq_event_label_get,
	.event_label_set = sq_event_label_set,
	.audit_last = sq_audit_last,
	.audit_append = sq_audit_append,
	.audit_list = sq_audit_list,
	.incident = &store_sqlite_incident_ops,
	.outbox = &store_sqlite_outbox_ops,
	.hashlist = &store_sqlite_hashlist_ops,
};
