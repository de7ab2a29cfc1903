/* Internals of the SQLite store, shared by its files: store_sqlite.c (open, transactions, events,
 * quarantine, checkpoints), store_sqlite_schema.c (migrations), store_sqlite_accounts.c
 * (organisations, users, API keys, sessions) and store_sqlite_sharing.c (the name cache, sharing
 * groups, event labels, the audit log). Nothing else includes this header. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "store/store.h"

/* The time dedup and since_us use, spelled exactly so in every query: its index is on this
 * expression, which SQLite uses only for the same expression. */
#define TKEY "coalesce(time_source, time_observation)"

/* Statements of store_sqlite.c, prepared at open (texts in sq_sql[]). */
enum sq_stmt {
	SQ_BEGIN,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_SAVEPOINT,
	SQ_RELEASE,
	SQ_ROLLBACK_TO,
	SQ_DATA_VERSION,
	SQ_DEDUP_FIND,
	SQ_DEDUP_COUNT,
	SQ_EVENT_INSERT,
	SQ_QUARANTINE_INSERT,
	SQ_QUARANTINE_PAGE,
	SQ_CHECKPOINT_GET,
	SQ_CHECKPOINT_PUT,
	SQ_STMT_MAX
};

/* Statements of store_sqlite_accounts.c, prepared at open (texts in sqa_sql[]). */
enum sqa_stmt {
	SQA_ORG_INSERT,
	SQA_ORG_BY_NAME,
	SQA_ORG_BY_ID,
	SQA_ORG_FIRST,
	SQA_ORG_LIST,
	SQA_ORG_UPDATE,
	SQA_ORG_ID,
	SQA_ORG_EXISTS,
	SQA_USER_INSERT,
	SQA_USER_BY_EMAIL,
	SQA_USER_BY_ID,
	SQA_USER_LIST_ALL,
	SQA_USER_LIST_ORG,
	SQA_USER_UPDATE,
	SQA_USER_EXISTS,
	SQA_KEY_INSERT,
	SQA_KEY_BY_PREFIX,
	SQA_KEY_LIST_ALL,
	SQA_KEY_LIST_USER,
	SQA_KEY_REVOKE,
	SQA_SESSION_INSERT,
	SQA_SESSION_GET,
	SQA_SESSION_DELETE,
	SQA_SESSION_EXPIRE,
	SQA_STMT_MAX
};

/* Statements of store_sqlite_sharing.c, prepared at open (texts in sqs_sql[]). */
enum sqs_stmt {
	SQS_GROUP_INSERT,
	SQS_GROUP_BY_NAME,
	SQS_GROUP_LIST,
	SQS_GROUP_ID,
	SQS_GROUP_EXISTS,
	SQS_MEMBER_ADD,
	SQS_MEMBER_DELETE,
	SQS_MEMBERS,
	SQS_ORG_GROUPS,
	SQS_LABEL_GET,
	SQS_LABEL_RECIPIENTS,
	SQS_LABEL_UPDATE,
	SQS_RECIPIENTS_DELETE,
	SQS_RECIPIENT_INSERT,
	SQS_AUDIT_LAST,
	SQS_AUDIT_INSERT,
	SQS_AUDIT_LIST,
	SQS_STMT_MAX
};

extern const char *const sqa_sql[SQA_STMT_MAX];
extern const char *const sqs_sql[SQS_STMT_MAX];

/* Filter shapes of event queries: one bit per part of struct store_event_filter that is set. */
#define SQ_FLT_SHAPES 256u
/* Visibility-filtered event statements kept per handle, keyed by their SQL text (LRU). */
#define SQ_VIS_CACHE 8u
/* Organisation and sharing-group names → ids remembered for event_put (direct-mapped). */
#define SQ_NAME_CACHE 256u
#define SQ_NAME_ARENA_MAX (256u * 1024u) /* names held before the cache starts afresh */

struct sq_vis_stmt {
	char *sql; /* NULL = free slot */
	sqlite3_stmt *st;
	uint64_t used; /* tick of the last use */
};

struct sq_name {
	const char *name; /* in names_arena; NULL = free slot */
	uint64_t hash;
	int64_t id; /* 0 = no such name */
};

struct store_sqlite {
	const struct store_ops *ops; /* first: see store_ops_of */
	sqlite3 *db;
	sqlite3_stmt *stmt[SQ_STMT_MAX];
	sqlite3_stmt *astmt[SQA_STMT_MAX];
	sqlite3_stmt *sstmt[SQS_STMT_MAX];
	sqlite3_stmt *query[SQ_FLT_SHAPES]; /* event_query per filter shape, prepared on first use */
	sqlite3_stmt *count[SQ_FLT_SHAPES]; /* event_count per filter shape (never with a limit) */
	struct sq_vis_stmt vis[SQ_VIS_CACHE];
	uint64_t vis_tick;
	struct rcx_strbuf body;      /* event_put's JSON text, reused */
	struct rcx_strbuf sql;       /* SQL text of a visibility-filtered query, reused */
	struct rcx_arena ret_arena;  /* strings of the last "ret_" row; reset by the next such call */
	struct rcx_strbuf scratch;   /* a lowercased e-mail address */
	int64_t *ids;                /* recipient lists of the last event_label_get / org_groups */
	size_t cap_ids;
	/* names → ids for event_put; valid while no other connection committed (PRAGMA data_version) */
	struct sq_name orgs[SQ_NAME_CACHE], groups[SQ_NAME_CACHE];
	struct rcx_arena names_arena;
	int data_version;
	bool names_checked; /* data_version already compared in the current explicit transaction */
};

static inline struct store_sqlite *sq(struct store *s)
{
	return (struct store_sqlite *)(void *)s;
}

/* ---- schema (store_sqlite_schema.c) ---- */

/* Brings the file's schema up to date (read-write), or checks it is (readonly: RCX_ESTORE when
 * it is not, since a readonly handle cannot migrate). Refuses files that are not rcx's or newer. */
enum rcx_result sq_schema_open(sqlite3 *db, bool readonly);
/* Runs SQL text (one or more statements without results). */
enum rcx_result sq_exec(sqlite3 *db, const char *sql);

/* ---- helpers of store_sqlite.c ---- */

/* rcx result of an SQLite result code (UNIQUE / PRIMARY KEY clashes → RCX_EEXIST). */
enum rcx_result sq_result(int rc);
/* Runs a statement that returns no rows to completion and resets it. */
enum rcx_result sq_step_done(sqlite3_stmt *st);
/* Binds a string (NULL → SQL NULL) without copying it. */
int sq_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Column text copied into the arena, NULL for SQL NULL. */
const char *sq_column_dup(struct rcx_arena *a, sqlite3_stmt *st, int i);
/* The statement of *slot when idle, else one prepared from sql that the caller owns (a callback
 * re-entering a listing); sq_stmt_give resets or finalises it. */
enum rcx_result sq_stmt_take(struct store_sqlite *s, sqlite3_stmt **slot, const char *sql, sqlite3_stmt **ret_st,
			     bool *ret_owned);
void sq_stmt_give(sqlite3_stmt *st, bool owned);
/* Called per row of a listing; a non-OK result stops it and is returned by sq_each_row. */
typedef enum rcx_result (*sq_row_fn)(sqlite3_stmt *q, void *ctx);
/* The one row loop of the listings: takes the statement of *slot (sq_stmt_take), binds the
 * n_binds integers to parameters 1.., calls row per row, and gives the statement back. */
enum rcx_result sq_each_row(struct store_sqlite *s, sqlite3_stmt **slot, const char *sql, const int64_t *binds,
			    size_t n_binds, sq_row_fn row, void *ctx);
/* Makes the writes that follow one unit: a savepoint inside the caller's transaction, else an
 * immediate transaction of their own. sq_atomic_end keeps them when r is RCX_OK, else undoes
 * them, and returns the result of the whole. */
enum rcx_result sq_atomic_begin(struct store_sqlite *s, bool *ret_own);
enum rcx_result sq_atomic_end(struct store_sqlite *s, bool own, enum rcx_result r);

/* ---- labelled objects (events, incidents, hash lists) ---- */

/* Prepares sql (not cached: the caller finalizes *ret_st). */
enum rcx_result sq_prepare(struct store_sqlite *s, const char *sql, sqlite3_stmt **ret_st);
/* Appends " AND (<the rule as SQL over cols>)" for vis (nothing for NULL, the node operator);
 * RCX_EINVAL when vis cannot print SQL. */
enum rcx_result sq_where_visible(const struct rcx_label_columns *cols, const struct store_visibility *vis,
				 struct rcx_strbuf *b);
/* Prepares head + " AND (<the rule as SQL over cols>)" + tail (head alone for vis NULL, the node
 * operator); RCX_EINVAL when vis cannot print SQL. */
enum rcx_result sq_prepare_visible(struct store_sqlite *s, const struct rcx_label_columns *cols, const char *head,
				   const struct store_visibility *vis, const char *tail, sqlite3_stmt **ret_st);
/* RCX_OK when the row id of table exists and vis admits it, else RCX_ENOTFOUND (or the error). */
enum rcx_result sq_visible_id(struct store_sqlite *s, const char *table, const struct rcx_label_columns *cols,
			      int64_t id, const struct store_visibility *vis);
/* The label columns owner, creator, tlp, dist, group at first..first+4 into *ret_label (tlp amber
 * and dist org when they do not read); recipients are not touched. */
void sq_col_label(sqlite3_stmt *q, int first, struct rcx_label *ret_label);

/* ---- helpers of store_sqlite_accounts.c ---- */

/* Binds a copy of a string (a lookup key that may live in the arena the call resets). */
int sq_bind_copy(sqlite3_stmt *st, int i, const char *s);
/* Column text: copied into a when a is set (a "ret_" row), else SQLite's memory (a listing row). */
const char *sq_col_str(sqlite3_stmt *q, int i, struct rcx_arena *a);
/* A 32-byte hash column (zero-padded when shorter). */
void sq_col_hash(sqlite3_stmt *q, int i, uint8_t out[32]);
/* us, or now when us is 0 (creation times). */
int64_t sq_time_or_now(int64_t us);
/* Steps a one-row lookup: RCX_OK on a row (the caller reads it, then resets q), RCX_ENOTFOUND
 * when there is none, else the error (q reset in both cases). */
enum rcx_result sq_step_row(sqlite3_stmt *q);
/* RCX_OK when "SELECT 1 ... WHERE id = ?1" q finds id, else RCX_ENOTFOUND (or its error). */
enum rcx_result sq_exists(sqlite3_stmt *q, int64_t id);
/* Runs an UPDATE / DELETE: RCX_ENOTFOUND when it changed no row. */
enum rcx_result sq_step_changed(struct store_sqlite *s, sqlite3_stmt *q);
/* Room for n ids in s->ids. */
enum rcx_result sq_ids_reserve(struct store_sqlite *s, size_t n);

/* ---- names → ids (store_sqlite_sharing.c) ---- */

/* Id of the organisation / sharing group called name, 0 when there is none; cached. */
enum rcx_result sq_org_id_of(struct store_sqlite *s, const char *name, int64_t *ret_id);
enum rcx_result sq_group_id_of(struct store_sqlite *s, const char *name, int64_t *ret_id);
/* Forgets every cached name (after this handle added one, or rolled back). */
void sq_names_clear(struct store_sqlite *s);

/* ---- named recipients of any labelled object (store_sqlite_sharing.c) ---- */

/* Sets l's recipient lists from the rows of (kind, id), in the handle's ids buffer. */
enum rcx_result sq_label_recipients(struct store_sqlite *s, enum rcx_object_kind kind, int64_t id,
				    struct rcx_label *l);
/* Inserts recipient rows of (kind, id), checking each organisation (or user) exists. */
enum rcx_result sq_recipients_put(struct store_sqlite *s, enum rcx_object_kind kind, int64_t id, const int64_t *ids,
				  size_t n, bool users);

/* ---- operations of store_sqlite_accounts.c and store_sqlite_sharing.c (see store.h) ---- */

enum rcx_result sq_org_add(struct store *st, const struct store_org *org, int64_t *ret_id);
enum rcx_result sq_org_get(struct store *st, const char *name, struct store_org *ret_org);
enum rcx_result sq_org_get_id(struct store *st, int64_t id, struct store_org *ret_org);
enum rcx_result sq_org_list(struct store *st, store_org_cb cb, void *ctx);
enum rcx_result sq_org_update(struct store *st, const struct store_org *org);
enum rcx_result sq_user_add(struct store *st, const struct store_user *u, int64_t *ret_id);
enum rcx_result sq_user_get(struct store *st, const char *email, struct store_user *ret_user);
enum rcx_result sq_user_get_id(struct store *st, int64_t id, struct store_user *ret_user);
enum rcx_result sq_user_list(struct store *st, int64_t org, store_user_cb cb, void *ctx);
enum rcx_result sq_user_update(struct store *st, const struct store_user *u);
enum rcx_result sq_apikey_add(struct store *st, const struct store_apikey *k, int64_t *ret_id);
enum rcx_result sq_apikey_get(struct store *st, const char *prefix, struct store_apikey *ret_key);
enum rcx_result sq_apikey_list(struct store *st, int64_t user, store_apikey_cb cb, void *ctx);
enum rcx_result sq_apikey_revoke(struct store *st, int64_t id);
enum rcx_result sq_session_put(struct store *st, const struct store_session *sess);
enum rcx_result sq_session_get(struct store *st, const uint8_t token_hash[32], struct store_session *ret_sess);
enum rcx_result sq_session_delete(struct store *st, const uint8_t token_hash[32]);
enum rcx_result sq_group_add(struct store *st, const struct store_group *g, int64_t *ret_id);
enum rcx_result sq_group_get(struct store *st, const char *name, struct store_group *ret_group);
enum rcx_result sq_group_list(struct store *st, store_group_cb cb, void *ctx);
enum rcx_result sq_group_member_set(struct store *st, int64_t group, int64_t org, bool member);
enum rcx_result sq_group_members(struct store *st, int64_t group, store_id_cb cb, void *ctx);
enum rcx_result sq_org_groups(struct store *st, int64_t org, int64_t *ret_ids, size_t max, size_t *ret_n);
enum rcx_result sq_event_label_get(struct store *st, int64_t id, struct rcx_label *ret_label);
enum rcx_result sq_event_label_set(struct store *st, int64_t id, const struct rcx_label *label);
enum rcx_result sq_audit_last(struct store *st, struct store_audit *ret_entry);
enum rcx_result sq_audit_append(struct store *st, const struct store_audit *entry);
enum rcx_result sq_audit_list(struct store *st, int64_t after_seq, uint64_t limit, store_audit_cb cb, void *ctx);
