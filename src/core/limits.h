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
#define RCX_TRUST_SQL_MAX       (16u * 1024u)         /* generated visibility WHERE fragment */
