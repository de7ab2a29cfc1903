/* rcx_time_parse → rcx_time_format → rcx_time_parse gives the same microsecond, and the canonical
 * text formats to itself. rcx_duration_parse → "<n><largest exact unit>" → parse gives the same value. */
#include <inttypes.h>
#include <string.h>

#include "core/time.h"
#include "fuzz_common.h"

static void check_duration(const char *s, size_t len)
{
	int64_t us, again;
	if (rcx_duration_parse(s, len, &us) != RCX_OK)
		return;
	FUZZ_CHECK(us >= 0 && us % 1000000 == 0, "duration %" PRId64 " us", us);
	static const struct {
		int64_t secs;
		char unit;
	} units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
	int64_t secs = us / 1000000;
	size_t u = 0;
	while (secs && secs % units[u].secs)
		u++;
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRId64 "%c", secs / units[u].secs, units[u].unit);
	enum rcx_result r = rcx_duration_parse(buf, (size_t)n, &again);
	FUZZ_CHECK(r == RCX_OK && again == us, "duration %" PRId64 " us printed as %s reads back as %d/%" PRId64, us,
		   buf, (int)r, again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int64_t us, again;
	char buf[RCX_TIME_BUF], buf2[RCX_TIME_BUF];

	check_duration(s, size);
	if (rcx_time_parse(s, size, &us) != RCX_OK)
		return 0;
	size_t n = rcx_time_format(us, buf);
	FUZZ_CHECK(n > 0 && n < RCX_TIME_BUF && strlen(buf) == n, "format of %" PRId64 " gave %zu bytes", us, n);
	enum rcx_result r = rcx_time_parse(buf, n, &again);
	if (r != RCX_OK)
		fuzz_dump("input", s, size);
	FUZZ_CHECK(r == RCX_OK, "canonical time \"%s\" (%" PRId64 " us) does not parse back", buf, us);
	FUZZ_CHECK(again == us, "\"%s\" parses to %" PRId64 " us, not %" PRId64, buf, again, us);
	size_t n2 = rcx_time_format(again, buf2);
	FUZZ_CHECK(n2 == n && !memcmp(buf, buf2, n), "\"%s\" formats back as \"%s\"", buf, buf2);
	return 0;
}
