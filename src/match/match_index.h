/* The indicator index of `rcx match`: shared indicators (addresses, networks, domains, URLs, hashes,
 * e-mail addresses) compiled into one compact file that is memory-mapped and probed with observables
 * from local logs.
 *
 * Ids: each accepted indicator gets an id, the order of its successful addition (0, 1, ...). Indicators
 * equal after normalisation are stored once, as a group; a lookup reports every id of every matching
 * group (in increasing id order within a group), so a caller emits one sighting per indicator id.
 *
 * The file (one per build, written atomically) is validated completely when opened: a truncated or
 * corrupt file is refused with RCX_EPARSE, never read out of bounds. Layout: match_index_impl.h. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "core/ip.h"
#include "core/result.h"
#include "match/match_norm.h"

/* Most indicator ids in one index (keeps every count and offset table in 32 bits). */
#define MATCH_INDICATORS_MAX 200000000u

struct match_builder;
struct match_index;

/* Called once per matching indicator id; ctx is the lookup's. */
typedef void (*match_hit_fn)(void *ctx, uint32_t id);

/* A new, empty builder; free it with match_builder_free. */
enum rcx_result match_builder_new(struct match_builder **ret_b);
void match_builder_free(struct match_builder *b);
/* Adds one indicator: kind MATCH_KIND_MAX means detect it (match_kind_detect). On success *ret_id
 * (may be NULL) is its id. RCX_EPARSE when it is not of the kind (or of no kind), RCX_ELIMIT when too
 * long or past MATCH_INDICATORS_MAX; a refused indicator uses no id. */
enum rcx_result match_builder_add(struct match_builder *b, const char *text, size_t len, enum match_kind kind,
				  uint32_t *ret_id);
/* Indicators added so far. */
uint32_t match_builder_count(const struct match_builder *b);
/* Compiles the index and writes it to path atomically: path.tmp, fsync, rename, fsync of the directory.
 * RCX_EIO on a file error (the temporary file is removed). The builder stays usable. */
enum rcx_result match_builder_write(struct match_builder *b, const char *path);
/* The same compiled file as a malloc'd buffer (free() it): for tests and fuzz seeds. */
enum rcx_result match_builder_write_mem(struct match_builder *b, uint8_t **ret_data, size_t *ret_len);

/* Memory-maps and validates an index file. RCX_EIO when it cannot be read, RCX_EPARSE when it is not a
 * valid index. Close with match_index_close. */
enum rcx_result match_index_open(const char *path, struct match_index **ret_idx);
/* The same from memory: data is copied (into aligned memory), the caller keeps ownership of it. */
enum rcx_result match_index_open_mem(const void *data, size_t len, struct match_index **ret_idx);
void match_index_close(struct match_index *idx);

/* Indicator ids in the index (the builder's count). */
uint32_t match_index_count(const struct match_index *idx);
/* Kind and normalised text (NUL-terminated, owned by the index, valid until close) of indicator id.
 * RCX_ENOTFOUND when id ≥ count. */
enum rcx_result match_index_indicator(const struct match_index *idx, uint32_t id, enum match_kind *ret_kind,
				      const char **ret_text, size_t *ret_len);

/* Every IP indicator equal to ip and every CIDR indicator containing it (IPv4-mapped IPv6 is looked up
 * as IPv4). Work: one binary search plus at most 129 steps up the containment chain. */
enum rcx_result match_index_ip(const struct match_index *idx, const struct rcx_ip *ip, match_hit_fn cb, void *ctx);
/* name normalised as a domain, then each of its parent suffixes on label boundaries ("a.b.example" →
 * itself, "b.example", "example") that is a domain indicator. RCX_EPARSE when name is not a domain. */
enum rcx_result match_index_domain(const struct match_index *idx, const char *name, size_t len, match_hit_fn cb,
				   void *ctx);
/* text normalised as kind (URL, MD5, SHA1, SHA256, email; DOMAIN matches exactly, without parents), then
 * every indicator of that kind with the same text. RCX_EINVAL for IP/CIDR, RCX_EPARSE when text is not
 * of kind. */
enum rcx_result match_index_exact(const struct match_index *idx, enum match_kind kind, const char *text, size_t len,
				  match_hit_fn cb, void *ctx);
