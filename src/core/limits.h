/* Every maximum rcx applies to outside input, in one place. */
#pragma once

/* Ingest */
#define RCX_LINE_MAX            (256u * 1024u)        /* one input line/record; longer → quarantine */
#define RCX_CSV_FIELDS_MAX      512u                  /* columns in one CSV record */
#define RCX_QUARANTINE_RAW_MAX  (64u * 1024u)         /* raw bytes kept per quarantined line */
#define RCX_READ_CHUNK          (1024u * 1024u)       /* file read size */
#define RCX_JSON_FEED_MAX       (256u * 1024u * 1024u) /* whole-document JSON feeds (Feodo JSON) */
#define RCX_INGEST_BATCH        65536u                /* input records per store transaction */
#define RCX_INGEST_ARENA_RECORDS 4096u                /* records between resets of the event arena */
#define RCX_SCHEMA_FILE_MAX     (32u * 1024u * 1024u) /* Shadowserver mapping file */

/* Event model */
#define RCX_EVENT_EXTRA_MAX     256u                  /* extra.* keys per event */
#define RCX_FIELD_VALUE_MAX     (64u * 1024u)         /* one field value */
#define RCX_FIELD_NAME_MAX      128u                  /* one field name, including "extra." */

/* Configuration and enrichment files */
#define RCX_CONFIG_FILE_MAX     (4u * 1024u * 1024u)
#define RCX_CONFIG_ENTRIES_MAX  100000u
#define RCX_ROUTE_RULES_MAX     1000000u
#define RCX_PFX2AS_ENTRIES_MAX  4000000u
#define RCX_ASNAMES_ENTRIES_MAX 1000000u              /* lines of all asnames files together */
#define RCX_ENRICH_LINE_MAX     4096u                 /* one line of a pfx2as or asnames file */
#define RCX_ENRICH_MMDB_MAX     16u                   /* [enrich] mmdb = entries */

/* Output */
#define RCX_EVENTS_LIMIT_MAX    100000000u

/* Trust */
#define RCX_VIEWER_GROUPS_MAX   256u                  /* sharing groups one organisation belongs to */
#define RCX_RECIPIENTS_MAX      256u                  /* named recipient orgs (or users) per object */
#define RCX_AUDIT_FLUSH_MS      50u                   /* queued audit entries wait at most this long */
#define RCX_AUDIT_QUEUE_MAX     100000u               /* queued audit entries before adders block */
#define RCX_TRUST_SQL_MAX       (16u * 1024u)         /* generated visibility WHERE fragment */

/* HTTP server (src/http; [serve] keys override the defaults) */
#define RCX_HTTP_BODY_MAX       (1024u * 1024u)       /* request body, default [serve] body_max; larger → 413 */
#define RCX_HTTP_BODY_LIMIT     (1024u * 1024u * 1024u) /* largest body_max a configuration may set */
#define RCX_HTTP_HEADER_MAX     (16u * 1024u)         /* request line + headers (about; MHD memory pool) */
#define RCX_HTTP_URL_MAX        8192u                 /* request target (path + query); longer → 414 */
#define RCX_HTTP_QUERY_PARAMS_MAX 128u                /* key=value pairs in a query string */
#define RCX_HTTP_CAPTURES_MAX   8u                    /* {name} segments in one route pattern */
#define RCX_HTTP_SEGMENTS_MAX   64u                   /* path segments compared by the router */
#define RCX_HTTP_HEADERS_ADD_MAX 32u                  /* extra headers one response may add */
#define RCX_HTTP_TIMEOUT_S      30u                   /* idle connection (slow client) timeout */
#define RCX_HTTP_THREADS_MAX    256u                  /* server worker threads */
#define RCX_HTTP_CONNECTIONS_MAX 1024u                /* open connections in all */
#define RCX_HTTP_PER_IP_CONNECTIONS_MAX 64u           /* open connections from one address */
#define RCX_HTTP_RATE_PER_S     20.0                  /* token bucket refill per client key (0 = off) */
#define RCX_HTTP_RATE_BURST     100u                  /* token bucket size per client key */
#define RCX_HTTP_RATE_SLOTS     16384u                /* client keys the rate limiter tracks (fixed memory) */
#define RCX_HTTP_STREAM_BLOCK   (64u * 1024u)         /* block size of a streamed response */
#define RCX_HTTP_STREAM_CHUNK_MAX (16u * 1024u * 1024u) /* one producer call's output */
#define RCX_HTTP_TLS_FILE_MAX   (1024u * 1024u)       /* tls_cert / tls_key file */
#define RCX_HTTP_STATIC_MAX     (64u * 1024u * 1024u) /* all embedded web files together (tools/embed_web.py) */
