/* The SQLite store (the default).
 *
 * Schema versions and migrations
 *   The schema version is PRAGMA user_version: how many steps of migrations[] have been applied.
 *   A read-write open applies the missing steps in order, each in its own BEGIN IMMEDIATE
 *   transaction that also bumps user_version, so a crash or a concurrent opener leaves the file at
 *   a whole step. A file newer than this code (user_version > steps known) is refused with
 *   RCX_ESTORE, and so is a readonly open of a file that still needs steps. A released step is never
 *   edited: later features (users, incidents, indicators, sharing) append steps that add tables,
 *   columns and indexes. PRAGMA application_id marks the file as rcx's; another application's
 *   database is refused.
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
 *
 * Statements
 *   The fixed statements are prepared at open and reused. Event queries are prepared per filter
 *   shape (which filters are set, a bitmask) on first use and cached, so every shape has one plan.
 *   A cached statement still stepping (a callback re-entering the same query) is not shared: the
 *   inner call prepares and finalises its own.
 *
 * Bounds and cost
 *   Per handle: the page cache (SQ_CACHE_KIB), at most 2 * FLT_SHAPES cached statements, one JSON
 *   buffer for event_put and one arena per running query holding a single event. event_put costs one
 *   index probe and one insert into the table and six indexes; events_ident and events_source take
 *   keys in random order, and those two dominate the time of a large ingest batch (every commit
 *   writes the index pages it touched to the WAL).
 */
#include "store/store.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/limits.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "store/store_impl.h"

#define TKEY "coalesce(time_source, time_observation)"
#define SQ_APPLICATION_ID 1919121441 /* 0x72637821, "rcx!" */
#define SQ_STR_(x) #x
#define SQ_STR(x) SQ_STR_(x)
#define SQ_BUSY_TIMEOUT_MS 5000
/* Page cache per handle (negative = KiB for PRAGMA cache_size): ingest dedup probes random ident
 * pages, which must stay in memory for large batches to run at full speed. */
#define SQ_CACHE_KIB 65536
/* WAL pages before an automatic checkpoint (SQLite's default is 1000). A commit of a large ingest
 * batch rewrites index pages all over the ident and source_ip indexes; checkpointing less often
 * copies each such page to the database file once for several commits (measured ~10% faster). */
#define SQ_WAL_CHECKPOINT_PAGES 10000

/* Append only; see the top of the file. */
static const char *const migrations[] = {
	/* 1: organisations, events, quarantine, ingest checkpoints */
	"PRAGMA application_id = " SQ_STR(SQ_APPLICATION_ID) ";"
	"CREATE TABLE orgs ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  country TEXT,"
	"  kind TEXT,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  ident BLOB NOT NULL,"
	"  time_source INTEGER,"
	"  time_observation INTEGER,"
	"  class_type TEXT,"
	"  feed_name TEXT,"
	"  source_family INTEGER,"
	"  source_ip BLOB,"
	"  org TEXT,"
	"  tlp TEXT,"
	"  constituency TEXT,"
	"  count INTEGER NOT NULL,"
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  body TEXT NOT NULL,"
	"  raw BLOB);"
	"CREATE INDEX events_ident ON events(ident, " TKEY ");"
	"CREATE INDEX events_time ON events(" TKEY ");"
	"CREATE INDEX events_type ON events(class_type);"
	"CREATE INDEX events_source ON events(source_family, source_ip);"
	"CREATE TABLE quarantine ("
	"  id INTEGER PRIMARY KEY,"
	"  file TEXT,"
	"  line INTEGER NOT NULL,"
	"  feed TEXT,"
	"  reason TEXT,"
	"  raw BLOB,"
	"  raw_total INTEGER NOT NULL,"
	"  time INTEGER NOT NULL);"
	"CREATE TABLE ingest_files ("
	"  file_id BLOB PRIMARY KEY,"
	"  path TEXT,"
	"  records_done INTEGER NOT NULL,"
	"  complete INTEGER NOT NULL,"
	"  events INTEGER NOT NULL,"
	"  duplicates INTEGER NOT NULL,"
	"  quarantined INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL) WITHOUT ROWID;",
};
#define SQ_SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

enum sq_stmt {
	SQ_BEGIN,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_DEDUP_FIND,
	SQ_DEDUP_COUNT,
	SQ_EVENT_INSERT,
	SQ_QUARANTINE_INSERT,
	SQ_QUARANTINE_PAGE,
	SQ_CHECKPOINT_GET,
	SQ_CHECKPOINT_PUT,
	SQ_ORG_INSERT,
	SQ_ORG_BY_NAME,
	SQ_ORG_FIRST,
	SQ_STMT_MAX
};

static const char *const sq_sql[SQ_STMT_MAX] = {
	[SQ_BEGIN] = "BEGIN IMMEDIATE",
	[SQ_COMMIT] = "COMMIT",
	[SQ_ROLLBACK] = "ROLLBACK",
	/* The closest candidate is picked in C: an ORDER BY here would open a sorter on every put. */
	[SQ_DEDUP_FIND] = "SELECT id, " TKEY " FROM events WHERE ident = ?1 AND " TKEY " BETWEEN ?2 AND ?3"
			  " AND org IS ?4",
	[SQ_DEDUP_COUNT] = "UPDATE events SET count = count + 1, first_seen = min(first_seen, ?1),"
			   " last_seen = max(last_seen, ?1) WHERE id = ?2",
	[SQ_EVENT_INSERT] = "INSERT INTO events(ident, time_source, time_observation, class_type, feed_name,"
			    " source_family, source_ip, org, tlp, constituency, count, first_seen, last_seen,"
			    " body, raw)"
			    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?11, ?12, ?13)",
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
	[SQ_ORG_INSERT] = "INSERT INTO orgs(name, country, kind, created) VALUES(?1, ?2, ?3, ?4)",
	[SQ_ORG_BY_NAME] = "SELECT id, name, country, kind FROM orgs WHERE name = ?1",
	[SQ_ORG_FIRST] = "SELECT id, name, country, kind FROM orgs ORDER BY id LIMIT 1",
};

/* Filter shape bits: which parts of a struct store_event_filter are set. */
enum {
	FLT_SINCE = 1u << 0,
	FLT_TYPE = 1u << 1,
	FLT_SOURCE = 1u << 2,
	FLT_FEED = 1u << 3,
	FLT_ORG = 1u << 4,
	FLT_AFTER = 1u << 5,
	FLT_LIMIT = 1u << 6,
	FLT_SHAPES = 1u << 7
};

struct store_sqlite {
	const struct store_ops *ops; /* first: see store_ops_of */
	sqlite3 *db;
	sqlite3_stmt *stmt[SQ_STMT_MAX];
	sqlite3_stmt *query[FLT_SHAPES]; /* event_query per filter shape, prepared on first use */
	sqlite3_stmt *count[FLT_SHAPES]; /* event_count per filter shape (FLT_LIMIT never set) */
	struct rcx_strbuf body;          /* event_put's JSON text, reused */
	struct rcx_arena org_arena;      /* strings returned by the last org_get */
};

static struct store_sqlite *sq(struct store *s)
{
	return (struct store_sqlite *)(void *)s;
}

static enum rcx_result sq_result(int rc)
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

/* Runs a statement that returns no rows to completion and resets it. */
static enum rcx_result step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? RCX_OK : sq_result(rc);
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int bind_time(sqlite3_stmt *st, int i, int64_t us)
{
	return us != INT64_MIN ? sqlite3_bind_int64(st, i, us) : sqlite3_bind_null(st, i);
}

/* Column text copied into the arena, NULL for SQL NULL. */
static const char *column_dup(struct rcx_arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? rcx_arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

static enum rcx_result exec(sqlite3 *db, const char *sql)
{
	return sq_result(sqlite3_exec(db, sql, NULL, NULL, NULL));
}

static enum rcx_result pragma_int(sqlite3 *db, const char *sql, int *ret_v)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ret_v = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? RCX_OK : sq_result(rc);
}

/* The file's schema version, refusing files that are not ours or newer than this code. */
static enum rcx_result schema_version(sqlite3 *db, int *ret_version)
{
	int app, version;
	enum rcx_result r = pragma_int(db, "PRAGMA application_id", &app);
	if (r == RCX_OK)
		r = pragma_int(db, "PRAGMA user_version", &version);
	if (r != RCX_OK)
		return r;
	if ((app != 0 && app != SQ_APPLICATION_ID) || version < 0 || version > SQ_SCHEMA_VERSION)
		return RCX_ESTORE;
	*ret_version = version;
	return RCX_OK;
}

static enum rcx_result migrate(sqlite3 *db)
{
	int current;
	/* Up to date (the usual case): no write lock, so opening beside a running ingest does not wait. */
	enum rcx_result r0 = schema_version(db, &current);
	if (r0 != RCX_OK || current == SQ_SCHEMA_VERSION)
		return r0;
	for (;;) {
		int version;
		char bump[48];
		/* The version is read inside the write transaction: another process may have migrated
		 * between our open and now. */
		enum rcx_result r = exec(db, "BEGIN IMMEDIATE");
		if (r != RCX_OK)
			return r;
		r = schema_version(db, &version);
		if (r == RCX_OK && version == SQ_SCHEMA_VERSION) {
			exec(db, "ROLLBACK");
			return RCX_OK;
		}
		if (r == RCX_OK)
			r = exec(db, migrations[version]);
		if (r == RCX_OK) {
			snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", version + 1);
			r = exec(db, bump);
		}
		if (r == RCX_OK)
			r = exec(db, "COMMIT");
		if (r != RCX_OK) {
			exec(db, "ROLLBACK");
			return r;
		}
	}
}

static void sq_close(struct store *st)
{
	struct store_sqlite *s = sq(st);
	if (!s)
		return;
	for (int i = 0; i < SQ_STMT_MAX; i++)
		sqlite3_finalize(s->stmt[i]);
	for (unsigned i = 0; i < FLT_SHAPES; i++) {
		sqlite3_finalize(s->query[i]);
		sqlite3_finalize(s->count[i]);
	}
	/* Closing with a transaction open rolls it back. */
	sqlite3_close(s->db);
	rcx_strbuf_free(&s->body);
	rcx_arena_free(&s->org_arena);
	free(s);
}

static enum rcx_result sq_open(const char *location, bool readonly, struct store **ret_store)
{
	struct store_sqlite *s = NULL;
	enum rcx_result r;
	int version;

	/* Without this check SQLite would report a missing file as a generic CANTOPEN. */
	if (readonly && access(location, F_OK) != 0)
		return RCX_ENOTFOUND;
	s = calloc(1, sizeof(*s));
	if (!s)
		return RCX_ENOMEM;
	s->ops = &store_sqlite_ops;
	s->body = (struct rcx_strbuf)RCX_STRBUF_INIT(0);
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
	r = exec(s->db, pragmas);
	if (r != RCX_OK)
		goto fail;
	if (readonly) {
		r = schema_version(s->db, &version);
		if (r == RCX_OK && version != SQ_SCHEMA_VERSION)
			r = RCX_ESTORE; /* cannot migrate it; a read-write open will */
	} else {
		/* WAL: readers do not block the writer; NORMAL sync is durable across application crashes
		 * and loses at most the last commits on power loss, which an ingest rerun restores. */
		snprintf(pragmas, sizeof(pragmas),
			 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = %d;",
			 SQ_WAL_CHECKPOINT_PAGES);
		r = exec(s->db, pragmas);
		if (r == RCX_OK)
			r = migrate(s->db);
	}
	if (r != RCX_OK)
		goto fail;
	for (int i = 0; i < SQ_STMT_MAX; i++) {
		int rc = sqlite3_prepare_v3(s->db, sq_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL);
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
	return step_done(s->stmt[SQ_BEGIN]);
}

static enum rcx_result sq_commit(struct store *st)
{
	struct store_sqlite *s = sq(st);
	if (sqlite3_get_autocommit(s->db))
		return RCX_EINVAL;
	return step_done(s->stmt[SQ_COMMIT]);
}

static enum rcx_result sq_rollback(struct store *st)
{
	struct store_sqlite *s = sq(st);
	if (sqlite3_get_autocommit(s->db))
		return RCX_EINVAL;
	return step_done(s->stmt[SQ_ROLLBACK]);
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
	bind_text(st, 4, org);
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

static enum rcx_result event_insert(struct store_sqlite *s, const struct event *ev, const uint8_t ident[16], int64_t t,
				    int64_t *ret_id)
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
	bind_text(st, 4, ev->f[EF_CLASSIFICATION_TYPE]);
	bind_text(st, 5, ev->f[EF_FEED_NAME]);
	if (has_ip) {
		sqlite3_bind_int(st, 6, ip.family);
		sqlite3_bind_blob(st, 7, ip.addr, 16, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, 6);
		sqlite3_bind_null(st, 7);
	}
	bind_text(st, 8, ev->f[EF_RCX_ORG]);
	bind_text(st, 9, ev->f[EF_TLP]);
	bind_text(st, 10, ev->f[EF_RCX_CONSTITUENCY]);
	sqlite3_bind_int64(st, 11, t);
	sqlite3_bind_text(st, 12, s->body.data, (int)s->body.len, SQLITE_STATIC);
	if (ev->raw)
		sqlite3_bind_blob(st, 13, ev->raw, (int)ev->raw_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 13);
	r = step_done(st);
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

	if (!ev || window_us < 0)
		return RCX_EINVAL;
	enum rcx_result r = store_event_time(ev, &t);
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
		r = step_done(up);
		status = STORE_PUT_DUPLICATE;
	} else {
		r = event_insert(s, ev, ident, t, &id);
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
static enum rcx_result stmt_take(struct store_sqlite *s, sqlite3_stmt **slot, const char *sql,
				 sqlite3_stmt **ret_st, bool *ret_owned)
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

static void stmt_give(sqlite3_stmt *st, bool owned)
{
	if (owned) {
		sqlite3_finalize(st);
	} else {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st); /* drop SQLITE_STATIC pointers into the caller's filter */
	}
}

/* The WHERE term of each filter part, with named parameters bound by filter_stmt. */
static const struct {
	unsigned bit;
	const char *sql;
} filter_terms[] = {
	{FLT_SINCE, " AND " TKEY " >= :since"},
	{FLT_TYPE, " AND class_type = :type"},
	{FLT_SOURCE, " AND source_family = :family AND source_ip BETWEEN :lo AND :hi"},
	{FLT_FEED, " AND feed_name = :feed"},
	{FLT_ORG, " AND org = :org"},
	{FLT_AFTER, " AND id > :after"},
};

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
	mask |= flt->since_us ? FLT_SINCE : 0;
	mask |= flt->type && *flt->type ? FLT_TYPE : 0;
	mask |= flt->has_source ? FLT_SOURCE : 0;
	mask |= flt->feed && *flt->feed ? FLT_FEED : 0;
	mask |= flt->org && *flt->org ? FLT_ORG : 0;
	mask |= flt->after_id > 0 ? FLT_AFTER : 0;
	mask |= !count && flt->limit ? FLT_LIMIT : 0;

	sqlite3_stmt **slot = count ? &s->count[mask] : &s->query[mask];
	struct rcx_strbuf sql = RCX_STRBUF_INIT(0);
	if (!*slot || sqlite3_stmt_busy(*slot)) {
		r = rcx_strbuf_puts(&sql, count ? "SELECT count(*) FROM events WHERE 1"
					      : "SELECT id, body, raw, count, first_seen, last_seen FROM events"
						" WHERE 1");
		for (size_t i = 0; i < sizeof(filter_terms) / sizeof(filter_terms[0]) && r == RCX_OK; i++)
			if (mask & filter_terms[i].bit)
				r = rcx_strbuf_puts(&sql, filter_terms[i].sql);
		if (r == RCX_OK && !count)
			r = rcx_strbuf_puts(&sql, " ORDER BY id");
		if (r == RCX_OK && (mask & FLT_LIMIT))
			r = rcx_strbuf_puts(&sql, " LIMIT :limit");
	}
	if (r == RCX_OK)
		r = stmt_take(s, slot, sql.data, ret_st, ret_owned);
	rcx_strbuf_free(&sql);
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
	if (mask & FLT_LIMIT)
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"),
				   flt->limit > INT64_MAX ? INT64_MAX : (int64_t)flt->limit);
	return RCX_OK;
}

static enum rcx_result sq_event_query(struct store *st, const struct store_event_filter *flt, store_event_cb cb,
				      void *ctx)
{
	struct store_sqlite *s = sq(st);
	struct rcx_arena arena = RCX_ARENA_INIT; /* one event at a time; per call so callbacks may nest */
	sqlite3_stmt *q;
	bool owned;
	int rc;

	if (!flt || !cb)
		return RCX_EINVAL;
	enum rcx_result r = filter_stmt(s, flt, false, &q, &owned);
	if (r != RCX_OK)
		return r;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_event_meta meta = {
			.id = sqlite3_column_int64(q, 0),
			.count = sqlite3_column_int64(q, 3),
			.first_seen = sqlite3_column_int64(q, 4),
			.last_seen = sqlite3_column_int64(q, 5),
		};
		const char *body = (const char *)sqlite3_column_text(q, 1);
		size_t body_len = (size_t)sqlite3_column_bytes(q, 1);
		const char *raw = NULL;
		size_t raw_len = 0;
		if (sqlite3_column_type(q, 2) != SQLITE_NULL) {
			raw = sqlite3_column_blob(q, 2);
			raw_len = (size_t)sqlite3_column_bytes(q, 2);
			if (!raw)
				raw = ""; /* an empty raw is still a raw */
		}
		struct event ev;
		rcx_arena_reset(&arena);
		r = body ? store_event_load(&ev, &arena, body, body_len, raw, raw_len, &meta) : RCX_ESTORE;
		if (r == RCX_OK)
			r = cb(ctx, &ev);
		if (r != RCX_OK)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = sq_result(rc);
out:
	stmt_give(q, owned);
	rcx_arena_free(&arena);
	return r;
}

static enum rcx_result sq_event_count(struct store *st, const struct store_event_filter *flt, uint64_t *ret_n)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q;
	bool owned;

	if (!flt)
		return RCX_EINVAL;
	enum rcx_result r = filter_stmt(s, flt, true, &q, &owned);
	if (r != RCX_OK)
		return r;
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*ret_n = (uint64_t)sqlite3_column_int64(q, 0);
	else
		r = sq_result(rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	stmt_give(q, owned);
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
	bind_text(q, 1, qr.file);
	sqlite3_bind_int64(q, 2, (int64_t)qr.line);
	bind_text(q, 3, qr.feed);
	bind_text(q, 4, qr.reason);
	if (qr.raw)
		sqlite3_bind_blob(q, 5, qr.raw, (int)qr.raw_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 5);
	sqlite3_bind_int64(q, 6, (int64_t)qr.raw_total);
	sqlite3_bind_int64(q, 7, qr.time_us);
	return step_done(q);
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
	enum rcx_result r = stmt_take(s, &s->stmt[SQ_QUARANTINE_PAGE], sq_sql[SQ_QUARANTINE_PAGE], &q, &owned);
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
	stmt_give(q, owned);
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
	bind_text(q, 2, path);
	sqlite3_bind_int64(q, 3, (int64_t)cp->records_done);
	sqlite3_bind_int(q, 4, cp->complete);
	sqlite3_bind_int64(q, 5, (int64_t)cp->events);
	sqlite3_bind_int64(q, 6, (int64_t)cp->duplicates);
	sqlite3_bind_int64(q, 7, (int64_t)cp->quarantined);
	sqlite3_bind_int64(q, 8, rcx_time_now());
	return step_done(q);
}

static enum rcx_result sq_org_add(struct store *st, const struct store_org *org, int64_t *ret_id)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->stmt[SQ_ORG_INSERT];

	if (!org || !org->name || !*org->name)
		return RCX_EINVAL;
	bind_text(q, 1, org->name);
	bind_text(q, 2, org->country);
	bind_text(q, 3, org->kind);
	sqlite3_bind_int64(q, 4, rcx_time_now());
	enum rcx_result r = step_done(q);
	if (r == RCX_OK && ret_id)
		*ret_id = sqlite3_last_insert_rowid(s->db);
	return r;
}

static enum rcx_result sq_org_get(struct store *st, const char *name, struct store_org *ret_org)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = s->stmt[name ? SQ_ORG_BY_NAME : SQ_ORG_FIRST];
	enum rcx_result r = RCX_OK;

	if (!ret_org)
		return RCX_EINVAL;
	if (name)
		bind_text(q, 1, name);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		rcx_arena_reset(&s->org_arena);
		ret_org->id = sqlite3_column_int64(q, 0);
		ret_org->name = column_dup(&s->org_arena, q, 1);
		ret_org->country = column_dup(&s->org_arena, q, 2);
		ret_org->kind = column_dup(&s->org_arena, q, 3);
	} else {
		r = rc == SQLITE_DONE ? RCX_ENOTFOUND : sq_result(rc);
	}
	sqlite3_reset(q);
	return r;
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
	.event_count = sq_event_count,
	.quarantine_put = sq_quarantine_put,
	.quarantine_query = sq_quarantine_query,
	.checkpoint_get = sq_checkpoint_get,
	.checkpoint_put = sq_checkpoint_put,
	.org_add = sq_org_add,
	.org_get = sq_org_get,
};
