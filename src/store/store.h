/* The store: one function table (struct store_ops) behind which rcx keeps its data.
 * Implementations: "sqlite" (default, store_sqlite.c), "mem" (tests, store_mem.c); "pg" later,
 * all held to the same conformance suite (tests/unit/test_store.c).
 *
 * Callers use the store_* wrappers below, never the table directly. A store handle is used by
 * one thread at a time. Writes between store_begin and store_commit are one transaction. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"
#include "core/ip.h"
#include "core/label.h"
#include "core/result.h"
#include "core/strbuf.h"

struct store; /* implementation-private; starts with a const struct store_ops * */
struct store_incident_ops; /* store_incident.h */
struct store_outbox_ops; /* store_outbox.h */
struct store_hashlist_ops; /* store_hashlist.h */

enum store_put_status {
	STORE_PUT_NEW,       /* stored as a new event */
	STORE_PUT_DUPLICATE, /* same identity seen within the window: counted, not stored */
};

/* Who may see what, handed to queries by the trust module (trust_store_visibility), so the store
 * applies the one rule without knowing it: an SQL store asks sql_where for a WHERE fragment over
 * its own column names, a store without SQL calls visible() per object. Both come from the same
 * rule definition. A NULL visibility means the node operator: everything. */
struct store_visibility {
	const void *viewer;
	bool (*visible)(const void *viewer, const struct rcx_label *label);
	enum rcx_result (*sql_where)(const void *viewer, const struct rcx_label_columns *cols,
				     struct rcx_strbuf *out);
};

/* Filters of `rcx events` / GET /api/v1/events. Zero-initialised means "no filter". */
struct store_event_filter {
	int64_t since_us;         /* time.source (or time.observation) ≥ since; 0 = none */
	const char *type;         /* classification.type, canonical */
	bool has_source;          /* filter on source.ip within source_net */
	struct rcx_cidr source_net;
	const char *feed;         /* feed.name */
	const char *org;          /* owning organisation (rcx.org) */
	int64_t after_id;         /* cursor: only events with rcx.id > after_id */
	int64_t id;               /* only the event with this rcx.id; 0 = any */
	uint64_t limit;           /* 0 = no limit */
	const struct store_visibility *vis; /* NULL = everything (the node operator) */
};

/* A quarantined input line. raw is bytes (may contain anything), at most RCX_QUARANTINE_RAW_MAX;
 * raw_total is the original length when it was cut. */
struct store_quarantine {
	int64_t id;
	const char *file;
	uint64_t line;
	const char *feed;
	const char *reason;
	const char *raw;
	size_t raw_len;
	size_t raw_total;
	int64_t time_us;
};

struct store_org {
	int64_t id;
	const char *name;
	const char *country;  /* ISO 3166-1 alpha-2 */
	const char *kind;     /* national-cert, sectoral-cert, law-enforcement, oes, regional-hub, other */
	const char *sector;   /* NIS2 sector of an operator of essential services; NULL = none */
	int64_t parent;       /* the CERT organisation that serves this one (AMBER clients); 0 = none */
	const char *contacts; /* JSON array of {name,email,phone,role}; NULL = [] */
	int64_t created_us;
};

/* A user account. role is an enum trust_role number; pwhash a libsodium crypto_pwhash_str string. */
struct store_user {
	int64_t id;
	const char *email;    /* unique, lowercase */
	const char *name;
	int64_t org;
	int role;
	const char *pwhash;   /* NULL = no password login (API keys only) */
	bool disabled;
	int64_t created_us;
};

/* An API key: "rcx_<prefix>_<secret>"; the store keeps the prefix (lookup) and a hash of the whole key. */
struct store_apikey {
	int64_t id;
	int64_t user;
	const char *prefix;   /* unique public part */
	uint8_t hash[32];
	const char *label;
	int64_t created_us;
	int64_t expires_us;   /* 0 = never */
	bool revoked;
};

/* A web session; the browser holds the token, the store a hash of it. */
struct store_session {
	uint8_t token_hash[32];
	int64_t user;
	const char *csrf;     /* per-session CSRF token sent back in X-CSRF-Token */
	int64_t created_us;
	int64_t expires_us;
};

/* A named set of organisations, owned by the organisation that created it. */
struct store_group {
	int64_t id;
	const char *name;     /* unique */
	const char *description;
	int64_t owner_org;
	int64_t created_us;
};

/* One entry of the append-only audit log. hash = BLAKE2b-256 over prev and the entry (trust_audit.c). */
struct store_audit {
	int64_t seq;          /* 1, 2, 3 … assigned by the caller as last seq + 1 */
	int64_t time_us;
	const char *actor;    /* "user:<id> <email>", "key:<prefix>", "cli", "anonymous" */
	const char *action;   /* "login", "read", "org.add", "event.share" … */
	const char *object;   /* "event:42", "user:3" …; "" = none */
	const char *detail;   /* JSON object text */
	uint8_t prev[32];
	uint8_t hash[32];
};

/* Per-file ingest progress, for resuming after a crash. file_id identifies the content. */
struct store_checkpoint {
	uint64_t records_done; /* input records (lines) fully committed */
	bool complete;
	uint64_t events, duplicates, quarantined; /* totals so far, for the summary of a rerun */
};

/* Called per result row; a non-OK return stops the iteration and is returned by the query. The
 * event and its strings are only valid during the call. */
typedef enum rcx_result (*store_event_cb)(void *ctx, const struct event *ev);
/* One event of a query as the JSON text event_to_json(ev, EVENT_JSON_META) writes for it (no raw);
 * the text is only valid during the call. */
struct store_event_json {
	int64_t id;
	enum rcx_tlp tlp;
	const char *json;
	size_t len;
};
typedef enum rcx_result (*store_event_json_cb)(void *ctx, const struct store_event_json *row);
typedef enum rcx_result (*store_quarantine_cb)(void *ctx, const struct store_quarantine *q);
/* Listing callbacks; the row's strings are only valid during the call. */
typedef enum rcx_result (*store_org_cb)(void *ctx, const struct store_org *org);
typedef enum rcx_result (*store_user_cb)(void *ctx, const struct store_user *user);
typedef enum rcx_result (*store_apikey_cb)(void *ctx, const struct store_apikey *key);
typedef enum rcx_result (*store_group_cb)(void *ctx, const struct store_group *group);
typedef enum rcx_result (*store_id_cb)(void *ctx, int64_t id);
typedef enum rcx_result (*store_audit_cb)(void *ctx, const struct store_audit *entry);

struct store_ops {
	const char *name;
	enum rcx_result (*open)(const char *location, bool readonly, struct store **ret_store);
	void (*close)(struct store *s);
	enum rcx_result (*begin)(struct store *s);
	enum rcx_result (*commit)(struct store *s);
	enum rcx_result (*rollback)(struct store *s);
	/* Dedup key: identity and rcx.org; time: time.source, else time.observation (RCX_EINVAL if neither).
	 * A new event is labelled from its fields: owner = the organisation named by rcx.org (0 when
	 * unknown), tlp (amber when absent), rcx.distribution (org when absent; RCX_EINVAL when
	 * invalid), rcx.sharing_group (RCX_ENOTFOUND, nothing stored, when no such group); creator 0.
	 * A duplicate keeps the stored event's label. */
	enum rcx_result (*event_put)(struct store *s, const struct event *ev, int64_t window_us,
				     enum store_put_status *ret_status, int64_t *ret_id);
	/* Events read back carry their label: tlp, rcx.distribution and rcx.sharing_group as stored in
	 * the label (event_label_set), whatever the event said when it was put. RCX_EINVAL when flt->vis
	 * lacks the interpreter this store uses (sql_where for SQL stores, visible otherwise). */
	enum rcx_result (*event_query)(struct store *s, const struct store_event_filter *flt, store_event_cb cb,
				       void *ctx);
	/* event_query, each event handed over as its JSON text. Optional (NULL): store_event_query_json
	 * then loads each event and writes it. */
	enum rcx_result (*event_query_json)(struct store *s, const struct store_event_filter *flt,
					    store_event_json_cb cb, void *ctx);
	/* Events matching flt, ignoring flt->limit (the total that pages of a query add up to); with
	 * flt->vis only the visible ones, so a count never reveals what the viewer cannot see. */
	enum rcx_result (*event_count)(struct store *s, const struct store_event_filter *flt, uint64_t *ret_n);
	enum rcx_result (*quarantine_put)(struct store *s, const struct store_quarantine *q);
	enum rcx_result (*quarantine_query)(struct store *s, int64_t after_id, uint64_t limit, store_quarantine_cb cb,
					    void *ctx);
	enum rcx_result (*checkpoint_get)(struct store *s, const uint8_t file_id[32], struct store_checkpoint *ret_cp);
	enum rcx_result (*checkpoint_put)(struct store *s, const uint8_t file_id[32], const char *path,
					  const struct store_checkpoint *cp);
	/* A parent must exist (RCX_ENOTFOUND); created_us 0 = now (as for every created_us below). */
	enum rcx_result (*org_add)(struct store *s, const struct store_org *org, int64_t *ret_id);
	/* Looks an organisation up by name; with name NULL, the first one created. Strings in ret_org
	 * stay valid until the next store call. */
	enum rcx_result (*org_get)(struct store *s, const char *name, struct store_org *ret_org);

	/* ---- accounts and sharing (trust). "ret_" rows' strings stay valid until the next store
	 * call on the handle. Lookups answer RCX_ENOTFOUND, unique clashes RCX_EEXIST, and so does a
	 * reference to a row that does not exist (a user's org, a key's or session's user, a parent,
	 * a group's owner or member, a label's group or recipient). Listings of an unknown owner are
	 * empty. Writes join the caller's transaction (store_begin), else are their own. ---- */
	enum rcx_result (*org_get_id)(struct store *s, int64_t id, struct store_org *ret_org);
	enum rcx_result (*org_list)(struct store *s, store_org_cb cb, void *ctx);
	/* Replaces country, kind, sector, parent and contacts of org->id (name is kept); a parent
	 * cannot be the organisation itself (RCX_EINVAL). */
	enum rcx_result (*org_update)(struct store *s, const struct store_org *org);
	/* The e-mail address is stored lowercase; user_get finds it in any case. */
	enum rcx_result (*user_add)(struct store *s, const struct store_user *u, int64_t *ret_id);
	enum rcx_result (*user_get)(struct store *s, const char *email, struct store_user *ret_user);
	enum rcx_result (*user_get_id)(struct store *s, int64_t id, struct store_user *ret_user);
	/* Users of one organisation, or of all with org 0, by id. */
	enum rcx_result (*user_list)(struct store *s, int64_t org, store_user_cb cb, void *ctx);
	/* Replaces name, role, pwhash and disabled of u->id. */
	enum rcx_result (*user_update)(struct store *s, const struct store_user *u);
	enum rcx_result (*apikey_add)(struct store *s, const struct store_apikey *k, int64_t *ret_id);
	enum rcx_result (*apikey_get)(struct store *s, const char *prefix, struct store_apikey *ret_key);
	/* Keys of one user, or of all with user 0, by id; revoked keys included (marked). */
	enum rcx_result (*apikey_list)(struct store *s, int64_t user, store_apikey_cb cb, void *ctx);
	/* Marks a key revoked (again is fine); RCX_ENOTFOUND for an unknown id. */
	enum rcx_result (*apikey_revoke)(struct store *s, int64_t id);
	/* Needs csrf and expires_us > 0. Expired sessions are deleted on the way. */
	enum rcx_result (*session_put)(struct store *s, const struct store_session *sess);
	/* RCX_ENOTFOUND for an unknown or expired (expires_us <= now) session. */
	enum rcx_result (*session_get)(struct store *s, const uint8_t token_hash[32], struct store_session *ret_sess);
	enum rcx_result (*session_delete)(struct store *s, const uint8_t token_hash[32]);
	enum rcx_result (*group_add)(struct store *s, const struct store_group *g, int64_t *ret_id);
	enum rcx_result (*group_get)(struct store *s, const char *name, struct store_group *ret_group);
	enum rcx_result (*group_list)(struct store *s, store_group_cb cb, void *ctx);
	/* Adds (member true) or removes an organisation; adding twice or removing a non-member is OK. */
	enum rcx_result (*group_member_set)(struct store *s, int64_t group, int64_t org, bool member);
	/* Member organisations, ascending. */
	enum rcx_result (*group_members)(struct store *s, int64_t group, store_id_cb cb, void *ctx);
	/* Groups an organisation belongs to, ascending; RCX_ELIMIT past max (ret_ids untouched). */
	enum rcx_result (*org_groups)(struct store *s, int64_t org, int64_t *ret_ids, size_t max, size_t *ret_n);
	/* The label of an event (owner, TLP, distribution, group; creator 0) with its recipient lists,
	 * each ascending (memory valid until the next store call). */
	enum rcx_result (*event_label_get)(struct store *s, int64_t id, struct rcx_label *ret_label);
	/* Replaces TLP, distribution, group and the named recipients of an event (owner and creator
	 * are kept; repeated recipients are stored once). RCX_EINVAL for a TLP or distribution out of
	 * range or an id <= 0, RCX_ELIMIT past RCX_RECIPIENTS_MAX orgs or users. label may be the one
	 * event_label_get returned. */
	enum rcx_result (*event_label_set)(struct store *s, int64_t id, const struct rcx_label *label);
	/* The entry with the highest seq, which the next append chains to (RCX_ENOTFOUND when the log
	 * is empty). */
	enum rcx_result (*audit_last)(struct store *s, struct store_audit *ret_entry);
	/* Stores the entry exactly as given (NULL strings as "", which hash the same); seq >= 1,
	 * RCX_EEXIST when that seq is taken. */
	enum rcx_result (*audit_append)(struct store *s, const struct store_audit *entry);
	/* Entries with seq > after_seq in the order they are stored (rowid order, not seq), at most
	 * limit (0 = all): so a verifier sees reordering. */
	enum rcx_result (*audit_list)(struct store *s, int64_t after_seq, uint64_t limit, store_audit_cb cb, void *ctx);
	/* Incidents (store_incident.h). */
	const struct store_incident_ops *incident;
	/* Queued e-mail notifications (store_outbox.h). */
	const struct store_outbox_ops *outbox;
	/* PDQ hash lists and their entries (store_hashlist.h). */
	const struct store_hashlist_ops *hashlist;
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_mem_ops;

/* Opens a store: "mem:" for the in-memory store, else a SQLite file path (created and migrated
 * when missing unless readonly). */
enum rcx_result store_open(const char *location, bool readonly, struct store **ret_store);
void store_close(struct store *s);
const struct store_ops *store_ops_of(const struct store *s);

static inline enum rcx_result store_begin(struct store *s) { return store_ops_of(s)->begin(s); }
static inline enum rcx_result store_commit(struct store *s) { return store_ops_of(s)->commit(s); }
static inline enum rcx_result store_rollback(struct store *s) { return store_ops_of(s)->rollback(s); }
static inline enum rcx_result store_event_put(struct store *s, const struct event *ev, int64_t window_us,
					      enum store_put_status *ret_status, int64_t *ret_id)
{
	return store_ops_of(s)->event_put(s, ev, window_us, ret_status, ret_id);
}
static inline enum rcx_result store_event_query(struct store *s, const struct store_event_filter *flt,
						store_event_cb cb, void *ctx)
{
	return store_ops_of(s)->event_query(s, flt, cb, ctx);
}
/* Like store_event_query, with each event as its JSON text (what REST pages send): SQL stores copy
 * the stored text out instead of building the event and writing it again. */
enum rcx_result store_event_query_json(struct store *s, const struct store_event_filter *flt,
				       store_event_json_cb cb, void *ctx);
static inline enum rcx_result store_event_count(struct store *s, const struct store_event_filter *flt, uint64_t *ret_n)
{
	return store_ops_of(s)->event_count(s, flt, ret_n);
}
static inline enum rcx_result store_quarantine_put(struct store *s, const struct store_quarantine *q)
{
	return store_ops_of(s)->quarantine_put(s, q);
}
static inline enum rcx_result store_quarantine_query(struct store *s, int64_t after_id, uint64_t limit,
						     store_quarantine_cb cb, void *ctx)
{
	return store_ops_of(s)->quarantine_query(s, after_id, limit, cb, ctx);
}
static inline enum rcx_result store_checkpoint_get(struct store *s, const uint8_t file_id[32],
						   struct store_checkpoint *ret_cp)
{
	return store_ops_of(s)->checkpoint_get(s, file_id, ret_cp);
}
static inline enum rcx_result store_checkpoint_put(struct store *s, const uint8_t file_id[32], const char *path,
						   const struct store_checkpoint *cp)
{
	return store_ops_of(s)->checkpoint_put(s, file_id, path, cp);
}
static inline enum rcx_result store_org_add(struct store *s, const struct store_org *org, int64_t *ret_id)
{
	return store_ops_of(s)->org_add(s, org, ret_id);
}
static inline enum rcx_result store_org_get(struct store *s, const char *name, struct store_org *ret_org)
{
	return store_ops_of(s)->org_get(s, name, ret_org);
}
static inline enum rcx_result store_org_get_id(struct store *s, int64_t id, struct store_org *ret_org)
{
	return store_ops_of(s)->org_get_id(s, id, ret_org);
}
static inline enum rcx_result store_org_list(struct store *s, store_org_cb cb, void *ctx)
{
	return store_ops_of(s)->org_list(s, cb, ctx);
}
static inline enum rcx_result store_org_update(struct store *s, const struct store_org *org)
{
	return store_ops_of(s)->org_update(s, org);
}
static inline enum rcx_result store_user_add(struct store *s, const struct store_user *u, int64_t *ret_id)
{
	return store_ops_of(s)->user_add(s, u, ret_id);
}
static inline enum rcx_result store_user_get(struct store *s, const char *email, struct store_user *ret_user)
{
	return store_ops_of(s)->user_get(s, email, ret_user);
}
static inline enum rcx_result store_user_get_id(struct store *s, int64_t id, struct store_user *ret_user)
{
	return store_ops_of(s)->user_get_id(s, id, ret_user);
}
static inline enum rcx_result store_user_list(struct store *s, int64_t org, store_user_cb cb, void *ctx)
{
	return store_ops_of(s)->user_list(s, org, cb, ctx);
}
static inline enum rcx_result store_user_update(struct store *s, const struct store_user *u)
{
	return store_ops_of(s)->user_update(s, u);
}
static inline enum rcx_result store_apikey_add(struct store *s, const struct store_apikey *k, int64_t *ret_id)
{
	return store_ops_of(s)->apikey_add(s, k, ret_id);
}
static inline enum rcx_result store_apikey_get(struct store *s, const char *prefix, struct store_apikey *ret_key)
{
	return store_ops_of(s)->apikey_get(s, prefix, ret_key);
}
static inline enum rcx_result store_apikey_list(struct store *s, int64_t user, store_apikey_cb cb, void *ctx)
{
	return store_ops_of(s)->apikey_list(s, user, cb, ctx);
}
static inline enum rcx_result store_apikey_revoke(struct store *s, int64_t id)
{
	return store_ops_of(s)->apikey_revoke(s, id);
}
static inline enum rcx_result store_session_put(struct store *s, const struct store_session *sess)
{
	return store_ops_of(s)->session_put(s, sess);
}
static inline enum rcx_result store_session_get(struct store *s, const uint8_t token_hash[32], struct store_session *ret_sess)
{
	return store_ops_of(s)->session_get(s, token_hash, ret_sess);
}
static inline enum rcx_result store_session_delete(struct store *s, const uint8_t token_hash[32])
{
	return store_ops_of(s)->session_delete(s, token_hash);
}
static inline enum rcx_result store_group_add(struct store *s, const struct store_group *g, int64_t *ret_id)
{
	return store_ops_of(s)->group_add(s, g, ret_id);
}
static inline enum rcx_result store_group_get(struct store *s, const char *name, struct store_group *ret_group)
{
	return store_ops_of(s)->group_get(s, name, ret_group);
}
static inline enum rcx_result store_group_list(struct store *s, store_group_cb cb, void *ctx)
{
	return store_ops_of(s)->group_list(s, cb, ctx);
}
static inline enum rcx_result store_group_member_set(struct store *s, int64_t group, int64_t org, bool member)
{
	return store_ops_of(s)->group_member_set(s, group, org, member);
}
static inline enum rcx_result store_group_members(struct store *s, int64_t group, store_id_cb cb, void *ctx)
{
	return store_ops_of(s)->group_members(s, group, cb, ctx);
}
static inline enum rcx_result store_org_groups(struct store *s, int64_t org, int64_t *ret_ids, size_t max, size_t *ret_n)
{
	return store_ops_of(s)->org_groups(s, org, ret_ids, max, ret_n);
}
static inline enum rcx_result store_event_label_get(struct store *s, int64_t id, struct rcx_label *ret_label)
{
	return store_ops_of(s)->event_label_get(s, id, ret_label);
}
static inline enum rcx_result store_event_label_set(struct store *s, int64_t id, const struct rcx_label *label)
{
	return store_ops_of(s)->event_label_set(s, id, label);
}
static inline enum rcx_result store_audit_last(struct store *s, struct store_audit *ret_entry)
{
	return store_ops_of(s)->audit_last(s, ret_entry);
}
static inline enum rcx_result store_audit_append(struct store *s, const struct store_audit *entry)
{
	return store_ops_of(s)->audit_append(s, entry);
}
static inline enum rcx_result store_audit_list(struct store *s, int64_t after_seq, uint64_t limit, store_audit_cb cb, void *ctx)
{
	return store_ops_of(s)->audit_list(s, after_seq, limit, cb, ctx);
}
