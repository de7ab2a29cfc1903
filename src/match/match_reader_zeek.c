/* Zeek TSV logs. The header block ("#separator \x09", "#set_separator", "#empty_field",
 * "#unset_field", "#path", "#fields", "#types") may appear again anywhere (concatenated logs, a
 * rotation); each #fields or #types line replaces the column table. Columns are read by type and
 * name, whatever the log:
 *   type addr, set[addr], vector[addr] → IP;  ts (epoch with fraction) → the record's time;
 *   query, server_name, host, san.dns → DOMAIN;  host + uri → URL "http://host/uri";
 *   referrer → URL;  md5, sha1, sha256 → HASH;  mailfrom, rcptto → EMAIL;
 *   answers (dns) → IP or DOMAIN per element.
 * Other columns are not observables. Unset ("-") and empty ("(empty)") values are skipped; sets and
 * vectors are split on the set separator; Zeek's \xNN escapes are decoded into the record arena.
 * A data line before any #fields, or with a different number of columns, is a bad line. */
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/text.h"
#include "match/match_reader_impl.h"

enum role { R_NONE, R_TIME, R_IP, R_DOMAIN, R_HOST, R_URI, R_URL, R_HASH, R_EMAIL, R_ANSWER };

struct zeek {
	char sep, set_sep;
	char empty[32], unset[32];
	size_t empty_len, unset_len;
	char *fields_line, *types_line; /* malloc'd copies the column table points into */
	const char **names, **types;    /* RCX_CSV_FIELDS_MAX each */
	size_t *name_len, *type_len;
	size_t n_names, n_types;
	enum role *role;
	size_t host_col, uri_col; /* SIZE_MAX when absent */
	const char **vals;
	size_t *val_len;
};

static bool eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}


/* Decodes \xNN escapes; returns s itself when there are none. */
static const char *unescape(struct rcx_arena *a, const char *s, size_t len, size_t *ret_len)
{
	if (!memchr(s, '\\', len)) {
		*ret_len = len;
		return s;
	}
	char *out = rcx_arena_alloc(a, len + 1), *o = out;
	for (size_t i = 0; i < len;) {
		int h, l;
		if (s[i] == '\\' && i + 3 < len && s[i + 1] == 'x' && (h = rcx_hex_value(s[i + 2])) >= 0 &&
		    (l = rcx_hex_value(s[i + 3])) >= 0) {
			*o++ = (char)(h * 16 + l);
			i += 4;
		} else {
			*o++ = s[i++];
		}
	}
	*ret_len = (size_t)(o - out);
	return out;
}

static size_t split(const char *s, size_t len, char sep, const char **v, size_t *vl, size_t max)
{
	size_t n = 0;
	for (const char *p = s, *end = s + len; n < max;) {
		const char *d = memchr(p, sep, (size_t)(end - p));
		v[n] = p;
		vl[n++] = (size_t)((d ? d : end) - p);
		if (!d)
			break;
		p = d + 1;
	}
	return n;
}

static bool type_is_addr(const char *t, size_t n)
{
	return eq(t, n, "addr") || eq(t, n, "set[addr]") || eq(t, n, "vector[addr]");
}

static void compute_roles(struct zeek *z)
{
	z->host_col = z->uri_col = SIZE_MAX;
	for (size_t i = 0; i < z->n_names; i++) {
		const char *nm = z->names[i];
		size_t n = z->name_len[i];
		enum role r = R_NONE;
		if (i < z->n_types && z->n_types == z->n_names && type_is_addr(z->types[i], z->type_len[i]))
			r = R_IP;
		else if (eq(nm, n, "ts"))
			r = R_TIME;
		else if (eq(nm, n, "id.orig_h") || eq(nm, n, "id.resp_h"))
			r = R_IP; /* also without #types */
		else if (eq(nm, n, "query") || eq(nm, n, "server_name") || eq(nm, n, "san.dns"))
			r = R_DOMAIN;
		else if (eq(nm, n, "host"))
			r = R_HOST;
		else if (eq(nm, n, "uri"))
			r = R_URI;
		else if (eq(nm, n, "referrer"))
			r = R_URL;
		else if (eq(nm, n, "md5") || eq(nm, n, "sha1") || eq(nm, n, "sha256"))
			r = R_HASH;
		else if (eq(nm, n, "mailfrom") || eq(nm, n, "rcptto"))
			r = R_EMAIL;
		else if (eq(nm, n, "answers"))
			r = R_ANSWER;
		z->role[i] = r;
		if (r == R_HOST)
			z->host_col = i;
		if (r == R_URI)
			z->uri_col = i;
	}
}

static enum rcx_result zeek_init(struct match_parser *p)
{
	struct zeek *z = p->priv;
	z->sep = '\t';
	z->set_sep = ',';
	memcpy(z->empty, "(empty)", 7);
	z->empty_len = 7;
	z->unset[0] = '-';
	z->unset_len = 1;
	size_t m = RCX_CSV_FIELDS_MAX;
	z->names = rcx_arena_calloc(&p->keep, m, sizeof(*z->names));
	z->types = rcx_arena_calloc(&p->keep, m, sizeof(*z->types));
	z->vals = rcx_arena_calloc(&p->keep, m, sizeof(*z->vals));
	z->name_len = rcx_arena_calloc(&p->keep, m, sizeof(size_t));
	z->type_len = rcx_arena_calloc(&p->keep, m, sizeof(size_t));
	z->val_len = rcx_arena_calloc(&p->keep, m, sizeof(size_t));
	z->role = rcx_arena_calloc(&p->keep, m, sizeof(*z->role));
	return RCX_OK;
}

static void zeek_fini(struct match_parser *p)
{
	struct zeek *z = p->priv;
	free(z->fields_line);
	free(z->types_line);
}

/* A header value: "\x09" or a literal character. */
static bool sep_value(const char *s, size_t n, char *ret)
{
	int h, l;
	if (n == 4 && s[0] == '\\' && s[1] == 'x' && (h = rcx_hex_value(s[2])) >= 0 && (l = rcx_hex_value(s[3])) >= 0) {
		*ret = (char)(h * 16 + l);
		return true;
	}
	if (n == 1) {
		*ret = s[0];
		return true;
	}
	return false;
}

static enum rcx_result header(struct match_parser *p, const char *s, size_t len)
{
	struct zeek *z = p->priv;
	if (len > 11 && !memcmp(s, "#separator ", 11)) {
		if (!sep_value(s + 11, len - 11, &z->sep))
			return RCX_EPARSE;
		return RCX_ENOTFOUND;
	}
	const char *d = memchr(s, z->sep, len);
	if (!d)
		return RCX_ENOTFOUND;
	size_t kl = (size_t)(d - s), vl = len - kl - 1;
	const char *v = d + 1;
	if (eq(s, kl, "#set_separator")) {
		if (!sep_value(v, vl, &z->set_sep))
			return RCX_EPARSE;
	} else if (eq(s, kl, "#empty_field") || eq(s, kl, "#unset_field")) {
		bool empty = s[1] == 'e';
		if (vl == 0 || vl >= sizeof(z->empty))
			return RCX_EPARSE;
		memcpy(empty ? z->empty : z->unset, v, vl);
		*(empty ? &z->empty_len : &z->unset_len) = vl;
	} else if (eq(s, kl, "#fields") || eq(s, kl, "#types")) {
		bool fields = s[1] == 'f';
		char *copy = malloc(vl + 1);
		if (!copy)
			abort();
		memcpy(copy, v, vl);
		copy[vl] = 0;
		if (fields) {
			free(z->fields_line);
			z->fields_line = copy;
			z->n_names = split(copy, vl, z->sep, z->names, z->name_len, RCX_CSV_FIELDS_MAX);
			z->n_types = 0; /* #types follows */
		} else {
			free(z->types_line);
			z->types_line = copy;
			z->n_types = split(copy, vl, z->sep, z->types, z->type_len, RCX_CSV_FIELDS_MAX);
		}
		/* NUL-terminate each name and type in the copy: observables name their field */
		const char **col = fields ? z->names : z->types;
		size_t *vlen = fields ? z->name_len : z->type_len, k = fields ? z->n_names : z->n_types;
		for (size_t i = 0; i < k; i++)
			((char *)col[i])[vlen[i]] = 0;
		compute_roles(z);
	}
	return RCX_ENOTFOUND;
}

static void add_value(struct match_parser *p, enum role r, const char *field, const char *v, size_t n)
{
	size_t ul;
	const char *u = unescape(&p->arena, v, n, &ul);
	switch (r) {
	case R_IP:
		match_obs_add(p, match_text_is_ip(u, ul) ? MATCH_OBS_IP : MATCH_OBS_ANY, field, u, ul);
		break;
	case R_DOMAIN:
	case R_HOST:
		match_obs_add(p, match_text_host_kind(u, ul) == MATCH_OBS_IP ? MATCH_OBS_IP : MATCH_OBS_DOMAIN, field,
			      u, ul);
		break;
	case R_URL:
		if (memmem(u, ul, "://", 3)) {
			match_obs_add(p, MATCH_OBS_URL, field, u, ul);
			match_text_add_url_host(p, field, u, ul);
		}
		break;
	case R_HASH:
		match_obs_add(p, MATCH_OBS_HASH, field, u, ul);
		break;
	case R_EMAIL:
		match_obs_add(p, MATCH_OBS_EMAIL, field, u, ul);
		break;
	case R_ANSWER: {
		enum match_obs_kind k = match_text_host_kind(u, ul);
		if (k != MATCH_OBS_ANY)
			match_obs_add(p, k, field, u, ul);
		break;
	}
	default:
		break;
	}
}

static bool is_null(const struct zeek *z, const char *v, size_t n)
{
	return (n == z->unset_len && !memcmp(v, z->unset, n)) || (n == z->empty_len && !memcmp(v, z->empty, n));
}

static enum rcx_result zeek_line(struct match_parser *p, const struct match_line *l, int64_t *ret_time_us)
{
	struct zeek *z = p->priv;
	if (l->len == 0)
		return RCX_ENOTFOUND;
	if (l->data[0] == '#')
		return header(p, l->data, l->len);
	if (z->n_names == 0)
		return RCX_EPARSE;
	size_t n = split(l->data, l->len, z->sep, z->vals, z->val_len, RCX_CSV_FIELDS_MAX);
	if (n != z->n_names)
		return RCX_EPARSE;
	for (size_t i = 0; i < n; i++) {
		const char *v = z->vals[i];
		size_t vl = z->val_len[i];
		enum role r = z->role[i];
		if (r == R_NONE || r == R_HOST || r == R_URI || is_null(z, v, vl))
			continue;
		if (r == R_TIME) {
			int64_t t;
			if (match_epoch_parse(v, vl, &t))
				*ret_time_us = t;
			continue;
		}
		const char *field = z->names[i];
		const char *items[64];
		size_t il[64];
		size_t k = memchr(v, z->set_sep, vl) ? split(v, vl, z->set_sep, items, il, 64) : 0;
		if (k == 0)
			add_value(p, r, field, v, vl);
		for (size_t j = 0; j < k; j++)
			if (!is_null(z, items[j], il[j]))
				add_value(p, r, field, items[j], il[j]);
	}
	/* http: host, and host + uri as a URL */
	if (z->host_col < n && !is_null(z, z->vals[z->host_col], z->val_len[z->host_col])) {
		const char *h = z->vals[z->host_col];
		size_t hl = z->val_len[z->host_col];
		add_value(p, R_HOST, z->names[z->host_col], h, hl);
		if (z->uri_col < n && !is_null(z, z->vals[z->uri_col], z->val_len[z->uri_col])) {
			const char *u = z->vals[z->uri_col];
			size_t ul = z->val_len[z->uri_col];
			char *url = rcx_arena_alloc(&p->arena, 7 + hl + 1 + ul);
			size_t o = 0;
			memcpy(url, "http://", 7);
			o = 7;
			memcpy(url + o, h, hl);
			o += hl;
			if (ul == 0 || u[0] != '/')
				url[o++] = '/';
			memcpy(url + o, u, ul);
			o += ul;
			size_t fl;
			const char *f = unescape(&p->arena, url, o, &fl);
			match_obs_add(p, MATCH_OBS_URL, "url", f, fl);
		}
	}
	return RCX_OK;
}

const struct match_line_ops match_zeek_ops = {
	.priv_size = sizeof(struct zeek), .chunk = MATCH_CHUNK_HASH_LINES, .init = zeek_init, .line = zeek_line, .fini = zeek_fini};
