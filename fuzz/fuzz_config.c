/* rcx_config_parse → the entries written back as INI text (a [section] line where the section
 * changes, every value in double quotes) → parse → the same sections, keys and values in order. */
#include <string.h>

#include "core/config.h"
#include "core/strbuf.h"
#include "fuzz_common.h"

static void serialise(const struct rcx_config *cfg, struct rcx_strbuf *out)
{
	/* A comment first: a key starting with a byte-order mark must not become the file's first bytes. */
	rcx_strbuf_puts(out, "# written back by fuzz_config\n");
	const char *section = "";
	for (size_t i = 0; i < cfg->n; i++) {
		const struct rcx_config_entry *e = &cfg->entries[i];
		if (strcmp(e->section, section)) {
			section = e->section;
			rcx_strbuf_printf(out, "[%s]\n", section);
		}
		rcx_strbuf_printf(out, "%s = \"%s\"\n", e->key, e->value);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rcx_config *cfg = NULL, *again = NULL;
	unsigned line = 0;
	if (rcx_config_parse((const char *)data, size, &cfg, &line) != RCX_OK)
		return 0;
	FUZZ_CHECK(cfg && (cfg->n == 0 || cfg->entries), "parse succeeded without entries");
	struct rcx_strbuf text = RCX_STRBUF_INIT(0);
	serialise(cfg, &text);
	enum rcx_result r = rcx_config_parse(text.data, text.len, &again, &line);
	if (r != RCX_OK)
		fuzz_dump("written back", text.data, text.len);
	FUZZ_CHECK(r == RCX_OK, "written-back configuration fails at line %u", line);
	FUZZ_CHECK(again->n == cfg->n, "%zu entries, then %zu", cfg->n, again->n);
	for (size_t i = 0; i < cfg->n; i++) {
		const struct rcx_config_entry *a = &cfg->entries[i], *b = &again->entries[i];
		FUZZ_CHECK(!strcmp(a->section, b->section) && !strcmp(a->key, b->key) && !strcmp(a->value, b->value),
			   "entry %zu: [%s] %s = %s, then [%s] %s = %s", i, a->section, a->key, a->value, b->section,
			   b->key, b->value);
		/* rcx_config_get returns the last value of a key */
		const char *v = rcx_config_get(again, b->section, b->key);
		FUZZ_CHECK(v != NULL, "rcx_config_get misses [%s] %s", b->section, b->key);
	}
	rcx_strbuf_free(&text);
	rcx_config_free(cfg);
	rcx_config_free(again);
	return 0;
}
