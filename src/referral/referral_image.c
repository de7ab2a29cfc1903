/* Image decoding for perceptual hashing (see referral_image.h for what is kept of each pixel).
 *
 * Every decoder hands its rows, in any order (PNG and GIF interlacing), to one sampler that keeps
 * only the pixels of the output grid: for output row d and column x the source pixel is
 * (floor(d * sh / dh), floor(x * sw / dw)), CImg's nearest-neighbour rule. So a source row y fills
 * the output rows d in [ceil(y * dh / sh), ceil((y + 1) * dh / sh)), and memory is one source row
 * plus the output (WebP is the exception: libwebp decodes a whole frame). The sampler also watches
 * whether every pixel of a colour image is grey.
 *
 * libjpeg and libpng report fatal errors by calling back; the callbacks write the reason and
 * longjmp to the decoder's setjmp. All state that must survive the jump lives in struct dec,
 * which belongs to the caller of the function holding the setjmp. */
#include "referral/referral_image.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gif_lib.h>
#include <jerror.h>
#include <jpeglib.h>
#include <png.h>
#include <webp/decode.h>

#include "core/limits.h"

/* ---- the sampler ---- */

struct sampler {
	uint32_t sw, sh, dw, dh;
	unsigned ch;     /* channels kept: 1 or 3 */
	bool grey;       /* ch == 3 and every pixel seen so far has R = G = B */
	uint32_t *xmap;  /* dw source columns */
	uint8_t *out;    /* dh rows of dw × ch bytes */
};

static enum rcx_result sampler_init(struct sampler *s, uint32_t sw, uint32_t sh, uint32_t fit, unsigned ch)
{
	s->sw = sw;
	s->sh = sh;
	s->dw = sw;
	s->dh = sh;
	if (fit > 0 && (sw > fit || sh > fit))
		s->dw = s->dh = fit;
	s->ch = ch;
	s->grey = ch == 3;
	s->xmap = malloc((size_t)s->dw * sizeof(*s->xmap));
	s->out = calloc((size_t)s->dw * s->dh, ch);
	if (!s->xmap || !s->out)
		return RCX_ENOMEM;
	for (uint32_t x = 0; x < s->dw; x++)
		s->xmap[x] = (uint32_t)((uint64_t)x * sw / s->dw);
	return RCX_OK;
}

static void sampler_free(struct sampler *s)
{
	free(s->xmap);
	free(s->out);
	s->xmap = NULL;
	s->out = NULL;
}

/* Source row y, or the part of it an interlacing pass holds: n pixels of bpp bytes (the kept
 * channels first) standing for source columns x0, x0 + xstep, ... */
static void sampler_row(struct sampler *s, uint32_t y, const uint8_t *row, size_t bpp, uint32_t x0, uint32_t xstep,
			uint32_t n)
{
	if (s->grey)
		for (uint32_t i = 0; i < n; i++) {
			const uint8_t *p = row + (size_t)i * bpp;
			if (p[0] != p[1] || p[1] != p[2]) {
				s->grey = false;
				break;
			}
		}
	uint64_t d0 = ((uint64_t)y * s->dh + s->sh - 1) / s->sh;
	uint64_t d1 = ((uint64_t)(y + 1) * s->dh + s->sh - 1) / s->sh;
	if (d0 >= d1 || y >= s->sh)
		return;
	size_t stride = (size_t)s->dw * s->ch;
	uint8_t *dst = s->out + d0 * stride;
	if (xstep == 1 && x0 == 0 && s->ch == 3) {
		for (uint32_t x = 0; x < s->dw; x++) {
			const uint8_t *p = row + (size_t)s->xmap[x] * bpp;
			dst[3 * x] = p[0];
			dst[3 * x + 1] = p[1];
			dst[3 * x + 2] = p[2];
		}
	} else if (xstep == 1 && x0 == 0) {
		for (uint32_t x = 0; x < s->dw; x++)
			dst[x] = row[(size_t)s->xmap[x] * bpp];
	} else {
		for (uint32_t x = 0; x < s->dw; x++) {
			uint32_t sx = s->xmap[x];
			if (sx < x0 || (sx - x0) % xstep != 0 || (sx - x0) / xstep >= n)
				continue;
			memcpy(dst + (size_t)x * s->ch, row + (size_t)((sx - x0) / xstep) * bpp, s->ch);
		}
	}
	/* Output rows that sample the same source row are copies (the whole row: an interlacing
	 * pass adds its pixels to what earlier passes wrote). */
	for (uint64_t d = d0 + 1; d < d1; d++)
		memcpy(s->out + d * stride, dst, stride);
}

/* ---- decoder state and errors ---- */

struct dec {
	const uint8_t *data;
	size_t len, pos;
	uint32_t fit;
	uint64_t pixels_max;
	char *why;
	enum rcx_result rc;     /* the result a longjmp reports */
	unsigned flags;         /* REFERRAL_IMAGE_* */
	bool png_limit;         /* libpng warned that a dimension is over its limit */
	struct sampler s;
	uint8_t *row;           /* one decoded source row (or a whole WebP frame) */
	uint8_t *row2;          /* CMYK → RGB conversion */
	struct jpeg_decompress_struct jpeg;
	struct jpeg_error_mgr jpeg_err;
	struct jpeg_progress_mgr jpeg_progress;
	jmp_buf jmp;
};

static enum rcx_result fail_why(struct dec *d, enum rcx_result rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum rcx_result fail_why(struct dec *d, enum rcx_result rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->why, REFERRAL_IMAGE_WHY_MAX, fmt, ap);
	va_end(ap);
	return rc;
}

static enum rcx_result check_size(struct dec *d, const char *fmt, uint64_t w, uint64_t h)
{
	if (w == 0 || h == 0)
		return fail_why(d, RCX_EPARSE, "corrupt %s: %llux%llu pixels", fmt, (unsigned long long)w,
				(unsigned long long)h);
	if (w > RCX_IMAGE_SIDE_MAX || h > RCX_IMAGE_SIDE_MAX || w * h > d->pixels_max)
		return fail_why(d, RCX_ELIMIT, "%s of %llux%llu pixels is over the limit (%u per side, %llu in all)",
				fmt, (unsigned long long)w, (unsigned long long)h, RCX_IMAGE_SIDE_MAX,
				(unsigned long long)d->pixels_max);
	return RCX_OK;
}

/* ---- JPEG (libjpeg-turbo, default decompression settings: the reference's pixels) ---- */

static void jpeg_on_error(j_common_ptr c)
{
	struct dec *d = c->client_data;
	char msg[JMSG_LENGTH_MAX];
	c->err->format_message(c, msg);
	if (c->err->msg_code == JERR_NO_BACKING_STORE || c->err->msg_code == JERR_OUT_OF_MEMORY)
		d->rc = fail_why(d, RCX_ELIMIT, "JPEG needs more than %u MiB to decode",
				 RCX_IMAGE_JPEG_MEMORY_MAX / (1024u * 1024u));
	else
		d->rc = fail_why(d, RCX_EPARSE, "corrupt JPEG: %s", msg);
	longjmp(d->jmp, 1);
}

/* Warnings that mean lost or invented pixels (truncation, damaged entropy data) are errors; the
 * rest (extraneous bytes between markers, unknown JFIF versions, ...) are tolerated. */
static void jpeg_on_message(j_common_ptr c, int level)
{
	if (level >= 0)
		return;
	switch (c->err->msg_code) {
	case JWRN_JPEG_EOF:
	case JWRN_HIT_MARKER:
	case JWRN_MUST_RESYNC:
	case JWRN_HUFF_BAD_CODE:
		jpeg_on_error(c);
		break;
	default:
		c->err->num_warnings++;
	}
}

static void jpeg_on_progress(j_common_ptr c)
{
	struct dec *d = c->client_data;
	if (d->jpeg.input_scan_number > (int)RCX_IMAGE_JPEG_SCANS_MAX) {
		d->rc = fail_why(d, RCX_ELIMIT, "JPEG has more than %u scans", RCX_IMAGE_JPEG_SCANS_MAX);
		longjmp(d->jmp, 1);
	}
}

/* Inverted (Adobe) CMYK: 255 is no ink; R = C' × K' / 255, rounded. Plain CMYK is inverted first. */
static void jpeg_cmyk_to_rgb(const uint8_t *in, uint8_t *out, uint32_t n, bool adobe)
{
	for (uint32_t i = 0; i < n; i++, in += 4, out += 3) {
		unsigned c = in[0], m = in[1], y = in[2], k = in[3];
		if (!adobe) {
			c = 255 - c;
			m = 255 - m;
			y = 255 - y;
			k = 255 - k;
		}
		out[0] = (uint8_t)((c * k + 127) / 255);
		out[1] = (uint8_t)((m * k + 127) / 255);
		out[2] = (uint8_t)((y * k + 127) / 255);
	}
}

static enum rcx_result decode_jpeg_rows(struct dec *d)
{
	struct jpeg_decompress_struct *j = &d->jpeg;
	jpeg_read_header(j, TRUE);
	enum rcx_result rc = check_size(d, "JPEG", j->image_width, j->image_height);
	if (rc != RCX_OK)
		return rc;
	unsigned ch = 3;
	switch (j->jpeg_color_space) {
	case JCS_GRAYSCALE:
		j->out_color_space = JCS_GRAYSCALE;
		ch = 1;
		break;
	case JCS_YCbCr:
	case JCS_RGB:
		j->out_color_space = JCS_RGB;
		break;
	case JCS_CMYK:
	case JCS_YCCK:
		j->out_color_space = JCS_CMYK;
		d->flags |= REFERRAL_IMAGE_CMYK;
		break;
	default:
		return fail_why(d, RCX_EUNSUPPORTED, "JPEG colour space with %d components is not supported",
				j->num_components);
	}
	jpeg_start_decompress(j);
	bool cmyk = d->flags & REFERRAL_IMAGE_CMYK;
	if ((unsigned)j->output_components != (cmyk ? 4u : ch))
		return fail_why(d, RCX_EPARSE, "corrupt JPEG: unexpected %d output components", j->output_components);
	rc = sampler_init(&d->s, j->output_width, j->output_height, d->fit, ch);
	if (rc != RCX_OK)
		return rc;
	JSAMPARRAY rows = (*j->mem->alloc_sarray)((j_common_ptr)j, JPOOL_IMAGE,
						  j->output_width * (JDIMENSION)j->output_components, 1);
	if (cmyk && !(d->row2 = malloc((size_t)j->output_width * 3)))
		return RCX_ENOMEM;
	while (j->output_scanline < j->output_height) {
		JDIMENSION y = j->output_scanline;
		if (jpeg_read_scanlines(j, rows, 1) != 1)
			return fail_why(d, RCX_EPARSE, "corrupt JPEG: no data for row %u", y);
		const uint8_t *row = rows[0];
		if (cmyk) {
			jpeg_cmyk_to_rgb(row, d->row2, j->output_width, j->saw_Adobe_marker);
			row = d->row2;
		}
		sampler_row(&d->s, y, row, ch, 0, 1, j->output_width);
	}
	jpeg_finish_decompress(j);
	return RCX_OK;
}

static enum rcx_result decode_jpeg(struct dec *d)
{
	struct jpeg_decompress_struct *j = &d->jpeg;
	j->err = jpeg_std_error(&d->jpeg_err);
	d->jpeg_err.error_exit = jpeg_on_error;
	d->jpeg_err.emit_message = jpeg_on_message;
	j->client_data = d; /* kept by jpeg_create_decompress */
	if (setjmp(d->jmp)) {
		jpeg_destroy_decompress(j);
		return d->rc;
	}
	jpeg_create_decompress(j);
	j->mem->max_memory_to_use = RCX_IMAGE_JPEG_MEMORY_MAX;
	d->jpeg_progress.progress_monitor = jpeg_on_progress;
	j->progress = &d->jpeg_progress;
	jpeg_mem_src(j, d->data, (unsigned long)d->len);
	enum rcx_result rc = decode_jpeg_rows(d);
	jpeg_destroy_decompress(j);
	return rc;
}

/* ---- PNG (libpng) ---- */

static void png_on_error(png_structp png, png_const_charp msg)
{
	struct dec *d = png_get_error_ptr(png);
	if (d->png_limit)
		d->rc = fail_why(d, RCX_ELIMIT, "PNG dimensions are over the limit (%u per side)", RCX_IMAGE_SIDE_MAX);
	else
		d->rc = fail_why(d, RCX_EPARSE, "corrupt PNG: %s", msg);
	png_longjmp(png, 1);
}

/* Warnings are dropped (a damaged ancillary chunk is skipped), except the one that says the
 * dimensions are over png_set_user_limits, which turns libpng's following error into RCX_ELIMIT. */
static void png_on_warning(png_structp png, png_const_charp msg)
{
	struct dec *d = png_get_error_ptr(png);
	if (strstr(msg, "user limit"))
		d->png_limit = true;
}

static void png_read_mem(png_structp png, png_bytep out, size_t n)
{
	struct dec *d = png_get_io_ptr(png);
	if (n > d->len - d->pos)
		png_error(png, "truncated file");
	memcpy(out, d->data + d->pos, n);
	d->pos += n;
}

/* Ancillary chunks rcx has no use for: skipped unread (no zTXt/iCCP decompression). */
static const png_byte png_ignored_chunks[] = "bKGD\0cHRM\0eXIf\0gAMA\0hIST\0iCCP\0iTXt\0oFFs\0pCAL\0pHYs\0sBIT\0"
					     "sCAL\0sPLT\0sRGB\0tEXt\0tIME\0zTXt\0";

static enum rcx_result decode_png_rows(struct dec *d, png_structp png, png_infop info)
{
	png_uint_32 w, h;
	int depth, type, interlace;
	png_get_IHDR(png, info, &w, &h, &depth, &type, &interlace, NULL, NULL);
	enum rcx_result rc = check_size(d, "PNG", w, h);
	if (rc != RCX_OK)
		return rc;
	if (type == PNG_COLOR_TYPE_PALETTE) {
		png_set_palette_to_rgb(png);
		d->flags |= REFERRAL_IMAGE_PALETTE;
	}
	if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	if (depth == 16) {
		png_set_scale_16(png);
		d->flags |= REFERRAL_IMAGE_DEPTH16;
	}
	if ((type & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS))
		d->flags |= REFERRAL_IMAGE_ALPHA;
	png_read_update_info(png, info);
	unsigned bpp = png_get_channels(png, info);
	if (bpp < 1 || bpp > 4 || png_get_bit_depth(png, info) != 8 || png_get_rowbytes(png, info) < (size_t)w * bpp)
		return fail_why(d, RCX_EPARSE, "corrupt PNG: unexpected row layout");
	rc = sampler_init(&d->s, w, h, d->fit, bpp >= 3 ? 3 : 1);
	if (rc != RCX_OK)
		return rc;
	d->row = malloc(png_get_rowbytes(png, info));
	if (!d->row)
		return RCX_ENOMEM;
	/* Adam7 passes are read as the small images they are (no libpng de-interlacing, which
	 * would need the whole image) and sampled where their pixels fall. */
	if (interlace == PNG_INTERLACE_ADAM7) {
		for (int pass = 0; pass < 7; pass++) {
			png_uint_32 pw = PNG_PASS_COLS(w, pass), ph = PNG_PASS_ROWS(h, pass);
			if (pw == 0 || ph == 0)
				continue;
			for (png_uint_32 k = 0; k < ph; k++) {
				png_read_row(png, d->row, NULL);
				sampler_row(&d->s, PNG_ROW_FROM_PASS_ROW(k, pass), d->row, bpp,
					    PNG_PASS_START_COL(pass), 1u << PNG_PASS_COL_SHIFT(pass), pw);
			}
		}
	} else {
		for (png_uint_32 y = 0; y < h; y++) {
			png_read_row(png, d->row, NULL);
			sampler_row(&d->s, y, d->row, bpp, 0, 1, w);
		}
	}
	png_read_end(png, NULL);
	return RCX_OK;
}

static enum rcx_result decode_png(struct dec *d)
{
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, d, png_on_error, png_on_warning);
	if (!png)
		return RCX_ENOMEM;
	png_infop info = png_create_info_struct(png);
	if (!info) {
		png_destroy_read_struct(&png, NULL, NULL);
		return RCX_ENOMEM;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		return d->rc;
	}
	png_set_read_fn(png, d, png_read_mem);
	png_set_user_limits(png, RCX_IMAGE_SIDE_MAX, RCX_IMAGE_SIDE_MAX);
	png_set_chunk_cache_max(png, RCX_IMAGE_PNG_CHUNKS_MAX);
	png_set_chunk_malloc_max(png, RCX_IMAGE_PNG_CHUNK_MAX);
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, png_ignored_chunks,
				    (int)(sizeof(png_ignored_chunks) / 5));
	png_read_info(png, info);
	enum rcx_result rc = decode_png_rows(d, png, info);
	png_destroy_read_struct(&png, &info, NULL);
	return rc;
}

/* ---- WebP (libwebp: still images; a frame is decoded whole) ---- */

static enum rcx_result decode_webp(struct dec *d)
{
	WebPBitstreamFeatures f;
	VP8StatusCode st = WebPGetFeatures(d->data, d->len, &f);
	if (st == VP8_STATUS_NOT_ENOUGH_DATA)
		return fail_why(d, RCX_EPARSE, "corrupt WebP: truncated header");
	if (st != VP8_STATUS_OK)
		return fail_why(d, RCX_EPARSE, "corrupt WebP: bad header (status %d)", (int)st);
	if (f.has_animation)
		return fail_why(d, RCX_EUNSUPPORTED, "animated WebP is not supported");
	enum rcx_result rc = check_size(d, "WebP", (uint64_t)f.width, (uint64_t)f.height);
	if (rc != RCX_OK)
		return rc;
	if (f.has_alpha)
		d->flags |= REFERRAL_IMAGE_ALPHA;
	size_t stride = (size_t)f.width * 3;
	d->row = malloc(stride * (size_t)f.height);
	if (!d->row)
		return RCX_ENOMEM;
	if (!WebPDecodeRGBInto(d->data, d->len, d->row, stride * (size_t)f.height, (int)stride))
		return fail_why(d, RCX_EPARSE, "corrupt WebP: the image data could not be decoded");
	rc = sampler_init(&d->s, (uint32_t)f.width, (uint32_t)f.height, d->fit, 3);
	if (rc != RCX_OK)
		return rc;
	for (uint32_t y = 0; y < (uint32_t)f.height; y++)
		sampler_row(&d->s, y, d->row + y * stride, 3, 0, 1, (uint32_t)f.width);
	return RCX_OK;
}

/* ---- GIF (giflib: the first frame at its own size; transparency ignored) ---- */

static int gif_read_mem(GifFileType *g, GifByteType *out, int n)
{
	struct dec *d = g->UserData;
	size_t k = n < 0 ? 0 : (size_t)n;
	if (k > d->len - d->pos)
		k = d->len - d->pos;
	memcpy(out, d->data + d->pos, k);
	d->pos += k;
	return (int)k;
}

static const char *gif_error(int code)
{
	const char *s = GifErrorString(code);
	return s ? s : "unknown error";
}

/* Row of the image that the i-th stored row of an interlaced GIF is. */
static uint32_t gif_interlaced_row(uint32_t i, uint32_t h)
{
	static const uint32_t start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
	for (int p = 0; p < 4; p++) {
		uint32_t n = h > start[p] ? (h - start[p] + step[p] - 1) / step[p] : 0;
		if (i < n)
			return start[p] + i * step[p];
		i -= n;
	}
	return h; /* not reached for i < h */
}

static enum rcx_result decode_gif_frame(struct dec *d, GifFileType *g)
{
	if (DGifGetImageDesc(g) != GIF_OK)
		return fail_why(d, RCX_EPARSE, "corrupt GIF: %s", gif_error(g->Error));
	const ColorMapObject *cmap = g->Image.ColorMap ? g->Image.ColorMap : g->SColorMap;
	if (!cmap || !cmap->Colors || cmap->ColorCount <= 0)
		return fail_why(d, RCX_EPARSE, "corrupt GIF: the first frame has no colour table");
	if (g->Image.Width < 0 || g->Image.Height < 0)
		return fail_why(d, RCX_EPARSE, "corrupt GIF: negative frame size");
	uint32_t w = (uint32_t)g->Image.Width, h = (uint32_t)g->Image.Height;
	enum rcx_result rc = check_size(d, "GIF", w, h);
	if (rc != RCX_OK)
		return rc;
	d->flags |= REFERRAL_IMAGE_PALETTE;
	d->row = malloc((size_t)w);
	d->row2 = malloc((size_t)w * 3);
	if (!d->row || !d->row2)
		return RCX_ENOMEM;
	rc = sampler_init(&d->s, w, h, d->fit, 3);
	if (rc != RCX_OK)
		return rc;
	for (uint32_t i = 0; i < h; i++) {
		if (DGifGetLine(g, d->row, (int)w) != GIF_OK)
			return fail_why(d, RCX_EPARSE, "corrupt GIF: %s", gif_error(g->Error));
		/* An index past the colour table is black, as browsers draw it. */
		for (uint32_t x = 0; x < w; x++) {
			uint8_t *o = d->row2 + 3 * (size_t)x;
			if (d->row[x] < cmap->ColorCount) {
				const GifColorType *c = &cmap->Colors[d->row[x]];
				o[0] = c->Red;
				o[1] = c->Green;
				o[2] = c->Blue;
			} else {
				o[0] = o[1] = o[2] = 0;
			}
		}
		uint32_t y = g->Image.Interlace ? gif_interlaced_row(i, h) : i;
		sampler_row(&d->s, y, d->row2, 3, 0, 1, w);
	}
	return RCX_OK;
}

static enum rcx_result decode_gif(struct dec *d)
{
	int err = 0;
	GifFileType *g = DGifOpen(d, gif_read_mem, &err);
	if (!g)
		return fail_why(d, RCX_EPARSE, "corrupt GIF: %s", gif_error(err));
	enum rcx_result rc = RCX_EPARSE;
	for (;;) {
		GifRecordType type;
		if (DGifGetRecordType(g, &type) != GIF_OK) {
			rc = fail_why(d, RCX_EPARSE, "corrupt GIF: %s", gif_error(g->Error));
			break;
		}
		if (type == IMAGE_DESC_RECORD_TYPE) {
			rc = decode_gif_frame(d, g);
			break;
		}
		if (type == EXTENSION_RECORD_TYPE) {
			int code;
			GifByteType *ext = NULL;
			int r = DGifGetExtension(g, &code, &ext);
			if (r == GIF_OK && code == GRAPHICS_EXT_FUNC_CODE && ext && ext[0] >= 1 && (ext[1] & 1))
				d->flags |= REFERRAL_IMAGE_ALPHA;
			while (r == GIF_OK && ext)
				r = DGifGetExtensionNext(g, &ext);
			if (r != GIF_OK) {
				rc = fail_why(d, RCX_EPARSE, "corrupt GIF: %s", gif_error(g->Error));
				break;
			}
			continue;
		}
		rc = fail_why(d, RCX_EPARSE, "corrupt GIF: no image before the end of the file");
		break;
	}
	DGifCloseFile(g, &err);
	return rc;
}

/* ---- the entry points ---- */

enum referral_image_format referral_image_detect(const uint8_t *p, size_t len)
{
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return REFERRAL_IMAGE_JPEG;
	if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return REFERRAL_IMAGE_PNG;
	if (len >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		return REFERRAL_IMAGE_WEBP;
	if (len >= 6 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6)))
		return REFERRAL_IMAGE_GIF;
	return REFERRAL_IMAGE_FORMAT_MAX;
}

const char *referral_image_format_name(enum referral_image_format f)
{
	static const char *const names[REFERRAL_IMAGE_FORMAT_MAX] = {"jpeg", "png", "webp", "gif"};
	return (unsigned)f < REFERRAL_IMAGE_FORMAT_MAX ? names[f] : "unknown";
}

enum rcx_result referral_image_decode(const uint8_t *data, size_t len, const struct referral_image_opts *opts,
				      struct referral_image *ret_img, char *why)
{
	char why_local[REFERRAL_IMAGE_WHY_MAX];
	struct dec *d = calloc(1, sizeof(*d));
	if (!d)
		return RCX_ENOMEM;
	d->data = data;
	d->len = len;
	d->why = why ? why : why_local;
	d->why[0] = '\0';
	d->fit = opts ? opts->fit : 0;
	d->pixels_max = opts && opts->pixels_max ? opts->pixels_max : RCX_IMAGE_PIXELS_MAX;
	if (d->pixels_max > RCX_IMAGE_PIXELS_MAX)
		d->pixels_max = RCX_IMAGE_PIXELS_MAX;
	enum referral_image_format f = referral_image_detect(data, len);
	enum rcx_result rc;
	if (len == 0)
		rc = fail_why(d, RCX_EPARSE, "empty file");
	else if (len > RCX_IMAGE_BYTES_MAX)
		rc = fail_why(d, RCX_ELIMIT, "file of %zu bytes is over the limit (%u)", len, RCX_IMAGE_BYTES_MAX);
	else if (f == REFERRAL_IMAGE_JPEG)
		rc = decode_jpeg(d);
	else if (f == REFERRAL_IMAGE_PNG)
		rc = decode_png(d);
	else if (f == REFERRAL_IMAGE_WEBP)
		rc = decode_webp(d);
	else if (f == REFERRAL_IMAGE_GIF)
		rc = decode_gif(d);
	else
		rc = fail_why(d, RCX_EUNSUPPORTED, "not a JPEG, PNG, WebP or GIF image");
	if (rc == RCX_ENOMEM && !d->why[0])
		fail_why(d, rc, "out of memory");
	if (rc != RCX_OK)
		goto fail;

	struct sampler *s = &d->s;
	if (s->ch == 3 && s->grey) {
		for (size_t i = 0, n = (size_t)s->dw * s->dh; i < n; i++)
			s->out[i] = s->out[3 * i];
		s->ch = 1;
		d->flags |= REFERRAL_IMAGE_GREYRGB;
	}
	if (s->dw != s->sw || s->dh != s->sh)
		d->flags |= REFERRAL_IMAGE_RESIZED;
	*ret_img = (struct referral_image){
		.format = f,
		.src_width = s->sw,
		.src_height = s->sh,
		.width = s->dw,
		.height = s->dh,
		.channels = s->ch,
		.flags = d->flags,
		.pixels = s->out,
	};
	s->out = NULL;
fail:
	sampler_free(&d->s);
	free(d->row);
	free(d->row2);
	free(d);
	return rc;
}

enum rcx_result referral_image_read_file(const char *path, uint8_t **ret_data, size_t *ret_len, char *why)
{
	char why_local[REFERRAL_IMAGE_WHY_MAX];
	struct dec d = {.why = why ? why : why_local};
	d.why[0] = '\0';
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return fail_why(&d, RCX_EIO, "cannot open: %s", strerror(errno));
	enum rcx_result rc = RCX_OK;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? 2 * cap : 64 * 1024;
			if (ncap > (size_t)RCX_IMAGE_BYTES_MAX + 1)
				ncap = (size_t)RCX_IMAGE_BYTES_MAX + 1;
			if (ncap == cap) {
				rc = fail_why(&d, RCX_ELIMIT, "file is larger than the limit (%u bytes)", RCX_IMAGE_BYTES_MAX);
				goto fail;
			}
			uint8_t *nbuf = realloc(buf, ncap);
			if (!nbuf) {
				rc = fail_why(&d, RCX_ENOMEM, "out of memory");
				goto fail;
			}
			buf = nbuf;
			cap = ncap;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		rc = fail_why(&d, RCX_EIO, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (!is_stdin)
		fclose(f);
	*ret_data = buf;
	*ret_len = len;
	return RCX_OK;
fail:
	if (!is_stdin)
		fclose(f);
	free(buf);
	return rc;
}

void referral_image_free(struct referral_image *img)
{
	if (!img)
		return;
	free(img->pixels);
	img->pixels = NULL;
}
