/* SHA-1 as FIPS 180-4 §6.1 describes it: 64-byte blocks, an 80-word schedule, five 32-bit
 * chaining words; the message is padded with 0x80, zeros and its bit length (big-endian).
 * Bounded: constant memory, one block buffered. */
#include "core/sha1.h"

#include <string.h>

static uint32_t rol(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80];
	for (unsigned t = 0; t < 16; t++)
		w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 |
		       (uint32_t)p[4 * t + 3];
	for (unsigned t = 16; t < 80; t++)
		w[t] = rol(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (unsigned t = 0; t < 80; t++) {
		uint32_t f, k;
		if (t < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999u;
		} else if (t < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1u;
		} else if (t < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdcu;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6u;
		}
		uint32_t tmp = rol(a, 5) + f + e + k + w[t];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = tmp;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void rcx_sha1_init(struct rcx_sha1 *c)
{
	static const uint32_t iv[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};
	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
	c->fill = 0;
}

void rcx_sha1_update(struct rcx_sha1 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	c->len += len;
	while (len > 0) {
		size_t n = 64 - c->fill;
		if (n > len)
			n = len;
		memcpy(c->block + c->fill, p, n);
		c->fill += n;
		p += n;
		len -= n;
		if (c->fill == 64) {
			sha1_block(c->h, c->block);
			c->fill = 0;
		}
	}
}

void rcx_sha1_final(struct rcx_sha1 *c, uint8_t ret_digest[RCX_SHA1_LEN])
{
	uint64_t bits = c->len * 8;
	uint8_t pad = 0x80;
	rcx_sha1_update(c, &pad, 1);
	pad = 0;
	while (c->fill != 56)
		rcx_sha1_update(c, &pad, 1);
	uint8_t lenbuf[8];
	for (unsigned i = 0; i < 8; i++)
		lenbuf[i] = (uint8_t)(bits >> (56 - 8 * i));
	rcx_sha1_update(c, lenbuf, 8);
	for (unsigned i = 0; i < 5; i++) {
		ret_digest[4 * i] = (uint8_t)(c->h[i] >> 24);
		ret_digest[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		ret_digest[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		ret_digest[4 * i + 3] = (uint8_t)c->h[i];
	}
}

void rcx_uuid5(const uint8_t ns[16], const char *name, size_t len, uint8_t ret_uuid[16])
{
	struct rcx_sha1 c;
	uint8_t d[RCX_SHA1_LEN];
	rcx_sha1_init(&c);
	rcx_sha1_update(&c, ns, 16);
	rcx_sha1_update(&c, name, len);
	rcx_sha1_final(&c, d);
	d[6] = (uint8_t)((d[6] & 0x0f) | 0x50); /* version 5 */
	d[8] = (uint8_t)((d[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	memcpy(ret_uuid, d, 16);
}

void rcx_uuid_format(const uint8_t u[16], char ret_text[37])
{
	static const char hex[] = "0123456789abcdef";
	char *p = ret_text;
	for (unsigned i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[u[i] >> 4];
		*p++ = hex[u[i] & 15];
	}
	*p = '\0';
}

int rcx_uuid_parse(const char *s, size_t len, uint8_t ret_uuid[16])
{
	uint8_t u[16];
	size_t j = 0;
	if (len != 36)
		return -1;
	for (size_t i = 0; i < 36;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			i++;
			continue;
		}
		int hi = -1, lo = -1;
		if (s[i] >= '0' && s[i] <= '9')
			hi = s[i] - '0';
		else if ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'f')
			hi = (s[i] | 32) - 'a' + 10;
		if (s[i + 1] >= '0' && s[i + 1] <= '9')
			lo = s[i + 1] - '0';
		else if ((s[i + 1] | 32) >= 'a' && (s[i + 1] | 32) <= 'f')
			lo = (s[i + 1] | 32) - 'a' + 10;
		if (hi < 0 || lo < 0)
			return -1;
		u[j++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	memcpy(ret_uuid, u, 16);
	return 0;
}
