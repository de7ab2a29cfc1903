/* The fixture both store conformance suites share (test_store.c, test_store_trust.c): each test
 * runs once per implementation in `backends`, on a fresh store in a temporary directory, with an
 * arena for the events it makes. Include after <cmocka.h>. */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/event.h"
#include "store/store.h"

struct backend {
	const char *name;
	bool sqlite;
};

static const struct backend backends[] = {
	{"mem", false},
	{"sqlite", true},
};

struct fixture {
	const struct backend *be;
	char dir[64];
	char path[128];
	struct store *s;
	struct rcx_arena arena;
};

static inline void temp_dir(struct fixture *f)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof(f->dir), "%s/rcx-store-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/rcx.db", f->dir);
}

static inline void temp_clean(struct fixture *f)
{
	char p[160];
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/other", f->dir);
	unlink(p);
	rmdir(f->dir);
}

/* cmocka setup: *state is the backend; becomes the fixture. */
static inline int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->be = *state;
	temp_dir(f);
	const char *loc = f->be->sqlite ? f->path : "mem:";
	assert_int_equal(store_open(loc, false, &f->s), RCX_OK);
	assert_string_equal(store_ops_of(f->s)->name, f->be->name);
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->s);
	rcx_arena_free(&f->arena);
	temp_clean(f);
	free(f);
	return 0;
}

/* An event from name/value pairs, ended by NULL; time.observation defaults to 2024-06-01. */
static inline struct event *mkev(struct fixture *f, ...)
{
	struct event *ev = rcx_arena_alloc(&f->arena, sizeof(*ev));
	event_init(ev, &f->arena);
	assert_int_equal(event_set(ev, EF_TIME_OBSERVATION, "2024-06-01T00:00:00Z", 20), RCX_OK);
	va_list ap;
	va_start(ap, f);
	const char *k;
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		assert_int_equal(event_set_name(ev, k, strlen(k), v, strlen(v)), RCX_OK);
	}
	va_end(ap);
	return ev;
}

/* A cmocka test run on backend be (0 mem, 1 sqlite). */
#define ON(be, t) {#be "/" #t, t, setup, teardown, (void *)&backends[be]}
