/* Shadowserver reports, read with the mapping file Shadowserver publishes for IntelMQ (intelmq.json).
 * The format itself is ingest_format_shadowserver in the format table; the first functions below are
 * the parts the unit tests check on their own, the rest is shared by ingest_shadowserver.c (records)
 * and ingest_shadowserver_schema.c (the mapping file). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "core/event.h"
#include "core/result.h"
#include "ingest/ingest.h"

extern const struct ingest_format ingest_format_shadowserver;

/* Whether rcx implements the mapping-file conversion called name ("convert_int", ...). */
bool ingest_shadowserver_conversion_known(const char *name);

/* The report type named by a file: "2024-01-01-scan_http-geo.csv" (Shadowserver's documented
 * pattern) or a bare "scan_http.csv"; directories are ignored. *ret_type points into path.
 * False (outputs untouched) when the name has neither shape. */
bool ingest_shadowserver_type_from_path(const char *path, const char **ret_type, size_t *ret_len);

/* ---- internal to ingest_shadowserver*.c ---- */

/* The conversions a mapping may name, as IntelMQ's Shadowserver parser defines them. */
#define INGEST_SS_CONVERSIONS(X) \
	X(VALIDATE_TO_NONE, "validate_to_none") \
	X(INVALIDATE_ZERO, "invalidate_zero") \
	X(CONVERT_INT, "convert_int") \
	X(CONVERT_FLOAT, "convert_float") \
	X(CONVERT_BOOL, "convert_bool") \
	X(VALIDATE_IP, "validate_ip") \
	X(VALIDATE_NETWORK, "validate_network") \
	X(VALIDATE_FQDN, "validate_fqdn") \
	X(ADD_UTC, "add_UTC_to_timestamp") \
	X(CONVERT_DATE, "convert_date") \
	X(CONVERT_DATE_UTC, "convert_date_utc") \
	X(HTTP_HOST_AND_URL, "convert_http_host_and_url") \
	X(CVE_FROM_TAG, "extract_cve_from_tag") \
	X(FORCE_BASE64, "force_base64") \
	X(CATEGORY_OR_DETAIL, "category_or_detail") \
	X(EXCHANGE_TAXONOMY, "scan_exchange_taxonomy") \
	X(EXCHANGE_TYPE, "scan_exchange_type") \
	X(EXCHANGE_IDENTIFIER, "scan_exchange_identifier") \
	/* end */

enum ingest_ss_conv {
	INGEST_SS_CONV_NONE,
#define INGEST_SS_CONV_ENUM(e, name) INGEST_SS_CONV_##e,
	INGEST_SS_CONVERSIONS(INGEST_SS_CONV_ENUM)
#undef INGEST_SS_CONV_ENUM
	INGEST_SS_CONV_UNKNOWN,
	INGEST_SS_CONV_MAX
};

/* One [target, column, conversion] entry of a report. */
struct ingest_ss_mapping {
	enum event_field field; /* EF_MAX: the value goes to extra.<extra_key> */
	const char *extra_key;  /* NULL for a known field or an ignored column */
	size_t extra_klen;
	bool unknown_target;    /* a target that is no event field: IntelMQ's InvalidKey path */
	bool ignore;            /* target false: the column is consumed and dropped */
	bool required;
	enum ingest_ss_conv conv;
	const char *conv_name;
	const char *column;
};

struct ingest_ss_constant {
	enum event_field field; /* EF_MAX: extra.<key> */
	const char *key;
	size_t klen;
	const char *value;
};

struct ingest_ss_report {
	const char *file_name;
	const char *feed_name;
	const char *url; /* or NULL */
	struct ingest_ss_mapping *maps;
	size_t n_maps;
	struct ingest_ss_constant *consts;
	size_t n_consts;
	size_t order; /* position in the file: the last of equal file_names wins, as in IntelMQ */
};

struct ingest_ss_schema;

/* The mapping file at path, loaded at first use and kept for the life of the process (loaded again
 * when the file changes; older versions stay valid). RCX_ECONFIG when it is missing or not a mapping
 * file, RCX_ELIMIT when larger than RCX_SCHEMA_FILE_MAX, RCX_EIO on read errors. */
enum rcx_result ingest_ss_schema_get(const char *path, const struct ingest_ss_schema **ret_schema);
/* The report whose file_name is type[0..len), or NULL. */
const struct ingest_ss_report *ingest_ss_report_find(const struct ingest_ss_schema *schema, const char *type,
						     size_t len);
