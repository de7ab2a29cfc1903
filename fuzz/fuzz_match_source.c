/* Indicator sources of `rcx match` (built once per format as fuzz_match_source_<name>, the name in
 * RCX_MATCH_SOURCE; "pattern" fuzzes match_stix_pattern_parse alone). The input is parsed; the
 * indicators it gave are printed again in the same format (a STIX bundle of one-comparison patterns,
 * a MISP event, a CSV with indicator and kind columns, a list, a pattern of ORs) and parsed again: the
 * second parse must give the same indicators, kinds and texts, in the same order. */
#include <string.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "fuzz_common.h"
#include "match/match_source.h"

#ifndef RCX_MATCH_SOURCE
#error "RCX_MATCH_SOURCE names the source format"
#endif

#define MAX_ITEMS 2048

struct item {
	enum match_kind kind;
	size_t off, len; /* into the texts buffer */
};

struct got {
	struct item items[MAX_ITEMS];
	size_t n;
	struct rcx_strbuf texts;
};

static enum rcx_result collect(void *ctx, enum match_kind kind, const char *text, size_t len)
{
	struct got *g = ctx;
	FUZZ_CHECK(kind < MATCH_KIND_MAX, "kind %d", (int)kind);
	if (g->n == MAX_ITEMS)
		return RCX_ELIMIT; /* refused: counted, reading goes on */
	g->items[g->n++] = (struct item){kind, g->texts.len, len};
	rcx_strbuf_append(&g->texts, text, len);
	return RCX_OK;
}

static const char *misp_type(enum match_kind k)
{
	switch (k) {
	case MATCH_IP:
	case MATCH_CIDR: return "ip-dst";
	case MATCH_DOMAIN: return "domain";
	case MATCH_URL: return "url";
	case MATCH_MD5: return "md5";
	case MATCH_SHA1: return "sha1";
	case MATCH_SHA256: return "sha256";
	default: return "email-dst";
	}
}

static void print_all(const struct got *g, enum match_source_format f, bool pattern, struct rcx_strbuf *o)
{
	if (pattern) {
		for (size_t i = 0; i < g->n; i++) {
			if (i)
				rcx_strbuf_puts(o, " OR ");
			match_stix_pattern_print(o, g->items[i].kind, g->texts.data + g->items[i].off, g->items[i].len);
		}
		return;
	}
	if (f == MATCH_SOURCE_STIX)
		rcx_strbuf_puts(o, "{\"type\":\"bundle\",\"objects\":[");
	else if (f == MATCH_SOURCE_MISP)
		rcx_strbuf_puts(o, "{\"Event\":{\"Attribute\":[");
	else if (f == MATCH_SOURCE_CSV)
		rcx_strbuf_puts(o, "indicator,kind\n");
	else
		rcx_strbuf_puts(o, "#\n"); /* so that no indicator starts the file (a BOM there is dropped) */
	for (size_t i = 0; i < g->n; i++) {
		const char *t = g->texts.data + g->items[i].off;
		size_t tl = g->items[i].len;
		if (f == MATCH_SOURCE_STIX) {
			struct rcx_strbuf p = RCX_STRBUF_INIT(0);
			match_stix_pattern_print(&p, g->items[i].kind, t, tl);
			rcx_strbuf_puts(o, i ? ",{\"type\":\"indicator\",\"pattern_type\":\"stix\",\"pattern\":"
					     : "{\"type\":\"indicator\",\"pattern_type\":\"stix\",\"pattern\":");
			rcx_json_put_string(o, p.data, p.len);
			rcx_strbuf_puts(o, "}");
			rcx_strbuf_free(&p);
		} else if (f == MATCH_SOURCE_MISP) {
			rcx_strbuf_printf(o, "%s{\"type\":\"%s\",\"to_ids\":true,\"value\":", i ? "," : "",
					  misp_type(g->items[i].kind));
			rcx_json_put_string(o, t, tl);
			rcx_strbuf_puts(o, "}");
		} else if (f == MATCH_SOURCE_CSV) {
			rcx_strbuf_putc(o, '"');
			for (size_t k = 0; k < tl; k++) {
				if (t[k] == '"')
					rcx_strbuf_putc(o, '"');
				if (t[k] == '\n')
					rcx_strbuf_putc(o, '\r'); /* lines lose one CR: a CR in the text survives */
				rcx_strbuf_putc(o, t[k]);
			}
			rcx_strbuf_printf(o, "\",%s\n", match_kind_name(g->items[i].kind));
		} else {
			rcx_strbuf_append(o, t, tl);
			if (tl && t[tl - 1] == '\r')
				rcx_strbuf_putc(o, '\r'); /* the line loses one CR */
			rcx_strbuf_putc(o, '\n');
		}
	}
	if (f == MATCH_SOURCE_STIX || f == MATCH_SOURCE_MISP)
		rcx_strbuf_puts(o, f == MATCH_SOURCE_STIX ? "]}" : "]}}");
}

static enum rcx_result parse(const char *data, size_t len, enum match_source_format f, bool pattern, struct got *g,
			     struct match_source_stats *st)
{
	if (pattern)
		return match_stix_pattern_parse(data, len, collect, g, NULL);
	struct match_source_options opt = {.list_kind = MATCH_KIND_MAX, .misp_all = true, .now_us = 1};
	return match_source_parse(data, len, f, &opt, collect, g, st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct got a, b;
	bool pattern = !strcmp(RCX_MATCH_SOURCE, "pattern");
	enum match_source_format f = pattern ? MATCH_SOURCE_STIX : match_source_format_from_name(RCX_MATCH_SOURCE);
	FUZZ_CHECK(f != MATCH_SOURCE_FORMAT_MAX, "unknown source %s", RCX_MATCH_SOURCE);
	a.n = b.n = 0;
	a.texts = b.texts = (struct rcx_strbuf)RCX_STRBUF_INIT(0);
	struct match_source_stats sa = {0}, sb = {0};
	enum rcx_result r = parse((const char *)data, size, f, pattern, &a, &sa);
	if (r == RCX_OK && a.n > 0 && a.n < MAX_ITEMS) {
		FUZZ_CHECK(pattern || sa.indicators == a.n, "%llu indicators counted, %zu handed over",
			   (unsigned long long)sa.indicators, a.n);
		struct rcx_strbuf o = RCX_STRBUF_INIT(0);
		print_all(&a, f, pattern, &o);
		enum rcx_result r2 = parse(o.data, o.len, f, pattern, &b, &sb);
		if (r2 != RCX_OK || b.n != a.n)
			fuzz_dump("printed", o.data, o.len);
		FUZZ_CHECK(r2 == RCX_OK, "re-parse failed: %d", (int)r2);
		FUZZ_CHECK(b.n == a.n, "%zu indicators, then %zu", a.n, b.n);
		for (size_t i = 0; i < a.n; i++) {
			bool same = a.items[i].kind == b.items[i].kind && a.items[i].len == b.items[i].len &&
				    !memcmp(a.texts.data + a.items[i].off, b.texts.data + b.items[i].off, a.items[i].len);
			if (!same) {
				fuzz_dump("first", a.texts.data + a.items[i].off, a.items[i].len);
				fuzz_dump("second", b.texts.data + b.items[i].off, b.items[i].len);
				fuzz_dump("printed", o.data, o.len);
			}
			FUZZ_CHECK(same, "indicator %zu differs (kinds %d, %d)", i, (int)a.items[i].kind, (int)b.items[i].kind);
		}
		rcx_strbuf_free(&o);
	}
	rcx_strbuf_free(&a.texts);
	rcx_strbuf_free(&b.texts);
	return 0;
}
