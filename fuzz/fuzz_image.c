/* Image decoders and PDQ: bytes → referral_image_decode (JPEG, PNG, WebP, GIF, chosen by magic
 * bytes, so every decoder is reached) → refused with a reason, or an image within the limits that
 * decodes the same at full size when it was not reduced → hashed with its dihedral variants →
 * each hash printed as hex, parsed back, identical; the plain hash equals the orig variant; at most
 * 128 bits set (the median threshold); quality within 0–100. Pixel limit lowered to 1 Mpx so each
 * input stays fast. */
#include "fuzz_common.h"

#include "referral/referral_image.h"
#include "referral/referral_pdq.h"

#define FUZZ_PIXELS_MAX (1u << 20)

static struct referral_pdq_work *work;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	work = referral_pdq_work_new();
	return work ? 0 : 1;
}

static void check_hashes(const struct referral_image *img)
{
	struct referral_pdq_result all, one;
	FUZZ_CHECK(referral_pdq_compute(work, img, true, &all) == RCX_OK, "compute failed on %ux%u", img->width,
		   img->height);
	FUZZ_CHECK(referral_pdq_compute(work, img, false, &one) == RCX_OK, "compute failed");
	FUZZ_CHECK(all.quality >= 0 && all.quality <= 100, "quality %d", all.quality);
	FUZZ_CHECK(one.quality == all.quality, "quality %d then %d", one.quality, all.quality);
	FUZZ_CHECK(referral_hash_distance(&one.hash[REFERRAL_PDQ_ORIG], &all.hash[REFERRAL_PDQ_ORIG]) == 0,
		   "the orig variant differs from the plain hash");
	for (int v = 0; v < REFERRAL_PDQ_DIHEDRAL_MAX; v++) {
		char hex[REFERRAL_HASH_HEX_LEN + 1];
		struct referral_hash back;
		referral_hash_format(&all.hash[v], hex);
		FUZZ_CHECK(referral_hash_parse(hex, REFERRAL_HASH_HEX_LEN, &back) == RCX_OK, "cannot parse %s", hex);
		FUZZ_CHECK(memcmp(&back, &all.hash[v], sizeof(back)) == 0, "%s did not round-trip", hex);
		struct referral_hash zero = {{0}};
		FUZZ_CHECK(referral_hash_distance(&all.hash[v], &zero) <= 128, "%s: more bits than the median allows",
			   hex);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct referral_image_opts opts = {.fit = REFERRAL_PDQ_SIDE, .pixels_max = FUZZ_PIXELS_MAX};
	struct referral_image img;
	char why[REFERRAL_IMAGE_WHY_MAX];
	enum rcx_result rc = referral_image_decode(data, size, &opts, &img, why);
	if (rc != RCX_OK) {
		FUZZ_CHECK(rc == RCX_EPARSE || rc == RCX_ELIMIT || rc == RCX_EUNSUPPORTED || rc == RCX_ENOMEM,
			   "unexpected result %s", rcx_result_code(rc));
		FUZZ_CHECK(why[0] != '\0', "refused (%s) without a reason", rcx_result_code(rc));
		return 0;
	}
	FUZZ_CHECK(img.format == referral_image_detect(data, size), "format %d", (int)img.format);
	FUZZ_CHECK(img.channels == 1 || img.channels == 3, "%u channels", img.channels);
	FUZZ_CHECK(img.width >= 1 && img.height >= 1 && img.width <= REFERRAL_PDQ_SIDE && img.height <= REFERRAL_PDQ_SIDE,
		   "%ux%u", img.width, img.height);
	FUZZ_CHECK((uint64_t)img.src_width * img.src_height <= FUZZ_PIXELS_MAX, "%ux%u over the limit", img.src_width,
		   img.src_height);
	bool reduced = img.src_width > REFERRAL_PDQ_SIDE || img.src_height > REFERRAL_PDQ_SIDE;
	FUZZ_CHECK(reduced == !!(img.flags & REFERRAL_IMAGE_RESIZED), "flags %x for %ux%u", img.flags, img.src_width,
		   img.src_height);
	if (!reduced) {
		const struct referral_image_opts full_opts = {.pixels_max = FUZZ_PIXELS_MAX};
		struct referral_image full;
		FUZZ_CHECK(referral_image_decode(data, size, &full_opts, &full, why) == RCX_OK, "full size refused: %s",
			   why);
		FUZZ_CHECK(full.width == img.width && full.height == img.height && full.channels == img.channels &&
				   !memcmp(full.pixels, img.pixels, (size_t)img.width * img.height * img.channels),
			   "full-size decode differs");
		referral_image_free(&full);
	}
	check_hashes(&img);
	referral_image_free(&img);
	return 0;
}
