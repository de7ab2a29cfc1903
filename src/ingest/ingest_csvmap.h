/* The generic CSV format (csv): any delimited text feed, read through a column-map file that says
 * which column holds which IntelMQ field. The map file format is documented in
 * docs/ingest-csv-map.md. */
#pragma once

#include "core/result.h"
#include "ingest/ingest_parse.h"

struct ingest_csvmap;

/* Loads and checks the map file at path. On failure error (if not NULL) holds "line N: why" and
 * nothing is returned: RCX_ENOTFOUND/RCX_EIO for an unreadable file, RCX_ECONFIG for a bad map.
 * The map is the caller's; free it with ingest_csvmap_free. Callers may load a map before an
 * ingest run only to report its errors precisely (the csv parser itself can only fail). */
enum rcx_result ingest_csvmap_load(const char *path, struct ingest_csvmap **ret_map, char error[INGEST_REASON_MAX]);
void ingest_csvmap_free(struct ingest_csvmap *map);
