/* The table of feed formats. Adding a format: write ingest_<family>.c defining a
 * `const struct ingest_format ingest_format_<name>`, declare it here and add it to the table. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ingest/ingest.h"

/* FORMATS-BEGIN (one line per format; keep in the order detection should try them) */
extern const struct ingest_format ingest_format_shadowserver;
extern const struct ingest_format ingest_format_feodo_json;
extern const struct ingest_format ingest_format_feodo_csv;
extern const struct ingest_format ingest_format_urlhaus_csv;
extern const struct ingest_format ingest_format_spamhaus_drop;
extern const struct ingest_format ingest_format_stix;
extern const struct ingest_format ingest_format_intelmq_jsonl;
extern const struct ingest_format ingest_format_list_ip;
extern const struct ingest_format ingest_format_list_domain;
extern const struct ingest_format ingest_format_list_url;
extern const struct ingest_format ingest_format_csv;
/* FORMATS-END */

static const struct ingest_format *const formats[] = {
	/* TABLE-BEGIN */
	&ingest_format_shadowserver,
	&ingest_format_feodo_json,
	&ingest_format_feodo_csv,
	&ingest_format_urlhaus_csv,
	&ingest_format_spamhaus_drop,
	&ingest_format_stix,
	&ingest_format_intelmq_jsonl,
	&ingest_format_list_ip,
	&ingest_format_list_domain,
	&ingest_format_list_url,
	&ingest_format_csv,
	/* TABLE-END */
	NULL,
};

const struct ingest_format *ingest_format_at(size_t i)
{
	return i < sizeof(formats) / sizeof(formats[0]) ? formats[i] : NULL;
}

const struct ingest_format *ingest_format_find(const char *name)
{
	for (size_t i = 0; formats[i]; i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	return NULL;
}

const struct ingest_format *ingest_format_detect(const char *path, const char *head, size_t len)
{
	for (size_t i = 0; formats[i]; i++)
		if (formats[i]->detect && formats[i]->detect(path, head, len))
			return formats[i];
	return NULL;
}

enum rcx_result ingest_reject_line(struct ingest_sink *sink, const struct ingest_line *l, const char *reason)
{
	return sink->reject(sink, l->lineno, reason, l->data, l->len, l->total_len);
}

void ingest_source_error(const struct ingest_source *src, const char *fmt, ...)
{
	if (!src->error)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(src->error, INGEST_ERROR_MAX, fmt, ap);
	va_end(ap);
}
