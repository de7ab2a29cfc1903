/* The SQLite store's schema: an append-only list of migrations.
 *
 * The schema version is PRAGMA user_version: how many steps of migrations[] have been applied.
 * A read-write open applies the missing steps in order, each in its own BEGIN IMMEDIATE
 * transaction that also bumps user_version, so a crash or a concurrent opener leaves the file at
 * a whole step. A file newer than this code (user_version > steps known) is refused with
 * RCX_ESTORE, and so is a readonly open of a file that still needs steps. A released step is never
 * edited: later features (users, incidents, indicators, sharing) append steps that add tables,
 * columns and indexes. PRAGMA application_id marks the file as rcx's; another application's
 * database is refused.
 */
#include <stdio.h>

#include "store/store_sqlite.h"

#define TKEY "coalesce(time_source, time_observation)" /* as in store_sqlite.c */
#define SQ_APPLICATION_ID 1919121441 /* 0x72637821, "rcx!" */
#define SQ_STR_(x) #x
#define SQ_STR(x) SQ_STR_(x)

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

	/* 2: accounts and sharing — organisation details, event labels, users, API keys, sessions,
	 * sharing groups, named recipients, the audit log */
	"ALTER TABLE orgs ADD COLUMN sector TEXT;"
	"ALTER TABLE orgs ADD COLUMN parent INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE orgs ADD COLUMN contacts TEXT;"
	"ALTER TABLE events ADD COLUMN owner_id INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE events ADD COLUMN creator INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE events ADD COLUMN dist INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE events ADD COLUMN share_group INTEGER NOT NULL DEFAULT 0;"
	"UPDATE events SET owner_id = (SELECT orgs.id FROM orgs WHERE orgs.name = events.org)"
	"  WHERE org IN (SELECT name FROM orgs);"
	"UPDATE events SET tlp = 'amber' WHERE tlp IS NULL;"
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  name TEXT,"
	"  org INTEGER NOT NULL,"
	"  role INTEGER NOT NULL,"
	"  pwhash TEXT,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX users_org ON users(org);"
	"CREATE TABLE apikeys ("
	"  id INTEGER PRIMARY KEY,"
	"  user INTEGER NOT NULL,"
	"  prefix TEXT NOT NULL UNIQUE,"
	"  hash BLOB NOT NULL,"
	"  label TEXT,"
	"  created INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL DEFAULT 0,"
	"  revoked INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX apikeys_user ON apikeys(user);"
	"CREATE TABLE sessions ("
	"  token_hash BLOB PRIMARY KEY,"
	"  user INTEGER NOT NULL,"
	"  csrf TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX sessions_expires ON sessions(expires);"
	"CREATE TABLE sharing_groups ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  description TEXT,"
	"  owner_org INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE group_members ("
	"  group_id INTEGER NOT NULL,"
	"  org_id INTEGER NOT NULL,"
	"  PRIMARY KEY (group_id, org_id)) WITHOUT ROWID;"
	"CREATE INDEX group_members_org ON group_members(org_id, group_id);"
	/* One row per named recipient: org_id or user_id set, the other 0. The primary key is the
	 * (kind, object_id) index the visibility rule's EXISTS probes, and keeps rows unique. */
	"CREATE TABLE recipients ("
	"  kind INTEGER NOT NULL,"
	"  object_id INTEGER NOT NULL,"
	"  org_id INTEGER NOT NULL DEFAULT 0,"
	"  user_id INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (kind, object_id, org_id, user_id)) WITHOUT ROWID;"
	/* id is the rowid: the physical order of appends, which a verifier compares with seq */
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  seq INTEGER NOT NULL UNIQUE,"
	"  time INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT NOT NULL,"
	"  detail TEXT NOT NULL,"
	"  prev BLOB NOT NULL,"
	"  hash BLOB NOT NULL);",

	/* 3: the type index carries the label columns, so a count under the visibility rule (with or
	 * without a type filter) reads this index alone instead of every event row: 1 M events counted
	 * in a fraction of a second rather than seconds (bench/RESULTS.md). Same number of indexes to
	 * maintain on ingest as before. */
	("DROP INDEX events_type;"
	 "CREATE INDEX events_type_label ON events(class_type, owner_id, dist, tlp, share_group);"),

	/* 4: incidents — the incident with its label columns (as events have them; recipients kind 2),
	 * timeline entries, observables, linked events and NIS2 reporting stages. A stage is pending
	 * while submitted is 0; the partial index serves the overdue filter. */
	"CREATE TABLE incidents ("
	"  id INTEGER PRIMARY KEY,"
	"  receipt TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  description TEXT,"
	"  reporter INTEGER NOT NULL DEFAULT 0,"
	"  reporter_contact TEXT,"
	"  affected_org INTEGER NOT NULL DEFAULT 0,"
	"  affected_name TEXT,"
	"  countries TEXT,"
	"  sector TEXT,"
	"  subsector TEXT,"
	"  rsit TEXT,"
	"  severity TEXT,"
	"  status TEXT NOT NULL,"
	"  status_reason TEXT,"
	"  assignee INTEGER NOT NULL DEFAULT 0,"
	"  aware INTEGER NOT NULL DEFAULT 0,"
	"  loss_amount INTEGER NOT NULL DEFAULT -1,"
	"  loss_currency TEXT,"
	"  cross_border INTEGER NOT NULL DEFAULT 0,"
	"  victim_disclosed INTEGER NOT NULL DEFAULT 0,"
	"  merged_into INTEGER NOT NULL DEFAULT 0,"
	"  owner_id INTEGER NOT NULL DEFAULT 0,"
	"  creator INTEGER NOT NULL DEFAULT 0,"
	"  tlp TEXT NOT NULL DEFAULT 'amber',"
	"  dist INTEGER NOT NULL DEFAULT 0,"
	"  share_group INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL);"
	"CREATE INDEX incidents_status ON incidents(status);"
	"CREATE INDEX incidents_merged ON incidents(merged_into) WHERE merged_into <> 0;"
	"CREATE TABLE incident_entries ("
	"  id INTEGER PRIMARY KEY,"
	"  incident INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  author INTEGER NOT NULL DEFAULT 0,"
	"  time INTEGER NOT NULL,"
	"  text TEXT NOT NULL);"
	"CREATE INDEX incident_entries_incident ON incident_entries(incident, time);"
	"CREATE TABLE incident_observables ("
	"  incident INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  entry INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (incident, kind, value)) WITHOUT ROWID;"
	"CREATE TABLE incident_events ("
	"  incident INTEGER NOT NULL,"
	"  event INTEGER NOT NULL,"
	"  PRIMARY KEY (incident, event)) WITHOUT ROWID;"
	"CREATE TABLE incident_stages ("
	"  incident INTEGER NOT NULL,"
	"  stage TEXT NOT NULL,"
	"  due INTEGER NOT NULL DEFAULT 0,"
	"  submitted INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (incident, stage)) WITHOUT ROWID;"
	"CREATE INDEX incident_stages_pending ON incident_stages(due) WHERE submitted = 0 AND due <> 0;",

	/* 5: the outbox — e-mail notifications queued in the transaction of the change that causes
	 * them, sent later; a message stays until sent (attempts, last error and the time of the next
	 * try are its retry bookkeeping). The partial index serves "pending and due". */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  org INTEGER NOT NULL DEFAULT 0,"
	"  address TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  incident INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  next INTEGER NOT NULL DEFAULT 0,"
	"  sent INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX outbox_pending ON outbox(next) WHERE sent = 0;",

	/* 6: PDQ hash lists — the list with its label columns (as events have them; recipients kind
	 * 3), name unique per owner; entries with provenance, the hash as 32 bytes, (list, hash)
	 * unique. store_sqlite_hashlist.c. */
	"CREATE TABLE hashlists ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  description TEXT,"
	"  owner_id INTEGER NOT NULL,"
	"  creator INTEGER NOT NULL DEFAULT 0,"
	"  tlp TEXT NOT NULL DEFAULT 'amber',"
	"  dist INTEGER NOT NULL DEFAULT 0,"
	"  share_group INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  UNIQUE (owner_id, name));"
	"CREATE TABLE hashlist_entries ("
	"  id INTEGER PRIMARY KEY,"
	"  list INTEGER NOT NULL,"
	"  hash BLOB NOT NULL CHECK (length(hash) = 32),"
	"  quality INTEGER NOT NULL DEFAULT -1,"
	"  category TEXT NOT NULL,"
	"  reference TEXT,"
	"  contributed_by INTEGER NOT NULL,"
	"  added INTEGER NOT NULL,"
	"  UNIQUE (list, hash));"
	"CREATE INDEX hashlist_entries_list ON hashlist_entries(list);",
};
#define SQ_SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

enum rcx_result sq_exec(sqlite3 *db, const char *sql)
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
		enum rcx_result r = sq_exec(db, "BEGIN IMMEDIATE");
		if (r != RCX_OK)
			return r;
		r = schema_version(db, &version);
		if (r == RCX_OK && version == SQ_SCHEMA_VERSION) {
			sq_exec(db, "ROLLBACK");
			return RCX_OK;
		}
		if (r == RCX_OK)
			r = sq_exec(db, migrations[version]);
		if (r == RCX_OK) {
			snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", version + 1);
			r = sq_exec(db, bump);
		}
		if (r == RCX_OK)
			r = sq_exec(db, "COMMIT");
		if (r != RCX_OK) {
			sq_exec(db, "ROLLBACK");
			return r;
		}
	}
}

enum rcx_result sq_schema_open(sqlite3 *db, bool readonly)
{
	int version;
	if (!readonly)
		return migrate(db);
	enum rcx_result r = schema_version(db, &version);
	if (r == RCX_OK && version != SQ_SCHEMA_VERSION)
		r = RCX_ESTORE; /* cannot migrate it; a read-write open will */
	return r;
}
