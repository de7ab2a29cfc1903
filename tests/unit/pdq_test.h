/* Helpers shared by the PDQ unit tests (test_pdq.c, test_pdq_image.c): one hashing workspace per
 * test program, decode-and-hash shortcuts that fail the test with the decoder's reason, and the
 * check that a refused file leaves the caller's image untouched and says why. */
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "referral/referral_image.h"
#include "referral/referral_pdq.h"
#include "pdq_encode.h"

static struct referral_pdq_work *work;

static inline int setup(void **state)
{
	(void)state;
	work = referral_pdq_work_new();
	return work ? 0 : -1;
}

static inline int teardown(void **state)
{
	(void)state;
	referral_pdq_work_free(work);
	return 0;
}

/* Decodes (reduced to 512 as for hashing) and hashes; asserts success. */
static inline struct referral_pdq_result hash_of(const uint8_t *data, size_t len, bool dihedral)
{
	struct referral_pdq_result r;
	char why[REFERRAL_IMAGE_WHY_MAX];
	enum rcx_result rc = referral_pdq_compute_bytes(work, data, len, dihedral, &r, why);
	if (rc != RCX_OK)
		fail_msg("decode failed: %s", why);
	return r;
}

static inline struct referral_pdq_result hash_buf(const struct enc_buf *b)
{
	return hash_of(b->data, b->len, false);
}

static inline int dist(const struct referral_pdq_result *a, const struct referral_pdq_result *b)
{
	return referral_hash_distance(&a->hash[REFERRAL_PDQ_ORIG], &b->hash[REFERRAL_PDQ_ORIG]);
}

static inline struct referral_image decode_ok(const struct enc_buf *b, uint32_t fit)
{
	struct referral_image_opts o = {.fit = fit};
	struct referral_image img;
	char why[REFERRAL_IMAGE_WHY_MAX];
	if (referral_image_decode(b->data, b->len, &o, &img, why) != RCX_OK)
		fail_msg("decode failed: %s", why);
	return img;
}

/* Decoding must fail with rc (or any failure when rc is RCX_OK), leave the image untouched and say why. */
static inline void assert_refused(const uint8_t *data, size_t len, const struct referral_image_opts *o, enum rcx_result rc)
{
	struct referral_image img, sentinel;
	memset(&img, 0xa5, sizeof(img));
	sentinel = img;
	char why[REFERRAL_IMAGE_WHY_MAX] = "";
	enum rcx_result got = referral_image_decode(data, len, o, &img, why);
	if (got == RCX_OK)
		fail_msg("a bad file of %zu bytes was decoded", len);
	if (rc != RCX_OK && got != rc)
		fail_msg("expected %s, got %s (%s)", rcx_result_code(rc), rcx_result_code(got), why);
	assert_memory_equal(&img, &sentinel, sizeof(img));
	assert_true(why[0] != '\0');
}
