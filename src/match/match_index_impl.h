/* Internals of the indicator index shared by match_index.c (builder, file, validation), match_cidr.c
 * (address and network lookups) and match_hashset.c (string lookups). Not for other modules.
 *
 * File layout (native byte order, refused when the endianness marker differs; every section starts at
 * a multiple of 8 and the sections follow each other in enum order, without overlap):
 *
 *   header   struct midx_header: magic "RCXMIDX2", version, endianness, counts, section table
 *   GFIRST   u32 [ngroups]        first (smallest) id of each group, strictly increasing from 0
 *   DUPS     midx_dup [ndups]     every other id with its group, by id
 *   DUPG     midx_dup [ndups]     the same pairs by (group, id): the further ids of a group
 *   GROUPS   u64 [ngroups]        kind, text length and offset into STRINGS (NUL after the text)
 *   V4, V6   midx_node [nv4/nv6]  address/network intervals (match_cidr.c)
 *   SLOTS    midx_slot [nslots]   open-addressing hash of the string kinds' groups (match_hashset.c)
 *   BLOOM    u64 [nbloom]         blocked Bloom filter of the same (match_hashset.c)
 *   STRINGS  bytes                texts of the groups, each followed by NUL
 *
 * A group is one distinct normalised indicator; ids are numbered in order of addition, so the first
 * id of each group (the ids of distinct indicators) need 4 bytes, and only duplicates pay for a pair
 * in DUPS and in DUPG. With no duplicates, group g is id g. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "match/match_index.h"

#define MIDX_MAGIC   "RCXMIDX2"
#define MIDX_VERSION 2u
#define MIDX_ENDIAN  0x01020304u
#define MIDX_NONE    UINT32_MAX

enum midx_section {
	SEC_GFIRST, SEC_DUPS, SEC_DUPG, SEC_GROUPS, SEC_V4, SEC_V6, SEC_SLOTS, SEC_BLOOM, SEC_STRINGS, SEC_MAX
};

struct midx_header {
	char magic[8];
	uint32_t version;
	uint32_t endian;
	uint32_t count;     /* indicator ids */
	uint32_t ngroups;   /* distinct normalised indicators */
	uint32_t ndups;     /* count - ngroups */
	uint32_t nv4, nv6;  /* interval nodes per family */
	uint32_t nslots;    /* hash slots (0 when no string indicator) */
	uint32_t max_probe; /* longest probe sequence of any stored group, < nslots */
	uint32_t nbloom;    /* Bloom filter words: 0 or a power of two */
	uint64_t file_len;
	struct {
		uint64_t off, len;
	} sec[SEC_MAX];
};

/* A group while building (the file packs it into one u64: midx_group_pack). */
struct midx_group {
	uint64_t text_off;
	uint32_t text_len;
	uint32_t kind; /* enum match_kind */
};

/* GROUPS entry: kind in bits 0-3, text length in bits 4-16 (≤ MATCH_TEXT_MAX), offset from bit 17. */
static inline uint64_t midx_group_pack(uint64_t off, uint32_t len, uint32_t kind)
{
	return (off << 17) | ((uint64_t)len << 4) | kind;
}

struct midx_dup {
	uint32_t a, b; /* DUPS: id, group; DUPG: group, id */
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
	const uint32_t *gfirst;
	const struct midx_dup *dups, *dupg;
	const uint64_t *groups;
	const struct midx_node *nodes[2]; /* [0] IPv4, [1] IPv6 */
	uint32_t nnodes[2];
	const struct midx_slot *slots;
	const uint64_t *bloom;
	const char *strings;
	uint64_t strings_len;
};

static inline uint32_t midx_group_kind(const struct match_index *idx, uint32_t g)
{
	return (uint32_t)(idx->groups[g] & 15u);
}

static inline uint32_t midx_group_len(const struct match_index *idx, uint32_t g)
{
	return (uint32_t)((idx->groups[g] >> 4) & 0x1fffu);
}

static inline uint64_t midx_group_off(const struct match_index *idx, uint32_t g)
{
	return idx->groups[g] >> 17;
}

/* Asks for transparent huge pages over the whole 2 MiB pages inside p[0..n) (a large table probed
 * at random while building: with 4 KiB pages most probes also miss the TLB). Call before touching it. */
void midx_hugepage_hint(void *p, size_t n);

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
	return idx->strings + midx_group_off(idx, g);
}

/* Bloom filter word and bits of a hash: a word of 64 bits per key, three bits set in it. */
static inline uint64_t midx_bloom_bits(uint64_t h, uint32_t nbloom, uint32_t *ret_word)
{
	uint64_t x = h * 0x9e3779b97f4a7c15ull;
	*ret_word = (uint32_t)(x >> 40) & (nbloom - 1);
	return (1ull << (x & 63)) | (1ull << ((x >> 6) & 63)) | (1ull << ((x >> 12) & 63));
}

/* match_cidr.c: nodes of one family from the IP and CIDR groups (the texts are parsed again), sorted and
 * linked; *ret_nodes is malloc'd. */
enum rcx_result midx_cidr_build(const struct midx_group *groups, uint32_t ngroups, const char *strings,
				unsigned family, struct midx_node **ret_nodes, uint32_t *ret_n);
/* Whether the nodes of one family keep every invariant lookups rely on. */
bool midx_cidr_valid(const struct match_index *idx, unsigned fam);

/* match_hashset.c: the slots and the Bloom filter for the string kinds' groups, from each group's
 * midx_hash (ghash); *ret_slots and *ret_bloom are malloc'd (NULL when none). */
enum rcx_result midx_hash_build(const struct midx_group *groups, const uint64_t *ghash, uint32_t ngroups,
				struct midx_slot **ret_slots, uint32_t *ret_nslots, uint32_t *ret_max_probe,
				uint64_t **ret_bloom, uint32_t *ret_nbloom);
bool midx_hash_valid(const struct match_index *idx);
/* The group of kind with exactly this normalised text, or MIDX_NONE. */
uint32_t midx_hash_find(const struct match_index *idx, unsigned kind, const char *s, size_t n);
