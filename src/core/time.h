/* Time as microseconds since the Unix epoch, UTC. Parsing accepts the shapes feeds use:
 *   2024-01-01T10:20:30Z, 2024-01-01 10:20:30, 2024-01-01T10:20:30.123+02:00, ... +0200,
 *   a trailing " UTC"/" GMT", and a bare date 2024-01-01 (midnight UTC).
 * A time without a zone is UTC. Years 1000..9999 only. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"

/* "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" plus NUL */
#define RCX_TIME_BUF 40

/* Parses s[0..len). On success sets *ret_us. RCX_EPARSE otherwise (ret_us untouched). */
enum rcx_result rcx_time_parse(const char *s, size_t len, int64_t *ret_us);
/* Writes the IntelMQ form "2024-01-01T10:20:30+00:00" (".ffffff" only when non-zero) into buf. */
size_t rcx_time_format(int64_t us, char buf[RCX_TIME_BUF]);
/* Days since 1970-01-01 for a proleptic Gregorian date. */
int64_t rcx_time_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Current time; the environment variable RCX_NOW (an ISO-8601 time) pins it for tests. */
int64_t rcx_time_now(void);
/* Parses a duration such as "24h", "90m", "3600s", "7d", "3600" (seconds) into microseconds. */
enum rcx_result rcx_duration_parse(const char *s, size_t len, int64_t *ret_us);
