#include "core/config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/text.h"

static struct rcx_config *config_new(void)
{
	struct rcx_config *cfg = calloc(1, sizeof(*cfg));
	if (cfg)
		cfg->dir = ".";
	return cfg;
}

struct rcx_config *rcx_config_empty(void)
{
	return config_new();
}

void rcx_config_free(struct rcx_config *cfg)
{
	if (!cfg)
		return;
	rcx_arena_free(&cfg->arena);
	free(cfg->entries);
	free(cfg);
}

static enum rcx_result add(struct rcx_config *cfg, size_t *cap, const char *section, const char *k, size_t klen,
			   const char *v, size_t vlen, unsigned line)
{
	if (cfg->n >= RCX_CONFIG_ENTRIES_MAX)
		return RCX_ELIMIT;
	if (cfg->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct rcx_config_entry *e = realloc(cfg->entries, ncap * sizeof(*e));
		if (!e)
			return RCX_ENOMEM;
		cfg->entries = e;
		*cap = ncap;
	}
	struct rcx_config_entry *e = &cfg->entries[cfg->n++];
	e->section = section;
	e->key = rcx_arena_strndup(&cfg->arena, k, klen);
	e->value = rcx_arena_strndup(&cfg->arena, v, vlen);
	e->line = line;
	return RCX_OK;
}

enum rcx_result rcx_config_parse(const char *text, size_t len, struct rcx_config **ret_cfg, unsigned *ret_line)
{
	struct rcx_config *cfg = config_new();
	if (!cfg)
		return RCX_ENOMEM;
	size_t cap = 0;
	const char *section = "";
	unsigned lineno = 0;
	enum rcx_result r = RCX_OK;
	size_t pos = 0;

	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (memchr(line, '\0', n) || !rcx_utf8_valid(line, n)) {
			r = RCX_EPARSE;
			goto fail;
		}
		rcx_trim(&line, &n);
		if (n == 0 || line[0] == '#' || line[0] == ';')
			continue;
		if (line[0] == '[') {
			if (line[n - 1] != ']' || n < 3) {
				r = RCX_EPARSE;
				goto fail;
			}
			const char *s = line + 1;
			size_t sl = n - 2;
			rcx_trim(&s, &sl);
			if (sl == 0) {
				r = RCX_EPARSE;
				goto fail;
			}
			section = rcx_arena_strndup(&cfg->arena, s, sl);
			continue;
		}
		const char *eq = memchr(line, '=', n);
		if (!eq) {
			r = RCX_EPARSE;
			goto fail;
		}
		const char *k = line, *v = eq + 1;
		size_t kl = (size_t)(eq - line), vl = n - kl - 1;
		rcx_trim(&k, &kl);
		rcx_trim(&v, &vl);
		if (kl == 0) {
			r = RCX_EPARSE;
			goto fail;
		}
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
			v++;
			vl -= 2;
		}
		r = add(cfg, &cap, section, k, kl, v, vl, lineno);
		if (r != RCX_OK)
			goto fail;
	}
	*ret_cfg = cfg;
	return RCX_OK;
fail:
	if (ret_line)
		*ret_line = lineno;
	rcx_config_free(cfg);
	return r;
}

enum rcx_result rcx_config_load(const char *path, struct rcx_config **ret_cfg, unsigned *ret_line)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? RCX_ENOTFOUND : RCX_EIO;
	char *buf = malloc(RCX_CONFIG_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return RCX_ENOMEM;
	}
	size_t n = fread(buf, 1, RCX_CONFIG_FILE_MAX + 1, f);
	bool err = ferror(f);
	fclose(f);
	enum rcx_result r;
	if (err)
		r = RCX_EIO;
	else if (n > RCX_CONFIG_FILE_MAX)
		r = RCX_ELIMIT;
	else
		r = rcx_config_parse(buf, n, ret_cfg, ret_line);
	free(buf);
	if (r == RCX_OK) {
		const char *slash = strrchr(path, '/');
		(*ret_cfg)->dir = slash ? rcx_arena_strndup(&(*ret_cfg)->arena, path, (size_t)(slash - path) + (slash == path))
					: ".";
	}
	return r;
}

const char *rcx_config_get(const struct rcx_config *cfg, const char *section, const char *key)
{
	if (!cfg)
		return NULL;
	for (size_t i = cfg->n; i-- > 0;)
		if (!strcmp(cfg->entries[i].section, section) && !strcmp(cfg->entries[i].key, key))
			return cfg->entries[i].value;
	return NULL;
}

const char *rcx_config_path(struct rcx_config *cfg, const char *section, const char *key)
{
	const char *v = rcx_config_get(cfg, section, key);
	if (!v || !*v || v[0] == '/' || !strcmp(cfg->dir, "."))
		return v;
	size_t n = strlen(cfg->dir) + strlen(v) + 2;
	char *p = rcx_arena_alloc(&cfg->arena, n);
	snprintf(p, n, "%s/%s", cfg->dir, v);
	return p;
}
