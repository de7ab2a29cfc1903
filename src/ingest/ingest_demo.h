/* Demo data: realistic, clearly synthetic feeds for the seven Western Balkans countries (AL, BA, HR,
 * XK, ME, MK, RS), for `make run` and for benchmarks.
 *
 * Everything is derived from the seed with our own PRNG, so a seed (with rows and date) gives the
 * same bytes on every machine. Addresses come only from ranges that can never be real hosts:
 * RFC 5737 documentation networks, the RFC 2544 benchmarking network 198.18.0.0/15 and RFC 3849's
 * 2001:db8::/32, split into per-country "prefixes" of private-use ASNs. Host names are under
 * *.example and example.<ccTLD>.
 *
 * Files written into out_dir (YYYY-MM-DD is the report date):
 *   YYYY-MM-DD-<type>-rcx-demo-geo.csv   Shadowserver reports (scan_smb is the big one: `rows` rows, IPv4
 *                                        up to 50 000 rows; past that more and more fresh IPv6 hosts, as
 *                                        the IPv4 plan holds only ~130 000 addresses)
 *   shadowserver-schema.json             the mapping of those reports, in Shadowserver's intelmq.json shape
 *   feodotracker-ipblocklist.json/.csv   abuse.ch Feodo Tracker formats (the same C2 list in both)
 *   urlhaus.csv                          abuse.ch URLhaus CSV
 *   blocklist-ips.txt, spamhaus-drop.txt plain IP/CIDR list and a DROP-format list
 *   enrich/pfx2as.txt, enrich/asnames.txt  CAIDA prefix-to-AS and "ASN HANDLE description, CC" lines
 *   rcx-demo.conf                        configuration pointing at the above, with routing rules
 * The other files are sized from `rows` (e.g. scan_http rows/2) within fixed bounds. Rows are streamed:
 * memory use does not depend on `rows`. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "core/result.h"

/* Rows of the big scan report when the caller passes 0. */
#define INGEST_DEMO_ROWS_DEFAULT 20000u
/* Largest `rows` accepted (RCX_ELIMIT beyond); to move to core/limits.h. */
#define INGEST_DEMO_ROWS_MAX UINT64_C(100000000000)

struct ingest_demo_options {
	const char *out_dir; /* created if missing (parents too) */
	uint64_t rows;       /* rows of the big scan report; 0 = INGEST_DEMO_ROWS_DEFAULT */
	uint64_t seed;
	int64_t day_us;      /* report date (any time within the UTC day); 0 = today */
	bool only_scan;      /* of the feeds, write just the big scan report (and its schema, enrich, config) */
};

/* Writes the demo files into o->out_dir. Each file appears complete or not at all (written under a
 * temporary name, then renamed); on failure the files of this run are removed again and *ret_error
 * (if ret_error is not NULL) gets a malloc'd message naming the file, which the caller frees. */
enum rcx_result ingest_demo_generate(const struct ingest_demo_options *o, char **ret_error);

/* Shadowserver report type of the big scan report ("scan_smb"). */
const char *ingest_demo_scan_type(void);
