/* Internals of the indicator index shared by match_index.c (builder, file, validation), match_cidr.c
 * (address and network lookups) and match_hashset.c (string lookups). Not for other modules.
 *
 * File layout (native byte order, refused when the endianness marker differs; every section starts at
 * a multiple of 8 and the sections follow each other in enum order, without overlap):
 *
 *   header   struct midx_header: magic "RCXMIDX1", version, endianness, counts, section table
 *   IDGROUP  u32 [count]          group of each indicator id
 *   GSTART   u32 [ngroups + 1]    ids of group g are GIDS[GSTART[g] .. GSTART[g+1])
 *   GIDS     u32 [count]          ids ordered by group, then by id
 *   GROUPS   midx_group [ngroups] kind and normalised text (offset into STRINGS, NUL after it)
 *   V4, V6   midx_node [nv4/nv6]  address/network intervals (match_cidr.c)
 *   SLOTS    midx_slot [nslots]   open-addressing hash of the string kinds' groups (match_hashset.c)
 *   STRINGS  bytes                texts of the groups, each followed by NUL
 *
 * A group is one distinct normalised indicator; the ids of its duplicates all point at it. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "match/match_index.h"

#define MIDX_MAGIC   "RCXMIDX1"
#define MIDX_VERSION 1u
#define MIDX_ENDIAN  0x01020304u
#define MIDX_NONE    UINT32_MAX

enum midx_section { SEC_IDGROUP, SEC_GSTART, SEC_GIDS, SEC_GROUPS, SEC_V4, SEC_V6, SEC_SLOTS, SEC_STRINGS, SEC_MAX };

struct midx_header {
	char magic[8];
	uint32_t version;
	uint32_t endian;
	uint32_t count;     /* indicator ids */
	uint32_t ngroups;   /* distinct normalised indicators */
	uint32_t nv4, nv6;  /* interval nodes per family */
	uint32_t nslots;    /* hash slots: 0 or a power of two */
	uint32_t max_probe; /* longest probe sequence of any stored group, < nslots */
	uint64_t file_len;
	struct {
		uint64_t off, len;
	} sec[SEC_MAX];
};

struct midx_group {
	uint64_t text_off;
	uint32_t text_len;
	uint32_t kind; /* enum match_kind */
};

/* One distinct interval: an address (prefix = family width) and/or a network with the same bits.
 * group[0] is the IP indicator with this address, group[1] the CIDR indicator; MIDX_NONE if absent. */
struct midx_node {
	uint8_t addr[16]; /* IPv4 in the first 4 bytes, the rest 0 */
	uint32_t parent;  /* index of the smallest strictly enclosing node, or MIDX_NONE */
	uint32_t group[2];
	uint8_t prefix;
	uint8_t pad[3];
};

struct midx_slot {
	uint32_t group; /* MIDX_NONE: empty */
	uint32_t tag;   /* high 32 bits of the hash */
};

struct match_index {
	uint8_t *base;
	size_t len;
	bool mapped; /* munmap, else free */
	const struct midx_header *h;
	const uint32_t *idgroup, *gstart, *gids;
	const struct midx_group *groups;
	const struct midx_node *nodes[2]; /* [0] IPv4, [1] IPv6 */
	uint32_t nnodes[2];
	const struct midx_slot *slots;
	const char *strings;
	uint64_t strings_len;
};

/* 64-bit hash of a kind and a normalised text; part of the file format (slot positions depend on it). */
static inline uint64_t midx_hash(unsigned kind, const char *s, size_t n)
{
	const uint64_t m1 = 0xff51afd7ed558ccdull, m2 = 0xc4ceb9fe1a85ec53ull;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)kind << 56) ^ (uint64_t)n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * m1;
		h ^= h >> 29;
	}
	uint64_t w = 0;
	memcpy(&w, s + i, n - i);
	h = (h ^ w) * m2;
	h ^= h >> 33;
	h *= m1;
	h ^= h >> 33;
	h *= m2;
	h ^= h >> 33;
	return h;
}

static inline bool midx_string_kind(unsigned kind)
{
	return kind != MATCH_IP && kind != MATCH_CIDR && kind < MATCH_KIND_MAX;
}

/* Calls cb for every id of group g. */
void midx_report_group(const struct match_index *idx, uint32_t g, match_hit_fn cb, void *ctx);
/* Text of group g (validated). */
static inline const char *midx_group_text(const struct match_index *idx, uint32_t g)
{
	return idx->strings + idx->groups[g].text_off;
}

/* match_cidr.c: nodes of one family from the IP and CIDR groups (the texts are parsed again), sorted and
 * linked; *ret_nodes is malloc'd. */
enum rcx_result midx_cidr_build(const struct midx_group *groups, uint32_t ngroups, const char *strings,
				unsigned family, struct midx_node **ret_nodes, uint32_t *ret_n);
/* Whether the nodes of one family keep every invariant lookups rely on. */
bool midx_cidr_valid(const struct match_index *idx, unsigned fam);

/* match_hashset.c: the slots for the string kinds' groups; *ret_slots is malloc'd (NULL when none). */
enum rcx_result midx_hash_build(const struct midx_group *groups, uint32_t ngroups, const char *strings,
				struct midx_slot **ret_slots, uint32_t *ret_nslots, uint32_t *ret_max_probe);
bool midx_hash_valid(const struct match_index *idx);
/* The group of kind with exactly this normalised text, or MIDX_NONE. */
uint32_t midx_hash_find(const struct match_index *idx, unsigned kind, const char *s, size_t n);
