/* Unit tests of image decoding for PDQ, on pictures made here with Debian's encoders (pdq_encode.h):
 * how alpha, palettes, grey, 16-bit samples, CMYK, interlacing, GIF frames, WebP and the 512×512
 * reduction are handled, and the refusal of truncated, empty, foreign, oversized and bomb-like files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/limits.h"
#include "pdq_test.h"

static void test_alpha_ignored(void **state)
{
	(void)state;
	const uint32_t w = 160, h = 120;
	uint8_t *rgb = enc_synth_rgb(w, h, 3), *rgba = malloc((size_t)w * h * 4), *ga = malloc((size_t)w * h * 2),
		*g = malloc((size_t)w * h);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		memcpy(rgba + 4 * i, rgb + 3 * i, 3);
		rgba[4 * i + 3] = (uint8_t)(1 + i % 255); /* never 0: WebP may rewrite fully transparent pixels */
		g[i] = rgb[3 * i];
		ga[2 * i] = g[i];
		ga[2 * i + 1] = (uint8_t)(i * 7);
	}
	struct enc_buf p_rgb = enc_png_simple(rgb, w, h, 3);
	struct enc_buf p_rgba = enc_png(w, h, 8, PNG_COLOR_TYPE_RGBA, false, rgba, (size_t)w * 4, NULL, 0, NULL, 0);
	struct enc_buf p_g = enc_png_simple(g, w, h, 1);
	struct enc_buf p_ga = enc_png(w, h, 8, PNG_COLOR_TYPE_GRAY_ALPHA, false, ga, (size_t)w * 2, NULL, 0, NULL, 0);
	struct enc_buf w_rgb = enc_webp(rgb, w, h, 3, 0), w_rgba = enc_webp(rgba, w, h, 4, 0);
	struct referral_pdq_result a = hash_buf(&p_rgb), b = hash_buf(&p_rgba);
	assert_int_equal(dist(&a, &b), 0);
	b = hash_buf(&w_rgb);
	assert_int_equal(dist(&a, &b), 0);
	b = hash_buf(&w_rgba);
	assert_int_equal(dist(&a, &b), 0);
	struct referral_image img = decode_ok(&p_rgba, 0);
	assert_true(img.flags & REFERRAL_IMAGE_ALPHA);
	assert_int_equal(img.channels, 3);
	referral_image_free(&img);
	a = hash_buf(&p_g);
	b = hash_buf(&p_ga);
	assert_int_equal(dist(&a, &b), 0);
	img = decode_ok(&p_ga, 0);
	assert_int_equal(img.channels, 1);
	assert_true(img.flags & REFERRAL_IMAGE_ALPHA);
	referral_image_free(&img);
	free(rgb);
	free(rgba);
	free(ga);
	free(g);
	free(p_rgb.data);
	free(p_rgba.data);
	free(p_g.data);
	free(p_ga.data);
	free(w_rgb.data);
	free(w_rgba.data);
}

/* A palette image (PNG with and without tRNS, GIF) hashes as its RGB expansion. */
static void test_palette(void **state)
{
	(void)state;
	const uint32_t w = 150, h = 110;
	uint8_t pal[16 * 3], trns[16], *idx = malloc((size_t)w * h), *rgb = malloc((size_t)w * h * 3);
	for (int i = 0; i < 16; i++) {
		pal[3 * i] = (uint8_t)(i * 16);
		pal[3 * i + 1] = (uint8_t)(255 - i * 13);
		pal[3 * i + 2] = (uint8_t)(i * i);
		trns[i] = (uint8_t)(i * 17);
	}
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			uint8_t k = (uint8_t)(((x / 9) + (y / 7) * 3 + (x * y / 500)) % 16);
			idx[y * w + x] = k;
			memcpy(rgb + ((size_t)y * w + x) * 3, pal + 3 * k, 3);
		}
	struct enc_buf png_rgb = enc_png_simple(rgb, w, h, 3);
	struct enc_buf png_p = enc_png(w, h, 8, PNG_COLOR_TYPE_PALETTE, false, idx, w, pal, 16, NULL, 0);
	struct enc_buf png_pt = enc_png(w, h, 8, PNG_COLOR_TYPE_PALETTE, false, idx, w, pal, 16, trns, 16);
	const uint8_t *frames[1] = {idx};
	struct enc_buf gif = enc_gif(frames, 1, w, h, pal, 16, false);
	struct referral_pdq_result a = hash_buf(&png_rgb), b = hash_buf(&png_p), c = hash_buf(&png_pt),
				   d = hash_buf(&gif);
	assert_int_equal(dist(&a, &b), 0);
	assert_int_equal(dist(&a, &c), 0);
	assert_int_equal(dist(&a, &d), 0);
	struct referral_image img = decode_ok(&png_pt, 0);
	assert_true(img.flags & REFERRAL_IMAGE_PALETTE);
	assert_true(img.flags & REFERRAL_IMAGE_ALPHA);
	assert_int_equal(img.channels, 3);
	assert_memory_equal(img.pixels, rgb, (size_t)w * h * 3);
	referral_image_free(&img);
	img = decode_ok(&gif, 0);
	assert_memory_equal(img.pixels, rgb, (size_t)w * h * 3);
	referral_image_free(&img);
	free(idx);
	free(rgb);
	free(png_rgb.data);
	free(png_p.data);
	free(png_pt.data);
	free(gif.data);
}

/* Grey stays one channel, luminance = the grey value; colour files whose pixels are all grey are
 * returned as grey (bit-identical to the grey file); a 1-bit image is 0/255. */
static void test_grey(void **state)
{
	(void)state;
	const uint32_t w = 130, h = 90;
	uint8_t *rgb = enc_synth_rgb(w, h, 4), *g = malloc((size_t)w * h), *g3 = malloc((size_t)w * h * 3);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		g[i] = rgb[3 * i + 1];
		memset(g3 + 3 * i, g[i], 3);
	}
	struct enc_buf pg = enc_png_simple(g, w, h, 1), pg3 = enc_png_simple(g3, w, h, 3);
	struct referral_image a = decode_ok(&pg, 0), b = decode_ok(&pg3, 0);
	assert_int_equal(a.channels, 1);
	assert_int_equal(b.channels, 1);
	assert_true(b.flags & REFERRAL_IMAGE_GREYRGB);
	assert_memory_equal(a.pixels, b.pixels, (size_t)w * h);
	struct referral_pdq_result ra = hash_buf(&pg), rb = hash_buf(&pg3);
	assert_int_equal(dist(&ra, &rb), 0);
	referral_image_free(&a);
	referral_image_free(&b);

	struct enc_buf jg = enc_jpeg(g, w, h, 1, JCS_GRAYSCALE, 90, false, false);
	a = decode_ok(&jg, 0);
	assert_int_equal(a.channels, 1);
	referral_image_free(&a);

	/* 1-bit: bit set = white */
	uint8_t *bits = calloc(h, (w + 7) / 8), *g8 = malloc((size_t)w * h);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			bool on = ((x / 10) + (y / 6)) % 3 == 0;
			if (on)
				bits[y * ((w + 7) / 8) + x / 8] |= (uint8_t)(0x80 >> (x % 8));
			g8[y * w + x] = on ? 255 : 0;
		}
	struct enc_buf p1 = enc_png(w, h, 1, PNG_COLOR_TYPE_GRAY, false, bits, (w + 7) / 8, NULL, 0, NULL, 0);
	a = decode_ok(&p1, 0);
	assert_memory_equal(a.pixels, g8, (size_t)w * h);
	referral_image_free(&a);
	free(rgb);
	free(g);
	free(g3);
	free(bits);
	free(g8);
	free(pg.data);
	free(pg3.data);
	free(jg.data);
	free(p1.data);
}

/* 16-bit samples are scaled with rounding (v × 255 / 65535), not cut to their low byte as the
 * reference's loader does (pdq/README.md: the I16.png artefact). */
static void test_depth16(void **state)
{
	(void)state;
	const uint32_t w = 120, h = 100;
	uint8_t *rgb = enc_synth_rgb(w, h, 5), *raw = malloc((size_t)w * h * 2), *scaled = malloc((size_t)w * h),
		*low = malloc((size_t)w * h);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		unsigned v = rgb[3 * i] * 257u + (unsigned)((i * 7919) % 251) - 125u;
		if (v > 65535)
			v = 65535;
		raw[2 * i] = (uint8_t)(v >> 8);
		raw[2 * i + 1] = (uint8_t)v;
		scaled[i] = (uint8_t)((v * 255u + 32767u) / 65535u);
		low[i] = (uint8_t)v;
	}
	struct enc_buf p16 = enc_png(w, h, 16, PNG_COLOR_TYPE_GRAY, false, raw, (size_t)w * 2, NULL, 0, NULL, 0);
	struct enc_buf p8 = enc_png_simple(scaled, w, h, 1), plow = enc_png_simple(low, w, h, 1);
	struct referral_image img = decode_ok(&p16, 0);
	assert_true(img.flags & REFERRAL_IMAGE_DEPTH16);
	assert_memory_equal(img.pixels, scaled, (size_t)w * h);
	referral_image_free(&img);
	struct referral_pdq_result a = hash_buf(&p16), b = hash_buf(&p8), c = hash_buf(&plow);
	assert_int_equal(dist(&a, &b), 0);
	print_message("  16-bit: low-byte reading (the reference's artefact) would differ by %d bits\n", dist(&a, &c));
	assert_true(dist(&a, &c) > 32);
	free(rgb);
	free(raw);
	free(scaled);
	free(low);
	free(p16.data);
	free(p8.data);
	free(plow.data);
}

static int max_pixel_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	int worst = 0;
	for (size_t i = 0; i < n; i++) {
		int d = abs((int)a[i] - (int)b[i]);
		worst = d > worst ? d : worst;
	}
	return worst;
}

/* CMYK JPEGs become RGB: inverted (Adobe marker, as Photoshop and Pillow write them) or plain. */
static void test_cmyk(void **state)
{
	(void)state;
	const uint32_t w = 128, h = 96;
	uint8_t *rgb = enc_synth_rgb(w, h, 6), *inv = malloc((size_t)w * h * 4), *plain = malloc((size_t)w * h * 4);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		for (int k = 0; k < 3; k++) {
			inv[4 * i + k] = rgb[3 * i + k];
			plain[4 * i + k] = (uint8_t)(255 - rgb[3 * i + k]);
		}
		inv[4 * i + 3] = 255;
		plain[4 * i + 3] = 0;
	}
	struct enc_buf adobe = enc_jpeg(inv, w, h, 4, JCS_CMYK, 100, true, false);
	struct enc_buf noadobe = enc_jpeg(plain, w, h, 4, JCS_CMYK, 100, false, false);
	struct enc_buf ref = enc_png_simple(rgb, w, h, 3);
	struct referral_image a = decode_ok(&adobe, 0), b = decode_ok(&noadobe, 0);
	assert_true(a.flags & REFERRAL_IMAGE_CMYK);
	assert_int_equal(a.channels, 3);
	assert_in_range(max_pixel_diff(a.pixels, rgb, (size_t)w * h * 3), 0, 4);
	assert_in_range(max_pixel_diff(b.pixels, rgb, (size_t)w * h * 3), 0, 4);
	struct referral_pdq_result ra = hash_buf(&adobe), rb = hash_buf(&noadobe), rr = hash_buf(&ref);
	print_message("  CMYK: %d and %d bits from the RGB original\n", dist(&ra, &rr), dist(&rb, &rr));
	assert_in_range(dist(&ra, &rr), 0, 10);
	assert_in_range(dist(&rb, &rr), 0, 10);
	referral_image_free(&a);
	referral_image_free(&b);
	free(rgb);
	free(inv);
	free(plain);
	free(adobe.data);
	free(noadobe.data);
	free(ref.data);
}

/* Interlaced PNG and GIF, progressive JPEG: the same pixels as their plain versions, at full size
 * and reduced. */
static void test_interlace_progressive(void **state)
{
	(void)state;
	const uint32_t w = 700, h = 530;
	uint8_t *rgb = enc_synth_rgb(w, h, 7), *idx = malloc((size_t)w * h), pal[256 * 3];
	for (int i = 0; i < 256; i++) {
		pal[3 * i] = (uint8_t)i;
		pal[3 * i + 1] = (uint8_t)(i * 3);
		pal[3 * i + 2] = (uint8_t)(255 - i);
	}
	for (size_t i = 0; i < (size_t)w * h; i++)
		idx[i] = rgb[3 * i];
	const uint8_t *frames[1] = {idx};
	struct enc_buf pairs[3][2] = {
		{enc_png_simple(rgb, w, h, 3),
		 enc_png(w, h, 8, PNG_COLOR_TYPE_RGB, true, rgb, (size_t)w * 3, NULL, 0, NULL, 0)},
		{enc_gif(frames, 1, w, h, pal, 256, false), enc_gif(frames, 1, w, h, pal, 256, true)},
		{enc_jpeg(rgb, w, h, 3, JCS_RGB, 85, false, false), enc_jpeg(rgb, w, h, 3, JCS_RGB, 85, false, true)},
	};
	for (int k = 0; k < 3; k++) {
		for (uint32_t fit = 0; fit <= REFERRAL_PDQ_SIDE; fit += REFERRAL_PDQ_SIDE) {
			struct referral_image a = decode_ok(&pairs[k][0], fit), b = decode_ok(&pairs[k][1], fit);
			assert_int_equal(a.width, b.width);
			assert_int_equal(a.height, b.height);
			assert_int_equal(a.channels, b.channels);
			assert_memory_equal(a.pixels, b.pixels, (size_t)a.width * a.height * a.channels);
			referral_image_free(&a);
			referral_image_free(&b);
		}
		free(pairs[k][0].data);
		free(pairs[k][1].data);
	}
	free(rgb);
	free(idx);
}

/* The first frame of an animated GIF is hashed. */
static void test_gif_first_frame(void **state)
{
	(void)state;
	const uint32_t w = 90, h = 70;
	uint8_t pal[4 * 3] = {0, 0, 0, 255, 255, 255, 200, 30, 30, 30, 30, 200};
	uint8_t *f0 = malloc((size_t)w * h), *f1 = malloc((size_t)w * h);
	for (uint32_t i = 0; i < w * h; i++) {
		f0[i] = (uint8_t)((i % w) / 23 + (i / w) / 31) % 4;
		f1[i] = (uint8_t)(3 - f0[i]);
	}
	const uint8_t *both[2] = {f0, f1}, *first[1] = {f0}, *second[1] = {f1};
	struct enc_buf anim = enc_gif(both, 2, w, h, pal, 4, false), one = enc_gif(first, 1, w, h, pal, 4, false),
		       two = enc_gif(second, 1, w, h, pal, 4, false);
	struct referral_pdq_result a = hash_buf(&anim), b = hash_buf(&one), c = hash_buf(&two);
	assert_int_equal(dist(&a, &b), 0);
	assert_true(dist(&a, &c) > 0);
	free(f0);
	free(f1);
	free(anim.data);
	free(one.data);
	free(two.data);
}

/* Larger than 512 on a side: exactly 512 × 512, nearest neighbour at floor(i × size / 512). */
static void test_reduction_rule(void **state)
{
	(void)state;
	static const uint32_t sizes[][2] = {{1030, 700}, {1000, 300}, {512, 600}, {513, 513}, {512, 512}};
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint32_t w = sizes[k][0], h = sizes[k][1];
		uint8_t *rgb = enc_synth_rgb(w, h, 8);
		struct enc_buf b = enc_png_simple(rgb, w, h, 3);
		struct referral_image img = decode_ok(&b, REFERRAL_PDQ_SIDE);
		uint32_t dw = w > 512 || h > 512 ? 512 : w, dh = w > 512 || h > 512 ? 512 : h;
		assert_int_equal(img.width, dw);
		assert_int_equal(img.height, dh);
		assert_int_equal(img.src_width, w);
		for (uint32_t y = 0; y < dh; y++)
			for (uint32_t x = 0; x < dw; x++) {
				const uint8_t *p = img.pixels + ((size_t)y * dw + x) * 3;
				const uint8_t *q = rgb + ((size_t)((uint64_t)y * h / dh) * w + (uint64_t)x * w / dw) * 3;
				if (memcmp(p, q, 3) != 0)
					fail_msg("%ux%u: pixel (%u,%u) is not the nearest neighbour", w, h, x, y);
			}
		assert_int_equal(!!(img.flags & REFERRAL_IMAGE_RESIZED), dw != w || dh != h);
		referral_image_free(&img);
		free(rgb);
		free(b.data);
	}
}

static void test_webp(void **state)
{
	(void)state;
	const uint32_t w = 300, h = 220;
	uint8_t *rgb = enc_synth_rgb(w, h, 9);
	struct enc_buf png = enc_png_simple(rgb, w, h, 3), lossless = enc_webp(rgb, w, h, 3, 0),
		       lossy = enc_webp(rgb, w, h, 3, 90);
	struct referral_pdq_result a = hash_buf(&png), b = hash_buf(&lossless), c = hash_buf(&lossy);
	assert_int_equal(dist(&a, &b), 0);
	print_message("  lossy WebP (q 90): %d bits from the original\n", dist(&a, &c));
	assert_in_range(dist(&a, &c), 0, 10);
	free(rgb);
	free(png.data);
	free(lossless.data);
	free(lossy.data);
}

/* ---- refusals ---- */

static void test_refuse_truncated(void **state)
{
	(void)state;
	const uint32_t w = 200, h = 150;
	uint8_t *rgb = enc_synth_rgb(w, h, 10), *idx = malloc((size_t)w * h), pal[256 * 3];
	for (int i = 0; i < 256; i++)
		memset(pal + 3 * i, i, 3);
	for (size_t i = 0; i < (size_t)w * h; i++)
		idx[i] = rgb[3 * i + 2];
	const uint8_t *frames[1] = {idx};
	struct {
		struct enc_buf b;
		size_t keep_tail; /* bytes at the end whose loss leaves the image whole */
	} files[] = {
		{enc_jpeg(rgb, w, h, 3, JCS_RGB, 90, false, false), 0},
		{enc_jpeg(rgb, w, h, 3, JCS_RGB, 90, false, true), 0},
		{enc_png_simple(rgb, w, h, 3), 0},
		{enc_png(w, h, 8, PNG_COLOR_TYPE_RGB, true, rgb, (size_t)w * 3, NULL, 0, NULL, 0), 0},
		{enc_webp(rgb, w, h, 3, 80), 0},
		{enc_webp(rgb, w, h, 3, 0), 0},
		{enc_gif(frames, 1, w, h, pal, 256, false), 1}, /* the trailer byte is not needed */
	};
	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		const struct enc_buf *b = &files[k].b;
		struct referral_image img = decode_ok(b, 0); /* whole: fine */
		referral_image_free(&img);
		size_t cuts[] = {1, 2, 3, 8, 16, 40, b->len / 4, b->len / 2, b->len * 3 / 4, b->len - 2 - files[k].keep_tail,
				 b->len - 1 - files[k].keep_tail};
		for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++)
			assert_refused(b->data, cuts[c], NULL, RCX_OK);
		free(files[k].b.data);
	}
	free(rgb);
	free(idx);
}

static void test_refuse_not_images(void **state)
{
	(void)state;
	static const char md[] = "# PDQ test corpus\n\nImages and hash lists from ...\n";
	assert_refused((const uint8_t *)md, sizeof(md) - 1, NULL, RCX_EUNSUPPORTED);
	assert_refused((const uint8_t *)"", 0, NULL, RCX_EPARSE);
	static const uint8_t fake_jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 2, 3, 4, 5, 6, 7};
	assert_refused(fake_jpeg, sizeof(fake_jpeg), NULL, RCX_EPARSE);
	static const uint8_t fake_png[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\1\0\0\0\1\x08\x02\0\0\0\xff\xff\xff\xff";
	assert_refused(fake_png, sizeof(fake_png) - 1, NULL, RCX_EPARSE); /* bad CRC */
	static const uint8_t fake_webp[] = "RIFF\x10\0\0\0WEBPVP8 \x04\0\0\0abcd";
	assert_refused(fake_webp, sizeof(fake_webp) - 1, NULL, RCX_EPARSE);
	static const uint8_t fake_gif[] = "GIF89a\x01\0\x01\0\0\0\0;";
	assert_refused(fake_gif, sizeof(fake_gif) - 1, NULL, RCX_EPARSE); /* no colour table, no image */
	assert_int_equal(referral_image_detect((const uint8_t *)md, sizeof(md) - 1), REFERRAL_IMAGE_FORMAT_MAX);
	assert_string_equal(referral_image_format_name(REFERRAL_IMAGE_WEBP), "webp");
	assert_string_equal(referral_image_format_name(REFERRAL_IMAGE_FORMAT_MAX), "unknown");
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A PNG chunk with its CRC. */
static void png_chunk(struct enc_buf *b, const char *type, const uint8_t *data, uint32_t len)
{
	uint8_t hdr[8];
	put_be32(hdr, len);
	memcpy(hdr + 4, type, 4);
	enc_put(b, hdr, 8);
	if (len)
		enc_put(b, data, len);
	uLong crc = crc32(0, (const Bytef *)type, 4);
	if (len)
		crc = crc32(crc, data, len);
	put_be32(hdr, (uint32_t)crc);
	enc_put(b, hdr, 4);
}

/* A grey 8-bit PNG of w × h zero pixels, deflated row by row (a decompression bomb when large). */
static struct enc_buf png_zeros(uint32_t w, uint32_t h)
{
	struct enc_buf b = {0}, idat = {0};
	enc_put(&b, "\x89PNG\r\n\x1a\n", 8);
	uint8_t ihdr[13] = {0};
	put_be32(ihdr, w);
	put_be32(ihdr + 4, h);
	ihdr[8] = 8;
	png_chunk(&b, "IHDR", ihdr, 13);
	z_stream z = {0};
	assert_int_equal(deflateInit(&z, 9), Z_OK);
	uint8_t *row = calloc(1, (size_t)w + 1), out[65536];
	for (uint32_t y = 0; y <= h; y++) {
		z.next_in = row;
		z.avail_in = y < h ? w + 1 : 0;
		int flush = y < h ? Z_NO_FLUSH : Z_FINISH, zr;
		do {
			z.next_out = out;
			z.avail_out = sizeof(out);
			zr = deflate(&z, flush);
			enc_put(&idat, out, sizeof(out) - z.avail_out);
		} while (z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	}
	deflateEnd(&z);
	png_chunk(&b, "IDAT", idat.data, (uint32_t)idat.len);
	png_chunk(&b, "IEND", NULL, 0);
	free(row);
	free(idat.data);
	return b;
}

static void test_refuse_oversize(void **state)
{
	(void)state;
	/* PNG header claims: over the side limit, over libpng's own limit, over the pixel limit */
	static const uint32_t png_dims[][2] = {{40000, 10}, {2000000, 10}, {20000, 20000}};
	for (size_t k = 0; k < 3; k++) {
		struct enc_buf b = {0};
		enc_put(&b, "\x89PNG\r\n\x1a\n", 8);
		uint8_t ihdr[13] = {0};
		put_be32(ihdr, png_dims[k][0]);
		put_be32(ihdr + 4, png_dims[k][1]);
		ihdr[8] = 8;
		ihdr[9] = 2;
		png_chunk(&b, "IHDR", ihdr, 13);
		png_chunk(&b, "IDAT", (const uint8_t *)"\x78\x9c\x03\x00\x00\x00\x00\x01", 8);
		png_chunk(&b, "IEND", NULL, 0);
		assert_refused(b.data, b.len, NULL, RCX_ELIMIT);
		free(b.data);
	}
	/* JPEG: a small file whose frame header is patched */
	uint8_t *rgb = enc_synth_rgb(16, 16, 11);
	struct enc_buf j = enc_jpeg(rgb, 16, 16, 3, JCS_RGB, 90, false, false);
	size_t sof = 0;
	for (size_t i = 2; i + 9 < j.len; i++)
		if (j.data[i] == 0xff && j.data[i + 1] == 0xc0) {
			sof = i;
			break;
		}
	assert_true(sof > 0);
	static const uint16_t jpeg_dims[][2] = {{60000, 16}, {20000, 20000}};
	for (size_t k = 0; k < 2; k++) {
		j.data[sof + 5] = (uint8_t)(jpeg_dims[k][1] >> 8);
		j.data[sof + 6] = (uint8_t)jpeg_dims[k][1];
		j.data[sof + 7] = (uint8_t)(jpeg_dims[k][0] >> 8);
		j.data[sof + 8] = (uint8_t)jpeg_dims[k][0];
		assert_refused(j.data, j.len, NULL, RCX_ELIMIT);
	}
	free(j.data);
	/* GIF: a 65535 × 65535 frame */
	uint8_t pal[6] = {0, 0, 0, 255, 255, 255}, idx[64] = {0};
	const uint8_t *frames[1] = {idx};
	struct enc_buf g = enc_gif(frames, 1, 8, 8, pal, 2, false);
	size_t desc = 6 + 7 + 6;
	assert_int_equal(g.data[desc], 0x2c);
	memset(g.data + desc + 5, 0xff, 4);
	assert_refused(g.data, g.len, NULL, RCX_ELIMIT);
	free(g.data);
	/* WebP lossless: 16384 × 16384 in its header */
	struct enc_buf wp = enc_webp(rgb, 16, 16, 3, 0);
	assert_int_equal(wp.data[20], 0x2f);
	uint32_t bits = 16383u | (16383u << 14);
	wp.data[21] = (uint8_t)bits;
	wp.data[22] = (uint8_t)(bits >> 8);
	wp.data[23] = (uint8_t)(bits >> 16);
	wp.data[24] = (uint8_t)((wp.data[24] & 0xf0) | (bits >> 24));
	assert_refused(wp.data, wp.len, NULL, RCX_ELIMIT);
	free(wp.data);
	free(rgb);
	/* More bytes than any image may have, and a caller's smaller pixel limit */
	uint8_t *big = calloc(1, (size_t)RCX_IMAGE_BYTES_MAX + 1);
	memcpy(big, "\x89PNG\r\n\x1a\n", 8);
	assert_refused(big, (size_t)RCX_IMAGE_BYTES_MAX + 1, NULL, RCX_ELIMIT);
	free(big);
	rgb = enc_synth_rgb(300, 300, 12);
	struct enc_buf p = enc_png_simple(rgb, 300, 300, 3);
	const struct referral_image_opts small = {.pixels_max = 10000};
	assert_refused(p.data, p.len, &small, RCX_ELIMIT);
	free(p.data);
	free(rgb);
}

/* A PNG bomb: 36 M zero pixels in a few tens of KB. Over a caller's limit it is refused before any
 * inflating; within the default limit it is decoded row by row into 512 × 512 (flat: quality 0). */
static void test_png_bomb(void **state)
{
	(void)state;
	struct enc_buf b = png_zeros(6000, 6000);
	print_message("  bomb: 6000x6000 pixels in %zu bytes\n", b.len);
	assert_true(b.len < 200000);
	const struct referral_image_opts o = {.fit = REFERRAL_PDQ_SIDE, .pixels_max = 4000000};
	assert_refused(b.data, b.len, &o, RCX_ELIMIT);
	struct referral_pdq_result r = hash_buf(&b);
	assert_int_equal(r.quality, 0);
	free(b.data);
	/* a header over the pixel limit is refused without reading the data */
	b = png_zeros(9000, 8000);
	assert_refused(b.data, b.len, NULL, RCX_ELIMIT);
	free(b.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alpha_ignored),
		cmocka_unit_test(test_palette),
		cmocka_unit_test(test_grey),
		cmocka_unit_test(test_depth16),
		cmocka_unit_test(test_cmyk),
		cmocka_unit_test(test_interlace_progressive),
		cmocka_unit_test(test_gif_first_frame),
		cmocka_unit_test(test_reduction_rule),
		cmocka_unit_test(test_webp),
		cmocka_unit_test(test_refuse_truncated),
		cmocka_unit_test(test_refuse_not_images),
		cmocka_unit_test(test_refuse_oversize),
		cmocka_unit_test(test_png_bomb),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
