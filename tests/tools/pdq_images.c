/* Writes the small synthetic images of the PDQ golden test (tests/golden/cases/pdq/) and the seed
 * corpus of fuzz/fuzz_image.c (fuzz/corpus/fuzz_image/), with the encoders of tests/unit/pdq_encode.h.
 * The files are committed; rerun only to change them (then review the golden output):
 *
 *   cc -O2 -Itests/unit tests/tools/pdq_images.c -o /tmp/pdq_images \
 *      $(pkg-config --cflags --libs libpng libjpeg libwebp) -lgif -lz
 *   /tmp/pdq_images tests/golden/cases/pdq fuzz/corpus/fuzz_image
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdq_encode.h"

static void save(const char *dir, const char *name, struct enc_buf b)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	printf("%-60s %6zu bytes\n", path, b.len);
	free(b.data);
}

/* An 8-colour palette picture and its indices. */
static uint8_t *indices(const uint8_t *rgb, uint32_t w, uint32_t h, uint8_t pal[8 * 3])
{
	uint8_t *idx = malloc((size_t)w * h);
	for (int i = 0; i < 8; i++) {
		pal[3 * i] = (uint8_t)((i & 1) * 200 + 30);
		pal[3 * i + 1] = (uint8_t)((i >> 1 & 1) * 180 + 40);
		pal[3 * i + 2] = (uint8_t)((i >> 2) * 160 + 50);
	}
	for (size_t i = 0; i < (size_t)w * h; i++)
		idx[i] = (uint8_t)((rgb[3 * i] > 120) | (rgb[3 * i + 1] > 120) << 1 | (rgb[3 * i + 2] > 120) << 2);
	return idx;
}

static void golden(const char *dir)
{
	const uint32_t w = 96, h = 64;
	uint8_t *rgb = enc_synth_rgb(w, h, 1), *g = malloc((size_t)w * h), pal[8 * 3];
	for (size_t i = 0; i < (size_t)w * h; i++)
		g[i] = rgb[3 * i + 1];
	uint8_t *idx = indices(rgb, w, h, pal);
	const uint8_t *frames[1] = {idx};
	save(dir, "synth.png", enc_png_simple(rgb, w, h, 3));
	save(dir, "synth.jpg", enc_jpeg(rgb, w, h, 3, JCS_RGB, 90, false, false));
	save(dir, "synth.webp", enc_webp(rgb, w, h, 3, 0));
	save(dir, "grey.png", enc_png_simple(g, w, h, 1));
	save(dir, "palette.gif", enc_gif(frames, 1, w, h, pal, 8, true));
	const uint8_t flat[3] = {30, 60, 90};
	uint8_t *f = malloc((size_t)w * h * 3);
	for (size_t i = 0; i < (size_t)w * h; i++)
		memcpy(f + 3 * i, flat, 3);
	save(dir, "flat.png", enc_png_simple(f, w, h, 3));
	struct enc_buf cut = enc_png_simple(rgb, w, h, 3);
	cut.len /= 2;
	save(dir, "truncated.png", cut);
	/* larger than 512 on a side: reduced to 512 × 512 first */
	uint8_t *wide = enc_synth_rgb(600, 80, 2);
	save(dir, "wide.png", enc_png_simple(wide, 600, 80, 3));
	free(rgb);
	free(g);
	free(idx);
	free(f);
	free(wide);
}

static void seeds(const char *dir)
{
	const uint32_t w = 24, h = 16;
	uint8_t *rgb = enc_synth_rgb(w, h, 3), *g = malloc((size_t)w * h), *rgba = malloc((size_t)w * h * 4),
		*cmyk = malloc((size_t)w * h * 4), *g16 = malloc((size_t)w * h * 2), pal[8 * 3];
	for (size_t i = 0; i < (size_t)w * h; i++) {
		g[i] = rgb[3 * i];
		memcpy(rgba + 4 * i, rgb + 3 * i, 3);
		rgba[4 * i + 3] = (uint8_t)(i * 11);
		for (int k = 0; k < 3; k++)
			cmyk[4 * i + k] = rgb[3 * i + k];
		cmyk[4 * i + 3] = 255;
		g16[2 * i] = g[i];
		g16[2 * i + 1] = (uint8_t)(i * 37);
	}
	uint8_t *idx = indices(rgb, w, h, pal), *idx2 = malloc((size_t)w * h), trns[8] = {0, 40, 80, 120, 160, 200, 240, 255};
	for (size_t i = 0; i < (size_t)w * h; i++)
		idx2[i] = (uint8_t)(7 - idx[i]);
	const uint8_t *one[1] = {idx}, *two[2] = {idx, idx2};
	save(dir, "rgb.jpg", enc_jpeg(rgb, w, h, 3, JCS_RGB, 75, false, false));
	save(dir, "progressive.jpg", enc_jpeg(rgb, w, h, 3, JCS_RGB, 75, false, true));
	save(dir, "grey.jpg", enc_jpeg(g, w, h, 1, JCS_GRAYSCALE, 75, false, false));
	save(dir, "cmyk-adobe.jpg", enc_jpeg(cmyk, w, h, 4, JCS_CMYK, 75, true, false));
	save(dir, "rgb.png", enc_png_simple(rgb, w, h, 3));
	save(dir, "rgba-interlaced.png", enc_png(w, h, 8, PNG_COLOR_TYPE_RGBA, true, rgba, (size_t)w * 4, NULL, 0, NULL, 0));
	save(dir, "palette-trns.png", enc_png(w, h, 8, PNG_COLOR_TYPE_PALETTE, false, idx, w, pal, 8, trns, 8));
	save(dir, "grey16.png", enc_png(w, h, 16, PNG_COLOR_TYPE_GRAY, false, g16, (size_t)w * 2, NULL, 0, NULL, 0));
	save(dir, "lossy.webp", enc_webp(rgb, w, h, 3, 60));
	save(dir, "lossless-alpha.webp", enc_webp(rgba, w, h, 4, 0));
	save(dir, "interlaced.gif", enc_gif(one, 1, w, h, pal, 8, true));
	save(dir, "two-frames.gif", enc_gif(two, 2, w, h, pal, 8, false));
	free(rgb);
	free(g);
	free(rgba);
	free(cmyk);
	free(g16);
	free(idx);
	free(idx2);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s GOLDEN_DIR FUZZ_SEED_DIR\n", argv[0]);
		return 2;
	}
	golden(argv[1]);
	seeds(argv[2]);
	return 0;
}
