/* Image decoding for perceptual hashing: JPEG, PNG, WebP and the first frame of a GIF, from memory,
 * into 8-bit grey or RGB samples, optionally reduced on the fly to the PDQ reference's 512×512.
 * - The format is chosen by the first bytes (magic numbers), never by a file name.
 * - Hard limits (core/limits.h): input bytes, width and height, width × height, the JPEG decoder's
 *   working memory and scan count, PNG ancillary chunks. Dimensions are checked before any pixel is
 *   decoded; a corrupt, truncated or hostile file is refused with a reason, never half-decoded.
 * - What is kept of each pixel: alpha is ignored (not composited), as the reference does; palettes
 *   are expanded; grey stays one channel (luminance = the grey value); 16-bit samples are scaled to
 *   8 bits with rounding (v * 255 / 65535), not truncated; CMYK/YCCK JPEGs are converted to RGB
 *   (Adobe-inverted when the file has an Adobe marker); an RGB image whose every pixel is grey is
 *   returned as grey. EXIF orientation and colour profiles are not applied.
 * - With fit > 0, an image wider or taller than fit is resampled to exactly fit × fit by nearest
 *   neighbour (source index = floor(dest index × source size / fit), aspect ratio not kept), as the
 *   reference's CImg resize does; the full-size image is never held for JPEG, PNG and GIF (rows are
 *   sampled as they are decoded). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"

enum referral_image_format {
	REFERRAL_IMAGE_JPEG,
	REFERRAL_IMAGE_PNG,
	REFERRAL_IMAGE_WEBP,
	REFERRAL_IMAGE_GIF,
	REFERRAL_IMAGE_FORMAT_MAX /* also: not a format rcx decodes */
};

/* Flags of struct referral_image: what the decoder met and how it was handled. */
#define REFERRAL_IMAGE_ALPHA   0x01u /* the file has an alpha channel or transparency (ignored) */
#define REFERRAL_IMAGE_PALETTE 0x02u /* palette image (expanded) */
#define REFERRAL_IMAGE_DEPTH16 0x04u /* 16-bit samples (scaled to 8 bits) */
#define REFERRAL_IMAGE_CMYK    0x08u /* CMYK or YCCK JPEG (converted to RGB) */
#define REFERRAL_IMAGE_GREYRGB 0x10u /* stored as colour, every pixel grey: returned as grey */
#define REFERRAL_IMAGE_RESIZED 0x20u /* resampled to fit × fit */

/* Room for a decoder's reason, e.g. "corrupt JPEG: Premature end of JPEG file". */
#define REFERRAL_IMAGE_WHY_MAX 160

struct referral_image {
	enum referral_image_format format;
	uint32_t src_width, src_height; /* as stored in the file */
	uint32_t width, height;         /* of pixels (after the optional reduction) */
	unsigned channels;              /* 1 (grey) or 3 (RGB) */
	unsigned flags;                 /* REFERRAL_IMAGE_* */
	uint8_t *pixels;                /* height rows of width × channels bytes; owned by the image */
};

struct referral_image_opts {
	uint32_t fit;        /* 0: full size; else reduce to fit × fit when a side is larger */
	uint64_t pixels_max; /* 0: RCX_IMAGE_PIXELS_MAX; else a smaller width × height limit */
};

/* The format whose magic bytes data[0..len) starts with, or REFERRAL_IMAGE_FORMAT_MAX. */
enum referral_image_format referral_image_detect(const uint8_t *data, size_t len);
/* "jpeg", "png", "webp", "gif"; "unknown" for anything else. Static string. */
const char *referral_image_format_name(enum referral_image_format f);
/* Decodes data[0..len) (opts may be NULL: full size, default limits). On success *ret_img owns its
 * pixels (referral_image_free). Errors: RCX_EUNSUPPORTED (not a known format, animated WebP),
 * RCX_ELIMIT (a limit of limits.h), RCX_EPARSE (corrupt or truncated), RCX_ENOMEM. why, when not
 * NULL, receives a one-line reason on failure (why[REFERRAL_IMAGE_WHY_MAX]); *ret_img is untouched. */
enum rcx_result referral_image_decode(const uint8_t *data, size_t len, const struct referral_image_opts *opts,
				      struct referral_image *ret_img, char *why);
/* Reads a whole image file (path "-": standard input) into *ret_data (malloc'd, the caller frees),
 * refusing more than RCX_IMAGE_BYTES_MAX bytes (RCX_ELIMIT). RCX_EIO when it cannot be read; why as
 * for referral_image_decode. */
enum rcx_result referral_image_read_file(const char *path, uint8_t **ret_data, size_t *ret_len, char *why);
/* Frees the pixels; the struct may be reused. NULL-safe. */
void referral_image_free(struct referral_image *img);
