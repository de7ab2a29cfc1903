/* The store's PDQ hash lists: named lists of perceptual hashes with the sharing label every object
 * carries, and their entries with provenance. One sub-table of struct store_ops
 * (store_ops.hashlist), implemented by store_sqlite_hashlist.c and store_mem_hashlist.c and held to
 * tests/unit/test_store_hashlist.c.
 *
 * Visibility: every read of a list or of its entries takes a struct store_visibility (NULL = the
 * node operator) and behaves as if an invisible list did not exist: RCX_ENOTFOUND for a single one,
 * absent from listings, its entries neither listed nor counted. Entries carry no label of their
 * own: they are seen exactly when their list is. The store checks shapes (ranges, references to
 * rows); what a category means is the referral module's business (referral_hashlist.c). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/label.h"
#include "core/result.h"
#include "store/store.h"

#define STORE_HASHLIST_HASH_BYTES 32 /* a PDQ hash: 256 bits, byte 0 = the first two hex digits */

/* A hash list. Strings are NULL when unset. */
struct store_hashlist {
	int64_t id;
	const char *name;        /* required; unique per owner organisation */
	const char *description;
	struct rcx_label label;  /* owner (required, an existing organisation), creator, TLP, distribution, group, recipients */
	int64_t created_us;      /* 0 = now on put */
};

/* One entry of a list. (list, hash) is unique: the first entry of a hash stays. */
struct store_hashlist_entry {
	int64_t id;
	int64_t list;
	uint8_t hash[STORE_HASHLIST_HASH_BYTES];
	int quality;             /* 0..100, -1 = unknown */
	const char *category;    /* required (a token; referral_hashlist_category_check) */
	const char *reference;   /* free text; NULL = none */
	int64_t contributed_by;  /* the contributing organisation (an existing one) */
	int64_t added_us;        /* 0 = now on add */
};

/* Filters of list_query. Zero-initialised means "no filter". */
struct store_hashlist_filter {
	int64_t owner_org;       /* lists of this organisation only */
	const char *name;        /* lists of this name only */
	int64_t after_id;        /* cursor: ids above this */
	uint64_t limit;          /* 0 = no limit */
	const struct store_visibility *vis; /* NULL = everything (the node operator) */
};

typedef enum rcx_result (*store_hashlist_cb)(void *ctx, const struct store_hashlist *list);
typedef enum rcx_result (*store_hashlist_entry_cb)(void *ctx, const struct store_hashlist_entry *e);

/* Rows handed to callbacks live during the call; "ret_" rows until the next store call. */
struct store_hashlist_ops {
	/* Stores a new list: RCX_EINVAL without a name or owner or with a bad label
	 * (store_label_check), RCX_ENOTFOUND when the owner, group or a recipient does not exist,
	 * RCX_EEXIST when the owner already has a list of that name; nothing is stored then. */
	enum rcx_result (*list_put)(struct store *s, const struct store_hashlist *list, int64_t *ret_id);
	/* The list id if vis admits it, else RCX_ENOTFOUND; its label's recipients ascending. */
	enum rcx_result (*list_get)(struct store *s, int64_t id, const struct store_visibility *vis,
				    struct store_hashlist *ret_list);
	/* Visible lists matching flt, ascending by id. */
	enum rcx_result (*list_query)(struct store *s, const struct store_hashlist_filter *flt, store_hashlist_cb cb,
				      void *ctx);
	/* Replaces TLP, distribution, group and recipients of list id (owner and creator are kept), as
	 * event_label_set does for events: RCX_EINVAL / RCX_ELIMIT for a bad label, RCX_ENOTFOUND for an
	 * unknown list, group or recipient (nothing changed then). */
	enum rcx_result (*list_label_set)(struct store *s, int64_t id, const struct rcx_label *label);
	/* Adds n entries, all to existing lists, as one unit: RCX_EINVAL for an entry without category,
	 * with quality outside -1..100; RCX_ENOTFOUND for an unknown list or contributing organisation;
	 * nothing is added then. An entry whose hash its list already has is skipped; ret_added (may
	 * be NULL) counts the entries added. */
	enum rcx_result (*entry_add)(struct store *s, const struct store_hashlist_entry *entries, size_t n,
				     size_t *ret_added);
	/* Entries of a visible list, ascending by id; RCX_ENOTFOUND for an invisible one. */
	enum rcx_result (*entries)(struct store *s, int64_t list, const struct store_visibility *vis,
				   store_hashlist_entry_cb cb, void *ctx);
	/* Every entry of every list vis admits, by list then id (what matching runs against). */
	enum rcx_result (*entries_visible)(struct store *s, const struct store_visibility *vis,
					   store_hashlist_entry_cb cb, void *ctx);
	/* How many entries a visible list has; RCX_ENOTFOUND for an invisible one. */
	enum rcx_result (*entry_count)(struct store *s, int64_t list, const struct store_visibility *vis,
				       uint64_t *ret_n);
};

/* The implementations (store_ops.hashlist of the sqlite and mem stores). */
extern const struct store_hashlist_ops store_sqlite_hashlist_ops;
extern const struct store_hashlist_ops store_mem_hashlist_ops;

/* The hash-list table of a store, and one wrapper per operation (callers use these). */
static inline const struct store_hashlist_ops *store_hashlist_ops_of(struct store *s)
{
	return store_ops_of(s)->hashlist;
}
static inline enum rcx_result store_hashlist_put(struct store *s, const struct store_hashlist *list, int64_t *ret_id)
{
	return store_hashlist_ops_of(s)->list_put(s, list, ret_id);
}
static inline enum rcx_result store_hashlist_get(struct store *s, int64_t id, const struct store_visibility *vis,
						 struct store_hashlist *ret_list)
{
	return store_hashlist_ops_of(s)->list_get(s, id, vis, ret_list);
}
static inline enum rcx_result store_hashlist_query(struct store *s, const struct store_hashlist_filter *flt,
						   store_hashlist_cb cb, void *ctx)
{
	return store_hashlist_ops_of(s)->list_query(s, flt, cb, ctx);
}
static inline enum rcx_result store_hashlist_label_set(struct store *s, int64_t id, const struct rcx_label *label)
{
	return store_hashlist_ops_of(s)->list_label_set(s, id, label);
}
static inline enum rcx_result store_hashlist_entry_add(struct store *s, const struct store_hashlist_entry *entries,
						       size_t n, size_t *ret_added)
{
	return store_hashlist_ops_of(s)->entry_add(s, entries, n, ret_added);
}
static inline enum rcx_result store_hashlist_entries(struct store *s, int64_t list, const struct store_visibility *vis,
						     store_hashlist_entry_cb cb, void *ctx)
{
	return store_hashlist_ops_of(s)->entries(s, list, vis, cb, ctx);
}
static inline enum rcx_result store_hashlist_entries_visible(struct store *s, const struct store_visibility *vis,
							     store_hashlist_entry_cb cb, void *ctx)
{
	return store_hashlist_ops_of(s)->entries_visible(s, vis, cb, ctx);
}
static inline enum rcx_result store_hashlist_entry_count(struct store *s, int64_t list,
							 const struct store_visibility *vis, uint64_t *ret_n)
{
	return store_hashlist_ops_of(s)->entry_count(s, list, vis, ret_n);
}
