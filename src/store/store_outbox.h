/* The store's outbox: e-mail messages queued by a change (a new incident, an incident becoming
 * cross-border) in the same transaction as that change, and sent later by `rcx notify send`.
 * One sub-table of struct store_ops (store_ops.outbox), implemented by store_sqlite_outbox.c and
 * store_mem_outbox.c, both held to the outbox tests of tests/unit/test_notify.c.
 *
 * A message is pending until it is marked sent; a failed attempt counts up `attempts`, keeps the
 * error and sets the time before which it is not tried again. Nothing is ever deleted: a message
 * that keeps failing stays pending, listed with its last error. */
#pragma once
#include <stdint.h>

#include "core/result.h"
#include "store/store.h"

/* One queued message. Strings are NULL when unset. */
struct store_outbox_msg {
	int64_t id;
	int64_t org;            /* recipient organisation; 0 = none (an address outside the node) */
	const char *address;    /* recipient e-mail address; required */
	const char *subject;    /* required, UTF-8 */
	const char *body;       /* required, UTF-8 plain text */
	int64_t incident;       /* the incident it is about; 0 = none */
	int64_t created_us;     /* 0 = now on put */
	int64_t attempts;       /* failed attempts so far */
	const char *last_error; /* of the last failed attempt; NULL = none */
	int64_t next_us;        /* not tried before this time; 0 = at once */
	int64_t sent_us;        /* 0 = pending */
};

typedef enum rcx_result (*store_outbox_cb)(void *ctx, const struct store_outbox_msg *m);

/* Rows handed to callbacks live during the call. Writes join the caller's transaction. */
struct store_outbox_ops {
	/* Queues a message (attempts, last_error, sent_us are ignored: a new message is pending).
	 * RCX_EINVAL without address, subject or body. */
	enum rcx_result (*put)(struct store *s, const struct store_outbox_msg *m, int64_t *ret_id);
	/* Messages by ascending id with id > after_id, at most limit (0 = all); pending_only skips
	 * sent ones, and with due_us > 0 also those whose next_us is after due_us. */
	enum rcx_result (*list)(struct store *s, int64_t after_id, uint64_t limit, bool pending_only, int64_t due_us,
				store_outbox_cb cb, void *ctx);
	/* Marks a pending message sent at sent_us (0 = now). RCX_ENOTFOUND for an unknown id. */
	enum rcx_result (*sent)(struct store *s, int64_t id, int64_t sent_us);
	/* Records a failed attempt: attempts + 1, error kept, not tried again before next_us. */
	enum rcx_result (*failed)(struct store *s, int64_t id, const char *error, int64_t next_us);
	/* How many messages are pending (sent_us 0). */
	enum rcx_result (*pending)(struct store *s, uint64_t *ret_n);
};

extern const struct store_outbox_ops store_sqlite_outbox_ops;
extern const struct store_outbox_ops store_mem_outbox_ops;

static inline enum rcx_result store_outbox_put(struct store *s, const struct store_outbox_msg *m, int64_t *ret_id)
{
	return store_ops_of(s)->outbox->put(s, m, ret_id);
}
static inline enum rcx_result store_outbox_list(struct store *s, int64_t after_id, uint64_t limit, bool pending_only,
						int64_t due_us, store_outbox_cb cb, void *ctx)
{
	return store_ops_of(s)->outbox->list(s, after_id, limit, pending_only, due_us, cb, ctx);
}
static inline enum rcx_result store_outbox_sent(struct store *s, int64_t id, int64_t sent_us)
{
	return store_ops_of(s)->outbox->sent(s, id, sent_us);
}
static inline enum rcx_result store_outbox_failed(struct store *s, int64_t id, const char *error, int64_t next_us)
{
	return store_ops_of(s)->outbox->failed(s, id, error, next_us);
}
static inline enum rcx_result store_outbox_pending(struct store *s, uint64_t *ret_n)
{
	return store_ops_of(s)->outbox->pending(s, ret_n);
}
