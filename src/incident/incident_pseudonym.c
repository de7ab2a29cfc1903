/* Victim pseudonyms (see incident_pseudonym.h).
 *
 * The hash input is a fixed domain-separation prefix and the normalised victim; the key is the
 * BLAKE2b key (crypto_generichash), so a pseudonym made under one federation's key says nothing
 * under another's. Where the key lives: in the configuration ([incident] pseudonym_key or
 * pseudonym_key_file), not in the database, because it is shared by all nodes of a federation
 * (distributed by their operators, like a TLS key) and must not travel with a database copy or
 * export. Normalisation makes "Banka Beograd a.d." and "BANKA  BEOGRAD" one victim; it cannot
 * make two spellings of a name one (Beograd/Belgrade): identifiers ("vat:", "lei:") are better. */
#include "incident/incident_pseudonym.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/limits.h"
#include "core/text.h"

#define PSEUDONYM_CONTEXT "rcx victim pseudonym v1\n"

enum rcx_result incident_pseudonym_key_parse(const char *hex, struct incident_pseudonym_key *ret_key)
{
	struct incident_pseudonym_key k;
	if (!hex)
		return RCX_EINVAL;
	size_t n = strlen(hex);
	while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' '))
		n--;
	if (n != 2 * INCIDENT_PSEUDONYM_KEY_BYTES)
		return RCX_EPARSE;
	for (size_t i = 0; i < INCIDENT_PSEUDONYM_KEY_BYTES; i++) {
		int hi = rcx_hex_value(hex[2 * i]), lo = rcx_hex_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return RCX_EPARSE;
		k.bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	*ret_key = k;
	sodium_memzero(&k, sizeof(k));
	return RCX_OK;
}

enum rcx_result incident_pseudonym_key_load(struct rcx_config *cfg, struct incident_pseudonym_key *ret_key,
					    char **ret_why)
{
	char buf[2 * INCIDENT_PSEUDONYM_KEY_BYTES + 8];
	const char *hex = cfg ? rcx_config_get(cfg, "incident", "pseudonym_key") : NULL;
	const char *path = cfg ? rcx_config_path(cfg, "incident", "pseudonym_key_file") : NULL;
	if (!hex && path) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
		if (f)
			fclose(f);
		if (!f) {
			if (ret_why)
				*ret_why = rcx_strdup_printf("[incident] pseudonym_key_file %s cannot be read", path);
			return RCX_ECONFIG;
		}
		buf[n] = '\0';
		hex = buf;
	}
	if (!hex)
		return RCX_ENOTFOUND;
	enum rcx_result r = incident_pseudonym_key_parse(hex, ret_key);
	sodium_memzero(buf, sizeof(buf));
	if (r != RCX_OK) {
		if (ret_why)
			*ret_why = rcx_strdup_printf("[incident] pseudonym key: 64 hex digits expected");
		return RCX_ECONFIG;
	}
	return RCX_OK;
}

/* Legal forms dropped from the end of a normalised name (after '.' removal). */
static const char *const legal_forms[] = {"doo", "dooel", "ad", "dd", "shpk", "sha", "ltd", "llc", "inc", "gmbh",
					  "plc", "ag", "sa", "jsc", "kd", "od"};

static enum rcx_result normalise_name(const char *v, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	bool space = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '.')
			continue;
		if (c < 0x80 && !isalnum(c)) {
			space = n > 0;
			continue;
		}
		if (n + 3 > cap)
			return RCX_ELIMIT;
		if (space)
			out[n++] = ' ';
		space = false;
		out[n++] = c < 0x80 ? (char)tolower(c) : (char)c;
	}
	out[n] = '\0';
	/* one trailing legal form, when something is left before it */
	char *sp = strrchr(out, ' ');
	for (size_t i = 0; sp && i < sizeof(legal_forms) / sizeof(legal_forms[0]); i++)
		if (!strcmp(sp + 1, legal_forms[i])) {
			*sp = '\0';
			n = (size_t)(sp - out);
			break;
		}
	return n ? RCX_OK : RCX_EINVAL;
}

enum rcx_result incident_victim_normalise(const char *victim, char *out, size_t cap)
{
	if (!victim || !out || cap < 2)
		return RCX_EINVAL;
	const char *s = victim;
	size_t len = strlen(s);
	rcx_trim(&s, &len);
	if (len > RCX_INCIDENT_VICTIM_MAX)
		return RCX_ELIMIT;
	/* "scheme:value": a short alphanumeric scheme, then the identifier */
	const char *colon = memchr(s, ':', len < 17 ? len : 17);
	bool ident = colon && colon > s;
	for (const char *p = s; ident && p < colon; p++)
		ident = isalnum((unsigned char)*p);
	if (!ident)
		return normalise_name(s, len, out, cap);
	size_t n = 0;
	for (const char *p = s; p <= colon; p++) {
		if (n + 2 > cap)
			return RCX_ELIMIT;
		out[n++] = (char)tolower((unsigned char)*p);
	}
	size_t head = n;
	for (const char *p = colon + 1; p < s + len; p++) {
		if (!isalnum((unsigned char)*p))
			continue;
		if (n + 2 > cap)
			return RCX_ELIMIT;
		out[n++] = (char)toupper((unsigned char)*p);
	}
	out[n] = '\0';
	return n > head ? RCX_OK : RCX_EINVAL;
}

enum rcx_result incident_pseudonym_make(const struct incident_pseudonym_key *key, const char *victim,
					char out[INCIDENT_PSEUDONYM_BUF])
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	char norm[RCX_INCIDENT_VICTIM_MAX + 8];
	uint8_t h[INCIDENT_PSEUDONYM_HASH_BYTES];
	if (!key || !out)
		return RCX_EINVAL;
	enum rcx_result r = incident_victim_normalise(victim, norm, sizeof(norm));
	if (r != RCX_OK)
		return r;
	crypto_generichash_state st;
	crypto_generichash_init(&st, key->bytes, sizeof(key->bytes), sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)PSEUDONYM_CONTEXT, strlen(PSEUDONYM_CONTEXT));
	crypto_generichash_update(&st, (const unsigned char *)norm, strlen(norm));
	crypto_generichash_final(&st, h, sizeof(h));
	/* 10 bytes = 80 bits = 16 groups of 5 */
	memcpy(out, "victim-", 7);
	for (unsigned i = 0; i < 16; i++) {
		unsigned bit = i * 5, v = 0;
		for (unsigned b = 0; b < 5; b++, bit++)
			v = v << 1 | ((h[bit / 8] >> (7 - bit % 8)) & 1u);
		out[7 + i] = b32[v];
	}
	out[23] = '\0';
	return RCX_OK;
}
