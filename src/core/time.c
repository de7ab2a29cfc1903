#include "core/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define US_PER_SEC INT64_C(1000000)

int64_t rcx_time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil: era-based, exact for the proleptic Gregorian calendar. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, size_t n, unsigned *ret)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*ret = v;
	return true;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int64_t y, unsigned m)
{
	static const unsigned md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : md[m - 1];
}

enum rcx_result rcx_time_parse(const char *s, size_t len, int64_t *ret_us)
{
	unsigned y, mo, d, hh = 0, mi = 0, ss = 0;
	int64_t frac_us = 0, offset_s = 0;
	size_t i = 0;

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len - i < 10 || s[i + 4] != '-' || s[i + 7] != '-')
		return RCX_EPARSE;
	if (!digits(s + i, 4, &y) || !digits(s + i + 5, 2, &mo) || !digits(s + i + 8, 2, &d))
		return RCX_EPARSE;
	i += 10;
	if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return RCX_EPARSE;
	if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if (len - i < 5 || s[i + 2] != ':' || !digits(s + i, 2, &hh) || !digits(s + i + 3, 2, &mi))
			return RCX_EPARSE;
		i += 5;
		if (i < len && s[i] == ':') {
			if (len - i < 3 || !digits(s + i + 1, 2, &ss))
				return RCX_EPARSE;
			i += 3;
			if (i < len && (s[i] == '.' || s[i] == ',')) {
				i++;
				size_t nd = 0;
				int64_t scale = 100000;
				while (i < len && s[i] >= '0' && s[i] <= '9') {
					if (nd < 6) {
						frac_us += (s[i] - '0') * scale;
						scale /= 10;
					}
					nd++;
					i++;
				}
				if (nd == 0)
					return RCX_EPARSE;
			}
		}
		if (hh > 23 || mi > 59 || ss > 60)
			return RCX_EPARSE;
		if (ss == 60)
			ss = 59; /* leap second: clamp, as Python's datetime cannot hold it either */
		while (i < len && s[i] == ' ')
			i++;
		if (i < len) {
			if (s[i] == 'Z' || s[i] == 'z') {
				i++;
			} else if (len - i == 3 && (!memcmp(s + i, "UTC", 3) || !memcmp(s + i, "GMT", 3))) {
				i += 3;
			} else if (s[i] == '+' || s[i] == '-') {
				int sign = s[i] == '-' ? -1 : 1;
				unsigned oh, om = 0;
				i++;
				if (len - i < 2 || !digits(s + i, 2, &oh))
					return RCX_EPARSE;
				i += 2;
				if (i < len && s[i] == ':')
					i++;
				if (len - i >= 2) {
					if (!digits(s + i, 2, &om))
						return RCX_EPARSE;
					i += 2;
				}
				if (oh > 23 || om > 59)
					return RCX_EPARSE;
				offset_s = sign * (int64_t)(oh * 3600 + om * 60);
			}
		}
	}
	if (i != len)
		return RCX_EPARSE;
	int64_t days = rcx_time_days_from_civil(y, mo, d);
	int64_t secs = days * 86400 + hh * 3600 + mi * 60 + ss - offset_s;
	/* the zone offset may carry a time out of the years 1000..9999, which could not be written back */
	if (secs < INT64_C(-30610224000) || secs > INT64_C(253402300799))
		return RCX_EPARSE;
	*ret_us = secs * US_PER_SEC + frac_us;
	return RCX_OK;
}

static char *put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* Written digit by digit: this runs for every time field of every event, and snprintf costs more
 * than the rest of the conversion. */
size_t rcx_time_format(int64_t us, char buf[RCX_TIME_BUF])
{
	int64_t secs = us / US_PER_SEC, frac = us % US_PER_SEC;
	if (frac < 0) {
		frac += US_PER_SEC;
		secs--;
	}
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		int n = snprintf(buf, RCX_TIME_BUF, "%lld-%02u-%02uT%02u:%02u:%02u+00:00", (long long)y, m, d,
				 (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
		return n > 0 ? (size_t)n : 0;
	}
	char *p = buf;
	p = put2(p, (unsigned)(y / 100));
	p = put2(p, (unsigned)(y % 100));
	*p++ = '-';
	p = put2(p, m);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, (unsigned)(rem / 3600));
	*p++ = ':';
	p = put2(p, (unsigned)(rem / 60 % 60));
	*p++ = ':';
	p = put2(p, (unsigned)(rem % 60));
	if (frac) {
		*p++ = '.';
		for (int64_t div = 100000; div; div /= 10)
			*p++ = (char)('0' + frac / div % 10);
	}
	memcpy(p, "+00:00", 7);
	return (size_t)(p - buf) + 6;
}

int64_t rcx_time_now(void)
{
	/* RCX_NOW pins the clock (tests, reproducible golden output). */
	static int pinned = -1;
	static int64_t pinned_us;
	if (pinned < 0) {
		const char *env = getenv("RCX_NOW");
		pinned = env && *env && rcx_time_parse(env, strlen(env), &pinned_us) == RCX_OK;
	}
	if (pinned)
		return pinned_us;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

enum rcx_result rcx_duration_parse(const char *s, size_t len, int64_t *ret_us)
{
	int64_t v = 0;
	size_t i = 0;
	if (!len)
		return RCX_EPARSE;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > INT64_MAX / 10 / US_PER_SEC / 86400)
			return RCX_ELIMIT;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0)
		return RCX_EPARSE;
	int64_t unit = 1;
	if (i < len) {
		if (len - i != 1)
			return RCX_EPARSE;
		switch (s[i]) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		default: return RCX_EPARSE;
		}
	}
	*ret_us = v * unit * US_PER_SEC;
	return RCX_OK;
}
