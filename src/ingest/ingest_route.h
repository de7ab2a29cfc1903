/* Constituency routing: which organisation an event belongs to, by the [routing] rules of the config.
 *
 *   [routing]
 *   cidr 192.0.2.0/24 = Example Bank     ; IPv4 and IPv6, longest prefix wins
 *   asn 64512 = Telekom Srbija           ; "AS64512" accepted
 *   domain example.rs = Example Bank     ; example.rs and *.example.rs, not badexample.rs; longest wins
 *   cc RS = SRB-CERT                     ; source.geolocation.cc
 *
 * Precedence, most specific first: cidr > asn > domain > cc. The address, AS and country are the
 * source's, or the destination's when the event has no source.ip but a destination.ip; the domain is
 * the first of source.fqdn, the host of source.url, destination.fqdn that matches a rule.
 * Once loaded the rules are read-only: lookups may run from many threads. */
#pragma once

#include "core/config.h"
#include "core/event.h"
#include "core/result.h"

struct ingest_routes;

/* Reads the [routing] section (none → no rules, every lookup NULL). A rule of unknown kind, a bad value,
 * an empty organisation or the same rule twice with different organisations fails with RCX_ECONFIG and
 * *ret_error (may be NULL) a malloc'd message naming the config line. The caller owns the result. */
enum rcx_result ingest_route_load(struct rcx_config *cfg, struct ingest_routes **ret_routes, char **ret_error);
/* The organisation (constituency) an event belongs to, or NULL. The string lives as long as r. */
const char *ingest_route_event(const struct ingest_routes *r, const struct event *ev);
void ingest_route_free(struct ingest_routes *r);
