/* The SQLite store's incidents (tables of migration 4, store_sqlite_schema.c): incidents with
 * their label columns, timeline entries, observables, linked events and reporting stages.
 *
 * Visibility is the trust module's WHERE fragment over the incident label columns (recipients of
 * kind RCX_OBJECT_INCIDENT), ANDed into every statement that reads an incident or anything of
 * one: a single get, lists, counts, and the visibility probe that guards the timeline,
 * observables, stages and links. The timeline and observables of a survivor include those of the
 * incidents merged into it (a recursive walk over merged_into), but only of merged incidents the
 * viewer may see too: a merge never widens who sees a duplicate's text.
 * Incidents are few next to events, so statements are prepared per call (no per-viewer cache).
 * Label writes follow event_label_set: recipients sorted and unique, the whole put one unit
 * (sq_atomic_begin). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/time.h"
#include "store/store_impl.h"
#include "store/store_incident.h"
#include "store/store_sqlite.h"

#define INC_COLUMNS                                                                                           \
	"SELECT incidents.id, receipt, title, description, reporter, reporter_contact, affected_org,"        \
	" affected_name, countries, sector, subsector, rsit, severity, status, status_reason, assignee, aware," \
	" loss_amount, loss_currency, cross_border, victim_disclosed, merged_into, owner_id, creator, tlp, dist," \
	" share_group, created, updated FROM incidents WHERE 1"

/* Where an incident's label lives, for the trust module's WHERE fragment. */
static const struct rcx_label_columns incident_label_columns = {
	.id = "incidents.id",
	.owner = "incidents.owner_id",
	.creator = "incidents.creator",
	.tlp = "incidents.tlp",
	.dist = "incidents.dist",
	.group = "incidents.share_group",
	.kind = RCX_OBJECT_INCIDENT,
};

/* Reads an INC_COLUMNS row (strings copied into a when set) with its recipients. */
static enum rcx_result incident_read(struct store_sqlite *s, sqlite3_stmt *q, struct rcx_arena *a,
				     struct store_incident *inc)
{
	memset(inc, 0, sizeof(*inc));
	inc->id = sqlite3_column_int64(q, 0);
	inc->receipt = sq_col_str(q, 1, a);
	inc->title = sq_col_str(q, 2, a);
	inc->description = sq_col_str(q, 3, a);
	inc->reporter = sqlite3_column_int64(q, 4);
	inc->reporter_contact = sq_col_str(q, 5, a);
	inc->affected_org = sqlite3_column_int64(q, 6);
	inc->affected_name = sq_col_str(q, 7, a);
	inc->countries = sq_col_str(q, 8, a);
	inc->sector = sq_col_str(q, 9, a);
	inc->subsector = sq_col_str(q, 10, a);
	inc->rsit = sq_col_str(q, 11, a);
	inc->severity = sq_col_str(q, 12, a);
	inc->status = sq_col_str(q, 13, a);
	inc->status_reason = sq_col_str(q, 14, a);
	inc->assignee = sqlite3_column_int64(q, 15);
	inc->aware_us = sqlite3_column_int64(q, 16);
	inc->loss_amount = sqlite3_column_int64(q, 17);
	inc->loss_currency = sq_col_str(q, 18, a);
	inc->cross_border = sqlite3_column_int(q, 19) != 0;
	inc->victim_disclosed = sqlite3_column_int(q, 20) != 0;
	inc->merged_into = sqlite3_column_int64(q, 21);
	sq_col_label(q, 22, &inc->label);
	inc->created_us = sqlite3_column_int64(q, 27);
	inc->updated_us = sqlite3_column_int64(q, 28);
	return sq_label_recipients(s, RCX_OBJECT_INCIDENT, inc->id, &inc->label);
}

static bool text_ok(const char *t)
{
	return t && *t;
}

/* Binds the mutable fields shared by put and update to parameters 2..20, updated to 21. */
static void bind_fields(sqlite3_stmt *q, const struct store_incident *inc)
{
	sq_bind_text(q, 2, inc->title);
	sq_bind_text(q, 3, inc->description);
	sq_bind_text(q, 4, inc->reporter_contact);
	sqlite3_bind_int64(q, 5, inc->affected_org);
	sq_bind_text(q, 6, inc->affected_name);
	sq_bind_text(q, 7, inc->countries);
	sq_bind_text(q, 8, inc->sector);
	sq_bind_text(q, 9, inc->subsector);
	sq_bind_text(q, 10, inc->rsit);
	sq_bind_text(q, 11, inc->severity);
	sq_bind_text(q, 12, inc->status);
	sq_bind_text(q, 13, inc->status_reason);
	sqlite3_bind_int64(q, 14, inc->assignee);
	sqlite3_bind_int64(q, 15, inc->aware_us);
	sqlite3_bind_int64(q, 16, inc->loss_amount);
	sq_bind_text(q, 17, inc->loss_currency);
	sqlite3_bind_int(q, 18, inc->cross_border);
	sqlite3_bind_int(q, 19, inc->victim_disclosed);
	sqlite3_bind_int64(q, 20, inc->merged_into);
	sqlite3_bind_int64(q, 21, sq_time_or_now(inc->updated_us));
}

static enum rcx_result sqi_put(struct store *st, const struct store_incident *inc, int64_t *ret_id)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	int64_t *ids = NULL, id = 0;
	bool own = false;

	if (!inc || !text_ok(inc->receipt) || !text_ok(inc->title) || !text_ok(inc->status))
		return RCX_EINVAL;
	enum rcx_result r = store_label_check(&inc->label);
	if (r != RCX_OK)
		return r;
	const struct rcx_label *l = &inc->label;
	ids = malloc((l->n_orgs + l->n_users + 1) * sizeof(*ids));
	if (!ids)
		return RCX_ENOMEM;
	if (l->n_orgs)
		memcpy(ids, l->orgs, l->n_orgs * sizeof(*ids));
	if (l->n_users)
		memcpy(ids + l->n_orgs, l->users, l->n_users * sizeof(*ids));
	size_t n_orgs = store_ids_norm(ids, l->n_orgs), n_users = store_ids_norm(ids + l->n_orgs, l->n_users);

	r = sq_prepare(s,
		    "INSERT INTO incidents(receipt, title, description, reporter_contact, affected_org, affected_name,"
		    " countries, sector, subsector, rsit, severity, status, status_reason, assignee, aware, loss_amount,"
		    " loss_currency, cross_border, victim_disclosed, merged_into, updated, reporter, owner_id, creator,"
		    " tlp, dist, share_group, created) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
		    " ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)",
		    &q);
	if (r != RCX_OK)
		goto fail;
	r = sq_atomic_begin(s, &own);
	if (r != RCX_OK)
		goto fail;
	sq_bind_text(q, 1, inc->receipt);
	bind_fields(q, inc);
	sqlite3_bind_int64(q, 22, inc->reporter);
	sqlite3_bind_int64(q, 23, l->owner_org);
	sqlite3_bind_int64(q, 24, l->creator);
	sqlite3_bind_text(q, 25, rcx_tlp_name(l->tlp), -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 26, (int)l->dist);
	sqlite3_bind_int64(q, 27, l->group);
	sqlite3_bind_int64(q, 28, sq_time_or_now(inc->created_us));
	r = l->group ? sq_exists(s->sstmt[SQS_GROUP_EXISTS], l->group) : RCX_OK;
	if (r == RCX_OK)
		r = sq_step_done(q);
	if (r == RCX_OK) {
		id = sqlite3_last_insert_rowid(s->db);
		r = sq_recipients_put(s, RCX_OBJECT_INCIDENT, id, ids, n_orgs, false);
	}
	if (r == RCX_OK)
		r = sq_recipients_put(s, RCX_OBJECT_INCIDENT, id, ids + n_orgs, n_users, true);
	r = sq_atomic_end(s, own, r);
	if (r == RCX_OK && ret_id)
		*ret_id = id;
fail:
	sqlite3_finalize(q);
	free(ids);
	return r;
}

static enum rcx_result sqi_update(struct store *st, const struct store_incident *inc)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;

	if (!inc || !text_ok(inc->title) || !text_ok(inc->status))
		return RCX_EINVAL;
	enum rcx_result r = sq_prepare(s,
				    "UPDATE incidents SET title = ?2, description = ?3, reporter_contact = ?4,"
				    " affected_org = ?5, affected_name = ?6, countries = ?7, sector = ?8, subsector = ?9,"
				    " rsit = ?10, severity = ?11, status = ?12, status_reason = ?13, assignee = ?14,"
				    " aware = ?15, loss_amount = ?16, loss_currency = ?17, cross_border = ?18,"
				    " victim_disclosed = ?19, merged_into = ?20, updated = ?21 WHERE id = ?1",
				    &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, inc->id);
	bind_fields(q, inc);
	r = sq_step_changed(s, q);
	sqlite3_finalize(q);
	return r;
}

/* One incident row of a prepared lookup into ret_inc (strings in the handle's ret arena). */
static enum rcx_result get_one(struct store_sqlite *s, sqlite3_stmt *q, struct store_incident *ret_inc)
{
	int rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		return RCX_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return sq_result(rc);
	struct store_incident inc;
	rcx_arena_reset(&s->ret_arena);
	enum rcx_result r = incident_read(s, q, &s->ret_arena, &inc);
	if (r == RCX_OK)
		*ret_inc = inc;
	return r;
}

static enum rcx_result sqi_get(struct store *st, int64_t id, const struct store_visibility *vis,
			       struct store_incident *ret_inc)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!ret_inc)
		return RCX_EINVAL;
	enum rcx_result r = sq_prepare_visible(s, &incident_label_columns, INC_COLUMNS " AND incidents.id = ?1", vis, NULL, &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, id);
	r = get_one(s, q, ret_inc);
	sqlite3_finalize(q);
	return r;
}

static enum rcx_result sqi_get_receipt(struct store *st, const char *receipt, struct store_incident *ret_inc)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!receipt || !ret_inc)
		return RCX_EINVAL;
	enum rcx_result r = sq_prepare(s, INC_COLUMNS " AND receipt = ?1", &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_text(q, 1, receipt, -1, SQLITE_TRANSIENT);
	r = get_one(s, q, ret_inc);
	sqlite3_finalize(q);
	return r;
}

/* The statement of a filter: rows (INC_COLUMNS, ordered, limited) or count(*). */
static enum rcx_result filter_stmt(struct store_sqlite *s, const struct store_incident_filter *flt, bool count,
				   sqlite3_stmt **ret_st)
{
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	sqlite3_stmt *q = NULL;
	enum rcx_result r = rcx_strbuf_puts(&b, count ? "SELECT count(*) FROM incidents WHERE 1" : INC_COLUMNS);
	if (r == RCX_OK && flt->status)
		r = rcx_strbuf_puts(&b, " AND status = :status");
	if (r == RCX_OK && flt->country)
		r = rcx_strbuf_puts(&b, " AND instr(',' || coalesce(countries, '') || ',', ',' || :country || ',') > 0");
	if (r == RCX_OK && flt->overdue_at_us)
		r = rcx_strbuf_puts(&b, " AND EXISTS (SELECT 1 FROM incident_stages st WHERE st.incident = incidents.id"
					" AND st.submitted = 0 AND st.due <> 0 AND st.due <= :overdue)");
	if (r == RCX_OK && flt->after_id > 0)
		r = rcx_strbuf_puts(&b, " AND incidents.id > :after");
	const char *tail = count ? NULL : flt->limit ? " ORDER BY incidents.id LIMIT :limit" : " ORDER BY incidents.id";
	if (r == RCX_OK)
		r = sq_prepare_visible(s, &incident_label_columns, b.data, flt->vis, tail, &q);
	rcx_strbuf_free(&b);
	if (r != RCX_OK)
		return r;
	if (flt->status)
		sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":status"), flt->status, -1, SQLITE_STATIC);
	if (flt->country)
		sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":country"), flt->country, -1, SQLITE_STATIC);
	if (flt->overdue_at_us)
		sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":overdue"), flt->overdue_at_us);
	if (flt->after_id > 0)
		sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":after"), flt->after_id);
	if (!count && flt->limit)
		sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":limit"),
				   flt->limit > INT64_MAX ? INT64_MAX : (int64_t)flt->limit);
	*ret_st = q;
	return RCX_OK;
}

static enum rcx_result sqi_query(struct store *st, const struct store_incident_filter *flt, store_incident_cb cb,
				 void *ctx)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	int rc;
	if (!flt || !cb)
		return RCX_EINVAL;
	enum rcx_result r = filter_stmt(s, flt, false, &q);
	if (r != RCX_OK)
		return r;
	while (r == RCX_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_incident inc;
		r = incident_read(s, q, NULL, &inc);
		if (r == RCX_OK)
			r = cb(ctx, &inc);
	}
	if (r == RCX_OK && rc != SQLITE_DONE)
		r = sq_result(rc);
	sqlite3_finalize(q);
	return r;
}

static enum rcx_result sqi_count(struct store *st, const struct store_incident_filter *flt, uint64_t *ret_n)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!flt || !ret_n)
		return RCX_EINVAL;
	enum rcx_result r = filter_stmt(s, flt, true, &q);
	if (r != RCX_OK)
		return r;
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*ret_n = (uint64_t)sqlite3_column_int64(q, 0);
	else
		r = sq_result(rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	sqlite3_finalize(q);
	return r;
}

static enum rcx_result sqi_label_get(struct store *st, int64_t id, struct rcx_label *ret_label)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!ret_label)
		return RCX_EINVAL;
	enum rcx_result r = sq_prepare(s, INC_COLUMNS " AND incidents.id = ?1", &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		struct store_incident inc;
		r = incident_read(s, q, NULL, &inc);
		if (r == RCX_OK)
			*ret_label = inc.label;
	} else {
		r = rc == SQLITE_DONE ? RCX_ENOTFOUND : sq_result(rc);
	}
	sqlite3_finalize(q);
	return r;
}

/* RCX_OK when incident id exists and vis admits it, else RCX_ENOTFOUND. */
static enum rcx_result visible(struct store_sqlite *s, int64_t id, const struct store_visibility *vis)
{
	return sq_visible_id(s, "incidents", &incident_label_columns, id, vis);
}

static enum rcx_result sqi_entry_add(struct store *st, const struct store_incident_entry *e, int64_t *ret_id)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!e || !text_ok(e->kind) || !e->text)
		return RCX_EINVAL;
	enum rcx_result r = visible(s, e->incident, NULL);
	if (r == RCX_OK)
		r = sq_prepare(s, "INSERT INTO incident_entries(incident, kind, author, time, text) VALUES(?1, ?2, ?3, ?4, ?5)",
			    &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, e->incident);
	sq_bind_text(q, 2, e->kind);
	sqlite3_bind_int64(q, 3, e->author);
	sqlite3_bind_int64(q, 4, sq_time_or_now(e->time_us));
	sq_bind_text(q, 5, e->text);
	r = sq_step_done(q);
	sqlite3_finalize(q);
	if (r == RCX_OK && ret_id)
		*ret_id = sqlite3_last_insert_rowid(s->db);
	return r;
}

/* The ids of incident ?1 and of the visible incidents merged into it, as a CTE "family". */
static enum rcx_result family_sql(const struct store_visibility *vis, struct rcx_strbuf *b)
{
	enum rcx_result r = rcx_strbuf_puts(b, "WITH RECURSIVE family(id) AS (SELECT ?1 UNION SELECT incidents.id"
					       " FROM incidents JOIN family ON incidents.merged_into = family.id WHERE 1");
	if (r == RCX_OK)
		r = sq_where_visible(&incident_label_columns, vis, b);
	if (r == RCX_OK)
		r = rcx_strbuf_puts(b, ") ");
	return r;
}

/* Runs a listing about incident id: visibility first, then the statement "[family CTE] body". */
static enum rcx_result listing(struct store_sqlite *s, int64_t id, const struct store_visibility *vis, bool family,
			       const char *body, sq_row_fn row, void *ctx)
{
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	sqlite3_stmt *q = NULL;
	int rc = SQLITE_DONE;
	enum rcx_result r = visible(s, id, vis);
	if (r == RCX_OK && family)
		r = family_sql(vis, &b);
	if (r == RCX_OK)
		r = rcx_strbuf_puts(&b, body);
	if (r == RCX_OK)
		r = sq_prepare(s, b.data, &q);
	rcx_strbuf_free(&b);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, id);
	while (r == RCX_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
		r = row(q, ctx);
	if (r == RCX_OK && rc != SQLITE_DONE)
		r = sq_result(rc);
	sqlite3_finalize(q);
	return r;
}

/* The callback of a listing (one of them set) and its context. */
struct walk {
	store_incident_entry_cb entry;
	store_incident_observable_cb obs;
	store_incident_stage_cb stage;
	store_id_cb id;
	void *ctx;
};

static enum rcx_result entry_row(sqlite3_stmt *q, void *v)
{
	struct walk *w = v;
	struct store_incident_entry e = {
		.id = sqlite3_column_int64(q, 0),
		.incident = sqlite3_column_int64(q, 1),
		.kind = (const char *)sqlite3_column_text(q, 2),
		.author = sqlite3_column_int64(q, 3),
		.time_us = sqlite3_column_int64(q, 4),
		.text = (const char *)sqlite3_column_text(q, 5),
	};
	return w->entry(w->ctx, &e);
}

static enum rcx_result sqi_entries(struct store *st, int64_t id, const struct store_visibility *vis,
				   store_incident_entry_cb cb, void *ctx)
{
	if (!cb)
		return RCX_EINVAL;
	struct walk w = {.entry = cb, .ctx = ctx};
	return listing(sq(st), id, vis, true,
		       "SELECT id, incident, kind, author, time, text FROM incident_entries"
		       " WHERE incident IN family ORDER BY time, id",
		       entry_row, &w);
}

static enum rcx_result sqi_observable_add(struct store *st, const struct store_incident_observable *o)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!o || !text_ok(o->kind) || !text_ok(o->value))
		return RCX_EINVAL;
	enum rcx_result r = visible(s, o->incident, NULL);
	if (r == RCX_OK)
		r = sq_prepare(s, "INSERT OR IGNORE INTO incident_observables(incident, kind, value, entry) VALUES(?1, ?2, ?3, ?4)",
			    &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, o->incident);
	sq_bind_text(q, 2, o->kind);
	sq_bind_text(q, 3, o->value);
	sqlite3_bind_int64(q, 4, o->entry);
	r = sq_step_done(q);
	sqlite3_finalize(q);
	return r;
}

static enum rcx_result observable_row(sqlite3_stmt *q, void *v)
{
	struct walk *w = v;
	struct store_incident_observable o = {
		.incident = sqlite3_column_int64(q, 0),
		.kind = (const char *)sqlite3_column_text(q, 1),
		.value = (const char *)sqlite3_column_text(q, 2),
		.entry = sqlite3_column_int64(q, 3),
	};
	return w->obs(w->ctx, &o);
}

static enum rcx_result sqi_observables(struct store *st, int64_t id, const struct store_visibility *vis,
				       store_incident_observable_cb cb, void *ctx)
{
	if (!cb)
		return RCX_EINVAL;
	struct walk w = {.obs = cb, .ctx = ctx};
	return listing(sq(st), id, vis, true,
		       "SELECT incident, kind, value, entry FROM incident_observables WHERE incident IN family"
		       " ORDER BY kind, value, incident",
		       observable_row, &w);
}

static enum rcx_result sqi_stage_put(struct store *st, const struct store_incident_stage *sg)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	if (!sg || !text_ok(sg->stage) || sg->due_us < 0 || sg->submitted_us < 0)
		return RCX_EINVAL;
	enum rcx_result r = visible(s, sg->incident, NULL);
	if (r == RCX_OK)
		r = sq_prepare(s, "INSERT INTO incident_stages(incident, stage, due, submitted) VALUES(?1, ?2, ?3, ?4)"
			       " ON CONFLICT(incident, stage) DO UPDATE SET due = excluded.due, submitted = excluded.submitted",
			    &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, sg->incident);
	sq_bind_text(q, 2, sg->stage);
	sqlite3_bind_int64(q, 3, sg->due_us);
	sqlite3_bind_int64(q, 4, sg->submitted_us);
	r = sq_step_done(q);
	sqlite3_finalize(q);
	return r;
}

static enum rcx_result stage_row(sqlite3_stmt *q, void *v)
{
	struct walk *w = v;
	struct store_incident_stage sg = {
		.incident = sqlite3_column_int64(q, 0),
		.stage = (const char *)sqlite3_column_text(q, 1),
		.due_us = sqlite3_column_int64(q, 2),
		.submitted_us = sqlite3_column_int64(q, 3),
	};
	return w->stage(w->ctx, &sg);
}

static enum rcx_result sqi_stages(struct store *st, int64_t id, const struct store_visibility *vis,
				  store_incident_stage_cb cb, void *ctx)
{
	if (!cb)
		return RCX_EINVAL;
	struct walk w = {.stage = cb, .ctx = ctx};
	return listing(sq(st), id, vis, false,
		       "SELECT incident, stage, due, submitted FROM incident_stages WHERE incident = ?1 ORDER BY stage",
		       stage_row, &w);
}

static enum rcx_result sqi_event_link(struct store *st, int64_t id, int64_t event)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = NULL;
	enum rcx_result r = visible(s, id, NULL);
	if (r == RCX_OK)
		r = sq_prepare(s, "SELECT 1 FROM events WHERE id = ?1", &q);
	if (r != RCX_OK)
		return r;
	r = sq_exists(q, event);
	sqlite3_finalize(q);
	q = NULL;
	if (r == RCX_OK)
		r = sq_prepare(s, "INSERT OR IGNORE INTO incident_events(incident, event) VALUES(?1, ?2)", &q);
	if (r != RCX_OK)
		return r;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, event);
	r = sq_step_done(q);
	sqlite3_finalize(q);
	return r;
}

static enum rcx_result link_row(sqlite3_stmt *q, void *v)
{
	struct walk *w = v;
	return w->id(w->ctx, sqlite3_column_int64(q, 0));
}

static enum rcx_result sqi_events(struct store *st, int64_t id, const struct store_visibility *vis, store_id_cb cb,
				  void *ctx)
{
	if (!cb)
		return RCX_EINVAL;
	struct walk w = {.id = cb, .ctx = ctx};
	return listing(sq(st), id, vis, false, "SELECT event FROM incident_events WHERE incident = ?1 ORDER BY event",
		       link_row, &w);
}

const struct store_incident_ops store_sqlite_incident_ops = {
	.put = sqi_put,
	.update = sqi_update,
	.get = sqi_get,
	.get_receipt = sqi_get_receipt,
	.query = sqi_query,
	.count = sqi_count,
	.label_get = sqi_label_get,
	.entry_add = sqi_entry_add,
	.entries = sqi_entries,
	.observable_add = sqi_observable_add,
	.observables = sqi_observables,
	.stage_put = sqi_stage_put,
	.stages = sqi_stages,
	.event_link = sqi_event_link,
	.events = sqi_events,
};
