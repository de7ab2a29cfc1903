/* Bump allocator. Memory is freed all at once with rcx_arena_reset/free, never piece by piece.
 * Blocks grow from RCX_ARENA_BLOCK; a request larger than a block gets its own block.
 * Allocation failure aborts: an arena is used where a partial result is useless. */
#pragma once
#include <stddef.h>

struct rcx_arena_block;

struct rcx_arena {
	struct rcx_arena_block *head; /* current block, linked to older ones */
	size_t used;                  /* bytes used in head */
	size_t total;                 /* bytes held in all blocks */
};

#define RCX_ARENA_INIT {0}

/* Returns size bytes aligned to 16, owned by the arena. */
void *rcx_arena_alloc(struct rcx_arena *a, size_t size);
/* Zeroed allocation. */
void *rcx_arena_calloc(struct rcx_arena *a, size_t n, size_t size);
/* Copy of s[0..len) with a terminating NUL, owned by the arena. */
char *rcx_arena_strndup(struct rcx_arena *a, const char *s, size_t len);
char *rcx_arena_strdup(struct rcx_arena *a, const char *s);
/* Forgets all allocations but keeps the first block for reuse. */
void rcx_arena_reset(struct rcx_arena *a);
/* Releases everything. The arena may be reused afterwards. */
void rcx_arena_free(struct rcx_arena *a);
