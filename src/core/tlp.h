/* Traffic Light Protocol 2.0 labels. TLP 1.0 words are accepted on input and mapped:
 * WHITE → CLEAR; GREEN, AMBER, RED unchanged. Ordered from least to most restrictive. */
#pragma once
#include <stdbool.h>
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
/* The official STIX 2.1 marking-definition id of tlp: TLP 2.0 (the objects of the OASIS TLP 2.0
 * extension) or, with v1, TLP 1.0 (STIX 2.1 §7.2.1.4; NULL for amber+strict, which 1.0 lacks). */
const char *rcx_tlp_stix_marking(enum rcx_tlp tlp, bool v1);
/* The TLP of an official marking-definition id of either version; RCX_ENOTFOUND for any other id. */
enum rcx_result rcx_tlp_from_stix_marking(const char *id, enum rcx_tlp *ret_tlp);
