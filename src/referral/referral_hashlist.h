/* Hash lists in the store: the referral unit's rules for them and the glue between list files
 * (referral_list) and the store (store_hashlist.h).
 *
 * - Categories are a closed set (propaganda, recruitment, attack-footage, instructional, other).
 * - Provenance: every entry names the organisation that contributed it. On import that is the
 *   list's owner, unless the file's contributed_by column names an organisation of this node.
 * - An import is all or nothing: a file with a bad line (the reader's or one of these rules) adds
 *   nothing, and every bad line is reported with its line number.
 * Reads go through the caller's struct store_visibility, so exports and matching see exactly
 * what the one visibility rule lets the viewer see. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"
#include "core/result.h"
#include "referral/referral_hash.h"
#include "referral/referral_list.h"
#include "store/store_hashlist.h"

/* The categories, comma-separated, for messages. */
#define REFERRAL_HASHLIST_CATEGORIES "propaganda, recruitment, attack-footage, instructional, other"

/* Is s one of the categories (lowercase, exactly)? */
bool referral_hashlist_category_valid(const char *s);

/* Is s acceptable as a name, description or reference: 1..max bytes of UTF-8 without control
 * characters? */
bool referral_hashlist_text_valid(const char *s, size_t max);

/* A hash as the store keeps it: 32 bytes in the order of its hex digits, and back. */
void referral_hashlist_hash_to_bytes(const struct referral_hash *h, uint8_t out[STORE_HASHLIST_HASH_BYTES]);
void referral_hashlist_hash_from_bytes(const uint8_t in[STORE_HASHLIST_HASH_BYTES], struct referral_hash *ret_h);

/* The visible list called name (of owner_org when not 0): RCX_ENOTFOUND when there is none,
 * RCX_EEXIST when several owners have a visible list of that name (give the owner then). ret_list
 * as store_hashlist_get returns it. */
enum rcx_result referral_hashlist_find(struct store *s, const char *name, int64_t owner_org,
				       const struct store_visibility *vis, struct store_hashlist *ret_list);

/* An import: defaults in, counts and bad lines out. */
struct referral_hashlist_import {
	const char *category;  /* for lines that give none; NULL = such lines are bad */
	const char *reference; /* for lines that give none; NULL = none */
	size_t read;           /* entries of the file */
	size_t added;          /* of which new to the list (a hash already there is kept as it was) */
	uint64_t n_errors;     /* bad lines: the reader's and these rules', all counted */
	size_t n_kept;         /* the first ones, by line, in errors[] */
	struct referral_list_error errors[RCX_REFERRAL_LIST_ERRORS_MAX];
};

/* Adds the entries of file to list, in a transaction of its own (so not inside store_begin),
 * converted RCX_HASHLIST_IMPORT_BATCH at a time. RCX_EPARSE, nothing added, when the file
 * has bad lines or a line breaks a rule (unknown category, unknown contributing organisation, bad
 * added time): see io->errors. Otherwise the store's result. */
enum rcx_result referral_hashlist_import(struct store *s, const struct store_hashlist *list,
					 const struct referral_list *file, struct referral_hashlist_import *io);

/* The entries of a visible list as a referral_list (for referral_list_write): line = the entry's
 * position in the list (1-based), contributed_by the organisation's name, added as an ISO-8601
 * time. RCX_ENOTFOUND for an invisible list. Free with referral_list_free. */
enum rcx_result referral_hashlist_export(struct store *s, int64_t list, const struct store_visibility *vis,
					 struct referral_list **ret_file);

/* Every list vis admits with its entries, for matching: names[i] and files[i] (entries in the
 * form referral_hashlist_export gives them) for the n lists, by id. */
struct referral_hashlist_set {
	size_t n;
	int64_t *ids;
	char **names;
	struct referral_list **files;
	size_t entries; /* over all lists */
};

/* Loads what vis may see; RCX_ELIMIT past max_entries entries in all. The caller frees the set
 * with referral_hashlist_set_free, also after a failure. */
enum rcx_result referral_hashlist_load_visible(struct store *s, const struct store_visibility *vis,
					       size_t max_entries, struct referral_hashlist_set *ret_set);
void referral_hashlist_set_free(struct referral_hashlist_set *set);
