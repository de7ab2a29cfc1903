/* MISP events as indicator sources: the attributes of an event and of its objects, by type.
 * A document is {"Event":{…}}, {"response":[{"Event":…},…]}, an array of either, or an event object
 * itself (it has "Attribute" or "Object"). Deleted attributes are skipped (counted as revoked), those
 * without to_ids skipped unless misp_all (counted), types the matcher has no kind for are counted as
 * unsupported. Composite values ("ip|port", "filename|md5", "domain|ip") give the part the type names.
 * Bounds: the document is parsed whole by jansson within RCX_JSON_FEED_MAX (match_source.c). */
#include <jansson.h>
#include <string.h>

#include "match/match_source.h"

enum match_kind match_source_misp_kind(const char *type, size_t len, int *ret_part)
{
	static const struct {
		const char *type;
		enum match_kind kind;
		int part;
	} types[] = {
		{"ip-src", MATCH_IP, 0},          {"ip-dst", MATCH_IP, 0},
		{"ip-src|port", MATCH_IP, 1},     {"ip-dst|port", MATCH_IP, 1},
		{"domain", MATCH_DOMAIN, 0},      {"hostname", MATCH_DOMAIN, 0},
		{"hostname|port", MATCH_DOMAIN, 1}, {"domain|ip", MATCH_DOMAIN, 1},
		{"url", MATCH_URL, 0},            {"md5", MATCH_MD5, 0},
		{"sha1", MATCH_SHA1, 0},          {"sha256", MATCH_SHA256, 0},
		{"filename|md5", MATCH_MD5, 2},   {"filename|sha1", MATCH_SHA1, 2},
		{"filename|sha256", MATCH_SHA256, 2}, {"email-src", MATCH_EMAIL, 0},
		{"email-dst", MATCH_EMAIL, 0},    {"email", MATCH_EMAIL, 0},
		{"email-reply-to", MATCH_EMAIL, 0},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].type) == len && !memcmp(types[i].type, type, len)) {
			*ret_part = types[i].part;
			return types[i].kind;
		}
	return MATCH_KIND_MAX;
}

static bool to_ids(const json_t *v)
{
	if (json_is_true(v))
		return true;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	const char *s = json_string_value(v);
	return s && (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "True"));
}

static enum rcx_result hand_over(match_source_fn fn, void *ctx, struct match_source_stats *st, enum match_kind k,
				 const char *v, size_t n)
{
	if (k == MATCH_IP && memchr(v, '/', n))
		k = MATCH_CIDR;
	enum rcx_result r = fn(ctx, k, v, n);
	if (r == RCX_OK)
		st->indicators++;
	else if (r == RCX_EPARSE || r == RCX_ELIMIT)
		st->refused++;
	else
		return r;
	return RCX_OK;
}

static enum rcx_result attribute(const json_t *a, const struct match_source_options *opt, match_source_fn fn,
				 void *ctx, struct match_source_stats *st)
{
	const json_t *type = json_object_get(a, "type"), *value = json_object_get(a, "value");
	if (!json_is_string(type) || !json_is_string(value)) {
		st->bad++;
		return RCX_OK;
	}
	const json_t *del = json_object_get(a, "deleted");
	if (json_is_true(del) || (json_is_string(del) && !strcmp(json_string_value(del), "1"))) {
		st->revoked++;
		return RCX_OK;
	}
	int part;
	enum match_kind k = match_source_misp_kind(json_string_value(type), json_string_length(type), &part);
	if (k == MATCH_KIND_MAX) {
		st->unsupported++;
		return RCX_OK;
	}
	if (!opt->misp_all && !to_ids(json_object_get(a, "to_ids"))) {
		st->not_ids++;
		return RCX_OK;
	}
	const char *v = json_string_value(value);
	size_t n = json_string_length(value);
	if (part) {
		const char *bar = memchr(v, '|', n);
		if (!bar) {
			st->refused++;
			return RCX_OK;
		}
		if (part == 1) {
			n = (size_t)(bar - v);
		} else {
			n -= (size_t)(bar - v) + 1;
			v = bar + 1;
		}
	}
	enum rcx_result r = hand_over(fn, ctx, st, k, v, n);
	/* domain|ip: the address too */
	if (r == RCX_OK && !strcmp(json_string_value(type), "domain|ip")) {
		const char *bar = memchr(json_string_value(value), '|', json_string_length(value));
		r = hand_over(fn, ctx, st, MATCH_IP, bar + 1, json_string_length(value) - (size_t)(bar + 1 - json_string_value(value)));
	}
	return r;
}

static enum rcx_result attributes(const json_t *list, const struct match_source_options *opt, match_source_fn fn,
				  void *ctx, struct match_source_stats *st)
{
	size_t i;
	const json_t *a;
	enum rcx_result r = RCX_OK;
	if (!list)
		return RCX_OK;
	if (!json_is_array(list)) {
		st->bad++;
		return RCX_OK;
	}
	json_array_foreach(list, i, a)
	{
		if (r != RCX_OK)
			break;
		if (json_is_object(a))
			r = attribute(a, opt, fn, ctx, st);
		else
			st->bad++;
	}
	return r;
}

static enum rcx_result event(const json_t *e, const struct match_source_options *opt, match_source_fn fn, void *ctx,
			     struct match_source_stats *st)
{
	const json_t *inner = json_object_get(e, "Event");
	if (json_is_object(inner))
		e = inner;
	if (!json_object_get(e, "Attribute") && !json_object_get(e, "Object")) {
		st->bad++;
		return RCX_OK;
	}
	enum rcx_result r = attributes(json_object_get(e, "Attribute"), opt, fn, ctx, st);
	const json_t *objects = json_object_get(e, "Object");
	if (r == RCX_OK && objects) {
		size_t i;
		const json_t *o;
		if (!json_is_array(objects))
			st->bad++;
		else
			json_array_foreach(objects, i, o)
			{
				if (r != RCX_OK)
					break;
				if (json_is_object(o))
					r = attributes(json_object_get(o, "Attribute"), opt, fn, ctx, st);
				else
					st->bad++;
			}
	}
	return r;
}

enum rcx_result match_source_misp_parse(const char *data, size_t len, const struct match_source_options *opt,
					match_source_fn fn, void *ctx, struct match_source_stats *st)
{
	json_error_t err;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return RCX_EPARSE;
	const json_t *list = json_is_array(root) ? root : json_object_get(root, "response");
	enum rcx_result r = RCX_OK;
	if (json_is_array(list)) {
		size_t i;
		const json_t *e;
		json_array_foreach(list, i, e)
		{
			if (r != RCX_OK)
				break;
			if (json_is_object(e))
				r = event(e, opt, fn, ctx, st);
			else
				st->bad++;
		}
	} else if (json_is_object(root)) {
		r = event(root, opt, fn, ctx, st);
	} else {
		r = RCX_EPARSE;
	}
	json_decref(root);
	return r;
}
