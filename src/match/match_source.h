/* Indicator sources of `rcx match`: where the indicators an index is built from come from.
 *   list  one indicator per line, '#' comments, the kind detected per line (or given)
 *   stix  STIX 2.1: a bundle (or an array, or one object) whose indicator objects carry patterns;
 *         patterns that are ORs of equality comparisons on ipv4-addr/ipv6-addr/domain-name/url/
 *         email-addr values, file hashes (MD5, SHA-1, SHA-256) and network-traffic src/dst
 *         addresses become indicators; any other pattern is counted as unsupported, never cut down;
 *         revoked indicators and those past valid_until are skipped and counted
 *   misp  MISP events ({"Event":…}, {"response":[…]}, arrays of them) or a MISP feed directory
 *         (manifest.json + <uuid>.json): attributes of the event and of its objects whose type the
 *         matcher knows (ip-src/ip-dst and their |port forms, domain, hostname, domain|ip, url, md5,
 *         sha1, sha256, filename|<hash>, email-src/email-dst/email); only to_ids ones unless asked
 *   csv   a header line, then rows; the indicator's and (optional) kind's columns named by options
 *         or found by their usual names; records may span lines inside quotes
 * Library code: nothing is printed; what was skipped is counted in struct match_source_stats. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"
#include "core/strbuf.h"
#include "match/match_norm.h"

enum match_source_format { MATCH_SOURCE_LIST, MATCH_SOURCE_STIX, MATCH_SOURCE_MISP, MATCH_SOURCE_CSV, MATCH_SOURCE_FORMAT_MAX };

struct match_source_options {
	enum match_kind list_kind;   /* list: the kind of every line; MATCH_KIND_MAX = detected per line */
	bool misp_all;               /* misp: attributes without to_ids too */
	const char *csv_indicator;   /* csv: column of the indicator; NULL = indicator, ioc, value, observable */
	const char *csv_kind;        /* csv: column of the kind; NULL = kind, type, ioc_type when present */
	int64_t now_us;              /* stix: valid_until is compared with it; 0 = the current time */
};

struct match_source_stats {
	uint64_t indicators;  /* handed over and accepted */
	uint64_t refused;     /* of a kind the matcher knows, but not valid as that kind */
	uint64_t unsupported; /* STIX patterns, MISP types or CSV kinds the matcher cannot express */
	uint64_t revoked;     /* STIX revoked, MISP deleted */
	uint64_t expired;     /* STIX valid_until in the past */
	uint64_t not_ids;     /* MISP attributes without to_ids */
	uint64_t bad;         /* records, objects or patterns that are not well-formed */
};

/* Receives one indicator (text as the source has it, not normalised). RCX_EPARSE or RCX_ELIMIT:
 * refused and counted; any other failure stops the reading and is returned. */
typedef enum rcx_result (*match_source_fn)(void *ctx, enum match_kind kind, const char *text, size_t len);

/* "list", "stix", "misp", "csv"; NULL for an invalid value. */
const char *match_source_format_name(enum match_source_format f);
/* By name; MATCH_SOURCE_FORMAT_MAX when unknown. */
enum match_source_format match_source_format_from_name(const char *s);
/* Guesses the format of data (the first bytes of a file): JSON with a STIX type/pattern → stix, with
 * Event or Attribute → misp; a first line with a known indicator column name → csv; else list. */
enum match_source_format match_source_detect(const char *data, size_t len);
/* Reads path ("-" = standard input; for misp also a feed directory). f = MATCH_SOURCE_FORMAT_MAX
 * detects the format. Stats are added to *st. RCX_EIO when a file cannot be read, RCX_ELIMIT past
 * RCX_JSON_FEED_MAX for a JSON document, RCX_EPARSE when a JSON document does not parse. */
enum rcx_result match_source_read(const char *path, enum match_source_format f, const struct match_source_options *opt,
				  match_source_fn fn, void *ctx, struct match_source_stats *st);
/* The same from memory (misp: one document, no directory). */
enum rcx_result match_source_parse(const char *data, size_t len, enum match_source_format f,
				   const struct match_source_options *opt, match_source_fn fn, void *ctx,
				   struct match_source_stats *st);

/* STIX 2.1 pattern: when it is expressible (see above), fn is called per comparison and RCX_OK
 * returned; RCX_EUNSUPPORTED when it is valid-looking but not expressible (AND, FOLLOWEDBY, other
 * operators, qualifiers, other paths), RCX_EPARSE when it is not a pattern. fn is called only for a
 * pattern that is accepted whole; its refusals (RCX_EPARSE/RCX_ELIMIT) are added to *refused (may be
 * NULL), its other failures returned. */
enum rcx_result match_stix_pattern_parse(const char *s, size_t len, match_source_fn fn, void *ctx,
					 uint64_t *refused);
/* Appends one comparison "[type:path = 'text']" for an indicator of kind (escaping text). */
void match_stix_pattern_print(struct rcx_strbuf *b, enum match_kind kind, const char *text, size_t len);

/* Per format (match_source_stix.c, match_source_misp.c), over one whole document. */
enum rcx_result match_source_stix_parse(const char *data, size_t len, const struct match_source_options *opt,
					match_source_fn fn, void *ctx, struct match_source_stats *st);
enum rcx_result match_source_misp_parse(const char *data, size_t len, const struct match_source_options *opt,
					match_source_fn fn, void *ctx, struct match_source_stats *st);
/* MISP kind of an attribute type and where the indicator is in a composite value: 0 the whole
 * value, 1 the part before '|', 2 the part after it. MATCH_KIND_MAX when unsupported; for ip-* the
 * kind is MATCH_IP and the caller tells a network by its '/'. */
enum match_kind match_source_misp_kind(const char *type, size_t len, int *ret_part);
