#include "core/tlp.h"

#include <string.h>
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

/* The one table of STIX marking ids: TLP 2.0 from OASIS cti-stix-common-objects, TLP 1.0 from the
 * STIX 2.1 specification. */
static const char *const stix_markings[RCX_TLP_MAX][2] = {
	[RCX_TLP_CLEAR] = {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
			   "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},
	[RCX_TLP_GREEN] = {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
			   "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
	[RCX_TLP_AMBER] = {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
			   "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
	[RCX_TLP_AMBER_STRICT] = {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", NULL},
	[RCX_TLP_RED] = {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
			 "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
};

const char *rcx_tlp_stix_marking(enum rcx_tlp tlp, bool v1)
{
	return (unsigned)tlp < RCX_TLP_MAX ? stix_markings[tlp][v1 ? 1 : 0] : NULL;
}

enum rcx_result rcx_tlp_from_stix_marking(const char *id, enum rcx_tlp *ret_tlp)
{
	for (int t = 0; t < RCX_TLP_MAX; t++)
		for (int v = 0; v < 2; v++)
			if (stix_markings[t][v] && id && !strcmp(stix_markings[t][v], id)) {
				*ret_tlp = (enum rcx_tlp)t;
				return RCX_OK;
			}
	return RCX_ENOTFOUND;
}
