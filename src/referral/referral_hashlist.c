/* Hash lists in the store: categories, provenance, import from and export to list files, and
 * loading what a viewer may see for matching (see referral_hashlist.h).
 *
 * Organisation names and ids are translated through one sorted table of every organisation,
 * read once per call (org_list): organisations are few, entries many. */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/text.h"
#include "core/time.h"
#include "referral/referral_hashlist.h"

static const char *const categories[] = {"propaganda", "recruitment", "attack-footage", "instructional", "other"};

bool referral_hashlist_category_valid(const char *s)
{
	for (size_t i = 0; s && i < sizeof(categories) / sizeof(categories[0]); i++)
		if (!strcmp(s, categories[i]))
			return true;
	return false;
}

bool referral_hashlist_text_valid(const char *s, size_t max)
{
	size_t len = s ? strlen(s) : 0;
	if (len == 0 || len > max || !rcx_utf8_valid(s, len))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

void referral_hashlist_hash_to_bytes(const struct referral_hash *h, uint8_t out[STORE_HASHLIST_HASH_BYTES])
{
	/* the hex form is the 256-bit number big-endian; limb 3 holds its first 16 digits */
	for (int i = 0; i < STORE_HASHLIST_HASH_BYTES; i++)
		out[i] = (uint8_t)(h->w[3 - i / 8] >> (56 - 8 * (i % 8)));
}

void referral_hashlist_hash_from_bytes(const uint8_t in[STORE_HASHLIST_HASH_BYTES], struct referral_hash *ret_h)
{
	struct referral_hash h = {{0}};
	for (int i = 0; i < STORE_HASHLIST_HASH_BYTES; i++)
		h.w[3 - i / 8] |= (uint64_t)in[i] << (56 - 8 * (i % 8));
	*ret_h = h;
}

/* ---- organisations by id and by name ---- */

struct org_name {
	int64_t id;
	const char *name;
};

struct orgs {
	struct org_name *v;
	size_t n, cap;
	struct rcx_arena arena;
};

static enum rcx_result orgs_add(void *ctx, const struct store_org *o)
{
	struct orgs *t = ctx;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct org_name *v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return RCX_ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = (struct org_name){o->id, rcx_arena_strdup(&t->arena, o->name)};
	return RCX_OK;
}

static int org_cmp(const void *a, const void *b)
{
	const struct org_name *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static void orgs_free(struct orgs *t) /* again is fine */
{
	free(t->v);
	rcx_arena_free(&t->arena);
	memset(t, 0, sizeof(*t));
}

static enum rcx_result orgs_load(struct store *s, struct orgs *t)
{
	memset(t, 0, sizeof(*t));
	enum rcx_result r = store_org_list(s, orgs_add, t);
	if (r == RCX_OK && t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), org_cmp);
	if (r != RCX_OK)
		orgs_free(t);
	return r;
}

static const char *orgs_name(const struct orgs *t, int64_t id)
{
	struct org_name key = {id, NULL};
	const struct org_name *o = t->n ? bsearch(&key, t->v, t->n, sizeof(*t->v), org_cmp) : NULL;
	return o ? o->name : NULL;
}

static int64_t orgs_id(const struct orgs *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name))
			return t->v[i].id;
	return 0;
}

/* ---- finding a list by name ---- */

struct find {
	struct store_hashlist first;
	size_t n;
};

static enum rcx_result find_one(void *ctx, const struct store_hashlist *l)
{
	struct find *f = ctx;
	if (f->n++ == 0)
		f->first = *l;
	return f->n > 1 ? RCX_EEXIST : RCX_OK;
}

enum rcx_result referral_hashlist_find(struct store *s, const char *name, int64_t owner_org,
				       const struct store_visibility *vis, struct store_hashlist *ret_list)
{
	struct find f = {.n = 0};
	struct store_hashlist_filter flt = {.owner_org = owner_org, .name = name, .vis = vis, .limit = 2};
	if (!name || !ret_list)
		return RCX_EINVAL;
	enum rcx_result r = store_hashlist_query(s, &flt, find_one, &f);
	if (r != RCX_OK)
		return r;
	if (f.n == 0)
		return RCX_ENOTFOUND;
	/* the row of a listing lives during the call only: read it again */
	return store_hashlist_get(s, f.first.id, vis, ret_list);
}

/* ---- import ---- */

/* Bad lines of the rules, merged with the reader's by line number into io. */
struct bad {
	struct referral_list_error v[RCX_REFERRAL_LIST_ERRORS_MAX];
	size_t n;
	uint64_t total;
};

static void bad_add(struct bad *b, uint64_t line, const char *reason)
{
	if (b->n < RCX_REFERRAL_LIST_ERRORS_MAX)
		b->v[b->n++] = (struct referral_list_error){line, reason};
	b->total++;
}

static void bad_merge(const struct referral_list *file, const struct bad *b, struct referral_hashlist_import *io)
{
	size_t i = 0, j = 0;
	io->n_kept = 0;
	while (io->n_kept < RCX_REFERRAL_LIST_ERRORS_MAX && (i < file->n_kept || j < b->n)) {
		bool take_file = j == b->n || (i < file->n_kept && file->errors[i].line <= b->v[j].line);
		io->errors[io->n_kept++] = take_file ? file->errors[i++] : b->v[j++];
	}
	io->n_errors = file->n_errors + b->total;
}

/* An "added" field: an ISO-8601 time, or a date (midnight UTC). */
static enum rcx_result added_parse(const char *s, int64_t *ret_us)
{
	size_t len = strlen(s);
	if (rcx_time_parse(s, len, ret_us) == RCX_OK)
		return RCX_OK;
	if (len != 10)
		return RCX_EPARSE;
	char buf[32];
	memcpy(buf, s, 10);
	memcpy(buf + 10, "T00:00:00Z", 11);
	return rcx_time_parse(buf, 20, ret_us);
}

/* What the checks found for one line: the contributing organisation and the time added. */
struct provenance {
	int64_t by, added_us;
};

/* Converts lines [from, from + n) of file into store entries in e. */
static void entries_fill(const struct store_hashlist *list, const struct referral_list *file,
			 const struct referral_hashlist_import *io, const struct provenance *p, size_t from, size_t n,
			 struct store_hashlist_entry *e)
{
	for (size_t i = 0; i < n; i++) {
		const struct referral_list_entry *in = &file->entries[from + i];
		struct store_hashlist_entry *out = &e[i];
		memset(out, 0, sizeof(*out));
		out->list = list->id;
		referral_hashlist_hash_to_bytes(&file->hashes[from + i], out->hash);
		out->quality = in->quality;
		out->category = in->category ? in->category : io->category;
		out->reference = in->reference ? in->reference : io->reference;
		out->contributed_by = p[from + i].by;
		out->added_us = p[from + i].added_us;
	}
}

/* Adds the checked lines in batches of RCX_HASHLIST_IMPORT_BATCH, all in one transaction. */
static enum rcx_result import_store(struct store *s, const struct store_hashlist *list,
				    const struct referral_list *file, struct referral_hashlist_import *io,
				    const struct provenance *p)
{
	size_t batch = file->n < RCX_HASHLIST_IMPORT_BATCH ? file->n : RCX_HASHLIST_IMPORT_BATCH;
	struct store_hashlist_entry *e = malloc((batch ? batch : 1) * sizeof(*e));
	if (!e)
		return RCX_ENOMEM;
	size_t added = 0;
	enum rcx_result r = store_begin(s);
	for (size_t from = 0; r == RCX_OK && from < file->n; from += batch) {
		size_t n = file->n - from < batch ? file->n - from : batch, k = 0;
		entries_fill(list, file, io, p, from, n, e);
		r = store_hashlist_entry_add(s, e, n, &k);
		added += k;
	}
	if (r == RCX_OK)
		r = store_commit(s);
	else
		(void)store_rollback(s);
	if (r == RCX_OK)
		io->added = added;
	free(e);
	return r;
}

enum rcx_result referral_hashlist_import(struct store *s, const struct store_hashlist *list,
					 const struct referral_list *file, struct referral_hashlist_import *io)
{
	struct orgs orgs;
	struct bad *bad = calloc(1, sizeof(*bad));
	struct provenance *p = malloc((file->n ? file->n : 1) * sizeof(*p));
	enum rcx_result r = bad && p ? orgs_load(s, &orgs) : RCX_ENOMEM;
	if (r != RCX_OK) {
		free(bad);
		free(p);
		return r;
	}
	io->read = file->n;
	io->added = 0;
	int64_t now = rcx_time_now(); /* one time for the whole import */
	for (size_t i = 0; i < file->n; i++) {
		const struct referral_list_entry *in = &file->entries[i];
		const char *category = in->category ? in->category : io->category;
		p[i] = (struct provenance){list->label.owner_org, now};
		if (!category) {
			bad_add(bad, in->line, "no category (give one with --category)");
			continue;
		}
		if (!referral_hashlist_category_valid(category)) {
			bad_add(bad, in->line, "unknown category (one of " REFERRAL_HASHLIST_CATEGORIES ")");
			continue;
		}
		if (in->contributed_by && !(p[i].by = orgs_id(&orgs, in->contributed_by))) {
			bad_add(bad, in->line, "contributed_by: no organisation of that name on this node");
			continue;
		}
		if (in->added && added_parse(in->added, &p[i].added_us) != RCX_OK)
			bad_add(bad, in->line, "added: not an ISO-8601 date or time");
	}
	bad_merge(file, bad, io);
	r = io->n_errors ? RCX_EPARSE : import_store(s, list, file, io, p);
	orgs_free(&orgs);
	free(bad);
	free(p);
	return r;
}

/* ---- export and matching: store entries as referral_list entries ---- */

static enum rcx_result file_push(struct referral_list *f, const struct orgs *orgs, const struct store_hashlist_entry *e)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;
		struct referral_hash *h = realloc(f->hashes, cap * sizeof(*h));
		if (h)
			f->hashes = h;
		struct referral_list_entry *v = h ? realloc(f->entries, cap * sizeof(*v)) : NULL;
		if (!v)
			return RCX_ENOMEM;
		f->entries = v;
		f->cap = cap;
	}
	char t[RCX_TIME_BUF];
	struct referral_list_entry *o = &f->entries[f->n];
	referral_hashlist_hash_from_bytes(e->hash, &f->hashes[f->n]);
	memset(o, 0, sizeof(*o));
	o->line = f->n + 1;
	o->quality = e->quality;
	o->category = e->category ? rcx_arena_strdup(&f->arena, e->category) : NULL;
	o->reference = e->reference ? rcx_arena_strdup(&f->arena, e->reference) : NULL;
	const char *by = orgs_name(orgs, e->contributed_by);
	o->contributed_by = by ? rcx_arena_strdup(&f->arena, by) : NULL;
	size_t tn = rcx_time_format(e->added_us, t);
	o->added = rcx_arena_strndup(&f->arena, t, tn);
	f->n++;
	return RCX_OK;
}

struct export {
	struct referral_list *f;
	const struct orgs *orgs;
};

static enum rcx_result export_row(void *ctx, const struct store_hashlist_entry *e)
{
	struct export *x = ctx;
	return file_push(x->f, x->orgs, e);
}

enum rcx_result referral_hashlist_export(struct store *s, int64_t list, const struct store_visibility *vis,
					 struct referral_list **ret_file)
{
	struct orgs orgs;
	struct referral_list *f = calloc(1, sizeof(*f));
	if (!f)
		return RCX_ENOMEM;
	f->format = REFERRAL_LIST_CSV;
	enum rcx_result r = orgs_load(s, &orgs);
	struct export x = {f, &orgs};
	if (r == RCX_OK)
		r = store_hashlist_entries(s, list, vis, export_row, &x);
	orgs_free(&orgs);
	if (r != RCX_OK) {
		referral_list_free(f);
		return r;
	}
	*ret_file = f;
	return RCX_OK;
}

static enum rcx_result set_list(void *ctx, const struct store_hashlist *l)
{
	struct referral_hashlist_set *set = ctx;
	size_t n = set->n + 1;
	int64_t *ids = realloc(set->ids, n * sizeof(*ids));
	if (ids)
		set->ids = ids;
	char **names = ids ? realloc(set->names, n * sizeof(*names)) : NULL;
	if (names)
		set->names = names;
	struct referral_list **files = names ? realloc(set->files, n * sizeof(*files)) : NULL;
	if (!files)
		return RCX_ENOMEM;
	set->files = files;
	set->ids[set->n] = l->id;
	set->names[set->n] = strdup(l->name);
	set->files[set->n] = calloc(1, sizeof(**files));
	set->n++; /* counted at once: set_free frees whatever of the row exists */
	if (!set->names[set->n - 1] || !set->files[set->n - 1])
		return RCX_ENOMEM;
	set->files[set->n - 1]->format = REFERRAL_LIST_CSV;
	return RCX_OK;
}

struct load {
	struct referral_hashlist_set *set;
	const struct orgs *orgs;
	size_t max;
};

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static enum rcx_result set_entry(void *ctx, const struct store_hashlist_entry *e)
{
	struct load *ld = ctx;
	struct referral_hashlist_set *set = ld->set;
	const int64_t *at = set->n ? bsearch(&e->list, set->ids, set->n, sizeof(*set->ids), id_cmp) : NULL;
	if (!at) /* a list that became visible after the list query: matched next time */
		return RCX_OK;
	if (set->entries >= ld->max)
		return RCX_ELIMIT;
	enum rcx_result r = file_push(set->files[at - set->ids], ld->orgs, e);
	if (r == RCX_OK)
		set->entries++;
	return r;
}

enum rcx_result referral_hashlist_load_visible(struct store *s, const struct store_visibility *vis,
					       size_t max_entries, struct referral_hashlist_set *ret_set)
{
	struct orgs orgs;
	memset(ret_set, 0, sizeof(*ret_set));
	struct store_hashlist_filter flt = {.vis = vis};
	enum rcx_result r = store_hashlist_query(s, &flt, set_list, ret_set);
	if (r != RCX_OK)
		return r;
	r = orgs_load(s, &orgs);
	struct load ld = {ret_set, &orgs, max_entries};
	if (r == RCX_OK)
		r = store_hashlist_entries_visible(s, vis, set_entry, &ld);
	orgs_free(&orgs);
	return r;
}

void referral_hashlist_set_free(struct referral_hashlist_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->names[i]);
		referral_list_free(set->files[i]);
	}
	free(set->ids);
	free(set->names);
	free(set->files);
	memset(set, 0, sizeof(*set));
}
