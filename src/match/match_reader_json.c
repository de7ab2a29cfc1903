/* JSON lines: one object per line, parsed with jansson (\u0000 allowed: values carry lengths).
 * Every string value at any depth is an observable of kind ANY named by its dotted path (array
 * elements take the array's path), or, with a field list, only the listed paths with their kinds.
 * The timestamp comes from the time field (option, else "timestamp", "@timestamp", "ts", "time"),
 * a string in any shape rcx_time_parse reads or epoch seconds (number or string, with fraction;
 * milliseconds and microseconds are recognised by size); it is not reported as an observable.
 * The parsed document lives until the next line, so values point into jansson's strings. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "match/match_reader_impl.h"

#define PATH_MAX_LEN 1024u /* longer dotted paths are not followed */

struct jsonl {
	json_t *doc;
	char path[PATH_MAX_LEN];
};

static void take_time(const json_t *v, int64_t *ret_us)
{
	char buf[64];
	int64_t t;
	if (json_is_string(v)) {
		if (match_time_value(json_string_value(v), json_string_length(v), &t))
			*ret_us = t;
		return;
	}
	int n;
	if (json_is_integer(v))
		n = snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		n = snprintf(buf, sizeof(buf), "%.6f", json_real_value(v));
	else
		return;
	if (n > 0 && (size_t)n < sizeof(buf) && match_epoch_parse(buf, (size_t)n, &t))
		*ret_us = t;
}

static void walk(struct match_parser *p, const json_t *v, size_t plen, const char **field, int64_t *ret_us)
{
	struct jsonl *j = p->priv;
	if (json_is_object(v)) {
		const char *key;
		size_t klen;
		json_t *child;
		json_object_keylen_foreach((json_t *)v, key, klen, child) {
			size_t need = plen + (plen ? 1 : 0) + klen;
			if (need >= PATH_MAX_LEN)
				continue;
			size_t n = plen;
			if (n)
				j->path[n++] = '.';
			memcpy(j->path + n, key, klen);
			j->path[need] = 0;
			const char *f = NULL; /* the arena copy of this path, made once */
			walk(p, child, need, &f, ret_us);
		}
		return;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *el;
		json_array_foreach((json_t *)v, i, el) {
			walk(p, el, plen, field, ret_us);
			j->path[plen] = 0;
		}
		return;
	}
	if (plen == 0)
		return;
	if (match_is_time_field(p, j->path, plen)) {
		take_time(v, ret_us);
		return;
	}
	enum match_obs_kind kind;
	if (!json_is_string(v) || json_string_length(v) == 0 || !match_field_wanted(p, j->path, plen, &kind))
		return;
	if (!*field)
		*field = rcx_arena_strndup(&p->arena, j->path, plen);
	match_obs_add(p, kind, *field, json_string_value(v), json_string_length(v));
}

static enum rcx_result jsonl_line(struct match_parser *p, const struct match_line *l, int64_t *ret_time_us)
{
	struct jsonl *j = p->priv;
	if (j->doc) {
		json_decref(j->doc);
		j->doc = NULL;
	}
	const char *s = l->data;
	size_t n = l->len;
	rcx_trim(&s, &n);
	if (n == 0)
		return RCX_ENOTFOUND;
	json_error_t err;
	j->doc = json_loadb(s, n, JSON_ALLOW_NUL, &err);
	if (!j->doc)
		return RCX_EPARSE;
	if (!json_is_object(j->doc))
		return RCX_EPARSE;
	const char *f = NULL;
	j->path[0] = 0;
	walk(p, j->doc, 0, &f, ret_time_us);
	return RCX_OK;
}

static void jsonl_fini(struct match_parser *p)
{
	struct jsonl *j = p->priv;
	json_decref(j->doc);
}

const struct match_line_ops match_jsonl_ops = {.priv_size = sizeof(struct jsonl), .line = jsonl_line, .fini = jsonl_fini};
