/* Flat exports of events: IntelMQ JSON lines and CSV. One call per event, no state, so a caller
 * streams any number of events in constant memory. */
#pragma once
#include "core/event.h"
#include "core/result.h"
#include "core/strbuf.h"

/* Appends ev as one IntelMQ JSON line (IntelMQ field names, flat dotted keys, extra.*; without
 * rcx's own rcx.* fields and without raw) and a newline. */
enum rcx_result share_intelmq_line(const struct event *ev, struct rcx_strbuf *out);
/* Appends the CSV header line (the column names, which are event field names). */
enum rcx_result share_csv_header(struct rcx_strbuf *out);
/* Appends ev as one CSV line (RFC 4180 quoting, CRLF-free: "\n" ends the line). */
enum rcx_result share_csv_line(const struct event *ev, struct rcx_strbuf *out);
