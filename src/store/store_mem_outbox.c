/* The in-memory store's outbox, with the semantics of store_sqlite_outbox.c.
 *
 * Append-only like the incident tables: sent and failed append a new version of the message,
 * readers take the newest version of each id (scanning from the end). A transaction needs no
 * undo log: begin remembers the length (mem_outbox_mark), rollback truncates to it. A message's
 * id is one more than the largest id stored. Bounds: memory only, linear scans (test sizes). */
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "store/store_mem.h"
#include "store/store_outbox.h"

struct mem_outbox_row {
	struct store_outbox_msg row; /* strings owned */
};

struct mem_outbox_table {
	MEM_ARRAY(struct mem_outbox_row, msg);
};

static struct mem_outbox_table *table(struct store_mem *s)
{
	if (!s->outbox)
		s->outbox = calloc(1, sizeof(*s->outbox));
	return s->outbox;
}

static void row_free(struct mem_outbox_row *m)
{
	free((char *)m->row.address);
	free((char *)m->row.subject);
	free((char *)m->row.body);
	free((char *)m->row.last_error);
}

void mem_outbox_mark(struct store_mem *s)
{
	if (s->outbox)
		s->outbox->mark_msg = s->outbox->n_msg;
}

void mem_outbox_truncate(struct store_mem *s, bool all)
{
	struct mem_outbox_table *t = s->outbox;
	if (!t)
		return;
	size_t keep = all ? 0 : t->mark_msg;
	while (t->n_msg > keep)
		row_free(&t->msg[--t->n_msg]);
	if (all) {
		free(t->msg);
		free(t);
		s->outbox = NULL;
	}
}

/* Appends a copy of m (strings duplicated). */
static enum rcx_result append(struct mem_outbox_table *t, const struct store_outbox_msg *m)
{
	struct mem_outbox_row *arr = mem_grow(t->msg, &t->cap_msg, t->n_msg, sizeof(*arr));
	if (!arr)
		return RCX_ENOMEM;
	t->msg = arr;
	bool ok = true;
	struct mem_outbox_row r = {*m};
	r.row.address = mem_strdup(m->address, &ok);
	r.row.subject = mem_strdup(m->subject, &ok);
	r.row.body = mem_strdup(m->body, &ok);
	r.row.last_error = mem_strdup(m->last_error, &ok);
	if (!ok) {
		row_free(&r);
		return RCX_ENOMEM;
	}
	t->msg[t->n_msg++] = r;
	return RCX_OK;
}

/* The newest version of message id, or NULL. */
static const struct store_outbox_msg *newest(const struct mem_outbox_table *t, int64_t id)
{
	for (size_t i = t ? t->n_msg : 0; i-- > 0;)
		if (t->msg[i].row.id == id)
			return &t->msg[i].row;
	return NULL;
}

static enum rcx_result mo_put(struct store *st, const struct store_outbox_msg *m, int64_t *ret_id)
{
	struct store_mem *s = mem(st);
	if (!m || !m->address || !*m->address || !m->subject || !m->body)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_EDENIED;
	struct mem_outbox_table *t = table(s);
	if (!t)
		return RCX_ENOMEM;
	int64_t max = 0;
	for (size_t i = 0; i < t->n_msg; i++)
		if (t->msg[i].row.id > max)
			max = t->msg[i].row.id;
	struct store_outbox_msg row = *m;
	row.id = max + 1;
	row.created_us = m->created_us ? m->created_us : rcx_time_now();
	row.attempts = 0;
	row.last_error = NULL;
	row.sent_us = 0;
	enum rcx_result r = append(t, &row);
	if (r == RCX_OK && ret_id)
		*ret_id = row.id;
	return r;
}

static enum rcx_result mo_list(struct store *st, int64_t after_id, uint64_t limit, bool pending_only, int64_t due_us,
			       store_outbox_cb cb, void *ctx)
{
	struct mem_outbox_table *t = mem(st)->outbox;
	if (!cb)
		return RCX_EINVAL;
	uint64_t n = 0;
	int64_t cursor = after_id;
	while (t && (!limit || n < limit)) {
		/* the smallest id above cursor, at its newest version */
		int64_t next = 0;
		for (size_t i = 0; i < t->n_msg; i++) {
			int64_t id = t->msg[i].row.id;
			if (id > cursor && (!next || id < next))
				next = id;
		}
		if (!next)
			break;
		cursor = next;
		const struct store_outbox_msg *m = newest(t, next);
		if (pending_only && (m->sent_us || (due_us > 0 && m->next_us > due_us)))
			continue;
		enum rcx_result r = cb(ctx, m);
		if (r != RCX_OK)
			return r;
		n++;
	}
	return RCX_OK;
}

/* Appends a changed version of message id. */
static enum rcx_result change(struct store *st, int64_t id, bool sent, int64_t when_us, const char *error)
{
	struct store_mem *s = mem(st);
	if (s->readonly)
		return RCX_EDENIED;
	const struct store_outbox_msg *cur = newest(s->outbox, id);
	if (!cur)
		return RCX_ENOTFOUND;
	struct store_outbox_msg m = *cur;
	if (sent) {
		m.sent_us = when_us ? when_us : rcx_time_now();
	} else {
		m.attempts++;
		m.last_error = error;
		m.next_us = when_us;
	}
	return append(s->outbox, &m);
}

static enum rcx_result mo_sent(struct store *st, int64_t id, int64_t sent_us)
{
	return change(st, id, true, sent_us, NULL);
}

static enum rcx_result mo_failed(struct store *st, int64_t id, const char *error, int64_t next_us)
{
	return change(st, id, false, next_us, error ? error : "failed");
}

static enum rcx_result count_row(void *ctx, const struct store_outbox_msg *m)
{
	(void)m;
	++*(uint64_t *)ctx;
	return RCX_OK;
}

static enum rcx_result mo_pending(struct store *st, uint64_t *ret_n)
{
	uint64_t n = 0;
	enum rcx_result r = mo_list(st, 0, 0, true, 0, count_row, &n);
	if (r == RCX_OK)
		*ret_n = n;
	return r;
}

const struct store_outbox_ops store_mem_outbox_ops = {
	.put = mo_put,
	.list = mo_list,
	.sent = mo_sent,
	.failed = mo_failed,
	.pending = mo_pending,
};
