/* Offline enrichment: fills what an event lacks from local data files, never from the network.
 *
 * For source.* and destination.* alike, in this order, each step only filling fields that are unset:
 *  1. url → fqdn, or → ip when the URL host is an IP literal;
 *  2. fqdn → domain_suffix: the registrable domain by the public suffix list (libpsl);
 *  3. ip → asn and network, by longest match in the pfx2as files;
 *  4. ip → asn, as_name, geolocation.cc, .country, .city, .region, .latitude, .longitude from the
 *     MMDB files (as_name only when the event's asn is the database's; the place fields only when the
 *     event's cc is the database's, so one event never mixes two opinions);
 *  5. asn → as_name from the asnames files.
 * Configuration ([enrich] section) and file formats: docs/enrichment.md. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/limits.h"
#include "core/event.h"
#include "core/result.h"

struct ingest_enrich;

/* Loads what the config names (all optional); nothing configured → an enricher that only does the pure
 * steps (URL → host, and the domain suffix by the system's public suffix list). On failure *ret_error
 * (may be NULL) gets a malloc'd message naming the file and line. The caller owns the result. */
enum rcx_result ingest_enrich_open(struct rcx_config *cfg, struct ingest_enrich **ret_enrich, char **ret_error);
/* Fills what is missing in ev, never overwrites what the feed said. Thread-safe for concurrent readers. */
void ingest_enrich_event(const struct ingest_enrich *e, struct event *ev);
void ingest_enrich_close(struct ingest_enrich *e);

/* The host of a canonical URL (as event_set stores it) without brackets, userinfo or port, as
 * host[0..*ret_len). False when the URL has no host. */
bool ingest_url_host(const char *url, const char **ret_host, size_t *ret_len);
