/* The streaming bundle writer: {"type":"bundle","id":...,"objects":[ obj,\n obj ... ]}.
 *
 * Objects are handed to the output callback as soon as each is serialised. What the writer keeps is
 * the set of objects it already wrote, so that an observable, an identity or a marking shared by many
 * events appears once: an open-addressing table of 16-byte keys (the object's UUID with its marking
 * folded in, because the same observable may travel under different TLPs), grown by doubling up to
 * RCX_STIX_SEEN_MAX entries. Past that it stops remembering and repeats are written again, which
 * STIX allows (same id, same content); memory stays bounded either way. The bundle's own opening is
 * written with the first object, so an empty export is a bundle without "objects" (the schema wants
 * at least one object when the property is present). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/sha1.h"
#include "share/share_stix.h"

#define KEY_LEN 16

static bool key_zero(const unsigned char *k)
{
	for (int i = 0; i < KEY_LEN; i++)
		if (k[i])
			return false;
	return true;
}

static size_t key_slot(const unsigned char *k, size_t cap)
{
	uint64_t h;
	memcpy(&h, k, sizeof(h));
	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* Inserts k; true when it was already there. Stops remembering at RCX_STIX_SEEN_MAX. */
static bool seen_add(struct share_stix_bundle *b, const unsigned char *k)
{
	if (b->seen_n * 2 >= b->seen_cap) {
		size_t cap = b->seen_cap ? b->seen_cap * 2 : 1024;
		if (b->seen_n >= RCX_STIX_SEEN_MAX)
			return false;
		unsigned char *t = calloc(cap, KEY_LEN);
		if (!t)
			return false; /* without memory, repeats are written: still a valid bundle */
		for (size_t i = 0; i < b->seen_cap; i++) {
			unsigned char *old = b->seen + i * KEY_LEN;
			if (key_zero(old))
				continue;
			size_t j = key_slot(old, cap);
			while (!key_zero(t + j * KEY_LEN))
				j = (j + 1) & (cap - 1);
			memcpy(t + j * KEY_LEN, old, KEY_LEN);
		}
		free(b->seen);
		b->seen = t;
		b->seen_cap = cap;
	}
	size_t j = key_slot(k, b->seen_cap);
	while (!key_zero(b->seen + j * KEY_LEN)) {
		if (!memcmp(b->seen + j * KEY_LEN, k, KEY_LEN))
			return true;
		j = (j + 1) & (b->seen_cap - 1);
	}
	memcpy(b->seen + j * KEY_LEN, k, KEY_LEN);
	b->seen_n++;
	return false;
}

/* The key of an object: its id hashed with the marking it is written under. */
static void object_key(const char *id, size_t len, enum rcx_tlp tlp, unsigned char ret_key[KEY_LEN])
{
	struct rcx_sha1 c;
	uint8_t d[RCX_SHA1_LEN];
	unsigned char t = (unsigned char)tlp;
	rcx_sha1_init(&c);
	rcx_sha1_update(&c, id, len);
	rcx_sha1_update(&c, &t, 1);
	rcx_sha1_final(&c, d);
	memcpy(ret_key, d, KEY_LEN);
	if (key_zero(ret_key))
		ret_key[0] = 1; /* zero marks an empty slot */
}

static enum rcx_result put_object(struct share_stix_bundle *b, const char *json, size_t len)
{
	enum rcx_result rc;
	if (b->n_objects == 0) {
		rc = b->out(b->out_ctx, b->obj.data, b->obj.len); /* the opening kept by begin */
		if (rc != RCX_OK)
			return rc;
		rc = b->out(b->out_ctx, ",\"objects\":[\n", 13);
	} else {
		rc = b->out(b->out_ctx, ",\n", 2);
	}
	if (rc == RCX_OK)
		rc = b->out(b->out_ctx, json, len);
	if (rc == RCX_OK)
		b->n_objects++;
	return rc;
}

/* The object callback of share_stix_event_objects: skips objects already written. */
static enum rcx_result bundle_object(void *ctx, const char *json, size_t len)
{
	struct share_stix_bundle *b = ctx;
	const char *id = memmem(json, len, "\"id\":\"", 6);
	if (id) {
		id += 6;
		const char *end = memchr(id, '"', len - (size_t)(id - json));
		unsigned char k[KEY_LEN];
		if (end) {
			object_key(id, (size_t)(end - id), b->cur_tlp, k);
			if (seen_add(b, k))
				return RCX_OK;
		}
	}
	return put_object(b, json, len);
}

enum rcx_result share_stix_bundle_begin(struct share_stix_bundle *b, const struct share_stix_options *opt,
					share_stix_out_cb out, void *out_ctx)
{
	memset(b, 0, sizeof(*b));
	b->opt = *opt;
	b->out = out;
	b->out_ctx = out_ctx;
	b->obj = (struct rcx_strbuf)RCX_STRBUF_INIT(RCX_STIX_OBJECT_MAX);
	uint8_t u[16];
	char text[37];
	randombytes_buf(u, sizeof(u));
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40); /* version 4: a bundle is a transport envelope, not data */
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
	rcx_uuid_format(u, text);
	/* kept in obj until the first object (see the top of this file) */
	return rcx_strbuf_printf(&b->obj, "{\"type\":\"bundle\",\"id\":\"bundle--%s\"", text);
}

/* A marking definition or identity, once per bundle. */
static enum rcx_result put_once(struct share_stix_bundle *b, const char *id, struct rcx_strbuf *tmp)
{
	unsigned char k[KEY_LEN];
	object_key(id, strlen(id), b->cur_tlp, k);
	if (seen_add(b, k))
		return RCX_OK;
	return put_object(b, tmp->data, tmp->len);
}

enum rcx_result share_stix_bundle_event(struct share_stix_bundle *b, const struct event *ev)
{
	if (b->failure)
		return b->failure;
	struct rcx_strbuf tmp = RCX_STRBUF_INIT(RCX_STIX_OBJECT_MAX);
	enum rcx_result rc = RCX_OK;
	b->cur_tlp = share_stix_event_tlp(ev);
	for (int v1 = 0; v1 < 2 && rc == RCX_OK; v1++) {
		const char *mid = share_stix_marking_id(b->cur_tlp, v1);
		if (!mid || (v1 && !(b->opt.flags & SHARE_STIX_TLP1)))
			continue;
		rcx_strbuf_clear(&tmp);
		rc = share_stix_marking_write(b->cur_tlp, v1, &tmp);
		if (rc == RCX_OK)
			rc = put_once(b, mid, &tmp);
	}
	if (rc == RCX_OK && ev->f[EF_RCX_ORG]) {
		char iid[SHARE_STIX_ID_MAX];
		share_stix_identity_id(ev->f[EF_RCX_ORG], iid);
		rcx_strbuf_clear(&tmp);
		rc = share_stix_identity_write(ev->f[EF_RCX_ORG], b->cur_tlp, b->opt.flags, &tmp);
		if (rc == RCX_OK)
			rc = put_once(b, iid, &tmp);
	}
	if (rc == RCX_OK) {
		rc = share_stix_event_objects(&b->opt, ev, bundle_object, b);
		if (rc == RCX_ENOTFOUND) {
			b->n_skipped++;
			rc = RCX_OK;
		} else if (rc == RCX_OK) {
			b->n_events++;
		}
	}
	rcx_strbuf_free(&tmp);
	if (rc != RCX_OK)
		b->failure = rc;
	return rc;
}

enum rcx_result share_stix_bundle_end(struct share_stix_bundle *b)
{
	if (b->failure)
		return b->failure;
	if (b->n_objects == 0) {
		enum rcx_result rc = b->out(b->out_ctx, b->obj.data, b->obj.len);
		return rc == RCX_OK ? b->out(b->out_ctx, "}\n", 2) : rc;
	}
	return b->out(b->out_ctx, "\n]}\n", 4);
}

void share_stix_bundle_free(struct share_stix_bundle *b)
{
	rcx_strbuf_free(&b->obj);
	free(b->seen);
	b->seen = NULL;
	b->seen_cap = b->seen_n = 0;
}
