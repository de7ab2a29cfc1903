/* The audit log: an append-only, hash-chained record of logins, reads of AMBER, AMBER+STRICT and
 * RED data, every change and every share.
 *
 * Entry n carries seq = n, the hash of entry n-1 (prev; zeros for the first) and its own hash,
 * BLAKE2b-256 over prev and all its fields, each length-prefixed. Editing an entry breaks its hash;
 * removing one leaves a gap in seq and breaks the next prev; reordering shows as seq out of
 * order. Truncating the tail is only visible against a head recorded elsewhere, so
 * `rcx audit verify` prints the head hash for the operator to keep. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "core/result.h"
#include "store/store.h"

/* Appends one entry (serialised process-wide, retried if another process appended first). detail
 * is a JSON object text or NULL. */
enum rcx_result trust_audit_append(struct store *s, const char *actor, const char *action, const char *object,
				   const char *detail);

/* A background writer for a server: entries are queued and written in batches by one thread with
 * its own store handle, chained in queue order. Changes wait until their entry is stored; reads
 * (wait false) do not, and reach the log within RCX_AUDIT_FLUSH_MS. */
struct trust_audit_writer;

/* Starts the writer on the store at location (store_open). */
enum rcx_result trust_audit_writer_start(const char *location, struct trust_audit_writer **ret_w);
/* Queues an entry (strings copied); with wait, returns once it is stored, with the store's result. */
enum rcx_result trust_audit_writer_add(struct trust_audit_writer *w, const char *actor, const char *action,
				       const char *object, const char *detail, bool wait);
/* Writes what is queued, stops the thread, frees w. */
void trust_audit_writer_stop(struct trust_audit_writer *w);

/* The entry's hash as trust_audit_append computes it (prev and seq must be set). */
void trust_audit_hash(const struct store_audit *e, uint8_t ret_hash[32]);

enum trust_audit_problem {
	TRUST_AUDIT_OK,
	TRUST_AUDIT_EDITED,    /* the entry's content does not match its hash */
	TRUST_AUDIT_REMOVED,   /* seq jumps: entries before this one are missing */
	TRUST_AUDIT_REORDERED, /* seq goes backwards or repeats */
	TRUST_AUDIT_BROKEN,    /* prev does not match the previous entry's hash */
	TRUST_AUDIT_PROBLEM_MAX
};

struct trust_audit_report {
	uint64_t entries;                   /* entries read */
	enum trust_audit_problem problem;   /* first problem found */
	int64_t seq;                        /* the entry where it was found */
	int64_t expected_seq;               /* what seq should have been there */
	uint8_t head[32];                   /* hash of the last entry read */
};

/* Walks the whole log in storage order. RCX_OK with problem TRUST_AUDIT_OK when intact; RCX_OK
 * with the first problem otherwise; other results only when the store fails. */
enum rcx_result trust_audit_verify(struct store *s, struct trust_audit_report *ret_report);

/* "edited", "removed", "reordered", "broken", "ok". */
const char *trust_audit_problem_name(enum trust_audit_problem p);
