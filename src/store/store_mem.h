/* Internals of the in-memory store, shared by its two files: store_mem.c (open, transactions,
 * events, quarantine, checkpoints, and the undo log every table uses) and store_mem_trust.c
 * (organisations, accounts, sessions, sharing groups, labels, audit). Nothing else includes it. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ip.h"
#include "core/label.h"
#include "core/strbuf.h"
#include "store/store.h"

struct mem_incident_tables;
struct mem_outbox_table;
struct mem_hashlist_tables;

/* An event's label; ids holds the recipient organisations, then the recipient users (malloc). */
struct mem_label {
	int64_t owner, creator, group;
	enum rcx_tlp tlp;
	enum rcx_dist dist;
	int64_t *ids;
	size_t n_orgs, n_users;
};

struct mem_event {
	uint8_t ident[16];
	int64_t t; /* dedup and since time: time.source, else time.observation */
	int64_t count, first_seen, last_seen;
	bool has_source;
	struct rcx_ip source;
	char *type, *feed, *org; /* NULL when unset */
	char *body;
	char *raw; /* NULL = none */
	size_t raw_len;
	size_t next; /* index + 1 of the next older event in the bucket, 0 = end */
	struct mem_label label;
};

/* Rows of the trust tables own their strings (malloc). A row's id is its index + 1. Rows are
 * never removed: a deleted session or group membership is marked dead, so that an update is
 * always "replace row i" and the undo log can put the old row back. */
struct mem_org {
	char *name, *country, *kind, *sector, *contacts;
	int64_t parent, created_us;
};

struct mem_user {
	char *email, *name, *pwhash;
	int64_t org, created_us;
	int role;
	bool disabled;
};

struct mem_apikey {
	char *prefix, *label;
	int64_t user, created_us, expires_us;
	uint8_t hash[32];
	bool revoked;
};

struct mem_session {
	uint8_t token_hash[32];
	char *csrf;
	int64_t user, created_us, expires_us;
	bool live;
};

struct mem_group {
	char *name, *description;
	int64_t owner_org, created_us;
};

struct mem_member {
	int64_t group, org;
	bool live;
};

struct mem_checkpoint {
	uint8_t file_id[32];
	char *path;
	struct store_checkpoint cp;
};

/* What an in-place change replaced, so rollback can put it back. */
enum mem_undo_kind {
	MEM_UNDO_COUNT,   /* event dedup counters */
	MEM_UNDO_LABEL,   /* event label */
	MEM_UNDO_ORG,
	MEM_UNDO_USER,
	MEM_UNDO_APIKEY,
	MEM_UNDO_SESSION,
	MEM_UNDO_MEMBER,
};

struct mem_undo {
	enum mem_undo_kind kind;
	size_t index;
	union {
		struct {
			int64_t count, first_seen, last_seen;
		} count;
		struct mem_label label;
		struct mem_org org;
		struct mem_user user;
		struct mem_apikey key;
		struct mem_session session;
		struct mem_member member;
	} old;
};

/* A growable array: rows, how many are used, capacity, and the length at store_begin. */
#define MEM_ARRAY(type, name) \
	type *name;           \
	size_t n_##name, cap_##name, mark_##name

struct store_mem {
	const struct store_ops *ops; /* first: see store_ops_of */
	bool readonly;
	bool in_txn;
	MEM_ARRAY(struct mem_event, ev);
	size_t *heads;
	size_t n_heads;
	MEM_ARRAY(struct store_quarantine, qr); /* strings and raw owned (malloc) */
	MEM_ARRAY(struct mem_checkpoint, cp);
	MEM_ARRAY(struct mem_org, org);
	MEM_ARRAY(struct mem_user, user);
	MEM_ARRAY(struct mem_apikey, key);
	MEM_ARRAY(struct mem_session, sess);
	MEM_ARRAY(struct mem_group, group);
	MEM_ARRAY(struct mem_member, member);
	MEM_ARRAY(struct store_audit, audit); /* strings owned (malloc) */
	struct mem_undo *undo;
	size_t n_undo, cap_undo;
	struct rcx_strbuf body;     /* event_put's JSON text, reused */
	struct rcx_strbuf scratch;  /* a lowercased e-mail address */
	size_t org_hit;             /* index + 1 of the organisation event_put found last */
	struct mem_incident_tables *inc; /* incidents (store_mem_incident.c); NULL until the first */
	struct mem_outbox_table *outbox; /* queued notifications (store_mem_outbox.c); NULL until the first */
	struct mem_hashlist_tables *hl; /* hash lists (store_mem_hashlist.c); NULL until the first */
};

static inline struct store_mem *mem(struct store *s)
{
	return (struct store_mem *)(void *)s;
}

/* ---- helpers of store_mem.c ---- */

/* Array p with room for one more element of size (capacity *cap, n used): p itself, or p moved
 * to a larger allocation; NULL when out of memory (p still valid then). */
void *mem_grow(void *p, size_t *cap, size_t n, size_t size);
/* Copy of s (NULL stays NULL); *ok turns false when memory runs out. */
char *mem_strdup(const char *s, bool *ok);
/* Room for one more undo entry; call before changing a row, so that mem_replaced cannot fail. */
enum rcx_result mem_undo_reserve(struct store_mem *s);
/* Row index of kind was just replaced; old is its previous value (a struct of the kind's type).
 * In a transaction it is kept for rollback, else its memory is freed. */
void mem_replaced(struct store_mem *s, enum mem_undo_kind kind, size_t index, const void *old);
/* Frees what a row owns. */
void mem_label_free(struct mem_label *l);
void mem_org_free(struct mem_org *o);
void mem_user_free(struct mem_user *u);
void mem_apikey_free(struct mem_apikey *k);
void mem_session_free(struct mem_session *x);
void mem_group_free(struct mem_group *g);
void mem_audit_free(struct store_audit *a);

/* ---- incidents (store_mem_incident.c): append-only tables, rolled back by truncation ---- */

/* Remembers the lengths of the incident tables (store_begin). */
void mem_incident_mark(struct store_mem *s);
/* Cuts the incident tables back to the remembered lengths, or frees them all. */
void mem_incident_truncate(struct store_mem *s, bool all);

/* ---- the outbox (store_mem_outbox.c): append-only versions, rolled back by truncation ---- */

void mem_outbox_mark(struct store_mem *s);
void mem_outbox_truncate(struct store_mem *s, bool all);

/* ---- hash lists (store_mem_hashlist.c): append-only tables, rolled back by truncation ---- */

void mem_hashlist_mark(struct store_mem *s);
void mem_hashlist_truncate(struct store_mem *s, bool all);

/* ---- names → ids (store_mem_trust.c) ---- */

/* Id of the organisation / sharing group called name, 0 when there is none. */
int64_t mem_org_id_of(struct store_mem *s, const char *name);
int64_t mem_group_id_of(const struct store_mem *s, const char *name);

/* ---- operations of store_mem_trust.c (see store.h) ---- */

enum rcx_result mem_org_add(struct store *st, const struct store_org *org, int64_t *ret_id);
enum rcx_result mem_org_get(struct store *st, const char *name, struct store_org *ret_org);
enum rcx_result mem_org_get_id(struct store *st, int64_t id, struct store_org *ret_org);
enum rcx_result mem_org_list(struct store *st, store_org_cb cb, void *ctx);
enum rcx_result mem_org_update(struct store *st, const struct store_org *org);
enum rcx_result mem_user_add(struct store *st, const struct store_user *u, int64_t *ret_id);
enum rcx_result mem_user_get(struct store *st, const char *email, struct store_user *ret_user);
enum rcx_result mem_user_get_id(struct store *st, int64_t id, struct store_user *ret_user);
enum rcx_result mem_user_list(struct store *st, int64_t org, store_user_cb cb, void *ctx);
enum rcx_result mem_user_update(struct store *st, const struct store_user *u);
enum rcx_result mem_apikey_add(struct store *st, const struct store_apikey *k, int64_t *ret_id);
enum rcx_result mem_apikey_get(struct store *st, const char *prefix, struct store_apikey *ret_key);
enum rcx_result mem_apikey_list(struct store *st, int64_t user, store_apikey_cb cb, void *ctx);
enum rcx_result mem_apikey_revoke(struct store *st, int64_t id);
enum rcx_result mem_session_put(struct store *st, const struct store_session *sess);
enum rcx_result mem_session_get(struct store *st, const uint8_t token_hash[32], struct store_session *ret_sess);
enum rcx_result mem_session_delete(struct store *st, const uint8_t token_hash[32]);
enum rcx_result mem_group_add(struct store *st, const struct store_group *g, int64_t *ret_id);
enum rcx_result mem_group_get(struct store *st, const char *name, struct store_group *ret_group);
enum rcx_result mem_group_list(struct store *st, store_group_cb cb, void *ctx);
enum rcx_result mem_group_member_set(struct store *st, int64_t group, int64_t org, bool member);
enum rcx_result mem_group_members(struct store *st, int64_t group, store_id_cb cb, void *ctx);
enum rcx_result mem_org_groups(struct store *st, int64_t org, int64_t *ret_ids, size_t max, size_t *ret_n);
enum rcx_result mem_event_label_get(struct store *st, int64_t id, struct rcx_label *ret_label);
enum rcx_result mem_event_label_set(struct store *st, int64_t id, const struct rcx_label *label);
enum rcx_result mem_audit_last(struct store *st, struct store_audit *ret_entry);
enum rcx_result mem_audit_append(struct store *st, const struct store_audit *entry);
enum rcx_result mem_audit_list(struct store *st, int64_t after_seq, uint64_t limit, store_audit_cb cb, void *ctx);
