/* PDQ, Meta's 256-bit perceptual image hash, computed as the reference C++ implementation does
 * (same float operations in the same order, so the same bits). See referral_pdq.c for the algorithm. */
#pragma once
#include <stdbool.h>

#include "core/result.h"
#include "referral/referral_hash.h"
#include "referral/referral_image.h"

/* Images larger than this on a side are reduced to REFERRAL_PDQ_SIDE² before hashing (decode them
 * with referral_image_opts.fit = REFERRAL_PDQ_SIDE). */
#define REFERRAL_PDQ_SIDE 512u
/* Hashes of a lower quality (0–100) are unreliable: the reference advises ignoring them. */
#define REFERRAL_PDQ_QUALITY_MIN 50

/* The eight dihedral variants, in the reference's order (pdq-photo-hasher --pdqdih-across). */
enum referral_pdq_dihedral {
	REFERRAL_PDQ_ORIG,
	REFERRAL_PDQ_ROT90,
	REFERRAL_PDQ_ROT180,
	REFERRAL_PDQ_ROT270,
	REFERRAL_PDQ_FLIPX,
	REFERRAL_PDQ_FLIPY,
	REFERRAL_PDQ_FLIPPLUS1,
	REFERRAL_PDQ_FLIPMINUS1,
	REFERRAL_PDQ_DIHEDRAL_MAX
};

struct referral_pdq_result {
	struct referral_hash hash[REFERRAL_PDQ_DIHEDRAL_MAX]; /* [REFERRAL_PDQ_ORIG] always; the rest with dihedral */
	int quality;                                         /* 0–100 */
};

/* Buffers for one hash at a time (about 2.2 MB): reuse it, no allocation per image. */
struct referral_pdq_work;

/* A new workspace, or NULL when out of memory. Owned by the caller: referral_pdq_work_free. */
struct referral_pdq_work *referral_pdq_work_new(void);
/* NULL-safe. */
void referral_pdq_work_free(struct referral_pdq_work *w);
/* Hashes img (grey or RGB, at most REFERRAL_PDQ_SIDE on a side, so decoded with fit =
 * REFERRAL_PDQ_SIDE). With dihedral, also the seven other variants derived from the same DCT.
 * RCX_EINVAL for an image it cannot take; *ret_result is untouched then. */
enum rcx_result referral_pdq_compute(struct referral_pdq_work *w, const struct referral_image *img, bool dihedral,
				     struct referral_pdq_result *ret_result);
/* Decodes an image file's bytes (reduced to REFERRAL_PDQ_SIDE as the reference does), hashes it and
 * frees the pixels: nothing of the image is kept. Errors and why as referral_image_decode. */
enum rcx_result referral_pdq_compute_bytes(struct referral_pdq_work *w, const uint8_t *data, size_t len,
					   bool dihedral, struct referral_pdq_result *ret_result, char *why);
/* "orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1". Static string. */
const char *referral_pdq_dihedral_name(enum referral_pdq_dihedral v);
