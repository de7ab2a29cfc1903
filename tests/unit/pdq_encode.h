/* Small in-memory image encoders over Debian's libraries (libpng, libjpeg-turbo, libwebp, giflib) for
 * the PDQ tests and for tests/tools/pdq_images.c, which writes the golden-test images and fuzz seeds.
 * Every function returns a malloc'd buffer (enc_buf.data, freed by the caller) or aborts: these are
 * test helpers, their inputs are ours. */
#pragma once
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gif_lib.h>
#include <jpeglib.h>
#include <png.h>
#include <webp/encode.h>

struct enc_buf {
	uint8_t *data;
	size_t len, cap;
};

static inline void enc_put(struct enc_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 4096;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			abort();
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

/* ---- PNG ---- */

static inline void enc_png_write(png_structp png, png_bytep p, size_t n)
{
	enc_put(png_get_io_ptr(png), p, n);
}

static inline void enc_png_flush(png_structp png)
{
	(void)png;
}

/* raw: h rows of row_bytes, already in the layout of (color_type, depth), 16-bit samples big-endian.
 * palette/npalette for PNG_COLOR_TYPE_PALETTE; trns/ntrns (palette alpha) optional. */
static inline struct enc_buf enc_png(uint32_t w, uint32_t h, int depth, int color_type, bool interlace,
				     const uint8_t *raw, size_t row_bytes, const uint8_t *palette_rgb, int npalette,
				     const uint8_t *trns, int ntrns)
{
	struct enc_buf b = {0};
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	if (!png || !info || setjmp(png_jmpbuf(png)))
		abort();
	png_set_write_fn(png, &b, enc_png_write, enc_png_flush);
	png_set_IHDR(png, info, w, h, depth, color_type, interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (palette_rgb) {
		png_color pal[256];
		for (int i = 0; i < npalette; i++) {
			pal[i].red = palette_rgb[3 * i];
			pal[i].green = palette_rgb[3 * i + 1];
			pal[i].blue = palette_rgb[3 * i + 2];
		}
		png_set_PLTE(png, info, pal, npalette);
	}
	if (trns)
		png_set_tRNS(png, info, trns, ntrns, NULL);
	png_write_info(png, info);
	int passes = interlace ? png_set_interlace_handling(png) : 1;
	for (int p = 0; p < passes; p++)
		for (uint32_t y = 0; y < h; y++)
			png_write_row(png, raw + (size_t)y * row_bytes);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	return b;
}

/* 8-bit RGB (channels 3) or grey (channels 1) pixels as a plain PNG. */
static inline struct enc_buf enc_png_simple(const uint8_t *px, uint32_t w, uint32_t h, unsigned channels)
{
	return enc_png(w, h, 8, channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, false, px,
		       (size_t)w * channels, NULL, 0, NULL, 0);
}

/* ---- JPEG ---- */

/* raw: h rows of w × components samples in in_space (JCS_RGB, JCS_GRAYSCALE, JCS_CMYK). For CMYK,
 * adobe selects whether libjpeg writes its Adobe marker (the sign that values are inverted). */
static inline struct enc_buf enc_jpeg(const uint8_t *raw, uint32_t w, uint32_t h, int components, J_COLOR_SPACE in_space,
				      int quality, bool adobe, bool progressive)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr err;
	c.err = jpeg_std_error(&err);
	jpeg_create_compress(&c);
	unsigned char *out = NULL;
	unsigned long len = 0;
	jpeg_mem_dest(&c, &out, &len);
	c.image_width = w;
	c.image_height = h;
	c.input_components = components;
	c.in_color_space = in_space;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, quality, TRUE);
	if (in_space == JCS_CMYK)
		c.write_Adobe_marker = adobe;
	if (progressive)
		jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = (JSAMPROW)(raw + (size_t)c.next_scanline * w * components);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	struct enc_buf b = {0};
	enc_put(&b, out, len);
	free(out);
	return b;
}

/* ---- WebP ---- */

/* Lossless (exact pixels) or lossy (quality > 0) WebP of RGB (channels 3) or RGBA (channels 4). */
static inline struct enc_buf enc_webp(const uint8_t *px, uint32_t w, uint32_t h, unsigned channels, float quality)
{
	uint8_t *out = NULL;
	size_t len;
	int stride = (int)(w * channels);
	if (quality > 0)
		len = channels == 4 ? WebPEncodeRGBA(px, (int)w, (int)h, stride, quality, &out)
				    : WebPEncodeRGB(px, (int)w, (int)h, stride, quality, &out);
	else
		len = channels == 4 ? WebPEncodeLosslessRGBA(px, (int)w, (int)h, stride, &out)
				    : WebPEncodeLosslessRGB(px, (int)w, (int)h, stride, &out);
	if (len == 0)
		abort();
	struct enc_buf b = {0};
	enc_put(&b, out, len);
	WebPFree(out);
	return b;
}

/* ---- GIF ---- */

static inline int enc_gif_write(GifFileType *g, const GifByteType *p, int n)
{
	enc_put(g->UserData, p, (size_t)n);
	return n;
}

/* nframes frames of w × h palette indices (frame k's indices are idx[k]); palette of ncolors
 * (a power of two, 2..256). Interlaced frames are written in GIF's four-pass row order. */
static inline struct enc_buf enc_gif(const uint8_t *const *idx, int nframes, uint32_t w, uint32_t h,
				     const uint8_t *palette_rgb, int ncolors, bool interlace)
{
	struct enc_buf b = {0};
	int err;
	GifFileType *g = EGifOpen(&b, enc_gif_write, &err);
	if (!g)
		abort();
	GifColorType colors[256];
	for (int i = 0; i < ncolors; i++) {
		colors[i].Red = palette_rgb[3 * i];
		colors[i].Green = palette_rgb[3 * i + 1];
		colors[i].Blue = palette_rgb[3 * i + 2];
	}
	ColorMapObject *cmap = GifMakeMapObject(ncolors, colors);
	EGifSetGifVersion(g, true);
	if (EGifPutScreenDesc(g, (int)w, (int)h, 8, 0, cmap) != GIF_OK)
		abort();
	for (int f = 0; f < nframes; f++) {
		if (EGifPutImageDesc(g, 0, 0, (int)w, (int)h, interlace, NULL) != GIF_OK)
			abort();
		static const uint32_t start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
		for (int p = 0; p < (interlace ? 4 : 1); p++)
			for (uint32_t y = interlace ? start[p] : 0; y < h; y += interlace ? step[p] : 1)
				if (EGifPutLine(g, (GifPixelType *)(idx[f] + (size_t)y * w), (int)w) != GIF_OK)
					abort();
	}
	if (EGifCloseFile(g, &err) != GIF_OK)
		abort();
	GifFreeMapObject(cmap);
	return b;
}

/* ---- test pictures ---- */

/* A deterministic w × h RGB picture without symmetry: colour ramps, three discs, a bar and fine
 * texture, from integer arithmetic only (the same bytes on every machine). malloc'd. */
static inline uint8_t *enc_synth_rgb(uint32_t w, uint32_t h, uint32_t seed)
{
	uint8_t *px = malloc((size_t)w * h * 3);
	if (!px)
		abort();
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			uint32_t r = x * 200 / w + 20, g = y * 180 / h + 30, b = (x + 2 * y) * 120 / (w + 2 * h) + 60;
			for (uint32_t k = 0; k < 3; k++) {
				int64_t cx = (int64_t)w * (2 + 3 * k) / 10, cy = (int64_t)h * (3 + 2 * k) / 9;
				int64_t rad = (int64_t)(w < h ? w : h) * (2 + k) / 14;
				int64_t dx = (int64_t)x - cx, dy = (int64_t)y - cy;
				if (dx * dx + dy * dy < rad * rad) {
					r = (40 + 90 * k + seed * 37) & 255;
					g = (220 - 70 * k + seed * 11) & 255;
					b = (90 + 50 * k) & 255;
				}
			}
			if (x > w * 3 / 5 && x < w * 4 / 5 && y > h / 8 && y < h / 2)
				r = g = b = 240;
			uint32_t n = ((x * 7919u + y * 104729u + seed * 31u) >> 3) % 9;
			uint8_t *p = px + ((size_t)y * w + x) * 3;
			p[0] = (uint8_t)(r + n > 255 ? 255 : r + n);
			p[1] = (uint8_t)(g + n > 255 ? 255 : g + n);
			p[2] = (uint8_t)(b + n > 255 ? 255 : b + n);
		}
	return px;
}
