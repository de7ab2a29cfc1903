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
#include "core/result.h"

struct store; /* implementation-private; starts with a const struct store_ops * */

enum store_put_status {
	STORE_PUT_NEW,       /* stored as a new event */
	STORE_PUT_DUPLICATE, /* same identity seen within the window: counted, not stored */
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
	uint64_t limit;           /* 0 = no limit */
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
	const char *country; /* ISO 3166-1 alpha-2 */
	const char *kind;    /* national-cert, sectoral-cert, law-enforcement, oes, regional-hub, other */
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
typedef enum rcx_result (*store_quarantine_cb)(void *ctx, const struct store_quarantine *q);

struct store_ops {
	const char *name;
	enum rcx_result (*open)(const char *location, bool readonly, struct store **ret_store);
	void (*close)(struct store *s);
	enum rcx_result (*begin)(struct store *s);
	enum rcx_result (*commit)(struct store *s);
	enum rcx_result (*rollback)(struct store *s);
	/* Dedup key: identity and rcx.org; time: time.source, else time.observation (RCX_EINVAL if neither). */
	enum rcx_result (*event_put)(struct store *s, const struct event *ev, int64_t window_us,
				     enum store_put_status *ret_status, int64_t *ret_id);
	enum rcx_result (*event_query)(struct store *s, const struct store_event_filter *flt, store_event_cb cb,
				       void *ctx);
	/* Events matching flt, ignoring flt->limit (the total that pages of a query add up to). */
	enum rcx_result (*event_count)(struct store *s, const struct store_event_filter *flt, uint64_t *ret_n);
	enum rcx_result (*quarantine_put)(struct store *s, const struct store_quarantine *q);
	enum rcx_result (*quarantine_query)(struct store *s, int64_t after_id, uint64_t limit, store_quarantine_cb cb,
					    void *ctx);
	enum rcx_result (*checkpoint_get)(struct store *s, const uint8_t file_id[32], struct store_checkpoint *ret_cp);
	enum rcx_result (*checkpoint_put)(struct store *s, const uint8_t file_id[32], const char *path,
					  const struct store_checkpoint *cp);
	enum rcx_result (*org_add)(struct store *s, const struct store_org *org, int64_t *ret_id);
	/* Looks an organisation up by name; with name NULL, the first one created. Strings in ret_org
	 * stay valid until the next store call. */
	enum rcx_result (*org_get)(struct store *s, const char *name, struct store_org *ret_org);
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
