/* Traffic Light Protocol 2.0 labels. TLP 1.0 words are accepted on input and mapped:
 * WHITE → CLEAR; GREEN, AMBER, RED unchanged. Ordered from least to most restrictive. */
#pragma once
#include <stddef.h>

#include "core/result.h"

enum rcx_tlp {
	RCX_TLP_CLEAR,
	RCX_TLP_GREEN,
	RCX_TLP_AMBER,
	RCX_TLP_AMBER_STRICT,
	RCX_TLP_RED,
	RCX_TLP_MAX
};

/* Parses "amber+strict", "TLP:AMBER+STRICT", "tlp:white", "Red" ... (case-insensitive). */
enum rcx_result rcx_tlp_parse(const char *s, size_t len, enum rcx_tlp *ret_tlp);
/* Canonical lowercase name: "clear", "green", "amber", "amber+strict", "red". */
const char *rcx_tlp_name(enum rcx_tlp tlp);
