/* The in-memory store's incidents, with the semantics of store_sqlite_incident.c.
 *
 * Every incident table is append-only: an update appends a new version of the incident row, a
 * stage_put a new version of the stage; readers take the newest version of each (scanning from
 * the end). So a transaction needs no undo log here: begin remembers the lengths
 * (mem_incident_mark) and rollback truncates to them (mem_incident_truncate). An incident's id is
 * one more than the largest id stored; a timeline entry's id is its index + 1.
 * Visibility calls vis->visible with each incident's label; merged incidents' entries and
 * observables reach the survivor only when the viewer may see the merged incident too.
 * Bounds: memory only; lookups are linear scans, which suits the test sizes this store is for. */
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "store/store_impl.h"
#include "store/store_incident.h"
#include "store/store_mem.h"

/* One version of an incident: the row with its strings and recipient ids owned (malloc). */
struct mem_incident {
	struct store_incident row;
	int64_t *ids; /* recipient organisations, then users; row.label points into it */
};

struct mem_incident_entry {
	struct store_incident_entry row; /* strings owned */
};

struct mem_incident_obs {
	struct store_incident_observable row; /* strings owned */
};

struct mem_incident_stage {
	struct store_incident_stage row; /* stage owned; the newest version of (incident, stage) wins */
};

struct mem_incident_link {
	int64_t incident, event;
};

struct mem_incident_tables {
	MEM_ARRAY(struct mem_incident, inc);
	MEM_ARRAY(struct mem_incident_entry, ent);
	MEM_ARRAY(struct mem_incident_obs, obs);
	MEM_ARRAY(struct mem_incident_stage, stg);
	MEM_ARRAY(struct mem_incident_link, lnk);
};

/* The incident tables of s, created on first use (NULL when out of memory). */
static struct mem_incident_tables *tables(struct store_mem *s)
{
	if (!s->inc)
		s->inc = calloc(1, sizeof(*s->inc));
	return s->inc;
}

static void incident_free(struct mem_incident *m)
{
	struct store_incident *r = &m->row;
	free((char *)r->receipt);
	free((char *)r->title);
	free((char *)r->description);
	free((char *)r->reporter_contact);
	free((char *)r->affected_name);
	free((char *)r->countries);
	free((char *)r->sector);
	free((char *)r->subsector);
	free((char *)r->rsit);
	free((char *)r->severity);
	free((char *)r->status);
	free((char *)r->status_reason);
	free((char *)r->loss_currency);
	free(m->ids);
}

static void entry_free(struct mem_incident_entry *e)
{
	free((char *)e->row.kind);
	free((char *)e->row.text);
}

static void obs_free(struct mem_incident_obs *o)
{
	free((char *)o->row.kind);
	free((char *)o->row.value);
}

static void stage_free(struct mem_incident_stage *g)
{
	free((char *)g->row.stage);
}

static void link_free(struct mem_incident_link *l)
{
	(void)l;
}

void mem_incident_mark(struct store_mem *s)
{
	struct mem_incident_tables *t = s->inc;
	if (!t)
		return;
	t->mark_inc = t->n_inc;
	t->mark_ent = t->n_ent;
	t->mark_obs = t->n_obs;
	t->mark_stg = t->n_stg;
	t->mark_lnk = t->n_lnk;
}

void mem_incident_truncate(struct store_mem *s, bool all)
{
	struct mem_incident_tables *t = s->inc;
	if (!t)
		return;
#define TRUNCATE(arr, free_row)                                        \
	do {                                                           \
		size_t keep_ = all ? 0 : t->mark_##arr;                \
		while (t->n_##arr > keep_)                             \
			free_row(&t->arr[--t->n_##arr]);               \
	} while (0)
	TRUNCATE(inc, incident_free);
	TRUNCATE(ent, entry_free);
	TRUNCATE(obs, obs_free);
	TRUNCATE(stg, stage_free);
	TRUNCATE(lnk, link_free);
#undef TRUNCATE
	if (all) {
		free(t->inc);
		free(t->ent);
		free(t->obs);
		free(t->stg);
		free(t->lnk);
		free(t);
		s->inc = NULL;
	}
}

/* Outside a transaction the marks follow the lengths, so a later rollback never cuts into rows
 * committed since (rollback needs begin, which sets them again anyway). */
static void committed(struct store_mem *s)
{
	if (!s->in_txn)
		mem_incident_mark(s);
}

/* Index + 1 of the newest version of incident id, 0 when there is none. */
static size_t newest(const struct store_mem *s, int64_t id)
{
	const struct mem_incident_tables *t = s->inc;
	for (size_t i = t ? t->n_inc : 0; i > 0; i--)
		if (t->inc[i - 1].row.id == id)
			return i;
	return 0;
}

static bool admits(const struct store_visibility *vis, const struct store_incident *r)
{
	return !vis || vis->visible(vis->viewer, &r->label);
}

/* The newest version of incident id when it exists and vis admits it. */
static const struct store_incident *find(const struct store_mem *s, int64_t id, const struct store_visibility *vis)
{
	size_t i = id > 0 ? newest(s, id) : 0;
	if (!i || !admits(vis, &s->inc->inc[i - 1].row))
		return NULL;
	return &s->inc->inc[i - 1].row;
}

/* A deep copy of inc as a new version; label arrays from ids (n_orgs then n_users, already normalised). */
static enum rcx_result version_append(struct store_mem *s, const struct store_incident *inc, const int64_t *ids,
				      size_t n_orgs, size_t n_users)
{
	struct mem_incident_tables *t = tables(s);
	if (!t)
		return RCX_ENOMEM;
	void *p = mem_grow(t->inc, &t->cap_inc, t->n_inc, sizeof(*t->inc));
	if (!p)
		return RCX_ENOMEM;
	t->inc = p;
	bool ok = true;
	struct mem_incident m = {.row = *inc};
	struct store_incident *r = &m.row;
	r->receipt = mem_strdup(inc->receipt, &ok);
	r->title = mem_strdup(inc->title, &ok);
	r->description = mem_strdup(inc->description, &ok);
	r->reporter_contact = mem_strdup(inc->reporter_contact, &ok);
	r->affected_name = mem_strdup(inc->affected_name, &ok);
	r->countries = mem_strdup(inc->countries, &ok);
	r->sector = mem_strdup(inc->sector, &ok);
	r->subsector = mem_strdup(inc->subsector, &ok);
	r->rsit = mem_strdup(inc->rsit, &ok);
	r->severity = mem_strdup(inc->severity, &ok);
	r->status = mem_strdup(inc->status, &ok);
	r->status_reason = mem_strdup(inc->status_reason, &ok);
	r->loss_currency = mem_strdup(inc->loss_currency, &ok);
	if (n_orgs + n_users) {
		m.ids = malloc((n_orgs + n_users) * sizeof(*m.ids));
		ok = ok && m.ids;
		if (m.ids)
			memcpy(m.ids, ids, (n_orgs + n_users) * sizeof(*m.ids));
	}
	r->label.orgs = n_orgs && m.ids ? m.ids : NULL;
	r->label.n_orgs = n_orgs;
	r->label.users = n_users && m.ids ? m.ids + n_orgs : NULL;
	r->label.n_users = n_users;
	if (!ok) {
		incident_free(&m);
		return RCX_ENOMEM;
	}
	t->inc[t->n_inc++] = m;
	committed(s);
	return RCX_OK;
}

static bool text_ok(const char *t)
{
	return t && *t;
}

static bool ids_exist(const int64_t *ids, size_t n, size_t rows)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] <= 0 || (uint64_t)ids[i] > rows)
			return false;
	return true;
}

static enum rcx_result mi_put(struct store *st, const struct store_incident *inc, int64_t *ret_id)
{
	struct store_mem *s = mem(st);
	if (!inc || !text_ok(inc->receipt) || !text_ok(inc->title) || !text_ok(inc->status))
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	const struct rcx_label *l = &inc->label;
	enum rcx_result r = store_label_check(l);
	if (r != RCX_OK)
		return r;
	if (l->group && (l->group < 0 || (uint64_t)l->group > s->n_group))
		return RCX_ENOTFOUND;
	if (!ids_exist(l->orgs, l->n_orgs, s->n_org) || !ids_exist(l->users, l->n_users, s->n_user))
		return RCX_ENOTFOUND;
	int64_t id = 1;
	for (size_t i = 0; s->inc && i < s->inc->n_inc; i++) {
		const struct store_incident *v = &s->inc->inc[i].row;
		if (!strcmp(v->receipt, inc->receipt))
			return RCX_EEXIST;
		if (v->id >= id)
			id = v->id + 1;
	}
	int64_t *ids = malloc((l->n_orgs + l->n_users + 1) * sizeof(*ids));
	if (!ids)
		return RCX_ENOMEM;
	if (l->n_orgs)
		memcpy(ids, l->orgs, l->n_orgs * sizeof(*ids));
	size_t n_orgs = store_ids_norm(ids, l->n_orgs);
	if (l->n_users)
		memcpy(ids + n_orgs, l->users, l->n_users * sizeof(*ids));
	size_t n_users = store_ids_norm(ids + n_orgs, l->n_users);
	struct store_incident row = *inc;
	int64_t now = rcx_time_now();
	row.id = id;
	row.created_us = inc->created_us ? inc->created_us : now;
	row.updated_us = inc->updated_us ? inc->updated_us : now;
	r = version_append(s, &row, ids, n_orgs, n_users);
	free(ids);
	if (r == RCX_OK && ret_id)
		*ret_id = id;
	return r;
}

static enum rcx_result mi_update(struct store *st, const struct store_incident *inc)
{
	struct store_mem *s = mem(st);
	if (!inc || !text_ok(inc->title) || !text_ok(inc->status))
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	size_t i = inc->id > 0 ? newest(s, inc->id) : 0;
	if (!i)
		return RCX_ENOTFOUND;
	const struct mem_incident *cur = &s->inc->inc[i - 1];
	struct store_incident row = *inc;
	row.receipt = cur->row.receipt;
	row.reporter = cur->row.reporter;
	row.label = cur->row.label;
	row.created_us = cur->row.created_us;
	row.updated_us = inc->updated_us ? inc->updated_us : rcx_time_now();
	/* the strings of cur stay valid while version_append copies them (the array may move, the
	 * strings do not) */
	const struct rcx_label l = cur->row.label;
	const int64_t *ids = cur->ids;
	return version_append(s, &row, ids, l.n_orgs, l.n_users);
}

static enum rcx_result mi_get(struct store *st, int64_t id, const struct store_visibility *vis,
			      struct store_incident *ret_inc)
{
	struct store_mem *s = mem(st);
	if (!ret_inc || (vis && !vis->visible))
		return RCX_EINVAL;
	const struct store_incident *r = find(s, id, vis);
	if (!r)
		return RCX_ENOTFOUND;
	*ret_inc = *r;
	return RCX_OK;
}

static enum rcx_result mi_get_receipt(struct store *st, const char *receipt, struct store_incident *ret_inc)
{
	struct store_mem *s = mem(st);
	if (!receipt || !ret_inc)
		return RCX_EINVAL;
	for (size_t i = 0; s->inc && i < s->inc->n_inc; i++)
		if (!strcmp(s->inc->inc[i].row.receipt, receipt)) {
			*ret_inc = s->inc->inc[newest(s, s->inc->inc[i].row.id) - 1].row;
			return RCX_OK;
		}
	return RCX_ENOTFOUND;
}

/* Whether comma-separated list has the item c. */
static bool list_has(const char *list, const char *c)
{
	size_t n = strlen(c);
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && !memcmp(p, c, n))
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

static bool overdue(const struct store_mem *s, int64_t id, int64_t at)
{
	const struct mem_incident_tables *t = s->inc;
	for (size_t i = 0; i < t->n_stg; i++) {
		const struct store_incident_stage *g = &t->stg[i].row;
		if (g->incident != id)
			continue;
		bool newer = false; /* a later version of the same stage replaces this one */
		for (size_t j = i + 1; j < t->n_stg && !newer; j++)
			newer = t->stg[j].row.incident == id && !strcmp(t->stg[j].row.stage, g->stage);
		if (!newer && !g->submitted_us && g->due_us && g->due_us <= at)
			return true;
	}
	return false;
}

static bool matches(const struct store_mem *s, const struct store_incident *r, const struct store_incident_filter *flt)
{
	return r->id > flt->after_id && (!flt->status || !strcmp(r->status, flt->status)) &&
	       (!flt->country || list_has(r->countries, flt->country)) &&
	       (!flt->overdue_at_us || overdue(s, r->id, flt->overdue_at_us)) && admits(flt->vis, r);
}

/* The largest incident id stored. */
static int64_t max_id(const struct store_mem *s)
{
	int64_t m = 0;
	for (size_t i = 0; s->inc && i < s->inc->n_inc; i++)
		if (s->inc->inc[i].row.id > m)
			m = s->inc->inc[i].row.id;
	return m;
}

static enum rcx_result walk(struct store_mem *s, const struct store_incident_filter *flt, store_incident_cb cb,
			    void *ctx, uint64_t *ret_n)
{
	uint64_t n = 0;
	if (!flt || (flt->vis && !flt->vis->visible))
		return RCX_EINVAL;
	int64_t top = max_id(s);
	for (int64_t id = 1; id <= top; id++) {
		size_t i = newest(s, id);
		if (!i)
			continue;
		/* a copy: the callback may add versions, moving the array */
		struct store_incident r = s->inc->inc[i - 1].row;
		if (!matches(s, &r, flt))
			continue;
		if (cb) {
			if (flt->limit && n >= flt->limit)
				break;
			enum rcx_result rc = cb(ctx, &r);
			if (rc != RCX_OK)
				return rc;
		}
		n++;
	}
	if (ret_n)
		*ret_n = n;
	return RCX_OK;
}

static enum rcx_result mi_query(struct store *st, const struct store_incident_filter *flt, store_incident_cb cb,
				void *ctx)
{
	if (!cb)
		return RCX_EINVAL;
	return walk(mem(st), flt, cb, ctx, NULL);
}

static enum rcx_result mi_count(struct store *st, const struct store_incident_filter *flt, uint64_t *ret_n)
{
	uint64_t n = 0;
	if (!ret_n)
		return RCX_EINVAL;
	enum rcx_result r = walk(mem(st), flt, NULL, NULL, &n);
	if (r == RCX_OK)
		*ret_n = n;
	return r;
}

static enum rcx_result mi_label_get(struct store *st, int64_t id, struct rcx_label *ret_label)
{
	const struct store_incident *r = find(mem(st), id, NULL);
	if (!ret_label)
		return RCX_EINVAL;
	if (!r)
		return RCX_ENOTFOUND;
	*ret_label = r->label;
	return RCX_OK;
}

static enum rcx_result mi_entry_add(struct store *st, const struct store_incident_entry *e, int64_t *ret_id)
{
	struct store_mem *s = mem(st);
	if (!e || !text_ok(e->kind) || !e->text)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	if (!find(s, e->incident, NULL))
		return RCX_ENOTFOUND;
	struct mem_incident_tables *t = s->inc;
	void *p = mem_grow(t->ent, &t->cap_ent, t->n_ent, sizeof(*t->ent));
	if (!p)
		return RCX_ENOMEM;
	t->ent = p;
	bool ok = true;
	struct mem_incident_entry m = {.row = *e};
	m.row.id = (int64_t)t->n_ent + 1;
	m.row.time_us = e->time_us ? e->time_us : rcx_time_now();
	m.row.kind = mem_strdup(e->kind, &ok);
	m.row.text = mem_strdup(e->text, &ok);
	if (!ok) {
		entry_free(&m);
		return RCX_ENOMEM;
	}
	t->ent[t->n_ent++] = m;
	committed(s);
	if (ret_id)
		*ret_id = m.row.id;
	return RCX_OK;
}

/* Whether incident id is root or merged into it (transitively) and visible; depth bounds a
 * cycle, which the incident module never makes. */
static bool in_family(const struct store_mem *s, int64_t root, int64_t id, const struct store_visibility *vis)
{
	for (size_t depth = 0; depth <= s->inc->n_inc; depth++) {
		if (id == root)
			return true;
		const struct store_incident *r = find(s, id, vis);
		if (!r || !r->merged_into)
			return false;
		id = r->merged_into;
	}
	return false;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct store_incident_entry *x = a, *y = b;
	if (x->time_us != y->time_us)
		return x->time_us < y->time_us ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static enum rcx_result mi_entries(struct store *st, int64_t id, const struct store_visibility *vis,
				  store_incident_entry_cb cb, void *ctx)
{
	struct store_mem *s = mem(st);
	if (!cb || (vis && !vis->visible))
		return RCX_EINVAL;
	if (!find(s, id, vis))
		return RCX_ENOTFOUND;
	const struct mem_incident_tables *t = s->inc;
	/* copies sorted by time: the rows' strings stay put even if the callback appends */
	struct store_incident_entry *rows = malloc((t->n_ent + 1) * sizeof(*rows));
	size_t n = 0;
	if (!rows)
		return RCX_ENOMEM;
	for (size_t i = 0; i < t->n_ent; i++)
		if (in_family(s, id, t->ent[i].row.incident, vis))
			rows[n++] = t->ent[i].row;
	qsort(rows, n, sizeof(*rows), entry_cmp);
	enum rcx_result r = RCX_OK;
	for (size_t i = 0; i < n && r == RCX_OK; i++)
		r = cb(ctx, &rows[i]);
	free(rows);
	return r;
}

static enum rcx_result mi_observable_add(struct store *st, const struct store_incident_observable *o)
{
	struct store_mem *s = mem(st);
	if (!o || !text_ok(o->kind) || !text_ok(o->value))
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	if (!find(s, o->incident, NULL))
		return RCX_ENOTFOUND;
	struct mem_incident_tables *t = s->inc;
	for (size_t i = 0; i < t->n_obs; i++)
		if (t->obs[i].row.incident == o->incident && !strcmp(t->obs[i].row.kind, o->kind) &&
		    !strcmp(t->obs[i].row.value, o->value))
			return RCX_OK;
	void *p = mem_grow(t->obs, &t->cap_obs, t->n_obs, sizeof(*t->obs));
	if (!p)
		return RCX_ENOMEM;
	t->obs = p;
	bool ok = true;
	struct mem_incident_obs m = {.row = *o};
	m.row.kind = mem_strdup(o->kind, &ok);
	m.row.value = mem_strdup(o->value, &ok);
	if (!ok) {
		obs_free(&m);
		return RCX_ENOMEM;
	}
	t->obs[t->n_obs++] = m;
	committed(s);
	return RCX_OK;
}

static int obs_cmp(const void *a, const void *b)
{
	const struct store_incident_observable *x = a, *y = b;
	int c = strcmp(x->kind, y->kind);
	if (!c)
		c = strcmp(x->value, y->value);
	return c ? c : (x->incident < y->incident ? -1 : x->incident > y->incident);
}

static enum rcx_result mi_observables(struct store *st, int64_t id, const struct store_visibility *vis,
				      store_incident_observable_cb cb, void *ctx)
{
	struct store_mem *s = mem(st);
	if (!cb || (vis && !vis->visible))
		return RCX_EINVAL;
	if (!find(s, id, vis))
		return RCX_ENOTFOUND;
	const struct mem_incident_tables *t = s->inc;
	struct store_incident_observable *rows = malloc((t->n_obs + 1) * sizeof(*rows));
	size_t n = 0;
	if (!rows)
		return RCX_ENOMEM;
	for (size_t i = 0; i < t->n_obs; i++)
		if (in_family(s, id, t->obs[i].row.incident, vis))
			rows[n++] = t->obs[i].row;
	qsort(rows, n, sizeof(*rows), obs_cmp);
	enum rcx_result r = RCX_OK;
	for (size_t i = 0; i < n && r == RCX_OK; i++)
		r = cb(ctx, &rows[i]);
	free(rows);
	return r;
}

static enum rcx_result mi_stage_put(struct store *st, const struct store_incident_stage *g)
{
	struct store_mem *s = mem(st);
	if (!g || !text_ok(g->stage) || g->due_us < 0 || g->submitted_us < 0)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	if (!find(s, g->incident, NULL))
		return RCX_ENOTFOUND;
	struct mem_incident_tables *t = s->inc;
	void *p = mem_grow(t->stg, &t->cap_stg, t->n_stg, sizeof(*t->stg));
	if (!p)
		return RCX_ENOMEM;
	t->stg = p;
	bool ok = true;
	struct mem_incident_stage m = {.row = *g};
	m.row.stage = mem_strdup(g->stage, &ok);
	if (!ok)
		return RCX_ENOMEM;
	t->stg[t->n_stg++] = m;
	committed(s);
	return RCX_OK;
}

static int stage_cmp(const void *a, const void *b)
{
	return strcmp(((const struct store_incident_stage *)a)->stage, ((const struct store_incident_stage *)b)->stage);
}

static enum rcx_result mi_stages(struct store *st, int64_t id, const struct store_visibility *vis,
				 store_incident_stage_cb cb, void *ctx)
{
	struct store_mem *s = mem(st);
	if (!cb || (vis && !vis->visible))
		return RCX_EINVAL;
	if (!find(s, id, vis))
		return RCX_ENOTFOUND;
	const struct mem_incident_tables *t = s->inc;
	struct store_incident_stage *rows = malloc((t->n_stg + 1) * sizeof(*rows));
	size_t n = 0;
	if (!rows)
		return RCX_ENOMEM;
	/* newest version of each stage: walk backwards, skip names already taken */
	for (size_t i = t->n_stg; i > 0; i--) {
		const struct store_incident_stage *g = &t->stg[i - 1].row;
		bool seen = g->incident != id;
		for (size_t j = 0; j < n && !seen; j++)
			seen = !strcmp(rows[j].stage, g->stage);
		if (!seen)
			rows[n++] = *g;
	}
	qsort(rows, n, sizeof(*rows), stage_cmp);
	enum rcx_result r = RCX_OK;
	for (size_t i = 0; i < n && r == RCX_OK; i++)
		r = cb(ctx, &rows[i]);
	free(rows);
	return r;
}

static enum rcx_result mi_event_link(struct store *st, int64_t id, int64_t event)
{
	struct store_mem *s = mem(st);
	if (s->readonly)
		return RCX_ESTORE;
	if (!find(s, id, NULL) || event <= 0 || (uint64_t)event > s->n_ev)
		return RCX_ENOTFOUND;
	struct mem_incident_tables *t = s->inc;
	for (size_t i = 0; i < t->n_lnk; i++)
		if (t->lnk[i].incident == id && t->lnk[i].event == event)
			return RCX_OK;
	void *p = mem_grow(t->lnk, &t->cap_lnk, t->n_lnk, sizeof(*t->lnk));
	if (!p)
		return RCX_ENOMEM;
	t->lnk = p;
	t->lnk[t->n_lnk++] = (struct mem_incident_link){id, event};
	committed(s);
	return RCX_OK;
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static enum rcx_result mi_events(struct store *st, int64_t id, const struct store_visibility *vis, store_id_cb cb,
				 void *ctx)
{
	struct store_mem *s = mem(st);
	if (!cb || (vis && !vis->visible))
		return RCX_EINVAL;
	if (!find(s, id, vis))
		return RCX_ENOTFOUND;
	const struct mem_incident_tables *t = s->inc;
	int64_t *ids = malloc((t->n_lnk + 1) * sizeof(*ids));
	size_t n = 0;
	if (!ids)
		return RCX_ENOMEM;
	for (size_t i = 0; i < t->n_lnk; i++)
		if (t->lnk[i].incident == id)
			ids[n++] = t->lnk[i].event;
	qsort(ids, n, sizeof(*ids), id_cmp);
	enum rcx_result r = RCX_OK;
	for (size_t i = 0; i < n && r == RCX_OK; i++)
		r = cb(ctx, ids[i]);
	free(ids);
	return r;
}

const struct store_incident_ops store_mem_incident_ops = {
	.put = mi_put,
	.update = mi_update,
	.get = mi_get,
	.get_receipt = mi_get_receipt,
	.query = mi_query,
	.count = mi_count,
	.label_get = mi_label_get,
	.entry_add = mi_entry_add,
	.entries = mi_entries,
	.observable_add = mi_observable_add,
	.observables = mi_observables,
	.stage_put = mi_stage_put,
	.stages = mi_stages,
	.event_link = mi_event_link,
	.events = mi_events,
};
