/* Accounts: passwords, API keys, sessions, viewers. See trust_account.h. */
#include "trust/trust_account.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/time.h"

#define APIKEY_PREFIX_BYTES 6
#define SECRET_BYTES 32

static bool init_sodium(void)
{
	return sodium_init() >= 0;
}

static bool cost_min(void)
{
	const char *c = getenv("RCX_PWHASH_COST");
	return c && strcmp(c, "min") == 0;
}

enum rcx_result trust_password_hash(const char *password, char ret_hash[TRUST_PWHASH_LEN])
{
	if (!password || !init_sodium())
		return RCX_EINVAL;
	size_t len = strlen(password);
	if (len < TRUST_PASSWORD_MIN || len > TRUST_PASSWORD_MAX)
		return RCX_EINVAL;
	unsigned long long ops = cost_min() ? crypto_pwhash_argon2id_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = cost_min() ? crypto_pwhash_argon2id_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
	char h[crypto_pwhash_STRBYTES];
	_Static_assert(crypto_pwhash_STRBYTES <= TRUST_PWHASH_LEN, "pwhash buffer");
	if (crypto_pwhash_argon2id_str(h, password, len, ops, mem) != 0)
		return RCX_ENOMEM;
	memcpy(ret_hash, h, sizeof(h));
	return RCX_OK;
}

enum rcx_result trust_password_verify(const char *hash, const char *password)
{
	if (!hash || !password || !init_sodium())
		return RCX_EDENIED;
	size_t len = strlen(password);
	if (len > TRUST_PASSWORD_MAX || strnlen(hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
		return RCX_EDENIED;
	return crypto_pwhash_str_verify(hash, password, len) == 0 ? RCX_OK : RCX_EDENIED;
}

static void hash_secret(const char *s, uint8_t out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)s, strlen(s), NULL, 0);
}

static void random_hex(char *out, size_t bytes)
{
	uint8_t buf[SECRET_BYTES];
	randombytes_buf(buf, bytes);
	sodium_bin2hex(out, bytes * 2 + 1, buf, bytes);
	sodium_memzero(buf, sizeof(buf));
}

enum rcx_result trust_apikey_create(struct store *s, int64_t user, const char *label, int64_t expires_us,
				    char ret_key[TRUST_APIKEY_LEN], int64_t *ret_id)
{
	if (!init_sodium())
		return RCX_ENOMEM;
	char prefix[APIKEY_PREFIX_BYTES * 2 + 1], secret[SECRET_BYTES * 2 + 1], key[TRUST_APIKEY_LEN];
	random_hex(prefix, APIKEY_PREFIX_BYTES);
	random_hex(secret, SECRET_BYTES);
	snprintf(key, sizeof(key), "rcx_%s_%s", prefix, secret);
	struct store_apikey k = {
		.user = user, .prefix = prefix, .label = label ? label : "", .created_us = rcx_time_now(),
		.expires_us = expires_us,
	};
	hash_secret(key, k.hash);
	int64_t id = 0;
	enum rcx_result r = store_apikey_add(s, &k, &id);
	if (r == RCX_OK) {
		memcpy(ret_key, key, sizeof(key));
		if (ret_id)
			*ret_id = id;
	}
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(key, sizeof(key));
	return r;
}

enum rcx_result trust_session_create(struct store *s, int64_t user, int64_t ttl_us, char ret_token[TRUST_TOKEN_LEN],
				     char ret_csrf[TRUST_TOKEN_LEN])
{
	if (!init_sodium())
		return RCX_ENOMEM;
	char token[TRUST_TOKEN_LEN], csrf[TRUST_TOKEN_LEN];
	random_hex(token, SECRET_BYTES);
	random_hex(csrf, SECRET_BYTES);
	int64_t now = rcx_time_now();
	struct store_session sess = {
		.user = user, .csrf = csrf, .created_us = now,
		.expires_us = now + (ttl_us > 0 ? ttl_us : TRUST_SESSION_TTL_US),
	};
	hash_secret(token, sess.token_hash);
	enum rcx_result r = store_session_put(s, &sess);
	if (r == RCX_OK) {
		memcpy(ret_token, token, sizeof(token));
		memcpy(ret_csrf, csrf, sizeof(csrf));
	}
	sodium_memzero(token, sizeof(token));
	return r;
}

static bool token_shape(const char *t)
{
	if (!t || strlen(t) != SECRET_BYTES * 2)
		return false;
	for (const char *p = t; *p; p++)
		if (!isxdigit((unsigned char)*p))
			return false;
	return true;
}

enum rcx_result trust_session_end(struct store *s, const char *token)
{
	if (!token_shape(token))
		return RCX_OK;
	uint8_t h[32];
	hash_secret(token, h);
	enum rcx_result r = store_session_delete(s, h);
	return r == RCX_ENOTFOUND ? RCX_OK : r;
}

enum rcx_result trust_viewer_of_user(struct store *s, const struct store_user *u, struct trust_viewer *ret_v)
{
	struct trust_viewer v = {
		.kind = TRUST_VIEWER_MEMBER, .role = (enum trust_role)u->role, .user = u->id, .org = u->org,
	};
	if ((unsigned)u->role >= TRUST_ROLE_MAX)
		return RCX_EDENIED;
	struct store_org org;
	enum rcx_result r = store_org_get_id(s, u->org, &org);
	if (r != RCX_OK)
		return r == RCX_ENOTFOUND ? RCX_EDENIED : r;
	v.parent_org = org.parent;
	r = store_org_groups(s, u->org, v.groups, RCX_VIEWER_GROUPS_MAX, &v.n_groups);
	if (r != RCX_OK)
		return r;
	struct store_org first;
	r = store_org_get(s, NULL, &first);
	if (r != RCX_OK && r != RCX_ENOTFOUND)
		return r;
	v.node_admin = r == RCX_OK && first.id == u->org && u->role == TRUST_ROLE_ADMIN;
	*ret_v = v;
	return RCX_OK;
}

/* Fills the principal of an active user; RCX_EDENIED for disabled users. */
static enum rcx_result principal_of(struct store *s, const struct store_user *u, struct trust_principal *ret_p)
{
	if (u->disabled)
		return RCX_EDENIED;
	struct trust_principal p;
	memset(&p, 0, sizeof(p));
	snprintf(p.email, sizeof(p.email), "%s", u->email ? u->email : "");
	p.user = *u;
	p.user.email = NULL; /* strings of u are only valid until the next store call */
	p.user.name = NULL;
	p.user.pwhash = NULL;
	enum rcx_result r = trust_viewer_of_user(s, u, &p.viewer);
	if (r != RCX_OK)
		return r;
	struct store_org org;
	r = store_org_get_id(s, p.viewer.org, &org);
	if (r != RCX_OK)
		return r == RCX_ENOTFOUND ? RCX_EDENIED : r;
	snprintf(p.org_name, sizeof(p.org_name), "%s", org.name ? org.name : "");
	*ret_p = p;
	return RCX_OK;
}

/* principal_of for a user id; a user that is gone is denied like a wrong secret. */
static enum rcx_result principal_of_id(struct store *s, int64_t user, struct trust_principal *ret_p)
{
	struct store_user u;
	enum rcx_result r = store_user_get_id(s, user, &u);
	if (r != RCX_OK)
		return r == RCX_ENOTFOUND ? RCX_EDENIED : r;
	return principal_of(s, &u, ret_p);
}

enum rcx_result trust_auth_apikey(struct store *s, const char *key, struct trust_principal *ret_p)
{
	/* rcx_<12 hex>_<64 hex> */
	if (!key || strlen(key) != 4 + APIKEY_PREFIX_BYTES * 2 + 1 + SECRET_BYTES * 2 || strncmp(key, "rcx_", 4) != 0 ||
	    key[4 + APIKEY_PREFIX_BYTES * 2] != '_' || !init_sodium())
		return RCX_EDENIED;
	char prefix[APIKEY_PREFIX_BYTES * 2 + 1];
	memcpy(prefix, key + 4, APIKEY_PREFIX_BYTES * 2);
	prefix[APIKEY_PREFIX_BYTES * 2] = '\0';
	struct store_apikey k;
	enum rcx_result r = store_apikey_get(s, prefix, &k);
	if (r != RCX_OK)
		return r == RCX_ENOTFOUND ? RCX_EDENIED : r;
	uint8_t h[32];
	hash_secret(key, h);
	if (sodium_memcmp(h, k.hash, sizeof(h)) != 0 || k.revoked ||
	    (k.expires_us > 0 && k.expires_us <= rcx_time_now()))
		return RCX_EDENIED;
	struct trust_principal p;
	r = principal_of_id(s, k.user, &p);
	if (r != RCX_OK)
		return r;
	snprintf(p.key_prefix, sizeof(p.key_prefix), "%s", prefix);
	*ret_p = p;
	return RCX_OK;
}

enum rcx_result trust_auth_session(struct store *s, const char *token, struct trust_principal *ret_p)
{
	if (!token_shape(token))
		return RCX_EDENIED;
	uint8_t h[32];
	hash_secret(token, h);
	struct store_session sess;
	enum rcx_result r = store_session_get(s, h, &sess);
	if (r != RCX_OK)
		return r == RCX_ENOTFOUND ? RCX_EDENIED : r;
	char csrf[TRUST_TOKEN_LEN];
	snprintf(csrf, sizeof(csrf), "%s", sess.csrf ? sess.csrf : "");
	struct trust_principal p;
	r = principal_of_id(s, sess.user, &p);
	if (r != RCX_OK)
		return r;
	memcpy(p.csrf, csrf, sizeof(csrf));
	p.via_session = true;
	*ret_p = p;
	return RCX_OK;
}

static char dummy_hash[TRUST_PWHASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	(void)trust_password_hash("not a real password", dummy_hash);
}

enum rcx_result trust_auth_password(struct store *s, const char *email, const char *password,
				    struct trust_principal *ret_p)
{
	if (!email || !password)
		return RCX_EDENIED;
	struct store_user u;
	enum rcx_result r = store_user_get(s, email, &u);
	if (r == RCX_ENOTFOUND) {
		/* spend the same time as a real check, so the answer doesn't reveal unknown e-mails */
		pthread_once(&dummy_once, dummy_init);
		(void)trust_password_verify(dummy_hash, password);
		return RCX_EDENIED;
	}
	if (r != RCX_OK)
		return r;
	char hash[TRUST_PWHASH_LEN];
	snprintf(hash, sizeof(hash), "%s", u.pwhash ? u.pwhash : "");
	struct store_user copy = u;
	char mail[256];
	snprintf(mail, sizeof(mail), "%s", u.email ? u.email : "");
	copy.email = mail;
	if (!hash[0] || trust_password_verify(hash, password) != RCX_OK)
		return RCX_EDENIED;
	return principal_of(s, &copy, ret_p);
}

enum rcx_result trust_viewer_named(struct store *s, const char *name, struct trust_viewer *ret_v)
{
	if (!name || !*name)
		return RCX_EINVAL;
	if (strchr(name, '@')) {
		struct store_user u;
		enum rcx_result r = store_user_get(s, name, &u);
		if (r != RCX_OK)
			return r;
		if (u.disabled)
			return RCX_EDENIED;
		return trust_viewer_of_user(s, &u, ret_v);
	}
	struct store_org o;
	enum rcx_result r = store_org_get(s, name, &o);
	if (r != RCX_OK)
		return r;
	struct store_user analyst = {.id = 0, .org = o.id, .role = TRUST_ROLE_ANALYST};
	return trust_viewer_of_user(s, &analyst, ret_v);
}
