/* The configuration file: INI-style sections of "key = value" lines.
 *
 *   # comment            ; comment
 *   [ingest]
 *   dedup_window = 24h
 *   [feed shadowserver]
 *   tlp = amber
 *   [routing]
 *   cc RS = SRB-CERT
 *
 * Keys keep inner spaces (routing rules use them); values run to the end of the line, trimmed,
 * optionally in double quotes. Entries keep file order; a key may repeat. Relative paths in values
 * are the caller's business (rcx_config_path resolves them against the file's directory). */
#pragma once
#include <stddef.h>

#include "core/arena.h"
#include "core/result.h"

struct rcx_config_entry {
	const char *section; /* "" before the first [section] */
	const char *key;
	const char *value;
	unsigned line;
};

struct rcx_config {
	struct rcx_arena arena;
	struct rcx_config_entry *entries;
	size_t n;
	const char *dir; /* directory of the file, for relative paths; "." for text */
};

/* Parses text[0..len). On failure *ret_line is the offending line. */
enum rcx_result rcx_config_parse(const char *text, size_t len, struct rcx_config **ret_cfg, unsigned *ret_line);
/* Reads and parses a file (limit RCX_CONFIG_FILE_MAX). */
enum rcx_result rcx_config_load(const char *path, struct rcx_config **ret_cfg, unsigned *ret_line);
/* An empty configuration (all defaults). */
struct rcx_config *rcx_config_empty(void);
void rcx_config_free(struct rcx_config *cfg);
/* Last value of section/key, or NULL. */
const char *rcx_config_get(const struct rcx_config *cfg, const char *section, const char *key);
/* Like rcx_config_get, but a relative path is resolved against the config file's directory;
 * the result lives in the config's arena. */
const char *rcx_config_path(struct rcx_config *cfg, const char *section, const char *key);
