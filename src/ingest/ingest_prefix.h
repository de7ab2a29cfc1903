/* Longest-prefix match over IPv4 and IPv6 networks, each carrying a 64-bit value.
 *
 * Two phases: add prefixes, then build once; after ingest_prefix_build the table is read-only and
 * may be queried from any number of threads. Used by enrichment (pfx2as) and routing (cidr rules),
 * and meant for the matcher's CIDR indicators. Algorithm and bounds are in ingest_prefix.c. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ip.h"
#include "core/result.h"

struct ingest_prefix;

/* A matched prefix: its value and length (the network is the address with bits past plen cleared). */
struct ingest_prefix_match {
	uint64_t value;
	uint8_t plen;
};

/* An empty table accepting at most max_entries prefixes (both families together). */
enum rcx_result ingest_prefix_new(size_t max_entries, struct ingest_prefix **ret_table);
/* Adds a prefix (host bits are ignored). The same prefix added twice keeps the value added last.
 * RCX_ELIMIT past max_entries, RCX_EINVAL after build. */
enum rcx_result ingest_prefix_add(struct ingest_prefix *t, const struct rcx_cidr *c, uint64_t value);
/* Freezes the table for lookups and releases the build-time storage. */
enum rcx_result ingest_prefix_build(struct ingest_prefix *t);
/* The longest prefix containing ip (same family only). False if none, or if the table is not built. */
bool ingest_prefix_lookup(const struct ingest_prefix *t, const struct rcx_ip *ip,
			  struct ingest_prefix_match *ret_match);
/* Number of distinct prefixes in a built table. */
size_t ingest_prefix_count(const struct ingest_prefix *t);
/* Bytes of memory the built table holds (for logs and benchmarks). */
size_t ingest_prefix_memory(const struct ingest_prefix *t);
void ingest_prefix_free(struct ingest_prefix *t);
