/* The in-memory store's hash lists, with the semantics of store_sqlite_hashlist.c.
 *
 * Both tables are append-only, as the incident tables are: a relabel appends a new version of the
 * list row, and readers take the newest version of each id (scanning from the end); entries are
 * only ever appended. So a transaction needs no undo log: begin remembers the lengths
 * (mem_hashlist_mark) and rollback truncates to them (mem_hashlist_truncate). A list's id is one
 * more than the largest stored; an entry's id is its index + 1.
 * Visibility calls vis->visible with each list's label; an entry is seen when its list is.
 * Bounds: memory only; lookups are linear scans (the duplicate check of entry_add too), which
 * suits the test sizes this store is for. */
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "store/store_hashlist.h"
#include "store/store_impl.h"
#include "store/store_mem.h"

/* One version of a list: the row with its strings and recipient ids owned (malloc). */
struct mem_hashlist {
	struct store_hashlist row;
	int64_t *ids; /* recipient organisations, then users; row.label points into it */
};

struct mem_hashlist_tables {
	MEM_ARRAY(struct mem_hashlist, list);
	MEM_ARRAY(struct store_hashlist_entry, ent); /* category and reference owned */
};

static struct mem_hashlist_tables *tables(struct store_mem *s)
{
	if (!s->hl)
		s->hl = calloc(1, sizeof(*s->hl));
	return s->hl;
}

static void list_free(struct mem_hashlist *m)
{
	free((char *)m->row.name);
	free((char *)m->row.description);
	free(m->ids);
}

static void entry_free(struct store_hashlist_entry *e)
{
	free((char *)e->category);
	free((char *)e->reference);
}

void mem_hashlist_mark(struct store_mem *s)
{
	struct mem_hashlist_tables *t = s->hl;
	if (!t)
		return;
	t->mark_list = t->n_list;
	t->mark_ent = t->n_ent;
}

void mem_hashlist_truncate(struct store_mem *s, bool all)
{
	struct mem_hashlist_tables *t = s->hl;
	if (!t)
		return;
	while (t->n_list > (all ? 0 : t->mark_list))
		list_free(&t->list[--t->n_list]);
	while (t->n_ent > (all ? 0 : t->mark_ent))
		entry_free(&t->ent[--t->n_ent]);
	if (all) {
		free(t->list);
		free(t->ent);
		free(t);
		s->hl = NULL;
	}
}

/* Outside a transaction the marks follow the lengths (see store_mem_incident.c). */
static void committed(struct store_mem *s)
{
	if (!s->in_txn)
		mem_hashlist_mark(s);
}

/* The newest version of list id when it exists and vis admits it. */
static const struct store_hashlist *find(const struct store_mem *s, int64_t id, const struct store_visibility *vis)
{
	const struct mem_hashlist_tables *t = s->hl;
	for (size_t i = t && id > 0 ? t->n_list : 0; i > 0; i--) {
		const struct store_hashlist *r = &t->list[i - 1].row;
		if (r->id == id)
			return !vis || vis->visible(vis->viewer, &r->label) ? r : NULL;
	}
	return NULL;
}

/* Is row i the newest version of its list? */
static bool newest_at(const struct mem_hashlist_tables *t, size_t i)
{
	for (size_t j = i + 1; j < t->n_list; j++)
		if (t->list[j].row.id == t->list[i].row.id)
			return false;
	return true;
}

static bool ids_exist(const int64_t *ids, size_t n, size_t rows)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] <= 0 || (uint64_t)ids[i] > rows)
			return false;
	return true;
}

/* Checks a label's references; RCX_OK or the error put / label_set answer. */
static enum rcx_result label_refs(const struct store_mem *s, const struct rcx_label *l)
{
	enum rcx_result r = store_label_check(l);
	if (r != RCX_OK)
		return r;
	if (l->group && (l->group < 0 || (uint64_t)l->group > s->n_group))
		return RCX_ENOTFOUND;
	if (!ids_exist(l->orgs, l->n_orgs, s->n_org) || !ids_exist(l->users, l->n_users, s->n_user))
		return RCX_ENOTFOUND;
	return RCX_OK;
}

/* Appends a deep copy of list as a new version, its recipients sorted and unique. */
static enum rcx_result version_append(struct store_mem *s, const struct store_hashlist *list)
{
	struct mem_hashlist_tables *t = tables(s);
	if (!t)
		return RCX_ENOMEM;
	void *p = mem_grow(t->list, &t->cap_list, t->n_list, sizeof(*t->list));
	if (!p)
		return RCX_ENOMEM;
	t->list = p;
	const struct rcx_label *l = &list->label;
	bool ok = true;
	struct mem_hashlist m = {.row = *list};
	m.row.name = mem_strdup(list->name, &ok);
	m.row.description = mem_strdup(list->description, &ok);
	m.ids = malloc((l->n_orgs + l->n_users + 1) * sizeof(*m.ids));
	size_t n_orgs = 0, n_users = 0;
	if (m.ids) {
		if (l->n_orgs)
			memcpy(m.ids, l->orgs, l->n_orgs * sizeof(*m.ids));
		n_orgs = store_ids_norm(m.ids, l->n_orgs);
		if (l->n_users)
			memcpy(m.ids + n_orgs, l->users, l->n_users * sizeof(*m.ids));
		n_users = store_ids_norm(m.ids + n_orgs, l->n_users);
	}
	if (!ok || !m.ids) {
		list_free(&m);
		return RCX_ENOMEM;
	}
	m.row.label.orgs = n_orgs ? m.ids : NULL;
	m.row.label.n_orgs = n_orgs;
	m.row.label.users = n_users ? m.ids + n_orgs : NULL;
	m.row.label.n_users = n_users;
	t->list[t->n_list++] = m;
	committed(s);
	return RCX_OK;
}

static enum rcx_result mh_list_put(struct store *st, const struct store_hashlist *list, int64_t *ret_id)
{
	struct store_mem *s = mem(st);
	if (!list || !list->name || !*list->name || list->label.owner_org <= 0)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	enum rcx_result r = label_refs(s, &list->label);
	if (r != RCX_OK)
		return r;
	if ((uint64_t)list->label.owner_org > s->n_org)
		return RCX_ENOTFOUND;
	int64_t id = 1;
	for (size_t i = 0; s->hl && i < s->hl->n_list; i++) {
		const struct store_hashlist *v = &s->hl->list[i].row;
		if (v->label.owner_org == list->label.owner_org && !strcmp(v->name, list->name))
			return RCX_EEXIST;
		if (v->id >= id)
			id = v->id + 1;
	}
	struct store_hashlist row = *list;
	row.id = id;
	row.created_us = list->created_us ? list->created_us : rcx_time_now();
	r = version_append(s, &row);
	if (r == RCX_OK && ret_id)
		*ret_id = id;
	return r;
}

static enum rcx_result mh_list_get(struct store *st, int64_t id, const struct store_visibility *vis,
				   struct store_hashlist *ret_list)
{
	struct store_mem *s = mem(st);
	if (!ret_list || (vis && !vis->visible))
		return RCX_EINVAL;
	const struct store_hashlist *r = find(s, id, vis);
	if (!r)
		return RCX_ENOTFOUND;
	*ret_list = *r;
	return RCX_OK;
}

static int by_id(const void *a, const void *b)
{
	const struct store_hashlist *x = *(const struct store_hashlist *const *)a;
	const struct store_hashlist *y = *(const struct store_hashlist *const *)b;
	return (x->id > y->id) - (x->id < y->id);
}

static enum rcx_result mh_list_query(struct store *st, const struct store_hashlist_filter *flt, store_hashlist_cb cb,
				     void *ctx)
{
	struct store_mem *s = mem(st);
	if (!flt || !cb || (flt->vis && !flt->vis->visible))
		return RCX_EINVAL;
	const struct mem_hashlist_tables *t = s->hl;
	if (!t || !t->n_list)
		return RCX_OK;
	/* the newest versions that pass, by id (versions are not in id order after a relabel) */
	const struct store_hashlist **v = malloc(t->n_list * sizeof(*v));
	if (!v)
		return RCX_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < t->n_list; i++) {
		const struct store_hashlist *r = &t->list[i].row;
		if (!newest_at(t, i) || (flt->owner_org && r->label.owner_org != flt->owner_org) ||
		    (flt->name && strcmp(r->name, flt->name)) || (flt->after_id > 0 && r->id <= flt->after_id) ||
		    (flt->vis && !flt->vis->visible(flt->vis->viewer, &r->label)))
			continue;
		v[n++] = r;
	}
	qsort(v, n, sizeof(*v), by_id);
	enum rcx_result r = RCX_OK;
	for (size_t i = 0; i < n && r == RCX_OK && (!flt->limit || i < flt->limit); i++)
		r = cb(ctx, v[i]);
	free(v);
	return r;
}

static enum rcx_result mh_list_label_set(struct store *st, int64_t id, const struct rcx_label *label)
{
	struct store_mem *s = mem(st);
	if (s->readonly)
		return RCX_ESTORE;
	enum rcx_result r = label_refs(s, label);
	if (r != RCX_OK)
		return r;
	const struct store_hashlist *old = find(s, id, NULL);
	if (!old)
		return RCX_ENOTFOUND;
	struct store_hashlist row = *old;
	row.label.tlp = label->tlp;
	row.label.dist = label->dist;
	row.label.group = label->group;
	row.label.orgs = label->orgs;
	row.label.n_orgs = label->n_orgs;
	row.label.users = label->users;
	row.label.n_users = label->n_users;
	return version_append(s, &row); /* copies everything before the array may move */
}

static bool has_hash(const struct mem_hashlist_tables *t, int64_t list, const uint8_t *hash)
{
	for (size_t i = 0; i < t->n_ent; i++)
		if (t->ent[i].list == list && !memcmp(t->ent[i].hash, hash, STORE_HASHLIST_HASH_BYTES))
			return true;
	return false;
}

static enum rcx_result mh_entry_add(struct store *st, const struct store_hashlist_entry *entries, size_t n,
				    size_t *ret_added)
{
	struct store_mem *s = mem(st);
	if (n && !entries)
		return RCX_EINVAL;
	if (s->readonly)
		return RCX_ESTORE;
	for (size_t i = 0; i < n; i++)
		if (!entries[i].category || !*entries[i].category || entries[i].quality < -1 || entries[i].quality > 100)
			return RCX_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!find(s, entries[i].list, NULL) || entries[i].contributed_by <= 0 ||
		    (uint64_t)entries[i].contributed_by > s->n_org)
			return RCX_ENOTFOUND;
	struct mem_hashlist_tables *t = tables(s);
	if (!t)
		return RCX_ENOMEM;
	size_t start = t->n_ent, added = 0;
	int64_t now = rcx_time_now();
	for (size_t i = 0; i < n; i++) {
		const struct store_hashlist_entry *e = &entries[i];
		if (has_hash(t, e->list, e->hash))
			continue;
		void *p = mem_grow(t->ent, &t->cap_ent, t->n_ent, sizeof(*t->ent));
		bool ok = p != NULL;
		if (p) {
			t->ent = p;
			struct store_hashlist_entry c = *e;
			c.id = (int64_t)t->n_ent + 1;
			c.added_us = e->added_us ? e->added_us : now;
			c.category = mem_strdup(e->category, &ok);
			c.reference = mem_strdup(e->reference, &ok);
			if (ok)
				t->ent[t->n_ent++] = c;
			else
				entry_free(&c);
		}
		if (!ok) { /* one unit: undo this batch */
			while (t->n_ent > start)
				entry_free(&t->ent[--t->n_ent]);
			return RCX_ENOMEM;
		}
		added++;
	}
	committed(s);
	if (ret_added)
		*ret_added = added;
	return RCX_OK;
}

static enum rcx_result mh_entries(struct store *st, int64_t list, const struct store_visibility *vis,
				  store_hashlist_entry_cb cb, void *ctx)
{
	struct store_mem *s = mem(st);
	if (!cb || (vis && !vis->visible))
		return RCX_EINVAL;
	if (!find(s, list, vis))
		return RCX_ENOTFOUND;
	enum rcx_result r = RCX_OK;
	for (size_t i = 0; i < s->hl->n_ent && r == RCX_OK; i++)
		if (s->hl->ent[i].list == list)
			r = cb(ctx, &s->hl->ent[i]);
	return r;
}

static enum rcx_result mh_entries_visible(struct store *st, const struct store_visibility *vis,
					  store_hashlist_entry_cb cb, void *ctx)
{
	struct store_mem *s = mem(st);
	if (!cb || (vis && !vis->visible))
		return RCX_EINVAL;
	const struct mem_hashlist_tables *t = s->hl;
	if (!t)
		return RCX_OK;
	/* list ids ascending (ids are dense from 1 to the largest), then each list's entries in order */
	int64_t max = 0;
	for (size_t i = 0; i < t->n_list; i++)
		if (t->list[i].row.id > max)
			max = t->list[i].row.id;
	enum rcx_result r = RCX_OK;
	for (int64_t id = 1; id <= max && r == RCX_OK; id++) {
		if (!find(s, id, vis))
			continue;
		for (size_t i = 0; i < t->n_ent && r == RCX_OK; i++)
			if (t->ent[i].list == id)
				r = cb(ctx, &t->ent[i]);
	}
	return r;
}

static enum rcx_result mh_entry_count(struct store *st, int64_t list, const struct store_visibility *vis,
				      uint64_t *ret_n)
{
	struct store_mem *s = mem(st);
	if (!ret_n || (vis && !vis->visible))
		return RCX_EINVAL;
	if (!find(s, list, vis))
		return RCX_ENOTFOUND;
	uint64_t n = 0;
	for (size_t i = 0; i < s->hl->n_ent; i++)
		n += s->hl->ent[i].list == list;
	*ret_n = n;
	return RCX_OK;
}

const struct store_hashlist_ops store_mem_hashlist_ops = {
	.list_put = mh_list_put,
	.list_get = mh_list_get,
	.list_query = mh_list_query,
	.list_label_set = mh_list_label_set,
	.entry_add = mh_entry_add,
	.entries = mh_entries,
	.entries_visible = mh_entries_visible,
	.entry_count = mh_entry_count,
};
