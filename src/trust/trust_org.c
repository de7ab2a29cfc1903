/* Validation and creation of organisations and users. See trust_org.h. */
#include "trust/trust_org.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/strbuf.h"
#include "core/time.h"
#include "trust/trust_account.h"

#define ORG_NAME_MAX 200u
#define EMAIL_MAX 254u
#define CONTACTS_MAX 32u

static const char *const org_kinds[] = {"national-cert", "sectoral-cert", "law-enforcement", "oes", "regional-hub",
					"other"};

/* NIS2 Annex I and II sectors, as the MISP "nis2" taxonomy names them. */
static const char *const nis2_sectors[] = {
	"energy", "transport", "banking", "financial", "health", "drinking-water", "waste-water",
	"digital-infrastructure", "ict-services", "public-administration", "space", "courier", "waste-management",
	"chemical", "food", "manufacturing", "digital-providers", "research",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/* Two uppercase letters that ISO 3166-1 assigns (or XK, which the region uses for Kosovo). The
 * table is the assigned codes, packed as a string of pairs. */
static const char iso_countries[] =
	"ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCY"
	"CZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRIS"
	"ITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENF"
	"NGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTG"
	"THTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSXKYEYTZAZMZW";

bool trust_country_valid(const char *cc)
{
	if (!cc || strlen(cc) != 2)
		return false;
	for (const char *p = iso_countries; *p; p += 2)
		if (p[0] == cc[0] && p[1] == cc[1])
			return true;
	return false;
}

bool trust_org_kind_valid(const char *kind)
{
	return kind && in_list(kind, org_kinds, sizeof(org_kinds) / sizeof(org_kinds[0]));
}

bool trust_sector_valid(const char *sector)
{
	return sector && in_list(sector, nis2_sectors, sizeof(nis2_sectors) / sizeof(nis2_sectors[0]));
}

bool trust_email_valid(const char *email)
{
	if (!email)
		return false;
	size_t n = strlen(email);
	const char *at = strchr(email, '@');
	if (n < 3 || n > EMAIL_MAX || !at || at == email || strchr(at + 1, '@') || !at[1])
		return false;
	for (const char *p = email; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',' || *p == 0x7f)
			return false;
	const char *dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1];
}

__attribute__((format(printf, 3, 4))) static enum rcx_result why(char **ret_why, enum rcx_result r, const char *fmt,
								   ...)
{
	if (ret_why) {
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(ret_why, fmt, ap) < 0)
			*ret_why = NULL;
		va_end(ap);
	}
	return r;
}

/* Normalises a contacts JSON array into compact text (malloc'd) or explains what is wrong. */
static enum rcx_result contacts_check(const char *text, char **ret_text, char **ret_why)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (!j || !json_is_array(j) || json_array_size(j) > CONTACTS_MAX) {
		json_decref(j);
		return why(ret_why, RCX_EINVAL, "contacts must be a JSON array of at most 32 objects");
	}
	size_t i;
	json_t *c;
	json_array_foreach(j, i, c) {
		const char *keys[] = {"name", "email", "phone", "role"};
		if (!json_is_object(c) || json_object_size(c) == 0)
			goto bad;
		const char *k;
		json_t *v;
		json_object_foreach(c, k, v) {
			if (!in_list(k, keys, 4) || !json_is_string(v) || json_string_length(v) > 200)
				goto bad;
		}
		json_t *mail = json_object_get(c, "email");
		if (mail && !trust_email_valid(json_string_value(mail))) {
			json_decref(j);
			return why(ret_why, RCX_EINVAL, "contact e-mail '%s' is not an address", json_string_value(mail));
		}
	}
	*ret_text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return *ret_text ? RCX_OK : RCX_ENOMEM;
bad:
	json_decref(j);
	return why(ret_why, RCX_EINVAL, "each contact is an object with string fields name, email, phone, role");
}

/* Checks the fields of spec that are set; resolves the parent into *ret_parent. */
static enum rcx_result org_check(struct store *s, const struct trust_org_spec *spec, int64_t self, int64_t *ret_parent,
				 char **ret_contacts, char **ret_why)
{
	if (spec->country && !trust_country_valid(spec->country))
		return why(ret_why, RCX_EINVAL, "'%s' is not an ISO 3166-1 alpha-2 country code (e.g. AL, BA, HR, XK, ME, MK, RS)",
			   spec->country);
	if (spec->kind && !trust_org_kind_valid(spec->kind))
		return why(ret_why, RCX_EINVAL,
			   "'%s' is not a kind (national-cert, sectoral-cert, law-enforcement, oes, regional-hub, other)",
			   spec->kind);
	if (spec->sector && spec->sector[0] && !trust_sector_valid(spec->sector))
		return why(ret_why, RCX_EINVAL, "'%s' is not a NIS2 sector (energy, transport, banking, health, ...)",
			   spec->sector);
	if (spec->parent && spec->parent[0]) {
		struct store_org p;
		enum rcx_result r = store_org_get(s, spec->parent, &p);
		if (r != RCX_OK)
			return why(ret_why, r, "no organisation named '%s' to serve as parent", spec->parent);
		if (p.id == self)
			return why(ret_why, RCX_EINVAL, "'%s' cannot serve itself", spec->parent);
		*ret_parent = p.id;
	}
	if (spec->contacts)
		return contacts_check(spec->contacts, ret_contacts, ret_why);
	return RCX_OK;
}

enum rcx_result trust_org_add(struct store *s, const struct trust_org_spec *spec, int64_t *ret_id, char **ret_why)
{
	if (!spec->name || !spec->name[0] || strlen(spec->name) > ORG_NAME_MAX)
		return why(ret_why, RCX_EINVAL, "an organisation needs a name of 1 to 200 characters");
	if (!spec->country || !spec->kind)
		return why(ret_why, RCX_EINVAL, "an organisation needs a country and a kind");
	int64_t parent = 0;
	char *contacts = NULL;
	enum rcx_result r = org_check(s, spec, 0, &parent, &contacts, ret_why);
	if (r != RCX_OK)
		return r;
	struct store_org o = {
		.name = spec->name, .country = spec->country, .kind = spec->kind,
		.sector = spec->sector && spec->sector[0] ? spec->sector : NULL, .parent = parent,
		.contacts = contacts ? contacts : "[]", .created_us = rcx_time_now(),
	};
	r = store_org_add(s, &o, ret_id);
	free(contacts);
	if (r == RCX_EEXIST)
		return why(ret_why, r, "an organisation named '%s' exists already", spec->name);
	return r;
}

enum rcx_result trust_org_set(struct store *s, const struct trust_org_spec *spec, int64_t *ret_id, char **ret_why)
{
	struct store_org cur;
	enum rcx_result r = store_org_get(s, spec->name, &cur);
	if (r != RCX_OK)
		return why(ret_why, r, "no organisation named '%s'", spec->name);
	int64_t id = cur.id, parent = cur.parent;
	/* copy what we keep: cur's strings die with the next store call */
	char country[8], kind[32], sector[64];
	snprintf(country, sizeof(country), "%s", cur.country ? cur.country : "");
	snprintf(kind, sizeof(kind), "%s", cur.kind ? cur.kind : "other");
	snprintf(sector, sizeof(sector), "%s", cur.sector ? cur.sector : "");
	char *old_contacts = cur.contacts ? strdup(cur.contacts) : NULL;
	char *contacts = NULL;
	if (spec->parent && !spec->parent[0])
		parent = 0;
	r = org_check(s, spec, id, &parent, &contacts, ret_why);
	if (r == RCX_OK) {
		struct store_org o = {
			.id = id, .name = spec->name, .country = spec->country ? spec->country : country,
			.kind = spec->kind ? spec->kind : kind,
			.sector = spec->sector ? (spec->sector[0] ? spec->sector : NULL) : (sector[0] ? sector : NULL),
			.parent = parent, .contacts = contacts ? contacts : old_contacts,
		};
		r = store_org_update(s, &o);
		if (r == RCX_OK && ret_id)
			*ret_id = id;
	}
	free(contacts);
	free(old_contacts);
	return r;
}

enum rcx_result trust_user_add(struct store *s, const char *email, const char *name, int64_t org, enum trust_role role,
			       const char *password, int64_t *ret_id, char **ret_why)
{
	if (!trust_email_valid(email))
		return why(ret_why, RCX_EINVAL, "'%s' is not an e-mail address", email);
	if ((unsigned)role >= TRUST_ROLE_MAX)
		return why(ret_why, RCX_EINVAL, "unknown role");
	if (name && strlen(name) > ORG_NAME_MAX)
		return why(ret_why, RCX_EINVAL, "a name has at most 200 characters");
	struct store_org o;
	enum rcx_result r = store_org_get_id(s, org, &o);
	if (r != RCX_OK)
		return why(ret_why, r, "the user's organisation does not exist");
	char hash[TRUST_PWHASH_LEN];
	if (password) {
		r = trust_password_hash(password, hash);
		if (r != RCX_OK)
			return why(ret_why, r, "a password has 10 to 1024 characters");
	}
	struct store_user u = {
		.email = email, .name = name, .org = org, .role = (int)role, .pwhash = password ? hash : NULL,
		.created_us = rcx_time_now(),
	};
	r = store_user_add(s, &u, ret_id);
	if (r == RCX_EEXIST)
		return why(ret_why, r, "a user '%s' exists already", email);
	return r;
}

enum rcx_result trust_user_set(struct store *s, const char *email, const struct trust_user_change *ch, int64_t *ret_id,
			       char **ret_why)
{
	struct store_user cur;
	enum rcx_result r = store_user_get(s, email, &cur);
	if (r != RCX_OK)
		return why(ret_why, r, "no user '%s'", email);
	if (ch->role >= TRUST_ROLE_MAX || ch->role < -1)
		return why(ret_why, RCX_EINVAL, "unknown role");
	if (ch->name && strlen(ch->name) > ORG_NAME_MAX)
		return why(ret_why, RCX_EINVAL, "a name has at most 200 characters");
	char hash[TRUST_PWHASH_LEN], old_hash[TRUST_PWHASH_LEN], old_name[ORG_NAME_MAX + 1];
	snprintf(old_hash, sizeof(old_hash), "%s", cur.pwhash ? cur.pwhash : "");
	snprintf(old_name, sizeof(old_name), "%s", cur.name ? cur.name : "");
	if (ch->password) {
		r = trust_password_hash(ch->password, hash);
		if (r != RCX_OK)
			return why(ret_why, r, "a password has 10 to 1024 characters");
	}
	struct store_user u = cur;
	u.role = ch->role >= 0 ? ch->role : cur.role;
	u.name = ch->name ? ch->name : old_name;
	u.disabled = ch->disabled >= 0 ? ch->disabled != 0 : cur.disabled;
	u.pwhash = ch->password ? hash : (old_hash[0] ? old_hash : NULL);
	u.email = NULL; /* not changed by user_update */
	r = store_user_update(s, &u);
	if (r == RCX_OK && ret_id)
		*ret_id = u.id;
	return r;
}

static enum rcx_result count_one(void *ctx, const struct store_user *u)
{
	(void)u;
	(*(uint64_t *)ctx)++;
	return RCX_OK;
}

enum rcx_result trust_count_users(struct store *s, uint64_t *ret_n)
{
	uint64_t n = 0;
	enum rcx_result r = store_user_list(s, 0, count_one, &n);
	if (r == RCX_OK)
		*ret_n = n;
	return r;
}
