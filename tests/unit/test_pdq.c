/* Unit tests of PDQ hashing.
 * - Golden agreement with the reference C++ (RCX_CORPUS: pdq/expected/cpp-reference-*.csv): identical
 *   hashes and qualities for every JPEG and PNG image, within 10 bits at quality ≥ 80 for the others,
 *   all eight dihedral variants, and the corpus's table of distances between physically transformed
 *   files and the DCT-domain variants. Per-image distances are printed.
 * - Without the corpus: the honest quality 0 of a flat image, a ramp, the names of the dihedral
 *   variants against physically rotated and mirrored pictures, invalid input to the hasher.
 * Image decoding (formats, alpha, palettes, 16-bit, CMYK, limits, refusals) is test_pdq_image.c. */
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

#include "pdq_test.h"

/* ---- the reference's corpus ---- */

static const char *pdq_dir(void)
{
	static char dir[4096];
	const char *root = getenv("RCX_CORPUS");
	if (!root || !*root)
		return NULL;
	snprintf(dir, sizeof(dir), "%s/pdq", root);
	char probe[4200];
	snprintf(probe, sizeof(probe), "%s/expected/cpp-reference-pdq.csv", dir);
	return access(probe, R_OK) == 0 ? dir : NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* The reference decodes 16-bit samples by keeping their low byte; rcx scales them. ImageMagick's
 * 8-bit conversion of this file gives this hash (pdq/README.md), which rcx must reproduce. */
#define I16_PATH "images/pytx/I16.png"
#define I16_SCALED "628dbaa85045ffef9b101e3214f156c24b1dbefba74d25a5c90d046c6b54e536"

/* Splits a CSV line in place into at most max fields. */
static int csv_split(char *line, char **f, int max)
{
	int n = 0;
	line[strcspn(line, "\r\n")] = '\0';
	for (char *s = line; n < max;) {
		f[n++] = s;
		char *c = strchr(s, ',');
		if (!c)
			break;
		*c = '\0';
		s = c + 1;
	}
	return n;
}

/* Hashes every image of one expected file (ncols hash columns, then quality, then path). */
static void corpus_compare(const char *csv, int ncols)
{
	const char *dir = pdq_dir();
	if (!dir)
		skip();
	char path[4400], line[4096];
	snprintf(path, sizeof(path), "%s/expected/%s", dir, csv);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int images = 0, exact = 0, missing = 0, worst_other = 0;
	while (fgets(line, sizeof(line), f)) {
		char *col[12];
		if (line[0] == '#' || csv_split(line, col, 12) != ncols + 2)
			continue;
		const char *rel = col[ncols + 1];
		int want_q = atoi(col[ncols]);
		snprintf(path, sizeof(path), "%s/%s", dir, rel);
		uint8_t *data;
		size_t len;
		if (referral_image_read_file(path, &data, &len, NULL) != RCX_OK) {
			print_message("  %-44s absent (kept aside)\n", rel);
			missing++;
			continue;
		}
		struct referral_pdq_result r = hash_of(data, len, true);
		free(data);
		bool is_i16 = !strcmp(rel, I16_PATH);
		bool must_match = (ends_with(rel, ".jpg") || ends_with(rel, ".jpeg") || ends_with(rel, ".png")) && !is_i16;
		char line_out[512];
		int n = snprintf(line_out, sizeof(line_out), "  %-44s q %3d/%3d  bits:", rel, r.quality, want_q);
		for (int v = 0; v < ncols; v++) {
			struct referral_hash want;
			assert_int_equal(referral_hash_parse(col[v], strlen(col[v]), &want), RCX_OK);
			int d = referral_hash_distance(&want, &r.hash[v]);
			n += snprintf(line_out + n, sizeof(line_out) - (size_t)n, " %3d", d);
			if (must_match) {
				if (d != 0)
					fail_msg("%s: variant %s differs from the reference by %d bits", rel,
						 referral_pdq_dihedral_name((enum referral_pdq_dihedral)v), d);
			} else if (!is_i16 && want_q >= 80) {
				assert_in_range(d, 0, 10);
				worst_other = d > worst_other ? d : worst_other;
			}
		}
		if (is_i16 && ncols == 1) {
			char hex[REFERRAL_HASH_HEX_LEN + 1];
			referral_hash_format(&r.hash[REFERRAL_PDQ_ORIG], hex);
			assert_string_equal(hex, I16_SCALED);
			n += snprintf(line_out + n, sizeof(line_out) - (size_t)n, " (16-bit: scaled, = ImageMagick's hash)");
		}
		if (must_match)
			assert_int_equal(r.quality, want_q);
		print_message("%s%s\n", line_out, must_match ? "" : (is_i16 ? "" : " (other format)"));
		images++;
		exact += must_match;
	}
	fclose(f);
	print_message("  %s: %d images, %d JPEG/PNG identical, %d absent, worst other-format distance %d\n", csv, images,
		      exact, missing, worst_other);
	assert_true(images >= 30);
}

static void test_corpus_golden(void **state)
{
	(void)state;
	corpus_compare("cpp-reference-pdq.csv", 1);
}

static void test_corpus_dihedral(void **state)
{
	(void)state;
	corpus_compare("cpp-reference-pdqdih.csv", REFERRAL_PDQ_DIHEDRAL_MAX);
}

/* expected/dihedral-bridge-distances.txt: each physically transformed file against the eight
 * variants of the original, exactly. */
static void test_corpus_bridge_table(void **state)
{
	(void)state;
	const char *dir = pdq_dir();
	if (!dir)
		skip();
	char path[4400], line[1024];
	snprintf(path, sizeof(path), "%s/images/dih/bridge-1-original.jpg", dir);
	uint8_t *data;
	size_t len;
	assert_int_equal(referral_image_read_file(path, &data, &len, NULL), RCX_OK);
	struct referral_pdq_result orig = hash_of(data, len, true);
	free(data);
	snprintf(path, sizeof(path), "%s/expected/dihedral-bridge-distances.txt", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int rows = 0;
	while (fgets(line, sizeof(line), f)) {
		char name[256];
		int d[8];
		if (line[0] == '#' || sscanf(line, "%255s %d %d %d %d %d %d %d %d", name, &d[0], &d[1], &d[2], &d[3], &d[4],
					     &d[5], &d[6], &d[7]) != 9)
			continue;
		snprintf(path, sizeof(path), "%s/images/dih/%s", dir, name);
		assert_int_equal(referral_image_read_file(path, &data, &len, NULL), RCX_OK);
		struct referral_pdq_result r = hash_of(data, len, false);
		free(data);
		for (int v = 0; v < 8; v++)
			assert_int_equal(referral_hash_distance(&r.hash[REFERRAL_PDQ_ORIG], &orig.hash[v]), d[v]);
		rows++;
	}
	fclose(f);
	assert_int_equal(rows, 8);
}

/* ---- pictures made here ---- */

static uint8_t *solid(uint32_t w, uint32_t h, unsigned ch, const uint8_t *value)
{
	uint8_t *px = malloc((size_t)w * h * ch);
	for (size_t i = 0; i < (size_t)w * h; i++)
		memcpy(px + i * ch, value, ch);
	return px;
}

static void test_flat_and_gradient(void **state)
{
	(void)state;
	/* A flat image has no structure: quality 0, and still a result (reported as it is). */
	const uint8_t colour[3] = {30, 60, 90}, grey[1] = {128};
	uint8_t *px = solid(100, 80, 3, colour);
	struct enc_buf b = enc_png_simple(px, 100, 80, 3);
	struct referral_pdq_result r = hash_buf(&b);
	assert_int_equal(r.quality, 0);
	free(px);
	free(b.data);
	px = solid(64, 64, 1, grey);
	b = enc_png_simple(px, 64, 64, 1);
	r = hash_buf(&b);
	assert_int_equal(r.quality, 0);
	free(px);
	free(b.data);

	/* A horizontal ramp: steps of about 4 grey levels between samples, so quality stays low. */
	px = malloc(256 * 200);
	for (int y = 0; y < 200; y++)
		for (int x = 0; x < 256; x++)
			px[y * 256 + x] = (uint8_t)x;
	b = enc_png_simple(px, 256, 200, 1);
	r = hash_buf(&b);
	print_message("  ramp: quality %d\n", r.quality);
	assert_in_range(r.quality, 1, REFERRAL_PDQ_QUALITY_MIN - 1);
	free(px);
	free(b.data);

	/* A structured picture is high quality. */
	px = enc_synth_rgb(300, 200, 1);
	b = enc_png_simple(px, 300, 200, 3);
	r = hash_buf(&b);
	assert_true(r.quality >= 80);
	free(px);
	free(b.data);
}

/* Physical rotations and flips of a picture are near the matching DCT-domain variant of the
 * original, and far from the others. Not exact: the reference's box filter is not centred (it sums
 * half = (win + 2) / 2 - 1 samples ahead), so the filtered image of a mirror is not the mirror of the
 * filtered image. This fixes the names: rot90 is anticlockwise, flipx turns upside down, flipy
 * mirrors left-right, flipplus1 transposes, flipminus1 transposes about the other diagonal. */
static void test_dihedral_pixels(void **state)
{
	(void)state;
	const uint32_t n = 240;
	uint8_t *px = enc_synth_rgb(n, n, 2), *t = malloc((size_t)n * n * 3);
	struct enc_buf b = enc_png_simple(px, n, n, 3);
	struct referral_pdq_result orig = hash_of(b.data, b.len, true);
	free(b.data);
	for (int v = 0; v < REFERRAL_PDQ_DIHEDRAL_MAX; v++) {
		for (uint32_t y = 0; y < n; y++)
			for (uint32_t x = 0; x < n; x++) {
				uint32_t sx = x, sy = y, m = n - 1;
				switch ((enum referral_pdq_dihedral)v) {
				case REFERRAL_PDQ_ORIG: break;
				case REFERRAL_PDQ_ROT90: sx = m - y; sy = x; break;       /* anticlockwise */
				case REFERRAL_PDQ_ROT180: sx = m - x; sy = m - y; break;
				case REFERRAL_PDQ_ROT270: sx = y; sy = m - x; break;
				case REFERRAL_PDQ_FLIPX: sy = m - y; break;               /* upside down */
				case REFERRAL_PDQ_FLIPY: sx = m - x; break;               /* mirrored */
				case REFERRAL_PDQ_FLIPPLUS1: sx = y; sy = x; break;       /* transposed */
				case REFERRAL_PDQ_FLIPMINUS1: sx = m - y; sy = m - x; break;
				case REFERRAL_PDQ_DIHEDRAL_MAX: break;
				}
				memcpy(t + ((size_t)y * n + x) * 3, px + ((size_t)sy * n + sx) * 3, 3);
			}
		b = enc_png_simple(t, n, n, 3);
		struct referral_pdq_result r = hash_buf(&b);
		free(b.data);
		print_message("  pixels %-10s vs the variants of the original:", referral_pdq_dihedral_name((enum referral_pdq_dihedral)v));
		for (int u = 0; u < REFERRAL_PDQ_DIHEDRAL_MAX; u++) {
			int d = referral_hash_distance(&r.hash[0], &orig.hash[u]);
			print_message(" %3d", d);
			if (u == v)
				assert_in_range(d, 0, 40);
			else
				assert_true(d >= 90);
		}
		print_message("\n");
	}
	free(px);
	free(t);
}

static void test_compute_invalid(void **state)
{
	(void)state;
	uint8_t px[3] = {1, 2, 3};
	struct referral_image img = {.width = 513, .height = 1, .channels = 3, .pixels = px};
	struct referral_pdq_result r, sentinel;
	memset(&r, 0x5a, sizeof(r));
	sentinel = r;
	assert_int_equal(referral_pdq_compute(work, &img, false, &r), RCX_EINVAL);
	img.width = 1;
	img.channels = 2;
	assert_int_equal(referral_pdq_compute(work, &img, false, &r), RCX_EINVAL);
	assert_memory_equal(&r, &sentinel, sizeof(r));
	img.channels = 3; /* one pixel is a valid (if useless) image */
	assert_int_equal(referral_pdq_compute(work, &img, true, &r), RCX_OK);
	assert_int_equal(r.quality, 0);
	assert_string_equal(referral_pdq_dihedral_name(REFERRAL_PDQ_FLIPMINUS1), "flipminus1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_golden),
		cmocka_unit_test(test_corpus_dihedral),
		cmocka_unit_test(test_corpus_bridge_table),
		cmocka_unit_test(test_flat_and_gradient),
		cmocka_unit_test(test_dihedral_pixels),
		cmocka_unit_test(test_compute_invalid),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
