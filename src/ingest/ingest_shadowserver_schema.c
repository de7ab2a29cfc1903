/* The Shadowserver mapping file (intelmq.json), loaded into reports that ingest_shadowserver.c runs.
 *
 * Algorithm: the JSON document is read (at most RCX_SCHEMA_FILE_MAX bytes) and checked entry by entry;
 * every report becomes a struct ingest_ss_report in the schema's arena: mappings in file order
 * (required ones first), each target resolved once to an event field or an extra key, each conversion
 * name to its enum. Reports are sorted by file_name (the last of equal names wins, as a Python dict
 * keeps it) and found by binary search.
 *
 * Invariants: a loaded schema is never changed or freed; the cache (a list keyed by path, inode, size
 * and mtime) only grows, so a report stays valid while another thread loads a newer file. Bounds: one
 * schema per distinct file version seen by the process. */
#include "ingest/ingest_shadowserver.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/limits.h"
#include "ingest/ingest_reader.h"

static const char *const ss_conv_names[INGEST_SS_CONV_MAX] = {
#define INGEST_SS_CONV_NAME(e, name) [INGEST_SS_CONV_##e] = name,
	INGEST_SS_CONVERSIONS(INGEST_SS_CONV_NAME)
#undef INGEST_SS_CONV_NAME
};

struct ingest_ss_schema {
	struct ingest_ss_schema *next;
	char *path;
	struct timespec mtime;
	off_t size;
	ino_t ino;
	struct rcx_arena arena;
	struct ingest_ss_report *reports; /* sorted by file_name, unique */
	size_t n;
};

bool ingest_shadowserver_conversion_known(const char *name)
{
	for (int i = INGEST_SS_CONV_NONE + 1; i < INGEST_SS_CONV_UNKNOWN; i++)
		if (!strcmp(ss_conv_names[i], name))
			return true;
	return false;
}

static enum ingest_ss_conv conv_lookup(const char *name)
{
	for (int i = INGEST_SS_CONV_NONE + 1; i < INGEST_SS_CONV_UNKNOWN; i++)
		if (!strcmp(ss_conv_names[i], name))
			return (enum ingest_ss_conv)i;
	return INGEST_SS_CONV_UNKNOWN;
}

/* ---- the mapping file ---- */

static const char *jstr(struct rcx_arena *a, json_t *j)
{
	return rcx_arena_strndup(a, json_string_value(j), json_string_length(j));
}

static enum rcx_result mapping_load(struct rcx_arena *a, json_t *item, bool required, struct ingest_ss_mapping *m)
{
	if (!json_is_array(item) || json_array_size(item) < 2 || json_array_size(item) > 4)
		return RCX_ECONFIG;
	json_t *target = json_array_get(item, 0), *column = json_array_get(item, 1);
	json_t *conv = json_array_size(item) > 2 ? json_array_get(item, 2) : NULL;
	if (!json_is_string(column) || json_string_length(column) == 0)
		return RCX_ECONFIG;
	memset(m, 0, sizeof(*m));
	m->required = required;
	m->field = EF_MAX;
	m->column = jstr(a, column);
	if (json_is_string(target)) {
		const char *t = json_string_value(target);
		size_t tl = json_string_length(target);
		if (tl >= 6 && !memcmp(t, "extra.", 6)) {
			/* "extra." alone means extra.<column> */
			m->extra_key = tl == 6 ? m->column : rcx_arena_strndup(a, t + 6, tl - 6);
		} else {
			m->field = event_field_lookup(t, tl);
			if (m->field == EF_MAX) {
				m->extra_key = jstr(a, target);
				m->unknown_target = true;
			}
		}
		if (m->extra_key && (m->extra_klen = strlen(m->extra_key)) + 6 > RCX_FIELD_NAME_MAX)
			return RCX_ECONFIG;
	} else if (json_is_false(target) || json_is_null(target)) {
		m->ignore = true;
	} else {
		return RCX_ECONFIG;
	}
	m->conv = INGEST_SS_CONV_NONE;
	m->conv_name = "none";
	if (conv && !json_is_null(conv)) {
		if (!json_is_string(conv))
			return RCX_ECONFIG;
		m->conv_name = jstr(a, conv);
		m->conv = conv_lookup(m->conv_name);
	}
	return RCX_OK;
}

static enum rcx_result constant_load(struct rcx_arena *a, const char *key, json_t *v, struct ingest_ss_constant *c)
{
	char buf[64];
	size_t kl = strlen(key);
	c->field = EF_MAX;
	c->key = NULL;
	if (kl > 6 && !memcmp(key, "extra.", 6)) {
		c->key = rcx_arena_strdup(a, key + 6);
	} else {
		c->field = event_field_lookup(key, kl);
		if (c->field == EF_MAX)
			c->key = rcx_arena_strdup(a, key);
	}
	if (c->key && (c->klen = strlen(c->key)) + 6 > RCX_FIELD_NAME_MAX)
		return RCX_ECONFIG;
	if (json_is_string(v)) {
		c->value = jstr(a, v);
	} else if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		c->value = rcx_arena_strdup(a, buf);
	} else if (json_is_real(v)) {
		snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		c->value = rcx_arena_strdup(a, buf);
	} else if (json_is_boolean(v)) {
		c->value = json_is_true(v) ? "true" : "false";
	} else {
		return RCX_ECONFIG;
	}
	return RCX_OK;
}

static enum rcx_result report_load(struct rcx_arena *a, json_t *obj, struct ingest_ss_report *rep)
{
	json_t *fn = json_object_get(obj, "file_name"), *name = json_object_get(obj, "feed_name");
	json_t *url = json_object_get(obj, "url"), *cst = json_object_get(obj, "constant_fields");
	json_t *lists[2] = {json_object_get(obj, "required_fields"), json_object_get(obj, "optional_fields")};
	if (!json_is_string(fn) || !json_is_string(name) || (url && !json_is_string(url) && !json_is_null(url)) ||
	    (cst && !json_is_object(cst)))
		return RCX_ECONFIG;
	size_t n = 0;
	for (int l = 0; l < 2; l++) {
		if (lists[l] && !json_is_array(lists[l]))
			return RCX_ECONFIG;
		n += lists[l] ? json_array_size(lists[l]) : 0;
	}
	rep->file_name = jstr(a, fn);
	rep->feed_name = jstr(a, name);
	rep->url = json_is_string(url) && json_string_length(url) ? jstr(a, url) : NULL;
	rep->maps = rcx_arena_calloc(a, n + 1, sizeof(*rep->maps));
	rep->n_maps = 0;
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; lists[l] && i < json_array_size(lists[l]); i++) {
			json_t *item = json_array_get(lists[l], i);
			enum rcx_result r = mapping_load(a, item, l == 0, &rep->maps[rep->n_maps]);
			if (r != RCX_OK)
				return r;
			rep->n_maps++;
		}
	}
	rep->consts = rcx_arena_calloc(a, (cst ? json_object_size(cst) : 0) + 1, sizeof(*rep->consts));
	rep->n_consts = 0;
	const char *k;
	json_t *v;
	if (cst) {
		json_object_foreach(cst, k, v)
		{
			enum rcx_result r = constant_load(a, k, v, &rep->consts[rep->n_consts]);
			if (r != RCX_OK)
				return r;
			rep->n_consts++;
		}
	}
	return RCX_OK;
}

static int report_cmp(const void *x, const void *y)
{
	const struct ingest_ss_report *a = x, *b = y;
	int c = strcmp(a->file_name, b->file_name);
	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

static void schema_free(struct ingest_ss_schema *s)
{
	if (!s)
		return;
	rcx_arena_free(&s->arena);
	free(s->path);
	free(s);
}

static enum rcx_result schema_load(const char *path, const struct stat *st, struct ingest_ss_schema **ret_schema)
{
	struct ingest_reader in;
	char *buf = NULL;
	size_t len = 0;
	json_t *root = NULL;
	struct ingest_ss_schema *s = NULL;
	enum rcx_result r = ingest_reader_open(&in, path);
	if (r != RCX_OK)
		return r == RCX_ENOTFOUND ? RCX_ECONFIG : r;
	r = ingest_reader_slurp(&in, RCX_SCHEMA_FILE_MAX, &buf, &len);
	ingest_reader_close(&in);
	if (r != RCX_OK)
		goto out;
	json_error_t err;
	root = json_loadb(buf, len, 0, &err);
	if (!root || !json_is_object(root)) {
		r = RCX_ECONFIG;
		goto out;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		r = RCX_ENOMEM;
		goto out;
	}
	s->mtime = st->st_mtim;
	s->size = st->st_size;
	s->ino = st->st_ino;
	s->reports = rcx_arena_calloc(&s->arena, json_object_size(root) + 1, sizeof(*s->reports));
	const char *key;
	json_t *val;
	json_object_foreach(root, key, val)
	{
		if (key[0] == '_') /* "_meta": the file's change log */
			continue;
		if (!json_is_object(val)) {
			r = RCX_ECONFIG;
			goto out;
		}
		r = report_load(&s->arena, val, &s->reports[s->n]);
		if (r != RCX_OK)
			goto out;
		s->reports[s->n].order = s->n;
		s->n++;
	}
	qsort(s->reports, s->n, sizeof(*s->reports), report_cmp);
	size_t w = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (i + 1 < s->n && !strcmp(s->reports[i].file_name, s->reports[i + 1].file_name))
			continue;
		s->reports[w++] = s->reports[i];
	}
	s->n = w;
	*ret_schema = s;
	s = NULL;
	r = RCX_OK;
out:
	schema_free(s);
	json_decref(root);
	free(buf);
	return r;
}

static pthread_mutex_t ss_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ingest_ss_schema *ss_cache;

enum rcx_result ingest_ss_schema_get(const char *path, const struct ingest_ss_schema **ret_schema)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return RCX_ECONFIG;
	enum rcx_result r = RCX_OK;
	pthread_mutex_lock(&ss_cache_lock);
	struct ingest_ss_schema *s = ss_cache;
	for (; s; s = s->next)
		if (!strcmp(s->path, path) && s->size == st.st_size && s->ino == st.st_ino &&
		    s->mtime.tv_sec == st.st_mtim.tv_sec && s->mtime.tv_nsec == st.st_mtim.tv_nsec)
			break;
	if (!s) {
		r = schema_load(path, &st, &s);
		if (r == RCX_OK) {
			s->next = ss_cache;
			ss_cache = s;
		}
	}
	pthread_mutex_unlock(&ss_cache_lock);
	if (r == RCX_OK)
		*ret_schema = s;
	return r;
}

const struct ingest_ss_report *ingest_ss_report_find(const struct ingest_ss_schema *s, const char *type, size_t len)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *n = s->reports[mid].file_name;
		int c = strncmp(n, type, len);
		if (c == 0)
			c = n[len] ? 1 : 0;
		if (c == 0)
			return &s->reports[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
