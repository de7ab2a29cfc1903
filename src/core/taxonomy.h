/* The Reference Security Incident Taxonomy (RSIT) as the classification of every event:
 * classification.type → classification.taxonomy, and the older spellings (eCSIRT/ENISA words,
 * IntelMQ 1.x/2.x types, US spellings) accepted on input and mapped to the current names. */
#pragma once
#include <stddef.h>

/* Canonical type name for s[0..len) (case-insensitive, old spellings mapped), or NULL if unknown. */
const char *rcx_taxonomy_type_canonical(const char *s, size_t len);
/* Canonical taxonomy name for s[0..len) (old spellings mapped), or NULL if unknown. */
const char *rcx_taxonomy_canonical(const char *s, size_t len);
/* The taxonomy a canonical type belongs to; NULL for an unknown type. */
const char *rcx_taxonomy_of_type(const char *type);
/* Iterates the canonical types: returns the i-th type or NULL past the end. */
const char *rcx_taxonomy_type_at(size_t i);
