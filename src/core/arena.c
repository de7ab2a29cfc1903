#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RCX_ARENA_BLOCK (64u * 1024u)
#define ALIGN 16u

struct rcx_arena_block {
	struct rcx_arena_block *prev;
	size_t size;
	_Alignas(16) unsigned char data[];
};

static struct rcx_arena_block *block_new(size_t size, struct rcx_arena_block *prev)
{
	struct rcx_arena_block *b = malloc(sizeof(*b) + size);
	if (!b) {
		fputs("rcx: out of memory\n", stderr);
		abort();
	}
	b->prev = prev;
	b->size = size;
	return b;
}

void *rcx_arena_alloc(struct rcx_arena *a, size_t size)
{
	size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (size == 0)
		size = ALIGN;
	if (!a->head || a->used + size > a->head->size) {
		if (size > RCX_ARENA_BLOCK / 4) {
			/* Large request: its own block, slotted behind head so head keeps filling. */
			struct rcx_arena_block *big = block_new(size, a->head ? a->head->prev : NULL);
			a->total += size;
			if (a->head)
				a->head->prev = big;
			else {
				a->head = big;
				a->used = size;
			}
			return big->data;
		}
		a->head = block_new(RCX_ARENA_BLOCK, a->head);
		a->total += RCX_ARENA_BLOCK;
		a->used = 0;
	}
	void *p = a->head->data + a->used;
	a->used += size;
	return p;
}

void *rcx_arena_calloc(struct rcx_arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		fputs("rcx: arena overflow\n", stderr);
		abort();
	}
	void *p = rcx_arena_alloc(a, n * size);
	memset(p, 0, n * size);
	return p;
}

char *rcx_arena_strndup(struct rcx_arena *a, const char *s, size_t len)
{
	char *p = rcx_arena_alloc(a, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *rcx_arena_strdup(struct rcx_arena *a, const char *s)
{
	return rcx_arena_strndup(a, s, strlen(s));
}

void rcx_arena_reset(struct rcx_arena *a)
{
	if (!a->head)
		return;
	/* Keep one standard-size block for reuse; free the rest. */
	struct rcx_arena_block *keep = NULL, *b = a->head;
	while (b) {
		struct rcx_arena_block *prev = b->prev;
		if (!keep && b->size == RCX_ARENA_BLOCK)
			keep = b;
		else
			free(b);
		b = prev;
	}
	a->head = keep;
	a->used = 0;
	a->total = keep ? keep->size : 0;
	if (keep)
		keep->prev = NULL;
}

void rcx_arena_free(struct rcx_arena *a)
{
	struct rcx_arena_block *b = a->head;
	while (b) {
		struct rcx_arena_block *prev = b->prev;
		free(b);
		b = prev;
	}
	a->head = NULL;
	a->used = 0;
	a->total = 0;
}
