#include "core/tlp.h"

#include <strings.h>

static const char *const names[RCX_TLP_MAX] = {
	[RCX_TLP_CLEAR] = "clear",
	[RCX_TLP_GREEN] = "green",
	[RCX_TLP_AMBER] = "amber",
	[RCX_TLP_AMBER_STRICT] = "amber+strict",
	[RCX_TLP_RED] = "red",
};

enum rcx_result rcx_tlp_parse(const char *s, size_t len, enum rcx_tlp *ret_tlp)
{
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len > 4 && !strncasecmp(s, "tlp:", 4)) {
		s += 4;
		len -= 4;
	} else if (len > 4 && !strncasecmp(s, "tlp ", 4)) {
		s += 4;
		len -= 4;
	}
	for (int i = 0; i < RCX_TLP_MAX; i++) {
		size_t n = 0;
		while (names[i][n])
			n++;
		if (n == len && !strncasecmp(s, names[i], len)) {
			*ret_tlp = (enum rcx_tlp)i;
			return RCX_OK;
		}
	}
	if (len == 5 && !strncasecmp(s, "white", 5)) {
		*ret_tlp = RCX_TLP_CLEAR;
		return RCX_OK;
	}
	return RCX_EPARSE;
}

const char *rcx_tlp_name(enum rcx_tlp tlp)
{
	return (unsigned)tlp < RCX_TLP_MAX ? names[tlp] : "amber";
}
