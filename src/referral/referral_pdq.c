/* PDQ perceptual hashing, from the published description of Meta's algorithm (pdq/README and
 * hashing.pdf of facebook/ThreatExchange), matching the reference C++ implementation bit for bit.
 *
 * Algorithm, for an image of H rows × W columns (1 ≤ H, W ≤ 512; larger images were reduced to
 * 512 × 512 by the decoder):
 *   1. luminance Y = 0.299 R + 0.587 G + 0.114 B in float (a grey image: Y = the grey value);
 *   2. the Jarosz filter: twice (a box filter along each row, window wr = (W + 127) / 128, then one
 *      along each column, window wc = (H + 127) / 128). A box filter is a running sum over the
 *      window centred as the reference centres it (half = (win + 2) / 2: half - 1 samples are summed
 *      before the first output), shrunk at both ends, each output = sum / count;
 *   3. decimation to 64 × 64: sample (floor((2i + 1) H / 128), floor((2j + 1) W / 128));
 *   4. quality: the sum over neighbouring samples of trunc(|u - v| × 100 / 255), / 90, at most 100;
 *   5. a 2-D DCT-II of the 64 × 64 samples keeping rows and columns 1..16 (the DC row and column are
 *      skipped): B = D A Dᵀ with D[i][k] = sqrt(2/64) cos(π/128 (i + 1)(2k + 1));
 *   6. bit 16 i + j is set when B[i][j] is greater than the median (the 128th smallest of the 256).
 * The eight dihedral variants come from B itself: mirroring the image negates the coefficients of
 * even index along that axis (cos is odd about the centre for odd frequencies), transposing it
 * transposes B; each variant is thresholded at its own median.
 *
 * Invariants: every float operation of steps 1–5 is the reference's, in the same order (running
 * sums add the entering sample, then subtract the leaving one; DCT sums run over k upwards), so the
 * same pixels give the same bits. The code only changes where each sum is stored and which outputs
 * are computed: the filter runs over a transposed copy so that both passes go down columns in
 * row-major order (vectorised across columns, cache-friendly), and the last two passes compute only
 * the 64 rows and columns that decimation reads. This file must not be compiled with contraction of
 * a * b + c into fused multiply-adds (see the pragma below), which would change rounding.
 *
 * Bounds: all buffers are in struct referral_pdq_work (about 2.2 MB, sized for 512 × 512); no
 * allocation per image; time is linear in H × W. */
#include "referral/referral_pdq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#define SIDE REFERRAL_PDQ_SIDE
#define N64 64u
#define N16 16u
/* Rows of the big buffers are padded to an odd number of 64-byte cache lines, so that walking down a
 * column does not map every row to the same few cache sets (a 2 KiB stride would). */
#define LD_MAX (SIDE + 16u)

static size_t row_stride(size_t n)
{
	size_t lines = (n + 15) / 16;
	return 16 * (lines | 1);
}

struct referral_pdq_work {
	float a[SIDE * LD_MAX];
	float b[SIDE * LD_MAX];
	float sel[SIDE * N64];  /* the 64 decimated columns after the second row pass, H × 64 */
	float sel2[SIDE * N64]; /* ... after the second column pass (decimated rows only) */
	float sums[SIDE];       /* running sums of one box pass */
	float dct[N16 * N64];   /* D */
	float m64[N64 * N64];   /* decimated luminance */
	float t16[N16 * N64];   /* D A */
	float b16[N16 * N16];   /* D A Dᵀ */
	float var[N16 * N16];   /* one dihedral variant of b16 */
	float scratch[N16 * N16];
	float luma[3][256];     /* 0.299 v, 0.587 v, 0.114 v: the products the reference computes */
	uint8_t want[SIDE];
};

typedef float v4f __attribute__((vector_size(16)));

static inline v4f v4_load(const float *p)
{
	v4f v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void v4_store(float *p, v4f v)
{
	memcpy(p, &v, sizeof(v));
}

struct referral_pdq_work *referral_pdq_work_new(void)
{
	struct referral_pdq_work *w = aligned_alloc(64, (sizeof(*w) + 63) / 64 * 64); /* rows start on cache lines */
	if (!w)
		return NULL;
	const float scale = (float)sqrt(2.0 / 64.0);
	for (unsigned i = 0; i < N16; i++)
		for (unsigned k = 0; k < N64; k++)
			w->dct[i * N64 + k] = (float)(scale * cos((M_PI / 2 / 64.0) * (i + 1) * (2 * k + 1)));
	for (int v = 0; v < 256; v++) {
		w->luma[0][v] = 0.299f * v;
		w->luma[1][v] = 0.587f * v;
		w->luma[2][v] = 0.114f * v;
	}
	return w;
}

void referral_pdq_work_free(struct referral_pdq_work *w)
{
	free(w);
}

/* ---- the Jarosz filter ---- */

/* One step of a box pass over n columns: sum += add (when given), sum -= sub (when given), and
 * out = sum / count (when given). */
static void box_step(float *restrict sum, const float *restrict add, const float *restrict sub, float *restrict out,
		     float count, size_t n)
{
	const v4f vc = {count, count, count, count};
	size_t c = 0;
	for (; c + 8 <= n; c += 8) {
		v4f s0 = v4_load(sum + c), s1 = v4_load(sum + c + 4);
		if (add) {
			s0 += v4_load(add + c);
			s1 += v4_load(add + c + 4);
		}
		if (sub) {
			s0 -= v4_load(sub + c);
			s1 -= v4_load(sub + c + 4);
		}
		v4_store(sum + c, s0);
		v4_store(sum + c + 4, s1);
		if (out) {
			v4_store(out + c, s0 / vc);
			v4_store(out + c + 4, s1 / vc);
		}
	}
	for (; c < n; c++) {
		float s = sum[c];
		if (add)
			s += add[c];
		if (sub)
			s -= sub[c];
		sum[c] = s;
		if (out)
			out[c] = s / count;
	}
}

/* The box filter of window win down every column of in (nrows × ncols, rows ld floats apart) into
 * out (same layout). Only the output rows with want[row] set are written (want NULL: all). */
static void box_down(float *restrict sums, const float *in, float *out, size_t ld, size_t nrows, size_t ncols,
		     size_t win, const uint8_t *want)
{
	size_t half = (win + 2) / 2;
	size_t ri = 0, li = 0, oi = 0;
	float count = 0;
	memset(sums, 0, ncols * sizeof(*sums));
#define OUT_ROW(o) (!want || want[o] ? out + (o) * ld : NULL)
	for (size_t k = 0; k + 1 < half; k++, ri++) {
		count++;
		box_step(sums, in + ri * ld, NULL, NULL, count, ncols);
	}
	for (size_t k = 0; k < win - half + 1; k++, ri++, oi++) {
		count++;
		box_step(sums, in + ri * ld, NULL, OUT_ROW(oi), count, ncols);
	}
	for (size_t k = 0; k < nrows - win; k++, ri++, li++, oi++)
		box_step(sums, in + ri * ld, in + li * ld, OUT_ROW(oi), count, ncols);
	for (size_t k = 0; k + 1 < half; k++, li++, oi++) {
		count--;
		box_step(sums, NULL, in + li * ld, OUT_ROW(oi), count, ncols);
	}
#undef OUT_ROW
}

/* out (cols × rows, rows ld_out apart) = the transpose of in (rows × cols, rows ld_in apart), in
 * tiles that stay in the L1 cache. */
static void transpose(const float *restrict in, size_t ld_in, float *restrict out, size_t ld_out, size_t rows,
		      size_t cols)
{
	enum { T = 16 };
	for (size_t r0 = 0; r0 < rows; r0 += T)
		for (size_t c0 = 0; c0 < cols; c0 += T) {
			size_t r1 = r0 + T < rows ? r0 + T : rows, c1 = c0 + T < cols ? c0 + T : cols;
			for (size_t c = c0; c < c1; c++)
				for (size_t r = r0; r < r1; r++)
					out[c * ld_out + r] = in[r * ld_in + c];
		}
}

/* Luminance of img, written transposed: out[c * ld + r], tile by tile. */
static void luma_transposed(const struct referral_pdq_work *w, const struct referral_image *img, float *restrict out,
			    size_t ld)
{
	enum { T = 16 };
	const size_t h = img->height, wd = img->width;
	const float *lr = w->luma[0], *lg = w->luma[1], *lb = w->luma[2];
	float tile[T][T];
	for (size_t r0 = 0; r0 < h; r0 += T)
		for (size_t c0 = 0; c0 < wd; c0 += T) {
			size_t nr = h - r0 < T ? h - r0 : T, nc = wd - c0 < T ? wd - c0 : T;
			for (size_t r = 0; r < nr; r++) {
				const uint8_t *p = img->pixels + ((r0 + r) * wd + c0) * img->channels;
				if (img->channels == 3)
					for (size_t c = 0; c < nc; c++, p += 3)
						tile[r][c] = lr[p[0]] + lg[p[1]] + lb[p[2]];
				else
					for (size_t c = 0; c < nc; c++)
						tile[r][c] = (float)p[c];
			}
			for (size_t c = 0; c < nc; c++)
				for (size_t r = 0; r < nr; r++)
					out[(c0 + c) * ld + r0 + r] = tile[r][c];
		}
}

static size_t window_size(size_t old_dim)
{
	return (old_dim + 2 * N64 - 1) / (2 * N64);
}

/* Steps 1–3: luminance, filter, decimation into w->m64. */
static void filter_decimate(struct referral_pdq_work *w, const struct referral_image *img)
{
	const size_t h = img->height, wd = img->width;
	const size_t wr = window_size(wd), wc = window_size(h);
	size_t rowsel[N64], colsel[N64];
	for (size_t i = 0; i < N64; i++) {
		rowsel[i] = (2 * i + 1) * h / (2 * N64);
		colsel[i] = (2 * i + 1) * wd / (2 * N64);
	}
	const size_t ldh = row_stride(h), ldw = row_stride(wd);
	luma_transposed(w, img, w->a, ldh);                             /* a: W × H */
	box_down(w->sums, w->a, w->b, ldh, wd, h, wr, NULL);          /* along rows */
	transpose(w->b, ldh, w->a, ldw, wd, h);                       /* a: H × W */
	box_down(w->sums, w->a, w->b, ldw, h, wd, wc, NULL);          /* along columns */
	transpose(w->b, ldw, w->a, ldh, h, wd);                       /* a: W × H */
	memset(w->want, 0, wd);
	for (size_t j = 0; j < N64; j++)
		w->want[colsel[j]] = 1;
	box_down(w->sums, w->a, w->b, ldh, wd, h, wr, w->want);       /* along rows, decimated columns only */
	for (size_t r = 0; r < h; r++)
		for (size_t j = 0; j < N64; j++)
			w->sel[r * N64 + j] = w->b[colsel[j] * ldh + r];    /* sel: H × 64 */
	memset(w->want, 0, h);
	for (size_t i = 0; i < N64; i++)
		w->want[rowsel[i]] = 1;
	box_down(w->sums, w->sel, w->sel2, N64, h, N64, wc, w->want); /* along columns, decimated rows only */
	for (size_t i = 0; i < N64; i++)
		memcpy(w->m64 + i * N64, w->sel2 + rowsel[i] * N64, N64 * sizeof(float));
}

/* ---- quality, DCT, bits ---- */

static int quality_metric(const float *m)
{
	int sum = 0;
	for (unsigned i = 0; i + 1 < N64; i++)
		for (unsigned j = 0; j < N64; j++) {
			int d = (int)(((m[i * N64 + j] - m[(i + 1) * N64 + j]) * 100) / 255);
			sum += abs(d);
		}
	for (unsigned i = 0; i < N64; i++)
		for (unsigned j = 0; j + 1 < N64; j++) {
			int d = (int)(((m[i * N64 + j] - m[i * N64 + j + 1]) * 100) / 255);
			sum += abs(d);
		}
	int q = sum / 90;
	return q > 100 ? 100 : q;
}

/* b16 = D m64 Dᵀ, each sum taken over k upwards. */
static void dct_64_to_16(struct referral_pdq_work *w)
{
	for (unsigned i = 0; i < N16; i++) {
		float *t = w->t16 + i * N64;
		for (unsigned j = 0; j < N64; j++)
			t[j] = 0.0f;
		for (unsigned k = 0; k < N64; k++) {
			const float d = w->dct[i * N64 + k];
			const float *a = w->m64 + k * N64;
			for (unsigned j = 0; j < N64; j++)
				t[j] += d * a[j];
		}
	}
	for (unsigned i = 0; i < N16; i++)
		for (unsigned j = 0; j < N16; j++) {
			float s = 0.0f;
			for (unsigned k = 0; k < N64; k++)
				s += w->t16[i * N64 + k] * w->dct[j * N64 + k];
			w->b16[i * N16 + j] = s;
		}
}

/* The k-th smallest (0-based) of v[0..n), by Wirth's selection; v is reordered. */
static float select_kth(float *v, int n, int k)
{
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		const float pivot = v[k];
		int i = lo, j = hi;
		do {
			while (v[i] < pivot)
				i++;
			while (pivot < v[j])
				j--;
			if (i <= j) {
				float t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < k)
			lo = i;
		if (k < i)
			hi = j;
	}
	return v[k];
}

/* Bits of a 16 × 16 coefficient block: set where greater than the median (the 128th smallest). */
static void bits_from_dct(struct referral_pdq_work *w, const float *b, struct referral_hash *ret_hash)
{
	memcpy(w->scratch, b, sizeof(w->scratch));
	float median = select_kth(w->scratch, (int)(N16 * N16), (int)((N16 * N16 + 1) / 2 - 1));
	struct referral_hash h = {{0}};
	for (unsigned k = 0; k < N16 * N16; k++)
		if (b[k] > median)
			referral_hash_set_bit(&h, k);
	*ret_hash = h;
}

/* How each variant is made from B: transposed or not, then coefficients of even row index
 * (negate_i) or even column index (negate_j) negated. */
static const struct {
	const char *name;
	bool transpose, negate_i, negate_j;
} dihedral[REFERRAL_PDQ_DIHEDRAL_MAX] = {
	[REFERRAL_PDQ_ORIG] = {"orig", false, false, false},
	[REFERRAL_PDQ_ROT90] = {"rot90", true, true, false},
	[REFERRAL_PDQ_ROT180] = {"rot180", false, true, true},
	[REFERRAL_PDQ_ROT270] = {"rot270", true, false, true},
	[REFERRAL_PDQ_FLIPX] = {"flipx", false, true, false},
	[REFERRAL_PDQ_FLIPY] = {"flipy", false, false, true},
	[REFERRAL_PDQ_FLIPPLUS1] = {"flipplus1", true, false, false},
	[REFERRAL_PDQ_FLIPMINUS1] = {"flipminus1", true, true, true},
};

const char *referral_pdq_dihedral_name(enum referral_pdq_dihedral v)
{
	return (unsigned)v < REFERRAL_PDQ_DIHEDRAL_MAX ? dihedral[v].name : "unknown";
}

static void dihedral_variant(struct referral_pdq_work *w, enum referral_pdq_dihedral v)
{
	for (unsigned i = 0; i < N16; i++)
		for (unsigned j = 0; j < N16; j++) {
			float x = dihedral[v].transpose ? w->b16[j * N16 + i] : w->b16[i * N16 + j];
			if (dihedral[v].negate_i && !(i & 1))
				x = -x;
			if (dihedral[v].negate_j && !(j & 1))
				x = -x;
			w->var[i * N16 + j] = x;
		}
}

enum rcx_result referral_pdq_compute(struct referral_pdq_work *w, const struct referral_image *img, bool dihedral_too,
				     struct referral_pdq_result *ret_result)
{
	if (!w || !img || !img->pixels || img->width < 1 || img->height < 1 || img->width > SIDE ||
	    img->height > SIDE || (img->channels != 1 && img->channels != 3))
		return RCX_EINVAL;
	filter_decimate(w, img);
	struct referral_pdq_result r;
	memset(&r, 0, sizeof(r));
	r.quality = quality_metric(w->m64);
	dct_64_to_16(w);
	bits_from_dct(w, w->b16, &r.hash[REFERRAL_PDQ_ORIG]);
	if (dihedral_too)
		for (int v = REFERRAL_PDQ_ORIG + 1; v < REFERRAL_PDQ_DIHEDRAL_MAX; v++) {
			dihedral_variant(w, (enum referral_pdq_dihedral)v);
			bits_from_dct(w, w->var, &r.hash[v]);
		}
	*ret_result = r;
	return RCX_OK;
}

enum rcx_result referral_pdq_compute_bytes(struct referral_pdq_work *w, const uint8_t *data, size_t len,
					   bool dihedral_too, struct referral_pdq_result *ret_result, char *why)
{
	const struct referral_image_opts opts = {.fit = SIDE};
	struct referral_image img;
	enum rcx_result rc = referral_image_decode(data, len, &opts, &img, why);
	if (rc != RCX_OK)
		return rc;
	rc = referral_pdq_compute(w, &img, dihedral_too, ret_result);
	referral_image_free(&img);
	return rc;
}
