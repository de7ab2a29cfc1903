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

/* Matching (src/match) */
#define RCX_MATCH_CHUNK         (8u * 1024u * 1024u)  /* bytes per chunk of one log file across threads */
#define RCX_MATCH_PRIME_MAX     1024u                 /* '#' header lines handed to one chunk (zeek) */
#define RCX_MATCH_SPILL         (16u * 1024u * 1024u) /* sorted output one chunk holds in memory */
#define RCX_MATCH_STIX_DEPTH_MAX 32u                  /* nested parentheses in one STIX pattern */

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

/* Referral (src/referral: images decoded and hashed by rcx pdq hash, then discarded) */
#define RCX_IMAGE_BYTES_MAX     (64u * 1024u * 1024u) /* one image file; larger → refused */
#define RCX_IMAGE_SIDE_MAX      30000u                /* width or height in pixels */
#define RCX_IMAGE_PIXELS_MAX    (64u * 1024u * 1024u) /* width × height (a WebP is decoded whole: 3 bytes each) */
#define RCX_IMAGE_JPEG_MEMORY_MAX (512u * 1024u * 1024u) /* libjpeg's working memory (progressive coefficients) */
#define RCX_IMAGE_JPEG_SCANS_MAX 500u                 /* scans of a progressive JPEG */
#define RCX_IMAGE_PNG_CHUNK_MAX (8u * 1024u * 1024u)  /* one ancillary PNG chunk, decompressed */
#define RCX_IMAGE_PNG_CHUNKS_MAX 1000u                /* ancillary PNG chunks read */
/* Hash lists and the similarity index (referral_list, referral_index: rcx pdq match) */
#define RCX_REFERRAL_LINE_MAX   4096u                 /* one line of a hash list; longer → a bad line */
#define RCX_REFERRAL_FIELD_MAX  512u                  /* one text field (reference, contributed_by, path), bytes */
#define RCX_REFERRAL_LIST_ENTRIES_MAX 20000000u       /* entries of the lists one command reads, all together */
#define RCX_REFERRAL_LIST_ERRORS_MAX 100u             /* bad lines kept with their reasons (all are counted) */
#define RCX_REFERRAL_INDEX_MAX  (1u << 30)            /* entries of one similarity index */
#define RCX_HASHLIST_IMPORT_BATCH 65536u              /* store entries converted and added at a time by one import */
#define RCX_HASHLIST_NAME_MAX   128u                  /* a hash list's name, bytes */
#define RCX_HASHLIST_DESCRIPTION_MAX 4096u            /* a hash list's description, bytes */

/* Incidents (src/incident) */
#define RCX_INCIDENT_TEXT_MAX   (1024u * 1024u)       /* description or timeline text scanned for observables */
#define RCX_INCIDENT_OBSERVABLES_MAX 2000u            /* observables kept from one text (more are dropped, flagged) */
#define RCX_INCIDENT_TITLE_MAX  500u                  /* incident title, bytes */
#define RCX_INCIDENT_COUNTRIES_MAX 32u                /* countries one incident names */
#define RCX_INCIDENT_REASON_MAX 4096u                 /* status reason, bytes */
#define RCX_INCIDENT_VICTIM_MAX 1024u                 /* victim name or identifier given to the pseudonym */

/* Incident API (src/http/http_api_incidents*.c, src/incident/incident_figures.c) */
#define RCX_INCIDENT_PAGE_DEFAULT 100u                /* GET /incidents page without limit */
#define RCX_INCIDENT_PAGE_MAX   1000u                 /* largest limit of one page */
#define RCX_INCIDENT_FIGURES_MAX 4000000u             /* incidents one figures request reads durations of */
#define RCX_INCIDENT_PUBLIC_BODY_MAX (64u * 1024u)    /* a public (unauthenticated) report or info body */
#define RCX_INCIDENT_CONTACT_MAX 1024u                /* reporter contact text, bytes */
#define RCX_INCIDENT_POW_DIFFICULTY 18u               /* default leading zero bits of the proof of work */
#define RCX_INCIDENT_POW_DIFFICULTY_MAX 30u           /* largest configurable difficulty */
#define RCX_INCIDENT_POW_TTL_S  600u                  /* a challenge is valid this long */
#define RCX_INCIDENT_POW_CHALLENGE_MAX 160u           /* challenge text, bytes */
#define RCX_INCIDENT_POW_NONCE_MAX 64u                /* nonce text, bytes */
#define RCX_INCIDENT_POW_USED_MAX 65536u              /* used challenges remembered until they expire */
#define RCX_INCIDENT_PUBLIC_RATE_PER_MIN 10u          /* public reporting: token refill per client address */
#define RCX_INCIDENT_PUBLIC_RATE_BURST 20u            /* public reporting: bucket size per client address */

/* Sharing (src/share: STIX 2.1 export; src/ingest/ingest_stix.c: STIX import) */
#define RCX_STIX_BUNDLE_MAX     (64u * 1024u * 1024u) /* one imported STIX bundle (parsed whole: ~10x in memory) */
#define RCX_STIX_OBJECTS_MAX    1000000u              /* objects of one imported bundle */
#define RCX_STIX_PATTERN_MAX    (64u * 1024u)         /* one indicator pattern, bytes */
#define RCX_STIX_PATTERN_TERMS_MAX 256u               /* comparisons in one indicator pattern */
#define RCX_STIX_OBJECT_MAX     (1024u * 1024u)       /* one exported object, serialised */
#define RCX_STIX_SEEN_MAX       (1u << 20)            /* SCO and identity ids one export remembers to skip repeats */

/* Notifications (src/incident/incident_notify.c: the outbox and SMTP delivery) */
#define RCX_NOTIFY_RECIPIENTS_MAX 64u                 /* addresses of the owner, or of one country's CERTs, per notice */
#define RCX_NOTIFY_ADDRESS_MAX  320u                  /* one e-mail address, bytes */
#define RCX_NOTIFY_DRAIN_MAX    1000u                 /* messages one `rcx notify send` run tries */
#define RCX_NOTIFY_MESSAGE_MAX  (256u * 1024u)        /* one composed message, bytes */
#define RCX_NOTIFY_BACKOFF_BASE_US (60ll * 1000000ll) /* wait after the first failure, doubled per failure */
#define RCX_NOTIFY_BACKOFF_MAX_US (6ll * 3600ll * 1000000ll) /* longest wait between tries (never given up) */
#define RCX_NOTIFY_SMTP_TIMEOUT_S 30l                 /* one SMTP delivery, connection and transfer */
#define RCX_NOTIFY_PASSWORD_MAX 1024u                 /* [smtp] password_file contents */
